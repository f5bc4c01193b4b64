"""The walking-skeleton tracker: NCV Kalman filters with global-nearest-neighbour assignment.

It confirms tracks by hit count, coasts them and deletes them.

This is the simplest honest tracker that fuses SkyWarden's position-bearing detections
into tracks; the full tracker (IMM, bearing-only initiation, JPDA, late measurements,
spatial-index gating) replaces it. What it does:

- State in arrays over all tracks (``x`` is ``(N, 6)``, ``P`` is ``(N, 6, 6)``), in the
  ENU frame of one ``SiteFrame``; layout ``[e_m, n_m, u_m, ve_mps, vn_mps, vu_mps]``.
- Prediction of all tracks at once with the NCV model (``tracking.motion``).
- Detections are taken sensor by sensor (sequential multi-sensor update). For each
  sensor's batch a cost matrix of squared Mahalanobis distances (tracks x detections) is
  built, gated at the chi-square 99.9 % point, and solved with scipy's
  ``linear_sum_assignment`` (global nearest neighbour).
- Measurement models: ``plot``, ``adsb`` and ``remote_id`` are 3-D positions; ``report``
  (a person on the ground) is a 2-D horizontal position with a 1 km sigma. Cooperative
  reports bind the track to their identity (``icao24:...``, ``uas:...``), so the same
  aircraft never spawns a second track. ``bearing`` detections are counted as unused:
  bearing-only fusion needs triangulation, which this tracker does not do.
- Detections older than the tracker's time are counted as late and not used.
- A track is tentative until ``CONFIRM_HITS`` detections, coasts after ``COAST_AFTER_S``
  without one, and is deleted after ``MAX_COAST_S`` or once its horizontal sigma exceeds
  ``MAX_SIGMA_H_M``.

Not thread-safe: one tracker belongs to one pipeline.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from skywarden.core.enums import TrackStatus
from skywarden.core.ids import IdMinter
from skywarden.core.types import (
    AdsbReport,
    Bearing,
    Detection,
    Plot,
    RemoteIdReport,
    Report,
    TrackUpdate,
)
from skywarden.geo.frames import SiteFrame
from skywarden.tracking.motion import STATE_DIM, ncv_process_noise, ncv_transition

__all__ = ["NearestNeighbourTracker", "TrackerConfig", "TrackerStats"]

FloatArray = npt.NDArray[np.float64]

# Chi-square 99.9 % points for 2 and 3 degrees of freedom: a true detection falls outside
# the gate once in a thousand, clutter far away never enters it.
GATE_CHI2_P999 = {2: 13.816, 3: 16.266}
# A person on the ground places an object to about a kilometre (brief section 3).
REPORT_SIGMA_M = 1000.0
# Cooperative position reports are GNSS positions: metres horizontally, tens vertically.
ADSB_SIGMA_H_M, ADSB_SIGMA_V_M = 30.0, 30.0
REMOTE_ID_SIGMA_H_M, REMOTE_ID_SIGMA_V_M = 10.0, 15.0
# A new track knows nothing of its velocity: 60 m/s (one sigma) covers a Shahed's dash.
INIT_SIGMA_V_MPS = 60.0
# A 2-D report gives no height: assume a low flyer, 300 m above the frame, +/- 1 km.
REPORT_INIT_U_M, REPORT_INIT_SIGMA_U_M = 300.0, 1000.0
_BIG_COST = 1e12


@dataclass(frozen=True, slots=True)
class TrackerConfig:
    """Tuning of the skeleton tracker. Defaults suit slow drones and long-range radar."""

    q_h_m2ps3: float = 1.0  # horizontal acceleration noise density: gentle turns of a drone
    q_v_m2ps3: float = 0.1  # vertical: drones and balloons change height slowly
    confirm_hits: int = 3  # CONFIRM_HITS: three detections make a track (M-of-N light)
    tentative_timeout_s: float = 60.0  # a tentative track not fed for a minute is noise
    coast_after_s: float = 20.0  # COAST_AFTER_S: two long-range radar revisits missed
    max_coast_s: float = 600.0  # MAX_COAST_S: reports of a lost drone come minutes apart
    max_sigma_h_m: float = 8000.0  # MAX_SIGMA_H_M: beyond this the track no longer locates
    coast_report_s: float = 10.0  # how often a coasting track's prediction is written


@dataclass(slots=True)
class TrackerStats:
    """Counts of what the tracker did with its input."""

    used: int = 0
    late: int = 0
    unused_by_kind: Counter[str] = field(default_factory=Counter)
    tracks_started: int = 0
    tracks_deleted: int = 0


@dataclass(frozen=True, slots=True)
class _Measurement:
    z: FloatArray  # (m,)
    h_rows: tuple[int, ...]  # state indices measured: (0, 1) or (0, 1, 2)
    r: FloatArray  # (m, m)
    identity: str | None


class NearestNeighbourTracker:
    """Push-style tracker: call :meth:`step` with each batch of detections in time order."""

    def __init__(self, frame: SiteFrame, config: TrackerConfig | None = None) -> None:
        self.frame = frame
        self.config = config or TrackerConfig()
        self.stats = TrackerStats()
        self._ids = IdMinter("T")
        self._t_s: float | None = None
        self._x = np.zeros((0, STATE_DIM))
        self._p = np.zeros((0, STATE_DIM, STATE_DIM))
        self._track_ids: list[str] = []
        self._status: list[TrackStatus] = []
        self._hits = np.zeros(0, dtype=np.int64)
        self._last_hit_s = np.zeros(0)
        self._last_written_s = np.zeros(0)
        self._identity: list[str | None] = []

    @property
    def t_s(self) -> float | None:
        """Event time the tracker has reached, ``None`` before the first step."""
        return self._t_s

    @property
    def n_tracks(self) -> int:
        """Number of live tracks (tentative, confirmed and coasting)."""
        return len(self._track_ids)

    def step(self, t_s: float, detections: Sequence[Detection]) -> list[TrackUpdate]:
        """Advance to ``t_s``, fuse ``detections`` (all at or before ``t_s``), return updates.

        Detections stamped before the tracker's previous time are late: counted, not used.
        """
        if self._t_s is not None and t_s < self._t_s:
            self.stats.late += len(detections)
            return []
        self._predict_to(t_s)
        prev_t = self._t_s
        self._t_s = t_s
        touched: set[int] = set()
        by_sensor: dict[str, list[tuple[Detection, _Measurement]]] = {}
        for det in detections:
            if prev_t is not None and det.t_s < prev_t:
                self.stats.late += 1
                continue
            meas = self._measure(det)
            if meas is None:
                self.stats.unused_by_kind[det.kind.value] += 1
                continue
            by_sensor.setdefault(det.sensor_id, []).append((det, meas))
        for sensor_id in sorted(by_sensor):
            touched |= self._fuse(by_sensor[sensor_id])
        return self._lifecycle(t_s, touched)

    def _measure(self, det: Detection) -> _Measurement | None:
        if isinstance(det, Bearing):
            return None
        if isinstance(det, Report):
            e, n = self.frame.to_en(det.lat, det.lon)
            r = np.diag([REPORT_SIGMA_M**2, REPORT_SIGMA_M**2])
            return _Measurement(np.array([float(e), float(n)]), (0, 1), r, None)
        if isinstance(det, Plot):
            sh, sv, identity = det.sigma_h_m, det.sigma_v_m, None
        elif isinstance(det, AdsbReport):
            sh, sv, identity = ADSB_SIGMA_H_M, ADSB_SIGMA_V_M, f"icao24:{det.icao24}"
        elif isinstance(det, RemoteIdReport):
            sh, sv, identity = REMOTE_ID_SIGMA_H_M, REMOTE_ID_SIGMA_V_M, f"uas:{det.uas_id}"
        else:  # pragma: no cover - the Detection union is closed
            return None
        e, n, u = self.frame.to_enu(det.lat, det.lon, det.alt_m)
        z = np.array([float(e), float(n), float(u)])
        return _Measurement(z, (0, 1, 2), np.diag([sh**2, sh**2, sv**2]), identity)

    def _predict_to(self, t_s: float) -> None:
        if self._t_s is None or t_s == self._t_s or self.n_tracks == 0:
            return
        dt = t_s - self._t_s
        f = ncv_transition(dt)
        q = ncv_process_noise(dt, self.config.q_h_m2ps3, self.config.q_v_m2ps3)
        self._x = self._x @ f.T
        self._p = np.einsum("ij,njk,lk->nil", f, self._p, f) + q

    def _fuse(self, batch: list[tuple[Detection, _Measurement]]) -> set[int]:
        """Assign one sensor's detections to tracks (GNN), update, initiate from the rest."""
        n_tracks, n_det = self.n_tracks, len(batch)
        cost = np.full((n_tracks, n_det), _BIG_COST)
        for j, (_, meas) in enumerate(batch):
            if meas.identity is not None and meas.identity in self._identity:
                cost[self._identity.index(meas.identity), j] = 0.0
                continue
            if n_tracks == 0:
                continue
            rows = list(meas.h_rows)
            nu = meas.z[None, :] - self._x[:, rows]
            s = self._p[:, rows][:, :, rows] + meas.r[None, :, :]
            d2 = np.einsum("ni,ni->n", nu, np.linalg.solve(s, nu[:, :, None])[:, :, 0])
            gate = d2 < GATE_CHI2_P999[len(rows)]
            if meas.identity is not None:
                # a cooperative report may adopt an anonymous track, never another identity
                gate &= np.array([ident is None for ident in self._identity], dtype=bool)
            cost[gate, j] = d2[gate]
        touched: set[int] = set()
        assigned: set[int] = set()
        if n_tracks:
            rows_i, cols_j = linear_sum_assignment(cost)
            for i, j in zip(rows_i.tolist(), cols_j.tolist(), strict=True):
                if cost[i, j] >= _BIG_COST:
                    continue
                self._update(i, batch[j][0], batch[j][1])
                touched.add(i)
                assigned.add(j)
        for j, (det, meas) in enumerate(batch):
            if j not in assigned:
                touched.add(self._initiate(det, meas))
        self.stats.used += n_det
        return touched

    def _update(self, i: int, det: Detection, meas: _Measurement) -> None:
        rows = list(meas.h_rows)
        h = np.zeros((len(rows), STATE_DIM))
        h[np.arange(len(rows)), rows] = 1.0
        x, p = self._x[i], self._p[i]
        s = h @ p @ h.T + meas.r
        k = np.linalg.solve(s, h @ p).T
        self._x[i] = x + k @ (meas.z - h @ x)
        ikh = np.eye(STATE_DIM) - k @ h
        p_new = ikh @ p @ ikh.T + k @ meas.r @ k.T  # Joseph form keeps P positive definite
        self._p[i] = 0.5 * (p_new + p_new.T)
        self._hits[i] += 1
        self._last_hit_s[i] = det.t_s
        if meas.identity is not None:
            self._identity[i] = meas.identity

    def _initiate(self, det: Detection, meas: _Measurement) -> int:
        x = np.zeros(STATE_DIM)
        p = np.diag([0.0, 0.0, 0.0] + [INIT_SIGMA_V_MPS**2] * 3)
        rows = list(meas.h_rows)
        x[rows] = meas.z
        p[np.ix_(rows, rows)] = meas.r
        if len(rows) == 2:
            x[2] = REPORT_INIT_U_M
            p[2, 2] = REPORT_INIT_SIGMA_U_M**2
        self._x = np.vstack([self._x, x[None, :]])
        self._p = np.concatenate([self._p, p[None, :, :]])
        self._track_ids.append(self._ids.mint())
        self._status.append(TrackStatus.TENTATIVE)
        self._hits = np.append(self._hits, 1)
        self._last_hit_s = np.append(self._last_hit_s, det.t_s)
        self._last_written_s = np.append(self._last_written_s, -np.inf)
        self._identity.append(meas.identity)
        self.stats.tracks_started += 1
        return self.n_tracks - 1

    def _lifecycle(self, t_s: float, touched: set[int]) -> list[TrackUpdate]:
        cfg = self.config
        sigma_h = self._sigma_h_m()
        write: list[int] = []
        delete: list[int] = []
        for i in range(self.n_tracks):
            status = self._status[i]
            silent_s = t_s - self._last_hit_s[i]
            new = status
            if status is TrackStatus.TENTATIVE:
                if self._hits[i] >= cfg.confirm_hits:
                    new = TrackStatus.CONFIRMED
                elif silent_s > cfg.tentative_timeout_s:
                    new = TrackStatus.DELETED
            elif i in touched:
                new = TrackStatus.CONFIRMED
            elif silent_s > cfg.max_coast_s or sigma_h[i] > cfg.max_sigma_h_m:
                new = TrackStatus.DELETED
            elif silent_s > cfg.coast_after_s:
                new = TrackStatus.COASTING
            changed = new is not status
            self._status[i] = new
            if new is TrackStatus.DELETED:
                delete.append(i)
                write.append(i)
            elif (
                i in touched
                or changed
                or (
                    new is TrackStatus.COASTING
                    and t_s - self._last_written_s[i] >= cfg.coast_report_s
                )
            ):
                write.append(i)
        updates = self._to_updates(t_s, write, sigma_h)
        for i in write:
            self._last_written_s[i] = t_s
        if delete:
            self._remove(delete)
        return updates

    def _sigma_h_m(self) -> FloatArray:
        """Square root of the larger eigenvalue of each track's horizontal covariance."""
        a, b, c = self._p[:, 0, 0], self._p[:, 0, 1], self._p[:, 1, 1]
        half_trace = 0.5 * (a + c)
        root = np.sqrt(np.maximum(0.25 * (a - c) ** 2 + b**2, 0.0))
        return np.asarray(np.sqrt(half_trace + root), dtype=np.float64)

    def _to_updates(self, t_s: float, idx: list[int], sigma_h: FloatArray) -> list[TrackUpdate]:
        if not idx:
            return []
        sel = np.array(idx)
        x = self._x[sel]
        lat, lon, alt = self.frame.from_enu(x[:, 0], x[:, 1], x[:, 2])
        ve, vn, vu = self.frame.vector_to_local(x[:, 3], x[:, 4], x[:, 5], lat, lon)
        sigma_v = np.sqrt(self._p[sel, 2, 2])
        return [
            TrackUpdate(
                t_s=t_s,
                track_id=self._track_ids[i],
                status=self._status[i],
                lat=float(lat[k]),
                lon=float(lon[k]),
                alt_m=float(alt[k]),
                vel_e_mps=float(ve[k]),
                vel_n_mps=float(vn[k]),
                vel_u_mps=float(vu[k]),
                sigma_h_m=float(sigma_h[i]),
                sigma_v_m=float(sigma_v[k]),
                identity=self._identity[i],
            )
            for k, i in enumerate(idx)
        ]

    def _remove(self, idx: Iterable[int]) -> None:
        drop = set(idx)
        keep = [i for i in range(self.n_tracks) if i not in drop]
        self.stats.tracks_deleted += len(drop)
        self._x = self._x[keep]
        self._p = self._p[keep]
        self._hits = self._hits[keep]
        self._last_hit_s = self._last_hit_s[keep]
        self._last_written_s = self._last_written_s[keep]
        self._track_ids = [self._track_ids[i] for i in keep]
        self._status = [self._status[i] for i in keep]
        self._identity = [self._identity[i] for i in keep]
