"""The administrative hierarchy: county → town → village/community → grid → micro-grid."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from command_center.db.base import Base, IdMixin, TimestampMixin


class AreaLevel(StrEnum):
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"
    GRID = "grid"
    MICRO_GRID = "micro_grid"


class AreaKind(StrEnum):
    """What sort of unit an area is at its level."""

    COUNTY = "county"
    TOWN = "town"  # 镇
    TOWNSHIP = "township"  # 乡
    SUBDISTRICT = "subdistrict"  # 街道 / 社区管理委员会
    PARK = "park"  # 工业园区
    VILLAGE = "village"  # 村
    COMMUNITY = "community"  # 社区
    COMPREHENSIVE = "comprehensive"  # 综合网格
    DEDICATED = "dedicated"  # 专属网格
    MICRO = "micro"  # 微网格


class BoundaryStatus(StrEnum):
    """A boundary change is drafted by the town, reviewed by the county, then filed."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    FILED = "filed"
    REJECTED = "rejected"


class AdminArea(IdMixin, TimestampMixin, Base):
    """One unit of the hierarchy. Every inhabited place belongs to exactly one grid."""

    __tablename__ = "admin_areas"
    __table_args__ = (
        CheckConstraint(
            "level IN ('county','town','village','grid','micro_grid')", name="level_valid"
        ),
        Index("ix_admin_areas_level_parent", "level", "parent_id"),
    )

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("admin_areas.id", ondelete="RESTRICT"), index=True
    )
    responsible_unit: Mapped[str | None] = mapped_column(String(100))
    geometry: Mapped[dict[str, Any] | None] = mapped_column()
    crs: Mapped[str] = mapped_column(String(16), server_default="GCJ-02")
    label_lon: Mapped[float | None] = mapped_column(Float)
    label_lat: Mapped[float | None] = mapped_column(Float)
    area_km2: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column()
    households: Mapped[int | None] = mapped_column()
    valid_from: Mapped[dt.date] = mapped_column(server_default="2016-01-01")
    valid_to: Mapped[dt.date | None] = mapped_column()

    parent: Mapped[AdminArea | None] = relationship(remote_side="AdminArea.id")


class BoundaryImport(IdMixin, Base):
    """One import of boundaries (a file, one level): a draft until the county approves it or
    rejects it with a reason (services/boundary_review.py, alembic 0015)."""

    __tablename__ = "boundary_imports"
    __table_args__ = (
        CheckConstraint("status IN ('draft','approved','rejected')", name="status_valid"),
        CheckConstraint(
            "level IN ('county','town','village','grid','micro_grid')", name="level_valid"
        ),
        CheckConstraint(
            "status <> 'rejected' OR coalesce(reason, '') <> ''", name="rejection_has_reason"
        ),
    )

    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("admin_areas.id", ondelete="RESTRICT")
    )
    file_name: Mapped[str] = mapped_column(String(255))
    source_crs: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12), server_default="draft", index=True)
    areas: Mapped[int] = mapped_column(server_default="0")
    findings: Mapped[list[Any]] = mapped_column(server_default="[]")
    drafted_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    drafted_by: Mapped[str] = mapped_column(String(64))
    drafted_at: Mapped[dt.datetime] = mapped_column()
    reviewed_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(server_default="1")


class AreaBoundary(IdMixin, Base):
    """Boundary history and the review of a change (a town drafts, the county approves).

    A filed row is a geometry an area had from ``valid_from`` to ``valid_to`` (None: today's);
    a draft row is a proposed geometry of an import, for an existing area (``area_id``) or a
    new one (``area_id`` None until approved: name, code, level and parent say what it is)."""

    __tablename__ = "area_boundaries"
    __table_args__ = (
        CheckConstraint("status IN ('draft','reviewed','filed','rejected')", name="status_valid"),
        CheckConstraint(
            "area_id IS NOT NULL OR status IN ('draft','rejected')", name="filed_has_area"
        ),
    )

    area_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("admin_areas.id", ondelete="CASCADE"), index=True
    )
    geometry: Mapped[dict[str, Any]] = mapped_column()
    crs: Mapped[str] = mapped_column(String(16), server_default="GCJ-02")
    valid_from: Mapped[dt.date] = mapped_column()
    valid_to: Mapped[dt.date | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), server_default="draft")
    drafted_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("boundary_imports.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("admin_areas.id", ondelete="RESTRICT")
    )
    label_lon: Mapped[float | None] = mapped_column(Float)
    label_lat: Mapped[float | None] = mapped_column(Float)
    area_km2: Mapped[float | None] = mapped_column(Float)


class Camera(IdMixin, Base):
    """A camera of the public video network (雪亮工程)."""

    __tablename__ = "cameras"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), server_default="fixed")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    area_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("admin_areas.id"), index=True
    )
    online: Mapped[bool] = mapped_column(server_default="true")
    stream_url: Mapped[str | None] = mapped_column(String(300))
