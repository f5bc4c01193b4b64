"""Tests for ``skywarden.tracking.initiation``: triangulation, crossings, the ghost rule."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.stats import chi2

from skywarden.tracking.initiation import Crossing, find_crossings, triangulate
from skywarden.tracking.measurement import bearing_deg


def _az_to(sensors: np.ndarray, target: np.ndarray) -> np.ndarray:
    rel = target[:2] - sensors[:, :2]
    return bearing_deg(rel[:, 0], rel[:, 1])


NODES = np.array([[0.0, 0.0], [2000.0, 0.0]])
TARGET = np.array([1000.0, 3000.0])


def test_triangulate_exact_bearings() -> None:
    fix = triangulate(NODES, _az_to(NODES, TARGET), 1.0)
    assert fix is not None
    np.testing.assert_allclose(fix.pos_en_m, TARGET, atol=1e-6)
    assert np.linalg.norm(fix.pos_en_m - TARGET) < 50.0
    assert fix.residual_deg_rms < 1e-9 and fix.chi2 < 1e-12
    np.testing.assert_allclose(fix.range_m, np.hypot(1000.0, 3000.0))
    assert np.isnan(fix.u_m)
    np.testing.assert_allclose(fix.cov, fix.cov.T)
    assert np.all(np.linalg.eigvalsh(fix.cov) > 0)


def test_triangulate_azimuth_convention() -> None:
    """North is 0 and east is 90: bearings 90 (from the west node) and 0 (from the south)."""
    sensors = np.array([[-1000.0, 0.0], [0.0, -1000.0]])
    fix = triangulate(sensors, np.array([90.0, 0.0]), 1.0)
    assert fix is not None
    np.testing.assert_allclose(fix.pos_en_m, [0.0, 0.0], atol=1e-6)
    # north-east of the first node, north-west of the second
    fix = triangulate(np.array([[0.0, 0.0], [2000.0, 0.0]]), np.array([45.0, 315.0]), 1.0)
    assert fix is not None
    np.testing.assert_allclose(fix.pos_en_m, [1000.0, 1000.0], atol=1e-6)


def test_triangulate_covariance_consistent_monte_carlo() -> None:
    rng = np.random.default_rng(42)
    sigma_deg = np.array([1.0, 2.0])
    truth_az = _az_to(NODES, TARGET)
    nees = []
    for _ in range(2000):
        fix = triangulate(NODES, truth_az + rng.normal(0.0, sigma_deg), sigma_deg)
        assert fix is not None
        err = fix.pos_en_m - TARGET
        nees.append(err @ np.linalg.solve(fix.cov, err))
    mean = float(np.mean(nees))
    # the mean of 2000 chi2(2) draws: 99.9 % interval
    lo, hi = chi2.ppf([0.0005, 0.9995], 2 * 2000) / 2000
    assert lo < mean < hi


def test_triangulate_three_noisy_bearings_residuals() -> None:
    sensors = np.array([[0.0, 0.0], [2000.0, 0.0], [1000.0, -1500.0]])
    az = _az_to(sensors, TARGET) + np.array([0.5, -0.5, 0.3])
    fix = triangulate(sensors, az, 1.0)
    assert fix is not None
    assert np.linalg.norm(fix.pos_en_m - TARGET) < 100.0
    assert fix.residual_deg.shape == (3,) and fix.chi2 > 0.0
    np.testing.assert_allclose(
        fix.residual_sigma, fix.residual_deg / 1.0 * np.pi / 180 / np.radians(1.0)
    )


def test_triangulate_height_from_elevation() -> None:
    sensors = np.array([[0.0, 0.0, 10.0], [2000.0, 0.0, 30.0]])
    target_u = 500.0
    r = np.hypot(*(TARGET - sensors[:, :2]).T)
    el = np.degrees(np.arctan2(target_u - sensors[:, 2], r))
    fix = triangulate(sensors, _az_to(sensors, TARGET), 1.0, el, 2.0)
    assert fix is not None
    assert fix.u_m == pytest.approx(target_u, abs=1e-6)
    assert 0.0 < fix.sigma_u_m < 200.0
    fix = triangulate(sensors, _az_to(sensors, TARGET), 1.0, np.array([el[0], np.nan]), 2.0)
    assert fix is not None and fix.u_m == pytest.approx(target_u, abs=1e-6)
    fix = triangulate(sensors, _az_to(sensors, TARGET), 1.0, np.full(2, np.nan))
    assert fix is not None and np.isnan(fix.u_m)


def test_triangulate_no_fix_cases() -> None:
    assert triangulate(NODES[:1], np.array([10.0]), 1.0) is None
    assert triangulate(NODES, np.array([0.0, 0.0]), 1.0) is None  # parallel
    assert triangulate(NODES, np.array([0.0, 180.0]), 1.0) is None  # antiparallel
    # rays that cross behind the sensors (target is north, bearings point south)
    az = _az_to(NODES, TARGET) + 180.0
    assert triangulate(NODES, az, 1.0) is None


def test_triangulate_does_not_mutate_inputs() -> None:
    sensors, az = NODES.copy(), _az_to(NODES, TARGET)
    az_copy = az.copy()
    triangulate(sensors, az, 1.0)
    np.testing.assert_array_equal(sensors, NODES)
    np.testing.assert_array_equal(az, az_copy)


def _call(sid: Any, pos: Any, az: Any, t: np.ndarray | None = None, **kw: Any) -> list[Crossing]:
    t = np.zeros(len(az)) if t is None else t
    kw.setdefault("window_s", 1.0)
    kw.setdefault("max_range_m", 10_000.0)
    return find_crossings(np.asarray(sid), np.asarray(pos), np.asarray(az), 1.0, t, **kw)


def test_find_crossings_two_nodes_one_target() -> None:
    out = _call([0, 1], NODES, _az_to(NODES, TARGET))
    assert len(out) == 1
    assert out[0].det_indices.tolist() == [0, 1]
    assert out[0].n_sensors == 2
    np.testing.assert_allclose(out[0].fix.pos_en_m, TARGET, atol=1e-6)


def test_find_crossings_rejects_parallel_behind_and_far() -> None:
    assert _call([0, 1], NODES, [0.0, 0.0]) == []
    assert _call([0, 1], NODES, _az_to(NODES, TARGET) + 180.0) == []
    assert _call([0, 1], NODES, _az_to(NODES, TARGET), max_range_m=1000.0) == []
    # shallow crossing below the minimum angle
    far = np.array([1000.0, 50_000.0])
    assert _call([0, 1], NODES, _az_to(NODES, far), max_range_m=1e6) == []


def test_find_crossings_same_sensor_never_pairs() -> None:
    az = np.r_[_az_to(NODES[:1], TARGET), 45.0]
    out = _call([7, 7], np.vstack([NODES[:1], NODES[:1] + np.array([10.0, 0.0])]), az)
    assert out == []


def test_find_crossings_respects_time_window() -> None:
    az = _az_to(NODES, TARGET)
    assert _call([0, 1], NODES, az, t=np.array([0.0, 5.0])) == []
    assert len(_call([0, 1], NODES, az, t=np.array([0.0, 0.5]))) == 1


def test_find_crossings_two_targets_three_nodes_no_ghosts() -> None:
    nodes = np.array([[0.0, 0.0], [3000.0, 0.0], [1500.0, 2500.0]])
    targets = np.array([[800.0, 3500.0], [2600.0, 2800.0]])
    sid, pos, az = [], [], []
    for k, node in enumerate(nodes):
        for tgt in targets:
            sid.append(k)
            pos.append(node)
            az.append(float(_az_to(node[None], tgt)[0]))
    rng = np.random.default_rng(0)
    order = rng.permutation(len(az))
    out = _call(np.array(sid)[order], np.array(pos)[order], np.array(az)[order])
    assert len(out) == 2
    found = sorted(tuple(np.round(c.fix.pos_en_m, 3)) for c in out)
    np.testing.assert_allclose(found, targets, atol=1e-3)
    assert all(c.n_sensors == 3 and c.det_indices.size == 3 for c in out)
    used = np.concatenate([c.det_indices for c in out])
    assert len(set(used.tolist())) == 6


def test_find_crossings_two_nodes_without_third_rule_gives_ghosts() -> None:
    """Two targets seen by two nodes only: four crossings, two bearings each -> two picks."""
    targets = np.array([[500.0, 3000.0], [1500.0, 3000.0]])
    sid = [0, 0, 1, 1]
    pos = [NODES[0], NODES[0], NODES[1], NODES[1]]
    az = [*_az_to(NODES[:1], targets[0]), *_az_to(NODES[:1], targets[1])]
    az += [*_az_to(NODES[1:], targets[0]), *_az_to(NODES[1:], targets[1])]
    out = _call(sid, pos, az)
    assert len(out) == 2  # each bearing used once; which pairing wins is ambiguous


def test_find_crossings_noisy_three_nodes_many_targets() -> None:
    rng = np.random.default_rng(5)
    nodes = np.array([[0.0, 0.0], [4000.0, 0.0], [2000.0, 3500.0], [2000.0, -3000.0]])
    targets = rng.uniform([-2000.0, -2000.0], [6000.0, 5000.0], (4, 2))
    sid, pos, az, t = [], [], [], []
    for k, node in enumerate(nodes):
        for tgt in targets:
            sid.append(k)
            pos.append(node)
            az.append(float(_az_to(node[None], tgt)[0]) + rng.normal(0.0, 0.5))
            t.append(rng.uniform(0.0, 0.5))
    out = find_crossings(
        np.array(sid),
        np.array(pos),
        np.array(az),
        0.5,
        np.array(t),
        window_s=1.0,
        max_range_m=20_000.0,
    )
    errors = [np.min(np.linalg.norm(targets - c.fix.pos_en_m, axis=1)) for c in out]
    assert len(out) >= 3
    assert max(errors) < 300.0
    assert all(c.n_sensors >= 3 for c in out)


def test_find_crossings_empty() -> None:
    assert find_crossings([], np.empty((0, 2)), [], 1.0, [], window_s=1.0, max_range_m=1.0) == []
