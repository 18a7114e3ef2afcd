"""Seconds to import 10,000 12345-hotline requests (Open311 GeoReport v2 JSON) as incidents.

A fresh database gets the demo county's geography (``seed_demo`` at scale 0.01); the requests
are synthetic: most inside the county, some outside it, some without coordinates (null or 0/0).
The time covers parsing, point-in-polygon, writing incidents and audit entries, and the commit.
A LISTEN connection (db/listener.py, as an open window has) counts the NOTIFY messages the
import sends and how long after the commit the last one arrives (``notify_drain_s``). Then the
center's own Open311 endpoint serves the imported requests over HTTP: the median time of
``GET requests.json`` / ``.xml`` answering 1000 requests (``get_1000_json_ms`` / ``_xml_ms``).
Prints one JSON line: {"import_10k_s": ...}. Target: ≤ 5 s on a two-core workstation.
    python bench/open311_import.py [--database-url URL] [--requests 10000]
The URL names a server (any database on it); a scratch database is created there and dropped.
Without a URL it starts an embedded server under /tmp/command-center-bench-open311.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import shapely
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from command_center.db import migrate  # noqa: E402
from command_center.db.engine import libpq_url, make_engine, make_session_factory  # noqa: E402
from command_center.demo.seed import sample_points, seed_demo  # noqa: E402
from command_center.services.audit import Actor  # noqa: E402
from command_center.services.imports import import_open311  # noqa: E402

CST = dt.timezone(dt.timedelta(hours=8))
UNTIL = dt.datetime(2026, 11, 20, 16, 30, tzinfo=CST)
WHAT = [
    "道路破损",
    "路灯不亮",
    "垃圾未清运",
    "噪音扰民",
    "占道经营",
    "井盖缺失",
    "违章搭建",
    "供暖不热",
]


def synthetic_requests(county: Any, n: int, seed: int = 7) -> bytes:
    """GeoReport v2 JSON: 85% inside the county, 8% outside it, 4% null, 3% at 0/0."""
    rng = np.random.default_rng(seed)
    n_in, n_out, n_null = int(n * 0.85), int(n * 0.08), int(n * 0.04)
    points: list[tuple[float | None, float | None]] = list(sample_points(rng, county, n_in))
    minx, miny, maxx, maxy = county.bounds
    while len(points) < n_in + n_out:
        x = rng.uniform(minx - 0.3, maxx + 0.3)
        y = rng.uniform(miny - 0.3, maxy + 0.3)
        if not shapely.contains_xy(county, x, y):
            points.append((x, y))
    points += [(None, None)] * n_null
    points += [(0.0, 0.0)] * (n - len(points))
    order = rng.permutation(n)
    start = UNTIL - dt.timedelta(days=30)
    items = []
    for k, idx in enumerate(order.tolist()):
        lon, lat = points[idx]
        at = start + dt.timedelta(seconds=int(rng.integers(0, 30 * 86400)))
        what = WHAT[k % len(WHAT)]
        items.append(
            {
                "service_request_id": f"GS12345-{k:07d}",
                "status": "Closed" if k % 10 == 0 else "open",
                "service_name": what,
                "service_code": f"C{k % len(WHAT):02d}",
                "description": f"来电人反映{what}，已持续多日，请尽快处理。（第{k}号）",
                "requested_datetime": at.isoformat(),
                "updated_datetime": (at + dt.timedelta(hours=2)).isoformat(),
                "address": f"民乐县某路{k % 300}号",
                "lat": None if lat is None else round(lat, 6),
                "long": None if lon is None else round(lon, 6),
            }
        )
    return json.dumps(items, ensure_ascii=False).encode("utf-8")


class _Notes:
    """Counts cc_changes notifications the way an open window receives them."""

    def __init__(self, url: str) -> None:
        import threading

        from command_center.db.listener import ChangeListener, ConnectionState

        self.count = 0
        self.last = 0.0
        self._lock = threading.Lock()
        self._listener = ChangeListener(url, self._on_change)
        self._listener.start()
        deadline = time.monotonic() + 10
        while self._listener.state != ConnectionState.CONNECTED and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # LISTEN is active once connected; let it settle

    def _on_change(self, payload: dict[str, Any]) -> None:
        with self._lock:
            self.count += 1
            self.last = time.monotonic()

    def drain(self, committed: float, *, expected: int) -> tuple[int, float]:
        """(notifications received, seconds from the commit to the last one)."""
        deadline = time.monotonic() + 120
        quiet_since = time.monotonic()
        seen = -1
        while time.monotonic() < deadline:
            with self._lock:
                count = self.count
            if count != seen:
                seen, quiet_since = count, time.monotonic()
            elif count >= expected or time.monotonic() - quiet_since > 3:
                break
            time.sleep(0.02)
        self._listener.stop()
        with self._lock:
            return self.count, max(0.0, self.last - committed)


def _serve_1000(engine: Any) -> dict[str, float]:
    """Median milliseconds of GET requests.json / .xml answering 1000 requests over HTTP."""
    import statistics
    import urllib.request

    from command_center.api.server import HttpServer
    from command_center.interop.open311 import parse_requests

    out: dict[str, float] = {}
    with HttpServer(engine, "127.0.0.1", 0).start() as server:
        for fmt in ("json", "xml"):
            times = []
            for i in range(6):
                started = time.perf_counter()
                with urllib.request.urlopen(f"{server.url}/requests.{fmt}", timeout=60) as r:
                    body = r.read()
                if i:  # the first warms the connection pool and caches
                    times.append((time.perf_counter() - started) * 1000)
            assert len(parse_requests(body).requests) == 1000
            out[f"get_1000_{fmt}_ms"] = round(statistics.median(times), 1)
    return out


def _with_db(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--requests", type=int, default=10_000)
    args = ap.parse_args()

    embedded = None
    server = args.database_url
    if server is None:
        from command_center.db.embedded import EmbeddedPostgres

        embedded = EmbeddedPostgres(Path("/tmp/command-center-bench-open311/pgdata"))
        server = embedded.start()
    name = f"cc_bench_open311_{uuid.uuid4().hex[:8]}"
    admin = libpq_url(_with_db(server, "postgres"))
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = _with_db(server, name)
        try:
            migrate.upgrade(url)
            engine = make_engine(url)
            seed_demo(engine, scale=0.01, seed=7, until=UNTIL, progress=False)
            with engine.connect() as conn:
                outline = conn.scalar(
                    text("SELECT geometry::text FROM admin_areas WHERE level = 'county'")
                )
            data = synthetic_requests(shapely.from_geojson(outline), args.requests)
            sessions = make_session_factory(engine)
            notes = _Notes(url)
            with sessions() as session:
                started = time.perf_counter()
                report = import_open311(
                    session, data, actor=Actor(None, "基准测试"), source="bench-12345"
                )
                seconds = time.perf_counter() - started
            committed = time.monotonic()
            notify_count, notify_drain_s = notes.drain(committed, expected=2 * report.imported)
            served = _serve_1000(engine)
            engine.dispose()
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        if embedded is not None:
            embedded.stop()
    key = "import_10k_s" if args.requests == 10_000 else f"import_{args.requests}_s"
    print(
        json.dumps(
            {
                key: round(seconds, 3),
                "imported": report.imported,
                "skipped": len(report.skipped),
                "outside": report.flagged_outside,
                "missing": report.flagged_missing,
                "notify_count": notify_count,
                "notify_drain_s": round(notify_drain_s, 3),
                **served,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
