"""Tests for ``skywarden.sim.sensors`` (and its radars and observers): statistical self-checks.

Each model is run on hand-made ``Truth`` objects (not ``simulate_truth``), so every
number checked is visible here. Statistical checks use 99.9 % two-sided bounds: a
binomial bound on detection counts, a chi-square bound on noise variances, a normal
bound on means and a Poisson bound on clutter counts. With fixed seeds they are
deterministic; the bounds say how far a correct model may stray.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from scipy import stats

from skywarden.core.enums import BearingSource, ObjectClass, ReportWhat
from skywarden.core.types import AdsbReport, Bearing, Detection, Plot, RemoteIdReport, Report
from skywarden.geo.frames import SiteFrame
from skywarden.geo.zones import load_geography
from skywarden.outputs.jsonl import detection_to_wire
from skywarden.sim._sensing import (
    TruthIndex,
    audible_range_m,
    candidate_pairs,
    is_night,
    sound_level_db,
    sun_elevation_deg,
)
from skywarden.sim.catalog import MODELS
from skywarden.sim.radars import RADAR_MODELS, radar_pd, swerling1_pd
from skywarden.sim.scenarios import SENSOR_TYPES, ResolvedScenario, SensorSpec, TargetSpec
from skywarden.sim.sensors import (
    SENSOR_DEFAULTS,
    SensorContext,
    acoustic_pd,
    drop_outages,
    observe,
    sensor_params,
)
from skywarden.sim.synth import synthesize
from skywarden.sim.truth import Truth
from skywarden.sources.jsonl import parse_detection_obj
from skywarden.tracking.measurement import angle_diff_deg, bearing_deg, enu_to_range_az_el

FloatArray = npt.NDArray[np.float64]

GROUND_M = 150.0
SITE = (54.80, 24.90)  # countryside between Kaunas and Vilnius
NIGHT_T0 = 1_753_660_800.0  # 2025-07-28T00:00Z, 03:00 local: dark
DAY_T0 = 1_753_696_800.0  # 2025-07-28T10:00Z, 13:00 local: daylight
P_LO, P_HI = 0.0005, 0.9995  # 99.9 % two-sided
Z_999 = float(stats.norm.ppf(P_HI))


# --- builders -------------------------------------------------------------------------------


def _target(model: str, target_id: str, **overrides: Any) -> TargetSpec:
    m = MODELS[model]
    fields: dict[str, Any] = {
        "target_id": target_id,
        "model": model,
        "obj_class": m.obj_class,
        "start_s": 0.0,
        "route": ((0.0, 0.0, 0.0),),
        "speed_mps": 0.0,
        "endurance_s": 1e6,
        "end": "crash",
        "descent_mps": 0.0,
        "heading_deg": 0.0,
        "rcs_dbsm": sum(m.rcs_dbsm) / 2.0,
        "loudness_db": m.loudness_db,
        "rf_emitter": m.rf_emitter,
        "transponder": m.transponder,
        "remote_id": m.remote_id,
        "icao24": "4b1816" if m.transponder else None,
        "callsign": "SWR123" if m.transponder else None,
        "glide_ratio": m.glide_ratio,
    }
    fields.update(overrides)
    return TargetSpec(**fields)


def _sensor(kind: str, sensor_id: str = "s1", mast_m: float = 10.0, **kw: Any) -> SensorSpec:
    return SensorSpec(sensor_id, kind, SITE[0], SITE[1], GROUND_M + mast_m, mast_m, **kw)


FRAME = SiteFrame(SITE[0], SITE[1], GROUND_M + 10.0)


def _truth(
    targets: list[TargetSpec],
    range_m: list[float],
    az_deg: list[float],
    alt_m: list[float],
    *,
    duration_s: float = 600.0,
    t0: float = NIGHT_T0,
    vel_en_mps: list[tuple[float, float]] | None = None,
) -> Truth:
    """Targets starting at (range, azimuth) from SITE, flying straight at constant speed."""
    n_t = int(duration_s) + 1
    t = np.arange(n_t, dtype=np.float64)
    vel = np.array(vel_en_mps or [(0.0, 0.0)] * len(targets), dtype=np.float64)
    az = np.radians(np.asarray(az_deg))
    e = np.asarray(range_m) * np.sin(az) + t[:, None] * vel[:, 0]
    n = np.asarray(range_m) * np.cos(az) + t[:, None] * vel[:, 1]
    lat, lon, _ = FRAME.from_enu(e, n, np.zeros_like(e))
    shape = (n_t, len(targets))
    return Truth(
        t_s=t0 + t,
        targets=tuple(targets),
        lat=lat,
        lon=lon,
        alt_m=np.broadcast_to(np.asarray(alt_m, dtype=np.float64), shape).copy(),
        vel_e_mps=np.broadcast_to(vel[:, 0], shape).copy(),
        vel_n_mps=np.broadcast_to(vel[:, 1], shape).copy(),
        vel_u_mps=np.zeros(shape),
        alive=np.ones(shape, dtype=bool),
    )


def _empty_truth(duration_s: float = 1800.0, t0: float = NIGHT_T0) -> Truth:
    n_t = int(duration_s) + 1
    z = np.zeros((n_t, 0))
    return Truth(t0 + np.arange(n_t, dtype=np.float64), (), z, z, z, z, z, z, z.astype(bool))


def _ctx(geography: bool = False) -> SensorContext:
    return SensorContext(GROUND_M, load_geography("lt") if geography else None)


def _run(
    spec: SensorSpec, truth: Truth, seed: int = 1, ctx: SensorContext | None = None
) -> list[Any]:
    return [d for _, d in observe(spec, truth, ctx or _ctx(), np.random.default_rng(seed))]


def _nearest_target(dets: list[Any], az_deg: list[float]) -> npt.NDArray[np.intp]:
    """Index of the target whose azimuth from SITE is nearest to each detection's."""
    if dets and isinstance(dets[0], Bearing):
        det_az = np.array([d.az_deg for d in dets])
    else:
        e, n, _u = FRAME.to_enu([d.lat for d in dets], [d.lon for d in dets], GROUND_M)
        det_az = bearing_deg(e, n)
    diff = np.abs(angle_diff_deg(det_az[:, None], np.asarray(az_deg)[None, :]))
    return np.asarray(np.argmin(diff, axis=1), dtype=np.intp)


def _assert_binomial(hits: int, trials: int, p: float) -> None:
    lo, hi = stats.binom.ppf([P_LO, P_HI], trials, p)
    assert lo <= hits <= hi, f"{hits}/{trials} = {hits / trials:.4f}, expected {p:.4f}"


def _assert_normal_sample(residual: FloatArray, sigma: float) -> None:
    """Mean 0 (normal bound) and variance sigma² (chi-square bound) at 99.9 %."""
    n = residual.size
    assert abs(residual.mean()) <= Z_999 * sigma / np.sqrt(n), residual.mean()
    chi2 = (n - 1) * residual.var(ddof=1) / sigma**2
    lo, hi = stats.chi2.ppf([P_LO, P_HI], n - 1)
    assert lo <= chi2 <= hi, f"std {residual.std(ddof=1):.4g} vs sigma {sigma:.4g} (n={n})"


# --- parameters -----------------------------------------------------------------------------


def test_sensor_defaults_cover_every_scenario_type() -> None:
    assert set(SENSOR_DEFAULTS) == set(SENSOR_TYPES)
    for params in SENSOR_DEFAULTS.values():
        assert params.revisit_s > 0 and params.range_m > 0 and 0 < params.pd <= 1


def test_sensor_params_spec_values_replace_defaults_and_scale_jitter() -> None:
    params = sensor_params(_sensor("surveillance_radar", revisit_s=5.0, latency_s=4.0))
    assert params.revisit_s == 5.0 and params.latency_s == 4.0
    assert params.latency_jitter_s == pytest.approx(1.0)  # 0.5 s at 2 s -> 1 s at 4 s
    assert params.sigma_range_m == 100.0  # untouched default


def test_sensors_unknown_type_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown type"):
        observe(_sensor("sonar"), _empty_truth(10.0), _ctx(), np.random.default_rng(0))


def test_radar_calibration_matches_brief_3_1() -> None:
    surv, drone = RADAR_MODELS["surveillance_radar"], RADAR_MODELS["drone_radar"]
    surv_params = sensor_params(_sensor("surveillance_radar", pd=1.0))
    drone_params = sensor_params(_sensor("drone_radar", pd=1.0))
    assert radar_pd(-12.0, 150e3, surv, surv_params) == pytest.approx(0.8)
    assert radar_pd(-12.0, 5e3, drone, drone_params) == pytest.approx(0.9)
    # A quadcopter (-22 dBsm) reaches the drone radar's Pd 0.9 at about 3 km (brief 3.1).
    quad_range_m = 5e3 * 10.0 ** (-10.0 / 40.0)
    assert radar_pd(-22.0, quad_range_m, drone, drone_params) == pytest.approx(0.9)
    assert swerling1_pd(100.0) == pytest.approx(1.0)


def test_acoustic_ranges_follow_loudness() -> None:
    params = sensor_params(_sensor("acoustic"))
    floor_db = float(sound_level_db(MODELS["shahed"].loudness_db, 1.1 * params.range_m))
    heard_m = audible_range_m([MODELS[m].loudness_db for m in ("shahed", "quadcopter")], floor_db)
    assert heard_m[0] == pytest.approx(2_200.0)  # midpoint 1.1 x the 2 km range
    assert 300.0 < heard_m[1] < 400.0  # brief 3.1: quadcopter about 0.3 km
    assert acoustic_pd(105.0, 2_000.0, params, True) > 0.85 * params.pd
    assert acoustic_pd(105.0, 2_400.0, params, True) < 0.15 * params.pd
    assert acoustic_pd(0.0, 10.0, params, True) == 0.0


def test_sun_elevation_day_and_night_in_vilnius() -> None:
    # 2025-06-21: noon sun 58.8° high (90 - 54.7 + 23.4); midnight 11.7° below.
    noon_s = 1_750_507_200.0 - 25.28 / 360 * 86_400  # local solar noon, UTC seconds
    assert sun_elevation_deg(noon_s, 54.69, 25.28) == pytest.approx(58.75, abs=0.3)
    assert sun_elevation_deg(noon_s + 43_200, 54.69, 25.28) == pytest.approx(-11.7, abs=0.3)
    assert is_night(NIGHT_T0, *SITE) and not is_night(DAY_T0, *SITE)


def test_truth_index_keeps_every_pair_within_reach() -> None:
    rng = np.random.default_rng(3)
    n_t, n_tgt = 200, 50
    e = np.cumsum(rng.normal(0, 200, (n_t, n_tgt)), axis=0) + rng.uniform(-20e3, 20e3, n_tgt)
    n = np.cumsum(rng.normal(0, 200, (n_t, n_tgt)), axis=0) + rng.uniform(-20e3, 20e3, n_tgt)
    lat, lon, _ = FRAME.from_enu(e, n, np.zeros_like(e))
    z = np.zeros((n_t, n_tgt))
    alive = rng.random((n_t, n_tgt)) < 0.9
    truth = Truth(NIGHT_T0 + np.arange(n_t, dtype=float), (), lat, lon, z, z, z, z, alive)
    t_scan = NIGHT_T0 + np.arange(0.0, n_t - 1, 0.7)
    scan, target = candidate_pairs(truth, TruthIndex.build(truth, 16), t_scan, *SITE, 8_000.0)
    k = np.floor(t_scan - NIGHT_T0).astype(int)
    exact = np.hypot(e[k], n[k]) <= 7_000.0  # within reach at the sample before the scan
    exact &= alive[k]
    found = np.zeros_like(exact)
    found[scan, target] = True
    assert not (exact & ~found).any()
    assert found.sum() < 0.5 * found.size  # and it does cull


def test_sensor_context_rejects_an_index_of_another_truth() -> None:
    ctx = SensorContext(GROUND_M, None, TruthIndex.build(_empty_truth(100.0)))
    with pytest.raises(ValueError, match="shape"):
        observe(_sensor("drone_radar"), _empty_truth(200.0), ctx, np.random.default_rng(0))


def test_sensors_stop_at_the_end_of_a_target_life() -> None:
    # Truth holds NaN where a target is not alive (as simulate_truth writes it).
    truth = _truth([_target("shahed", "s")], [1_000.0], [0.0], [GROUND_M + 300.0])
    dead = truth.t_s >= NIGHT_T0 + 300.0
    for a in (truth.lat, truth.lon, truth.alt_m, truth.vel_e_mps, truth.vel_n_mps):
        a[dead] = np.nan
    truth.alive[dead] = False
    for kind in ("drone_radar", "acoustic", "eo_ir", "observers"):
        spec = _sensor(kind, clutter_per_scan=0.0, false_reports_per_h=0.0, people_per_km2=3_000.0)
        dets = _run(spec, truth)
        assert dets, kind
        assert max(d.t_s for d in dets) < NIGHT_T0 + 300.0, kind


# --- radars ---------------------------------------------------------------------------------


def test_surveillance_radar_detection_rate_matches_swerling_pd() -> None:
    n_tgt = 100
    az = list(np.linspace(0.0, 360.0, n_tgt, endpoint=False))
    shaheds = [_target("shahed", f"s{i}", rcs_dbsm=-12.0) for i in range(n_tgt)]
    truth = _truth(shaheds, [200e3] * n_tgt, az, [3_000.0] * n_tgt, duration_s=1_800.0)
    spec = _sensor("surveillance_radar", clutter_per_scan=0.0)
    plots = _run(spec, truth)
    window = [p for p in plots if NIGHT_T0 + 20.0 <= p.t_s < NIGHT_T0 + 1_720.0]
    range_m, _, _ = enu_to_range_az_el(*FRAME.to_enu(truth.lat[0], truth.lon[0], 3_000.0))
    p = float(np.mean(radar_pd(-12.0, range_m, RADAR_MODELS[spec.type], sensor_params(spec))))
    assert 0.4 < p < 0.6  # the test is informative: 200 km is beyond the 0.8 range
    _assert_binomial(len(window), 170 * n_tgt, p)  # one look per target per 10 s rotation


def test_surveillance_radar_noise_matches_sigmas() -> None:
    n_tgt = 60
    az = list(np.linspace(0.0, 360.0, n_tgt, endpoint=False))
    truth = _truth(
        [_target("shahed", f"s{i}", rcs_dbsm=0.0) for i in range(n_tgt)],
        [50e3] * n_tgt,
        az,
        [1_000.0] * n_tgt,
        duration_s=1_200.0,
    )
    plots = _run(_sensor("surveillance_radar", clutter_per_scan=0.0), truth)
    assert len(plots) > 4_000
    idx = _nearest_target(plots, az)
    true_e, true_n, _ = FRAME.to_enu(truth.lat[0, idx], truth.lon[0, idx], 1_000.0)
    e, n, _ = FRAME.to_enu([p.lat for p in plots], [p.lon for p in plots], 1_000.0)
    el = np.arctan2(1_000.0 - FRAME.alt0_m, 50e3)
    _assert_normal_sample(np.hypot(e, n) - np.hypot(true_e, true_n), 100.0 * np.cos(el))
    _assert_normal_sample(angle_diff_deg(bearing_deg(e, n), bearing_deg(true_e, true_n)), 0.3)
    _assert_normal_sample(np.array([p.alt_m for p in plots]) - 1_000.0, 500.0)
    _assert_normal_sample(np.array([p.vr_mps for p in plots]), 1.0)  # static targets
    sigma_h = np.array([p.sigma_h_m for p in plots])
    assert sigma_h == pytest.approx(50e3 * np.radians(0.3), rel=1e-3)  # cross-range wins
    assert all(p.sigma_v_m == 500.0 for p in plots)


def test_surveillance_radar_horizon_hides_low_targets() -> None:
    # 15 m mast: 16.0 km + 41.2 km for a target 100 m up = 57.2 km.
    az = [0.0, 120.0, 240.0]
    truth = _truth(
        [_target("shahed", f"s{i}", rcs_dbsm=-12.0) for i in range(3)],
        [60e3, 60e3, 50e3],
        az,
        [GROUND_M + 100.0, 3_000.0, GROUND_M + 100.0],
    )
    plots = _run(_sensor("surveillance_radar", mast_m=15.0, clutter_per_scan=0.0), truth)
    counts = np.bincount(_nearest_target(plots, az), minlength=3)
    assert counts[0] == 0  # 100 m up at 60 km: below the horizon
    assert counts[1] > 30 and counts[2] > 30  # 3 km up at 60 km; 100 m up at 50 km


def test_surveillance_radar_min_agl_screens_low_targets() -> None:
    # Both targets are well above the horizon at 20 km; only the 450 m one clears 300 m.
    az = [0.0, 180.0]
    truth = _truth(
        [_target("shahed", f"s{i}", rcs_dbsm=-12.0) for i in range(2)],
        [20e3, 20e3],
        az,
        [GROUND_M + 200.0, GROUND_M + 450.0],
    )
    spec = _sensor("surveillance_radar", clutter_per_scan=0.0, min_agl_m=300.0)
    counts = np.bincount(_nearest_target(_run(spec, truth), az), minlength=2)
    assert counts[0] == 0
    assert counts[1] > 30


def test_surveillance_radar_bird_filter_drops_slow_small_targets() -> None:
    az = [0.0, 180.0]
    truth = _truth(
        [_target("quadcopter", "q", rcs_dbsm=-16.0), _target("shahed", "s", rcs_dbsm=-16.0)],
        [20e3, 20e3],
        az,
        [400.0, 400.0],
        vel_en_mps=[(15.0, 0.0), (45.0, 0.0)],
    )
    plots = _run(_sensor("surveillance_radar", clutter_per_scan=0.0), truth)
    counts = np.bincount(_nearest_target(plots, az), minlength=2)
    assert counts[0] == 0 and counts[1] > 30


def test_surveillance_radar_clutter_count_is_poisson() -> None:
    plots = _run(_sensor("surveillance_radar", clutter_per_scan=3.0), _empty_truth(1_800.0))
    lo, hi = stats.poisson.ppf([P_LO, P_HI], 3.0 * 180)  # 180 rotations in 1,800 s
    assert lo <= len(plots) <= hi
    alt = np.array([p.alt_m for p in plots])
    assert np.median(alt) < GROUND_M + 1_500.0  # low, bird-like


def test_drone_radar_clutter_density_and_sector() -> None:
    spec = _sensor("drone_radar", mast_m=5.0, az_center_deg=90.0, az_width_deg=90.0)
    plots = _run(spec, _empty_truth(600.0))
    # 0.1 per km² over a quarter disc of 6 km: 2.83 per scan, 600 scans.
    lo, hi = stats.poisson.ppf([P_LO, P_HI], 0.1 * np.pi * 36.0 / 4.0 * 600)
    assert lo <= len(plots) <= hi
    e, n, _ = FRAME.to_enu([p.lat for p in plots], [p.lon for p in plots], GROUND_M)
    off = np.abs(angle_diff_deg(bearing_deg(e, n), 90.0))
    assert off.max() < 45.0 + 5.0  # inside the sector, up to the 1° azimuth noise


def test_drone_radar_noise_and_pd() -> None:
    n_tgt = 40
    az = list(np.linspace(0.0, 360.0, n_tgt, endpoint=False))
    alt = GROUND_M + 200.0
    truth = _truth(
        [_target("shahed", f"s{i}", rcs_dbsm=-12.0) for i in range(n_tgt)],
        [2_000.0] * n_tgt,
        az,
        [alt] * n_tgt,
        duration_s=300.0,
    )
    spec = _sensor("drone_radar", clutter_per_scan=0.0)
    plots = _run(spec, truth)
    in_window = [p for p in plots if NIGHT_T0 + 5.0 <= p.t_s < NIGHT_T0 + 295.0]
    _assert_binomial(len(in_window), 290 * n_tgt, 0.9)  # capped: far inside 5 km
    idx = _nearest_target(plots, az)
    r, a, el = enu_to_range_az_el(
        *FRAME.to_enu([p.lat for p in plots], [p.lon for p in plots], [p.alt_m for p in plots])
    )
    tr, ta, tel = enu_to_range_az_el(*FRAME.to_enu(truth.lat[0, idx], truth.lon[0, idx], alt))
    _assert_normal_sample(r - tr, 15.0)
    _assert_normal_sample(angle_diff_deg(a, ta), 1.0)
    _assert_normal_sample(el - tel, 2.0)


# --- acoustic, RF, EO/IR --------------------------------------------------------------------


def test_acoustic_hears_shahed_near_not_far_never_a_balloon() -> None:
    az = [0.0, 120.0, 240.0]
    truth = _truth(
        [_target("shahed", "near"), _target("shahed", "far"), _target("balloon", "b")],
        [1_000.0, 5_000.0, 300.0],
        az,
        [GROUND_M + 300.0] * 3,
    )
    spec = _sensor("acoustic", mast_m=2.0, false_reports_per_h=0.0)
    frame = SiteFrame(SITE[0], SITE[1], GROUND_M + 2.0)
    bearings = _run(spec, truth)
    assert all(b.source is BearingSource.ACOUSTIC and b.el_deg is None for b in bearings)
    counts = np.bincount(_nearest_target(bearings, az), minlength=3)
    assert counts[1] == 0 and counts[2] == 0
    r_m, _, _ = enu_to_range_az_el(*frame.to_enu(truth.lat[0, 0], truth.lon[0, 0], GROUND_M + 300))
    p = float(acoustic_pd(105.0, r_m, sensor_params(spec), True))
    in_window = [b for b in bearings if NIGHT_T0 + 5.0 <= b.t_s < NIGHT_T0 + 595.0]
    _assert_binomial(len(in_window), 590, p)
    _assert_normal_sample(angle_diff_deg(np.array([b.az_deg for b in bearings]), 0.0), 10.0)
    for b in bearings:
        match = re.fullmatch(r"harmonic:f0=(\d+)Hz", b.signature or "")
        assert match and 333 <= int(match.group(1)) <= 467  # static: no Doppler


def test_acoustic_pd_is_lower_by_day() -> None:
    truth = _truth([_target("shahed", "s")], [500.0], [0.0], [GROUND_M + 200.0], t0=DAY_T0)
    spec = _sensor("acoustic", false_reports_per_h=0.0, elevation=True)
    bearings = _run(spec, truth)
    in_window = [b for b in bearings if DAY_T0 + 5.0 <= b.t_s < DAY_T0 + 595.0]
    _assert_binomial(len(in_window), 590, 0.5)  # brief 3.1: 0.5 by day
    assert all(b.el_deg is not None and b.sigma_el_deg == 10.0 for b in bearings)


def test_acoustic_bearing_points_where_the_sound_left() -> None:
    # Flying east at 50 m/s 1 km north of the node: the sound takes 2.9 s, in which the
    # drone moves 146 m: the bearing lags the true position by about 8°.
    truth = _truth(
        [_target("shahed", "s")],
        [1_000.0],
        [0.0],
        [GROUND_M + 2.0],
        duration_s=12.0,
        vel_en_mps=[(50.0, 0.0)],
    )
    spec = _sensor("acoustic", mast_m=2.0, sigma_az_deg=0.01, pd=1.0, false_reports_per_h=0.0)
    frame = SiteFrame(SITE[0], SITE[1], GROUND_M + 2.0)
    bearings = [b for b in _run(spec, truth) if b.t_s > NIGHT_T0 + 4.0]
    assert len(bearings) >= 5
    t = np.array([b.t_s for b in bearings]) - NIGHT_T0

    def enu(t_s: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        return frame.to_enu(*_at(truth, t_s), GROUND_M + 2.0)

    lag_s = np.zeros_like(t)
    for _ in range(6):  # the emission time solves t_e = t - R(t_e) / c
        e, n, u = enu(t - lag_s)
        lag_s = np.sqrt(e * e + n * n + u * u) / 343.0
    az = np.array([b.az_deg for b in bearings])
    then_az = bearing_deg(*enu(t - lag_s)[:2])
    now_az = bearing_deg(*enu(t)[:2])
    assert np.abs(angle_diff_deg(az, then_az)).max() < 0.1
    assert np.abs(angle_diff_deg(az, now_az)).min() > 5.0


def _at(truth: Truth, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Latitude and longitude of target 0 at seconds ``t`` after the start (linear)."""
    k = np.arange(truth.t_s.size, dtype=np.float64)
    return np.interp(t, k, truth.lat[:, 0]), np.interp(t, k, truth.lon[:, 0])


def test_acoustic_false_alarms_are_poisson() -> None:
    spec = _sensor("acoustic", false_reports_per_h=20.0)
    bearings = _run(spec, _empty_truth(3_600.0))
    lo, hi = stats.poisson.ppf([P_LO, P_HI], 20.0)
    assert lo <= len(bearings) <= hi
    assert all(b.signature is None for b in bearings)


def test_rf_direction_finder_hears_only_emitters() -> None:
    az = [30.0, 200.0]
    truth = _truth(
        [_target("quadcopter", "q"), _target("shahed", "s")], [1_000.0] * 2, az, [300.0] * 2
    )
    bearings = _run(_sensor("rf_df"), truth)
    assert len(bearings) > 400
    assert all(b.source is BearingSource.RF for b in bearings)
    assert (_nearest_target(bearings, az) == 0).all()
    _assert_normal_sample(angle_diff_deg(np.array([b.az_deg for b in bearings]), 30.0), 3.0)


def test_eo_ir_range_depends_on_the_object_and_light() -> None:
    az = [0.0, 180.0]
    shahed, quad = _target("shahed", "s"), _target("quadcopter", "q")
    for t0, source in ((NIGHT_T0, BearingSource.IR), (DAY_T0, BearingSource.EO)):
        truth = _truth([shahed, quad], [3_500.0, 2_000.0], az, [400.0] * 2, t0=t0)
        bearings = _run(_sensor("eo_ir"), truth)
        assert (_nearest_target(bearings, az) == 0).all()  # the quadcopter is beyond 1.8 km
        assert len(bearings) > 400 and all(b.source is source for b in bearings)
        el = np.array([b.el_deg for b in bearings])
        true_el = np.degrees(np.arctan2(400.0 - GROUND_M - 10.0, 3_500.0))
        assert abs(np.median(el) - true_el) < 0.05


# --- cooperative ----------------------------------------------------------------------------


def test_adsb_reports_only_transponders_in_line_of_sight() -> None:
    az = [0.0, 90.0, 180.0]
    targets = [
        _target("light_aircraft", "c172"),
        _target("shahed", "s"),
        _target("light_aircraft", "low", icao24="4b1817"),
    ]
    truth = _truth(targets, [40e3, 40e3, 120e3], az, [2_000.0, 2_000.0, GROUND_M + 300.0])
    reports = _run(_sensor("adsb_receiver"), truth)
    assert {r.icao24 for r in reports} == {"4b1816"}  # not the Shahed; "low" is below LOS
    assert all(isinstance(r, AdsbReport) and r.callsign == "SWR123" for r in reports)
    alt = np.array([r.alt_m for r in reports])
    assert np.allclose(alt / 7.62, np.round(alt / 7.62))  # 25 ft steps
    e, n, _ = FRAME.to_enu([r.lat for r in reports], [r.lon for r in reports], 2_000.0)
    _assert_normal_sample(e - float(np.mean(e)), 10.0)
    _assert_normal_sample(n - float(np.mean(n)), 10.0)


def test_remote_id_reports_compliant_drones_in_range() -> None:
    az = [0.0, 90.0, 180.0]
    targets = [_target("rid_drone", "rid"), _target("quadcopter", "q"), _target("rid_drone", "far")]
    truth = _truth(
        targets,
        [2_000.0, 1_000.0, 5_000.0],
        az,
        [300.0] * 3,
        vel_en_mps=[(2.0, 0.0), (0.0, 0.0), (0.0, 0.0)],
    )
    reports = _run(_sensor("remote_id_receiver"), truth)
    assert len(reports) > 500 and len({r.uas_id for r in reports}) == 1
    assert all(isinstance(r, RemoteIdReport) for r in reports)
    op_e, op_n, _ = FRAME.to_enu(reports[0].operator_lat, reports[0].operator_lon, GROUND_M)
    assert np.hypot(op_e - 0.0, op_n - 2_000.0) <= 50.0  # near the take-off point
    assert np.mean([r.vel_e_mps for r in reports]) == pytest.approx(2.0, abs=0.1)


# --- observers ------------------------------------------------------------------------------


def test_observers_report_loud_low_objects_late_and_imprecise() -> None:
    truth = _truth(
        [_target("shahed", "s"), _target("balloon", "b")],
        [5_000.0, 5_000.0],
        [0.0, 180.0],
        [GROUND_M + 200.0, 3_500.0],
        duration_s=1_800.0,
    )
    spec = _sensor("observers", "112", people_per_km2=3_000.0, false_reports_per_h=0.0)
    observed = observe(spec, truth, _ctx(), np.random.default_rng(5))
    reports = [d for _, d in observed]
    assert len(reports) > 100
    assert all(isinstance(r, Report) and r.what is ReportWhat.HEARD for r in reports)  # night
    delay = np.array([a - d.t_s for a, d in observed])
    assert delay.min() >= 120.0 and delay.max() <= 600.0  # brief 3.1: 2-10 minutes
    ids = [r.sensor_id for r in reports]
    assert len(set(ids)) == len(ids) and "112-call-0001" in ids
    e, n, _ = FRAME.to_enu([r.lat for r in reports], [r.lon for r in reports], GROUND_M)
    _assert_normal_sample(e, 1_000.0)  # all about the Shahed, none about the balloon
    _assert_normal_sample(n - 5_000.0, 1_000.0)


def test_observers_see_low_objects_by_day() -> None:
    truth = _truth(
        [_target("quadcopter", "q")],
        [0.0],
        [0.0],
        [GROUND_M + 100.0],
        duration_s=1_800.0,
        t0=DAY_T0,
    )
    spec = _sensor("observers", people_per_km2=3_000.0, false_reports_per_h=0.0)
    reports = _run(spec, truth)
    assert reports and all(r.what is ReportWhat.SEEN for r in reports)


def test_observers_need_people_under_the_object() -> None:
    # Same Shahed over Vilnius city, over countryside, and over Belarus (nobody calls 112).
    lat = np.array([54.687, 54.95, 54.10])
    lon = np.array([25.280, 24.20, 26.20])
    n_t = 1_801
    shape = (n_t, 3)
    z = np.zeros(shape)
    truth = Truth(
        NIGHT_T0 + np.arange(n_t, dtype=float),
        tuple(_target("shahed", f"s{i}") for i in range(3)),
        np.broadcast_to(lat, shape).copy(),
        np.broadcast_to(lon, shape).copy(),
        z + GROUND_M + 300.0,
        z,
        z,
        z,
        np.ones(shape, dtype=bool),
    )
    spec = _sensor("observers", false_reports_per_h=0.0)
    reports = _run(spec, truth, ctx=_ctx(geography=True))
    near = np.argmin(
        np.hypot(
            np.array([r.lat for r in reports])[:, None] - lat,
            np.array([r.lon for r in reports])[:, None] - lon,
        ),
        axis=1,
    )
    counts = np.bincount(near, minlength=3)
    assert counts[0] > 10 * max(counts[1], 1) and counts[2] == 0


def test_observers_false_reports_fall_where_people_live() -> None:
    spec = _sensor("observers", false_reports_per_h=30.0)
    reports = _run(spec, _empty_truth(3_600.0), ctx=_ctx(geography=True))
    lo, hi = stats.poisson.ppf([P_LO, P_HI], 30.0)
    assert lo <= len(reports) <= hi
    zones = load_geography("lt").zone_of([r.lat for r in reports], [r.lon for r in reports])
    assert (zones != "").all()


# --- contract and reproducibility -----------------------------------------------------------


def _scenario(sensors: list[SensorSpec]) -> ResolvedScenario:
    return ResolvedScenario(
        "unit", "unit", "", (), NIGHT_T0, 600.0, 1, 1.0, GROUND_M, "lt", (), (), tuple(sensors)
    )


ALL_SENSORS = [
    _sensor("surveillance_radar", "lr"),
    _sensor("drone_radar", "dr"),
    _sensor("acoustic", "ac", elevation=True, false_reports_per_h=30.0),
    _sensor("rf_df", "rf"),
    _sensor("eo_ir", "eo"),
    _sensor("adsb_receiver", "adsb"),
    _sensor("remote_id_receiver", "rid"),
    _sensor("observers", "112", people_per_km2=3_000.0),
]


def _mixed_truth() -> Truth:
    models = ["shahed", "gerbera", "quadcopter", "rid_drone", "balloon", "light_aircraft"]
    targets = [_target(m, m) for m in models]
    vel = [(40.0, 0.0), (0.0, -35.0), (10.0, 0.0), (0.0, 5.0), (12.0, 3.0), (55.0, 0.0)]
    alt = [GROUND_M + 300.0, GROUND_M + 200.0, 300.0, 250.0, 3_500.0, 1_500.0]
    az = [0.0, 60.0, 120.0, 180.0, 240.0, 300.0]
    return _truth(
        targets,
        [1_500.0, 2_500.0, 800.0, 1_200.0, 4_000.0, 8_000.0],
        az,
        alt,
        duration_s=600.0,
        vel_en_mps=vel,
    )


def test_every_detection_round_trips_through_the_contract() -> None:
    result = synthesize(_scenario(ALL_SENSORS), _mixed_truth(), np.random.default_rng(11))
    kinds = {type(d) for d in result.detections}
    assert kinds == {Plot, Bearing, Report, AdsbReport, RemoteIdReport}
    for d in result.detections:
        wire = json.loads(json.dumps(detection_to_wire(d), allow_nan=False))
        back: Detection = parse_detection_obj(wire, "synth")
        assert type(back) is type(d)
        assert back.t_s == pytest.approx(d.t_s, abs=1e-3)
        assert back.sensor_id == d.sensor_id


def test_synthesize_orders_by_arrival_and_counts() -> None:
    calls: list[tuple[int, int]] = []
    result = synthesize(
        _scenario(ALL_SENSORS),
        _mixed_truth(),
        np.random.default_rng(11),
        lambda done, total: calls.append((done, total)),
    )
    assert calls == [(i, len(ALL_SENSORS)) for i in range(1, len(ALL_SENSORS) + 1)]
    assert (np.diff(result.arrival_t_s) >= 0).all()
    assert len(result.detections) == result.arrival_t_s.size
    assert sum(result.counts_by_sensor.values()) == len(result.detections)
    assert sum(result.counts_by_kind.values()) == len(result.detections)
    assert all(n > 0 for n in result.counts_by_sensor.values())
    # Late and out of order: measurement times are not sorted in arrival order.
    t_s = np.array([d.t_s for d in result.detections])
    assert (np.diff(t_s) < 0).any() and (result.arrival_t_s >= t_s).all()


def test_synthesize_same_seed_same_detections_and_sensors_independent() -> None:
    truth = _mixed_truth()
    a = synthesize(_scenario(ALL_SENSORS), truth, np.random.default_rng(11))
    b = synthesize(_scenario(ALL_SENSORS), truth, np.random.default_rng(11))
    c = synthesize(_scenario(ALL_SENSORS), truth, np.random.default_rng(12))
    assert a.detections == b.detections and a.detections != c.detections
    # Adding a sensor in front changes nobody else's detections.
    extra = [_sensor("drone_radar", "dr-2"), *ALL_SENSORS]
    d = synthesize(_scenario(extra), truth, np.random.default_rng(11))
    assert [x for x in d.detections if x.sensor_id != "dr-2"] == a.detections


def test_observe_same_generator_state_same_output() -> None:
    spec = dataclasses.replace(ALL_SENSORS[0], clutter_per_scan=5.0)
    truth = _mixed_truth()
    first = observe(spec, truth, _ctx(), np.random.default_rng(2))
    again = observe(spec, truth, _ctx(), np.random.default_rng(2))
    assert first == again and len(first) > 0
    assert all(d.kind.value == "plot" for _, d in first)
    assert ObjectClass.OWA_DRONE in {t.obj_class for t in truth.targets}


# --- outages --------------------------------------------------------------------------------


def _in_window(t_s: float, windows: tuple[tuple[float, float], ...]) -> bool:
    return any(a <= t_s - NIGHT_T0 < b for a, b in windows)


def test_outages_drop_what_a_sensor_measured_inside_and_keep_the_rest_identical() -> None:
    truth = _mixed_truth()
    windows = ((100.0, 220.0), (400.0, 401.5))
    with_outages = [
        dataclasses.replace(s, outages=windows) if s.sensor_id in ("dr", "ac", "112") else s
        for s in ALL_SENSORS
    ]
    plain = synthesize(_scenario(ALL_SENSORS), truth, np.random.default_rng(11))
    cut = synthesize(_scenario(with_outages), truth, np.random.default_rng(11))
    out = {"dr", "ac"} | {d.sensor_id for d in plain.detections if isinstance(d, Report)}
    inside = [d for d in plain.detections if d.sensor_id in out and _in_window(d.t_s, windows)]
    assert len({d.sensor_id for d in inside}) >= 2, "the windows hold detections to drop"
    # nothing measured inside a window; everything else the same detection, in the same order
    assert [d for d in plain.detections if d not in inside] == cut.detections
    assert not any(d.sensor_id in out and _in_window(d.t_s, windows) for d in cut.detections)
    dropped = plain.counts_by_sensor["dr"] - cut.counts_by_sensor["dr"]
    assert dropped == sum(d.sensor_id == "dr" for d in inside) > 0
    assert cut.counts_by_sensor["lr"] == plain.counts_by_sensor["lr"]


def test_outages_window_is_half_open_and_none_changes_nothing() -> None:
    plots = [
        (NIGHT_T0 + t + 1.0, Plot(NIGHT_T0 + t, "dr", 54.8, 24.9, 300.0, 15.0, 20.0))
        for t in (9.999, 10.0, 15.0, 19.999, 20.0)
    ]
    kept = drop_outages(plots, ((10.0, 20.0),), NIGHT_T0)
    assert kept == [plots[0], plots[4]]  # 9.999 s and 20 s kept
    assert drop_outages(plots, (), NIGHT_T0) == plots
    assert drop_outages([], ((0.0, 1.0),), NIGHT_T0) == []
