"""Tests for ``skywarden.evaluation.metrics``: GOSPA, sampling, association over time.

Small cases are computed by hand in the comments. The fast GOSPA (components of the
"closer than c" graph, k-d tree for big scenes) is checked against a dense assignment on
random scenes, and against Stone Soup's ``GOSPAMetric`` when Stone Soup is importable
(it is not in the main venv; ``bench/requirements-stonesoup.txt`` installs it).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import numpy.typing as npt
import pytest
from scipy.optimize import linear_sum_assignment

from skywarden.core.enums import TrackStatus
from skywarden.core.types import TrackUpdate
from skywarden.evaluation.metrics import (
    GOSPA_ALPHA,
    TrackHistory,
    TrackTable,
    TruthTable,
    associate,
    gospa,
    gospa_over_time,
    histories_from_updates,
    sample_tracks,
    truth_table,
)
from skywarden.geo.frames import SiteFrame
from skywarden.sim.scenarios import ScenarioIn, resolve
from skywarden.sim.truth import simulate_truth

FRAME = SiteFrame(54.69, 25.26, 150.0)
T0 = 1_757_203_200.0
C_M = 100.0


def _dense_gospa_cost(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], c: float, p: float
) -> float:
    """Reference: one assignment over the full cut-off matrix, padded to square."""
    n, m = len(x), len(y)
    size = max(n, m)
    cost = np.full((size, size), c**p / GOSPA_ALPHA)
    if n and m:
        d = np.sqrt(((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=2))
        cost[:n, :m] = np.minimum(d, c) ** p
    a, b = linear_sum_assignment(cost)
    return float(cost[a, b].sum())


# --- GOSPA at one time -------------------------------------------------------------------


def test_gospa_empty_sets_score_zero() -> None:
    g = gospa(np.zeros((0, 2)), np.zeros((0, 2)), C_M)
    assert (g.distance, g.localisation, g.missed, g.false) == (0.0, 0.0, 0.0, 0.0)


def test_gospa_missed_and_false_cost_half_the_cutoff_each() -> None:
    # one truth, no track: c/2 = 50 missed
    g = gospa([[0.0, 0.0]], np.zeros((0, 2)), C_M)
    assert (g.distance, g.localisation, g.missed, g.false) == (50.0, 0.0, 50.0, 0.0)
    # two tracks, no truth: 2 * c/2 = 100 false
    g = gospa(np.zeros((0, 2)), [[0.0, 0.0], [5.0, 5.0]], C_M)
    assert (g.distance, g.localisation, g.missed, g.false) == (100.0, 0.0, 0.0, 100.0)


def test_gospa_pair_beyond_cutoff_is_one_missed_and_one_false() -> None:
    # (0,0)-(3,4) is 5 m; (100,0)-(250,0) is 150 m >= c: missed 50 + false 50
    g = gospa([[0.0, 0.0], [100.0, 0.0]], [[3.0, 4.0], [250.0, 0.0]], C_M)
    assert g.localisation == pytest.approx(5.0)
    assert (g.missed, g.false) == (50.0, 50.0)
    assert g.distance == pytest.approx(105.0)
    assert g.truth_idx.tolist() == [0] and g.track_idx.tolist() == [0]


def test_gospa_pair_exactly_at_cutoff_is_not_assigned() -> None:
    g = gospa([[0.0, 0.0]], [[100.0, 0.0]], C_M)
    assert (g.localisation, g.missed, g.false) == (0.0, 50.0, 50.0)


def test_gospa_assignment_is_optimal_not_greedy() -> None:
    # greedy takes the closest pair (10,0)-(6,0) = 4, then (0,0)-(16,0) = 16: 20 in all;
    # the optimum pairs (0,0)-(6,0) and (10,0)-(16,0): 6 + 6 = 12
    g = gospa([[0.0, 0.0], [10.0, 0.0]], [[6.0, 0.0], [16.0, 0.0]], C_M)
    assert g.distance == pytest.approx(12.0)
    assert sorted(zip(g.truth_idx.tolist(), g.track_idx.tolist(), strict=True)) == [(0, 0), (1, 1)]


def test_gospa_p2_raises_the_sum_to_one_half() -> None:
    # p = 2: 6^2 + 6^2 = 72, distance sqrt(72); one unassigned truth alone: c^2/2 = 5000
    g = gospa([[0.0, 0.0], [10.0, 0.0]], [[6.0, 0.0], [16.0, 0.0]], C_M, p=2.0)
    assert g.localisation == pytest.approx(72.0)
    assert g.distance == pytest.approx(math.sqrt(72.0))
    g = gospa([[0.0, 0.0]], np.zeros((0, 2)), C_M, p=2.0)
    assert g.missed == pytest.approx(5000.0) and g.distance == pytest.approx(math.sqrt(5000.0))


def test_gospa_cutoff_changes_the_assignment() -> None:
    # A=(0,0), B=(15,0), track X=(8,0): 8 m from A, 7 m from B, so X goes to B
    g = gospa([[0.0, 0.0], [15.0, 0.0]], [[8.0, 0.0]], C_M)
    assert g.truth_idx.tolist() == [1] and g.localisation == pytest.approx(7.0)
    # with c = 7.5 only B is in reach: 7 + 3.75 missed
    g = gospa([[0.0, 0.0], [15.0, 0.0]], [[8.0, 0.0]], 7.5)
    assert g.distance == pytest.approx(7.0 + 3.75)


@pytest.mark.parametrize(("n", "m", "p"), [(12, 9, 1.0), (40, 55, 2.0), (200, 150, 1.0)])
def test_gospa_matches_a_dense_assignment_on_random_scenes(n: int, m: int, p: float) -> None:
    # 200 x 150 pairs exceed the dense limit: exercises the k-d tree path
    rng = np.random.default_rng(n * 1000 + m)
    side = 50.0 * math.sqrt(n)  # crowded enough for components of several truths and tracks
    x = rng.uniform(0.0, side, size=(n, 2))
    y = np.concatenate(
        [
            x[: m // 2] + rng.normal(0.0, 30.0, size=(m // 2, 2)),
            rng.uniform(0.0, side, size=(m - m // 2, 2)),
        ]
    )
    g = gospa(x, y, C_M, p=p)
    assert g.distance**p == pytest.approx(_dense_gospa_cost(x, y, C_M, p), rel=1e-9)
    assert g.localisation + g.missed + g.false == pytest.approx(g.distance**p, rel=1e-12)
    d = np.sqrt(((x[g.truth_idx] - y[g.track_idx]) ** 2).sum(axis=1))
    assert np.all(d < C_M)
    assert len(set(g.truth_idx.tolist())) == g.truth_idx.size
    assert len(set(g.track_idx.tolist())) == g.track_idx.size


@pytest.mark.parametrize("bad", [0.0, -1.0, math.inf, math.nan])
def test_gospa_rejects_a_bad_cutoff(bad: float) -> None:
    with pytest.raises(ValueError, match="cut-off"):
        gospa([[0.0, 0.0]], [[0.0, 0.0]], bad)


def test_gospa_rejects_mixed_dimensions_and_nan() -> None:
    with pytest.raises(ValueError, match="2-D but tracks are 3-D"):
        gospa([[0.0, 0.0]], [[0.0, 0.0, 0.0]], C_M)
    with pytest.raises(ValueError, match="NaN"):
        gospa([[math.nan, 0.0]], [[0.0, 0.0]], C_M)
    with pytest.raises(ValueError, match="exponent"):
        gospa([[0.0, 0.0]], [[0.0, 0.0]], C_M, p=0.5)


# --- tables ------------------------------------------------------------------------------


def _truth(t_s: list[float], pos: list[list[tuple[float, float] | None]]) -> TruthTable:
    """Truth table from per-time lists of (e, n) per target; None where not flying."""
    n = len(pos[0])
    arr = np.full((len(t_s), n, 3), np.nan)
    alive = np.zeros((len(t_s), n), dtype=bool)
    for k, row in enumerate(pos):
        for i, xy in enumerate(row):
            if xy is not None:
                arr[k, i] = (xy[0], xy[1], 300.0)
                alive[k, i] = True
    return TruthTable(np.asarray(t_s), tuple(f"tgt-{i}" for i in range(n)), arr, alive)


def _tracks(
    t_s: list[float], ids: list[str], pos: list[dict[str, tuple[float, float]]]
) -> TrackTable:
    """Track table straight from per-time {track id: (e, n)}; an absent id does not exist then."""
    track: list[int] = []
    xyz: list[tuple[float, float, float]] = []
    counts = []
    for row in pos:
        present = [tid for tid in ids if tid in row]
        counts.append(len(present))
        track += [ids.index(tid) for tid in present]
        xyz += [(*row[tid], 300.0) for tid in present]
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.intp)
    return TrackTable(
        np.asarray(t_s),
        tuple(ids),
        offsets,
        np.asarray(track, dtype=np.intp),
        np.asarray(xyz, dtype=np.float64).reshape(-1, 3),
    )


def test_sample_tracks_extrapolates_at_constant_velocity_and_ends_before_deletion() -> None:
    h = TrackHistory(
        "T-1",
        np.array([0.0, 10.0]),
        np.array([[0.0, 0.0, 100.0, 10.0, 0.0, 0.0], [110.0, 5.0, 100.0, 10.0, 1.0, 0.0]]),
        start_t_s=0.0,
        end_t_s=20.0,
    )
    late = TrackHistory("T-2", np.array([0.0]), np.zeros((1, 6)), start_t_s=12.0)
    table = sample_tracks([h, late], [0.0, 5.0, 10.0, 15.0, 20.0])
    assert table.offsets.tolist() == [0, 1, 2, 3, 5, 6]
    _, p5 = table.at(1)
    assert p5.tolist() == [[50.0, 0.0, 100.0]]
    idx, p15 = table.at(3)
    assert idx.tolist() == [0, 1]
    assert p15[0].tolist() == [160.0, 10.0, 100.0]
    idx, _ = table.at(4)  # T-1 deleted at 20 s: only T-2 (never deleted) remains
    assert idx.tolist() == [1]


def test_track_history_rejects_bad_shapes_and_backward_time() -> None:
    with pytest.raises(ValueError, match="K >= 1"):
        TrackHistory("x", np.zeros(0), np.zeros((0, 6)), 0.0)
    with pytest.raises(ValueError, match="backwards"):
        TrackHistory("x", np.array([1.0, 0.0]), np.zeros((2, 6)), 0.0)


def test_gospa_over_time_scores_each_grid_time() -> None:
    t = [0.0, 1.0, 2.0]
    truth = _truth(t, [[(0.0, 0.0)], [(0.0, 0.0)], [None]])
    tracks = _tracks(t, ["A"], [{}, {"A": (30.0, 40.0)}, {"A": (0.0, 0.0)}])
    series = gospa_over_time(truth, tracks, C_M)
    # t0: one missed (50); t1: 50 m off (50); t2: one false (50)
    assert series.distance.tolist() == pytest.approx([50.0, 50.0, 50.0])
    assert series.missed.tolist() == [50.0, 0.0, 0.0]
    assert series.false.tolist() == [0.0, 0.0, 50.0]
    mean = series.mean()
    assert (mean.distance, mean.localisation) == pytest.approx((50.0, 50.0 / 3.0))


def test_gospa_over_time_uses_horizontal_distance_by_default() -> None:
    t = [0.0]
    truth = _truth(t, [[(0.0, 0.0)]])
    h = TrackHistory("A", np.array([0.0]), np.array([[0.0, 0.0, 900.0, 0, 0, 0]]), 0.0)
    tracks = sample_tracks([h], t)
    assert gospa_over_time(truth, tracks, C_M).distance[0] == 0.0
    assert gospa_over_time(truth, tracks, C_M, dims=3).distance[0] == 100.0  # 600 m up


def test_tables_on_different_grids_are_refused() -> None:
    truth = _truth([0.0, 1.0], [[(0.0, 0.0)], [(0.0, 0.0)]])
    tracks = sample_tracks([], [0.0, 2.0])
    with pytest.raises(ValueError, match="different grids"):
        gospa_over_time(truth, tracks, C_M)


# --- association over time ---------------------------------------------------------------


def test_associate_counts_a_swap_of_crossing_targets_as_two_switches() -> None:
    t = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    x, y = (0.0, 0.0), (1000.0, 0.0)
    truth = _truth(t, [[x, y]] * 6)
    swap = [{"A": x, "B": y}] * 3 + [{"A": y, "B": x}] * 3
    a = associate(truth, _tracks(t, ["A", "B"], swap), C_M)
    assert a.id_switches.tolist() == [1, 1] and a.total_id_switches == 2
    assert a.continuity.tolist() == [0.5, 0.5]
    assert a.coverage.tolist() == [1.0, 1.0]
    assert a.time_to_track_s.tolist() == [0.0, 0.0]
    assert a.false_tracks == ()


def test_associate_keeps_a_truth_on_its_track_while_within_cutoff() -> None:
    # A (60 m off) holds the truth; B appears closer (10 m) but does not take it (CLEAR MOT)
    t = [0.0, 1.0, 2.0]
    truth = _truth(t, [[(0.0, 0.0)]] * 3)
    pos = [
        {"A": (60.0, 0.0)},
        {"A": (60.0, 0.0), "B": (10.0, 0.0)},
        {"A": (60.0, 0.0), "B": (10.0, 0.0)},
    ]
    a = associate(truth, _tracks(t, ["A", "B"], pos), C_M)
    assert a.matched[:, 0].tolist() == [0, 0, 0]
    assert a.id_switches.tolist() == [0]
    assert a.false_tracks == ("B",)


def test_associate_counts_fragmentation_switch_continuity_and_time_to_track() -> None:
    # grid every 10 s; the truth flies from 10 s; tracks: -, -, A, -, A, C, C
    t = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0]
    p = (0.0, 0.0)
    truth = _truth(t, [[None]] + [[p]] * 6)
    pos: list[dict[str, tuple[float, float]]] = [{}, {}, {"A": p}, {}, {"A": p}, {"C": p}, {"C": p}]
    a = associate(truth, _tracks(t, ["A", "C"], pos), C_M)
    assert a.matched[:, 0].tolist() == [-1, -1, 0, -1, 0, 1, 1]
    assert a.time_to_track_s.tolist() == [10.0]  # first flying at 10 s, first track at 20 s
    assert a.id_switches.tolist() == [1]  # A -> C; A -> gap -> A is no switch
    assert a.fragmentations.tolist() == [1]  # tracked again after the gap at 30 s
    assert a.coverage.tolist() == pytest.approx([4.0 / 6.0])
    assert a.continuity.tolist() == pytest.approx([2.0 / 6.0])  # C for two samples
    assert a.median_time_to_track_s == 10.0


def test_associate_never_tracked_truth_has_no_time_to_track() -> None:
    t = [0.0, 1.0]
    truth = _truth(t, [[(0.0, 0.0), None], [(0.0, 0.0), None]])
    a = associate(truth, sample_tracks([], t), C_M)
    assert np.isnan(a.time_to_track_s).all()
    assert a.coverage[0] == 0.0 and np.isnan(a.coverage[1])
    assert math.isnan(a.median_time_to_track_s)


# --- from the simulator and a tracker's updates ------------------------------------------


def _update(
    t_s: float, status: TrackStatus, e: float, n: float, ve: float, vn: float
) -> TrackUpdate:
    lat, lon, alt = FRAME.from_enu(e, n, 500.0)
    # the contract's velocity is in the track's local axes
    le, ln, lu = FRAME.vector_to_local(ve, vn, 0.0, lat, lon)
    return TrackUpdate(
        T0 + t_s,
        "T-000001",
        status,
        float(lat),
        float(lon),
        float(alt),
        float(le),
        float(ln),
        float(lu),
        50.0,
        100.0,
    )


def test_histories_from_updates_keep_what_an_operator_sees_in_the_frame() -> None:
    e0 = 200_000.0  # far east: local north differs from the frame's north by degrees
    updates = [
        _update(0.0, TrackStatus.TENTATIVE, e0, 0.0, 0.0, 0.0),
        _update(10.0, TrackStatus.CONFIRMED, e0, 100.0, 0.0, 10.0),
        _update(30.0, TrackStatus.COASTING, e0, 300.0, 0.0, 10.0),
        _update(40.0, TrackStatus.DELETED, e0, 400.0, 0.0, 10.0),
    ]
    (h,) = histories_from_updates(updates, FRAME)
    assert h.track_id == "T-000001"
    assert h.start_t_s == T0 + 10.0 and h.end_t_s == T0 + 40.0
    assert (h.t_s - T0).tolist() == [10.0, 30.0]
    assert h.state[:, :3] == pytest.approx(
        np.array([[e0, 100.0, 500.0], [e0, 300.0, 500.0]]), abs=1e-3
    )
    assert h.state[:, 3:] == pytest.approx(np.array([[0.0, 10.0, 0.0]] * 2), abs=1e-9)


def test_histories_from_updates_skip_tracks_never_confirmed() -> None:
    updates = [
        _update(0.0, TrackStatus.TENTATIVE, 0, 0, 0, 0),
        _update(5.0, TrackStatus.DELETED, 0, 0, 0, 0),
    ]
    assert histories_from_updates(updates, FRAME) == []


def test_truth_table_puts_simulated_targets_in_the_frame() -> None:
    lat, lon, _ = FRAME.from_enu(0.0, 0.0, 0.0)
    doc = {
        "name": "unit",
        "title": "unit",
        "start": "2025-09-07T00:00:00Z",
        "duration_s": 20.0,
        "seed": 1,
        "targets": [
            {
                "model": "shahed",
                "id": "a",
                "route": [[float(lat), float(lon), 1000.0]],
                "heading_deg": 90.0,
                "speed_mps": 40.0,
            },
            {
                "model": "shahed",
                "id": "b",
                "start_s": 10.0,
                "route": [[float(lat), float(lon), 1000.0]],
                "heading_deg": 0.0,
                "speed_mps": 40.0,
            },
        ],
        "sensors": [{"type": "drone_radar", "id": "r", "lat": float(lat), "lon": float(lon)}],
    }
    scenario = resolve(ScenarioIn.model_validate(doc))
    truth = simulate_truth(scenario, np.random.default_rng(1))
    table = truth_table(truth, FRAME, every=5)
    assert table.target_ids == ("a", "b")
    assert table.t_s.tolist() == truth.t_s[::5].tolist()
    assert table.alive[:, 1].tolist() == [False, False, True, True, True][: table.t_s.size]
    assert np.isnan(table.pos_enu_m[0, 1]).all()
    a = table.pos_enu_m[:, 0]
    assert a[0, :2] == pytest.approx([0.0, 0.0], abs=1.0)
    assert a[2, 0] == pytest.approx(400.0, abs=40.0)  # 10 s east at about 40 m/s
    assert a[0, 2] == pytest.approx(1000.0 - 150.0, abs=5.0)  # 1000 m MSL over a 150 m origin


# --- against Stone Soup, when it is installed ---------------------------------------------


def _stonesoup_gospa() -> type:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optional deps (rtree, ...) may warn on import
        pytest.importorskip("stonesoup")
        from stonesoup.metricgenerator.ospametric import GOSPAMetric

    return GOSPAMetric


@pytest.mark.parametrize(("n", "m", "p"), [(0, 3, 1.0), (4, 0, 1.0), (15, 12, 1.0), (30, 40, 2.0)])
def test_gospa_agrees_with_stonesoup(n: int, m: int, p: float) -> None:
    gospa_metric = _stonesoup_gospa()
    from datetime import UTC, datetime

    from stonesoup.measures import Euclidean
    from stonesoup.types.state import State

    rng = np.random.default_rng(7 + n + m)
    x = rng.uniform(0.0, 400.0, size=(n, 2))
    y = rng.uniform(0.0, 400.0, size=(m, 2))
    when = datetime(2025, 9, 7, tzinfo=UTC)
    metric = gospa_metric(c=C_M, p=p, measure=Euclidean(mapping=(0, 1)))
    ref, _ = metric.compute_gospa_metric(
        [State(v.reshape(2, 1), timestamp=when) for v in y],
        [State(v.reshape(2, 1), timestamp=when) for v in x],
    )
    ours = gospa(x, y, C_M, p=p)
    for part in ("distance", "localisation", "missed", "false"):
        assert getattr(ours, part) == pytest.approx(float(ref.value[part]), rel=1e-9, abs=1e-9), (
            part
        )
