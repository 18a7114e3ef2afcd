"""Files from cities we do not have, imported end to end: what their quirks become in the database.

The reader's unit tests (tests/unit/test_open311.py) cover each quirk in isolation; here two
small documents mix them the way real servers do and go through ``imports.import_open311``.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Connection

from command_center import clock
from command_center.services.audit import Actor
from command_center.services.imports import ImportReport, import_open311
from tests.db.conftest import q as _q
from tests.db.conftest import session_on

ACTOR = Actor(None, "测试值班员")

# A PHP-backed server: zero dates, "0.000000" coordinates, capitalised statuses, xsi:nil,
# a namespace, CDATA, accents and emoji, an empty description, a description-less request.
XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <request>
    <service_request_id>Q-1</service_request_id>
    <status>CLOSED</status>
    <service_name>Nid-de-poule / 坑洼</service_name>
    <service_code>POT</service_code>
    <description><![CDATA[Trou énorme devant le café 🚲 — <urgent>]]></description>
    <requested_datetime>0000-00-00 00:00:00</requested_datetime>
    <updated_datetime xsi:nil="true"/>
    <address>Rue Saint-Denis &amp; Rue Ontario</address>
    <lat>0.000000</lat>
    <long>0.000000</long>
  </request>
  <request>
    <service_request_id>Q-2</service_request_id>
    <status>Open</status>
    <service_code>LIGHT</service_code>
    <description>   </description>
    <requested_datetime>2026-11-18T10:00:00-05:00</requested_datetime>
    <long>-73.567</long>
    <lat>45.5017</lat>
  </request>
  <request>
    <service_request_id>Q-3</service_request_id>
    <status/>
    <service_name>路灯</service_name>
    <requested_datetime>nil</requested_datetime>
    <lat>{lat}</lat>
    <long>{lon}</long>
  </request>
</service_requests>
"""


def _import(db: Connection, data: bytes, source: str) -> ImportReport:
    with session_on(db) as session:
        return import_open311(session, data, actor=ACTOR, source=source)


def _inside(db: Connection) -> tuple[int, float, float]:
    ((grid, lon, lat),) = _q(
        db,
        "SELECT id, label_lon, label_lat FROM admin_areas WHERE level = 'grid' "
        "AND valid_to IS NULL ORDER BY id LIMIT 1",
    )
    return grid, lon, lat


def test_a_php_servers_xml(county: Connection) -> None:
    grid, lon, lat = _inside(county)
    started = clock.now()
    report = _import(county, XML.format(lat=lat, lon=lon).encode(), "montreal")
    assert report == ImportReport(3, [], 1, 1)
    rows = {
        r[0]: r[1:]
        for r in _q(
            county,
            "SELECT external_id, status, title, description, address, location_flag, grid_id, "
            "reported_at, closed_at FROM incidents WHERE external_source = 'montreal'",
        )
    }
    q1, q2, q3 = rows["Q-1"], rows["Q-2"], rows["Q-3"]
    assert q1[:6] == (
        "closed",
        "Nid-de-poule / 坑洼：Trou énorme devant le café 🚲 — <urgent>",
        "Trou énorme devant le café 🚲 — <urgent>",
        "Rue Saint-Denis & Rue Ontario",
        "missing",  # 0.000000/0.000000 is nowhere
        None,
    )
    assert q1[6] >= started - dt.timedelta(minutes=1)  # a zero date: the time of the import
    assert q1[7] == q1[6]  # closed, with no usable update time: closed when reported
    assert q2[:6] == ("new", "LIGHT", "", None, "outside", None)  # Montreal is not ours
    assert q2[6] == dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)
    assert q3[:6] == ("new", "路灯", "", None, "ok", grid)  # empty status: still to handle
    assert q3[6] >= started - dt.timedelta(minutes=1)


def test_a_json_feed_with_nulls_and_missing_fields(county: Connection) -> None:
    grid, lon, lat = _inside(county)
    items = [
        {"service_request_id": 1001, "status": "Open", "lat": None, "long": None},
        {"service_request_id": "1002", "service_code": "X", "lat": str(lat), "long": str(lon),
         "requested_datetime": None, "updated_datetime": "", "description": None},
        {"service_request_id": "1003", "status": "closed", "description": "Ärger mit Müll",
         "lat": 0, "long": 0, "requested_datetime": "2026-11-01T08:00:00"},
        {"service_request_id": "1004", "status": "Pending", "service_code": "X"},
        {"service_request_id": "1005", "description": "only one coordinate", "lat": lat},
    ]  # fmt: skip
    report = _import(county, json.dumps(items).encode(), "elsewhere")
    # an id alone is still a request of the remote's: kept, flagged, never dropped
    assert report.imported == 4 and report.flagged_missing == 3
    ((label, reason),) = report.skipped
    assert label == "1004" and "Pending" in reason and " / " in reason
    rows = dict(
        _q(
            county,
            "SELECT external_id, status || '|' || title || '|' || location_flag || '|' || "
            "coalesce(grid_id::text, '-') FROM incidents WHERE external_source = 'elsewhere'",
        )
    )
    assert rows == {
        "1001": "new|12345热线来件|missing|-",
        "1002": f"new|X|ok|{grid}",
        "1003": "closed|Ärger mit Müll|missing|-",
        "1005": "new|only one coordinate|missing|-",
    }
    audit = _q(
        county,
        "SELECT count(*) FROM audit_log WHERE action = 'incident.import' "
        "AND after->>'external_source' = 'elsewhere'",
    )
    assert audit == [(4,)]
