"""``--analytics-database-url``: the analysis's reads go to a read replica, its writes never do.

A real replica is one more server; a second URL to the same server shows the same thing: the
program reaches it as the operator's own login through a read-only engine, reads the same
figures there, and nothing written through it is accepted. The bulletin from the command line
reads through a login that can only read."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import make_url

from command_center import cli, clock
from command_center.db.connection import open_database, with_login
from command_center.db.engine import ANALYTICS_APPLICATION_NAME, libpq_url
from command_center.services import analysis as a
from command_center.services import auth, bulletin
from command_center.services.audit import Actor
from command_center.services.queue import QueueFilter


def second_url(url: str) -> str:
    """The same server under another name: what a replica's URL looks like to the program."""
    u = make_url(url)
    return u.set(host="localhost" if u.host != "localhost" else "127.0.0.1").render_as_string(
        hide_password=False)


def signed_in(url: str, username: str, analytics: str | None):  # type: ignore[no-untyped-def]
    gate = open_database(url, as_gatekeeper=True)
    gate.analytics_url = analytics
    with gate.sessions() as s:
        signed = auth.sign_in(s, username, auth.DEMO_PASSWORD)
    db = gate.as_login(signed.db_login, signed.secret)
    gate.release()
    return db, signed


def test_the_analysis_reads_on_the_replica_as_the_operator_and_cannot_write_there(
    seeded_copy: str,
) -> None:
    replica = second_url(seeded_copy)
    db, signed = signed_in(seeded_copy, "duban1", replica)
    try:
        assert db.analytics_sessions is not None
        now = clock.now()
        p = a.Period(a.day_start(now.date()) - (a.WINDOW * 4), a.day_start(now.date()))
        with db.analytics_sessions() as r, db.sessions() as m:
            who = r.execute(text(
                "SELECT session_user, current_setting('transaction_read_only'), "
                "current_setting('application_name')")).one()
            assert who == (signed.db_login, "on", ANALYTICS_APPLICATION_NAME)
            assert r.get_bind().engine.url.host == make_url(replica).host
            # the same figures from both
            assert [d.counts for d in a.departments(r, p)] == [
                d.counts for d in a.departments(m, p)]
            assert [w.key for w in a.warnings(r)] == [w.key for w in a.warnings(m)]
            warning = a.Warning(f"spike_grid:1:{now.date()}", "spike_grid", "test grid", 9,
                                "test / test", QueueFilter(), 1e-5, now)
            # a write through the replica's engine is refused by the server ...
            actor = Actor(signed.user_id, "duban1")
            with pytest.raises(sa_exc.DBAPIError, match="read-only transaction"):
                a.dismiss(r, actor, warning, "试写到只读库 / trying the replica")
            r.rollback()
            # ... and the same write through the main one is accepted, and read back there
            a.dismiss(m, actor, warning, "已核实 / checked")
        with db.analytics_sessions() as r:
            assert "spike_grid:1" in a.dismissals(r, now)
    finally:
        db.close()


def test_without_a_replica_the_analysis_reads_the_main_database(seeded_copy: str) -> None:
    db, _ = signed_in(seeded_copy, "yanpan1", None)
    try:
        assert db.analytics_sessions is None and db.analytics_engine is None
    finally:
        db.close()


def test_the_bulletin_reads_through_a_login_that_can_only_read(
    seeded_copy: str, tmp_path, capsys,  # type: ignore[no-untyped-def]
) -> None:
    # the analyst's login: the database lets it read everything the center reads, write nothing
    gate = open_database(seeded_copy, as_gatekeeper=True)
    try:
        with gate.sessions() as s:
            signed = auth.sign_in(s, "yanpan1", auth.DEMO_PASSWORD)
    finally:
        gate.close()
    reader = with_login(second_url(seeded_copy), signed.db_login, signed.secret)
    with psycopg.connect(libpq_url(reader)) as conn:
        for sql in ("UPDATE incidents SET title = 'x' WHERE id = (SELECT min(id) FROM incidents)",
                    "UPDATE work_orders SET status = 'cancelled'"):
            assert conn.execute(sql).rowcount == 0  # row-level security: nothing to write
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO order_daily (day, department_id) VALUES (now(), 1)")
    month = (clock.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    out = tmp_path / "b.pdf"
    assert cli.main(["bulletin", "--month", month, "--out", str(out),
                     "--database-url", seeded_copy, "--analytics-database-url", reader]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    db = open_database(seeded_copy).with_analytics(reader)
    try:
        assert db.analytics_sessions is not None
        with db.analytics_sessions() as r, db.sessions() as m:
            assert r.execute(text("SELECT session_user")).scalar() == signed.db_login
            through_reader = bulletin.compute(r, month).figures
            assert through_reader == bulletin.compute(m, month).figures
            assert through_reader["incidents"] and through_reader["orders_received"]
    finally:
        db.close()
    capsys.readouterr()
