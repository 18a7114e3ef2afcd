"""The learned models of smart dispatch (智能派单, services/learned_routing.py; alembic 0014): each
training is a version with its evaluation figures; one version at a time is active.

``model`` holds the pickled scikit-learn pipeline. Unpickling runs code, so only administrators
may write these rows (row-level security, alembic 0014) and a row's bytes are checked against
its ``sha256`` before they are loaded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base, IdMixin


class ClassifierModel(IdMixin, Base):
    __tablename__ = "classifier_models"
    __table_args__ = (
        Index(
            "uq_classifier_models_active", "active", unique=True, postgresql_where=text("active")
        ),
    )

    version: Mapped[int] = mapped_column(unique=True)
    created_at: Mapped[dt.datetime] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
    trained_on: Mapped[int] = mapped_column()  # samples (closed incidents) learned from
    train_s: Mapped[float] = mapped_column(Float)
    macro_f1: Mapped[float] = mapped_column(Float)  # the category's, cross-validated
    accuracy: Mapped[float] = mapped_column(Float)
    department_macro_f1: Mapped[float] = mapped_column(Float)
    metrics: Mapped[dict[str, Any]] = mapped_column()  # per class, folds, samples
    active: Mapped[bool] = mapped_column(server_default="false")
    note: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    library: Mapped[str] = mapped_column(String(64))  # scikit-learn's version that pickled it
    model: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class ClassifierFeedback(IdMixin, Base):
    """Whether a person took the learned suggestion: the category at intake, the department at
    dispatch (and an automatic dispatch undone: not taken). The administrator's accept and
    override rates per category come from here."""

    __tablename__ = "classifier_feedback"
    __table_args__ = (
        CheckConstraint("kind IN ('category','department')", name="kind_valid"),
        Index("ix_classifier_feedback_category", "category_code", "kind"),
    )

    at: Mapped[dt.datetime] = mapped_column()
    model_version: Mapped[int] = mapped_column()
    incident_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    category_code: Mapped[str | None] = mapped_column(String(16))  # the incident's, as chosen
    kind: Mapped[str] = mapped_column(String(12))
    suggested: Mapped[str] = mapped_column(String(32))  # a category code or a department id
    chosen: Mapped[str] = mapped_column(String(32))
    accepted: Mapped[bool] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("app_users.id"))
