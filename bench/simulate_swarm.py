"""Time the simulator on the swarm-800 scenario (800 drones, one hour) and print figures.

Usage: python bench/simulate_swarm.py [--duration-s 3600] [--out DIR]

Prints the wall time of each stage (resolve, truth, sensors, writing the files), the
detection counts by kind and the file sizes. The target (issue: scenario simulator) is
one simulated hour in under two minutes on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

from skywarden.sim.run import simulate, write_outputs
from skywarden.sim.scenarios import load_scenario, resolve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration-s", type=float, default=3600.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    t0 = time.perf_counter()
    resolved = resolve(load_scenario("swarm-800"))
    resolved = dataclasses.replace(resolved, duration_s=args.duration_s)
    t1 = time.perf_counter()
    stages: dict[str, float] = {}
    last = [t1]

    def progress(stage: str, done: int, total: int) -> None:
        if done == total:
            now = time.perf_counter()
            stages[stage] = now - last[0]
            last[0] = now

    result = simulate(resolved, progress)
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        counts = write_outputs(result, out)
        t3 = time.perf_counter()
        sizes = {p.name: p.stat().st_size for p in out.iterdir()}
    n_sensors = len(resolved.sensors)
    print(
        f"swarm-800: {len(resolved.targets)} targets, {n_sensors} sensors,"
        f" {args.duration_s:.0f} s simulated"
    )
    print(f"  resolve            {t1 - t0:8.2f} s")
    print(f"  truth              {stages.get('truth', float('nan')):8.2f} s")
    print(f"  sensors            {stages.get('sensors', float('nan')):8.2f} s")
    print(f"  write files        {t3 - t2:8.2f} s")
    print(
        f"  total              {t3 - t0:8.2f} s"
        f"  ({args.duration_s / (t3 - t0):.0f}x faster than real time)"
    )
    for kind, n in sorted(result.synth.counts_by_kind.items()):
        print(f"  detections {kind:<10} {n:9d}")
    print(f"  detections total   {counts['detections']:9d}")
    print(f"  truth lines        {counts['truth']:9d}")
    for name, size in sorted(sizes.items()):
        print(f"  {name:<18} {size / 1e6:8.1f} MB")


if __name__ == "__main__":
    main()
