"""The center's own Open311 GeoReport v2 endpoint, over real HTTP against a demo-county copy."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from command_center import clock
from command_center.api.server import HttpServer
from command_center.cli import main
from command_center.db.engine import make_engine, make_session_factory
from command_center.interop.open311 import parse_requests, parse_services
from command_center.services import open311_api
from command_center.services.audit import Actor
from tests.db.conftest import q as _q

CST = dt.timezone(dt.timedelta(hours=8))
ACTOR = Actor(None, "测试管理员")


def _serving(db: str) -> Iterator[tuple[str, str]]:
    engine = make_engine(db)
    server = HttpServer(engine, "127.0.0.1", 0).start()
    try:
        yield server.url, db
    finally:
        server.stop()
        engine.dispose()  # no connection stays open: the shared county is a template


@pytest.fixture
def endpoint(seeded_copy: str) -> Iterator[tuple[str, str]]:
    """(base URL of a running endpoint, database URL) on a copy of the county, for writing."""
    yield from _serving(seeded_copy)


@pytest.fixture
def read_endpoint(seeded_db: str) -> Iterator[tuple[str, str]]:
    """The same on the shared demo county, for tests that only read."""
    yield from _serving(seeded_db)


def _http(
    url: str, *, data: dict[str, str] | bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str, bytes]:
    body = urlencode(data).encode() if isinstance(data, dict) else data
    req = urllib.request.Request(url, data=body, headers=headers or {})
    if isinstance(data, dict):
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def _key(
    db: str,
    name: str = "field-app",
    channel: str | None = "qr_code",
    scopes: tuple[str, ...] = (),
) -> str:
    engine = make_engine(db)
    try:
        with make_session_factory(engine)() as session:
            return open311_api.create_api_key(session, ACTOR, name, channel, scopes)
    finally:
        engine.dispose()


def _counts(db: str) -> tuple[int, int]:
    ((incidents, audit),) = _q(
        db, "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM audit_log)"
    )
    return incidents, audit


# --- GET services ---------------------------------------------------------------------------


def test_services_are_our_leaf_categories(read_endpoint: tuple[str, str]) -> None:
    base, db = read_endpoint
    status, ctype, body = _http(f"{base}/services.json")
    assert status == 200 and ctype == "application/json; charset=utf-8"
    services = parse_services(body)
    leaves = _q(
        db,
        "SELECT code FROM categories c WHERE NOT EXISTS "
        "(SELECT 1 FROM categories k WHERE k.parent_code = c.code) ORDER BY code",
    )
    assert [s.service_code for s in services] == [r[0] for r in leaves]
    homestead = next(s for s in services if s.service_code == "010101")
    assert homestead.service_name == "宅基地界址纠纷" and homestead.group == "矛盾纠纷"
    assert homestead.type == "realtime" and homestead.metadata is False
    status, ctype, xml = _http(f"{base}/services.xml")
    assert status == 200 and ctype == "text/xml; charset=utf-8"
    assert parse_services(xml) == services


# --- GET requests ---------------------------------------------------------------------------


# what the public GET publishes: requests in a category marked public (the publication policy)
PUBLISHED = "category_code IN (SELECT code FROM categories WHERE public)"


def _ids(body: bytes) -> set[str]:
    parsed = parse_requests(body)
    assert parsed.skipped == []
    return {r.service_request_id for r in parsed.requests if r.service_request_id}


def test_requests_filter_by_date_status_code_and_ids(read_endpoint: tuple[str, str]) -> None:
    base, db = read_endpoint
    start, end = "2026-10-01T00:00:00+08:00", "2026-10-31T23:59:59+08:00"
    window = f"reported_at BETWEEN %s AND %s AND {PUBLISHED}"
    everything = {r[0] for r in _q(db, f"SELECT number FROM incidents WHERE {window}", start, end)}
    assert 50 < len(everything) < 1000
    params = urlencode({"start_date": start, "end_date": end})
    _, _, body = _http(f"{base}/requests.json?{params}")
    assert _ids(body) == everything

    closed = {
        r[0]
        for r in _q(
            db,
            f"SELECT number FROM incidents WHERE {window} "
            "AND status IN ('closed', 'merged', 'rejected')",
            start,
            end,
        )
    }
    assert closed and closed != everything
    _, _, body = _http(f"{base}/requests.json?{params}&status=closed")
    parsed = parse_requests(body).requests
    assert {r.service_request_id for r in parsed} == closed
    assert {r.status for r in parsed} == {"closed"}
    _, _, body = _http(f"{base}/requests.xml?{params}&status=Open")
    assert _ids(body) == everything - closed

    ((code, n),) = _q(
        db,
        f"SELECT category_code, count(*) FROM incidents WHERE {window} "
        "AND category_code IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
        start,
        end,
    )
    _, _, body = _http(f"{base}/requests.json?{params}&service_code={code}")
    parsed = parse_requests(body).requests
    assert len(parsed) == n and {r.service_code for r in parsed} == {code}

    some = sorted(everything)[:3]
    _, _, body = _http(f"{base}/requests.xml?service_request_id={','.join(some)}&status=closed")
    assert _ids(body) == set(some)  # the ids override the other filters


def test_the_default_window_is_90_days(read_endpoint: tuple[str, str]) -> None:
    base, db = read_endpoint
    ((expected,),) = _q(
        db,
        f"SELECT count(*) FROM incidents WHERE reported_at >= %s - interval '90 days' "
        f"AND {PUBLISHED}",
        clock.now(),
    )
    _, _, body = _http(f"{base}/requests.json")
    assert len(parse_requests(body).requests) == min(expected, 1000)


def test_our_status_travels_in_status_notes_and_cc_status(read_endpoint: tuple[str, str]) -> None:
    base, db = read_endpoint
    ((number, dept),) = _q(
        db,
        "SELECT i.number, d.name FROM incidents i JOIN work_orders w ON w.incident_id = i.id "
        "JOIN departments d ON d.id = w.department_id WHERE i.status = 'dispatched' "
        f"AND i.{PUBLISHED} "
        "AND w.status <> 'cancelled' AND w.lead_order_id IS NULL ORDER BY i.id LIMIT 1",
    )
    for fmt in ("json", "xml"):
        status, _, body = _http(f"{base}/requests/{number}.{fmt}")
        assert status == 200
        (req,) = parse_requests(body).requests
        assert req.service_request_id == number
        assert req.status == "open" and req.extensions["cc_status"] == "dispatched"
        assert req.status_notes == f"已派遣至{dept} / dispatched to the responsible department"
        assert req.agency_responsible == dept
    ((merged, into),) = _q(
        db,
        "SELECT i.number, o.number FROM incidents i JOIN incidents o ON o.id = i.duplicate_of_id "
        f"WHERE i.status = 'merged' AND i.{PUBLISHED} ORDER BY i.id LIMIT 1",
    )
    (req,) = parse_requests(_http(f"{base}/requests/{merged}.xml")[2]).requests
    assert req.status == "closed" and req.extensions["cc_status"] == "merged"
    assert into in req.status_notes
    _, _, body = _http(f"{base}/requests.json?cc_status=in_progress&status=open")
    parsed = parse_requests(body).requests
    assert parsed and {r.extensions["cc_status"] for r in parsed} == {"in_progress"}


def test_bad_queries_get_the_specification_error_format(read_endpoint: tuple[str, str]) -> None:
    base, _ = read_endpoint
    status, ctype, body = _http(f"{base}/requests.json?status=pending")
    assert status == 400 and ctype.startswith("application/json")
    ((error),) = json.loads(body)
    assert error["code"] == 400 and "open or closed" in error["description"]
    status, ctype, body = _http(f"{base}/requests.xml?start_date=yesterday")
    assert status == 400 and ctype.startswith("text/xml")
    root = ET.fromstring(body)
    assert root.tag == "errors" and root.findtext("error/code") == "400"
    assert "start_date" in (root.findtext("error/description") or "")
    status, _, _ = _http(f"{base}/requests.json?start_date=2026-01-01&end_date=2026-11-01")
    assert status == 400  # more than 90 days
    status, _, body = _http(f"{base}/requests/NO-SUCH.json")
    assert status == 404 and json.loads(body)[0]["code"] == 404
    assert _http(f"{base}/nothing.json")[0] == 404
    # every listed service has a definition: no attributes (the real clients ask for it)
    status, _, body = _http(f"{base}/services/010101.json")
    assert status == 200 and json.loads(body) == {"service_code": "010101", "attributes": []}
    assert _http(f"{base}/services/999999.json")[0] == 404


# --- POST requests --------------------------------------------------------------------------


def _grid(db: str) -> tuple[int, int, int, float, float]:
    return _q(  # type: ignore[return-value]
        db,
        "SELECT g.id, v.id, v.parent_id, g.label_lon, g.label_lat FROM admin_areas g "
        "JOIN admin_areas v ON v.id = g.parent_id "
        "WHERE g.level = 'grid' AND g.valid_to IS NULL ORDER BY g.id OFFSET 17 LIMIT 1",
    )[0]


def test_post_without_or_with_a_wrong_key_is_refused(endpoint: tuple[str, str]) -> None:
    base, db = endpoint
    _key(db)
    before = _counts(db)
    form = {"service_code": "010101", "lat": "38.43", "long": "100.87", "description": "x"}
    for extra in ({}, {"api_key": "cc311_wrong"}):
        status, ctype, body = _http(f"{base}/requests.json", data={**form, **extra})
        assert status == 403 and ctype.startswith("application/json")
        ((error),) = json.loads(body)
        assert error["code"] == 403 and "api_key" in error["description"]
    status, _, body = _http(f"{base}/requests.xml", data=form)
    assert status == 403 and ET.fromstring(body).findtext("error/code") == "403"
    assert _counts(db) == before


def test_a_revoked_key_is_refused(endpoint: tuple[str, str]) -> None:
    base, db = endpoint
    key = _key(db, "old-app")
    assert not _q(db, "SELECT 1 FROM api_keys WHERE key_sha256 = %s OR name = %s", key, key)
    engine = make_engine(db)
    with make_session_factory(engine)() as session:
        open311_api.revoke_api_key(session, ACTOR, "old-app")
    engine.dispose()
    form = {"api_key": key, "service_code": "010101", "address_string": "洪水镇"}
    assert _http(f"{base}/requests.json", data=form)[0] == 403


def test_post_with_a_key_creates_one_incident_in_its_grid(endpoint: tuple[str, str]) -> None:
    base, db = endpoint
    key = _key(db)
    grid_id, village_id, town_id, lon, lat = _grid(db)
    incidents, audits = _counts(db)
    form = {
        "api_key": key,
        "service_code": "010104",
        "lat": str(lat),
        "long": str(lon),
        "description": "两户邻居因晾衣杆发生口角，请网格员调解。",
        "first_name": "小明",
        "last_name": "王",
        "phone": "13800000000",
    }
    status, ctype, body = _http(f"{base}/requests.json", data=form)
    assert status == 201 and ctype == "application/json; charset=utf-8"
    ((answer),) = json.loads(body)
    number, token = answer["service_request_id"], answer["token"]
    assert number.startswith("SJ") and token and "received" in answer["service_notice"]
    assert _counts(db) == (incidents + 1, audits + 2)
    ((row),) = _q(
        db,
        "SELECT id, channel_code, category_code, grid_id, village_id, town_id, location_flag, "
        "status, reporter_name, reporter_phone, title, due_at IS NOT NULL, "
        "answer_due_at IS NOT NULL, external_source FROM incidents WHERE number = %s",
        number,
    )
    assert row[1:10] == (
        "qr_code",
        "010104",
        grid_id,
        village_id,
        town_id,
        "ok",
        "new",
        "王小明",
        "13800000000",
    )
    assert row[10].startswith("邻里口角冲突：两户邻居")
    assert row[11:] == (True, True, "open311-api")  # deadlines as for a call an operator took
    actions = _q(db, "SELECT action FROM audit_log WHERE entity_id = %s ORDER BY id", row[0])
    assert actions == [("incident.create",), ("incident.open311_post",)]
    assert _q(db, "SELECT last_used_at IS NOT NULL FROM api_keys") == [(True,)]

    (req,) = parse_requests(_http(f"{base}/requests/{number}.xml")[2]).requests
    assert req.service_code == "010104" and req.extensions["cc_status"] == "new"
    # the public sees the point rounded (about 100 m); a key with the internal scope, exactly
    assert (req.lat, req.long) == (round(lat, 3), round(lon, 3))
    internal = _key(db, "sister-center", None, scopes=("internal",))
    (req,) = parse_requests(_http(f"{base}/requests/{number}.xml?api_key={internal}")[2]).requests
    assert (req.lat, req.long) == (lat, lon)
    status, _, body = _http(f"{base}/tokens/{token}.json")
    assert status == 200 and json.loads(body)[0]["service_request_id"] == number


def test_post_outside_the_county_or_by_address_is_flagged(endpoint: tuple[str, str]) -> None:
    base, db = endpoint
    key = _key(db, "hotline", None)
    form = {"api_key": key, "service_code": "010101"}
    status, _, body = _http(f"{base}/requests.xml", data={**form, "lat": "36.06", "long": "103.83"})
    assert status == 201
    root = ET.fromstring(body)
    assert root.tag == "service_requests" and "outside" in (
        root.findtext("request/service_notice") or ""
    )
    outside = root.findtext("request/service_request_id")
    status, _, body = _http(f"{base}/requests.json", data={**form, "address_string": "六坝镇"})
    assert status == 201
    by_address = json.loads(body)[0]["service_request_id"]
    got = dict(
        _q(
            db,
            "SELECT i.number, i.location_flag || '/' || i.channel_code || '/' || "
            "coalesce(i.address, '') || '/' || coalesce(t.name, '-') FROM incidents i "
            "LEFT JOIN admin_areas t ON t.id = i.town_id WHERE i.number IN (%s, %s)",
            outside,
            by_address,
        )
    )
    # an address alone: no point, so flagged, but the gazetteer names the responsible town
    assert got == {
        outside: "outside/hotline_12345//-",
        by_address: "missing/hotline_12345/六坝镇/六坝镇",
    }


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"lat": "38.4", "long": "100.8"}, "service_code is required"),
        ({"service_code": "999999", "lat": "38.4", "long": "100.8"}, "unknown service_code"),
        ({"service_code": "010101"}, "a location is required"),
        ({"service_code": "010101", "lat": "38.4"}, "lat and long must be given together"),
        ({"service_code": "010101", "lat": "abc", "long": "100.8"}, "lat is not a usable"),
        ({"service_code": "010101", "lat": "38.4", "long": "500"}, "long is not a usable"),
        ({"service_code": "010101", "address_string": "x", "description": "长" * 4001}, "4000"),
    ],
)
def test_malformed_posts_create_nothing(
    endpoint: tuple[str, str], form: dict[str, str], says: str
) -> None:
    base, db = endpoint
    key = _key(db)
    before = _counts(db)
    status, _, body = _http(f"{base}/requests.json", data={"api_key": key, **form})
    assert status == 400
    errors = json.loads(body)
    assert errors[0]["code"] == 400 and says in errors[0]["description"]
    assert " / " in errors[0]["description"]  # Chinese and English
    assert _counts(db) == before


def test_a_body_that_is_not_a_form_is_refused(endpoint: tuple[str, str]) -> None:
    base, db = endpoint
    key = _key(db)
    before = _counts(db)
    status, _, _ = _http(
        f"{base}/requests.json?api_key={key}",
        data=b'{"service_code": "010101"}',
        headers={"Content-Type": "application/json"},
    )
    assert status == 415
    status, _, _ = _http(
        f"{base}/requests.json",
        data=b"service_code=010101&address_string=\xff\xfe&api_key=" + key.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 400
    assert _counts(db) == before


def test_apikey_commands(seeded_copy: str, capsys: pytest.CaptureFixture[str]) -> None:
    url = ["--database-url", seeded_copy]
    assert main(["apikey", "create", "wechat-app", "--channel", "online", *url]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("cc311_") and len(key) > 40
    assert main(["apikey", "create", "bad", "--channel", "nope", *url]) == 1
    assert "unknown channel" in capsys.readouterr().err
    assert main(["apikey", "list", *url]) == 0
    listed = capsys.readouterr().out
    assert "wechat-app\tchannel=online\tactive" in listed and key not in listed
    assert main(["apikey", "revoke", "wechat-app", *url]) == 0
    assert main(["apikey", "list", *url]) == 0
    assert "wechat-app\tchannel=online\trevoked" in capsys.readouterr().out
    # in the order they happened (a query without ORDER BY may return them either way)
    actions = _q(
        seeded_copy, "SELECT action FROM audit_log WHERE entity_type = 'api_keys' ORDER BY seq"
    )
    assert actions == [("apikey.create",), ("apikey.revoke",)]


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_serve_command_answers_and_stops_on_a_signal(seeded_db: str, sig: str) -> None:
    import signal
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "command_center.cli", "serve", "open311", "--port", "0",
         "--database-url", seeded_db],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("Open311 GeoReport v2: http://127.0.0.1:")
        services_url = line.split(": ", 1)[1]
        status, _, body = _http(services_url)
        assert status == 200 and len(parse_services(body)) > 100
        proc.send_signal(getattr(signal, sig))
        assert proc.wait(timeout=15) == 0
        assert "stopping" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_failure_after_the_incident_is_written_leaves_nothing(
    seeded_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The incident is written, then writing the POST's own audit entry fails: the POST's
    transaction wraps both, so nothing is kept."""
    from command_center.db import bulk

    key = _key(seeded_copy)
    before = _counts(seeded_copy)
    real_copy = bulk.copy_rows

    def failing(conn: Any, table: str, columns: Any, rows: Any, *args: Any, **kw: Any) -> Any:
        rows = list(rows)
        if table == "audit_log" and any("incident.open311_post" in r for r in rows):
            raise RuntimeError("disk full")
        return real_copy(conn, table, columns, rows, *args, **kw)

    monkeypatch.setattr(bulk, "copy_rows", failing)
    engine = make_engine(seeded_copy)
    try:
        form = {"api_key": [key], "service_code": ["010101"], "address_string": ["洪水镇"]}
        with pytest.raises(RuntimeError, match="disk full"):
            open311_api.post_request(engine, form)
    finally:
        engine.dispose()
    assert _counts(seeded_copy) == before
    assert _q(seeded_copy, "SELECT last_used_at FROM api_keys") == [(None,)]
