"""The alert transition function, checked exhaustively against a plain hand-written table."""

import itertools

import pytest

from skywarden.alerting.lifecycle import (
    Hysteresis,
    OperatorActionKind,
    Timers,
    Transition,
    operator_step,
    step,
)
from skywarden.core.enums import AlertLevel, AlertState

N, Y, R = AlertLevel.NOTICE, AlertLevel.YELLOW, AlertLevel.RED
LEVELS = [None, N, Y, R]
CLEAR_AFTER_S = 60.0
MIN_HOLD_S = 30.0
HYST = Hysteresis(clear_after_s=CLEAR_AFTER_S, min_hold_s=MIN_HOLD_S)
# Every timer below, at and above its threshold (and zero).
FALSE_FOR = [0.0, 59.9, 60.0, 90.0]
BELOW_FOR = [0.0, 59.9, 60.0, 90.0]
HELD_FOR = [0.0, 29.9, 30.0, 500.0]

# The relation of (current, wanted), written out by hand for all 16 pairs rather than
# computed from AlertLevel.rank.
RELATION = {
    (None, None): "idle",
    (None, N): "new",
    (None, Y): "new",
    (None, R): "new",
    (N, None): "gone",
    (N, N): "same",
    (N, Y): "up",
    (N, R): "up",
    (Y, None): "gone",
    (Y, N): "down",
    (Y, Y): "same",
    (Y, R): "up",
    (R, None): "gone",
    (R, N): "down",
    (R, Y): "down",
    (R, R): "same",
}


def expected(
    cur: AlertLevel | None,
    want: AlertLevel | None,
    false_for: float,
    below_for: float,
    held_for: float,
    changed: bool,
) -> tuple[AlertLevel | None, str | None]:
    relation = RELATION[(cur, want)]
    if relation == "idle":
        return None, None
    if relation == "new":
        return want, "raised"
    if relation == "up":
        return want, "escalated"
    if relation == "gone":
        if false_for >= 60.0 and held_for >= 30.0:
            return None, "cleared"
        return cur, None  # waiting: no news while nothing is wanted
    if relation == "down" and below_for >= 60.0:
        return want, "downgraded"
    # "same", or "down" still inside the hysteresis: the current level stays
    return cur, ("updated" if changed else None)


@pytest.mark.parametrize(("cur", "want"), list(itertools.product(LEVELS, LEVELS)))
def test_lifecycle_transition_table_is_exhaustively_right(
    cur: AlertLevel | None, want: AlertLevel | None
) -> None:
    wrong = []
    for false_for, below_for, held_for, changed in itertools.product(
        FALSE_FOR, BELOW_FOR, HELD_FOR, (False, True)
    ):
        got = step(cur, want, Timers(false_for, below_for, held_for), HYST, changed)
        want_level, want_emit = expected(cur, want, false_for, below_for, held_for, changed)
        got_emit = got.emit.value if got.emit is not None else None
        if (got.level, got_emit) != (want_level, want_emit):
            wrong.append((false_for, below_for, held_for, changed, got, want_level, want_emit))
    assert not wrong, wrong[:5]


def test_lifecycle_table_covers_every_level_pair() -> None:
    assert set(RELATION) == set(itertools.product(LEVELS, LEVELS))


def test_lifecycle_clear_exactly_at_clear_after_and_min_hold() -> None:
    t = step(Y, None, Timers(false_for_s=60.0, held_for_s=30.0), HYST)
    assert t == Transition(None, AlertState.CLEARED)
    t = step(Y, None, Timers(false_for_s=60.0, held_for_s=29.0), HYST)
    assert t == Transition(Y, None)


def test_lifecycle_white_is_not_a_working_level() -> None:
    with pytest.raises(ValueError, match="white"):
        step(AlertLevel.WHITE, None, Timers(), HYST)
    with pytest.raises(ValueError, match="white"):
        step(None, AlertLevel.WHITE, Timers(), HYST)
    with pytest.raises(ValueError, match="white"):
        operator_step(AlertLevel.WHITE, OperatorActionKind.FORCE_CLEAR)


@pytest.mark.parametrize("cur", LEVELS)
@pytest.mark.parametrize("kind", list(OperatorActionKind))
def test_lifecycle_operator_actions(cur: AlertLevel | None, kind: OperatorActionKind) -> None:
    plain = {
        "acknowledge": (cur, "updated"),
        "reclassify_not_dangerous": (None, "cleared"),
        "force_clear": (None, "cleared"),
    }
    got = operator_step(cur, kind)
    if cur is None:
        assert got == Transition(None, None)
    else:
        assert (got.level, got.emit.value if got.emit else None) == plain[kind.value]


def _run(wanted_by_second: list[AlertLevel | None], hyst: Hysteresis) -> list[tuple[int, str]]:
    """Drive one alert through time the way an engine does, one step a second."""
    level: AlertLevel | None = None
    raised_at = false_since = below_since = None
    out = []
    for t, want in enumerate(wanted_by_second):
        if level is not None:
            false_since = (false_since if false_since is not None else t) if want is None else None
            below = want is None or want.rank < level.rank
            below_since = (below_since if below_since is not None else t) if below else None
        timers = Timers(
            false_for_s=0.0 if false_since is None else t - false_since,
            below_for_s=0.0 if below_since is None else t - below_since,
            held_for_s=0.0 if raised_at is None else t - raised_at,
        )
        tr = step(level, want, timers, hyst)
        if tr.emit is not None:
            out.append((t, tr.emit.value))
            if tr.emit is AlertState.RAISED:
                raised_at = t
            if tr.emit in (AlertState.ESCALATED, AlertState.DOWNGRADED, AlertState.CLEARED):
                below_since = None
            if tr.emit is AlertState.CLEARED:
                raised_at = false_since = None
        level = tr.level
    return out


def test_lifecycle_blinking_condition_never_flaps() -> None:
    # True for 10 s, false for 5 s, over and over, for 10 minutes: one raise, no clear.
    blink = ([Y] * 10 + [None] * 5) * 40
    assert _run(blink, Hysteresis(clear_after_s=60.0)) == [(0, "raised")]
    # Red blinking down to yellow for 20 s at a time never downgrades either.
    wobble = ([R] * 10 + [Y] * 20) * 20
    assert _run(wobble, Hysteresis(clear_after_s=60.0)) == [(0, "raised")]


def test_lifecycle_clears_after_clear_after_s_of_silence() -> None:
    events = _run([Y] * 10 + [None] * 100, Hysteresis(clear_after_s=60.0))
    assert events == [(0, "raised"), (70, "cleared")]


def test_lifecycle_min_hold_keeps_a_short_alert() -> None:
    events = _run([R] * 2 + [None] * 200, Hysteresis(clear_after_s=10.0, min_hold_s=120.0))
    assert events == [(0, "raised"), (120, "cleared")]


def test_lifecycle_escalates_at_once_downgrades_late() -> None:
    events = _run([Y] * 5 + [R] * 5 + [Y] * 100, Hysteresis(clear_after_s=60.0))
    assert events == [(0, "raised"), (5, "escalated"), (70, "downgraded")]
