"""Alert timelines of the simulated incidents, against the truth (issue: alerting targets).

Usage: python bench/alert_timelines.py [--seed N] [SCENARIO ...]
       (default: lt-2025-07-28-defended lt-2025-07-10-defended lt-2025-10-balloons confusers)

``--seed`` runs each scenario with that seed instead of its own: the same scenario drawn
again (another wander of the flights, noise, clutter and misses).

Each scenario is simulated and run through the whole pipeline (tracking, assessment,
alerting with the geography's rule set) into a temporary folder
(``skywarden.evaluation.alerts``). Printed per scenario:

- every alert: id, level path (e.g. yellow > red > white), kind, zones or sites, raised
  and cleared times, and the tracks that caused it;
- for the scenario's threat targets (one-way attack drones): when the truth first enters
  the protected country and which municipality; when the truth first enters each
  municipality and when that municipality was first warned (lead time, positive =
  before); the alerted municipalities farther than 30 km from the threat's true path;
  the shelter advisories; the time of the last all-clear against the end of the truth;
- for balloons: the share of class lines saying balloon among tracks that follow a
  balloon, the red alert events, and how much of the time any balloon was within the
  airport rule's distance of an airport that airport's advisory was up;
- for every scenario, the public alert events (yellow, red) counted by what their
  tracks follow (``attribute_tracks``: a target's model, or "no object").

Facts only, no pass or fail: the scenario tests assert the targets.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from skywarden.alerting.rules import load_rules
from skywarden.core.enums import ObjectClass
from skywarden.core.time import format_rfc3339, parse_rfc3339
from skywarden.evaluation.alerts import (
    attribute_tracks,
    class_share,
    first_over,
    first_warned,
    near_site,
    off_path_zones,
    site_alert_up,
)
from skywarden.evaluation.harness import AlertRun, run_alerts
from skywarden.sim.catalog import MODELS

DEFAULT = (
    "lt-2025-07-28-defended",
    "lt-2025-07-10-defended",
    "lt-2025-10-balloons",
    "confusers",
)
OFF_PATH_M = 30_000.0


def hhmmss(t_s: float) -> str:
    return format_rfc3339(t_s)[11:19]


def run_one(name: str, seed: int | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="sw-alerts-") as tmp:
        run = run_alerts(name, Path(tmp), seed)
    summary, truth = run.summary, run.sim.truth
    drawn = "" if seed is None else f" (seed {seed})"
    print(f"\n## {name}{drawn}: {run.sim.scenario.title}")
    print(
        f"{summary.detections:,} detections, {summary.tracks_confirmed} tracks confirmed,"
        f" {summary.alerts_raised} alerts, {summary.alert_events} alert events,"
        f" {summary.cap_messages} CAP messages"
    )
    by_id: dict[str, list[dict[str, Any]]] = {}
    for a in run.alerts:
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
    of_class = {
        c: [i for i, t in enumerate(truth.targets) if MODELS[t.model].obj_class is c]
        for c in ObjectClass
    }
    for i in of_class[ObjectClass.OWA_DRONE]:
        threat_report(run, i)
    model_of = {t.target_id: t.model for t in truth.targets}
    follows = {
        tid: model_of.get(target, target)
        for tid, target in attribute_tracks(run.geography, truth, run.tracks).items()
    }
    if of_class[ObjectClass.BALLOON]:
        balloon_report(run, of_class[ObjectClass.BALLOON], follows)
    public = run.public
    if not of_class[ObjectClass.OWA_DRONE]:
        print(f"  no threat target: public alert events {len(public)}")
    if public:
        causes: dict[str, int] = {}
        for a in public:
            for what in sorted({follows.get(t, "no object") for t in a["track_ids"]}):
                causes[what] = causes.get(what, 0) + 1
        listed = ", ".join(f"{k} {v}" for k, v in sorted(causes.items(), key=lambda kv: -kv[1]))
        print(f"  public alert events by what their tracks follow: {listed}")


def threat_report(run: AlertRun, i: int) -> None:
    geo, truth = run.geography, run.sim.truth
    label = truth.targets[i].target_id
    over = first_over(geo, truth, i)
    end_s = float(truth.t_s[truth.alive[:, i]][-1])
    if not over:
        print(f"  {label}: never over the protected country")
        return
    entry = min(over, key=lambda z: over[z])
    print(
        f"  {label}: enters at {hhmmss(over[entry])} over {entry} ({geo.zones[entry].name});"
        f" truth ends {hhmmss(end_s)}"
    )
    warned = first_warned(run.alerts)
    for z, tz in sorted(over.items(), key=lambda kv: kv[1]):
        w = warned.get(z)
        lead = "never warned" if w is None else f"warned {hhmmss(w)}, lead {tz - w:+.0f} s"
        print(f"    {z} {geo.zones[z].name}: first over it {hhmmss(tz)}, {lead}")
    far = off_path_zones(geo, truth, i, sorted(warned), OFF_PATH_M)
    listed = ", ".join(f"{z} ({d / 1000.0:.0f} km)" for z, d in far.items()) or "none"
    print(f"    warned municipalities more than 30 km off its true path: {listed}")
    shelters = [a for a in run.alerts if a["kind"] == "shelter_advisory" and a["state"] == "raised"]
    print(
        "    shelter advisories: "
        + (
            ", ".join(f"{a['site_ids'][0]} {hhmmss(parse_rfc3339(a['time']))}" for a in shelters)
            or "none"
        )
    )
    public_ids = {a["alert_id"] for a in run.public}
    clears = [
        parse_rfc3339(a["time"])
        for a in run.alerts
        if a["state"] == "cleared" and a["alert_id"] in public_ids
    ]
    if clears:
        last = max(clears)
        lag = f"{last - end_s:+.0f} s after the truth ends"
        print(f"    last public all-clear: {hhmmss(last)} ({lag})")


def balloon_report(run: AlertRun, balloons: Sequence[int], follows: dict[str, str]) -> None:
    geo, truth = run.geography, run.sim.truth
    share, n_lines = class_share(
        run.tracks, follows, {truth.targets[i].model for i in balloons}, "balloon"
    )
    reds = sum(a["level"] == "red" for a in run.alerts)
    print(
        f"  balloons: {len(balloons)} targets; {share:.0%} of the {n_lines:,} class lines of"
        f" tracks following a balloon say balloon; red alert events: {reds}"
    )
    # the airport advisory against the balloons' true positions, second by second
    for rule in load_rules(geo.name, geo).rules:
        within_m = rule.target.within_m
        if rule.target.site_kind != "airport" or within_m is None:
            continue
        for site in (s for s in geo.sites.values() if s.kind == "airport"):
            inside = near_site(geo, truth, balloons, site.id, within_m)
            if not inside.any():
                continue
            up = site_alert_up(truth.t_s, run.alerts, rule.kind.value, site.id)
            covered = (inside & up).sum() / inside.sum()
            first_in = float(truth.t_s[np.flatnonzero(inside)[0]])
            ups = np.flatnonzero(up)
            first_up = hhmmss(float(truth.t_s[ups[0]])) if ups.size else "never"
            print(
                f"  {rule.id} for {site.id}: a balloon within {within_m / 1000:.0f} km"
                f" for {inside.sum():,} s (first {hhmmss(first_in)}); the advisory was up for"
                f" {covered:.0%} of that time (first {first_up}), and for"
                f" {(up & ~inside).sum():,} s with none there"
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=None, help="draw with this seed instead")
    parser.add_argument("scenarios", nargs="*", default=list(DEFAULT))
    args = parser.parse_args(argv)
    for name in args.scenarios:
        run_one(name, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
