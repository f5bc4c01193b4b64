"""Where and when a descending object reaches the ground: an impact area, vectorised.

A track that descends (its vertical speed below ``-min_descent_mps`` by two sigmas) comes
down, at its present descent rate, between

- the earliest time ``(agl - 2 sigma_alt) / (-vu + 2 sigma_vu)`` and
- the latest time ``(agl + 2 sigma_alt) / max(-vu - 2 sigma_vu, min_descent_mps)``,

capped at ``max_fall_s``. Over that time it drifts on at its horizontal velocity (a
gliding or diving drone along its course, a leaking balloon with the wind it rides), so
the area is a disc around the point reached halfway, its radius the track's horizontal
sigma plus half the distance flown between the earliest and the latest time.

The alert engine uses the latest time: once it has passed with no detection of the
track since, the object is on the ground and its alerts end (10 July 2025: the object fell
within minutes and the leaders waited in shelter for the all-clear).

Pure functions; safe from any thread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["ImpactAreas", "impact_areas"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Sigmas of height and vertical speed taken on each side.
K_SIGMA = 2.0


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
