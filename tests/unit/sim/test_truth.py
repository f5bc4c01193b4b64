"""Tests for ``skywarden.sim.truth``: each target model's behaviour, frames, reproducibility.

Scenarios are built in the test (``ScenarioIn`` + ``resolve``) so every number checked is
visible here. Distances on the ground come from pyproj's geodesics, a different code path
from the simulator's azimuthal-equidistant plane.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from pyproj import Geod

from skywarden.sim.scenarios import ResolvedScenario, ScenarioIn, resolve
from skywarden.sim.truth import Truth, simulate_truth

GEOD = Geod(ellps="WGS84")
GROUND_M = 150.0
START = "2025-09-07T00:00:00Z"


def _scenario(
    targets: list[dict[str, Any]],
    *,
    duration_s: float = 3600.0,
    step_s: float = 1.0,
    wind: list[dict[str, float]] | None = None,
    seed: int = 7,
) -> ResolvedScenario:
    doc = {
        "name": "unit",
        "title": "unit test",
        "start": START,
        "duration_s": duration_s,
        "seed": seed,
        "truth_step_s": step_s,
        "ground_m": GROUND_M,
        "wind": wind or [],
        "targets": targets,
        "sensors": [{"id": "r1", "type": "surveillance_radar", "lat": 54.5, "lon": 25.0}],
    }
    return resolve(ScenarioIn.model_validate(doc))


def _fly(scenario: ResolvedScenario, seed: int = 1) -> Truth:
    return simulate_truth(scenario, np.random.default_rng(seed))


def _distance_m(lat0: float, lon0: float, lat: Any, lon: Any) -> npt.NDArray[np.float64]:
    lat_a, lon_a = np.broadcast_arrays(np.asarray(lat, float), np.asarray(lon, float))
    _, _, d = GEOD.inv(np.full(lat_a.shape, lon0), np.full(lat_a.shape, lat0), lon_a, lat_a)
    return np.asarray(d, dtype=np.float64)


def _last_alive(truth: Truth, i: int) -> int:
    return int(np.flatnonzero(truth.alive[:, i])[-1])


def test_truth_grid_and_shapes_follow_the_scenario() -> None:
    sc = _scenario(
        [{"model": "shahed", "count": 3, "route": [[54.5, 26.0, 1000], [54.5, 25.0, 1000]]}],
        duration_s=600.0,
        step_s=2.0,
    )
    truth = _fly(sc)
    np.testing.assert_allclose(truth.t_s, sc.start_t_s + np.arange(0.0, 601.0, 2.0))
    assert truth.targets == sc.targets
    for name in ("lat", "lon", "alt_m", "vel_e_mps", "vel_n_mps", "vel_u_mps", "alive"):
        assert getattr(truth, name).shape == (301, 3), name
    assert truth.alive.dtype == np.bool_


def test_truth_route_follower_passes_each_waypoint_at_its_speed() -> None:
    route = [[54.50, 26.00, 1000], [54.70, 25.60, 1000], [54.60, 25.20, 1200], [54.90, 24.90, 1200]]
    sc = _scenario(
        [{"model": "shahed", "route": route, "speed_mps": 45.0, "end": "leave"}],
        duration_s=3000.0,
        step_s=0.2,
    )
    truth = _fly(sc)
    alive = truth.alive[:, 0]
    for lat, lon, alt in route:
        d = _distance_m(lat, lon, truth.lat[alive, 0], truth.lon[alive, 0])
        k = int(np.argmin(d))
        assert d[k] < 5.0, f"misses waypoint {lat}, {lon} by {d[k]:.1f} m"
        assert truth.alt_m[alive, 0][k] == pytest.approx(alt, abs=10.0)
    ground_speed = np.hypot(truth.vel_e_mps[alive, 0], truth.vel_n_mps[alive, 0])
    assert np.median(ground_speed) == pytest.approx(45.0, rel=0.03)
    assert np.mean(ground_speed) == pytest.approx(45.0, rel=0.03)
    assert np.percentile(np.abs(ground_speed / 45.0 - 1.0), 95) < 0.08  # jitter: a few percent


def test_truth_gerbera_default_endurance_crashes_after_500_to_800_km() -> None:
    # A route towards the Atlantic, far longer than any Gerbera can fly.
    sc = _scenario(
        [
            {
                "model": "gerbera",
                "count": 6,
                "route": [[54.5, 26.0, 1000], [54.5, -10.0, 1000]],
                "speed_mps": 38.0,
            }
        ],
        duration_s=6.0 * 3600.0,
        step_s=5.0,
    )
    truth = _fly(sc)
    for i, spec in enumerate(sc.targets):
        k = _last_alive(truth, i)
        assert not truth.alive[k + 1 :, i].any()
        flown_m = _distance_m(54.5, 26.0, truth.lat[k, i], truth.lon[k, i])
        assert 500e3 < flown_m < 800e3
        assert np.nanmax(_distance_m(54.5, 26.0, truth.lat[:, i], truth.lon[:, i])) < 2_000e3
        # On the ground: the last sample is at most one 5 s step (~19 m of glide) above it.
        assert truth.alt_m[k, i] < GROUND_M + 30.0
        # Once the fuel is gone it glides: about glide_ratio x height, at 0.8 x speed.
        glide_s = (truth.t_s[k] - sc.start_t_s) - spec.endurance_s
        expect_s = (1000.0 - GROUND_M) * spec.glide_ratio / (0.8 * 38.0)
        assert glide_s == pytest.approx(expect_s, rel=0.15)


def test_truth_dive_at_route_end_ends_on_the_last_waypoint() -> None:
    last = (54.60, 25.40)
    sc = _scenario(
        [{"model": "shahed", "route": [[54.5, 26.0, 1500], [*last, 1500]], "end": "crash"}],
        duration_s=3600.0,
    )
    truth = _fly(sc)
    k = _last_alive(truth, 0)
    assert k < truth.t_s.size - 1
    assert _distance_m(*last, truth.lat[k, 0], truth.lon[k, 0]) < 1000.0
    assert truth.alt_m[k, 0] < GROUND_M + 50.0
    assert truth.vel_u_mps[k, 0] < -15.0  # diving, not gliding
    assert np.isnan(truth.lat[k + 1 :, 0]).all()


def test_truth_leave_flies_on_along_the_last_leg() -> None:
    sc = _scenario(
        [{"model": "shahed", "route": [[54.5, 26.0, 1000], [54.5, 25.5, 1000]], "end": "leave"}],
        duration_s=3600.0,
    )
    truth = _fly(sc)
    assert truth.alive[-1, 0]
    # Due west, and well past the last waypoint.
    assert truth.lon[-1, 0] < 25.0
    heading_deg = np.degrees(np.arctan2(truth.vel_e_mps[-600:, 0], truth.vel_n_mps[-600:, 0]))
    assert np.median(heading_deg) % 360.0 == pytest.approx(270.0, abs=2.0)


def test_truth_balloon_drifts_downwind_at_the_wind_speed_and_sinks() -> None:
    wind = [{"alt_m": 0.0, "from_deg": 270.0, "speed_mps": 10.0}]
    sc = _scenario(
        [
            {
                "model": "balloon",
                "launch": {"lat": 54.3, "lon": 25.0},
                "alt_m": 3500.0,
                "descent_mps": 0.25,
                "endurance_s": 20_000.0,
            }
        ],
        duration_s=7200.0,
        step_s=2.0,
        wind=wind,
    )
    truth = _fly(sc)
    assert truth.alive.all()
    az, _, dist = GEOD.inv(truth.lon[0, 0], truth.lat[0, 0], truth.lon[-1, 0], truth.lat[-1, 0])
    assert az % 360.0 == pytest.approx(90.0, abs=5.0)  # blown towards the east
    assert dist / 7200.0 == pytest.approx(10.0, rel=0.10)
    assert np.mean(truth.vel_e_mps[:, 0]) == pytest.approx(10.0, rel=0.10)
    sink_mps = (truth.alt_m[0, 0] - truth.alt_m[-1, 0]) / 7200.0
    assert sink_mps == pytest.approx(0.25, rel=0.02)
    np.testing.assert_allclose(truth.vel_u_mps[:, 0], -0.25, atol=1e-6)


def test_truth_balloon_lands_on_the_ground_or_at_its_endurance() -> None:
    base = {"model": "balloon", "launch": {"lat": 54.3, "lon": 25.0}}
    sc = _scenario(
        [
            {**base, "alt_m": 650.0, "descent_mps": 1.0, "endurance_s": 10_000.0},
            {**base, "alt_m": 3500.0, "descent_mps": 0.2, "endurance_s": 1200.0},
        ],
        duration_s=3600.0,
    )
    truth = _fly(sc)
    landed_s = truth.t_s[_last_alive(truth, 0)] - sc.start_t_s
    assert landed_s == pytest.approx(500.0, abs=2.0)  # 500 m above ground at 1 m/s
    assert truth.t_s[_last_alive(truth, 1)] - sc.start_t_s == pytest.approx(1200.0, abs=1.5)


def test_truth_quadcopter_hovers_near_its_launch_point_then_lands() -> None:
    sc = _scenario(
        [
            {
                "model": "quadcopter",
                "launch": {"lat": 54.65, "lon": 25.30},
                "alt_m": 250.0,
                "endurance_s": 900.0,
            }
        ],
        duration_s=1800.0,
    )
    truth = _fly(sc)
    alive = truth.alive[:, 0]
    assert np.max(_distance_m(54.65, 25.30, truth.lat[alive, 0], truth.lon[alive, 0])) < 100.0
    landed_s = truth.t_s[_last_alive(truth, 0)] - sc.start_t_s
    assert 900.0 < landed_s < 900.0 + 100.0 / 2.5 + 5.0  # 100 m above ground at 2.5 m/s
    assert np.nanmax(np.hypot(truth.vel_e_mps[:, 0], truth.vel_n_mps[:, 0])) < 5.0


def test_truth_quadcopter_hovers_at_waypoints_and_lands_at_the_last() -> None:
    route = [[54.690, 25.250, 230], [54.695, 25.270, 250], [54.690, 25.280, 240]]
    sc = _scenario(
        [
            {
                "model": "rid_drone",
                "route": route,
                "speed_mps": 10.0,
                "end": "land",
                "endurance_s": 1800.0,
            }
        ],
        duration_s=1800.0,
    )
    truth = _fly(sc)
    alive = truth.alive[:, 0]
    k = _last_alive(truth, 0)
    assert k < truth.t_s.size - 1  # landed before the battery ran out
    assert _distance_m(54.690, 25.280, truth.lat[k, 0], truth.lon[k, 0]) < 30.0
    assert truth.alt_m[k, 0] < GROUND_M + 5.0
    speed = np.hypot(truth.vel_e_mps[alive, 0], truth.vel_n_mps[alive, 0])
    assert np.sum(speed < 1.0) >= 60  # at least 30 s hovering at each of two waypoints
    assert np.max(speed) == pytest.approx(10.0, rel=0.15)  # and dashes between


def test_truth_airliner_turns_gently_through_its_waypoints() -> None:
    route = [[54.0, 24.0, 10000], [54.6, 24.0, 10000], [54.6, 25.0, 10000]]
    sc = _scenario([{"model": "airliner", "route": route, "speed_mps": 220.0}], duration_s=1800.0)
    truth = _fly(sc)
    alive = truth.alive[:, 0]
    assert alive[-1]  # 'leave' by default: flies on
    heading = np.unwrap(np.arctan2(truth.vel_e_mps[alive, 0], truth.vel_n_mps[alive, 0]))
    max_rate_dps = np.degrees(np.max(np.abs(np.diff(heading))))
    assert max_rate_dps < 2.0  # a 25-degree-bank turn at 220 m/s is ~1.2 deg/s
    assert np.degrees(heading[-1] - heading[0]) == pytest.approx(90.0, abs=5.0)


def test_truth_leaving_target_stops_at_the_scene_edge() -> None:
    sc = _scenario(
        [
            {
                "model": "airliner",
                "route": [[54.5, 25.0, 11000], [54.5, 26.0, 11000]],
                "speed_mps": 240.0,
            }
        ],
        duration_s=7200.0,
        step_s=5.0,
    )
    truth = _fly(sc)
    k = _last_alive(truth, 0)
    assert k < truth.t_s.size - 1
    assert _distance_m(54.5, 25.0, truth.lat[k, 0], truth.lon[k, 0]) == pytest.approx(
        1_000e3, abs=5e3
    )


def test_truth_bird_flock_loiter_mills_about_its_start() -> None:
    sc = _scenario(
        [
            {
                "model": "bird_flock",
                "count": 4,
                "launch": {"lat": 54.66, "lon": 25.30},
                "alt_m": 400.0,
                "speed_mps": 12.0,
                "end": "loiter",
                "endurance_s": 30_000.0,
            }
        ],
        duration_s=4.0 * 3600.0,
        step_s=2.0,
    )
    truth = _fly(sc)
    assert truth.alive.all()
    assert np.max(_distance_m(54.66, 25.30, truth.lat, truth.lon)) < 20e3
    assert np.all(np.abs(truth.alt_m - 400.0) <= 100.0 + 1e-9)
    speed = np.hypot(truth.vel_e_mps, truth.vel_n_mps)
    assert 6.0 < np.median(speed) < 14.0  # erratic, but flying, not hovering


def test_truth_bird_flock_on_passage_keeps_its_heading() -> None:
    sc = _scenario(
        [
            {
                "model": "bird_flock",
                "count": 5,
                "launch": {"lat": 54.75, "lon": 25.15},
                "heading_deg": 200.0,
                "speed_mps": 13.0,
                "end": "leave",
            }
        ],
        duration_s=3600.0,
    )
    truth = _fly(sc)
    for i in range(5):
        az, _, dist = GEOD.inv(truth.lon[0, i], truth.lat[0, i], truth.lon[-1, i], truth.lat[-1, i])
        assert az % 360.0 == pytest.approx(200.0, abs=15.0)
        assert dist / 3600.0 == pytest.approx(13.0, rel=0.25)


def test_truth_velocities_are_local_far_from_the_plane_centre() -> None:
    # Two targets 500 km apart put the plane's centre 250 km from each; the one flying
    # due north must have a due-north local velocity, not the plane's tilted "north".
    sc = _scenario(
        [
            {"model": "shahed", "route": [[54.5, 21.0, 1000], [56.5, 21.0, 1000]], "end": "leave"},
            {"model": "shahed", "route": [[54.5, 28.8, 1000], [56.5, 28.8, 1000]], "end": "leave"},
        ],
        duration_s=1200.0,
    )
    truth = _fly(sc)
    az, _, d = GEOD.inv(truth.lon[:-1], truth.lat[:-1], truth.lon[1:], truth.lat[1:])
    ve = np.sin(np.radians(az)) * d
    vn = np.cos(np.radians(az)) * d
    mid_e = 0.5 * (truth.vel_e_mps[:-1] + truth.vel_e_mps[1:])
    mid_n = 0.5 * (truth.vel_n_mps[:-1] + truth.vel_n_mps[1:])
    assert np.median(np.hypot(ve - mid_e, vn - mid_n)) < 0.2
    assert np.median(np.abs(truth.vel_e_mps)) < 1.0  # 1 m/s is 1.3 degrees at 45 m/s


def test_truth_same_seed_gives_identical_arrays_and_another_seed_differs() -> None:
    sc = _scenario(
        [
            {"model": "shahed", "count": 3, "route": [[54.5, 26.0, 1000], [54.6, 25.0, 900]]},
            {"model": "balloon", "launch": {"lat": 54.1, "lon": 25.1, "radius_m": 5000}},
            {"model": "quadcopter", "launch": {"lat": 54.6, "lon": 25.3}},
            {"model": "bird_flock", "launch": {"lat": 54.7, "lon": 25.2}},
        ],
        duration_s=900.0,
        wind=[{"alt_m": 0.0, "from_deg": 200.0, "speed_mps": 8.0}],
    )
    a, b, c = _fly(sc, seed=3), _fly(sc, seed=3), _fly(sc, seed=4)
    for name in ("lat", "lon", "alt_m", "vel_e_mps", "vel_n_mps", "vel_u_mps", "alive"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.lat, c.lat, equal_nan=True)


def test_truth_alive_mask_is_one_run_with_nan_elsewhere() -> None:
    sc = _scenario(
        [
            {"model": "gerbera", "start_s": 300, "route": [[54.5, 26.0, 400], [54.55, 25.8, 300]]},
            {"model": "shahed", "route": [[54.5, 26.0, 1000], [54.5, 20.0, 1000]], "end": "leave"},
            {"model": "balloon", "launch": {"lat": 54.1, "lon": 25.1}, "alt_m": 400.0},
            {
                "model": "quadcopter",
                "start_s": 60,
                "launch": {"lat": 54.6, "lon": 25.3},
                "endurance_s": 600,
            },
            {"model": "rid_drone", "route": [[54.69, 25.25, 230], [54.70, 25.27, 250]]},
            {"model": "light_aircraft", "route": [[54.9, 24.7, 900], [54.7, 25.1, 800]]},
            {
                "model": "airliner",
                "start_s": 2000,
                "route": [[53.8, 23.5, 11000], [56.2, 26.5, 11000]],
            },
            {"model": "bird_flock", "launch": {"lat": 54.7, "lon": 25.2}, "endurance_s": 1500},
            {"model": "gerbera", "start_s": 5000, "route": [[54.5, 26.0, 400], [54.6, 25.0, 300]]},
        ],
        duration_s=1800.0,
        wind=[{"alt_m": 0.0, "from_deg": 200.0, "speed_mps": 8.0}],
    )
    truth = _fly(sc)
    for name in ("lat", "lon", "alt_m", "vel_e_mps", "vel_n_mps", "vel_u_mps"):
        values = getattr(truth, name)
        np.testing.assert_array_equal(np.isfinite(values), truth.alive, err_msg=name)
    tau_s = truth.t_s - sc.start_t_s
    for i, spec in enumerate(sc.targets):
        runs = np.count_nonzero(np.diff(truth.alive[:, i].astype(int)) == 1) + truth.alive[0, i]
        assert runs <= 1, spec.target_id  # never comes back to life
        assert not truth.alive[tau_s < spec.start_s, i].any(), spec.target_id
    assert not truth.alive[:, -1].any()  # starts after the scenario ends
    alt = truth.alt_m[truth.alive]
    assert np.all(alt > GROUND_M)


def test_truth_rejects_an_unknown_model() -> None:
    sc = _scenario([{"model": "shahed", "route": [[54.5, 26.0, 1000]]}], duration_s=10.0)
    odd = dataclasses.replace(sc.targets[0], model="zeppelin")
    with pytest.raises(ValueError, match="zeppelin"):
        _fly(dataclasses.replace(sc, targets=(odd,)))


def test_truth_swarm_of_800_for_an_hour_completes() -> None:
    sc = _scenario(
        [
            {
                "model": "shahed",
                "count": 400,
                "start_s": {"min": 0, "max": 2400},
                "route": [[54.30, 26.60, 1500], [54.60, 25.00, 1000], [54.90, 23.50, 800]],
                "route_spread_m": 30000,
                "end": "crash",
            },
            {
                "model": "gerbera",
                "count": 400,
                "start_s": {"min": 0, "max": 2400},
                "route": [[54.80, 26.90, 1200], [54.90, 25.00, 900], [55.10, 23.80, 700]],
                "route_spread_m": 30000,
                "end": "crash",
            },
        ],
        duration_s=3600.0,
    )
    truth = _fly(sc)
    assert truth.alive.shape == (3601, 800)
    assert truth.alive[-1].sum() > 400
