"""Measurement geometry shared by the simulator and the tracker: range, azimuth, elevation.

Simulated and tracked measurements must share one definition, or the tracker would be
scored against a convention it does not use; ``sim`` may import this module for that
reason (STYLE.md 2.1).

Conventions (those of the interchange contract):

- Coordinates are local East-North-Up metres relative to the sensor: ``e_m`` east,
  ``n_m`` north, ``u_m`` up (see :class:`skywarden.geo.frames.SiteFrame`).
- ``az_deg`` is the azimuth clockwise from true north, in ``[0, 360)``: north is 0,
  east 90, south 180, west 270.
- ``el_deg`` is the elevation above the sensor's local horizontal plane, in
  ``[-90, 90]``.
- ``range_m`` is the slant (3-D) range.

The equations::

    range = sqrt(e² + n² + u²)
    az    = atan2(e, n)                 (wrapped to [0, 360); note the argument order)
    el    = atan2(u, sqrt(e² + n²))
    e     = range · cos(el) · sin(az)
    n     = range · cos(el) · cos(az)
    u     = range · sin(el)

:func:`bearing_deg` is the one place where the north-clockwise azimuth meets the
mathematical ``atan2(y, x)`` (counter-clockwise from the x axis): feeding ``atan2`` east
as ``y`` and north as ``x`` mirrors the plane about the north-east diagonal, which turns
"counter-clockwise from east" into "clockwise from north". :func:`azimuth_to_unit_en` is
its inverse. Nothing else in SkyWarden may call ``atan2`` on east and north.

Every function is pure and vectorised: it takes floats or numpy arrays (broadcast
together), returns float64 arrays of the broadcast shape, and never mutates its inputs.
NaN propagates.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "angle_diff_deg",
    "azimuth_to_unit_en",
    "bearing_deg",
    "enu_to_range_az_el",
    "range_az_el_to_enu",
    "range_rate_mps",
    "wrap_deg_360",
]

ArrayLike = npt.ArrayLike
FloatArray = npt.NDArray[np.float64]


def _f64(a: ArrayLike) -> FloatArray:
    return np.asarray(a, dtype=np.float64)


def wrap_deg_360(angle_deg: ArrayLike) -> FloatArray:
    """Wrap angles in degrees into ``[0, 360)``.

    ``wrap = angle mod 360``. Floating-point ``mod`` returns exactly 360.0 for tiny
    negative inputs (``-1e-17 % 360``), so that case is folded to 0.0: the contract's
    azimuth never reads 360.
    """
    wrapped = np.mod(_f64(angle_deg), 360.0)
    return _f64(np.where(wrapped >= 360.0, 0.0, wrapped))


def angle_diff_deg(a_deg: ArrayLike, b_deg: ArrayLike) -> FloatArray:
    """Signed smallest difference ``a - b`` in degrees, in ``[-180, 180)``.

    ``diff = wrap_360(a - b + 180) - 180``, so that ``wrap_360(b + diff) == wrap_360(a)``
    up to rounding. Use it for azimuth residuals: 359 minus 1 is -2, not 358.
    """
    return wrap_deg_360(_f64(a_deg) - _f64(b_deg) + 180.0) - 180.0


def bearing_deg(e_m: ArrayLike, n_m: ArrayLike) -> FloatArray:
    """Azimuth clockwise from north, in ``[0, 360)``, of the horizontal vector ``(e, n)``.

    ``az = atan2(e, n)`` (east as the first argument): the single place where compass
    azimuth and the mathematical ``atan2`` meet (see the module docstring). The zero
    vector has azimuth 0.
    """
    return wrap_deg_360(np.degrees(np.arctan2(_f64(e_m), _f64(n_m))))


def azimuth_to_unit_en(az_deg: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Return the unit horizontal vector ``(e, n) = (sin az, cos az)`` of a compass azimuth.

    The inverse of :func:`bearing_deg`: north (0) gives ``(0, 1)``, east (90) ``(1, 0)``.
    """
    az_rad = np.radians(_f64(az_deg))
    return _f64(np.sin(az_rad)), _f64(np.cos(az_rad))


def enu_to_range_az_el(
    e_m: ArrayLike, n_m: ArrayLike, u_m: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Slant range (m), azimuth and elevation (degrees) of ENU points seen from the origin.

    ``range = sqrt(e² + n² + u²)``, ``az = atan2(e, n)`` in ``[0, 360)``,
    ``el = atan2(u, sqrt(e² + n²))``. The origin itself has range, azimuth and elevation 0.
    """
    e, n, u = np.broadcast_arrays(_f64(e_m), _f64(n_m), _f64(u_m))
    horizontal_m = np.hypot(e, n)
    range_m = np.hypot(horizontal_m, u)
    el_deg = np.degrees(np.arctan2(u, horizontal_m))
    return _f64(range_m), bearing_deg(e, n), _f64(el_deg)


def range_az_el_to_enu(
    range_m: ArrayLike, az_deg: ArrayLike, el_deg: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """ENU metres of a point at slant range ``range_m``, azimuth ``az_deg``, elevation ``el_deg``.

    ``e = r·cos(el)·sin(az)``, ``n = r·cos(el)·cos(az)``, ``u = r·sin(el)``: the inverse
    of :func:`enu_to_range_az_el` for ``r >= 0`` and ``|el| <= 90``.
    """
    r, az, el = np.broadcast_arrays(_f64(range_m), _f64(az_deg), _f64(el_deg))
    el_rad = np.radians(el)
    horizontal_m = r * np.cos(el_rad)
    unit_e, unit_n = azimuth_to_unit_en(az)
    return _f64(horizontal_m * unit_e), _f64(horizontal_m * unit_n), _f64(r * np.sin(el_rad))


def range_rate_mps(
    e_m: ArrayLike,
    n_m: ArrayLike,
    u_m: ArrayLike,
    vel_e_mps: ArrayLike,
    vel_n_mps: ArrayLike,
    vel_u_mps: ArrayLike,
) -> FloatArray:
    """Radial speed (m/s, positive when receding) of a point moving with the given velocity.

    ``vr = (p · v) / |p|`` with ``p = (e, n, u)`` the position and ``v`` the velocity in
    the same ENU axes. The origin itself has radial speed 0.
    """
    e, n, u, ve, vn, vu = np.broadcast_arrays(
        _f64(e_m), _f64(n_m), _f64(u_m), _f64(vel_e_mps), _f64(vel_n_mps), _f64(vel_u_mps)
    )
    range_m = np.sqrt(e * e + n * n + u * u)
    dot = e * ve + n * vn + u * vu
    return _f64(np.divide(dot, range_m, out=np.zeros_like(dot), where=range_m != 0.0))
