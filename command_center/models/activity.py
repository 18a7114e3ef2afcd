"""Grid-worker activity: daily check-ins (报平安), patrols and the points ledger (积分)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, String, Text, UniqueConstraint
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


class Patrol(IdMixin, Base):
    __tablename__ = "patrols"

    worker_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("grid_workers.id", ondelete="CASCADE"), index=True
    )
    grid_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("admin_areas.id"))
    started_at: Mapped[dt.datetime] = mapped_column(index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column()
    distance_km: Mapped[float | None] = mapped_column(Float)
    track: Mapped[dict[str, Any] | None] = mapped_column()
    findings: Mapped[int] = mapped_column(server_default="0")


class PointsEntry(IdMixin, Base):
    """One line of a worker's points ledger; redemptions at a 平安超市 are negative."""

    __tablename__ = "points_ledger"

    worker_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("grid_workers.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column()
    points: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(32))
    incident_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("incidents.id"))
    store: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
