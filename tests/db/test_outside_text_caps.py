"""Text from outside is capped the same way on every path (the operator's form, the table and
Open311 file imports, the poller, the Open311 POST): after a megabyte in a field, nothing longer
than its cap (incident_writer.FIELD_MAX) reaches the incidents or the append-only audit log."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from command_center import clock
from command_center.interop.tabular import read_bytes
from command_center.services import imports, intake
from command_center.services.audit import Actor
from command_center.services.incident_writer import (
    FIELD_MAX,
    NewIncident,
    Origin,
    TextTooLong,
    fit_text,
    write_incident,
)
from command_center.services.open311_poll import poll_once
from tests.db.conftest import q
from tests.db.test_open311_server import _counts as _http_counts
from tests.db.test_open311_server import _http, _key, endpoint  # noqa: F401 (a fixture)

ACTOR = Actor(None, "测试管理员")
MB = 1_000_000
DESCRIPTION_MAX = FIELD_MAX["description"]
# the longest audit entry written since ``id``: its summary, before- and after-image together
AUDIT_SINCE = (
    "SELECT coalesce(max(length(coalesce(summary,'') || coalesce(before::text,'') || "
    "coalesce(after::text,''))), 0) FROM audit_log WHERE id > %s"
)
LONGEST_SINCE = (
    "SELECT coalesce(max(length(title)), 0), coalesce(max(length(description)), 0), "
    "coalesce(max(length(address)), 0), coalesce(max(length(reporter_name)), 0), "
    "coalesce(max(length(external_id)), 0), count(*) FROM incidents WHERE id > %s"
)


def _last_ids(db: str | Connection) -> tuple[int, int]:
    ((incident, audit),) = q(
        db,
        "SELECT (SELECT coalesce(max(id), 0) FROM incidents), "
        "(SELECT coalesce(max(id), 0) FROM audit_log)",
    )
    return incident, audit


def _within_caps(db: str | Connection, since: tuple[int, int]) -> int:
    """Every incident and audit entry written since ``since`` within the caps; how many
    incidents were written."""
    ((title, description, address, name, external_id, n),) = q(db, LONGEST_SINCE, since[0])
    assert title <= FIELD_MAX["title"] and description <= DESCRIPTION_MAX
    assert address <= FIELD_MAX["address"] and name <= FIELD_MAX["reporter_name"]
    assert external_id <= FIELD_MAX["external_id"]
    ((audit,),) = q(db, AUDIT_SINCE, since[1])
    assert audit <= DESCRIPTION_MAX
    return int(n)


def test_the_one_rule_cuts_or_refuses_with_both_languages() -> None:
    assert fit_text("title", "标" * 200) == "标" * 200
    cut = fit_text("title", "标" * 201)
    assert cut is not None and len(cut) == 200 and cut.endswith("…")
    assert fit_text("description", None) is None
    with pytest.raises(
        TextTooLong, match="描述不能超过4000个字符 / the description must be at most"
    ):
        fit_text("description", "x" * 4001, refuse=True)
    assert len(fit_text("anything else", "x" * MB) or "") == FIELD_MAX["note"]


# --- the Open311 POST -------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["media_url", "email", "device_id", "address_string", "phone"])
def test_a_megabyte_in_a_post_is_refused_and_stored_nowhere(
    endpoint: tuple[str, str],  # noqa: F811
    field: str,
) -> None:
    base, db = endpoint
    key = _key(db)
    before, since = _http_counts(db), _last_ids(db)
    form = {"api_key": key, "service_code": "010101", "lat": "38.43", "long": "100.81"}
    form["description"] = "门口积水"
    form[field] = "h" * MB
    status, _, body = _http(f"{base}/requests.json", data=form)
    assert status == 400
    (error,) = json.loads(body)
    assert field in error["description"] and " / " in error["description"]
    assert len(error["description"]) < 200  # the answer does not echo the megabyte either
    assert _http_counts(db) == before
    _within_caps(db, since)


def test_a_post_at_the_caps_is_stored_within_them(endpoint: tuple[str, str]) -> None:  # noqa: F811
    base, db = endpoint
    key = _key(db)
    since = _last_ids(db)
    url = "http://photos.example/" + "p" * (FIELD_MAX["media_url"] - 22)
    form = {
        "api_key": key,
        "service_code": "010101",
        "lat": "38.43",
        "long": "100.81",
        "description": "墙" * (DESCRIPTION_MAX - len(url) - 20),
        "media_url": url,
        "email": "a" * (FIELD_MAX["email"] - 10) + "@x.example",
        "device_id": "d" * FIELD_MAX["device_id"],
        "first_name": "名" * 30,
        "last_name": "姓" * 30,
    }
    status, _, body = _http(f"{base}/requests.json", data=form)
    assert status == 201, body
    assert _within_caps(db, since) == 1
    ((description,),) = q(db, "SELECT description FROM incidents WHERE id > %s", since[0])
    assert description.endswith(url)
    # a description that fits, with a photo that does not fit next to it, is refused
    form["description"] = "墙" * (DESCRIPTION_MAX - 10)
    status, _, body = _http(f"{base}/requests.json", data=form)
    assert status == 400 and b"media_url" in body
    assert _within_caps(db, since) == 1


# --- the imports and the poller ---------------------------------------------------------------


@pytest.fixture
def long_requests() -> bytes:
    """An Open311 request list whose every text is a megabyte."""
    big = {
        "service_request_id": "big-1",
        "status": "open",
        "service_name": "名" * MB,
        "service_code": "010101",
        "description": "描" * MB,
        "address": "址" * MB,
        "media_url": "http://x/" + "m" * MB,
        "agency_responsible": "a" * MB,
        "requested_datetime": "2026-11-19T08:30:00+08:00",
        "lat": 38.43,
        "long": 100.81,
        "email": "e" * MB,
        "device_id": "d" * MB,
    }
    return json.dumps([big, {**big, "service_request_id": "x" * MB}]).encode()


def test_an_open311_file_import_is_capped(
    session: Session, county: Connection, long_requests: bytes
) -> None:
    since = _last_ids(county)
    report = imports.import_open311(session, long_requests, actor=ACTOR, source="feed")
    assert report.imported == 1 and len(report.skipped) == 1  # the megabyte id is refused
    assert len(report.skipped[0][0]) <= FIELD_MAX["external_id"]
    assert _within_caps(county, since) == 1


def test_the_poller_is_capped(county: Connection, long_requests: bytes) -> None:
    since = _last_ids(county)

    def sessions() -> Session:
        return Session(
            bind=county, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )

    now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    result = poll_once(
        sessions,
        {"url": "http://remote.example/open311/v2", "source": "polled"},
        now=now,
        fetcher=lambda _url: long_requests,
    )
    assert result.ok, result.error
    assert result.imported == 1
    assert _within_caps(county, since) == 1


def test_a_table_import_is_capped(session: Session, county: Connection) -> None:
    since = _last_ids(county)
    big = 100_000  # Python's csv reads fields up to 131,072 characters
    rows = [
        "工单编号,诉求内容,标题,地址,来电人,联系电话",
        f"T-1,{'描' * big},{'标' * big},{'址' * big},张三,13800000000",
        f"T-2,积水,门口积水,东大街,{'名' * big},13800000000",  # a name cut would be wrong: refused
        f"{'号' * big},积水,门口积水,东大街,张三,13800000000",
    ]
    table = read_bytes("\n".join(rows).encode("utf-8"), "big.csv")
    mapping = {
        "external_id": "工单编号",
        "description": "诉求内容",
        "title": "标题",
        "address": "地址",
        "reporter_name": "来电人",
        "reporter_phone": "联系电话",
    }
    result = imports.import_rows(session, ACTOR, table, mapping, "12345-big")
    assert result.imported == 1
    reasons = dict(result.skipped)
    assert "at most 64" in reasons[3] and "at most 64" in reasons[4]
    assert _within_caps(county, since) == 1


# --- the operator's form, and the writer itself -----------------------------------------------


def test_the_form_refuses_and_the_writer_cuts(session: Session, county: Connection) -> None:
    since = _last_ids(county)
    draft = intake.IncidentDraft(
        channel_code="hotline_12345", title="门口积水", description="描" * (DESCRIPTION_MAX + 1)
    )
    with pytest.raises(intake.IntakeError, match="at most 4000"):
        intake.create_incident(session, ACTOR, draft)
    # whoever calls the writer directly gets every field cut, the audit note's too
    new = NewIncident(
        channel_code="hotline_12345",
        title="标" * MB,
        reported_at=clock.now(),
        description="描" * MB,
        address="址" * MB,
        reporter_name="名" * MB,
        reporter_phone="1" * MB,
        external_source="s" * MB,
        external_id="i" * MB,
        note={"media_url": "m" * MB, "more": ["x" * MB], "row": 3},
    )
    write_incident(session, ACTOR, new, Origin("incident.create", "登记事件", "SJ", 4))
    session.commit()
    assert _within_caps(county, since) == 1
