"""Departments, users and roles.

Each user has a PostgreSQL login of their own (``db_login``, ``cc_u_`` and the user name; alembic
0005 creates it), a member of the group ``cc_app``. Row-level security keys on the role and the
department this table records for ``session_user``; ``roles.db_role`` names the role for people
reading the server's roles and grants nothing.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Computed, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from command_center.db.base import Base, IdMixin, TimestampMixin


class RoleCode(StrEnum):
    DUTY_OPERATOR = "duty_operator"  # 值班员
    SUPERVISOR = "supervisor"  # 督办员
    DEPT_HANDLER = "dept_handler"  # 部门承办人
    ANALYST = "analyst"  # 研判分析员
    ADMIN = "admin"  # 系统管理员


class Department(IdMixin, Base):
    """A functional department (职能部门) stationed at or linked to the center."""

    __tablename__ = "departments"
    __table_args__ = (CheckConstraint("kind IN ('functional','town')", name="kind_valid"),)

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(200))
    stationed: Mapped[bool] = mapped_column(server_default="true")
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(server_default="true")
    # a functional department (职能部门) or a town's government (乡镇): supervision's card limits
    # differ by kind (services/supervision.py)
    kind: Mapped[str] = mapped_column(String(12), server_default="functional")
    town_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("admin_areas.id"))


class Role(Base):
    __tablename__ = "roles"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(100))
    db_role: Mapped[str] = mapped_column(String(63), unique=True)


class AppUser(IdMixin, TimestampMixin, Base):
    """A person who signs in: duty operator, supervisor, department handler, analyst, admin."""

    __tablename__ = "app_users"
    __table_args__ = (
        # the name becomes part of a PostgreSQL login: services/auth.USERNAME_PATTERN
        CheckConstraint("username ~ '^[a-z][a-z0-9_]{1,31}$'", name="username_valid"),
    )

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role_code: Mapped[str] = mapped_column(String(32), ForeignKey("roles.code"), index=True)
    department_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("departments.id"), index=True
    )
    scope_area_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("admin_areas.id"))
    db_login: Mapped[str] = mapped_column(
        String(63), Computed("'cc_u_' || username", persisted=True), unique=True
    )
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(server_default="true")
    last_login_at: Mapped[dt.datetime | None] = mapped_column()

    role: Mapped[Role] = relationship()
    department: Mapped[Department | None] = relationship()
