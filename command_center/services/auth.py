"""Signing in, passwords and accounts.

Passwords never reach the database. The client derives an argon2id digest (the *proof*) with
the user's own salt and parameters, which the gatekeeper function ``cc_auth_params`` hands out
(believable ones for a name that does not exist); the database stores only sha256 of that
proof and compares in ``cc_auth_sign_in``, which also counts wrong passwords and locks the
account (alembic 0005). On success it returns the user's PostgreSQL login and a random
password for it, valid for one working session: the program then connects as that login, and
row-level security decides what it sees. Operators never learn a database password, and psql
cannot get round the lockout: the gatekeeper login may call nothing else.

Accounts are made, disabled and reset by an administrator — in the program or with
``command-center user`` — through the same functions; every change is audited.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import random
import re
import time
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from command_center.models import AppUser, Department, Role

__all__ = ["AppUser"]  # the command line reads active flags through this module
from command_center.services import audit
from command_center.services.audit import Actor
from command_center.services.lifecycle import DEPARTMENT_ROLES
from command_center.services.permissions import PermissionDenied, may_manage_accounts, who

USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
"""A user name becomes part of a PostgreSQL login (``cc_u_`` + name): the same pattern is the
check constraint ``ck_app_users_username_valid``."""
MIN_PASSWORD_LENGTH = 8
DEMO_PASSWORD = "demo"
"""The password of every account of the demo county (a demo database only)."""

# argon2id as OWASP's password storage cheat sheet recommends at least; the gatekeeper's
# made-up parameters for unknown names use the same (alembic 0005, DEFAULT_PARAMS)
ARGON2_MEMORY_KIB = 19456
ARGON2_TIME_COST = 2
ARGON2_LANES = 1
_PARAMS_RE = re.compile(r"^argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)$")


class AuthError(Exception):
    """Signing in failed; the message (Chinese / English) is shown to the user as it is."""


class AccountError(ValueError):
    """An account cannot be made or changed as asked; the message is "中文 / English"."""


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role_code: str
    role_name: str
    department_id: int | None
    department_name: str | None
    active: bool = True
    last_login_at: dt.datetime | None = None
    department_name_en: str | None = None  # the English interface's (None: the Chinese one)


@dataclass(frozen=True)
class SignIn:
    """What the gatekeeper hands out: the user's login and its password for this session."""

    user_id: int
    db_login: str
    secret: str


# --- passwords ------------------------------------------------------------------------------


def new_params() -> str:
    """Argon2id parameters with a new random salt, in argon2's own notation."""
    salt = base64.b64encode(os.urandom(16)).decode().rstrip("=")
    return f"argon2id$v=19$m={ARGON2_MEMORY_KIB},t={ARGON2_TIME_COST},p={ARGON2_LANES}${salt}"


def derive_proof(password: str, params: str) -> bytes:
    """The argon2id digest of ``password`` under ``params`` (what the client sends)."""
    m = _PARAMS_RE.match(params)
    if m is None:
        raise AuthError("登录参数无效 / invalid sign-in parameters")
    memory, passes, lanes, salt_b64 = m.groups()
    salt = base64.b64decode(salt_b64 + "=" * (-len(salt_b64) % 4))
    return hash_secret_raw(
        password.encode(),
        salt,
        time_cost=int(passes),
        memory_cost=int(memory),
        parallelism=int(lanes),
        hash_len=32,
        type=Type.ID,
    )


def verifier_of(password: str, params: str) -> bytes:
    """What the database keeps: sha256 of the proof, so that even a stolen verifier does not
    sign anyone in."""
    return hashlib.sha256(derive_proof(password, params)).digest()


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"密码至少 {MIN_PASSWORD_LENGTH} 个字符 / a password needs at least "
            f"{MIN_PASSWORD_LENGTH} characters"
        )


def check_typed_twice(password: str, again: str) -> None:
    """A new password is typed twice; the two must be the same."""
    if password != again:
        raise AccountError("两次输入的密码不一致 / the two passwords differ")


# --- signing in -----------------------------------------------------------------------------


# how long a sign-in keeps asking again while another workstation is changing the same login
SIGN_IN_PATIENCE_S = 15.0


def sign_in(session: Session, username: str, password: str) -> SignIn:
    """Ask the gatekeeper; raises :class:`AuthError` with its message. Commits (a wrong password
    is counted even though signing in fails)."""
    params = session.execute(text("SELECT cc_auth_params(:u)"), {"u": username}).scalar_one()
    proof = derive_proof(password, params)
    started = time.monotonic()
    attempt = 0
    while True:
        try:
            row = session.execute(
                text("SELECT ok, message, db_login, secret, user_id FROM cc_auth_sign_in(:u, :p)"),
                {"u": username, "p": proof},
            ).one()
            session.commit()
            break
        except DBAPIError as exc:
            # the same person signing in at two workstations at once: both alter the one
            # login (a role is a catalogue row PostgreSQL does not lock), one of them is told
            # "tuple concurrently updated" and simply asks again, waiting a little longer each
            # time (a loaded server can lose that race several times in a row)
            session.rollback()
            if (
                "concurrently updated" not in str(exc)
                or time.monotonic() - started > SIGN_IN_PATIENCE_S
            ):
                raise
            attempt += 1
            time.sleep(random.uniform(0.02, min(0.05 * 2**attempt, 1.0)))
    if not row.ok:
        raise AuthError(row.message)
    return SignIn(row.user_id, row.db_login, row.secret)


def check_own_password(session: Session, username: str, password: str) -> None:
    """The signed-in user proves the password again (an idle workstation's lock); raises
    :class:`AuthError`. Wrong passwords count towards the lockout as at sign-in. Commits."""
    params = session.execute(text("SELECT cc_auth_params(:u)"), {"u": username}).scalar_one()
    row = session.execute(
        text("SELECT ok, message FROM cc_auth_check(:p)"),
        {"p": derive_proof(password, params)},
    ).one()
    session.commit()
    if not row.ok:
        raise AuthError(row.message)


def is_demo(session: Session) -> bool:
    """Whether the database holds the demo county (``--user`` and the account list)."""
    return bool(session.execute(text("SELECT cc_auth_is_demo()")).scalar())


def demo_accounts(session: Session) -> list[UserInfo]:
    """The accounts offered in the sign-in dialog: on a demo database only, else none."""
    rows = session.execute(text("SELECT * FROM cc_auth_demo_accounts()")).all()
    return [
        UserInfo(
            r.id,
            r.username,
            r.display_name,
            r.role_code,
            r.role_name,
            r.department_id,
            r.department_name,
            department_name_en=r.department_name_en,
        )
        for r in rows
    ]


def user_info(session: Session, user_id: int) -> UserInfo:
    row = session.execute(_users_query().where(AppUser.id == user_id)).one()
    return _info(*row)


def current_user(session: Session) -> UserInfo | None:
    """The user whose login this session is (None for another login)."""
    uid = session.execute(text("SELECT cc_current_user_id()")).scalar()
    return None if uid is None else user_info(session, uid)


def must_change_password(session: Session) -> bool:
    return bool(session.execute(text("SELECT cc_must_change_password()")).scalar())


def authenticate(session: Session, username: str, password: str) -> UserInfo:
    """Check the password through the gatekeeper and return the user (a session that may read
    ``app_users``: the command line's, or tests')."""
    signed = sign_in(session, username, password)
    return user_info(session, signed.user_id)


# --- accounts -------------------------------------------------------------------------------


def _users_query():
    return (
        select(AppUser, Role, Department)
        .join(Role, Role.code == AppUser.role_code)
        .outerjoin(Department, Department.id == AppUser.department_id)
    )


def _info(user: AppUser, role: Role, dept: Department | None) -> UserInfo:
    return UserInfo(
        user.id,
        user.username,
        user.display_name,
        user.role_code,
        role.name,
        user.department_id,
        dept.name if dept else None,
        user.active,
        user.last_login_at,
        dept.name_en if dept else None,
    )


def list_users(session: Session, *, include_disabled: bool = False) -> list[UserInfo]:
    """Users by role then name (active ones unless asked)."""
    query = _users_query().order_by(AppUser.role_code, AppUser.username)
    if not include_disabled:
        query = query.where(AppUser.active)
    return [_info(u, r, d) for u, r, d in session.execute(query).all()]


def _require_admin(session: Session, actor: Actor) -> None:
    if not may_manage_accounts(who(session, actor).role):
        raise PermissionDenied(
            "只有系统管理员可以管理账户", "only an administrator can manage accounts"
        )


def set_password(
    session: Session, actor: Actor, user_id: int, password: str, *, must_change: bool = False
) -> None:
    """A new password (an administrator for anyone, a user for themself); ends the sessions
    the old one opened. Commits."""
    check_new_password(password)
    store_password(session, user_id, password, must_change=must_change)
    session.commit()


def store_password(
    session: Session, user_id: int, password: str, *, must_change: bool = False
) -> None:
    """Store a password with a new salt, in the caller's transaction, without the length
    rule (the demo's passwords); the database still decides whether the caller may."""
    params = new_params()
    session.execute(
        text("SELECT cc_set_password(:u, :p, :v, :m)"),
        {"u": user_id, "p": params, "v": verifier_of(password, params), "m": must_change},
    )


def add_user(
    session: Session,
    actor: Actor,
    username: str,
    display_name: str,
    role_code: str,
    password: str,
    *,
    department_id: int | None = None,
    must_change: bool = True,
) -> UserInfo:
    """A new account with its own login; a department handler needs a department. Commits."""
    _require_admin(session, actor)
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise AccountError(
            "用户名须以小写字母开头，由 2–32 个小写字母、数字或下划线组成 / a user name is 2–32 "
            "lower-case letters, digits or underscores, starting with a letter"
        )
    display_name = display_name.strip()
    if not display_name:
        raise AccountError("请填写姓名 / the person's name is missing")
    _check_role(session, role_code, department_id)
    if session.scalar(select(AppUser.id).where(AppUser.username == username)) is not None:
        raise AccountError(f"用户名 {username} 已存在 / the user name {username} is taken")
    check_new_password(password)
    user = AppUser(
        username=username,
        display_name=display_name,
        role_code=role_code,
        department_id=department_id,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.create",
        "user",
        user.id,
        f"新建账户 {username}（{display_name}，{role_code}）",
        after={"username": username, "role": role_code, "department_id": department_id},
    )
    set_password(session, actor, user.id, password, must_change=must_change)
    return user_info(session, user.id)


def _check_role(session: Session, role_code: str, department_id: int | None) -> None:
    if session.get(Role, role_code) is None:
        raise AccountError(f"没有角色 {role_code} / no role {role_code}")
    if (role_code in DEPARTMENT_ROLES) != (department_id is not None):
        raise AccountError(
            "部门承办人须属于一个部门，其他角色不属于部门 / a department handler belongs to a "
            "department, and no other role does"
        )
    if department_id is not None:
        dept = session.get(Department, department_id)
        if dept is None or not dept.active:
            raise AccountError(
                f"没有在用的部门 {department_id} / no active department {department_id}"
            )


def set_role(
    session: Session,
    actor: Actor,
    username: str,
    role_code: str,
    *,
    department_id: int | None = None,
) -> UserInfo:
    """Give an account another role or department; a department handler needs a department.
    The login's group follows the role (the trigger ``cc_app_users_login``, alembic 0005), and
    what the login may see changes with its next statement. Commits."""
    _require_admin(session, actor)
    user = session.scalar(select(AppUser).where(AppUser.username == username.strip().lower()))
    if user is None:
        raise AccountError(f"没有用户 {username} / no user {username}")
    _check_role(session, role_code, department_id)
    before = {"role": user.role_code, "department_id": user.department_id}
    after = {"role": role_code, "department_id": department_id}
    if before == after:
        return user_info(session, user.id)
    if user.id == actor.user_id and role_code != user.role_code:
        raise AccountError("不能更改自己的角色 / you cannot change your own role")
    session.execute(
        update(AppUser)
        .where(AppUser.id == user.id)
        .values(role_code=role_code, department_id=department_id)
    )
    dept = session.get(Department, department_id) if department_id is not None else None
    audit.record(
        session,
        actor,
        "user.role",
        "user",
        user.id,
        f"更改账户 {user.username} 的角色：{user.role_code} → {role_code}"
        + (f"（{dept.name}）" if dept is not None else ""),
        before=before,
        after=after,
    )
    session.commit()
    return user_info(session, user.id)


def set_active(session: Session, actor: Actor, username: str, active: bool) -> UserInfo:
    """Disable an account (its login can no longer connect; open sessions are ended) or
    enable it again. Commits."""
    _require_admin(session, actor)
    user = session.scalar(select(AppUser).where(AppUser.username == username.strip().lower()))
    if user is None:
        raise AccountError(f"没有用户 {username} / no user {username}")
    if user.id == actor.user_id and not active:
        raise AccountError("不能停用自己的账户 / you cannot disable your own account")
    session.execute(update(AppUser).where(AppUser.id == user.id).values(active=active))
    audit.record(
        session,
        actor,
        "user.enable" if active else "user.disable",
        "user",
        user.id,
        f"{'启用' if active else '停用'}账户 {user.username}",
        before={"active": user.active},
        after={"active": active},
    )
    session.commit()
    return user_info(session, user.id)


def reset_password(session: Session, actor: Actor, username: str, password: str) -> None:
    """An administrator gives a user a new password, to be changed at the next sign-in."""
    _require_admin(session, actor)
    uid = session.scalar(select(AppUser.id).where(AppUser.username == username.strip().lower()))
    if uid is None:
        raise AccountError(f"没有用户 {username} / no user {username}")
    set_password(session, actor, uid, password, must_change=True)


def change_own_password(session: Session, current: str, new: str) -> None:
    """The signed-in user replaces their own password (the session is their login): the
    database checks the current one first, and a wrong one counts towards the lockout as at
    sign-in; the new one need not be changed again. Commits."""
    check_new_password(new)
    if new == current:
        raise AccountError(
            "新密码不能与当前密码相同 / the new password must differ from the current one"
        )
    me = current_user(session)
    if me is None:
        raise AccountError("只能在自己的账户下修改密码 / a password is changed by its own account")
    check_own_password(session, me.username, current)
    set_password(session, Actor(me.id, me.display_name), me.id, new, must_change=False)


def lockout_state(session: Session) -> dict[int, tuple[int, object]]:
    """Failed attempts and lock time per user id (the owner's session: the command line)."""
    rows = session.execute(
        text("SELECT user_id, failed_attempts, locked_until FROM cc_credentials")
    ).all()
    return {r.user_id: (r.failed_attempts, r.locked_until) for r in rows}
