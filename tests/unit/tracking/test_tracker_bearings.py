"""Bearings in the tracker: sensor hints kept per track, and a lone sensor's bearings."""

from skywarden.core.enums import BearingSource, TrackStatus
from skywarden.core.types import Bearing, Plot, TrackUpdate
from skywarden.geo.frames import SiteFrame
from skywarden.tracking.measurement import bearing_deg
from skywarden.tracking.tracker import Tracker, TrackerConfig

FRAME = SiteFrame(54.69, 25.26, 150.0)
T0 = 1_753_666_200.0
NODES = {"ac-1": (-1500.0, 0.0), "ac-2": (1500.0, 0.0), "ac-3": (-1400.0, 0.0)}


def _bearing(sensor: str, t: float, e: float, n: float, **kw: object) -> Bearing:
    se, sn = NODES[sensor]
    lat, lon, alt = FRAME.from_enu(se, sn, 2.0)
    az = float(bearing_deg(e - se, n - sn))
    return Bearing(T0 + t, sensor, float(lat), float(lon), float(alt), az, 3.0, **kw)  # type: ignore[arg-type]


def _plot(t: float, e: float, n: float) -> Plot:
    lat, lon, alt = FRAME.from_enu(e, n, 300.0)
    return Plot(T0 + t, "radar-1", float(lat), float(lon), float(alt), 30.0, 50.0)


def _fly(tracker: Tracker, steps: list[tuple[float, list]]) -> list[TrackUpdate]:  # type: ignore[type-arg]
    out: list[TrackUpdate] = []
    for t, dets in steps:
        out += tracker.step(T0 + t, dets)
    return out


def test_two_nodes_hearing_an_engine_give_a_track_with_the_harmonic_hint() -> None:
    tracker = Tracker(FRAME, TrackerConfig(revisit_s={"ac-1": 1.0, "ac-2": 1.0}))
    steps = []
    for k in range(12):
        e, n = -600.0 + 20.0 * k, 1200.0
        sig = "harmonic:f0=120Hz"
        steps.append(
            (
                float(k),
                [
                    _bearing("ac-1", float(k), e, n, source=BearingSource.ACOUSTIC, signature=sig),
                    _bearing("ac-2", float(k), e, n, source=BearingSource.ACOUSTIC, signature=sig),
                ],
            )
        )
    updates = _fly(tracker, steps)
    confirmed = [u for u in updates if u.status is TrackStatus.CONFIRMED]
    assert confirmed, "two nodes crossing confirm a track"
    assert confirmed[-1].harmonic_t_s is not None
    assert confirmed[-1].harmonic_t_s == T0 + 11.0
    assert confirmed[-1].rf_t_s is None


def test_a_lone_sensor_keeps_a_track_alive_only_while_a_fix_is_recent() -> None:
    cfg = TrackerConfig(
        revisit_s={"radar-1": 2.0, "ac-1": 1.0}, coast_after_s=20.0, bearing_hold_s=30.0
    )
    tracker = Tracker(FRAME, cfg)
    # a radar track flying north, then the radar loses it and one camera-like node
    # alone keeps bearing on it for 2 minutes
    steps: list[tuple[float, list]] = []  # type: ignore[type-arg]
    for k in range(10):
        t = 2.0 * k
        steps.append((t, [_plot(t, -1500.0, 2000.0 + 10.0 * t)]))
    for k in range(1, 121):
        t = 18.0 + k
        steps.append(
            (t, [_bearing("ac-1", t, -1500.0, 2000.0 + 10.0 * t, source=BearingSource.EO)])
        )
    updates = [u for u in _fly(tracker, steps) if u.track_id == "T-000001"]
    status_at = {round(u.t_s - T0): u.status for u in updates}
    # kept confirmed while the radar fix is at most 30 s old, coasting 20 s after that
    assert status_at[40] is TrackStatus.CONFIRMED
    later = [s for t, s in status_at.items() if t >= 70]
    assert later and all(s is not TrackStatus.CONFIRMED for s in later)


def _radar_then_bearings(sensors: list[str]) -> dict[int, TrackStatus]:
    cfg = TrackerConfig(
        revisit_s={"radar-1": 2.0, "ac-1": 1.0, "ac-2": 1.0, "ac-3": 1.0},
        coast_after_s=20.0,
        bearing_hold_s=30.0,
    )
    tracker = Tracker(FRAME, cfg)
    steps: list[tuple[float, list]] = []  # type: ignore[type-arg]
    for k in range(10):
        t = 2.0 * k
        steps.append((t, [_plot(t, -1500.0, 2000.0 + 10.0 * t)]))
    for k in range(1, 121):
        t = 18.0 + k
        n = 2000.0 + 10.0 * t
        steps.append(
            (t, [_bearing(s, t, -1500.0, n, source=BearingSource.ACOUSTIC) for s in sensors])
        )
    updates = [u for u in _fly(tracker, steps) if u.track_id == "T-000001"]
    return {round(u.t_s - T0): u.status for u in updates}


def test_two_sensors_fix_a_track_only_where_their_rays_cross_well() -> None:
    # ac-1 and ac-2 see it 90 degrees apart or so: a fix every second, it stays confirmed
    crossing = _radar_then_bearings(["ac-1", "ac-2"])
    assert all(s is TrackStatus.CONFIRMED for t, s in crossing.items() if t >= 70)
    # ac-1 and ac-3 stand 100 m apart: rays 3 degrees apart locate nothing
    parallel = _radar_then_bearings(["ac-1", "ac-3"])
    later = [s for t, s in parallel.items() if t >= 70]
    assert later and all(s is not TrackStatus.CONFIRMED for s in later)


def _plot_then_camera(second_plot: bool) -> set[TrackStatus]:
    """One plot at (0, 1000), then one node's bearings following the object each second."""
    tracker = Tracker(FRAME, TrackerConfig(revisit_s={"radar-1": 10.0}))
    steps: list[tuple[float, list]] = [(0.0, [_plot(0.0, 0.0, 1000.0)])]  # type: ignore[type-arg]
    for t in range(1, 25):
        dets: list = [_bearing("ac-1", float(t), 10.0 * t, 1000.0)]  # type: ignore[type-arg]
        if second_plot and t == 10:
            dets.append(_plot(10.0, 100.0, 1000.0))
        steps.append((float(t), dets))
    return {u.status for u in _fly(tracker, steps) if u.track_id == "T-000001"}


def test_one_plot_and_a_lone_sensors_bearings_confirm_nothing() -> None:
    # the bearings fit the plot's track (it sits on their line) but locate nothing
    assert TrackStatus.CONFIRMED not in _plot_then_camera(second_plot=False)
    assert TrackStatus.CONFIRMED in _plot_then_camera(second_plot=True)


def _coasting_track_then_bearing(reach_m: float | None, coast: bool = True) -> int:
    """A radar track 5 km north of node ac-1 (coasting after 20 s without plots, or fed
    on), then a bearing of ac-1 pointing at it; returns the bearings left unassigned."""
    reach = {} if reach_m is None else {"ac-1": reach_m}
    tracker = Tracker(FRAME, TrackerConfig(revisit_s={"radar-1": 1.0}, bearing_reach_m=reach))
    steps: list[tuple[float, list]] = [  # type: ignore[type-arg]
        (float(t), [_plot(float(t), -1500.0, 5000.0 + 10.0 * t)] if t < 8 or not coast else [])
        for t in range(30)
    ]
    steps.append((30.0, [_bearing("ac-1", 30.0, -1500.0, 5300.0)]))
    _fly(tracker, steps)
    return int(tracker.stats.unused_by_kind["bearing"]) + len(tracker._bearings)


def test_a_bearing_goes_to_a_coasting_track_only_within_its_sensors_reach() -> None:
    assert _coasting_track_then_bearing(reach_m=None) == 0  # the track takes it
    assert _coasting_track_then_bearing(reach_m=9000.0) == 0
    assert _coasting_track_then_bearing(reach_m=2500.0) == 1  # 5.3 km off: left unassigned
    # a track a sensor holds is not limited (a light aircraft is heard farther)
    assert _coasting_track_then_bearing(reach_m=2500.0, coast=False) == 0
