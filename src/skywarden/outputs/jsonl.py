"""Interchange contract v1 writers: core types -> JSON Lines. Format only, no decisions.

Each record is written as one compact JSON object per line (UTF-8, no ASCII escaping),
keys in the order of the contract's tables (``docs/interchange.md``), and the stream is
flushed after every line so that a crash never loses a record already written. Optional
fields that are ``None`` are omitted. Internal names become wire names here and nowhere
else: ``t_s`` -> ``time`` (RFC 3339 UTC via ``format_rfc3339``), ``az_deg`` ->
``azimuth_deg``, ``el_deg`` -> ``elevation_deg``, ``obj_class`` -> ``class``.

Numbers are rounded to what the contract's consumers can use, never to less than the
sensors resolve:

============================================  ==========  ==============================
quantity                                      decimals    resolution
============================================  ==========  ==============================
lat, lon, sensor_lat, operator_lon, ...       7           about 1 cm
metres and m/s (alt_m, sigma_h_m, vel_e_mps)  3           1 mm, 1 mm/s
angles (azimuth_deg, sigma_az_deg, ...)       6           about 2 cm at 1 km
dB (rcs_dbsm, snr_db)                         3
class_p                                       4
eta_s                                         3           1 ms
============================================  ==========  ==============================

A NaN or infinite number is never written: the writer raises ``ValueError`` instead.
Quarantine lines (rejected input, :class:`~skywarden.sources.base.Reject`) are not part
of the contract; they carry ``where, line, field, code, message, raw``.
"""

from __future__ import annotations

import json
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Final, Generic, Protocol, TypeVar, assert_never

from skywarden.core.enums import ObjectClass
from skywarden.core.time import format_rfc3339
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
from skywarden.outputs.linefile import LineFile
from skywarden.sources.base import Reject

__all__ = [
    "ANGLE_DECIMALS",
    "DB_DECIMALS",
    "LATLON_DECIMALS",
    "METRES_DECIMALS",
    "PROBABILITY_DECIMALS",
    "SECONDS_DECIMALS",
    "AlertWriter",
    "DetectionWriter",
    "JsonlWriter",
    "QuarantineWriter",
    "TextSink",
    "TrackWriter",
    "alert_event_to_wire",
    "detection_to_wire",
    "reject_to_wire",
    "track_update_to_wire",
]

LATLON_DECIMALS: Final = 7  # 1e-7 degree is about 1.1 cm: below any sensor's resolution
METRES_DECIMALS: Final = 3  # millimetres (and mm/s): below any sensor's resolution
ANGLE_DECIMALS: Final = 6  # 1e-6 degree is 1.7 cm across at 1 km
DB_DECIMALS: Final = 3
PROBABILITY_DECIMALS: Final = 4
SECONDS_DECIMALS: Final = 3

# One encoder for every line: json.dumps would build a new one per call. allow_nan=False
# makes a non-finite number an error rather than a line other tools cannot parse.
_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _round(value: float, decimals: int) -> float:
    """Round for the wire; adding 0.0 turns a negative zero into 0.0 (no ``-0.0``)."""
    return round(value, decimals) + 0.0


def _latlon(value: float) -> float:
    return _round(value, LATLON_DECIMALS)


def _m(value: float) -> float:
    return _round(value, METRES_DECIMALS)


def _deg(value: float) -> float:
    return _round(value, ANGLE_DECIMALS)


def _put(wire: dict[str, object], key: str, value: float | None, decimals: int) -> None:
    """Add an optional number, rounded, unless it is ``None``."""
    if value is not None:
        wire[key] = _round(value, decimals)


def _put_str(wire: dict[str, object], key: str, value: str | None) -> None:
    if value is not None:
        wire[key] = value


# --- records -> wire dicts ------------------------------------------------------------------


def _plot_to_wire(d: Plot) -> dict[str, object]:
    wire: dict[str, object] = {
        "kind": d.kind.value,
        "time": format_rfc3339(d.t_s),
        "sensor_id": d.sensor_id,
        "lat": _latlon(d.lat),
        "lon": _latlon(d.lon),
        "alt_m": _m(d.alt_m),
        "sigma_h_m": _m(d.sigma_h_m),
        "sigma_v_m": _m(d.sigma_v_m),
    }
    _put(wire, "vr_mps", d.vr_mps, METRES_DECIMALS)
    _put(wire, "rcs_dbsm", d.rcs_dbsm, DB_DECIMALS)
    _put(wire, "snr_db", d.snr_db, DB_DECIMALS)
    return wire


def _bearing_to_wire(d: Bearing) -> dict[str, object]:
    wire: dict[str, object] = {
        "kind": d.kind.value,
        "time": format_rfc3339(d.t_s),
        "sensor_id": d.sensor_id,
        "sensor_lat": _latlon(d.sensor_lat),
        "sensor_lon": _latlon(d.sensor_lon),
        "sensor_alt_m": _m(d.sensor_alt_m),
        "azimuth_deg": _deg(d.az_deg),
        "sigma_az_deg": _deg(d.sigma_az_deg),
    }
    _put(wire, "elevation_deg", d.el_deg, ANGLE_DECIMALS)
    _put(wire, "sigma_el_deg", d.sigma_el_deg, ANGLE_DECIMALS)
    _put_str(wire, "source", None if d.source is None else d.source.value)
    _put_str(wire, "signature", d.signature)
    return wire


def _report_to_wire(d: Report) -> dict[str, object]:
    wire: dict[str, object] = {
        "kind": d.kind.value,
        "time": format_rfc3339(d.t_s),
        "sensor_id": d.sensor_id,
        "lat": _latlon(d.lat),
        "lon": _latlon(d.lon),
        "what": d.what.value,
    }
    _put(wire, "azimuth_deg", d.az_deg, ANGLE_DECIMALS)
    _put(wire, "sigma_az_deg", d.sigma_az_deg, ANGLE_DECIMALS)
    if d.count is not None:
        wire["count"] = d.count
    _put_str(wire, "note", d.note)
    return wire


def _adsb_to_wire(d: AdsbReport) -> dict[str, object]:
    wire: dict[str, object] = {
        "kind": d.kind.value,
        "time": format_rfc3339(d.t_s),
        "sensor_id": d.sensor_id,
        "icao24": d.icao24,
        "lat": _latlon(d.lat),
        "lon": _latlon(d.lon),
        "alt_m": _m(d.alt_m),
    }
    _put_str(wire, "callsign", d.callsign)
    _put(wire, "vel_e_mps", d.vel_e_mps, METRES_DECIMALS)
    _put(wire, "vel_n_mps", d.vel_n_mps, METRES_DECIMALS)
    _put(wire, "vel_u_mps", d.vel_u_mps, METRES_DECIMALS)
    _put_str(wire, "squawk", d.squawk)
    return wire


def _remote_id_to_wire(d: RemoteIdReport) -> dict[str, object]:
    wire: dict[str, object] = {
        "kind": d.kind.value,
        "time": format_rfc3339(d.t_s),
        "sensor_id": d.sensor_id,
        "uas_id": d.uas_id,
        "lat": _latlon(d.lat),
        "lon": _latlon(d.lon),
        "alt_m": _m(d.alt_m),
    }
    _put(wire, "operator_lat", d.operator_lat, LATLON_DECIMALS)
    _put(wire, "operator_lon", d.operator_lon, LATLON_DECIMALS)
    _put(wire, "vel_e_mps", d.vel_e_mps, METRES_DECIMALS)
    _put(wire, "vel_n_mps", d.vel_n_mps, METRES_DECIMALS)
    _put(wire, "vel_u_mps", d.vel_u_mps, METRES_DECIMALS)
    return wire


def detection_to_wire(d: Detection) -> dict[str, object]:
    """Return the contract's detection object for ``d``: ``kind``, required, optional."""
    match d:
        case Plot():
            return _plot_to_wire(d)
        case Bearing():
            return _bearing_to_wire(d)
        case Report():
            return _report_to_wire(d)
        case AdsbReport():
            return _adsb_to_wire(d)
        case RemoteIdReport():
            return _remote_id_to_wire(d)
        case _:
            assert_never(d)


def track_update_to_wire(
    u: TrackUpdate, obj_class: ObjectClass | None = None, class_p: float | None = None
) -> dict[str, object]:
    """Return the contract's track update object for ``u`` (``obj_class`` -> ``class``).

    ``obj_class`` and ``class_p``, when given, stand for the update's own (the class an
    assessment made of it).
    """
    wire: dict[str, object] = {
        "time": format_rfc3339(u.t_s),
        "track_id": u.track_id,
        "status": u.status.value,
        "lat": _latlon(u.lat),
        "lon": _latlon(u.lon),
        "alt_m": _m(u.alt_m),
        "vel_e_mps": _m(u.vel_e_mps),
        "vel_n_mps": _m(u.vel_n_mps),
        "vel_u_mps": _m(u.vel_u_mps),
        "sigma_h_m": _m(u.sigma_h_m),
        "sigma_v_m": _m(u.sigma_v_m),
    }
    if obj_class is None:
        obj_class, class_p = u.obj_class, u.class_p
    _put_str(wire, "class", None if obj_class is None else obj_class.value)
    _put(wire, "class_p", class_p, PROBABILITY_DECIMALS)
    return wire


def alert_event_to_wire(a: AlertEvent) -> dict[str, object]:
    """Return the contract's alert event object for ``a`` (id lists as JSON arrays)."""
    wire: dict[str, object] = {
        "time": format_rfc3339(a.t_s),
        "alert_id": a.alert_id,
        "state": a.state.value,
        "level": a.level.value,
        "kind": a.kind.value,
        "track_ids": list(a.track_ids),
        "zone_ids": list(a.zone_ids),
        "site_ids": list(a.site_ids),
    }
    _put(wire, "eta_s", a.eta_s, SECONDS_DECIMALS)
    wire["reason"] = a.reason
    return wire


def reject_to_wire(r: Reject) -> dict[str, object]:
    """Return the quarantine object for ``r``: where, line, field, code, message, raw."""
    wire: dict[str, object] = {"where": r.where}
    if r.line is not None:
        wire["line"] = r.line
    _put_str(wire, "field", r.field)
    wire["code"] = r.code.value
    wire["message"] = r.message
    wire["raw"] = r.raw
    return wire


# --- writers --------------------------------------------------------------------------------


class TextSink(Protocol):
    """What a writer needs of a text stream."""

    def write(self, s: str, /) -> int:
        """Write ``s`` and return the number of characters written."""
        ...

    def flush(self) -> None:
        """Push buffered text to the operating system."""
        ...


_T = TypeVar("_T")


class JsonlWriter(LineFile[TextSink], ABC, Generic[_T]):
    """Writes records as JSON Lines, one compact object per line, flushed per line.

    ``target`` is a path, opened as UTF-8 (truncated, or appended to with ``append``) and
    closed by :meth:`close`, or a text stream that the caller keeps open and closes.
    Flushing hands each line to the operating system, so a crash of the process loses
    nothing already written; it does not ``fsync``. Use as a context manager. Not
    thread-safe: one writer belongs to one thread.
    """

    __slots__ = ("lines_written",)

    def __init__(self, target: str | os.PathLike[str] | TextSink, *, append: bool = False) -> None:
        super().__init__(target, append=append)
        self.lines_written = 0

    @abstractmethod
    def to_wire(self, item: _T) -> dict[str, object]:
        """Return the wire object for one record."""

    def write(self, item: _T) -> None:
        """Write one record as one line and flush.

        Raises ``ValueError`` if the record holds a NaN or infinite number (nothing is
        written then) or if the writer is closed.
        """
        self._check_open()
        self._write_wire(self.to_wire(item))

    def _write_wire(self, wire: dict[str, object]) -> None:
        try:
            text = _ENCODER.encode(wire)
        except ValueError as exc:
            raise ValueError(f"{type(self).__name__}: non-finite number in {wire!r}") from exc
        self._stream.write(text + "\n")
        self._stream.flush()
        self.lines_written += 1

    def write_all(self, items: Iterable[_T]) -> int:
        """Write every record of ``items``; return how many were written."""
        n = 0
        for item in items:
            self.write(item)
            n += 1
        return n


class DetectionWriter(JsonlWriter[Detection]):
    """Writes detections in the contract's detection line format (``detections.jsonl``)."""

    __slots__ = ()

    def to_wire(self, item: Detection) -> dict[str, object]:
        """Return :func:`detection_to_wire` of ``item``."""
        return detection_to_wire(item)


class TrackWriter(JsonlWriter[TrackUpdate]):
    """Writes track updates in the contract's format (``tracks.jsonl``)."""

    __slots__ = ()

    def to_wire(self, item: TrackUpdate) -> dict[str, object]:
        """Return :func:`track_update_to_wire` of ``item``."""
        return track_update_to_wire(item)

    def write_classed(
        self, item: TrackUpdate, obj_class: ObjectClass, class_p: float | None
    ) -> None:
        """Write ``item`` with the class an assessment made of it, as :meth:`write` does."""
        self._check_open()
        self._write_wire(track_update_to_wire(item, obj_class, class_p))


class AlertWriter(JsonlWriter[AlertEvent]):
    """Writes alert transitions in the contract's format (``alerts.jsonl``)."""

    __slots__ = ()

    def to_wire(self, item: AlertEvent) -> dict[str, object]:
        """Return :func:`alert_event_to_wire` of ``item``."""
        return alert_event_to_wire(item)


class QuarantineWriter(JsonlWriter[Reject]):
    """Writes rejected input records, one quarantine line each."""

    __slots__ = ()

    def to_wire(self, item: Reject) -> dict[str, object]:
        """Return :func:`reject_to_wire` of ``item``."""
        return reject_to_wire(item)
