"""Seconds to import boundaries: the real Minle County outline as a new deployment's first file,
then every grid (448) and micro-grid (896) of the demo county redrawn in one file each.

1. An empty, migrated database imports ``resources/demo/minle_620722_fence_gcj02.json`` (a bare
   Polygon of 2,808 vertices, GCJ-02, as published) at level county and approves it
   (``outline_s``, ``outline_findings``).
2. A demo county (``seed_demo`` at scale 0.01) exports its grids as one FeatureCollection (名称,
   代码, 上级 as a path 镇/村) and imports it back: reading and checking (``grids_plan_s``),
   storing the draft (``grids_submit_s``) and approving it, with the history rows
   (``grids_approve_s``); then the same for the micro-grids (``micro_*``). Every area matches
   an existing one by its code, and the file is the county's own partition, so no finding is
   expected (``*_findings``). ``map_boundaries_s``: the map's boundary read afterwards.

Prints one JSON line. No target in the issue; a county's grid file should check in seconds.
    python bench/boundaries.py [--database-url URL]
The URL names a server; scratch databases are created there and dropped.
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

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from command_center.db import migrate  # noqa: E402
from command_center.db.engine import libpq_url, make_engine, make_session_factory  # noqa: E402
from command_center.demo.seed import seed_demo  # noqa: E402
from command_center.services import boundary_review, map_data  # noqa: E402
from command_center.services.audit import Actor  # noqa: E402

UNTIL = dt.datetime(2026, 11, 20, 16, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
ACTOR = Actor(None, "基准测试")
OUTLINE = ROOT / "resources" / "demo" / "minle_620722_fence_gcj02.json"


def _with_db(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _scratch(server: str) -> tuple[str, str]:
    name = f"cc_bench_bounds_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(libpq_url(_with_db(server, "postgres")), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = _with_db(server, name)
    migrate.upgrade(url)
    return name, url


def _drop(server: str, name: str) -> None:
    with psycopg.connect(libpq_url(_with_db(server, "postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _export(session: Any, level: str) -> bytes:
    """Today's areas of ``level`` as a file a town would send: 名称, 代码, 上级 (the path of
    names below the county, 镇/村 or 镇/村/网格)."""
    names = dict(session.execute(text("SELECT id, name FROM admin_areas")).all())
    parents = dict(session.execute(text("SELECT id, parent_id FROM admin_areas")).all())
    levels = dict(session.execute(text("SELECT id, level FROM admin_areas")).all())
    rows = session.execute(
        text(
            "SELECT id, name, code, geometry, parent_id FROM admin_areas "
            "WHERE level = :l AND valid_to IS NULL ORDER BY id"
        ),
        {"l": level},
    ).all()
    features = []
    for r in rows:
        path, cur = [], r.parent_id
        while cur is not None and levels[cur] != "county":
            path.append(names[cur])
            cur = parents[cur]
        features.append(
            {
                "type": "Feature",
                "properties": {"名称": r.name, "代码": r.code, "上级": "/".join(path[::-1])},
                "geometry": r.geometry,
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode("utf-8")


def _round(session: Any, level: str, data: bytes) -> dict[str, Any]:
    t0 = time.perf_counter()
    plan = boundary_review.plan(session, data, level=level, crs="gcj02", file_name=f"{level}.json")
    session.rollback()
    t1 = time.perf_counter()
    draft = boundary_review.submit(session, ACTOR, plan)
    t2 = time.perf_counter()
    done = boundary_review.approve(session, ACTOR, draft)
    t3 = time.perf_counter()
    key = "grids" if level == "grid" else "micro"
    return {
        f"{key}_areas": plan.imported,
        f"{key}_findings": len(plan.findings),
        f"{key}_changed": done.changed,
        f"{key}_plan_s": round(t1 - t0, 3),
        f"{key}_submit_s": round(t2 - t1, 3),
        f"{key}_approve_s": round(t3 - t2, 3),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", required=True)
    args = ap.parse_args()
    server = args.database_url
    out: dict[str, Any] = {}

    name, url = _scratch(server)
    try:
        engine = make_engine(url)
        with make_session_factory(engine)() as session:
            t0 = time.perf_counter()
            plan = boundary_review.plan(
                session, OUTLINE.read_bytes(), level="county", crs="gcj02", file_name="民乐县.json"
            )
            boundary_review.approve(session, ACTOR, boundary_review.submit(session, ACTOR, plan))
            out["outline_s"] = round(time.perf_counter() - t0, 3)
            out["outline_findings"] = len(plan.findings)
        engine.dispose()
    finally:
        _drop(server, name)

    name, url = _scratch(server)
    try:
        engine = make_engine(url)
        seed_demo(engine, scale=0.01, seed=7, until=UNTIL, progress=False)
        with make_session_factory(engine)() as session:
            for level, stored in (("grid", "grid"), ("micro", "micro_grid")):
                out.update(_round(session, level, _export(session, stored)))
            t0 = time.perf_counter()
            b = map_data.boundaries(session)
            out["map_boundaries_s"] = round(time.perf_counter() - t0, 3)
            out["map_problems"] = len(b.problems)
            out["history_rows"] = session.execute(
                text("SELECT count(*) FROM area_boundaries WHERE status = 'filed'")
            ).scalar()
        engine.dispose()
    finally:
        _drop(server, name)
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
