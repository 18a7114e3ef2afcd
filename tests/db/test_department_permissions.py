"""A department's handler acts on and sees only its own department's work orders (and their
incidents), on the demo county: another department's order is refused with a message naming
both departments, before anything is changed or audited; the center is not bound to a
department (permissions.may_reach_order)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from command_center.services import orders, queue, record_details
from command_center.services.attachments import attachment_data
from command_center.services.audit import Actor
from command_center.services.permissions import PermissionDenied
from tests.db.conftest import q


def _user(s: Session, where: str, **params: Any) -> Actor:
    row = s.execute(
        text(f"SELECT id, display_name FROM app_users WHERE {where} ORDER BY id LIMIT 1"), params
    ).one()
    return Actor(row.id, row.display_name)


def _police(s: Session) -> tuple[int, str]:
    row = s.execute(text("SELECT id, name FROM departments WHERE code = 'police'")).one()
    return row.id, row.name


def _dept_name(s: Session, dept_id: int) -> str:
    return str(s.scalar(text("SELECT name FROM departments WHERE id = :d"), {"d": dept_id}))


def _order(s: Session, status: str, *, dept: int | None = None, not_dept: int | None = None) -> Any:
    """A plain (not joint) order in ``status``, of ``dept`` or of any department but
    ``not_dept``, whose incident has no order of ``not_dept``."""
    where = "o.status = :st AND o.mode = 'assign'"
    if dept is not None:
        where += " AND o.department_id = :d"
    if not_dept is not None:
        where += (
            " AND NOT EXISTS (SELECT 1 FROM work_orders x WHERE x.incident_id = o.incident_id"
            " AND x.department_id = :nd)"
        )
    row = s.execute(
        text(
            "SELECT o.id, o.number, o.incident_id, o.department_id, o.version "
            f"FROM work_orders o WHERE {where} ORDER BY o.id LIMIT 1"
        ),
        {"st": status, "d": dept, "nd": not_dept},
    ).one()
    return row


def _new_incident(s: Session) -> int:
    """An incident without orders, made new again (the small county may have none waiting);
    the test's transaction is rolled back."""
    inc_id = int(
        s.scalar(
            text(
                "SELECT id FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM work_orders o "
                "WHERE o.incident_id = i.id) AND duplicate_of_id IS NULL ORDER BY id DESC LIMIT 1"
            )
        )
    )
    s.execute(
        text(
            "UPDATE incidents SET status = 'new', accepted_at = NULL, resolved_at = NULL, "
            "closed_at = NULL, version = version + 1 WHERE id = :i"
        ),
        {"i": inc_id},
    )
    s.commit()
    return inc_id


def _dispatched(s: Session, dept: int, co: tuple[int, ...] = ()) -> list[Any]:
    """New orders to ``dept`` (and the co-departments ``co``), sent by a duty operator."""
    operator = _user(s, "username = 'zhiban1'")
    made = orders.dispatch(s, operator, _new_incident(s), dept, co_department_ids=co)
    return [_order_by_id(s, o.id) for o in made]


def _order_by_id(s: Session, order_id: int) -> Any:
    return s.execute(
        text(
            "SELECT id, number, incident_id, department_id, version FROM work_orders "
            "WHERE id = :i"
        ),
        {"i": order_id},
    ).one()


def _state(county: Connection, order_id: int) -> tuple[Any, ...]:
    return q(county, "SELECT status, version FROM work_orders WHERE id = %s", order_id)[0]


def _audit_rows(county: Connection) -> int:
    return int(q(county, "SELECT count(*) FROM audit_log")[0][0])


@pytest.fixture
def police(session: Session) -> tuple[Actor, int, str]:
    dept, name = _police(session)
    return _user(session, "username = 'bm_police'"), dept, name


# --- acting -----------------------------------------------------------------------------------


def test_a_handler_cannot_sign_for_another_departments_order(
    session: Session, county: Connection, police: tuple[Actor, int, str]
) -> None:
    handler, dept, dept_name = police
    other = _order(session, "dispatched", not_dept=dept)
    before, audited = _state(county, other.id), _audit_rows(county)
    with pytest.raises(PermissionDenied) as refused:
        orders.accept_order(session, handler, other.id, expected_version=other.version)
    # the message says why: whose order it is, and whose the handler is
    assert other.number in refused.value.zh
    assert f"属于{_dept_name(session, other.department_id)}" in refused.value.zh
    assert f"您属于{dept_name}" in refused.value.zh
    assert "belongs to" in refused.value.en and "you are in" in refused.value.en
    assert _state(county, other.id) == before == ("dispatched", other.version)
    assert _audit_rows(county) == audited  # nothing audited


@pytest.mark.parametrize(
    "act",
    [
        pytest.param(lambda s, a, o: orders.report_progress(s, a, o, "已到现场"), id="progress"),
        pytest.param(lambda s, a, o: orders.resolve_order(s, a, o, "已处理完毕"), id="resolve"),
        pytest.param(lambda s, a, o: orders.return_order(s, a, o, "不归我部门管"), id="return"),
    ],
)
def test_a_handler_cannot_answer_another_departments_order(
    session: Session, county: Connection, police: tuple[Actor, int, str], act: Any
) -> None:
    """The department's replies on an order (progress, result, handing it back) are refused."""
    handler, dept, dept_name = police
    other = _order(session, "in_progress", not_dept=dept)
    before, audited = _state(county, other.id), _audit_rows(county)
    progress = q(county, "SELECT count(*) FROM order_progress WHERE order_id = %s", other.id)
    with pytest.raises(PermissionDenied, match=f"您属于{dept_name}"):
        act(session, handler, other.id)
    assert _state(county, other.id) == before == ("in_progress", other.version)
    assert _audit_rows(county) == audited
    assert q(county, "SELECT count(*) FROM order_progress WHERE order_id = %s", other.id) == (
        progress
    )


def test_a_handler_cannot_object_to_another_departments_order(
    session: Session, county: Connection, police: tuple[Actor, int, str]
) -> None:
    handler, dept, _ = police
    other = _order(session, "dispatched", not_dept=dept)
    before, audited = _state(county, other.id), _audit_rows(county)
    with pytest.raises(PermissionDenied, match="不属于本部门"):
        orders.object_order(session, handler, other.id, "非本部门职责")
    assert _state(county, other.id) == before
    assert _audit_rows(county) == audited


def test_a_handler_signs_for_and_answers_its_own_departments_order(
    session: Session, county: Connection, police: tuple[Actor, int, str]
) -> None:
    handler, dept, _ = police
    (waiting,) = _dispatched(session, dept)
    audited = _audit_rows(county)
    assert orders.accept_order(session, handler, waiting.id, waiting.version).status == "accepted"
    assert orders.report_progress(session, handler, waiting.id, "已到现场").status == "in_progress"
    assert orders.resolve_order(session, handler, waiting.id, "已处理完毕").status == "resolved"
    assert _state(county, waiting.id)[0] == "resolved"
    assert _audit_rows(county) > audited


def test_joint_handling_each_department_acts_on_its_own_order_only(
    session: Session, county: Connection, police: tuple[Actor, int, str]
) -> None:
    handler, dept, _ = police
    co_dept = int(
        session.scalar(
            text("SELECT id FROM departments WHERE active AND id <> :d ORDER BY id LIMIT 1"),
            {"d": dept},
        )
    )
    co_handler = _user(session, "role_code = 'dept_handler' AND department_id = :d", d=co_dept)
    lead, co = _dispatched(session, dept, (co_dept,))
    inc_id = lead.incident_id
    audited = _audit_rows(county)
    with pytest.raises(PermissionDenied, match="不属于本部门"):
        orders.accept_order(session, co_handler, lead.id)  # the co-department, the lead order
    with pytest.raises(PermissionDenied, match="不属于本部门"):
        orders.accept_order(session, handler, co.id)  # the lead department, the co-order
    assert (_state(county, lead.id)[0], _state(county, co.id)[0]) == ("dispatched", "dispatched")
    assert _audit_rows(county) == audited
    assert orders.accept_order(session, co_handler, co.id).status == "accepted"
    assert orders.accept_order(session, handler, lead.id).status == "accepted"
    # each sees the incident, with its own order only
    seen = record_details.details(session, inc_id, actor=co_handler)
    assert seen is not None and [o.id for o in seen.orders] == [co.id]
    # the lead department sees the incident, but not the co-department's order
    with pytest.raises(PermissionDenied, match=f"属于{_dept_name(session, co_dept)}"):
        record_details.details(session, inc_id, focus_order_id=co.id, actor=handler)


def test_a_duty_operator_is_not_bound_to_a_department(
    session: Session, county: Connection, police: tuple[Actor, int, str]
) -> None:
    _, dept, _ = police
    operator = _user(session, "username = 'zhiban1'")
    other = _order(session, "resolved", not_dept=dept)
    (mine,) = _dispatched(session, dept)
    for o in (other, mine):
        seen = record_details.details(session, o.incident_id, focus_order_id=o.id, actor=operator)
        assert seen is not None and o.id in [r.id for r in seen.orders]
    assert orders.verify_order(session, operator, other.id, True, None, other.version).status == (
        "verified"
    )
    again = orders.second_dispatch(session, operator, mine.id, None, "派错了，重新派", mine.version)
    assert _state(county, mine.id)[0] == "cancelled" and again[0].status == "dispatched"


def test_an_analyst_reads_everything_and_acts_on_nothing(
    session: Session, county: Connection, police: tuple[Actor, int, str]
) -> None:
    analyst = _user(session, "username = 'yanpan1'")
    waiting = _order(session, "dispatched")
    assert record_details.details(session, waiting.incident_id, actor=analyst) is not None
    audited = _audit_rows(county)
    with pytest.raises(PermissionDenied):
        orders.accept_order(session, analyst, waiting.id)
    assert _state(county, waiting.id) == ("dispatched", waiting.version)
    assert _audit_rows(county) == audited


# --- seeing -----------------------------------------------------------------------------------


def test_a_handler_cannot_see_another_departments_incident_or_order(
    session: Session, police: tuple[Actor, int, str]
) -> None:
    handler, dept, dept_name = police
    other = _order(session, "in_progress", not_dept=dept)
    with pytest.raises(PermissionDenied, match=f"您属于{dept_name}"):
        record_details.details(session, other.incident_id, actor=handler)
    with pytest.raises(PermissionDenied, match=_dept_name(session, other.department_id)):
        record_details.details(
            session, other.incident_id, focus_order_id=other.id, actor=handler
        )
    # without an actor (the program itself) the details are read as before
    assert record_details.details(session, other.incident_id) is not None


def test_a_handler_sees_its_own_departments_order_and_only_its_actions(
    session: Session, police: tuple[Actor, int, str]
) -> None:
    handler, dept, _ = police
    (mine,) = _dispatched(session, dept)
    seen = record_details.details(
        session, mine.incident_id, focus_order_id=mine.id, actor=handler
    )
    assert seen is not None
    assert {o.department_id for o in seen.orders} == {dept}
    assert seen.incident_actions == []  # the center's part
    assert "accept" in seen.order_actions[mine.id]


def test_a_photo_of_another_departments_progress_is_refused(
    session: Session, police: tuple[Actor, int, str]
) -> None:
    handler, dept, _ = police
    other = _order(session, "in_progress", not_dept=dept)
    operator = _user(session, "username = 'zhiban1'")
    bm = _user(
        session, "role_code = 'dept_handler' AND department_id = :d", d=other.department_id
    )
    photo = {"name": "现场.jpg", "data": "aGVsbG8="}
    orders.report_progress(session, bm, other.id, "现场照片", [photo])
    pid = session.scalar(
        text("SELECT max(id) FROM order_progress WHERE order_id = :o"), {"o": other.id}
    )
    with pytest.raises(PermissionDenied, match="不属于本部门"):
        attachment_data(session, pid, 0, actor=handler)
    assert attachment_data(session, pid, 0, actor=operator) == ("现场.jpg", b"hello")


def test_the_inbox_holds_only_the_handlers_department(
    session: Session, police: tuple[Actor, int, str]
) -> None:
    handler, dept, _ = police
    inbox = queue.Query("orders", inbox_user_id=handler.user_id)
    n = queue.count(session, inbox).value
    mine = session.scalar(
        text("SELECT count(*) FROM work_orders WHERE department_id = :d"), {"d": dept}
    )
    assert 0 < n == mine
