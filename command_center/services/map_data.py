"""What the map wall draws, as plain data: boundaries, incident points, and what cannot be drawn.

shapely is imported where boundaries are checked, on the worker thread, not at start-up.

Incidents travel as columns (one list per field) rather than as objects: 50,000 of them make a
compact JSON document the page turns into canvas markers in one pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from command_center import clock
from command_center.models import AdminArea, Incident
from command_center.services import geo_transform, lifecycle

BOUNDARY_LEVELS = ("town", "village", "grid")


@dataclass(frozen=True)
class GeometryProblem:
    """A boundary left off the map, and why (in Chinese and English)."""

    level: str
    code: str
    name: str
    problem: str


@dataclass(frozen=True)
class Boundaries:
    layers: dict[str, dict[str, Any]]  # level -> GeoJSON FeatureCollection
    bounds: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    problems: tuple[GeometryProblem, ...]


def boundaries(session: Session, *, out_crs: str = geo_transform.GCJ02) -> Boundaries:
    """Towns, villages and grids as GeoJSON with names and label points; broken ones reported.

    A geometry that is empty, invalid (self-intersecting) or lies outside the county outline is
    left out and named in ``problems``; everything else draws.
    """
    import shapely
    from shapely.geometry import shape

    rows = session.execute(
        select(
            AdminArea.id,
            AdminArea.level,
            AdminArea.code,
            AdminArea.name,
            AdminArea.kind,
            AdminArea.geometry,
            AdminArea.label_lon,
            AdminArea.label_lat,
        ).where(AdminArea.valid_to.is_(None), AdminArea.level.in_(("county", *BOUNDARY_LEVELS)))
    ).all()
    county = next((shape(r.geometry) for r in rows if r.level == "county" and r.geometry), None)
    # a little slack: boundaries are generated and rounded to 1e-6 degrees
    outline = county.buffer(1e-4) if county is not None else None
    if outline is not None:
        shapely.prepare(outline)
    layers: dict[str, list[dict[str, Any]]] = {level: [] for level in BOUNDARY_LEVELS}
    problems: list[GeometryProblem] = []
    for r in rows:
        if r.level == "county":
            continue
        problem = _problem(r.geometry, outline)
        if problem:
            problems.append(GeometryProblem(r.level, r.code, r.name, problem))
            continue
        geometry, label = r.geometry, [r.label_lat, r.label_lon]
        if out_crs == geo_transform.WGS84:
            geometry = geo_transform.geojson_gcj_to_wgs(geometry)
            if r.label_lon is not None and r.label_lat is not None:
                lon, lat = geo_transform.gcj_to_wgs(r.label_lon, r.label_lat)
                label = [round(lat, 6), round(lon, 6)]
        layers[r.level].append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "id": r.id,
                    "code": r.code,
                    "name": r.name,
                    "kind": r.kind,
                    "label": label,
                },
            }
        )
    minx, miny, maxx, maxy = county.bounds if county is not None else (73.0, 18.0, 135.0, 54.0)
    if out_crs == geo_transform.WGS84:
        minx, miny = geo_transform.gcj_to_wgs(minx, miny)
        maxx, maxy = geo_transform.gcj_to_wgs(maxx, maxy)
    return Boundaries(
        {k: {"type": "FeatureCollection", "features": v} for k, v in layers.items()},
        (minx, miny, maxx, maxy),
        tuple(problems),
    )


def _problem(geometry: dict[str, Any] | None, outline: Any) -> str | None:
    import shapely
    from shapely.geometry import shape

    if not geometry:
        return "没有边界 / no geometry"
    try:
        geom = shape(geometry)
    except Exception as exc:  # malformed GeoJSON
        return f"边界数据无法解析 / unreadable geometry: {exc}"
    if geom.is_empty:
        return "边界为空 / empty geometry"
    if not geom.is_valid:
        return f"边界自相交或无效 / invalid geometry: {shapely.is_valid_reason(geom)}"
    if outline is not None and not outline.contains(geom):
        return "边界超出县域 / outside the county"
    return None


@dataclass(frozen=True)
class IncidentFilter:
    since: dt.datetime | None = None
    statuses: Sequence[str] | None = None
    channels: Sequence[str] | None = None
    categories: Sequence[str] | None = None  # category code prefixes (any level)
    town_id: int | None = None
    open_only: bool = False
    until: dt.datetime | None = None  # reported before (exclusive)
    overdue_only: bool = False
    area: dict[str, Any] | None = field(default=None, hash=False, compare=False)
    """A GeoJSON Polygon in GCJ-02 ("this area only"): only incidents inside it."""


@dataclass(frozen=True)
class IncidentPoints:
    """Columns of the incidents that have a location, and the list of those without."""

    columns: dict[str, list[Any]] = field(default_factory=dict)
    no_location: tuple[tuple[int, str, str], ...] = ()  # id, number, title

    def __len__(self) -> int:
        return len(self.columns.get("id", ()))


POINT_FIELDS = ("id", "lon", "lat", "status", "priority", "overdue")


def _select(
    f: IncidentFilter,
) -> Select[int, float | None, float | None, str, int, dt.datetime | None, str, str]:
    """id, lon, lat, status, priority, due_at, number, title of the incidents under ``f``."""
    stmt = select(
        Incident.id,
        Incident.lon,
        Incident.lat,
        Incident.status,
        Incident.priority,
        Incident.due_at,
        Incident.number,
        Incident.title,
    ).where(Incident.status != "merged")
    if f.since is not None:
        stmt = stmt.where(Incident.reported_at >= f.since)
    if f.open_only:
        stmt = stmt.where(Incident.status.in_(list(lifecycle.open_status_codes("incident"))))
    if f.statuses:
        stmt = stmt.where(Incident.status.in_(list(f.statuses)))
    if f.channels:
        stmt = stmt.where(Incident.channel_code.in_(list(f.channels)))
    if f.categories:
        from sqlalchemy import or_

        stmt = stmt.where(or_(*(Incident.category_code.startswith(c) for c in f.categories)))
    if f.town_id is not None:
        stmt = stmt.where(Incident.town_id == f.town_id)
    if f.until is not None:
        stmt = stmt.where(Incident.reported_at < f.until)
    if f.overdue_only:
        stmt = stmt.where(
            Incident.status.in_(list(lifecycle.open_status_codes("incident"))),
            Incident.due_at < clock.now(),
        )
    if f.area is not None:
        minx, miny, maxx, maxy = _area_bounds(f.area)
        # the box in SQL (cheap), the exact shape in Python (see _points)
        stmt = stmt.where(Incident.lon.between(minx, maxx), Incident.lat.between(miny, maxy))
    return stmt


def _area_bounds(area: dict[str, Any]) -> tuple[float, float, float, float]:
    from shapely.geometry import shape

    return shape(area).bounds


def _inside(area: dict[str, Any], lon: list[float], lat: list[float]) -> list[bool]:
    import shapely
    from shapely.geometry import shape

    if not lon:
        return []
    polygon = shape(area)
    shapely.prepare(polygon)
    return [bool(x) for x in shapely.intersects_xy(polygon, lon, lat)]


def _points(
    rows: Iterable[Row[int, float | None, float | None, str, int, dt.datetime | None, str, str]],
    now: dt.datetime,
    area: dict[str, Any] | None = None,
    out_crs: str = "GCJ-02",
) -> IncidentPoints:
    cols: dict[str, list[Any]] = {k: [] for k in POINT_FIELDS}
    tray: list[tuple[int, str, str]] = []
    open_codes = set(lifecycle.open_status_codes("incident"))
    names = lifecycle.status_codes("incident")
    status_index = {code: i for i, code in enumerate(names)}
    for iid, lon, lat, status, priority, due, number, title in rows:
        if lon is None or lat is None:
            tray.append((iid, number, title))  # never dropped, never put at 0,0
            continue
        cols["id"].append(iid)
        cols["lon"].append(round(lon, 6))
        cols["lat"].append(round(lat, 6))
        cols["status"].append(status_index[status])  # into status_names, sent along
        cols["priority"].append(priority)
        cols["overdue"].append(int(status in open_codes and due is not None and due < now))
    if area is not None:
        keep = _inside(area, cols["lon"], cols["lat"])
        cols = {k: [v for v, ok in zip(col, keep, strict=True) if ok] for k, col in cols.items()}
        tray = []  # an area holds only what has a place
    cols["status_names"] = list(names)  # the page colours a point by its status's name
    if out_crs == geo_transform.WGS84 and cols["id"]:
        lons, lats = geo_transform.gcj_to_wgs_arrays(cols["lon"], cols["lat"])
        cols["lon"] = [round(x, 6) for x in lons.tolist()]
        cols["lat"] = [round(y, 6) for y in lats.tolist()]
    return IncidentPoints(cols, tuple(tray))


def incident_points(
    session: Session,
    f: IncidentFilter,
    *,
    now: dt.datetime | None = None,
    out_crs: str = geo_transform.GCJ02,
) -> IncidentPoints:
    """Columns of the incidents under ``f``; ``out_crs`` WGS-84 converts them for such tiles."""
    return _points(session.execute(_select(f)), now or clock.now(), f.area, out_crs)


def incident_points_by_id(
    session: Session,
    ids: Sequence[int],
    f: IncidentFilter | None = None,
    *,
    now: dt.datetime | None = None,
    out_crs: str = geo_transform.GCJ02,
) -> tuple[IncidentPoints, list[int]]:
    """The same columns for a few changed incidents (a live update), and the ids among them
    that no longer belong on the map under ``f`` (closed in an open-only view, deleted, …)."""
    f = f or IncidentFilter()
    stmt = _select(f).where(Incident.id.in_(list(ids)))
    points = _points(
        session.execute(stmt) if ids else [], now or clock.now(), f.area, out_crs
    )
    kept = set(points.columns["id"])
    return points, [i for i in ids if i not in kept]


# --- which clusters the map marks as overdue -------------------------------------------------

OVERDUE_RING_MIN = 3
"""A cluster is marked for its overdue incidents only when at least this many are overdue…"""
OVERDUE_RING_SHARE = 0.3
"""…and they are at least this share of it (the county's usual share is lower: a ring then
says "more overdue here than elsewhere")."""
OVERDUE_FILL_SHARE = 0.5
"""From this share on the cluster is filled red instead of ringed."""


def overdue_mark(n: int, overdue: int) -> str:
    """THE rule for a cluster of ``n`` incidents of which ``overdue`` are past their deadline:
    "fill" (red), "ring" (a red rim) or "" (nothing). The page applies the same rule with the
    values of :func:`overdue_rule`; a single incident on its own is always ringed when overdue."""
    if n <= 0 or overdue < OVERDUE_RING_MIN:
        return ""
    share = overdue / n
    if share >= OVERDUE_FILL_SHARE:
        return "fill"
    if share >= OVERDUE_RING_SHARE:
        return "ring"
    return ""


def overdue_rule() -> dict[str, float]:
    """The thresholds of :func:`overdue_mark`, for the page."""
    return {
        "min": OVERDUE_RING_MIN,
        "ring_share": OVERDUE_RING_SHARE,
        "fill_share": OVERDUE_FILL_SHARE,
    }


@dataclass(frozen=True)
class MapKpis:
    """The strip over the map: today's figures and the active share of grid workers."""

    new_today: int
    open: int
    overdue: int
    resolved_today: int
    active_share: float | None


def map_kpis(session: Session, *, now: dt.datetime | None = None) -> MapKpis:
    """``now`` (aware) decides what "today" is: the workstation's day."""
    from sqlalchemy import func

    from command_center.services.overview import county_kpis, reported_today

    now = now or clock.now()
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    open_codes = list(lifecycle.open_status_codes("incident"))
    row = session.execute(
        select(
            func.count().filter(reported_today(now)),
            func.count().filter(Incident.status.in_(open_codes)),
            func.count().filter(Incident.status.in_(open_codes), Incident.due_at < now),
            func.count().filter(Incident.resolved_at >= day),
        ).where(Incident.status != "merged")
    ).one()
    return MapKpis(
        int(row[0]),
        int(row[1]),
        int(row[2]),
        int(row[3]),
        county_kpis(session, now=now).active_share,
    )


# --- what the filter bar offers -------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    channels: tuple[tuple[str, str, str], ...]  # code, name, name_en
    categories: tuple[tuple[str, str, str], ...]  # top-level categories: code, name, name_en


def filter_options(session: Session) -> FilterOptions:
    from command_center.models import Category, Channel

    channels = session.execute(
        select(Channel.code, Channel.name, Channel.name_en).order_by(Channel.code)
    ).all()
    cats = session.execute(
        select(Category.code, Category.name, Category.name_en)
        .where(Category.parent_code.is_(None))
        .order_by(Category.code)
    ).all()
    return FilterOptions(
        tuple((r[0], r[1], r[2]) for r in channels), tuple((r[0], r[1], r[2]) for r in cats)
    )


# --- one incident, for the card on the map --------------------------------------------------


@dataclass(frozen=True)
class IncidentCard:
    id: int
    number: str
    title: str
    category: str | None  # "top / leaf" in Chinese
    category_en: str | None
    status: str
    reported_at: dt.datetime
    due_at: dt.datetime | None
    overdue: bool
    address: str | None
    grid: str | None
    town: str | None


def incident_card(
    session: Session, incident_id: int, *, now: dt.datetime | None = None
) -> IncidentCard | None:
    from sqlalchemy.orm import aliased

    from command_center.models import Category

    now = now or clock.now()
    grid, town = aliased(AdminArea), aliased(AdminArea)
    row = session.execute(
        select(Incident, Category.name, Category.name_en, grid.name, town.name)
        .outerjoin(Category, Category.code == Incident.category_code)
        .outerjoin(grid, grid.id == Incident.grid_id)
        .outerjoin(town, town.id == Incident.town_id)
        .where(Incident.id == incident_id)
    ).first()
    if row is None:
        return None
    inc, cat, cat_en, grid_name, town_name = row
    open_codes = set(lifecycle.open_status_codes("incident"))
    return IncidentCard(
        inc.id,
        inc.number,
        inc.title,
        cat,
        cat_en,
        inc.status,
        inc.reported_at,
        inc.due_at,
        inc.status in open_codes and inc.due_at is not None and inc.due_at < now,
        inc.address,
        grid_name,
        town_name,
    )


# --- the other layers -----------------------------------------------------------------------


def _xy(lons: list[float], lats: list[float], out_crs: str) -> tuple[list[float], list[float]]:
    if out_crs == geo_transform.WGS84 and lons:
        lon, lat = geo_transform.gcj_to_wgs_arrays(lons, lats)
        return [round(x, 6) for x in lon.tolist()], [round(y, 6) for y in lat.tolist()]
    return [round(x, 6) for x in lons], [round(y, 6) for y in lats]


def grid_counts(session: Session, f: IncidentFilter) -> dict[int, int]:
    """Incidents per grid under ``f`` (the choropleth), counted by the database."""
    from sqlalchemy import func

    sub = _select(f).add_columns(Incident.grid_id).subquery()
    if f.area is None:
        rows = session.execute(
            select(sub.c.grid_id, func.count())
            .where(sub.c.grid_id.is_not(None))
            .group_by(sub.c.grid_id)
        ).all()
        return {int(g): int(n) for g, n in rows}
    # an area: the exact shape decides, as for the points
    rows = session.execute(
        select(sub.c.grid_id, sub.c.lon, sub.c.lat).where(
            sub.c.grid_id.is_not(None), sub.c.lon.is_not(None)
        )
    ).all()
    keep = _inside(f.area, [r.lon for r in rows], [r.lat for r in rows])
    counts: dict[int, int] = {}
    for r, ok in zip(rows, keep, strict=True):
        if ok:
            counts[r.grid_id] = counts.get(r.grid_id, 0) + 1
    return counts


def worker_positions(
    session: Session, *, now: dt.datetime | None = None, out_crs: str = geo_transform.GCJ02
) -> dict[str, list[Any]]:
    """Active grid workers at their last check-in with a position: columns id, name, lon, lat,
    age_h (hours since that check-in)."""
    from sqlalchemy.dialects.postgresql import distinct_on

    from command_center.models import CheckIn, GridWorker

    now = now or clock.now()
    last = (
        select(CheckIn.worker_id, CheckIn.at, CheckIn.lon, CheckIn.lat)
        .where(CheckIn.lon.is_not(None), CheckIn.lat.is_not(None))
        .ext(distinct_on(CheckIn.worker_id))
        .order_by(CheckIn.worker_id, CheckIn.at.desc())
        .subquery()
    )
    rows = session.execute(
        select(GridWorker.id, GridWorker.name, last.c.lon, last.c.lat, last.c.at)
        .join(last, last.c.worker_id == GridWorker.id)
        .where(GridWorker.active.is_(True))
        .order_by(GridWorker.id)
    ).all()
    lon, lat = _xy([r.lon for r in rows], [r.lat for r in rows], out_crs)
    return {
        "id": [r.id for r in rows],
        "name": [r.name for r in rows],
        "lon": lon,
        "lat": lat,
        "age_h": [round(max((now - r.at).total_seconds(), 0) / 3600, 1) for r in rows],
    }


def camera_points(session: Session, *, out_crs: str = geo_transform.GCJ02) -> dict[str, list[Any]]:
    """Cameras of the video network: columns id, name, lon, lat, online (0/1)."""
    from command_center.models import Camera

    rows = session.execute(
        select(Camera.id, Camera.name, Camera.lon, Camera.lat, Camera.online).order_by(Camera.id)
    ).all()
    lon, lat = _xy([r.lon for r in rows], [r.lat for r in rows], out_crs)
    return {
        "id": [r.id for r in rows],
        "name": [r.name for r in rows],
        "lon": lon,
        "lat": lat,
        "online": [int(bool(r.online)) for r in rows],
    }


OPEN_DISPUTE_STATUSES = ("received", "mediating")
RISK_LEVELS = ("low", "medium", "high", "major")


def dispute_points(session: Session, *, out_crs: str = geo_transform.GCJ02) -> dict[str, list[Any]]:
    """Open dispute cases with a location: columns id, number, summary, lon, lat, risk
    (0 low … 3 major)."""
    from command_center.models import DisputeCase

    rows = session.execute(
        select(
            DisputeCase.id,
            DisputeCase.number,
            DisputeCase.summary,
            DisputeCase.lon,
            DisputeCase.lat,
            DisputeCase.risk_level,
        )
        .where(
            DisputeCase.status.in_(OPEN_DISPUTE_STATUSES),
            DisputeCase.lon.is_not(None),
            DisputeCase.lat.is_not(None),
        )
        .order_by(DisputeCase.id)
    ).all()
    lon, lat = _xy([r.lon for r in rows], [r.lat for r in rows], out_crs)
    return {
        "id": [r.id for r in rows],
        "number": [r.number for r in rows],
        "summary": [(r.summary or "")[:60] for r in rows],
        "lon": lon,
        "lat": lat,
        "risk": [
            RISK_LEVELS.index(r.risk_level) if r.risk_level in RISK_LEVELS else 0 for r in rows
        ],
    }
