"""Alert timeline of the simulated 28 July 2025 night, defended (issue: alerting targets).

Two of the targets, asserted from the output files against the simulator's truth: the
municipality the drone enters is warned (yellow or red) no later than the drone gets
there, and Vilnius city is warned before the drone reaches it. Every alert ends with one
all-clear. (``bench/alert_timelines.py`` prints the whole timeline.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from skywarden.core.time import parse_rfc3339
from skywarden.geo.zones import load_geography
from skywarden.runtime.pipeline import Pipeline
from skywarden.sim.registry import tracker_config
from skywarden.sim.run import simulate
from skywarden.sim.scenarios import load_scenario, resolve

pytestmark = pytest.mark.slow


def test_the_path_is_warned_before_the_drone_and_every_alert_clears(tmp_path: Path) -> None:
    # one test, so that a parallel run simulates the 90-minute night once
    resolved = resolve(load_scenario("lt-2025-07-28-defended"))
    sim = simulate(resolved)
    geo = load_geography(resolved.geography)
    config = tracker_config(resolved)
    with Pipeline(geo, tmp_path, config) as pipeline:
        pipeline.run(sim.synth.detections)
    alerts = [json.loads(x) for x in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    alive = sim.truth.alive[:, 0]
    zones = geo.zone_of(sim.truth.lat[alive, 0], sim.truth.lon[alive, 0])
    t = sim.truth.t_s[alive]
    first_over: dict[str, float] = {}
    for k in np.flatnonzero(zones != "").tolist():
        first_over.setdefault(str(zones[k]), float(t[k]))
    warned: dict[str, float] = {}
    for a in alerts:
        if a["level"] in ("yellow", "red"):
            for z in a["zone_ids"]:
                warned[z] = min(warned.get(z, np.inf), parse_rfc3339(a["time"]))

    # the municipality the drone enters is warned no later than the drone gets there
    entry = str(zones[np.flatnonzero(zones != "")[0]])
    assert warned.get(entry, np.inf) <= first_over[entry], f"{entry} not warned in time"

    # Vilnius city (looked up, not assumed) is warned before the drone reaches it
    city = next(z for z, zone in geo.zones.items() if zone.name.startswith("Vilniaus miesto"))
    assert city in first_over, "the simulated route crosses Vilnius city"
    assert warned.get(city, np.inf) < first_over[city]

    # every alert ends with exactly one all-clear
    by_id: dict[str, list[dict[str, Any]]] = {}
    for a in alerts:
        by_id.setdefault(a["alert_id"], []).append(a)
    assert by_id
    for events in by_id.values():
        assert events[-1]["state"] == "cleared" and events[-1]["level"] == "white"
        assert sum(e["state"] == "cleared" for e in events) == 1
