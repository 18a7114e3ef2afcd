"""One way to write incidents: the intake form, every importer and the demo county come here.

Whatever the source, a new incident gets the same things in the same way: its place
(point-in-polygon against the current grids, GCJ-02, or the gazetteer's place for an address
without coordinates; 'outside' and 'missing' are flagged, never guessed), its number, its
deadlines (``due_at`` from the deadline rules for its category and priority, ``answer_due_at``
from the working days the reporter waits for an answer, "orders.answer_working_days"), and its
audit entry. :func:`write_incident` writes one (the form), :func:`write_incidents` many with
COPY (the imports: 10,000 requests in a few seconds, with one reload notice instead of one per
row); :func:`copy_incidents` is the COPY step both the imports and the demo seed go through.
Nothing here commits: the caller's transaction holds the incident with whatever else belongs
to it (a merge, an API token).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import psycopg
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.clock import CST
from command_center.db.bulk import announce_reload, copy_rows, quiet_bulk, raw_connection
from command_center.db.engine import database_key
from command_center.models import IncidentStatus
from command_center.models.incident import DESCRIPTION_MAX, Incident, LocationFlag, column_length
from command_center.services import deadlines as deadline_rules
from command_center.services.audit import Actor
from command_center.services.calendar import WorkCalendar

# --- how long text from outside may be ----------------------------------------------------
# The one rule for text from outside (the operator's form, the imports, the Open311 service and
# its poller): a field is at most its column's length; text without a column of its own (the
# description, what an audit entry keeps of an Open311 request) at most the number here. The
# writer cuts every field of a new incident to this before anything is stored or audited;
# callers that would rather refuse (the form, the HTTP service, a table row) ask the same
# function with ``refuse=True`` and get its message.
FIELD_MAX: dict[str, int] = {
    "title": column_length(Incident.title),
    "description": DESCRIPTION_MAX,
    "address": column_length(Incident.address),
    "reporter_name": column_length(Incident.reporter_name),
    "reporter_phone": column_length(Incident.reporter_phone),
    "external_source": column_length(Incident.external_source),
    "external_id": column_length(Incident.external_id),
    "address_id": column_length(Incident.external_id),
    "media_url": 2000,  # what browsers and servers take in a URL
    "email": 254,  # RFC 5321's longest address
    "device_id": column_length(Incident.external_id),
    "column": 200,  # a column header of an imported table
    "note": 1000,  # any other value an audit entry keeps
}
FIELD_WORDS: dict[str, tuple[str, str]] = {
    "title": ("标题", "the title"),
    "description": ("描述", "the description"),
    "address": ("地址", "the address"),
    "reporter_name": ("来电人姓名", "the reporter's name"),
    "reporter_phone": ("联系电话", "the phone number"),
    "external_source": ("来源名称", "the source name"),
    "external_id": ("工单编号", "the request number"),
    "address_id": ("address_id", "address_id"),
    "media_url": ("media_url", "media_url"),
    "email": ("email", "email"),
    "device_id": ("device_id", "device_id"),
    "column": ("列名", "a column name"),
    "note": ("附注", "a note"),
}


class TextTooLong(ValueError):
    """Text longer than its field takes; str is "中文 / English"."""


def cut(value: str, limit: int) -> str:
    """``value`` in at most ``limit`` characters, an ellipsis marking a cut."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def fit_text(field_name: str, value: str | None, *, refuse: bool = False) -> str | None:
    """``value`` within the cap of ``field_name`` (:data:`FIELD_MAX`; unknown names take the
    audit note's): cut with an ellipsis, or with ``refuse`` a :class:`TextTooLong` that names
    the field and the cap in Chinese and English."""
    if value is None:
        return None
    limit = FIELD_MAX.get(field_name, FIELD_MAX["note"])
    if len(value) <= limit:
        return value
    if refuse:
        zh, en = FIELD_WORDS.get(field_name, (field_name, field_name))
        raise TextTooLong(f"{zh}不能超过{limit}个字符 / {en} must be at most {limit} characters")
    return cut(value, limit)


def _fit_note(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return value if len(shown) <= FIELD_MAX["note"] else fit_text("note", shown)


def capped(new: NewIncident) -> NewIncident:
    """``new`` with every text field within :data:`FIELD_MAX` (the writer's last word: nothing
    longer reaches the incidents or the audit log, whichever path it came by)."""
    note = {fit_text("note", str(k)) or "": _fit_note(v) for k, v in new.note.items()}
    return dataclasses.replace(
        new,
        title=fit_text("title", new.title) or "",
        description=fit_text("description", new.description) or "",
        address=fit_text("address", new.address),
        reporter_name=fit_text("reporter_name", new.reporter_name),
        reporter_phone=fit_text("reporter_phone", new.reporter_phone),
        external_source=fit_text("external_source", new.external_source),
        external_id=fit_text("external_id", new.external_id),
        note=note,
    )


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


_locators: dict[str, tuple[GridLocator, tuple[Any, ...], float]] = {}
LOCATOR_RECHECK_S = 30.0
"""How often a process that hears no change notices (the HTTP service, the poller) asks whether
the grids changed (an approved boundary import, services/boundary_review): one small query."""
_GRIDS_STAMP = text(
    "SELECT count(*), max(updated_at), coalesce(sum(id), 0) FROM admin_areas "
    "WHERE level = 'grid' AND valid_to IS NULL"
)


def cached_locator(session: Session) -> GridLocator:
    """The grids of the session's database, built once per process and built again when they
    changed (checked every ``LOCATOR_RECHECK_S`` seconds at most; :func:`invalidate` forgets
    them at once)."""
    key = database_key(session)
    entry = _locators.get(key)
    now = time.monotonic()
    if entry is not None and now - entry[2] < LOCATOR_RECHECK_S:
        return entry[0]
    stamp = tuple(session.execute(_GRIDS_STAMP).one())
    if entry is not None and entry[1] == stamp:
        _locators[key] = (entry[0], stamp, now)
        return entry[0]
    loc = GridLocator(session)
    _locators[key] = (loc, stamp, now)
    return loc


def invalidate() -> None:
    """Forget the cached grids and gazetteer (call on an admin_areas change)."""
    from command_center.services import gazetteer

    _locators.clear()
    gazetteer.invalidate()


def usable(lon: float | None, lat: float | None) -> bool:
    return (
        lon is not None
        and lat is not None
        and np.isfinite(lon)
        and np.isfinite(lat)
        and -180 <= lon <= 180
        and -90 <= lat <= 90
    )


def numbers(
    session: Session,
    reported: list[dt.datetime],
    prefix: str,
    digits: int,
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


# the number's prefixes take turns each: two writers never hand out the same number
_NUMBER_LOCK = 0x0CC0_5100


def lock_numbers(session: Session, prefix: str) -> None:
    """Hold the numbering of ``prefix`` until the transaction ends."""
    session.execute(
        text("SELECT pg_advisory_xact_lock(:k, hashtext(:p))"), {"k": _NUMBER_LOCK, "p": prefix}
    )


# --- where ------------------------------------------------------------------------------------


def place_many(
    session: Session,
    points: Sequence[tuple[float | None, float | None, str | None]],
    *,
    by_address: bool = True,
) -> list[Placement]:
    """Where each (lon, lat, address) belongs: point-in-polygon in the grids, vectorised; an
    address only through the gazetteer's most specific place (when ``by_address``). Outside or
    unknown is flagged, never guessed."""
    from command_center.services import gazetteer

    gaz = gazetteer.get(session)

    def name_of(area_id: int | None) -> str | None:
        p = gaz.place_of_area(area_id) if area_id else None
        return p.name if p else None

    def named(
        flag: str,
        source: str,
        ids: tuple[int | None, int | None, int | None],
        place_name: str | None = None,
    ) -> Placement:
        grid_id, village_id, town_id = ids
        return Placement(
            flag,
            source,
            grid_id,
            village_id,
            town_id,
            name_of(grid_id),
            name_of(village_id),
            name_of(town_id),
            place_name,
        )

    located = [i for i, (lon, lat, _) in enumerate(points) if usable(lon, lat)]
    grids: dict[int, _Grid | None] = {}
    if located:
        lons = np.array([points[i][0] for i in located], dtype=float)
        lats = np.array([points[i][1] for i in located], dtype=float)
        grids = dict(zip(located, cached_locator(session).locate(lons, lats), strict=True))
    out: list[Placement] = []
    for i, (_, _, address) in enumerate(points):
        if i in grids:
            grid = grids[i]
            out.append(
                Placement(LocationFlag.OUTSIDE.value, "point")
                if grid is None
                else named(LocationFlag.OK.value, "point", (grid.id, grid.village_id, grid.town_id))
            )
            continue
        found = gaz.resolve_address(address) if by_address and address and address.strip() else None
        if found is None or found.town_id is None:
            out.append(Placement(LocationFlag.MISSING.value, "none"))
        else:
            out.append(
                named(
                    LocationFlag.MISSING.value,
                    "address",
                    (found.grid_id, found.village_id, found.town_id),
                    place_name=found.name,
                )
            )
    return out


def place(
    session: Session, lon: float | None, lat: float | None, address: str | None = None
) -> Placement:
    """:func:`place_many` for one point or address."""
    return place_many(session, [(lon, lat, address)])[0]


# --- when -------------------------------------------------------------------------------------


class Deadlines:
    """The deadlines of new incidents: ``due_at`` by the deadline rules for the category and
    priority (services.deadlines), ``answer_due_at`` the configured working days after the
    report, both on the working calendar. Reads the (small) rule and category tables once."""

    def __init__(
        self,
        calendar: WorkCalendar,
        answer_days: int,
        categories: Mapping[str, tuple[str | None, str, int | None]],
        rules: Mapping[tuple[str | None, int | None], tuple[int | None, int | None]],
    ) -> None:
        self.calendar = calendar
        self.answer_days = answer_days
        self._categories = categories  # code -> (parent, name, deadline_working_days)
        self._rules = rules
        self._allowances: dict[tuple[str | None, int], deadline_rules.Allowance] = {}

    _CATEGORIES = "SELECT code, parent_code, name, deadline_working_days FROM categories"
    _RULES = "SELECT category_code, priority, working_days, working_hours FROM deadline_rules"

    @classmethod
    def of_session(cls, session: Session) -> Deadlines:
        from command_center.services import settings
        from command_center.services.calendar import load_calendar

        return cls._of(
            load_calendar(session),
            int(settings.get(session, "orders.answer_working_days")),
            session.execute(text(cls._CATEGORIES)).all(),
            session.execute(text(cls._RULES)).all(),
        )

    @classmethod
    def of_connection(cls, conn: psycopg.Connection[Any], calendar: WorkCalendar) -> Deadlines:
        """For a writer on a bare connection (the demo seed), with its calendar."""
        from command_center.services.settings import DEFAULTS

        key = "orders.answer_working_days"
        stored = conn.execute("SELECT value FROM app_settings WHERE key = %s", (key,)).fetchone()
        return cls._of(
            calendar,
            int(stored[0] if stored and stored[0] is not None else DEFAULTS[key][0]),
            conn.execute(cls._CATEGORIES).fetchall(),
            conn.execute(cls._RULES).fetchall(),
        )

    @classmethod
    def _of(
        cls, calendar: WorkCalendar, answer_days: int, categories: Any, rules: Any
    ) -> Deadlines:
        return cls(
            calendar,
            answer_days,
            {str(c): (p, str(n), d) for c, p, n, d in categories},
            {(c, p): (d, h) for c, p, d, h in rules},
        )

    def allowance(self, category_code: str | None, priority: int) -> deadline_rules.Allowance:
        key = (category_code, priority)
        found = self._allowances.get(key)
        if found is None:
            chain: list[tuple[str, str, int | None]] = []
            code = category_code
            while code is not None and code in self._categories and len(chain) <= 10:
                parent, name, days = self._categories[code]
                chain.append((code, name, days))
                code = parent
            found = self._allowances[key] = deadline_rules.choose_allowance(
                chain, self._rules, priority
            )
        return found

    def due(self, category_code: str | None, priority: int, at: dt.datetime) -> dt.datetime:
        return self.allowance(category_code, priority).deadline(self.calendar, at)

    def answer_due(self, at: dt.datetime) -> dt.datetime:
        return self.calendar.add_working_days(at, self.answer_days)

    def fill(self, row: dict[str, Any]) -> None:
        """Give a row about to be written its answer deadline, and its due date unless the work
        already has one (an incident accepted meanwhile counts from its acceptance)."""
        at = row["reported_at"]
        if row.get("due_at") is None:
            row["due_at"] = self.due(row.get("category_code"), row.get("priority", 3), at)
        row["answer_due_at"] = self.answer_due(at)


# --- what -------------------------------------------------------------------------------------


class CategoryMatcher:
    """The category a request names: by code, by name, or by the last step of a path of names
    ("城市管理/市容环境/占道经营"); None when nothing matches (left for the operator)."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(text("SELECT code, name FROM categories")).all()
        self._codes = {str(code) for code, _ in rows}
        self._by_name: dict[str, str] = {}
        for code, name in sorted(rows, key=lambda c: -len(c[0])):  # leaves first
            self._by_name.setdefault(str(name), str(code))

    def match(self, *words: str | None) -> str | None:
        for word in words:
            word = (word or "").strip()
            if not word:
                continue
            if word in self._codes:
                return word
            last = re.split(r"[-/>＞·、|]+", word)[-1].strip()
            found = self._by_name.get(word) or self._by_name.get(last)
            if found:
                return found
        return None


@dataclass(frozen=True)
class NewIncident:
    """An incident to write, as its source gives it. ``lon``/``lat`` are GCJ-02."""

    channel_code: str
    title: str
    reported_at: dt.datetime
    description: str = ""
    category_code: str | None = None
    address: str | None = None
    lon: float | None = None
    lat: float | None = None
    reporter_name: str | None = None
    reporter_phone: str | None = None
    priority: int = 3
    status: str = IncidentStatus.NEW.value
    closed_at: dt.datetime | None = None
    external_source: str | None = None
    external_id: str | None = None
    note: Mapping[str, Any] = field(default_factory=dict)  # more for the audit entry


@dataclass(frozen=True)
class Origin:
    """Who writes, and how the number and the audit log tell it."""

    action: str  # the audit action: "incident.create", "incident.import"
    told: str  # what the actor did, before the number: "登记事件", "从 X 导入12345热线来件"
    number_prefix: str  # SJ (taken by an operator) or RX (imported)
    number_digits: int


@dataclass(frozen=True)
class Written:
    id: int
    number: str
    placement: Placement
    reported_at: dt.datetime
    due_at: dt.datetime
    answer_due_at: dt.datetime


# every column a writer may fill (the demo seed fills them all: it writes a year of lifecycles)
INCIDENT_COLUMNS = (
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
    "reporter_worker_id",
    "priority",
    "status",
    "reported_at",
    "accepted_at",
    "resolved_at",
    "closed_at",
    "due_at",
    "answer_due_at",
    "answered_at",
    "duplicate_of_id",
    "satisfaction",
    "version",
    "created_at",
    "updated_at",
)
# what a new incident of the form or an import gives; the database fills in the rest
NEW_COLUMNS = (
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
    "closed_at",
    "due_at",
    "answer_due_at",
)
AUDIT_COLUMNS = (
    "actor_id",
    "actor_name",
    "action",
    "entity_type",
    "entity_id",
    "summary",
    "after",
)

_WHERE = {
    ("point", LocationFlag.OUTSIDE.value): "，位置在辖区外待核",
    ("none", LocationFlag.MISSING.value): "，无可用位置待核",
}


def _fields(new: NewIncident, where: Placement, number: str) -> dict[str, Any]:
    keep_point = where.flag != LocationFlag.MISSING.value
    return {
        "number": number,
        "channel_code": new.channel_code,
        "category_code": new.category_code or None,
        "title": new.title,
        "description": new.description,
        "address": new.address,
        "lon": new.lon if keep_point else None,
        "lat": new.lat if keep_point else None,
        "location_flag": where.flag,
        "grid_id": where.grid_id,
        "village_id": where.village_id,
        "town_id": where.town_id,
        "reporter_name": new.reporter_name,
        "reporter_phone": new.reporter_phone,
        "external_source": new.external_source,
        "external_id": new.external_id,
        "priority": new.priority,
        "status": new.status,
        "reported_at": new.reported_at,
        "closed_at": new.closed_at,
        "due_at": None,
        "answer_due_at": None,
    }


def _audit(
    actor: Actor, origin: Origin, new: NewIncident, row: dict[str, Any], where: Placement
) -> tuple[str, dict[str, Any]]:
    """The audit entry's summary and after-image, the same for every source."""
    how = _WHERE.get((where.source, where.flag))
    if how is None:
        how = (
            f"，仅按地址定位至{where.path}"
            if where.source == "address"
            else f"，位于{where.path}"
            if where.path
            else ""
        )
    summary = f"{actor.name} {origin.told} {row['number']}「{row['title']}」{how}"
    after = {
        "number": row["number"],
        "channel_code": row["channel_code"],
        "category_code": row["category_code"],
        "priority": row["priority"],
        "status": row["status"],
        "location_flag": where.flag,
        "located_by": where.source,
        "address_only": where.source == "address",
        "grid_id": where.grid_id,
        "village_id": where.village_id,
        "town_id": where.town_id,
        "reported_at": row["reported_at"].isoformat(),
        "due_at": row["due_at"].isoformat(),
        "answer_due_at": row["answer_due_at"].isoformat(),
        "external_source": row["external_source"],
        "external_id": row["external_id"],
        **new.note,
    }
    return summary, after


def write_incident(
    session: Session,
    actor: Actor,
    new: NewIncident,
    origin: Origin,
    *,
    deadlines: Deadlines | None = None,
) -> Written:
    """Write one incident with its audit entry in the caller's transaction (flushed, not
    committed). Locks the numbering of ``origin``'s prefix until the transaction ends."""
    from command_center.services import audit

    new = capped(new)
    where = place(session, new.lon, new.lat, new.address)
    # everything that can be read before the numbering lock is: it serialises every writer
    deadlines = deadlines or Deadlines.of_session(session)
    lock_numbers(session, origin.number_prefix)
    number = numbers(session, [new.reported_at], origin.number_prefix, origin.number_digits)[0]
    row = _fields(new, where, number)
    deadlines.fill(row)
    incident = Incident(**row)
    session.add(incident)
    session.flush()
    summary, after = _audit(actor, origin, new, row, where)
    audit.record(session, actor, origin.action, "incident", incident.id, summary, after=after)
    return Written(
        incident.id, number, where, row["reported_at"], row["due_at"], row["answer_due_at"]
    )


def write_incidents(
    session: Session,
    actor: Actor,
    news: Sequence[NewIncident],
    origin: Origin,
    *,
    by_address: bool = True,
    channel: tuple[str, str, str] | None = None,
) -> list[Written]:
    """Write many incidents with COPY in the caller's transaction (not committed), one audit
    entry each, as :func:`write_incident` would. A big write is not announced row by row:
    listeners get one reload notice at the commit. ``channel`` (code, name, English name) is
    created when missing; ``by_address`` places requests without coordinates by the address."""
    if not news:
        return []
    news = [capped(n) for n in news]
    quiet = quiet_bulk(session, len(news))
    if channel is not None:
        session.execute(
            text(
                "INSERT INTO channels (code, name, name_en) VALUES (:c, :n, :e) "
                "ON CONFLICT (code) DO NOTHING"
            ),
            {"c": channel[0], "n": channel[1], "e": channel[2]},
        )
    places = place_many(session, [(n.lon, n.lat, n.address) for n in news], by_address=by_address)
    lock_numbers(session, origin.number_prefix)
    nums = numbers(
        session, [n.reported_at for n in news], origin.number_prefix, origin.number_digits
    )
    ids = session.scalars(
        text(
            "SELECT nextval(pg_get_serial_sequence('incidents', 'id')) FROM generate_series(1, :n)"
        ),
        {"n": len(news)},
    ).all()
    rows = []
    for i, new in enumerate(news):
        row = _fields(new, places[i], nums[i])
        row["id"] = ids[i]
        rows.append(row)
    raw = raw_connection(session)
    copy_incidents(raw, rows, Deadlines.of_session(session), NEW_COLUMNS)
    audit_rows = []
    for new, row, where in zip(news, rows, places, strict=True):
        summary, after = _audit(actor, origin, new, row, where)
        audit_rows.append(
            (
                actor.user_id,
                actor.name,
                origin.action,
                "incident",
                row["id"],
                summary,
                json.dumps(after, ensure_ascii=False),
            )
        )
    # the same entry services.audit.record() writes, for every incident in one COPY
    copy_rows(raw, "audit_log", AUDIT_COLUMNS, audit_rows)
    if quiet:
        announce_reload(session)
    return [
        Written(r["id"], r["number"], w, r["reported_at"], r["due_at"], r["answer_due_at"])
        for r, w in zip(rows, places, strict=True)
    ]


def copy_incidents(
    conn: psycopg.Connection[Any],
    rows: Iterable[dict[str, Any]],
    deadlines: Deadlines,
    columns: Sequence[str] = INCIDENT_COLUMNS,
    then: Callable[[dict[str, Any]], None] | None = None,
) -> int:
    """COPY incident rows (dicts by column) after giving each its deadlines
    (:meth:`Deadlines.fill`). Returns the row count."""

    def filled() -> Iterable[list[Any]]:
        for row in rows:
            deadlines.fill(row)
            if then is not None:
                then(row)
            yield [row.get(c) for c in columns]

    return copy_rows(conn, "incidents", columns, filled())
