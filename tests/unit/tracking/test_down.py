"""A track lost where a low-covering sensor sees to the ground is down (tracker item 8)."""

import numpy as np

from skywarden.core.enums import TrackStatus
from skywarden.core.types import Plot, TrackUpdate
from skywarden.geo.frames import SiteFrame
from skywarden.tracking.maintenance import EARTH_RADIUS_M, above_floor
from skywarden.tracking.tracker import Tracker, TrackerConfig

FRAME = SiteFrame(55.0, 24.4, 150.0)
T0 = 1_753_666_200.0
RADAR = "dr-site"


def _plot(t_s: float, e_m: float, n_m: float, sensor: str = RADAR) -> Plot:
    lat, lon, alt = FRAME.from_enu(e_m, n_m, 300.0)
    return Plot(T0 + t_s, sensor, float(lat), float(lon), float(alt), 15.0, 30.0)


def _clutter(t_s: float, sensor: str = RADAR) -> Plot:
    """A false plot far from the target: the radar is still reporting."""
    return _plot(t_s, 2500.0, -2500.0, sensor)


def _config(radius_m: float = 3000.0) -> TrackerConfig:
    lat, lon, _ = FRAME.from_enu(0.0, 0.0, 0.0)
    return TrackerConfig(
        revisit_s={RADAR: 1.0}, low_cover={RADAR: (float(lat), float(lon), radius_m)}
    )


def _fly_then_vanish(
    tracker: Tracker, last_s: int, end_s: int, reporting: bool = True
) -> list[TrackUpdate]:
    """A drone flying east at 30 m/s from -600 m, seen each second until ``last_s``."""
    out: list[TrackUpdate] = []
    for t in range(end_s):
        dets = [_plot(float(t), -600.0 + 30.0 * t, 0.0)] if t <= last_s else []
        if reporting and t > last_s:
            dets.append(_clutter(float(t)))
        out += tracker.step(T0 + t, dets)
    return out


def test_a_drone_lost_inside_low_cover_is_deleted_as_down() -> None:
    tracker = Tracker(FRAME, _config())
    updates = _fly_then_vanish(tracker, last_s=20, end_s=40)
    drone = [u for u in updates if u.track_id == "T-000001"]
    gone = drone[-1]
    assert gone.status is TrackStatus.DELETED
    assert gone.down_t_s == T0 + 20.0  # its last detection
    assert 20.0 + 8.0 < gone.t_s - T0 <= 20.0 + 9.0  # down_after_s later, not max_coast_s
    assert tracker.stats.tracks_down == 1
    assert all(u.down_t_s is None for u in drone[:-1])


def test_a_drone_lost_beyond_low_cover_coasts_on() -> None:
    # lost 0 m east of the radar, predicted 240 m further on 8 s later: outside 100 m
    tracker = Tracker(FRAME, _config(radius_m=100.0))
    updates = _fly_then_vanish(tracker, last_s=20, end_s=40)
    drone = [u for u in updates if u.track_id == "T-000001"]
    assert drone[-1].status is not TrackStatus.DELETED
    assert tracker.stats.tracks_down == 0


def test_a_radar_outage_takes_no_track_down() -> None:
    tracker = Tracker(FRAME, _config())
    updates = _fly_then_vanish(tracker, last_s=20, end_s=50, reporting=False)
    drone = [u for u in updates if u.track_id == "T-000001"]
    assert drone[-1].status is TrackStatus.COASTING  # coasting after 20 s, not down
    assert tracker.stats.tracks_down == 0


def test_a_few_stray_hits_take_nothing_down() -> None:
    # the track is seen by another radar; the low-covering one hit it only 3 times in a row
    cfg = _config()
    cfg = TrackerConfig(
        revisit_s={RADAR: 1.0, "other": 1.0}, low_cover=cfg.low_cover, down_min_hits=5
    )
    tracker = Tracker(FRAME, cfg)
    out: list[TrackUpdate] = []
    for t in range(40):
        dets = []
        if t <= 20:
            dets.append(_plot(float(t), -600.0 + 30.0 * t, 0.0, RADAR if t > 17 else "other"))
        if t > 20:
            dets.append(_clutter(float(t)))
        out += tracker.step(T0 + t, dets)
    assert tracker.stats.tracks_down == 0


def test_above_floor_projects_a_sunken_state_with_its_correlations() -> None:
    xm = np.zeros((2, 1, 7))
    xm[0, 0, 2], xm[0, 0, 5] = -500.0, -3.0  # 500 m under a floor at u = 0
    xm[1, 0, 2] = 200.0  # above: untouched
    Pm = np.broadcast_to(np.eye(7) * 100.0, (2, 1, 7, 7)).copy()
    Pm[:, 0, 2, 5] = Pm[:, 0, 5, 2] = 50.0  # height and vertical speed correlated
    out = above_floor(xm, Pm, floor_alt_m=0.0, alt0_m=0.0)
    assert out[0, 0, 2] == 0.0
    assert out[0, 0, 5] == -3.0 + 0.5 * 500.0  # moved by P[vu, u] / P[u, u] of the excess
    assert np.array_equal(out[1], xm[1])
    assert xm[0, 0, 2] == -500.0  # inputs untouched
    # 10 km out the sea lies below the frame's plane by the Earth's curvature
    far = np.zeros((1, 1, 7))
    far[0, 0, 0], far[0, 0, 2] = 10_000.0, -5.0
    drop_m = 10_000.0**2 / (2.0 * EARTH_RADIUS_M)
    assert drop_m > 5.0
    assert np.array_equal(above_floor(far, Pm[:1], 0.0, 0.0), far)
