"""The grid workers' field endpoints (/field/v1) over real HTTP on a copy of the demo county:
tokens, idempotent retries, late records, refusals that store nothing, the JSON Lines import."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator

import pytest

from command_center import clock
from command_center.api.limits import ServerLimits
from command_center.db.engine import make_engine, make_session_factory
from command_center.services import field
from command_center.services.audit import Actor
from tests.db.conftest import q as _q
from tests.db.test_http_service import _error, _serve
from tests.db.test_open311_server import _http

ADMIN = Actor(None, "测试管理员")


def _counts(db: str) -> tuple[int, int, int]:
    ((c, p, i),) = _q(
        db,
        "SELECT (SELECT count(*) FROM check_ins), (SELECT count(*) FROM patrols), "
        "(SELECT count(*) FROM incidents)",
    )
    return c, p, i


def _worker(db: str) -> str:
    ((code,),) = _q(
        db,
        "SELECT code FROM grid_workers WHERE kind = 'full_time' AND active ORDER BY code LIMIT 1",
    )
    # the worker has not checked in lately: a new check-in today is stored
    _q(
        db,
        "WITH d AS (DELETE FROM check_ins WHERE worker_id = "
        "(SELECT id FROM grid_workers WHERE code = %s) RETURNING 1) SELECT count(*) FROM d",
        code,
    )
    return str(code)


def _token(db: str, code: str, days: int = 30) -> tuple[str, int]:
    engine = make_engine(db)
    try:
        with make_session_factory(engine)() as session:
            token, row = field.issue_token(session, ADMIN, code, days=days)
            return token, row.id
    finally:
        engine.dispose()


@pytest.fixture
def site(seeded_copy: str) -> Iterator[tuple[str, str]]:
    for base in _serve(seeded_copy, ServerLimits(max_body_bytes=64 * 1024)):
        yield base, seeded_copy


def _post(base: str, token: str | None, payload: object | bytes) -> tuple[int, object]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    status, ctype, out = _http(f"{base}/field/v1/records", data=body, headers=headers)
    assert ctype == "application/json; charset=utf-8"
    return status, json.loads(out)


def _at(days_ago: float = 0) -> str:
    return (clock.now() - dt.timedelta(days=days_ago)).isoformat()


def _batch() -> list[dict[str, object]]:
    return [
        {
            "type": "check_in",
            "client_id": uuid.uuid4().hex,
            "at": _at(0.01),
            "lon": 100.81,
            "lat": 38.43,
        },
        {
            "type": "patrol",
            "client_id": uuid.uuid4().hex,
            "started_at": _at(0.2),
            "ended_at": _at(0.1),
            "distance_km": 3.2,
            "track": [[100.81, 38.43], [100.82, 38.44]],
        },
        {
            "type": "report",
            "client_id": uuid.uuid4().hex,
            "at": _at(0.05),
            "category_code": "030302",
            "title": "井盖缺失",
            "description": "15号楼门口井盖缺失",
            "lon": 100.81,
            "lat": 38.43,
        },
    ]


def test_missing_wrong_revoked_and_expired_tokens_are_refused_and_store_nothing(
    site: tuple[str, str],
) -> None:
    base, db = site
    code = _worker(db)
    good, _token_id = _token(db, code, days=1)
    before = _counts(db)
    status, body = _post(base, None, _batch())
    assert status == 401 and "缺少令牌" in str(body)
    status, body = _post(base, "ccf_not-a-real-token", _batch())
    assert status == 401 and "invalid token" in str(body)
    status, _ = _post(base, "ccf_" + good[4:-2] + "xx", _batch())
    assert status == 401
    # the good one works, then expires, then (a new one) is revoked
    assert _post(base, good, _batch())[0] == 200
    after_good = _counts(db)
    assert after_good == (before[0] + 1, before[1] + 1, before[2] + 1)
    clock.travel_to(clock.now() + dt.timedelta(days=1, minutes=1))
    status, body = _post(base, good, _batch())
    assert status == 401 and "expired" in str(body)
    other, other_id = _token(db, code)
    engine = make_engine(db)
    with make_session_factory(engine)() as session:
        field.revoke_token(session, ADMIN, other_id)
    engine.dispose()
    status, body = _post(base, other, _batch())
    assert status == 401 and "revoked" in str(body)
    assert _counts(db) == after_good
    assert _q(db, "SELECT count(*) FROM audit_log WHERE action = 'field_token.revoke'") == [(1,)]


def test_a_retry_is_not_stored_twice_and_a_report_becomes_an_incident(
    site: tuple[str, str],
) -> None:
    base, db = site
    code = _worker(db)
    token, _ = _token(db, code)
    batch = _batch()
    before = _counts(db)
    status, first = _post(base, token, batch)
    assert status == 200 and first["stored"] == 3  # type: ignore[index]
    status, again = _post(base, token, batch)
    assert status == 200 and again["stored"] == 0 and again["duplicates"] == 3  # type: ignore[index]
    assert _counts(db) == (before[0] + 1, before[1] + 1, before[2] + 1)
    number = next(r["number"] for r in first["results"] if r["type"] == "report")  # type: ignore[index]
    assert number.startswith("SJ")
    assert next(r["number"] for r in again["results"] if r["type"] == "report") == number  # type: ignore[index]
    ((channel, reporter, grid),) = _q(
        db,
        "SELECT i.channel_code, w.code, i.grid_id IS NOT NULL FROM incidents i "
        "JOIN grid_workers w ON w.id = i.reporter_worker_id WHERE i.number = %s",
        number,
    )
    assert (channel, reporter, grid) == ("grid_worker", code, True)
    assert _q(db, "SELECT count(*) FROM audit_log WHERE action = 'field.ingest'") == [(1,)]


def test_late_and_out_of_order_records_are_accepted(site: tuple[str, str]) -> None:
    base, db = site
    code = _worker(db)
    token, _ = _token(db, code)
    today = {"type": "check_in", "client_id": uuid.uuid4().hex, "at": _at(0.01)}
    late = {"type": "check_in", "client_id": uuid.uuid4().hex, "at": _at(20)}
    assert _post(base, token, today)[0] == 200
    status, body = _post(base, token, {"records": [late]})
    assert status == 200 and body["stored"] == 1  # type: ignore[index]
    days = _q(
        db,
        "SELECT count(*) FROM check_ins c JOIN grid_workers w ON w.id = c.worker_id "
        "WHERE w.code = %s",
        code,
    )
    assert days == [(2,)]


def test_bad_json_bad_records_and_oversize_bodies_are_refused_with_nothing_stored(
    site: tuple[str, str],
) -> None:
    base, db = site
    token, _ = _token(db, _worker(db))
    before = _counts(db)
    status, body = _post(base, token, b'{"type": "check_in", ')
    assert status == 400 and "JSON" in _error(json.dumps(body).encode())[1]
    bad = _batch()
    bad[1]["ended_at"] = _at(1)  # before it started
    status, body = _post(base, token, bad)
    assert status == 400 and "记录2" in str(body) and "record 2" in str(body)
    future = _batch()
    future[0]["at"] = _at(-2)
    assert _post(base, token, future)[0] == 400
    huge = _batch()
    huge[0]["note"] = "x" * (70 * 1024)
    status, body = _post(base, token, huge)
    assert status == 413 and "larger" in str(body)
    status, _ctype, _ = _http(
        f"{base}/field/v1/records",
        data=b"type=check_in",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
    )
    assert status == 415
    assert _counts(db) == before


def test_the_openapi_description_names_the_records_endpoint(site: tuple[str, str]) -> None:
    base, _ = site
    status, _ctype, body = _http(f"{base}/field/v1/openapi.json")
    doc = json.loads(body)
    assert status == 200 and doc["openapi"].startswith("3.")
    assert "/records" in doc["paths"] and "bearer" in doc["components"]["securitySchemes"]


def test_a_json_lines_file_is_imported_all_or_nothing(seeded_copy: str) -> None:
    db = seeded_copy
    code = _worker(db)
    lines = [json.dumps({**r, "worker": code}) for r in _batch()]
    before = _counts(db)
    engine = make_engine(db)
    try:
        with make_session_factory(engine)() as session:
            with pytest.raises(field.FieldError) as exc:
                field.import_lines(session, ADMIN, [*lines, '{"worker": "nobody"'])
            assert "第4行" in exc.value.message and "line 4" in exc.value.message
            assert _counts(db) == before
            result = field.import_lines(session, ADMIN, lines)
            assert result.stored == 3
            assert field.import_lines(session, ADMIN, lines).duplicates == 3
    finally:
        engine.dispose()
    assert _counts(db) == (before[0] + 1, before[1] + 1, before[2] + 1)


def test_phones_posting_together_are_written_together_each_with_its_own_answer(
    seeded_copy: str,
) -> None:
    import threading

    from command_center.api.server import HttpServer

    codes = [
        c
        for (c,) in _q(
            seeded_copy,
            "SELECT code FROM grid_workers WHERE kind = 'full_time' AND active "
            "ORDER BY code LIMIT 20",
        )
    ]
    _q(
        seeded_copy,
        "WITH d AS (DELETE FROM check_ins WHERE worker_id IN (SELECT id FROM grid_workers "
        "WHERE code = ANY(%s)) RETURNING 1) SELECT count(*) FROM d",
        codes,
    )
    tokens = [_token(seeded_copy, c)[0] for c in codes]
    tokens[7] = "ccf_" + "x" * 40  # one phone with a token nobody issued
    engine = make_engine(seeded_copy)
    server = HttpServer(engine, "127.0.0.1", 0).start()
    try:
        before = _counts(seeded_copy)
        answers: dict[int, tuple[int, object]] = {}
        start = threading.Barrier(len(tokens))

        def phone(i: int) -> None:
            record = {"type": "check_in", "client_id": f"grp-{uuid.uuid4().hex}", "at": _at()}
            start.wait()
            answers[i] = _post(server.base_url, tokens[i], record)

        threads = [threading.Thread(target=phone, args=(i,)) for i in range(len(tokens))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert answers[7][0] == 401  # its own refusal
        assert all(answers[i][0] == 200 for i in answers if i != 7)
        assert _counts(seeded_copy)[0] == before[0] + 19  # the others' check-ins, once each
        groups = server.app.state.field.groups.groups
        assert groups < 19  # written together, not one transaction each
    finally:
        server.stop()
        engine.dispose()


def test_a_group_stores_a_client_id_once_and_audits_each_request(seeded_copy: str) -> None:
    codes = [
        c
        for (c,) in _q(
            seeded_copy,
            "SELECT code FROM grid_workers WHERE kind = 'full_time' AND active "
            "ORDER BY code DESC LIMIT 2",
        )
    ]
    _q(
        seeded_copy,
        "WITH d AS (DELETE FROM check_ins WHERE worker_id IN (SELECT id FROM grid_workers "
        "WHERE code = ANY(%s)) RETURNING 1) SELECT count(*) FROM d",
        codes,
    )
    first, second = (_token(seeded_copy, c)[0] for c in codes)
    same = f"same-{uuid.uuid4().hex}"
    patrol = {
        "type": "patrol",
        "client_id": f"pat-{uuid.uuid4().hex}",
        "started_at": _at(0.2),
        "ended_at": _at(0.1),
    }
    engine = make_engine(seeded_copy)
    try:
        with make_session_factory(engine)() as s:
            out = field.receive_many(
                s,
                [
                    (
                        f"Bearer {first}",
                        [{"type": "check_in", "client_id": same, "at": _at()}, patrol],
                    ),
                    (f"Bearer {second}", {"type": "check_in", "client_id": same, "at": _at()}),
                    ("Bearer ccf_" + "y" * 40, {"type": "check_in", "client_id": "x" * 10}),
                ],
            )
    finally:
        engine.dispose()
    a, b, c = out
    assert isinstance(a, field.IngestResult) and isinstance(b, field.IngestResult)
    assert [r["status"] for r in a.results] == ["stored", "stored"]
    assert [r["status"] for r in b.results] == ["duplicate"]  # the first to give it stored it
    assert isinstance(c, field.FieldError) and c.status == 401
    ((n,),) = _q(seeded_copy, "SELECT count(*) FROM check_ins WHERE client_id = %s", same)
    assert n == 1
    audited = _q(
        seeded_copy,
        "SELECT entity_id, after->'counts' FROM audit_log WHERE action = 'field.ingest' "
        "AND after->'client_ids' ? %s",
        same,
    )
    assert len(audited) == 1 and audited[0][1] == {"check_in": 1, "patrol": 1, "report": 0}
    # the chain holds: the entries written by COPY are linked like every other
    ((ok,),) = _q(seeded_copy, "SELECT count(*) FROM audit_log WHERE hash IS NULL")
    assert ok == 0
