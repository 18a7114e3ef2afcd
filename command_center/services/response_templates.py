"""Response templates: the wording offered when answering a reporter or writing what an action
needs (a reason, a result, progress), chosen by category (its own, then its parents', then those
for all) and by the action, and filled in with the incident's number, title and address. No Qt.

Which action a template serves is read from its ``status`` (:func:`serves`, the one rule): the
status an action leads to names the templates for that action — ``returned`` the reasons for a
return (退单), ``objected`` those for an objection, ``in_progress`` progress notes, ``resolved``
results, ``rejected`` the reasons a report is not taken. The answer to the reporter, which changes
no status, is served by the templates for the incident's present status and those for any status
(no status): those are the replies to the citizen, offered nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from command_center.models import ResponseTemplate
from command_center.services import categories, lifecycle

TEMPLATE_ACTIONS: frozenset[tuple[str, str]] = frozenset(
    {
        ("incident", "answer"),
        ("incident", "reject"),
        ("incident", "resolve"),
        ("order", "object"),
        ("order", "progress"),
        ("order", "resolve"),
        ("order", "return"),
    }
)
"""The actions whose dialog offers templates ("incident"/"order", the lifecycle's action)."""

ANSWER = ("incident", "answer")

ACTION_STATUSES: dict[tuple[str, str], str] = {
    a: str(lifecycle.action(a[0], a[1]).target)  # type: ignore[arg-type]
    for a in sorted(TEMPLATE_ACTIONS - {ANSWER})
}
"""The template status that serves each action other than the answer: the status it leads to."""


def action_status(kind: str, action: str, status: str | None = None) -> str | None:
    """The template status that serves this action: the status the action leads to; for the
    answer to the reporter, the incident's present ``status``. None: none of its own (an action
    without templates, or an answer for rows of different statuses)."""
    if (kind, action) == ANSWER:
        return status
    return ACTION_STATUSES.get((kind, action))


def serves(
    template_status: str | None, kind: str, action: str, status: str | None = None
) -> bool:
    """Whether a template of ``template_status`` is offered for this action on a row now at
    ``status`` (see the module docstring). A template serves one kind of action: one for a
    return, an objection, progress, a result or a rejection is not offered as an answer."""
    if (kind, action) == ANSWER:
        return template_status is None or (
            template_status == status and template_status not in ACTION_STATUSES.values()
        )
    wanted = ACTION_STATUSES.get((kind, action))
    return wanted is not None and template_status == wanted


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    title: str
    body: str
    category_code: str | None
    status: str | None


def templates_for(
    session: Session, category_code: str | None, status: str | None = None
) -> list[TemplateInfo]:
    """Active templates for a category (its own, then its parents', then those for all) and a
    status (its own first, then those for any status)."""
    chain = [n.code for n in categories.ancestors(session, category_code)]
    conds = [ResponseTemplate.category_code.is_(None)]
    if chain:
        conds.append(ResponseTemplate.category_code.in_(chain))
    status_cond: ColumnElement[bool] = ResponseTemplate.status.is_(None)
    if status:
        status_cond = or_(status_cond, ResponseTemplate.status == status)
    rows = list(
        session.scalars(
            select(ResponseTemplate).where(ResponseTemplate.active, or_(*conds), status_cond)
        )
    )
    depth = {c: i for i, c in enumerate(chain)}

    def rank(t: ResponseTemplate) -> tuple[int, int, str]:
        d = depth.get(t.category_code, len(chain)) if t.category_code else len(chain)
        return (d, 0 if t.status else 1, t.title)

    return [
        TemplateInfo(t.id, t.title, t.body, t.category_code, t.status)
        for t in sorted(rows, key=rank)
    ]


def templates_for_action(
    session: Session,
    kind: str,
    action: str,
    category_code: str | None,
    status: str | None = None,
) -> list[TemplateInfo]:
    """The active templates a dialog offers for this action (:func:`serves`), for a category
    (its own first, then its parents', then those for all); ``status`` is the row's present
    status (it matters for the answer to the reporter)."""
    if (kind, action) not in TEMPLATE_ACTIONS:
        return []
    wanted = action_status(kind, action, status)
    if wanted is None and (kind, action) != ANSWER:
        return []
    return [
        t
        for t in templates_for(session, category_code, wanted)
        if serves(t.status, kind, action, status)
    ]


def fill_template(body: str, row: Any) -> str:
    """Put the incident's number, title and address into ``{number}``, ``{title}``,
    ``{address}``."""
    values = {
        "number": getattr(row, "incident_number", None) or getattr(row, "number", ""),
        "title": getattr(row, "title", ""),
        "address": getattr(row, "address", None) or "",
        "department": getattr(row, "department_name", None) or "",
    }
    out = body
    for k, v in values.items():
        out = out.replace("{" + k + "}", str(v))
    return out
