"""Who may do what outside the lifecycle (working rules, center settings, the map's tiles), and
who the acting user is.

The services ask these functions before they change anything, and the widgets ask the same ones
to decide what to offer: a widget that hides a button is a convenience, the service's refusal is
the rule. The lifecycle's actions say who may do them in :mod:`command_center.services.lifecycle`.

An actor without a user id is the program itself (the command line, the poller, the seed): it
may do everything. A user's role and department are read from ``app_users``, not taken from what
the caller claims.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center.models import AppUser
from command_center.services.audit import Actor
from command_center.services.lifecycle import ADMIN

ADMIN_SETTINGS_PREFIXES = ("orders.", "map.tiles", "open311.")
"""Center settings only an administrator changes (the working rules, the base layer, the
Open311 link); the others (the wall's saved views) are anyone's at the center."""


class PermissionDenied(PermissionError):
    """The user may not do this; ``str()`` is "中文 / English"."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


@dataclass(frozen=True)
class Who:
    """The acting user's role and department (role None: the program itself)."""

    role: str | None
    department_id: int | None


SYSTEM_WHO = Who(None, None)


def who(session: Session, actor: Actor) -> Who:
    """The role and department of ``actor`` as ``app_users`` records them; an unknown or
    inactive user has no role at all (and so may do nothing)."""
    if actor.user_id is None:
        return SYSTEM_WHO
    row = session.execute(
        select(AppUser.role_code, AppUser.department_id).where(
            AppUser.id == actor.user_id, AppUser.active
        )
    ).one_or_none()
    if row is None:
        return Who("", None)
    return Who(row.role_code, row.department_id)


def may_edit_rules(role: str | None) -> bool:
    """The working rules (routing rules, deadlines, objection and reopening windows)."""
    return role is None or role == ADMIN


def may_set_tiles(role: str | None) -> bool:
    """The map's base layer (an intranet tile server)."""
    return role is None or role == ADMIN


def may_set_setting(role: str | None, key: str) -> bool:
    if key.startswith(ADMIN_SETTINGS_PREFIXES):
        return role is None or role == ADMIN
    return True


def require_edit_rules(session: Session, actor: Actor) -> None:
    if not may_edit_rules(who(session, actor).role):
        raise PermissionDenied(
            "只有系统管理员可以修改工作规则", "only an administrator can change the working rules"
        )


def require_setting(session: Session, actor: Actor, key: str) -> None:
    if not may_set_setting(who(session, actor).role, key):
        raise PermissionDenied(
            f"只有系统管理员可以修改设置 {key}", f"only an administrator can change {key}"
        )
