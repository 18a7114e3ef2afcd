"""Dispute cases (矛盾纠纷) through mediation to agreement and follow-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base, IdMixin, TimestampMixin
from command_center.models.personal import masked_column


class DisputeType(Base):
    __tablename__ = "dispute_types"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(100))


class DisputeCase(IdMixin, TimestampMixin, Base):
    __tablename__ = "dispute_cases"
    __table_args__ = (
        CheckConstraint(
            "status IN ('received','mediating','agreement','failed','referred_court','closed')",
            name="status_valid",
        ),
        CheckConstraint("risk_level IN ('low','medium','high','major')", name="risk_valid"),
        CheckConstraint(
            "source IN ('walk_in','grid_worker','hotline','court','police','petition')",
            name="source_valid",
        ),
        CheckConstraint("room_level IN ('village','town','county')", name="room_valid"),
        Index("ix_dispute_cases_status_received", "status", "received_at"),
    )
    number: Mapped[str] = mapped_column(String(32), unique=True)
    type_code: Mapped[str] = mapped_column(String(32), ForeignKey("dispute_types.code"))
    summary: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))  # 诉调/公调/访调对接 or walk-in
    room_level: Mapped[str] = mapped_column(String(8))  # mediation room: village/town/county
    village_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("admin_areas.id"))
    town_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("admin_areas.id"), index=True
    )
    lon: Mapped[float | None] = mapped_column()
    lat: Mapped[float | None] = mapped_column()
    incident_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("incidents.id"))
    risk_level: Mapped[str] = mapped_column(String(8), server_default="low")
    status: Mapped[str] = mapped_column(String(16), server_default="received")
    amount_involved: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    mediator_name: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column()
    concluded_at: Mapped[dt.datetime | None] = mapped_column()
    agreement_text: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}  # optimistic concurrency


class DisputeParty(IdMixin, Base):
    __tablename__ = "dispute_parties"
    __table_args__ = (
        CheckConstraint("role IN ('applicant','respondent','third_party')", name="role_valid"),
    )

    case_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("dispute_cases.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(12))
    # personal data (models/personal.py): deferred, read masked
    name: Mapped[str] = mapped_column(String(100), deferred=True)
    phone: Mapped[str | None] = mapped_column(String(32), deferred=True)
    id_number: Mapped[str | None] = mapped_column(String(18), deferred=True)
    address: Mapped[str | None] = mapped_column(String(200), deferred=True)
    name_masked: Mapped[str | None] = masked_column("dispute_parties", "name")
    phone_masked: Mapped[str | None] = masked_column("dispute_parties", "phone")
    id_number_masked: Mapped[str | None] = masked_column("dispute_parties", "id_number")
    address_masked: Mapped[str | None] = masked_column("dispute_parties", "address")


class MediationSession(IdMixin, Base):
    __tablename__ = "mediation_sessions"

    case_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("dispute_cases.id", ondelete="CASCADE"), index=True
    )
    held_at: Mapped[dt.datetime] = mapped_column()
    mediators: Mapped[str] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)


class FollowUpVisit(IdMixin, Base):
    """The follow-up visit after a case ends: is the agreement kept, is the conflict settled?"""

    __tablename__ = "follow_up_visits"

    case_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("dispute_cases.id", ondelete="CASCADE"), index=True
    )
    visited_at: Mapped[dt.datetime] = mapped_column()
    visitor: Mapped[str] = mapped_column(String(64))
    agreement_kept: Mapped[bool | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
