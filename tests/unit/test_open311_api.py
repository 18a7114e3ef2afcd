"""The endpoint's query parsing, the poller's URLs and the writers it needs, without a database."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from command_center.interop.open311 import (
    Service,
    parse_services,
    write_errors_json,
    write_errors_xml,
    write_services_json,
    write_services_xml,
)
from command_center.services import open311_api
from command_center.services.open311_api import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Open311Error,
    parse_query,
    status_notes,
)
from command_center.services.open311_poll import PollError, requests_url

CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=CST)


def _q(**params: str) -> open311_api.RequestQuery:
    return parse_query({k: [v] for k, v in params.items()}, now=NOW)


def test_defaults_are_the_last_90_days_and_1000_requests() -> None:
    q = _q()
    assert (q.start, q.end, q.limit) == (NOW - dt.timedelta(days=90), NOW, 1000)
    assert q.statuses == () and q.service_codes == () and q.ids == ()


def test_status_lists_and_our_finer_statuses() -> None:
    assert set(_q(status="open").statuses) == set(OPEN_STATUSES)
    assert set(_q(status="CLOSED").statuses) == {"closed", "merged", "rejected"}
    assert set(_q(status="open,closed").statuses) == set(OPEN_STATUSES + CLOSED_STATUSES)
    assert _q(cc_status="dispatched,in_progress").statuses == ("dispatched", "in_progress")
    assert _q(status="open", cc_status="dispatched,closed").statuses == ("dispatched",)
    assert _q(status="closed", cc_status="new").statuses == ("-",)  # nothing can match
    with pytest.raises(Open311Error, match="open or closed"):
        _q(status="pending")
    with pytest.raises(Open311Error, match="unknown cc_status"):
        _q(cc_status="lost")


def test_ids_override_everything_else() -> None:
    q = parse_query({"service_request_id": ["RX1, RX2", "RX3"], "status": ["bogus"]}, now=NOW)
    assert q.ids == ("RX1", "RX2", "RX3") and q.start is None and q.statuses == ()


def test_dates() -> None:
    q = _q(start_date="2026-10-01", end_date="2026-10-31")
    assert q.start == dt.datetime(2026, 10, 1, tzinfo=CST)
    assert q.end == dt.datetime(2026, 11, 1, tzinfo=CST) - dt.timedelta(microseconds=1)
    # "+08:00" not percent-encoded in a query string arrives as " 08:00"
    assert _q(start_date="2026-10-01T08:00:00 08:00").start == dt.datetime(
        2026, 10, 1, 8, tzinfo=CST
    )
    assert _q(start_date="2026-10-01T00:00:00Z").start == dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    only_start = _q(start_date="2026-10-01")
    assert only_start.end == only_start.start + dt.timedelta(days=90)  # type: ignore[operator]
    only_end = _q(end_date="2026-10-01T00:00:00+08:00")
    assert only_end.start == dt.datetime(2026, 7, 3, tzinfo=CST)
    for bad, says in [
        ({"start_date": "yesterday"}, "start_date is not a W3C date-time"),
        ({"start_date": "2026-10-02", "end_date": "2026-10-01"}, "after end_date"),
        ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, "90 days"),
    ]:
        with pytest.raises(Open311Error, match=says) as err:
            _q(**bad)
        assert err.value.code == 400 and " / " in err.value.description


def test_status_notes_are_bilingual() -> None:
    for status in OPEN_STATUSES + CLOSED_STATUSES:
        zh, en = status_notes(status).split(" / ")
        assert zh and en and zh != en
    assert status_notes("merged", "RX2026111800001") == (
        "已合并至 RX2026111800001 / merged into RX2026111800001"
    )
    assert status_notes("in_progress", agency="县住建局").startswith("县住建局处置中 / ")


def test_services_and_errors_written_as_the_specification_says() -> None:
    service = Service("010101", "宅基地界址纠纷", "Homestead", False, "realtime", (), "矛盾纠纷")
    doc = json.loads(write_services_json([service]))
    assert doc == [
        {
            "service_code": "010101",
            "service_name": "宅基地界址纠纷",
            "description": "Homestead",
            "metadata": False,
            "type": "realtime",
            "keywords": None,
            "group": "矛盾纠纷",
        }
    ]
    assert parse_services(write_services_xml([service])) == [service]
    assert json.loads(write_errors_json([(403, "无效 / invalid")])) == [
        {"code": 403, "description": "无效 / invalid"}
    ]
    xml = write_errors_xml([(400, "a < b & c")]).decode()
    assert "<errors>" in xml and "<code>400</code>" in xml and "a &lt; b &amp; c" in xml


def test_requests_url() -> None:
    assert (
        requests_url("https://h.example/open311/v2/", {"start_date": "2026-11-01T00:00:00+08:00"})
        == "https://h.example/open311/v2/requests.json?start_date=2026-11-01T00%3A00%3A00%2B08%3A00"
    )
    assert (
        requests_url(
            "http://h/api/requests.xml?jurisdiction_id=x&start_date=old", {"start_date": "new"}
        )
        == "http://h/api/requests.xml?jurisdiction_id=x&start_date=new"
    )
    for bad in ("ftp://h/x", "file:///etc/passwd", "h/open311", ""):
        with pytest.raises(PollError, match="http://"):
            requests_url(bad, {})
