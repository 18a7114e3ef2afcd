"""The append-only audit log: who, when, what, before/after, why.

The database refuses UPDATE, DELETE and TRUNCATE on this table (a trigger, alembic 0001). Since
alembic 0005 a SECURITY DEFINER trigger stamps each new entry with the login that wrote it, the
server's time and, for an operator's login, the operator (no forged actor or date), and links
it into a hash chain that ``command-center audit verify`` checks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base, IdMixin


class AuditEntry(IdMixin, Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    at: Mapped[dt.datetime] = mapped_column(server_default=text("clock_timestamp()"), index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    actor_name: Mapped[str] = mapped_column(String(64))
    db_user: Mapped[str] = mapped_column(String(63), server_default=text("session_user"))
    action: Mapped[str] = mapped_column(String(48))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any] | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
    # the hash chain (alembic 0005): set by the database on insert, never by the program
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    hash: Mapped[bytes | None] = mapped_column(LargeBinary)


class DutyLogEntry(IdMixin, Base):
    """A line of the duty log (值班日志) written by an operator on shift."""

    __tablename__ = "duty_log"

    at: Mapped[dt.datetime] = mapped_column(server_default=text("clock_timestamp()"), index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True)
