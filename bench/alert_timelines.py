"""Alert timelines of the simulated incidents, against the truth (issue: alerting targets).

Usage: python bench/alert_timelines.py [SCENARIO ...]
       (default: lt-2025-07-28-defended lt-2025-07-10-defended lt-2025-10-balloons confusers)

Each scenario is simulated and run through the whole pipeline (tracking, assessment,
alerting with the geography's rule set) into a temporary folder. Printed per scenario:

- every alert: id, level path (e.g. yellow > red > white), kind, zones or sites, raised
  and cleared times, and the tracks that caused it;
- for the scenario's threat targets (one-way attack drones): when the truth first enters
  the protected country and which municipality, the first public (yellow or red) alert
  for that municipality; when the truth first enters each municipality and when that
  municipality was first warned (lead time, positive = before); the alerted
  municipalities farther than 30 km from the threat's true path; the time of the last
  all-clear against the end of the truth (the crash);
- for balloons: the share of their tracks' class lines that say balloon, and any red;
- public alerts (yellow, red) in a scenario with no threat target at all, and for every
  scenario the public alert events counted by what their tracks follow: each track is
  put to the truth target nearest it (median horizontal distance over its lines), or to
  "no object" when that is more than ``FALSE_TRACK_M`` away.

Facts only, no pass or fail: the scenario tests assert the targets.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry import LineString, Polygon

from skywarden.core.enums import ObjectClass
from skywarden.core.time import format_rfc3339, parse_rfc3339
from skywarden.geo.zones import Geography, load_geography
from skywarden.outputs.cap import zone_polygons
from skywarden.runtime.pipeline import Pipeline
from skywarden.sim.catalog import MODELS
from skywarden.sim.registry import tracker_config
from skywarden.sim.run import simulate
from skywarden.sim.scenarios import load_scenario, resolve

DEFAULT = (
    "lt-2025-07-28-defended",
    "lt-2025-07-10-defended",
    "lt-2025-10-balloons",
    "confusers",
)
OFF_PATH_M = 30_000.0
FALSE_TRACK_M = 1000.0


def hhmmss(t_s: float) -> str:
    return format_rfc3339(t_s)[11:19]


def zone_shape(geo: Geography, zone_id: str) -> Polygon:
    """A zone's outline in the sector frame (metres), its largest CAP part."""
    best: Polygon | None = None
    for text in zone_polygons(geo, zone_id):
        pts = [tuple(map(float, p.split(","))) for p in text.split()]
        e, n = geo.frame.to_en(np.array([p[0] for p in pts]), np.array([p[1] for p in pts]))
        poly = Polygon(zip(np.atleast_1d(e), np.atleast_1d(n), strict=True))
        if best is None or poly.area > best.area:
            best = poly
    assert best is not None
    return best


def run_one(name: str) -> None:
    resolved = resolve(load_scenario(name))
    sim = simulate(resolved)
    geo = load_geography(resolved.geography)
    config = tracker_config(resolved)
    with tempfile.TemporaryDirectory(prefix="sw-alerts-") as tmp:
        out = Path(tmp)
        with Pipeline(geo, out, config) as pipeline:
            summary = pipeline.run(sim.synth.detections)
        alerts = [json.loads(x) for x in (out / "alerts.jsonl").read_text().splitlines()]
        tracks = [json.loads(x) for x in (out / "tracks.jsonl").read_text().splitlines()]
    print(f"\n## {name}: {resolved.title}")
    print(
        f"{summary.detections:,} detections, {summary.tracks_confirmed} tracks confirmed,"
        f" {summary.alerts_raised} alerts, {summary.alert_events} alert events,"
        f" {summary.cap_messages} CAP messages"
    )
    by_id: dict[str, list[dict[str, Any]]] = {}
    for a in alerts:
        by_id.setdefault(a["alert_id"], []).append(a)
    for alert_id, events in by_id.items():
        levels: list[str] = []
        for e in events:
            if not levels or levels[-1] != e["level"]:
                levels.append(e["level"])
        where = ",".join(events[0]["zone_ids"] or events[0]["site_ids"]) or "-"
        tids = sorted({t for e in events for t in e["track_ids"]})
        end = events[-1]
        cleared = hhmmss(parse_rfc3339(end["time"])) if end["state"] == "cleared" else "open"
        print(
            f"  {alert_id} {' > '.join(levels):<24} {events[0]['kind']:<17} {where:<16}"
            f" {hhmmss(parse_rfc3339(events[0]['time']))} - {cleared}"
            f"  tracks {','.join(tids[:4])}{'...' if len(tids) > 4 else ''}"
        )
    public = [a for a in alerts if a["level"] in ("yellow", "red")]
    truth = sim.truth
    threats = [
        i for i, t in enumerate(truth.targets) if MODELS[t.model].obj_class is ObjectClass.OWA_DRONE
    ]
    balloons = [
        i for i, t in enumerate(truth.targets) if MODELS[t.model].obj_class is ObjectClass.BALLOON
    ]
    for i in threats:
        threat_report(geo, truth, i, public, alerts)
    if balloons:
        classes = [t.get("class") for t in tracks if t["status"] in ("confirmed", "coasting")]
        named = [c for c in classes if c]
        share = sum(c == "balloon" for c in named) / max(len(named), 1)
        reds = sum(a["level"] == "red" for a in alerts)
        print(
            f"  balloons: {len(balloons)} targets; {share:.0%} of confirmed/coasting class lines"
            f" say balloon; red alert events: {reds}"
        )
    if not threats:
        print(f"  no threat target: public alert events {len(public)}")
    if public:
        follows = attribute_tracks(geo, truth, tracks)
        causes: dict[str, int] = {}
        for a in public:
            for what in sorted({follows.get(t, "no object") for t in a["track_ids"]}):
                causes[what] = causes.get(what, 0) + 1
        listed = ", ".join(f"{k} {v}" for k, v in sorted(causes.items(), key=lambda kv: -kv[1]))
        print(f"  public alert events by what their tracks follow: {listed}")


def attribute_tracks(geo: Geography, truth: Any, tracks: list[dict[str, Any]]) -> dict[str, str]:
    """Each track id -> the truth target's model and id it follows, or "no object"."""
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
        e, n = geo.frame.to_en(truth.lat[k], truth.lon[k])  # (len(lines), targets)
        d = np.hypot(e - np.atleast_1d(e0)[:, None], n - np.atleast_1d(n0)[:, None])
        d = np.where(truth.alive[k], d, np.inf)
        d = d[np.isfinite(d).any(axis=1)]  # lines while some target flies
        if d.size == 0:
            out[tid] = "no object"
            continue
        med = np.median(d, axis=0)
        i = int(np.argmin(med))
        target = truth.targets[i]
        out[tid] = f"{target.model}" if med[i] <= FALSE_TRACK_M else "no object"
    return out


def threat_report(
    geo: Geography,
    truth: Any,
    i: int,
    public: list[dict[str, Any]],
    alerts: list[dict[str, Any]],
) -> None:
    alive = truth.alive[:, i]
    t = truth.t_s[alive]
    lat, lon = truth.lat[alive, i], truth.lon[alive, i]
    zones = geo.zone_of(lat, lon)
    inside = np.flatnonzero(zones != "")
    label = truth.targets[i].target_id
    if inside.size == 0:
        print(f"  {label}: never over the protected country")
        return
    k0 = int(inside[0])
    entry_zone = str(zones[k0])
    print(
        f"  {label}: enters at {hhmmss(t[k0])} over {entry_zone}"
        f" ({geo.zones[entry_zone].name}); truth ends {hhmmss(t[-1])}"
    )
    first_seen: dict[str, float] = {}
    for k in inside.tolist():
        first_seen.setdefault(str(zones[k]), float(t[k]))
    warned: dict[str, float] = {}
    for a in public:
        ta = parse_rfc3339(a["time"])
        for z in a["zone_ids"]:
            warned[z] = min(warned.get(z, np.inf), ta)
    for z, tz in first_seen.items():
        w = warned.get(z)
        lead = "never warned" if w is None else f"warned {hhmmss(w)}, lead {tz - w:+.0f} s"
        print(f"    {z} {geo.zones[z].name}: first over it {hhmmss(tz)}, {lead}")
    e, n = geo.frame.to_en(lat, lon)
    path = LineString(zip(e, n, strict=True))
    far = []
    for z in sorted(warned):
        d = zone_shape(geo, z).distance(path)
        if d > OFF_PATH_M:
            far.append(f"{z} ({d / 1000.0:.0f} km)")
    print(
        f"    warned municipalities more than 30 km off its true path: {', '.join(far) or 'none'}"
    )
    public_ids = {a["alert_id"] for a in public}
    clears = [
        parse_rfc3339(a["time"])
        for a in alerts
        if a["state"] == "cleared" and a["alert_id"] in public_ids
    ]
    if public:
        last = max(clears) if clears else None
        lag = "" if last is None else f" ({last - t[-1]:+.0f} s after the truth ends)"
        print(f"    last public all-clear: {hhmmss(last) if last else 'none'}{lag}")


def main(argv: Sequence[str] | None = None) -> int:
    names = list(argv if argv is not None else sys.argv[1:]) or list(DEFAULT)
    for name in names:
        run_one(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
