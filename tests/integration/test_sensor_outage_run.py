"""A simulated drone radar outage, end to end: scenario file -> simulator -> pipeline -> alerts.

A six-minute scenario with one drone radar (about 11 clutter plots a second) that is
down from 2 to 4 minutes. Run through ``evaluation.harness.run_alerts`` and through
``skywarden run``, ``alerts.jsonl`` must hold one ``sensor_outage`` notice for that radar,
raised once its silence passed the registry's limit and cleared ``clear_after_s`` after
it came back, with the contract's fields; the same scenario without the outage raises
none, not even when the input ends.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from skywarden.alerting.rules import load_rules
from skywarden.core.time import parse_rfc3339
from skywarden.evaluation.harness import AlertRun, run_alerts
from skywarden.runtime.cli import app
from skywarden.runtime.pipeline import TICK_S
from skywarden.sim.registry import silence_limits
from skywarden.sim.scenarios import load_scenario, resolve

OUTAGE_S = (120.0, 240.0)  # seconds after the start
SCENARIO = """
name: drone-radar-outage
title: A drone radar goes down for two minutes
start: "2025-07-28T01:00:00Z"
duration_s: 360
seed: 5
targets:
  # far from the radar (about 100 km): the run is about the radar, not a track
  - {model: gerbera, route: [[54.40, 24.80], [54.45, 25.00]]}
sensors:
  - {id: dr-1, type: drone_radar, lat: 55.30, lon: 23.40, mast_m: 15OUTAGES}
"""
CONTRACT_FIELDS = {
    "time",
    "alert_id",
    "state",
    "level",
    "kind",
    "track_ids",
    "zone_ids",
    "site_ids",
    "reason",
}


def _scenario(folder: Path, outage: bool) -> Path:
    windows = f", outages: [{{start_s: {OUTAGE_S[0]}, end_s: {OUTAGE_S[1]}}}]" if outage else ""
    path = folder / ("outage.yaml" if outage else "no-outage.yaml")
    path.write_text(SCENARIO.replace("OUTAGES", windows), encoding="utf-8")
    return path


def _outages(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a for a in alerts if a["kind"] == "sensor_outage"]


@pytest.fixture(scope="module")
def with_outage(tmp_path_factory: pytest.TempPathFactory) -> AlertRun:
    folder = tmp_path_factory.mktemp("outage")
    return run_alerts(str(_scenario(folder, True)), folder / "run")


def test_sensor_outage_run_raises_and_clears_one_notice_for_the_radar(
    with_outage: AlertRun,
) -> None:
    t0 = with_outage.sim.scenario.start_t_s
    limit_s = silence_limits(with_outage.sim.scenario)["dr-1"]
    clear_after_s = next(
        r.clear_after_s for r in load_rules("lt").rules if r.kind.value == "sensor_outage"
    )
    raised, cleared = _outages(with_outage.alerts)
    # down once the silence from its last plot before the window passed the limit
    assert OUTAGE_S[0] < parse_rfc3339(raised["time"]) - t0 <= OUTAGE_S[0] + limit_s + TICK_S
    # back with its first plots after the window, clear clear_after_s later
    cleared_s = parse_rfc3339(cleared["time"]) - t0
    assert OUTAGE_S[1] + clear_after_s <= cleared_s <= OUTAGE_S[1] + clear_after_s + TICK_S
    assert raised["alert_id"] == cleared["alert_id"]
    for event, state, level in ((raised, "raised", "notice"), (cleared, "cleared", "white")):
        assert set(event) == CONTRACT_FIELDS  # no eta_s: an outage has no target to reach
        assert (event["state"], event["level"]) == (state, level)
        assert event["track_ids"] == event["zone_ids"] == event["site_ids"] == []
        assert event["reason"].startswith("lt.sensor_outage: ")  # the rule id, then words
        assert "sensor dr-1" in event["reason"]
    times = [parse_rfc3339(a["time"]) for a in with_outage.alerts]
    assert times == sorted(times), "alerts.jsonl stays in time order"
    assert with_outage.summary.sensor_outages == 1
    notes = [e.text for e in with_outage.summary.timeline if e.what == "input"]
    assert notes[0] == f"sensor dr-1 silent for {limit_s:.0f} s: down"
    assert notes[1].startswith("sensor dr-1 reporting again after ")


def test_sensor_outage_run_without_an_outage_raises_none(tmp_path: Path) -> None:
    run = run_alerts(str(_scenario(tmp_path, False)), tmp_path / "run")
    assert len(run.sim.synth.detections) > 3000  # the radar's clutter went through
    assert _outages(run.alerts) == []
    assert run.summary.sensor_outages == 0


def test_sensor_outage_run_from_the_command_line(tmp_path: Path) -> None:
    path = _scenario(tmp_path, True)
    assert "dr-1" in silence_limits(resolve(load_scenario(path)))
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert "sensor dr-1 silent for" in result.output
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["sensor_outages"] == 1
    lines = (tmp_path / "run" / "alerts.jsonl").read_text().splitlines()
    states = [a["state"] for a in _outages([json.loads(x) for x in lines])]
    assert states == ["raised", "cleared"]
