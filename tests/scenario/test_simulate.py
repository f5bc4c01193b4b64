"""Every built-in scenario simulates, validates against the contract and plots.

The long scenarios are cut short here (the full runs are what bench/simulate_swarm.py
and the CLI do); the incident scenarios run in full.
"""

import dataclasses
import hashlib
from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod

from skywarden.geo.zones import load_geography
from skywarden.sim.plot import plot_scenario
from skywarden.sim.run import simulate, write_outputs
from skywarden.sim.scenarios import ResolvedScenario, builtin_scenario_names, load_scenario, resolve
from skywarden.sources.jsonl import JsonlDetectionSource

# seconds simulated in the tests; None = the whole scenario
DURATION_S = {"swarm-800": 300.0, "pl-2025-09-10": 5400.0, "lt-2025-10-balloons": 7200.0}
GAIZIUNAI = (55.023, 24.385)


def _resolved(name: str) -> ResolvedScenario:
    resolved = resolve(load_scenario(name))
    cut = DURATION_S.get(name)
    return dataclasses.replace(resolved, duration_s=cut) if cut else resolved


@pytest.mark.parametrize("name", builtin_scenario_names())
def test_simulate_builtin_writes_valid_files_and_a_map(name: str, tmp_path: Path) -> None:
    result = simulate(_resolved(name))
    counts = write_outputs(result, tmp_path)
    assert counts["detections"] > 0
    assert counts["truth"] == int(result.truth.alive.sum())
    source = JsonlDetectionSource(tmp_path / "detections.jsonl")
    n_read = sum(1 for _ in source)
    assert n_read == counts["detections"]
    assert source.counts.rejected == 0, source.counts.as_dict()
    arrival = np.asarray(result.synth.arrival_t_s)
    assert (np.diff(arrival) >= 0).all(), "detections.jsonl is ordered by arrival"
    assert (tmp_path / "scenario.json").stat().st_size > 0
    plot_scenario(result, load_geography(result.scenario.geography), tmp_path / "map.png")
    assert (tmp_path / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_simulate_same_seed_same_bytes(tmp_path: Path) -> None:
    digests = []
    for k in range(2):
        out = tmp_path / str(k)
        write_outputs(simulate(_resolved("lt-2025-07-10-defended")), out)
        digests.append(
            {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}
        )
    assert digests[0] == digests[1]
    other = tmp_path / "other"
    write_outputs(simulate(resolve(load_scenario("lt-2025-07-10-defended"), seed=99)), other)
    assert (
        hashlib.sha256((other / "detections.jsonl").read_bytes()).hexdigest()
        != digests[0]["detections.jsonl"]
    )


def test_simulate_lt_2025_07_28_defended_truth_ends_at_gaiziunai() -> None:
    truth = simulate(_resolved("lt-2025-07-28-defended")).truth
    alive = truth.alive[:, 0]
    k_end = int(np.flatnonzero(alive)[-1])
    assert k_end < len(truth.t_s) - 1, "the drone crashes before the scenario ends"
    _, _, dist_m = Geod(ellps="WGS84").inv(
        truth.lon[k_end, 0], truth.lat[k_end, 0], GAIZIUNAI[1], GAIZIUNAI[0]
    )
    assert dist_m < 1000.0
    assert truth.alt_m[k_end, 0] < 200.0  # on the ground (ground_m is 150)
