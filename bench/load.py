"""Twenty workstations on one database, each as its own login, with row-level security on and
off.

    .venv/bin/python bench/load.py --database-url postgresql://postgres@127.0.0.1:5432/cc_load

The URL is an administrator's (the owner's) and names a database holding the demo county
(`command-center demo seed`); the run works on two copies of it (``<name>_rls`` and
``<name>_norls``, made from it as a template and dropped afterwards), so the county itself is
not changed and both runs start from the same rows.

Each workstation is a process of its own that signs in through the gatekeeper and connects as
its user's login, then works for ``--seconds`` with a pause between actions, as people do:

- 4 duty operators (one of them twice): the open incidents page, one incident's details,
  a new incident through the intake form, a new incident dispatched to a department;
- 1 supervisor and 1 analyst: the queues and details, the overview's figures;
- 14 department handlers (four departments with two clerks each): the inbox, an order's
  details, signing for a new order, a progress report, marking an order done — the two clerks
  of a department race for the same orders.

Figures (one JSON line): ``actions``, ``p50_ms``, ``p95_ms``, ``errors`` (anything but the
refusals the program expects: a stale version, a step no longer possible), ``conflicts`` (those
refusals), ``lost_updates`` (two writes that both succeeded from the same version of the same
row, plus any order whose version in the database is behind one a workstation was given) — for
RLS on, and the same under ``rls_off``; ``rls_overhead_pct`` compares the p95s.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import json
import multiprocessing as mp
import random
import statistics
import time
import traceback
from typing import Any

WORKSTATIONS = [
    *["zhiban1", "zhiban2", "zhiban3", "zhiban1"],
    "duban1",
    "yanpan1",
    *["bm_police", "bm_justice", "bm_petition", "bm_court", "bm_natres", "bm_housing"],
    *["bm_urban", "bm_civil", "bm_hrss", "bm_eco"],
    *["bm_police", "bm_urban", "bm_housing", "bm_civil"],
]
THINK_S = (1.0, 4.0)  # a person's pause between two clicks: a busy duty desk


def _workstation(url: str, username: str, seconds: float, seed: int, out: Any) -> None:
    """One workstation's working time; puts its figures on ``out``."""
    from sqlalchemy import select

    from command_center.db.connection import GATEKEEPER, open_database, with_login
    from command_center.models import Incident, WorkOrder
    from command_center.services import auth, intake, orders, overview, queue, record_details
    from command_center.services.audit import Actor
    from command_center.services.orders import TransitionError
    from command_center.services.permissions import PermissionDenied

    rng = random.Random(seed)
    gate = open_database(with_login(url, GATEKEEPER, None))
    with gate.sessions() as s:
        signed = auth.sign_in(s, username, auth.DEMO_PASSWORD)
    db = gate.as_login(signed.db_login, signed.secret)
    gate.close()
    with db.sessions() as s:
        me = auth.user_info(s, signed.user_id)
        departments = [d for (d,) in s.execute(select(WorkOrder.department_id).distinct())]
    actor = Actor(me.id, me.display_name)
    times: list[float] = []
    kinds: list[str] = []
    errors: list[str] = []
    conflicts = 0
    writes: list[tuple[int, int, int]] = []  # order id, version before, version after

    def timed(fn: Any, kind: str = "read") -> Any:
        nonlocal conflicts
        started = time.perf_counter()
        try:
            with db.sessions() as s:
                return fn(s)
        except (TransitionError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                errors.append(f"{username}: {exc}")
            conflicts += 1
            return None
        except Exception as exc:
            errors.append(f"{username}: {type(exc).__name__}: {str(exc)[:200]}")
            return None
        finally:
            times.append((time.perf_counter() - started) * 1000)
            kinds.append(kind)

    def order_write(fn: Any, order_id: int, version: int) -> None:
        snap = timed(lambda s: fn(s, order_id, version), "order_write")
        if snap is not None:
            writes.append((order_id, version, snap.version))

    role = me.role_code
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(rng.uniform(*THINK_S))
        if role == "dept_handler":
            inbox = queue.Query(
                kind="orders",
                filter=queue.QueueFilter(statuses=("dispatched", "accepted", "in_progress")),
                inbox_user_id=me.id,
            )
            rows = timed(lambda s, q=inbox: queue.page(s, q, limit=50).rows, "queue") or []
            if not rows:
                continue
            row = rng.choice(rows)
            detail = timed(lambda s, r=row: s.execute(
                select(WorkOrder.id, WorkOrder.status, WorkOrder.version)
                .where(WorkOrder.id == r.id)
            ).one())
            if detail is None:
                continue
            timed(lambda s, r=row: record_details.details(
                s, r.incident_id, focus_order_id=r.id, actor=actor), "details")
            oid, status, version = detail
            if status == "dispatched":
                order_write(lambda s, o, v: orders.accept_order(s, actor, o, v), oid, version)
            elif status in ("accepted", "in_progress") and rng.random() < 0.7:
                order_write(
                    lambda s, o, v: orders.report_progress(
                        s, actor, o, "已到现场核查，正在处理", (), v
                    ),
                    oid, version,
                )
            elif status in ("accepted", "in_progress"):
                order_write(
                    lambda s, o, v: orders.resolve_order(
                        s, actor, o, "已处理完毕，现场已恢复", expected_version=v
                    ),
                    oid, version,
                )
        elif role == "duty_operator":
            q = queue.Query(kind="incidents")
            rows = timed(lambda s, q=q: queue.page(s, q, limit=50).rows, "queue") or []
            if rows:
                row = rng.choice(rows)
                timed(lambda s, r=row: record_details.details(s, r.id, actor=actor), "details")
            pick = rng.random()
            if pick < 0.35:
                draft = intake.IncidentDraft(
                    channel_code="hotline_12345",
                    title=f"负载测试来电 {rng.randrange(10**6)}",
                    description="群众来电反映小区门口路灯不亮，夜间出行不便，请尽快维修。",
                    address="城关镇",
                    reporter_name="测试来电人",
                    reporter_phone="13800000000",
                )
                timed(lambda s, d=draft: intake.create_incident(s, actor, d), "intake")
            elif pick < 0.7:
                new = timed(lambda s: s.execute(
                    select(Incident.id, Incident.version).where(Incident.status == "new")
                    .order_by(Incident.id.desc()).limit(20)
                ).all()) or []
                if new and departments:
                    iid, version = rng.choice(new)
                    dept = rng.choice(departments)
                    timed(lambda s, i=iid, v=version, d=dept: orders.dispatch(
                        s, actor, i, d, expected_version=v), "dispatch")
        else:  # the supervisor and the analyst read
            q = queue.Query(kind="orders" if role == "supervisor" else "incidents")
            rows = timed(lambda s, q=q: queue.page(s, q, limit=50).rows, "queue") or []
            if rows:
                row = rng.choice(rows)
                iid = row.incident_id if q.kind == "orders" else row.id
                timed(lambda s, i=iid: record_details.details(s, i, actor=actor), "details")
            if role == "analyst":
                timed(lambda s: overview.county_overview(s), "overview")
    db.close()
    out.put({"user": username, "times": times, "kinds": kinds, "errors": errors,
             "conflicts": conflicts, "writes": writes})


def _copy(admin_url: str, source: str, name: str, *, rls: bool) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    from command_center.db.engine import libpq_url

    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    if not rls:
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT relname FROM pg_class WHERE relrowsecurity AND relnamespace = "
                "'public'::regnamespace")]
            for t in tables:
                conn.execute(f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY")
                conn.execute(f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY")
    return url


def _drop(admin_url: str, name: str) -> None:
    import psycopg

    from command_center.db.engine import libpq_url

    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(url: str, seconds: float, seed: int) -> dict[str, Any]:
    import psycopg

    from command_center.db.engine import libpq_url

    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_workstation, args=(url, u, seconds, seed * 100 + i, out))
        for i, u in enumerate(WORKSTATIONS)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 300) for _ in procs]
    for p in procs:
        p.join()
    times = sorted(t for r in results for t in r["times"])
    by_kind: dict[str, list[float]] = {}
    for r in results:
        for t, k in zip(r["times"], r["kinds"], strict=True):
            by_kind.setdefault(k, []).append(t)
    p95_by_kind = {
        k: round(sorted(v)[int(len(v) * 0.95)], 1) for k, v in sorted(by_kind.items())
    }
    errors = [e for r in results for e in r["errors"]]
    writes = [w for r in results for w in r["writes"]]
    seen: dict[tuple[int, int], int] = {}
    for oid, before, _after in writes:
        seen[(oid, before)] = seen.get((oid, before), 0) + 1
    lost = sum(n - 1 for n in seen.values() if n > 1)
    latest: dict[int, int] = {}
    for oid, _before, after in writes:
        latest[oid] = max(latest.get(oid, 0), after)
    if latest:
        with psycopg.connect(libpq_url(url)) as conn:
            final = dict(conn.execute(
                "SELECT id, version FROM work_orders WHERE id = ANY(%s)", (list(latest),)
            ).fetchall())
        lost += sum(1 for oid, v in latest.items() if final.get(oid, 0) < v)
    return {
        "actions": len(times),
        "actions_per_s": round(len(times) / seconds, 1),
        "p50_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(times[int(len(times) * 0.95)], 1) if times else None,
        "max_ms": round(times[-1], 1) if times else None,
        "p95_ms_by_action": p95_by_kind,
        "errors": len(errors),
        "first_errors": errors[:3],
        "conflicts": sum(r["conflicts"] for r in results),
        "writes": len(writes),
        "lost_updates": lost,
    }


def main() -> int:
    from sqlalchemy.engine import make_url

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--database-url", required=True, help="the owner's URL of a seeded database")
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--rounds", type=int, default=2,
        help="runs of each, alternating on and off (the machine's own noise evens out)",
    )
    args = p.parse_args()
    source = make_url(args.database_url).database
    runs: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    for round_ in range(args.rounds):
        for rls in (True, False):
            name = f"{source}_{'rls' if rls else 'norls'}"
            url = _copy(args.database_url, source, name, rls=rls)
            try:
                runs[rls].append(_run(url, args.seconds, args.seed + round_))
            except Exception:
                traceback.print_exc()
                return 1
            finally:
                _drop(args.database_url, name)
    figures: dict[str, Any] = {
        "workstations": len(WORKSTATIONS), "seconds": args.seconds, "rounds": args.rounds,
    }
    for rls, results in runs.items():
        merged = _merge(results)
        if rls:
            figures.update(merged)
        else:
            figures["rls_off"] = merged
    on, off = figures.get("p95_ms"), figures["rls_off"].get("p95_ms")
    if on and off:
        figures["rls_overhead_pct"] = round((on - off) / off * 100, 1)
    print(json.dumps(figures, ensure_ascii=False))
    return 0


def _merge(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The rounds of one setting: counts added up, times as the median of the rounds'."""
    first = results[0]
    merged: dict[str, Any] = {}
    for key, value in first.items():
        values = [r[key] for r in results]
        if key in ("errors", "conflicts", "writes", "lost_updates", "actions"):
            merged[key] = sum(values)
        elif key == "first_errors":
            merged[key] = [e for v in values for e in v][:3]
        elif key == "p95_ms_by_action":
            merged[key] = {
                k: round(statistics.median(v[k] for v in values if k in v), 1) for k in value
            }
        elif isinstance(value, (int, float)):
            merged[key] = round(statistics.median(values), 1)
    merged["p95_ms_rounds"] = [r["p95_ms"] for r in results]
    return merged


if __name__ == "__main__":
    sys.exit(main())
