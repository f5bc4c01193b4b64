"""The rule engine on hand-built assessments with the shipped Lithuanian rules and geography."""

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from skywarden.alerting.lifecycle import OperatorAction, OperatorActionKind
from skywarden.alerting.rule_engine import AuditRecord, RuleEngine
from skywarden.alerting.rules import RuleSet, load_rules, parse_rules
from skywarden.core.enums import AlertKind, AlertLevel, AlertState, ObjectClass, TrackStatus
from skywarden.core.types import AlertEvent, Assessment
from skywarden.geo.zones import Geography, load_geography

OWA, UNKNOWN, BALLOON = ObjectClass.OWA_DRONE, ObjectClass.UNKNOWN, ObjectClass.BALLOON
# Vilnius district, about 20 km east of the Seimas and 22 km from the airport: far enough
# from eyvi that the airport rule stays out of the drone scenarios unless asked.
IN_LT58 = (54.62, 25.58)
OVER_BLR = (54.45, 25.9)  # Belarus, about 16 km from the border east of Vilnius


@pytest.fixture(scope="module")
def lt() -> Geography:
    return load_geography("lt")


@pytest.fixture(scope="module")
def lt_rules(lt: Geography) -> RuleSet:
    return load_rules("lt", lt)


@pytest.fixture
def engine(lt: Geography, lt_rules: RuleSet) -> RuleEngine:
    return RuleEngine(lt, lt_rules)


def drone(
    t_s: float,
    *,
    tid: str = "T-000001",
    over: str = "LTU",
    zone: str | None = "LT-58",
    border_m: float = 5000.0,
    p_owa: float = 0.4,
    threat: float = 0.3,
    zones: Sequence[tuple[str, float]] = (),
    sites: Sequence[tuple[str, float]] = (),
    where: tuple[float, float] = IN_LT58,
    main: ObjectClass = OWA,
    **kw: Any,
) -> Assessment:
    """A non-cooperative confirmed track; ``p_owa`` goes to ``main``, the rest to unknown."""
    probs = {c: 0.0 for c in ObjectClass}
    probs[main] += p_owa
    probs[UNKNOWN] += 1.0 - p_owa
    top = max(probs, key=lambda c: probs[c])
    return Assessment(
        t_s=t_s,
        track_id=tid,
        status=kw.pop("status", TrackStatus.CONFIRMED),
        lat=where[0],
        lon=where[1],
        alt_m=300.0,
        country=over,
        zone_id=zone,
        border_distance_m=border_m,
        cooperative=kw.pop("cooperative", False),
        obj_class=top,
        class_p=probs[top],
        class_probs=tuple(probs.items()),
        speed_mps=45.0,
        course_deg=290.0,
        zone_eta_s=tuple(zones),
        site_eta_s=tuple(sites),
        threat=threat,
        **kw,
    )


def gone(a: Assessment, t_s: float) -> Assessment:
    return replace(a, t_s=t_s, status=TrackStatus.DELETED, threat=0.0)


def of(events: Sequence[AlertEvent], kind: AlertKind) -> list[AlertEvent]:
    return [e for e in events if e.kind is kind]


def zone_events(events: Sequence[AlertEvent]) -> dict[str, AlertEvent]:
    """Public path alerts by zone (one zone each)."""
    out = {}
    for e in of(events, AlertKind.ZONE_INTRUSION):
        [zone] = e.zone_ids
        out[zone] = e
    return out


def tick(engine: RuleEngine, t_from: float, t_to: float, step_s: float = 5.0) -> list[AlertEvent]:
    """Empty pipeline ticks: timers run on, no assessment arrives."""
    events: list[AlertEvent] = []
    t = t_from
    while t <= t_to + 1e-9:
        events += [replace(e) for e in engine.process([], now_s=t)]
        t += step_s
    return events


# --- targeting, escalation, shelter -------------------------------------------------------


def test_rule_engine_drone_from_blr_to_vilnius(engine: RuleEngine) -> None:
    # Over Belarus, 16 km out, heading in: its corridor crosses LT-58 in 3 min and reaches
    # Vilnius city (LT-57) in 12; Trakai (LT-52) only in 25 min, beyond the 15 min lead.
    path = (("LT-58", 200.0), ("LT-57", 700.0), ("LT-52", 1500.0))
    first = drone(
        0.0, over="BLR", zone=None, border_m=-16000.0, zones=path, where=OVER_BLR, threat=0.3
    )
    events = engine.process([first])
    [notice] = of(events, AlertKind.BORDER_CROSSING)
    assert notice.level is AlertLevel.NOTICE and notice.zone_ids == ("LT-58",)  # entry zone
    assert notice.reason.startswith("lt.notice.hostile_side: LT-58 Vilnius District")
    yellow = zone_events(events)
    assert set(yellow) == {"LT-58", "LT-57"}  # not Trakai, not the country
    assert all(e.level is AlertLevel.YELLOW and e.state is AlertState.RAISED for e in events[1:])
    assert yellow["LT-57"].eta_s == 700.0 and yellow["LT-58"].eta_s == 200.0
    assert yellow["LT-57"].track_ids == ("T-000001",)
    r = yellow["LT-57"].reason
    assert r.startswith("lt.yellow.path: LT-57 Vilnius City Municipality in 12 min: T-000001")
    assert "over BLR, 16.0 km out" in r and "threat 0.30" in r
    assert all(len(e.zone_ids) <= 1 for e in events)

    # Inside now, over LT-58; assessment says owa_drone 0.7, threat 0.6, 9 min to Vilnius.
    inside = drone(180.0, p_owa=0.7, threat=0.6, zones=(("LT-58", 0.0), ("LT-57", 540.0)), sites=())
    events = engine.process([inside])
    red = zone_events(events)
    assert {z: e.state for z, e in red.items()} == {
        "LT-58": AlertState.ESCALATED,
        "LT-57": AlertState.ESCALATED,
    }
    assert red["LT-57"].alert_id == yellow["LT-57"].alert_id  # one alert, now red
    assert red["LT-57"].level is AlertLevel.RED
    r = red["LT-57"].reason
    assert r.startswith("lt.red.path: LT-57 Vilnius City Municipality in 9 min: T-000001")
    assert "p(owa_drone) 0.70" in r and "crossed from BLR" in r
    # The Seimas is not on a predicted arrival inside 5 minutes yet: no shelter advisory.
    assert of(events, AlertKind.SHELTER_ADVISORY) == []

    # 7 min to the Seimas: still no shelter (lead 300 s).
    near = drone(
        200.0, p_owa=0.7, threat=0.6, zones=(("LT-57", 520.0),), sites=(("seimas", 420.0),)
    )
    assert of(engine.process([near]), AlertKind.SHELTER_ADVISORY) == []
    # 4 min 40 s to the Seimas, 5 min 20 s to the presidency: shelter for the Seimas only.
    closer = replace(near, t_s=340.0, zone_eta_s=(("LT-57", 380.0),))
    closer = replace(closer, site_eta_s=(("seimas", 280.0), ("presidency", 320.0)))
    [shelter] = of(engine.process([closer]), AlertKind.SHELTER_ADVISORY)
    assert shelter.state is AlertState.RAISED and shelter.level is AlertLevel.RED
    assert shelter.site_ids == ("seimas",) and shelter.zone_ids == ()
    assert shelter.eta_s == 280.0
    assert shelter.reason.startswith("lt.shelter.government: Seimas Palace (parliament) in 5 min")


def test_rule_engine_10_july_object_falling_near_the_border_never_shelters(
    engine: RuleEngine,
) -> None:
    # A Gerbera gliding in at 15 m/s and falling 1 km inside: the Seimas is 29 km off, far
    # beyond five minutes, so however red the zones get, no shelter advisory is raised.
    a = drone(0.0, p_owa=0.8, threat=0.7, border_m=1000.0, zones=(("LT-58", 0.0),))
    a = replace(a, speed_mps=15.0, site_eta_s=(("seimas", 1900.0),))
    events = engine.process([a])
    assert [e.level for e in zone_events(events).values()] == [AlertLevel.RED]
    assert of(events, AlertKind.SHELTER_ADVISORY) == []
    # It falls; the track is deleted at t 60: all-clear within one minute of the deletion.
    assert engine.process([gone(a, 60.0)]) == []
    assert tick(engine, 65.0, 115.0) == []
    [cleared] = engine.process([], now_s=120.0)
    assert cleared.state is AlertState.CLEARED and cleared.level is AlertLevel.WHITE
    assert cleared.reason.startswith("lt.red.path: all clear for LT-58 Vilnius District")
    assert "T-000001 track deleted" in cleared.reason
    assert engine.active_count == 0


def test_rule_engine_first_seen_inside_says_origin_unknown(engine: RuleEngine) -> None:
    # 28 July 2025: the first the system knew of the drone was over Lithuania.
    [event] = engine.process([drone(0.0, zones=(("LT-58", 0.0),))])
    assert "first seen over LTU, origin unknown" in event.reason


# --- de-duplication ---------------------------------------------------------------------


def test_rule_engine_two_tracks_one_alert_per_zone(engine: RuleEngine) -> None:
    a1 = drone(0.0, tid="T-000001", zones=(("LT-58", 0.0), ("LT-57", 600.0)))
    events = engine.process([a1])
    assert set(zone_events(events)) == {"LT-58", "LT-57"}
    # A second track of the same raid, threatening Vilnius city sooner.
    a2 = drone(10.0, tid="T-000002", zones=(("LT-58", 0.0), ("LT-57", 400.0)))
    a1 = replace(a1, t_s=10.0, zone_eta_s=(("LT-58", 0.0), ("LT-57", 590.0)))
    events = zone_events(engine.process([a1, a2]))
    assert set(events) == {"LT-58", "LT-57"}
    assert all(e.state is AlertState.UPDATED for e in events.values())
    assert events["LT-57"].track_ids == ("T-000001", "T-000002")
    assert events["LT-57"].eta_s == 400.0  # the earliest of its tracks
    assert "T-000002 joined" in events["LT-57"].reason
    assert engine.active_count == 2
    # Nothing new on the next assessments: no event (the ETAs only count down).
    a1 = replace(a1, t_s=15.0, zone_eta_s=(("LT-58", 0.0), ("LT-57", 585.0)))
    a2 = replace(a2, t_s=15.0, zone_eta_s=(("LT-58", 0.0), ("LT-57", 395.0)))
    assert engine.process([a1, a2]) == []
    # T-000002 is deleted: the alerts stay, held by T-000001, and say who left.
    events = zone_events(engine.process([gone(a2, 20.0)]))
    assert events["LT-57"].state is AlertState.UPDATED
    assert events["LT-57"].track_ids == ("T-000001",)
    assert events["LT-57"].eta_s == 580.0
    assert "T-000002 left (track deleted)" in events["LT-57"].reason


def test_rule_engine_eta_jump_is_an_update(engine: RuleEngine) -> None:
    a = drone(0.0, zones=(("LT-58", 0.0), ("LT-57", 800.0)))
    engine.process([a])
    # Countdown alone: silent. The drone speeds up: LT-57 now 5 min sooner than counted.
    assert (
        engine.process([replace(a, t_s=30.0, zone_eta_s=(("LT-58", 0.0), ("LT-57", 770.0)))]) == []
    )
    [upd] = engine.process([replace(a, t_s=40.0, zone_eta_s=(("LT-58", 0.0), ("LT-57", 460.0)))])
    assert upd.state is AlertState.UPDATED and upd.zone_ids == ("LT-57",)
    assert upd.eta_s == 460.0 and "ETA now in 8 min" in upd.reason


# --- hysteresis -------------------------------------------------------------------------


def test_rule_engine_clears_after_clear_after_s_not_before_and_never_flaps(
    engine: RuleEngine,
) -> None:
    zones = (("LT-58", 0.0),)
    [raised] = engine.process([drone(0.0, zones=zones)])
    # The condition blinks off for 15 s (threat dips below 0.2), then holds again.
    for t in (5.0, 10.0, 15.0):
        assert engine.process([drone(t, zones=zones, threat=0.1)]) == []
    assert engine.process([drone(20.0, zones=zones)]) == []
    # Deleted at t 25: nothing for 60 s of ticks, then the all-clear at exactly t 85.
    assert engine.process([gone(drone(25.0, zones=zones), 25.0)]) == []
    assert tick(engine, 30.0, 80.0) == []
    [cleared] = engine.process([], now_s=85.0)
    assert cleared.alert_id == raised.alert_id
    assert (cleared.state, cleared.level) == (AlertState.CLEARED, AlertLevel.WHITE)
    assert cleared.reason.startswith("lt.yellow.path: all clear for LT-58")
    assert "no matching track for 60 s" in cleared.reason
    assert cleared.track_ids == ("T-000001",) and cleared.eta_s is None


def test_rule_engine_red_downgrades_after_hysteresis_then_clears(engine: RuleEngine) -> None:
    zones = (("LT-58", 0.0),)
    [raised] = engine.process([drone(0.0, p_owa=0.7, threat=0.6, zones=zones)])
    assert raised.level is AlertLevel.RED and raised.reason.startswith("lt.red.path:")
    events: list[AlertEvent] = []
    for t in range(5, 125, 5):  # p(owa) drops to 0.5: yellow wanted, red no longer
        events += engine.process([drone(float(t), p_owa=0.5, threat=0.4, zones=zones)])
    [down] = events
    assert down.state is AlertState.DOWNGRADED and down.t_s == 65.0
    assert down.level is AlertLevel.YELLOW and down.alert_id == raised.alert_id
    assert down.reason.startswith("lt.yellow.path:")
    assert "lt.red.path no longer holds for 60 s" in down.reason


def test_rule_engine_stale_track_counts_as_deleted(lt: Geography, lt_rules: RuleSet) -> None:
    engine = RuleEngine(lt, lt_rules, stale_after_s=30.0)
    engine.process([drone(0.0, zones=(("LT-58", 0.0),))])
    events = tick(engine, 5.0, 100.0)
    [cleared] = events
    assert cleared.t_s == 95.0  # stale at 35 (30 s without an assessment), clear 60 s later
    assert "no assessment for 30 s" in cleared.reason


# --- who never alerts -------------------------------------------------------------------


def test_rule_engine_cooperative_tracks_never_alert(engine: RuleEngine) -> None:
    coop = drone(
        0.0,
        p_owa=0.9,
        threat=0.9,
        zones=(("LT-58", 0.0),),
        sites=(("seimas", 60.0),),
        cooperative=True,
        tid="T-000009",
    )
    assert engine.process([coop]) == []
    # A track that turns out cooperative stops matching; its alert clears 60 s later.
    a = drone(10.0, zones=(("LT-58", 0.0),))
    [raised] = engine.process([a])
    assert engine.process([replace(a, t_s=15.0, cooperative=True, threat=0.0)]) == []
    assert tick(engine, 20.0, 70.0) == []
    [cleared] = engine.process([], now_s=75.0)
    assert cleared.alert_id == raised.alert_id
    assert "identified as cooperative" in cleared.reason


def test_rule_engine_tentative_tracks_do_not_alert(engine: RuleEngine) -> None:
    a = drone(0.0, zones=(("LT-58", 0.0),), status=TrackStatus.TENTATIVE)
    assert engine.process([a]) == []


def test_rule_engine_balloons_near_eyvi_notice_the_airport_only(engine: RuleEngine) -> None:
    # Smuggling balloons drifting over Vilnius, 7 km north of the airport: threat 0.
    b1 = drone(
        0.0,
        tid="T-000011",
        main=BALLOON,
        p_owa=0.9,
        threat=0.0,
        zone="LT-57",
        zones=(("LT-57", 0.0),),
        where=(54.70, 25.28),
    )
    b2 = replace(b1, track_id="T-000012", lat=54.72, lon=25.30)
    events = engine.process([b1, b2])
    [closure] = events  # one advisory for the airport, no yellow, no red
    assert closure.kind is AlertKind.AIRSPACE_CLOSURE and closure.level is AlertLevel.NOTICE
    assert closure.site_ids == ("eyvi",) and closure.track_ids == ("T-000011", "T-000012")
    assert closure.eta_s is None  # matched by distance, not by a predicted arrival
    assert closure.reason.startswith("lt.airport.balloons_drones: Vilnius Airport (EYVI), 7.0 km")
    assert "p(balloon+owa_drone+quadcopter+unknown) 1.00" in closure.reason
    # Kaunas airport (EYKA) is 75 km off: never part of it.
    assert all(e.site_ids != ("eyka",) for e in events)


# --- operator actions -------------------------------------------------------------------


def test_rule_engine_acknowledge_is_an_update_and_audited(lt: Geography, lt_rules: RuleSet) -> None:
    seen: list[AuditRecord] = []
    engine = RuleEngine(lt, lt_rules, on_audit=seen.append)
    [raised] = engine.process([drone(0.0, zones=(("LT-58", 0.0),))])
    ack = OperatorAction(20.0, "op-7", OperatorActionKind.ACKNOWLEDGE, alert_id=raised.alert_id)
    [event] = engine.apply(ack)
    assert event.state is AlertState.UPDATED and event.level is AlertLevel.YELLOW
    assert event.alert_id == raised.alert_id and event.t_s == 20.0
    assert event.reason == "lt.yellow.path: acknowledged by op-7"
    [record] = engine.audit
    assert seen == [record]
    assert (record.t_s, record.operator, record.action) == (20.0, "op-7", ack.kind)
    assert record.alert_id == raised.alert_id and record.result == f"acknowledged {raised.alert_id}"
    assert record.events == (event,)


def test_rule_engine_unknown_alert_is_rejected_and_audited(engine: RuleEngine) -> None:
    action = OperatorAction(5.0, "op-1", OperatorActionKind.FORCE_CLEAR, alert_id="A-999999")
    assert engine.apply(action) == []
    assert engine.audit[-1].result == "rejected: no active alert 'A-999999'"
    assert (
        engine.apply(OperatorAction(6.0, "op-1", OperatorActionKind.RECLASSIFY_NOT_DANGEROUS)) == []
    )
    assert "needs an alert_id or a track_id" in engine.audit[-1].result


def test_rule_engine_reclassify_clears_now_and_mutes_the_track(engine: RuleEngine) -> None:
    zones = (("LT-58", 0.0), ("LT-57", 500.0))
    raised = engine.process([drone(0.0, p_owa=0.7, threat=0.6, zones=zones)])
    assert len(raised) == 2
    action = OperatorAction(
        30.0,
        "op-3",
        OperatorActionKind.RECLASSIFY_NOT_DANGEROUS,
        alert_id=raised[0].alert_id,
        note="VSAT: plywood and foam, no cargo",
    )
    events = engine.apply(action)
    # Both of the track's alerts end at once, not after the hysteresis.
    assert {e.alert_id for e in events} == {e.alert_id for e in raised}
    assert all(e.state is AlertState.CLEARED and e.t_s == 30.0 for e in events)
    assert events[0].reason == (
        "lt.red.path: T-000001 reclassified not dangerous by op-3: VSAT: plywood and foam, no cargo"
    )
    assert engine.audit[-1].result.startswith("muted T-000001 for 1800 s; cleared ")
    # The same track keeps matching, but raises nothing while muted...
    for t in (35.0, 600.0, 1825.0):
        assert engine.process([drone(t, p_owa=0.7, threat=0.6, zones=zones)]) == []
    # ...while a new track is not muted: one alert, only its own.
    [other] = zone_events(
        engine.process([drone(1826.0, tid="T-000002", zone="LT-42", zones=(("LT-42", 0.0),))])
    ).values()
    assert other.track_ids == ("T-000002",)
    # After the muting time the first track raises again.
    again = engine.process([drone(1835.0, p_owa=0.7, threat=0.6, zones=zones)])
    assert {e.state for e in again} == {AlertState.RAISED}


def test_rule_engine_reclassify_one_track_of_two_updates_the_alert(engine: RuleEngine) -> None:
    zones = (("LT-58", 0.0),)
    [raised] = engine.process(
        [drone(0.0, tid="T-000001", zones=zones), drone(0.0, tid="T-000002", zones=zones)]
    )
    action = OperatorAction(
        10.0, "op-3", OperatorActionKind.RECLASSIFY_NOT_DANGEROUS, track_id="T-000002"
    )
    [upd] = engine.apply(action)
    assert upd.state is AlertState.UPDATED and upd.alert_id == raised.alert_id
    assert upd.track_ids == ("T-000001",)
    assert "T-000002 reclassified not dangerous by op-3; still held by T-000001" in upd.reason
    assert engine.process([drone(15.0, tid="T-000001", zones=zones)]) == []  # no flap back
    assert engine.process([drone(15.0, tid="T-000002", zones=zones)]) == []  # muted


def test_rule_engine_force_clear_ends_at_once(engine: RuleEngine) -> None:
    a = drone(0.0, zones=(("LT-58", 0.0),))
    [raised] = engine.process([a])
    clear = OperatorAction(12.0, "op-2", OperatorActionKind.FORCE_CLEAR, alert_id=raised.alert_id)
    [cleared] = engine.apply(clear)
    assert (cleared.state, cleared.level, cleared.t_s) == (
        AlertState.CLEARED,
        AlertLevel.WHITE,
        12.0,
    )
    assert cleared.reason == "lt.yellow.path: force-cleared by op-2"
    assert engine.active_count == 0
    assert engine.audit[-1].result == f"cleared {raised.alert_id}"
    # The condition still holds: the next step raises a new alert (reclassify silences).
    [new] = engine.process([replace(a, t_s=15.0)])
    assert new.state is AlertState.RAISED and new.alert_id != raised.alert_id


# --- sensor outage and other targets -------------------------------------------------------


def test_rule_engine_sensor_outage_notice(engine: RuleEngine) -> None:
    [down] = engine.sensor_outage("radar-vilnius-1", 100.0, down=True)
    assert (down.state, down.level, down.kind) == (
        AlertState.RAISED,
        AlertLevel.NOTICE,
        AlertKind.SENSOR_OUTAGE,
    )
    assert down.track_ids == () and down.zone_ids == () and down.site_ids == ()
    assert down.reason == "lt.sensor_outage: sensor radar-vilnius-1: down since 00:01:40 UTC"
    assert engine.sensor_outage("radar-vilnius-1", 110.0, down=True) == []
    assert engine.sensor_outage("radar-vilnius-1", 200.0, down=False) == []
    assert engine.process([], now_s=225.0) == []
    [back] = engine.process([], now_s=230.0)
    assert back.state is AlertState.CLEARED and back.alert_id == down.alert_id


def test_rule_engine_country_target_only_when_a_rule_says_so(lt: Geography) -> None:
    rules = parse_rules(
        {
            "format": 1,
            "name": "national",
            "rules": [
                {
                    "id": "x.national",
                    "kind": "zone_intrusion",
                    "level": "yellow",
                    "when": {"min_threat": 0.2},
                    "target": {"type": "country", "lead_s": 600},
                }
            ],
        }
    )
    engine = RuleEngine(lt, rules)
    far = drone(0.0, over="BLR", zone=None, zones=(("LT-58", 900.0),), where=OVER_BLR)
    assert engine.process([far]) == []  # not within the lead time
    [event] = engine.process([drone(10.0, zones=(("LT-58", 0.0),))])
    assert set(event.zone_ids) == set(lt.zones) and len(event.zone_ids) == 60
    assert event.reason.startswith("x.national: all of Lithuania now:")


def test_rule_engine_lead_time_bounds_the_zones(engine: RuleEngine) -> None:
    # LT-57 is 16 min away: beyond the yellow rule's 15 min, so only the zone under it.
    events = engine.process([drone(0.0, zones=(("LT-58", 0.0), ("LT-57", 960.0)))])
    assert set(zone_events(events)) == {"LT-58"}


# --- down: a track predicted on the ground ---------------------------------------------------


def test_rule_engine_a_fallen_track_clears_its_alerts_at_once(engine: RuleEngine) -> None:
    zones = (("LT-58", 0.0),)
    [raised] = engine.process([drone(0.0, zones=zones)])
    # descending: on the ground by t 30 at the latest; last detection at t 20
    assert engine.process([drone(20.0, zones=zones, impact_t_s=30.0)]) == []
    # coasting predictions after the fall still "match" but count for nothing
    coasting = drone(32.0, zones=zones, impact_t_s=30.0, status=TrackStatus.COASTING)
    assert engine.process([coasting]) == []  # 32 < 30 + DOWN_GRACE_S
    [cleared] = engine.process([replace(coasting, t_s=35.0)])
    assert cleared.alert_id == raised.alert_id and cleared.state is AlertState.CLEARED
    assert cleared.t_s == 35.0  # not 60 s of hysteresis later
    assert "down: predicted on the ground by" in cleared.reason
    assert engine.process([replace(coasting, t_s=45.0)]) == []  # no new alert


def test_rule_engine_a_track_seen_after_its_predicted_fall_is_not_down(
    engine: RuleEngine,
) -> None:
    zones = (("LT-58", 0.0),)
    engine.process([drone(0.0, zones=zones)])
    # predicted down by 30, but detected again at 32 (it levelled off): the alert stays
    assert engine.process([drone(20.0, zones=zones, impact_t_s=30.0)]) == []
    assert engine.process([drone(32.0, zones=zones)]) == []
    assert tick(engine, 35.0, 60.0) == []
    assert engine.active_count == 1


def test_rule_engine_a_fallen_track_honours_min_hold(engine: RuleEngine) -> None:
    # red holds at least 60 s (min_hold_s): a fall 20 s after it was raised clears at 60
    zones = (("LT-58", 0.0),)
    [raised] = engine.process([drone(0.0, p_owa=0.7, threat=0.6, zones=zones, impact_t_s=15.0)])
    assert raised.level is AlertLevel.RED
    assert tick(engine, 5.0, 55.0) == []
    [cleared] = tick(engine, 60.0, 60.0)
    assert cleared.state is AlertState.CLEARED and cleared.t_s == 60.0


def test_rule_engine_a_track_deleted_as_down_clears_its_alerts_at_once(
    engine: RuleEngine,
) -> None:
    zones = (("LT-58", 0.0),)
    [raised] = engine.process([drone(0.0, zones=zones)])
    assert engine.process([drone(20.0, zones=zones)]) == []
    # the tracker lost it at 20 where a drone radar sees to the ground, and deleted it at 28
    gone = drone(28.0, zones=zones, status=TrackStatus.DELETED, down_t_s=20.0)
    [cleared] = engine.process([gone])
    assert cleared.alert_id == raised.alert_id and cleared.state is AlertState.CLEARED
    assert cleared.t_s == 28.0  # at once, not 60 s of hysteresis later
    assert "every track that held it is down" in cleared.reason
    assert "down: lost at" in cleared.reason


def test_rule_engine_a_plainly_deleted_track_waits_out_the_hysteresis(
    engine: RuleEngine,
) -> None:
    zones = (("LT-58", 0.0),)
    engine.process([drone(0.0, zones=zones)])
    assert engine.process([drone(28.0, zones=zones, status=TrackStatus.DELETED)]) == []
    assert tick(engine, 29.0, 29.0) == []
    [cleared] = tick(engine, 90.0, 90.0)
    assert cleared.state is AlertState.CLEARED
    assert "no matching track for" in cleared.reason
