"""Scenario files (YAML) -> validated, resolved scenario objects.

A scenario file says when, how long, with which seed, the wind by altitude, the targets
and the sensors (``docs/scenarios.md`` documents every key). Loading validates it with
pydantic and reports every problem with its path in the file (``targets[2].speed_mps:
...``). :func:`resolve` then draws every value a file leaves open (a ``{min, max}``
range, a launch area, a group's members) from the scenario's seeded generator, so the
:class:`ResolvedScenario` lists every parameter of every target and sensor: it is what
``scenario.json`` records, and the same seed always gives the same one.

Positions in files are WGS84 ``[lat, lon]`` or ``[lat, lon, alt_m]`` (metres above mean
sea level); times are seconds after ``start``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from skywarden.core.enums import ObjectClass
from skywarden.core.errors import ConfigError
from skywarden.core.time import parse_rfc3339
from skywarden.sim.catalog import MODELS, ModelName, TargetEnd

__all__ = [
    "SENSOR_TYPES",
    "Outage",
    "ResolvedScenario",
    "SensorSpec",
    "TargetSpec",
    "builtin_scenario_names",
    "load_scenario",
    "resolve",
]

SensorType = Literal[
    "surveillance_radar",
    "drone_radar",
    "acoustic",
    "rf_df",
    "eo_ir",
    "adsb_receiver",
    "remote_id_receiver",
    "observers",
]
SENSOR_TYPES: tuple[str, ...] = SensorType.__args__  # type: ignore[attr-defined]

_M_PER_DEG_LAT = 111_320.0  # only for spreading launch points, not for geometry


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Span(_Model):
    """A value drawn uniformly between ``min`` and ``max`` for each target."""

    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.max < self.min:
            raise ValueError(f"max {self.max} is below min {self.min}")
        return self


Num = float | Span
LatLon = Annotated[list[float], Field(min_length=2, max_length=3)]


class WindLayer(_Model):
    """Wind at one altitude: the direction it blows FROM (clockwise from north) and its speed."""

    alt_m: float
    from_deg: float = Field(ge=0.0, le=360.0)
    speed_mps: float = Field(ge=0.0, le=100.0)


class Area(_Model):
    """A circle targets are launched from or roam in."""

    lat: float = Field(ge=-90.0, le=90.0)
    lon: float = Field(ge=-180.0, le=180.0)
    radius_m: float = Field(default=0.0, ge=0.0)


class TargetGroupIn(_Model):
    """One target, or ``count`` alike targets, in a scenario file."""

    model: ModelName
    id: str | None = None
    count: int = Field(default=1, ge=1, le=5000)
    start_s: Num = 0.0
    route: list[LatLon] | None = None
    route_spread_m: float = Field(default=0.0, ge=0.0)
    launch: Area | None = None
    heading_deg: Num | None = None
    alt_m: Num | None = None
    speed_mps: Num | None = None
    endurance_s: Num | None = None
    descent_mps: Num | None = None
    end: TargetEnd | None = None
    transponder: bool | None = None
    remote_id: bool | None = None
    icao24: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{6}$")
    callsign: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _placed(self) -> TargetGroupIn:
        if self.route is None and self.launch is None:
            raise ValueError("give a route or a launch area")
        if self.route is not None and len(self.route) < 1:
            raise ValueError("route needs at least one point")
        if self.count > 1 and self.icao24 is not None:
            raise ValueError("icao24 names one aircraft: use count 1")
        return self


class Outage(_Model):
    """A window, in seconds after ``start``, during which a sensor sends nothing."""

    start_s: float = Field(ge=0.0)
    end_s: float

    @model_validator(mode="after")
    def _ordered(self) -> Outage:
        if not self.end_s > self.start_s:
            raise ValueError(f"outage end_s {self.end_s} is not after its start_s {self.start_s}")
        return self


class SensorIn(_Model):
    """One sensor, or a line of alike sensors (``line_to`` and ``spacing_m``)."""

    type: SensorType
    id: str
    lat: float = Field(ge=-90.0, le=90.0)
    lon: float = Field(ge=-180.0, le=180.0)
    mast_m: float = Field(default=5.0, ge=0.0, le=500.0)
    line_to: LatLon | None = None
    spacing_m: float | None = Field(default=None, gt=0.0)
    revisit_s: float | None = Field(default=None, gt=0.0)
    latency_s: float | None = Field(default=None, ge=0.0)
    range_m: float | None = Field(default=None, gt=0.0)
    sigma_range_m: float | None = Field(default=None, gt=0.0)
    sigma_az_deg: float | None = Field(default=None, gt=0.0)
    sigma_el_deg: float | None = Field(default=None, gt=0.0)
    sigma_alt_m: float | None = Field(default=None, gt=0.0)
    pd: float | None = Field(default=None, gt=0.0, le=1.0)
    clutter_per_scan: float | None = Field(default=None, ge=0.0)
    az_center_deg: float | None = Field(default=None, ge=0.0, le=360.0)
    az_width_deg: float | None = Field(default=None, gt=0.0, le=360.0)
    elevation: bool | None = None
    people_per_km2: float | None = Field(default=None, ge=0.0)
    false_reports_per_h: float | None = Field(default=None, ge=0.0)
    min_agl_m: float | None = Field(default=None, ge=0.0)
    outages: list[Outage] = []

    @model_validator(mode="after")
    def _line(self) -> SensorIn:
        if (self.line_to is None) != (self.spacing_m is None):
            raise ValueError("line_to and spacing_m go together")
        return self


class ScenarioIn(_Model):
    """The top level of a scenario file."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: str
    notes: str = ""
    sources: list[str] = []
    start: str
    duration_s: float = Field(gt=0.0, le=7 * 24 * 3600.0)
    seed: int = Field(ge=0)
    truth_step_s: float = Field(default=1.0, gt=0.0, le=60.0)
    ground_m: float = Field(default=150.0, ge=-500.0, le=9000.0)
    geography: str = "lt"
    wind: list[WindLayer] = []
    targets: list[TargetGroupIn] = Field(min_length=1)
    sensors: list[SensorIn] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """Every parameter of one simulated target, after resolution."""

    target_id: str
    model: str
    obj_class: ObjectClass
    start_s: float
    route: tuple[tuple[float, float, float], ...]  # (lat, lon, alt_m) waypoints
    speed_mps: float
    endurance_s: float
    end: str
    descent_mps: float  # balloons: height lost per second; others 0
    heading_deg: float  # initial heading for models without a route
    rcs_dbsm: float
    loudness_db: float
    rf_emitter: bool
    transponder: bool
    remote_id: bool
    icao24: str | None
    callsign: str | None
    glide_ratio: float


@dataclass(frozen=True, slots=True)
class SensorSpec:
    """Every parameter of one sensor, after resolution; ``None`` means the type's default."""

    sensor_id: str
    type: str
    lat: float
    lon: float
    alt_m: float  # antenna or microphone height above mean sea level
    mast_m: float
    revisit_s: float | None = None
    latency_s: float | None = None
    range_m: float | None = None
    sigma_range_m: float | None = None
    sigma_az_deg: float | None = None
    sigma_el_deg: float | None = None
    sigma_alt_m: float | None = None
    pd: float | None = None
    clutter_per_scan: float | None = None
    az_center_deg: float | None = None
    az_width_deg: float | None = None
    elevation: bool | None = None
    people_per_km2: float | None = None
    false_reports_per_h: float | None = None
    min_agl_m: float | None = None
    # (start_s, end_s) windows after the scenario's start, sorted, in which it sends nothing
    outages: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class ResolvedScenario:
    """A scenario with every value drawn: what ``scenario.json`` records."""

    name: str
    title: str
    notes: str
    sources: tuple[str, ...]
    start_t_s: float
    duration_s: float
    seed: int
    truth_step_s: float
    ground_m: float
    geography: str
    wind: tuple[tuple[float, float, float], ...]  # (alt_m, from_deg, speed_mps), by altitude
    targets: tuple[TargetSpec, ...]
    sensors: tuple[SensorSpec, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the scenario as plain JSON-ready values."""
        return dataclasses.asdict(self)


def builtin_scenario_names() -> list[str]:
    """Names of the simulator scenarios shipped with SkyWarden."""
    folder = resources.files("skywarden.data").joinpath("scenarios")
    names = []
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            if "\ntargets:" in text:
                names.append(entry.name.removesuffix(".yaml"))
    return sorted(names)


def load_scenario(name_or_path: str | Path) -> ScenarioIn:
    """Load and validate a scenario by built-in name or file path.

    Raises ``ConfigError`` naming the file and, for each problem, its path in the file.
    """
    path = Path(name_or_path)
    if not path.exists():
        ref = resources.files("skywarden.data").joinpath(f"scenarios/{name_or_path}.yaml")
        if not ref.is_file():
            known = ", ".join(builtin_scenario_names())
            raise ConfigError(
                f"no scenario file or built-in scenario {name_or_path!r} (built-in: {known})"
            )
        path = Path(str(ref))
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the scenario: {exc}") from exc
    try:
        scenario = ScenarioIn.model_validate(doc)
        parse_rfc3339(scenario.start)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'top level'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"{path.name}: invalid scenario: {problems}") from None
    except ValueError as exc:
        raise ConfigError(f"{path.name}: start: {exc}") from None
    ids = [s.id for s in scenario.sensors]
    if len(set(ids)) != len(ids):
        raise ConfigError(
            f"{path.name}: sensor ids repeat: {sorted(i for i in ids if ids.count(i) > 1)}"
        )
    return scenario


def _draw(value: Num | None, default: tuple[float, float], rng: np.random.Generator) -> float:
    if value is None:
        lo, hi = default
    elif isinstance(value, Span):
        lo, hi = value.min, value.max
    else:
        return float(value)
    return float(lo) if hi == lo else float(rng.uniform(lo, hi))


def _offset(lat: float, lon: float, d_n_m: float, d_e_m: float) -> tuple[float, float]:
    """Move a point by small north and east offsets (metres) on a local sphere."""
    return (
        lat + d_n_m / _M_PER_DEG_LAT,
        lon + d_e_m / (_M_PER_DEG_LAT * max(math.cos(math.radians(lat)), 1e-6)),
    )


def _resolve_target(
    group: TargetGroupIn, index: int, member: int, rng: np.random.Generator
) -> TargetSpec:
    model = MODELS[group.model]
    if group.id is not None:
        target_id = group.id if group.count == 1 else f"{group.id}-{member + 1:03d}"
    else:
        target_id = f"{group.model}-{index + 1:02d}-{member + 1:03d}"
    alt = _draw(group.alt_m, model.alt_m, rng)
    if group.route is not None:
        spread_n, spread_e = (
            rng.normal(0.0, group.route_spread_m, size=2) if group.route_spread_m else (0.0, 0.0)
        )
        route = tuple(
            (
                *_offset(p[0], p[1], float(spread_n), float(spread_e)),
                float(p[2]) if len(p) == 3 else alt,
            )
            for p in group.route
        )
    else:
        assert group.launch is not None
        r = group.launch.radius_m * math.sqrt(float(rng.uniform()))
        bearing = float(rng.uniform(0.0, 2.0 * math.pi))
        lat, lon = _offset(
            group.launch.lat, group.launch.lon, r * math.cos(bearing), r * math.sin(bearing)
        )
        route = ((lat, lon, alt),)
    speed = min(_draw(group.speed_mps, model.speed_mps, rng), model.max_speed_mps)
    transponder = model.transponder if group.transponder is None else group.transponder
    icao24 = group.icao24.lower() if group.icao24 else None
    if transponder and icao24 is None:
        icao24 = f"{int(rng.integers(0x400000, 0x4FFFFF)):06x}"  # a European-block address
    remote_id = model.remote_id if group.remote_id is None else group.remote_id
    return TargetSpec(
        target_id=target_id,
        model=model.name,
        obj_class=model.obj_class,
        start_s=_draw(group.start_s, (0.0, 0.0), rng),
        route=route,
        speed_mps=speed,
        endurance_s=_draw(group.endurance_s, model.endurance_s, rng),
        end=group.end or model.default_end,
        descent_mps=_draw(group.descent_mps, (0.15, 0.35), rng) if model.name == "balloon" else 0.0,
        heading_deg=_draw(group.heading_deg, (0.0, 360.0), rng),
        rcs_dbsm=float(rng.uniform(*model.rcs_dbsm)),
        loudness_db=model.loudness_db,
        rf_emitter=model.rf_emitter,
        transponder=transponder,
        remote_id=remote_id,
        icao24=icao24,
        callsign=group.callsign,
        glide_ratio=model.glide_ratio,
    )


def _resolve_sensors(sensor: SensorIn, ground_m: float) -> list[SensorSpec]:
    common = sensor.model_dump(
        exclude={"type", "id", "lat", "lon", "line_to", "spacing_m", "mast_m", "outages"}
    )
    outages = tuple(sorted((o.start_s, o.end_s) for o in sensor.outages))
    points = [(sensor.lat, sensor.lon)]
    if sensor.line_to is not None and sensor.spacing_m is not None:
        lat1, lon1 = sensor.line_to[0], sensor.line_to[1]
        d_n = (lat1 - sensor.lat) * _M_PER_DEG_LAT
        d_e = (lon1 - sensor.lon) * _M_PER_DEG_LAT * math.cos(math.radians(sensor.lat))
        n = max(int(math.hypot(d_n, d_e) // sensor.spacing_m), 0) + 1
        points = [
            (
                sensor.lat + (lat1 - sensor.lat) * k / max(n - 1, 1),
                sensor.lon + (lon1 - sensor.lon) * k / max(n - 1, 1),
            )
            for k in range(n)
        ]
    specs = []
    for k, (lat, lon) in enumerate(points):
        sensor_id = sensor.id if len(points) == 1 else f"{sensor.id}-{k + 1:03d}"
        specs.append(
            SensorSpec(
                sensor_id=sensor_id,
                type=sensor.type,
                lat=lat,
                lon=lon,
                alt_m=ground_m + sensor.mast_m,
                mast_m=sensor.mast_m,
                outages=outages,
                **common,
            )
        )
    return specs


def resolve(scenario: ScenarioIn, seed: int | None = None) -> ResolvedScenario:
    """Draw every open value with the scenario's seed (or ``seed``) and expand groups and lines."""
    seed = scenario.seed if seed is None else seed
    rng = np.random.default_rng(seed)
    targets = tuple(
        _resolve_target(group, i, member, rng)
        for i, group in enumerate(scenario.targets)
        for member in range(group.count)
    )
    ids = [t.target_id for t in targets]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{scenario.name}: target ids repeat")
    sensors = tuple(
        s for sensor in scenario.sensors for s in _resolve_sensors(sensor, scenario.ground_m)
    )
    return ResolvedScenario(
        name=scenario.name,
        title=scenario.title,
        notes=scenario.notes,
        sources=tuple(scenario.sources),
        start_t_s=parse_rfc3339(scenario.start),
        duration_s=scenario.duration_s,
        seed=seed,
        truth_step_s=scenario.truth_step_s,
        ground_m=scenario.ground_m,
        geography=scenario.geography,
        wind=tuple(sorted((w.alt_m, w.from_deg, w.speed_mps) for w in scenario.wind)),
        targets=targets,
        sensors=sensors,
    )
