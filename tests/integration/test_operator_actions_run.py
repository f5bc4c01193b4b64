"""Operator actions played into a whole run of the built-in 28 July 2025 scenario.

A run without actions picks a public (yellow or red) alert that lasts a while; a second
run acknowledges it a minute after it was raised and force-clears it two minutes later,
and also acknowledges an alert that does not exist. Asserted from the output files:
``alerts.jsonl`` (and CAP) carry the operator's events at the actions' own times with
the operator named in the reason, ``audit.jsonl`` holds every action, and nothing before
the first action differs from the run without actions.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from skywarden.alerting.lifecycle import OperatorAction, OperatorActionKind
from skywarden.core.time import format_rfc3339, parse_rfc3339
from skywarden.geo.zones import load_geography
from skywarden.runtime.cli import app, open_source
from skywarden.runtime.pipeline import Pipeline, RunSummary

SCENARIO = "lt-2025-07-28"  # 138 hand-written detections: a couple of seconds per run
OPERATOR = "op-vilnius"
runner = CliRunner()


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def _run(out: Path, actions: list[OperatorAction]) -> RunSummary:
    with Pipeline(load_geography("lt"), out, actions=actions) as pipeline:
        return pipeline.run(open_source(SCENARIO))


@dataclass(frozen=True)
class Plan:
    alert_id: str
    ack_t_s: float
    clear_t_s: float


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Path]:
    """Run without actions; choose a public alert alive for over four minutes."""
    out = tmp_path_factory.mktemp("no-actions")
    _run(out, [])
    alerts = _lines(out / "alerts.jsonl")
    assert (out / "audit.jsonl").read_text() == ""
    for a in alerts:
        if a["state"] != "raised" or a["level"] not in ("yellow", "red"):
            continue
        raised_t_s = parse_rfc3339(a["time"])
        cleared = [
            parse_rfc3339(b["time"])
            for b in alerts
            if b["alert_id"] == a["alert_id"] and b["state"] == "cleared"
        ]
        if cleared and cleared[0] - raised_t_s > 240.0:
            ack_t_s = math.ceil(raised_t_s) + 60.0
            return Plan(a["alert_id"], ack_t_s, ack_t_s + 120.0), out
    raise AssertionError("the scenario raises no public alert lasting four minutes")


@pytest.fixture(scope="module")
def acted(
    plan: tuple[Plan, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Plan, Path, RunSummary]:
    p, _ = plan
    out = tmp_path_factory.mktemp("with-actions")
    actions = [  # out of order on purpose: the pipeline sorts them
        OperatorAction(p.clear_t_s, OPERATOR, OperatorActionKind.FORCE_CLEAR, alert_id=p.alert_id),
        OperatorAction(
            p.ack_t_s, OPERATOR, OperatorActionKind.ACKNOWLEDGE, alert_id=p.alert_id, note="seen"
        ),
        OperatorAction(
            p.ack_t_s + 30.0, "op-kaunas", OperatorActionKind.ACKNOWLEDGE, alert_id="A-999999"
        ),
    ]
    return p, out, _run(out, actions)


def test_operator_actions_acknowledge_then_force_clear_in_alerts_jsonl(
    acted: tuple[Plan, Path, RunSummary],
) -> None:
    p, out, summary = acted
    alerts = _lines(out / "alerts.jsonl")
    assert summary.alert_events == len(alerts)
    own = [a for a in alerts if a["alert_id"] == p.alert_id]
    acks = [a for a in own if "acknowledged by" in a["reason"]]
    assert len(acks) == 1
    ack = acks[0]
    assert ack["state"] == "updated"
    assert ack["time"] == format_rfc3339(p.ack_t_s)
    assert ack["level"] in ("yellow", "red")
    assert ack["reason"].endswith(f"acknowledged by {OPERATOR}: seen")
    # the force-clear is the alert's last event and its only all-clear
    last = own[-1]
    assert last["state"] == "cleared" and last["level"] == "white"
    assert last["time"] == format_rfc3339(p.clear_t_s)
    assert last["reason"].endswith(f"force-cleared by {OPERATOR}")
    assert sum(a["state"] == "cleared" for a in own) == 1
    # event times never go backwards: the actions were applied as the clock reached them
    times = [parse_rfc3339(a["time"]) for a in alerts]
    assert times == sorted(times)


def test_operator_actions_change_nothing_before_the_first(
    plan: tuple[Plan, Path], acted: tuple[Plan, Path, RunSummary]
) -> None:
    p, baseline = plan
    _, out, _ = acted
    before = format_rfc3339(p.ack_t_s)
    assert [a for a in _lines(out / "alerts.jsonl") if a["time"] < before] == [
        a for a in _lines(baseline / "alerts.jsonl") if a["time"] < before
    ]


def test_operator_actions_reach_cap(acted: tuple[Plan, Path, RunSummary]) -> None:
    p, out, _ = acted
    texts = [x.read_text(encoding="utf-8") for x in (out / "cap").glob(f"{p.alert_id}-*.xml")]
    assert any(f"force-cleared by {OPERATOR}" in t for t in texts)


def test_operator_actions_are_audited_even_when_rejected(
    acted: tuple[Plan, Path, RunSummary],
) -> None:
    p, out, summary = acted
    audit = _lines(out / "audit.jsonl")
    assert summary.operator_actions == len(audit) == 3
    assert [(r["time"], r["operator"], r["action"], r["alert_id"]) for r in audit] == [
        (format_rfc3339(p.ack_t_s), OPERATOR, "acknowledge", p.alert_id),
        (format_rfc3339(p.ack_t_s + 30.0), "op-kaunas", "acknowledge", "A-999999"),
        (format_rfc3339(p.clear_t_s), OPERATOR, "force_clear", p.alert_id),
    ]
    ack, unknown, clear = audit
    assert ack["note"] == "seen" and ack["result"] == f"acknowledged {p.alert_id}"
    assert ack["events"][0]["alert_id"] == p.alert_id
    assert ack["events"][0]["state"] == "updated"
    assert unknown["result"].startswith("rejected: no active alert")
    assert unknown["events"] == []
    assert clear["result"] == f"cleared {p.alert_id}"
    assert clear["events"] == [{"alert_id": p.alert_id, "state": "cleared", "level": "white"}]
    rejected = [e for e in summary.timeline if "A-999999" in e.text]
    assert rejected and rejected[0].what == "input"


def test_operator_action_after_the_run_is_applied_at_the_end(tmp_path: Path) -> None:
    late_t_s = parse_rfc3339("2025-07-28T06:00:00Z")  # hours after the last detection
    summary = _run(
        tmp_path,
        [
            OperatorAction(
                late_t_s,
                OPERATOR,
                OperatorActionKind.RECLASSIFY_NOT_DANGEROUS,
                track_id="T-000001",
                suppress_s=60.0,
            )
        ],
    )
    (record,) = _lines(tmp_path / "audit.jsonl")
    assert record["time"] == "2025-07-28T06:00:00.000Z"
    assert record["track_id"] == "T-000001" and "alert_id" not in record
    assert record["result"] == "muted T-000001 for 60 s"
    assert summary.operator_actions == 1


def test_cli_run_with_actions_file(plan: tuple[Plan, Path], tmp_path: Path) -> None:
    p, _ = plan
    actions = tmp_path / "actions.jsonl"
    lines = [
        "# one acknowledgement",
        json.dumps(
            {
                "time": format_rfc3339(p.ack_t_s),
                "operator": OPERATOR,
                "action": "acknowledge",
                "alert_id": p.alert_id,
            }
        ),
    ]
    actions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["run", SCENARIO, "--out", str(out), "--quiet", "--actions", str(actions)]
    )
    assert result.exit_code == 0, result.output
    assert "operator actions (audit.jsonl)" in result.output
    (record,) = _lines(out / "audit.jsonl")
    assert record["result"] == f"acknowledged {p.alert_id}"
    assert json.loads((out / "summary.json").read_text())["operator_actions"] == 1
    assert any(
        a["reason"].endswith(f"acknowledged by {OPERATOR}") for a in _lines(out / "alerts.jsonl")
    )


def test_cli_run_with_a_bad_actions_file_exits_naming_file_and_line(tmp_path: Path) -> None:
    actions = tmp_path / "actions.jsonl"
    actions.write_text(
        '{"time":"2025-07-28T01:40:00Z","operator":"op","action":"ack","alert_id":"A-000001"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", SCENARIO, "--out", str(out), "--actions", str(actions)])
    assert result.exit_code == 2
    text = " ".join(result.output.split())  # undo the console's wrapping
    assert "actions.jsonl:1:" in text
    assert "field 'action'" in text and "unknown action 'ack'" in text
    assert not (out / "alerts.jsonl").exists()  # nothing ran
