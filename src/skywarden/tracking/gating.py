"""Gating: which (track, detection) pairs are worth scoring, and how far apart they are.

Two stages, as in every scalable tracker:

1. A coarse spatial pre-filter on the horizontal plane (:func:`candidate_pairs`,
   :func:`candidate_pairs_bearing`) built on a ``scipy.spatial.cKDTree`` of the track
   positions, so that the work grows near-linearly with the number of targets instead of
   as tracks x detections.
2. A fine statistical gate on the surviving pairs: the squared Mahalanobis distance of
   the innovation (:func:`mahalanobis_d2`) against a chi-square quantile
   (:func:`chi2_gate`).

Pairs come back as two aligned integer index arrays ``(track_idx, det_idx)``, sorted by
detection then track, so that results are deterministic. The lead's cost vector for
:func:`skywarden.tracking.association.gnn_assign` is aligned with them.

All functions are pure: inputs are never mutated. Positions are local East-North metres
(``[:, 0]`` east, ``[:, 1]`` north); extra columns (height) are ignored.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree
from scipy.stats import chi2

from skywarden.tracking.measurement import angle_diff_deg, bearing_deg

__all__ = [
    "candidate_pairs",
    "candidate_pairs_bearing",
    "chi2_gate",
    "mahalanobis_d2",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def _en(points_m: npt.ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(points_m, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] < 2:
        raise ValueError(f"{name} must have shape (n, 2) or (n, 3), got {arr.shape}")
    return np.ascontiguousarray(arr[:, :2])


def _per_det(value: npt.ArrayLike, n_dets: int, name: str) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(n_dets, float(arr))
    if arr.shape != (n_dets,):
        raise ValueError(f"{name} must be a scalar or have shape ({n_dets},), got {arr.shape}")
    return arr


def _empty_pairs() -> tuple[IntArray, IntArray]:
    return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)


def _ball_pairs(
    tracks_en_m: FloatArray, centres_en_m: FloatArray, radius_m: FloatArray
) -> tuple[IntArray, IntArray]:
    """All (track, centre) pairs with ``|track - centre| <= radius[centre]``, centre-major."""
    if tracks_en_m.shape[0] == 0 or centres_en_m.shape[0] == 0:
        return _empty_pairs()
    tree = cKDTree(tracks_en_m)
    # A negative or NaN radius gates nothing; cKDTree would reject NaN.
    r = np.where(np.isfinite(radius_m) & (radius_m >= 0.0), radius_m, -1.0)
    hits = tree.query_ball_point(centres_en_m, np.maximum(r, 0.0), return_sorted=True)
    counts = np.fromiter((len(h) for h in hits), dtype=np.intp, count=len(hits))
    counts[r < 0.0] = 0
    if counts.sum() == 0:
        return _empty_pairs()
    det_idx = np.repeat(np.arange(len(hits), dtype=np.intp), counts)
    keep = np.flatnonzero(counts)
    track_idx = np.concatenate([np.asarray(hits[i], dtype=np.intp) for i in keep])
    return track_idx, det_idx


def candidate_pairs(
    track_en_m: npt.ArrayLike, det_en_m: npt.ArrayLike, radius_m: npt.ArrayLike
) -> tuple[IntArray, IntArray]:
    """All (track, detection) pairs whose horizontal distance is at most the radius.

    ``track_en_m`` is ``(N, 2)`` (or ``(N, 3)``, height ignored), ``det_en_m`` is
    ``(D, 2)``, and ``radius_m`` a scalar or ``(D,)`` (one gate radius per detection,
    typically a few standard deviations of the combined track and detection spread).
    A KD-tree is built once on the tracks and queried with every detection in one call.
    Pairs with ``distance <= radius`` are returned as ``(track_idx (K,), det_idx (K,))``
    sorted by detection, then by track. A NaN or negative radius gates nothing.
    """
    tracks = _en(track_en_m, "track_en_m")
    dets = _en(det_en_m, "det_en_m")
    radius = _per_det(radius_m, dets.shape[0], "radius_m")
    return _ball_pairs(tracks, dets, radius)


def candidate_pairs_bearing(
    track_en_m: npt.ArrayLike,
    sensor_en_m: npt.ArrayLike,
    az_deg: npt.ArrayLike,
    max_range_m: npt.ArrayLike,
    half_width_deg: npt.ArrayLike,
) -> tuple[IntArray, IntArray]:
    """Pairs (track, bearing detection) where the track lies inside the bearing's wedge.

    Detection ``d`` is a bearing ``az_deg[d]`` (clockwise from north) measured from a
    sensor at ``sensor_en_m[d]``. A track is a candidate when its horizontal distance from
    that sensor is at most ``max_range_m`` (scalar or ``(D,)``) and its bearing from the
    sensor differs from the measured azimuth by at most ``half_width_deg`` (scalar or
    ``(D,)``; typically a few sigma plus the track's angular spread). A track exactly on
    the sensor has no defined bearing and is kept. Order: by detection, then by track.
    """
    tracks = _en(track_en_m, "track_en_m")
    sensors = _en(sensor_en_m, "sensor_en_m")
    n_dets = sensors.shape[0]
    az = _per_det(az_deg, n_dets, "az_deg")
    max_range = _per_det(max_range_m, n_dets, "max_range_m")
    half_width = _per_det(half_width_deg, n_dets, "half_width_deg")
    track_idx, det_idx = _ball_pairs(tracks, sensors, max_range)
    if track_idx.size == 0:
        return track_idx, det_idx
    rel = tracks[track_idx] - sensors[det_idx]
    off_deg = np.abs(angle_diff_deg(bearing_deg(rel[:, 0], rel[:, 1]), az[det_idx]))
    on_sensor = (rel[:, 0] == 0.0) & (rel[:, 1] == 0.0)
    keep = (off_deg <= half_width[det_idx]) | on_sensor
    return track_idx[keep], det_idx[keep]


def mahalanobis_d2(nu: npt.ArrayLike, S: npt.ArrayLike) -> FloatArray:
    """Squared Mahalanobis distances ``d² = νᵀ S⁻¹ ν`` of a batch of innovations.

    ``nu`` is ``(K, m)`` and ``S`` is ``(K, m, m)`` (the innovation covariances, symmetric
    positive definite). Computed through the Cholesky factor ``S = L Lᵀ``: ``y = L⁻¹ ν``
    and ``d² = |y|²``, which is cheaper and better conditioned than forming ``S⁻¹``.
    Returns ``(K,)``; an empty batch gives an empty array. A covariance that is not
    positive definite raises ``numpy.linalg.LinAlgError`` (a filter bug, not a gate miss).
    """
    nu_arr = np.asarray(nu, dtype=np.float64)
    S_arr = np.asarray(S, dtype=np.float64)
    if nu_arr.ndim != 2 or S_arr.shape != (*nu_arr.shape, nu_arr.shape[1]):
        raise ValueError(f"nu (K, m) and S (K, m, m) disagree: {nu_arr.shape}, {S_arr.shape}")
    if nu_arr.shape[0] == 0:
        return np.empty(0, dtype=np.float64)
    L = np.linalg.cholesky(S_arr)
    y = np.linalg.solve(L, nu_arr[..., None])[..., 0]
    return np.asarray(np.einsum("ki,ki->k", y, y), dtype=np.float64)


@lru_cache(maxsize=64)
def chi2_gate(m: int, p: float = 0.999) -> float:
    """Chi-square gate threshold: the ``p`` quantile of a chi-square with ``m`` degrees of freedom.

    A pair is inside the gate when ``mahalanobis_d2 <= chi2_gate(m, p)``. With ``p=0.999``
    a true detection is gated out once in a thousand. Cached (pure in ``m`` and ``p``).
    """
    if m < 1 or not 0.0 < p < 1.0:
        raise ValueError(f"need m >= 1 and 0 < p < 1, got m={m}, p={p}")
    return float(chi2.ppf(p, m))
