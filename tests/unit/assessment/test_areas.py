"""Reach areas of powered drones and drift areas of balloons (``assessment.impact``)."""

from __future__ import annotations

import numpy as np
import pytest

from skywarden.assessment.classify import CLASSES
from skywarden.assessment.impact import (
    ENDURANCE,
    drift_areas,
    powered_endurance,
    reach_areas,
)
from skywarden.assessment.predict import (
    CORRIDOR_SIGMAS,
    VEL_SIGMA_FLOOR_MPS,
    VEL_SIGMA_FRACTION,
)
from skywarden.core.enums import ObjectClass


def _probs(**p: float) -> np.ndarray:
    row = np.array([p.get(c.value, 0.0) for c in CLASSES])
    return row[None, :]


def test_reach_radius_is_speed_times_remaining_endurance_plus_sigma() -> None:
    # 40 m/s, faster than the 30 m/s cruise; 2 h of endurance, 30 min seen: 1.5 h left
    r = reach_areas(
        np.array([40.0]),
        np.array([150.0]),
        np.array([7200.0]),
        np.array([1800.0]),
        np.array([30.0]),
    )
    assert r.remaining_s[0] == pytest.approx(5400.0)
    assert r.radius_m[0] == pytest.approx(150.0 + 40.0 * 5400.0)


def test_reach_uses_the_cruise_speed_when_slower_or_unknown_and_never_goes_negative() -> None:
    r = reach_areas(
        np.array([5.0, np.nan, 20.0]),
        np.array([100.0, 100.0, 100.0]),
        np.array([2700.0, 2700.0, 2700.0]),
        np.array([600.0, 600.0, 4000.0]),  # the last seen longer than its class's endurance
        np.array([21.0, 21.0, 21.0]),
    )
    np.testing.assert_allclose(r.remaining_s, [2100.0, 2100.0, 0.0])
    np.testing.assert_allclose(r.radius_m, [100.0 + 21.0 * 2100.0, 100.0 + 21.0 * 2100.0, 100.0])
    none = reach_areas(
        np.array([40.0]), np.array([100.0]), np.array([np.nan]), np.array([0.0]), np.array([np.nan])
    )
    assert np.isnan(none.radius_m[0])


def test_powered_endurance_picks_the_longest_plausible_class() -> None:
    owa = ENDURANCE[ObjectClass.OWA_DRONE]
    quad = ENDURANCE[ObjectClass.QUADCOPTER]
    probs = np.vstack(
        [
            _probs(owa_drone=0.9, unknown=0.1),
            _probs(quadcopter=0.8, bird=0.2),
            _probs(quadcopter=0.6, owa_drone=0.3, bird=0.1),  # errs wide: Shahed reach
            _probs(owa_drone=0.2, quadcopter=0.2, unknown=0.6),  # not a powered drone
            _probs(balloon=1.0),
        ]
    )
    col, endurance, cruise = powered_endurance(probs, CLASSES)
    assert [CLASSES[c] if c >= 0 else None for c in col.tolist()] == [
        ObjectClass.OWA_DRONE,
        ObjectClass.QUADCOPTER,
        ObjectClass.OWA_DRONE,
        None,
        None,
    ]
    np.testing.assert_allclose(endurance[:3], [owa.endurance_s, quad.endurance_s, owa.endurance_s])
    np.testing.assert_allclose(cruise[:3], [owa.cruise_mps, quad.cruise_mps, owa.cruise_mps])
    assert np.isnan(endurance[3:]).all() and np.isnan(cruise[3:]).all()


def test_endurance_table_matches_the_brief() -> None:
    # Shahed-136: 1,000-2,500 km, up to 12-13 h; quadcopter 20-45 min (domain brief 2.1)
    owa = ENDURANCE[ObjectClass.OWA_DRONE]
    assert 1_000_000.0 <= owa.endurance_s * owa.cruise_mps <= 2_500_000.0
    assert 20 * 60 <= ENDURANCE[ObjectClass.QUADCOPTER].endurance_s <= 45 * 60


def test_balloon_in_a_uniform_wind_drifts_to_the_expected_centre() -> None:
    # wind 10 m/s towards the north-east, 30 min: 18 km on, the area covers the way there
    ve = vn = 10.0 / np.sqrt(2.0)
    d = drift_areas(
        np.array([1000.0]),
        np.array([-2000.0]),
        np.array([ve]),
        np.array([vn]),
        np.array([200.0]),
        horizon_s=1800.0,
    )
    assert d.end_e_m[0] == pytest.approx(1000.0 + ve * 1800.0)
    assert d.end_n_m[0] == pytest.approx(-2000.0 + vn * 1800.0)
    assert d.e_m[0] == pytest.approx(1000.0 + ve * 900.0)
    assert d.n_m[0] == pytest.approx(-2000.0 + vn * 900.0)
    sigma_w = max(VEL_SIGMA_FLOOR_MPS, VEL_SIGMA_FRACTION * 10.0)
    spread = CORRIDOR_SIGMAS * np.hypot(200.0, sigma_w * 1800.0)
    assert d.radius_m[0] == pytest.approx(10.0 * 900.0 + spread)
    # both ends of the drift lie inside the area
    for e, n in ((1000.0, -2000.0), (d.end_e_m[0], d.end_n_m[0])):
        assert np.hypot(e - d.e_m[0], n - d.n_m[0]) < d.radius_m[0]


def test_a_calm_balloon_stays_put_within_its_spread() -> None:
    d = drift_areas(
        np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2), np.array([50.0, 50.0]), 600.0
    )
    np.testing.assert_allclose(d.e_m, 0.0)
    np.testing.assert_allclose(d.radius_m, CORRIDOR_SIGMAS * np.hypot(50.0, 2.0 * 600.0))
    with pytest.raises(ValueError, match="negative"):
        drift_areas(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1), -1.0)
