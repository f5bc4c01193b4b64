"""Wind by altitude for the simulator: :class:`skywarden.geo.wind.WindField`.

The wind field lives in ``geo`` because assessment uses it too (a balloon drifts with
the wind at its height); the simulator flies balloons in the same field.
"""

from skywarden.geo.wind import WindField

__all__ = ["WindField"]
