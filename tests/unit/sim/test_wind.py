"""Tests for ``skywarden.sim.wind``: direction convention, interpolation, immutability."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skywarden.sim.wind import WindField

layer = st.tuples(
    st.floats(-500.0, 15_000.0),
    st.floats(0.0, 360.0),
    st.floats(0.0, 100.0),
)


def test_wind_from_west_blows_east() -> None:
    ve, vn = WindField([(0.0, 270.0, 10.0)]).velocity_mps([100.0])
    assert ve[0] == pytest.approx(10.0)
    assert vn[0] == pytest.approx(0.0, abs=1e-9)


def test_wind_from_north_blows_south() -> None:
    ve, vn = WindField([(0.0, 0.0, 5.0)]).velocity_mps(2000.0)
    assert float(ve) == pytest.approx(0.0, abs=1e-9)
    assert float(vn) == pytest.approx(-5.0)


def test_wind_interpolates_components_linearly_between_layers() -> None:
    # From the west (blows east) at 0 m, from the south (blows north) at 1,000 m.
    wind = WindField([(0.0, 270.0, 10.0), (1000.0, 180.0, 10.0)])
    ve, vn = wind.velocity_mps(np.array([0.0, 250.0, 500.0, 1000.0]))
    np.testing.assert_allclose(ve, [10.0, 7.5, 5.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(vn, [0.0, 2.5, 5.0, 10.0], atol=1e-9)


def test_wind_is_constant_beyond_the_end_layers() -> None:
    wind = WindField([(500.0, 270.0, 4.0), (3000.0, 270.0, 20.0)])
    ve, _ = wind.velocity_mps(np.array([-100.0, 0.0, 500.0, 3000.0, 12_000.0]))
    np.testing.assert_allclose(ve, [4.0, 4.0, 4.0, 20.0, 20.0])


def test_wind_is_calm_without_layers_and_keeps_the_shape() -> None:
    alt = np.linspace(0.0, 5000.0, 12).reshape(3, 4)
    ve, vn = WindField([]).velocity_mps(alt)
    assert ve.shape == vn.shape == (3, 4)
    assert not ve.any() and not vn.any()


def test_wind_keeps_the_shape_of_a_2d_altitude_array() -> None:
    alt = np.full((5, 7), 1200.0)
    ve, vn = WindField([(0.0, 225.0, 10.0)]).velocity_mps(alt)
    assert ve.shape == vn.shape == (5, 7)
    np.testing.assert_allclose(ve, 10.0 / np.sqrt(2.0))  # from the south-west: north-east
    np.testing.assert_allclose(vn, 10.0 / np.sqrt(2.0))


def test_wind_sorts_layers_by_altitude() -> None:
    ordered = WindField([(0.0, 200.0, 6.0), (1500.0, 195.0, 11.0), (3000.0, 190.0, 15.0)])
    shuffled = WindField([(3000.0, 190.0, 15.0), (0.0, 200.0, 6.0), (1500.0, 195.0, 11.0)])
    assert ordered == shuffled
    alt = np.linspace(-100.0, 4000.0, 50)
    np.testing.assert_array_equal(ordered.velocity_mps(alt)[0], shuffled.velocity_mps(alt)[0])


def test_wind_is_immutable() -> None:
    wind = WindField([(0.0, 270.0, 10.0)])
    with pytest.raises(dataclasses.FrozenInstanceError):
        wind.layers = ()  # type: ignore[misc]
    ve, _ = wind.velocity_mps([0.0])
    ve[0] = 99.0  # the caller's copy, not the table
    assert wind.velocity_mps([0.0])[0][0] == pytest.approx(10.0)


@pytest.mark.parametrize(
    "layers", [[(0.0, 270.0, -1.0)], [(float("nan"), 270.0, 5.0)], [(0.0, float("inf"), 5.0)]]
)
def test_wind_rejects_bad_layers(layers: list[tuple[float, float, float]]) -> None:
    with pytest.raises(ValueError, match="wind"):
        WindField(layers)


@settings(max_examples=200, deadline=None)
@given(st.lists(layer, max_size=6), st.floats(-1000.0, 20_000.0))
def test_wind_speed_never_exceeds_the_strongest_layer(
    layers: list[tuple[float, float, float]], alt_m: float
) -> None:
    ve, vn = WindField(layers).velocity_mps(alt_m)
    strongest = max((s for _, _, s in layers), default=0.0)
    assert float(np.hypot(ve, vn)) <= strongest + 1e-9
