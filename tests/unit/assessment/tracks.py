"""Geometry the assessment tests share: a velocity towards a place, the way in over the border."""

from __future__ import annotations

import numpy as np

from skywarden.geo.zones import load_geography

GEO = load_geography("lt")


def velocity_towards(
    start: tuple[float, float], goal: tuple[float, float], speed_mps: float
) -> tuple[float, float]:
    """East and north velocity (m/s) from ``start`` straight at ``goal`` (lat, lon)."""
    e0, n0 = GEO.frame.to_en(*start)
    e1, n1 = GEO.frame.to_en(*goal)
    d = np.array([float(e1 - e0), float(n1 - n0)])
    v = speed_mps * d / np.linalg.norm(d)
    return float(v[0]), float(v[1])


def inward(lat: float, lon: float) -> tuple[float, float, float]:
    """Signed border distance at a point and the unit direction (east, north) inward.

    The gradient of the signed distance points at the nearest border point, so a track
    flying along it meets the border after ``|distance|``.
    """
    e, n = (float(x) for x in GEO.frame.to_en(lat, lon))
    h = 50.0
    pts = np.array([[e, n], [e + h, n], [e - h, n], [e, n + h], [e, n - h]])
    plat, plon, _ = GEO.frame.from_enu(pts[:, 0], pts[:, 1], np.zeros(5))
    d = GEO.border_distance_m(plat, plon)
    grad = np.array([d[1] - d[2], d[3] - d[4]]) / (2.0 * h)
    return float(d[0]), *(grad / np.linalg.norm(grad))
