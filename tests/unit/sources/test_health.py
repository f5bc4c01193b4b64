"""The silence monitor on hand-fed event times: when a sensor goes down and comes back."""

from __future__ import annotations

import math

import pytest

from skywarden.core.errors import ConfigError
from skywarden.sources.health import SensorTransition, SilenceMonitor

T0 = 1_753_660_800.0  # 2025-07-28T00:00Z
RADAR = "lr-radar-1"
DRONE_RADAR = "dr-1"


def _down(sensor_id: str, t_s: float, limit_s: float) -> SensorTransition:
    return SensorTransition(sensor_id, t_s, True, limit_s)


def test_health_down_exactly_at_last_heard_plus_limit() -> None:
    monitor = SilenceMonitor({RADAR: 60.0})
    monitor.heard({RADAR}, T0)
    monitor.heard({RADAR}, T0 + 10.0)
    assert monitor.check(T0 + 69.9) == []
    # noticed late (a tick 5 s after), dated when the silence passed the limit
    assert monitor.check(T0 + 75.0) == [_down(RADAR, T0 + 70.0, 60.0)]
    assert monitor.down == {RADAR: T0 + 70.0}
    assert monitor.check(T0 + 200.0) == []  # down once, not again on every check


def test_health_down_at_the_limit_itself() -> None:
    monitor = SilenceMonitor({RADAR: 60.0})
    monitor.heard([RADAR], T0)
    assert monitor.check(T0 + 60.0) == [_down(RADAR, T0 + 60.0, 60.0)]


def test_health_a_report_at_the_limit_keeps_it_up() -> None:
    monitor = SilenceMonitor({RADAR: 60.0})
    monitor.heard([RADAR], T0)
    monitor.heard([RADAR], T0 + 60.0)
    assert monitor.check(T0 + 60.0) == []
    assert monitor.last_heard_s(RADAR) == T0 + 60.0


def test_health_up_again_at_the_next_detection() -> None:
    monitor = SilenceMonitor({RADAR: 60.0})
    monitor.heard([RADAR], T0)
    assert monitor.check(T0 + 100.0) == [_down(RADAR, T0 + 60.0, 60.0)]
    monitor.heard([RADAR], T0 + 130.0)
    assert monitor.check(T0 + 130.0) == [SensorTransition(RADAR, T0 + 130.0, False, 130.0)]
    assert monitor.down == {}
    # and down again after another silence of the limit, from that detection
    assert monitor.check(T0 + 189.0) == []
    assert monitor.check(T0 + 190.0) == [_down(RADAR, T0 + 190.0, 60.0)]


def test_health_a_silence_noticed_only_when_it_ends_gives_both_transitions() -> None:
    monitor = SilenceMonitor({RADAR: 60.0})
    monitor.heard([RADAR], T0)
    monitor.heard([RADAR], T0 + 100.0)  # no check in between (no step while all was quiet)
    assert monitor.check(T0 + 100.0) == [
        _down(RADAR, T0 + 60.0, 60.0),
        SensorTransition(RADAR, T0 + 100.0, False, 100.0),
    ]
    assert monitor.down == {}


def test_health_unmonitored_sensors_are_never_down() -> None:
    monitor = SilenceMonitor({RADAR: 60.0})
    monitor.heard(["acoustic-1", "observers"], T0)
    transitions = monitor.check(T0 + 1e6)
    assert [tr.sensor_id for tr in transitions] == [RADAR]
    assert monitor.last_heard_s("acoustic-1") is None
    assert SilenceMonitor({}).check(T0 + 1e6) == []


def test_health_monitoring_starts_at_the_first_event_time() -> None:
    monitor = SilenceMonitor({RADAR: 60.0, DRONE_RADAR: 5.0})
    assert monitor.start_s is None
    monitor.heard(["acoustic-1"], T0 + 30.0)  # any first time starts it, any sensor's
    assert monitor.start_s == T0 + 30.0
    assert monitor.last_heard_s(RADAR) == T0 + 30.0
    # neither radar ever heard: each goes down its limit after the start, in time order
    assert monitor.check(T0 + 100.0) == [
        _down(DRONE_RADAR, T0 + 35.0, 5.0),
        _down(RADAR, T0 + 90.0, 60.0),
    ]
    first_check = SilenceMonitor({RADAR: 60.0})
    assert first_check.check(T0) == []  # a check starts it too
    assert first_check.check(T0 + 60.0) == [_down(RADAR, T0 + 60.0, 60.0)]


def test_health_transitions_of_several_sensors_come_in_time_order() -> None:
    monitor = SilenceMonitor({"a": 10.0, "b": 10.0, "c": 10.0})
    monitor.heard(["a", "b", "c"], T0)
    monitor.heard(["c"], T0 + 3.0)
    monitor.heard(["b"], T0 + 1.0)
    assert [(tr.sensor_id, tr.t_s) for tr in monitor.check(T0 + 20.0)] == [
        ("a", T0 + 10.0),
        ("b", T0 + 11.0),
        ("c", T0 + 13.0),
    ]


def test_health_an_older_time_never_moves_last_heard_back() -> None:
    monitor = SilenceMonitor({RADAR: 60.0})
    monitor.heard([RADAR], T0 + 50.0)
    monitor.heard([RADAR], T0 + 20.0)  # a late batch
    assert monitor.last_heard_s(RADAR) == T0 + 50.0
    assert monitor.check(T0 + 100.0) == []


def test_health_limits_are_read_only() -> None:
    monitor = SilenceMonitor({RADAR: 60})
    assert monitor.limits_s == {RADAR: 60.0}
    with pytest.raises(TypeError):
        monitor.limits_s[RADAR] = 1.0  # type: ignore[index]


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        (0.0, "must be finite and above 0"),
        (-5.0, "must be finite and above 0"),
        (math.inf, "must be finite and above 0"),
        (math.nan, "must be finite and above 0"),
        ("60", "is not a number of seconds"),
        (True, "is not a number of seconds"),
    ],
)
def test_health_rejects_bad_limits_naming_the_sensor(limit: object, message: str) -> None:
    with pytest.raises(ConfigError, match=f"silence limit of sensor {RADAR}: .*{message}"):
        SilenceMonitor({DRONE_RADAR: 5.0, RADAR: limit})  # type: ignore[dict-item]


def test_health_rejects_an_empty_sensor_id() -> None:
    with pytest.raises(ConfigError, match="sensor id '' is not a non-empty string"):
        SilenceMonitor({"": 5.0})
