"""Tracking metrics against simulated truth: GOSPA, identity switches, continuity, time to track.

Everything works on positions in one local ENU frame (:class:`~skywarden.geo.frames.SiteFrame`),
sampled on a common grid of evaluation times:

- :func:`truth_table` turns the simulator's :class:`~skywarden.sim.truth.Truth` into ENU
  positions, ``(T, N, 3)``, NaN where a target is not flying.
- :func:`histories_from_updates` turns a tracker's :class:`~skywarden.core.types.TrackUpdate`
  stream into one :class:`TrackHistory` per track, keeping only the confirmed and coasting
  states (what an operator is shown, from confirmation until deletion). Any other tracker
  (Stone Soup in ``bench/``) builds :class:`TrackHistory` objects directly.
- :func:`sample_tracks` samples histories on the grid by constant-velocity extrapolation of
  each track's latest estimate at or before each time (the mean a Kalman prediction would
  give), giving a :class:`TrackTable`.
- :func:`gospa` scores one time, :func:`gospa_over_time` every grid time.
- :func:`associate` follows which track stands for which truth over time and derives
  identity switches, fragmentations, coverage, continuity and the time to the first
  confirmed track.

GOSPA (Rahmathullah, García-Fernández and Svensson, 2017) with ``alpha = 2``, exponent
``p`` and cut-off ``c``::

    d = ( min_A  sum_{(i, j) in A} d(x_i, y_j)^p  +  c^p / 2 * (|X| + |Y| - 2 |A|) )^(1/p)

over assignments ``A`` of truths ``X`` to tracks ``Y`` with ``d(x_i, y_j) < c``. The first
sum is the localisation part, ``c^p / 2`` per truth left unassigned the missed part, and
``c^p / 2`` per track left unassigned the false part. The parts are reported as Stone
Soup's ``GOSPAMetric`` reports them (sums, not raised to ``1/p``), so with ``p = 1`` the
total is their sum and every number compares directly with Stone Soup's.

The optimum comes from scipy's ``linear_sum_assignment`` on the cut-off cost matrix
``min(d, c)^p``. A pair at the cut-off costs as much as leaving both unassigned, so the
problem splits into the connected components of the "closer than ``c``" graph and each is
solved on its own: exact, and fast when a thousand targets are kilometres apart. Isolated
pairs (one truth, one track, nobody else near) are matched without a solver.

Distances are horizontal (east, north) by default, ``dims=2``: surveillance radars measure
height to hundreds of metres, and an early-warning picture is judged on where objects are
over the ground. Pass ``dims=3`` for 3-D distances.

Track-to-truth association (:func:`associate`) follows CLEAR MOT (Bernardin and
Stiefelhagen, 2008): at each grid time a truth keeps the track it had at the previous grid
time while that track is still closer than ``c``; the truths and tracks left over are
matched optimally as in GOSPA. An identity switch is counted each time a truth's track
differs from the last track it had (also across a gap), a fragmentation each time a truth
that had a track is matched again after a gap. A track never matched is a false track.

Pure functions of their arguments; the result types are immutable, hence thread-safe.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from skywarden.core.enums import TrackStatus
from skywarden.core.types import TrackUpdate
from skywarden.geo.frames import SiteFrame, enu_rotation
from skywarden.sim.truth import Truth

__all__ = [
    "GOSPA_ALPHA",
    "Association",
    "Gospa",
    "GospaSeries",
    "GospaSummary",
    "TrackHistory",
    "TrackTable",
    "TruthTable",
    "associate",
    "gospa",
    "gospa_over_time",
    "histories_from_updates",
    "sample_tracks",
    "truth_table",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

GOSPA_ALPHA = 2.0  # the only alpha for which GOSPA splits into localisation, missed and false
# Below this many truth x track pairs a dense distance matrix is cheaper than a k-d tree.
_DENSE_PAIRS_MAX = 20_000
_SHOWN = (TrackStatus.CONFIRMED, TrackStatus.COASTING)


def _empty_int() -> IntArray:
    return np.zeros(0, dtype=np.intp)


@dataclass(frozen=True, slots=True, eq=False)
class Gospa:
    """GOSPA at one time, with its parts and the assignment that achieves it.

    ``truth_idx[k]`` and ``track_idx[k]`` are the k-th assigned pair (closer than the
    cut-off), as indices into the positions given to :func:`gospa`.
    """

    distance: float
    localisation: float
    missed: float
    false: float
    truth_idx: IntArray
    track_idx: IntArray


@dataclass(frozen=True, slots=True)
class GospaSummary:
    """Mean GOSPA and parts over the times of a :class:`GospaSeries` (metres for ``p = 1``)."""

    distance: float
    localisation: float
    missed: float
    false: float


@dataclass(frozen=True, slots=True, eq=False)
class GospaSeries:
    """GOSPA and its parts at every grid time, arrays of shape ``(T,)``."""

    t_s: FloatArray
    distance: FloatArray
    localisation: FloatArray
    missed: FloatArray
    false: FloatArray

    def mean(self) -> GospaSummary:
        """Mean of each part over the grid (NaN for an empty grid)."""
        if self.t_s.size == 0:
            nan = float("nan")
            return GospaSummary(nan, nan, nan, nan)
        return GospaSummary(
            float(self.distance.mean()),
            float(self.localisation.mean()),
            float(self.missed.mean()),
            float(self.false.mean()),
        )


@dataclass(frozen=True, slots=True, eq=False)
class TruthTable:
    """Truth positions on the evaluation grid.

    ``pos_enu_m`` is ``(T, N, 3)`` (east, north, up in the frame), NaN where ``alive`` is
    false; ``target_ids`` names the N targets.
    """

    t_s: FloatArray
    target_ids: tuple[str, ...]
    pos_enu_m: FloatArray
    alive: BoolArray

    def __post_init__(self) -> None:
        t, n = self.t_s.shape[0], len(self.target_ids)
        if self.pos_enu_m.shape != (t, n, 3) or self.alive.shape != (t, n):
            raise ValueError(
                f"truth table shapes disagree: t_s {self.t_s.shape}, {n} targets,"
                f" pos {self.pos_enu_m.shape}, alive {self.alive.shape}"
            )

    def at(self, k: int) -> tuple[IntArray, FloatArray]:
        """Return the indices and positions ``(n, 3)`` of the targets flying at grid time ``k``."""
        idx = np.flatnonzero(self.alive[k]).astype(np.intp)
        return idx, self.pos_enu_m[k, idx]


@dataclass(frozen=True, slots=True, eq=False)
class TrackHistory:
    """One track's estimates in the frame, as shown to an operator.

    ``state`` is ``(K, 6)``, layout ``[e_m, n_m, u_m, ve_mps, vn_mps, vu_mps]`` in the
    frame's axes, at the non-decreasing times ``t_s`` ``(K,)``. The track counts from
    ``start_t_s`` (its confirmation) until ``end_t_s`` (its deletion; ``inf`` if it was
    never deleted), end excluded.
    """

    track_id: str
    t_s: FloatArray
    state: FloatArray
    start_t_s: float
    end_t_s: float = math.inf

    def __post_init__(self) -> None:
        k = self.t_s.shape[0]
        if k == 0 or self.t_s.shape != (k,) or self.state.shape != (k, 6):
            raise ValueError(
                f"track {self.track_id}: need K >= 1 times and (K, 6) states,"
                f" got {self.t_s.shape} and {self.state.shape}"
            )
        if np.any(np.diff(self.t_s) < 0.0):
            raise ValueError(f"track {self.track_id}: times go backwards")


@dataclass(frozen=True, slots=True, eq=False)
class TrackTable:
    """Track positions on the evaluation grid, stored ragged (only tracks that exist).

    Rows ``offsets[k]:offsets[k + 1]`` belong to grid time ``k``: ``track`` indexes
    ``track_ids`` and ``pos_enu_m`` is ``(R, 3)``.
    """

    t_s: FloatArray
    track_ids: tuple[str, ...]
    offsets: IntArray
    track: IntArray
    pos_enu_m: FloatArray

    def at(self, k: int) -> tuple[IntArray, FloatArray]:
        """Return the indices and positions ``(m, 3)`` of the tracks existing at grid time ``k``."""
        a, b = int(self.offsets[k]), int(self.offsets[k + 1])
        return self.track[a:b], self.pos_enu_m[a:b]


@dataclass(frozen=True, slots=True, eq=False)
class Association:
    """Which track stood for which truth over time, and the scores derived from it.

    ``matched[k, i]`` is the index (into ``track_ids``) of the track standing for target
    ``i`` at grid time ``k``, or -1. Per-target arrays ``(N,)``: ``id_switches``,
    ``fragmentations``, ``coverage`` (share of its flying samples with a track),
    ``continuity`` (longest run of samples with one and the same track over its flying
    samples), ``time_to_track_s`` (from its first flying sample to its first track; NaN
    if never tracked). Coverage and continuity are NaN for a target never flying on the
    grid. ``false_tracks`` lists the tracks never matched to any target.
    """

    t_s: FloatArray
    target_ids: tuple[str, ...]
    track_ids: tuple[str, ...]
    matched: IntArray
    id_switches: IntArray
    fragmentations: IntArray
    coverage: FloatArray
    continuity: FloatArray
    time_to_track_s: FloatArray
    false_tracks: tuple[str, ...]

    @property
    def total_id_switches(self) -> int:
        """Identity switches summed over all targets."""
        return int(self.id_switches.sum())

    @property
    def median_time_to_track_s(self) -> float:
        """Median time to the first confirmed track over the targets that got one (NaN if none)."""
        got = self.time_to_track_s[np.isfinite(self.time_to_track_s)]
        return float(np.median(got)) if got.size else float("nan")


def _points(a: npt.ArrayLike, name: str) -> FloatArray:
    pts = np.asarray(a, dtype=np.float64)
    if pts.ndim == 1 and pts.size == 0:
        pts = pts.reshape(0, 1)
    if pts.ndim != 2:
        raise ValueError(f"{name} must be (n, d) points, got shape {pts.shape}")
    if not np.all(np.isfinite(pts)):
        raise ValueError(f"{name} holds NaN or infinite coordinates")
    return pts


def _pairs_within(
    truth: FloatArray, tracks: FloatArray, c_m: float
) -> tuple[IntArray, IntArray, FloatArray]:
    """Every (truth, track) pair closer than ``c_m``, with its distance."""
    n, m = truth.shape[0], tracks.shape[0]
    if n == 0 or m == 0:
        return _empty_int(), _empty_int(), np.zeros(0)
    if n * m <= _DENSE_PAIRS_MAX:
        d = np.sqrt(((truth[:, None, :] - tracks[None, :, :]) ** 2).sum(axis=2))
        ti, tj = np.nonzero(d < c_m)
        return ti.astype(np.intp), tj.astype(np.intp), d[ti, tj]
    found = cKDTree(truth).sparse_distance_matrix(cKDTree(tracks), c_m, output_type="ndarray")
    keep = found["v"] < c_m
    return (
        found["i"][keep].astype(np.intp),
        found["j"][keep].astype(np.intp),
        found["v"][keep].astype(np.float64),
    )


def _match(
    truth: FloatArray, tracks: FloatArray, c_m: float, p: float
) -> tuple[IntArray, IntArray, FloatArray]:
    """GOSPA-optimal assignment: pairs ``(i, j)`` closer than ``c_m`` and their distances.

    Minimises ``sum min(d, c)^p`` over full assignments, component by component of the
    graph of pairs closer than ``c_m`` (module docstring).
    """
    ti, tj, d = _pairs_within(truth, tracks, c_m)
    if ti.size == 0:
        return ti, tj, d
    n, m = truth.shape[0], tracks.shape[0]
    deg_i = np.bincount(ti, minlength=n)
    deg_j = np.bincount(tj, minlength=m)
    isolated = (deg_i[ti] == 1) & (deg_j[tj] == 1)
    out_i, out_j, out_d = [ti[isolated]], [tj[isolated]], [d[isolated]]
    ri, rj, rd = ti[~isolated], tj[~isolated], d[~isolated]
    if ri.size:
        graph = coo_matrix((np.ones(ri.size), (ri, rj + n)), shape=(n + m, n + m))
        _, labels = connected_components(graph, directed=False)
        comp = labels[ri]
        order = np.argsort(comp, kind="stable")
        ri, rj, rd, comp = ri[order], rj[order], rd[order], comp[order]
        bounds = np.flatnonzero(np.diff(comp)) + 1
        cut = c_m**p
        for ci, cj, cd in zip(
            np.split(ri, bounds), np.split(rj, bounds), np.split(rd, bounds), strict=True
        ):
            rows, row_of = np.unique(ci, return_inverse=True)
            cols, col_of = np.unique(cj, return_inverse=True)
            cost = np.full((rows.size, cols.size), cut)
            cost[row_of, col_of] = cd**p
            a, b = linear_sum_assignment(cost)
            real = cost[a, b] < cut
            a, b = a[real], b[real]
            dist = np.full((rows.size, cols.size), np.inf)
            dist[row_of, col_of] = cd
            out_i.append(rows[a])
            out_j.append(cols[b])
            out_d.append(dist[a, b])
    return (
        np.concatenate(out_i).astype(np.intp),
        np.concatenate(out_j).astype(np.intp),
        np.concatenate(out_d),
    )


def _check_cutoff(c_m: float, p: float) -> None:
    if not c_m > 0.0 or not math.isfinite(c_m):
        raise ValueError(f"cut-off must be a positive number of metres, got {c_m}")
    if not p >= 1.0 or not math.isfinite(p):
        raise ValueError(f"GOSPA exponent p must be finite and >= 1, got {p}")


def gospa(
    truth_pos_m: npt.ArrayLike, track_pos_m: npt.ArrayLike, c_m: float, p: float = 1.0
) -> Gospa:
    """GOSPA (``alpha = 2``) between truth and track positions at one time.

    Both are ``(n, d)`` arrays of the same ``d`` (use the coordinates you want compared,
    for example east and north only). Raises ``ValueError`` for a bad cut-off or exponent,
    or positions of different dimension.
    """
    _check_cutoff(c_m, p)
    truth, tracks = _points(truth_pos_m, "truth_pos_m"), _points(track_pos_m, "track_pos_m")
    if truth.shape[0] and tracks.shape[0] and truth.shape[1] != tracks.shape[1]:
        raise ValueError(f"truth is {truth.shape[1]}-D but tracks are {tracks.shape[1]}-D")
    ti, tj, d = _match(truth, tracks, c_m, p)
    half = c_m**p / GOSPA_ALPHA
    localisation = float(np.sum(d**p))
    missed = half * (truth.shape[0] - ti.size)
    false = half * (tracks.shape[0] - ti.size)
    distance = (localisation + missed + false) ** (1.0 / p)
    return Gospa(distance, localisation, missed, false, ti, tj)


def _check_grids(truth: TruthTable, tracks: TrackTable) -> None:
    if truth.t_s.shape != tracks.t_s.shape or not np.array_equal(truth.t_s, tracks.t_s):
        raise ValueError("truth and tracks are sampled on different grids")


def _check_dims(dims: int) -> None:
    if dims not in (2, 3):
        raise ValueError(f"dims must be 2 (east, north) or 3 (east, north, up), got {dims}")


def gospa_over_time(
    truth: TruthTable, tracks: TrackTable, c_m: float, p: float = 1.0, dims: int = 2
) -> GospaSeries:
    """GOSPA at every grid time between the flying targets and the existing tracks."""
    _check_cutoff(c_m, p)
    _check_dims(dims)
    _check_grids(truth, tracks)
    t = truth.t_s.shape[0]
    parts = np.zeros((4, t))
    for k in range(t):
        _, x = truth.at(k)
        _, y = tracks.at(k)
        g = gospa(x[:, :dims], y[:, :dims], c_m, p)
        parts[:, k] = (g.distance, g.localisation, g.missed, g.false)
    return GospaSeries(truth.t_s.copy(), parts[0], parts[1], parts[2], parts[3])


def truth_table(truth: Truth, frame: SiteFrame, every: int = 1) -> TruthTable:
    """Truth in ``frame``'s ENU on every ``every``-th truth sample."""
    if every < 1:
        raise ValueError(f"every must be >= 1, got {every}")
    sel = slice(None, None, every)
    alive = truth.alive[sel].copy()
    pos = np.full((*alive.shape, 3), np.nan)
    if alive.any():
        e, n, u = frame.to_enu(
            truth.lat[sel][alive], truth.lon[sel][alive], truth.alt_m[sel][alive]
        )
        pos[alive] = np.stack([e, n, u], axis=-1)
    return TruthTable(
        truth.t_s[sel].astype(np.float64),
        tuple(t.target_id for t in truth.targets),
        pos,
        alive,
    )


def _local_to_frame(
    frame: SiteFrame,
    lat: FloatArray,
    lon: FloatArray,
    ve: FloatArray,
    vn: FloatArray,
    vu: FloatArray,
) -> FloatArray:
    """Rotate vectors from each point's local east/north/up into the frame's axes, ``(k, 3)``.

    The inverse of :meth:`SiteFrame.vector_to_local`.
    """
    phi, lam = np.radians(lat), np.radians(lon)
    sp, cp, sl, cl = np.sin(phi), np.cos(phi), np.sin(lam), np.cos(lam)
    v_ecef = np.stack(
        [
            -sl * ve - sp * cl * vn + cp * cl * vu,
            cl * ve - sp * sl * vn + cp * sl * vu,
            cp * vn + sp * vu,
        ],
        axis=-1,
    )
    rotated: FloatArray = v_ecef @ enu_rotation(frame.lat0, frame.lon0).T
    return rotated


def histories_from_updates(updates: Iterable[TrackUpdate], frame: SiteFrame) -> list[TrackHistory]:
    """One :class:`TrackHistory` per track that was ever confirmed, in order of confirmation.

    Only confirmed and coasting updates are estimates an operator sees; the track counts
    from its first one until its ``deleted`` update. Positions and velocities are turned
    into ``frame``'s ENU (contract velocities are in each track's local axes).
    """
    shown: list[TrackUpdate] = []
    end_t_s: dict[str, float] = {}
    confirmed: set[str] = set()
    for u in updates:
        if u.status in _SHOWN:
            shown.append(u)
            confirmed.add(u.track_id)
        elif u.status is TrackStatus.DELETED and u.track_id in confirmed:
            end_t_s.setdefault(u.track_id, u.t_s)
    if not shown:
        return []
    col = np.array(
        [(u.t_s, u.lat, u.lon, u.alt_m, u.vel_e_mps, u.vel_n_mps, u.vel_u_mps) for u in shown]
    )
    e, n, u_m = frame.to_enu(col[:, 1], col[:, 2], col[:, 3])
    vel = _local_to_frame(frame, col[:, 1], col[:, 2], col[:, 4], col[:, 5], col[:, 6])
    state = np.column_stack([e, n, u_m, vel])
    rows: dict[str, list[int]] = {}
    for k, upd in enumerate(shown):
        rows.setdefault(upd.track_id, []).append(k)
    out = []
    for track_id, ks in rows.items():
        idx = np.asarray(ks, dtype=np.intp)
        t = col[idx, 0]
        order = np.argsort(t, kind="stable")
        out.append(
            TrackHistory(
                track_id,
                t[order],
                state[idx[order]],
                float(t[order[0]]),
                end_t_s.get(track_id, math.inf),
            )
        )
    return out


def sample_tracks(histories: Sequence[TrackHistory], t_s: npt.ArrayLike) -> TrackTable:
    """Sample every track on the grid ``t_s`` (increasing) while it exists.

    A track's position at ``t`` is its latest estimate at or before ``t`` moved on at that
    estimate's velocity (constant-velocity extrapolation: the mean of a Kalman prediction).
    """
    grid = np.asarray(t_s, dtype=np.float64)
    if grid.ndim != 1 or np.any(np.diff(grid) <= 0.0):
        raise ValueError("the grid must be a 1-D array of increasing times")
    ks: list[IntArray] = []
    js: list[IntArray] = []
    ps: list[FloatArray] = []
    for j, h in enumerate(histories):
        k0 = int(np.searchsorted(grid, h.start_t_s, side="left"))
        k1 = int(np.searchsorted(grid, h.end_t_s, side="left"))
        if k1 <= k0:
            continue
        t = grid[k0:k1]
        last = np.searchsorted(h.t_s, t, side="right") - 1
        ok = last >= 0
        t, last = t[ok], last[ok]
        x = h.state[last]
        ks.append(np.arange(k0, k1, dtype=np.intp)[ok])
        js.append(np.full(t.size, j, dtype=np.intp))
        ps.append(x[:, :3] + x[:, 3:] * (t - h.t_s[last])[:, None])
    k_all = np.concatenate(ks) if ks else _empty_int()
    j_all = np.concatenate(js) if js else _empty_int()
    p_all = np.concatenate(ps) if ps else np.zeros((0, 3))
    order = np.argsort(k_all, kind="stable")
    offsets = np.zeros(grid.size + 1, dtype=np.intp)
    np.cumsum(np.bincount(k_all, minlength=grid.size), out=offsets[1:])
    return TrackTable(
        grid.copy(),
        tuple(h.track_id for h in histories),
        offsets,
        j_all[order],
        p_all[order],
    )


def associate(truth: TruthTable, tracks: TrackTable, c_m: float, dims: int = 2) -> Association:
    """Follow track-to-truth association over the grid (CLEAR MOT, module docstring)."""
    _check_cutoff(c_m, 1.0)
    _check_dims(dims)
    _check_grids(truth, tracks)
    n_t, n_n = truth.alive.shape
    matched = np.full((n_t, n_n), -1, dtype=np.intp)
    row_of_track = np.full(len(tracks.track_ids), -1, dtype=np.intp)
    for k in range(n_t):
        ti, tx = truth.at(k)
        tj, ty = tracks.at(k)
        tx, ty = tx[:, :dims], ty[:, :dims]
        row_of_track[tj] = np.arange(tj.size)
        kept_i, kept_r = _empty_int(), _empty_int()
        if k > 0 and ti.size and tj.size:
            prev = matched[k - 1, ti]
            rows = np.where(prev >= 0, row_of_track[np.maximum(prev, 0)], -1)
            cand = np.flatnonzero(rows >= 0)
            if cand.size:
                d = np.sqrt(((tx[cand] - ty[rows[cand]]) ** 2).sum(axis=1))
                close = d < c_m
                kept_i, kept_r = cand[close], rows[cand[close]]
        free_i = np.setdiff1d(np.arange(ti.size), kept_i, assume_unique=True)
        free_r = np.setdiff1d(np.arange(tj.size), kept_r, assume_unique=True)
        a, b, _ = _match(tx[free_i], ty[free_r], c_m, 1.0)
        matched[k, ti[kept_i]] = tj[kept_r]
        matched[k, ti[free_i[a]]] = tj[free_r[b]]
        row_of_track[tj] = -1
    return _scores(truth, tracks, matched)


def _scores(truth: TruthTable, tracks: TrackTable, matched: IntArray) -> Association:
    n = len(truth.target_ids)
    switches = np.zeros(n, dtype=np.intp)
    frags = np.zeros(n, dtype=np.intp)
    coverage = np.full(n, np.nan)
    continuity = np.full(n, np.nan)
    ttt = np.full(n, np.nan)
    for i in range(n):
        alive_k = np.flatnonzero(truth.alive[:, i])
        if alive_k.size == 0:
            continue
        seq = matched[alive_k, i]
        hit = seq >= 0
        coverage[i] = hit.mean()
        if not hit.any():
            continuity[i] = 0.0
            continue
        ttt[i] = truth.t_s[alive_k[np.argmax(hit)]] - truth.t_s[alive_k[0]]
        ids = seq[hit]
        switches[i] = int(np.count_nonzero(ids[1:] != ids[:-1]))
        starts = hit & ~np.concatenate([[False], hit[:-1]])
        frags[i] = int(np.count_nonzero(starts)) - 1
        change = np.flatnonzero(np.diff(seq) != 0) + 1
        bounds = np.concatenate([[0], change, [seq.size]])
        run_len = np.diff(bounds)
        run_val = seq[bounds[:-1]]
        continuity[i] = run_len[run_val >= 0].max() / seq.size
    used = np.zeros(len(tracks.track_ids), dtype=bool)
    used[matched[matched >= 0]] = True
    false_tracks = tuple(
        tid for tid, u in zip(tracks.track_ids, used.tolist(), strict=True) if not u
    )
    return Association(
        truth.t_s.copy(),
        truth.target_ids,
        tracks.track_ids,
        matched,
        switches,
        frags,
        coverage,
        continuity,
        ttt,
        false_tracks,
    )
