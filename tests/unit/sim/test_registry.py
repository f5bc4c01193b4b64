"""The sensor registry of a simulated scenario: silence limits, bearing sensors' reach."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from skywarden.sim.registry import (
    BEARING_REACH_FACTOR,
    SILENT_SCANS_MIN,
    SILENT_SCANS_NATS,
    bearing_reach,
    false_plots_per_scan,
    silence_limits,
    tracker_config,
)
from skywarden.sim.scenarios import ResolvedScenario, SensorSpec, load_scenario, resolve
from skywarden.sim.sensors import SensorContext, observe
from skywarden.sim.truth import Truth

GROUND_M = 150.0
SITE = (54.80, 24.90)
T0 = 1_753_660_800.0  # 2025-07-28T00:00Z


def _sensor(kind: str, sensor_id: str, mast_m: float = 10.0, **kw: Any) -> SensorSpec:
    return SensorSpec(sensor_id, kind, SITE[0], SITE[1], GROUND_M + mast_m, mast_m, **kw)


def _scenario(*sensors: SensorSpec) -> ResolvedScenario:
    return ResolvedScenario(
        "unit", "unit", "", (), T0, 600.0, 1, 1.0, GROUND_M, "lt", (), (), tuple(sensors)
    )


def _empty_truth(duration_s: float) -> Truth:
    n_t = int(duration_s) + 1
    z = np.zeros((n_t, 0))
    return Truth(T0 + np.arange(n_t, dtype=np.float64), (), z, z, z, z, z, z, z.astype(bool))


def test_registry_silence_limit_of_a_radar_with_clutter_is_n_plus_one_revisits_and_delay() -> None:
    limits = silence_limits(
        _scenario(
            _sensor("surveillance_radar", "lr"),  # 3 false plots a scan, every 10 s
            _sensor("surveillance_radar", "lr-quiet", clutter_per_scan=0.5, revisit_s=5.0),
            _sensor("drone_radar", "dr"),  # about 11 a scan over its 6 km disc, every 1 s
        )
    )
    # N = ceil(14 / 3) = 5 empty scans; 6 revisits plus the 2 s latency and 0.5 s jitter
    assert limits["lr"] == pytest.approx(6 * 10.0 + 2.0 + 0.5)
    # N = ceil(14 / 0.5) = 28
    assert limits["lr-quiet"] == pytest.approx(29 * 5.0 + 2.0 + 0.5)
    # dense clutter: never fewer than SILENT_SCANS_MIN scans; 1 s latency, 0.25 s jitter
    assert limits["dr"] == pytest.approx((SILENT_SCANS_MIN + 1) * 1.0 + 1.0 + 0.25)


def test_registry_silence_limit_keeps_false_outages_below_one_in_a_million() -> None:
    scenario = _scenario(
        _sensor("surveillance_radar", "lr", clutter_per_scan=0.37),
        _sensor("drone_radar", "dr", az_center_deg=90.0, az_width_deg=20.0),
    )
    per_scan = false_plots_per_scan(scenario)
    for sensor_id, limit_s in silence_limits(scenario).items():
        spec = next(s for s in scenario.sensors if s.sensor_id == sensor_id)
        revisit_s = 10.0 if spec.type == "surveillance_radar" else 1.0
        delay_s = 2.5 if spec.type == "surveillance_radar" else 1.25
        n_scans = round((limit_s - delay_s) / revisit_s) - 1
        assert n_scans >= SILENT_SCANS_MIN
        assert math.exp(-per_scan[sensor_id] * n_scans) < 1e-6
        # and no longer than that needs (or the minimum)
        assert per_scan[sensor_id] * (n_scans - 1) < SILENT_SCANS_NATS


def test_registry_no_limit_without_clutter_nor_for_other_sensor_types() -> None:
    limits = silence_limits(
        _scenario(
            _sensor("surveillance_radar", "lr-clean", clutter_per_scan=0.0),
            _sensor("acoustic", "ac"),
            _sensor("rf_df", "rf"),
            _sensor("eo_ir", "eo"),
            _sensor("adsb_receiver", "adsb"),
            _sensor("remote_id_receiver", "rid"),
            _sensor("observers", "112"),
        )
    )
    assert limits == {}


def test_registry_false_plots_per_scan_is_what_the_simulator_draws() -> None:
    """The clutter rate the limits rest on, against the simulated radar's (sector included)."""
    spec = _sensor("drone_radar", "dr", mast_m=5.0, az_center_deg=90.0, az_width_deg=90.0)
    rate = false_plots_per_scan(_scenario(spec))["dr"]
    # 0.1 per km² over a quarter of a 6 km disc
    assert rate == pytest.approx(0.1 * math.pi * 36.0 / 4.0)
    plots = observe(spec, _empty_truth(600.0), SensorContext(GROUND_M), np.random.default_rng(3))
    lo, hi = stats.poisson.ppf([0.0005, 0.9995], rate * 600)  # 600 scans, 99.9 %
    assert lo <= len(plots) <= hi


def test_registry_silence_limits_of_the_defended_28_july_scenario() -> None:
    limits = silence_limits(resolve(load_scenario("lt-2025-07-28-defended")))
    assert limits == {
        "lr-radar-ceikiskes": pytest.approx(62.5),
        "lr-radar-antaversis": pytest.approx(62.5),
        "dr-vilnius-east": pytest.approx(5.25),
        "dr-vilnius-north": pytest.approx(5.25),
        "dr-gaiziunai": pytest.approx(5.25),
    }


def test_registry_bearing_reach_of_microphones_and_rf_finders_not_cameras() -> None:
    scenario = _scenario(
        _sensor("acoustic", "ac-1", range_m=2000.0),
        _sensor("rf_df", "rf-1"),
        _sensor("eo_ir", "eo-1"),
        _sensor("drone_radar", "dr-1"),
    )
    reach = bearing_reach(scenario)
    assert reach == {
        "ac-1": BEARING_REACH_FACTOR["acoustic"] * 2000.0,
        "rf-1": BEARING_REACH_FACTOR["rf_df"] * 3000.0,
    }
    assert tracker_config(scenario).bearing_reach_m == reach
