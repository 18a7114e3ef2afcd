"""Recording changes in the append-only audit log (who, when, what, before/after, why), and
checking that nobody rewrote it.

What the program writes as actor and time counts only for its own commands (the command line,
the seed): for an operator's login the database stamps the operator and its own clock, and
chains every entry to the one before (alembic 0005).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
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


PROBLEMS = {
    "missing": ("条目缺失", "an entry is missing"),
    "unlinked": ("与前一条的链接断开", "the link to the entry before is broken"),
    "changed": ("条目内容被改动", "the entry was changed"),
}


@dataclass(frozen=True)
class ChainCheck:
    """What ``cc_audit_verify()`` found: how many entries hold, where the chain first breaks
    (its position and the row's id) and the head (the last good entry's hash), to be compared
    with the one printed earlier (in the monthly bulletin)."""

    checked: int
    broken_seq: int | None
    broken_id: int | None
    problem: str | None
    head_seq: int
    head_hash: str

    @property
    def intact(self) -> bool:
        return self.broken_seq is None

    def describe(self) -> str:
        if self.intact:
            return (
                f"审计日志完整：{self.checked} 条，链头 #{self.head_seq} {self.head_hash} / "
                f"the audit log is intact: {self.checked} entries, head #{self.head_seq} "
                f"{self.head_hash}"
            )
        zh, en = PROBLEMS.get(self.problem or "", (self.problem, self.problem))
        row = f"（id {self.broken_id}）" if self.broken_id is not None else ""
        return (
            f"审计日志在第 {self.broken_seq} 条{row}处断开：{zh}；此前 {self.checked} 条完好 / "
            f"the audit log breaks at entry #{self.broken_seq}"
            f"{f' (id {self.broken_id})' if self.broken_id is not None else ''}: {en}; the "
            f"{self.checked} entries before it hold"
        )


def verify_chain(session: Session) -> ChainCheck:
    """Walk the audit log's hash chain in the database."""
    r = session.execute(text("SELECT * FROM cc_audit_verify()")).one()
    return ChainCheck(
        r.checked, r.broken_seq, r.broken_id, r.problem, r.head_seq or 0, r.head_hash or ""
    )
