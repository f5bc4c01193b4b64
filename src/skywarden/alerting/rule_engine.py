"""The rule engine: declarative rules over assessments, one alert per group and target.

:class:`RuleEngine` takes the rules of :mod:`skywarden.alerting.rules`, evaluates them on
each assessment as it arrives, and runs every alert through the pure transition function
of :mod:`skywarden.alerting.lifecycle` on every :meth:`RuleEngine.process` call. It has
the interface of the walking skeleton's ``BorderAlertEngine`` (``process(assessments) ->
list[AlertEvent]``) plus operator actions (:meth:`RuleEngine.apply`), an audit trail and
sensor outages.

Decisions:

- **Evaluate on arrival, time on every call.** A track's conditions are evaluated when an
  assessment for it arrives; its matches (targets with lead times, which count down) are
  kept until its next assessment. Timers then run on every ``process()`` call at the
  latest event time seen (or the ``now_s`` the caller passes on an empty tick), so an
  alert whose tracks went quiet clears on time. Event times are that event time: the
  assessment time, never the wall clock, so a replay reproduces a live run.
- **Targeting.** A rule's target decides whom its alerts are for: the alert zones on the
  predicted corridor within the rule's lead time (plus the zone under the track), only
  the zone under it, protected sites each with its own lead time, sites of a kind, or the
  whole country only for a rule whose target is ``country``. A zone 50 km off the path
  is never warned.
- **De-duplication.** One alert per ``(rule group, target)``, the target a zone id, a
  site id, the country or a sensor. Several tracks of one raid threatening the same zone
  give one alert listing all their track ids; it is *updated* when a track joins or
  leaves. Its ``eta_s`` is the earliest lead time of its tracks to its target. Rules of
  one group (``lt.yellow.path`` and ``lt.red.path`` share ``lt.path``) feed one alert per
  target whose level is the highest any of them wants: yellow *escalates* to red under
  the same alert id and is *downgraded* back.
- **Hysteresis.** The rule that set an alert's level says how long its condition must be
  false before it clears (``clear_after_s``) and how long it lasts at least
  (``min_hold_s``). A condition that blinks off for a few seconds changes nothing; a track
  that is deleted or turns out cooperative stops matching at once, and its alerts clear
  ``clear_after_s`` later unless another track still holds them. A track with no
  assessment for :data:`STALE_AFTER_S` counts as deleted.
- **Down.** A track whose assessment predicts it on the ground by some time (it
  descends: ``Assessment.impact_t_s``) and that has no detection after that time is down
  :data:`DOWN_GRACE_S` later: it stops holding its alerts, and an alert that only down
  tracks held clears at once, without waiting out ``clear_after_s`` (its ``min_hold_s``
  still counts). Hysteresis guards against sensors blinking, and a fallen drone does not
  blink back: the all-clear comes within a minute of the fall, not minutes after it.
  A detection of the track after that time brings it back. A track the tracker deleted
  as down (lost within a drone radar's low cover: ``Assessment.down_t_s``) is down at
  once.
- **ETA updates.** An ETA counts down by itself; an alert is updated only when its ETA
  moves more than :data:`ETA_CHANGE_S` away from that countdown.
- **Reasons.** Every event's reason starts with the rule id (``"lt.red.path: ..."``) and
  says why in words: the target and its ETA, the leading track, its class and
  probability, its threat score and where it came from.
- **Operator actions** (:class:`~skywarden.alerting.lifecycle.OperatorAction`): an
  acknowledgement emits an ``updated`` event ("acknowledged by <operator>"); a
  reclassification as not dangerous clears every alert the track(s) hold alone at once,
  updates those other tracks still hold, and mutes the track(s) for
  :data:`RECLASSIFY_SUPPRESS_S` (10 July 2025: the leaders stayed in shelter until the
  object was established not to be a threat; the all-clear should go when an operator
  says so); a forced clear ends an alert at once, skipping the hysteresis (if its
  condition still holds, the next step raises a new alert: to silence a track, reclassify
  it). Every action, accepted or not, is appended to :attr:`RuleEngine.audit` and passed
  to the ``on_audit`` callback.

Not thread-safe: an engine keeps per-track and per-alert state and belongs to one
pipeline; feed it from one thread.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from skywarden.alerting.lifecycle import (
    Hysteresis,
    OperatorAction,
    OperatorActionKind,
    Timers,
    operator_step,
    step,
)
from skywarden.alerting.rules import AlertRule, RuleSet, Target, check_rules
from skywarden.core.enums import AlertKind, AlertLevel, AlertState, ObjectClass, TrackStatus
from skywarden.core.ids import IdMinter
from skywarden.core.time import format_rfc3339
from skywarden.core.types import AlertEvent, Assessment
from skywarden.geo.zones import Geography

__all__ = [
    "DOWN_GRACE_S",
    "ETA_CHANGE_S",
    "RECLASSIFY_SUPPRESS_S",
    "STALE_AFTER_S",
    "AuditRecord",
    "RuleEngine",
]

# An ETA that moves by more than two minutes beyond its own countdown is news (the drone
# sped up, slowed down or turned). The assessor samples its forecast every 60 s, and as a
# course wobbles the corridor's edge touches a zone one sample earlier or later, so moves
# of one sample are noise. Measured with real assessments of the lt-2025-07-28-defended
# truth (one drone, about an hour over Lithuania): 60 s gave 36 ETA updates, 120 s gave 14.
ETA_CHANGE_S = 120.0
# A coasting track is reported every 10 s and a lost one ends with a "deleted" line; a
# track silent for two minutes had its deletion lost somewhere and must not hold an alert
# for ever.
STALE_AFTER_S = 120.0
# How long after its predicted latest ground contact a track with no detection since is
# taken to be down: a few revisits of a drone radar, which would see a drone still flying.
DOWN_GRACE_S = 5.0
# A fallen track is remembered this long (its coasting predictions are ignored meanwhile).
DOWN_KEPT_S = 3600.0
# After "not dangerous", the track stays muted for half an hour: longer than it takes a
# Gerbera to cross Lithuania's waist, short enough that a misjudged track comes back.
RECLASSIFY_SUPPRESS_S = 1800.0

FloatArray = npt.NDArray[np.float64]
_Key = tuple[str, str]  # (key space, id): ("zone", "LT-57"), ("site", "seimas"), ...
_AlertKey = tuple[str, str, str]  # (rule group, key space, id)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One operator action and what came of it (``result`` in words, ``events`` emitted)."""

    t_s: float
    operator: str
    action: OperatorActionKind
    alert_id: str | None
    track_id: str | None
    note: str
    result: str
    events: tuple[AlertEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class _Match:
    t_s: float  # time of the assessment it comes from
    lead_s: float | None  # lead time to the target then; None when matched by distance only
    why: str  # the track, its class, threat and origin, in words
    where: str = ""  # for a distance-only match: how far from the site


@dataclass(slots=True)
class _Track:
    last_t_s: float
    first_territory: str
    first_country: str | None
    hostile_seen: str | None = None
    matches: dict[tuple[int, _Key], _Match] = field(default_factory=dict)
    fed_t_s: float = -math.inf  # its latest assessment from a detection (not coasting)
    impact_t_s: float | None = None  # predicted on the ground by then (descending)


@dataclass(slots=True)
class _Want:
    level: AlertLevel
    rule_index: int  # the rule that wants this level (first in file order)
    tracks: dict[str, _Match]  # every track holding the target, by any rule of the group
    eta_s: float | None
    lead: _Match | None  # the top rule's earliest track (None for a sensor)
    sensor_why: str = ""


@dataclass(slots=True)
class _Alert:
    alert_id: str
    key: _AlertKey
    rule: AlertRule  # the rule that set the current level
    level: AlertLevel
    raised_t_s: float
    track_ids: tuple[str, ...]
    eta_s: float | None
    eta_t_s: float
    false_since_s: float | None = None
    below_since_s: float | None = None
    departed: dict[str, str] = field(default_factory=dict)  # track -> why it left


class RuleEngine:
    """Turns assessments into alert transitions by a rule set (see the module docstring).

    ``geography`` is the pack the assessments were made with; the rules are checked
    against it (site ids, site kinds, protected country). ``on_audit`` is called with
    every :class:`AuditRecord` as it is appended to :attr:`audit`. Not thread-safe.
    """

    def __init__(
        self,
        geography: Geography,
        rules: RuleSet,
        *,
        eta_change_s: float = ETA_CHANGE_S,
        stale_after_s: float = STALE_AFTER_S,
        reclassify_suppress_s: float = RECLASSIFY_SUPPRESS_S,
        on_audit: Callable[[AuditRecord], None] | None = None,
    ) -> None:
        check_rules(rules, geography)
        self.geography = geography
        self.rules = rules
        self.eta_change_s = eta_change_s
        self.stale_after_s = stale_after_s
        self.reclassify_suppress_s = reclassify_suppress_s
        self.audit: list[AuditRecord] = []
        self._on_audit = on_audit
        self._ids = IdMinter("A")
        self._protected = geography.protected_country
        self._hostile = frozenset(geography.hostile_countries)
        self._rules = rules.rules
        self._group_order: dict[str, int] = {}
        for i, rule in enumerate(self._rules):
            self._group_order.setdefault(rule.group, i)
        self._track_rules = [
            i for i, r in enumerate(self._rules) if r.kind is not AlertKind.SENSOR_OUTAGE
        ]
        self._sensor_rules = [
            i for i, r in enumerate(self._rules) if r.kind is AlertKind.SENSOR_OUTAGE
        ]
        self._site_column = {site_id: j for j, site_id in enumerate(geography.sites)}
        self._sites_of_kind = {
            kind: tuple(s.id for s in geography.sites.values() if s.kind == kind)
            for kind in {s.kind for s in geography.sites.values()}
        }
        self._needs_distance = any(
            r.target.within_m is not None or any(s.within_m is not None for s in r.target.sites)
            for r in self._rules
        )
        self._now_s = -math.inf
        self._tracks: dict[str, _Track] = {}
        self._suppressed: dict[str, float] = {}  # track id -> muted until (event time)
        self._gone: dict[str, str] = {}  # tracks that stopped matching this step -> why
        self._down: dict[str, float] = {}  # tracks on the ground -> predicted contact time
        self._sensors_down: dict[str, float] = {}  # sensor id -> down since
        self._alerts: dict[_AlertKey, _Alert] = {}
        self._by_id: dict[str, _AlertKey] = {}

    # --- public ------------------------------------------------------------------------

    @property
    def active_count(self) -> int:
        """Number of alerts raised and not yet cleared."""
        return len(self._alerts)

    def process(
        self, assessments: Sequence[Assessment], now_s: float | None = None
    ) -> list[AlertEvent]:
        """Evaluate these assessments, run every alert's timers, return the transitions.

        ``now_s`` is the pipeline's tick time, for a tick without assessments: timers run
        at the latest of it and every assessment time seen so far.
        """
        distances = self._distances(assessments)
        for k, a in enumerate(assessments):
            self._now_s = max(self._now_s, a.t_s)
            self._ingest(a, None if distances is None else distances[k])
        if now_s is not None:
            self._now_s = max(self._now_s, now_s)
        if not math.isfinite(self._now_s):
            return []
        return self._step(self._now_s)

    def sensor_outage(self, sensor_id: str, t_s: float, down: bool) -> list[AlertEvent]:
        """Say a sensor went down (``down``) or came back, at event time ``t_s``.

        While it is down every ``sensor_outage`` rule wants its level for the target
        ``sensor_id`` (no tracks, no zones); once it is back the alert clears after the
        rule's ``clear_after_s``, on this or a later call. Returns every transition due at
        ``t_s``. Without a ``sensor_outage`` rule this only runs the timers.
        """
        if down:
            self._sensors_down.setdefault(sensor_id, t_s)
        else:
            self._sensors_down.pop(sensor_id, None)
        self._now_s = max(self._now_s, t_s)
        return self._step(self._now_s)

    def apply(self, action: OperatorAction) -> list[AlertEvent]:
        """Apply one operator action; return its events and append it to the audit trail."""
        self._now_s = max(self._now_s, action.t_s)
        if action.kind is OperatorActionKind.RECLASSIFY_NOT_DANGEROUS:
            events, result = self._reclassify(action)
        else:
            events, result = self._act_on_alert(action)
        record = AuditRecord(
            t_s=action.t_s,
            operator=action.operator,
            action=action.kind,
            alert_id=action.alert_id,
            track_id=action.track_id,
            note=action.note,
            result=result,
            events=tuple(events),
        )
        self.audit.append(record)
        if self._on_audit is not None:
            self._on_audit(record)
        return events

    # --- evaluation --------------------------------------------------------------------

    def _distances(self, assessments: Sequence[Assessment]) -> FloatArray | None:
        if not self._needs_distance or not assessments:
            return None
        lat = np.array([a.lat for a in assessments], dtype=np.float64)
        lon = np.array([a.lon for a in assessments], dtype=np.float64)
        return self.geography.site_distance_m(lat, lon)

    def _territory(self, country: str | None) -> str:
        if country is None:
            return "none"
        if country == self._protected:
            return "protected"
        return "hostile" if country in self._hostile else "other"

    def _ingest(self, a: Assessment, site_dist_m: FloatArray | None) -> None:
        tid = a.track_id
        if a.status is TrackStatus.DELETED:
            if self._tracks.pop(tid, None) is not None:
                self._gone[tid] = "track deleted"
                if a.down_t_s is not None:
                    self._down[tid] = a.down_t_s
                    self._gone[tid] = (
                        f"down: lost at {format_rfc3339(a.down_t_s)[11:19]} where the sensors"
                        " would still detect a flying drone"
                    )
            self._suppressed.pop(tid, None)
            return
        fed = a.status in (TrackStatus.TENTATIVE, TrackStatus.CONFIRMED)
        if tid in self._down:
            if not fed or a.t_s <= self._down[tid]:
                return  # a prediction of a fallen object: nothing to warn of
            del self._down[tid]  # detected after its predicted fall: it flies after all
        territory = self._territory(a.country)
        tr = self._tracks.get(tid)
        if tr is None:
            tr = _Track(a.t_s, territory, a.country)
            self._tracks[tid] = tr
        tr.last_t_s = a.t_s
        if fed:
            tr.fed_t_s = a.t_s
            tr.impact_t_s = a.impact_t_s
        had = bool(tr.matches)
        tr.matches = self._evaluate(a, tr, territory, site_dist_m)
        if had and not tr.matches:
            self._gone[tid] = (
                "identified as cooperative" if a.cooperative else "no longer meets the conditions"
            )
        # "Crossed from hostile" asks about earlier assessments, so remember it afterwards.
        if tr.hostile_seen is None and territory == "hostile":
            tr.hostile_seen = a.country

    def _evaluate(
        self, a: Assessment, tr: _Track, territory: str, site_dist_m: FloatArray | None
    ) -> dict[tuple[int, _Key], _Match]:
        out: dict[tuple[int, _Key], _Match] = {}
        for i in self._track_rules:
            rule = self._rules[i]
            c = rule.when
            if a.status not in c.statuses:
                continue
            if c.cooperative is not None and a.cooperative is not c.cooperative:
                continue
            if c.min_threat is not None and not a.threat >= c.min_threat:
                continue
            p: float | None = None
            if c.classes is not None and c.min_class_p is not None:
                p = _class_p(a, c.classes)
                if not p >= c.min_class_p:
                    continue
            if c.crossed_from_hostile is not None and c.crossed_from_hostile is not (
                tr.hostile_seen is not None
            ):
                continue
            if c.inside_protected is not None and c.inside_protected is not (
                territory == "protected"
            ):
                continue
            if c.over is not None and territory not in c.over:
                continue
            if c.max_border_distance_m is not None and not (
                abs(a.border_distance_m) <= c.max_border_distance_m
            ):
                continue
            targets = self._targets(rule.target, a, territory, site_dist_m)
            if not targets:
                continue
            why = self._why(a, tr, territory, rule, p)
            for key, (lead_s, where) in targets.items():
                out[(i, key)] = _Match(a.t_s, lead_s, why, where)
        return out

    def _targets(
        self, target: Target, a: Assessment, territory: str, site_dist_m: FloatArray | None
    ) -> dict[_Key, tuple[float | None, str]]:
        """Return the keys a matching assessment reaches, each with its lead time (s) and words."""
        t = target.type
        out: dict[_Key, tuple[float | None, str]] = {}
        if t in ("zones_on_path", "country"):
            horizon = target.lead_s if target.lead_s is not None else math.inf
            zones: dict[str, float] = {}
            for zone_id, lead in a.zone_eta_s:
                if lead <= horizon and lead < zones.get(zone_id, math.inf):
                    zones[zone_id] = lead
            if a.zone_id:
                zones[a.zone_id] = 0.0
            if t == "country":
                if territory == "protected" or zones:
                    lead = 0.0 if territory == "protected" else min(zones.values())
                    out[("country", self._protected)] = (lead, "")
                return out
            items = sorted(zones.items(), key=lambda kv: (kv[1], kv[0]))
            if target.first_only:
                items = items[:1]
            return {("zone", z): (lead, "") for z, lead in items}
        if t == "zone_under":
            return {("zone", a.zone_id): (0.0, "")} if a.zone_id else {}
        if t == "sensor":
            return {}
        reaches: Iterable[tuple[str, float | None, float | None]]
        if t == "sites":
            reaches = ((s.site_id, s.lead_s, s.within_m) for s in target.sites)
        else:
            kind = target.site_kind
            kind_sites = self._sites_of_kind.get(kind, ()) if kind is not None else ()
            reaches = ((s, target.lead_s, target.within_m) for s in kind_sites)
        etas = dict(a.site_eta_s)
        for site_id, lead_s, within_m in reaches:
            eta = etas.get(site_id)
            by_time = lead_s is not None and eta is not None and eta <= lead_s
            by_distance = False
            where = ""
            if within_m is not None and site_dist_m is not None:
                d = float(site_dist_m[self._site_column[site_id]])
                by_distance = d <= within_m
                where = f"{d / 1000.0:.1f} km away"
            if by_time or by_distance:
                out[("site", site_id)] = (eta, where)
        return out

    def _why(
        self, a: Assessment, tr: _Track, territory: str, rule: AlertRule, p: float | None
    ) -> str:
        parts = [a.track_id]
        if p is not None and rule.when.classes is not None:
            parts.append(f"p({'+'.join(c.value for c in rule.when.classes)}) {p:.2f}")
        elif a.class_p is not None:
            parts.append(f"probably {a.obj_class.value} (p {a.class_p:.2f})")
        else:
            parts.append(f"class {a.obj_class.value}")
        parts.append(f"threat {a.threat:.2f}")
        if territory == "hostile":
            parts.append(f"over {a.country}, {abs(a.border_distance_m) / 1000.0:.1f} km out")
        elif tr.hostile_seen is not None:
            parts.append(f"crossed from {tr.hostile_seen}")
        elif territory == "protected" and tr.first_territory == "protected":
            parts.append(f"first seen over {self._protected}, origin unknown")
        elif tr.first_country is not None and tr.first_country != a.country:
            parts.append(f"came from {tr.first_country}")
        elif territory != "protected":
            parts.append(f"over {a.country or 'no loaded country'}")
        if a.cooperative:
            parts.append("cooperative")
        return ", ".join(parts)

    # --- the step ----------------------------------------------------------------------

    def _step(self, now: float) -> list[AlertEvent]:
        for tid, tr in list(self._tracks.items()):
            if now - tr.last_t_s > self.stale_after_s:
                del self._tracks[tid]
                self._gone[tid] = f"no assessment for {self.stale_after_s:.0f} s"
            elif (
                tr.impact_t_s is not None
                and now >= tr.impact_t_s + DOWN_GRACE_S
                and tr.fed_t_s < tr.impact_t_s
            ):
                del self._tracks[tid]
                self._down[tid] = tr.impact_t_s
                self._gone[tid] = (
                    f"down: predicted on the ground by {format_rfc3339(tr.impact_t_s)[11:19]},"
                    " no detection since"
                )
        for tid, until in list(self._suppressed.items()):
            if until <= now:
                del self._suppressed[tid]
        for tid, t_down in list(self._down.items()):
            if now - t_down > DOWN_KEPT_S:
                del self._down[tid]
        wants = self._wanted(now)
        events: list[AlertEvent] = []
        for key, alert in list(self._alerts.items()):
            event = self._advance(alert, wants.pop(key, None), now)
            if event is not None:
                events.append(event)
        for key in sorted(wants, key=lambda k: self._new_order(k, wants[k])):
            events.append(self._raise(key, wants[key], now))
        self._gone.clear()
        return events

    def _new_order(self, key: _AlertKey, want: _Want) -> tuple[int, float, str]:
        eta = want.eta_s if want.eta_s is not None else math.inf
        return (self._group_order[key[0]], eta, key[2])

    def _wanted(self, now: float) -> dict[_AlertKey, _Want]:
        """Return what the rules want now for every target, from every track's latest matches."""
        per_key: dict[_AlertKey, dict[int, dict[str, _Match]]] = {}
        for tid, tr in self._tracks.items():
            if tid in self._suppressed:
                continue
            for (i, key), match in tr.matches.items():
                group = self._rules[i].group
                if match.lead_s is not None and match.t_s < now:  # count down to now
                    lead_s = max(0.0, match.lead_s - (now - match.t_s))
                    match = _Match(now, lead_s, match.why, match.where)  # hot: no replace()
                per_key.setdefault((group, *key), {}).setdefault(i, {})[tid] = match
        wants: dict[_AlertKey, _Want] = {}
        for akey, per_rule in per_key.items():
            top = min(per_rule, key=lambda i: (-self._rules[i].level.rank, i))
            tracks: dict[str, _Match] = {}
            for i in sorted(per_rule):
                for tid, m in per_rule[i].items():
                    old = tracks.get(tid)
                    if old is None or _lead(m) < _lead(old):
                        tracks[tid] = m
            leads = [m.lead_s for m in tracks.values() if m.lead_s is not None]
            lead_tid = min(per_rule[top], key=lambda t: (_lead(per_rule[top][t]), t))
            wants[akey] = _Want(
                level=self._rules[top].level,
                rule_index=top,
                tracks=tracks,
                eta_s=min(leads) if leads else None,
                lead=per_rule[top][lead_tid],
            )
        for sensor_id, since_s in self._sensors_down.items():
            for i in self._sensor_rules:
                rule = self._rules[i]
                akey = (rule.group, "sensor", sensor_id)
                if akey in wants and wants[akey].level.rank >= rule.level.rank:
                    continue
                wants[akey] = _Want(
                    level=rule.level,
                    rule_index=i,
                    tracks={},
                    eta_s=None,
                    lead=None,
                    sensor_why=f"down since {format_rfc3339(since_s)[11:19]} UTC",
                )
        return wants

    def _raise(self, key: _AlertKey, want: _Want, now: float) -> AlertEvent:
        rule = self._rules[want.rule_index]
        alert = _Alert(
            alert_id=self._ids.mint(),
            key=key,
            rule=rule,
            level=want.level,
            raised_t_s=now,
            track_ids=tuple(sorted(want.tracks)),
            eta_s=want.eta_s,
            eta_t_s=now,
        )
        self._alerts[key] = alert
        self._by_id[alert.alert_id] = key
        return self._event(alert, AlertState.RAISED, now, self._reason(rule, key, want))

    def _advance(self, alert: _Alert, want: _Want | None, now: float) -> AlertEvent | None:
        wanted = want.level if want is not None else None
        if wanted is None:
            if alert.false_since_s is None:
                alert.false_since_s = now
        else:
            alert.false_since_s = None
        if wanted is None or wanted.rank < alert.level.rank:
            if alert.below_since_s is None:
                alert.below_since_s = now
        else:
            alert.below_since_s = None
        false_for_s = 0.0 if alert.false_since_s is None else now - alert.false_since_s
        fallen = bool(
            wanted is None and alert.track_ids and all(t in self._down for t in alert.track_ids)
        )
        if fallen:
            false_for_s = max(false_for_s, alert.rule.clear_after_s)  # no hysteresis
        timers = Timers(
            false_for_s=false_for_s,
            below_for_s=0.0 if alert.below_since_s is None else now - alert.below_since_s,
            held_for_s=now - alert.raised_t_s,
        )
        tracks = tuple(sorted(want.tracks)) if want is not None else ()
        for tid in alert.track_ids:
            if tid not in tracks:
                alert.departed.setdefault(tid, self._departure(tid))
        for tid in tracks:
            alert.departed.pop(tid, None)
        changed = want is not None and self._changed(alert, tracks, want.eta_s, now)
        hysteresis = Hysteresis(alert.rule.clear_after_s, alert.rule.min_hold_s)
        transition = step(alert.level, wanted, timers, hysteresis, changed)
        state = transition.emit
        if state is None:
            return None
        if state is AlertState.CLEARED:
            return self._close(alert, now, self._clear_reason(alert, timers.false_for_s, fallen))
        assert want is not None and transition.level is not None  # only CLEARED has no want
        note = ""
        if state in (AlertState.ESCALATED, AlertState.DOWNGRADED):
            if state is AlertState.DOWNGRADED:
                note = f"; {alert.rule.id} no longer holds for {timers.below_for_s:.0f} s"
            alert.rule = self._rules[want.rule_index]
            alert.level = transition.level
            alert.below_since_s = None
        else:
            note = self._change_words(alert, tracks, want.eta_s)
        reason = self._reason(alert.rule, alert.key, want) + note
        alert.track_ids = tracks
        alert.eta_s = want.eta_s
        alert.eta_t_s = now
        return self._event(alert, state, now, reason)

    def _departure(self, tid: str) -> str:
        """Say why a track no longer holds an alert."""
        if tid in self._gone:
            return self._gone[tid]
        track = self._tracks.get(tid)
        if track is not None and track.matches:
            return "target no longer on its path"
        return "no longer meets the conditions"

    def _changed(
        self, alert: _Alert, tracks: tuple[str, ...], eta_s: float | None, now: float
    ) -> bool:
        if tracks != alert.track_ids or (eta_s is None) != (alert.eta_s is None):
            return True
        if eta_s is None or alert.eta_s is None:
            return False
        expected = max(0.0, alert.eta_s - (now - alert.eta_t_s))
        return abs(eta_s - expected) > self.eta_change_s

    def _change_words(self, alert: _Alert, tracks: tuple[str, ...], eta_s: float | None) -> str:
        words = []
        joined = [t for t in tracks if t not in alert.track_ids]
        left = [t for t in alert.track_ids if t not in tracks]
        if joined:
            words.append(f"{', '.join(joined)} joined")
        for tid in left:
            words.append(f"{tid} left ({alert.departed.get(tid) or self._departure(tid)})")
        if not joined and not left:
            words.append(f"ETA now{_eta_words(eta_s) or ' unknown'}")
        return "; " + "; ".join(words)

    def _close(self, alert: _Alert, now: float, reason: str) -> AlertEvent:
        del self._alerts[alert.key]
        del self._by_id[alert.alert_id]
        return self._event(alert, AlertState.CLEARED, now, reason, AlertLevel.WHITE)

    # --- words and events ----------------------------------------------------------------

    def _reason(self, rule: AlertRule, key: _AlertKey, want: _Want) -> str:
        target = self._target_words(key)
        if want.lead is None:
            return f"{rule.id}: {target}: {want.sensor_why}"
        eta = _eta_words(want.eta_s)
        if not eta and want.lead.where:
            eta = f", {want.lead.where}"
        more = len(want.tracks) - 1
        extra = f" (+{more} more track{'s' if more > 1 else ''})" if more > 0 else ""
        return f"{rule.id}: {target}{eta}: {want.lead.why}{extra}"

    def _clear_reason(self, alert: _Alert, false_for_s: float, fallen: bool = False) -> str:
        gone = "; ".join(f"{t} {why}" for t, why in alert.departed.items())
        tail = f" ({gone})" if gone else ""
        if fallen:
            what = "every track that held it is down"
        else:
            what = "no sensor down" if alert.key[1] == "sensor" else "no matching track"
            what = f"{what} for {false_for_s:.0f} s"
        return f"{alert.rule.id}: all clear for {self._target_words(alert.key)}: {what}{tail}"

    def _target_words(self, key: _AlertKey) -> str:
        space, ident = key[1], key[2]
        geo = self.geography
        if space == "zone":
            zone = geo.zones.get(ident)
            return f"{ident} {zone.name_en}" if zone is not None else ident
        if space == "site":
            site = geo.sites.get(ident)
            return site.name.split(",")[0] if site is not None else ident
        if space == "country":
            return f"all of {geo.countries.get(ident, ident)}"
        return f"sensor {ident}"

    def _event(
        self,
        alert: _Alert,
        state: AlertState,
        now: float,
        reason: str,
        level: AlertLevel | None = None,
    ) -> AlertEvent:
        space, ident = alert.key[1], alert.key[2]
        zone_ids: tuple[str, ...] = ()
        site_ids: tuple[str, ...] = ()
        if space == "zone":
            zone_ids = (ident,)
        elif space == "site":
            site_ids = (ident,)
        elif space == "country":
            zone_ids = tuple(self.geography.zones)
        eta = alert.eta_s
        if eta is not None:
            eta = max(0.0, eta - (now - alert.eta_t_s))
        return AlertEvent(
            t_s=now,
            alert_id=alert.alert_id,
            state=state,
            level=level or alert.level,
            kind=alert.rule.kind,
            track_ids=alert.track_ids,
            zone_ids=zone_ids,
            site_ids=site_ids,
            reason=reason,
            eta_s=None if state is AlertState.CLEARED else eta,
        )

    # --- operator actions --------------------------------------------------------------

    def _act_on_alert(self, action: OperatorAction) -> tuple[list[AlertEvent], str]:
        key = self._by_id.get(action.alert_id or "")
        if key is None:
            return [], f"rejected: no active alert {action.alert_id!r}"
        alert = self._alerts[key]
        transition = operator_step(alert.level, action.kind)
        note = f": {action.note}" if action.note else ""
        t = action.t_s
        if transition.emit is AlertState.UPDATED:
            reason = f"{alert.rule.id}: acknowledged by {action.operator}{note}"
            return [self._event(alert, AlertState.UPDATED, t, reason)], (
                f"acknowledged {alert.alert_id}"
            )
        reason = f"{alert.rule.id}: force-cleared by {action.operator}{note}"
        return [self._close(alert, t, reason)], f"cleared {alert.alert_id}"

    def _reclassify(self, action: OperatorAction) -> tuple[list[AlertEvent], str]:
        if action.alert_id is not None:
            key = self._by_id.get(action.alert_id)
            if key is None:
                return [], f"rejected: no active alert {action.alert_id!r}"
            muted = set(self._alerts[key].track_ids)
            if not muted:
                return [], f"rejected: alert {action.alert_id} has no tracks to reclassify"
        elif action.track_id is not None:
            muted = {action.track_id}
        else:
            return [], "rejected: reclassify needs an alert_id or a track_id"
        t = action.t_s
        suppress_s = (
            action.suppress_s if action.suppress_s is not None else self.reclassify_suppress_s
        )
        for tid in muted:
            self._suppressed[tid] = t + suppress_s
        note = f": {action.note}" if action.note else ""
        who = f"reclassified not dangerous by {action.operator}{note}"
        events: list[AlertEvent] = []
        cleared, updated = [], []
        for alert in list(self._alerts.values()):
            held = [tid for tid in alert.track_ids if tid in muted]
            if not held:
                continue
            rest = tuple(tid for tid in alert.track_ids if tid not in muted)
            if not rest or alert.alert_id == action.alert_id:
                transition = operator_step(alert.level, action.kind)
                assert transition.emit is AlertState.CLEARED
                events.append(self._close(alert, t, f"{alert.rule.id}: {', '.join(held)} {who}"))
                cleared.append(alert.alert_id)
            else:
                alert.track_ids = rest
                reason = (
                    f"{alert.rule.id}: {', '.join(held)} {who}; still held by {', '.join(rest)}"
                )
                events.append(self._event(alert, AlertState.UPDATED, t, reason))
                updated.append(alert.alert_id)
        result = f"muted {', '.join(sorted(muted))} for {suppress_s:.0f} s"
        if cleared:
            result += f"; cleared {', '.join(cleared)}"
        if updated:
            result += f"; updated {', '.join(updated)}"
        return events, result


def _class_p(a: Assessment, classes: tuple[ObjectClass, ...]) -> float:
    """Return the summed probability of ``classes``.

    Without ``class_probs`` (an assessment that did not classify), the top class's
    ``class_p`` counts when the top class is listed (1.0 when no probability was given).
    """
    if a.class_probs:
        return float(sum(q for c, q in a.class_probs if c in classes))
    if a.obj_class in classes:
        return 1.0 if a.class_p is None else a.class_p
    return 0.0


def _lead(m: _Match) -> float:
    return math.inf if m.lead_s is None else m.lead_s


def _eta_words(eta_s: float | None) -> str:
    if eta_s is None:
        return ""
    if eta_s <= 0.0:
        return " now"
    if eta_s < 90.0:
        return f" in {eta_s:.0f} s"
    return f" in {eta_s / 60.0:.0f} min"
