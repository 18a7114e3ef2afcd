"""The wall's second screen (态势): today's flow, what is overdue where, the newest urgent calls,
what calls for the center's attention, and what the grid workers did today.

Qt-free; read in one session on a worker thread. "Today" is :func:`overview.reported_today` (the
map's 今日新增 and the overview's 今日事件 are the same figure), the headline figures are the map
strip's own (:func:`map_data.map_kpis`), and "overdue" is the deadlines' red: an open incident
past its ``due_at``, an open work order past its ``deadline_at``
(:func:`deadlines.countdown`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from command_center import clock
from command_center.models import AdminArea, CheckIn, GridWorker, Incident, WorkOrder
from command_center.models.activity import Patrol
from command_center.models.dispute import DisputeCase, DisputeType
from command_center.models.incident import OPEN_ORDER_STATUSES, OrderStatus, SupervisionOrder
from command_center.models.org import Department
from command_center.models.people import WorkerKind
from command_center.services import lifecycle, place_names
from command_center.services.map_data import OPEN_DISPUTE_STATUSES, MapKpis, map_kpis
from command_center.services.overview import reported_today

URGENT_PRIORITY = 1
"""Priority 1 (紧急) is an urgent call."""
URGENT_LIMIT = 8
ALERT_LIMIT = 8
BAR_LIMIT = 8
"""Rows of the overdue-by-department and overdue-by-town lists (the largest first)."""
ALERT_RISKS = ("high", "major")
"""Open disputes at these risk levels are alerts."""
NO_TOWN = "（未落位）"


def incident_overdue(now: dt.datetime) -> ColumnElement[bool]:
    """An incident is overdue while it is open and past its deadline (the map's ring, the
    queue's "overdue only", the deadlines' red)."""
    return Incident.status.in_(list(lifecycle.open_status_codes("incident"))) & (
        Incident.due_at < now
    )


def order_overdue(now: dt.datetime) -> ColumnElement[bool]:
    """A work order is overdue while a department still works on it past its deadline."""
    return WorkOrder.status.in_([str(s) for s in OPEN_ORDER_STATUSES]) & (
        WorkOrder.deadline_at < now
    )


@dataclass(frozen=True)
class UrgentCall:
    id: int
    number: str
    title: str
    town: str | None
    reported_at: dt.datetime
    status: str


@dataclass(frozen=True)
class Alert:
    kind: str  # "supervision", "returned", "objected", "dispute"
    number: str
    text: str
    at: dt.datetime | None
    text_en: str | None = None
    """The English interface's text (the department's English name, English punctuation); what
    people wrote (titles, reasons, a dispute's facts) as written. None: as ``text``."""

    def words(self) -> tuple[str, str]:
        return self.text, self.text_en or self.text


@dataclass(frozen=True)
class WorkerActivity:
    full_time: int
    checked_in_today: int
    patrols_today: int
    findings_today: int
    reported_today: int
    """Incidents reported today by grid workers (随手拍/巡查上报)."""


@dataclass(frozen=True)
class WallBoard:
    as_of: dt.datetime
    kpis: MapKpis
    reported_by_hour: tuple[int, ...]  # today, hour 0 … the current hour
    resolved_by_hour: tuple[int, ...]
    overdue_orders: int
    overdue_by_department: tuple[tuple[str, int], ...]  # open work orders, largest first
    overdue_by_town: tuple[tuple[str, int], ...]  # open incidents, largest first
    urgent: tuple[UrgentCall, ...]  # the newest urgent calls (any status), newest first
    alerts: tuple[Alert, ...]
    workers: WorkerActivity
    # overdue_by_department's names in English (name: name_en), for the English interface
    department_names_en: dict[str, str] = field(default_factory=dict)


def _day_start(now: dt.datetime) -> dt.datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _by_hour(times: list[dt.datetime], now: dt.datetime) -> tuple[int, ...]:
    hours = [0] * (now.hour + 1)
    for t in times:
        h = t.astimezone(now.tzinfo).hour
        if h < len(hours):
            hours[h] += 1
    return tuple(hours)


def wall_board(session: Session, *, now: dt.datetime | None = None) -> WallBoard:
    """Everything the board shows. ``now`` (aware) decides what "today" is."""
    now = now or clock.now()
    day = _day_start(now)
    kpis = map_kpis(session, now=now)

    reported = list(session.scalars(select(Incident.reported_at).where(reported_today(now))))
    resolved = list(
        session.scalars(
            select(Incident.resolved_at).where(  # as map_kpis counts 今日办结
                Incident.status != "merged", Incident.resolved_at >= day
            )
        )
    )

    dept_rows = session.execute(
        select(Department.name, func.count(), func.min(Department.name_en))
        .join(WorkOrder, WorkOrder.department_id == Department.id)
        .where(order_overdue(now))
        .group_by(Department.name)
        .order_by(func.count().desc(), Department.name)
    ).all()
    town = aliased(AdminArea)
    town_rows = session.execute(
        select(town.name, func.count())
        .select_from(Incident)
        .outerjoin(town, town.id == Incident.town_id)
        .where(incident_overdue(now))
        .group_by(town.name)
        .order_by(func.count().desc(), town.name)
    ).all()

    urgent_rows = session.execute(
        select(
            Incident.id,
            Incident.number,
            Incident.title,
            town.name,
            Incident.reported_at,
            Incident.status,
        )
        .outerjoin(town, town.id == Incident.town_id)
        .where(Incident.priority == URGENT_PRIORITY, Incident.status != "merged")
        .order_by(Incident.reported_at.desc(), Incident.id.desc())
        .limit(URGENT_LIMIT)
    ).all()

    return WallBoard(
        as_of=now,
        kpis=kpis,
        reported_by_hour=_by_hour(reported, now),
        resolved_by_hour=_by_hour([t for t in resolved if t is not None and t < now], now),
        overdue_orders=sum(int(n) for _, n, _en in dept_rows),
        overdue_by_department=tuple((name, int(n)) for name, n, _en in dept_rows[:BAR_LIMIT]),
        overdue_by_town=tuple((name or NO_TOWN, int(n)) for name, n in town_rows[:BAR_LIMIT]),
        urgent=tuple(UrgentCall(r[0], r[1], r[2], r[3], r[4], r[5]) for r in urgent_rows),
        alerts=_alerts(session, now),
        workers=_workers(session, now),
        department_names_en={name: en for name, _n, en in dept_rows[:BAR_LIMIT] if en},
    )


def _alerts(session: Session, now: dt.datetime) -> tuple[Alert, ...]:
    """What waits for the center: open supervision (督办), work
    orders a department handed back whose incident waits to be routed again, and open disputes
    of high or major risk; the newest first."""
    out: list[Alert] = []
    order = aliased(WorkOrder)
    about = aliased(Incident)
    for number, reason, reason_en, at, title in session.execute(
        select(
            SupervisionOrder.number,
            SupervisionOrder.reason,
            SupervisionOrder.reason_en,
            SupervisionOrder.issued_at,
            about.title,
        )
        .outerjoin(order, order.id == SupervisionOrder.work_order_id)
        .outerjoin(
            about, about.id == func.coalesce(SupervisionOrder.incident_id, order.incident_id)
        )
        .where(SupervisionOrder.status == "open")
        .order_by(SupervisionOrder.issued_at.desc(), SupervisionOrder.id.desc())
        .limit(ALERT_LIMIT)
    ):
        out.append(
            Alert(
                "supervision",
                number,
                f"{title}（{reason}）" if title else reason,
                at,
                # the sweep's English reason first: the title people wrote is Chinese
                (f"{reason_en} · {title}" if reason_en else f"{title} ({reason})")
                if title
                else (reason_en or reason),
            )
        )
    handed_back = (str(OrderStatus.RETURNED), str(OrderStatus.OBJECTED))
    for number, status, dept, dept_en, reason_r, reason_o, at in session.execute(
        select(
            WorkOrder.number,
            WorkOrder.status,
            Department.name,
            Department.name_en,
            WorkOrder.return_reason,
            WorkOrder.objection_reason,
            WorkOrder.dispatched_at,
        )
        .join(Department, Department.id == WorkOrder.department_id)
        .join(Incident, Incident.id == WorkOrder.incident_id)
        .where(WorkOrder.status.in_(handed_back), Incident.status == "accepted")
        .order_by(WorkOrder.dispatched_at.desc(), WorkOrder.id.desc())
        .limit(ALERT_LIMIT)
    ):
        kind = "returned" if status == str(OrderStatus.RETURNED) else "objected"
        why = reason_r or reason_o or ""
        out.append(Alert(kind, number, f"{dept}：{why}", at, f"{dept_en or dept}: {why}"))
    for number, summary, at, type_name, type_en, town, people in session.execute(
        select(
            DisputeCase.number,
            DisputeCase.summary,
            DisputeCase.received_at,
            DisputeType.name,
            DisputeType.name_en,
            AdminArea.name,
            DisputeCase.people_involved,
        )
        .join(DisputeType, DisputeType.code == DisputeCase.type_code)
        .outerjoin(AdminArea, AdminArea.id == DisputeCase.town_id)
        .where(
            DisputeCase.status.in_(OPEN_DISPUTE_STATUSES),
            DisputeCase.risk_level.in_(ALERT_RISKS),
        )
        .order_by(DisputeCase.received_at.desc(), DisputeCase.id.desc())
        .limit(ALERT_LIMIT)
    ):
        # the facts as written, after the case's type, town and people in English
        facts = ", ".join(
            b
            for b in (
                type_en or type_name,
                place_names.english(town) if town else "",
                f"{people} people involved",
            )
            if b
        )
        out.append(Alert("dispute", number, summary, at, f"{facts}: {summary}"))
    far_past = dt.datetime.min.replace(tzinfo=dt.UTC)
    out.sort(key=lambda a: a.at or far_past, reverse=True)
    return tuple(out[:ALERT_LIMIT])


def _workers(session: Session, now: dt.datetime) -> WorkerActivity:
    day = _day_start(now)
    full_time = (GridWorker.kind == str(WorkerKind.FULL_TIME)) & GridWorker.active
    workers = int(
        session.scalar(select(func.count()).select_from(GridWorker).where(full_time)) or 0
    )
    checked_in = int(
        session.scalar(
            select(func.count(func.distinct(CheckIn.worker_id))).where(
                CheckIn.at >= day, CheckIn.at <= now
            )
        )
        or 0
    )
    patrols, findings = session.execute(
        select(func.count(), func.coalesce(func.sum(Patrol.findings), 0)).where(
            Patrol.started_at >= day, Patrol.started_at <= now
        )
    ).one()
    by_workers = int(
        session.scalar(
            select(func.count())
            .select_from(Incident)
            .where(reported_today(now), Incident.reporter_worker_id.is_not(None))
        )
        or 0
    )
    return WorkerActivity(workers, checked_in, int(patrols), int(findings), by_workers)
