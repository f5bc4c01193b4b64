"""Where an object can come down, as an area: impact, reach and drift, vectorised.

Three areas, each a disc (centre, radius) with the time it holds until; the assessor
gives a track the first that applies:

1. **Impact** (:func:`impact_areas`): a descending track, from its descent rate.
2. **Reach** (:func:`reach_areas`): a powered drone that is not descending, from its
   class's remaining endurance (:data:`ENDURANCE`).
3. **Drift** (:func:`drift_areas`): a balloon that is not descending, from the wind at
   its height over a horizon.

**Impact.** A track that descends (its vertical speed below ``-min_descent_mps`` by two
sigmas) comes down, at its present descent rate, between

- the earliest time ``(agl - 2 sigma_alt) / (-vu + 2 sigma_vu)`` and
- the latest time ``(agl + 2 sigma_alt) / max(-vu - 2 sigma_vu, min_descent_mps)``,

capped at ``max_fall_s``. Over that time it drifts on at its horizontal velocity (a
gliding or diving drone along its course, a leaking balloon with the wind it rides), so
the area is a disc around the point reached halfway, its radius the track's horizontal
sigma plus half the distance flown between the earliest and the latest time.

The alert engine uses the latest time: once it has passed with no detection of the
track since, the object is on the ground and its alerts end (10 July 2025: the object fell
within minutes and the leaders waited in shelter for the all-clear).

**Reach.** A powered drone flies until its fuel or battery ends. Its class's nominal
endurance (:data:`ENDURANCE`, from the domain brief) less the time the track has been
observed is the flight time it has left: an *upper bound*, because the time observed is
only a lower bound on the time it has flown (it was launched before any sensor saw it).
Until then it can reach, and come down anywhere in, the disc about its position of radius
``max(speed, cruise) · remaining + sigma_h``: the class's cruise speed where the track is
slower or its speed unknown, since a drone can speed up (28 July 2025: a Gerbera lost
from radar came down about 100 km inside Lithuania; the search took five days).

**Drift.** A free balloon rides the wind at its height. Over ``horizon_s`` it drifts from
its position to ``position + v · horizon_s`` (``v`` the wind, or the track's own velocity
where no wind is known). It can come down anywhere along the way, so the area is the
disc covering that segment widened by the path forecast's corridor
(:mod:`skywarden.assessment.predict`): centre halfway, radius ``|v| · horizon_s / 2 +
k · sqrt(sigma_h² + (sigma_w · horizon_s)²)`` with ``sigma_w = max(VEL_SIGMA_FLOOR_MPS,
VEL_SIGMA_FRACTION · |v|)`` and ``k = CORRIDOR_SIGMAS``: the wind (or the drift
velocity) known to about 2 m/s or 10 %, as the corridor takes a track's velocity.

Pure functions; safe from any thread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from skywarden.assessment.predict import (
    CORRIDOR_SIGMAS,
    VEL_SIGMA_FLOOR_MPS,
    VEL_SIGMA_FRACTION,
)
from skywarden.core.enums import ObjectClass

__all__ = [
    "DRIFT_MIN_P",
    "ENDURANCE",
    "REACH_CLASS_MIN_P",
    "REACH_MIN_P",
    "ClassEndurance",
    "DriftAreas",
    "ImpactAreas",
    "ReachAreas",
    "drift_areas",
    "impact_areas",
    "powered_endurance",
    "reach_areas",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IndexArray = npt.NDArray[np.intp]

# Sigmas of height and vertical speed taken on each side.
K_SIGMA = 2.0


@dataclass(frozen=True, slots=True)
class ClassEndurance:
    """A powered class's nominal endurance (s) and cruise speed (m/s): upper values."""

    endurance_s: float
    cruise_mps: float


# Nominal endurance and cruise speed of the powered drone classes (domain brief, section
# 2.1, table "Summary"; the upper end of each range, since the area is an upper bound):
ENDURANCE: dict[ObjectClass, ClassEndurance] = {
    # Shahed-136 / Geran-2: "1,000-2,500 km; up to 12-13 h" [C/S], typical observed cruise
    # 140-170 km/h (39-47 m/s) [S] (brief [I4]-[I9]); 12 h at 47 m/s is 2,030 km, inside
    # the range. A Gerbera (range 600-700 km at up to 44 m/s, about 4 h; [I1]-[I3], [G6])
    # cannot be told from a Shahed by its kinematics, so the class takes the longer.
    ObjectClass.OWA_DRONE: ClassEndurance(endurance_s=12.0 * 3600.0, cruise_mps=47.0),
    # Small quadcopter (DJI class): "20-45 min" [U], 15-21 m/s in sport mode [U] (brief
    # [J1]-[J4]).
    ObjectClass.QUADCOPTER: ClassEndurance(endurance_s=45.0 * 60.0, cruise_mps=21.0),
}
# A track gets a reach area when its powered-drone classes together are at least this
# probable (more likely a powered drone than not)...
REACH_MIN_P = 0.5
# ...with the longest endurance among the powered classes at least this probable (a
# warning area errs wide: a track half quadcopter, a third Shahed gets the Shahed's reach).
REACH_CLASS_MIN_P = 0.25
# A track gets a drift area when it is at least this probably a balloon.
DRIFT_MIN_P = 0.5


@dataclass(frozen=True, slots=True)
class ImpactAreas:
    """Per track: whether it descends, and where and when it comes down (NaN otherwise).

    Times are seconds after the state's time; ``e_m``/``n_m`` the area's centre in the
    caller's frame, ``radius_m`` its radius.
    """

    descending: BoolArray
    earliest_s: FloatArray
    latest_s: FloatArray
    e_m: FloatArray
    n_m: FloatArray
    radius_m: FloatArray


def impact_areas(
    e_m: FloatArray,
    n_m: FloatArray,
    agl_m: FloatArray,
    ve_mps: FloatArray,
    vn_mps: FloatArray,
    vu_mps: FloatArray,
    sigma_h_m: FloatArray,
    sigma_v_m: FloatArray,
    sigma_vu_mps: FloatArray,
    min_descent_mps: float = 1.0,
    max_fall_s: float = 1800.0,
) -> ImpactAreas:
    """Return the impact area of each track (see the module docstring); arrays ``(n,)``.

    ``sigma_vu_mps`` may be NaN (unknown): such a track is not taken to descend.
    """
    agl = np.maximum(np.asarray(agl_m, dtype=np.float64), 0.0)
    vu = np.asarray(vu_mps, dtype=np.float64)
    s_vu = np.asarray(sigma_vu_mps, dtype=np.float64)
    s_v = np.asarray(sigma_v_m, dtype=np.float64)
    descending = np.isfinite(s_vu) & (vu + K_SIGMA * np.nan_to_num(s_vu) < -min_descent_mps)
    slow = np.maximum(-vu - K_SIGMA * np.nan_to_num(s_vu), min_descent_mps)
    fast = np.maximum(-vu + K_SIGMA * np.nan_to_num(s_vu), min_descent_mps)
    latest = np.minimum((agl + K_SIGMA * s_v) / slow, max_fall_s)
    earliest = np.minimum(np.maximum(agl - K_SIGMA * s_v, 0.0) / fast, latest)
    mid = 0.5 * (earliest + latest)
    speed = np.hypot(ve_mps, vn_mps)
    nan = np.full(agl.shape, np.nan)
    return ImpactAreas(
        descending=descending,
        earliest_s=np.where(descending, earliest, nan),
        latest_s=np.where(descending, latest, nan),
        e_m=np.where(descending, np.asarray(e_m) + np.asarray(ve_mps) * mid, nan),
        n_m=np.where(descending, np.asarray(n_m) + np.asarray(vn_mps) * mid, nan),
        radius_m=np.where(
            descending, np.asarray(sigma_h_m) + 0.5 * speed * (latest - earliest), nan
        ),
    )


def powered_endurance(
    probs: FloatArray, classes: tuple[ObjectClass, ...]
) -> tuple[IndexArray, FloatArray, FloatArray]:
    """Which powered class bounds each track's endurance; ``probs (N, C)`` over ``classes``.

    Returns the index into ``classes`` (-1: no reach area, the powered classes together
    are below :data:`REACH_MIN_P`), its endurance (s) and its cruise speed (m/s), NaN
    where -1. Of the powered classes at least :data:`REACH_CLASS_MIN_P` probable, the one
    with the longest endurance is taken.
    """
    p = np.atleast_2d(np.asarray(probs, dtype=np.float64))
    n = p.shape[0]
    cols = [classes.index(c) for c in ENDURANCE]
    powered = p[:, cols].sum(axis=1) >= REACH_MIN_P
    best = np.full(n, -1, dtype=np.intp)
    endurance = np.full(n, np.nan)
    cruise = np.full(n, np.nan)
    # Few classes, loop over them (not over tracks): longest endurance wins.
    for cls, col in sorted(
        zip(ENDURANCE, cols, strict=True), key=lambda cc: ENDURANCE[cc[0]].endurance_s
    ):
        take = powered & (p[:, col] >= REACH_CLASS_MIN_P)
        best[take] = col
        endurance[take] = ENDURANCE[cls].endurance_s
        cruise[take] = ENDURANCE[cls].cruise_mps
    return best, endurance, cruise


@dataclass(frozen=True, slots=True)
class ReachAreas:
    """Per track: the flight time left at most, and the disc it can reach in that time.

    ``remaining_s`` is the upper bound on the time left; ``radius_m`` the radius of the
    disc about the track's position. NaN where the endurance is NaN.
    """

    remaining_s: FloatArray
    radius_m: FloatArray


def reach_areas(
    speed_mps: FloatArray,
    sigma_h_m: FloatArray,
    endurance_s: FloatArray,
    observed_s: FloatArray,
    cruise_mps: FloatArray,
) -> ReachAreas:
    """Return each powered track's reach area (see the module docstring); arrays ``(n,)``.

    ``observed_s`` is how long the track has been seen (a lower bound on its flight time
    so far); the time left is ``max(endurance_s - observed_s, 0)``, an upper bound.
    ``speed_mps`` may be NaN (unknown): the cruise speed is used.
    """
    remaining = np.maximum(
        np.asarray(endurance_s, dtype=np.float64) - np.asarray(observed_s, dtype=np.float64),
        0.0,
    )
    speed = np.fmax(
        np.asarray(speed_mps, dtype=np.float64), np.asarray(cruise_mps, dtype=np.float64)
    )
    return ReachAreas(
        remaining_s=remaining,
        radius_m=np.asarray(sigma_h_m, dtype=np.float64) + speed * remaining,
    )


@dataclass(frozen=True, slots=True)
class DriftAreas:
    """Per track: where a drifting balloon is at the horizon, and where it can come down.

    ``end_e_m``/``end_n_m``: its position at the horizon; ``e_m``/``n_m``/``radius_m``:
    the disc it can come down in before then. In the caller's frame.
    """

    end_e_m: FloatArray
    end_n_m: FloatArray
    e_m: FloatArray
    n_m: FloatArray
    radius_m: FloatArray


def drift_areas(
    e_m: FloatArray,
    n_m: FloatArray,
    drift_e_mps: FloatArray,
    drift_n_mps: FloatArray,
    sigma_h_m: FloatArray,
    horizon_s: float,
) -> DriftAreas:
    """Return each balloon's drift area over ``horizon_s`` (see the module docstring).

    ``drift_e_mps``/``drift_n_mps`` are the velocity it drifts at: the wind at its
    height, or its own velocity where no wind is known. Arrays ``(n,)``.
    """
    if horizon_s < 0.0:
        raise ValueError(f"horizon_s must not be negative, got {horizon_s}")
    e = np.asarray(e_m, dtype=np.float64)
    n = np.asarray(n_m, dtype=np.float64)
    ve = np.asarray(drift_e_mps, dtype=np.float64)
    vn = np.asarray(drift_n_mps, dtype=np.float64)
    speed = np.hypot(ve, vn)
    sigma_w = np.maximum(VEL_SIGMA_FLOOR_MPS, VEL_SIGMA_FRACTION * speed)
    spread = CORRIDOR_SIGMAS * np.hypot(
        np.asarray(sigma_h_m, dtype=np.float64), sigma_w * horizon_s
    )
    half = 0.5 * horizon_s
    return DriftAreas(
        end_e_m=e + ve * horizon_s,
        end_n_m=n + vn * horizon_s,
        e_m=e + ve * half,
        n_m=n + vn * half,
        radius_m=speed * half + spread,
    )
