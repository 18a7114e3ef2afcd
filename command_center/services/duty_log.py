"""The duty log (值班日志): what an operator on shift writes down."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from command_center.models import DutyLogEntry
from command_center.services import audit, permissions
from command_center.services.audit import Actor

MAX_LENGTH = 2000


class DutyLogError(ValueError):
    pass


@dataclass(frozen=True)
class DutyLogResult:
    entry_id: int
    created: bool  # False when this client token had already been written (a retry)


def add_entry(session: Session, actor: Actor, text: str, client_token: str) -> DutyLogResult:
    """Write one entry, exactly once per ``client_token``, so a retry after a lost connection
    never writes it twice. Commits."""
    permissions.require_duty_log(session, actor)
    text = text.strip()
    if not text:
        raise DutyLogError("值班日志内容为空 / the duty-log entry is empty")
    if len(text) > MAX_LENGTH:
        raise DutyLogError(
            f"值班日志不能超过{MAX_LENGTH}字 / a duty-log entry is at most {MAX_LENGTH} characters"
        )
    new_id = session.scalar(
        insert(DutyLogEntry)
        .values(user_id=actor.user_id, author=actor.name, text=text, client_token=client_token)
        .on_conflict_do_nothing(index_elements=["client_token"])
        .returning(DutyLogEntry.id)
    )
    if new_id is None:
        existing = session.scalar(
            select(DutyLogEntry.id).where(DutyLogEntry.client_token == client_token)
        )
        session.rollback()
        return DutyLogResult(int(existing or 0), created=False)
    short = text if len(text) <= 60 else text[:59] + "…"
    audit.record(
        session,
        actor,
        "duty_log.add",
        "duty_log",
        new_id,
        f"{actor.name} 记值班日志：{short}",
        after={"text": text},
    )
    session.commit()
    return DutyLogResult(new_id, created=True)
