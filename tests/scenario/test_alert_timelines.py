"""Alert timelines of the simulated incidents, asserted from the output files (issue 5).

Each test simulates one scenario, runs it through the whole pipeline
(``skywarden.evaluation.alerts.run_alerts``) and checks the alerting targets against the
simulator's truth. ``bench/alert_timelines.py`` prints the same timelines in full.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from skywarden.core.time import parse_rfc3339
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

pytestmark = pytest.mark.slow

ONE_MINUTE_S = 60.0


def _every_alert_clears_once(run: AlertRun) -> None:
    by_id: dict[str, list[dict[str, Any]]] = {}
    for a in run.alerts:
        by_id.setdefault(a["alert_id"], []).append(a)
    for events in by_id.values():
        assert events[-1]["state"] == "cleared" and events[-1]["level"] == "white"
        assert sum(e["state"] == "cleared" for e in events) == 1


def _last_public_clear_s(run: AlertRun) -> float:
    public = {p["alert_id"] for p in run.public}
    clears = [
        parse_rfc3339(a["time"])
        for a in run.alerts
        if a["state"] == "cleared" and a["alert_id"] in public
    ]
    assert clears, "no public alert was raised and cleared"
    return max(clears)


def test_28_july_the_path_is_warned_ahead_nothing_far_off_it_and_all_clear_after_the_crash(
    tmp_path: Path,
) -> None:
    run = run_alerts("lt-2025-07-28-defended", tmp_path)
    geo, truth = run.geography, run.sim.truth
    over = first_over(geo, truth, 0)
    warned = first_warned(run.alerts)
    # the municipality the drone enters is warned no later than the drone gets there
    entry = min(over, key=lambda z: over[z])
    assert warned.get(entry, np.inf) <= over[entry], f"{entry} not warned in time"
    # Vilnius city (looked up, not assumed) is warned before the drone reaches it
    city = next(z for z, zone in geo.zones.items() if zone.name.startswith("Vilniaus miesto"))
    assert city in over, "the simulated route crosses Vilnius city"
    assert warned.get(city, np.inf) < over[city]
    # every municipality on the way is warned before the drone gets there
    late = {z: t for z, t in over.items() if not warned.get(z, np.inf) < t}
    assert not late, f"warned late or never: {late}"
    # no public alert for a municipality more than 30 km off the drone's true path
    assert off_path_zones(geo, truth, 0, sorted(warned), 30_000.0) == {}
    # the drone flies over the Seimas: its shelter advisory comes before it gets there
    shelters = {
        a["site_ids"][0]: parse_rfc3339(a["time"])
        for a in run.alerts
        if a["kind"] == "shelter_advisory" and a["state"] == "raised"
    }
    assert "seimas" in shelters
    # Jonava, on the last leg, is warned again when the training area's radar finds the
    # drone; the radar loses it as it comes down where it sees to the ground, so the
    # track is down and the last public alert clears within a minute of the crash
    crashed_s = float(truth.t_s[truth.alive[:, 0]][-1])
    jonava = [
        parse_rfc3339(a["time"])
        for a in run.alerts
        if "LT-10" in a["zone_ids"] and a["state"] == "raised"
    ]
    assert any(crashed_s - 300.0 < t < crashed_s for t in jonava)
    assert crashed_s <= _last_public_clear_s(run) <= crashed_s + ONE_MINUTE_S
    down = [a for a in run.alerts if a["state"] == "cleared" and "is down" in a["reason"]]
    assert down, "the all-clear names the fall"
    _every_alert_clears_once(run)


# The scenario's own draw, and three others: the fall is inferred from the microphones
# that heard the drone going silent (tracker item 9), not by the luck of one draw.
@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_10_july_no_shelter_and_all_clear_within_a_minute_of_the_fall(
    tmp_path: Path, seed: int | None
) -> None:
    run = run_alerts("lt-2025-07-10-defended", tmp_path, seed)
    geo, truth = run.geography, run.sim.truth
    fell_s = float(truth.t_s[truth.alive[:, 0]][-1])
    over = first_over(geo, truth, 0)
    entry = min(over, key=lambda z: over[z])
    # the object is 29 km from the Seimas, falling within minutes: no shelter advisory
    assert not [a for a in run.alerts if a["kind"] == "shelter_advisory"]
    # the entry municipality is warned while the drone is over it
    assert first_warned(run.alerts).get(entry, np.inf) < fell_s
    # and the last public alert clears within a minute of the fall
    assert _last_public_clear_s(run) <= fell_s + ONE_MINUTE_S
    _every_alert_clears_once(run)


def test_balloons_are_balloons_close_the_airport_and_raise_no_red(tmp_path: Path) -> None:
    run = run_alerts("lt-2025-10-balloons", tmp_path)
    geo, truth = run.geography, run.sim.truth
    assert not [a for a in run.alerts if a["level"] == "red"]
    balloons = {t.target_id for t in truth.targets if t.model == "balloon"}
    assert balloons
    follows = attribute_tracks(geo, truth, run.tracks)
    share, _n = class_share(run.tracks, follows, balloons, "balloon")
    assert share > 0.5
    # the Vilnius airport advisory is up while any balloon is within 15 km of the airport
    idx = [i for i, t in enumerate(truth.targets) if t.target_id in balloons]
    inside = near_site(geo, truth, idx, "eyvi", 15_000.0)
    assert inside.any(), "the scenario drifts balloons over the airport"
    up = site_alert_up(truth.t_s, run.alerts, "airspace_closure", "eyvi")
    assert (inside & up).sum() >= 0.95 * inside.sum()
    _every_alert_clears_once(run)


def test_confusers_raise_no_public_alert_for_birds_airliners_or_remote_id(tmp_path: Path) -> None:
    run = run_alerts("confusers", tmp_path)
    truth = run.sim.truth
    harmless = {
        t.target_id
        for t in truth.targets
        if t.model in ("bird_flock", "rid_drone") or t.icao24 is not None
    }
    assert harmless
    follows = attribute_tracks(run.geography, truth, run.tracks)
    blamed = {follows.get(tid, "no object") for a in run.public for tid in a["track_ids"]}
    assert not blamed & harmless, f"public alerts for {sorted(blamed & harmless)}"
    _every_alert_clears_once(run)
