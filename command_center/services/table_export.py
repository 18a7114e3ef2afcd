"""Writing a table (a header and rows of values) to XLSX or CSV, a long one in steps (no Qt).

The program's tables are exported through here (views/table_export.py runs it on a worker):
the rows come from an iterator, the progress goes to a :class:`~command_center.services.jobs.Job`
every :data:`REPORT_EVERY` rows, and a cancelled job stops at the next row.

Nothing half-written is ever left behind: the file is written beside its destination under a
hidden temporary name and renamed onto it only when complete; a cancel or an error removes the
temporary file and leaves whatever was at the destination untouched.

Text from outside (callers' words, names) is written as text: a cell that starts like a formula
(``= + - @``, tab, carriage return) is kept a string in XLSX and prefixed with ``'`` in CSV,
so a spreadsheet never runs it. CSV is UTF-8 with a byte-order mark, which Excel needs to read
Chinese.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from command_center.clock import CST
from command_center.services.jobs import Cancelled, Job

FORMATS = ("xlsx", "csv")
REPORT_EVERY = 200
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    """The table cannot be written; str is "中文 / English"."""


def format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(
            f"只能导出为 .xlsx 或 .csv（{Path(path).name}） / export to .xlsx or .csv only "
            f"({Path(path).name})"
        )
    return suffix


def _looks_like_formula(value: str) -> bool:
    if not value.startswith(_FORMULA_START):
        return False
    try:  # a negative number written as text ("-3", "-12.5%") is no formula
        float(value.rstrip("%"))
        return False
    except ValueError:
        return True


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(CST).replace(tzinfo=None)
        return value.replace(microsecond=0)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool | int | float | dt.date):
        return value
    return str(value)


def export_table(
    path: str | Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    total: int = 0,
    job: Job | None = None,
    sheet: str = "Sheet1",
) -> int:
    """Write ``headers`` and ``rows`` to ``path`` (.xlsx or .csv); returns the rows written.
    ``total``: how many rows are expected (0: unknown), for the progress. Raises
    :class:`~command_center.services.jobs.Cancelled` when ``job`` is cancelled, and leaves no
    file behind then or on any error."""
    path = Path(path)
    fmt = format_of(path)
    job = job or Job()
    if not path.parent.is_dir():
        raise ExportError(f"文件夹不存在：{path.parent} / no such folder: {path.parent}")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".{fmt}.partial",
                                    dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if fmt == "csv":
            n = _write_csv(tmp, headers, rows, total, job)
        else:
            n = _write_xlsx(tmp, headers, rows, total, job, sheet)
        job.check()
        os.replace(tmp, path)
        job.report(n, n, "")
        return n
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _steps(rows: Iterable[Sequence[Any]], total: int, job: Job) -> Iterable[Sequence[Any]]:
    for n, row in enumerate(rows, 1):
        if job.cancelled:
            raise Cancelled
        yield row
        if n % REPORT_EVERY == 0:
            job.report(n, total, "")


def _write_csv(
    tmp: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], total: int, job: Job
) -> int:
    n = 0
    with tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([str(h) for h in headers])
        for row in _steps(rows, total, job):
            out = []
            for v in row:
                v = _plain(v)
                if isinstance(v, dt.datetime):
                    v = v.strftime("%Y-%m-%d %H:%M:%S")
                elif isinstance(v, str) and _looks_like_formula(v):
                    v = "'" + v
                out.append(v)
            w.writerow(out)
            n += 1
    return n


def _write_xlsx(
    tmp: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], total: int, job: Job,
    sheet: str,
) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31] or "Sheet1")
    ws.freeze_panes = "A2"

    def cell(v: Any) -> Any:
        v = _plain(v)
        if isinstance(v, str):
            v = "".join(ch for ch in v if ch in "\t\n\r" or ord(ch) >= 32)  # XML-safe
            c = WriteOnlyCell(ws, value=v)
            if _looks_like_formula(v) or v.startswith("="):
                c.data_type = "s"  # text, never a formula
            return c
        return v

    ws.append([cell(str(h)) for h in headers])
    n = 0
    try:
        for row in _steps(rows, total, job):
            ws.append([cell(v) for v in row])
            n += 1
        job.check()
    except BaseException:
        ws.close()  # end openpyxl's row writer (its scratch file) before we drop the book
        raise
    book.save(str(tmp))
    return n
