"""Border and airport crossings on the predicted centre line (``assessment.predict``)."""

from __future__ import annotations

import numpy as np
import pytest

from skywarden.assessment.predict import (
    border_entries_s,
    centre_line,
    corridor_zones,
    forecast_paths,
    site_arrivals_s,
)
from skywarden.geo.zones import load_geography

from .tracks import inward, velocity_towards

GEO = load_geography("lt")


def _forecast(lat: float, lon: float, ve: float, vn: float):  # type: ignore[no-untyped-def]
    e, n = GEO.frame.to_en(lat, lon)
    return forecast_paths([float(e)], [float(n)], [ve], [vn], [150.0], 1800.0, 60.0)


def test_border_entry_of_a_track_heading_in_is_distance_over_speed() -> None:
    # in Belarus, east of Medininkai, flying straight at the border at 40 m/s
    dist_m, ue, un = inward(54.50, 25.95)
    assert -30_000.0 < dist_m < -5_000.0  # outside, some km out
    f = _forecast(54.50, 25.95, 40.0 * ue, 40.0 * un)
    entry = border_entries_s(f, GEO, corridor_zones(f, GEO))
    assert entry[0] == pytest.approx(-dist_m / 40.0, abs=3.0)


def test_border_entry_matches_a_brute_force_walk_along_the_path() -> None:
    # an oblique course from Belarus towards Vilnius
    e0, n0 = GEO.frame.to_en(54.35, 26.0)
    v = velocity_towards((54.35, 26.0), (54.69, 25.26), 45.0)
    f = forecast_paths([float(e0)], [float(n0)], [v[0]], [v[1]], [150.0], 1800.0, 60.0)
    entry = border_entries_s(f, GEO, corridor_zones(f, GEO))[0]
    t = np.arange(0.0, 1800.0, 0.5)
    lat, lon, _ = GEO.frame.from_enu(float(e0) + v[0] * t, float(n0) + v[1] * t, 0.0 * t)
    inside = GEO.country_of(lat, lon) == "LTU"
    assert entry == pytest.approx(t[np.argmax(inside)], abs=1.5)


def test_no_border_entry_when_heading_away_or_already_inside() -> None:
    _, ue, un = inward(54.50, 25.95)
    away = _forecast(54.50, 25.95, -40.0 * ue, -40.0 * un)
    inside = _forecast(54.69, 25.26, 40.0, 0.0)  # over Vilnius, heading east
    still = _forecast(54.50, 25.95, 0.0, 0.0)
    for f in (away, inside, still):
        assert np.isinf(border_entries_s(f, GEO, corridor_zones(f, GEO))[0])


def test_centre_line_reaches_an_airport_zone_later_than_the_corridor() -> None:
    airport = GEO.sites["eyvi"]
    e_a, n_a = (float(x) for x in GEO.frame.to_en(airport.lat, airport.lon))
    # 30 km due south of the airport, flying north at 30 m/s: the zone's edge (5 km) after
    # 25 km, 833 s; the corridor touches it earlier
    f = forecast_paths([e_a], [n_a - 30_000.0], [0.0], [30.0], [150.0], 1800.0, 60.0)
    where = np.array([[e_a, n_a]])
    on_line = site_arrivals_s(centre_line(f), [airport], where)[0, 0]
    corridor = site_arrivals_s(f, [airport], where)[0, 0]
    assert on_line == pytest.approx((30_000.0 - airport.radius_m) / 30.0, abs=1.0)
    assert corridor < on_line
