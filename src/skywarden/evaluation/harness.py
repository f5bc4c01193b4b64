"""Run a simulated scenario through the whole pipeline for evaluation (benchmarks, tests).

:func:`run_alerts` simulates a scenario with its seed, runs the detections through
:class:`~skywarden.runtime.pipeline.Pipeline` (tracking, assessment, alerting, outputs;
with the registry's tracker configuration and silence limits and the scenario's wind as
the forecast) into a folder and reads the track and alert lines back;
``evaluation.alerts`` reads them against the truth. The only evaluation module allowed to
use the runtime (the import contract in pyproject.toml).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skywarden.evaluation.alerts import PUBLIC_LEVELS
from skywarden.geo.wind import WindField
from skywarden.geo.zones import Geography, load_geography
from skywarden.runtime.pipeline import Pipeline, RunSummary
from skywarden.sim.registry import silence_limits, tracker_config
from skywarden.sim.run import SimResult, simulate
from skywarden.sim.scenarios import load_scenario, resolve

__all__ = ["AlertRun", "run_alerts"]


@dataclass(frozen=True, slots=True)
class AlertRun:
    """A simulated scenario run through the pipeline, with its output lines read back."""

    sim: SimResult
    geography: Geography
    summary: RunSummary
    alerts: list[dict[str, Any]]
    tracks: list[dict[str, Any]]

    @property
    def public(self) -> list[dict[str, Any]]:
        """Alert events at a public level (yellow, red)."""
        return [a for a in self.alerts if a["level"] in PUBLIC_LEVELS]


def run_alerts(scenario: str, out_dir: Path, seed: int | None = None) -> AlertRun:
    """Simulate ``scenario`` (a name or path) and run it through the pipeline into ``out_dir``.

    ``seed`` replaces the scenario's own (another draw of the same scenario).
    """
    spec = load_scenario(scenario)
    if seed is not None:
        spec = spec.model_copy(update={"seed": seed})
    resolved = resolve(spec)
    sim = simulate(resolved)
    geo = load_geography(resolved.geography)
    wind = WindField(resolved.wind)  # the forecast a deployment would have
    with Pipeline(
        geo,
        out_dir,
        tracker_config(resolved),
        wind=wind,
        silence_limits_s=silence_limits(resolved),  # the radars watched for outages
    ) as pipeline:
        summary = pipeline.run(sim.synth.detections)
    alerts = [json.loads(x) for x in (out_dir / "alerts.jsonl").read_text().splitlines()]
    tracks = [json.loads(x) for x in (out_dir / "tracks.jsonl").read_text().splitlines()]
    return AlertRun(sim, geo, summary, alerts, tracks)
