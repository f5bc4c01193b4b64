"""Named unit conversions: the only place a conversion factor appears.

Inside SkyWarden everything is SI (metres, seconds, m/s, radians where a kernel needs
them); aviation units (kt, ft, ft/min, NM) are converted at the adapters with these.
Each function works on floats and numpy arrays alike.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

__all__ = [
    "FT_M",
    "KT_MPS",
    "NMI_M",
    "deg_to_rad",
    "fpm_to_mps",
    "ft_to_m",
    "kmh_to_mps",
    "kt_to_mps",
    "m_to_ft",
    "mps_to_kmh",
    "mps_to_kt",
    "nmi_to_m",
    "rad_to_deg",
]

FT_M = 0.3048  # international foot, exact by definition (1959)
NMI_M = 1852.0  # international nautical mile, exact by definition
KT_MPS = NMI_M / 3600.0  # one knot is one nautical mile per hour
_KMH_MPS = 1000.0 / 3600.0

Num = TypeVar("Num", float, npt.NDArray[np.float64])


def kt_to_mps(kt: Num) -> Num:
    """Knots to metres per second."""
    return kt * KT_MPS


def mps_to_kt(mps: Num) -> Num:
    """Metres per second to knots."""
    return mps / KT_MPS


def ft_to_m(ft: Num) -> Num:
    """Feet to metres."""
    return ft * FT_M


def m_to_ft(m: Num) -> Num:
    """Metres to feet."""
    return m / FT_M


def fpm_to_mps(fpm: Num) -> Num:
    """Feet per minute (vertical rate) to metres per second."""
    return fpm * FT_M / 60.0


def nmi_to_m(nmi: Num) -> Num:
    """Nautical miles to metres."""
    return nmi * NMI_M


def kmh_to_mps(kmh: Num) -> Num:
    """Kilometres per hour to metres per second."""
    return kmh * _KMH_MPS


def mps_to_kmh(mps: Num) -> Num:
    """Metres per second to kilometres per hour."""
    return mps / _KMH_MPS


def deg_to_rad(deg: Num) -> Num:
    """Degrees to radians."""
    return deg * (np.pi / 180.0)


def rad_to_deg(rad: Num) -> Num:
    """Radians to degrees."""
    return rad * (180.0 / np.pi)
