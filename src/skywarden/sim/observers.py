"""People on the ground as a sensor: 112 calls about what they hear and see -> ``Report``.

Brief 0.2 and 1.2: on 28 July 2025 the first reports of the Gerbera came from residents
calling 112, dozens of them, minutes late. The model, evaluated every ``revisit_s``
(10 s) on the truth grid and vectorised over targets and steps:

1. **Who can notice.** A target is heard within the range where its sound falls to a
   person's hearing floor (the acoustic model of :mod:`skywarden.sim.sensors` with the
   floor set so that a Shahed is heard at ``range_m``, 2 km: a quadcopter at 0.3 km,
   silent objects never), and seen by day within :data:`SIGHT_RANGE_BY_MODEL_M` if it
   flies below :data:`VISIBLE_MAX_AGL_M`. ``r`` is the larger horizontal radius.
2. **How many call.** Reports form a Poisson process of rate
   ``λ = ρ · π r² · pd · CALL_RATE_PER_S · w`` per second: ``ρ`` people per km² on the
   ground under the target (``people_per_km2``, :data:`CITY_DENSITY_FACTOR` times more
   in a city municipality, none outside the protected country), ``pd`` the chance that
   a person in range notices (brief 3.1: 0.3), ``w`` how unusual the object is
   (:data:`REPORT_WEIGHT_BY_CLASS`: people do not call about airliners or birds).
   Calibration: a Shahed heard across Vilnius gives about 0.2 calls per second, dozens
   in a five-minute crossing; over countryside one every few minutes.
3. **Bursts.** A loud object (``loudness_db`` of :data:`BURST_LOUDNESS_DB` or more)
   wakes a street at once: each event is a burst of ``1 + Poisson(2)`` calls within a
   minute (the event rate is divided by 3, keeping the mean number of calls).
4. **What is reported.** ``time`` is the moment of observation; the position is the
   target's then, with an isotropic Gaussian error of ``sigma_range_m`` (1 km) per
   axis (brief 3.1); ``what`` is ``seen`` by day when the object is visible, ``heard``
   otherwise. Reports ARRIVE 2-10 minutes later (``latency_s`` 360 ± 240 s).
5. **False reports**, ``false_reports_per_h`` (stars, aircraft lights, noise): random
   times, positions drawn where people live near the scenario's area (within 20 km of
   the truth's extent and of the sensor's site), weighted by population.

Each report has its own reporter, ``sensor_id = "<spec id>-call-NNNN"`` numbered in
order of observation: with the spec named ``112``, ``112-call-0001``.

Population: a zone whose name holds ``miesto`` (Lithuanian "city's", as in "Vilniaus
miesto savivaldybė") is a city. Without a geography, everywhere counts as countryside.

Thread safety: pure function of its arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from skywarden.core.enums import ObjectClass, ReportWhat
from skywarden.core.types import Report
from skywarden.geo.zones import Geography
from skywarden.sim._sensing import (
    Observed,
    SensorContext,
    SensorParams,
    arrival_t_s,
    audible_range_m,
    is_night,
    offset_deg,
    sample_truth,
    sound_level_db,
    target_values,
    with_arrival,
)
from skywarden.sim.catalog import MODELS
from skywarden.sim.scenarios import SensorSpec
from skywarden.sim.truth import Truth

__all__ = [
    "BURST_LOUDNESS_DB",
    "CALL_RATE_PER_S",
    "CITY_DENSITY_FACTOR",
    "REPORT_WEIGHT_BY_CLASS",
    "SIGHT_RANGE_BY_MODEL_M",
    "VISIBLE_MAX_AGL_M",
    "observe_people",
    "people_per_km2",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

# Vilnius and Kaunas cities hold 1,400-1,900 people per km² against 20-30 in the
# countryside; city municipalities include parks and forest, so 40 x the rural 30 [U].
CITY_DENSITY_FACTOR = 40.0
CITY_ZONE_MARK = "miesto"
# Higher than this above ground a drone is a dot nobody notices (the task's ~1.5 km) [U].
VISIBLE_MAX_AGL_M = 1_500.0
# Calls per second from a person who noticed, calibrated as in the module docstring [U].
CALL_RATE_PER_S = 5.0e-5
BURST_LOUDNESS_DB = 90.0  # piston-engine drones and light aircraft, not quadcopters [U]
_BURST_MEAN_SIZE = 3.0
_BURST_SPREAD_S = 60.0
# By eye in daylight, brief 3.1: Shahed 2 km, Gerbera 1.5 km, quadcopter 0.3 km, balloon
# 3 km; aircraft and birds [U]. Scaled with range_m / the Shahed value.
SIGHT_RANGE_BY_MODEL_M: Mapping[str, float] = MappingProxyType(
    {
        "shahed": 2_000.0,
        "gerbera": 1_500.0,
        "quadcopter": 300.0,
        "rid_drone": 300.0,
        "balloon": 3_000.0,
        "light_aircraft": 3_000.0,
        "airliner": 5_000.0,
        "bird_flock": 500.0,
    }
)
# How likely a noticed object is to be reported: people call about drones and balloons,
# hardly about aeroplanes they hear every day, never about birds [U].
REPORT_WEIGHT_BY_CLASS: Mapping[ObjectClass, float] = MappingProxyType(
    {
        ObjectClass.OWA_DRONE: 1.0,
        ObjectClass.QUADCOPTER: 1.0,
        ObjectClass.BALLOON: 1.0,
        ObjectClass.MANNED_AIRCRAFT: 0.02,
        ObjectClass.BIRD: 0.0,
        ObjectClass.UNKNOWN: 1.0,
    }
)
_REFERENCE_LOUDNESS_DB = MODELS["shahed"].loudness_db
_FALSE_AREA_MARGIN_M = 20_000.0
_M_PER_DEG_LAT = 111_195.0  # only to widen the false-report area, not for geometry
_FALSE_DRAW_ROUNDS = 20


def people_per_km2(
    lat: FloatArray, lon: FloatArray, rural_per_km2: float, geography: Geography | None
) -> FloatArray:
    """People per km² on the ground at each point (see the module docstring)."""
    if geography is None:
        return np.full(lat.shape, rural_per_km2)
    zone = geography.zone_of(lat, lon).reshape(lat.shape)
    names, inverse = np.unique(zone, return_inverse=True)
    factor = np.array(
        [
            0.0
            if not z
            else CITY_DENSITY_FACTOR
            if CITY_ZONE_MARK in geography.zones[z].name
            else 1.0
            for z in names.tolist()
        ],
        dtype=np.float64,
    )
    return np.asarray(rural_per_km2 * factor[inverse.reshape(lat.shape)], dtype=np.float64)


def _horizontal_m(radius_m: FloatArray, agl_m: FloatArray) -> FloatArray:
    """Radius on the ground within which a point ``agl_m`` up is within ``radius_m``."""
    return np.asarray(np.sqrt(np.maximum(radius_m**2 - np.maximum(agl_m, 0.0) ** 2, 0.0)))


def _false_positions(
    n: int,
    spec: SensorSpec,
    truth: Truth,
    params: SensorParams,
    geography: Geography | None,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """Up to ``n`` positions where people live, near the scenario's area (rejection)."""
    lat_all = np.append(truth.lat[truth.alive], spec.lat)
    lon_all = np.append(truth.lon[truth.alive], spec.lon)
    pad_lat = _FALSE_AREA_MARGIN_M / _M_PER_DEG_LAT
    pad_lon = pad_lat / max(np.cos(np.radians(float(np.abs(lat_all).max()))), 0.1)
    lat_lo, lat_hi = float(lat_all.min()) - pad_lat, float(lat_all.max()) + pad_lat
    lon_lo, lon_hi = float(lon_all.min()) - pad_lon, float(lon_all.max()) + pad_lon
    top_density = params.people_per_km2 * (1.0 if geography is None else CITY_DENSITY_FACTOR)
    lats: list[FloatArray] = []
    lons: list[FloatArray] = []
    found = 0
    for _ in range(_FALSE_DRAW_ROUNDS):
        if found >= n or top_density <= 0.0:
            break
        lat = rng.uniform(lat_lo, lat_hi, size=4 * n)
        lon = rng.uniform(lon_lo, lon_hi, size=4 * n)
        density = people_per_km2(lat, lon, params.people_per_km2, geography)
        keep = rng.uniform(0.0, top_density, size=lat.size) < density
        lats.append(lat[keep])
        lons.append(lon[keep])
        found += int(keep.sum())
    lat_ok = np.concatenate([np.empty(0), *lats])[:n]
    lon_ok = np.concatenate([np.empty(0), *lons])[:n]
    return lat_ok, lon_ok


def observe_people(
    spec: SensorSpec,
    params: SensorParams,
    truth: Truth,
    ctx: SensorContext,
    rng: np.random.Generator,
) -> Observed:
    """Return the reports of people on the ground (module docstring), with arrivals."""
    n_t = truth.t_s.size
    dt_s = float(truth.t_s[1] - truth.t_s[0]) if n_t > 1 else params.revisit_s
    step = max(round(params.revisit_s / dt_s), 1)
    steps = np.arange(0, n_t, step)
    eval_dt_s = step * dt_s
    targets = truth.targets
    loudness = target_values(truth, "loudness_db")
    weight = np.array([REPORT_WEIGHT_BY_CLASS[t.obj_class] for t in targets], dtype=np.float64)
    shahed_m = SIGHT_RANGE_BY_MODEL_M["shahed"]
    sight_m = (params.range_m / shahed_m) * np.array(
        [SIGHT_RANGE_BY_MODEL_M.get(t.model, shahed_m) for t in targets], dtype=np.float64
    )
    floor_db = float(sound_level_db(_REFERENCE_LOUDNESS_DB, params.range_m))
    hear_m = audible_range_m(loudness, floor_db)

    agl_m = truth.alt_m[steps] - ctx.ground_m
    observable = (
        truth.alive[steps] & (weight > 0.0) & ((loudness > 0.0) | (agl_m < VISIBLE_MAX_AGL_M))
    )
    k_idx, i_idx = np.nonzero(observable)
    lat, lon = truth.lat[steps[k_idx], i_idx], truth.lon[steps[k_idx], i_idx]
    agl = agl_m[k_idx, i_idx]
    t_k = truth.t_s[steps[k_idx]]
    night = is_night(t_k, lat, lon)
    visible = ~night & (agl < VISIBLE_MAX_AGL_M)
    hear_h_m = _horizontal_m(hear_m[i_idx], agl)
    see_h_m = np.where(visible, _horizontal_m(sight_m[i_idx], agl), 0.0)
    radius_km = np.maximum(hear_h_m, see_h_m) / 1e3
    density = people_per_km2(lat, lon, params.people_per_km2, ctx.geography)
    rate_per_s = density * np.pi * radius_km**2 * params.pd * CALL_RATE_PER_S * weight[i_idx]
    bursty = loudness[i_idx] >= BURST_LOUDNESS_DB
    mean_size = np.where(bursty, _BURST_MEAN_SIZE, 1.0)
    events = np.repeat(np.arange(k_idx.size), rng.poisson(rate_per_s * eval_dt_s / mean_size))
    sizes = np.where(bursty[events], 1 + rng.poisson(_BURST_MEAN_SIZE - 1.0, events.size), 1)
    t_event = t_k[events] + rng.uniform(-eval_dt_s / 2.0, eval_dt_s / 2.0, events.size)
    member = np.repeat(events, sizes)
    t_obs = np.repeat(t_event, sizes) + np.where(
        bursty[member], rng.uniform(0.0, _BURST_SPREAD_S, member.size), 0.0
    )
    s = sample_truth(truth, t_obs, i_idx[member])
    seen = (visible & (see_h_m > 0.0))[member][s.alive]
    s = s.take(s.alive)
    k = s.t_s.size
    d_lat, d_lon = offset_deg(
        s.lat, rng.normal(0.0, params.sigma_range_m, k), rng.normal(0.0, params.sigma_range_m, k)
    )

    span_h = float(truth.t_s[-1] - truth.t_s[0]) / 3600.0
    n_false = int(rng.poisson(params.false_reports_per_h * span_h))
    f_lat, f_lon = _false_positions(n_false, spec, truth, params, ctx.geography, rng)
    f_t = rng.uniform(float(truth.t_s[0]), float(truth.t_s[-1]), size=f_lat.size)
    f_seen = ~is_night(f_t, f_lat, f_lon)

    t_all = np.concatenate([s.t_s, f_t])
    lat_all = np.concatenate([s.lat + d_lat, f_lat])
    lon_all = np.concatenate([s.lon + d_lon, f_lon])
    seen_all = np.concatenate([seen, f_seen])
    order = np.argsort(t_all, kind="stable")
    arrival = arrival_t_s(t_all[order], params.latency_s, params.latency_jitter_s, rng)
    reports = [
        Report(
            t,
            f"{spec.sensor_id}-call-{j + 1:04d}",
            la,
            lo,
            ReportWhat.SEEN if sn else ReportWhat.HEARD,
        )
        for j, (t, la, lo, sn) in enumerate(
            zip(
                t_all[order].tolist(),
                lat_all[order].tolist(),
                lon_all[order].tolist(),
                seen_all[order].tolist(),
                strict=True,
            )
        )
    ]
    return with_arrival(arrival, reports)
