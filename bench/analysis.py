"""The analysis panels and the monthly bulletin on a demo county; prints one JSON line.

    .venv/bin/python bench/analysis.py --database-url URL   (a seeded demo county)

The program's clock is put at the county's last report (``--at`` to choose). Each panel is
read as the view reads it (services/analysis.py), for the view's default range (the last 30
days) and for a year:

- ``slowest_panel_ms``: the slowest panel's first read in this process (a cold connection and
  cold caches of the program; the database's own buffers as they are);
- ``slowest_panel_warm_ms``: the slowest panel's median of five reads after that;
- ``panels_ms``: every panel, cold and warm;
- ``bulletin_s``: the bulletin of the last whole month (figures, PDF, XLSX);
- ``refresh_1k_ms``: 1,000 new incidents, one INSERT each as intake makes them, with the daily
  summary (incident_daily) brought up to date by its triggers in the same statements; and
  ``refresh_1k_overhead_ms``, the same minus the inserts with the triggers off; and
  ``refresh_1k_bulk_ms``, the 1,000 in one statement (an import). All rolled back;
- ``refresh_1k_orders_ms``: 1,000 new work orders, one INSERT each, with the departments'
  summary (order_daily) kept by its triggers; ``refresh_1k_ratings_ms``: 1,000 ratings of
  incidents at the return visit (each moves its orders' satisfaction in the summary);
- ``incidents``: how many the county holds.
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
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from command_center import clock  # noqa: E402
from command_center.db.engine import make_engine, make_session_factory  # noqa: E402
from command_center.services import analysis as a  # noqa: E402
from command_center.services import bulletin  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--at", help="the program's clock (default: the county's last report)")
    args = ap.parse_args()
    engine = make_engine(args.database_url)
    sessions = make_session_factory(engine)
    with sessions() as s:
        last, n = s.execute(text("SELECT max(reported_at), count(*) FROM incidents")).one()
    now = dt.datetime.fromisoformat(args.at) if args.at else last.astimezone(clock.CST)
    clock.freeze(now)
    end = a.day_start(now.date() + dt.timedelta(days=1))
    month = a.Period(end - dt.timedelta(days=30), end)
    year = a.Period(end - dt.timedelta(days=365), end)
    top = None
    with sessions() as s:
        top = a.categories(s, month)[0].key  # the drill-down's second level

    panels: dict[str, Callable[[Session], Any]] = {
        "trend_90d_by_day": lambda s: a.trend(s, a.Period(end - dt.timedelta(days=90), end)),
        "trend_year_by_week": lambda s: a.trend(s, year, "week"),
        "trend_year_by_month": lambda s: a.trend(s, year, "month"),
        "headline_30d": lambda s: a.headline(s, month),
        "categories_30d": lambda s: a.categories(s, month),
        "categories_level2_30d": lambda s: a.categories(s, month, top),
        "regions_30d": lambda s: a.regions(s, month),
        "channels_30d": lambda s: a.channels(s, month),
        "departments_30d": lambda s: a.departments(s, month),
        "headline_year": lambda s: a.headline(s, year),
        "categories_year": lambda s: a.categories(s, year),
        "regions_year": lambda s: a.regions(s, year),
        "departments_year": lambda s: a.departments(s, year),
        "dispute_sources_30d": lambda s: a.dispute_sources(s, month),
        "dispute_sources_year": lambda s: a.dispute_sources(s, year),
        "warnings": lambda s: a.warnings(s),
    }
    out: dict[str, dict[str, float]] = {}
    for name, fn in panels.items():
        with sessions() as s:
            t = time.perf_counter()
            fn(s)
            cold = (time.perf_counter() - t) * 1000
            warm = []
            for _ in range(5):
                t = time.perf_counter()
                fn(s)
                warm.append((time.perf_counter() - t) * 1000)
        out[name] = {"cold": round(cold, 1), "warm": round(statistics.median(warm), 1)}
    last_month = (now.date().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    t = time.perf_counter()
    with sessions() as s, tempfile.TemporaryDirectory() as tmp:
        b = bulletin.compute(s, last_month)
        (Path(tmp) / "b.pdf").write_bytes(bulletin.render_pdf(b))
        bulletin.write_xlsx(b, str(Path(tmp) / "b.xlsx"))
    bulletin_s = time.perf_counter() - t
    refresh = _refresh(engine, now)
    refresh.update(_refresh_orders(engine, now))
    slow = max(out, key=lambda k: out[k]["cold"])
    slow_warm = max(out, key=lambda k: out[k]["warm"])
    print(json.dumps({
        "slowest_panel_ms": out[slow]["cold"],
        "slowest_panel": slow,
        "slowest_panel_warm_ms": out[slow_warm]["warm"],
        "slowest_panel_warm": slow_warm,
        "bulletin_s": round(bulletin_s, 2),
        "bulletin_month": last_month,
        **refresh,
        "incidents": int(n),
        "at": now.isoformat(),
        "panels_ms": out,
    }, ensure_ascii=False))
    engine.dispose()


INSERT = (
    "INSERT INTO incidents (number, channel_code, category_code, title, reported_at, grid_id, "
    "village_id, town_id, status) VALUES (:number, :channel, :category, 'bench', :at, :grid, "
    ":village, :town, 'new')"
)


# the day's count in the daily summary (its channels' rows: alembic 0024 keeps no total row)
TODAY = "SELECT coalesce(sum(n), 0) FROM incident_daily WHERE dim = 'channel' AND day = :d"


def _refresh(engine: Any, now: dt.datetime) -> dict[str, float]:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT channel_code, category_code, grid_id, village_id, town_id FROM incidents "
            "ORDER BY id DESC LIMIT 1000")).all()
    params = [
        {"number": f"BENCH{i:06d}", "channel": r[0], "category": r[1], "at": now,
         "grid": r[2], "village": r[3], "town": r[4]}
        for i, r in enumerate(rows)
    ]
    out: dict[str, float] = {}
    for name, triggers in (("plain", False), ("singly", True), ("bulk", True)):
        with engine.connect() as conn:
            tx = conn.begin()
            if not triggers:
                for event in ("insert", "update", "delete"):
                    conn.execute(text(
                        f"ALTER TABLE incidents DISABLE TRIGGER cc_incident_daily_{event}"))
            before = conn.execute(text(TODAY), {"d": now.date()}).scalar()
            t = time.perf_counter()
            if name == "bulk":
                conn.execute(text(INSERT), params)  # executemany: psycopg pipelines it
            else:
                for p in params:
                    conn.execute(text(INSERT), p)
            out[name] = (time.perf_counter() - t) * 1000
            after = conn.execute(text(TODAY), {"d": now.date()}).scalar()
            assert after - before == (1000 if triggers else 0), (name, before, after)
            tx.rollback()
    return {
        "refresh_1k_ms": round(out["singly"], 1),
        "refresh_1k_overhead_ms": round(out["singly"] - out["plain"], 1),
        "refresh_1k_bulk_ms": round(out["bulk"], 1),
    }


ORDER_INSERT = (
    "INSERT INTO work_orders (number, incident_id, department_id, mode, status, dispatched_at, "
    "deadline_at) VALUES (:number, :incident, :department, 'assign', 'dispatched', :at, :due)"
)


def _refresh_orders(engine: Any, now: dt.datetime) -> dict[str, float]:
    """1,000 new work orders, one INSERT each as dispatch makes them, with the departments'
    summary (order_daily) brought up to date by its triggers; then a return visit rating each
    of their incidents (the rating moves the summary too). Rolled back."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT incident_id, department_id FROM work_orders ORDER BY id DESC LIMIT 1000")).all()
    with engine.connect() as conn:
        tx = conn.begin()
        t = time.perf_counter()
        for i, r in enumerate(rows):
            conn.execute(text(ORDER_INSERT), {
                "number": f"BENCHO{i:06d}", "incident": r[0], "department": r[1], "at": now,
                "due": now + dt.timedelta(days=3)})
        orders_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        for r in rows:
            conn.execute(text("UPDATE incidents SET satisfaction = 5 WHERE id = :i"),
                         {"i": r[0]})
        rating_ms = (time.perf_counter() - t) * 1000
        got = conn.execute(text(
            "SELECT coalesce(sum(received), 0) FROM order_daily WHERE day = :d"),
            {"d": now.date()}).scalar()
        assert got >= len(rows), got
        tx.rollback()
    return {"refresh_1k_orders_ms": round(orders_ms, 1),
            "refresh_1k_ratings_ms": round(rating_ms, 1)}


if __name__ == "__main__":
    main()
