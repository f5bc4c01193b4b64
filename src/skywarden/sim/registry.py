"""What a deployment's sensor registry would tell the tracker about a simulated scenario.

The tracker does not know the sensors; a real deployment gives it a registry. For a
simulated scenario the registry is derived from the scenario's sensors: each sensor's
revisit period, and for radars the density of their false plots in measurement space
(false plots per scan spread over the covered area and the height band of the bird-like
clutter, per cubic metre).
"""

from __future__ import annotations

import math

from skywarden.sim._sensing import radio_horizon_m
from skywarden.sim.radars import RADAR_MODELS
from skywarden.sim.scenarios import ResolvedScenario
from skywarden.sim.sensors import sensor_params
from skywarden.tracking.tracker import TrackerConfig

__all__ = ["clutter_densities", "low_cover", "radar_sites", "revisit_periods", "tracker_config"]


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


def revisit_periods(scenario: ResolvedScenario) -> dict[str, float]:
    """Revisit period of every sensor, in seconds, by sensor id."""
    return {s.sensor_id: sensor_params(s).revisit_s for s in scenario.sensors}


def clutter_densities(scenario: ResolvedScenario) -> dict[str, float]:
    """Return each radar's false plots per cubic metre per scan, by sensor id."""
    out: dict[str, float] = {}
    for spec in scenario.sensors:
        model = RADAR_MODELS.get(spec.type)
        if model is None:
            continue
        params = sensor_params(spec)
        lo_m, hi_m = model.clutter_agl_m
        reach_m = params.range_m * model.max_range_factor
        radius_m = min(reach_m, float(radio_horizon_m(spec.mast_m) + radio_horizon_m(hi_m)))
        area_m2 = math.pi * radius_m**2
        per_scan = params.clutter_per_scan
        if per_scan is None:
            per_scan = params.clutter_per_km2 * area_m2 / 1e6
        if per_scan > 0.0:
            out[spec.sensor_id] = per_scan / (area_m2 * (hi_m - lo_m))
    return out
