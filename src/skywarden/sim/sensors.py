"""Sensor models: what each simulated sensor reports about the truth, imperfections included.

:func:`observe` turns one :class:`~skywarden.sim.scenarios.SensorSpec` and the
:class:`~skywarden.sim.truth.Truth` into contract detections, each with its arrival
time: ``list[(arrival_t_s, Detection)]``. Detections arrive late (``latency_s`` plus a
uniform jitter), hence out of order. Every model is vectorised over targets and scans.

=====================  =========================  ==========================================
type                   detection                  model
=====================  =========================  ==========================================
surveillance_radar     ``Plot``                   :mod:`skywarden.sim.radars`: horizon,
drone_radar                                       radar equation, Swerling 1, clutter
acoustic               ``Bearing`` (acoustic)     spreading + absorption against a noise
                                                  floor; sound delay; day/night Pd; false
                                                  alarms; harmonic signature (brief 2.2)
rf_df                  ``Bearing`` (rf)           RF emitters within range, 3° bearings
eo_ir                  ``Bearing`` (eo, ir)       range by object model; az and el, 0.1°;
                                                  ``eo`` by day, ``ir`` (thermal) at night
adsb_receiver          ``AdsbReport``             transponders within radio line of sight
remote_id_receiver     ``RemoteIdReport``         Remote ID drones within range
observers              ``Report``                 people: :mod:`skywarden.sim.observers`
=====================  =========================  ==========================================

A sensor's ``outages`` (windows after the scenario's start, the truth's first time) drop
everything it measured inside them after it was drawn (:func:`drop_outages`), so an
outage changes no other detection.

``range_m`` of every type is its range for a Shahed-class target, so a scenario scales
a sensor's sensitivity with one number and the other classes follow, by physics
(radars: RCS; acoustic and people's hearing: loudness) or by brief 3.1's ratios (EO/IR,
:data:`EO_RANGE_BY_MODEL_M`). For ``rf_df`` and ``remote_id_receiver`` it is the range
for a quadcopter, the only emitters. "Tapered" ranges keep the configured ``pd`` up to
``range_m`` and fall linearly to zero at 1.2 x ``range_m`` (brief 3.1).

Acoustic detection: the received level is ``L(R) = L1 - 20 log10(R) - αR`` (spherical
spreading plus ``α`` = 5 dB/km absorption, ``L1`` the target's ``loudness_db`` at 1 m,
``R`` the slant range); ``Pd = pd · Φ((L(R) - floor) / 1.5 dB)``, the floor being a
Shahed's level at 1.1 x ``range_m``. With the catalog's loudness a Shahed (105 dB) is
heard to 2 km, a quadcopter (80 dB) to 0.3 km, a Gerbera (95 dB) to about 1.1 km, and
silent objects never. The bearing points where the target was when the sound left it,
``R/c`` earlier (``c`` = 343 m/s).

Per-target constants that belong to the object, not to a sensor (an engine's harmonic
frequency, the Remote ID serial, the pilot's position), come from a CRC-32 of the
target id, so every sensor reports the same ones.

Thread safety: pure functions of their arguments; safe from several threads with
separate generators.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

from skywarden.core.enums import BearingSource, ObjectClass
from skywarden.core.types import AdsbReport, Bearing, RemoteIdReport
from skywarden.sim._sensing import (
    SPEED_OF_SOUND_MPS,
    TAPER_FACTOR,
    Observed,
    SensorContext,
    SensorParams,
    TruthIndex,
    TruthSamples,
    arrival_t_s,
    audible_range_m,
    in_sector,
    is_night,
    offset_deg,
    pairs_in_reach,
    radio_horizon_m,
    sample_truth,
    scan_times_s,
    site_frame,
    sound_level_db,
    taper_pd,
    target_flags,
    target_values,
    unit_hash,
    with_arrival,
)
from skywarden.sim.catalog import MODELS
from skywarden.sim.observers import observe_people
from skywarden.sim.radars import observe_radar
from skywarden.sim.scenarios import SensorSpec
from skywarden.sim.truth import Truth
from skywarden.tracking.measurement import (
    azimuth_to_unit_en,
    enu_to_range_az_el,
    range_rate_mps,
    wrap_deg_360,
)

__all__ = [
    "ACOUSTIC_SIGMA_LEVEL_DB",
    "EO_RANGE_BY_MODEL_M",
    "SENSOR_DEFAULTS",
    "Observed",
    "SensorContext",
    "SensorParams",
    "TruthIndex",
    "acoustic_pd",
    "drop_outages",
    "observe",
    "sensor_params",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

# Defaults per sensor type; [U] marks the brief's assumptions (all of its section 3.1).
SENSOR_DEFAULTS: Mapping[str, SensorParams] = MappingProxyType(
    {
        "surveillance_radar": SensorParams(
            revisit_s=10.0,  # brief 3 / 3.1: 5-12 s per rotation, 10 s suggested [U]
            latency_s=2.0,  # plot extraction and network to the fusion centre [U]
            latency_jitter_s=0.5,
            range_m=150_000.0,  # brief 3.1: Shahed-class, above the horizon [U]
            pd=0.8,  # brief 3.1 [U]
            sigma_range_m=100.0,  # brief 3 / 3.1: 50-100 m [U]
            sigma_az_deg=0.3,  # brief 3 / 3.1: 0.2-0.5° [U]
            sigma_alt_m=500.0,  # brief 3.1 [U]
            clutter_per_scan=3.0,  # brief 3.1: "few" false plots [U]
        ),
        "drone_radar": SensorParams(
            revisit_s=1.0,  # brief 3 / 3.1: about 1 s (IRIS, ELVIRA)
            latency_s=1.0,  # [U]
            latency_jitter_s=0.25,
            range_m=5_000.0,  # brief 3.1: Shahed-class 5 km; quadcopter 3 km by RCS [U]
            pd=0.9,  # brief 3.1 [U]
            sigma_range_m=15.0,  # brief 3.1 [U]
            sigma_az_deg=1.0,  # brief 3.1 [U]
            sigma_el_deg=2.0,  # brief 3 / 3.1: 1-2° [U]
            clutter_per_scan=None,  # from clutter_per_km2 and the covered area
            clutter_per_km2=0.1,  # brief 3.1: 1 per scan per 10 km², mostly birds [U]
        ),
        "acoustic": SensorParams(
            revisit_s=1.0,  # brief 3.1: about 1 s [U]
            latency_s=1.0,  # phone app to server [U]
            latency_jitter_s=0.5,
            range_m=2_000.0,  # brief 3.1: Shahed-class 2 km; sets the noise floor [U]
            pd=0.8,  # brief 3.1: 0.8 at night, 0.5 by day (_ACOUSTIC_DAY_PD_FACTOR) [U]
            sigma_az_deg=10.0,  # brief 3.1: bearing 10° with an array [U]
            sigma_el_deg=10.0,  # as the azimuth, when the array measures it [U]
            false_reports_per_h=1.0,  # brief 3.1: wind and traffic, 1 per node per hour [U]
        ),
        "rf_df": SensorParams(
            revisit_s=1.0,  # brief 3 / 3.1: about 1 s
            latency_s=0.5,  # [U]
            latency_jitter_s=0.25,
            range_m=3_000.0,  # brief 3.1: quadcopter 3 km (DroneID decoded to 3.7 km) [U]
            pd=0.95,  # brief 3.1: 0.95 for compliant drones [U]
            sigma_az_deg=3.0,  # a typical direction finder [U]
        ),
        "eo_ir": SensorParams(
            revisit_s=1.0,  # brief 3.1 says 0.2 s (video); 1 s keeps the files small
            latency_s=0.5,  # [U]
            latency_jitter_s=0.25,
            range_m=4_000.0,  # brief 3.1: Shahed-class 4 km; see EO_RANGE_BY_MODEL_M [U]
            pd=0.8,  # brief 3.1 [U]
            sigma_az_deg=0.1,  # brief 3 / 3.1 [U]
            sigma_el_deg=0.1,  # as the azimuth [U]
        ),
        "adsb_receiver": SensorParams(
            revisit_s=1.0,  # positions come at 2 Hz; one report a second is kept
            latency_s=0.5,  # [U]
            latency_jitter_s=0.3,
            range_m=350_000.0,  # 1090 MHz receivers reach about 350 km within line of sight
            pd=0.95,  # lost or garbled messages [U]
            sigma_range_m=10.0,  # brief 3.1: GNSS-reported position, about 10 m
        ),
        "remote_id_receiver": SensorParams(
            revisit_s=1.0,  # brief 3: about 1 s (F3411 broadcasts at least at 1 Hz)
            latency_s=0.5,  # [U]
            latency_jitter_s=0.25,
            range_m=3_000.0,  # brief 3.1: quadcopter 3 km [U]
            pd=0.95,  # brief 3.1: 0.95 for compliant drones [U]
            sigma_range_m=10.0,  # brief 3.1: GNSS-reported position, about 10 m
        ),
        "observers": SensorParams(
            revisit_s=10.0,  # step at which report rates are evaluated [U]
            latency_s=360.0,  # brief 3 / 3.1: reports arrive 2-10 min late: 6 ± 4 min [U]
            latency_jitter_s=240.0,
            range_m=2_000.0,  # brief 3.1: a Shahed by ear at night; sets hearing [U]
            pd=0.3,  # brief 3.1: a person in range notices with probability 0.3 [U]
            sigma_range_m=1_000.0,  # brief 3.1: report position error 1 km [U]
            people_per_km2=30.0,  # rural Lithuania: 20-30 people per km² [U]
            false_reports_per_h=2.0,  # brief 3.1: "occasional" (stars, aircraft lights) [U]
        ),
    }
)

# Acoustic Pd falls from its cap to zero over 1-1.2 x range_m (module docstring).
ACOUSTIC_SIGMA_LEVEL_DB = 1.5
_ACOUSTIC_MIDPOINT_FACTOR = 1.1
_ACOUSTIC_DAY_PD_FACTOR = 0.5 / 0.8  # brief 3.1: 0.8 at night, 0.5 by day
_REFERENCE_LOUDNESS_DB = MODELS["shahed"].loudness_db
# Brief 2.2: harmonic comb of the MD-550 two-stroke, firing frequency 333-467 Hz at
# 5,000-7,000 rpm. Gerbera's smaller engine is assumed to run faster [U].
_HARMONIC_F0_HZ = {"shahed": (333.0, 467.0), "gerbera": (400.0, 560.0)}
_FALSE_ELEVATION_DEG = (0.0, 45.0)  # false alarms: wind gusts, traffic, overhead noise
# EO/IR detection range by object model. Brief 3.1: Shahed 4, Gerbera 3, quadcopter 1.5,
# balloon 5 km; aircraft and birds [U]. Scaled by range_m / the Shahed value.
EO_RANGE_BY_MODEL_M: Mapping[str, float] = MappingProxyType(
    {
        "shahed": 4_000.0,
        "gerbera": 3_000.0,
        "quadcopter": 1_500.0,
        "rid_drone": 1_500.0,
        "balloon": 5_000.0,
        "light_aircraft": 10_000.0,
        "airliner": 20_000.0,
        "bird_flock": 1_000.0,
    }
)
_SIGMA_VEL_MPS = 0.5  # GNSS velocity noise of ADS-B and Remote ID [U]
_ALT_QUANTUM_M = 7.62  # Mode S reports altitude in 25 ft steps
_OPERATOR_RADIUS_M = 50.0  # the pilot stands within 50 m of the take-off point [U]
_UAS_ID_PREFIX = "SKYW8"  # ANSI/CTA-2063-A serial: made-up maker code SKYW, 8 characters


def sensor_params(spec: SensorSpec) -> SensorParams:
    """Return the type's defaults, overridden by every field the spec sets (not ``None``).

    A spec's ``latency_s`` scales the jitter in proportion. Raises ``ValueError`` for an
    unknown type.
    """
    try:
        base = SENSOR_DEFAULTS[spec.type]
    except KeyError:
        raise ValueError(
            f"sensor {spec.sensor_id}: unknown type {spec.type!r} "
            f"(known: {', '.join(SENSOR_DEFAULTS)})"
        ) from None
    names = [f.name for f in dataclasses.fields(SensorParams)]
    changes = {n: getattr(spec, n) for n in names if getattr(spec, n, None) is not None}
    if spec.latency_s is not None and base.latency_s > 0.0:
        changes["latency_jitter_s"] = base.latency_jitter_s * spec.latency_s / base.latency_s
    return dataclasses.replace(base, **changes)


def acoustic_pd(
    loudness_db: npt.ArrayLike, range_m: npt.ArrayLike, params: SensorParams, night: npt.ArrayLike
) -> FloatArray:
    """Per-scan Pd of an acoustic node, ``pd · Φ((L(R) - floor) / σ)``, lower by day.

    See the module docstring; silent sources (``loudness_db <= 0``) are never heard.
    """
    floor_db = sound_level_db(_REFERENCE_LOUDNESS_DB, _ACOUSTIC_MIDPOINT_FACTOR * params.range_m)
    loud = np.asarray(loudness_db, dtype=np.float64)
    cap = np.where(np.asarray(night, dtype=bool), params.pd, params.pd * _ACOUSTIC_DAY_PD_FACTOR)
    pd = cap * ndtr((sound_level_db(loud, range_m) - floor_db) / ACOUSTIC_SIGMA_LEVEL_DB)
    return np.asarray(np.where(loud > 0.0, pd, 0.0), dtype=np.float64)


# --- bearings: acoustic, RF, EO/IR ----------------------------------------------------------


def _bearings(
    spec: SensorSpec,
    params: SensorParams,
    t_s: FloatArray,
    az_deg: FloatArray,
    el_deg: FloatArray | None,
    sources: Sequence[BearingSource],
    signatures: Sequence[str | None],
    rng: np.random.Generator,
) -> Observed:
    """Noisy bearings (and elevations) from the sensor's site, with arrival times."""
    k = t_s.size
    az_m = wrap_deg_360(az_deg + rng.normal(0.0, params.sigma_az_deg, k)).tolist()
    el_m: list[float] | list[None] = [None] * k
    sigma_el: float | None = None
    if el_deg is not None:
        el_noisy = np.clip(el_deg + rng.normal(0.0, params.sigma_el_deg, k), -90.0, 90.0)
        el_m, sigma_el = el_noisy.tolist(), params.sigma_el_deg
    arrival = arrival_t_s(t_s, params.latency_s, params.latency_jitter_s, rng)
    site = (spec.sensor_id, spec.lat, spec.lon, spec.alt_m)
    bearings = [
        Bearing(t, *site, az, params.sigma_az_deg, el, sigma_el, src, sig)
        for t, az, el, src, sig in zip(t_s.tolist(), az_m, el_m, sources, signatures, strict=True)
    ]
    return with_arrival(arrival, bearings)


def _harmonic_signatures(truth: Truth, target: IntArray, vr_mps: FloatArray) -> list[str | None]:
    """``harmonic:f0=NNNHz`` for one-way attack drones, Doppler-shifted; ``None`` otherwise.

    Each drone's engine has its own firing frequency in the brief 2.2 band, fixed per
    target id; a node hears it shifted by ``c / (c + vr)`` (``vr`` positive receding).
    """
    f0_hz: list[float | None] = []
    for t in truth.targets:
        if t.obj_class is ObjectClass.OWA_DRONE:
            lo, hi = _HARMONIC_F0_HZ.get(t.model, _HARMONIC_F0_HZ["shahed"])
            f0_hz.append(lo + (hi - lo) * unit_hash(t.target_id + "/engine"))
        else:
            f0_hz.append(None)
    shift = (SPEED_OF_SOUND_MPS / (SPEED_OF_SOUND_MPS + vr_mps)).tolist()
    out: list[str | None] = []
    for i, factor in zip(target.tolist(), shift, strict=True):
        f0 = f0_hz[i]
        out.append(None if f0 is None else f"harmonic:f0={f0 * factor:.0f}Hz")
    return out


def _observe_acoustic(
    spec: SensorSpec,
    params: SensorParams,
    truth: Truth,
    ctx: SensorContext,
    rng: np.random.Generator,
) -> Observed:
    frame = site_frame(spec)
    t_scan = scan_times_s(truth, params.revisit_s, rng)
    loudness = target_values(truth, "loudness_db")
    floor_db = float(
        sound_level_db(_REFERENCE_LOUDNESS_DB, _ACOUSTIC_MIDPOINT_FACTOR * params.range_m)
    )
    # Where the loudest source is 5 sigma below the floor, Pd < 3e-7: nothing beyond.
    loudest_db = float(loudness.max(initial=0.0))
    reach_m = float(audible_range_m(loudest_db, floor_db - 5.0 * ACOUSTIC_SIGMA_LEVEL_DB))
    lead_s = reach_m / SPEED_OF_SOUND_MPS
    _scan, s = pairs_in_reach(spec, truth, ctx, t_scan, reach_m, loudness > 0.0, lead_s)
    # What is heard at t left the source R/c earlier: two fixed-point steps of
    # t_e = t - R(t_e)/c converge to far below a millisecond at drone speeds.
    t_heard = s.t_s
    for _ in range(2):
        e, n, u = frame.to_enu(s.lat, s.lon, s.alt_m)
        s = sample_truth(
            truth, t_heard - np.sqrt(e * e + n * n + u * u) / SPEED_OF_SOUND_MPS, s.target
        )
    s, t_heard = s.take(s.alive), t_heard[s.alive]
    e, n, u = frame.to_enu(s.lat, s.lon, s.alt_m)
    range_m, az_deg, el_deg = enu_to_range_az_el(e, n, u)
    night = is_night(t_heard, spec.lat, spec.lon)
    pd = acoustic_pd(loudness[s.target], range_m, params, night)
    hit = (rng.random(pd.shape) < pd) & in_sector(az_deg, params)
    vr_mps = range_rate_mps(
        e[hit], n[hit], u[hit], s.vel_e_mps[hit], s.vel_n_mps[hit], s.vel_u_mps[hit]
    )
    signatures = _harmonic_signatures(truth, s.target[hit], vr_mps)
    # False alarms (wind, traffic): Poisson over the span, uniform in time and azimuth.
    span_h = float(truth.t_s[-1] - truth.t_s[0]) / 3600.0
    n_false = int(rng.poisson(params.false_reports_per_h * span_h))
    t_false = rng.uniform(float(truth.t_s[0]), float(truth.t_s[-1]), size=n_false)
    az_false = rng.uniform(0.0, 360.0, size=n_false)
    el_false = rng.uniform(*_FALSE_ELEVATION_DEG, size=n_false)
    t_all = np.concatenate([t_heard[hit], t_false])
    el_all = np.concatenate([el_deg[hit], el_false]) if params.elevation else None
    return _bearings(
        spec,
        params,
        t_all,
        np.concatenate([az_deg[hit], az_false]),
        el_all,
        [BearingSource.ACOUSTIC] * t_all.size,
        signatures + [None] * n_false,
        rng,
    )


def _observe_rf(
    spec: SensorSpec,
    params: SensorParams,
    truth: Truth,
    ctx: SensorContext,
    rng: np.random.Generator,
) -> Observed:
    t_scan = scan_times_s(truth, params.revisit_s, rng)
    emitters = target_flags(truth, "rf_emitter")
    _scan, s = pairs_in_reach(spec, truth, ctx, t_scan, TAPER_FACTOR * params.range_m, emitters)
    range_m, az_deg, _el = enu_to_range_az_el(*site_frame(spec).to_enu(s.lat, s.lon, s.alt_m))
    pd = taper_pd(range_m, params.range_m, params.pd)
    hit = (rng.random(pd.shape) < pd) & in_sector(az_deg, params)
    k = int(hit.sum())
    return _bearings(
        spec, params, s.t_s[hit], az_deg[hit], None, [BearingSource.RF] * k, [None] * k, rng
    )


def _observe_eo(
    spec: SensorSpec,
    params: SensorParams,
    truth: Truth,
    ctx: SensorContext,
    rng: np.random.Generator,
) -> Observed:
    t_scan = scan_times_s(truth, params.revisit_s, rng)
    shahed_m = EO_RANGE_BY_MODEL_M["shahed"]
    nominal_m = (params.range_m / shahed_m) * np.array(
        [EO_RANGE_BY_MODEL_M.get(t.model, shahed_m) for t in truth.targets], dtype=np.float64
    )
    reach_m = TAPER_FACTOR * float(nominal_m.max(initial=0.0))
    every = np.ones(len(truth.targets), dtype=bool)
    _scan, s = pairs_in_reach(spec, truth, ctx, t_scan, reach_m, every)
    range_m, az_deg, el_deg = enu_to_range_az_el(*site_frame(spec).to_enu(s.lat, s.lon, s.alt_m))
    pd = taper_pd(range_m, nominal_m[s.target], params.pd)
    hit = (rng.random(pd.shape) < pd) & in_sector(az_deg, params)
    t_s = s.t_s[hit]
    # The day camera by day, the thermal one at night: the contract's 'eo' and 'ir'.
    night = is_night(t_s, spec.lat, spec.lon).tolist()
    sources = [BearingSource.IR if dark else BearingSource.EO for dark in night]
    return _bearings(spec, params, t_s, az_deg[hit], el_deg[hit], sources, [None] * t_s.size, rng)


# --- cooperative: ADS-B, Remote ID ----------------------------------------------------------


def _gnss_fix(
    s: TruthSamples, sigma_m: float, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Position and velocity as the object's own GNSS gives them (Gaussian errors)."""
    k = s.t_s.size
    d_lat, d_lon = offset_deg(s.lat, rng.normal(0.0, sigma_m, k), rng.normal(0.0, sigma_m, k))
    noise = rng.normal(0.0, _SIGMA_VEL_MPS, (3, k))
    return (
        s.lat + d_lat,
        s.lon + d_lon,
        s.vel_e_mps + noise[0],
        s.vel_n_mps + noise[1],
        s.vel_u_mps + noise[2],
    )


def _observe_adsb(
    spec: SensorSpec,
    params: SensorParams,
    truth: Truth,
    ctx: SensorContext,
    rng: np.random.Generator,
) -> Observed:
    t_scan = scan_times_s(truth, params.revisit_s, rng)
    eligible = target_flags(truth, "transponder")
    _scan, s = pairs_in_reach(spec, truth, ctx, t_scan, params.range_m, eligible)
    range_m, _az, _el = enu_to_range_az_el(*site_frame(spec).to_enu(s.lat, s.lon, s.alt_m))
    horizon_m = radio_horizon_m(spec.mast_m) + radio_horizon_m(s.alt_m - ctx.ground_m)
    pd = np.where((range_m <= params.range_m) & (range_m <= horizon_m), params.pd, 0.0)
    s = s.take(rng.random(pd.shape) < pd)
    lat, lon, ve, vn, vu = _gnss_fix(s, params.sigma_range_m, rng)
    alt_m = np.round(s.alt_m / _ALT_QUANTUM_M) * _ALT_QUANTUM_M
    icao = [
        t.icao24 or f"{zlib.crc32(t.target_id.encode('utf-8')) & 0xFFFFFF:06x}"
        for t in truth.targets
    ]
    callsign = [t.callsign for t in truth.targets]
    arrival = arrival_t_s(s.t_s, params.latency_s, params.latency_jitter_s, rng)
    columns = (lat, lon, alt_m, ve, vn, vu)
    reports = [
        AdsbReport(t, spec.sensor_id, icao[i], la, lo, al, callsign[i], e, n, u)
        for t, i, la, lo, al, e, n, u in zip(
            s.t_s.tolist(), s.target.tolist(), *(c.tolist() for c in columns), strict=True
        )
    ]
    return with_arrival(arrival, reports)


def _operators(truth: Truth) -> tuple[list[float], list[float]]:
    """Each target's pilot position: within 50 m of its first alive sample (take-off)."""
    n_tgt = len(truth.targets)
    first = np.argmax(truth.alive, axis=0)
    cols = np.arange(n_tgt)
    lat0, lon0 = truth.lat[first, cols], truth.lon[first, cols]
    u_r = np.array([unit_hash(t.target_id + "/operator-r") for t in truth.targets])
    u_a = np.array([unit_hash(t.target_id + "/operator-a") for t in truth.targets])
    unit_e, unit_n = azimuth_to_unit_en(360.0 * u_a)
    radius_m = _OPERATOR_RADIUS_M * np.sqrt(u_r)
    d_lat, d_lon = offset_deg(lat0, radius_m * unit_e, radius_m * unit_n)
    return (lat0 + d_lat).tolist(), (lon0 + d_lon).tolist()


def _observe_remote_id(
    spec: SensorSpec,
    params: SensorParams,
    truth: Truth,
    ctx: SensorContext,
    rng: np.random.Generator,
) -> Observed:
    t_scan = scan_times_s(truth, params.revisit_s, rng)
    eligible = target_flags(truth, "remote_id")
    reach_m = TAPER_FACTOR * params.range_m
    _scan, s = pairs_in_reach(spec, truth, ctx, t_scan, reach_m, eligible)
    range_m, _az, _el = enu_to_range_az_el(*site_frame(spec).to_enu(s.lat, s.lon, s.alt_m))
    pd = taper_pd(range_m, params.range_m, params.pd)
    s = s.take(rng.random(pd.shape) < pd)
    lat, lon, ve, vn, vu = _gnss_fix(s, params.sigma_range_m, rng)
    alt_m = s.alt_m + rng.normal(0.0, params.sigma_range_m, s.t_s.size)
    op_lat, op_lon = _operators(truth)
    uas_id = [
        f"{_UAS_ID_PREFIX}{zlib.crc32(t.target_id.encode('utf-8')):08X}" for t in truth.targets
    ]
    arrival = arrival_t_s(s.t_s, params.latency_s, params.latency_jitter_s, rng)
    columns = (lat, lon, alt_m, ve, vn, vu)
    reports = [
        RemoteIdReport(t, spec.sensor_id, uas_id[i], la, lo, al, op_lat[i], op_lon[i], e, n, u)
        for t, i, la, lo, al, e, n, u in zip(
            s.t_s.tolist(), s.target.tolist(), *(c.tolist() for c in columns), strict=True
        )
    ]
    return with_arrival(arrival, reports)


_Model = Callable[[SensorSpec, SensorParams, Truth, SensorContext, np.random.Generator], Observed]
_MODELS: Mapping[str, _Model] = MappingProxyType(
    {
        "surveillance_radar": observe_radar,
        "drone_radar": observe_radar,
        "acoustic": _observe_acoustic,
        "rf_df": _observe_rf,
        "eo_ir": _observe_eo,
        "adsb_receiver": _observe_adsb,
        "remote_id_receiver": _observe_remote_id,
        "observers": observe_people,
    }
)


def observe(
    spec: SensorSpec, truth: Truth, ctx: SensorContext, rng: np.random.Generator
) -> Observed:
    """Everything one sensor reports about ``truth``: ``[(arrival_t_s, detection), ...]``.

    The list is grouped by what produced it, not sorted; :func:`skywarden.sim.synth.
    synthesize` merges and orders. ``rng`` is consumed: the same generator state gives
    the same detections. Raises ``ValueError`` for an unknown sensor type.
    """
    params = sensor_params(spec)
    if truth.t_s.size == 0:
        return []
    observed = _MODELS[spec.type](spec, params, truth, ctx, rng)
    return drop_outages(observed, spec.outages, float(truth.t_s[0]))


def drop_outages(
    observed: Observed, outages: Sequence[tuple[float, float]], start_t_s: float
) -> Observed:
    """Drop what a sensor measured during its outages: ``(start_s, end_s)`` after ``start_t_s``.

    A detection whose own time ``t`` has ``start_s <= t - start_t_s < end_s`` for a window
    is dropped (false alarms and clutter too); one measured before a window and arriving
    in it is still sent. Everything is drawn before it is dropped, so a sensor's other
    detections are the same as without the outages: an outage removes, it never redraws.
    """
    if not outages or not observed:
        return observed
    t_rel_s = np.fromiter((d.t_s for _, d in observed), np.float64, len(observed)) - start_t_s
    window = np.asarray(outages, dtype=np.float64)
    inside = (t_rel_s[:, None] >= window[None, :, 0]) & (t_rel_s[:, None] < window[None, :, 1])
    dropped = np.flatnonzero(inside.any(axis=1)).tolist()
    if not dropped:
        return observed
    gone = set(dropped)
    return [item for j, item in enumerate(observed) if j not in gone]
