"""编辑/补充: the center completes or corrects an incident it took (a category chosen later, a
better description, the place found out, the caller's number given again), as long as the
incident is not closed. Each save is one audit entry with what changed (before and after) and
why; the reporter's name and phone are personal data: a new value may be given, the old one is
never shown or written to the audit log, only that it changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center.models import Category
from command_center.services import audit, lifecycle, permissions
from command_center.services.audit import Actor
from command_center.services.incident_writer import fit_text, place, usable
from command_center.services.orders import TransitionError, _lock_incident

EDITABLE_STATUSES = tuple(lifecycle.open_status_codes("incident"))
"""An incident is completed or corrected while it is open; a closed one is reopened first."""

REASON_MAX = 200


@dataclass(frozen=True)
class IncidentEdit:
    """The incident's fields as the operator leaves them. Reporter fields: None or "" means
    "unchanged" (the old values cannot be read back)."""

    title: str
    category_code: str | None
    description: str
    address: str | None
    lon: float | None
    lat: float | None
    priority: int
    reporter_name: str | None = None
    reporter_phone: str | None = None


def may_edit(role: str | None) -> bool:
    """The center's roles complete and correct incidents; a department answers through its
    order, an analyst only reads."""
    return role is None or role in lifecycle.CENTER_ROLES


def edit_incident(
    session: Session,
    actor: Actor,
    incident_id: int,
    edit: IncidentEdit,
    reason: str,
    *,
    expected_version: int | None,
) -> int:
    """Save ``edit`` (in one transaction, committed) and return the new version. Refused with
    :class:`TransitionError` (closed, nothing changed, a category that is not a leaf, a
    stale version — :class:`orders.ConflictError`) or :class:`permissions.PermissionDenied`."""
    me = permissions.who(session, actor)
    if not may_edit(me.role):
        raise permissions.PermissionDenied(
            "只有指挥中心可以编辑、补充事件", "only the center completes or corrects an incident"
        )
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("请说明编辑原因", "give the reason for the change")
    reason = fit_text("note", reason) or ""
    inc = _lock_incident(session, incident_id, expected_version)
    if inc.status not in EDITABLE_STATUSES:
        session.rollback()
        raise TransitionError(
            f"事件 {inc.number} 已办结，不能再编辑（请先重新打开）",
            f"incident {inc.number} is closed and can no longer be edited (reopen it first)",
        )
    title = (fit_text("title", edit.title) or "").strip()
    if not title:
        session.rollback()
        raise TransitionError("标题不能为空", "the title cannot be empty")
    if edit.category_code:
        is_parent = session.scalar(
            select(Category.code).where(Category.parent_code == edit.category_code).limit(1)
        )
        known = session.scalar(select(Category.code).where(Category.code == edit.category_code))
        if known is None or is_parent is not None:
            session.rollback()
            raise TransitionError("请选到第三级事件分类", "choose a third-level category")
    if (edit.lon is None) != (edit.lat is None) or (
        edit.lon is not None and not usable(edit.lon, edit.lat)
    ):
        session.rollback()
        raise TransitionError("坐标无效", "the point is not valid")
    if edit.priority not in (1, 2, 3, 4):
        session.rollback()
        raise TransitionError("优先级应为1至4", "priority must be 1 to 4")

    new: dict[str, Any] = {
        "title": title,
        "category_code": edit.category_code or None,
        "description": fit_text("description", edit.description) or "",
        "address": fit_text("address", (edit.address or "").strip() or None),
        "lon": edit.lon,
        "lat": edit.lat,
        "priority": edit.priority,
    }
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, value in new.items():
        old = getattr(inc, key)
        if old != value:
            before[key], after[key] = old, value
    personal: dict[str, str | None] = {}
    for key in ("reporter_name", "reporter_phone"):
        value = fit_text(key, (getattr(edit, key) or "").strip() or None)
        if value:
            personal[key] = value
            after[key] = "（已更改 / changed）"
    if not after:
        session.rollback()
        raise TransitionError("没有任何改动", "nothing was changed")
    if {"lon", "lat", "address"} & after.keys():
        where = place(session, new["lon"], new["lat"], new["address"])
        for key, value in (
            ("location_flag", where.flag),
            ("grid_id", where.grid_id),
            ("village_id", where.village_id),
            ("town_id", where.town_id),
        ):
            if getattr(inc, key) != value:
                before[key], after[key] = getattr(inc, key), value
                new[key] = value
        placed = where.describe().split(" / ")[0]
    else:
        placed = ""
    for key, value in {**new, **personal}.items():
        setattr(inc, key, value)
    inc.version += 1
    fields = "、".join(_WORDS.get(k, k) for k in after if k in _WORDS)
    summary = f"{actor.name} 编辑了 {inc.number}「{title}」：{fields}" + (
        f"；{placed}" if placed else ""
    )
    audit.record(
        session, actor, "incident.edit", "incident", inc.id, summary,
        before=_jsonable(before), after=_jsonable(after), reason=reason,
    )
    session.commit()
    return inc.version


_WORDS = {
    "title": "标题",
    "category_code": "分类",
    "description": "描述",
    "address": "地址",
    "lon": "坐标",
    "priority": "优先级",
    "reporter_name": "来电人",
    "reporter_phone": "电话",
}


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, (str, int, float, bool)) or v is None else str(v))
            for k, v in values.items()}
