"""Wind by altitude: layers in, east/north wind components out (simulator and assessment).

A scenario gives the wind as layers ``(alt_m, from_deg, speed_mps)``: height above mean
sea level, the direction the wind blows FROM (meteorological convention, degrees
clockwise from true north) and its speed. A wind from 270 degrees (westerly) therefore
blows towards the east: ``ve_mps > 0``.

Between layers the east and north components (not direction and speed) are interpolated
linearly in altitude, so a veering wind never passes through a spurious calm or a
direction jump at 0/360 degrees; above the top layer and below the bottom one the wind
is that layer's. With no layers the air is calm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["WindField"]

FloatArray = npt.NDArray[np.float64]


def _read_only(values: FloatArray) -> FloatArray:
    array = np.array(values, dtype=np.float64)  # a private copy the caller cannot reach
    array.flags.writeable = False
    return array


@dataclass(frozen=True, slots=True, init=False)
class WindField:
    """Horizontal wind as a function of altitude, from a few layers.

    ``layers`` are ``(alt_m, from_deg, speed_mps)`` tuples (the ``ResolvedScenario.wind``
    tuples), in any order; they are kept sorted by altitude. Immutable (the interpolation
    tables are read-only arrays), hence thread-safe.
    """

    layers: tuple[tuple[float, float, float], ...]
    _alt_m: FloatArray = field(repr=False, compare=False)
    _ve_mps: FloatArray = field(repr=False, compare=False)
    _vn_mps: FloatArray = field(repr=False, compare=False)

    def __init__(self, layers: Sequence[tuple[float, float, float]] = ()) -> None:
        ordered = tuple(sorted((float(a), float(d), float(s)) for a, d, s in layers))
        if not all(np.isfinite(value) for layer in ordered for value in layer):
            raise ValueError(f"wind layers must be finite: {ordered}")
        if any(speed_mps < 0.0 for _, _, speed_mps in ordered):
            raise ValueError(f"wind speeds must not be negative: {ordered}")
        alt_m = np.array([layer[0] for layer in ordered], dtype=np.float64)
        from_rad = np.radians([layer[1] for layer in ordered])
        speed_mps = np.array([layer[2] for layer in ordered], dtype=np.float64)
        object.__setattr__(self, "layers", ordered)
        object.__setattr__(self, "_alt_m", _read_only(alt_m))
        # The wind blows TOWARDS from_deg + 180 degrees, hence the minus signs.
        object.__setattr__(self, "_ve_mps", _read_only(-speed_mps * np.sin(from_rad)))
        object.__setattr__(self, "_vn_mps", _read_only(-speed_mps * np.cos(from_rad)))

    def velocity_mps(self, alt_m: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Return the wind's ``(ve_mps, vn_mps)`` at each altitude (metres above MSL).

        The outputs have the shape of ``alt_m``; the wind is constant beyond the lowest
        and highest layers and zero everywhere when there are no layers.
        """
        alt = np.asarray(alt_m, dtype=np.float64)
        if self._alt_m.size == 0:
            return np.zeros_like(alt), np.zeros_like(alt)
        ve = np.interp(alt, self._alt_m, self._ve_mps)
        vn = np.interp(alt, self._alt_m, self._vn_mps)
        return np.asarray(ve, dtype=np.float64), np.asarray(vn, dtype=np.float64)
