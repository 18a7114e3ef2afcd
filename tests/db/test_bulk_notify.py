"""A bulk import announces itself once; a small one row by row (alembic 0004)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from command_center.db import bulk
from command_center.db.engine import libpq_url, make_engine
from command_center.models import AuditEntry, Incident
from command_center.services import imports
from command_center.services.audit import Actor

CN_JSON = Path(__file__).resolve().parents[1] / "fixtures" / "open311" / "cn_requests.json"


FENCE = {"t": "test-fence"}


def _notices(conn: psycopg.Connection, url: str, timeout_s: float = 30.0) -> list[dict]:
    """What was announced before a fence notified afterwards from another connection:
    notifications arrive in commit order, so by the fence everything committed earlier is in."""
    with psycopg.connect(libpq_url(url), autocommit=True) as other:
        other.execute("SELECT pg_notify('cc_changes', %s)", (json.dumps(FENCE),))
    got: list[dict] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for n in conn.notifies(timeout=0.2, stop_after=1000):
            payload = json.loads(n.payload)
            if payload == FENCE:
                return got
            got.append(payload)
    raise AssertionError(f"the fence did not arrive within {timeout_s} s")


@pytest.fixture
def listener(seeded_copy: str):  # type: ignore[no-untyped-def]
    conn = psycopg.connect(libpq_url(seeded_copy), autocommit=True)
    conn.execute("LISTEN cc_changes")
    yield conn
    conn.close()


def _import(url: str) -> imports.ImportReport:
    engine = make_engine(url)
    try:
        with Session(engine) as s:
            return imports.import_open311(
                s, CN_JSON.read_bytes(), actor=Actor(None, "测试"), source="12345-test"
            )
    finally:
        engine.dispose()


def test_a_bulk_import_sends_one_reload_and_keeps_its_audit(
    seeded_copy: str, listener: psycopg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BULK_NOTIFY_THRESHOLD", 1)
    report = _import(seeded_copy)
    assert report.imported > 1
    assert _notices(listener, seeded_copy) == [{"t": "*", "op": "reload"}]
    engine = make_engine(seeded_copy)
    with Session(engine) as s:  # nothing else of the import is quieter: one entry per incident
        n_audit = s.scalar(select(func.count()).where(AuditEntry.action == "incident.import"))
        n_new = s.scalar(select(func.count()).where(Incident.external_source == "12345-test"))
    engine.dispose()
    assert n_new == report.imported and n_audit >= report.imported


def test_a_small_import_is_announced_row_by_row(
    seeded_copy: str, listener: psycopg.Connection
) -> None:
    report = _import(seeded_copy)  # below the threshold
    notices = _notices(listener, seeded_copy)
    incidents = [n for n in notices if n.get("t") == "incidents"]
    assert len(incidents) == report.imported
    assert {"t": "*", "op": "reload"} not in notices
