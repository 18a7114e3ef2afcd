"""The mediation rooms and mediators on real PostgreSQL: an administrator adds, renames, closes
and reopens rooms and adds, edits and moves mediators, audited; a room with open cases is not
closed until they are moved (the service and the database both refuse); a non-administrator is
refused by the service and by the database; a stale edit is refused. Also the case list's date
filter and the figures' period (exactly the cases received in the days asked), and the case
file's timeline with its transfers in order."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.clock import CST
from command_center.db.engine import libpq_url, make_engine, make_session_factory
from command_center.models import DisputeCase, MediationOrg, Mediator
from command_center.services import disputes, mediation
from command_center.services.audit import SYSTEM, Actor
from command_center.services.disputes import CaseFilter, TransitionError
from command_center.services.permissions import PermissionDenied
from tests.conftest import login_url
from tests.db.conftest import q
from tests.db.test_disputes import _input


def _busiest_village_room(session: Session) -> int:
    """The village room with the most open cases."""
    return int(session.scalar(text(
        "SELECT o.id FROM mediation_orgs o JOIN dispute_cases c ON c.org_id = o.id "
        "WHERE o.level = 'village' AND c.status IN ('received','mediating') "
        "GROUP BY o.id ORDER BY count(*) DESC, o.id LIMIT 1")))


def _open_of(session: Session, org_id: int) -> list[int]:
    return list(session.scalars(text(
        "SELECT id FROM dispute_cases WHERE org_id = :o AND status IN ('received','mediating') "
        "ORDER BY id"), {"o": org_id}))


def _sibling(session: Session, org_id: int) -> int:
    """Another open room under the same center, else the center itself."""
    return int(session.scalar(text(
        "SELECT coalesce((SELECT s.id FROM mediation_orgs s WHERE s.parent_id = o.parent_id "
        "AND s.id <> o.id AND s.active ORDER BY s.id LIMIT 1), o.parent_id) "
        "FROM mediation_orgs o WHERE o.id = :o"), {"o": org_id}))


# --- closing a room -----------------------------------------------------------------------------


def test_a_room_with_open_cases_is_closed_only_once_they_are_moved(session: Session) -> None:
    room = _busiest_village_room(session)
    cases = _open_of(session, room)
    assert cases
    org = session.get(MediationOrg, room)
    assert org is not None
    version = org.version
    with pytest.raises(TransitionError) as refused:
        mediation.close_org(session, SYSTEM, room, version, reason="村合并")
    assert f"还有 {len(cases)} 件未结案件" in str(refused.value)
    assert f"still has {len(cases)} open cases" in str(refused.value)
    assert session.get(MediationOrg, room, populate_existing=True).active  # type: ignore[union-attr]

    # the database refuses it too, whoever writes
    with pytest.raises(Exception, match="open cases: move them"), session.begin_nested():
        session.execute(text("UPDATE mediation_orgs SET active = false WHERE id = :o"),
                        {"o": room})

    target = _sibling(session, room)
    mediators = list(session.scalars(select(Mediator.id).where(Mediator.org_id == room,
                                                                Mediator.active)))
    done = mediation.close_org(session, SYSTEM, room, version, reason="村合并", move_to=target)
    assert done.cases == len(cases)
    org = session.get(MediationOrg, room, populate_existing=True)
    assert org is not None and not org.active and org.version == version + 1
    moved = session.execute(select(DisputeCase.org_id, DisputeCase.mediator_id)
                            .where(DisputeCase.id.in_(cases))).all()
    assert set(moved) == {(target, None)}
    assert _open_of(session, room) == []
    assert not any(session.scalars(select(Mediator.active).where(Mediator.id.in_(mediators))))
    # every move audited on its case, as a transfer between rooms, and the closing on the room
    transfers = session.scalar(text(
        "SELECT count(*) FROM audit_log WHERE action = 'dispute.transfer' AND "
        "entity_id = ANY(:ids) AND (before->>'org_id')::bigint = :o"),
        {"ids": cases, "o": room})
    assert transfers == len(cases)
    assert session.scalar(text(
        "SELECT reason FROM audit_log WHERE action = 'mediation.org_close' AND entity_id = :o"),
        {"o": room}) == "村合并"
    # a closed room takes no case and no mediator
    with pytest.raises(TransitionError, match="choose a mediation room"):
        disputes.intake(session, SYSTEM, _input(session, org_id=room, mediator_id=None))
    with pytest.raises(Exception, match="the mediation room is closed"), session.begin_nested():
        session.execute(text("UPDATE dispute_cases SET org_id = :o WHERE id = :c"),
                        {"o": room, "c": cases[0]})
    # reopened, it takes cases again
    mediation.reopen_org(session, SYSTEM, room, None)
    assert session.get(MediationOrg, room, populate_existing=True).active  # type: ignore[union-attr]


def test_a_room_with_open_rooms_under_it_is_not_closed(session: Session) -> None:
    town = int(session.scalar(text(
        "SELECT id FROM mediation_orgs WHERE level = 'town' ORDER BY id LIMIT 1")))
    county = int(session.scalar(text("SELECT id FROM mediation_orgs WHERE level = 'county'")))
    with pytest.raises(TransitionError, match="open rooms under it"):
        mediation.close_org(session, SYSTEM, town, None, reason="x", move_to=county)


# --- the tree, renaming, mediators -----------------------------------------------------------


def test_rooms_fit_the_tree_and_changes_are_audited(session: Session) -> None:
    reg = mediation.registry(session)
    county = next(o for o in reg.orgs if o.level == "county")
    town = next(o for o in reg.orgs if o.level == "town")
    village = next((v for v in reg.villages if v[2] == town.town_id), None)
    assert village is not None
    # a village room under the county center: refused by the service and the database
    with pytest.raises(TransitionError, match="cannot hang under"):
        mediation.add_org(session, SYSTEM, name="某村调解室", level="village",
                          parent_id=county.id, area_id=village[0])
    with pytest.raises(Exception, match="does not fit the tree"), session.begin_nested():
        session.execute(text(
            "INSERT INTO mediation_orgs (name, level, parent_id) VALUES ('x', 'village', :p)"),
            {"p": county.id})
    special = mediation.add_org(session, SYSTEM, name="县交通事故调解室", level="special",
                                parent_id=county.id, specialty="traffic")
    with pytest.raises(TransitionError, match="exists"):
        mediation.add_org(session, SYSTEM, name="县交通事故调解室", level="special",
                          parent_id=town.id)
    room = mediation.add_org(session, SYSTEM, name=f"{village[1]}第二调解室", level="village",
                             parent_id=town.id, area_id=village[0])
    renamed = mediation.rename_org(session, SYSTEM, room.id, room.version, "  新名调解室 ")
    assert session.get(MediationOrg, room.id).name == "新名调解室"  # type: ignore[union-attr]
    with pytest.raises(mediation.StaleError, match="changed by someone else"):
        mediation.rename_org(session, SYSTEM, room.id, room.version, "又一个名字")
    assert renamed.version == room.version + 1

    m = mediation.add_mediator(session, SYSTEM, special.id, name="赵平安", phone="13909360001",
                               specialty="traffic")
    with pytest.raises(TransitionError, match="not valid"):
        mediation.add_mediator(session, SYSTEM, special.id, name="钱", phone="电话")
    mediation.edit_mediator(session, SYSTEM, m.id, m.version, name="赵平安",
                            phone="0936-1234567", specialty="traffic", active=True)
    actions = list(session.scalars(text(
        "SELECT action FROM audit_log WHERE (entity_type = 'mediation_org' AND entity_id IN "
        "(:a, :b)) OR (entity_type = 'mediator' AND entity_id = :m) ORDER BY id"),
        {"a": special.id, "b": room.id, "m": m.id}))
    assert actions == ["mediation.org_add", "mediation.org_add", "mediation.org_rename",
                       "mediation.mediator_add", "mediation.mediator_edit"]


def test_moving_a_mediator_leaves_their_open_cases_unassigned_in_the_room(
    session: Session,
) -> None:
    row = session.execute(text(
        "SELECT mediator_id, org_id, count(*) FROM dispute_cases c JOIN mediation_orgs o ON "
        "o.id = c.org_id AND o.level = 'village' WHERE status IN ('received','mediating') "
        "AND mediator_id IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 1")).one()
    mediator_id, room, n = int(row[0]), int(row[1]), int(row[2])
    target = _sibling(session, room)
    # the database refuses the move while the cases are still theirs
    with pytest.raises(Exception, match=f"still has {n} open cases"), session.begin_nested():
        session.execute(text("UPDATE mediators SET org_id = :t WHERE id = :m"),
                        {"t": target, "m": mediator_id})
    m = session.get(Mediator, mediator_id)
    assert m is not None
    done = mediation.move_mediator(session, SYSTEM, mediator_id, m.version, target)
    assert done.cases == n
    assert session.get(Mediator, mediator_id, populate_existing=True).org_id == target  # type: ignore[union-attr]
    assert session.scalar(select(func.count()).select_from(DisputeCase).where(
        DisputeCase.mediator_id == mediator_id,
        DisputeCase.status.in_(disputes.OPEN_STATUSES))) == 0
    assert session.scalar(text(
        "SELECT count(*) FROM audit_log WHERE action = 'dispute.assign' AND "
        "before->>'mediator' = :name AND after->>'mediator' IS NULL"), {"name": m.name}) >= n


# --- who may --------------------------------------------------------------------------------------


def test_only_an_administrator_changes_rooms_the_database_refuses_the_others(
    seeded_copy: str,
) -> None:
    room = q(seeded_copy, "SELECT id, name FROM mediation_orgs WHERE level = 'village' "
             "ORDER BY id LIMIT 1")[0]
    county = q(seeded_copy, "SELECT id FROM mediation_orgs WHERE level = 'county'")[0][0]
    # a duty operator: the service says no, and their own login cannot write either
    engine = make_engine(login_url(seeded_copy, "zhiban1"))
    try:
        with make_session_factory(engine)() as s:
            me = Actor(s.scalar(text("SELECT cc_current_user_id()")), "王丽娟")
            with pytest.raises(PermissionDenied, match="only an administrator"):
                mediation.rename_org(s, me, room[0], None, "改名")
            # the policy hides the row from an update and refuses an insert
            hit = s.execute(text("UPDATE mediation_orgs SET name = 'x' WHERE id = :o"),
                            {"o": room[0]}).rowcount
            assert hit == 0
            s.rollback()
            with pytest.raises(Exception, match="row-level security"):
                s.execute(text("INSERT INTO mediators (org_id, name) VALUES (:o, '某人')"),
                          {"o": room[0]})
            s.rollback()
            # reading stays open to every login
            assert s.scalar(text("SELECT count(*) FROM mediation_orgs")) > 0
    finally:
        engine.dispose()
    # the administrator's own login does it
    engine = make_engine(login_url(seeded_copy, "admin"))
    try:
        with make_session_factory(engine)() as s:
            me = Actor(s.scalar(text("SELECT cc_current_user_id()")), "马德胜")
            mediation.rename_org(s, me, room[0], None, room[1] + "（新）")
            mediation.add_mediator(s, me, county, name="孙调解", phone="13800000000")
    finally:
        engine.dispose()
    with psycopg.connect(libpq_url(seeded_copy)) as conn:
        assert conn.execute("SELECT name FROM mediation_orgs WHERE id = %s",
                            (room[0],)).fetchone() == (room[1] + "（新）",)
        who = conn.execute("SELECT actor_name, db_user FROM audit_log WHERE action = "
                           "'mediation.org_rename' AND entity_id = %s", (room[0],)).fetchall()
    assert who == [("马德胜", "cc_u_admin")]


# --- dates ----------------------------------------------------------------------------------------


def _ids_received(session: Session, first: dt.date, last: dt.date) -> set[int]:
    return set(session.scalars(text(
        "SELECT id FROM dispute_cases WHERE (received_at AT TIME ZONE 'Asia/Shanghai')::date "
        "BETWEEN :a AND :b"), {"a": first, "b": last}))


def test_the_date_filter_gives_exactly_the_cases_received_in_the_days(session: Session) -> None:
    first_case = session.scalar(select(func.min(DisputeCase.received_at)))
    assert first_case is not None
    first = first_case.astimezone(CST).date() + dt.timedelta(days=40)
    last = first + dt.timedelta(days=20)
    # two cases on the edges: the first minute of the first day, the last second of the last
    edge_in = session.scalar(select(DisputeCase.id).order_by(DisputeCase.id).limit(1))
    edge_in2, edge_out, edge_out2 = session.scalars(
        select(DisputeCase.id).order_by(DisputeCase.id).offset(1).limit(3)).all()
    at = {
        edge_in: dt.datetime.combine(first, dt.time(0, 0), CST),
        edge_in2: dt.datetime.combine(last, dt.time(23, 59, 59), CST),
        edge_out: dt.datetime.combine(first, dt.time(0, 0), CST) - dt.timedelta(seconds=1),
        edge_out2: dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 0), CST),
    }
    for case_id, moment in at.items():
        session.execute(text("UPDATE dispute_cases SET received_at = :t WHERE id = :i"),
                        {"t": moment, "i": case_id})
    expected = _ids_received(session, first, last)
    assert edge_in in expected and edge_in2 in expected
    assert edge_out not in expected and edge_out2 not in expected
    f = CaseFilter(received_from=first, received_to=last)
    got: list[int] = []
    page = disputes.case_page(session, f, limit=50)
    got += [r.id for r in page.rows]
    while not page.exhausted:
        page = disputes.case_page(session, f, after=page.cursor, limit=50)
        got += [r.id for r in page.rows]
    assert len(got) == len(set(got)) and set(got) == expected
    # one open end each way
    since = disputes.case_page(session, CaseFilter(received_from=last), limit=100_000).rows
    assert {r.id for r in since} == set(session.scalars(text(
        "SELECT id FROM dispute_cases WHERE received_at >= :t"),
        {"t": dt.datetime.combine(last, dt.time(), CST)}))
    with pytest.raises(TransitionError, match="before the start"):
        disputes.check_range(last, first)


def test_the_figures_of_a_period_count_and_open_the_cases_of_that_period(
    session: Session,
) -> None:
    today = clock.today()
    first, last = disputes.period_range("quarter", today)
    assert first is not None and first.day == 1 and first.month in (1, 4, 7, 10)
    assert last == today
    first, last = today - dt.timedelta(days=200), today - dt.timedelta(days=20)
    f = disputes.figures(session, since=first, until=last)
    every = disputes.figures(session)
    in_range = _ids_received(session, first, last)
    concluded = session.scalar(text(
        "SELECT count(*) FROM dispute_cases WHERE id = ANY(:ids) AND status IN "
        "('agreement','closed','failed','referred_court')"), {"ids": list(in_range)})
    assert f.success_rate.count == concluded < every.success_rate.count
    for fig in (f.success_rate, f.satisfaction, f.average_days, f.open_cases):
        behind = disputes.case_page(session, fig.behind, limit=100_000).rows
        assert {r.id for r in behind} <= in_range, fig.key
        assert behind or fig.key == "open", fig.key
    success = disputes.case_page(session, f.success_rate.behind, limit=100_000).rows
    assert len(success) == round(f.success_rate.value * f.success_rate.count)  # type: ignore[operator]
    for town_id, _name, n in f.backlog_by_town:
        rows = disputes.case_page(session, f.town_filter(town_id), limit=100_000).rows
        assert len(rows) == n
    for code, _name, n in f.backlog_by_type:
        assert len(disputes.case_page(session, f.type_filter(code), limit=100_000).rows) == n
    for source, n in f.sources:
        assert len(disputes.case_page(session, f.source_filter(source), limit=100_000).rows) \
            == n


# --- the timeline ---------------------------------------------------------------------------


def test_the_timeline_shows_transfers_in_order_with_sessions_and_audit_entries(
    session: Session,
) -> None:
    # the audit log's times are the database's clock: the program's clock reads the same here
    clock.travel_to(dt.datetime.now(CST))
    snap = disputes.intake(session, SYSTEM, _input(
        session, source="court", source_org="民乐县人民法院",
        source_reference="(2026)甘0722民诉前调1号"))
    case = session.get(DisputeCase, snap.id)
    assert case is not None
    first_room = case.org_id
    snap = disputes.add_session(session, SYSTEM, snap.id, snap.version, held_at=clock.now(),
                                place="村调解室", participants="双方", note="第一次调解未果")
    other, other_mediator = session.execute(text(
        "SELECT o.id, m.id FROM mediation_orgs o JOIN mediators m ON m.org_id = o.id "
        "WHERE o.level = 'town' AND m.active ORDER BY o.id LIMIT 1")).one()
    snap = disputes.assign(session, SYSTEM, snap.id, snap.version, other, other_mediator)
    snap = disputes.add_session(session, SYSTEM, snap.id, snap.version, held_at=clock.now(),
                                place="镇调解中心", participants="双方", note="第二次调解仍未果")
    snap = disputes.conclude_failure(session, SYSTEM, snap.id, snap.version,
                                     reason="双方分歧过大", referral="court")
    file = disputes.case_file(session, snap.id)
    kinds = [(e.kind, e.text) for e in file.timeline]
    order = [k for k, _ in kinds]
    transfers = [t for k, t in kinds if k == "transfer"]
    assert len(transfers) == 3, kinds
    assert "民乐县人民法院" in transfers[0] and "(2026)甘0722民诉前调1号" in transfers[0]
    first_name = session.get(MediationOrg, first_room).name  # type: ignore[union-attr]
    other_name = session.get(MediationOrg, other).name  # type: ignore[union-attr]
    assert first_name in transfers[1] and other_name in transfers[1]
    assert "引导诉讼" in transfers[2] and "双方分歧过大" in transfers[2]
    # in the order things happened: transfer in, intake, session, move, session, referral
    texts = [t for _, t in kinds]
    assert order[0] == "transfer" and order[-1] == "transfer"
    i_first = next(i for i, t in enumerate(texts) if "第一次调解未果" in t and order[i] ==
                   "session")
    i_move = texts.index(transfers[1])
    i_second = next(i for i, t in enumerate(texts) if "第二次调解仍未果" in t and order[i] ==
                    "session")
    assert 0 < i_first < i_move < i_second < len(texts) - 1
    # each session once: its own line, not its audit entry again ("第1次调解 …")
    assert not [t for t in texts if t.startswith("第") and "次调解" in t]
    assert order.count("session") == 2
    assert [e.at for e in file.timeline] == sorted(e.at for e in file.timeline)


def test_the_database_keeps_a_cases_mediator_in_its_room(county: Connection) -> None:
    row = q(county, "SELECT c.id, m.id FROM dispute_cases c JOIN mediators m ON m.org_id <> "
            "c.org_id AND m.active WHERE c.status IN ('received','mediating') LIMIT 1")[0]
    with pytest.raises(Exception, match="does not belong to the room"), county.begin_nested():
        county.exec_driver_sql("UPDATE dispute_cases SET mediator_id = %s WHERE id = %s",
                               (row[1], row[0]))
