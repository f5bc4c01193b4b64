"""Alert rules as data: a YAML file, validated once at load, turned into frozen rules.

A rule says *when* an assessment matches (a condition), *whom* the alert is for (a
target) and *how loud* it is (a kind and a level). Rules hold no code: everything a rule
can ask is a field below, so a rule file can be reviewed by people who do not read Python
and changed without a release. The shipped Lithuanian set is ``skywarden/data/rules/
lt.yaml`` (``load_rules("lt")``); any other file loads with ``load_rules(Path(...))``.

File format (``format: 1``)::

    format: 1
    name: lt                       # the set's name, for logs
    protected_country: LTU         # optional: checked against the geography
    rules:
      - id: lt.yellow.path         # unique; the first word of every alert reason it causes
        group: lt.path             # optional (default: the id), see "Groups" below
        kind: zone_intrusion       # an AlertKind token
        level: yellow              # notice | yellow | red (white is only an all-clear)
        description: ...           # optional, free text for people
        when:                      # the condition: every field optional, all must hold
          statuses: [confirmed, coasting]   # default; "deleted" is not allowed
          cooperative: false       # default false: cooperative tracks never match;
                                   # true: only cooperative ones; null: either
          min_threat: 0.2          # assessment threat score >= this
          classes: [owa_drone]     # with min_class_p: the probabilities of these
          min_class_p: 0.6         #   classes, summed, >= min_class_p
          crossed_from_hostile: true   # the engine saw this track over a hostile country
          inside_protected: true   # over the protected country now (false: outside it)
          over: [protected, hostile]   # territory under the track is one of: protected,
                                   # hostile, other (another loaded country), none
          max_border_distance_m: 20000 # within this distance of the protected border
        target:
          type: zones_on_path      # see "Targets"
          lead_s: 900
        clear_after_s: 60          # hysteresis: condition false this long before clearing
        min_hold_s: 0              # an alert lasts at least this long

Targets (what one alert is about; the engine keeps **one alert per group and target**, so
several tracks threatening one zone share one alert):

- ``zones_on_path``: every alert zone the predicted corridor reaches within ``lead_s``
  (``Assessment.zone_eta_s``), plus the zone under the track. ``first_only: true`` keeps
  only the earliest one: for a track outside, the zone where it would enter. Never the
  whole country: the 28 July 2025 message went to all of Lithuania, and the point of
  SkyWarden is to warn the municipalities on the path only.
- ``zone_under``: only the zone under the track.
- ``sites``: listed protected sites, each with its **own** ``lead_s`` (the predicted
  arrival, ``Assessment.site_eta_s``, must fall inside it) and/or ``within_m`` (the track
  is that close to the site's centre). One alert per site.
- ``sites_of_kind``: every site of a kind (``airport``, ``government``, ...) with one
  ``lead_s`` and/or ``within_m`` for all.
- ``country``: the whole protected country, with ``lead_s`` for tracks still outside.
  Only when a rule says so.
- ``sensor``: for ``kind: sensor_outage`` only. Such a rule is not evaluated on
  assessments; the engine applies it when told a sensor is down
  (``RuleEngine.sensor_outage``).

Groups: rules sharing a ``group`` feed one alert per target, whose level is the highest
level any of them wants. That is how an alert *escalates* from yellow to red and is
*downgraded* back, under one alert id, instead of a yellow and a red alert for the same
zone side by side. Rules of one group must share ``kind`` and the kind of target (zones,
sites, the country or sensors). Each rule keeps its own hysteresis; the rule that set the
alert's current level decides when it clears or downgrades.

Errors: a bad file raises :class:`~skywarden.core.errors.ConfigError` naming the file,
the rule (id, and its index in ``rules``) and the field: ``lt.yaml: rule 'lt.red.path'
(rules[2]): level: Input should be 'notice', 'yellow' or 'red'``. Site ids and site
kinds are checked against a geography when one is given (:func:`check_rules`, which the
engine also runs). Numbers must be numbers and booleans booleans (no ``"15 min"``, no
``"yes"``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from skywarden.core.enums import AlertKind, AlertLevel, ObjectClass, TrackStatus
from skywarden.core.errors import ConfigError
from skywarden.geo.zones import Geography, SiteKind

__all__ = [
    "DEFAULT_CLEAR_AFTER_S",
    "DEFAULT_MIN_HOLD_S",
    "DEFAULT_STATUSES",
    "RULES_FORMAT",
    "AlertRule",
    "Condition",
    "RuleSet",
    "SiteReach",
    "Target",
    "TargetType",
    "Territory",
    "check_rules",
    "load_rules",
    "parse_rules",
]

RULES_FORMAT = 1
# Hysteresis default: a minute without a match before the all-clear. Long enough to ride
# out a track that drops a few 5 s pipeline ticks (or a class probability blinking around
# a threshold); short enough that a drone that came down (10 July 2025: it fell 1 km
# inside the border) gets its all-clear within a minute of its track's deletion.
DEFAULT_CLEAR_AFTER_S = 60.0
DEFAULT_MIN_HOLD_S = 0.0
# Tentative tracks are not yet believed; deleted ones are gone.
DEFAULT_STATUSES: tuple[TrackStatus, ...] = (TrackStatus.CONFIRMED, TrackStatus.COASTING)

TargetType = Literal["zones_on_path", "zone_under", "sites", "sites_of_kind", "country", "sensor"]
Territory = Literal["protected", "hostile", "other", "none"]
_LEVELS = Literal["notice", "yellow", "red"]
# Which alert keys a target type produces; rules of one group must agree.
_KEY_SPACE: dict[str, str] = {
    "zones_on_path": "zone",
    "zone_under": "zone",
    "sites": "site",
    "sites_of_kind": "site",
    "country": "country",
    "sensor": "sensor",
}
_SHIPPED_NAME = r"^[a-z0-9][a-z0-9_-]*$"


# --- the rules the engine uses (frozen; nothing outside this module sees pydantic) ---------


@dataclass(frozen=True, slots=True)
class Condition:
    """What an assessment must satisfy for a rule to match (every set field must hold).

    ``None`` means "not asked". ``classes`` and ``min_class_p`` go together: the summed
    probability of ``classes`` must reach ``min_class_p``.
    """

    statuses: tuple[TrackStatus, ...] = DEFAULT_STATUSES
    cooperative: bool | None = False
    min_threat: float | None = None
    classes: tuple[ObjectClass, ...] | None = None
    min_class_p: float | None = None
    crossed_from_hostile: bool | None = None
    inside_protected: bool | None = None
    over: tuple[Territory, ...] | None = None
    max_border_distance_m: float | None = None


@dataclass(frozen=True, slots=True)
class SiteReach:
    """One site of a ``sites`` target: reached within ``lead_s`` or closer than ``within_m``."""

    site_id: str
    lead_s: float | None = None
    within_m: float | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """Whom a rule's alerts are for (see the module docstring for each ``type``)."""

    type: TargetType
    lead_s: float | None = None
    within_m: float | None = None
    first_only: bool = False
    sites: tuple[SiteReach, ...] = ()
    site_kind: SiteKind | None = None

    @property
    def key_space(self) -> str:
        """``zone``, ``site``, ``country`` or ``sensor``: what the alert keys name."""
        return _KEY_SPACE[self.type]


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One validated rule. ``group`` defaults to ``id``."""

    id: str
    group: str
    kind: AlertKind
    level: AlertLevel
    when: Condition
    target: Target
    clear_after_s: float = DEFAULT_CLEAR_AFTER_S
    min_hold_s: float = DEFAULT_MIN_HOLD_S
    description: str = ""


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A loaded rules file: its rules in file order, and where it came from."""

    name: str
    source: str
    rules: tuple[AlertRule, ...]
    protected_country: str | None = None

    def __len__(self) -> int:
        return len(self.rules)

    def by_id(self, rule_id: str) -> AlertRule:
        """Return the rule with this id (``KeyError`` if there is none)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


# --- validation models (the edge) ----------------------------------------------------------

_Seconds = Annotated[float, Field(strict=True, ge=0.0, allow_inf_nan=False)]
_PositiveS = Annotated[float, Field(strict=True, gt=0.0, allow_inf_nan=False)]
_Metres = Annotated[float, Field(strict=True, gt=0.0, allow_inf_nan=False)]
_Prob = Annotated[float, Field(strict=True, ge=0.0, le=1.0, allow_inf_nan=False)]
_Bool = Annotated[bool, Field(strict=True)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _WhenIn(_Model):
    statuses: list[TrackStatus] = Field(default_factory=lambda: list(DEFAULT_STATUSES))
    cooperative: _Bool | None = False
    min_threat: _Prob | None = None
    classes: list[ObjectClass] | None = None
    min_class_p: _Prob | None = None
    crossed_from_hostile: _Bool | None = None
    inside_protected: _Bool | None = None
    over: list[Territory] | None = None
    max_border_distance_m: _Metres | None = None

    @model_validator(mode="after")
    def _consistent(self) -> _WhenIn:
        if not self.statuses:
            raise ValueError("statuses: must list at least one status")
        if TrackStatus.DELETED in self.statuses:
            raise ValueError("statuses: 'deleted' never matches (a deleted track is gone)")
        if (self.classes is None) != (self.min_class_p is None):
            raise ValueError("classes and min_class_p go together: give both or neither")
        if self.classes is not None and not self.classes:
            raise ValueError("classes: must list at least one class")
        if self.over is not None and not self.over:
            raise ValueError("over: must list at least one territory")
        return self


class _SiteIn(_Model):
    id: str = Field(min_length=1)
    lead_s: _PositiveS | None = None
    within_m: _Metres | None = None

    @model_validator(mode="after")
    def _reach(self) -> _SiteIn:
        if self.lead_s is None and self.within_m is None:
            raise ValueError(f"site {self.id!r}: give lead_s, within_m or both")
        return self


class _TargetIn(_Model):
    type: TargetType
    lead_s: _PositiveS | None = None
    within_m: _Metres | None = None
    first_only: _Bool = False
    sites: list[_SiteIn] | None = None
    kind: SiteKind | None = None

    @model_validator(mode="after")
    def _fields_for_type(self) -> _TargetIn:
        t = self.type
        allowed = {
            "zones_on_path": {"lead_s", "first_only"},
            "zone_under": set(),
            "sites": {"sites"},
            "sites_of_kind": {"kind", "lead_s", "within_m"},
            "country": {"lead_s"},
            "sensor": set(),
        }[t]
        given = {
            name
            for name in ("lead_s", "within_m", "first_only", "sites", "kind")
            if name in self.model_fields_set
        }
        extra = sorted(given - allowed)
        if extra:
            raise ValueError(f"type {t!r} takes no {', '.join(extra)}")
        if t in ("zones_on_path", "country") and self.lead_s is None:
            raise ValueError(f"type {t!r} needs lead_s")
        if t == "sites" and not self.sites:
            raise ValueError("type 'sites' needs a non-empty list of sites")
        if t == "sites_of_kind":
            if self.kind is None:
                raise ValueError("type 'sites_of_kind' needs kind")
            if self.lead_s is None and self.within_m is None:
                raise ValueError("type 'sites_of_kind' needs lead_s, within_m or both")
        if self.sites is not None:
            ids = [s.id for s in self.sites]
            if len(set(ids)) != len(ids):
                raise ValueError(
                    f"sites: ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}"
                )
        return self


class _RuleIn(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    group: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    kind: AlertKind
    level: _LEVELS
    description: str = ""
    when: _WhenIn = _WhenIn()
    target: _TargetIn
    clear_after_s: _Seconds = DEFAULT_CLEAR_AFTER_S
    min_hold_s: _Seconds = DEFAULT_MIN_HOLD_S

    @model_validator(mode="after")
    def _sensor_rules(self) -> _RuleIn:
        is_sensor_kind = self.kind is AlertKind.SENSOR_OUTAGE
        if is_sensor_kind != (self.target.type == "sensor"):
            raise ValueError("kind 'sensor_outage' and target type 'sensor' go together")
        if is_sensor_kind and "when" in self.model_fields_set:
            raise ValueError("a sensor_outage rule takes no 'when': it is not about tracks")
        return self


class _RulesFileIn(_Model):
    format: Literal[1]
    name: str = Field(min_length=1)
    protected_country: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    rules: list[_RuleIn] = Field(min_length=1)


# --- loading ----------------------------------------------------------------------------


def load_rules(source: str | Path = "lt", geography: Geography | None = None) -> RuleSet:
    """Load and validate a rules file: a shipped set by name (``"lt"``) or a file path.

    A ``str`` without a path separator or suffix names a set shipped in
    ``skywarden/data/rules/``. With a ``geography``
    (:class:`~skywarden.geo.zones.Geography`), site ids, site kinds and the protected
    country are checked against it too. Raises :class:`ConfigError` naming the file, the
    rule and the field.
    """
    path = _resolve(source)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the rules file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path.name}: not valid YAML: {exc}") from exc
    rules = parse_rules(doc, source=path.name)
    if geography is not None:
        check_rules(rules, geography)
    return rules


def parse_rules(data: object, source: str = "<rules>") -> RuleSet:
    """Validate an already-parsed rules document (a mapping); ``source`` names it in errors."""
    try:
        parsed = _RulesFileIn.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(err, data) for err in exc.errors())
        raise ConfigError(f"{source}: {problems}") from None
    rules = tuple(_to_rule(r) for r in parsed.rules)
    _check_set(rules, source)
    return RuleSet(parsed.name, source, rules, parsed.protected_country)


def check_rules(rules: RuleSet, geography: Geography) -> None:
    """Check a rule set against a geography: site ids, site kinds, protected country.

    Raises :class:`ConfigError` naming the rule and the field.
    """
    sites = geography.sites
    if rules.protected_country and rules.protected_country != geography.protected_country:
        raise ConfigError(
            f"{rules.source}: protected_country is {rules.protected_country}, but the "
            f"geography protects {geography.protected_country}"
        )
    kinds = {s.kind for s in sites.values()}
    for i, rule in enumerate(rules.rules):
        where = f"{rules.source}: rule {rule.id!r} (rules[{i}])"
        for j, reach in enumerate(rule.target.sites):
            if reach.site_id not in sites:
                raise ConfigError(
                    f"{where}: target.sites[{j}].id: unknown site {reach.site_id!r}; the "
                    f"geography has {', '.join(sites)}"
                )
        if rule.target.site_kind is not None and rule.target.site_kind not in kinds:
            raise ConfigError(
                f"{where}: target.kind: the geography has no site of kind "
                f"{rule.target.site_kind!r} (kinds: {', '.join(sorted(kinds))})"
            )


def _resolve(source: str | Path) -> Path:
    if isinstance(source, str) and re.fullmatch(_SHIPPED_NAME, source):
        folder = resources.files("skywarden.data").joinpath("rules")
        ref = folder.joinpath(f"{source}.yaml")
        if not ref.is_file():
            shipped = sorted(
                e.name.removesuffix(".yaml") for e in folder.iterdir() if e.name.endswith(".yaml")
            )
            raise ConfigError(
                f"no rules file or shipped rule set {source!r} (shipped: {', '.join(shipped)})"
            )
        return Path(str(ref))
    path = Path(source).expanduser()
    if not path.is_file():
        raise ConfigError(f"{path}: no such rules file")
    return path


def _describe(err: ErrorDetails, data: object) -> str:
    """One pydantic error as ``rule 'id' (rules[i]): field.path: message``."""
    loc: tuple[int | str, ...] = tuple(err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        index = loc[1]
        rule_id = None
        raw = data.get("rules") if isinstance(data, Mapping) else None
        if isinstance(raw, list) and index < len(raw) and isinstance(raw[index], Mapping):
            rule_id = raw[index].get("id")
        who = f"rule {rule_id!r} (rules[{index}])" if rule_id else f"rules[{index}]"
        field = ".".join(str(p) for p in loc[2:]) or "(the rule)"
        return f"{who}: {field}: {msg}"
    field = ".".join(str(p) for p in loc) or "(top level)"
    return f"{field}: {msg}"


def _to_rule(r: _RuleIn) -> AlertRule:
    w, t = r.when, r.target
    return AlertRule(
        id=r.id,
        group=r.group or r.id,
        kind=r.kind,
        level=AlertLevel(r.level),
        when=Condition(
            statuses=tuple(w.statuses),
            cooperative=w.cooperative,
            min_threat=w.min_threat,
            classes=None if w.classes is None else tuple(w.classes),
            min_class_p=w.min_class_p,
            crossed_from_hostile=w.crossed_from_hostile,
            inside_protected=w.inside_protected,
            over=None if w.over is None else tuple(w.over),
            max_border_distance_m=w.max_border_distance_m,
        ),
        target=Target(
            type=t.type,
            lead_s=t.lead_s,
            within_m=t.within_m,
            first_only=t.first_only,
            sites=tuple(SiteReach(s.id, s.lead_s, s.within_m) for s in t.sites or ()),
            site_kind=t.kind,
        ),
        clear_after_s=r.clear_after_s,
        min_hold_s=r.min_hold_s,
        description=r.description.strip(),
    )


def _check_set(rules: Sequence[AlertRule], source: str) -> None:
    """Check across rules: unique ids, and groups that agree on kind and target keys."""
    seen: dict[str, int] = {}
    first_of_group: dict[str, int] = {}
    for i, rule in enumerate(rules):
        where = f"{source}: rule {rule.id!r} (rules[{i}])"
        if rule.id in seen:
            raise ConfigError(f"{where}: id: repeats rules[{seen[rule.id]}]")
        seen[rule.id] = i
        j = first_of_group.setdefault(rule.group, i)
        head = rules[j]
        if rule.kind is not head.kind:
            raise ConfigError(
                f"{where}: kind: {rule.kind.value!r} differs from {head.kind.value!r} of "
                f"{head.id!r} in the same group {rule.group!r}"
            )
        if rule.target.key_space != head.target.key_space:
            raise ConfigError(
                f"{where}: target.type: {rule.target.type!r} targets {rule.target.key_space}s, "
                f"but {head.id!r} in the same group {rule.group!r} targets "
                f"{head.target.key_space}s"
            )
