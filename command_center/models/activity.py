"""Grid-worker activity: daily check-ins (报平安), patrols and the points ledger (积分)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base, IdMixin


class CheckIn(IdMixin, Base):
    __tablename__ = "check_ins"
    __table_args__ = (
        UniqueConstraint("worker_id", "day"),
        Index("ix_check_ins_day", "day"),
    )

    worker_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("grid_workers.id", ondelete="CASCADE")
    )
    day: Mapped[dt.date] = mapped_column()
    at: Mapped[dt.datetime] = mapped_column()
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    # the id the phone gave the record (a retry never stores it twice) and when it arrived
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    received_at: Mapped[dt.datetime | None] = mapped_column()


class Patrol(IdMixin, Base):
    __tablename__ = "patrols"
    __table_args__ = (Index("ix_patrols_started_worker", "worker_id", "started_at"),)

    worker_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("grid_workers.id", ondelete="CASCADE"), index=True
    )
    grid_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("admin_areas.id"))
    started_at: Mapped[dt.datetime] = mapped_column(index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column()
    distance_km: Mapped[float | None] = mapped_column(Float)
    track: Mapped[dict[str, Any] | None] = mapped_column()
    findings: Mapped[int] = mapped_column(server_default="0")
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    received_at: Mapped[dt.datetime | None] = mapped_column()


class PointsEntry(IdMixin, Base):
    """One line of a worker's points ledger; redemptions at a 平安超市 are negative, name the
    item, quantity, store and operator, and never take the balance below zero (alembic 0016)."""

    __tablename__ = "points_ledger"
    __table_args__ = (
        Index("ix_points_ledger_worker_at", "worker_id", "at"),
        CheckConstraint(
            "reason <> 'redeem' OR (points < 0 AND item IS NOT NULL AND quantity > 0 "
            "AND store IS NOT NULL)",
            name="redemption_traced",
        ),
    )

    worker_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("grid_workers.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column()
    points: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(32))
    incident_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("incidents.id"))
    store: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    item: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[int | None] = mapped_column()
    operator: Mapped[str | None] = mapped_column(String(64))


class FieldToken(IdMixin, Base):
    """A grid worker's bearer token for the field endpoints; only its SHA-256 is kept."""

    __tablename__ = "field_tokens"

    worker_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("grid_workers.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    last_used_at: Mapped[dt.datetime | None] = mapped_column()


class WorkerReminder(IdMixin, Base):
    """A reminder sent to a worker without check-ins (shown to the supervisor)."""

    __tablename__ = "worker_reminders"
    __table_args__ = (
        Index("ix_worker_reminders_open", "at", postgresql_where=text("acknowledged_at IS NULL")),
    )

    worker_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("grid_workers.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column()
    sent_by: Mapped[str] = mapped_column(String(64))
    inactive_days: Mapped[int] = mapped_column()
    message: Mapped[str] = mapped_column(Text)
    read_at: Mapped[dt.datetime | None] = mapped_column()
    # the supervisor's acknowledgement (services/worker_metrics.acknowledge, alembic 0016)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column()
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
