"""What each track probably is: class probabilities from kinematics and identity.

A naive-Bayes model over features every track update carries, vectorised over tracks:

- horizontal speed (log-normal per class),
- height above the ground (log-normal per class, widened by the track's height sigma;
  ground taken as the geography's nominal ground height, ``ground_m``),
- climb rate (normal per class, widened by the track's own vertical-speed sigma when
  the caller gives it: a noisy climb estimate is weak evidence),
- turn rate, when the caller knows it from consecutive updates (normal per class on its
  magnitude: drones on waypoints turn briefly, balloons almost never),
- radar cross-section, the running mean of the track's plots when it has any (normal
  per class in dB): it tells a light aircraft without a transponder from a drone flying
  as fast,
- wind-following, when the caller knows the wind at the track's height: a balloon's
  velocity is the wind's to within :data:`WIND_FOLLOW_SIGMA_MPS`; anything that flies
  under its own power can differ from it by anything up to :data:`WIND_DEV_SPAN_MPS`;
- sensor hints, while recent (:data:`HINT_RECENT_S`): an acoustic node hearing an
  engine's firing harmonic on the track (a piston engine: one-way attack drones, light
  aircraft; not birds, balloons or electric quadcopters), an RF direction finder's
  bearing on it (a control or video link: quadcopters; brief 2.2 and 3.1),
  :data:`HINT_LOG_LIKELIHOOD`;
- cooperative identity: an ICAO 24-bit address makes a manned aircraft all but certain,
  a Remote ID serial a small drone (:data:`COOPERATIVE_P`).

Class parameters come from the domain brief, section 2.1 (speeds, heights; tags there):
a Shahed cruises at 39-47 m/s (Gerbera 14-44 m/s) at 60-2,000 m; a consumer quadcopter
flies up to about 20 m/s below a few hundred metres; a smuggling balloon drifts at the
wind speed (5-25 m/s) at 3-4 km; a light aircraft cruises at 55-65 m/s at a few hundred
metres to 3 km, an airliner at 200-250 m/s at 10 km (one broad class covers both);
birds fly 8-18 m/s, the bulk below 900 m. These are priors for a first, explainable
classifier [U], not fitted to data.

Evidence accumulates over a track's updates: :class:`ClassBelief` keeps each track's
log-probabilities and adds each update's log-likelihood with a forgetting factor
(:data:`FORGET`), so a track's class can change when it starts to behave differently,
without one noisy update flipping it. ``UNKNOWN`` is a class with a broad, flat
likelihood: it wins when nothing fits.

Thread safety: the functions are pure; a :class:`ClassBelief` belongs to one assessor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from skywarden.core.enums import ObjectClass

__all__ = [
    "CLASSES",
    "COOPERATIVE_P",
    "FORGET",
    "HINT_LOG_LIKELIHOOD",
    "HINT_RECENT_S",
    "WIND_DEV_SPAN_MPS",
    "WIND_FOLLOW_SIGMA_MPS",
    "ClassBelief",
    "ClassModel",
    "class_log_likelihood",
]

FloatArray = npt.NDArray[np.float64]

CLASSES: tuple[ObjectClass, ...] = tuple(ObjectClass)
# A forgetting factor per update: the weight of the past after 10 updates is 0.35.
FORGET = 0.9
# Probability a cooperative identity gives its class (a transponder can be mis-set, and a
# Remote ID serial could be a fixed-wing hobby model).
COOPERATIVE_P = {
    "icao24": (ObjectClass.MANNED_AIRCRAFT, 0.98),
    "uas": (ObjectClass.QUADCOPTER, 0.95),
}
# A drifting balloon's velocity differs from the wind at its height by the track's velocity
# error and the wind forecast's (a few m/s) [U]; a powered object's by anything in 0-60 m/s.
WIND_FOLLOW_SIGMA_MPS = 3.0
WIND_DEV_SPAN_MPS = 60.0
# A sensor hint counts while the track took it at most this long ago.
HINT_RECENT_S = 60.0
# Per-update log-likelihood of each class given a recent hint [U]: the belief's
# forgetting sums about ten updates, so a hint held for ten updates moves a class by
# about six times these numbers. Near-decisive against the classes that cannot make the
# sound or the signal: a Gerbera gliding at 15 m/s (10 July 2025) flies like a bird, and
# only its engine tells it apart. A Gerbera may carry a modem (brief 2.1 [S]), smuggling
# balloons' GPS trackers may transmit (2.1 [U]): softer penalties there.
HINT_LOG_LIKELIHOOD: dict[str, dict[ObjectClass, float]] = {
    "harmonic": {
        ObjectClass.OWA_DRONE: 1.0,
        ObjectClass.MANNED_AIRCRAFT: 1.0,
        ObjectClass.QUADCOPTER: -2.0,
        ObjectClass.BALLOON: -4.0,
        ObjectClass.BIRD: -4.0,
        ObjectClass.UNKNOWN: 0.0,
    },
    "rf": {
        ObjectClass.QUADCOPTER: 1.0,
        ObjectClass.OWA_DRONE: -2.0,
        ObjectClass.BALLOON: -2.0,
        ObjectClass.MANNED_AIRCRAFT: -4.0,
        ObjectClass.BIRD: -4.0,
        ObjectClass.UNKNOWN: 0.0,
    },
}
# Log-probabilities are kept within this of the best class, so a long history never makes
# a class impossible to return to.
MAX_LOG_GAP = 12.0


@dataclass(frozen=True, slots=True)
class ClassModel:
    """Kinematic likelihood parameters of one class.

    Speed and height above ground are log-normal: ``median`` and ``spread`` (sigma of the
    natural log); climb and turn rate normal about 0 with sigma ``climb_sigma_mps`` and
    ``turn_sigma_dps``. ``prior`` is the class's share among non-cooperative tracks.
    """

    speed_median_mps: float
    speed_spread: float
    agl_median_m: float
    agl_spread: float
    climb_sigma_mps: float
    turn_sigma_dps: float
    prior: float
    rcs_mean_dbsm: float = -10.0
    rcs_sigma_db: float = 15.0


# Radar cross-sections (mean and spread of a track's mean, dBsm) from the brief's section
# 2.1 [U]: no authoritative public values exist for Shahed or Gerbera (a hobby source
# says 0.01 m², -20 dBsm; a wood-and-foam Gerbera is lower, a Shahed with its engine
# higher); small quadcopters and birds about 0.01 m² or less; a light aircraft about 1 m²
# or more, an airliner tens of m²; a latex balloon with its load in between.
MODELS: dict[ObjectClass, ClassModel] = {
    # speed spread 0.4: a Shahed's 39-47 m/s cruise and a Gerbera gliding down at 14-17 m/s
    # (10 July 2025) are both within two sigmas
    ObjectClass.OWA_DRONE: ClassModel(40.0, 0.45, 800.0, 1.0, 4.0, 3.0, 0.25, -15.0, 6.0),
    ObjectClass.QUADCOPTER: ClassModel(8.0, 0.7, 80.0, 1.0, 2.0, 20.0, 0.15, -22.0, 6.0),
    # height spread 0.8: 3-4 km at the border, rising after launch, down to the ground over
    # the drop zone (brief 2.1)
    ObjectClass.BALLOON: ClassModel(12.0, 0.5, 3000.0, 0.8, 2.0, 0.5, 0.2, -10.0, 6.0),
    ObjectClass.MANNED_AIRCRAFT: ClassModel(80.0, 0.7, 1500.0, 1.2, 8.0, 3.0, 0.1, 5.0, 8.0),
    ObjectClass.BIRD: ClassModel(13.0, 0.35, 400.0, 0.9, 1.5, 10.0, 0.2, -22.0, 6.0),
    ObjectClass.UNKNOWN: ClassModel(30.0, 2.0, 1000.0, 2.5, 20.0, 50.0, 0.1, -10.0, 15.0),
}


def _log_normal(x: FloatArray, median: float, spread: float | FloatArray) -> FloatArray:
    x = np.maximum(x, 1e-3)
    z = (np.log(x) - np.log(median)) / spread
    return np.asarray(-0.5 * z * z - np.log(spread * x), dtype=np.float64)


def _normal(x: FloatArray, sigma: float | FloatArray) -> FloatArray:
    return np.asarray(-0.5 * (x / sigma) ** 2 - np.log(sigma), dtype=np.float64)


def class_log_likelihood(
    speed_mps: npt.ArrayLike,
    agl_m: npt.ArrayLike,
    climb_mps: npt.ArrayLike,
    turn_dps: npt.ArrayLike | None = None,
    rcs_dbsm: npt.ArrayLike | None = None,
    harmonic: npt.ArrayLike | None = None,
    rf: npt.ArrayLike | None = None,
    climb_sigma_mps: npt.ArrayLike | None = None,
    wind_dev_mps: npt.ArrayLike | None = None,
    agl_sigma_m: npt.ArrayLike | None = None,
) -> FloatArray:
    """Log-likelihood of each class for each track's kinematics: ``(N, len(CLASSES))``.

    ``agl_m``, ``climb_mps`` and ``turn_dps`` may hold NaN where they are not known well enough to
    be evidence (the assessor passes NaN climb for tracks whose height is poorly known).
    ``harmonic`` and ``rf`` say, per track, whether it holds that hint now;
    ``climb_sigma_mps`` is each track's vertical-speed sigma (NaN or absent: 0);
    ``wind_dev_mps`` the horizontal speed of the track relative to the wind at its height
    (NaN where the wind or the height is not known); ``agl_sigma_m`` each track's height
    sigma, which widens the height likelihood (absent: 0).
    """
    speed = np.atleast_1d(np.asarray(speed_mps, dtype=np.float64))
    agl_raw = np.atleast_1d(np.asarray(agl_m, dtype=np.float64))
    agl = np.maximum(np.nan_to_num(agl_raw, nan=1.0), 1.0)
    agl_rel = (
        np.zeros(agl.shape)
        if agl_sigma_m is None
        else np.nan_to_num(np.atleast_1d(np.asarray(agl_sigma_m, dtype=np.float64))) / agl
    )
    climb = np.atleast_1d(np.asarray(climb_mps, dtype=np.float64))
    s_track = (
        np.zeros(speed.shape)
        if climb_sigma_mps is None
        else np.nan_to_num(np.atleast_1d(np.asarray(climb_sigma_mps, dtype=np.float64)))
    )
    turn = (
        np.full(speed.shape, np.nan)
        if turn_dps is None
        else np.atleast_1d(np.asarray(turn_dps, dtype=np.float64))
    )
    rcs = (
        np.full(speed.shape, np.nan)
        if rcs_dbsm is None
        else np.atleast_1d(np.asarray(rcs_dbsm, dtype=np.float64))
    )
    out = np.empty((speed.size, len(CLASSES)))
    for j, cls in enumerate(CLASSES):
        m = MODELS[cls]
        ll = _log_normal(speed, m.speed_median_mps, m.speed_spread)
        # the track's own height error widens the class's spread (in log terms, sigma/agl):
        # a balloon on its way down, 50 m up give or take 230 m, is not "too low"
        spread = np.hypot(m.agl_spread, agl_rel)
        ll += np.where(np.isfinite(agl_raw), _log_normal(agl, m.agl_median_m, spread), 0.0)
        s_climb = np.hypot(m.climb_sigma_mps, s_track)
        ll += np.where(np.isfinite(climb), _normal(np.nan_to_num(climb), s_climb), 0.0)
        ll += np.where(np.isfinite(turn), _normal(np.nan_to_num(turn), m.turn_sigma_dps), 0.0)
        rcs_dev = np.nan_to_num(rcs - m.rcs_mean_dbsm)
        ll += np.where(np.isfinite(rcs), _normal(rcs_dev, m.rcs_sigma_db), 0.0)
        if wind_dev_mps is not None:
            dev = np.atleast_1d(np.asarray(wind_dev_mps, dtype=np.float64))
            if cls is ObjectClass.BALLOON:
                s = WIND_FOLLOW_SIGMA_MPS
                # half-normal on the deviation's magnitude
                wl = -0.5 * (np.nan_to_num(dev) / s) ** 2 - np.log(s) + 0.5 * np.log(2.0 / np.pi)
            else:
                wl = np.full(dev.shape, -np.log(WIND_DEV_SPAN_MPS))
            ll += np.where(np.isfinite(dev), wl, 0.0)
        for name, flags in (("harmonic", harmonic), ("rf", rf)):
            if flags is not None:
                on = np.atleast_1d(np.asarray(flags, dtype=bool))
                ll += np.where(on, HINT_LOG_LIKELIHOOD[name][cls], 0.0)
        out[:, j] = ll
    return out


class ClassBelief:
    """Each track's accumulated class log-probabilities, updated one batch at a time."""

    def __init__(self) -> None:
        self._log_p: dict[str, FloatArray] = {}
        self._n_fed: dict[str, int] = {}
        self._log_prior = np.log(np.array([MODELS[c].prior for c in CLASSES]))

    def update(
        self,
        track_ids: Sequence[str],
        log_likelihood: FloatArray,
        identity: Sequence[str | None],
        evidence: Sequence[bool] | None = None,
    ) -> FloatArray:
        """Fold one update per track into its belief; return probabilities ``(N, C)``.

        Where ``evidence[i]`` is false (a coasting track's prediction: no new measurement)
        the belief is returned unchanged, so a prediction never counts as evidence.
        """
        n = len(track_ids)
        if n == 0:
            return np.empty((0, len(CLASSES)))
        prev = np.stack([self._log_p.get(tid, self._log_prior) for tid in track_ids])
        fed = np.ones(n, dtype=bool) if evidence is None else np.asarray(evidence, dtype=bool)
        log_p = np.where(
            fed[:, None],
            FORGET * prev + (1.0 - FORGET) * self._log_prior + log_likelihood,
            prev,
        )
        log_p = np.maximum(log_p, log_p.max(axis=1, keepdims=True) - MAX_LOG_GAP)
        log_p -= np.logaddexp.reduce(log_p, axis=1, keepdims=True)
        for i in np.flatnonzero(fed).tolist():
            self._log_p[track_ids[i]] = log_p[i]
            self._n_fed[track_ids[i]] = self._n_fed.get(track_ids[i], 0) + 1
        out: FloatArray = np.exp(log_p)
        for i, ident in enumerate(identity):
            if ident is not None:
                out[i] = _cooperative(out[i], ident)
        return out

    def forget(self, track_id: str) -> None:
        """Drop a deleted track's belief."""
        self._log_p.pop(track_id, None)
        self._n_fed.pop(track_id, None)

    def evidence(self, track_id: str) -> int:
        """How many updates with a measurement the track's belief has taken."""
        return self._n_fed.get(track_id, 0)


def _cooperative(p: FloatArray, identity: str) -> FloatArray:
    """Probabilities given a cooperative identity ("icao24:..." or "uas:...")."""
    scheme = identity.split(":", 1)[0]
    if scheme not in COOPERATIVE_P:
        return p
    cls, p_cls = COOPERATIVE_P[scheme]
    j = CLASSES.index(cls)
    rest = np.delete(p, j)
    total = rest.sum()
    rest = (
        rest / total * (1.0 - p_cls)
        if total > 0.0
        else np.full(rest.size, (1.0 - p_cls) / rest.size)
    )
    return np.insert(rest, j, p_cls)
