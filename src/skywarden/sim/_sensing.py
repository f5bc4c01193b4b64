"""Machinery the sensor models share: parameters, truth sampling, latency, sky and sound.

Internal to ``skywarden.sim``; the public names are re-exported by
:mod:`skywarden.sim.sensors`. Everything here is a pure function of its arguments, or a
frozen dataclass, and every random draw comes from a ``numpy.random.Generator`` passed
in.

Sampling truth at a sensor's times: the truth is a regular grid (``Truth.t_s``, step
``dt``); a sensor looks at arbitrary times ``t``. :func:`sample_truth` interpolates
linearly between the two grid samples around ``t``, ``x(t) = (1 - w)·x[k] + w·x[k+1]``
with ``k = floor((t - t0) / dt)`` and ``w = (t - t0) / dt - k``, and counts a target as
present only when it is alive at both samples. Latitude and longitude are interpolated
in degrees: over one truth step (a few hundred metres at most) the error is far below a
millimetre, and no scenario crosses the antimeridian.

Culling: a swarm scenario has hundreds of targets, thousands of scans per sensor and a
line of a hundred short-range acoustic nodes, so evaluating every (scan, target) pair
of every sensor would cost billions of operations. :class:`TruthIndex` keeps, per block
of :data:`BLOCK_SAMPLES` truth samples, each target's latitude and longitude bounding
box; :func:`candidate_pairs` keeps only the (scan, target) pairs whose box comes within
a sensor's reach, using a distance that never overestimates, so no detectable pair is
ever lost.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from skywarden.core.types import Detection
from skywarden.geo.frames import SiteFrame, enu_rotation
from skywarden.geo.zones import Geography
from skywarden.sim.scenarios import SensorSpec
from skywarden.sim.truth import Truth
from skywarden.tracking.measurement import angle_diff_deg

__all__ = [
    "ABSORPTION_DB_PER_M",
    "ALL_ROUND_DEG",
    "BLOCK_SAMPLES",
    "EARTH_RADIUS_M",
    "NIGHT_SUN_DEG",
    "REFRACTION_K",
    "SPEED_OF_SOUND_MPS",
    "TAPER_FACTOR",
    "Observed",
    "SensorContext",
    "SensorParams",
    "TruthIndex",
    "TruthSamples",
    "arrival_t_s",
    "audible_range_m",
    "candidate_pairs",
    "frame_velocity_mps",
    "in_sector",
    "is_night",
    "offset_deg",
    "pairs_in_reach",
    "radio_horizon_m",
    "sample_truth",
    "scan_times_s",
    "site_frame",
    "sound_level_db",
    "sun_elevation_deg",
    "taper_pd",
    "target_flags",
    "target_values",
    "unit_hash",
    "with_arrival",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

# Mean Earth radius (IUGG): horizons and sound need no ellipsoid.
EARTH_RADIUS_M = 6_371_008.8
# Standard atmosphere refraction bends radio (and radar) rays so that they reach as far
# as straight rays over an Earth 4/3 larger (the "4/3-Earth" model, ITU-R P.453).
REFRACTION_K = 4.0 / 3.0
# Speed of sound at 20 °C; at -10 °C it is 325 m/s, a 5 % change of the delay only.
SPEED_OF_SOUND_MPS = 343.0
# Truth samples per culling block: 32 s at the usual 1 s step, in which a Shahed moves
# 1.6 km; smaller blocks cull better but cost more boxes (T / 32 x N of them).
BLOCK_SAMPLES = 32
# A culling distance must never exceed the true one: metres per degree of latitude are
# at least 110,574 m (at the equator), and the box test takes 1 % more slack still.
_MIN_M_PER_DEG_LAT = 110_574.0
_MAX_M_PER_DEG_LON_EQUATOR = 111_320.0
_CULL_SLACK = 0.99
# WGS84, for turning small metre offsets into degrees.
_WGS84_A_M = 6_378_137.0
_WGS84_E2 = 6.694379990141317e-3


@dataclass(frozen=True, slots=True)
class SensorParams:
    """Every parameter of one sensor with its type's defaults filled in (SI units).

    The five first fields every type sets; the others default to "not used by this
    type". ``clutter_per_scan`` ``None`` means "``clutter_per_km2`` times the covered
    area"; ``az_center_deg`` ``None`` means all-round coverage.
    """

    revisit_s: float  # time between scans (or reports, or evaluations for observers)
    latency_s: float  # mean delay from measurement to arrival
    latency_jitter_s: float  # arrival = t + latency_s + U(-jitter, +jitter)
    range_m: float  # the type's reference range (see skywarden.sim.sensors)
    pd: float  # per-scan detection probability inside the range (a cap for radars)
    sigma_range_m: float = 0.0
    sigma_az_deg: float = 0.0
    sigma_el_deg: float = 0.0
    sigma_alt_m: float = 0.0
    clutter_per_scan: float | None = 0.0
    clutter_per_km2: float = 0.0
    az_center_deg: float | None = None
    az_width_deg: float = 360.0
    elevation: bool = False  # acoustic: does the node measure elevation
    people_per_km2: float = 0.0
    false_reports_per_h: float = 0.0
    # radars: no echo from targets lower than this above the ground (terrain and forest
    # screening, clutter maps and MTI that suppress low slow targets); 0 = only the horizon
    min_agl_m: float = 0.0


@dataclass(frozen=True, slots=True)
class TruthIndex:
    """Per-block latitude/longitude bounding boxes of every target, for coarse culling.

    Arrays have shape ``(B, N)``: block ``b`` covers truth samples ``b·L`` to
    ``(b+1)·L`` inclusive (``L = block_samples``; the extra sample lets interpolation
    between the last sample of a block and the first of the next stay inside the box).
    A target never alive in a block has NaN bounds there. ``max_speed_mps`` is the
    highest speed of any target, to widen a reach for models that look at a target
    some time away from the scan (see :func:`pairs_in_reach`). Immutable; thread-safe.
    """

    block_samples: int
    shape: tuple[int, int]  # (T, N) of the truth it indexes
    max_speed_mps: float
    lat_min: FloatArray
    lat_max: FloatArray
    lon_min: FloatArray
    lon_max: FloatArray

    @classmethod
    def build(cls, truth: Truth, block_samples: int = BLOCK_SAMPLES) -> TruthIndex:
        """Index ``truth``: one pass of ``fmin``/``fmax`` reductions, NaN (not alive) ignored."""
        n_t, n_tgt = truth.lat.shape
        if n_t == 0 or n_tgt == 0 or not truth.alive.any():
            empty = np.full((0, n_tgt), np.nan)
            return cls(block_samples, (n_t, n_tgt), 0.0, empty, empty, empty, empty)
        lat = np.where(truth.alive, truth.lat, np.nan)
        lon = np.where(truth.alive, truth.lon, np.nan)
        speed_sq = truth.vel_e_mps**2 + truth.vel_n_mps**2 + truth.vel_u_mps**2
        max_speed_mps = float(np.sqrt(np.max(speed_sq, where=truth.alive, initial=0.0)))
        starts = np.arange(0, n_t, block_samples)

        def reduce(a: FloatArray, op: np.ufunc) -> FloatArray:
            out = np.asarray(op.reduceat(a, starts, axis=0), dtype=np.float64)
            out[:-1] = op(out[:-1], a[starts[1:]])  # the next block's first sample
            return out

        return cls(
            block_samples,
            (n_t, n_tgt),
            max_speed_mps,
            reduce(lat, np.fmin),
            reduce(lat, np.fmax),
            reduce(lon, np.fmin),
            reduce(lon, np.fmax),
        )


@dataclass(frozen=True, slots=True)
class SensorContext:
    """What every sensor model needs besides its spec, the truth and a generator.

    ``ground_m`` is the scenario's ground height above mean sea level (horizons, heights
    above ground, clutter heights); ``geography`` the loaded pack (population for the
    observers; ``None`` treats everywhere as populated countryside); ``index`` a
    :class:`TruthIndex` of the truth being observed, built once by
    :func:`skywarden.sim.synth.synthesize` and shared by all sensors (``None``: each
    sensor builds its own). Immutable; thread-safe.
    """

    ground_m: float
    geography: Geography | None = None
    index: TruthIndex | None = None

    def index_for(self, truth: Truth) -> TruthIndex:
        """Return the shared index, checked against ``truth``, or build a fresh one."""
        if self.index is None:
            return TruthIndex.build(truth)
        if self.index.shape != truth.lat.shape:
            raise ValueError(
                f"SensorContext.index was built for truth of shape {self.index.shape}, "
                f"not {truth.lat.shape}"
            )
        return self.index


@dataclass(frozen=True, slots=True)
class TruthSamples:
    """Target states interpolated at given times: flat arrays of one length ``P``."""

    target: IntArray  # column of the target in the truth
    t_s: FloatArray
    lat: FloatArray
    lon: FloatArray
    alt_m: FloatArray
    vel_e_mps: FloatArray
    vel_n_mps: FloatArray
    vel_u_mps: FloatArray
    alive: BoolArray

    def take(self, keep: IntArray | BoolArray) -> TruthSamples:
        """Return the samples selected by a mask or an index array."""
        return TruthSamples(
            self.target[keep],
            self.t_s[keep],
            self.lat[keep],
            self.lon[keep],
            self.alt_m[keep],
            self.vel_e_mps[keep],
            self.vel_n_mps[keep],
            self.vel_u_mps[keep],
            self.alive[keep],
        )


def _grid_step_s(truth: Truth) -> float:
    return float(truth.t_s[1] - truth.t_s[0]) if truth.t_s.size > 1 else 1.0


def scan_times_s(truth: Truth, revisit_s: float, rng: np.random.Generator) -> FloatArray:
    """Scan times ``t0 + phase + j·revisit`` over the truth's span, with a random phase.

    Sensors are not synchronised with each other nor with the truth grid: the phase is
    drawn uniformly in ``[0, revisit)``.
    """
    if truth.t_s.size == 0:
        return np.empty(0)
    t0, t1 = float(truth.t_s[0]), float(truth.t_s[-1])
    first = t0 + float(rng.uniform(0.0, revisit_s))
    n_scans = max(int(np.floor((t1 - first) / revisit_s)) + 1, 0)
    return first + revisit_s * np.arange(n_scans, dtype=np.float64)


def candidate_pairs(
    truth: Truth,
    index: TruthIndex,
    t_s: FloatArray,
    lat0: float,
    lon0: float,
    reach_m: float,
) -> tuple[IntArray, IntArray]:
    """(scan, target) index pairs whose target may be within ``reach_m`` of a site.

    ``t_s`` must be sorted. The test uses each block's bounding box and a distance that
    never exceeds the true great-circle one, so a pair within reach is never dropped;
    pairs returned may still be out of reach (the caller checks exactly).
    """
    n_t, _ = truth.lat.shape
    if t_s.size == 0 or index.lat_min.size == 0:
        return np.empty(0, np.intp), np.empty(0, np.intp)
    k0 = np.clip(np.floor((t_s - truth.t_s[0]) / _grid_step_s(truth)), 0, n_t - 1)
    block = k0.astype(np.intp) // index.block_samples
    with np.errstate(invalid="ignore"):
        d_lat = np.maximum(np.maximum(index.lat_min - lat0, lat0 - index.lat_max), 0.0)
        d_lon = np.maximum(np.maximum(index.lon_min - lon0, lon0 - index.lon_max), 0.0)
        top_lat = np.maximum(np.maximum(np.abs(index.lat_min), np.abs(index.lat_max)), abs(lat0))
        m_per_deg_lon = _MAX_M_PER_DEG_LON_EQUATOR * np.cos(np.radians(np.minimum(top_lat, 90.0)))
        dist_m = np.hypot(d_lat * _MIN_M_PER_DEG_LAT, d_lon * m_per_deg_lon) * _CULL_SLACK
        near = dist_m <= reach_m  # NaN (never alive in the block) compares False
    near_block, near_target = np.nonzero(near)
    lo = np.searchsorted(block, near_block, side="left")
    hi = np.searchsorted(block, near_block, side="right")
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, np.intp), np.empty(0, np.intp)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    scan = np.repeat(lo, counts) + offsets
    return scan.astype(np.intp), np.repeat(near_target, counts).astype(np.intp)


def sample_truth(truth: Truth, t_s: FloatArray, target: IntArray) -> TruthSamples:
    """Interpolate each ``target`` at its time ``t_s`` (see the module docstring)."""
    n_t = truth.t_s.size
    if n_t == 0:
        raise ValueError("truth has no samples")
    # A NaN time (from a NaN position upstream) samples nothing: it is simply not alive.
    inside = (t_s >= truth.t_s[0]) & (t_s <= truth.t_s[-1])
    t_safe = np.where(inside, t_s, truth.t_s[0])
    f = np.clip((t_safe - truth.t_s[0]) / _grid_step_s(truth), 0.0, n_t - 1.0)
    k0 = np.minimum(np.floor(f).astype(np.intp), n_t - 1)
    k1 = np.minimum(k0 + 1, n_t - 1)
    w = f - k0
    alive = inside & truth.alive[k0, target] & truth.alive[k1, target]

    def lerp(a: FloatArray) -> FloatArray:
        return np.asarray((1.0 - w) * a[k0, target] + w * a[k1, target], dtype=np.float64)

    return TruthSamples(
        target,
        np.asarray(t_s, dtype=np.float64),
        lerp(truth.lat),
        lerp(truth.lon),
        lerp(truth.alt_m),
        lerp(truth.vel_e_mps),
        lerp(truth.vel_n_mps),
        lerp(truth.vel_u_mps),
        alive,
    )


def arrival_t_s(
    t_s: FloatArray, latency_s: float, jitter_s: float, rng: np.random.Generator
) -> FloatArray:
    """Arrival times ``t + latency + U(-jitter, +jitter)``, never before ``t``."""
    delay_s = latency_s + rng.uniform(-jitter_s, jitter_s, size=t_s.shape)
    return np.asarray(t_s + np.maximum(delay_s, 0.0), dtype=np.float64)


def offset_deg(
    lat: FloatArray, d_e_m: FloatArray, d_n_m: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Latitude and longitude increments (degrees) for small east/north offsets (metres).

    On the WGS84 ellipsoid: ``dlat = dn / M``, ``dlon = de / (N cos(lat))``, with the
    meridional radius ``M = a(1-e²)/(1-e² sin²φ)^1.5`` and the prime-vertical radius
    ``N = a/sqrt(1-e² sin²φ)``. Good to 1e-4 relative for offsets of a few kilometres.
    """
    phi = np.radians(lat)
    s2 = 1.0 - _WGS84_E2 * np.sin(phi) ** 2
    m_radius = _WGS84_A_M * (1.0 - _WGS84_E2) / s2**1.5
    n_radius = _WGS84_A_M / np.sqrt(s2)
    return (
        np.asarray(np.degrees(d_n_m / m_radius), dtype=np.float64),
        np.asarray(np.degrees(d_e_m / (n_radius * np.cos(phi))), dtype=np.float64),
    )


def radio_horizon_m(height_m: npt.ArrayLike) -> FloatArray:
    """Distance (m) to the radio horizon from a height above ground, 4/3-Earth model.

    ``d = sqrt(2 k R h)`` with ``k = 4/3``: 16 km from a 15 m mast, 41 km for a target
    100 m up. Two heights see each other up to the sum of their horizons. Negative
    heights count as zero.
    """
    h = np.maximum(np.asarray(height_m, dtype=np.float64), 0.0)
    return np.asarray(np.sqrt(2.0 * REFRACTION_K * EARTH_RADIUS_M * h), dtype=np.float64)


def frame_velocity_mps(
    frame: SiteFrame,
    lat: FloatArray,
    lon: FloatArray,
    vel_e_mps: FloatArray,
    vel_n_mps: FloatArray,
    vel_u_mps: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Rotate velocities from each point's local ENU axes into the frame's ENU axes.

    ``v_frame = R0 · (ve·E + vn·N + vu·U)`` where ``E, N, U`` are the point's local unit
    vectors in ECEF and the rows of ``R0`` the frame's. 150 km from a radar the axes
    differ by 1.3°: about 1 m/s of radial speed at 45 m/s.
    """
    phi, lam = np.radians(lat), np.radians(lon)
    sp, cp, sl, cl = np.sin(phi), np.cos(phi), np.sin(lam), np.cos(lam)
    x = -sl * vel_e_mps - sp * cl * vel_n_mps + cp * cl * vel_u_mps
    y = cl * vel_e_mps - sp * sl * vel_n_mps + cp * sl * vel_u_mps
    z = cp * vel_n_mps + sp * vel_u_mps
    r0 = enu_rotation(frame.lat0, frame.lon0)  # rows: the frame's E, N, U in ECEF
    return (
        np.asarray(r0[0, 0] * x + r0[0, 1] * y + r0[0, 2] * z, dtype=np.float64),
        np.asarray(r0[1, 0] * x + r0[1, 1] * y + r0[1, 2] * z, dtype=np.float64),
        np.asarray(r0[2, 0] * x + r0[2, 1] * y + r0[2, 2] * z, dtype=np.float64),
    )


def sun_elevation_deg(t_s: npt.ArrayLike, lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """Elevation of the Sun's centre above the horizon (degrees), good to about 0.1°.

    The Astronomical Almanac's low-precision formulae, with ``d`` days since J2000.0:
    mean anomaly ``g = 357.529 + 0.98560028 d``, mean longitude ``q = 280.459 +
    0.98564736 d``, ecliptic longitude ``L = q + 1.915 sin g + 0.020 sin 2g``, obliquity
    ``ε = 23.439 - 3.6e-7 d``; declination ``δ = asin(sin ε sin L)``, right ascension
    ``α = atan2(cos ε sin L, cos L)``; Greenwich mean sidereal time ``θ = 280.46061837 +
    360.98564736629 d``; hour angle ``h = θ + lon - α``;
    ``sin(el) = sin(lat) sin δ + cos(lat) cos δ cos h``.
    """
    d = np.asarray(t_s, dtype=np.float64) / 86_400.0 - 10_957.5  # J2000.0 is 2000-01-01 12:00 UTC
    g = np.radians(357.529 + 0.98560028 * d)
    q_deg = 280.459 + 0.98564736 * d
    ecl = np.radians(q_deg + 1.915 * np.sin(g) + 0.020 * np.sin(2.0 * g))
    eps = np.radians(23.439 - 3.6e-7 * d)
    dec = np.arcsin(np.sin(eps) * np.sin(ecl))
    ra = np.arctan2(np.cos(eps) * np.sin(ecl), np.cos(ecl))
    hour = np.radians(280.46061837 + 360.98564736629 * d + np.asarray(lon, dtype=np.float64))
    hour = hour - ra
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    sin_el = np.sin(phi) * np.sin(dec) + np.cos(phi) * np.cos(dec) * np.cos(hour)
    return np.asarray(np.degrees(np.arcsin(np.clip(sin_el, -1.0, 1.0))), dtype=np.float64)


# Sound: spherical spreading plus atmospheric absorption. 5 dB/km is the brief's figure
# for the 200-500 Hz band of a piston engine in humid air (ISO 9613-1 gives 1-3 dB/km at
# 500 Hz; wind, ground and turbulence losses are folded in) [U].
ABSORPTION_DB_PER_M = 5.0e-3


def sound_level_db(loudness_db: npt.ArrayLike, range_m: npt.ArrayLike) -> FloatArray:
    """Received sound level (dB) of a source of level ``loudness_db`` at 1 m.

    ``L(R) = L1 - 20 log10(R / 1 m) - α R`` with ``α`` = :data:`ABSORPTION_DB_PER_M`;
    ranges below 1 m count as 1 m.
    """
    r = np.maximum(np.asarray(range_m, dtype=np.float64), 1.0)
    level = np.asarray(loudness_db, dtype=np.float64) - 20.0 * np.log10(r)
    return np.asarray(level - ABSORPTION_DB_PER_M * r, dtype=np.float64)


def audible_range_m(loudness_db: npt.ArrayLike, floor_db: float) -> FloatArray:
    """Range (m) at which :func:`sound_level_db` falls to ``floor_db``; 0 if never above it.

    ``L(R)`` decreases monotonically, so 60 bisection steps between 1 m and 1,000 km
    give the root to well under a millimetre, for all sources at once.
    """
    loud = np.asarray(loudness_db, dtype=np.float64)
    lo = np.ones_like(loud)
    hi = np.full_like(loud, 1.0e6)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        above = sound_level_db(loud, mid) > floor_db
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return np.asarray(np.where(sound_level_db(loud, 1.0) > floor_db, lo, 0.0), dtype=np.float64)


# --- small helpers of the sensor models ---------------------------------------------------

Observed = list[tuple[float, Detection]]
ALL_ROUND_DEG = 360.0
NIGHT_SUN_DEG = -6.0  # civil twilight: with the Sun lower than this it is night
TAPER_FACTOR = 1.2  # brief 3.1: Pd falls to zero at 1.2 x the range


def site_frame(spec: SensorSpec) -> SiteFrame:
    """Return the sensor's local ENU frame, origin at its antenna or microphone."""
    return SiteFrame(spec.lat, spec.lon, spec.alt_m)


def in_sector(az_deg: FloatArray, params: SensorParams) -> BoolArray:
    """Whether azimuths lie in the sensor's sector (all round when it has none)."""
    if params.az_center_deg is None or params.az_width_deg >= ALL_ROUND_DEG:
        return np.ones(az_deg.shape, dtype=bool)
    off_deg = np.abs(angle_diff_deg(az_deg, params.az_center_deg))
    return np.asarray(off_deg <= params.az_width_deg / 2.0, dtype=bool)


def taper_pd(range_m: FloatArray, nominal_m: npt.ArrayLike, pd: float) -> FloatArray:
    """``pd`` up to ``nominal_m``, falling linearly to zero at 1.2 x ``nominal_m``."""
    nominal = np.asarray(nominal_m, dtype=np.float64)
    frac = (TAPER_FACTOR * nominal - range_m) / ((TAPER_FACTOR - 1.0) * nominal)
    return np.asarray(pd * np.clip(frac, 0.0, 1.0), dtype=np.float64)


def is_night(t_s: npt.ArrayLike, lat: npt.ArrayLike, lon: npt.ArrayLike) -> BoolArray:
    """Whether the Sun is below civil twilight (-6°) at each time and place."""
    return np.asarray(sun_elevation_deg(t_s, lat, lon) < NIGHT_SUN_DEG, dtype=bool)


def unit_hash(text: str) -> float:
    """Return a stable number in [0, 1) for a string (CRC-32), for per-object constants."""
    return zlib.crc32(text.encode("utf-8")) / 2.0**32


def with_arrival(arrival: FloatArray, detections: Sequence[Detection]) -> Observed:
    """Pair detections with their arrival times."""
    return list(zip(arrival.tolist(), detections, strict=True))


def target_values(truth: Truth, attribute: str) -> FloatArray:
    """One numeric attribute of every target spec, as an ``(N,)`` array."""
    return np.array([float(getattr(t, attribute)) for t in truth.targets], dtype=np.float64)


def target_flags(truth: Truth, attribute: str) -> BoolArray:
    """One boolean attribute of every target spec, as an ``(N,)`` array."""
    return np.array([bool(getattr(t, attribute)) for t in truth.targets], dtype=bool)


def pairs_in_reach(
    spec: SensorSpec,
    truth: Truth,
    ctx: SensorContext,
    t_scan: FloatArray,
    reach_m: float,
    eligible: BoolArray,
    lead_s: float = 0.0,
) -> tuple[IntArray, TruthSamples]:
    """Scan indices and alive truth samples (at the scan times) of the targets in reach.

    Coarse (see :func:`candidate_pairs`): the caller tests the exact range. A model
    that looks at targets up to ``lead_s`` away from the scan time (a radar's beam
    sweep, the sound's travel time) passes it, and the reach grows by the distance the
    fastest target covers in that time, so that no pair it could detect is dropped.
    """
    index = ctx.index_for(truth)
    reach_m += index.max_speed_mps * lead_s
    scan, target = candidate_pairs(truth, index, t_scan, spec.lat, spec.lon, reach_m)
    keep = eligible[target]
    scan, target = scan[keep], target[keep]
    samples = sample_truth(truth, t_scan[scan], target)
    return scan[samples.alive], samples.take(samples.alive)
