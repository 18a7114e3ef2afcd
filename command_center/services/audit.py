"""Recording changes in the append-only audit log (who, when, what, before/after, why)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from command_center.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who is acting: the signed-in user, or the system itself (user_id None)."""

    user_id: int | None
    name: str


SYSTEM = Actor(None, "系统")


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | None,
    summary: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Add an audit entry to the caller's transaction; it commits or rolls back with the change."""
    entry = AuditEntry(
        actor_id=actor.user_id,
        actor_name=actor.name,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        summary=summary,
        before=before,
        after=after,
        reason=reason,
    )
    session.add(entry)
    return entry
