"""Does the tracker's memory stay flat over a long, dense run? (issue: tracker targets)

Usage: python bench/tracker_memory.py [--scenario radar-1000] [--every-s 60]

Simulates the scenario (``bench/scenarios/`` first, then the built-in ones), then feeds
the detections to the tracker in arrival order, cut into the pipeline's batches, and
keeps nothing of its output but counts. Every ``--every-s`` seconds of event time it
prints the live tracks and the process's resident memory (``VmRSS``, after a garbage
collection and giving freed heap back to the OS, the same way
``_stonesoup_worker.PeakRss`` measures). The simulated detections are held in memory
from the start, so the growth from the first line on is the tracker's own. It ends with
the least-squares slope of resident memory over the second half of the run (MB per
simulated hour), when the number of live tracks has settled, and the run's speed
against real time.
"""

from __future__ import annotations

import argparse
import gc
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from _stonesoup_worker import KIB_PER_MB, _release_free_heap
from skywarden.geo.zones import load_geography
from skywarden.runtime.pipeline import iter_batches
from skywarden.sim.registry import tracker_config
from skywarden.sim.run import simulate
from skywarden.sim.scenarios import load_scenario, resolve
from skywarden.tracking.tracker import Tracker
from tracker_vs_stonesoup import scenario_path


def rss_mb() -> float:
    """Resident memory of this process now, in MB (``nan`` without ``/proc``)."""
    gc.collect()
    _release_free_heap()
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmRSS:"):
                return float(line.split()[1]) / KIB_PER_MB
    except OSError:
        pass
    return math.nan


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="radar-1000")
    parser.add_argument("--every-s", type=float, default=60.0)
    args = parser.parse_args(argv)
    resolved = resolve(load_scenario(scenario_path(args.scenario)))
    print(f"{resolved.name}: simulating {resolved.duration_s:.0f} s ...", file=sys.stderr)
    sim = simulate(resolved)
    detections = sim.synth.detections
    frame = load_geography(resolved.geography).frame
    tracker = Tracker(
        frame,
        tracker_config(resolved),
    )
    t_start = resolved.start_t_s
    print("| event time (s) | detections fed | live tracks | resident memory (MB) |")
    print("|---|---|---|---|")
    samples: list[tuple[float, float]] = []
    next_s = 0.0
    fed = n_updates = 0
    busy_s = 0.0
    t_s = t_start
    for batch in iter_batches(detections):
        t_s = max(d.t_s for d in batch)
        if t_s - t_start >= next_s:
            mem = rss_mb()
            samples.append((t_s - t_start, mem))
            print(f"| {t_s - t_start:.0f} | {fed:,} | {tracker.n_tracks:,} | {mem:.1f} |")
            next_s += args.every_s
        t0 = time.perf_counter()
        n_updates += len(tracker.step(t_s, batch))
        busy_s += time.perf_counter() - t0
        fed += len(batch)
    mem = rss_mb()
    samples.append((t_s - t_start, mem))
    print(f"| {t_s - t_start:.0f} (end) | {fed:,} | {tracker.n_tracks:,} | {mem:.1f} |")
    t = np.array([s[0] for s in samples])
    m = np.array([s[1] for s in samples])
    late = t >= 0.5 * resolved.duration_s
    slope = float(np.polyfit(t[late], m[late], 1)[0]) * 3600.0 if late.sum() >= 2 else math.nan
    print()
    print(
        f"{resolved.name}: {fed:,} detections, {n_updates:,} track updates;"
        f" tracker {busy_s:.1f} s for {resolved.duration_s:.0f} s of data"
        f" ({resolved.duration_s / busy_s:.0f}x real time);"
        f" resident memory {m[0]:.1f} -> {m.max():.1f} MB (peak) -> {m[-1]:.1f} MB;"
        f" slope over the second half {slope:+.1f} MB per simulated hour."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
