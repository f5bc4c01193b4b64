"""UTC-only time: RFC 3339 parsing and formatting, epoch seconds, and the Clock protocol.

Inside SkyWarden a time is ``t_s``: float seconds since the Unix epoch, UTC. A float64
holds a 2025 epoch time to about 0.2 microseconds, finer than any sensor stamps; times
round-trip to the microsecond until 2106, when the float spacing passes 1 microsecond. The wire
form is RFC 3339 (``2025-07-28T03:12:04.500Z``). Tracking, assessment and alerting see
event time only; the wall clock is read in one place, :class:`WallClock`, which a live
source uses to stamp input at the edge.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = [
    "Clock",
    "ManualClock",
    "WallClock",
    "format_rfc3339",
    "parse_rfc3339",
    "t_s_to_datetime",
]

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US_PER_S = 1_000_000


def parse_rfc3339(text: str) -> float:
    """Parse an RFC 3339 timestamp and return epoch seconds (UTC).

    Any UTC offset is accepted and applied (``Z``, ``+00:00``, ``+03:00``). Fractions are
    kept to the microsecond. Raises ``ValueError`` naming the text when it is not
    RFC 3339 (a missing offset, a space separator, a leap second, an impossible date).
    """
    m = _RFC3339.match(text)
    if m is None:
        raise ValueError(f"not an RFC 3339 timestamp: {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac, offset = m.group(7), m.group(8)
    try:
        whole = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as exc:
        raise ValueError(f"impossible date or time in {text!r}: {exc}") from None
    if offset not in ("Z", "z"):
        sign = 1 if offset[0] == "+" else -1
        off_h, off_min = int(offset[1:3]), int(offset[4:6])
        if off_h > 23 or off_min > 59:
            raise ValueError(f"bad UTC offset in {text!r}")
        try:
            whole -= sign * timedelta(hours=off_h, minutes=off_min)
        except OverflowError:
            raise ValueError(f"{text!r} lies outside the representable years") from None
    whole_s = (whole - _EPOCH) // timedelta(seconds=1)
    frac_us = round(float(frac) * _US_PER_S) if frac else 0
    return whole_s + frac_us / _US_PER_S


def format_rfc3339(t_s: float) -> str:
    """Format epoch seconds as RFC 3339 UTC with a ``Z`` suffix.

    Milliseconds are always written; microseconds only when the time has them, so
    ``format_rfc3339(parse_rfc3339(s))`` returns ``s`` for millisecond inputs.
    """
    total_us = round(t_s * _US_PER_S)
    whole_s, us = divmod(total_us, _US_PER_S)
    stamp = (_EPOCH + timedelta(seconds=whole_s)).strftime("%Y-%m-%dT%H:%M:%S")
    if us % 1000 == 0:
        return f"{stamp}.{us // 1000:03d}Z"
    return f"{stamp}.{us:06d}Z"


def t_s_to_datetime(t_s: float) -> datetime:
    """Return an aware UTC datetime for epoch seconds (for display only)."""
    return _EPOCH + timedelta(microseconds=round(t_s * _US_PER_S))


class Clock(Protocol):
    """Source of the current time in epoch seconds. Injected, never read globally."""

    def now_s(self) -> float:
        """Return the current time in epoch seconds, UTC."""
        ...


class WallClock:
    """The real UTC wall clock: the only place SkyWarden reads it. Thread-safe."""

    def now_s(self) -> float:
        """Return the wall-clock time in epoch seconds."""
        return time.time()


class ManualClock:
    """A clock that moves only when told to: replay, simulation and tests.

    Not thread-safe.
    """

    __slots__ = ("_t_s",)

    def __init__(self, t_s: float) -> None:
        self._t_s = t_s

    def now_s(self) -> float:
        """Return the time last set."""
        return self._t_s

    def set(self, t_s: float) -> None:
        """Move the clock to ``t_s``; it never goes backwards."""
        if t_s < self._t_s:
            raise ValueError(f"clock cannot go back from {self._t_s} to {t_s}")
        self._t_s = t_s
