"""The life of one alert as a pure transition function, with hysteresis and operator actions.

An alert is either absent (``None``) or active at a level (``notice`` < ``yellow`` <
``red``). At every step the engine says which level the rules *want* for it now (``None``
when no rule matches) and how long the timers have run; :func:`step` returns the new
level and the :class:`~skywarden.core.enums.AlertState` of the event to emit, or ``None``
when nothing is worth an event. The transition table:

==========  ================  ===========================================  =============
current     wanted            timers                                       -> level, emit
==========  ================  ===========================================  =============
None        None              any                                          None, none
None        L                 any                                          L, raised
C           W > C             any                                          W, escalated
C           W == C            changed                                      C, updated
C           W == C            not changed                                  C, none
C           W < C (not None)  below_for_s >= clear_after_s                 W, downgraded
C           W < C (not None)  otherwise; changed                           C, updated
C           W < C (not None)  otherwise; not changed                       C, none
C           None              false_for_s >= clear_after_s and             None, cleared
                              held_for_s >= min_hold_s
C           None              otherwise                                    C, none
==========  ================  ===========================================  =============

Why it is built this way:

- **Up at once, down slowly.** Escalation never waits: a threat that grows is news now.
  Downgrades and clears wait until the higher level (or any level) has not been wanted
  for ``clear_after_s``, so a condition that blinks off for a few seconds (a track that
  misses a few updates, a class probability hovering at a threshold) never makes an alert
  flap between raised and cleared, or between red and yellow.
- **A minimum hold.** A cleared alert lasted at least ``min_hold_s``: sirens and cell
  broadcast take time to roll out, and the all-clear must not overtake the warning.
- **Nothing to say, no event.** With ``wanted`` ``None`` the alert is waiting to clear;
  changes in its tracks or ETA are not news then, only the all-clear is.
- ``changed`` is decided by the engine: tracks joined or left, or the ETA moved by more
  than its threshold beyond the normal countdown.

Operator actions (:func:`operator_step`) bypass the timers: ``acknowledge`` keeps the
level and emits ``updated`` (the engine writes "acknowledged by <operator>");
``reclassify_not_dangerous`` and ``force_clear`` clear at once (the engine also
suppresses the reclassified tracks for a while). An action on an absent alert does
nothing.

Everything here is pure: no clock, no state, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from skywarden.core.enums import AlertLevel, AlertState

__all__ = [
    "Hysteresis",
    "OperatorAction",
    "OperatorActionKind",
    "Timers",
    "Transition",
    "operator_step",
    "step",
]


class OperatorActionKind(StrEnum):
    """What an operator does to an alert (or a track)."""

    ACKNOWLEDGE = "acknowledge"  # seen and being handled: no level change, an "updated" event
    RECLASSIFY_NOT_DANGEROUS = "reclassify_not_dangerous"  # clear now, mute the track(s)
    FORCE_CLEAR = "force_clear"  # clear now, skipping the hysteresis


@dataclass(frozen=True, slots=True)
class OperatorAction:
    """One operator action, as it arrives from the operator picture (``web``) on the bus.

    ``alert_id`` names the alert acted on; ``reclassify_not_dangerous`` may name a
    ``track_id`` instead (every alert that track holds). ``suppress_s`` overrides the
    engine's default muting time after a reclassification. ``note`` is free text kept in
    the audit trail and the event reason.
    """

    t_s: float
    operator: str
    kind: OperatorActionKind
    alert_id: str | None = None
    track_id: str | None = None
    note: str = ""
    suppress_s: float | None = None


@dataclass(frozen=True, slots=True)
class Hysteresis:
    """Per-rule timing: clear after ``clear_after_s`` false, never before ``min_hold_s``."""

    clear_after_s: float = 60.0
    min_hold_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Timers:
    """How long things have lasted at this step, in seconds.

    ``false_for_s``: the condition has been false (no level wanted) this long; ``0`` while
    some level is wanted. ``below_for_s``: the wanted level has stayed below the current
    level this long; ``0`` while the current level (or higher) is wanted. ``held_for_s``:
    time since the alert was raised.
    """

    false_for_s: float = 0.0
    below_for_s: float = 0.0
    held_for_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Transition:
    """The outcome of one step: the level after it (``None``: no alert) and what to emit."""

    level: AlertLevel | None
    emit: AlertState | None


def step(
    current: AlertLevel | None,
    wanted: AlertLevel | None,
    timers: Timers,
    hysteresis: Hysteresis,
    changed: bool = False,
) -> Transition:
    """Return the next level of one alert and the event to emit (table in the module doc)."""
    _check_level(current, "current")
    _check_level(wanted, "wanted")
    if current is None:
        if wanted is None:
            return Transition(None, None)
        return Transition(wanted, AlertState.RAISED)
    if wanted is None:
        if (
            timers.false_for_s >= hysteresis.clear_after_s
            and timers.held_for_s >= hysteresis.min_hold_s
        ):
            return Transition(None, AlertState.CLEARED)
        return Transition(current, None)
    if wanted.rank > current.rank:
        return Transition(wanted, AlertState.ESCALATED)
    if wanted.rank < current.rank and timers.below_for_s >= hysteresis.clear_after_s:
        return Transition(wanted, AlertState.DOWNGRADED)
    return Transition(current, AlertState.UPDATED if changed else None)


def operator_step(current: AlertLevel | None, kind: OperatorActionKind) -> Transition:
    """Return the transition an operator action causes on one alert."""
    _check_level(current, "current")
    if current is None:
        return Transition(None, None)
    if kind is OperatorActionKind.ACKNOWLEDGE:
        return Transition(current, AlertState.UPDATED)
    return Transition(None, AlertState.CLEARED)


def _check_level(level: AlertLevel | None, name: str) -> None:
    if level is AlertLevel.WHITE:
        raise ValueError(f"{name} level must be notice, yellow, red or None, not white")
