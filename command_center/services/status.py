"""What is in the database: the figures `command-center status` prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from command_center.db import migrate
from command_center.models import (
    AdminArea,
    Department,
    DisputeCase,
    GridWorker,
    Incident,
    WorkOrder,
)
from command_center.models.incident import OPEN_ORDER_STATUSES


@dataclass(frozen=True)
class StatusReport:
    database: str
    embedded: bool
    schema_revision: str | None
    schema_head: str | None
    towns: int
    villages_communities: int
    grids: int
    micro_grids: int
    full_time_grid_workers: int
    micro_grid_workers: int
    departments: int
    incidents: int
    open_work_orders: int
    dispute_cases: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def describe_url(url: str) -> str:
    """The URL without its password, for showing to people."""
    return make_url(url).render_as_string(hide_password=True)


def _count(session: Session, stmt: Select[int]) -> int:
    return int(session.scalar(stmt) or 0)


def county_status(engine: Engine, *, embedded: bool) -> StatusReport:
    revision = migrate.current_revision(engine)
    with Session(engine) as s:
        levels = (
            dict(
                s.execute(
                    select(AdminArea.level, func.count())
                    .where(AdminArea.valid_to.is_(None))
                    .group_by(AdminArea.level)
                ).all()
            )
            if revision
            else {}
        )
        kinds = (
            dict(
                s.execute(
                    select(GridWorker.kind, func.count())
                    .where(GridWorker.active)
                    .group_by(GridWorker.kind)
                ).all()
            )
            if revision
            else {}
        )
        counts = (
            dict(
                departments=_count(s, select(func.count()).select_from(Department)),
                incidents=_count(s, select(func.count()).select_from(Incident)),
                open_work_orders=_count(
                    s,
                    select(func.count())
                    .select_from(WorkOrder)
                    .where(WorkOrder.status.in_([str(x) for x in OPEN_ORDER_STATUSES])),
                ),
                dispute_cases=_count(s, select(func.count()).select_from(DisputeCase)),
            )
            if revision
            else dict(departments=0, incidents=0, open_work_orders=0, dispute_cases=0)
        )
    return StatusReport(
        database=describe_url(engine.url.render_as_string(hide_password=False)),
        embedded=embedded,
        schema_revision=revision,
        schema_head=migrate.SCHEMA_HEAD,
        towns=levels.get("town", 0),
        villages_communities=levels.get("village", 0),
        grids=levels.get("grid", 0),
        micro_grids=levels.get("micro_grid", 0),
        full_time_grid_workers=kinds.get("full_time", 0),
        micro_grid_workers=kinds.get("micro_grid", 0),
        **counts,
    )
