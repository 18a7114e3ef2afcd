"""The incident and work-order lifecycle, defined once: statuses, actions, who may do them.

Every word a screen, an error message, the Open311 API or the demo seed uses for a status or an
action comes from the tables here (as Anki keeps its enums' words in ``consts.py``); the state
machine in :mod:`command_center.services.orders` checks its transitions against them, and the
lists of what a user may do next are computed from them. The status values themselves are the
enums of :mod:`command_center.models.incident` (the schema's CHECK constraints use them).

No Qt here: the views choose the Chinese or the English word by the interface language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from command_center import clock
from command_center.models.incident import (
    OPEN_INCIDENT_STATUSES,
    OPEN_ORDER_STATUSES,
    IncidentStatus,
    OrderStatus,
)

Kind = Literal["incident", "order"]
Lang = Literal["zh", "en"]
INCIDENT: Kind = "incident"
ORDER: Kind = "order"

# roles (app_users.role_code)
DUTY_OPERATOR = "duty_operator"
SUPERVISOR = "supervisor"
DEPT_HANDLER = "dept_handler"
ANALYST = "analyst"
ADMIN = "admin"
CENTER_ROLES = (DUTY_OPERATOR, SUPERVISOR, ADMIN)
"""Who does the center's actions (accept, dispatch, verify, close, …)."""
DEPARTMENT_ROLES = (DEPT_HANDLER,)
"""Who does a department's actions on its own orders (sign for, progress, resolve, …)."""


@dataclass(frozen=True)
class Status:
    """One state of an incident or an order: its word in Chinese and English and whether it is
    still open. The map colours a point by its status code (``resources/map/map.js``)."""

    kind: Kind
    code: str
    zh: str
    en: str
    public: tuple[str, str] | None = None
    """What the reporter is told (Open311 ``status_notes``) when it says more than the word."""

    @property
    def open(self) -> bool:
        """Still waiting for someone: the models' OPEN_* lists, which the schema's partial
        indexes are built on, decide."""
        return self.code in (
            OPEN_INCIDENT_STATUSES if self.kind == "incident" else OPEN_ORDER_STATUSES
        )


@dataclass(frozen=True)
class Action:
    """One thing a user can do to an incident or an order.

    ``zh``/``en`` name it in a sentence ("不能办结", "it cannot resolve"); ``label_zh``/``label_en``
    on its button (defaults: the same word, capitalised). ``sources`` are the statuses it starts
    from, ``target`` the status it normally leads to (None: the status stays). ``inputs`` are what
    the user must give ("reason", "note", "department", "rating", "duplicate", "photos"), in the
    order a dialog asks. ``roles`` may do it. ``guard``, if any, is a further condition on the row
    and the time (the objection window, the reopening window, a lead order)."""

    kind: Kind
    code: str
    zh: str
    en: str
    sources: tuple[str, ...]
    target: str | None
    roles: tuple[str, ...]
    inputs: tuple[str, ...] = ()
    label_zh: str | None = None
    label_en: str | None = None
    guard: Callable[[Any, dt.datetime, dict[str, Any]], bool] | None = None

    def label(self, lang: Lang) -> str:
        if lang == "zh":
            return self.label_zh or self.zh
        return self.label_en or self.en[:1].upper() + self.en[1:]


_I, _O = IncidentStatus, OrderStatus

INCIDENT_STATUSES: tuple[Status, ...] = (
    Status(INCIDENT, _I.NEW, "待受理", "New", ("已接收，待受理", "received, awaiting acceptance")),
    Status(INCIDENT, _I.ACCEPTED, "已受理", "Accepted"),
    Status(
        INCIDENT,
        _I.DISPATCHED,
        "已派单",
        "Dispatched",
        ("已派遣至承办部门", "dispatched to the responsible department"),
    ),
    Status(
        INCIDENT,
        _I.IN_PROGRESS,
        "办理中",
        "In progress",
        ("承办部门处置中", "being handled by the department"),
    ),
    Status(
        INCIDENT,
        _I.RESOLVED,
        "已办结",
        "Resolved",
        ("已处置，待核查", "resolved, awaiting verification"),
    ),
    Status(
        INCIDENT,
        _I.VERIFIED,
        "已核查",
        "Verified",
        ("已核查，待回访", "verified, awaiting the return visit"),
    ),
    Status(INCIDENT, _I.CLOSED, "已归档", "Closed"),
    Status(INCIDENT, _I.MERGED, "已合并", "Merged", ("已合并", "merged into another report")),
    Status(INCIDENT, _I.REJECTED, "不予受理", "Rejected"),
)
ORDER_STATUSES: tuple[Status, ...] = (
    Status(ORDER, _O.DISPATCHED, "待签收", "Awaiting acceptance"),
    Status(ORDER, _O.ACCEPTED, "已签收", "Signed for"),
    Status(ORDER, _O.IN_PROGRESS, "办理中", "In progress"),
    Status(ORDER, _O.RESOLVED, "已办结", "Resolved"),
    Status(ORDER, _O.VERIFIED, "已核查", "Verified"),
    Status(ORDER, _O.CLOSED, "已归档", "Closed"),
    Status(ORDER, _O.RETURNED, "已退单", "Returned"),
    Status(ORDER, _O.OBJECTED, "已异议", "Objected"),
    Status(ORDER, _O.CANCELLED, "已撤销", "Cancelled"),
)
STATUSES: dict[Kind, dict[str, Status]] = {
    INCIDENT: {s.code: s for s in INCIDENT_STATUSES},
    ORDER: {s.code: s for s in ORDER_STATUSES},
}


def status_codes(kind: Kind) -> tuple[str, ...]:
    """Every status of ``kind``, in the order of the lifecycle."""
    return tuple(STATUSES[kind])


def open_status_codes(kind: Kind) -> tuple[str, ...]:
    """The statuses of ``kind`` that still wait for someone (the queues' default)."""
    return tuple(s.code for s in STATUSES[kind].values() if s.open)


def status_text(kind: Kind, code: str, lang: Lang = "zh") -> str:
    """The word for a status; an unknown code is shown as it is."""
    s = STATUSES[kind].get(code)
    if s is None:
        return code
    return s.zh if lang == "zh" else s.en


def public_words(code: str) -> tuple[str, str]:
    """(中文, English) telling a reporter where an incident stands (Open311 ``status_notes``)."""
    s = STATUSES[INCIDENT].get(code)
    if s is None:
        return code, code
    return s.public or (s.zh, s.en.lower())


def status_words(kind: Kind, code: str) -> tuple[str, str]:
    """(中文, English) of a status, the English in lower case for a sentence."""
    return status_text(kind, code, "zh"), status_text(kind, code, "en").lower()


# --- actions ---------------------------------------------------------------------------------

_ALL_INCIDENT = status_codes(INCIDENT)
MERGE_TARGETS = tuple(s for s in _ALL_INCIDENT if s not in (_I.MERGED, _I.REJECTED))
"""The statuses of the report a duplicate may be merged into."""


def within_reopen_window(row: Any, now: dt.datetime, ctx: dict[str, Any]) -> bool:
    days = int(ctx.get("reopen_days", 15))
    return row.closed_at is None or now - row.closed_at <= dt.timedelta(days=days)


def within_objection_window(row: Any, now: dt.datetime, ctx: dict[str, Any]) -> bool:
    return row.objection_deadline_at is None or now <= row.objection_deadline_at


def _is_lead(row: Any, now: dt.datetime, ctx: dict[str, Any]) -> bool:
    return row.lead_order_id is None


def auto_dispatched(row: Any, now: dt.datetime, ctx: dict[str, Any]) -> bool:
    """Smart dispatch sent it (``ctx["auto_dispatched"]``: learned_routing.auto_dispatched): an
    operator may take it back while no department has accepted (the service checks that)."""
    return bool(ctx.get("auto_dispatched"))


_C, _D = CENTER_ROLES, DEPARTMENT_ROLES
INCIDENT_ACTIONS: tuple[Action, ...] = (
    Action(INCIDENT, "accept", "受理", "accept", (_I.NEW,), _I.ACCEPTED, _C),
    Action(
        INCIDENT,
        "dispatch",
        "派单",
        "dispatch",
        (_I.NEW, _I.ACCEPTED),
        _I.DISPATCHED,
        _C,
        ("department",),
    ),
    Action(
        INCIDENT,
        "undo_auto",
        "撤销自动派单",
        "undo the automatic dispatch",
        (_I.DISPATCHED,),
        _I.ACCEPTED,
        _C,
        ("reason",),
        guard=auto_dispatched,
    ),
    Action(
        INCIDENT,
        "resolve",
        "办结",
        "resolve",
        (_I.NEW, _I.ACCEPTED),
        _I.RESOLVED,
        _C,
        ("note",),
        label_zh="自行处置",
        label_en="Resolve on the spot",
    ),
    Action(
        INCIDENT,
        "reject",
        "不予受理",
        "reject",
        (_I.NEW, _I.ACCEPTED),
        _I.REJECTED,
        _C,
        ("reason",),
    ),
    Action(
        INCIDENT,
        "merge",
        "合并",
        "merge",
        (_I.NEW, _I.ACCEPTED),
        _I.MERGED,
        _C,
        ("duplicate",),
        label_zh="作为重复反映合并",
        label_en="Merge as a duplicate",
    ),
    Action(
        INCIDENT,
        "verify",
        "核查",
        "verify",
        (_I.RESOLVED,),
        _I.VERIFIED,
        _C,
        ("note",),
        label_zh="核查办理结果",
        label_en="Verify the result",
    ),
    Action(
        INCIDENT,
        "close",
        "回访归档",
        "close with a return visit",
        (_I.VERIFIED,),
        _I.CLOSED,
        _C,
        ("rating", "note"),
        label_en="Return visit and close",
    ),
    Action(
        INCIDENT,
        "reopen",
        "重新办理",
        "reopen",
        (_I.CLOSED,),
        _I.ACCEPTED,
        _C,
        ("reason",),
        guard=within_reopen_window,
    ),
    Action(
        INCIDENT,
        "answer",
        "答复反映人",
        "answer the reporter",
        tuple(s for s in _ALL_INCIDENT if s != _I.MERGED),
        None,
        _C,
        ("note",),
    ),
)
ORDER_ACTIONS: tuple[Action, ...] = (
    Action(
        ORDER,
        "accept",
        "签收",
        "sign for it",
        (_O.DISPATCHED,),
        _O.ACCEPTED,
        _D,
        label_en="Sign for it",
    ),
    Action(
        ORDER,
        "object",
        "提出异议",
        "object",
        (_O.DISPATCHED, _O.ACCEPTED),
        _O.OBJECTED,
        _D,
        ("reason",),
        guard=within_objection_window,
    ),
    Action(
        ORDER,
        "progress",
        "反馈进展",
        "report progress",
        (_O.ACCEPTED, _O.IN_PROGRESS),
        _O.IN_PROGRESS,
        _D,
        ("note", "photos"),
    ),
    Action(
        ORDER,
        "resolve",
        "办结",
        "resolve",
        (_O.ACCEPTED, _O.IN_PROGRESS),
        _O.RESOLVED,
        _D,
        ("note",),
    ),
    Action(
        ORDER,
        "return",
        "退单",
        "return",
        (_O.ACCEPTED, _O.IN_PROGRESS),
        _O.RETURNED,
        _D,
        ("reason",),
    ),
    Action(
        ORDER,
        "verify",
        "核查",
        "verify",
        (_O.RESOLVED,),
        _O.VERIFIED,
        _C,
        ("note",),
        label_zh="核查办理结果",
        label_en="Verify the result",
    ),
    Action(
        ORDER,
        "second_dispatch",
        "二次派送",
        "dispatch again",
        (_O.DISPATCHED, _O.ACCEPTED, _O.IN_PROGRESS, _O.RESOLVED),
        _O.CANCELLED,
        _C,
        ("department", "reason"),
        guard=_is_lead,
    ),
)
ACTIONS: dict[Kind, dict[str, Action]] = {
    INCIDENT: {a.code: a for a in INCIDENT_ACTIONS},
    ORDER: {a.code: a for a in ORDER_ACTIONS},
}


def action(kind: Kind, code: str) -> Action:
    return ACTIONS[kind][code]


def action_label(kind: Kind, code: str, lang: Lang = "zh") -> str:
    """The word on an action's button; an unknown action is shown as it is."""
    a = ACTIONS[kind].get(code)
    return a.label(lang) if a else code


def action_words(kind: Kind, code: str) -> tuple[str, str]:
    """(中文, English) naming an action in a sentence ("不能签收" / "it cannot sign for it")."""
    a = ACTIONS[kind].get(code)
    return (a.zh, a.en) if a else (code, code)


def role_may(role: str | None, kind: Kind, code: str) -> bool:
    """Whether a user of ``role`` may do this action at all (None: the system itself)."""
    a = ACTIONS[kind].get(code)
    return a is not None and (role is None or role in a.roles)


def actions_for_role(kind: Kind, role: str | None) -> tuple[str, ...]:
    """The actions of ``kind`` a user of ``role`` may do, in the table's order."""
    return tuple(a.code for a in ACTIONS[kind].values() if role is None or role in a.roles)


def allowed_actions(
    kind: Kind,
    row: Any,
    now: dt.datetime | None = None,
    role: str | None = None,
    **ctx: Any,
) -> list[str]:
    """What may be done next to ``row`` (an Incident or a WorkOrder), at ``now``, by ``role``
    (None: whoever may). ``ctx`` carries settings a guard reads (``reopen_days``)."""
    now = now or clock.now()
    return [
        a.code
        for a in ACTIONS[kind].values()
        if row.status in a.sources
        and (role is None or role in a.roles)
        and (a.guard is None or a.guard(row, now, ctx))
    ]
