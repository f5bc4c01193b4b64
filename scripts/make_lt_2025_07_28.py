"""Write the built-in hand-made detection file for the 28 July 2025 incident.

Usage: ``python scripts/make_lt_2025_07_28.py src/skywarden/data/scenarios/lt-2025-07-28.yaml``

The incident (shared domain brief, section 1.2): a Gerbera drone with about 2 kg of
explosive was detected by military radar in Belarusian airspace and then lost; residents
near the Belarus border and in Vilnius saw or heard it at about 01:56-02:00 UTC at about
200 m; it was last seen near Vilnius and found crashed at Gaižiūnai on 1 August.

The entry point and times are not published, so the route here is derived [U]: from
Belarus (54.40 N, 26.05 E) past Medininkai to central Vilnius (54.690 N, 25.265 E) at
33 m/s (120 km/h, within the brief's 30-45 m/s cruise), about 350 m above sea level
(about 200 m above the ground). The long-range radar reports it every 10 s with a 1 in 7
miss until 01:43, when the low target drops below its horizon; residents' reports follow
(noisy by about 700 m, one of them wrong); an airliner on ADS-B approaches Vilnius
meanwhile. Noise comes from a seeded generator: the output is the same on every run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import yaml

from skywarden.core.time import format_rfc3339, parse_rfc3339

SEED = 20250728
T0 = "2025-07-28T01:30:00Z"
T0_S = parse_rfc3339(T0)
START = (54.40, 26.05)
VILNIUS = (54.690, 25.265)
SPEED_MPS = 33.0
ALT_M = 350.0
RADAR_LOST_S = 13 * 60.0  # 01:43
M_PER_DEG_LAT = 111_320.0


def _position(t_rel_s: float) -> tuple[float, float]:
    """Truth on the straight leg from START to VILNIUS at SPEED_MPS (flat-earth is enough here)."""
    m_per_deg_lon = M_PER_DEG_LAT * np.cos(np.radians(54.55))
    d_n = (VILNIUS[0] - START[0]) * M_PER_DEG_LAT
    d_e = (VILNIUS[1] - START[1]) * m_per_deg_lon
    frac = min(SPEED_MPS * t_rel_s / float(np.hypot(d_n, d_e)), 1.0)
    return START[0] + frac * (VILNIUS[0] - START[0]), START[1] + frac * (VILNIUS[1] - START[1])


def _jitter(
    rng: np.random.Generator, lat: float, lon: float, sigma_m: float
) -> tuple[float, float]:
    d_n, d_e = rng.normal(0.0, sigma_m, size=2)
    m_per_deg_lon = M_PER_DEG_LAT * np.cos(np.radians(lat))
    return round(float(lat + d_n / M_PER_DEG_LAT), 6), round(float(lon + d_e / m_per_deg_lon), 6)


def build() -> list[dict[str, object]]:
    rng = np.random.default_rng(SEED)
    dets: list[tuple[float, dict[str, object]]] = []
    for k, t_rel in enumerate(np.arange(0.0, RADAR_LOST_S + 1.0, 10.0)):
        if k % 7 == 6:
            continue  # the radar misses one scan in seven (Pd about 0.85)
        lat, lon = _jitter(rng, *_position(float(t_rel)), 150.0)
        alt = round(ALT_M + float(rng.normal(0.0, 300.0)), 1)
        dets.append(
            (
                float(t_rel),
                {
                    "kind": "plot",
                    "sensor_id": "lr-radar-ceikiskes",
                    "lat": lat,
                    "lon": lon,
                    "alt_m": alt,
                    "sigma_h_m": 150.0,
                    "sigma_v_m": 500.0,
                },
            )
        )
    reports = [  # (seconds after 01:30, what, reporter id, note)
        (17 * 60 + 40, "heard", "112-call-0417", "engine like a moped, low, moving west"),
        (19 * 60 + 5, "heard", "112-call-0419", "loud buzzing over the village"),
        (21 * 60 + 30, "seen", "112-call-0422", "small plane without lights"),
        (24 * 60 + 10, "heard", "112-call-0425", None),
        (26 * 60 + 50, "seen", "112-call-0427", "drone at about 200 m over the city"),
        (28 * 60 + 0, "seen", "112-call-0428", "delta wing, flying north-west"),
        (29 * 60 + 20, "seen", "112-call-0430", "filmed it from the balcony"),
        (30 * 60 + 30, "heard", "112-call-0431", None),
    ]
    for t_rel, what, reporter, note in reports:
        lat, lon = _jitter(rng, *_position(float(t_rel)), 700.0)
        det: dict[str, object] = {
            "kind": "report",
            "sensor_id": reporter,
            "lat": lat,
            "lon": lon,
            "what": what,
        }
        if note:
            det["note"] = note
        dets.append((float(t_rel), det))
    # One wrong report: an airliner's lights over Kaunas taken for the drone.
    dets.append(
        (
            float(27 * 60 + 15),
            {
                "kind": "report",
                "sensor_id": "112-call-0429",
                "lat": 54.903,
                "lon": 23.921,
                "what": "seen",
                "note": "light moving in the sky",
            },
        )
    )
    # A cooperative airliner descending towards Vilnius airport from the west.
    for t_rel in np.arange(20 * 60.0, 30 * 60.0 + 1.0, 10.0):
        frac = (t_rel - 20 * 60.0) / 600.0
        lat = round(float(54.75 - 0.10 * frac), 6)
        lon = round(float(24.10 + 1.05 * frac), 6)
        dets.append(
            (
                float(t_rel),
                {
                    "kind": "adsb",
                    "sensor_id": "adsb-vilnius",
                    "icao24": "48ae21",
                    "callsign": "LOT779",
                    "lat": lat,
                    "lon": lon,
                    "alt_m": round(float(3000.0 - 2500.0 * frac), 1),
                    "vel_e_mps": 115.0,
                    "vel_n_mps": -18.0,
                    "vel_u_mps": -4.2,
                },
            )
        )
    dets.sort(key=lambda item: item[0])
    out = []
    for t_rel, det in dets:
        out.append({"time": format_rfc3339(T0_S + float(t_rel)), **det})
    return out


HEADER = """\
# Built-in scenario lt-2025-07-28: HAND-WRITTEN detections, not a simulation.
# Derived from the 28 July 2025 timeline in the domain brief (section 1.2): radar lost the
# Gerbera at the border, residents' 112 calls placed it near the border and over Vilnius.
# Route, times and noise are assumptions [U]; see scripts/make_lt_2025_07_28.py, which
# wrote this file. Each item of `detections` is one interchange-contract detection line.
"""


def main(path: Path) -> None:
    doc = {
        "name": "lt-2025-07-28",
        "title": "Gerbera from Belarus over Vilnius, 28 July 2025 (hand-written detections)",
        "start": T0,
        "sources": ["domain brief 1.2 [B1]-[B13]", "domain brief 3.1 sensor defaults"],
        "detections": build(),
    }
    text = HEADER + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}: {len(doc['detections'])} detections")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
