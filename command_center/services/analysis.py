"""Analysis (研判): trends, categories, channels, regions, departments, early warnings (no Qt).

What is counted, everywhere in this module, is the rule of ``overview.reported_today``: an
incident counts in the period it was *reported* in (``reported_at`` in ``[start, end)``, Beijing
time), and a repeated report merged into another (status ``merged``) is not counted again. Each
figure carries the filter of the records behind it (a ``queue.QueueFilter`` the incident or
order queue applies), so a click on a bar, a point or a cell opens exactly the records counted;
``tests/db/test_analysis.py`` checks that the queue counts the same.

Work orders are counted in the period they were *dispatched* in (``dispatched_at``), cancelled
orders left out; the measures of a department (on time, overdue, returned, second dispatch,
satisfied) are the SQL conditions of :data:`ORDER_MEASURES`, written once and used both to
count and to list the orders behind a count. For whole days they are read from the summary
``order_daily`` (alembic 0018, kept by triggers), plus the open orders past their deadline
counted live; the supervision score (督办考核) stands beside them where the county keeps one.

Dispute cases count in the period they were received in; their sources are the room's own
intake and the transfers of ``disputes.SOURCE_TEXT``, and "from an incident" for a case made
from one (whatever its ``source``).

Early warnings (预警), a Poisson test: for each grid, village and category, ``k`` = the cases
of the last 7 days (today and the six before) and ``λ`` = its baseline, the mean of the 8
seven-day windows before, or — when that is higher — the highest of the three weeks around the
same week a year earlier (so a seasonal rise that came last year too, give or take a week, is
not news). A warning fires when ``P(X ≥ k | Poisson(λ)) < alpha`` (default 0.01) and
``k ≥ min_cases`` (default 5); ``λ`` is at least ``min_baseline`` (0.5) so that a place that
had nothing does not fire on one case. The windows are read from the daily summary. The
thresholds are in :class:`WarningConfig`. Repeat reporters (the same masked phone number: no
application login reads the raw one) and repeat addresses are warnings too (``≥ repeat_min``
reports in ``repeat_days`` days; found from the summary of hashed keys
``incident_repeat_keys``, alembic 0024, and counted exactly from the incidents). Rising
dispute risk: a town whose dispute cases of high or major risk received in the last 7 days pass
the same Poisson test against its 8 weeks before (and number at least ``dispute_min_cases``).
A warning can be dismissed with a reason: the dismissal is an audit entry
(``analysis.warning_dismiss``) and holds until the window it was raised in has gone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, func, literal_column, select, text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.clock import CST
from command_center.models import (
    AdminArea,
    AuditEntry,
    Category,
    Channel,
    Department,
    Incident,
    WorkOrder,
)
from command_center.models.incident import OPEN_ORDER_STATUSES, IncidentStatus
from command_center.services import disputes, permissions
from command_center.services.audit import Actor, record
from command_center.services.disputes import CaseFilter
from command_center.services.queue import QueueFilter
from command_center.services.scores import month_points, month_scales, round1, unit_score

Bucket = Literal["day", "week", "month"]
BUCKETS: tuple[str, ...] = ("day", "week", "month")
TZ = "Asia/Shanghai"  # the database's name for CST (UTC+8, no daylight saving since 1991)

COUNTED_STATUSES: tuple[str, ...] = tuple(s.value for s in IncidentStatus if s != "merged")
"""What an incident filter of this module says: every status but ``merged``."""


RESOLVED_STATUSES: tuple[str, ...] = ("resolved", "verified", "closed")


class AnalysisError(ValueError):
    """A request the analysis refuses; the message is "中文 / English"."""


# --- periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """``[start, end)``, aware datetimes."""

    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise AnalysisError("时间须带时区 / times need their offset")
        if self.end <= self.start:
            raise AnalysisError("结束须晚于开始 / the end must come after the start")

    def last_year(self) -> Period:
        return Period(_years_back(self.start), _years_back(self.end))


def _years_back(moment: dt.datetime, years: int = 1) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def day_start(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, tzinfo=CST)


def month_period(month: str | dt.date) -> Period:
    """A calendar month in Beijing time: ``"2026-10"`` or a date in it."""
    if isinstance(month, str):
        try:
            y, m = (int(x) for x in month.split("-"))
            first = dt.date(y, m, 1)
        except ValueError:
            raise AnalysisError(
                f"月份格式应为 YYYY-MM（{month}） / the month should be YYYY-MM ({month})"
            ) from None
    else:
        first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(day_start(first), day_start(nxt))


def bucket_start(moment: dt.datetime, bucket: str) -> dt.datetime:
    d = moment.astimezone(CST).date()
    if bucket == "week":
        d -= dt.timedelta(days=d.weekday())
    elif bucket == "month":
        d = d.replace(day=1)
    elif bucket != "day":
        raise AnalysisError(f"没有这种时间粒度（{bucket}） / no such bucket ({bucket})")
    return day_start(d)


def _bucket_next(start: dt.datetime, bucket: str) -> dt.datetime:
    if bucket == "day":
        return day_start(start.date() + dt.timedelta(days=1))
    if bucket == "week":
        return day_start(start.date() + dt.timedelta(days=7))
    return day_start((start.date() + dt.timedelta(days=32)).replace(day=1))


def buckets(period: Period, bucket: str) -> list[Period]:
    """The buckets covering ``period``, the first and last cut to it."""
    out: list[Period] = []
    s = bucket_start(period.start, bucket)
    while s < period.end:
        e = _bucket_next(s, bucket)
        out.append(Period(max(s, period.start), min(e, period.end)))
        s = e
    return out


# --- what is counted, and the records behind it -------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What every panel is narrowed to (empty: the whole county)."""

    category_code: str | None = None
    area_id: int | None = None
    channel: str | None = None


def counted(period: Period) -> ColumnElement[bool]:
    """THE condition of an incident counted in ``period`` (see the module docstring)."""
    return and_(
        Incident.reported_at >= period.start,
        Incident.reported_at < period.end,
        Incident.status != IncidentStatus.MERGED.value,
    )


def incident_filter(period: Period, scope: Scope = Scope(), **extra: Any) -> QueueFilter:
    """The incident queue's filter of the records counted in ``period`` within ``scope``."""
    kw: dict[str, Any] = dict(
        statuses=COUNTED_STATUSES,
        reported_from=period.start.isoformat(),
        reported_to=period.end.isoformat(),
        category_code=scope.category_code,
        area_id=scope.area_id,
        channels=(scope.channel,) if scope.channel else (),
    )
    kw.update(extra)
    return QueueFilter(**kw)


def _subtrees(session: Session) -> tuple[dict[str, list[str]], dict[str, tuple[str, str, int]]]:
    """Children of each category (None: the top level) and each code's (name, parent, level)."""
    children: dict[str, list[str]] = defaultdict(list)
    info: dict[str, tuple[str, str, int]] = {}
    for code, parent, name, level in session.execute(
        select(Category.code, Category.parent_code, Category.name, Category.level).order_by(
            Category.code
        )
    ):
        children[parent or ""].append(code)
        info[code] = (name, parent or "", level)
    return children, info


def _descendants(children: Mapping[str, list[str]], code: str) -> list[str]:
    out, todo = [], [code]
    while todo:
        c = todo.pop()
        out.append(c)
        todo.extend(children.get(c, ()))
    return out


def _area_column(session: Session, area_id: int) -> Any:
    level = session.scalar(select(AdminArea.level).where(AdminArea.id == area_id))
    column = {
        "town": Incident.town_id,
        "village": Incident.village_id,
        "grid": Incident.grid_id,
    }.get(level or "")
    if level == "county":
        return None
    if column is None:
        raise AnalysisError(f"没有这个区域（{area_id}） / no such area ({area_id})")
    return column


def _scope_conditions(session: Session, scope: Scope) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if scope.category_code:
        children, _ = _subtrees(session)
        conds.append(Incident.category_code.in_(_descendants(children, scope.category_code)))
    if scope.area_id is not None:
        column = _area_column(session, scope.area_id)
        if column is not None:
            conds.append(column == scope.area_id)
    if scope.channel:
        conds.append(Incident.channel_code == scope.channel)
    return conds


# --- the daily summary (alembic 0013: incident_daily) ---------------------------------------

_DAILY_DIMS = {
    Incident.category_code.key: "category",
    Incident.channel_code.key: "channel",
    Incident.town_id.key: "town",
    Incident.village_id.key: "village",
    Incident.grid_id.key: "grid",
}
_INT_DIMS = ("town", "village", "grid")


def whole_days(period: Period) -> bool:
    """Whether ``period`` starts and ends at midnight, Beijing time (the view's ranges and the
    bulletin's months always do)."""
    return all(m.astimezone(CST).time() == dt.time(0) for m in (period.start, period.end))


def _summary(period: Period, scope: Scope) -> bool:
    """Whether the daily summary answers: whole days, and the whole county (it holds one
    dimension a row, so it cannot narrow one by another)."""
    return whole_days(period) and scope == Scope()


def _daily(
    session: Session,
    period: Period,
    dim: str = "all",
    *,
    by_day: bool = False,
    resolved_only: bool = False,
) -> dict[Any, int]:
    """The summary's counts for ``period`` per key of ``dim`` (or per day with ``by_day``;
    ``all``: one total under None). An unknown place or category is the key None. The totals
    are the channels' rows summed (every incident has one channel; alembic 0024 keeps no row
    of all of them, the one row every new incident of the day would update)."""
    first = "day" if by_day else ("''" if dim == "all" else "key")
    rows = session.execute(
        text(
            f"SELECT {first}, sum(n) FROM incident_daily WHERE dim = :dim AND day >= :d0 "
            f"AND day < :d1{' AND resolved' if resolved_only else ''} GROUP BY 1"
        ),
        {
            "dim": "channel" if by_day or dim == "all" else dim,
            "d0": period.start.astimezone(CST).date(),
            "d1": period.end.astimezone(CST).date(),
        },
    ).all()
    out: dict[Any, int] = {}
    for k, n in rows:
        if not n:
            continue
        if not by_day:
            k = None if k == "" else (int(k) if dim in _INT_DIMS else k)
        out[k] = int(n)
    return out


def count(session: Session, period: Period, scope: Scope = Scope()) -> int:
    if _summary(period, scope):
        return _daily(session, period).get(None, 0)
    return int(
        session.scalar(
            select(func.count())
            .select_from(Incident)
            .where(counted(period), *_scope_conditions(session, scope))
        )
        or 0
    )


# --- trends -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    count: int
    last_year: int
    behind: QueueFilter
    behind_last_year: QueueFilter


def _bucket_counts(
    session: Session, period: Period, bucket: str, scope: Scope
) -> dict[dt.date, int]:
    if _summary(period, scope):
        out: dict[dt.date, int] = defaultdict(int)
        for day, n in _daily(session, period, by_day=True).items():
            out[bucket_start(day_start(day), bucket).date()] += n
        return out
    b = func.date_trunc(bucket, func.timezone(TZ, Incident.reported_at))
    rows = session.execute(
        select(b, func.count())
        .where(counted(period), *_scope_conditions(session, scope))
        .group_by(b)
    ).all()
    return {r[0].date(): int(r[1]) for r in rows}


def trend(
    session: Session, period: Period, bucket: str = "day", scope: Scope = Scope()
) -> list[TrendPoint]:
    """Counts per day, week (Monday to Sunday) or month, each with the same bucket a year
    earlier (the same dates a year before; a cut first or last bucket is cut the same way)."""
    parts = buckets(period, bucket)
    now_counts = _bucket_counts(session, period, bucket, scope)
    ly = period.last_year()
    ly_parts = [p.last_year() for p in parts]
    # a year earlier a week does not start on a Monday: count those by their own ranges
    if bucket == "week":
        ly_counts = _range_counts(session, ly_parts, scope)
    else:
        by_bucket = _bucket_counts(session, ly, bucket, scope)
        ly_counts = [by_bucket.get(bucket_start(p.start, bucket).date(), 0) for p in ly_parts]
    out = []
    for p, lp, n_ly in zip(parts, ly_parts, ly_counts, strict=True):
        key = bucket_start(p.start, bucket).date()
        out.append(
            TrendPoint(
                p,
                now_counts.get(key, 0),
                n_ly,
                incident_filter(p, scope),
                incident_filter(lp, scope),
            )
        )
    return out


def _range_counts(session: Session, parts: Sequence[Period], scope: Scope) -> list[int]:
    if not parts:
        return []
    if all(_summary(p, scope) for p in parts):
        per_day = _daily(session, Period(parts[0].start, parts[-1].end), by_day=True)
        return [
            sum(n for day, n in per_day.items() if p.start <= day_start(day) < p.end) for p in parts
        ]
    whole = Period(parts[0].start, parts[-1].end)
    edges = [p.start for p in parts]
    b = func.width_bucket(
        func.extract("epoch", Incident.reported_at),
        literal_column(
            "ARRAY[" + ",".join(repr(e.timestamp()) for e in edges) + "]::double precision[]"
        ),
    )
    rows: dict[Any, Any] = dict(
        session.execute(
            select(b, func.count())
            .where(counted(whole), *_scope_conditions(session, scope))
            .group_by(b)
        ).all()
    )
    return [int(rows.get(i + 1, 0)) for i in range(len(parts))]


# --- categories, channels, regions --------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One bar or row: a category, a channel, a town, a village."""

    key: str
    name: str
    count: int
    last_year: int
    behind: QueueFilter
    has_children: bool = False
    name_en: str | None = None  # the English interface's (None: the name; towns: place_names)


def categories(
    session: Session, period: Period, parent: str | None = None, scope: Scope = Scope()
) -> list[Share]:
    """The children of ``parent`` (None: the top level), each with every incident of its
    subtree, most first; incidents without a category are left out (they cannot be opened
    as a category)."""
    children, info = _subtrees(session)
    names_en = category_names_en(session)
    per_code = _group(session, Incident.category_code, period, scope)
    per_code_ly = _group(session, Incident.category_code, period.last_year(), scope)
    out = []
    for code in children.get(parent or "", ()):
        sub = _descendants(children, code)
        n = sum(per_code.get(c, 0) for c in sub)
        n_ly = sum(per_code_ly.get(c, 0) for c in sub)
        if n == 0 and n_ly == 0:
            continue
        sc = Scope(code, scope.area_id, scope.channel)
        out.append(
            Share(
                code,
                info[code][0],
                n,
                n_ly,
                incident_filter(period, sc),
                bool(children.get(code)),
                names_en.get(code),
            )
        )
    return sorted(out, key=lambda s: (-s.count, s.key))


def category_names_en(session: Session) -> dict[str, str]:
    """Each category's English name by its code."""
    return dict(session.execute(select(Category.code, Category.name_en)).all())


def _group(session: Session, column: Any, period: Period, scope: Scope) -> dict[Any, int]:
    if _summary(period, scope):
        return _daily(session, period, _DAILY_DIMS[column.key])
    return {
        k: int(n)
        for k, n in session.execute(
            select(column, func.count())
            .where(counted(period), *_scope_conditions(session, scope))
            .group_by(column)
        )
    }


def channels(session: Session, period: Period, scope: Scope = Scope()) -> list[Share]:
    names, names_en = {}, {}
    for code, name, name_en in session.execute(select(Channel.code, Channel.name, Channel.name_en)):
        names[code], names_en[code] = name, name_en
    now = _group(session, Incident.channel_code, period, scope)
    ly = _group(session, Incident.channel_code, period.last_year(), scope)
    out = [
        Share(
            code,
            names.get(code, code),
            now.get(code, 0),
            ly.get(code, 0),
            incident_filter(period, Scope(scope.category_code, scope.area_id, code)),
            name_en=names_en.get(code),
        )
        for code in set(now) | set(ly)
    ]
    return sorted(out, key=lambda s: (-s.count, s.key))


def regions(
    session: Session,
    period: Period,
    level: str = "town",
    within: int | None = None,
    scope: Scope = Scope(),
) -> list[Share]:
    """Towns (or the villages, of one town with ``within``) by their incidents, most first.
    Incidents whose place is not known (no town) are left out."""
    column = Incident.town_id if level == "town" else Incident.village_id
    if level not in ("town", "village"):
        raise AnalysisError(f"没有这个层级（{level}） / no such level ({level})")
    sc = Scope(scope.category_code, within, scope.channel) if within is not None else scope
    areas = select(AdminArea.id, AdminArea.name).where(AdminArea.level == level)
    if within is not None:
        areas = areas.where(AdminArea.parent_id == within)
    names = dict(session.execute(areas).all())
    now = _group(session, column, period, sc)
    ly = _group(session, column, period.last_year(), sc)
    out = [
        Share(
            str(aid),
            name,
            now.get(aid, 0),
            ly.get(aid, 0),
            incident_filter(period, Scope(scope.category_code, aid, scope.channel)),
        )
        for aid, name in names.items()
        if now.get(aid, 0) or ly.get(aid, 0)
    ]
    return sorted(out, key=lambda s: (-s.count, s.name))


# --- departments --------------------------------------------------------------------------

_OPEN_ORDERS = "('" + "','".join(s.value for s in OPEN_ORDER_STATUSES) + "')"
ORDER_MEASURES: dict[str, str] = {
    "received": "true",
    "resolved": "work_orders.resolved_at IS NOT NULL",
    "on_time": "work_orders.resolved_at IS NOT NULL "
    "AND work_orders.resolved_at <= work_orders.deadline_at",
    "overdue": "(work_orders.resolved_at > work_orders.deadline_at OR (work_orders.resolved_at "
    f"IS NULL AND work_orders.status IN {_OPEN_ORDERS} AND work_orders.deadline_at < :now))",
    "returned": "work_orders.status IN ('returned','objected')",
    "second_dispatch": "work_orders.dispatch_round >= 2",
    "rated": "incidents.satisfaction IS NOT NULL",
    "satisfied": "incidents.satisfaction >= 4",
}
"""The measures of a department, over its orders dispatched in the period (not cancelled):
each a condition on ``work_orders`` joined to its incident. Satisfied: a rating of 4 or 5 of 5
at the return visit, out of the rated ones."""

DEFAULT_WEIGHTS: dict[str, float] = {
    "on_time": 0.3,
    "resolved": 0.2,
    "not_returned": 0.1,
    "not_second": 0.1,
    "satisfaction": 0.3,
}
MIN_SATISFACTION_WEIGHT = 0.3


def check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """The weights of the department score: known keys, none negative, summing to 1, and
    satisfaction at least 30 % (Yuyao's rule: 群众满意度权重占 30% 以上)."""
    unknown = set(weights) - set(DEFAULT_WEIGHTS)
    if unknown:
        raise AnalysisError(
            f"未知的权重项：{', '.join(sorted(unknown))} / unknown weights: "
            f"{', '.join(sorted(unknown))}"
        )
    w = {k: float(weights.get(k, 0.0)) for k in DEFAULT_WEIGHTS}
    if any(v < 0 for v in w.values()):
        raise AnalysisError("权重不能为负 / a weight cannot be negative")
    if abs(sum(w.values()) - 1.0) > 1e-6:
        raise AnalysisError(
            f"权重之和须为 100%（现为 {sum(w.values()):.0%}） / the weights must add up to 100% "
            f"(they add up to {sum(w.values()):.0%})"
        )
    if w["satisfaction"] + 1e-9 < MIN_SATISFACTION_WEIGHT:
        raise AnalysisError(
            "群众满意度权重不得低于 30% / the satisfaction weight must be at least 30%"
        )
    return w


@dataclass(frozen=True)
class DepartmentRow:
    department_id: int
    name: str
    counts: dict[str, int]  # the measures of ORDER_MEASURES
    score: float | None  # 0–100, None without orders
    supervision: SupervisionScore | None = None  # where the county keeps one (issue 12)
    name_en: str | None = None  # the English interface's (None: the name)

    def rate(self, measure: str, of: str = "received") -> float | None:
        n = self.counts.get(of, 0)
        return self.counts.get(measure, 0) / n if n else None


def _order_base(period: Period) -> ColumnElement[bool]:
    return and_(
        WorkOrder.dispatched_at >= period.start,
        WorkOrder.dispatched_at < period.end,
        WorkOrder.status != "cancelled",
    )


def score(counts: Mapping[str, int], weights: Mapping[str, float]) -> float | None:
    """The weighted score (0–100). A department with no rated order takes the satisfaction
    part as neither good nor bad: its weight is spread over the other parts."""
    n = counts.get("received", 0)
    if not n:
        return None
    parts = {
        "on_time": counts["on_time"] / n,
        "resolved": counts["resolved"] / n,
        "not_returned": 1 - counts["returned"] / n,
        "not_second": 1 - counts["second_dispatch"] / n,
    }
    w = dict(weights)
    if counts.get("rated", 0):
        parts["satisfaction"] = counts["satisfied"] / counts["rated"]
    else:
        rest = sum(v for k, v in w.items() if k != "satisfaction") or 1.0
        w = {k: v / rest for k, v in w.items() if k != "satisfaction"}
    return round(100 * sum(w[k] * parts[k] for k in parts), 1)


def departments(
    session: Session,
    period: Period,
    weights: Mapping[str, float] | None = None,
    *,
    now: dt.datetime | None = None,
) -> list[DepartmentRow]:
    """Every active department with its orders dispatched in ``period``; best score first."""
    w = check_weights(weights or DEFAULT_WEIGHTS)
    now = now or clock.now()
    rows = _order_counts(session, period, now)
    zero = dict.fromkeys(ORDER_MEASURES, 0)
    scores = supervision_scores(session, period)
    out = []
    for did, name, name_en in session.execute(
        select(Department.id, Department.name, Department.name_en)
        .where(Department.active)
        .order_by(Department.id)
    ):
        c = rows.get(did, zero)
        out.append(DepartmentRow(did, name, c, score(c, w), scores.get(did), name_en))
    return sorted(out, key=lambda d: (d.score is None, -(d.score or 0), d.name))


_SUMMED = ("received", "resolved", "on_time", "returned", "second_dispatch", "rated", "satisfied")


def _order_counts(session: Session, period: Period, now: dt.datetime) -> dict[int, dict[str, int]]:
    """The measures of :data:`ORDER_MEASURES` per department. For whole days from the summary
    ``order_daily`` (alembic 0018), plus the open orders past their deadline at ``now``, which
    no summary can hold (``overdue`` = resolved late + open past the deadline); else counted
    from the orders."""
    if not whole_days(period):
        return _order_counts_live(session, period, now)
    d0, d1 = (m.astimezone(CST).date() for m in (period.start, period.end))
    out: dict[int, dict[str, int]] = {}
    for r in session.execute(
        text(
            f"SELECT department_id, {', '.join(f'sum({m})' for m in _SUMMED)}, sum(late) "
            "FROM order_daily WHERE day >= :d0 AND day < :d1 GROUP BY 1"
        ),
        {"d0": d0, "d1": d1},
    ):
        c = dict(zip(_SUMMED, (int(x) for x in r[1:-1]), strict=True))
        c["overdue"] = int(r[-1])
        out[int(r[0])] = c
    open_late = (
        f"SELECT department_id, count(*) FROM work_orders WHERE status IN {_OPEN_ORDERS} "
        "AND resolved_at IS NULL AND deadline_at < :now AND dispatched_at >= :s "
        "AND dispatched_at < :e GROUP BY 1"
    )
    for did, n in session.execute(
        text(open_late), {"now": now, "s": period.start, "e": period.end}
    ):
        c = out.setdefault(int(did), dict.fromkeys(ORDER_MEASURES, 0))
        c["overdue"] += int(n)
    for c in out.values():
        c.setdefault("overdue", 0)
    return {k: {m: c.get(m, 0) for m in ORDER_MEASURES} for k, c in out.items()}


def _order_counts_live(
    session: Session, period: Period, now: dt.datetime
) -> dict[int, dict[str, int]]:
    """:func:`_order_counts` from the orders themselves (a GROUP BY over them)."""
    cols = [func.count().filter(text(cond)).label(name) for name, cond in ORDER_MEASURES.items()]
    return {
        r[0]: dict(zip(ORDER_MEASURES, (int(x) for x in r[1:]), strict=True))
        for r in session.execute(
            select(WorkOrder.department_id, *cols)
            .join(Incident, Incident.id == WorkOrder.incident_id)
            .where(_order_base(period))
            .group_by(WorkOrder.department_id),
            {"now": now},
        )
    }


@dataclass(frozen=True)
class SupervisionScore:
    """A department's supervision score (督办考核, services/scores.monthly_scores) over the
    months a period touches: the mean of the months' scores (each on the 100 scale)."""

    score: float
    months: int
    points: int  # the movements in those months, summed
    final: bool  # every one of the months is locked (score_months): the score will not move
    # the work orders the points were given for: supervision_orders, when the cell is opened


def _months_of(period: Period) -> list[dt.date]:
    first = period.start.astimezone(CST).date().replace(day=1)
    last = (period.end - dt.timedelta(microseconds=1)).astimezone(CST).date().replace(day=1)
    out = []
    while first <= last:
        out.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return out


def supervision_scores(session: Session, period: Period) -> dict[int, SupervisionScore]:
    """Per department, its supervision score over the months ``period`` touches — only where the
    county keeps a score (some point recorded in those months): else empty."""
    months = _months_of(period)
    # the points summed per month, unit and rule (alembic 0024, 0025: score_point_monthly,
    # kept by triggers; a department with none in a month has no row and scores 100 there)
    rows = month_points(session, months, "department")
    if not rows:
        return {}
    scales = month_scales(session, months)
    locked = session.scalar(
        text("SELECT count(*) FROM score_months WHERE month = ANY(:m)"), {"m": months}
    )
    out = {}
    for did in session.scalars(select(Department.id).where(Department.active)):
        scores, total = [], 0
        for month in months:
            points, counts = rows.get((month, int(did)), ({}, {}))
            scores.append(unit_score(points, counts, scales[month]).exact)
            total += sum(points.values())
        out[int(did)] = SupervisionScore(
            round1(sum(scores) / len(months)), len(months), total, locked == len(months)
        )
    return out


def supervision_orders(session: Session, period: Period, department_id: int) -> QueueFilter:
    """The order queue's filter of the orders behind a department's supervision score over
    the months ``period`` touches (the orders its points were given for)."""
    ids = session.scalars(
        text(
            "SELECT DISTINCT work_order_id FROM score_points WHERE unit_type = 'department' "
            "AND unit_id = :d AND month = ANY(:m) AND work_order_id IS NOT NULL ORDER BY 1"
        ),
        {"d": department_id, "m": _months_of(period)},
    ).all()
    return QueueFilter(department_id=department_id, ids=tuple(int(i) for i in ids) or (-1,))


SUPERVISION = "supervision"  # the departments table's column of the supervision score


def department_orders(
    session: Session,
    period: Period,
    department_id: int,
    measure: str,
    *,
    now: dt.datetime | None = None,
) -> QueueFilter:
    """The order queue's filter of the orders behind one cell of the departments table
    (:data:`SUPERVISION`: the orders behind its supervision score)."""
    if measure == SUPERVISION:
        return supervision_orders(session, period, department_id)
    if measure not in ORDER_MEASURES:
        raise AnalysisError(f"没有这个指标（{measure}） / no such measure ({measure})")
    now = now or clock.now()
    ids = session.scalars(
        select(WorkOrder.id)
        .join(Incident, Incident.id == WorkOrder.incident_id)
        .where(
            _order_base(period),
            WorkOrder.department_id == department_id,
            text(ORDER_MEASURES[measure]),
        )
        .order_by(WorkOrder.id),
        {"now": now},
    ).all()
    return QueueFilter(department_id=department_id, ids=tuple(ids) or (-1,))


# --- grid workers and disputes ------------------------------------------------------------


@dataclass(frozen=True)
class WorkerActivity:
    full_time: int
    active: int
    inactive_names: tuple[str, ...]  # the full-time workers without a check-in, by name

    @property
    def ratio(self) -> float | None:
        return self.active / self.full_time if self.full_time else None


def worker_activity(session: Session, period: Period) -> WorkerActivity:
    """Full-time grid workers (active accounts) with at least one check-in (报平安) on a day of
    ``period`` — the KPI of ``overview`` over the period instead of the last 30 days."""
    rows = session.execute(
        text(
            "SELECT w.name, EXISTS (SELECT 1 FROM check_ins c WHERE c.worker_id = w.id "
            "AND c.day >= :d0 AND c.day < :d1) FROM grid_workers w "
            "WHERE w.kind = 'full_time' AND w.active ORDER BY w.name"
        ),
        {"d0": period.start.astimezone(CST).date(), "d1": period.end.astimezone(CST).date()},
    ).all()
    active = sum(1 for r in rows if r[1])
    return WorkerActivity(len(rows), active, tuple(r[0] for r in rows if not r[1]))


@dataclass(frozen=True)
class DisputeFigures:
    concluded: int
    agreements: int

    @property
    def success_rate(self) -> float | None:
        return self.agreements / self.concluded if self.concluded else None


def dispute_figures(session: Session, period: Period) -> DisputeFigures:
    """Dispute cases concluded in ``period`` and those ending in an agreement (the rule of
    ``disputes.figures``: withdrawals are not concluded)."""
    r = session.execute(
        text(
            "SELECT count(*) FILTER (WHERE status IN ('agreement','closed','failed',"
            "'referred_court')), count(*) FILTER (WHERE agreement_text IS NOT NULL AND status IN "
            "('agreement','closed')) FROM dispute_cases WHERE concluded_at >= :s AND "
            "concluded_at < :e"
        ),
        {"s": period.start, "e": period.end},
    ).one()
    return DisputeFigures(int(r[0]), int(r[1]))


DISPUTE_FROM_INCIDENT = "incident"
"""The source group of a dispute case made from an incident (转为纠纷案件), whatever its
``source`` says; the others are grouped by ``source`` (disputes.SOURCE_TEXT)."""

DISPUTE_SOURCE_NAMES: dict[str, str] = {
    DISPUTE_FROM_INCIDENT: "由事件转入 / from an incident",
    **{k: f"{zh} / {en}" for k, (zh, en) in disputes.SOURCE_TEXT.items()},
}


@dataclass(frozen=True)
class DisputeSource:
    """One row of the sources of disputes: the cases received in the period from one source."""

    key: str  # DISPUTE_FROM_INCIDENT or a disputes.SOURCE_TEXT key
    name: str  # "中文 / English"
    count: int
    last_year: int
    behind: CaseFilter  # the disputes area's filter of exactly those cases


_SOURCE_GROUP = f"CASE WHEN incident_id IS NOT NULL THEN '{DISPUTE_FROM_INCIDENT}' ELSE source END"


def dispute_sources(session: Session, period: Period) -> list[DisputeSource]:
    """Dispute cases received in ``period`` by where they came from: the mediation room's own
    intake (a walk-in), a grid worker, the 12345 hotline, transfers from the court, the police
    and the petitions office, and those made from an incident of the center (counted there,
    not under their ``source``); most first, with the same period a year earlier."""

    def per_source(p: Period) -> dict[str, list[int]]:
        return {
            k: list(ids)
            for k, ids in session.execute(
                text(
                    f"SELECT {_SOURCE_GROUP}, array_agg(id) FROM dispute_cases "
                    "WHERE received_at >= :s AND received_at < :e GROUP BY 1"
                ),
                {"s": p.start, "e": p.end},
            )
        }

    now, ly = per_source(period), per_source(period.last_year())
    out = [
        DisputeSource(
            k,
            DISPUTE_SOURCE_NAMES.get(k, k),
            len(now.get(k, ())),
            len(ly.get(k, ())),
            CaseFilter(ids=tuple(sorted(now.get(k, ()))) or (-1,)),
        )
        for k in set(now) | set(ly)
    ]
    return sorted(out, key=lambda x: (-x.count, x.key))


# --- early warnings -----------------------------------------------------------------------


@dataclass(frozen=True)
class WarningConfig:
    alpha: float = 0.01
    min_cases: int = 5
    baseline_weeks: int = 8
    min_baseline: float = 0.5
    seasonal: bool = True  # also the same three weeks a year earlier
    repeat_days: int = 30
    repeat_min: int = 3
    dispute_risks: tuple[str, ...] = disputes.URGENT_RISKS  # rising dispute risk: these levels
    dispute_min_cases: int = 3

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1 or self.min_cases < 1 or self.baseline_weeks < 1:
            raise AnalysisError("预警阈值无效 / invalid warning thresholds")


def poisson_upper(k: int, lam: float) -> float:
    """``P(X ≥ k)`` for ``X ~ Poisson(lam)``."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    # 1 - P(X ≤ k-1), summed in logs
    term = math.exp(-lam)
    cdf = term
    for i in range(1, k):
        term *= lam / i
        cdf += term
    return max(0.0, 1.0 - cdf)


@dataclass(frozen=True)
class SpikeTest:
    count: int
    baseline: float  # the λ used
    recent_mean: float
    last_year_mean: float | None  # the highest of the same three weeks a year earlier
    p_value: float
    fired: bool


def spike_test(
    recent: int, previous: Sequence[int], last_year: Sequence[int] | None, config: WarningConfig
) -> SpikeTest:
    """The test of the module docstring on one series (no database)."""
    recent_mean = sum(previous) / len(previous) if previous else 0.0
    ly_mean = float(max(last_year)) if last_year else None
    lam = max(recent_mean, config.min_baseline)
    if config.seasonal and ly_mean is not None:
        lam = max(lam, ly_mean)
    p = poisson_upper(recent, lam)
    return SpikeTest(
        recent, lam, recent_mean, ly_mean, p, recent >= config.min_cases and p < config.alpha
    )


@dataclass(frozen=True)
class Warning:
    key: str  # stable for one subject and window: what a dismissal names
    kind: str  # spike_grid, spike_village, spike_category, repeat_reporter, repeat_address
    subject: str
    count: int
    why: str  # "中文 / English"
    behind: QueueFilter | CaseFilter
    p_value: float | None = None
    window_end: dt.datetime | None = None
    dismissed_reason: str | None = None
    records: str = "incidents"  # what ``behind`` filters: "incidents", or "disputes" (CaseFilter)


WINDOW = dt.timedelta(days=7)


_SPIKE_DIMS = {"grid": "spike_grid", "village": "spike_village", "category": "spike_category"}


def _window_counts(
    session: Session, ranges: Sequence[tuple[dt.datetime, int]]
) -> list[dict[str, dict[Any, list[int]]]]:
    """Per grid, village and category (the daily summary), for each ``(end, windows)`` of
    ``ranges``: the counts in the 7-day windows ``[end − 7(i+1) days, end − 7i days)``, index
    ``i`` (0 the latest), ``windows`` of them; ``end`` is a midnight. One statement for all
    the ranges, one row per subject (its windows' sums in two arrays)."""
    parts, params = [], {}
    for r, (end, windows) in enumerate(ranges):
        end_day = end.astimezone(CST).date()
        params[f"d0_{r}"] = end_day - dt.timedelta(days=7 * windows)
        params[f"d1_{r}"] = end_day
        parts.append(
            f"SELECT dim, key, {r} AS r, (:d1_{r} - day - 1) / 7 AS i, n FROM incident_daily "
            f"WHERE dim IN ('grid', 'village', 'category') AND day >= :d0_{r} "
            f"AND day < :d1_{r} AND key <> ''"
        )
    out: list[dict[str, dict[Any, list[int]]]] = [
        {kind: {} for kind in _SPIKE_DIMS.values()} for _ in ranges
    ]
    for dim, key, rs, ws, ns in session.execute(
        text(
            "SELECT dim, key, array_agg(r), array_agg(i), array_agg(n) FROM (SELECT dim, key, "
            f"r, i, sum(n)::int AS n FROM ({' UNION ALL '.join(parts)}) x GROUP BY 1, 2, 3, 4) y "
            "GROUP BY 1, 2"
        ),
        params,
    ):
        kind = _SPIKE_DIMS[dim]
        k = int(key) if dim != "category" else key
        for r, i, n in zip(rs, ws, ns, strict=True):
            series = out[r][kind].get(k)
            if series is None:
                series = out[r][kind][k] = [0] * ranges[r][1]
            series[i] += n
    return out


def warnings(
    session: Session,
    config: WarningConfig = WarningConfig(),
    *,
    now: dt.datetime | None = None,
    include_dismissed: bool = False,
) -> list[Warning]:
    """Every warning at ``now``, the most significant spikes first, then repeats."""
    now = now or clock.now()
    n = config.baseline_weeks + 1
    end = day_start(now.astimezone(CST).date() + dt.timedelta(days=1))  # today included
    ly_end = end - dt.timedelta(days=364) + WINDOW  # weeks −53, −52, −51
    window = Period(end - WINDOW, end)
    out: list[Warning] = []
    children, info = _subtrees(session)
    areas = dict(
        session.execute(
            select(AdminArea.id, AdminArea.name).where(AdminArea.level.in_(("village", "grid")))
        ).all()
    )
    if config.seasonal:  # the baseline's windows and last year's, read at once
        recent_all, last_year_all = _window_counts(session, [(end, n), (ly_end, 3)])
    else:
        recent_all, last_year_all = _window_counts(session, [(end, n)])[0], {}
    for kind, zh, en in (
        ("spike_grid", "网格", "grid"),
        ("spike_village", "村（社区）", "village"),
        ("spike_category", "事件类别", "category"),
    ):
        recent = recent_all[kind]
        last_year = last_year_all.get(kind, {})
        for key, series in recent.items():
            if kind == "spike_category" and children.get(key):
                continue  # a category with subcategories: its leaves are tested
            ly = last_year.get(key) if config.seasonal else None
            t = spike_test(
                series[0], series[1:], ly or ([0, 0, 0] if config.seasonal else None), config
            )
            if not t.fired:
                continue
            if kind == "spike_category":
                name = info.get(key, (str(key), "", 0))[0]
                behind = incident_filter(window, Scope(category_code=key))
            else:
                name = areas.get(key, str(key))
                behind = incident_filter(window, Scope(area_id=key))
            ly_txt = (
                f"，去年同期周最高 {t.last_year_mean:.0f}" if t.last_year_mean is not None else ""
            )
            ly_en = (
                f", at most {t.last_year_mean:.0f} a week at this time last year"
                if t.last_year_mean is not None
                else ""
            )
            why = (
                f"{zh}「{name}」近 7 天 {t.count} 件，前 {config.baseline_weeks} 周周均 "
                f"{t.recent_mean:.1f}{ly_txt}；泊松检验 p={t.p_value:.1e} < {config.alpha} / "
                f"{en} {name}: {t.count} in the last 7 days, {t.recent_mean:.1f} a week in the "
                f"{config.baseline_weeks} weeks before{ly_en}; Poisson p={t.p_value:.1e} < "
                f"{config.alpha}"
            )
            out.append(
                Warning(
                    f"{kind}:{key}:{now.date().isoformat()}",
                    kind,
                    name,
                    t.count,
                    why,
                    behind,
                    t.p_value,
                    now,
                )
            )
    out.extend(_dispute_risks(session, config, now, end))
    out.sort(key=lambda w: (w.p_value or 0.0, -w.count))
    out.extend(_repeats(session, config, now, info))
    dismissed = dismissals(session, now)
    result = []
    for w in out:
        reason = dismissed.get(_dismiss_key(w.key))
        if reason is not None:
            if not include_dismissed:
                continue
            w = dataclasses.replace(w, dismissed_reason=reason)
        result.append(w)
    return result


def _dispute_risks(
    session: Session, config: WarningConfig, now: dt.datetime, end: dt.datetime
) -> list[Warning]:
    """Rising dispute risk (矛盾纠纷风险上升), per town: ``k`` = the dispute cases of a risk in
    ``config.dispute_risks`` (high or major) received in the last 7 days, tested against the
    town's own 8 weeks before by the Poisson test of the spikes (``P(X ≥ k) < alpha``, baseline
    at least ``min_baseline``), and at least ``dispute_min_cases`` of them."""
    weeks = config.baseline_weeks + 1
    series: dict[int, list[int]] = defaultdict(lambda: [0] * weeks)
    recent_ids: dict[int, list[int]] = defaultdict(list)
    for town, i, n, ids in session.execute(
        text(
            "SELECT town_id, floor(extract(epoch FROM (:e - received_at)) / 604800)::int, "
            "count(*), array_agg(id) FROM dispute_cases WHERE received_at >= :s "
            "AND received_at < :e AND town_id IS NOT NULL AND risk_level = ANY(:r) GROUP BY 1, 2"
        ),
        {"s": end - WINDOW * weeks, "e": end, "r": list(config.dispute_risks)},
    ):
        series[int(town)][int(i)] += int(n)
        if int(i) == 0:
            recent_ids[int(town)] = list(ids)
    if not series:
        return []
    names = dict(
        session.execute(
            select(AdminArea.id, AdminArea.name).where(AdminArea.id.in_(list(series)))
        ).all()
    )
    levels = "/".join(disputes.RISK_TEXT[r][0] for r in config.dispute_risks)
    levels_en = "/".join(disputes.RISK_TEXT[r][1].lower() for r in config.dispute_risks)
    out = []
    for town, counts in series.items():
        t = spike_test(counts[0], counts[1:], None, config)
        if not (t.p_value < config.alpha and t.count >= config.dispute_min_cases):
            continue
        name = names.get(town, str(town))
        why = (
            f"镇（街道）「{name}」{levels}风险矛盾纠纷近 7 天 {t.count} 件，前 "
            f"{config.baseline_weeks} 周周均 {t.recent_mean:.1f}；泊松检验 p={t.p_value:.1e} < "
            f"{config.alpha} / town {name}: {t.count} {levels_en}-risk disputes in the last 7 "
            f"days, {t.recent_mean:.1f} a week in the {config.baseline_weeks} weeks before; "
            f"Poisson p={t.p_value:.1e} < {config.alpha}"
        )
        out.append(
            Warning(
                f"dispute_risk:{town}:{now.date().isoformat()}",
                "dispute_risk",
                name,
                t.count,
                why,
                CaseFilter(ids=tuple(sorted(recent_ids[town])) or (-1,)),
                t.p_value,
                now,
                records="disputes",
            )
        )
    return out


# the repeat keys hashed as the summary ``incident_repeat_keys`` and the incidents' indexes
# hash them (alembic 0022 and 0024: the same text, or the indexes are not used)
REPEAT_PHONE_HASH = "hashtextextended('phone:' || reporter_phone_masked, 0)"
REPEAT_ADDRESS_HASH = (
    "hashtextextended('address:' || address::text || chr(31) || category_code::text, 0)"
)
REPEAT_PHONE, REPEAT_ADDRESS = 0, 1  # incident_repeat_keys.kind

# the keys with at least :k days of report in whole days [:d0, :d1] (``days`` is sorted): every
# such key has its second latest day on or after :d0 (the index on ``prev_day``); when its
# latest is not after :d1, its :k-th latest says it; else its days in the window are counted
_REPEAT_CANDIDATES = (
    "SELECT kind, array_agg(h) AS hs FROM incident_repeat_keys WHERE prev_day >= :d0 AND CASE "
    "WHEN days[cardinality(days)] <= :d1 THEN days[cardinality(days) - :k + 1] >= :d0 "
    "ELSE (SELECT count(*) FROM unnest(days) d WHERE d >= :d0 AND d <= :d1) >= :k END "
    "GROUP BY kind"
)


def _repeats(
    session: Session,
    config: WarningConfig,
    now: dt.datetime,
    info: Mapping[str, tuple[str, str, int]] | None = None,
) -> list[Warning]:
    """The same (masked) phone number reporting again and again, and the same problem (leaf
    category) at the same address: ``≥ repeat_min`` in ``repeat_days`` days.

    The summary ``incident_repeat_keys`` (alembic 0024, kept by triggers) gives the hashed
    keys with at least ``repeat_min`` reports over the whole days covering the window (a key
    below it there is below it in the window; a hash collision only adds a candidate), each
    of its kind; only those keys are then counted exactly, by their text and with their
    records, in ``incidents`` (the expression indexes on the hashes, each probed with its own
    kind's keys). The result is the GROUP BY over the window's incidents it replaces
    (``tests/db/test_analysis.py`` compares them)."""
    since = now - dt.timedelta(days=config.repeat_days)
    period = Period(since, now)
    if info is None:
        _, info = _subtrees(session)
    window = "reported_at >= :s AND reported_at < :e AND status <> 'merged'"
    params: dict[str, Any] = {
        "d0": since.astimezone(CST).date(),
        "d1": now.astimezone(CST).date(),
        "s": period.start,
        "e": period.end,
        "k": config.repeat_min,
    }
    cte = ""
    phone_where = address_where = "true"  # repeat_min below 2: every key in the window
    if config.repeat_min >= 2:
        # one statement: the candidates stay in the server (arrays the indexes are probed with)
        cte = f"WITH c AS MATERIALIZED ({_REPEAT_CANDIDATES}) "
        keys = "ANY((SELECT hs FROM c WHERE kind = {})::bigint[])"
        phone_where = f"{REPEAT_PHONE_HASH} = {keys.format(REPEAT_PHONE)}"
        address_where = f"{REPEAT_ADDRESS_HASH} = {keys.format(REPEAT_ADDRESS)}"
    # grouped by the hash first, then the text (the same groups: the sort compares integers,
    # not Chinese text); each key's records sorted here
    rows = session.execute(
        text(
            f"{cte}SELECT 0, reporter_phone_masked, NULL, NULL, count(*), array_agg(id) "
            f"FROM incidents WHERE {phone_where} AND reporter_phone_masked <> '' AND {window} "
            f"GROUP BY {REPEAT_PHONE_HASH}, 2 HAVING count(*) >= :k "
            "UNION ALL "
            "SELECT 1, NULL, address, category_code, count(*), array_agg(id) "
            f"FROM incidents WHERE {address_where} AND address <> '' AND category_code IS NOT "
            f"NULL AND {window} GROUP BY {REPEAT_ADDRESS_HASH}, 3, 4 HAVING count(*) >= :k"
        ),
        params,
    ).all()
    phones = sorted(
        ((r[1], int(r[4]), r[5]) for r in rows if r[0] == 0 and r[1]),
        key=lambda x: (-x[1], x[0]),
    )
    addresses = sorted(
        ((r[2], r[3], int(r[4]), r[5]) for r in rows if r[0] == 1 and r[2] and r[3]),
        key=lambda x: (-x[2], x[0], x[1]),
    )
    out = []
    found: list[tuple[str, tuple[Any, ...], str, int, list[int]]] = [
        ("repeat_reporter", (p,), str(p), k, ids) for p, k, ids in phones
    ] + [
        ("repeat_address", (addr, cat), f"{addr}（{info.get(cat, (cat,))[0]}）", k, ids)
        for addr, cat, k, ids in addresses
    ]
    words = {
        "repeat_reporter": ("同一号码", "the same number"),
        "repeat_address": ("同一地址同类问题", "the same problem at the same address"),
    }
    day = now.date().isoformat()
    base = incident_filter(period)
    base_kw = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    for kind, key, value, k, ids in found:
        zh, en = words[kind]
        why = (
            f"{zh}「{value}」近 {config.repeat_days} 天反映 {k} 次（≥ {config.repeat_min}） / "
            f"{en} {value}: {k} reports in {config.repeat_days} days (≥ {config.repeat_min})"
        )
        out.append(
            Warning(
                f"{kind}:{':'.join(str(x) for x in key)}:{day}",
                kind,
                value,
                k,
                why,
                QueueFilter(**{**base_kw, "ids": tuple(sorted(ids))}),
                None,
                now,
            )
        )
    return out


DISMISS_ACTION = "analysis.warning_dismiss"
DISMISS_ENTITY = "analysis_warning"  # found through the audit log's (entity_type, entity_id) index


def _dismiss_key(key: str) -> str:
    """A warning's key without its date: a dismissal holds for the subject, until it runs out."""
    return key.rsplit(":", 1)[0]


def dismissals(session: Session, now: dt.datetime) -> dict[str, str]:
    """Subjects dismissed and still holding at ``now``: key → the reason."""
    out: dict[str, str] = {}
    for after, reason in session.execute(
        select(AuditEntry.after, AuditEntry.reason)
        .where(AuditEntry.entity_type == DISMISS_ENTITY, AuditEntry.action == DISMISS_ACTION)
        .order_by(AuditEntry.id)
    ):
        after = after or {}
        try:
            until = dt.datetime.fromisoformat(str(after.get("until")))
        except ValueError:
            continue
        if until > now:
            out[str(after.get("subject"))] = reason or ""
    return out


def dismiss(
    session: Session, actor: Actor, warning: Warning, reason: str, *, now: dt.datetime | None = None
) -> None:
    """Dismiss a warning with a reason (audited); it stays dismissed for the 7 days of its
    window. The center's roles dismiss; the analyst reads."""
    now = now or clock.now()
    reason = (reason or "").strip()
    if not reason:
        raise AnalysisError("请填写忽略预警的理由 / give the reason for dismissing the warning")
    if len(reason) > 500:
        raise AnalysisError("理由过长（最多 500 字） / the reason is too long (500 at most)")
    role = permissions.who(session, actor).role
    if role is not None and role not in permissions.CENTER_ROLES:
        raise AnalysisError(
            "只有指挥中心人员可以忽略预警 / only the center's staff may dismiss a warning"
        )
    until = (warning.window_end or now) + WINDOW
    record(
        session,
        actor,
        DISMISS_ACTION,
        "analysis_warning",
        None,
        f"忽略预警：{warning.subject} / warning dismissed: {warning.subject}",
        after={
            "subject": _dismiss_key(warning.key),
            "key": warning.key,
            "until": until.isoformat(),
            "count": warning.count,
        },
        reason=reason,
    )
    session.commit()


# --- helpers for the views and the bulletin ------------------------------------------------


@dataclass(frozen=True)
class Headline:
    period: Period
    incidents: int
    last_year: int
    previous: int  # the period just before, of the same length (环比)
    resolved: int  # of those counted, resolved, verified or closed now
    behind: QueueFilter
    behind_resolved: QueueFilter = field(default_factory=QueueFilter)


def headline(session: Session, period: Period, scope: Scope = Scope()) -> Headline:
    before = Period(period.start - (period.end - period.start), period.start)
    if period.start.day == 1 and period.end.day == 1 and (period.end - period.start).days >= 28:
        before = month_period((period.start - dt.timedelta(days=1)).date())
    resolved = (
        _daily(session, period, resolved_only=True).get(None, 0)
        if _summary(period, scope)
        else None
    )
    if resolved is None:
        resolved = int(
            session.scalar(
                select(func.count())
                .select_from(Incident)
                .where(
                    counted(period),
                    Incident.status.in_(RESOLVED_STATUSES),
                    *_scope_conditions(session, scope),
                )
            )
            or 0
        )
    return Headline(
        period,
        count(session, period, scope),
        count(session, period.last_year(), scope),
        count(session, before, scope),
        resolved,
        incident_filter(period, scope),
        incident_filter(period, scope, statuses=RESOLVED_STATUSES),
    )


def change(now: int, before: int) -> str:
    """ "+12.5%" / "−3.0%" / "—" (nothing before)."""
    if not before:
        return "—"
    d = (now - before) / before
    return f"{'+' if d >= 0 else '−'}{abs(d):.1%}"
