"""The incremental sweep (alembic 0017) on real PostgreSQL: an idle sweep looks at no order,
and stays idle after an extension moves a deadline, while a holiday added to the calendar or
an order's outcome is seen; repeated reports by one reporter matched without any phone in what
the database returns; the score's points for returned orders, on-time closure and satisfied
reporters, recomputed in SQL."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from sqlalchemy import text

from command_center.db.engine import libpq_url
from command_center.services import audit
from command_center.services import scores as sc
from command_center.services import supervision as sv
from tests.conftest import login_url
from tests.db.test_supervision import (  # noqa: F401 (fixtures)
    Sessions,
    actor,
    at,
    engine,
    make_order,
    scores_in_sql,
    stages,
)


def due(s, order: int) -> dt.datetime | None:  # type: ignore[no-untyped-def]
    return s.scalar(
        text("SELECT due_at FROM supervision_due WHERE work_order_id = :o"), {"o": order}
    )


def test_an_idle_sweep_looks_at_nothing_and_stays_idle_after_an_extension(Sessions) -> None:  # noqa: F811
    with Sessions() as s:
        # Monday 7 September 9:00 to Friday 11 September 9:00: 75 % on Thursday 9:00
        order = make_order(s, "police", at(2026, 9, 7, 9), at(2026, 9, 11, 9))
        first = sv.sweep(s, now=at(2026, 9, 8, 12))
        assert first.examined >= 1
        assert due(s, order) == at(2026, 9, 10, 9)  # next: the reminder
        idle = sv.sweep(s, now=at(2026, 9, 8, 12, 1))
        assert (idle.examined, idle.changed, idle.full) == (0, 0, False)

        ext = sv.request_extension(s, actor(s, "bm_police"), order, 3, "需协调多个部门")
        sv.decide_extension(s, actor(s, "duban1"), ext.id, 3, "")
        moved = sv.sweep(s, now=at(2026, 9, 8, 12, 2))
        assert moved.examined == 1 and moved.changed == 0
        # the deadline is now Wednesday 16 September 9:00 (three working days after Friday):
        # 75 % of the 216 hours since the dispatch is Monday 14 September 3:00
        assert due(s, order) == at(2026, 9, 14, 3)
        again = sv.sweep(s, now=at(2026, 9, 8, 12, 3))
        assert (again.examined, again.changed) == (0, 0)
        assert sv.sweep(s, now=at(2026, 9, 11, 10)).created.get("remind") is None
        assert stages(s, order) == {}
        sv.sweep(s, now=at(2026, 9, 14, 3, 1))
        assert stages(s, order) == {"remind": "open"}
        assert due(s, order) > at(2026, 9, 16, 9)  # next: overdue, after the new deadline


def test_a_holiday_added_to_the_calendar_moves_the_cards(Sessions) -> None:  # noqa: F811
    with Sessions() as s:
        s.execute(text("UPDATE departments SET kind = 'town' WHERE code = 'civil'"))
        s.commit()
        # deadline Tuesday 10 November 17:00; a town's yellow card one working day later
        order = make_order(s, "civil", at(2026, 11, 5, 17), at(2026, 11, 10, 17))
        sv.sweep(s, now=at(2026, 11, 10, 18))
        assert stages(s, order) == {"overdue": "open"}
        assert due(s, order) > at(2026, 11, 11, 17)
        # the county declares Wednesday 11 November a holiday
        s.execute(
            text(
                "INSERT INTO calendar_days (day, kind, name, source) "
                "VALUES ('2026-11-11', 'holiday', '测试假日', 'local')"
            )
        )
        s.commit()
        r = sv.sweep(s, now=at(2026, 11, 11, 18))
        assert r.full and r.examined >= 1
        assert "yellow" not in stages(s, order)
        assert due(s, order) > at(2026, 11, 12, 17)
        sv.sweep(s, now=at(2026, 11, 12, 17, 1))
        assert "yellow" in stages(s, order)
        assert sv.sweep(s, now=at(2026, 11, 12, 17, 2)).examined == 0


def test_the_same_reporter_three_times_is_proposed_without_the_phone_leaving_the_database(
    seeded_copy: str,
    Sessions,  # noqa: F811
) -> None:
    with Sessions() as s:
        sv.sweep(s, now=at(2026, 9, 1, 9))  # the county's own orders are behind the mark
        order = make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 30, 10))
        inc, cat, reported = s.execute(
            text(
                "SELECT i.id, i.category_code, i.reported_at FROM incidents i "
                "JOIN work_orders w ON w.incident_id = i.id WHERE w.id = :o"
            ),
            {"o": order},
        ).one()
        phone = "13912345678"
        s.execute(
            text("UPDATE incidents SET reporter_phone = :p WHERE id = :i"), {"p": phone, "i": inc}
        )
        # the same caller about the same problem twice before, from other grids
        for days in (5, 20):
            s.execute(
                text(
                    "INSERT INTO incidents (number, channel_code, category_code, title, "
                    "reporter_phone, reported_at) SELECT 'PH' || :d || id, channel_code, "
                    "category_code, title, :p, :t FROM incidents WHERE id = :i"
                ),
                {"d": days, "t": reported - dt.timedelta(days=days), "i": inc, "p": phone},
            )
        s.commit()
        grid_repeats = s.scalar(
            text(
                "SELECT count(*) FROM incidents j, incidents i WHERE i.id = :i "
                "AND j.grid_id = i.grid_id AND j.category_code = i.category_code "
                "AND j.reported_at > i.reported_at - interval '30 days' "
                "AND j.reported_at <= i.reported_at"
            ),
            {"i": inc},
        )
        r = sv.sweep(s, now=at(2026, 9, 1, 11))
        assert stages(s, order) == {"repeat": "proposed"}
        reason, reason_en = s.execute(
            text("SELECT reason, reason_en FROM supervision_orders WHERE work_order_id = :o"),
            {"o": order},
        ).one()
        if grid_repeats < 3:
            assert "同一来电人" in reason and "same reporter" in reason_en
        assert phone not in reason and phone not in (reason_en or "")
        assert r.created["repeat"] >= 1
        found = s.execute(
            text("SELECT * FROM cc_reporter_repeats(ARRAY[:o]::bigint[], 30, 3)"), {"o": order}
        )
        assert list(found.keys()) == ["work_order_id", "reports"]
        assert [tuple(x) for x in found] == [(order, 3)]
        assert cat is not None

    # a supervisor's own login: the function answers, the phone column stays closed
    with psycopg.connect(libpq_url(login_url(seeded_copy, "duban1"))) as conn:
        rows = conn.execute(
            "SELECT * FROM cc_reporter_repeats(ARRAY[%s]::bigint[], 30, 3)", (order,)
        ).fetchall()
        assert rows == [(order, 3)]
        assert phone not in repr(rows)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT reporter_phone FROM incidents WHERE id = %s", (inc,))
    # a department's login may not ask at all
    with (
        psycopg.connect(libpq_url(login_url(seeded_copy, "bm_police"))) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("SELECT * FROM cc_reporter_repeats(ARRAY[%s]::bigint[], 30, 3)", (order,))


def test_returned_on_time_and_satisfied_orders_score_and_the_month_recomputes_in_sql(
    Sessions,  # noqa: F811
) -> None:
    with Sessions() as s:
        returned = make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 10, 10))
        on_time = make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 10, 10))
        late = make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 4, 10))
        sv.sweep(s, now=at(2026, 9, 2, 10))
        s.execute(
            text(
                "UPDATE work_orders SET status = 'returned', return_reason = '非本部门职责' "
                "WHERE id = :o"
            ),
            {"o": returned},
        )
        for o, done in ((on_time, at(2026, 9, 8, 10)), (late, at(2026, 9, 9, 10))):
            s.execute(
                text(
                    "UPDATE work_orders SET status = 'closed', resolved_at = :t, closed_at = :t "
                    "WHERE id = :o"
                ),
                {"o": o, "t": done},
            )
        s.execute(
            text(
                "UPDATE incidents SET satisfaction = 5 WHERE id = "
                "(SELECT incident_id FROM work_orders WHERE id = :o)"
            ),
            {"o": on_time},
        )
        s.commit()
        r = sv.sweep(s, now=at(2026, 9, 10, 12))
        # the satisfied reporter credits every closed order of the incident (the county's own
        # earlier ones too)
        # to the department (a town's government would score for its town too)
        assert r.scored["returned"] == 1 and r.scored["on_time"] >= 1
        assert r.scored["satisfied"] >= 1
        rules = dict(
            s.execute(
                text(
                    "SELECT work_order_id, array_agg(DISTINCT rule ORDER BY rule) "
                    "FROM score_points WHERE unit_type = 'department' AND work_order_id = ANY(:o) "
                    "GROUP BY work_order_id"
                ),
                {"o": [returned, on_time, late]},
            ).all()
        )
        assert rules[returned] == ["returned"]
        assert rules[on_time] == ["on_time", "satisfied"]
        assert "on_time" not in rules[late]  # closed after its deadline: overdue, no credit
        reasons = s.scalars(
            text(
                "SELECT reason_en FROM score_points WHERE work_order_id = :o AND rule = 'on_time'"
            ),
            {"o": on_time},
        ).all()
        assert reasons and all("closed on time" in x for x in reasons)
        # nothing counted twice
        assert sv.sweep(s, now=at(2026, 9, 10, 12, 1)).changed == 0
        month = dt.date(2026, 9, 1)
        scores = {u.unit_id: u for u in sc.monthly_scores(s, month, "department")}
        in_sql = scores_in_sql(s, month)  # the rule as a score sheet states it
        assert scores.keys() == in_sql.keys()
        for k, v in scores.items():
            assert v.score == pytest.approx(in_sql[k], abs=0.051)
        police = s.scalar(text("SELECT id FROM departments WHERE code = 'police'"))
        # (the demo county's own September counts too)
        assert scores[police].by_rule["returned"] <= -1
        assert scores[police].by_rule["on_time"] >= 1
        assert scores[police].by_rule["satisfied"] >= 1


def test_orders_due_are_counted_even_where_their_rule_is_worth_nothing(
    Sessions,  # noqa: F811
) -> None:
    """An administrator may make closing on time and going overdue worth 0 points; the orders
    still fell due, so the score still spreads the cards over them (a row of 0 points each)."""
    from command_center.services import settings

    with Sessions() as s:
        settings.change(
            s,
            actor(s, "admin"),
            {"orders.score_points": {"on_time": 0, "overdue": 0, "yellow": -5, "red": -10}},
        )
        on_time = make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 10, 10))
        late = make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 4, 10))
        police = s.scalar(text("SELECT id FROM departments WHERE code = 'police'"))
        month = dt.date(2026, 9, 1)
        before = {u.unit_id: u for u in sc.monthly_scores(s, month, "department")}[police]
        s.execute(
            text(
                "UPDATE work_orders SET status = 'closed', resolved_at = :t, closed_at = :t "
                "WHERE id = :o"
            ),
            {"o": on_time, "t": at(2026, 9, 8, 10)},
        )
        s.commit()
        sv.sweep(s, now=at(2026, 9, 10, 12))
        rows = s.execute(
            text(
                "SELECT work_order_id, rule, points FROM score_points WHERE unit_type = "
                "'department' AND work_order_id = ANY(:o) AND rule IN ('on_time', 'overdue')"
            ),
            {"o": [on_time, late]},
        ).all()
        assert sorted(rows) == sorted([(on_time, "on_time", 0), (late, "overdue", 0)])
        after = {u.unit_id: u for u in sc.monthly_scores(s, month, "department")}[police]
        assert before.parts is not None and after.parts is not None
        assert after.parts.due == before.parts.due + 2


def test_card_limits_and_points_are_checked_by_the_service(Sessions) -> None:  # noqa: F811
    from command_center.services import settings
    from command_center.services.orders import TransitionError

    with Sessions() as s:
        admin = actor(s, "admin")
        for bad, words in (
            ({"town": [2, 2], "functional": [5, 10]}, "红牌时限须大于黄牌时限"),
            ({"town": [0, 2], "functional": [5, 10]}, "黄牌时限须大于0"),
            (
                {"town": [1, 2], "functional": [5, 10], "categories": {"9999": {"town": [1, 2]}}},
                "分类 9999 不存在",
            ),
        ):
            with pytest.raises(TransitionError, match=words):
                settings.change(s, admin, {"orders.card_limits": bad})
        with pytest.raises(TransitionError, match="只能加分"):
            settings.change(s, admin, {"orders.score_points": {"on_time": -1}})
        assert s.scalar(text("SELECT count(*) FROM app_settings WHERE key LIKE 'orders.%'")) == 0
        settings.change(s, admin, {"orders.card_limits": {"town": [2, 3], "functional": [5, 10]}})
        # new limits: the next sweep looks at every open order again
        assert sv.sweep(s, now=at(2026, 11, 2, 9)).full
        assert not sv.sweep(s, now=at(2026, 11, 2, 9, 1)).full


def test_the_demo_year_was_made_by_the_sweeps_rules(Sessions) -> None:  # noqa: F811
    from tests.conftest import SEED_UNTIL

    with Sessions() as s:
        steps = dict(
            s.execute(
                text(
                    "SELECT stage, count(*) FROM supervision_orders WHERE kind = 'auto' GROUP BY 1"
                )
            ).all()
        )
        assert all(steps.get(k, 0) > 0 for k in ("remind", "overdue", "yellow", "red"))
        # every card and overdue step scored for its department, in the month it was raised
        unscored = s.scalar(
            text(
                "SELECT count(*) FROM supervision_orders o WHERE o.kind = 'auto' "
                "AND o.stage IN ('overdue', 'yellow', 'red') AND NOT EXISTS (SELECT 1 FROM "
                "score_points p WHERE p.supervision_id = o.id AND p.unit_type = 'department' "
                "AND p.month = date_trunc('month', o.issued_at AT TIME ZONE 'Asia/Shanghai'))"
            )
        )
        assert unscored == 0
        # a lapsed extension request belongs to a carded order; granted ones moved deadlines
        lapsed_uncarded = s.scalar(
            text(
                "SELECT count(*) FROM deadline_extensions e WHERE e.status = 'lapsed' AND NOT "
                "EXISTS (SELECT 1 FROM supervision_orders o WHERE o.work_order_id = "
                "e.work_order_id AND o.stage IN ('yellow', 'red'))"
            )
        )
        assert lapsed_uncarded == 0
        assert s.scalar(
            text(
                "SELECT count(*) FROM deadline_extensions e JOIN work_orders w "
                "ON w.id = e.work_order_id WHERE e.status IN ('granted', 'partial') "
                "AND w.deadline_at = e.deadline_after"
            )
        )
        # the live sweep at the end of the year finds every step already raised
        r = sv.sweep(s, now=SEED_UNTIL + dt.timedelta(minutes=1))
        assert not set(r.created) & {"remind", "overdue", "yellow", "red"}, r.created
        assert sv.sweep(s, now=SEED_UNTIL + dt.timedelta(minutes=2)).changed == 0


def _incident_and_grid(s, order: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The incident of ``order`` and its grid."""
    inc, grid = s.execute(
        text(
            "SELECT i.id, i.grid_id FROM incidents i "
            "JOIN work_orders w ON w.incident_id = i.id WHERE w.id = :o"
        ),
        {"o": order},
    ).one()
    return int(inc), int(grid)


def _report_again(  # type: ignore[no-untyped-def]
    s, incident: int, number: str, when: dt.datetime, *, grid: int | None = None,
    phone: str | None = None,
) -> int:
    """One more report of ``incident``'s problem (its channel, category and title) at ``when``:
    at ``grid`` (in the same town), or by the caller of ``phone``."""
    if phone is not None:
        where, value = "reporter_phone", phone
    else:
        where, value = "grid_id", grid
    return int(
        s.scalar(
            text(
                "INSERT INTO incidents (number, channel_code, category_code, title, "
                f"{where}, town_id, reported_at) SELECT :n, channel_code, category_code, "
                "title, :v, CASE WHEN :phone THEN NULL ELSE town_id END, :t "
                "FROM incidents WHERE id = :i RETURNING id"
            ),
            {"n": number, "v": value, "t": when, "i": incident, "phone": phone is not None},
        )
    )


def _order_on(s, incident: int, dept_code: str, n: str) -> int:  # type: ignore[no-untyped-def]
    order = s.scalar(
        text(
            "INSERT INTO work_orders (number, incident_id, department_id, mode, status, "
            "dispatched_at, deadline_at) SELECT :num, i.id, d.id, 'assign', 'accepted', "
            "i.reported_at + interval '1 hour', i.reported_at + interval '20 days' "
            "FROM incidents i, departments d WHERE i.id = :i AND d.code = :dc RETURNING id"
        ),
        {"num": n, "i": incident, "dc": dept_code},
    )
    s.commit()
    return order


def test_a_recurring_problem_is_proposed_once_for_its_newest_order(Sessions) -> None:  # noqa: F811
    """Three open orders of one grid's problem (four reports in a fortnight) make one proposal,
    on the newest order, naming its count; a fifth report a week later, while that proposal
    stands, makes none; the same problem at another grid is its own proposal."""
    with Sessions() as s:
        sv.sweep(s, now=at(2026, 9, 1, 9))  # the county's own orders are behind the mark
        order = make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 30, 10))
        inc, grid, _cat = s.execute(
            text(
                "SELECT i.id, i.grid_id, i.category_code FROM incidents i "
                "JOIN work_orders w ON w.incident_id = i.id WHERE w.id = :o"
            ),
            {"o": order},
        ).one()
        other_grid = s.scalar(
            text("SELECT min(grid_id) FROM incidents WHERE grid_id <> :g"), {"g": grid}
        )

        def report(day: int, g: int, tag: str) -> int:
            return _report_again(s, inc, f"GRP{tag}{day}", at(2026, 10, day, 9), grid=g)

        here = [report(d, grid, "A") for d in (1, 5, 9, 13)]
        there = [report(d, other_grid, "B") for d in (2, 6, 10)]
        s.commit()
        # the earliest report has no order (answered at once); the next three have
        orders = [_order_on(s, i, "police", f"GRPA{k}") for k, i in enumerate(here[1:])]
        elsewhere = _order_on(s, there[-1], "police", "GRPB")

        def reports_in_window(incident: int) -> int:
            return s.scalar(
                text(
                    "SELECT count(*) FROM incidents j, incidents i WHERE i.id = :i "
                    "AND j.grid_id = i.grid_id AND j.category_code = i.category_code "
                    "AND j.reported_at > i.reported_at - interval '30 days' "
                    "AND j.reported_at <= i.reported_at AND j.duplicate_of_id IS NULL"
                ),
                {"i": incident},
            )

        assert reports_in_window(here[2]) >= 3  # the middle order alone would be proposed
        r = sv.sweep(s, now=at(2026, 10, 13, 12))
        assert [stages(s, o).get("repeat") for o in orders] == [None, None, "proposed"]
        assert stages(s, elsewhere) == {"repeat": "proposed"}
        assert r.created["repeat"] == 2
        reason = s.scalar(
            text("SELECT reason FROM supervision_orders WHERE work_order_id = :o"),
            {"o": orders[-1]},
        )
        assert f"第{reports_in_window(here[3])}次" in reason
        # each proposal audited once, in the chain
        audited = s.scalar(
            text(
                "SELECT count(*) FROM audit_log a JOIN supervision_orders so "
                "ON so.id = a.entity_id AND a.entity_type = 'supervision_order' "
                "WHERE a.action = 'supervision.sweep' AND so.stage = 'repeat' "
                "AND so.work_order_id = ANY(:o)"
            ),
            {"o": [*orders, elsewhere]},
        )
        assert audited == 2
        # a fifth report a week later: the problem's proposal stands, nothing new
        later = _order_on(s, report(20, grid, "A"), "police", "GRPA9")
        r = sv.sweep(s, now=at(2026, 10, 20, 12))
        assert "repeat" not in stages(s, later) and r.created.get("repeat", 0) == 0


def test_one_reporter_s_recurring_problem_is_answered_once(Sessions) -> None:  # noqa: F811
    with Sessions() as s:
        order = make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 30, 10))
        inc = s.scalar(text("SELECT incident_id FROM work_orders WHERE id = :o"), {"o": order})
        calls = [
            _report_again(s, inc, f"PHG{day}", at(2026, 10, day, 9), phone="13900001111")
            for day in (1, 4, 7, 10)
        ]
        s.commit()
        third, fourth = (_order_on(s, i, "police", f"PHG{k}") for k, i in enumerate(calls[2:]))
        found = s.execute(
            text("SELECT * FROM cc_reporter_repeats(CAST(:o AS bigint[]), 30, 3)"),
            {"o": [third, fourth]},
        ).all()
        assert [tuple(x) for x in found] == [(fourth, 4)]
        assert [
            tuple(x)
            for x in s.execute(
                text("SELECT * FROM cc_reporter_repeats(CAST(:o AS bigint[]), 30, 3)"),
                {"o": [third]},
            )
        ] == [(third, 3)]
        # once the newest order has its proposal, the older one is covered by it (alembic 0023):
        # a full sweep asking about every open order again proposes nothing more
        r = sv.sweep(s, now=at(2026, 10, 10, 12))
        assert stages(s, fourth).get("repeat") == "proposed", r.describe()
        s.execute(text("DELETE FROM supervision_sweeps"))
        s.commit()
        assert sv.sweep(s, now=at(2026, 10, 10, 12)).created.get("repeat") is None
        assert "repeat" not in stages(s, third)
        assert (
            s.execute(
                text("SELECT * FROM cc_reporter_repeats(CAST(:o AS bigint[]), 30, 3)"),
                {"o": [third]},
            ).all()
            == []
        )


def test_after_a_seed_the_first_sweep_and_a_forced_full_one_agree_on_repeated_reports(
    Sessions,  # noqa: F811
) -> None:
    """The demo seed leaves the sweep's watermark at its newest order (its year went through
    the reminder and card rules) and proposes no listing. A recurring problem among the open
    orders behind that watermark is proposed by the first sweep, once, on its newest order;
    a full sweep forced afterwards (the sweep's state forgotten, or the rules changed)
    proposes nothing more, for this problem or any other of the county."""
    with Sessions() as s:
        order = make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 30, 10))
        inc, grid = _incident_and_grid(s, order)
        reports = [
            _report_again(s, inc, f"SEEDREP{day}", at(2026, 10, day, 9), grid=grid)
            for day in (1, 5, 9, 13)
        ]
        s.commit()
        # the third and the fourth report have open orders: both are repeats (3 and 4 reports)
        older, newest = (
            _order_on(s, i, "police", f"SEEDREP{k}") for k, i in enumerate(reports[2:])
        )
        # the state demo/seed_supervision.py leaves: the watermark at the newest order, no rules
        s.execute(
            text(
                "INSERT INTO supervision_sweeps (id, last_run_at, last_order_id) VALUES (1, :t, "
                "(SELECT max(id) FROM work_orders)) ON CONFLICT (id) DO UPDATE SET "
                "last_order_id = excluded.last_order_id, rules_key = NULL"
            ),
            {"t": at(2026, 10, 13, 11)},
        )
        s.commit()
        now = at(2026, 10, 13, 12)
        first = sv.sweep(s, now=now)
        assert first.full
        assert stages(s, newest) == {"repeat": "proposed"}
        assert "repeat" not in stages(s, older)
        proposals = first.created["repeat"]
        # forced: the sweep's state forgotten, every open order looked at from the first
        s.execute(text("DELETE FROM supervision_sweeps"))
        s.commit()
        forced = sv.sweep(s, now=now)
        assert forced.full and forced.changed == 0, forced.describe()
        assert "repeat" not in stages(s, older)
        # the rules changed (a holiday, new limits...): every open order looked at again
        s.execute(text("UPDATE supervision_sweeps SET rules_key = 'older rules'"))
        s.commit()
        changed = sv.sweep(s, now=now)
        assert changed.full and changed.changed == 0, changed.describe()
        assert sv.sweep(s, now=now).changed == 0
        assert (
            s.scalar(text("SELECT count(*) FROM supervision_orders WHERE stage = 'repeat'"))
            == proposals
        )
        # each proposal has its one entry, and the log's chain holds
        assert (
            s.scalar(
                text(
                    "SELECT count(*) FROM supervision_orders so WHERE so.stage = 'repeat' AND "
                    "(SELECT count(*) FROM audit_log a WHERE a.entity_type = 'supervision_order' "
                    "AND a.entity_id = so.id AND a.action = 'supervision.sweep') <> 1"
                )
            )
            == 0
        )
        chain = audit.verify_chain(s)
        assert chain.broken_seq is None, chain.describe()


def test_the_seed_leaves_only_open_orders_in_the_sweeps_queue(Sessions) -> None:  # noqa: F811
    """Writing the demo year's steps marks every order that had one as due (alembic 0017's
    triggers); the seed leaves the queue as a year of sweeps would: each open order at the
    moment its next step is due, nothing of a closed one — so the first sweep after the seed
    reads the open orders only."""
    from tests.conftest import SEED_UNTIL

    with Sessions() as s:
        not_open = s.scalar(
            text(
                "SELECT count(*) FROM supervision_due d JOIN work_orders w "
                f"ON w.id = d.work_order_id WHERE w.status NOT IN {sv._OPEN_ORDER_SQL}"
            )
        )
        assert not_open == 0
        open_orders = s.scalar(
            text(f"SELECT count(*) FROM work_orders WHERE status IN {sv._OPEN_ORDER_SQL}")
        )
        # none is due before the end of the year unless its step fell in its last minute
        early = s.scalar(
            text("SELECT count(*) FROM supervision_due WHERE due_at < :t"),
            {"t": SEED_UNTIL - dt.timedelta(minutes=1)},
        )
        assert early == 0
        first = sv.sweep(s, now=SEED_UNTIL + dt.timedelta(minutes=1))
        assert first.full and first.examined == open_orders


def test_an_order_committed_under_a_sweep_s_watermark_is_still_looked_at(Sessions) -> None:  # noqa: F811
    """An order's number is taken when it is written and the order is seen when it commits: a
    sweep that ran in between recorded a watermark above it. The next sweep still asks the
    repeat rule about it (its third report of one problem at one grid in a fortnight)."""
    with Sessions() as s:
        sv.sweep(s, now=at(2026, 9, 1, 9))  # the county's own orders are behind the mark
        order = make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 30, 10))
        inc, grid = _incident_and_grid(s, order)
        reports = [
            _report_again(s, inc, f"LATE{day}", at(2026, 10, day, 9), grid=grid)
            for day in (1, 5, 9)
        ]
        s.commit()
        late = _order_on(s, reports[-1], "police", "LATE9")
        # a sweep that ran while this order was being written: its mark is already past it
        s.execute(text("UPDATE supervision_sweeps SET last_order_id = :o + 3"), {"o": late})
        s.commit()
        r = sv.sweep(s, now=at(2026, 10, 9, 12))
        assert not r.full
        assert stages(s, late) == {"repeat": "proposed"}
        # and only once
        assert sv.sweep(s, now=at(2026, 10, 9, 12, 1)).changed == 0
        assert stages(s, late) == {"repeat": "proposed"}
