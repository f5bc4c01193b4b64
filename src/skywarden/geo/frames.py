"""WGS84 geodetic <-> ECEF <-> local East-North-Up (ENU), vectorised.

Conventions:

- ``lat``, ``lon``: WGS84 degrees. ``hae_m``: height above the WGS84 ellipsoid.
  ``alt_m``: height above mean sea level (EGM96), as in the interchange contract.
- ECEF (EPSG:4978): ``x_ecef_m``, ``y_ecef_m``, ``z_ecef_m``.
- ENU: a Cartesian frame tangent to the ellipsoid at an origin, ``e_m`` east, ``n_m``
  north, ``u_m`` up along the ellipsoid normal. A point 100 km away at the origin's
  height is about 785 m below the tangent plane (``u_m < 0``): ENU is exact 3-D
  Cartesian, not a map projection.

Geodetic <-> ECEF goes through pyproj (PROJ's ``cart`` operation, exact to far below a
millimetre). ECEF <-> ENU is one rotation, written here in numpy because it is a matrix
product over all points at once. Nothing here mutates its inputs.

Thread safety: the functions are pure. pyproj (>= 3.1) gives each thread its own PROJ
context, so the cached transformers may be shared between threads.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from pyproj import Transformer

from skywarden.geo.geoid import hae_to_msl_m, msl_to_hae_m

__all__ = [
    "SiteFrame",
    "ecef_to_enu",
    "ecef_to_geodetic",
    "enu_rotation",
    "enu_to_ecef",
    "enu_to_geodetic",
    "geodetic_to_ecef",
    "geodetic_to_enu",
]

ArrayLike = npt.ArrayLike
FloatArray = npt.NDArray[np.float64]
Xyz = tuple[FloatArray, FloatArray, FloatArray]


@functools.cache
def _to_ecef() -> Transformer:
    return Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)


@functools.cache
def _from_ecef() -> Transformer:
    return Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True)


def _f64(a: ArrayLike) -> FloatArray:
    return np.asarray(a, dtype=np.float64)


def geodetic_to_ecef(lat: ArrayLike, lon: ArrayLike, hae_m: ArrayLike) -> Xyz:
    """WGS84 latitude, longitude (degrees) and ellipsoidal height to ECEF metres."""
    lat_a, lon_a, h_a = np.broadcast_arrays(_f64(lat), _f64(lon), _f64(hae_m))
    x, y, z = _to_ecef().transform(lon_a, lat_a, h_a)
    return _f64(x), _f64(y), _f64(z)


def ecef_to_geodetic(x_ecef_m: ArrayLike, y_ecef_m: ArrayLike, z_ecef_m: ArrayLike) -> Xyz:
    """ECEF metres to WGS84 ``(lat, lon, hae_m)``."""
    x, y, z = np.broadcast_arrays(_f64(x_ecef_m), _f64(y_ecef_m), _f64(z_ecef_m))
    lon, lat, h = _from_ecef().transform(x, y, z)
    return _f64(lat), _f64(lon), _f64(h)


def enu_rotation(lat0: float, lon0: float) -> FloatArray:
    """Return the 3x3 matrix whose rows are the E, N, U unit vectors in ECEF at an origin."""
    phi, lam = np.radians(lat0), np.radians(lon0)
    sp, cp, sl, cl = np.sin(phi), np.cos(phi), np.sin(lam), np.cos(lam)
    return np.array(
        [
            [-sl, cl, 0.0],
            [-sp * cl, -sp * sl, cp],
            [cp * cl, cp * sl, sp],
        ]
    )


def ecef_to_enu(
    x_ecef_m: ArrayLike,
    y_ecef_m: ArrayLike,
    z_ecef_m: ArrayLike,
    lat0: float,
    lon0: float,
    hae0_m: float,
) -> Xyz:
    """ECEF metres to ENU metres about the origin ``(lat0, lon0, hae0_m)``."""
    ox, oy, oz = geodetic_to_ecef(lat0, lon0, hae0_m)
    r = enu_rotation(lat0, lon0)
    x, y, z = np.broadcast_arrays(_f64(x_ecef_m), _f64(y_ecef_m), _f64(z_ecef_m))
    dx, dy, dz = x - ox, y - oy, z - oz
    e = r[0, 0] * dx + r[0, 1] * dy
    n = r[1, 0] * dx + r[1, 1] * dy + r[1, 2] * dz
    u = r[2, 0] * dx + r[2, 1] * dy + r[2, 2] * dz
    return _f64(e), _f64(n), _f64(u)


def enu_to_ecef(
    e_m: ArrayLike, n_m: ArrayLike, u_m: ArrayLike, lat0: float, lon0: float, hae0_m: float
) -> Xyz:
    """ENU metres about ``(lat0, lon0, hae0_m)`` to ECEF metres."""
    ox, oy, oz = geodetic_to_ecef(lat0, lon0, hae0_m)
    r = enu_rotation(lat0, lon0)
    e, n, u = np.broadcast_arrays(_f64(e_m), _f64(n_m), _f64(u_m))
    x = r[0, 0] * e + r[1, 0] * n + r[2, 0] * u + ox
    y = r[0, 1] * e + r[1, 1] * n + r[2, 1] * u + oy
    z = r[1, 2] * n + r[2, 2] * u + oz
    return _f64(x), _f64(y), _f64(z)


def geodetic_to_enu(
    lat: ArrayLike, lon: ArrayLike, hae_m: ArrayLike, lat0: float, lon0: float, hae0_m: float
) -> Xyz:
    """WGS84 ``(lat, lon, hae_m)`` to ENU metres about ``(lat0, lon0, hae0_m)``."""
    return ecef_to_enu(*geodetic_to_ecef(lat, lon, hae_m), lat0, lon0, hae0_m)


def enu_to_geodetic(
    e_m: ArrayLike, n_m: ArrayLike, u_m: ArrayLike, lat0: float, lon0: float, hae0_m: float
) -> Xyz:
    """ENU metres about ``(lat0, lon0, hae0_m)`` to WGS84 ``(lat, lon, hae_m)``."""
    return ecef_to_geodetic(*enu_to_ecef(e_m, n_m, u_m, lat0, lon0, hae0_m))


@dataclass(frozen=True, slots=True)
class SiteFrame:
    """A local ENU frame for one sector (or one sensor site), with MSL heights at its edges.

    ``lat0``, ``lon0`` in WGS84 degrees and ``alt0_m`` above mean sea level define the
    origin. :meth:`to_enu` and :meth:`from_enu` take and give heights above mean sea
    level, converting through the EGM96 geoid, so callers never handle ellipsoidal
    heights. Immutable, hence thread-safe.
    """

    lat0: float
    lon0: float
    alt0_m: float = 0.0
    hae0_m: float = field(init=False)
    _rot: FloatArray = field(init=False, repr=False, compare=False)
    _origin_ecef_m: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat0 <= 90.0) or not (-180.0 <= self.lon0 <= 180.0):
            raise ValueError(f"frame origin outside WGS84 range: {self.lat0}, {self.lon0}")
        hae0 = float(msl_to_hae_m(self.lat0, self.lon0, self.alt0_m))
        object.__setattr__(self, "hae0_m", hae0)
        object.__setattr__(self, "_rot", enu_rotation(self.lat0, self.lon0))
        origin = np.array([float(c) for c in geodetic_to_ecef(self.lat0, self.lon0, hae0)])
        object.__setattr__(self, "_origin_ecef_m", origin)

    def to_enu(self, lat: ArrayLike, lon: ArrayLike, alt_m: ArrayLike) -> Xyz:
        """WGS84 degrees and metres above MSL to ``(e_m, n_m, u_m)`` in this frame."""
        x, y, z = geodetic_to_ecef(lat, lon, msl_to_hae_m(lat, lon, alt_m))
        r, o = self._rot, self._origin_ecef_m
        dx, dy, dz = x - o[0], y - o[1], z - o[2]
        e = r[0, 0] * dx + r[0, 1] * dy
        n = r[1, 0] * dx + r[1, 1] * dy + r[1, 2] * dz
        u = r[2, 0] * dx + r[2, 1] * dy + r[2, 2] * dz
        return e, n, u

    def from_enu(self, e_m: ArrayLike, n_m: ArrayLike, u_m: ArrayLike) -> Xyz:
        """``(e_m, n_m, u_m)`` in this frame to WGS84 ``(lat, lon, alt_m)`` above MSL."""
        e, n, u = np.broadcast_arrays(_f64(e_m), _f64(n_m), _f64(u_m))
        r, o = self._rot, self._origin_ecef_m
        x = r[0, 0] * e + r[1, 0] * n + r[2, 0] * u + o[0]
        y = r[0, 1] * e + r[1, 1] * n + r[2, 1] * u + o[1]
        z = r[1, 2] * n + r[2, 2] * u + o[2]
        lat, lon, hae = ecef_to_geodetic(x, y, z)
        return lat, lon, hae_to_msl_m(lat, lon, hae)

    def to_en(self, lat: ArrayLike, lon: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Horizontal ENU coordinates of points on the ellipsoid (for 2-D geography)."""
        x, y, z = geodetic_to_ecef(lat, lon, 0.0)
        r, o = self._rot, self._origin_ecef_m
        dx, dy, dz = x - o[0], y - o[1], z - o[2]
        return r[0, 0] * dx + r[0, 1] * dy, r[1, 0] * dx + r[1, 1] * dy + r[1, 2] * dz

    def vector_to_local(
        self, ve_m: ArrayLike, vn_m: ArrayLike, vu_m: ArrayLike, lat: ArrayLike, lon: ArrayLike
    ) -> Xyz:
        """Rotate vectors given in this frame's ENU axes into the local ENU axes at each point.

        A velocity estimated in the sector frame points slightly differently in the local
        east/north/up of a track 200 km away (about 2.5 degrees at Lithuania's latitude);
        the contract's ``vel_e_mps``/``vel_n_mps``/``vel_u_mps`` are local.
        """
        r0 = self._rot
        v = np.stack(np.broadcast_arrays(_f64(ve_m), _f64(vn_m), _f64(vu_m)), axis=-1)
        v_ecef = v @ r0  # rows of r0 are the frame's E, N, U axes in ECEF
        phi, lam = np.radians(_f64(lat)), np.radians(_f64(lon))
        sp, cp, sl, cl = np.sin(phi), np.cos(phi), np.sin(lam), np.cos(lam)
        x, y, z = v_ecef[..., 0], v_ecef[..., 1], v_ecef[..., 2]
        e = -sl * x + cl * y
        n = -sp * cl * x - sp * sl * y + cp * z
        u = cp * cl * x + cp * sl * y + sp * z
        return _f64(e), _f64(n), _f64(u)
