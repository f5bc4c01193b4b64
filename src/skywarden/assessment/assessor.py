"""The walking-skeleton assessor: where each track is, geographically.

For every track update it says which country the object is over, which alert zone
(municipality) of the protected country, how far it is from that country's border, and
whether it is cooperative (bound to an ADS-B or Remote ID identity). Classification,
predicted paths, times of arrival and threat scores come with the full assessment layer.

All geography queries run over the whole batch of updates at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from skywarden.core.enums import ObjectClass
from skywarden.core.types import Assessment, TrackUpdate
from skywarden.geo.zones import Geography

__all__ = ["GeographicAssessor"]


class GeographicAssessor:
    """Locates tracks in the geography pack. Stateless apart from the pack: thread-safe."""

    def __init__(self, geography: Geography) -> None:
        self.geography = geography

    def assess(self, updates: Sequence[TrackUpdate]) -> list[Assessment]:
        """Return one assessment per track update, in the same order."""
        if not updates:
            return []
        lat = np.array([u.lat for u in updates])
        lon = np.array([u.lon for u in updates])
        country = self.geography.country_of(lat, lon)
        zone = self.geography.zone_of(lat, lon)
        border_m = self.geography.border_distance_m(lat, lon)
        out = []
        for k, u in enumerate(updates):
            iso3 = str(country[k]) or None
            zone_id = str(zone[k]) or None
            reasons = [f"over {iso3}" if iso3 else "over no loaded country"]
            if zone_id:
                reasons.append(f"in zone {zone_id} ({self.geography.zones[zone_id].name})")
            reasons.append(f"{abs(float(border_m[k])) / 1000.0:.1f} km from the border")
            if u.identity:
                reasons.append(f"cooperative {u.identity}")
            out.append(
                Assessment(
                    t_s=u.t_s,
                    track_id=u.track_id,
                    status=u.status,
                    lat=u.lat,
                    lon=u.lon,
                    alt_m=u.alt_m,
                    country=iso3,
                    zone_id=zone_id,
                    border_distance_m=float(border_m[k]),
                    cooperative=u.identity is not None,
                    obj_class=ObjectClass.UNKNOWN,
                    reasons=tuple(reasons),
                )
            )
        return out
