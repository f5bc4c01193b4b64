import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skywarden.core.enums import BearingSource, TrackStatus
from skywarden.core.types import AdsbReport, Bearing, Plot, Report, TrackUpdate
from skywarden.geo.frames import SiteFrame
from skywarden.tracking.table import PLOT_HIT_MEMORY, TrackTable
from skywarden.tracking.tracker import Tracker, TrackerConfig, recent_hit_rate

FRAME = SiteFrame(54.69, 25.26, 150.0)
T0 = 1_753_666_200.0


def _plot(t_s: float, e_m: float, n_m: float, u_m: float = 300.0, sigma_h_m: float = 50.0) -> Plot:
    lat, lon, alt = FRAME.from_enu(e_m, n_m, u_m)
    return Plot(T0 + t_s, "radar-1", float(lat), float(lon), float(alt), sigma_h_m, 100.0)


def _run(tracker: Tracker, batches: list[tuple[float, list]]) -> list[TrackUpdate]:
    out: list[TrackUpdate] = []
    for t_s, dets in batches:
        out += tracker.step(T0 + t_s, dets)
    return out


def test_tracker_confirms_a_straight_target_and_estimates_its_velocity() -> None:
    rng = np.random.default_rng(1)
    tracker = Tracker(FRAME)
    batches = []
    for k in range(30):
        t = 2.0 * k
        e, n = -5000.0 + 40.0 * t, 1000.0 - 10.0 * t
        batches.append((t, [_plot(t, e + rng.normal(0, 50), n + rng.normal(0, 50))]))
    updates = _run(tracker, batches)
    ids = {u.track_id for u in updates}
    assert ids == {"T-000001"}
    statuses = [u.status for u in updates]
    assert statuses[:2] == [TrackStatus.TENTATIVE] * 2
    assert statuses[2] is TrackStatus.CONFIRMED
    last = updates[-1]
    assert last.vel_e_mps == pytest.approx(40.0, abs=4.0)
    assert last.vel_n_mps == pytest.approx(-10.0, abs=4.0)
    e, n, _ = FRAME.to_enu(last.lat, last.lon, last.alt_m)
    assert float(np.hypot(e - (-5000 + 40 * 58), n - (1000 - 10 * 58))) < 60.0
    assert last.sigma_h_m < 50.0


def _latlonalt(e: float, n: float) -> tuple[float, float, float]:
    lat, lon, alt = FRAME.from_enu(e, n, 300.0)
    return float(lat), float(lon), float(alt)


def test_tracker_coasts_then_deletes_a_silent_track() -> None:
    cfg = TrackerConfig(coast_after_s=20.0, max_coast_s=60.0)
    tracker = Tracker(FRAME, cfg)
    batches = [(float(t), [_plot(float(t), 10.0 * t, 0.0)]) for t in range(0, 10, 2)]
    batches += [(float(t), []) for t in range(15, 100, 5)]
    updates = _run(tracker, batches)
    statuses = [u.status for u in updates]
    assert TrackStatus.COASTING in statuses
    assert statuses[-1] is TrackStatus.DELETED
    deleted_at = updates[-1].t_s - T0
    assert 8.0 + 60.0 < deleted_at <= 8.0 + 65.0
    assert tracker.n_tracks == 0
    assert tracker.stats.tracks_deleted == 1


def test_tracker_keeps_two_separated_targets_apart() -> None:
    tracker = Tracker(FRAME)
    batches = [
        (float(t), [_plot(float(t), 20.0 * t, 0.0), _plot(float(t), 20.0 * t, 3000.0)])
        for t in range(0, 20, 2)
    ]
    updates = _run(tracker, batches)
    assert {u.track_id for u in updates} == {"T-000001", "T-000002"}
    for tid in ("T-000001", "T-000002"):
        norths = [FRAME.to_enu(u.lat, u.lon, u.alt_m)[1] for u in updates if u.track_id == tid]
        assert np.ptp(norths) < 200.0


def test_tracker_binds_cooperative_identity_and_never_splits_it() -> None:
    tracker = Tracker(FRAME)
    dets = []
    for k in range(6):
        t = 5.0 * k
        lat, lon, alt = FRAME.from_enu(100.0 * t, 0.0, 3000.0)
        dets.append(
            (t, [AdsbReport(T0 + t, "adsb-1", "48ae21", float(lat), float(lon), float(alt))])
        )
    # a second report of the same aircraft far off (a bad position) still goes to its track
    lat, lon, alt = FRAME.from_enu(100.0 * 30 + 5000.0, 0.0, 3000.0)
    dets.append(
        (30.0, [AdsbReport(T0 + 30, "adsb-1", "48ae21", float(lat), float(lon), float(alt))])
    )
    updates = _run(tracker, dets)
    assert {u.track_id for u in updates} == {"T-000001"}
    assert {u.identity for u in updates} == {"icao24:48ae21"}


def test_tracker_uses_late_detections_and_drops_too_late_ones() -> None:
    tracker = Tracker(FRAME, TrackerConfig(max_lag_s=30.0))
    bearing = Bearing(
        T0 + 1.0, "ac-1", 54.6, 25.5, 150.0, 270.0, 5.0, source=BearingSource.ACOUSTIC
    )
    tracker.step(T0 + 1.0, [bearing, _plot(1.0, 0.0, 0.0)])
    for t in (5.0, 9.0, 13.0):
        tracker.step(T0 + t, [_plot(t, 0.0, 0.0)])
    before = tracker._table.t_s.copy()
    updates = tracker.step(T0 + 14.0, [_plot(11.0, 0.0, 0.0)])  # 3 s late: used
    assert tracker.stats.late_used == 1
    assert (tracker._table.t_s >= before).all(), "a late detection never moves a track back"
    assert [u.track_id for u in updates] == ["T-000001"]
    tracker.step(T0 + 60.0, [])
    tracker.step(T0 + 61.0, [_plot(20.0, 0.0, 0.0)])  # 40 s late, beyond max_lag_s
    assert tracker.stats.late_dropped == 1
    # the lone bearing never crossed another: it expired unused
    assert tracker.stats.unused_by_kind["bearing"] == 1


def test_tracker_fuses_a_report_into_a_coasting_track() -> None:
    tracker = Tracker(FRAME)
    batches = [(float(t), [_plot(float(t), 30.0 * t, 0.0)]) for t in range(0, 60, 10)]
    batches += [(float(t), []) for t in range(60, 240, 5)]
    lat, lon, _ = FRAME.from_enu(30.0 * 240 + 400.0, -300.0, 0.0)
    batches.append((240.0, [Report(T0 + 240.0, "112-call-1", float(lat), float(lon), "seen")]))
    updates = _run(tracker, batches)
    assert {u.track_id for u in updates} == {"T-000001"}
    assert updates[-1].status is TrackStatus.CONFIRMED


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0.1, 30.0),
            st.floats(-20_000, 20_000),
            st.floats(-20_000, 20_000),
            st.floats(5.0, 2000.0),
            st.booleans(),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_tracker_covariances_stay_symmetric_positive_definite(steps: list) -> None:
    tracker = Tracker(FRAME)
    t = 0.0
    for dt, e, n, sigma, is_report in steps:
        t += dt
        if is_report:
            lat, lon, _ = FRAME.from_enu(e, n, 0.0)
            det = Report(T0 + t, "r", float(lat), float(lon), "heard")
        else:
            det = _plot(t, e, n, sigma_h_m=sigma)
        tracker.step(T0 + t, [det])
        p = tracker._table.Pm
        if p.size == 0:  # every track deleted (a long gap): nothing to check
            continue
        assert np.allclose(p, np.swapaxes(p, -1, -2), atol=1e-6 * max(1.0, np.abs(p).max()))
        assert np.all(np.linalg.eigvalsh(p) > 0.0)


def test_tracker_rejects_an_unknown_association() -> None:
    with pytest.raises(ValueError, match="association"):
        TrackerConfig(association="mht")


@pytest.mark.parametrize("association", ["gnn", "jpda"])
def test_tracker_jpda_weighs_two_equal_plots_where_gnn_picks_one(association: str) -> None:
    # a target flying east, then one scan with two plots 150 m either side of it
    tracker = Tracker(FRAME, TrackerConfig(association=association))
    batches = [
        (float(t), [_plot(float(t), 30.0 * t, 0.0, sigma_h_m=30.0)]) for t in range(0, 50, 5)
    ]
    _run(tracker, batches)
    t = 50.0
    pair = [_plot(t, 30.0 * t, 150.0, sigma_h_m=30.0), _plot(t, 30.0 * t, -150.0, sigma_h_m=30.0)]
    updates = _run(tracker, [(t, pair)])
    track = next(u for u in updates if u.track_id == "T-000001")
    _, n, _ = FRAME.to_enu(track.lat, track.lon, track.alt_m)
    if association == "jpda":
        assert abs(float(n)) < 20.0  # the two hypotheses balance
    else:
        assert abs(float(n)) > 60.0  # GNN takes one of them


def test_tracker_reports_how_consistently_a_track_is_detected() -> None:
    # one plot every 2 s from a radar revisiting every 2 s, then one plot every 20 s
    cfg = TrackerConfig(revisit_s={"radar-1": 2.0}, coast_after_s=60.0)
    tracker = Tracker(FRAME, cfg)
    steady = [(float(t), [_plot(float(t), 30.0 * t, 0.0)]) for t in range(0, 40, 2)]
    updates = _run(tracker, steady)
    assert updates[0].hit_rate is None  # one plot: no rate yet
    assert updates[-1].hit_rate == pytest.approx(1.0)
    sparse = [(float(t), [_plot(float(t), 30.0 * t, 0.0)]) for t in range(60, 240, 20)]
    updates = _run(tracker, sparse)
    # lately (its last 8 plots, all 20 s apart): one in ten revisits, whatever came before
    assert updates[-1].hit_rate == pytest.approx(0.1, rel=1e-9)


def test_recent_hit_rate_over_the_remembered_plots() -> None:
    nan = np.nan
    rate = recent_hit_rate(
        np.array(
            [
                [nan, nan, nan, 10.0, 12.0],  # every revisit
                [nan, nan, nan, nan, 30.0],  # one plot: unknown
                [0.0, 10.0, 20.0, 30.0, 40.0],  # one in five revisits
                [0.0, 1.0, 2.0, 3.0, 4.0],  # two radars at once: capped at 1
            ]
        ),
        np.array([2.0, 10.0, 2.0, 2.0]),
    )
    assert rate[0] == pytest.approx(1.0)
    assert np.isnan(rate[1])
    assert rate[2] == pytest.approx(4 * 2.0 / 40.0)
    assert rate[3] == pytest.approx(1.0)


def test_a_late_plot_takes_its_place_in_the_hit_memory() -> None:
    table = TrackTable.empty(5)
    table.add("T-1", np.zeros(7), np.eye(7), np.array([0.5, 0.5]), 0.0, None, 1.0)
    rows = np.array([0])
    for t in [10.0, 11.0, 12.0]:
        table.record_plot_hits(rows, np.array([t]), 1.0)
    table.record_plot_hits(rows, np.array([5.0]), 1.0)  # late, still among the latest 8
    assert table.plot_hits_s[0, -4:].tolist() == [5.0, 10.0, 11.0, 12.0]
    for t in range(20, 20 + PLOT_HIT_MEMORY):
        table.record_plot_hits(rows, np.array([float(t)]), 1.0)
    table.record_plot_hits(rows, np.array([6.0]), 1.0)  # older than all 8 kept: dropped
    assert table.plot_hits_s[0].tolist() == [float(t) for t in range(20, 20 + PLOT_HIT_MEMORY)]


def test_tracker_keeps_a_running_mean_of_its_plots_radar_cross_section() -> None:
    from dataclasses import replace

    tracker = Tracker(FRAME)
    batches = [
        (float(t), [replace(_plot(float(t), 30.0 * t, 0.0), rcs_dbsm=rcs)])
        for t, rcs in zip(range(0, 40, 4), [-10.0, -20.0] * 5, strict=True)
    ]
    updates = _run(tracker, batches)
    assert updates[0].rcs_dbsm == -10.0  # the first plot's
    assert -20.0 < updates[-1].rcs_dbsm < -10.0  # a mean of -10 and -20 dBsm plots
    plain = _run(Tracker(FRAME), [(0.0, [_plot(0.0, 0.0, 0.0)])])
    assert plain[0].rcs_dbsm is None


def test_adopting_a_track_keeps_the_latest_plots_of_both() -> None:
    table = TrackTable.empty(5)
    for tid in ("T-1", "T-2"):
        table.add(tid, np.zeros(7), np.eye(7), np.array([0.5, 0.5]), 0.0, None, 1.0)
    for t in (1.0, 2.0, 3.0):
        table.record_plot_hits(np.array([0]), np.array([t]), 1.0)
    table.record_plot_hits(np.array([1]), np.array([10.0]), 1.0)
    table.adopt(0, 1)
    assert table.plot_hits_s[0, -4:].tolist() == [1.0, 2.0, 3.0, 10.0]


@pytest.mark.parametrize("association", ["gnn", "jpda"])
def test_tracker_confirms_a_drone_as_soon_with_jpda_as_with_gnn(association: str) -> None:
    # a JPDA-updated track's plots are hits and fixes too (confirmation needs a fix after
    # the first detection)
    tracker = Tracker(FRAME, TrackerConfig(revisit_s={"radar-1": 1.0}, association=association))
    confirmed_at = None
    for t in range(12):
        for u in tracker.step(T0 + t, [_plot(float(t), 30.0 * t, 0.0)]):
            if u.status is TrackStatus.CONFIRMED and confirmed_at is None:
                confirmed_at = t
    assert confirmed_at is not None and confirmed_at <= 5
