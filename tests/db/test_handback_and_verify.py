"""What a department hands back and what the center verifies, on real PostgreSQL: an objection
names the department it thinks the matter belongs to (shown at the top of the incident, offered
at the next dispatch), a resolution carries photos the verification shows, a return visit says
how it was made — and the database refuses any other way."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from command_center.models import AuditEntry, Incident, ReturnVisit, WorkOrder
from command_center.services import actions, orders, record_details
from command_center.services.attachments import photo_attachment
from command_center.services.orders import TransitionError
from tests.db import test_orders as base
from tests.db.test_orders import OPERATOR, Clock, _departments, _handler, _new_incident

clock = base.clock  # the fixtures of the lifecycle's tests
Sessions = base.Sessions

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92"
    b"\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _target(s, kind: str, id_: int) -> actions.Target:
    model = Incident if kind == "incident" else WorkOrder
    s.expire_all()
    row = s.get(model, id_)
    return actions.Target(kind, id_, row.version, row.number, status=row.status)


def test_an_objection_names_the_department_the_center_sees_and_is_offered(
    Sessions, clock: Clock
) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        first, second = _departments(s)[:2]
        (order,) = orders.dispatch(s, OPERATOR, inc_id, first)
        assert record_details.handback(s, inc_id) is None  # nothing handed back yet
        orders.object_order(
            s,
            _handler(s, first),
            order.id,
            "属供电公司产权",
            suggested_department_id=second,
        )
        back = record_details.handback(s, inc_id)
        assert back is not None
        assert (back.order_number, back.status, back.reason) == (
            order.number,
            "objected",
            "属供电公司产权",
        )
        assert back.suggested_department_id == second
        second_name = s.execute(
            text("SELECT name FROM departments WHERE id = :i"), {"i": second}
        ).scalar_one()
        assert back.suggested_department_name == second_name
        entry = s.query(AuditEntry).filter_by(action="order.object", entity_id=order.id).one()
        assert second_name in entry.summary and entry.after["suggested_department_id"] == second
        # the center's details show it; the dispatch dialog preselects it, saying why
        d = record_details.details(s, inc_id)
        assert d is not None and d.handback == back
        prep = actions.prepare(s, "incident", "dispatch", [_target(s, "incident", inc_id)])
        assert prep.suggestion is not None and prep.suggestion.department_id == second
        assert "异议" in prep.suggestion.reason
        # dispatched again: nothing waits any more
        orders.dispatch(s, OPERATOR, inc_id, second)
        assert record_details.handback(s, inc_id) is None


def test_an_objection_cannot_suggest_its_own_department_and_changes_nothing(
    Sessions, clock: Clock
) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        first = _departments(s)[0]
        (order,) = orders.dispatch(s, OPERATOR, inc_id, first)
        with pytest.raises(TransitionError, match="cannot be your own"):
            orders.object_order(
                s, _handler(s, first), order.id, "不归我们", suggested_department_id=first
            )
        with pytest.raises(TransitionError, match="does not exist"):
            orders.object_order(
                s, _handler(s, first), order.id, "不归我们", suggested_department_id=999_999
            )
        s.expire_all()
        assert s.get(WorkOrder, order.id).status == "dispatched"


def test_a_return_is_shown_at_the_top_with_its_reason(Sessions, clock: Clock) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        first = _departments(s)[0]
        (order,) = orders.dispatch(s, OPERATOR, inc_id, first)
        handler = _handler(s, first)
        orders.accept_order(s, handler, order.id)
        orders.return_order(s, handler, order.id, "现场无此路灯，地址有误")
        back = record_details.handback(s, inc_id)
        assert back is not None
        assert (back.status, back.reason, back.suggested_department_id) == (
            "returned",
            "现场无此路灯，地址有误",
            None,
        )


def test_photos_sent_with_the_result_are_what_the_verification_shows(
    Sessions, clock: Clock
) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        dept = _departments(s)[0]
        handler = _handler(s, dept)
        (order,) = orders.dispatch(s, OPERATOR, inc_id, dept)
        orders.accept_order(s, handler, order.id)
        orders.report_progress(
            s, handler, order.id, "已到场", [photo_attachment("before.png", PNG)]
        )
        clock.advance(hours=1)
        orders.resolve_order(
            s,
            handler,
            order.id,
            "更换灯泡三只，已恢复照明",
            attachments=[photo_attachment("after.png", PNG + b"x")],
        )
        prep = actions.prepare(s, "incident", "verify", [_target(s, "incident", inc_id)])
        assert [(r.order_number, r.result) for r in prep.results] == [
            (order.number, "更换灯泡三只，已恢复照明")
        ]
        assert [(p.name, p.data) for p in prep.photos] == [
            ("after.png", PNG + b"x"),  # the newest first
            ("before.png", PNG),
        ]
        too_many = [photo_attachment(f"{i}.png", PNG) for i in range(10)]
        with pytest.raises(TransitionError, match="at most 9 photos"):
            orders.report_progress(s, handler, order.id, "更多照片", too_many)


def test_a_return_visit_says_how_it_was_made(Sessions, clock: Clock) -> None:
    with Sessions() as s:
        inc_id = _new_incident(s)
        dept = _departments(s)[0]
        handler = _handler(s, dept)
        (order,) = orders.dispatch(s, OPERATOR, inc_id, dept)
        orders.accept_order(s, handler, order.id)
        orders.resolve_order(s, handler, order.id, "已修复")
        orders.verify_order(s, OPERATOR, order.id, True)
        with pytest.raises(TransitionError, match="unknown return visit method"):
            orders.close_incident(s, OPERATOR, inc_id, 5, method="carrier pigeon")
        t = _target(s, "incident", inc_id)
        actions.call(s, OPERATOR, t, "close", actions.Inputs(satisfaction=4, visit_method="visit"))
        visit = s.query(ReturnVisit).filter_by(incident_id=inc_id).one()
        assert (visit.method, visit.satisfaction) == ("visit", 4)
        entry = s.query(AuditEntry).filter_by(action="incident.close", entity_id=inc_id).one()
        assert "上门回访" in entry.summary and entry.after["method"] == "visit"
        # the database holds the same list
        with pytest.raises(IntegrityError), s.begin_nested():
            s.execute(
                text("UPDATE return_visits SET method = 'fax' WHERE id = :i"), {"i": visit.id}
            )


def test_the_database_lists_the_same_visit_methods_as_the_service() -> None:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "alembic" / "versions" / "0008_handback_and_visits.py"
    spec = importlib.util.spec_from_file_location("m0008", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert tuple(module.VISIT_METHODS) == tuple(orders.VISIT_METHODS)
