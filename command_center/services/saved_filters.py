"""Each user's saved queue filters (a name, the view, the filter and the sort), per view. No Qt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from command_center.models import SavedFilter
from command_center.services.queue import SORTS, VIEWS, QueueError, QueueFilter


@dataclass(frozen=True)
class SavedFilterInfo:
    id: int
    name: str
    view: str
    filter: QueueFilter
    sort: str


def _check_view(view: str) -> None:
    if view not in VIEWS:
        raise QueueError(f"未知视图「{view}」 / unknown view '{view}'")


def save_filter(
    session: Session, user_id: int, view: str, name: str, f: QueueFilter, sort: str = "deadline"
) -> SavedFilterInfo:
    """Save (or overwrite) the user's filter ``name`` for ``view``; commits."""
    _check_view(view)
    name = name.strip()
    if not name:
        raise QueueError("请输入筛选名称 / give the filter a name")
    if len(name) > 64:
        raise QueueError("筛选名称最多64个字 / a filter name has at most 64 characters")
    definition: dict[str, Any] = {
        "filter": f.to_json(),
        "sort": sort if sort in SORTS else "deadline",
    }
    row = session.scalar(
        select(SavedFilter).where(
            SavedFilter.user_id == user_id, SavedFilter.view == view, SavedFilter.name == name
        )
    )
    if row is None:
        row = SavedFilter(user_id=user_id, view=view, name=name, definition=definition)
        session.add(row)
    else:
        row.definition = definition
    session.commit()
    return SavedFilterInfo(row.id, row.name, row.view, f, definition["sort"])


def list_filters(session: Session, user_id: int, view: str) -> list[SavedFilterInfo]:
    _check_view(view)
    return [
        SavedFilterInfo(
            r.id,
            r.name,
            r.view,
            QueueFilter.from_json((r.definition or {}).get("filter")),
            str((r.definition or {}).get("sort", "deadline")),
        )
        for r in session.scalars(
            select(SavedFilter)
            .where(SavedFilter.user_id == user_id, SavedFilter.view == view)
            .order_by(SavedFilter.name)
        )
    ]


def delete_filter(session: Session, user_id: int, filter_id: int) -> bool:
    """Delete one of the user's own filters; False if there is none such. Commits."""
    result = session.execute(
        delete(SavedFilter).where(SavedFilter.id == filter_id, SavedFilter.user_id == user_id)
    )
    session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]
