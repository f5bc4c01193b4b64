"""EGM96 geoid: convert heights above mean sea level to heights above the WGS84 ellipsoid.

The interchange contract's ``alt_m`` is above mean sea level (MSL); GNSS, Remote ID and
ECEF work with heights above the ellipsoid (HAE). ``hae = msl + N`` where ``N`` is the
geoid undulation, about +25 m around Vilnius. pyproj without a geoid grid silently
returns the height unchanged, so SkyWarden ships its own grid (see
``skywarden/data/geoid/README.md``) and never depends on one being installed.

All functions take floats or numpy arrays (broadcast together) and return float64 arrays.
"""

from __future__ import annotations

import functools
from importlib import resources

import numpy as np
import numpy.typing as npt

__all__ = ["geoid_undulation_m", "hae_to_msl_m", "msl_to_hae_m"]

ArrayLike = npt.ArrayLike
FloatArray = npt.NDArray[np.float64]


@functools.cache
def _grid() -> tuple[float, float, float, FloatArray]:
    """Load the grid once per process (about 20 ms); read-only afterwards, so thread-safe."""
    ref = resources.files("skywarden.data").joinpath("geoid/egm96_10min.npz")
    with ref.open("rb") as fh, np.load(fh) as data:
        cm = np.cumsum(data["undulation_d2_cm"].astype(np.int32), axis=0)
        np.cumsum(cm, axis=1, out=cm)
        lat0 = float(data["lat0_deg"])
        lon0 = float(data["lon0_deg"])
        step = float(data["step_deg"])
    values_m = cm.astype(np.float64) / 100.0
    values_m.flags.writeable = False
    return lat0, lon0, step, values_m


def geoid_undulation_m(lat: ArrayLike, lon: ArrayLike) -> FloatArray:
    """Return the EGM96 geoid undulation N in metres (geoid above the ellipsoid).

    ``lat`` and ``lon`` are WGS84 degrees; longitude wraps, latitude is clamped to
    [-90, 90]; a non-finite coordinate gives NaN. Bilinear interpolation on the 10' grid.
    """
    lat0, lon0, step, values = _grid()
    lat_in, lon_in = np.broadcast_arrays(np.asarray(lat, np.float64), np.asarray(lon, np.float64))
    bad = ~(np.isfinite(lat_in) & np.isfinite(lon_in))
    # Non-finite coordinates have no undulation: compute on a harmless stand-in, then NaN.
    lat_a = np.clip(np.where(bad, 0.0, lat_in), -90.0, 90.0)
    lon_a = lon0 + np.mod(np.where(bad, 0.0, lon_in) - lon0, 360.0)
    fi = (lat_a - lat0) / step
    fj = (lon_a - lon0) / step
    i0 = np.clip(np.floor(fi).astype(np.intp), 0, values.shape[0] - 2)
    j0 = np.clip(np.floor(fj).astype(np.intp), 0, values.shape[1] - 2)
    di = fi - i0
    dj = fj - j0
    n_m = (
        values[i0, j0] * (1.0 - di) * (1.0 - dj)
        + values[i0, j0 + 1] * (1.0 - di) * dj
        + values[i0 + 1, j0] * di * (1.0 - dj)
        + values[i0 + 1, j0 + 1] * di * dj
    )
    return np.asarray(np.where(bad, np.nan, n_m), dtype=np.float64)


def msl_to_hae_m(lat: ArrayLike, lon: ArrayLike, alt_m: ArrayLike) -> FloatArray:
    """Height above mean sea level to height above the WGS84 ellipsoid, metres."""
    return np.asarray(alt_m, dtype=np.float64) + geoid_undulation_m(lat, lon)


def hae_to_msl_m(lat: ArrayLike, lon: ArrayLike, hae_m: ArrayLike) -> FloatArray:
    """Height above the WGS84 ellipsoid to height above mean sea level, metres."""
    return np.asarray(hae_m, dtype=np.float64) - geoid_undulation_m(lat, lon)
