"""The schema: migrations match the models, go down cleanly, and the audit log is append-only."""

from __future__ import annotations

import threading

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import command_center.models  # noqa: F401
from command_center.db import migrate
from command_center.db.base import Base
from command_center.db.engine import libpq_url, make_engine
from command_center.db.listener import ChangeListener


def test_upgrade_on_empty_database_matches_the_models(empty_db: str) -> None:
    migrate.upgrade(empty_db)
    engine = make_engine(empty_db)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        assert migrate.current_revision(engine) == migrate.head_revision() == migrate.SCHEMA_HEAD
        assert not migrate.needs_upgrade(engine)
    finally:
        engine.dispose()


def test_downgrade_to_base_leaves_nothing_behind(empty_db: str) -> None:
    migrate.upgrade(empty_db)
    migrate.downgrade(empty_db, "base")
    engine = make_engine(empty_db)
    try:
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        with engine.connect() as conn:
            functions = (
                conn.execute(text("SELECT proname FROM pg_proc WHERE proname LIKE 'cc\\_%'"))
                .scalars()
                .all()
            )
        assert functions == []
        assert migrate.current_revision(engine) is None
    finally:
        engine.dispose()
    migrate.upgrade(empty_db)  # and up again


def test_audit_log_refuses_update_delete_and_truncate(db_url: str) -> None:
    with psycopg.connect(libpq_url(db_url), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO audit_log (actor_name, action, entity_type, entity_id, summary) "
            "VALUES ('王丽娟', 'incident.accept', 'incident', 1, '受理事件')"
        )
        for sql in (
            "UPDATE audit_log SET summary = '篡改'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute(sql)
        row = conn.execute("SELECT summary, db_user FROM audit_log").fetchone()
    assert row is not None and row[0] == "受理事件"
    assert row[1]  # the database itself records the login that wrote the entry


def test_committed_changes_are_notified_and_uncommitted_ones_are_not(db_url: str) -> None:
    got: list[dict] = []
    arrived = threading.Event()

    def on_change(payload: dict) -> None:
        got.append(payload)
        arrived.set()

    listener = ChangeListener(db_url, on_change)
    listener.start()
    try:
        deadline = threading.Event()
        for _ in range(50):
            if listener.backend_pid:
                break
            deadline.wait(0.1)
        with psycopg.connect(libpq_url(db_url)) as conn:
            conn.execute("INSERT INTO duty_log (author, text) VALUES ('甲', '回滚的记录')")
            conn.rollback()
            conn.execute("INSERT INTO duty_log (author, text) VALUES ('乙', '提交的记录')")
            new_id = conn.execute("SELECT max(id) FROM duty_log").fetchone()[0]
            conn.commit()
        assert arrived.wait(5)
        assert got == [{"t": "duty_log", "op": "insert", "id": new_id, "v": None}]
    finally:
        listener.stop()
