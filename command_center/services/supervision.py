"""Supervision (督办): the sweep that raises it by rule, the supervisor's own, the department's
answers, extensions of time. The monthly score they move is services/scores.py.

The sweep (:func:`sweep`) runs every minute inside the program on one workstation at a time
(``pg_try_advisory_xact_lock``: twenty open windows make one sweep) and headless as
``command-center supervise run``. Its rules, each with the reason people are shown:

- ``remind``: an open order has used 75 % of its time (once per order);
- ``overdue``: ordinary supervision (普通督办) once the order is past its deadline;
- ``yellow`` / ``red``: a yellow card (黄牌) past the yellow limit, a red card (红牌) past the
  red limit — working days after the deadline on the working-day calendar, per unit kind
  (town, functional department) and category (setting ``orders.card_limits``). A card lapses a
  pending extension request and moves the department's and the town's monthly score;
- ``focus`` / ``repeat``: a proposal to a supervisor for listed supervision (挂牌督办) when the
  category is a focus problem (or the title names a focus keyword), or the same problem was
  reported at the same grid three times in thirty days (``orders.repeat_reports``).

It is incremental and idempotent: a step is raised only where no step at or above it exists,
and (work order, level, stage) is unique in the database, so a second sweep with nothing new
changes nothing and two at once raise nothing twice. An order no longer open closes its
automatic supervision.

Manual supervision only escalates (督办 → 挂牌督办 → 包案督办); it is withdrawn only by a user of
the issuer's rank or above. The department acknowledges (签收), reports progress and replies;
the supervisor closes. Every change is audited and names the version it read
(:class:`~command_center.services.orders.ConflictError` when someone acted first).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, insert, select, text, tuple_
from sqlalchemy.orm import Session

from command_center import clock
from command_center.clock import CST
from command_center.db.listener import CHANNEL, RELOAD_NOTICE
from command_center.models import (
    AdminArea,
    AuditEntry,
    DeadlineExtension,
    Department,
    Incident,
    SupervisionNote,
    SupervisionOrder,
    WorkOrder,
)
from command_center.models.incident import OPEN_ORDER_STATUSES
from command_center.services import audit, permissions, place_names, settings
from command_center.services.audit import SYSTEM, Actor
from command_center.services.calendar import WorkCalendar, load_calendar
from command_center.services.deadlines import AMBER_FRACTION
from command_center.services.lifecycle import ADMIN, DEPARTMENT_ROLES, DUTY_OPERATOR, SUPERVISOR
from command_center.services.orders import ConflictError, TransitionError
from command_center.services.permissions import PermissionDenied

SWEEP_LOCK_KEY = 7161672704635201910  # "cc_sup" as a number: one sweep at a time
MAX_TEXT = 4000

LEVELS = ("supervise", "listed", "leader_case")
LEVEL_TEXT = {
    "supervise": ("督办", "supervision"),
    "listed": ("挂牌督办", "listed supervision"),
    "leader_case": ("包案督办", "leader's case"),
}
STAGE_TEXT = {
    "remind": ("时限提醒", "reminder"),
    "overdue": ("超期督办", "overdue"),
    "yellow": ("黄牌", "yellow card"),
    "red": ("红牌", "red card"),
    "focus": ("重点问题", "focus problem"),
    "repeat": ("重复反映", "repeated reports"),
    "manual": ("人工督办", "by hand"),
}
STATUS_TEXT = {
    "proposed": ("待决定", "proposed"),
    "open": ("待签收", "to acknowledge"),
    "acknowledged": ("已签收", "acknowledged"),
    "responded": ("已反馈", "answered"),
    "closed": ("已办结", "closed"),
    "withdrawn": ("已撤销", "withdrawn"),
    "escalated": ("已升级", "escalated"),
    "declined": ("未采纳", "declined"),
}
EXTENSION_TEXT = {
    "pending": ("待审批", "pending"),
    "granted": ("已批准", "granted"),
    "partial": ("部分批准", "granted in part"),
    "refused": ("未批准", "refused"),
    "lapsed": ("已失效", "lapsed"),
}
OPEN_STATES = ("open", "acknowledged", "responded")  # waiting for the department or supervisor
LIVE_STATES = ("proposed", *OPEN_STATES)
CARD_STAGES = ("yellow", "red")
_STEP_RANK = {"overdue": 1, "yellow": 2, "red": 3}
# who may withdraw what another issued: the rank of the issuer's role (the program: supervisor)
_ROLE_RANK = {DUTY_OPERATOR: 1, SUPERVISOR: 2, ADMIN: 3}
UNIT_KINDS = ("town", "functional")

_OPEN_ORDER_SQL = "(" + ",".join(f"'{s}'" for s in OPEN_ORDER_STATUSES) + ")"


# --- rules, Qt-free and database-free ---------------------------------------------------------


@dataclass(frozen=True)
class CardLimits:
    """Working days past the deadline before a yellow and a red card, and why."""

    yellow: int
    red: int
    source: str

    def yellow_at(self, calendar: WorkCalendar, deadline: dt.datetime) -> dt.datetime:
        return calendar.add_working_days(deadline, self.yellow)

    def red_at(self, calendar: WorkCalendar, deadline: dt.datetime) -> dt.datetime:
        return calendar.add_working_days(deadline, self.red)


def choose_limits(setting: Mapping[str, Any], chain: Sequence[str], unit_kind: str) -> CardLimits:
    """The card limits for an order of a unit of ``unit_kind`` whose category and its parents
    (itself first) are ``chain``: the most specific category's rule, else the unit kind's."""
    kind = unit_kind if unit_kind in UNIT_KINDS else "functional"
    by_category = setting.get("categories") or {}
    for code in chain:
        rule = (by_category.get(code) or {}).get(kind)
        if rule:
            return CardLimits(int(rule[0]), int(rule[1]), f"category {code}|{kind}")
    default = setting.get(kind) or settings.DEFAULTS["orders.card_limits"][0][kind]
    return CardLimits(int(default[0]), int(default[1]), f"default|{kind}")


MAX_CARD_DAYS = 60
CREDIT_RULES = ("on_time", "satisfied")  # the score's rules that add
DEBIT_RULES = ("overdue", "yellow", "red", "returned")  # the score's rules that deduct
SCORE_RULES = (*DEBIT_RULES, *CREDIT_RULES)
# every order that falls due earns one of these (closed on time, or gone overdue): their rows
# are written even at 0 points, for they count a unit's orders due (services/scores.py)
DUE_RULES = ("on_time", "overdue")
MAX_RULE_POINTS = 50


def validate_card_limits(
    value: Any, known_categories: Iterable[str] | None = None
) -> dict[str, Any]:
    """The administrator's card limits, checked: per unit kind (and per category) a yellow and
    a red limit in working days with red > yellow > 0 (at most 60). Returns the clean value;
    raises :class:`TransitionError` naming what is wrong."""
    if not isinstance(value, Mapping):
        raise TransitionError("黄牌/红牌时限格式错误", "the card limits are not in their form")
    known = set(known_categories) if known_categories is not None else None

    def pair(raw: Any, zh_what: str, en_what: str) -> list[int]:
        try:
            yellow, red = (int(v) for v in raw)
        except (TypeError, ValueError):
            raise TransitionError(
                f"{zh_what}须为黄牌、红牌两个工作日数", f"{en_what}: give yellow and red days"
            ) from None
        if not 0 < yellow < red <= MAX_CARD_DAYS:
            raise TransitionError(
                f"{zh_what}：红牌时限须大于黄牌时限，黄牌时限须大于0（最多{MAX_CARD_DAYS}个工作日）",
                f"{en_what}: red must be more than yellow, and yellow more than 0 "
                f"(at most {MAX_CARD_DAYS} working days)",
            )
        return [yellow, red]

    out: dict[str, Any] = {}
    for kind in UNIT_KINDS:
        zh_kind, en_kind = UNIT_KIND_TEXT[kind]
        raw = value.get(kind, settings.DEFAULTS["orders.card_limits"][0][kind])
        out[kind] = pair(raw, f"{zh_kind}时限", f"the limit for {en_kind}")
    categories: dict[str, dict[str, list[int]]] = {}
    for code, rules in (value.get("categories") or {}).items():
        if known is not None and code not in known:
            raise TransitionError(f"分类 {code} 不存在", f"there is no category {code}")
        if not isinstance(rules, Mapping) or not rules:
            raise TransitionError(f"分类 {code} 的时限为空", f"category {code} has no limits")
        for kind, raw in rules.items():
            if kind not in UNIT_KINDS:
                raise TransitionError(f"单位类别「{kind}」无效", f"no unit kind {kind!r}")
            zh_kind, en_kind = UNIT_KIND_TEXT[kind]
            categories.setdefault(str(code), {})[kind] = pair(
                raw, f"分类 {code} 的{zh_kind}时限", f"category {code} for {en_kind}"
            )
    out["categories"] = categories
    return out


def validate_score_points(value: Any) -> dict[str, int]:
    """The points per rule, checked: whole numbers from -50 to 50; a card or an overdue order
    never adds, a closure on time or a satisfied reporter never deducts."""
    if not isinstance(value, Mapping):
        raise TransitionError("考核分值格式错误", "the points are not in their form")
    out: dict[str, int] = {}
    for rule, raw in value.items():
        if rule not in SCORE_RULES:
            raise TransitionError(f"考核规则「{rule}」无效", f"no score rule {rule!r}")
        zh, en = RULE_TEXT[rule]
        try:
            points = int(raw)
        except (TypeError, ValueError):
            raise TransitionError(
                f"「{zh}」的分值须为整数", f"{en}: points are a whole number"
            ) from None
        if not -MAX_RULE_POINTS <= points <= MAX_RULE_POINTS:
            raise TransitionError(
                f"「{zh}」的分值须在-{MAX_RULE_POINTS}到{MAX_RULE_POINTS}之间",
                f"{en}: -{MAX_RULE_POINTS} to {MAX_RULE_POINTS} points",
            )
        if rule in CREDIT_RULES and points < 0:
            raise TransitionError(f"「{zh}」只能加分", f"{en} only adds points")
        if rule not in CREDIT_RULES and points > 0:
            raise TransitionError(f"「{zh}」只能扣分", f"{en} only deducts points")
        out[rule] = points
    return out


def _source_words(source: str) -> tuple[str, str]:
    what, _, kind = source.partition("|")
    zh_kind, en_kind = UNIT_KIND_TEXT.get(kind, UNIT_KIND_TEXT["functional"])
    if what.startswith("category "):
        code = what.split(" ", 1)[1]
        return f"分类 {code} 的{zh_kind}时限", f"the limit of category {code} for {en_kind}"
    return f"{zh_kind}默认时限", f"the default limit for {en_kind}"


UNIT_KIND_TEXT = {"town": ("乡镇", "towns"), "functional": ("职能部门", "functional departments")}


def due_step(
    now: dt.datetime, deadline: dt.datetime, limits: CardLimits, calendar: WorkCalendar
) -> str | None:
    """The highest overdue step an order has reached: "overdue", "yellow", "red" or None."""
    if now <= deadline:
        return None
    if now > limits.red_at(calendar, deadline):
        return "red"
    if now > limits.yellow_at(calendar, deadline):
        return "yellow"
    return "overdue"


_TICK = dt.timedelta(microseconds=1)  # a step is due once its moment is passed


def remind_at(dispatched: dt.datetime | None, deadline: dt.datetime) -> dt.datetime | None:
    """When an order has used 75 % of its time."""
    if dispatched is None:
        return None
    return dispatched + (deadline - dispatched) * AMBER_FRACTION


def next_due(
    now: dt.datetime,
    dispatched: dt.datetime | None,
    deadline: dt.datetime,
    limits: CardLimits,
    calendar: WorkCalendar,
    stages: Iterable[str],
) -> dt.datetime | None:
    """When the sweep next has something to do with an open order that has reached ``stages``
    (its reminder, overdue, yellow and red steps so far): the earliest step not yet raised, or
    None when none is ahead (a red card, or a reminder missed past the deadline)."""
    have = set(stages)
    due: list[dt.datetime] = []
    remind = remind_at(dispatched, deadline)
    if "remind" not in have and remind is not None and now < deadline:
        due.append(remind)
    reached = max((_STEP_RANK[s] for s in have if s in _STEP_RANK), default=0)
    if reached < 1:
        due.append(deadline + _TICK)
    elif reached < 2:
        due.append(limits.yellow_at(calendar, deadline) + _TICK)
    elif reached < 3:
        due.append(limits.red_at(calendar, deadline) + _TICK)
    return min(due) if due else None


def history_steps(
    dispatched: dt.datetime | None,
    deadline: dt.datetime,
    until: dt.datetime,
    limits: CardLimits,
    calendar: WorkCalendar,
) -> list[tuple[str, dt.datetime]]:
    """The steps a sweep running every minute raised for an order open from ``dispatched`` to
    ``until`` (its resolution, or now): (stage, when), in order — the same moments
    :func:`next_due` schedules and :func:`due_step` raises. The demo county's year is made
    with it."""
    out: list[tuple[str, dt.datetime]] = []
    remind = remind_at(dispatched, deadline)
    if remind is not None and remind < deadline and remind < until:
        out.append(("remind", _next_minute(remind)))
    for stage, moment in (
        ("overdue", deadline),
        ("yellow", limits.yellow_at(calendar, deadline)),
        ("red", limits.red_at(calendar, deadline)),
    ):
        at = _next_minute(moment)
        if at >= until:
            break
        out.append((stage, at))
    return out


def _next_minute(moment: dt.datetime) -> dt.datetime:
    """The first sweep after ``moment`` (one runs every minute)."""
    return moment.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)


def step_reason(
    stage: str, deadline: dt.datetime, limits: CardLimits | None = None
) -> tuple[str, str]:
    """The sentence shown to people for a step of the sweep, as (中文, English)."""
    d = deadline.astimezone(CST)
    if stage == "remind":
        return (
            f"工单已用去办理时限的75%（时限 {d:%m-%d %H:%M}），请抓紧办理",
            f"the order has used 75% of its time (deadline {d:%m-%d %H:%M}): please hurry",
        )
    if stage == "overdue":
        return (
            f"工单超过办理时限（{d:%m-%d %H:%M}）未办结，普通督办",
            f"the order is past its deadline ({d:%m-%d %H:%M}): ordinary supervision",
        )
    assert limits is not None
    days = limits.yellow if stage == "yellow" else limits.red
    card_zh, card_en = STAGE_TEXT[stage]
    zh_src, en_src = _source_words(limits.source)
    return (
        f"超过办理时限{days}个工作日仍未办结（{zh_src}），亮{card_zh}",
        f"still open {days} working days past its deadline ({en_src}): a {card_en}",
    )


def month_of(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CST).date().replace(day=1)


# --- the sweep --------------------------------------------------------------------------------


@dataclass
class SweepResult:
    ran: bool  # False: another workstation was sweeping
    created: dict[str, int] = field(default_factory=dict)  # by stage
    lapsed: int = 0  # extension requests lapsed by a card
    closed: int = 0  # automatic supervision closed with its order
    scored: dict[str, int] = field(default_factory=dict)  # outcome points by rule
    examined: int = 0  # orders that were due (an idle sweep looks at none)
    full: bool = False  # the rules changed (or the first sweep): every open order looked at
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + self.lapsed + self.closed + sum(self.scored.values())

    def describe(self) -> str:
        if not self.ran:
            return "另一工作站正在巡检 / another workstation is sweeping"
        parts = [f"{STAGE_TEXT[s][0]} {n}" for s, n in sorted(self.created.items()) if n]
        if self.lapsed:
            parts.append(f"延期申请失效 {self.lapsed}")
        if self.closed:
            parts.append(f"自动销号 {self.closed}")
        for rule, n in sorted(self.scored.items()):
            parts.append(f"{RULE_TEXT.get(rule, (rule, rule))[0]}计分 {n}")
        return ("督办巡检：" + ("，".join(parts) if parts else "无新情况")) + (
            f"（{self.seconds * 1000:.0f} ms）"
        )


@dataclass(frozen=True)
class _New:
    order_id: int
    incident_id: int
    department_id: int
    town_id: int | None
    level: str
    stage: str
    kind: str
    status: str
    deadline_at: dt.datetime
    reason: tuple[str, str]
    order_number: str


BULK_STEPS = 500  # more new steps than this in one sweep are written quietly
RULES_VERSION = 2  # the rules' code: a new version looks at every open order again


def _rules_key(session: Session, calendar: WorkCalendar, config: Mapping[str, Any]) -> str:
    """What the due times depend on besides the orders themselves: the holidays, the card
    limits, the points, the focus problems and the repeat rule."""
    import hashlib
    import json

    focus = session.scalars(text("SELECT code FROM categories WHERE focus ORDER BY code")).all()
    doc = {
        "v": RULES_VERSION,
        "calendar": sorted((d.isoformat(), k) for d, k in calendar.exceptions.items()),
        "focus": list(focus),
        **{
            key: config[key]
            for key in (
                "orders.card_limits",
                "orders.score_points",
                "orders.focus_keywords",
                "orders.repeat_reports",
            )
        },
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def sweep(session: Session, actor: Actor = SYSTEM, now: dt.datetime | None = None) -> SweepResult:
    """Run the rules once and commit. Returns at once (``ran`` False) when another session
    holds the sweep's lock.

    Incremental: only the orders due (``supervision_due``: a step's moment has come, or
    something the order's steps depend on changed) and the orders new since the last sweep are
    read; when the rules themselves changed, every open order is."""
    started = time.perf_counter()
    now = now or clock.now()
    try:
        got = session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": SWEEP_LOCK_KEY})
        if not got:
            session.rollback()
            return SweepResult(False, seconds=time.perf_counter() - started)
        result = SweepResult(True)
        # the sweep's own supervision rows do not mark their orders due again (alembic 0017)
        session.execute(text("SET LOCAL cc.sweep = 'on'"))
        calendar = load_calendar(session)
        config = settings.get_all(session)
        key = _rules_key(session, calendar, config)
        state = session.execute(
            text("SELECT rules_key, last_order_id FROM supervision_sweeps WHERE id = 1")
        ).one_or_none()
        result.full = state is None or state.rules_key != key
        # the sweep's statements read thousands of rows by index: compiling them (JIT) cost
        # 0.2-0.4 s a statement on the scale-16 county, more than running them (the users'
        # logins have jit off for the same reason, alembic 0007)
        session.execute(text("SET LOCAL jit = off"))
        # fetched at once: iterating a result fetches row by row
        ids = session.scalars(
            text("SELECT work_order_id FROM supervision_due WHERE due_at <= :now"), {"now": now}
        ).all()
        mark = state.last_order_id if state is not None else 0
        # the newest order now, before anything is read: what commits while this sweep runs
        # is the next sweep's (read at the end, it was skipped for ever)
        next_mark = _order_mark(session)
        limits = {**settings.DEFAULTS["orders.card_limits"][0], **config["orders.card_limits"]}
        new: list[_New] = []
        keywords = [f"%{k}%" for k in config["orders.focus_keywords"] or [] if k]
        # the due orders read once, as one array literal (thousands of ids bound to each
        # statement as a list cost 30 ms of encoding a time on the scale-16 county)
        which = "w.id = ANY(CAST(:ids AS bigint[]))"
        if result.full:
            # every open order looked at, besides the ones due (a row of an order no longer
            # open is always '-infinity', its trigger), found by the open orders' index (an
            # array of all of them made the planner read every order); none of the queue is
            # rewritten first: _reschedule writes only the rows whose moment changed
            which = f"(w.status IN {_OPEN_ORDER_SQL} OR {which})"
        rows = (
            session.execute(
                text(f"{_STEPS_SQL} WHERE {which}"), {"ids": _array(ids), "kw": keywords}
            ).all()
            if ids or result.full
            else []
        )
        if result.full:
            ids = [r.id for r in rows]
        result.examined = len(ids)
        chains = _chains(session) if rows else {}
        if rows:
            # the same moment in the zone the rows came in: comparing times of two zones asks
            # both for their offsets, three times slower over eighteen thousand orders
            now = now.astimezone(rows[0].deadline_at.tzinfo)
        if ids:
            new += _reminders(now, rows)
            new += _overdue_steps(now, calendar, limits, rows, chains)
            new += _focus(rows)
        # the repeat rule looks at the orders new since the last sweep; a full sweep (new rules,
        # or the first after a seed, whose watermark says nothing of proposals) at every open
        # one — all of them among the rows just read
        seen = {n.order_id for n in new if n.level == "listed"}
        if result.full:
            candidates = [
                r
                for r in rows
                if r.status in OPEN_ORDER_STATUSES
                and r.category_code is not None
                and not r.listed
                and r.id not in seen
            ]
            new += _repeats(session, config, candidates)
        else:
            new += _repeats(session, config, _fresh(session, mark, seen))
        points = {**settings.DEFAULTS["orders.score_points"][0], **config["orders.score_points"]}
        bulk = len(new) > BULK_STEPS
        if bulk:  # thousands at once (a first sweep, new rules): one "reload", not a toast each
            session.execute(text("SET LOCAL cc.bulk = 'on'"))
        # the finished orders' supervision closed first: a full sweep looks at all that is
        # still waiting, and the steps about to be written (of open orders) need no look
        result.closed = _close_finished(session, actor, now, None if result.full else ids)
        inserted = _insert(session, actor, now, new, points)
        for item in inserted:
            result.created[item.stage] = result.created.get(item.stage, 0) + 1
        carded = [n.order_id for n in inserted if n.stage in CARD_STAGES]
        result.lapsed = _lapse_extensions(session, actor, now, carded)
        if ids:
            # what became of the orders no longer open (every outcome rule needs one returned
            # or closed); an open one has none
            done = [r.id for r in rows if r.status not in OPEN_ORDER_STATUSES]
            if done:
                result.scored = _outcome_points(session, now, _array(done), points)
            raised: dict[int, list[str]] = {}
            for n in inserted:
                raised.setdefault(n.order_id, []).append(n.stage)
            _reschedule(session, now, calendar, limits, ids, rows, chains, raised)
        session.execute(
            text(
                "INSERT INTO supervision_sweeps (id, last_run_at, last_order_id, last_created, "
                "rules_key) VALUES (1, :now, :mark, :n, :key) ON CONFLICT (id) DO UPDATE SET "
                "last_run_at = :now, last_order_id = greatest(supervision_sweeps.last_order_id, "
                ":mark), last_created = :n, rules_key = :key"
            ),
            {"now": now, "mark": next_mark, "n": len(inserted), "key": key},
        )
        if bulk:
            session.execute(text("SELECT pg_notify(:c, :m)"), {"c": CHANNEL, "m": RELOAD_NOTICE})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    result.seconds = time.perf_counter() - started
    return result


def _array(values: Iterable[Any]) -> str:
    """An array literal of ids or ISO times (no quoting needed), bound once as text: a list
    of thousands of values is encoded by the driver element by element."""
    return "{" + ",".join(map(str, values)) + "}"


def _order_mark(session: Session) -> int:
    return session.scalar(text("SELECT coalesce(max(id), 0) FROM work_orders")) or 0


def _reminders(now: dt.datetime, rows: Sequence[Any]) -> list[_New]:
    """The 75 % reminders of the due orders (``rows`` of ``_STEPS_SQL``) not yet reminded."""
    out = []
    for r in rows:
        if r.status not in OPEN_ORDER_STATUSES or r.deadline_at <= now or "remind" in r.stages:
            continue
        at = remind_at(r.dispatched_at, r.deadline_at)
        if at is None or at > now:
            continue
        out.append(
            _New(
                r.id,
                r.incident_id,
                r.department_id,
                r.town_id,
                "supervise",
                "remind",
                "auto",
                "open",
                r.deadline_at,
                step_reason("remind", r.deadline_at),
                r.number,
            )
        )
    return out


def _chains(session: Session) -> dict[str, list[str]]:
    """Each category's code with its parents', itself first."""
    parents: dict[str, str | None] = {
        code: parent
        for code, parent in session.execute(text("SELECT code, parent_code FROM categories"))
    }
    out = {}
    for start in parents:
        chain: list[str] = []
        code: str | None = start
        while code is not None and code not in chain:
            chain.append(code)
            code = parents.get(code)
        out[start] = chain
    return out


# what the sweep reads of each due order, once: its steps so far, whether it is listed (or
# leader-owned) already — both from one look at its supervision by the order's index, not a
# scan of all supervision for the listed ones —, whether it is a focus problem (the category
# is one, or the title names a focus keyword: ``:kw``, patterns for ILIKE), and its incident's
# grid and time for the repeat rule, and when the queue has it due now
_STEPS_SQL = (
    "SELECT w.id, w.number, w.incident_id, w.department_id, i.town_id, w.dispatched_at, "
    "w.deadline_at, w.status, i.category_code, i.grid_id, i.reported_at, d.kind, sup.stages, "
    "sup.listed, nullif(q.due_at, '-infinity') AS queued_at, "
    "(coalesce(c.focus, false) OR i.title ILIKE ANY(CAST(:kw AS text[]))) AS focus, "
    "c.name AS category_name, c.name_en AS category_name_en "
    "FROM work_orders w JOIN incidents i ON i.id = w.incident_id "
    "JOIN departments d ON d.id = w.department_id "
    "LEFT JOIN categories c ON c.code = i.category_code "
    "CROSS JOIN LATERAL (SELECT coalesce(array_agg(s.stage) FILTER (WHERE s.level = 'supervise' "
    "AND s.stage IN ('remind', 'overdue', 'yellow', 'red')), '{}') AS stages, "
    "coalesce(bool_or(s.level IN ('listed', 'leader_case')), false) AS listed "
    "FROM supervision_orders s WHERE s.work_order_id = w.id) sup "
    "LEFT JOIN supervision_due q ON q.work_order_id = w.id"
)


def _limits_of(
    setting: Mapping[str, Any], chains: Mapping[str, list[str]]
) -> Callable[[str | None, str], CardLimits]:
    """:func:`choose_limits` of an order's category and unit kind, worked out once a pair
    (a full sweep asks for eighteen thousand orders of a few hundred pairs)."""
    memo: dict[tuple[str | None, str], CardLimits] = {}

    def limits(category: str | None, unit_kind: str) -> CardLimits:
        got = memo.get((category, unit_kind))
        if got is None:
            got = memo[category, unit_kind] = choose_limits(
                setting, chains.get(category or "", []), unit_kind
            )
        return got

    return limits


def _overdue_steps(
    now: dt.datetime,
    calendar: WorkCalendar,
    setting: Mapping[str, Any],
    rows: Sequence[Any],
    chains: Mapping[str, list[str]],
) -> list[_New]:
    out = []
    limits_of = _limits_of(setting, chains)
    for r in rows:
        if r.status not in OPEN_ORDER_STATUSES or r.deadline_at >= now:
            continue
        limits = limits_of(r.category_code, r.kind)
        step = due_step(now, r.deadline_at, limits, calendar)
        if step is None:
            continue
        reached = max((_STEP_RANK.get(s, 0) for s in r.stages), default=0)
        if _STEP_RANK[step] <= reached:
            continue
        out.append(
            _New(
                r.id,
                r.incident_id,
                r.department_id,
                r.town_id,
                "supervise",
                step,
                "auto",
                "open",
                r.deadline_at,
                step_reason(step, r.deadline_at, limits),
                r.number,
            )
        )
    return out


def _reschedule(
    session: Session,
    now: dt.datetime,
    calendar: WorkCalendar,
    setting: Mapping[str, Any],
    ids: Sequence[int],
    rows: Sequence[Any],
    chains: Mapping[str, list[str]],
    raised: Mapping[int, list[str]],
) -> None:
    """Write when each of these orders is next due (``rows`` as read before this sweep raised
    ``raised``); forget the ones with nothing ahead (no longer open, or carded red) until
    something they depend on changes."""
    keep: set[int] = set()
    moved: dict[int, dt.datetime] = {}  # the ones whose moment is not the queue's already
    limits_of = _limits_of(setting, chains)
    for r in rows:
        if r.status not in OPEN_ORDER_STATUSES:
            continue
        limits = limits_of(r.category_code, r.kind)
        stages = [*r.stages, *raised.get(r.id, ())]
        due = next_due(now, r.dispatched_at, r.deadline_at, limits, calendar, stages)
        if due is not None:
            keep.add(r.id)
            if due != r.queued_at:
                moved[r.id] = due
    gone = [i for i in ids if i not in keep]
    if gone:
        session.execute(
            text("DELETE FROM supervision_due WHERE work_order_id = ANY(CAST(:ids AS bigint[]))"),
            {"ids": _array(gone)},
        )
    if moved:
        session.execute(
            text(
                "INSERT INTO supervision_due (work_order_id, due_at) SELECT * FROM "
                "unnest(CAST(:ids AS bigint[]), CAST(:due AS timestamptz[])) "
                "ON CONFLICT (work_order_id) DO UPDATE SET due_at = excluded.due_at "
                "WHERE supervision_due.due_at IS DISTINCT FROM excluded.due_at"
            ),
            {"ids": _array(moved), "due": _array(d.isoformat() for d in moved.values())},
        )


def _focus(rows: Sequence[Any]) -> list[_New]:
    """Listed supervision proposed for focus problems among the due orders (``rows`` of
    ``_STEPS_SQL``): the category is one, or the title names a focus keyword."""
    return [
        _New(
            r.id,
            r.incident_id,
            r.department_id,
            r.town_id,
            "listed",
            "focus",
            "proposal",
            "proposed",
            r.deadline_at,
            (
                f"「{r.category_name or '未分类'}」属重点问题，建议挂牌督办",
                f"“{r.category_name_en or r.category_name or 'uncategorised'}” is a focus "
                "problem: listed supervision proposed",
            ),
            r.number,
        )
        for r in rows
        if r.status in OPEN_ORDER_STATUSES and r.focus and not r.listed
    ]


# The grid rule of the repeat proposals: of the given orders (their ids with their incidents'
# grids, categories and times, already read: not looked up again), those whose problem (grid and
# category) was reported ``count`` times in ``days`` days; ``chosen`` marks one per recurring
# problem, the newest, and none when an order of the same problem reported within its window
# or after it already has a repeat proposal (pending, accepted or declined): a later order's
# proposal covers the earlier ones, so a full sweep after a full sweep proposes nothing more
# (an incremental one only sees orders newer than all before). A supervisor lists a problem once:
# ten orders of one grid's noise are one proposal that names the tenth report, not ten.
# cc_reporter_repeats (alembic 0021, 0023) answers the same way for one reporter's phone.
_GRID_REPEATS_SQL = """
WITH hit AS (
    SELECT i.id, i.grid_id, i.category_code, i.reported_at, n.reports
    FROM unnest(CAST(:ids AS bigint[]), CAST(:grids AS bigint[]), CAST(:cats AS text[]),
                CAST(:times AS timestamptz[])) AS i(id, grid_id, category_code, reported_at)
    CROSS JOIN LATERAL (SELECT count(*) AS reports FROM incidents j
        WHERE j.grid_id = i.grid_id AND j.category_code = i.category_code
          AND j.reported_at > i.reported_at - make_interval(days => :days)
          AND j.reported_at <= i.reported_at AND j.duplicate_of_id IS NULL) n
    WHERE i.grid_id IS NOT NULL AND n.reports >= :count
), newest AS (
    SELECT DISTINCT ON (grid_id, category_code) * FROM hit
    ORDER BY grid_id, category_code, reported_at DESC, id DESC
), proposed AS MATERIALIZED (  -- the repeat proposals that can be in these windows
    SELECT j.grid_id, j.category_code, j.reported_at, wj.id
    FROM supervision_orders s JOIN work_orders wj ON wj.id = s.work_order_id
    JOIN incidents j ON j.id = wj.incident_id
    WHERE s.level = 'listed' AND s.stage = 'repeat' AND j.grid_id IS NOT NULL
      AND s.issued_at > (SELECT min(reported_at) FROM newest) - make_interval(days => :days)
), blocked AS (  -- hashed on grid and category, not looked up order by order
    SELECT DISTINCT n.id FROM newest n JOIN proposed p
      ON p.grid_id = n.grid_id AND p.category_code = n.category_code
     AND p.reported_at > n.reported_at - make_interval(days => :days) AND p.id <> n.id
)
SELECT h.id, h.reports, (n.id IS NOT NULL AND b.id IS NULL) AS chosen
FROM hit h LEFT JOIN newest n ON n.id = h.id LEFT JOIN blocked b ON b.id = h.id
"""


MARK_OVERLAP = 200
"""Orders just under the last sweep's watermark looked at again: an order's number is taken when
it is written and it is seen when it commits, so an order written before a sweep began and
committed after it sat under that sweep's mark unseen. The rule is idempotent (an order listed
or covered is not proposed again), so looking twice costs only the reading."""


def _fresh(session: Session, mark: int, seen: set[int]) -> list[Any]:
    """The open orders dispatched since the last sweep (``mark``, the newest order it saw, less
    :data:`MARK_OVERLAP`), not listed yet, in a category, and not just proposed as a focus
    problem (``seen``)."""
    fresh = session.execute(
        text(
            "SELECT w.id, w.number, w.incident_id, w.department_id, i.town_id, w.deadline_at, "
            "i.grid_id, i.category_code, i.reported_at "
            "FROM work_orders w JOIN incidents i ON i.id = w.incident_id "
            f"WHERE w.id > :mark AND w.status IN {_OPEN_ORDER_SQL} "
            "AND i.category_code IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM supervision_orders s WHERE s.work_order_id = w.id "
            "AND s.level IN ('listed', 'leader_case'))"
        ),
        {"mark": mark - MARK_OVERLAP},
    ).all()
    return [r for r in fresh if r.id not in seen]


def _repeats(session: Session, config: Mapping[str, Any], fresh: Sequence[Any]) -> list[_New]:
    """Listed supervision proposed for these orders (open, not listed, in a category: of
    :func:`_fresh`, or every open one in a full sweep) whose problem was reported ``count``
    times in ``days`` days at the same grid, or by the same reporter (matched by phone in the
    database, which never returns the phone)."""
    rule = config["orders.repeat_reports"] or {}
    count, days = int(rule.get("count", 3)), int(rule.get("days", 30))
    if not fresh:
        return []
    by_id = {r.id: r for r in fresh}
    found: dict[int, tuple[str, str]] = {}
    # one proposal per recurring problem (_GRID_REPEATS_SQL): the newest order of each grid and
    # category; the group's other orders are covered by it and asked about no further
    grouped: set[int] = set()
    for oid, reports, chosen in session.execute(
        text(_GRID_REPEATS_SQL),
        {
            "ids": _array(by_id),
            "grids": _array("NULL" if r.grid_id is None else r.grid_id for r in fresh),
            "cats": _array(f'"{r.category_code}"' for r in fresh),
            "times": _array(r.reported_at.isoformat() for r in fresh),
            "days": days,
            "count": count,
        },
    ).all():
        grouped.add(oid)
        if not chosen:
            continue
        found[oid] = (
            f"同一网格{days}天内第{reports}次反映同类问题，建议挂牌督办",
            f"the same problem reported for the {_ordinal(reports)} time in {days} days at one "
            "grid: listed supervision proposed",
        )
    rest = [i for i in by_id if i not in grouped]
    if rest:
        for oid, reports in session.execute(
            text(
                "SELECT work_order_id, reports FROM "
                "cc_reporter_repeats(CAST(:ids AS bigint[]), :days, :count)"
            ),
            {"ids": _array(rest), "days": days, "count": count},
        ).all():
            found[oid] = (
                f"同一来电人{days}天内第{reports}次反映同类问题，建议挂牌督办",
                f"the same reporter reported this problem for the {_ordinal(reports)} time in "
                f"{days} days: listed supervision proposed",
            )
    return [
        _New(
            r.id,
            r.incident_id,
            r.department_id,
            r.town_id,
            "listed",
            "repeat",
            "proposal",
            "proposed",
            r.deadline_at,
            found[r.id],
            r.number,
        )
        for r in fresh
        if r.id in found
    ]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# outcome rules of the monthly score: (rule, SQL condition on w = the order, i = its incident)
OUTCOME_RULES = {
    "returned": "w.status = 'returned'",
    "on_time": "w.status = 'closed' AND w.resolved_at IS NOT NULL "
    "AND w.resolved_at <= w.deadline_at",
    "satisfied": "w.status = 'closed' AND i.satisfaction >= 4",
}
RULE_TEXT = {
    "overdue": ("超期", "overdue"),
    "yellow": ("黄牌", "yellow card"),
    "red": ("红牌", "red card"),
    "returned": ("退单", "returned order"),
    "on_time": ("按期办结", "closed on time"),
    "satisfied": ("群众满意", "satisfied reporter"),
    "manual": ("人工调整", "by hand"),
}
_OUTCOME_REASON = {
    "returned": ("工单 {n} 退单", "order {n} was returned"),
    "on_time": ("工单 {n} 按期办结", "order {n} was closed on time"),
    "satisfied": ("工单 {n} 回访满意", "the reporter of order {n} was satisfied"),
}


def outcome_units(department_id: int, unit_kind: str, town_id: int | None) -> list[tuple[str, int]]:
    """Who an order's outcome (returned, on time, satisfied) scores for: its department, and
    its town when a town's government handled it (a card scores for the town in any case)."""
    units = [("department", department_id)]
    if unit_kind == "town" and town_id is not None:
        units.append(("town", town_id))
    return units


def _outcome_points(
    session: Session, now: dt.datetime, id_array: str, points: Mapping[str, int]
) -> dict[str, int]:
    """The monthly score's points for what became of these orders (``id_array``, an array
    literal; returned, closed on time, a satisfied reporter): once per unit, rule and order,
    to the units of :func:`outcome_units`, each naming its order and rule. One statement for
    all the rules."""
    rules = [
        (rule, int(points.get(rule, 0) or 0), cond)
        for rule, cond in OUTCOME_RULES.items()
        if int(points.get(rule, 0) or 0) != 0 or rule in DUE_RULES
    ]
    if not rules:
        return {}
    params: dict[str, Any] = {"month": month_of(now), "now": now, "ids": id_array}
    values: list[str] = []
    for k, (rule, value, cond) in enumerate(rules):
        zh, en = _OUTCOME_REASON[rule]
        params.update({f"r{k}": rule, f"p{k}": value, f"zh{k}": zh, f"en{k}": en})
        values.append(
            f"(CAST(:r{k} AS text), CAST(:p{k} AS smallint), CAST(:zh{k} AS text), "
            f"CAST(:en{k} AS text), {cond})"
        )
    got = (
        session.execute(
            text(
                "INSERT INTO score_points (month, unit_type, unit_id, points, rule, "
                "work_order_id, reason, reason_en, at) "
                "SELECT :month, u.t, u.id, r.points, r.rule, w.id, replace(r.zh, '{n}', w.number), "
                "replace(r.en, '{n}', w.number), :now FROM work_orders w "
                "JOIN incidents i ON i.id = w.incident_id "
                "JOIN departments d ON d.id = w.department_id "
                f"CROSS JOIN LATERAL (VALUES {', '.join(values)}) r(rule, points, zh, en, hit) "
                "CROSS JOIN LATERAL (VALUES "
                "('department', w.department_id), ('town', CASE WHEN d.kind = 'town' "
                "THEN i.town_id END)) u(t, id) "
                "WHERE w.id = ANY(CAST(:ids AS bigint[])) AND u.id IS NOT NULL AND r.hit "
                "ON CONFLICT (unit_type, unit_id, rule, work_order_id) WHERE rule <> 'manual' "
                "DO NOTHING RETURNING rule"
            ),
            params,
        )
        .scalars()
        .all()
    )
    out: dict[str, int] = {}
    for rule in got:
        out[rule] = out.get(rule, 0) + 1
    return out


def _next_ids(session: Session, n: int) -> list[int]:
    if n == 0:
        return []
    return list(
        session.scalars(
            text(
                "SELECT nextval(pg_get_serial_sequence('supervision_orders', 'id')) "
                "FROM generate_series(1, :n)"
            ),
            {"n": n},
        ).all()
    )


def _number(at: dt.datetime, sid: int) -> str:
    return f"DB{at.astimezone(CST):%Y%m%d}{sid:05d}"


def _supervision_deadline(session: Session, now: dt.datetime) -> dt.datetime:
    days = int(settings.get(session, "orders.supervision_days"))
    return load_calendar(session).add_working_days(now, days)


def _insert(
    session: Session,
    actor: Actor,
    now: dt.datetime,
    new: list[_New],
    points: Mapping[str, int],
) -> list[_New]:
    """Write the new steps (a conflict on the unique index is skipped), their audit entries,
    the cards' points, and retire the lower steps of the same orders."""
    if not new:
        return []
    answer_by = _supervision_deadline(session, now)
    rows = [
        {
            "k": k,
            "level": n.level,
            "kind": n.kind,
            "stage": n.stage,
            "work_order_id": n.order_id,
            "department_id": n.department_id,
            "town_id": n.town_id,
            # a reminder lasts to the order's deadline; the others are answered in N days
            "deadline_at": n.deadline_at if n.stage in ("remind", "focus", "repeat") else answer_by,
            "status": n.status,
            "reason": n.reason[0],
            "reason_en": n.reason[1],
            "summary": f"督办巡检：工单 {n.order_number} {STAGE_TEXT[n.stage][0]}",
        }
        for k, n in enumerate(new)
    ]
    # one statement: the ids from the sequence, the rows (a conflict on the unique index is
    # skipped), and an audit entry for each row written, in the order of the ids (the log's
    # trigger stamps and chains each) — not three round trips with the rows sent twice
    got = session.execute(
        text(
            "WITH r AS MATERIALIZED (SELECT nextval(pg_get_serial_sequence("
            "'supervision_orders', 'id')) AS id, r.* FROM jsonb_to_recordset(CAST(:rows AS jsonb)) "
            "AS r(k int, level text, kind text, stage text, work_order_id bigint, "
            "department_id bigint, town_id bigint, deadline_at timestamptz, status text, "
            "reason text, reason_en text, summary text)), "
            "ins AS (INSERT INTO supervision_orders (id, number, level, kind, stage, "
            "work_order_id, department_id, town_id, issued_by_id, issued_at, deadline_at, "
            "status, reason, reason_en) SELECT r.id, "
            "'DB' || :day || lpad(r.id::text, greatest(5, length(r.id::text)), '0'), r.level, "
            "r.kind, r.stage, r.work_order_id, r.department_id, r.town_id, "
            "CAST(:actor_id AS bigint), :now, r.deadline_at, r.status, r.reason, r.reason_en "
            "FROM r ON CONFLICT (work_order_id, level, stage) WHERE stage <> 'manual' "
            "DO NOTHING RETURNING id, number), "
            "log AS (INSERT INTO audit_log (actor_id, actor_name, action, entity_type, "
            "entity_id, summary, after, reason) SELECT CAST(:actor_id AS bigint), :actor_name, "
            "'supervision.sweep', 'supervision_order', ins.id, "
            "r.summary || '（' || ins.number || '）', "
            "jsonb_build_object('level', r.level, 'stage', r.stage, 'status', r.status), "
            "r.reason FROM ins JOIN r ON r.id = ins.id ORDER BY ins.id) "
            "SELECT r.k, ins.id FROM ins JOIN r ON r.id = ins.id"
        ),
        {
            "rows": _json(rows),
            "day": f"{now.astimezone(CST):%Y%m%d}",
            "actor_id": actor.user_id,
            "actor_name": actor.name,
            "now": now,
        },
    ).all()
    inserted = sorted(((sid, new[k]) for k, sid in got), key=lambda x: x[0])
    if not inserted:
        return []
    # a higher step retires the lower open ones of the same order
    stepped = [(n.order_id, _STEP_RANK[n.stage]) for _, n in inserted if n.stage in _STEP_RANK]
    if stepped:
        session.execute(
            text(
                "UPDATE supervision_orders s SET status = 'escalated', version = version + 1, "
                "updated_at = :now FROM (SELECT unnest(CAST(:orders AS bigint[])) AS o, "
                "unnest(CAST(:ranks AS int[])) AS r) x WHERE s.work_order_id = x.o "
                "AND s.kind = 'auto' AND s.status IN ('open', 'acknowledged', 'responded') "
                "AND CASE s.stage WHEN 'remind' THEN 0 WHEN 'overdue' THEN 1 "
                "WHEN 'yellow' THEN 2 WHEN 'red' THEN 3 ELSE 99 END < x.r"
            ),
            {"now": now, "orders": [o for o, _ in stepped], "ranks": [r for _, r in stepped]},
        )
    score_rows = []
    month = month_of(now)
    for sid, n in inserted:
        value = int(points.get(n.stage, 0) or 0)
        if n.stage not in _STEP_RANK or (value == 0 and n.stage not in DUE_RULES):
            continue
        why = f"工单 {n.order_number} {STAGE_TEXT[n.stage][0]}：{n.reason[0]}"
        why_en = f"order {n.order_number}, {STAGE_TEXT[n.stage][1]}: {n.reason[1]}"
        units = [("department", n.department_id)]
        if n.town_id is not None:
            units.append(("town", n.town_id))
        for unit_type, unit_id in units:
            score_rows.append(
                {
                    "month": month.isoformat(),
                    "unit_type": unit_type,
                    "unit_id": unit_id,
                    "points": value,
                    "rule": n.stage,
                    "supervision_id": sid,
                    "work_order_id": n.order_id,
                    "reason": why,
                    "reason_en": why_en,
                    "at": now.isoformat(),
                }
            )
    if score_rows:
        session.execute(
            text(
                "INSERT INTO score_points (month, unit_type, unit_id, points, rule, "
                "supervision_id, work_order_id, reason, reason_en, at) SELECT * FROM "
                "jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(month date, unit_type text, "
                "unit_id bigint, points smallint, rule text, supervision_id bigint, "
                "work_order_id bigint, reason text, reason_en text, at timestamptz) "
                "ON CONFLICT (unit_type, unit_id, rule, work_order_id) WHERE rule <> 'manual' "
                "DO NOTHING"
            ),
            {"rows": _json(score_rows)},
        )
    return [n for _, n in inserted]


def _json(rows: list[dict[str, Any]]) -> str:
    import json

    def default(v: Any) -> Any:
        if isinstance(v, dt.datetime | dt.date):
            return v.isoformat()
        raise TypeError(type(v))

    return json.dumps(rows, ensure_ascii=False, default=default)


def _lapse_extensions(
    session: Session, actor: Actor, now: dt.datetime, orders: Sequence[int]
) -> int:
    if not orders:
        return 0
    lapsed = session.execute(
        text(
            "UPDATE deadline_extensions SET status = 'lapsed', decided_at = :now, "
            "decision_note = '工单已亮牌，延期申请失效 / the order was carded', "
            "version = version + 1 WHERE status = 'pending' "
            "AND work_order_id = ANY(CAST(:orders AS bigint[])) RETURNING id, work_order_id"
        ),
        {"now": now, "orders": list(orders)},
    ).all()
    for ext_id, order_id in lapsed:
        audit.record(
            session,
            actor,
            "extension.lapse",
            "deadline_extension",
            ext_id,
            f"工单 {order_id} 已亮牌，延期申请失效",
            before={"status": "pending"},
            after={"status": "lapsed"},
            reason="亮牌后待批的延期申请失效 / a card lapses a pending request",
        )
    return len(lapsed)


def _close_finished(
    session: Session, actor: Actor, now: dt.datetime, ids: Sequence[int] | None
) -> int:
    """Close the automatic supervision of orders no longer open: of ``ids``, or of all."""
    if ids is not None and not ids:
        return 0
    closed = session.execute(
        text(
            "UPDATE supervision_orders s SET status = 'closed', closed_at = :now, "
            "resolution = '工单已办结，自动销号 / the order is done', version = s.version + 1, "
            "updated_at = :now WHERE s.kind IN ('auto', 'proposal') AND s.status IN "
            "('proposed', 'open', 'acknowledged', 'responded') "
            # each one's order looked up by its key (ix_supervision_orders_live_auto gives a
            # few thousand): as a join the planner read all the orders, 0.3-0.5 s at scale 16
            "AND (SELECT w.status FROM work_orders w WHERE w.id = s.work_order_id) "
            f"NOT IN {_OPEN_ORDER_SQL} "
            + ("AND s.work_order_id = ANY(:ids) " if ids is not None else "")
            + "RETURNING s.id, s.number"
        ),
        {"now": now, **({"ids": list(ids)} if ids is not None else {})},
    ).all()
    if closed:
        session.execute(
            insert(AuditEntry),
            [
                {
                    "actor_id": actor.user_id,
                    "actor_name": actor.name,
                    "action": "supervision.autoclose",
                    "entity_type": "supervision_order",
                    "entity_id": sid,
                    "summary": f"督办 {number} 的工单已办结，自动销号",
                    "after": {"status": "closed"},
                }
                for sid, number in closed
            ],
        )
    return len(closed)


# --- manual supervision -----------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    id: int
    version: int
    status: str
    number: str


def _snap(row: SupervisionOrder | DeadlineExtension) -> Snapshot:
    if isinstance(row, SupervisionOrder):
        return Snapshot(row.id, row.version, row.status, row.number)
    return Snapshot(row.id, row.version, row.status, str(row.id))


def clean_text(value: str | None, zh: str, en: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise TransitionError(f"请填写{zh}", f"{en} is required")
    if len(value) > MAX_TEXT:
        raise TransitionError(f"{zh}不能超过{MAX_TEXT}字", f"{en} is longer than {MAX_TEXT}")
    return value


def _role(session: Session, actor: Actor) -> permissions.Who:
    return permissions.who(session, actor)


def may_supervise(role: str | None) -> bool:
    """Supervisors and administrators issue, withdraw and close supervision."""
    return role is None or role in (SUPERVISOR, ADMIN)


def require_supervisor(session: Session, actor: Actor, doing: tuple[str, str]) -> None:
    me = _role(session, actor)
    if not may_supervise(me.role):
        raise PermissionDenied(
            f"只有督办员或管理员可以{doing[0]}",
            f"only a supervisor or an administrator may {doing[1]}",
        )


def _lock(session: Session, sid: int, expected_version: int | None) -> SupervisionOrder:
    row = session.scalars(
        select(SupervisionOrder)
        .where(SupervisionOrder.id == sid)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None:
        session.rollback()
        raise TransitionError(f"督办 {sid} 不存在", f"supervision {sid} does not exist")
    if expected_version is not None and row.version != expected_version:
        who, at = _last_actor(session, "supervision_order", row.id)
        session.rollback()
        raise ConflictError(f"督办 {row.number}", who, at, row.status, STATUS_TEXT)
    return row


def _last_actor(session: Session, entity_type: str, entity_id: int) -> tuple[str | None, Any]:
    r = session.execute(
        select(AuditEntry.actor_name, AuditEntry.at)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).one_or_none()
    return (r.actor_name, r.at) if r else (None, None)


def _require_state(
    session: Session, row: SupervisionOrder, states: Iterable[str], doing: tuple[str, str]
) -> None:
    if row.status in states:
        return
    zh, en = STATUS_TEXT.get(row.status, (row.status, row.status))
    session.rollback()
    raise TransitionError(
        f"督办 {row.number} 当前为「{zh}」，不能{doing[0]}",
        f"supervision {row.number} is {en}: it cannot {doing[1]}",
    )


def _require_department(
    session: Session, actor: Actor, row: SupervisionOrder, doing: tuple[str, str]
) -> None:
    me = _role(session, actor)
    if me.role is None:
        return
    if me.role not in DEPARTMENT_ROLES or me.department_id != row.department_id:
        zh_d, en_d = permissions.department_words(session, row.department_id)
        session.rollback()
        raise PermissionDenied(
            f"督办 {row.number} 是{zh_d or '其他单位'}的，只有该部门可以{doing[0]}",
            f"supervision {row.number} is {en_d or 'another unit'}'s: only that department may "
            f"{doing[1]}",
        )


def _note(
    session: Session, actor: Actor, row: SupervisionOrder, kind: str, note: str, now: dt.datetime
) -> None:
    session.add(
        SupervisionNote(supervision_id=row.id, at=now, user_id=actor.user_id, kind=kind, note=note)
    )


def _open_supervision_of(
    session: Session, order_ids: Sequence[int], incident_id: int | None
) -> list[SupervisionOrder]:
    cond: ColumnElement[bool] | None = (
        SupervisionOrder.work_order_id.in_(order_ids) if order_ids else None
    )
    if incident_id is not None:
        inc = SupervisionOrder.incident_id == incident_id
        cond = inc if cond is None else (cond | inc)
    if cond is None:
        return []
    return list(
        session.scalars(
            select(SupervisionOrder)
            .where(cond, SupervisionOrder.status.in_(OPEN_STATES))
            .with_for_update()
        )
    )


def issue(
    session: Session,
    actor: Actor,
    *,
    level: str,
    instructions: str,
    working_days: int,
    work_order_id: int | None = None,
    incident_id: int | None = None,
    leader: str | None = None,
) -> Snapshot:
    """A supervisor's supervision of an order or an incident, with instructions and its own
    deadline in working days. It only escalates: refused when the order (or the incident's
    orders) already has open supervision at this level or above; open lower ones are marked
    escalated. Commits."""
    require_supervisor(session, actor, ("督办", "issue supervision"))
    if level not in LEVELS:
        raise TransitionError(f"督办级别「{level}」无效", f"no supervision level {level!r}")
    instructions = clean_text(instructions, "督办要求", "the instructions")
    leader = clean_text(leader, "包案领导", "the leader", required=level == "leader_case") or None
    if not 1 <= int(working_days) <= 60:
        raise TransitionError("督办时限须为1至60个工作日", "the deadline is 1 to 60 working days")
    if (work_order_id is None) == (incident_id is None):
        raise TransitionError("请选择一个工单或事件", "choose one order or one incident")
    now = clock.now()
    try:
        if work_order_id is not None:
            order = session.scalars(
                select(WorkOrder).where(WorkOrder.id == work_order_id).with_for_update()
            ).one_or_none()
            if order is None:
                raise TransitionError(
                    f"工单 {work_order_id} 不存在", f"order {work_order_id} does not exist"
                )
            incident = session.get(Incident, order.incident_id)
            orders = [order.id]
            department_id: int | None = order.department_id
            target = f"工单 {order.number}"
        else:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise TransitionError(
                    f"事件 {incident_id} 不存在", f"incident {incident_id} does not exist"
                )
            order_rows = session.execute(
                select(
                    WorkOrder.id, WorkOrder.department_id, WorkOrder.lead_order_id, WorkOrder.status
                )
                .where(WorkOrder.incident_id == incident.id)
                .order_by(WorkOrder.id.desc())
            ).all()
            orders = [r.id for r in order_rows]
            active = [
                r for r in order_rows if r.status in OPEN_ORDER_STATUSES and r.lead_order_id is None
            ]
            department_id = active[0].department_id if active else None
            target = f"事件 {incident.number}"
        assert incident is not None
        rank = LEVELS.index(level)
        existing = _open_supervision_of(session, orders, incident.id)
        # a reminder blocks nothing; any other open supervision at this level or above does
        higher = [s for s in existing if s.stage != "remind" and LEVELS.index(s.level) >= rank]
        if higher:
            top = max(higher, key=lambda s: LEVELS.index(s.level))
            zh, en = LEVEL_TEXT[top.level]
            session.rollback()
            raise TransitionError(
                f"{target} 已在{zh}（{top.number}），督办只能升级",
                f"{target} is already under {en} ({top.number}); supervision only escalates",
            )
        sid = _next_ids(session, 1)[0]
        zh_level = LEVEL_TEXT[level][0]
        row = SupervisionOrder(
            id=sid,
            number=_number(now, sid),
            level=level,
            kind="manual",
            stage="manual",
            incident_id=None if work_order_id is not None else incident.id,
            work_order_id=work_order_id,
            department_id=department_id,
            town_id=incident.town_id,
            responsible_leader=leader,
            issued_by_id=actor.user_id,
            issued_at=now,
            deadline_at=load_calendar(session).add_working_days(now, int(working_days)),
            status="open",
            reason=f"{actor.name} {zh_level}" + (f"，{leader}包案" if leader else ""),
            instructions=instructions,
        )
        session.add(row)
        for lower in existing:
            lower.status = "escalated"
            audit.record(
                session,
                actor,
                "supervision.escalate",
                "supervision_order",
                lower.id,
                f"{actor.name} 将督办 {lower.number} 升级为{zh_level}",
                before={"status": "open", "level": lower.level},
                after={"status": "escalated", "escalated_to": row.number},
            )
        session.flush()
        audit.record(
            session,
            actor,
            "supervision.issue",
            "supervision_order",
            row.id,
            f"{actor.name} 对{target} {zh_level}（{row.number}）"
            + (f"，{leader}包案" if leader else ""),
            after={"level": level, "status": "open", "deadline_at": row.deadline_at.isoformat()},
            reason=instructions,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _snap(row)


def withdraw(
    session: Session, actor: Actor, sid: int, reason: str, expected_version: int | None = None
) -> Snapshot:
    """Withdraw a supervision, with a reason: only a user of the issuer's rank or above (the
    sweep's rank is a supervisor's). Commits."""
    reason = clean_text(reason, "撤销理由", "a reason")
    try:
        row = _lock(session, sid, expected_version)
        _require_state(session, row, LIVE_STATES, ("撤销", "be withdrawn"))
        me = _role(session, actor)
        if me.role is not None:
            issuer_role = SUPERVISOR
            if row.issued_by_id is not None:
                issuer_role = (
                    permissions.who(session, Actor(row.issued_by_id, "")).role or SUPERVISOR
                )
            if _ROLE_RANK.get(me.role or "", 0) < max(_ROLE_RANK.get(issuer_role, 2), 2):
                session.rollback()
                raise PermissionDenied(
                    f"督办 {row.number} 只能由签发人同级或上级撤销",
                    f"supervision {row.number} is withdrawn only at its issuer's level or above",
                )
        before = row.status
        row.status = "withdrawn"
        row.closed_at = clock.now()
        row.closed_by_id = actor.user_id
        row.resolution = reason
        _note(session, actor, row, "withdraw", reason, row.closed_at)
        audit.record(
            session,
            actor,
            "supervision.withdraw",
            "supervision_order",
            row.id,
            f"{actor.name} 撤销督办 {row.number}",
            before={"status": before},
            after={"status": "withdrawn"},
            reason=reason,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _snap(row)


def acknowledge(
    session: Session, actor: Actor, sid: int, expected_version: int | None = None
) -> Snapshot:
    """The department acknowledges (签收) its supervision. Commits."""
    try:
        row = _lock(session, sid, expected_version)
        _require_state(session, row, ("open",), ("签收", "be acknowledged"))
        _require_department(session, actor, row, ("签收", "acknowledge it"))
        now = clock.now()
        row.status = "acknowledged"
        row.acknowledged_at = now
        row.acknowledged_by_id = actor.user_id
        _note(session, actor, row, "acknowledge", "已签收", now)
        audit.record(
            session,
            actor,
            "supervision.acknowledge",
            "supervision_order",
            row.id,
            f"{actor.name} 签收督办 {row.number}",
            before={"status": "open"},
            after={"status": "acknowledged"},
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _snap(row)


def report_progress(
    session: Session, actor: Actor, sid: int, note: str, expected_version: int | None = None
) -> Snapshot:
    """The department reports progress (acknowledging an unacknowledged one). Commits."""
    note = clean_text(note, "进展情况", "the progress note")
    try:
        row = _lock(session, sid, expected_version)
        _require_state(session, row, OPEN_STATES, ("报告进展", "take a progress report"))
        _require_department(session, actor, row, ("报告进展", "report progress"))
        now = clock.now()
        if row.status == "open":
            row.status = "acknowledged"
            row.acknowledged_at = now
            row.acknowledged_by_id = actor.user_id
        row.updated_at = now
        _note(session, actor, row, "progress", note, now)
        audit.record(
            session,
            actor,
            "supervision.progress",
            "supervision_order",
            row.id,
            f"{actor.name} 报告督办 {row.number} 进展",
            after={"note": note[:200]},
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _snap(row)


def reply(
    session: Session, actor: Actor, sid: int, answer: str, expected_version: int | None = None
) -> Snapshot:
    """The department's reply (反馈): the supervisor then reviews and closes. Commits."""
    answer = clean_text(answer, "反馈内容", "the reply")
    try:
        row = _lock(session, sid, expected_version)
        _require_state(session, row, OPEN_STATES, ("反馈", "be answered"))
        _require_department(session, actor, row, ("反馈", "answer it"))
        now = clock.now()
        before = row.status
        if row.acknowledged_at is None:
            row.acknowledged_at = now
            row.acknowledged_by_id = actor.user_id
        row.status = "responded"
        row.reply = answer
        row.replied_at = now
        _note(session, actor, row, "reply", answer, now)
        audit.record(
            session,
            actor,
            "supervision.reply",
            "supervision_order",
            row.id,
            f"{actor.name} 反馈督办 {row.number}",
            before={"status": before},
            after={"status": "responded"},
            reason=answer[:500],
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _snap(row)


def close(
    session: Session, actor: Actor, sid: int, resolution: str, expected_version: int | None = None
) -> Snapshot:
    """The supervisor reviews and closes (办结) a supervision. Commits."""
    resolution = clean_text(resolution, "审核意见", "the review")
    require_supervisor(session, actor, ("办结督办", "close supervision"))
    try:
        row = _lock(session, sid, expected_version)
        _require_state(session, row, OPEN_STATES, ("办结", "be closed"))
        now = clock.now()
        before = row.status
        row.status = "closed"
        row.closed_at = now
        row.closed_by_id = actor.user_id
        row.resolution = resolution
        _note(session, actor, row, "review", resolution, now)
        audit.record(
            session,
            actor,
            "supervision.close",
            "supervision_order",
            row.id,
            f"{actor.name} 办结督办 {row.number}",
            before={"status": before},
            after={"status": "closed"},
            reason=resolution,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _snap(row)


def decide_proposal(
    session: Session,
    actor: Actor,
    sid: int,
    accept: bool,
    note: str,
    expected_version: int | None = None,
) -> Snapshot:
    """A supervisor accepts (挂牌) or declines the sweep's proposal. Commits."""
    note = clean_text(note, "意见", "a note")
    require_supervisor(session, actor, ("决定挂牌督办", "decide on listed supervision"))
    try:
        row = _lock(session, sid, expected_version)
        _require_state(session, row, ("proposed",), ("决定", "be decided"))
        now = clock.now()
        if accept:
            row.status = "open"
            row.issued_by_id = actor.user_id
            row.issued_at = now
            row.deadline_at = _supervision_deadline(session, now)
            row.instructions = note
        else:
            row.status = "declined"
            row.closed_at = now
            row.closed_by_id = actor.user_id
            row.resolution = note
        audit.record(
            session,
            actor,
            "supervision.accept" if accept else "supervision.decline",
            "supervision_order",
            row.id,
            f"{actor.name} {'挂牌督办' if accept else '不采纳挂牌建议'} {row.number}",
            before={"status": "proposed"},
            after={"status": row.status},
            reason=note,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _snap(row)


# --- extensions (申请延期) ---------------------------------------------------------------------


def request_extension(
    session: Session, actor: Actor, work_order_id: int, days: int, reason: str
) -> Snapshot:
    """The order's department asks for ``days`` more working days. Refused once the order is
    carded, when it is no longer open, or while a request waits. Commits."""
    reason = clean_text(reason, "延期理由", "a reason")
    if not 1 <= int(days) <= 60:
        raise TransitionError("延期天数须为1至60个工作日", "ask for 1 to 60 working days")
    try:
        order = session.scalars(
            select(WorkOrder).where(WorkOrder.id == work_order_id).with_for_update()
        ).one_or_none()
        if order is None:
            raise TransitionError(
                f"工单 {work_order_id} 不存在", f"order {work_order_id} does not exist"
            )
        me = _role(session, actor)
        if me.role is not None:
            permissions.require_order(
                session, me, order.number, order.department_id, ("申请延期", "ask for more time")
            )
            if me.role not in DEPARTMENT_ROLES:
                raise PermissionDenied(
                    "延期由承办部门申请", "the order's department asks for more time"
                )
        if order.status not in OPEN_ORDER_STATUSES:
            raise TransitionError(
                f"工单 {order.number} 已不在办理中，不能申请延期",
                f"order {order.number} is no longer open: no extension",
            )
        carded = session.scalar(
            select(SupervisionOrder.stage)
            .where(
                SupervisionOrder.work_order_id == order.id,
                SupervisionOrder.stage.in_(CARD_STAGES),
            )
            .limit(1)
        )
        if carded:
            raise TransitionError(
                f"工单 {order.number} 已亮{STAGE_TEXT[carded][0]}，不能再申请延期",
                f"order {order.number} has a {STAGE_TEXT[carded][1]}: no more extensions",
            )
        pending = session.scalar(
            select(DeadlineExtension.id).where(
                DeadlineExtension.work_order_id == order.id, DeadlineExtension.status == "pending"
            )
        )
        if pending:
            raise TransitionError(
                f"工单 {order.number} 已有待审批的延期申请",
                f"order {order.number} already has a request waiting",
            )
        ext = DeadlineExtension(
            work_order_id=order.id,
            department_id=order.department_id,
            requested_days=int(days),
            reason=reason,
            requested_at=clock.now(),
            requested_by_id=actor.user_id,
            status="pending",
            deadline_before=order.deadline_at,
        )
        session.add(ext)
        session.flush()
        audit.record(
            session,
            actor,
            "extension.request",
            "deadline_extension",
            ext.id,
            f"{actor.name} 为工单 {order.number} 申请延期{days}个工作日",
            after={"requested_days": int(days), "status": "pending"},
            reason=reason,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _snap(ext)


def decide_extension(
    session: Session,
    actor: Actor,
    extension_id: int,
    granted_days: int,
    note: str = "",
    expected_version: int | None = None,
) -> Snapshot:
    """The supervisor grants all (``granted_days`` = requested), part, or none (0) of a
    request; what is granted moves the order's deadline by that many working days (and with it
    the 75 % reminder and the overdue steps). Commits."""
    require_supervisor(session, actor, ("审批延期", "decide on an extension"))
    try:
        ext = session.scalars(
            select(DeadlineExtension)
            .where(DeadlineExtension.id == extension_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()
        if ext is None:
            raise TransitionError(
                f"延期申请 {extension_id} 不存在",
                f"extension request {extension_id} does not exist",
            )
        if expected_version is not None and ext.version != expected_version:
            who, at = _last_actor(session, "deadline_extension", ext.id)
            session.rollback()
            raise ConflictError(f"延期申请 {ext.id}", who, at, ext.status, EXTENSION_TEXT)
        if ext.status != "pending":
            zh, en = EXTENSION_TEXT.get(ext.status, (ext.status, ext.status))
            raise TransitionError(
                f"延期申请已{zh}，不能再审批", f"the request is {en}: it cannot be decided"
            )
        granted = int(granted_days)
        if not 0 <= granted <= ext.requested_days:
            raise TransitionError(
                f"批准天数须在0到{ext.requested_days}之间",
                f"grant 0 to {ext.requested_days} working days",
            )
        note = clean_text(note, "审批意见", "a note", required=granted < ext.requested_days)
        order = session.scalars(
            select(WorkOrder).where(WorkOrder.id == ext.work_order_id).with_for_update()
        ).one()
        now = clock.now()
        ext.granted_days = granted
        ext.status = (
            "refused"
            if granted == 0
            else ("granted" if granted == ext.requested_days else "partial")
        )
        ext.decided_at = now
        ext.decided_by_id = actor.user_id
        ext.decision_note = note or None
        if granted:
            before = order.deadline_at
            order.deadline_at = load_calendar(session).add_working_days(order.deadline_at, granted)
            ext.deadline_after = order.deadline_at
            audit.record(
                session,
                actor,
                "order.extend",
                "work_order",
                order.id,
                f"{actor.name} 批准工单 {order.number} 延期{granted}个工作日",
                before={"deadline_at": before.isoformat()},
                after={"deadline_at": order.deadline_at.isoformat()},
                reason=ext.reason,
            )
        zh, _en = EXTENSION_TEXT[ext.status]
        audit.record(
            session,
            actor,
            "extension.decide",
            "deadline_extension",
            ext.id,
            f"{actor.name} 审批工单 {order.number} 的延期申请：{zh}"
            f"（{granted}/{ext.requested_days}个工作日）",
            before={"status": "pending"},
            after={"status": ext.status, "granted_days": granted},
            reason=note or None,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _snap(ext)


# --- the ledger (督办台账) ----------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerFilter:
    level: str | None = None
    stage: str | None = None  # a stage, or "card" (yellow and red)
    department_id: int | None = None
    town_id: int | None = None
    state: str | None = None  # "live" (proposed and open ones), "closed", or a status


@dataclass(frozen=True)
class LedgerRow:
    id: int
    version: int
    number: str
    level: str
    stage: str
    kind: str
    status: str
    department_id: int | None
    department: str | None
    department_en: str | None
    town: str | None
    order_id: int | None
    order_number: str | None
    order_deadline_at: dt.datetime | None
    incident_id: int | None
    incident_number: str | None
    title: str | None
    issued_at: dt.datetime
    deadline_at: dt.datetime
    acknowledged_at: dt.datetime | None
    replied_at: dt.datetime | None
    reason: str
    reason_en: str | None
    instructions: str | None
    reply: str | None
    leader: str | None
    pending_extension_id: int | None
    pending_extension_days: int | None

    @property
    def card(self) -> str | None:
        return self.stage if self.stage in CARD_STAGES else None

    @property
    def reason_words(self) -> tuple[str, str]:
        """(中文, English) of the reason (a reason given by hand has only its own words)."""
        return (self.reason, self.reason_en or self.reason)

    @property
    def department_words(self) -> tuple[str, str]:
        return (self.department or "", self.department_en or self.department or "")

    @property
    def town_words(self) -> tuple[str, str]:
        return place_names.words(self.town)


def ledger(
    session: Session,
    filt: LedgerFilter = LedgerFilter(),
    *,
    after: tuple[dt.datetime, int] | None = None,
    limit: int = 100,
    actor: Actor | None = None,
) -> list[LedgerRow]:
    """A page of supervision, newest first; ``after`` is the last row's (issued_at, id). Given
    the ``actor``, a department's handler gets its own department's only (as row-level
    security gives its login), whatever the filter asks."""
    if actor is not None:
        me = _role(session, actor)
        if me.role in DEPARTMENT_ROLES:
            filt = dataclasses.replace(filt, department_id=me.department_id or -1)
    s = SupervisionOrder
    w = WorkOrder
    i = Incident
    town = AdminArea
    q = (
        select(
            s.id,
            s.version,
            s.number,
            s.level,
            s.stage,
            s.kind,
            s.status,
            s.department_id,
            Department.name.label("department"),
            Department.name_en.label("department_en"),
            town.name.label("town"),
            w.id.label("order_id"),
            w.number.label("order_number"),
            w.deadline_at.label("order_deadline_at"),
            i.id.label("incident_id"),
            i.number.label("incident_number"),
            i.title,
            s.issued_at,
            s.deadline_at,
            s.acknowledged_at,
            s.replied_at,
            s.reason,
            s.reason_en,
            s.instructions,
            s.reply,
            s.responsible_leader.label("leader"),
            select(DeadlineExtension.id)
            .where(
                DeadlineExtension.work_order_id == s.work_order_id,
                DeadlineExtension.status == "pending",
            )
            .scalar_subquery()
            .label("pending_extension_id"),
            select(DeadlineExtension.requested_days)
            .where(
                DeadlineExtension.work_order_id == s.work_order_id,
                DeadlineExtension.status == "pending",
            )
            .scalar_subquery()
            .label("pending_extension_days"),
        )
        .outerjoin(w, w.id == s.work_order_id)
        .outerjoin(i, i.id == func.coalesce(s.incident_id, w.incident_id))
        .outerjoin(Department, Department.id == s.department_id)
        .outerjoin(town, town.id == s.town_id)
    )
    if filt.level:
        q = q.where(s.level == filt.level)
    if filt.stage == "card":
        q = q.where(s.stage.in_(CARD_STAGES))
    elif filt.stage:
        q = q.where(s.stage == filt.stage)
    if filt.department_id is not None:
        q = q.where(s.department_id == filt.department_id)
    if filt.town_id is not None:
        q = q.where(s.town_id == filt.town_id)
    if filt.state == "live":
        q = q.where(s.status.in_(LIVE_STATES))
    elif filt.state == "closed":
        q = q.where(s.status.not_in(LIVE_STATES))
    elif filt.state:
        q = q.where(s.status == filt.state)
    if after is not None:
        q = q.where(tuple_(s.issued_at, s.id) < tuple_(*after))
    q = q.order_by(s.issued_at.desc(), s.id.desc()).limit(limit)
    return [LedgerRow(**r._mapping) for r in session.execute(q)]


def notes(session: Session, sid: int) -> list[tuple[dt.datetime, str, str]]:
    """(when, kind, note) of a supervision's exchange, oldest first."""
    return [
        (r.at, r.kind, r.note)
        for r in session.execute(
            select(SupervisionNote.at, SupervisionNote.kind, SupervisionNote.note)
            .where(SupervisionNote.supervision_id == sid)
            .order_by(SupervisionNote.at, SupervisionNote.id)
        )
    ]


def waiting_for_department(
    session: Session, department_id: int, limit: int = 50
) -> list[LedgerRow]:
    """A department's supervision still waiting for it (the inbox's banner)."""
    return ledger(
        session,
        LedgerFilter(department_id=department_id, state="live"),
        limit=limit,
    )


LEDGER_COLUMNS = (
    ("number", "督办编号"),
    ("level", "级别"),
    ("stage", "环节"),
    ("status", "状态"),
    ("department", "责任单位"),
    ("town", "乡镇"),
    ("order_number", "工单"),
    ("title", "事件"),
    ("issued_at", "督办时间"),
    ("deadline_at", "反馈时限"),
    ("acknowledged_at", "签收时间"),
    ("reason", "督办事由"),
)


def export_xlsx(rows: Sequence[LedgerRow], path: str) -> int:
    """Write the ledger's rows to an XLSX file (times in Beijing time); returns the count."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "督办台账"
    ws.append([zh for _, zh in LEDGER_COLUMNS])
    for r in rows:
        out: list[Any] = []
        for key, _ in LEDGER_COLUMNS:
            v = getattr(r, key)
            if key == "level":
                v = LEVEL_TEXT[v][0]
            elif key == "stage":
                v = STAGE_TEXT[v][0]
            elif key == "status":
                v = STATUS_TEXT[v][0]
            elif isinstance(v, dt.datetime):
                v = v.astimezone(CST).strftime("%Y-%m-%d %H:%M")
            out.append(v)
        ws.append(out)
    ws.freeze_panes = "A2"
    wb.save(path)
    return len(rows)
