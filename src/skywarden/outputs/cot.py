"""Cursor-on-Target (CoT 2.0) XML events for TAK users (ATAK, WinTAK, iTAK, TAK Server).

Format only, no decisions: the caller says whether a track is hostile and where an alert
marker goes; this module turns core types into CoT events. Each event is one ``<event>``
element serialised as one line of UTF-8 XML with no XML declaration (a declaration in the
middle of a stream is not well-formed, and TAK servers take events without one).
:func:`track_element` and :func:`alert_element` return the ``xml.etree.ElementTree``
element, for callers that add their own detail; :func:`track_event` and
:func:`alert_event` return the serialised bytes (:func:`event_to_bytes`).

Event
    ``<event version="2.0" uid type how time start stale>``. ``uid`` is
    ``skywarden.track.<track_id>`` or ``skywarden.alert.<alert_id>``, stable for the life
    of the track or alert, so each event replaces the previous one on the map. ``time``
    is when the event was made (``now_s``, or the update time when not given, so a replay
    writes the same bytes), ``start`` the update time, ``stale`` when TAK should stop
    showing it. Times are written the way pytak writes them,
    ``2025-07-28T01:47:40.500000Z`` (microseconds, ``Z``); CoT allows any number of
    fraction digits.

Point
    ``lat``/``lon`` WGS84 degrees (7 decimals, about 1 cm). ``hae`` is the height above
    the WGS84 **ellipsoid**; the contract's ``alt_m`` is above mean sea level, so
    ``hae = alt_m + N`` with the EGM96 undulation ``N`` of :mod:`skywarden.geo.geoid`
    (about +25 m in Lithuania: writing ``alt_m`` as ``hae`` would put every track 25 m
    low). The CoT schema defines ``ce`` as a "circular 1-sigma" error and ``le`` as a
    "linear 1-sigma" error, in metres, so ``ce = sigma_h_m`` and ``le = sigma_v_m``, the
    contract's 1-sigma values, unscaled (a 95 % circle would be ``2.4477 * sigma_h_m``;
    TAK does not expect one). ``9999999.0`` means unknown (the alert point's height and
    errors).

Track type codes
    ``a-<affiliation>-A[-<function>]``, the MIL-STD-2525 atoms of MITRE's CoTtypes.xml.
    The affiliation is the first that applies:

    ==============================================  ===========  =======================
    condition                                       affiliation  why
    ==============================================  ===========  =======================
    ``hostile=True`` (the caller's judgement)        ``h``        ADS-B and Remote ID can
                                                                  be spoofed: a hostile
                                                                  verdict wins
    ``update.identity`` is not ``None``              ``n``        a cooperative aircraft
                                                                  or drone (neutral, civil)
    ``status`` is tentative                          ``p``        pending: awaiting
                                                                  identification
    otherwise                                        ``u``        unknown
    ==============================================  ===========  =======================

    ===================  ================  =========================================
    class                function          CoTtypes.xml entry
    ===================  ================  =========================================
    owa_drone            ``A-M-F-Q``       Air/Mil/Fixed/Drone,RPV,UAV (so a hostile
                                           Shahed is ``a-h-A-M-F-Q``)
    quadcopter           ``A-M-H-Q``       Air/Mil/Rotor/Drone,RPV,UAV: the catalogue
                                           has no civil rotary drone; DroneCOT uses
                                           the same atom for Remote ID drones
    balloon              ``A-C-L``         Air/Civ/lighter than air
    manned_aircraft      ``A-C-F``         Air/Civ/fixed wing; ``A-M-F`` (Air/Mil/
                                           Fixed) when hostile. The catalogue's
                                           generic ``A-C`` is disabled, and most
                                           manned traffic here is fixed wing
    bird                 (none)            ``a-<aff>-A``: no atom for animals
    unknown, ``None``    (none)            ``a-<aff>-A``
    ===================  ================  =========================================

    ``how`` is ``m-f`` ("fused", CoTtypes.xml): every track is fused from sensors.

Stale policy (tracks)
    ``stale_s`` given: ``stale = start + stale_s``. Not given: by status. Confirmed and
    tentative tracks get :data:`TRACK_STALE_S` (30 s, three times the 10 s revisit of the
    slowest long-range radar, so a track survives two missed updates on the map); a
    coasting track, whose position is only predicted and is re-written every 10 s by the
    tracker, gets :data:`COASTING_STALE_S` (15 s: the next prediction plus one late tick);
    a deleted track gets ``stale = time``, so TAK drops it at once.

Alerts
    An alert is a marker at the point the caller gives (the causing track's position or
    the zone's centroid), with the uid ``skywarden.alert.<alert_id>``. Types are ATAK's
    emergency types (``com.atakmap.android.emergency.tool.EmergencyType``); MITRE's
    catalogue has no ``b-a`` alert types:

    ================================  ==============  ================================
    transition                        type            ATAK name
    ================================  ==============  ================================
    raised, updated, escalated,       ``b-a-g``       Geo-fence Breached: an object in
    downgraded                                        or across a watched area
    the same, kind ``sensor_outage``  ``b-a-o-pan``   Ring The Bell: attention, nothing
                                                      crossed a boundary
    cleared                           ``b-a-o-can``   Cancel Alert, ``stale = time``
    ================================  ==============  ================================

    ``<detail>`` carries ATAK's ``<emergency type="...">`` (``<emergency cancel="true">``
    for a cleared alert), a ``<contact callsign="RED A-000001">`` and ``<remarks>`` with
    the level, kind, zones, sites, tracks, ETA and reason. An active alert's stale is
    ``time + stale_s`` (:data:`ALERT_STALE_S`, 10 minutes as ATAK's own alerts): alert
    events come only on transitions, so a caller that keeps an alert on the map for
    longer re-sends its last event before then.

Numbers are fixed-point decimals (never exponents: ``xs:decimal``), rounded as the table
says; a NaN or infinite number raises ``ValueError``.

=====================  ========  =====================================
quantity               decimals  resolution
=====================  ========  =====================================
lat, lon               7         about 1 cm
hae                    2         1 cm
ce, le                 1         10 cm: an error estimate needs no more
track course (deg)     1
track speed (m/s)      2
=====================  ========  =====================================
"""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from typing import Final, Protocol

from skywarden.core.enums import AlertKind, AlertState, ObjectClass, TrackStatus
from skywarden.core.time import t_s_to_datetime
from skywarden.core.types import AlertEvent, TrackUpdate
from skywarden.geo.geoid import msl_to_hae_m
from skywarden.outputs.linefile import LineFile

__all__ = [
    "ALERT_STALE_S",
    "COASTING_STALE_S",
    "COT_HOW_FUSED",
    "COT_TIME_FORMAT",
    "COT_UNKNOWN",
    "TRACK_STALE_S",
    "BinarySink",
    "CotWriter",
    "alert_cot_type",
    "alert_element",
    "alert_event",
    "alert_uid",
    "event_to_bytes",
    "format_cot_time",
    "track_cot_type",
    "track_element",
    "track_event",
    "track_stale_s",
    "track_uid",
]

# pytak's W3C_XML_DATETIME: the form TAK tools write and every CoT reader accepts.
COT_TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%S.%fZ"
# CoT's "unknown" for hae, ce and le.
COT_UNKNOWN: Final = "9999999.0"
COT_HOW_FUSED: Final = "m-f"

# Three times the 10 s revisit of the slowest long-range radar: a confirmed track stays on
# the map through two missed updates, and is gone 30 s after its last one.
TRACK_STALE_S: Final = 30.0
# The tracker re-writes a coasting track's prediction every 10 s (coast_report_s), and the
# pipeline's empty steps may be 5 s late (TICK_S): a prediction lives until the next.
COASTING_STALE_S: Final = 15.0
# ATAK's own alerts go stale after 10 minutes.
ALERT_STALE_S: Final = 600.0

_LATLON_DECIMALS: Final = 7
_HAE_DECIMALS: Final = 2
_ERROR_DECIMALS: Final = 1
_COURSE_DECIMALS: Final = 1
_SPEED_DECIMALS: Final = 2

# Function atoms (after "a-<affiliation>-A"), from MITRE's CoTtypes.xml; see the table above.
_FUNCTION_BY_CLASS: Final[dict[ObjectClass, str]] = {
    ObjectClass.OWA_DRONE: "-M-F-Q",
    ObjectClass.QUADCOPTER: "-M-H-Q",
    ObjectClass.BALLOON: "-C-L",
    ObjectClass.MANNED_AIRCRAFT: "-C-F",
    ObjectClass.BIRD: "",
    ObjectClass.UNKNOWN: "",
}
_HOSTILE_MANNED_FUNCTION: Final = "-M-F"

# ATAK emergency types and the names ATAK gives them (EmergencyType).
_ALERT_TYPE: Final = "b-a-g"
_ALERT_NAME: Final = "Geo-fence Breached"
_OUTAGE_TYPE: Final = "b-a-o-pan"
_OUTAGE_NAME: Final = "Ring The Bell"
_CANCEL_TYPE: Final = "b-a-o-can"


# --- formatting helpers -----------------------------------------------------------------------


def format_cot_time(t_s: float) -> str:
    """Format epoch seconds as a CoT time, UTC with microseconds: ``...T01:47:40.500000Z``."""
    if not math.isfinite(t_s):
        raise ValueError(f"CoT time must be finite, got {t_s!r}")
    return t_s_to_datetime(t_s).strftime(COT_TIME_FORMAT)


def _decimal(value: float, decimals: int, name: str) -> str:
    """Fixed-point text with trailing zeros cut (``54.6872``, ``25.0``); never ``-0.0``."""
    if not math.isfinite(value):
        raise ValueError(f"CoT {name} must be finite, got {value!r}")
    text = f"{value:.{decimals}f}".rstrip("0")
    if text.endswith("."):
        text += "0"
    return "0.0" if text == "-0.0" else text


def _one_line(text: str) -> str:
    """Collapse whitespace: an event must stay on one line, and remarks come from free text."""
    return " ".join(text.split())


def event_to_bytes(event: ET.Element) -> bytes:
    """Serialise an event element as one line of UTF-8 XML, with no declaration."""
    return ET.tostring(event, encoding="unicode").encode("utf-8")


def _event(
    uid: str, cot_type: str, how: str, time_s: float, start_s: float, stale_at_s: float
) -> ET.Element:
    event = ET.Element("event")
    event.set("version", "2.0")
    event.set("uid", uid)
    event.set("type", cot_type)
    event.set("how", how)
    event.set("time", format_cot_time(time_s))
    event.set("start", format_cot_time(start_s))
    event.set("stale", format_cot_time(stale_at_s))
    return event


# --- tracks -------------------------------------------------------------------------------------


def track_uid(track_id: str) -> str:
    """Return the CoT uid of a track: ``skywarden.track.<track_id>``."""
    return f"skywarden.track.{track_id}"


def track_cot_type(
    update: TrackUpdate, *, obj_class: ObjectClass | None = None, hostile: bool = False
) -> str:
    """Return the CoT type of a track (see the module's tables).

    ``obj_class`` overrides ``update.obj_class`` (for example an assessment's class);
    ``None`` in both means unknown.
    """
    cls = obj_class if obj_class is not None else update.obj_class
    if hostile:
        affiliation = "h"
    elif update.identity is not None:
        affiliation = "n"
    elif update.status is TrackStatus.TENTATIVE:
        affiliation = "p"
    else:
        affiliation = "u"
    cls = ObjectClass.UNKNOWN if cls is None else cls
    function = _FUNCTION_BY_CLASS[cls]
    if hostile and cls is ObjectClass.MANNED_AIRCRAFT:
        function = _HOSTILE_MANNED_FUNCTION
    return f"a-{affiliation}-A{function}"


def track_stale_s(status: TrackStatus) -> float:
    """Return the default seconds from start to stale for a track of this status."""
    if status is TrackStatus.DELETED:
        return 0.0
    if status is TrackStatus.COASTING:
        return COASTING_STALE_S
    return TRACK_STALE_S


def _track_remarks(update: TrackUpdate, cls: ObjectClass | None) -> str:
    parts = [f"SkyWarden track {update.track_id}: {update.status.value}"]
    if cls is not None:
        class_p = "" if update.class_p is None else f" (p={update.class_p:.2f})"
        parts.append(f"class {cls.value}{class_p}")
    parts.append(f"alt {update.alt_m:.0f} m MSL")
    parts.append(f"sigma_h {update.sigma_h_m:.1f} m, sigma_v {update.sigma_v_m:.1f} m")
    if update.identity is not None:
        parts.append(f"cooperative {update.identity}")
    else:
        parts.append("non-cooperative")
    return _one_line("; ".join(parts))


def track_element(
    update: TrackUpdate,
    *,
    obj_class: ObjectClass | None = None,
    hostile: bool = False,
    stale_s: float | None = None,
    now_s: float | None = None,
) -> ET.Element:
    """Return the CoT ``<event>`` element for one track update.

    ``obj_class`` overrides the update's class; ``hostile`` is the caller's verdict.
    ``stale_s`` overrides the stale policy for a live track (a deleted track is always
    stale at ``time``). ``now_s`` is when the event is made (default: the update time).
    Raises ``ValueError`` for a NaN or infinite number.
    """
    cls = obj_class if obj_class is not None else update.obj_class
    start_s = update.t_s
    time_s = start_s if now_s is None else now_s
    if update.status is TrackStatus.DELETED:
        stale_at_s = time_s
    else:
        hold_s = track_stale_s(update.status) if stale_s is None else stale_s
        if not hold_s >= 0.0:
            raise ValueError(f"stale_s must be >= 0, got {hold_s!r}")
        stale_at_s = start_s + hold_s
    event = _event(
        track_uid(update.track_id),
        track_cot_type(update, obj_class=obj_class, hostile=hostile),
        COT_HOW_FUSED,
        time_s,
        start_s,
        stale_at_s,
    )
    hae_m = float(msl_to_hae_m(update.lat, update.lon, update.alt_m))
    point = ET.SubElement(event, "point")
    point.set("lat", _decimal(update.lat, _LATLON_DECIMALS, "lat"))
    point.set("lon", _decimal(update.lon, _LATLON_DECIMALS, "lon"))
    point.set("hae", _decimal(hae_m, _HAE_DECIMALS, "hae"))
    point.set("ce", _decimal(update.sigma_h_m, _ERROR_DECIMALS, "ce"))
    point.set("le", _decimal(update.sigma_v_m, _ERROR_DECIMALS, "le"))

    detail = ET.SubElement(event, "detail")
    speed_mps = math.hypot(update.vel_e_mps, update.vel_n_mps)
    # Course over ground, clockwise from true north; 0 when the object hovers.
    course_deg = math.degrees(math.atan2(update.vel_e_mps, update.vel_n_mps)) % 360.0
    course_text = _decimal(course_deg, _COURSE_DECIMALS, "course")
    if course_text == "360.0":  # 359.97 rounds up to a value outside [0, 360)
        course_text = "0.0"
    track = ET.SubElement(detail, "track")
    track.set("course", course_text)
    track.set("speed", _decimal(speed_mps, _SPEED_DECIMALS, "speed"))
    contact = ET.SubElement(detail, "contact")
    contact.set("callsign", update.track_id)
    remarks = ET.SubElement(detail, "remarks")
    remarks.text = _track_remarks(update, cls)
    return event


def track_event(
    update: TrackUpdate,
    *,
    obj_class: ObjectClass | None = None,
    hostile: bool = False,
    stale_s: float | None = None,
    now_s: float | None = None,
) -> bytes:
    """Return one track update as one line of CoT XML (see :func:`track_element`)."""
    return event_to_bytes(
        track_element(update, obj_class=obj_class, hostile=hostile, stale_s=stale_s, now_s=now_s)
    )


# --- alerts -------------------------------------------------------------------------------------


def alert_uid(alert_id: str) -> str:
    """Return the CoT uid of an alert: ``skywarden.alert.<alert_id>``."""
    return f"skywarden.alert.{alert_id}"


def alert_cot_type(event: AlertEvent) -> str:
    """Return the CoT type of an alert transition (see the module's table)."""
    if event.state is AlertState.CLEARED:
        return _CANCEL_TYPE
    if event.kind is AlertKind.SENSOR_OUTAGE:
        return _OUTAGE_TYPE
    return _ALERT_TYPE


def _alert_remarks(event: AlertEvent) -> str:
    parts = [
        f"SkyWarden alert {event.alert_id}: {event.state.value}",
        f"level {event.level.value}",
        f"kind {event.kind.value}",
    ]
    if event.zone_ids:
        parts.append("zones " + ", ".join(event.zone_ids))
    if event.site_ids:
        parts.append("sites " + ", ".join(event.site_ids))
    if event.track_ids:
        parts.append("tracks " + ", ".join(event.track_ids))
    if event.eta_s is not None and math.isfinite(event.eta_s):
        parts.append(f"ETA {event.eta_s:.0f} s")
    parts.append(f"reason: {event.reason}")
    return _one_line("; ".join(parts))


def alert_element(
    event: AlertEvent,
    *,
    lat: float,
    lon: float,
    stale_s: float = ALERT_STALE_S,
    now_s: float | None = None,
) -> ET.Element:
    """Return the CoT ``<event>`` element of an alert marker at ``lat``, ``lon``.

    An active alert goes stale ``stale_s`` after its transition; a cleared one at once
    (``stale = time``). ``now_s`` is when the event is made (default: the transition
    time). Raises ``ValueError`` for a NaN or infinite number.
    """
    start_s = event.t_s
    time_s = start_s if now_s is None else now_s
    cleared = event.state is AlertState.CLEARED
    if not stale_s >= 0.0:
        raise ValueError(f"stale_s must be >= 0, got {stale_s!r}")
    stale_at_s = time_s if cleared else start_s + stale_s
    cot_type = alert_cot_type(event)
    # Machine-made from fused tracks, as the tracks themselves.
    root = _event(alert_uid(event.alert_id), cot_type, COT_HOW_FUSED, time_s, start_s, stale_at_s)
    point = ET.SubElement(root, "point")
    point.set("lat", _decimal(lat, _LATLON_DECIMALS, "lat"))
    point.set("lon", _decimal(lon, _LATLON_DECIMALS, "lon"))
    point.set("hae", COT_UNKNOWN)
    point.set("ce", COT_UNKNOWN)
    point.set("le", COT_UNKNOWN)

    callsign = f"{event.level.value.upper()} {event.alert_id}"
    detail = ET.SubElement(root, "detail")
    contact = ET.SubElement(detail, "contact")
    contact.set("callsign", callsign)
    emergency = ET.SubElement(detail, "emergency")
    if cleared:
        emergency.set("cancel", "true")
    else:
        emergency.set("type", _OUTAGE_NAME if cot_type == _OUTAGE_TYPE else _ALERT_NAME)
    emergency.text = callsign
    remarks = ET.SubElement(detail, "remarks")
    remarks.text = _alert_remarks(event)
    return root


def alert_event(
    event: AlertEvent,
    *,
    lat: float,
    lon: float,
    stale_s: float = ALERT_STALE_S,
    now_s: float | None = None,
) -> bytes:
    """Return one alert transition as one line of CoT XML (see :func:`alert_element`)."""
    return event_to_bytes(alert_element(event, lat=lat, lon=lon, stale_s=stale_s, now_s=now_s))


# --- writer ---------------------------------------------------------------------------------------


class BinarySink(Protocol):
    """What :class:`CotWriter` needs of a byte stream."""

    def write(self, b: bytes, /) -> int:
        """Write ``b`` and return the number of bytes written."""
        ...

    def flush(self) -> None:
        """Push buffered bytes to the operating system."""
        ...


class CotWriter(LineFile[BinarySink]):
    """Writes CoT events as a stream of ``<event>`` lines (``cot.xml``), flushed per line.

    ``target`` is a path, opened for writing (truncated, or appended to with ``append``)
    and closed by :meth:`close`, or a byte stream that the caller keeps open and closes.
    The file is a stream of one-line events, not one XML document: read it line by line
    or replay it to a TAK server as is. Counts: ``events_written`` (all lines),
    ``tracks_written`` and ``alerts_written``. Use as a context manager. Not thread-safe:
    one writer belongs to one thread.
    """

    __slots__ = ("alerts_written", "events_written", "tracks_written")

    def __init__(
        self, target: str | os.PathLike[str] | BinarySink, *, append: bool = False
    ) -> None:
        super().__init__(target, append=append, binary=True)
        self.events_written = 0
        self.tracks_written = 0
        self.alerts_written = 0

    def write_event(self, event: bytes | ET.Element) -> None:
        """Write one event (bytes from this module, or an element) as one line and flush.

        Raises ``ValueError`` if the bytes hold a line break or the writer is closed.
        """
        self._check_open()
        data = event_to_bytes(event) if isinstance(event, ET.Element) else event
        if b"\n" in data or b"\r" in data:
            raise ValueError("a CoT event must be one line")
        self._stream.write(data + b"\n")
        self._stream.flush()
        self.events_written += 1

    def write_track(
        self,
        update: TrackUpdate,
        *,
        obj_class: ObjectClass | None = None,
        hostile: bool = False,
        stale_s: float | None = None,
        now_s: float | None = None,
    ) -> None:
        """Write :func:`track_event` of ``update``."""
        self.write_event(
            track_event(update, obj_class=obj_class, hostile=hostile, stale_s=stale_s, now_s=now_s)
        )
        self.tracks_written += 1

    def write_alert(
        self,
        event: AlertEvent,
        *,
        lat: float,
        lon: float,
        stale_s: float = ALERT_STALE_S,
        now_s: float | None = None,
    ) -> None:
        """Write :func:`alert_event` of ``event`` at ``lat``, ``lon``."""
        self.write_event(alert_event(event, lat=lat, lon=lon, stale_s=stale_s, now_s=now_s))
        self.alerts_written += 1
