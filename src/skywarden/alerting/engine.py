"""The walking-skeleton alert engine: border crossings and intrusions by unidentified tracks.

Two fixed rules stand in for the declarative rule set that comes later:

- ``border_crossing`` (rule ``lt.border_crossing.v0``): a confirmed, non-cooperative
  track that was seen over a hostile neighbour is now over the protected country.
- ``zone_intrusion`` (rule ``lt.zone_intrusion.v0``): a confirmed, non-cooperative track
  is over the protected country and was never seen outside it (it was first found
  inside, as on 28 July 2025 when residents' calls came first).

Both raise a **yellow** alert ("possible air threat", Lithuania's scheme since September
2025) for the zone the track is over. The alert is *updated* when the track moves into
another zone and *cleared* (white) when the track is deleted, becomes cooperative, or is
more than ``CLEAR_MARGIN_M`` outside the protected country: a margin, so a track flying
along the border does not raise and clear in turn.

Not thread-safe: one engine belongs to one pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from skywarden.core.enums import AlertKind, AlertLevel, AlertState, TrackStatus
from skywarden.core.ids import IdMinter
from skywarden.core.types import AlertEvent, Assessment

__all__ = ["CLEAR_MARGIN_M", "BorderAlertEngine"]

RULE_BORDER_CROSSING = "lt.border_crossing.v0"
RULE_ZONE_INTRUSION = "lt.zone_intrusion.v0"
# The border files are accurate to metres, but a track's position is not: clear only once
# the track is a kilometre outside, well beyond a typical radar track's sigma.
CLEAR_MARGIN_M = 1000.0


@dataclass(slots=True)
class _Active:
    alert_id: str
    kind: AlertKind
    rule_id: str
    zone_ids: tuple[str, ...]


class BorderAlertEngine:
    """Turns assessments into alert transitions for one protected country."""

    def __init__(self, protected_country: str, hostile_countries: Sequence[str]) -> None:
        self.protected_country = protected_country
        self.hostile_countries = frozenset(hostile_countries)
        self._ids = IdMinter("A")
        self._seen_hostile: dict[str, str] = {}  # track id -> hostile country it was over
        self._active: dict[str, _Active] = {}  # track id -> its open alert

    @property
    def active_count(self) -> int:
        """Number of alerts raised and not yet cleared."""
        return len(self._active)

    def process(self, assessments: Sequence[Assessment]) -> list[AlertEvent]:
        """Return the alert transitions caused by these assessments, in order."""
        events: list[AlertEvent] = []
        for a in assessments:
            event = self._one(a)
            if event is not None:
                events.append(event)
        return events

    def _one(self, a: Assessment) -> AlertEvent | None:
        tid = a.track_id
        if a.country in self.hostile_countries:
            self._seen_hostile.setdefault(tid, a.country)
        active = self._active.get(tid)
        if a.status is TrackStatus.DELETED:
            self._seen_hostile.pop(tid, None)
            if active is None:
                return None
            return self._clear(a, active, f"track {tid} lost: no detection, track deleted")
        if active is not None:
            if a.cooperative:
                return self._clear(a, active, f"track {tid} identified as cooperative")
            if a.country != self.protected_country and a.border_distance_m < -CLEAR_MARGIN_M:
                where = a.country or "no loaded country"
                return self._clear(
                    a, active, f"track {tid} left {self.protected_country}: over {where}"
                )
            if a.zone_id and (a.zone_id,) != active.zone_ids:
                active.zone_ids = (a.zone_id,)
                return self._event(
                    a,
                    active,
                    AlertState.UPDATED,
                    AlertLevel.YELLOW,
                    f"track {tid} moved into {a.zone_id}",
                )
            return None
        if a.cooperative or a.status is not TrackStatus.CONFIRMED:
            return None
        if a.country != self.protected_country or a.border_distance_m <= 0.0:
            return None
        came_from = self._seen_hostile.get(tid)
        if came_from is not None:
            kind, rule = AlertKind.BORDER_CROSSING, RULE_BORDER_CROSSING
            why = f"unidentified track {tid} crossed from {came_from} into {self.protected_country}"
        else:
            kind, rule = AlertKind.ZONE_INTRUSION, RULE_ZONE_INTRUSION
            why = f"unidentified track {tid} over {self.protected_country}, origin unknown"
        zones = (a.zone_id,) if a.zone_id else ()
        active = _Active(self._ids.mint(), kind, rule, zones)
        self._active[tid] = active
        return self._event(a, active, AlertState.RAISED, AlertLevel.YELLOW, why)

    def _clear(self, a: Assessment, active: _Active, why: str) -> AlertEvent:
        del self._active[a.track_id]
        return self._event(a, active, AlertState.CLEARED, AlertLevel.WHITE, why)

    @staticmethod
    def _event(
        a: Assessment, active: _Active, state: AlertState, level: AlertLevel, why: str
    ) -> AlertEvent:
        return AlertEvent(
            t_s=a.t_s,
            alert_id=active.alert_id,
            state=state,
            level=level,
            kind=active.kind,
            track_ids=(a.track_id,),
            zone_ids=active.zone_ids,
            site_ids=(),
            reason=f"{active.rule_id}: {why}",
        )
