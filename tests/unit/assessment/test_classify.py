"""Tests for ``skywarden.assessment.classify``: class probabilities from kinematics."""

from __future__ import annotations

import numpy as np
import pytest

from skywarden.assessment.classify import CLASSES, ClassBelief, class_log_likelihood
from skywarden.core.enums import ObjectClass

# speed m/s, height above ground m, climb m/s, turn deg/s -> expected class
CASES = [
    (45.0, 1000.0, 0.0, 0.2, ObjectClass.OWA_DRONE),  # Shahed cruise
    (36.0, 200.0, -0.5, 0.0, ObjectClass.OWA_DRONE),  # Gerbera low over Vilnius
    (12.0, 3500.0, 0.3, 0.0, ObjectClass.BALLOON),  # smuggling balloon at 3.5 km
    (230.0, 10_000.0, 0.0, 0.0, ObjectClass.MANNED_AIRCRAFT),  # airliner
    (90.0, 1500.0, 1.0, 1.0, ObjectClass.MANNED_AIRCRAFT),  # a fast light aircraft
    (5.0, 60.0, 0.5, 15.0, ObjectClass.QUADCOPTER),  # hobby drone hovering about
    (13.0, 500.0, 0.0, 5.0, ObjectClass.BIRD),  # migrant
]


def _after(n: int, speed: float, agl: float, climb: float, turn: float) -> np.ndarray:
    belief = ClassBelief()
    ll = class_log_likelihood([speed], [agl], [climb], [turn])
    p = np.empty(0)
    for _ in range(n):
        p = belief.update(["T-1"], ll, [None])[0]
    return p


@pytest.mark.parametrize(("speed", "agl", "climb", "turn", "expected"), CASES)
def test_typical_kinematics_give_the_expected_class(
    speed: float, agl: float, climb: float, turn: float, expected: ObjectClass
) -> None:
    p = _after(10, speed, agl, climb, turn)
    assert CLASSES[int(np.argmax(p))] is expected
    assert p.sum() == pytest.approx(1.0)


def test_evidence_accumulates_and_can_change_its_mind() -> None:
    belief = ClassBelief()
    drone = class_log_likelihood([42.0], [800.0], [0.0], [0.0])
    balloon = class_log_likelihood([12.0], [3500.0], [0.0], [0.0])
    p1 = belief.update(["T-1"], drone, [None])[0]
    for _ in range(5):
        p5 = belief.update(["T-1"], drone, [None])[0]
    j = CLASSES.index(ObjectClass.OWA_DRONE)
    assert p5[j] > p1[j]
    for _ in range(20):
        p = belief.update(["T-1"], balloon, [None])[0]
    assert CLASSES[int(np.argmax(p))] is ObjectClass.BALLOON


def test_cooperative_identity_decides_the_class() -> None:
    belief = ClassBelief()
    ll = class_log_likelihood([42.0, 42.0], [800.0, 800.0], [0.0, 0.0])
    p = belief.update(["T-1", "T-2"], ll, ["icao24:48ae21", "uas:1581F5FJD"])
    assert p[0, CLASSES.index(ObjectClass.MANNED_AIRCRAFT)] == pytest.approx(0.98)
    assert p[1, CLASSES.index(ObjectClass.QUADCOPTER)] == pytest.approx(0.95)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_unknown_turn_rate_is_no_evidence() -> None:
    a = class_log_likelihood([20.0], [300.0], [0.0], [np.nan])
    b = class_log_likelihood([20.0], [300.0], [0.0])
    np.testing.assert_allclose(a, b)
    assert a.shape == (1, len(CLASSES))


def test_radar_cross_section_tells_a_light_aircraft_from_a_drone() -> None:
    # 55 m/s at 500 m: a fast Shahed or a light aircraft without a transponder
    belief = ClassBelief()
    ll = class_log_likelihood([55.0, 55.0], [500.0, 500.0], [0.0, 0.0], None, [0.0, -15.0])
    for _ in range(5):
        p = belief.update(["T-1", "T-2"], ll, [None, None])
    assert CLASSES[int(np.argmax(p[0]))] is ObjectClass.MANNED_AIRCRAFT
    assert CLASSES[int(np.argmax(p[1]))] is ObjectClass.OWA_DRONE
    # a track without plot RCS (bearings, reports) is judged on kinematics alone
    np.testing.assert_allclose(
        class_log_likelihood([55.0], [500.0], [0.0], None, [np.nan]),
        class_log_likelihood([55.0], [500.0], [0.0]),
    )


def test_sensor_hints_separate_look_alikes() -> None:
    # a bird-speed object at quadcopter height: kinematics alone cannot tell
    speed, agl = np.array([12.0, 12.0, 12.0]), np.array([150.0, 150.0, 150.0])
    climb = np.zeros(3)
    ll = class_log_likelihood(
        speed, agl, climb, harmonic=[False, True, False], rf=[False, False, True]
    )
    belief = ClassBelief()
    p = belief.update(["a", "b", "c"], ll, [None, None, None])
    for _ in range(9):
        p = belief.update(["a", "b", "c"], ll, [None, None, None])
    quad, bird, owa = (
        CLASSES.index(c) for c in (ObjectClass.QUADCOPTER, ObjectClass.BIRD, ObjectClass.OWA_DRONE)
    )
    assert p[2, quad] > 0.9  # a control link: a quadcopter
    assert p[2, quad] > p[0, quad] and p[2, bird] < p[0, bird]
    assert p[1, owa] >= p[0, owa] and p[1, bird] < 0.5 * p[0, bird]  # an engine: no bird
    # no hint arrays: the same as all false
    assert np.allclose(
        class_log_likelihood(speed, agl, climb),
        class_log_likelihood(speed, agl, climb, harmonic=[False] * 3, rf=[False] * 3),
    )


def test_an_object_drifting_with_the_wind_is_a_balloon() -> None:
    # 12 m/s at 1,500 m above ground: a balloon, a bird or an unknown by kinematics alone
    speed, agl, climb = np.array([12.0, 12.0]), np.array([1500.0, 1500.0]), np.zeros(2)
    ball = CLASSES.index(ObjectClass.BALLOON)
    drifting = class_log_likelihood(speed, agl, climb, wind_dev_mps=[1.0, 15.0])
    without = class_log_likelihood(speed, agl, climb)
    lift = drifting - without
    # with the wind: the balloon gains on every other class; 15 m/s across it: it loses
    others = [j for j in range(len(CLASSES)) if j != ball]
    assert all(lift[0, ball] > lift[0, j] for j in others)
    assert all(lift[1, ball] < lift[1, j] for j in others)
    # unknown wind or height: no evidence
    nan_dev = class_log_likelihood(speed, agl, climb, wind_dev_mps=[np.nan, np.nan])
    assert np.allclose(nan_dev, without)


def test_a_poorly_known_height_is_weak_evidence() -> None:
    # 8 m/s at 50 m above ground: too low for a balloon if the height is sure, no
    # evidence either way if it is 50 m give or take 230 m (a long-range radar's track)
    speed, agl, climb = np.array([8.0, 8.0]), np.array([50.0, 50.0]), np.zeros(2)
    ll = class_log_likelihood(speed, agl, climb, agl_sigma_m=[5.0, 230.0])
    ball, quad = CLASSES.index(ObjectClass.BALLOON), CLASSES.index(ObjectClass.QUADCOPTER)
    sure_gap = ll[0, quad] - ll[0, ball]
    vague_gap = ll[1, quad] - ll[1, ball]
    assert sure_gap > 5.0
    assert vague_gap < 0.5 * sure_gap
