"""Interchange contract v1 reader: detection lines (JSON Lines) -> Detection or Reject.

The contract (``docs/interchange.md``) puts one JSON object per line, UTF-8, with ``kind``
naming the detection type:

==========  ================================================  =============================
kind        required fields                                   optional fields
==========  ================================================  =============================
plot        time, sensor_id, lat, lon, alt_m, sigma_h_m,      vr_mps, rcs_dbsm, snr_db
            sigma_v_m
bearing     time, sensor_id, sensor_lat, sensor_lon,          elevation_deg, sigma_el_deg,
            sensor_alt_m, azimuth_deg, sigma_az_deg           source, signature
report      time, sensor_id, lat, lon, what                   azimuth_deg, sigma_az_deg,
                                                              count, note
adsb        time, sensor_id, icao24, lat, lon, alt_m          callsign, vel_e_mps,
                                                              vel_n_mps, vel_u_mps, squawk
remote_id   time, sensor_id, uas_id, lat, lon, alt_m          operator_lat, operator_lon,
                                                              vel_e_mps, vel_n_mps, vel_u_mps
==========  ================================================  =============================

Unknown fields are ignored. A null optional field counts as absent. Wire names become
internal names here and nowhere else: ``time`` -> ``t_s`` (epoch seconds, any RFC 3339
offset converted to UTC), ``azimuth_deg`` -> ``az_deg`` (360 normalised to 0),
``elevation_deg`` -> ``el_deg``; ``icao24`` is normalised to lower case.

A line that breaks the contract gets one :class:`~skywarden.core.errors.RejectCode`. The
whole line is checked first: ``line_too_long`` (not parsed at all), ``not_utf8``,
``invalid_json``, ``not_an_object``, ``unknown_kind`` (``kind`` missing or not one of the
five). Then the first field at fault, in contract order, decides: ``missing_field``
(absent or null), ``wrong_type`` (a number given as a string, a boolean given as a number,
...), ``out_of_range`` (lat outside -90..90, lon outside -180..180, a sigma <= 0, azimuth
outside 0..360, elevation outside -90..90, count < 1, a number that is not finite) or
``bad_value`` (a token not allowed for ``what`` or ``source``, ``icao24`` not six hex
digits, a blank ``sensor_id`` or ``uas_id``). Last, ``bad_time``: ``time`` is a string
but not RFC 3339.

Validation uses pydantic at this edge only: one discriminated union on ``kind``, compiled
once into a ``TypeAdapter`` and fed the raw bytes of each line (``validate_json``), then
converted to the frozen core dataclasses: ``bench/interchange_io.py`` measures about
150,000 valid lines per second (and as many mixed good and bad ones) on one core, where
``json.loads`` followed by ``validate_python`` was slower. Lines arriving out of time
order are accepted (sensors have latency) and counted in ``RejectCounts.out_of_order``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Annotated, Final, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from skywarden.core.enums import BearingSource, DetectionKind, ReportWhat
from skywarden.core.errors import RejectCode, RejectError
from skywarden.core.time import parse_rfc3339
from skywarden.core.types import AdsbReport, Bearing, Detection, Plot, RemoteIdReport, Report
from skywarden.sources.base import Reject, RejectCounts

__all__ = [
    "MAX_LINE_BYTES",
    "BinaryLineStream",
    "JsonlDetectionSource",
    "parse_detection_line",
    "parse_detection_obj",
]

# A detection line is about 200 bytes. 64 KiB leaves room for long notes and signatures
# while bounding the memory one line can take when a producer forgets its newlines.
MAX_LINE_BYTES: Final = 64 * 1024

# Longest excerpt of an offending value quoted in a reject message.
_MAX_QUOTE_CHARS: Final = 80

_UTF8_BOM: Final = b"\xef\xbb\xbf"
_JSON_SPACE: Final = b" \t\r\n"


# --- wire models (this edge only) -------------------------------------------------------

_Lat = Annotated[float, Field(ge=-90.0, le=90.0)]
_Lon = Annotated[float, Field(ge=-180.0, le=180.0)]
_Sigma = Annotated[float, Field(gt=0.0)]
_Azimuth = Annotated[float, Field(ge=0.0, le=360.0)]
_Elevation = Annotated[float, Field(ge=-90.0, le=90.0)]
_Count = Annotated[int, Field(ge=1)]
_NonBlank = Annotated[str, Field(pattern=r"\S")]
_Icao24 = Annotated[str, Field(pattern=r"^[0-9A-Fa-f]{6}$")]
# Enum tokens arrive as JSON strings; strict mode would demand enum instances from
# Python input, so these two fields alone validate in lax mode (only the tokens pass).
_What = Annotated[ReportWhat, Field(strict=False)]
_Source = Annotated[BearingSource, Field(strict=False)]

# What a failed pattern means, per wire field, for reject messages.
_PATTERN_MEANING: Final = {
    "sensor_id": "must not be empty or blank",
    "uas_id": "must not be empty or blank",
    "icao24": "must be 6 hexadecimal digits",
}


class _DetectionIn(BaseModel):
    """Fields common to every detection kind. Field names are the wire names."""

    # strict: a number given as a JSON string is wrong_type, not silently converted.
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, strict=True)

    time: str
    sensor_id: _NonBlank


class _PlotIn(_DetectionIn):
    kind: Literal["plot"]
    lat: _Lat
    lon: _Lon
    alt_m: float
    sigma_h_m: _Sigma
    sigma_v_m: _Sigma
    vr_mps: float | None = None
    rcs_dbsm: float | None = None
    snr_db: float | None = None

    def to_core(self, t_s: float) -> Plot:
        return Plot(
            t_s=t_s,
            sensor_id=self.sensor_id,
            lat=self.lat,
            lon=self.lon,
            alt_m=self.alt_m,
            sigma_h_m=self.sigma_h_m,
            sigma_v_m=self.sigma_v_m,
            vr_mps=self.vr_mps,
            rcs_dbsm=self.rcs_dbsm,
            snr_db=self.snr_db,
        )


class _BearingIn(_DetectionIn):
    kind: Literal["bearing"]
    sensor_lat: _Lat
    sensor_lon: _Lon
    sensor_alt_m: float
    azimuth_deg: _Azimuth
    sigma_az_deg: _Sigma
    elevation_deg: _Elevation | None = None
    sigma_el_deg: _Sigma | None = None
    source: _Source | None = None
    signature: str | None = None

    def to_core(self, t_s: float) -> Bearing:
        return Bearing(
            t_s=t_s,
            sensor_id=self.sensor_id,
            sensor_lat=self.sensor_lat,
            sensor_lon=self.sensor_lon,
            sensor_alt_m=self.sensor_alt_m,
            az_deg=_azimuth_to_az_deg(self.azimuth_deg),
            sigma_az_deg=self.sigma_az_deg,
            el_deg=self.elevation_deg,
            sigma_el_deg=self.sigma_el_deg,
            source=self.source,
            signature=self.signature,
        )


class _ReportIn(_DetectionIn):
    kind: Literal["report"]
    lat: _Lat
    lon: _Lon
    what: _What
    azimuth_deg: _Azimuth | None = None
    sigma_az_deg: _Sigma | None = None
    count: _Count | None = None
    note: str | None = None

    def to_core(self, t_s: float) -> Report:
        return Report(
            t_s=t_s,
            sensor_id=self.sensor_id,
            lat=self.lat,
            lon=self.lon,
            what=self.what,
            az_deg=None if self.azimuth_deg is None else _azimuth_to_az_deg(self.azimuth_deg),
            sigma_az_deg=self.sigma_az_deg,
            count=self.count,
            note=self.note,
        )


class _AdsbIn(_DetectionIn):
    kind: Literal["adsb"]
    icao24: _Icao24
    lat: _Lat
    lon: _Lon
    alt_m: float
    callsign: str | None = None
    vel_e_mps: float | None = None
    vel_n_mps: float | None = None
    vel_u_mps: float | None = None
    squawk: str | None = None

    def to_core(self, t_s: float) -> AdsbReport:
        return AdsbReport(
            t_s=t_s,
            sensor_id=self.sensor_id,
            icao24=self.icao24.lower(),
            lat=self.lat,
            lon=self.lon,
            alt_m=self.alt_m,
            callsign=self.callsign,
            vel_e_mps=self.vel_e_mps,
            vel_n_mps=self.vel_n_mps,
            vel_u_mps=self.vel_u_mps,
            squawk=self.squawk,
        )


class _RemoteIdIn(_DetectionIn):
    kind: Literal["remote_id"]
    uas_id: _NonBlank
    lat: _Lat
    lon: _Lon
    alt_m: float
    operator_lat: _Lat | None = None
    operator_lon: _Lon | None = None
    vel_e_mps: float | None = None
    vel_n_mps: float | None = None
    vel_u_mps: float | None = None

    def to_core(self, t_s: float) -> RemoteIdReport:
        return RemoteIdReport(
            t_s=t_s,
            sensor_id=self.sensor_id,
            uas_id=self.uas_id,
            lat=self.lat,
            lon=self.lon,
            alt_m=self.alt_m,
            operator_lat=self.operator_lat,
            operator_lon=self.operator_lon,
            vel_e_mps=self.vel_e_mps,
            vel_n_mps=self.vel_n_mps,
            vel_u_mps=self.vel_u_mps,
        )


_AnyIn = _PlotIn | _BearingIn | _ReportIn | _AdsbIn | _RemoteIdIn

# Built once at import: compiling the validator costs milliseconds, using it microseconds.
_ADAPTER: Final[TypeAdapter[_AnyIn]] = TypeAdapter(Annotated[_AnyIn, Field(discriminator="kind")])

_KINDS: Final = ", ".join(k.value for k in DetectionKind)


def _azimuth_to_az_deg(azimuth_deg: float) -> float:
    """Map a validated wire azimuth in [0, 360] to [0, 360): north is 0, never 360."""
    return 0.0 if azimuth_deg == 360.0 else azimuth_deg


# --- pydantic errors -> reject codes -------------------------------------------------------

_OUT_OF_RANGE_TYPES: Final = frozenset(
    {"finite_number", "greater_than", "greater_than_equal", "less_than", "less_than_equal"}
)
_BAD_VALUE_TYPES: Final = frozenset(
    {"enum", "literal_error", "string_pattern_mismatch", "string_too_short", "string_too_long"}
)
_NOT_OBJECT_TYPES: Final = frozenset({"dict_type", "model_type", "model_attributes_type"})
_JSON_ERROR_POSITION: Final = re.compile(r" at line \d+ column (\d+)")


def _quote(value: object) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int past Python's 4300-digit str() limit
        return f"<{type(value).__name__} too long to show>"
    if len(text) > _MAX_QUOTE_CHARS:
        return text[: _MAX_QUOTE_CHARS - 3] + "..."
    return text


def _json_type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def _field_error(err: ErrorDetails, field: str, where: str) -> RejectError:
    """Map one pydantic error located at a wire field to a ``RejectError``."""
    err_type = err["type"]
    value = err.get("input")
    if err_type == "missing":
        return RejectError(where, field, RejectCode.MISSING_FIELD, "required field is missing")
    if value is None:
        # Optional fields accept null, so a null that fails is a required field's.
        return RejectError(where, field, RejectCode.MISSING_FIELD, "required field is null")
    if err_type in _OUT_OF_RANGE_TYPES:
        code = RejectCode.OUT_OF_RANGE
    elif err_type in _BAD_VALUE_TYPES and isinstance(value, str):
        code = RejectCode.BAD_VALUE
    else:
        code = RejectCode.WRONG_TYPE
    reason = err["msg"]
    if err_type == "string_pattern_mismatch" and field in _PATTERN_MEANING:
        reason = _PATTERN_MEANING[field]
    return RejectError(where, field, code, f"{reason}, got {_quote(value)}", value)


def _validation_error(exc: ValidationError, line: bytes | str | None, where: str) -> RejectError:
    """Map the first error of a failed validation to a ``RejectError``."""
    err = exc.errors(include_url=False, include_context=False)[0]
    err_type = err["type"]
    loc = err["loc"]
    if len(loc) >= 2:
        return _field_error(err, str(loc[1]), where)
    value = err.get("input")
    if err_type == "json_invalid":
        if isinstance(line, bytes):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as utf8_exc:
                return RejectError(
                    where,
                    None,
                    RejectCode.NOT_UTF8,
                    f"not UTF-8: {utf8_exc.reason} at byte offset {utf8_exc.start}",
                    _quote(line),
                )
        reason = _JSON_ERROR_POSITION.sub(r" at column \1", err["msg"])
        return RejectError(where, None, RejectCode.INVALID_JSON, reason, _quote(line))
    if err_type == "string_unicode":  # text input holding a lone surrogate
        return RejectError(
            where, None, RejectCode.NOT_UTF8, "text is not encodable as UTF-8", _quote(line)
        )
    if err_type in _NOT_OBJECT_TYPES:
        return RejectError(
            where,
            None,
            RejectCode.NOT_AN_OBJECT,
            f"expected a JSON object, got {_json_type_name(value)}",
            value,
        )
    if err_type == "union_tag_not_found":
        return RejectError(
            where, "kind", RejectCode.UNKNOWN_KIND, f"no 'kind' field (one of {_KINDS})"
        )
    if err_type == "union_tag_invalid":
        kind = value.get("kind") if isinstance(value, dict) else None
        return RejectError(
            where,
            "kind",
            RejectCode.UNKNOWN_KIND,
            f"unknown kind {_quote(kind)}, expected one of {_KINDS}",
            kind,
        )
    return RejectError(where, None, RejectCode.WRONG_TYPE, err["msg"], value)


def _to_core(model: _AnyIn, where: str) -> Detection:
    try:
        t_s = parse_rfc3339(model.time)
    except ValueError as exc:
        raise RejectError(where, "time", RejectCode.BAD_TIME, str(exc), model.time) from None
    except OverflowError:
        # A well-formed date at the edge of datetime's range, pushed out by its offset.
        raise RejectError(
            where,
            "time",
            RejectCode.BAD_TIME,
            f"out of the representable range once converted to UTC: {_quote(model.time)}",
            model.time,
        ) from None
    return model.to_core(t_s)


# --- strict entry points -------------------------------------------------------------------


def parse_detection_obj(obj: object, where: str) -> Detection:
    """Parse one decoded JSON value (a ``dict`` from ``json.loads``) into a detection.

    Strict: raises :class:`~skywarden.core.errors.RejectError` carrying ``where``, the
    wire name of the field at fault and the reject code.
    """
    try:
        model = _ADAPTER.validate_python(obj)
    except ValidationError as exc:
        raise _validation_error(exc, None, where) from None
    return _to_core(model, where)


def parse_detection_line(
    line: bytes | str, where: str, *, max_line_bytes: int = MAX_LINE_BYTES
) -> Detection:
    """Parse one contract line (bytes or text, newline optional) into a detection.

    Strict: raises :class:`~skywarden.core.errors.RejectError` as
    :func:`parse_detection_obj` does, plus ``line_too_long``, ``not_utf8`` and
    ``invalid_json``.
    """
    size = len(line) if isinstance(line, bytes) else len(line.encode("utf-8", "surrogatepass"))
    if size > max_line_bytes:
        raise RejectError(
            where,
            None,
            RejectCode.LINE_TOO_LONG,
            f"line is {size} bytes, limit {max_line_bytes}: not parsed",
        )
    try:
        model = _ADAPTER.validate_json(line)
    except ValidationError as exc:
        raise _validation_error(exc, line, where) from None
    return _to_core(model, where)


# --- streaming reader ----------------------------------------------------------------------


class BinaryLineStream(Protocol):
    """What the reader needs of a binary stream: ``readline`` with a size limit."""

    def readline(self, size: int | None = -1, /) -> bytes:
        """Read up to ``size`` bytes, stopping after a newline."""
        ...


def _default_name(source: str | os.PathLike[str] | BinaryLineStream) -> str:
    path = source if isinstance(source, str | os.PathLike) else getattr(source, "name", None)
    if isinstance(path, str | os.PathLike):
        return os.path.basename(os.fspath(path))
    return "<stream>"


class JsonlDetectionSource:
    """Streaming, total reader of a contract detection file.

    Every physical line becomes exactly one :data:`Detection` or one
    :class:`~skywarden.sources.base.Reject`, in file order; blank lines are skipped (and
    counted). Bad data never raises: each reject is counted by code in :attr:`counts`.
    Only a failure to read the input itself (``OSError``) propagates.

    ``source`` is a path, opened (and closed) on each iteration, or a binary stream read
    from its current position and left open. ``name`` appears in each reject's ``where``
    (``"detections.jsonl:17"``); it defaults to the file's base name. A line longer than
    ``max_line_bytes`` (newline excluded) is rejected unparsed, and no more than that is
    held in memory for it. A UTF-8 byte order mark before the first line is skipped.

    :attr:`counts` describes the latest iteration and is reset when one starts. Not
    thread-safe: iterate one reader from one thread.
    """

    __slots__ = ("_max_line_bytes", "_name", "_source", "counts")

    def __init__(
        self,
        source: str | os.PathLike[str] | BinaryLineStream,
        *,
        name: str | None = None,
        max_line_bytes: int = MAX_LINE_BYTES,
    ) -> None:
        if max_line_bytes < 1:
            raise ValueError(f"max_line_bytes must be positive, got {max_line_bytes}")
        self._source = source
        self._max_line_bytes = max_line_bytes
        self._name = _default_name(source) if name is None else name
        self.counts = RejectCounts()

    @property
    def name(self) -> str:
        """The name used in each reject's ``where``."""
        return self._name

    def __iter__(self) -> Iterator[Detection | Reject]:
        """Yield one detection or reject per non-blank line, in file order."""
        self.counts = RejectCounts()
        if isinstance(self._source, str | os.PathLike):
            with open(self._source, "rb") as stream:
                yield from self._read(stream)
        else:
            yield from self._read(self._source)

    def _read(self, stream: BinaryLineStream) -> Iterator[Detection | Reject]:
        counts = self.counts
        name = self._name
        limit = self._max_line_bytes
        # Room for the content plus "\r\n": a chunk this long without "\n" is too long.
        chunk_bytes = limit + 2
        readline = stream.readline
        validate_json = _ADAPTER.validate_json
        latest_t_s = float("-inf")
        lineno = 0
        size = chunk_bytes + len(_UTF8_BOM)  # the first line may start with a byte order mark
        while chunk := readline(size):
            size = chunk_bytes
            lineno += 1
            counts.lines += 1
            if lineno == 1 and chunk.startswith(_UTF8_BOM):
                chunk = chunk[len(_UTF8_BOM) :]
            line = chunk.rstrip(b"\r\n")
            if len(line) > limit:
                head = line
                while not chunk.endswith(b"\n"):  # drop the rest of the line unread
                    chunk = readline(chunk_bytes)
                    if not chunk:
                        break
                error = RejectError(
                    f"{name}:{lineno}",
                    None,
                    RejectCode.LINE_TOO_LONG,
                    f"line is longer than {limit} bytes: not parsed",
                )
                counts.add_reject(error.code)
                yield Reject.from_error(error, line=lineno, raw=head)
                continue
            if not line.strip(_JSON_SPACE):
                counts.blank += 1
                continue
            try:
                try:
                    model = validate_json(line)
                except ValidationError as exc:
                    raise _validation_error(exc, line, f"{name}:{lineno}") from None
                detection = _to_core(model, f"{name}:{lineno}")
            except RejectError as error:
                counts.add_reject(error.code)
                yield Reject.from_error(error, line=lineno, raw=line)
                continue
            counts.accepted += 1
            if detection.t_s < latest_t_s:
                counts.out_of_order += 1
            else:
                latest_t_s = detection.t_s
            yield detection
