"""Tests for ``skywarden.tracking.imm``: mixing, mode probabilities, moment matching."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest

from skywarden.tracking.imm import (
    CT,
    ImmConfig,
    imm_combine,
    imm_mix,
    imm_pda_update,
    imm_predict,
    imm_update,
    transition_matrix,
)
from skywarden.tracking.measmodels import ANGLE_COMPONENTS, position3

FloatArray = npt.NDArray[np.float64]
MASK3 = ANGLE_COMPONENTS["position3"]


def random_models(rng: np.random.Generator, n: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    xm = np.concatenate(
        [
            rng.normal(0, 1e3, (n, 2, 3)),
            rng.normal(0, 30, (n, 2, 3)),
            rng.normal(0, 0.1, (n, 2, 1)),
        ],
        axis=2,
    )
    a = rng.normal(size=(n, 2, 7, 7))
    Pm = a @ np.swapaxes(a, -1, -2) + 0.1 * np.eye(7)
    mu = rng.dirichlet([1.0, 1.0], n)
    return xm, Pm, mu


def test_imm_transition_matrix_scales_with_dt() -> None:
    cfg = ImmConfig()
    pi = transition_matrix(cfg, np.array([0.0, 1.0, 2.5, 1e6]), 4)
    np.testing.assert_allclose(pi[0], np.eye(2), atol=1e-15)
    np.testing.assert_allclose(pi[1], np.array(cfg.transition_per_s), rtol=1e-12)
    np.testing.assert_allclose(pi.sum(axis=2), 1.0, rtol=1e-12)
    np.testing.assert_allclose(pi[2], pi[1] @ pi[1] @ transition_matrix(cfg, 0.5, 1)[0], rtol=1e-12)
    stationary = np.array([0.10, 0.05]) / 0.15  # long gaps forget the mode
    np.testing.assert_allclose(pi[3], np.tile(stationary, (2, 1)), rtol=1e-9)


def test_imm_config_rejects_non_markov_matrix() -> None:
    with pytest.raises(ValueError, match=r"2x2|sum"):
        ImmConfig(transition_per_s=((0.9, 0.2), (0.1, 0.9)))


def test_imm_mix_matches_reference() -> None:
    rng = np.random.default_rng(30)
    n = 4
    xm, Pm, mu = random_models(rng, n)
    pi = transition_matrix(ImmConfig(), rng.uniform(0.5, 5, n), n)
    x0m, P0m, c_bar = imm_mix(xm, Pm, mu, pi)
    for t in range(n):
        for j in range(2):
            cj = sum(pi[t, i, j] * mu[t, i] for i in range(2))
            w = [pi[t, i, j] * mu[t, i] / cj for i in range(2)]
            x0 = sum(w[i] * xm[t, i] for i in range(2))
            P0 = sum(w[i] * (Pm[t, i] + np.outer(xm[t, i] - x0, xm[t, i] - x0)) for i in range(2))
            assert c_bar[t, j] == pytest.approx(cj)
            np.testing.assert_allclose(x0m[t, j], x0, rtol=1e-12, atol=1e-9)
            np.testing.assert_allclose(P0m[t, j], P0, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(c_bar.sum(axis=1), 1.0)


def test_imm_combine_matches_manual_moment_matching() -> None:
    rng = np.random.default_rng(31)
    xm, Pm, mu = random_models(rng, 3)
    x, P = imm_combine(xm, Pm, mu)
    for t in range(3):
        xr = mu[t, 0] * xm[t, 0] + mu[t, 1] * xm[t, 1]
        Pr = sum(mu[t, j] * (Pm[t, j] + np.outer(xm[t, j] - xr, xm[t, j] - xr)) for j in range(2))
        np.testing.assert_allclose(x[t], xr, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(P[t], Pr, rtol=1e-12, atol=1e-9)


def test_imm_update_mode_probabilities_sum_to_one() -> None:
    rng = np.random.default_rng(32)
    n = 6
    xm, Pm, mu = random_models(rng, n)
    xp, Pp, mu_pred = imm_predict(xm, Pm, mu, rng.uniform(0.1, 4.0, n), ImmConfig())
    z = xp[:, 0, :3] + rng.normal(0, 50, (n, 3))
    R = np.tile(np.eye(3) * 100.0, (n, 1, 1))
    res = imm_update(xp, Pp, mu_pred, z, R, position3, MASK3)
    np.testing.assert_allclose(res.mu.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(res.mu > 0.0) and np.all(np.isfinite(res.log_likelihood))


def test_imm_batched_equals_per_track_loop() -> None:
    rng = np.random.default_rng(33)
    n = 4
    xm, Pm, mu = random_models(rng, n)
    dt = rng.uniform(0.1, 4.0, n)
    z = xm[:, 0, :3] + rng.normal(0, 50, (n, 3))
    R = np.tile(np.eye(3) * 100.0, (n, 1, 1))
    cfg = ImmConfig()
    xp, Pp, mu_pred = imm_predict(xm, Pm, mu, dt, cfg)
    res = imm_update(xp, Pp, mu_pred, z, R, position3, MASK3)
    for t in range(n):
        s = slice(t, t + 1)
        xpt, Ppt, mupt = imm_predict(xm[s], Pm[s], mu[s], float(dt[t]), cfg)
        rt = imm_update(xpt, Ppt, mupt, z[s], R[s], position3, MASK3)
        np.testing.assert_allclose(res.xm[t], rt.xm[0], rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(res.Pm[t], rt.Pm[0], rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(res.mu[t], rt.mu[0], rtol=1e-12)
        np.testing.assert_allclose(res.log_likelihood[t], rt.log_likelihood[0], rtol=1e-12)


def test_imm_turning_target_raises_ct_probability() -> None:
    rng = np.random.default_rng(34)
    sigma_m, speed_mps, omega_rps = 5.0, 40.0, math.radians(6.0)
    cfg = ImmConfig()
    x0 = np.array([0.0, 0.0, 500.0, speed_mps, 0.0, 0.0, 0.0])
    xm = np.tile(x0, (1, 2, 1))
    Pm = np.tile(np.diag([100.0, 100.0, 100.0, 25.0, 25.0, 1.0, 1e-4]), (1, 2, 1, 1))
    mu = np.array([[0.5, 0.5]])
    R = (np.eye(3) * sigma_m**2)[None]
    pos, heading = np.array([0.0, 0.0, 500.0]), 0.0  # heading counter-clockwise from east
    mu_ct = []
    for step in range(40):
        turning = step >= 20
        if turning:
            heading += omega_rps
        pos = pos + speed_mps * np.array([math.cos(heading), math.sin(heading), 0.0])
        xp, Pp, mu_pred = imm_predict(xm, Pm, mu, 1.0, cfg)
        z = (pos + rng.normal(0, sigma_m, 3))[None]
        res = imm_update(xp, Pp, mu_pred, z, R, position3, MASK3)
        xm, Pm, mu = res.xm, res.Pm, res.mu
        mu_ct.append(float(mu[0, CT]))
    assert np.mean(mu_ct[30:]) > 0.6
    assert np.mean(mu_ct[30:]) > np.mean(mu_ct[10:20]) + 0.2
    x, _P = imm_combine(xm, Pm, mu)
    assert x[0, 6] == pytest.approx(omega_rps, rel=0.3)  # turning left, about 6 deg/s


def test_imm_does_not_mutate_inputs() -> None:
    rng = np.random.default_rng(35)
    xm, Pm, mu = random_models(rng, 2)
    copies = (xm.copy(), Pm.copy(), mu.copy())
    imm_predict(xm, Pm, mu, 1.0, ImmConfig())
    imm_combine(xm, Pm, mu)
    for before, after in zip(copies, (xm, Pm, mu), strict=True):
        np.testing.assert_array_equal(before, after)


def test_imm_pda_update_with_certain_detections_updates_each_model_as_imm_update() -> None:
    rng = np.random.default_rng(33)
    n = 5
    xm, Pm, mu = random_models(rng, n)
    xm[:, 1] = xm[:, 0] + rng.normal(0, 5, (n, 7))  # both models near the detection
    z = xm[:, 0, :3] + rng.normal(0, 50, (n, 3))
    R = np.tile(np.eye(3) * 100.0, (n, 1, 1))
    plain = imm_update(xm, Pm, mu, z, R, position3, MASK3)
    pda = imm_pda_update(
        xm, Pm, mu, position3, np.arange(n), z, R, np.ones(n), np.zeros(n), 0.9, 1e-200, MASK3
    )
    np.testing.assert_allclose(pda.xm, plain.xm, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(pda.Pm, plain.Pm, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(pda.mu.sum(axis=1), 1.0, rtol=1e-12)
    # with clutter this sparse, "object or clutter" is the object: the same mode weights
    np.testing.assert_allclose(pda.mu, plain.mu, rtol=1e-6, atol=1e-9)
