"""One exception tree and the stable reason codes used in rejects, alerts and logs.

::

    SkyWardenError                 base of every error SkyWarden raises on purpose
    ├── InputError(ValueError)     bad input at an edge (a wire line, a file, a CLI value)
    │   └── RejectError            one rejected record: where, field, code, offending value
    ├── ConfigError(ValueError)    bad configuration, scenario or data pack, found at load
    │   └── GeographyError         a geography pack is missing a file or has bad content
    └── GeodesyError(RuntimeError) a geodetic computation cannot be done as asked

Streaming adapters never raise on bad data: they turn it into a ``Reject`` carrying a
:class:`RejectCode`, count it and quarantine it. Strict entry points raise
:class:`RejectError` with the same code. Codes are part of the public interface (they
appear in quarantine files and metrics): add new ones, never rename one.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ConfigError",
    "GeodesyError",
    "GeographyError",
    "InputError",
    "RejectCode",
    "RejectError",
    "SkyWardenError",
]


class RejectCode(StrEnum):
    """Why an input record was rejected."""

    NOT_UTF8 = "not_utf8"  # the bytes of the line are not UTF-8
    LINE_TOO_LONG = "line_too_long"  # longer than the reader's limit: not parsed at all
    INVALID_JSON = "invalid_json"  # not parseable as JSON
    NOT_AN_OBJECT = "not_an_object"  # valid JSON, but not an object
    UNKNOWN_KIND = "unknown_kind"  # ``kind`` is missing or not one of the contract's kinds
    MISSING_FIELD = "missing_field"  # a required field is absent or null
    WRONG_TYPE = "wrong_type"  # a field has the wrong JSON type
    OUT_OF_RANGE = "out_of_range"  # a number outside its allowed range, or not finite
    BAD_TIME = "bad_time"  # ``time`` is not an RFC 3339 timestamp
    BAD_VALUE = "bad_value"  # a string that is not one of the allowed tokens or patterns


class SkyWardenError(Exception):
    """Base of every error SkyWarden raises on purpose."""


class InputError(SkyWardenError, ValueError):
    """Bad input at an edge."""


class RejectError(InputError):
    """One rejected input record.

    Attributes name where it was (``where``, e.g. ``"detections.jsonl:17"``), the field
    (``field``, ``None`` for the whole record), the stable ``code`` and the offending
    ``value`` (truncated for display).
    """

    def __init__(
        self, where: str, field: str | None, code: RejectCode, message: str, value: object = None
    ) -> None:
        self.where = where
        self.field = field
        self.code = code
        self.message = message
        self.value = value
        field_part = f" field {field!r}" if field else ""
        super().__init__(f"{where}:{field_part} {code.value}: {message}")


class ConfigError(SkyWardenError, ValueError):
    """Bad configuration, scenario or data pack, found when it is loaded."""


class GeographyError(ConfigError):
    """A geography pack is missing a file or has content that cannot be used."""


class GeodesyError(SkyWardenError, RuntimeError):
    """A geodetic computation cannot be done as asked (for example no geoid grid)."""
