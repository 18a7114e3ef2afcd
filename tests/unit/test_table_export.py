"""services/table_export.py: a table to XLSX or CSV, formulas kept as text, and no file left
behind when the export is cancelled or fails."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from command_center.clock import CST
from command_center.services.jobs import Cancelled, Job
from command_center.services.table_export import ExportError, export_table

HEADERS = ["编号", "标题", "件数", "时间"]
ROWS = [
    ["SJ0001", "=HYPERLINK(\"http://x\")", 3, dt.datetime(2026, 11, 2, 9, 30, tzinfo=CST)],
    ["SJ0002", "-3.0%", -3, None],
    ["SJ0003", "@SUM(A1)", 0, dt.datetime(2026, 11, 3, 1, 0, tzinfo=dt.UTC)],
]


def test_xlsx_keeps_the_values_and_writes_a_formula_as_text(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    reports: list[tuple[int, int]] = []
    assert export_table(out, HEADERS, ROWS, total=3,
                        job=Job(lambda d, t, _s: reports.append((d, t)))) == 3
    ws = load_workbook(out).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    assert rows[1][1] == '=HYPERLINK("http://x")' and ws["B2"].data_type == "s"
    assert rows[1][2] == 3 and rows[1][3] == dt.datetime(2026, 11, 2, 9, 30)
    assert rows[2][1] == "-3.0%" and rows[2][3] is None
    assert rows[3][3] == dt.datetime(2026, 11, 3, 9, 0)  # Beijing time
    assert reports[-1] == (3, 3)
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]


def test_csv_is_utf8_with_a_bom_and_defuses_formulas(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    export_table(out, HEADERS, ROWS)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == HEADERS
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")" and rows[3][1] == "'@SUM(A1)"
    assert rows[2][1] == "-3.0%" and rows[2][2] == "-3"  # numbers are no formulas
    assert rows[1][3] == "2026-11-02 09:30:00"


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_cancelled_export_leaves_no_file_and_keeps_the_old_one(
    tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"t.{suffix}"
    out.write_bytes(b"the earlier export")
    job = Job()

    def rows():  # type: ignore[no-untyped-def]
        for i in range(10_000):
            if i == 500:
                job.cancel()  # the operator pressed Cancel half-way
            yield [i, f"row {i}"]

    with pytest.raises(Cancelled):
        export_table(out, ["n", "text"], rows(), job=job)
    assert out.read_bytes() == b"the earlier export"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_a_failing_source_leaves_no_file(tmp_path: Path) -> None:
    def rows():  # type: ignore[no-untyped-def]
        yield [1, "a"]
        raise RuntimeError("connection lost")

    with pytest.raises(RuntimeError):
        export_table(tmp_path / "t.xlsx", ["n", "t"], rows())
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_format_or_folder_is_refused_in_both_languages(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"只能导出.*export to"):
        export_table(tmp_path / "t.pdf", ["a"], [])
    with pytest.raises(ExportError, match=r"文件夹不存在.*no such folder"):
        export_table(tmp_path / "nowhere" / "t.csv", ["a"], [])
