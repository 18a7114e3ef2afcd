"""What needs someone's action now (待办提醒), found among the rows a burst of live changes
touched: the reason a workstation shows a badge and a toast (and, if its operator wants, plays a
sound). No Qt.

- For the center (operators, supervisors, administrators): an order a department **returned**
  (退单) or **objected** to (异议) — the incident waits to be routed again; a new **urgent** call
  (priority 1); a new call **without a location** (无位置, to be placed).
- For a department handler: a **new order** in the department's inbox.

A notice is about one row in one state, so the same change read twice, or a row touched again
without changing state, is not news twice (:class:`Seen`). Calls are news when they arrive
(their insertion), a new order when it is made; a hand-back when the order's state changes to
it. A reconnection's "read everything anew" is no one's news.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from command_center import clock
from command_center.models import (
    AuditEntry,
    Department,
    DisputeAlert,
    DisputeCase,
    Incident,
    IncidentStatus,
    OrderStatus,
    SupervisionOrder,
    WorkOrder,
)
from command_center.models.incident import LocationFlag

URGENT_PRIORITY = 1

KINDS: dict[str, tuple[str, str]] = {
    "returned": ("部门退单", "returned by a department"),
    "objected": ("部门异议", "objected to by a department"),
    "urgent": ("紧急来电", "urgent call"),
    "no_location": ("无位置来电", "call without a location"),
    "new_order": ("新工单待签收", "new order to sign for"),
    "supervision": ("新督办待签收", "new supervision to acknowledge"),
    "unacknowledged": ("督办仍未签收", "supervision still not acknowledged"),
    "dispute_alert": ("矛盾纠纷预警", "dispute alert"),
    "proposal": ("督办建议待决定", "supervision proposed"),
    "worker_reminder": ("网格员未履职提醒", "inactive grid worker reminded"),
}
"""The kinds of notice, named in both languages (the views choose one)."""

CENTER_KINDS = ("returned", "objected", "urgent", "no_location", "dispute_alert")
HANDLER_KINDS = ("new_order", "supervision", "unacknowledged")
SUPERVISOR_KINDS = (*CENTER_KINDS, "proposal", "worker_reminder")


def kinds_for(role_code: str) -> tuple[str, ...]:
    """The notices a role gets: a department its new orders and supervision, a supervisor
    (and an administrator) also the sweep's proposals, the duty desk the center's."""
    if role_code == "dept_handler":
        return HANDLER_KINDS
    if role_code in ("supervisor", "admin"):
        return SUPERVISOR_KINDS
    return CENTER_KINDS


@dataclass(frozen=True)
class Notice:
    kind: str  # a key of KINDS
    incident_id: int
    number: str  # the incident's number, or the order's for an order
    title: str
    at: dt.datetime
    department: str | None = None  # who returned, objected or received it
    reason: str | None = None  # the department's reason
    case_id: int | None = None  # a dispute case's notice opens the case, not an incident
    reminder_id: int | None = None  # a reminder to a grid worker: the supervisor acknowledges it
    department_en: str | None = None
    reason_en: str | None = None  # the reason in English, where the rule gave one

    @property
    def department_words(self) -> tuple[str, str]:
        return (self.department or "", self.department_en or self.department or "")

    @property
    def reason_words(self) -> tuple[str, str]:
        return (self.reason or "", self.reason_en or self.reason or "")

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.kind, self.incident_id, self.number)


@dataclass
class Seen:
    """The notices a workstation has already given (by row and state)."""

    keys: set[tuple[str, int, str]] = field(default_factory=set)

    def fresh(self, notices: Iterable[Notice]) -> list[Notice]:
        out = []
        for n in notices:
            if n.key not in self.keys:
                self.keys.add(n.key)
                out.append(n)
        return out


def notices(
    session: Session,
    *,
    new_incident_ids: Iterable[int] = (),
    changed_order_ids: Iterable[int] = (),
    new_order_ids: Iterable[int] = (),
    new_supervision_ids: Iterable[int] = (),
    new_dispute_alert_ids: Iterable[int] = (),
    new_reminder_ids: Iterable[int] = (),
    role_code: str,
    scope_area_id: int | None = None,
) -> list[Notice]:
    """The notices for ``role_code`` among the incidents just inserted and the orders changed
    or just made (what the user may read: the database's policies leave out another
    department's rows), oldest first."""
    wanted = set(kinds_for(role_code))
    out: list[Notice] = []
    changed = sorted(set(changed_order_ids))
    made = sorted(set(new_order_ids))
    if changed and wanted & {"returned", "objected"}:
        statuses = [
            s.value
            for k, s in (("returned", OrderStatus.RETURNED), ("objected", OrderStatus.OBJECTED))
            if k in wanted
        ]
        at = (
            select(func.max(AuditEntry.at))
            .where(
                AuditEntry.entity_type == "work_order",
                AuditEntry.entity_id == WorkOrder.id,
                AuditEntry.action.in_(("order.object", "order.return")),
            )
            .scalar_subquery()
        )
        for r in session.execute(
            select(
                WorkOrder.status,
                WorkOrder.number,
                WorkOrder.incident_id,
                at.label("at"),
                WorkOrder.objection_reason,
                WorkOrder.return_reason,
                Incident.title,
                Department.name,
                Department.name_en,
            )
            .join(Incident, Incident.id == WorkOrder.incident_id)
            .join(Department, Department.id == WorkOrder.department_id)
            .where(WorkOrder.id.in_(changed), WorkOrder.status.in_(statuses))
            .order_by(WorkOrder.id)
        ):
            objected = r.status == OrderStatus.OBJECTED
            out.append(
                Notice(
                    "objected" if objected else "returned",
                    r.incident_id,
                    r.number,
                    r.title,
                    r.at or clock.now(),
                    r.name,
                    r.objection_reason if objected else r.return_reason,
                    department_en=r.name_en,
                )
            )
    if made and "new_order" in wanted:
        for o in session.execute(
            select(
                WorkOrder.number,
                WorkOrder.incident_id,
                WorkOrder.dispatched_at,
                Incident.title,
                Department.name,
            )
            .join(Incident, Incident.id == WorkOrder.incident_id)
            .join(Department, Department.id == WorkOrder.department_id)
            .where(WorkOrder.id.in_(made), WorkOrder.status == OrderStatus.DISPATCHED)
            .order_by(WorkOrder.id)
        ):
            out.append(
                Notice("new_order", o.incident_id, o.number, o.title, o.dispatched_at, o.name)
            )
    fresh = sorted(set(new_incident_ids))
    if fresh and wanted & {"urgent", "no_location"}:
        for c in session.execute(
            select(
                Incident.id,
                Incident.number,
                Incident.title,
                Incident.reported_at,
                Incident.priority,
                Incident.location_flag,
            )
            .where(
                Incident.id.in_(fresh),
                Incident.status == IncidentStatus.NEW,
                Incident.duplicate_of_id.is_(None),
            )
            .order_by(Incident.id)
        ):
            if "urgent" in wanted and c.priority == URGENT_PRIORITY:
                out.append(Notice("urgent", c.id, c.number, c.title, c.reported_at))
            if "no_location" in wanted and c.location_flag == LocationFlag.MISSING:
                out.append(Notice("no_location", c.id, c.number, c.title, c.reported_at))
    sups = sorted(set(new_supervision_ids))
    if sups and wanted & {"supervision", "proposal"}:
        statuses = [
            st for k, st in (("supervision", "open"), ("proposal", "proposed")) if k in wanted
        ]
        for v in _supervision(
            session,
            SupervisionOrder.id.in_(sups),
            SupervisionOrder.status.in_(statuses),
            order_by=SupervisionOrder.id,
        ):
            if v.incident_id is None:
                continue  # a dispute's supervision: the disputes area shows it
            out.append(
                Notice(
                    "proposal" if v.status == "proposed" else "supervision",
                    v.incident_id,
                    v.number,
                    v.title or "",
                    v.issued_at,
                    v.name,
                    v.reason,
                    department_en=v.name_en,
                    reason_en=v.reason_en,
                )
            )
    alerts = sorted(set(new_dispute_alert_ids))
    if alerts and "dispute_alert" in wanted:
        for a in session.execute(
            select(
                DisputeAlert.level,
                DisputeAlert.people,
                DisputeAlert.raised_at,
                DisputeAlert.message,
                DisputeCase.id,
                DisputeCase.number,
                DisputeCase.summary,
                DisputeCase.incident_id,
            )
            .join(DisputeCase, DisputeCase.id == DisputeAlert.case_id)
            .where(DisputeAlert.id.in_(alerts))
            .order_by(DisputeAlert.id)
        ):
            out.append(
                Notice(
                    "dispute_alert",
                    a.incident_id or 0,
                    a.number,
                    " ".join(a.summary.split())[:60],
                    a.raised_at,
                    None,
                    a.message,
                    case_id=a.id,
                )
            )
    reminded = sorted(set(new_reminder_ids))
    if reminded and "worker_reminder" in wanted:
        out.extend(reminder_notices(session, ids=reminded, scope_area_id=scope_area_id))
    out.sort(key=lambda n: n.at)
    return out


def reminder_notices(
    session: Session, *, ids: list[int] | None = None, scope_area_id: int | None = None
) -> list[Notice]:
    """Reminders to inactive grid workers not yet acknowledged, as notices for the supervisor
    of ``scope_area_id`` (worker_metrics.supervises): the new ones (``ids``), or, when a
    supervisor signs in, all that wait (``ids`` None)."""
    from command_center.services import worker_metrics

    return [
        Notice(
            "worker_reminder",
            0,
            f"{r.code}#{r.id}",
            r.message,
            r.at,
            f"{r.town}{r.village}",
            None,
            reminder_id=r.id,
        )
        for r in reversed(
            worker_metrics.reminders(
                session, ids=ids, open_only=True, scope_area_id=scope_area_id, limit=200
            )
        )
    ]


def unacknowledged(session: Session, *, role_code: str, now: dt.datetime) -> list[Notice]:
    """For a department: its supervision still not acknowledged ``orders.supervision_renotify_
    minutes`` after it was issued, as a notice again — once per interval that has passed
    (the notice's number carries the round, so :class:`Seen` lets each round through once).
    The database's policies leave out other departments' supervision."""
    if "unacknowledged" not in kinds_for(role_code):
        return []
    from command_center.services import settings

    minutes = int(settings.get(session, "orders.supervision_renotify_minutes"))
    if minutes <= 0:
        return []
    every = dt.timedelta(minutes=minutes)
    out = []
    for v in _supervision(
        session,
        SupervisionOrder.status == "open",
        SupervisionOrder.issued_at <= now - every,
        order_by=SupervisionOrder.issued_at,
    ):
        if v.incident_id is None:
            continue
        rounds = int((now - v.issued_at) / every)
        out.append(
            Notice(
                "unacknowledged",
                v.incident_id,
                f"{v.number}#{rounds}",
                v.title or "",
                v.issued_at,
                v.name,
                v.reason,
                department_en=v.name_en,
                reason_en=v.reason_en,
            )
        )
    return out


def _supervision(session: Session, *where: Any, order_by: Any) -> Any:
    """Supervision rows with what a notice says of them: status, number, issued, reason, the
    incident (its own or its order's) and its title, the department."""

    incident = func.coalesce(SupervisionOrder.incident_id, WorkOrder.incident_id)
    return session.execute(
        select(
            SupervisionOrder.status,
            SupervisionOrder.number,
            SupervisionOrder.issued_at,
            SupervisionOrder.reason,
            SupervisionOrder.reason_en,
            incident.label("incident_id"),
            Incident.title,
            Department.name,
            Department.name_en,
        )
        .outerjoin(WorkOrder, WorkOrder.id == SupervisionOrder.work_order_id)
        .outerjoin(Incident, Incident.id == incident)
        .outerjoin(Department, Department.id == SupervisionOrder.department_id)
        .where(*where)
        .order_by(order_by)
    )
