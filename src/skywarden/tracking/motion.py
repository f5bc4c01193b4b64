"""Transition models as pure functions.

State layout (ENU, SI): ``[e_m, n_m, u_m, ve_mps, vn_mps, vu_mps]``.

Near-constant velocity (NCV): the velocity is driven by white acceleration noise of
spectral density ``q`` (m^2/s^3), separately horizontal and vertical. For one axis over
``dt`` seconds::

    F = [[1, dt], [0, 1]]        Q = q * [[dt^3/3, dt^2/2], [dt^2/2, dt]]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["STATE_DIM", "ncv_process_noise", "ncv_transition"]

STATE_DIM = 6
FloatArray = npt.NDArray[np.float64]


def ncv_transition(dt_s: float) -> FloatArray:
    """Return the 6x6 NCV transition matrix ``F(dt_s)``."""
    f = np.eye(STATE_DIM)
    f[0, 3] = f[1, 4] = f[2, 5] = dt_s
    return f


def ncv_process_noise(dt_s: float, q_h_m2ps3: float, q_v_m2ps3: float) -> FloatArray:
    """Return the 6x6 NCV process noise ``Q(dt_s)`` for horizontal and vertical densities."""
    q = np.zeros((STATE_DIM, STATE_DIM))
    a, b, c = dt_s**3 / 3.0, dt_s**2 / 2.0, dt_s
    for axis, density in ((0, q_h_m2ps3), (1, q_h_m2ps3), (2, q_v_m2ps3)):
        q[axis, axis] = a * density
        q[axis, axis + 3] = q[axis + 3, axis] = b * density
        q[axis + 3, axis + 3] = c * density
    return q
