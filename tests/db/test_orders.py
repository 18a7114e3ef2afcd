"""The work-order lifecycle on real PostgreSQL: every step, the refusals, objection, joint
handling, second dispatch, reopening, merging, deadlines across a holiday, and the rule that of two
operators acting on one order at the same moment exactly one succeeds."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session, sessionmaker

from command_center import clock as program_clock
from command_center.db.engine import make_engine
from command_center.models import (
    AdminArea,
    AppUser,
    AuditEntry,
    Category,
    DeadlineRule,
    Department,
    Incident,
    OrderProgress,
    ReturnVisit,
    WorkOrder,
)
from command_center.services import orders, routing
from command_center.services.audit import Actor
from command_center.services.orders import ConflictError, TransitionError

CST = dt.timezone(dt.timedelta(hours=8))
OPERATOR = Actor(None, "王丽娟")
NOW = dt.datetime(2026, 11, 18, 9, 0, tzinfo=CST)  # a Wednesday


class Clock:
    """The program's clock, stopped at a moment and moved by hand."""

    def __init__(self, now: dt.datetime) -> None:
        program_clock.freeze(now)

    @property
    def now(self) -> dt.datetime:
        return program_clock.now()

    @now.setter
    def now(self, moment: dt.datetime) -> None:
        program_clock.freeze(moment)

    def advance(self, **kw: float) -> None:
        program_clock.advance(dt.timedelta(**kw))


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def Sessions(county: Connection) -> sessionmaker[Session]:
    """Sessions one after another on the shared demo county, on one connection whose transaction
    is rolled back after the test; their commits release savepoints (see tests/db/conftest.py)."""
    return sessionmaker(
        bind=county, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def ConcurrentSessions(seeded_copy: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on connections of their own, on a copy of the county: operators acting at once."""
    engine = make_engine(seeded_copy)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def _leaf(session: Session) -> Category:
    return session.scalars(
        select(Category)
        .where(Category.level == 3, Category.default_department_id.is_not(None))
        .order_by(Category.code)
    ).first()


def _departments(session: Session) -> list[int]:
    return list(session.scalars(select(Department.id).order_by(Department.id)))


def _handler(session: Session, department_id: int) -> Actor:
    user = session.scalars(select(AppUser).where(AppUser.department_id == department_id)).first()
    assert user is not None
    return Actor(user.id, user.display_name)


def _new_incident(session: Session, *, priority: int = 3, title: str = "路灯不亮") -> int:
    leaf = _leaf(session)
    n = session.scalar(select(func.count()).select_from(Incident))
    inc = Incident(
        number=f"SJT{n:08d}",
        channel_code="hotline_12345",
        category_code=leaf.code,
        title=title,
        description="东街路口三盏路灯夜间不亮",
        lon=100.81,
        lat=38.43,
        priority=priority,
        status="new",
        reported_at=NOW - dt.timedelta(hours=1),
        answer_due_at=NOW + dt.timedelta(days=7),
    )
    session.add(inc)
    session.commit()
    return inc.id


def _status(session: Session, model: type, id_: int) -> str:
    session.expire_all()
    return session.get(model, id_).status


def _actions(session: Session, entity_type: str, entity_id: int) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id)
        )
    )


def test_the_whole_loop_from_intake_to_return_visit(Sessions, clock: Clock) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        dept = s.get(Category, s.get(Incident, inc_id).category_code).default_department_id
        handler = _handler(s, dept)
        orders.accept_incident(s, OPERATOR, inc_id)
        assert _status(s, Incident, inc_id) == "accepted"
        assert s.get(Incident, inc_id).due_at > NOW
        clock.advance(minutes=10)
        (order,) = orders.dispatch(s, OPERATOR, inc_id, dept, note="请尽快处理")
        assert order.number.startswith("GD20261118")
        assert _status(s, Incident, inc_id) == "dispatched"
        clock.advance(minutes=30)
        orders.accept_order(s, handler, order.id)
        assert _status(s, Incident, inc_id) == "in_progress"
        orders.report_progress(
            s, handler, order.id, "已派电工到场", [{"name": "现场.jpg", "sha256": "ab"}]
        )
        assert _status(s, WorkOrder, order.id) == "in_progress"
        clock.advance(hours=5)
        orders.resolve_order(s, handler, order.id, "更换灯泡三只，已恢复照明")
        assert _status(s, Incident, inc_id) == "resolved"
        orders.verify_order(s, OPERATOR, order.id, True, "回看视频确认已亮")
        assert _status(s, Incident, inc_id) == "verified"
        clock.advance(days=1)
        orders.close_incident(s, OPERATOR, inc_id, 5, "很满意")
        s.expire_all()
        inc = s.get(Incident, inc_id)
        assert (inc.status, inc.satisfaction) == ("closed", 5)
        assert inc.closed_at == clock.now and inc.answered_at == clock.now
        assert s.get(WorkOrder, order.id).status == "closed"
        visit = s.scalars(select(ReturnVisit).where(ReturnVisit.incident_id == inc_id)).one()
        assert (visit.satisfaction, visit.comment) == (5, "很满意")
        assert s.scalars(select(OrderProgress).where(OrderProgress.order_id == order.id)).one()
        assert _actions(s, "incident", inc_id) == [
            "incident.accept",
            "incident.dispatch",
            "incident.in_progress",
            "incident.resolved",
            "incident.verify",
            "incident.close",
        ]
        assert _actions(s, "work_order", order.id) == [
            "order.create",
            "order.accept",
            "order.progress",
            "order.resolve",
            "order.verify",
            "order.close",
        ]


def test_a_return_visit_that_could_not_reach_the_reporter_is_recorded_and_closes_nothing(
    Sessions, clock: Clock
) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        dept = s.get(Category, s.get(Incident, inc_id).category_code).default_department_id
        handler = _handler(s, dept)
        (order,) = orders.dispatch(s, OPERATOR, inc_id, dept)
        with pytest.raises(TransitionError, match="cannot close"):  # not yet verified
            orders.record_unreached_visit(s, OPERATOR, inc_id, "无人接听")
        orders.accept_order(s, handler, order.id)
        orders.resolve_order(s, handler, order.id, "已修复")
        orders.verify_order(s, OPERATOR, order.id, True)
        clock.advance(hours=2)
        orders.record_unreached_visit(s, OPERATOR, inc_id, "两次拨打无人接听")
        clock.advance(hours=3)
        orders.record_unreached_visit(s, OPERATOR, inc_id, None, method="visit")
        s.expire_all()
        inc = s.get(Incident, inc_id)
        assert (inc.status, inc.satisfaction, inc.closed_at) == ("verified", None, None)
        visits = s.scalars(
            select(ReturnVisit).where(ReturnVisit.incident_id == inc_id).order_by(ReturnVisit.id)
        ).all()
        assert [(v.satisfaction, v.comment, v.method) for v in visits] == [
            (None, "两次拨打无人接听", "phone"),
            (None, None, "visit"),
        ]
        assert visits[0].at == NOW + dt.timedelta(hours=2)
        entries = s.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity_type == "incident",
                AuditEntry.entity_id == inc_id,
                AuditEntry.action == "incident.visit_unreached",
            )
            .order_by(AuditEntry.id)
        ).all()
        assert [(e.actor_name, e.reason, e.after["attempt"]) for e in entries] == [
            ("王丽娟", "两次拨打无人接听", 1),
            ("王丽娟", None, 2),
        ]
        assert "未联系上" in entries[0].summary
        # reached at last: closed with the rating
        orders.close_incident(s, OPERATOR, inc_id, 4, "已修好")
        assert _status(s, Incident, inc_id) == "closed"


def test_an_illegal_transition_is_refused_with_the_reason_and_changes_nothing(
    Sessions, clock: Clock
) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        dept = _departments(s)[0]
        (order,) = orders.dispatch(s, OPERATOR, inc_id, dept)
        with pytest.raises(TransitionError) as err:
            orders.resolve_order(s, _handler(s, dept), order.id, "已处理")
        assert "待签收" in str(err.value) and "cannot resolve" in str(err.value)
        with pytest.raises(TransitionError, match="cannot close"):
            orders.close_incident(s, OPERATOR, inc_id, 5)
        with pytest.raises(TransitionError, match="请填写办理结果"):
            orders.resolve_order(s, _handler(s, dept), order.id, "   ")
        s.expire_all()
        assert s.get(WorkOrder, order.id).version == order.version
        assert s.get(WorkOrder, order.id).status == "dispatched"
        assert _actions(s, "work_order", order.id) == ["order.create"]


def test_objection_within_eight_hours_sends_the_incident_back_for_routing(
    Sessions, clock: Clock
) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        first, second = _departments(s)[:2]
        (order,) = orders.dispatch(s, OPERATOR, inc_id, first)
        assert s.get(WorkOrder, order.id).objection_deadline_at == NOW + dt.timedelta(hours=8)
        clock.advance(hours=7, minutes=59)
        orders.object_order(s, _handler(s, first), order.id, "属供电公司产权，非本部门职责")
        assert _status(s, WorkOrder, order.id) == "objected"
        assert _status(s, Incident, inc_id) == "accepted"
        assert s.get(WorkOrder, order.id).objection_reason == "属供电公司产权，非本部门职责"
        (again,) = orders.dispatch(s, OPERATOR, inc_id, second)
        assert s.get(WorkOrder, again.id).dispatch_round == 2
        assert _status(s, Incident, inc_id) == "dispatched"


def test_after_the_objection_window_only_a_return_is_possible(Sessions, clock: Clock) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        dept = _departments(s)[0]
        handler = _handler(s, dept)
        (order,) = orders.dispatch(s, OPERATOR, inc_id, dept)
        orders.accept_order(s, handler, order.id)
        clock.advance(hours=8, minutes=1)
        with pytest.raises(TransitionError, match="异议期已于 11-18 17:00 结束"):
            orders.object_order(s, handler, order.id, "不归我们管")
        assert "object" not in orders.allowed_order_actions(s.get(WorkOrder, order.id), clock.now)
        orders.return_order(s, handler, order.id, "需现场勘查后由住建局牵头")
        assert _status(s, WorkOrder, order.id) == "returned"
        assert _status(s, Incident, inc_id) == "accepted"


def test_joint_handling_waits_for_every_co_department(Sessions, clock: Clock) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        lead_dept, co1, co2 = _departments(s)[:3]
        made = orders.dispatch(s, OPERATOR, inc_id, lead_dept, co_department_ids=[co1, co2])
        lead, a, b = made
        for o in made:
            assert s.get(WorkOrder, o.id).mode == "joint"
        assert s.get(WorkOrder, a.id).lead_order_id == lead.id
        for o, dept in ((lead, lead_dept), (a, co1), (b, co2)):
            orders.accept_order(s, _handler(s, dept), o.id)
        orders.resolve_order(s, _handler(s, co1), a.id, "已清理占道摊位")
        with pytest.raises(TransitionError) as err:
            orders.resolve_order(s, _handler(s, lead_dept), lead.id, "已完成")
        assert s.get(Department, co2).name in str(err.value)
        assert _status(s, Incident, inc_id) == "in_progress"
        orders.resolve_order(s, _handler(s, co2), b.id, "已设置隔离护栏")
        assert _status(s, Incident, inc_id) == "in_progress"  # the lead has not reported yet
        orders.resolve_order(s, _handler(s, lead_dept), lead.id, "联合整治完毕")
        assert _status(s, Incident, inc_id) == "resolved"
        orders.verify_order(s, OPERATOR, lead.id, True)
        assert {_status(s, WorkOrder, o.id) for o in made} == {"verified"}
        orders.close_incident(s, OPERATOR, inc_id, 4)
        assert {_status(s, WorkOrder, o.id) for o in made} == {"closed"}


def test_objection_by_the_lead_withdraws_the_co_orders(Sessions, clock: Clock) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        lead_dept, co1 = _departments(s)[:2]
        lead, co = orders.dispatch(s, OPERATOR, inc_id, lead_dept, co_department_ids=[co1])
        orders.object_order(s, _handler(s, lead_dept), lead.id, "应由交通局牵头")
        assert _status(s, WorkOrder, co.id) == "cancelled"
        assert _status(s, Incident, inc_id) == "accepted"


def test_a_failed_verification_and_a_second_dispatch(Sessions, clock: Clock) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        first, second = _departments(s)[:2]
        (order,) = orders.dispatch(s, OPERATOR, inc_id, first)
        orders.accept_order(s, _handler(s, first), order.id)
        orders.resolve_order(s, _handler(s, first), order.id, "已处理")
        with pytest.raises(TransitionError, match="请填写核查意见"):
            orders.verify_order(s, OPERATOR, order.id, False)
        orders.verify_order(s, OPERATOR, order.id, False, "回访群众称问题仍在")
        assert _status(s, WorkOrder, order.id) == "in_progress"
        assert _status(s, Incident, inc_id) == "in_progress"
        (new,) = orders.second_dispatch(s, OPERATOR, order.id, second, "原部门处理不力，改派")
        assert _status(s, WorkOrder, order.id) == "cancelled"
        row = s.get(WorkOrder, new.id)
        assert (row.department_id, row.dispatch_round, row.status) == (second, 2, "dispatched")
        assert _status(s, Incident, inc_id) == "dispatched"


def test_reopening_is_allowed_within_the_window_only(Sessions, clock: Clock) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        orders.resolve_incident(s, OPERATOR, inc_id, "网格员现场劝离")
        orders.verify_incident(s, OPERATOR, inc_id, True)
        orders.close_incident(s, OPERATOR, inc_id, 3)
        clock.advance(days=10)
        orders.reopen_incident(s, OPERATOR, inc_id, "群众再次来电反映未解决")
        s.expire_all()
        inc = s.get(Incident, inc_id)
        assert (inc.status, inc.reopen_count, inc.closed_at) == ("accepted", 1, None)
        orders.resolve_incident(s, OPERATOR, inc_id, "再次处置")
        orders.verify_incident(s, OPERATOR, inc_id, True)
        orders.close_incident(s, OPERATOR, inc_id, 4)
        clock.advance(days=16)
        with pytest.raises(TransitionError, match="超过15天"):
            orders.reopen_incident(s, OPERATOR, inc_id, "又来电")
        assert _status(s, Incident, inc_id) == "closed"


def test_merged_reports_receive_the_outcome_of_the_one_kept(Sessions, clock: Clock) -> None:
    with Sessions() as s:
        keep = _new_incident(s)
        dup = _new_incident(s, title="东街路灯坏了")
        orders.merge_incidents(s, OPERATOR, keep, [dup], "同一路段重复反映")
        s.expire_all()
        assert (s.get(Incident, dup).status, s.get(Incident, dup).duplicate_of_id) == (
            "merged",
            keep,
        )
        with pytest.raises(TransitionError):
            orders.dispatch(s, OPERATOR, dup, _departments(s)[0])
        orders.resolve_incident(s, OPERATOR, keep, "已修复")
        orders.verify_incident(s, OPERATOR, keep, True)
        clock.advance(hours=3)
        orders.close_incident(s, OPERATOR, keep, 5)
        s.expire_all()
        merged = s.get(Incident, dup)
        assert merged.answered_at == clock.now and merged.closed_at == clock.now
        assert _actions(s, "incident", dup)[-1] == "incident.outcome"


def test_answering_the_reporter_stops_the_waiting(Sessions, clock: Clock) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        before = s.get(Incident, inc_id).version
        orders.answer_reporter(s, OPERATOR, inc_id, "已受理，正在安排处理")
        s.expire_all()
        inc = s.get(Incident, inc_id)
        assert inc.answered_at == NOW and inc.version == before + 1


def test_deadline_across_the_national_day_holiday(Sessions, clock: Clock) -> None:
    clock.now = dt.datetime(2026, 9, 30, 10, 0, tzinfo=CST)  # the eve of 国庆节
    with Sessions() as s:
        inc_id = _new_incident(s)
        leaf = s.get(Category, s.get(Incident, inc_id).category_code)
        s.add(DeadlineRule(category_code=leaf.code, priority=None, working_days=3))
        s.add(DeadlineRule(category_code=leaf.code, priority=1, working_hours=4))
        s.commit()
        (order,) = orders.dispatch(s, OPERATOR, inc_id, _departments(s)[0])
        # Oct 1–7 off; Thu 8, Fri 9, and Saturday 10 is a make-up working day
        assert s.get(WorkOrder, order.id).deadline_at == dt.datetime(
            2026, 10, 10, 10, 0, tzinfo=CST
        )
        urgent = _new_incident(s, priority=1)
        (fast,) = orders.dispatch(s, OPERATOR, urgent, _departments(s)[0])
        # 10:00 + 4 office hours: 2 h until noon, 2 h from 14:30
        assert s.get(WorkOrder, fast.id).deadline_at == dt.datetime(2026, 9, 30, 16, 30, tzinfo=CST)


def test_of_two_operators_acting_at_once_exactly_one_succeeds(
    ConcurrentSessions, clock: Clock
) -> None:
    Sessions = ConcurrentSessions
    with Sessions() as s:
        inc_id = _new_incident(s)
        dept = _departments(s)[0]
        (order,) = orders.dispatch(s, OPERATOR, inc_id, dept)
        version = order.version
    people = [Actor(None, "张三"), Actor(None, "李四")]
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def act(actor: Actor) -> None:
        with Sessions() as session:
            barrier.wait()
            try:
                outcomes[actor.name] = orders.accept_order(
                    session, actor, order.id, expected_version=version
                )
            except ConflictError as exc:
                outcomes[actor.name] = exc

    threads = [threading.Thread(target=act, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    winners = [n for n, o in outcomes.items() if not isinstance(o, Exception)]
    losers = [o for o in outcomes.values() if isinstance(o, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1
    lost = losers[0]
    assert lost.actor_name == winners[0] and lost.current_status == "accepted"
    assert f"{winners[0]} 于" in str(lost) and "已签收" in str(lost)
    with Sessions() as s:
        row = s.get(WorkOrder, order.id)
        assert (row.status, row.version) == ("accepted", version + 1)
        assert _actions(s, "work_order", order.id).count("order.accept") == 1


def test_a_stale_version_is_refused_even_one_after_the_other(Sessions, clock: Clock) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        seen = s.get(Incident, inc_id).version
        orders.accept_incident(s, Actor(None, "张三"), inc_id, expected_version=seen)
        with pytest.raises(ConflictError) as err:
            orders.reject_incident(s, Actor(None, "李四"), inc_id, "重复", expected_version=seen)
        assert err.value.actor_name == "张三" and err.value.current_status == "accepted"
        assert "当前状态：已受理" in str(err.value)  # an incident's word, not an order's
        assert _status(s, Incident, inc_id) == "accepted"


def test_routing_suggests_by_rule_with_its_reason(Sessions) -> None:
    with Sessions() as s:
        leaf = _leaf(s)
        default_dept = s.get(Department, leaf.default_department_id)
        suggestion = routing.suggest(s, leaf.code, None)
        assert suggestion.department_id == default_dept.id
        assert leaf.name in suggestion.reason and "默认承办部门" in suggestion.reason
        town_id = s.scalar(select(func.min(Incident.town_id)))
        other = s.scalar(select(func.max(Department.id)))
        routing.save_rule(
            s,
            OPERATOR,
            category_code=leaf.parent_code,
            department_id=other,
            town_id=town_id,
            note="该镇由综合执法队统一处理",
        )
        there = routing.suggest(s, leaf.code, town_id)
        assert there.department_id == other and "统一处理" in there.reason
        elsewhere = routing.suggest(s, leaf.code, None)
        assert elsewhere.department_id == default_dept.id
        assert _actions(s, "routing_rule", there.rule_id) == ["routing.save"]


def test_the_demo_county_routes_by_its_own_rules(Sessions) -> None:
    with Sessions() as s:
        leaf = s.scalars(
            select(Category.code).where(Category.parent_code == "0703").order_by(Category.code)
        ).first()
        town = s.scalar(select(AdminArea.id).where(AdminArea.name == "洪水镇"))
        other = s.scalar(
            select(AdminArea.id).where(AdminArea.level == "town", AdminArea.name != "洪水镇")
        )
        in_seat = routing.suggest(s, leaf, town)
        assert in_seat.department_name == "县城市管理综合执法局"
        assert "洪水镇" in in_seat.reason and "城管局负责" in in_seat.reason
        assert routing.suggest(s, leaf, other).rule_id is None  # the category's default


def test_the_demo_county_has_answered_most_reporters(Sessions) -> None:
    with Sessions() as s:
        closed_waiting = s.scalar(
            select(func.count()).where(Incident.status == "closed", Incident.answered_at.is_(None))
        )
        accepted, waiting = s.execute(
            select(
                func.count(),
                func.count().filter(Incident.answered_at.is_(None)),
            ).where(Incident.accepted_at.is_not(None), Incident.status != "closed")
        ).one()
    assert closed_waiting == 0
    assert 0 < waiting < accepted * 0.3  # a few still wait for their answer, most do not
