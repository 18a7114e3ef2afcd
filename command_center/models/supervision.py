"""Supervision's own records: notes on a supervision (acknowledgement, progress, reply, review),
requests for more time (申请延期), the monthly score's points and locked months, and the sweep's
watermark (services/supervision.py; alembic 0010)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base, IdMixin


class SupervisionNote(IdMixin, Base):
    """One step of a supervision's exchange: the department acknowledges (签收), reports progress,
    replies; the supervisor reviews."""

    __tablename__ = "supervision_notes"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('acknowledge','progress','reply','review','withdraw','escalate')",
            name="kind_valid",
        ),
    )
    supervision_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("supervision_orders.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    kind: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text)


class DeadlineExtension(IdMixin, Base):
    """A department's request for N more working days on a work order, and the decision."""

    __tablename__ = "deadline_extensions"
    __table_args__ = (
        CheckConstraint("requested_days BETWEEN 1 AND 60", name="requested_days_valid"),
        CheckConstraint(
            "granted_days IS NULL OR granted_days BETWEEN 0 AND requested_days",
            name="granted_days_valid",
        ),
        CheckConstraint(
            "status IN ('pending','granted','partial','refused','lapsed')", name="status_valid"
        ),
        Index(
            "uq_deadline_extensions_pending",
            "work_order_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
        ),
    )
    work_order_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("work_orders.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("departments.id"), index=True)
    requested_days: Mapped[int] = mapped_column(SmallInteger)
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[dt.datetime] = mapped_column()
    requested_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    status: Mapped[str] = mapped_column(String(12), server_default="pending")
    granted_days: Mapped[int | None] = mapped_column(SmallInteger)
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    decided_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    deadline_before: Mapped[dt.datetime] = mapped_column()
    deadline_after: Mapped[dt.datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}  # optimistic concurrency


class ScorePoint(IdMixin, Base):
    """One movement of a department's or a town's monthly score (which starts at 100), traced to
    its order and rule; a supervisor's adjustment by hand carries its reason. The sweep writes a
    rule's point once per unit and order."""

    __tablename__ = "score_points"
    __table_args__ = (
        CheckConstraint("unit_type IN ('department','town')", name="unit_type_valid"),
        Index(
            "uq_score_points_rule_order",
            "unit_type",
            "unit_id",
            "rule",
            "work_order_id",
            unique=True,
            postgresql_where=text("rule <> 'manual'"),
        ),
        Index("ix_score_points_month_unit", "month", "unit_type", "unit_id"),
    )
    month: Mapped[dt.date] = mapped_column(Date)
    unit_type: Mapped[str] = mapped_column(String(12))
    unit_id: Mapped[int] = mapped_column(BigInteger)
    points: Mapped[int] = mapped_column(SmallInteger)
    rule: Mapped[str] = mapped_column(String(24))
    supervision_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("supervision_orders.id")
    )
    work_order_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("work_orders.id"))
    reason: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str | None] = mapped_column(Text)  # English, where the rule gave one
    at: Mapped[dt.datetime] = mapped_column()
    by_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))


class ScoreMonth(Base):
    """A month whose score is locked: no more adjustments by hand, and scored on the scale it
    had then."""

    __tablename__ = "score_months"

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    locked_at: Mapped[dt.datetime] = mapped_column()
    locked_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    # the score's scale when the month was locked (services/scores.month_scales; alembic 0025)
    scale: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class SupervisionSweep(Base):
    """The sweep's state, one row: when it last ran, and the newest work order it has looked at
    for repeated reports (so an idle sweep reads nothing old)."""

    __tablename__ = "supervision_sweeps"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    last_run_at: Mapped[dt.datetime | None] = mapped_column()
    last_order_id: Mapped[int] = mapped_column(BigInteger, server_default="0")
    last_created: Mapped[int] = mapped_column(server_default="0")
    # the rules the open orders' due times were computed with (alembic 0017): another key
    # (card limits, points, holidays, focus problems changed) makes the sweep look at all again
    rules_key: Mapped[str | None] = mapped_column(Text)


class SupervisionDue(Base):
    """When the sweep next has something to do with an order (its reminder, deadline, yellow or
    red card); ``-infinity`` when something it depends on changed (triggers, alembic 0017). The
    sweep reads only what is due."""

    __tablename__ = "supervision_due"
    __table_args__ = (Index("ix_supervision_due_due_at", "due_at"),)

    work_order_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("work_orders.id", ondelete="CASCADE"), primary_key=True
    )
    due_at: Mapped[dt.datetime] = mapped_column()
