"""The lists the filter bar and the forms choose from: channels, categories, towns and active
departments, each name with its English form (``name_en``; the views show the one of the
interface language, views.words.name_text). No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center.models import AdminArea, Category, Channel, Department


@dataclass(frozen=True)
class Choices:
    channels: list[tuple[str, str, str]]  # code, name, name_en
    categories: list[tuple[str, str, int, str | None, str]]  # code, name, level, parent, name_en
    towns: list[tuple[int, str]]  # id, name (in English: services.place_names)
    departments: list[tuple[int, str, str | None]]  # id, name, name_en


def choices(session: Session) -> Choices:
    return Choices(
        [
            (c.code, c.name, c.name_en)
            for c in session.scalars(select(Channel).order_by(Channel.code))
        ],
        [
            (c.code, c.name, c.level, c.parent_code, c.name_en)
            for c in session.scalars(select(Category).order_by(Category.code))
        ],
        [
            (a.id, a.name)
            for a in session.scalars(
                select(AdminArea)
                .where(AdminArea.level == "town", AdminArea.valid_to.is_(None))
                .order_by(AdminArea.code)
            )
        ],
        [
            (d.id, d.name, d.name_en)
            for d in session.scalars(
                select(Department).where(Department.active).order_by(Department.id)
            )
        ],
    )
