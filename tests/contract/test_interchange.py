"""Interchange contract v1: golden files, schema drift against docs/interchange.md, round trips.

Golden files live in tests/contract/golden/. Regenerate them with

    .venv/bin/python scripts/regen_interchange_golden.py

and review the diff: a changed expected file is a changed wire behaviour.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import json
import re
import types
import typing
from pathlib import Path
from typing import Any

import pytest

from skywarden.core.enums import (
    AlertKind,
    AlertLevel,
    AlertState,
    BearingSource,
    DetectionKind,
    ObjectClass,
    ReportWhat,
    TrackStatus,
)
from skywarden.core.errors import RejectCode, RejectError
from skywarden.core.time import parse_rfc3339
from skywarden.core.types import (
    AdsbReport,
    AlertEvent,
    Bearing,
    Detection,
    Plot,
    RemoteIdReport,
    Report,
    TrackUpdate,
)
from skywarden.outputs import jsonl as outputs_jsonl
from skywarden.outputs.jsonl import (
    AlertWriter,
    DetectionWriter,
    QuarantineWriter,
    TrackWriter,
    alert_event_to_wire,
    detection_to_wire,
    reject_to_wire,
    track_update_to_wire,
)
from skywarden.sources import base as sources_base
from skywarden.sources import jsonl as sources_jsonl
from skywarden.sources.base import MemorySource, Reject, RejectCounts
from skywarden.sources.jsonl import (
    MAX_LINE_BYTES,
    JsonlDetectionSource,
    parse_detection_line,
    parse_detection_obj,
)

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
CONTRACT_DOC = REPO / "docs" / "interchange.md"
SHARED_CONTRACT = REPO.parent / "shared" / "contracts" / "interchange.md"
REGEN = "scripts/regen_interchange_golden.py"

_CORE_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (Plot, Bearing, Report, AdsbReport, RemoteIdReport, TrackUpdate, AlertEvent)
}
_CORE_TYPES["Reject"] = Reject


# --- helpers ---------------------------------------------------------------------------------


def _jsonable(item: object) -> dict[str, object]:
    """A dataclass as plain JSON: its type name and fields (enums as tokens, tuples as lists).

    The same shape as ``result_to_json`` in the regeneration script.
    """
    assert dataclasses.is_dataclass(item) and not isinstance(item, type)
    fields: dict[str, object] = {}
    for f in dataclasses.fields(item):
        value = getattr(item, f.name)
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        fields[f.name] = value
    return {"type": type(item).__name__, "fields": fields}


def _from_jsonable(obj: dict[str, Any]) -> Any:
    """Inverse of :func:`_jsonable`, driven by the dataclass's type hints."""
    cls = _CORE_TYPES[obj["type"]]
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, object] = {}
    for name, value in obj["fields"].items():
        hint = hints[name]
        options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        enum_types = [t for t in options if isinstance(t, type) and issubclass(t, enum.Enum)]
        if value is not None and enum_types:
            value = enum_types[0](value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[name] = value
    return cls(**kwargs)


def _read_bytes(data: bytes, **kwargs: Any) -> tuple[list[Detection | Reject], RejectCounts]:
    source = JsonlDetectionSource(io.BytesIO(data), name="t.jsonl", **kwargs)
    results = list(source)
    return results, source.counts


def _write_lines(writer_cls: Any, items: list[Any]) -> str:
    stream = io.StringIO()
    with writer_cls(stream) as writer:
        writer.write_all(items)
    return stream.getvalue()


def _load_json(name: str) -> Any:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


# --- the contract document and its field tables ----------------------------------------------


@dataclasses.dataclass(frozen=True)
class _KindFields:
    required: tuple[str, ...]
    optional: tuple[str, ...]


def _section(text: str, heading: str) -> str:
    start = text.index(f"## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _table_rows(section: str) -> list[list[str]]:
    rows = [line for line in section.splitlines() if line.startswith("|")]
    # The first row is the header, the second the |---| separator.
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def _names(cell: str) -> tuple[str, ...]:
    """Field names in a table cell, without parenthesised remarks or backticks."""
    bare = re.sub(r"\([^)]*\)", "", cell)
    return tuple(n.strip().strip("`") for n in bare.split(",") if n.strip())


def _tokens(text: str) -> set[str]:
    """Backticked tokens in ``text``, leaving out those in parenthesised remarks."""
    return set(re.findall(r"`([a-z0-9_]+)`", re.sub(r"\([^)]*\)", "", text)))


@pytest.fixture(scope="module")
def contract_text() -> str:
    return CONTRACT_DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def detection_fields(contract_text: str) -> dict[str, _KindFields]:
    tables: dict[str, _KindFields] = {}
    for kind_cell, required, optional in _table_rows(_section(contract_text, "Detection")):
        match = re.match(r"`(\w+)`", kind_cell)
        assert match, kind_cell
        tables[match.group(1)] = _KindFields(_names(required), _names(optional))
    return tables


def _output_fields(contract_text: str, heading: str) -> tuple[tuple[str, ...], set[str]]:
    """Declared fields of an output table in order, and the ones marked optional."""
    ordered: list[str] = []
    optional: set[str] = set()
    for field_cell, meaning in _table_rows(_section(contract_text, heading)):
        names = _names(field_cell)
        ordered.extend(names)
        if meaning.startswith("optional"):
            optional.update(names)
    return tuple(ordered), optional


def _meaning_of(contract_text: str, heading: str, field: str) -> str:
    for field_cell, meaning in _table_rows(_section(contract_text, heading)):
        if field in _names(field_cell):
            return meaning
    raise AssertionError(f"{field} not in {heading}")


def test_contract_copy_first_line_says_it_is_a_copy(contract_text: str) -> None:
    first = contract_text.splitlines()[0]
    assert "copy" in first.lower() and "shared/contracts/interchange.md" in first


def test_contract_copy_matches_shared_contract(contract_text: str) -> None:
    if not SHARED_CONTRACT.exists():
        pytest.skip("shared contract not checked out beside the repository")
    body = contract_text.split("\n", 1)[1]
    assert body == SHARED_CONTRACT.read_text(encoding="utf-8")


def test_contract_tables_parse_to_the_known_kinds(
    detection_fields: dict[str, _KindFields],
) -> None:
    assert set(detection_fields) == {k.value for k in DetectionKind}
    for fields in detection_fields.values():
        assert fields.required[:2] == ("time", "sensor_id")


# --- schema drift ------------------------------------------------------------------------------

# A valid wire value for every field the contract declares for detections. A field added to
# the contract without a value here fails test_schema_reader_accepts_every_declared_field.
_WIRE_SAMPLES: dict[str, object] = {
    "time": "2025-07-28T03:12:04.500Z",
    "sensor_id": "sensor-1",
    "lat": 54.6871568,
    "lon": 25.2796514,
    "alt_m": 312.5,
    "sigma_h_m": 45.0,
    "sigma_v_m": 80.0,
    "vr_mps": -31.4,
    "rcs_dbsm": -12.5,
    "snr_db": 18.25,
    "sensor_lat": 54.70001,
    "sensor_lon": 25.30002,
    "sensor_alt_m": 160.0,
    "azimuth_deg": 271.5,
    "sigma_az_deg": 3.0,
    "elevation_deg": 4.25,
    "sigma_el_deg": 2.0,
    "source": "rf",
    "signature": "two-stroke engine",
    "what": "seen",
    "count": 2,
    "note": "low and loud",
    "icao24": "4b1a2f",
    "callsign": "LOT7AB",
    "vel_e_mps": -120.5,
    "vel_n_mps": 35.25,
    "vel_u_mps": -5.0,
    "squawk": "7000",
    "uas_id": "1581F5FJD228400A0001",
    "operator_lat": 54.899,
    "operator_lon": 23.898,
}


def _full_wire(kind: str, fields: _KindFields) -> dict[str, object]:
    return {"kind": kind, **{f: _WIRE_SAMPLES[f] for f in fields.required + fields.optional}}


def test_schema_reader_accepts_every_declared_field(
    detection_fields: dict[str, _KindFields],
) -> None:
    for kind, fields in detection_fields.items():
        missing = set(fields.required + fields.optional) - set(_WIRE_SAMPLES)
        assert not missing, f"contract declares {sorted(missing)} for {kind}: add samples"
        wire = _full_wire(kind, fields)
        detection = parse_detection_obj(wire, f"{kind}:1")
        assert detection.kind.value == kind
        # Every declared field reached the dataclass: writing it back restores each one.
        assert detection_to_wire(detection) == wire


def test_schema_reader_requires_every_declared_required_field(
    detection_fields: dict[str, _KindFields],
) -> None:
    for kind, fields in detection_fields.items():
        for name in fields.required:
            wire = _full_wire(kind, fields)
            del wire[name]
            with pytest.raises(RejectError) as info:
                parse_detection_obj(wire, "t:1")
            assert (info.value.code, info.value.field) == (RejectCode.MISSING_FIELD, name)
        for name in fields.optional:
            wire = _full_wire(kind, fields)
            del wire[name]
            parse_detection_obj(wire, "t:1")


def test_schema_detection_writer_emits_only_declared_fields_in_contract_order(
    detection_fields: dict[str, _KindFields],
) -> None:
    for kind, fields in detection_fields.items():
        full = parse_detection_obj(_full_wire(kind, fields), "t:1")
        declared = ("kind", *fields.required, *fields.optional)
        assert tuple(detection_to_wire(full)) == declared
        minimal = parse_detection_obj(
            {"kind": kind, **{f: _WIRE_SAMPLES[f] for f in fields.required}}, "t:1"
        )
        assert tuple(detection_to_wire(minimal)) == ("kind", *fields.required)


def _full_track_update(**changes: Any) -> TrackUpdate:
    update = TrackUpdate(
        t_s=1753672330.0,
        track_id="T-1",
        status=TrackStatus.CONFIRMED,
        lat=54.6861,
        lon=25.2671,
        alt_m=305.0,
        vel_e_mps=-40.0,
        vel_n_mps=11.5,
        vel_u_mps=-0.5,
        sigma_h_m=35.25,
        sigma_v_m=60.0,
        obj_class=ObjectClass.QUADCOPTER,
        class_p=0.75,
    )
    return dataclasses.replace(update, **changes)


def _full_alert_event(**changes: Any) -> AlertEvent:
    event = AlertEvent(
        t_s=1753672331.0,
        alert_id="A-1",
        state=AlertState.RAISED,
        level=AlertLevel.YELLOW,
        kind=AlertKind.ZONE_INTRUSION,
        track_ids=("T-1",),
        zone_ids=("LT-VLN",),
        site_ids=("SITE-1",),
        reason="rule r1: entered zone",
        eta_s=120.5,
    )
    return dataclasses.replace(event, **changes)


def test_schema_track_writer_emits_only_declared_fields_in_contract_order(
    contract_text: str,
) -> None:
    declared, optional = _output_fields(contract_text, "Track update")
    assert optional == {"class", "class_p"}
    assert tuple(track_update_to_wire(_full_track_update())) == declared
    bare = _full_track_update(obj_class=None, class_p=None)
    assert tuple(track_update_to_wire(bare)) == tuple(f for f in declared if f not in optional)


def test_schema_alert_writer_emits_only_declared_fields_in_contract_order(
    contract_text: str,
) -> None:
    declared, optional = _output_fields(contract_text, "Alert event")
    assert optional == {"eta_s"}
    assert tuple(alert_event_to_wire(_full_alert_event())) == declared
    bare = _full_alert_event(eta_s=None)
    assert tuple(alert_event_to_wire(bare)) == tuple(f for f in declared if f not in optional)


def test_schema_enum_tokens_match_contract(
    contract_text: str, detection_fields: dict[str, _KindFields]
) -> None:
    detection_table = _section(contract_text, "Detection")
    source_cell = re.search(r"source \(([^)]*)\)", detection_table)
    what_cell = re.search(r"what \(([^)]*)\)", detection_table)
    assert source_cell and what_cell
    assert _tokens(source_cell.group(1)) == {s.value for s in BearingSource}
    assert _tokens(what_cell.group(1)) == {w.value for w in ReportWhat}
    assert set(detection_fields) == {k.value for k in DetectionKind}
    status = _meaning_of(contract_text, "Track update", "status")
    assert _tokens(status) == {s.value for s in TrackStatus}
    assert _tokens(_meaning_of(contract_text, "Alert event", "state")) == {
        s.value for s in AlertState
    }
    assert _tokens(_meaning_of(contract_text, "Alert event", "level")) == {
        lv.value for lv in AlertLevel
    }
    # "or another documented kind": the contract's list must all exist, more may.
    assert _tokens(_meaning_of(contract_text, "Alert event", "kind")) <= {
        k.value for k in AlertKind
    }


# --- golden files: reader ------------------------------------------------------------------


@pytest.mark.parametrize("stem", ["detections_valid", "detections_bad"])
def test_reader_golden_results_and_counts(stem: str) -> None:
    """Reader output per line and counts match the golden expectation.

    Regenerate with: .venv/bin/python scripts/regen_interchange_golden.py
    """
    expected = _load_json(f"{stem}.expected.json")
    source = JsonlDetectionSource(
        GOLDEN / f"{stem}.jsonl", max_line_bytes=expected["max_line_bytes"]
    )
    results = list(source)
    assert [_jsonable(r) for r in results] == expected["results"]
    assert source.counts.as_dict() == expected["counts"]


def test_reader_golden_bad_file_covers_every_reject_code() -> None:
    """The bad golden file holds at least one line per reject code.

    Regenerate with: .venv/bin/python scripts/regen_interchange_golden.py
    """
    expected = _load_json("detections_bad.expected.json")
    assert set(expected["counts"]["by_code"]) == {c.value for c in RejectCode}


def test_reader_golden_bad_file_still_reads_good_lines_around_bad_ones() -> None:
    """Good lines between bad ones are read exactly as in the valid file.

    Regenerate with: .venv/bin/python scripts/regen_interchange_golden.py
    """
    expected = _load_json("detections_bad.expected.json")
    source = JsonlDetectionSource(
        GOLDEN / "detections_bad.jsonl", max_line_bytes=expected["max_line_bytes"]
    )
    results = list(source)
    good = [r for r in results if not isinstance(r, Reject)]
    valid = [_from_jsonable(r) for r in _load_json("detections_valid.expected.json")["results"]]
    assert len(good) == 5
    assert all(d in valid for d in good)
    assert isinstance(results[0], Plot) and isinstance(results[-1], RemoteIdReport)
    lines = [r.line for r in results if isinstance(r, Reject)]
    assert lines == sorted(lines) and len(lines) == source.counts.rejected


# --- golden files: writers ------------------------------------------------------------------


def test_detection_writer_golden() -> None:
    """Valid golden detections, read and written, give the golden written file.

    Regenerate with: .venv/bin/python scripts/regen_interchange_golden.py
    """
    detections = list(JsonlDetectionSource(GOLDEN / "detections_valid.jsonl"))
    assert not any(isinstance(d, Reject) for d in detections)
    written = _write_lines(DetectionWriter, detections)
    assert written == (GOLDEN / "detections_valid.written.jsonl").read_text(encoding="utf-8")


def test_quarantine_writer_golden() -> None:
    """Rejects of the bad golden file give the golden quarantine file.

    Regenerate with: .venv/bin/python scripts/regen_interchange_golden.py
    """
    expected = _load_json("detections_bad.expected.json")
    source = JsonlDetectionSource(
        GOLDEN / "detections_bad.jsonl", max_line_bytes=expected["max_line_bytes"]
    )
    rejects = [r for r in source if isinstance(r, Reject)]
    written = _write_lines(QuarantineWriter, rejects)
    assert written == (GOLDEN / "detections_bad.quarantine.jsonl").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("golden", "writer_cls"), [("tracks", TrackWriter), ("alerts", AlertWriter)]
)
def test_output_writer_golden(golden: str, writer_cls: Any) -> None:
    """Track and alert writers reproduce each golden line exactly.

    Regenerate with: .venv/bin/python scripts/regen_interchange_golden.py
    """
    cases = _load_json(f"{golden}.golden.json")["cases"]
    assert cases
    for case in cases:
        assert _write_lines(writer_cls, [_from_jsonable(case["input"])]) == case["line"]


# --- round trips ---------------------------------------------------------------------------


def test_round_trip_write_then_read_gives_equal_dataclasses() -> None:
    expected = _load_json("detections_valid.expected.json")["results"]
    detections = [_from_jsonable(r) for r in expected]
    data = _write_lines(DetectionWriter, detections).encode()
    results, counts = _read_bytes(data)
    assert results == detections
    assert counts.accepted == len(detections) and counts.rejected == 0


def test_round_trip_read_write_read_is_stable() -> None:
    first = list(JsonlDetectionSource(GOLDEN / "detections_valid.jsonl"))
    written = _write_lines(DetectionWriter, first)
    second, _ = _read_bytes(written.encode())
    assert second == first
    assert _write_lines(DetectionWriter, second) == written


# --- reader behaviour ------------------------------------------------------------------------

_PLOT = (
    '{"kind":"plot","time":"2025-07-28T03:12:05Z","sensor_id":"r1",'
    '"lat":54,"lon":25,"alt_m":300,"sigma_h_m":50,"sigma_v_m":80}'
)


def _plot_line(**changes: object) -> bytes:
    obj = {**json.loads(_PLOT), **changes}
    return json.dumps(obj).encode()


def test_reader_skips_blank_lines_and_counts_them() -> None:
    data = b"\n  \n" + _PLOT.encode() + b"\r\n\t\r\n\n" + _PLOT.encode()
    results, counts = _read_bytes(data)
    assert len(results) == 2 and all(isinstance(r, Plot) for r in results)
    assert (counts.lines, counts.blank, counts.accepted, counts.rejected) == (6, 4, 2, 0)


def test_reader_reject_message_names_line_field_and_reason() -> None:
    results, _ = _read_bytes(_PLOT.encode() + b"\n" + _plot_line(lat=95.5))
    reject = results[1]
    assert isinstance(reject, Reject)
    assert (reject.where, reject.line, reject.field) == ("t.jsonl:2", 2, "lat")
    assert reject.code is RejectCode.OUT_OF_RANGE
    assert reject.message.startswith("line 2, field 'lat': ")
    assert "95.5" in reject.message and "90" in reject.message


def test_reader_line_limit_boundary_and_resync_after_long_line() -> None:
    line = _plot_line(note="")  # an unknown field used as padding
    limit = len(line) + 10
    exact = _plot_line(note="x" * 10)
    over = _plot_line(note="x" * 11)
    assert len(exact) == limit and len(over) == limit + 1
    data = exact + b"\r\n" + over + b"\n" + over * 5 + b"\n" + _PLOT.encode() + b"\n" + over
    results, counts = _read_bytes(data, max_line_bytes=limit)
    codes = [r.code if isinstance(r, Reject) else type(r).__name__ for r in results]
    too_long = RejectCode.LINE_TOO_LONG
    assert codes == ["Plot", too_long, too_long, "Plot", too_long]
    assert counts.lines == 5
    reject = results[2]
    # Only the first chunk of a long line is ever held, and quarantined.
    assert isinstance(reject, Reject) and (over * 5).decode().startswith(reject.raw)
    assert len(reject.raw) == limit + 2


def test_reader_default_line_limit_is_64_kib() -> None:
    assert MAX_LINE_BYTES == 65536
    long_line = _plot_line(note="x" * MAX_LINE_BYTES)
    results, _ = _read_bytes(long_line + b"\n" + _PLOT.encode())
    assert isinstance(results[0], Reject) and results[0].code is RejectCode.LINE_TOO_LONG
    assert len(results[0].raw) == sources_base.MAX_RAW_CHARS
    assert isinstance(results[1], Plot)


def test_reader_skips_utf8_bom_on_first_line_only() -> None:
    bom = b"\xef\xbb\xbf"
    results, _ = _read_bytes(bom + _PLOT.encode() + b"\n" + bom + _PLOT.encode())
    assert isinstance(results[0], Plot)
    assert isinstance(results[1], Reject) and results[1].code is RejectCode.INVALID_JSON
    _, counts = _read_bytes(bom + b"\n", max_line_bytes=1)  # the mark is not a line of its own
    assert (counts.lines, counts.blank) == (1, 1)


def test_reader_counts_out_of_order_lines_and_accepts_them() -> None:
    times = ["03:12:05", "03:12:07", "03:12:06", "03:12:07", "03:12:01", "03:12:09"]
    data = b"\n".join(_plot_line(time=f"2025-07-28T{t}Z") for t in times)
    results, counts = _read_bytes(data)
    assert all(isinstance(r, Plot) for r in results)
    assert counts.accepted == 6 and counts.out_of_order == 2 and counts.rejected == 0


def test_reader_converts_any_rfc3339_offset_to_utc() -> None:
    local = parse_detection_line(_plot_line(time="2025-07-28T06:12:05.25+03:00"), "t:1")
    west = parse_detection_line(_plot_line(time="2025-07-27T22:42:05.25-04:30"), "t:1")
    assert local.t_s == west.t_s == parse_rfc3339("2025-07-28T03:12:05.250Z")


def test_reader_normalises_azimuth_360_and_icao24_case() -> None:
    bearing = parse_detection_obj(
        {
            "kind": "bearing",
            "time": "2025-07-28T03:12:05Z",
            "sensor_id": "df",
            "sensor_lat": 54.0,
            "sensor_lon": 25.0,
            "sensor_alt_m": 100.0,
            "azimuth_deg": 360,
            "sigma_az_deg": 2.0,
        },
        "t:1",
    )
    assert isinstance(bearing, Bearing) and bearing.az_deg == 0.0
    adsb = parse_detection_obj(
        {
            "kind": "adsb",
            "time": "2025-07-28T03:12:05Z",
            "sensor_id": "sbs",
            "icao24": "4B1A2F",
            "lat": 54.0,
            "lon": 25.0,
            "alt_m": 100.0,
        },
        "t:1",
    )
    assert isinstance(adsb, AdsbReport) and adsb.icao24 == "4b1a2f"


@pytest.mark.parametrize(
    ("line", "code", "field"),
    [
        (b"\xff" + _PLOT.encode(), RejectCode.NOT_UTF8, None),
        (b'{"kind":"plot",', RejectCode.INVALID_JSON, None),
        (b"null", RejectCode.NOT_AN_OBJECT, None),
        (b'{"kind":7}', RejectCode.UNKNOWN_KIND, "kind"),
        (_plot_line(sigma_h_m=None), RejectCode.MISSING_FIELD, "sigma_h_m"),
        (_plot_line(lat="54"), RejectCode.WRONG_TYPE, "lat"),
        (_plot_line(sigma_v_m=-1.0), RejectCode.OUT_OF_RANGE, "sigma_v_m"),
        (_plot_line(vr_mps=1e999), RejectCode.OUT_OF_RANGE, "vr_mps"),
        (_plot_line(time="28.07.2025 03:12"), RejectCode.BAD_TIME, "time"),
        (_plot_line(time="9999-12-31T23:30:00-05:00"), RejectCode.BAD_TIME, "time"),
        (_plot_line(sensor_id=" \t"), RejectCode.BAD_VALUE, "sensor_id"),
    ],
)
def test_parse_detection_line_raises_reject_error_with_code_and_field(
    line: bytes, code: RejectCode, field: str | None
) -> None:
    with pytest.raises(RejectError) as info:
        parse_detection_line(line, "in.jsonl:3")
    assert (info.value.where, info.value.code, info.value.field) == ("in.jsonl:3", code, field)
    results, counts = _read_bytes(line)
    assert isinstance(results[0], Reject) and results[0].code is code
    assert counts.by_code == {code: 1}


def test_parse_detection_line_rejects_long_lines_unparsed() -> None:
    with pytest.raises(RejectError) as info:
        parse_detection_line(_PLOT, "t:1", max_line_bytes=10)
    assert info.value.code is RejectCode.LINE_TOO_LONG


def test_parse_detection_obj_is_strict_on_numbers_but_takes_enum_tokens() -> None:
    obj = json.loads(_PLOT)
    obj["lat"] = "54.0"
    with pytest.raises(RejectError) as info:
        parse_detection_obj(obj, "t:1")
    assert (info.value.code, info.value.field, info.value.value) == (
        RejectCode.WRONG_TYPE,
        "lat",
        "54.0",
    )
    report_obj = {
        "kind": "report",
        "time": "2025-07-28T03:12:05Z",
        "sensor_id": "p",
        "lat": 54,
        "lon": 25,
        "what": "heard",
    }
    report = parse_detection_obj(report_obj, "t:1")
    assert isinstance(report, Report) and report.what is ReportWhat.HEARD
    for wrong in (True, 2.0):
        with pytest.raises(RejectError) as info:
            parse_detection_obj({**report_obj, "count": wrong}, "t:1")
        assert (info.value.code, info.value.field) == (RejectCode.WRONG_TYPE, "count")


def test_reader_accepts_path_and_names_rejects_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "feed-7.jsonl"
    path.write_bytes(_PLOT.encode() + b"\n[]\n")
    source = JsonlDetectionSource(path)
    first = list(source)
    assert source.name == "feed-7.jsonl"
    assert isinstance(first[1], Reject) and first[1].where == "feed-7.jsonl:2"
    # A path is reopened on each iteration, and the counts describe the latest one.
    assert list(source) == first and source.counts.lines == 2


def test_memory_source_replays_its_items() -> None:
    items = list(JsonlDetectionSource(GOLDEN / "detections_valid.jsonl"))
    assert list(MemorySource(items)) == items


# --- writer behaviour ----------------------------------------------------------------------


class _RecordingSink:
    def __init__(self) -> None:
        self.events: list[str] = []

    def write(self, s: str, /) -> int:
        self.events.append("write")
        return len(s)

    def flush(self) -> None:
        self.events.append("flush")


def test_writer_flushes_after_every_line() -> None:
    sink = _RecordingSink()
    with TrackWriter(sink) as writer:
        writer.write(_full_track_update())
        writer.write(_full_track_update(status=TrackStatus.DELETED))
    assert sink.events[:4] == ["write", "flush", "write", "flush"]
    assert writer.lines_written == 2


def test_writer_refuses_non_finite_numbers_and_writes_nothing() -> None:
    stream = io.StringIO()
    with TrackWriter(stream) as writer, pytest.raises(ValueError, match="non-finite"):
        writer.write(_full_track_update(vel_e_mps=float("nan")))
    assert stream.getvalue() == "" and writer.lines_written == 0


def test_writer_closes_files_it_opened_but_not_borrowed_streams(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    with AlertWriter(path) as writer:
        writer.write(_full_alert_event())
    with AlertWriter(path, append=True) as writer:
        writer.write(_full_alert_event(state=AlertState.CLEARED, level=AlertLevel.WHITE))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["state"] for line in lines] == ["raised", "cleared"]
    with pytest.raises(ValueError, match="closed"):
        writer.write(_full_alert_event())
    stream = io.StringIO()
    with AlertWriter(stream) as borrowed:
        borrowed.write(_full_alert_event())
    assert not stream.closed


def test_writer_output_is_compact_utf8_with_rounded_numbers() -> None:
    update = _full_track_update(
        lat=54.123456789, alt_m=100.00049, vel_u_mps=-0.0004, class_p=None, obj_class=None
    )
    line = _write_lines(TrackWriter, [update])
    assert line.endswith("\n") and line.count("\n") == 1
    assert ", " not in line and ": " not in line
    wire = json.loads(line)
    assert wire["lat"] == 54.1234568 and wire["alt_m"] == 100.0
    assert '"vel_u_mps":0.0' in line  # no negative zero
    alert = _write_lines(AlertWriter, [_full_alert_event(reason="žemai skrenda")])
    assert "žemai" in alert


def test_writer_maps_obj_class_to_class() -> None:
    wire = track_update_to_wire(_full_track_update())
    assert wire["class"] == "quadcopter" and "obj_class" not in wire


def test_reject_to_wire_omits_absent_line_and_field() -> None:
    reject = Reject(
        where="stdin", line=None, field=None, code=RejectCode.NOT_UTF8, message="m", raw="r"
    )
    assert reject_to_wire(reject) == {
        "where": "stdin",
        "code": "not_utf8",
        "message": "m",
        "raw": "r",
    }


@pytest.mark.parametrize("module", [sources_base, sources_jsonl, outputs_jsonl])
def test_all_lists_exactly_the_public_names(module: types.ModuleType) -> None:
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and getattr(value, "__module__", None) == module.__name__
        and (isinstance(value, type) or callable(value))
    }
    assert public <= set(module.__all__)
    assert all(hasattr(module, name) for name in module.__all__)
