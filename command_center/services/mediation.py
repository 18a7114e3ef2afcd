"""The mediation organisations (调解组织) and their mediators, kept by administrators.

The tree: the county center (县矛调中心) → a center per town → a room per village, and
specialised rooms (交通事故、医疗纠纷、劳动争议…) under the county or a town center. An
administrator adds a room under another, renames it, closes it (or opens it again), and adds,
edits, moves or retires mediators. Who may: :func:`permissions.may_manage_mediation`
(administrators); the row-level security of ``mediation_orgs`` and ``mediators`` says the same
(alembic 0019).

The rules, here and in the database's triggers (alembic 0019):

- a room fits the tree (:data:`PARENT_LEVELS`) under an open room;
- a room with open cases (``disputes.OPEN_STATUSES``) is not closed: its cases are moved to
  another room first (:func:`close_org` with ``move_to`` does both in one transaction, each move
  audited on the case as a transfer between rooms), nor while an open room hangs under it; its
  mediators leave with it (made inactive, audited);
- a mediator who leaves a room (moved, or made inactive) leaves its open cases to the room,
  unassigned, each audited on the case.

Every change is audited and optimistic (a stale version is refused); all or nothing. No Qt here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from command_center.models import AdminArea, DisputeCase, MediationOrg, Mediator
from command_center.services import audit, permissions
from command_center.services.audit import Actor
from command_center.services.disputes import OPEN_STATUSES, ORG_LEVEL_ROOM
from command_center.services.orders import TransitionError
from command_center.services.permissions import PermissionDenied

LEVEL_TEXT: dict[str, tuple[str, str]] = {
    "county": ("县级调解中心", "county center"),
    "town": ("乡镇调解中心", "town center"),
    "village": ("村（社区）调解室", "village room"),
    "special": ("专业调解室", "specialised room"),
}
PARENT_LEVELS: dict[str, tuple[str, ...]] = {
    "county": (),
    "town": ("county",),
    "village": ("town",),
    "special": ("county", "town"),
}
"""The levels a room of each level may hang under (the county center under none)."""
SPECIALTY_TEXT: dict[str, tuple[str, str]] = {
    "medical": ("医疗纠纷", "medical disputes"),
    "labour": ("劳动争议", "labour disputes"),
    "family": ("婚姻家庭", "marriage and family"),
    "property": ("物业纠纷", "property management"),
    "traffic": ("交通事故", "traffic accidents"),
    "land": ("土地山林", "land and forest"),
    "consumer": ("消费纠纷", "consumer disputes"),
    "other": ("其他", "other"),
}
CLOSED_STATES = {True: ("在用", "open"), False: ("已撤销", "closed")}

_T = TypeVar("_T")


class StaleError(TransitionError):
    """Someone changed the room or the mediator after the administrator read it."""


def _require_admin(session: Session, actor: Actor) -> None:
    if not permissions.may_manage_mediation(permissions.who(session, actor).role):
        raise PermissionDenied(
            "只有系统管理员可以维护调解组织和调解员",
            "only an administrator can change the mediation rooms and mediators",
        )


def _run(session: Session, actor: Actor, fn: Callable[[], _T]) -> _T:
    """Check the actor, run ``fn``, commit; on any refusal roll back (nothing written)."""
    try:
        _require_admin(session, actor)
        result = fn()
        session.flush()
        session.commit()
        return result
    except BaseException:
        session.rollback()
        raise


def _name(value: str, zh: str, en: str, cap: int) -> str:
    name = re.sub(r"\s+", " ", value or "").strip()
    if not name:
        raise TransitionError(f"请填写{zh}", f"the {en} is required")
    if len(name) > cap:
        raise TransitionError(f"{zh}不能超过{cap}字", f"the {en} is at most {cap} characters")
    return name


def _phone(value: str | None) -> str | None:
    phone = (value or "").strip()
    if not phone:
        return None
    if not re.fullmatch(r"[\d\-+ ]{3,32}", phone):
        raise TransitionError(f"联系电话「{phone}」无效", f"the phone '{phone}' is not valid")
    return phone


def _specialty(value: str | None) -> str | None:
    if not value:
        return None
    if value not in SPECIALTY_TEXT:
        raise TransitionError(f"专业方向「{value}」无效", f"'{value}' is not a speciality")
    return value


def _lock_org(session: Session, org_id: int, version: int | None) -> MediationOrg:
    org = session.scalars(
        select(MediationOrg).where(MediationOrg.id == org_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if org is None:
        raise TransitionError(f"调解组织 {org_id} 不存在", f"room {org_id} does not exist")
    if version is not None and org.version != version:
        raise StaleError(
            f"「{org.name}」已被其他人修改，请刷新后再试",
            f"{org.name} was changed by someone else: read it again and retry",
        )
    return org


def _lock_mediator(session: Session, mediator_id: int, version: int | None) -> Mediator:
    m = session.scalars(
        select(Mediator).where(Mediator.id == mediator_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if m is None:
        raise TransitionError(f"调解员 {mediator_id} 不存在",
                              f"mediator {mediator_id} does not exist")
    if version is not None and m.version != version:
        raise StaleError(
            f"调解员「{m.name}」已被其他人修改，请刷新后再试",
            f"mediator {m.name} was changed by someone else: read it again and retry",
        )
    return m


def _unique_name(session: Session, name: str, org_id: int | None = None) -> None:
    other = session.scalar(select(MediationOrg.id).where(
        MediationOrg.name == name, MediationOrg.id != (org_id or 0)))
    if other is not None:
        raise TransitionError(f"已有名为「{name}」的调解组织", f"a room named {name} exists")


def _open_cases(session: Session, **where: int) -> int:
    c = DisputeCase
    conditions: list[ColumnElement[bool]] = [c.status.in_(OPEN_STATUSES)]
    if "org_id" in where:
        conditions.append(c.org_id == where["org_id"])
    if "mediator_id" in where:
        conditions.append(c.mediator_id == where["mediator_id"])
    return int(session.scalar(select(func.count()).select_from(c).where(*conditions)) or 0)


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgNode:
    id: int
    version: int
    name: str
    level: str
    parent_id: int | None
    area_id: int | None
    town_id: int | None
    specialty: str | None
    active: bool
    open_cases: int
    mediators: int  # active ones


@dataclass(frozen=True)
class MediatorRow:
    id: int
    version: int
    org_id: int
    name: str
    phone: str | None
    specialty: str | None
    active: bool
    open_cases: int


@dataclass(frozen=True)
class Registry:
    """Every room (open and closed) and every mediator, with their open cases, and the places
    a new room may serve."""

    orgs: list[OrgNode]
    mediators: list[MediatorRow]
    towns: list[tuple[int, str]]
    villages: list[tuple[int, str, int | None]]  # id, name, town id

    def children(self, org_id: int | None) -> list[OrgNode]:
        order = {"county": 0, "town": 1, "special": 2, "village": 3}
        return sorted((o for o in self.orgs if o.parent_id == org_id),
                      key=lambda o: (not o.active, order[o.level], o.name))

    def org(self, org_id: int) -> OrgNode | None:
        return next((o for o in self.orgs if o.id == org_id), None)

    def mediators_of(self, org_id: int) -> list[MediatorRow]:
        return [m for m in self.mediators if m.org_id == org_id]


def registry(session: Session) -> Registry:
    c = DisputeCase
    open_by_org = {r[0]: r[1] for r in session.execute(
        select(c.org_id, func.count()).where(c.status.in_(OPEN_STATUSES)).group_by(c.org_id))}
    open_by_med = {r[0]: r[1] for r in session.execute(
        select(c.mediator_id, func.count()).where(c.status.in_(OPEN_STATUSES),
                                                   c.mediator_id.is_not(None))
        .group_by(c.mediator_id))}
    mediators = [
        MediatorRow(m.id, m.version, m.org_id, m.name, m.phone, m.specialty, m.active,
                    int(open_by_med.get(m.id, 0)))
        for m in session.scalars(select(Mediator).order_by(Mediator.id))
    ]
    active_by_org: dict[int, int] = {}
    for m in mediators:
        if m.active:
            active_by_org[m.org_id] = active_by_org.get(m.org_id, 0) + 1
    orgs = [
        OrgNode(o.id, o.version, o.name, o.level, o.parent_id, o.area_id, o.town_id,
                o.specialty, o.active, int(open_by_org.get(o.id, 0)), active_by_org.get(o.id, 0))
        for o in session.scalars(select(MediationOrg).order_by(MediationOrg.id))
    ]
    towns = [(a.id, a.name) for a in session.scalars(
        select(AdminArea).where(AdminArea.level == "town").order_by(AdminArea.code))]
    villages = [(a.id, a.name, a.parent_id) for a in session.scalars(
        select(AdminArea).where(AdminArea.level == "village").order_by(AdminArea.code))]
    return Registry(orgs, mediators, towns, villages)


# --- rooms ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Done:
    """What a change left: the row's id and version, and the cases it moved or unassigned."""

    id: int
    version: int
    cases: int = 0


def add_org(session: Session, actor: Actor, *, name: str, level: str, parent_id: int | None,
            area_id: int | None = None, specialty: str | None = None) -> Done:
    """A new room under ``parent_id``; a town center serves a town (``area_id``), a village
    room a village of its town center's town."""

    def run() -> Done:
        if level not in LEVEL_TEXT:
            raise TransitionError(f"层级「{level}」无效", f"'{level}' is not a level")
        title = _name(name, "调解组织名称", "room's name", 100)
        _unique_name(session, title)
        parent = _lock_org(session, parent_id, None) if parent_id is not None else None
        if (parent.level if parent else None) not in PARENT_LEVELS[level] and not (
                level == "county" and parent is None):
            zh, en = LEVEL_TEXT[level]
            raise TransitionError(
                f"{zh}不能设在「{parent.name if parent else '顶层'}」之下",
                f"a {en} cannot hang under {parent.name if parent else 'nothing'}",
            )
        if parent is not None and not parent.active:
            raise TransitionError(f"「{parent.name}」已撤销", f"{parent.name} is closed")
        town_id = parent.town_id if parent else None
        area: AdminArea | None = None
        if level in ("town", "village"):
            area = session.get(AdminArea, area_id) if area_id is not None else None
            if area is None or area.level != level:
                raise TransitionError(
                    "请选择所服务的乡镇" if level == "town" else "请选择所服务的村（社区）",
                    f"choose the {level} the room serves",
                )
            if level == "village" and area.parent_id != town_id:
                raise TransitionError("该村不属于上级调解中心所在乡镇",
                                      "the village is not in the town center's town")
            town_id = area.id if level == "town" else town_id
        org = MediationOrg(
            name=title, level=level, parent_id=parent.id if parent else None,
            area_id=area.id if area is not None else None, town_id=town_id,
            specialty=_specialty(specialty) if level == "special" else None, active=True,
        )
        session.add(org)
        session.flush()
        where = f"，隶属「{parent.name}」" if parent else ""
        audit.record(session, actor, "mediation.org_add", "mediation_org", org.id,
                     f"新设{LEVEL_TEXT[level][0]}「{title}」{where}",
                     after={"name": title, "level": level, "parent_id": org.parent_id})
        return Done(org.id, org.version)

    return _run(session, actor, run)


def rename_org(session: Session, actor: Actor, org_id: int, version: int | None,
               name: str) -> Done:
    def run() -> Done:
        org = _lock_org(session, org_id, version)
        title = _name(name, "调解组织名称", "room's name", 100)
        if title == org.name:
            return Done(org.id, org.version)
        _unique_name(session, title, org.id)
        before = org.name
        org.name = title
        audit.record(session, actor, "mediation.org_rename", "mediation_org", org.id,
                     f"调解组织「{before}」更名为「{title}」",
                     before={"name": before}, after={"name": title})
        session.flush()
        return Done(org.id, org.version)

    return _run(session, actor, run)


def _move_cases(session: Session, actor: Actor, source: MediationOrg, target: MediationOrg,
                reason: str) -> int:
    """Move every open case of ``source`` to ``target`` (unassigned there), each audited on the
    case as a transfer between rooms."""
    cases = list(session.scalars(
        select(DisputeCase).where(DisputeCase.org_id == source.id,
                                  DisputeCase.status.in_(OPEN_STATUSES))
        .order_by(DisputeCase.id).with_for_update()
    ))
    for case in cases:
        before = {"org_id": source.id, "org": source.name, "mediator": case.mediator_name}
        case.org_id = target.id
        case.room_level = ORG_LEVEL_ROOM[target.level]
        case.mediator_id = None
        case.mediator_name = None
        audit.record(session, actor, "dispute.transfer", "dispute_case", case.id,
                     f"{case.number} 由「{source.name}」移交「{target.name}」", reason=reason,
                     before=before, after={"org_id": target.id, "org": target.name,
                                           "mediator": None})
    session.flush()
    return len(cases)


def close_org(session: Session, actor: Actor, org_id: int, version: int | None, *,
              reason: str, move_to: int | None = None) -> Done:
    """Close a room. Its open cases go to ``move_to`` first (refused without it while there are
    any); its mediators are made inactive; an open room under it refuses the closing."""

    def run() -> Done:
        org = _lock_org(session, org_id, version)
        why = _name(reason, "撤销理由", "reason for closing", 2000)
        if not org.active:
            raise TransitionError(f"「{org.name}」已撤销", f"{org.name} is closed already")
        children = session.scalars(select(MediationOrg.name).where(
            MediationOrg.parent_id == org.id, MediationOrg.active)).all()
        if children:
            raise TransitionError(
                f"「{org.name}」下还有 {len(children)} 个调解组织（{children[0]}…），须先撤销",
                f"{org.name} still has {len(children)} open rooms under it ({children[0]}…): "
                "close them first",
            )
        n_open = _open_cases(session, org_id=org.id)
        moved = 0
        if n_open:
            if move_to is None:
                raise TransitionError(
                    f"「{org.name}」还有 {n_open} 件未结案件，须先移交其他调解组织才能撤销",
                    f"{org.name} still has {n_open} open cases: move them to another room "
                    "before closing it",
                )
            if move_to == org.id:
                raise TransitionError("不能移交给被撤销的调解组织本身",
                                      "the cases cannot move to the room being closed")
            target = _lock_org(session, move_to, None)
            if not target.active:
                raise TransitionError(f"「{target.name}」已撤销", f"{target.name} is closed")
            moved = _move_cases(session, actor, org, target,
                                f"「{org.name}」撤销：{why}")
        retired = list(session.scalars(select(Mediator).where(
            Mediator.org_id == org.id, Mediator.active).with_for_update()))
        for m in retired:
            m.active = False
            audit.record(session, actor, "mediation.mediator_retire", "mediator", m.id,
                         f"调解员「{m.name}」随「{org.name}」撤销离岗", reason=why,
                         before={"active": True}, after={"active": False})
        session.flush()
        org.active = False
        audit.record(session, actor, "mediation.org_close", "mediation_org", org.id,
                     f"撤销调解组织「{org.name}」" + (f"，{moved} 件未结案件移交" if moved else ""),
                     reason=why, before={"active": True},
                     after={"active": False, "moved": moved, "move_to": move_to,
                            "mediators_retired": len(retired)})
        session.flush()
        return Done(org.id, org.version, moved)

    return _run(session, actor, run)


def reopen_org(session: Session, actor: Actor, org_id: int, version: int | None) -> Done:
    def run() -> Done:
        org = _lock_org(session, org_id, version)
        if org.active:
            return Done(org.id, org.version)
        if org.parent_id is not None:
            parent = session.get(MediationOrg, org.parent_id)
            if parent is not None and not parent.active:
                raise TransitionError(f"上级「{parent.name}」已撤销，须先恢复",
                                      f"the room above, {parent.name}, is closed: reopen it first")
        org.active = True
        audit.record(session, actor, "mediation.org_reopen", "mediation_org", org.id,
                     f"恢复调解组织「{org.name}」", before={"active": False},
                     after={"active": True})
        session.flush()
        return Done(org.id, org.version)

    return _run(session, actor, run)


# --- mediators --------------------------------------------------------------------------------


def add_mediator(session: Session, actor: Actor, org_id: int, *, name: str,
                 phone: str | None = None, specialty: str | None = None) -> Done:
    def run() -> Done:
        org = _lock_org(session, org_id, None)
        if not org.active:
            raise TransitionError(f"「{org.name}」已撤销", f"{org.name} is closed")
        m = Mediator(org_id=org.id, name=_name(name, "调解员姓名", "mediator's name", 64),
                     phone=_phone(phone), specialty=_specialty(specialty), active=True)
        session.add(m)
        session.flush()
        audit.record(session, actor, "mediation.mediator_add", "mediator", m.id,
                     f"「{org.name}」新增调解员「{m.name}」",
                     after={"org_id": org.id, "name": m.name, "phone": m.phone,
                            "specialty": m.specialty})
        return Done(m.id, m.version)

    return _run(session, actor, run)


def _unassign(session: Session, actor: Actor, m: Mediator, why: str) -> int:
    """The mediator's open cases in their room stay there, unassigned (each audited)."""
    cases = list(session.scalars(
        select(DisputeCase).where(DisputeCase.mediator_id == m.id,
                                  DisputeCase.org_id == m.org_id,
                                  DisputeCase.status.in_(OPEN_STATUSES))
        .order_by(DisputeCase.id).with_for_update()
    ))
    for case in cases:
        case.mediator_id = None
        case.mediator_name = None
        audit.record(session, actor, "dispute.assign", "dispute_case", case.id,
                     f"{case.number} 调解员「{m.name}」{why}，案件待重新指派",
                     before={"org_id": case.org_id, "mediator": m.name},
                     after={"org_id": case.org_id, "mediator": None})
    session.flush()
    return len(cases)


def edit_mediator(session: Session, actor: Actor, mediator_id: int, version: int | None, *,
                  name: str, phone: str | None, specialty: str | None, active: bool) -> Done:
    """Name, phone, speciality, and whether the mediator is active; one made inactive leaves
    their open cases to the room, unassigned."""

    def run() -> Done:
        m = _lock_mediator(session, mediator_id, version)
        before = {"name": m.name, "phone": m.phone, "specialty": m.specialty,
                  "active": m.active}
        after: dict[str, Any] = {"name": _name(name, "调解员姓名", "mediator's name", 64),
                                 "phone": _phone(phone), "specialty": _specialty(specialty),
                                 "active": bool(active)}
        if after == before:
            return Done(m.id, m.version)
        n = 0
        if m.active and not active:
            n = _unassign(session, actor, m, "离岗")
        if active and not m.active:
            org = session.get(MediationOrg, m.org_id)
            if org is None or not org.active:
                raise TransitionError("所在调解组织已撤销，请先调动", "the room is closed: move "
                                      "the mediator to an open room")
        for key, value in after.items():
            setattr(m, key, value)
        changed = "、".join(k for k in after if after[k] != before[k])
        audit.record(session, actor, "mediation.mediator_edit", "mediator", m.id,
                     f"修改调解员「{m.name}」（{changed}）", before=before, after=after)
        session.flush()
        return Done(m.id, m.version, n)

    return _run(session, actor, run)


def move_mediator(session: Session, actor: Actor, mediator_id: int, version: int | None,
                  to_org_id: int) -> Done:
    """Move a mediator to another room; their open cases stay in the old room, unassigned."""

    def run() -> Done:
        m = _lock_mediator(session, mediator_id, version)
        target = _lock_org(session, to_org_id, None)
        if target.id == m.org_id:
            return Done(m.id, m.version)
        if not target.active:
            raise TransitionError(f"「{target.name}」已撤销", f"{target.name} is closed")
        source = session.get(MediationOrg, m.org_id)
        source_name = source.name if source else str(m.org_id)
        n = _unassign(session, actor, m, f"调往「{target.name}」") if m.active else 0
        before = m.org_id
        m.org_id = target.id
        m.active = True
        audit.record(session, actor, "mediation.mediator_move", "mediator", m.id,
                     f"调解员「{m.name}」由「{source_name}」调往「{target.name}」"
                     + (f"，{n} 件未结案件待重新指派" if n else ""),
                     before={"org_id": before}, after={"org_id": target.id, "unassigned": n})
        session.flush()
        return Done(m.id, m.version, n)

    return _run(session, actor, run)
