"""The pipeline's outage watch on hand-made radar plots: alerts, timeline and drain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from skywarden.core.errors import ConfigError
from skywarden.core.time import parse_rfc3339
from skywarden.core.types import Detection, Plot
from skywarden.geo.zones import Geography, load_geography
from skywarden.runtime.pipeline import DRAIN_ALERTS_S, TICK_S, Pipeline

T0 = 1_753_660_800.0  # 2025-07-28T00:00Z
SITE = (55.30, 23.40)  # countryside in Raseiniai district, far from every protected site
LIMIT_S = 5.0


@pytest.fixture(scope="module")
def lt() -> Geography:
    return load_geography("lt")


def _clutter(sensor_id: str, seconds: range, seed: int = 1) -> list[Detection]:
    """One plot a second at a random place within 5 km: clutter no track follows."""
    rng = np.random.default_rng(seed)
    d_lat, d_lon = rng.uniform(-0.045, 0.045, (2, len(seconds)))
    return [
        Plot(T0 + t, sensor_id, SITE[0] + a, SITE[1] + b, 300.0, 15.0, 30.0)
        for t, a, b in zip(seconds, d_lat.tolist(), d_lon.tolist(), strict=True)
    ]


def _outage_alerts(out: Path) -> list[dict[str, Any]]:
    lines = [json.loads(x) for x in (out / "alerts.jsonl").read_text().splitlines()]
    return [a for a in lines if a["kind"] == "sensor_outage"]


def test_pipeline_outage_raised_when_silence_passes_the_limit_and_cleared_after(
    lt: Geography, tmp_path: Path
) -> None:
    # plots at 0..59 s and 100..159 s: the batches end at odd seconds, the last before the
    # gap at 59 s (batch times are the heard times)
    detections = _clutter("dr", range(60)) + _clutter("dr", range(100, 160), seed=2)
    with Pipeline(lt, tmp_path, silence_limits_s={"dr": LIMIT_S}) as pipeline:
        summary = pipeline.run(detections)
    raised, cleared = _outage_alerts(tmp_path)
    assert raised["state"] == "raised" and cleared["state"] == "cleared"
    assert raised["alert_id"] == cleared["alert_id"]
    assert parse_rfc3339(raised["time"]) == T0 + 59.0 + LIMIT_S  # not when a tick saw it
    # back with the batch of 100-101 s; the rule's clear_after_s is 30 s
    assert parse_rfc3339(cleared["time"]) == pytest.approx(T0 + 101.0 + 30.0, abs=2.0)
    assert (raised["level"], cleared["level"]) == ("notice", "white")
    assert raised["reason"].startswith("lt.sensor_outage: sensor dr: down since")
    assert summary.sensor_outages == 1
    notes = [(e.t_s - T0, e.text) for e in summary.timeline if e.what == "input"]
    assert notes == [
        (64.0, "sensor dr silent for 5 s: down"),
        (101.0, "sensor dr reporting again after 42 s silent"),
    ]
    # the input's end is no outage: draining ran on for minutes and raised nothing more
    assert pipeline.tracker.t_s is not None and pipeline.tracker.t_s > T0 + 159.0 + LIMIT_S


def test_pipeline_sensor_still_down_at_the_end_keeps_its_alert_and_drain_stops(
    lt: Geography, tmp_path: Path
) -> None:
    # the radar stops at 30 s; another (unwatched) sensor goes on to 90 s
    detections = sorted(
        _clutter("dr", range(30)) + _clutter("other", range(90), seed=3), key=lambda d: d.t_s
    )
    with Pipeline(lt, tmp_path, silence_limits_s={"dr": LIMIT_S}) as pipeline:
        summary = pipeline.run(detections)
    [raised] = _outage_alerts(tmp_path)  # open: nothing said the radar came back
    assert raised["state"] == "raised"
    assert parse_rfc3339(raised["time"]) == T0 + 29.0 + LIMIT_S
    assert pipeline.alerts.active_count == 1
    assert summary.timeline[-1].text == "sensor dr still down when the input ended"
    # draining did not wait the alert's clearing out
    assert pipeline.tracker.t_s is not None
    assert pipeline.tracker.t_s < T0 + 89.0 + DRAIN_ALERTS_S - TICK_S


def test_pipeline_without_limits_watches_nothing(lt: Geography, tmp_path: Path) -> None:
    detections = _clutter("dr", range(10)) + _clutter("dr", range(200, 210))
    with Pipeline(lt, tmp_path) as pipeline:
        summary = pipeline.run(detections)
    assert _outage_alerts(tmp_path) == [] and summary.sensor_outages == 0
    with Pipeline(lt, tmp_path / "other", silence_limits_s={"lr": 60.0}) as pipeline:
        pipeline.run(detections)
    # "dr" has no limit: never down; "lr" never reported: down 60 s after the first input
    [raised] = _outage_alerts(tmp_path / "other")  # open to the end: lr never reported
    assert raised["reason"].startswith("lt.sensor_outage: sensor lr: down")
    assert parse_rfc3339(raised["time"]) == T0 + 61.0  # the first batch's time is 1 s


def test_pipeline_rejects_a_bad_silence_limit(lt: Geography, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="silence limit of sensor dr"):
        Pipeline(lt, tmp_path, silence_limits_s={"dr": -1.0})
