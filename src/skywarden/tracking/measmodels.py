"""Measurement functions ``h(x)`` with Jacobians, batched over K (track, detection) pairs.

State layout (sector-frame ENU, SI; see :mod:`skywarden.tracking.models`)::

    x = [e_m, n_m, u_m, ve_mps, vn_mps, vu_mps, omega_rps]      shape (K, 7)

Each function returns ``z_hat`` of shape ``(K, m)`` and ``H = dh/dx`` of shape
``(K, m, 7)``. Inputs are never mutated.

Bearings (:func:`bearing`) are measured in the sensor's own local ENU frame: the line of
sight ``d = rot (p - sensor_pos)``, with ``rot`` from :func:`sensor_rotation`, so the
azimuth is clockwise from true north *at the sensor* (a sensor 200 km from the sector
origin sees north about 2.5 degrees away from the sector frame's north). Then::

    az = bearing_deg(d_e, d_n)                       (degrees, [0, 360))
    el = degrees(atan2(d_u, hypot(d_e, d_n)))        (degrees, [-90, 90])
    d az / d(d_e, d_n) = (d_n, -d_e) / rho^2              (radians; rho = hypot(d_e, d_n))
    d el / d(d_e, d_n, d_u) = (-d_u d_e / rho, -d_u d_n / rho, rho) / r^2

and ``H = (180/pi) J rot`` on the position columns (``H`` is per degree). The
azimuth Jacobian is singular overhead (``rho = 0``); ``rho`` is floored at
``MIN_HORIZONTAL_M`` there.

``ANGLE_COMPONENTS[name]`` says which components are angles on a circle, whose
innovations the update must wrap into ``[-180, 180)`` (azimuth yes, elevation no).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from skywarden.geo.frames import enu_rotation
from skywarden.tracking.measurement import bearing_deg

__all__ = [
    "ANGLE_COMPONENTS",
    "MIN_HORIZONTAL_M",
    "bearing",
    "position2",
    "position3",
    "sensor_rotation",
]

FloatArray = npt.NDArray[np.float64]
STATE_DIM = 7
# Floor of the horizontal distance in the bearing Jacobian: a target within a metre of
# the vertical through the sensor has no meaningful azimuth anyway.
MIN_HORIZONTAL_M = 1.0

ANGLE_COMPONENTS: Mapping[str, tuple[bool, ...]] = MappingProxyType(
    {
        "position3": (False, False, False),
        "position2": (False, False),
        "bearing_az": (True,),
        "bearing_az_el": (True, False),
    }
)


def _position(x: FloatArray, m: int) -> tuple[FloatArray, FloatArray]:
    k = x.shape[0]
    H = np.zeros((k, m, STATE_DIM))
    H[:, np.arange(m), np.arange(m)] = 1.0
    return np.array(x[:, :m], dtype=np.float64), H


def position3(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """3-D position ``z = (e_m, n_m, u_m)``: ``z_hat (K, 3)``, ``H (K, 3, 7)`` (selection)."""
    return _position(x, 3)


def position2(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Horizontal position ``z = (e_m, n_m)``: ``z_hat (K, 2)``, ``H (K, 2, 7)`` (selection)."""
    return _position(x, 2)


def sensor_rotation(
    frame_lat0: float, frame_lon0: float, sensor_lat: float, sensor_lon: float
) -> FloatArray:
    """Return the ``(3, 3)`` rotation from sector-frame ENU vectors to the sensor's local ENU.

    ``rot = R_sensor R_frame^T`` with ``R_*`` the ENU-in-ECEF rotations of
    :func:`skywarden.geo.frames.enu_rotation` (ellipsoid normals, WGS84 degrees): its rows
    are the sensor's local E, N, U axes expressed in the sector frame. Exact, no
    flat-earth approximation.
    """
    return enu_rotation(sensor_lat, sensor_lon) @ enu_rotation(frame_lat0, frame_lon0).T


def bearing(
    x: FloatArray, sensor_pos_m: FloatArray, rot: FloatArray, with_elevation: bool
) -> tuple[FloatArray, FloatArray]:
    """Azimuth (and elevation) in degrees of each track seen from its sensor.

    ``sensor_pos_m`` is ``(K, 3)`` in the sector frame, ``rot`` ``(K, 3, 3)`` (or
    ``(3, 3)``, broadcast) from :func:`sensor_rotation`. Returns ``z_hat (K, 1)`` =
    ``[az_deg]`` or ``(K, 2)`` = ``[az_deg, el_deg]``, and ``H (K, m, 7)`` in degrees per
    state unit (module docstring for the equations).
    """
    k = x.shape[0]
    rot_k = np.broadcast_to(rot, (k, 3, 3))
    d = np.einsum("kij,kj->ki", rot_k, x[:, :3] - sensor_pos_m)
    de, dn, du = d[:, 0], d[:, 1], d[:, 2]
    rho = np.maximum(np.hypot(de, dn), MIN_HORIZONTAL_M)
    m = 2 if with_elevation else 1
    z_hat = np.empty((k, m))
    z_hat[:, 0] = bearing_deg(de, dn)
    J = np.zeros((k, m, 3))  # radians per metre of the local line of sight
    J[:, 0, 0] = dn / rho**2
    J[:, 0, 1] = -de / rho**2
    if with_elevation:
        z_hat[:, 1] = np.degrees(np.arctan2(du, np.hypot(de, dn)))
        r2 = rho**2 + du**2
        J[:, 1, 0] = -du * de / (rho * r2)
        J[:, 1, 1] = -du * dn / (rho * r2)
        J[:, 1, 2] = rho / r2
    H = np.zeros((k, m, STATE_DIM))
    H[:, :, :3] = np.degrees(J @ rot_k)
    return z_hat, H
