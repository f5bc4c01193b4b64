"""How the tracker follows the Gerbera of lt-2025-07-28-defended (issue: tracker targets).

Usage: python bench/defended_0728.py

Simulates the scenario, runs the pipeline's tracker on the detections in arrival order
(with the scenario's sensor revisits), and prints, for the drone: which confirmed tracks
followed it (nearest confirmed or coasting track within 1 km of the truth at each track
update), from when to when, and the horizontal position error of those tracks while two
or more acoustic nodes heard it (bearings within the same second).
"""

from __future__ import annotations

import numpy as np

from skywarden.core.enums import TrackStatus
from skywarden.core.time import format_rfc3339
from skywarden.core.types import Bearing, TrackUpdate
from skywarden.geo.zones import load_geography
from skywarden.runtime.pipeline import iter_batches
from skywarden.sim.registry import clutter_densities, revisit_periods
from skywarden.sim.run import simulate
from skywarden.sim.scenarios import load_scenario, resolve
from skywarden.tracking.tracker import Tracker, TrackerConfig

FOLLOW_M = 1000.0


def main() -> None:
    resolved = resolve(load_scenario("lt-2025-07-28-defended"))
    result = simulate(resolved)
    geo = load_geography(resolved.geography)
    tracker = Tracker(
        geo.frame,
        TrackerConfig(
            revisit_s=revisit_periods(resolved), clutter_density=clutter_densities(resolved)
        ),
    )
    updates: list[TrackUpdate] = []
    for batch in iter_batches(result.synth.detections):
        updates += tracker.step(max(d.t_s for d in batch), batch)

    truth = result.truth
    alive = truth.alive[:, 0]
    t_truth = truth.t_s[alive]
    e_t, n_t, _ = geo.frame.to_enu(truth.lat[alive, 0], truth.lon[alive, 0], truth.alt_m[alive, 0])
    acoustic_s: dict[int, set[str]] = {}
    for d in result.synth.detections:
        if isinstance(d, Bearing) and d.sensor_id.startswith("ac-"):
            acoustic_s.setdefault(round(d.t_s), set()).add(d.sensor_id)
    heard_by_two = {t for t, nodes in acoustic_s.items() if len(nodes) >= 2}

    follow: dict[str, list[float]] = {}
    errors_two: list[float] = []
    for u in updates:
        if u.status not in (TrackStatus.CONFIRMED, TrackStatus.COASTING):
            continue
        k = int(np.searchsorted(t_truth, u.t_s))
        if k >= len(t_truth):
            continue
        e, n, _ = geo.frame.to_enu(u.lat, u.lon, u.alt_m)
        err = float(np.hypot(float(e) - e_t[k], float(n) - n_t[k]))
        if err <= FOLLOW_M:
            follow.setdefault(u.track_id, []).append(u.t_s)
            if round(u.t_s) in heard_by_two:
                errors_two.append(err)
    print(
        f"lt-2025-07-28-defended: drone flies {format_rfc3339(t_truth[0])}"
        f" - {format_rfc3339(t_truth[-1])}"
    )
    first_two = min(heard_by_two) if heard_by_two else None
    print(
        "  first second with two acoustic nodes: "
        + (format_rfc3339(first_two) if first_two is not None else "never")
    )
    print(f"  confirmed tracks within {FOLLOW_M:.0f} m of the drone: {len(follow)}")
    for tid, times in sorted(follow.items(), key=lambda kv: kv[1][0]):
        print(
            f"    {tid}: {format_rfc3339(times[0])} - {format_rfc3339(times[-1])}"
            f" ({len(times)} updates)"
        )
    if errors_two:
        a = np.asarray(errors_two)
        print(
            f"  error while two or more nodes hear it: n={a.size} median {np.median(a):.0f} m,"
            f" p95 {np.percentile(a, 95):.0f} m, max {a.max():.0f} m"
        )
    else:
        print("  no track update within 1 km in seconds when two or more nodes heard it")


if __name__ == "__main__":
    main()
