"""Closed sets of values whose members equal the wire tokens of the interchange contract.

``TrackStatus.CONFIRMED.value == "confirmed"`` and so on: adapters map between wire and
internal names only where a name is a Python keyword (the contract's ``class`` field is
``obj_class`` inside).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AlertKind",
    "AlertLevel",
    "AlertState",
    "BearingSource",
    "DetectionKind",
    "ObjectClass",
    "ReportWhat",
    "TrackStatus",
]


class DetectionKind(StrEnum):
    """The ``kind`` discriminator of a detection line."""

    PLOT = "plot"  # radar or any sensor giving a 3-D position
    BEARING = "bearing"  # acoustic, RF direction finder or camera: a direction from a known site
    REPORT = "report"  # a person on the ground: untrusted, imprecise, late
    ADSB = "adsb"  # cooperative aircraft, identified by its ICAO 24-bit address
    REMOTE_ID = "remote_id"  # cooperative drone (ASTM F3411), identified by its UAS id


class TrackStatus(StrEnum):
    """Life of a track. Transitions are owned by ``tracking``."""

    TENTATIVE = "tentative"  # initiated, not yet confirmed by enough detections
    CONFIRMED = "confirmed"  # confirmed and updated recently
    COASTING = "coasting"  # confirmed, but no recent detection: position is predicted
    DELETED = "deleted"  # last line of a track; the id is never reused


class ObjectClass(StrEnum):
    """What an object probably is (the contract's optional ``class`` field)."""

    OWA_DRONE = "owa_drone"  # fixed-wing one-way attack drone or decoy (Shahed, Gerbera)
    QUADCOPTER = "quadcopter"  # small multirotor
    BALLOON = "balloon"  # free balloon drifting with the wind (smuggling, weather)
    MANNED_AIRCRAFT = "manned_aircraft"  # aeroplane or helicopter with a crew
    BIRD = "bird"  # single bird or flock
    UNKNOWN = "unknown"  # not enough evidence


class AlertState(StrEnum):
    """Transition carried by one alert event line."""

    RAISED = "raised"  # first line of an alert
    UPDATED = "updated"  # same level, new zones, sites, tracks or ETA
    ESCALATED = "escalated"  # level went up (notice -> yellow -> red)
    DOWNGRADED = "downgraded"  # level went down, alert still active
    CLEARED = "cleared"  # last line of an alert (level white)


class AlertLevel(StrEnum):
    """Warning level, following Lithuania's public scheme since September 2025."""

    NOTICE = "notice"  # object of interest, for operators only
    YELLOW = "yellow"  # possible air threat to the area: messages to the areas concerned
    RED = "red"  # threat likely, may carry explosives: sirens, take shelter
    WHITE = "white"  # all clear; only with ``AlertState.CLEARED``

    @property
    def rank(self) -> int:
        """Order used to tell escalation from downgrade (white lowest)."""
        return _LEVEL_RANK[self]


_LEVEL_RANK = {
    AlertLevel.WHITE: 0,
    AlertLevel.NOTICE: 1,
    AlertLevel.YELLOW: 2,
    AlertLevel.RED: 3,
}


class AlertKind(StrEnum):
    """What an alert is about."""

    BORDER_CROSSING = "border_crossing"
    ZONE_INTRUSION = "zone_intrusion"
    SITE_THREAT = "site_threat"
    SHELTER_ADVISORY = "shelter_advisory"
    AIRSPACE_CLOSURE = "airspace_closure"
    SENSOR_OUTAGE = "sensor_outage"


class BearingSource(StrEnum):
    """Physical principle behind a bearing detection."""

    ACOUSTIC = "acoustic"
    RF = "rf"
    EO = "eo"
    IR = "ir"


class ReportWhat(StrEnum):
    """What a person on the ground reports."""

    HEARD = "heard"
    SEEN = "seen"
