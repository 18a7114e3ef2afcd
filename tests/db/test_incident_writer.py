"""Every way in writes the same incident: imported 12345 requests get their deadlines and show
under "reporter waiting" once the answer is due; the form's save-and-merge is all or nothing."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.db.engine import make_engine, make_session_factory
from command_center.interop.tabular import read_table
from command_center.services import imports, intake, orders, queue
from command_center.services.audit import Actor
from command_center.services.open311_poll import poll_once

ACTOR = Actor(None, "李强")
REPORTED = dt.datetime(2026, 11, 18, 9, 12, tzinfo=clock.CST)  # a Wednesday


@pytest.fixture
def sessions(seeded_copy: str) -> Iterator[Any]:
    engine = make_engine(seeded_copy)
    yield make_session_factory(engine)
    engine.dispose()


def _leaf(s: Session) -> tuple[str, str]:
    code, name = s.execute(
        text(
            "SELECT code, name FROM categories c WHERE NOT EXISTS "
            "(SELECT 1 FROM categories k WHERE k.parent_code = c.code) ORDER BY code LIMIT 1"
        )
    ).one()
    return str(code), str(name)


def _requests(code: str) -> bytes:
    base = {
        "status": "open",
        "description": "洪水镇利民路路面塌陷，夜间无警示标志",
        "requested_datetime": REPORTED.isoformat(),
        "lat": 38.436074,
        "long": 100.874611,
    }
    return json.dumps(
        [
            {**base, "service_request_id": "W-1", "service_code": code, "service_name": "某事"},
            {**base, "service_request_id": "W-2", "service_code": "XX-99", "service_name": "其他"},
        ],
        ensure_ascii=False,
    ).encode()


def _waiting(s: Session) -> dict[str, queue.IncidentRow]:
    page = queue.page(
        s, queue.Query(filter=queue.QueueFilter(waiting_answer=True, text="RX")), limit=500
    )
    return {r.number: r for r in page.rows}  # type: ignore[union-attr]


def _check_imported(sessions: Any, source: str, code: str) -> None:
    with sessions() as s:
        rows = s.execute(
            text(
                "SELECT external_id, number, category_code, due_at, answer_due_at FROM incidents "
                "WHERE external_source = :s ORDER BY external_id"
            ),
            {"s": source},
        ).all()
        assert [r[0] for r in rows] == ["W-1", "W-2"]
        assert rows[0][2] == code  # its service_code is one of our categories
        assert rows[1][2] is None  # an unknown one is left for the operator
        for _, _, _, due, answer_due in rows:
            assert due is not None and due > REPORTED
            # five working days: Wednesday 18th → Wednesday 25th
            assert answer_due.astimezone(clock.CST).date() == dt.date(2026, 11, 25)
        clock.freeze(dt.datetime(2026, 11, 26, 9, 0, tzinfo=clock.CST))  # the answer is late
        waiting = _waiting(s)
        for _, number, *_ in rows:
            assert number in waiting
            row = waiting[number]
            assert row.waiting_answer and row.answer_due_at < clock.now()


def test_an_imported_open311_file_gets_deadlines_and_waits_for_its_answer(sessions: Any) -> None:
    with sessions() as s:
        code, _ = _leaf(s)
        report = imports.import_open311(s, _requests(code), actor=ACTOR, source="writer-file")
    assert report.imported == 2
    _check_imported(sessions, "writer-file", code)


def test_a_polled_request_gets_the_same(sessions: Any) -> None:
    with sessions() as s:
        code, _ = _leaf(s)
    body = _requests(code)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.1,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/open311/v2"
        result = poll_once(sessions, {"url": url, "source": "writer-poll"})
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.ok and result.imported == 2
    _check_imported(sessions, "writer-poll", code)


def test_an_imported_table_row_gets_the_same(sessions: Any, tmp_path: Path) -> None:
    with sessions() as s:
        code, _ = _leaf(s)
    path = tmp_path / "12345.csv"
    path.write_text(
        "工单编号,诉求内容,分类,来电时间,经度,纬度\n"
        f"W-1,路面塌陷,{code},2026-11-18 09:12,100.874611,38.436074\n"
        f"W-2,路灯不亮,没有这个分类,2026-11-18 09:12,100.874611,38.436074\n",
        encoding="utf-8",
    )
    mapping = {
        "external_id": "工单编号",
        "description": "诉求内容",
        "category": "分类",
        "reported_at": "来电时间",
        "lon": "经度",
        "lat": "纬度",
    }
    with sessions() as s:
        result = imports.import_rows(s, ACTOR, read_table(str(path)), mapping, "writer-table")
    assert result.imported == 2, result.skipped
    _check_imported(sessions, "writer-table", code)


def test_save_and_merge_refused_saves_nothing(sessions: Any) -> None:
    with sessions() as s:
        channel = s.execute(text("SELECT code FROM channels ORDER BY code LIMIT 1")).scalar_one()
    draft = intake.IncidentDraft(
        channel_code=channel, title="利民路路面塌陷", lon=100.874611, lat=38.436074
    )
    with sessions() as s:
        target = intake.create_incident(s, ACTOR, draft).id  # the report the operator picks
        keep = intake.create_incident(s, ACTOR, draft).id
        before = s.execute(text("SELECT count(*) FROM incidents")).scalar_one()
    # meanwhile someone else rejects it
    with sessions() as other:
        other.execute(
            text("UPDATE incidents SET status = 'rejected', version = version + 1 WHERE id = :i"),
            {"i": target},
        )
        other.commit()
    with sessions() as s, pytest.raises(orders.TransitionError):
        intake.create_and_merge(s, ACTOR, draft, target)
    with sessions() as s:
        assert s.execute(text("SELECT count(*) FROM incidents")).scalar_one() == before
    # and merged when nothing stands in the way
    with sessions() as s:
        made = intake.create_and_merge(s, ACTOR, draft, keep)
    with sessions() as s:
        status, dup_of = s.execute(
            text("SELECT status, duplicate_of_id FROM incidents WHERE id = :i"), {"i": made.id}
        ).one()
        assert s.execute(text("SELECT count(*) FROM incidents")).scalar_one() == before + 1
    assert (status, dup_of) == ("merged", keep)
