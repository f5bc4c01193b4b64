"""Tests for ``skywarden.geo.frames``: differential against pyproj, round trips, contracts.

The reference for ENU is PROJ's own ``topocentric`` operation (a different code path from
our numpy rotation), for ECEF it is pyproj's EPSG:4979 -> EPSG:4978 in the EPSG axis
order (latitude first, unlike ``frames``) plus the closed-form textbook formula.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod, Transformer

from skywarden.geo.frames import (
    SiteFrame,
    ecef_to_enu,
    ecef_to_geodetic,
    enu_rotation,
    enu_to_ecef,
    enu_to_geodetic,
    geodetic_to_ecef,
    geodetic_to_enu,
)
from skywarden.geo.geoid import geoid_undulation_m

WGS84_A_M = 6_378_137.0
WGS84_F = 1.0 / 298.257223563
WGS84_B_M = WGS84_A_M * (1.0 - WGS84_F)
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)

GEOD = Geod(ellps="WGS84")

# The contract for frame conversions: better than a millimetre against PROJ.
ENU_TOL_M = 1e-3
# Points per origin for the differential tests: thousands in all, still well under 1 s.
POINTS_PER_ORIGIN = 2_000
# The scenario envelope: sensors see 0-300 km out, targets fly 0-20 km up.
MAX_RANGE_M = 300_000.0
MAX_HAE_M = 20_000.0

# (id, lat0, lon0, origin height in metres). Lithuania first, then the awkward places:
# equator/prime meridian, southern hemisphere, high latitude, a disc over the pole, both
# sides of the antimeridian and an origin below the ellipsoid-ish sea level (Dead Sea).
ORIGINS = [
    ("vilnius", 54.6872, 25.2797, 112.0),
    ("kaunas", 54.8985, 23.9036, 48.0),
    ("klaipeda", 55.7033, 21.1443, 5.0),
    ("druskininkai", 54.0167, 23.9667, 95.0),
    ("zarasai", 55.7306, 26.2472, 140.0),
    ("equator_greenwich", 0.0, 0.0, 0.0),
    ("cape_town", -33.9249, 18.4241, 10.0),
    ("svalbard", 78.2232, 15.6267, 30.0),
    ("near_north_pole", 89.5, -45.0, 0.0),
    ("antimeridian_fiji", -17.0, 179.95, 0.0),
    ("antimeridian_chukotka", 65.0, -179.9, 200.0),
    ("dead_sea", 31.5, 35.5, -430.0),
]
ORIGIN_IDS = [o[0] for o in ORIGINS]

# PROJ's ``cart`` inverse (ECEF -> geodetic) is Bowring's one-step formula. Its height
# error grows as h^2 and peaks near 55 degrees latitude, i.e. over Lithuania: measured
# 0.27 um at 5 km, 1.06 um at 10 km, 4.2 um at 20 km, 0.1 mm at 100 km (about
# 1.05e-14 * h^2). So a flat 1e-6 m holds only below about 9 km; round trips through
# ecef_to_geodetic are held to 1e-6 m plus that bound with 40 % margin.
ROUND_TRIP_H_TOL_M = 1e-6
CART_INVERSE_H2_COEFF_PER_M = 1.5e-14
ROUND_TRIP_DEG_TOL = 1e-9

lats = st.floats(-90.0, 90.0, allow_nan=False)
lons = st.floats(-180.0, 180.0, allow_nan=False)
heights_m = st.floats(-500.0, MAX_HAE_M, allow_nan=False)
enu_coords_m = st.floats(-MAX_RANGE_M, MAX_RANGE_M, allow_nan=False)


def _topocentric(lat0: float, lon0: float, hae0_m: float) -> Transformer:
    return Transformer.from_pipeline(
        "+proj=pipeline +step +proj=cart +ellps=WGS84 "
        f"+step +proj=topocentric +ellps=WGS84 +lon_0={lon0!r} +lat_0={lat0!r} +h_0={hae0_m!r}"
    )


def _points_around(
    rng: np.random.Generator, lat0: float, lon0: float, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points 0-300 km (geodesic) from the origin in every direction, 0-20 km up (HAE)."""
    az_deg = rng.uniform(0.0, 360.0, n)
    dist_m = rng.uniform(0.0, MAX_RANGE_M, n)
    lon, lat, _ = GEOD.fwd(np.full(n, lon0), np.full(n, lat0), az_deg, dist_m)
    return np.asarray(lat), np.asarray(lon), rng.uniform(0.0, MAX_HAE_M, n)


def _wrap_deg(d: Any) -> Any:
    return (np.asarray(d) + 180.0) % 360.0 - 180.0


def _round_trip_h_tol_m(hae_m: float) -> float:
    return ROUND_TRIP_H_TOL_M + CART_INVERSE_H2_COEFF_PER_M * hae_m**2


def _assert_same_position(
    lat: Any, lon: Any, h_m: Any, lat_ref: Any, lon_ref: Any, h_ref_m: Any, h_tol_m: float
) -> None:
    """Latitude and height directly; longitude scaled by cos(lat) (undefined at a pole)."""
    assert np.all(np.abs(np.asarray(lat) - lat_ref) <= ROUND_TRIP_DEG_TOL)
    dlon = _wrap_deg(np.asarray(lon) - lon_ref) * np.cos(np.radians(lat_ref))
    assert np.all(np.abs(dlon) <= ROUND_TRIP_DEG_TOL)
    assert np.all(np.abs(np.asarray(h_m) - h_ref_m) <= h_tol_m)


# --- differential against PROJ's topocentric pipeline --------------------------------


@pytest.mark.parametrize(("name", "lat0", "lon0", "hae0_m"), ORIGINS, ids=ORIGIN_IDS)
def test_geodetic_to_enu_matches_pyproj_topocentric(
    name: str, lat0: float, lon0: float, hae0_m: float
) -> None:
    rng = np.random.default_rng(ORIGIN_IDS.index(name))
    lat, lon, hae = _points_around(rng, lat0, lon0, POINTS_PER_ORIGIN)
    e_ref, n_ref, u_ref = _topocentric(lat0, lon0, hae0_m).transform(lon, lat, hae)

    e, n, u = geodetic_to_enu(lat, lon, hae, lat0, lon0, hae0_m)

    assert np.hypot(e_ref, n_ref).max() > 0.9 * MAX_RANGE_M  # the envelope was covered
    assert np.abs(e - e_ref).max() < ENU_TOL_M
    assert np.abs(n - n_ref).max() < ENU_TOL_M
    assert np.abs(u - u_ref).max() < ENU_TOL_M


@pytest.mark.parametrize(("name", "lat0", "lon0", "hae0_m"), ORIGINS, ids=ORIGIN_IDS)
def test_enu_to_geodetic_matches_pyproj_topocentric_inverse(
    name: str, lat0: float, lon0: float, hae0_m: float
) -> None:
    rng = np.random.default_rng(100 + ORIGIN_IDS.index(name))
    lat, lon, hae = _points_around(rng, lat0, lon0, POINTS_PER_ORIGIN)
    topo = _topocentric(lat0, lon0, hae0_m)
    e, n, u = topo.transform(lon, lat, hae)
    lon_ref, lat_ref, hae_ref = topo.transform(e, n, u, direction="INVERSE")

    lat_out, lon_out, hae_out = enu_to_geodetic(e, n, u, lat0, lon0, hae0_m)

    # 1e-9 degree is 0.1 mm on the ground.
    _assert_same_position(lat_out, lon_out, hae_out, lat_ref, lon_ref, hae_ref, ENU_TOL_M)
    # ... and it lands back on the generated points (through PROJ's forward step).
    _assert_same_position(lat_out, lon_out, hae_out, lat, lon, hae, ENU_TOL_M)


@pytest.mark.parametrize(("name", "lat0", "lon0", "alt0_m"), ORIGINS, ids=ORIGIN_IDS)
def test_site_frame_matches_pyproj_topocentric_with_msl_heights(
    name: str, lat0: float, lon0: float, alt0_m: float
) -> None:
    """SiteFrame takes MSL at its edges: PROJ sees the same points as HAE = MSL + N."""
    rng = np.random.default_rng(200 + ORIGIN_IDS.index(name))
    frame = SiteFrame(lat0, lon0, alt0_m)
    lat, lon, hae = _points_around(rng, lat0, lon0, POINTS_PER_ORIGIN)
    alt_m = hae - geoid_undulation_m(lat, lon)
    topo = _topocentric(lat0, lon0, alt0_m + float(geoid_undulation_m(lat0, lon0)))
    e_ref, n_ref, u_ref = topo.transform(lon, lat, hae)

    e, n, u = frame.to_enu(lat, lon, alt_m)
    assert np.abs(e - e_ref).max() < ENU_TOL_M
    assert np.abs(n - n_ref).max() < ENU_TOL_M
    assert np.abs(u - u_ref).max() < ENU_TOL_M

    lat_out, lon_out, alt_out = frame.from_enu(e_ref, n_ref, u_ref)
    _assert_same_position(lat_out, lon_out, alt_out, lat, lon, alt_m, ENU_TOL_M)


# --- ECEF ------------------------------------------------------------------------------


def _worldwide(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))  # uniform on the sphere
    return lat, rng.uniform(-180.0, 180.0, n), rng.uniform(-500.0, MAX_HAE_M, n)


def _ecef_closed_form(lat: Any, lon: Any, hae_m: Any) -> tuple[Any, Any, Any]:
    phi, lam = np.radians(lat), np.radians(lon)
    n_m = WGS84_A_M / np.sqrt(1.0 - WGS84_E2 * np.sin(phi) ** 2)
    return (
        (n_m + hae_m) * np.cos(phi) * np.cos(lam),
        (n_m + hae_m) * np.cos(phi) * np.sin(lam),
        (n_m * (1.0 - WGS84_E2) + hae_m) * np.sin(phi),
    )


def test_geodetic_to_ecef_matches_pyproj_epsg4978() -> None:
    lat, lon, hae = _worldwide(np.random.default_rng(7), 5_000)
    # EPSG axis order (lat, lon, h): a different path from frames' always_xy transformer.
    ref = Transformer.from_crs("EPSG:4979", "EPSG:4978").transform(lat, lon, hae)
    for got, want in zip(geodetic_to_ecef(lat, lon, hae), ref, strict=True):
        assert np.abs(got - want).max() < 1e-6
    for got, want in zip(
        geodetic_to_ecef(lat, lon, hae), _ecef_closed_form(lat, lon, hae), strict=True
    ):
        assert np.abs(got - want).max() < 1e-6


def test_ecef_to_geodetic_matches_pyproj_epsg4979() -> None:
    lat, lon, hae = _worldwide(np.random.default_rng(8), 5_000)
    x, y, z = _ecef_closed_form(lat, lon, hae)
    lat_ref, lon_ref, hae_ref = Transformer.from_crs("EPSG:4978", "EPSG:4979").transform(x, y, z)

    lat_out, lon_out, hae_out = ecef_to_geodetic(x, y, z)

    _assert_same_position(lat_out, lon_out, hae_out, lat_ref, lon_ref, hae_ref, 1e-9)
    _assert_same_position(lat_out, lon_out, hae_out, lat, lon, hae, _round_trip_h_tol_m(MAX_HAE_M))


@pytest.mark.parametrize(
    ("lat", "lon", "xyz_m"),
    [
        (0.0, 0.0, (WGS84_A_M, 0.0, 0.0)),
        (0.0, 90.0, (0.0, WGS84_A_M, 0.0)),
        (0.0, 180.0, (-WGS84_A_M, 0.0, 0.0)),
        (0.0, -90.0, (0.0, -WGS84_A_M, 0.0)),
        (90.0, 0.0, (0.0, 0.0, WGS84_B_M)),
        (-90.0, 123.0, (0.0, 0.0, -WGS84_B_M)),
    ],
)
def test_geodetic_to_ecef_known_axis_points(
    lat: float, lon: float, xyz_m: tuple[float, float, float]
) -> None:
    got = geodetic_to_ecef(lat, lon, 0.0)
    np.testing.assert_allclose(got, xyz_m, rtol=0.0, atol=1e-6)


# --- round trips (hypothesis) ----------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(lat=lats, lon=lons, hae_m=heights_m)
def test_geodetic_ecef_round_trip(lat: float, lon: float, hae_m: float) -> None:
    lat_out, lon_out, hae_out = ecef_to_geodetic(*geodetic_to_ecef(lat, lon, hae_m))
    _assert_same_position(lat_out, lon_out, hae_out, lat, lon, hae_m, _round_trip_h_tol_m(hae_m))


@settings(max_examples=200, deadline=None)
@given(lat0=lats, lon0=lons, hae0_m=heights_m, lat=lats, lon=lons, hae_m=heights_m)
def test_ecef_enu_round_trip(
    lat0: float, lon0: float, hae0_m: float, lat: float, lon: float, hae_m: float
) -> None:
    xyz = geodetic_to_ecef(lat, lon, hae_m)
    back = enu_to_ecef(*ecef_to_enu(*xyz, lat0, lon0, hae0_m), lat0, lon0, hae0_m)
    np.testing.assert_allclose(back, xyz, rtol=0.0, atol=1e-6)


@settings(max_examples=200, deadline=None)
@given(lat0=lats, lon0=lons, alt0_m=heights_m, lat=lats, lon=lons, alt_m=heights_m)
def test_site_frame_to_enu_from_enu_round_trip(
    lat0: float, lon0: float, alt0_m: float, lat: float, lon: float, alt_m: float
) -> None:
    frame = SiteFrame(lat0, lon0, alt0_m)
    lat_out, lon_out, alt_out = frame.from_enu(*frame.to_enu(lat, lon, alt_m))
    # The geoid is at most 107 m from the ellipsoid: bound the HAE the inverse sees.
    tol_m = _round_trip_h_tol_m(abs(alt_m) + 110.0)
    _assert_same_position(lat_out, lon_out, alt_out, lat, lon, alt_m, tol_m)


@settings(max_examples=200, deadline=None)
@given(lat0=lats, lon0=lons, alt0_m=heights_m, e_m=enu_coords_m, n_m=enu_coords_m, u_m=heights_m)
def test_site_frame_from_enu_to_enu_round_trip(
    lat0: float, lon0: float, alt0_m: float, e_m: float, n_m: float, u_m: float
) -> None:
    frame = SiteFrame(lat0, lon0, alt0_m)
    lat, lon, alt_m = frame.from_enu(e_m, n_m, u_m)
    tol_m = _round_trip_h_tol_m(abs(float(alt_m)) + 110.0)
    np.testing.assert_allclose(frame.to_enu(lat, lon, alt_m), (e_m, n_m, u_m), rtol=0, atol=tol_m)


@settings(max_examples=200, deadline=None)
@given(lat0=lats, lon0=lons)
def test_enu_rotation_is_orthonormal_and_right_handed(lat0: float, lon0: float) -> None:
    r = enu_rotation(lat0, lon0)
    np.testing.assert_allclose(r @ r.T, np.eye(3), rtol=0.0, atol=1e-15)
    assert np.linalg.det(r) == pytest.approx(1.0, abs=1e-15)
    assert r[0, 2] == 0.0  # east is horizontal
    phi, lam = np.radians(lat0), np.radians(lon0)
    normal = [np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)]
    np.testing.assert_allclose(r[2], normal, rtol=0.0, atol=1e-15)  # up = ellipsoid normal


# --- contracts: no mutation, scalars and arrays, validation --------------------------


def _read_only(a: np.ndarray) -> np.ndarray:
    a = a.copy()
    a.flags.writeable = False  # any in-place write would raise
    return a


CALLS: list[tuple[str, Callable[..., Any], tuple[float, ...]]] = [
    ("geodetic_to_ecef", geodetic_to_ecef, ()),
    ("ecef_to_geodetic", ecef_to_geodetic, ()),
    ("geodetic_to_enu", geodetic_to_enu, (54.7, 25.3, 100.0)),
    ("enu_to_geodetic", enu_to_geodetic, (54.7, 25.3, 100.0)),
    ("ecef_to_enu", ecef_to_enu, (54.7, 25.3, 100.0)),
    ("enu_to_ecef", enu_to_ecef, (54.7, 25.3, 100.0)),
    ("site_frame_to_enu", SiteFrame(54.7, 25.3, 100.0).to_enu, ()),
    ("site_frame_from_enu", SiteFrame(54.7, 25.3, 100.0).from_enu, ()),
    ("site_frame_to_en", lambda a, b, c: SiteFrame(54.7, 25.3).to_en(a, b), ()),
]


def _inputs_for(name: str, rng: np.random.Generator, shape: tuple[int, ...]) -> list[np.ndarray]:
    """Plausible inputs: geodetic for geodetic-taking functions, ECEF or ENU otherwise."""
    lat = rng.uniform(53.0, 56.0, shape)
    lon = rng.uniform(21.0, 27.0, shape)
    h = rng.uniform(0.0, MAX_HAE_M, shape)
    if name.startswith("ecef_to"):
        return list(geodetic_to_ecef(lat, lon, h))
    if name.startswith("enu_to") or name == "site_frame_from_enu":
        return [rng.uniform(-MAX_RANGE_M, MAX_RANGE_M, shape) for _ in range(2)] + [h]
    return [lat, lon, h]


@pytest.mark.parametrize(("name", "fn", "origin"), CALLS, ids=[c[0] for c in CALLS])
def test_frames_do_not_mutate_inputs(
    name: str, fn: Callable[..., Any], origin: tuple[float, ...]
) -> None:
    inputs = [_read_only(a) for a in _inputs_for(name, np.random.default_rng(3), (50,))]
    before = [a.copy() for a in inputs]
    fn(*inputs, *origin)
    for a, b in zip(inputs, before, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("name", "fn", "origin"), CALLS, ids=[c[0] for c in CALLS])
@pytest.mark.parametrize("shape", [(7,), (3, 4)], ids=["1d", "2d"])
def test_frames_accept_scalars_and_arrays(
    name: str, fn: Callable[..., Any], origin: tuple[float, ...], shape: tuple[int, ...]
) -> None:
    inputs = _inputs_for(name, np.random.default_rng(4), shape)
    out = fn(*inputs, *origin)
    for o in out:
        assert np.shape(o) == shape
        assert np.asarray(o).dtype == np.float64

    idx = (1,) * len(shape)
    scalar_out = fn(*(float(a[idx]) for a in inputs), *origin)
    for o, s in zip(out, scalar_out, strict=True):
        assert np.ndim(s) == 0
        assert float(s) == pytest.approx(float(o[idx]), abs=1e-9)


def test_frames_broadcast_scalar_height_against_arrays() -> None:
    lat = np.linspace(54.0, 56.0, 5)
    lon = np.linspace(21.0, 26.0, 5)
    frame = SiteFrame(54.7, 25.3, 100.0)
    for out in (geodetic_to_ecef(lat, lon, 1000.0), frame.to_enu(lat, lon, 1000.0)):
        assert [np.shape(o) for o in out] == [(5,)] * 3
    assert [np.shape(o) for o in frame.from_enu(lat * 1e3, 0.0, 0.0)] == [(5,)] * 3


@pytest.mark.parametrize(
    ("fn", "args"),
    [
        (ecef_to_enu, (3.3e6, 1.6e6, np.full(4, 5.2e6))),
        (enu_to_ecef, (np.arange(4.0), 0.0, 0.0)),
    ],
    ids=["ecef_to_enu", "enu_to_ecef"],
)
def test_frames_broadcast_every_output(fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    out = fn(*args, 54.7, 25.3, 100.0)
    assert [np.shape(o) for o in out] == [(4,)] * 3


@pytest.mark.parametrize(
    ("lat0", "lon0"),
    [
        (90.0001, 0.0),
        (-90.5, 0.0),
        (0.0, 180.0001),
        (0.0, -181.0),
        (float("nan"), 0.0),
        (0.0, float("nan")),
        (float("inf"), 0.0),
        (0.0, float("-inf")),
    ],
)
def test_site_frame_rejects_origin_outside_wgs84_range(lat0: float, lon0: float) -> None:
    with pytest.raises(ValueError, match="outside WGS84 range"):
        SiteFrame(lat0, lon0, 0.0)


@pytest.mark.parametrize(("lat0", "lon0"), [(90.0, 0.0), (-90.0, 0.0), (0.0, 180.0), (0.0, -180.0)])
def test_site_frame_accepts_origin_on_wgs84_range_edges(lat0: float, lon0: float) -> None:
    frame = SiteFrame(lat0, lon0, 0.0)
    np.testing.assert_allclose(frame.to_enu(lat0, lon0, 0.0), (0.0, 0.0, 0.0), atol=1e-6)


def test_site_frame_origin_is_zero_and_hae_includes_geoid() -> None:
    frame = SiteFrame(54.6872, 25.2797, 112.0)
    assert frame.hae0_m == pytest.approx(112.0 + float(geoid_undulation_m(54.6872, 25.2797)))
    assert 24.0 < frame.hae0_m - 112.0 < 26.0
    np.testing.assert_allclose(frame.to_enu(54.6872, 25.2797, 112.0), (0.0, 0.0, 0.0), atol=1e-6)


def test_site_frame_to_en_is_horizontal_enu_of_points_on_the_ellipsoid() -> None:
    frame = SiteFrame(54.6872, 25.2797, 112.0)
    lat, lon, _ = _points_around(np.random.default_rng(5), 54.6872, 25.2797, 200)
    e, n = frame.to_en(lat, lon)
    e_ref, n_ref, _ = geodetic_to_enu(lat, lon, 0.0, frame.lat0, frame.lon0, frame.hae0_m)
    np.testing.assert_allclose(e, e_ref, rtol=0.0, atol=1e-6)
    np.testing.assert_allclose(n, n_ref, rtol=0.0, atol=1e-6)


@pytest.mark.parametrize("az_deg", [0.0, 45.0, 90.0, 135.0, 180.0, 225.0, 270.0, 315.0])
def test_geodetic_to_enu_point_100_km_away_is_785_m_below_tangent_plane(az_deg: float) -> None:
    """Earth curvature: u = -d^2 / 2R = -(1e5)^2 / (2 * 6.37e6) ~ -785 m. ENU is not a map."""
    lat0, lon0, hae0_m = 54.6872, 25.2797, 137.0
    lon, lat, _ = GEOD.fwd(lon0, lat0, az_deg, 100_000.0)
    e, n, u = geodetic_to_enu(lat, lon, hae0_m, lat0, lon0, hae0_m)
    assert -790.0 < float(u) < -780.0
    assert np.hypot(e, n) == pytest.approx(100_000.0, abs=5.0)
    az_out_deg = np.degrees(np.arctan2(e, n)) % 360.0  # clockwise from north
    assert float(_wrap_deg(az_out_deg - az_deg)) == pytest.approx(0.0, abs=0.5)
