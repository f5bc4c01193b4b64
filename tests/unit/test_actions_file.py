"""The operator-actions file (``skywarden run --actions``): good lines, every kind of bad line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skywarden.alerting.lifecycle import OperatorAction, OperatorActionKind
from skywarden.alerting.rule_engine import AuditRecord
from skywarden.core.enums import AlertKind, AlertLevel, AlertState
from skywarden.core.errors import InputError
from skywarden.core.time import parse_rfc3339
from skywarden.core.types import AlertEvent
from skywarden.runtime.actions import (
    ActionsFileError,
    AuditWriter,
    audit_record_to_wire,
    load_actions,
)

T0 = "2025-07-28T01:40:00Z"


def _write(tmp_path: Path, *lines: str | dict[str, object]) -> Path:
    path = tmp_path / "actions.jsonl"
    text = [x if isinstance(x, str) else json.dumps(x) for x in lines]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def _ack(**kw: object) -> dict[str, object]:
    return {"time": T0, "operator": "op1", "action": "acknowledge", "alert_id": "A-000001", **kw}


def _error(path: Path) -> ActionsFileError:
    with pytest.raises(ActionsFileError) as info:
        load_actions(path)
    return info.value


def test_actions_file_reads_every_kind_and_skips_blank_and_comment_lines(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "# night shift, Vilnius",
        _ack(note="seen, calling the police"),
        "",
        "   ",
        {
            "time": "2025-07-28T04:41:00+03:00",  # 01:41 UTC
            "operator": "op2",
            "action": "reclassify_not_dangerous",
            "track_id": "T-000001",
            "suppress_s": 600,
        },
        {
            "time": "2025-07-28T01:42:00.500Z",
            "operator": "op1",
            "action": "force_clear",
            "alert_id": "A-000002",
            "track_id": None,  # null counts as absent
        },
    )
    assert load_actions(path) == [
        OperatorAction(
            t_s=parse_rfc3339(T0),
            operator="op1",
            kind=OperatorActionKind.ACKNOWLEDGE,
            alert_id="A-000001",
            note="seen, calling the police",
        ),
        OperatorAction(
            t_s=parse_rfc3339("2025-07-28T01:41:00Z"),
            operator="op2",
            kind=OperatorActionKind.RECLASSIFY_NOT_DANGEROUS,
            track_id="T-000001",
            suppress_s=600.0,
        ),
        OperatorAction(
            t_s=parse_rfc3339("2025-07-28T01:42:00.500Z"),
            operator="op1",
            kind=OperatorActionKind.FORCE_CLEAR,
            alert_id="A-000002",
        ),
    ]


def test_actions_file_reclassify_may_name_an_alert(tmp_path: Path) -> None:
    path = _write(tmp_path, _ack(action="reclassify_not_dangerous"))
    (action,) = load_actions(path)
    assert action.kind is OperatorActionKind.RECLASSIFY_NOT_DANGEROUS
    assert action.alert_id == "A-000001" and action.track_id is None


def test_actions_file_is_sorted_by_time_stably(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _ack(time="2025-07-28T01:50:00Z", operator="late"),
        _ack(time="2025-07-28T01:30:00Z", operator="first"),
        _ack(time="2025-07-28T01:40:00Z", operator="tie-a"),
        _ack(time="2025-07-28T04:40:00+03:00", operator="tie-b"),  # the same instant
    )
    assert [a.operator for a in load_actions(path)] == ["first", "tie-a", "tie-b", "late"]


def test_actions_file_empty_gives_no_actions(tmp_path: Path) -> None:
    assert load_actions(_write(tmp_path, "# nothing yet")) == []


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        (_ack(action="ack"), "action", "unknown action 'ack'"),
        (_ack(action=None), "action", "missing"),
        (_ack(alert_id=None), "alert_id", "missing: acknowledge needs an alert_id"),
        (
            _ack(action="reclassify_not_dangerous", alert_id=None),
            "alert_id",
            "needs an alert_id or a track_id",
        ),
        (_ack(alert_id=None, track_id="T-000001"), "alert_id", "acknowledge needs an alert_id"),
        (
            _ack(action="force_clear", alert_id=None, track_id="T-000001"),
            "alert_id",
            "force_clear needs an alert_id",
        ),
        (_ack(track_id="T-000001"), "track_id", "not both"),
        (_ack(time="2025-07-28 01:40:00"), "time", "not an RFC 3339 timestamp"),
        (_ack(time="2025-07-28T01:40:00"), "time", "not an RFC 3339 timestamp"),
        (_ack(time="2025-02-30T01:40:00Z"), "time", "impossible date"),
        (_ack(time=1753666800), "time", "must be a string"),
        (_ack(time=None), "time", "missing"),
        (_ack(operator=""), "operator", "must not be empty"),
        (_ack(operator=None), "operator", "missing"),
        (_ack(alert_id=7), "alert_id", "must be a string"),
        (_ack(note=3), "note", "must be a string"),
        (_ack(who="op1"), "who", "unknown key"),
        (_ack(suppress_s=60), "suppress_s", "only for reclassify_not_dangerous"),
        (
            _ack(action="reclassify_not_dangerous", suppress_s=-1),
            "suppress_s",
            "finite number of seconds >= 0",
        ),
        (
            _ack(action="reclassify_not_dangerous", suppress_s="10 min"),
            "suppress_s",
            "must be a number",
        ),
        (
            _ack(action="reclassify_not_dangerous", suppress_s=True),
            "suppress_s",
            "must be a number",
        ),
        ("{not json", None, "not valid JSON"),
        ('["acknowledge"]', None, "not a JSON object"),
    ],
)
def test_actions_file_bad_line_names_file_line_and_field(
    tmp_path: Path, line: str | dict[str, object], field: str | None, words: str
) -> None:
    path = _write(tmp_path, "# header", _ack(), line)
    err = _error(path)
    assert isinstance(err, InputError) and isinstance(err, ValueError)
    assert [(p.line, p.field) for p in err.problems] == [(3, field)]
    assert words in err.problems[0].message
    text = str(err)
    assert f"{path}:3:" in text
    if field is not None:
        assert f"field {field!r}" in text
    assert words in text


def test_actions_file_reports_every_bad_line_together(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _ack(action="ack"),  # 1
        _ack(),  # 2: good
        _ack(time="yesterday", operator=""),  # 3: two fields
        "",  # 4
        _ack(alert_id=None),  # 5
    )
    err = _error(path)
    assert [(p.line, p.field) for p in err.problems] == [
        (1, "action"),
        (3, "time"),
        (3, "operator"),
        (5, "alert_id"),
    ]
    text = str(err)
    assert text.splitlines()[0] == f"{path}: 3 bad lines in the actions file"
    for n in (1, 3, 5):
        assert f"{path}:{n}:" in text
    assert f"{path}:2:" not in text


def test_actions_file_missing_is_a_clear_error(tmp_path: Path) -> None:
    err = _error(tmp_path / "nope.jsonl")
    assert err.problems[0].line is None
    assert "nope.jsonl" in str(err) and "cannot read" in str(err)


def test_audit_writer_writes_one_line_per_record(tmp_path: Path) -> None:
    event = AlertEvent(
        t_s=parse_rfc3339(T0),
        alert_id="A-000001",
        state=AlertState.UPDATED,
        level=AlertLevel.RED,
        kind=AlertKind.ZONE_INTRUSION,
        track_ids=("T-000001",),
        zone_ids=("LT-58",),
        site_ids=(),
        reason="lt.red.path: acknowledged by op1",
    )
    records = [
        AuditRecord(
            parse_rfc3339(T0),
            "op1",
            OperatorActionKind.ACKNOWLEDGE,
            "A-000001",
            None,
            "seen",
            "acknowledged A-000001",
            (event,),
        ),
        AuditRecord(
            parse_rfc3339(T0) + 1.0,
            "op2",
            OperatorActionKind.RECLASSIFY_NOT_DANGEROUS,
            None,
            "T-000009",
            "",
            "muted T-000009 for 1800 s",
        ),
    ]
    with AuditWriter(tmp_path / "audit.jsonl") as writer:
        writer.write_all(records)
    lines = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert lines == [audit_record_to_wire(r) for r in records]
    assert lines[0] == {
        "time": "2025-07-28T01:40:00.000Z",
        "operator": "op1",
        "action": "acknowledge",
        "alert_id": "A-000001",
        "note": "seen",
        "result": "acknowledged A-000001",
        "events": [{"alert_id": "A-000001", "state": "updated", "level": "red"}],
    }
    assert "alert_id" not in lines[1] and lines[1]["track_id"] == "T-000009"
    assert lines[1]["events"] == []
