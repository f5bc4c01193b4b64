"""CAP 1.2 (OASIS Common Alerting Protocol) messages for public alert transitions.

Only what the public is warned about becomes CAP: alert levels ``yellow`` and ``red``, and
the end of an alert that was public. ``notice`` alerts are for operators and never leave
as CAP; an alert that never reached the public produces no message at all, not even when
it clears. :func:`cap_message` builds one message (a pure function); :class:`CapWriter`
keeps, per alert, the messages it issued, decides each one's ``msgType`` and
``references``, and writes one file per message.

Mapping, following Lithuania's public levels (since September 2025: yellow, possible or
likely air threat, stay ready and find shelter; red, air threat, take shelter at once;
white, all clear) and the CAP mapping suggested in the domain brief:

===========================  ===========  =========  ========  =========  ============
transition                   msgType      urgency    severity  certainty  responseType
===========================  ===========  =========  ========  =========  ============
first yellow (raised or      Alert        Expected   Moderate  Possible   Prepare
escalated from notice)
first red                    Alert        Immediate  Severe    Likely     Shelter
later yellow (updated,       Update       Expected   Moderate  Possible   Prepare
escalated, downgraded)
later red                    Update       Immediate  Severe    Likely     Shelter
cleared (white)              Cancel       Past       Minor     Observed   AllClear
downgraded to notice         Cancel       Past       Minor     Observed   AllClear
notice, or never public      (none)
===========================  ===========  =========  ========  =========  ============

An ``Update`` and a ``Cancel`` carry ``<references>`` to every earlier message of the
alert (``sender,identifier,sent``, space-separated, oldest first), so a receiver that
missed one still links the chain. An alert downgraded to ``notice`` is withdrawn from the
public with a ``Cancel`` ("warning withdrawn"); if it rises again, the next message is a
new ``Alert`` that references the earlier ones. A ``Cancel`` keeps an ``<info>`` (the
schema allows it) with ``responseType`` ``AllClear``, and covers every zone and site any
message of the alert covered, so the all-clear reaches everyone who was warned.

Each message has ``status`` ``Actual`` (``Exercise`` for drills, a writer option), scope
``Public``, categories ``Security`` (a hostile air threat) and ``Safety`` (shelter advice),
``senderName`` SkyWarden, ``expires`` at ``sent`` plus a validity (2 h by default), two
``<info>`` blocks, ``lt-LT`` then ``en-US``, and ``<parameter>`` entries ``alert_id``,
``state``, ``level``, ``kind``, ``rule`` (the rule id that starts the alert's reason, when
there is one), ``reason`` and ``eta_s`` (whole seconds, when known). ``<incidents>`` holds
the alert id, the same for every message of one alert.

Times: the schema's ``sent``/``expires`` pattern allows no fractional seconds and no
``Z``; times are written as whole UTC seconds, rounded down, with ``+00:00``
(``2025-07-28T01:47:40+00:00``).

Areas: one ``<area>`` per zone, ``areaDesc`` the zone's name in the info's language, a
``<geocode>`` ``ISO3166-2`` with the zone id when it is one (``LT-57``), and the zone's
outline as ``<polygon>`` (``lat,lon`` pairs, WGS84, first point repeated last). Outlines
come from the pack's ``zones.geojson`` in degrees. Each polygon part is simplified in a
local equirectangular plane (metres) with a tolerance of :data:`SIMPLIFY_TOL_M`, doubled
until it has at most :data:`MAX_POLYGON_POINTS` points; parts smaller than
:data:`MIN_PART_AREA_M2` (slivers) are dropped, and a multipolygon gives one ``<polygon>``
per remaining part. Holes are dropped, since a CAP polygon has none: the area then errs
towards warning too many (a district around a city covers the city), and the geocode still
names the exact zone. An event with no zones uses its protected sites as ``<circle>``
(``lat,lon radius_km``); with neither, or with an unknown zone or site, building fails
with a ``ValueError`` naming the alert.

Only the standard library builds the XML (``xml.etree.ElementTree``, CAP 1.2 as the
default namespace); lxml and the OASIS schema are test dependencies.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import shapely
import shapely.geometry

from skywarden.core.enums import AlertKind, AlertLevel, AlertState
from skywarden.core.types import AlertEvent
from skywarden.geo.zones import Geography

__all__ = [
    "CAP_NAMESPACE",
    "DEFAULT_SENDER",
    "DEFAULT_VALIDITY_S",
    "MAX_POLYGON_POINTS",
    "MIN_PART_AREA_M2",
    "SIMPLIFY_TOL_M",
    "CapMsgType",
    "CapRef",
    "CapStatus",
    "CapWriter",
    "cap_message",
    "format_cap_time",
    "zone_polygons",
]

CAP_NAMESPACE: Final = "urn:oasis:names:tc:emergency:cap:1.2"
# A placeholder in a reserved domain (RFC 2606): a deployment sets its own sender.
DEFAULT_SENDER: Final = "skywarden@skywarden.invalid"
# Two hours covers the longest alert seen so far (Vilnius, 20 May 2026, about 1 h); an
# alert still running by then has sent Updates, each with a fresh expiry.
DEFAULT_VALIDITY_S: Final = 7200.0
# CAP gives no limit, but cell-broadcast gateways and phone clients choke on polygons of
# thousands of points; 500 keeps every Lithuanian municipality at 100-200 m tolerance.
MAX_POLYGON_POINTS: Final = 500
# 100 m is below what a public warning area resolves (municipal lines run through fields
# and forests) and keeps the lt zones at 46-622 points before the limit above applies.
SIMPLIFY_TOL_M: Final = 100.0
# Parts under 0.1 km² (a 316 m square) are digitising slivers, not places people live.
MIN_PART_AREA_M2: Final = 100_000.0
# 1e-5 degree is about 1.1 m: far below the simplification tolerance.
_LATLON_DECIMALS: Final = 5
# One degree of a great circle on the IUGG mean sphere; good to 0.3 % for simplifying.
_M_PER_DEG: Final = 111_195.0
_XML_DECLARATION: Final = '<?xml version="1.0" encoding="UTF-8"?>\n'
_SENDER_NAME: Final = "SkyWarden"
# CAP 1.2 forbids spaces, commas and the restricted characters < and & in identifier,
# sender and the tokens of references and incidents.
_CAP_FORBIDDEN = re.compile(r"[\s,<&]")
_SAFE_ALERT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_ISO_3166_2 = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")
_RULE_ID = re.compile(r"([a-z0-9_]+(?:\.[a-z0-9_]+)+): ")

CapMsgType = Literal["Alert", "Update", "Cancel"]
CapStatus = Literal["Actual", "Exercise", "System", "Test", "Draft"]
_Lang = Literal["lt-LT", "en-US"]
_LANGUAGES: Final[tuple[_Lang, ...]] = ("lt-LT", "en-US")


@dataclass(frozen=True, slots=True)
class CapRef:
    """One issued message, as CAP's ``<references>`` names it: sender, identifier, sent."""

    sender: str
    identifier: str
    sent: str

    def to_cap(self) -> str:
        """Return ``sender,identifier,sent``, one token of ``<references>``."""
        return f"{self.sender},{self.identifier},{self.sent}"


@dataclass(frozen=True, slots=True)
class _Grade:
    """What one public level means in CAP, with its wording per language."""

    urgency: str
    severity: str
    certainty: str
    response_type: str
    headline: Mapping[_Lang, str]
    description: Mapping[_Lang, str]  # may hold "{event}"
    instruction: Mapping[_Lang, str]


_YELLOW = _Grade(
    "Expected",
    "Moderate",
    "Possible",
    "Prepare",
    headline={"lt-LT": "Galima oro grėsmė", "en-US": "Possible air threat"},
    description={
        "lt-LT": "Galima oro grėsmė jūsų vietovėje. {event}.",
        "en-US": "Possible air threat in your area. {event}.",
    },
    instruction={
        "lt-LT": "Išlikite ramūs ir susiraskite artimiausią slėptuvę. "
        "Pastebėję droną, skambinkite 112.",
        "en-US": "Stay calm and find the nearest shelter. If you see a drone, call 112.",
    },
)
_RED = _Grade(
    "Immediate",
    "Severe",
    "Likely",
    "Shelter",
    headline={
        "lt-LT": "Oro grėsmė – nedelsiant slėpkitės",
        "en-US": "Air threat: take shelter now",
    },
    description={
        "lt-LT": "Oro grėsmė jūsų vietovėje. {event}.",
        "en-US": "Air threat in your area. {event}.",
    },
    instruction={
        "lt-LT": "Nedelsdami slėpkitės slėptuvėje, rūsyje ar patalpoje už dviejų sienų.",
        "en-US": "Take shelter at once: a shelter, a basement or a room behind two walls.",
    },
)
_AFTER_INSTRUCTION: Final[Mapping[_Lang, str]] = {
    "lt-LT": "Nesiartinkite prie nukritusių objektų ir skambinkite 112. "
    "Sekite informaciją LT72.lt ir LRT.",
    "en-US": "Do not approach fallen objects; call 112. Follow LT72.lt and LRT for information.",
}
_ALL_CLEAR = _Grade(
    "Past",
    "Minor",
    "Observed",
    "AllClear",
    headline={"lt-LT": "Oro grėsmė praėjo", "en-US": "All clear"},
    description={
        "lt-LT": "Oro grėsmė praėjo, pavojaus nebėra.",
        "en-US": "The air threat is over.",
    },
    instruction=_AFTER_INSTRUCTION,
)
_WITHDRAWN = _Grade(
    "Past",
    "Minor",
    "Observed",
    "AllClear",
    headline={"lt-LT": "Perspėjimas atšauktas", "en-US": "Warning withdrawn"},
    description={
        "lt-LT": "Perspėjimas gyventojams atšauktas; padėtį toliau stebi tarnybos.",
        "en-US": "The public warning is withdrawn; the authorities keep watching the situation.",
    },
    instruction=_AFTER_INSTRUCTION,
)
_PUBLIC_GRADES: Final[Mapping[AlertLevel, _Grade]] = {
    AlertLevel.YELLOW: _YELLOW,
    AlertLevel.RED: _RED,
}
_EVENT_TEXT: Final[Mapping[AlertKind, Mapping[_Lang, str]]] = {
    AlertKind.BORDER_CROSSING: {
        "lt-LT": "Neatpažintas orlaivis (dronas) kirto valstybės sieną",
        "en-US": "Unidentified aircraft (drone) crossed the border",
    },
    AlertKind.ZONE_INTRUSION: {
        "lt-LT": "Neatpažintas orlaivis (dronas) oro erdvėje",
        "en-US": "Unidentified aircraft (drone) in the airspace",
    },
    AlertKind.SITE_THREAT: {
        "lt-LT": "Neatpažintas orlaivis (dronas) prie saugomo objekto",
        "en-US": "Unidentified aircraft (drone) near a protected site",
    },
    AlertKind.SHELTER_ADVISORY: {"lt-LT": "Oro grėsmė", "en-US": "Air threat"},
    AlertKind.AIRSPACE_CLOSURE: {"lt-LT": "Oro erdvės uždarymas", "en-US": "Airspace closure"},
    AlertKind.SENSOR_OUTAGE: {
        "lt-LT": "Oro erdvės stebėjimo sutrikimas",
        "en-US": "Air surveillance outage",
    },
}


# --- helpers ---------------------------------------------------------------------------------


def format_cap_time(t_s: float) -> str:
    """Format epoch seconds as CAP 1.2 wants: whole seconds, UTC, ``+00:00``, no ``Z``.

    The fraction is dropped (rounded down), so the time never lies after the event.
    Raises ``ValueError`` for a NaN or infinite time.
    """
    if not math.isfinite(t_s):
        raise ValueError(f"CAP time must be finite, got {t_s!r}")
    return datetime.fromtimestamp(math.floor(t_s), tz=UTC).isoformat()


def _check_token(what: str, value: str) -> None:
    if not value or _CAP_FORBIDDEN.search(value):
        raise ValueError(
            f"CAP {what} {value!r} must be non-empty, without spaces, commas, '<' or '&'"
        )


def _is_clearing(event: AlertEvent) -> bool:
    return event.state is AlertState.CLEARED or event.level is AlertLevel.WHITE


def _latlon_text(lat: float, lon: float) -> str:
    return f"{lat:.{_LATLON_DECIMALS}f},{lon:.{_LATLON_DECIMALS}f}"


def _ring_to_cap(lonlat: npt.NDArray[np.float64]) -> str | None:
    """``lat,lon`` text of one closed lon/lat ring, or ``None`` if under 4 distinct points."""
    points = [_latlon_text(float(lat), float(lon)) for lon, lat in lonlat]
    # Rounding can merge neighbours; CAP wants no repeats except the closing point.
    unique = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    if unique[0] != unique[-1]:
        unique.append(unique[0])
    if len(unique) < 4:
        return None
    return " ".join(unique)


def _simplify_part(part: Any) -> str | None:
    """Simplify one polygon's outer ring in a local plane and return its CAP text.

    ``None`` if the part is a sliver (under :data:`MIN_PART_AREA_M2`) or collapses.
    """
    lat_ref = float(part.centroid.y)
    lon_ref = float(part.centroid.x)
    scale = np.array([math.cos(math.radians(lat_ref)) * _M_PER_DEG, _M_PER_DEG])
    origin = np.array([lon_ref, lat_ref])
    ring_m = shapely.transform(
        shapely.geometry.Polygon(part.exterior), lambda c: (c - origin) * scale
    )
    if ring_m.area < MIN_PART_AREA_M2:
        return None
    tol_m = SIMPLIFY_TOL_M
    simple = shapely.simplify(ring_m, tol_m, preserve_topology=True)
    while shapely.get_num_coordinates(simple) > MAX_POLYGON_POINTS:
        tol_m *= 2.0
        simple = shapely.simplify(ring_m, tol_m, preserve_topology=True)
    lonlat = shapely.get_coordinates(simple.exterior) / scale + origin
    return _ring_to_cap(lonlat)


def _geometry_to_cap(geom: Any) -> tuple[str, ...]:
    parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    texts = [t for t in (_simplify_part(p) for p in parts) if t is not None]
    if not texts:  # every part a sliver: keep the largest rather than no area at all
        largest = max(parts, key=lambda p: p.area)
        lonlat = shapely.get_coordinates(largest.exterior)
        text = _ring_to_cap(lonlat)
        texts = [text] if text is not None else []
    return tuple(texts)


@functools.cache
def _zone_polygons_from_file(path: Path) -> Mapping[str, tuple[str, ...]]:
    """CAP polygon texts of every zone in a ``zones.geojson`` (lon/lat, RFC 7946)."""
    doc = json.loads(path.read_bytes())
    out: dict[str, tuple[str, ...]] = {}
    for feat in doc["features"]:
        geom = shapely.geometry.shape(feat["geometry"])
        out[feat["properties"]["id"]] = _geometry_to_cap(geom)
    return out


def zone_polygons(geography: Geography, zone_id: str) -> tuple[str, ...]:
    """Return a zone's outline as CAP ``<polygon>`` texts, one per kept part.

    Each text is ``"lat,lon lat,lon ..."`` in WGS84 degrees, closed, with at least 4 and
    at most :data:`MAX_POLYGON_POINTS` points (see the module docstring). Raises
    ``ValueError`` naming the zone when the pack has no such zone. The outlines of a
    pack are computed once per process and cached.
    """
    if zone_id not in geography.zones:
        raise ValueError(f"unknown zone {zone_id!r} in geography pack {geography.name!r}")
    polygons = _zone_polygons_from_file(geography.files["zones"])
    if zone_id not in polygons:
        raise ValueError(f"zone {zone_id!r} has no outline in {geography.files['zones']}")
    return polygons[zone_id]


# --- the message -----------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, f"{{{CAP_NAMESPACE}}}{tag}")
    if text is not None:
        el.text = text
    return el


def _pair(parent: ET.Element, tag: str, name: str, value: str) -> None:
    el = _sub(parent, tag)
    _sub(el, "valueName", name)
    _sub(el, "value", value)


@dataclass(frozen=True, slots=True)
class _Area:
    desc: Mapping[_Lang, str]
    polygons: tuple[str, ...] = ()
    circles: tuple[str, ...] = ()
    geocode: str | None = None


def _areas(event: AlertEvent, geography: Geography) -> list[_Area]:
    """Return the areas of an event: its zones, or else its protected sites as circles."""
    areas: list[_Area] = []
    for zone_id in event.zone_ids:
        zone = geography.zones.get(zone_id)
        if zone is None:
            raise ValueError(
                f"alert {event.alert_id}: unknown zone {zone_id!r} "
                f"(not in geography pack {geography.name!r})"
            )
        areas.append(
            _Area(
                desc={"lt-LT": zone.name, "en-US": zone.name_en},
                polygons=zone_polygons(geography, zone_id),
                geocode=zone_id if _ISO_3166_2.fullmatch(zone_id) else None,
            )
        )
    if areas:
        return areas
    for site_id in event.site_ids:
        site = geography.sites.get(site_id)
        if site is None:
            raise ValueError(
                f"alert {event.alert_id}: unknown site {site_id!r} "
                f"(not in geography pack {geography.name!r})"
            )
        zone_id = str(geography.zone_of(site.lat, site.lon)[0])
        areas.append(
            _Area(
                desc={"lt-LT": site.name, "en-US": site.name},
                circles=(f"{_latlon_text(site.lat, site.lon)} {site.radius_m / 1000.0:.3f}",),
                geocode=zone_id if _ISO_3166_2.fullmatch(zone_id) else None,
            )
        )
    if not areas:
        raise ValueError(
            f"alert {event.alert_id}: no zones and no protected sites, so no CAP area can be given"
        )
    return areas


def _parameters(event: AlertEvent) -> list[tuple[str, str]]:
    params = [
        ("alert_id", event.alert_id),
        ("state", event.state.value),
        ("level", event.level.value),
        ("kind", event.kind.value),
    ]
    rule = _RULE_ID.match(event.reason)
    if rule is not None:
        params.append(("rule", rule.group(1)))
    params.append(("reason", event.reason))
    if event.eta_s is not None:
        if not math.isfinite(event.eta_s):
            raise ValueError(f"alert {event.alert_id}: eta_s is not finite: {event.eta_s!r}")
        params.append(("eta_s", f"{event.eta_s:.0f}"))
    return params


def cap_message(
    event: AlertEvent,
    geography: Geography,
    *,
    sender: str,
    identifier: str,
    msg_type: CapMsgType,
    references: Sequence[CapRef] = (),
    status: CapStatus = "Actual",
    validity_s: float = DEFAULT_VALIDITY_S,
) -> bytes:
    """Build one CAP 1.2 message for an alert transition: UTF-8 XML with a declaration.

    ``msg_type`` ``Alert`` and ``Update`` need a public level (yellow or red) and describe
    it; ``Cancel`` is the all-clear (an event that clears) or the withdrawal of a public
    warning (an event downgraded to notice). ``Update`` and ``Cancel`` need
    ``references``, the earlier messages of the alert. ``sent`` is the event time in whole
    seconds (:func:`format_cap_time`); ``expires`` is ``validity_s`` later. The mapping
    from level to CAP values is the table of the module docstring.

    Raises ``ValueError`` naming the alert for an unknown zone or site, an event with no
    area, a level that does not fit ``msg_type``, a missing reference, a ``sender`` or
    ``identifier`` holding characters CAP forbids, or a non-positive validity.
    """
    _check_token("sender", sender)
    _check_token("identifier", identifier)
    _check_token("incident (alert id)", event.alert_id)
    for ref in references:
        _check_token("reference sender", ref.sender)
        _check_token("reference identifier", ref.identifier)
        _check_token("reference sent", ref.sent)
    if not (math.isfinite(validity_s) and validity_s > 0.0):
        raise ValueError(f"validity_s must be positive and finite, got {validity_s!r}")
    if msg_type == "Cancel":
        grade = _ALL_CLEAR if _is_clearing(event) else _WITHDRAWN
    else:
        public = _PUBLIC_GRADES.get(event.level)
        if public is None or _is_clearing(event):
            raise ValueError(
                f"alert {event.alert_id}: a CAP {msg_type} needs level yellow or red, not "
                f"{event.level.value} ({event.state.value})"
            )
        grade = public
    if msg_type != "Alert" and not references:
        raise ValueError(f"alert {event.alert_id}: a CAP {msg_type} needs references")

    sent = format_cap_time(event.t_s)
    expires = format_cap_time(math.floor(event.t_s) + validity_s)
    areas = _areas(event, geography)
    params = _parameters(event)
    event_text = _EVENT_TEXT[event.kind]

    root = ET.Element(f"{{{CAP_NAMESPACE}}}alert")
    _sub(root, "identifier", identifier)
    _sub(root, "sender", sender)
    _sub(root, "sent", sent)
    _sub(root, "status", status)
    _sub(root, "msgType", msg_type)
    _sub(root, "scope", "Public")
    if references:
        _sub(root, "references", " ".join(ref.to_cap() for ref in references))
    _sub(root, "incidents", event.alert_id)
    for lang in _LANGUAGES:
        info = _sub(root, "info")
        _sub(info, "language", lang)
        _sub(info, "category", "Security")
        _sub(info, "category", "Safety")
        _sub(info, "event", event_text[lang])
        _sub(info, "responseType", grade.response_type)
        _sub(info, "urgency", grade.urgency)
        _sub(info, "severity", grade.severity)
        _sub(info, "certainty", grade.certainty)
        _sub(info, "expires", expires)
        _sub(info, "senderName", _SENDER_NAME)
        _sub(info, "headline", grade.headline[lang])
        _sub(info, "description", grade.description[lang].format(event=event_text[lang]))
        _sub(info, "instruction", grade.instruction[lang])
        for name, value in params:
            _pair(info, "parameter", name, value)
        for area in areas:
            area_el = _sub(info, "area")
            _sub(area_el, "areaDesc", area.desc[lang])
            for polygon in area.polygons:
                _sub(area_el, "polygon", polygon)
            for circle in area.circles:
                _sub(area_el, "circle", circle)
            if area.geocode is not None:
                _pair(area_el, "geocode", "ISO3166-2", area.geocode)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", default_namespace=CAP_NAMESPACE)
    return (_XML_DECLARATION + body + "\n").encode("utf-8")


# --- the writer ------------------------------------------------------------------------------


@dataclass(slots=True)
class _History:
    """What a writer issued for one alert, and whether a public message is still live."""

    refs: list[CapRef] = field(default_factory=list)
    zone_ids: dict[str, None] = field(default_factory=dict)  # ordered set of areas warned
    site_ids: dict[str, None] = field(default_factory=dict)
    live: bool = False


def _id_prefix(sender: str) -> str:
    """Return the domain of ``sender`` (``skywarden@pagd.lt`` -> ``pagd.lt``), or all of it."""
    return sender.rpartition("@")[2] or sender


class CapWriter:
    """Writes a CAP 1.2 file for every public alert transition.

    Messages go to ``out_dir/cap/<alert_id>-<seq:03d>.xml``, ``seq`` counting the
    messages of one alert from 1; the identifier is ``<prefix>.<alert_id>.<seq>``, the
    prefix being ``id_prefix`` or else the domain of ``sender``. Each file is written to a
    temporary name and renamed, so a dispatcher watching the folder never reads half a
    message; an existing file is never overwritten (``FileExistsError``: a writer started
    again over an earlier run's folder would reuse alert ids). Per alert the writer keeps
    the ``(sender, identifier, sent)`` of every message it issued (a few hundred bytes per
    alert), see :meth:`issued`. Not thread-safe: one writer belongs to one thread.
    """

    __slots__ = (
        "_history",
        "cap_dir",
        "geography",
        "id_prefix",
        "messages_written",
        "sender",
        "status",
        "validity_s",
    )

    def __init__(
        self,
        out_dir: Path,
        geography: Geography,
        sender: str = DEFAULT_SENDER,
        *,
        status: CapStatus = "Actual",
        validity_s: float = DEFAULT_VALIDITY_S,
        id_prefix: str | None = None,
    ) -> None:
        _check_token("sender", sender)
        prefix = _id_prefix(sender) if id_prefix is None else id_prefix
        _check_token("identifier prefix", prefix)
        if not (math.isfinite(validity_s) and validity_s > 0.0):
            raise ValueError(f"validity_s must be positive and finite, got {validity_s!r}")
        self.cap_dir = Path(out_dir) / "cap"
        self.geography = geography
        self.sender = sender
        self.status: CapStatus = status
        self.validity_s = validity_s
        self.id_prefix = prefix
        self.messages_written = 0
        self._history: dict[str, _History] = {}

    def issued(self, alert_id: str) -> tuple[CapRef, ...]:
        """Return the messages issued for ``alert_id`` so far, oldest first."""
        history = self._history.get(alert_id)
        return () if history is None else tuple(history.refs)

    def write(self, event: AlertEvent) -> Path | None:
        """Write the CAP message for one alert transition; return its path.

        Returns ``None``, writing nothing, for a transition the public does not see (a
        ``notice`` alert, or the end of an alert that was never public). Raises
        ``ValueError`` as :func:`cap_message` does (nothing is written or remembered then)
        and for an alert id that is unfit for a file name.
        """
        if not _SAFE_ALERT_ID.fullmatch(event.alert_id):
            raise ValueError(
                f"alert id {event.alert_id!r} is unfit for a CAP file name "
                "(letters, digits, '.', '_', '-')"
            )
        history = self._history.get(event.alert_id)
        live = history is not None and history.live
        public = event.level in _PUBLIC_GRADES and not _is_clearing(event)
        msg_type: CapMsgType
        if public:
            msg_type = "Update" if live else "Alert"
        elif live:
            msg_type = "Cancel"  # cleared, or downgraded to notice
        else:
            return None
        if history is None:
            history = _History()
        message_event = event
        if msg_type == "Cancel":  # reach everyone any message of the alert reached
            message_event = replace(
                event,
                zone_ids=tuple(dict.fromkeys([*history.zone_ids, *event.zone_ids])),
                site_ids=tuple(dict.fromkeys([*history.site_ids, *event.site_ids])),
            )
        seq = len(history.refs) + 1
        identifier = f"{self.id_prefix}.{event.alert_id}.{seq}"
        ref = CapRef(self.sender, identifier, format_cap_time(event.t_s))
        xml = cap_message(
            message_event,
            self.geography,
            sender=ref.sender,
            identifier=ref.identifier,
            msg_type=msg_type,
            references=history.refs,
            status=self.status,
            validity_s=self.validity_s,
        )
        path = self.cap_dir / f"{event.alert_id}-{seq:03d}.xml"
        _write_new(path, xml)

        self._history[event.alert_id] = history
        history.refs.append(ref)
        history.zone_ids.update(dict.fromkeys(message_event.zone_ids))
        history.site_ids.update(dict.fromkeys(message_event.site_ids))
        history.live = msg_type != "Cancel"
        self.messages_written += 1
        return path


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file ``path`` through a temporary name and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise FileExistsError(f"{path}: a CAP message of that name exists; use a fresh out_dir")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
