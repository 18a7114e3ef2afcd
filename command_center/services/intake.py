"""Intake of 12345-hotline requests (Open311 GeoReport v2) as incidents.

One import is one transaction: the file is read first (a file that is not GeoReport v2 imports
nothing), then every usable request becomes an incident on the channel ``hotline_12345``, with
one audit entry each. Responsibility is fixed by point-in-polygon against the current grids
(GCJ-02, like the hotline's coordinates: nothing is transformed); a point outside every grid is
flagged 'outside' and one without usable coordinates 'missing' — never guessed. Category and
routing come later.

Rows are written with COPY (10,000 requests in a few seconds), never flushed one by one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.clock import CST
from command_center.db.listener import CHANNEL, RELOAD_NOTICE
from command_center.interop.open311 import ServiceRequest, parse_requests
from command_center.models import IncidentStatus
from command_center.models.incident import LocationFlag
from command_center.services.audit import Actor
from command_center.services.demo.copy import copy_rows

CHANNEL_CODE = "hotline_12345"
CHANNEL_NAME = "12345热线"
CHANNEL_NAME_EN = "12345 government hotline"
NUMBER_PREFIX = "RX"
PRIORITY = 3
TITLE_MAX = 200
ADDRESS_MAX = 300
EXTERNAL_MAX = 64
# imports take turns, so two of them never hand out the same number
_IMPORT_LOCK = 0x0CC0_311


@dataclass(frozen=True)
class ImportReport:
    imported: int
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (request id or "#n", reason)
    flagged_outside: int = 0  # imported, but outside every grid
    flagged_missing: int = 0  # imported, without usable coordinates


@dataclass(frozen=True)
class _Grid:
    id: int
    village_id: int | None
    town_id: int | None


class GridLocator:
    """Point-in-polygon against the current grids (one STRtree, vectorised queries)."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(
            text(
                "SELECT g.id, g.geometry::text, v.id, v.parent_id FROM admin_areas g "
                "LEFT JOIN admin_areas v ON v.id = g.parent_id "
                "WHERE g.level = 'grid' AND g.valid_to IS NULL AND g.geometry IS NOT NULL "
                "ORDER BY g.id"
            )
        ).all()
        self.grids = [_Grid(r[0], r[2], r[3]) for r in rows]
        geoms = shapely.from_geojson([r[1] for r in rows]) if rows else np.array([], dtype=object)
        self._tree = shapely.STRtree(geoms)

    def locate(self, lons: np.ndarray, lats: np.ndarray) -> list[_Grid | None]:
        """The grid holding each point, or None when it lies outside every grid.

        A point exactly on a boundary shared by several grids (or inside overlapping grids, a
        data error) goes to the one with the lowest id, so the answer is always the same.
        """
        n = len(lons)
        found: list[_Grid | None] = [None] * n
        if n == 0 or not self.grids:
            return found
        points = shapely.points(lons, lats)
        for predicate in ("within", "intersects"):  # interiors first, then boundaries
            todo = np.array([i for i in range(n) if found[i] is None], dtype=np.intp)
            if not len(todo):
                break
            inputs, hits = self._tree.query(points[todo], predicate=predicate)
            for i, hit in sorted(zip(todo[inputs].tolist(), hits.tolist(), strict=True)):
                if found[i] is None:  # sorted by tree index = by grid id: the lowest wins
                    found[i] = self.grids[hit]
        return found


# An import of at least this many rows sends one "reload" notice instead of one per row
# (alembic 0004: the notify trigger stays quiet while the transaction sets cc.bulk).
BULK_NOTIFY_THRESHOLD = 50


def quiet_bulk(session: Session, rows: int) -> bool:
    """For a big import: no notification per row in this transaction; call
    :func:`announce_reload` before committing. Returns whether it applies."""
    if rows < BULK_NOTIFY_THRESHOLD:
        return False
    session.execute(text("SET LOCAL cc.bulk = 'on'"))
    return True


def announce_reload(session: Session) -> None:
    """One notice for the whole transaction, delivered at commit (never on rollback)."""
    session.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": RELOAD_NOTICE})


def import_open311(session: Session, data: bytes, *, actor: Actor, source: str) -> ImportReport:
    """Import a GeoReport v2 request list from ``source`` (a feed name, e.g. "12345-gansu").

    ``source`` and the request's service_request_id identify it: importing the same requests
    again skips them as already imported. Raises Open311FormatError, importing nothing, when
    the data is not GeoReport v2. Commits.
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
        quiet = quiet_bulk(session, len(parsed.requests))
        report = _import(session, parsed.requests, skipped, actor=actor, source=source)
        if quiet and report.imported:
            announce_reload(session)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return report


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
            skipped.append(
                (rid[:EXTERNAL_MAX] + "…", f"编号超过{EXTERNAL_MAX}个字符 / id too long")
            )
        elif rid in existing:
            skipped.append((rid, "已导入 / already imported"))
        elif rid in seen:
            skipped.append((rid, "文件中重复 / repeated in the file"))
        else:
            seen.add(rid)
            todo.append(req)
    if not todo:
        return ImportReport(0, skipped)

    session.execute(
        text(
            "INSERT INTO channels (code, name, name_en) VALUES (:c, :n, :e) "
            "ON CONFLICT (code) DO NOTHING"
        ),
        {"c": CHANNEL_CODE, "n": CHANNEL_NAME, "e": CHANNEL_NAME_EN},
    )

    # where: one vectorised point-in-polygon query for the whole file
    located = [i for i, r in enumerate(todo) if r.lat is not None and r.long is not None]
    grids: list[_Grid | None] = [None] * len(todo)
    if located:
        lons = np.array([todo[i].long for i in located], dtype=float)
        lats = np.array([todo[i].lat for i in located], dtype=float)
        for i, grid in zip(located, GridLocator(session).locate(lons, lats), strict=True):
            grids[i] = grid

    now = clock.now().replace(microsecond=0)
    reported = [r.requested_datetime or now for r in todo]
    numbers = _numbers(session, reported)
    ids = session.scalars(
        text(
            "SELECT nextval(pg_get_serial_sequence('incidents', 'id')) FROM generate_series(1, :n)"
        ),
        {"n": len(todo)},
    ).all()

    rows: list[tuple[Any, ...]] = []
    audit_rows: list[tuple[Any, ...]] = []
    outside = missing = 0
    has_point = set(located)
    for i, req in enumerate(todo):
        grid = grids[i]
        if i not in has_point:
            flag = LocationFlag.MISSING.value
            missing += 1
        elif grid is None:
            flag = LocationFlag.OUTSIDE.value
            outside += 1
        else:
            flag = LocationFlag.OK.value
        closed = req.status == "closed"
        status = IncidentStatus.CLOSED.value if closed else IncidentStatus.NEW.value
        closed_at = (req.updated_datetime or reported[i]) if closed else None
        title = _title(req)
        rows.append(
            (
                ids[i],
                numbers[i],
                CHANNEL_CODE,
                title,
                req.description or "",
                _cut(req.address, ADDRESS_MAX),
                req.long if flag != LocationFlag.MISSING else None,
                req.lat if flag != LocationFlag.MISSING else None,
                flag,
                grid.id if grid else None,
                grid.village_id if grid else None,
                grid.town_id if grid else None,
                source,
                req.service_request_id,
                PRIORITY,
                status,
                reported[i],
                closed_at,
            )
        )
        where = {
            LocationFlag.OK.value: "",
            LocationFlag.OUTSIDE.value: "，位置在辖区外待核",
            LocationFlag.MISSING.value: "，无坐标待核",
        }[flag]
        audit_rows.append(
            (
                actor.user_id,
                actor.name,
                "incident.import",
                "incident",
                ids[i],
                f"{actor.name} 从 {source} 导入12345热线来件 {numbers[i]}「{title}」{where}",
                json.dumps(
                    {
                        "number": numbers[i],
                        "channel_code": CHANNEL_CODE,
                        "external_source": source,
                        "external_id": req.service_request_id,
                        "status": status,
                        "location_flag": flag,
                        "grid_id": grid.id if grid else None,
                        "reported_at": reported[i].isoformat(),
                    },
                    ensure_ascii=False,
                ),
            )
        )

    raw = session.connection().connection.driver_connection
    copy_rows(
        raw,  # type: ignore[arg-type]
        "incidents",
        (
            "id",
            "number",
            "channel_code",
            "title",
            "description",
            "address",
            "lon",
            "lat",
            "location_flag",
            "grid_id",
            "village_id",
            "town_id",
            "external_source",
            "external_id",
            "priority",
            "status",
            "reported_at",
            "closed_at",
        ),
        rows,
    )
    # the same entry services.audit.record() writes, for every incident in one COPY
    copy_rows(
        raw,  # type: ignore[arg-type]
        "audit_log",
        ("actor_id", "actor_name", "action", "entity_type", "entity_id", "summary", "after"),
        audit_rows,
    )
    return ImportReport(len(rows), skipped, outside, missing)


def _numbers(
    session: Session,
    reported: list[dt.datetime],
    prefix: str = NUMBER_PREFIX,
    digits: int = 5,
) -> list[str]:
    """``prefix`` + the Beijing date + a sequence of ``digits``, continuing each day's highest
    number (imports: RX…00001; the operator's form: SJ…0001, as the demo county numbers)."""
    prefixes = [f"{prefix}{at.astimezone(CST):%Y%m%d}" for at in reported]
    width = len(prefix) + 8
    # a range per day on the number's unique index: a day's rows, not the whole table
    # (a form's save read all of a million incidents, 0.75–1.3 s, before)
    rows = session.execute(
        text(
            f"SELECT p.day, max(substr(i.number, {width + 1})::bigint) "
            "FROM unnest(CAST(:prefixes AS text[])) AS p(day) JOIN incidents i "
            "ON i.number BETWEEN p.day || '0' AND p.day || '999999999' "
            "WHERE i.number ~ :pattern GROUP BY 1"
        ),
        {"pattern": f"^{prefix}[0-9]{{8}}[0-9]+$", "prefixes": sorted(set(prefixes))},
    ).all()
    last = {str(p): int(seq) for p, seq in rows}
    out = []
    for p in prefixes:
        seq = last.get(p, 0) + 1
        last[p] = seq
        out.append(f"{p}{seq:0{digits}d}")
    return out


def _cut(value: str | None, limit: int) -> str | None:
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


def _title(req: ServiceRequest) -> str:
    """The service name and the start of the description, at most 200 characters."""
    name = _cut(" ".join((req.service_name or req.service_code or "").split()), 100) or ""
    desc = _cut(" ".join((req.description or "").split()), 60) or ""
    title = f"{name}：{desc}" if name and desc else name or desc or "12345热线来件"
    return _cut(title, TITLE_MAX) or ""


# --- an operator taking a call ----------------------------------------------------------------

FORM_NUMBER_PREFIX = "SJ"  # like the incidents of the demo county: SJ + Beijing date + sequence
_NUMBER_LOCK = 0x0CC0_5100  # two workstations never hand out the same SJ number
TITLE_FORM_MAX = 200
NAME_MAX = 64
PHONE_MAX = 32


class IntakeError(ValueError):
    """Input the form cannot save; str is "中文 / English"."""


@dataclass(frozen=True)
class IncidentDraft:
    """What the operator typed. ``lon``/``lat`` are GCJ-02, like the map."""

    channel_code: str
    title: str
    category_code: str | None = None
    description: str = ""
    address: str | None = None
    lon: float | None = None
    lat: float | None = None
    reporter_name: str | None = None
    reporter_phone: str | None = None
    priority: int = 3
    reported_at: dt.datetime | None = None  # default: now


@dataclass(frozen=True)
class Placement:
    """Where an incident belongs and how that was found."""

    flag: str  # LocationFlag: ok, outside, missing
    source: str  # "point", "address" (from the gazetteer, no coordinates), or "none"
    grid_id: int | None = None
    village_id: int | None = None
    town_id: int | None = None
    grid_name: str | None = None
    village_name: str | None = None
    town_name: str | None = None
    place_name: str | None = None  # the gazetteer place an address was resolved to

    @property
    def path(self) -> str:
        """民乐县·洪水镇·益民村·益民村第一网格 (what is known of it)."""
        return "·".join(n for n in (self.town_name, self.village_name, self.grid_name) if n)

    def describe(self) -> str:
        """One line for the operator and the audit log, "中文 / English"."""
        if self.source == "point" and self.flag == LocationFlag.OK:
            return f"{self.path}（按坐标定位） / {self.path} (by the point)"
        if self.flag == LocationFlag.OUTSIDE:
            return "位置在辖区外，待核实 / the point lies outside the county: to be checked"
        if self.source == "address":
            return (
                f"{self.path}（仅按地址定位，无坐标） / {self.path} (by the address only, "
                "no coordinates)"
            )
        return "无可用位置，待核实 / no usable location: to be checked"


@dataclass(frozen=True)
class CreatedIncident:
    id: int
    number: str
    placement: Placement
    reported_at: dt.datetime
    due_at: dt.datetime | None
    answer_due_at: dt.datetime | None
    suggestion: Any  # routing.Suggestion | None
    duplicates: list[Any]  # duplicates.Candidate


@dataclass(frozen=True)
class IntakePreview:
    """What the form shows before saving."""

    placement: Placement
    suggestion: Any  # routing.Suggestion | None
    duplicates: list[Any]


_locators: dict[str, GridLocator] = {}


def cached_locator(session: Session) -> GridLocator:
    """The grids of the session's database, built once per process (see :func:`invalidate`)."""
    key = session.get_bind().url.render_as_string(hide_password=True)
    loc = _locators.get(key)
    if loc is None:
        loc = _locators[key] = GridLocator(session)
    return loc


def invalidate() -> None:
    """Forget the cached grids and gazetteer (call on an admin_areas change)."""
    from command_center.services import gazetteer

    _locators.clear()
    gazetteer.invalidate()


def _usable(lon: float | None, lat: float | None) -> bool:
    return (
        lon is not None
        and lat is not None
        and np.isfinite(lon)
        and np.isfinite(lat)
        and -180 <= lon <= 180
        and -90 <= lat <= 90
    )


def place(
    session: Session, lon: float | None, lat: float | None, address: str | None = None
) -> Placement:
    """Where a point (or, without one, an address) belongs: point-in-polygon in the grids; an
    address only through the gazetteer's most specific place. Outside or unknown is flagged,
    never guessed."""
    from command_center.services import gazetteer

    gaz = gazetteer.get(session)
    if _usable(lon, lat):
        assert lon is not None and lat is not None
        grid = cached_locator(session).locate(np.array([lon]), np.array([lat]))[0]
        if grid is None:
            return Placement(LocationFlag.OUTSIDE.value, "point")
        names = [
            gaz.place_of_area(i) if i else None for i in (grid.id, grid.village_id, grid.town_id)
        ]
        return Placement(
            LocationFlag.OK.value,
            "point",
            grid.id,
            grid.village_id,
            grid.town_id,
            *(p.name if p else None for p in names),
        )
    found = gaz.resolve_address(address) if address and address.strip() else None
    if found is None or found.town_id is None:
        return Placement(LocationFlag.MISSING.value, "none")
    names = [
        gaz.place_of_area(i) if i else None
        for i in (found.grid_id, found.village_id, found.town_id)
    ]
    return Placement(
        LocationFlag.MISSING.value,
        "address",
        found.grid_id,
        found.village_id,
        found.town_id,
        *(p.name if p else None for p in names),
        place_name=found.name,
    )


def suggest_department(session: Session, category_code: str | None, town_id: int | None) -> Any:
    """routing.suggest, or the category's default department where routing is not there."""
    try:
        from command_center.services import routing
    except ImportError:  # pragma: no cover - routing arrives with the closed loop
        routing = None  # type: ignore[assignment]
    if routing is not None:
        return routing.suggest(session, category_code, town_id)
    if category_code is None:
        return None
    row = session.execute(
        text(
            "SELECT d.id, d.name, c.name FROM categories c JOIN departments d "
            "ON d.id = c.default_department_id WHERE c.code = :c"
        ),
        {"c": category_code},
    ).one_or_none()
    if row is None:
        return None
    from types import SimpleNamespace

    return SimpleNamespace(
        department_id=row[0], department_name=row[1], reason=f"分类「{row[2]}」的默认承办部门"
    )


def preview(
    session: Session, draft: IncidentDraft, *, exclude_id: int | None = None
) -> IntakePreview:
    """Placement, routing suggestion and duplicate candidates for a draft, without saving."""
    from command_center.services import duplicates

    where = place(session, draft.lon, draft.lat, draft.address)
    suggestion = suggest_department(session, draft.category_code, where.town_id)
    at = draft.reported_at or clock.now()
    usable = _usable(draft.lon, draft.lat) and where.flag == LocationFlag.OK
    dups = duplicates.candidates(
        session,
        lon=draft.lon if usable else None,
        lat=draft.lat if usable else None,
        text=f"{draft.title} {draft.description}",
        at=at,
        category_code=draft.category_code,
        exclude_id=exclude_id,
        village_id=where.village_id,
    )
    return IntakePreview(where, suggestion, dups)


def _clean(value: str | None, limit: int, what: str) -> str | None:
    value = " ".join((value or "").split())
    if not value:
        return None
    if len(value) > limit:
        raise IntakeError(
            f"{what[0]}不能超过{limit}个字符 / {what[1]} must be at most {limit} characters"
        )
    return value


def _validate(session: Session, draft: IncidentDraft) -> None:
    if not (draft.title or "").strip():
        raise IntakeError("请填写标题 / a title is required")
    if draft.priority not in (1, 2, 3, 4):
        raise IntakeError("优先级应为1至4 / priority must be 1 to 4")
    if (draft.lon is None) != (draft.lat is None):
        raise IntakeError("经度和纬度须同时填写 / give both longitude and latitude, or neither")
    if draft.lon is not None and not _usable(draft.lon, draft.lat):
        raise IntakeError("坐标无效 / the coordinates are not valid")
    if (
        session.scalar(text("SELECT 1 FROM channels WHERE code = :c"), {"c": draft.channel_code})
        is None
    ):
        raise IntakeError(f"没有来源渠道 {draft.channel_code} / no channel {draft.channel_code}")
    if (
        draft.category_code
        and session.scalar(
            text("SELECT 1 FROM categories WHERE code = :c"), {"c": draft.category_code}
        )
        is None
    ):
        raise IntakeError(f"没有事件分类 {draft.category_code} / no category {draft.category_code}")


def next_number(session: Session, at: dt.datetime, prefix: str = FORM_NUMBER_PREFIX) -> str:
    """The next SJ number of ``at``'s Beijing date (locks numbering until the commit)."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _NUMBER_LOCK})
    return _numbers(session, [at], prefix, digits=4)[0]


def create_incident(session: Session, actor: Actor, draft: IncidentDraft) -> CreatedIncident:
    """Save an incident an operator took (one audit entry); commits.

    Placed by point-in-polygon, or by the gazetteer when only an address was given (then
    flagged 'missing': no coordinates, responsibility from the address); outside the county or
    nowhere known is flagged, never guessed. Sets the deadline for the work (deadline rules,
    working days) and for answering the reporter ("orders.answer_working_days"). Returns the
    routing suggestion and duplicate candidates along with the number.
    """
    from command_center.models import Incident
    from command_center.services import audit, duplicates, settings
    from command_center.services.calendar import load_calendar

    _validate(session, draft)
    title = _clean(draft.title, TITLE_FORM_MAX, ("标题", "the title")) or ""
    address = _clean(draft.address, ADDRESS_MAX, ("地址", "the address"))
    name = _clean(draft.reporter_name, NAME_MAX, ("来电人姓名", "the reporter's name"))
    phone = _clean(draft.reporter_phone, PHONE_MAX, ("联系电话", "the phone number"))
    at = (draft.reported_at or clock.now()).astimezone(dt.UTC)
    try:
        where = place(session, draft.lon, draft.lat, address)
        calendar = load_calendar(session)
        local = at.astimezone(CST)
        try:
            from command_center.services import deadlines

            due = deadlines.allowance(session, draft.category_code, draft.priority).deadline(
                calendar, local
            )
        except ImportError:  # pragma: no cover - deadlines arrive with the closed loop
            due = calendar.add_working_days(local, 1 if draft.priority == 1 else 5)
        answer_days = int(settings.get(session, "orders.answer_working_days"))
        answer_due = calendar.add_working_days(local, answer_days)
        number = next_number(session, at)
        keep_point = where.flag != LocationFlag.MISSING.value
        incident = Incident(
            number=number,
            channel_code=draft.channel_code,
            category_code=draft.category_code or None,
            title=title,
            description=(draft.description or "").strip(),
            address=address,
            lon=draft.lon if keep_point else None,
            lat=draft.lat if keep_point else None,
            location_flag=where.flag,
            grid_id=where.grid_id,
            village_id=where.village_id,
            town_id=where.town_id,
            reporter_name=name,
            reporter_phone=phone,
            priority=draft.priority,
            status=IncidentStatus.NEW.value,
            reported_at=at,
            due_at=due,
            answer_due_at=answer_due,
        )
        session.add(incident)
        session.flush()
        how = {
            ("point", LocationFlag.OK.value): f"，位于{where.path}",
            ("point", LocationFlag.OUTSIDE.value): "，位置在辖区外待核",
            ("address", LocationFlag.MISSING.value): f"，仅按地址定位至{where.path}",
            ("none", LocationFlag.MISSING.value): "，无可用位置待核",
        }[(where.source, where.flag)]
        audit.record(
            session,
            actor,
            "incident.create",
            "incident",
            incident.id,
            f"{actor.name} 登记事件 {number}「{title}」{how}",
            after={
                "number": number,
                "channel_code": draft.channel_code,
                "category_code": draft.category_code,
                "priority": draft.priority,
                "status": IncidentStatus.NEW.value,
                "location_flag": where.flag,
                "located_by": where.source,
                "address_only": where.source == "address",
                "grid_id": where.grid_id,
                "village_id": where.village_id,
                "town_id": where.town_id,
                "reported_at": at.isoformat(),
                "due_at": due.isoformat() if due else None,
                "answer_due_at": answer_due.isoformat(),
            },
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    suggestion = suggest_department(session, draft.category_code, where.town_id)
    dups = duplicates.candidates(
        session,
        lon=draft.lon if where.flag == LocationFlag.OK.value else None,
        lat=draft.lat if where.flag == LocationFlag.OK.value else None,
        text=f"{title} {draft.description}",
        at=at,
        category_code=draft.category_code,
        exclude_id=incident.id,
        village_id=where.village_id,
    )
    return CreatedIncident(incident.id, number, where, at, due, answer_due, suggestion, dups)


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
        quiet = quiet_bulk(session, len(table.rows))
        result = _import_rows(session, actor, table, mapping, source)
        if quiet and result.imported:
            announce_reload(session)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return result


def _import_rows(
    session: Session, actor: Actor, table: Any, mapping: dict[str, str], source: str
) -> ImportResult:
    from command_center.interop.tabular import cell_text, parse_datetime, parse_float
    from command_center.services import gazetteer, settings
    from command_center.services.calendar import load_calendar

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
    categories = {
        str(code): (str(code), str(name))
        for code, name in session.execute(text("SELECT code, name FROM categories")).all()
    }
    by_name: dict[str, str] = {}
    for code, name in sorted(categories.values(), key=lambda c: -len(c[0])):  # leaves first
        by_name.setdefault(name, code)

    now = clock.now().replace(microsecond=0)
    good: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row_no, rec in records:
        try:
            good_row = _convert(
                rec, now, categories, by_name, cell_text, parse_datetime, parse_float
            )
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
            good_row["row"] = row_no
            good.append(good_row)
    if not good:
        return ImportResult(0, skipped, encoding=table.encoding)

    session.execute(
        text(
            "INSERT INTO channels (code, name, name_en) VALUES (:c, :n, :e) "
            "ON CONFLICT (code) DO NOTHING"
        ),
        {"c": CHANNEL_CODE, "n": CHANNEL_NAME, "e": CHANNEL_NAME_EN},
    )
    located = [i for i, r in enumerate(good) if r["lon"] is not None]
    grids: list[_Grid | None] = [None] * len(good)
    if located:
        lons = np.array([good[i]["lon"] for i in located], dtype=float)
        lats = np.array([good[i]["lat"] for i in located], dtype=float)
        for i, grid in zip(located, cached_locator(session).locate(lons, lats), strict=True):
            grids[i] = grid
    gaz = gazetteer.get(session)
    calendar = load_calendar(session)
    answer_days = int(settings.get(session, "orders.answer_working_days"))
    try:
        from command_center.services import deadlines
    except ImportError:  # pragma: no cover
        deadlines = None  # type: ignore[assignment]
    allowances: dict[tuple[str | None, int], Any] = {}
    numbers = _numbers(session, [r["reported_at"] for r in good])
    ids = session.scalars(
        text(
            "SELECT nextval(pg_get_serial_sequence('incidents', 'id')) FROM generate_series(1, :n)"
        ),
        {"n": len(good)},
    ).all()
    rows: list[tuple[Any, ...]] = []
    audit_rows: list[tuple[Any, ...]] = []
    outside = missing = 0
    located_set = set(located)
    for i, r in enumerate(good):
        grid = grids[i]
        by_address = None
        if i not in located_set:
            flag = LocationFlag.MISSING.value
            missing += 1
            by_address = gaz.resolve_address(r["address"]) if r["address"] else None
            if by_address is not None and by_address.town_id is None:
                by_address = None
        elif grid is None:
            flag = LocationFlag.OUTSIDE.value
            outside += 1
        else:
            flag = LocationFlag.OK.value
        grid_id = grid.id if grid else (by_address.grid_id if by_address else None)
        village_id = grid.village_id if grid else (by_address.village_id if by_address else None)
        town_id = grid.town_id if grid else (by_address.town_id if by_address else None)
        local = r["reported_at"].astimezone(CST)
        key = (r["category_code"], r["priority"])
        if key not in allowances:
            allowances[key] = (
                deadlines.allowance(session, r["category_code"], r["priority"])
                if deadlines is not None
                else None
            )
        allowance = allowances[key]
        due = (
            allowance.deadline(calendar, local)
            if allowance is not None
            else calendar.add_working_days(local, 5)
        )
        answer_due = calendar.add_working_days(local, answer_days)
        rows.append(
            (
                ids[i],
                numbers[i],
                CHANNEL_CODE,
                r["category_code"],
                r["title"],
                r["description"],
                r["address"],
                r["lon"] if flag != LocationFlag.MISSING else None,
                r["lat"] if flag != LocationFlag.MISSING else None,
                flag,
                grid_id,
                village_id,
                town_id,
                r["reporter_name"],
                r["reporter_phone"],
                source,
                r["external_id"],
                r["priority"],
                IncidentStatus.NEW.value,
                r["reported_at"],
                due,
                answer_due,
            )
        )
        where = {
            LocationFlag.OK.value: "",
            LocationFlag.OUTSIDE.value: "，位置在辖区外待核",
            LocationFlag.MISSING.value: (
                f"，仅按地址定位至{by_address.full_name}" if by_address else "，无坐标待核"
            ),
        }[flag]
        audit_rows.append(
            (
                actor.user_id,
                actor.name,
                "incident.import",
                "incident",
                ids[i],
                f"{actor.name} 从 {source} 导入12345热线来件 {numbers[i]}「{r['title']}」{where}",
                json.dumps(
                    {
                        "number": numbers[i],
                        "channel_code": CHANNEL_CODE,
                        "external_source": source,
                        "external_id": r["external_id"],
                        "row": r["row"],
                        "status": IncidentStatus.NEW.value,
                        "category_code": r["category_code"],
                        "location_flag": flag,
                        "located_by": (
                            "point" if i in located_set else "address" if by_address else "none"
                        ),
                        "address_only": by_address is not None,
                        "grid_id": grid_id,
                        "reported_at": r["reported_at"].isoformat(),
                    },
                    ensure_ascii=False,
                ),
            )
        )
    raw = session.connection().connection.driver_connection
    copy_rows(
        raw,  # type: ignore[arg-type]
        "incidents",
        (
            "id",
            "number",
            "channel_code",
            "category_code",
            "title",
            "description",
            "address",
            "lon",
            "lat",
            "location_flag",
            "grid_id",
            "village_id",
            "town_id",
            "reporter_name",
            "reporter_phone",
            "external_source",
            "external_id",
            "priority",
            "status",
            "reported_at",
            "due_at",
            "answer_due_at",
        ),
        rows,
    )
    copy_rows(
        raw,  # type: ignore[arg-type]
        "audit_log",
        ("actor_id", "actor_name", "action", "entity_type", "entity_id", "summary", "after"),
        audit_rows,
    )
    return ImportResult(len(rows), skipped, outside, missing, table.encoding)


def _convert(
    rec: dict[str, Any],
    now: dt.datetime,
    categories: dict[str, tuple[str, str]],
    by_name: dict[str, str],
    cell_text: Any,
    parse_datetime: Any,
    parse_float: Any,
) -> dict[str, Any]:
    """One row's values, or ValueError with the reason ("中文 / English")."""
    rid = cell_text(rec.get("external_id"))
    if not rid:
        raise ValueError("缺少工单编号 / no request number")
    if len(rid) > EXTERNAL_MAX:
        raise ValueError(f"工单编号超过{EXTERNAL_MAX}个字符 / request number too long")
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
    category_code = None
    if category_text:
        if category_text in categories:
            category_code = category_text
        else:
            last = re.split(r"[-/>＞·、|]+", category_text)[-1].strip()
            category_code = by_name.get(category_text) or by_name.get(last)
    if not title:
        name = category_text.split("/")[-1].strip() if category_text else ""
        short = _cut(description, 60) or ""
        title = f"{name}：{short}" if name else short
    title = _cut(title, TITLE_MAX) or ""
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
        elif not _usable(lon, lat):
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
    if name and len(name) > NAME_MAX:
        raise ValueError(f"来电人姓名过长 / reporter name longer than {NAME_MAX}")
    if phone and len(phone) > PHONE_MAX:
        raise ValueError(f"联系电话过长 / phone longer than {PHONE_MAX}")
    address = _cut(cell_text(rec.get("address")) or None, ADDRESS_MAX) if "address" in rec else None
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
