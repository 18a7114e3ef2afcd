"""The incident taxonomy's tree: a category with its parents, for whatever is set "per category,
the most specific first" (routing rules, deadline rules, response templates)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from command_center.models import Category


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    default_department_id: int | None
    deadline_working_days: int | None
    name_en: str = ""  # the English interface's name


def ancestors(session: Session, code: str | None) -> list[Node]:
    """``code`` and its parents up to the top, the category itself first (one query)."""
    if code is None:
        return []
    up = (
        select(Category.code, Category.parent_code, literal(0).label("depth"))
        .where(Category.code == code)
        .cte("up", recursive=True)
    )
    up = up.union_all(
        select(Category.code, Category.parent_code, (up.c.depth + 1).label("depth"))
        .join(up, Category.code == up.c.parent_code)
        .where(up.c.depth < 10)  # a bound against a cycle in edited data
    )
    rows = session.execute(
        select(
            Category.code,
            Category.name,
            Category.default_department_id,
            Category.deadline_working_days,
            Category.name_en,
        )
        .join(up, up.c.code == Category.code)
        .order_by(up.c.depth)
    ).all()
    return [Node(*r) for r in rows]
