"""The details of one incident as the details panel shows them: the incident, its work orders,
their progress notes (with photo summaries, not the bytes), the return visits, the audit history
of the incident and its orders, and the actions the lifecycle allows on each. No Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, literal_column, or_, select
from sqlalchemy.orm import Session

from command_center.models import (
    AppUser,
    AuditEntry,
    Incident,
    OrderProgress,
    ReturnVisit,
    WorkOrder,
)
from command_center.services import lifecycle, permissions
from command_center.services.attachments import attachment_summary
from command_center.services.audit import Actor
from command_center.services.queue import IncidentRow, OrderRow, Query, incident_rows, order_rows


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    actor: str
    action: str
    summary: str
    reason: str | None


@dataclass(frozen=True)
class ProgressEntry:
    id: int
    order_id: int
    order_number: str
    at: dt.datetime
    user_name: str | None
    note: str
    attachments: list[dict[str, Any]]


@dataclass(frozen=True)
class Handback:
    """A department gave the incident's order back (异议 or 退单) and the incident waits for the
    center to route it again: who, when, why, and the department it suggested (on an
    objection). The details panel shows it at the top; the dispatch dialog offers the
    suggestion."""

    order_id: int
    order_number: str
    status: str  # "objected" or "returned"
    department_name: str
    at: dt.datetime
    reason: str
    suggested_department_id: int | None
    suggested_department_name: str | None
    # the English interface's words (None: the Chinese ones)
    department_name_en: str | None = None
    suggested_department_name_en: str | None = None


def handback(session: Session, incident_id: int) -> Handback | None:
    """The last order of an incident that waits to be routed again, if it was handed back."""
    from command_center.models import Department, IncidentStatus, OrderStatus

    inc_status = session.scalar(select(Incident.status).where(Incident.id == incident_id))
    if inc_status != IncidentStatus.ACCEPTED:
        return None
    order = session.scalar(
        select(WorkOrder)
        .where(WorkOrder.incident_id == incident_id, WorkOrder.lead_order_id.is_(None))
        .order_by(WorkOrder.dispatch_round.desc(), WorkOrder.id.desc())
        .limit(1)
    )
    if order is None or order.status not in (OrderStatus.OBJECTED, OrderStatus.RETURNED):
        return None
    names: dict[int, str] = {}
    names_en: dict[int, str | None] = {}
    for dept_id, name, name_en in session.execute(
        select(Department.id, Department.name, Department.name_en).where(
            Department.id.in_(
                [d for d in (order.department_id, order.suggested_department_id) if d]
            )
        )
    ):
        names[dept_id], names_en[dept_id] = name, name_en
    objected = order.status == OrderStatus.OBJECTED
    at = session.scalar(
        select(func.max(AuditEntry.at)).where(
            AuditEntry.entity_type == "work_order",
            AuditEntry.entity_id == order.id,
            AuditEntry.action == ("order.object" if objected else "order.return"),
        )
    )
    return Handback(
        order.id,
        order.number,
        order.status,
        names.get(order.department_id, ""),
        at or order.updated_at,
        (order.objection_reason if objected else order.return_reason) or "",
        order.suggested_department_id if objected else None,
        names.get(order.suggested_department_id)
        if objected and order.suggested_department_id
        else None,
        names_en.get(order.department_id),
        names_en.get(order.suggested_department_id)
        if objected and order.suggested_department_id
        else None,
    )


@dataclass(frozen=True)
class Details:
    incident: IncidentRow
    description: str
    reporter_name: str | None  # masked (services/personal.py); reveal_reporter for the rest
    reporter_phone: str | None  # masked
    satisfaction: int | None
    orders: list[OrderRow]
    progress: list[ProgressEntry]
    history: list[HistoryEntry]
    visits: list[tuple[dt.datetime, int | None, str | None]]
    focus_order_id: int | None = None
    incident_actions: list[str] = field(default_factory=list)
    order_actions: dict[int, list[str]] = field(default_factory=dict)
    may_reveal_reporter: bool = False  # the user may see the reporter unmasked (recorded)
    may_edit: bool = False  # the user may complete or correct the incident (编辑/补充)
    handback: Handback | None = None  # the order a department gave back, awaiting dispatch
    public_summary: str | None = None  # what the public Open311 GET shows (approved)
    may_publish: bool = False  # the user may approve the public summary
    # the dispute cases taken in from this incident: (id, number, status)
    dispute_cases: list[tuple[int, str, str]] = field(default_factory=list)
    # the supervision still running on it or its orders: (number, level, status)
    supervision: list[tuple[str, str, str]] = field(default_factory=list)
    may_supervise: bool = False  # the user may issue supervision (督办)
    may_take_dispute: bool = False  # the user may take it in as a dispute case


def details(
    session: Session,
    incident_id: int,
    *,
    focus_order_id: int | None = None,
    history_limit: int = 200,
    actor: Actor | None = None,
) -> Details | None:
    """Everything the details panel shows for one incident: its orders, their progress, and
    the audit entries of the incident and of its orders, oldest first.

    Given the ``actor`` (None: no one in particular, as the program), what that user may see:
    another department's incident or order is refused with
    :class:`~command_center.services.permissions.PermissionDenied`, the other departments'
    orders of a joint handling are left out, and the actions are those the user's role may do."""
    me = permissions.who(session, actor) if actor is not None else permissions.SYSTEM_WHO
    inc_q = Query("incidents")
    rows = incident_rows(session, inc_q, [(incident_id, ())])
    if not rows:
        return None
    inc = session.get(Incident, incident_id)
    assert inc is not None
    if focus_order_id is not None:
        focus = session.get(WorkOrder, focus_order_id)
        if focus is not None:
            permissions.require_order(session, me, focus.number, focus.department_id)
    permissions.require_incident(session, me, inc.number, inc.id)
    visible = permissions.visible_orders(me)
    order_ids = list(
        session.scalars(
            select(WorkOrder.id)
            .where(WorkOrder.incident_id == incident_id, *([] if visible is None else [visible]))
            .order_by(WorkOrder.id)
        )
    )
    orders = order_rows(session, Query("orders"), [(i, ()) for i in order_ids])
    numbers = {o.id: o.number for o in orders}
    prog = session.execute(
        select(OrderProgress, AppUser.display_name)
        .outerjoin(AppUser, AppUser.id == OrderProgress.user_id)
        .where(OrderProgress.order_id.in_(order_ids) if order_ids else literal_column("false"))
        .order_by(OrderProgress.at, OrderProgress.id)
    ).all()
    progress = [
        ProgressEntry(
            p.id,
            p.order_id,
            numbers.get(p.order_id, ""),
            p.at,
            name,
            p.note,
            [attachment_summary(a) for a in (p.attachments or [])],
        )
        for p, name in prog
    ]
    conds = [and_(AuditEntry.entity_type == "incident", AuditEntry.entity_id == incident_id)]
    if order_ids:
        conds.append(
            and_(AuditEntry.entity_type == "work_order", AuditEntry.entity_id.in_(order_ids))
        )
    hist = session.execute(
        select(
            AuditEntry.at,
            AuditEntry.actor_name,
            AuditEntry.action,
            AuditEntry.summary,
            AuditEntry.reason,
        )
        .where(or_(*conds))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(history_limit)
    ).all()
    history = [HistoryEntry(*h) for h in reversed(hist)]
    visits = [
        (v.at, v.satisfaction, v.comment)
        for v in session.scalars(
            select(ReturnVisit)
            .where(ReturnVisit.incident_id == incident_id)
            .order_by(ReturnVisit.at)
        )
    ]
    from command_center.services import incident_edit, learned_routing, settings

    reopen_days = int(settings.get(session, "orders.reopen_days"))
    order_objs = (
        list(session.scalars(select(WorkOrder).where(WorkOrder.id.in_(order_ids))))
        if order_ids
        else []
    )
    return Details(
        rows[0],
        inc.description,
        inc.reporter_name_masked,
        inc.reporter_phone_masked,
        inc.satisfaction,
        orders,
        progress,
        history,
        visits,
        focus_order_id,
        lifecycle.allowed_actions(
            "incident",
            inc,
            role=me.role,
            reopen_days=reopen_days,
            auto_dispatched=inc.status == "dispatched"
            and learned_routing.auto_dispatched(session, incident_id),
        ),
        {o.id: lifecycle.allowed_actions("order", o, role=me.role) for o in order_objs},
        bool(inc.reporter_name_masked or inc.reporter_phone_masked)
        and permissions.may_reveal(me, "incident"),
        incident_edit.may_edit(me.role) and inc.status in incident_edit.EDITABLE_STATUSES,
        handback(session, incident_id) if visible is None else None,
        inc.public_summary,
        permissions.may_publish(me.role),
        *_links(session, incident_id, order_ids, me),
    )


def _links(
    session: Session, incident_id: int, order_ids: list[int], me: permissions.Who
) -> tuple[list[tuple[int, str, str]], list[tuple[str, str, str]], bool, bool]:
    """The dispute cases and running supervision of an incident, and whether the user may add
    either (``supervision.may_supervise``, ``disputes.may_write``)."""
    from command_center.models import SupervisionOrder
    from command_center.services import disputes, supervision

    cases = disputes.cases_of_incident(session, incident_id)
    cond = SupervisionOrder.incident_id == incident_id
    if order_ids:
        cond = or_(cond, SupervisionOrder.work_order_id.in_(order_ids))
    running = [
        (r.number, r.level, r.status)
        for r in session.execute(
            select(SupervisionOrder.number, SupervisionOrder.level, SupervisionOrder.status)
            .where(cond, SupervisionOrder.status.in_(supervision.LIVE_STATES))
            .order_by(SupervisionOrder.id)
        )
    ]
    return cases, running, supervision.may_supervise(me.role), disputes.may_write(me.role)
