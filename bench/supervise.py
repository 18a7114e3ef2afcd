"""The supervision sweep and the ledger on a demo county; prints one JSON line.

    .venv/bin/python bench/supervise.py [--scale 1] [--server URL-of-the-postgres-database]
    .venv/bin/python bench/supervise.py --database-url URL   (an existing demo county)

Without ``--database-url`` it creates ``cc_bench_sup`` on the server, migrates it and seeds the
demo county at ``--scale`` (16 is about a million incidents), then drops it (``--keep`` keeps it).

- ``sweep_s``: the first full sweep over the county at the end of its year (every open order's
  reminder, overdue step, card and listing proposal written, with audit entries and points);
- ``idle_sweep_ms``: a sweep with nothing new (the median of five);
- ``ledger_open_ms``: the ledger's first page of open supervision (the median of five);
- ``notify_ms``: a supervision issued in this process, shown in another process's notification
  model (the attention watcher of a department's workstation, through LISTEN/NOTIFY): the
  median of ``--notices`` (10), with ``notify_max_ms``;
- ``created``: what the first sweep raised, by step; ``examined``: the orders the idle sweep
  looked at (0);
- ``full_again_s``: a full sweep forced after it (the rules changed: every open order looked at
  again), which must raise nothing (``full_again_created``, ``{}``): the full and the
  incremental paths agree.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
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


def watcher(url: str) -> int:
    """The department's workstation: print "READY", then "<number> <time>" for each notice its
    attention watcher gives."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from command_center.services.auth import UserInfo
    from command_center.views.attention import AttentionWatcher
    from command_center.workers.live import CONNECTED, LiveChannel
    from command_center.workers.ops import OpsRunner

    app = QApplication([])
    engine = make_engine(url)
    runner = OpsRunner(make_session_factory(engine))
    live = LiveChannel(url)
    user = UserInfo(0, "bench", "bench", "dept_handler", "部门", None, None)
    watch = AttentionWatcher(runner, live, user)

    def on_notices(notices: list) -> None:  # type: ignore[type-arg]
        now = time.time()
        for n in notices:
            print(f"{n.number} {now:.6f}", flush=True)

    watch.sig_notices.connect(on_notices)

    def on_state(state: str) -> None:
        if state == CONNECTED:
            QTimer.singleShot(300, lambda: print("READY", flush=True))

    live.sig_connection_changed.connect(on_state)
    live.start()
    QTimer.singleShot(int(os.environ.get("BENCH_WATCH_S", "90")) * 1000, app.quit)
    app.exec()
    watch.stop()
    live.stop()
    runner.shutdown()
    engine.dispose()
    return 0


def notify(url: str, sessions, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Issue ``n`` supervisions here; the milliseconds until each shows in the other process."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--watch", url], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "READY":
            break
    with sessions() as s:
        orders = list(
            s.scalars(
                text(
                    "SELECT w.id FROM work_orders w WHERE w.status IN "
                    f"{sv._OPEN_ORDER_SQL} AND NOT EXISTS (SELECT 1 FROM supervision_orders s "
                    "WHERE s.work_order_id = w.id AND s.status IN ('open', 'acknowledged', "
                    "'responded', 'proposed')) ORDER BY w.id DESC LIMIT :n"
                ),
                {"n": n},
            )
        )
    issued: dict[str, float] = {}
    for order_id in orders:
        with sessions() as s:
            snap = sv.issue(
                s,
                Actor(None, "基准测试"),
                level="supervise",
                instructions="基准测试：请尽快办理",
                working_days=3,
                work_order_id=order_id,
            )
            issued[snap.number] = time.time()
        time.sleep(0.3)
    seen: dict[str, float] = {}
    deadline = time.time() + 10
    for line in proc.stdout:
        number, at = line.split()
        seen[number] = float(at)
        if all(k in seen for k in issued) or time.time() > deadline:
            break
    proc.terminate()
    proc.wait(10)
    return sorted((seen[k] - t) * 1000 for k, t in issued.items() if k in seen)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--notices", type=int, default=10)
    ap.add_argument("--watch", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.watch:
        raise SystemExit(watcher(args.watch))
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
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions() as s:  # the end of the county's year: its newest call
        until = s.scalar(text("SELECT max(reported_at) FROM incidents")) or UNTIL
    clock.freeze(until + dt.timedelta(minutes=10))
    actor = Actor(None, "督办巡检")
    try:
        with sessions() as s:
            incidents = s.scalar(text("SELECT count(*) FROM incidents"))
            open_orders = s.scalar(
                text(f"SELECT count(*) FROM work_orders WHERE status IN {sv._OPEN_ORDER_SQL}")
            )
        with sessions() as s:
            first = sv.sweep(s, actor)
        idle, examined = [], 0
        for _ in range(5):
            with sessions() as s:
                r = sv.sweep(s, actor)
                assert r.ran and r.changed == 0, r.describe()
                idle.append(r.seconds * 1000)
                examined = max(examined, r.examined)
        with sessions() as s:  # as if the rules had changed: every open order looked at again
            s.execute(text("UPDATE supervision_sweeps SET rules_key = 'bench: rules changed'"))
            s.commit()
        with sessions() as s:
            again = sv.sweep(s, actor)
            assert again.ran and again.full, again.describe()
        ledger = []
        for _ in range(5):
            with sessions() as s:
                started = time.perf_counter()
                rows = sv.ledger(s, sv.LedgerFilter(state="live"), limit=100)
                ledger.append((time.perf_counter() - started) * 1000)
        clock.reset()
        notified = notify(url, sessions, args.notices) if args.notices else []
        result = {
            "bench": "supervise",
            "scale": args.scale if created_db else None,
            "incidents": incidents,
            "open_orders": open_orders,
            "seed_s": round(seed_s, 1) if seed_s is not None else None,
            "sweep_s": round(first.seconds, 3),
            "created": first.created,
            "examined": examined,
            "full_again_s": round(again.seconds, 3),
            "full_again_created": again.created,
            "idle_sweep_ms": round(statistics.median(idle), 1),
            "ledger_open_ms": round(statistics.median(ledger), 1),
            "ledger_rows": len(rows),
            "notify_ms": round(statistics.median(notified), 1) if notified else None,
            "notify_max_ms": round(notified[-1], 1) if notified else None,
            "notified": f"{len(notified)}/{args.notices}",
        }
        print(json.dumps(result, ensure_ascii=False))
    finally:
        engine.dispose()
        if created_db and not args.keep:
            with psycopg.connect(libpq_url(args.server), autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
