"""Grid workers and their grid assignments, with history."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base, IdMixin, TimestampMixin
from command_center.models.personal import masked_column


class WorkerKind(StrEnum):
    FULL_TIME = "full_time"  # 专职网格员
    AUXILIARY = "auxiliary"  # 网格辅助人员
    MICRO_GRID = "micro_grid"  # 微网格员
    JUDGE = "judge"  # 三官一师: 法官
    PROSECUTOR = "prosecutor"  # 检察官
    POLICE = "police"  # 警官
    LAWYER = "lawyer"  # 律师


class GridWorker(IdMixin, TimestampMixin, Base):
    __tablename__ = "grid_workers"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('full_time','auxiliary','micro_grid','judge','prosecutor','police','lawyer')",
            name="kind_valid",
        ),
    )

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    phone: Mapped[str | None] = mapped_column(String(32))
    id_number: Mapped[str | None] = mapped_column(String(18), deferred=True)  # personal
    id_number_masked: Mapped[str | None] = masked_column("grid_workers", "id_number")
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    hired_on: Mapped[dt.date | None] = mapped_column()
    left_on: Mapped[dt.date | None] = mapped_column()
    active: Mapped[bool] = mapped_column(server_default="true")
    # optimistic locking of the roster's edits (services/roster.py, alembic 0016)
    version: Mapped[int] = mapped_column(server_default="1")


class GridAssignment(IdMixin, Base):
    """Who serves which grid or micro-grid, and from when to when (open while valid_to is null)."""

    __tablename__ = "grid_assignments"
    __table_args__ = (
        Index("ix_grid_assignments_area_valid", "area_id", "valid_to"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period_valid"),
    )

    worker_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("grid_workers.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("admin_areas.id"))
    duty: Mapped[str] = mapped_column(String(16), server_default="primary")
    valid_from: Mapped[dt.date] = mapped_column()
    valid_to: Mapped[dt.date | None] = mapped_column()
