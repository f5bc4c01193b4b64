"""Tests for ``skywarden.tracking.kalman``: Joseph EKF update and out-of-sequence update."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import multivariate_normal

from skywarden.tracking.kalman import (
    ekf_update,
    iekf_update,
    innovation,
    innovation_d2,
    ncv_retrodict,
    oosm_update,
    pda_update,
)
from skywarden.tracking.measmodels import ANGLE_COMPONENTS, bearing, position3
from skywarden.tracking.models import MotionNoise, ncv_predict

FloatArray = npt.NDArray[np.float64]


def random_spd(rng: np.random.Generator, k: int, d: int, scale: float = 1.0) -> FloatArray:
    a = rng.normal(0.0, scale, (k, d, d))
    return a @ a.transpose(0, 2, 1) + 0.05 * scale**2 * np.eye(d)


def test_kalman_ekf_update_matches_reference() -> None:
    rng = np.random.default_rng(20)
    k, m = 5, 3
    x = rng.normal(0, 100, (k, 7))
    P = random_spd(rng, k, 7, 10.0)
    H = rng.normal(size=(k, m, 7))
    R = random_spd(rng, k, m, 3.0)
    z_hat = rng.normal(0, 100, (k, m))
    z = z_hat + rng.normal(0, 5, (k, m))
    res = ekf_update(x, P, z, z_hat, H, R, [False] * m)
    for i in range(k):
        nu = z[i] - z_hat[i]
        S = H[i] @ P[i] @ H[i].T + R[i]
        K = P[i] @ H[i].T @ np.linalg.inv(S)
        np.testing.assert_allclose(res.x[i], x[i] + K @ nu, rtol=1e-9)
        np.testing.assert_allclose(res.P[i], (np.eye(7) - K @ H[i]) @ P[i], rtol=1e-7, atol=1e-7)
        np.testing.assert_allclose(res.S[i], S, rtol=1e-12)
        logpdf = multivariate_normal(mean=np.zeros(m), cov=S).logpdf(nu)
        assert np.isclose(res.log_likelihood[i], logpdf, rtol=1e-10)
        assert np.isclose(innovation_d2(res.nu, res.S)[i], nu @ np.linalg.solve(S, nu))


def test_kalman_innovation_wraps_angles() -> None:
    nu = innovation(np.array([[359.0, 10.0]]), np.array([[1.0, 12.0]]), [True, False])
    np.testing.assert_allclose(nu, [[-2.0, -2.0]])
    nu = innovation(np.array([[1.0]]), np.array([[359.0]]), [True])
    np.testing.assert_allclose(nu, [[2.0]])


def test_kalman_ekf_update_bearing_across_north_moves_track_west() -> None:
    # track due north of the sensor (az 0.5 deg); a bearing of 359.5 pulls it west.
    x = np.array([[87.0, 10_000.0, 500.0, 0.0, 30.0, 0.0, 0.0]])
    P = np.diag([500.0**2, 500.0**2, 100.0**2, 10.0, 10.0, 1.0, 1e-4])[None]
    sensor = np.zeros((1, 3))
    z_hat, H = bearing(x, sensor, np.eye(3), with_elevation=False)
    res = ekf_update(
        x, P, np.array([[359.5]]), z_hat, H, np.array([[[1.0]]]), ANGLE_COMPONENTS["bearing_az"]
    )
    assert res.nu[0, 0] < 0.0 and abs(res.nu[0, 0]) < 2.0
    assert res.x[0, 0] < 0.0  # now slightly west of north


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.floats(1e-3, 1e4))
def test_kalman_joseph_update_keeps_p_symmetric_positive_definite(
    seed: int, m: int, scale: float
) -> None:
    rng = np.random.default_rng(seed)
    P = random_spd(rng, 2, 7, scale)
    R = random_spd(rng, 2, m, rng.uniform(1e-3, 10.0))
    H = rng.normal(size=(2, m, 7))
    x = rng.normal(size=(2, 7))
    z = rng.normal(size=(2, m))
    res = ekf_update(x, P, z, np.zeros((2, m)), H, R, [False] * m)
    np.testing.assert_array_equal(res.P, res.P.transpose(0, 2, 1))
    eig = np.linalg.eigvalsh(res.P)
    assert np.all(eig > 0.0)
    # the update never adds uncertainty
    assert np.all(np.trace(res.P, axis1=1, axis2=2) <= np.trace(P, axis1=1, axis2=2) * 1.0001)


def test_kalman_update_does_not_mutate_inputs() -> None:
    rng = np.random.default_rng(21)
    x, P = rng.normal(size=(2, 7)), random_spd(rng, 2, 7)
    z, z_hat = np.array([[359.0], [3.0]]), np.array([[1.0], [2.0]])
    H, R = rng.normal(size=(2, 1, 7)), np.ones((2, 1, 1))
    args = (x, P, z, z_hat, H, R)
    copies = [a.copy() for a in args]
    ekf_update(*args, [True])
    oosm_update(x, P, -2.0, np.zeros((2, 3)), np.tile(np.eye(3), (2, 1, 1)), position3,
                MotionNoise(), [False] * 3)  # fmt: skip
    for before, after in zip(copies, args, strict=True):
        np.testing.assert_array_equal(before, after)


def _in_order_and_late(
    noise: MotionNoise,
) -> tuple[tuple[FloatArray, FloatArray], tuple[FloatArray, FloatArray]]:
    """Track from t=0; z_d at t=3 (late), z_1 at t=5. Return (in-order, OOSM) estimates."""
    rng = np.random.default_rng(22)
    k = 3
    x0 = np.column_stack([rng.normal(0, 1e3, (k, 3)), rng.normal(0, 30, (k, 3)), np.zeros(k)])
    P0 = random_spd(rng, k, 7, 20.0)
    P0[:, 6, :] = P0[:, :, 6] = 0.0
    P0[:, 6, 6] = 1e-4
    R = np.tile(np.diag([25.0, 25.0, 100.0]), (k, 1, 1))
    z_d = x0[:, :3] + 3.0 * x0[:, 3:6] + rng.normal(0, 5, (k, 3))
    z_1 = x0[:, :3] + 5.0 * x0[:, 3:6] + rng.normal(0, 5, (k, 3))
    mask = ANGLE_COMPONENTS["position3"]
    q = (noise.q_h_m2ps3, noise.q_v_m2ps3)

    x, P = ncv_predict(x0, P0, 3.0, *q, 0.0)
    u = ekf_update(x, P, z_d, *position3(x), R, mask)
    x, P = ncv_predict(u.x, u.P, 2.0, *q, 0.0)
    u = ekf_update(x, P, z_1, *position3(x), R, mask)
    in_order = (u.x, u.P)

    x, P = ncv_predict(x0, P0, 5.0, *q, 0.0)
    u = ekf_update(x, P, z_1, *position3(x), R, mask)
    late = oosm_update(u.x, u.P, -2.0, z_d, R, position3, noise, mask)
    return in_order, (late.x, late.P)


def test_kalman_oosm_equals_in_order_without_process_noise() -> None:
    (x_ref, P_ref), (x, P) = _in_order_and_late(MotionNoise(0.0, 0.0, 0.0))
    np.testing.assert_allclose(x[:, :6], x_ref[:, :6], rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(P[:, :6, :6], P_ref[:, :6, :6], rtol=1e-7, atol=1e-8)


def test_kalman_oosm_close_to_in_order_with_process_noise() -> None:
    (x_ref, _P_ref), (x, P) = _in_order_and_late(MotionNoise(1.0, 0.1, 0.0))
    np.testing.assert_allclose(x[:, :3], x_ref[:, :3], atol=2.0)
    assert np.all(np.linalg.eigvalsh(P[:, :6, :6]) > 0.0)


def test_kalman_oosm_accepts_precomputed_measurement() -> None:
    rng = np.random.default_rng(23)
    x, P = rng.normal(0, 100, (2, 7)), random_spd(rng, 2, 7, 5.0)
    z, R = rng.normal(0, 100, (2, 3)), np.tile(np.eye(3) * 4.0, (2, 1, 1))
    noise, mask = MotionNoise(), ANGLE_COMPONENTS["position3"]
    x_d, _P_d, _P_kd = ncv_retrodict(x, P, -1.5, noise)
    a = oosm_update(x, P, -1.5, z, R, position3, noise, mask)
    b = oosm_update(x, P, -1.5, z, R, position3(x_d), noise, mask)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.P, b.P)


def test_kalman_pda_update_is_the_moment_matched_mixture_of_its_hypotheses() -> None:
    # PDA = moments of the mixture {prior w.p. beta_miss, EKF update on z_k w.p. beta_k}
    # when the detections share R (Bar-Shalom); checked per track against that mixture.
    rng = np.random.default_rng(31)
    n, m = 3, 3
    x = rng.normal(0, 100, (n, 7))
    P = random_spd(rng, n, 7, 10.0)
    H = np.broadcast_to(np.eye(m, 7), (n, m, 7)).copy()
    z_hat = x[:, :m]
    R_one = random_spd(rng, 1, m, 4.0)[0]
    rows = np.array([0, 0, 0, 1, 1])  # track 2 has no detection
    z = z_hat[rows] + rng.normal(0, 8, (rows.size, m))
    R = np.broadcast_to(R_one, (rows.size, m, m)).copy()
    beta = np.array([0.5, 0.2, 0.1, 0.7, 0.25])
    beta_miss = np.array([0.2, 0.05, 1.0])
    res = pda_update(x, P, z_hat, H, rows, z, R, beta, beta_miss, 0.9, 1e-6, [False] * m)
    for t in range(n):
        mine = np.flatnonzero(rows == t)
        if mine.size == 0:
            np.testing.assert_allclose(res.x[t], x[t])
            np.testing.assert_allclose(res.P[t], P[t])
            continue
        one = ekf_update(
            np.repeat(x[t : t + 1], mine.size, 0),
            np.repeat(P[t : t + 1], mine.size, 0),
            z[mine],
            np.repeat(z_hat[t : t + 1], mine.size, 0),
            np.repeat(H[t : t + 1], mine.size, 0),
            R[mine],
            [False] * m,
        )
        w = np.concatenate([[beta_miss[t]], beta[mine]])
        xs = np.concatenate([x[t : t + 1], one.x])
        Ps = np.concatenate([P[t : t + 1], one.P])
        mean = w @ xs
        dev = xs - mean
        cov = np.einsum("i,ijk->jk", w, Ps) + np.einsum("i,ij,ik->jk", w, dev, dev)
        np.testing.assert_allclose(res.x[t], mean, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(res.P[t], cov, rtol=1e-8, atol=1e-8)
        # likelihood of "object or clutter" against clutter alone
        S = H[t] @ P[t] @ H[t].T + R_one
        g = [multivariate_normal(z_hat[t], S).pdf(z[k]) for k in mine]
        assert res.log_likelihood[t] == pytest.approx(np.log(0.1 + 0.9 * sum(g) / 1e-6))


def test_kalman_pda_update_with_one_certain_detection_is_the_ekf() -> None:
    rng = np.random.default_rng(32)
    n, m = 4, 3
    x = rng.normal(0, 100, (n, 7))
    P = random_spd(rng, n, 7, 10.0)
    H = rng.normal(size=(n, m, 7))
    R = random_spd(rng, n, m, 3.0)
    z_hat = rng.normal(0, 100, (n, m))
    z = z_hat + rng.normal(0, 5, (n, m))
    pda = pda_update(
        x, P, z_hat, H, np.arange(n), z, R, np.ones(n), np.zeros(n), 0.9, 1e-6, [False] * m
    )
    ekf = ekf_update(x, P, z, z_hat, H, R, [False] * m)
    np.testing.assert_allclose(pda.x, ekf.x, rtol=1e-9)
    np.testing.assert_allclose(pda.P, ekf.P, rtol=1e-8, atol=1e-8)


def _vague_bearing_case() -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """A coasting track 4 km wide, predicted 1 km east of a node that hears it at 10 deg."""
    x = np.array([[1000.0, 0.0, 300.0, -30.0, 15.0, 0.0, 0.0]])
    P = np.diag([4000.0**2, 4000.0**2, 100.0**2, 400.0, 400.0, 1.0, 1e-4])[None]
    return x, P, np.array([[10.0]]), np.array([[[10.0**2]]])


def _node(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    return bearing(x, np.zeros((x.shape[0], 3)), np.eye(3), with_elevation=False)


def test_kalman_iekf_with_one_iteration_is_the_ekf() -> None:
    x, P, z, R = _vague_bearing_case()
    mask = ANGLE_COMPONENTS["bearing_az"]
    a = iekf_update(x, P, z, R, _node, mask, iterations=1)
    b = ekf_update(x, P, z, *_node(x), R, mask)
    for got, want in ((a.x, b.x), (a.P, b.P), (a.nu, b.nu), (a.S, b.S)):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_allclose(a.log_likelihood, b.log_likelihood, rtol=1e-12)


def test_kalman_iekf_equals_the_ekf_for_a_linear_measurement() -> None:
    rng = np.random.default_rng(24)
    x, P = rng.normal(0, 100, (3, 7)), random_spd(rng, 3, 7, 10.0)
    z, R = rng.normal(0, 100, (3, 3)), np.tile(np.eye(3) * 9.0, (3, 1, 1))
    mask = ANGLE_COMPONENTS["position3"]
    a = iekf_update(x, P, z, R, position3, mask, iterations=5)
    b = ekf_update(x, P, z, *position3(x), R, mask)
    np.testing.assert_allclose(a.x, b.x, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(a.P, b.P, rtol=1e-9, atol=1e-9)


def test_kalman_iekf_puts_a_vague_track_on_the_bearing_the_ekf_misses() -> None:
    # The EKF moves the track along the tangent of its predicted bearing (90 deg), 1.4 km
    # north, which the node sees at 36 deg; re-linearised, it lands where the node points.
    x, P, z, R = _vague_bearing_case()
    mask = ANGLE_COMPONENTS["bearing_az"]
    ekf = ekf_update(x, P, z, *_node(x), R, mask)
    iekf = iekf_update(x, P, z, R, _node, mask, iterations=5)

    def off_deg(xs: FloatArray) -> float:
        return float(abs(innovation(z, _node(xs)[0], mask)[0, 0]))

    assert off_deg(iekf.x) < 5.0  # within half a sigma of the measured bearing
    assert off_deg(ekf.x) > 20.0
    assert np.all(np.linalg.eigvalsh(iekf.P[0]) > 0.0)


def test_kalman_iekf_and_iterated_oosm_refuse_bad_iterations() -> None:
    x, P, z, R = _vague_bearing_case()
    mask = ANGLE_COMPONENTS["bearing_az"]
    with pytest.raises(ValueError, match="at least 1"):
        iekf_update(x, P, z, R, _node, mask, iterations=0)
    with pytest.raises(ValueError, match="callable"):
        oosm_update(x, P, -2.0, z, R, _node(x), MotionNoise(), mask, iterations=3)


def test_kalman_iterated_oosm_lands_a_late_bearing_on_its_line() -> None:
    x, P, z, R = _vague_bearing_case()
    mask = ANGLE_COMPONENTS["bearing_az"]
    late = oosm_update(x, P, -3.0, z, R, _node, MotionNoise(), mask, iterations=5)
    x_then, _P, _Pk = ncv_retrodict(late.x, late.P, -3.0, MotionNoise())
    assert abs(innovation(z, _node(x_then)[0], mask)[0, 0]) < 5.0
    once = oosm_update(x, P, -3.0, z, R, _node, MotionNoise(), mask)
    same = oosm_update(x, P, -3.0, z, R, _node, MotionNoise(), mask, iterations=1)
    np.testing.assert_array_equal(once.x, same.x)
