"""Supervision (督办) on real PostgreSQL: the sweep's steps on the working-day clock, its
idempotence and its lock, manual supervision that only escalates, the department's answers,
extensions granted in part and lapsing at a card, what a department handler sees, and the
monthly score against the points ledger (services/supervision.py, alembic 0010)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from command_center.clock import CST
from command_center.db.engine import libpq_url, make_engine, make_session_factory
from command_center.models import AppUser, DeadlineExtension, SupervisionOrder, WorkOrder
from command_center.services import scores as sc
from command_center.services import supervision as sv
from command_center.services.audit import Actor
from command_center.services.orders import ConflictError, TransitionError
from command_center.services.permissions import PermissionDenied
from tests.conftest import login_url


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=CST)


@pytest.fixture
def engine(seeded_copy: str) -> Iterator[Engine]:
    e = make_engine(seeded_copy)
    yield e
    e.dispose()


@pytest.fixture
def Sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def actor(session: Session, username: str) -> Actor:
    u = session.scalars(select(AppUser).where(AppUser.username == username)).one()
    return Actor(u.id, u.display_name)


def dept(session: Session, code: str) -> int:
    return session.scalar(text("SELECT id FROM departments WHERE code = :c"), {"c": code})


_made = iter(range(1, 10_000))


def make_order(
    session: Session, dept_code: str, dispatched: dt.datetime, deadline: dt.datetime
) -> int:
    """An accepted order of the department on an incident of its own (with a town, in a
    category that is no focus problem)."""
    n = next(_made)
    incident_id = session.scalar(
        text(
            "SELECT i.id FROM incidents i JOIN categories c ON c.code = i.category_code "
            "WHERE i.town_id IS NOT NULL AND NOT c.focus ORDER BY i.id OFFSET :n LIMIT 1"
        ),
        {"n": n * 7},
    )
    order_id = session.scalar(
        text(
            "INSERT INTO work_orders (number, incident_id, department_id, mode, status, "
            "dispatched_at, deadline_at) VALUES (:num, :inc, :dept, 'assign', 'accepted', "
            ":a, :d) RETURNING id"
        ),
        {
            "num": f"TEST{n:05d}",
            "inc": incident_id,
            "dept": dept(session, dept_code),
            "a": dispatched,
            "d": deadline,
        },
    )
    session.commit()
    return order_id


def stages(session: Session, order_id: int) -> dict[str, str]:
    """stage -> status of the order's supervision."""
    session.expire_all()
    return dict(
        session.execute(
            select(SupervisionOrder.stage, SupervisionOrder.status).where(
                SupervisionOrder.work_order_id == order_id
            )
        ).all()
    )


def counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(text(f"SELECT count(*) FROM {t}"))
        for t in ("supervision_orders", "audit_log", "score_points", "deadline_extensions")
    )


def test_steps_follow_working_days_across_a_holiday_and_a_weekend(Sessions) -> None:
    with Sessions() as s:
        # a town's government: yellow 1, red 2 working days past the deadline; the deadline is
        # the Thursday before the Mid-Autumn holiday (Fri 25 – Sun 27 September 2026)
        s.execute(text("UPDATE departments SET kind = 'town' WHERE code = 'civil'"))
        s.commit()
        town = make_order(s, "civil", at(2026, 9, 21, 17), at(2026, 9, 24, 17))
        # a functional department (5 / 10): deadline a Friday, the weekend after it
        func = make_order(s, "police", at(2026, 10, 26, 17), at(2026, 10, 30, 17))

        sv.sweep(s, now=at(2026, 9, 24, 18))
        assert stages(s, town) == {"overdue": "open"}
        # two calendar days later, on the holiday: still no yellow card
        sv.sweep(s, now=at(2026, 9, 26, 12))
        assert stages(s, town) == {"overdue": "open"}
        sv.sweep(s, now=at(2026, 9, 28, 16, 59))
        assert stages(s, town) == {"overdue": "open"}
        sv.sweep(s, now=at(2026, 9, 28, 17, 1))  # one working day (Monday) after it
        assert stages(s, town) == {"overdue": "escalated", "yellow": "open"}
        sv.sweep(s, now=at(2026, 9, 29, 17, 1))
        assert stages(s, town) == {"overdue": "escalated", "yellow": "escalated", "red": "open"}
        red = s.scalars(
            select(SupervisionOrder).where(
                SupervisionOrder.work_order_id == town, SupervisionOrder.stage == "red"
            )
        ).one()
        assert "2个工作日" in red.reason and "红牌" in red.reason

        sv.sweep(s, now=at(2026, 11, 5, 12))  # four working days after the Friday
        assert stages(s, func) == {"overdue": "open"}
        sv.sweep(s, now=at(2026, 11, 6, 17, 1))  # the fifth: Friday 6 November
        assert set(stages(s, func)) == {"overdue", "yellow"}
        sv.sweep(s, now=at(2026, 11, 13, 16, 59))
        assert "red" not in stages(s, func)
        sv.sweep(s, now=at(2026, 11, 13, 17, 1))
        assert stages(s, func)["red"] == "open"

        # the cards moved the scores of the department and of the town, each traced to its order
        pts = s.execute(
            text(
                "SELECT unit_type, rule, points, month FROM score_points WHERE work_order_id = :o "
                "ORDER BY unit_type, rule"
            ),
            {"o": town},
        ).all()
        assert [(u, r, p) for u, r, p, _ in pts] == [
            ("department", "overdue", -2),
            ("department", "red", -10),
            ("department", "yellow", -5),
            ("town", "overdue", -2),
            ("town", "red", -10),
            ("town", "yellow", -5),
        ]
        assert {m for *_, m in pts} == {dt.date(2026, 9, 1)}


def test_reminder_at_75_percent_once_and_an_idle_sweep_changes_nothing(Sessions) -> None:
    with Sessions() as s:
        # Monday 9:00 to Friday 9:00 (96 hours): 75 % used on Thursday at 9:00
        order = make_order(s, "police", at(2026, 9, 7, 9), at(2026, 9, 11, 9))
        sv.sweep(s, now=at(2026, 9, 10, 8, 59))
        assert stages(s, order) == {}
        first = sv.sweep(s, now=at(2026, 9, 10, 9, 1))
        assert stages(s, order) == {"remind": "open"}
        assert first.created.get("remind", 0) >= 1
        before = counts(s)
        again = sv.sweep(s, now=at(2026, 9, 10, 9, 2))
        assert again.ran and again.changed == 0
        assert counts(s) == before
        # once overdue, the reminder gives way to supervision
        sv.sweep(s, now=at(2026, 9, 11, 9, 1))
        assert stages(s, order) == {"remind": "escalated", "overdue": "open"}
        # the order is done: its automatic supervision closes by itself
        s.execute(text("UPDATE work_orders SET status = 'resolved' WHERE id = :o"), {"o": order})
        s.commit()
        done = sv.sweep(s, now=at(2026, 9, 11, 10))
        assert done.closed >= 1
        assert stages(s, order) == {"remind": "escalated", "overdue": "closed"}


def test_two_sweeps_at_the_same_moment_raise_nothing_twice(engine: Engine, Sessions) -> None:
    with Sessions() as s:
        orders = [make_order(s, "police", at(2026, 9, 1, 9), at(2026, 9, 4, 9)) for _ in range(5)]
    now = at(2026, 9, 30, 12)
    start = threading.Barrier(2)
    results: list[sv.SweepResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with Sessions() as s:
                start.wait()
                results.append(sv.sweep(s, now=now))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Sessions() as s:
        dup = s.scalar(
            text(
                "SELECT count(*) FROM (SELECT 1 FROM supervision_orders WHERE stage <> 'manual' "
                "GROUP BY work_order_id, level, stage HAVING count(*) > 1) d"
            )
        )
        assert dup == 0
        for o in orders:
            assert stages(s, o)["red"] == "open"
        created = sum(r.created.get("red", 0) for r in results)
        assert created == s.scalar(  # (the demo county has red cards of its own)
            text(
                "SELECT count(*) FROM supervision_orders WHERE stage = 'red' "
                "AND work_order_id = ANY(:o)"
            ),
            {"o": orders},
        )
        # and the database itself refuses a second red card for an order
        with pytest.raises(IntegrityError):
            s.execute(
                text(
                    "INSERT INTO supervision_orders (number, level, kind, stage, work_order_id, "
                    "issued_at, deadline_at, reason) VALUES ('DUP1', 'supervise', 'auto', 'red', "
                    ":o, now(), now(), 'x')"
                ),
                {"o": orders[0]},
            )
        s.rollback()


def test_manual_supervision_only_escalates_and_is_withdrawn_at_the_issuers_level(
    Sessions,
) -> None:
    with Sessions() as s:
        order = make_order(s, "police", at(2026, 11, 16, 9), at(2026, 11, 27, 9))
        boss = actor(s, "duban1")
        desk = actor(s, "zhiban1")
        with pytest.raises(PermissionDenied):
            sv.issue(
                s,
                desk,
                level="supervise",
                instructions="请加快",
                working_days=3,
                work_order_id=order,
            )
        listed = sv.issue(
            s,
            boss,
            level="listed",
            instructions="三日内反馈处置方案",
            working_days=3,
            work_order_id=order,
        )
        with pytest.raises(TransitionError, match="督办只能升级"):
            sv.issue(
                s, boss, level="supervise", instructions="再催", working_days=2, work_order_id=order
            )
        with pytest.raises(TransitionError, match="督办只能升级"):
            sv.issue(
                s, boss, level="listed", instructions="再催", working_days=2, work_order_id=order
            )
        with pytest.raises(TransitionError, match="包案领导"):
            sv.issue(
                s,
                boss,
                level="leader_case",
                instructions="领导包案",
                working_days=5,
                work_order_id=order,
            )
        case = sv.issue(
            s,
            boss,
            level="leader_case",
            instructions="领导包案",
            working_days=5,
            work_order_id=order,
            leader="李副县长",
        )
        s.expire_all()
        assert s.get(SupervisionOrder, listed.id).status == "escalated"
        row = s.get(SupervisionOrder, case.id)
        assert row.deadline_at == at(2026, 11, 27, 16, 40) or row.deadline_at > row.issued_at
        # a duty operator may not withdraw a supervisor's; the supervisor may, with a reason
        with pytest.raises(PermissionDenied, match="签发人同级或上级"):
            sv.withdraw(s, desk, case.id, "误发")
        with pytest.raises(TransitionError, match="撤销理由"):
            sv.withdraw(s, boss, case.id, "  ")
        with pytest.raises(ConflictError):
            sv.withdraw(s, boss, case.id, "误发", expected_version=case.version - 1)
        done = sv.withdraw(s, boss, case.id, "误发", expected_version=case.version)
        assert done.status == "withdrawn"
        actions = s.scalars(
            text(
                "SELECT action FROM audit_log WHERE entity_type = 'supervision_order' "
                "AND entity_id IN (:a, :b) ORDER BY id"
            ),
            {"a": listed.id, "b": case.id},
        ).all()
        assert actions == [
            "supervision.issue",
            "supervision.escalate",
            "supervision.issue",
            "supervision.withdraw",
        ]


def test_an_extension_granted_in_part_moves_the_deadline_by_working_days(Sessions) -> None:
    with Sessions() as s:
        # deadline Wednesday 30 September; 1–7 October is the National Day holiday
        order = make_order(s, "police", at(2026, 9, 24, 10), at(2026, 9, 30, 10))
        handler = actor(s, "bm_police")
        other = actor(s, "bm_court")
        boss = actor(s, "duban1")
        with pytest.raises(PermissionDenied):
            sv.request_extension(s, other, order, 5, "需协调")
        ext = sv.request_extension(s, handler, order, 5, "需协调多个部门现场勘查")
        with pytest.raises(TransitionError, match="已有待审批"):
            sv.request_extension(s, handler, order, 2, "再申请")
        with pytest.raises(TransitionError, match="0到5"):
            sv.decide_extension(s, boss, ext.id, 6, "多给")
        with pytest.raises(TransitionError, match="审批意见"):
            sv.decide_extension(s, boss, ext.id, 2, "")
        with pytest.raises(PermissionDenied):
            sv.decide_extension(s, handler, ext.id, 5, "")
        sv.decide_extension(s, boss, ext.id, 2, "给两个工作日", expected_version=ext.version)
        s.expire_all()
        row = s.get(DeadlineExtension, ext.id)
        assert (row.status, row.granted_days) == ("partial", 2)
        # 2 working days after Wednesday 30 September: the holiday, then Thursday 8 and Friday 9
        assert s.get(WorkOrder, order).deadline_at == at(2026, 10, 9, 10)
        assert row.deadline_after == at(2026, 10, 9, 10)
        # the sweep now counts from the new deadline
        sv.sweep(s, now=at(2026, 10, 8, 12))
        assert "overdue" not in stages(s, order)


def test_a_pending_extension_lapses_at_a_red_card(Sessions) -> None:
    with Sessions() as s:
        order = make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 4, 10))
        handler = actor(s, "bm_police")
        sv.sweep(s, now=at(2026, 9, 7, 12))  # overdue, no card yet
        ext = sv.request_extension(s, handler, order, 3, "材料未齐")
        result = sv.sweep(s, now=at(2026, 9, 21, 12))  # ten working days past: red
        assert result.lapsed == 1
        s.expire_all()
        assert s.get(DeadlineExtension, ext.id).status == "lapsed"
        assert stages(s, order)["red"] == "open"
        with pytest.raises(TransitionError, match="红牌"):
            sv.request_extension(s, handler, order, 3, "再申请")
        with pytest.raises(TransitionError, match="已失效"):
            sv.decide_extension(s, actor(s, "duban1"), ext.id, 3, "")


def test_a_handler_sees_and_answers_only_its_departments_supervision(
    seeded_copy: str, Sessions
) -> None:
    with Sessions() as s:
        police = make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 4, 10))
        court = make_order(s, "court", at(2026, 9, 1, 10), at(2026, 9, 4, 10))
        sv.sweep(s, now=at(2026, 9, 7, 12))
        police_dept = dept(s, "police")
        theirs = s.scalar(
            select(SupervisionOrder.id).where(SupervisionOrder.work_order_id == court)
        )
        ours = s.scalars(
            select(SupervisionOrder).where(SupervisionOrder.work_order_id == police)
        ).one()
        total = s.scalar(text("SELECT count(*) FROM supervision_orders"))
        own = s.scalar(
            text("SELECT count(*) FROM supervision_orders WHERE department_id = :d"),
            {"d": police_dept},
        )
        handler = actor(s, "bm_police")
    assert 0 < own < total
    url = login_url(seeded_copy, "bm_police")
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM supervision_orders").fetchone()[0] == own
        assert (
            conn.execute(
                "SELECT count(*) FROM supervision_orders WHERE department_id <> %s", (police_dept,)
            ).fetchone()[0]
            == 0
        )
        cur = conn.execute(
            "UPDATE supervision_orders SET status = 'acknowledged' WHERE id = %s", (theirs,)
        )
        assert cur.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="签收和反馈"):
            conn.execute(
                "UPDATE supervision_orders SET deadline_at = deadline_at + interval '9 days' "
                "WHERE id = %s",
                (ours.id,),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO supervision_orders (number, level, work_order_id, issued_at, "
                "deadline_at, reason, department_id) VALUES ('X1', 'supervise', %s, now(), "
                "now(), 'x', %s)",
                (police, police_dept),
            )
    # through the service, as the handler's own login
    h_engine = make_engine(url)
    try:
        with make_session_factory(h_engine)() as hs:
            rows = sv.ledger(hs, sv.LedgerFilter(state="live"), limit=500)
            assert rows and {r.department_id for r in rows} == {police_dept}
            # another department's supervision does not exist for this login
            with pytest.raises(TransitionError, match="不存在"):
                sv.acknowledge(hs, handler, theirs)
            snap = sv.acknowledge(hs, handler, ours.id, expected_version=ours.version)
            assert snap.status == "acknowledged"
            sv.report_progress(hs, handler, ours.id, "已派人到现场")
            sv.reply(hs, handler, ours.id, "已处理完毕，路灯修复")
            with pytest.raises(PermissionDenied):
                sv.close(hs, handler, ours.id, "同意")
    finally:
        h_engine.dispose()
    with Sessions() as s:
        row = s.get(SupervisionOrder, ours.id)
        assert row.status == "responded" and row.acknowledged_at is not None
        assert [k for _, k, _ in sv.notes(s, ours.id)] == ["acknowledge", "progress", "reply"]
        sv.close(s, actor(s, "duban1"), ours.id, "核实属实，办结")
        s.expire_all()
        assert s.get(SupervisionOrder, ours.id).status == "closed"


def test_focus_problems_and_repeated_reports_are_proposed_for_listing(Sessions) -> None:
    with Sessions() as s:
        order = make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 30, 10))
        inc = s.scalar(text("SELECT incident_id FROM work_orders WHERE id = :o"), {"o": order})
        grid, cat, reported = s.execute(
            text("SELECT grid_id, category_code, reported_at FROM incidents WHERE id = :i"),
            {"i": inc},
        ).one()
        # two more reports of the same problem in the same grid within thirty days
        for days in (3, 10):
            s.execute(
                text(
                    "INSERT INTO incidents (number, channel_code, category_code, title, "
                    "grid_id, town_id, reported_at) SELECT 'REP' || :d || id, channel_code, "
                    "category_code, title, grid_id, town_id, :t FROM incidents WHERE id = :i"
                ),
                {"d": days, "t": reported - dt.timedelta(days=days), "i": inc},
            )
        s.commit()
        before = s.scalar(
            text(
                "SELECT count(*) FROM incidents WHERE grid_id = :g AND category_code = :c "
                "AND reported_at > :r - interval '30 days' AND reported_at <= :r"
            ),
            {"g": grid, "c": cat, "r": reported},
        )
        assert before >= 3
        sv.sweep(s, now=at(2026, 9, 2, 10))
        assert stages(s, order) == {"repeat": "proposed"}
        proposal = s.scalars(
            select(SupervisionOrder).where(SupervisionOrder.work_order_id == order)
        ).one()
        assert "建议挂牌督办" in proposal.reason and proposal.level == "listed"
        snap = sv.decide_proposal(s, actor(s, "duban1"), proposal.id, True, "挂牌督办，一周内解决")
        assert snap.status == "open"
        # a focus category proposes listing for its open orders
        s.execute(text("UPDATE categories SET focus = true WHERE code = :c"), {"c": cat})
        s.commit()
        other = make_order(s, "court", at(2026, 9, 1, 10), at(2026, 9, 30, 10))
        s.execute(
            text(
                "UPDATE incidents SET category_code = :c WHERE id = "
                "(SELECT incident_id FROM work_orders WHERE id = :o)"
            ),
            {"c": cat, "o": other},
        )
        s.commit()
        sv.sweep(s, now=at(2026, 9, 2, 11))
        assert stages(s, other) == {"focus": "proposed"}
        assert stages(s, order) == {"repeat": "open"}  # already listed: nothing more


def scores_in_sql(s: Session, month: dt.date, per: int = 100, cap: int = 10) -> dict[int, float]:
    """Every active department's score of ``month`` from the points ledger itself, as a score
    sheet states the rule: the rules' points per ``per`` orders due (closed on time or
    overdue; fewer count whole; 0: all whole), credit at most ``cap``, by hand whole, not
    below 0."""
    return dict(
        s.execute(
            text(
                "WITH p AS (SELECT unit_id, "
                "coalesce(sum(points) FILTER (WHERE rule IN ('on_time', 'satisfied')), 0) c, "
                "coalesce(sum(points) FILTER (WHERE rule IN ('overdue', 'yellow', 'red', "
                "'returned')), 0) d, coalesce(sum(points) FILTER (WHERE rule = 'manual'), 0) m,"
                " CASE WHEN :per = 0 THEN 1.0 ELSE :per * 1.0 / greatest(:per, count(*) "
                "FILTER (WHERE rule IN ('on_time', 'overdue'))) END f "
                "FROM score_points WHERE unit_type = 'department' AND month = :month "
                "GROUP BY unit_id) "
                "SELECT d.id, round(greatest(0, 100 + least(:cap, coalesce(p.c * p.f, 0)) "
                "+ coalesce(p.d * p.f, 0) + coalesce(p.m, 0)), 1)::float "
                "FROM departments d LEFT JOIN p ON p.unit_id = d.id WHERE d.active"
            ),
            {"month": month, "per": per, "cap": cap},
        ).all()
    )


def test_the_monthly_score_is_the_points_ledger_and_a_locked_month_is_final(Sessions) -> None:
    with Sessions() as s:
        for _ in range(3):
            make_order(s, "police", at(2026, 9, 1, 10), at(2026, 9, 4, 10))
        sv.sweep(s, now=at(2026, 9, 30, 12))
        boss = actor(s, "duban1")
        police = dept(s, "police")
        month = dt.date(2026, 9, 1)
        with pytest.raises(TransitionError, match="调整理由"):
            sc.adjust_score(
                s, boss, unit_type="department", unit_id=police, month=month, points=3, reason=""
            )
        sc.adjust_score(
            s,
            boss,
            unit_type="department",
            unit_id=police,
            month=month,
            points=3,
            reason="协助处置突发事件",
        )
        scores = {u.unit_id: u for u in sc.monthly_scores(s, month, "department")}
        # a few orders: every point counts whole (under 100 orders due), credit up to 10,
        # the hand's points whole, never below 0 — from the points ledger itself
        in_sql = scores_in_sql(s, month)
        assert scores.keys() == in_sql.keys()
        for k, v in scores.items():
            assert v.score == pytest.approx(in_sql[k], abs=0.051), k
        assert scores[police].parts is not None and scores[police].parts.credit == 10
        assert scores[police].by_rule["manual"] == 3
        assert scores[police].by_rule["red"] <= -30
        towns = sc.monthly_scores(s, month, "town")
        assert any(t.score < 100 for t in towns)
        # a town answers for every order on its incidents: they are its orders due
        town_of_made = s.scalar(
            text(
                "SELECT i.town_id FROM work_orders w JOIN incidents i ON i.id = w.incident_id "
                "WHERE w.number LIKE 'TEST%' ORDER BY w.id DESC LIMIT 1"
            )
        )
        due = {t.unit_id: t.parts.due for t in towns if t.parts is not None}
        assert due[town_of_made] >= 1
        assert 0 < sum(due.values()) <= sum(u.parts.due for u in scores.values() if u.parts)
        sc.lock_month(s, boss, month)
        # a change of the scale afterwards does not move the locked month's score; the open
        # months are scored on the new one
        from command_center.services import settings

        before = {u.unit_id: u.score for u in sc.monthly_scores(s, month, "department")}
        settings.change(
            s, actor(s, "admin"), {"orders.score_scale": {"per_orders": 0, "credit_cap": 5}}
        )
        assert {u.unit_id: u.score for u in sc.monthly_scores(s, month, "department")} == before
        october = dt.date(2026, 10, 1)
        now_open = {u.unit_id: u.score for u in sc.monthly_scores(s, october, "department")}
        assert now_open == pytest.approx(scores_in_sql(s, october, per=0, cap=5), abs=0.051)
        with pytest.raises(TransitionError, match="已锁定"):
            sc.adjust_score(
                s,
                boss,
                unit_type="department",
                unit_id=police,
                month=month,
                points=-1,
                reason="迟报",
            )


def test_a_busy_department_and_a_small_one_with_the_same_rates_score_alike(Sessions) -> None:
    """The score is on the 100 scale whatever a unit's volume: the rules' points count per
    hundred orders due, credit is capped, points by hand count whole, nothing below 0."""
    from command_center.services import analysis, settings

    month = dt.date(2020, 1, 1)  # before the demo county's year: no points of its own

    def give(s: Session, code: str, rule: str, points: int, times: int) -> None:
        s.execute(
            text(
                "INSERT INTO score_points (month, unit_type, unit_id, points, rule, reason, at) "
                "SELECT :m, 'department', :d, :p, :r, 'test', :at FROM generate_series(1, :k)"
            ),
            {"m": month, "d": dept(s, code), "p": points, "r": rule, "k": times,
             "at": at(2020, 1, 20)},
        )

    with Sessions() as s:
        # police: 1,000 orders due, 10% overdue, 5% carded yellow, 90% of reporters satisfied
        for rule, points, times in (("on_time", 1, 900), ("overdue", -2, 100),
                                    ("yellow", -5, 50), ("satisfied", 1, 900)):
            give(s, "police", rule, points, times)
        # civil affairs: 200 orders due at the same rates
        for rule, points, times in (("on_time", 1, 180), ("overdue", -2, 20),
                                    ("yellow", -5, 10), ("satisfied", 1, 180)):
            give(s, "civil", rule, points, times)
        # justice: 10 orders due; under a hundred, points count whole
        for rule, points, times in (("on_time", 1, 9), ("overdue", -2, 1)):
            give(s, "justice", rule, points, times)
        s.commit()
        scores = {u.unit_id: u for u in sc.monthly_scores(s, month, "department")}
        police, civil, education = (scores[dept(s, c)] for c in ("police", "civil", "justice"))
        # (200 + 250) / 1,000 orders = 45 per hundred deducted; credit capped at 10
        assert police.score == civil.score == 65.0
        assert police.parts is not None and police.parts.due == 1000
        assert police.by_rule == {"on_time": 900, "overdue": -200, "yellow": -250,
                                  "satisfied": 900}  # as given, each traced to its point
        assert education.score == 100 + 9 - 2
        untouched = [u for u in scores.values() if not u.by_rule]
        assert untouched and all(u.score == 100 for u in untouched)
        # the analysis' departments table shows the same score for that month
        p = analysis.Period(
            dt.datetime(2020, 1, 1, tzinfo=CST), dt.datetime(2020, 2, 1, tzinfo=CST)
        )
        in_analysis = analysis.supervision_scores(s, p)
        assert in_analysis[police.unit_id].score == 65.0
        assert in_analysis[education.unit_id].score == 107.0
        # points counted whole: the busy department falls to 0 and no lower
        admin = actor(s, "admin")
        settings.change(s, admin, {"orders.score_scale": {"per_orders": 0, "credit_cap": 10}})
        scores = {u.unit_id: u for u in sc.monthly_scores(s, month, "department")}
        assert scores[police.unit_id].score == 0
        assert scores[civil.unit_id].score == 100 + 10 - 40 - 50
        with pytest.raises(TransitionError, match="加分上限"):
            settings.change(s, admin, {"orders.score_scale": {"per_orders": 100,
                                                               "credit_cap": 80}})
        with pytest.raises(TransitionError, match="折算工单数"):
            settings.change(s, admin, {"orders.score_scale": {"per_orders": 5}})


def test_the_command_line_sweeps_once(seeded_copy: str, capsys: pytest.CaptureFixture[str]) -> None:
    from command_center.cli import main

    assert main(["supervise", "run", "--once", "--database-url", seeded_copy]) == 0
    first = capsys.readouterr().out
    assert first.startswith("督办巡检：")
    assert main(["supervise", "run", "--once", "--database-url", seeded_copy]) == 0
    assert "无新情况" in capsys.readouterr().out  # a second sweep finds nothing new
