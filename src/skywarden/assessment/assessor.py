"""The assessor: where each track is, what it probably is, where it goes, and how worrying.

For every batch of track updates, vectorised over the batch:

1. **Geography**: country under the track, alert zone (municipality) of the protected
   country, signed distance to its border, cooperative or not.
2. **Class**: probabilities of every :class:`~skywarden.core.enums.ObjectClass` from
   speed, height above the ground, climb, turn rate (from the track's previous update)
   and cooperative identity (:mod:`skywarden.assessment.classify`), accumulated over the
   track's updates.
3. **Path**: a straight-line forecast with a widening corridor over ``horizon_s``
   (:mod:`skywarden.assessment.predict`): the protected sites it reaches and the zones it
   passes over, each with its lead time. Forecasts are made for confirmed and coasting
   non-cooperative tracks only, at most every ``forecast_every_s`` per track and at most
   ``max_forecasts_per_batch`` per batch, new tracks first (between forecasts the lead
   times count down): the zone look-ups are the costly part, and an alert needs them
   seconds, not milliseconds, fresh.
4. **Threat score** in [0, 1]: the probability that the object is a threat-capable class
   (one-way attack drone 1, quadcopter 0.5, unknown 0.3; balloons, aircraft, birds 0)
   times a proximity factor (1 when a protected site is reached within
   ``near_site_s``, falling linearly to ``far_factor`` at the horizon, ``far_factor`` when
   no site is on the path) times how well the track locates the object (1 - sigma_h /
   ``sigma_no_confidence_m``, at least 0: a coasting track's warnings fade as its area
   grows, instead of flipping with its status) times how consistently it is detected
   (0 at a hit rate of ``min_hit_rate``, 1 from ``full_hit_rate``, linear between: a
   track strung from a radar's clutter hits few of the revisits a real target hits)
   times the class evidence so far (full after ``full_evidence_updates`` measured
   updates); 0 for cooperative tracks. Every
   assessment lists its reasons in words.
5. **Where it can come down** (:mod:`skywarden.assessment.impact`), one area per track:
   a descending track's impact area; else, for a probable powered drone, the disc it can
   reach before its class's endurance runs out (counted from the track's first update,
   so an upper bound); else, for a probable balloon, the disc it drifts over with the
   wind at its height (its own velocity where no wind or height is known) within
   ``drift_horizon_s``.
6. **Crossings**: on the forecast's centre line, the lead time at which a track outside
   the protected country enters its airspace, and at which it enters an airport's zone
   (the site's circle), counted down between forecasts like the sites and zones.

Not thread-safe: an assessor keeps per-track state (class evidence, last velocity, last
forecast) and belongs to one pipeline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from skywarden.assessment.classify import (
    CLASSES,
    HINT_RECENT_S,
    ClassBelief,
    class_log_likelihood,
)
from skywarden.assessment.impact import (
    DRIFT_MIN_P,
    ENDURANCE,
    drift_areas,
    impact_areas,
    powered_endurance,
    reach_areas,
)
from skywarden.assessment.predict import (
    border_entries_s,
    centre_line,
    corridor_zones,
    forecast_paths,
    site_arrivals_s,
    zone_arrivals_s,
)
from skywarden.core.enums import ObjectClass, TrackStatus
from skywarden.core.time import format_rfc3339
from skywarden.core.types import Assessment, TrackUpdate
from skywarden.geo.wind import WindField
from skywarden.geo.zones import Geography

__all__ = ["THREAT_WEIGHT", "Assessor", "AssessorConfig"]

FloatArray = npt.NDArray[np.float64]

# A long-range radar's height is good to hundreds of metres (sigma_v 500 m at 100 km), and
# the climb rate a track derives from it is noise: no class evidence from the climb of a
# track whose height sigma is larger than this.
CLIMB_EVIDENCE_MAX_SIGMA_V_M = 150.0
# A track's height is evidence only while known to this (a long-range radar's 500 m is,
# an acoustic fix's 1 km guess or a coasting track's spread is not).
HEIGHT_EVIDENCE_MAX_SIGMA_V_M = 600.0
# Turn rates are measured over at least this long (see Assessor._turn_dps).
TURN_BASELINE_S = 30.0
# How much each class can threaten people on the ground (the threat score's first factor).
THREAT_WEIGHT: dict[ObjectClass, float] = {
    ObjectClass.OWA_DRONE: 1.0,
    ObjectClass.QUADCOPTER: 0.5,
    ObjectClass.UNKNOWN: 0.3,
    ObjectClass.BALLOON: 0.0,
    ObjectClass.MANNED_AIRCRAFT: 0.0,
    ObjectClass.BIRD: 0.0,
}
# The powered drone classes (those with an endurance in assessment.impact.ENDURANCE).
_POWERED: tuple[ObjectClass, ...] = tuple(ENDURANCE)


@dataclass(frozen=True, slots=True)
class AssessorConfig:
    """Tuning of the assessor."""

    horizon_s: float = 1800.0  # half an hour: a Shahed flies 80 km in that time
    step_s: float = 60.0  # forecast samples; a 45 m/s drone moves 2.7 km between them
    forecast_every_s: float = 10.0  # per track; lead times count down in between
    # Forecasts fly on at the track's velocity averaged over about this long (an
    # exponential mean): a drone holds its heading for minutes between waypoints, while
    # the tracker's velocity swings for tens of seconds on noisy bearings (28 July,
    # defended: 30 degrees off for 20 s on the acoustic line, which put a municipality
    # 31 km off the path on the corridor). A turn reaches the forecast this much later.
    forecast_velocity_tau_s: float = 30.0
    # ...and each velocity enters that mean weighted by how sure the tracker is of it: one
    # this uncertain (``TrackUpdate.sigma_vh_mps``) at half weight. A radar track's velocity
    # (1-3 m/s) counts almost in full; bearings after a long coast (10-20 m/s) barely move
    # the forecast heading (28 July, defended, other draws: 40 degrees off for a minute
    # after the acoustic line, which warned Širvintos, 32 km off the path).
    forecast_velocity_sigma_mps: float = 5.0
    # At most this many forecasts per batch (about 15 ms of zone look-ups): tracks seen by
    # the same radar scan fall due together, and a batch must not wait on all of them.
    max_forecasts_per_batch: int = 64
    ground_m: float = 150.0  # nominal ground height above sea level for "height above ground"
    near_site_s: float = 600.0  # a site reached within 10 minutes: full proximity factor
    far_factor: float = 0.3  # no site on the path within the horizon
    # A track this uncertain (horizontal sigma) locates nothing worth a warning: the threat
    # score falls linearly to 0 at it (a lost drone's alerts fade as its area grows).
    sigma_no_confidence_m: float = 10_000.0
    # A track detected on at least this share of its sensor's revisits counts in full; one
    # seen on fewer (strung from clutter) counts in proportion (TrackUpdate.hit_rate).
    full_hit_rate: float = 0.5
    # ...and one seen on at most this share counts for nothing: clutter strung into a track
    # near a drone radar hits 5-20 % of its revisits (confusers: 0.05-0.21), a real object
    # in cover 50-100 %.
    min_hit_rate: float = 0.2
    # A new track's class is its prior until evidence comes in, and the prior gives any
    # unknown object near a site a threat of about 0.35: the class factor counts in full
    # only after this many measured updates (ten seconds of a drone radar, 100 s of a
    # long-range radar), in proportion before. Birds and clutter tracks near Vilnius
    # otherwise raise a yellow alert in their first seconds.
    full_evidence_updates: int = 10
    # A balloon's drift area covers where the wind takes it within this long: the
    # forecast's horizon (a 10 m/s balloon drifts 18 km in it; Vilnius airport is about
    # 30 km from the Belarus border, brief 1.5).
    drift_horizon_s: float = 1800.0


@dataclass(slots=True)
class _Forecast:
    t_s: float
    sites: dict[str, float]
    zones: dict[str, float]
    crossings: dict[str, float]


@dataclass(frozen=True, slots=True)
class _Area:
    """A reach or drift area of one track, with its reason in words."""

    kind: str
    lat: float
    lon: float
    radius_m: float
    until_t_s: float
    why: str


class Assessor:
    """Turns track updates into assessments (see the module docstring)."""

    def __init__(
        self,
        geography: Geography,
        config: AssessorConfig | None = None,
        wind: WindField | None = None,
    ) -> None:
        self.geography = geography
        self.config = config or AssessorConfig()
        self.wind = wind  # the forecast wind by height, for wind-following (None: unknown)
        self._belief = ClassBelief()
        self._last_vel: dict[str, tuple[float, float, float]] = {}  # t_s, ve, vn
        self._mean_vel: dict[str, tuple[float, float, float]] = {}  # t_s, ve, vn (smoothed)
        self._forecasts: dict[str, _Forecast] = {}
        # the latest fed update's impact area of each descending track: t, lat, lon, radius
        self._impacts: dict[str, tuple[float, float, float, float]] = {}
        # the time of each track's first update: how long it has flown, at least
        self._first_t_s: dict[str, float] = {}
        sites = list(geography.sites.values())
        self._sites = sites
        e, n = geography.frame.to_en(
            np.array([s.lat for s in sites]), np.array([s.lon for s in sites])
        )
        self._site_en = np.column_stack([np.atleast_1d(e), np.atleast_1d(n)])
        is_airport = np.array([s.kind == "airport" for s in sites], dtype=bool)
        self._airports = [s for s in sites if s.kind == "airport"]
        self._airport_en = self._site_en[is_airport] if sites else self._site_en

    def assess(self, updates: Sequence[TrackUpdate]) -> list[Assessment]:
        """Return one assessment per track update, in the same order."""
        if not updates:
            return []
        cfg, geo = self.config, self.geography
        for u in updates:
            self._first_t_s.setdefault(u.track_id, u.t_s)
        lat = np.array([u.lat for u in updates])
        lon = np.array([u.lon for u in updates])
        country = geo.country_of(lat, lon)
        zone = geo.zone_of(lat, lon)
        border_m = geo.border_distance_m(lat, lon)
        ve = np.array([u.vel_e_mps for u in updates])
        vn = np.array([u.vel_n_mps for u in updates])
        speed = np.hypot(ve, vn)
        course = np.degrees(np.arctan2(ve, vn)) % 360.0
        turn = np.array([self._turn_dps(u) for u in updates])
        alt = np.array([u.alt_m for u in updates])
        sigma_v = np.array([u.sigma_v_m for u in updates])
        height_known = sigma_v <= HEIGHT_EVIDENCE_MAX_SIGMA_V_M
        # the forecast wind at each track's height, looked up once per batch
        wind = None if self.wind is None else self.wind.velocity_mps(alt)
        ll = class_log_likelihood(
            speed,
            np.where(height_known, alt - cfg.ground_m, np.nan),
            np.where(
                sigma_v <= CLIMB_EVIDENCE_MAX_SIGMA_V_M,
                np.array([u.vel_u_mps for u in updates]),
                np.nan,
            ),
            turn,
            np.array([np.nan if u.rcs_dbsm is None else u.rcs_dbsm for u in updates]),
            [_recent(u.harmonic_t_s, u.t_s) for u in updates],
            [_recent(u.rf_t_s, u.t_s) for u in updates],
            np.array([u.sigma_vu_mps for u in updates]),
            None if wind is None else _wind_dev_mps(wind, height_known, ve, vn),
            sigma_v,
        )
        fed = [u.status in (TrackStatus.TENTATIVE, TrackStatus.CONFIRMED) for u in updates]
        probs = self._belief.update(
            [u.track_id for u in updates], ll, [u.identity for u in updates], fed
        )
        mean_ve, mean_vn = self._smoothed_velocity(updates, ve, vn)
        self._refresh_forecasts(updates, lat, lon, mean_ve, mean_vn)
        self._refresh_impacts(updates, fed, lat, lon, ve, vn)
        areas = self._areas(updates, probs, lat, lon, ve, vn, speed, wind, height_known)
        out = []
        for k, u in enumerate(updates):
            out.append(
                self._one(
                    u,
                    str(country[k]) or None,
                    str(zone[k]) or None,
                    float(border_m[k]),
                    probs[k],
                    float(speed[k]),
                    float(course[k]),
                    areas[k],
                )
            )
            if u.status is TrackStatus.DELETED:
                self._forget(u.track_id)
        return out

    def _one(
        self,
        u: TrackUpdate,
        iso3: str | None,
        zone_id: str | None,
        border_m: float,
        p: FloatArray,
        speed_mps: float,
        course_deg: float,
        area: _Area | None,
    ) -> Assessment:
        cfg = self.config
        j = int(np.argmax(p))
        obj_class, class_p = CLASSES[j], float(p[j])
        reasons = [f"over {iso3}" if iso3 else "over no loaded country"]
        if zone_id:
            reasons.append(f"in zone {zone_id} ({self.geography.zones[zone_id].name})")
        reasons.append(f"{abs(border_m) / 1000.0:.1f} km from the border")
        reasons.append(
            f"probably {obj_class.value} (p {class_p:.2f}): {speed_mps:.0f} m/s"
            f" at {u.alt_m - cfg.ground_m:.0f} m above ground"
        )
        if u.identity:
            reasons.append(f"cooperative {u.identity}")
        if _recent(u.harmonic_t_s, u.t_s):
            reasons.append("an acoustic node hears an engine harmonic")
        if _recent(u.rf_t_s, u.t_s):
            reasons.append("an RF direction finder hears a control link")
        sites: tuple[tuple[str, float], ...] = ()
        zones: tuple[tuple[str, float], ...] = ()
        crossings: tuple[tuple[str, float], ...] = ()
        fc = self._forecasts.get(u.track_id)
        if fc is not None:
            age = u.t_s - fc.t_s
            sites = _count_down(fc.sites, age)
            zones = _count_down(fc.zones, age)
            if fc.crossings:
                protected = self.geography.protected_country
                crossings = tuple(
                    (what, lead)
                    for what, lead in _count_down(fc.crossings, age)
                    if not (what == protected and iso3 == protected)  # in already
                )
        threat = 0.0
        if not u.identity and u.status is not TrackStatus.DELETED:
            capable = float(
                sum(THREAT_WEIGHT[c] * float(q) for c, q in zip(CLASSES, p, strict=True))
            )
            n_fed = self._belief.evidence(u.track_id)
            if n_fed < cfg.full_evidence_updates:
                capable *= n_fed / cfg.full_evidence_updates
                reasons.append(f"class from {n_fed} updates so far")
            first_site = sites[0][1] if sites else math.inf
            located = max(0.0, 1.0 - u.sigma_h_m / cfg.sigma_no_confidence_m)
            seen = (
                1.0
                if u.hit_rate is None
                else float(
                    np.clip(
                        (u.hit_rate - cfg.min_hit_rate) / (cfg.full_hit_rate - cfg.min_hit_rate),
                        0.0,
                        1.0,
                    )
                )
            )
            threat = capable * _proximity(first_site, cfg) * located * seen
            if seen < 1.0:
                reasons.append(f"detected on {u.hit_rate:.0%} of its sensor's revisits")
            if sites:
                name = self.geography.sites[sites[0][0]].name.split(",")[0]
                reasons.append(f"reaches {name} in {sites[0][1] / 60.0:.0f} min")
            reasons.append(f"threat {threat:.2f}")
        for what, lead in crossings:
            if what.startswith("airport:"):
                name = self.geography.sites[what.split(":", 1)[1]].name.split(",")[0]
                reasons.append(f"enters the {name} zone in {_lead_words(lead)}")
            else:
                reasons.append(f"enters {what} airspace in {_lead_words(lead)}")
        impact = self._impacts.get(u.track_id)
        if impact is not None:
            reasons.append(
                f"descending {-u.vel_u_mps:.0f} m/s: on the ground by"
                f" {format_rfc3339(impact[0])[11:19]} within {impact[3] / 1000.0:.1f} km of"
                f" {impact[1]:.3f}, {impact[2]:.3f}"
            )
            area = _Area("impact", impact[1], impact[2], impact[3], impact[0], "")
        elif area is not None:
            reasons.append(area.why)
        return Assessment(
            t_s=u.t_s,
            track_id=u.track_id,
            status=u.status,
            lat=u.lat,
            lon=u.lon,
            alt_m=u.alt_m,
            country=iso3,
            zone_id=zone_id,
            border_distance_m=border_m,
            cooperative=u.identity is not None,
            obj_class=obj_class,
            class_p=class_p,
            reasons=tuple(reasons),
            class_probs=tuple((c, float(q)) for c, q in zip(CLASSES, p, strict=True)),
            speed_mps=speed_mps,
            course_deg=course_deg,
            site_eta_s=sites,
            zone_eta_s=zones,
            threat=threat,
            impact_t_s=None if impact is None else impact[0],
            impact_lat=None if impact is None else impact[1],
            impact_lon=None if impact is None else impact[2],
            impact_radius_m=None if impact is None else impact[3],
            down_t_s=u.down_t_s,
            area_kind=None if area is None else area.kind,
            area_lat=None if area is None else area.lat,
            area_lon=None if area is None else area.lon,
            area_radius_m=None if area is None else area.radius_m,
            area_until_t_s=None if area is None else area.until_t_s,
            crossing_eta_s=crossings,
        )

    def _areas(
        self,
        updates: Sequence[TrackUpdate],
        probs: FloatArray,
        lat: FloatArray,
        lon: FloatArray,
        ve: FloatArray,
        vn: FloatArray,
        speed: FloatArray,
        wind: tuple[FloatArray, FloatArray] | None,
        height_known: npt.NDArray[np.bool_],
    ) -> list[_Area | None]:
        """Reach areas of probable powered drones, drift areas of probable balloons.

        None for every other track, and for one with an impact area (descending), which
        takes precedence. ``wind``: the forecast wind (east, north) at each track's height,
        None without a wind field. Vectorised; only the reasons are formatted per track.
        """
        n = len(updates)
        out: list[_Area | None] = [None] * n
        t = np.array([u.t_s for u in updates])
        sigma_h = np.array([u.sigma_h_m for u in updates])
        no_impact = np.array([u.track_id not in self._impacts for u in updates], dtype=bool)
        col, endurance, cruise = powered_endurance(probs, CLASSES)
        col = np.where(no_impact, col, -1)
        observed = t - np.array([self._first_t_s[u.track_id] for u in updates])
        reach = reach_areas(speed, sigma_h, endurance, observed, cruise)
        powered_p = probs[:, [CLASSES.index(c) for c in _POWERED]].sum(axis=1)
        rows = np.flatnonzero(col >= 0)
        # Python floats, not numpy scalars: formatting the reasons is the costly part.
        for k, cls, p, endur, seen, rem, radius, until in zip(
            rows.tolist(),
            col[rows].tolist(),
            powered_p[rows].tolist(),
            endurance[rows].tolist(),
            observed[rows].tolist(),
            reach.remaining_s[rows].tolist(),
            reach.radius_m[rows].tolist(),
            (t[rows] + reach.remaining_s[rows]).tolist(),
            strict=True,
        ):
            out[k] = _Area(
                "reach",
                float(lat[k]),
                float(lon[k]),
                radius,
                until,
                f"powered drone (p {p:.2f}), {CLASSES[cls].value} endurance"
                f" {_duration_words(endur)}, seen for {_duration_words(seen)}: can fly at"
                f" most {_duration_words(rem)} more and come down within"
                f" {radius / 1000.0:.0f} km of here by {_clock(until)}",
            )
        balloon = (
            no_impact & (col < 0) & (probs[:, CLASSES.index(ObjectClass.BALLOON)] >= DRIFT_MIN_P)
        )
        rows = np.flatnonzero(balloon)
        if rows.size == 0:
            return out
        horizon_s = self.config.drift_horizon_s
        use_wind = np.zeros(rows.size, dtype=bool)
        dve, dvn = ve[rows], vn[rows]
        if wind is not None:
            # the wind at its height, where the track knows its height
            use_wind = height_known[rows]
            wve, wvn = wind[0][rows], wind[1][rows]
            dve, dvn = np.where(use_wind, wve, dve), np.where(use_wind, wvn, dvn)
        e, nn = self.geography.frame.to_en(lat[rows], lon[rows])
        drift = drift_areas(np.atleast_1d(e), np.atleast_1d(nn), dve, dvn, sigma_h[rows], horizon_s)
        clat, clon, _ = self.geography.frame.from_enu(drift.e_m, drift.n_m, 0.0)
        for k, wind, c_lat, c_lon, radius, until, mps, towards in zip(
            rows.tolist(),
            use_wind.tolist(),
            np.atleast_1d(clat).tolist(),
            np.atleast_1d(clon).tolist(),
            drift.radius_m.tolist(),
            (t[rows] + horizon_s).tolist(),
            np.hypot(dve, dvn).tolist(),
            (np.degrees(np.arctan2(dve, dvn)) % 360.0).tolist(),
            strict=True,
        ):
            out[k] = _Area(
                "drift",
                c_lat,
                c_lon,
                radius,
                until,
                f"balloon drifting {'with the wind' if wind else 'on its track'} at"
                f" {mps:.0f} m/s towards {towards:.0f} degrees: until {_clock(until)} within"
                f" {radius / 1000.0:.1f} km of {c_lat:.3f}, {c_lon:.3f}",
            )
        return out

    def _turn_dps(self, u: TrackUpdate) -> float:
        """Mean turn rate since the track's velocity ``TURN_BASELINE_S`` or more ago.

        Over a radar revisit or two, a track's heading wobbles by its velocity noise (a
        few degrees a second for a slow balloon): only a longer baseline is evidence.
        """
        if u.status is not TrackStatus.CONFIRMED:
            return math.nan  # a coasting prediction turns as its model says, not the object
        prev = self._last_vel.get(u.track_id)
        if prev is None:
            self._last_vel[u.track_id] = (u.t_s, u.vel_e_mps, u.vel_n_mps)
            return math.nan
        dt = u.t_s - prev[0]
        if dt < TURN_BASELINE_S:
            return math.nan
        self._last_vel[u.track_id] = (u.t_s, u.vel_e_mps, u.vel_n_mps)
        if (
            dt <= 0.0
            or math.hypot(prev[1], prev[2]) < 1.0
            or math.hypot(u.vel_e_mps, u.vel_n_mps) < 1.0
        ):
            return math.nan
        a0 = math.atan2(prev[1], prev[2])
        a1 = math.atan2(u.vel_e_mps, u.vel_n_mps)
        d = (a1 - a0 + math.pi) % (2.0 * math.pi) - math.pi
        return math.degrees(abs(d)) / dt

    def _smoothed_velocity(
        self, updates: Sequence[TrackUpdate], ve: FloatArray, vn: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Each track's averaged horizontal velocity (``AssessorConfig.forecast_velocity_*``)."""
        tau_s = self.config.forecast_velocity_tau_s
        s2 = self.config.forecast_velocity_sigma_mps**2
        out_e, out_n = ve.copy(), vn.copy()
        for k, u in enumerate(updates):
            prev = self._mean_vel.get(u.track_id)
            if prev is not None and tau_s > 0.0:
                w = min(max(u.t_s - prev[0], 0.0) / tau_s, 1.0)
                if math.isfinite(u.sigma_vh_mps):
                    w *= s2 / (s2 + u.sigma_vh_mps**2)
                out_e[k] = prev[1] + w * (ve[k] - prev[1])
                out_n[k] = prev[2] + w * (vn[k] - prev[2])
            self._mean_vel[u.track_id] = (u.t_s, float(out_e[k]), float(out_n[k]))
        return out_e, out_n

    def _refresh_forecasts(
        self,
        updates: Sequence[TrackUpdate],
        lat: FloatArray,
        lon: FloatArray,
        ve: FloatArray,
        vn: FloatArray,
    ) -> None:
        cfg = self.config
        due = [
            k
            for k, u in enumerate(updates)
            if u.identity is None
            and u.status in (TrackStatus.CONFIRMED, TrackStatus.COASTING)
            and (
                (fc := self._forecasts.get(u.track_id)) is None
                or u.t_s - fc.t_s >= cfg.forecast_every_s
            )
        ]
        if not due:
            return
        if len(due) > cfg.max_forecasts_per_batch:
            # New tracks first, then the stalest forecasts; the rest wait for a later batch
            # (their lead times keep counting down), so no batch waits on hundreds of them.
            def age(k: int) -> float:
                fc = self._forecasts.get(updates[k].track_id)
                return math.inf if fc is None else updates[k].t_s - fc.t_s

            due = sorted(due, key=age, reverse=True)[: cfg.max_forecasts_per_batch]
        idx = np.array(due)
        e, n = self.geography.frame.to_en(lat[idx], lon[idx])
        sigma = np.array([updates[k].sigma_h_m for k in due])
        f = forecast_paths(e, n, ve[idx], vn[idx], sigma, cfg.horizon_s, cfg.step_s)
        site_eta = site_arrivals_s(f, self._sites, self._site_en)
        lines = corridor_zones(f, self.geography)
        zone_eta = zone_arrivals_s(f, self.geography, lines)
        entry = border_entries_s(f, self.geography, lines)
        airport_eta = site_arrivals_s(centre_line(f), self._airports, self._airport_en)
        protected = self.geography.protected_country
        for row, k in enumerate(due):
            u = updates[k]
            sites = {
                s.id: float(site_eta[row, j])
                for j, s in enumerate(self._sites)
                if np.isfinite(site_eta[row, j])
            }
            crossings = {
                f"airport:{s.id}": float(airport_eta[row, j])
                for j, s in enumerate(self._airports)
                if 0.0 < airport_eta[row, j] < math.inf  # 0: in its zone already
            }
            if np.isfinite(entry[row]):
                crossings[protected] = float(entry[row])
            self._forecasts[u.track_id] = _Forecast(u.t_s, sites, zone_eta[row], crossings)

    def _refresh_impacts(
        self,
        updates: Sequence[TrackUpdate],
        fed: Sequence[bool],
        lat: FloatArray,
        lon: FloatArray,
        ve: FloatArray,
        vn: FloatArray,
    ) -> None:
        """Update the impact area of every fed track (a coasting one keeps its last)."""
        rows = [k for k, f in enumerate(fed) if f]
        if not rows:
            return
        idx = np.array(rows)
        sub = [updates[k] for k in rows]
        e, n = self.geography.frame.to_en(lat[idx], lon[idx])
        imp = impact_areas(
            np.atleast_1d(e),
            np.atleast_1d(n),
            np.array([u.alt_m for u in sub]) - self.config.ground_m,
            ve[idx],
            vn[idx],
            np.array([u.vel_u_mps for u in sub]),
            np.array([u.sigma_h_m for u in sub]),
            np.array([u.sigma_v_m for u in sub]),
            np.array([u.sigma_vu_mps for u in sub]),
        )
        down = np.flatnonzero(imp.descending)
        for u in sub:
            self._impacts.pop(u.track_id, None)
        if down.size == 0:
            return
        ilat, ilon, _ = self.geography.frame.from_enu(imp.e_m[down], imp.n_m[down], 0.0)
        for j, k in enumerate(down.tolist()):
            u = sub[k]
            self._impacts[u.track_id] = (
                u.t_s + float(imp.latest_s[k]),
                float(np.atleast_1d(ilat)[j]),
                float(np.atleast_1d(ilon)[j]),
                float(imp.radius_m[k]),
            )

    def _forget(self, track_id: str) -> None:
        self._belief.forget(track_id)
        self._impacts.pop(track_id, None)
        self._last_vel.pop(track_id, None)
        self._mean_vel.pop(track_id, None)
        self._forecasts.pop(track_id, None)
        self._first_t_s.pop(track_id, None)


def _lead_words(lead_s: float) -> str:
    """Say a lead time in words: seconds under a minute, else minutes."""
    return f"{lead_s:.0f} s" if lead_s < 60.0 else f"{lead_s / 60.0:.0f} min"


def _clock(t_s: float) -> str:
    """Say a time of day, UTC, as HH:MM:SS (POSIX time has no leap seconds: plain arithmetic)."""
    s = math.floor(t_s) % 86_400
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def _duration_words(duration_s: float) -> str:
    """Say a duration in words: seconds, minutes up to two hours, else hours."""
    if duration_s < 60.0:
        return f"{duration_s:.0f} s"
    if duration_s < 7200.0:
        return f"{duration_s / 60.0:.0f} min"
    return f"{duration_s / 3600.0:.1f} h"


def _recent(hint_t_s: float | None, t_s: float) -> bool:
    """Whether a sensor hint taken at ``hint_t_s`` still counts at ``t_s``."""
    return hint_t_s is not None and t_s - hint_t_s <= HINT_RECENT_S


def _count_down(arrivals: dict[str, float], age_s: float) -> tuple[tuple[str, float], ...]:
    """Arrivals ``age_s`` later, earliest first (a place already reached stays at 0)."""
    items = sorted(arrivals.items(), key=lambda kv: kv[1])
    return tuple((key, max(0.0, lead - age_s)) for key, lead in items)


def _proximity(first_site_s: float, cfg: AssessorConfig) -> float:
    """Proximity factor of the threat score from the first site's lead time."""
    if not math.isfinite(first_site_s):
        return cfg.far_factor
    if first_site_s <= cfg.near_site_s:
        return 1.0
    span = max(cfg.horizon_s - cfg.near_site_s, 1e-9)
    frac = min(1.0, (first_site_s - cfg.near_site_s) / span)
    return 1.0 - frac * (1.0 - cfg.far_factor)


def _wind_dev_mps(
    wind: tuple[FloatArray, FloatArray],
    height_known: npt.NDArray[np.bool_],
    ve: FloatArray,
    vn: FloatArray,
) -> FloatArray:
    """Each track's horizontal speed relative to the wind at its height (NaN: unknown)."""
    return np.where(height_known, np.hypot(ve - wind[0], vn - wind[1]), np.nan)
