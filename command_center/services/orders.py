"""The closed loop of an incident and its work orders, as a state machine enforced here.

Incident: new → accepted → dispatched → in_progress → resolved → verified → closed
(also: rejected 不予受理, merged 合并, and reopened → accepted within a window after closure).

Work order: dispatched → accepted → in_progress → resolved → verified → closed; a department may
object (异议) within a window after dispatch (default eight hours) or return an accepted order
(退单) with a reason: the incident then waits for the center to route it again. Joint handling
(联办) gives the incident a lead order and co-orders; the lead resolves once every co-department
has. An unresolved order can be sent again (二次派送): it is cancelled and a new round starts.

Every action locks the rows it changes (``SELECT … FOR UPDATE``), checks the transition, writes
the change and its audit entries, and commits: all of it or nothing. An action naming the version
the user saw (``expected_version``) is refused with :class:`ConflictError` when someone else has
changed the row since — the error says who and when, and the current state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.clock import CST
from command_center.models import (
    AuditEntry,
    Department,
    Incident,
    IncidentStatus,
    OrderProgress,
    OrderStatus,
    ReturnVisit,
    WorkOrder,
)
from command_center.models.incident import OPEN_ORDER_STATUSES
from command_center.services import audit, deadlines, lifecycle, permissions, settings
from command_center.services.attachments import MAX_PHOTOS
from command_center.services.audit import Actor
from command_center.services.calendar import load_calendar
from command_center.services.permissions import PermissionDenied

INCIDENT_STATUS_TEXT = {
    code: lifecycle.status_words("incident", code) for code in lifecycle.status_codes("incident")
}
"""(中文, English) of each incident status, from :mod:`lifecycle` (English in sentence case)."""
ORDER_STATUS_TEXT = {
    code: lifecycle.status_words("order", code) for code in lifecycle.status_codes("order")
}

ACTIVE_ORDER = OPEN_ORDER_STATUSES  # an order a department still works on
MAX_NOTE = 4000


class TransitionError(ValueError):
    """An action the current state does not allow; ``str()`` is "中文 / English"."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


class ConflictError(TransitionError):
    """Someone else changed the row after the user read it."""

    def __init__(
        self,
        what: str,
        actor_name: str | None,
        at: dt.datetime | None,
        current_status: str,
        texts: dict[str, tuple[str, str]],
    ) -> None:
        zh_status, en_status = texts.get(current_status, (current_status, current_status))
        who = actor_name or "其他用户"
        when = f"于 {at.astimezone(CST):%H:%M} " if at else ""
        when_en = f" at {at.astimezone(CST):%H:%M}" if at else ""
        super().__init__(
            f"{who} {when}已处理了{what}，当前状态：{zh_status}",
            f"{actor_name or 'another user'} acted on {what} first{when_en}; it is now {en_status}",
        )
        self.actor_name = actor_name
        self.at = at
        self.current_status = current_status


@dataclass(frozen=True)
class Snapshot:
    """What an action leaves behind: the row's id, its new version and status."""

    id: int
    version: int
    status: str
    number: str


def _snap(row: Incident | WorkOrder) -> Snapshot:
    return Snapshot(row.id, row.version, row.status, row.number)


# --- reading and locking ---------------------------------------------------------------------


def _last_actor(session: Session, entity_type: str, entity_id: int) -> tuple[str | None, Any]:
    row = session.execute(
        select(AuditEntry.actor_name, AuditEntry.at)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).one_or_none()
    return (row.actor_name, row.at) if row else (None, None)


# per kind of row: audit entity type, its name in Chinese and English, its status words
_KIND: dict[type, tuple[str, str, str, dict[str, tuple[str, str]]]] = {
    Incident: ("incident", "事件", "incident", INCIDENT_STATUS_TEXT),
    WorkOrder: ("work_order", "工单", "work order", ORDER_STATUS_TEXT),
}
_LIFECYCLE_KIND: dict[type, lifecycle.Kind] = {Incident: "incident", WorkOrder: "order"}


def _lock_row(session: Session, model: type, row_id: int, expected_version: int | None) -> Any:
    entity, zh, en, texts = _KIND[model]
    row = session.scalars(
        select(model)
        .where(model.id == row_id)  # type: ignore[attr-defined]
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None:
        raise TransitionError(f"{zh} {row_id} 不存在", f"{en} {row_id} does not exist")
    if expected_version is not None and row.version != expected_version:
        who, at = _last_actor(session, entity, row.id)
        session.rollback()
        raise ConflictError(f"{zh} {row.number}", who, at, row.status, texts)
    return row


def _lock_incident(session: Session, incident_id: int, expected_version: int | None) -> Incident:
    return _lock_row(session, Incident, incident_id, expected_version)


def _lock_order(session: Session, order_id: int, expected_version: int | None) -> WorkOrder:
    """Lock the order's incident, then the order: every action locks in that order, so two
    actions on one incident queue up instead of deadlocking."""
    incident_id = session.scalar(select(WorkOrder.incident_id).where(WorkOrder.id == order_id))
    if incident_id is not None:
        _lock_incident(session, incident_id, None)
    return _lock_row(session, WorkOrder, order_id, expected_version)


def _lock_incident_of(session: Session, order: WorkOrder) -> Incident:
    return _lock_incident(session, order.incident_id, None)


def _require(
    session: Session,
    row: Incident | WorkOrder,
    action: str,
    allowed: Sequence[str] | None = None,
    *,
    actor: Actor | None = None,
) -> None:
    """Refuse ``action`` unless the row's status is one it starts from (the lifecycle's table,
    or ``allowed`` where one step checks another row), saying why and who last changed it; and,
    given the ``actor``, unless that user may do it to this row (:class:`PermissionDenied`)."""
    kind = _LIFECYCLE_KIND[type(row)]
    if actor is not None:
        _require_actor(session, actor, row, kind, action)
    sources = lifecycle.action(kind, action).sources if allowed is None else allowed
    if row.status in sources:
        return
    entity, zh, _en, texts = _KIND[type(row)]
    who, at = _last_actor(session, entity, row.id)
    session.rollback()
    zh_a, en_a = lifecycle.action_words(kind, action)
    zh_s, en_s = texts.get(row.status, (row.status, row.status))
    label = f"{zh} {row.number}"
    zh_msg = f"{label} 当前状态为「{zh_s}」，不能{zh_a}"
    en_msg = f"{label} is {en_s}: it cannot {en_a}"
    if who:
        zh_msg += f"（最后由 {who} 于 {at.astimezone(CST):%m-%d %H:%M} 处理）"
        en_msg += f" (last changed by {who} at {at.astimezone(CST):%m-%d %H:%M})"
    raise TransitionError(zh_msg, en_msg)


def _require_actor(
    session: Session, actor: Actor, row: Incident | WorkOrder, kind: lifecycle.Kind, action: str
) -> None:
    """Refuse a user whose role may not do ``action``, and a department's handler acting on an
    order (or an incident) not of its department (:func:`permissions.may_reach_order`)."""
    me = permissions.who(session, actor)
    zh_a, en_a = lifecycle.action_words(kind, action)
    try:
        if not lifecycle.role_may(me.role, kind, action):
            raise PermissionDenied(f"{actor.name} 无权{zh_a}", f"{actor.name} may not {en_a}")
        if isinstance(row, WorkOrder):
            permissions.require_order(session, me, row.number, row.department_id, (zh_a, en_a))
        else:
            permissions.require_incident(session, me, row.number, row.id, (zh_a, en_a))
    except PermissionDenied:
        session.rollback()
        raise


@overload
def _text(value: str | None, what_zh: str, what_en: str) -> str: ...
@overload
def _text(value: str | None, what_zh: str, what_en: str, *, required: bool) -> str | None: ...
def _text(value: str | None, what_zh: str, what_en: str, *, required: bool = True) -> str | None:
    """``value`` stripped and at most MAX_NOTE long; None when empty and not ``required``."""
    value = (value or "").strip()
    if not value:
        if required:
            raise TransitionError(f"请填写{what_zh}", f"the {what_en} is required")
        return None
    if len(value) > MAX_NOTE:
        raise TransitionError(
            f"{what_zh}不能超过{MAX_NOTE}字", f"the {what_en} is at most {MAX_NOTE} characters"
        )
    return value


def _dept_name(session: Session, department_id: int) -> str:
    return session.scalar(select(Department.name).where(Department.id == department_id)) or str(
        department_id
    )


def _set_incident_status(
    session: Session,
    actor: Actor,
    inc: Incident,
    status: str,
    summary: str,
    *,
    action: str | None = None,
    reason: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    before = {"status": inc.status}
    inc.status = status
    after: dict[str, Any] = {"status": status} | (extra or {})
    audit.record(
        session,
        actor,
        action or f"incident.{status}",
        "incident",
        inc.id,
        summary,
        before=before,
        after=after,
        reason=reason,
    )


def _set_order_status(
    session: Session,
    actor: Actor,
    order: WorkOrder,
    status: str,
    action: str,
    summary: str,
    *,
    reason: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    before = {"status": order.status}
    order.status = status
    audit.record(
        session,
        actor,
        action,
        "work_order",
        order.id,
        summary,
        before=before,
        after={"status": status} | (extra or {}),
        reason=reason,
    )


def _label(inc: Incident) -> str:
    return f"{inc.number}「{inc.title}」"


def _orders_of(session: Session, incident_id: int, *, lock: bool = True) -> list[WorkOrder]:
    stmt = (
        select(WorkOrder)
        .where(WorkOrder.incident_id == incident_id)
        .order_by(WorkOrder.id)
        .execution_options(populate_existing=True)
    )
    if lock:
        stmt = stmt.with_for_update()
    return list(session.scalars(stmt))


def _co_orders(session: Session, lead: WorkOrder) -> list[WorkOrder]:
    return list(
        session.scalars(
            select(WorkOrder)
            .where(WorkOrder.lead_order_id == lead.id)
            .order_by(WorkOrder.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def _is_main_order(order: WorkOrder) -> bool:
    """The order the incident's state follows: a plain order or the lead of a joint one."""
    return order.lead_order_id is None


# --- incident actions --------------------------------------------------------------------------


def accept_incident(
    session: Session, actor: Actor, incident_id: int, expected_version: int | None = None
) -> Snapshot:
    """受理: the center takes the incident on; its deadline is set from the rules."""
    inc = _lock_incident(session, incident_id, expected_version)
    _require(session, inc, "accept", actor=actor)
    now = clock.now()
    allowance = deadlines.allowance(session, inc.category_code, inc.priority)
    inc.accepted_at = now
    inc.due_at = allowance.deadline(load_calendar(session), now)
    _set_incident_status(
        session,
        actor,
        inc,
        IncidentStatus.ACCEPTED,
        f"{actor.name} 受理 {_label(inc)}，限 {inc.due_at.astimezone(CST):%m-%d %H:%M} 前办结",
        action="incident.accept",
        extra={"due_at": inc.due_at.isoformat(), "deadline_source": allowance.source},
    )
    session.commit()
    return _snap(inc)


def reject_incident(
    session: Session,
    actor: Actor,
    incident_id: int,
    reason: str,
    expected_version: int | None = None,
) -> Snapshot:
    """不予受理: not a matter for the center (the reason is told to the reporter)."""
    reason_ = _text(reason, "不予受理的理由", "reason")
    inc = _lock_incident(session, incident_id, expected_version)
    _require(session, inc, "reject", actor=actor)
    inc.closed_at = clock.now()
    _set_incident_status(
        session,
        actor,
        inc,
        IncidentStatus.REJECTED,
        f"{actor.name} 对 {_label(inc)} 不予受理",
        action="incident.reject",
        reason=reason_,
    )
    session.commit()
    return _snap(inc)


def _next_order_id(session: Session) -> int:
    return int(session.scalar(text("SELECT nextval(pg_get_serial_sequence('work_orders', 'id'))")))


def _new_order(
    session: Session,
    actor: Actor,
    inc: Incident,
    department_id: int,
    *,
    mode: str,
    lead: WorkOrder | None,
    round_: int,
    now: dt.datetime,
    deadline: dt.datetime,
    objection_hours: float,
    reason: str | None,
) -> WorkOrder:
    oid = _next_order_id(session)
    order = WorkOrder(
        id=oid,
        number=f"GD{now.astimezone(CST):%Y%m%d}{oid:06d}",
        incident_id=inc.id,
        department_id=department_id,
        mode=mode,
        lead_order_id=lead.id if lead else None,
        dispatch_round=round_,
        status=OrderStatus.DISPATCHED,
        dispatched_at=now,
        dispatched_by_id=actor.user_id,
        objection_deadline_at=now + dt.timedelta(hours=objection_hours),
        deadline_at=deadline,
    )
    session.add(order)
    session.flush()
    dept = _dept_name(session, department_id)
    role = "（协办）" if lead else ("（牵头）" if mode == "joint" else "")
    audit.record(
        session,
        actor,
        "order.create",
        "work_order",
        order.id,
        f"{actor.name} 将 {_label(inc)} 派至 {dept}{role}，工单 {order.number}，"
        f"限 {deadline.astimezone(CST):%m-%d %H:%M} 前办结",
        after={
            "status": "dispatched",
            "department_id": department_id,
            "mode": mode,
            "round": round_,
            "deadline_at": deadline.isoformat(),
            "lead_order_id": order.lead_order_id,
        },
        reason=reason,
    )
    return order


def dispatch(
    session: Session,
    actor: Actor,
    incident_id: int,
    department_id: int,
    *,
    co_department_ids: Sequence[int] = (),
    note: str | None = None,
    expected_version: int | None = None,
) -> list[Snapshot]:
    """派单 to one department, or 联办 with co-departments (the first is the lead).

    Returns the new orders, the lead first.
    """
    inc = _lock_incident(session, incident_id, expected_version)
    _require(session, inc, "dispatch", actor=actor)
    co = [d for d in dict.fromkeys(co_department_ids) if d != department_id]
    for dept_id in (department_id, *co):
        if not session.scalar(select(Department.active).where(Department.id == dept_id)):
            session.rollback()
            raise TransitionError(
                f"部门 {dept_id} 不存在或已停用", f"department {dept_id} is unknown or inactive"
            )
    previous = _orders_of(session, inc.id)
    if any(o.status in ACTIVE_ORDER for o in previous):
        session.rollback()
        raise TransitionError(
            f"事件 {inc.number} 还有未办结的工单", f"incident {inc.number} still has an open order"
        )
    round_ = max((o.dispatch_round for o in previous if o.lead_order_id is None), default=0) + 1
    max_rounds = int(settings.get(session, "orders.max_dispatch_rounds"))
    if round_ > max_rounds:
        session.rollback()
        raise TransitionError(
            f"事件 {inc.number} 已派送{round_ - 1}次，请提请督办后再派",
            f"incident {inc.number} has been dispatched {round_ - 1} times: escalate it first",
        )
    now = clock.now()
    calendar = load_calendar(session)
    if inc.status == IncidentStatus.NEW:  # dispatching an incident accepts it
        inc.accepted_at = now
    allowance = deadlines.allowance(session, inc.category_code, inc.priority)
    deadline = allowance.deadline(calendar, now)
    if inc.due_at is None:
        inc.due_at = deadline
    objection_hours = float(settings.get(session, "orders.objection_hours"))
    note_ = _text(note, "派单说明", "note", required=False)
    mode = "joint" if co else "assign"
    lead = _new_order(
        session,
        actor,
        inc,
        department_id,
        mode=mode,
        lead=None,
        round_=round_,
        now=now,
        deadline=deadline,
        objection_hours=objection_hours,
        reason=note_,
    )
    made = [lead]
    for dept_id in co:
        made.append(
            _new_order(
                session,
                actor,
                inc,
                dept_id,
                mode="joint",
                lead=lead,
                round_=round_,
                now=now,
                deadline=deadline,
                objection_hours=objection_hours,
                reason=note_,
            )
        )
    names = "、".join(_dept_name(session, d) for d in (department_id, *co))
    _set_incident_status(
        session,
        actor,
        inc,
        IncidentStatus.DISPATCHED,
        f"{actor.name} {'联办' if co else '派单'} {_label(inc)} 至 {names}"
        + (f"（第{round_}次派送）" if round_ > 1 else ""),
        action="incident.dispatch",
        reason=note_,
        extra={"orders": [o.number for o in made], "round": round_},
    )
    session.commit()
    return [_snap(o) for o in made]


def recall_dispatch(
    session: Session,
    actor: Actor,
    incident_id: int,
    reason: str,
    *,
    expected_version: int | None = None,
) -> Snapshot:
    """撤回派单: the incident's orders of the last dispatch are cancelled and it waits to be
    routed again — only while no department has accepted one (afterwards it is the department's
    to return or object). Smart dispatch's undo of an automatic dispatch uses it. Commits."""
    reason_ = _text(reason, "撤回原因", "reason")
    inc = _lock_incident(session, incident_id, expected_version)
    _require(session, inc, "dispatch", (IncidentStatus.DISPATCHED,), actor=actor)
    active = [o for o in _orders_of(session, inc.id) if o.status in ACTIVE_ORDER]
    taken = [o for o in active if o.status != OrderStatus.DISPATCHED]
    if not active or taken:
        session.rollback()
        who = taken[0].number if taken else inc.number
        raise TransitionError(
            f"工单 {who} 已被签收，不能撤回派单",
            f"order {who} has been accepted: it cannot be recalled",
        )
    for o in active:
        _set_order_status(
            session,
            actor,
            o,
            OrderStatus.CANCELLED,
            "order.cancel",
            f"{actor.name} 撤回派单，工单 {o.number} 撤销",
            reason=reason_,
        )
    _set_incident_status(
        session,
        actor,
        inc,
        IncidentStatus.ACCEPTED,
        f"{actor.name} 撤回派单 {_label(inc)}，待重新派单",
        action="incident.recall",
        reason=reason_,
        extra={"orders": [o.number for o in active]},
    )
    session.commit()
    return _snap(inc)


def resolve_incident(
    session: Session,
    actor: Actor,
    incident_id: int,
    result: str,
    expected_version: int | None = None,
) -> Snapshot:
    """自行处置: resolved on the spot (by a grid worker or the center) without a work order."""
    result_ = _text(result, "处置结果", "result")
    inc = _lock_incident(session, incident_id, expected_version)
    _require(session, inc, "resolve", actor=actor)
    now = clock.now()
    inc.accepted_at = inc.accepted_at or now
    inc.resolved_at = now
    _set_incident_status(
        session,
        actor,
        inc,
        IncidentStatus.RESOLVED,
        f"{actor.name} 现场处置 {_label(inc)}：{result_}",
        action="incident.resolve",
    )
    session.commit()
    return _snap(inc)


def verify_incident(
    session: Session,
    actor: Actor,
    incident_id: int,
    ok: bool,
    note: str | None = None,
    expected_version: int | None = None,
) -> Snapshot:
    """核查 the incident's result: confirmed, or sent back to whoever resolved it."""
    inc = _lock_incident(session, incident_id, expected_version)
    _require(session, inc, "verify", actor=actor)
    main = [o for o in _orders_of(session, inc.id) if _is_main_order(o)]
    main = [o for o in main if o.status == OrderStatus.RESOLVED]
    if main:
        session.rollback()
        return verify_order(session, actor, main[-1].id, ok, note)
    note_ = _text(note, "核查意见", "verification note", required=not ok)
    if ok:
        _set_incident_status(
            session,
            actor,
            inc,
            IncidentStatus.VERIFIED,
            f"{actor.name} 核查 {_label(inc)}：属实已解决" + (f"，{note_}" if note_ else ""),
            action="incident.verify",
        )
    else:
        inc.resolved_at = None
        _set_incident_status(
            session,
            actor,
            inc,
            IncidentStatus.ACCEPTED,
            f"{actor.name} 核查 {_label(inc)}：未解决，退回重办",
            action="incident.reject_result",
            reason=note_,
        )
    session.commit()
    return _snap(inc)


VISIT_METHODS: dict[str, tuple[str, str]] = {
    "phone": ("电话回访", "by phone"),
    "visit": ("上门回访", "on site"),
    "sms": ("短信回访", "by SMS"),
    "wechat": ("微信回访", "by WeChat"),
}
"""How a return visit was made (``return_visits.method``; the database checks the same list)."""


def _visit_method(method: str) -> str:
    if method not in VISIT_METHODS:
        raise TransitionError(
            f"未知的回访方式「{method}」", f"unknown return visit method '{method}'"
        )
    return method


def close_incident(
    session: Session,
    actor: Actor,
    incident_id: int,
    satisfaction: int,
    comment: str | None = None,
    *,
    method: str = "phone",
    expected_version: int | None = None,
) -> Snapshot:
    """回访归档: the return visit with the reporter's rating closes the incident and its orders.
    Reports merged into it are closed with the same outcome, so their reporters hear it too."""
    if satisfaction not in (1, 2, 3, 4, 5):
        raise TransitionError("满意度须为1至5星", "the satisfaction rating is 1 to 5")
    method = _visit_method(method)
    comment_ = _text(comment, "回访意见", "comment", required=False)
    inc = _lock_incident(session, incident_id, expected_version)
    _require(session, inc, "close", actor=actor)
    now = clock.now()
    session.add(
        ReturnVisit(
            incident_id=inc.id,
            at=now,
            by_user_id=actor.user_id,
            method=method,
            satisfaction=satisfaction,
            comment=comment_,
        )
    )
    for order in _orders_of(session, inc.id):
        if order.status == OrderStatus.VERIFIED:
            order.closed_at = now
            _set_order_status(
                session,
                actor,
                order,
                OrderStatus.CLOSED,
                "order.close",
                f"工单 {order.number} 随事件归档",
            )
    inc.closed_at = now
    inc.satisfaction = satisfaction
    inc.answered_at = inc.answered_at or now
    _set_incident_status(
        session,
        actor,
        inc,
        IncidentStatus.CLOSED,
        f"{actor.name} {VISIT_METHODS[method][0]}并归档 {_label(inc)}，满意度{satisfaction}星",
        action="incident.close",
        reason=comment_,
        extra={"satisfaction": satisfaction, "method": method},
    )
    for dup in session.scalars(
        select(Incident)
        .where(Incident.duplicate_of_id == inc.id, Incident.status == IncidentStatus.MERGED)
        .with_for_update()
    ):
        dup.closed_at = now
        dup.answered_at = dup.answered_at or now
        audit.record(
            session,
            actor,
            "incident.outcome",
            "incident",
            dup.id,
            f"{_label(dup)} 随原件 {inc.number} 办结，结果告知反映人",
            after={"outcome_of": inc.number, "satisfaction": satisfaction},
        )
    session.commit()
    return _snap(inc)


def record_unreached_visit(
    session: Session,
    actor: Actor,
    incident_id: int,
    note: str | None = None,
    *,
    method: str = "phone",
    expected_version: int | None = None,
) -> Snapshot:
    """回访未联系上: the return visit could not reach the reporter. The attempt is kept (a
    return visit without a rating, with what was tried) and audited; the incident is not
    closed and waits, verified, for the next attempt."""
    method = _visit_method(method)
    note_ = _text(note, "回访情况", "note", required=False)
    inc = _lock_incident(session, incident_id, expected_version)
    _require(session, inc, "close", actor=actor)  # a visit is made where it may close
    attempt = 1 + (
        session.scalar(
            select(func.count())
            .select_from(ReturnVisit)
            .where(ReturnVisit.incident_id == inc.id, ReturnVisit.satisfaction.is_(None))
        )
        or 0
    )
    session.add(
        ReturnVisit(
            incident_id=inc.id,
            at=clock.now(),
            by_user_id=actor.user_id,
            method=method,
            satisfaction=None,
            comment=note_,
        )
    )
    audit.record(
        session,
        actor,
        "incident.visit_unreached",
        "incident",
        inc.id,
        f"{actor.name} {VISIT_METHODS[method][0]} {_label(inc)} 未联系上反映人（第{attempt}次），"
        "待再次回访",
        after={"reached": False, "attempt": attempt, "method": method},
        reason=note_,
    )
    session.commit()
    return _snap(inc)


def reopen_incident(
    session: Session,
    actor: Actor,
    incident_id: int,
    reason: str,
    expected_version: int | None = None,
) -> Snapshot:
    """重新办理 a closed incident, within the configured number of days after closure."""
    reason_ = _text(reason, "重新办理的理由", "reason")
    inc = _lock_incident(session, incident_id, expected_version)
    _require(session, inc, "reopen", actor=actor)
    days = int(settings.get(session, "orders.reopen_days"))
    now = clock.now()
    if not lifecycle.within_reopen_window(inc, now, {"reopen_days": days}):
        session.rollback()
        raise TransitionError(
            f"事件 {inc.number} 归档已超过{days}天，不能重新办理，请作为新事件受理",
            f"incident {inc.number} was closed more than {days} days ago: take it as a new one",
        )
    inc.closed_at = None
    inc.resolved_at = None
    inc.satisfaction = None
    inc.reopen_count += 1
    inc.due_at = deadlines.allowance(session, inc.category_code, inc.priority).deadline(
        load_calendar(session), now
    )
    _set_incident_status(
        session,
        actor,
        inc,
        IncidentStatus.ACCEPTED,
        f"{actor.name} 重新办理 {_label(inc)}（第{inc.reopen_count}次）",
        action="incident.reopen",
        reason=reason_,
    )
    session.commit()
    return _snap(inc)


def answer_reporter(
    session: Session,
    actor: Actor,
    incident_id: int,
    answer: str,
    expected_version: int | None = None,
) -> Snapshot:
    """答复: what the reporter was told. The first answer stops the five-working-day clock."""
    answer_ = _text(answer, "答复内容", "answer")
    inc = _lock_incident(session, incident_id, expected_version)
    _require(session, inc, "answer", actor=actor)
    first = inc.answered_at is None
    if first:
        inc.answered_at = clock.now()
    audit.record(
        session,
        actor,
        "incident.answer",
        "incident",
        inc.id,
        f"{actor.name} 答复 {_label(inc)} 的反映人",
        after={"answer": answer_, "first": first},
    )
    session.commit()
    return _snap(inc)


def merge_incidents(
    session: Session,
    actor: Actor,
    keep_id: int,
    duplicate_ids: Sequence[int],
    reason: str | None = None,
) -> Snapshot:
    """合并: reports of the same problem join the one kept; they keep their link to it and their
    reporters receive its outcome when it is closed."""
    reason_ = _text(reason, "合并理由", "reason", required=False) or "重复反映"
    dup_ids = [d for d in dict.fromkeys(duplicate_ids) if d != keep_id]
    if not dup_ids:
        raise TransitionError("请选择要合并的重复事件", "choose the duplicate reports to merge")
    # lock in id order so two operators merging overlapping sets never deadlock
    locked = {i: _lock_incident(session, i, None) for i in sorted({keep_id, *dup_ids})}
    keep = locked[keep_id]
    _require(session, keep, "merge", lifecycle.MERGE_TARGETS, actor=actor)
    for dup_id in dup_ids:
        dup = locked[dup_id]
        _require(session, dup, "merge")
        dup.duplicate_of_id = keep.id
        _set_incident_status(
            session,
            actor,
            dup,
            IncidentStatus.MERGED,
            f"{actor.name} 将 {_label(dup)} 合并至 {keep.number}",
            action="incident.merge",
            reason=reason_,
            extra={"duplicate_of": keep.number},
        )
    audit.record(
        session,
        actor,
        "incident.merge_into",
        "incident",
        keep.id,
        f"{actor.name} 将 {len(dup_ids)} 件重复反映合并至 {_label(keep)}",
        after={"merged": [locked[d].number for d in dup_ids]},
        reason=reason_,
    )
    session.commit()
    return _snap(keep)


# --- work-order actions -----------------------------------------------------------------------


def accept_order(
    session: Session, actor: Actor, order_id: int, expected_version: int | None = None
) -> Snapshot:
    """签收: the department takes the order on."""
    order = _lock_order(session, order_id, expected_version)
    _require(session, order, "accept", actor=actor)
    inc = _lock_incident_of(session, order)
    now = clock.now()
    order.accepted_at = now
    order.handler_id = actor.user_id
    _set_order_status(
        session,
        actor,
        order,
        OrderStatus.ACCEPTED,
        "order.accept",
        f"{actor.name} 签收工单 {order.number}",
    )
    if _is_main_order(order) and inc.status == IncidentStatus.DISPATCHED:
        _set_incident_status(
            session,
            actor,
            inc,
            IncidentStatus.IN_PROGRESS,
            f"{_label(inc)} 已由 {_dept_name(session, order.department_id)} 签收办理",
        )
    session.commit()
    return _snap(order)


def _hand_back(
    session: Session,
    actor: Actor,
    order: WorkOrder,
    status: str,
    action: str,
    summary: str,
    reason: str,
    *,
    extra: dict[str, Any] | None = None,
) -> None:
    """Objection and return share this: the order leaves the department and, when it is the
    order the incident follows, the incident waits for the center to route it again."""
    inc = _lock_incident_of(session, order)
    _set_order_status(session, actor, order, status, action, summary, reason=reason, extra=extra)
    if not _is_main_order(order):
        return
    for co in _co_orders(session, order):
        if co.status in ACTIVE_ORDER:
            _set_order_status(
                session,
                actor,
                co,
                OrderStatus.CANCELLED,
                "order.cancel",
                f"牵头工单 {order.number} 已退回，协办工单 {co.number} 撤销",
                reason=reason,
            )
    _set_incident_status(
        session,
        actor,
        inc,
        IncidentStatus.ACCEPTED,
        f"{_label(inc)} 待重新派单（{ORDER_STATUS_TEXT[status][0]}：{order.number}）",
        action="incident.reroute",
        reason=reason,
    )


def object_order(
    session: Session,
    actor: Actor,
    order_id: int,
    reason: str,
    expected_version: int | None = None,
    *,
    suggested_department_id: int | None = None,
) -> Snapshot:
    """异议: not this department's matter — allowed within the objection window after dispatch.
    The department may name the one it thinks the matter belongs to (shown to the center and
    offered when it dispatches again)."""
    reason_ = _text(reason, "异议理由", "reason for the objection")
    order = _lock_order(session, order_id, expected_version)
    _require(session, order, "object", actor=actor)
    suggested: str | None = None
    if suggested_department_id is not None:
        if suggested_department_id == order.department_id:
            session.rollback()
            raise TransitionError(
                "建议的部门不能是本部门", "the suggested department cannot be your own"
            )
        suggested = session.scalar(
            select(Department.name).where(
                Department.id == suggested_department_id, Department.active
            )
        )
        if suggested is None:
            session.rollback()
            raise TransitionError(
                "建议的部门不存在或已停用", "the suggested department does not exist or is inactive"
            )
    now = clock.now()
    if not lifecycle.within_objection_window(order, now, {}):
        ended = order.objection_deadline_at
        assert ended is not None  # an order without an objection deadline is always in time
        session.rollback()
        raise TransitionError(
            f"工单 {order.number} 的异议期已于 {ended.astimezone(CST):%m-%d %H:%M} 结束，只能退单",
            f"the objection window of {order.number} ended at "
            f"{ended.astimezone(CST):%m-%d %H:%M}: return it instead",
        )
    order.objection_reason = reason_
    order.suggested_department_id = suggested_department_id
    _hand_back(
        session,
        actor,
        order,
        OrderStatus.OBJECTED,
        "order.object",
        f"{_dept_name(session, order.department_id)} 对工单 {order.number} 提出异议"
        + (f"，建议派给{suggested}" if suggested else ""),
        reason_,
        extra={"suggested_department_id": suggested_department_id} if suggested else None,
    )
    session.commit()
    return _snap(order)


def return_order(
    session: Session,
    actor: Actor,
    order_id: int,
    reason: str,
    expected_version: int | None = None,
) -> Snapshot:
    """退单: the department hands an accepted order back, with its reason."""
    reason_ = _text(reason, "退单理由", "reason for the return")
    order = _lock_order(session, order_id, expected_version)
    _require(session, order, "return", actor=actor)
    order.return_reason = reason_
    _hand_back(
        session,
        actor,
        order,
        OrderStatus.RETURNED,
        "order.return",
        f"{_dept_name(session, order.department_id)} 退回工单 {order.number}",
        reason_,
    )
    session.commit()
    return _snap(order)


def report_progress(
    session: Session,
    actor: Actor,
    order_id: int,
    note: str,
    attachments: Sequence[dict[str, Any]] = (),
    expected_version: int | None = None,
) -> Snapshot:
    """进展: a progress report, with photos."""
    note_ = _text(note, "进展情况", "progress note")
    if len(attachments) > MAX_PHOTOS:
        raise TransitionError(f"每次最多 {MAX_PHOTOS} 张照片", f"at most {MAX_PHOTOS} photos")
    order = _lock_order(session, order_id, expected_version)
    _require(session, order, "progress", actor=actor)
    session.add(
        OrderProgress(
            order_id=order.id,
            at=clock.now(),
            user_id=actor.user_id,
            note=note_,
            attachments=list(attachments) or None,
        )
    )
    summary = f"{_dept_name(session, order.department_id)} 反馈 {order.number} 进展：{note_}"
    if len(summary) > 200:
        summary = summary[:199] + "…"
    if order.status == OrderStatus.ACCEPTED:
        _set_order_status(session, actor, order, OrderStatus.IN_PROGRESS, "order.progress", summary)
    else:
        audit.record(
            session,
            actor,
            "order.progress",
            "work_order",
            order.id,
            summary,
            after={"photos": len(attachments)},
        )
    session.flush()
    order.updated_at = clock.now()
    session.commit()
    return _snap(order)


def resolve_order(
    session: Session,
    actor: Actor,
    order_id: int,
    result: str,
    expected_version: int | None = None,
    *,
    attachments: Sequence[dict[str, Any]] = (),
) -> Snapshot:
    """办结: the department reports the result, with photos of the work done (kept as the
    order's last progress note, where the center's verification finds them); a joint order's
    lead waits for its co-orders."""
    result_ = _text(result, "办理结果", "result")
    if len(attachments) > MAX_PHOTOS:
        raise TransitionError(f"每次最多 {MAX_PHOTOS} 张照片", f"at most {MAX_PHOTOS} photos")
    order = _lock_order(session, order_id, expected_version)
    _require(session, order, "resolve", actor=actor)
    inc = _lock_incident_of(session, order)
    if _is_main_order(order):
        waiting = [co for co in _co_orders(session, order) if co.status in ACTIVE_ORDER]
        if waiting:
            names = "、".join(_dept_name(session, co.department_id) for co in waiting)
            session.rollback()
            raise TransitionError(
                f"协办部门尚未办结：{names}", f"co-departments have not finished yet: {names}"
            )
    now = clock.now()
    order.resolved_at = now
    order.result = result_
    if attachments:
        session.add(
            OrderProgress(
                order_id=order.id,
                at=now,
                user_id=actor.user_id,
                note=result_,
                attachments=list(attachments),
            )
        )
    _set_order_status(
        session,
        actor,
        order,
        OrderStatus.RESOLVED,
        "order.resolve",
        f"{_dept_name(session, order.department_id)} 办结 {order.number}：{result_}"[:200],
    )
    if _is_main_order(order):
        inc.resolved_at = now
        _set_incident_status(
            session,
            actor,
            inc,
            IncidentStatus.RESOLVED,
            f"{_label(inc)} 已办结，待核查",
        )
    session.commit()
    return _snap(order)


def verify_order(
    session: Session,
    actor: Actor,
    order_id: int,
    ok: bool,
    note: str | None = None,
    expected_version: int | None = None,
) -> Snapshot:
    """核查 a resolved order: confirmed (the incident is verified with it), or sent back."""
    order = _lock_order(session, order_id, expected_version)
    _require(session, order, "verify", actor=actor)
    inc = _lock_incident_of(session, order)
    note_ = _text(note, "核查意见", "verification note", required=not ok)
    if ok:
        _set_order_status(
            session,
            actor,
            order,
            OrderStatus.VERIFIED,
            "order.verify",
            f"{actor.name} 核查工单 {order.number}：已解决",
            reason=note_,
        )
        if _is_main_order(order):
            for co in _co_orders(session, order):
                if co.status == OrderStatus.RESOLVED:
                    _set_order_status(
                        session,
                        actor,
                        co,
                        OrderStatus.VERIFIED,
                        "order.verify",
                        f"协办工单 {co.number} 随牵头工单核查",
                    )
            _set_incident_status(
                session,
                actor,
                inc,
                IncidentStatus.VERIFIED,
                f"{actor.name} 核查 {_label(inc)}：已解决",
                action="incident.verify",
                reason=note_,
            )
    else:
        order.resolved_at = None
        _set_order_status(
            session,
            actor,
            order,
            OrderStatus.IN_PROGRESS,
            "order.reject_result",
            f"{actor.name} 核查工单 {order.number}：未解决，退回继续办理",
            reason=note_,
        )
        if _is_main_order(order):
            inc.resolved_at = None
            _set_incident_status(
                session,
                actor,
                inc,
                IncidentStatus.IN_PROGRESS,
                f"{_label(inc)} 核查未通过，继续办理",
                reason=note_,
            )
    session.commit()
    return _snap(order)


def second_dispatch(
    session: Session,
    actor: Actor,
    order_id: int,
    department_id: int | None,
    reason: str,
    expected_version: int | None = None,
) -> list[Snapshot]:
    """二次派送: an unresolved order is withdrawn and the incident sent again (to the same
    department when ``department_id`` is None)."""
    reason_ = _text(reason, "二次派送的理由", "reason")
    order = _lock_order(session, order_id, expected_version)
    if not _is_main_order(order):
        session.rollback()
        raise TransitionError(
            f"工单 {order.number} 是协办工单，请对牵头工单二次派送",
            f"{order.number} is a co-order: dispatch its lead order again",
        )
    _require(session, order, "second_dispatch", actor=actor)
    inc = _lock_incident_of(session, order)
    target = department_id or order.department_id
    for co in _co_orders(session, order):
        if co.status in (*ACTIVE_ORDER, OrderStatus.RESOLVED):
            _set_order_status(
                session,
                actor,
                co,
                OrderStatus.CANCELLED,
                "order.cancel",
                f"协办工单 {co.number} 随二次派送撤销",
                reason=reason_,
            )
    _set_order_status(
        session,
        actor,
        order,
        OrderStatus.CANCELLED,
        "order.cancel",
        f"{actor.name} 撤回工单 {order.number}，二次派送",
        reason=reason_,
    )
    inc.resolved_at = None
    _set_incident_status(
        session,
        actor,
        inc,
        IncidentStatus.ACCEPTED,
        f"{_label(inc)} 撤回工单 {order.number}，待二次派送",
        action="incident.reroute",
        reason=reason_,
    )
    session.flush()
    return dispatch(session, actor, inc.id, target, note=reason_)


# --- what the user may do next ------------------------------------------------------------------


def allowed_incident_actions(
    inc: Incident, now: dt.datetime | None = None, reopen_days: int = 15, role: str | None = None
) -> list[str]:
    """What may be done next to ``inc`` (by ``role``; None: by whoever may)."""
    return lifecycle.allowed_actions("incident", inc, now, role, reopen_days=reopen_days)


def allowed_order_actions(
    order: WorkOrder, now: dt.datetime | None = None, role: str | None = None
) -> list[str]:
    """What may be done next to ``order`` (by ``role``; None: by whoever may)."""
    return lifecycle.allowed_actions("order", order, now, role)
