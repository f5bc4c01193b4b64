from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skywarden.core.time import ManualClock, format_rfc3339, parse_rfc3339, t_s_to_datetime


def test_time_parses_contract_example() -> None:
    t = parse_rfc3339("2025-07-28T03:12:04.500Z")
    assert t == datetime(2025, 7, 28, 3, 12, 4, 500000, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-07-28T03:12:04Z", "2025-07-28T03:12:04.000Z"),
        ("2025-07-28T06:12:04.5+03:00", "2025-07-28T03:12:04.500Z"),
        ("2025-07-28T03:12:04.123456-00:00", "2025-07-28T03:12:04.123456Z"),
        ("2025-07-27T23:30:00-04:00", "2025-07-28T03:30:00.000Z"),
        ("2025-07-28t03:12:04z", "2025-07-28T03:12:04.000Z"),
    ],
)
def test_time_accepts_offsets_and_converts_to_utc(text: str, expected: str) -> None:
    assert format_rfc3339(parse_rfc3339(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2025-07-28",
        "2025-07-28T03:12:04",  # no offset
        "2025-07-28 03:12:04Z",  # space separator
        "2025-02-30T00:00:00Z",  # impossible date
        "2025-07-28T24:00:00Z",
        "2016-12-31T23:59:60Z",  # leap second: not representable
        "2025-07-28T03:12:04+25:00",
        "1753672324.5",
        "9999-12-31T23:30:00-05:00",  # past year 9999 once shifted to UTC
    ],
)
def test_time_rejects_non_rfc3339(text: str) -> None:
    with pytest.raises(ValueError, match=r"RFC 3339|impossible|offset|representable"):
        parse_rfc3339(text)


# hypothesis takes naive bounds and draws naive datetimes; the test makes them UTC
NAIVE_MIN = datetime(1971, 1, 1)  # noqa: DTZ001
NAIVE_MAX = datetime(2100, 1, 1)  # noqa: DTZ001


@given(st.datetimes(min_value=NAIVE_MIN, max_value=NAIVE_MAX))
def test_time_round_trip_to_the_microsecond(dt: datetime) -> None:
    aware = dt.replace(tzinfo=UTC)
    text = aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    t = parse_rfc3339(text)
    assert parse_rfc3339(format_rfc3339(t)) == t
    assert t_s_to_datetime(t) == aware


def test_time_manual_clock_never_goes_back() -> None:
    clock = ManualClock(10.0)
    clock.set(11.0)
    assert clock.now_s() == 11.0
    with pytest.raises(ValueError, match="cannot go back"):
        clock.set(5.0)
