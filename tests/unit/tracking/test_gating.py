"""Tests for ``skywarden.tracking.gating``: KD-tree pre-filters against brute force, Mahalanobis."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

from skywarden.tracking.gating import (
    candidate_pairs,
    candidate_pairs_bearing,
    chi2_gate,
    mahalanobis_d2,
)
from skywarden.tracking.measurement import angle_diff_deg, bearing_deg


def _brute_pairs(tracks: np.ndarray, dets: np.ndarray, radius: np.ndarray) -> set[tuple[int, int]]:
    dist = np.linalg.norm(tracks[:, None, :2] - dets[None, :, :2], axis=2)
    ti, di = np.nonzero(dist <= radius[None, :])
    return set(zip(ti.tolist(), di.tolist(), strict=True))


@pytest.mark.parametrize("seed", range(10))
def test_candidate_pairs_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    tracks = rng.uniform(0, 5000, (rng.integers(0, 60), 3))
    dets = rng.uniform(0, 5000, (rng.integers(0, 60), 2))
    radius = np.asarray(rng.uniform(0, 800, dets.shape[0]))
    ti, di = candidate_pairs(tracks, dets, radius)
    assert ti.dtype == np.intp and di.dtype == np.intp
    assert set(zip(ti.tolist(), di.tolist(), strict=True)) == _brute_pairs(tracks, dets, radius)
    assert np.all(np.lexsort((ti, di)) == np.arange(ti.size)), "sorted by det then track"


def test_candidate_pairs_scalar_radius_and_empty() -> None:
    tracks = np.array([[0.0, 0.0], [100.0, 0.0]])
    dets = np.array([[50.0, 0.0], [1000.0, 0.0]])
    ti, di = candidate_pairs(tracks, dets, 50.0)
    assert ti.tolist() == [0, 1] and di.tolist() == [0, 0]
    for t, d in ((np.empty((0, 2)), dets), (tracks, np.empty((0, 2)))):
        ti, di = candidate_pairs(t, d, 10.0)
        assert ti.size == 0 and di.size == 0


def test_candidate_pairs_nan_or_negative_radius_gates_nothing() -> None:
    tracks = np.zeros((2, 2))
    dets = np.zeros((3, 2))
    ti, di = candidate_pairs(tracks, dets, np.array([np.nan, -1.0, 0.0]))
    assert di.tolist() == [2, 2] and ti.tolist() == [0, 1]


def test_candidate_pairs_does_not_mutate_inputs() -> None:
    tracks = np.array([[0.0, 0.0, 5.0]])
    dets = np.array([[1.0, 1.0]])
    radius = np.array([5.0])
    copies = tracks.copy(), dets.copy(), radius.copy()
    candidate_pairs(tracks, dets, radius)
    for a, b in zip((tracks, dets, radius), copies, strict=True):
        np.testing.assert_array_equal(a, b)


def test_candidate_pairs_shape_errors() -> None:
    with pytest.raises(ValueError):
        candidate_pairs(np.zeros(3), np.zeros((1, 2)), 1.0)
    with pytest.raises(ValueError):
        candidate_pairs(np.zeros((1, 2)), np.zeros((2, 2)), np.ones(3))


@pytest.mark.parametrize("seed", range(5))
def test_candidate_pairs_bearing_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    tracks = rng.uniform(-5000, 5000, (80, 2))
    sensors = rng.uniform(-1000, 1000, (30, 2))
    az = rng.uniform(0, 360, 30)
    half = rng.uniform(1, 20, 30)
    max_range = 4000.0
    ti, di = candidate_pairs_bearing(tracks, sensors, az, max_range, half)
    rel = tracks[:, None, :] - sensors[None, :, :]
    dist = np.hypot(rel[..., 0], rel[..., 1])
    off = np.abs(angle_diff_deg(bearing_deg(rel[..., 0], rel[..., 1]), az[None, :]))
    expected = set(
        zip(*map(np.ndarray.tolist, np.nonzero((dist <= max_range) & (off <= half))), strict=True)
    )
    assert set(zip(ti.tolist(), di.tolist(), strict=True)) == expected
    assert np.all(np.lexsort((ti, di)) == np.arange(ti.size))


def test_candidate_pairs_bearing_convention() -> None:
    """A track due east of the sensor is in a 90° bearing's wedge, not in a 0° one."""
    tracks = np.array([[1000.0, 0.0], [0.0, 1000.0]])
    sensors = np.zeros((2, 2))
    ti, di = candidate_pairs_bearing(tracks, sensors, np.array([90.0, 0.0]), 5000.0, 2.0)
    assert list(zip(ti.tolist(), di.tolist(), strict=True)) == [(0, 0), (1, 1)]
    # the wedge wraps through north
    ti, _ = candidate_pairs_bearing(tracks[1:], sensors[:1], np.array([359.0]), 5000.0, 2.0)
    assert ti.tolist() == [0]


def test_mahalanobis_matches_inverse() -> None:
    rng = np.random.default_rng(1)
    A = rng.normal(size=(50, 3, 3))
    S = A @ A.transpose(0, 2, 1) + 0.1 * np.eye(3)
    nu = rng.normal(size=(50, 3))
    expected = np.einsum("ki,kij,kj->k", nu, np.linalg.inv(S), nu)
    np.testing.assert_allclose(mahalanobis_d2(nu, S), expected, rtol=1e-9)
    assert mahalanobis_d2(np.empty((0, 2)), np.empty((0, 2, 2))).shape == (0,)
    with pytest.raises(ValueError):
        mahalanobis_d2(nu, S[:, :2, :2])
    with pytest.raises(np.linalg.LinAlgError):
        mahalanobis_d2(np.ones((1, 2)), -np.eye(2)[None])


def test_chi2_gate() -> None:
    assert chi2_gate(2) == pytest.approx(chi2.ppf(0.999, 2))
    assert chi2_gate(3, 0.99) == pytest.approx(11.3448667, rel=1e-6)
    assert chi2_gate(2) is chi2_gate(2)
    with pytest.raises(ValueError):
        chi2_gate(0)
