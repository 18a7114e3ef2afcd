"""Reading 12345-hotline request tables: CSV (UTF-8, UTF-8 with BOM or GB18030, detected) and
XLSX, with a column mapping {our field: their column header} and a suggestion for one from the
headers hotline exports commonly use (工单编号, 诉求内容, 来电人, 联系电话 …).

Only reading and converting values here; the import (one transaction, audit) is
``services.imports.import_table``. No Qt, no database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from command_center.clock import CST

MAX_ROWS = 200_000


class TabularFormatError(ValueError):
    """The file cannot be read as a table; str is "中文 / English"."""


# our field -> (Chinese label, English label, headers that usually mean it, best first)
FIELDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "external_id": (
        "工单编号",
        "request number",
        (
            "工单编号",
            "工单号",
            "诉求编号",
            "受理编号",
            "编号",
            "单号",
            "流水号",
            "业务编号",
            "service_request_id",
            "id",
        ),
    ),
    "title": ("标题", "title", ("工单标题", "诉求标题", "标题", "主题", "事项名称", "title")),
    "description": (
        "诉求内容",
        "description",
        (
            "诉求内容",
            "来电内容",
            "反映内容",
            "问题描述",
            "工单内容",
            "事件描述",
            "内容",
            "描述",
            "description",
        ),
    ),
    "category": (
        "诉求类型",
        "category",
        (
            "诉求类型",
            "问题类型",
            "事件类型",
            "诉求分类",
            "业务类型",
            "类别",
            "分类",
            "类型",
            "service_name",
            "category",
        ),
    ),
    "reporter_name": (
        "来电人",
        "reporter",
        ("来电人", "来电人姓名", "诉求人", "诉求人姓名", "反映人", "联系人", "姓名", "name"),
    ),
    "reporter_phone": (
        "联系电话",
        "phone",
        ("联系电话", "来电号码", "来电电话", "联系方式", "手机号码", "手机", "电话", "phone"),
    ),
    "address": (
        "事发地址",
        "address",
        (
            "事发地址",
            "事发地点",
            "发生地址",
            "问题地址",
            "诉求地址",
            "详细地址",
            "地址",
            "地点",
            "address",
        ),
    ),
    "lon": ("经度", "longitude", ("经度", "lng", "lon", "long", "longitude", "x坐标", "x")),
    "lat": ("纬度", "latitude", ("纬度", "lat", "latitude", "y坐标", "y")),
    "reported_at": (
        "来电时间",
        "reported at",
        (
            "来电时间",
            "受理时间",
            "登记时间",
            "诉求时间",
            "反映时间",
            "创建时间",
            "时间",
            "requested_datetime",
        ),
    ),
    "priority": ("紧急程度", "priority", ("紧急程度", "缓急程度", "优先级", "priority")),
}
REQUIRED = ("external_id",)


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[Any]]  # cells as read (str for CSV; str/number/datetime/None for XLSX)
    first_row: int  # the row number (as a spreadsheet shows it) of rows[0]
    encoding: str  # "utf-8", "utf-8-sig", "gb18030" or "xlsx"

    def records(self, mapping: dict[str, str]) -> list[tuple[int, dict[str, Any]]]:
        """(row number, {field: cell}) for every non-empty row, by the mapping."""
        index = {h: i for i, h in enumerate(self.headers)}
        cols = {f: index[h] for f, h in mapping.items() if h in index}
        out = []
        for n, row in enumerate(self.rows):
            if all(_blank(c) for c in row):
                continue
            out.append(
                (self.first_row + n, {f: row[i] if i < len(row) else None for f, i in cols.items()})
            )
        return out


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def read_table(path: str | Path) -> Table:
    """Read a CSV or XLSX file. Raises TabularFormatError when it cannot be read."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise TabularFormatError(
            f"无法读取文件 {p.name}：{exc.strerror} / cannot read {p.name}: {exc.strerror}"
        ) from exc
    return read_bytes(data, p.name)


def read_bytes(data: bytes, name: str = "") -> Table:
    if not data.strip():
        raise TabularFormatError("文件为空 / the file is empty")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise TabularFormatError(
            "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV / old Excel (.xls) files are "
            "not supported: save it as .xlsx or CSV"
        )
    return _read_csv(data)


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 with BOM, UTF-8, else GB18030; else an error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TabularFormatError(
            "不支持 UTF-16 编码的文件，请另存为 UTF-8 或 GB18030 的 CSV / UTF-16 files are not "
            "supported: save it as CSV in UTF-8 or GB18030"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _encoding_error(exc) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _encoding_error(exc) from exc
    # GB18030 decodes almost anything; real Chinese text is mostly CJK, not rare symbols
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    odd = sum(
        1
        for ch in text
        if ord(ch) > 0x7F
        and not ("\u4e00" <= ch <= "\u9fff")
        and not ("\u3000" <= ch <= "\u303f")
        and not ("\uff00" <= ch <= "\uffef")
    )
    if odd > max(10, cjk):
        raise TabularFormatError(
            "文件编码无法识别（不是 UTF-8 或 GB18030 文本） / unknown encoding: the file is not "
            "UTF-8 or GB18030 text"
        )
    return text, "gb18030"


def _encoding_error(exc: UnicodeDecodeError) -> TabularFormatError:
    return TabularFormatError(
        f"文件编码无法识别（第{exc.start}字节） / unknown encoding (at byte {exc.start}): the file "
        "is not UTF-8 or GB18030 text"
    )


def _read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    if "\x00" in text:
        raise TabularFormatError("文件不是文本表格 / the file is not a text table")
    # the delimiter from the header line first: cells of real exports carry tabs and newlines
    # (a message board's 留言详情 starts with "\n\t\t\t"), which mislead a sniff of the rows
    # and only the delimiter is taken: a sniff of one line cannot see that quotes are doubled
    # inside quoted cells ("" as Excel writes them), so the rest is Excel's dialect
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    dialect: Any = csv.excel
    for sample in (header, text[:8192]):
        try:
            sniffed = csv.Sniffer().sniff(sample, delimiters=",\t;|")
        except csv.Error:
            continue
        dialect = type("Sniffed", (csv.excel,), {"delimiter": sniffed.delimiter})
        break
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        rows = [list(r) for r in reader]
    except csv.Error as exc:
        raise TabularFormatError(f"CSV 格式错误：{exc} / broken CSV: {exc}") from exc
    return _table(rows, encoding)


def _read_xlsx(data: bytes) -> Table:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise TabularFormatError(
            "无法读取 XLSX（缺少 openpyxl） / cannot read XLSX: openpyxl is missing"
        ) from exc
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise TabularFormatError(
            "XLSX 文件已损坏或不完整 / the XLSX file is damaged or truncated"
        ) from exc
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise TabularFormatError("XLSX 文件没有工作表 / the XLSX file has no sheet")
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TabularFormatError(
            "XLSX 文件已损坏或不完整 / the XLSX file is damaged or truncated"
        ) from exc
    finally:
        book.close()
    return _table(rows, "xlsx")


def _table(rows: list[list[Any]], encoding: str) -> Table:
    start = next((i for i, r in enumerate(rows) if any(not _blank(c) for c in r)), None)
    if start is None:
        raise TabularFormatError("文件中没有表头 / the file has no header row")
    headers = [_header(c) for c in rows[start]]
    while headers and not headers[-1]:
        headers.pop()
    named = [h for h in headers if h]
    if len(named) < 2:
        raise TabularFormatError(
            "找不到表头（至少需要两列） / no header row found (at least two columns are needed)"
        )
    if len(set(named)) != len(named):
        dup = next(h for h in named if named.count(h) > 1)
        raise TabularFormatError(f"表头中「{dup}」重复 / the header「{dup}」appears twice")
    body = rows[start + 1 :]
    if len(body) > MAX_ROWS:
        raise TabularFormatError(
            f"文件超过{MAX_ROWS}行，请分批导入 / more than {MAX_ROWS} rows: import it in parts"
        )
    return Table(headers, body, start + 2, encoding)


def _header(c: Any) -> str:
    return " ".join(str(c).split()) if c is not None else ""


def suggest_mapping(
    headers: list[str], fields: dict[str, tuple[str, str, tuple[str, ...]]] | None = None
) -> dict[str, str]:
    """{our field: header} for the headers recognised: exact names first, then a header that
    contains a known name (诉求内容（详细）); each header used once. ``fields``: another
    import's fields in the shape of :data:`FIELDS` (the grid workers' roster)."""
    fields = FIELDS if fields is None else fields
    norm = {h: _norm(h) for h in headers if h}
    used: set[str] = set()
    out: dict[str, str] = {}
    for exact in (True, False):
        for field, (_, _, names) in fields.items():
            if field in out:
                continue
            for name in names:
                n = _norm(name)
                hit = next(
                    (
                        h
                        for h, hn in norm.items()
                        if h not in used and (hn == n if exact else len(n) >= 2 and n in hn)
                    ),
                    None,
                )
                if hit is not None:
                    out[field] = hit
                    used.add(hit)
                    break
    return out


def _norm(s: str) -> str:
    return re.sub(r"[\s_（）()\[\]【】:：*]", "", s).lower()


# --- values ----------------------------------------------------------------------------

_DT_PATTERNS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y%m%d%H%M%S",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d %H:%M",
    "%Y.%m.%d",
)


def parse_datetime(value: Any) -> dt.datetime | None:
    """A time as hotline exports write it, Beijing time unless it says otherwise. None for an
    empty cell; ValueError for one that is not a time."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=CST)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), CST)
    s = str(value).strip()
    s = re.sub(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*", r"\1-\2-\3 ", s)
    s = re.sub(
        r"(\d{1,2})[时点](\d{1,2})分?(?:(\d{1,2})秒)?",
        lambda m: f"{m[1]}:{m[2]}" + (f":{m[3]}" if m[3] else ""),
        s,
    ).strip()
    try:
        parsed = dt.datetime.fromisoformat(s)
    except ValueError:
        parsed = None
        for pattern in _DT_PATTERNS:
            try:
                parsed = dt.datetime.strptime(s, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValueError(f"时间「{value}」无法识别 / not a time: {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=CST)


def parse_float(value: Any) -> float | None:
    """A number; None for an empty cell; ValueError for one that is not a number."""
    if _blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    s = str(value).strip().replace("，", ".").replace("°", "")
    try:
        return float(s)
    except ValueError:
        raise ValueError(f"「{value}」不是数字 / not a number: {value!r}") from None


def cell_text(value: Any) -> str:
    """A cell as text (an id read by Excel as 2026001.0 back to 2026001)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return " ".join(str(value).split())
