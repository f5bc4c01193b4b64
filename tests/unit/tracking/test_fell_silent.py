"""A track the microphones that heard it no longer hear, where they would, is down (item 9)."""

import pytest

from skywarden.core.enums import BearingSource, TrackStatus
from skywarden.core.types import Bearing, TrackUpdate
from skywarden.geo.frames import SiteFrame
from skywarden.tracking.measurement import bearing_deg
from skywarden.tracking.tracker import SPEED_OF_SOUND_MPS, Tracker, TrackerConfig

FRAME = SiteFrame(54.6, 25.9, 150.0)
T0 = 1_753_666_200.0
NODES = {"ac-w": (-1500.0, 0.0), "ac-e": (1500.0, 0.0)}
SPEED_MPS = 15.0  # northwards along e = 0, between the two nodes
START_N_M = -990.0


def _drone_n_m(t_s: float) -> float:
    return START_N_M + SPEED_MPS * t_s


def _heard(sensor: str, t_s: float, az_offset_deg: float = 0.0) -> Bearing:
    """What a node hears at ``t_s``: the sound that left the drone R/c earlier."""
    se, sn = NODES[sensor]
    n = _drone_n_m(t_s)
    for _ in range(3):
        r_m = ((se**2) + (n - sn) ** 2) ** 0.5
        n = _drone_n_m(t_s - r_m / SPEED_OF_SOUND_MPS)
    lat, lon, alt = FRAME.from_enu(se, sn, 2.0)
    az = float(bearing_deg(0.0 - se, n - sn)) + az_offset_deg
    return Bearing(
        T0 + t_s, sensor, float(lat), float(lon), float(alt), az % 360.0, 3.0,
        source=BearingSource.ACOUSTIC,
    )  # fmt: skip


def _run(heard_until_s: float, end_s: float, other_sound: bool = False) -> list[TrackUpdate]:
    """Both nodes hear the drone each second while it is within 1.8 km of them and
    ``t <= heard_until_s``; ``other_sound``: afterwards the west node hears something else."""
    tracker = Tracker(FRAME, TrackerConfig())
    out: list[TrackUpdate] = []
    for t in range(int(end_s)):
        in_reach = abs(_drone_n_m(float(t))) <= 990.0
        dets = [_heard(s, float(t)) for s in NODES] if in_reach and t <= heard_until_s else []
        if other_sound and t > heard_until_s:
            dets.append(_heard("ac-w", float(t), az_offset_deg=90.0))
        out += tracker.step(T0 + t, dets)
    return out


def _drone(updates: list[TrackUpdate]) -> list[TrackUpdate]:
    ids = [u.track_id for u in updates if u.status is TrackStatus.CONFIRMED]
    assert ids, "no confirmed track"
    return [u for u in updates if u.track_id == ids[0]]


def test_a_drone_falling_silent_between_the_nodes_is_down() -> None:
    # silent from 66 s on, at n = 0: predicted inside both nodes' proven reach
    drone = _drone(_run(heard_until_s=66.0, end_s=120.0))
    gone = drone[-1]
    assert gone.status is TrackStatus.DELETED
    assert gone.down_t_s is not None
    assert 60.0 < gone.down_t_s - T0 <= 66.0  # its last bearing (the sound's emission)
    assert 66.0 + 8.0 <= gone.t_s - T0 <= 66.0 + 12.0  # down_after_s of silence, then down


def test_a_drone_flying_out_of_earshot_coasts_on() -> None:
    # heard while within 1.8 km of the nodes (132 s), then it flies on north: no fall
    drone = _drone(_run(heard_until_s=1e9, end_s=200.0))
    assert drone[-1].status is TrackStatus.COASTING
    assert all(u.down_t_s is None for u in drone)


def test_a_node_still_hearing_something_takes_nothing_down() -> None:
    drone = _drone(_run(heard_until_s=66.0, end_s=100.0, other_sound=True))
    assert drone[-1].status is not TrackStatus.DELETED
    assert all(u.down_t_s is None for u in drone)


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("heard_min_hits", 0, "heard_min_hits"),
        ("heard_cover_fraction", 1.5, "heard_cover_fraction"),
        ("heard_miss_p", 0.0, "heard_miss_p"),
        ("heard_max_rate", 1.0, "heard_max_rate"),
        ("bearing_reach_m", {"ac-1": -5.0}, "bearing_reach_m\\['ac-1'\\]"),
    ],
)
def test_the_fell_silent_and_reach_settings_are_checked(
    field: str, value: object, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        TrackerConfig(**{field: value})  # type: ignore[arg-type]
