"""Reading and writing Open311 GeoReport v2: real samples with their quirks, and broken input."""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from command_center.interop.open311 import (
    Open311FormatError,
    ServiceRequest,
    parse_requests,
    parse_services,
    write_requests_json,
    write_requests_xml,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "open311"
CST = dt.timezone(dt.timedelta(hours=8))


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _by_id(requests: list[ServiceRequest]) -> dict[str, ServiceRequest]:
    return {r.service_request_id: r for r in requests if r.service_request_id}


# --- the real samples --------------------------------------------------------------------


def test_bloomington_json() -> None:
    result = parse_requests(_read("bloomington_requests.json"))
    assert len(result.requests) == 21 and result.skipped == []
    reqs = result.requests
    # 2 with null coordinates and 6 at 0/0: none of them is a place
    assert sum(r.lat is None for r in reqs) == 8
    assert all((r.lat is None) == (r.long is None) for r in reqs)
    assert sum(r.lat is not None for r in reqs) == 13
    assert all(r.lat is None or (39 < r.lat < 40 and -87 < r.long < -86) for r in reqs)  # type: ignore[operator]
    assert sum(r.description is None for r in reqs) == 4  # three "" and one null
    assert sum(r.address is None for r in reqs) == 4  # three null and one ""
    assert [r.status for r in reqs].count("closed") == 3
    assert [r.status for r in reqs].count("open") == 18
    assert sum(r.media_url is not None for r in reqs) == 1  # the other 20 are ""
    by_id = _by_id(reqs)
    assert len(by_id) == 21
    first = by_id["4fbd40b2b1fe2c4b02000001"]
    assert first.lat is None and first.long is None and first.address is None
    assert first.description is not None and first.description.endswith("\r\n\r\nThanks.")
    zero = by_id["4fbd2b76b1fe2c195f000000"]
    assert zero.lat is None and zero.long is None and zero.zipcode is None
    assert by_id["4fbcdd89b1fe2cd142000000"].description == 'Grass is very high, over 12".'
    media = by_id["4fbd12bcb1fe2c1c7d000001"]
    assert media.media_url == (
        "https://bloomington.in.gov/crm/media/2012/05/23/4fbd12bcb1fe2c1c7d000001/media.jpg"
    )
    assert media.description is None and media.address is None
    assert media.lat == 39.156633 and media.long == -86.510661
    assert first.requested_datetime == dt.datetime(
        2012, 5, 23, 15, 55, 28, tzinfo=dt.timezone(dt.timedelta(hours=-4))
    )
    assert all(r.requested_datetime and r.requested_datetime.tzinfo for r in reqs)
    assert all(r.expected_datetime is None for r in reqs)  # the field is absent
    assert all(r.extensions == {} for r in reqs)


def test_toronto_xml() -> None:
    result = parse_requests(_read("toronto_requests.xml"))
    assert len(result.requests) == 2 and result.skipped == []
    first, second = result.requests
    assert first.service_request_id == "101005420892"
    assert second.service_request_id == "101005420894"
    # self-closing empty elements
    assert first.description is None and first.service_notice is None
    assert first.updated_datetime is None and first.zipcode is None and first.media_url is None
    # `long` comes before `lat` in the file
    assert first.lat == 43.691104288 and first.long == -79.272306875
    assert first.address_id == "13459430"
    assert first.status == "open"
    assert first.status_notes == "In progress - The request has been scheduled."
    assert first.expected_datetime == dt.datetime(
        2018, 8, 3, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=-4))
    )


def test_chicago_json_without_descriptions() -> None:
    result = parse_requests(_read("chicago_requests.json"))
    assert len(result.requests) == 2 and result.skipped == []
    assert all(r.description is None for r in result.requests)
    first, second = result.requests
    assert first.status_notes is None and second.status_notes == "Locked"
    assert first.address == "1540 W 17TH ST, CHICAGO, IL, 60608"
    assert first.lat == 41.858724777757864 and first.long == -87.66475146237676


def test_bloomington_services() -> None:
    services = parse_services(_read("bloomington_services.json"))
    assert len(services) == 46
    groups = {s.group for s in services}
    # PROVENANCE.md says 8 groups; the file holds 7
    assert groups == {
        "Most Popular",
        "Cleanup & Sanitation",
        "Streets, Parking & Traffic",
        "Hazards",
        "Water & Sewage Utility",
        "Parks & Recreation",
        "Miscellaneous",
    }
    graffiti = next(s for s in services if s.service_name == "Graffiti")
    assert graffiti.service_code == "4e090d24992b941e78000027"
    assert graffiti.metadata is True and graffiti.type == "realtime"
    assert graffiti.keywords == () and graffiti.group == "Most Popular"
    assert sum(s.metadata for s in services) > 0 and not all(s.metadata for s in services)


def test_services_in_xml() -> None:
    data = """<?xml version="1.0" encoding="utf-8"?>
<services>
  <service>
    <service_code>001</service_code><service_name>道路破损</service_name>
    <description>路面坑洼、塌陷</description><metadata>true</metadata>
    <type>realtime</type><keywords>道路, 坑洼,,塌陷</keywords><group>市政</group>
  </service>
  <service><service_name>no code: left out</service_name></service>
</services>""".encode()
    (service,) = parse_services(data)
    assert service.service_code == "001" and service.service_name == "道路破损"
    assert service.metadata is True and service.keywords == ("道路", "坑洼", "塌陷")
    with pytest.raises(Open311FormatError):
        parse_services(_read("toronto_requests.xml"))  # requests, not services


# --- Chinese requests (our own fixtures) ------------------------------------------------


def test_chinese_json() -> None:
    result = parse_requests(_read("cn_requests.json"))
    assert len(result.requests) == 5
    assert result.skipped == [
        ("#6", "既无编号也无服务类型和描述 / no service_request_id, service_code or description")
    ]
    by_id = _by_id(result.requests)
    road = by_id["GS12345-20261118-0001"]
    assert road.status == "open"  # "Open" in the file
    assert (
        road.description
        == '来电人反映洪水镇"利民路"路面塌陷约2米/3米，\r\n夜间无警示标志，请尽快处理。'
    )
    assert road.service_notice is None and road.media_url is None  # ""
    assert road.lat == 38.436074 and road.long == 100.874611
    lamp = by_id["GS12345-20261117-0042"]
    assert lamp.status == "closed"  # "CLOSED"
    assert lamp.description is None
    assert lamp.lat == 38.694563 and lamp.long == 100.776598  # numbers given as strings
    assert lamp.requested_datetime == dt.datetime(2026, 11, 17, 20, 5, tzinfo=CST)  # "Z"
    noise = by_id["GS12345-20261118-0107"]
    assert noise.requested_datetime == dt.datetime(2026, 11, 18, 22, 30, tzinfo=CST)  # no offset
    assert noise.requested_datetime.utcoffset() == dt.timedelta(hours=8)  # type: ignore[union-attr]
    rubbish = by_id["GS12345-20261119-0003"]
    assert rubbish.description is None  # absent
    assert rubbish.updated_datetime is None  # "null"
    assert rubbish.lat is None and rubbish.long is None
    heating = by_id["GS12345-20261119-0004"]
    assert heating.lat is None and heating.long is None  # 0/0
    assert heating.extensions == {"cc_status": "dispatched", "token": "a1b2c3"}


def test_chinese_xml_with_a_byte_order_mark() -> None:
    data = _read("cn_requests.xml")
    assert data.startswith(codecs.BOM_UTF8)
    result = parse_requests(data)
    assert len(result.requests) == 2 and result.skipped == []
    market, manhole = result.requests
    assert market.status == "closed"  # "Closed"
    assert market.status_notes == "已办结，来电人满意"
    assert market.description == "新天镇集市摊贩占用人行道 & 消防通道，<多次>反映。"
    assert market.updated_datetime is None  # xsi:nil
    assert market.expected_datetime == dt.datetime(2026, 11, 25, 18, 0, tzinfo=CST)
    assert market.lat == 38.605433 and market.long == 100.606284
    assert market.media_url == "https://example.org/照片/1.jpg"
    assert manhole.status == "open"  # "OPEN"
    assert manhole.description is None and manhole.updated_datetime is None
    assert manhole.lat is None and manhole.long is None  # empty elements
    assert manhole.extensions == {"cc_status": "accepted"}


def test_a_gb18030_xml_declared_as_gb2312() -> None:
    text = (
        _read("cn_requests.xml")
        .decode("utf-8-sig")
        .replace('encoding="UTF-8"', 'encoding="GB2312"')
    )
    result = parse_requests(text.replace("占道经营", "占道经营䶮").encode("gb18030"))
    assert result.requests[0].service_name == "占道经营䶮"  # not in GB2312, but in GB18030


def test_requests_under_a_json_object() -> None:
    one = {"service_request_id": "1", "status": "open", "service_code": "x"}
    for key in ("service_requests", "requests"):
        result = parse_requests(json.dumps({key: [one]}).encode())
        assert [r.service_request_id for r in result.requests] == ["1"]
    root = b"<requests><request><service_request_id>7</service_request_id></request></requests>"
    assert parse_requests(root).requests[0].service_request_id == "7"
    assert parse_requests(b"  []  ").requests == []
    assert parse_requests(b"<service_requests/>").requests == []


# --- value quirks ------------------------------------------------------------------------


def _one(**fields: object) -> ServiceRequest:
    item = {"service_request_id": "1", "status": "open", **fields}
    result = parse_requests(json.dumps([item]).encode())
    assert result.skipped == []
    return result.requests[0]


@pytest.mark.parametrize(
    ("lat", "long"),
    [
        (None, None),
        (0, 0),
        (0.0, 0.0),
        ("0", "0"),
        ("", ""),
        ("abc", 100.8),
        (38.4, None),
        (None, 100.8),
        (91, 100.8),
        (38.4, 181),
        (-90.5, 100.8),
        (True, False),
        ("NaN", 100.8),
        (38.4, "Infinity"),
        ({"v": 1}, [1]),
    ],
)
def test_unusable_coordinates_are_none(lat: object, long: object) -> None:
    req = _one(lat=lat, long=long)
    assert req.lat is None and req.long is None


def test_missing_coordinates_are_none() -> None:
    req = _one()
    assert req.lat is None and req.long is None
    req = _one(lat=38.5)
    assert req.lat is None and req.long is None


def test_usable_coordinates() -> None:
    assert (_one(lat=38.5, long=100.9).lat, _one(lat=38.5, long=100.9).long) == (38.5, 100.9)
    assert _one(lat=0, long=100.9).lat == 0.0  # only 0/0 together means "nowhere"
    assert _one(lat=" 38.5 ", long="100.9").long == 100.9


@pytest.mark.parametrize("value", [None, "", "null", "NULL", "nil", "not a date", 1337, "  "])
def test_empty_or_unreadable_dates_are_none(value: object) -> None:
    assert _one(requested_datetime=value).requested_datetime is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-18T09:12:00+08:00", dt.datetime(2026, 11, 18, 9, 12, tzinfo=CST)),
        ("2026-11-18T01:12:00Z", dt.datetime(2026, 11, 18, 9, 12, tzinfo=CST)),
        ("2026-11-18T01:12:00.000Z", dt.datetime(2026, 11, 18, 9, 12, tzinfo=CST)),
        ("2026-11-18T09:12:00", dt.datetime(2026, 11, 18, 9, 12, tzinfo=CST)),
        ("2026-11-18 09:12:00", dt.datetime(2026, 11, 18, 9, 12, tzinfo=CST)),
        ("2026-11-18T09:12:00+0800", dt.datetime(2026, 11, 18, 9, 12, tzinfo=CST)),
    ],
)
def test_dates_are_aware(value: str, expected: dt.datetime) -> None:
    got = _one(requested_datetime=value).requested_datetime
    assert got == expected and got.tzinfo is not None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("given", "status"),
    [
        ("open", "open"),
        ("Open", "open"),
        ("CLOSED", "closed"),
        (" closed ", "closed"),
        (None, "open"),
    ],
)
def test_statuses(given: str | None, status: str) -> None:
    assert _one(status=given).status == status


def test_unknown_status_is_skipped_with_its_reason() -> None:
    data = json.dumps(
        [
            {"service_request_id": "a", "status": "archived", "service_code": "x"},
            {"service_request_id": "b", "status": "open", "description": {"nested": 1}},
            {"service_request_id": "c", "status": "open"},
            {"status": "open", "service_code": "no id, but something to act on"},
            {"status": "open"},
        ]
    ).encode()
    result = parse_requests(data)
    assert [r.service_request_id for r in result.requests] == ["c", None]
    assert [label for label, _ in result.skipped] == ["a", "b", "#5"]
    reasons = dict(result.skipped)
    assert "unknown status 'archived'" in reasons["a"] and "状态" in reasons["a"]
    assert "description" in reasons["b"]


def test_numbers_as_ids_and_illegal_characters() -> None:
    req = _one(service_request_id=12345, zipcode=734500, description="a\x00b\x0bc  ")
    assert req.service_request_id == "12345"
    assert req.zipcode == "734500"
    assert req.description == "abc"


# --- broken input ------------------------------------------------------------------------

BROKEN = {
    "truncated JSON": _read("chicago_requests.json")[:300],
    "truncated XML": _read("toronto_requests.xml")[:700],
    "wrong XML root": b"<?xml version='1.0'?><incidents><request/></incidents>",
    "wrong XML item": b"<service_requests><service/></service_requests>",
    "a JSON number": b"42",
    "a JSON string": b'"service_requests"',
    "a JSON object without a list": b'{"status": "open"}',
    "a JSON list of strings": b'["open", "closed"]',
    "a JSON list with a null": b'[{"service_request_id": "1"}, null]',
    "an entity": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><service_requests>&b;</service_requests>',
    "an external entity": b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<service_requests><request><description>&x;</description></request></service_requests>",
    "invalid UTF-8 in JSON": b'[{"service_request_id": "1", "description": "\xff\xfe\xc3"}]',
    "invalid UTF-8 in XML": b"<service_requests><request><description>\xc3\x28"
    b"</description></request></service_requests>",
    "GBK bytes without a declaration": '[{"description": "道路"}]'.encode("gbk"),
    "an HTML error page": b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>502 Bad Gateway</h1></body></html>",
    "an HTML page without a doctype": b"<html><body><p>Service unavailable<br></p></body></html>",
    "an Open311 JSON error": b'[{"code": 403, "description": "Invalid api_key"}]',
    "an Open311 XML error": b"<errors><error><code>404</code>"
    b"<description>not found</description></error></errors>",
    "plain text": b"service_request_id,status\n1,open\n",
    "empty": b"",
    "only a BOM and spaces": codecs.BOM_UTF8 + b"  \n",
    "an unknown encoding": b'<?xml version="1.0" encoding="klingon"?><service_requests/>',
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_input_raises(name: str) -> None:
    with pytest.raises(Open311FormatError) as caught:
        parse_requests(BROKEN[name])
    message = str(caught.value)
    assert message.startswith(
        "不是有效的 Open311 GeoReport v2 文件 / not a valid Open311 GeoReport v2 file: "
    )
    assert isinstance(caught.value, ValueError)


def test_the_reasons_are_specific() -> None:
    def why(data: bytes) -> str:
        with pytest.raises(Open311FormatError) as caught:
            parse_requests(data)
        return caught.value.what

    assert "DOCTYPE" in why(BROKEN["an entity"])
    assert "HTML" in why(BROKEN["an HTML error page"])
    assert "HTML" in why(BROKEN["an HTML page without a doctype"])
    assert "broken JSON at line" in why(BROKEN["truncated JSON"])
    assert "broken XML at line" in why(BROKEN["truncated XML"])
    assert "<incidents>" in why(BROKEN["wrong XML root"])
    assert "UTF-8" in why(BROKEN["invalid UTF-8 in JSON"])
    assert "Invalid api_key" in why(BROKEN["an Open311 JSON error"])
    assert "not found" in why(BROKEN["an Open311 XML error"])
    assert "neither JSON nor XML" in why(BROKEN["plain text"])


# --- writing: the inverse of reading -----------------------------------------------------

ALL_SAMPLES = [
    "bloomington_requests.json",
    "toronto_requests.xml",
    "chicago_requests.json",
    "cn_requests.json",
    "cn_requests.xml",
]


@pytest.mark.parametrize("name", ALL_SAMPLES)
@pytest.mark.parametrize("write", [write_requests_json, write_requests_xml])
def test_round_trip(name: str, write: object) -> None:
    requests = parse_requests(_read(name)).requests
    data = write(requests)  # type: ignore[operator]
    again = parse_requests(data)
    assert again.skipped == []
    assert again.requests == requests


def test_round_trip_of_our_own_statuses() -> None:
    ours = ServiceRequest(
        service_request_id="SJ202611200001",
        service_code="0101",
        service_name="道路破损",
        description='路面塌陷 & "积水" <严重>\r\n第二行\t缩进',
        status="open",
        status_notes="已派遣至住建局",
        requested_datetime=dt.datetime(2026, 11, 20, 9, 0, 0, 123456, tzinfo=CST),
        updated_datetime=dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.UTC),
        lat=38.436074,
        long=100.874611,
        extensions={"cc_status": "dispatched", "cc_grid": {"code": "G01", "name": "一网格"}},
    )
    for write in (write_requests_json, write_requests_xml):
        (again,) = parse_requests(write([ours])).requests
        assert again == ours
        assert again.extensions["cc_status"] == "dispatched"
    doc = json.loads(write_requests_json([ours]))
    assert doc[0]["cc_status"] == "dispatched" and doc[0]["status"] == "open"
    assert list(doc[0])[:2] == ["service_request_id", "status"]
    assert "<cc_status>dispatched</cc_status>" in write_requests_xml([ours]).decode()


def test_written_files_are_utf8_and_readable_elsewhere() -> None:
    requests = parse_requests(_read("cn_requests.json")).requests
    text = write_requests_json(requests).decode("utf-8")
    assert "洪水镇" in text  # not \\u escapes
    xml = write_requests_xml(requests)
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    assert root.tag == "service_requests" and len(root) == len(requests)


def test_requests_are_frozen() -> None:
    req = _one()
    with pytest.raises(dataclasses.FrozenInstanceError):
        req.status = "closed"  # type: ignore[misc]
    assert hash(req) == hash(_one())
