from pathlib import Path

import numpy as np
import pytest

from skywarden.core.errors import ConfigError
from skywarden.geo.zones import load_geography
from skywarden.sim.run import simulate
from skywarden.sim.scenarios import builtin_scenario_names, load_scenario, resolve

BUILTIN = [
    "confusers",
    "lt-2025-07-10-as-was",
    "lt-2025-07-10-defended",
    "lt-2025-07-28-as-was",
    "lt-2025-07-28-defended",
    "lt-2025-10-balloons",
    "pl-2025-09-10",
    "swarm-800",
]

MINIMAL = """
name: tiny
title: tiny
start: "2025-07-28T01:00:00Z"
duration_s: 60
seed: 1
targets:
  - {model: gerbera, route: [[54.5, 25.5], [54.6, 25.3]]}
sensors:
  - {id: r1, type: surveillance_radar, lat: 54.56, lon: 23.93}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_scenarios_builtin_list_is_complete() -> None:
    assert builtin_scenario_names() == BUILTIN


@pytest.mark.parametrize("name", BUILTIN)
def test_scenarios_builtin_resolve_with_sensors_in_place(name: str) -> None:
    resolved = resolve(load_scenario(name))
    assert resolved.name == name
    assert resolved.targets
    assert resolved.sources
    geo = load_geography(resolved.geography)
    if not name.startswith("pl-"):
        lat = np.array([s.lat for s in resolved.sensors])
        lon = np.array([s.lon for s in resolved.sensors])
        assert (geo.country_of(lat, lon) == "LTU").all()


def test_scenarios_resolution_is_seeded() -> None:
    scenario = load_scenario("lt-2025-10-balloons")
    a, b = resolve(scenario), resolve(scenario)
    assert a == b
    c = resolve(scenario, seed=7)
    assert c.seed == 7
    assert c.targets != a.targets


def test_scenarios_group_members_and_lines_expand(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "{model: gerbera, route: [[54.5, 25.5], [54.6, 25.3]]}",
        "{model: gerbera, id: g, count: 3, speed_mps: {min: 30, max: 40}, route: [[54.5, 25.5]]}",
    ).replace(
        "{id: r1, type: surveillance_radar, lat: 54.56, lon: 23.93}",
        "{id: ac, type: acoustic, lat: 54.5, lon: 25.5, line_to: [54.5, 25.6], spacing_m: 1000}",
    )
    resolved = resolve(load_scenario(_write(tmp_path, text)))
    assert [t.target_id for t in resolved.targets] == ["g-001", "g-002", "g-003"]
    assert all(30.0 <= t.speed_mps <= 40.0 for t in resolved.targets)
    assert len({t.speed_mps for t in resolved.targets}) == 3
    assert [s.sensor_id for s in resolved.sensors][:2] == ["ac-001", "ac-002"]
    assert len(resolved.sensors) == 7  # 6.4 km at 1 km spacing: both ends included


def test_scenarios_defaults_come_from_the_model(tmp_path: Path) -> None:
    resolved = resolve(load_scenario(_write(tmp_path, MINIMAL)))
    [target] = resolved.targets
    assert 33.0 <= target.speed_mps <= 44.4
    assert target.obj_class.value == "owa_drone"
    assert target.end == "crash"
    assert len(target.route) == 2
    assert all(len(p) == 3 for p in target.route)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("duration_s: 60", "duration_s: -5"), "duration_s"),
        (("model: gerbera", "model: zeppelin"), "targets.0.model"),
        (("type: surveillance_radar", "type: sonar"), "sensors.0.type"),
        (("seed: 1", "seed: 1\nspeed: 3"), "speed"),
        (('start: "2025-07-28T01:00:00Z"', 'start: "yesterday"'), "start"),
        (("route: [[54.5, 25.5], [54.6, 25.3]]", "speed_mps: 30"), "route or a launch"),
    ],
)
def test_scenarios_invalid_file_names_the_problem(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_scenario(_write(tmp_path, MINIMAL.replace(*change)))


def test_scenarios_unknown_name_lists_the_builtins() -> None:
    with pytest.raises(ConfigError, match="swarm-800"):
        load_scenario("no-such-scenario")


# --- sensor outages ---------------------------------------------------------------------------

RADAR = "{id: r1, type: surveillance_radar, lat: 54.56, lon: 23.93}"


def test_scenarios_outages_resolve_sorted_for_every_sensor_of_a_line(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        RADAR,
        "{id: ac, type: acoustic, lat: 54.5, lon: 25.5, line_to: [54.5, 25.52],"
        " spacing_m: 1000, outages: [{start_s: 40, end_s: 50}, {start_s: 5, end_s: 20.5}]}",
    )
    resolved = resolve(load_scenario(_write(tmp_path, text)))
    assert len(resolved.sensors) == 2
    assert all(s.outages == ((5.0, 20.5), (40.0, 50.0)) for s in resolved.sensors)
    assert resolved.to_json()["sensors"][0]["outages"] == ((5.0, 20.5), (40.0, 50.0))
    assert resolve(load_scenario(_write(tmp_path, MINIMAL))).sensors[0].outages == ()


@pytest.mark.parametrize(
    ("outages", "expected"),
    [
        ("[{start_s: 30, end_s: 20}]", r"sensors.0.outages.0: .*end_s 20.0 is not after .*30.0"),
        ("[{start_s: 30, end_s: 30}]", r"sensors.0.outages.0: .*end_s 30.0 is not after"),
        ("[{start_s: 1, end_s: 2}, {start_s: -5, end_s: 2}]", r"sensors.0.outages.1.start_s"),
        ("[{start_s: 1}]", r"sensors.0.outages.0.end_s: Field required"),
        ("[{start_s: 1, end_s: 2, until: 3}]", r"sensors.0.outages.0.until"),
    ],
)
def test_scenarios_bad_outage_windows_name_the_problem(
    tmp_path: Path, outages: str, expected: str
) -> None:
    text = MINIMAL.replace(RADAR, RADAR[:-1] + f", outages: {outages}}}")
    with pytest.raises(ConfigError, match=expected):
        load_scenario(_write(tmp_path, text))


def test_scenarios_no_outages_gives_the_same_detections(tmp_path: Path) -> None:
    """An explicit empty list is no outage: every draw and every detection as before."""
    plain = simulate(resolve(load_scenario(_write(tmp_path, MINIMAL))))
    text = MINIMAL.replace(RADAR, RADAR[:-1] + ", outages: []}")
    empty = simulate(resolve(load_scenario(_write(tmp_path, text))))
    assert empty.synth.detections == plain.synth.detections
    assert len(plain.synth.detections) > 10
    text = MINIMAL.replace(RADAR, RADAR[:-1] + ", outages: [{start_s: 20, end_s: 40}]}")
    cut = simulate(resolve(load_scenario(_write(tmp_path, text))))
    t0 = plain.scenario.start_t_s
    assert cut.synth.detections == [
        d for d in plain.synth.detections if not 20.0 <= d.t_s - t0 < 40.0
    ]
    assert len(cut.synth.detections) < len(plain.synth.detections)
