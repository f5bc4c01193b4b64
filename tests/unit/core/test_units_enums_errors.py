import numpy as np
import pytest

from skywarden.core import enums, units
from skywarden.core.errors import (
    ConfigError,
    GeographyError,
    InputError,
    RejectCode,
    RejectError,
    SkyWardenError,
)
from skywarden.core.ids import IdMinter


def test_units_known_values() -> None:
    assert units.kt_to_mps(1.0) == pytest.approx(0.514444, rel=1e-6)
    assert units.ft_to_m(1000.0) == pytest.approx(304.8)
    assert units.fpm_to_mps(1000.0) == pytest.approx(5.08)
    assert units.nmi_to_m(1.0) == 1852.0
    assert units.kmh_to_mps(180.0) == pytest.approx(50.0)
    assert units.rad_to_deg(np.pi) == pytest.approx(180.0)


def test_units_round_trip_on_arrays() -> None:
    x = np.linspace(-1000.0, 1000.0, 11)
    np.testing.assert_allclose(units.mps_to_kt(units.kt_to_mps(x)), x)
    np.testing.assert_allclose(units.m_to_ft(units.ft_to_m(x)), x)
    np.testing.assert_allclose(units.mps_to_kmh(units.kmh_to_mps(x)), x)
    np.testing.assert_allclose(units.deg_to_rad(units.rad_to_deg(x)), x)


@pytest.mark.parametrize(
    ("enum", "tokens"),
    [
        (enums.DetectionKind, {"plot", "bearing", "report", "adsb", "remote_id"}),
        (enums.TrackStatus, {"tentative", "confirmed", "coasting", "deleted"}),
        (enums.AlertState, {"raised", "updated", "escalated", "downgraded", "cleared"}),
        (enums.AlertLevel, {"notice", "yellow", "red", "white"}),
        (
            enums.AlertKind,
            {
                "border_crossing",
                "zone_intrusion",
                "site_threat",
                "shelter_advisory",
                "airspace_closure",
                "sensor_outage",
            },
        ),
        (enums.BearingSource, {"acoustic", "rf", "eo", "ir"}),
        (enums.ReportWhat, {"heard", "seen"}),
    ],
)
def test_enums_values_equal_contract_tokens(enum: type[enums.StrEnum], tokens: set[str]) -> None:
    assert {m.value for m in enum} == tokens


def test_enums_alert_level_ranks_order_escalation() -> None:
    levels = sorted(enums.AlertLevel, key=lambda level: level.rank)
    assert [lv.value for lv in levels] == ["white", "notice", "yellow", "red"]


def test_errors_tree_and_attributes() -> None:
    err = RejectError("d.jsonl:3", "lat", RejectCode.OUT_OF_RANGE, "lat 91 > 90", 91)
    assert isinstance(err, InputError)
    assert isinstance(err, ValueError)
    assert isinstance(err, SkyWardenError)
    assert (err.where, err.field, err.code, err.value) == ("d.jsonl:3", "lat", "out_of_range", 91)
    assert "d.jsonl:3" in str(err)
    assert "'lat'" in str(err)
    assert issubclass(GeographyError, ConfigError)


def test_errors_reject_codes_are_stable_tokens() -> None:
    assert {c.value for c in RejectCode} >= {
        "not_utf8",
        "line_too_long",
        "invalid_json",
        "not_an_object",
        "unknown_kind",
        "missing_field",
        "wrong_type",
        "out_of_range",
        "bad_time",
        "bad_value",
    }


def test_ids_minter_is_ordered_and_prefixed() -> None:
    m = IdMinter("T")
    assert [m.mint() for _ in range(3)] == ["T-000001", "T-000002", "T-000003"]
    with pytest.raises(ValueError, match="prefix"):
        IdMinter("")
