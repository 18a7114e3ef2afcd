"""12345 request tables (CSV in GB18030 and UTF-8-BOM, XLSX) imported with a column mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.interop.tabular import TabularFormatError, read_table, suggest_mapping
from command_center.services import imports, intake
from command_center.services.audit import Actor

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tabular"
ACTOR = Actor(None, "陈建国")


def _import(session: Session, name: str, source: str = "12345-民乐") -> imports.ImportResult:
    path = FIXTURES / name
    mapping = suggest_mapping(read_table(path).headers)
    return imports.import_table(session, ACTOR, str(path), mapping, source)


def _count(session: Session, source: str = "12345-民乐") -> int:
    return session.scalar(
        text("SELECT count(*) FROM incidents WHERE external_source = :s"), {"s": source}
    )


def _incident(session: Session, external_id: str) -> dict:
    return dict(
        session.execute(
            text(
                "SELECT i.*, t.name AS town, v.name AS village FROM incidents i "
                "LEFT JOIN admin_areas t ON t.id = i.town_id "
                "LEFT JOIN admin_areas v ON v.id = i.village_id WHERE external_id = :e"
            ),
            {"e": external_id},
        )
        .mappings()
        .one()
    )


def test_gb18030_csv(session: Session) -> None:
    audit_before = session.scalar(text("SELECT count(*) FROM audit_log"))
    result = _import(session, "hotline_gb18030.csv")
    assert result.encoding == "gb18030"
    assert result.imported == 5
    assert [row for row, _ in result.skipped] == [7, 8, 9, 10]
    reasons = dict(result.skipped)
    assert "昨天下午" in reasons[7]
    assert "no description" in reasons[8]
    assert "100.5956o1" in reasons[9]
    assert "repeated in the file" in reasons[10]
    assert (result.flagged_outside, result.flagged_missing) == (1, 1)
    assert _count(session) == 5
    assert session.scalar(text("SELECT count(*) FROM audit_log")) == audit_before + 5

    first = _incident(session, "GS12345-20261118-0001")
    assert first["reporter_name"] == "张桂兰" and first["reporter_phone"] == "13993601234"
    assert first["category_code"] == "030202"  # 城市管理/噪音扰民/商铺广场舞噪音
    assert first["town"] == "洪水镇" and first["location_flag"] == "ok"
    assert first["channel_code"] == "hotline_12345" and first["number"].startswith("RX20261118")
    assert "广场舞" in first["description"] and first["title"].startswith("商铺广场舞噪音：")
    assert first["answer_due_at"] is not None and first["due_at"] is not None
    # by its address only: the village, no coordinates
    by_address = _incident(session, "GS12345-20261119-0004")
    assert by_address["location_flag"] == "missing" and by_address["lon"] is None
    assert (by_address["town"], by_address["village"]) == ("南丰乡", "何庄村")
    outside = _incident(session, "GS12345-20261119-0005")
    assert outside["location_flag"] == "outside" and outside["town_id"] is None
    # 2026年11月18日 14时05分, Beijing time
    third = _incident(session, "GS12345-20261118-0003")
    assert third["reported_at"].isoformat().startswith("2026-11-18T06:05:00")


def test_utf8_bom_csv(session: Session) -> None:
    result = _import(session, "hotline_utf8_bom.csv")
    assert result.encoding == "utf-8-sig"
    assert result.imported == 3
    assert [row for row, _ in result.skipped] == [5, 6]
    assert "only one of longitude and latitude" in dict(result.skipped)[5]
    assert "非常急" in dict(result.skipped)[6]
    assert result.flagged_missing == 1  # 0,0 means no coordinates
    urgent = _incident(session, "RX-7702")
    assert urgent["priority"] == 1 and urgent["category_code"] == "070102"
    multi = _incident(session, "RX-7701")
    assert "\n" in multi["description"]


def test_xlsx(session: Session) -> None:
    result = _import(session, "hotline.xlsx")
    assert result.imported == 3
    assert result.skipped == [(5, "缺少工单编号 / no request number")]
    gas = _incident(session, "2026112001")  # a number cell, read back as the id it was
    assert gas["priority"] == 2 and gas["category_code"] == "050102"
    assert gas["reported_at"].isoformat().startswith("2026-11-20T00:05:00")
    no_point = _incident(session, "2026112002")
    assert no_point["village"] == "益民村" and no_point["location_flag"] == "missing"


def test_reimport_skips_what_is_already_there(session: Session) -> None:
    assert _import(session, "hotline.xlsx").imported == 3
    again = _import(session, "hotline.xlsx")
    assert again.imported == 0
    assert sum("already imported" in reason for _, reason in again.skipped) == 3
    assert _count(session) == 3
    # the same numbers from another source are other requests
    assert _import(session, "hotline.xlsx", source="12345-张掖").imported == 3


@pytest.mark.parametrize("name", ["broken_utf16.csv", "broken_truncated.xlsx"])
def test_a_broken_file_imports_nothing(session: Session, name: str) -> None:
    before = session.scalar(text("SELECT count(*) FROM incidents"))
    audit_before = session.scalar(text("SELECT count(*) FROM audit_log"))
    with pytest.raises(TabularFormatError) as err:
        imports.import_table(
            session, ACTOR, str(FIXTURES / name), {"external_id": "工单编号"}, "12345"
        )
    assert " / " in str(err.value)
    assert session.scalar(text("SELECT count(*) FROM incidents")) == before
    assert session.scalar(text("SELECT count(*) FROM audit_log")) == audit_before


def test_a_mapping_naming_missing_columns_imports_nothing(session: Session) -> None:
    path = str(FIXTURES / "hotline.xlsx")
    with pytest.raises(TabularFormatError, match="no column"):
        imports.import_table(
            session, ACTOR, path, {"external_id": "工单号", "description": "内容"}, "x"
        )
    with pytest.raises(TabularFormatError, match="request number"):
        imports.import_table(session, ACTOR, path, {"description": "诉求内容"}, "x")
    assert _count(session, "x") == 0


def test_mappings_are_saved_by_name(session: Session) -> None:
    mapping = suggest_mapping(read_table(FIXTURES / "hotline.xlsx").headers)
    imports.save_mapping(session, ACTOR, "省12345平台导出", mapping)
    assert imports.list_mappings(session)["省12345平台导出"] == mapping
    changed = {**mapping, "title": "诉求分类"}
    imports.save_mapping(session, ACTOR, "省12345平台导出", changed)
    assert imports.list_mappings(session)["省12345平台导出"] == changed
    with pytest.raises(intake.IntakeError, match="unknown fields"):
        imports.save_mapping(session, ACTOR, "坏的", {"colour": "颜色"})
