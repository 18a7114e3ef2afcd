"""Dispute cases (矛盾纠纷) through mediation to agreement and follow-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base, IdMixin, TimestampMixin
from command_center.models.personal import masked_column


class DisputeType(Base):
    __tablename__ = "dispute_types"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(100))


ORG_LEVELS = ("county", "town", "village", "special")
CASE_STATUSES = (
    "received", "mediating", "agreement", "failed", "referred_court", "withdrawn", "closed",
)
REFERRALS = ("court", "arbitration", "petition")
SATISFACTION = ("satisfied", "basic", "unsatisfied")
ALERT_LEVELS = ("town", "county", "city")


class MediationOrg(IdMixin, Base):
    """A people's mediation organisation: the county center (县矛调中心), a town's center, a
    village's (community's) room, or a specialised room (交通事故、医疗纠纷、劳动争议…)."""

    __tablename__ = "mediation_orgs"
    __table_args__ = (
        CheckConstraint("level IN ('county','town','village','special')", name="level_valid"),
    )

    name: Mapped[str] = mapped_column(String(100), unique=True)
    level: Mapped[str] = mapped_column(String(8))
    parent_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("mediation_orgs.id"), index=True
    )
    area_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("admin_areas.id"))
    town_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("admin_areas.id"))
    specialty: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")


class Mediator(IdMixin, Base):
    __tablename__ = "mediators"

    org_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("mediation_orgs.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")


class DisputeCase(IdMixin, TimestampMixin, Base):
    __tablename__ = "dispute_cases"
    __table_args__ = (
        CheckConstraint(
            "status IN ('received','mediating','agreement','failed','referred_court',"
            "'withdrawn','closed')",
            name="status_valid",
        ),
        CheckConstraint("risk_level IN ('low','medium','high','major')", name="risk_valid"),
        CheckConstraint(
            "source IN ('walk_in','grid_worker','hotline','court','police','petition')",
            name="source_valid",
        ),
        CheckConstraint("room_level IN ('village','town','county')", name="room_valid"),
        CheckConstraint(
            "referral IS NULL OR referral IN ('court','arbitration','petition')",
            name="referral_valid",
        ),
        CheckConstraint("people_involved >= 1", name="people_positive"),
        CheckConstraint("extensions BETWEEN 0 AND 1", name="one_extension"),
        Index("ix_dispute_cases_status_received", "status", "received_at"),
        Index("ix_dispute_cases_received_id", "received_at", "id"),
        Index("ix_dispute_cases_org_status", "org_id", "status"),
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
    # the workflow (alembic 0011)
    org_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("mediation_orgs.id"))
    mediator_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("mediators.id"))
    people_involved: Mapped[int] = mapped_column(Integer, server_default="2")
    risk_reasons: Mapped[str | None] = mapped_column(Text)
    source_org: Mapped[str | None] = mapped_column(String(100))  # the court, police station…
    source_reference: Mapped[str | None] = mapped_column(String(64))  # the sender's number
    deadline_at: Mapped[dt.datetime | None] = mapped_column()
    extensions: Mapped[int] = mapped_column(Integer, server_default="0")
    extension_reason: Mapped[str | None] = mapped_column(Text)
    fulfil_by: Mapped[dt.date | None] = mapped_column(Date)
    fulfilled: Mapped[bool | None] = mapped_column(Boolean)
    referral: Mapped[str | None] = mapped_column(String(16))
    outcome_note: Mapped[str | None] = mapped_column(Text)  # why it failed / was withdrawn
    repeat_of_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("dispute_cases.id"))
    reopened: Mapped[int] = mapped_column(Integer, server_default="0")

    __mapper_args__ = {"version_id_col": version}  # optimistic concurrency


class DisputeParty(IdMixin, Base):
    __tablename__ = "dispute_parties"
    __table_args__ = (
        CheckConstraint("role IN ('applicant','respondent','third_party')", name="role_valid"),
        Index("ix_dispute_parties_id_number", "id_number"),
        Index("ix_dispute_parties_name_phone", "name", "phone"),
    )

    case_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("dispute_cases.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(8), server_default="person")  # person / org
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
    participants: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)


class FollowUpVisit(IdMixin, Base):
    """The follow-up visit after a case ends: is the agreement kept, is the conflict settled?"""

    __tablename__ = "follow_up_visits"

    case_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("dispute_cases.id", ondelete="CASCADE"), index=True
    )
    __table_args__ = (
        CheckConstraint(
            "satisfaction IS NULL OR satisfaction IN ('satisfied','basic','unsatisfied')",
            name="satisfaction_valid",
        ),
    )

    visited_at: Mapped[dt.datetime | None] = mapped_column()  # None: scheduled, not yet made
    visitor: Mapped[str | None] = mapped_column(String(64))
    agreement_kept: Mapped[bool | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[dt.datetime | None] = mapped_column()
    satisfaction: Mapped[str | None] = mapped_column(String(12))


class DisputeAlert(IdMixin, Base):
    """A major, urgent case alerting the level that must know by the number of people involved
    (services/disputes.ALERT_BANDS)."""

    __tablename__ = "dispute_alerts"
    __table_args__ = (
        CheckConstraint("level IN ('town','county','city')", name="level_valid"),
    )

    case_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("dispute_cases.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[str] = mapped_column(String(8))
    people: Mapped[int] = mapped_column(Integer)
    raised_at: Mapped[dt.datetime] = mapped_column()
    message: Mapped[str] = mapped_column(Text)
