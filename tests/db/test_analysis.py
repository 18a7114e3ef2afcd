"""Analysis (services/analysis.py) on the demo county and on planted data: every figure opens
exactly the records it counts, a planted spike warns and a flat or seasonal series does not."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.db.engine import libpq_url
from command_center.services import analysis as a
from command_center.services.audit import Actor
from command_center.services.queue import Query, count

_numbers = itertools.count(1)


def queue_count(session: Session, f: object, kind: str = "incidents") -> int:
    c = count(session, Query(kind, f), limit=10**9)  # type: ignore[arg-type]
    assert c.exact
    return c.value


def sql_count(session: Session, sql: str, **params: object) -> int:
    return int(session.execute(text(sql), params).scalar_one())


def quiet_grid(session: Session) -> tuple[int, int, int, str]:
    """A grid with no incident in the last 12 weeks (its village, town and a leaf category)."""
    now = clock.now()
    row = session.execute(
        text(
            "SELECT g.id, v.id, v.parent_id FROM admin_areas g JOIN admin_areas v "
            "ON v.id = g.parent_id WHERE g.level = 'grid' AND v.level = 'village' AND NOT EXISTS "
            "(SELECT 1 FROM incidents i WHERE i.grid_id = g.id AND i.reported_at > :since) "
            "ORDER BY g.id LIMIT 1"
        ),
        {"since": now - dt.timedelta(weeks=60)},
    ).one()
    leaf = session.execute(
        text(
            "SELECT code FROM categories c WHERE level = 3 AND NOT EXISTS "
            "(SELECT 1 FROM incidents i WHERE i.category_code = c.code) ORDER BY code LIMIT 1"
        )
    ).scalar()
    if leaf is None:
        leaf = session.execute(
            text("SELECT code FROM categories WHERE level = 3 ORDER BY code LIMIT 1")
        ).scalar_one()
    return int(row[0]), int(row[1]), int(row[2]), str(leaf)


def plant(
    session: Session, grid: tuple[int, int, int, str], times: list[dt.datetime],
    category: str | None = None,
) -> None:
    g, v, t, leaf = grid
    for at in times:
        session.execute(
            text(
                "INSERT INTO incidents (number, channel_code, category_code, title, reported_at, "
                "grid_id, village_id, town_id, status, address) VALUES (:n, 'grid_worker', :c, "
                "'planted', :at, :g, :v, :t, 'new', :addr)"
            ),
            {"n": f"TEST{next(_numbers):08d}", "c": category or leaf, "at": at, "g": g, "v": v,
             "t": t, "addr": f"planted address {g}"},
        )
    session.flush()


def kinds_for(warnings: list[a.Warning], subject_id: int) -> set[str]:
    return {
        w.kind for w in warnings
        if w.kind in ("spike_grid", "spike_village") and w.behind.area_id == subject_id
    }


# --- the test alone ------------------------------------------------------------------------


def test_spike_test_on_series() -> None:
    cfg = a.WarningConfig()
    assert not a.spike_test(6, [5, 6, 4, 7, 5, 6, 5, 6], [5, 5, 6], cfg).fired  # flat
    t = a.spike_test(20, [5, 6, 4, 7, 5, 6, 5, 6], [5, 5, 6], cfg)  # a spike
    assert t.fired and t.p_value < 0.01 and t.baseline == 6.0  # the higher of 5.5 and 6
    # seasonal: as high as this week a year ago, so not news
    assert not a.spike_test(20, [5, 6, 4, 7, 5, 6, 5, 6], [19, 21, 20], cfg).fired
    # too few cases to say anything, however quiet before
    assert not a.spike_test(4, [0] * 8, [0, 0, 0], cfg).fired
    assert a.spike_test(5, [0] * 8, [0, 0, 0], cfg).fired
    assert a.poisson_upper(0, 3.0) == 1.0
    assert a.poisson_upper(3, 1.0) == pytest.approx(1 - 2.5 * 2.718281828459045**-1, rel=1e-9)


# --- warnings on planted data --------------------------------------------------------------


def test_planted_spike_warns_and_opens_its_records(session: Session) -> None:
    now = clock.now()
    grid = quiet_grid(session)
    g, _v, _t, leaf = grid
    # a flat series: two a week for the last 12 weeks
    flat = [now - dt.timedelta(days=7 * w + 2) for w in range(12) for _ in range(2)]
    plant(session, grid, flat)
    before = a.warnings(session, now=now)
    assert not kinds_for(before, g)
    # the spike: ten more this week
    plant(session, grid, [now - dt.timedelta(hours=3 + i) for i in range(10)])
    after = a.warnings(session, now=now)
    spike = next(w for w in after if w.kind == "spike_grid" and w.behind.area_id == g)
    assert spike.count == 12
    assert spike.p_value is not None and spike.p_value < 0.01
    assert "泊松检验" in spike.why and "Poisson" in spike.why
    assert queue_count(session, spike.behind) == 12
    cat = next(w for w in after if w.kind == "spike_category" and w.behind.category_code == leaf)
    assert queue_count(session, cat.behind) == cat.count
    # the same problem at the same address, 12 times in 30 days
    rep = next(w for w in after if w.kind == "repeat_address" and w.subject.startswith(
        f"planted address {g}"))
    assert rep.count == sql_count(
        session, "SELECT count(*) FROM incidents WHERE grid_id = :g AND reported_at >= :s",
        g=g, s=now - dt.timedelta(days=30),
    ) == 10 + 2 * 5  # the spike and five weeks of the flat series
    assert queue_count(session, rep.behind) == rep.count


def test_seasonal_rise_does_not_warn(session: Session) -> None:
    now = clock.now()
    grid = quiet_grid(session)
    g = grid[0]
    # one a week all year, and a winter peak of twelve in this week of last year and this year
    weekly = [now - dt.timedelta(days=7 * w + 3) for w in range(1, 60)]
    peak_ly = [now - dt.timedelta(days=364 + 1, hours=i) for i in range(12)]
    peak = [now - dt.timedelta(days=1, hours=i) for i in range(12)]
    plant(session, grid, weekly + peak_ly + peak)
    assert not kinds_for(a.warnings(session, now=now), g)
    # without the year before to compare with, the same week would warn
    assert kinds_for(a.warnings(session, a.WarningConfig(seasonal=False), now=now), g)


def test_dismissal_needs_a_reason_is_audited_and_hides_the_warning(session: Session) -> None:
    now = clock.now()
    grid = quiet_grid(session)
    plant(session, grid, [now - dt.timedelta(hours=2 + i) for i in range(8)])
    spike = next(w for w in a.warnings(session, now=now) if w.behind.area_id == grid[0])
    admin = session.execute(
        text("SELECT id, display_name FROM app_users WHERE role_code = 'admin' LIMIT 1")
    ).one()
    with pytest.raises(a.AnalysisError, match=r"理由.*reason"):
        a.dismiss(session, Actor(admin[0], admin[1]), spike, "  ", now=now)
    analyst = session.execute(
        text("SELECT id, display_name FROM app_users WHERE role_code = 'analyst' LIMIT 1")
    ).one_or_none()
    if analyst is not None:
        with pytest.raises(a.AnalysisError, match="center"):
            a.dismiss(session, Actor(analyst[0], analyst[1]), spike, "read only", now=now)
    a.dismiss(session, Actor(admin[0], admin[1]), spike, "施工队临时聚集，已核实", now=now)
    left = a.warnings(session, now=now)
    assert spike.key not in {w.key for w in left}
    shown = a.warnings(session, now=now, include_dismissed=True)
    assert next(w for w in shown if w.key == spike.key).dismissed_reason == "施工队临时聚集，已核实"
    entry = session.execute(
        text("SELECT reason, after->>'key' FROM audit_log WHERE action = :a ORDER BY id DESC"),
        {"a": a.DISMISS_ACTION},
    ).first()
    assert entry == ("施工队临时聚集，已核实", spike.key)
    # a week later the dismissal has run out and the subject can warn again
    later = a.dismissals(session, now + dt.timedelta(days=8))
    assert a._dismiss_key(spike.key) not in later


# --- every figure opens exactly its records ------------------------------------------------


def test_figures_open_exactly_the_records_counted(session: Session) -> None:
    now = clock.now()
    p = a.Period(now - dt.timedelta(days=90), now)
    head = a.headline(session, p)
    assert head.incidents == sql_count(
        session,
        "SELECT count(*) FROM incidents WHERE reported_at >= :s AND reported_at < :e "
        "AND status <> 'merged'", s=p.start, e=p.end,
    )
    assert queue_count(session, head.behind) == head.incidents
    assert queue_count(session, head.behind_resolved) == head.resolved
    for bucket in a.BUCKETS:
        points = a.trend(session, p, bucket)
        assert sum(x.count for x in points) == head.incidents
        for x in points[:3] + points[-2:]:
            assert queue_count(session, x.behind) == x.count
            assert queue_count(session, x.behind_last_year) == x.last_year
    # categories through the three levels
    level = a.categories(session, p)
    assert level and sum(c.count for c in level) == sql_count(
        session,
        "SELECT count(*) FROM incidents WHERE reported_at >= :s AND reported_at < :e "
        "AND status <> 'merged' AND category_code IS NOT NULL", s=p.start, e=p.end,
    )
    depth = 0
    while level:
        depth += 1
        top = level[0]
        assert queue_count(session, top.behind) == top.count
        level = a.categories(session, p, top.key) if top.has_children else []
    assert depth == 3
    for share in a.channels(session, p)[:3] + a.regions(session, p)[:3]:
        assert queue_count(session, share.behind) == share.count
    town = a.regions(session, p)[0]
    villages = a.regions(session, p, "village", within=int(town.key))
    assert sum(x.count for x in villages) <= town.count
    assert queue_count(session, villages[0].behind) == villages[0].count


def test_departments_cells_open_their_orders(session: Session) -> None:
    now = clock.now()
    p = a.Period(now - dt.timedelta(days=60), now)
    rows = a.departments(session, p, now=now)
    d = next(r for r in rows if r.counts["received"])
    assert d.counts["received"] == sql_count(
        session,
        "SELECT count(*) FROM work_orders WHERE department_id = :d AND dispatched_at >= :s "
        "AND dispatched_at < :e AND status <> 'cancelled'", d=d.department_id, s=p.start,
        e=p.end,
    )
    for measure in a.ORDER_MEASURES:
        f = a.department_orders(session, p, d.department_id, measure, now=now)
        n = d.counts[measure]
        assert (queue_count(session, f, "orders") if n else 0) == n, measure
    assert d.score is not None and 0 <= d.score <= 100
    scores = [r.score for r in rows if r.score is not None]
    assert scores == sorted(scores, reverse=True)


def test_weights_keep_satisfaction_at_least_30_percent() -> None:
    with pytest.raises(a.AnalysisError, match="30%"):
        a.check_weights({"on_time": 0.5, "resolved": 0.3, "satisfaction": 0.2})
    with pytest.raises(a.AnalysisError, match="100%"):
        a.check_weights({"on_time": 0.5, "satisfaction": 0.3})
    w = a.check_weights({"on_time": 0.4, "resolved": 0.2, "satisfaction": 0.4})
    assert w["not_returned"] == 0.0
    counts = {"received": 10, "resolved": 10, "on_time": 5, "returned": 0,
              "second_dispatch": 0, "rated": 4, "satisfied": 2}
    assert a.score(counts, w) == pytest.approx(100 * (0.4 * 0.5 + 0.2 * 1 + 0.4 * 0.5))


def test_bad_month_is_refused_in_both_languages() -> None:
    with pytest.raises(a.AnalysisError, match=r"YYYY-MM.*YYYY-MM"):
        a.month_period("2026/13")
    p = a.month_period("2026-02")
    assert (p.start.day, p.end.month, p.end.day) == (1, 3, 1)


# --- the daily summary ---------------------------------------------------------------------

RAW_DAILY = " UNION ALL ".join(
    f"SELECT (reported_at AT TIME ZONE 'Asia/Shanghai')::date, '{dim}', {key}, "
    "status IN ('resolved','verified','closed'), count(*) FROM incidents WHERE status <> "
    "'merged' GROUP BY 1, 2, 3, 4"
    for dim, key in (
        ("town", "coalesce(town_id::text, '')"),
        ("village", "coalesce(village_id::text, '')"), ("grid", "coalesce(grid_id::text, '')"),
        ("category", "coalesce(category_code, '')"), ("channel", "channel_code"),
    )
)
SUMMARY = "SELECT day, dim, key, resolved, n FROM incident_daily WHERE n <> 0"


def _rows(session: Session, sql: str) -> set[tuple[object, ...]]:
    return {tuple(r) for r in session.execute(text(sql))}


def test_the_daily_summary_follows_every_change_of_the_incidents(session: Session) -> None:
    assert _rows(session, SUMMARY) == _rows(session, RAW_DAILY)  # as seeded (COPY)
    now = clock.now()
    grid = quiet_grid(session)
    plant(session, grid, [now - dt.timedelta(days=d, hours=3) for d in range(5)])
    ids = [r[0] for r in session.execute(text(
        "SELECT id FROM incidents WHERE title = 'planted' ORDER BY id"))]
    session.execute(text("UPDATE incidents SET status = 'resolved' WHERE id = :i"), {"i": ids[0]})
    session.execute(text("UPDATE incidents SET status = 'merged' WHERE id = :i"), {"i": ids[1]})
    session.execute(text(
        "UPDATE incidents SET category_code = NULL, town_id = NULL, reported_at = reported_at "
        "- interval '3 days' WHERE id = :i"), {"i": ids[2]})
    session.execute(text("DELETE FROM incidents WHERE id = :i"), {"i": ids[3]})
    # an ordinary change that moves nothing (a version bump) and a bulk one
    session.execute(text("UPDATE incidents SET version = version + 1 WHERE id = ANY(:i)"),
                    {"i": ids})
    session.execute(text(
        "UPDATE incidents SET status = 'closed' WHERE status = 'resolved' AND reported_at > :s"),
        {"s": now - dt.timedelta(days=20)})
    assert _rows(session, SUMMARY) == _rows(session, RAW_DAILY)
    p = a.Period(a.day_start(now.date() - dt.timedelta(days=10)),
                 a.day_start(now.date() + dt.timedelta(days=1)))
    assert a.whole_days(p) and not a.whole_days(a.Period(p.start, now))
    # the summary's answer and the incidents' own are the same
    assert a.count(session, p) == count_raw(session, p)
    assert a.count(session, p, a.Scope(area_id=grid[0])) == 3  # not the summary: a scope
    assert a._daily(session, p, "grid").get(grid[0]) == 3
    rebuilt = session.execute(text("SELECT cc_incident_daily_rebuild()")).scalar()
    assert rebuilt and _rows(session, SUMMARY) == _rows(session, RAW_DAILY)


def count_raw(session: Session, p: a.Period) -> int:
    return sql_count(
        session, "SELECT count(*) FROM incidents WHERE reported_at >= :s AND reported_at < :e "
        "AND status <> 'merged'", s=p.start, e=p.end,
    )


# --- the departments' summary (order_daily, alembic 0018) ----------------------------------

RAW_ORDERS = (
    "SELECT (o.dispatched_at AT TIME ZONE 'Asia/Shanghai')::date, o.department_id, count(*), "
    "count(*) FILTER (WHERE o.resolved_at IS NOT NULL), "
    "count(*) FILTER (WHERE o.resolved_at <= o.deadline_at), "
    "count(*) FILTER (WHERE o.resolved_at > o.deadline_at), "
    "count(*) FILTER (WHERE o.status IN ('returned', 'objected')), "
    "count(*) FILTER (WHERE o.dispatch_round >= 2), "
    "count(*) FILTER (WHERE i.satisfaction IS NOT NULL), "
    "count(*) FILTER (WHERE i.satisfaction >= 4) "
    "FROM work_orders o JOIN incidents i ON i.id = o.incident_id "
    "WHERE o.status <> 'cancelled' GROUP BY 1, 2"
)
ORDER_SUMMARY = (
    "SELECT day, department_id, received, resolved, on_time, late, returned, second_dispatch, "
    "rated, satisfied FROM order_daily WHERE received <> 0 OR resolved <> 0 OR on_time <> 0 "
    "OR late <> 0 OR returned <> 0 OR second_dispatch <> 0 OR rated <> 0 OR satisfied <> 0"
)


def new_order(session: Session, incident_id: int, dept: int, at: dt.datetime,
              status: str = "dispatched") -> int:
    return int(session.execute(text(
        "INSERT INTO work_orders (number, incident_id, department_id, mode, status, "
        "dispatched_at, deadline_at) VALUES (:n, :i, :d, 'assign', :st, :a, :dl) RETURNING id"),
        {"n": f"TESTO{next(_numbers):07d}", "i": incident_id, "d": dept, "st": status, "a": at,
         "dl": at + dt.timedelta(days=3)}).scalar_one())


def test_the_departments_summary_follows_every_change_of_orders_and_ratings(
    session: Session,
) -> None:
    assert _rows(session, ORDER_SUMMARY) == _rows(session, RAW_ORDERS)  # as seeded
    now = clock.now()
    grid = quiet_grid(session)
    plant(session, grid, [now - dt.timedelta(days=d, hours=2) for d in range(4)])
    inc = [r[0] for r in session.execute(text(
        "SELECT id FROM incidents WHERE title = 'planted' ORDER BY id"))]
    depts = [r[0] for r in session.execute(text("SELECT id FROM departments ORDER BY id LIMIT 2"))]
    o = [new_order(session, inc[k % 4], depts[k % 2], now - dt.timedelta(days=k, hours=1))
         for k in range(6)]
    # resolved on time, resolved late, returned, a second round, cancelled, moved department
    session.execute(text("UPDATE work_orders SET status = 'resolved', resolved_at = dispatched_at "
                         "+ interval '1 day' WHERE id = :i"), {"i": o[0]})
    session.execute(text("UPDATE work_orders SET status = 'resolved', resolved_at = deadline_at "
                         "+ interval '1 hour' WHERE id = :i"), {"i": o[1]})
    session.execute(text("UPDATE work_orders SET status = 'returned' WHERE id = :i"), {"i": o[2]})
    session.execute(text("UPDATE work_orders SET dispatch_round = 2 WHERE id = :i"), {"i": o[3]})
    session.execute(text("UPDATE work_orders SET status = 'cancelled' WHERE id = :i"), {"i": o[4]})
    session.execute(text("UPDATE work_orders SET department_id = :d, dispatched_at = "
                         "dispatched_at - interval '2 days' WHERE id = :i"),
                    {"d": depts[0], "i": o[5]})
    assert _rows(session, ORDER_SUMMARY) == _rows(session, RAW_ORDERS)
    # the return visit rates the incidents: their orders' satisfaction moves
    session.execute(text("UPDATE incidents SET satisfaction = 5 WHERE id = ANY(:i)"),
                    {"i": inc[:2]})
    session.execute(text("UPDATE incidents SET satisfaction = 2 WHERE id = :i"), {"i": inc[2]})
    session.execute(text("UPDATE incidents SET satisfaction = 3 WHERE id = :i"), {"i": inc[0]})
    assert _rows(session, ORDER_SUMMARY) == _rows(session, RAW_ORDERS)
    # deletes: an order, and a rated incident whose orders go with it (ON DELETE CASCADE)
    session.execute(text("DELETE FROM work_orders WHERE id = :i"), {"i": o[3]})
    session.execute(text("DELETE FROM incidents WHERE id = :i"), {"i": inc[1]})
    # a bulk change of thousands of orders, and one that moves nothing
    session.execute(text("UPDATE work_orders SET dispatch_round = dispatch_round + 1 "
                         "WHERE dispatched_at > :s"), {"s": now - dt.timedelta(days=20)})
    session.execute(text("UPDATE work_orders SET version = version + 1 WHERE id = ANY(:i)"),
                    {"i": o})
    assert _rows(session, ORDER_SUMMARY) == _rows(session, RAW_ORDERS)
    # the panel reads the summary for whole days and counts the same as the orders
    p = a.Period(a.day_start(now.date() - dt.timedelta(days=30)),
                 a.day_start(now.date() + dt.timedelta(days=1)))
    assert a._order_counts(session, p, now) == a._order_counts_live(session, p, now)
    rebuilt = session.execute(text("SELECT cc_order_daily_rebuild()")).scalar()
    assert rebuilt and _rows(session, ORDER_SUMMARY) == _rows(session, RAW_ORDERS)


def test_supervision_score_stands_in_the_departments_table_where_there_is_one(
    session: Session,
) -> None:
    now = clock.now()
    p = a.Period(a.day_start(now.date() - dt.timedelta(days=9)),
                 a.day_start(now.date() + dt.timedelta(days=1)))
    session.execute(text("DELETE FROM score_points"))
    assert all(r.supervision is None for r in a.departments(session, p, now=now))
    dept, order = session.execute(text(
        "SELECT department_id, id FROM work_orders ORDER BY id DESC LIMIT 1")).one()
    months = a._months_of(p)
    for month in months:
        session.execute(text(
            "INSERT INTO score_points (month, unit_type, unit_id, points, rule, work_order_id, "
            "reason, at) VALUES (:m, 'department', :d, -4, 'overdue', :o, 'test', :at)"),
            {"m": month, "d": dept, "o": order, "at": now})
    rows = {r.department_id: r for r in a.departments(session, p, now=now)}
    s = rows[dept].supervision
    assert s is not None and s.score == 96.0 and s.months == len(months) and not s.final
    assert queue_count(session, a.supervision_orders(session, p, dept), "orders") == 1
    behind = a.department_orders(session, p, dept, a.SUPERVISION, now=now)
    assert behind.ids == (order,)
    # the points summed per month equal the points themselves, after a delete and a rebuild
    raw = ("SELECT month, unit_type, unit_id, rule, sum(points), count(*) FROM score_points "
           "GROUP BY 1, 2, 3, 4")
    summed = ("SELECT month, unit_type, unit_id, rule, points, n FROM score_point_monthly "
              "WHERE n <> 0")
    assert _rows(session, summed) == _rows(session, raw)
    session.execute(text("DELETE FROM score_points WHERE month = :m"), {"m": months[0]})
    assert _rows(session, summed) == _rows(session, raw)
    rebuilt = session.execute(text("SELECT cc_score_point_monthly_rebuild()")).scalar()
    assert rebuilt is not None and _rows(session, summed) == _rows(session, raw)
    other = next(r for d, r in rows.items() if d != dept)
    assert other.supervision is not None and other.supervision.score == 100.0


# --- disputes: their sources, and rising dispute risk ---------------------------------------


def plant_case(session: Session, town: int, at: dt.datetime, *, risk: str = "low",
               source: str = "walk_in", incident_id: int | None = None) -> int:
    return int(session.execute(text(
        "INSERT INTO dispute_cases (number, type_code, summary, source, room_level, town_id, "
        "risk_level, received_at, incident_id, source_reference) VALUES (:n, (SELECT code FROM "
        "dispute_types ORDER BY code LIMIT 1), 'planted case', :src, 'town', :t, :r, :at, :i, "
        ":ref) RETURNING id"),
        {"n": f"TJT{next(_numbers):09d}", "src": source, "t": town, "r": risk, "at": at,
         "i": incident_id, "ref": "ref" if source in ("court", "police", "petition") else None},
    ).scalar_one())


def case_ids(session: Session, f: object) -> list[int]:
    from command_center.services import disputes

    return sorted(r.id for r in disputes.case_page(session, f, limit=10**6).rows)  # type: ignore[arg-type]


def test_sources_of_disputes_count_every_case_once_and_open_them(session: Session) -> None:
    now = clock.now()
    p = a.Period(a.day_start(now.date() - dt.timedelta(days=89)),
                 a.day_start(now.date() + dt.timedelta(days=1)))
    town = session.execute(text("SELECT id FROM admin_areas WHERE level = 'town' LIMIT 1")
                           ).scalar_one()
    incident = session.execute(text("SELECT max(id) FROM incidents")).scalar_one()
    made = plant_case(session, town, now - dt.timedelta(hours=5), source="hotline",
                      incident_id=incident)
    for source in ("walk_in", "court", "police", "petition"):  # the room's intake, transfers
        plant_case(session, town, now - dt.timedelta(days=2), source=source)
    rows = {r.key: r for r in a.dispute_sources(session, p)}
    assert sum(r.count for r in rows.values()) == sql_count(
        session, "SELECT count(*) FROM dispute_cases WHERE received_at >= :s AND received_at "
        "< :e", s=p.start, e=p.end)
    # a case made from an incident counts there, not under its source
    assert case_ids(session, rows[a.DISPUTE_FROM_INCIDENT].behind) == [made]
    assert rows["court"].count == sql_count(
        session, "SELECT count(*) FROM dispute_cases WHERE received_at >= :s AND received_at "
        "< :e AND source = 'court' AND incident_id IS NULL", s=p.start, e=p.end)
    for r in rows.values():
        assert len(case_ids(session, r.behind)) == r.count, r.key
    assert {"walk_in", "court", "police", "petition"} <= set(rows)


def test_rising_dispute_risk_warns_and_a_steady_town_does_not(session: Session) -> None:
    now = clock.now()
    towns = [r[0] for r in session.execute(text(
        "SELECT id FROM admin_areas WHERE level = 'town' ORDER BY id LIMIT 2"))]
    # a clean slate for the two towns: their high-risk cases of the last ten weeks lowered
    session.execute(text(
        "UPDATE dispute_cases SET risk_level = 'low' WHERE town_id = ANY(:t) AND received_at > "
        ":s"), {"t": towns, "s": now - dt.timedelta(weeks=10)})
    rising, steady = towns
    planted = [plant_case(session, rising, now - dt.timedelta(days=d, hours=1), risk="high")
               for d in range(4)]
    for week in range(9):  # one major case a week, every week: no rise
        plant_case(session, steady, now - dt.timedelta(days=7 * week + 1), risk="major")
    warned = {w.subject: w for w in a.warnings(session)
              if w.kind == "dispute_risk"}
    names = dict(session.execute(text(
        "SELECT id, name FROM admin_areas WHERE id = ANY(:t)"), {"t": towns}).all())
    w = warned.get(names[rising])
    assert w is not None and w.count == 4 and w.records == "disputes"
    assert "p=" in w.why and "高/重大" in w.why
    assert case_ids(session, w.behind) == sorted(planted)
    assert names[steady] not in warned


# --- the repeat reporters' and addresses' summary (incident_repeat_keys, alembic 0024) -----

RAW_REPEAT = (
    "SELECT h, kind, array_to_string(array_agg(day ORDER BY day), ',') FROM (SELECT "
    f"{a.REPEAT_PHONE_HASH} AS h, 0 AS kind, (reported_at AT TIME ZONE 'Asia/Shanghai')::date "
    "AS day FROM incidents WHERE status <> 'merged' AND reporter_phone_masked <> '' UNION ALL "
    f"SELECT {a.REPEAT_ADDRESS_HASH}, 1, (reported_at AT TIME ZONE 'Asia/Shanghai')::date FROM "
    "incidents WHERE status <> 'merged' AND address <> '' AND category_code IS NOT NULL) x "
    "GROUP BY 1, 2"
)
REPEAT_SUMMARY = (
    "SELECT h, kind, array_to_string(days, ',') FROM incident_repeat_keys "
    "WHERE cardinality(days) > 0"
)
PREV_DAY_RIGHT = (  # the generated second latest day
    "SELECT count(*) FROM incident_repeat_keys WHERE prev_day IS DISTINCT FROM "
    "(SELECT d FROM unnest(days) d ORDER BY d DESC OFFSET 1 LIMIT 1)"
)


def plain_repeats(session: Session, cfg: a.WarningConfig, now: dt.datetime) -> set[object]:
    """The repeat warnings as a plain GROUP BY over the window's incidents (what the panel
    showed before the summary): (kind, key parts, count, records)."""
    s = now - dt.timedelta(days=cfg.repeat_days)
    out: set[object] = set()
    for p, k, ids in session.execute(text(
        "SELECT reporter_phone_masked, count(*), array_agg(id) FROM incidents WHERE "
        "reported_at >= :s AND reported_at < :e AND status <> 'merged' AND "
        "reporter_phone_masked <> '' GROUP BY 1 HAVING count(*) >= :k"),
        {"s": s, "e": now, "k": cfg.repeat_min},
    ):
        out.add(("repeat_reporter", f"{p}", k, tuple(sorted(ids))))
    for addr, cat, k, ids in session.execute(text(
        "SELECT address, category_code, count(*), array_agg(id) FROM incidents WHERE "
        "reported_at >= :s AND reported_at < :e AND status <> 'merged' AND address <> '' AND "
        "category_code IS NOT NULL GROUP BY 1, 2 HAVING count(*) >= :k"),
        {"s": s, "e": now, "k": cfg.repeat_min},
    ):
        out.add(("repeat_address", f"{addr}:{cat}", k, tuple(sorted(ids))))
    return out


def summary_repeats(session: Session, cfg: a.WarningConfig, now: dt.datetime) -> set[object]:
    got = a._repeats(session, cfg, now)
    assert len({w.key for w in got}) == len(got)
    return {
        (w.kind, w.key.split(":", 1)[1].rsplit(":", 1)[0], w.count, w.behind.ids) for w in got
    }


def test_repeat_warnings_from_the_summary_equal_the_plain_query(session: Session) -> None:
    assert _rows(session, REPEAT_SUMMARY) == _rows(session, RAW_REPEAT)  # as seeded (COPY)
    cfg = a.WarningConfig()
    now = clock.now()
    assert summary_repeats(session, cfg, now) == plain_repeats(session, cfg, now)
    grid = quiet_grid(session)
    g, v, t, leaf = grid
    since = now - dt.timedelta(days=cfg.repeat_days)

    def add(at: dt.datetime, phone: str | None, address: str) -> int:
        return int(session.execute(text(
            "INSERT INTO incidents (number, channel_code, category_code, title, reported_at, "
            "grid_id, village_id, town_id, status, address, reporter_phone) VALUES (:n, "
            "'grid_worker', :c, 'repeat', :at, :g, :v, :t, 'new', :addr, :ph) RETURNING id"),
            {"n": f"TEST{next(_numbers):08d}", "c": leaf, "at": at, "g": g, "v": v, "t": t,
             "addr": address, "ph": phone},
        ).scalar_one())

    # a number and an address reported three times, the first time just before the window
    # (the same day as its start, which the summary's whole days cover) and twice in it
    edge = since - dt.timedelta(minutes=1)
    ids = [add(at, "13912340001", "repeat road 1")
           for at in (edge, now - dt.timedelta(days=3), now - dt.timedelta(hours=2))]
    got = summary_repeats(session, cfg, now)
    assert got == plain_repeats(session, cfg, now)
    assert not any(x[1] == f"repeat road 1:{leaf}" for x in got)  # 2 in the window, not 3
    ids.append(add(now - dt.timedelta(days=1), "13912340001", "repeat road 1"))
    got = summary_repeats(session, cfg, now)
    assert got == plain_repeats(session, cfg, now)
    assert any(x[1] == f"repeat road 1:{leaf}" and x[2] == 3 for x in got)
    # a merge takes one out; a change of number or address moves it; a delete removes it
    session.execute(text("UPDATE incidents SET status = 'merged' WHERE id = :i"), {"i": ids[1]})
    assert summary_repeats(session, cfg, now) == plain_repeats(session, cfg, now)
    session.execute(text("UPDATE incidents SET status = 'new' WHERE id = :i"), {"i": ids[1]})
    session.execute(text(
        "UPDATE incidents SET reporter_phone = '13912340002', address = 'repeat road 2' "
        "WHERE id = :i"), {"i": ids[2]})
    got = summary_repeats(session, cfg, now)
    assert got == plain_repeats(session, cfg, now)
    assert not any(x[1] == f"repeat road 1:{leaf}" for x in got)
    session.execute(text(
        "UPDATE incidents SET address = 'repeat road 1', reported_at = :at WHERE id = :i"),
        {"i": ids[0], "at": now - dt.timedelta(days=5)})  # into the window
    got = summary_repeats(session, cfg, now)
    assert got == plain_repeats(session, cfg, now)
    assert any(x[1] == f"repeat road 1:{leaf}" and x[2] == 3 for x in got)
    session.execute(text("DELETE FROM incidents WHERE id = :i"), {"i": ids[3]})
    assert summary_repeats(session, cfg, now) == plain_repeats(session, cfg, now)
    # a bulk insert of many (one statement), and the other thresholds
    session.execute(text(
        "INSERT INTO incidents (number, channel_code, category_code, title, reported_at, "
        "grid_id, village_id, town_id, status, address, reporter_phone) SELECT 'TESTB' || x, "
        "'grid_worker', :c, 'bulk', :now - x * interval '7 hours', :g, :v, :t, 'new', "
        "'bulk road ' || x % 7, '1391234' || lpad((x % 5)::text, 4, '0') "
        "FROM generate_series(1, 300) x"), {"c": leaf, "now": now, "g": g, "v": v, "t": t})
    for c in (cfg, a.WarningConfig(repeat_days=7, repeat_min=2), a.WarningConfig(repeat_min=40)):
        assert summary_repeats(session, c, now) == plain_repeats(session, c, now)
    assert _rows(session, REPEAT_SUMMARY) == _rows(session, RAW_REPEAT)
    assert sql_count(session, PREV_DAY_RIGHT) == 0
    rebuilt = session.execute(text("SELECT cc_incident_repeat_keys_rebuild()")).scalar()
    assert rebuilt and _rows(session, REPEAT_SUMMARY) == _rows(session, RAW_REPEAT)
    assert sql_count(session, PREV_DAY_RIGHT) == 0


def test_repeat_warnings_at_an_earlier_moment_and_every_threshold(session: Session) -> None:
    """The summary's candidates when reports came after the moment asked about (a key's latest
    days lie beyond the window), at thresholds 1 to 4, and a change of status that moves no key
    leaves its row alone."""
    cfg = a.WarningConfig()
    now = clock.now()
    g, v, t, leaf = quiet_grid(session)

    def add(at: dt.datetime, phone: str, address: str) -> int:
        return int(session.execute(text(
            "INSERT INTO incidents (number, channel_code, category_code, title, reported_at, "
            "grid_id, village_id, town_id, status, address, reporter_phone) VALUES (:n, "
            "'grid_worker', :c, 'repeat', :at, :g, :v, :t, 'new', :addr, :ph) RETURNING id"),
            {"n": f"TEST{next(_numbers):08d}", "c": leaf, "at": at, "g": g, "v": v, "t": t,
             "addr": address, "ph": phone},
        ).scalar_one())

    then = now - dt.timedelta(days=20)
    # three reports in the window ending at ``then``, four more after it
    ids = [add(then - dt.timedelta(days=d, hours=1), "13912349001", "later road 1")
           for d in (1, 4, 9)]
    ids += [add(then + dt.timedelta(days=d), "13912349001", "later road 1") for d in (1, 2, 3, 5)]
    # two in the window ending at ``then``, one just after it
    add(then - dt.timedelta(days=2), "13912349002", "later road 2")
    add(then - dt.timedelta(days=3), "13912349002", "later road 2")
    add(then + dt.timedelta(hours=2), "13912349002", "later road 2")
    for c in (cfg, a.WarningConfig(repeat_min=2), a.WarningConfig(repeat_min=1),
              a.WarningConfig(repeat_min=4), a.WarningConfig(repeat_days=7, repeat_min=2)):
        for at in (then, now, then + dt.timedelta(days=2, hours=12)):
            assert summary_repeats(session, c, at) == plain_repeats(session, c, at), (c, at)
    got = summary_repeats(session, cfg, then)
    assert any(x[1] == "later road 1:" + leaf and x[2] == 3 for x in got)
    assert not any(x[1] == "later road 2:" + leaf for x in got)
    assert any(x[1] == "later road 2:" + leaf and x[2] == 2
               for x in summary_repeats(session, a.WarningConfig(repeat_min=2), then))
    # a change of status moves no key: the key's row is not rewritten
    h = session.execute(text(f"SELECT {a.REPEAT_ADDRESS_HASH} FROM incidents WHERE id = :i"),
                        {"i": ids[0]}).scalar_one()
    key = text("SELECT xmin::text, days, prev_day FROM incident_repeat_keys "
               "WHERE kind = 1 AND h = :h")
    before = session.execute(key, {"h": h}).one()
    assert len(before[1]) == 7
    session.execute(text("UPDATE incidents SET status = 'accepted' WHERE id = ANY(:i)"),
                    {"i": ids})
    assert session.execute(key, {"h": h}).one() == before
    # all of a key's incidents gone: its row holds no day, and the summary still equals them
    session.execute(text("DELETE FROM incidents WHERE id = ANY(:i)"), {"i": ids})
    assert tuple(session.execute(key, {"h": h}).one())[1:] == ([], None)
    assert _rows(session, REPEAT_SUMMARY) == _rows(session, RAW_REPEAT)
    for at in (then, now):
        assert summary_repeats(session, cfg, at) == plain_repeats(session, cfg, at)



def test_repeat_keys_keep_both_of_two_concurrent_reports_of_one_number(db_url: str) -> None:
    """Two transactions report the same number at once: the second waits for the first and adds
    its day to the key as the first left it (no lost update)."""
    insert = (
        "INSERT INTO incidents (number, channel_code, title, reported_at, status, "
        "reporter_phone) VALUES (%s, 'hotline', 'same number', %s, 'new', '13912347777')"
    )
    day = dt.datetime(2026, 11, 20, 9, tzinfo=clock.CST)
    with psycopg.connect(libpq_url(db_url), autocommit=True) as setup:
        setup.execute("INSERT INTO channels (code, name, name_en) VALUES ('hotline', '热线', "
                      "'Hotline')")
        setup.execute(insert, ("C1", day - dt.timedelta(days=3)))
    with psycopg.connect(libpq_url(db_url)) as first, psycopg.connect(libpq_url(db_url)) as second:
        first.execute(insert, ("C2", day - dt.timedelta(days=1)))

        def report() -> None:
            second.execute(insert, ("C3", day))
            second.commit()

        waiter = threading.Thread(target=report)
        waiter.start()
        waiter.join(0.5)
        assert waiter.is_alive()  # waits for the first transaction's row of the key
        first.commit()
        waiter.join(10)
        assert not waiter.is_alive()
    with psycopg.connect(libpq_url(db_url), autocommit=True) as check:
        rows = check.execute("SELECT days, prev_day FROM incident_repeat_keys").fetchall()
    assert rows == [([day.date() - dt.timedelta(days=3), day.date() - dt.timedelta(days=1),
                      day.date()], day.date() - dt.timedelta(days=1))]
