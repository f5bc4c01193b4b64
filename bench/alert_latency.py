"""Alert latency with about 1,000 live tracks: detection in, alert out (issue: alerting).

Usage: python bench/alert_latency.py [--scenario radar-1000] [--warmup-s 120]

Simulates the scenario (``bench/scenarios/`` first, then the built-in ones; the default
keeps about 1,000 drones and their radars' clutter in the air over Lithuania), then
runs the whole pipeline (tracking, assessment, alerting, and every output: tracks.jsonl,
alerts.jsonl, CAP, Cursor-on-Target) batch by batch, as the live pipeline does: each
batch is pushed and flushed. A batch that emits an alert event is one in which a
detection made a rule true (or false); its alert latency is the time from the flush
starting (the detection taken) to its last alert event written to alerts.jsonl, CAP and
CoT (the alert has left the process). The pipeline writes alerts before the bulk of
track lines and CoT track events. Every batch's whole flush time is printed too.

Printed: p50, p99 and max of the latency of batches that emitted an alert, and of all
batches after the warm-up (live tracks settle after the first two minutes), with the
live track count. Not included: the batching window itself (a batch closes at most
``runtime.pipeline.BATCH_WINDOW_S`` after its first detection, on the next detection in
a replay, on a timer in live use).
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from skywarden.core.types import AlertEvent
from skywarden.geo.wind import WindField
from skywarden.geo.zones import load_geography
from skywarden.runtime.pipeline import Pipeline, iter_batches
from skywarden.sim.registry import tracker_config
from skywarden.sim.run import simulate
from skywarden.sim.scenarios import load_scenario, resolve
from tracker_vs_stonesoup import scenario_path


def _percentiles(values: Sequence[float]) -> str:
    a = np.asarray(values) * 1000.0
    if a.size == 0:
        return "none"
    return (
        f"n={a.size}, p50 {np.percentile(a, 50):.1f} ms, p99 {np.percentile(a, 99):.1f} ms,"
        f" max {a.max():.1f} ms"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="radar-1000")
    parser.add_argument("--warmup-s", type=float, default=120.0)
    args = parser.parse_args(argv)
    resolved = resolve(load_scenario(scenario_path(args.scenario)))
    print(f"{resolved.name}: simulating {resolved.duration_s:.0f} s ...", file=sys.stderr)
    sim = simulate(resolved)
    geo = load_geography(resolved.geography)
    # The simulated detections (hundreds of thousands of objects) are this benchmark's
    # input buffer, not the pipeline's state: keep the garbage collector from walking them
    # on every full collection (each walk stalled a batch by 300-400 ms).
    gc.collect()
    gc.freeze()
    config = tracker_config(resolved)
    alert_lat: list[float] = []
    all_lat: list[float] = []
    tracks_at_alerts: list[int] = []
    with (
        tempfile.TemporaryDirectory(prefix="sw-alert-latency-") as tmp,
        Pipeline(geo, Path(tmp), config, wind=WindField(resolved.wind)) as pipeline,
    ):
        print(f"{resolved.name}: running the pipeline ...", file=sys.stderr)
        alerts_out: list[float] = []
        write_alert = pipeline._alert

        def timed_alert(event: AlertEvent) -> None:
            write_alert(event)  # alerts.jsonl, CAP and CoT: the alert has left
            alerts_out.append(time.perf_counter())

        pipeline._alert = timed_alert  # type: ignore[method-assign]
        for batch in iter_batches(sim.synth.detections):
            for det in batch:
                pipeline.push(det)
            alerts_out.clear()
            t0 = time.perf_counter()
            pipeline.flush()
            dt = time.perf_counter() - t0
            if batch[0].t_s - resolved.start_t_s < args.warmup_s:
                continue
            all_lat.append(dt)
            if alerts_out:
                alert_lat.append(alerts_out[-1] - t0)  # the batch's last alert written
                tracks_at_alerts.append(pipeline.tracker.n_tracks)
        summary = pipeline.summary
    print(
        f"{resolved.name}: {summary.detections:,} detections, {summary.track_updates:,} track"
        f" updates, {summary.tracks_confirmed:,} tracks confirmed, {summary.alert_events:,}"
        f" alert events, {summary.cap_messages:,} CAP messages, {summary.cot_events:,} CoT"
        " events"
    )
    if tracks_at_alerts:
        print(
            f"live tracks when alerts left: median {int(np.median(tracks_at_alerts)):,},"
            f" min {min(tracks_at_alerts):,}"
        )
    print(f"latency of batches that emitted an alert: {_percentiles(alert_lat)}")
    print(f"latency of every batch after {args.warmup_s:.0f} s: {_percentiles(all_lat)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
