"""Tests for ``skywarden.geo.geoid``: the vendored EGM96 10' grid.

The oracle is PROJ's EGM96 15' grid (``egm96_15.gtx`` from Debian ``proj-data``). It is
not on a fresh machine: the oracle tests skip there, except under ``CI=true`` where CI
installs ``proj-data`` and a missing grid must fail. To run them locally::

    apt-get install -y --no-install-recommends proj-data
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator

import numpy as np
import pyproj
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj.transformer import TransformerGroup

from skywarden.geo.geoid import geoid_undulation_m, hae_to_msl_m, msl_to_hae_m

VILNIUS = (54.69, 25.26)
# Lithuania with a margin: 53.85-56.45 N, 20.9-26.9 E.
LITHUANIA_LAT = (53.85, 56.45)
LITHUANIA_LON = (20.9, 26.9)

PROJ_DEBIAN_DATA_DIR = "/usr/share/proj"
ORACLE_MISSING = (
    "PROJ's EGM96 grid (egm96_15.gtx / us_nga_egm96_15.tif) is not installed, so "
    "EPSG:4979 -> EPSG:4326+5773 would be a no-op; install Debian's proj-data "
    f"(it lands in {PROJ_DEBIAN_DATA_DIR})"
)
# Two bilinear grids (ours 10', PROJ's 15') differ most where the geoid bends sharply.
# Measured: at PROJ's own nodes (no interpolation on its side) ours is within 0.493 m
# everywhere (worst 10.75 N 73.75 W, Sierra Nevada de Santa Marta), 0.15 m at the 99.9th
# percentile; at random points the two interpolations add up to 0.82 m worst (Hawaii)
# in 2 million samples, 0.24 m at the 99.9th percentile; over Lithuania 0.064 m worst.
ORACLE_NODES_TOL_M = 0.5
ORACLE_WORLD_P999_TOL_M = 0.5
ORACLE_WORLD_MAX_TOL_M = 1.0
ORACLE_LITHUANIA_TOL_M = 0.1

lats = st.floats(-90.0, 90.0, allow_nan=False)
lons = st.floats(-180.0, 180.0, allow_nan=False)
heights_m = st.floats(-1_000.0, 50_000.0, allow_nan=False)


def test_geoid_undulation_near_vilnius_is_about_25_m() -> None:
    """The guard against a silent no-op: pyproj without a grid returns N = 0."""
    n_m = float(geoid_undulation_m(*VILNIUS))
    assert 24.0 < n_m < 26.0
    assert float(msl_to_hae_m(*VILNIUS, 150.0)) == pytest.approx(150.0 + n_m)
    assert float(hae_to_msl_m(*VILNIUS, 150.0)) == pytest.approx(125.1, abs=0.1)


@pytest.mark.parametrize(
    ("lat", "lon", "published_m", "tol_m"),
    [
        # GeographicLib GeoidEval man page example, egm96-5: Timbuktu.
        (16 + 46 / 60 + 33 / 3600, -(3 + 0 / 60 + 34 / 3600), 28.7068, 0.1),
        # MathWorks Mapping Toolbox egm96geoid example: Mount Everest.
        (27.988056, 86.925278, -28.7444, 0.1),
        # MathWorks Aerospace Toolbox geoidegm96 examples (NGA 15' grid).
        (42.4, 71.0, -36.59, 0.1),
        (39.3, -77.2, -33.01, 0.1),
        (33.4, 36.5, 25.55, 0.1),
        # Munich.
        (48.14, 11.58, 45.5, 0.3),
        # EGM96's global low, in the Indian Ocean south of India and Sri Lanka: about -107 m.
        (4.6667, 78.8333, -107.0, 1.0),
        # EGM96's global high, over New Guinea: about +85 m.
        (-8.3333, 147.3333, 85.3, 1.0),
        # The poles, where every longitude has one value.
        (90.0, 0.0, 13.61, 0.1),
        (-90.0, 0.0, -29.53, 0.1),
    ],
    ids=[
        "timbuktu",
        "everest",
        "kazakhstan",
        "maryland",
        "lebanon",
        "munich",
        "indian_ocean_low",
        "new_guinea_high",
        "north_pole",
        "south_pole",
    ],
)
def test_geoid_undulation_matches_published_egm96_values(
    lat: float, lon: float, published_m: float, tol_m: float
) -> None:
    assert float(geoid_undulation_m(lat, lon)) == pytest.approx(published_m, abs=tol_m)


@settings(max_examples=200, deadline=None)
@given(lat=lats, lon=lons, alt_m=heights_m)
def test_msl_hae_round_trip(lat: float, lon: float, alt_m: float) -> None:
    hae_m = msl_to_hae_m(lat, lon, alt_m)
    assert float(hae_m - alt_m) == pytest.approx(float(geoid_undulation_m(lat, lon)), abs=1e-9)
    assert float(hae_to_msl_m(lat, lon, hae_m)) == pytest.approx(alt_m, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(lat=lats, lon=lons, turns=st.integers(-3, 3))
def test_geoid_undulation_wraps_longitude(lat: float, lon: float, turns: int) -> None:
    n_m = float(geoid_undulation_m(lat, lon))
    assert float(geoid_undulation_m(lat, lon + 360.0 * turns)) == pytest.approx(n_m, abs=1e-6)


def test_geoid_undulation_is_continuous_across_the_antimeridian() -> None:
    lat = np.linspace(-89.0, 89.0, 500)
    east = geoid_undulation_m(lat, 180.0 - 1e-9)
    west = geoid_undulation_m(lat, -180.0 + 1e-9)
    np.testing.assert_allclose(east, west, rtol=0.0, atol=1e-6)
    np.testing.assert_allclose(geoid_undulation_m(lat, 180.0), geoid_undulation_m(lat, -180.0))


@pytest.mark.parametrize(("outside", "edge"), [(90.5, 90.0), (1e6, 90.0), (-91.0, -90.0)])
def test_geoid_undulation_clamps_latitude(outside: float, edge: float) -> None:
    lon = np.linspace(-180.0, 180.0, 37)
    np.testing.assert_array_equal(geoid_undulation_m(outside, lon), geoid_undulation_m(edge, lon))
    # A pole has one undulation whatever the longitude.
    assert np.ptp(geoid_undulation_m(edge, lon)) < 1e-9


def test_geoid_functions_broadcast_and_return_float64() -> None:
    lat = np.array([[54.0], [55.0], [56.0]])  # (3, 1)
    lon = np.array([21.0, 23.0, 25.0, 26.5])  # (4,)
    n_m = geoid_undulation_m(lat, lon)
    assert n_m.shape == (3, 4)
    assert n_m.dtype == np.float64
    for i in range(3):
        for j in range(4):
            assert n_m[i, j] == float(geoid_undulation_m(float(lat[i, 0]), float(lon[j])))

    alt_m = np.array([0.0, 100.0, 5_000.0])
    assert msl_to_hae_m(*VILNIUS, alt_m).shape == (3,)
    assert hae_to_msl_m(lat, lon, 1_000.0).shape == (3, 4)
    assert np.ndim(geoid_undulation_m(*VILNIUS)) == 0
    # Lists and integers are fine too.
    assert geoid_undulation_m([54, 55], [25, 25]).dtype == np.float64


def test_geoid_functions_do_not_mutate_inputs() -> None:
    rng = np.random.default_rng(11)
    arrays = [rng.uniform(53.0, 57.0, 20), rng.uniform(20.0, 27.0, 20), rng.uniform(0, 1e4, 20)]
    for a in arrays:
        a.flags.writeable = False  # an in-place write would raise
    before = [a.copy() for a in arrays]
    geoid_undulation_m(arrays[0], arrays[1])
    msl_to_hae_m(*arrays)
    hae_to_msl_m(*arrays)
    for a, b in zip(arrays, before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_geoid_undulation_is_continuous_across_grid_cells() -> None:
    """Bilinear interpolation has no jumps at the 10' cell edges."""
    rng = np.random.default_rng(12)
    lat_edge = rng.integers(-539, 540, 2_000) / 6.0
    lon_edge = rng.integers(-1080, 1080, 2_000) / 6.0
    lon_any = rng.uniform(-180.0, 180.0, 2_000)
    lat_any = rng.uniform(-89.0, 89.0, 2_000)
    eps = 1e-9
    jump_lat = geoid_undulation_m(lat_edge + eps, lon_any) - geoid_undulation_m(
        lat_edge - eps, lon_any
    )
    jump_lon = geoid_undulation_m(lat_any, lon_edge + eps) - geoid_undulation_m(
        lat_any, lon_edge - eps
    )
    assert np.abs(jump_lat).max() < 1e-6
    assert np.abs(jump_lon).max() < 1e-6


@pytest.mark.parametrize(
    ("lat_range", "lon_range", "max_slope"),
    [
        # Deflection of the vertical: EGM96 (degree 360) stays near or below 1 arcmin
        # (measured max 3.1e-4 rad); 5e-4 rad is 103 arcsec.
        ((-89.9, 89.9), (-180.0, 180.0), 5e-4),
        # Over Lithuania the geoid is gentle: measured 3.1e-5 rad (6 arcsec).
        (LITHUANIA_LAT, LITHUANIA_LON, 1e-4),
    ],
    ids=["world", "lithuania"],
)
def test_geoid_undulation_slope_is_physical(
    lat_range: tuple[float, float], lon_range: tuple[float, float], max_slope: float
) -> None:
    rng = np.random.default_rng(13)
    lat = rng.uniform(*lat_range, 50_000)
    lon = rng.uniform(*lon_range, 50_000)
    step_deg = 0.01
    m_per_deg = 111_320.0
    n_m = geoid_undulation_m(lat, lon)
    slope_n = np.abs(geoid_undulation_m(lat + step_deg, lon) - n_m) / (step_deg * m_per_deg)
    slope_e = np.abs(geoid_undulation_m(lat, lon + step_deg) - n_m) / (
        step_deg * m_per_deg * np.cos(np.radians(lat))
    )
    assert slope_n.max() < max_slope
    assert slope_e.max() < max_slope


# --- oracle: PROJ's EGM96 grid ---------------------------------------------------------


def _uniform_on_sphere(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n))), rng.uniform(-180.0, 180.0, n)


def _oracle_points() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(20260901)
    node_lat, node_lon = np.meshgrid(
        np.arange(-90.0, 90.0 + 0.125, 0.25), np.arange(-180.0, 180.0, 0.25), indexing="ij"
    )
    world_lat, world_lon = _uniform_on_sphere(rng, 20_000)
    return {
        "vilnius": (np.array([VILNIUS[0]]), np.array([VILNIUS[1]])),
        "nodes": (node_lat.ravel(), node_lon.ravel()),
        "world": (world_lat, world_lon),
        "lithuania": (rng.uniform(*LITHUANIA_LAT, 5_000), rng.uniform(*LITHUANIA_LON, 5_000)),
    }


def _proj_egm96_undulations(
    points: dict[str, tuple[np.ndarray, np.ndarray]],
) -> dict[str, np.ndarray] | None:
    """N from PROJ at each point set, or None when PROJ has no EGM96 grid.

    ``append_data_dir`` changes pyproj's process-wide search path, so it is undone before
    returning: tests elsewhere must keep seeing pyproj's default data.
    """
    previous_data_dir = pyproj.datadir.get_data_dir()
    try:
        pyproj.datadir.append_data_dir(PROJ_DEBIAN_DATA_DIR)
        with warnings.catch_warnings():
            # "Best transformation is not available due to missing Grid": that is the
            # case best_available reports, handled below.
            warnings.simplefilter("ignore", UserWarning)
            group = TransformerGroup("EPSG:4979", "EPSG:4326+5773", always_xy=True)
        if not group.best_available:
            return None
        transformer = group.transformers[0]
        out = {}
        for name, (lat, lon) in points.items():
            _, _, msl_m = transformer.transform(lon, lat, np.zeros_like(lat), errcheck=True)
            out[name] = -np.asarray(msl_m)  # MSL = HAE - N with HAE = 0
        return out
    finally:
        pyproj.datadir.set_data_dir(previous_data_dir)
        assert pyproj.datadir.get_data_dir() == previous_data_dir


@pytest.fixture(scope="module")
def proj_oracle() -> Iterator[dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    points = _oracle_points()
    proj_n_m = _proj_egm96_undulations(points)
    if proj_n_m is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must have the EGM96 oracle: {ORACLE_MISSING}")
        pytest.skip(ORACLE_MISSING)
    yield {name: (lat, lon, proj_n_m[name]) for name, (lat, lon) in points.items()}


def _oracle_diff_m(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    lat, lon, proj_n_m = data
    return np.abs(geoid_undulation_m(lat, lon) - proj_n_m)


def test_proj_oracle_is_not_a_no_op(
    proj_oracle: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> None:
    _, _, proj_n_m = proj_oracle["vilnius"]
    assert 24.0 < float(proj_n_m[0]) < 26.0


def test_geoid_matches_proj_egm96_at_proj_grid_nodes(
    proj_oracle: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> None:
    """At its own 15' nodes PROJ returns EGM96 itself: this bounds our interpolation error."""
    assert _oracle_diff_m(proj_oracle["nodes"]).max() < ORACLE_NODES_TOL_M


def test_geoid_matches_proj_egm96_worldwide(
    proj_oracle: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> None:
    diff_m = _oracle_diff_m(proj_oracle["world"])
    assert np.percentile(diff_m, 99.9) < ORACLE_WORLD_P999_TOL_M
    assert diff_m.max() < ORACLE_WORLD_MAX_TOL_M
    assert np.median(diff_m) < 0.02


def test_geoid_matches_proj_egm96_over_lithuania(
    proj_oracle: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> None:
    assert _oracle_diff_m(proj_oracle["lithuania"]).max() < ORACLE_LITHUANIA_TOL_M


def test_geoid_non_finite_coordinates_give_nan_without_warning() -> None:
    n = geoid_undulation_m(
        np.array([54.69, np.nan, 54.69, np.inf]), np.array([25.26, 25.0, np.nan, 0.0])
    )
    assert np.isfinite(n[0])
    assert np.isnan(n[1:]).all()
