"""Routing (智能派单): which department an incident goes to, and why.

Rules map a category (any level; the most specific wins), optionally within one town, to a
department; administrators edit them. With no rule the category's default department applies.
The suggestion always carries its reason, which the operator sees before dispatching.

Learned suggestions (智能派单, services/learned_routing.py) stand beside these rather than in
``SUGGESTERS``: they read the incident's words, which a :class:`Suggester` is not given, and they
never replace a rule's department — the views show both, the rule's preselected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center.models import AdminArea, Category, Department, RoutingRule
from command_center.services import audit, permissions, place_names
from command_center.services.audit import Actor
from command_center.services.categories import ancestors


class RoutingError(ValueError):
    pass


@dataclass(frozen=True)
class Suggestion:
    department_id: int
    department_name: str
    reason: str
    rule_id: int | None = None  # None when not from a rule
    # the English interface's words (None: the Chinese ones)
    department_name_en: str | None = None
    reason_en: str | None = None


Suggester = Callable[[Session, str | None, int | None], Suggestion | None]


def _category_chain(session: Session, code: str | None) -> list[tuple[str, str, int | None, str]]:
    return [
        (n.code, n.name, n.default_department_id, n.name_en or n.name)
        for n in ancestors(session, code)
    ]


def by_rules(session: Session, category_code: str | None, town_id: int | None) -> Suggestion | None:
    chain = _category_chain(session, category_code)
    if not chain:
        return None
    rows = session.execute(
        select(RoutingRule, Department.name, Department.name_en, AdminArea.name)
        .join(Department, Department.id == RoutingRule.department_id)
        .outerjoin(AdminArea, AdminArea.id == RoutingRule.town_id)
        .where(
            RoutingRule.active,
            Department.active,
            RoutingRule.category_code.in_([c for c, *_ in chain]),
        )
    ).all()
    rules = {(r.category_code, r.town_id): (r, dept, en, town) for r, dept, en, town in rows}
    for code, name, _, name_en in chain:
        for town in (town_id, None) if town_id is not None else (None,):
            hit = rules.get((code, town))
            if hit is not None:
                rule, dept, dept_en, town_name = hit
                dept_en = dept_en or dept
                where = f"{town_name}的" if town_name else ""
                reason = f"派单规则：{where}「{name}」由{dept}办理"
                where_en = f" in {place_names.english(town_name)}" if town_name else ""
                reason_en = f"Routing rule: “{name_en}”{where_en} goes to {dept_en}"
                if rule.note:  # the administrator's words, as written
                    reason += f"（{rule.note}）"
                    reason_en += f" ({rule.note})"
                return Suggestion(rule.department_id, dept, reason, rule.id, dept_en, reason_en)
    for _, name, dept_id, name_en in chain:
        if dept_id is not None:
            found = session.execute(
                select(Department.name, Department.name_en).where(
                    Department.id == dept_id, Department.active
                )
            ).one_or_none()
            if found is not None:
                return Suggestion(
                    dept_id,
                    found.name,
                    f"分类「{name}」的默认承办部门",
                    None,
                    found.name_en or found.name,
                    f"The default department of “{name_en}”",
                )
    return None


SUGGESTERS: list[Suggester] = [by_rules]


def suggest(session: Session, category_code: str | None, town_id: int | None) -> Suggestion | None:
    """The department to suggest for an incident of this category in this town, with why."""
    for suggester in SUGGESTERS:
        found = suggester(session, category_code, town_id)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class RuleRow:
    id: int
    category_code: str
    category_name: str
    town_id: int | None
    town_name: str | None
    department_id: int
    department_name: str
    note: str | None
    active: bool
    # the English interface's names (None: the Chinese one)
    category_name_en: str | None = None
    department_name_en: str | None = None


def list_rules(session: Session) -> list[RuleRow]:
    rows = session.execute(
        select(
            RoutingRule,
            Category.name,
            AdminArea.name,
            Department.name,
            Category.name_en,
            Department.name_en,
        )
        .join(Category, Category.code == RoutingRule.category_code)
        .join(Department, Department.id == RoutingRule.department_id)
        .outerjoin(AdminArea, AdminArea.id == RoutingRule.town_id)
        .order_by(RoutingRule.category_code, RoutingRule.town_id.nulls_first())
    ).all()
    return [
        RuleRow(
            r.id,
            r.category_code,
            cat,
            r.town_id,
            town,
            r.department_id,
            dept,
            r.note,
            r.active,
            cat_en,
            dept_en,
        )
        for r, cat, town, dept, cat_en, dept_en in rows
    ]


def save_rule(
    session: Session,
    actor: Actor,
    *,
    category_code: str,
    department_id: int,
    town_id: int | None = None,
    note: str | None = None,
    active: bool = True,
) -> int:
    """Create or replace the rule for (category, town). Commits. Only an administrator may
    (:class:`~command_center.services.permissions.PermissionDenied`)."""
    permissions.require_edit_rules(session, actor)
    if session.get(Category, category_code) is None:
        raise RoutingError(f"没有分类 {category_code} / no category {category_code}")
    if session.get(Department, department_id) is None:
        raise RoutingError(f"没有部门 {department_id} / no department {department_id}")
    if town_id is not None:
        town = session.get(AdminArea, town_id)
        if town is None or town.level != "town":
            raise RoutingError(f"{town_id} 不是乡镇 / {town_id} is not a town")
    rule = session.scalar(
        select(RoutingRule).where(
            RoutingRule.category_code == category_code,
            RoutingRule.town_id.is_(None) if town_id is None else RoutingRule.town_id == town_id,
        )
    )
    before = None
    if rule is None:
        rule = RoutingRule(category_code=category_code, town_id=town_id)
        session.add(rule)
    else:
        before = {"department_id": rule.department_id, "note": rule.note, "active": rule.active}
    rule.department_id = department_id
    rule.note = note
    rule.active = active
    rule.updated_by_id = actor.user_id
    session.flush()
    dept = session.get(Department, department_id)
    audit.record(
        session,
        actor,
        "routing.save",
        "routing_rule",
        rule.id,
        f"{actor.name} 设置派单规则：{category_code} → {dept.name if dept else department_id}",
        before=before,
        after={"department_id": department_id, "town_id": town_id, "note": note, "active": active},
    )
    session.commit()
    return rule.id


def delete_rule(session: Session, actor: Actor, rule_id: int) -> None:
    """Remove a rule. Commits. Only an administrator may."""
    permissions.require_edit_rules(session, actor)
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise RoutingError(f"派单规则 {rule_id} 不存在 / routing rule {rule_id} does not exist")
    before = {
        "category_code": rule.category_code,
        "town_id": rule.town_id,
        "department_id": rule.department_id,
    }
    session.delete(rule)
    audit.record(
        session,
        actor,
        "routing.delete",
        "routing_rule",
        rule_id,
        f"{actor.name} 删除派单规则 {before['category_code']}",
        before=before,
    )
    session.commit()
