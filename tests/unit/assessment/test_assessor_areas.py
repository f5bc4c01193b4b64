"""The assessor's come-down areas (impact, reach, drift) and crossings, on Lithuania."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from skywarden.assessment.assessor import Assessor
from skywarden.assessment.impact import ENDURANCE
from skywarden.core.enums import ObjectClass, TrackStatus
from skywarden.core.types import Assessment, TrackUpdate
from skywarden.geo.wind import WindField
from skywarden.geo.zones import load_geography

from .tracks import inward, velocity_towards

GEO = load_geography("lt")
T0 = 1_753_666_200.0


def _track(
    track_id: str,
    start: tuple[float, float],
    vel_en_mps: tuple[float, float],
    alt_m: float,
    n: int,
    every_s: float = 10.0,
) -> list[TrackUpdate]:
    """A straight, level track from ``start`` at a constant velocity (sector frame)."""
    e0, n0 = (float(x) for x in GEO.frame.to_en(*start))
    ve, vn = vel_en_mps
    out = []
    for k in range(n):
        t = k * every_s
        lat, lon, _ = GEO.frame.from_enu(e0 + ve * t, n0 + vn * t, 0.0)
        out.append(
            TrackUpdate(
                T0 + t,
                track_id,
                TrackStatus.CONFIRMED,
                float(lat),
                float(lon),
                alt_m,
                ve,
                vn,
                0.0,
                150.0,
                100.0,
            )
        )
    return out


def _run(assessor: Assessor, updates: list[TrackUpdate]) -> list[Assessment]:
    return [assessor.assess([u])[0] for u in updates]


def test_assessor_gives_a_drone_a_reach_area_from_its_endurance() -> None:
    # near Medininkai towards the Seimas at 40 m/s, 1 km above the ground, 110 s seen
    ups = _track(
        "D-1", (54.54, 25.62), velocity_towards((54.54, 25.62), (54.69, 25.26), 40.0), 1150.0, 12
    )
    last = _run(Assessor(GEO), ups)[-1]
    assert last.obj_class is ObjectClass.OWA_DRONE
    owa = ENDURANCE[ObjectClass.OWA_DRONE]
    left_s = owa.endurance_s - 110.0
    assert last.area_kind == "reach"
    assert (last.area_lat, last.area_lon) == (ups[-1].lat, ups[-1].lon)
    assert last.area_radius_m == pytest.approx(150.0 + owa.cruise_mps * left_s)
    assert last.area_until_t_s == pytest.approx(T0 + owa.endurance_s)
    assert last.impact_t_s is None
    assert any("owa_drone endurance 12.0 h" in r for r in last.reasons)


def test_assessor_gives_a_balloon_a_drift_area_with_the_wind() -> None:
    # a balloon at 3.5 km riding a 12 m/s south-easterly (towards the north-west)
    from_deg = 135.0
    ve = -12.0 * np.sin(np.radians(from_deg))
    vn = -12.0 * np.cos(np.radians(from_deg))
    wind = WindField([(0.0, from_deg, 12.0), (6000.0, from_deg, 12.0)])
    assessor = Assessor(GEO, wind=wind)
    ups = _track("B-1", (54.45, 25.9), (float(ve), float(vn)), 3500.0, 20)
    last = _run(assessor, ups)[-1]
    assert last.obj_class is ObjectClass.BALLOON
    assert last.area_kind == "drift"
    horizon_s = assessor.config.drift_horizon_s
    e, n = (float(x) for x in GEO.frame.to_en(ups[-1].lat, ups[-1].lon))
    c_lat, c_lon, _ = GEO.frame.from_enu(e + ve * horizon_s / 2, n + vn * horizon_s / 2, 0.0)
    assert last.area_lat == pytest.approx(float(c_lat), abs=1e-6)
    assert last.area_lon == pytest.approx(float(c_lon), abs=1e-6)
    assert last.area_radius_m is not None
    assert last.area_radius_m > 12.0 * horizon_s / 2  # the way there and the spread
    assert last.area_until_t_s == pytest.approx(ups[-1].t_s + horizon_s)
    assert any(r.startswith("balloon drifting with the wind at 12 m/s") for r in last.reasons)
    # no wind known: it drifts on its own track's velocity, to the same place here
    alone = _run(Assessor(GEO), ups)[-1]
    assert alone.area_kind == "drift"
    assert alone.area_lat == pytest.approx(last.area_lat, abs=1e-6)
    assert any(r.startswith("balloon drifting on its track") for r in alone.reasons)


def test_assessor_reports_a_border_crossing_for_a_track_heading_in() -> None:
    dist_m, ue, un = inward(54.50, 25.95)
    ups = _track("D-2", (54.50, 25.95), (40.0 * ue, 40.0 * un), 1150.0, 6)
    last = _run(Assessor(GEO), ups)[-1]
    assert last.country == "BLR"
    crossings = dict(last.crossing_eta_s)
    assert crossings["LTU"] == pytest.approx(-dist_m / 40.0 - 50.0, abs=5.0)
    assert any(r.startswith("enters LTU airspace in") for r in last.reasons)
    away = _run(Assessor(GEO), _track("D-3", (54.50, 25.95), (-40.0 * ue, -40.0 * un), 1150.0, 6))
    assert "LTU" not in dict(away[-1].crossing_eta_s)
    assert not any(r.startswith("enters LTU") for r in away[-1].reasons)


def test_assessor_reports_an_airport_crossing_and_none_for_the_border_inside() -> None:
    # inside Lithuania, 20 km south-east of Vilnius airport, heading for it
    start = (54.50, 25.50)
    ups = _track("D-4", start, velocity_towards(start, (54.63694, 25.28778), 40.0), 1150.0, 3)
    last = _run(Assessor(GEO), ups)[-1]
    assert last.country == "LTU"
    crossings = dict(last.crossing_eta_s)
    assert "LTU" not in crossings
    assert "airport:eyvi" in crossings
    assert 0.0 < crossings["airport:eyvi"] < 20_000.0 / 40.0
    assert any(r.startswith("enters the Vilnius Airport (EYVI) zone in") for r in last.reasons)


def test_a_descending_track_s_area_is_its_impact_area() -> None:
    start = (54.63, 25.75)
    ups = _track("D-5", start, velocity_towards(start, (54.63, 25.70), 15.0), 250.0, 3)
    ups = [replace(u, vel_u_mps=-2.0, sigma_v_m=10.0, sigma_vu_mps=0.25) for u in ups]
    last = _run(Assessor(GEO), ups)[-1]
    assert last.impact_t_s is not None
    assert last.area_kind == "impact"
    assert (last.area_lat, last.area_lon, last.area_radius_m, last.area_until_t_s) == (
        last.impact_lat,
        last.impact_lon,
        last.impact_radius_m,
        last.impact_t_s,
    )


def test_other_classes_have_no_area_and_a_deleted_track_is_forgotten() -> None:
    assessor = Assessor(GEO)
    start = (54.2, 26.3)
    ups = _track("A-1", start, velocity_towards(start, (54.69, 25.26), 230.0), 10_000.0, 4)
    ups = [replace(u, identity="icao24:4b1816") for u in ups]
    last = _run(assessor, ups)[-1]
    assert last.obj_class is ObjectClass.MANNED_AIRCRAFT
    assert last.area_kind is None and last.area_radius_m is None
    assessor.assess([replace(ups[-1], t_s=ups[-1].t_s + 5.0, status=TrackStatus.DELETED)])
    assert "A-1" not in assessor._first_t_s


def _swing(sigma_vh_mps: float) -> tuple[float, float]:
    """Forecast velocity after 60 s east at 30 m/s, then 20 s of bearings saying north."""
    assessor = Assessor(GEO)
    east = _track("T-1", (54.6, 25.6), (30.0, 0.0), 300.0, 7)
    east = [replace(u, sigma_vh_mps=1.0) for u in east]
    north = [
        replace(u, t_s=east[-1].t_s + 10.0 * (k + 1), vel_e_mps=0.0, vel_n_mps=30.0,
                sigma_vh_mps=sigma_vh_mps)
        for k, u in enumerate(east[:2])
    ]  # fmt: skip
    ve = np.zeros(1)
    for u in [*east, *north]:
        ve_k, vn_k = assessor._smoothed_velocity(
            [u], np.array([u.vel_e_mps]), np.array([u.vel_n_mps])
        )
        ve = np.array([ve_k[0], vn_k[0]])
    return float(ve[0]), float(ve[1])


def test_assessor_forecast_heading_follows_a_sure_velocity_and_barely_a_vague_one() -> None:
    sure_e, sure_n = _swing(sigma_vh_mps=1.0)  # a radar's velocity: the turn is real
    vague_e, vague_n = _swing(sigma_vh_mps=20.0)  # bearings after a long coast
    assert np.degrees(np.arctan2(sure_n, sure_e)) > 45.0
    assert np.degrees(np.arctan2(vague_n, vague_e)) < 10.0
    assert vague_e > 25.0
