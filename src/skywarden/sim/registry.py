"""What a deployment's sensor registry would tell the tracker about a simulated scenario.

The tracker does not know the sensors; a real deployment gives it a registry. For a
simulated scenario the registry is derived from the scenario's sensors: each sensor's
revisit period, and for radars the density of their false plots in measurement space
(false plots per scan spread over the covered area and the height band of the bird-like
clutter, per cubic metre), and for the radars that are never silent while they work
their silence limits (:func:`silence_limits`, for ``sources.health.SilenceMonitor``).
"""

from __future__ import annotations

import math

from skywarden.sim._sensing import radio_horizon_m
from skywarden.sim.radars import RADAR_MODELS, RadarModel
from skywarden.sim.scenarios import ResolvedScenario, SensorSpec
from skywarden.sim.sensors import sensor_params
from skywarden.tracking.tracker import TrackerConfig

__all__ = [
    "BEARING_REACH_FACTOR",
    "SILENT_SCANS_MIN",
    "SILENT_SCANS_NATS",
    "bearing_reach",
    "clutter_densities",
    "false_plots_per_scan",
    "low_cover",
    "radar_sites",
    "revisit_periods",
    "silence_limits",
    "tracker_config",
]


# Radial-speed noise the tracker assumes at least, by radar type. A long-range radar
# revisits every 10 s and sees a drone 100 km out: taken at its 1 m/s measurement noise,
# its radial speeds make a track's velocity so sure that after the radar loses a turning
# drone the acoustic bearings cannot pull the coasting track back (28 July defended:
# error at the acoustic line up to 338 m against 233 m without Doppler, 262 m with 5 m/s;
# bench/defended_0728.py). Drone radars revisit every second: their own noise.
DOPPLER_SIGMA_FLOOR_MPS = {"surveillance_radar": 5.0}
# The share of a sensor's Shahed-class range within which it sees every drone class the
# brief lists, down to the ground (brief 3.1): a drone radar sees quadcopters to 3 km of
# its 5 km (their RCS), an EO/IR camera to 1.5 km of its 4 km. Long-range radars lose
# low drones under their horizon and in the clutter: never low cover.
LOW_COVER_FRACTION = {"drone_radar": 0.6, "eo_ir": 0.375}
# A bearing sensor's reach over its Shahed-class range (bearing_reach).
BEARING_REACH_FACTOR = {"acoustic": 1.25, "rf_df": 1.25}
# A working radar sends Poisson(λ) false plots a scan, so it sends nothing for N scans in
# a row with probability exp(-λN). Asking λN >= 14 puts that below 1e-6 (exp(-14) =
# 8.3e-7): a radar scanning every second (86,400 scans a day) is then taken down for no
# reason at most about once in 14 days, a 10-s long-range radar once in 5 months.
SILENT_SCANS_NATS = 14.0
# At least three empty scans: one or two missing scans are a network hiccup, not an
# outage worth an operator's attention, whatever the clutter rate.
SILENT_SCANS_MIN = 3


def tracker_config(scenario: ResolvedScenario) -> TrackerConfig:
    """Return the tracker configuration a simulated scenario's sensor registry gives."""
    return TrackerConfig(
        revisit_s=revisit_periods(scenario),
        clutter_density=clutter_densities(scenario),
        sensor_sites=radar_sites(scenario),
        sigma_vr_mps={
            s.sensor_id: max(
                RADAR_MODELS[s.type].sigma_vr_mps, DOPPLER_SIGMA_FLOOR_MPS.get(s.type, 0.0)
            )
            for s in scenario.sensors
            if s.type in RADAR_MODELS
        },
        low_cover=low_cover(scenario),
        bearing_reach_m=bearing_reach(scenario),
    )


def low_cover(scenario: ResolvedScenario) -> dict[str, tuple[float, float, float]]:
    """Sensors that see a flying drone down to the ground: (lat, lon, radius_m) by id."""
    return {
        s.sensor_id: (s.lat, s.lon, LOW_COVER_FRACTION[s.type] * sensor_params(s).range_m)
        for s in scenario.sensors
        if s.type in LOW_COVER_FRACTION
    }


def radar_sites(scenario: ResolvedScenario) -> dict[str, tuple[float, float, float]]:
    """Position (lat, lon, antenna altitude in metres) of every radar, by sensor id."""
    return {
        s.sensor_id: (s.lat, s.lon, s.alt_m) for s in scenario.sensors if s.type in RADAR_MODELS
    }


def bearing_reach(scenario: ResolvedScenario) -> dict[str, float]:
    """How far each microphone and RF direction finder detects anything, by sensor id.

    Their ``range_m`` is for a Shahed-class target (a microphone's Pd falls to zero over
    1-1.2 times it, :func:`skywarden.sim.sensors.acoustic_pd`); :data:`BEARING_REACH_FACTOR`
    adds a margin. Cameras are left out: they see an aircraft farther than a drone.
    """
    return {
        s.sensor_id: BEARING_REACH_FACTOR[s.type] * sensor_params(s).range_m
        for s in scenario.sensors
        if s.type in BEARING_REACH_FACTOR
    }


def revisit_periods(scenario: ResolvedScenario) -> dict[str, float]:
    """Revisit period of every sensor, in seconds, by sensor id."""
    return {s.sensor_id: sensor_params(s).revisit_s for s in scenario.sensors}


def false_plots_per_scan(scenario: ResolvedScenario) -> dict[str, float]:
    """Return each radar's expected false plots per scan as the simulator draws them, by id.

    The ``clutter_per_scan`` given, or ``clutter_per_km2`` times the covered area: the
    disc out to the instrumented range or the highest clutter's horizon, or the sector of
    it for a sector radar. Radars with none are listed with 0.
    """
    out: dict[str, float] = {}
    for spec in scenario.sensors:
        model = RADAR_MODELS.get(spec.type)
        if model is None:
            continue
        params = sensor_params(spec)
        per_scan = params.clutter_per_scan
        if per_scan is None:
            radius_m = _clutter_radius_m(spec, params.range_m, model)
            width_deg = 360.0 if params.az_center_deg is None else min(params.az_width_deg, 360.0)
            per_scan = params.clutter_per_km2 * math.pi * (radius_m / 1e3) ** 2 * width_deg / 360.0
        out[spec.sensor_id] = per_scan
    return out


def silence_limits(scenario: ResolvedScenario) -> dict[str, float]:
    """Return how long each radar may send nothing before it is taken as down, by sensor id.

    A radar sends its false plots every scan: Poisson(λ) of them, λ from
    :func:`false_plots_per_scan`. N = max(:data:`SILENT_SCANS_MIN`,
    ceil(:data:`SILENT_SCANS_NATS` / λ)) empty scans in a row then happen to a working
    radar with probability exp(-λN) < 1e-6. The limit is (N + 1) revisits plus the
    radar's greatest delay (``latency_s`` + its jitter):

    - a plot comes anywhere within its scan's revisit (where the beam points), so two
      plots (N + 1) revisits apart have at least N empty scans between them, while a
      silence only N revisits long needs only N - 1;
    - silence is measured on the pipeline's event clock, which other sensors with
      shorter delays drive ahead of this radar's arriving plots by up to its delay.

    Radars with no clutter (λ = 0) and every other type get no limit: they are silent
    whenever nothing is there to see, and their silence says nothing.
    """
    out: dict[str, float] = {}
    by_id = {spec.sensor_id: spec for spec in scenario.sensors}
    for sensor_id, per_scan in false_plots_per_scan(scenario).items():
        if per_scan <= 0.0:
            continue
        params = sensor_params(by_id[sensor_id])
        n_scans = max(SILENT_SCANS_MIN, math.ceil(SILENT_SCANS_NATS / per_scan))
        delay_s = params.latency_s + params.latency_jitter_s
        out[sensor_id] = (n_scans + 1) * params.revisit_s + delay_s
    return out


def _clutter_radius_m(spec: SensorSpec, range_m: float, model: RadarModel) -> float:
    """Radius of a radar's clutter: its instrumented range or the highest clutter's horizon."""
    reach_m = range_m * model.max_range_factor
    _lo_m, hi_m = model.clutter_agl_m
    return min(reach_m, float(radio_horizon_m(spec.mast_m) + radio_horizon_m(hi_m)))


def clutter_densities(scenario: ResolvedScenario) -> dict[str, float]:
    """Return each radar's false plots per cubic metre per scan, by sensor id."""
    out: dict[str, float] = {}
    for spec in scenario.sensors:
        model = RADAR_MODELS.get(spec.type)
        if model is None:
            continue
        params = sensor_params(spec)
        lo_m, hi_m = model.clutter_agl_m
        radius_m = _clutter_radius_m(spec, params.range_m, model)
        area_m2 = math.pi * radius_m**2
        per_scan = params.clutter_per_scan
        if per_scan is None:
            per_scan = params.clutter_per_km2 * area_m2 / 1e6
        if per_scan > 0.0:
            out[spec.sensor_id] = per_scan / (area_m2 * (hi_m - lo_m))
    return out
