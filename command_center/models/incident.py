"""Incidents (事件), their categories and channels, work orders (工单) and return visits (回访)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base, IdMixin, TimestampMixin
from command_center.models.personal import masked_column


class IncidentStatus(StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    VERIFIED = "verified"
    CLOSED = "closed"
    MERGED = "merged"
    REJECTED = "rejected"


OPEN_INCIDENT_STATUSES = (
    IncidentStatus.NEW,
    IncidentStatus.ACCEPTED,
    IncidentStatus.DISPATCHED,
    IncidentStatus.IN_PROGRESS,
)


class OrderStatus(StrEnum):
    DISPATCHED = "dispatched"  # sent, waiting for the department to accept
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    VERIFIED = "verified"
    CLOSED = "closed"
    RETURNED = "returned"  # 退单
    OBJECTED = "objected"  # 异议
    CANCELLED = "cancelled"


OPEN_ORDER_STATUSES = (OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS)


class LocationFlag(StrEnum):
    OK = "ok"
    OUTSIDE = "outside"  # outside the county: flagged for the operator, never guessed
    MISSING = "missing"  # no usable coordinates


class Channel(Base):
    """Where incidents come from (事件来源)."""

    __tablename__ = "channels"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(100))


class Category(Base):
    """A node of the three-level incident taxonomy; leaves carry routing and deadlines."""

    __tablename__ = "categories"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 3", name="level_valid"),)

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(String(16), ForeignKey("categories.code"))
    level: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(100))
    default_department_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("departments.id")
    )
    deadline_working_days: Mapped[int | None] = mapped_column(SmallInteger)
    focus: Mapped[bool] = mapped_column(server_default="false")
    # false: its requests are never published by the public Open311 GET (alembic 0008)
    public: Mapped[bool] = mapped_column(server_default="true")


# The description is a Text column (no length of its own); this is its cap on every path that
# writes one (services.incident_writer.FIELD_MAX).
DESCRIPTION_MAX = 4000
# the summary an operator approved for the public (Open311 GET without an internal key)
PUBLIC_SUMMARY_MAX = 500


def column_length(column: Any) -> int:
    """The length of a String column (``Incident.title`` → 200): the one cap on that field."""
    length = column.property.columns[0].type.length
    assert isinstance(length, int), column
    return length


def status_in(values: tuple[StrEnum, ...] | type[StrEnum]) -> str:
    """``status IN ('a','b')`` for a CHECK constraint or a partial index: the lists are the enums
    above, so the schema cannot say something else than the code (the migrations spell them out,
    as migrations must)."""
    return "status IN (" + ",".join(f"'{v}'" for v in values) + ")"


_DUE = "coalesce(due_at, '9999-12-31 00:00:00+00'::timestamptz)"
_OPEN = status_in(OPEN_INCIDENT_STATUSES)


class Incident(IdMixin, TimestampMixin, Base):
    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint(status_in(IncidentStatus), name="status_valid"),
        CheckConstraint("priority BETWEEN 1 AND 4", name="priority_valid"),
        CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_valid"),
        CheckConstraint(
            f"char_length(public_summary) <= {PUBLIC_SUMMARY_MAX}", name="public_summary_length"
        ),
        Index("ix_incidents_status_reported", "status", "reported_at"),
        Index("ix_incidents_reported_at_id", "reported_at", "id"),
        Index("ix_incidents_source_external", "external_source", "external_id", unique=True),
        # the queues' keyset order (alembic 0003; services/queue.py writes the same expression)
        Index("ix_incidents_open_due", text(_DUE), "id", postgresql_where=text(_OPEN)),
        Index("ix_incidents_due_id", text(_DUE), "id"),
        Index("ix_incidents_priority_due_id", "priority", text(_DUE), "id"),
        Index(
            "ix_incidents_waiting_answer",
            "answer_due_at",
            postgresql_where=text("answered_at IS NULL AND answer_due_at IS NOT NULL"),
        ),
        # the same problem at the same place (services/supervision.py, repeated reports, which
        # count no duplicate): its counts read the index alone (alembic 0023)
        Index(
            "ix_incidents_grid_category_reported",
            "grid_id",
            "category_code",
            "reported_at",
            postgresql_where=text("duplicate_of_id IS NULL"),
        ),
        # a grid worker's reports by time (services/worker_metrics.py, alembic 0016)
        Index(
            "ix_incidents_reporter_worker_reported",
            "reporter_worker_id",
            "reported_at",
            postgresql_where=text("reporter_worker_id IS NOT NULL"),
        ),
        # the same problem from the same reporter (cc_reporter_repeats, alembic 0017)
        Index(
            "ix_incidents_reporter_phone_category",
            "reporter_phone",
            "category_code",
            "reported_at",
            postgresql_where=text("reporter_phone IS NOT NULL"),
        ),
        # the early warnings' repeat reporters and addresses, by their hashed key
        # (services/analysis.REPEAT_PHONE_HASH / REPEAT_ADDRESS_HASH, alembic 0022)
        Index(
            "ix_incidents_repeat_phone",
            text("hashtextextended('phone:' || reporter_phone_masked, 0)"),
            "reported_at",
            postgresql_where=text("reporter_phone_masked <> ''"),
        ),
        Index(
            "ix_incidents_repeat_address",
            text(  # parenthesised as PostgreSQL prints it back, for the schema comparison
                "hashtextextended((('address:' || address::text) || chr(31)) || "
                "category_code::text, 0)"
            ),
            "reported_at",
            postgresql_where=text("address <> '' AND category_code IS NOT NULL"),
        ),
    )
    number: Mapped[str] = mapped_column(String(32), unique=True)
    channel_code: Mapped[str] = mapped_column(String(32), ForeignKey("channels.code"))
    category_code: Mapped[str | None] = mapped_column(
        String(16), ForeignKey("categories.code"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    # what the public Open311 GET shows instead of the caller's words (alembic 0008)
    public_summary: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(300))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    crs: Mapped[str] = mapped_column(String(16), server_default="GCJ-02")
    location_flag: Mapped[str] = mapped_column(String(12), server_default="ok")
    grid_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("admin_areas.id"), index=True
    )
    village_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("admin_areas.id"))
    town_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("admin_areas.id"), index=True
    )
    # personal data (models/personal.py): deferred, read masked
    reporter_name: Mapped[str | None] = mapped_column(String(64), deferred=True)
    reporter_phone: Mapped[str | None] = mapped_column(String(32), deferred=True)
    reporter_name_masked: Mapped[str | None] = masked_column("incidents", "reporter_name")
    reporter_phone_masked: Mapped[str | None] = masked_column("incidents", "reporter_phone")
    reporter_worker_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("grid_workers.id")
    )
    external_source: Mapped[str | None] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(SmallInteger, server_default="3")
    status: Mapped[str] = mapped_column(String(16), server_default="new")
    reported_at: Mapped[dt.datetime] = mapped_column()
    accepted_at: Mapped[dt.datetime | None] = mapped_column()
    resolved_at: Mapped[dt.datetime | None] = mapped_column()
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    due_at: Mapped[dt.datetime | None] = mapped_column()
    answer_due_at: Mapped[dt.datetime | None] = mapped_column()
    duplicate_of_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("incidents.id"), index=True
    )
    satisfaction: Mapped[int | None] = mapped_column(SmallInteger)
    answered_at: Mapped[dt.datetime | None] = mapped_column()  # the reporter was answered
    reopen_count: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}  # optimistic concurrency


class WorkOrder(IdMixin, TimestampMixin, Base):
    """An incident assigned to one department; joint handling links co-orders to a lead order."""

    __tablename__ = "work_orders"
    __table_args__ = (
        CheckConstraint(status_in(OrderStatus), name="status_valid"),
        CheckConstraint("mode IN ('assign','joint','supervised')", name="mode_valid"),
        Index("ix_work_orders_dept_status", "department_id", "status"),
        Index("ix_work_orders_status_deadline", "status", "deadline_at"),
        Index(
            "ix_work_orders_open_deadline",
            "deadline_at",
            "id",
            postgresql_where=text(status_in(OPEN_ORDER_STATUSES)),
        ),
        Index("ix_work_orders_deadline_id", "deadline_at", "id"),
        # the analysis counts orders by when they were dispatched (alembic 0013)
        Index("ix_work_orders_dispatched_at", "dispatched_at"),
    )
    number: Mapped[str] = mapped_column(String(32), unique=True)
    incident_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("departments.id"))
    mode: Mapped[str] = mapped_column(String(12), server_default="assign")
    lead_order_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("work_orders.id"))
    dispatch_round: Mapped[int] = mapped_column(SmallInteger, server_default="1")
    status: Mapped[str] = mapped_column(String(16), server_default="dispatched")
    dispatched_at: Mapped[dt.datetime] = mapped_column()
    dispatched_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    objection_deadline_at: Mapped[dt.datetime | None] = mapped_column()
    deadline_at: Mapped[dt.datetime] = mapped_column()
    accepted_at: Mapped[dt.datetime | None] = mapped_column()
    resolved_at: Mapped[dt.datetime | None] = mapped_column()
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    handler_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    objection_reason: Mapped[str | None] = mapped_column(Text)
    # on an objection: the department the objecting one says the matter belongs to
    suggested_department_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("departments.id")
    )
    return_reason: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}  # optimistic concurrency


class OrderProgress(IdMixin, Base):
    """A progress report from the department, with photos."""

    __tablename__ = "order_progress"

    order_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("work_orders.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    note: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[Any] | None] = mapped_column()


class ReturnVisit(IdMixin, Base):
    """The return visit to the reporter (回访) with a satisfaction rating."""

    __tablename__ = "return_visits"
    __table_args__ = (CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_valid"),)

    incident_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column()
    by_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    method: Mapped[str] = mapped_column(String(16), server_default="phone")
    satisfaction: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)


class SupervisionOrder(IdMixin, TimestampMixin, Base):
    """Supervision (督办): ordinary, listed (挂牌督办) or a named leader's case (包案督办).

    ``kind`` says who raised it (the sweep's rules, a supervisor by hand, or a proposal of the
    sweep waiting for a supervisor); ``stage`` the rule's step (75 % reminder, overdue, yellow
    card, red card, focus problem, repeated report) or "manual". The sweep never raises the same
    step twice for one order: (work order, level, stage) is unique for every step but "manual"
    (services/supervision.py; alembic 0010)."""

    __tablename__ = "supervision_orders"
    __table_args__ = (
        CheckConstraint("level IN ('supervise','listed','leader_case')", name="level_valid"),
        CheckConstraint(
            "status IN ('proposed','open','acknowledged','responded','closed','withdrawn',"
            "'escalated','declined')",
            name="status_valid",
        ),
        CheckConstraint("kind IN ('auto','manual','proposal')", name="kind_valid"),
        CheckConstraint(
            "stage IN ('remind','overdue','yellow','red','focus','repeat','manual')",
            name="stage_valid",
        ),
        CheckConstraint(
            "num_nonnulls(incident_id, work_order_id, dispute_case_id) = 1", name="one_target"
        ),
        Index(
            "uq_supervision_orders_order_level_stage",
            "work_order_id",
            "level",
            "stage",
            unique=True,
            postgresql_where=text("stage <> 'manual'"),
        ),
        Index("ix_supervision_orders_issued", "issued_at", "id"),
        Index("ix_supervision_orders_dept_status", "department_id", "status"),
        # the sweep's own still waiting (alembic 0023): a full sweep closes those of orders
        # done without reading the year's history
        Index(
            "ix_supervision_orders_live_auto",
            "work_order_id",
            postgresql_where=text(
                "kind IN ('auto', 'proposal') "
                "AND status IN ('proposed', 'open', 'acknowledged', 'responded')"
            ),
        ),
        Index("ix_supervision_orders_work_order_id", "work_order_id"),
    )
    number: Mapped[str] = mapped_column(String(32), unique=True)
    level: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(12), server_default="manual")
    stage: Mapped[str] = mapped_column(String(12), server_default="manual")
    incident_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("incidents.id"), index=True
    )
    work_order_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("work_orders.id"))
    dispute_case_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("dispute_cases.id"))
    # whose supervision it is (row-level security: a department handler sees its own) and where
    department_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("departments.id"))
    town_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("admin_areas.id"))
    responsible_leader: Mapped[str | None] = mapped_column(String(64))
    issued_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    issued_at: Mapped[dt.datetime] = mapped_column()
    deadline_at: Mapped[dt.datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), server_default="open")
    reason: Mapped[str] = mapped_column(Text)
    # the reason in English where the sweep gave one (alembic 0017); ``reason`` is Chinese
    reason_en: Mapped[str | None] = mapped_column(Text)
    instructions: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column()
    acknowledged_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[dt.datetime | None] = mapped_column()
    resolution: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    closed_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}  # optimistic concurrency
