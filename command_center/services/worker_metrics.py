"""Grid-worker activity metrics (no Qt): the ONE definition of an active worker, the active
ratio by town, village and day against a target, a worker's calendar, reports per worker and
the towns' ranking, the inactive list with reminders, the points ledger.

**Active** (:func:`active_since`): a full-time grid worker still in service
(``grid_workers.active``) with at least one check-in (报平安) in the :data:`ACTIVE_DAYS` days
ending on the day asked about (that day included). The overview's KPI uses the same rule
(services/overview.py imports it). A worker counts in the town and village of the grid (or
micro-grid) of an assignment open on that day; a worker serving two grids counts once in each
area but once in the county.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.clock import CST
from command_center.models import WorkerReminder
from command_center.services import audit, settings
from command_center.services.audit import Actor

ACTIVE_DAYS = 30
"""A full-time worker is "active" with at least one check-in in this many days."""
DEFAULT_TARGET = 0.811  # Minle's field report: 404 workers, 81.1% active
TARGET_SETTING = "workers.active_target"
DEFAULT_INACTIVE_DAYS = 7
MAX_DAYS = 366


def active_since(day: dt.date) -> dt.date:
    """The first day of the window that makes a worker active on ``day``."""
    return day - dt.timedelta(days=ACTIVE_DAYS - 1)


def today() -> dt.date:
    return clock.now().astimezone(CST).date()


def target(session: Session) -> float:
    """The active ratio the county aims at (setting ``workers.active_target``, 0–1)."""
    value = settings.get(session, TARGET_SETTING)
    try:
        t = float(value) if value is not None else DEFAULT_TARGET
    except (TypeError, ValueError):
        return DEFAULT_TARGET
    return t if 0 < t <= 1 else DEFAULT_TARGET


# The workers in service and where they serve: full-time, active, an assignment open today,
# its grid (a micro-grid counts for its grid), village and town.
_ROSTER = """
SELECT DISTINCT w.id, w.code, w.name, t.id AS town_id, t.name AS town,
       v.id AS village_id, v.name AS village
FROM grid_workers w
JOIN grid_assignments ga ON ga.worker_id = w.id
    AND ga.valid_from <= :day AND (ga.valid_to IS NULL OR ga.valid_to > :day)
JOIN admin_areas a ON a.id = ga.area_id
JOIN admin_areas g ON g.id = CASE WHEN a.level = 'micro_grid' THEN a.parent_id ELSE a.id END
JOIN admin_areas v ON v.id = g.parent_id
JOIN admin_areas t ON t.id = v.parent_id
WHERE w.kind = 'full_time' AND w.active
"""


@dataclass(frozen=True)
class RosterRow:
    id: int
    code: str
    name: str
    town_id: int
    town: str
    village_id: int
    village: str


def roster(session: Session, day: dt.date | None = None) -> list[RosterRow]:
    day = day or today()
    rows = session.execute(text(_ROSTER + " ORDER BY w.code"), {"day": day}).all()
    return [RosterRow(*r) for r in rows]


@dataclass(frozen=True)
class AreaRatio:
    area_id: int
    name: str
    workers: int
    active: int

    @property
    def ratio(self) -> float:
        return self.active / self.workers if self.workers else 0.0


def _last_check_in(session: Session, day: dt.date) -> dict[int, dt.date]:
    # one probe of the (worker_id, day) index per worker, not a scan of a year's check-ins
    return dict(
        session.execute(
            text(
                "SELECT w.id, c.day FROM grid_workers w CROSS JOIN LATERAL (SELECT day FROM "
                "check_ins c WHERE c.worker_id = w.id AND c.day <= :d ORDER BY day DESC "
                "LIMIT 1) c"
            ),
            {"d": day},
        ).all()
    )


def active_ratio(
    session: Session, level: str = "town", day: dt.date | None = None
) -> tuple[AreaRatio, list[AreaRatio]]:
    """The county's ratio and each town's (``level="town"``) or village's, on ``day``."""
    if level not in ("town", "village"):
        raise ValueError(f"level must be town or village, not {level!r}")
    day = day or today()
    people = roster(session, day)
    last = _last_check_in(session, day)
    since = active_since(day)
    active = {p.id for p in people if (last.get(p.id) or dt.date.min) >= since}
    groups: dict[tuple[int, str], set[int]] = defaultdict(set)
    for p in people:
        key = (p.town_id, p.town) if level == "town" else (p.village_id, p.village)
        groups[key].add(p.id)
    areas = [
        AreaRatio(aid, name, len(ids), len(ids & active))
        for (aid, name), ids in sorted(groups.items(), key=lambda kv: kv[0][1])
    ]
    everyone = {p.id for p in people}
    return AreaRatio(0, "全县", len(everyone), len(everyone & active)), areas


def ratio_by_day(
    session: Session, days: int = 90, until: dt.date | None = None, town_id: int | None = None
) -> list[tuple[dt.date, float]]:
    """The active ratio on each of the last ``days`` days (the roster of ``until``; a worker
    is active on a day when a check-in falls in the window ending that day)."""
    days = max(1, min(days, MAX_DAYS))
    until = until or today()
    first = until - dt.timedelta(days=days - 1)
    people = {p.id for p in roster(session, until) if town_id is None or p.town_id == town_id}
    if not people:
        return [(first + dt.timedelta(days=i), 0.0) for i in range(days)]
    # each check-in makes its worker active for ACTIVE_DAYS days: a worker × day matrix of
    # check-ins (one array of day offsets per worker from the database), a running window

    start = active_since(first)
    width = (until - start).days + 1
    marks = np.zeros((len(people), width), dtype=np.int32)
    for row, (_wid, offsets) in enumerate(
        session.execute(
            text(
                "SELECT worker_id, array_agg(day - CAST(:a AS date)) FROM check_ins "
                "WHERE day BETWEEN :a AND :b AND worker_id = ANY(:w) GROUP BY worker_id"
            ),
            {"a": start, "b": until, "w": list(people)},
        )
    ):
        marks[row, offsets] = 1
    csum = np.concatenate((np.zeros((len(people), 1), dtype=np.int32), marks.cumsum(axis=1)), 1)
    # checked in within [d - ACTIVE_DAYS + 1, d] for each shown day d
    ends = np.arange(width - days, width) + 1
    window = csum[:, ends] - csum[:, np.maximum(ends - ACTIVE_DAYS, 0)]
    counts = (window > 0).sum(axis=0)
    return [(first + dt.timedelta(days=i), int(counts[i]) / len(people)) for i in range(days)]


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    check_ins: int
    patrol_km: float
    reports: int


def calendar(
    session: Session, worker_id: int, days: int = 365, until: dt.date | None = None
) -> list[CalendarDay]:
    """One worker's days: check-ins, patrol distance and reports, oldest first."""
    until = until or today()
    first = until - dt.timedelta(days=max(1, min(days, MAX_DAYS)) - 1)
    rows = session.execute(
        text(
            """
            WITH d AS (SELECT generate_series(CAST(:a AS date), CAST(:b AS date),
                                              interval '1 day')::date AS day)
            SELECT d.day,
                (SELECT count(*) FROM check_ins c WHERE c.worker_id = :w AND c.day = d.day),
                COALESCE((SELECT sum(p.distance_km) FROM patrols p WHERE p.worker_id = :w
                    AND p.started_at >= d.day::timestamp AT TIME ZONE 'Asia/Shanghai'
                    AND p.started_at < (d.day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'), 0),
                (SELECT count(*) FROM incidents i WHERE i.reporter_worker_id = :w
                    AND i.reported_at >= d.day::timestamp AT TIME ZONE 'Asia/Shanghai'
                    AND i.reported_at < (d.day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
            FROM d ORDER BY d.day
            """
        ),
        {"a": first, "b": until, "w": worker_id},
    ).all()
    return [CalendarDay(d, int(c), float(k), int(r)) for d, c, k, r in rows]


@dataclass(frozen=True)
class WorkerReports:
    worker_id: int
    code: str
    name: str
    town: str
    reports: int


def reports_per_worker(
    session: Session, days: int = 30, until: dt.date | None = None
) -> list[WorkerReports]:
    """Incidents each worker in service reported in the last ``days`` days, most first."""
    until = until or today()
    first = until - dt.timedelta(days=days - 1)
    people = roster(session, until)
    counts: dict[int, int] = dict(
        session.execute(
            text(
                "SELECT reporter_worker_id, count(*) FROM incidents "
                "WHERE reporter_worker_id IS NOT NULL AND reported_at >= :a AND reported_at < :b "
                "GROUP BY reporter_worker_id"
            ),
            {
                "a": dt.datetime.combine(first, dt.time(), CST),
                "b": dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), CST),
            },
        ).all()
    )
    seen: dict[int, WorkerReports] = {}
    for p in people:
        seen.setdefault(p.id, WorkerReports(p.id, p.code, p.name, p.town, int(counts.get(p.id, 0))))
    return sorted(seen.values(), key=lambda r: (-r.reports, r.code))


def town_ranking(rows: list[WorkerReports]) -> list[tuple[str, int, int, float]]:
    """(town, workers, reports, reports per worker), best first."""
    by: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        by[r.town].append(r.reports)
    out = [(t, len(v), sum(v), sum(v) / len(v)) for t, v in by.items()]
    return sorted(out, key=lambda x: (-x[3], x[0]))


@dataclass(frozen=True)
class Inactive:
    worker_id: int
    code: str
    name: str
    town: str
    village: str
    last_check_in: dt.date | None
    days_since: int | None
    reminded_at: dt.datetime | None


def inactive(session: Session, days: int = DEFAULT_INACTIVE_DAYS) -> list[Inactive]:
    """Workers in service without a check-in in the last ``days`` days, longest first."""
    day = today()
    last = _last_check_in(session, day)
    reminded: dict[int, dt.datetime] = dict(
        session.execute(
            text("SELECT worker_id, max(at) FROM worker_reminders GROUP BY worker_id")
        ).all()
    )
    out: dict[int, Inactive] = {}
    for p in roster(session, day):
        seen = last.get(p.id)
        since = (day - seen).days if seen else None
        if since is not None and since < days:
            continue
        out.setdefault(
            p.id,
            Inactive(p.id, p.code, p.name, p.town, p.village, seen, since, reminded.get(p.id)),
        )
    return sorted(out.values(), key=lambda r: (-(r.days_since or 10**6), r.code))


def remind(session: Session, actor: Actor, worker_ids: list[int], days: int) -> int:
    """Record a reminder to each worker (shown to their supervisor), audited; commits."""
    now = clock.now()
    names: dict[int, str] = dict(
        session.execute(
            text("SELECT id, name FROM grid_workers WHERE id = ANY(:w)"), {"w": worker_ids}
        ).all()
    )
    for wid in worker_ids:
        if wid not in names:
            raise ValueError(f"没有这个网格员 / no grid worker {wid}")
        message = f"{names[wid]}：已{days}天以上未报平安，请尽快履职打卡。"
        session.add(
            WorkerReminder(
                worker_id=wid, at=now, sent_by=actor.name[:64], inactive_days=days, message=message
            )
        )
        audit.record(
            session,
            actor,
            "worker.remind",
            "grid_worker",
            wid,
            f"{actor.name} 提醒网格员 {names[wid]}（{days}天未报平安）",
            after={"inactive_days": days},
        )
    session.commit()
    return len(worker_ids)


@dataclass(frozen=True)
class LedgerLine:
    id: int
    at: dt.datetime
    code: str
    name: str
    points: int
    reason: str
    # the incident's number; a redemption's store, item × quantity and operator; the note
    cause: str


REASONS: dict[str, tuple[str, str]] = {
    "checkin": ("报平安", "check-ins"),
    "patrol": ("巡查", "patrols"),
    "report": ("上报事件", "reports"),
    "redeem": ("平安超市兑换", "redeemed at a 平安超市"),
}

_CAUSE = """CASE WHEN p.reason = 'redeem' AND p.item IS NOT NULL THEN
        concat_ws(' ', p.store, p.item || ' ×' || p.quantity,
                  CASE WHEN p.operator IS NOT NULL THEN '经办 ' || p.operator END)
    ELSE COALESCE(i.number, p.store, p.note, '') END"""


def points_ledger(
    session: Session, worker_id: int | None = None, limit: int = 2000
) -> tuple[list[LedgerLine], int]:
    """The ledger's newest lines (every line traced to its cause) and the balance."""
    where = "WHERE p.worker_id = :w" if worker_id is not None else ""
    rows = session.execute(
        text(
            f"SELECT p.id, p.at, w.code, w.name, p.points, p.reason, {_CAUSE} "
            f"FROM points_ledger p "
            f"JOIN grid_workers w ON w.id = p.worker_id "
            f"LEFT JOIN incidents i ON i.id = p.incident_id {where} "
            f"ORDER BY p.at DESC, p.id DESC LIMIT :n"
        ),
        {"w": worker_id, "n": limit},
    ).all()
    balance = session.scalar(
        text(f"SELECT COALESCE(sum(p.points), 0) FROM points_ledger p {where}"),
        {"w": worker_id},
    )
    return [LedgerLine(*r) for r in rows], int(balance or 0)


class RedemptionError(ValueError):
    """A refused redemption; str is "中文 / English"."""


def balance(session: Session, worker_id: int) -> int:
    return int(
        session.scalar(
            text("SELECT COALESCE(sum(points), 0) FROM points_ledger WHERE worker_id = :w"),
            {"w": worker_id},
        )
        or 0
    )


def stores(session: Session) -> list[str]:
    """The 平安超市 the ledger knows, for the redemption dialog."""
    return list(
        session.scalars(
            text("SELECT DISTINCT store FROM points_ledger WHERE store IS NOT NULL ORDER BY store")
        )
    )


def redeem(
    session: Session,
    actor: Actor,
    worker_id: int,
    *,
    store: str,
    item: str,
    quantity: int,
    points_each: int,
) -> int:
    """Redeem ``quantity`` × ``item`` at ``store`` for ``points_each`` points each: a negative
    entry naming its item, quantity, store and operator, refused when the balance is short
    (here, and by the database's ``cc_points_balance`` whatever writes); audited; commits.
    Returns the new balance."""
    from sqlalchemy.exc import IntegrityError

    store, item = " ".join(store.split()), " ".join(item.split())
    if not store or len(store) > 64:
        raise RedemptionError("请填写平安超市（至多64字） / name the store (64 characters at most)")
    if not item or len(item) > 64:
        raise RedemptionError("请填写兑换物品（至多64字） / name the item (64 characters at most)")
    if quantity < 1 or points_each < 1:
        raise RedemptionError("数量和单价须为正数 / quantity and points must be positive")
    cost = quantity * points_each
    name = session.scalar(text("SELECT name FROM grid_workers WHERE id = :w"), {"w": worker_id})
    if name is None:
        raise RedemptionError(f"没有这个网格员 / no grid worker {worker_id}")
    have = balance(session, worker_id)
    if have < cost:
        raise RedemptionError(
            f"积分余额不足：余额{have}，需{cost} / not enough points: balance {have}, needs {cost}"
        )
    try:
        session.execute(
            text(
                "INSERT INTO points_ledger (worker_id, at, points, reason, store, note, item, "
                "quantity, operator) VALUES (:w, :at, :p, 'redeem', :s, :n, :i, :q, :o)"
            ),
            {
                "w": worker_id,
                "at": clock.now(),
                "p": -cost,
                "s": store,
                "n": f"兑换{item}×{quantity}",
                "i": item,
                "q": quantity,
                "o": actor.name[:64],
            },
        )
        audit.record(
            session,
            actor,
            "points.redeem",
            "grid_worker",
            worker_id,
            f"{actor.name} 为 {name} 在{store}兑换{item}×{quantity}，扣{cost}积分",
            before={"balance": have},
            after={"balance": have - cost, "item": item, "quantity": quantity, "store": store},
        )
        session.commit()
    except IntegrityError as exc:  # the database's rule: another redemption came first
        session.rollback()
        raise RedemptionError(
            f"积分余额不足 / not enough points ({str(exc.orig).splitlines()[0]})"
        ) from None
    except BaseException:
        session.rollback()
        raise
    return have - cost


# --- the records behind a figure ----------------------------------------------------------


@dataclass(frozen=True)
class WorkerState:
    worker_id: int
    code: str
    name: str
    town: str
    village: str
    last_check_in: dt.date | None
    active: bool


def workers_behind(
    session: Session,
    *,
    day: dt.date | None = None,
    town_id: int | None = None,
    village_id: int | None = None,
    roster_day: dt.date | None = None,
) -> list[WorkerState]:
    """The workers a ratio counts (the roster of ``roster_day``, ``day`` by default, in a town
    or village), each with whether they were active on ``day``: a town's bar, a village's, or
    one day's point of the series (whose roster is the series' last day)."""
    day = day or today()
    people = roster(session, roster_day or day)
    last = _last_check_in(session, day)
    since = active_since(day)
    out: dict[int, WorkerState] = {}
    for p in people:
        if town_id is not None and p.town_id != town_id:
            continue
        if village_id is not None and p.village_id != village_id:
            continue
        seen = last.get(p.id)
        out.setdefault(
            p.id,
            WorkerState(
                p.id, p.code, p.name, p.town, p.village, seen, (seen or dt.date.min) >= since
            ),
        )
    return sorted(out.values(), key=lambda w: (not w.active, w.code))


def _cst_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(first, dt.time(), CST),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), CST),
    )


def reports_behind(
    session: Session, worker_ids: list[int], days: int = 30, until: dt.date | None = None
) -> Any:
    """The incident queue's filter of exactly the incidents ``reports_per_worker`` counts for
    these workers (a ranking row, a worker's row): reported by them in the period."""
    from command_center.services.queue import QueueFilter

    until = until or today()
    first = until - dt.timedelta(days=days - 1)
    a, b = _cst_bounds(first, until)
    return QueueFilter(
        reporter_worker_ids=tuple(sorted(set(worker_ids))) or (-1,),
        reported_from=a.isoformat(),
        reported_to=b.isoformat(),
    )


@dataclass(frozen=True)
class CheckInRow:
    id: int
    day: dt.date
    at: dt.datetime
    lon: float | None
    lat: float | None
    note: str | None


def check_ins_of(
    session: Session, worker_id: int, first: dt.date, last: dt.date
) -> list[CheckInRow]:
    """A worker's check-ins between two days (included), newest first."""
    rows = session.execute(
        text(
            "SELECT id, day, at, lon, lat, note FROM check_ins WHERE worker_id = :w "
            "AND day BETWEEN :a AND :b ORDER BY day DESC, at DESC"
        ),
        {"w": worker_id, "a": first, "b": last},
    ).all()
    return [CheckInRow(*r) for r in rows]


@dataclass(frozen=True)
class DayRecords:
    """What a calendar cell counts: the day's check-ins, patrols and reports of one worker."""

    day: dt.date
    check_ins: list[CheckInRow]
    patrols: list[tuple[int, dt.datetime, dt.datetime | None, float]]
    reports: Any  # the incident queue's QueueFilter of the day's reports
    report_count: int


def day_records(session: Session, worker_id: int, day: dt.date) -> DayRecords:
    a, b = _cst_bounds(day, day)
    patrols = [
        (int(i), s, e, float(k or 0))
        for i, s, e, k in session.execute(
            text(
                "SELECT id, started_at, ended_at, distance_km FROM patrols WHERE worker_id = :w "
                "AND started_at >= :a AND started_at < :b ORDER BY started_at"
            ),
            {"w": worker_id, "a": a, "b": b},
        ).all()
    ]
    behind = reports_behind(session, [worker_id], 1, day)
    n = int(
        session.scalar(
            text(
                "SELECT count(*) FROM incidents WHERE reporter_worker_id = :w "
                "AND reported_at >= :a AND reported_at < :b"
            ),
            {"w": worker_id, "a": a, "b": b},
        )
        or 0
    )
    return DayRecords(day, check_ins_of(session, worker_id, day, day), patrols, behind, n)


# --- reminders on the supervisor's workstation --------------------------------------------


def supervises(scope_area_id: int | None, town_id: int | None, village_id: int | None) -> bool:
    """Whether a supervisor whose account is scoped to ``scope_area_id`` (``app_users.
    scope_area_id``: a town's grid office, a village's; none for the county) supervises a
    worker serving in that town and village."""
    return scope_area_id is None or scope_area_id in (town_id, village_id)


_DAY_OF_R = "(r.at AT TIME ZONE 'Asia/Shanghai')::date"


@dataclass(frozen=True)
class ReminderRow:
    id: int
    at: dt.datetime
    worker_id: int
    code: str
    name: str
    town_id: int | None
    town: str
    village_id: int | None
    village: str
    sent_by: str
    inactive_days: int
    message: str
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None


def reminders(
    session: Session,
    *,
    ids: list[int] | None = None,
    open_only: bool = False,
    scope_area_id: int | None = None,
    limit: int = 500,
) -> list[ReminderRow]:
    """Reminders, newest first, with the worker's town and village (of the assignment open
    when it was sent), for the supervisor of ``scope_area_id`` (the county's when None)."""
    where = ["TRUE"]
    params: dict[str, Any] = {"n": limit}
    if ids is not None:
        where.append("r.id = ANY(:ids)")
        params["ids"] = list(ids)
    if open_only:
        where.append("r.acknowledged_at IS NULL")
    rows = session.execute(
        text(
            f"""
            SELECT r.id, r.at, w.id, w.code, w.name, t.id, COALESCE(t.name, ''), v.id,
                   COALESCE(v.name, ''), r.sent_by, r.inactive_days, r.message,
                   r.acknowledged_at, r.acknowledged_by
            FROM worker_reminders r
            JOIN grid_workers w ON w.id = r.worker_id
            LEFT JOIN LATERAL (
                SELECT a.id, a.level, a.parent_id FROM grid_assignments ga
                JOIN admin_areas a ON a.id = ga.area_id
                WHERE ga.worker_id = w.id AND ga.valid_from <= {_DAY_OF_R}
                  AND (ga.valid_to IS NULL OR ga.valid_to > {_DAY_OF_R})
                ORDER BY ga.duty = 'primary' DESC, ga.id LIMIT 1) ga ON TRUE
            LEFT JOIN admin_areas g ON g.id = CASE WHEN ga.level = 'micro_grid'
                THEN ga.parent_id ELSE ga.id END
            LEFT JOIN admin_areas v ON v.id = g.parent_id
            LEFT JOIN admin_areas t ON t.id = v.parent_id
            WHERE {" AND ".join(where)}
            ORDER BY r.at DESC, r.id DESC LIMIT :n
            """
        ),
        params,
    ).all()
    out = [ReminderRow(*r) for r in rows]
    return [r for r in out if supervises(scope_area_id, r.town_id, r.village_id)]


class AcknowledgeError(ValueError):
    """A refused acknowledgement; str is "中文 / English"."""


def acknowledge(session: Session, actor: Actor, reminder_id: int) -> None:
    """The supervisor has seen the reminder (and will follow it up); audited; commits.
    Refused to other roles (permissions.may_acknowledge_reminder, and by the database) and
    when already acknowledged."""
    from command_center.services import permissions

    if not permissions.may_acknowledge_reminder(permissions.who(session, actor).role):
        raise AcknowledgeError(
            "只有督办员或管理员可以签收网格员提醒 / only a supervisor or an administrator "
            "acknowledges a reminder"
        )
    row = session.execute(
        text(
            "UPDATE worker_reminders SET acknowledged_at = :t, acknowledged_by = :b "
            "WHERE id = :id AND acknowledged_at IS NULL RETURNING worker_id"
        ),
        {"t": clock.now(), "b": actor.name[:64], "id": reminder_id},
    ).first()
    if row is None:
        session.rollback()
        who = session.execute(
            text("SELECT acknowledged_by, acknowledged_at FROM worker_reminders WHERE id = :id"),
            {"id": reminder_id},
        ).first()
        if who is None:
            raise AcknowledgeError("没有这条提醒 / no such reminder")
        raise AcknowledgeError(
            f"该提醒已由{who[0]}签收 / the reminder was already acknowledged by {who[0]}"
        )
    audit.record(
        session,
        actor,
        "worker.remind_ack",
        "grid_worker",
        int(row[0]),
        f"{actor.name} 签收网格员提醒 #{reminder_id}",
        after={"reminder_id": reminder_id},
    )
    session.commit()
