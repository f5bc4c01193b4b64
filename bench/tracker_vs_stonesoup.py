"""SkyWarden's tracker against a fairly tuned Stone Soup GNN tracker, on the same detections.

Run from the repository root::

    .venv/bin/python bench/tracker_vs_stonesoup.py [--scenarios NAME_OR_PATH ...]
        [--stonesoup-venv .venv-stonesoup] [--quick]
        [--cutoff-m M] [--stonesoup-timestamps step|own] [--stonesoup-steps sensor|batch]
        [--stonesoup-cache DIR] [--fresh] [--duration-s S] [--jpda]

Stone Soup lives in its own venv and never becomes a SkyWarden dependency; create it once::

    python3 -m venv .venv-stonesoup
    .venv-stonesoup/bin/pip install -r bench/requirements-stonesoup.txt

Without it the script says how to create it and prints SkyWarden's rows alone (GOSPA then
from ``skywarden.evaluation.metrics``). ``--quick`` runs the small cases (10 and 100
targets, crossing drones); the default adds 500 and 1,000 targets, which take Stone Soup
a long time (``bench/README.md`` has the figures). Scenario names are looked up in
``bench/scenarios/`` first, then among the simulator's built-in scenarios, then as paths.
Progress goes to stderr, the table and its notes to stdout.

What runs
---------
Each scenario is simulated (seeded: the same file gives the same detections). The
detections, in arrival order, are cut into the steps SkyWarden's pipeline makes
(``runtime.pipeline``: a batch closes when a detection comes more than ``BATCH_WINDOW_S``
after the batch's first; an empty step every ``TICK_S`` in gaps), and both trackers get
these steps, in the same order, at the same step times.

- SkyWarden: ``Tracker(frame, TrackerConfig(...))`` in this process, as ``skywarden run``
  builds it (the frame of the scenario's geography, each sensor's revisit and clutter
  density from ``skywarden.sim.registry``). It gets every detection kind.
- With ``--jpda``, a second SkyWarden row: the same tracker with
  ``TrackerConfig(association="jpda")`` (its plots' state updates weigh every gated plot
  by its JPDA probability; GNN still decides hits and new tracks).
- Stone Soup 1.9.1: a subprocess in its venv (``bench/_stonesoup_worker.py``) fed the
  plots, converted here once to the same frame's ENU (that conversion is outside Stone
  Soup's clock; SkyWarden's own conversion is inside its clock). Stone Soup gets plots
  only: this setup has no Stone Soup model for bearings or people's reports, and its k-d
  tree associator needs one measurement space. The table's ``input`` column says so.

Stone Soup tracker, every parameter and why
-------------------------------------------
The lifecycle numbers are SkyWarden's defaults (same operating requirements for both),
written here as constants so that the baseline does not move when SkyWarden is retuned.

=================  ==========================================================================
component          setting and reason
=================  ==========================================================================
transition model   ``CombinedLinearGaussianTransitionModel`` of three ``ConstantVelocity``:
                   ``q = 1.0`` m²/s³ east and north, ``0.1`` up (``SS_Q_*``), the values of
                   SkyWarden's NCV mode: the simulated drones fly straight legs with gentle
                   speed jitter, so one constant-velocity model suits them.
predictor          ``KalmanPredictor``.
updater            ``KalmanUpdater(use_joseph_cov=True)``: Joseph form, as SkyWarden. No
                   model of its own: each detection carries one.
measurement model  one ``LinearGaussian`` per plot, mapping ``(x, y, z)``, noise
                   ``diag(σh², σh², σv²)`` from the plot's own sigmas: a long-range radar's
                   cross-range error grows with range, so one model per sensor would gate
                   near or far targets wrongly.
hypothesiser       ``DistanceHypothesiser`` with ``Mahalanobis``, ``missed_distance =
                   sqrt(chi²₃(0.999))`` = 4.03 (``SS_GATE_P``): SkyWarden's gate.
data associator    ``DetectionKDTreeGNN2D`` (it exists in 1.9.1): GNN by 2-D assignment after
                   a k-d tree pre-filter; ``max_distance`` 6 km (``SS_KD_RADIUS_M``) holds the
                   4.03-sigma gate of a track whose innovation sigma is 1.5 km (a two-plot
                   track 10 s on, with plots from 150 km), so the tree never drops a pair the
                   gate would keep. The mixin refuses plots whose noise differs; the
                   worker's subclass relaxes only that check (its docstring says why).
initiator          ``MultiMeasurementInitiator`` with the same associator type; prior:
                   position from the plot, velocity 0 ± 60 m/s (``SS_INIT_SIGMA_V_MPS``,
                   SkyWarden's). ``min_points`` 3, or 5 when the plots come from 1-s radars
                   (``SS_CONFIRM_HITS*``: SkyWarden's M for slow and fast sensors, since a 1-s
                   radar gives clutter more chances). Holding tracks are dropped by
                   ``UpdateTimeDeleter`` after 2.5 revisits without a plot
                   (``SS_TENTATIVE_REVISITS``: 25 s for 10-s radars, 2.5 s for 1-s ones).
                   SkyWarden also tests the innovations of a tentative track before it
                   confirms it; the stock initiator has nothing like it.
deleter            ``CompositeDeleter`` (either rule): ``UpdateTimeStepsDeleter`` with the
                   number of steps that spans 600 s at the scenario's mean step interval
                   (``SS_MAX_COAST_S``) and ``CovarianceBasedDeleter`` on the horizontal
                   position trace ``> 2 · (20 km)²`` (``SS_MAX_SIGMA_H_M``): SkyWarden's
                   coasting limits. Not ``UpdateTimeDeleter``: its time slice walks a
                   track's whole history in Python at every step, which made Stone Soup's
                   run time grow with the square of the scenario's length.
tracker            ``MultiTargetTracker`` pushed with ``update_tracker``, once per sensor
                   within a step (``--stonesoup-steps sensor``), all at the step time, as
                   SkyWarden updates sensor by sensor. ``batch`` (one call per step) is about
                   5x faster with five radars but can give a track only one plot per step:
                   the other radars' plots of it start duplicate tracks (radar-10: 141
                   identity switches instead of 7).
timestamps         every detection of a step shares the step's one ``datetime``
                   (``--stonesoup-timestamps step``): Stone Soup's prediction cache then hits
                   (the fix DEPENDENCIES.md asks a measured ratio to state). ``own`` stamps
                   each plot with its measurement time, as SkyWarden uses it: more exact,
                   and every prediction is computed afresh.
environment        stonesoup 1.9.1, numpy 2.2.6, scipy 1.14.1
                   (``bench/requirements-stonesoup.txt``): newer scipy slows Stone Soup's
                   Kalman prediction about 1.6x.
=================  ==========================================================================

Scoring
-------
- GOSPA (``p = 1``, ``alpha = 2``) on horizontal positions, cut-off 100 m when only plots
  are in the scenario and 1,000 m when bearings or reports carry tracks (``--cutoff-m``
  overrides), every ``GOSPA_EVERY_S`` seconds, averaged over the scenario. Computed by
  Stone Soup's own ``GOSPAMetric`` in its venv for both trackers, and by
  ``skywarden.evaluation.metrics`` as a cross-check (a disagreement is printed).
- Identity switches and median time to the first confirmed track per target: our
  ``associate`` (CLEAR MOT) on the 1-s truth grid with the same cut-off.
- A track counts from its confirmation until its deletion; its position at a grid time is
  its latest estimate moved on at its velocity (the prediction either tracker would give).
- Wall time: the tracker loop alone (bookkeeping for scoring is timed and taken off).
  Detections per second: detections fed / wall time. Peak memory: growth of the process's
  peak resident memory during the loop (``_stonesoup_worker.PeakRss``, the same code on
  both sides), including what each tracker keeps: Stone Soup's tracks hold every state
  they ever had, by design; SkyWarden's updates are kept as compact arrays for scoring.
- Speed ratio: Stone Soup wall time / SkyWarden wall time (above 1: SkyWarden is faster).
"""

from __future__ import annotations

import argparse
import array
import hashlib
import json
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from scipy.stats import chi2

from _stonesoup_worker import PeakRss
from skywarden.core.enums import DetectionKind, TrackStatus
from skywarden.core.types import Detection, Plot, TrackUpdate
from skywarden.evaluation.metrics import (
    GospaSummary,
    TrackHistory,
    TrackTable,
    TruthTable,
    associate,
    gospa_over_time,
    histories_from_updates,
    sample_tracks,
    truth_table,
)
from skywarden.geo.frames import SiteFrame
from skywarden.geo.zones import load_geography
from skywarden.runtime.pipeline import TICK_S, iter_batches
from skywarden.sim.registry import tracker_config
from skywarden.sim.run import SimResult, simulate
from skywarden.sim.scenarios import (
    builtin_scenario_names,
    load_scenario,
    resolve,
)

# The tracker under test. Switching trackers is this one line.
from skywarden.tracking.tracker import Tracker, TrackerConfig

BENCH_DIR = Path(__file__).resolve().parent
SCENARIO_DIR = BENCH_DIR / "scenarios"
WORKER = BENCH_DIR / "_stonesoup_worker.py"
DEFAULT_VENV = ".venv-stonesoup"
DEFAULT_CACHE = "out/stonesoup-cache"  # out/ is git-ignored
ALL_SCENARIOS = (
    "radar-10",
    "radar-100",
    "radar-500",
    "radar-1000",
    "crossing",
    "lt-2025-07-28-defended",
)
QUICK_SCENARIOS = ("radar-10", "radar-100", "crossing")

RADAR_ONLY_CUTOFF_M = 100.0  # plots alone: radar-class accuracy
MIXED_CUTOFF_M = 1000.0  # bearings and people's reports locate to hundreds of metres
GOSPA_EVERY_S = 5  # GOSPA grid: a long-range radar's half revisit; the 1-s grid adds nothing
GOSPA_AGREEMENT_REL = 1e-6  # our GOSPA and Stone Soup's must agree to rounding

# Stone Soup's tuning (the docstring's table says why each value).
SS_Q_H_M2PS3 = 1.0
SS_Q_V_M2PS3 = 0.1
SS_INIT_SIGMA_V_MPS = 60.0
SS_GATE_P = 0.999
SS_KD_RADIUS_M = 6000.0
SS_CONFIRM_HITS = 3
SS_CONFIRM_HITS_FAST = 5
SS_FAST_REVISIT_S = 2.0
SS_TENTATIVE_REVISITS = 2.5
SS_MAX_COAST_S = 600.0
SS_MAX_SIGMA_H_M = 20_000.0


@dataclass(frozen=True, slots=True)
class Step:
    """One tracker step: its time and the detections given to it (empty for a tick)."""

    t_s: float
    detections: tuple[Detection, ...]


@dataclass(frozen=True, slots=True)
class Run:
    """One tracker on one scenario: what it made and what it cost."""

    histories: list[TrackHistory]
    wall_s: float
    peak_mb: float
    n_detections: int


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table."""

    scenario: str
    targets: int
    tracker: str
    input: str
    gospa: GospaSummary
    id_switches: int
    ttt_median_s: float
    wall_s: float
    det_per_s: float
    peak_mb: float
    speed_ratio: float | None


@dataclass(frozen=True, slots=True)
class Options:
    """How to run the Stone Soup side and score (from the command line)."""

    python: Path | None  # Stone Soup venv's interpreter; None: SkyWarden alone
    cutoff_m: float | None  # GOSPA and association cut-off; None: by the scenario's kinds
    timestamps: str  # "step" or "own"
    per_sensor: bool  # one Stone Soup update per sensor within a step
    cache: Path | None  # folder of reusable Stone Soup runs; None: always run
    duration_s: float | None  # score only the first seconds of each scenario; None: all
    jpda: bool  # also run SkyWarden with JPDA association


@dataclass(frozen=True, slots=True)
class StoneSoupRun:
    """Stone Soup's run of one scenario, and when it was made if it came from the cache."""

    run: Run
    versions: dict[str, str]
    cached_at: str | None


def scenario_path(name: str) -> Path | str:
    """A bench scenario file, a built-in scenario name, or a path."""
    local = SCENARIO_DIR / f"{name}.yaml"
    if local.is_file():
        return local
    if name in builtin_scenario_names():
        return name
    return Path(name)


def pipeline_steps(detections: Sequence[Detection]) -> list[Step]:
    """The steps ``runtime.pipeline.Pipeline`` makes of this arrival-ordered feed.

    Its batches (``iter_batches``), each at its latest detection time, with an empty step
    every ``TICK_S`` of event time in the gaps between them (``Pipeline._tick_until``).
    """
    steps: list[Step] = []
    last_t: float | None = None
    for batch in iter_batches(detections):
        t_s = max(d.t_s for d in batch)
        if last_t is not None:
            while last_t + TICK_S < t_s:
                last_t += TICK_S
                steps.append(Step(last_t, ()))
        steps.append(Step(t_s, tuple(batch)))
        last_t = t_s if last_t is None else max(last_t, t_s)
    return steps


def run_skywarden(frame: SiteFrame, steps: Sequence[Step], config: TrackerConfig) -> Run:
    """Run SkyWarden's tracker in this process, keeping its updates as compact arrays."""
    tracker = Tracker(frame, config)
    ids: dict[str, int] = {}
    cols = array.array("d")  # t_s, lat, lon, alt_m, vel_e, vel_n, vel_u per update
    meta = array.array("q")  # track index, status index per update
    statuses = list(TrackStatus)
    status_index = {s: k for k, s in enumerate(statuses)}
    bookkeeping_s = 0.0
    with PeakRss() as mem:
        t0 = time.perf_counter()
        for step in steps:
            updates = tracker.step(step.t_s, step.detections)
            tb = time.perf_counter()
            for u in updates:
                cols.extend((u.t_s, u.lat, u.lon, u.alt_m, u.vel_e_mps, u.vel_n_mps, u.vel_u_mps))
                meta.extend((ids.setdefault(u.track_id, len(ids)), status_index[u.status]))
            bookkeeping_s += time.perf_counter() - tb
        wall_s = time.perf_counter() - t0 - bookkeeping_s
    names = list(ids)
    c = np.frombuffer(cols, dtype=np.float64).reshape(-1, 7)
    m = np.frombuffer(meta, dtype=np.int64).reshape(-1, 2)
    rebuilt = [
        TrackUpdate(
            float(r[0]), names[int(j)], statuses[int(s)], *map(float, r[1:7]), math.nan, math.nan
        )
        for r, (j, s) in zip(c, m, strict=True)
    ]
    n_det = sum(len(s.detections) for s in steps)
    return Run(histories_from_updates(rebuilt, frame), wall_s, mem.peak_mb, n_det)


def write_stonesoup_steps(frame: SiteFrame, steps: Sequence[Step], path: Path) -> tuple[int, int]:
    """Write the worker's steps file (plots only, in ENU); return (plots, other detections)."""
    plots = [d for s in steps for d in s.detections if isinstance(d, Plot)]
    sensors = {sid: k for k, sid in enumerate(sorted({p.sensor_id for p in plots}))}
    if plots:
        e, n, u = frame.to_enu(
            np.array([p.lat for p in plots]),
            np.array([p.lon for p in plots]),
            np.array([p.alt_m for p in plots]),
        )
        enu = np.column_stack([e, n, u]).tolist()
    else:
        enu = []
    k = 0
    with path.open("w", encoding="utf-8") as fh:
        for step in steps:
            rows = []
            for d in step.detections:
                if isinstance(d, Plot):
                    rows.append([d.t_s, sensors[d.sensor_id], *enu[k], d.sigma_h_m, d.sigma_v_m])
                    k += 1
            fh.write(json.dumps({"t_s": step.t_s, "plots": rows}) + "\n")
    n_all = sum(len(s.detections) for s in steps)
    return len(plots), n_all - len(plots)


def stonesoup_python(venv: Path) -> Path | None:
    """The Stone Soup venv's interpreter, or None if the venv is missing."""
    for rel in ("bin/python", "Scripts/python.exe"):
        exe = venv / rel
        if exe.is_file():
            return exe
    return None


def stonesoup_tuning(
    steps: Sequence[Step], revisits: dict[str, float], timestamps: str, per_sensor: bool
) -> dict[str, float | int | str | bool]:
    """Stone Soup's parameters for one scenario (the docstring's table)."""
    plot_sensors = {d.sensor_id for s in steps for d in s.detections if isinstance(d, Plot)}
    revisit_s = max((revisits.get(sid, 10.0) for sid in plot_sensors), default=10.0)
    fast = revisit_s <= SS_FAST_REVISIT_S
    times = np.unique([s.t_s for s in steps])
    step_s = float(np.diff(times).mean()) if times.size > 1 else 1.0
    return {
        "q_h_m2ps3": SS_Q_H_M2PS3,
        "q_v_m2ps3": SS_Q_V_M2PS3,
        "init_sigma_v_mps": SS_INIT_SIGMA_V_MPS,
        "kd_radius_m": SS_KD_RADIUS_M,
        "gate_chi2_3dof": float(chi2.ppf(SS_GATE_P, 3)),
        "confirm_hits": SS_CONFIRM_HITS_FAST if fast else SS_CONFIRM_HITS,
        "tentative_timeout_s": SS_TENTATIVE_REVISITS * revisit_s,
        "max_coast_steps": math.ceil(SS_MAX_COAST_S / step_s),
        "max_sigma_h_m": SS_MAX_SIGMA_H_M,
        "timestamps": timestamps,
        "per_sensor": per_sensor,
    }


def stonesoup_versions(python: Path) -> str:
    """Versions of Stone Soup, numpy and scipy in its venv (without importing them)."""
    code = (
        "import importlib.metadata as m, sys;"
        "print(sys.version.split()[0], *(m.version(p) for p in ('stonesoup', 'numpy', 'scipy')))"
    )
    done = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True)
    return done.stdout.strip()


def run_stonesoup(
    python: Path,
    frame: SiteFrame,
    steps: Sequence[Step],
    work: Path,
    tuning: dict[str, object],
    cache: Path | None,
) -> StoneSoupRun:
    """Run Stone Soup's tracker in its venv on the plots of the same steps.

    With ``cache``, a run whose input (steps, tuning, worker code, Stone Soup's venv
    versions) was seen before is read back instead of run again: Stone Soup's side does
    not change when SkyWarden's does, and the 1,000-target case takes it the better part
    of an hour. Its timings are then those of the original run.
    """
    steps_path, tuning_path, out_path = work / "steps.jsonl", work / "tuning.json", work / "ss.json"
    write_stonesoup_steps(frame, steps, steps_path)
    tuning_text = json.dumps(tuning, sort_keys=True)
    tuning_path.write_text(tuning_text, encoding="utf-8")
    cache_file = None
    if cache is not None:
        key = hashlib.sha256()
        for part in (steps_path.read_bytes(), tuning_text.encode(), WORKER.read_bytes()):
            key.update(hashlib.sha256(part).digest())
        key.update(stonesoup_versions(python).encode())
        cache_file = cache / f"{key.hexdigest()[:24]}.json"
    cached_at = None
    if cache_file is not None and cache_file.is_file():
        doc = json.loads(cache_file.read_text(encoding="utf-8"))
        cached_at = str(doc["run_at"])
    else:
        cmd = [str(python), str(WORKER), "track", str(steps_path), str(tuning_path), str(out_path)]
        subprocess.run(cmd, check=True)
        doc = json.loads(out_path.read_text(encoding="utf-8"))
        if cache_file is not None:
            doc["run_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            cache_file.write_text(json.dumps(doc), encoding="utf-8")
    histories = []
    for tr in doc["tracks"]:
        t = np.asarray(tr["t_s"], dtype=np.float64)
        order = np.argsort(t, kind="stable")
        end = math.inf if tr["end_t_s"] is None else float(tr["end_t_s"])
        state = np.asarray(tr["state"], dtype=np.float64)[order]
        histories.append(TrackHistory(tr["id"], t[order], state, float(tr["start_t_s"]), end))
    run = Run(histories, float(doc["wall_s"]), float(doc["peak_rss_mb"]), doc["n_detections"])
    return StoneSoupRun(run, doc["versions"], cached_at)


def stonesoup_gospa(
    python: Path, truth: TruthTable, tables: dict[str, TrackTable], cutoff_m: float, work: Path
) -> dict[str, GospaSummary]:
    """Mean GOSPA of each track table with Stone Soup's ``GOSPAMetric`` (in its venv)."""
    arrays: dict[str, np.ndarray] = {"t_s": truth.t_s, "names": np.array(list(tables))}
    counts = truth.alive.sum(axis=1)
    arrays["truth_offsets"] = np.concatenate([[0], np.cumsum(counts)])
    arrays["truth_pos"] = truth.pos_enu_m[truth.alive][:, :2]
    for name, table in tables.items():
        arrays[f"{name}_offsets"] = table.offsets
        arrays[f"{name}_pos"] = table.pos_enu_m[:, :2]
    npz, out = work / "score.npz", work / "score.json"
    np.savez(npz, **arrays)
    cmd = [str(python), str(WORKER), "score", str(npz), repr(cutoff_m), str(out)]
    subprocess.run(cmd, check=True)
    doc = json.loads(out.read_text(encoding="utf-8"))
    return {name: GospaSummary(**doc[name]) for name in tables}


def subsample(truth: TruthTable, every: int) -> TruthTable:
    """Every ``every``-th time of a truth table."""
    sel = slice(None, None, every)
    return TruthTable(truth.t_s[sel], truth.target_ids, truth.pos_enu_m[sel], truth.alive[sel])


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def bench_scenario(name: str, opts: Options) -> tuple[list[Row], StoneSoupRun | None]:
    """Simulate one scenario, run both trackers, score them; return its table rows."""
    t0 = time.perf_counter()
    resolved = resolve(load_scenario(scenario_path(name)))
    sim: SimResult = simulate(resolved)
    frame = load_geography(resolved.geography).frame
    steps = pipeline_steps(sim.synth.detections)
    truth = truth_table(sim.truth, frame)
    if opts.duration_s is not None:
        end_s = resolved.start_t_s + opts.duration_s
        steps = [s for s in steps if s.t_s <= end_s]
        keep = truth.t_s <= end_s
        truth = TruthTable(
            truth.t_s[keep], truth.target_ids, truth.pos_enu_m[keep], truth.alive[keep]
        )
    kinds = {d.kind for d in sim.synth.detections}
    plots_only = kinds <= {DetectionKind.PLOT}
    cutoff_m = opts.cutoff_m or (RADAR_ONLY_CUTOFF_M if plots_only else MIXED_CUTOFF_M)
    n_targets = len(resolved.targets)
    progress(
        f"{name}: {n_targets} targets, {len(sim.synth.detections)} detections,"
        f" {len(steps)} steps (simulated in {time.perf_counter() - t0:.1f} s)"
    )
    every = max(1, round(GOSPA_EVERY_S / resolved.truth_step_s))
    truth_g = subsample(truth, every)

    runs: dict[str, Run] = {}
    progress(f"{name}: SkyWarden ...")
    config = tracker_config(resolved)
    revisits = dict(config.revisit_s)
    runs["SkyWarden"] = run_skywarden(frame, steps, config)
    progress(f"{name}: SkyWarden {runs['SkyWarden'].wall_s:.1f} s")
    if opts.jpda:
        runs["SkyWarden JPDA"] = run_skywarden(frame, steps, replace(config, association="jpda"))
        progress(f"{name}: SkyWarden JPDA {runs['SkyWarden JPDA'].wall_s:.1f} s")
    ss: StoneSoupRun | None = None
    python = opts.python
    with tempfile.TemporaryDirectory(prefix="sw-vs-ss-") as tmp:
        work = Path(tmp)
        if python is not None:
            progress(f"{name}: Stone Soup ...")
            tuning = stonesoup_tuning(steps, revisits, opts.timestamps, opts.per_sensor)
            ss = run_stonesoup(python, frame, steps, work, tuning, opts.cache)
            runs["Stone Soup"] = ss.run
            reused = f" (from the cache, run {ss.cached_at})" if ss.cached_at else ""
            progress(f"{name}: Stone Soup {ss.run.wall_s:.1f} s{reused}")
        tables_g = {k: sample_tracks(r.histories, truth_g.t_s) for k, r in runs.items()}
        ours = {k: gospa_over_time(truth_g, t, cutoff_m).mean() for k, t in tables_g.items()}
        gospa = ours
        if python is not None:
            keys = {k: k.replace(" ", "_") for k in tables_g}
            theirs = stonesoup_gospa(
                python, truth_g, {keys[k]: t for k, t in tables_g.items()}, cutoff_m, work
            )
            gospa = {k: theirs[keys[k]] for k in tables_g}
            for k in tables_g:
                a, b = ours[k], gospa[k]
                for part in ("distance", "localisation", "missed", "false"):
                    x, y = getattr(a, part), getattr(b, part)
                    if not math.isclose(x, y, rel_tol=GOSPA_AGREEMENT_REL, abs_tol=1e-6):
                        progress(f"WARNING {name} {k}: GOSPA {part} ours {x} vs Stone Soup {y}")
    rows = []
    sw_wall = runs["SkyWarden"].wall_s
    for tracker_name, r in runs.items():
        assoc = associate(truth, sample_tracks(r.histories, truth.t_s), cutoff_m)
        is_ss = tracker_name == "Stone Soup"
        rows.append(
            Row(
                scenario=f"{name} (c={cutoff_m:.0f} m)",
                targets=n_targets,
                tracker=tracker_name,
                input="plot" if is_ss or plots_only else "all",
                gospa=gospa[tracker_name],
                id_switches=assoc.total_id_switches,
                ttt_median_s=assoc.median_time_to_track_s,
                wall_s=r.wall_s,
                det_per_s=r.n_detections / r.wall_s if r.wall_s > 0 else math.nan,
                peak_mb=r.peak_mb,
                speed_ratio=r.wall_s / sw_wall if is_ss and sw_wall > 0 else None,
            )
        )
    return rows, ss


def format_table(rows: Sequence[Row]) -> str:
    """The one table, as Markdown."""
    head = (
        "| scenario | targets | tracker | input | GOSPA mean total / loc / missed / false (m)"
        " | id switches | time to confirmed track, median (s) | wall (s) | detections/s"
        " | peak memory (MB) | speed ratio SS/SW |"
    )
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        g = r.gospa
        lines.append(
            f"| {r.scenario} | {r.targets} | {r.tracker} | {r.input}"
            f" | {g.distance:.0f} / {g.localisation:.0f} / {g.missed:.0f} / {g.false:.0f}"
            f" | {r.id_switches} | {r.ttt_median_s:.1f} | {r.wall_s:.2f} | {r.det_per_s:,.0f}"
            f" | {r.peak_mb:.0f} | {'' if r.speed_ratio is None else f'{r.speed_ratio:.1f}x'} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="SkyWarden's tracker against Stone Soup on the same simulated detections."
    )
    parser.add_argument("--scenarios", nargs="+", default=None, help="names or paths")
    parser.add_argument("--stonesoup-venv", type=Path, default=Path(DEFAULT_VENV))
    parser.add_argument("--quick", action="store_true", help="small cases only")
    parser.add_argument("--cutoff-m", type=float, default=None, help="GOSPA cut-off override")
    parser.add_argument(
        "--stonesoup-timestamps",
        choices=("step", "own"),
        default="step",
        help="stamp Stone Soup's detections with the step time (default) or their own",
    )
    parser.add_argument(
        "--stonesoup-steps",
        choices=("sensor", "batch"),
        default="sensor",
        help="one Stone Soup update per sensor within a step (default) or one per step",
    )
    parser.add_argument(
        "--stonesoup-cache",
        type=Path,
        default=Path(DEFAULT_CACHE),
        help=f"reuse Stone Soup runs on identical input from this folder (default {DEFAULT_CACHE})",
    )
    parser.add_argument("--fresh", action="store_true", help="run Stone Soup even if cached")
    parser.add_argument(
        "--jpda", action="store_true", help="add a row of SkyWarden with JPDA association"
    )
    parser.add_argument(
        "--duration-s",
        type=float,
        default=None,
        help="feed both trackers and score only the first seconds of each scenario",
    )
    args = parser.parse_args(argv)
    names = args.scenarios or list(QUICK_SCENARIOS if args.quick else ALL_SCENARIOS)
    python = stonesoup_python(args.stonesoup_venv)
    if python is None:
        print(
            f"No Stone Soup venv at {args.stonesoup_venv}: SkyWarden's rows only. Create it with\n"
            f"  python3 -m venv {DEFAULT_VENV} && {DEFAULT_VENV}/bin/pip install"
            " -r bench/requirements-stonesoup.txt\n"
        )
    opts = Options(
        python=python,
        cutoff_m=args.cutoff_m,
        timestamps=args.stonesoup_timestamps,
        per_sensor=args.stonesoup_steps == "sensor",
        cache=None if args.fresh else args.stonesoup_cache,
        duration_s=args.duration_s,
        jpda=args.jpda,
    )
    rows: list[Row] = []
    versions: dict[str, str] = {}
    reused: list[str] = []
    for name in names:
        scenario_rows, ss = bench_scenario(name, opts)
        rows += scenario_rows
        if ss is not None:
            versions = ss.versions
            if ss.cached_at:
                reused.append(f"{name} (run {ss.cached_at})")
    print(format_table(rows))
    print()
    if args.duration_s is not None:
        print(f"Each scenario cut to its first {args.duration_s:.0f} s (--duration-s).")
    gospa_by = "Stone Soup's GOSPAMetric" if python else "skywarden.evaluation.metrics"
    print(
        f"GOSPA p=1, alpha=2, horizontal, every {GOSPA_EVERY_S} s, by {gospa_by};"
        " id switches and time to track by skywarden.evaluation.metrics (CLEAR MOT, 1 s)."
    )
    if python is not None:
        env = ", ".join(f"{k} {v}" for k, v in versions.items())
        per = "per sensor per step" if args.stonesoup_steps == "sensor" else "per step"
        cache = " (prediction cache hits)" if args.stonesoup_timestamps == "step" else ""
        print(
            f"Stone Soup ({env}): KD-tree GNN (DetectionKDTreeGNN2D), plots only, one update"
            f" {per}, detections stamped with the"
            f" {args.stonesoup_timestamps} time{cache}."
        )
        if reused:
            print(
                f"Stone Soup rows reused from {args.stonesoup_cache} (--fresh reruns):"
                f" {', '.join(reused)}; their timings are those runs'."
            )
    print(
        f"SkyWarden: {Tracker.__module__}.{Tracker.__name__}, numpy {np.__version__},"
        f" Python {sys.version.split()[0]}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
