"""Batched EKF measurement update (Joseph form) and out-of-sequence update.

State layout (sector-frame ENU, SI; see :mod:`skywarden.tracking.models`)::

    x = [e_m, n_m, u_m, ve_mps, vn_mps, vu_mps, omega_rps]

Arrays are batched over K rows (one per track, or per (track, detection) pair):
``x (K, 7)``, ``P (K, 7, 7)``, ``z``, ``z_hat (K, m)``, ``H (K, m, 7)``, ``R (K, m, m)``.

The update::

    nu = z - z_hat                (angle components wrapped into [-180, 180) degrees)
    S  = H P H^T + R
    K  = P H^T S^-1
    x' = x + K nu
    P' = (I - K H) P (I - K H)^T + K R K^T          (Joseph form, then symmetrised)
    log_likelihood = -(nu^T S^-1 nu + log det(2 pi S)) / 2

The Joseph form keeps ``P'`` symmetric positive semi-definite under rounding, and exact
for any gain. Every function is pure: inputs are never mutated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from skywarden.tracking.measurement import angle_diff_deg
from skywarden.tracking.models import MotionNoise, ncv_transition, process_noise

__all__ = [
    "MeasureFn",
    "UpdateResult",
    "ekf_update",
    "iekf_update",
    "innovation",
    "innovation_d2",
    "ncv_retrodict",
    "oosm_update",
    "pda_update",
]

FloatArray = npt.NDArray[np.float64]
# h(x (K, 7)) -> (z_hat (K, m), H (K, m, 7)); e.g. measmodels.position3 or a partial of
# measmodels.bearing.
MeasureFn = Callable[[FloatArray], tuple[FloatArray, FloatArray]]


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """Result of :func:`ekf_update` (or :func:`oosm_update`), batched over K rows.

    Posterior ``x (K, 7)``, ``P (K, 7, 7)``; innovation ``nu (K, m)``, its covariance
    ``S (K, m, m)`` and ``log_likelihood (K,)`` = ``log N(nu; 0, S)`` (natural log).
    """

    x: FloatArray
    P: FloatArray
    nu: FloatArray
    S: FloatArray
    log_likelihood: FloatArray


def _symmetrise(P: FloatArray) -> FloatArray:
    return 0.5 * (P + np.swapaxes(P, -1, -2))


def innovation(z: FloatArray, z_hat: FloatArray, angle_mask: npt.ArrayLike) -> FloatArray:
    """Return the innovation ``z - z_hat`` ``(K, m)``, angle components wrapped.

    Components where ``angle_mask`` is set (degrees) are wrapped into ``[-180, 180)``:
    ``z = 359``, ``z_hat = 1`` gives ``-2``.
    """
    mask = np.asarray(angle_mask, dtype=bool)
    diff = np.asarray(z, dtype=np.float64) - z_hat
    return np.where(mask, angle_diff_deg(z, z_hat), diff)


def innovation_d2(nu: FloatArray, S: FloatArray) -> FloatArray:
    """Squared Mahalanobis distance ``nu^T S^-1 nu`` for each row: ``(K, m), (K, m, m) -> (K,)``."""
    d2: FloatArray = np.einsum("km,km->k", nu, np.linalg.solve(S, nu[..., None])[..., 0])
    return d2


def ekf_update(
    x: FloatArray,
    P: FloatArray,
    z: FloatArray,
    z_hat: FloatArray,
    H: FloatArray,
    R: FloatArray,
    angle_mask: npt.ArrayLike,
) -> UpdateResult:
    """Batched EKF update in Joseph form (module docstring for the equations).

    ``angle_mask`` is an ``(m,)`` bool array (``measmodels.ANGLE_COMPONENTS[...]``).
    """
    return _linear_update(x, P, H, R, innovation(z, z_hat, angle_mask))


def _gain(P: FloatArray, H: FloatArray, R: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Innovation covariance ``S = H P H^T + R`` and Kalman gain ``P H^T S^-1``."""
    S = _symmetrise(H @ P @ np.swapaxes(H, 1, 2) + R)
    return S, np.swapaxes(np.linalg.solve(S, H @ P), 1, 2)  # S and P symmetric


def _linear_update(
    x: FloatArray, P: FloatArray, H: FloatArray, R: FloatArray, nu: FloatArray
) -> UpdateResult:
    """Update with innovation ``nu`` and Jacobian ``H``: Joseph form and log-likelihood."""
    S, gain = _gain(P, H, R)
    x_new = x + np.einsum("kim,km->ki", gain, nu)
    ikh = np.eye(x.shape[1]) - gain @ H
    P_new = ikh @ P @ np.swapaxes(ikh, 1, 2) + gain @ R @ np.swapaxes(gain, 1, 2)
    d2 = innovation_d2(nu, S)
    _sign, logdet = np.linalg.slogdet(2.0 * np.pi * S)
    return UpdateResult(x_new, _symmetrise(P_new), nu, S, -0.5 * (d2 + logdet))


def iekf_update(
    x: FloatArray,
    P: FloatArray,
    z: FloatArray,
    R: FloatArray,
    measure: MeasureFn,
    angle_mask: npt.ArrayLike,
    iterations: int,
) -> UpdateResult:
    """Batched iterated EKF update (Gauss-Newton on the posterior), Joseph form at the end.

    For a bearing the EKF's single linearisation at the prior fails when the prior is
    wide against the range to the sensor: a coasting track a few km wide, 2.5 km from a
    microphone, is moved along the tangent of its predicted bearing and lands on the far
    side of the node. Re-linearising at each iterate ``x_i`` (Bell and Cathey 1993)::

        H_i = dh/dx at x_i,   S_i = H_i P H_i^T + R,   K_i = P H_i^T S_i^-1
        x_{i+1} = x + K_i (z - h(x_i) - H_i (x - x_i))

    converges to the maximum a posteriori estimate: the point of the measured bearing
    line closest to the prior in its own metric. ``P'`` is the Joseph form with the last
    ``K_i, H_i``; ``nu``, ``S`` and the log-likelihood are those of the last
    linearisation, mapped back to the prior (``z - h(x_i) - H_i (x - x_i)``). One
    iteration is :func:`ekf_update`.
    """
    if iterations < 1:
        raise ValueError(f"iterations must be at least 1, got {iterations}")
    xi = _iterate(x, P, z, R, measure, angle_mask, iterations - 1)
    z_hat, H = measure(xi)
    return _linear_update(x, P, H, R, _mapped_innovation(z, z_hat, H, x, xi, angle_mask))


def _iterate(
    x: FloatArray,
    P: FloatArray,
    z: FloatArray,
    R: FloatArray,
    measure: MeasureFn,
    angle_mask: npt.ArrayLike,
    steps: int,
) -> FloatArray:
    """Return the posterior mean after ``steps`` Gauss-Newton iterates from ``x, P`` (IEKF)."""
    xi = x
    for _ in range(steps):
        z_hat, H = measure(xi)
        _S, gain = _gain(P, H, R)
        xi = x + np.einsum("kim,km->ki", gain, _mapped_innovation(z, z_hat, H, x, xi, angle_mask))
    return xi


def _mapped_innovation(
    z: FloatArray,
    z_hat: FloatArray,
    H: FloatArray,
    x: FloatArray,
    xi: FloatArray,
    angle_mask: npt.ArrayLike,
) -> FloatArray:
    """``z - h(x_i) - H_i (x - x_i)``: the innovation linearised at ``x_i``, seen from ``x``."""
    lin: FloatArray = np.einsum("kmi,ki->km", H, x - xi)
    return innovation(z, z_hat, angle_mask) - lin


def pda_update(
    x: FloatArray,
    P: FloatArray,
    z_hat: FloatArray,
    H: FloatArray,
    rows: npt.ArrayLike,
    z: FloatArray,
    R: FloatArray,
    beta: npt.ArrayLike,
    beta_miss: npt.ArrayLike,
    pd: float,
    clutter_density: float,
    angle_mask: npt.ArrayLike,
) -> UpdateResult:
    """Batched probabilistic data association (PDA) update over all of a track's detections.

    ``x (N, 7)``, ``P``, ``z_hat (N, m)`` and ``H (N, m, 7)`` are the N tracks at their
    prediction; the K gated pairs are ``rows (K,)`` (track of each pair), ``z (K, m)``,
    ``R (K, m, m)`` and their association probabilities ``beta (K,)`` with
    ``beta_miss (N,)`` (from :func:`skywarden.tracking.association.jpda_weights`; each
    track's betas and beta_miss sum to 1). With ``nu_k = z_k - z_hat``::

        nu_bar = Σ_k beta_k nu_k
        S      = H P H^T + R_bar,   R_bar = Σ_k beta_k R_k / Σ_k beta_k
        K      = P H^T S^-1
        x'     = x + K nu_bar
        P'     = beta_miss P + (1 - beta_miss) P_c
                 + K (Σ_k beta_k nu_k nu_k^T - nu_bar nu_bar^T) K^T

    with ``P_c`` the Joseph-form posterior of one detection (Bar-Shalom's PDA filter; the
    plots of one radar have nearly equal noise, so one ``R_bar`` stands for them). The
    log-likelihood is that of "the object or clutter" against clutter alone,
    ``log(1 - pd + pd Σ_k N(nu_k; 0, H P H^T + R_k) / clutter_density)``, comparable
    across the models of one track (IMM). A track with no pair keeps its prior.
    """
    r = np.asarray(rows, dtype=np.intp).reshape(-1)
    b = np.asarray(beta, dtype=np.float64).reshape(-1)
    b0 = np.asarray(beta_miss, dtype=np.float64).reshape(-1)
    n, m = z_hat.shape
    if not r.size == b.size == z.shape[0] == R.shape[0]:
        raise ValueError("rows, z, R and beta must be aligned over the K pairs")
    if b0.shape != (n,):
        raise ValueError(f"beta_miss must have shape ({n},), got {b0.shape}")
    if clutter_density <= 0.0:
        raise ValueError("clutter_density must be positive")
    nu = innovation(z, z_hat[r], angle_mask)
    HPHt = H @ P @ np.swapaxes(H, 1, 2)
    S_k = _symmetrise(HPHt[r] + R)
    d2 = innovation_d2(nu, S_k)
    _sign, logdet = np.linalg.slogdet(2.0 * np.pi * S_k)
    g = np.exp(-0.5 * (d2 + logdet))
    ratio_sum = np.zeros(n)
    np.add.at(ratio_sum, r, g / clutter_density)
    log_l = np.log(1.0 - pd + pd * ratio_sum)

    b_sum = np.zeros(n)
    np.add.at(b_sum, r, b)
    nu_bar = np.zeros((n, m))
    np.add.at(nu_bar, r, b[:, None] * nu)
    spread = np.zeros((n, m, m))
    np.add.at(spread, r, b[:, None, None] * np.einsum("ki,kj->kij", nu, nu))
    R_bar = np.zeros((n, m, m))
    np.add.at(R_bar, r, b[:, None, None] * R)
    has = b_sum > 0.0
    R_bar[has] /= b_sum[has, None, None]
    R_bar[~has] = np.eye(m)  # unused: those rows keep their prior
    S = _symmetrise(HPHt + R_bar)
    gain = np.swapaxes(np.linalg.solve(S, H @ P), 1, 2)
    ikh = np.eye(x.shape[1]) - gain @ H
    gt = np.swapaxes(gain, 1, 2)
    P_c = ikh @ P @ np.swapaxes(ikh, 1, 2) + gain @ R_bar @ gt
    outer = spread - np.einsum("ni,nj->nij", nu_bar, nu_bar)
    P_new = b0[:, None, None] * P + (1.0 - b0)[:, None, None] * P_c + gain @ outer @ gt
    x_new = x + np.einsum("nim,nm->ni", gain, nu_bar)
    x_new[~has], P_new[~has] = x[~has], P[~has]
    return UpdateResult(x_new, _symmetrise(P_new), nu_bar, S, log_l)


def ncv_retrodict(
    x_now: FloatArray, P_now: FloatArray, dt_back_s: npt.ArrayLike, noise: MotionNoise
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Retrodict with NCV (omega held): return ``x_d (K, 7)``, ``P_d``, ``P_kd (K, 7, 7)``.

    ``x_d = F x_now``, ``P_d = F P_now F^T + Q``, ``P_kd = P_now F^T`` with
    ``F = F_ncv(dt_back_s)`` and ``Q`` the backward noise (see :func:`oosm_update`).
    """
    k = x_now.shape[0]
    F = ncv_transition(dt_back_s, k, hold_omega=True)
    Q = process_noise(dt_back_s, k, noise.q_h_m2ps3, noise.q_v_m2ps3, 0.0)
    Ft = np.swapaxes(F, 1, 2)
    x_d = np.einsum("kij,kj->ki", F, x_now)
    return x_d, _symmetrise(F @ P_now @ Ft + Q), P_now @ Ft


def oosm_update(
    x_now: FloatArray,
    P_now: FloatArray,
    dt_back_s: npt.ArrayLike,
    z: FloatArray,
    R: FloatArray,
    measure: MeasureFn | tuple[FloatArray, FloatArray],
    noise: MotionNoise,
    angle_mask: npt.ArrayLike,
    iterations: int = 1,
) -> UpdateResult:
    """Update the current estimate with a measurement taken ``-dt_back_s`` seconds ago.

    Bar-Shalom's one-step-lag approximation "B1" for the NCV model: the track is not moved
    back in time. With ``F = F_ncv(dt_back_s)`` (omega held, it does not enter the NCV
    kinematics) and ``Q`` the backward NCV noise over ``|dt_back_s|``::

        x_d  = F x_now                    P_d  = F P_now F^T + Q
        P_kd = P_now F^T                  (cross-covariance of now and then)
        nu   = z - h(x_d)                 S    = H P_d H^T + R,    H = dh/dx at x_d
        K    = P_kd H^T S^-1
        x'   = x_now + K nu               P'   = P_now - K S K^T

    The approximation is in ``P_kd``: it ignores the correlation between the process
    noise over the lag and the current estimate, so it is exact when ``Q = 0`` (the
    result then equals processing the measurement in order) and slightly optimistic for
    long lags. ``measure`` is either a callable ``h`` evaluated at the retrodicted state,
    or ``(z_hat, H)`` already evaluated there (at ``x_d`` from :func:`ncv_retrodict`).
    ``dt_back_s`` is negative (scalar or ``(K,)``). Returns an
    :class:`UpdateResult` whose ``nu``, ``S`` and ``log_likelihood`` are those of the
    late measurement against the retrodicted track.

    ``iterations`` > 1 (a callable ``measure`` only) re-linearises ``h`` at the iterated
    estimate of the past state, as :func:`iekf_update` does; the last linearisation's
    ``nu`` (mapped back to ``x_d``), ``S`` and ``H`` then update the current estimate.
    """
    if iterations < 1 or (iterations > 1 and not callable(measure)):
        raise ValueError("iterations must be at least 1, and more needs a callable measure")
    x_d, P_d, P_kd = ncv_retrodict(x_now, P_now, dt_back_s, noise)
    if callable(measure):  # iterates of the measured (past) state, then its linearisation
        xi = _iterate(x_d, P_d, z, R, measure, angle_mask, iterations - 1)
        z_hat, H = measure(xi)
    else:
        xi, (z_hat, H) = x_d, measure
    nu = _mapped_innovation(z, z_hat, H, x_d, xi, angle_mask)
    S = _symmetrise(H @ P_d @ np.swapaxes(H, 1, 2) + R)
    gain = np.swapaxes(np.linalg.solve(S, H @ np.swapaxes(P_kd, 1, 2)), 1, 2)
    x_new = x_now + np.einsum("kim,km->ki", gain, nu)
    P_new = P_now - gain @ S @ np.swapaxes(gain, 1, 2)
    d2 = innovation_d2(nu, S)
    _sign, logdet = np.linalg.slogdet(2.0 * np.pi * S)
    return UpdateResult(x_new, _symmetrise(P_new), nu, S, -0.5 * (d2 + logdet))
