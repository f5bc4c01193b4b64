"""Characteristics of the simulated object models, from the domain brief (section 2.1).

Numbers marked [U] in the brief are assumptions to tune; ranges are drawn uniformly per
target when a scenario does not fix a value. Radar cross-sections follow the brief's
section 6.3 ranges; "loudness" is the A-weighted source level at 1 m used by the acoustic
model (derived [U]: a 50 hp two-stroke Shahed is about as loud as a motorbike; the levels
are set so the acoustic model hears a Shahed to 2 km, a Gerbera to 1.5 km and a
quadcopter to 0.3 km, the brief's section 3.1 ranges).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from skywarden.core.enums import ObjectClass

__all__ = ["MODELS", "ModelName", "ObjectModel", "TargetEnd"]

ModelName = Literal[
    "gerbera",
    "shahed",
    "quadcopter",
    "rid_drone",
    "balloon",
    "light_aircraft",
    "airliner",
    "bird_flock",
]
TargetEnd = Literal["crash", "land", "leave", "loiter"]


@dataclass(frozen=True, slots=True)
class ObjectModel:
    """Defaults and limits of one kind of flying object (SI units, heights above MSL)."""

    name: ModelName
    obj_class: ObjectClass
    speed_mps: tuple[float, float]  # cruise speed range drawn when a scenario gives none
    max_speed_mps: float  # never exceeded, whatever the scenario says
    alt_m: tuple[float, float]  # cruise altitude range above mean sea level
    endurance_s: tuple[float, float]  # powered flight time on full fuel or battery
    rcs_dbsm: tuple[float, float]  # radar cross-section range (brief 6.3)
    loudness_db: float  # acoustic source level at 1 m, dB(A); 0 for silent objects
    rf_emitter: bool  # has a control or video link an RF direction finder can hear
    transponder: bool  # broadcasts ADS-B by default
    remote_id: bool  # broadcasts ASTM F3411 Remote ID by default
    glide_ratio: float  # metres forward per metre of height lost once the engine stops
    default_end: TargetEnd  # what happens at the end of its route
    source: str  # where the numbers come from


MODELS: dict[str, ObjectModel] = {
    m.name: m
    for m in (
        ObjectModel(
            name="gerbera",
            obj_class=ObjectClass.OWA_DRONE,
            speed_mps=(33.0, 44.0),
            max_speed_mps=44.4,
            alt_m=(100.0, 3000.0),
            endurance_s=(4 * 3600, 5 * 3600),
            rcs_dbsm=(-25.0, -10.0),
            loudness_db=100.0,
            rf_emitter=False,
            transponder=False,
            remote_id=False,
            glide_ratio=8.0,
            default_end="crash",
            source="brief 2.1: max 160 km/h, range up to 600-700 km, up to 3 km altitude",
        ),
        ObjectModel(
            name="shahed",
            obj_class=ObjectClass.OWA_DRONE,
            speed_mps=(39.0, 47.0),
            max_speed_mps=51.4,
            alt_m=(60.0, 2000.0),
            endurance_s=(8 * 3600, 12 * 3600),
            rcs_dbsm=(-20.0, -5.0),
            loudness_db=105.0,
            rf_emitter=False,
            transponder=False,
            remote_id=False,
            glide_ratio=8.0,
            default_end="crash",
            source="brief 2.1: cruise 140-170 km/h, max 185 km/h, 1,000-2,500 km, 12-13 h",
        ),
        ObjectModel(
            name="quadcopter",
            obj_class=ObjectClass.QUADCOPTER,
            speed_mps=(8.0, 18.0),
            max_speed_mps=21.0,
            alt_m=(150.0, 270.0),
            endurance_s=(20 * 60, 40 * 60),
            rcs_dbsm=(-30.0, -15.0),
            loudness_db=80.0,
            rf_emitter=True,
            transponder=False,
            remote_id=False,
            glide_ratio=0.0,
            default_end="land",
            source="brief 2.1: consumer 15-21 m/s, 20-45 min, 120 m above ground (open category)",
        ),
        ObjectModel(
            name="rid_drone",
            obj_class=ObjectClass.QUADCOPTER,
            speed_mps=(5.0, 12.0),
            max_speed_mps=19.0,
            alt_m=(150.0, 270.0),
            endurance_s=(20 * 60, 40 * 60),
            rcs_dbsm=(-30.0, -15.0),
            loudness_db=80.0,
            rf_emitter=True,
            transponder=False,
            remote_id=True,
            glide_ratio=0.0,
            default_end="land",
            source="brief 2.1: EU open-category drone broadcasting Remote ID",
        ),
        ObjectModel(
            name="balloon",
            obj_class=ObjectClass.BALLOON,
            speed_mps=(0.0, 0.0),
            max_speed_mps=60.0,
            alt_m=(3000.0, 4000.0),
            endurance_s=(3 * 3600, 6 * 3600),
            rcs_dbsm=(-15.0, -5.0),
            loudness_db=0.0,
            rf_emitter=False,
            transponder=False,
            remote_id=False,
            glide_ratio=0.0,
            default_end="land",
            source="brief 1.5: 3 m latex, 3-4 km at the border, drifts with the wind, up to 200 km",
        ),
        ObjectModel(
            name="light_aircraft",
            obj_class=ObjectClass.MANNED_AIRCRAFT,
            speed_mps=(51.0, 62.0),
            max_speed_mps=70.0,
            alt_m=(600.0, 3000.0),
            endurance_s=(4 * 3600, 5 * 3600),
            rcs_dbsm=(-3.0, 3.0),
            loudness_db=100.0,
            rf_emitter=False,
            transponder=True,
            remote_id=False,
            glide_ratio=9.0,
            default_end="leave",
            source="brief 2.1: Cessna 172 cruise 110-122 kt, below 3 km",
        ),
        ObjectModel(
            name="airliner",
            obj_class=ObjectClass.MANNED_AIRCRAFT,
            speed_mps=(200.0, 240.0),
            max_speed_mps=260.0,
            alt_m=(9000.0, 11500.0),
            endurance_s=(8 * 3600, 10 * 3600),
            rcs_dbsm=(10.0, 20.0),
            loudness_db=0.0,
            rf_emitter=False,
            transponder=True,
            remote_id=False,
            glide_ratio=17.0,
            default_end="leave",
            source="typical jet airliner; cooperative on ADS-B",
        ),
        ObjectModel(
            name="bird_flock",
            obj_class=ObjectClass.BIRD,
            speed_mps=(8.0, 18.0),
            max_speed_mps=27.0,
            alt_m=(150.0, 900.0),
            endurance_s=(3 * 3600, 8 * 3600),
            rcs_dbsm=(-30.0, -15.0),
            loudness_db=0.0,
            rf_emitter=False,
            transponder=False,
            remote_id=False,
            glide_ratio=0.0,
            default_end="loiter",
            source="brief 2.1: migrants fly 8-18 m/s, bulk below 900 m; flocks are radar confusers",
        ),
    )
}
