"""Every status x flag combination of the track status machine (STYLE habit 10)."""

import itertools

import pytest

from skywarden.core.enums import TrackStatus as S
from skywarden.tracking.lifecycle import next_status

FLAGS = ("duplicate", "confirmable", "tentative_expired", "lost", "stale")
COMBINATIONS = [
    dict(zip(FLAGS, bits, strict=True)) for bits in itertools.product((False, True), repeat=5)
]


def _expected(status: S, f: dict[str, bool]) -> S:
    """The table of the module docstring, written out row by row."""
    if status is S.DELETED or f["duplicate"]:
        return S.DELETED
    if status is S.TENTATIVE:
        if f["confirmable"]:
            return S.CONFIRMED
        if f["tentative_expired"]:
            return S.DELETED
        return S.TENTATIVE
    if f["lost"]:
        return S.DELETED
    if f["stale"]:
        return S.COASTING
    return S.CONFIRMED


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize(
    "flags", COMBINATIONS, ids=lambda f: "-".join(k for k, v in f.items() if v) or "none"
)
def test_lifecycle_every_transition(status: S, flags: dict[str, bool]) -> None:
    assert next_status(status, **flags) is _expected(status, flags)


def test_lifecycle_invariants() -> None:
    for status, flags in itertools.product(list(S), COMBINATIONS):
        new = next_status(status, **flags)
        assert not (status is not S.TENTATIVE and new is S.TENTATIVE), "no way back to tentative"
        assert not (status is S.TENTATIVE and new is S.COASTING), "tentative tracks never coast"
        assert not (status is S.DELETED and new is not S.DELETED), "deleted is terminal"
        if flags["duplicate"]:
            assert new is S.DELETED
