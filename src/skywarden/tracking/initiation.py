"""Bearing-only track initiation: triangulate bearings from different acoustic nodes.

A network of passive sensors (acoustic nodes, direction finders) measures only the
azimuth of a target, clockwise from north (``skywarden.tracking.measurement``). A
position needs two bearings or more from different sites.

:func:`triangulate` intersects 2+ bearing lines by weighted linear least squares on the
line normal equations. Line ``i`` through sensor ``s_i`` with direction
``u_i = (sin az_i, cos az_i)`` has the normal ``n_i = (cos az_i, -sin az_i)``; the point
``p`` minimising ``Σ w_i (n_i · (p - s_i))²`` solves ``(Σ w_i n_i n_iᵀ) p = Σ w_i n_i n_iᵀ s_i``.
The perpendicular miss distance of a bearing error ``σ`` at range ``r`` is ``r·σ``, so
the weights are ``1/(r_i σ_i)²``: a first solve uses ``1/σ_i²`` (ranges unknown), and one
more solve uses the ranges estimated by the first. The covariance is the inverse of the
Fisher information ``Σ J_iᵀ J_i / σ_i²`` with ``J_i = ∂az_i/∂p = n_i / r_i`` evaluated at
the fix. A height comes from the elevations, where given.

:func:`find_crossings` finds which bearings belong together. See its docstring for the
ghost rule: two targets seen by two nodes give four crossings, two of them false
("ghosts"); only a third node can tell them apart.

Pure functions; inputs are never mutated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from skywarden.tracking.measurement import angle_diff_deg, azimuth_to_unit_en, bearing_deg

__all__ = ["Crossing", "Fix", "find_crossings", "triangulate"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

# Condition number above which the normal matrix is treated as singular (parallel rays).
MAX_NORMAL_COND = 1e10


@dataclass(frozen=True, slots=True)
class Fix:
    """A triangulated position.

    ``pos_en_m`` ``(2,)`` east/north metres; ``cov`` ``(2, 2)`` its covariance in m²;
    ``u_m`` the height (NaN without elevations) and ``sigma_u_m`` its standard deviation;
    ``range_m`` ``(B,)`` horizontal distance from each sensor; ``residual_deg`` ``(B,)``
    measured minus fitted azimuth; ``residual_sigma`` the same divided by the sigmas;
    ``residual_deg_rms`` their RMS; ``chi2`` ``Σ residual_sigma²`` (``B - 2`` degrees of
    freedom).
    """

    pos_en_m: FloatArray
    cov: FloatArray
    u_m: float
    sigma_u_m: float
    range_m: FloatArray
    residual_deg: FloatArray
    residual_sigma: FloatArray
    residual_deg_rms: float
    chi2: float


@dataclass(frozen=True, slots=True)
class Crossing:
    """Bearings grouped by :func:`find_crossings` (sorted input indices) and their fix."""

    det_indices: IntArray
    fix: Fix
    t_s: float
    n_sensors: int


def _vec(value: npt.ArrayLike, n: int, name: str) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(f"{name} must be a scalar or have shape ({n},), got {arr.shape}")
    return arr


def _normals(az_deg: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Directions ``u = (sin az, cos az)`` and normals ``n = (cos az, -sin az)``, each (B, 2)."""
    ue, un = azimuth_to_unit_en(az_deg)
    return np.stack([ue, un], axis=-1), np.stack([un, -ue], axis=-1)


def _solve_lines(
    s: FloatArray, n: FloatArray, w: FloatArray
) -> tuple[FloatArray, FloatArray] | None:
    A = np.einsum("b,bi,bj->ij", w, n, n)
    if not np.all(np.isfinite(A)) or np.linalg.cond(A) > MAX_NORMAL_COND:
        return None
    b = np.einsum("b,bi,bj,bj->i", w, n, n, s)
    return np.linalg.solve(A, b), A


def triangulate(
    sensor_en_m: npt.ArrayLike,
    az_deg: npt.ArrayLike,
    sigma_az_deg: npt.ArrayLike,
    el_deg: npt.ArrayLike | None = None,
    sigma_el_deg: npt.ArrayLike | None = None,
) -> Fix | None:
    """Weighted least-squares intersection of 2+ bearing lines in the horizontal plane.

    ``sensor_en_m`` is ``(B, 2)`` or ``(B, 3)`` (the third column, the sensor height, is
    used only for the height estimate); ``az_deg`` and ``sigma_az_deg`` are ``(B,)``
    (sigma may be a scalar). ``el_deg`` (``(B,)``, NaN where unknown) gives the height
    ``u = u_sensor + r·tan(el)`` per bearing, averaged with weights from ``sigma_el_deg``
    (default: ``sigma_az_deg``) and the range uncertainty. Returns ``None`` when there are
    fewer than 2 bearings, the lines are (nearly) parallel, or the fix lies behind a
    sensor (the bearing points away from it).
    """
    s_all = np.asarray(sensor_en_m, dtype=np.float64)
    if s_all.ndim != 2 or s_all.shape[1] not in (2, 3):
        raise ValueError(f"sensor_en_m must be (B, 2) or (B, 3), got {s_all.shape}")
    n_b = s_all.shape[0]
    s = s_all[:, :2]
    az = _vec(az_deg, n_b, "az_deg")
    sigma_rad = np.radians(_vec(sigma_az_deg, n_b, "sigma_az_deg"))
    if n_b < 2:
        return None
    u, n = _normals(az)
    first = _solve_lines(s, n, 1.0 / sigma_rad**2)
    if first is None:
        return None
    p, _ = first
    range_m = np.hypot(*(p - s).T)
    second = _solve_lines(s, n, 1.0 / (np.maximum(range_m, 1.0) * sigma_rad) ** 2)
    if second is None:
        return None
    p, _ = second
    rel = p - s
    if np.any(np.einsum("bi,bi->b", rel, u) <= 0.0):
        return None
    range_m = np.hypot(rel[:, 0], rel[:, 1])
    fitted_deg = bearing_deg(rel[:, 0], rel[:, 1])
    _, n_fit = _normals(fitted_deg)
    J = n_fit / np.maximum(range_m, 1.0)[:, None]
    cov = np.linalg.inv(np.einsum("b,bi,bj->ij", 1.0 / sigma_rad**2, J, J))
    residual_deg = angle_diff_deg(az, fitted_deg)
    residual_sigma = np.radians(residual_deg) / sigma_rad
    u_m, sigma_u_m = _height(s_all, range_m, u, cov, el_deg, sigma_el_deg, sigma_az_deg, n_b)
    return Fix(
        pos_en_m=p,
        cov=0.5 * (cov + cov.T),
        u_m=u_m,
        sigma_u_m=sigma_u_m,
        range_m=range_m,
        residual_deg=residual_deg,
        residual_sigma=residual_sigma,
        residual_deg_rms=float(np.sqrt(np.mean(residual_deg**2))),
        chi2=float(np.sum(residual_sigma**2)),
    )


def _height(
    s_all: FloatArray,
    range_m: FloatArray,
    u: FloatArray,
    cov: FloatArray,
    el_deg: npt.ArrayLike | None,
    sigma_el_deg: npt.ArrayLike | None,
    sigma_az_deg: npt.ArrayLike,
    n_b: int,
) -> tuple[float, float]:
    """Inverse-variance mean of ``u_sensor + r·tan(el)`` over bearings with an elevation."""
    if el_deg is None:
        return float("nan"), float("nan")
    el_rad = np.radians(_vec(el_deg, n_b, "el_deg"))
    sigma_rad = np.radians(
        _vec(sigma_az_deg if sigma_el_deg is None else sigma_el_deg, n_b, "sigma_el_deg")
    )
    ok = np.isfinite(el_rad) & (np.abs(el_rad) < np.radians(89.0))
    if not np.any(ok):
        return float("nan"), float("nan")
    sensor_u_m = s_all[:, 2] if s_all.shape[1] == 3 else np.zeros(n_b)
    tan_el = np.tan(el_rad[ok])
    var_range_m2 = np.einsum("bi,ij,bj->b", u[ok], cov, u[ok])
    var_u = (range_m[ok] * sigma_rad[ok] / np.cos(el_rad[ok]) ** 2) ** 2 + tan_el**2 * var_range_m2
    w = 1.0 / np.maximum(var_u, 1e-6)
    u_each = sensor_u_m[ok] + range_m[ok] * tan_el
    return float(np.sum(w * u_each) / np.sum(w)), float(1.0 / np.sqrt(np.sum(w)))


def _pairs_in_window(t_s: FloatArray, window_s: float) -> tuple[IntArray, IntArray]:
    """All index pairs ``i != j`` (each once) with ``|t_i - t_j| <= window_s``, vectorised."""
    order = np.argsort(t_s, kind="stable")
    ts = t_s[order]
    hi = np.searchsorted(ts, ts + window_s, side="right")
    counts = np.maximum(hi - np.arange(ts.size) - 1, 0)
    first = np.repeat(np.arange(ts.size), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    second = first + 1 + offsets
    return order[first].astype(np.intp), order[second].astype(np.intp)


def _cross(a: FloatArray, b: FloatArray) -> FloatArray:
    """Scalar 2-D cross product ``a_e b_n - a_n b_e`` over the last axis."""
    return np.asarray(a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0], dtype=np.float64)


def find_crossings(
    sensor_id: npt.ArrayLike,
    sensor_en_m: npt.ArrayLike,
    az_deg: npt.ArrayLike,
    sigma_az_deg: npt.ArrayLike,
    t_s: npt.ArrayLike,
    *,
    window_s: float,
    max_range_m: float,
    min_cross_angle_deg: float = 15.0,
    max_residual_sigma: float = 3.0,
    require_third_bearing: bool = True,
) -> list[Crossing]:
    """Group bearings from different sensors into crossings, greedily best-first.

    1. Candidates: every pair of bearings from *different* sensors within ``window_s`` of
       each other whose rays cross at an angle of at least ``min_cross_angle_deg``, in
       front of both sensors, within ``max_range_m`` of each (vectorised over all pairs).
    2. Support: each candidate point is tested against every bearing of a third sensor
       within the time window of both and within ``max_range_m`` of the point. A bearing
       supports it when its azimuth residual, normalised by its sigma combined with the
       point's own uncertainty, is at most ``max_residual_sigma``.
    3. Ghost rule (``require_third_bearing``): if any third sensor could have seen the
       point (it reported within the window and lies within range) but none of its
       bearings supports it, the candidate is dropped as a likely ghost. A crossing of
       two sensors with no third sensor around stands alone; ghosts cannot be told
       apart then. The rule delays initiation when a third sensor misses the target
       (Pd < 1) while reporting another one: it is then initiated on a later scan.
    4. Greedy selection: candidates are ranked by the number of supporting sensors
       (most first), then the mean squared normalised residual of the supports, then
       input order; each is taken with its best unused supporting bearing per sensor,
       re-triangulated with :func:`triangulate`, and kept only if every bearing's
       residual is within ``max_residual_sigma``. Each bearing is used at most once.
    """
    ids = np.asarray(sensor_id).reshape(-1)
    n_b = ids.size
    _, sensor_code = np.unique(ids, return_inverse=True)
    s_in = np.asarray(sensor_en_m, dtype=np.float64)
    if s_in.ndim != 2 or s_in.shape[0] != n_b or s_in.shape[1] < 2:
        raise ValueError(f"sensor_en_m must be ({n_b}, 2) or ({n_b}, 3), got {s_in.shape}")
    s = s_in[:, :2]
    az = _vec(az_deg, n_b, "az_deg")
    sigma_rad = np.radians(_vec(sigma_az_deg, n_b, "sigma_az_deg"))
    t = _vec(t_s, n_b, "t_s")
    i, j = _pairs_in_window(t, window_s)
    keep = sensor_code[i] != sensor_code[j]
    i, j = i[keep], j[keep]
    u, n = _normals(az)
    cross = _cross(u[i], u[j])
    with np.errstate(divide="ignore", invalid="ignore"):
        a = _cross(s[j] - s[i], u[j]) / cross
        b = _cross(s[j] - s[i], u[i]) / cross
    keep = (np.abs(cross) >= np.sin(np.radians(min_cross_angle_deg))) & (a > 0.0) & (b > 0.0)
    keep &= (a <= max_range_m) & (b <= max_range_m)
    i, j, a, b = i[keep], j[keep], a[keep], b[keep]
    if i.size == 0:
        return []
    p = s[i] + a[:, None] * u[i]  # (P, 2) crossing points

    # Covariance of each two-bearing crossing: inverse of Σ n nᵀ / (r σ)² over its pair.
    info = np.einsum("p,pi,pk->pik", 1.0 / (a * sigma_rad[i]) ** 2, n[i], n[i])
    info += np.einsum("p,pi,pk->pik", 1.0 / (b * sigma_rad[j]) ** 2, n[j], n[j])
    cov_p = np.linalg.inv(info)

    # Support of every candidate by every bearing (P, B).
    rel = p[:, None, :] - s[None, :, :]
    dist_m = np.hypot(rel[..., 0], rel[..., 1])
    third = (sensor_code[None, :] != sensor_code[i][:, None]) & (
        sensor_code[None, :] != sensor_code[j][:, None]
    )
    in_time = (np.abs(t[None, :] - t[i][:, None]) <= window_s) & (
        np.abs(t[None, :] - t[j][:, None]) <= window_s
    )
    available = third & in_time & (dist_m <= max_range_m)
    pred_deg = bearing_deg(rel[..., 0], rel[..., 1])
    _, n_pred = _normals(pred_deg)
    var_pred = np.einsum("pbi,pik,pbk->pb", n_pred, cov_p, n_pred) / np.maximum(dist_m, 1.0) ** 2
    resid_sigma = np.abs(np.radians(angle_diff_deg(az[None, :], pred_deg))) / np.sqrt(
        sigma_rad[None, :] ** 2 + var_pred
    )
    resid_sigma = np.where(available & (resid_sigma <= max_residual_sigma), resid_sigma, np.inf)

    # Best support per (candidate, sensor), then the ranking keys.
    n_sensors = int(sensor_code.max()) + 1
    by_sensor = np.argsort(sensor_code, kind="stable")
    starts = np.searchsorted(sensor_code[by_sensor], np.arange(n_sensors))
    best = np.minimum.reduceat(resid_sigma[:, by_sensor], starts, axis=1)  # (P, S)
    supported = np.isfinite(best)
    n_support = supported.sum(axis=1)
    score = np.where(supported, best**2, 0.0).sum(axis=1) / np.maximum(n_support, 1)
    needs_third = available.any(axis=1) if require_third_bearing else np.zeros(i.size, bool)
    viable = ~(needs_third & (n_support == 0))
    rank = np.lexsort((j, i, score, -n_support))
    rank = rank[viable[rank]]

    used = np.zeros(n_b, dtype=bool)
    crossings: list[Crossing] = []
    for c in rank:
        if used[i[c]] or used[j[c]]:
            continue
        members = [int(i[c]), int(j[c])]
        row = np.where(used, np.inf, resid_sigma[c])
        for code in np.flatnonzero(supported[c]):
            cand = np.flatnonzero((sensor_code == code) & np.isfinite(row))
            if cand.size:
                members.append(int(cand[np.argmin(row[cand])]))
        if needs_third[c] and len(members) == 2:
            continue
        idx = np.sort(np.asarray(members, dtype=np.intp))
        fix = triangulate(s[idx], az[idx], np.degrees(sigma_rad[idx]))
        if fix is None or np.any(np.abs(fix.residual_sigma) > max_residual_sigma):
            continue
        if np.any(fix.range_m > max_range_m):
            continue
        used[idx] = True
        crossings.append(
            Crossing(
                det_indices=idx,
                fix=fix,
                t_s=float(np.mean(t[idx])),
                n_sensors=int(np.unique(sensor_code[idx]).size),
            )
        )
    return crossings
