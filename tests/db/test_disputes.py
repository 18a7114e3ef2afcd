"""Dispute cases on real PostgreSQL: intake (at a room, from an incident, from a court), the
outcomes (agreement kept, broken and reopened, failure with referral, withdrawal), the automatic
follow-up, repeat detection, alerts by size, identity numbers, masking by role, stale edits."""

from __future__ import annotations

import datetime as dt
import re

import psycopg
import pytest
from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.db.engine import libpq_url, make_engine, make_session_factory
from command_center.models import DisputeAlert, DisputeCase, FollowUpVisit
from command_center.services import disputes, personal, settings
from command_center.services.audit import SYSTEM, Actor
from command_center.services.disputes import (
    CaseFilter,
    CaseInput,
    ConflictError,
    PartyInput,
    TransitionError,
)
from command_center.services.permissions import PermissionDenied
from tests.conftest import TEST_NOW, login_url
from tests.db.conftest import q

VALID_ID = "11010519491231002X"  # the standard's own example


def _valid(first17: str) -> str:
    return first17 + disputes.id_check_digit(first17)


def _room(session: Session, level: str = "village") -> tuple[int, int]:
    """A room of ``level`` and one of its mediators."""
    row = session.execute(
        text(
            "SELECT o.id, m.id FROM mediation_orgs o JOIN mediators m ON m.org_id = o.id "
            "WHERE o.level = :level ORDER BY o.id, m.id LIMIT 1"
        ),
        {"level": level},
    ).one()
    return int(row[0]), int(row[1])


def _input(session: Session, **kw: object) -> CaseInput:
    org_id, mediator_id = _room(session)
    parties = kw.pop("parties", None) or (
        PartyInput("applicant", "张建国", phone="13909361234", id_number=VALID_ID,
                   address="民乐县洪水镇益民村三社12号"),
        PartyInput("respondent", "李明", phone="13809365678"),
    )
    base: dict[str, object] = dict(
        type_code="neighbour", summary="邻居修建围墙占用通道引发纠纷", parties=parties,
        org_id=org_id, mediator_id=mediator_id,
    )
    base.update(kw)
    return CaseInput(**base)  # type: ignore[arg-type]


def _audit_actions(session: Session, case_id: int) -> list[str]:
    return list(session.scalars(text(
        "SELECT action FROM audit_log WHERE entity_type = 'dispute_case' AND entity_id = :id "
        "ORDER BY id"
    ), {"id": case_id}))


def _case(session: Session, case_id: int) -> DisputeCase:
    return session.get(DisputeCase, case_id, populate_existing=True)  # type: ignore[return-value]


# --- identity numbers ---------------------------------------------------------------------


def test_identity_numbers_are_checked_by_their_check_digit() -> None:
    assert disputes.validate_id_number(" 11010519491231002x ") == VALID_ID
    assert disputes.validate_id_number(_valid("62072519880315001")) == _valid("62072519880315001")
    with pytest.raises(TransitionError) as wrong:
        disputes.validate_id_number("110105194912310021")
    assert "校验位" in str(wrong.value) and "check digit" in str(wrong.value)
    with pytest.raises(TransitionError, match="birth date"):
        disputes.validate_id_number(_valid("11010519491331002"))
    with pytest.raises(TransitionError, match="18"):
        disputes.validate_id_number("11010519491231")
    assert disputes.mask_id(VALID_ID) == "1101**********002X"


def test_a_wrong_identity_number_refuses_the_intake_and_writes_nothing(session: Session) -> None:
    before = session.scalar(select(text("count(*)")).select_from(DisputeCase))
    bad = (PartyInput("applicant", "张建国", id_number="110105194912310021"),
           PartyInput("respondent", "李明"))
    with pytest.raises(TransitionError, match="校验位"):
        disputes.intake(session, SYSTEM, _input(session, parties=bad))
    with pytest.raises(TransitionError, match="applicant and one respondent"):
        disputes.intake(session, SYSTEM, _input(session, parties=bad[1:]))
    assert session.scalar(select(text("count(*)")).select_from(DisputeCase)) == before


# --- the paths ----------------------------------------------------------------------------


def test_agreement_fulfilled_closes_after_the_automatic_follow_up(session: Session) -> None:
    clock.freeze(TEST_NOW)
    snap = disputes.intake(session, SYSTEM, _input(session))
    case = _case(session, snap.id)
    assert case.status == "received" and snap.number.startswith("TJ20261120")
    assert case.deadline_at == TEST_NOW + dt.timedelta(days=30)
    clock.advance(dt.timedelta(days=2))
    snap = disputes.add_session(
        session, SYSTEM, snap.id, snap.version, held_at=clock.now(), place="益民村调解室",
        participants="张建国、李明、村调解员", note="双方同意后退围墙半米",
        next_step="三日后现场确认",
    )
    assert snap.status == "mediating"
    snap = disputes.conclude_agreement(
        session, SYSTEM, snap.id, snap.version, terms="一、李明于十日内拆除占道围墙。",
        fulfil_by=clock.today() + dt.timedelta(days=10),
    )
    assert snap.status == "agreement"
    visit = session.scalars(select(FollowUpVisit).where(FollowUpVisit.case_id == snap.id)).one()
    assert visit.visited_at is None
    assert visit.due_at == clock.now() + dt.timedelta(days=15)
    assert (snap.id, snap.number, visit.due_at) not in disputes.due_follow_ups(session)
    clock.advance(dt.timedelta(days=15))
    assert (snap.id, snap.number, visit.due_at) in disputes.due_follow_ups(session)
    snap = disputes.record_follow_up(
        session, SYSTEM, snap.id, snap.version, kept=True, satisfaction="satisfied",
        note="围墙已拆除，双方和好",
    )
    case = _case(session, snap.id)
    assert (case.status, case.fulfilled) == ("closed", True)
    assert _audit_actions(session, snap.id) == [
        "dispute.receive", "dispute.mediate", "dispute.agreement", "dispute.follow_up",
        "dispute.close",
    ]
    file = disputes.case_file(session, snap.id)
    kinds = [e.kind for e in file.timeline]
    assert "session" in kinds and "visit" in kinds
    assert any("三日后现场确认" in e.text for e in file.timeline)


def test_a_broken_agreement_reopens_the_case_with_a_new_time_limit(session: Session) -> None:
    clock.freeze(TEST_NOW)
    snap = disputes.intake(session, SYSTEM, _input(session))
    snap = disputes.conclude_agreement(session, SYSTEM, snap.id, snap.version,
                                       terms="赔偿2000元", fulfil_by=None)
    clock.advance(dt.timedelta(days=20))
    snap = disputes.record_follow_up(
        session, SYSTEM, snap.id, snap.version, kept=False, satisfaction="unsatisfied",
        note="被申请人未按期支付", then="reopen",
    )
    case = _case(session, snap.id)
    assert (case.status, case.fulfilled, case.reopened) == ("mediating", False, 1)
    assert case.deadline_at == clock.now() + dt.timedelta(days=30)
    assert "dispute.reopen" in _audit_actions(session, snap.id)
    # broken again, this time referred to court
    snap = disputes.conclude_agreement(session, SYSTEM, snap.id, snap.version,
                                       terms="赔偿2000元，分两期", fulfil_by=None)
    snap = disputes.record_follow_up(
        session, SYSTEM, snap.id, snap.version, kept=False, satisfaction="basic",
        note="仍未支付", then="refer", referral="court",
    )
    assert (snap.status, _case(session, snap.id).referral) == ("referred_court", "court")


def test_failure_with_referral(session: Session) -> None:
    snap = disputes.intake(session, SYSTEM, _input(session, type_code="labour_wage"))
    with pytest.raises(TransitionError, match="referral"):
        disputes.conclude_failure(session, SYSTEM, snap.id, snap.version, reason="分歧过大",
                                  referral="nowhere")
    snap = disputes.conclude_failure(session, SYSTEM, snap.id, snap.version,
                                     reason="双方对工资数额分歧过大", referral="arbitration")
    case = _case(session, snap.id)
    assert (case.status, case.referral, case.outcome_note) == (
        "failed", "arbitration", "双方对工资数额分歧过大")
    assert case.concluded_at is not None
    # no follow-up is scheduled for a failure, and it cannot be concluded again
    assert session.scalars(select(FollowUpVisit).where(FollowUpVisit.case_id == snap.id)).all() \
        == []
    with pytest.raises(TransitionError, match="调解不成"):
        disputes.withdraw(session, SYSTEM, snap.id, snap.version, reason="x")


def test_a_case_transferred_from_a_court_keeps_the_senders_reference(session: Session) -> None:
    with pytest.raises(TransitionError, match="reference"):
        disputes.intake(session, SYSTEM, _input(session, source="court"))
    snap = disputes.intake(session, SYSTEM, _input(
        session, source="court", source_org="民乐县人民法院",
        source_reference="（2026）甘0725民诉前调1234号"))
    case = _case(session, snap.id)
    assert (case.source, case.source_org, case.source_reference) == (
        "court", "民乐县人民法院", "（2026）甘0725民诉前调1234号")
    file = disputes.case_file(session, snap.id)
    assert "（2026）甘0725民诉前调1234号" in file.timeline[0].text
    found = disputes.case_page(session, CaseFilter(text="民诉前调1234"))
    assert [r.id for r in found.rows] == [snap.id]


def test_withdrawal_ends_the_case(session: Session) -> None:
    snap = disputes.intake(session, SYSTEM, _input(session))
    with pytest.raises(TransitionError, match="withdrawal"):
        disputes.withdraw(session, SYSTEM, snap.id, snap.version, reason="  ")
    snap = disputes.withdraw(session, SYSTEM, snap.id, snap.version, reason="双方已自行和解")
    assert snap.status == "withdrawn"
    with pytest.raises(TransitionError, match="已撤回"):
        disputes.add_session(session, SYSTEM, snap.id, snap.version, held_at=clock.now(),
                             place="x", participants="x", note="x")


def test_a_case_from_an_incident_keeps_the_link(session: Session) -> None:
    incident_id, number, town_id = session.execute(text(
        "SELECT id, number, town_id FROM incidents WHERE town_id IS NOT NULL ORDER BY id LIMIT 1"
    )).one()
    snap = disputes.intake(session, SYSTEM, _input(session, incident_id=incident_id,
                                                     source="grid_worker"))
    case = _case(session, snap.id)
    assert (case.incident_id, case.town_id) == (incident_id, town_id)
    assert disputes.cases_of_incident(session, incident_id)[-1][1] == snap.number
    assert disputes.case_file(session, snap.id).incident_number == number
    assert session.scalar(text(
        "SELECT count(*) FROM audit_log WHERE entity_type = 'incident' AND entity_id = :i "
        "AND action = 'incident.dispute'"), {"i": incident_id}) == 1


def test_the_time_limit_extends_once_and_counts_down(session: Session) -> None:
    clock.freeze(TEST_NOW)
    snap = disputes.intake(session, SYSTEM, _input(session))
    clock.advance(dt.timedelta(days=24))
    row = disputes.case_page(session, CaseFilter(ids=(snap.id,))).rows[0]
    assert row.countdown(clock.now()).level == "amber"  # type: ignore[union-attr]
    clock.advance(dt.timedelta(days=7))
    assert row.countdown(clock.now()).level == "red"  # type: ignore[union-attr]
    assert [r.id for r in disputes.case_page(session, CaseFilter(overdue=True)).rows].count(
        snap.id) == 1
    snap = disputes.extend(session, SYSTEM, snap.id, snap.version, reason="需等待伤情鉴定结果")
    case = _case(session, snap.id)
    assert case.deadline_at == TEST_NOW + dt.timedelta(days=60)
    assert case.extension_reason == "需等待伤情鉴定结果"
    with pytest.raises(TransitionError, match="no second extension"):
        disputes.extend(session, SYSTEM, snap.id, snap.version, reason="再等等")


def test_a_stale_edit_is_refused_with_who_changed_it(session: Session) -> None:
    snap = disputes.intake(session, SYSTEM, _input(session))
    disputes.extend(session, SYSTEM, snap.id, snap.version, reason="当事人外出务工")
    with pytest.raises(ConflictError) as stale:
        disputes.withdraw(session, SYSTEM, snap.id, snap.version, reason="撤回")
    assert "系统" in str(stale.value) and snap.number in str(stale.value)
    assert _case(session, snap.id).status == "received"


def test_repeat_disputes_between_the_same_parties_are_flagged(session: Session) -> None:
    first = disputes.intake(session, SYSTEM, _input(session))
    assert first.repeats == ()
    by_id = (PartyInput("applicant", "张建国", id_number=VALID_ID),
             PartyInput("respondent", "王五"))
    second = disputes.intake(session, SYSTEM, _input(session, parties=by_id))
    assert second.repeats == (first.number,)
    by_phone = (PartyInput("applicant", "赵六"),
                PartyInput("respondent", "李明", phone="13809365678"))
    third = disputes.intake(session, SYSTEM, _input(session, parties=by_phone))
    assert first.number in third.repeats and second.number not in third.repeats
    assert _case(session, third.id).repeat_of_id == first.id
    strangers = (PartyInput("applicant", "钱七", phone="13000000001"),
                 PartyInput("respondent", "孙八", phone="13000000002"))
    assert disputes.intake(session, SYSTEM, _input(session, parties=strangers)).repeats == ()


def test_alert_bands() -> None:
    bands = {"town": 50, "county": 100, "city": 500}
    assert disputes.alert_level(49, "major", bands) is None
    assert disputes.alert_level(50, "high", bands) == "town"
    assert disputes.alert_level(100, "major", bands) == "county"
    assert disputes.alert_level(499, "major", bands) == "county"
    assert disputes.alert_level(500, "high", bands) == "city"
    assert disputes.alert_level(900, "medium", bands) is None  # not urgent: no alert


def test_a_large_urgent_case_alerts_by_the_configured_bands(session: Session) -> None:
    snap = disputes.intake(session, SYSTEM, _input(
        session, people_involved=120, risk_level="major", risk_reasons="欠薪农民工聚集"))
    assert snap.alert == "county"
    alert = session.scalars(select(DisputeAlert).where(DisputeAlert.case_id == snap.id)).one()
    assert (alert.level, alert.people) == ("county", 120)
    assert "须报县级" in alert.message
    assert "dispute.alert" in _audit_actions(session, snap.id)
    with pytest.raises(TransitionError, match="reasons for the risk"):
        disputes.intake(session, SYSTEM, _input(session, people_involved=60, risk_level="high"))
    settings.set_value(session, SYSTEM, "disputes.alert_bands",
                       {"town": 20, "county": 40, "city": 60})
    session.commit()
    assert disputes.intake(session, SYSTEM, _input(
        session, people_involved=60, risk_level="high", risk_reasons="x")).alert == "city"
    assert disputes.intake(session, SYSTEM, _input(
        session, people_involved=600, risk_level="low")).alert is None


# --- reading --------------------------------------------------------------------------------


def test_the_list_pages_by_keyset_and_filters(session: Session) -> None:
    first = disputes.case_page(session, CaseFilter(), limit=20)
    second = disputes.case_page(session, CaseFilter(), after=first.cursor, limit=20)
    assert len(first.rows) == 20 and not first.exhausted
    keys = [(r.received_at, r.id) for r in first.rows + second.rows]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys)
    every = session.scalar(text("SELECT count(*) FROM dispute_cases"))
    open_ = session.scalar(text(
        "SELECT count(*) FROM dispute_cases WHERE status IN ('received','mediating')"))
    rows = disputes.case_page(session, CaseFilter(statuses=disputes.OPEN_STATUSES),
                              limit=every).rows
    assert len(rows) == open_
    town_id = session.scalar(text("SELECT town_id FROM dispute_cases GROUP BY town_id "
                                  "ORDER BY count(*) DESC LIMIT 1"))
    rows = disputes.case_page(session, CaseFilter(town_id=town_id, risks=("low",)),
                              limit=every).rows
    assert rows and all(r.risk_level == "low" for r in rows)
    assert len(rows) == session.scalar(text(
        "SELECT count(*) FROM dispute_cases WHERE town_id = :t AND risk_level = 'low'"),
        {"t": town_id})


def test_the_figures_and_the_cases_behind_them(session: Session) -> None:
    f = disputes.figures(session)
    assert f.success_rate.value is not None and 0.7 < f.success_rate.value < 1
    behind = disputes.case_page(session, f.success_rate.behind, limit=10_000).rows
    assert len(behind) == round(f.success_rate.value * f.success_rate.count)
    assert f.satisfaction.value is not None and f.satisfaction.value > 0.8
    assert f.average_days.value is not None and 0 < f.average_days.value < 60
    assert f.open_cases.value == len(disputes.case_page(
        session, f.open_cases.behind, limit=10_000).rows)
    assert sum(n for _, _, n in f.backlog_by_town) == f.open_cases.value
    assert {s for s, _ in f.sources} <= set(disputes.SOURCE_TEXT)


def test_the_room_board_counts_open_cases_per_room_and_mediator(session: Session) -> None:
    rows = disputes.board(session)
    rooms = [r for r in rows if r.mediator_name is None]
    assert rooms
    open_total = session.scalar(text(
        "SELECT count(*) FROM dispute_cases WHERE status IN ('received','mediating')"))
    assert sum(r.open for r in rooms) == open_total
    for room in rooms:
        assert sum(r.open for r in rows if r.org_id == room.org_id and r.mediator_name) \
            == room.open


# --- personal data by role ----------------------------------------------------------------


def test_parties_are_masked_for_every_role_and_revealed_with_a_record(seeded_copy: str) -> None:
    engine = make_engine(seeded_copy)
    with make_session_factory(engine)() as s:
        case_id = disputes.intake(s, SYSTEM, _input(s)).id
    engine.dispose()
    for username in ("zhiban1", "yanpan1"):
        engine = make_engine(login_url(seeded_copy, username))
        try:
            with make_session_factory(engine)() as s:
                file = disputes.case_file(s, case_id)
                applicant = file.parties[0]
                assert applicant.id_number == "1101**********002X"
                assert applicant.name == "张**" and applicant.phone == "139****1234"
                assert re.fullmatch(r"民乐县洪水镇益民村\*\*\*", applicant.address or "")
                with pytest.raises(Exception, match="permission denied"):
                    s.execute(text("SELECT id_number FROM dispute_parties LIMIT 1"))
                s.rollback()
                me = Actor(s.scalar(text("SELECT cc_current_user_id()")), username)
                if username == "yanpan1":  # the analyst only reads, and never a person
                    with pytest.raises(PermissionDenied):
                        personal.reveal(s, me, "dispute_case", case_id, "核实身份")
                    with pytest.raises(PermissionDenied):
                        disputes.withdraw(s, me, case_id, None, reason="x")
                else:
                    raw = personal.reveal(s, me, "dispute_case", case_id, "制作调解协议书")
                    s.commit()
                    assert raw[0]["id_number"] == VALID_ID
        finally:
            engine.dispose()
    with psycopg.connect(libpq_url(seeded_copy)) as conn:
        reveals = conn.execute(
            "SELECT actor_name, reason FROM audit_log WHERE action = 'personal.reveal' "
            "AND entity_id = %s", (case_id,)).fetchall()
    assert reveals == [("王丽娟", "制作调解协议书")]


def test_only_the_center_writes_disputes_and_reads_alerts(county: Connection) -> None:
    policies = q(county, "SELECT tablename, policyname, roles::text FROM pg_policies WHERE "
                 "tablename IN ('mediation_orgs','mediators','dispute_alerts') ORDER BY 1, 2")
    assert ("dispute_alerts", "cc_read", "{cc_center}") in policies
    assert ("mediators", "cc_read", "{cc_app}") in policies
    assert q(county, "SELECT relforcerowsecurity FROM pg_class WHERE relname = "
             "'dispute_alerts'") == [(True,)]
