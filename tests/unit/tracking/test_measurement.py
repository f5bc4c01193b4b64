"""Tests for ``skywarden.tracking.measurement``: the azimuth convention, round trips, wrapping.

The convention check has an independent reference: pyproj's geodesic forward azimuth
(clockwise from north by definition) of a point placed with ``Geod.fwd``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from skywarden.geo.frames import SiteFrame
from skywarden.tracking.measurement import (
    angle_diff_deg,
    azimuth_to_unit_en,
    bearing_deg,
    enu_to_range_az_el,
    range_az_el_to_enu,
    range_rate_mps,
    wrap_deg_360,
)

coords_m = st.floats(-5e5, 5e5, allow_nan=False)
angles_deg = st.floats(-1e6, 1e6, allow_nan=False)


@pytest.mark.parametrize(
    ("e_m", "n_m", "az_deg"),
    [(0.0, 1.0, 0.0), (1.0, 0.0, 90.0), (0.0, -1.0, 180.0), (-1.0, 0.0, 270.0), (1.0, 1.0, 45.0)],
    ids=["north", "east", "south", "west", "north-east"],
)
def test_measurement_azimuth_is_clockwise_from_north(e_m: float, n_m: float, az_deg: float) -> None:
    assert bearing_deg(e_m, n_m) == pytest.approx(az_deg)
    _r, az, el = enu_to_range_az_el(e_m * 100.0, n_m * 100.0, 0.0)
    assert az == pytest.approx(az_deg) and el == pytest.approx(0.0)
    unit_e, unit_n = azimuth_to_unit_en(az_deg)
    assert unit_e == pytest.approx(e_m / np.hypot(e_m, n_m), abs=1e-12)
    assert unit_n == pytest.approx(n_m / np.hypot(e_m, n_m), abs=1e-12)


def test_measurement_elevation_and_range() -> None:
    r, az, el = enu_to_range_az_el([3.0, 0.0, 0.0], [0.0, 0.0, 0.0], [4.0, 5.0, 0.0])
    assert r == pytest.approx([5.0, 5.0, 0.0])
    assert el == pytest.approx([np.degrees(np.arctan2(4.0, 3.0)), 90.0, 0.0])
    assert az[2] == 0.0  # the origin: azimuth 0 by definition


def test_measurement_azimuth_matches_geodesic_azimuth() -> None:
    geod = Geod(ellps="WGS84")
    frame = SiteFrame(54.69, 25.28, 150.0)
    true_az = np.linspace(0.0, 359.0, 73)
    lon, lat, _ = geod.fwd(np.full(73, 25.28), np.full(73, 54.69), true_az, np.full(73, 2_000.0))
    e_m, n_m, u_m = frame.to_enu(lat, lon, 150.0)
    _r, az, _el = enu_to_range_az_el(e_m, n_m, u_m)
    assert np.abs(angle_diff_deg(az, true_az)).max() < 1e-3


@settings(max_examples=300, deadline=None)
@given(coords_m, coords_m, coords_m)
def test_measurement_enu_round_trip(e_m: float, n_m: float, u_m: float) -> None:
    back = range_az_el_to_enu(*enu_to_range_az_el(e_m, n_m, u_m))
    assert np.allclose(back, (e_m, n_m, u_m), rtol=0.0, atol=1e-6)


@settings(max_examples=300, deadline=None)
@given(st.floats(1e-3, 1e6), st.floats(0.0, 359.999), st.floats(-89.9, 89.9))
def test_measurement_range_az_el_round_trip(range_m: float, az_deg: float, el_deg: float) -> None:
    r, az, el = enu_to_range_az_el(*range_az_el_to_enu(range_m, az_deg, el_deg))
    assert r == pytest.approx(range_m, rel=1e-12)
    assert abs(angle_diff_deg(az, az_deg)) < 1e-6 * max(1.0, 1.0 / np.cos(np.radians(el_deg)))
    assert el == pytest.approx(el_deg, abs=1e-9)


@settings(max_examples=500, deadline=None)
@given(angles_deg)
def test_measurement_wrap_is_in_range_and_congruent(angle_deg: float) -> None:
    wrapped = float(wrap_deg_360(angle_deg))
    assert 0.0 <= wrapped < 360.0
    turns = (angle_deg - wrapped) / 360.0
    assert turns == pytest.approx(round(turns), abs=1e-9)


@pytest.mark.parametrize("tiny", [-1e-17, -5e-324, -0.0])
def test_measurement_wrap_never_returns_360(tiny: float) -> None:
    assert wrap_deg_360(tiny) == 0.0
    assert bearing_deg(tiny, 1.0) == 0.0


@settings(max_examples=500, deadline=None)
@given(angles_deg, angles_deg)
def test_measurement_angle_diff_is_smallest_signed(a_deg: float, b_deg: float) -> None:
    diff = float(angle_diff_deg(a_deg, b_deg))
    assert -180.0 <= diff < 180.0
    residual = float(angle_diff_deg(float(wrap_deg_360(b_deg + diff)), a_deg))
    assert abs(residual) < 1e-6


def test_measurement_angle_diff_across_north() -> None:
    assert angle_diff_deg(359.0, 1.0) == pytest.approx(-2.0)
    assert angle_diff_deg(1.0, 359.0) == pytest.approx(2.0)
    assert angle_diff_deg(90.0, 270.0) == pytest.approx(-180.0)


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e5, 1e5), st.floats(-1e5, 1e5))
def test_measurement_unit_vector_inverts_bearing(e_m: float, n_m: float) -> None:
    if np.hypot(e_m, n_m) < 1e-6:
        return
    unit_e, unit_n = azimuth_to_unit_en(bearing_deg(e_m, n_m))
    norm = np.hypot(e_m, n_m)
    assert unit_e == pytest.approx(e_m / norm, abs=1e-9)
    assert unit_n == pytest.approx(n_m / norm, abs=1e-9)


def test_measurement_range_rate_sign_and_edge_cases() -> None:
    assert range_rate_mps(0.0, 1_000.0, 0.0, 0.0, 10.0, 0.0) == pytest.approx(10.0)  # receding
    assert range_rate_mps(1_000.0, 0.0, 0.0, -7.0, 3.0, 0.0) == pytest.approx(-7.0)
    assert range_rate_mps(0.0, 0.0, 0.0, 5.0, 5.0, 5.0) == 0.0  # at the origin
    assert np.isnan(range_rate_mps(np.nan, 1.0, 0.0, 1.0, 1.0, 1.0))


def test_measurement_functions_broadcast_and_keep_inputs() -> None:
    e_m = np.array([[1.0, 2.0], [3.0, 4.0]])
    before = e_m.copy()
    r, az, el = enu_to_range_az_el(e_m, 1.0, 0.0)
    assert r.shape == az.shape == el.shape == (2, 2)
    assert np.array_equal(e_m, before)
    assert wrap_deg_360([-90.0, 450.0]) == pytest.approx([270.0, 90.0])
