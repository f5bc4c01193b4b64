"""Cursor-on-Target output: checked against xml.etree and against what pytak builds."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytak
import pytest

from skywarden.core.enums import AlertKind, AlertLevel, AlertState, ObjectClass, TrackStatus
from skywarden.core.time import parse_rfc3339
from skywarden.core.types import AlertEvent, TrackUpdate
from skywarden.geo.geoid import geoid_undulation_m
from skywarden.outputs.cot import (
    ALERT_STALE_S,
    COASTING_STALE_S,
    TRACK_STALE_S,
    CotWriter,
    alert_cot_type,
    alert_event,
    format_cot_time,
    track_cot_type,
    track_element,
    track_event,
)

T0 = parse_rfc3339("2025-07-28T01:47:40.500Z")

UPDATE = TrackUpdate(
    t_s=T0,
    track_id="T-000001",
    status=TrackStatus.CONFIRMED,
    lat=54.6872,
    lon=25.2797,
    alt_m=300.0,
    vel_e_mps=30.0,
    vel_n_mps=-30.0,
    vel_u_mps=0.0,
    sigma_h_m=25.0,
    sigma_v_m=40.0,
    obj_class=ObjectClass.OWA_DRONE,
    class_p=0.87,
)

ALERT = AlertEvent(
    t_s=T0,
    alert_id="A-000001",
    state=AlertState.RAISED,
    level=AlertLevel.RED,
    kind=AlertKind.ZONE_INTRUSION,
    track_ids=("T-000001",),
    zone_ids=("LT-13", "LT-19"),
    site_ids=("S-VNO",),
    reason="rule red-owa-in-zone: one-way attack drone inside the zone",
    eta_s=120.0,
)

# Every atom this module may write, each one in MITRE's CoTtypes.xml (a-.-A is the air
# track; the functions after it are listed there as a-.-A-M-F-Q and so on).
KNOWN_AIR_FUNCTIONS = {"", "-M-F-Q", "-M-H-Q", "-C-L", "-C-F", "-M-F"}
TYPE_RE = re.compile(r"^a-([hnpu])-A((?:-[A-Z])*)$")


def _parse(data: bytes) -> ET.Element:
    assert data.count(b"\n") == 0
    return ET.fromstring(data)


def _pytak_time(text: str) -> datetime:
    # pytak writes and reads CoT times with this format; ours must parse with it.
    return datetime.strptime(text, pytak.W3C_XML_DATETIME).replace(tzinfo=UTC)


def test_cot_track_event_parses_and_carries_the_fields() -> None:
    root = _parse(track_event(UPDATE, hostile=True))
    assert root.tag == "event"
    assert root.get("version") == "2.0"
    assert root.get("uid") == "skywarden.track.T-000001"
    assert root.get("type") == "a-h-A-M-F-Q"
    assert root.get("how") == "m-f"
    assert root.get("time") == root.get("start") == "2025-07-28T01:47:40.500000Z"
    assert root.get("stale") == format_cot_time(T0 + TRACK_STALE_S)

    point = root.find("point")
    assert point is not None
    assert float(point.get("lat", "")) == pytest.approx(54.6872)
    assert float(point.get("lon", "")) == pytest.approx(25.2797)
    assert float(point.get("ce", "")) == 25.0  # 1-sigma, as CoT defines ce
    assert float(point.get("le", "")) == 40.0

    track = root.find("detail/track")
    assert track is not None
    assert float(track.get("course", "")) == pytest.approx(135.0)  # south-east
    assert float(track.get("speed", "")) == pytest.approx(42.43, abs=0.01)
    contact = root.find("detail/contact")
    assert contact is not None and contact.get("callsign") == "T-000001"
    remarks = root.findtext("detail/remarks")
    assert remarks is not None
    for word in ("confirmed", "owa_drone", "0.87", "25.0 m", "40.0 m", "non-cooperative"):
        assert word in remarks


def test_cot_track_hae_is_msl_plus_geoid() -> None:
    point = track_element(UPDATE).find("point")
    assert point is not None
    n_m = float(geoid_undulation_m(UPDATE.lat, UPDATE.lon))
    assert 20.0 < n_m < 35.0  # EGM96 around Vilnius
    assert float(point.get("hae", "")) == pytest.approx(UPDATE.alt_m + n_m, abs=0.01)


def test_cot_track_event_has_pytak_structure() -> None:
    """Same tags, attributes and time format as pytak.gen_cot_xml for the fields both set."""
    ours = _parse(track_event(UPDATE, hostile=True))
    point = ours.find("point")
    assert point is not None
    theirs = pytak.gen_cot_xml(
        lat=UPDATE.lat,
        lon=UPDATE.lon,
        hae=float(point.get("hae", "")),
        uid="skywarden.track.T-000001",
        cot_type="a-h-A-M-F-Q",
        stale=int(TRACK_STALE_S),
        ce=UPDATE.sigma_h_m,
        le=UPDATE.sigma_v_m,
        callsign="T-000001",
    )
    assert theirs is not None
    theirs = ET.fromstring(pytak.serialize_cot(theirs))  # through bytes, as sent

    assert ours.tag == theirs.tag == "event"
    assert set(ours.attrib) == set(theirs.attrib)
    for name in ("version", "uid", "type"):
        assert ours.get(name) == theirs.get(name)
    for name in ("time", "start", "stale"):
        _pytak_time(theirs.get(name, ""))
        assert _pytak_time(ours.get(name, "")).timestamp() == pytest.approx(
            parse_rfc3339(ours.get(name, ""))
        )
    assert len(ours.get("time", "")) == len(theirs.get("time", ""))

    their_point = theirs.find("point")
    assert their_point is not None
    assert set(point.attrib) == set(their_point.attrib)
    for name in ("lat", "lon", "hae", "ce", "le"):
        assert float(point.get(name, "")) == pytest.approx(
            float(their_point.get(name, "")), abs=1e-4
        )
    ours_contact = ours.find("detail/contact")
    their_contact = theirs.find("detail/contact")
    assert ours_contact is not None and their_contact is not None
    assert ours_contact.attrib == their_contact.attrib
    # pytak's stale is time + stale: ours is start + stale, start being the update time.
    stale_gap_s = (
        _pytak_time(ours.get("stale", "")) - _pytak_time(ours.get("start", ""))
    ).total_seconds()
    assert stale_gap_s == TRACK_STALE_S


@pytest.mark.parametrize("obj_class", [*ObjectClass, None], ids=lambda c: str(c))
@pytest.mark.parametrize("hostile", [False, True], ids=["not_hostile", "hostile"])
@pytest.mark.parametrize("status", list(TrackStatus), ids=lambda s: str(s))
def test_cot_track_type_is_valid_for_every_class(
    obj_class: ObjectClass | None, hostile: bool, status: TrackStatus
) -> None:
    update = replace(UPDATE, obj_class=obj_class, status=status)
    cot_type = track_cot_type(update, hostile=hostile)
    m = TYPE_RE.match(cot_type)
    assert m is not None, cot_type
    assert m.group(2) in KNOWN_AIR_FUNCTIONS
    expected_affiliation = "h" if hostile else ("p" if status is TrackStatus.TENTATIVE else "u")
    assert m.group(1) == expected_affiliation
    assert _parse(track_event(update, hostile=hostile)).get("type") == cot_type


def test_cot_track_type_table() -> None:
    def t(cls: ObjectClass | None, *, hostile: bool = False, identity: str | None = None) -> str:
        return track_cot_type(replace(UPDATE, obj_class=cls, identity=identity), hostile=hostile)

    assert t(ObjectClass.OWA_DRONE, hostile=True) == "a-h-A-M-F-Q"
    assert t(ObjectClass.OWA_DRONE) == "a-u-A-M-F-Q"
    assert t(ObjectClass.QUADCOPTER) == "a-u-A-M-H-Q"
    assert t(ObjectClass.QUADCOPTER, identity="uas:LT-OP-1234") == "a-n-A-M-H-Q"
    assert t(ObjectClass.BALLOON) == "a-u-A-C-L"
    assert t(ObjectClass.MANNED_AIRCRAFT, identity="icao24:4b1816") == "a-n-A-C-F"
    assert t(ObjectClass.MANNED_AIRCRAFT, hostile=True) == "a-h-A-M-F"
    assert t(ObjectClass.BIRD) == "a-u-A"
    assert t(ObjectClass.UNKNOWN) == "a-u-A"
    assert t(None) == "a-u-A"
    # The obj_class argument (an assessment's class) wins over the update's.
    assert track_cot_type(UPDATE, obj_class=ObjectClass.BALLOON) == "a-u-A-C-L"


def test_cot_cooperative_track_is_neutral_unless_called_hostile() -> None:
    coop = replace(UPDATE, obj_class=ObjectClass.MANNED_AIRCRAFT, identity="icao24:4b1816")
    root = _parse(track_event(coop))
    assert root.get("type") == "a-n-A-C-F"
    assert "icao24:4b1816" in (root.findtext("detail/remarks") or "")
    tentative = replace(coop, status=TrackStatus.TENTATIVE)
    assert track_cot_type(tentative) == "a-n-A-C-F"  # identity outranks pending
    assert track_cot_type(coop, hostile=True).startswith("a-h-")  # spoofed identity


def test_cot_deleted_track_is_stale_at_once() -> None:
    root = _parse(track_event(replace(UPDATE, status=TrackStatus.DELETED)))
    assert root.get("stale") == root.get("time") == root.get("start")
    later = _parse(track_event(replace(UPDATE, status=TrackStatus.DELETED), now_s=T0 + 2.0))
    assert later.get("stale") == later.get("time") == format_cot_time(T0 + 2.0)
    assert later.get("start") == format_cot_time(T0)


def test_cot_stale_policy_by_status_and_override() -> None:
    def gap_s(data: bytes) -> float:
        root = _parse(data)
        return parse_rfc3339(root.get("stale", "")) - parse_rfc3339(root.get("start", ""))

    assert gap_s(track_event(UPDATE)) == pytest.approx(TRACK_STALE_S)
    coasting = replace(UPDATE, status=TrackStatus.COASTING)
    assert gap_s(track_event(coasting)) == pytest.approx(COASTING_STALE_S)
    assert COASTING_STALE_S < TRACK_STALE_S
    assert gap_s(track_event(UPDATE, stale_s=7.0)) == pytest.approx(7.0)
    # now_s moves "time" only: validity still runs from the update time.
    root = _parse(track_event(UPDATE, now_s=T0 + 3.0))
    assert root.get("time") == format_cot_time(T0 + 3.0)
    assert root.get("stale") == format_cot_time(T0 + TRACK_STALE_S)


def test_cot_track_event_is_deterministic_and_one_line() -> None:
    noisy = replace(UPDATE, identity="uas:a\nb")
    assert track_event(noisy) == track_event(noisy)
    assert b"\n" not in track_event(noisy)


def test_cot_track_event_rejects_non_finite_numbers() -> None:
    with pytest.raises(ValueError, match="finite"):
        track_event(replace(UPDATE, lat=float("nan")))
    with pytest.raises(ValueError, match="finite"):
        track_event(replace(UPDATE, sigma_h_m=float("inf")))


def test_cot_numbers_are_fixed_point() -> None:
    tiny = replace(UPDATE, lat=0.00001, lon=-0.00000001, vel_e_mps=0.0, vel_n_mps=0.0)
    point = track_element(tiny).find("point")
    assert point is not None
    assert point.get("lat") == "0.00001"
    assert point.get("lon") == "0.0"
    track = track_element(tiny).find("detail/track")
    assert track is not None and track.get("course") == "0.0" and track.get("speed") == "0.0"


def test_cot_alert_event_raised() -> None:
    root = _parse(alert_event(ALERT, lat=54.7, lon=25.3))
    assert root.get("uid") == "skywarden.alert.A-000001"
    assert root.get("type") == "b-a-g"
    assert root.get("time") == root.get("start") == format_cot_time(T0)
    assert root.get("stale") == format_cot_time(T0 + ALERT_STALE_S)
    _pytak_time(root.get("stale", ""))
    point = root.find("point")
    assert point is not None
    assert (point.get("lat"), point.get("lon")) == ("54.7", "25.3")
    emergency = root.find("detail/emergency")
    assert emergency is not None and emergency.get("type") == "Geo-fence Breached"
    remarks = root.findtext("detail/remarks") or ""
    for word in ("raised", "red", "zone_intrusion", "LT-13, LT-19", "S-VNO", "T-000001"):
        assert word in remarks
    assert ALERT.reason in remarks
    contact = root.find("detail/contact")
    assert contact is not None and contact.get("callsign") == "RED A-000001"


def test_cot_alert_event_cleared_is_a_cancel_stale_at_once() -> None:
    cleared = replace(ALERT, t_s=T0 + 60.0, state=AlertState.CLEARED, level=AlertLevel.WHITE)
    root = _parse(alert_event(cleared, lat=54.7, lon=25.3))
    assert root.get("uid") == "skywarden.alert.A-000001"  # replaces the raised marker
    assert root.get("type") == "b-a-o-can"
    assert root.get("stale") == root.get("time") == format_cot_time(T0 + 60.0)
    emergency = root.find("detail/emergency")
    assert emergency is not None and emergency.get("cancel") == "true"


@pytest.mark.parametrize("state", list(AlertState), ids=lambda s: str(s))
@pytest.mark.parametrize("kind", list(AlertKind), ids=lambda k: str(k))
def test_cot_alert_type_for_every_state_and_kind(state: AlertState, kind: AlertKind) -> None:
    event = replace(ALERT, state=state, kind=kind)
    cot_type = alert_cot_type(event)
    if state is AlertState.CLEARED:
        assert cot_type == "b-a-o-can"
    elif kind is AlertKind.SENSOR_OUTAGE:
        assert cot_type == "b-a-o-pan"
    else:
        assert cot_type == "b-a-g"
    assert _parse(alert_event(event, lat=54.0, lon=25.0)).get("type") == cot_type


def test_cot_writer_writes_one_line_per_event(tmp_path: Path) -> None:
    path = tmp_path / "cot.xml"
    with CotWriter(path) as writer:
        writer.write_track(UPDATE, hostile=True)
        writer.write_track(replace(UPDATE, t_s=T0 + 1.0, status=TrackStatus.DELETED))
        writer.write_alert(ALERT, lat=54.7, lon=25.3)
        assert path.read_bytes().count(b"\n") == 3  # flushed per line
    assert (writer.events_written, writer.tracks_written, writer.alerts_written) == (3, 2, 1)
    lines = path.read_bytes().splitlines()
    assert len(lines) == 3
    assert [ET.fromstring(line).get("uid") for line in lines] == [
        "skywarden.track.T-000001",
        "skywarden.track.T-000001",
        "skywarden.alert.A-000001",
    ]
    with CotWriter(path, append=True) as writer:
        writer.write_event(track_element(UPDATE))
    assert len(path.read_bytes().splitlines()) == 4
    with pytest.raises(ValueError, match="closed"):
        writer.write_track(UPDATE)


def test_cot_writer_to_a_stream_rejects_multi_line_bytes() -> None:
    stream = io.BytesIO()
    writer = CotWriter(stream)
    with pytest.raises(ValueError, match="one line"):
        writer.write_event(b"<event>\n</event>")
    writer.write_event(track_event(UPDATE))
    writer.close()
    assert not stream.closed
    assert stream.getvalue().endswith(b"</event>\n")
    assert writer.events_written == 1
