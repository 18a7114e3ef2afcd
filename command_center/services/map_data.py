"""What the map wall draws, as plain data: boundaries, incident points, and what cannot be drawn.

shapely is imported where boundaries are checked, on the worker thread, not at start-up.

Incidents travel as columns (one list per field) rather than as objects: 50,000 of them make a
compact JSON document the page turns into canvas markers in one pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center.models import AdminArea, Incident
from command_center.models.incident import OPEN_INCIDENT_STATUSES

BOUNDARY_LEVELS = ("town", "village", "grid")
STATUS_CODES = {s: i for i, s in enumerate(
    ("new", "accepted", "dispatched", "in_progress", "resolved", "verified", "closed", "merged",
     "rejected")
)}


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


def boundaries(session: Session) -> Boundaries:
    """Towns, villages and grids as GeoJSON with names and label points; broken ones reported.

    A geometry that is empty, invalid (self-intersecting) or lies outside the county outline is
    left out and named in ``problems``; everything else draws.
    """
    import shapely
    from shapely.geometry import shape

    rows = session.execute(
        select(
            AdminArea.id, AdminArea.level, AdminArea.code, AdminArea.name, AdminArea.kind,
            AdminArea.geometry, AdminArea.label_lon, AdminArea.label_lat,
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
        layers[r.level].append({
            "type": "Feature",
            "geometry": r.geometry,
            "properties": {
                "id": r.id, "code": r.code, "name": r.name, "kind": r.kind,
                "label": [r.label_lat, r.label_lon],
            },
        })
    minx, miny, maxx, maxy = county.bounds if county is not None else (73.0, 18.0, 135.0, 54.0)
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


@dataclass(frozen=True)
class IncidentPoints:
    """Columns of the incidents that have a location, and the list of those without."""

    columns: dict[str, list[Any]] = field(default_factory=dict)
    no_location: tuple[tuple[int, str, str], ...] = ()  # id, number, title

    def __len__(self) -> int:
        return len(self.columns.get("id", ()))


POINT_FIELDS = ("id", "lon", "lat", "status", "priority", "overdue")


def _select(f: IncidentFilter):  # type: ignore[no-untyped-def]
    stmt = select(
        Incident.id, Incident.lon, Incident.lat, Incident.status, Incident.priority,
        Incident.due_at, Incident.number, Incident.title,
    ).where(Incident.status != "merged")
    if f.since is not None:
        stmt = stmt.where(Incident.reported_at >= f.since)
    if f.open_only:
        stmt = stmt.where(Incident.status.in_([str(s) for s in OPEN_INCIDENT_STATUSES]))
    if f.statuses:
        stmt = stmt.where(Incident.status.in_(list(f.statuses)))
    if f.channels:
        stmt = stmt.where(Incident.channel_code.in_(list(f.channels)))
    if f.categories:
        from sqlalchemy import or_

        stmt = stmt.where(or_(*(Incident.category_code.startswith(c) for c in f.categories)))
    if f.town_id is not None:
        stmt = stmt.where(Incident.town_id == f.town_id)
    return stmt


def _points(rows, now: dt.datetime) -> IncidentPoints:  # type: ignore[no-untyped-def]
    cols: dict[str, list[Any]] = {k: [] for k in POINT_FIELDS}
    tray: list[tuple[int, str, str]] = []
    open_codes = {str(s) for s in OPEN_INCIDENT_STATUSES}
    for iid, lon, lat, status, priority, due, number, title in rows:
        if lon is None or lat is None:
            tray.append((iid, number, title))  # never dropped, never put at 0,0
            continue
        cols["id"].append(iid)
        cols["lon"].append(round(lon, 6))
        cols["lat"].append(round(lat, 6))
        cols["status"].append(STATUS_CODES.get(status, 0))
        cols["priority"].append(priority)
        cols["overdue"].append(int(status in open_codes and due is not None and due < now))
    return IncidentPoints(cols, tuple(tray))


def incident_points(
    session: Session, f: IncidentFilter, *, now: dt.datetime | None = None
) -> IncidentPoints:
    return _points(session.execute(_select(f)), now or dt.datetime.now(dt.UTC))


def incident_points_by_id(
    session: Session,
    ids: Sequence[int],
    f: IncidentFilter | None = None,
    *,
    now: dt.datetime | None = None,
) -> tuple[IncidentPoints, list[int]]:
    """The same columns for a few changed incidents (a live update), and the ids among them
    that no longer belong on the map under ``f`` (closed in an open-only view, deleted, …)."""
    stmt = _select(f or IncidentFilter()).where(Incident.id.in_(list(ids)))
    points = _points(session.execute(stmt) if ids else [], now or dt.datetime.now(dt.UTC))
    kept = set(points.columns["id"])
    return points, [i for i in ids if i not in kept]


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

    from command_center.services.overview import county_kpis

    now = now or dt.datetime.now().astimezone()
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    open_codes = [str(s) for s in OPEN_INCIDENT_STATUSES]
    row = session.execute(
        select(
            func.count().filter(Incident.reported_at >= day),
            func.count().filter(Incident.status.in_(open_codes)),
            func.count().filter(Incident.status.in_(open_codes), Incident.due_at < now),
            func.count().filter(Incident.resolved_at >= day),
        ).where(Incident.status != "merged")
    ).one()
    return MapKpis(
        int(row[0]), int(row[1]), int(row[2]), int(row[3]),
        county_kpis(session, now=now).active_share,
    )
