"""Track maintenance: duplicates, re-acquisition pairs, covariance caps and summaries.

The tracker's lifecycle (``tracking.tracker``) asks these questions of its track table:

- :func:`duplicates`: which tracks duplicate a better track of the same object;
- :func:`reacquisition_pairs`: which coasting tracks found their object again in a new
  track about to be confirmed;
- :func:`cap_sigma`, :func:`cap_omega`: bound a covariance's sigmas (the turn rate of every
  track, the velocity of a coasting one) without losing positive definiteness;
- :func:`sigma_h_m`: each track's horizontal sigma; :func:`stationary`: the initial IMM
  mode probabilities;
- :func:`above_floor`: keep estimates above the sea (nothing flies under the ground; a
  track whose height no sensor measures well would otherwise sink out of sight).

All functions are pure: inputs are never mutated. Nothing here holds state, so the module
is thread-safe.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from skywarden.core.enums import TrackStatus
from skywarden.tracking.association import gnn_assign
from skywarden.tracking.imm import imm_combine

__all__ = [
    "DUPLICATE_D2",
    "DUPLICATE_RADIUS_SIGMAS",
    "EARTH_RADIUS_M",
    "MAX_OMEGA_SIGMA_RPS",
    "above_floor",
    "cap_omega",
    "cap_sigma",
    "duplicates",
    "reacquisition_pairs",
    "sigma_h_m",
    "stationary",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Two tracks are one object when their 6-D position-velocity difference is within the
# chi-square 90 % point of 6 degrees of freedom of their joint uncertainty.
DUPLICATE_D2 = 10.64
DUPLICATE_RADIUS_SIGMAS = 4.0
# Turn-rate uncertainty is capped at 0.05 rad/s (about 3 deg/s, a standard-rate turn):
# unbounded, a coasting track's turn rate would spread its position over the whole
# compass within two minutes, and a mere radar gap would lose the track.
MAX_OMEGA_SIGMA_RPS = 0.05
EARTH_RADIUS_M = 6_371_000.0  # mean radius: the sea falls away from a local frame's plane


def above_floor(xm: FloatArray, Pm: FloatArray, floor_alt_m: float, alt0_m: float) -> FloatArray:
    """Project each model's state that lies below ``floor_alt_m`` (MSL) onto that height.

    ``xm (N, M, 7)``, ``Pm (N, M, 7, 7)`` in a local ENU frame whose origin is ``alt0_m``
    above MSL. The floor's ``u`` at a track's (e, n) is ``floor_alt_m - alt0_m`` less the
    Earth's curvature drop ``(e^2 + n^2) / 2R`` (the geoid's slope within a sector is a
    few metres). A state below it is moved by the estimate projection of a constrained
    Kalman filter (Simon and Chia 2002): ``x - P[:, u] (u - floor) / P[u, u]``, so the
    components correlated with height (vertical speed above all) move with it; the
    covariance is kept. Returns new states; the inputs are not mutated.
    """
    floor_u = (floor_alt_m - alt0_m) - (xm[..., 0] ** 2 + xm[..., 1] ** 2) / (2.0 * EARTH_RADIUS_M)
    excess = xm[..., 2] - floor_u  # (N, M), negative below the floor
    below = excess < 0.0
    if not below.any():
        return xm
    gain = Pm[..., :, 2] / np.maximum(Pm[..., 2, 2], 1e-9)[..., None]
    return np.where(below[..., None], xm - gain * excess[..., None], xm)


def duplicates(
    x: FloatArray,
    P: FloatArray,
    status: list[TrackStatus],
    hit_times_s: FloatArray,
    identity: list[str | None],
) -> BoolArray:
    """Mark tracks that duplicate a better track of the same object.

    Several sensors seeing a new object at once can each start a track before any is
    confirmed. Two tracks whose positions and velocities agree within their joint
    uncertainty (squared Mahalanobis distance under ``DUPLICATE_D2`` in 6-D) are one
    object: the one that is not confirmed, or has fewer recent detections, or is younger,
    goes. Tracks bound to different cooperative identities are never merged.
    """
    n = x.shape[0]
    out = np.zeros(n, dtype=bool)
    if n < 2:
        return out
    sigma = np.sqrt(np.maximum(P[:, 0, 0], P[:, 1, 1]))
    tree = cKDTree(x[:, :2])
    pairs = tree.query_pairs(
        r=DUPLICATE_RADIUS_SIGMAS * float(np.percentile(sigma, 95)) + 1.0, output_type="ndarray"
    )
    if pairs.size == 0:
        return out
    a, b = pairs[:, 0], pairs[:, 1]
    dx = x[a, :6] - x[b, :6]
    S = P[a, :6, :6] + P[b, :6, :6]
    d2 = np.einsum("ki,ki->k", dx, np.linalg.solve(S, dx[..., None])[..., 0])
    hits = np.sum(np.isfinite(hit_times_s), axis=1)
    confirmed = np.array([st is not TrackStatus.TENTATIVE for st in status])
    for k in np.flatnonzero(d2 < DUPLICATE_D2).tolist():
        i, j = int(a[k]), int(b[k])
        if out[i] or out[j]:
            continue
        if identity[i] is not None and identity[j] is not None and identity[i] != identity[j]:
            continue
        if {status[i], status[j]} == {TrackStatus.TENTATIVE, TrackStatus.COASTING}:
            continue  # a new track where a lost one may be: re-acquisition decides
        # keep the confirmed one, then the one with more detections, then the older (lower row)
        key_i = (confirmed[i], hits[i], -i)
        key_j = (confirmed[j], hits[j], -j)
        out[j if key_i >= key_j else i] = True
    return out


def reacquisition_pairs(
    xm: FloatArray,
    Pm: FloatArray,
    mu: FloatArray,
    status: list[TrackStatus],
    first_hit_s: FloatArray,
    last_hit_s: FloatArray,
    identity: list[str | None],
    confirmable: BoolArray,
    gate: float,
) -> list[tuple[int, int]]:
    """Pair coasting tracks with the new tracks that found their object again.

    A tentative track about to be confirmed (``confirmable``) whose first detection came
    after a coasting track's last one, and whose horizontal position and velocity agree
    with that track's prediction (squared Mahalanobis distance in 4-D under ``gate``), is
    the lost object re-acquired. Pairs are chosen by global nearest neighbour; tracks
    bound to different cooperative identities never pair. ``xm``, ``Pm`` and ``mu`` are
    the per-model IMM states of all rows, at one time; they are combined only when there
    is a candidate pair. Returns ``(old_row, new_row)`` pairs, the coasting row first, in
    the order of the coasting rows.
    """
    n = len(status)
    new = np.array(
        [i for i in range(n) if status[i] is TrackStatus.TENTATIVE and confirmable[i]],
        dtype=np.intp,
    )
    old = np.array([i for i in range(n) if status[i] is TrackStatus.COASTING], dtype=np.intp)
    if new.size == 0 or old.size == 0:
        return []
    oi, ni = (a.reshape(-1) for a in np.meshgrid(old, new, indexing="ij"))
    ok = first_hit_s[ni] > last_hit_s[oi]
    ok &= np.array(
        [
            identity[a] is None or identity[b] is None or identity[a] == identity[b]
            for a, b in zip(oi.tolist(), ni.tolist(), strict=True)
        ],
        dtype=bool,
    )
    oi, ni = oi[ok], ni[ok]
    if oi.size == 0:
        return []
    x, P = imm_combine(xm, Pm, mu)
    hv = np.array([0, 1, 3, 4])
    dx = x[oi][:, hv] - x[ni][:, hv]
    S = P[oi][:, hv[:, None], hv] + P[ni][:, hv[:, None], hv]
    d2 = np.einsum("ki,ki->k", dx, np.linalg.solve(S, dx[..., None])[..., 0])
    pos = {int(r): k for k, r in enumerate(old.tolist())}
    col = {int(r): k for k, r in enumerate(new.tolist())}
    assignment = gnn_assign(
        old.size,
        new.size,
        [pos[int(r)] for r in oi.tolist()],
        [col[int(r)] for r in ni.tolist()],
        d2,
        0.0,
        gate,
    )
    return [(int(old[a]), int(new[b])) for a, b in assignment.pairs.tolist()]


def cap_omega(Pm: FloatArray) -> FloatArray:
    """Scale the turn-rate row and column so its sigma is at most ``MAX_OMEGA_SIGMA_RPS``."""
    return cap_sigma(Pm, (6,), MAX_OMEGA_SIGMA_RPS)


def cap_sigma(Pm: FloatArray, components: tuple[int, ...], cap: float) -> FloatArray:
    """Scale the rows and columns of ``components`` so each one's sigma is at most ``cap``.

    A congruence with a diagonal scaling, so the covariance stays positive definite.
    ``Pm`` itself is never changed: a copy is scaled when any sigma exceeds ``cap``.
    """
    out = Pm
    for c in components:
        var = out[..., c, c]
        scale = np.sqrt(np.minimum(1.0, cap**2 / np.maximum(var, 1e-300)))
        if np.all(scale == 1.0):
            continue
        if out is Pm:
            out = Pm.copy()
        out[..., c, :] *= scale[..., None]
        out[..., :, c] *= scale[..., None]
    return out


def stationary(pi: FloatArray) -> FloatArray:
    """Stationary distribution of a 2-state Markov matrix: the initial mode probabilities."""
    p01, p10 = float(pi[0, 1]), float(pi[1, 0])
    return np.array([p10, p01], dtype=np.float64) / (p01 + p10)


def sigma_h_m(P: FloatArray) -> FloatArray:
    """Square root of the larger eigenvalue of each horizontal covariance."""
    a, b, c = P[:, 0, 0], P[:, 0, 1], P[:, 1, 1]
    root = np.sqrt(np.maximum(0.25 * (a - c) ** 2 + b**2, 0.0))
    return np.asarray(np.sqrt(0.5 * (a + c) + root), dtype=np.float64)
