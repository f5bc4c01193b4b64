"""Frozen, slotted dataclasses that cross layer boundaries.

Units are in the names (SI inside, WGS84 degrees for ``lat``/``lon``, heights in metres
above mean sea level as in the interchange contract). Time is ``t_s``, epoch seconds UTC.
Optional contract fields are ``None`` when absent. Evolve an instance with
``dataclasses.replace``; never mutate one.
"""

from __future__ import annotations

from dataclasses import dataclass

from skywarden.core.enums import (
    AlertKind,
    AlertLevel,
    AlertState,
    BearingSource,
    DetectionKind,
    ObjectClass,
    ReportWhat,
    TrackStatus,
)

__all__ = [
    "AdsbReport",
    "AlertEvent",
    "Assessment",
    "Bearing",
    "Detection",
    "Plot",
    "RemoteIdReport",
    "Report",
    "TrackUpdate",
]


@dataclass(frozen=True, slots=True)
class Plot:
    """A 3-D position from a radar or any sensor that gives one."""

    t_s: float
    sensor_id: str
    lat: float
    lon: float
    alt_m: float
    sigma_h_m: float
    sigma_v_m: float
    vr_mps: float | None = None
    rcs_dbsm: float | None = None
    snr_db: float | None = None

    kind = DetectionKind.PLOT


@dataclass(frozen=True, slots=True)
class Bearing:
    """A direction to the object from a known sensor site (acoustic, RF, camera).

    ``az_deg`` is clockwise from true north in [0, 360); ``el_deg`` is above the local
    horizontal.
    """

    t_s: float
    sensor_id: str
    sensor_lat: float
    sensor_lon: float
    sensor_alt_m: float
    az_deg: float
    sigma_az_deg: float
    el_deg: float | None = None
    sigma_el_deg: float | None = None
    source: BearingSource | None = None
    signature: str | None = None

    kind = DetectionKind.BEARING


@dataclass(frozen=True, slots=True)
class Report:
    """A report from a person on the ground: untrusted, imprecise and often late."""

    t_s: float
    sensor_id: str
    lat: float
    lon: float
    what: ReportWhat
    az_deg: float | None = None
    sigma_az_deg: float | None = None
    count: int | None = None
    note: str | None = None

    kind = DetectionKind.REPORT


@dataclass(frozen=True, slots=True)
class AdsbReport:
    """A cooperative aircraft's own position report, bound to its ICAO 24-bit address."""

    t_s: float
    sensor_id: str
    icao24: str
    lat: float
    lon: float
    alt_m: float
    callsign: str | None = None
    vel_e_mps: float | None = None
    vel_n_mps: float | None = None
    vel_u_mps: float | None = None
    squawk: str | None = None

    kind = DetectionKind.ADSB


@dataclass(frozen=True, slots=True)
class RemoteIdReport:
    """A cooperative drone's ASTM F3411 Remote ID broadcast."""

    t_s: float
    sensor_id: str
    uas_id: str
    lat: float
    lon: float
    alt_m: float
    operator_lat: float | None = None
    operator_lon: float | None = None
    vel_e_mps: float | None = None
    vel_n_mps: float | None = None
    vel_u_mps: float | None = None

    kind = DetectionKind.REMOTE_ID


Detection = Plot | Bearing | Report | AdsbReport | RemoteIdReport


@dataclass(frozen=True, slots=True)
class TrackUpdate:
    """One track state as written to ``tracks.jsonl`` (the contract's track update)."""

    t_s: float
    track_id: str
    status: TrackStatus
    lat: float
    lon: float
    alt_m: float
    vel_e_mps: float
    vel_n_mps: float
    vel_u_mps: float
    sigma_h_m: float
    sigma_v_m: float
    obj_class: ObjectClass | None = None
    class_p: float | None = None
    # Internal, not a field of the contract's track line: the cooperative identity bound
    # to the track ("icao24:4b1816", "uas:..."), None for a non-cooperative object.
    identity: str | None = None
    # Internal too: the share of its starting sensor's revisits since the track's first
    # detection that brought it one (capped at 1; None where unknown). A real target
    # seen by a radar with Pd 0.8 scores about 0.8; a track strung from clutter, a few
    # hits over minutes of a 1-s radar, scores below 0.1.
    hit_rate: float | None = None
    # Internal too: the running mean radar cross-section of the track's plots (dBsm).
    rcs_dbsm: float | None = None
    # Internal too: the sigma of the vertical speed (m/s), NaN where unknown.
    sigma_vu_mps: float = float("nan")
    # Internal too: the sigma of the horizontal velocity along its least certain axis (m/s),
    # NaN where unknown; the assessor trusts a forecast heading less the larger it is.
    sigma_vh_mps: float = float("nan")
    # Internal too: sensor hints the track's detections carried: the latest time it took an
    # acoustic bearing with an engine harmonic (``harmonic:f0=...``), and an RF direction
    # finder's bearing (a drone's control link); None if never.
    harmonic_t_s: float | None = None
    rf_t_s: float | None = None
    # Internal too: on a deleted track, the time of its last detection when the tracker
    # deleted it as down (lost within a low-covering sensor's coverage, see
    # ``TrackerConfig.low_cover``, or fallen silent where microphones had heard it, see
    # ``TrackerConfig.heard_min_hits``); None otherwise.
    down_t_s: float | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """What assessment says about one track at one time.

    ``country`` is the ISO 3166-1 alpha-3 code of the territory under the track (``None``
    outside every loaded country); ``zone_id`` the alert zone (municipality) under it when
    it is inside the protected country. ``reasons`` lists, in words, what the values rest
    on, so that an alert can say why.
    """

    t_s: float
    track_id: str
    status: TrackStatus
    lat: float
    lon: float
    alt_m: float
    country: str | None
    zone_id: str | None
    border_distance_m: float
    cooperative: bool
    obj_class: ObjectClass = ObjectClass.UNKNOWN
    class_p: float | None = None
    reasons: tuple[str, ...] = ()
    # What the full assessment adds (``assessment.assessor.Assessor``); defaults mean "not
    # assessed". Probabilities of every class; horizontal speed and course (degrees from
    # true north); protected sites and alert zones on the predicted corridor within the
    # horizon, each with its lead time in seconds, earliest first; threat score in [0, 1].
    class_probs: tuple[tuple[ObjectClass, float], ...] = ()
    speed_mps: float = float("nan")
    course_deg: float = float("nan")
    site_eta_s: tuple[tuple[str, float], ...] = ()
    zone_eta_s: tuple[tuple[str, float], ...] = ()
    threat: float = 0.0
    # Where a descending track comes down (``assessment.impact``): the latest time it can
    # reach the ground at its descent rate, and the area (centre, radius) it falls in.
    # None while it does not descend.
    impact_t_s: float | None = None
    impact_lat: float | None = None
    impact_lon: float | None = None
    impact_radius_m: float | None = None
    # On a deleted track the tracker took to be on the ground: its last detection time.
    down_t_s: float | None = None
    # Where it can come down, whatever brings it down (``assessment.impact``): a disc
    # (centre, radius) and the time it holds until. ``area_kind`` says which: "impact"
    # (descending: the impact_* area above, until impact_t_s), "reach" (a powered drone:
    # the disc about it that it can fly to before its class's endurance, an upper bound,
    # runs out at area_until_t_s), "drift" (a balloon: the disc it drifts over with the
    # wind until area_until_t_s). All None when no area applies (other classes).
    area_kind: str | None = None
    area_lat: float | None = None
    area_lon: float | None = None
    area_radius_m: float | None = None
    area_until_t_s: float | None = None
    # Where its predicted path's centre line crosses in, with the lead time in seconds,
    # earliest first: the protected country's airspace while outside it (its ISO3 code,
    # "LTU") and each airport's zone, the site circle (``"airport:<site id>"``). Only
    # tracks with a path forecast have any (non-cooperative, confirmed or coasting).
    crossing_eta_s: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """One alert transition, as written to ``alerts.jsonl``."""

    t_s: float
    alert_id: str
    state: AlertState
    level: AlertLevel
    kind: AlertKind
    track_ids: tuple[str, ...]
    zone_ids: tuple[str, ...]
    site_ids: tuple[str, ...]
    reason: str
    eta_s: float | None = None
