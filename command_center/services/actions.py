"""Running the lifecycle's actions by name: the row an action is for (:class:`Target`), what the
operator gave it (:class:`Inputs`), the service each action calls (:data:`RUN`), what a dialog
needs read first (:func:`prepare`) and one action on many rows (:func:`run_bulk`).

The views ask for the inputs and show the outcome; everything here runs on a worker thread, one
service call per action, each in its own transaction. Every action names the version of the row
the operator saw, so when someone else acted first the service refuses with a ConflictError
(:func:`conflict_text` says who acted, when, and the state now).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from command_center.services import lifecycle, orders, routing
from command_center.services import queue as svc
from command_center.services.audit import Actor
from command_center.services.choices import choices
from command_center.services.permissions import PermissionDenied
from command_center.services.response_templates import (
    TEMPLATE_ACTIONS,
    TemplateInfo,
    templates_for_action,
)

REFUSALS = (orders.TransitionError, PermissionDenied, svc.QueueError, routing.RoutingError)
"""What a service refuses with a message for the operator ("中文 / English")."""


@dataclass(frozen=True)
class Target:
    """The row an action is for: "incident" or "order", its id and the version seen."""

    kind: str
    id: int
    version: int | None
    number: str
    category_code: str | None = None
    town_id: int | None = None
    status: str = ""
    row: Any = None


@dataclass
class Inputs:
    text: str = ""
    department_id: int | None = None
    co_department_ids: list[int] = field(default_factory=list)
    ok: bool = True
    satisfaction: int = 0  # the return visit's rating, 1 to 5: chosen, never preset
    reached: bool = True  # the return visit reached the reporter (False: recorded, not closed)
    visit_method: str = "phone"  # how the return visit was made (orders.VISIT_METHODS)
    suggested_department_id: int | None = None  # an objection: where the matter belongs
    attachments: list[dict[str, Any]] = field(default_factory=list)
    keep_id: int | None = None  # merge: the report this one joins


def _merge(session: Session, actor: Actor, t: Target, i: Inputs) -> Any:
    if i.keep_id is None:
        raise orders.TransitionError("请选择要合并到的事件", "choose the report to keep")
    return orders.merge_incidents(session, actor, i.keep_id, [t.id], i.text or None)


def _dispatch(session: Session, actor: Actor, t: Target, i: Inputs) -> Any:
    assert i.department_id is not None
    made = orders.dispatch(
        session,
        actor,
        t.id,
        i.department_id,
        co_department_ids=i.co_department_ids,
        note=i.text or None,
        expected_version=t.version,
    )
    from command_center.services import learned_routing

    try:  # whether the learned department was taken (the administrator's accept rate)
        learned_routing.record_choice(session, actor, t.id, "department", str(i.department_id))
    except learned_routing.classifier.ClassifierError:
        session.rollback()
    return made


def _undo_auto(session: Session, actor: Actor, t: Target, i: Inputs) -> Any:
    from command_center.services import learned_routing

    return learned_routing.undo_auto_dispatch(
        session, actor, t.id, i.text or None, expected_version=t.version
    )


Runner = Callable[[Session, Actor, Target, Inputs], Any]
RUN: dict[tuple[str, str], Runner] = {
    ("incident", "accept"): lambda s, a, t, i: orders.accept_incident(
        s, a, t.id, expected_version=t.version
    ),
    ("incident", "dispatch"): _dispatch,
    ("incident", "undo_auto"): lambda s, a, t, i: _undo_auto(s, a, t, i),
    ("incident", "resolve"): lambda s, a, t, i: orders.resolve_incident(
        s, a, t.id, i.text, expected_version=t.version
    ),
    ("incident", "reject"): lambda s, a, t, i: orders.reject_incident(
        s, a, t.id, i.text, expected_version=t.version
    ),
    ("incident", "merge"): _merge,
    ("incident", "verify"): lambda s, a, t, i: orders.verify_incident(
        s, a, t.id, i.ok, i.text or None, expected_version=t.version
    ),
    ("incident", "close"): lambda s, a, t, i: (
        orders.close_incident(
            s,
            a,
            t.id,
            i.satisfaction,
            i.text or None,
            method=i.visit_method,
            expected_version=t.version,
        )
        if i.reached
        else orders.record_unreached_visit(
            s, a, t.id, i.text or None, method=i.visit_method, expected_version=t.version
        )
    ),
    ("incident", "reopen"): lambda s, a, t, i: orders.reopen_incident(
        s, a, t.id, i.text, expected_version=t.version
    ),
    ("incident", "answer"): lambda s, a, t, i: orders.answer_reporter(
        s, a, t.id, i.text, expected_version=t.version
    ),
    ("order", "accept"): lambda s, a, t, i: orders.accept_order(
        s, a, t.id, expected_version=t.version
    ),
    ("order", "object"): lambda s, a, t, i: orders.object_order(
        s,
        a,
        t.id,
        i.text,
        expected_version=t.version,
        suggested_department_id=i.suggested_department_id,
    ),
    ("order", "progress"): lambda s, a, t, i: orders.report_progress(
        s, a, t.id, i.text, i.attachments, expected_version=t.version
    ),
    ("order", "resolve"): lambda s, a, t, i: orders.resolve_order(
        s, a, t.id, i.text, expected_version=t.version, attachments=i.attachments
    ),
    ("order", "return"): lambda s, a, t, i: orders.return_order(
        s, a, t.id, i.text, expected_version=t.version
    ),
    ("order", "verify"): lambda s, a, t, i: orders.verify_order(
        s, a, t.id, i.ok, i.text or None, expected_version=t.version
    ),
    ("order", "second_dispatch"): lambda s, a, t, i: orders.second_dispatch(
        s, a, t.id, i.department_id, i.text, expected_version=t.version
    ),
}
"""The service each lifecycle action runs (one per action of the lifecycle's table)."""


def call(session: Session, actor: Actor, t: Target, name: str, i: Inputs) -> Any:
    """Run one action (on the worker thread)."""
    run = RUN.get((t.kind, name))
    if run is None:
        raise orders.TransitionError(f"未知操作「{name}」", f"unknown action '{name}'")
    return run(session, actor, t, i)


def conflict_text(exc: orders.ConflictError, kind: str) -> str:
    """Who acted first, when, and the state now, for an incident or an order ("中文 / English").

    Composed here from the error's fields, with the status named as the row's kind names it
    (an accepted incident is 已受理, an accepted order 已签收)."""
    zh_status, en_status = lifecycle.status_words(
        "incident" if kind.startswith("incident") else "order", exc.current_status
    )
    what_zh, what_en = (
        ("此事件", "this incident") if kind == "incident" else ("此工单", "this order")
    )
    who_zh = exc.actor_name or "其他用户"
    who_en = exc.actor_name or "another user"
    if exc.at is not None:
        hm = exc.at.astimezone(orders.CST).strftime("%H:%M")
        zh = f"{who_zh} 已于 {hm} 处理了{what_zh}，当前状态：{zh_status}"
        en = f"{who_en} acted on {what_en} first, at {hm}; it is now {en_status}"
    else:
        zh = f"{who_zh} 已先处理了{what_zh}，当前状态：{zh_status}"
        en = f"{who_en} acted on {what_en} first; it is now {en_status}"
    return f"{zh} / {en}"


@dataclass(frozen=True)
class Photo:
    """A photo a department attached, for the verification dialog to show."""

    order_number: str
    at: Any  # datetime
    name: str
    data: bytes


@dataclass(frozen=True)
class Result:
    """What a department reported when it resolved its order."""

    order_number: str
    department_name: str
    resolved_at: Any  # datetime | None
    result: str
    department_name_en: str | None = None  # the English interface's (None: the Chinese one)


MAX_VERIFY_PHOTOS = 9
"""The verification dialog shows the newest photos, at most this many."""


@dataclass(frozen=True)
class Prepared:
    """What a dialog needs, read on the worker thread before it opens."""

    templates: list[TemplateInfo]
    departments: list[tuple[int, str, str | None]]  # id, name, name_en
    suggestion: routing.Suggestion | None
    duplicates: list[Any] = field(default_factory=list)  # duplicates.Candidate
    results: list[Result] = field(default_factory=list)  # verify: what the departments did
    photos: list[Photo] = field(default_factory=list)  # verify: their photos, newest first
    own_department_id: int | None = None  # object: the department objecting
    learned: Any = None  # dispatch: learned_routing.LearnedSuggestion, beside the rules'


def verification_material(
    session: Session, kind: str, target_id: int
) -> tuple[list[Result], list[Photo]]:
    """The results and photos the departments reported, for verifying an incident (all its
    orders) or one order: the newest photos first, at most :data:`MAX_VERIFY_PHOTOS`."""
    import base64

    from command_center.models import Department, OrderProgress, WorkOrder

    cond = WorkOrder.incident_id == target_id if kind == "incident" else WorkOrder.id == target_id
    rows = session.execute(
        select(
            WorkOrder.id,
            WorkOrder.number,
            Department.name,
            WorkOrder.resolved_at,
            WorkOrder.result,
            Department.name_en,
        )
        .join(Department, Department.id == WorkOrder.department_id)
        .where(cond, WorkOrder.result.is_not(None))
        .order_by(WorkOrder.resolved_at.desc().nulls_last(), WorkOrder.id.desc())
    ).all()
    results = [
        Result(number, dept, at, result or "", dept_en)
        for _, number, dept, at, result, dept_en in rows
    ]
    order_ids = list(session.scalars(select(WorkOrder.id).where(cond)))
    numbers = dict(session.execute(select(WorkOrder.id, WorkOrder.number).where(cond)).all())
    photos: list[Photo] = []
    if order_ids:
        for p in session.scalars(
            select(OrderProgress)
            .where(OrderProgress.order_id.in_(order_ids), OrderProgress.attachments.is_not(None))
            .order_by(OrderProgress.at.desc(), OrderProgress.id.desc())
        ):
            for a in p.attachments or []:
                if len(photos) >= MAX_VERIFY_PHOTOS:
                    break
                if isinstance(a, dict) and "data" in a:
                    photos.append(
                        Photo(
                            numbers.get(p.order_id, ""),
                            p.at,
                            str(a.get("name", "photo")),
                            base64.b64decode(a["data"]),
                        )
                    )
            if len(photos) >= MAX_VERIFY_PHOTOS:
                break
    return results, photos


def prepare(session: Session, kind: str, name: str, targets: Sequence[Target]) -> Prepared:
    t = targets[0]
    templates: list[TemplateInfo] = []
    if (kind, name) in TEMPLATE_ACTIONS:  # the templates for this action only
        cats = {x.category_code for x in targets}
        statuses = {x.status for x in targets}
        templates = templates_for_action(
            session,
            kind,
            name,
            t.category_code if len(cats) == 1 else None,
            (t.status or None) if len(statuses) == 1 else None,
        )
    departments: list[tuple[int, str, str | None]] = []
    suggestion = None
    if name in ("dispatch", "second_dispatch"):
        departments = choices(session).departments
        cats = {x.category_code for x in targets}
        towns = {x.town_id for x in targets}
        if len(cats) == 1:
            suggestion = routing.suggest(
                session, t.category_code, t.town_id if len(towns) == 1 else None
            )
    if name == "dispatch" and len(targets) == 1 and kind == "incident":
        from command_center.services.record_details import handback

        back = handback(session, t.id)
        if back is not None and back.suggested_department_id is not None:
            dept_en = back.department_name_en or back.department_name
            suggested_en = back.suggested_department_name_en or back.suggested_department_name
            suggestion = routing.Suggestion(
                back.suggested_department_id,
                back.suggested_department_name or "",
                f"{back.department_name}提出异议时建议由{back.suggested_department_name}办理",
                None,
                suggested_en,
                f"{dept_en} objected and suggested {suggested_en}",
            )
    learned = None
    if name == "dispatch" and len(targets) == 1 and kind == "incident":
        from command_center.models import Incident
        from command_center.services import learned_routing

        inc = session.get(Incident, t.id)
        if inc is not None:
            try:
                learned = learned_routing.suggest(session, inc.title, inc.description)
            except learned_routing.classifier.ClassifierError:
                learned = None  # the rules' suggestion still stands
    if name == "object":
        departments = choices(session).departments
    results: list[Result] = []
    photos: list[Photo] = []
    if name == "verify":
        results, photos = verification_material(session, kind, t.id)
    own = None
    if name == "object":
        from command_center.models import WorkOrder

        own = session.scalar(select(WorkOrder.department_id).where(WorkOrder.id == t.id))
    found: list[Any] = []
    if name == "merge":
        from command_center.models import Incident
        from command_center.services import duplicates

        inc = session.get(Incident, t.id)
        if inc is not None:
            found = duplicates.candidates(
                session,
                lon=inc.lon,
                lat=inc.lat,
                text=f"{inc.title} {inc.description}",
                at=inc.reported_at,
                category_code=inc.category_code,
                exclude_id=inc.id,
                village_id=inc.village_id,
            )
    return Prepared(templates, departments, suggestion, found, results, photos, own, learned)


@dataclass
class BulkOutcome:
    """What one action on many rows did: ``done`` and ``failed`` (number, why) were tried;
    after a lost connection (``interrupted`` says so), ``not_done`` were not, and ``unknown``
    is the one whose commit was under way when the connection went and could not be checked."""

    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # number, message
    conflicts: int = 0
    not_done: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    interrupted: str | None = None


def run_bulk(
    session: Session,
    actor: Actor,
    name: str,
    targets: Sequence[Target],
    make_inputs: Callable[[Target], Inputs],
) -> BulkOutcome:
    """One action on many rows, each in its own transaction: what went through and what did
    not (and why). A lost connection stops the run and says exactly where: the rows done
    before it stay done, the row under way is checked on a new connection (its version moved:
    it went through; it did not: not done; no connection: unknown), the rest are not done."""
    out = BulkOutcome()
    for i, t in enumerate(targets):
        try:
            call(session, actor, t, name, make_inputs(t))
        except REFUSALS as exc:
            session.rollback()
            if isinstance(exc, orders.ConflictError):
                out.conflicts += 1
                out.failed.append((t.number, conflict_text(exc, t.kind)))
            else:
                out.failed.append((t.number, str(exc)))
        except DBAPIError as exc:
            if not _connection_lost(exc):
                raise
            out.interrupted = (
                f"与数据库的连接中断，已停止（{len(out.done)}/{len(targets)} 已完成）"
                f" / the connection to the database was lost; stopped "
                f"({len(out.done)} of {len(targets)} done)"
            )
            went = _went_through(session, t)
            if went is None:
                out.unknown.append(t.number)
            elif went:
                out.done.append(t.number)
            else:
                out.not_done.append(t.number)
            out.not_done.extend(x.number for x in targets[i + 1 :])
            break
        else:
            out.done.append(t.number)
    return out


def _connection_lost(exc: DBAPIError) -> bool:
    return bool(exc.connection_invalidated) or isinstance(exc, (OperationalError, InterfaceError))


def _went_through(session: Session, t: Target) -> bool | None:
    """Whether the action on ``t`` committed before the connection went: its version moved.
    None when the database cannot be reached to tell."""
    try:
        session.rollback()
    except DBAPIError:
        pass
    if t.version is None:
        return None
    try:
        table = "incidents" if t.kind == "incident" else "work_orders"
        version = session.execute(
            text(f"SELECT version FROM {table} WHERE id = :id"), {"id": t.id}
        ).scalar_one_or_none()
        session.rollback()
    except DBAPIError:
        return None
    return version is not None and version != t.version
