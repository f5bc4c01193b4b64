"""Data association: which detection updates which track.

:func:`gnn_assign` is global nearest neighbour (GNN) with two explicit hypotheses
besides the gated pairs, as in Stone Soup's ``GNNWith2DAssignment``: every track may be
*missed* (cost ``miss_cost[t]``, typically ``-log(1 - Pd)`` plus constants) and every
detection may be *new or clutter* (cost ``new_cost[d]``, typically ``-log(λ)``). The
total cost minimised is

    Σ_(t,d) assigned cost(t, d) + Σ_t missed miss_cost[t] + Σ_d unassigned new_cost[d].

The gated pairs form a sparse bipartite graph. Its connected components are independent
sub-problems, so each is solved alone with ``scipy.optimize.linear_sum_assignment`` on a
small dense *augmented* matrix (tracks + dummy rows by detections + dummy columns); a
component of one track and one detection is solved directly. The cost of the whole
association then grows with the size of the largest cluster, not with tracks x dets.

:func:`jpda_weights` gives the joint probabilistic data association coefficients
(β) over the same clusters by enumerating the feasible joint events; see its docstring.

Pure functions; inputs are never mutated; results are deterministic.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["Assignment", "JpdaWeights", "gnn_assign", "jpda_weights"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

# Most joint events jpda_weights enumerates in one cluster: the count grows as the product
# of (options + 1) over the cluster's tracks; 20,000 keeps one cluster well under a second.
JPDA_MAX_EVENTS = 20_000


@dataclass(frozen=True, slots=True)
class Assignment:
    """Result of :func:`gnn_assign`.

    ``pairs`` is ``(A, 2)`` int ``[track, det]`` sorted by track; ``unassigned_tracks`` and
    ``unassigned_dets`` are sorted index arrays; ``total_cost`` is the minimised total
    (pairs + misses + new/clutter).
    """

    pairs: IntArray
    unassigned_tracks: IntArray
    unassigned_dets: IntArray
    total_cost: float


def _per_item(value: npt.ArrayLike, n: int, name: str) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(f"{name} must be a scalar or have shape ({n},), got {arr.shape}")
    return arr


def _edges(
    n_tracks: int,
    n_dets: int,
    track_idx: npt.ArrayLike,
    det_idx: npt.ArrayLike,
    value: npt.ArrayLike,
    name: str,
) -> tuple[IntArray, IntArray, FloatArray]:
    t = np.asarray(track_idx, dtype=np.intp).reshape(-1)
    d = np.asarray(det_idx, dtype=np.intp).reshape(-1)
    v = np.asarray(value, dtype=np.float64).reshape(-1)
    if not t.shape == d.shape == v.shape:
        raise ValueError(f"track_idx, det_idx and {name} must be aligned (K,) arrays")
    if t.size and (t.min() < 0 or t.max() >= n_tracks or d.min() < 0 or d.max() >= n_dets):
        raise ValueError("track_idx or det_idx out of range")
    return t, d, v


def _clusters(
    n_tracks: int, n_dets: int, t: IntArray, d: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Cluster label per edge, sorted edge order, and split points between clusters."""
    n = n_tracks + n_dets
    graph = coo_matrix((np.ones(t.size, dtype=np.int8), (t, n_tracks + d)), shape=(n, n))
    _, labels = connected_components(graph.tocsr(), directed=False)
    edge_label = labels[t]
    order = np.lexsort((d, t, edge_label))
    sorted_labels = edge_label[order]
    splits = np.flatnonzero(np.diff(sorted_labels)) + 1
    return edge_label, order, splits


def gnn_assign(
    n_tracks: int,
    n_dets: int,
    track_idx: npt.ArrayLike,
    det_idx: npt.ArrayLike,
    cost: npt.ArrayLike,
    miss_cost: npt.ArrayLike,
    new_cost: npt.ArrayLike,
) -> Assignment:
    """Global nearest neighbour assignment with explicit missed and new/clutter options.

    ``track_idx``, ``det_idx`` and ``cost`` are aligned ``(K,)`` arrays: the gated pairs
    (from :mod:`skywarden.tracking.gating`) and their costs (typically ``d²/2 + ½ log|2πS|``).
    ``miss_cost`` is a scalar or ``(n_tracks,)``; ``new_cost`` a scalar or ``(n_dets,)``.
    A pair can only be taken when ``cost < miss_cost[t] + new_cost[d]`` (otherwise leaving
    both unassigned is at least as cheap), so such pairs and non-finite costs are dropped
    before clustering. Duplicate pairs keep their smallest cost. Each cluster of the
    remaining bipartite graph is solved on the augmented matrix::

        [ C (nt x nd), inf except C[t,d]   | diag(miss_cost), inf off-diagonal ]
        [ diag(new_cost), inf off-diagonal | 0 (nd x nt)                       ]

    Returns an :class:`Assignment` with pairs sorted by track.
    """
    t, d, c = _edges(n_tracks, n_dets, track_idx, det_idx, cost, "cost")
    miss = _per_item(miss_cost, n_tracks, "miss_cost")
    new = _per_item(new_cost, n_dets, "new_cost")
    keep = np.isfinite(c) & (c < miss[t] + new[d])
    t, d, c = t[keep], d[keep], c[keep]
    if t.size:  # duplicates: keep the cheapest of each (t, d)
        order = np.lexsort((c, d, t))
        t, d, c = t[order], d[order], c[order]
        first = np.ones(t.size, dtype=bool)
        first[1:] = (t[1:] != t[:-1]) | (d[1:] != d[:-1])
        t, d, c = t[first], d[first], c[first]

    chosen: list[IntArray] = []
    if t.size:
        _, order, splits = _clusters(n_tracks, n_dets, t, d)
        sizes = np.diff(np.concatenate(([0], splits, [t.size])))
        starts = np.concatenate(([0], splits))
        single = starts[sizes == 1]
        chosen.append(order[single])  # one edge: one track, one det, cost already beats both
        for start, size in zip(starts[sizes > 1], sizes[sizes > 1], strict=True):
            edges = order[start : start + size]
            chosen.append(edges[_solve_cluster(t[edges], d[edges], c[edges], miss, new)])
    picked = np.concatenate(chosen) if chosen else np.empty(0, dtype=np.intp)
    picked = picked[np.argsort(t[picked], kind="stable")]
    pairs = np.stack([t[picked], d[picked]], axis=1).astype(np.intp)

    track_used = np.zeros(n_tracks, dtype=bool)
    det_used = np.zeros(n_dets, dtype=bool)
    track_used[pairs[:, 0]] = True
    det_used[pairs[:, 1]] = True
    total = float(c[picked].sum() + miss[~track_used].sum() + new[~det_used].sum())
    return Assignment(
        pairs=pairs,
        unassigned_tracks=np.flatnonzero(~track_used).astype(np.intp),
        unassigned_dets=np.flatnonzero(~det_used).astype(np.intp),
        total_cost=total,
    )


def _solve_cluster(
    t: IntArray, d: IntArray, c: FloatArray, miss: FloatArray, new: FloatArray
) -> IntArray:
    """Positions (into the cluster's edges) of the pairs chosen on the augmented matrix."""
    tracks, row = np.unique(t, return_inverse=True)
    dets, col = np.unique(d, return_inverse=True)
    nt, nd = tracks.size, dets.size
    big = np.full((nt + nd, nd + nt), np.inf)
    big[row, col] = c
    big[np.arange(nt), nd + np.arange(nt)] = miss[tracks]
    big[nt + np.arange(nd), np.arange(nd)] = new[dets]
    big[nt:, nd:] = 0.0
    rows, cols = linear_sum_assignment(big)
    real = (rows < nt) & (cols < nd)
    lookup = np.full((nt, nd), -1, dtype=np.intp)
    lookup[row, col] = np.arange(t.size)
    chosen: IntArray = lookup[rows[real], cols[real]]
    return chosen


@dataclass(frozen=True, slots=True)
class JpdaWeights:
    """Result of :func:`jpda_weights`.

    ``beta`` is ``(K,)``: the posterior probability that gated pair ``k`` is the true
    association (aligned with the input pairs). ``beta_miss`` is ``(n_tracks,)``: the
    probability that track ``t`` had no detection (1 for tracks with no gated pair).
    ``capped`` lists the tracks of clusters larger than the cap, which got the
    single-track (PDA) approximation instead of the joint enumeration.
    """

    beta: FloatArray
    beta_miss: FloatArray
    capped: IntArray


def jpda_weights(
    n_tracks: int,
    n_dets: int,
    track_idx: npt.ArrayLike,
    det_idx: npt.ArrayLike,
    likelihood: npt.ArrayLike,
    pd: npt.ArrayLike,
    clutter_density: float,
    max_events: int = JPDA_MAX_EVENTS,
) -> JpdaWeights:
    """JPDA association probabilities β by brute-force enumeration of joint events.

    ``likelihood[k]`` is the measurement likelihood ``g = N(ν; 0, S)`` of gated pair
    ``k``; ``pd`` (scalar or ``(n_tracks,)``) the detection probability (gate probability
    folded in); ``clutter_density`` the spatial clutter density λ (per unit of the
    measurement space). A joint event assigns each track at most one of its gated
    detections and each detection at most one track; its weight is
    ``Π_assigned Pd·g/λ · Π_missed (1 - Pd)`` (the common factors cancel). β of a pair is
    the normalised sum of the weights of the events containing it.

    Clusters (connected components of the gated graph) are enumerated independently.
    A cluster whose event count bound ``Π_t (gated dets of t + 1)`` exceeds ``max_events``
    is not enumerated (the count grows factorially): its tracks get the PDA weights
    computed as if each track were alone, and are listed in ``capped``.
    """
    t, d, g = _edges(n_tracks, n_dets, track_idx, det_idx, likelihood, "likelihood")
    pd_t = _per_item(pd, n_tracks, "pd")
    if clutter_density <= 0.0:
        raise ValueError("clutter_density must be positive")
    ratio = np.where(np.isfinite(g), pd_t[t] * g / clutter_density, 0.0)
    beta = np.zeros(t.size)
    beta_miss = np.ones(n_tracks)
    capped: list[IntArray] = []
    if t.size == 0:
        return JpdaWeights(beta, beta_miss, np.empty(0, dtype=np.intp))
    _, order, splits = _clusters(n_tracks, n_dets, t, d)
    for edges in np.split(order, splits):
        tracks, n_options = np.unique(t[edges], return_counts=True)
        if float(np.prod(n_options + 1.0)) > max_events:
            capped.append(tracks)
            _pda(t[edges], ratio[edges], pd_t, edges, beta, beta_miss)
        else:
            _enumerate(t[edges], d[edges], ratio[edges], pd_t, edges, beta, beta_miss)
    capped_arr = np.sort(np.concatenate(capped)) if capped else np.empty(0, dtype=np.intp)
    return JpdaWeights(beta, beta_miss, capped_arr.astype(np.intp))


def _pda(
    t: IntArray,
    ratio: FloatArray,
    pd_t: FloatArray,
    edges: IntArray,
    beta: FloatArray,
    beta_miss: FloatArray,
) -> None:
    """Single-track PDA weights for one capped cluster, written into ``beta``/``beta_miss``."""
    tracks, inv = np.unique(t, return_inverse=True)
    miss = 1.0 - pd_t[tracks]
    norm = miss + np.bincount(inv, weights=ratio, minlength=tracks.size)
    beta[edges] = ratio / norm[inv]
    beta_miss[tracks] = miss / norm


def _enumerate(
    t: IntArray,
    d: IntArray,
    ratio: FloatArray,
    pd_t: FloatArray,
    edges: IntArray,
    beta: FloatArray,
    beta_miss: FloatArray,
) -> None:
    """Exact JPDA weights for one small cluster, written into ``beta``/``beta_miss``."""
    tracks, row = np.unique(t, return_inverse=True)
    options = [np.flatnonzero(row == i) for i in range(tracks.size)]
    miss_w = 1.0 - pd_t[tracks]
    pair_sum = np.zeros(t.size)
    miss_sum = np.zeros(tracks.size)
    total = 0.0
    # Each track picks one of its edges or -1 (missed); detections may not repeat.
    for event in itertools.product(*[[-1, *opt.tolist()] for opt in options]):
        taken = [e for e in event if e >= 0]
        if len(set(d[taken].tolist())) != len(taken):
            continue
        is_miss = np.array([e < 0 for e in event])
        w = float(np.prod(ratio[taken]) * np.prod(miss_w[is_miss]))
        total += w
        pair_sum[taken] += w
        miss_sum[is_miss] += w
    if total > 0.0:
        beta[edges] = pair_sum / total
        beta_miss[tracks] = miss_sum / total
