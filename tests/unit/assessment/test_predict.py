"""Tests for ``skywarden.assessment.predict``: paths, corridors and times of arrival."""

from __future__ import annotations

import numpy as np
import pytest

from skywarden.assessment.predict import (
    CORRIDOR_SIGMAS,
    VEL_SIGMA_FRACTION,
    forecast_paths,
    site_arrivals_s,
    zone_arrivals_s,
)
from skywarden.geo.zones import Site, load_geography


def test_forecast_flies_straight_and_widens_the_corridor() -> None:
    f = forecast_paths([0.0], [0.0], [30.0], [-40.0], [150.0], horizon_s=600.0, step_s=60.0)
    assert f.lead_s[0] == 0.0 and f.lead_s[-1] == 600.0
    np.testing.assert_allclose(f.e_m[0], 30.0 * f.lead_s)
    np.testing.assert_allclose(f.n_m[0], -40.0 * f.lead_s)
    sigma_v = VEL_SIGMA_FRACTION * 50.0
    expected = CORRIDOR_SIGMAS * np.sqrt(150.0**2 + (sigma_v * f.lead_s) ** 2)
    np.testing.assert_allclose(f.half_width_m[0], expected)
    np.testing.assert_allclose(f.dir_en[0], [0.6, -0.8])


def test_forecast_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="positive"):
        forecast_paths([0.0], [0.0], [1.0], [0.0], [10.0], horizon_s=0.0, step_s=10.0)
    with pytest.raises(ValueError, match="aligned"):
        forecast_paths([0.0, 1.0], [0.0], [1.0], [0.0], [10.0], horizon_s=60.0, step_s=10.0)


def _site(site_id: str, radius_m: float) -> Site:
    return Site(site_id, site_id, "government", 0.0, 0.0, radius_m)


def test_site_arrival_matches_a_brute_force_search() -> None:
    # east at 36 m/s towards a site 36 km away; a second track flies away from it
    f = forecast_paths(
        [0.0, 0.0], [0.0, 0.0], [36.0, -36.0], [0.0, 0.0], [100.0, 100.0], 1800.0, 60.0
    )
    eta = site_arrivals_s(f, [_site("s", 1500.0)], np.array([[36_000.0, 0.0]]))
    t = np.arange(0.0, 1800.0, 0.1)
    half = CORRIDOR_SIGMAS * np.hypot(100.0, VEL_SIGMA_FRACTION * 36.0 * t)
    reach = np.abs(36_000.0 - 36.0 * t) <= 1500.0 + half
    assert eta[0, 0] == pytest.approx(t[np.argmax(reach)], abs=2.0)
    assert np.isinf(eta[1, 0])


def test_site_arrival_is_zero_when_the_site_is_already_in_the_corridor() -> None:
    f = forecast_paths([500.0], [0.0], [10.0], [0.0], [100.0], 600.0, 60.0)
    eta = site_arrivals_s(f, [_site("s", 1000.0)], np.array([[0.0, 0.0]]))
    assert eta[0, 0] == 0.0
    empty = site_arrivals_s(f, [], np.zeros((0, 2)))
    assert empty.shape == (1, 0)


def test_zone_arrivals_follow_a_drone_from_the_border_to_vilnius() -> None:
    geo = load_geography("lt")
    # near Medininkai, 3 km inside, flying west-north-west to Vilnius at 36 m/s
    e0, n0 = geo.frame.to_en(54.54, 25.62)
    e1, n1 = geo.frame.to_en(54.687, 25.28)
    d = np.array([float(e1 - e0), float(n1 - n0)])
    v = 36.0 * d / np.linalg.norm(d)
    f = forecast_paths([float(e0)], [float(n0)], [v[0]], [v[1]], [200.0], 1800.0, 60.0)
    zones = zone_arrivals_s(f, geo)[0]
    here = str(geo.zone_of(54.54, 25.62)[0])
    assert zones[here] == 0.0
    assert "LT-57" in zones  # Vilnius city
    eta_city = zones["LT-57"]
    straight_s = float(np.linalg.norm(d)) / 36.0
    assert 0.0 < eta_city < straight_s
