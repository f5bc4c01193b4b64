"""Detections as the tracker fuses them: grouped by sensor and measurement model, as arrays.

:func:`group_detections` sorts a batch of detections into :class:`DetectionGroup` s, one per
sensor and measurement model (``tracking.measmodels``), each in time order and converted
to the ENU frame of one ``SiteFrame``: 3-D positions for plots, ADS-B and Remote ID, 2-D
positions for people's reports, azimuth (and elevation) for bearings, with each
detection's covariance, horizontal sigma and cooperative identity. :func:`measure_fn`
gives the measurement function of a group's detections.

The functions are pure apart from counting detections without a measurement model into the
counter they are given. A group is immutable; nothing here holds state, so the module is
thread-safe.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from skywarden.core.enums import BearingSource
from skywarden.core.types import AdsbReport, Bearing, Detection, Plot, RemoteIdReport, Report
from skywarden.geo.frames import SiteFrame
from skywarden.tracking.measmodels import bearing, position2, position3, sensor_rotation

__all__ = [
    "ADSB_SIGMA_H_M",
    "ADSB_SIGMA_V_M",
    "REMOTE_ID_SIGMA_H_M",
    "REMOTE_ID_SIGMA_V_M",
    "REPORT_SIGMA_M",
    "DetectionGroup",
    "MeasureFn",
    "group_detections",
    "make_group",
    "measure_fn",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
MeasureFn = Callable[[FloatArray], tuple[FloatArray, FloatArray]]

# A person on the ground places an object to about a kilometre (brief section 3).
REPORT_SIGMA_M = 1000.0
# Cooperative position reports are GNSS positions: metres horizontally, tens vertically.
ADSB_SIGMA_H_M, ADSB_SIGMA_V_M = 30.0, 30.0
REMOTE_ID_SIGMA_H_M, REMOTE_ID_SIGMA_V_M = 10.0, 15.0


@dataclass(frozen=True, slots=True)
class DetectionGroup:
    """Detections of one sensor and one measurement model, as arrays in the sector frame."""

    model: str  # a key of measmodels.ANGLE_COMPONENTS
    dets: tuple[Detection, ...]
    t_s: FloatArray  # (D,)
    z: FloatArray  # (D, m)
    R: FloatArray  # (D, m, m)
    en_m: FloatArray  # (D, 2) detection position, or the sensor's for bearings
    sensor_pos_m: FloatArray  # (D, 3) bearings: sensor position in the frame
    rot: FloatArray  # (D, 3, 3) bearings: frame -> sensor-local rotation
    identity: tuple[str | None, ...]
    sigma_h_m: FloatArray  # (D,) horizontal sigma (bearings: sigma_az in degrees)
    acoustic: bool = False  # bearings of sound: each refers to its emission time


def group_detections(
    frame: SiteFrame, detections: Sequence[Detection], unused_by_kind: Counter[str]
) -> list[DetectionGroup]:
    """Group ``detections`` by sensor and measurement model, groups in time order.

    Each group's detections are sorted by time; the groups are sorted by their earliest
    detection. A detection without a measurement model is counted in ``unused_by_kind``
    under its kind (the tracker's ``stats.unused_by_kind``) and left out.
    """
    by_key: dict[tuple[str, str], list[Detection]] = {}
    for det in detections:
        key = _model_key(det)
        if key is None:
            unused_by_kind[det.kind.value] += 1
            continue
        by_key.setdefault((det.sensor_id, key), []).append(det)
    groups = [make_group(frame, model, dets) for (_, model), dets in by_key.items()]
    groups.sort(key=lambda g: float(np.min(g.t_s)))
    return groups


def make_group(frame: SiteFrame, model: str, dets: list[Detection]) -> DetectionGroup:
    """Convert the detections of one sensor and measurement ``model`` into a group.

    ``dets`` is sorted by time in place. Positions go to the ENU frame of ``frame`` with
    their covariances rotated from each detection's local axes into the frame's; bearings
    keep their angles and carry their sensor's position and rotation.
    """
    dets.sort(key=lambda d: d.t_s)
    n = len(dets)
    t = np.array([d.t_s for d in dets])
    ident: list[str | None] = [None] * n
    if model == "position3":
        lat = np.array([d.lat for d in dets])  # type: ignore[union-attr]
        lon = np.array([d.lon for d in dets])  # type: ignore[union-attr]
        alt = np.array([d.alt_m for d in dets])  # type: ignore[union-attr]
        e, nn, u = frame.to_enu(lat, lon, alt)
        sh, sv = np.empty(n), np.empty(n)
        for k, d in enumerate(dets):
            sh[k], sv[k], ident[k] = _position_sigmas(d)
        local = np.zeros((n, 3, 3))
        local[:, 0, 0] = local[:, 1, 1] = sh**2
        local[:, 2, 2] = sv**2
        # the sigmas are in the detection's local axes; rotate them into the frame's
        rot = np.stack(
            [sensor_rotation(frame.lat0, frame.lon0, a, b) for a, b in zip(lat, lon, strict=True)]
        )
        R = np.swapaxes(rot, 1, 2) @ local @ rot
        z = np.stack([e, nn, u], axis=1)
        return DetectionGroup(model, tuple(dets), t, z, R, z[:, :2], z, rot, tuple(ident), sh)
    if model == "position2":
        lat = np.array([d.lat for d in dets])  # type: ignore[union-attr]
        lon = np.array([d.lon for d in dets])  # type: ignore[union-attr]
        e, nn = frame.to_en(lat, lon)
        z = np.stack([e, nn], axis=1)
        R = np.broadcast_to(np.eye(2) * REPORT_SIGMA_M**2, (n, 2, 2)).copy()
        sh = np.full(n, REPORT_SIGMA_M)
        return DetectionGroup(
            model,
            tuple(dets),
            t,
            z,
            R,
            z,
            np.zeros((n, 3)),
            np.zeros((n, 3, 3)),
            tuple(ident),
            sh,
        )
    # bearings from one sensor: one site
    b0 = dets[0]
    assert isinstance(b0, Bearing)
    se, sn, su = frame.to_enu(b0.sensor_lat, b0.sensor_lon, b0.sensor_alt_m)
    spos = np.array([float(se), float(sn), float(su)])
    rot = sensor_rotation(frame.lat0, frame.lon0, b0.sensor_lat, b0.sensor_lon)
    with_el = model == "bearing_az_el"
    m = 2 if with_el else 1
    z = np.zeros((n, m))
    R = np.zeros((n, m, m))
    for k, d in enumerate(dets):
        assert isinstance(d, Bearing)
        z[k, 0] = d.az_deg
        R[k, 0, 0] = d.sigma_az_deg**2
        if with_el:
            assert d.el_deg is not None and d.sigma_el_deg is not None
            z[k, 1] = d.el_deg
            R[k, 1, 1] = d.sigma_el_deg**2
    sig = np.sqrt(R[:, 0, 0])
    return DetectionGroup(
        model,
        tuple(dets),
        t,
        z,
        R,
        np.broadcast_to(spos[:2], (n, 2)).copy(),
        np.broadcast_to(spos, (n, 3)).copy(),
        np.broadcast_to(rot, (n, 3, 3)).copy(),
        tuple(ident),
        sig,
        acoustic=b0.source is BearingSource.ACOUSTIC,
    )


def measure_fn(group: DetectionGroup, det_idx: IntArray) -> MeasureFn:
    """Measurement function of the detections ``det_idx`` of ``group``: state -> (z, H).

    Bearings carry their sensor's position and rotation, taken for the rows ``det_idx``.
    """
    if group.model == "position3":
        return position3
    if group.model == "position2":
        return position2
    return functools.partial(
        bearing,
        sensor_pos_m=group.sensor_pos_m[det_idx],
        rot=group.rot[det_idx],
        with_elevation=group.model == "bearing_az_el",
    )


def _model_key(det: Detection) -> str | None:
    if isinstance(det, Plot | AdsbReport | RemoteIdReport):
        return "position3"
    if isinstance(det, Report):
        return "position2"
    if isinstance(det, Bearing):
        if det.el_deg is not None and det.sigma_el_deg is not None:
            return "bearing_az_el"
        return "bearing_az"
    return None  # pragma: no cover - the Detection union is closed


def _position_sigmas(det: Detection) -> tuple[float, float, str | None]:
    if isinstance(det, Plot):
        return det.sigma_h_m, det.sigma_v_m, None
    if isinstance(det, AdsbReport):
        return ADSB_SIGMA_H_M, ADSB_SIGMA_V_M, f"icao24:{det.icao24}"
    assert isinstance(det, RemoteIdReport)
    return REMOTE_ID_SIGMA_H_M, REMOTE_ID_SIGMA_V_M, f"uas:{det.uas_id}"
