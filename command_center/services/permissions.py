"""Who may do what outside the lifecycle (working rules, center settings, the map's tiles), and
who the acting user is.

The services ask these functions before they change anything, and the widgets ask the same ones
to decide what to offer: a widget that hides a button is a convenience, the service's refusal is
the rule. The lifecycle's actions say who may do them in :mod:`command_center.services.lifecycle`.

An actor without a user id is the program itself (the command line, the poller, the seed): it
may do everything. A user's role and department are read from ``app_users``, not taken from what
the caller claims.

Departments (the one rule, :func:`may_reach_order`): a department's handler acts on, and sees,
only its own department's work orders — a plain order or a joint handling's lead order of that
department, or the co-order of that department (each co-order is a row of its own with its
department) — and the incidents those orders belong to. The center (duty operators,
supervisors, administrators), analysts (who only read: the lifecycle gives them no action) and
the program itself are not bound to a department. :func:`visible_orders` and
:func:`visible_incidents` are the same rule as SQL conditions, for queries (the department
inbox).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, false, select
from sqlalchemy.orm import Session

from command_center.models import AppUser, Department, Incident, WorkOrder
from command_center.services.audit import Actor
from command_center.services.lifecycle import (
    ADMIN,
    ANALYST,
    CENTER_ROLES,
    DEPARTMENT_ROLES,
    SUPERVISOR,
)

ADMIN_SETTINGS_PREFIXES = ("orders.", "map.tiles", "open311.", "dispatch.")
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


def may_write_duty_log(role: str | None) -> bool:
    """The duty log is the center's: the duty desk, supervisors and administrators write it
    (the database's policy on duty_log says the same, alembic 0005)."""
    return role is None or role in CENTER_ROLES


def may_publish(role: str | None) -> bool:
    """What the public sees of an incident (the Open311 GET's summary) is approved by the
    center's roles."""
    return role is None or role in CENTER_ROLES


def require_duty_log(session: Session, actor: Actor) -> None:
    if not may_write_duty_log(who(session, actor).role):
        raise PermissionDenied(
            "值班日志由指挥中心值班人员填写", "the duty log is written by the center's duty staff"
        )


def may_edit_rules(role: str | None) -> bool:
    """The working rules (routing rules, deadlines, objection and reopening windows)."""
    return role is None or role == ADMIN


def may_manage_accounts(role: str | None) -> bool:
    """Accounts: making them, disabling, enabling, new passwords, roles and departments (the
    policies on app_users and ``cc_set_password`` say the same, alembic 0005)."""
    return role is None or role == ADMIN


def may_manage_mediation(role: str | None) -> bool:
    """The mediation organisations and their mediators: adding, renaming, closing and reopening a
    room, adding, editing and moving a mediator (the policies on ``mediation_orgs`` and
    ``mediators`` say the same, alembic 0019)."""
    return role is None or role == ADMIN


def may_set_tiles(role: str | None) -> bool:
    """The map's base layer (an intranet tile server)."""
    return role is None or role == ADMIN


def may_set_setting(role: str | None, key: str) -> bool:
    if key.startswith(ADMIN_SETTINGS_PREFIXES):
        return role is None or role == ADMIN
    return True


def may_edit_roster(role: str | None) -> bool:
    """The grid workers' roster, their assignments and points (the policies on grid_workers,
    grid_assignments and points_ledger say the same: the center's working roles, 0005)."""
    return role is None or role in CENTER_ROLES


def may_acknowledge_reminder(role: str | None) -> bool:
    """A reminder to an inactive grid worker is acknowledged by a supervisor (督办员) or an
    administrator (the trigger ``cc_reminder_ack`` says the same, alembic 0016)."""
    return role is None or role in ("supervisor", ADMIN)


def may_edit_grid_figures(role: str | None) -> bool:
    """A grid's population and households are reference data: the administrator's (the
    policies on admin_areas, 0005)."""
    return role is None or role == ADMIN


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


# --- departments: who acts on and sees which work orders ----------------------------------------


def sees_every_department(me: Who) -> bool:
    """The program, the center's roles and analysts are not bound to a department."""
    return me.role is None or me.role in CENTER_ROLES or me.role == ANALYST


def may_reach_order(me: Who, order_department_id: int) -> bool:
    """THE rule: whether ``me`` may act on (as far as the lifecycle lets its role) and see a
    work order of ``order_department_id``. A department's handler: only its own department's
    orders; a user of no known role (unknown or inactive): none."""
    if sees_every_department(me):
        return True
    return (
        me.role in DEPARTMENT_ROLES
        and me.department_id is not None
        and me.department_id == order_department_id
    )


def visible_orders(me: Who) -> ColumnElement[bool] | None:
    """:func:`may_reach_order` as a condition on ``work_orders`` (None: every order)."""
    if sees_every_department(me):
        return None
    if me.role in DEPARTMENT_ROLES and me.department_id is not None:
        return department_orders(me.department_id)
    return false()


def department_orders(department_id: int) -> ColumnElement[bool]:
    """The orders of one department (what its handler may reach; the department inbox)."""
    return WorkOrder.department_id == department_id


def visible_incidents(me: Who) -> ColumnElement[bool] | None:
    """The incidents ``me`` may see: those with an order ``me`` may reach (None: every one)."""
    orders = visible_orders(me)
    if orders is None:
        return None
    return exists().where(WorkOrder.incident_id == Incident.id, orders)


def may_reach_incident(session: Session, me: Who, incident_id: int) -> bool:
    """Whether ``me`` may see (and, as far as its role may, act on) this incident."""
    orders = visible_orders(me)
    if orders is None:
        return True
    return bool(
        session.scalar(
            select(exists().where(WorkOrder.incident_id == incident_id, orders))
        )
    )


def department_words(session: Session, department_id: int | None) -> tuple[str, str]:
    """(中文, English) name of a department, for a refusal."""
    if department_id is None:
        return "", ""
    row = session.execute(
        select(Department.name, Department.name_en).where(Department.id == department_id)
    ).one_or_none()
    if row is None:
        return f"部门 {department_id}", f"department {department_id}"
    return row.name, row.name_en or row.name


def _yours(session: Session, me: Who) -> tuple[str, str]:
    if me.role not in DEPARTMENT_ROLES:
        return "您的账号无权查看或办理部门工单", "your account may not see or handle any order"
    if me.department_id is None:
        return "您不属于任何部门", "you belong to no department"
    zh, en = department_words(session, me.department_id)
    return f"您属于{zh}", f"you are in {en}"


def require_order(
    session: Session,
    me: Who,
    number: str,
    department_id: int,
    doing: tuple[str, str] = ("查看", "see it"),
) -> None:
    """Refuse (:class:`PermissionDenied`, naming both departments) an order ``me`` may not
    reach; ``doing`` is the action in a sentence ("签收", "sign for it")."""
    if may_reach_order(me, department_id):
        return
    zh_d, en_d = department_words(session, department_id)
    zh_y, en_y = _yours(session, me)
    raise PermissionDenied(
        f"工单 {number} 不属于本部门：该工单属于{zh_d}，{zh_y}，不能{doing[0]}",
        f"order {number} is not your department's: it belongs to {en_d}, {en_y}; "
        f"you cannot {doing[1]}",
    )


def require_incident(
    session: Session,
    me: Who,
    number: str,
    incident_id: int,
    doing: tuple[str, str] = ("查看", "see it"),
) -> None:
    """Refuse an incident none of whose orders ``me`` may reach."""
    if may_reach_incident(session, me, incident_id):
        return
    zh_y, en_y = _yours(session, me)
    raise PermissionDenied(
        f"事件 {number} 没有派给本部门的工单，{zh_y}，不能{doing[0]}",
        f"incident {number} has no order for your department ({en_y}); you cannot {doing[1]}",
    )


# --- personal data: who may see a record's raw values (each time recorded) --------------------

REVEAL_KINDS = ("incident", "dispute_case", "grid_worker")
"""What :func:`may_reveal` and the database's ``cc_reveal`` know: an incident's reporter, a
dispute case's parties, a grid worker's identity number."""


def may_reveal(me: Who, kind: str, *, reaches_record: bool = True) -> bool:
    """Whether ``me`` may see the unmasked personal data of a record of ``kind`` (the
    database's ``cc_reveal`` applies the same rule, alembic 0006). ``reaches_record``: for an
    incident, whether ``me`` may reach it (a department's handler, only through its own
    department's order). The program itself reads everything; analysts never see a person."""
    if me.role is None:
        return True
    if kind == "incident":
        return me.role in CENTER_ROLES or (me.role in DEPARTMENT_ROLES and reaches_record)
    if kind == "dispute_case":
        return me.role in CENTER_ROLES
    if kind == "grid_worker":
        return me.role in (SUPERVISOR, ADMIN)
    return False
