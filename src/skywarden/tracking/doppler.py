"""Radial speed (Doppler) of radar plots: a gate, a track's first velocity, an update.

A radar plot's optional ``vr_mps`` is the object's speed along the line of sight from
the radar, positive receding. With the radar's position (the sensor registry's
``TrackerConfig.sensor_sites``) a track predicts it as ``u . v``, ``u`` the unit vector
from the radar to the track and ``v`` its velocity:

- **Gate.** A plot whose radial speed the track cannot explain (chi-square, 1 degree of
  freedom) is not the track's, whatever its position. Clutter and birds near a drone
  radar have radial speeds unrelated to a passing track's, so they can no longer keep a
  track alive on position alone, nor drag a bird's track to a drone's speed.
- **First velocity.** A track started from a plot knows its velocity along the line of
  sight to the radar's noise (``sigma_vr``), across it nothing.
- **Update.** After the position update each model's state takes the radial speed as
  a scalar extended-Kalman update (the Jacobian of ``u . v`` with respect to the
  position is ``(v - (u . v) u) / r``).

All functions are pure and vectorised over pairs; states are ``[e, n, u, ve, vn, vu,
...]`` in one ENU frame, arrays ``(n, d)`` or, for :func:`radial_update`, ``(n, M, d)``
(IMM models).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["initial_velocity", "radial_d2", "radial_update"]

FloatArray = npt.NDArray[np.float64]

# Below this range (metres) the line of sight is undefined: no Doppler there.
MIN_RANGE_M = 1.0


def _los(pos_m: FloatArray, site_m: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return the unit line-of-sight vectors from ``site_m`` to ``pos_m`` and the ranges."""
    d = pos_m - site_m
    r = np.maximum(np.linalg.norm(d, axis=-1), MIN_RANGE_M)
    return d / r[..., None], r


def radial_d2(
    x: FloatArray, P: FloatArray, site_m: FloatArray, vr_mps: FloatArray, sigma_vr_mps: FloatArray
) -> FloatArray:
    """Squared normalised radial-speed innovation of each (state, plot) pair.

    ``x`` ``(n, d)`` and ``P`` ``(n, d, d)`` are the tracks predicted to the plots' times,
    ``site_m`` ``(n, 3)`` the radars' positions, ``vr_mps`` and ``sigma_vr_mps`` ``(n,)``.
    Pairs whose plot has no radial speed (NaN) get 0: nothing to hold against them.
    """
    u, _r = _los(x[:, :3], site_m)
    vr_hat = np.einsum("ni,ni->n", u, x[:, 3:6])
    var = np.einsum("ni,nij,nj->n", u, P[:, 3:6, 3:6], u) + sigma_vr_mps**2
    d2 = (vr_mps - vr_hat) ** 2 / var
    return np.asarray(np.where(np.isfinite(vr_mps), d2, 0.0), dtype=np.float64)


def initial_velocity(
    pos_m: FloatArray,
    site_m: FloatArray,
    vr_mps: float,
    sigma_vr_mps: float,
    sigma_v0_mps: float,
) -> tuple[FloatArray, FloatArray]:
    """Velocity ``(3,)`` and covariance ``(3, 3)`` of a track started from one plot.

    Along the line of sight the plot's radial speed with its noise; across it zero with
    ``sigma_v0_mps``.
    """
    u, _r = _los(pos_m[None, :], site_m[None, :])
    u = u[0]
    outer = np.outer(u, u)
    cov = sigma_v0_mps**2 * (np.eye(3) - outer) + sigma_vr_mps**2 * outer
    return vr_mps * u, np.asarray(cov, dtype=np.float64)


def radial_update(
    xm: FloatArray, Pm: FloatArray, site_m: FloatArray, vr_mps: FloatArray, sigma_vr_mps: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Scalar EKF update of every model's state with the radial speed.

    ``xm`` ``(n, M, d)``, ``Pm`` ``(n, M, d, d)``, ``site_m`` ``(n, 3)``, ``vr_mps`` and
    ``sigma_vr_mps`` ``(n,)``; rows with a NaN radial speed are returned unchanged.
    Joseph form, so the covariances stay symmetric and positive definite.
    """
    _n, m_models, dim = xm.shape
    have = np.isfinite(vr_mps)
    if not have.any():
        return xm, Pm
    xm, Pm = xm.copy(), Pm.copy()
    rows = np.flatnonzero(have)
    x = xm[rows]  # (k, M, d)
    P = Pm[rows]
    site = np.broadcast_to(site_m[rows, None, :], (rows.size, m_models, 3))
    u, r = _los(x[..., :3], site)
    v = x[..., 3:6]
    vr_hat = np.einsum("kmi,kmi->km", u, v)
    H = np.zeros((rows.size, m_models, dim))
    H[..., :3] = (v - vr_hat[..., None] * u) / r[..., None]
    H[..., 3:6] = u
    PHt = np.einsum("kmij,kmj->kmi", P, H)
    S = np.einsum("kmi,kmi->km", H, PHt) + (sigma_vr_mps[rows] ** 2)[:, None]
    K = PHt / S[..., None]
    nu = vr_mps[rows][:, None] - vr_hat
    x = x + K * nu[..., None]
    eye = np.eye(dim)
    A = eye - np.einsum("kmi,kmj->kmij", K, H)
    R = (sigma_vr_mps[rows] ** 2)[:, None, None, None]
    P = A @ P @ np.swapaxes(A, -1, -2) + R * np.einsum("kmi,kmj->kmij", K, K)
    xm[rows], Pm[rows] = x, 0.5 * (P + np.swapaxes(P, -1, -2))
    return xm, Pm
