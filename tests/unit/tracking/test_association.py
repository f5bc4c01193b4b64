"""Tests for ``skywarden.tracking.association``: GNN against brute force, clusters, JPDA."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skywarden.tracking.association import Assignment, gnn_assign, jpda_weights


def _brute_min_cost(
    n_tracks: int,
    n_dets: int,
    t: np.ndarray,
    d: np.ndarray,
    c: np.ndarray,
    miss: np.ndarray,
    new: np.ndarray,
) -> float:
    cost = np.full((n_tracks, n_dets), np.inf)
    np.minimum.at(cost, (t, d), c)
    best = np.inf
    # each track picks a detection or None (-1); detections used at most once
    for choice in itertools.product(range(-1, n_dets), repeat=n_tracks):
        used = [x for x in choice if x >= 0]
        if len(set(used)) != len(used):
            continue
        total = 0.0
        for ti, di in enumerate(choice):
            total += miss[ti] if di < 0 else cost[ti, di]
        total += new[[j for j in range(n_dets) if j not in used]].sum()
        best = min(best, total)
    return float(best)


def _random_case(
    rng: np.random.Generator,
) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n_tracks = int(rng.integers(0, 5))
    n_dets = int(rng.integers(0, 5))
    mask = rng.random((n_tracks, n_dets)) < 0.6
    t, d = np.nonzero(mask)
    c = rng.uniform(0, 10, t.size)
    miss = rng.uniform(0, 6, n_tracks)
    new = rng.uniform(0, 6, n_dets)
    return n_tracks, n_dets, t, d, c, miss, new


def _check_assignment_consistent(
    a: Assignment, n_tracks: int, n_dets: int, t: np.ndarray, d: np.ndarray
) -> None:
    assert a.pairs.shape[1] == 2
    gated = set(zip(np.asarray(t).tolist(), np.asarray(d).tolist(), strict=True))
    assert all((int(x), int(y)) in gated for x, y in a.pairs)
    assert len(set(a.pairs[:, 0].tolist())) == len(a.pairs)
    assert len(set(a.pairs[:, 1].tolist())) == len(a.pairs)
    assert sorted([*a.pairs[:, 0].tolist(), *a.unassigned_tracks.tolist()]) == list(range(n_tracks))
    assert sorted([*a.pairs[:, 1].tolist(), *a.unassigned_dets.tolist()]) == list(range(n_dets))
    assert np.all(np.diff(a.pairs[:, 0]) > 0)


@pytest.mark.parametrize("seed", range(300))
def test_gnn_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_tracks, n_dets, t, d, c, miss, new = _random_case(rng)
    a = gnn_assign(n_tracks, n_dets, t, d, c, miss, new)
    _check_assignment_consistent(a, n_tracks, n_dets, t, d)
    expected = _brute_min_cost(n_tracks, n_dets, t, d, c, miss, new)
    assert a.total_cost == pytest.approx(expected, abs=1e-9)
    # recompute the total from the returned pairs
    cost = dict(zip(zip(t.tolist(), d.tolist(), strict=True), c.tolist(), strict=True))
    recomputed = sum(cost[(int(x), int(y))] for x, y in a.pairs)
    recomputed += miss[a.unassigned_tracks].sum() + new[a.unassigned_dets].sum()
    assert recomputed == pytest.approx(expected, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(0, 2**32 - 1),
    st.floats(0.0, 8.0),
    st.floats(0.0, 8.0),
)
def test_gnn_matches_brute_force_scalar_costs_with_duplicates(
    n_tracks: int, n_dets: int, seed: int, miss: float, new: float
) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(0, 3 * n_tracks * n_dets))
    t = rng.integers(0, n_tracks, k)
    d = rng.integers(0, n_dets, k)
    c = rng.choice([0.0, 1.0, 2.0, 5.0, 8.0, np.inf], k)  # ties, duplicates and inf
    a = gnn_assign(n_tracks, n_dets, t, d, c, miss, new)
    _check_assignment_consistent(a, n_tracks, n_dets, t, d)
    expected = _brute_min_cost(
        n_tracks, n_dets, t, d, c, np.full(n_tracks, miss), np.full(n_dets, new)
    )
    assert a.total_cost == pytest.approx(expected, abs=1e-9)


def test_gnn_empty_inputs() -> None:
    a = gnn_assign(0, 0, [], [], [], 1.0, 1.0)
    assert a.pairs.shape == (0, 2) and a.unassigned_tracks.size == 0 and a.total_cost == 0.0
    a = gnn_assign(3, 2, [], [], [], 1.0, 2.0)
    assert a.pairs.shape == (0, 2)
    assert a.unassigned_tracks.tolist() == [0, 1, 2] and a.unassigned_dets.tolist() == [0, 1]
    assert a.total_cost == pytest.approx(7.0)


def test_gnn_all_gated_out_by_cost() -> None:
    """A pair costing more than miss + new is never taken."""
    a = gnn_assign(2, 2, [0, 1], [0, 1], [3.0, 2.0], 1.0, 1.0)
    assert a.pairs.shape == (0, 2)
    assert a.total_cost == pytest.approx(4.0)
    a = gnn_assign(1, 1, [0], [0], [1.999], 1.0, 1.0)
    assert a.pairs.tolist() == [[0, 0]]


def test_gnn_prefers_global_optimum_over_greedy() -> None:
    # greedy would give t0-d0 (1) then t1 missed; the optimum is t0-d1, t1-d0
    a = gnn_assign(2, 2, [0, 0, 1], [0, 1, 0], [1.0, 2.0, 2.0], 10.0, 10.0)
    assert a.pairs.tolist() == [[0, 1], [1, 0]]
    assert a.total_cost == pytest.approx(4.0)


def test_gnn_clusters_independent() -> None:
    """Solving two disjoint problems together equals solving each apart."""
    rng = np.random.default_rng(7)
    parts = []
    for _ in range(2):
        t, d = np.nonzero(rng.random((4, 4)) < 0.7)
        parts.append((t, d, rng.uniform(0, 5, t.size)))
    (t1, d1, c1), (t2, d2, c2) = parts
    a1 = gnn_assign(4, 4, t1, d1, c1, 3.0, 3.0)
    a2 = gnn_assign(4, 4, t2, d2, c2, 3.0, 3.0)
    both = gnn_assign(8, 8, np.r_[t1, t2 + 4], np.r_[d1, d2 + 4], np.r_[c1, c2], 3.0, 3.0)
    np.testing.assert_array_equal(both.pairs, np.vstack([a1.pairs, a2.pairs + 4]))
    assert both.total_cost == pytest.approx(a1.total_cost + a2.total_cost)


def test_gnn_deterministic_and_order_independent() -> None:
    rng = np.random.default_rng(3)
    t, d = np.nonzero(rng.random((30, 30)) < 0.1)
    c = rng.uniform(0, 5, t.size)
    a = gnn_assign(30, 30, t, d, c, 3.0, 3.0)
    perm = rng.permutation(t.size)
    b = gnn_assign(30, 30, t[perm], d[perm], c[perm], 3.0, 3.0)
    np.testing.assert_array_equal(a.pairs, b.pairs)
    assert a.total_cost == pytest.approx(b.total_cost)


def test_gnn_does_not_mutate_inputs() -> None:
    t, d, c = np.array([1, 0]), np.array([0, 0]), np.array([1.0, 0.5])
    miss = np.array([2.0, 2.0])
    copies = [x.copy() for x in (t, d, c, miss)]
    gnn_assign(2, 1, t, d, c, miss, 2.0)
    for x, y in zip((t, d, c, miss), copies, strict=True):
        np.testing.assert_array_equal(x, y)


def test_gnn_validation() -> None:
    with pytest.raises(ValueError):
        gnn_assign(1, 1, [0], [0], [1.0, 2.0], 1.0, 1.0)
    with pytest.raises(ValueError):
        gnn_assign(1, 1, [1], [0], [1.0], 1.0, 1.0)
    with pytest.raises(ValueError):
        gnn_assign(2, 1, [0], [0], [1.0], [1.0, 2.0, 3.0], 1.0)


def test_gnn_large_sparse_case_completes() -> None:
    from skywarden.tracking.gating import candidate_pairs

    rng = np.random.default_rng(11)
    tracks = rng.uniform(0, 100_000, (2000, 2))
    dets = np.vstack(
        [tracks[:1800] + rng.normal(0, 200, (1800, 2)), rng.uniform(0, 100_000, (200, 2))]
    )
    t, d = candidate_pairs(tracks, dets, 1500.0)
    dist2 = np.sum((tracks[t] - dets[d]) ** 2, axis=1) / 200.0**2
    a = gnn_assign(2000, 2000, t, d, dist2 / 2, 6.0, 6.0)
    _check_assignment_consistent(a, 2000, 2000, t, d)
    assert len(a.pairs) > 1700


def test_jpda_two_tracks_one_det_by_hand() -> None:
    # tracks 0 and 1 both gate det 0; ratios r0, r1; misses m = 1 - pd
    pd, lam = 0.9, 0.5
    g = np.array([2.0, 1.0])
    w = jpda_weights(2, 1, [0, 1], [0, 0], g, pd, lam)
    r = pd * g / lam
    m = 1 - pd
    total = m * m + r[0] * m + r[1] * m
    np.testing.assert_allclose(w.beta, [r[0] * m / total, r[1] * m / total])
    np.testing.assert_allclose(
        w.beta_miss, [(m * m + r[1] * m) / total, (m * m + r[0] * m) / total]
    )
    assert w.capped.size == 0


@pytest.mark.parametrize("seed", range(20))
def test_jpda_weights_sum_to_one_per_track(seed: int) -> None:
    rng = np.random.default_rng(seed)
    t, d = np.nonzero(rng.random((5, 5)) < 0.4)
    g = rng.uniform(0.01, 3, t.size)
    w = jpda_weights(5, 5, t, d, g, 0.8, 0.3)
    sums = w.beta_miss + np.bincount(t, weights=w.beta, minlength=5)
    np.testing.assert_allclose(sums, 1.0)
    assert np.all((w.beta >= 0) & (w.beta <= 1))


def test_jpda_capped_cluster_falls_back_to_pda() -> None:
    t, d = np.nonzero(np.ones((3, 3), dtype=bool))
    g = np.ones(t.size)
    w = jpda_weights(4, 3, t, d, g, 0.9, 1.0, max_events=10)
    assert w.capped.tolist() == [0, 1, 2]
    np.testing.assert_allclose(w.beta, 0.9 / (0.1 + 2.7))
    assert w.beta_miss[3] == 1.0
