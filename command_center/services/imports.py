"""Imports of 12345-hotline requests as incidents: Open311 GeoReport v2 files and CSV/XLSX
tables read with a saved column mapping (the mappings are kept here too).

Every incident is written by ``services.incident_writer``: placement, number, deadlines, the
category where the request names one of ours, the audit entry. This module reads and checks
what comes in. One import is one transaction: the file is read first (a file that is not
GeoReport v2 imports nothing), then every usable request becomes an incident on the channel
``hotline_12345`` (GCJ-02, like the hotline's coordinates: nothing is transformed), written with
COPY (10,000 requests in a few seconds), never flushed one by one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.interop.open311 import ServiceRequest, parse_requests
from command_center.models import IncidentStatus
from command_center.models.incident import LocationFlag
from command_center.services.audit import Actor
from command_center.services.incident_writer import (
    CategoryMatcher,
    NewIncident,
    Origin,
    TextTooLong,
    cut,
    fit_text,
    usable,
    write_incidents,
)
from command_center.services.intake import EXTERNAL_MAX, TITLE_FORM_MAX, IntakeError

CHANNEL_CODE = "hotline_12345"
CHANNEL_NAME = "12345热线"
CHANNEL_NAME_EN = "12345 government hotline"
NUMBER_PREFIX = "RX"
PRIORITY = 3
TITLE_MAX = TITLE_FORM_MAX
# imports take turns, so two of them never import the same request twice
_IMPORT_LOCK = 0x0CC0_311


def _import_origin(source: str) -> Origin:
    return Origin("incident.import", f"从 {source} 导入12345热线来件", NUMBER_PREFIX, 5)


_HOTLINE = (CHANNEL_CODE, CHANNEL_NAME, CHANNEL_NAME_EN)


@dataclass(frozen=True)
class ImportReport:
    imported: int
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (request id or "#n", reason)
    flagged_outside: int = 0  # imported, but outside every grid
    flagged_missing: int = 0  # imported, without usable coordinates
    auto_dispatched: int = 0  # dispatched by smart dispatch where the rules allow it
    new_ids: list[int] = field(default_factory=list, compare=False, repr=False)  # status new


def import_open311(session: Session, data: bytes, *, actor: Actor, source: str) -> ImportReport:
    """Import a GeoReport v2 request list from ``source`` (a feed name, e.g. "12345-gansu").

    ``source`` and the request's service_request_id identify it: importing the same requests
    again skips them as already imported. A request whose service_code (or service_name) is one
    of our categories gets it; every request gets its due date and the date by which the
    reporter is answered. Raises Open311FormatError, importing nothing, when the data is not
    GeoReport v2. Commits.
    """
    source = source.strip()
    if not source or len(source) > EXTERNAL_MAX:
        raise ValueError(
            f"来源名称应为1至{EXTERNAL_MAX}个字符 / the source name must be 1 to "
            f"{EXTERNAL_MAX} characters"
        )
    parsed = parse_requests(data)  # raises before anything is written
    skipped = list(parsed.skipped)
    try:
        report = _import(session, parsed.requests, skipped, actor=actor, source=source)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return _auto(session, report)


def _auto(session: Session, report: Any) -> Any:
    """Smart dispatch's automatic dispatch of the new incidents just imported (committed
    already), each where the learned model agrees with the routing rules above the configured
    confidence (learned_routing.auto_dispatch_many): audited as automatic, undone by an
    operator."""
    import dataclasses
    import logging

    from command_center.services import learned_routing

    try:
        made = learned_routing.auto_dispatch_many(session, list(report.new_ids))
    except Exception:  # the import is committed: the rest wait for a person
        session.rollback()
        logging.getLogger(__name__).exception("automatic dispatch after an import")
        return report
    return dataclasses.replace(report, auto_dispatched=len(made)) if made else report


def _import(
    session: Session,
    requests: list[ServiceRequest],
    skipped: list[tuple[str, str]],
    *,
    actor: Actor,
    source: str,
) -> ImportReport:
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _IMPORT_LOCK})
    existing = set(
        session.scalars(
            text(
                "SELECT external_id FROM incidents "
                "WHERE external_source = :s AND external_id = ANY(:ids)"
            ),
            {"s": source, "ids": [r.service_request_id for r in requests if r.service_request_id]},
        )
    )
    todo: list[ServiceRequest] = []
    seen: set[str] = set()
    for req in requests:
        rid = req.service_request_id
        if rid is None:
            skipped.append(
                (
                    req.service_code or "?",
                    "缺少 service_request_id，无法防止重复导入 / no service_request_id: a "
                    "second import could not be recognised",
                )
            )
        elif len(rid) > EXTERNAL_MAX:
            skipped.append((cut(rid, EXTERNAL_MAX), f"编号超过{EXTERNAL_MAX}个字符 / id too long"))
        elif rid in existing:
            skipped.append((rid, "已导入 / already imported"))
        elif rid in seen:
            skipped.append((rid, "文件中重复 / repeated in the file"))
        else:
            seen.add(rid)
            todo.append(req)
    if not todo:
        return ImportReport(0, skipped)

    now = clock.now().replace(microsecond=0)
    categories = CategoryMatcher(session)
    news = []
    for req in todo:
        reported = req.requested_datetime or now
        closed = req.status == "closed"
        news.append(
            NewIncident(
                channel_code=CHANNEL_CODE,
                title=_title(req),
                reported_at=reported,
                description=fit_text("description", req.description) or "",
                category_code=categories.match(req.service_code, req.service_name),
                address=fit_text("address", req.address),
                lon=req.long,
                lat=req.lat,
                priority=PRIORITY,
                status=IncidentStatus.CLOSED.value if closed else IncidentStatus.NEW.value,
                closed_at=(req.updated_datetime or reported) if closed else None,
                external_source=source,
                external_id=req.service_request_id,
            )
        )
    # the hotline's files have always been placed by their coordinates only
    written = write_incidents(
        session, actor, news, _import_origin(source), by_address=False, channel=_HOTLINE
    )
    flags = [w.placement.flag for w in written]
    return ImportReport(
        len(written),
        skipped,
        flags.count(LocationFlag.OUTSIDE.value),
        flags.count(LocationFlag.MISSING.value),
        new_ids=[w.id for w, n in zip(written, news, strict=True) if n.status == "new"],
    )


def _title(req: ServiceRequest) -> str:
    """The service name and the start of the description, at most 200 characters."""
    name = cut(" ".join((req.service_name or req.service_code or "").split()), 100)
    desc = cut(" ".join((req.description or "").split()), 60)
    title = f"{name}：{desc}" if name and desc else name or desc or "12345热线来件"
    return fit_text("title", title) or ""


# --- 12345 request tables (CSV / XLSX) with a column mapping ---------------------------------

_PRIORITY_WORDS = {
    "特急": 1, "紧急": 1, "urgent": 1, "加急": 2, "较急": 2, "急": 2, "high": 2,
    "一般": 3, "普通": 3, "normal": 3, "不急": 4, "低": 4, "low": 4,
}  # fmt: skip


@dataclass(frozen=True)
class ImportResult:
    imported: int
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    flagged_outside: int = 0
    flagged_missing: int = 0  # no coordinates (placed by the address where it names a place)
    encoding: str = ""
    auto_dispatched: int = 0  # dispatched by smart dispatch where the rules allow it
    new_ids: list[int] = field(default_factory=list, compare=False, repr=False)


def list_mappings(session: Session) -> dict[str, dict[str, str]]:
    """Saved column mappings by name."""
    from command_center.models import ImportMapping

    rows = session.execute(text("SELECT name, mapping FROM import_mappings ORDER BY name")).all()
    _ = ImportMapping
    return {name: dict(mapping) for name, mapping in rows}


def save_mapping(session: Session, actor: Actor, name: str, mapping: dict[str, str]) -> None:
    """Save (or replace) a column mapping under ``name``; commits."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    from command_center.interop.tabular import FIELDS
    from command_center.models import ImportMapping
    from command_center.services import audit

    name = " ".join(name.split())
    if not name or len(name) > 64:
        raise IntakeError("映射名称应为1至64个字符 / the mapping name must be 1 to 64 characters")
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise IntakeError(f"未知字段 {', '.join(unknown)} / unknown fields {', '.join(unknown)}")
    clean = {k: v for k, v in mapping.items() if v}
    try:
        for header in clean.values():
            fit_text("column", header, refuse=True)
    except TextTooLong as exc:
        raise IntakeError(str(exc)) from None
    before = list_mappings(session).get(name)
    stmt = pg_insert(ImportMapping).values(name=name, mapping=clean)
    session.execute(
        stmt.on_conflict_do_update(index_elements=[ImportMapping.name], set_={"mapping": clean})
    )
    audit.record(
        session,
        actor,
        "import_mapping.save",
        "import_mapping",
        None,
        f"{actor.name} 保存导入列映射「{name}」",
        before=before,
        after=clean,
    )
    session.commit()


def import_table(
    session: Session,
    actor: Actor,
    path: str,
    mapping: dict[str, str],
    source: str,
) -> ImportResult:
    """Import 12345 requests from a CSV or XLSX file with ``mapping`` {our field: header}.

    One transaction: rows with errors are skipped with their row number and reason, the others
    imported; a file that cannot be read raises TabularFormatError and imports nothing. Rows
    already imported from ``source`` (by the request number) are skipped. Commits.
    """
    from command_center.interop.tabular import read_table

    table = read_table(path)  # raises before anything is written
    return import_rows(session, actor, table, mapping, source)


def import_rows(
    session: Session, actor: Actor, table: Any, mapping: dict[str, str], source: str
) -> ImportResult:
    """import_table for a table already read (the dialog reads it once for its preview)."""
    from command_center.interop.tabular import FIELDS, REQUIRED, TabularFormatError

    source = " ".join(source.split())
    if not source or len(source) > EXTERNAL_MAX:
        raise IntakeError(
            f"来源名称应为1至{EXTERNAL_MAX}个字符 / the source name must be 1 to "
            f"{EXTERNAL_MAX} characters"
        )
    for f in REQUIRED:
        if not mapping.get(f):
            zh, en, _ = FIELDS[f]
            raise TabularFormatError(f"请指定「{zh}」对应的列 / map a column to {en}")
    missing = sorted(h for h in mapping.values() if h and h not in table.headers)
    if missing:
        raise TabularFormatError(
            f"文件中没有列：{'、'.join(missing)} / the file has no column {', '.join(missing)}"
        )
    if not mapping.get("description") and not mapping.get("title"):
        raise TabularFormatError(
            "请指定诉求内容或标题对应的列 / map a column to the description or the title"
        )
    try:
        result = _import_rows(session, actor, table, mapping, source)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return _auto(session, result)


def _import_rows(
    session: Session, actor: Actor, table: Any, mapping: dict[str, str], source: str
) -> ImportResult:
    from command_center.interop.tabular import cell_text, parse_datetime, parse_float

    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _IMPORT_LOCK})
    records = table.records(mapping)
    skipped: list[tuple[int, str]] = []
    ids_in_file = [cell_text(r.get("external_id")) for _, r in records]
    existing = set(
        session.scalars(
            text(
                "SELECT external_id FROM incidents "
                "WHERE external_source = :s AND external_id = ANY(:ids)"
            ),
            {"s": source, "ids": [i for i in ids_in_file if i]},
        )
    )
    categories = CategoryMatcher(session)

    now = clock.now().replace(microsecond=0)
    good: list[NewIncident] = []
    seen: set[str] = set()
    for row_no, rec in records:
        try:
            good_row = _convert(rec, now, categories, cell_text, parse_datetime, parse_float)
        except ValueError as exc:
            skipped.append((row_no, str(exc)))
            continue
        rid = good_row["external_id"]
        if rid in existing:
            skipped.append((row_no, f"已导入（{rid}） / already imported ({rid})"))
        elif rid in seen:
            skipped.append((row_no, f"文件中重复（{rid}） / repeated in the file ({rid})"))
        else:
            seen.add(rid)
            good.append(
                NewIncident(
                    channel_code=CHANNEL_CODE,
                    external_source=source,
                    status=IncidentStatus.NEW.value,
                    note={"row": row_no},
                    **good_row,
                )
            )
    if not good:
        return ImportResult(0, skipped, encoding=table.encoding)
    written = write_incidents(session, actor, good, _import_origin(source), channel=_HOTLINE)
    flags = [w.placement.flag for w in written]
    return ImportResult(
        len(written),
        skipped,
        flags.count(LocationFlag.OUTSIDE.value),
        flags.count(LocationFlag.MISSING.value),
        table.encoding,
        new_ids=[w.id for w in written],
    )


def _convert(
    rec: dict[str, Any],
    now: dt.datetime,
    categories: CategoryMatcher,
    cell_text: Any,
    parse_datetime: Any,
    parse_float: Any,
) -> dict[str, Any]:
    """One row's values, or ValueError with the reason ("中文 / English")."""
    rid = cell_text(rec.get("external_id"))
    if not rid:
        raise ValueError("缺少工单编号 / no request number")
    fit_text("external_id", rid, refuse=True)  # TextTooLong is a ValueError: the row is skipped
    raw = rec.get("description") if "description" in rec else None
    description = (
        "\n".join(" ".join(line.split()) for line in str(raw).strip().splitlines())
        if isinstance(raw, str)
        else cell_text(raw)
    ).strip()
    title = cell_text(rec.get("title")) if "title" in rec else ""
    if not description and not title:
        raise ValueError("没有诉求内容 / no description")
    category_text = cell_text(rec.get("category")) if "category" in rec else ""
    category_code = categories.match(category_text)
    if not title:
        name = category_text.split("/")[-1].strip() if category_text else ""
        short = cut(description, 60)
        title = f"{name}：{short}" if name else short
    title = fit_text("title", title) or ""
    description = fit_text("description", description) or ""
    lon = lat = None
    try:
        lon = parse_float(rec.get("lon"))
        lat = parse_float(rec.get("lat"))
    except ValueError as exc:
        raise ValueError(f"坐标无效：{exc}") from None
    if (lon is None) != (lat is None):
        raise ValueError("经度和纬度只有一个 / only one of longitude and latitude")
    if lon is not None and lat is not None:
        if lon == 0 and lat == 0:
            lon = lat = None  # what many exports write for "no coordinates"
        elif not usable(lon, lat):
            raise ValueError(f"坐标超出范围（{lon}, {lat}） / coordinates out of range")
    try:
        at = parse_datetime(rec.get("reported_at")) or now
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    if at > now + dt.timedelta(days=1):
        raise ValueError(f"来电时间在将来（{at:%Y-%m-%d %H:%M}） / reported in the future")
    priority = PRIORITY
    ptext = cell_text(rec.get("priority")) if "priority" in rec else ""
    if ptext:
        if ptext.isdigit() and 1 <= int(ptext) <= 4:
            priority = int(ptext)
        elif ptext.lower() in _PRIORITY_WORDS:
            priority = _PRIORITY_WORDS[ptext.lower()]
        else:
            raise ValueError(f"紧急程度「{ptext}」无法识别 / unknown priority {ptext!r}")
    name = cell_text(rec.get("reporter_name")) or None if "reporter_name" in rec else None
    phone = cell_text(rec.get("reporter_phone")) or None if "reporter_phone" in rec else None
    fit_text("reporter_name", name, refuse=True)  # a name or phone cut is a wrong one: skipped
    fit_text("reporter_phone", phone, refuse=True)
    address = cell_text(rec.get("address")) or None if "address" in rec else None
    address = fit_text("address", address)
    return {
        "external_id": rid,
        "title": title,
        "description": description,
        "category_code": category_code,
        "lon": lon,
        "lat": lat,
        "reported_at": at.astimezone(dt.UTC),
        "priority": priority,
        "reporter_name": name,
        "reporter_phone": phone,
        "address": address,
    }
