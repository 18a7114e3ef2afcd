"""Reading hotline request tables: encodings, headers, mapping suggestions, values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from command_center.interop import tabular
from command_center.interop.tabular import TabularFormatError, read_bytes, read_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tabular"
CST = dt.timezone(dt.timedelta(hours=8))


def test_encodings_are_detected() -> None:
    assert read_table(FIXTURES / "hotline_gb18030.csv").encoding == "gb18030"
    assert read_table(FIXTURES / "hotline_utf8_bom.csv").encoding == "utf-8-sig"
    assert read_table(FIXTURES / "hotline.xlsx").encoding == "xlsx"
    plain = "编号,内容\n1,路灯不亮\n".encode()
    table = read_bytes(plain)
    assert table.encoding == "utf-8"
    assert table.rows == [["1", "路灯不亮"]]


def test_gb18030_text_reads_as_the_same_chinese() -> None:
    table = read_table(FIXTURES / "hotline_gb18030.csv")
    assert table.headers[0] == "工单编号"
    assert table.rows[0][2] == "张桂兰"
    assert "广场舞" in table.rows[0][5]


def test_a_multi_line_cell_stays_one_row() -> None:
    table = read_table(FIXTURES / "hotline_utf8_bom.csv")
    assert len(table.rows) == 5
    assert "\n" in table.rows[0][5]


@pytest.mark.parametrize(
    ("name", "words"),
    [("broken_utf16.csv", "UTF-16"), ("broken_truncated.xlsx", "XLSX")],
)
def test_broken_files_give_a_bilingual_error(name: str, words: str) -> None:
    with pytest.raises(TabularFormatError) as err:
        read_table(FIXTURES / name)
    assert words in str(err.value)
    assert " / " in str(err.value)


def test_other_unreadable_input() -> None:
    with pytest.raises(TabularFormatError, match="empty"):
        read_bytes(b"  \n")
    with pytest.raises(TabularFormatError, match="xls"):
        read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(TabularFormatError, match="twice"):
        read_bytes("编号,编号\n1,2\n".encode())
    with pytest.raises(TabularFormatError, match="header"):
        read_bytes("只有一列\n1\n".encode())
    with pytest.raises(TabularFormatError, match="encoding"):
        read_bytes(bytes(range(128, 256)) * 4)
    with pytest.raises(TabularFormatError, match="cannot read"):
        read_table(FIXTURES / "no_such_file.csv")


def test_mapping_is_suggested_from_common_chinese_headers() -> None:
    headers = [
        "序号",
        "工单编号",
        "来电时间",
        "来电人",
        "联系电话",
        "诉求类型",
        "诉求内容（详细）",
        "事发地址",
        "经度",
        "纬度",
        "承办单位",
    ]
    mapping = tabular.suggest_mapping(headers)
    assert mapping == {
        "external_id": "工单编号",
        "reported_at": "来电时间",
        "reporter_name": "来电人",
        "reporter_phone": "联系电话",
        "category": "诉求类型",
        "description": "诉求内容（详细）",
        "address": "事发地址",
        "lon": "经度",
        "lat": "纬度",
    }
    assert "序号" not in mapping.values() and "承办单位" not in mapping.values()


def test_records_follow_the_mapping_with_spreadsheet_row_numbers() -> None:
    table = read_bytes("\n编号,内容,地址\n7,路灯不亮,益民村\n,,\n8,井盖丢失,\n".encode())
    records = table.records({"external_id": "编号", "description": "内容"})
    assert records == [
        (3, {"external_id": "7", "description": "路灯不亮"}),
        (5, {"external_id": "8", "description": "井盖丢失"}),
    ]


def test_times_as_hotlines_write_them() -> None:
    want = dt.datetime(2026, 11, 18, 14, 5, tzinfo=CST)
    for s in (
        "2026-11-18 14:05",
        "2026/11/18 14:05:00",
        "2026年11月18日 14时05分",
        "2026-11-18T14:05:00+08:00",
        "20261118140500",
    ):
        assert tabular.parse_datetime(s) == want, s
    assert tabular.parse_datetime(dt.datetime(2026, 11, 18, 14, 5)) == want
    assert tabular.parse_datetime("") is None
    with pytest.raises(ValueError, match="昨天"):
        tabular.parse_datetime("昨天下午")


def test_numbers_and_cells() -> None:
    assert tabular.parse_float(" 100.85 ") == 100.85
    assert tabular.parse_float(38) == 38.0
    assert tabular.parse_float(None) is None
    with pytest.raises(ValueError):
        tabular.parse_float("100.5956o1")
    assert tabular.cell_text(2026112001.0) == "2026112001"
    assert tabular.cell_text("  两个   空格 ") == "两个 空格"
