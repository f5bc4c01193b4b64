"""Alert timelines against the truth of a simulated scenario (benchmarks and scenario tests).

The functions read a run's output lines (``evaluation.harness.run_alerts``) against the
simulator's truth:

- :func:`attribute_tracks`: what each track follows, the truth target (its id) nearest it (median
  horizontal distance over its lines while targets fly) or ``"no object"`` beyond
  :data:`FALSE_TRACK_M`;
- :func:`zone_shape` and :func:`off_path_zones`: alerted municipalities farther than a
  distance from a target's true path;
- :func:`first_over` and :func:`first_warned`: when a target first flies over each zone and
  when each zone was first publicly warned;
- :func:`class_share`: the share of class lines saying a class among tracks that follow
  given targets;
- :func:`near_site` and :func:`site_alert_up`: per truth step, whether any of given targets
  is within a distance of a site, and whether an alert of a kind for that site is up.

Pure functions of their inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from shapely.geometry import LineString, Polygon

from skywarden.core.time import parse_rfc3339
from skywarden.geo.zones import Geography
from skywarden.outputs.cap import zone_polygons
from skywarden.sim.truth import Truth

__all__ = [
    "FALSE_TRACK_M",
    "PUBLIC_LEVELS",
    "attribute_tracks",
    "class_share",
    "first_over",
    "first_warned",
    "near_site",
    "off_path_zones",
    "site_alert_up",
    "zone_shape",
]

FloatArray = npt.NDArray[np.float64]

FALSE_TRACK_M = 1000.0
PUBLIC_LEVELS = ("yellow", "red")


def attribute_tracks(
    geo: Geography, truth: Truth, tracks: Sequence[dict[str, Any]]
) -> dict[str, str]:
    """Each track id -> the id of the truth target it follows, or ``"no object"``."""
    by_track: dict[str, list[dict[str, Any]]] = {}
    for line in tracks:
        by_track.setdefault(line["track_id"], []).append(line)
    out: dict[str, str] = {}
    for tid, lines in by_track.items():
        lines = lines[:: max(1, len(lines) // 40)]
        t = np.array([parse_rfc3339(x["time"]) for x in lines])
        k = np.clip(np.searchsorted(truth.t_s, t), 0, truth.t_s.size - 1)
        e0, n0 = geo.frame.to_en(
            np.array([x["lat"] for x in lines]), np.array([x["lon"] for x in lines])
        )
        e, n = geo.frame.to_en(truth.lat[k], truth.lon[k])  # (lines, targets)
        d = np.hypot(e - np.atleast_1d(e0)[:, None], n - np.atleast_1d(n0)[:, None])
        d = np.where(truth.alive[k], d, np.inf)
        d = d[np.isfinite(d).any(axis=1)]  # lines while some target flies
        if d.size == 0:
            out[tid] = "no object"
            continue
        med = np.median(d, axis=0)
        i = int(np.argmin(med))
        out[tid] = truth.targets[i].target_id if med[i] <= FALSE_TRACK_M else "no object"
    return out


def zone_shape(geo: Geography, zone_id: str) -> Polygon:
    """Return a zone's outline in the sector frame (metres): its largest CAP polygon."""
    best: Polygon | None = None
    for text in zone_polygons(geo, zone_id):
        pts = [tuple(map(float, p.split(","))) for p in text.split()]
        e, n = geo.frame.to_en(np.array([p[0] for p in pts]), np.array([p[1] for p in pts]))
        poly = Polygon(zip(np.atleast_1d(e), np.atleast_1d(n), strict=True))
        if best is None or poly.area > best.area:
            best = poly
    if best is None:
        raise ValueError(f"zone {zone_id!r} has no polygon")
    return best


def first_over(geo: Geography, truth: Truth, target: int) -> dict[str, float]:
    """Zone id -> when the target first flies over it (protected country's zones only)."""
    alive = truth.alive[:, target]
    zones = geo.zone_of(truth.lat[alive, target], truth.lon[alive, target])
    t = truth.t_s[alive]
    out: dict[str, float] = {}
    for k in np.flatnonzero(zones != "").tolist():
        out.setdefault(str(zones[k]), float(t[k]))
    return out


def first_warned(alerts: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Zone id -> the time of its first public (yellow or red) alert event."""
    out: dict[str, float] = {}
    for a in alerts:
        if a["level"] in PUBLIC_LEVELS:
            t = parse_rfc3339(a["time"])
            for z in a["zone_ids"]:
                out[z] = min(out.get(z, np.inf), t)
    return out


def off_path_zones(
    geo: Geography, truth: Truth, target: int, zone_ids: Sequence[str], limit_m: float
) -> dict[str, float]:
    """Zones among ``zone_ids`` farther than ``limit_m`` from the target's true path (m)."""
    alive = truth.alive[:, target]
    e, n = geo.frame.to_en(truth.lat[alive, target], truth.lon[alive, target])
    path = LineString(zip(np.atleast_1d(e), np.atleast_1d(n), strict=True))
    out: dict[str, float] = {}
    for z in zone_ids:
        d = float(zone_shape(geo, z).distance(path))
        if d > limit_m:
            out[z] = d
    return out


def class_share(
    tracks: Sequence[dict[str, Any]], follows: dict[str, str], target_ids: set[str], cls: str
) -> tuple[float, int]:
    """Share of confirmed/coasting class lines saying ``cls`` among tracks following the targets.

    ``follows`` is :func:`attribute_tracks`'s map; returns the share and the line count.
    """
    lines = [
        t
        for t in tracks
        if t["status"] in ("confirmed", "coasting")
        and follows.get(t["track_id"]) in target_ids
        and t.get("class")
    ]
    return sum(t["class"] == cls for t in lines) / max(len(lines), 1), len(lines)


def near_site(
    geo: Geography, truth: Truth, targets: Sequence[int], site_id: str, within_m: float
) -> npt.NDArray[np.bool_]:
    """Per truth step: whether any of ``targets`` flies within ``within_m`` of the site."""
    idx = list(targets)
    dist = geo.site_distance_m(np.nan_to_num(truth.lat[:, idx]), np.nan_to_num(truth.lon[:, idx]))
    near = (dist[..., list(geo.sites).index(site_id)] <= within_m) & truth.alive[:, idx]
    return np.asarray(near.any(axis=1), dtype=bool)


def site_alert_up(
    t_s: FloatArray, alerts: Sequence[dict[str, Any]], kind: str, site_id: str
) -> npt.NDArray[np.bool_]:
    """Per time in ``t_s``: whether an alert of ``kind`` for the site is raised and not cleared."""
    spans: dict[str, list[dict[str, Any]]] = {}
    for a in alerts:
        if a["kind"] == kind and a["site_ids"] == [site_id]:
            spans.setdefault(a["alert_id"], []).append(a)
    up = np.zeros(t_s.size, dtype=bool)
    for events in spans.values():
        t0 = parse_rfc3339(events[0]["time"])
        t1 = parse_rfc3339(events[-1]["time"]) if events[-1]["state"] == "cleared" else np.inf
        up |= (t_s >= t0) & (t_s < t1)
    return up
