"""Synthetic detections from truth: every sensor of a scenario, merged in arrival order.

:func:`synthesize` runs :func:`skywarden.sim.sensors.observe` for each sensor of a
:class:`~skywarden.sim.scenarios.ResolvedScenario` and merges what they report into one
list ordered by arrival time (a stable sort: detections arriving at the same instant
keep sensor order, then each sensor's own order). That is the order a live system would
receive them in, so the list replays as a feed; each detection's own ``t_s`` is when it
was measured, earlier and not in order.

Randomness: one draw from ``rng`` gives a scenario key; each sensor's generator is
seeded from that key and a CRC-32 of its ``sensor_id``. Adding, removing or reordering
sensors therefore never changes another sensor's noise, and the same generator state
gives the same detections.

Thread safety: a pure function of its arguments; ``rng`` is consumed.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from skywarden.core.enums import DetectionKind
from skywarden.core.types import Detection
from skywarden.geo.zones import load_geography
from skywarden.sim.scenarios import ResolvedScenario
from skywarden.sim.sensors import SensorContext, TruthIndex, observe
from skywarden.sim.truth import Truth

__all__ = ["SynthResult", "sensor_generator", "synthesize"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SynthResult:
    """Detections of every sensor in arrival order, with counts.

    ``arrival_t_s[j]`` is when ``detections[j]`` reaches the system (epoch seconds,
    non-decreasing). ``counts_by_sensor`` has every sensor of the scenario (zero when
    it saw nothing; an observers sensor counts all its reporters), ``counts_by_kind``
    every detection kind (wire token, e.g. ``"plot"``).
    """

    detections: list[Detection]
    arrival_t_s: FloatArray
    counts_by_sensor: Mapping[str, int]
    counts_by_kind: Mapping[str, int]


def sensor_generator(key: npt.NDArray[np.uint64], sensor_id: str) -> np.random.Generator:
    """Return one sensor's generator, seeded from the scenario key and the sensor id."""
    seed = np.random.SeedSequence(
        entropy=[int(x) for x in key], spawn_key=(zlib.crc32(sensor_id.encode("utf-8")),)
    )
    return np.random.default_rng(seed)


def synthesize(
    scenario: ResolvedScenario,
    truth: Truth,
    rng: np.random.Generator,
    progress: Callable[[int, int], None] | None = None,
) -> SynthResult:
    """Run every sensor of ``scenario`` over ``truth``; merge by arrival time.

    ``progress(done, total)`` is called after each sensor. The geography named by the
    scenario is loaded (cached per process) for the observers' population. Raises
    ``ValueError`` for an unknown sensor type and ``GeographyError`` for an unusable
    geography pack.
    """
    ctx = SensorContext(
        ground_m=scenario.ground_m,
        geography=load_geography(scenario.geography),
        index=TruthIndex.build(truth),
    )
    key = rng.integers(0, 2**63, size=4, dtype=np.uint64)
    arrivals: list[float] = []
    detections: list[Detection] = []
    counts_by_sensor: dict[str, int] = {}
    total = len(scenario.sensors)
    for done, spec in enumerate(scenario.sensors, start=1):
        observed = observe(spec, truth, ctx, sensor_generator(key, spec.sensor_id))
        counts_by_sensor[spec.sensor_id] = counts_by_sensor.get(spec.sensor_id, 0) + len(observed)
        arrivals.extend(arrival for arrival, _ in observed)
        detections.extend(detection for _, detection in observed)
        if progress is not None:
            progress(done, total)
    arrival_t_s = np.asarray(arrivals, dtype=np.float64)
    order = np.argsort(arrival_t_s, kind="stable")
    counts_by_kind = dict.fromkeys((k.value for k in DetectionKind), 0)
    for detection in detections:
        counts_by_kind[detection.kind.value] += 1
    return SynthResult(
        detections=[detections[j] for j in order.tolist()],
        arrival_t_s=arrival_t_s[order],
        counts_by_sensor=counts_by_sensor,
        counts_by_kind=counts_by_kind,
    )
