"""A PNG map of a simulated scenario: truth tracks and detections over borders and zones.

Drawn on a bare matplotlib ``Figure`` (Agg: no display, no global backend switch) in
longitude/latitude with the aspect ratio of the map's middle latitude, so distances look
right. Country outlines come
from the geography pack's small-scale borders, municipal outlines from its zones, with
the pack's attribution in the corner.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from skywarden.core.types import AdsbReport, Bearing, Plot, RemoteIdReport, Report
from skywarden.geo.zones import Geography
from skywarden.sim.run import SimResult

__all__ = ["plot_scenario"]

_CLASS_COLOURS = {
    "owa_drone": "#d62728",
    "quadcopter": "#ff7f0e",
    "balloon": "#9467bd",
    "manned_aircraft": "#1f77b4",
    "bird": "#2ca02c",
    "unknown": "#7f7f7f",
}
# How long a bearing ray is drawn: long enough to see where it points, short enough not
# to cover the map (bearings carry no range).
_RAY_M = 4000.0


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def _draw_layer(ax: Any, path: Path, colour: str, width: float) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    for feature in doc["features"]:
        for ring in _rings(feature["geometry"]):
            xy = np.asarray(ring)
            ax.plot(xy[:, 0], xy[:, 1], color=colour, linewidth=width, zorder=1)


def plot_scenario(result: SimResult, geography: Geography, path: Path) -> None:
    """Write a PNG map of ``result`` to ``path``."""
    truth = result.truth
    fig = Figure(figsize=(11, 9), dpi=110)
    ax = fig.subplots()
    if "zones" in geography.files:
        _draw_layer(ax, geography.files["zones"], "#d9d9d9", 0.4)
    layer = geography.files.get("borders_small_scale") or geography.files["borders"]
    _draw_layer(ax, layer, "#404040", 1.0)

    for i, target in enumerate(truth.targets):
        alive = truth.alive[:, i]
        if not alive.any():
            continue
        colour = _CLASS_COLOURS.get(target.obj_class.value, "#7f7f7f")
        ax.plot(truth.lon[alive, i], truth.lat[alive, i], color=colour, linewidth=1.2, zorder=3)
        k_end = int(np.flatnonzero(alive)[-1])
        if k_end < len(truth.t_s) - 1:  # it came down (or left) before the scenario's end
            ax.plot(truth.lon[k_end, i], truth.lat[k_end, i], marker="x", color=colour, zorder=4)

    dets = result.synth.detections
    plots = [(d.lon, d.lat) for d in dets if isinstance(d, Plot)]
    coop = [(d.lon, d.lat) for d in dets if isinstance(d, AdsbReport | RemoteIdReport)]
    reports = [(d.lon, d.lat) for d in dets if isinstance(d, Report)]
    if plots:
        xy = np.asarray(plots)
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=1,
            c="#17becf",
            alpha=0.25,
            label=f"plots ({len(plots)})",
            zorder=2,
        )
    if coop:
        xy = np.asarray(coop)
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=2,
            c="#1f77b4",
            alpha=0.4,
            label=f"ADS-B / Remote ID ({len(coop)})",
            zorder=2,
        )
    if reports:
        xy = np.asarray(reports)
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=18,
            marker="^",
            c="#e377c2",
            label=f"people's reports ({len(reports)})",
            zorder=5,
        )
    bearings = [d for d in dets if isinstance(d, Bearing)]
    if bearings:
        step = max(1, len(bearings) // 400)  # a few hundred rays show the picture
        for d in bearings[::step]:
            az = math.radians(d.az_deg)
            d_lat = _RAY_M * math.cos(az) / 111_320.0
            d_lon = _RAY_M * math.sin(az) / (111_320.0 * math.cos(math.radians(d.sensor_lat)))
            ax.plot(
                [d.sensor_lon, d.sensor_lon + d_lon],
                [d.sensor_lat, d.sensor_lat + d_lat],
                color="#bcbd22",
                linewidth=0.4,
                alpha=0.6,
                zorder=2,
            )
        ax.plot([], [], color="#bcbd22", label=f"bearings ({len(bearings)}, 1 in {step} drawn)")
    sensors = result.scenario.sensors
    ax.scatter(
        [s.lon for s in sensors],
        [s.lat for s in sensors],
        s=10,
        marker="s",
        c="black",
        label=f"sensors ({len(sensors)})",
        zorder=6,
    )
    ax.plot([], [], marker="x", linestyle="none", color="#404040", label="end of flight")
    for cls, colour in _CLASS_COLOURS.items():
        if any(t.obj_class.value == cls for t in truth.targets):
            ax.plot([], [], color=colour, label=f"truth: {cls}")

    # Frame the map on where things happen: the sensors and the middle 98 % of the truth
    # points, so an airliner leaving for 1,000 km does not shrink the picture to a dot.
    lat_pts = np.concatenate([truth.lat[truth.alive], [s.lat for s in sensors]])
    lon_pts = np.concatenate([truth.lon[truth.alive], [s.lon for s in sensors]])
    lat_lo, lat_hi = np.percentile(lat_pts, [1.0, 99.0])
    lon_lo, lon_hi = np.percentile(lon_pts, [1.0, 99.0])
    lat_c = 0.5 * float(lat_lo + lat_hi)
    pad_deg = 0.15 + 0.1 * float(lat_hi - lat_lo)
    ax.set_xlim(float(lon_lo) - 1.7 * pad_deg, float(lon_hi) + 1.7 * pad_deg)
    ax.set_ylim(float(lat_lo) - pad_deg, float(lat_hi) + pad_deg)
    ax.set_aspect(1.0 / math.cos(math.radians(lat_c)))
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.set_title(f"{result.scenario.name}: {result.scenario.title}", fontsize=10)
    ax.legend(loc="upper left", fontsize=7, framealpha=0.85)
    ax.text(
        0.99,
        0.01,
        " ; ".join(geography.attribution),
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=6,
        color="#606060",
    )
    ax.grid(True, linewidth=0.3, alpha=0.4)
    fig.tight_layout()
    fig.savefig(path)
