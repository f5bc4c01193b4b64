"""Radar models: long-range surveillance radars and short-range drone radars -> ``Plot``.

Both types share one model, vectorised over targets and scans:

1. **Rotating scan.** Scans start every ``revisit_s`` (random phase); the beam sweeps
   clockwise from north, so a target at azimuth ``az`` is sampled ``az/360`` of a
   rotation after the scan starts (truth interpolated at that time).
2. **Horizon** (4/3-Earth): visible only while ``R < sqrt(2kRe·h_ant) + sqrt(2kRe·h_tgt)``,
   heights above the scenario's ground: a 100 m target seen from a 15 m mast disappears
   beyond 57 km. Also ``R <= max_range_factor · range_m`` (instrumented range) and the
   sector, if any.
3. **Radar equation and Swerling-1.**
   ``SNR_dB = SNR_ref_dB + (σ - σ_ref) - 40 log10(R / R_ref)`` with ``σ`` the target's
   RCS (dBsm) and ``R_ref = range_m``. ``Pd = Pfa^(1 / (1 + snr))`` (Swerling 1,
   ``Pfa = 1e-6``), and ``SNR_ref`` is the SNR at which that equals ``pd_ref``: a
   Shahed-class target (``σ_ref = -12 dBsm``) has Pd 0.8 at 150 km on a surveillance
   radar and 0.9 at 5 km on a drone radar (brief 3.1). Brief 3.1's per-class ranges
   follow from the RCS: 10 dB less shortens the range by 44 % (a -22 dBsm quadcopter:
   2.8 km on the drone radar). Pd is capped by ``pd``.
4. **Bird filter** (long-range radars only): plots slower than 25 m/s with an RCS of
   -15 dBsm or less are suppressed as birds, which is why brief 3.1 says these radars do
   not see quadcopters, and why a gliding Gerbera was lost (brief 1.2).
5. **Noise.** Range ``σr`` and azimuth ``σaz`` (so the cross-range error ``R·σaz`` grows
   with range); the height either as an altitude error ``sigma_alt_m`` (surveillance) or
   an elevation error ``sigma_el_deg`` (drone radar). ``sigma_h_m = max(σr, R·σaz)``.
   Optional fields: ``vr_mps`` (radial speed, with noise), ``rcs_dbsm`` and ``snr_db``
   (estimates sharing one 2 dB error).
6. **Clutter.** Poisson(``clutter_per_scan``) bird-like false plots per scan, uniform
   over the covered area at low height; for drone radars by default ``clutter_per_km2``
   times the area (brief 3.1: 1 per scan per 10 km²).

Thread safety: pure functions of their arguments.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from skywarden.core.types import Plot
from skywarden.geo.frames import SiteFrame
from skywarden.sim._sensing import (
    ALL_ROUND_DEG,
    Observed,
    SensorContext,
    SensorParams,
    arrival_t_s,
    frame_velocity_mps,
    in_sector,
    pairs_in_reach,
    radio_horizon_m,
    sample_truth,
    scan_times_s,
    site_frame,
    target_values,
    with_arrival,
)
from skywarden.sim.scenarios import SensorSpec
from skywarden.sim.truth import Truth
from skywarden.tracking.measurement import (
    azimuth_to_unit_en,
    bearing_deg,
    enu_to_range_az_el,
    range_az_el_to_enu,
    range_rate_mps,
    wrap_deg_360,
)

__all__ = [
    "BIRD_FILTER_MAX_RCS_DBSM",
    "BIRD_FILTER_MAX_SPEED_MPS",
    "PFA",
    "RADAR_MODELS",
    "RadarModel",
    "observe_radar",
    "radar_pd",
    "radar_snr_db",
    "swerling1_pd",
]

FloatArray = npt.NDArray[np.float64]

PFA = 1.0e-6  # false-alarm probability per resolution cell of the radars' detectors


@dataclass(frozen=True, slots=True)
class RadarModel:
    """Calibration and behaviour of one radar type (see the module docstring)."""

    rcs_ref_dbsm: float  # the Shahed-class target whose reference range is ``range_m``
    pd_ref: float  # its Swerling-1 Pd at ``range_m``
    max_range_factor: float  # instrumented range / ``range_m``
    sigma_vr_mps: float  # radial-speed noise
    sigma_rcs_db: float  # error of the RCS and SNR estimates
    clutter_agl_m: tuple[float, float]  # heights of bird-like false plots above ground
    bird_filter: bool  # suppress slow, small plots as birds (long-range radars do)
    height_from_altitude: bool  # height error given as sigma_alt_m, not as an elevation error


RADAR_MODELS: Mapping[str, RadarModel] = MappingProxyType(
    {
        # -12 dBsm: middle of brief 6.3's Shahed range (-20 to -5) [U]; 3 x 150 km is a
        # GM400-class instrumented range (brief 3: up to 500 km); vr noise 1 m/s [U].
        "surveillance_radar": RadarModel(-12.0, 0.8, 3.0, 1.0, 2.0, (50.0, 1_000.0), True, True),
        # 1.2 x: brief 3.1's "falling to zero at 1.2 times that range"; birds below 500 m.
        "drone_radar": RadarModel(-12.0, 0.9, 1.2, 0.5, 2.0, (10.0, 500.0), False, False),
    }
)
# Bird filter (brief 2.1: birds are the main confuser; both conditions must hold) [U].
BIRD_FILTER_MAX_SPEED_MPS = 25.0
BIRD_FILTER_MAX_RCS_DBSM = -15.0
_CLUTTER_RCS_DBSM = (-35.0, -20.0)  # birds (brief 6.3: -40 to -15 dBsm)
_CLUTTER_MAX_VR_MPS = 15.0  # birds fly 8-18 m/s (brief 2.1)


def swerling1_pd(snr_db: npt.ArrayLike, pfa: float = PFA) -> FloatArray:
    """Swerling-1 detection probability for a mean SNR: ``Pd = Pfa^(1 / (1 + snr))``."""
    snr = 10.0 ** (np.asarray(snr_db, dtype=np.float64) / 10.0)
    return np.asarray(pfa ** (1.0 / (1.0 + snr)), dtype=np.float64)


def radar_snr_db(
    rcs_dbsm: npt.ArrayLike, range_m: npt.ArrayLike, model: RadarModel, range_ref_m: float
) -> FloatArray:
    """Mean SNR (dB) from the radar equation calibrated on ``model`` (module docstring)."""
    snr_ref_db = 10.0 * np.log10(np.log(PFA) / np.log(model.pd_ref) - 1.0)
    r = np.maximum(np.asarray(range_m, dtype=np.float64), 1.0)
    rcs = np.asarray(rcs_dbsm, dtype=np.float64)
    snr_db = snr_ref_db + (rcs - model.rcs_ref_dbsm) - 40.0 * np.log10(r / range_ref_m)
    return np.asarray(snr_db, dtype=np.float64)


def radar_pd(
    rcs_dbsm: npt.ArrayLike, range_m: npt.ArrayLike, model: RadarModel, params: SensorParams
) -> FloatArray:
    """Per-scan Pd: Swerling-1 of the radar equation's SNR, capped by ``params.pd``."""
    snr_db = radar_snr_db(rcs_dbsm, range_m, model, params.range_m)
    return np.asarray(np.minimum(swerling1_pd(snr_db), params.pd), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Echoes:
    """True geometry of what a radar will report (targets, then clutter), flat arrays."""

    t_s: FloatArray
    range_m: FloatArray
    az_deg: FloatArray
    el_deg: FloatArray
    alt_m: FloatArray
    vr_mps: FloatArray
    rcs_dbsm: FloatArray

    @staticmethod
    def concat(a: _Echoes, b: _Echoes) -> _Echoes:
        """Both sets, ``a`` first."""
        parts = (
            np.concatenate([getattr(a, f.name), getattr(b, f.name)])
            for f in dataclasses.fields(_Echoes)
        )
        return _Echoes(*parts)


def observe_radar(
    spec: SensorSpec,
    params: SensorParams,
    truth: Truth,
    ctx: SensorContext,
    rng: np.random.Generator,
) -> Observed:
    """Return the plots (targets and clutter) of a surveillance or drone radar."""
    model = RADAR_MODELS[spec.type]
    frame = site_frame(spec)
    reach_m = params.range_m * model.max_range_factor
    t_scan = scan_times_s(truth, params.revisit_s, rng)
    every = np.ones(len(truth.targets), dtype=bool)
    scan, s = pairs_in_reach(spec, truth, ctx, t_scan, reach_m, every, params.revisit_s)
    e, n, _u = frame.to_enu(s.lat, s.lon, s.alt_m)
    s = sample_truth(truth, t_scan[scan] + bearing_deg(e, n) / 360.0 * params.revisit_s, s.target)
    s = s.take(s.alive)
    e, n, u = frame.to_enu(s.lat, s.lon, s.alt_m)
    range_m, az_deg, el_deg = enu_to_range_az_el(e, n, u)
    rcs = target_values(truth, "rcs_dbsm")[s.target]
    horizon_m = radio_horizon_m(spec.mast_m) + radio_horizon_m(s.alt_m - ctx.ground_m)
    visible = (range_m <= reach_m) & (range_m <= horizon_m) & in_sector(az_deg, params)
    visible &= s.alt_m - ctx.ground_m >= params.min_agl_m
    if model.bird_filter:
        speed_mps = np.sqrt(s.vel_e_mps**2 + s.vel_n_mps**2 + s.vel_u_mps**2)
        bird_like = (speed_mps < BIRD_FILTER_MAX_SPEED_MPS) & (rcs <= BIRD_FILTER_MAX_RCS_DBSM)
        visible &= ~bird_like
    pd = np.where(visible, radar_pd(rcs, range_m, model, params), 0.0)
    hit = rng.random(pd.shape) < pd
    s = s.take(hit)
    ve, vn, vu = frame_velocity_mps(frame, s.lat, s.lon, s.vel_e_mps, s.vel_n_mps, s.vel_u_mps)
    echoes = _Echoes(
        s.t_s,
        range_m[hit],
        az_deg[hit],
        el_deg[hit],
        s.alt_m,
        range_rate_mps(e[hit], n[hit], u[hit], ve, vn, vu),
        rcs[hit],
    )
    clutter = _clutter_echoes(spec, params, model, frame, ctx, t_scan, reach_m, rng)
    return _plots(spec, params, model, frame, _Echoes.concat(echoes, clutter), rng)


def _clutter_echoes(
    spec: SensorSpec,
    params: SensorParams,
    model: RadarModel,
    frame: SiteFrame,
    ctx: SensorContext,
    t_scan: FloatArray,
    reach_m: float,
    rng: np.random.Generator,
) -> _Echoes:
    """Poisson bird-like false plots per scan, uniform over the covered area.

    The covered area is the sector out to the instrumented range or to the horizon of
    the highest clutter, whichever is nearer.
    """
    agl_lo_m, agl_hi_m = model.clutter_agl_m
    radius_m = min(reach_m, float(radio_horizon_m(spec.mast_m) + radio_horizon_m(agl_hi_m)))
    sector = params.az_center_deg is not None and params.az_width_deg < ALL_ROUND_DEG
    width_deg = params.az_width_deg if sector else ALL_ROUND_DEG
    rate = params.clutter_per_scan
    if rate is None:
        area_km2 = np.pi * (radius_m / 1e3) ** 2 * width_deg / ALL_ROUND_DEG
        rate = params.clutter_per_km2 * area_km2
    scan = np.repeat(np.arange(t_scan.size), rng.poisson(rate, size=t_scan.size))
    k = scan.size
    center_deg = params.az_center_deg if params.az_center_deg is not None else 180.0
    az_deg = wrap_deg_360(center_deg + rng.uniform(-width_deg / 2.0, width_deg / 2.0, size=k))
    ground_range_m = radius_m * np.sqrt(rng.uniform(size=k))  # uniform over the area
    agl_m = rng.uniform(agl_lo_m, agl_hi_m, size=k)
    unit_e, unit_n = azimuth_to_unit_en(az_deg)
    lat, lon, _alt = frame.from_enu(ground_range_m * unit_e, ground_range_m * unit_n, 0.0)
    alt_m = np.asarray(ctx.ground_m + agl_m, dtype=np.float64)
    range_m, az_deg, el_deg = enu_to_range_az_el(*frame.to_enu(lat, lon, alt_m))
    return _Echoes(
        t_scan[scan] + az_deg / 360.0 * params.revisit_s,
        range_m,
        az_deg,
        el_deg,
        alt_m,
        rng.uniform(-_CLUTTER_MAX_VR_MPS, _CLUTTER_MAX_VR_MPS, size=k),
        rng.uniform(*_CLUTTER_RCS_DBSM, size=k),
    )


def _plots(
    spec: SensorSpec,
    params: SensorParams,
    model: RadarModel,
    frame: SiteFrame,
    echoes: _Echoes,
    rng: np.random.Generator,
) -> Observed:
    """Measure the echoes with noise (module docstring, step 5); plots with arrival times."""
    k = echoes.t_s.size
    range_m = np.maximum(echoes.range_m + rng.normal(0.0, params.sigma_range_m, k), 1.0)
    az_deg = wrap_deg_360(echoes.az_deg + rng.normal(0.0, params.sigma_az_deg, k))
    el_true_rad = np.radians(echoes.el_deg)
    if model.height_from_altitude:
        # Keep the true elevation for the horizontal position; the height is measured
        # separately with the altitude error.
        lat, lon, _alt = frame.from_enu(*range_az_el_to_enu(range_m, az_deg, echoes.el_deg))
        alt_m = echoes.alt_m + rng.normal(0.0, params.sigma_alt_m, k)
        sigma_v_m = np.full(k, params.sigma_alt_m)
    else:
        el_deg = np.clip(echoes.el_deg + rng.normal(0.0, params.sigma_el_deg, k), -90.0, 90.0)
        lat, lon, alt_m = frame.from_enu(*range_az_el_to_enu(range_m, az_deg, el_deg))
        sigma_v_m = np.hypot(
            params.sigma_range_m * np.sin(el_true_rad),
            echoes.range_m * np.radians(params.sigma_el_deg) * np.cos(el_true_rad),
        )
    sigma_h_m = np.maximum(params.sigma_range_m, echoes.range_m * np.radians(params.sigma_az_deg))
    vr_mps = echoes.vr_mps + rng.normal(0.0, model.sigma_vr_mps, k)
    estimate_db = rng.normal(0.0, model.sigma_rcs_db, k)
    snr_db = radar_snr_db(echoes.rcs_dbsm, echoes.range_m, model, params.range_m) + estimate_db
    arrival = arrival_t_s(echoes.t_s, params.latency_s, params.latency_jitter_s, rng)
    plots = [
        Plot(t, spec.sensor_id, la, lo, al, sh, max(sv, 1.0), vr, rcs, snr)
        for t, la, lo, al, sh, sv, vr, rcs, snr in zip(
            echoes.t_s.tolist(),
            lat.tolist(),
            lon.tolist(),
            alt_m.tolist(),
            sigma_h_m.tolist(),
            sigma_v_m.tolist(),
            vr_mps.tolist(),
            (echoes.rcs_dbsm + estimate_db).tolist(),
            snr_db.tolist(),
            strict=True,
        )
    ]
    return with_arrival(arrival, plots)
