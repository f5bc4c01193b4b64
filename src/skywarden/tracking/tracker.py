"""The SkyWarden tracker: IMM filters over a track table, gated GNN, bearing triangulation.

``Tracker.step(t_s, detections) -> list[TrackUpdate]`` is the primitive (push, event
time). One step:

1. Detections are grouped by sensor (and measurement model, ``tracking.groups``) and
   processed in time order (sequential multi-sensor update). Each detection is used at
   its own time: candidate tracks are predicted to it pair by pair, so a 1-s batch of a
   rotating radar costs no accuracy.
2. Cooperative reports (ADS-B ``icao24``, Remote ID ``uas_id``) go straight to the track
   bound to their identity; a cooperative aircraft never gets a second track.
3. Others are gated: a KD-tree on track positions gives candidate pairs
   (``tracking.gating``), the squared Mahalanobis distance of each pair is computed in one
   batched call and cut at the chi-square 99.9 % point, and ``tracking.association``
   solves global nearest neighbour on the gated clusters with an explicit missed
   detection and new-track option.
4. Assigned pairs update their tracks with the IMM (NCV + coordinated turn,
   ``tracking.imm``) through the detection's measurement model (``tracking.measmodels``:
   3-D position for plots, ADS-B and Remote ID; 2-D position with a 1 km sigma for
   people's reports; azimuth, or azimuth and elevation, for bearings, re-linearised
   ``BEARING_ITERATIONS`` times by ``kalman.iekf_update``).
5. A detection older than its track (it arrived late) updates the track without moving
   it back in time (out-of-sequence update, ``kalman.oosm_update``) if it is at most
   ``max_lag_s`` old; older ones are counted and dropped.
6. Unassigned position detections start tentative tracks. Unassigned bearings wait in a
   buffer for ``bearing_window_s``; bearings from two or more sensors whose rays cross
   (``tracking.initiation.find_crossings``) start a track at the fix.
   An acoustic bearing is used at the time its sound left the object (``t - R/c``).
7. Lifecycle: a track is confirmed once it has ``confirm_hits`` detections within
   ``confirm_window_s`` (and, if one plot or report started it, a position fix since);
   it coasts after ``coast_after_s`` without one and is deleted after ``max_coast_s``
   or when its horizontal sigma exceeds ``max_sigma_h_m`` (longer
   and wider limits for an established track); a tentative track not fed for
   ``tentative_timeout_s`` is deleted.
8. Down: a confirmed or coasting track that a *low-covering* sensor (``low_cover``: a
   drone radar or camera that sees a flying drone down to the ground near it) had
   detected ``down_min_hits`` times or more, and that nothing detected since, silent for
   ``down_after_s`` while that sensor goes on reporting and while predicted within its
   low-cover radius, came down there: it is deleted as down (``TrackUpdate.down_t_s``).
   A drone that flies on is seen again at once and starts a new track; a sensor that
   stops reporting (an outage) takes no track down.
9. Fell silent: microphones cannot show that they are still listening (they send
   nothing when nothing flies), but they can show a track is gone. A confirmed or
   coasting track whose acoustic contact (``heard_min_hits`` bearings or more, nothing
   else detecting it since) goes quiet is down once it has spent long enough predicted
   where a node had heard it (within ``heard_cover_fraction`` of the farthest range, less
   one sigma, at which any node heard it) while every such node heard nothing at all:
   long enough that missing every bearing at the contact's rate is less likely than
   ``heard_miss_p``, and at least ``down_after_s``. A Shahed-class engine that stops
   within earshot (10 July 2025: it fell 1.2 km from a node that heard it to the end)
   takes its track and its alerts down within seconds; a drone flying out of earshot is
   predicted out of the nodes' reach and coasts on.
10. Re-acquisition: a coasting track wider than ``reacquire_sigma_h_m`` takes no plots
   (a lone plot would drag it away); when a new track confirms where the lost object
   could be, the coasting track adopts it and goes on under its old id. The pairing, the
   duplicate test and the covariance caps are pure functions in ``tracking.maintenance``.

State layout: ``[e_m, n_m, u_m, ve_mps, vn_mps, vu_mps, omega_rps]`` in the ENU frame of
one ``SiteFrame`` (the sector). Not thread-safe: one tracker belongs to one pipeline.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from skywarden.core.enums import BearingSource, TrackStatus
from skywarden.core.ids import IdMinter
from skywarden.core.types import Bearing, Detection, Plot, TrackUpdate
from skywarden.geo.frames import SiteFrame
from skywarden.tracking.association import gnn_assign, jpda_weights
from skywarden.tracking.doppler import initial_velocity, radial_d2, radial_update
from skywarden.tracking.gating import candidate_pairs, candidate_pairs_bearing, chi2_gate
from skywarden.tracking.groups import DetectionGroup, group_detections, measure_fn
from skywarden.tracking.imm import (
    ImmConfig,
    imm_combine,
    imm_pda_update,
    imm_predict,
    imm_update,
)
from skywarden.tracking.initiation import find_crossings
from skywarden.tracking.kalman import innovation, innovation_d2, ncv_retrodict, oosm_update
from skywarden.tracking.lifecycle import next_status
from skywarden.tracking.maintenance import (
    above_floor,
    cap_omega,
    cap_sigma,
    duplicates,
    reacquisition_pairs,
    sigma_h_m,
    stationary,
)
from skywarden.tracking.measmodels import ANGLE_COMPONENTS, position3
from skywarden.tracking.measurement import angle_diff_deg
from skywarden.tracking.table import STATE_DIM, TrackTable

__all__ = ["Tracker", "TrackerConfig", "TrackerStats", "recent_hit_rate"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

# A new track knows nothing of its velocity: 30 m/s (one sigma) puts a Shahed's 50 m/s
# dash inside the 99.9 % gate while keeping a fresh track's gate small in clutter.
INIT_SIGMA_V_MPS = 30.0
# Confirmation also asks the detections to fit the track: the mean normalised innovation
# squared per degree of freedom is 1 for a true target and about 3.3-3.6 for clutter
# falling anywhere in a 99.9 % gate; 1.5 keeps 5 drone-radar clutter hits in 90 minutes of
# lt-2025-07-28-defended from confirming (2.0 let 13 through) and delays a true target by
# at most a scan or two.
MAX_CONFIRM_NIS_PER_DOF = 1.5
# Detection probability assumed in the association's likelihood ratio.
PD_ASSUMED = 0.9
# Association methods for plots (``TrackerConfig.association``).
ASSOCIATIONS = ("gnn", "jpda")
# Sensors revisiting at least this often confirm with ``confirm_hits_fast`` detections.
FAST_REVISIT_S = 2.0
# No height from a 2-D report or a bearing fix without elevation: a low flyer, +/- 1 km.
INIT_U_M, INIT_SIGMA_U_M = 300.0, 1000.0
# KD-tree radius of a detection: this many sigmas of detection and track together.
GATE_RADIUS_SIGMAS = 4.5
# Bearing gate half-width beyond the bearing's own sigmas: the angle a track's
# uncertainty subtends at a few km.
BEARING_GATE_EXTRA_DEG = 10.0
# While a track coasts, the mixing of its modes turns the turn-rate uncertainty into
# velocity uncertainty without bound (100 m/s after 20 minutes for a 36 m/s drone).
# Capped per horizontal axis at 20 m/s: a cruising drone's heading anywhere within about
# +/- 40 degrees of its last one; the position uncertainty then grows at most linearly.
MAX_COAST_SIGMA_V_MPS = 20.0
# Bearings update tracks with this many linearisations (``kalman.iekf_update``): a
# coasting track wider than its range to the node is otherwise thrown across the node.
BEARING_ITERATIONS = 5
# An acoustic bearing points where the object was when the sound left it, R/c before the
# node heard it (1.5 km: 4.4 s, 160 m of a Shahed's flight). Speed of sound at 20 °C.
SPEED_OF_SOUND_MPS = 343.0
# An acoustic bearing's signature naming an engine's firing harmonic (interchange contract).
HARMONIC_PREFIX = "harmonic:"


def recent_hit_rate(hit_times_s: FloatArray, revisit_s: FloatArray) -> FloatArray:
    """Share of its radar's revisits that brought each track a plot, lately; NaN if unknown.

    Over the remembered plot times ``hit_times_s`` (``(N, K)``, NaN-padded): ``k`` plots
    spanning ``T`` seconds make ``(k - 1) revisit / T``, capped at 1; NaN with fewer than
    two. A drone re-acquired after minutes unseen counts its new plots, not the gap, and a
    track fed by people's reports or bearings keeps the rate of its last plots.
    """
    finite = np.isfinite(hit_times_s)
    k = finite.sum(axis=1)
    newest = np.max(np.where(finite, hit_times_s, -np.inf), axis=1)
    oldest = np.min(np.where(finite, hit_times_s, np.inf), axis=1)
    span = newest - oldest
    ok = (k >= 2) & (span > 0.0)
    rate = (k - 1) * revisit_s / np.where(ok, span, 1.0)
    return np.asarray(np.where(ok, np.minimum(rate, 1.0), np.nan), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class TrackerConfig:
    """Tuning of the tracker; the defaults suit drones seen by radars, microphones and people."""

    imm: ImmConfig = field(default_factory=ImmConfig)
    gate_p: float = 0.999  # chi-square gate probability
    confirm_hits: int = 3  # M of the M-of-N rule for sensors revisiting slower than 2 s...
    confirm_hits_fast: int = 5  # ...and for 1-s sensors, where clutter has more chances
    tentative_misses: float = 2.5  # a tentative track missing this many revisits is noise
    revisit_s: Mapping[str, float] = field(default_factory=dict)  # by sensor id
    # False detections per unit of measurement space (per m³, m², degree or degree²) by
    # sensor id, from the sensor registry; association takes a pair only when the track
    # explains the detection better than such clutter. The defaults are sparse (a
    # long-range radar's few false plots over its whole coverage), so without a registry
    # only hopelessly vague tracks are kept from taking detections.
    clutter_density: Mapping[str, float] = field(default_factory=dict)
    default_clutter_density: Mapping[str, float] = field(
        default_factory=lambda: {
            "position3": 1e-14,
            "position2": 1e-10,
            "bearing_az": 1e-5,
            "bearing_az_el": 1e-7,
        }
    )
    default_revisit_s: Mapping[str, float] = field(
        default_factory=lambda: {
            "plot": 10.0,  # long-range radar rotation, the slowest common radar (brief 3.1)
            "adsb": 5.0,  # ADS-B positions come every 0.5-5 s
            "remote_id": 3.0,  # Remote ID broadcasts at least every second or so
            "report": 300.0,  # people's reports of one object come minutes apart
            "bearing": 1.0,  # acoustic, RF and camera nodes report every second
        }
    )
    # A coasting track vaguer than this (horizontal sigma) takes no plots: at that spread a
    # lone plot is more likely clutter than its object and would drag it away. A new track
    # must confirm where the object could be; re-acquisition then hands it to the old one.
    # People's reports and bearings are still offered (they rarely confirm a track alone).
    reacquire_sigma_h_m: float = 2000.0
    # Association of plots: "gnn" (a track takes at most one plot of a sensor's batch) or
    # "jpda", for dense clutter: a track's state takes every plot in its gate, weighted by
    # the joint association probabilities (``association.jpda_weights``, PDA update);
    # GNN still decides which plots count as the track's hits and which start new tracks.
    association: str = "gnn"
    coast_after_s: float = 20.0  # two long-range radar revisits missed
    max_coast_s: float = 600.0  # reports of a lost drone come minutes apart
    # An established track (confirmed, then fed for ``established_after_s`` with at least
    # ``established_hits`` detections in all) coasts longer: a one-way attack drone lost
    # by every sensor flies on for tens of minutes (brief 1.2: about 100 km unnoticed),
    # and its predicted area is what the operator needs. 20 detections are two minutes
    # of a 10-s radar at Pd 0.8; a drone-radar clutter track that slips through
    # confirmation picks up a handful in the same time.
    established_after_s: float = 120.0
    established_hits: int = 20
    max_coast_established_s: float = 1800.0
    max_sigma_h_established_m: float = 50000.0  # the area an operator would still search
    max_sigma_h_m: float = 20000.0  # beyond this the track no longer locates anything
    coast_report_s: float = 10.0  # how often a coasting track's prediction is written
    max_lag_s: float = 900.0  # people's reports arrive up to 10-15 minutes late
    bearing_window_s: float = 5.0  # bearings from different nodes within this may cross
    bearing_max_range_m: float = 8000.0  # acoustic/RF/EO nodes hear a few km at most
    # How far each bearing sensor detects a Shahed-class drone, by sensor id (from the
    # sensor registry). A bearing is offered to a coasting track only if it may be that
    # close (predicted distance less one sigma): on 28 July, drawn with seed 2, a
    # microphone's false alarm 5 km from the coasting drone pulled its track 3.7 km north.
    # Tracks a sensor holds are not limited: a light aircraft is heard farther.
    bearing_reach_m: Mapping[str, float] = field(default_factory=dict)
    min_cross_angle_deg: float = 15.0  # shallower crossings locate badly along the rays
    # A lone sensor's bearings keep a track alive this long after its last position fix
    # (a plot, a report, or bearings of two sensors crossing): see Tracker._fixes.
    bearing_hold_s: float = 30.0
    # Radar positions (lat, lon, alt_m) by sensor id, from the sensor registry: with one,
    # a plot's radial speed gates its pairs, starts its track's velocity and updates it
    # (``tracking.doppler``); without, ``vr_mps`` is not used.
    sensor_sites: Mapping[str, tuple[float, float, float]] = field(default_factory=dict)
    sigma_vr_mps: Mapping[str, float] = field(default_factory=dict)  # by sensor id
    default_sigma_vr_mps: float = 1.0
    doppler_gate_p: float = 0.999  # chi-square, 1 degree of freedom
    # Sensors that see any flying drone down to the ground near them, by sensor id: the
    # sensor's position and the horizontal radius (lat, lon, radius_m) within which that
    # holds (a drone radar or camera guarding a site; not a long-range radar, which loses
    # low drones under its horizon). See the module docstring, item 8.
    low_cover: Mapping[str, tuple[float, float, float]] = field(default_factory=dict)
    # Eight revisits of a 1-s sensor with Pd 0.8 all missed: (0.2)^8, about 3e-6, for a
    # drone still flying there.
    down_after_s: float = 8.0
    down_min_hits: int = 5  # that sensor's detections of it: a stray plot takes nothing down
    # Fell silent (docstring, item 9): an acoustic contact of at least this many bearings,
    # then silence where some node had heard it, within this share of the farthest range
    # any node heard it at, for as long as missing every bearing has at most this
    # probability at the contact's rate of bearings (capped: a node misses some seconds
    # even close by).
    heard_min_hits: int = 10
    heard_cover_fraction: float = 0.9
    heard_miss_p: float = 1e-4
    heard_max_rate: float = 0.8
    # No estimate goes below this height (MSL): the sea. Terrain is not loaded; a track
    # whose height only a 10-degree acoustic elevation measures sank 1.5 km under the
    # ground on 28 July (defended) before this floor.
    floor_alt_m: float = 0.0

    def __post_init__(self) -> None:
        if self.association not in ASSOCIATIONS:
            raise ValueError(
                f"association must be one of {', '.join(ASSOCIATIONS)}, got {self.association!r}"
            )
        if self.heard_min_hits < 1:
            raise ValueError(f"heard_min_hits must be at least 1, got {self.heard_min_hits}")
        if not 0.0 < self.heard_cover_fraction <= 1.0:
            raise ValueError(
                f"heard_cover_fraction must be in (0, 1], got {self.heard_cover_fraction}"
            )
        for name in ("heard_miss_p", "heard_max_rate"):
            value = getattr(self, name)
            if not 0.0 < value < 1.0:
                raise ValueError(f"{name} must be in (0, 1), got {value}")
        for sensor_id, reach_m in self.bearing_reach_m.items():
            if not (math.isfinite(reach_m) and reach_m > 0.0):
                raise ValueError(
                    f"bearing_reach_m[{sensor_id!r}] must be finite and positive, got {reach_m}"
                )


@dataclass(slots=True)
class TrackerStats:
    """Counts of what the tracker did with its input."""

    used: int = 0
    late_used: int = 0
    late_dropped: int = 0
    unused_by_kind: Counter[str] = field(default_factory=Counter)
    tracks_started: int = 0
    tracks_from_bearings: int = 0
    tracks_deleted: int = 0
    tracks_reacquired: int = 0
    tracks_down: int = 0  # deleted as down within a low-covering sensor's view

    @property
    def late(self) -> int:
        """Detections dropped because they were older than ``max_lag_s``."""
        return self.late_dropped


class Tracker:
    """Push-style multi-sensor tracker; call :meth:`step` with batches in arrival order."""

    def __init__(self, frame: SiteFrame, config: TrackerConfig | None = None) -> None:
        self.frame = frame
        self.config = config or TrackerConfig()
        self.stats = TrackerStats()
        self._ids = IdMinter("T")
        cfg = self.config
        self._table = TrackTable.empty(max(cfg.confirm_hits, cfg.confirm_hits_fast))
        self._t_s: float | None = None
        # unassigned bearings waiting to cross
        self._bearings: list[tuple[DetectionGroup, int]] = []
        self._touched: set[int] = (
            set()
        )  # rows updated in this step (rows are stable until lifecycle)
        self._gate = {m: chi2_gate(m, self.config.gate_p) for m in (1, 2, 3)}
        self._gate4 = chi2_gate(4, self.config.gate_p)
        pi = np.asarray(self.config.imm.transition_per_s)
        self._mu0 = stationary(pi)
        self._doppler_gate = chi2_gate(1, cfg.doppler_gate_p)
        self._sensor_index: dict[str, int] = {}  # bearing sensors, for the fix test
        # tracks in each detection's gate, for the group being fused (see _bind)
        self._gated_tracks: IntArray = np.zeros(0, dtype=np.intp)
        self._site_m: dict[str, FloatArray] = {}
        for sid, (lat, lon, alt_m) in cfg.sensor_sites.items():
            e, n, u = frame.to_enu(lat, lon, alt_m)
            self._site_m[sid] = np.array([float(e), float(n), float(u)])
        # low-covering sensors, by index: id, position (e, n) and radius; and when each
        # last reported anything (an outage is not a fall)
        self._cover_ids = list(cfg.low_cover)
        self._cover_index = {sid: float(k) for k, sid in enumerate(self._cover_ids)}
        self._cover_en_r = np.zeros((len(self._cover_ids), 3))
        for k, (lat, lon, radius_m) in enumerate(cfg.low_cover.values()):
            e, n, _ = frame.to_enu(lat, lon, 0.0)
            self._cover_en_r[k] = (float(e), float(n), radius_m)
        self._cover_heard_s = np.full(len(self._cover_ids), -np.inf)
        # acoustic nodes by index, and their positions (e, n), as bearings name them
        self._heard_index: dict[str, int] = {}
        self._heard_en = np.zeros((0, 2))
        self._heard_node_s = np.zeros(0)  # when each last heard anything
        self._life_t_s: float | None = None  # event time of the last lifecycle pass

    @property
    def t_s(self) -> float | None:
        """Event time the tracker has reached, ``None`` before the first step."""
        return self._t_s

    @property
    def n_tracks(self) -> int:
        """Number of live tracks (tentative, confirmed and coasting)."""
        return len(self._table)

    # --- the step -------------------------------------------------------------------------

    def step(self, t_s: float, detections: Sequence[Detection]) -> list[TrackUpdate]:
        """Fuse ``detections`` (each at its own time, at most ``t_s``) and advance to ``t_s``."""
        if self._t_s is not None:
            t_s = max(t_s, self._t_s)
        for det in detections:
            k = self._cover_index.get(det.sensor_id)
            if k is not None:
                self._cover_heard_s[int(k)] = max(self._cover_heard_s[int(k)], det.t_s)
        for group in group_detections(self.frame, detections, self.stats.unused_by_kind):
            if group.acoustic:
                self._node_heard(group)
            self._fuse(group)
        self._initiate_from_bearings(t_s)
        self._t_s = t_s
        self._predict_rows(np.arange(len(self._table)), t_s)
        return self._lifecycle(t_s)

    # --- association and update -----------------------------------------------------------

    def _fuse(self, group: DetectionGroup) -> None:
        table = self._table
        n_det = len(group.dets)
        self.stats.used += n_det
        tr_idx, det_idx = self._candidates(group)
        self._gated_tracks = np.zeros(0, dtype=np.intp)
        radial = self._radial(group)
        # cooperative identities bind directly
        forced_t: list[int] = []
        forced_d: list[int] = []
        for d, ident in enumerate(group.identity):
            if ident is not None and ident in table.identity:
                forced_t.append(table.identity.index(ident))
                forced_d.append(d)
        if forced_d:
            keep = ~np.isin(det_idx, forced_d)
            tr_idx, det_idx = tr_idx[keep], det_idx[keep]
        if tr_idx.size:
            # a cooperative report may adopt an anonymous track, never another identity
            ident_ok = np.array(
                [
                    group.identity[d] is None or table.identity[t] is None
                    for t, d in zip(tr_idx, det_idx, strict=True)
                ],
                dtype=bool,
            )
            tr_idx, det_idx = tr_idx[ident_ok], det_idx[ident_ok]
        if tr_idx.size and group.model == "position3":
            vague = self._vague_coasting()
            keep = ~vague[tr_idx]
            tr_idx, det_idx = tr_idx[keep], det_idx[keep]
        gate = self._gate[group.z.shape[1]]
        cost = d2 = np.empty(0)
        t_pair = group.t_s[det_idx]
        if tr_idx.size:
            if group.acoustic:
                t_pair = self._emission_t_s(group, tr_idx, det_idx)
            x, P = self._state_at(tr_idx, t_pair)
            z_hat, H = measure_fn(group, det_idx)(x)
            nu = innovation(group.z[det_idx], z_hat, ANGLE_COMPONENTS[group.model])
            S = H @ P @ np.swapaxes(H, 1, 2) + group.R[det_idx]
            d2 = innovation_d2(nu, S)
            _sign, logdet = np.linalg.slogdet(2.0 * np.pi * S)
            ok = d2 < gate
            if radial is not None:  # and the radial speed must fit too
                site, vr, s_vr = radial
                k = det_idx.size
                d2_vr = radial_d2(
                    x, P, np.broadcast_to(site, (k, 3)), vr[det_idx], np.full(k, s_vr)
                )
                ok &= d2_vr < self._doppler_gate
            tr_idx, det_idx, d2, t_pair = tr_idx[ok], det_idx[ok], d2[ok], t_pair[ok]
            # a bearing gated by several tracks points at one of them, which is uncertain:
            # its hints (harmonic, RF link) go only to a track it alone could be
            self._gated_tracks = np.bincount(det_idx, minlength=n_det)
            cost = d2 + logdet[ok]  # -2 log N(nu; 0, S): a vague track explains little
        # A pair is taken only if the track explains the detection better than a false
        # detection of this sensor would: N(nu; S) Pd > clutter density.
        density = self.config.clutter_density.get(
            group.dets[0].sensor_id, self.config.default_clutter_density[group.model]
        )
        threshold = 2.0 * float(np.log(PD_ASSUMED / density))  # cost < threshold: take it
        assignment = gnn_assign(len(table), n_det, tr_idx, det_idx, cost, 0.0, threshold)
        pairs = assignment.pairs
        t_upd = np.empty(0)
        if pairs.size:
            keys = zip(tr_idx.tolist(), det_idx.tolist(), strict=True)
            of = dict(zip(keys, zip(d2.tolist(), t_pair.tolist(), strict=True), strict=True))
            d2, t_upd = np.array([of[(t, d)] for t, d in pairs.tolist()]).reshape(-1, 2).T
            table.record_nis(pairs[:, 0], d2 / group.z.shape[1])
        if (
            self.config.association == "jpda"
            and group.model == "position3"
            and not any(group.identity)
            and cost.size
        ):
            done = self._update_jpda(group, tr_idx, det_idx, cost, t_pair, density, threshold)
            if done.size and pairs.size:  # their GNN pairs only count as hits (and fixes)
                hit = np.isin(pairs[:, 0], done)
                rows_hit, t_hit = pairs[hit, 0], t_upd[hit]
                table.record_hits(rows_hit, t_hit)
                table.fix_s[rows_hit] = np.maximum(table.fix_s[rows_hit], t_hit)
                self._record_cover(group, rows_hit, t_hit)
                self._record_plots(group, rows_hit, t_hit)
                pairs, t_upd = pairs[~hit], t_upd[~hit]
        if forced_d:
            pairs = np.concatenate([pairs, np.column_stack([forced_t, forced_d])]).astype(np.intp)
            t_upd = np.concatenate([t_upd, group.t_s[forced_d]])
        if pairs.size:
            self._update(group, pairs[:, 0], pairs[:, 1], t_upd, radial)
            self._record_rcs(group, pairs)
        for d in assignment.unassigned_dets.tolist():
            if d in forced_d:
                continue
            if group.model.startswith("bearing"):
                self._bearings.append((group, d))
            else:
                self._start_track(group, d, radial)

    def _radial(self, group: DetectionGroup) -> tuple[FloatArray, FloatArray, float] | None:
        """Radar site, radial speeds (NaN where none) and their sigma of a plot group.

        ``None`` when the group is not plots, its radar's site is not registered, or none
        of its plots has a radial speed.
        """
        if group.model != "position3":
            return None
        sid = group.dets[0].sensor_id
        site = self._site_m.get(sid)
        if site is None:
            return None
        vr = np.array(
            [
                d.vr_mps if isinstance(d, Plot) and d.vr_mps is not None else np.nan
                for d in group.dets
            ]
        )
        if not np.isfinite(vr).any():
            return None
        return site, vr, self.config.sigma_vr_mps.get(sid, self.config.default_sigma_vr_mps)

    def _update_jpda(
        self,
        group: DetectionGroup,
        tr_idx: IntArray,
        det_idx: IntArray,
        cost: FloatArray,
        t_pair: FloatArray,
        density: float,
        threshold: float,
    ) -> IntArray:
        """PDA-update every track with its gated plots, weighted by JPDA; return the rows.

        Pairs are those GNN could take (``cost < threshold``); each track is updated once,
        at its latest pair's time. Tracks whose pairs are late (older than the track) are
        left to the GNN's out-of-sequence update.
        """
        table, cfg = self._table, self.config
        keep = cost < threshold
        t, d, c, tp = tr_idx[keep], det_idx[keep], cost[keep], t_pair[keep]
        if t.size == 0:
            return np.empty(0, dtype=np.intp)
        weights = jpda_weights(
            len(table), len(group.dets), t, d, np.exp(-0.5 * c), PD_ASSUMED, density
        )
        t_ref = np.full(len(table), -np.inf)
        np.maximum.at(t_ref, t, tp)
        rows = np.unique(t)
        rows = rows[t_ref[rows] >= table.t_s[rows]]
        if rows.size == 0:
            return rows
        local = np.full(len(table), -1, dtype=np.intp)
        local[rows] = np.arange(rows.size)
        sel = local[t] >= 0
        xm, Pm, mu_pred = imm_predict(
            table.xm[rows], table.Pm[rows], table.mu[rows], t_ref[rows] - table.t_s[rows], cfg.imm
        )
        res = imm_pda_update(
            xm,
            cap_omega(Pm),
            mu_pred,
            position3,
            local[t[sel]],
            group.z[d[sel]],
            group.R[d[sel]],
            weights.beta[sel],
            weights.beta_miss[rows],
            PD_ASSUMED,
            density,
            ANGLE_COMPONENTS["position3"],
        )
        table.xm[rows], table.Pm[rows], table.mu[rows] = res.xm, res.Pm, res.mu
        table.t_s[rows] = t_ref[rows]
        self._touched.update(rows.tolist())
        return rows

    def _record_rcs(self, group: DetectionGroup, pairs: IntArray) -> None:
        """Note the radar cross-section of the plots that updated tracks."""
        rows, rcs = [], []
        for r, d in pairs.tolist():
            det = group.dets[d]
            if isinstance(det, Plot) and det.rcs_dbsm is not None:
                rows.append(r)
                rcs.append(det.rcs_dbsm)
        if rows:
            self._table.record_rcs(np.array(rows, dtype=np.intp), np.array(rcs))

    def _vague_coasting(self) -> npt.NDArray[np.bool_]:
        """Rows of coasting tracks too vague to take a plot (``reacquire_sigma_h_m``)."""
        table = self._table
        out = np.zeros(len(table), dtype=bool)
        rows = np.array(
            [i for i, st in enumerate(table.status) if st is TrackStatus.COASTING], dtype=np.intp
        )
        if rows.size:
            _, P = imm_combine(table.xm[rows], table.Pm[rows], table.mu[rows])
            out[rows] = sigma_h_m(P) > self.config.reacquire_sigma_h_m
        return out

    def _candidates(self, group: DetectionGroup) -> tuple[IntArray, IntArray]:
        table = self._table
        if len(table) == 0:
            empty = np.zeros(0, dtype=np.intp)
            return empty, empty
        x, P = imm_combine(table.xm, table.Pm, table.mu)
        t_ref = float(np.median(group.t_s))
        dt = t_ref - table.t_s
        en = x[:, :2] + x[:, 3:5] * dt[:, None]
        sigma_trk = np.sqrt(np.maximum(P[:, 0, 0], P[:, 1, 1])) + np.abs(dt) * 5.0
        if group.model.startswith("bearing"):
            half = GATE_RADIUS_SIGMAS * group.sigma_h_m + BEARING_GATE_EXTRA_DEG
            cfg = self.config
            ti, di = candidate_pairs_bearing(
                en, group.en_m, group.z[:, 0], cfg.bearing_max_range_m, half
            )
            reach = cfg.bearing_reach_m.get(group.dets[0].sensor_id)  # one sensor per group
            if reach is not None and ti.size:
                dist = np.hypot(*(en[ti] - group.en_m[di]).T)
                coasting = np.array([table.status[i] is TrackStatus.COASTING for i in ti])
                near = ~coasting | (dist - sigma_trk[ti] <= reach)
                ti, di = ti[near], di[near]
            return ti, di
        # tracks whose own uncertainty is extreme are paired by brute force, the rest by KD
        big = sigma_trk > np.percentile(sigma_trk, 95)
        small_rows = np.flatnonzero(~big)
        radius = GATE_RADIUS_SIGMAS * np.hypot(
            group.sigma_h_m, sigma_trk[small_rows].max() if small_rows.size else 0.0
        )
        ti, di = candidate_pairs(en[small_rows], group.en_m, radius)
        ti = small_rows[ti]
        big_rows = np.flatnonzero(big)
        if big_rows.size:
            dist = np.hypot(*(en[big_rows, None, :] - group.en_m[None, :, :]).transpose(2, 0, 1))
            near = dist <= GATE_RADIUS_SIGMAS * np.hypot(
                sigma_trk[big_rows, None], group.sigma_h_m[None, :]
            )
            bt, bd = np.nonzero(near)
            ti = np.concatenate([ti, big_rows[bt]])
            di = np.concatenate([di, bd])
        return ti.astype(np.intp), di.astype(np.intp)

    def _state_at(self, rows: IntArray, t_s: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Return the combined state of ``rows`` at ``t_s`` (late pairs retrodicted)."""
        table = self._table
        dt = t_s - table.t_s[rows]
        fwd = np.maximum(dt, 0.0)
        xm, Pm, mu = imm_predict(
            table.xm[rows], table.Pm[rows], table.mu[rows], fwd, self.config.imm
        )
        x, P = imm_combine(xm, Pm, mu)
        back = dt < 0.0
        if back.any():  # retrodict late pairs with NCV, as the out-of-sequence update does
            xd, Pd, _ = ncv_retrodict(x[back], P[back], dt[back], self.config.imm.noise_ncv)
            x[back], P[back] = xd, Pd
        return x, P

    def _emission_t_s(self, group: DetectionGroup, rows: IntArray, dets: IntArray) -> FloatArray:
        """When the sound each acoustic bearing heard left the track's object.

        ``t - R/c`` with ``R`` the distance from the node to the track predicted to the
        bearing's time (one fixed-point step: the object moves a few per cent of ``R``
        while the sound travels, a millisecond-scale change of the delay).
        """
        t = group.t_s[dets]
        x, _ = self._state_at(rows, t)
        r_m = np.linalg.norm(x[:, :3] - group.sensor_pos_m[dets], axis=1)
        return np.asarray(t - r_m / SPEED_OF_SOUND_MPS, dtype=np.float64)

    def _update(
        self,
        group: DetectionGroup,
        rows: IntArray,
        dets: IntArray,
        t: FloatArray,
        radial: tuple[FloatArray, FloatArray, float] | None = None,
    ) -> None:
        """Update ``rows`` with detections ``dets`` of ``group``, each pair at its time ``t``.

        ``radial`` (:meth:`_radial`) adds each plot's radial speed to the update of tracks
        that are not behind it (a late plot updates the position only).
        """
        table, cfg = self._table, self.config
        dt = t - table.t_s[rows]
        late = dt < 0.0
        too_late = late & (-dt > cfg.max_lag_s)
        self.stats.late_dropped += int(too_late.sum())
        self.stats.late_used += int((late & ~too_late).sum())
        angle = ANGLE_COMPONENTS[group.model]
        now = np.flatnonzero(~late)
        if now.size:
            r, d = rows[now], dets[now]
            xm, Pm, mu_pred = imm_predict(table.xm[r], table.Pm[r], table.mu[r], dt[now], cfg.imm)
            Pm = cap_omega(Pm)
            iterations = BEARING_ITERATIONS if group.model.startswith("bearing") else 1
            res = imm_update(
                xm, Pm, mu_pred, group.z[d], group.R[d], measure_fn(group, d), angle, iterations
            )
            xm, Pm = res.xm, res.Pm
            if radial is not None:
                site, vr, s_vr = radial
                k = d.size
                xm, Pm = radial_update(
                    xm, Pm, np.broadcast_to(site, (k, 3)), vr[d], np.full(k, s_vr)
                )
            table.xm[r], table.Pm[r], table.mu[r], table.t_s[r] = xm, Pm, res.mu, t[now]
            keep = self._fixes(group, r, d, t[now])
            table.record_hits(r[keep], t[now][keep])
            self._record_cover(group, r[keep], t[now][keep])
            self._record_heard(group, r, d, t[now])
            self._record_plots(group, r, t[now])
            self._touched.update(r.tolist())
            self._bind(group, r, d)
        oos = np.flatnonzero(late & ~too_late)
        if oos.size:
            r, d = rows[oos], dets[oos]
            for j in range(table.xm.shape[1]):  # each model's state takes the late detection
                res_j = oosm_update(
                    table.xm[r, j],
                    table.Pm[r, j],
                    dt[oos],
                    group.z[d],
                    group.R[d],
                    measure_fn(group, d),
                    cfg.imm.noise_ncv,
                    angle,
                    BEARING_ITERATIONS if group.model.startswith("bearing") else 1,
                )
                table.xm[r, j], table.Pm[r, j] = res_j.x, res_j.P
            keep = self._fixes(group, r, d, t[oos])
            table.record_hits(r[keep], t[oos][keep])
            self._record_cover(group, r[keep], t[oos][keep])
            self._record_heard(group, r, d, t[oos])
            self._record_plots(group, r, t[oos])
            self._touched.update(r.tolist())
            self._bind(group, r, d)

    def _record_cover(self, group: DetectionGroup, rows: IntArray, t: FloatArray) -> None:
        """Note the rows' hits by a low-covering sensor (item 8 of the module docstring)."""
        k = self._cover_index.get(group.dets[0].sensor_id)
        if k is not None:
            self._table.record_cover_hits(rows, t, k)

    def _record_heard(
        self, group: DetectionGroup, rows: IntArray, dets: IntArray, t: FloatArray
    ) -> None:
        """Note acoustic bearings the rows took, and how far each was from its node."""
        if not group.acoustic or rows.size == 0:
            return
        table = self._table
        node = group.sensor_pos_m[dets[0]]  # one node per group
        x, P = imm_combine(table.xm[rows], table.Pm[rows], table.mu[rows])
        # how far it was at least (one sigma): a vague track's range says little
        range_m = np.hypot(x[:, 0] - node[0], x[:, 1] - node[1]) - sigma_h_m(P)
        table.record_heard(rows, t, range_m)

    def _node_heard(self, group: DetectionGroup) -> None:
        """Note that an acoustic node heard something (anything: its silence is what counts)."""
        sid = group.dets[0].sensor_id
        k = self._heard_index.get(sid)
        if k is None:
            k = self._heard_index[sid] = len(self._heard_index)
            self._heard_en = np.vstack([self._heard_en, group.sensor_pos_m[:1, :2]])
            self._heard_node_s = np.append(self._heard_node_s, -np.inf)
        self._heard_node_s[k] = max(self._heard_node_s[k], float(group.t_s.max()))

    def _fell_silent(self, t_s: float, x: FloatArray, dt_s: float) -> npt.NDArray[np.bool_]:
        """Tell which tracks the microphones that heard them no longer hear (docstring, 9).

        Adds ``dt_s`` to the quiet time of each track predicted within
        ``heard_cover_fraction`` of its contact's farthest range from some node, while
        every such node is silent (a node that hears anything, even a bearing the track
        did not take, starts the quiet time again), and is true where that quiet time
        makes missing every bearing less likely than ``heard_miss_p`` at the contact's
        rate.
        """
        table, cfg = self._table, self.config
        out = np.zeros(len(table), dtype=bool)
        cand = (
            (table.heard_hits >= cfg.heard_min_hits)
            & (table.heard_last_s >= table.last_hit_s)  # nothing else saw it later
            & (table.heard_last_s < t_s)
        )
        if not cand.any():
            return out
        rows = np.flatnonzero(cand)
        en = self._heard_en
        dist = np.hypot(x[rows, None, 0] - en[None, :, 0], x[rows, None, 1] - en[None, :, 1])
        near = dist <= cfg.heard_cover_fraction * table.heard_range_m[rows, None]
        spoke = (near & (self._heard_node_s >= t_s - dt_s)[None, :]).any(axis=1)
        quiet = table.heard_quiet_s[rows] + np.where(near.any(axis=1), dt_s, 0.0)
        table.heard_quiet_s[rows] = np.where(spoke, 0.0, quiet)
        span_s = np.maximum(table.heard_last_s[rows] - table.heard_first_s[rows], 1.0)
        rate = np.minimum(table.heard_hits[rows] / span_s, cfg.heard_max_rate)
        need_s = np.maximum(cfg.down_after_s, np.log(cfg.heard_miss_p) / np.log1p(-rate))
        settled = np.array([table.status[i] is not TrackStatus.TENTATIVE for i in rows.tolist()])
        out[rows] = (table.heard_quiet_s[rows] >= need_s) & settled
        return out

    def _down(self, t_s: float, x: FloatArray, silent: FloatArray) -> npt.NDArray[np.bool_]:
        """Tell which tracks came down within a low-covering sensor's view (docstring, 8)."""
        table, cfg = self._table, self.config
        k = table.cover_sensor.astype(np.intp)
        down: npt.NDArray[np.bool_] = (
            (k >= 0)
            & (table.cover_hits >= cfg.down_min_hits)
            & (table.cover_last_s >= table.last_hit_s)  # nothing else saw it later
            & (silent > cfg.down_after_s)
        )
        if not down.any():  # the common case: no walk over the statuses every step
            return down
        down &= np.array([st is not TrackStatus.TENTATIVE for st in table.status])
        kk = np.where(down, k, 0)
        cover = self._cover_en_r[kk]
        inside = np.hypot(x[:, 0] - cover[:, 0], x[:, 1] - cover[:, 1]) <= cover[:, 2]
        heard = self._cover_heard_s[kk] >= t_s - cfg.down_after_s / 2.0  # still reporting
        return np.asarray(down & inside & heard, dtype=bool)

    def _record_plots(self, group: DetectionGroup, rows: IntArray, t: FloatArray) -> None:
        """Note radar plots for the rows' hit rates (other detections are not radar revisits)."""
        if isinstance(group.dets[0], Plot):
            self._table.record_plot_hits(rows, t, self._revisit_s(group.dets[0]))

    def _fixes(
        self, group: DetectionGroup, rows: IntArray, dets: IntArray, t: FloatArray
    ) -> npt.NDArray[np.bool_]:
        """Note position fixes; return which of these detections count as the rows' hits.

        A plot or report fixes the track's position. A bearing fixes it only together with
        a bearing of another sensor within ``bearing_window_s`` whose ray crosses it at
        ``min_cross_angle_deg`` or more (shallower crossings locate nothing); a lone
        sensor's bearings still update the track but count as hits only while a fix is at
        most ``bearing_hold_s`` old. One camera or microphone sweeping after an object
        would otherwise keep a track alive, and confirmed, whose range nothing measures.
        """
        table, cfg = self._table, self.config
        if not group.model.startswith("bearing"):
            table.fix_s[rows] = np.maximum(table.fix_s[rows], t)
            return np.ones(rows.size, dtype=bool)
        sensor = float(
            self._sensor_index.setdefault(group.dets[0].sensor_id, len(self._sensor_index))
        )
        az = group.z[dets, 0]
        cross_deg = np.abs(angle_diff_deg(az, np.nan_to_num(table.bearing_az[rows])))
        cross_deg = np.minimum(cross_deg, 180.0 - cross_deg)
        crossed = (
            (table.bearing_sensor[rows] >= 0.0)
            & (table.bearing_sensor[rows] != sensor)
            & (np.abs(t - table.bearing_s[rows]) <= cfg.bearing_window_s)
            & (cross_deg >= cfg.min_cross_angle_deg)
        )
        table.fix_s[rows] = np.where(crossed, np.maximum(table.fix_s[rows], t), table.fix_s[rows])
        newer = t >= table.bearing_s[rows]
        table.bearing_s[rows] = np.where(newer, t, table.bearing_s[rows])
        table.bearing_sensor[rows] = np.where(newer, sensor, table.bearing_sensor[rows])
        table.bearing_az[rows] = np.where(newer, az, table.bearing_az[rows])
        return np.asarray(t - table.fix_s[rows] <= cfg.bearing_hold_s, dtype=bool)

    def _bind(self, group: DetectionGroup, rows: IntArray, dets: IntArray) -> None:
        for r, d in zip(rows.tolist(), dets.tolist(), strict=True):
            ident = group.identity[d]
            if ident is not None:
                self._table.identity[r] = ident
            alone = d >= self._gated_tracks.size or self._gated_tracks[d] <= 1
            self._note_hint(r, group.dets[d], alone)

    def _note_hint(self, row: int, det: Detection, alone: bool = True) -> None:
        """Keep the sensor hints a detection gives about what the object is.

        ``alone``: the detection fell in no other track's gate (a bearing crossing
        several tracks says nothing about which of them made the sound or the signal).
        """
        if not isinstance(det, Bearing) or not alone:
            return
        if det.source is BearingSource.RF:
            self._table.record_hint("rf_s", row, det.t_s)
        elif det.signature is not None and det.signature.startswith(HARMONIC_PREFIX):
            self._table.record_hint("harmonic_s", row, det.t_s)

    # --- initiation -----------------------------------------------------------------------

    def _revisit_s(self, det: Detection) -> float:
        cfg = self.config
        return cfg.revisit_s.get(det.sensor_id, cfg.default_revisit_s[det.kind.value])

    def _new_row(
        self, x: FloatArray, P: FloatArray, t_s: float, identity: str | None, revisit_s: float
    ) -> int:
        self.stats.tracks_started += 1
        return self._table.add(self._ids.mint(), x, P, self._mu0, t_s, identity, revisit_s)

    def _start_track(
        self,
        group: DetectionGroup,
        d: int,
        radial: tuple[FloatArray, FloatArray, float] | None = None,
    ) -> None:
        x = np.zeros(STATE_DIM)
        P = np.diag(
            [0.0, 0.0, 0.0, INIT_SIGMA_V_MPS**2, INIT_SIGMA_V_MPS**2, INIT_SIGMA_V_MPS**2, 1e-4]
        )
        m = group.z.shape[1]
        x[:m] = group.z[d]
        P[:m, :m] = group.R[d]
        if m == 2:
            x[2] = INIT_U_M
            P[2, 2] = INIT_SIGMA_U_M**2
        if radial is not None and np.isfinite(radial[1][d]):
            site, vr, s_vr = radial
            x[3:6], P[3:6, 3:6] = initial_velocity(
                group.z[d], site, float(vr[d]), s_vr, INIT_SIGMA_V_MPS
            )
        row = self._new_row(
            x, P, float(group.t_s[d]), group.identity[d], self._revisit_s(group.dets[d])
        )
        det = group.dets[d]
        self._record_plots(group, np.array([row]), group.t_s[d : d + 1])
        if isinstance(det, Plot) and det.rcs_dbsm is not None:
            self._table.record_rcs(np.array([row]), np.array([det.rcs_dbsm]))

    def _initiate_from_bearings(self, t_s: float) -> None:
        cfg = self.config
        waiting = [(g, d) for g, d in self._bearings if t_s - g.t_s[d] <= cfg.bearing_window_s]
        expired = len(self._bearings) - len(waiting)
        if expired:
            self.stats.unused_by_kind["bearing"] += expired
        self._bearings = waiting
        if len({g.dets[d].sensor_id for g, d in waiting}) < 2:
            return
        crossings = find_crossings(
            np.array([g.dets[d].sensor_id for g, d in waiting]),
            np.array([g.sensor_pos_m[d] for g, d in waiting]),
            np.array([g.z[d, 0] for g, d in waiting]),
            np.array([g.sigma_h_m[d] for g, d in waiting]),
            np.array([g.t_s[d] for g, d in waiting]),
            window_s=cfg.bearing_window_s,
            max_range_m=cfg.bearing_max_range_m,
            min_cross_angle_deg=cfg.min_cross_angle_deg,
        )
        used: set[int] = set()
        for crossing in crossings:
            fix = crossing.fix
            x = np.zeros(STATE_DIM)
            P = np.diag(
                [
                    0.0,
                    0.0,
                    INIT_SIGMA_U_M**2,
                    INIT_SIGMA_V_MPS**2,
                    INIT_SIGMA_V_MPS**2,
                    INIT_SIGMA_V_MPS**2,
                    1e-4,
                ]
            )
            x[:2] = fix.pos_en_m
            P[:2, :2] = fix.cov
            if np.isfinite(fix.u_m):
                x[2], P[2, 2] = fix.u_m, max(fix.sigma_u_m, 30.0) ** 2
            else:
                x[2] = INIT_U_M
            first = waiting[int(crossing.det_indices[0])]
            row = self._new_row(x, P, crossing.t_s, None, self._revisit_s(first[0].dets[first[1]]))
            hits = crossing.det_indices.size
            self._table.record_hits(np.array([row]), np.array([crossing.t_s]))
            if hits >= 2:
                self._table.hit_times_s[row, -min(hits, self._table.hit_memory) :] = crossing.t_s
            self._table.n_hits[row] = hits
            self._table.crossed_start[row] = 1.0
            for k in crossing.det_indices.tolist():
                g, d = waiting[k]
                self._note_hint(row, g.dets[d])
            self.stats.tracks_from_bearings += 1
            used.update(crossing.det_indices.tolist())
        self._bearings = [w for k, w in enumerate(waiting) if k not in used]

    # --- prediction, lifecycle and output ---------------------------------------------------

    def _predict_rows(self, rows: IntArray, t_s: float) -> None:
        table = self._table
        rows = rows[table.t_s[rows] < t_s]
        if rows.size == 0:
            return
        dt = t_s - table.t_s[rows]
        xm, Pm, mu = imm_predict(
            table.xm[rows], table.Pm[rows], table.mu[rows], dt, self.config.imm
        )
        Pm = cap_omega(Pm)
        coasting = np.array([table.status[r] is TrackStatus.COASTING for r in rows.tolist()])
        if coasting.any():
            Pm[coasting] = cap_sigma(Pm[coasting], (3, 4), MAX_COAST_SIGMA_V_MPS)
        table.xm[rows], table.Pm[rows], table.mu[rows] = xm, Pm, mu
        table.t_s[rows] = t_s

    def _lifecycle(self, t_s: float) -> list[TrackUpdate]:
        table, cfg = self._table, self.config
        touched, self._touched = self._touched, set()
        n = len(table)
        if n == 0:
            return []
        fast = table.revisit_s <= FAST_REVISIT_S
        m_hits = np.where(fast, cfg.confirm_hits_fast, cfg.confirm_hits)
        mem = table.hit_memory
        oldest = table.hit_times_s[np.arange(n), mem - m_hits]  # the M-th most recent hit
        window_s = (m_hits + 1) * table.revisit_s
        m_of_n = np.isfinite(oldest) & (table.last_hit_s - oldest <= window_s)
        fits = table.nis_sum <= MAX_CONFIRM_NIS_PER_DOF * np.maximum(table.nis_n, 1.0)
        # and, for a track started from one plot, a position fix after it: one plot
        # (clutter, often) and the bearings of a lone camera that follow it along its line
        # of sight locate nothing (confusers: a red alert over Vilnius). A track started
        # from crossing bearings began with its fix.
        m_of_n &= fits & ((table.fix_s > table.first_hit_s) | (table.crossed_start > 0.0))
        absorbed = self._reacquire(m_of_n, touched)
        table.xm = above_floor(table.xm, table.Pm, cfg.floor_alt_m, self.frame.alt0_m)
        x, P = imm_combine(table.xm, table.Pm, table.mu)
        sigma_h = sigma_h_m(P)
        duplicate = duplicates(x, P, table.status, table.hit_times_s, table.identity)
        duplicate |= absorbed
        silent = t_s - table.last_hit_s
        down = self._down(t_s, x, silent)
        dt_s = 0.0 if self._life_t_s is None else max(t_s - self._life_t_s, 0.0)
        self._life_t_s = t_s
        down |= self._fell_silent(t_s, x, dt_s)
        established = (table.last_hit_s - table.confirmed_s >= cfg.established_after_s) & (
            table.n_hits >= cfg.established_hits
        )
        max_coast_s = np.where(established, cfg.max_coast_established_s, cfg.max_coast_s)
        max_sigma_m = np.where(established, cfg.max_sigma_h_established_m, cfg.max_sigma_h_m)
        # a bearing node hears a faint object on a fraction of its seconds: a tentative
        # track from bearings waits as long as bearings may wait to cross
        tentative_s = np.maximum(
            cfg.tentative_misses * table.revisit_s,
            np.where(table.bearing_sensor >= 0.0, cfg.bearing_window_s, 0.0),
        )
        write = np.zeros(n, dtype=bool)
        delete = np.zeros(n, dtype=bool)
        for i in range(n):
            status = table.status[i]
            new = next_status(
                status,
                duplicate=bool(duplicate[i]),
                confirmable=bool(m_of_n[i]),
                tentative_expired=bool(silent[i] > tentative_s[i]),
                lost=bool(down[i] or silent[i] > max_coast_s[i] or sigma_h[i] > max_sigma_m[i]),
                stale=bool(silent[i] > cfg.coast_after_s),
            )
            if new is TrackStatus.CONFIRMED and not np.isfinite(table.confirmed_s[i]):
                table.confirmed_s[i] = t_s
            fed = i in touched or table.last_hit_s[i] > table.last_written_s[i]
            due = (
                new is TrackStatus.COASTING and t_s - table.last_written_s[i] >= cfg.coast_report_s
            )
            write[i] = new is not status or fed or due
            table.status[i] = new
            delete[i] = new is TrackStatus.DELETED
        # a tentative track that dies unconfirmed was never news: no deleted line for it
        silent_death = delete & ~np.isfinite(table.last_written_s)
        write &= ~silent_death
        idx = np.flatnonzero(write)
        updates = self._to_updates(t_s, idx, x, P, sigma_h, down & delete)
        table.last_written_s[idx] = t_s
        if delete.any():
            self.stats.tracks_deleted += int(delete.sum())
            self.stats.tracks_down += int((down & delete).sum())
            table.keep(~delete)
        return updates

    def _reacquire(
        self, confirmable: npt.NDArray[np.bool_], touched: set[int]
    ) -> npt.NDArray[np.bool_]:
        """Let coasting tracks take over new tracks that found their object again.

        A tentative track about to be confirmed whose first detection came after a
        coasting track's last one, and whose horizontal position and velocity agree with
        that track's prediction (squared Mahalanobis distance in 4-D under the gate), is
        the lost object re-acquired: the coasting track adopts its state and detections
        and goes on under its old id. Pairs are chosen by global nearest neighbour; tracks
        bound to different cooperative identities never pair. All rows are at the step
        time here. Returns the rows given away (to be deleted).
        """
        table = self._table
        absorbed = np.zeros(len(table), dtype=bool)
        pairs = reacquisition_pairs(
            table.xm,
            table.Pm,
            table.mu,
            table.status,
            table.first_hit_s,
            table.last_hit_s,
            table.identity,
            confirmable,
            self._gate4,
        )
        for dst, src in pairs:
            table.adopt(dst, src)
            absorbed[src] = True
            touched.add(dst)
            self.stats.tracks_reacquired += 1
        return absorbed

    def _to_updates(
        self,
        t_s: float,
        idx: IntArray,
        x: FloatArray,
        P: FloatArray,
        sigma_h: FloatArray,
        down: npt.NDArray[np.bool_],
    ) -> list[TrackUpdate]:
        if idx.size == 0:
            return []
        table = self._table
        xs = x[idx]
        lat, lon, alt = self.frame.from_enu(xs[:, 0], xs[:, 1], xs[:, 2])
        ve, vn, vu = self.frame.vector_to_local(xs[:, 3], xs[:, 4], xs[:, 5], lat, lon)
        hit_rate = recent_hit_rate(table.plot_hits_s[idx], table.plot_revisit_s[idx])
        sigma_v = np.sqrt(P[idx, 2, 2])
        sigma_vu = np.sqrt(P[idx, 5, 5])
        sigma_vh = np.sqrt(np.linalg.eigvalsh(P[idx, 3:5, 3:5])[:, -1])
        return [
            TrackUpdate(
                t_s=t_s,
                track_id=table.ids[i],
                status=table.status[i],
                lat=float(lat[k]),
                lon=float(lon[k]),
                alt_m=float(alt[k]),
                vel_e_mps=float(ve[k]),
                vel_n_mps=float(vn[k]),
                vel_u_mps=float(vu[k]),
                sigma_h_m=float(sigma_h[i]),
                sigma_v_m=float(sigma_v[k]),
                identity=table.identity[i],
                hit_rate=None if np.isnan(hit_rate[k]) else float(hit_rate[k]),
                rcs_dbsm=None if np.isnan(table.rcs_dbsm[i]) else float(table.rcs_dbsm[i]),
                sigma_vu_mps=float(sigma_vu[k]),
                sigma_vh_mps=float(sigma_vh[k]),
                harmonic_t_s=None if np.isnan(table.harmonic_s[i]) else float(table.harmonic_s[i]),
                rf_t_s=None if np.isnan(table.rf_s[i]) else float(table.rf_s[i]),
                down_t_s=float(max(table.last_hit_s[i], table.heard_last_s[i]))
                if down[i]
                else None,
            )
            for k, i in enumerate(idx.tolist())
        ]
