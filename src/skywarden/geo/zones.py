"""Geography packs: the protected country, its borders, alert zones and protected sites.

A pack is a data folder, one per protected country, so a new country is a new folder and
never a code change. The shipped packs live in ``skywarden/data/geography/<name>/``;
``load_geography("lt")`` loads Lithuania, ``load_geography(Path(...))`` any folder::

    manifest.yaml     name, protected and hostile countries (ISO 3166-1 alpha-3), the ENU
                      frame origin, file names (optional SHA-256), licence, attribution
    borders.geojson   countries: polygons of sovereign airspace, ``iso_a3`` and ``name``
    zones.geojson     alert zones: ``id``, ``name``, ``name_en``, ``county_id``
    counties.geojson  counties: ``id``, ``name``, ``name_en``, ``municipalities`` (zone ids)
    sites.yaml        protected sites: id, name, kind, lat, lon, radius_m, tag, source

Queries take WGS84 ``lat`` and ``lon`` in degrees as numpy arrays (or scalars; they are
broadcast together) and return arrays of the broadcast shape, ``(1,)`` for scalars.
Points with a non-finite coordinate or ``|lat| > 90`` get ``""`` or NaN. Longitudes wrap.

Geometry is never done in degrees. At load every polygon is projected once, with one
vectorised :meth:`SiteFrame.to_en` call over all its vertices (``shapely.transform``),
into the pack's ENU tangent plane (``e_m`` east, ``n_m`` north, metres); query points
are projected the same way, and the look-ups run on prepared polygons and ``STRtree``
indexes (:mod:`skywarden.geo.index`), one call per query and never a loop per point.

Accuracy of one tangent plane: the horizontal ENU coordinates are an orthographic
projection onto the plane tangent at the origin. Lengths across the line of sight from
the origin are true; lengths along it shrink by ``cos(s / R) ≈ 1 − s² / 2R²`` at a
distance ``s`` from the origin. Against pyproj's ``Geod`` with the ``lt`` origin (55.17 N,
23.75 E), a 5 km radial segment 100 km out comes out 0.65 m short and 200 km out 2.5 m
short (0.05 %); a tangential one is within 1 cm. No point of Lithuania is more than
215 km from the origin, so distances there are good to about 0.06 %: a few metres in
5 km; the Seimas's 30.2 km to the Belarus border comes out 5 m short. Positions shift by
up to 33 m at 200 km, but polygons and points shift together, and the projection is
one-to-one on the hemisphere, so "which polygon contains the point" is unaffected.
GeoJSON edges are straight in degrees (RFC 7946) but would be straight in the plane once
projected: edges are first cut to :data:`DENSIFY_DEG`, which keeps the two within 5 cm
(without it they part by up to 15 m along the 22 km straight edges of the territorial
sea limit, 3 m along municipal lines). Beyond :data:`PLANE_LIMIT_M` from the origin no
query is computed (``""`` or NaN).

Overlaps: real borders overlap by slivers (0.16 km² along the 672 km Lithuania–Belarus
line). A point covered by several countries goes to the protected country first, then
to the first in file order: over such a sliver a track is treated as inside, which errs
towards warning. Points on an edge count as inside.

Errors: a missing file or unusable content raises :class:`GeographyError` naming the
file, and where possible the feature, and what is wrong.

Thread safety: :class:`Geography` is immutable after load. Its polygons are prepared and
its trees built during the load, so queries only read and may run from any number of
threads. :func:`load_geography` caches packs by resolved folder; two threads loading the
same pack at once may both build it, which is harmless.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal, TypeVar, get_args

import numpy as np
import numpy.typing as npt
import shapely
import shapely.geometry
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from skywarden.core.errors import GeographyError
from skywarden.geo.frames import SiteFrame
from skywarden.geo.index import PolygonIndex, SegmentIndex

__all__ = [
    "DENSIFY_DEG",
    "MANIFEST_FILE",
    "PLANE_LIMIT_M",
    "SHARED_EDGE_TOL_M",
    "SITE_KINDS",
    "County",
    "Geography",
    "Site",
    "SiteKind",
    "Zone",
    "describe",
    "load_geography",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IndexArray = npt.NDArray[np.intp]
StrArray = npt.NDArray[np.str_]

MANIFEST_FILE = "manifest.yaml"
# The tangent plane's radial scale error is 0.05 % at 200 km, 0.5 % at 640 km (eastern
# Belarus from the lt origin) and 5 % at 2,000 km. Containment stays exact, so the plane
# may hold whole neighbouring countries, but beyond 2,000 km distances would mislead and
# far-side points would fold back onto the plane: there queries return "" or NaN.
PLANE_LIMIT_M = 2_000_000.0
# A segment of the protected boundary belongs to the border with a neighbour when both of
# its ends lie within this distance of the neighbour's polygon. The OSM layers agree on
# shared edges to 0 m median and within 150 m in border lakes; 250 m keeps those and is
# far below the distance to any coast or to a third country's border away from tripoints.
SHARED_EDGE_TOL_M = 250.0
# Longest edge, in degrees of latitude or longitude, kept before projecting: at 0.01°
# (1.1 km north-south, 0.64 km east-west here) a degree-straight edge and its projected
# chord part by under 5 cm (2 cm measured); the lt pack gains 10 % more vertices.
DENSIFY_DEG = 0.01
# Only for the coarse "is this point within PLANE_LIMIT_M" test, on a sphere (IUGG mean).
_EARTH_MEAN_RADIUS_M = 6_371_008.8

SiteKind = Literal["government", "airport", "military", "energy", "port", "landmark"]
SITE_KINDS: tuple[SiteKind, ...] = get_args(SiteKind)

_PACK_NAME = r"^[a-z0-9][a-z0-9_-]*$"


@dataclass(frozen=True, slots=True)
class Zone:
    """One alert zone (in Lithuania a municipality, ISO 3166-2 ``id`` such as ``LT-57``)."""

    id: str
    name: str
    name_en: str
    county_id: str


@dataclass(frozen=True, slots=True)
class County:
    """A group of zones for coarse messages (in Lithuania an apskritis, ``LT-VL``)."""

    id: str
    name: str
    name_en: str
    zone_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """A protected site: a circle of ``radius_m`` metres about WGS84 ``lat``, ``lon``.

    ``tag`` is the confidence in the coordinates (``C``, ``S`` or ``U``, as in the
    domain brief) and ``source`` where they come from.
    """

    id: str
    name: str
    kind: SiteKind
    lat: float
    lon: float
    radius_m: float
    tag: str = ""
    source: str = ""


# --- validation models for the YAML files (the edge; nothing else uses pydantic) ---


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Iso3 = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Lat = Annotated[float, Field(ge=-90.0, le=90.0)]
Lon = Annotated[float, Field(ge=-180.0, le=180.0)]


class _FileRef(_Model):
    path: str = Field(min_length=1)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class _Files(_Model):
    borders: _FileRef
    zones: _FileRef
    counties: _FileRef
    sites: _FileRef
    borders_small_scale: _FileRef | None = None


class _Origin(_Model):
    lat: Lat
    lon: Lon


class _Manifest(_Model):
    format: Literal[1]
    name: str = Field(pattern=_PACK_NAME)
    title: str = Field(min_length=1)
    protected_country: Iso3
    hostile_countries: tuple[Iso3, ...]
    frame_origin: _Origin
    files: _Files
    licence: tuple[str, ...] = ()
    attribution: tuple[str, ...] = ()


class _SiteEntry(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_]*$")
    name: str = Field(min_length=1)
    kind: SiteKind
    lat: Lat
    lon: Lon
    radius_m: float = Field(gt=0.0, allow_inf_nan=False)
    tag: str = ""
    source: str = ""


class _SitesFile(_Model):
    sites: tuple[_SiteEntry, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Geography:
    """A loaded geography pack: countries, zones, counties, sites and their look-ups.

    Build it with :func:`load_geography`. Mappings keep file order and are read-only.
    ``neighbours`` are the countries sharing a border with the protected one, in file
    order. Immutable after load, hence thread-safe for reads (see the module docstring).
    """

    name: str
    title: str
    folder: Path
    protected_country: str
    hostile_countries: tuple[str, ...]
    neighbours: tuple[str, ...]
    frame: SiteFrame
    countries: Mapping[str, str]
    country_vertex_counts: Mapping[str, int]
    zones: Mapping[str, Zone]
    counties: Mapping[str, County]
    sites: Mapping[str, Site]
    licence: tuple[str, ...]
    attribution: tuple[str, ...]
    files: Mapping[str, Path]
    # Look-up state, in the frame's plane (metres). Countries are indexed protected first.
    _country_ids: StrArray = field(repr=False)
    _country_index: PolygonIndex = field(repr=False)
    _zone_ids: StrArray = field(repr=False)
    _zone_county_ids: StrArray = field(repr=False)
    _zone_index: PolygonIndex = field(repr=False)
    _boundary: SegmentIndex = field(repr=False)
    _shared_borders: Mapping[str, SegmentIndex] = field(repr=False)
    _site_en_m: FloatArray = field(repr=False)

    # --- queries -------------------------------------------------------------------

    def country_of(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> StrArray:
        """ISO 3166-1 alpha-3 code of the country whose airspace holds each point.

        ``""`` where no loaded country does (open sea, countries not in the pack).
        """
        e_m, n_m, ok, shape = self._to_plane(lat, lon)
        out = np.full(ok.size, "", dtype=self._country_ids.dtype)
        idx = self._country_index.locate(e_m, n_m)
        hit = idx >= 0
        out[np.flatnonzero(ok)[hit]] = self._country_ids[idx[hit]]
        return out.reshape(shape)

    def zone_of(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> StrArray:
        """Alert zone id of each point, ``""`` outside the protected country.

        A point inside the protected country but in no zone (its territorial sea, or the
        sub-100 m slivers the zones leave in border lakes) gets the nearest zone.
        """
        e_m, n_m, ok, shape = self._to_plane(lat, lon)
        out = np.full(ok.size, "", dtype=self._zone_ids.dtype)
        idx = self._zone_index_of(e_m, n_m)
        hit = idx >= 0
        out[np.flatnonzero(ok)[hit]] = self._zone_ids[idx[hit]]
        return out.reshape(shape)

    def county_of(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> StrArray:
        """County id of each point (the county of its zone), ``""`` outside."""
        e_m, n_m, ok, shape = self._to_plane(lat, lon)
        out = np.full(ok.size, "", dtype=self._zone_county_ids.dtype)
        idx = self._zone_index_of(e_m, n_m)
        hit = idx >= 0
        out[np.flatnonzero(ok)[hit]] = self._zone_county_ids[idx[hit]]
        return out.reshape(shape)

    def border_distance_m(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
        """Signed distance in metres to the protected country's airspace boundary.

        Positive inside, negative outside, zero on the line. The boundary is the whole
        outline of the sovereign airspace: land borders and the outer limit of the
        territorial sea.
        """
        e_m, n_m, ok, shape = self._to_plane(lat, lon)
        out = np.full(ok.size, np.nan, dtype=np.float64)
        dist_m = self._boundary.distance_m(e_m, n_m)
        inside = self._in_protected(e_m, n_m)
        out[ok] = np.where(inside, dist_m, -dist_m)
        return out.reshape(shape)

    def distance_to_border_with_m(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike, iso3: str
    ) -> FloatArray:
        """Unsigned distance in metres to the border between the protected country and ``iso3``.

        Raises ``ValueError`` if ``iso3`` shares no border with the protected country in
        this pack (see ``neighbours``).
        """
        try:
            border = self._shared_borders[iso3]
        except KeyError:
            raise ValueError(
                f"pack {self.name!r}: {self.protected_country} shares no border with "
                f"{iso3!r}; neighbours are {', '.join(self.neighbours)}"
            ) from None
        e_m, n_m, ok, shape = self._to_plane(lat, lon)
        out = np.full(ok.size, np.nan, dtype=np.float64)
        out[ok] = border.distance_m(e_m, n_m)
        return out.reshape(shape)

    def site_distance_m(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
        """Horizontal distance in metres from each point to each site's centre.

        The result has shape ``(*points_shape, len(sites))``, columns in ``sites`` order;
        compare with ``[s.radius_m for s in sites.values()]`` to test "inside a site".
        """
        e_m, n_m, ok, shape = self._to_plane(lat, lon)
        n_sites = self._site_en_m.shape[0]
        out = np.full((ok.size, n_sites), np.nan, dtype=np.float64)
        out[ok] = np.hypot(
            e_m[:, np.newaxis] - self._site_en_m[np.newaxis, :, 0],
            n_m[:, np.newaxis] - self._site_en_m[np.newaxis, :, 1],
        )
        return out.reshape((*shape, n_sites))

    # --- internals -----------------------------------------------------------------

    def _to_plane(
        self, lat: npt.ArrayLike, lon: npt.ArrayLike
    ) -> tuple[FloatArray, FloatArray, BoolArray, tuple[int, ...]]:
        """Project the usable points; return their ``e_m``, ``n_m``, the mask and the shape."""
        lat_a, lon_a = np.broadcast_arrays(
            np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
        )
        shape = lat_a.shape if lat_a.ndim else (1,)
        lat_f, lon_f = lat_a.reshape(-1), lon_a.reshape(-1)
        ok = np.isfinite(lat_f) & np.isfinite(lon_f) & (np.abs(lat_f) <= 90.0)
        lat_ok = lat_f[ok]
        lon_ok = np.mod(lon_f[ok] + 180.0, 360.0) - 180.0
        near = _arc_m(self.frame.lat0, self.frame.lon0, lat_ok, lon_ok) <= PLANE_LIMIT_M
        ok[ok] = near
        if not near.any():
            empty = np.empty(0, dtype=np.float64)
            return empty, empty, ok, shape
        e_m, n_m = self.frame.to_en(lat_ok[near], lon_ok[near])
        return np.asarray(e_m, np.float64), np.asarray(n_m, np.float64), ok, shape

    def _in_protected(self, e_m: FloatArray, n_m: FloatArray) -> BoolArray:
        """Whether each plane point lies in (or on) the protected country's polygon."""
        protected = self._country_index.polygons[0]  # prepared, see load
        return np.asarray(shapely.intersects(protected, shapely.points(e_m, n_m)), dtype=bool)

    def _zone_index_of(self, e_m: FloatArray, n_m: FloatArray) -> IndexArray:
        """Zone index of each plane point, nearest zone as fallback, -1 outside."""
        out = np.full(e_m.size, -1, dtype=np.intp)
        inside = self._in_protected(e_m, n_m)
        if not inside.any():
            return out
        e_in, n_in = e_m[inside], n_m[inside]
        idx = self._zone_index.locate(e_in, n_in)
        missing = idx < 0
        if missing.any():
            idx[missing] = self._zone_index.nearest(e_in[missing], n_in[missing])
        out[inside] = idx
        return out


def _arc_m(lat0: float, lon0: float, lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Great-circle distance in metres on a sphere (coarse, only for PLANE_LIMIT_M)."""
    phi0, phi = np.radians(lat0), np.radians(lat)
    cos_c = np.sin(phi0) * np.sin(phi) + np.cos(phi0) * np.cos(phi) * np.cos(np.radians(lon - lon0))
    return np.asarray(_EARTH_MEAN_RADIUS_M * np.arccos(np.clip(cos_c, -1.0, 1.0)), np.float64)


# --- loading -----------------------------------------------------------------------


def load_geography(pack: str | Path = "lt") -> Geography:
    """Load a geography pack, by name or by folder, cached per resolved folder.

    A ``str`` without a path separator is the name of a pack shipped in
    ``skywarden/data/geography/`` (``"lt"``); a :class:`~pathlib.Path`, or a string with
    a separator (``"./my_pack"``), is any folder holding a ``manifest.yaml``. Raises
    :class:`GeographyError` naming the file and the problem when the pack is unusable.
    Loading the ``lt`` pack takes about 0.3 s; the files are read once per process and
    later calls return the same object.
    """
    return _load(_resolve(pack))


def _resolve(pack: str | Path) -> Path:
    if isinstance(pack, str) and "/" not in pack and "\\" not in pack:
        if not re.fullmatch(_PACK_NAME, pack):
            raise GeographyError(f"{pack!r} is not a pack name (lowercase letters, digits, _-)")
        root = resources.files("skywarden.data").joinpath("geography")
        if not isinstance(root, Path):
            raise GeographyError(f"{root}: packs must be installed as plain files")
        folder = root / pack
        if not (folder / MANIFEST_FILE).is_file():
            shipped = sorted(p.name for p in root.iterdir() if (p / MANIFEST_FILE).is_file())
            raise GeographyError(
                f"no geography pack named {pack!r} in {root}; shipped: {', '.join(shipped)}"
            )
    else:
        folder = Path(pack).expanduser()
    folder = folder.resolve()
    if not (folder / MANIFEST_FILE).is_file():
        raise GeographyError(f"{folder / MANIFEST_FILE}: missing; every pack needs a manifest")
    return folder


_M = TypeVar("_M", bound=BaseModel)


def _validated(model: type[_M], data: object, path: Path) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise GeographyError(f"{path}: {problems}") from exc


def _read_yaml(path: Path, raw: bytes) -> object:
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise GeographyError(f"{path}: not valid YAML: {exc}") from exc


def _read_file(folder: Path, role: str, ref: _FileRef) -> tuple[Path, bytes]:
    """Read one listed file, checking its digest when the manifest gives one."""
    path = folder / ref.path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise GeographyError(
            f"{path}: missing (listed in {MANIFEST_FILE} as files.{role})"
        ) from None
    except OSError as exc:
        raise GeographyError(f"{path}: cannot be read: {exc}") from exc
    if ref.sha256 is not None:
        digest = hashlib.sha256(raw).hexdigest()
        if digest != ref.sha256:
            raise GeographyError(
                f"{path}: SHA-256 is {digest}, {MANIFEST_FILE} says {ref.sha256}; "
                "the file was changed or replaced (rebuild the pack, or update the manifest)"
            )
    return path, raw


def _read_features(
    path: Path, raw: bytes, keys: tuple[str, ...]
) -> list[tuple[dict[str, Any], Any]]:
    """Parse a GeoJSON FeatureCollection of valid (multi)polygons with string properties."""
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeographyError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise GeographyError(f"{path}: not a GeoJSON FeatureCollection")
    feats = doc.get("features")
    if not isinstance(feats, list) or not feats:
        raise GeographyError(f"{path}: no features")
    out: list[tuple[dict[str, Any], Any]] = []
    for i, feat in enumerate(feats):
        props = feat.get("properties") if isinstance(feat, dict) else None
        if not isinstance(props, dict):
            raise GeographyError(f"{path}: feature {i} has no properties object")
        bad = [k for k in keys if not isinstance(props.get(k), str) or not props[k]]
        if bad:
            raise GeographyError(f"{path}: feature {i} lacks string properties {bad}")
        where = f"{path}: feature {i} ({props[keys[0]]})"
        geom_doc = feat.get("geometry")
        if not isinstance(geom_doc, dict) or geom_doc.get("type") not in (
            "Polygon",
            "MultiPolygon",
        ):
            raise GeographyError(f"{where}: geometry is not a Polygon or MultiPolygon")
        try:
            geom = shapely.geometry.shape(geom_doc)
        except (ValueError, TypeError, KeyError, IndexError, shapely.errors.GEOSException) as exc:
            raise GeographyError(f"{where}: unreadable geometry: {exc}") from exc
        if geom.is_empty or not geom.is_valid:
            reason = "empty" if geom.is_empty else shapely.is_valid_reason(geom)
            raise GeographyError(f"{where}: invalid polygon: {reason}")
        out.append((props, geom))
    return out


def _project(frame: SiteFrame, path: Path, geoms: list[Any]) -> npt.NDArray[np.object_]:
    """Project lon/lat polygons into the frame's plane, all vertices in one call."""
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms
    arr = np.asarray(shapely.segmentize(arr, DENSIFY_DEG), dtype=object)
    lonlat = shapely.get_coordinates(arr)
    reach_m = float(_arc_m(frame.lat0, frame.lon0, lonlat[:, 1], lonlat[:, 0]).max())
    if reach_m > PLANE_LIMIT_M:
        raise GeographyError(
            f"{path}: reaches {reach_m / 1e3:,.0f} km from the frame origin; one tangent "
            f"plane serves at most {PLANE_LIMIT_M / 1e3:,.0f} km (move frame_origin)"
        )

    def to_plane(coords: FloatArray) -> FloatArray:
        e_m, n_m = frame.to_en(coords[:, 1], coords[:, 0])
        return np.column_stack([e_m, n_m])

    plane = np.asarray(shapely.transform(arr, to_plane), dtype=object)
    invalid = np.flatnonzero(~shapely.is_valid(plane))
    if invalid.size:
        raise GeographyError(
            f"{path}: feature {int(invalid[0])} is invalid once projected: "
            f"{shapely.is_valid_reason(plane[invalid[0]])}"
        )
    return plane


def _shared_border(boundary: SegmentIndex, neighbour: Any) -> SegmentIndex:
    """Keep the protected boundary's segments that run along a (prepared) neighbour polygon."""
    ends = shapely.get_coordinates(boundary.segments).reshape(-1, 2, 2)
    near = shapely.dwithin(neighbour, shapely.points(ends[:, 0]), SHARED_EDGE_TOL_M)
    near &= shapely.dwithin(neighbour, shapely.points(ends[:, 1]), SHARED_EDGE_TOL_M)
    return SegmentIndex.from_segments(ends[near, 0], ends[near, 1])


@functools.cache
def _load(folder: Path) -> Geography:
    manifest_path = folder / MANIFEST_FILE
    manifest = _validated(
        _Manifest, _read_yaml(manifest_path, manifest_path.read_bytes()), manifest_path
    )
    files = manifest.files
    frame = SiteFrame(manifest.frame_origin.lat, manifest.frame_origin.lon, 0.0)

    # Countries.
    borders_path, raw = _read_file(folder, "borders", files.borders)
    border_feats = _read_features(borders_path, raw, ("iso_a3", "name"))
    countries: dict[str, str] = {}
    for props, _geom in border_feats:
        if props["iso_a3"] in countries:
            raise GeographyError(f"{borders_path}: country {props['iso_a3']} appears twice")
        countries[props["iso_a3"]] = props["name"]
    for role, iso3 in [("protected_country", manifest.protected_country)] + [
        ("hostile_countries", h) for h in manifest.hostile_countries
    ]:
        if iso3 not in countries:
            raise GeographyError(
                f"{manifest_path}: {role} {iso3} is not in {borders_path.name} "
                f"({', '.join(countries)})"
            )
    # Protected country first, so that it wins where polygons overlap (see docstring).
    iso_list = list(countries)
    order = sorted(range(len(iso_list)), key=lambda i: iso_list[i] != manifest.protected_country)
    country_ids = np.array([iso_list[i] for i in order])
    country_plane = _project(frame, borders_path, [border_feats[i][1] for i in order])
    country_index = PolygonIndex.build(country_plane)
    protected_plane = country_index.polygons[0]
    boundary = SegmentIndex.from_lines(shapely.boundary(protected_plane))
    shared = {
        iso3: border
        for iso3, poly in zip(country_ids[1:], country_index.polygons[1:], strict=True)
        if len(border := _shared_border(boundary, poly))
    }
    neighbours = tuple(iso3 for iso3 in countries if iso3 in shared)

    # Counties, then zones, which must name a listed county.
    counties_path, raw = _read_file(folder, "counties", files.counties)
    counties: dict[str, County] = {}
    for props, _geom in _read_features(counties_path, raw, ("id", "name", "name_en")):
        members = props.get("municipalities")
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise GeographyError(f"{counties_path}: county {props['id']}: bad municipalities")
        if props["id"] in counties:
            raise GeographyError(f"{counties_path}: county {props['id']} appears twice")
        counties[props["id"]] = County(props["id"], props["name"], props["name_en"], tuple(members))

    zones_path, raw = _read_file(folder, "zones", files.zones)
    zone_feats = _read_features(zones_path, raw, ("id", "name", "name_en", "county_id"))
    zones: dict[str, Zone] = {}
    for props, _geom in zone_feats:
        if props["id"] in zones:
            raise GeographyError(f"{zones_path}: zone {props['id']} appears twice")
        county = counties.get(props["county_id"])
        if county is None or props["id"] not in county.zone_ids:
            raise GeographyError(
                f"{zones_path}: zone {props['id']} has county_id {props['county_id']}, but "
                f"{counties_path.name} does not list it among that county's municipalities"
            )
        zones[props["id"]] = Zone(props["id"], props["name"], props["name_en"], props["county_id"])
    for county in counties.values():
        unknown = [z for z in county.zone_ids if z not in zones]
        if unknown:
            raise GeographyError(
                f"{counties_path}: county {county.id} lists unknown zones {unknown}"
            )
    zone_index = PolygonIndex.build(_project(frame, zones_path, [g for _p, g in zone_feats]))

    # Sites.
    sites_path, raw = _read_file(folder, "sites", files.sites)
    site_entries = _validated(_SitesFile, _read_yaml(sites_path, raw), sites_path).sites
    sites: dict[str, Site] = {}
    for entry in site_entries:
        if entry.id in sites:
            raise GeographyError(f"{sites_path}: site {entry.id} appears twice")
        sites[entry.id] = Site(**entry.model_dump())
    site_e_m, site_n_m = frame.to_en(
        [s.lat for s in sites.values()], [s.lon for s in sites.values()]
    )

    paths = {"manifest": manifest_path, "borders": borders_path, "zones": zones_path}
    paths |= {"counties": counties_path, "sites": sites_path}
    if files.borders_small_scale is not None:
        small_path = folder / files.borders_small_scale.path
        if not small_path.is_file():
            raise GeographyError(
                f"{small_path}: missing (listed in {MANIFEST_FILE} as files.borders_small_scale)"
            )
        paths["borders_small_scale"] = small_path  # display only: not parsed here

    return Geography(
        name=manifest.name,
        title=manifest.title,
        folder=folder,
        protected_country=manifest.protected_country,
        hostile_countries=manifest.hostile_countries,
        neighbours=neighbours,
        frame=frame,
        countries=MappingProxyType(countries),
        country_vertex_counts=MappingProxyType(
            {props["iso_a3"]: int(shapely.get_num_coordinates(g)) for props, g in border_feats}
        ),
        zones=MappingProxyType(zones),
        counties=MappingProxyType(counties),
        sites=MappingProxyType(sites),
        licence=manifest.licence,
        attribution=manifest.attribution,
        files=MappingProxyType(paths),
        _country_ids=country_ids,
        _country_index=country_index,
        _zone_ids=np.array(list(zones)),
        _zone_county_ids=np.array([z.county_id for z in zones.values()]),
        _zone_index=zone_index,
        _boundary=boundary,
        _shared_borders=MappingProxyType(shared),
        _site_en_m=np.column_stack([site_e_m, site_n_m]).reshape(-1, 2),
    )


# --- description -------------------------------------------------------------------


def describe(geo: Geography) -> list[str]:
    """Human-readable lines about a pack, for ``skywarden geo info``."""
    roles = {geo.protected_country: "protected"} | {h: "hostile" for h in geo.hostile_countries}
    lines = [
        f"geography pack {geo.name!r} ({geo.title}) in {geo.folder}",
        f"ENU frame origin: lat {geo.frame.lat0:.4f}, lon {geo.frame.lon0:.4f}",
        f"countries ({len(geo.countries)}):",
    ]
    for iso3, name in geo.countries.items():
        role = f", {roles[iso3]}" if iso3 in roles else ""
        lines.append(f"  {iso3} {name}: {geo.country_vertex_counts[iso3]:,} vertices{role}")
    hostile = ", ".join(f"{h} ({geo.countries[h]})" for h in geo.hostile_countries)
    lines.append(
        f"protected: {geo.protected_country} ({geo.countries[geo.protected_country]}); "
        f"hostile: {hostile or 'none'}"
    )
    lines.append(f"zones: {len(geo.zones)} in {len(geo.counties)} counties")

    lines.append(f"sites ({len(geo.sites)}), with the nearest hostile border:")
    lat = np.array([s.lat for s in geo.sites.values()])
    lon = np.array([s.lon for s in geo.sites.values()])
    bordering = [h for h in geo.hostile_countries if h in geo.neighbours]
    dist_m = np.array([geo.distance_to_border_with_m(lat, lon, h) for h in bordering])
    for j, site in enumerate(geo.sites.values()):
        if bordering:
            k = int(np.argmin(dist_m[:, j]))
            nearest = f"{bordering[k]} {dist_m[k, j] / 1e3:.1f} km"
        else:
            nearest = "no shared border"
        lines.append(
            f"  {site.id:14s} {site.kind:10s} radius {site.radius_m / 1e3:4.1f} km  "
            f"{nearest:12s}  {site.name}"
        )
    lines += [f"licence: {text}" for text in geo.licence]
    lines += [f"attribution: {text}" for text in geo.attribution]
    return lines
