"""Joint meetings (联席会议: 日研判、周会办、月回看) with their minutes (纪要), attendees and the
decisions taken, each issued as a work order or a supervision order and followed to the end
(alembic 0013; services/meetings.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base, IdMixin, TimestampMixin


class Meeting(IdMixin, TimestampMixin, Base):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("kind IN ('daily','weekly','monthly','joint')", name="kind_valid"),
    )

    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12), server_default="joint")
    held_at: Mapped[dt.datetime] = mapped_column(index=True)
    attendees: Mapped[str] = mapped_column(Text, server_default="")
    minutes: Mapped[str] = mapped_column(Text, server_default="")
    created_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}  # optimistic concurrency


class MeetingDecision(IdMixin, Base):
    """A decision of a meeting: issued on the spot as a work order (派单) or a supervision
    order (督办) to a department, or only recorded (a note)."""

    __tablename__ = "meeting_decisions"
    __table_args__ = (
        CheckConstraint("kind IN ('work_order','supervision','note')", name="kind_valid"),
    )

    meeting_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(12))
    department_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("departments.id"))
    incident_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("incidents.id"))
    work_order_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("work_orders.id"))
    supervision_order_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("supervision_orders.id")
    )
    created_at: Mapped[dt.datetime] = mapped_column()


class IncidentDaily(Base):
    """The summary the analysis reads (alembic 0013): counted incidents (not merged) per day of
    report (Beijing time) and resolved or not, once per town, village, grid, category and
    channel (dim and key; an unknown place or category is the key ''; the totals are the
    channels' rows summed: alembic 0024 dropped the dim ``all``). Kept by statement triggers on
    ``incidents`` in the same transaction as every change, so it always equals a GROUP BY over
    the incidents (``cc_incident_daily_rebuild()`` makes it anew)."""

    __tablename__ = "incident_daily"

    dim: Mapped[str] = mapped_column(String(12), primary_key=True)
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    resolved: Mapped[bool] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column()


class OrderDaily(Base):
    """The departments' summary the analysis reads (alembic 0018): per department and day of
    dispatch (Beijing time), the orders not cancelled with the measures that do not depend on
    the moment they are read (an open order past its deadline is counted live). Kept by
    statement triggers on ``work_orders`` and ``incidents`` (the rating) in the same transaction
    as every change (``cc_order_daily_rebuild()`` makes it anew)."""

    __tablename__ = "order_daily"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    received: Mapped[int] = mapped_column(server_default="0")
    resolved: Mapped[int] = mapped_column(server_default="0")
    on_time: Mapped[int] = mapped_column(server_default="0")
    late: Mapped[int] = mapped_column(server_default="0")
    returned: Mapped[int] = mapped_column(server_default="0")
    second_dispatch: Mapped[int] = mapped_column(server_default="0")
    rated: Mapped[int] = mapped_column(server_default="0")
    satisfied: Mapped[int] = mapped_column(server_default="0")


class IncidentRepeatKeys(Base):
    """The early warnings' repeat keys (alembic 0024, replacing 0022's daily rows): one row per
    hashed key ``h`` — the masked phone number (``kind`` 0) or the address with the leaf
    category (``kind`` 1), services/analysis.REPEAT_PHONE_HASH / REPEAT_ADDRESS_HASH; no
    number is stored — with ``days``, the days of report (Beijing time) of its counted
    incidents (not merged), sorted, one element per incident, and ``prev_day``, the second
    latest of them. Kept by statement triggers on ``incidents`` in the same transaction as every
    change (``cc_incident_repeat_keys_rebuild()`` makes it anew)."""

    __tablename__ = "incident_repeat_keys"
    __table_args__ = (
        Index(
            "ix_incident_repeat_keys_prev_day", "prev_day",
            postgresql_where=text("prev_day IS NOT NULL"),
        ),
    )

    h: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    days: Mapped[list[dt.date]] = mapped_column(ARRAY(Date))
    prev_day: Mapped[dt.date | None] = mapped_column(
        Computed("days[cardinality(days) - 1]", persisted=True)
    )


class ScorePointMonthly(Base):
    """The supervision score's points (``score_points``) summed per month, unit and rule (alembic
    0024, 0025; ``n``: how many points rows), for the departments table of the analysis. Kept by
    statement triggers on ``score_points`` in the same transaction as every change
    (``cc_score_point_monthly_rebuild()`` makes it anew)."""

    __tablename__ = "score_point_monthly"

    month: Mapped[dt.date] = mapped_column(primary_key=True)
    unit_type: Mapped[str] = mapped_column(String(12), primary_key=True)
    unit_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    rule: Mapped[str] = mapped_column(String(24), primary_key=True)  # alembic 0025
    points: Mapped[int] = mapped_column(BigInteger)
    n: Mapped[int] = mapped_column()

