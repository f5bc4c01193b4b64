"""Sensor health: a sensor that normally reports all the time and has gone silent is down.

Sensors send detections and nothing else (the interchange contract has no heartbeat
record), so silence is the only sign of an outage there is. Some sensors are never
silent while they work: a radar sends false plots (birds, ground clutter) every scan,
whether or not anything flies. :class:`SilenceMonitor` is given a silence limit for
each such sensor and says when one has sent nothing for longer than its limit (it went
*down*) and when it reports again (it is *up*). The limits come from the sensor
registry; for a simulated scenario ``skywarden.sim.registry.silence_limits`` derives
them from each radar's clutter rate. Sensors without a limit are not monitored:
acoustic nodes, RF direction finders, cameras and people are silent whenever nothing
flies, and their silence says nothing.

Semantics, all in event time (the caller's clock, never the wall clock):

- Monitoring starts at the first time the monitor is given (by :meth:`heard` or
  :meth:`check`): a monitored sensor never heard from by then is taken as heard then,
  and goes down ``limit`` seconds later if it never reports.
- A sensor last heard at ``t`` is down at exactly ``t + limit`` if nothing came by then.
  The transition carries that time, not the (later) time the caller noticed it, so a
  replay gives the same times whatever the caller's checking rhythm.
- A sensor is up again at the first time it is heard after going down. A report that
  comes after the limit had passed, before any :meth:`check` saw it, gives both
  transitions (down at ``t + limit``, up at the report's time): the outage happened.
- Times are per call: :meth:`heard` takes one time for a whole batch of sensor ids (the
  pipeline gives a batch's time, so times are resolved to its batch window).

Cost: a dict of last-heard times. :meth:`heard` touches only the sensor ids given (the
caller passes each sensor once per batch, e.g. a set), :meth:`check` loops over the
monitored sensors (radars: a few dozen at most), never over detections.

Not thread-safe: a monitor keeps per-sensor state and belongs to one pipeline.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from skywarden.core.errors import ConfigError

__all__ = ["SensorTransition", "SilenceMonitor", "check_silence_limits"]


@dataclass(frozen=True, slots=True)
class SensorTransition:
    """A monitored sensor went down (``down``) or came back, at event time ``t_s``.

    ``silent_s`` is how long it had been silent: its limit for a ``down`` transition,
    the whole gap since it was last heard for an ``up`` one.
    """

    sensor_id: str
    t_s: float
    down: bool
    silent_s: float


def check_silence_limits(limits_s: Mapping[str, float]) -> dict[str, float]:
    """Return the limits as a plain dict of floats, or raise ``ConfigError`` naming the sensor.

    Every limit must be a finite number of seconds above zero, keyed by a non-empty
    sensor id.
    """
    out: dict[str, float] = {}
    for sensor_id, limit in limits_s.items():
        if not isinstance(sensor_id, str) or not sensor_id:
            raise ConfigError(f"silence limits: sensor id {sensor_id!r} is not a non-empty string")
        if isinstance(limit, bool) or not isinstance(limit, int | float):
            raise ConfigError(
                f"silence limit of sensor {sensor_id}: {limit!r} is not a number of seconds"
            )
        value = float(limit)
        if not math.isfinite(value) or value <= 0.0:
            raise ConfigError(
                f"silence limit of sensor {sensor_id}: {limit!r} s; it must be finite and above 0"
            )
        out[sensor_id] = value
    return out


class SilenceMonitor:
    """Tells when monitored sensors go silent for longer than their limits and come back.

    ``limits_s`` maps sensor id to its silence limit in seconds (validated:
    ``ConfigError`` naming the sensor). See the module docstring for the semantics.
    Not thread-safe.
    """

    def __init__(self, limits_s: Mapping[str, float]) -> None:
        self._limits_s = check_silence_limits(limits_s)
        self._start_s: float | None = None
        self._last_s: dict[str, float] = {}  # sensor id -> last heard (from the start)
        self._down_s: dict[str, float] = {}  # sensor id -> down since
        self._pending: list[SensorTransition] = []  # found by heard(), given by check()

    @property
    def limits_s(self) -> Mapping[str, float]:
        """The silence limit of every monitored sensor, seconds by sensor id (read-only)."""
        return MappingProxyType(self._limits_s)

    @property
    def start_s(self) -> float | None:
        """When monitoring started (the first time given), ``None`` before that."""
        return self._start_s

    @property
    def down(self) -> Mapping[str, float]:
        """The sensors down, with the time each went down.

        A sensor goes in when :meth:`check` gives its down transition and out when it is
        heard again (its up transition comes with the next :meth:`check`).
        """
        return MappingProxyType(self._down_s)

    def last_heard_s(self, sensor_id: str) -> float | None:
        """When a monitored sensor was last heard (the start if never), ``None`` if unknown."""
        return self._last_s.get(sensor_id)

    def heard(self, sensor_ids: Iterable[str], t_s: float) -> None:
        """Record that these sensors reported at event time ``t_s``.

        Ids without a limit are ignored. A down sensor comes back at ``t_s`` (the
        transition is given by the next :meth:`check`); so does one whose limit ran out
        before ``t_s`` unnoticed, after its down transition.
        """
        self._begin(t_s)
        limits = self._limits_s
        for sensor_id in sensor_ids:
            limit = limits.get(sensor_id)
            if limit is None:
                continue
            last = self._last_s[sensor_id]
            since = self._down_s.get(sensor_id)
            if since is None and t_s > last + limit:  # the limit ran out unnoticed
                since = last + limit
                self._pending.append(SensorTransition(sensor_id, since, True, limit))
            if since is not None:
                # A late report older than the outage still ends it, never before it began.
                up_s = max(t_s, since)
                self._pending.append(SensorTransition(sensor_id, up_s, False, up_s - last))
                self._down_s.pop(sensor_id, None)
            if t_s > last:
                self._last_s[sensor_id] = t_s

    def check(self, now_s: float) -> list[SensorTransition]:
        """Return every transition due by event time ``now_s``, in time order.

        A sensor silent for its limit by ``now_s`` goes down at last heard + limit. The
        up transitions found by :meth:`heard` since the last check come too.
        """
        self._begin(now_s)
        out, self._pending = self._pending, []
        for sensor_id, last in self._last_s.items():
            if sensor_id in self._down_s:
                continue
            limit = self._limits_s[sensor_id]
            if now_s >= last + limit:
                self._down_s[sensor_id] = last + limit
                out.append(SensorTransition(sensor_id, last + limit, True, limit))
        out.sort(key=lambda tr: (tr.t_s, tr.sensor_id, not tr.down))
        return out

    def _begin(self, t_s: float) -> None:
        if self._start_s is None:
            self._start_s = t_s
            self._last_s = dict.fromkeys(self._limits_s, t_s)
