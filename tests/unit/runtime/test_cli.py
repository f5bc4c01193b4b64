import json
from pathlib import Path

from typer.testing import CliRunner

from skywarden import __version__
from skywarden.runtime.cli import app, builtin_scenarios

runner = CliRunner()


def test_cli_lists_the_built_in_scenario() -> None:
    assert "lt-2025-07-28" in builtin_scenarios()


def test_cli_run_writes_contract_files_and_prints_a_timeline(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "lt-2025-07-28", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "border_crossing" in result.output
    assert "run summary" in result.output
    for name in ("tracks.jsonl", "alerts.jsonl", "quarantine.jsonl", "summary.json"):
        assert (tmp_path / name).exists(), name
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["detections"] == 138
    assert summary["alerts_raised"] == 1


def test_cli_run_quarantines_bad_lines_and_keeps_the_good_ones(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    good = (
        '{"time":"2025-07-28T01:30:00Z","kind":"plot","sensor_id":"r","lat":54.5,'
        '"lon":25.5,"alt_m":300,"sigma_h_m":100,"sigma_v_m":200}'
    )
    src.write_text("\n".join([good, "not json", good.replace('"lat":54.5', '"lat":95')]) + "\n")
    result = runner.invoke(app, ["run", str(src), "--out", str(tmp_path / "o"), "--quiet"])
    assert result.exit_code == 0, result.output
    quarantine = [
        json.loads(x) for x in (tmp_path / "o" / "quarantine.jsonl").read_text().splitlines()
    ]
    assert [q["code"] for q in quarantine] == ["invalid_json", "out_of_range"]
    assert [q["line"] for q in quarantine] == [2, 3]
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["detections"] == 1


def test_cli_run_unknown_scenario_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "no-such-thing", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "built-in" in result.output


def test_cli_geo_info_describes_the_pack() -> None:
    result = runner.invoke(app, ["geo", "info"])
    assert result.exit_code == 0, result.output
    assert "LTU" in result.output
    assert "OpenStreetMap" in result.output


def test_cli_version() -> None:
    result = runner.invoke(app, ["version"])
    assert result.output.strip() == __version__
