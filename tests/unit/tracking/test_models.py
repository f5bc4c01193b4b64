"""Tests for ``skywarden.tracking.models``: NCV and CT prediction against plain references."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest

from skywarden.tracking.models import (
    OMEGA_VAR_FLOOR_RAD2PS2,
    SERIES_BELOW_RAD,
    MotionNoise,
    ct_predict,
    ct_transition,
    ncv_predict,
    process_noise,
)

FloatArray = npt.NDArray[np.float64]


def random_tracks(rng: np.random.Generator, n: int) -> tuple[FloatArray, FloatArray]:
    x = np.column_stack(
        [
            rng.normal(0.0, 5e4, (n, 3)),
            rng.normal(0.0, 40.0, (n, 3)),
            rng.normal(0.0, 0.1, n),
        ]
    )
    a = rng.normal(size=(n, 7, 7))
    P = a @ a.transpose(0, 2, 1) + 0.1 * np.eye(7)
    return x, P


def reference_q(dt: float, q_h: float, q_v: float, q_w: float) -> FloatArray:
    Q = np.zeros((7, 7))
    for axis, q in ((0, q_h), (1, q_h), (2, q_v)):
        Q[axis, axis] = q * abs(dt) ** 3 / 3
        Q[axis, axis + 3] = Q[axis + 3, axis] = q * dt * abs(dt) / 2
        Q[axis + 3, axis + 3] = q * abs(dt)
    Q[6, 6] = q_w * abs(dt)
    return Q


def reference_ncv(
    x: FloatArray, P: FloatArray, dt: float, q_h: float, q_v: float, q_w: float
) -> tuple[FloatArray, FloatArray]:
    F = np.eye(7)
    for i in range(3):
        F[i, i + 3] = dt
    F[6, 6] = 0.0
    Q = reference_q(dt, q_h, q_v, q_w)
    Q[6, 6] += OMEGA_VAR_FLOOR_RAD2PS2
    return F @ x, F @ P @ F.T + Q


def reference_ct_mean(x: FloatArray, dt: float) -> FloatArray:
    e, n, u, ve, vn, vu, w = (float(v) for v in x)
    s, c = math.sin(w * dt), math.cos(w * dt)
    return np.array(
        [
            e + s / w * ve - (1 - c) / w * vn,
            n + (1 - c) / w * ve + s / w * vn,
            u + dt * vu,
            c * ve - s * vn,
            s * ve + c * vn,
            vu,
            w,
        ]
    )


def test_models_ncv_predict_matches_reference() -> None:
    rng = np.random.default_rng(1)
    x, P = random_tracks(rng, 6)
    dt = rng.uniform(-5.0, 20.0, 6)
    xp, Pp = ncv_predict(x, P, dt, 1.5, 0.2, 1e-6)
    for i in range(6):
        xr, Pr = reference_ncv(x[i], P[i], float(dt[i]), 1.5, 0.2, 1e-6)
        np.testing.assert_allclose(xp[i], xr, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(Pp[i], Pr, rtol=1e-12, atol=1e-9)


def test_models_ncv_holds_omega_at_zero() -> None:
    rng = np.random.default_rng(2)
    x, P = random_tracks(rng, 3)
    xp, Pp = ncv_predict(x, P, 0.0, 1.0, 0.1)
    assert np.all(xp[:, 6] == 0.0)
    assert np.all(Pp[:, 6, :6] == 0.0)
    assert np.all(Pp[:, 6, 6] > 0.0)
    assert np.all(np.linalg.eigvalsh(Pp) > 0.0)


def test_models_ct_predict_matches_reference() -> None:
    rng = np.random.default_rng(3)
    x, P = random_tracks(rng, 8)
    x[:, 6] = rng.uniform(0.02, 0.5, 8) * rng.choice([-1.0, 1.0], 8)
    dt = rng.uniform(0.5, 10.0, 8)
    xp, Pp = ct_predict(x, P, dt, 0.7, 0.1, 1e-3)
    _x, F = ct_transition(x, dt)
    for i in range(8):
        np.testing.assert_allclose(xp[i], reference_ct_mean(x[i], float(dt[i])), rtol=1e-11)
        Pr = F[i] @ P[i] @ F[i].T + reference_q(float(dt[i]), 0.7, 0.1, 1e-3)
        np.testing.assert_allclose(Pp[i], Pr, rtol=1e-11, atol=1e-9)


@pytest.mark.parametrize("omega_rps", [0.3, -0.05, 1e-3, 1e-7, 0.0], ids=str)
def test_models_ct_jacobian_matches_finite_differences(omega_rps: float) -> None:
    x = np.array([[1200.0, -300.0, 500.0, 35.0, -20.0, 1.5, omega_rps]])
    dt = 4.0
    _xp, F = ct_transition(x, dt)
    steps = np.array([1.0, 1.0, 1.0, 1e-3, 1e-3, 1e-3, 1e-6])
    F_fd = np.zeros((7, 7))
    for j in range(7):
        dx = np.zeros((1, 7))
        dx[0, j] = steps[j]
        plus, _ = ct_transition(x + dx, dt)
        minus, _ = ct_transition(x - dx, dt)
        F_fd[:, j] = (plus[0] - minus[0]) / (2 * steps[j])
    np.testing.assert_allclose(F[0], F_fd, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("omega_rps", [0.0, 1e-12, 1e-8, -1e-6], ids=str)
def test_models_ct_tends_to_ncv_as_omega_to_zero(omega_rps: float) -> None:
    rng = np.random.default_rng(4)
    x, P = random_tracks(rng, 4)
    x[:, 6] = omega_rps
    P[:, 6, :] = P[:, :, 6] = 0.0
    dt = 7.0
    xc, Pc = ct_predict(x, P, dt, 1.0, 0.1, 0.0)
    xn, Pn = ncv_predict(x, P, dt, 1.0, 0.1)
    # the velocity turns by omega dt: the difference vanishes linearly with omega
    turned = abs(omega_rps) * dt
    speed = float(np.max(np.abs(x[:, 3:6])))
    np.testing.assert_allclose(xc[:, :3], xn[:, :3], rtol=0, atol=turned * dt * speed + 1e-9)
    np.testing.assert_allclose(xc[:, 3:6], xn[:, 3:6], rtol=0, atol=2 * turned * speed + 1e-12)
    np.testing.assert_allclose(
        Pc[:, :6, :6], Pn[:, :6, :6], rtol=4 * turned + 1e-12, atol=4 * turned * 1e4 + 1e-9
    )


def test_models_ct_series_is_continuous_at_switch() -> None:
    dt = 2.0
    omega = SERIES_BELOW_RAD / dt
    x = np.array([[0.0, 0.0, 0.0, 30.0, 10.0, 0.0, omega * (1 - 1e-9)]])
    x2 = x.copy()
    x2[0, 6] = omega * (1 + 1e-9)
    a, Fa = ct_transition(x, dt)
    b, Fb = ct_transition(x2, dt)
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(Fa, Fb, rtol=1e-9, atol=1e-9)


def test_models_ct_positive_omega_turns_left() -> None:
    omega = math.pi / 20.0  # quarter turn in 10 s
    x = np.array([[0.0, 0.0, 100.0, 50.0, 0.0, 0.0, omega]])
    xp, _ = ct_transition(x, 10.0)
    np.testing.assert_allclose(xp[0, 3:5], [0.0, 50.0], atol=1e-9)  # east -> north
    radius = 50.0 / omega
    np.testing.assert_allclose(xp[0, :2], [radius, radius], rtol=1e-12)


def test_models_predict_does_not_mutate_inputs() -> None:
    rng = np.random.default_rng(5)
    x, P = random_tracks(rng, 3)
    dt = np.array([1.0, 2.0, 3.0])
    copies = (x.copy(), P.copy(), dt.copy())
    ncv_predict(x, P, dt, 1.0, 0.1)
    ct_predict(x, P, dt, 1.0, 0.1, 1e-3)
    for before, after in zip(copies, (x, P, dt), strict=True):
        np.testing.assert_array_equal(before, after)


def test_models_batched_dt_equals_per_track() -> None:
    rng = np.random.default_rng(6)
    x, P = random_tracks(rng, 5)
    dt = rng.uniform(0.1, 9.0, 5)
    xb, Pb = ct_predict(x, P, dt, 1.0, 0.1, 1e-3)
    for i in range(5):
        xi, Pi = ct_predict(x[i : i + 1], P[i : i + 1], float(dt[i]), 1.0, 0.1, 1e-3)
        np.testing.assert_allclose(xb[i], xi[0], rtol=1e-14)
        np.testing.assert_allclose(Pb[i], Pi[0], rtol=1e-14)


def test_models_backward_noise_is_forward_noise_mapped_back() -> None:
    # Q(-T) = F(-T) Q(T) F(-T)^T for the white-acceleration model (retrodiction).
    T = 3.0
    F = np.eye(7)
    for i in range(3):
        F[i, i + 3] = -T
    Qf = process_noise(T, 1, 2.0, 0.5, 0.0)[0]
    np.testing.assert_allclose(process_noise(-T, 1, 2.0, 0.5, 0.0)[0], F @ Qf @ F.T, atol=1e-12)


def test_models_motion_noise_rejects_negative_density() -> None:
    with pytest.raises(ValueError, match="densities"):
        MotionNoise(q_h_m2ps3=-1.0)
