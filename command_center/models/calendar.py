"""The working-day calendar: official holidays and make-up workdays (调休上班)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base


class CalendarDay(Base):
    """An exception to the Monday–Friday week. Days not listed follow the ordinary week."""

    __tablename__ = "calendar_days"
    __table_args__ = (CheckConstraint("kind IN ('holiday','workday')", name="kind_valid"),)

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16), server_default="official")
