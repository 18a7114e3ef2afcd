"""Importing 12345-hotline requests (Open311 GeoReport v2) into a real database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import shapely
from sqlalchemy import Connection

from command_center import clock
from command_center.cli import main
from command_center.interop.open311 import Open311FormatError
from command_center.services.audit import Actor
from command_center.services.imports import ImportReport, import_open311
from tests.db.conftest import q as _q
from tests.db.conftest import session_on

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "open311"
CN_JSON = FIXTURES / "cn_requests.json"
CN_XML = FIXTURES / "cn_requests.xml"
CST = dt.timezone(dt.timedelta(hours=8))
ACTOR = Actor(None, "测试值班员")


@pytest.fixture
def county_db(county: Connection) -> Connection:
    """The shared demo county, in a transaction rolled back after the test: the import's commits
    become savepoints (tests/db/conftest.py)."""
    return county


def _import(db: str | Connection, data: bytes, source: str = "test-12345") -> ImportReport:
    with session_on(db) as session:
        return import_open311(session, data, actor=ACTOR, source=source)


def _counts(url: str | Connection) -> tuple[int, int]:
    ((incidents, audit),) = _q(
        url, "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM audit_log)"
    )
    return incidents, audit


def _grids(url: str | Connection, n: int) -> list[tuple[int, int, int, float, float]]:
    """n grids spread over the county: (grid id, village id, town id, label lon, label lat)."""
    return [
        tuple(r)  # type: ignore[misc]
        for r in _q(
            url,
            "SELECT g.id, v.id, v.parent_id, g.label_lon, g.label_lat FROM admin_areas g "
            "JOIN admin_areas v ON v.id = g.parent_id "
            "WHERE g.level = 'grid' AND g.valid_to IS NULL ORDER BY g.id",
        )
    ][:: max(1, 448 // n)][:n]


def test_a_chinese_request_lands_in_its_grid(county_db: Connection) -> None:
    grid_id, village_id, town_id, lon, lat = _grids(county_db, 1)[0]
    request = {
        "service_request_id": "GS-0001",
        "status": "open",
        "service_name": "道路破损",
        "service_code": "DL-01",
        "description": "来电人反映村口道路塌陷，夜间无警示标志，请尽快处理。",
        "requested_datetime": "2026-11-18T09:12:00+08:00",
        "address": "民乐县某村村口",
        "lat": lat,
        "long": lon,
    }
    report = _import(county_db, json.dumps([request], ensure_ascii=False).encode())
    assert report == ImportReport(1, [], 0, 0)
    ((row),) = _q(
        county_db,
        "SELECT number, channel_code, category_code, title, description, address, lon, lat, "
        "crs, location_flag, grid_id, village_id, town_id, external_source, external_id, "
        "priority, status, reported_at, closed_at FROM incidents WHERE external_id = 'GS-0001'",
    )
    assert row[:6] == (
        "RX2026111800001",
        "hotline_12345",
        None,
        "道路破损：来电人反映村口道路塌陷，夜间无警示标志，请尽快处理。",
        "来电人反映村口道路塌陷，夜间无警示标志，请尽快处理。",
        "民乐县某村村口",
    )
    assert row[6:10] == (lon, lat, "GCJ-02", "ok")
    assert row[10:13] == (grid_id, village_id, town_id)
    assert row[13:17] == ("test-12345", "GS-0001", 3, "new")
    assert row[17] == dt.datetime(2026, 11, 18, 9, 12, tzinfo=CST) and row[18] is None
    assert _q(
        county_db,
        "SELECT level FROM admin_areas WHERE id IN (%s, %s, %s) ORDER BY level",
        grid_id,
        village_id,
        town_id,
    ) == [("grid",), ("town",), ("village",)]


def test_many_points_each_land_in_their_own_grid(county_db: Connection) -> None:
    grids = _grids(county_db, 60)
    requests = [
        {"service_request_id": f"P{i}", "service_code": "x", "lat": g[4], "long": g[3]}
        for i, g in enumerate(grids)
    ]
    report = _import(county_db, json.dumps(requests).encode())
    assert report.imported == len(grids) and report.flagged_outside == 0
    got = dict(_q(county_db, "SELECT external_id, grid_id FROM incidents WHERE number ~ '^RX'"))
    assert got == {f"P{i}": g[0] for i, g in enumerate(grids)}


def test_the_chinese_sample_outside_and_missing_points(county_db: Connection) -> None:
    report = _import(county_db, CN_JSON.read_bytes())
    assert report.imported == 5
    assert report.skipped == [
        ("#6", "既无编号也无服务类型和描述 / no service_request_id, service_code or description")
    ]
    assert report.flagged_outside == 1  # Lanzhou
    assert report.flagged_missing == 2  # null and 0/0
    rows = {
        r[0]: r[1:]
        for r in _q(
            county_db,
            "SELECT i.external_id, i.location_flag, i.grid_id, i.lon, i.lat, i.status, "
            "i.closed_at, a.geometry::text, i.title, i.description FROM incidents i "
            "LEFT JOIN admin_areas a ON a.id = i.grid_id WHERE i.external_source = 'test-12345'",
        )
    }
    for rid in ("GS12345-20261118-0001", "GS12345-20261117-0042"):
        flag, grid_id, lon, lat, *_, geometry, _title, _desc = rows[rid]
        assert flag == "ok" and grid_id is not None
        assert shapely.contains_xy(shapely.from_geojson(geometry), lon, lat)
    assert rows["GS12345-20261118-0107"][:4] == ("outside", None, 103.834304, 36.061089)
    assert rows["GS12345-20261119-0003"][:4] == ("missing", None, None, None)
    assert rows["GS12345-20261119-0004"][:4] == ("missing", None, None, None)  # 0/0
    closed = rows["GS12345-20261117-0042"]
    assert closed[4] == "closed"
    assert closed[5] == dt.datetime(2026, 11, 18, 10, 0, tzinfo=CST)  # updated_datetime
    assert closed[7] == "路灯不亮" and closed[8] == ""  # an empty description
    assert rows["GS12345-20261118-0001"][4] == "new"


def test_reimport_skips_everything_as_already_imported(county_db: Connection) -> None:
    first = _import(county_db, CN_JSON.read_bytes())
    before = _counts(county_db)
    again = _import(county_db, CN_JSON.read_bytes())
    assert again.imported == 0
    assert _counts(county_db) == before
    already = [rid for rid, why in again.skipped if why == "已导入 / already imported"]
    assert sorted(already) == sorted(
        r[0] for r in _q(county_db, "SELECT external_id FROM incidents WHERE number ~ '^RX'")
    )
    assert len(already) == first.imported == 5
    # another source is another feed: its ids are its own
    assert _import(county_db, CN_JSON.read_bytes(), source="other-feed").imported == 5


def test_numbers_continue_the_day(county_db: Connection) -> None:
    _import(county_db, CN_XML.read_bytes())
    one = {"service_code": "x", "requested_datetime": "2026-11-20T23:59:00+08:00"}
    _import(county_db, json.dumps([{**one, "service_request_id": "later"}]).encode())
    numbers = dict(_q(county_db, "SELECT external_id, number FROM incidents WHERE number ~ '^RX'"))
    assert numbers == {
        "GS12345-20261120-0011": "RX2026112000001",
        "GS12345-20261120-0012": "RX2026112000002",  # 11:20Z is 19:20 in Beijing
        "later": "RX2026112000003",
    }


def test_a_broken_file_imports_nothing(county_db: Connection, tmp_path: Path) -> None:
    before = _counts(county_db)
    good = CN_JSON.read_bytes()
    for broken in (good[: len(good) // 2], b"<html><body>502</body></html>", b"\xff\xfe\x00"):
        with pytest.raises(Open311FormatError):
            _import(county_db, broken)
    assert _counts(county_db) == before


def test_each_imported_incident_has_one_audit_entry(county_db: Connection) -> None:
    report = _import(county_db, CN_XML.read_bytes(), source="gansu-12345")
    entries = _q(
        county_db,
        "SELECT i.id, i.number, a.actor_name, a.actor_id, a.entity_type, a.summary, a.after "
        "FROM incidents i JOIN audit_log a ON a.entity_id = i.id AND a.entity_type = 'incident' "
        "AND a.action = 'incident.import' ORDER BY i.id",
    )
    assert len(entries) == report.imported == 2
    for _id, number, actor_name, actor_id, _type, summary, after in entries:
        assert actor_name == "测试值班员" and actor_id is None
        assert number in summary and "gansu-12345" in summary and "导入" in summary
        assert after["number"] == number and after["external_source"] == "gansu-12345"


def test_the_channel_is_created_when_missing(db_url: str) -> None:
    # an empty database: no channels and no grids, so every point is outside every grid
    assert _q(db_url, "SELECT count(*) FROM channels") == [(0,)]
    report = _import(db_url, CN_JSON.read_bytes())
    assert (report.imported, report.flagged_outside, report.flagged_missing) == (5, 3, 2)
    assert _q(db_url, "SELECT code, name FROM channels") == [("hotline_12345", "12345热线")]


def test_long_texts_fit(county_db: Connection) -> None:
    long = "很长的描述" * 200
    data = json.dumps(
        [
            {
                "service_request_id": "L1",
                "service_name": "名" * 300,
                "description": long,
                "address": "址" * 400,
            },
            {"service_request_id": "x" * 65, "service_code": "too long an id"},
            {"service_code": "no id"},
        ]
    ).encode()
    report = _import(county_db, data)
    assert report.imported == 1
    assert [why.split(" / ")[1] for _, why in report.skipped] == [
        "id too long",
        "no service_request_id: a second import could not be recognised",
    ]
    ((title, description, address, reported_at),) = _q(
        county_db,
        "SELECT title, description, address, reported_at FROM incidents WHERE number ~ '^RX'",
    )
    assert len(title) <= 200 and description == long and len(address) <= 300
    assert abs(reported_at - clock.now()) < dt.timedelta(minutes=5)  # no date: now


def test_the_command_line(
    seeded_copy: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ["import", "open311", str(CN_JSON), "--source", "cli-12345"]
    assert main([*args, "--database-url", seeded_copy]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "imported=5 skipped=1"
    assert out[1].strip().startswith("#6:") and "no service_request_id" in out[1]

    assert main(["--database-url", seeded_copy, *args]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "imported=0 skipped=6"
    assert sum("已导入 / already imported" in line for line in out[1:]) == 5

    before = _counts(seeded_copy)
    broken = tmp_path / "requests.json"
    broken.write_bytes(CN_JSON.read_bytes()[:-40])
    assert main(["import", "open311", str(broken), "--database-url", seeded_copy]) == 1
    captured = capsys.readouterr()
    assert "不是有效的 Open311 GeoReport v2 文件 / not a valid Open311 GeoReport v2 file" in (
        captured.err
    )
    assert "imported=" not in captured.out and "Traceback" not in captured.err
    assert _counts(seeded_copy) == before


def test_nothing_to_import(db_url: str) -> None:
    assert _import(db_url, b"[]") == ImportReport(0, [], 0, 0)
    report = _import(
        db_url,
        b"<service_requests><request><service_code>x</service_code></request></service_requests>",
    )
    assert report.imported == 0 and len(report.skipped) == 1
    assert _counts(db_url) == (0, 0)
