"""The supervision sweep and the ledger on a demo county; prints one JSON line.

    .venv/bin/python bench/supervise.py [--scale 1] [--server URL-of-the-postgres-database]
    .venv/bin/python bench/supervise.py --database-url URL   (an existing demo county)

Without ``--database-url`` it creates ``cc_bench_sup`` on the server, migrates it and seeds the
demo county at ``--scale`` (16 is about a million incidents), then drops it (``--keep`` keeps it).

- ``sweep_s``: the first full sweep over the county at the end of its year (every open order's
  reminder, overdue step, card and listing proposal written, with audit entries and points);
- ``idle_sweep_ms``: a sweep with nothing new (the median of five);
- ``ledger_open_ms``: the ledger's first page of open supervision (the median of five);
- ``created``: what the first sweep raised, by step.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from command_center import clock  # noqa: E402
from command_center.db import migrate  # noqa: E402
from command_center.db.engine import libpq_url, make_engine, make_session_factory  # noqa: E402
from command_center.services import supervision as sv  # noqa: E402
from command_center.services.audit import Actor  # noqa: E402

UNTIL = dt.datetime(2026, 11, 20, 16, 30, tzinfo=clock.CST)
NAME = "cc_bench_sup"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    created_db = False
    seed_s = None
    url = args.database_url
    if url is None:
        url = make_url(args.server).set(database=NAME).render_as_string(hide_password=False)
        with psycopg.connect(libpq_url(args.server), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{NAME}"')
        created_db = True
        migrate.upgrade(url)
        from command_center.demo.seed import seed_demo

        engine = make_engine(url)
        started = time.perf_counter()
        seed_demo(engine, scale=args.scale, seed=7, until=UNTIL, progress=False)
        seed_s = time.perf_counter() - started
        engine.dispose()
    clock.freeze(UNTIL + dt.timedelta(minutes=10))
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    actor = Actor(None, "督办巡检")
    try:
        with sessions() as s:
            incidents = s.scalar(text("SELECT count(*) FROM incidents"))
            open_orders = s.scalar(
                text(f"SELECT count(*) FROM work_orders WHERE status IN {sv._OPEN_ORDER_SQL}")
            )
        with sessions() as s:
            first = sv.sweep(s, actor)
        idle = []
        for _ in range(5):
            with sessions() as s:
                r = sv.sweep(s, actor)
                assert r.ran and r.changed == 0, r.describe()
                idle.append(r.seconds * 1000)
        ledger = []
        for _ in range(5):
            with sessions() as s:
                started = time.perf_counter()
                rows = sv.ledger(s, sv.LedgerFilter(state="live"), limit=100)
                ledger.append((time.perf_counter() - started) * 1000)
        result = {
            "bench": "supervise",
            "scale": args.scale if created_db else None,
            "incidents": incidents,
            "open_orders": open_orders,
            "seed_s": round(seed_s, 1) if seed_s is not None else None,
            "sweep_s": round(first.seconds, 3),
            "created": first.created,
            "idle_sweep_ms": round(statistics.median(idle), 1),
            "ledger_open_ms": round(statistics.median(ledger), 1),
            "ledger_rows": len(rows),
        }
        print(json.dumps(result, ensure_ascii=False))
    finally:
        engine.dispose()
        if created_db and not args.keep:
            with psycopg.connect(libpq_url(args.server), autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
