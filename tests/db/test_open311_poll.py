"""Polling a remote Open311 GeoReport v2 endpoint: our own server, recorded files, bad remotes."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import sessionmaker

from command_center import clock
from command_center.api.server import HttpServer
from command_center.cli import main
from command_center.db.engine import make_engine, make_session_factory
from command_center.services import open311_api, open311_poll
from command_center.services.open311_poll import poll_once
from tests.db.conftest import q as _q

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "open311"


def _counts(db: str | Connection) -> tuple[int, int]:
    ((incidents, audit),) = _q(
        db, "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM audit_log)"
    )
    return incidents, audit


Answer = Callable[[str, dict[str, list[str]]], tuple[int, str, bytes]]


@pytest.fixture
def remote() -> Iterator[Callable[[Answer], str]]:
    """start(answer) -> base URL of a stand-in remote server answering with answer(path, query)."""
    servers: list[ThreadingHTTPServer] = []
    seen: list[str] = []

    def start(answer: Answer) -> str:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                seen.append(self.path)
                status, ctype, body = answer(parts.path, parse_qs(parts.query))
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, args=(0.1,), daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/open311/v2"

    start.seen = seen  # type: ignore[attr-defined]
    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def _file(name: str, ctype: str = "application/json") -> Answer:
    data = (FIXTURES / name).read_bytes()
    return lambda path, query: (200, ctype, data)


@pytest.fixture
def sessions(county: Connection) -> Any:
    """Sessions one after another on ``county``: the import's commits become savepoints."""
    return sessionmaker(
        bind=county, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def copy_sessions(seeded_copy: str) -> Iterator[Any]:
    """Sessions on a copy of the county, for a test that serves the shared county itself."""
    engine = make_engine(seeded_copy)
    yield make_session_factory(engine)
    engine.dispose()


def test_recorded_files_import_with_the_right_counts_once(
    county: Connection, sessions: Any, remote: Any
) -> None:
    url = remote(_file("cn_requests.json"))
    before = _counts(county)
    first = poll_once(sessions, {"url": url, "source": "gansu-12345"})
    assert first.ok, first.error
    # six requests: one without id, service code or description is skipped by the reader;
    # of the five, one lies in Lanzhou (outside) and two have null or 0/0 coordinates
    assert (first.fetched, first.imported, len(first.skipped)) == (5, 5, 1)
    assert (first.flagged_outside, first.flagged_missing) == (1, 2)
    assert first.watermark is not None and first.watermark.isoformat().startswith("2026-11-19")
    assert _counts(county) == (before[0] + 5, before[1] + 5)
    second = poll_once(sessions, {"url": url, "source": "gansu-12345"}, since=first.watermark)
    assert second.ok and second.imported == 0
    assert _counts(county) == (before[0] + 5, before[1] + 5)
    assert "start_date=2026-11-19" in remote.seen[-1]  # asked only for what is new
    # without a watermark passed in, the newest imported request stands in for it
    third = poll_once(sessions, {"url": url, "source": "gansu-12345"})
    assert third.ok and third.imported == 0
    (start,) = parse_qs(urlsplit(remote.seen[-1]).query)["start_date"]
    newest = dt.datetime(2026, 11, 19, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert dt.datetime.fromisoformat(start) == newest - open311_poll.OVERLAP


def test_xml_and_a_full_requests_url_with_its_own_query(sessions: Any, remote: Any) -> None:
    base = remote(_file("toronto_requests.xml", "text/xml; charset=utf-8"))
    url = f"{base}/requests.xml?jurisdiction_id=toronto.ca"
    result = poll_once(sessions, {"url": url, "source": "toronto"})
    assert result.ok and result.imported == 2 and result.flagged_outside == 2
    assert remote.seen[-1].startswith("/open311/v2/requests.xml?jurisdiction_id=toronto.ca")


def test_our_own_endpoint_paged_back_imports_everything_once(
    seeded_db: str, seeded_copy: str, copy_sessions: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One center (the shared demo county, only read) serves; another (a copy) polls it."""
    # small pages so that paging back with end_date is exercised
    monkeypatch.setattr(open311_api, "MAX_REQUESTS", 100)
    monkeypatch.setattr(open311_poll, "PAGE_LIMIT", 100)
    ((served,),) = _q(
        seeded_db,
        # what the public endpoint publishes: requests in categories marked public
        "SELECT count(*) FROM incidents WHERE reported_at >= %s - interval '90 days' "
        "AND category_code IN (SELECT code FROM categories WHERE public)",
        clock.now(),
    )
    assert served > 300
    engine = make_engine(seeded_db)
    server = HttpServer(engine, "127.0.0.1", 0).start()
    try:
        first = poll_once(copy_sessions, {"url": server.url, "source": "mirror"})
        assert first.ok, first.error
        assert first.pages > 3 and first.fetched == first.imported == served
        again = poll_once(
            copy_sessions, {"url": server.url, "source": "mirror"}, since=first.watermark
        )
        assert again.ok and again.fetched > 0 and again.imported == 0
    finally:
        server.stop()
        engine.dispose()
    mirrored = _q(
        seeded_copy,
        "SELECT count(*), count(*) FILTER (WHERE location_flag = 'ok') FROM incidents "
        "WHERE external_source = 'mirror'",
    )
    ((located,),) = _q(
        seeded_db,
        "SELECT count(*) FROM incidents WHERE reported_at >= %s - interval '90 days' "
        "AND location_flag = 'ok' AND category_code IN (SELECT code FROM categories WHERE public)",
        clock.now(),
    )
    ((count, placed),) = mirrored
    # the public's points are rounded to about 100 m: one near the county's border may land
    # just outside it, and is then flagged for an operator instead of placed
    assert count == served and located - 3 <= placed <= located


def _html(path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
    return 200, "text/html", b"<html><body><h1>Service Unavailable</h1></body></html>"


def _slow(path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
    time.sleep(2)
    return 200, "application/json", b"[]"


def _error(path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
    return 500, "application/json", b'[{"code": 500, "description": "database down"}]'


def _truncated(path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
    data = (FIXTURES / "cn_requests.json").read_bytes()
    return 200, "application/json", data[: len(data) // 2]


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (_html, "HTML"),
        (_slow, "no answer from the remote server within 0.5 s"),
        (_error, "HTTP 500"),
        (_truncated, "broken JSON"),
    ],
)
def test_a_bad_remote_is_reported_and_nothing_imported(
    county: Connection, sessions: Any, remote: Any, answer: Answer, says: str
) -> None:
    url = remote(answer)
    before = _counts(county)
    result = poll_once(sessions, {"url": url, "source": "bad"}, timeout=0.5)
    assert not result.ok and result.imported == 0
    assert says in (result.error or "") and " / " in (result.error or "")
    assert _counts(county) == before
    if answer is _error:
        assert "database down" in (result.error or "")


def test_unreachable_or_unusable_urls(sessions: Any) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens there
    result = poll_once(sessions, {"url": f"http://127.0.0.1:{port}/open311/v2"}, timeout=2)
    assert not result.ok and "cannot reach the remote server" in (result.error or "")
    result = poll_once(sessions, {"url": "file:///etc/passwd"})
    assert not result.ok and "http://" in (result.error or "")
    assert not poll_once(sessions, {"url": ""}).ok


def test_poll_command(seeded_copy: str, remote: Any, capsys: pytest.CaptureFixture[str]) -> None:
    url = remote(_file("cn_requests.json"))
    args = ["--database-url", seeded_copy]
    assert main(["poll", "open311", "--once", *args]) == 1  # off by default, no URL given
    assert "polling is off" in capsys.readouterr().err
    assert main(["poll", "open311", url, "--once", "--source", "gansu", *args]) == 0
    out = capsys.readouterr().out
    assert out.startswith("fetched=5 imported=5 skipped=1 outside=1 missing=2")
    assert main(["poll", "open311", url, "--once", "--source", "gansu", *args]) == 0
    assert capsys.readouterr().out.startswith("fetched=5 imported=0 skipped=6")
    bad = remote(_html)
    assert main(["poll", "open311", bad, "--once", *args]) == 1
    assert "HTML" in capsys.readouterr().out
