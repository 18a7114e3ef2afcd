"""Grid workers' figures and the field endpoints, on a copy of a seeded county.

    python bench/workers.py --database-url postgresql://…/demo

Prints one JSON line:

- ``metrics_ms``: the slowest of the metrics panels for the whole county over 365 days (active
  ratio by town and by village, the ratio by day, one worker's calendar, reports per worker,
  inactive workers, the points ledger, the data-quality checks, the reminders, the whole roster,
  a town's workers and a town's reports as a figure opens them), each read once cold and then
  warm (``metrics_warm_ms``), with each panel's figure in ``panels``;
- ``ingest_10k_s``: 10,000 check-ins POSTed to ``/field/v1/records``, 200 days of one worker's
  daily check-ins per batch from 50 workers' phones, one after another; stored (counted in the
  database afterwards: ``ingested``);
- ``field_p95_ms``: 200 workers' phones at once, each POSTing one check-in, while one more
  sends its request a byte a second — the p95 of the 200 answers (``field_ok`` of them 200).

The issue's targets are for the scale-16 county (metrics ≤ 300 ms, ingest ≤ 2 s, p95 ≤ 200 ms);
``scale`` says which county this was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import http.client  # noqa: E402

from bench.http import _copy, _drop, _serve  # noqa: E402

PHONES = 200
DAYS = 200  # check-ins per worker's batch
TOTAL = 10_000


def _metrics(url: str) -> tuple[dict[str, float], dict[str, float]]:
    from command_center.db.engine import make_engine, make_session_factory
    from command_center.services import data_quality, roster, worker_metrics

    engine = make_engine(url)
    sessions = make_session_factory(engine)
    try:
        with sessions() as s:
            worker = s.execute(
                __import__("sqlalchemy").text(
                    "SELECT worker_id FROM check_ins GROUP BY worker_id ORDER BY count(*) DESC "
                    "LIMIT 1"
                )
            ).scalar_one()
            first = worker_metrics.roster(s)
            town = first[0].town_id
            town_workers = [p.id for p in first if p.town_id == town]
        panels = {
            "ratio_by_town": lambda s: worker_metrics.active_ratio(s, "town"),
            "ratio_by_village": lambda s: worker_metrics.active_ratio(s, "village"),
            "ratio_by_day_365": lambda s: worker_metrics.ratio_by_day(s, 365),
            "calendar_365": lambda s: worker_metrics.calendar(s, worker, 365),
            "reports_365": lambda s: worker_metrics.reports_per_worker(s, 365),
            "inactive": lambda s: worker_metrics.inactive(s),
            "points_ledger": lambda s: worker_metrics.points_ledger(s),
            "data_quality": lambda s: data_quality.run_all(s),
            # what the view reads besides (alembic 0016): the reminders, the whole roster, a
            # town's bar opened, a town's reports opened in the queue
            "reminders": lambda s: worker_metrics.reminders(s, limit=300),
            "roster_all": lambda s: roster.workers(s),
            "town_workers": lambda s: worker_metrics.workers_behind(s, town_id=town),
            "town_reports_365": lambda s: worker_metrics.reports_behind(s, town_workers, 365),
        }
        cold: dict[str, float] = {}
        warm: dict[str, float] = {}
        for name, fn in panels.items():
            for into in (cold, warm):
                with sessions() as s:
                    t0 = time.perf_counter()
                    fn(s)
                    into[name] = round((time.perf_counter() - t0) * 1000, 1)
        return cold, warm
    finally:
        engine.dispose()


def _tokens(url: str, n: int) -> list[str]:
    """A phone token for each of ``n`` active workers."""
    import sqlalchemy as sa

    from command_center.db.engine import make_engine, make_session_factory
    from command_center.services import field
    from command_center.services.audit import Actor

    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            codes = s.scalars(
                sa.text("SELECT code FROM grid_workers WHERE active ORDER BY id LIMIT :n"),
                {"n": n},
            ).all()
            return [field.issue_token(s, Actor(None, "bench"), c)[0] for c in codes]
    finally:
        engine.dispose()


def _post(root: str, token: str, records: list[dict[str, Any]]) -> tuple[int, float]:
    host, port = root.split("//", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    body = json.dumps(records).encode()
    t0 = time.perf_counter()
    try:
        conn.request(
            "POST",
            "/field/v1/records",
            body=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        resp = conn.getresponse()
        resp.read()
        return resp.status, (time.perf_counter() - t0) * 1000
    finally:
        conn.close()


def _check_ins(prefix: str, days: int, last: dt.date) -> list[dict[str, Any]]:
    """One worker's daily check-ins (报平安: one a day) for ``days`` days up to ``last``."""
    return [
        {
            "type": "check_in",
            "client_id": f"{prefix}-{i:04d}",
            "at": dt.datetime.combine(
                last - dt.timedelta(days=i), dt.time(9, 30), dt.timezone(dt.timedelta(hours=8))
            ).isoformat(),
            "lon": 100.81,
            "lat": 38.43,
        }
        for i in range(days)
    ]


def _count(url: str, prefix: str) -> int:
    import psycopg

    from command_center.db.engine import libpq_url

    with psycopg.connect(libpq_url(url)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM check_ins WHERE client_id LIKE %s", (prefix + "%",)
        ).fetchone()
    return int(row[0]) if row else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--database-url", required=True, help="the owner's URL of a seeded county")
    args = p.parse_args()
    name = f"cc_bench_workers_{os.getpid()}"
    url = _copy(args.database_url, name)
    log = tempfile.NamedTemporaryFile("w+b", prefix="cc-workers-bench-", suffix=".log")  # noqa: SIM115
    proc = None
    try:
        import psycopg

        from command_center.db.engine import libpq_url

        with psycopg.connect(libpq_url(url)) as conn:
            incidents = conn.execute("SELECT count(*) FROM incidents").fetchone()
        cold, warm = _metrics(url)
        workers = TOTAL // DAYS
        tokens = _tokens(url, max(workers, PHONES))
        proc, base = _serve(url, log)
        root = base.split("/open311")[0]
        # ingest: 10,000 check-ins, a batch of DAYS per worker (a phone back from the hills)
        # these workers' own check-ins go (a copy of the county): one check-in a day each, so
        # the bench's would otherwise be answered "duplicate" for the days they already have
        with psycopg.connect(libpq_url(url)) as conn:
            conn.execute(
                "DELETE FROM check_ins WHERE worker_id IN (SELECT id FROM grid_workers "
                "WHERE active ORDER BY id LIMIT %s)",
                (max(workers, PHONES),),
            )
        last = dt.date.today() - dt.timedelta(days=1)
        batches = [_check_ins(f"bench{w:03d}", DAYS, last) for w in range(workers)]
        t0 = time.perf_counter()
        statuses = [_post(root, tokens[w], batches[w])[0] for w in range(workers)]
        ingest_s = time.perf_counter() - t0
        ingested = _count(url, "bench")
        # 200 phones at once, one more a byte a second
        host, port = root.split("//", 1)[1].split(":")
        slow = socket.create_connection((host, int(port)))
        slow_request = b"POST /field/v1/records HTTP/1.1\r\nHost: x\r\n"
        stop = threading.Event()

        def dribble() -> None:
            for b in slow_request:
                if stop.is_set():
                    return
                try:
                    slow.send(bytes([b]))
                except OSError:
                    return
                time.sleep(1)

        threading.Thread(target=dribble, daemon=True).start()
        start = threading.Barrier(PHONES)
        results: list[tuple[int, float]] = []
        lock = threading.Lock()

        def phone(i: int) -> None:
            one = _check_ins(f"phone{i:03d}", 1, last + dt.timedelta(days=1))  # today
            start.wait()
            r = _post(root, tokens[i], one)
            with lock:
                results.append(r)

        threads = [threading.Thread(target=phone, args=(i,)) for i in range(PHONES)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        slow.close()
        times = sorted(ms for _, ms in results)
        out = {
            "metrics_ms": max(cold.values()),
            "metrics_warm_ms": max(warm.values()),
            "panels": cold,
            "ingest_10k_s": round(ingest_s, 2),
            "ingested": ingested,
            "ingest_statuses": sorted(set(statuses)),
            "field_p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "field_ok": sum(1 for s, _ in results if s == 200),
            "incidents": int(incidents[0]) if incidents else 0,
            "cpus": os.cpu_count(),
        }
        print(json.dumps(out), flush=True)
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
        _drop(args.database_url, name)


if __name__ == "__main__":
    sys.exit(main())
