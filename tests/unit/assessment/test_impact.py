"""Impact areas of descending tracks."""

import numpy as np
import pytest

from skywarden.assessment.impact import impact_areas


def _one(**kw: float) -> object:
    base = dict(
        e_m=0.0,
        n_m=0.0,
        agl_m=100.0,
        ve_mps=15.0,
        vn_mps=0.0,
        vu_mps=-2.0,
        sigma_h_m=50.0,
        sigma_v_m=10.0,
        sigma_vu_mps=0.25,
    )
    base.update(kw)
    return impact_areas(*(np.array([base[k]]) for k in base))


def test_a_gliding_drone_comes_down_ahead_of_it() -> None:
    imp = _one()
    assert imp.descending[0]
    # latest: (100 + 20) / (2 - 0.5) = 80 s; earliest: (100 - 20) / (2 + 0.5) = 32 s
    assert imp.latest_s[0] == pytest.approx(80.0)
    assert imp.earliest_s[0] == pytest.approx(32.0)
    assert imp.e_m[0] == pytest.approx(15.0 * 56.0)  # halfway in time, along its course
    assert imp.n_m[0] == pytest.approx(0.0)
    assert imp.radius_m[0] == pytest.approx(50.0 + 0.5 * 15.0 * 48.0)


def test_level_climbing_or_uncertain_tracks_do_not_descend() -> None:
    for kw in ({"vu_mps": 0.0}, {"vu_mps": 3.0}, {"vu_mps": -2.0, "sigma_vu_mps": 2.0}):
        imp = _one(**kw)
        assert not imp.descending[0]
        assert np.isnan(imp.latest_s[0]) and np.isnan(imp.radius_m[0])
    assert not _one(sigma_vu_mps=float("nan")).descending[0]


def test_fall_time_is_capped_and_vectorised() -> None:
    imp = impact_areas(
        np.zeros(3),
        np.zeros(3),
        np.array([3000.0, 50.0, 0.0]),
        np.array([10.0, 0.0, 0.0]),
        np.zeros(3),
        np.array([-1.5, -20.0, -5.0]),
        np.full(3, 30.0),
        np.full(3, 5.0),
        np.full(3, 0.1),
        max_fall_s=600.0,
    )
    assert imp.descending.tolist() == [True, True, True]
    assert imp.latest_s[0] == pytest.approx(600.0)  # a balloon leaking slowly
    assert imp.latest_s[1] == pytest.approx(60.0 / 19.8)
    assert imp.earliest_s[2] == 0.0  # already on the ground within its height error
