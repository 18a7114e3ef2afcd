"""Reading and checking boundary files (GeoJSON) for the grid map; no Qt, no database.

What a file may be: a FeatureCollection, a single Feature, a bare geometry or a bare array of
Features; Polygon and MultiPolygon (an exclave, 飞地, is a MultiPolygon). Properties may be
named in English or Chinese (name/名称/NAME, adcode/代码, parent/上级 — DataV's
``{"adcode": …}`` object too). Text may be UTF-8 with or without a BOM, or GB18030.

Coordinates: every stored coordinate is GCJ-02 (``services/geo_transform``). The source's
system is the one asked for (``crs``), else the one the file declares in a ``crs`` member;
a file that declares none and is given none is refused with a question (GeoJSON itself says
WGS-84, but most Chinese sources, such as DataV's, are GCJ-02 without saying so). WGS-84 (and
CGCS2000, the same to within centimetres) is converted to GCJ-02 here.

Checks (:class:`Finding`, each with the area's name, a kind, a message in Chinese and English
and the offending geometry for highlighting):

* an area is left out of the import (``excluded``) when its geometry cannot be used — not a
  polygon, coordinates that are not longitude/latitude, a ring not closed or of fewer than 4
  points, a self-intersection or other invalidity (``shapely.explain_validity``) — or it has
  no name, or its name is given twice under one parent;
* an area is imported, and the finding goes to the reviewer, when it overlaps a sibling, leaves
  a gap inside its parent, or lies partly outside its parent. Shared edges are no overlap: a
  piece counts only where it is wider than the tolerance (1 m by default), so slivers along
  a border digitised twice are not reported.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.validation import explain_validity

from command_center.services import geo_transform

LEVELS = ("county", "town", "village", "grid", "micro")
"""The levels of the command (``--level``); ``micro`` is stored as ``micro_grid``."""
STORED_LEVEL = {
    "county": "county",
    "town": "town",
    "village": "village",
    "grid": "grid",
    "micro": "micro_grid",
}
PARENT_LEVEL = {"town": "county", "village": "town", "grid": "village", "micro": "grid"}
LEVEL_WORDS = {
    "county": ("县（区）", "county"),
    "town": ("乡镇（街道）", "town"),
    "village": ("村（社区）", "village"),
    "grid": ("网格", "grid"),
    "micro": ("微网格", "micro-grid"),
}

CRS_CHOICES = {"gcj02": geo_transform.GCJ02, "wgs84": geo_transform.WGS84}
DEFAULT_TOLERANCE_M = 1.0

NAME_KEYS = ("name", "名称", "NAME", "Name", "名字", "mc", "MC")
CODE_KEYS = ("adcode", "代码", "code", "CODE", "ADCODE", "区划代码", "行政代码", "Code")
PARENT_KEYS = ("parent", "上级", "PARENT", "Parent", "所属", "上级名称", "上级代码")
KIND_KEYS = ("kind", "类型", "KIND")

# finding kinds: (中文, English)
KINDS: dict[str, tuple[str, str]] = {
    "not_polygon": ("不是面", "not a polygon"),
    "bad_coordinates": ("坐标无效", "bad coordinates"),
    "ring_not_closed": ("环未闭合", "ring not closed"),
    "too_few_points": ("环的点数少于4个", "ring of fewer than 4 points"),
    "self_intersection": ("边界自相交", "self-intersection"),
    "invalid_geometry": ("边界无效", "invalid geometry"),
    "name_missing": ("缺少名称", "no name"),
    "duplicate_name": ("名称重复", "duplicate name"),
    "parent_unknown": ("上级区域不存在", "unknown parent"),
    "code_in_use": ("代码已被占用", "code in use"),
    "overlap": ("重叠", "overlap"),
    "gap": ("上级区域内有空隙", "gap inside the parent"),
    "outside_parent": ("超出上级区域", "outside the parent"),
}
EXCLUDING = frozenset(
    {
        "not_polygon",
        "bad_coordinates",
        "ring_not_closed",
        "too_few_points",
        "self_intersection",
        "invalid_geometry",
        "name_missing",
        "duplicate_name",
        "parent_unknown",
        "code_in_use",
    }
)
"""Findings that leave the area out of the import; the others go to the reviewer with it."""


class NotGeoJSON(ValueError):
    """The file cannot be read as GeoJSON (or needs an answer first); ``str()`` is
    "中文 / English"."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


@dataclass(frozen=True)
class Finding:
    area: str  # the area's name ("#3" for the third feature when it has none)
    kind: str  # a key of KINDS
    zh: str
    en: str
    geometry: dict[str, Any] | None = None  # GeoJSON (GCJ-02): what to highlight
    feature: int | None = None  # the feature's position in the file (0-based), if any

    @property
    def excluded(self) -> bool:
        return self.kind in EXCLUDING

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"

    def line(self) -> str:
        """One line of the command's report."""
        return f"{self.kind}\t{self.area}\t{self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "kind": self.kind,
            "zh": self.zh,
            "en": self.en,
            "geometry": self.geometry,
            "feature": self.feature,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Finding:
        return cls(d["area"], d["kind"], d["zh"], d["en"], d.get("geometry"), d.get("feature"))


def _finding(area: str, kind: str, detail_zh: str = "", detail_en: str = "", **kw: Any) -> Finding:
    zh, en = KINDS[kind]
    return Finding(
        area,
        kind,
        f"{area}：{zh}" + (f"（{detail_zh}）" if detail_zh else ""),
        f"{area}: {en}" + (f" ({detail_en})" if detail_en else ""),
        **kw,
    )


@dataclass
class Area:
    """One feature of the file."""

    index: int
    name: str  # "" when the feature has none
    code: str | None
    parent: str | None  # the parent's name or code, as the feature gives it
    kind: str | None
    geometry: Polygon | MultiPolygon | None  # GCJ-02; None when it cannot be used
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.name or f"#{self.index + 1}"

    def geojson(self) -> dict[str, Any] | None:
        return to_geojson(self.geometry) if self.geometry is not None else None


@dataclass
class Read:
    """What a file holds: its areas (usable or not), the system it was in, and what was wrong."""

    areas: list[Area]
    source_crs: str  # GCJ-02 or WGS-84
    findings: list[Finding]

    @property
    def usable(self) -> list[Area]:
        return [a for a in self.areas if a.geometry is not None]


# --- text and structure -------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030; anything else is no GeoJSON."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotGeoJSON("文件是UTF-16编码，请另存为UTF-8", "the file is UTF-16: save it as UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise NotGeoJSON(
            "文件编码无法识别（应为UTF-8或GB18030）",
            "unknown text encoding (UTF-8 or GB18030 expected)",
        ) from exc


_GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}


def _features(doc: Any) -> list[dict[str, Any]]:
    """The features of any of the accepted shapes."""
    if isinstance(doc, list):
        if not doc:
            raise NotGeoJSON("文件中没有任何区域", "the file holds no feature")
        out = []
        for item in doc:
            if isinstance(item, dict) and item.get("type") == "Feature":
                out.append(item)
            elif isinstance(item, dict) and item.get("type") in _GEOMETRY_TYPES:
                out.append({"type": "Feature", "properties": {}, "geometry": item})
            else:
                raise NotGeoJSON(
                    "数组中有不是GeoJSON要素的项", "an item of the array is no Feature"
                )
        return out
    if not isinstance(doc, dict):
        raise NotGeoJSON("不是GeoJSON", "not GeoJSON")
    kind = doc.get("type")
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise NotGeoJSON(
                "FeatureCollection缺少features", "a FeatureCollection without features"
            )
        if not feats:
            raise NotGeoJSON("文件中没有任何区域", "the file holds no feature")
        return [f if isinstance(f, dict) else {} for f in feats]
    if kind == "Feature":
        return [doc]
    if kind in _GEOMETRY_TYPES:
        return [{"type": "Feature", "properties": {}, "geometry": doc}]
    raise NotGeoJSON("不是GeoJSON（缺少type）", "not GeoJSON (no known type)")


def declared_crs(doc: Any) -> str | None:
    """The system a ``crs`` member names (old GeoJSON, QGIS exports): GCJ-02, WGS-84 or None.

    CGCS2000 (EPSG:4490, the national system) is taken as WGS-84: they differ by centimetres.
    A name this reader does not know is refused rather than guessed."""
    if not isinstance(doc, dict) or not isinstance(doc.get("crs"), dict):
        return None
    props = doc["crs"].get("properties") or {}
    name = str(props.get("name") or props.get("code") or "").strip()
    if not name:
        return None
    low = name.lower().replace("_", "").replace("-", "")
    if "gcj" in low or "mars" in low:
        return geo_transform.GCJ02
    if re.search(r"(crs84|epsg::?4326$|epsg::?4490$|wgs84|cgcs2000|epsg::?4490)", low):
        return geo_transform.WGS84
    raise NotGeoJSON(
        f"文件声明的坐标系{name}不是经纬度（应为GCJ-02或WGS-84）",
        f"the file declares {name}, not longitude/latitude (GCJ-02 or WGS-84 expected)",
    )


def _prop(props: dict[str, Any], keys: Sequence[str]) -> Any:
    for key in keys:
        value = props.get(key)
        if value not in (None, ""):
            return value
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # DataV: "parent": {"adcode": 620700}
        value = _prop(value, CODE_KEYS) or _prop(value, NAME_KEYS)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


# --- geometry -----------------------------------------------------------------------------------


def _ring_problem(ring: Any) -> str | None:
    if not isinstance(ring, list) or not all(
        isinstance(p, list | tuple)
        and len(p) >= 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in p[:2])
        and all(math.isfinite(c) for c in p[:2])
        for p in ring
    ):
        return "bad_coordinates"
    if any(not (-180 <= p[0] <= 180 and -90 <= p[1] <= 90) for p in ring):
        return "bad_coordinates"
    if len(ring) < 4:
        return "too_few_points"
    if list(ring[0][:2]) != list(ring[-1][:2]):
        return "ring_not_closed"
    return None


def _polygons_of(geometry: Any) -> list[Any] | str:
    """The polygons' coordinate arrays, or the kind of finding that rules the geometry out."""
    if not isinstance(geometry, dict):
        return "not_polygon"
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    polys: list[Any] | None
    if kind == "Polygon":
        polys = [coords]
    elif kind == "MultiPolygon":
        polys = coords if isinstance(coords, list) else None
    else:
        return "not_polygon"
    if not polys or not all(isinstance(p, list) and p for p in polys):
        return "bad_coordinates"
    return polys


def _convert(polys: list[Any], source_crs: str) -> list[list[list[tuple[float, float]]]]:
    out = []
    for poly in polys:
        rings = []
        for ring in poly:
            pts = [(float(p[0]), float(p[1])) for p in ring]  # drops a height
            if source_crs == geo_transform.WGS84:
                pts = [geo_transform.wgs_to_gcj(x, y) for x, y in pts]
            rings.append(pts)
        out.append(rings)
    return out


def to_geojson(geom: Any, ndigits: int = 7) -> dict[str, Any]:
    """A GeoJSON geometry dict with plain lists, coordinates rounded (7 decimals: 1 cm)."""

    def plain(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: plain(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return [plain(v) for v in obj]
        if isinstance(obj, float):
            return round(obj, ndigits)
        return obj

    out: dict[str, Any] = plain(mapping(geom))
    return out


def read(data: bytes, crs: str | None = None, *, default_name: str = "") -> Read:
    """Read a boundary file. ``crs`` ("gcj02"/"wgs84" or GCJ-02/WGS-84) is the system asked for;
    without it, the file's declaration decides, and a file declaring none is refused. A file of
    one area without a name (a bare geometry) takes ``default_name`` (the file's name).

    Raises :class:`NotGeoJSON` for a file that is not GeoJSON at all. Geometries that cannot
    be used come back as areas without geometry, with their findings."""
    text = decode(data)
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise NotGeoJSON("不是JSON文件", f"not JSON ({exc.__class__.__name__})") from exc
    features = _features(doc)
    asked = CRS_CHOICES.get(str(crs).lower(), crs) if crs else None
    if asked not in (None, geo_transform.GCJ02, geo_transform.WGS84):
        raise NotGeoJSON(f"未知坐标系{crs}", f"unknown coordinate system {crs}")
    source = asked or declared_crs(doc)
    if source is None:
        raise NotGeoJSON(
            "文件未声明坐标系，请指定 --crs gcj02 或 wgs84"
            "（高德、DataV数据为GCJ-02，GPS、天地图为WGS-84）",
            "the file declares no coordinate system: give --crs gcj02 or wgs84 "
            "(Amap and DataV data are GCJ-02, GPS and Tianditu WGS-84)",
        )
    areas: list[Area] = []
    findings: list[Finding] = []
    for i, feat in enumerate(features):
        raw_props = feat.get("properties")
        props: dict[str, Any] = raw_props if isinstance(raw_props, dict) else {}
        name = _text(_prop(props, NAME_KEYS)) or (default_name if len(features) == 1 else "")
        area = Area(
            i,
            name,
            _text(_prop(props, CODE_KEYS)),
            _text(_prop(props, PARENT_KEYS)),
            _text(_prop(props, KIND_KEYS)),
            None,
            props,
        )
        areas.append(area)
        geometry, problem = _geometry(feat.get("geometry"), source)
        if isinstance(problem, Finding):
            findings.append(
                Finding(
                    area.label,
                    problem.kind,
                    f"{area.label}：{problem.zh}",
                    f"{area.label}: {problem.en}",
                    problem.geometry,
                    i,
                )
            )
        else:
            area.geometry = geometry
        if not name:
            findings.append(
                _finding(area.label, "name_missing", feature=i, geometry=area.geojson())
            )
    return Read(areas, source, findings)


def _coordinates_hint(ring: Any, zh: str, en: str) -> tuple[str, str]:
    """Why coordinates are not longitude/latitude, when it can be told: latitude first, or
    metres of a projected system."""
    try:
        xs = [float(p[0]) for p in ring]
        ys = [float(p[1]) for p in ring]
    except (TypeError, ValueError, IndexError):
        return zh, en
    if xs and all(-90 <= x <= 90 for x in xs) and all(90 < y <= 180 for y in ys):
        return f"{zh}（纬度在前？应为经度在前）", f"{en} (latitude first? longitude comes first)"
    if xs and any(abs(v) > 1000 for v in xs + ys):
        return (
            f"{zh}（像是投影坐标（米），请先转为经纬度）",
            f"{en} (projected metres? convert to longitude/latitude first)",
        )
    return zh, en


def _geometry(raw: Any, source: str) -> tuple[Polygon | MultiPolygon | None, Finding | None]:
    polys = _polygons_of(raw)
    if isinstance(polys, str):
        zh, en = KINDS[polys]
        got = raw.get("type") if isinstance(raw, dict) else type(raw).__name__
        return None, Finding("", polys, f"{zh}（{got}）", f"{en} ({got})")
    for poly in polys:
        for ring in poly if isinstance(poly, list) else [None]:
            problem = _ring_problem(ring)
            if problem:
                zh, en = KINDS[problem]
                if problem == "bad_coordinates":
                    zh, en = _coordinates_hint(ring, zh, en)
                return None, Finding("", problem, zh, en)
    parts = _convert(polys, source)
    try:
        built = [Polygon(rings[0], rings[1:]) for rings in parts]
    except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
        zh, en = KINDS["invalid_geometry"]
        return None, Finding("", "invalid_geometry", zh, f"{en} ({exc})")
    geom: Polygon | MultiPolygon = built[0] if len(built) == 1 else MultiPolygon(built)
    if not geom.is_valid:
        reason = explain_validity(geom)
        kind = "self_intersection" if "self-intersection" in reason.lower() else "invalid_geometry"
        zh, en = KINDS[kind]
        where = _location(reason)
        shown: Any = geom if where is None else shapely.GeometryCollection([geom, where])
        if kind == "self_intersection" and where is not None:
            at = f"{where.x:.6f}, {where.y:.6f}"
            zh, en = f"{zh}（位置 {at}）", f"{en} at {at}"
        else:
            zh, en = f"{zh}（{reason}）", f"{en} ({reason})"
        return None, Finding("", kind, zh, en, to_geojson(shown))
    return geom, None


def _location(reason: str) -> Any:
    """The point explain_validity names ("Self-intersection[100.1 38.2]"), or None."""
    m = re.search(r"\[\s*(-?[\d.]+)\s+(-?[\d.]+)", reason)
    if not m:
        return None
    x, y = float(m.group(1)), float(m.group(2))
    return shapely.Point(x, y)


# --- measurement --------------------------------------------------------------------------------

_R_AUTHALIC = 6371007.2  # metres: the sphere of the WGS 84 ellipsoid's area


def _cea(coords: Any) -> Any:
    import numpy as np

    return np.column_stack(
        (
            _R_AUTHALIC * np.radians(coords[:, 0]),
            _R_AUTHALIC * np.sin(np.radians(coords[:, 1])),
        )
    )


def area_m2(geom: Any) -> float:
    """Area in m² (cylindrical equal-area on the authalic sphere: within a few tenths of a per
    cent of the ellipsoid's for a county; GCJ-02's offset changes it by far less)."""
    if geom is None or geom.is_empty:
        return 0.0
    return float(shapely.area(shapely.transform(geom, _cea)))


def area_km2(geom: Any) -> float:
    return area_m2(geom) / 1e6


def label_point(geom: Any) -> shapely.Point:
    """A point for the area's label, inside it: the centre of the largest inscribed circle of
    the largest part."""
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and not p.is_empty]
    if not parts:
        return geom.representative_point()
    largest = max(parts, key=lambda p: p.area)
    x0, y0, x1, y1 = largest.bounds
    circle = shapely.maximum_inscribed_circle(largest, tolerance=max(x1 - x0, y1 - y0) / 200)
    point = shapely.get_point(circle, 0)
    return point if largest.contains(point) else largest.representative_point()


def _degrees(metres: float) -> float:
    return metres / 111_320.0


def _polygon_parts(geom: Any) -> list[Polygon]:
    out: list[Polygon] = []
    for part in shapely.get_parts(geom):
        if isinstance(part, Polygon):
            if not part.is_empty and part.area > 0:
                out.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            out.extend(_polygon_parts(part))
    return out


def _wide(geom: Any, tolerance_m: float) -> Any:
    """The polygonal parts of ``geom`` wider than the tolerance (slivers along a shared edge
    are not), as one geometry or None."""
    polys = _polygon_parts(geom)
    d = _degrees(tolerance_m) / 2
    kept = [p for p in polys if not p.buffer(-d).is_empty]
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def _size(m2: float) -> tuple[str, str]:
    if m2 >= 1e5:
        return f"{m2 / 1e6:.2f} 平方公里", f"{m2 / 1e6:.2f} km²"
    return f"{m2:.0f} 平方米", f"{m2:.0f} m²"


# --- the checks of one group of siblings --------------------------------------------------------


@dataclass(frozen=True)
class Neighbour:
    """An area already in the database (a parent, or a sibling the file does not replace)."""

    name: str
    geometry: Any  # shapely, GCJ-02, or None


def duplicate_names(areas: Iterable[Area]) -> list[Finding]:
    """Every area whose name another area of the same group also has."""
    seen: dict[str, list[Area]] = {}
    for a in areas:
        if a.name:
            seen.setdefault(a.name, []).append(a)
    out = []
    for name, group in seen.items():
        if len(group) > 1:
            for a in group:
                out.append(
                    _finding(
                        name,
                        "duplicate_name",
                        f"同一上级下有{len(group)}个",
                        f"{len(group)} under one parent",
                        feature=a.index,
                        geometry=a.geojson(),
                    )
                )
    return out


def check_group(
    areas: Sequence[Area],
    parent: Neighbour | None,
    siblings: Sequence[Neighbour] = (),
    *,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
) -> list[Finding]:
    """Overlaps among ``areas`` and with ``siblings`` (existing areas that stay), the parts of
    each area outside ``parent``, and the gap the whole set leaves inside ``parent``.

    ``areas`` must be usable (a geometry each)."""
    findings: list[Finding] = []
    geoms: list[Any] = [a.geometry for a in areas]
    others = [s for s in siblings if s.geometry is not None and not s.geometry.is_empty]
    everything = geoms + [s.geometry for s in others]
    names = [a.label for a in areas] + [s.name for s in others]
    tree = shapely.STRtree(everything)
    for i, a in enumerate(areas):
        for j in map(int, tree.query(geoms[i], predicate="intersects")):
            if j == i or (j < len(areas) and j < i):
                continue  # itself, or a pair of the file's already seen
            piece = _wide(geoms[i].intersection(everything[j]), tolerance_m)
            if piece is None:
                continue
            zh, en = _size(area_m2(piece))
            findings.append(
                _finding(
                    a.label,
                    "overlap",
                    f"与{names[j]}重叠{zh}",
                    f"with {names[j]}, {en}",
                    geometry=to_geojson(piece),
                    feature=a.index,
                )
            )
    if parent is None or parent.geometry is None:
        return findings
    slack = parent.geometry.buffer(_degrees(tolerance_m))
    shapely.prepare(slack)
    for a, geom in zip(areas, geoms, strict=True):
        if slack.contains(geom):
            continue
        piece = _wide(geom.difference(parent.geometry), tolerance_m)
        if piece is None:
            continue
        zh, en = _size(area_m2(piece))
        findings.append(
            _finding(
                a.label,
                "outside_parent",
                f"{parent.name}之外{zh}",
                f"{en} outside {parent.name}",
                geometry=to_geojson(piece),
                feature=a.index,
            )
        )
    covered = shapely.union_all(everything) if everything else Polygon()
    gap = _wide(parent.geometry.difference(covered), tolerance_m)
    if gap is not None:
        zh, en = _size(area_m2(gap))
        n = len(shapely.get_parts(gap))
        findings.append(
            _finding(
                parent.name,
                "gap",
                f"{n}处空隙，共{zh}",
                f"{n} gap(s), {en} in all",
                geometry=to_geojson(gap),
            )
        )
    return findings
