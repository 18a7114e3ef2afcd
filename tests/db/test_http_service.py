"""The HTTP service (command_center/api) on the demo county: bad input, limits, the publication
policy, what is logged. Over real HTTP against ``command-center serve``'s server."""

from __future__ import annotations

import json
import logging
import socket
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest

from command_center.api.limits import ServerLimits
from command_center.api.server import HttpServer
from command_center.db.engine import make_engine, make_session_factory
from command_center.interop.open311 import parse_requests, parse_services
from command_center.services import open311_api
from command_center.services.audit import Actor
from tests.db.conftest import q as _q
from tests.db.test_open311_server import _counts, _http, _key

ACTOR = Actor(None, "测试值班员")
RAW = "来电人周师傅反映15号楼4单元502室门口井盖缺失"


def _serve(db: str, limits: ServerLimits | None = None) -> Iterator[str]:
    engine = make_engine(db)
    server = HttpServer(engine, "127.0.0.1", 0, limits).start()
    try:
        yield server.base_url
    finally:
        server.stop()
        engine.dispose()


@pytest.fixture
def site(seeded_copy: str) -> Iterator[tuple[str, str]]:
    """(the service's root URL, the database) on a copy of the county."""
    for base in _serve(seeded_copy):
        yield base, seeded_copy


def _error(body: bytes) -> tuple[int, str]:
    ((error),) = json.loads(body)
    assert "/ " in error["description"]  # Chinese and English
    return error["code"], error["description"]


def _post(base: str, key: str, **fields: str) -> tuple[int, str, bytes]:
    form = {"api_key": key, "service_code": "030302", "lat": "38.43", "long": "100.81"}
    return _http(f"{base}/open311/v2/requests.json", data={**form, **fields})


# --- bad input: 4xx in the specification's format, nothing stored ------------------------


def test_nul_bytes_are_refused_in_the_query_and_in_a_post(site: tuple[str, str]) -> None:
    base, db = site
    key = _key(db)
    before = _counts(db)
    status, ctype, body = _http(f"{base}/open311/v2/requests.json?service_code=%00")
    assert status == 400 and ctype == "application/json; charset=utf-8"
    assert _error(body)[0] == 400 and "NUL" in _error(body)[1]
    for field in ("description", "address_string", "email", "first_name", "service_code"):
        status, _, body = _post(base, key, **{field: "井盖\x00缺失"})
        assert status == 400 and "NUL" in _error(body)[1], field
    status, _, _ = _http(f"{base}/open311/v2/requests/RX%00.json")
    assert status == 400
    assert _http(f"{base}/open311/v2/tokens/{'a' * 65}.xml")[0] == 400
    assert _counts(db) == before


@pytest.mark.parametrize(
    "query", ["start_date=9999-12-30", "end_date=0001-01-05", "end_date=9999-12-31T23:59:59"]
)
def test_dates_out_of_range_are_a_400(site: tuple[str, str], query: str) -> None:
    base, _ = site
    status, ctype, body = _http(f"{base}/open311/v2/requests.xml?{query}")
    assert status == 400 and ctype.startswith("text/xml")
    root = ET.fromstring(body)
    assert root.findtext("error/code") == "400"
    assert "out of range" in (root.findtext("error/description") or "")


def test_unknown_paths_and_methods_answer_json_without_a_banner(site: tuple[str, str]) -> None:
    base, _ = site
    for url in (f"{base}/", f"{base}/admin", f"{base}/open311/v2", f"{base}/open311/v2/x.json"):
        status, ctype, body = _http(url)
        assert status == 404 and ctype.startswith("application/json"), url
        assert _error(body)[0] == 404
    import urllib.request

    req = urllib.request.Request(f"{base}/open311/v2/requests.json", method="DELETE")
    try:
        urllib.request.urlopen(req, timeout=10)
        raise AssertionError("DELETE was accepted")
    except urllib.error.HTTPError as exc:
        assert exc.code == 405 and exc.headers["Allow"] == "GET, HEAD, POST"
        assert exc.headers["Server"] is None
        assert _error(exc.read())[0] == 405
    with urllib.request.urlopen(f"{base}/health", timeout=10) as resp:
        assert resp.status == 200 and resp.headers["Server"] is None
    with urllib.request.urlopen(f"{base}/ready", timeout=10) as resp:
        assert json.loads(resp.read())["status"] == "ready"


# --- caps before anything is stored or audited --------------------------------------------


def test_media_url_does_not_get_past_the_description_cap(site: tuple[str, str]) -> None:
    base, db = site
    key = _key(db)
    before = _counts(db)
    status, _, body = _post(base, key, description="长" * 3000, media_url="http://x/" + "a" * 1500)
    assert status == 400 and "4000" in _error(body)[1]
    status, _, body = _post(base, key, media_url="http://x/" + "a" * 2000)
    assert status == 400 and "media_url" in _error(body)[1] and "2000" in _error(body)[1]
    assert _counts(db) == before


def test_the_audit_entry_keeps_only_capped_fields(site: tuple[str, str]) -> None:
    base, db = site
    key = _key(db)
    before = _counts(db)
    too_long = {"email": "e" * 255, "device_id": "d" * 65, "media_url": "m" * 2001}
    for field, value in too_long.items():
        status, _, body = _post(base, key, **{field: value})
        assert status == 400 and field in _error(body)[1]
    assert _counts(db) == before
    email, device = "e" * 249 + "@x.cn", "d" * 64  # 254 characters: the cap
    status, _, body = _post(base, key, description="井盖缺失", email=email, device_id=device)
    assert status == 201
    number = json.loads(body)[0]["service_request_id"]
    ((after,),) = _q(
        db,
        "SELECT a.after FROM audit_log a JOIN incidents i ON i.id = a.entity_id "
        "WHERE i.number = %s AND a.action = 'incident.open311_post'",
        number,
    )
    assert after["email"] == email and after["device_id"] == device
    assert len(json.dumps(after, ensure_ascii=False)) < 1000


# --- the publication policy ---------------------------------------------------------------


def _sensitive(db: str) -> tuple[str, str]:
    ((number, code),) = _q(
        db,
        "SELECT i.number, i.category_code FROM incidents i JOIN categories c "
        "ON c.code = i.category_code WHERE NOT c.public AND i.reported_at >= "
        "'2026-10-01' ORDER BY i.id LIMIT 1",
    )
    return number, code


def test_private_categories_are_hidden_from_the_public(site: tuple[str, str]) -> None:
    base, db = site
    private = {r[0] for r in _q(db, "SELECT code FROM categories WHERE NOT public")}
    names = {r[0] for r in _q(db, "SELECT name FROM categories WHERE NOT public")}
    assert {"020302", "010202", "060201"} <= private  # community corrections, family, 低保
    assert {"社区矫正人员异常", "夫妻家庭矛盾", "低保特困申请"} <= names
    number, code = _sensitive(db)
    window = urlencode({"start_date": "2026-10-01", "end_date": "2026-11-30"})
    status, _, body = _http(f"{base}/open311/v2/requests.json?{window}")
    assert status == 200
    listed = parse_requests(body).requests
    assert listed and not {r.service_code for r in listed} & private
    assert _http(f"{base}/open311/v2/requests/{number}.json")[0] == 404
    _, _, body = _http(f"{base}/open311/v2/requests.json?service_code={code}&{window}")
    assert parse_requests(body).requests == []
    internal = _key(db, "center", None, scopes=("internal",))
    status, _, body = _http(f"{base}/open311/v2/requests/{number}.json?api_key={internal}")
    assert status == 200 and parse_requests(body).requests[0].service_code == code
    # still a service to report to: the caller may report it, the public never sees it
    _, _, body = _http(f"{base}/open311/v2/services.json")
    assert code in {s.service_code for s in parse_services(body)}


def test_the_public_sees_rounded_points_and_never_the_callers_words(
    seeded_copy: str,
) -> None:
    db = seeded_copy
    key = _key(db)
    internal = _key(db, "center", None, scopes=("internal",))
    ((lon, lat),) = _q(
        db,
        "SELECT label_lon, label_lat FROM admin_areas WHERE level = 'grid' "
        "AND valid_to IS NULL ORDER BY id OFFSET 5 LIMIT 1",
    )
    limits = ServerLimits(public_decimals=2)  # configurable: about 1 km
    for base in _serve(db, limits):
        status, _, body = _post(
            base, key, lat=str(lat), long=str(lon), description=RAW, address_string="15号楼502室"
        )
        assert status == 201
        number = json.loads(body)[0]["service_request_id"]
        one = f"{base}/open311/v2/requests/{number}.json"
        (public,) = parse_requests(_http(one)[2]).requests
        assert (public.lat, public.long) == (round(lat, 2), round(lon, 2))
        assert public.description == "井盖缺失破损"  # the category's name until approved
        # the caller's flat is not published ("502" alone may be in a number or a time)
        published = json.dumps(json.loads(_http(one)[2]), ensure_ascii=False)
        assert "502室" not in published and "15号楼" not in published
        (full,) = parse_requests(_http(f"{one}?api_key={internal}")[2]).requests
        assert (full.lat, full.long) == (lat, lon) and RAW in (full.description or "")
        ((incident_id,),) = _q(db, "SELECT id FROM incidents WHERE number = %s", number)
        engine = make_engine(db)
        with make_session_factory(engine)() as session:
            open311_api.set_public_summary(session, ACTOR, incident_id, "某小区井盖缺失，已派单")
        engine.dispose()
        (public,) = parse_requests(_http(one)[2]).requests
        assert public.description == "某小区井盖缺失，已派单"
    assert _q(
        db,
        "SELECT after->>'public_summary' FROM audit_log WHERE action = "
        "'incident.public_summary' AND entity_id = %s",
        incident_id,
    ) == [("某小区井盖缺失，已派单",)]


def test_every_listed_service_has_a_definition(site: tuple[str, str]) -> None:
    base, _ = site
    _, _, body = _http(f"{base}/open311/v2/services.json")
    services = parse_services(body)
    assert len(services) > 100
    for service in services:
        status, ctype, body = _http(f"{base}/open311/v2/services/{service.service_code}.json")
        assert status == 200 and ctype == "application/json; charset=utf-8"
        assert json.loads(body) == {"service_code": service.service_code, "attributes": []}
    status, _, body = _http(f"{base}/open311/v2/services/010101.xml")
    root = ET.fromstring(body)
    assert status == 200 and root.tag == "service_definition"
    assert root.findtext("service_code") == "010101" and root.find("attributes") is not None


def test_get_lists_are_paged(site: tuple[str, str]) -> None:
    base, _ = site
    window = "start_date=2026-10-01&end_date=2026-10-31"
    _, _, body = _http(f"{base}/open311/v2/requests.json?{window}")
    everything = [r.service_request_id for r in parse_requests(body).requests]
    pages = []
    for page in range(1, 100):
        _, _, body = _http(f"{base}/open311/v2/requests.json?{window}&page_size=50&page={page}")
        got = [r.service_request_id for r in parse_requests(body).requests]
        if not got:
            break
        assert len(got) <= 50
        pages.extend(got)
    assert pages == everything
    assert _http(f"{base}/open311/v2/requests.json?page_size=1001")[0] == 400


# --- limits --------------------------------------------------------------------------------


def test_rate_limits_answer_429_with_retry_after(seeded_copy: str) -> None:
    key = _key(seeded_copy)
    limits = ServerLimits(per_key_burst=2, per_key_rate=0.1, per_address_burst=6,
                          per_address_rate=0.1)  # fmt: skip
    for base in _serve(seeded_copy, limits):
        url = f"{base}/open311/v2/services.json?api_key={quote(key)}"
        assert [_http(url)[0] for _ in range(2)] == [200, 200]
        import urllib.request

        try:
            urllib.request.urlopen(url, timeout=10)
            raise AssertionError("a third request in a burst of two was answered")
        except urllib.error.HTTPError as exc:
            assert exc.code == 429 and int(exc.headers["Retry-After"]) >= 1
            assert _error(exc.read())[0] == 429
        # the address: three more without the key, then refused; health is not counted
        statuses = [_http(f"{base}/open311/v2/services.json")[0] for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert _http(f"{base}/health")[0] == 200


def test_an_exhausted_pool_answers_503_quickly(seeded_copy: str) -> None:
    limits = ServerLimits(db_pool=1, db_queue_timeout=5, db_pool_timeout=0.3)
    engine = make_engine(seeded_copy, pool_size=1, max_overflow=0, pool_timeout=0.3)
    server = HttpServer(engine, "127.0.0.1", 0, limits).start()
    base = server.base_url
    try:
        assert _http(f"{base}/open311/v2/services.json")[0] == 200
        with engine.connect():  # the pool's only connection, held elsewhere
            started = time.monotonic()
            status, ctype, body = _http(f"{base}/open311/v2/services.json")
            assert status == 503 and ctype.startswith("application/json")
            assert "busy" in _error(body)[1]
            assert time.monotonic() - started < 3
            assert _http(f"{base}/ready")[0] == 503
        assert _http(f"{base}/open311/v2/services.json")[0] == 200
    finally:
        server.stop()
        engine.dispose()


def test_a_half_sent_request_is_dropped_and_others_are_served(seeded_copy: str) -> None:
    limits = ServerLimits(request_timeout=0.5)
    for base in _serve(seeded_copy, limits):
        host, port = base.removeprefix("http://").split(":")
        slow = [socket.create_connection((host, int(port)), timeout=5) for _ in range(50)]
        for s in slow:
            s.sendall(b"GET /open311/v2/services.json HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        assert _http(f"{base}/open311/v2/services.json")[0] == 200
        time.sleep(1.0)
        assert all(s.recv(1) == b"" for s in slow)  # closed by the server
        for s in slow:
            s.close()


# --- logs ----------------------------------------------------------------------------------


def test_keys_are_never_logged_and_access_lines_are_json(
    site: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    base, db = site
    key = _key(db)
    caplog.set_level(logging.DEBUG)
    _http(f"{base}/open311/v2/requests.json?api_key={key}&status=open")
    _http(f"{base}/open311/v2/requests.json?api_key={key}", data={"service_code": "030302",
          "address_string": "洪水镇", "description": RAW, "phone": "13800000000"})  # fmt: skip
    _http(f"{base}/open311/v2/requests.json?api_key=cc311_wrong{key}")
    time.sleep(0.2)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert key not in text and "cc311_" not in text
    assert "周师傅" not in text and "13800000000" not in text
    access = [r for r in caplog.records if r.name == "command_center.access"]
    lines = [json.loads(r.getMessage()) for r in access]
    assert len(lines) >= 3
    assert {line["path"] for line in lines} == {"/open311/v2/requests.json"}
    assert {line["status"] for line in lines} >= {200, 201, 403}
    assert all(line["key"] is True and "ms" in line for line in lines)


# --- POSTs arriving together are written together ---------------------------------------------


def test_posts_arriving_together_are_written_in_groups_each_with_its_own_answer(
    seeded_copy: str,
) -> None:
    import threading

    engine = make_engine(seeded_copy)
    server = HttpServer(engine, "127.0.0.1", 0).start()
    try:
        base = server.base_url
        key = _key(seeded_copy)
        before = _counts(seeded_copy)
        answers: list[tuple[int, bytes]] = []
        lock = threading.Lock()
        start = threading.Barrier(30)

        def client(i: int) -> None:
            code = "999999" if i % 10 == 3 else "030302"  # three of them name no service
            start.wait()
            status, _, body = _post(base, key, service_code=code, description=f"井盖缺失 第{i}个")
            with lock:
                answers.append((status, body))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(30)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        good = [json.loads(b)[0] for s, b in answers if s == 201]
        bad = [b for s, b in answers if s != 201]
        assert len(good) == 27 and len(bad) == 3
        assert all(_error(b)[0] == 400 for b in bad)  # each refusal its own, in the same groups
        numbers = [g["service_request_id"] for g in good]
        assert len(set(numbers)) == 27  # one incident each, none twice
        groups = server.app.state.open311.posts.groups
        assert groups < 27  # written together, not one transaction each
        # every incident is there with both its audit entries; the refused left nothing
        assert _counts(seeded_copy)[0] == before[0] + 27
        rows = _q(
            seeded_copy,
            "SELECT i.number, count(*) FILTER (WHERE a.action = 'incident.create'), "
            "count(*) FILTER (WHERE a.action = 'incident.open311_post') FROM incidents i "
            "JOIN audit_log a ON a.entity_type = 'incident' AND a.entity_id = i.id "
            "WHERE i.number = ANY(%s) GROUP BY i.number",
            numbers,
        )
        assert sorted(r[1:] for r in rows) == [(1, 1)] * 27
    finally:
        server.stop()
        engine.dispose()


# --- a third-party client ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_services_definitions_and_requests(
    site: tuple[str, str], fmt: str
) -> None:
    """``georeport`` (PyPI), a GeoReport v2 client a city integrator would use; the other two
    on PyPI (``three``, ``open311``) no longer import on Python 3."""
    from georeport import GeoReport

    base, db = site
    key = _key(db)
    status, _, body = _post(base, key, description="井盖缺失，行人易跌落")
    assert status == 201
    number = json.loads(body)[0]["service_request_id"]
    client = GeoReport(f"{base}/open311/v2", api_key=key, output_format=fmt)
    services = client.get_service_list()
    codes = [s["service_code"] for s in services]
    assert "030302" in codes and len(codes) > 50
    definition = client.get_service_definition("030302")
    assert definition["service_code"] == "030302"
    found = client.get_service_requests(service_code="030302")
    found = found if isinstance(found, list) else [found]
    assert number in [r["service_request_id"] for r in found]
    one = client.get_service_request(number)
    assert one["service_request_id"] == number and one["status"] == "open"
