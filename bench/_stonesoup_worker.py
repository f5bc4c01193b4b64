"""Stone Soup side of ``bench/tracker_vs_stonesoup.py``; runs in Stone Soup's own venv.

Not a benchmark by itself: ``tracker_vs_stonesoup.py`` starts it as a subprocess with the
Stone Soup venv's interpreter (``bench/requirements-stonesoup.txt``), so Stone Soup never
enters SkyWarden's environment. Two commands::

    python _stonesoup_worker.py track STEPS.jsonl TUNING.json OUT.json
    python _stonesoup_worker.py score SCORE.npz CUTOFF_M OUT.json

``track`` runs the GNN tracker that ``tracker_vs_stonesoup.py`` documents (its module
docstring lists every parameter and why) over the steps file and writes the tracks, the
wall time and the peak memory. ``score`` computes Stone Soup's own ``GOSPAMetric``
(``p = 1``, ``alpha = 2``) for each tracker's sampled positions against the truth.

The steps file is JSON Lines, one line per tracker step (the same batches SkyWarden's
pipeline makes, in the same order): ``{"t_s": T, "plots": [[t_s, sensor, e_m, n_m, u_m,
sigma_h_m, sigma_v_m], ...]}``, positions in the benchmark's local ENU frame, ``sensor``
an integer in the order of the sensor ids.

This module imports only the standard library at the top, because
``tracker_vs_stonesoup.py`` (in SkyWarden's venv) also imports :class:`PeakRss` from it so
both sides measure memory the same way. Stone Soup is imported inside the commands.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import math
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

KIB_PER_MB = 1024.0
PROGRESS_EVERY_STEPS = 200


class PeakRss:
    """Growth of this process's peak resident memory over a ``with`` block, in MB.

    Linux only: on entry, garbage is collected, freed heap pages are given back to the OS
    and the kernel's high-water mark (``VmHWM``) is reset by writing 5 to
    ``/proc/self/clear_refs``; ``peak_mb`` is the high-water mark on exit minus the
    resident size on entry. It counts everything the block allocated and held at its peak,
    numpy buffers and allocator overhead included, at no cost to the timing (nothing is
    traced). ``nan`` where ``/proc`` does not allow this.
    """

    def __init__(self) -> None:
        self.peak_mb = math.nan
        self._start_kib = math.nan

    @staticmethod
    def _status_kib(field: str) -> float:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
        return math.nan

    def __enter__(self) -> PeakRss:
        gc.collect()
        _release_free_heap()
        try:
            Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
            self._start_kib = self._status_kib("VmRSS")
        except OSError:
            self._start_kib = math.nan
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if math.isnan(self._start_kib):
            return
        try:
            self.peak_mb = (self._status_kib("VmHWM") - self._start_kib) / KIB_PER_MB
        except OSError:
            self.peak_mb = math.nan


def _release_free_heap() -> None:
    """Give freed heap pages back to the OS (glibc ``malloc_trim``), where there is glibc.

    Without it, memory that the process freed earlier (the simulator's, or parsing the
    steps file) stays resident, the block reuses it, and its peak shows no growth.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _when(t_s: float) -> datetime:
    return datetime.fromtimestamp(t_s, tz=UTC)


def _read_steps(path: Path) -> Iterator[tuple[float, list[list[float]]]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            yield float(doc["t_s"]), doc["plots"]


def _build_tracker(tuning: dict[str, Any]) -> tuple[Any, Any, Any]:
    """Build the tracker of ``tracker_vs_stonesoup.py``'s docstring.

    Returns the tracker, its recording deleter and the function that summarises a track.
    """
    import numpy as np
    from scipy.spatial import KDTree
    from stonesoup.dataassociator.tree import DetectionKDTreeGNN2D
    from stonesoup.deleter.error import CovarianceBasedDeleter
    from stonesoup.deleter.multi import CompositeDeleter
    from stonesoup.deleter.time import UpdateTimeDeleter, UpdateTimeStepsDeleter
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.initiator.simple import MultiMeasurementInitiator
    from stonesoup.measures import Mahalanobis
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.tracker.simple import MultiTargetTracker
    from stonesoup.types.state import GaussianState
    from stonesoup.types.update import Update
    from stonesoup.updater.kalman import KalmanUpdater

    class PositionKDTreeGNN2D(DetectionKDTreeGNN2D):
        """Stone Soup's ``DetectionKDTreeGNN2D`` for detections with per-detection noise.

        The mixin refuses a step whose detections carry different measurement-model
        objects, even when, as here, they all measure the same position axes and differ
        only in their noise (a radar's cross-range error grows with range). The k-d tree
        query uses only the predicted measurement MEAN, which is the same for every such
        model, so this copy of ``DetectionKDTreeMixIn.generate_hypotheses`` checks that
        the mappings agree and queries with the first model. Nothing else changes.
        """

        def generate_hypotheses(
            self, tracks: Any, detections: Any, timestamp: Any, **kwargs: Any
        ) -> dict[Any, Any]:
            if not tracks:
                return {}
            if not detections:
                return {
                    track: self.hypothesiser.hypothesise(track, detections, timestamp, **kwargs)
                    for track in tracks
                }
            detections_list = list(detections)
            mappings = {tuple(d.measurement_model.mapping) for d in detections_list}
            if len(mappings) > 1:
                raise RuntimeError("KDTree requires all detections to measure the same axes")
            measurement_model = detections_list[0].measurement_model
            tree = KDTree(np.vstack([d.state_vector[:, 0] for d in detections_list]))
            track_detections: dict[Any, set[Any]] = {track: set() for track in tracks}
            for track in tracks:
                prediction = self.predictor.predict(track, timestamp, **kwargs)
                meas_pred = self.updater.predict_measurement(
                    prediction, measurement_model, **kwargs
                )
                indexes = tree.query_ball_point(meas_pred.state_vector.ravel(), r=self.max_distance)
                for index in np.atleast_1d(indexes):
                    if index != len(detections_list):
                        track_detections[track].add(detections_list[index])
            return {
                track: self.hypothesiser.hypothesise(
                    track, track_detections[track], timestamp, **kwargs
                )
                for track in tracks
            }

    class RecordingDeleter(CompositeDeleter):
        """``CompositeDeleter`` that keeps a summary of each track it deletes.

        The summary (update states only) is what the benchmark scores; the time spent
        making it is counted in ``bookkeeping_s`` and taken off the tracker's wall time.
        """

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.finished: list[dict[str, Any]] = []
            self.bookkeeping_s = 0.0

        def delete_tracks(self, tracks: Any, **kwargs: Any) -> Any:
            deleted = super().delete_tracks(tracks, **kwargs)
            if deleted:
                t0 = time.perf_counter()
                for track in deleted:
                    self.finished.append(summarise(track, track.timestamp.timestamp()))
                self.bookkeeping_s += time.perf_counter() - t0
            return deleted

    min_points = int(tuning["confirm_hits"])

    def summarise(track: Any, end_t_s: float | None) -> dict[str, Any]:
        updates = [s for s in track.states if isinstance(s, Update)]
        sv = np.hstack([s.state_vector for s in updates]).T  # [x, vx, y, vy, z, vz]
        return {
            "id": str(track.id),
            # MultiMeasurementInitiator hands a track over at its min_points-th update
            "start_t_s": updates[min(min_points, len(updates)) - 1].timestamp.timestamp(),
            "end_t_s": end_t_s,
            "t_s": [s.timestamp.timestamp() for s in updates],
            "state": sv[:, [0, 2, 4, 1, 3, 5]].tolist(),
        }

    q_h, q_v = float(tuning["q_h_m2ps3"]), float(tuning["q_v_m2ps3"])
    transition = CombinedLinearGaussianTransitionModel(
        [ConstantVelocity(q_h), ConstantVelocity(q_h), ConstantVelocity(q_v)]
    )
    predictor = KalmanPredictor(transition)
    updater = KalmanUpdater(measurement_model=None, use_joseph_cov=True)
    gate = math.sqrt(float(tuning["gate_chi2_3dof"]))

    def associator() -> Any:
        hypothesiser = DistanceHypothesiser(
            predictor, updater, measure=Mahalanobis(), missed_distance=gate
        )
        return PositionKDTreeGNN2D(
            hypothesiser, predictor, updater, max_distance=float(tuning["kd_radius_m"])
        )

    sigma_v = float(tuning["init_sigma_v_mps"])
    prior = GaussianState(
        np.zeros((6, 1)), np.diag([0.0, sigma_v**2, 0.0, sigma_v**2, 0.0, sigma_v**2])
    )
    initiator = MultiMeasurementInitiator(
        prior_state=prior,
        deleter=UpdateTimeDeleter(timedelta(seconds=float(tuning["tentative_timeout_s"]))),
        data_associator=associator(),
        updater=updater,
        min_points=min_points,
    )
    deleter = RecordingDeleter(
        [
            UpdateTimeStepsDeleter(int(tuning["max_coast_steps"])),
            CovarianceBasedDeleter(
                covar_trace_thresh=2.0 * float(tuning["max_sigma_h_m"]) ** 2, mapping=[0, 2]
            ),
        ],
        intersect=False,
    )
    tracker = MultiTargetTracker(
        initiator=initiator,
        deleter=deleter,
        detector=None,
        data_associator=associator(),
        updater=updater,
    )
    return tracker, deleter, summarise


def track(steps_path: Path, tuning_path: Path, out_path: Path) -> None:
    import numpy as np
    import scipy
    import stonesoup
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.types.array import CovarianceMatrix, StateVector
    from stonesoup.types.detection import Detection

    tuning = json.loads(tuning_path.read_text(encoding="utf-8"))
    own_time = tuning["timestamps"] == "own"
    per_sensor = bool(tuning.get("per_sensor", True))
    tracker, deleter, summarise = _build_tracker(tuning)

    # Detections are built before the clock starts, as SkyWarden's Plot objects exist
    # before its tracker runs. One datetime per step: every detection of a step shares it
    # (unless timestamps == "own"), which keeps Stone Soup's prediction cache hitting.
    steps: list[tuple[datetime, list[set[Any]]]] = []
    n_det = 0
    for t_s, plots in _read_steps(steps_path):
        when = _when(t_s)
        by_sensor: dict[int, set[Any]] = {}
        for t_det, sensor, e, n, u, sigma_h, sigma_v in plots:
            model = LinearGaussian(
                ndim_state=6,
                mapping=(0, 2, 4),
                noise_covar=CovarianceMatrix(np.diag([sigma_h**2, sigma_h**2, sigma_v**2])),
            )
            det = Detection(
                StateVector([e, n, u]),
                timestamp=_when(t_det) if own_time else when,
                measurement_model=model,
            )
            by_sensor.setdefault(int(sensor), set()).add(det)
            n_det += 1
        groups = [by_sensor[k] for k in sorted(by_sensor)]
        if not per_sensor and groups:
            groups = [set().union(*groups)]
        steps.append((when, groups))

    t_start = time.perf_counter()
    with PeakRss() as mem:
        t0 = time.perf_counter()
        for k, (when, groups) in enumerate(steps):
            if not groups:
                tracker.update_tracker(when, set())
            for dets in groups:  # sensor by sensor at the same time, as SkyWarden does
                tracker.update_tracker(when, dets)
            if k % PROGRESS_EVERY_STEPS == 0 and k:
                print(
                    f"  stonesoup: step {k}/{len(steps)}, {len(tracker.tracks)} tracks,"
                    f" {time.perf_counter() - t_start:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
        wall_s = time.perf_counter() - t0 - deleter.bookkeeping_s
    tracks = deleter.finished + [summarise(t, None) for t in tracker.tracks]
    doc = {
        "versions": {
            "stonesoup": stonesoup.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "python": sys.version.split()[0],
        },
        "wall_s": wall_s,
        "peak_rss_mb": mem.peak_mb,
        "n_detections": n_det,
        "n_steps": len(steps),
        "tracks": tracks,
    }
    out_path.write_text(json.dumps(doc), encoding="utf-8")


def score(npz_path: Path, cutoff_m: float, out_path: Path) -> None:
    """Mean GOSPA parts per tracker with Stone Soup's ``GOSPAMetric`` (``p = 1``)."""
    import numpy as np
    from stonesoup.measures import Euclidean
    from stonesoup.metricgenerator.ospametric import GOSPAMetric
    from stonesoup.types.array import StateVector
    from stonesoup.types.state import State

    class VectorisedGOSPAMetric(GOSPAMetric):
        """``GOSPAMetric`` with its cost matrix built by numpy instead of a double loop.

        Same matrix (``min(distance, c)``, Euclidean over the states' two coordinates):
        the original calls the measure once per pair, a million Python calls per time
        step at a thousand targets. The assignment and the parts are Stone Soup's own, and
        the matrix is checked against the original at the first time with both sets.
        """

        def compute_cost_matrix(
            self, track_states: Any, truth_states: Any, complete: bool = False
        ) -> Any:
            if complete or not track_states or not truth_states:
                return super().compute_cost_matrix(track_states, truth_states, complete)
            a = np.hstack([s.state_vector for s in track_states]).T.astype(float)
            b = np.hstack([s.state_vector for s in truth_states]).T.astype(float)
            d = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))
            return np.where(d < self.c, d, float(self.c))

    data = np.load(npz_path)
    grid = data["t_s"]
    metric = VectorisedGOSPAMetric(c=cutoff_m, p=1, measure=Euclidean(mapping=(0, 1)))
    reference = GOSPAMetric(c=cutoff_m, p=1, measure=Euclidean(mapping=(0, 1)))

    def states(offsets: Any, pos: Any, k: int, when: datetime) -> list[Any]:
        rows = pos[int(offsets[k]) : int(offsets[k + 1])]
        return [State(StateVector(r), timestamp=when) for r in rows]

    names = [str(n) for n in data["names"]]
    out: dict[str, Any] = {}
    checked = False
    for name in names:
        parts = np.zeros((grid.size, 4))
        for k, t_s in enumerate(grid.tolist()):
            when = _when(t_s)
            truth = states(data["truth_offsets"], data["truth_pos"], k, when)
            tracks = states(data[f"{name}_offsets"], data[f"{name}_pos"], k, when)
            if not truth and not tracks:
                continue
            if not checked and truth and tracks:
                sub_t, sub_x = tracks[:60], truth[:60]
                fast = metric.compute_cost_matrix(sub_t, sub_x)
                slow = reference.compute_cost_matrix(sub_t, sub_x)
                if not np.allclose(fast, slow, rtol=1e-12, atol=1e-9):
                    raise RuntimeError("vectorised GOSPA cost matrix differs from Stone Soup's")
                checked = True
            value = metric.compute_gospa_metric(tracks, truth)[0].value
            parts[k] = [
                float(value["distance"]),
                float(value["localisation"]),
                float(value["missed"]),
                float(value["false"]),
            ]
        mean = parts.mean(axis=0)
        out[name] = dict(
            zip(("distance", "localisation", "missed", "false"), mean.tolist(), strict=True)
        )
    out["cost_matrix_checked"] = checked
    out_path.write_text(json.dumps(out), encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[0] == "track":
        track(Path(argv[1]), Path(argv[2]), Path(argv[3]))
        return 0
    if len(argv) == 4 and argv[0] == "score":
        score(Path(argv[1]), float(argv[2]), Path(argv[3]))
        return 0
    # run bare (``make bench`` runs every bench/*.py): explain and succeed
    print(__doc__.split("\n\n")[0].splitlines()[0])
    print("Not a benchmark by itself; run bench/tracker_vs_stonesoup.py instead.")
    return 0 if not argv else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
