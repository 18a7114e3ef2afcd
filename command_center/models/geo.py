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


class AreaBoundary(IdMixin, Base):
    """Boundary history and the review of a change (town drafts, county reviews, city files)."""

    __tablename__ = "area_boundaries"
    __table_args__ = (
        CheckConstraint("status IN ('draft','reviewed','filed','rejected')", name="status_valid"),
    )

    area_id: Mapped[int] = mapped_column(
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
