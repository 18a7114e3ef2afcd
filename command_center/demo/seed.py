"""`command-center demo seed`: Minle County with a year of activity, deterministic per seed.

The real outline and the real town and village names (resources/demo), filled out to today's
figures: 12 towns/sub-districts, 186 villages/communities, 448 grids, 404 full-time grid
workers, 896 micro-grid workers, 10 stationed departments. Everything is written with COPY.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import psycopg
from sqlalchemy import Engine, text

from command_center import clock
from command_center.clock import CST
from command_center.db.bulk import bulk_load, copy_rows, reset_identity
from command_center.db.engine import libpq_url
from command_center.db.listener import CHANNEL, RELOAD_NOTICE
from command_center.demo import geography
from command_center.demo.taxonomy import Taxonomy, load_taxonomy
from command_center.services.auth import DEMO_PASSWORD, new_params, verifier_of
from command_center.services.calendar import WorkCalendar, official_days

ROLES = [
    ("duty_operator", "值班员", "Duty operator", "cc_duty_operator"),
    ("supervisor", "督办员", "Supervisor", "cc_supervisor"),
    ("dept_handler", "部门承办人", "Department handler", "cc_dept_handler"),
    ("analyst", "研判分析员", "Analyst", "cc_analyst"),
    ("admin", "系统管理员", "Administrator", "cc_admin"),
]

# (username, display name, role, department code or None)
DEMO_USERS = [
    ("zhiban1", "王丽娟", "duty_operator", None),
    ("zhiban2", "陈建国", "duty_operator", None),
    ("zhiban3", "刘晓燕", "duty_operator", None),
    ("duban1", "张振华", "supervisor", None),
    ("yanpan1", "赵敏", "analyst", None),
    ("admin", "马德胜", "admin", None),
]

# the big tables: loaded without foreign keys and indexes, which are rebuilt in one pass after
BULK_TABLES = (
    "incidents",
    "work_orders",
    "order_progress",
    "return_visits",
    "supervision_orders",
    "deadline_extensions",
    "score_points",
    "audit_log",
    "check_ins",
    "patrols",
    "points_ledger",
    "grid_assignments",
    "dispute_cases",
    "dispute_parties",
    "mediation_sessions",
    "follow_up_visits",
)


class Progress:
    """A one-line progress bar on stderr (silent when not wanted)."""

    def __init__(self, enabled: bool, total: float = 100.0) -> None:
        self.enabled = enabled
        self.total = total
        self.done = 0.0
        self.started = time.monotonic()

    def step(self, amount: float, label: str) -> None:
        self.done = min(self.total, self.done + amount)
        if not self.enabled:
            return
        width = 30
        filled = int(width * self.done / self.total)
        pct = 100 * self.done / self.total
        elapsed = time.monotonic() - self.started
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {pct:5.1f}% {elapsed:5.1f}s {label:<24}"
        )
        sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


@dataclass
class GridInfo:
    id: int
    code: str
    name: str
    kind: str
    geometry: Any
    village_id: int
    village_name: str
    town_id: int
    town_name: str
    weight: float
    worker_id: int | None = None
    micro_ids: list[int] = field(default_factory=list)


@dataclass
class SeedContext:
    rng: random.Random
    np_rng: np.random.Generator
    now: dt.datetime
    scale: float
    taxonomy: Taxonomy
    calendar: WorkCalendar
    conn: psycopg.Connection[Any]
    county: geography.County | None = None
    grids: list[GridInfo] = field(default_factory=list)
    dept_ids: dict[str, int] = field(default_factory=dict)
    dept_names: dict[str, str] = field(default_factory=dict)
    users: dict[str, tuple[int, str]] = field(default_factory=dict)  # username -> (id, name)
    handlers: dict[int, tuple[int, str]] = field(default_factory=dict)  # dept id -> user
    audit: list[tuple[Any, ...]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    workers: list[tuple[int, str, int]] = field(default_factory=list)  # full-time: id, name, grid
    reports: dict[tuple[int, str], int] = field(default_factory=dict)  # (worker, yyyy-mm) -> n
    worker_names: dict[int, str] = field(default_factory=dict)

    def add_audit(
        self,
        at: dt.datetime,
        actor: tuple[int | None, str],
        action: str,
        entity_type: str,
        entity_id: int,
        summary: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        reason: str | None = None,
    ) -> None:
        self.audit.append(
            (at, actor[0], actor[1], action, entity_type, entity_id, summary, before, after, reason)
        )


def county_present(engine: Engine) -> bool:
    with engine.connect() as conn:
        try:
            return bool(conn.execute(text("SELECT EXISTS (SELECT 1 FROM admin_areas)")).scalar())
        except Exception:
            return False


def ensure_demo_accounts(engine: Engine) -> bool:
    """A demo county seeded before alembic 0005 lost its shared password hash: give its demo
    accounts the demo password again (each with its own salt) and mark the database as the
    demo. Only where no account has a password at all. Returns whether it did."""
    from sqlalchemy import text as sql

    with engine.begin() as conn:
        has_credentials = conn.execute(sql("SELECT EXISTS (SELECT 1 FROM cc_credentials)")).scalar()
        users = conn.execute(sql("SELECT id, username, display_name FROM app_users")).all()
        if has_credentials or not any(u.username == DEMO_USERS[0][0] for u in users):
            return False
        for u in users:
            params = new_params()
            conn.execute(
                sql("INSERT INTO cc_credentials (user_id, params, verifier, changed_at) "
                    "VALUES (:u, :p, :v, clock_timestamp())"),
                {"u": u.id, "p": params, "v": verifier_of(DEMO_PASSWORD, params)},
            )
        conn.execute(sql("UPDATE cc_installation SET demo = true"))
    return True


def seed_demo(
    engine: Engine,
    *,
    scale: float = 1.0,
    seed: int = 20261122,
    until: dt.datetime | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Write the demo county into an empty, migrated database in one transaction.

    ``until`` is the moment the generated year ends (default: now); together with ``seed`` it
    makes the output reproducible. Returns the counts written and the time taken.
    """
    from command_center.demo import (
        seed_activity,
        seed_disputes,
        seed_incidents,
        seed_supervision,
        seed_workflow,
    )

    if scale <= 0:
        raise ValueError("scale 必须大于0 / scale must be positive")
    if county_present(engine):
        raise RuntimeError(
            "数据库中已有县域数据；如需重建请加 --replace / the database already holds a county; "
            "use --replace to rebuild it"
        )
    started = time.monotonic()
    bar = Progress(progress)
    now = (until or clock.now()).astimezone(CST).replace(microsecond=0)
    url = engine.url.render_as_string(hide_password=False)
    with psycopg.connect(libpq_url(url)) as conn:
        # one transaction: a failed seed leaves nothing half-written
        conn.execute("SET LOCAL synchronous_commit = off")
        # no notification per seeded row: listeners get one "reload" at the end
        notify_triggers = conn.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgname LIKE 'cc_notify_%'"
        ).fetchall()
        for table, trigger in notify_triggers:
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        ctx = SeedContext(
            rng=random.Random(seed),
            np_rng=np.random.default_rng(seed),
            now=now,
            scale=scale,
            taxonomy=load_taxonomy(),
            calendar=WorkCalendar({d: k for d, k, _ in official_days()}),
            conn=conn,
        )
        with bulk_load(conn, BULK_TABLES):
            _reference(ctx)
            bar.step(2, "reference data")
            _areas(ctx, seed)
            bar.step(10, "county geography")
            _users(ctx)
            _passwords(ctx)
            seed_activity.workers(ctx)
            _cameras(ctx)
            bar.step(4, "grid workers")
            seed_incidents.incidents(ctx, lambda f, label: bar.step(55 * f, label))
            # the year through the sweep's rules: reminders, cards, extensions, the score
            seed_supervision.supervision(ctx)
            seed_disputes.disputes(ctx)
            bar.step(6, "disputes")
            seed_activity.activity(ctx)
            bar.step(8, "check-ins")
            _write_audit(ctx)
            bar.step(6, "audit log")
        bar.step(4, "indexes and keys")
        seed_workflow.workflow(ctx)
        # the summaries made anew in the order of their keys, as a county's live triggers leave
        # them day after day (the COPYs above filled them batch by batch; alembic 0024)
        conn.execute("TRUNCATE incident_daily, incident_repeat_keys, score_point_monthly")
        for rebuild in ("incident_daily", "incident_repeat_keys", "score_point_monthly"):
            conn.execute(f"SELECT cc_{rebuild}_rebuild()")
        for table, trigger in notify_triggers:
            conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, RELOAD_NOTICE))
        conn.commit()
        bar.step(3, "commit")
        # VACUUM as well as ANALYZE: a bulk load leaves every row's commit unrecorded in its
        # page and no page marked all-visible, so the first readers (the first sweep, the
        # first analysis) would set the hints page by page and write the pages back, and no
        # count could read an index alone (the sweep's repeated reports, alembic 0023)
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE)")
        bar.step(2, "vacuum and analyze")
    bar.finish()
    seconds = round(time.monotonic() - started, 1)
    return {**ctx.counts, "seconds": seconds, "until": now.isoformat()}


def _reference(ctx: SeedContext) -> None:
    tax, conn = ctx.taxonomy, ctx.conn
    copy_rows(conn, "roles", ("code", "name", "name_en", "db_role"), ROLES)
    depts = [(i + 1, d.code, d.name_zh, d.name_en) for i, d in enumerate(tax.departments)]
    copy_rows(conn, "departments", ("id", "code", "name", "name_en"), depts)
    reset_identity(conn, "departments")
    ctx.dept_ids = {code: i for i, code, _, _ in depts}
    ctx.dept_names = {code: name for _, code, name, _ in depts}
    copy_rows(
        conn,
        "channels",
        ("code", "name", "name_en"),
        [(c.code, c.name_zh, c.name_en) for c in tax.channels],
    )
    copy_rows(
        conn,
        "categories",
        (
            "code",
            "parent_code",
            "level",
            "name",
            "name_en",
            "default_department_id",
            "deadline_working_days",
            "focus",
            "public",
        ),
        [
            (
                c.code,
                c.parent_code,
                c.level,
                c.name_zh,
                c.name_en,
                ctx.dept_ids.get(c.default_department) if c.default_department else None,
                c.deadline_working_days,
                bool(c.focus),
                c.public,
            )
            for c in sorted(tax.categories, key=lambda c: (c.level, c.code))
        ],
    )
    copy_rows(
        conn,
        "dispute_types",
        ("code", "name", "name_en"),
        [(t.code, t.name_zh, t.name_en) for t in tax.dispute_types],
    )
    copy_rows(
        conn, "calendar_days", ("day", "kind", "name"), [(d, k, n) for d, k, n in official_days()]
    )
    ctx.counts["departments"] = len(depts)


def _areas(ctx: SeedContext, seed: int) -> None:
    county = geography.build_county(seed)
    ctx.county = county
    rows: list[tuple[Any, ...]] = []
    next_id = 1

    def add(obj: Any, level: str, kind: str, parent: int | None, unit: str, pop: int | None) -> int:
        nonlocal next_id
        geom = obj.outline if level == "county" else obj.geometry
        lp = geography.label_point(geom)
        rows.append(
            (
                next_id,
                obj.code,
                obj.name,
                level,
                kind,
                parent,
                unit,
                geography.to_geojson(geom),
                "GCJ-02",
                round(lp.x, 6),
                round(lp.y, 6),
                round(geography.area_km2(geom), 4),
                pop,
                None if pop is None else max(1, pop // 3),
            )
        )
        next_id += 1
        return next_id - 1

    rng = ctx.rng
    county_id = add(county, "county", "county", None, "民乐县委政法委员会", None)
    for town in county.towns:
        town_id = add(town, "town", town.kind, county_id, f"{town.name}党委（党工委）", None)
        for village in town.villages:
            urban = village.kind == "community"
            v_pop = rng.randint(2500, 9000) if urban else rng.randint(700, 2600)
            village_id = add(
                village,
                "village",
                village.kind,
                town_id,
                f"{village.name}{'居民委员会' if urban else '村民委员会'}",
                v_pop,
            )
            shares = [rng.uniform(0.6, 1.4) for _ in village.grids]
            for grid, share in zip(village.grids, shares, strict=True):
                g_pop = int(v_pop * share / sum(shares))
                grid_id = add(
                    grid, "grid", grid.kind, village_id, f"{village.name}网格党支部", g_pop
                )
                info = GridInfo(
                    grid_id,
                    grid.code,
                    grid.name,
                    grid.kind,
                    grid.geometry,
                    village_id,
                    village.name,
                    town_id,
                    town.name,
                    weight=g_pop * (1.6 if urban else 1.0),
                )
                for micro in grid.micro_grids:
                    info.micro_ids.append(
                        add(micro, "micro_grid", "micro", grid_id, grid.name, g_pop // 2)
                    )
                ctx.grids.append(info)
    copy_rows(
        ctx.conn,
        "admin_areas",
        (
            "id",
            "code",
            "name",
            "level",
            "kind",
            "parent_id",
            "responsible_unit",
            "geometry",
            "crs",
            "label_lon",
            "label_lat",
            "area_km2",
            "population",
            "households",
        ),
        rows,
    )
    reset_identity(ctx.conn, "admin_areas")
    ctx.counts["areas"] = len(rows)


def _users(ctx: SeedContext) -> None:
    """The demo accounts (their logins are made by the database, alembic 0005)."""
    rng = ctx.rng
    # id, username, display_name, role_code, department_id
    rows: list[tuple[int, str, str, str, int | None]] = []
    uid = 1
    for username, name, role, _ in DEMO_USERS:
        rows.append((uid, username, name, role, None))
        ctx.users[username] = (uid, name)
        uid += 1
    from command_center.demo import texts

    for code, dept_id in ctx.dept_ids.items():
        username = f"bm_{code}"
        name = texts.person_name(rng)
        rows.append((uid, username, name, "dept_handler", dept_id))
        ctx.users[username] = (uid, name)
        ctx.handlers[dept_id] = (uid, f"{name}（{ctx.dept_names[code]}）")
        uid += 1
    copy_rows(
        ctx.conn,
        "app_users",
        ("id", "username", "display_name", "role_code", "department_id"),
        rows,
    )
    reset_identity(ctx.conn, "app_users")
    ctx.counts["users"] = len(rows)


def _passwords(ctx: SeedContext) -> None:
    """Every demo account's password is the demo one, each with a salt of its own; the
    database is marked as the demo (the sign-in dialog lists its accounts, ``--user`` works).
    Written as the owner, like the rest of the county, and audited as set up a year before
    its "now"."""
    from concurrent.futures import ThreadPoolExecutor

    users = list(ctx.users.items())
    params = [new_params() for _ in users]
    with ThreadPoolExecutor(4) as pool:  # argon2 leaves the GIL while it works
        verifiers = list(pool.map(lambda p: verifier_of(DEMO_PASSWORD, p), params))
    copy_rows(
        ctx.conn,
        "cc_credentials",
        ("user_id", "params", "verifier", "changed_at"),
        [
            (uid, p, "\\x" + v.hex(), ctx.now)
            for (_, (uid, _)), p, v in zip(users, params, verifiers, strict=True)
        ],
    )
    # the accounts were set up before the county's year of work began: their entries stay at
    # the start of the log, not on top of the activity feed
    set_up = ctx.now - dt.timedelta(days=366)
    for username, (uid, name) in users:
        ctx.add_audit(
            set_up, (None, "系统"), "user.password", "user", uid,
            f"设置密码：{name} / password set: {username}",
        )
    ctx.conn.execute("UPDATE cc_installation SET demo = true")


def _cameras(ctx: SeedContext) -> None:
    """Cameras of the video network: at every village centre, more in towns and the county seat."""
    rng = ctx.rng
    rows = []
    n = 0
    for g in ctx.grids:
        k = 3 if g.kind == "dedicated" else (2 if g.weight > 2500 else 1)
        pts = sample_points(ctx.np_rng, g.geometry, k)
        for lon, lat in pts:
            n += 1
            rows.append(
                (
                    n,
                    f"XL{n:05d}",
                    f"{g.village_name}{rng.choice(CAMERA_SPOTS)}{n % 7 + 1}号",
                    rng.choice(["fixed", "fixed", "dome"]),
                    round(lon, 6),
                    round(lat, 6),
                    g.id,
                    rng.random() > 0.04,
                )
            )
    copy_rows(
        ctx.conn,
        "cameras",
        ("id", "code", "name", "kind", "lon", "lat", "area_id", "online"),
        rows,
    )
    reset_identity(ctx.conn, "cameras")
    ctx.counts["cameras"] = len(rows)


CAMERA_SPOTS = ("路口", "广场", "村口", "主干道", "学校门口", "市场")


def sample_points(np_rng: np.random.Generator, geom: Any, n: int) -> list[tuple[float, float]]:
    """``n`` uniform random points inside ``geom`` (rejection sampling in its bounding box)."""
    import shapely

    if n <= 0:
        return []
    minx, miny, maxx, maxy = geom.bounds
    shapely.prepare(geom)
    out: list[tuple[float, float]] = []
    while len(out) < n:
        m = max(16, int((n - len(out)) * 2.5))
        xs = np_rng.uniform(minx, maxx, m)
        ys = np_rng.uniform(miny, maxy, m)
        inside = shapely.contains_xy(geom, xs, ys)
        out.extend(zip(xs[inside].tolist(), ys[inside].tolist(), strict=True))
    return out[:n]


def _write_audit(ctx: SeedContext) -> None:
    ctx.audit.sort(key=lambda r: r[0])
    copy_rows(
        ctx.conn,
        "audit_log",
        (
            "id",
            "at",
            "actor_id",
            "actor_name",
            "action",
            "entity_type",
            "entity_id",
            "summary",
            "before",
            "after",
            "reason",
            "db_user",
        ),
        ((i + 1, *row, "demo-seed") for i, row in enumerate(ctx.audit)),
    )
    reset_identity(ctx.conn, "audit_log")
    ctx.counts["audit_entries"] = len(ctx.audit)
