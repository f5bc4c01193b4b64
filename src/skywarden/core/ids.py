"""Typed identifiers and their minting.

Ids are plain strings on the wire; ``NewType`` keeps a track id from being passed where a
sensor id is expected. Minting is deterministic (a prefix and a counter), so a replay of
the same input gives the same ids.
"""

from __future__ import annotations

from typing import NewType

__all__ = ["AlertId", "IdMinter", "SensorId", "SiteId", "TrackId", "ZoneId"]

TrackId = NewType("TrackId", str)
SensorId = NewType("SensorId", str)
AlertId = NewType("AlertId", str)
ZoneId = NewType("ZoneId", str)
SiteId = NewType("SiteId", str)


class IdMinter:
    """Mints ``PREFIX-000001``-style ids in order.

    Not thread-safe: each minter belongs to one pipeline stage.
    """

    __slots__ = ("_next", "_prefix")

    def __init__(self, prefix: str, start: int = 1) -> None:
        if not prefix:
            raise ValueError("id prefix must not be empty")
        self._prefix = prefix
        self._next = start

    def mint(self) -> str:
        """Return the next id."""
        value = f"{self._prefix}-{self._next:06d}"
        self._next += 1
        return value
