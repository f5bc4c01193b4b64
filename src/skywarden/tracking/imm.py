"""Interacting multiple model (IMM) filter of NCV and coordinated turn, batched over tracks.

State layout per model (sector-frame ENU, SI; :mod:`skywarden.tracking.models`)::

    x = [e_m, n_m, u_m, ve_mps, vn_mps, vu_mps, omega_rps]

Batched arrays: ``xm (N, M, 7)``, ``Pm (N, M, 7, 7)``, mode probabilities ``mu (N, M)``
with M = 2 models, index ``NCV = 0`` and ``CT = 1``. Every function is pure.

One IMM cycle (Blom and Bar-Shalom 1988):

1. Mixing, with ``pi[i, j] = P(mode j at k | mode i at k-1)``::

       c_bar_j  = sum_i pi_ij mu_i                        (predicted mode probability)
       mu_i|j   = pi_ij mu_i / c_bar_j
       x0_j     = sum_i mu_i|j x_i
       P0_j     = sum_i mu_i|j (P_i + (x_i - x0_j)(x_i - x0_j)^T)

2. Per-model prediction from ``(x0_j, P0_j)`` (NCV: :func:`ncv_predict`, CT:
   :func:`ct_predict`).
3. Per-model EKF update (:func:`~skywarden.tracking.kalman.ekf_update`) with likelihood
   ``L_j``; ``mu_j = c_bar_j L_j / sum_l c_bar_l L_l`` (computed in logs).
4. Output by moment matching: ``x = sum_j mu_j x_j``,
   ``P = sum_j mu_j (P_j + (x_j - x)(x_j - x)^T)``.

Transition over irregular time steps: :class:`ImmConfig` holds the Markov matrix for a
step of **one second**, ``Pi(1)``. It is read as a continuous-time two-state chain with
switching rates ``lam_01``, ``lam_10`` whose 1-s transition matrix is ``Pi(1)``; then
``Pi(dt) = expm(Lambda dt)`` in closed form, with ``s = lam_01 + lam_10``::

    Pi(dt)[0, 1] = lam_01 / s (1 - exp(-s dt)),  Pi(dt)[1, 0] = lam_10 / s (1 - exp(-s dt))

so ``Pi(0) = I`` (a second sensor's detection at the same instant switches nothing) and
long gaps tend to the stationary distribution. ``s = -ln(1 - p_01 - p_10)`` requires
``p_01 + p_10 < 1``, which any sensible "mostly stay" matrix satisfies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.special import logsumexp

from skywarden.tracking.kalman import (
    MeasureFn,
    UpdateResult,
    ekf_update,
    iekf_update,
    pda_update,
)
from skywarden.tracking.models import MotionNoise, ct_predict, ncv_predict

__all__ = [
    "CT",
    "NCV",
    "ImmConfig",
    "ImmUpdateResult",
    "imm_combine",
    "imm_mix",
    "imm_pda_update",
    "imm_predict",
    "imm_update",
    "transition_matrix",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
NCV, CT = 0, 1
N_MODELS = 2
# Mode probabilities never fall below this, so a model can always come back (a drone
# that has flown straight for an hour may still turn).
MIN_MODE_PROB = 1e-6


@dataclass(frozen=True, slots=True)
class ImmConfig:
    """IMM tuning: the 1-second mode transition matrix and each model's process noise.

    ``transition_per_s[i][j]`` is the probability of being in mode j one second after
    being in mode i (rows sum to 1; NCV = 0, CT = 1). The default, NCV->CT 0.05/s and
    CT->NCV 0.10/s, means straight legs of about 20 s and turns of about 10 s, typical of
    a drone's waypoint navigation. NCV keeps ``MotionNoise(q_h=1, q_v=0.1)`` with omega
    held at zero; CT's lower ``q_h`` (0.3) lets the turn rate, not acceleration noise,
    explain a turn, and ``q_omega = 1e-3 rad^2/s^3`` lets it enter a 3 deg/s turn in ~2 s.
    """

    transition_per_s: tuple[tuple[float, float], tuple[float, float]] = (
        (0.95, 0.05),
        (0.10, 0.90),
    )
    noise_ncv: MotionNoise = field(default_factory=lambda: MotionNoise(1.0, 0.1, 1e-10))
    noise_ct: MotionNoise = field(default_factory=lambda: MotionNoise(0.3, 0.1, 1e-3))

    def __post_init__(self) -> None:
        pi = np.asarray(self.transition_per_s, dtype=np.float64)
        if pi.shape != (N_MODELS, N_MODELS) or np.any(pi < 0.0):
            raise ValueError(f"transition_per_s must be a 2x2 Markov matrix: {pi}")
        if not np.allclose(pi.sum(axis=1), 1.0) or pi[0, 1] + pi[1, 0] >= 1.0:
            raise ValueError(f"rows must sum to 1 with p01 + p10 < 1: {pi}")


@dataclass(frozen=True, slots=True)
class ImmUpdateResult:
    """Result of :func:`imm_update`, batched over N rows.

    Per-model posteriors ``xm (N, M, 7)``, ``Pm (N, M, 7, 7)``, mode probabilities
    ``mu (N, M)`` and the mixture's ``log_likelihood (N,)`` = ``log sum_j c_bar_j L_j``.
    """

    xm: FloatArray
    Pm: FloatArray
    mu: FloatArray
    log_likelihood: FloatArray


def transition_matrix(cfg: ImmConfig, dt_s: npt.ArrayLike, n: int) -> FloatArray:
    """Return the ``(N, 2, 2)`` mode transition matrices ``Pi(|dt_s|)`` (module docstring)."""
    pi1 = np.asarray(cfg.transition_per_s, dtype=np.float64)
    p01, p10 = pi1[0, 1], pi1[1, 0]
    total = p01 + p10
    dt = np.abs(np.broadcast_to(np.asarray(dt_s, dtype=np.float64), (n,)))
    if total == 0.0:
        return np.broadcast_to(np.eye(N_MODELS), (n, N_MODELS, N_MODELS)).copy()
    rate_s = -np.log1p(-total)  # s = lam_01 + lam_10, per second
    switched = -np.expm1(-rate_s * dt)  # 1 - exp(-s dt)
    a, b = p01 / total * switched, p10 / total * switched
    return np.stack([np.stack([1.0 - a, a], -1), np.stack([b, 1.0 - b], -1)], -2)


def imm_mix(
    xm: FloatArray, Pm: FloatArray, mu: FloatArray, pi: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """IMM mixing: return ``x0m (N, M, 7)``, ``P0m (N, M, 7, 7)``, ``c_bar (N, M)``.

    ``pi`` is ``(M, M)`` or ``(N, M, M)``, ``pi[.., i, j] = P(j | i)``. ``c_bar`` is the
    predicted mode probability (module docstring, step 1).
    """
    pi_n = np.broadcast_to(pi, (mu.shape[0], *pi.shape[-2:]))
    joint = pi_n * mu[:, :, None]  # (N, i, j): pi_ij mu_i
    c_bar = joint.sum(axis=1)
    w = joint / np.maximum(c_bar, np.finfo(np.float64).tiny)[:, None, :]  # mu_i|j
    x0m = np.einsum("nij,nik->njk", w, xm)
    dx = xm[:, :, None, :] - x0m[:, None, :, :]  # (N, i, j, 7): x_i - x0_j
    spread = np.einsum("nij,nijk,nijl->njkl", w, dx, dx)
    P0m = np.einsum("nij,nikl->njkl", w, Pm) + spread
    return x0m, 0.5 * (P0m + np.swapaxes(P0m, -1, -2)), c_bar


def imm_predict(
    xm: FloatArray, Pm: FloatArray, mu: FloatArray, dt_s: npt.ArrayLike, cfg: ImmConfig
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Mix and predict every model over ``dt_s`` (scalar or ``(N,)``).

    Returns predicted ``xm (N, M, 7)``, ``Pm (N, M, 7, 7)`` and the predicted mode
    probabilities ``mu_pred (N, M)`` (the mixing's ``c_bar``).
    """
    pi = transition_matrix(cfg, dt_s, mu.shape[0])
    x0m, P0m, c_bar = imm_mix(xm, Pm, mu, pi)
    nv, ct = cfg.noise_ncv, cfg.noise_ct
    x_ncv, P_ncv = ncv_predict(
        x0m[:, NCV], P0m[:, NCV], dt_s, nv.q_h_m2ps3, nv.q_v_m2ps3, nv.q_omega_rad2ps3
    )
    x_ct, P_ct = ct_predict(
        x0m[:, CT], P0m[:, CT], dt_s, ct.q_h_m2ps3, ct.q_v_m2ps3, ct.q_omega_rad2ps3
    )
    return np.stack([x_ncv, x_ct], axis=1), np.stack([P_ncv, P_ct], axis=1), c_bar


def imm_update(
    xm: FloatArray,
    Pm: FloatArray,
    mu_pred: FloatArray,
    z: FloatArray,
    R: FloatArray,
    measure: MeasureFn,
    angle_mask: npt.ArrayLike,
    iterations: int = 1,
) -> ImmUpdateResult:
    """Update every model with one measurement per row and update the mode probabilities.

    ``measure`` maps ``(N, 7)`` states to ``(z_hat (N, m), H (N, m, 7))`` and is evaluated
    at each model's prediction (so the EKF linearises per model). ``z (N, m)``,
    ``R (N, m, m)``; ``angle_mask (m,)`` as in :func:`ekf_update`. ``iterations`` > 1
    re-linearises each model's update that many times (:func:`kalman.iekf_update`; for
    bearings). Mode probabilities are floored at ``MIN_MODE_PROB`` and renormalised.
    """
    results = []
    for j in range(xm.shape[1]):
        if iterations > 1:
            results.append(iekf_update(xm[:, j], Pm[:, j], z, R, measure, angle_mask, iterations))
            continue
        z_hat, H = measure(xm[:, j])
        results.append(ekf_update(xm[:, j], Pm[:, j], z, z_hat, H, R, angle_mask))
    return _mode_update(results, mu_pred)


def imm_pda_update(
    xm: FloatArray,
    Pm: FloatArray,
    mu_pred: FloatArray,
    measure: MeasureFn,
    rows: IntArray,
    z: FloatArray,
    R: FloatArray,
    beta: FloatArray,
    beta_miss: FloatArray,
    pd: float,
    clutter_density: float,
    angle_mask: npt.ArrayLike,
) -> ImmUpdateResult:
    """Update every model with all of each track's gated detections (JPDA/PDA).

    As :func:`imm_update`, with :func:`kalman.pda_update` per model: ``rows (K,)`` names
    the track of each pair, ``z (K, m)``, ``R (K, m, m)``, ``beta (K,)`` and
    ``beta_miss (N,)`` are the association probabilities. A model's likelihood is that of
    "the object or clutter" against clutter alone, so modes are weighed by how well each
    explains the detections it was offered.
    """
    results = []
    for j in range(xm.shape[1]):
        z_hat, H = measure(xm[:, j])
        results.append(
            pda_update(
                xm[:, j],
                Pm[:, j],
                z_hat,
                H,
                rows,
                z,
                R,
                beta,
                beta_miss,
                pd,
                clutter_density,
                angle_mask,
            )
        )
    return _mode_update(results, mu_pred)


def _mode_update(results: list[UpdateResult], mu_pred: FloatArray) -> ImmUpdateResult:
    """Stack per-model posteriors and update the mode probabilities from their likelihoods."""
    xs = [r.x for r in results]
    Ps = [r.P for r in results]
    log_l = np.stack([r.log_likelihood for r in results], axis=1)
    log_joint = np.log(np.maximum(mu_pred, np.finfo(np.float64).tiny)) + log_l
    log_total = logsumexp(log_joint, axis=1)
    mu = np.maximum(np.exp(log_joint - log_total[:, None]), MIN_MODE_PROB)
    mu = mu / mu.sum(axis=1, keepdims=True)
    return ImmUpdateResult(
        np.stack(xs, axis=1), np.stack(Ps, axis=1), mu, np.asarray(log_total, dtype=np.float64)
    )


def imm_combine(xm: FloatArray, Pm: FloatArray, mu: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Moment-match the mixture: ``x (N, 7)``, ``P (N, 7, 7)`` (module docstring, step 4)."""
    x = np.einsum("nj,njk->nk", mu, xm)
    dx = xm - x[:, None, :]
    P = np.einsum("nj,njkl->nkl", mu, Pm) + np.einsum("nj,njk,njl->nkl", mu, dx, dx)
    return x, 0.5 * (P + np.swapaxes(P, -1, -2))
