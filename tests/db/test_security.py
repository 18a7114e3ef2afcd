"""The database holds the line: each operator's own login sees and changes only what the role
allows, whatever the SQL; the gatekeeper only signs in; the audit log cannot be rewritten
unnoticed (alembic 0005).

These tests log in as the demo county's own users (``cc_u_<name>``, created by the seed). The
shared test server trusts every connection, so passwords are tested on an embedded server in
test_embedded_security.py; what is tested here is what a login may do once connected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from psycopg import errors

from command_center.db.connection import GATEKEEPER, with_login
from command_center.db.engine import libpq_url
from command_center.services import auth
from command_center.services.permissions import ADMIN_SETTINGS_PREFIXES
from tests.conftest import login_url

POLICE = "bm_police"
COURT = "bm_court"


@contextmanager
def login(
    url: str, username: str | None, *, autocommit: bool = True
) -> Iterator[psycopg.Connection]:
    """A connection as a user's own login (``None``: the gatekeeper). The login's password is
    set as the server's owner would (an embedded server asks for it; the shared test server
    trusts), so that signing in does not write to the shared demo county."""
    target = with_login(url, GATEKEEPER, None) if username is None else login_url(url, username)
    with psycopg.connect(libpq_url(target), autocommit=autocommit) as conn:
        yield conn


def one(conn: psycopg.Connection, sql: str, *args: Any) -> Any:
    row = conn.execute(sql, args).fetchone()
    return None if row is None else row[0]


def admin_one(url: str, sql: str, *args: Any) -> Any:
    with psycopg.connect(libpq_url(url)) as conn:
        return one(conn, sql, *args)


def dept_id(url: str, code: str) -> int:
    return admin_one(url, "SELECT id FROM departments WHERE code = %s", code)


# --- what each role sees ----------------------------------------------------------------------


def test_center_roles_see_everything_and_the_analyst_changes_nothing(seeded_db: str) -> None:
    total = admin_one(seeded_db, "SELECT count(*) FROM incidents")
    parties = admin_one(seeded_db, "SELECT count(*) FROM dispute_parties")
    assert total > 1000 and parties > 0
    for user in ("zhiban1", "duban1", "admin", "yanpan1"):
        with login(seeded_db, user) as conn:
            assert one(conn, "SELECT count(*) FROM incidents") == total, user
            assert one(conn, "SELECT count(*) FROM dispute_parties") == parties, user
    with login(seeded_db, "yanpan1", autocommit=False) as conn:
        cur = conn.execute("UPDATE incidents SET title = '研判员改的' WHERE id IN "
                           "(SELECT id FROM incidents LIMIT 5)")
        assert cur.rowcount == 0
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO duty_log (author, text) VALUES ('赵敏', '研判员不写值班日志')"
            )
        conn.rollback()


def test_a_handler_sees_exactly_its_departments_orders_and_their_incidents(
    seeded_db: str,
) -> None:
    police = dept_id(seeded_db, "police")
    with psycopg.connect(libpq_url(seeded_db)) as conn:
        # what the rule says, computed as the owner: its orders, and the co-orders of the
        # orders it leads
        expected_orders = {
            r[0]
            for r in conn.execute(
                "SELECT o.id FROM work_orders o LEFT JOIN work_orders lead "
                "ON lead.id = o.lead_order_id WHERE o.department_id = %s "
                "OR lead.department_id = %s",
                (police, police),
            )
        }
        expected_incidents = {
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT incident_id FROM work_orders WHERE id = ANY(%s)",
                (list(expected_orders),),
            )
        }
        all_orders = one(conn, "SELECT count(*) FROM work_orders")
    assert 0 < len(expected_orders) < all_orders
    with login(seeded_db, POLICE) as conn:
        seen_orders = {r[0] for r in conn.execute("SELECT id FROM work_orders")}
        seen_incidents = {r[0] for r in conn.execute("SELECT id FROM incidents")}
        assert seen_orders == expected_orders
        assert seen_incidents == expected_incidents
        # the progress and audit entries it sees are of those orders and incidents only
        progress_orders = {
            r[0] for r in conn.execute("SELECT DISTINCT order_id FROM order_progress")
        }
        assert progress_orders <= expected_orders
        audited = conn.execute(
            "SELECT entity_type, entity_id FROM audit_log WHERE entity_type IN "
            "('incident', 'work_order')"
        ).fetchall()
        assert audited
        for etype, eid in audited:
            assert eid in (expected_incidents if etype == "incident" else expected_orders)
        # nothing personal beyond its work: no parties, workers, check-ins, keys
        for table in ("dispute_parties", "dispute_cases", "grid_workers", "check_ins",
                      "api_keys", "duty_log"):
            assert one(conn, f"SELECT count(*) FROM {table}") == 0, table


def test_cross_department_update_and_delete_touch_nothing(seeded_copy: str) -> None:
    court = dept_id(seeded_copy, "court")
    theirs = admin_one(
        seeded_copy,
        "SELECT o.id FROM work_orders o WHERE o.department_id = %s AND o.lead_order_id IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM work_orders c WHERE c.lead_order_id = o.id) LIMIT 1",
        court,
    )
    before = admin_one(seeded_copy, "SELECT row_to_json(o)::text FROM work_orders o WHERE id = %s",
                       theirs)
    with login(seeded_copy, POLICE) as conn:
        assert conn.execute(
            "UPDATE work_orders SET status = 'resolved', result = '公安代办' WHERE id = %s",
            (theirs,),
        ).rowcount == 0
        assert conn.execute("DELETE FROM work_orders WHERE id = %s", (theirs,)).rowcount == 0
        assert conn.execute(
            "UPDATE incidents SET status = 'closed' WHERE id = "
            "(SELECT incident_id FROM work_orders WHERE id = %s)", (theirs,)
        ).rowcount == 0
        assert conn.execute("DELETE FROM incidents").rowcount == 0
    after = admin_one(seeded_copy, "SELECT row_to_json(o)::text FROM work_orders o WHERE id = %s",
                      theirs)
    assert after == before


def test_a_handler_cannot_move_its_order_to_another_department(seeded_copy: str) -> None:
    police, court = dept_id(seeded_copy, "police"), dept_id(seeded_copy, "court")
    mine = admin_one(seeded_copy, "SELECT id FROM work_orders WHERE department_id = %s LIMIT 1",
                     police)
    with (
        login(seeded_copy, POLICE) as conn,
        pytest.raises(errors.InsufficientPrivilege, match="row-level security"),
    ):
        conn.execute("UPDATE work_orders SET department_id = %s WHERE id = %s", (court, mine))
    assert admin_one(seeded_copy, "SELECT department_id FROM work_orders WHERE id = %s",
                     mine) == police


def test_settings_roles_and_replication_gain_nothing(seeded_copy: str) -> None:
    with login(seeded_copy, POLICE) as conn:
        visible = one(conn, "SELECT count(*) FROM incidents")
        # a setting the session controls is not what the policies read
        conn.execute("SET app.role = 'admin'")
        conn.execute("SET app.department_id = '0'")
        conn.execute("SET cc.role = 'admin'")
        assert one(conn, "SELECT count(*) FROM incidents") == visible
        # SET ROLE: to a role it is no member of, refused; to its group, nothing more
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SET ROLE postgres")
        conn.execute("SET ROLE cc_app")
        assert one(conn, "SELECT count(*) FROM incidents") <= visible
        conn.execute("RESET ROLE")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SET session_replication_role = replica")
        # the audit log's triggers belong to the owner
        for sql in (
            "ALTER TABLE audit_log DISABLE TRIGGER cc_audit_append_only",
            "ALTER TABLE audit_log DISABLE TRIGGER ALL",
            "DROP TRIGGER cc_audit_stamp ON audit_log",
            "ALTER TABLE incidents DISABLE ROW LEVEL SECURITY",
            "ALTER TABLE work_orders NO FORCE ROW LEVEL SECURITY",
            "DROP POLICY cc_read_handler ON work_orders",
        ):
            with pytest.raises(errors.InsufficientPrivilege, match="must be owner"):
                conn.execute(sql)
        for sql in ("UPDATE audit_log SET summary = '改写'", "DELETE FROM audit_log",
                    "TRUNCATE audit_log", "SELECT * FROM cc_credentials",
                    "SELECT * FROM cc_login_secrets", "UPDATE app_users SET role_code = 'admin'"):
            try:
                cur = conn.execute(sql)
            except errors.InsufficientPrivilege:
                continue
            assert cur.rowcount == 0, sql  # RLS: no row of app_users may change
        assert one(conn, "SELECT cc_my_role()") == "dept_handler"


def test_a_forged_audit_entry_carries_the_real_login_and_time(seeded_copy: str) -> None:
    with login(seeded_copy, POLICE) as conn:
        server_now = one(conn, "SELECT clock_timestamp()")
        conn.execute(
            "INSERT INTO audit_log (at, actor_id, actor_name, db_user, action, entity_type, "
            "entity_id, summary) VALUES ('2020-01-01 08:00+08', 1, '王丽娟', 'cc_u_zhiban1', "
            "'incident.close', 'incident', 1, '值班员结案')"
        )
    with psycopg.connect(libpq_url(seeded_copy)) as conn:
        at, actor_id, actor_name, db_user = conn.execute(
            "SELECT at, actor_id, actor_name, db_user FROM audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        police_user = one(conn, "SELECT id FROM app_users WHERE username = %s", POLICE)
        police_name = one(conn, "SELECT display_name FROM app_users WHERE username = %s", POLICE)
    assert (actor_id, actor_name, db_user) == (police_user, police_name, f"cc_u_{POLICE}")
    assert abs((at - server_now).total_seconds()) < 60


# --- the catalogue ----------------------------------------------------------------------------


def security_problems(url: str) -> list[str]:
    """What the catalogue says is wrong: a table without RLS and FORCE, an application login
    that is a superuser, bypasses RLS, may create roles or databases, or owns anything."""
    problems = []
    with psycopg.connect(libpq_url(url)) as conn:
        for (table,) in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> "
            "'alembic_version' AND NOT (c.relrowsecurity AND c.relforcerowsecurity)"
        ):
            problems.append(f"table {table} without RLS+FORCE")
        logins = conn.execute(
            "SELECT rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles "
            "WHERE rolname IN (SELECT db_login FROM app_users) OR rolname IN "
            "('cc_app', 'cc_center', 'cc_handler', %s)",
            (GATEKEEPER,),
        ).fetchall()
        for name, superuser, bypass, createrole, createdb in logins:
            if superuser or bypass or createrole or createdb:
                problems.append(f"login {name} has a superuser's power")
        for name, kind in conn.execute(
            "SELECT r.rolname, c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            "WHERE r.rolname IN (SELECT db_login FROM app_users) OR r.rolname IN ('cc_app', %s) "
            "UNION ALL SELECT r.rolname, p.proname FROM pg_proc p JOIN pg_roles r "
            "ON r.oid = p.proowner WHERE r.rolname IN (SELECT db_login FROM app_users) "
            "OR r.rolname IN ('cc_app', %s)",
            (GATEKEEPER, GATEKEEPER),
        ):
            problems.append(f"login {name} owns {kind}")
        for (name,) in conn.execute(
            "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
            "JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname IN "
            "(SELECT db_login FROM app_users) AND g.rolname NOT IN ('cc_app', 'cc_center', "
            "'cc_handler')"
        ):
            problems.append(f"login {name} belongs to a group other than the program's")
    return problems


def test_every_table_has_rls_and_no_login_has_power(seeded_db: str) -> None:
    assert security_problems(seeded_db) == []
    # and the check looked at every demo account's login
    assert admin_one(
        seeded_db,
        "SELECT count(*) FROM pg_roles WHERE rolname IN (SELECT db_login FROM app_users)",
    ) == admin_one(seeded_db, "SELECT count(*) FROM app_users") >= 16


def test_the_catalogue_check_notices_a_table_without_force(db_url: str) -> None:
    with psycopg.connect(libpq_url(db_url), autocommit=True) as conn:
        conn.execute("ALTER TABLE incidents NO FORCE ROW LEVEL SECURITY")
        conn.execute("CREATE TABLE notes_without_policy (id int, text text)")
    assert sorted(security_problems(db_url)) == [
        "table incidents without RLS+FORCE",
        "table notes_without_policy without RLS+FORCE",
    ]


def test_admin_settings_are_the_same_rule_in_python_and_sql(db_url: str) -> None:
    with psycopg.connect(libpq_url(db_url)) as conn:
        for prefix in ADMIN_SETTINGS_PREFIXES:
            assert one(conn, "SELECT cc_admin_setting(%s)", prefix + "x") is True
        assert one(conn, "SELECT cc_admin_setting('wall.views')") is False


# --- the gatekeeper -----------------------------------------------------------------------------


def gate_sign_in(url: str, username: str, password: str) -> tuple[bool, str | None]:
    with login(url, None) as conn:
        params = one(conn, "SELECT cc_auth_params(%s)", username)
        proof = auth.derive_proof(password, params)
        ok, message = conn.execute(
            "SELECT ok, message FROM cc_auth_sign_in(%s, %s)", (username, proof)
        ).fetchone()
    return ok, message


def test_the_gatekeeper_may_only_sign_in(seeded_db: str) -> None:
    with login(seeded_db, None) as conn:
        for sql in ("SELECT count(*) FROM incidents", "SELECT count(*) FROM app_users",
                    "SELECT * FROM cc_credentials", "SELECT cc_audit_verify()",
                    "SELECT cc_set_password(1, 'argon2id$x', '\\x00'::bytea, false)"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(sql)
        # an unknown name gets believable parameters, the same each time
        real = one(conn, "SELECT cc_auth_params('zhiban1')")
        fake = one(conn, "SELECT cc_auth_params('nobody_here')")
        assert fake == one(conn, "SELECT cc_auth_params('nobody_here')")
        assert real.rsplit("$", 1)[0] == fake.rsplit("$", 1)[0]
        assert len(real) == len(fake)


def test_wrong_passwords_lock_the_account_and_are_audited(seeded_copy: str) -> None:
    assert gate_sign_in(seeded_copy, "zhiban2", "demo") == (True, None)
    for _ in range(4):
        ok, message = gate_sign_in(seeded_copy, "zhiban2", "guess")
        assert not ok and "密码错误" in message
    ok, message = gate_sign_in(seeded_copy, "zhiban2", "guess")  # the fifth
    assert not ok
    # locked now: even the right password is refused, and it says until when
    ok, message = gate_sign_in(seeded_copy, "zhiban2", "demo")
    assert not ok and "锁定" in message and "locked until" in message
    with psycopg.connect(libpq_url(seeded_copy)) as conn:
        actions = [r[0] for r in conn.execute(
            "SELECT action FROM audit_log WHERE entity_type = 'user' AND entity_id = "
            "(SELECT id FROM app_users WHERE username = 'zhiban2') AND action <> "
            "'user.password' ORDER BY seq"
        )]
    assert actions == ["user.sign_in", *["user.sign_in_failed"] * 4, "user.locked"]
    # another account is not affected
    assert gate_sign_in(seeded_copy, "zhiban3", "demo") == (True, None)


def test_signing_in_gives_a_session_password_of_the_users_login(seeded_copy: str) -> None:
    with login(seeded_copy, None) as conn:
        params = one(conn, "SELECT cc_auth_params('zhiban1')")
        proof = auth.derive_proof("demo", params)
        first = conn.execute(
            "SELECT db_login, secret FROM cc_auth_sign_in('zhiban1', %s)", (proof,)
        ).fetchone()
        second = conn.execute(
            "SELECT db_login, secret FROM cc_auth_sign_in('ZhiBan1 ', %s)", (proof,)
        ).fetchone()
    assert first[0] == "cc_u_zhiban1"
    assert len(first[1]) >= 64
    # a second workstation of the same person gets the same session password, so the first
    # one's new connections keep working
    assert second == first


def test_one_person_signing_in_at_two_workstations_at_once(
    seeded_copy: str, seeded_db: str, pg_server: str
) -> None:
    """Every sign-in alters the person's login, a catalogue row PostgreSQL does not lock: two
    at once (here on two databases of one server, where no row of ours serialises them) must
    not refuse either workstation."""
    import threading
    import uuid

    from sqlalchemy.engine import make_url

    from command_center.db.connection import open_database
    from tests.conftest import create_database, drop_database

    other = f"cc_t_{uuid.uuid4().hex[:10]}"
    other_url = create_database(pg_server, other, template=make_url(seeded_db).database)
    gates = [open_database(with_login(u, GATEKEEPER, None)) for u in (seeded_copy, other_url)]
    results: list[object] = []

    def work(gate: object) -> None:
        for _ in range(15):
            try:
                with gate.sessions() as s:  # type: ignore[attr-defined]
                    results.append(auth.sign_in(s, "zhiban2", "demo").db_login)
            except Exception as exc:
                results.append(exc)

    threads = [threading.Thread(target=work, args=(g,)) for g in gates * 2]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        for g in gates:
            g.close()
        drop_database(pg_server, other)
    assert results == ["cc_u_zhiban2"] * 60


def test_the_duty_log_is_refused_to_a_handler_with_a_reason(seeded_copy: str) -> None:
    from command_center.db.engine import make_engine, make_session_factory
    from command_center.services import duty_log
    from command_center.services.audit import Actor
    from command_center.services.permissions import PermissionDenied

    before = admin_one(seeded_copy, "SELECT count(*) FROM duty_log")
    uid, name = admin_one(
        seeded_copy, "SELECT ROW(id, display_name) FROM app_users WHERE username = %s", POLICE
    )
    engine = make_engine(login_url(seeded_copy, POLICE))
    try:
        with make_session_factory(engine)() as s, pytest.raises(
            PermissionDenied, match="值班日志"
        ):
            duty_log.add_entry(s, Actor(int(uid), name), "公安值班情况正常", "token-1")
    finally:
        engine.dispose()
    assert admin_one(seeded_copy, "SELECT count(*) FROM duty_log") == before


def test_a_frozen_workstation_cannot_hold_everyone_up(seeded_db: str) -> None:
    """Every operator's login ends a transaction left idle (the audit chain it may hold blocks
    every other workstation's writes) and gives up a lock rather than wait for ever."""
    for user in ("zhiban1", POLICE):
        with login(seeded_db, user) as conn:
            assert one(conn, "SHOW idle_in_transaction_session_timeout") == "1min"
            assert one(conn, "SHOW lock_timeout") == "20s"
