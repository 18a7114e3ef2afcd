"""Seconds to import 10,000 12345-hotline requests (Open311 GeoReport v2 JSON) as incidents.

A fresh database gets the demo county's geography (``seed_demo`` at scale 0.01); the requests
are synthetic: most inside the county, some outside it, some without coordinates (null or 0/0).
The time covers parsing, point-in-polygon, writing incidents and audit entries, and the commit.
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
from command_center.services.audit import Actor  # noqa: E402
from command_center.services.demo.seed import sample_points, seed_demo  # noqa: E402
from command_center.services.intake import import_open311  # noqa: E402

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
            with sessions() as session:
                started = time.perf_counter()
                report = import_open311(
                    session, data, actor=Actor(None, "基准测试"), source="bench-12345"
                )
                seconds = time.perf_counter() - started
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
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
