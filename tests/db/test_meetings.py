"""Joint meetings: minutes with attendees, decisions issued as a work order or a supervision
order and followed to whether they were carried out; refused to a department's handler."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.services import meetings
from command_center.services.audit import Actor


def actor(session: Session, role: str) -> Actor:
    uid, name = session.execute(text(
        "SELECT id, display_name FROM app_users WHERE role_code = :r AND active ORDER BY id "
        "LIMIT 1"), {"r": role}).one()
    return Actor(uid, name)


def test_minutes_and_decisions_issued_on_the_spot(session: Session) -> None:
    sup = actor(session, "supervisor")
    mid = meetings.start(session, sup, "11月第3周会办", "weekly", attendees="县综治中心、公安局")
    meetings.save_minutes(session, sup, mid, attendees="县综治中心、公安局、司法局",
                          minutes="供暖投诉集中，责成住建局三日内排查。")
    # a new incident to send out, and an incident with an order to supervise
    new_number, new_id = session.execute(text(
        "SELECT number, id FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM work_orders o "
        "WHERE o.incident_id = i.id) AND duplicate_of_id IS NULL ORDER BY id DESC LIMIT 1")).one()
    session.execute(text(
        "UPDATE incidents SET status = 'accepted', accepted_at = reported_at, resolved_at = NULL,"
        " closed_at = NULL, version = version + 1 WHERE id = :i"), {"i": new_id})
    dept = session.execute(text("SELECT id FROM departments ORDER BY id LIMIT 1")).scalar_one()
    d1 = meetings.decide(session, sup, mid, "请住建局牵头排查", "work_order",
                         department_id=dept, incident_number=new_number)
    supervised = session.execute(text(
        "SELECT i.number FROM incidents i JOIN work_orders o ON o.incident_id = i.id WHERE "
        "o.status IN ('accepted','in_progress') AND NOT EXISTS (SELECT 1 FROM supervision_orders "
        "s WHERE s.incident_id = i.id OR s.work_order_id = o.id) ORDER BY i.id LIMIT 1"
    )).scalar_one()
    d2 = meetings.decide(session, sup, mid, "限期办结", "supervision", incident_number=supervised)
    meetings.decide(session, sup, mid, "下周再议", "note")
    row = next(m for m in meetings.meetings(session) if m.id == mid)
    assert row.attendees == "县综治中心、公安局、司法局" and "住建局" in row.minutes
    by_id = {d.id: d for d in row.decisions}
    assert by_id[d1].order_number and by_id[d1].order_number.startswith("GD")
    assert by_id[d1].carried_out is False and by_id[d2].carried_out is False
    assert row.carried_out == (0, 2)
    assert session.execute(text(
        "SELECT count(*) FROM work_orders WHERE incident_id = :i"), {"i": new_id}).scalar() == 1
    # the order is resolved: the decision is carried out
    session.execute(text(
        "UPDATE work_orders SET status = 'resolved', resolved_at = now() WHERE number = :n"),
        {"n": by_id[d1].order_number})
    row = next(m for m in meetings.meetings(session) if m.id == mid)
    assert row.carried_out == (1, 2)
    actions = [r[0] for r in session.execute(text(
        "SELECT action FROM audit_log WHERE entity_type = 'meeting' AND entity_id = :m "
        "ORDER BY id"), {"m": mid})]
    assert actions[:2] == ["meeting.start", "meeting.minutes"]
    assert actions.count("meeting.decision") == 3


def test_refused_in_both_languages(session: Session) -> None:
    with pytest.raises(meetings.MeetingError, match="center"):
        meetings.start(session, actor(session, "dept_handler"), "会", "weekly")
    sup = actor(session, "supervisor")
    with pytest.raises(meetings.MeetingError, match=r"会议名称.*title"):
        meetings.start(session, sup, "  ", "weekly")
    mid = meetings.start(session, sup, "月回看", "monthly")
    with pytest.raises(meetings.MeetingError, match=r"部门.*department"):
        meetings.decide(session, sup, mid, "派", "work_order", incident_number="SJ0")
    with pytest.raises(meetings.MeetingError, match="SJ0"):
        meetings.decide(session, sup, mid, "派", "work_order", department_id=1,
                        incident_number="sj0")
