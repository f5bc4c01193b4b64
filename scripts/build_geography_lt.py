"""Build the Lithuania geography pack's GeoJSON layers from the project's shared data.

Usage::

    python scripts/build_geography_lt.py shared/data src/skywarden/data/geography/lt

The first argument is the folder holding the shared layers (documented in its
``README.md``), the second the pack folder. The four layers are copied byte for byte,
so their provenance and licences (OpenStreetMap under ODbL 1.0, Natural Earth in the
public domain) carry over unchanged and a rebuild is byte-identical:

======================================  ============================================
pack file                               shared source
======================================  ============================================
``borders.geojson``                     ``baltic_borders_osm.geojson`` (ODbL)
``zones.geojson``                       ``lt_municipalities.geojson`` (ODbL)
``counties.geojson``                    ``lt_counties.geojson`` (ODbL)
``borders_small_scale.geojson``         ``baltic_borders_ne10m.geojson`` (public domain)
======================================  ============================================

Before copying, each source is checked for the content the pack relies on (feature
counts, property names, ISO codes). ``manifest.yaml``, ``sites.yaml`` and ``README.md``
are written by hand and left alone; the script checks that the SHA-256 digests in the
manifest match the copies, then loads the whole pack with
:func:`skywarden.geo.zones.load_geography` as the final check. It exits non-zero on any
mismatch, saying which file and what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from skywarden.geo.zones import describe, load_geography

# pack file -> (shared source, role in the manifest)
LAYERS: dict[str, tuple[str, str]] = {
    "borders.geojson": ("baltic_borders_osm.geojson", "borders"),
    "zones.geojson": ("lt_municipalities.geojson", "zones"),
    "counties.geojson": ("lt_counties.geojson", "counties"),
    "borders_small_scale.geojson": ("baltic_borders_ne10m.geojson", "borders_small_scale"),
}
COUNTRIES = {"BLR", "LTU", "LVA", "POL", "RUS"}  # protected, both hostile, two more
N_MUNICIPALITIES = 60  # savivaldybės, ISO 3166-2:LT LT-01 .. LT-60
N_COUNTIES = 10  # apskritys LT-AL .. LT-VL


def _features(name: str, raw: bytes) -> list[dict[str, Any]]:
    doc = json.loads(raw)
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise SystemExit(f"{name}: not a GeoJSON FeatureCollection")
    return list(doc["features"])


def _check_props(name: str, feats: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    for i, feat in enumerate(feats):
        props = feat.get("properties") or {}
        missing = [k for k in keys if k not in props]
        if missing:
            raise SystemExit(f"{name}: feature {i} lacks properties {missing}")
        if feat.get("geometry", {}).get("type") not in ("Polygon", "MultiPolygon"):
            raise SystemExit(f"{name}: feature {i} is not a Polygon or MultiPolygon")


def check_source(pack_file: str, name: str, raw: bytes) -> None:
    """Check that one shared layer has what the pack relies on; exit if not."""
    feats = _features(name, raw)
    if pack_file.startswith("borders"):
        _check_props(name, feats, ("iso_a3", "name"))
        iso3 = {f["properties"]["iso_a3"] for f in feats}
        if iso3 != COUNTRIES:
            raise SystemExit(f"{name}: countries {sorted(iso3)}, expected {sorted(COUNTRIES)}")
    elif pack_file == "zones.geojson":
        _check_props(name, feats, ("id", "name", "name_en", "county_id"))
        if len(feats) != N_MUNICIPALITIES:
            raise SystemExit(f"{name}: {len(feats)} municipalities, expected {N_MUNICIPALITIES}")
    elif pack_file == "counties.geojson":
        _check_props(name, feats, ("id", "name", "name_en", "municipalities"))
        if len(feats) != N_COUNTIES:
            raise SystemExit(f"{name}: {len(feats)} counties, expected {N_COUNTIES}")


def main(source_dir: Path, pack_dir: Path) -> None:
    """Check and copy the layers, compare digests with the manifest, load the pack."""
    pack_dir.mkdir(parents=True, exist_ok=True)
    digests: dict[str, str] = {}
    for pack_file, (source, _role) in LAYERS.items():
        raw = (source_dir / source).read_bytes()
        check_source(pack_file, source, raw)
        out = pack_dir / pack_file
        out.write_bytes(raw)
        if out.read_bytes() != raw:
            raise SystemExit(f"{out}: copy differs from {source}")
        digests[pack_file] = hashlib.sha256(raw).hexdigest()
        print(f"{pack_file:30s} <- {source:30s} {len(raw):>9,d} B  sha256 {digests[pack_file]}")

    manifest_path = pack_dir / "manifest.yaml"
    if not manifest_path.is_file():
        raise SystemExit(f"{manifest_path}: missing; write it by hand (see the lt pack)")
    files = yaml.safe_load(manifest_path.read_text(encoding="utf-8")).get("files", {})
    for pack_file, (_source, role) in LAYERS.items():
        listed = (files.get(role) or {}).get("sha256")
        if listed != digests[pack_file]:
            raise SystemExit(
                f"{manifest_path}: files.{role}.sha256 is {listed}, the copy has "
                f"{digests[pack_file]}; update the manifest and the README"
            )

    for line in describe(load_geography(pack_dir)):
        print(line)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
