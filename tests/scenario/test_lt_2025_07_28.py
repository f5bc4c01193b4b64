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


def test_scenario_warns_the_path_of_the_drone_only_and_clears_every_alert(
    run: tuple[Path, RunSummary],
) -> None:
    out, _ = run
    alerts = _lines(out / "alerts.jsonl")
    tracks = _lines(out / "tracks.jsonl")
    airliner = {t["track_id"] for t in tracks if t.get("class") == "manned_aircraft"}
    assert airliner, "the ADS-B airliner is classed as a manned aircraft"
    # the cooperative airliner is never the cause of an alert
    assert not airliner & {tid for a in alerts for tid in a["track_ids"]}
    public = [a for a in alerts if a["state"] == "raised" and a["level"] in ("yellow", "red")]
    assert public
    # the first public warning comes while the drone is still over Belarus, for the
    # municipalities on its path (the residents' first report inside Lithuania is 01:47:40)
    first = min(public, key=lambda a: parse_rfc3339(a["time"]))
    assert parse_rfc3339(first["time"]) < parse_rfc3339("2025-07-28T01:47:40Z")
    assert "over BLR" in first["reason"]
    assert first["reason"].startswith("lt.yellow.path:")
    # Vilnius city (looked up, not assumed) is warned before the drone's reports from it
    geo = load_geography("lt")
    vilnius = next(z for z, zone in geo.zones.items() if zone.name.startswith("Vilniaus miesto"))
    city = [a for a in public if vilnius in a["zone_ids"]]
    assert city and parse_rfc3339(city[0]["time"]) < parse_rfc3339("2025-07-28T01:56:00Z")
    # every alert ends with exactly one all-clear, and nothing follows it
    for alert_id in {a["alert_id"] for a in alerts}:
        own = [a for a in alerts if a["alert_id"] == alert_id]
        assert own[-1]["state"] == "cleared" and own[-1]["level"] == "white"
        assert sum(a["state"] == "cleared" for a in own) == 1
