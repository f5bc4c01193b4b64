"""Tests for ``skywarden.assessment.assessor.Assessor`` on the Lithuania geography."""

from __future__ import annotations

from dataclasses import replace

import pytest

from skywarden.assessment.assessor import Assessor
from skywarden.core.enums import ObjectClass, TrackStatus
from skywarden.core.types import TrackUpdate
from skywarden.geo.zones import load_geography

from .tracks import velocity_towards

GEO = load_geography("lt")
T0 = 1_753_666_200.0


def _towards(
    track_id: str,
    start: tuple[float, float],
    goal: tuple[float, float],
    speed_mps: float,
    alt_m: float,
    n: int,
    every_s: float = 10.0,
    identity: str | None = None,
) -> list[TrackUpdate]:
    e0, n0 = GEO.frame.to_en(*start)
    v = velocity_towards(start, goal, speed_mps)
    out = []
    for k in range(n):
        t = k * every_s
        lat, lon, alt = GEO.frame.from_enu(float(e0) + v[0] * t, float(n0) + v[1] * t, alt_m)
        out.append(
            TrackUpdate(
                T0 + t,
                track_id,
                TrackStatus.CONFIRMED,
                float(lat),
                float(lon),
                float(alt),
                float(v[0]),
                float(v[1]),
                0.0,
                150.0,
                100.0,
                identity=identity,
            )
        )
    return out


def _run(assessor: Assessor, updates: list[TrackUpdate]):  # type: ignore[no-untyped-def]
    return [assessor.assess([u])[0] for u in updates]


def test_a_drone_heading_for_vilnius_is_a_threat_to_its_sites() -> None:
    assessor = Assessor(GEO)
    # from 3 km inside the border near Medininkai towards the Seimas at 40 m/s, 800 m
    out = _run(assessor, _towards("T-1", (54.54, 25.62), (54.69111, 25.26194), 40.0, 950.0, 12))
    last = out[-1]
    assert last.obj_class is ObjectClass.OWA_DRONE
    assert last.country == "LTU"
    sites = dict(last.site_eta_s)
    assert "seimas" in sites
    dist_m = 26_000.0 - 40.0 * 110.0  # about 26 km to the Seimas at the start
    assert 0.0 < sites["seimas"] < dist_m / 40.0
    zones = dict(last.zone_eta_s)
    assert "LT-57" in zones  # Vilnius city on the path
    assert last.threat > 0.5
    assert any("reaches" in r for r in last.reasons)
    assert [s for s, _ in last.site_eta_s] == sorted(sites, key=lambda k: sites[k])


def test_cooperative_and_balloon_tracks_are_no_threat() -> None:
    assessor = Assessor(GEO)
    airliner = _run(
        assessor,
        _towards("T-2", (54.2, 26.3), (54.69, 25.26), 230.0, 10_000.0, 6, identity="icao24:4b1816"),
    )[-1]
    assert airliner.obj_class is ObjectClass.MANNED_AIRCRAFT
    assert airliner.cooperative and airliner.threat == 0.0
    balloon = _run(assessor, _towards("T-3", (54.45, 25.9), (54.64, 25.29), 12.0, 3650.0, 20))[-1]
    assert balloon.obj_class is ObjectClass.BALLOON
    assert balloon.threat == pytest.approx(0.0, abs=0.05)


def test_forecasts_are_reused_and_count_down_between_refreshes() -> None:
    assessor = Assessor(GEO)
    ups = _towards("T-4", (54.54, 25.62), (54.69111, 25.26194), 40.0, 950.0, 3, every_s=4.0)
    a0, a1, a2 = _run(assessor, ups)
    s0, s1, s2 = (dict(a.site_eta_s)["seimas"] for a in (a0, a1, a2))
    assert s1 == pytest.approx(s0 - 4.0)  # 4 s later: the same forecast, counted down
    assert s2 == pytest.approx(s0 - 8.0)


def test_a_deleted_track_is_forgotten() -> None:
    assessor = Assessor(GEO)
    [u] = _towards("T-5", (54.54, 25.62), (54.69, 25.26), 40.0, 950.0, 1)
    assessor.assess([u])
    gone = TrackUpdate(
        u.t_s + 10.0, "T-5", TrackStatus.DELETED, u.lat, u.lon, u.alt_m, 0.0, 0.0, 0.0, 1.0, 1.0
    )
    [a] = assessor.assess([gone])
    assert a.threat == 0.0
    assert "T-5" not in assessor._forecasts


def test_a_track_strung_from_clutter_scores_little_threat() -> None:
    ups = _towards("T-6", (54.54, 25.62), (54.69111, 25.26194), 40.0, 950.0, 12)
    solid = _run(Assessor(GEO), ups)[-1]
    clutter = _run(Assessor(GEO), [replace(u, hit_rate=0.08) for u in ups])[-1]
    patchy = _run(Assessor(GEO), [replace(u, hit_rate=0.35) for u in ups])[-1]
    assert solid.threat > 0.5
    assert clutter.threat == 0.0  # at most 20 % of revisits: nothing
    assert patchy.threat == pytest.approx(solid.threat * 0.5)  # halfway to 50 %
    assert any("revisits" in r for r in clutter.reasons)


def test_a_descending_track_has_an_impact_area_and_a_coasting_one_keeps_it() -> None:
    assessor = Assessor(GEO)
    ups = _towards("T-1", (54.63, 25.75), (54.63, 25.70), 15.0, 250.0, 3)
    # 100 m above the nominal ground, sinking 2 m/s (sigma 0.25): down within 80 s
    ups = [replace(u, vel_u_mps=-2.0, sigma_v_m=10.0, sigma_vu_mps=0.25) for u in ups]
    out = _run(assessor, ups)
    last = out[-1]
    assert last.impact_t_s == pytest.approx(ups[-1].t_s + 80.0)
    assert last.impact_radius_m is not None and last.impact_radius_m > 150.0
    assert last.impact_lon is not None and last.impact_lon < ups[-1].lon  # ahead, westwards
    assert any(r.startswith("descending 2 m/s: on the ground by") for r in last.reasons)
    coasting = replace(ups[-1], t_s=ups[-1].t_s + 30.0, status=TrackStatus.COASTING)
    assert assessor.assess([coasting])[0].impact_t_s == last.impact_t_s
    level = replace(ups[-1], t_s=ups[-1].t_s + 40.0, vel_u_mps=0.0)
    assert assessor.assess([level])[0].impact_t_s is None
