"""Configuration of the closed loop: routing rules, deadline rules, settings, saved filters,
response templates, import column mappings and API keys for the Open311 endpoint."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base, IdMixin, TimestampMixin


class RoutingRule(IdMixin, TimestampMixin, Base):
    """Category (any level; the most specific match wins), optionally limited to one town, to a
    department. Edited by administrators; the suggestion shows the rule as its reason."""

    __tablename__ = "routing_rules"
    __table_args__ = (
        Index(
            "uq_routing_rules_category_town",
            "category_code",
            "town_id",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )
    category_code: Mapped[str] = mapped_column(String(16), ForeignKey("categories.code"))
    town_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("admin_areas.id"))
    department_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("departments.id"))
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(server_default="true")
    updated_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))


class DeadlineRule(IdMixin, Base):
    """Time allowed for an order: per category (any level) and/or priority, in working days or
    working hours. The most specific rule wins; with no rule the category's
    ``deadline_working_days`` applies."""

    __tablename__ = "deadline_rules"
    __table_args__ = (
        CheckConstraint("num_nonnulls(working_days, working_hours) = 1", name="days_or_hours"),
        CheckConstraint("priority IS NULL OR priority BETWEEN 1 AND 4", name="priority_valid"),
        Index(
            "uq_deadline_rules_category_priority",
            "category_code",
            "priority",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )
    category_code: Mapped[str | None] = mapped_column(String(16), ForeignKey("categories.code"))
    priority: Mapped[int | None] = mapped_column(SmallInteger)
    working_days: Mapped[int | None] = mapped_column(SmallInteger)
    working_hours: Mapped[int | None] = mapped_column(SmallInteger)


class AppSetting(Base):
    """A center-wide setting (objection window, reopen window, tile URL, Open311 polling …)."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONB)
    updated_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    updated_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))


class SavedFilter(IdMixin, Base):
    """A user's named filter for one view (``view`` is e.g. "incidents", "orders", "inbox")."""

    __tablename__ = "saved_filters"
    __table_args__ = (
        Index("uq_saved_filters_user_view_name", "user_id", "view", "name", unique=True),
    )
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("app_users.id", ondelete="CASCADE"))
    view: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class ResponseTemplate(IdMixin, Base):
    """Wording for answers and notes, per category (any level, or all) and status (or all)."""

    __tablename__ = "response_templates"

    category_code: Mapped[str | None] = mapped_column(String(16), ForeignKey("categories.code"))
    status: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(server_default="true")


class ImportMapping(IdMixin, Base):
    """A saved column mapping for CSV/XLSX imports of hotline requests."""

    __tablename__ = "import_mappings"

    name: Mapped[str] = mapped_column(String(64), unique=True)
    mapping: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class ApiKey(IdMixin, Base):
    """A key for POSTing requests to the Open311 endpoint; only its SHA-256 is stored."""

    __tablename__ = "api_keys"

    name: Mapped[str] = mapped_column(String(64), unique=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    channel_code: Mapped[str | None] = mapped_column(String(32), ForeignKey("channels.code"))
    active: Mapped[bool] = mapped_column(server_default="true")
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    last_used_at: Mapped[dt.datetime | None] = mapped_column()
    # what the key may do besides POSTing: "internal" sees full records (alembic 0008)
    scopes: Mapped[list[str]] = mapped_column(
        ARRAY(String(32)), server_default=text("'{}'::varchar[]")
    )
