"""Wire sources -> tracking -> assessment -> alerting -> outputs and run them in event time.

The pipeline is pushed detections in arrival order. It groups them into batches of at
most ``BATCH_WINDOW_S`` of event time and steps the tracker once per batch. Between
batches it steps the tracker with no detections every ``TICK_S`` of event time, so that
tracks coast and are deleted (and alerts cleared) when they should be, not when the next
detection happens to arrive. Nothing reads the wall clock: a replay gives the same
output as the original run.

Every track update, alert event and reject is written (and flushed) as soon as it is
made, so a crash loses nothing already produced.

Operator actions given to the pipeline (``actions``, e.g. from an actions file) are
applied in time order as the event clock reaches them: before the tracker step at or
after an action's time, so their events carry the action's own time; actions later than
the last step are applied when the pipeline drains (:meth:`Pipeline.drain`, the end of
:meth:`Pipeline.run`). Their events go to every output like any other alert event, and
every action, accepted or rejected by the rule engine, is written to ``audit.jsonl``.

Sensor outages: given silence limits (``silence_limits_s``, from the sensor registry;
for a simulated scenario ``sim.registry.silence_limits``), the pipeline feeds a
:class:`~skywarden.sources.health.SilenceMonitor` the sensor ids of every batch, at the
batch's time, and checks it on every step, batches and ticks alike. Each transition goes
to :meth:`RuleEngine.sensor_outage` at its own time (down when the silence passed the
limit, not when a step noticed it; up at the batch that brings the sensor back) and the
events go out like every other alert event, with a timeline note. When the input ends
(:meth:`Pipeline.drain`), the monitor stops: input over is not an outage, so draining
raises none. A sensor still down then keeps its outage alert open (nothing said it came
back), and draining does not wait for that alert to clear. The monitor runs on the event
clock like everything else: while no sensor at all reports there is no step, so an
outage of the only sensor reporting is dated right but written when input resumes.
"""

from __future__ import annotations

import math
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from skywarden.alerting.lifecycle import OperatorAction
from skywarden.alerting.rule_engine import AuditRecord, RuleEngine
from skywarden.alerting.rules import RuleSet, load_rules
from skywarden.assessment.assessor import Assessor
from skywarden.core.enums import AlertKind, TrackStatus
from skywarden.core.types import AlertEvent, Assessment, Detection, TrackUpdate
from skywarden.geo.wind import WindField
from skywarden.geo.zones import Geography
from skywarden.outputs.cap import CapWriter
from skywarden.outputs.cot import CotWriter
from skywarden.outputs.jsonl import AlertWriter, QuarantineWriter, TrackWriter
from skywarden.outputs.webhook import WebhookSink
from skywarden.runtime.actions import AuditWriter
from skywarden.sources.base import Reject
from skywarden.sources.health import SilenceMonitor
from skywarden.tracking.tracker import Tracker, TrackerConfig

__all__ = [
    "BATCH_WINDOW_S",
    "TICK_S",
    "Pipeline",
    "RunSummary",
    "TimelineEntry",
    "ends_batch",
    "iter_batches",
]

# One second gathers a radar scan's plots of the same target into one step; bigger would
# blur a 45 m/s target by more than a long-range radar's sigma.
BATCH_WINDOW_S = 1.0
# An unidentified track with this threat score or more is shown hostile on TAK maps.
HOSTILE_THREAT = 0.5
# Last positions kept for placing alerts on TAK maps (bounded: a long run sees many tracks).
LAST_SEEN_KEPT = 10_000
# After the last track is gone, the clock runs on this long at most for alerts to clear.
DRAIN_ALERTS_S = 900.0
# A track goes to the CoT stream at most this often (and on every status change): a TAK
# map refreshes about once a second, and every radar's plot need not redraw it.
COT_TRACK_EVERY_S = 5.0
# Five seconds of event time between empty steps: coasting and deletion are at most 5 s
# late, while a quiet hour of input costs only 720 cheap steps.
TICK_S = 5.0


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of the human-readable timeline."""

    t_s: float
    what: str  # "track", "alert" or "input"
    text: str


@dataclass(slots=True)
class RunSummary:
    """What a run read, made and wrote."""

    detections: int = 0
    rejects: Counter[str] = field(default_factory=Counter)
    track_updates: int = 0
    tracks_confirmed: int = 0
    alert_events: int = 0
    alerts_raised: int = 0
    operator_actions: int = 0  # applied, accepted or not (each one is in audit.jsonl)
    sensor_outages: int = 0  # sensors found silent past their limit (down transitions)
    cap_messages: int = 0
    cot_events: int = 0
    output_errors: Counter[str] = field(default_factory=Counter)
    first_t_s: float | None = None
    last_t_s: float | None = None
    unused_by_kind: Counter[str] = field(default_factory=Counter)
    late: int = 0
    timeline: list[TimelineEntry] = field(default_factory=list)


def ends_batch(batch: list[Detection], item: Detection) -> bool:
    """Tell whether ``item`` starts a new batch: it is over ``BATCH_WINDOW_S`` after the first."""
    return bool(batch) and item.t_s - batch[0].t_s > BATCH_WINDOW_S


def iter_batches(detections: Iterable[Detection]) -> Iterator[list[Detection]]:
    """Group detections, in arrival order, into the batches the pipeline steps with."""
    batch: list[Detection] = []
    for item in detections:
        if ends_batch(batch, item):
            yield batch
            batch = []
        batch.append(item)
    if batch:
        yield batch


class Pipeline:
    """One process's pipeline writing ``tracks.jsonl``, ``alerts.jsonl`` and ``quarantine.jsonl``.

    ``actions`` are operator actions applied at their event time (module docstring);
    ``audit.jsonl`` records each. ``silence_limits_s`` are the sensors watched for
    outages, seconds of silence by sensor id (module docstring; ``ConfigError`` for a
    limit that is not finite and above zero). Use as a context manager so the files are
    closed. Not thread-safe.
    """

    def __init__(
        self,
        geography: Geography,
        out_dir: Path,
        tracker_config: TrackerConfig | None = None,
        on_entry: Callable[[TimelineEntry], None] | None = None,
        rules: RuleSet | None = None,
        webhook: WebhookSink | None = None,
        actions: Sequence[OperatorAction] = (),
        wind: WindField | None = None,
        silence_limits_s: Mapping[str, float] | None = None,
    ) -> None:
        self.silence = SilenceMonitor(silence_limits_s or {})
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        self.geography = geography
        self.tracker = Tracker(geography.frame, tracker_config)
        self.assessor = Assessor(geography, wind=wind)
        self.alerts = RuleEngine(
            geography, rules or load_rules(geography.name, geography), on_audit=self._audited
        )
        self.summary = RunSummary()
        self._on_entry = on_entry
        self._tracks = TrackWriter(out_dir / "tracks.jsonl")
        self._alerts_out = AlertWriter(out_dir / "alerts.jsonl")
        self._quarantine = QuarantineWriter(out_dir / "quarantine.jsonl")
        self._audit = AuditWriter(out_dir / "audit.jsonl")
        self._actions = sorted(actions, key=lambda a: a.t_s)  # stable: file order at a tie
        self._actions_done = 0  # self._actions[:_actions_done] are applied
        # A run's outputs replace the last run's in the same folder, CAP files included
        # (tracks.jsonl and alerts.jsonl are truncated the same way).
        for old in (out_dir / "cap").glob("*.xml"):
            old.unlink()
        self._cap = CapWriter(out_dir, geography)
        self._cot = CotWriter(out_dir / "cot.xml")
        self._webhook = None if webhook is None else WebhookWorker(webhook)
        self._last_seen: dict[str, tuple[float, float]] = {}  # track id -> lat, lon
        self._cot_last: dict[str, tuple[float, TrackStatus]] = {}  # last CoT time, status
        self._batch: list[Detection] = []
        self._confirmed: set[str] = set()
        # watching for silent sensors until the input ends (drain); off without limits
        self._watching = bool(self.silence.limits_s)
        # alerts every down sensor holds: one per group of sensor_outage rules
        self._outage_groups = len(
            {r.group for r in self.alerts.rules.rules if r.kind is AlertKind.SENSOR_OUTAGE}
        )

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the output files."""
        self._tracks.close()
        self._alerts_out.close()
        self._quarantine.close()
        self._audit.close()
        self._cot.close()
        if self._webhook is not None:
            self._webhook.close()

    def run(self, items: Iterable[Detection | Reject], drain: bool = True) -> RunSummary:
        """Push every item through and flush; ``drain`` runs the clock on until no track is left."""
        for item in items:
            self.push(item)
        self.flush()
        if drain:
            self.drain()
        return self.summary

    def push(self, item: Detection | Reject) -> None:
        """Take one detection (batched) or reject (quarantined at once)."""
        if isinstance(item, Reject):
            self.summary.rejects[item.code.value] += 1
            self._quarantine.write(item)
            # a reject has no event time of its own: file it at the latest input time
            self._note(self.summary.last_t_s or 0.0, "input", f"rejected {item.message}")
            return
        self.summary.detections += 1
        if self.summary.first_t_s is None:
            self.summary.first_t_s = item.t_s
        self.summary.last_t_s = max(self.summary.last_t_s or item.t_s, item.t_s)
        if ends_batch(self._batch, item):
            self.flush()
        self._batch.append(item)

    def flush(self) -> None:
        """Step the tracker with the pending batch (after the ticks leading up to it)."""
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        t_s = max(d.t_s for d in batch)
        self._tick_until(t_s)
        self._step(t_s, batch)

    def drain(self) -> None:
        """Run event time on, in ticks, until every track is deleted and every alert cleared.

        Operator actions still pending after that are applied last, at their own times.
        The input is over: the silence monitor stops, and the outage alerts of sensors
        still down stay open (the module docstring).
        """
        self._stop_watching()
        t = self.tracker.t_s
        if t is None:
            self._act_until(math.inf)
            return
        cfg = self.tracker.config
        limit = t + max(cfg.max_coast_s, cfg.max_coast_established_s) + 2 * TICK_S
        while self.tracker.n_tracks and t < limit:
            t += TICK_S
            self._step(t, [])
        # then until the alerts those tracks held have cleared (their hysteresis)
        limit = t + DRAIN_ALERTS_S
        held_open = self._outage_groups * len(self.silence.down)  # these never clear now
        while self.alerts.active_count > held_open and t < limit:
            t += TICK_S
            self._step(t, [])
        self._act_until(math.inf)

    def _tick_until(self, t_s: float) -> None:
        t = self.tracker.t_s
        if t is None:
            return
        while t + TICK_S < t_s:
            t += TICK_S
            self._step(t, [])

    def _step(self, t_s: float, detections: list[Detection]) -> None:
        """Apply the operator actions due by ``t_s``, watch the sensors, step the tracker."""
        self._act_until(t_s)
        if self._watching:
            self._watch(t_s, detections)
        self._handle(self.tracker.step(t_s, detections))

    def _watch(self, t_s: float, detections: list[Detection]) -> None:
        """Hear this step's sensors and send each outage transition due by ``t_s`` to alerting.

        After the operator actions due by ``t_s`` (their events carry earlier or equal
        times) and before the tracker step, so ``alerts.jsonl`` stays in time order: a
        transition at or before ``t_s`` is never written after an event at ``t_s``.
        """
        if detections:
            self.silence.heard({d.sensor_id for d in detections}, t_s)
        for tr in self.silence.check(t_s):
            if tr.down:
                self.summary.sensor_outages += 1
                text = f"sensor {tr.sensor_id} silent for {tr.silent_s:.0f} s: down"
            else:
                text = f"sensor {tr.sensor_id} reporting again after {tr.silent_s:.0f} s silent"
            self._note(tr.t_s, "input", text)
            for event in self.alerts.sensor_outage(tr.sensor_id, tr.t_s, tr.down):
                self._alert(event)

    def _stop_watching(self) -> None:
        """Stop the silence monitor at the end of the input; note the sensors still down."""
        if not self._watching:
            return
        self._watching = False
        for sensor_id, since_s in sorted(self.silence.down.items()):
            t_s = self.summary.last_t_s if self.summary.last_t_s is not None else since_s
            self._note(t_s, "input", f"sensor {sensor_id} still down when the input ended")

    def _act_until(self, t_s: float) -> None:
        """Apply, in time order, every pending operator action at or before ``t_s``."""
        while self._actions_done < len(self._actions):
            action = self._actions[self._actions_done]
            if action.t_s > t_s:
                return
            self._actions_done += 1
            for event in self.alerts.apply(action):
                self._alert(event)

    def _audited(self, record: AuditRecord) -> None:
        """Write one audit record (the rule engine's ``on_audit``) and note it."""
        self._audit.write(record)
        self.summary.operator_actions += 1
        target = record.alert_id or record.track_id or "nothing"
        self._note(
            record.t_s,
            "input",
            f"operator {record.operator}: {record.action.value} {target}: {record.result}",
        )

    def _handle(self, updates: list[TrackUpdate]) -> None:
        s = self.summary
        s.unused_by_kind = Counter(self.tracker.stats.unused_by_kind)
        s.late = self.tracker.stats.late
        if not updates:
            if self.tracker.t_s is not None:  # a tick: alert timers run on event time
                for event in self.alerts.process([], now_s=self.tracker.t_s):
                    self._alert(event)
            return
        assessments: list[Assessment] = []
        try:
            assessments = self.assessor.assess(updates)
            for u in updates:  # where a TAK map shows this track's alerts
                if u.status is not TrackStatus.TENTATIVE:
                    # kept after deletion (a clearing comes later), the oldest dropped first
                    self._last_seen.pop(u.track_id, None)
                    self._last_seen[u.track_id] = (u.lat, u.lon)
            while len(self._last_seen) > LAST_SEEN_KEPT:
                del self._last_seen[next(iter(self._last_seen))]
            for a in assessments:
                if a.status is TrackStatus.CONFIRMED and a.track_id not in self._confirmed:
                    self._confirmed.add(a.track_id)
                    s.tracks_confirmed += 1
                    self._note(a.t_s, "track", f"{a.track_id} confirmed: {'; '.join(a.reasons)}")
                elif a.status is TrackStatus.DELETED and a.track_id in self._confirmed:
                    self._note(a.t_s, "track", f"{a.track_id} deleted")
            # Alerts leave first: their latency is what the operators and the public wait on.
            for event in self.alerts.process(assessments):
                self._alert(event)
        finally:
            # The track lines are written whatever happened above, with the contract's
            # optional class fields when assessment made them.
            classes = {a.track_id: a for a in assessments}
            for u in updates:
                found = classes.get(u.track_id)
                if found is not None:
                    self._tracks.write_classed(u, found.obj_class, found.class_p)
                else:
                    self._tracks.write(u)
            s.track_updates += len(updates)
        for u, a in zip(updates, assessments, strict=True):
            if u.status is TrackStatus.TENTATIVE or not self._cot_due(u):
                continue  # TAK users see confirmed tracks, at most every COT_TRACK_EVERY_S
            hostile = not a.cooperative and a.threat >= HOSTILE_THREAT
            self._output("cot", self._cot.write_track, u, obj_class=a.obj_class, hostile=hostile)

    def _cot_due(self, u: TrackUpdate) -> bool:
        """Whether a track's update goes to the CoT stream (a status change always does)."""
        last = self._cot_last.get(u.track_id)
        if u.status is TrackStatus.DELETED:
            self._cot_last.pop(u.track_id, None)
            return True
        if last is not None and last[1] is u.status and u.t_s - last[0] < COT_TRACK_EVERY_S:
            return False
        self._cot_last[u.track_id] = (u.t_s, u.status)
        return True

    def _alert(self, event: AlertEvent) -> None:
        self._alerts_out.write(event)
        self.summary.alert_events += 1
        if self._output("cap", self._cap.write, event) is not None:
            self.summary.cap_messages += 1
        if self._webhook is not None:
            self._webhook.put(event)
        where = self._alert_point(event)
        if where is not None:
            self._output("cot", self._cot.write_alert, event, lat=where[0], lon=where[1])
        if event.state.value == "raised":
            self.summary.alerts_raised += 1
        zone_names = self.geography.zones
        zones = ", ".join(
            f"{z} ({zone_names[z].name})" if z in zone_names else z for z in event.zone_ids
        )
        text = (
            f"{event.alert_id} {event.state.value} {event.level.value} {event.kind.value}"
            f" [{zones or 'no zone'}] {event.reason}"
        )
        self._note(event.t_s, "alert", text)

    def _output(
        self, name: str, write: Callable[..., object], *args: object, **kw: object
    ) -> object:
        """Write to a derived output (CAP, CoT); a failure there is counted, never fatal.

        ``tracks.jsonl`` and ``alerts.jsonl`` are already written when this runs, so a
        malformed CAP or CoT message loses nothing; the count is in the run summary and
        the first failure of each output is on the timeline.
        """
        try:
            result = write(*args, **kw)
        except (ValueError, OSError) as exc:
            errors = self.summary.output_errors
            errors[name] += 1
            if errors[name] == 1:
                t_s = float(getattr(args[0], "t_s", 0.0)) if args else 0.0
                self._note(t_s, "input", f"{name} output failed (first of its kind): {exc}")
            return None
        if name == "cot":
            self.summary.cot_events += 1
        return result

    def _alert_point(self, event: AlertEvent) -> tuple[float, float] | None:
        """Where a TAK map shows an alert: its first track's last position, else its site."""
        for tid in event.track_ids:
            if tid in self._last_seen:
                return self._last_seen[tid]
        for site_id in event.site_ids:
            site = self.geography.sites.get(site_id)
            if site is not None:
                return site.lat, site.lon
        return None

    def _note(self, t_s: float, what: str, text: str) -> None:
        entry = TimelineEntry(t_s, what, text)
        self.summary.timeline.append(entry)
        if self._on_entry is not None:
            self._on_entry(entry)


class WebhookWorker:
    """Sends alert events to a webhook from a thread of its own, in order.

    A receiver that is slow or down (the sink retries with backoff for up to minutes)
    must not hold up the pipeline: events are queued and the pipeline goes on. The sink
    dead-letters what it cannot deliver. ``close`` waits for the queue to empty, at most
    ``close_timeout_s``; events still queued then are counted as ``abandoned``.
    """

    def __init__(self, sink: WebhookSink, close_timeout_s: float = 60.0) -> None:
        self.sink = sink
        self.close_timeout_s = close_timeout_s
        self.abandoned = 0
        self._queue: queue.Queue[AlertEvent | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="skywarden-webhook", daemon=True)
        self._thread.start()

    def put(self, event: AlertEvent) -> None:
        """Queue one alert transition for delivery."""
        self._queue.put(event)

    def close(self) -> None:
        """Deliver what is queued (up to ``close_timeout_s``) and stop the thread."""
        self._queue.put(None)
        self._thread.join(self.close_timeout_s)
        if self._thread.is_alive():
            self.abandoned = self._queue.qsize()

    def _run(self) -> None:
        while True:
            event = self._queue.get()
            if event is None:
                return
            try:
                self.sink.send(event)
            except ValueError:
                self.sink.stats.failed += 1  # a NaN in an event: counted, never fatal
