"""Where tracks are going: predicted paths, widening corridors, and times of arrival.

Vectorised over all tracks at once (the assessor calls it with every track of a batch).

**Path.** Each track flies on at its current velocity (the tracker's estimate): a
one-way attack drone cruises on straight legs between waypoints, and a balloon drifts
with a wind that changes slowly, so straight-line extrapolation is the honest baseline.
Positions are in the geography's sector frame (ENU metres, ``geography.frame``), sampled every
``step_s`` up to ``horizon_s``.

**Corridor.** The half-width at lead time ``t`` is ``k · sqrt(σ_h² + (σ_v · t)²)``:
``σ_h`` is the track's horizontal sigma now; ``σ_v``, the velocity uncertainty, is taken
as ``max(VEL_SIGMA_FLOOR_MPS, VEL_SIGMA_FRACTION · speed)`` (10 %: a heading change of
about 6 degrees per sigma, a drone between waypoints or a balloon in veering wind) since
the contract's track update carries no velocity covariance; ``k = CORRIDOR_SIGMAS`` (2,
about 95 % across the track). After 30 minutes a 36 m/s drone's corridor is about
13 km either side of its line: the warning widens as the prediction weakens.

**Arrival.** A track reaches a site when the corridor first touches the site's circle
(centre-line distance ≤ site radius + half-width), and a zone when any of three lines
(the centre line and the corridor's two edges) first lies over it. Times are lead times
in seconds from the track's own time; ``inf`` where not reached within the horizon.

**Crossings.** Where the corridor gives the *earliest* arrival (a warning's lead), the
centre line gives the *expected* one: :func:`border_entries_s` is the lead time at which
a track now outside the protected country's airspace enters it along its centre line
(the zone look-up's centre-line samples, refined between the last sample outside and
the first inside by bisection to ``step_s / 2**BORDER_BISECTIONS``), and
:func:`site_arrivals_s` on :func:`centre_line` the time the centre line reaches a site's
circle (an airport's zone, say).

Pure functions; thread-safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from skywarden.geo.zones import Geography, Site

__all__ = [
    "BORDER_BISECTIONS",
    "CORRIDOR_SIGMAS",
    "VEL_SIGMA_FLOOR_MPS",
    "VEL_SIGMA_FRACTION",
    "PathForecast",
    "border_entries_s",
    "centre_line",
    "corridor_zones",
    "forecast_paths",
    "site_arrivals_s",
    "zone_arrivals_s",
]

FloatArray = npt.NDArray[np.float64]
StrArray = npt.NDArray[np.str_]

CORRIDOR_SIGMAS = 2.0
VEL_SIGMA_FLOOR_MPS = 2.0
VEL_SIGMA_FRACTION = 0.1
# Halvings of the sample interval around a border entry: 60 s / 2**6, about 1 s (45 m
# of a Shahed), for six look-ups of at most one point per track.
BORDER_BISECTIONS = 6


@dataclass(frozen=True, slots=True)
class PathForecast:
    """Predicted centre lines and corridor half-widths of N tracks at K lead times.

    ``lead_s (K,)`` starts at 0 (now); ``e_m``, ``n_m``, ``half_width_m`` are ``(N, K)``
    in the geography's plane; ``dir_en (N, 2)`` is each track's unit direction of travel
    (east, north; zero for a track at rest).
    """

    lead_s: FloatArray
    e_m: FloatArray
    n_m: FloatArray
    half_width_m: FloatArray
    dir_en: FloatArray


def forecast_paths(
    e_m: npt.ArrayLike,
    n_m: npt.ArrayLike,
    vel_e_mps: npt.ArrayLike,
    vel_n_mps: npt.ArrayLike,
    sigma_h_m: npt.ArrayLike,
    horizon_s: float,
    step_s: float,
) -> PathForecast:
    """Straight-line paths with widening corridors for tracks at ``(e_m, n_m)`` now."""
    if horizon_s <= 0.0 or step_s <= 0.0:
        raise ValueError(f"horizon_s and step_s must be positive, got {horizon_s}, {step_s}")
    e = np.atleast_1d(np.asarray(e_m, dtype=np.float64))
    n = np.atleast_1d(np.asarray(n_m, dtype=np.float64))
    ve = np.atleast_1d(np.asarray(vel_e_mps, dtype=np.float64))
    vn = np.atleast_1d(np.asarray(vel_n_mps, dtype=np.float64))
    sh = np.atleast_1d(np.asarray(sigma_h_m, dtype=np.float64))
    if not e.shape == n.shape == ve.shape == vn.shape == sh.shape:
        raise ValueError("e_m, n_m, vel_e_mps, vel_n_mps and sigma_h_m must be aligned (N,)")
    lead = np.arange(0.0, horizon_s + 0.5 * step_s, step_s)
    speed = np.hypot(ve, vn)
    sigma_v = np.maximum(VEL_SIGMA_FLOOR_MPS, VEL_SIGMA_FRACTION * speed)
    half = CORRIDOR_SIGMAS * np.sqrt(sh[:, None] ** 2 + (sigma_v[:, None] * lead[None, :]) ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        direction = np.where(speed[:, None] > 0.0, np.column_stack([ve, vn]) / speed[:, None], 0.0)
    return PathForecast(
        lead_s=lead,
        e_m=e[:, None] + ve[:, None] * lead[None, :],
        n_m=n[:, None] + vn[:, None] * lead[None, :],
        half_width_m=half,
        dir_en=np.asarray(direction, dtype=np.float64),
    )


def site_arrivals_s(
    forecast: PathForecast, sites: Sequence[Site], site_en_m: FloatArray
) -> FloatArray:
    """Lead time (s) at which each track's corridor first touches each site: ``(N, S)``.

    ``site_en_m (S, 2)`` are the sites' centres in the same plane. A site already inside
    the corridor now has 0; ``inf`` where the horizon ends first. Between samples the
    arrival is interpolated linearly on the clearance (distance minus reach).
    """
    n_tracks = forecast.e_m.shape[0]
    if not sites:
        return np.full((n_tracks, 0), np.inf)
    radius = np.array([s.radius_m for s in sites])
    de = forecast.e_m[:, :, None] - site_en_m[None, None, :, 0]
    dn = forecast.n_m[:, :, None] - site_en_m[None, None, :, 1]
    clearance = np.hypot(de, dn) - (radius[None, None, :] + forecast.half_width_m[:, :, None])
    return _first_crossing(forecast.lead_s, clearance)


def centre_line(forecast: PathForecast) -> PathForecast:
    """Return the forecast with a corridor of zero width (arrivals of the centre line)."""
    return replace(forecast, half_width_m=np.zeros_like(forecast.half_width_m))


def corridor_zones(forecast: PathForecast, geography: Geography) -> StrArray:
    """Alert zone under the corridor's three lines at every lead time: ``(N, K, 3)``.

    Lines: ``[..., 0]`` the centre line, ``[..., 1]`` and ``[..., 2]`` the left and right
    edges (offset across the direction of travel by the half-width). ``""`` outside the
    protected country (:meth:`Geography.zone_of`).
    """
    n_tracks, n_lead = forecast.e_m.shape
    across = np.column_stack([-forecast.dir_en[:, 1], forecast.dir_en[:, 0]])  # left normal
    es, ns = [], []
    for side in (0.0, 1.0, -1.0):
        off = side * forecast.half_width_m
        es.append(forecast.e_m + off * across[:, 0, None])
        ns.append(forecast.n_m + off * across[:, 1, None])
    e = np.stack(es, axis=2)  # (N, K, 3)
    n = np.stack(ns, axis=2)
    lat, lon, _ = geography.frame.from_enu(e.ravel(), n.ravel(), np.zeros(e.size))
    return geography.zone_of(lat, lon).reshape(n_tracks, n_lead, 3)


def zone_arrivals_s(
    forecast: PathForecast, geography: Geography, zones: StrArray | None = None
) -> list[dict[str, float]]:
    """For each track, the zones its corridor passes over within the horizon: zone -> lead s.

    Three lines are tested at every lead time: the centre line and the two corridor edges
    (:func:`corridor_zones`; pass its result as ``zones`` to look them up only once). A
    zone's lead time is the first sample at which any line lies over it; the zone under
    the track now has 0.
    """
    if zones is None:
        zones = corridor_zones(forecast, geography)
    n_tracks, n_lead = forecast.e_m.shape
    out: list[dict[str, float]] = []
    for i in range(n_tracks):
        first: dict[str, float] = {}
        for k in range(n_lead):
            for zone_id in zones[i, k].tolist():
                if zone_id and zone_id not in first:
                    first[zone_id] = float(forecast.lead_s[k])
        out.append(first)
    return out


def border_entries_s(
    forecast: PathForecast,
    geography: Geography,
    zones: StrArray,
    bisections: int = BORDER_BISECTIONS,
) -> FloatArray:
    """Lead time (s) at which each track's centre line enters the protected airspace: ``(N,)``.

    ``zones`` is :func:`corridor_zones` of the same forecast. ``inf`` for a track inside
    the protected country now (no entry to make) and one whose centre line stays outside
    within the horizon (heading away, or past it). The entry lies between the last
    sample outside and the first inside; ``bisections`` halvings of that interval (each a
    country look-up of one point per entering track) narrow it, and the midpoint of the
    final interval is returned.
    """
    inside = zones[:, :, 0] != ""
    out = np.full(inside.shape[0], np.inf)
    rows = np.flatnonzero(~inside[:, 0] & inside.any(axis=1))
    if rows.size == 0:
        return out
    k = np.argmax(inside[rows], axis=1)  # first sample inside, >= 1
    lead = forecast.lead_s
    t0, t1 = lead[k - 1], lead[k]
    e0, e1 = forecast.e_m[rows, k - 1], forecast.e_m[rows, k]
    n0, n1 = forecast.n_m[rows, k - 1], forecast.n_m[rows, k]
    lo, hi = t0.astype(np.float64), t1.astype(np.float64)
    for _ in range(bisections):
        mid = 0.5 * (lo + hi)
        frac = (mid - t0) / (t1 - t0)
        lat, lon, _ = geography.frame.from_enu(
            e0 + frac * (e1 - e0), n0 + frac * (n1 - n0), np.zeros(rows.size)
        )
        now_in = geography.country_of(lat, lon) == geography.protected_country
        hi = np.where(now_in, mid, hi)
        lo = np.where(now_in, lo, mid)
    out[rows] = 0.5 * (lo + hi)
    return out


def _first_crossing(lead_s: FloatArray, clearance: FloatArray) -> FloatArray:
    """First lead time at which ``clearance (N, K, S)`` drops to 0 or below: ``(N, S)``."""
    inside = clearance <= 0.0
    any_inside = inside.any(axis=1)
    k = np.argmax(inside, axis=1)  # first True along the lead axis (0 when none)
    out = np.full(k.shape, np.inf)
    idx_n, idx_s = np.nonzero(any_inside)
    kk = k[idx_n, idx_s]
    t = lead_s[kk].astype(np.float64)
    prev = kk > 0
    if prev.any():
        c1 = clearance[idx_n[prev], kk[prev], idx_s[prev]]
        c0 = clearance[idx_n[prev], kk[prev] - 1, idx_s[prev]]
        t0, t1 = lead_s[kk[prev] - 1], lead_s[kk[prev]]
        frac = c0 / np.maximum(c0 - c1, 1e-12)
        t[prev] = t0 + frac * (t1 - t0)
    out[idx_n, idx_s] = t
    return out
