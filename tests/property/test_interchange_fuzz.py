"""Property tests of the interchange contract reader and writers.

The streaming reader is total: arbitrary bytes, arbitrary JSON values and mutated valid
lines never make it raise, and every non-blank line yields exactly one detection or one
reject. Valid detections survive a write and a read unchanged.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from skywarden.core.enums import BearingSource, ReportWhat
from skywarden.core.errors import RejectCode, RejectError
from skywarden.core.types import (
    AdsbReport,
    Bearing,
    Detection,
    Plot,
    RemoteIdReport,
    Report,
)
from skywarden.outputs.jsonl import DetectionWriter, detection_to_wire
from skywarden.sources.base import MAX_RAW_CHARS, Reject, RejectCounts
from skywarden.sources.jsonl import (
    JsonlDetectionSource,
    parse_detection_line,
    parse_detection_obj,
)

_JSON_SPACE = b" \t\r\n"
_DETECTION_TYPES = (Plot, Bearing, Report, AdsbReport, RemoteIdReport)


def _read(data: bytes, max_line_bytes: int = 64 * 1024) -> tuple[list[Any], RejectCounts]:
    source = JsonlDetectionSource(io.BytesIO(data), name="f.jsonl", max_line_bytes=max_line_bytes)
    return list(source), source.counts


def _expected_yield(data: bytes, max_line_bytes: int) -> tuple[int, int]:
    """Slow reference: (physical lines, lines that must yield a result)."""
    pieces = data.split(b"\n")
    if pieces[-1] == b"":
        pieces.pop()
    if pieces and pieces[0].startswith(b"\xef\xbb\xbf"):
        pieces[0] = pieces[0][3:]
    contents = [p.rstrip(b"\r") for p in pieces]
    yielding = [c for c in contents if len(c) > max_line_bytes or c.strip(_JSON_SPACE)]
    return len(pieces), len(yielding)


def _check_total(data: bytes, max_line_bytes: int = 64 * 1024) -> list[Any]:
    results, counts = _read(data, max_line_bytes)
    lines, yielding = _expected_yield(data, max_line_bytes)
    assert len(results) == yielding
    assert counts.lines == lines
    assert counts.lines == counts.blank + counts.accepted + counts.rejected
    assert all(isinstance(r, (Reject, *_DETECTION_TYPES)) for r in results)
    rejects = [r for r in results if isinstance(r, Reject)]
    assert len(rejects) == counts.rejected
    assert [r.line for r in rejects] == sorted({r.line for r in rejects})
    for r in rejects:
        assert r.where == f"f.jsonl:{r.line}"
        assert 1 <= r.line <= lines
        assert len(r.raw) <= MAX_RAW_CHARS
        assert f"line {r.line}" in r.message
    return results


# --- arbitrary input never crashes the reader --------------------------------------------------

_line_bytes = st.lists(st.binary(max_size=60), max_size=20).map(b"\n".join)


@given(st.one_of(st.binary(max_size=2000), _line_bytes))
def test_reader_arbitrary_bytes_yield_one_result_per_line(data: bytes) -> None:
    _check_total(data)


@given(_line_bytes, st.integers(min_value=1, max_value=40))
@example(data=b"\xef\xbb\xbf\n", limit=1)  # a byte order mark longer than the line limit
def test_reader_arbitrary_bytes_with_small_line_limit_resyncs(data: bytes, limit: int) -> None:
    _check_total(data, max_line_bytes=limit)


@given(st.binary(max_size=500))
def test_parse_detection_line_raises_only_reject_error(data: bytes) -> None:
    try:
        parse_detection_line(data, "x:1")
    except RejectError as exc:
        assert exc.where == "x:1" and isinstance(exc.code, RejectCode)


@given(st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF) | st.characters()))
def test_parse_detection_line_text_raises_only_reject_error(text: str) -> None:
    try:
        parse_detection_line(text, "x:1")
    except RejectError as exc:
        assert exc.where == "x:1" and isinstance(exc.code, RejectCode)


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["plot", "bearing", "report", "adsb", "remote_id"]),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(["kind", "time", "lat", "lon", "sensor_id"]) | st.text(max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=20,
)


@given(st.lists(_json_values, min_size=1, max_size=10))
def test_reader_arbitrary_json_values_yield_one_result_each(values: list[object]) -> None:
    data = "\n".join(json.dumps(v) for v in values).encode()
    results = _check_total(data)
    assert len(results) == len(values)
    for value, result in zip(values, results, strict=True):
        if not isinstance(value, dict):
            assert isinstance(result, Reject) and result.code is RejectCode.NOT_AN_OBJECT


@given(_json_values)
def test_parse_detection_obj_raises_only_reject_error(value: object) -> None:
    try:
        parse_detection_obj(value, "x:1")
    except RejectError as exc:
        assert exc.where == "x:1" and isinstance(exc.code, RejectCode)


# --- generated valid detections ----------------------------------------------------------------
# Values lie on the writer's rounding grid, so that a write and a read return them exactly.


def _grid(low: int, high: int, decimals: int) -> st.SearchStrategy[float]:
    return st.integers(low, high).map(lambda k: k / 10**decimals)


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


_t_s = st.builds(
    lambda whole_s, us: whole_s + us / 1_000_000,
    st.integers(0, 4_102_444_800),  # 1970 to 2100
    st.integers(0, 999_999),
)
_lat = _grid(-900_000_000, 900_000_000, 7)
_lon = _grid(-1_800_000_000, 1_800_000_000, 7)
_metres = _grid(-(10**9), 10**9, 3)
_sigma_m = _grid(1, 10**9, 3)
_az_deg = _grid(0, 359_999_999, 6)
_el_deg = _grid(-90_000_000, 90_000_000, 6)
_sigma_deg = _grid(1, 180_000_000, 6)
_db = _grid(-(10**6), 10**6, 3)
_ident = st.text(max_size=12).map(lambda s: "s" + s)  # never blank
_text = st.text(max_size=30)

_plots = st.builds(
    Plot,
    t_s=_t_s,
    sensor_id=_ident,
    lat=_lat,
    lon=_lon,
    alt_m=_metres,
    sigma_h_m=_sigma_m,
    sigma_v_m=_sigma_m,
    vr_mps=_optional(_metres),
    rcs_dbsm=_optional(_db),
    snr_db=_optional(_db),
)
_bearings = st.builds(
    Bearing,
    t_s=_t_s,
    sensor_id=_ident,
    sensor_lat=_lat,
    sensor_lon=_lon,
    sensor_alt_m=_metres,
    az_deg=_az_deg,
    sigma_az_deg=_sigma_deg,
    el_deg=_optional(_el_deg),
    sigma_el_deg=_optional(_sigma_deg),
    source=_optional(st.sampled_from(BearingSource)),
    signature=_optional(_text),
)
_reports = st.builds(
    Report,
    t_s=_t_s,
    sensor_id=_ident,
    lat=_lat,
    lon=_lon,
    what=st.sampled_from(ReportWhat),
    az_deg=_optional(_az_deg),
    sigma_az_deg=_optional(_sigma_deg),
    count=_optional(st.integers(1, 10**6)),
    note=_optional(_text),
)
_adsb = st.builds(
    AdsbReport,
    t_s=_t_s,
    sensor_id=_ident,
    icao24=st.text("0123456789abcdef", min_size=6, max_size=6),
    lat=_lat,
    lon=_lon,
    alt_m=_metres,
    callsign=_optional(_text),
    vel_e_mps=_optional(_metres),
    vel_n_mps=_optional(_metres),
    vel_u_mps=_optional(_metres),
    squawk=_optional(_text),
)
_remote_ids = st.builds(
    RemoteIdReport,
    t_s=_t_s,
    sensor_id=_ident,
    uas_id=_ident,
    lat=_lat,
    lon=_lon,
    alt_m=_metres,
    operator_lat=_optional(_lat),
    operator_lon=_optional(_lon),
    vel_e_mps=_optional(_metres),
    vel_n_mps=_optional(_metres),
    vel_u_mps=_optional(_metres),
)
_detections: st.SearchStrategy[Detection] = st.one_of(
    _plots, _bearings, _reports, _adsb, _remote_ids
)


def _written(detections: list[Detection]) -> bytes:
    stream = io.StringIO()
    with DetectionWriter(stream) as writer:
        writer.write_all(detections)
    return stream.getvalue().encode("utf-8")


@given(st.lists(_detections, max_size=12))
def test_round_trip_generated_detections_write_then_read_equal(
    detections: list[Detection],
) -> None:
    results, counts = _read(_written(detections))
    assert results == detections
    assert counts.accepted == len(detections) and counts.rejected == 0


@given(_detections)
def test_round_trip_strict_and_streaming_agree_on_written_lines(detection: Detection) -> None:
    line = _written([detection])
    assert parse_detection_line(line, "x:1") == detection
    assert parse_detection_obj(json.loads(line), "x:1") == detection


# --- mutated valid lines -------------------------------------------------------------------------

_FULL_SAMPLES: dict[str, Detection] = {
    "Plot": Plot(1.0, "s", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0),
    "Bearing": Bearing(1.0, "s", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, BearingSource.EO, "x"),
    "Report": Report(1.0, "s", 1.0, 2.0, ReportWhat.SEEN, 3.0, 4.0, 5, "n"),
    "AdsbReport": AdsbReport(1.0, "s", "abcdef", 1.0, 2.0, 3.0, "c", 4.0, 5.0, 6.0, "7000"),
    "RemoteIdReport": RemoteIdReport(1.0, "s", "u", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0),
}


# Every wire field a detection can carry, from samples with every optional field set.
_WIRE_FIELDS = frozenset(k for d in _FULL_SAMPLES.values() for k in detection_to_wire(d))


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[Detection, dict[str, Any], bool]:
    """A written detection with one mutation; the flag says whether only unknown keys changed."""
    detection = draw(_detections)
    wire = detection_to_wire(detection)
    key = draw(st.sampled_from(sorted(wire)) | st.text(min_size=1, max_size=6))
    mutation = draw(st.sampled_from(["delete", "replace"]))
    harmless = key not in _WIRE_FIELDS
    if mutation == "delete":
        wire.pop(key, None)
    else:
        wire[key] = draw(_json_values)
    return detection, wire, harmless


@settings(max_examples=300)
@given(_mutated())
def test_reader_mutated_valid_lines_yield_one_result_naming_a_known_field(
    case: tuple[Detection, dict[str, Any], bool],
) -> None:
    detection, wire, harmless = case
    results = _check_total(json.dumps(wire).encode())
    assert len(results) == 1
    result = results[0]
    if harmless:
        assert result == detection
    elif isinstance(result, Reject):
        assert result.field is None or result.field in _WIRE_FIELDS
        if result.code is RejectCode.OUT_OF_RANGE:
            assert result.field is not None


@given(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["lat", "alt_m", "vr_mps"]))
def test_reader_rejects_every_non_finite_or_out_of_range_number(value: float, key: str) -> None:
    wire = detection_to_wire(_FULL_SAMPLES["Plot"])
    wire[key] = value
    line = json.dumps(wire).encode()  # NaN and Infinity as JavaScript literals
    (result,), _ = _read(line)
    finite_in_range = math.isfinite(value) and (key != "lat" or -90.0 <= value <= 90.0)
    if finite_in_range:
        assert isinstance(result, Plot)
    else:
        assert isinstance(result, Reject)
        assert (result.code, result.field) == (RejectCode.OUT_OF_RANGE, key)
