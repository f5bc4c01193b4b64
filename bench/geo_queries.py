"""Time the geography pack: load, then country_of, zone_of and border_distance_m.

Usage: ``python bench/geo_queries.py [pack]`` (default ``lt``). Points are uniform in a
box around Lithuania (53.3-57.2 N, 19.8-27.8 E, seeded), so about a third fall inside
it, the rest in the neighbours or at sea. Each figure is the best of several runs.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable

import numpy as np

from skywarden.geo.zones import load_geography

REPEATS = 5
SIZES = (1_000, 100_000)


def best_of_s(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(pack: str) -> None:
    t0 = time.perf_counter()
    geo = load_geography(pack)
    load_s = time.perf_counter() - t0
    cached_s = best_of_s(lambda: load_geography(pack))
    print(f"pack {geo.name!r}: first load {load_s * 1e3:.0f} ms, cached {cached_s * 1e6:.1f} µs")

    rng = np.random.default_rng(2025)
    queries = {
        "country_of": geo.country_of,
        "zone_of": geo.zone_of,
        "border_distance_m": geo.border_distance_m,
    }
    for n in SIZES:
        lat = rng.uniform(53.3, 57.2, n)
        lon = rng.uniform(19.8, 27.8, n)
        inside = float(np.mean(geo.country_of(lat, lon) == geo.protected_country))
        print(f"{n:,} points ({inside:.0%} inside {geo.protected_country}):")
        for name, query in queries.items():
            seconds = best_of_s(functools.partial(query, lat, lon), 3 if n > 10_000 else REPEATS)
            print(f"  {name:18s} {seconds * 1e3:8.1f} ms  {seconds / n * 1e6:6.2f} µs/point")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "lt")
