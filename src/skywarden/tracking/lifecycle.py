"""The track status machine.

::

    TENTATIVE --confirmable--------------------> CONFIRMED
    TENTATIVE --tentative_expired--------------> DELETED
    CONFIRMED --stale (no detection for a while)-> COASTING
    COASTING  --fed again----------------------> CONFIRMED
    CONFIRMED, COASTING --lost-----------------> DELETED
    any       --duplicate of a better track----> DELETED
    DELETED   (terminal: the row is removed, the id never reused)

Precedence, highest first: ``duplicate``, then (for tentative tracks) ``confirmable``
over ``tentative_expired``, then (for confirmed and coasting tracks) ``lost`` over
``stale``. What the flags mean is the tracker's business (``tracking.tracker``: M-of-N
over the starting sensor's revisit with an innovation-fit check, missed revisits, coast
time and horizontal sigma); this module only says where each combination leads.
"""

from __future__ import annotations

from skywarden.core.enums import TrackStatus

__all__ = ["next_status"]


def next_status(
    status: TrackStatus,
    *,
    duplicate: bool,
    confirmable: bool,
    tentative_expired: bool,
    lost: bool,
    stale: bool,
) -> TrackStatus:
    """Return the status a track moves to, given what this step found about it."""
    if status is TrackStatus.DELETED or duplicate:
        return TrackStatus.DELETED
    if status is TrackStatus.TENTATIVE:
        if confirmable:
            return TrackStatus.CONFIRMED
        return TrackStatus.DELETED if tentative_expired else TrackStatus.TENTATIVE
    if lost:
        return TrackStatus.DELETED
    return TrackStatus.COASTING if stale else TrackStatus.CONFIRMED
