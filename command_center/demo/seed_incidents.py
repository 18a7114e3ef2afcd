"""A year of incidents with complete lifecycles, work orders, supervision and return visits.

Each incident's history is simulated step by step and cut at "now": what happened before now
is written both as the incident's state and as audit entries, so the two always agree.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from command_center.db.bulk import copy_rows, reset_identity
from command_center.demo import texts
from command_center.services.incident_writer import Deadlines, copy_incidents
from command_center.services.lifecycle import status_text

if TYPE_CHECKING:
    from command_center.demo.seed import GridInfo, SeedContext
    from command_center.demo.taxonomy import Category

INCIDENTS_PER_SCALE = 60_000
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)

# Overall rhythm: agriculture and construction in summer, the run-up to Spring Festival
MONTH_FACTOR = (1.0, 0.8, 0.9, 1.0, 1.1, 1.2, 1.25, 1.2, 1.1, 1.05, 0.95, 1.0)
WEEKDAY_FACTOR = (1.08, 1.05, 1.03, 1.02, 1.0, 0.72, 0.62)
# hour-of-day profiles (24 weights) by channel
OFFICE = (1, 0, 0, 0, 0, 1, 2, 6, 12, 14, 13, 10, 5, 4, 9, 12, 12, 10, 5, 3, 2, 2, 1, 1)
HOTLINE = (2, 1, 1, 1, 1, 1, 3, 6, 10, 12, 11, 9, 6, 6, 9, 10, 10, 9, 8, 8, 7, 6, 4, 3)
ROUND_CLOCK = (4, 3, 3, 3, 3, 3, 4, 5, 6, 6, 6, 6, 5, 5, 6, 6, 6, 6, 6, 6, 6, 5, 5, 4)
HOURS_BY_CHANNEL = {
    "grid_worker": OFFICE,
    "patrol": OFFICE,
    "petition": OFFICE,
    "mayor_mailbox": HOTLINE,
    "hotline_12345": HOTLINE,
    "qr_code": HOTLINE,
    "online": HOTLINE,
    "video": ROUND_CLOCK,
    "social": HOTLINE,
}
RETURN_REASONS = (
    "该事项不属于本部门职责范围，建议转{dept}办理",
    "经核实，事发地点属于相邻乡镇管辖，请重新派单",
    "反映人联系方式有误，无法核实具体情况，请补充信息后重新派发",
)
OBJECTION_REASONS = (
    "依据“三定”方案，此类事项由{dept}负责，申请改派",
    "事项涉及多个部门职责交叉，建议由{dept}牵头办理",
)
LEADERS = ("县委副书记 李正国", "县委常委、政法委书记 周立新", "副县长 马文斌", "副县长 何静")


@dataclass
class Order:
    id: int
    number: str
    dept: int
    mode: str
    lead: int | None
    round: int
    dispatched_at: dt.datetime
    deadline: dt.datetime
    objection_deadline: dt.datetime
    dispatched_by: int | None
    status: str = "dispatched"
    accepted_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    handler: int | None = None
    objection_reason: str | None = None
    return_reason: str | None = None
    result: str | None = None
    version: int = 1


@dataclass
class Story:
    """One incident's history being written; events after ``now`` are not recorded."""

    ctx: SeedContext
    inc: dict[str, Any]
    label: str
    open: bool = True
    orders: list[Order] = field(default_factory=list)

    def event(
        self,
        at: dt.datetime,
        actor: tuple[int | None, str],
        action: str,
        summary: str,
        *,
        status: str | None = None,
        reason: str | None = None,
        entity: tuple[str, int] | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> bool:
        if not self.open or at > self.ctx.now:
            self.open = False
            return False
        etype, eid = entity or ("incident", self.inc["id"])
        if status is not None:
            before = {"status": self.inc["status"]}
            after = {"status": status}
            self.inc["status"] = status
            self.inc["version"] += 1
            self.inc["updated_at"] = at
        self.ctx.add_audit(at, actor, action, etype, eid, summary, before, after, reason)
        return True


def incidents(ctx: SeedContext, progress: Callable[[float, str], None]) -> None:
    rng = ctx.rng
    n_total = max(1, round(INCIDENTS_PER_SCALE * ctx.scale))
    tax = ctx.taxonomy
    leaves = list(tax.leaves)
    channels = list(tax.channels)
    today = ctx.now.date()
    days = [today - dt.timedelta(days=i) for i in range(364, -1, -1)]
    holidays = {d for d, k in ctx.calendar.exceptions.items() if k == "holiday"}

    def day_weight(i: int, d: dt.date) -> float:
        w = MONTH_FACTOR[d.month - 1] * WEEKDAY_FACTOR[d.weekday()] * (1 + 0.12 * i / 365)
        return w * (0.65 if d in holidays else 1.0)

    def leaf_weight(leaf: Category, m: int) -> float:
        # the taxonomy loader requires both on every leaf
        assert leaf.relative_frequency is not None and leaf.seasonal is not None
        return leaf.relative_frequency * leaf.seasonal[m]

    day_cum = list(accumulate(day_weight(i, d) for i, d in enumerate(days)))
    leaf_cum_by_month = [
        list(accumulate(leaf_weight(leaf, m) for leaf in leaves)) for m in range(12)
    ]
    channel_cum = list(accumulate(c.share for c in channels))
    grid_cum = list(accumulate(g.weight for g in ctx.grids))
    hour_cum = {k: list(accumulate(v)) for k, v in HOURS_BY_CHANNEL.items()}

    specs: list[tuple[dt.datetime, int, int, int]] = []  # (reported_at, leaf, channel, grid)
    for _ in range(n_total):
        d = days[bisect.bisect(day_cum, rng.random() * day_cum[-1])]
        ch = bisect.bisect(channel_cum, rng.random() * channel_cum[-1])
        ch_code = channels[ch].code
        hours = hour_cum.get(ch_code, hour_cum["hotline_12345"])
        hour = bisect.bisect(hours, rng.random() * hours[-1])
        at = dt.datetime.combine(d, dt.time(hour), ctx.now.tzinfo) + dt.timedelta(
            seconds=rng.randrange(3600)
        )
        if at > ctx.now:
            at = ctx.now - dt.timedelta(seconds=rng.randrange(1, 6 * 3600))
        lc = leaf_cum_by_month[d.month - 1]
        leaf_i = bisect.bisect(lc, rng.random() * lc[-1])
        grid_i = bisect.bisect(grid_cum, rng.random() * grid_cum[-1])
        specs.append((at, leaf_i, ch, grid_i))
    specs.sort()
    progress(0.1, "incidents: timing")

    # points inside each grid, drawn in one batch per grid
    from command_center.demo.seed import sample_points

    per_grid: dict[int, int] = defaultdict(int)
    for *_, grid_i in specs:
        per_grid[grid_i] += 1
    points = {g: sample_points(ctx.np_rng, ctx.grids[g].geometry, n) for g, n in per_grid.items()}
    progress(0.1, "incidents: places")

    operators = [ctx.users[u] for u in ("zhiban1", "zhiban2", "zhiban3")]
    supervisor = ctx.users["duban1"]
    dept_ids = list(ctx.dept_ids.values())
    dept_name_by_id = {ctx.dept_ids[c]: n for c, n in ctx.dept_names.items()}
    out = _Out()
    seq_by_day: dict[dt.date, int] = defaultdict(int)
    step = max(1, len(specs) // 20)
    for k, (at, leaf_i, ch_i, grid_i) in enumerate(specs):
        leaf, channel, g = leaves[leaf_i], channels[ch_i], ctx.grids[grid_i]
        seq_by_day[at.date()] += 1
        lon, lat = points[grid_i].pop()
        inc = _incident_row(ctx, k + 1, at, seq_by_day[at.date()], leaf, channel.code, g, lon, lat)
        operator = operators[2] if at.hour >= 20 or at.hour < 8 else operators[at.day % 2]
        story = Story(ctx, inc, f"{inc['number']}「{inc['title']}」")
        _simulate(
            ctx, story, leaf, channel.code, g, operator, supervisor, dept_ids, dept_name_by_id, out
        )
        out.incidents.append(inc)
        if k % step == step - 1:
            progress(0.6 / 20, "incidents: lifecycles")
    _duplicates(ctx, out, operators, seq_by_day)
    progress(0.05, "incidents: duplicates")
    _write(ctx, out)
    progress(0.15, "incidents: COPY")


@dataclass
class _Out:
    incidents: list[dict[str, Any]] = field(default_factory=list)
    orders: list[tuple[int, Order]] = field(default_factory=list)
    progress_rows: list[tuple[Any, ...]] = field(default_factory=list)
    visits: list[tuple[Any, ...]] = field(default_factory=list)
    supervision: list[tuple[Any, ...]] = field(default_factory=list)
    next_order: int = 0


def _in_their_words(iid: int, leaf_code: str, channel: str, g: GridInfo, text: str) -> str:
    """A share of the descriptions of the channels where the reporter speaks, as a caller says
    it (texts.spoken: colloquial, typos, another matter mixed in), so that smart dispatch's
    figures on the demo county are not those of phrase banks read back. A random stream of the
    incident's own: the seed's other draws stay the same."""
    if channel not in texts.SPOKEN_CHANNELS:
        return text
    side = random.Random(iid * 7919 + 16)
    if side.random() >= texts.SPOKEN_SHARE:
        return text
    return texts.spoken(
        side, text, leaf_code, town=g.town_name, village=g.village_name, channel=channel
    )


def _incident_row(
    ctx: SeedContext,
    iid: int,
    at: dt.datetime,
    seq: int,
    leaf: Any,
    channel: str,
    g: GridInfo,
    lon: float,
    lat: float,
) -> dict[str, Any]:
    rng = ctx.rng
    landmark = texts.landmark(rng, g.village_name) if rng.random() < 0.7 else None
    priority = rng.choices((1, 2, 3, 4), weights=leaf.priority_weights)[0]
    reporter_worker = g.worker_id if channel in ("grid_worker", "patrol") else None
    if reporter_worker is not None:
        month = at.strftime("%Y-%m")
        ctx.reports[(reporter_worker, month)] = ctx.reports.get((reporter_worker, month), 0) + 1
    no_coords = channel in ("hotline_12345", "petition", "mayor_mailbox") and rng.random() < 0.08
    title = texts.incident_title(rng, leaf.code)
    if g.village_name not in title and rng.random() < 0.5:
        title = (g.village_name + title)[:30]
    return {
        "id": iid,
        "number": f"SJ{at:%Y%m%d}{seq:04d}",
        "channel_code": channel,
        "category_code": leaf.code,
        "title": title,
        "description": _in_their_words(
            iid,
            leaf.code,
            channel,
            g,
            texts.incident_description(
                rng,
                leaf.code,
                town=g.town_name,
                village=g.village_name,
                landmark=landmark,
                channel=channel,
            ),
        ),
        "address": f"甘肃省张掖市民乐县{g.town_name}{g.village_name}{landmark or ''}",
        "lon": None if no_coords else round(lon, 6),
        "lat": None if no_coords else round(lat, 6),
        "location_flag": "missing" if no_coords else "ok",
        "grid_id": g.id,
        "village_id": g.village_id,
        "town_id": g.town_id,
        "reporter_name": None if reporter_worker else texts.person_name(rng),
        "reporter_phone": None if reporter_worker else texts.phone(rng),
        "reporter_worker_id": reporter_worker,
        "priority": priority,
        "status": "new",
        "reported_at": at,
        "accepted_at": None,
        "resolved_at": None,
        "closed_at": None,
        "due_at": None,  # both set by the incident writer, as for every new incident
        "answer_due_at": None,
        "duplicate_of_id": None,
        "satisfaction": None,
        "version": 1,
        "created_at": at,
        "updated_at": at,
    }


def _simulate(
    ctx: SeedContext,
    s: Story,
    leaf: Any,
    channel: str,
    g: GridInfo,
    operator: tuple[int, str],
    supervisor: tuple[int, str],
    dept_ids: list[int],
    dept_names: dict[int, str],
    out: _Out,
) -> None:
    rng, inc = ctx.rng, s.inc
    t = inc["reported_at"]
    reporter = "网格员" if inc["reporter_worker_id"] else "群众"
    s.event(
        t,
        (None, "系统"),
        "incident.create",
        f"新事件 {s.label}（{_channel_zh(ctx, channel)}，{reporter}）",
        after={"status": "new", "priority": inc["priority"], "category": leaf.code},
    )
    night = t.hour >= 22 or t.hour < 7
    t += dt.timedelta(minutes=rng.uniform(3, 40) + (rng.uniform(60, 480) if night else 0))
    if not s.event(
        t, operator, "incident.accept", f"{operator[1]} 受理 {s.label}", status="accepted"
    ):
        return
    inc["accepted_at"] = t
    days = leaf.deadline_working_days if inc["priority"] > 1 else 1
    inc["due_at"] = ctx.calendar.add_working_days(t, days)
    worker = (None, f"网格员 {ctx.worker_names.get(inc['reporter_worker_id'], '')}")
    if channel in ("grid_worker", "patrol") and rng.random() < 0.4:
        # handled on the spot by the grid worker (自行处置)
        t += dt.timedelta(minutes=rng.uniform(20, 300))
        note = texts.progress_note(rng, leaf.code, "resolve")
        if not s.event(
            t, worker, "incident.resolve", f"网格员现场处置 {s.label}：{note}", status="resolved"
        ):
            return
        inc["resolved_at"] = t
        _verify_and_close(ctx, s, leaf, t, operator, out)
        return
    dept = ctx.dept_ids.get(leaf.default_department) or rng.choice(dept_ids)
    scenario = rng.choices(
        ("normal", "objection", "return", "joint", "redispatch"), weights=(89, 2, 3, 4, 2)
    )[0]
    t += dt.timedelta(minutes=rng.uniform(5, 90))
    order = _dispatch(
        ctx,
        s,
        t,
        dept,
        operator,
        dept_names,
        out,
        mode="joint" if scenario == "joint" else "assign",
    )
    if order is None:
        return
    if scenario in ("objection", "return"):
        if scenario == "objection":  # within the eight-hour window
            t = order.dispatched_at + H * rng.uniform(0.5, 7.5)
            how: tuple[str, str, str, tuple[str, ...]] = (
                "order.object",
                "objected",
                "对 {number} 提出异议",
                OBJECTION_REASONS,
            )
            wait, why = (15, 120), "异议成立，改派"
        else:  # accepted, then handed back a day or two later
            t = order.dispatched_at + H * rng.uniform(0.5, 6)
            if not _accept(ctx, s, order, t):
                return
            t += D * rng.uniform(0.5, 2)
            how = ("order.return", "returned", "退回 {number}", RETURN_REASONS)
            wait, why = (20, 180), "退单后重新派发"
        rerouted = _reroute(
            ctx, s, order, t, dept, dept_ids, dept_names, operator, out, how, wait, why
        )
        if rerouted is None:
            return
        order, dept = rerouted
    co_orders: list[Order] = []
    if scenario == "joint":
        for other in rng.sample([d for d in dept_ids if d != dept], rng.randint(1, 2)):
            co = _dispatch(
                ctx,
                s,
                t + dt.timedelta(minutes=1),
                other,
                operator,
                dept_names,
                out,
                mode="joint",
                lead=order,
                keep_status=True,
            )
            if co is None:
                return
            co_orders.append(co)
    t = order.dispatched_at + H * rng.uniform(0.3, 8)
    if not _accept(ctx, s, order, t):
        return
    for co in co_orders:
        if not _accept(ctx, s, co, t + H * rng.uniform(0.1, 3), incident=False):
            return
    t += H * rng.uniform(1, 20)
    note = texts.progress_note(rng, leaf.code, "progress")
    if not _order_event(
        s,
        order,
        t,
        ctx.handlers[dept],
        "order.progress",
        "in_progress",
        f"{dept_names[dept]} 反馈 {order.number} 进展：{note}",
        None,
        incident_status="in_progress",
    ):
        return
    out.progress_rows.append(
        (
            order.id,
            t,
            ctx.handlers[dept][0],
            note,
            [f"现场照片_{order.number}_{i}.jpg" for i in range(rng.randint(1, 3))],
        )
    )
    span = (order.deadline - order.dispatched_at).total_seconds() / 3600
    r = rng.random()
    if r < 0.015:
        factor = rng.uniform(3, 8)  # a stuck case: long overdue
    elif r < 0.09:
        factor = rng.uniform(1.05, 2.5)  # late
    else:
        factor = rng.uniform(0.15, 0.95)
    resolve_at = order.dispatched_at + H * span * factor
    _maybe_supervise(ctx, s, leaf, order, resolve_at, supervisor, out)
    for co in co_orders:
        if not _order_event(
            s,
            co,
            order.dispatched_at + (resolve_at - order.dispatched_at) * 0.8,
            ctx.handlers[co.dept],
            "order.resolve",
            "resolved",
            f"{dept_names[co.dept]} 办结联办工单 {co.number}",
            None,
        ):
            return
        co.resolved_at = order.dispatched_at + (resolve_at - order.dispatched_at) * 0.8
    result = texts.progress_note(rng, leaf.code, "resolve")
    if not _order_event(
        s,
        order,
        resolve_at,
        ctx.handlers[dept],
        "order.resolve",
        "resolved",
        f"{dept_names[dept]} 办结 {order.number}：{result}",
        None,
        incident_status="resolved",
    ):
        return
    order.resolved_at = resolve_at
    order.result = result
    inc["resolved_at"] = resolve_at
    if scenario == "redispatch":
        t = resolve_at + H * rng.uniform(2, 24)
        if not _order_event(
            s,
            order,
            t,
            operator,
            "order.reject_result",
            "returned",
            f"{operator[1]} 核查 {order.number} 未解决，二次派送",
            "回访核实问题仍未解决",
            incident_status="accepted",
        ):
            return
        inc["resolved_at"] = None
        order2 = _dispatch(
            ctx,
            s,
            t + dt.timedelta(minutes=10),
            dept,
            operator,
            dept_names,
            out,
            round_=2,
            reason="二次派送",
        )
        if order2 is None or not _accept(ctx, s, order2, t + H * rng.uniform(1, 6)):
            return
        resolve_at = t + D * rng.uniform(1, 4)
        result = texts.progress_note(rng, leaf.code, "resolve")
        if not _order_event(
            s,
            order2,
            resolve_at,
            ctx.handlers[dept],
            "order.resolve",
            "resolved",
            f"{dept_names[dept]} 办结 {order2.number}：{result}",
            None,
            incident_status="resolved",
        ):
            return
        order2.resolved_at, order2.result = resolve_at, result
        inc["resolved_at"] = resolve_at
        order = order2
    closed = _verify_and_close(ctx, s, leaf, resolve_at, operator, out)
    for o in [order, *co_orders]:
        if o.status == "resolved" and closed is not None:
            o.status, o.closed_at, o.version = "closed", closed, o.version + 1


def _reroute(
    ctx: SeedContext,
    s: Story,
    order: Order,
    t: dt.datetime,
    dept: int,
    dept_ids: list[int],
    dept_names: dict[int, str],
    operator: tuple[int, str],
    out: _Out,
    how: tuple[str, str, str, tuple[str, ...]],
    wait: tuple[float, float],
    why: str,
) -> tuple[Order, int] | None:
    """The department objects to or returns ``order``; the operator sends it to another one.
    Returns the new order and its department, or None when "now" came first."""
    rng = ctx.rng
    action, status, what, reasons = how
    other = rng.choice([d for d in dept_ids if d != dept])
    reason = rng.choice(reasons).format(dept=dept_names[other])
    summary = f"{dept_names[dept]} " + what.format(number=order.number)
    if not _order_event(
        s, order, t, ctx.handlers[dept], action, status, summary, reason, incident_status="accepted"
    ):
        return None
    if status == "objected":
        order.objection_reason = reason
    else:
        order.return_reason = reason
    t += dt.timedelta(minutes=rng.uniform(*wait))
    new = _dispatch(ctx, s, t, other, operator, dept_names, out, round_=2, reason=why)
    return None if new is None else (new, other)


def _channel_zh(ctx: SeedContext, code: str) -> str:
    return next(c.name_zh for c in ctx.taxonomy.channels if c.code == code)


def _dispatch(
    ctx: SeedContext,
    s: Story,
    at: dt.datetime,
    dept: int,
    operator: tuple[int, str],
    dept_names: dict[int, str],
    out: _Out,
    *,
    mode: str = "assign",
    lead: Order | None = None,
    round_: int = 1,
    reason: str | None = None,
    keep_status: bool = False,
) -> Order | None:
    out.next_order += 1
    oid = out.next_order
    leaf_days = (s.inc["due_at"] - s.inc["accepted_at"]).days or 1
    order = Order(
        id=oid,
        number=f"GD{at:%Y%m%d}{oid:06d}",
        dept=dept,
        mode=mode,
        lead=lead.id if lead else None,
        round=round_,
        dispatched_at=at,
        deadline=ctx.calendar.add_working_days(at, max(1, min(leaf_days, 15))),
        objection_deadline=at + 8 * H,
        dispatched_by=operator[0],
    )
    what = "联办" if mode == "joint" else "派单"
    role = "（协办）" if lead else ("（牵头）" if mode == "joint" else "")
    if not s.event(
        at,
        operator,
        "order.dispatch",
        f"{operator[1]} {what} {s.label} 至 {dept_names[dept]}{role}，工单 {order.number}",
        status=None if keep_status else "dispatched",
        reason=reason,
    ):
        return None
    ctx.add_audit(
        at,
        operator,
        "order.create",
        "work_order",
        oid,
        f"工单 {order.number} 派至 {dept_names[dept]}，限办 {order.deadline:%m-%d %H:%M}",
        None,
        {"status": "dispatched", "department_id": dept, "round": round_},
        reason,
    )
    out.orders.append((s.inc["id"], order))
    return order


def _accept(
    ctx: SeedContext, s: Story, order: Order, at: dt.datetime, *, incident: bool = True
) -> bool:
    handler = ctx.handlers[order.dept]
    ok = _order_event(
        s,
        order,
        at,
        handler,
        "order.accept",
        "accepted",
        f"{handler[1]} 签收工单 {order.number}",
        None,
    )
    if ok:
        order.accepted_at = at
        order.handler = handler[0]
    return ok


def _order_event(
    s: Story,
    order: Order,
    at: dt.datetime,
    actor: tuple[int | None, str],
    action: str,
    status: str,
    summary: str,
    reason: str | None,
    *,
    incident_status: str | None = None,
) -> bool:
    if not s.event(
        at,
        actor,
        action,
        summary,
        reason=reason,
        entity=("work_order", order.id),
        before={"status": order.status},
        after={"status": status},
    ):
        return False
    order.status = status
    order.version += 1
    if incident_status and incident_status != s.inc["status"]:
        # the incident follows its order; its own history says so too
        previous = s.inc["status"]
        s.inc["status"] = incident_status
        s.inc["version"] += 1
        s.inc["updated_at"] = at
        s.ctx.add_audit(
            at,
            actor,
            f"incident.{incident_status}",
            "incident",
            s.inc["id"],
            f"{s.label} {status_text('incident', previous)} → "
            f"{status_text('incident', incident_status)}",
            {"status": previous},
            {"status": incident_status},
            reason,
        )
    return True


def _maybe_supervise(
    ctx: SeedContext,
    s: Story,
    leaf: Any,
    order: Order,
    resolve_at: dt.datetime,
    supervisor: tuple[int, str],
    out: _Out,
) -> None:
    """A supervisor lists (挂牌) overdue focus problems and makes long-overdue orders a leader's
    case (包案); the sweep's own steps come from its rules afterwards (seed_supervision.py)."""
    rng = ctx.rng
    if resolve_at <= order.deadline or rng.random() > (0.9 if leaf.focus else 0.55):
        return
    issued = order.deadline + H * rng.uniform(4, 40)
    if issued > ctx.now:
        return
    overdue_days = (min(resolve_at, ctx.now) - order.deadline).days
    level = "listed" if leaf.focus else "supervise"
    if overdue_days > 10 and rng.random() < 0.35:
        level = "leader_case"
    if level == "supervise":
        return  # ordinary supervision is the sweep's, by its rules (seed_supervision.py)
    sid = len(out.supervision) + 1
    leader = rng.choice(LEADERS) if level == "leader_case" else None
    closed = resolve_at if resolve_at <= ctx.now else None
    level_zh = {"supervise": "督办", "listed": "挂牌督办", "leader_case": "包案督办"}[level]
    reason = "重点问题超期未办结，按规则挂牌督办" if leaf.focus else "工单超过办理时限未办结"
    out.supervision.append(
        (
            sid,
            f"DB{issued:%Y%m%d}{sid:05d}",
            level,
            order.id,
            leader,
            supervisor[0],
            issued,
            ctx.calendar.add_working_days(issued, 3),
            "closed" if closed else "open",
            reason,
            "已督促办结" if closed else None,
            closed,
            # the overdue step of the sweep's rules; listed and leader cases by a supervisor
            "auto" if level == "supervise" else "manual",
            "overdue" if level == "supervise" else "manual",
            order.dept,
            s.inc["town_id"],
        )
    )
    ctx.add_audit(
        issued,
        supervisor,
        "supervision.issue",
        "supervision_order",
        sid,
        f"{supervisor[1]} 对工单 {order.number} {level_zh}" + (f"，{leader}包案" if leader else ""),
        None,
        {"level": level, "status": "open"},
        reason,
    )


def _verify_and_close(
    ctx: SeedContext,
    s: Story,
    leaf: Any,
    resolved: dt.datetime,
    operator: tuple[int, str],
    out: _Out,
) -> dt.datetime | None:
    rng = ctx.rng
    t = resolved + H * rng.uniform(1, 20)
    if not s.event(
        t,
        operator,
        "incident.verify",
        f"{operator[1]} 核查 {s.label}：{texts.progress_note(rng, leaf.code, 'verify')}",
        status="verified",
    ):
        return None
    t += D * rng.uniform(0.2, 3)
    rating = rng.choices((5, 4, 3, 2, 1), weights=(76, 19, 3, 1.3, 0.7))[0]
    comment = texts.satisfaction_comment(rng, rating)
    if not s.event(
        t,
        operator,
        "incident.close",
        f"{operator[1]} 回访并归档 {s.label}，满意度{rating}星",
        status="closed",
        reason=comment,
    ):
        return None
    s.inc["closed_at"] = t
    s.inc["satisfaction"] = rating
    out.visits.append((s.inc["id"], t, operator[0], "phone", rating, comment))
    return t


def _duplicates(
    ctx: SeedContext, out: _Out, operators: list[tuple[int, str]], seq_by_day: dict[dt.date, int]
) -> None:
    """The same problem reported again through another channel, merged into the first report."""
    rng = ctx.rng
    pool = [i for i in out.incidents if i["channel_code"] in ("hotline_12345", "qr_code", "online")]
    n = math.floor(len(pool) * 0.015)
    next_id = len(out.incidents)
    extra = []
    for orig in rng.sample(pool, n):
        at = orig["reported_at"] + H * rng.uniform(0.5, 36)
        merged_at = at + dt.timedelta(minutes=rng.uniform(5, 60))
        if merged_at > ctx.now:
            continue
        next_id += 1
        seq_by_day[at.date()] += 1
        dup = dict(orig)
        dup.update(
            id=next_id,
            number=f"SJ{at:%Y%m%d}{seq_by_day[at.date()]:04d}",
            channel_code=rng.choice(["hotline_12345", "qr_code", "online", "mayor_mailbox"]),
            reporter_name=texts.person_name(rng),
            reporter_phone=texts.phone(rng),
            reporter_worker_id=None,
            reported_at=at,
            created_at=at,
            updated_at=merged_at,
            status="merged",
            duplicate_of_id=orig["id"],
            accepted_at=merged_at,
            resolved_at=None,
            closed_at=None,
            satisfaction=None,
            version=2,
            due_at=None,  # its own, from its own report (the incident writer)
            answer_due_at=None,
            lon=None if orig["lon"] is None else round(orig["lon"] + rng.uniform(-4e-4, 4e-4), 6),
            lat=None if orig["lat"] is None else round(orig["lat"] + rng.uniform(-4e-4, 4e-4), 6),
        )
        label = f"{dup['number']}「{dup['title']}」"
        op = rng.choice(operators)
        ctx.add_audit(
            at,
            (None, "系统"),
            "incident.create",
            "incident",
            next_id,
            f"新事件 {label}（{_channel_zh(ctx, dup['channel_code'])}）",
            None,
            {"status": "new"},
            None,
        )
        ctx.add_audit(
            merged_at,
            op,
            "incident.merge",
            "incident",
            next_id,
            f"{op[1]} 将 {label} 合并至 {orig['number']}（重复反映）",
            {"status": "new"},
            {"status": "merged", "duplicate_of": orig["id"]},
            "同一问题多渠道重复反映",
        )
        extra.append(dup)
    out.incidents.extend(extra)


def _answered_at(inc: dict[str, Any], now: dt.datetime) -> dt.datetime | None:
    """When the reporter was told: usually within a day of acceptance (受理告知), sometimes
    late, at the latest with the outcome. Derived from the id, so the year's random draws (and
    with them every other figure of a given seed) stay as they were."""
    start = inc["accepted_at"] or (inc["reported_at"] if inc["status"] == "merged" else None)
    if start is None:
        return inc["closed_at"]
    x = (inc["id"] * 2654435761 % 1000) / 1000
    hours = 0.5 + 30 * x * x if x < 0.92 else 40 + 2000 * (x - 0.92)
    at = start + dt.timedelta(hours=hours)
    if inc["closed_at"] is not None:
        at = min(at, inc["closed_at"])
    return at if at <= now else None


def _write(ctx: SeedContext, out: _Out) -> None:
    conn = ctx.conn
    for inc in out.incidents:
        inc["answered_at"] = _answered_at(inc, ctx.now)
    # through the writer every importer uses: the same due dates and answer deadlines
    copy_incidents(conn, out.incidents, Deadlines.of_connection(conn, ctx.calendar))
    reset_identity(conn, "incidents")
    copy_rows(
        conn,
        "work_orders",
        (
            "id",
            "number",
            "incident_id",
            "department_id",
            "mode",
            "lead_order_id",
            "dispatch_round",
            "status",
            "dispatched_at",
            "dispatched_by_id",
            "objection_deadline_at",
            "deadline_at",
            "accepted_at",
            "resolved_at",
            "closed_at",
            "handler_id",
            "objection_reason",
            "return_reason",
            "result",
            "version",
            "created_at",
            "updated_at",
        ),
        (
            (
                o.id,
                o.number,
                iid,
                o.dept,
                o.mode,
                o.lead,
                o.round,
                o.status,
                o.dispatched_at,
                o.dispatched_by,
                o.objection_deadline,
                o.deadline,
                o.accepted_at,
                o.resolved_at,
                o.closed_at,
                o.handler,
                o.objection_reason,
                o.return_reason,
                o.result,
                o.version,
                o.dispatched_at,
                o.closed_at or o.resolved_at or o.accepted_at or o.dispatched_at,
            )
            for iid, o in out.orders
        ),
    )
    reset_identity(conn, "work_orders")
    copy_rows(
        conn,
        "order_progress",
        ("order_id", "at", "user_id", "note", "attachments"),
        out.progress_rows,
    )
    copy_rows(
        conn,
        "return_visits",
        ("incident_id", "at", "by_user_id", "method", "satisfaction", "comment"),
        out.visits,
    )
    copy_rows(
        conn,
        "supervision_orders",
        (
            "id",
            "number",
            "level",
            "work_order_id",
            "responsible_leader",
            "issued_by_id",
            "issued_at",
            "deadline_at",
            "status",
            "reason",
            "resolution",
            "closed_at",
            "kind",
            "stage",
            "department_id",
            "town_id",
            "created_at",
            "updated_at",
        ),
        # stamped at the moment they record, not at the seed's run
        [(*r, r[6], r[11] or r[6]) for r in out.supervision],
    )
    reset_identity(conn, "supervision_orders")
    ctx.counts["incidents"] = len(out.incidents)
    ctx.counts["work_orders"] = len(out.orders)
    ctx.counts["supervision_orders"] = len(out.supervision)
    ctx.counts["return_visits"] = len(out.visits)
