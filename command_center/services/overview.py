"""The county overview (总览): headline figures and the area hierarchy with per-area counts.

One query per figure or level, aggregated up the tree in Python (a county has a few hundred
areas above the micro-grids), so the cost does not grow with the number of areas queried.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Row, case, func, select
from sqlalchemy.orm import Session, aliased

from command_center import clock
from command_center.models import (
    AdminArea,
    CheckIn,
    GridAssignment,
    GridWorker,
    Incident,
    WorkOrder,
)
from command_center.models.geo import AreaLevel
from command_center.models.incident import OPEN_INCIDENT_STATUSES, OPEN_ORDER_STATUSES
from command_center.models.people import WorkerKind
from command_center.services import worker_metrics

ACTIVITY_WINDOW_DAYS = worker_metrics.ACTIVE_DAYS
"""The one definition of an active worker is services/worker_metrics.py's (this many days)."""

TREE_LEVELS = (AreaLevel.COUNTY, AreaLevel.TOWN, AreaLevel.VILLAGE, AreaLevel.GRID)


@dataclass(frozen=True)
class Kpis:
    towns: int
    villages_communities: int
    grids: int
    micro_grids: int
    full_time_workers: int
    active_workers: int
    """Active full-time workers with a check-in in the last :data:`ACTIVITY_WINDOW_DAYS` days."""
    open_work_orders: int
    incidents_today: int

    @property
    def active_share(self) -> float | None:
        """``active_workers / full_time_workers``, None when there are no workers."""
        if self.full_time_workers == 0:
            return None
        return self.active_workers / self.full_time_workers


@dataclass(frozen=True)
class AreaSummary:
    """One area of the tree with the counts of everything under it (itself included)."""

    id: int
    parent_id: int | None
    level: str
    kind: str
    code: str
    name: str
    grids: int
    workers: int
    """Distinct active full-time grid workers assigned to grids (or their micro-grids) below."""
    open_incidents: int


@dataclass(frozen=True)
class CountyOverview:
    kpis: Kpis
    areas: tuple[AreaSummary, ...]
    """County, towns, villages/communities and grids; parents before children, by code."""
    activity_window_days: int
    as_of: dt.datetime


def _day_start(now: dt.datetime) -> dt.datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def reported_today(now: dt.datetime) -> ColumnElement[bool]:
    """THE "today's incidents" (the map's 今日新增, the overview's 今日事件): reported since the
    start of the workstation's day, a repeated report merged into another not counted again."""
    start = _day_start(now)
    return (
        (Incident.reported_at >= start)
        & (Incident.reported_at < start + dt.timedelta(days=1))
        & (Incident.status != "merged")
    )


def county_kpis(session: Session, *, now: dt.datetime | None = None) -> Kpis:
    """The headline figures. ``now`` (aware) decides what "today" is: the workstation's day."""
    now = now or clock.now()
    levels = dict(
        session.execute(
            select(AdminArea.level, func.count())
            .where(AdminArea.valid_to.is_(None))
            .group_by(AdminArea.level)
        ).all()
    )
    full_time = (GridWorker.kind == str(WorkerKind.FULL_TIME)) & GridWorker.active
    workers = int(
        session.scalar(select(func.count()).select_from(GridWorker).where(full_time)) or 0
    )
    since = worker_metrics.active_since(now.date())
    active = int(
        session.scalar(
            select(func.count(func.distinct(CheckIn.worker_id)))
            .join(GridWorker, GridWorker.id == CheckIn.worker_id)
            .where(full_time, CheckIn.day >= since, CheckIn.day <= now.date())
        )
        or 0
    )
    open_orders = int(
        session.scalar(
            select(func.count())
            .select_from(WorkOrder)
            .where(WorkOrder.status.in_([str(s) for s in OPEN_ORDER_STATUSES]))
        )
        or 0
    )
    today = int(
        session.scalar(
            select(func.count())
            .select_from(Incident)
            .where(reported_today(now))
        )
        or 0
    )
    return Kpis(
        towns=int(levels.get(str(AreaLevel.TOWN), 0)),
        villages_communities=int(levels.get(str(AreaLevel.VILLAGE), 0)),
        grids=int(levels.get(str(AreaLevel.GRID), 0)),
        micro_grids=int(levels.get(str(AreaLevel.MICRO_GRID), 0)),
        full_time_workers=workers,
        active_workers=active,
        open_work_orders=open_orders,
        incidents_today=today,
    )


def area_tree(session: Session) -> tuple[AreaSummary, ...]:
    """County → town → village/community → grid, each with the counts of what lies below."""
    rows = session.execute(
        select(
            AdminArea.id,
            AdminArea.parent_id,
            AdminArea.level,
            AdminArea.kind,
            AdminArea.code,
            AdminArea.name,
        )
        .where(AdminArea.valid_to.is_(None), AdminArea.level.in_([str(x) for x in TREE_LEVELS]))
        .order_by(AdminArea.code)
    ).all()

    # Workers serving a micro-grid count for the grid it belongs to.
    area = aliased(AdminArea)
    grid_id = case((area.level == str(AreaLevel.MICRO_GRID), area.parent_id), else_=area.id)
    assignments = session.execute(
        select(grid_id, GridAssignment.worker_id)
        .join(area, area.id == GridAssignment.area_id)
        .join(GridWorker, GridWorker.id == GridAssignment.worker_id)
        .where(
            GridAssignment.valid_to.is_(None),
            GridWorker.kind == str(WorkerKind.FULL_TIME),
            GridWorker.active,
        )
        .distinct()
    ).all()

    # An incident counts where it was located most precisely; unlocated ones at the county.
    where = func.coalesce(Incident.grid_id, Incident.village_id, Incident.town_id)
    incidents = session.execute(
        select(where, func.count())
        .where(Incident.status.in_([str(s) for s in OPEN_INCIDENT_STATUSES]))
        .group_by(where)
    ).all()
    return _aggregate(rows, assignments, incidents)


def _aggregate(
    rows: Sequence[Row[int, int | None, str, str, str, str]],  # id, parent_id, level, kind, ...
    assignments: Sequence[Row[int, int]],  # area_id, worker_id
    incidents: Sequence[Row[int | None, int]],  # area_id (None: unlocated), open incidents
) -> tuple[AreaSummary, ...]:
    by_id = {r.id: r for r in rows}
    children: dict[int | None, list[int]] = defaultdict(list)
    roots: list[int] = []
    for r in rows:
        if r.parent_id in by_id:
            children[r.parent_id].append(r.id)
        else:
            roots.append(r.id)

    workers: dict[int, set[int]] = defaultdict(set)
    for area_id, worker_id in assignments:
        workers[area_id].add(worker_id)
    open_here: dict[int | None, int] = defaultdict(int)
    for located_at, n in incidents:
        open_here[located_at if located_at in by_id else None] += int(n)

    grids: dict[int, int] = {}
    worker_sets: dict[int, set[int]] = {}
    open_total: dict[int, int] = {}
    order: list[int] = []
    # iterative post-order: a deep tree must not hit the recursion limit
    stack: list[tuple[int, bool]] = [(r, False) for r in reversed(roots)]
    while stack:
        node, expanded = stack.pop()
        if not expanded:
            order.append(node)
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(children[node]))
            continue
        is_grid = by_id[node].level == str(AreaLevel.GRID)
        grids[node] = int(is_grid) + sum(grids[c] for c in children[node])
        ws = set(workers.get(node, ()))
        for c in children[node]:
            ws |= worker_sets[c]
        worker_sets[node] = ws
        open_total[node] = open_here.get(node, 0) + sum(open_total[c] for c in children[node])

    # incidents we could not place in the tree belong to the (single) county root
    county_roots = [r for r in roots if by_id[r].level == str(AreaLevel.COUNTY)]
    if county_roots and open_here.get(None):
        open_total[county_roots[0]] += open_here[None]

    return tuple(
        AreaSummary(
            id=n,
            parent_id=by_id[n].parent_id if by_id[n].parent_id in by_id else None,
            level=by_id[n].level,
            kind=by_id[n].kind,
            code=by_id[n].code,
            name=by_id[n].name,
            grids=grids[n],
            workers=len(worker_sets[n]),
            open_incidents=open_total[n],
        )
        for n in order
    )


def county_overview(session: Session, *, now: dt.datetime | None = None) -> CountyOverview:
    """Everything the overview screen shows, read in one session."""
    now = now or clock.now()
    return CountyOverview(
        kpis=county_kpis(session, now=now),
        areas=area_tree(session),
        activity_window_days=ACTIVITY_WINDOW_DAYS,
        as_of=now,
    )
