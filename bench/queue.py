"""The incident queue at a million incidents: first rows, jumps, filter changes.

    .venv/bin/python bench/queue.py --database-url postgresql://…/cc_bench_q

(a database holding `demo seed --scale 16`).

Measured through the real table model (:class:`QueueTableModel`) and the OpsRunner, so each
figure includes the hop to the worker thread and back:

- ``open_ms``: the model is created → its first rows are in (the default view: open incidents by
  time limit); the median of several opens, after one warm-up.
- ``jump_ms``: the operator types a number far down the queue → the row is there (a window is
  read around it); the median over random numbers, with ``jump_max_ms``.
- ``filter_ms``: the filter changes (category, town, channel, priority, overdue, waiting for an
  answer, number prefix, text, every status) → the first rows; the median, with
  ``filter_max_ms`` and the slowest filter named.
- ``open_all_ms`` / ``jump_all_ms``: the same on the queue of every status (a million rows).
- ``orders_open_ms``, ``inbox_all_statuses_open_ms``: first rows of the open work orders, and of
  one department's inbox with every status.

Prints one JSON line.
"""

from __future__ import annotations

import sys

if __name__ != "__main__":
    # A sibling benchmark run as ``python bench/x.py`` has bench/ first on its import path, so
    # its ``import queue`` (the standard library's, which psycopg needs) finds this file. Hand
    # it the real module; nothing below is then used.
    import importlib.util
    import os.path
    import sysconfig

    _spec = importlib.util.spec_from_file_location(
        "queue", os.path.join(sysconfig.get_paths()["stdlib"], "queue.py")
    )
    assert _spec is not None and _spec.loader is not None
    _stdlib_queue = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_stdlib_queue)
    sys.modules[__name__] = _stdlib_queue
else:
    from pathlib import Path

    # and for the same reason: bench/ off the import path, the project on it
    _HERE = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
    sys.path.insert(0, str(_HERE.parent))

import argparse
import json
import os
import random
import statistics
import time
from typing import Any

TIMEOUT_MS = 60_000


def _wait(done: Any, timeout_ms: int = TIMEOUT_MS) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.perf_counter() + timeout_ms / 1000
    loop = QEventLoop()
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the queue did not answer in time")
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(1)
        loop.exec()


def _open_ms(runner: Any, query: Any) -> tuple[float, Any]:
    from command_center.views.queue.queue_model import QueueTableModel

    started = time.perf_counter()
    model = QueueTableModel(runner, query)
    first: list[float] = []
    model.rowsInserted.connect(lambda *_: first or first.append(time.perf_counter()))
    _wait(lambda: bool(first))
    return (first[0] - started) * 1000, model


def _jump_ms(model: Any, number: str) -> float:
    result: list[tuple[int, bool]] = []
    model.sig_jumped.connect(lambda row, exists: result.append((row, exists)))
    started = time.perf_counter()
    model.jump(number)
    _wait(lambda: bool(result))
    took = (time.perf_counter() - started) * 1000
    model.sig_jumped.disconnect()
    row, _ = result[0]
    if row < 0 or model.item(row).number != number:
        raise AssertionError(f"the jump to {number} did not land on it")
    return took


def _filter_ms(model: Any, query: Any) -> float:
    first: list[float] = []

    def on_first(_ms: float) -> None:
        first.append(time.perf_counter())

    model.sig_first_rows.connect(on_first)
    started = time.perf_counter()
    model.set_query(query)
    _wait(lambda: bool(first))
    model.sig_first_rows.disconnect(on_first)
    return (first[0] - started) * 1000


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication
    from sqlalchemy import text

    from command_center import config
    from command_center.db.connection import open_database
    from command_center.services import queue as svc
    from command_center.workers.ops import OpsRunner

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: $COMMAND_CENTER_DATABASE_URL")
    parser.add_argument("--jumps", type=int, default=20)
    parser.add_argument("--opens", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    url = config.database_url_from(args.database_url)
    if url is None:
        parser.error("give --database-url (the demo county at --scale 16)")
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    db = open_database(url, upgrade_schema=False)
    runner = OpsRunner(db.sessions)
    rng = random.Random(args.seed)
    try:
        with db.sessions() as s:
            incidents = s.execute(text("SELECT count(*) FROM incidents")).scalar_one()
            open_numbers = list(
                s.execute(
                    text(
                        "SELECT number FROM incidents WHERE status IN "
                        "('new','accepted','dispatched','in_progress')"
                    )
                ).scalars()
            )
            any_numbers = list(
                s.execute(
                    text("SELECT number FROM incidents TABLESAMPLE SYSTEM (1) LIMIT 2000")
                ).scalars()
            )
            town = s.execute(
                text("SELECT id FROM admin_areas WHERE level = 'town' ORDER BY code LIMIT 1")
            ).scalar_one()
            word = s.execute(
                text("SELECT substr(title, 1, 2) FROM incidents TABLESAMPLE SYSTEM (1) LIMIT 1")
            ).scalar_one()
        default = svc.Query("incidents", svc.QueueFilter(statuses=svc.OPEN_INCIDENTS))
        everything = svc.Query("incidents", svc.QueueFilter())

        _open_ms(runner, default)  # warm-up: connection, caches
        opens = [_open_ms(runner, default)[0] for _ in range(args.opens)]
        opens_all = [_open_ms(runner, everything)[0] for _ in range(args.opens)]

        _, model = _open_ms(runner, default)
        _wait(lambda: not model.loading)
        jumps = [_jump_ms(model, n) for n in rng.sample(open_numbers, args.jumps)]
        _, model_all = _open_ms(runner, everything)
        _wait(lambda: not model_all.loading)
        jumps_all = [_jump_ms(model_all, n) for n in rng.sample(any_numbers, args.jumps)]

        open_f = svc.QueueFilter(statuses=svc.OPEN_INCIDENTS)
        filters = {
            "category": open_f.replace(category_code="05"),
            "town": open_f.replace(area_id=town),
            "channel": open_f.replace(channels=("hotline_12345",)),
            "priority": open_f.replace(priorities=(1,)),
            "overdue": open_f.replace(overdue_only=True),
            "waiting_answer": svc.QueueFilter(waiting_answer=True),
            "number_prefix": svc.QueueFilter(text="SJ202611"),
            "text_open": open_f.replace(text=word),
            "all_statuses": svc.QueueFilter(),
            "closed_in_town": svc.QueueFilter(statuses=("closed",), area_id=town),
            "all_by_priority": svc.QueueFilter(),
        }
        filter_times: dict[str, float] = {}
        for name, f in filters.items():
            sort = "priority" if name == "all_by_priority" else "deadline"
            filter_times[name] = _filter_ms(model, svc.Query("incidents", f, sort))
        text_all = _filter_ms(model, svc.Query("incidents", svc.QueueFilter(text=word)))
        with db.sessions() as s:
            handler = s.execute(
                text("SELECT id FROM app_users WHERE username = 'bm_police'")
            ).scalar_one()
        orders_open = statistics.median(
            _open_ms(runner, svc.Query("orders", svc.QueueFilter(statuses=svc.OPEN_ORDERS)))[0]
            for _ in range(args.opens)
        )
        inbox_all = statistics.median(
            _open_ms(runner, svc.Query("orders", svc.QueueFilter(), inbox_user_id=handler))[0]
            for _ in range(args.opens)
        )
        slowest = max(filter_times, key=filter_times.__getitem__)
        _wait(lambda: runner.pending == 0)
        result = {
            "incidents": incidents,
            "open_incidents": len(open_numbers),
            "open_ms": round(statistics.median(opens), 1),
            "open_all_ms": round(statistics.median(opens_all), 1),
            "jump_ms": round(statistics.median(jumps), 1),
            "jump_max_ms": round(max(jumps), 1),
            "jump_all_ms": round(statistics.median(jumps_all), 1),
            "jump_all_max_ms": round(max(jumps_all), 1),
            "filter_ms": round(statistics.median(filter_times.values()), 1),
            "filter_max_ms": round(filter_times[slowest], 1),
            "filter_slowest": slowest,
            "filters_ms": {k: round(v, 1) for k, v in filter_times.items()},
            "text_search_all_ms": round(text_all, 1),
            "orders_open_ms": round(orders_open, 1),
            "inbox_all_statuses_open_ms": round(inbox_all, 1),
        }
        print(json.dumps(result, ensure_ascii=False))
    finally:
        runner.shutdown()
        db.close()
        del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
