"""Rules files: the shipped Lithuanian set, and errors that name the file, rule and field."""

import copy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from skywarden.alerting.rules import check_rules, load_rules, parse_rules
from skywarden.core.enums import AlertKind, AlertLevel, ObjectClass, TrackStatus
from skywarden.core.errors import ConfigError
from skywarden.geo.zones import Geography, load_geography


@pytest.fixture(scope="module")
def lt() -> Geography:
    return load_geography("lt")


GOOD: dict[str, Any] = {
    "format": 1,
    "name": "test",
    "rules": [
        {
            "id": "t.yellow",
            "kind": "zone_intrusion",
            "level": "yellow",
            "when": {"min_threat": 0.2},
            "target": {"type": "zones_on_path", "lead_s": 900},
        },
        {
            "id": "t.shelter",
            "kind": "shelter_advisory",
            "level": "red",
            "when": {"classes": ["owa_drone"], "min_class_p": 0.6},
            "target": {"type": "sites", "sites": [{"id": "seimas", "lead_s": 300}]},
        },
    ],
}


def _doc(**rule_changes: Any) -> dict[str, Any]:
    """GOOD with rule 1 (t.shelter) changed."""
    doc = copy.deepcopy(GOOD)
    doc["rules"][1].update(rule_changes)
    return doc


def _error(doc: object, source: str = "mine.yaml") -> str:
    with pytest.raises(ConfigError) as info:
        parse_rules(doc, source=source)
    return str(info.value)


def test_rules_default_lt_set_loads_and_checks_against_lt_geography(lt: Geography) -> None:
    rules = load_rules("lt", lt)
    assert rules.name == "lt"
    assert rules.protected_country == "LTU"
    assert [r.id for r in rules.rules] == [
        "lt.notice.hostile_side",
        "lt.yellow.path",
        "lt.red.path",
        "lt.shelter.government",
        "lt.airport.balloons_drones",
        "lt.sensor_outage",
    ]
    yellow, red = rules.by_id("lt.yellow.path"), rules.by_id("lt.red.path")
    assert yellow.group == red.group == "lt.path"
    assert (yellow.level, red.level) == (AlertLevel.YELLOW, AlertLevel.RED)
    assert yellow.target.type == "zones_on_path" and yellow.target.lead_s == 900
    assert red.target.lead_s == 600
    assert red.when.classes == (ObjectClass.OWA_DRONE,)
    assert red.when.min_class_p == 0.6 and red.when.min_threat == 0.5
    assert yellow.when.cooperative is False  # the default: cooperative tracks never match
    assert yellow.when.statuses == (TrackStatus.CONFIRMED, TrackStatus.COASTING)
    shelter = rules.by_id("lt.shelter.government")
    assert shelter.kind is AlertKind.SHELTER_ADVISORY
    assert {(s.site_id, s.lead_s) for s in shelter.target.sites} == {
        ("seimas", 300.0),
        ("presidency", 300.0),
        ("government", 300.0),
    }
    airport = rules.by_id("lt.airport.balloons_drones")
    assert airport.level is AlertLevel.NOTICE and airport.kind is AlertKind.AIRSPACE_CLOSURE
    assert airport.target.site_kind == "airport" and airport.target.within_m == 15000
    notice = rules.by_id("lt.notice.hostile_side")
    assert notice.level is AlertLevel.NOTICE and notice.when.over == ("hostile",)
    assert rules.by_id("lt.sensor_outage").target.type == "sensor"
    # No shipped rule warns the whole country.
    assert all(r.target.type != "country" for r in rules.rules)
    assert all(r.clear_after_s <= 60 for r in (yellow, red, shelter))


def test_rules_load_from_a_file_path(tmp_path: Path, lt: Geography) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(GOOD), encoding="utf-8")
    rules = load_rules(path, lt)
    assert rules.source == "mine.yaml"
    assert rules.by_id("t.yellow").group == "t.yellow"  # group defaults to the id
    assert rules.by_id("t.yellow").clear_after_s == 60.0  # the documented default


def test_rules_bad_level_names_file_rule_and_field() -> None:
    msg = _error(_doc(level="orange"))
    assert msg.startswith("mine.yaml: rule 't.shelter' (rules[1]): level:")
    assert "'notice', 'yellow' or 'red'" in msg


def test_rules_white_is_not_a_rule_level() -> None:
    assert "level:" in _error(_doc(level="white"))


def test_rules_unknown_kind() -> None:
    msg = _error(_doc(kind="air_raid"))
    assert "rule 't.shelter' (rules[1]): kind:" in msg
    assert "shelter_advisory" in msg  # lists the allowed kinds


def test_rules_unknown_site_id_against_geography(lt: Geography) -> None:
    doc = _doc(target={"type": "sites", "sites": [{"id": "kremlin", "lead_s": 300}]})
    rules = parse_rules(doc, source="mine.yaml")  # without a geography it cannot know
    with pytest.raises(ConfigError) as info:
        check_rules(rules, lt)
    msg = str(info.value)
    assert "mine.yaml: rule 't.shelter' (rules[1]): target.sites[0].id" in msg
    assert "unknown site 'kremlin'" in msg and "seimas" in msg


def test_rules_unknown_site_kind_against_geography() -> None:
    doc = _doc(target={"type": "sites_of_kind", "kind": "port", "within_m": 5000})
    rules = parse_rules(doc, source="mine.yaml")
    geo = SimpleNamespace(protected_country="LTU", sites={"eyvi": SimpleNamespace(kind="airport")})
    with pytest.raises(ConfigError, match=r"target\.kind: the geography has no site of kind"):
        check_rules(rules, geo)  # type: ignore[arg-type]


def test_rules_protected_country_must_match_geography(lt: Geography) -> None:
    doc = {**copy.deepcopy(GOOD), "protected_country": "LVA"}
    with pytest.raises(ConfigError, match="protected_country is LVA"):
        check_rules(parse_rules(doc), lt)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"clear_after_s": "1 min"}, "clear_after_s", "valid number"),
        ({"min_hold_s": -5}, "min_hold_s", "greater than or equal to 0"),
        ({"when": {"cooperative": "yes"}}, "when.cooperative", "valid boolean"),
        ({"when": {"min_threat": 1.5}}, "when.min_threat", "less than or equal to 1"),
        ({"when": {"classes": "owa_drone", "min_class_p": 0.5}}, "when.classes", "valid list"),
        ({"when": {"classes": ["dragon"], "min_class_p": 0.5}}, "when.classes.0", "owa_drone"),
        ({"when": {"over": ["mars"]}}, "when.over.0", "'protected'"),
        (
            {"target": {"type": "sites", "sites": [{"id": "seimas", "lead_s": "5 min"}]}},
            "target.sites.0.lead_s",
            "valid number",
        ),
        ({"target": {"type": "zones_on_path", "lead_s": 0}}, "target.lead_s", "greater than 0"),
        ({"target": {"type": "everywhere"}}, "target.type", "'zones_on_path'"),
        ({"when": {"min_thraet": 0.2}}, "when.min_thraet", "Extra inputs are not permitted"),
        ({"id": "Bad Id"}, "id", "should match pattern"),
    ],
)
def test_rules_wrong_types_and_values_name_the_field(
    change: dict[str, Any], field: str, words: str
) -> None:
    msg = _error(_doc(**change))
    assert msg.startswith("mine.yaml: "), msg
    assert f"(rules[1]): {field}: " in msg, msg
    assert words in msg, msg


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"when": {"classes": ["owa_drone"]}}, "classes and min_class_p go together"),
        ({"when": {"statuses": ["deleted"]}}, "'deleted' never matches"),
        ({"when": {"statuses": []}}, "at least one status"),
        ({"target": {"type": "zones_on_path"}}, "needs lead_s"),
        ({"target": {"type": "zone_under", "lead_s": 60}}, "takes no lead_s"),
        ({"target": {"type": "sites", "sites": []}}, "non-empty list of sites"),
        ({"target": {"type": "sites", "sites": [{"id": "seimas"}]}}, "give lead_s, within_m"),
        ({"target": {"type": "sites_of_kind", "kind": "airport"}}, "needs lead_s, within_m"),
        ({"target": {"type": "sensor"}}, "'sensor_outage' and target type 'sensor'"),
        (
            {
                "target": {
                    "type": "sites",
                    "sites": [{"id": "a", "lead_s": 1}, {"id": "a", "lead_s": 2}],
                }
            },
            "ids repeat",
        ),
    ],
)
def test_rules_inconsistent_rules_are_refused(change: dict[str, Any], words: str) -> None:
    msg = _error(_doc(**change))
    assert "rule 't.shelter' (rules[1])" in msg
    assert words in msg


def test_rules_sensor_outage_rule_takes_no_condition() -> None:
    msg = _error(_doc(kind="sensor_outage", level="notice", target={"type": "sensor"}, when={}))
    assert "takes no 'when'" in msg


def test_rules_rule_without_id_is_named_by_index() -> None:
    doc = copy.deepcopy(GOOD)
    del doc["rules"][0]["id"]
    msg = _error(doc)
    assert "mine.yaml: rules[0]: id: Field required" in msg


def test_rules_repeated_id_and_inconsistent_group() -> None:
    assert "id: repeats rules[0]" in _error(_doc(id="t.yellow"))
    msg = _error(_doc(group="t.yellow"))
    assert "rule 't.shelter' (rules[1]): kind: 'shelter_advisory' differs" in msg
    msg = _error(_doc(group="t.yellow", kind="zone_intrusion"))
    assert "target.type: 'sites' targets sites" in msg


def test_rules_file_level_errors(tmp_path: Path) -> None:
    assert "format: Input should be 1" in _error({**GOOD, "format": 2})
    assert "rules: Field required" in _error({"format": 1, "name": "x"})
    assert "(top level)" in _error(["not", "a", "mapping"])
    bad = tmp_path / "broken.yaml"
    bad.write_text("rules: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.yaml: not valid YAML"):
        load_rules(bad)
    with pytest.raises(ConfigError, match="no such rules file"):
        load_rules(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match=r"shipped: lt"):
        load_rules("atlantis")
