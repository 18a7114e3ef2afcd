"""Personal data: every application login reads it masked, whatever the SQL; the raw values of
one record come only through a reveal, which the role must allow and which the audit log
records with the operator, the time and the reason (alembic 0006, services/personal.py)."""

from __future__ import annotations

import re

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import inspect as sa_inspect

from command_center.db.engine import libpq_url, make_engine, make_session_factory
from command_center.models import DisputeParty, GridWorker, Incident
from command_center.models.personal import MASKED_SUFFIX, PERSONAL_FIELDS
from command_center.services import auth, personal
from command_center.services.audit import Actor
from command_center.services.permissions import PermissionDenied, Who, may_reveal
from command_center.services.record_details import details
from tests.db.test_security import POLICE, admin_one, login, one

ROLES_USERS = {
    "duty_operator": "zhiban1",
    "supervisor": "duban1",
    "admin": "admin",
    "analyst": "yanpan1",
    "dept_handler": POLICE,
}


def _hidden_columns(url: str) -> dict[str, set[str]]:
    """Per table, the columns the application's group may not read (the catalogue's word)."""
    hidden: dict[str, set[str]] = {}
    with psycopg.connect(libpq_url(url)) as conn:
        for table, column in conn.execute(
            "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c "
            "ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 "
            "AND NOT a.attisdropped AND c.relname NOT LIKE 'cc\\_%%' "
            "AND c.relname <> 'alembic_version' "
            "AND NOT has_column_privilege('cc_app', c.oid, a.attnum, 'SELECT')"
        ):
            hidden.setdefault(table, set()).add(column)
    return hidden


def test_the_raw_personal_columns_are_exactly_the_ones_no_login_may_read(seeded_db: str) -> None:
    assert _hidden_columns(seeded_db) == {t: set(c) for t, c in PERSONAL_FIELDS.items()}
    # and the models read each masked, never the raw value unless asked
    for model in (Incident, DisputeParty, GridWorker):
        table = model.__tablename__
        attrs = sa_inspect(model).column_attrs
        for column in PERSONAL_FIELDS[table]:
            assert attrs[column].deferred, f"{table}.{column} is loaded with the row"
            assert column + MASKED_SUFFIX in attrs


def test_a_column_added_without_its_grant_is_noticed(db_url: str) -> None:
    with psycopg.connect(libpq_url(db_url), autocommit=True) as conn:
        conn.execute("ALTER TABLE incidents ADD COLUMN reporter_id_number text")
    assert _hidden_columns(db_url)["incidents"] == {
        "reporter_name", "reporter_phone", "reporter_id_number",
    }


def test_masks(db_url: str) -> None:
    with psycopg.connect(libpq_url(db_url)) as conn:
        def mask(fn: str, value: str | None) -> str | None:
            return one(conn, f"SELECT {fn}(%s)", value)

        assert mask("cc_mask_name", "张伟") == "张*"
        assert mask("cc_mask_name", "欧阳娜娜") == "欧***"
        assert mask("cc_mask_name", None) is None
        assert mask("cc_mask_phone", "13812345678") == "138****5678"
        assert mask("cc_mask_phone", "0936-4412345") == "093*****2345"
        assert mask("cc_mask_phone", "110") == "***"
        assert mask("cc_mask_id", "620722198803150012") == "6207**********0012"
        assert mask("cc_mask_id", "1234567") == "1*****7"
        assert mask("cc_mask_address", "洪水镇益民村三社12号") == "洪水镇益民村***"
        assert mask("cc_mask_address", "幸福路88号") == "幸福***"


def test_every_login_reads_reporters_masked_and_not_at_all_raw(seeded_db: str) -> None:
    raw_phone = admin_one(
        seeded_db, "SELECT reporter_phone FROM incidents WHERE reporter_phone IS NOT NULL "
        "AND id IN (SELECT incident_id FROM work_orders) ORDER BY id LIMIT 1"
    )
    for user in ROLES_USERS.values():
        with login(seeded_db, user) as conn:
            for sql in (
                "SELECT reporter_phone FROM incidents LIMIT 1",
                "SELECT * FROM incidents LIMIT 1",
                "SELECT count(*) FROM incidents WHERE reporter_phone LIKE '138%%'",
                "SELECT name FROM dispute_parties LIMIT 1",
                "SELECT id_number FROM grid_workers LIMIT 1",
            ):
                with pytest.raises(errors.InsufficientPrivilege):
                    conn.execute(sql)
            masked = [p for (p,) in conn.execute(
                "SELECT reporter_phone_masked FROM incidents WHERE reporter_phone_masked "
                "IS NOT NULL LIMIT 50"
            )]
            assert masked, user
            assert all(re.fullmatch(r"\d{3}\*{4}\d{4}", p) for p in masked), masked[:3]
            assert raw_phone not in masked
            names = [n for (n,) in conn.execute(
                "SELECT name_masked FROM dispute_parties LIMIT 20"
            )]
            if user != POLICE:  # a department sees no dispute case at all
                assert names and all(n.endswith("*") for n in names), names


def _raw_reporter(url: str, incident_id: int) -> tuple[str, str]:
    with psycopg.connect(libpq_url(url)) as conn:
        row = conn.execute(
            "SELECT reporter_name, reporter_phone FROM incidents WHERE id = %s", (incident_id,)
        ).fetchone()
    assert row is not None
    return row[0], row[1]


def _incident_of(url: str, department: str, *, mine: bool) -> int:
    """An incident with a reporter and an order of ``department`` (or with none of its)."""
    return admin_one(
        url,
        "SELECT i.id FROM incidents i WHERE i.reporter_phone IS NOT NULL AND "
        + ("" if mine else "NOT ")
        + "EXISTS (SELECT 1 FROM work_orders w JOIN departments d ON d.id = w.department_id "
        "WHERE w.incident_id = i.id AND d.code = %s) "
        "AND EXISTS (SELECT 1 FROM work_orders w WHERE w.incident_id = i.id) "
        "ORDER BY i.id LIMIT 1",
        department,
    )


def _reveals(url: str) -> list[tuple[str, str, int, str, str]]:
    with psycopg.connect(libpq_url(url)) as conn:
        return [tuple(r) for r in conn.execute(  # type: ignore[misc]
            "SELECT actor_name, db_user, entity_id, entity_type, reason FROM audit_log "
            "WHERE action = 'personal.reveal' ORDER BY seq"
        )]


def test_a_reveal_shows_the_raw_values_and_is_recorded(seeded_copy: str) -> None:
    incident = _incident_of(seeded_copy, "police", mine=True)
    name, phone = _raw_reporter(seeded_copy, incident)
    with login(seeded_copy, "zhiban1") as conn:
        got = one(conn, "SELECT cc_reveal('incident', %s, '回访来电人')", incident)
        assert got == {"name": name, "phone": phone}
        with pytest.raises(errors.CheckViolation, match="原因"):
            conn.execute("SELECT cc_reveal('incident', %s, '  ')", (incident,))
    operator = admin_one(seeded_copy, "SELECT display_name FROM app_users WHERE username = "
                         "'zhiban1'")
    assert _reveals(seeded_copy) == [
        (operator, "cc_u_zhiban1", incident, "incident", "回访来电人")
    ]
    # the entry is part of the chain
    with psycopg.connect(libpq_url(seeded_copy)) as conn:
        assert conn.execute("SELECT broken_seq FROM cc_audit_verify()").fetchone() == (None,)


def test_a_department_reveals_only_the_reporters_of_its_own_orders(seeded_copy: str) -> None:
    mine = _incident_of(seeded_copy, "police", mine=True)
    other = _incident_of(seeded_copy, "police", mine=False)
    with login(seeded_copy, POLICE) as conn:
        assert one(conn, "SELECT cc_reveal('incident', %s, '联系来电人核实情况')", mine)[
            "phone"
        ] == _raw_reporter(seeded_copy, mine)[1]
        with pytest.raises(errors.InsufficientPrivilege, match="无权查看"):
            conn.execute("SELECT cc_reveal('incident', %s, '好奇')", (other,))
    assert [r[2] for r in _reveals(seeded_copy)] == [mine]


def test_the_rule_in_python_is_the_rule_in_the_database(seeded_copy: str) -> None:
    incident = _incident_of(seeded_copy, "police", mine=True)
    other = _incident_of(seeded_copy, "police", mine=False)
    case = admin_one(seeded_copy, "SELECT case_id FROM dispute_parties ORDER BY id LIMIT 1")
    worker = admin_one(seeded_copy, "SELECT id FROM grid_workers WHERE id_number IS NOT NULL "
                       "ORDER BY id LIMIT 1")
    for role, user in ROLES_USERS.items():
        department = admin_one(seeded_copy, "SELECT department_id FROM app_users WHERE "
                               "username = %s", user)
        me = Who(role, department)
        for kind, record, reaches in (
            ("incident", incident, True),
            ("incident", other, role != "dept_handler"),
            ("dispute_case", case, True),
            ("grid_worker", worker, True),
        ):
            with login(seeded_copy, user) as conn:
                try:
                    conn.execute("SELECT cc_reveal(%s, %s, '核对规则')", (kind, record))
                    allowed = True
                except errors.InsufficientPrivilege:
                    allowed = False
            assert allowed == may_reveal(me, kind, reaches_record=reaches), (role, kind)


def test_the_service_reveals_for_a_signed_in_operator_and_refuses_others(
    seeded_copy: str,
) -> None:
    from tests.conftest import login_url

    incident = _incident_of(seeded_copy, "police", mine=False)
    name, phone = _raw_reporter(seeded_copy, incident)
    for user, allowed in (("zhiban1", True), (POLICE, False), ("yanpan1", False)):
        engine = make_engine(login_url(seeded_copy, user))
        try:
            with make_session_factory(engine)() as s:
                user_info = auth.current_user(s)
                assert user_info is not None
                actor = Actor(user_info.id, user_info.display_name)
                shown = details(s, incident, actor=actor) if user != POLICE else None
                if shown is not None:
                    # the panel gets the masked reporter, and whether a reveal is offered
                    assert shown.reporter_phone == phone[:3] + "****" + phone[-4:]
                    assert shown.may_reveal_reporter == allowed
                if allowed:
                    got = personal.reveal_reporter(s, actor, incident, "回访来电人")
                    assert (got.name, got.phone) == (name, phone)
                    s.commit()
                else:
                    with pytest.raises(PermissionDenied):
                        personal.reveal_reporter(s, actor, incident, "回访来电人")
        finally:
            engine.dispose()
    assert [(r[1], r[2]) for r in _reveals(seeded_copy)] == [("cc_u_zhiban1", incident)]


def test_the_program_itself_reads_without_a_record(seeded_copy: str) -> None:
    incident = _incident_of(seeded_copy, "police", mine=True)
    engine = make_engine(seeded_copy)
    try:
        with make_session_factory(engine)() as s:
            got = personal.reveal_reporter(s, Actor(None, "系统"), incident, "导出")
    finally:
        engine.dispose()
    assert (got.name, got.phone) == _raw_reporter(seeded_copy, incident)
    assert _reveals(seeded_copy) == []
