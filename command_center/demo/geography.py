"""Demo geography of Minle County (民乐县, Gansu): towns, villages, grids and micro-grids.

The county outline and the list of towns and villages are real public data (see
``resources/demo/PROVENANCE.md``). No public polygons exist below the county, so
:func:`build_county` generates them: each level is a Voronoi partition of its parent, seeded
with points that a few weighted Lloyd (k-means) iterations spread out, clipped to the parent.
Town seeds are the real town centres. Everything below the county outline is demo data.

What the demo adds to the 2016 statistics codes, to match the county's figures today:

* 顺化乡 and 丰乐乡 are towns now (顺化镇, 丰乐镇);
* 城区社区管理委员会 (code 620722001000), the urban community committee of the county seat,
  is carved out of 洪水镇 around the county seat, with 7 new communities for resettled
  residents (codes 620722001001..620722001007);
* 448 grids and 896 micro-grids.

Counts: 12 town-level units, 186 villages and communities, 448 grids, 896 micro-grids.
Coordinates are GCJ-02 longitude/latitude, like the source outline.

Pure Python + shapely + numpy; no Qt, no database.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, TypeAlias

import numpy as np
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, box, mapping, shape

COORDINATE_SYSTEM = "GCJ-02"
PRECISION = 1e-6  # degrees (about 0.1 m); every generated vertex lies on this grid
DEFAULT_SEED = 20261122

RESOURCES_DIR = Path(__file__).resolve().parents[2] / "resources" / "demo"
OUTLINE_FILE = RESOURCES_DIR / "minle_620722_fence_gcj02.json"
DIVISIONS_FILE = RESOURCES_DIR / "minle_620722_towns_villages_adcode.csv"

COUNTY_CODE = "620722000000"
COUNTY_NAME = "民乐县"
COUNTY_SEAT = (100.812629, 38.430347)  # centre of the county row in the adcode CSV

URBAN_CODE = "620722001000"
URBAN_NAME = "城区社区管理委员会"
URBAN_PARENT_CODE = "620722101000"  # 洪水镇, which the urban committee is carved out of
NEW_COMMUNITIES = (
    "富民社区",
    "幸福社区",
    "新城社区",
    "惠民社区",
    "金山社区",
    "祁连社区",
    "安居社区",
)
RENAMED_TOWNS = {"顺化乡": "顺化镇", "丰乐乡": "丰乐镇"}
PARK_NAME = "民乐生态工业园区"

EXPECTED_COUNTS = {"towns": 12, "villages": 186, "grids": 448, "micro_grids": 896}

Geometry: TypeAlias = Polygon | MultiPolygon

# ---------------------------------------------------------------------------------------------
# Data model
# ---------------------------------------------------------------------------------------------


class _Labelled:
    __slots__ = ()
    geometry: Geometry

    @property
    def label_point(self) -> Point:
        """Where a map puts this unit's label (always inside the geometry)."""
        return label_point(self.geometry)

    @property
    def area_km2(self) -> float:
        return area_km2(self.geometry)


@dataclass(frozen=True, slots=True)
class MicroGrid(_Labelled):
    level: ClassVar[str] = "micro_grid"
    kind: ClassVar[str] = "micro"

    code: str
    name: str
    geometry: Geometry


@dataclass(frozen=True, slots=True)
class Grid(_Labelled):
    level: ClassVar[str] = "grid"

    code: str
    name: str
    kind: str  # "comprehensive" | "dedicated"
    geometry: Geometry
    micro_grids: tuple[MicroGrid, ...]


@dataclass(frozen=True, slots=True)
class Village(_Labelled):
    level: ClassVar[str] = "village"

    code: str
    name: str
    kind: str  # "village" | "community"
    geometry: Geometry
    grids: tuple[Grid, ...]
    note: str = ""  # what the demo changed or added, empty for the 2016 data as is


@dataclass(frozen=True, slots=True)
class Town(_Labelled):
    level: ClassVar[str] = "town"

    code: str
    name: str
    kind: str  # "town" | "township" | "park" | "subdistrict"
    center: tuple[float, float]  # (lon, lat) of the seat of government, GCJ-02
    geometry: Geometry
    villages: tuple[Village, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class County(_Labelled):
    level: ClassVar[str] = "county"
    kind: ClassVar[str] = "county"

    code: str
    name: str
    outline: Polygon
    towns: tuple[Town, ...]

    @property
    def geometry(self) -> Polygon:
        return self.outline


def iter_villages(county: County) -> Iterator[tuple[Town, Village]]:
    for town in county.towns:
        for village in town.villages:
            yield town, village


def iter_grids(county: County) -> Iterator[tuple[Town, Village, Grid]]:
    for town in county.towns:
        for village in town.villages:
            for grid in village.grids:
                yield town, village, grid


def iter_micro_grids(county: County) -> Iterator[tuple[Town, Village, Grid, MicroGrid]]:
    for town, village, grid in iter_grids(county):
        for micro in grid.micro_grids:
            yield town, village, grid, micro


# ---------------------------------------------------------------------------------------------
# Geometry helpers: equal-area measurement, GeoJSON, labels
# ---------------------------------------------------------------------------------------------

_WGS84_A = 6378137.0
_WGS84_E2 = 0.00669437999014
_WGS84_E = math.sqrt(_WGS84_E2)


def _authalic_q(sin_phi: np.ndarray | float) -> np.ndarray | float:
    e, e2 = _WGS84_E, _WGS84_E2
    es = e * sin_phi
    return (1 - e2) * (sin_phi / (1 - es * es) - np.log((1 - es) / (1 + es)) / (2 * e))


_QP = float(_authalic_q(1.0))
_RQ = _WGS84_A * math.sqrt(_QP / 2)  # radius of the authalic sphere, metres
_LAEA_LON0, _LAEA_LAT0 = 100.70, 38.48  # roughly the middle of the county
_BETA0 = math.asin(float(_authalic_q(math.sin(math.radians(_LAEA_LAT0)))) / _QP)


def _laea(coords: np.ndarray) -> np.ndarray:
    """Lambert azimuthal equal-area on the WGS 84 authalic sphere, metres.

    Equal-area on the ellipsoid (the authalic latitude and the azimuthal projection both keep
    areas). Straight lon/lat edges become very slightly curved, which for county-sized shapes
    changes areas by far less than a part in 10⁴.
    """
    lam = np.radians(coords[:, 0] - _LAEA_LON0)
    beta = np.arcsin(np.clip(_authalic_q(np.sin(np.radians(coords[:, 1]))) / _QP, -1, 1))
    sb0, cb0 = math.sin(_BETA0), math.cos(_BETA0)
    sb, cb, cl = np.sin(beta), np.cos(beta), np.cos(lam)
    k = np.sqrt(2 / (1 + sb0 * sb + cb0 * cb * cl))
    return np.column_stack((_RQ * k * cb * np.sin(lam), _RQ * k * (cb0 * sb - sb0 * cb * cl)))


def area_km2(geom: shapely.Geometry) -> float:
    """Area of a GCJ-02 lon/lat geometry in km² (equal-area projection of the WGS 84 ellipsoid).

    GCJ-02 differs from WGS 84 by a smooth offset of a few hundred metres, which changes areas
    by far less than a part per million.
    """
    return float(shapely.area(shapely.transform(geom, _laea))) / 1e6


def to_geojson(geom: shapely.Geometry) -> dict[str, Any]:
    """GeoJSON geometry dict with coordinates rounded to 6 decimals (about 0.1 m).

    Lossless for the geometries :func:`build_county` makes (they already lie on the 1e-6
    grid). For any other geometry, if plain rounding would make it invalid, the rounding goes
    through ``shapely.set_precision`` instead, and failing that the coordinates stay as they
    are.
    """
    rounded = _plain(mapping(geom), ndigits=6)
    if shape(rounded).is_valid or not geom.is_valid:
        return rounded
    snapped = shapely.set_precision(geom, PRECISION)
    if snapped.is_valid and not snapped.is_empty and snapped.geom_type == geom.geom_type:
        return _plain(mapping(snapped), ndigits=6)
    return _plain(mapping(geom))


def _plain(obj: Any, ndigits: int | None = None) -> Any:
    """Tuples to lists (JSON-friendly), numbers optionally rounded."""
    if isinstance(obj, dict):
        return {key: _plain(value, ndigits) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(value, ndigits) for value in obj]
    if isinstance(obj, float) and ndigits is not None:
        return round(obj, ndigits)
    return obj


def label_point(geom: shapely.Geometry) -> Point:
    """A good point for a map label: the pole of inaccessibility of the largest part."""
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and not p.is_empty]
    if not parts:
        return geom.representative_point()
    largest = max(parts, key=lambda p: p.area)
    x0, y0, x1, y1 = largest.bounds
    circle = shapely.maximum_inscribed_circle(largest, tolerance=max(x1 - x0, y1 - y0) / 200)
    point = shapely.get_point(circle, 0)
    return point if largest.contains(point) else largest.representative_point()


# ---------------------------------------------------------------------------------------------
# Local plane used for seeding and Voronoi (km, near-conformal over the county)
# ---------------------------------------------------------------------------------------------

_KM_PER_DEG = 111.195
_PLANE_LON0, _PLANE_LAT0 = COUNTY_SEAT
_COS0 = math.cos(math.radians(_PLANE_LAT0))


def _to_plane(lonlat: np.ndarray) -> np.ndarray:
    return np.column_stack(
        (
            (lonlat[:, 0] - _PLANE_LON0) * _COS0 * _KM_PER_DEG,
            (lonlat[:, 1] - _PLANE_LAT0) * _KM_PER_DEG,
        )
    )


def _from_plane(xy: np.ndarray) -> np.ndarray:
    return np.column_stack(
        (xy[:, 0] / (_COS0 * _KM_PER_DEG) + _PLANE_LON0, xy[:, 1] / _KM_PER_DEG + _PLANE_LAT0)
    )


def _terrain(xy: np.ndarray) -> np.ndarray:
    """Relative settlement density: the plain in the north, the Qilian foothills in the south."""
    lat = xy[:, 1] / _KM_PER_DEG + _PLANE_LAT0
    return np.clip((lat - 38.18) / (38.40 - 38.18), 0.08, 1.0)


Density = Callable[[np.ndarray], np.ndarray]


def _uniform(xy: np.ndarray) -> np.ndarray:
    return np.ones(len(xy))


def _centred(center_xy: np.ndarray, peak: float, sigma_km: float) -> Density:
    """Terrain density with a bump around a centre (the town seat)."""

    def density(xy: np.ndarray) -> np.ndarray:
        d2 = ((xy - center_xy) ** 2).sum(axis=1)
        return _terrain(xy) * (1 + peak * np.exp(-d2 / sigma_km**2))

    return density


# ---------------------------------------------------------------------------------------------
# Partitioning
# ---------------------------------------------------------------------------------------------


def _polygons(geom: shapely.Geometry) -> list[Polygon]:
    """The polygonal parts of a geometry (drops points and lines of a GeometryCollection)."""
    out: list[Polygon] = []
    for part in shapely.get_parts(geom):
        if isinstance(part, Polygon):
            if not part.is_empty and part.area > 0:
                out.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            out.extend(_polygons(part))
    return out


def _as_geometry(parts: Sequence[Polygon]) -> Geometry:
    merged = shapely.union_all(list(parts)) if len(parts) > 1 else parts[0]
    polys = _polygons(merged)
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def _sample_inside(parent: Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform random lon/lat points strictly inside ``parent``."""
    shapely.prepare(parent)
    x0, y0, x1, y1 = parent.bounds
    fill = max(parent.area / ((x1 - x0) * (y1 - y0)), 0.02)
    chunks: list[np.ndarray] = []
    have = 0
    while have < n:
        m = int((n - have) / fill * 1.3) + 16
        pts = np.column_stack((rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)))
        pts = pts[shapely.contains_xy(parent, pts[:, 0], pts[:, 1])]
        chunks.append(pts)
        have += len(pts)
    return np.concatenate(chunks)[:n]


def _lloyd_seeds(
    parent: Geometry, k: int, rng: np.random.Generator, density: Density, iterations: int = 8
) -> np.ndarray:
    """``k`` seed points (plane coordinates) inside ``parent``: weighted k-means on samples."""
    samples_ll = _sample_inside(parent, max(400, 80 * k), rng)
    xy = _to_plane(samples_ll)
    w = density(xy)
    # k-means++ initialisation, weighted by density
    centres = [xy[rng.choice(len(xy), p=w / w.sum())]]
    d2 = ((xy - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        p = w * d2
        centres.append(xy[rng.choice(len(xy), p=p / p.sum())])
        d2 = np.minimum(d2, ((xy - centres[-1]) ** 2).sum(axis=1))
    c = np.array(centres)
    for _ in range(iterations):
        labels = ((xy[:, None, :] - c[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
        for j in range(k):
            sel = labels == j
            if sel.any():
                c[j] = (xy[sel] * w[sel, None]).sum(axis=0) / w[sel].sum()
    # keep every seed strictly inside the parent: a centroid of a concave cluster may fall
    # outside, then use the cluster's sample nearest to it
    labels = ((xy[:, None, :] - c[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    c_ll = _from_plane(c)
    inside = shapely.contains_xy(parent, c_ll[:, 0], c_ll[:, 1])
    for j in map(int, np.flatnonzero(~inside)):
        members = np.flatnonzero(labels == j)
        if len(members) == 0:
            members = np.arange(len(xy))
        c[j] = xy[members[((xy[members] - c[j]) ** 2).sum(axis=1).argmin()]]
    if len(np.unique(c, axis=0)) < k:  # practically impossible; nudge duplicates apart
        for j in range(k):
            if any((c[j] == c[i]).all() for i in range(j)):
                members = np.flatnonzero(labels == j)
                c[j] = xy[rng.choice(members if len(members) else np.arange(len(xy)))]
    return c


def _voronoi_partition(parent: Geometry, seeds_xy: np.ndarray) -> list[Geometry]:
    """Exact partition of ``parent`` into the Voronoi cells of ``seeds_xy`` (plane coordinates).

    The diagram is computed in the local plane and mapped back to lon/lat vertex by vertex, so
    neighbouring cells keep bit-identical shared edges; each cell is then clipped to the parent.
    A cell that the clipping splits in pieces keeps the piece holding its seed; every other
    piece goes to the neighbour it shares the longest border with, so each child is one
    polygon where the parent allows it and the union is still exactly the parent.
    """
    k = len(seeds_xy)
    if k == 1:
        return [parent]
    seeds_ll = _from_plane(seeds_xy)
    px0, py0, px1, py1 = parent.bounds
    corners = _to_plane(np.array([[px0, py0], [px1, py1], [px0, py1], [px1, py0]]))
    (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
    margin = max(x1 - x0, y1 - y0)
    extent = box(x0 - margin, y0 - margin, x1 + margin, y1 + margin)
    diagram = shapely.voronoi_polygons(MultiPoint(seeds_xy), extend_to=extent, ordered=True)
    cells = shapely.transform(shapely.get_parts(diagram), _from_plane)
    clipped = shapely.intersection(cells, parent)

    main: list[Polygon | None] = [None] * k
    strays: list[tuple[int, Polygon]] = []
    for i, geom in enumerate(clipped):
        pieces = _polygons(geom)
        seed = Point(seeds_ll[i])
        holder = next((p for p in pieces if p.contains(seed)), None)
        if holder is None and pieces:
            holder = max(pieces, key=lambda p: p.area)
        main[i] = holder
        strays.extend((i, p) for p in pieces if p is not holder)
    if any(m is None for m in main):
        raise RuntimeError("a Voronoi seed lies outside its parent")

    groups: list[list[Polygon]] = [[m] for m in main if m is not None]
    pending = strays
    while pending:
        current = [_as_geometry(g) if len(g) > 1 else g[0] for g in groups]
        tree = shapely.STRtree(current)
        left: list[tuple[int, Polygon]] = []
        for owner, piece in pending:
            best, best_len = -1, 0.0
            border = piece.boundary
            for j in tree.query(piece):
                if j == owner:
                    continue
                shared = shapely.length(shapely.intersection(border, current[j]))
                if shared > best_len:
                    best, best_len = int(j), float(shared)
            if best >= 0:
                groups[best].append(piece)
            else:
                left.append((owner, piece))
        if len(left) == len(pending):  # isolated pieces (a parent in several parts): keep them
            for owner, piece in left:
                groups[owner].append(piece)
            break
        pending = left
    return [_as_geometry(g) for g in groups]


def _partition(
    parent: Geometry, k: int, rng: np.random.Generator, density: Density
) -> list[Geometry]:
    """Exact partition of ``parent`` into ``k`` Lloyd-relaxed Voronoi cells."""
    if k == 1:
        return [parent]
    return _voronoi_partition(parent, _lloyd_seeds(parent, k, rng, density))


def _allocate(weights: Sequence[float], total: int, lo: int, hi: int) -> list[int]:
    """Split ``total`` into integers in [lo, hi] roughly proportional to ``weights`` (Webster)."""
    n = len(weights)
    if not lo * n <= total <= hi * n:
        raise ValueError(f"cannot split {total} into {n} parts of {lo}..{hi}")
    counts = [lo] * n
    w = np.asarray(weights, dtype=float)
    for _ in range(total - lo * n):
        score = np.where(np.array(counts) < hi, w / (np.array(counts) + 0.5), -np.inf)
        counts[int(score.argmax())] += 1
    return counts


def _rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed % (1 << 64), *keys]))


# ---------------------------------------------------------------------------------------------
# Source data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    code: str
    parent: str
    name: str
    level: str
    ur_code: str
    lon: float | None
    lat: float | None

    @property
    def centre(self) -> tuple[float, float]:
        if self.lon is None or self.lat is None:
            raise ValueError(f"{self.code} {self.name} has no centre point")
        return self.lon, self.lat


@cache
def load_source_outline() -> Polygon:
    with OUTLINE_FILE.open(encoding="utf-8") as fh:
        geom = shape(json.load(fh))
    if not isinstance(geom, Polygon) or not geom.is_valid:
        raise ValueError(f"{OUTLINE_FILE.name}: expected a valid Polygon")
    return geom


@cache
def _load_rows() -> tuple[_Row, ...]:
    rows = []
    with DIVISIONS_FILE.open(encoding="utf-8", newline="") as fh:
        for rec in csv.reader(fh):
            if not rec:
                continue
            rows.append(
                _Row(
                    code=rec[0],
                    parent=rec[1],
                    name=rec[2],
                    level=rec[3],
                    ur_code=rec[8],
                    lon=float(rec[12]) if rec[12] else None,
                    lat=float(rec[13]) if rec[13] else None,
                )
            )
    return tuple(rows)


def _town_name_kind(name: str) -> tuple[str, str, str]:
    if name == PARK_NAME:
        return name, "park", ""
    if name in RENAMED_TOWNS:
        return RENAMED_TOWNS[name], "town", f"2016年后由{name}撤乡设镇"
    return name, ("township" if name.endswith("乡") else "town"), ""


def _village_name_kind(name: str) -> tuple[str, str]:
    if name.endswith("村委会"):
        return name.removesuffix("村委会") + "村", "village"
    if name.endswith("居委会"):
        return name.removesuffix("居委会") + "社区", "community"
    # 开发区虚拟社区: the park's statistical "virtual community" has no committee suffix
    return name, ("community" if name.endswith("社区") else "village")


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------

_URBAN_PRIORITY = {"121": 1, "122": 2, "210": 3}  # town centre, urban fringe, township centre

# Grids: communities get 4..8, villages 1..3, the park a fixed set of dedicated grids.
_PARK_GRIDS = (
    "食品加工区专属网格",
    "马铃薯产业区专属网格",
    "新能源产业区专属网格",
    "物流仓储区专属网格",
    "循环经济区专属网格",
    "园区综合服务区专属网格",
)
_COMMUNITY_GRIDS = 78  # over the 13 urban communities (6 of 洪水镇 + 7 of 城区)
_COMMUNITY_GRID_RANGE = (4, 8)
_VILLAGE_GRID_RANGE = (1, 3)
# A few special places get a dedicated grid: (village name, grid name); the smallest grid of
# that community becomes it.
_DEDICATED = (
    ("新城社区", "民乐一中校园专属网格"),
    ("幸福社区", "县人民医院专属网格"),
    ("东街社区", "农贸市场专属网格"),
    ("西街社区", "汽车站专属网格"),
    ("南街社区", "民乐二中校园专属网格"),
)
_MICRO_GRID_RANGE = (1, 4)
_URBAN_NOTE = "示范数据：县城城区社区管理委员会，由洪水镇析出"
_NEW_COMMUNITY_NOTE = "示范数据：新建易地搬迁安置社区"
# The outline's south-western lobe (Qilian foothills) lies far from every town seat; plain
# Voronoi cells would cut it into a long thin strip of 丰乐镇 beside 顺化镇, so 顺化镇 gets a
# second seed there and takes the lobe whole.
_EXTRA_TOWN_SEEDS = {"620722203000": [(100.585, 38.30)]}
_URBAN_RADIUS_KM = 3.2  # the county seat's urban area, 2.5-4 km from the seat
_PARK_RADIUS_KM = 2.6  # the industrial park, about 20 km²
_NUMERALS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1..99 in Chinese numerals (一, 十, 十一, 二十三)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _NUMERALS[ones]
    return ("" if tens == 1 else _NUMERALS[tens]) + "十" + (_NUMERALS[ones] if ones else "")


def _blob(centre: tuple[float, float], radius_km: float, phase: float) -> Polygon:
    """An irregular round area: radius ``radius_km`` give or take a fifth."""
    theta = np.linspace(0, 2 * np.pi, 97)[:-1]
    wobble = 0.13 * np.sin(2 * theta + phase) + 0.08 * np.cos(3 * theta + 2.7 * phase)
    r = radius_km * (1 + wobble)
    c = _to_plane(np.array([centre]))[0]
    ring = np.column_stack((c[0] + r * np.sin(theta), c[1] + r * np.cos(theta)))
    return Polygon(_from_plane(ring))


@dataclass(frozen=True, slots=True)
class _TownDraft:
    code: str
    name: str
    kind: str
    center: tuple[float, float]
    geometry: Geometry
    note: str


@dataclass(slots=True)
class _VillageDraft:
    code: str
    name: str
    kind: str
    ur_code: str  # urban-rural class of the statistics codes ("121" town centre ...), "" if new
    note: str
    geometry: Geometry | None = None
    weight: float = 1.0  # population proxy, decides the number of grids
    grid_count: int = 0


def _town_drafts(outline: Polygon, rows: Sequence[_Row]) -> list[_TownDraft]:
    """The 12 town-level units, in code order.

    Voronoi cells of the real town centres; the industrial park is a compact area round its
    centre, carved out of the town cells it overlaps (in practice 六坝镇), and the urban
    committee is carved out of 洪水镇 round the county seat.
    """
    town_rows = sorted((r for r in rows if r.level == "town"), key=lambda r: r.code)
    park_row = next(r for r in town_rows if r.name == PARK_NAME)
    seat_rows = [r for r in town_rows if r is not park_row]
    seeds = [r.centre for r in seat_rows]
    owners = list(range(len(seat_rows)))
    for code, extra in _EXTRA_TOWN_SEEDS.items():
        owner = next(i for i, r in enumerate(seat_rows) if r.code == code)
        seeds.extend(extra)
        owners.extend([owner] * len(extra))
    seed_cells = _voronoi_partition(outline, _to_plane(np.array(seeds)))
    geoms: dict[str, Geometry] = {}
    for i, r in enumerate(seat_rows):
        parts = [p for c, o in zip(seed_cells, owners, strict=True) if o == i for p in _polygons(c)]
        geoms[r.code] = _as_geometry(parts)

    park_blob = _blob(park_row.centre, _PARK_RADIUS_KM, 1.3)
    park = _as_geometry(_polygons(shapely.intersection(park_blob, outline)))
    for code, geom in geoms.items():
        geoms[code] = _as_geometry(_polygons(shapely.difference(geom, park)))
    geoms[park_row.code] = park

    hongshui = geoms[URBAN_PARENT_CODE]
    urban_blob = _blob(COUNTY_SEAT, _URBAN_RADIUS_KM, 0.7)
    urban = _as_geometry(_polygons(shapely.intersection(urban_blob, hongshui)))
    geoms[URBAN_PARENT_CODE] = _as_geometry(_polygons(shapely.difference(hongshui, urban)))

    towns = [_TownDraft(URBAN_CODE, URBAN_NAME, "subdistrict", COUNTY_SEAT, urban, _URBAN_NOTE)]
    for r in town_rows:
        name, kind, note = _town_name_kind(r.name)
        towns.append(_TownDraft(r.code, name, kind, r.centre, geoms[r.code], note))
    return sorted(towns, key=lambda t: t.code)


def _village_drafts(
    town: _TownDraft, rows: Sequence[_Row], rng: np.random.Generator
) -> list[_VillageDraft]:
    """The villages and communities of one town with their cells, in code order."""
    centre_xy = _to_plane(np.array([town.center]))[0]
    if town.code == URBAN_CODE:
        drafts = [
            _VillageDraft(f"{URBAN_CODE[:9]}{i:03d}", name, "community", "", _NEW_COMMUNITY_NOTE)
            for i, name in enumerate(NEW_COMMUNITIES, start=1)
        ]
        density: Density = _uniform
    else:
        drafts = []
        for r in sorted((r for r in rows if r.parent == town.code), key=lambda r: r.code):
            name, kind = _village_name_kind(r.name)
            drafts.append(_VillageDraft(r.code, name, kind, r.ur_code, ""))
        density = _centred(centre_xy, peak=0.0 if town.kind == "park" else 6.0, sigma_km=4.0)
    cells = _partition(town.geometry, len(drafts), rng, density)

    # Communities and town-centre villages take the cells nearest the seat; the others are
    # placed clockwise from the north, so their codes run round the town.
    def priority(d: _VillageDraft) -> int:
        return 0 if d.kind == "community" else _URBAN_PRIORITY.get(d.ur_code, 9)

    labels = _to_plane(np.array([c.representative_point().coords[0] for c in cells]))
    offsets = labels - centre_xy
    n_near = sum(1 for d in drafts if priority(d) < 9)
    by_distance = [int(i) for i in np.argsort(np.hypot(*offsets.T), kind="stable")]
    angle = np.mod(np.arctan2(offsets[:, 0], offsets[:, 1]), 2 * np.pi)
    placement = by_distance[:n_near] + sorted(by_distance[n_near:], key=lambda i: angle[i])
    for d, i in zip(sorted(drafts, key=lambda d: (priority(d), d.code)), placement, strict=True):
        d.geometry = cells[i]
        # grows slowly with area, thinner in the mountains, denser at town centres
        d.weight = area_km2(cells[i]) ** 0.4 * float(_terrain(labels[i : i + 1])[0]) ** 0.5
        if d.ur_code in ("121", "122"):
            d.weight *= 1.5
        d.weight *= 0.7 + 0.6 * float(rng.random())
    return drafts


def _assign_grid_counts(villages: dict[str, list[_VillageDraft]], park_code: str) -> None:
    park = villages[park_code]
    if len(park) != 1:
        raise ValueError("expected the industrial park to hold one statistical community")
    park[0].grid_count = len(_PARK_GRIDS)
    others = [d for code, ds in villages.items() if code != park_code for d in ds]
    village_total = EXPECTED_COUNTS["grids"] - _COMMUNITY_GRIDS - len(_PARK_GRIDS)
    for kind, total, lo, hi in (
        ("community", _COMMUNITY_GRIDS, *_COMMUNITY_GRID_RANGE),
        ("village", village_total, *_VILLAGE_GRID_RANGE),
    ):
        group = [d for d in others if d.kind == kind]
        counts = _allocate([d.weight for d in group], total, lo, hi)
        for d, n in zip(group, counts, strict=True):
            d.grid_count = n


def _grid_names(
    village: _VillageDraft, cells: Sequence[Geometry], in_park: bool
) -> list[tuple[str, str]]:
    """(kind, name) of each grid of a village."""
    if in_park:
        return [("dedicated", name) for name in _PARK_GRIDS[: len(cells)]]
    out: list[tuple[str, str]] = []
    special = dict(_DEDICATED).get(village.name) if len(cells) > 1 else None
    smallest = min(range(len(cells)), key=lambda i: cells[i].area)
    ordinal = 0
    for i in range(len(cells)):
        if special and i == smallest:
            out.append(("dedicated", special))
        else:
            ordinal += 1
            out.append(("comprehensive", f"{village.name}第{chinese_numeral(ordinal)}网格"))
    return out


def build_county(seed: int = DEFAULT_SEED) -> County:
    """Build the demo county hierarchy; the same seed always gives the same geometries.

    Town-level polygons do not depend on the seed; villages, grids and micro-grids do.
    """
    outline = load_source_outline()
    rows = _load_rows()
    county_row = next(r for r in rows if r.level == "county")
    towns = _town_drafts(outline, rows)
    park_code = next(t.code for t in towns if t.kind == "park")

    villages = {t.code: _village_drafts(t, rows, _rng(seed, 1, i)) for i, t in enumerate(towns)}
    _assign_grid_counts(villages, park_code)

    # grid cells, then how many micro-grids each grid gets (1..4, 896 in all)
    grid_cells: list[tuple[_VillageDraft, list[Geometry], list[tuple[str, str]]]] = []
    for t_index, town in enumerate(towns):
        for v_index, d in enumerate(villages[town.code]):
            if d.geometry is None:
                raise RuntimeError(f"village {d.code} got no cell")
            cells = _partition(d.geometry, d.grid_count, _rng(seed, 2, t_index, v_index), _terrain)
            grid_cells.append((d, cells, _grid_names(d, cells, town.code == park_code)))
    flat = [cell for _d, cells, _names in grid_cells for cell in cells]
    points = np.array([cell.representative_point().coords[0] for cell in flat])
    weights = np.sqrt([area_km2(cell) for cell in flat]) * _terrain(_to_plane(points))
    weights *= _rng(seed, 3).uniform(0.6, 1.4, len(flat))
    micro_counts = iter(_allocate(weights, EXPECTED_COUNTS["micro_grids"], *_MICRO_GRID_RANGE))

    grids_by_village: dict[str, tuple[Grid, ...]] = {}
    flat_index = 0
    for d, cells, names in grid_cells:
        grids = []
        for g_index, (cell, (kind, name)) in enumerate(zip(cells, names, strict=True), 1):
            code = f"{d.code}{g_index:02d}"
            m_cells = _partition(cell, next(micro_counts), _rng(seed, 4, flat_index), _uniform)
            flat_index += 1
            micros = tuple(
                MicroGrid(f"{code}{m}", f"第{chinese_numeral(m)}微网格", m_geom)
                for m, m_geom in enumerate(m_cells, 1)
            )
            grids.append(Grid(code, name, kind, cell, micros))
        grids_by_village[d.code] = tuple(grids)

    county = County(
        county_row.code,
        county_row.name,
        outline,
        tuple(
            Town(
                t.code,
                t.name,
                t.kind,
                t.center,
                t.geometry,
                tuple(
                    Village(d.code, d.name, d.kind, d.geometry, grids_by_village[d.code], d.note)
                    for d in villages[t.code]
                ),
                t.note,
            )
            for t in towns
        ),
    )
    return _snap_to_grid(county)


def _snap_to_grid(county: County) -> County:
    """Put every generated vertex on the ``PRECISION`` grid, keeping all partitions exact.

    Rounding each polygon on its own would not do: a vertex where a Voronoi edge meets the
    parent's border lies on the neighbouring parent's edge without being one of its vertices,
    and rounding it alone opens slivers between the two. So the micro-grid linework is noded
    and snap-rounded as a whole, cut into faces, and every level is rebuilt bottom-up as the
    union of its children, up to the county outline itself (the real outline with the town
    borders' end points added, within 0.1 m of the source). Afterwards rounding coordinates
    to 6 decimals changes nothing.
    """
    micros = [m for *_rest, m in iter_micro_grids(county)]
    geoms = np.array([m.geometry for m in micros])
    noded = shapely.union_all(shapely.boundary(geoms), grid_size=PRECISION)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    faces = faces[shapely.area(faces) > 0]
    owner = np.full(len(faces), -1)
    tree = shapely.STRtree(geoms)
    face_index, geom_index = tree.query(shapely.point_on_surface(faces), predicate="within")
    owner[face_index] = geom_index
    for f in map(int, np.flatnonzero(owner < 0)):  # a sliver whose inner point sits on a border
        candidates = tree.query(faces[f])
        shared = shapely.area(shapely.intersection(geoms[candidates], faces[f]))
        owner[f] = candidates[int(np.argmax(shared))]
    pieces: list[list[Polygon]] = [[] for _ in micros]
    for f, o in enumerate(owner):
        pieces[o].append(faces[f])
    if any(not p for p in pieces):
        raise RuntimeError("snapping to the precision grid swallowed a micro-grid")
    snapped = {m.code: _coverage_union(p) for m, p in zip(micros, pieces, strict=True)}

    def grid(g: Grid) -> Grid:
        ms = tuple(replace(m, geometry=snapped[m.code]) for m in g.micro_grids)
        return replace(g, geometry=_coverage_union([m.geometry for m in ms]), micro_grids=ms)

    def village(v: Village) -> Village:
        gs = tuple(grid(g) for g in v.grids)
        return replace(v, geometry=_coverage_union([g.geometry for g in gs]), grids=gs)

    def town(t: Town) -> Town:
        vs = tuple(village(v) for v in t.villages)
        return replace(t, geometry=_coverage_union([v.geometry for v in vs]), villages=vs)

    towns = tuple(town(t) for t in county.towns)
    outline = _coverage_union([t.geometry for t in towns])
    if not isinstance(outline, Polygon):
        raise RuntimeError("the snapped county outline fell apart")
    return replace(county, outline=outline, towns=towns)


def _coverage_union(parts: Sequence[Geometry]) -> Geometry:
    polys = [p for part in parts for p in _polygons(part)]
    merged = polys[0] if len(polys) == 1 else shapely.coverage_union_all(polys)
    out = _polygons(merged)
    return out[0] if len(out) == 1 else MultiPolygon(out)


_CJK = re.compile(r"^[\u4e00-\u9fff]+$")


def is_chinese_name(name: str) -> bool:
    """True if a name is made of CJK ideographs only (the demo's naming rule)."""
    return bool(_CJK.match(name))
