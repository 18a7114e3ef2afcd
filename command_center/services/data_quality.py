"""Data-quality checks on grids and grid workers (no Qt), as the field reports list them:

- ``unstaffed``: a grid with no full-time worker in service assigned to it (or its micro-grids);
- ``multi_grid``: a full-time worker assigned to two or more grids;
- ``no_check_in``: a worker in service without a check-in for N days (worker_metrics' rule);
- ``no_population``: a grid without its population or households;
- ``far_check_in``: a check-in of the last N days farther than the setting
  ``workers.far_check_in_km`` (1 km) outside the boundary of every grid the worker serves (the
  distance to the polygon, 0 inside; a grid without a boundary: to its label point).

  The first version measured from the grid's label point with 2 km: a rural grid of Minle is
  several kilometres across, so a worker checking in at the far end of their own grid was
  "far", and those made most of the demo's 187 findings. The seed's positions were right (each
  drawn inside the worker's grid); the measure was wrong.

Each finding names the thing to fix and the screen that fixes it (:data:`FIXES`, ``fix``):
:func:`write_csv` exports the list (UTF-8 with BOM, opens in Excel and WPS).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.services import settings, worker_metrics

CHECKS: dict[str, tuple[str, str]] = {
    "unstaffed": ("网格无网格员", "grid without a worker"),
    "multi_grid": ("一人多格", "worker serving 2+ grids"),
    "no_check_in": ("长期未报平安", "no check-in for N days"),
    "no_population": ("网格缺人口或户数", "grid without population or households"),
    "far_check_in": ("打卡位置远离网格", "check-in far outside the grid"),
}


FIXES: dict[str, str] = {
    "unstaffed": "assign",  # the roster: assign a worker to the grid
    "multi_grid": "roster",  # the worker's roster entry: end one of the assignments
    "no_check_in": "calendar",  # the worker's calendar (and the reminder)
    "no_population": "grid",  # the grid's population and households
    "far_check_in": "calendar",  # the worker's calendar on that day
}
"""Where each check's finding is fixed (the view opens that screen)."""


@dataclass(frozen=True)
class Finding:
    check: str
    subject: str  # "grid" or "grid_worker"
    subject_id: int
    label: str  # the grid's or worker's code and name
    detail: str
    day: dt.date | None = None  # a far check-in's day

    @property
    def fix(self) -> str:
        return FIXES[self.check]

    @property
    def title(self) -> str:
        zh, en = CHECKS[self.check]
        return f"{zh} / {en}"


_OPEN = "ga.valid_to IS NULL"
_GRID_OF = "CASE WHEN a.level = 'micro_grid' THEN a.parent_id ELSE a.id END"


def unstaffed(session: Session) -> list[Finding]:
    rows = session.execute(
        text(
            f"""
            SELECT g.id, g.code, g.name FROM admin_areas g
            WHERE g.level = 'grid' AND g.valid_to IS NULL AND NOT EXISTS (
                SELECT 1 FROM grid_assignments ga
                JOIN admin_areas a ON a.id = ga.area_id
                JOIN grid_workers w ON w.id = ga.worker_id
                WHERE {_OPEN} AND w.kind = 'full_time' AND w.active AND {_GRID_OF} = g.id)
            ORDER BY g.code
            """
        )
    ).all()
    return [Finding("unstaffed", "grid", i, f"{c} {n}", "无专职网格员") for i, c, n in rows]


def multi_grid(session: Session) -> list[Finding]:
    rows = session.execute(
        text(
            f"""
            SELECT w.id, w.code, w.name, count(DISTINCT {_GRID_OF}),
                   string_agg(DISTINCT g.name, '、')
            FROM grid_workers w
            JOIN grid_assignments ga ON ga.worker_id = w.id AND {_OPEN}
            JOIN admin_areas a ON a.id = ga.area_id
            JOIN admin_areas g ON g.id = {_GRID_OF}
            WHERE w.kind = 'full_time' AND w.active
            GROUP BY w.id, w.code, w.name HAVING count(DISTINCT {_GRID_OF}) >= 2
            ORDER BY w.code
            """
        )
    ).all()
    return [
        Finding("multi_grid", "grid_worker", i, f"{c} {n}", f"{k}个网格：{names}")
        for i, c, n, k, names in rows
    ]


def no_check_in(session: Session, days: int) -> list[Finding]:
    out = []
    for r in worker_metrics.inactive(session, days):
        last = r.last_check_in.isoformat() if r.last_check_in else "从未"
        out.append(
            Finding(
                "no_check_in",
                "grid_worker",
                r.worker_id,
                f"{r.code} {r.name}",
                f"{r.town}{r.village}，最近报平安：{last}",
            )
        )
    return out


def no_population(session: Session) -> list[Finding]:
    rows = session.execute(
        text(
            "SELECT id, code, name, population, households FROM admin_areas "
            "WHERE level = 'grid' AND valid_to IS NULL AND (COALESCE(population, 0) <= 0 "
            "OR COALESCE(households, 0) <= 0) ORDER BY code"
        )
    ).all()
    return [
        Finding("no_population", "grid", i, f"{c} {n}", f"人口 {p or '—'}，户数 {h or '—'}")
        for i, c, n, p, h in rows
    ]


_SHAPES: dict[int, tuple[Any, Any, None]] = {}
"""The grids' boundaries in kilometres, by grid id, with the (updated_at, latitude) they were
made for: read again only when a grid changes."""


def far_check_ins(session: Session, days: int) -> list[Finding]:
    km = float(settings.get(session, "workers.far_check_in_km") or 1.0)
    since = worker_metrics.today() - dt.timedelta(days=days - 1)
    rows = session.execute(
        text(
            f"""
            SELECT c.id, w.id, w.code, w.name, c.day, c.lon, c.lat, g.id, g.name
            FROM check_ins c
            JOIN grid_workers w ON w.id = c.worker_id
            JOIN grid_assignments ga ON ga.worker_id = w.id AND {_OPEN}
            JOIN admin_areas a ON a.id = ga.area_id
            JOIN admin_areas g ON g.id = {_GRID_OF}
            WHERE c.day >= :since AND c.lon IS NOT NULL AND c.lat IS NOT NULL
            ORDER BY w.code, c.day, c.id
            """
        ),
        {"since": since},
    ).all()
    if not rows:
        return []
    grid_ids = sorted({r[7] for r in rows})
    shapes: dict[int, tuple[Any, float, float]] = {}
    lat0 = round(float(np.mean([r[6] for r in rows])), 1)
    kx, ky = 111.32 * np.cos(np.radians(lat0)), 110.57  # km per degree, locally

    def to_km(xy: Any) -> Any:
        return np.column_stack((xy[:, 0] * kx, xy[:, 1] * ky))

    known: dict[int, Any] = dict(
        session.execute(
            text("SELECT id, updated_at FROM admin_areas WHERE id = ANY(:g)"), {"g": grid_ids}
        ).all()
    )
    stale = [g for g in grid_ids if _SHAPES.get(g, (None, None, None))[0] != (known.get(g), lat0)]
    rows_ = (
        session.execute(
            text(
                "SELECT id, geometry::text, label_lon, label_lat FROM admin_areas "
                "WHERE id = ANY(:g)"
            ),
            {"g": stale},
        ).all()
        if stale
        else []
    )
    # GeoJSON parsed in C, all at once (a county's grids are thousands of vertices each)
    try:
        parsed = shapely.from_geojson([r[1] or "null" for r in rows_], on_invalid="ignore")
    except (ValueError, shapely.errors.ShapelyError):
        parsed = [None] * len(rows_)
    for (gid, _text, lon, lat), geom in zip(rows_, parsed, strict=True):
        shape = None
        if geom is not None and not shapely.is_empty(geom):
            shape = shapely.transform(geom, to_km)
            shapely.prepare(shape)
        elif lon is not None and lat is not None:
            shape = shapely.Point(lon * kx, lat * ky)
        _SHAPES[gid] = ((known.get(gid), lat0), shape, None)
    for gid in grid_ids:
        shape = _SHAPES.get(gid, (None, None, None))[1]
        if shape is not None:
            shapes[gid] = (shape, 0.0, 0.0)
    # per check-in: the least distance outside any of the worker's grids (vectorised)
    usable = [r for r in rows if r[7] in shapes]
    if not usable:
        return []
    points = shapely.points(
        np.array([r[5] for r in usable], dtype=float) * kx,
        np.array([r[6] for r in usable], dtype=float) * ky,
    )
    grids = np.array([shapes[r[7]][0] for r in usable], dtype=object)
    dist = shapely.distance(grids, points)
    best: dict[int, tuple[Any, ...]] = {}
    for (cid, wid, code, name, day, _lon, _lat, _gid, gname), d in zip(usable, dist, strict=True):
        if cid not in best or d < best[cid][0]:
            best[cid] = (float(d), wid, code, name, day, gname)
    out = [v for v in best.values() if v[0] > km]
    out.sort(key=lambda v: (v[2], v[4]))
    return [
        Finding(
            "far_check_in",
            "grid_worker",
            wid,
            f"{code} {name}",
            f"{day.isoformat()} 打卡在{grid}边界外 {dist:.1f} 公里",
            day,
        )
        for dist, wid, code, name, day, grid in out
    ]


def run_all(session: Session, days: int = worker_metrics.DEFAULT_INACTIVE_DAYS) -> list[Finding]:
    """Every check's findings, in the order of :data:`CHECKS`."""
    return [
        *unstaffed(session),
        *multi_grid(session),
        *no_check_in(session, days),
        *no_population(session),
        *far_check_ins(session, days),
    ]


def write_csv(findings: list[Finding]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["检查 / check", "对象 / subject", "编号与名称 / code and name", "说明 / detail"])
    for f in findings:
        # a leading =, +, -, @ would be a formula in a spreadsheet: quote it as text
        cells = [f.title, f.subject, f.label, f.detail]
        w.writerow(["'" + c if c[:1] in "=+-@" else c for c in cells])
    return out.getvalue().encode("utf-8-sig")
