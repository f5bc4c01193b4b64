"""Motion models of the full tracker as pure batched functions: NCV and coordinated turn.

State layout (sector-frame ENU, SI), shared by every model so that the IMM can mix them::

    x = [e_m, n_m, u_m, ve_mps, vn_mps, vu_mps, omega_rps]

``omega_rps`` is the horizontal turn rate: positive is counter-clockwise seen from above
(a left turn), the mathematical sense of rotation in the (east, north) plane. A target
flying east with ``omega > 0`` turns towards north.

Arrays are batched over N tracks: ``x`` is ``(N, 7)``, ``P`` is ``(N, 7, 7)``, ``dt_s`` a
scalar or ``(N,)``. Every function returns new arrays and never mutates its inputs.

Near-constant velocity (NCV), per axis, white acceleration noise of density ``q``::

    F = [[1, dt], [0, 1]]      Q = q * [[|dt|^3/3, dt|dt|/2], [dt|dt|/2, |dt|]]

(``dt |dt|`` rather than ``dt^2``: for ``dt < 0`` this is ``F(dt) Q(|dt|) F(dt)^T``, the
noise of a backward prediction, used for out-of-sequence retrodiction.) In NCV the turn
rate is *held at zero*: ``omega := 0`` with variance ``q_omega |dt| + OMEGA_VAR_FLOOR``
and no correlation, so the 7-D NCV state can be mixed with the CT state in the IMM.

Coordinated turn (CT), horizontal, with NCV vertical and a random-walk turn rate. With
``T = dt``, ``c = cos(omega T)``, ``s = sin(omega T)``, ``A = s / omega``,
``B = (1 - c) / omega``::

    e'  = e + A ve - B vn          ve' = c ve - s vn        u'  = u + T vu
    n'  = n + B ve + A vn          vn' = s ve + c vn        vu' = vu,  omega' = omega

The covariance is propagated with the analytic Jacobian (EKF). ``A``, ``B`` and their
derivatives in ``omega`` switch to Taylor series for ``|omega T| < SERIES_BELOW_RAD`` so
the model tends smoothly to NCV as ``omega -> 0``. The CT process noise is the NCV
white-acceleration ``Q`` on (e, n, u) (the usual approximation, Bar-Shalom, Li,
Kirubarajan 2001, section 11.7) plus ``q_omega |dt|`` on the turn rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "OMEGA_VAR_FLOOR_RAD2PS2",
    "STATE_DIM",
    "MotionNoise",
    "ct_predict",
    "ct_transition",
    "ncv_predict",
    "ncv_transition",
    "process_noise",
]

FloatArray = npt.NDArray[np.float64]
STATE_DIM = 7
# Below this |omega dt| the CT coefficients use their series: the truncation error of the
# series kept is below 1e-16 there, and the closed forms lose digits to cancellation.
SERIES_BELOW_RAD = 1e-2
# Variance kept on omega in NCV even for dt = 0, so P stays positive definite:
# (1e-6 rad/s)^2, far below any turn rate the tracker can tell apart.
OMEGA_VAR_FLOOR_RAD2PS2 = 1e-12
# NCV's own turn-rate noise density: tiny, omega is held at zero in that model.
NCV_Q_OMEGA_RAD2PS3 = 1e-10


@dataclass(frozen=True, slots=True)
class MotionNoise:
    """Process-noise densities of one motion model.

    The defaults suit drones (a Shahed-type one-way attack drone cruising at 50 m/s, a
    quadcopter at 15 m/s): ``q_h = 1 m^2/s^3`` lets the velocity wander by about 1 m/s
    per second horizontally (gentle speed and heading changes between radar revisits),
    ``q_v = 0.1`` a third of that vertically (drones and balloons change height slowly),
    and ``q_omega = 1e-3 rad^2/s^3`` lets the turn rate change by about 1.8 deg/s per
    second, enough to enter a standard-rate (3 deg/s) turn within two seconds.
    """

    q_h_m2ps3: float = 1.0
    q_v_m2ps3: float = 0.1
    q_omega_rad2ps3: float = 1e-3

    def __post_init__(self) -> None:
        if min(self.q_h_m2ps3, self.q_v_m2ps3, self.q_omega_rad2ps3) < 0.0:
            raise ValueError(f"process-noise densities must be >= 0: {self}")


def _dt_column(dt_s: npt.ArrayLike, n: int) -> FloatArray:
    """Broadcast a scalar or ``(N,)`` time step to a float ``(N,)`` array."""
    return np.broadcast_to(np.asarray(dt_s, dtype=np.float64), (n,)).astype(np.float64)


def _symmetrise(P: FloatArray) -> FloatArray:
    return 0.5 * (P + np.swapaxes(P, -1, -2))


def process_noise(
    dt_s: npt.ArrayLike, n: int, q_h_m2ps3: float, q_v_m2ps3: float, q_omega_rad2ps3: float
) -> FloatArray:
    """Return the ``(N, 7, 7)`` white-acceleration process noise ``Q(dt)``.

    Per axis ``q * [[|dt|^3/3, dt|dt|/2], [dt|dt|/2, |dt|]]`` with ``q = q_h`` on east and
    north, ``q_v`` on up; ``Q[6, 6] = q_omega |dt|``; all other entries zero.
    """
    dt = _dt_column(dt_s, n)
    adt = np.abs(dt)
    Q = np.zeros((n, STATE_DIM, STATE_DIM))
    for axis, q in ((0, q_h_m2ps3), (1, q_h_m2ps3), (2, q_v_m2ps3)):
        Q[:, axis, axis] = q * adt**3 / 3.0
        Q[:, axis, axis + 3] = Q[:, axis + 3, axis] = q * dt * adt / 2.0
        Q[:, axis + 3, axis + 3] = q * adt
    Q[:, 6, 6] = q_omega_rad2ps3 * adt
    return Q


def ncv_transition(dt_s: npt.ArrayLike, n: int, *, hold_omega: bool = False) -> FloatArray:
    """Return the ``(N, 7, 7)`` NCV transition matrices.

    Position rows gain ``dt`` times velocity. ``F[6, 6]`` is 0 (omega reset to zero, the
    NCV model) unless ``hold_omega``, which keeps omega unchanged (used by retrodiction,
    where omega is a bystander of the kinematics).
    """
    dt = _dt_column(dt_s, n)
    F = np.broadcast_to(np.eye(STATE_DIM), (n, STATE_DIM, STATE_DIM)).copy()
    for axis in range(3):
        F[:, axis, axis + 3] = dt
    F[:, 6, 6] = 1.0 if hold_omega else 0.0
    return F


def ncv_predict(
    x: FloatArray,
    P: FloatArray,
    dt_s: npt.ArrayLike,
    q_h_m2ps3: float,
    q_v_m2ps3: float,
    q_omega_rad2ps3: float = NCV_Q_OMEGA_RAD2PS3,
) -> tuple[FloatArray, FloatArray]:
    """Predict N tracks over ``dt_s`` with near-constant velocity; omega is held at zero.

    ``x' = F x``, ``P' = F P F^T + Q`` (module docstring), then
    ``P'[6, 6] += OMEGA_VAR_FLOOR_RAD2PS2``. Returns new ``(N, 7)``, ``(N, 7, 7)`` arrays.
    """
    n = x.shape[0]
    F = ncv_transition(dt_s, n)
    Q = process_noise(dt_s, n, q_h_m2ps3, q_v_m2ps3, q_omega_rad2ps3)
    Q[:, 6, 6] += OMEGA_VAR_FLOOR_RAD2PS2
    x_new = np.einsum("nij,nj->ni", F, x)
    P_new = F @ P @ np.swapaxes(F, 1, 2) + Q
    return x_new, _symmetrise(P_new)


def _ct_coefficients(
    theta: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Return ``sin(t)/t``, ``(1-cos t)/t`` and the derivatives' kernels, series near 0.

    ``f3 = (t cos t - sin t)/t^2`` and ``f4 = (t sin t - (1 - cos t))/t^2``, so that with
    ``A = T f1``, ``B = T f2``: ``dA/domega = T^2 f3``, ``dB/domega = T^2 f4``.
    """
    small = np.abs(theta) < SERIES_BELOW_RAD
    t = np.where(small, 1.0, theta)  # the closed forms only see safe arguments
    s, c = np.sin(t), np.cos(t)
    t2 = theta * theta
    f1 = np.where(small, 1.0 - t2 / 6.0 + t2 * t2 / 120.0, s / t)
    f2 = np.where(small, theta * (0.5 - t2 / 24.0 + t2 * t2 / 720.0), (1.0 - c) / t)
    f3 = np.where(small, theta * (-1.0 / 3.0 + t2 / 30.0 - t2 * t2 / 840.0), (t * c - s) / t**2)
    f4 = np.where(small, 0.5 - t2 / 8.0 + t2 * t2 / 144.0, (t * s - (1.0 - c)) / t**2)
    return f1, f2, f3, f4


def ct_transition(x: FloatArray, dt_s: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Return the CT-predicted means ``(N, 7)`` and the Jacobians ``F = df/dx`` ``(N, 7, 7)``.

    The mean is the exact nonlinear CT map of the module docstring; ``F`` is analytic,
    with the omega column from the series near ``omega dt = 0``.
    """
    n = x.shape[0]
    dt = _dt_column(dt_s, n)
    ve, vn, vu, w = x[:, 3], x[:, 4], x[:, 5], x[:, 6]
    theta = w * dt
    f1, f2, f3, f4 = _ct_coefficients(theta)
    c, s = np.cos(theta), np.sin(theta)
    a, b = dt * f1, dt * f2
    da, db = dt * dt * f3, dt * dt * f4

    x_new = np.empty((n, STATE_DIM))
    x_new[:, 0] = x[:, 0] + a * ve - b * vn
    x_new[:, 1] = x[:, 1] + b * ve + a * vn
    x_new[:, 2] = x[:, 2] + dt * vu
    x_new[:, 3] = c * ve - s * vn
    x_new[:, 4] = s * ve + c * vn
    x_new[:, 5] = vu
    x_new[:, 6] = w

    F = np.broadcast_to(np.eye(STATE_DIM), (n, STATE_DIM, STATE_DIM)).copy()
    F[:, 0, 3], F[:, 0, 4], F[:, 0, 6] = a, -b, da * ve - db * vn
    F[:, 1, 3], F[:, 1, 4], F[:, 1, 6] = b, a, db * ve + da * vn
    F[:, 2, 5] = dt
    F[:, 3, 3], F[:, 3, 4], F[:, 3, 6] = c, -s, -dt * (s * ve + c * vn)
    F[:, 4, 3], F[:, 4, 4], F[:, 4, 6] = s, c, dt * (c * ve - s * vn)
    return x_new, F


def ct_predict(
    x: FloatArray,
    P: FloatArray,
    dt_s: npt.ArrayLike,
    q_h_m2ps3: float,
    q_v_m2ps3: float,
    q_omega_rad2ps3: float,
) -> tuple[FloatArray, FloatArray]:
    """Predict N tracks over ``dt_s`` with the coordinated-turn model (EKF).

    The mean goes through the exact nonlinear CT map, the covariance through its
    Jacobian: ``P' = F P F^T + Q`` (:func:`ct_transition`, :func:`process_noise`). Safe
    at ``omega = 0``, where it equals :func:`ncv_predict` on the kinematic states.
    """
    x_new, F = ct_transition(x, dt_s)
    Q = process_noise(dt_s, x.shape[0], q_h_m2ps3, q_v_m2ps3, q_omega_rad2ps3)
    P_new = F @ P @ np.swapaxes(F, 1, 2) + Q
    return x_new, _symmetrise(P_new)
