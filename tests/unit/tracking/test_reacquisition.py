"""Lost and found: coasting, re-acquisition, vague tracks and acoustic delay in the tracker."""

import numpy as np
import pytest

from skywarden.core.enums import BearingSource, TrackStatus
from skywarden.core.types import Bearing, Plot, TrackUpdate
from skywarden.geo.frames import SiteFrame
from skywarden.tracking.tracker import (
    MAX_COAST_SIGMA_V_MPS,
    SPEED_OF_SOUND_MPS,
    Tracker,
    TrackerConfig,
)

FRAME = SiteFrame(54.69, 25.26, 150.0)
T0 = 1_753_666_200.0
SPEED_MPS = 36.0  # a Gerbera's cruise


def _plot(t_s: float, e_m: float, n_m: float, sigma_h_m: float = 50.0) -> Plot:
    lat, lon, alt = FRAME.from_enu(e_m, n_m, 300.0)
    return Plot(T0 + t_s, "radar-1", float(lat), float(lon), float(alt), sigma_h_m, 50.0)


def _east(t_s: float) -> float:
    return -20_000.0 + SPEED_MPS * t_s


def _run(tracker: Tracker, batches: list[tuple[float, list]]) -> list[TrackUpdate]:
    out: list[TrackUpdate] = []
    for t_s, dets in batches:
        out += tracker.step(T0 + t_s, dets)
    return out


def _fed(until_s: float) -> list[tuple[float, list]]:
    """A target flying east, one plot every 10 s from 0 to ``until_s``."""
    rng = np.random.default_rng(7)
    return [
        (t, [_plot(t, _east(t) + rng.normal(0, 30), rng.normal(0, 30))])
        for t in np.arange(0.0, until_s + 1e-9, 10.0).tolist()
    ]


def _silent(from_s: float, to_s: float) -> list[tuple[float, list]]:
    return [(t, []) for t in np.arange(from_s, to_s, 5.0).tolist()]


def _latest(updates: list[TrackUpdate], track_id: str) -> TrackUpdate:
    return [u for u in updates if u.track_id == track_id][-1]


def test_a_lost_track_is_reacquired_under_its_old_id() -> None:
    tracker = Tracker(FRAME)
    batches = _fed(200.0) + _silent(205.0, 600.0)
    updates = _run(tracker, batches)
    lost = _latest(updates, "T-000001")
    assert lost.status is TrackStatus.COASTING
    assert lost.sigma_h_m > tracker.config.reacquire_sigma_h_m, "the test needs a vague track"
    # the object shows up again where it would be, having flown on
    again = [(t, [_plot(t, _east(t), 0.0)]) for t in np.arange(600.0, 700.0, 10.0).tolist()]
    updates += _run(tracker, again)
    confirmed = {u.track_id for u in updates if u.status is TrackStatus.CONFIRMED}
    assert confirmed == {"T-000001"}
    assert tracker.stats.tracks_reacquired == 1
    last = _latest(updates, "T-000001")
    assert last.status is TrackStatus.CONFIRMED
    e, n, _ = FRAME.to_enu(last.lat, last.lon, last.alt_m)
    assert float(np.hypot(e - _east(690.0), n)) < 100.0
    # the new track that found it ends there: it was only ever tentative
    others = [u for u in updates if u.track_id != "T-000001"]
    assert others
    assert {u.status for u in others} <= {TrackStatus.TENTATIVE, TrackStatus.DELETED}


def test_a_new_object_far_from_a_lost_track_is_not_taken_for_it() -> None:
    tracker = Tracker(FRAME)
    updates = _run(tracker, _fed(200.0) + _silent(205.0, 600.0))
    # 60 km north, flying west: no 4-D gate of the lost track holds it
    again = [
        (t, [_plot(t, 20_000.0 - SPEED_MPS * (t - 600.0), 60_000.0)])
        for t in np.arange(600.0, 700.0, 10.0).tolist()
    ]
    updates += _run(tracker, again)
    confirmed = {u.track_id for u in updates if u.status is TrackStatus.CONFIRMED}
    assert len(confirmed) == 2
    assert tracker.stats.tracks_reacquired == 0


def test_a_vague_coasting_track_does_not_take_a_lone_plot() -> None:
    tracker = Tracker(FRAME)
    updates = _run(tracker, _fed(200.0) + _silent(205.0, 600.0))
    before = _latest(updates, "T-000001")
    started = tracker.stats.tracks_started
    # one clutter plot 3 km to the side of the prediction, well inside its gate
    stray = _plot(600.0, _east(600.0), 3000.0)
    updates = _run(tracker, [(600.0, [stray]), *_silent(605.0, 625.0)])
    assert tracker.stats.tracks_started == started + 1  # it starts a tentative track instead
    after = _latest(updates, "T-000001")
    assert after.status is TrackStatus.COASTING
    assert after.sigma_h_m >= before.sigma_h_m  # no update shrank it
    _, n, _ = FRAME.to_enu(after.lat, after.lon, after.alt_m)
    assert abs(float(n)) < 200.0  # not dragged north


def test_an_established_track_coasts_longer_than_a_young_one() -> None:
    cfg = TrackerConfig()
    young, old = Tracker(FRAME, cfg), Tracker(FRAME, cfg)
    young_updates = _run(young, _fed(40.0) + _silent(45.0, 2400.0))
    old_updates = _run(old, _fed(200.0) + _silent(205.0, 2400.0))
    young_end = _latest(young_updates, "T-000001")
    old_end = _latest(old_updates, "T-000001")
    assert young_end.status is TrackStatus.DELETED
    assert old_end.status is TrackStatus.DELETED
    young_coast_s = young_end.t_s - (T0 + 40.0)
    old_coast_s = old_end.t_s - (T0 + 200.0)
    assert young_coast_s == pytest.approx(cfg.max_coast_s, abs=10.0)
    assert cfg.max_coast_s + 300.0 < old_coast_s <= cfg.max_coast_established_s + 10.0


def test_a_coasting_track_velocity_uncertainty_is_capped() -> None:
    tracker = Tracker(FRAME)
    _run(tracker, _fed(200.0) + _silent(205.0, 1200.0))
    P = tracker._table.Pm[0]  # (modes, 7, 7)
    assert np.sqrt(P[:, 3, 3]).max() <= MAX_COAST_SIGMA_V_MPS + 1e-9
    assert np.sqrt(P[:, 4, 4]).max() <= MAX_COAST_SIGMA_V_MPS + 1e-9
    assert np.all(np.linalg.eigvalsh(P) > 0.0)


def _bearing_to(t_s: float, node_en: tuple[float, float], source: BearingSource) -> Bearing:
    """A noise-free acoustic bearing heard at ``t_s``: it points where the sound left."""
    lat, lon, alt = FRAME.from_enu(*node_en, 0.0)
    t_emit = t_s
    for _ in range(3):  # t_emit = t - R(t_emit)/c
        r = float(np.hypot(_east(t_emit) - node_en[0], 0.0 - node_en[1]))
        r = float(np.hypot(r, 300.0))
        t_emit = t_s - r / SPEED_OF_SOUND_MPS
    az = float(np.degrees(np.arctan2(_east(t_emit) - node_en[0], -node_en[1])) % 360.0)
    return Bearing(T0 + t_s, "ac-1", float(lat), float(lon), float(alt), az, 1.0, source=source)


@pytest.mark.parametrize("source", [BearingSource.ACOUSTIC, BearingSource.RF])
def test_acoustic_bearings_refer_to_when_the_sound_left(source: BearingSource) -> None:
    tracker = Tracker(FRAME)
    _run(tracker, _fed(200.0))
    node = (_east(205.0), -1500.0)  # 1.5 km south of where the drone passes: 4.4 s of sound
    batches = [(t, [_bearing_to(t, node, source)]) for t in np.arange(201.0, 231.0, 1.0).tolist()]
    updates = _run(tracker, batches)
    last = _latest(updates, "T-000001")
    e, n, _ = FRAME.to_enu(last.lat, last.lon, last.alt_m)
    err = float(np.hypot(e - _east(230.0), n))
    if source is BearingSource.ACOUSTIC:
        assert err < 25.0
    else:  # the same angles read as instantaneous drag the track back along its path
        assert err > 60.0
