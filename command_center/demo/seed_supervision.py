"""The demo county's year through the sweep's rules: extension requests, reminders, overdue
supervision, yellow and red cards, the monthly score.

Set-based rather than a sweep per simulated minute: for each order of the year, the steps a
sweep running every minute would have raised between its dispatch and its resolution (or now)
come from :func:`services.supervision.history_steps` — the same moments, limits
(:func:`~command_center.services.supervision.choose_limits`), reasons and points the live sweep
uses. A step is closed when its order was done, the lower ones escalated by the higher;
extension requests (made by departments before the deadline, decided by a supervisor) move
the deadline before the steps are computed, and a request still waiting when its order was
carded lapses, as the sweep lapses it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from command_center.clock import CST
from command_center.db.bulk import copy_rows, reset_identity
from command_center.demo.seed import SeedContext
from command_center.models.incident import OPEN_ORDER_STATUSES
from command_center.services import settings
from command_center.services import supervision as sv

EXTENSION_SHARE = 0.10  # of the orders that used most of their time
LAPSE_SHARE = 0.25  # of the carded orders, a request made after the deadline that lapsed
REASONS = (
    "需协调多个部门现场勘查",
    "涉及资金审批，流程较长",
    "当事人外出，暂无法联系",
    "需等待第三方检测结果",
    "施工受天气影响",
)
NOTES_PARTIAL = ("先给两个工作日，抓紧办理", "时间从严掌握，部分同意")
NOTES_REFUSED = ("理由不充分，请按期办结", "不同意延期，请加派力量")


def supervision(ctx: SeedContext) -> None:
    conn, rng, cal, now = ctx.conn, ctx.rng, ctx.calendar, ctx.now
    limits_setting = settings.DEFAULTS["orders.card_limits"][0]
    points = settings.DEFAULTS["orders.score_points"][0]
    supervisor = ctx.users["duban1"]
    chains = _chains(conn)
    orders = conn.execute(
        "SELECT w.id, w.number, w.incident_id, w.department_id, i.town_id, w.dispatched_at, "
        "w.deadline_at, w.status, w.resolved_at, w.closed_at, w.updated_at, i.category_code, "
        "d.kind, i.satisfaction FROM work_orders w JOIN incidents i ON i.id = w.incident_id "
        "JOIN departments d ON d.id = w.department_id ORDER BY w.id"
    ).fetchall()
    next_id = (
        conn.execute("SELECT coalesce(max(id), 0) FROM supervision_orders").fetchone() or (0,)
    )[0] + 1
    ext_id = (
        conn.execute("SELECT coalesce(max(id), 0) FROM deadline_extensions").fetchone() or (0,)
    )[0]
    sup_rows: list[tuple[Any, ...]] = []
    point_rows: list[tuple[Any, ...]] = []
    ext_rows: list[tuple[Any, ...]] = []
    moved: list[tuple[int, dt.datetime]] = []
    # each open order's next step, as a sweep leaves it
    due_rows: list[tuple[int, dt.datetime]] = []
    open_set = {str(s) for s in OPEN_ORDER_STATUSES}
    for (
        oid,
        number,
        _inc,
        dept,
        town,
        dispatched,
        deadline,
        status,
        resolved,
        closed,
        updated,
        category,
        kind,
        satisfaction,
    ) in orders:
        still_open = status in open_set
        end = now if still_open else (resolved or closed or updated)
        limits = sv.choose_limits(limits_setting, chains.get(category, []), kind)
        handler = ctx.handlers.get(dept, (None, "承办部门"))
        # a department asks for more time before the deadline; a supervisor decides
        used = (
            (min(end, now) - dispatched) / (deadline - dispatched) if deadline > dispatched else 0
        )
        if used > 0.6 and rng.random() < EXTENSION_SHARE:
            asked_at = dispatched + (deadline - dispatched) * rng.uniform(0.35, 0.55)
            days = rng.choice((2, 3, 5))
            decided_at = asked_at + dt.timedelta(hours=rng.uniform(2, 20))
            if decided_at < min(deadline, now):
                roll = rng.random()
                granted = days if roll < 0.55 else rng.randint(1, days - 1) if roll < 0.8 else 0
                state = "granted" if granted == days else "partial" if granted else "refused"
                note = (
                    None
                    if state == "granted"
                    else rng.choice(NOTES_PARTIAL if granted else NOTES_REFUSED)
                )
                after = cal.add_working_days(deadline, granted) if granted else None
                ext_id += 1
                ext_rows.append(
                    (
                        ext_id,
                        oid,
                        dept,
                        days,
                        rng.choice(REASONS),
                        asked_at,
                        handler[0],
                        state,
                        granted,
                        decided_at,
                        supervisor[0],
                        note,
                        deadline,
                        after,
                    )
                )
                ctx.add_audit(
                    asked_at,
                    handler,
                    "extension.request",
                    "deadline_extension",
                    ext_id,
                    f"{handler[1]} 为工单 {number} 申请延期{days}个工作日",
                    None,
                    {"requested_days": days, "status": "pending"},
                )
                zh = sv.EXTENSION_TEXT[state][0]
                ctx.add_audit(
                    decided_at,
                    supervisor,
                    "extension.decide",
                    "deadline_extension",
                    ext_id,
                    f"{supervisor[1]} 审批工单 {number} 的延期申请：{zh}"
                    f"（{granted}/{days}个工作日）",
                    {"status": "pending"},
                    {"status": state, "granted_days": granted},
                    note,
                )
                if after is not None:
                    moved.append((oid, after))
                    deadline = after
        steps = sv.history_steps(dispatched, deadline, end, limits, cal)
        if still_open:
            next_at = sv.next_due(now, dispatched, deadline, limits, cal, [s for s, _ in steps])
            if next_at is not None:
                due_rows.append((oid, next_at))
        # a request made once overdue, still waiting when the yellow card came: lapsed
        carded = next((at for stage, at in steps if stage in sv.CARD_STAGES), None)
        overdue_at = next((at for stage, at in steps if stage == "overdue"), None)
        if carded is not None and overdue_at is not None and rng.random() < LAPSE_SHARE:
            asked_at = overdue_at + (carded - overdue_at) * rng.uniform(0.1, 0.6)
            ext_id += 1
            ext_rows.append(
                (
                    ext_id,
                    oid,
                    dept,
                    rng.choice((3, 5)),
                    rng.choice(REASONS),
                    asked_at,
                    handler[0],
                    "lapsed",
                    None,
                    carded,
                    None,
                    "工单已亮牌，延期申请失效 / the order was carded",
                    deadline,
                    None,
                )
            )
            ctx.add_audit(
                carded,
                (None, "督办巡检"),
                "extension.lapse",
                "deadline_extension",
                ext_id,
                f"工单 {number} 已亮牌，延期申请失效",
                {"status": "pending"},
                {"status": "lapsed"},
                "亮牌后待批的延期申请失效 / a card lapses a pending request",
            )
        for k, (stage, at) in enumerate(steps):
            sid = next_id
            next_id += 1
            last = k == len(steps) - 1
            if not last:
                state, closed_at = "escalated", None
            elif still_open:
                state, closed_at = "open", None
            else:
                state, closed_at = "closed", end
            card_limits = limits if stage in sv.CARD_STAGES else None
            zh, en = sv.step_reason(stage, deadline, card_limits)
            sup_rows.append(
                (
                    sid,
                    f"DB{at.astimezone(CST):%Y%m%d}{sid:05d}",
                    "supervise",
                    "auto",
                    stage,
                    oid,
                    dept,
                    town,
                    None,
                    at,
                    deadline if stage == "remind" else cal.add_working_days(at, 3),
                    state,
                    zh,
                    en,
                    closed_at,
                    "工单已办结，自动销号 / the order is done" if state == "closed" else None,
                )
            )
            ctx.add_audit(
                at,
                (None, "督办巡检"),
                "supervision.sweep",
                "supervision_order",
                sid,
                f"督办巡检：工单 {number} {sv.STAGE_TEXT[stage][0]}"
                f"（DB{at.astimezone(CST):%Y%m%d}{sid:05d}）",
                None,
                {"level": "supervise", "stage": stage, "status": "open"},
                zh,
            )
            value = int(points.get(stage, 0) or 0)
            if stage in sv.CARD_STAGES or stage == "overdue":
                for unit_type, unit_id in (("department", dept), ("town", town)):
                    if unit_id is None or not (value or stage in sv.DUE_RULES):
                        continue
                    point_rows.append(
                        (
                            sv.month_of(at),
                            unit_type,
                            unit_id,
                            value,
                            stage,
                            sid,
                            oid,
                            f"工单 {number} {sv.STAGE_TEXT[stage][0]}：{zh}",
                            f"order {number}, {sv.STAGE_TEXT[stage][1]}: {en}",
                            at,
                        )
                    )
        # what became of the order (the outcome rules of services/supervision)
        outcome = []
        if status == "returned":
            outcome.append(("returned", end))
        if status == "closed" and resolved is not None and resolved <= deadline:
            outcome.append(("on_time", closed or end))
        if status == "closed" and satisfaction is not None and satisfaction >= 4:
            outcome.append(("satisfied", closed or end))
        for rule, at in outcome:
            value = int(points.get(rule, 0) or 0)
            zh_r, en_r = sv._OUTCOME_REASON[rule]
            for unit_type, unit_id in sv.outcome_units(dept, kind, town):
                if not (value or rule in sv.DUE_RULES):
                    continue
                point_rows.append(
                    (
                        sv.month_of(at),
                        unit_type,
                        unit_id,
                        value,
                        rule,
                        None,
                        oid,
                        zh_r.replace("{n}", number),
                        en_r.replace("{n}", number),
                        at,
                    )
                )
    if moved:
        with conn.cursor() as cur:
            cur.execute(
                "UPDATE work_orders w SET deadline_at = m.d FROM unnest(%s::bigint[], "
                "%s::timestamptz[]) AS m(id, d) WHERE w.id = m.id",
                ([i for i, _ in moved], [d for _, d in moved]),
            )
    copy_rows(
        conn,
        "deadline_extensions",
        (
            "id",
            "work_order_id",
            "department_id",
            "requested_days",
            "reason",
            "requested_at",
            "requested_by_id",
            "status",
            "granted_days",
            "decided_at",
            "decided_by_id",
            "decision_note",
            "deadline_before",
            "deadline_after",
        ),
        ext_rows,
    )
    reset_identity(conn, "deadline_extensions")
    copy_rows(
        conn,
        "supervision_orders",
        (
            "id",
            "number",
            "level",
            "kind",
            "stage",
            "work_order_id",
            "department_id",
            "town_id",
            "issued_by_id",
            "issued_at",
            "deadline_at",
            "status",
            "reason",
            "reason_en",
            "closed_at",
            "resolution",
            "created_at",
            "updated_at",
        ),
        # stamped at the moment they record, not at the seed's run
        [(*r, r[9], r[14] or r[9]) for r in sup_rows],
    )
    reset_identity(conn, "supervision_orders")
    copy_rows(
        conn,
        "score_points",
        (
            "month",
            "unit_type",
            "unit_id",
            "points",
            "rule",
            "supervision_id",
            "work_order_id",
            "reason",
            "reason_en",
            "at",
        ),
        point_rows,
    )
    # the sweep's queue as a sweep running all year leaves it: each open order at its next step.
    # Writing the year's steps marked every order that ever had one (276,000 of them at scale
    # 16, 18,000 open) due at once through the triggers of alembic 0017, and the first sweep
    # then read them all (and tried their outcome points again): 21 s instead of 3.
    conn.execute("DELETE FROM supervision_due")
    copy_rows(conn, "supervision_due", ("work_order_id", "due_at"), due_rows)
    # the sweep carries on from here: its watermark is the newest order. No rules key: the
    # year went through the reminder, overdue and card rules, not the listing proposals (focus
    # problems, repeated reports), so the first sweep is a full one and raises those for the
    # open orders — the same ones a full sweep forced at any time after it would
    conn.execute(
        "INSERT INTO supervision_sweeps (id, last_run_at, last_order_id, last_created) "
        "VALUES (1, %s, (SELECT coalesce(max(id), 0) FROM work_orders), %s)",
        (now, len(sup_rows)),
    )
    ctx.counts["supervision_steps"] = len(sup_rows)
    ctx.counts["deadline_extensions"] = len(ext_rows)
    ctx.counts["score_points"] = len(point_rows)


def _chains(conn: Any) -> dict[str, list[str]]:
    parents = dict(conn.execute("SELECT code, parent_code FROM categories").fetchall())
    out = {}
    for start in parents:
        chain: list[str] = []
        code = start
        while code is not None and code not in chain:
            chain.append(code)
            code = parents.get(code)
        out[start] = chain
    return out
