"""Ground truth: every target's state on a regular time grid.

:func:`simulate_truth` flies every target of a :class:`ResolvedScenario` on the grid
``t_s = start_t_s + k * truth_step_s`` and returns :class:`Truth`, arrays of shape
``(T, N)`` (time by target, in scenario order).

Frame. Kinematics are integrated in one azimuthal-equidistant plane (PROJ ``aeqd`` on
the WGS84 ellipsoid) centred on the centroid of the targets' first route points, with
height above mean sea level as the vertical. Distances and bearings from the centre
are exact and scale errors stay below 0.05 % out to 300 km, whereas a single tangent
plane would put a target 300 km out about 7 km below its true height. Plane "north"
turns away from true north away from the centre (about 2.5 degrees at 200 km east
at 55 N): headings and winds are rotated into the plane, and velocities back into each
target's local east/north/up, by the meridian convergence (spherical formula, good to
about 0.02 degrees here). Latitude and longitude come from one vectorised inverse
projection at the end.

Models (noise is small, smooth and seeded; constants below say why each value):

- ``gerbera``, ``shahed``: follow the route legs through each waypoint at ``speed_mps``
  (a few percent speed jitter, a gentle cross-track wander of a few tens of metres that
  closes to zero at waypoints, climbs limited to ``OWA_CLIMB_MPS``). Powered for
  ``endurance_s``, then glide at ``OWA_GLIDE_SPEED_FACTOR`` of cruise speed losing one
  metre of height per ``glide_ratio`` metres flown, and crash on the ground. At the
  route end ``crash`` dives at ``OWA_DIVE_DEG`` onto the last waypoint, ``land``
  descends on a ``LAND_APPROACH_DEG`` slope to it, ``leave`` flies on along the last
  leg, ``loiter`` circles it until the fuel is gone. A one-point route flies
  ``heading_deg``. They turn over each waypoint within one sample (a kink in heading
  that a tracker sees as a manoeuvre), so the track passes the waypoint itself.
- ``light_aircraft``, ``airliner``: the same route follower without fuel limits, turning
  through fly-by arcs at ``AIRCRAFT_BANK_DEG`` of bank instead of over the waypoints.
- ``quadcopter``, ``rid_drone``: hover 30-120 s at each waypoint, dash between; a
  one-point route hovers there with small drifts; descend and land after ``endurance_s``
  or, with ``end='land'`` (``'crash'``: falling fast), on reaching the last waypoint;
  ``leave`` flies on along the last leg.
- ``balloon``: drifts with the :class:`~skywarden.sim.wind.WindField` at its altitude
  plus turbulence, sinking at ``descent_mps``; lands on the ground or at ``endurance_s``.
- ``bird_flock``: Ornstein-Uhlenbeck heading, speed and altitude (within +-100 m)
  around ``heading_deg`` and ``speed_mps``; ``loiter`` flocks mill about their start.

A target that gets ``SCENE_RADIUS_M`` from the centre has left the scene and stops being
alive (an airliner on ``leave`` would otherwise fly on for thousands of kilometres).
Velocities are central differences of the positions (one-sided at a target's first and
last alive sample), so they agree with the stored track. Ground level is the scenario's
``ground_m``. Pure: no I/O, no clock; all randomness from the injected generator, drawn
in a fixed order, so one seed gives identical arrays.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pyproj import Proj
from scipy.signal import lfilter

from skywarden.sim.scenarios import ResolvedScenario, TargetSpec
from skywarden.sim.wind import WindField

__all__ = ["Truth", "simulate_truth"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Flight = tuple[FloatArray, FloatArray, FloatArray, BoolArray]  # x_m, y_m, alt_m, alive (T, n)

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius; only for the small convergence correction
G_MPS2 = 9.80665
SCENE_RADIUS_M = 1_000_000.0  # past every sensor (they see ~300 km): a target this far out has left
MIN_AGL_M = 20.0  # lowest height flown: Shahed terrain-following profiles are ~20 m (brief 2.1)

OWA_CLIMB_MPS = 5.0  # small piston drones climb a few m/s; no published figure [U]
OWA_GLIDE_SPEED_FACTOR = 0.8  # best-glide speed of a propeller aircraft is below cruise
OWA_DIVE_DEG = 30.0  # terminal dive; Shaheds reach ~230 km/h diving (brief 2.1)
LAND_APPROACH_DEG = 3.0  # the standard instrument glide path
LOITER_MIN_RADIUS_M = 500.0  # orbit radius floor: a 30-degree-bank turn at 40 m/s is ~280 m
SPEED_SIGMA = 0.02  # cruise speed jitter, fraction: autopilots hold airspeed, gusts vary it
SPEED_TAU_S = 120.0  # correlation time of speed jitter: gusts and thermals last minutes
XTRACK_SIGMA_M = 15.0  # GNSS/INS guidance cross-track error, rms
XTRACK_RATE_TAU_S = 30.0  # the drift rate changes slowly: heading wobbles ~0.4 deg at 40 m/s
XTRACK_PULL_TAU_S = 120.0  # guidance steers back onto the leg within a couple of minutes
XTRACK_TAPER_S = 60.0  # the wander closes to zero over this much flight time before a waypoint
ALT_SIGMA_M = 2.0  # barometric altitude hold wobble
ALT_TAU_S = 30.0
AIRCRAFT_BANK_DEG = 25.0  # standard-rate-ish turns of light and transport aircraft


@dataclass(frozen=True, slots=True)
class _FixedWing:
    """How a group of fixed-wing models flies its route."""

    climb_mps: float  # steepest climb or descent between waypoint altitudes
    bank_deg: float  # 0: turn over the waypoint; else fly-by arcs at this bank angle
    fuel_limited: bool  # glide down once endurance_s is spent


_OWA = _FixedWing(OWA_CLIMB_MPS, 0.0, True)
_LIGHT = _FixedWing(4.0, AIRCRAFT_BANK_DEG, False)  # a Cessna 172 climbs ~3.5-4 m/s
_AIRLINER = _FixedWing(12.0, AIRCRAFT_BANK_DEG, False)  # ~2,500 ft/min climb or descent

QUAD_HOVER_S = (30.0, 120.0)  # hover time at each waypoint, drawn per waypoint
QUAD_CLIMB_MPS = 3.0  # consumer quadcopters climb and descend at 3-6 m/s
QUAD_LAND_MPS = 2.5  # controlled descent to land (battery low, or the route's end)
QUAD_FALL_MPS = 15.0  # end='crash': dropped or flown into the ground
QUAD_LOITER_DRIFT_M = 15.0  # position hold while loitering about one point, rms
QUAD_ROUTE_DRIFT_M = 2.0  # GNSS position-hold error while flying a route, rms
QUAD_DRIFT_RATE_TAU_S = 20.0  # position-hold drift: slow, smooth wandering, not jitter
QUAD_DRIFT_PULL_TAU_S = 60.0
QUAD_ALT_TAU_S = 60.0
QUAD_ALT_SIGMA_M = 1.5

BALLOON_TURB_SIGMA_MPS = 0.5  # departure from the layer wind (gusts, local shear), rms
BALLOON_TURB_TAU_S = 600.0  # mesoscale eddies last about ten minutes

BIRD_HEADING_SIGMA_DEG = 15.0  # migrating flocks keep a course but weave
BIRD_TAU_S = 60.0
BIRD_SPEED_SIGMA = 0.1  # fraction of the flock's mean speed
BIRD_ALT_SIGMA_M = 40.0
BIRD_ALT_SPAN_M = 100.0  # the flock stays within this of its start height
BIRD_TURN_RATE_RAD = 0.09  # loitering heading random walk, rad/sqrt(s): decorrelates in ~2 min
BIRD_PULL_TAU_S = 900.0  # weak pull home of loitering flocks: they mill within a few km


@dataclass(frozen=True, slots=True)
class Truth:
    """Target states sampled every ``truth_step_s``: arrays of shape ``(T, N)``.

    ``lat``, ``lon`` are WGS84 degrees and ``alt_m`` metres above mean sea level;
    ``vel_e_mps``, ``vel_n_mps``, ``vel_u_mps`` are in each target's local east, north and
    up. ``alive[k, i]`` is true while target ``i`` flies at ``t_s[k]`` (after its start,
    before it crashes, lands or leaves); other entries hold NaN.
    """

    t_s: FloatArray  # (T,) epoch seconds
    targets: tuple[TargetSpec, ...]  # (N,)
    lat: FloatArray
    lon: FloatArray
    alt_m: FloatArray
    vel_e_mps: FloatArray
    vel_n_mps: FloatArray
    vel_u_mps: FloatArray
    alive: BoolArray


@dataclass(frozen=True, slots=True)
class _Grid:
    """The time grid and the scene constants every model needs."""

    tau_s: FloatArray  # (T,) seconds after the scenario start
    step_s: float
    ground_m: float
    lat0: float  # latitude of the plane's centre, for the convergence angle

    def since_launch_s(self, specs: Sequence[TargetSpec]) -> FloatArray:
        """Seconds since each target's start, ``(T, n)``; negative before it."""
        starts_s = np.array([s.start_s for s in specs], dtype=np.float64)
        return np.subtract.outer(self.tau_s, starts_s)

    def flown_s(self, since_s: FloatArray) -> FloatArray:
        """Seconds of flight in the step ending at each sample (0 before launch)."""
        flown = np.clip(since_s, 0.0, self.step_s)
        flown[0] = 0.0
        return flown


def simulate_truth(scenario: ResolvedScenario, rng: np.random.Generator) -> Truth:
    """Fly every target of ``scenario`` over its duration, drawing noise from ``rng``."""
    step_s = scenario.truth_step_s
    tau_s = np.arange(0.0, scenario.duration_s + 1e-6 * step_s, step_s)
    targets = scenario.targets
    shape = (tau_s.size, len(targets))
    x_m, y_m, alt_m = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    alive = np.zeros(shape, dtype=bool)
    lat0 = float(np.mean([t.route[0][0] for t in targets])) if targets else 0.0
    lon0 = float(np.mean([t.route[0][1] for t in targets])) if targets else 0.0
    proj = Proj(f"+proj=aeqd +lat_0={lat0:.9f} +lon_0={lon0:.9f} +ellps=WGS84 +units=m")
    grid = _Grid(tau_s, step_s, scenario.ground_m, lat0)
    routes = _project_routes(proj, targets)
    groups: tuple[tuple[tuple[str, ...], Callable[..., Flight]], ...] = (
        (("gerbera", "shahed"), functools.partial(_fly_fixed_wing, kind=_OWA)),
        (("light_aircraft",), functools.partial(_fly_fixed_wing, kind=_LIGHT)),
        (("airliner",), functools.partial(_fly_fixed_wing, kind=_AIRLINER)),
        (("quadcopter", "rid_drone"), _fly_multirotor),
        (("balloon",), functools.partial(_fly_balloon, wind=WindField(scenario.wind))),
        (("bird_flock",), _fly_flock),
    )
    known = {name for names, _ in groups for name in names}
    unknown = sorted({t.model for t in targets} - known)
    if unknown:
        raise ValueError(f"no flight model for {unknown}")
    for names, fly in groups:  # a fixed order, so the draws from rng are reproducible
        idx = [i for i, t in enumerate(targets) if t.model in names]
        if idx:
            flight = fly([targets[i] for i in idx], [routes[i] for i in idx], grid, rng)
            x_m[:, idx], y_m[:, idx], alt_m[:, idx], alive[:, idx] = flight
    alive &= ~np.logical_or.accumulate(np.hypot(x_m, y_m) > SCENE_RADIUS_M, axis=0)

    vx_mps = _finite_velocity(x_m, alive, step_s)
    vy_mps = _finite_velocity(y_m, alive, step_s)
    vu_mps = _finite_velocity(alt_m, alive, step_s)
    ve_mps, vn_mps = _rotate(vx_mps, vy_mps, _convergence_rad(x_m, y_m, lat0))
    lat, lon = np.full(shape, np.nan), np.full(shape, np.nan)
    if alive.any():
        lon_a, lat_a = proj(x_m[alive], y_m[alive], inverse=True)
        lat[alive], lon[alive] = lat_a, lon_a

    def masked(values: FloatArray) -> FloatArray:
        return np.where(alive, values, np.nan)

    return Truth(
        t_s=scenario.start_t_s + tau_s,
        targets=targets,
        lat=lat,
        lon=lon,
        alt_m=masked(alt_m),
        vel_e_mps=masked(ve_mps),
        vel_n_mps=masked(vn_mps),
        vel_u_mps=masked(vu_mps),
        alive=alive,
    )


# --- shared kernels ---------------------------------------------------------------------


def _project_routes(proj: Proj, targets: Sequence[TargetSpec]) -> list[FloatArray]:
    """Each target's route as ``(m, 3)`` rows ``[x_m, y_m, alt_m]`` in the aeqd plane."""
    if not targets:
        return []
    points = np.array([p for t in targets for p in t.route], dtype=np.float64)
    x, y = proj(points[:, 1], points[:, 0])
    xya = np.column_stack([x, y, points[:, 2]])
    splits = np.cumsum([len(t.route) for t in targets])[:-1]
    return list(np.split(xya, splits))


def _ou(
    rng: np.random.Generator, shape: tuple[int, int], tau_s: float, sigma: float, step_s: float
) -> FloatArray:
    """Stationary Ornstein-Uhlenbeck samples along axis 0: exact discretisation, rms ``sigma``."""
    keep = float(np.exp(-step_s / tau_s))
    w = rng.standard_normal(shape)
    w[0] *= sigma
    w[1:] *= sigma * np.sqrt(1.0 - keep * keep)
    return np.asarray(lfilter([1.0], [1.0, -keep], w, axis=0), dtype=np.float64)


def _wander(
    rng: np.random.Generator,
    shape: tuple[int, int],
    rate_tau_s: float,
    pull_tau_s: float,
    step_s: float,
) -> FloatArray:
    """Smooth random offsets along axis 0, about unit rms once settled, starting at zero.

    An Ornstein-Uhlenbeck drift rate integrated with a pull back to zero: unlike an OU
    offset it has a velocity, so the track is smooth rather than jittery. The stationary
    variance of ``x' = -x / pull + rate`` with a unit-rms rate of correlation time
    ``rate_tau`` is ``rate_tau * pull**2 / (rate_tau + pull)``: dividing by its root
    normalises.
    """
    rate = _ou(rng, shape, rate_tau_s, 1.0, step_s)
    offset = lfilter([step_s], [1.0, -np.exp(-step_s / pull_tau_s)], rate, axis=0)
    rms = np.sqrt(rate_tau_s * pull_tau_s**2 / (rate_tau_s + pull_tau_s))
    return np.asarray(offset / rms, dtype=np.float64)


def _convergence_rad(x_m: npt.ArrayLike, y_m: npt.ArrayLike, lat0: float) -> FloatArray:
    """Angle from plane north to true north at plane points (true bearing = plane + angle).

    On a sphere the radial line from the centre is a great circle leaving at azimuth
    ``a1 = atan2(x, y)``; its azimuth ``a2`` on arrival at distance ``d`` is
    ``atan2(sin a1 cos phi0, cos d cos phi0 cos a1 - sin phi0 sin d)``. The aeqd map is
    conformal to within 0.04 % at 300 km, so ``a2 - a1`` rotates every direction there.
    """
    x, y = np.asarray(x_m, dtype=np.float64), np.asarray(y_m, dtype=np.float64)
    a1 = np.arctan2(x, y)
    d = np.hypot(x, y) / EARTH_RADIUS_M
    phi0 = np.radians(lat0)
    a2 = np.arctan2(
        np.sin(a1) * np.cos(phi0),
        np.cos(d) * np.cos(phi0) * np.cos(a1) - np.sin(phi0) * np.sin(d),
    )
    return np.asarray(np.remainder(a2 - a1 + np.pi, 2.0 * np.pi) - np.pi, dtype=np.float64)


def _rotate(
    ve: FloatArray, vn: FloatArray, angle_rad: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Turn horizontal vectors clockwise (their bearing grows) by ``angle_rad``."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return ve * c + vn * s, vn * c - ve * s


def _finite_velocity(pos_m: FloatArray, alive: BoolArray, step_s: float) -> FloatArray:
    """Rate of change along axis 0: central, one-sided at each alive run's ends."""
    if pos_m.shape[0] < 2:
        return np.zeros_like(pos_m)
    diff = np.diff(pos_m, axis=0) / step_s
    fwd = np.concatenate([diff, diff[-1:]])
    bwd = np.concatenate([diff[:1], diff])
    before, after = np.zeros_like(alive), np.zeros_like(alive)
    before[1:], after[:-1] = alive[:-1], alive[1:]
    central = np.asarray(np.gradient(pos_m, step_s, axis=0), dtype=np.float64)
    return np.where(alive & ~before, fwd, np.where(alive & ~after, bwd, central))


def _alive(since_s: FloatArray, dead: BoolArray) -> BoolArray:
    """Flying from launch until the first dead sample (crash, landing) after it."""
    launched = since_s >= 0.0
    return launched & ~np.logical_or.accumulate(launched & dead, axis=0)


def _cumlen(xy: FloatArray) -> FloatArray:
    return np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])


def _unit(v: FloatArray) -> FloatArray:
    norm = np.hypot(v[..., 0], v[..., 1])[..., None]
    return np.where(norm > 0.0, v / np.where(norm > 0.0, norm, 1.0), 0.0)


def _round_corners(xy: FloatArray, radius_m: float) -> tuple[FloatArray, FloatArray]:
    """Replace interior corners by fly-by arcs of ``radius_m``.

    Returns the new polyline and each waypoint's along-track position on it (the arc's
    middle, the closest point to the waypoint). A radius too large for the legs shrinks
    so that an arc takes at most half of each adjacent leg.
    """
    if len(xy) < 3 or radius_m <= 0.0:
        return xy, _cumlen(xy)
    out, mid = [xy[0]], [0]
    for j in range(1, len(xy) - 1):
        u_in, u_out = _unit(xy[j] - xy[j - 1]), _unit(xy[j + 1] - xy[j])
        cross = u_in[0] * u_out[1] - u_in[1] * u_out[0]  # > 0: a left turn
        turn = float(np.arctan2(cross, np.dot(u_in, u_out)))
        if abs(turn) < 1e-3:
            mid.append(len(out))
            out.append(xy[j])
            continue
        half_tan = np.tan(abs(turn) / 2.0)
        legs = np.hypot(*(xy[j] - xy[j - 1])), np.hypot(*(xy[j + 1] - xy[j]))
        d = min(radius_m * half_tan, 0.5 * legs[0], 0.5 * legs[1])
        r = d / half_tan
        start = xy[j] - u_in * d
        centre = start + np.sign(turn) * r * np.array([-u_in[1], u_in[0]])
        # Chords of at most 1 degree, an odd count so the arc has a middle point.
        n_pts = 2 * max(2, int(np.ceil(abs(turn) / np.radians(2.0)))) + 1
        phi = np.linspace(0.0, turn, n_pts)
        v0 = start - centre
        arc = centre + np.column_stack(
            [v0[0] * np.cos(phi) - v0[1] * np.sin(phi), v0[0] * np.sin(phi) + v0[1] * np.cos(phi)]
        )
        mid.append(len(out) + n_pts // 2)
        out.extend(arc)
    mid.append(len(out))
    out.append(xy[-1])
    path = np.array(out)
    return path, _cumlen(path)[mid]


def _alt_schedule(
    s_m: FloatArray, s_wp_m: FloatArray, alt_wp_m: FloatArray, slope: float
) -> FloatArray:
    """Return the altitude at each along-track position ``s_m``.

    From each waypoint the target heads for the next one's altitude at most ``slope``
    metres per metre flown, then holds it (a leg too short arrives off height).
    """
    if len(alt_wp_m) == 1:
        return np.full_like(s_m, alt_wp_m[0])
    reached = [float(alt_wp_m[0])]
    for j in range(len(alt_wp_m) - 1):
        limit = slope * (s_wp_m[j + 1] - s_wp_m[j])
        reached.append(reached[-1] + float(np.clip(alt_wp_m[j + 1] - reached[-1], -limit, limit)))
    leg = np.clip(np.searchsorted(s_wp_m, s_m, side="right") - 1, 0, len(alt_wp_m) - 1)
    target = np.append(alt_wp_m[1:], alt_wp_m[-1])[leg]
    base = np.array(reached)[leg]
    along = slope * np.maximum(s_m - s_wp_m[leg], 0.0)
    return np.asarray(base + np.clip(target - base, -along, along), dtype=np.float64)


def _heading_vector(spec: TargetSpec, xy: FloatArray, lat0: float) -> FloatArray:
    """Return the unit plane vector of the target's true ``heading_deg`` at plane point ``xy``."""
    psi = np.radians(spec.heading_deg) - float(_convergence_rad(xy[0], xy[1], lat0))
    return np.array([np.sin(psi), np.cos(psi)])


# --- models -----------------------------------------------------------------------------


def _fly_fixed_wing(
    specs: Sequence[TargetSpec],
    routes: Sequence[FloatArray],
    grid: _Grid,
    rng: np.random.Generator,
    kind: _FixedWing,
) -> Flight:
    """Route followers (see the module docstring), vectorised over time per target."""
    since = grid.since_launch_s(specs)
    shape, step = since.shape, grid.step_s
    jitter = _ou(rng, shape, SPEED_TAU_S, SPEED_SIGMA, step)
    offset = XTRACK_SIGMA_M * _wander(rng, shape, XTRACK_RATE_TAU_S, XTRACK_PULL_TAU_S, step)
    alt_noise = _ou(rng, shape, ALT_TAU_S, ALT_SIGMA_M, step)
    speed = np.array([s.speed_mps for s in specs])
    endurance = np.array([s.endurance_s for s in specs])
    powered = (since < endurance) if kind.fuel_limited else np.ones(shape, dtype=bool)
    factor = np.where(powered, 1.0, OWA_GLIDE_SPEED_FACTOR) * np.clip(1.0 + jitter, 0.5, 1.5)
    s_m = np.cumsum(speed * factor * grid.flown_s(since), axis=0)
    x, y, alt = np.empty(shape), np.empty(shape), np.empty(shape)
    dead = np.zeros(shape, dtype=bool)
    for i, spec in enumerate(specs):
        xy, alt_wp = routes[i][:, :2], np.maximum(routes[i][:, 2], grid.ground_m + MIN_AGL_M)
        single = len(xy) == 1
        end = "leave" if single else spec.end
        turn_r = spec.speed_mps**2 / (G_MPS2 * np.tan(np.radians(kind.bank_deg or 30.0)))
        path, s_wp = _round_corners(xy, turn_r if kind.bank_deg else 0.0)
        length = float(s_wp[-1])
        u_last = _heading_vector(spec, xy[0], grid.lat0) if single else _unit(path[-1] - path[-2])
        si = s_m[:, i]
        # Beyond the route, a straight run on the last leg: 'leave' flies it, and the
        # others need it so that central differences at their end sample stay exact.
        path = np.vstack([path, path[-1] + u_last * (si[-1] + 1_000.0)])
        s_path = _cumlen(path)
        seg = np.clip(np.searchsorted(s_path, si, side="right") - 1, 0, len(path) - 2)
        u_seg = _unit(np.diff(path, axis=0))[seg]
        k = np.searchsorted(s_wp, si)
        last = len(s_wp) - 1
        to_wp = np.minimum(si - s_wp[np.clip(k - 1, 0, last)], s_wp[np.clip(k, 0, last)] - si)
        taper_m = XTRACK_TAPER_S * max(spec.speed_mps, 1.0)  # slowly: no heading kinks
        lat_off = offset[:, i] * np.clip(to_wp / taper_m, 0.0, 1.0)
        x[:, i] = np.interp(si, s_path, path[:, 0]) - u_seg[:, 1] * lat_off
        y[:, i] = np.interp(si, s_path, path[:, 1]) + u_seg[:, 0] * lat_off
        if end == "loiter":  # right-hand orbit tangent to the last leg at the last waypoint
            r = max(turn_r, LOITER_MIN_RADIUS_M)
            centre = path[-2] + r * np.array([u_last[1], -u_last[0]])
            v0, phi = path[-2] - centre, np.maximum(si - length, 0.0) / r
            orbit = si > length
            x[orbit, i] = (centre[0] + v0[0] * np.cos(phi) + v0[1] * np.sin(phi))[orbit]
            y[orbit, i] = (centre[1] - v0[0] * np.sin(phi) + v0[1] * np.cos(phi))[orbit]
        climb = kind.climb_mps / max(spec.speed_mps, 1.0)
        profile = _alt_schedule(si, s_wp, alt_wp, climb)
        if end in ("crash", "land"):
            angle = OWA_DIVE_DEG if end == "crash" else LAND_APPROACH_DEG
            slope = max(
                np.tan(np.radians(angle)), (alt_wp.max() - grid.ground_m) / max(length, 1.0)
            )
            profile = np.minimum(profile, grid.ground_m + (length - si) * slope)
            dead[:, i] = si >= length
        if kind.fuel_limited:
            k_out = min(int(np.searchsorted(since[:, i], spec.endurance_s)), len(si) - 1)
            glide = profile[k_out] - (si - si[k_out]) / max(spec.glide_ratio, 1.0)
            profile[k_out:] = np.minimum(profile[k_out:], glide[k_out:])
        alt[:, i] = profile + alt_noise[:, i]
        dead[:, i] |= alt[:, i] <= grid.ground_m
    return x, y, alt, _alive(since, dead)


def _fly_multirotor(
    specs: Sequence[TargetSpec], routes: Sequence[FloatArray], grid: _Grid, rng: np.random.Generator
) -> Flight:
    """Quadcopters: hover at waypoints, dash between, land on a flat battery or the route end."""
    since = grid.since_launch_s(specs)
    shape, step = since.shape, grid.step_s
    drift_x = _wander(rng, shape, QUAD_DRIFT_RATE_TAU_S, QUAD_DRIFT_PULL_TAU_S, step)
    drift_y = _wander(rng, shape, QUAD_DRIFT_RATE_TAU_S, QUAD_DRIFT_PULL_TAU_S, step)
    alt_noise = _ou(rng, shape, QUAD_ALT_TAU_S, QUAD_ALT_SIGMA_M, step)
    x, y, alt = np.empty(shape), np.empty(shape), np.empty(shape)
    for i, spec in enumerate(specs):
        xy, alt_wp = routes[i][:, :2], np.maximum(routes[i][:, 2], grid.ground_m + MIN_AGL_M)
        hover_s = rng.uniform(*QUAD_HOVER_S, size=len(xy))
        single = len(xy) == 1
        s_wp = _cumlen(xy)
        dash_s = np.maximum(
            np.diff(s_wp) / max(spec.speed_mps, 0.1), np.abs(np.diff(alt_wp)) / QUAD_CLIMB_MPS
        )
        # Schedule knots (time, along-track, altitude): hover at a waypoint, dash to the next.
        knot_t, knot_s, knot_alt = [0.0], [0.0], [float(alt_wp[0])]
        for j in range(len(xy) - 1):
            knot_t += [knot_t[-1] + hover_s[j], knot_t[-1] + hover_s[j] + dash_s[j]]
            knot_s += [float(s_wp[j]), float(s_wp[j + 1])]
            knot_alt += [float(alt_wp[j]), float(alt_wp[j + 1])]
        arrive_s = knot_t[-1]
        u_last = np.zeros(2) if single else _unit(xy[-1] - xy[-2])
        far_m = spec.speed_mps * (grid.tau_s[-1] + 1.0) + 1_000.0
        path = np.vstack([xy, xy[-1] + u_last * far_m])
        if spec.end == "leave" and not single:
            knot_t.append(arrive_s + far_m / max(spec.speed_mps, 0.1))
            knot_s.append(float(s_wp[-1]) + far_m)
            knot_alt.append(float(alt_wp[-1]))
        land_s = spec.endurance_s
        if spec.end in ("land", "crash") and not single:
            land_s = min(land_s, arrive_s)
        t_i = np.minimum(since[:, i], land_s)
        si = np.interp(t_i, knot_t, knot_s)
        sink = QUAD_FALL_MPS if spec.end == "crash" else QUAD_LAND_MPS
        alt[:, i] = np.interp(t_i, knot_t, knot_alt) - sink * np.maximum(since[:, i] - land_s, 0.0)
        sigma_m = QUAD_LOITER_DRIFT_M if single else QUAD_ROUTE_DRIFT_M
        s_path = _cumlen(path)
        x[:, i] = np.interp(si, s_path, path[:, 0]) + sigma_m * drift_x[:, i]
        y[:, i] = np.interp(si, s_path, path[:, 1]) + sigma_m * drift_y[:, i]
    alt += alt_noise
    return x, y, alt, _alive(since, alt <= grid.ground_m)


def _fly_balloon(
    specs: Sequence[TargetSpec],
    routes: Sequence[FloatArray],
    grid: _Grid,
    rng: np.random.Generator,
    wind: WindField,
) -> Flight:
    """Balloons: drift with the wind at their height plus turbulence, sinking steadily."""
    since = grid.since_launch_s(specs)
    shape, step = since.shape, grid.step_s
    turb_e = _ou(rng, shape, BALLOON_TURB_TAU_S, BALLOON_TURB_SIGMA_MPS, step)
    turb_n = _ou(rng, shape, BALLOON_TURB_TAU_S, BALLOON_TURB_SIGMA_MPS, step)
    start = np.array([r[0] for r in routes])
    alt0 = np.maximum(start[:, 2], grid.ground_m + MIN_AGL_M)
    descent = np.array([s.descent_mps for s in specs])
    alt = alt0 - descent * np.maximum(since, 0.0)
    wind_e, wind_n = wind.velocity_mps(alt)
    ve, vn = wind_e + turb_e, wind_n + turb_n
    flown = grid.flown_s(since)
    convergence: FloatArray = _convergence_rad(start[:, 0], start[:, 1], grid.lat0)
    # Two passes: the wind is local east/north, so its plane direction depends on where
    # the balloon is; the second pass uses the first pass's positions (error ~1e-4).
    for _ in range(2):
        vx, vy = _rotate(ve, vn, -convergence)
        mean_x = np.concatenate([vx[:1], 0.5 * (vx[1:] + vx[:-1])])  # trapezoidal rule
        mean_y = np.concatenate([vy[:1], 0.5 * (vy[1:] + vy[:-1])])
        x = start[:, 0] + np.cumsum(mean_x * flown, axis=0)
        y = start[:, 1] + np.cumsum(mean_y * flown, axis=0)
        convergence = _convergence_rad(x, y, grid.lat0)
    endurance = np.array([s.endurance_s for s in specs])
    return x, y, alt, _alive(since, (alt <= grid.ground_m) | (since >= endurance))


def _fly_flock(
    specs: Sequence[TargetSpec], routes: Sequence[FloatArray], grid: _Grid, rng: np.random.Generator
) -> Flight:
    """Bird flocks: erratic heading, speed and height; 'loiter' flocks mill about their start."""
    since = grid.since_launch_s(specs)
    shape, step = since.shape, grid.step_s
    wander = _ou(rng, shape, BIRD_TAU_S, np.radians(BIRD_HEADING_SIGMA_DEG), step)
    walk = np.cumsum(rng.standard_normal(shape) * BIRD_TURN_RATE_RAD * np.sqrt(step), axis=0)
    speed_jitter = _ou(rng, shape, BIRD_TAU_S, BIRD_SPEED_SIGMA, step)
    alt_wander = _ou(rng, shape, BIRD_TAU_S * 5.0, BIRD_ALT_SIGMA_M, step)
    start = np.array([r[0] for r in routes])
    loiter = np.array([s.end == "loiter" for s in specs])
    psi0 = np.radians([s.heading_deg for s in specs]) - _convergence_rad(
        start[:, 0], start[:, 1], grid.lat0
    )
    psi = psi0 + np.where(loiter, walk, wander)
    speed = np.array([s.speed_mps for s in specs]) * np.clip(1.0 + speed_jitter, 0.3, None)
    flown = grid.flown_s(since)
    x, y = np.empty(shape), np.empty(shape)
    for comp, v, out in ((0, np.sin(psi) * speed, x), (1, np.cos(psi) * speed, y)):
        step_m = np.zeros(shape)
        step_m[1:] = v[:-1] * flown[1:]
        # Displacement from the start; loiterers forget a little of it every step (the
        # pull home), the others keep it all (a plain running sum).
        for mask, keep in ((loiter, np.exp(-step / BIRD_PULL_TAU_S)), (~loiter, 1.0)):
            if mask.any():
                out[:, mask] = start[mask, comp] + lfilter(
                    [1.0], [1.0, -keep], step_m[:, mask], axis=0
                )
    alt0 = np.maximum(start[:, 2], grid.ground_m + MIN_AGL_M)
    alt = np.maximum(
        alt0 + np.clip(alt_wander, -BIRD_ALT_SPAN_M, BIRD_ALT_SPAN_M), grid.ground_m + MIN_AGL_M / 2
    )
    endurance = np.array([s.endurance_s for s in specs])
    return x, y, alt, _alive(since, since >= endurance)
