"""The source role: an edge adapter that turns raw input into detections or rejects.

A :class:`Source` is total. Every input record becomes exactly one :data:`Detection` or
one :class:`Reject`; bad data never raises in streaming mode. Rejects carry a stable
:class:`~skywarden.core.errors.RejectCode`, are counted in :class:`RejectCounts` and are
written to a quarantine file by ``outputs.jsonl.QuarantineWriter``. Strict entry points
(for one record) raise :class:`~skywarden.core.errors.RejectError` with the same codes.

:class:`MemorySource` is the mock of the role: it replays given items, for tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from skywarden.core.errors import RejectCode, RejectError
from skywarden.core.types import Detection

__all__ = [
    "MAX_RAW_CHARS",
    "MemorySource",
    "Reject",
    "RejectCounts",
    "Source",
    "truncate_raw",
]

# A quarantined line keeps its first 512 characters: enough to see what a producer got
# wrong, small enough that a flood of 64 KiB garbage lines cannot fill the quarantine disk.
MAX_RAW_CHARS = 512


@dataclass(frozen=True, slots=True)
class Reject:
    """One rejected input record.

    ``where`` names the record (``"detections.jsonl:17"``), ``line`` is its 1-based line
    number (``None`` when the input has no lines), ``field`` the wire name of the field at
    fault (``None`` when the whole record is at fault), ``code`` the stable reason code,
    ``message`` a sentence naming the line, the field and the reason, and ``raw`` the
    offending record, decoded with replacement characters and cut to
    :data:`MAX_RAW_CHARS` characters.
    """

    where: str
    line: int | None
    field: str | None
    code: RejectCode
    message: str
    raw: str

    @classmethod
    def from_error(cls, error: RejectError, *, line: int | None, raw: bytes | str) -> Reject:
        """Build the reject for ``error``, raised while reading ``raw`` at ``line``."""
        message = f"line {line}" if line is not None else error.where
        if error.field is not None:
            message += f", field {error.field!r}"
        return cls(
            where=error.where,
            line=line,
            field=error.field,
            code=error.code,
            message=f"{message}: {error.message}",
            raw=truncate_raw(raw),
        )


def truncate_raw(raw: bytes | str) -> str:
    """Return ``raw`` as text cut to :data:`MAX_RAW_CHARS` characters (bytes decoded lossily)."""
    if isinstance(raw, bytes):
        # Four bytes per character at most: decode no more than can survive the cut.
        raw = raw[: 4 * MAX_RAW_CHARS].decode("utf-8", errors="replace")
    return raw[:MAX_RAW_CHARS]


@dataclass(slots=True)
class RejectCounts:
    """Running counts of one read: lines seen, accepted, rejected by code, out of order.

    ``lines`` counts every physical line, blank ones included, so that ``lines == blank +
    accepted + rejected`` always holds. ``out_of_order`` counts accepted detections whose
    time is earlier than an earlier accepted one (sensors have latency: such lines are
    accepted, only counted). Mutable and not thread-safe: it belongs to one reader.
    """

    lines: int = 0
    blank: int = 0
    accepted: int = 0
    out_of_order: int = 0
    by_code: dict[RejectCode, int] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        """Total number of rejected lines."""
        return sum(self.by_code.values())

    def add_reject(self, code: RejectCode) -> None:
        """Count one rejected line."""
        self.by_code[code] = self.by_code.get(code, 0) + 1

    def as_dict(self) -> dict[str, object]:
        """Return the counts as plain JSON-ready values (codes as their wire tokens)."""
        return {
            "lines": self.lines,
            "blank": self.blank,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "out_of_order": self.out_of_order,
            "by_code": {code.value: n for code, n in sorted(self.by_code.items())},
        }


class Source(Protocol):
    """An edge adapter: iterating it yields one detection or one reject per input record.

    Iteration never raises on bad data; it may raise ``OSError`` when the input itself
    cannot be read.
    """

    def __iter__(self) -> Iterator[Detection | Reject]:
        """Yield each input record as a detection or a reject, in input order."""
        ...


class MemorySource:
    """A source that replays the given detections and rejects (the role's mock).

    Immutable after construction and safe to iterate from several threads.
    """

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[Detection | Reject]) -> None:
        self._items = tuple(items)

    def __iter__(self) -> Iterator[Detection | Reject]:
        """Yield the items given at construction."""
        return iter(self._items)
