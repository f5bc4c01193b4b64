"""Tests for ``skywarden.tracking.measmodels``: positions, bearings, sensor rotation."""

from __future__ import annotations

import numpy as np
import pytest

from skywarden.geo.frames import SiteFrame
from skywarden.tracking.measmodels import (
    ANGLE_COMPONENTS,
    bearing,
    position2,
    position3,
    sensor_rotation,
)
from skywarden.tracking.measurement import enu_to_range_az_el


def test_measmodels_position_selects_coordinates() -> None:
    rng = np.random.default_rng(10)
    x = rng.normal(size=(4, 7))
    for fn, m in ((position3, 3), (position2, 2)):
        z_hat, H = fn(x)
        assert z_hat.shape == (4, m) and H.shape == (4, m, 7)
        np.testing.assert_array_equal(z_hat, x[:, :m])
        np.testing.assert_array_equal(np.einsum("kmi,ki->km", H, x), x[:, :m])
        assert len(ANGLE_COMPONENTS[f"position{m}"]) == m


@pytest.mark.parametrize(
    ("e_m", "n_m", "u_m", "az_deg", "el_deg"),
    [
        (1000.0, 0.0, 0.0, 90.0, 0.0),
        (0.0, 1000.0, 1000.0, 0.0, 45.0),
        (0.0, -500.0, 0.0, 180.0, 0.0),
        (-700.0, 0.0, -700.0, 270.0, -45.0),
    ],
    ids=["east", "north-up", "south", "west-down"],
)
def test_measmodels_bearing_azimuth_clockwise_from_north(
    e_m: float, n_m: float, u_m: float, az_deg: float, el_deg: float
) -> None:
    sensor = np.array([[100.0, 200.0, 10.0]])
    x = np.array([[100.0 + e_m, 200.0 + n_m, 10.0 + u_m, 0, 0, 0, 0]])
    z_hat, H = bearing(x, sensor, np.eye(3), with_elevation=True)
    np.testing.assert_allclose(z_hat[0], [az_deg, el_deg], atol=1e-12)
    assert H.shape == (1, 2, 7)
    z1, H1 = bearing(x, sensor, np.eye(3), with_elevation=False)
    assert z1.shape == (1, 1) and H1.shape == (1, 1, 7)
    assert len(ANGLE_COMPONENTS["bearing_az_el"]) == 2


def test_measmodels_bearing_jacobian_matches_finite_differences() -> None:
    rng = np.random.default_rng(11)
    k = 6
    x = np.column_stack([rng.normal(0, 2e4, (k, 2)), rng.uniform(50, 3000, k), np.zeros((k, 4))])
    sensor = rng.normal(0, 1e3, (k, 3))
    rot = np.stack(
        [sensor_rotation(54.7, 25.3, 54.7 + a, 25.3 + b) for a, b in sensor[:, :2] / 1e5]
    )
    _z, H = bearing(x, sensor, rot, with_elevation=True)
    step = 0.5
    for j in range(3):
        dx = np.zeros_like(x)
        dx[:, j] = step
        zp, _ = bearing(x + dx, sensor, rot, with_elevation=True)
        zm, _ = bearing(x - dx, sensor, rot, with_elevation=True)
        diff = zp - zm
        diff[:, 0] = (diff[:, 0] + 180.0) % 360.0 - 180.0
        np.testing.assert_allclose(H[:, :, j], diff / (2 * step), rtol=1e-5, atol=1e-10)
    assert np.all(H[:, :, 3:] == 0.0)


def test_measmodels_sensor_rotation_matches_site_frame_azimuth() -> None:
    sector = SiteFrame(54.70, 25.30, 100.0)
    sensor_lat, sensor_lon, sensor_alt = 55.40, 26.60, 150.0  # ~110 km away
    sensor_frame = SiteFrame(sensor_lat, sensor_lon, sensor_alt)
    targets = np.array([[55.0, 27.5, 800.0], [56.2, 26.6, 3000.0], [54.1, 24.0, 120.0]])
    lat, lon, alt = targets.T
    _r, az_ref, el_ref = enu_to_range_az_el(*sensor_frame.to_enu(lat, lon, alt))
    pos = np.column_stack(sector.to_enu(lat, lon, alt))
    sensor_pos = np.column_stack(sector.to_enu(sensor_lat, sensor_lon, sensor_alt))
    rot = sensor_rotation(sector.lat0, sector.lon0, sensor_lat, sensor_lon)
    x = np.column_stack([pos, np.zeros((3, 4))])
    z_hat, _H = bearing(x, np.repeat(sensor_pos, 3, axis=0), rot, with_elevation=True)
    np.testing.assert_allclose(z_hat[:, 0], az_ref, atol=1e-7)
    np.testing.assert_allclose(z_hat[:, 1], el_ref, atol=1e-7)
    # the frames' norths differ by ~1 deg here: without the rotation the azimuth is off
    z_flat, _ = bearing(x, np.repeat(sensor_pos, 3, axis=0), np.eye(3), with_elevation=False)
    assert np.max(np.abs(z_flat[:, 0] - az_ref)) > 0.5


def test_measmodels_sensor_rotation_is_orthonormal_and_identity_at_origin() -> None:
    rot = sensor_rotation(54.7, 25.3, 56.0, 21.0)
    np.testing.assert_allclose(rot @ rot.T, np.eye(3), atol=1e-15)
    assert np.linalg.det(rot) == pytest.approx(1.0)
    np.testing.assert_allclose(sensor_rotation(54.7, 25.3, 54.7, 25.3), np.eye(3), atol=1e-15)


def test_measmodels_bearing_does_not_mutate_inputs() -> None:
    x = np.array([[10.0, 20.0, 30.0, 1, 2, 3, 0.1]])
    sensor = np.array([[1.0, 2.0, 3.0]])
    rot = sensor_rotation(54.7, 25.3, 54.8, 25.4)
    copies = (x.copy(), sensor.copy(), rot.copy())
    bearing(x, sensor, rot, with_elevation=True)
    for before, after in zip(copies, (x, sensor, rot), strict=True):
        np.testing.assert_array_equal(before, after)
