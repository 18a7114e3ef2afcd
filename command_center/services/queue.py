"""The incident and work-order queues and the department inbox, as plain queries (no Qt).

Pages are read by keyset (the sort key and the id of the last row held), never by OFFSET, so the
first page and any later one cost the same at a million incidents. A page is selected on the
base table alone (filters, order, limit) and only then joined to the names it shows.

The department inbox takes the signed-in user's id and reads that user's department from the
database: a handler sees only their department's orders whatever filter the view sends.

The details of one incident are in ``record_details``, photo attachments in ``attachments``,
the lists forms choose from in ``choices``, saved filters in ``saved_filters`` and response
templates in ``response_templates``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, aliased

from command_center import clock
from command_center.models import (
    AdminArea,
    AppUser,
    Category,
    Channel,
    Department,
    Incident,
    OrderStatus,
    WorkOrder,
)
from command_center.services import lifecycle, permissions

Kind = Literal["incidents", "orders"]
SortKey = Literal["deadline", "reported", "priority"]
SORTS: tuple[str, ...] = ("deadline", "reported", "priority")
VIEWS: tuple[str, ...] = ("incidents", "orders", "inbox")

PAGE_SIZE = 100
EXACT_COUNT_LIMIT = 10_000
"""Up to this many rows are counted exactly; above it the planner's estimate is shown."""
POLYGON_EXACT_LIMIT = 200_000

FAR_FUTURE_SQL = "'9999-12-31 00:00:00+00'::timestamptz"
"""Stands in for a missing deadline in the sort key (last when sorting by deadline). Written
as the same literal everywhere so an expression index on it can be used."""
FAR_FUTURE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)

INCIDENT_STATUSES = lifecycle.status_codes("incident")
ORDER_STATUSES = lifecycle.status_codes("order")
OPEN_INCIDENTS = lifecycle.open_status_codes("incident")
OPEN_ORDERS = lifecycle.open_status_codes("order")


class QueueError(ValueError):
    """A request the queue refuses; the message is "中文 / English"."""


# --- the filter ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    """What the operator narrowed the queue to. Empty fields do not filter.

    ``polygon`` is a GeoJSON geometry (Polygon or MultiPolygon, lon/lat as stored).
    ``area_id`` is a town, village or grid.
    """

    statuses: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    category_code: str | None = None
    area_id: int | None = None
    priorities: tuple[int, ...] = ()
    overdue_only: bool = False
    waiting_answer: bool = False
    text: str = ""
    polygon: dict[str, Any] | None = None
    department_id: int | None = None
    # reported in [reported_from, reported_to) (ISO datetimes with their offset): a period of
    # the analysis view (services/analysis.py)
    reported_from: str | None = None
    reported_to: str | None = None
    # exactly these records (incident ids in the incident queue, order ids in the order queue):
    # the records behind a figure no other field can say (services/analysis.py)
    ids: tuple[int, ...] = ()
    # the incidents these grid workers reported (services/worker_metrics.reports_behind)
    reporter_worker_ids: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        return {
            k: (list(v) if isinstance(v, tuple) else v)
            for k, v in d.items()
            if v not in (None, (), "", False)
        }

    @classmethod
    def from_json(cls, d: dict[str, Any] | None) -> QueueFilter:
        d = dict(d or {})
        names = {f.name for f in dataclasses.fields(cls)}
        kw: dict[str, Any] = {}
        for k, v in d.items():
            if k not in names:
                continue
            if k in ("statuses", "channels"):
                kw[k] = tuple(str(x) for x in v or ())
            elif k in ("priorities", "ids", "reporter_worker_ids"):
                kw[k] = tuple(int(x) for x in v or ())
            else:
                kw[k] = v
        return cls(**kw)

    def replace(self, **changes: Any) -> QueueFilter:
        return dataclasses.replace(self, **changes)


# --- rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentRow:
    id: int
    number: str
    title: str
    category_code: str | None
    category_name: str | None
    town_id: int | None
    town_name: str | None
    grid_name: str | None
    channel_code: str
    channel_name: str | None
    priority: int
    status: str
    reported_at: dt.datetime
    accepted_at: dt.datetime | None
    due_at: dt.datetime | None
    answer_due_at: dt.datetime | None
    answered_at: dt.datetime | None
    address: str | None
    lon: float | None
    lat: float | None
    version: int
    location_flag: str  # models.LocationFlag: ok, outside (to be checked), missing
    category_name_en: str | None  # the English interface's words (None: the Chinese ones)
    channel_name_en: str | None
    key: tuple[Any, ...]

    @property
    def waiting_answer(self) -> bool:
        return self.answer_due_at is not None and self.answered_at is None

    @property
    def deadline(self) -> dt.datetime | None:
        return self.due_at

    @property
    def started_at(self) -> dt.datetime:
        return self.reported_at


@dataclass(frozen=True)
class OrderRow:
    id: int
    number: str
    incident_id: int
    incident_number: str
    title: str
    category_code: str | None
    category_name: str | None
    town_id: int | None
    town_name: str | None
    grid_name: str | None
    channel_code: str
    channel_name: str | None
    priority: int
    status: str
    incident_status: str
    department_id: int
    department_name: str | None
    mode: str
    dispatch_round: int
    reported_at: dt.datetime
    dispatched_at: dt.datetime
    deadline_at: dt.datetime
    objection_deadline_at: dt.datetime | None
    answer_due_at: dt.datetime | None
    answered_at: dt.datetime | None
    address: str | None
    version: int
    category_name_en: str | None  # the English interface's words (None: the Chinese ones)
    channel_name_en: str | None
    department_name_en: str | None
    key: tuple[Any, ...]

    @property
    def waiting_answer(self) -> bool:
        return self.answer_due_at is not None and self.answered_at is None

    @property
    def deadline(self) -> dt.datetime | None:
        return self.deadline_at

    @property
    def started_at(self) -> dt.datetime:
        return self.dispatched_at


Row = IncidentRow | OrderRow


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    exhausted: bool  # no rows after these
    cursor: tuple[Any, ...] | None  # the key to continue after


@dataclass(frozen=True)
class Count:
    value: int
    exact: bool


@dataclass(frozen=True)
class Query:
    """One queue as the view asks for it: what, filtered how, sorted how, for whom."""

    kind: Kind = "incidents"
    filter: QueueFilter = field(default_factory=QueueFilter)
    sort: str = "deadline"
    inbox_user_id: int | None = None  # set: the department inbox of this user


# --- building the statement ---------------------------------------------------------------


def _category_subtree(session: Session, code: str) -> list[str]:
    rows = session.execute(select(Category.code, Category.parent_code)).all()
    children: dict[str | None, list[str]] = {}
    for c, p in rows:
        children.setdefault(p, []).append(c)
    out, todo = [], [code]
    while todo:
        c = todo.pop()
        out.append(c)
        todo.extend(children.get(c, ()))
    return out


def _area_condition(session: Session, area_id: int) -> ColumnElement[bool] | None:
    level = session.scalar(select(AdminArea.level).where(AdminArea.id == area_id))
    if level == "town":
        return Incident.town_id == area_id
    if level == "village":
        return Incident.village_id == area_id
    if level == "grid":
        return Incident.grid_id == area_id
    if level == "county":
        return None  # the whole county
    raise QueueError(f"没有这个区域（{area_id}） / no such area ({area_id})")


def _polygon_bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    coords: list[tuple[float, float]] = []

    def walk(x: Any) -> None:
        if (
            isinstance(x, (list, tuple))
            and len(x) >= 2
            and all(isinstance(v, (int, float)) for v in x[:2])
        ):
            coords.append((float(x[0]), float(x[1])))
        elif isinstance(x, (list, tuple)):
            for y in x:
                walk(y)

    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise QueueError("区域须为多边形 / the area must be a polygon")
    walk(geometry.get("coordinates"))
    if len(coords) < 3:
        raise QueueError("区域多边形点数不足 / the area polygon has too few points")
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    return min(xs), min(ys), max(xs), max(ys)


def _prepared_polygon(geometry: dict[str, Any]) -> Any:
    import shapely
    from shapely.geometry import shape

    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    shp = shape(geometry)
    if not shp.is_valid:
        shp = shp.buffer(0)
    shapely.prepare(shp)
    return shp


def _literal_in(column: Any, values: Iterable[str], allowed: Sequence[str]) -> ColumnElement[bool]:
    """``column IN ('a','b')`` written as literals (checked against ``allowed``), so the planner
    can match a partial index on the same list."""
    vals = [v for v in values if v in allowed]
    if not vals:
        return literal_column("false", Boolean)
    inner = ",".join(f"'{v}'" for v in vals)
    return literal_column(f"{column.table.name}.{column.name} IN ({inner})", Boolean)


def _text_condition(text: str, number_col: Any) -> ColumnElement[bool] | None:
    text = text.strip()
    if not text:
        return None
    upper = text.upper()
    if _is_number_prefix(upper):
        # a number (or the start of one): a range on the unique index
        return and_(number_col >= upper, number_col < upper + "~")
    pattern = "%" + text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
    return or_(
        number_col.ilike(pattern), Incident.title.ilike(pattern), Incident.address.ilike(pattern)
    )


def _is_number_prefix(text: str) -> bool:
    upper = text.strip().upper()
    return upper[:2] in ("SJ", "GD") and upper[2:].isdigit()


_NOT_WAITING_TO_SIGN: Any = literal_column(
    f"(work_orders.status <> '{OrderStatus.DISPATCHED.value}')", Boolean
)


def _sort_columns(q: Query) -> list[Any]:
    """The key columns, all sorted in one direction (see :func:`_descending`).

    When the filter is a number prefix, the first key is written so that no index matches it:
    the rows are then found by number and sorted, which the planner would otherwise not choose
    (numbers and deadlines both grow with time, so it expects the matching rows early in the
    deadline index and reads nearly all of it instead)."""
    by_number = _is_number_prefix(q.filter.text)
    keys: list[Any]
    if q.kind == "incidents":
        due: Any = literal_column(f"coalesce(incidents.due_at, {FAR_FUTURE_SQL})")
        if q.sort == "reported":
            keys = [Incident.reported_at, Incident.id]
        elif q.sort == "priority":
            keys = [Incident.priority, due, Incident.id]
        else:
            keys = [due, Incident.id]
    elif q.inbox_user_id is not None and q.sort == "deadline":
        # a department's inbox: what waits to be signed for first (its objection window is
        # running), then by the time limit
        keys = [_NOT_WAITING_TO_SIGN, WorkOrder.deadline_at, WorkOrder.id]
    elif q.sort == "reported":
        keys = [WorkOrder.dispatched_at, WorkOrder.id]
    elif q.sort == "priority":
        keys = [Incident.priority, WorkOrder.deadline_at, WorkOrder.id]
    else:
        keys = [WorkOrder.deadline_at, WorkOrder.id]
    if by_number and keys[0] is not _NOT_WAITING_TO_SIGN:
        first = keys[0]
        zero: Any = (
            literal_column("0") if first is Incident.priority else literal_column("interval '0 s'")
        )
        keys[0] = (first + zero).self_group()
    return keys


def _descending(q: Query) -> bool:
    return q.sort == "reported"  # newest first


def inbox_department(session: Session, user_id: int) -> int:
    """The department whose inbox this user may read; refuses a user without one."""
    dept = session.scalar(
        select(AppUser.department_id).where(AppUser.id == user_id, AppUser.active)
    )
    if dept is None:
        raise QueueError(
            "此用户不属于任何部门，没有部门收件箱 / this user belongs to no department and has "
            "no department inbox"
        )
    return dept


def _moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise QueueError(f"时间格式不对（{value}） / not a time ({value})") from None
    if moment.tzinfo is None:
        raise QueueError(f"时间须带时区（{value}） / the time needs its offset ({value})")
    return moment


def _conditions(session: Session, q: Query, now: dt.datetime) -> list[ColumnElement[bool]]:
    f = q.filter
    conds: list[ColumnElement[bool]] = []
    orders = q.kind == "orders"
    if f.statuses:
        if orders:
            conds.append(_literal_in(WorkOrder.status, f.statuses, ORDER_STATUSES))
        else:
            conds.append(_literal_in(Incident.status, f.statuses, INCIDENT_STATUSES))
    if f.channels:
        conds.append(Incident.channel_code.in_(list(f.channels)))
    if f.category_code:
        conds.append(Incident.category_code.in_(_category_subtree(session, f.category_code)))
    if f.area_id is not None:
        area = _area_condition(session, f.area_id)
        if area is not None:
            conds.append(area)
    if f.priorities:
        conds.append(Incident.priority.in_([int(p) for p in f.priorities]))
    if f.overdue_only:
        if orders:
            conds.append(WorkOrder.deadline_at < now)
            if not f.statuses:
                conds.append(_literal_in(WorkOrder.status, OPEN_ORDERS, ORDER_STATUSES))
        else:
            conds.append(Incident.due_at < now)
            if not f.statuses:
                conds.append(_literal_in(Incident.status, OPEN_INCIDENTS, INCIDENT_STATUSES))
    if f.waiting_answer:
        conds.append(Incident.answer_due_at.is_not(None))
        conds.append(Incident.answered_at.is_(None))
    text_cond = _text_condition(f.text, WorkOrder.number if orders else Incident.number)
    if text_cond is not None:
        upper = f.text.strip().upper()
        if orders and _is_number_prefix(upper) and upper.startswith("SJ"):
            # an incident's number in the order queue: its orders
            text_cond = and_(Incident.number >= upper, Incident.number < upper + "~")
        elif not orders and _is_number_prefix(upper) and upper.startswith("GD"):
            # an order's number in the incident queue: its incident
            text_cond = Incident.id.in_(
                select(WorkOrder.incident_id).where(
                    WorkOrder.number >= upper, WorkOrder.number < upper + "~"
                )
            )
        conds.append(text_cond)
    if f.reported_from:
        conds.append(Incident.reported_at >= _moment(f.reported_from))
    if f.reported_to:
        conds.append(Incident.reported_at < _moment(f.reported_to))
    if f.ids:
        conds.append((WorkOrder.id if orders else Incident.id).in_([int(i) for i in f.ids]))
    if f.reporter_worker_ids:
        conds.append(Incident.reporter_worker_id.in_([int(i) for i in f.reporter_worker_ids]))
    if f.polygon:
        x0, y0, x1, y1 = _polygon_bbox(f.polygon)
        conds.append(Incident.lon.between(x0, x1))
        conds.append(Incident.lat.between(y0, y1))
    if orders:
        dept = f.department_id
        if q.inbox_user_id is not None:
            dept = inbox_department(session, q.inbox_user_id)  # the user's, whatever was asked
        if dept is not None:
            # the rule of permissions.may_reach_order: a handler reaches its department's orders
            conds.append(permissions.department_orders(dept))
    return conds


def _base(session: Session, q: Query, now: dt.datetime) -> Select[Any]:
    keys = _sort_columns(q)
    if q.kind == "incidents":
        stmt = select(Incident.id.label("rid"), *[k.label(f"k{i}") for i, k in enumerate(keys)])
        stmt = stmt.select_from(Incident)
    else:
        stmt = select(WorkOrder.id.label("rid"), *[k.label(f"k{i}") for i, k in enumerate(keys)])
        stmt = stmt.select_from(WorkOrder).join(Incident, Incident.id == WorkOrder.incident_id)
    conds = _conditions(session, q, now)
    if conds:
        stmt = stmt.where(and_(*conds))
    return stmt


def _keyset(
    q: Query,
    stmt: Select[Any],
    after: tuple[Any, ...] | None,
    *,
    inclusive: bool = False,
    backwards: bool = False,
) -> Select[Any]:
    keys = _sort_columns(q)
    desc = _descending(q) != backwards
    if after is not None:
        left, right = tuple_(*keys), tuple_(*after)
        if desc:
            stmt = stmt.where(left <= right if inclusive else left < right)
        else:
            stmt = stmt.where(left >= right if inclusive else left > right)
    return stmt.order_by(*[k.desc() if desc else k.asc() for k in keys])


# --- reading pages ------------------------------------------------------------------------


def incident_rows(
    session: Session, q: Query, ids_keys: list[tuple[int, tuple[Any, ...]]]
) -> list[IncidentRow]:
    """The incident rows of these ids, each with its given key, in the given order (ids that
    are gone are left out)."""
    if not ids_keys:
        return []
    town = aliased(AdminArea)
    grid = aliased(AdminArea)
    ids = [i for i, _ in ids_keys]
    rows = session.execute(
        select(
            Incident.id,
            Incident.number,
            Incident.title,
            Incident.category_code,
            Category.name.label("category_name"),
            Incident.town_id,
            town.name.label("town_name"),
            grid.name.label("grid_name"),
            Incident.channel_code,
            Channel.name.label("channel_name"),
            Incident.priority,
            Incident.status,
            Incident.reported_at,
            Incident.accepted_at,
            Incident.due_at,
            Incident.answer_due_at,
            Incident.answered_at,
            Incident.address,
            Incident.lon,
            Incident.lat,
            Incident.version,
            Incident.location_flag,
            Category.name_en.label("category_name_en"),
            Channel.name_en.label("channel_name_en"),
        )
        .select_from(Incident)
        .outerjoin(Category, Category.code == Incident.category_code)
        .outerjoin(Channel, Channel.code == Incident.channel_code)
        .outerjoin(town, town.id == Incident.town_id)
        .outerjoin(grid, grid.id == Incident.grid_id)
        .where(Incident.id.in_(ids))
    ).all()
    by_id = {r.id: r for r in rows}
    # a Row's columns are the dataclass's fields in order; mypy cannot count a Row's length
    return [IncidentRow(*by_id[i], key=k) for i, k in ids_keys if i in by_id]  # type: ignore[call-arg]


def order_rows(
    session: Session, q: Query, ids_keys: list[tuple[int, tuple[Any, ...]]]
) -> list[OrderRow]:
    """The work-order rows of these ids, each with its given key, in the given order (ids that
    are gone are left out)."""
    if not ids_keys:
        return []
    town = aliased(AdminArea)
    grid = aliased(AdminArea)
    ids = [i for i, _ in ids_keys]
    rows = session.execute(
        select(
            WorkOrder.id,
            WorkOrder.number,
            WorkOrder.incident_id,
            Incident.number.label("incident_number"),
            Incident.title,
            Incident.category_code,
            Category.name.label("category_name"),
            Incident.town_id,
            town.name.label("town_name"),
            grid.name.label("grid_name"),
            Incident.channel_code,
            Channel.name.label("channel_name"),
            Incident.priority,
            WorkOrder.status,
            Incident.status.label("incident_status"),
            WorkOrder.department_id,
            Department.name.label("department_name"),
            WorkOrder.mode,
            WorkOrder.dispatch_round,
            Incident.reported_at,
            WorkOrder.dispatched_at,
            WorkOrder.deadline_at,
            WorkOrder.objection_deadline_at,
            Incident.answer_due_at,
            Incident.answered_at,
            Incident.address,
            WorkOrder.version,
            Category.name_en.label("category_name_en"),
            Channel.name_en.label("channel_name_en"),
            Department.name_en.label("department_name_en"),
        )
        .select_from(WorkOrder)
        .join(Incident, Incident.id == WorkOrder.incident_id)
        .outerjoin(Category, Category.code == Incident.category_code)
        .outerjoin(Channel, Channel.code == Incident.channel_code)
        .outerjoin(Department, Department.id == WorkOrder.department_id)
        .outerjoin(town, town.id == Incident.town_id)
        .outerjoin(grid, grid.id == Incident.grid_id)
        .where(WorkOrder.id.in_(ids))
    ).all()
    by_id = {r.id: r for r in rows}
    # a Row's columns are the dataclass's fields in order; mypy cannot count a Row's length
    return [OrderRow(*by_id[i], key=k) for i, k in ids_keys if i in by_id]  # type: ignore[call-arg]


def _materialise(
    session: Session, q: Query, ids_keys: list[tuple[int, tuple[Any, ...]]]
) -> list[Any]:
    if q.kind == "incidents":
        return incident_rows(session, q, ids_keys)
    return order_rows(session, q, ids_keys)


def _scan(
    session: Session,
    q: Query,
    after: tuple[Any, ...] | None,
    limit: int,
    now: dt.datetime,
    *,
    inclusive: bool = False,
    backwards: bool = False,
) -> tuple[list[tuple[int, tuple[Any, ...]]], bool]:
    """Ids and keys of the next ``limit`` matching rows after ``after``; and whether the scan
    reached the end. With an area polygon the bounding box is read in batches and each point
    tested in Python until the page is full."""
    base = _base(session, q, now)
    nkeys = len(_sort_columns(q))
    if not q.filter.polygon:
        stmt = _keyset(q, base, after, inclusive=inclusive, backwards=backwards).limit(limit + 1)
        rows = session.execute(stmt).all()
        return [(r[0], tuple(r[1 : 1 + nkeys])) for r in rows[:limit]], len(rows) <= limit
    import shapely

    polygon = _prepared_polygon(q.filter.polygon)
    if q.kind == "incidents":
        base = base.add_columns(Incident.lon, Incident.lat)
    else:
        base = base.add_columns(Incident.lon, Incident.lat)
    batch = max(limit * 4, 500)
    out: list[tuple[int, tuple[Any, ...]]] = []
    cursor = after
    incl = inclusive
    while True:
        stmt = _keyset(q, base, cursor, inclusive=incl, backwards=backwards).limit(batch)
        rows = session.execute(stmt).all()
        incl = False
        if not rows:
            return out, True
        inside = shapely.contains_xy(polygon, [r[-2] for r in rows], [r[-1] for r in rows])
        for r, ok in zip(rows, inside, strict=True):
            if ok:
                out.append((r[0], tuple(r[1 : 1 + nkeys])))
                if len(out) > limit:
                    return out[:limit], False
        if len(rows) < batch:
            return out, True
        cursor = tuple(rows[-1][1 : 1 + nkeys])


def page(
    session: Session,
    q: Query,
    after: tuple[Any, ...] | None = None,
    limit: int = PAGE_SIZE,
    *,
    now: dt.datetime | None = None,
) -> Page:
    """The next ``limit`` rows after the key ``after`` (None: the first page)."""
    now = now or clock.now()
    ids_keys, exhausted = _scan(session, q, after, limit, now)
    rows = _materialise(session, q, ids_keys)
    return Page(rows, exhausted, ids_keys[-1][1] if ids_keys else after)


@dataclass(frozen=True)
class Window:
    """Rows around one row, for a jump: ``before`` (in queue order) + ``rows`` (starting with
    the target)."""

    target_id: int
    before: list[Any]
    rows: list[Any]
    at_start: bool  # nothing before ``before``
    exhausted: bool
    cursor: tuple[Any, ...] | None


@dataclass(frozen=True)
class Located:
    """Where a number leads: the row's id (in this queue's kind) and the incident's id."""

    id: int
    incident_id: int
    number: str


def locate(session: Session, kind: Kind, number: str) -> Located | None:
    """Find an incident (SJ…) or order (GD…) by number, for a queue of ``kind``."""
    number = number.strip().upper()
    if not number:
        return None
    if number.startswith("GD"):
        row = session.execute(
            select(WorkOrder.id, WorkOrder.incident_id).where(WorkOrder.number == number)
        ).one_or_none()
        if row is None:
            return None
        return Located(row.incident_id if kind == "incidents" else row.id, row.incident_id, number)
    inc_id = session.scalar(select(Incident.id).where(Incident.number == number))
    if inc_id is None:
        return None
    if kind == "incidents":
        return Located(inc_id, inc_id, number)
    order_id = session.scalar(
        select(WorkOrder.id)
        .where(WorkOrder.incident_id == inc_id)
        .order_by(WorkOrder.id.desc())
        .limit(1)
    )
    if order_id is None:
        return Located(0, inc_id, number)
    return Located(order_id, inc_id, number)


def key_of(
    session: Session, q: Query, row_id: int, *, now: dt.datetime | None = None
) -> tuple[Any, ...] | None:
    """The sort key of the row ``row_id`` if it matches the query, else None."""
    now = now or clock.now()
    base = _base(session, q, now)
    idcol = Incident.id if q.kind == "incidents" else WorkOrder.id
    if q.filter.polygon:
        base = base.add_columns(Incident.lon, Incident.lat)
    row = session.execute(base.where(idcol == row_id)).one_or_none()
    if row is None:
        return None
    nkeys = len(_sort_columns(q))
    if q.filter.polygon:
        import shapely

        if not shapely.contains_xy(_prepared_polygon(q.filter.polygon), row[-2], row[-1]):
            return None
    return tuple(row[1 : 1 + nkeys])


def window(
    session: Session,
    q: Query,
    row_id: int,
    *,
    before: int = 20,
    limit: int = PAGE_SIZE,
    now: dt.datetime | None = None,
) -> Window | None:
    """The page starting at ``row_id`` and a few rows before it; None when the row does not
    match the query."""
    now = now or clock.now()
    key = key_of(session, q, row_id, now=now)
    if key is None:
        return None
    ahead, exhausted = _scan(session, q, key, limit, now, inclusive=True)
    back, at_start = _scan(session, q, key, before, now, backwards=True) if before else ([], True)
    back.reverse()
    rows = _materialise(session, q, back + ahead)
    n_back = len([r for r in rows[: len(back)]])
    return Window(
        row_id, rows[:n_back], rows[n_back:], at_start, exhausted, ahead[-1][1] if ahead else key
    )


def page_before(
    session: Session,
    q: Query,
    first_key: tuple[Any, ...],
    limit: int = PAGE_SIZE,
    *,
    now: dt.datetime | None = None,
) -> Page:
    """The ``limit`` rows just before the key (in queue order); ``exhausted``: the queue's
    start was reached."""
    now = now or clock.now()
    back, at_start = _scan(session, q, first_key, limit, now, backwards=True)
    back.reverse()
    return Page(_materialise(session, q, back), at_start, back[0][1] if back else first_key)


def rows_by_ids(
    session: Session, q: Query, ids: Iterable[int], *, now: dt.datetime | None = None
) -> tuple[list[Any], set[int]]:
    """Re-read rows after a change: the rows (with fresh keys) that still match the query, and
    the ids of those that no longer do (or are gone)."""
    now = now or clock.now()
    ids = sorted(set(ids))
    if not ids:
        return [], set()
    base = _base(session, q, now)
    idcol = Incident.id if q.kind == "incidents" else WorkOrder.id
    nkeys = len(_sort_columns(q))
    if q.filter.polygon:
        base = base.add_columns(Incident.lon, Incident.lat)
    found = session.execute(base.where(idcol.in_(ids))).all()
    if q.filter.polygon and found:
        import shapely

        inside = shapely.contains_xy(
            _prepared_polygon(q.filter.polygon), [r[-2] for r in found], [r[-1] for r in found]
        )
        found = [r for r, ok in zip(found, inside, strict=True) if ok]
    ids_keys = [(r[0], tuple(r[1 : 1 + nkeys])) for r in found]
    rows = _materialise(session, q, ids_keys)
    matched = {r.id for r in rows}
    return rows, set(ids) - matched


def present_rows(session: Session, q: Query, ids: Iterable[int]) -> list[Any]:
    """Rows that left the query's filter, as they are now (their new status, …): read within
    what the user may see at all — the queue without the operator's narrowing; the department
    inbox still only its department's orders."""
    ids = set(ids)
    if not ids:
        return []
    scope = Query(q.kind, QueueFilter(), q.sort, inbox_user_id=q.inbox_user_id)
    return rows_by_ids(session, scope, ids)[0]


def orders_of_incidents(session: Session, incident_ids: Iterable[int]) -> list[int]:
    """Work-order ids of these incidents (an incident change re-reads its orders' rows)."""
    ids = list(set(incident_ids))
    if not ids:
        return []
    return list(session.scalars(select(WorkOrder.id).where(WorkOrder.incident_id.in_(ids))))


# --- counting -----------------------------------------------------------------------------


def count(
    session: Session, q: Query, *, limit: int = EXACT_COUNT_LIMIT, now: dt.datetime | None = None
) -> Count:
    """How many rows match: exact up to ``limit``, the planner's estimate above it."""
    now = now or clock.now()
    base = _base(session, q, now)
    if q.filter.polygon:
        import shapely

        pts = base.with_only_columns(Incident.lon, Incident.lat).limit(POLYGON_EXACT_LIMIT + 1)
        rows = session.execute(pts).all()
        polygon = _prepared_polygon(q.filter.polygon)
        inside = (
            int(shapely.contains_xy(polygon, [r[0] for r in rows], [r[1] for r in rows]).sum())
            if rows
            else 0
        )
        if len(rows) <= POLYGON_EXACT_LIMIT:
            return Count(inside, True)
        total = _estimate(session, base)
        return Count(int(total * inside / len(rows)), False)
    bounded = select(func.count()).select_from(
        base.with_only_columns(literal_column("1")).limit(limit + 1).subquery()
    )
    n = session.scalar(bounded) or 0
    if n <= limit:
        return Count(n, True)
    return Count(max(_estimate(session, base), limit + 1), False)


def _estimate(session: Session, stmt: Select[Any]) -> int:
    conn = session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    result = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + compiled.string, compiled.params)
    plan = result.scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
