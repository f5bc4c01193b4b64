"""Run a resolved scenario and write its files.

:func:`simulate` flies the targets (``truth``) and lets every sensor observe them
(``synth``); :func:`write_outputs` writes

- ``detections.jsonl``: the interchange contract, in ARRIVAL order (each sensor has a
  latency, so event times are not monotonic, as in a live feed);
- ``truth.jsonl``: one line per flying target per truth step: ``time``, ``target_id``,
  ``class``, ``lat``, ``lon``, ``alt_m``, ``vel_e_mps``, ``vel_n_mps``, ``vel_u_mps``;
- ``scenario.json``: every resolved parameter, so a run can be explained and repeated.

The same scenario and seed give byte-identical files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from skywarden.core.time import format_rfc3339
from skywarden.outputs.jsonl import DetectionWriter
from skywarden.sim.scenarios import ResolvedScenario
from skywarden.sim.synth import SynthResult, synthesize
from skywarden.sim.truth import Truth, simulate_truth

__all__ = ["SimResult", "simulate", "write_outputs", "write_truth"]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class SimResult:
    """A simulated scenario: its resolved parameters, the truth and the detections."""

    scenario: ResolvedScenario
    truth: Truth
    synth: SynthResult


def simulate(scenario: ResolvedScenario, progress: Progress | None = None) -> SimResult:
    """Fly the targets and observe them with every sensor, all from the scenario's seed.

    The truth and the sensors draw from independent child generators of the seed, so a
    change to a sensor never changes the flown trajectories.
    """
    truth_rng, sensor_rng = np.random.default_rng(scenario.seed).spawn(2)
    if progress is not None:
        progress("truth", 0, 1)
    truth = simulate_truth(scenario, truth_rng)
    if progress is not None:
        progress("truth", 1, 1)

    def on_sensor(done: int, total: int) -> None:
        if progress is not None:
            progress("sensors", done, total)

    synth = synthesize(scenario, truth, sensor_rng, on_sensor)
    return SimResult(scenario, truth, synth)


def write_truth(truth: Truth, path: Path) -> int:
    """Write ``truth.jsonl`` (one line per flying target per step); return the line count."""
    k_idx, i_idx = np.nonzero(truth.alive)
    classes = [t.obj_class.value for t in truth.targets]
    ids = [t.target_id for t in truth.targets]
    stamps = [format_rfc3339(float(t)) for t in truth.t_s]
    cols = (
        np.round(truth.lat[k_idx, i_idx], 7),
        np.round(truth.lon[k_idx, i_idx], 7),
        np.round(truth.alt_m[k_idx, i_idx], 2),
        np.round(truth.vel_e_mps[k_idx, i_idx], 3),
        np.round(truth.vel_n_mps[k_idx, i_idx], 3),
        np.round(truth.vel_u_mps[k_idx, i_idx], 3),
    )
    lat, lon, alt, ve, vn, vu = (c.tolist() for c in cols)
    with path.open("w", encoding="utf-8") as fh:
        for j, (k, i) in enumerate(zip(k_idx.tolist(), i_idx.tolist(), strict=True)):
            fh.write(
                f'{{"time":"{stamps[k]}","target_id":{json.dumps(ids[i])},"class":"{classes[i]}",'
                f'"lat":{lat[j]!r},"lon":{lon[j]!r},"alt_m":{alt[j]!r},"vel_e_mps":{ve[j]!r},'
                f'"vel_n_mps":{vn[j]!r},"vel_u_mps":{vu[j]!r}}}\n'
            )
    return len(k_idx)


def write_outputs(result: SimResult, out_dir: Path) -> dict[str, int]:
    """Write ``detections.jsonl``, ``truth.jsonl`` and ``scenario.json``; return line counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with DetectionWriter(out_dir / "detections.jsonl") as writer:
        n_det = writer.write_all(result.synth.detections)
    n_truth = write_truth(result.truth, out_dir / "truth.jsonl")
    doc = result.scenario.to_json()
    doc["counts_by_sensor"] = dict(sorted(result.synth.counts_by_sensor.items()))
    doc["counts_by_kind"] = dict(sorted(result.synth.counts_by_kind.items()))
    (out_dir / "scenario.json").write_text(
        json.dumps(doc, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    return {"detections": n_det, "truth": n_truth}
