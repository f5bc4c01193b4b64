"""Operator actions from a file into a run, and the audit trail they leave (``audit.jsonl``).

An actions file is JSON Lines, one operator action per line, read by
:func:`load_actions` (``skywarden run ... --actions FILE``); the pipeline applies each at
its own event time. The format (``docs/operator-actions.md``):

==============  ========  ====================================================================
key             required  value
==============  ========  ====================================================================
``time``        yes       RFC 3339 timestamp with an offset (``2025-07-28T01:40:00Z``)
``operator``    yes       who acts, non-empty text (written into the event's reason)
``action``      yes       ``acknowledge``, ``reclassify_not_dangerous`` or ``force_clear``
``alert_id``    see note  the alert acted on (``A-000002``)
``track_id``    see note  ``reclassify_not_dangerous`` only: every alert that track holds
``note``        no        free text, kept in the reason and the audit trail
``suppress_s``  no        ``reclassify_not_dangerous`` only: seconds the track stays muted
==============  ========  ====================================================================

Each action names exactly one of ``alert_id`` and ``track_id``; ``acknowledge`` and
``force_clear`` need an ``alert_id``. A ``null`` optional value counts as absent. Blank
lines and lines starting with ``#`` are skipped.

Loading is strict, not streaming: a run with a mistyped action would audit something
nobody did, so every bad line is collected and one :class:`ActionsFileError` names them
all (file, line, field) and nothing is applied. Whether an action *succeeds* (its alert
may be gone by then) is the engine's business and is audited, not an error here.

:class:`AuditWriter` writes the rule engine's :class:`AuditRecord` s, one object per
line, flushed per line: ``time, operator, action, alert_id, track_id, note, result,
events`` (``alert_id``/``track_id`` omitted when absent; each event as ``alert_id, state,
level``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from skywarden.alerting.lifecycle import OperatorAction, OperatorActionKind
from skywarden.alerting.rule_engine import AuditRecord
from skywarden.core.errors import InputError
from skywarden.core.time import format_rfc3339, parse_rfc3339
from skywarden.outputs.jsonl import JsonlWriter

__all__ = [
    "ActionProblem",
    "ActionsFileError",
    "AuditWriter",
    "audit_record_to_wire",
    "load_actions",
]

_KEYS: Final = frozenset(
    {"time", "operator", "action", "alert_id", "track_id", "note", "suppress_s"}
)
_KINDS: Final = ", ".join(k.value for k in OperatorActionKind)
# How a field reader reports a problem: bad(field, message).
_Report = Callable[[str | None, str], None]


@dataclass(frozen=True, slots=True)
class ActionProblem:
    """One thing wrong in an actions file: its line (``None``: the whole file) and field."""

    line: int | None
    field: str | None
    message: str


class ActionsFileError(InputError):
    """An actions file with bad lines; ``problems`` lists every one of them.

    The message names the file and, per problem, the line and the field, e.g.
    ``actions.jsonl:3: field 'action': unknown action 'ack' (...)``.
    """

    def __init__(self, path: Path, problems: list[ActionProblem]) -> None:
        self.path = path
        self.problems = problems
        lines = []
        for p in problems:
            where = f"{path}:{p.line}" if p.line is not None else str(path)
            field = f" field {p.field!r}:" if p.field else ""
            lines.append(f"{where}:{field} {p.message}")
        n_lines = len({p.line for p in problems})
        head = f"{path}: {n_lines} bad line{'s' if n_lines != 1 else ''} in the actions file"
        super().__init__("\n".join([head, *lines]))


def load_actions(path: Path) -> list[OperatorAction]:
    """Read an actions file (JSON Lines) and return its actions sorted by time (stable).

    Raises :class:`ActionsFileError` naming every bad line and field, or the file when it
    cannot be read as UTF-8 text.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ActionsFileError(path, [ActionProblem(None, None, f"cannot read: {exc}")]) from exc
    actions: list[OperatorAction] = []
    problems: list[ActionProblem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        action, found = _parse_line(line, number)
        if action is not None:
            actions.append(action)
        problems.extend(found)
    if problems:
        raise ActionsFileError(path, problems)
    return sorted(actions, key=lambda a: a.t_s)


def _parse_line(line: str, number: int) -> tuple[OperatorAction | None, list[ActionProblem]]:
    """Return the line's action, or ``None`` with every problem found in it."""
    problems: list[ActionProblem] = []

    def bad(field: str | None, message: str) -> None:
        problems.append(ActionProblem(number, field, message))

    try:
        doc = json.loads(line)
    except ValueError as exc:
        bad(None, f"not valid JSON: {exc}")
        return None, problems
    if not isinstance(doc, dict):
        bad(None, f"not a JSON object: {line[:80]}")
        return None, problems
    for key in sorted(set(doc) - _KEYS):
        bad(key, f"unknown key (allowed: {', '.join(sorted(_KEYS))})")

    t_s: float | None = None
    time_text = _text(doc, "time", bad, required=True)
    if time_text is not None:
        try:
            t_s = parse_rfc3339(time_text)
        except ValueError as exc:
            bad("time", str(exc))
    operator = _text(doc, "operator", bad, required=True)
    kind: OperatorActionKind | None = None
    kind_text = _text(doc, "action", bad, required=True)
    if kind_text is not None:
        try:
            kind = OperatorActionKind(kind_text)
        except ValueError:
            bad("action", f"unknown action {kind_text!r} (one of {_KINDS})")
    alert_id = _text(doc, "alert_id", bad)
    track_id = _text(doc, "track_id", bad)
    note = _text(doc, "note", bad, empty_ok=True) or ""
    suppress_s = _seconds(doc, "suppress_s", bad)

    reclassify = kind is OperatorActionKind.RECLASSIFY_NOT_DANGEROUS
    if kind is not None:
        if alert_id is not None and track_id is not None:
            bad("track_id", "give alert_id or track_id, not both")
        elif track_id is not None and not reclassify:
            bad("alert_id", f"{kind.value} needs an alert_id (track_id is for reclassify only)")
        elif doc.get("alert_id") is None and doc.get("track_id") is None:
            need = "an alert_id or a track_id" if reclassify else "an alert_id"
            bad("alert_id", f"missing: {kind.value} needs {need}")
        if suppress_s is not None and not reclassify:
            bad("suppress_s", f"only for reclassify_not_dangerous, not {kind.value}")
    if problems or t_s is None or operator is None or kind is None:
        return None, problems
    action = OperatorAction(
        t_s=t_s,
        operator=operator,
        kind=kind,
        alert_id=alert_id,
        track_id=track_id,
        note=note,
        suppress_s=suppress_s,
    )
    return action, problems


def _text(
    doc: dict[str, object],
    key: str,
    bad: _Report,
    *,
    required: bool = False,
    empty_ok: bool = False,
) -> str | None:
    """Return a string field, ``None`` when absent or null (a problem when ``required``)."""
    value = doc.get(key)
    if value is None:
        if required:
            bad(key, "missing")
        return None
    if not isinstance(value, str):
        bad(key, f"must be a string, not {type(value).__name__} {value!r}")
        return None
    if not value.strip() and not empty_ok:
        bad(key, "must not be empty")
        return None
    return value


def _seconds(doc: dict[str, object], key: str, bad: _Report) -> float | None:
    """Return a non-negative finite number of seconds, ``None`` when absent or null."""
    value = doc.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        bad(key, f"must be a number of seconds, not {type(value).__name__} {value!r}")
        return None
    if not math.isfinite(value) or value < 0:
        bad(key, f"must be a finite number of seconds >= 0, not {value!r}")
        return None
    return float(value)


def audit_record_to_wire(record: AuditRecord) -> dict[str, object]:
    """Return the ``audit.jsonl`` object for one audit record (absent ids omitted)."""
    wire: dict[str, object] = {
        "time": format_rfc3339(record.t_s),
        "operator": record.operator,
        "action": record.action.value,
    }
    if record.alert_id is not None:
        wire["alert_id"] = record.alert_id
    if record.track_id is not None:
        wire["track_id"] = record.track_id
    wire["note"] = record.note
    wire["result"] = record.result
    wire["events"] = [
        {"alert_id": e.alert_id, "state": e.state.value, "level": e.level.value}
        for e in record.events
    ]
    return wire


class AuditWriter(JsonlWriter[AuditRecord]):
    """Writes operator-action audit records (``audit.jsonl``), one line each, flushed."""

    __slots__ = ()

    def to_wire(self, item: AuditRecord) -> dict[str, object]:
        """Return :func:`audit_record_to_wire` of ``item``."""
        return audit_record_to_wire(item)
