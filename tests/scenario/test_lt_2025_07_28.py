"""End to end on the built-in hand-written 28 July 2025 scenario (see its YAML header)."""

import json
from pathlib import Path

import pytest

from skywarden.core.time import parse_rfc3339
from skywarden.geo.zones import load_geography
from skywarden.runtime.cli import open_source
from skywarden.runtime.pipeline import Pipeline, RunSummary


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunSummary]:
    out = tmp_path_factory.mktemp("lt-2025-07-28")
    with Pipeline(load_geography("lt"), out) as pipeline:
        summary = pipeline.run(open_source("lt-2025-07-28"))
    return out, summary


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_scenario_reads_every_detection_and_rejects_none(run: tuple[Path, RunSummary]) -> None:
    out, summary = run
    assert summary.detections == 138
    assert sum(summary.rejects.values()) == 0
    assert (out / "quarantine.jsonl").read_text() == ""


def test_scenario_gives_one_drone_track_and_one_airliner_track(
    run: tuple[Path, RunSummary],
) -> None:
    out, summary = run
    tracks = _lines(out / "tracks.jsonl")
    confirmed = {t["track_id"] for t in tracks if t["status"] == "confirmed"}
    assert len(confirmed) == 2, confirmed
    assert summary.tracks_confirmed == 2
    # every track ends with exactly one deleted line (the pipeline drains at the end)
    for tid in {t["track_id"] for t in tracks}:
        own = [t for t in tracks if t["track_id"] == tid]
        assert own[-1]["status"] == "deleted"
        assert sum(t["status"] == "deleted" for t in own) == 1


def test_scenario_raises_a_border_crossing_for_the_drone_only(
    run: tuple[Path, RunSummary],
) -> None:
    out, _ = run
    alerts = _lines(out / "alerts.jsonl")
    raised = [a for a in alerts if a["state"] == "raised"]
    assert len(raised) == 1
    first = raised[0]
    assert first["kind"] == "border_crossing"
    assert first["level"] == "yellow"
    assert "BLR" in first["reason"]
    # the first residents' report inside Lithuania comes at 01:47:40; the alert follows it
    t = parse_rfc3339(first["time"])
    assert parse_rfc3339("2025-07-28T01:47:00Z") <= t <= parse_rfc3339("2025-07-28T01:50:00Z")
    # the warning follows the drone into Vilnius city (LT-57 is not assumed: look it up)
    geo = load_geography("lt")
    vilnius = [z for z, zone in geo.zones.items() if zone.name.startswith("Vilniaus miesto")]
    assert any(vilnius[0] in a["zone_ids"] for a in alerts)
    assert alerts[-1]["state"] == "cleared"
    assert alerts[-1]["level"] == "white"
    assert {a["alert_id"] for a in alerts} == {first["alert_id"]}
