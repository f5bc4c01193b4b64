from dataclasses import replace

from skywarden.alerting.engine import CLEAR_MARGIN_M, BorderAlertEngine
from skywarden.core.enums import AlertKind, AlertLevel, AlertState, TrackStatus
from skywarden.core.types import Assessment

BASE = Assessment(
    t_s=0.0,
    track_id="T-000001",
    status=TrackStatus.CONFIRMED,
    lat=54.5,
    lon=25.8,
    alt_m=300.0,
    country="BLR",
    zone_id=None,
    border_distance_m=-3000.0,
    cooperative=False,
)


def _engine() -> BorderAlertEngine:
    return BorderAlertEngine("LTU", ("BLR", "RUS"))


def _inside(t_s: float, zone: str = "LT-58", **kw: object) -> Assessment:
    return replace(BASE, t_s=t_s, country="LTU", zone_id=zone, border_distance_m=500.0, **kw)


def test_engine_raises_border_crossing_yellow_for_the_zone() -> None:
    engine = _engine()
    assert engine.process([BASE]) == []
    [event] = engine.process([_inside(10.0)])
    assert event.state is AlertState.RAISED
    assert event.level is AlertLevel.YELLOW
    assert event.kind is AlertKind.BORDER_CROSSING
    assert event.zone_ids == ("LT-58",)
    assert event.track_ids == ("T-000001",)
    assert event.reason.startswith("lt.border_crossing.v0:")
    assert "BLR" in event.reason


def test_engine_raises_zone_intrusion_when_origin_unknown() -> None:
    [event] = _engine().process([_inside(1.0)])
    assert event.kind is AlertKind.ZONE_INTRUSION


def test_engine_updates_on_zone_change_and_is_quiet_otherwise() -> None:
    engine = _engine()
    raised = engine.process([BASE, _inside(1.0)])
    assert [e.state for e in raised] == [AlertState.RAISED]
    assert engine.process([_inside(2.0)]) == []
    [upd] = engine.process([_inside(3.0, zone="LT-57")])
    assert upd.state is AlertState.UPDATED
    assert upd.zone_ids == ("LT-57",)
    assert upd.alert_id == raised[0].alert_id


def test_engine_clears_white_when_track_deleted() -> None:
    engine = _engine()
    [raised] = engine.process([_inside(1.0)])
    [cleared] = engine.process([replace(_inside(600.0), status=TrackStatus.DELETED)])
    assert cleared.state is AlertState.CLEARED
    assert cleared.level is AlertLevel.WHITE
    assert cleared.alert_id == raised.alert_id
    assert engine.active_count == 0


def test_engine_hysteresis_at_the_border() -> None:
    engine = _engine()
    engine.process([BASE, _inside(1.0)])
    just_out = replace(BASE, t_s=2.0, border_distance_m=-(CLEAR_MARGIN_M - 1.0))
    assert engine.process([just_out]) == []
    far_out = replace(BASE, t_s=3.0, border_distance_m=-(CLEAR_MARGIN_M + 1.0))
    [cleared] = engine.process([far_out])
    assert cleared.state is AlertState.CLEARED
    assert "left LTU" in cleared.reason


def test_engine_ignores_cooperative_tentative_and_coasting_tracks() -> None:
    engine = _engine()
    assert engine.process([_inside(1.0, cooperative=True)]) == []
    assert engine.process([_inside(1.0, status=TrackStatus.TENTATIVE)]) == []
    assert engine.process([_inside(1.0, status=TrackStatus.COASTING)]) == []
    assert engine.process([replace(_inside(1.0), track_id="T-2", status=TrackStatus.DELETED)]) == []


def test_engine_clears_when_track_turns_out_cooperative() -> None:
    engine = _engine()
    engine.process([_inside(1.0)])
    [cleared] = engine.process([_inside(2.0, cooperative=True)])
    assert cleared.state is AlertState.CLEARED
    assert "cooperative" in cleared.reason
