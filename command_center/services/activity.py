"""The activity feed (最新动态): the audit log as it grows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center.models import AuditEntry


@dataclass(frozen=True)
class ActivityItem:
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity_type: str
    entity_id: int | None
    summary: str
    reason: str | None


def _item(row: AuditEntry) -> ActivityItem:
    return ActivityItem(
        row.id,
        row.at,
        row.actor_name,
        row.action,
        row.entity_type,
        row.entity_id,
        row.summary,
        row.reason,
    )


def recent(session: Session, limit: int = 200) -> list[ActivityItem]:
    """The newest ``limit`` entries, newest first."""
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
    return [_item(r) for r in rows]


def by_ids(session: Session, ids: list[int]) -> list[ActivityItem]:
    if not ids:
        return []
    rows = session.scalars(select(AuditEntry).where(AuditEntry.id.in_(ids))).all()
    return sorted((_item(r) for r in rows), key=lambda i: i.id, reverse=True)


def since(session: Session, after: dt.datetime, limit: int = 5000) -> list[ActivityItem]:
    """Entries written at or after ``after``, newest first: the catch-up after a reconnect.

    Catching up by time (with a margin chosen by the caller) rather than by id, because ids are
    handed out before commit and a slow transaction can commit a smaller id after a larger one.
    """
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.at >= after).order_by(AuditEntry.id.desc()).limit(limit)
    ).all()
    return [_item(r) for r in rows]
