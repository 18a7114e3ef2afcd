"""Reading labelled texts for the classifier (``command-center classify``): a CSV or XLSX export
with one or more text columns (joined: subject + body) and a label column.

Real exports are messy; what this does with each quirk:

- encodings: UTF-8 with or without BOM, GB18030 (GBK's superset), UTF-16 (LE/BE, with BOM, or
  without one when every other byte is zero) are detected and reported (``encoding``);
- cells keep their leading tabs and newlines, full-width spaces and HTML entities here; the
  classifier's ``clean_text`` folds them;
- an empty text (or label) is skipped and counted (``empty_text``, ``empty_label``);
- an id (``--id-column``, else a column an export calls 工单编号/编号/id) seen more than once:
  with one label, the first row is kept and the others counted (``duplicates``); with
  conflicting labels every row of that id is left out and counted (``conflicts``): we cannot
  tell which label a person confirmed last, and a wrong one teaches the model the wrong thing;
- numbers (an Excel date serial such as 45123, an id read as 2026001.0) in any column are read
  as text and do not stop the reading.

A file that cannot be read raises :class:`~command_center.interop.tabular.TabularFormatError`
("中文 / English").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from command_center.interop import tabular
from command_center.interop.tabular import TabularFormatError, cell_text


@dataclass
class Labelled:
    texts: list[str]
    labels: list[str]
    encoding: str
    rows: int  # data rows read (blank rows not counted)
    empty_text: int = 0
    empty_label: int = 0
    duplicates: int = 0
    conflicts: int = 0  # rows left out: their id carries different labels
    conflicting_ids: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"encoding={self.encoding} rows={self.rows} used={len(self.texts)} "
            f"empty_text={self.empty_text} empty_label={self.empty_label} "
            f"duplicates={self.duplicates} conflicts={self.conflicts}"
        )


def _utf16(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    else:
        sample = data[:4000]
        if len(sample) < 4:
            return None
        even = sample[0::2].count(0) / max(1, len(sample[0::2]))
        odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
        if odd > 0.3 and even < 0.05:
            enc = "utf-16-le"
        elif even > 0.3 and odd < 0.05:
            enc = "utf-16-be"
        else:
            return None
    try:
        data.decode(enc)
    except UnicodeDecodeError as exc:
        raise TabularFormatError(
            f"UTF-16 文件已损坏（第{exc.start}字节） / broken UTF-16 file (at byte {exc.start})"
        ) from exc
    return enc


def read_table(path: str | Path) -> tabular.Table:
    """tabular.read_table, and UTF-16 text as well (re-encoded to UTF-8 for the CSV reader)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise TabularFormatError(
            f"无法读取文件 {p.name}：{exc.strerror} / cannot read {p.name}: {exc.strerror}"
        ) from exc
    enc = _utf16(data) if data[:4] != b"PK\x03\x04" else None
    if enc is not None:
        text = data.decode(enc).lstrip("\ufeff")
        table = tabular.read_bytes(text.encode("utf-8"), p.name)
        return tabular.Table(
            table.headers,
            table.rows,
            table.first_row,
            enc.replace("-le", "").replace("-be", "") if enc == "utf-16" else enc,
        )
    return tabular.read_bytes(data, p.name)


def _column(headers: list[str], name: str) -> int:
    norm = " ".join(name.split())
    if norm in headers:
        return headers.index(norm)
    lowered = [h.lower() for h in headers]
    if norm.lower() in lowered:
        return lowered.index(norm.lower())
    raise TabularFormatError(
        f"找不到列「{name}」（表头：{'、'.join(headers)}） / no column「{name}」(the headers: "
        f"{', '.join(headers)})"
    )


def read_labelled(
    path: str | Path,
    text_columns: list[str],
    label_column: str,
    id_column: str | None = None,
) -> Labelled:
    table = read_table(path)
    text_idx = [_column(table.headers, c) for c in text_columns]
    label_idx = _column(table.headers, label_column)
    if id_column is not None:
        id_idx: int | None = _column(table.headers, id_column)
    else:
        guess = tabular.suggest_mapping(table.headers).get("external_id")
        id_idx = table.headers.index(guess) if guess is not None else None
        if id_idx in (label_idx, *text_idx):
            id_idx = None
    out = Labelled([], [], table.encoding, 0)
    by_id: dict[str, list[tuple[str, str]]] = defaultdict(list)
    order: list[str] = []
    anonymous: list[tuple[str, str]] = []
    for row in table.rows:
        cells = [row[i] if i < len(row) else None for i in range(len(table.headers))]
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        out.rows += 1
        parts = [_raw(cells[i]) for i in text_idx]
        text = "\n".join(p for p in parts if p.strip())
        label = cell_text(cells[label_idx])
        if not text.strip():
            out.empty_text += 1
            continue
        if not label:
            out.empty_label += 1
            continue
        key = cell_text(cells[id_idx]) if id_idx is not None else ""
        if not key:
            anonymous.append((text, label))
            continue
        if key not in by_id:
            order.append(key)
        by_id[key].append((text, label))
    for key in order:
        rows = by_id[key]
        if len({lab for _, lab in rows}) > 1:
            out.conflicts += len(rows)
            out.conflicting_ids.append(key)
            continue
        out.duplicates += len(rows) - 1
        out.texts.append(rows[0][0])
        out.labels.append(rows[0][1])
    for text, label in anonymous:
        out.texts.append(text)
        out.labels.append(label)
    return out


def _raw(value: object) -> str:
    """A text cell as it is (its whitespace and entities are the classifier's to clean)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
