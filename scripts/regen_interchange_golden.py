"""Regenerate the interchange contract golden files in tests/contract/golden/.

Run from the repository root:

    .venv/bin/python scripts/regen_interchange_golden.py

The input files (detections_valid.jsonl, detections_bad.jsonl) are written from the lines
defined below; every expected file is what the current reader and writers make of them.
Review the diff before committing: a changed expected file is a changed wire behaviour.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from skywarden.core.enums import (
    AlertKind,
    AlertLevel,
    AlertState,
    ObjectClass,
    TrackStatus,
)
from skywarden.core.types import AlertEvent, Detection, TrackUpdate
from skywarden.outputs.jsonl import (
    AlertWriter,
    DetectionWriter,
    JsonlWriter,
    QuarantineWriter,
    TrackWriter,
)
from skywarden.sources.base import Reject
from skywarden.sources.jsonl import JsonlDetectionSource

T = TypeVar("T")

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "contract" / "golden"

# The bad file is read with a small line limit so that its too-long line stays small.
BAD_FILE_MAX_LINE_BYTES = 1024

PLOT_FULL = (
    '{"kind":"plot","time":"2025-07-28T03:12:04.500Z","sensor_id":"radar-vln-1",'
    '"lat":54.6871568,"lon":25.2796514,"alt_m":312.5,"sigma_h_m":45.0,"sigma_v_m":80.0,'
    '"vr_mps":-31.4,"rcs_dbsm":-12.5,"snr_db":18.25,'
    '"vendor_extra":{"beam":7,"flags":["a","b"]},"schema":"v1"}'
)
PLOT_MIN = (
    '{"kind":"plot","time":"2025-07-28T03:12:05Z","sensor_id":"radar-vln-1",'
    '"lat":54,"lon":25,"alt_m":300,"sigma_h_m":50,"sigma_v_m":80}'
)
# Minimal bearing: azimuth 360 is north, read as 0. Null optionals count as absent.
BEARING_MIN = (
    '{"kind":"bearing","time":"2025-07-28T03:12:07Z","sensor_id":"df-02",'
    '"sensor_lat":54.5,"sensor_lon":25.5,"sensor_alt_m":150,"azimuth_deg":360,'
    '"sigma_az_deg":1.5,"elevation_deg":null,"source":null}'
)
REPORT_MIN = (
    '{"kind":"report","time":"2025-07-28T03:12:09Z","sensor_id":"observer-77",'
    '"lat":-33.5,"lon":-179.5,"what":"heard","count":null}'
)
ADSB_MIN = (
    '{"kind":"adsb","time":"2025-07-28T03:12:11Z","sensor_id":"sbs-vno",'
    '"icao24":"abc123","lat":90,"lon":180,"alt_m":10000}'
)
REMOTE_ID_MIN = (
    '{"kind":"remote_id","time":"2025-07-28T03:12:10Z","sensor_id":"rid-kns",'
    '"uas_id":"DRONE-7","lat":-90,"lon":-180,"alt_m":-10}'
)

VALID_LINES: list[bytes] = [
    PLOT_FULL.encode(),
    PLOT_MIN.encode(),
    # Bearing with every optional field, stamped in local time (+03:00): 03:12:06 UTC.
    (
        b'{"sensor_id":"mic-07","kind":"bearing","time":"2025-07-28T06:12:06.250+03:00",'
        b'"sensor_lat":54.70001,"sensor_lon":25.30002,"sensor_alt_m":160.0,'
        b'"azimuth_deg":271.5,"sigma_az_deg":3.0,"elevation_deg":4.25,"sigma_el_deg":2.0,'
        b'"source":"acoustic","signature":"two-stroke piston engine","unknown":null}'
    ),
    BEARING_MIN.encode(),
    b"",
    # Observer report with every optional field and a non-ASCII note.
    (
        '{"kind":"report","time":"2025-07-28T03:12:08Z","sensor_id":"observer-1234",'
        '"lat":54.9,"lon":25.1,"what":"seen","azimuth_deg":90,"sigma_az_deg":20,'
        '"count":2,"note":"skrenda žemai, garsas kaip mopedo"}'
    ).encode(),
    b"   \t",
    REPORT_MIN.encode(),
    # ADS-B with an upper-case ICAO address (read as lower case) and a CRLF line end.
    (
        b'{"kind":"adsb","time":"2025-07-28T03:12:10.125Z","sensor_id":"sbs-vno",'
        b'"icao24":"4B1A2F","lat":54.634,"lon":25.285,"alt_m":1524.0,"callsign":"LOT7AB",'
        b'"vel_e_mps":-120.5,"vel_n_mps":35.25,"vel_u_mps":-5.0,"squawk":"7000"}\r'
    ),
    ADSB_MIN.encode(),
    (
        b'{"kind":"remote_id","time":"2025-07-28T03:12:12Z","sensor_id":"rid-kns",'
        b'"uas_id":"1581F5FJD228400A0001","lat":54.9,"lon":23.9,"alt_m":120.5,'
        b'"operator_lat":54.899,"operator_lon":23.898,"vel_e_mps":5.5,"vel_n_mps":-2.25,'
        b'"vel_u_mps":0.5}'
    ),
    # Minimal Remote ID, 2 s late: accepted, and counted out of order.
    REMOTE_ID_MIN.encode(),
]


def _plot_with(**changes: object) -> bytes:
    """PLOT_MIN with some fields replaced (a value of ... removes the field)."""
    obj: dict[str, object] = json.loads(PLOT_MIN)
    for key, value in changes.items():
        if value is ...:
            obj.pop(key)
        else:
            obj[key] = value
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def _raw_plot(lat_text: str) -> bytes:
    """PLOT_MIN with the literal ``lat_text`` as latitude (for NaN and overflow)."""
    return PLOT_MIN.replace('"lat":54', f'"lat":{lat_text}').encode()


_BEARING_MIN = json.loads(BEARING_MIN)
_REPORT_MIN = json.loads(REPORT_MIN)
_ADSB_MIN = json.loads(ADSB_MIN)
_REMOTE_ID_MIN = json.loads(REMOTE_ID_MIN)


def _with(base: dict[str, object], **changes: object) -> bytes:
    obj = {**base, **changes}
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


# One line per reject code at least, interleaved with good lines (VALID_LINES[i]) that
# must still be read.
BAD_LINES: list[bytes] = [
    PLOT_MIN.encode(),
    b'{"kind":"plot","sensor_id":"radar-\xff\xfe","time":"2025-07-28T03:12:05Z"}',  # not_utf8
    VALID_LINES[2],
    _with(_REPORT_MIN, note="x" * 1100),  # line_too_long
    b'{"kind":"plot","time":"2025-07-28T03:12:05Z","lat":54,',  # invalid_json (cut short)
    b"[54.0, 25.0, 300.0]",  # not_an_object
    b'"plot"',  # not_an_object
    VALID_LINES[5],
    _plot_with(kind=...),  # unknown_kind: missing
    _plot_with(kind="sonar"),  # unknown_kind
    _plot_with(lat=...),  # missing_field: absent
    _plot_with(sigma_v_m=None),  # missing_field: null
    _plot_with(lat="54.1"),  # wrong_type: number as a string
    _with(_REPORT_MIN, count=2.5),  # wrong_type: count not an integer
    _plot_with(alt_m=True),  # wrong_type: boolean
    _plot_with(sensor_id=17),  # wrong_type
    VALID_LINES[8],
    _plot_with(lat=91.0),  # out_of_range
    _plot_with(lon=-180.5),  # out_of_range
    _plot_with(sigma_h_m=0),  # out_of_range: sigma <= 0
    _with(_BEARING_MIN, azimuth_deg=360.5),  # out_of_range
    _with(_BEARING_MIN, elevation_deg=-91),  # out_of_range
    _with(_REPORT_MIN, count=0),  # out_of_range
    _raw_plot("NaN"),  # out_of_range: not finite
    _raw_plot("1e400"),  # out_of_range: overflows to infinity
    _with(_REMOTE_ID_MIN, operator_lat=-95.0),  # out_of_range
    _plot_with(time="2025-07-28 03:12:05Z"),  # bad_time: space separator
    _plot_with(time="2025-07-28T03:12:05"),  # bad_time: no offset
    _plot_with(time="2025-02-30T00:00:00Z"),  # bad_time: impossible date
    _plot_with(time=1753672325),  # wrong_type: epoch number, not a string
    _with(_REPORT_MIN, what="smelled"),  # bad_value
    _with(_BEARING_MIN, source="radar"),  # bad_value
    _with(_ADSB_MIN, icao24="4B1A2"),  # bad_value: 5 hex digits
    _with(_ADSB_MIN, icao24="4B1A2G"),  # bad_value: not hex
    _plot_with(sensor_id=""),  # bad_value: empty
    _with(_REMOTE_ID_MIN, uas_id="  "),  # bad_value: blank
    b"",
    VALID_LINES[10],
]


def result_to_json(item: object) -> dict[str, object]:
    """A detection or reject as plain JSON: its type name and its fields (enums as tokens)."""
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


def _write_jsonl(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in lines))


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _read_expectation(
    path: Path, max_line_bytes: int
) -> tuple[dict[str, object], list[Detection | Reject]]:
    source = JsonlDetectionSource(path, max_line_bytes=max_line_bytes)
    results = list(source)
    expected = {
        "source": path.name,
        "max_line_bytes": max_line_bytes,
        "counts": source.counts.as_dict(),
        "results": [result_to_json(r) for r in results],
    }
    return expected, results


SAMPLE_TRACK_UPDATES = [
    TrackUpdate(
        t_s=1753672324.5,
        track_id="T-000001",
        status=TrackStatus.TENTATIVE,
        lat=54.687156789123,
        lon=25.279651412345,
        alt_m=312.52349,
        vel_e_mps=-41.23456,
        vel_n_mps=12.0,
        vel_u_mps=-0.0004,
        sigma_h_m=120.0,
        sigma_v_m=150.5,
    ),
    TrackUpdate(
        t_s=1753672330.0,
        track_id="T-000001",
        status=TrackStatus.CONFIRMED,
        lat=54.6861,
        lon=25.2671,
        alt_m=305.0,
        vel_e_mps=-40.0,
        vel_n_mps=11.5,
        vel_u_mps=-0.5,
        sigma_h_m=35.25,
        sigma_v_m=60.0,
        obj_class=ObjectClass.OWA_DRONE,
        class_p=0.8123456,
    ),
    TrackUpdate(
        t_s=1753672345.123456,
        track_id="T-000001",
        status=TrackStatus.COASTING,
        lat=54.684,
        lon=25.25,
        alt_m=300.0,
        vel_e_mps=-40.0,
        vel_n_mps=11.5,
        vel_u_mps=0.0,
        sigma_h_m=220.0,
        sigma_v_m=90.0,
        obj_class=ObjectClass.UNKNOWN,
    ),
    TrackUpdate(
        t_s=1753672400.0,
        track_id="T-000001",
        status=TrackStatus.DELETED,
        lat=54.68,
        lon=25.2,
        alt_m=300.0,
        vel_e_mps=0.0,
        vel_n_mps=0.0,
        vel_u_mps=0.0,
        sigma_h_m=900.0,
        sigma_v_m=300.0,
    ),
]

SAMPLE_ALERT_EVENTS = [
    AlertEvent(
        t_s=1753672331.0,
        alert_id="A-000001",
        state=AlertState.RAISED,
        level=AlertLevel.YELLOW,
        kind=AlertKind.ZONE_INTRUSION,
        track_ids=("T-000001",),
        zone_ids=("LT-VLN",),
        site_ids=(),
        reason="rule zone-intrusion-owa: confirmed owa_drone track entered Vilniaus m. sav.",
        eta_s=412.34567,
    ),
    AlertEvent(
        t_s=1753672390.0,
        alert_id="A-000001",
        state=AlertState.ESCALATED,
        level=AlertLevel.RED,
        kind=AlertKind.SITE_THREAT,
        track_ids=("T-000001", "T-000004"),
        zone_ids=("LT-VLN", "LT-VLR"),
        site_ids=("SITE-VNO", "SITE-TPP3"),
        reason="rule site-threat-eta: predicted to reach SITE-VNO within 300 s",
        eta_s=240.0,
    ),
    AlertEvent(
        t_s=1753672800.0,
        alert_id="A-000002",
        state=AlertState.CLEARED,
        level=AlertLevel.WHITE,
        kind=AlertKind.SENSOR_OUTAGE,
        track_ids=(),
        zone_ids=("LT-VLN",),
        site_ids=(),
        reason="rule sensor-silence: radar-vln-1 reporting again — atkurta",
    ),
]


def _writer_cases(
    make_writer: Callable[[io.StringIO], JsonlWriter[T]], items: list[T]
) -> dict[str, object]:
    cases = []
    for item in items:
        stream = io.StringIO()
        with make_writer(stream) as writer:
            writer.write(item)
        cases.append({"input": result_to_json(item), "line": stream.getvalue()})
    return {"cases": cases}


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)

    valid_path = GOLDEN / "detections_valid.jsonl"
    _write_jsonl(valid_path, VALID_LINES)
    expected, results = _read_expectation(valid_path, 64 * 1024)
    _write_json(GOLDEN / "detections_valid.expected.json", expected)
    with DetectionWriter(GOLDEN / "detections_valid.written.jsonl") as detections:
        detections.write_all(r for r in results if not isinstance(r, Reject))

    bad_path = GOLDEN / "detections_bad.jsonl"
    _write_jsonl(bad_path, BAD_LINES)
    expected, results = _read_expectation(bad_path, BAD_FILE_MAX_LINE_BYTES)
    _write_json(GOLDEN / "detections_bad.expected.json", expected)
    with QuarantineWriter(GOLDEN / "detections_bad.quarantine.jsonl") as quarantine:
        quarantine.write_all(r for r in results if isinstance(r, Reject))

    _write_json(GOLDEN / "tracks.golden.json", _writer_cases(TrackWriter, SAMPLE_TRACK_UPDATES))
    _write_json(GOLDEN / "alerts.golden.json", _writer_cases(AlertWriter, SAMPLE_ALERT_EVENTS))
    print(f"wrote golden files to {GOLDEN}")


if __name__ == "__main__":
    main()
