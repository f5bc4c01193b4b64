"""The track table: every live track's state in contiguous arrays.

Rows are tracks. Per-model IMM state ``xm (N, M, 7)``, ``Pm (N, M, 7, 7)`` and mode
probabilities ``mu (N, M)``; each row has its own time ``t_s`` (a track is only
predicted when a detection, a tick or an output needs it). Bookkeeping columns: id,
status, cooperative identity, first and last detection time, confirmation time, the
times of its most recent detections (for M-of-N confirmation), and when it was last
written out.

Not thread-safe: the table belongs to one tracker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from skywarden.core.enums import TrackStatus
from skywarden.tracking.imm import N_MODELS

__all__ = ["STATE_DIM", "TrackTable"]

STATE_DIM = 7
RCS_SMOOTHING = 0.1  # weight of each new plot's RCS in a track's running mean
PLOT_HIT_MEMORY = 8  # radar plots remembered per track for its hit rate
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


# An acoustic contact is over after this long without a bearing (TrackTable.heard_*).
HEARD_CONTACT_GAP_S = 60.0
HEARD_COLUMNS = ("heard_first_s", "heard_last_s", "heard_hits", "heard_range_m", "heard_quiet_s")


@dataclass(slots=True)
class TrackTable:
    """Structure of arrays over live tracks; rows are compacted when tracks are deleted."""

    hit_memory: int
    xm: FloatArray
    Pm: FloatArray
    mu: FloatArray
    t_s: FloatArray
    last_hit_s: FloatArray
    first_hit_s: FloatArray  # the track's first detection
    confirmed_s: FloatArray  # when the track was first confirmed, NaN while tentative
    n_hits: FloatArray  # detections the track has taken in all
    hit_times_s: FloatArray  # (N, hit_memory) most recent detection times, NaN-padded
    last_written_s: FloatArray
    nis_sum: FloatArray  # sum over updates of the normalised innovation (d2 per dof)
    nis_n: FloatArray  # number of those updates
    rcs_dbsm: FloatArray  # smoothed radar cross-section of its plots, NaN without one
    fix_s: FloatArray  # latest position fix: a plot or report, or bearings of two sensors
    crossed_start: FloatArray  # 1 for a track started from crossing bearings, else 0
    bearing_s: FloatArray  # latest bearing it took, and that bearing's sensor (index, -1)
    bearing_sensor: FloatArray
    bearing_az: FloatArray  # that bearing's azimuth (degrees)
    harmonic_s: FloatArray  # latest acoustic bearing with an engine harmonic it took, or NaN
    rf_s: FloatArray  # latest RF direction-finder bearing (a control link) it took, or NaN
    revisit_s: FloatArray  # revisit of the sensor that started the track (M-of-N timing)
    plot_hits_s: (
        FloatArray  # (N, PLOT_HIT_MEMORY) its latest radar plots' times, sorted, NaN-padded
    )
    plot_revisit_s: FloatArray  # revisit of the radar of its latest plot, NaN before one
    # The low-covering sensor (``TrackerConfig.low_cover``) whose detections it took last
    # (index, -1 for none), the time of the latest, and how many of its detections the
    # track has taken since that sensor became its low-covering one.
    cover_sensor: FloatArray
    cover_last_s: FloatArray
    cover_hits: FloatArray
    # Its current acoustic contact (bearings of any microphone, contact over after a gap
    # of ``HEARD_CONTACT_GAP_S``): first and latest time heard, how many bearings, the
    # farthest its estimate was from the node hearing it, and the seconds of silence since
    # spent where some node had heard it (the tracker's "fell silent" rule).
    heard_first_s: FloatArray
    heard_last_s: FloatArray
    heard_hits: FloatArray
    heard_range_m: FloatArray
    heard_quiet_s: FloatArray
    ids: list[str]
    status: list[TrackStatus]
    identity: list[str | None]

    @classmethod
    def empty(cls, hit_memory: int) -> TrackTable:
        """Return a table with no tracks."""
        return cls(
            hit_memory=hit_memory,
            xm=np.zeros((0, N_MODELS, STATE_DIM)),
            Pm=np.zeros((0, N_MODELS, STATE_DIM, STATE_DIM)),
            mu=np.zeros((0, N_MODELS)),
            t_s=np.zeros(0),
            last_hit_s=np.zeros(0),
            first_hit_s=np.zeros(0),
            confirmed_s=np.zeros(0),
            n_hits=np.zeros(0),
            hit_times_s=np.zeros((0, hit_memory)),
            last_written_s=np.zeros(0),
            nis_sum=np.zeros(0),
            nis_n=np.zeros(0),
            fix_s=np.zeros(0),
            crossed_start=np.zeros(0),
            bearing_s=np.zeros(0),
            bearing_sensor=np.zeros(0),
            bearing_az=np.zeros(0),
            harmonic_s=np.zeros(0),
            rf_s=np.zeros(0),
            rcs_dbsm=np.zeros(0),
            revisit_s=np.zeros(0),
            plot_hits_s=np.zeros((0, PLOT_HIT_MEMORY)),
            plot_revisit_s=np.zeros(0),
            cover_sensor=np.zeros(0),
            cover_last_s=np.zeros(0),
            cover_hits=np.zeros(0),
            heard_first_s=np.zeros(0),
            heard_last_s=np.zeros(0),
            heard_hits=np.zeros(0),
            heard_range_m=np.zeros(0),
            heard_quiet_s=np.zeros(0),
            ids=[],
            status=[],
            identity=[],
        )

    def __len__(self) -> int:
        return len(self.ids)

    def add(
        self,
        track_id: str,
        x: FloatArray,
        P: FloatArray,
        mu0: FloatArray,
        t_s: float,
        identity: str | None,
        revisit_s: float,
    ) -> int:
        """Append one tentative track with state ``x (7,)``, ``P (7, 7)``; return its row."""
        self.xm = np.concatenate([self.xm, np.broadcast_to(x, (1, N_MODELS, STATE_DIM))])
        self.Pm = np.concatenate([self.Pm, np.broadcast_to(P, (1, N_MODELS, STATE_DIM, STATE_DIM))])
        self.mu = np.concatenate([self.mu, mu0[None, :]])
        self.t_s = np.append(self.t_s, t_s)
        self.last_hit_s = np.append(self.last_hit_s, t_s)
        self.first_hit_s = np.append(self.first_hit_s, t_s)
        self.confirmed_s = np.append(self.confirmed_s, np.nan)
        self.n_hits = np.append(self.n_hits, 1.0)
        hits = np.full((1, self.hit_memory), np.nan)
        hits[0, -1] = t_s
        self.hit_times_s = np.concatenate([self.hit_times_s, hits])
        self.last_written_s = np.append(self.last_written_s, -np.inf)
        self.nis_sum = np.append(self.nis_sum, 0.0)
        self.nis_n = np.append(self.nis_n, 0.0)
        self.fix_s = np.append(self.fix_s, t_s)
        self.crossed_start = np.append(self.crossed_start, 0.0)
        self.bearing_s = np.append(self.bearing_s, -np.inf)
        self.bearing_sensor = np.append(self.bearing_sensor, -1.0)
        self.bearing_az = np.append(self.bearing_az, np.nan)
        self.harmonic_s = np.append(self.harmonic_s, np.nan)
        self.rf_s = np.append(self.rf_s, np.nan)
        self.rcs_dbsm = np.append(self.rcs_dbsm, np.nan)
        self.revisit_s = np.append(self.revisit_s, revisit_s)
        self.plot_hits_s = np.concatenate([self.plot_hits_s, np.full((1, PLOT_HIT_MEMORY), np.nan)])
        self.plot_revisit_s = np.append(self.plot_revisit_s, np.nan)
        self.cover_sensor = np.append(self.cover_sensor, -1.0)
        self.cover_last_s = np.append(self.cover_last_s, -np.inf)
        self.cover_hits = np.append(self.cover_hits, 0.0)
        self.heard_first_s = np.append(self.heard_first_s, -np.inf)
        self.heard_last_s = np.append(self.heard_last_s, -np.inf)
        self.heard_hits = np.append(self.heard_hits, 0.0)
        self.heard_range_m = np.append(self.heard_range_m, 0.0)
        self.heard_quiet_s = np.append(self.heard_quiet_s, 0.0)
        self.ids.append(track_id)
        self.status.append(TrackStatus.TENTATIVE)
        self.identity.append(identity)
        return len(self.ids) - 1

    def record_hits(self, rows: IntArray, t_s: FloatArray) -> None:
        """Note a detection at ``t_s`` for each row (rows unique)."""
        if rows.size == 0:
            return
        self.last_hit_s[rows] = np.maximum(self.last_hit_s[rows], t_s)
        self.n_hits[rows] += 1.0
        shifted = np.roll(self.hit_times_s[rows], -1, axis=1)
        shifted[:, -1] = t_s
        self.hit_times_s[rows] = shifted

    def record_plot_hits(self, rows: IntArray, t_s: FloatArray, revisit_s: float) -> None:
        """Note radar plots taken at ``t_s`` (rows unique), each row's memory kept sorted.

        A late plot takes its place in time order and pushes out the oldest, so the
        memory always holds the latest ``PLOT_HIT_MEMORY`` plot times.
        """
        if rows.size == 0:
            return
        mem = np.where(np.isnan(self.plot_hits_s[rows]), -np.inf, self.plot_hits_s[rows])
        mem = np.sort(mem, axis=1)
        mem[:, 0] = np.maximum(mem[:, 0], t_s)
        mem = np.sort(mem, axis=1)
        self.plot_hits_s[rows] = np.where(np.isinf(mem), np.nan, mem)
        self.plot_revisit_s[rows] = revisit_s

    def record_cover_hits(self, rows: IntArray, t_s: FloatArray, sensor: float) -> None:
        """Note detections at ``t_s`` of the low-covering sensor ``sensor`` (rows unique)."""
        if rows.size == 0:
            return
        same = self.cover_sensor[rows] == sensor
        self.cover_hits[rows] = np.where(same, self.cover_hits[rows] + 1.0, 1.0)
        self.cover_last_s[rows] = np.where(same, np.maximum(self.cover_last_s[rows], t_s), t_s)
        self.cover_sensor[rows] = sensor

    def record_heard(self, rows: IntArray, t_s: FloatArray, range_m: FloatArray) -> None:
        """Note acoustic bearings heard at ``t_s``, each ``range_m`` from its node (rows unique).

        A bearing more than ``HEARD_CONTACT_GAP_S`` after the last one starts a new contact.
        """
        if rows.size == 0:
            return
        new = t_s - self.heard_last_s[rows] > HEARD_CONTACT_GAP_S
        self.heard_first_s[rows] = np.where(new, t_s, self.heard_first_s[rows])
        self.heard_hits[rows] = np.where(new, 0.0, self.heard_hits[rows]) + 1.0
        self.heard_range_m[rows] = np.maximum(np.where(new, 0.0, self.heard_range_m[rows]), range_m)
        self.heard_last_s[rows] = np.maximum(self.heard_last_s[rows], t_s)
        self.heard_quiet_s[rows] = 0.0

    def record_nis(self, rows: IntArray, nis_per_dof: FloatArray) -> None:
        """Add each update's normalised innovation squared per degree of freedom."""
        np.add.at(self.nis_sum, rows, nis_per_dof)
        np.add.at(self.nis_n, rows, 1.0)

    def adopt(self, dst: int, src: int) -> None:
        """Give row ``dst`` the filter state and detection history of row ``src``.

        Re-acquisition: a new track found the object a coasting track had lost; the old
        track (its id, first detection and confirmation time, identity if ``src`` has none)
        goes on with what the new one measured. ``src`` is left for the caller to drop.
        """
        self.xm[dst], self.Pm[dst], self.mu[dst] = self.xm[src], self.Pm[src], self.mu[src]
        self.t_s[dst] = self.t_s[src]
        self.last_hit_s[dst] = self.last_hit_s[src]
        self.hit_times_s[dst] = self.hit_times_s[src]
        self.n_hits[dst] += self.n_hits[src]
        self.nis_sum[dst], self.nis_n[dst] = self.nis_sum[src], self.nis_n[src]
        self.fix_s[dst] = max(self.fix_s[dst], self.fix_s[src])
        self.bearing_s[dst] = self.bearing_s[src]
        self.bearing_sensor[dst] = self.bearing_sensor[src]
        self.bearing_az[dst] = self.bearing_az[src]
        self.harmonic_s[dst] = np.fmax(self.harmonic_s[dst], self.harmonic_s[src])
        self.rf_s[dst] = np.fmax(self.rf_s[dst], self.rf_s[src])
        if np.isfinite(self.rcs_dbsm[src]):
            self.rcs_dbsm[dst] = self.rcs_dbsm[src]
        self.revisit_s[dst] = self.revisit_s[src]
        both = np.concatenate([self.plot_hits_s[dst], self.plot_hits_s[src]])
        both = np.sort(np.where(np.isnan(both), -np.inf, both))[-PLOT_HIT_MEMORY:]
        self.plot_hits_s[dst] = np.where(np.isinf(both), np.nan, both)
        self.plot_revisit_s[dst] = np.fmax(self.plot_revisit_s[dst], self.plot_revisit_s[src])
        self.cover_sensor[dst] = self.cover_sensor[src]
        self.cover_last_s[dst] = self.cover_last_s[src]
        self.cover_hits[dst] = self.cover_hits[src]
        for col in HEARD_COLUMNS:
            getattr(self, col)[dst] = getattr(self, col)[src]
        if self.identity[dst] is None:
            self.identity[dst] = self.identity[src]

    def record_rcs(self, rows: IntArray, rcs_dbsm: FloatArray) -> None:
        """Fold plots' radar cross-sections (dBsm) into each row's running mean (rows unique).

        An exponential mean over about the last ten plots: RCS fluctuates by several dB
        from scan to scan (Swerling targets), its mean is what tells an aircraft from a drone.
        """
        old = self.rcs_dbsm[rows]
        self.rcs_dbsm[rows] = np.where(
            np.isfinite(old), (1.0 - RCS_SMOOTHING) * old + RCS_SMOOTHING * rcs_dbsm, rcs_dbsm
        )

    def record_hint(self, column: str, row: int, t_s: float) -> None:
        """Note a sensor hint (``harmonic_s`` or ``rf_s``) taken by ``row`` at ``t_s``."""
        arr: FloatArray = getattr(self, column)
        arr[row] = np.fmax(arr[row], t_s)

    def keep(self, keep: npt.NDArray[np.bool_]) -> None:
        """Drop every row where ``keep`` is false."""
        idx = np.flatnonzero(keep)
        for name in self.__slots__:  # every column: the arrays and the lists
            column = getattr(self, name)
            if isinstance(column, np.ndarray):
                setattr(self, name, column[idx])
            elif isinstance(column, list):
                setattr(self, name, [column[i] for i in idx])
