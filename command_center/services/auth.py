"""Signing in. Passwords are stored as scrypt hashes; roles decide what a user sees.

The row-level-security work will move the check into PostgreSQL itself (one login per user,
``app_users.db_login``); this module is then where the program opens that user's connection.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from command_center import clock
from command_center.models import AppUser, Department, Role

_N, _R, _P = 2**14, 8, 1


class AuthError(Exception):
    """Wrong user name or password; the message is shown to the user as it is."""


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, salt_b64, digest_b64 = stored.split("$")
    digest = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt_b64), n=_N, r=_R, p=_P)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role_code: str
    role_name: str
    department_id: int | None
    department_name: str | None


def _info(user: AppUser, role: Role, dept: Department | None) -> UserInfo:
    return UserInfo(
        user.id,
        user.username,
        user.display_name,
        user.role_code,
        role.name,
        user.department_id,
        dept.name if dept else None,
    )


def list_users(session: Session) -> list[UserInfo]:
    """Active users for the sign-in list, by role then name."""
    rows = session.execute(
        select(AppUser, Role, Department)
        .join(Role, Role.code == AppUser.role_code)
        .outerjoin(Department, Department.id == AppUser.department_id)
        .where(AppUser.active)
        .order_by(AppUser.role_code, AppUser.username)
    ).all()
    return [_info(u, r, d) for u, r, d in rows]


def authenticate(session: Session, username: str, password: str) -> UserInfo:
    row = session.execute(
        select(AppUser, Role, Department)
        .join(Role, Role.code == AppUser.role_code)
        .outerjoin(Department, Department.id == AppUser.department_id)
        .where(AppUser.username == username.strip(), AppUser.active)
    ).first()
    if row is None or not verify_password(password, row[0].password_hash):
        raise AuthError("用户名或密码错误 / wrong user name or password")
    user, role, dept = row
    session.execute(update(AppUser).where(AppUser.id == user.id).values(last_login_at=clock.now()))
    session.commit()
    return _info(user, role, dept)
