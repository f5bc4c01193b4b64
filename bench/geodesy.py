"""Throughput of SkyWarden's frame conversions and geoid against PROJ's topocentric pipeline.

Run from the repository root::

    .venv/bin/python bench/geodesy.py [--points 1000000] [--repeat 3]

Points are generated (seeded): 0-300 km geodesic distance from a Vilnius origin in every
direction, 0-20 km above mean sea level. Each figure is the best of ``--repeat`` runs.
The differences to PROJ are printed in millimetres. If PROJ's EGM96 grid is installed
(Debian ``proj-data``), the geoid is also compared with it.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pyproj
from pyproj import Geod, Transformer
from pyproj.transformer import TransformerGroup

from skywarden.geo.frames import SiteFrame, geodetic_to_enu
from skywarden.geo.geoid import geoid_undulation_m

ORIGIN = (54.6872, 25.2797, 112.0)  # Vilnius, metres above MSL
MAX_RANGE_M = 300_000.0
MAX_ALT_M = 20_000.0
SEED = 20260901
PROJ_DEBIAN_DATA_DIR = "/usr/share/proj"


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best_s, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best_s = min(best_s, time.perf_counter() - t0)
    return best_s, result


def max_diff_mm(a: Any, b: Any) -> float:
    """Largest absolute difference over matching components, in millimetres."""
    return 1e3 * max(
        float(np.abs(np.asarray(x) - np.asarray(y)).max()) for x, y in zip(a, b, strict=True)
    )


def proj_egm96_max_diff_m(lat: np.ndarray, lon: np.ndarray, n_m: np.ndarray) -> float | None:
    """Max |N_ours - N_PROJ| in metres, or None without PROJ's grid; restores pyproj's data dir."""
    previous = pyproj.datadir.get_data_dir()
    try:
        pyproj.datadir.append_data_dir(PROJ_DEBIAN_DATA_DIR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            group = TransformerGroup("EPSG:4979", "EPSG:4326+5773", always_xy=True)
        if not group.best_available:
            return None
        _, _, msl_m = group.transformers[0].transform(lon, lat, np.zeros_like(lat))
        return float(np.abs(n_m + np.asarray(msl_m)).max())
    finally:
        pyproj.datadir.set_data_dir(previous)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, repeat = args.points, args.repeat

    rng = np.random.default_rng(SEED)
    lat0, lon0, alt0_m = ORIGIN
    lon, lat, _ = Geod(ellps="WGS84").fwd(
        np.full(n, lon0), np.full(n, lat0), rng.uniform(0, 360, n), rng.uniform(0, MAX_RANGE_M, n)
    )
    lat, lon = np.asarray(lat), np.asarray(lon)
    alt_m = rng.uniform(0.0, MAX_ALT_M, n)

    frame = SiteFrame(lat0, lon0, alt0_m)
    hae_m = alt_m + geoid_undulation_m(lat, lon)
    topo = Transformer.from_pipeline(
        "+proj=pipeline +step +proj=cart +ellps=WGS84 +step +proj=topocentric +ellps=WGS84 "
        f"+lon_0={lon0!r} +lat_0={lat0!r} +h_0={frame.hae0_m!r}"
    )

    rows: list[tuple[str, float]] = []
    t, enu_frame = best_of(repeat, lambda: frame.to_enu(lat, lon, alt_m))
    rows.append(("SiteFrame.to_enu (MSL, incl. geoid)", t))
    t, geo_back = best_of(repeat, lambda: frame.from_enu(*enu_frame))
    rows.append(("SiteFrame.from_enu (MSL, incl. geoid)", t))
    t, enu_fn = best_of(repeat, lambda: geodetic_to_enu(lat, lon, hae_m, lat0, lon0, frame.hae0_m))
    rows.append(("geodetic_to_enu (HAE)", t))
    t, enu_proj = best_of(repeat, lambda: topo.transform(lon, lat, hae_m))
    rows.append(("pyproj cart+topocentric forward (HAE)", t))
    t, geo_proj = best_of(repeat, lambda: topo.transform(*enu_proj, direction="INVERSE"))
    rows.append(("pyproj cart+topocentric inverse (HAE)", t))
    t, n_m = best_of(repeat, lambda: geoid_undulation_m(lat, lon))
    rows.append(("geoid_undulation_m", t))

    print(
        f"geodesy bench: {n:,} points, best of {repeat}; Python {platform.python_version()}, "
        f"numpy {np.__version__}, pyproj {pyproj.__version__} (PROJ {pyproj.proj_version_str}), "
        f"{os.cpu_count()} CPUs"
    )
    width = max(len(name) for name, _ in rows)
    for name, t in rows:
        print(f"  {name:<{width}}  {t * 1e3:8.1f} ms  {n / t / 1e6:7.2f} M points/s")

    lat_b, lon_b, alt_b = geo_back
    lon_p, lat_p, hae_p = (np.asarray(c) for c in geo_proj)
    # from_enu is compared in metres on the ground (1 deg of latitude ~ 111.32 km).
    ground_m = (
        (lat_b - lat_p) * 111_320.0,
        ((lon_b - lon_p + 180.0) % 360.0 - 180.0) * 111_320.0 * np.cos(np.radians(lat)),
        (alt_b + n_m) - hae_p,
    )
    print("max difference to pyproj:")
    print(f"  geodetic_to_enu vs topocentric forward    {max_diff_mm(enu_fn, enu_proj):.2e} mm")
    print(f"  SiteFrame.to_enu vs topocentric forward   {max_diff_mm(enu_frame, enu_proj):.2e} mm")
    print(f"  SiteFrame.from_enu vs topocentric inverse {max_diff_mm(ground_m, (0, 0, 0)):.2e} mm")
    geoid_diff_m = proj_egm96_max_diff_m(lat, lon, n_m)
    if geoid_diff_m is None:
        print("  geoid vs PROJ EGM96: skipped (install Debian proj-data for egm96_15.gtx)")
    else:
        print(f"  geoid vs PROJ EGM96 15' grid              {geoid_diff_m * 1e3:.0f} mm")


if __name__ == "__main__":
    main()
