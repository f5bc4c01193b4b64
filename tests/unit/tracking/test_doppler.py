"""Radial speed of radar plots: gate, first velocity, EKF update, and in the tracker."""

import numpy as np
import pytest

from skywarden.core.types import Plot, TrackUpdate
from skywarden.geo.frames import SiteFrame
from skywarden.tracking.doppler import initial_velocity, radial_d2, radial_update
from skywarden.tracking.tracker import Tracker, TrackerConfig

FRAME = SiteFrame(54.69, 25.26, 150.0)
T0 = 1_753_666_200.0
SITE = np.array([0.0, 0.0, 20.0])


def _state(pos: list[float], vel: list[float]) -> np.ndarray:
    return np.array([*pos, *vel, 0.0])


def test_radial_d2_is_the_normalised_squared_innovation() -> None:
    x = _state([3000.0, 4000.0, 20.0], [30.0, 0.0, 0.0])[None, :]
    P = np.diag([100.0, 100.0, 100.0, 4.0, 9.0, 1.0, 1e-4])[None, :, :]
    u = np.array([0.6, 0.8, 0.0])  # line of sight from the site
    vr_hat = 18.0  # u . v
    var = 0.36 * 4.0 + 0.64 * 9.0 + 1.0**2
    d2 = radial_d2(x, P, SITE[None, :], np.array([vr_hat + 3.0]), np.array([1.0]))
    assert d2[0] == pytest.approx(9.0 / var)
    assert float(u @ x[0, 3:6]) == pytest.approx(vr_hat)
    # a plot without a radial speed is never held against a track
    assert radial_d2(x, P, SITE[None, :], np.array([np.nan]), np.array([1.0]))[0] == 0.0


def test_initial_velocity_knows_the_line_of_sight_only() -> None:
    pos = np.array([0.0, 5000.0, 20.0])
    v, cov = initial_velocity(pos, SITE, -12.0, 0.5, 30.0)
    assert v == pytest.approx([0.0, -12.0, 0.0])
    assert cov[1, 1] == pytest.approx(0.25)
    assert cov[0, 0] == pytest.approx(900.0)
    assert cov[2, 2] == pytest.approx(900.0)
    assert np.all(np.linalg.eigvalsh(cov) > 0.0)


def test_radial_update_matches_a_plain_extended_kalman_update() -> None:
    rng = np.random.default_rng(3)
    x = _state([2000.0, -1500.0, 300.0], [20.0, 15.0, -1.0])
    A = rng.normal(size=(7, 7))
    P = A @ A.T + np.eye(7)
    vr, sigma = 5.0, 0.7
    xm, Pm = radial_update(
        x[None, None, :], P[None, None], SITE[None, :], np.array([vr]), np.array([sigma])
    )

    # reference: the textbook EKF with a numerically differentiated Jacobian
    def h(s: np.ndarray) -> float:
        d = s[:3] - SITE
        return float(d @ s[3:6] / np.linalg.norm(d))

    H = np.array([(h(x + 1e-4 * e) - h(x - 1e-4 * e)) / 2e-4 for e in np.eye(7)])
    S = H @ P @ H + sigma**2
    K = P @ H / S
    x_ref = x + K * (vr - h(x))
    P_ref = (np.eye(7) - np.outer(K, H)) @ P
    assert xm[0, 0] == pytest.approx(x_ref, rel=1e-6, abs=1e-6)
    assert Pm[0, 0] == pytest.approx(P_ref, rel=1e-5, abs=1e-6)
    assert np.allclose(Pm[0, 0], Pm[0, 0].T)
    # NaN radial speed: untouched
    xn, Pn = radial_update(
        x[None, None, :], P[None, None], SITE[None, :], np.array([np.nan]), np.array([sigma])
    )
    assert np.array_equal(xn[0, 0], x) and np.array_equal(Pn[0, 0], P)


def _plot(t_s: float, e: float, n: float, vr: float) -> Plot:
    lat, lon, alt = FRAME.from_enu(e, n, 170.0)
    return Plot(T0 + t_s, "dr-1", float(lat), float(lon), float(alt), 15.0, 30.0, vr_mps=vr)


def _run(cfg: TrackerConfig, clutter_vr: float) -> list[TrackUpdate]:
    """A target flying away from the radar at 20 m/s, missed on every other scan after the
    sixth, and a clutter plot 45 m ahead of it on each of those scans, with ``clutter_vr``."""
    tracker = Tracker(FRAME, cfg)
    out: list[TrackUpdate] = []
    for k in range(20):
        t = float(k)
        n = 3000.0 + 20.0 * t
        dets = [_plot(t, 0.0, n, 20.0)]
        if k >= 6 and k % 2:
            dets = [_plot(t, 0.0, n + 45.0, clutter_vr)]
        out += tracker.step(T0 + t, dets)
    return out


def test_the_tracker_refuses_plots_whose_radial_speed_does_not_fit() -> None:
    lat, lon, _ = FRAME.from_enu(0.0, 0.0, 0.0)
    with_site = TrackerConfig(
        sensor_sites={"dr-1": (float(lat), float(lon), 170.0)}, revisit_s={"dr-1": 1.0}
    )
    # the clutter's radial speed says it stands still: with the radar's site known the
    # target's track never takes it (it misses those scans) and the clutter starts
    # tracks of its own
    updates = _run(with_site, 0.0)
    last = [u for u in updates if u.track_id == "T-000001"][-1]
    assert last.hit_rate is not None and last.hit_rate < 0.9
    assert len({u.track_id for u in updates}) > 1
    assert last.vel_n_mps == pytest.approx(20.0, abs=1.0)
    # without the site (no Doppler) the track takes every clutter plot as its own
    updates = _run(TrackerConfig(revisit_s={"dr-1": 1.0}), 0.0)
    assert {u.track_id for u in updates} == {"T-000001"}
    assert updates[-1].hit_rate == pytest.approx(1.0)


def test_a_track_started_from_a_plot_knows_its_radial_speed() -> None:
    lat, lon, _ = FRAME.from_enu(0.0, 0.0, 0.0)
    cfg = TrackerConfig(sensor_sites={"dr-1": (float(lat), float(lon), 170.0)})
    tracker = Tracker(FRAME, cfg)
    first = tracker.step(T0, [_plot(0.0, 0.0, 3000.0, 20.0)])
    assert first[0].vel_n_mps == pytest.approx(20.0, abs=0.5)
    without = Tracker(FRAME).step(T0, [_plot(0.0, 0.0, 3000.0, 20.0)])
    assert without[0].vel_n_mps == pytest.approx(0.0, abs=1e-9)
