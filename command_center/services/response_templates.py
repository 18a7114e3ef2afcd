"""Response templates: the wording offered when answering a reporter or noting progress, chosen
by category (its own, then its parents', then those for all) and status, and filled in with the
incident's number, title and address. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from command_center.models import ResponseTemplate
from command_center.services import categories


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
