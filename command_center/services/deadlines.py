"""Deadlines of work orders: per category and priority, in working days or working hours.

The rule that applies is the most specific one in ``deadline_rules``: the category itself before
its parents, a rule for the priority before one for any priority. With no rule the category's own
``deadline_working_days`` applies (an urgent incident, priority 1, gets one working day). Every open
order shows a countdown: amber past 75 % of its time, red once overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center.models import Category, DeadlineRule
from command_center.services import audit, permissions
from command_center.services.audit import Actor
from command_center.services.calendar import WorkCalendar, add_working_hours
from command_center.services.categories import ancestors

AMBER_FRACTION = 0.75
DEFAULT_WORKING_DAYS = 5


@dataclass(frozen=True)
class Allowance:
    """The time allowed, and where that figure comes from (shown to the operator)."""

    working_days: int | None
    working_hours: int | None
    source: str

    def deadline(self, calendar: WorkCalendar, start: dt.datetime) -> dt.datetime:
        if self.working_hours is not None:
            return add_working_hours(calendar, start, self.working_hours)
        return calendar.add_working_days(start, self.working_days or DEFAULT_WORKING_DAYS)

    def describe(self) -> str:
        if self.working_hours is not None:
            return f"{self.working_hours}个工作小时 / {self.working_hours} working hours"
        return f"{self.working_days}个工作日 / {self.working_days} working days"


@dataclass(frozen=True)
class Countdown:
    remaining: dt.timedelta  # negative once overdue
    fraction_used: float
    level: str  # "ok", "amber" or "red"

    @property
    def overdue(self) -> bool:
        return self.level == "red"


def countdown(now: dt.datetime, start: dt.datetime, deadline: dt.datetime) -> Countdown:
    total = (deadline - start).total_seconds()
    used = (now - start).total_seconds()
    fraction = used / total if total > 0 else (1.0 if now >= deadline else 0.0)
    if now > deadline:
        level = "red"
    elif fraction >= AMBER_FRACTION:
        level = "amber"
    else:
        level = "ok"
    return Countdown(deadline - now, max(0.0, fraction), level)


def format_remaining(remaining: dt.timedelta) -> str:
    """'剩2天3小时' / '超期5小时' — short enough for a queue column."""
    seconds = int(remaining.total_seconds())
    late = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days}天{hours}小时"
    elif hours:
        text = f"{hours}小时{minutes}分"
    else:
        text = f"{minutes}分钟"
    return ("超期" if late else "剩") + text


def allowance(session: Session, category_code: str | None, priority: int) -> Allowance:
    """The time allowed for an order of this category and priority."""
    chain = [(n.code, n.name, n.deadline_working_days) for n in ancestors(session, category_code)]
    rules = {
        (r.category_code, r.priority): (r.working_days, r.working_hours)
        for r in session.scalars(
            select(DeadlineRule).where(
                (DeadlineRule.category_code.in_([c for c, _, _ in chain]))
                | DeadlineRule.category_code.is_(None)
            )
        )
    }
    return choose_allowance(chain, rules, priority)


def choose_allowance(
    chain: Sequence[tuple[str, str, int | None]],
    rules: Mapping[tuple[str | None, int | None], tuple[int | None, int | None]],
    priority: int,
) -> Allowance:
    """The rule itself: ``chain`` is the category and its parents, itself first, as (code, name,
    deadline_working_days); ``rules`` the deadline rules as {(category, priority): (working
    days, working hours)} (more may be given than apply)."""
    for code_, name, _ in chain:
        for prio in (priority, None):
            rule = rules.get((code_, prio))
            if rule is not None:
                what = f"「{name}」" + (f"优先级{prio}" if prio else "")
                return Allowance(rule[0], rule[1], f"规则：{what}")
    for prio in (priority, None):
        rule = rules.get((None, prio))
        if rule is not None:
            what = f"优先级{prio}" if prio else "全部事件"
            return Allowance(rule[0], rule[1], f"规则：{what}")
    if priority == 1:
        return Allowance(1, None, "紧急事件默认一个工作日")
    for _, name, days in chain:
        if days:
            return Allowance(days, None, f"分类「{name}」的办理时限")
    return Allowance(DEFAULT_WORKING_DAYS, None, "默认办理时限")


class DeadlineRuleError(ValueError):
    pass


@dataclass(frozen=True)
class RuleRow:
    id: int
    category_code: str | None
    category_name: str | None
    priority: int | None
    working_days: int | None
    working_hours: int | None
    category_name_en: str | None = None  # the English interface's (None: the Chinese one)


def list_rules(session: Session) -> list[RuleRow]:
    rows = session.execute(
        select(DeadlineRule, Category.name, Category.name_en)
        .outerjoin(Category, Category.code == DeadlineRule.category_code)
        .order_by(DeadlineRule.category_code.nulls_first(), DeadlineRule.priority.nulls_last())
    ).all()
    return [
        RuleRow(r.id, r.category_code, name, r.priority, r.working_days, r.working_hours, en)
        for r, name, en in rows
    ]


def save_rule(
    session: Session,
    actor: Actor,
    *,
    category_code: str | None,
    priority: int | None,
    working_days: int | None = None,
    working_hours: int | None = None,
) -> int:
    """Create or replace the rule for (category, priority). Commits. Only an administrator
    may (:class:`~command_center.services.permissions.PermissionDenied`)."""
    permissions.require_edit_rules(session, actor)
    if (working_days is None) == (working_hours is None):
        raise DeadlineRuleError(
            "请填写工作日或工作小时（二选一） / give working days or working hours, not both"
        )
    amount = working_days if working_days is not None else working_hours
    if amount is None or not 1 <= amount <= 365:
        raise DeadlineRuleError("时限须在1到365之间 / the allowance is 1 to 365")
    if priority is not None and priority not in (1, 2, 3, 4):
        raise DeadlineRuleError("优先级须为1至4 / the priority is 1 to 4")
    if category_code is not None and session.get(Category, category_code) is None:
        raise DeadlineRuleError(f"没有分类 {category_code} / no category {category_code}")
    rule = session.scalar(
        select(DeadlineRule).where(
            DeadlineRule.category_code.is_(None)
            if category_code is None
            else DeadlineRule.category_code == category_code,
            DeadlineRule.priority.is_(None)
            if priority is None
            else DeadlineRule.priority == priority,
        )
    )
    before = None
    if rule is None:
        rule = DeadlineRule(category_code=category_code, priority=priority)
        session.add(rule)
    else:
        before = {"working_days": rule.working_days, "working_hours": rule.working_hours}
    rule.working_days = working_days
    rule.working_hours = working_hours
    session.flush()
    audit.record(
        session,
        actor,
        "deadline_rule.save",
        "deadline_rule",
        rule.id,
        f"{actor.name} 设置办理时限：{category_code or '全部分类'}"
        f"{f' 优先级{priority}' if priority else ''} → "
        + (f"{working_days}个工作日" if working_days else f"{working_hours}个工作小时"),
        before=before,
        after={"working_days": working_days, "working_hours": working_hours},
    )
    session.commit()
    return rule.id


def delete_rule(session: Session, actor: Actor, rule_id: int) -> None:
    """Remove a rule. Commits. Only an administrator may."""
    permissions.require_edit_rules(session, actor)
    rule = session.get(DeadlineRule, rule_id)
    if rule is None:
        raise DeadlineRuleError(
            f"时限规则 {rule_id} 不存在 / deadline rule {rule_id} does not exist"
        )
    before = {
        "category_code": rule.category_code,
        "priority": rule.priority,
        "working_days": rule.working_days,
        "working_hours": rule.working_hours,
    }
    session.delete(rule)
    audit.record(
        session,
        actor,
        "deadline_rule.delete",
        "deadline_rule",
        rule_id,
        f"{actor.name} 删除办理时限规则 {rule.category_code or '全部分类'}",
        before=before,
    )
    session.commit()
