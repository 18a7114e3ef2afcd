"""Dispute cases at 100,000: the case list's first rows, a filter, the figures panel.

    .venv/bin/python bench/disputes.py [--server postgresql://postgres@127.0.0.1:5432/postgres]

Makes a database ``cc_bench_disputes`` on the server (kept for the next run; ``--fresh`` makes
it again): the schema, a small demo county (``--scale``), and its dispute cases copied with
their parties until there are ``--cases`` of them (received over the past five years, spread
over every room and mediator). Measured through services/disputes.py as the duty operator's own
login (row-level security and column privileges on), each the median of several runs after a
warm-up:

- ``open_ms``: the case list's first page (100 rows, newest first, no filter).
- ``filter_ms``: the first page under each filter (open, a type, high risk, a town, a room,
  transferred from a court, overdue, a word of the summary, a number prefix); the median, with
  ``filter_max_ms`` and the slowest filter named.
- ``figures_ms``: the figures panel (success rate, satisfaction, duration, backlog by town and
  type, sources) over every case; ``board_ms``: the mediation-room board.

Targets (issue 13): open_ms ≤ 300, filter_ms ≤ 500, figures_ms ≤ 500. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

NAME = "cc_bench_disputes"
PASSWORD = "bench-disputes-password"

GROW_SQL = """
INSERT INTO dispute_cases (id, number, type_code, summary, source, room_level, village_id,
    town_id, lon, lat, incident_id, risk_level, status, amount_involved, mediator_name,
    received_at, concluded_at, agreement_text, version, created_at, updated_at, org_id,
    mediator_id, people_involved, risk_reasons, source_org, source_reference, deadline_at,
    extensions, fulfil_by, fulfilled, referral, outcome_note)
SELECT b.id + k * m.n, 'TJ' || to_char(b.received_at - make_interval(days => k * 37 %% 1500),
        'YYYYMMDD') || lpad((b.id + k * m.n)::text, 6, '0'),
    b.type_code, b.summary, b.source, b.room_level, b.village_id, b.town_id, b.lon, b.lat, NULL,
    b.risk_level, b.status, b.amount_involved, b.mediator_name,
    b.received_at - make_interval(days => k * 37 %% 1500),
    b.concluded_at - make_interval(days => k * 37 %% 1500), b.agreement_text, b.version,
    b.created_at, b.updated_at, b.org_id, b.mediator_id, b.people_involved, b.risk_reasons,
    b.source_org, b.source_reference, b.deadline_at - make_interval(days => k * 37 %% 1500),
    b.extensions, b.fulfil_by, b.fulfilled, b.referral, b.outcome_note
FROM dispute_cases b, (SELECT %(n)s::bigint AS n) m,
     generate_series(1, %(copies)s) k
WHERE b.id <= m.n;
--
INSERT INTO dispute_parties (case_id, role, kind, name, phone, id_number, address)
SELECT p.case_id + k * m.n, p.role, p.kind, p.name, p.phone, p.id_number, p.address
FROM dispute_parties p, (SELECT %(n)s::bigint AS n) m,
     generate_series(1, %(copies)s) k
WHERE p.case_id <= m.n;
"""


def _median_ms(fn: Any, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def _prepare(server: str, scale: float, cases: int, fresh: bool) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    from command_center.db import migrate
    from command_center.db.engine import libpq_url, make_engine
    from command_center.demo.seed import seed_demo

    url = make_url(server).set(database=NAME).render_as_string(hide_password=False)
    with psycopg.connect(libpq_url(server), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (NAME,)).fetchone()
        if exists and fresh:
            admin.execute(f'DROP DATABASE "{NAME}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{NAME}"')
    with psycopg.connect(libpq_url(url)) as conn:
        ready = conn.execute(
            "SELECT to_regclass('mediation_orgs') IS NOT NULL"
        ).fetchone()[0]  # type: ignore[index]
        if ready:
            ready = conn.execute(
                "SELECT count(*) >= %s FROM dispute_cases", (cases,)
            ).fetchone()[0]  # type: ignore[index]
    if ready:
        return url
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        seed_demo(engine, scale=scale, seed=7, progress=False)
    finally:
        engine.dispose()
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        have = conn.execute("SELECT max(id) FROM dispute_cases").fetchone()[0]  # type: ignore[index]
        copies = max(0, -(-cases // have) - 1)
        conn.execute("ALTER TABLE dispute_cases DISABLE TRIGGER USER")
        conn.execute("ALTER TABLE dispute_parties DISABLE TRIGGER USER")
        for statement in GROW_SQL.split("--\n"):
            conn.execute(statement, {"copies": copies, "n": have})
        conn.execute("DELETE FROM dispute_cases WHERE id > %s", (cases,))
        conn.execute("ALTER TABLE dispute_cases ENABLE TRIGGER USER")
        conn.execute("ALTER TABLE dispute_parties ENABLE TRIGGER USER")
        conn.execute("SELECT setval(pg_get_serial_sequence('dispute_cases', 'id'), "
                     "(SELECT max(id) FROM dispute_cases))")
        conn.execute("VACUUM ANALYZE dispute_cases")
        conn.execute("VACUUM ANALYZE dispute_parties")
    return url


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--scale", type=float, default=0.2)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--fresh", action="store_true")
    args = ap.parse_args()

    import psycopg
    from sqlalchemy import text

    from command_center import clock
    from command_center.db.connection import with_login
    from command_center.db.engine import libpq_url, make_engine, make_session_factory
    from command_center.services import disputes
    from command_center.services.disputes import CaseFilter

    url = _prepare(args.server, args.scale, args.cases, args.fresh)
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        n = conn.execute("SELECT count(*) FROM dispute_cases").fetchone()[0]  # type: ignore[index]
        until = conn.execute("SELECT max(received_at) FROM dispute_cases").fetchone()[0]  # type: ignore[index]
        town = conn.execute("SELECT town_id FROM dispute_cases GROUP BY 1 ORDER BY count(*) "
                            "DESC LIMIT 1").fetchone()[0]  # type: ignore[index]
        org = conn.execute("SELECT org_id FROM dispute_cases GROUP BY 1 ORDER BY count(*) "
                           "DESC LIMIT 1").fetchone()[0]  # type: ignore[index]
        conn.execute(f"ALTER ROLE cc_u_zhiban1 PASSWORD '{PASSWORD}' VALID UNTIL 'infinity'")
    clock.freeze(until)
    engine = make_engine(with_login(url, "cc_u_zhiban1", PASSWORD))
    try:
        with make_session_factory(engine)() as s:
            assert s.scalar(text("SELECT cc_my_role()")) == "duty_operator"

            def page(f: CaseFilter) -> Any:
                def run() -> None:
                    disputes.case_page(s, f, limit=100)
                    s.rollback()
                return run

            open_ms = _median_ms(page(CaseFilter()), args.runs)
            filters = {
                "open": CaseFilter(statuses=disputes.OPEN_STATUSES),
                "type": CaseFilter(type_code="labour_wage"),
                "high_risk": CaseFilter(risks=("high", "major")),
                "town": CaseFilter(town_id=town),
                "room": CaseFilter(org_id=org),
                "court": CaseFilter(source="court"),
                "overdue": CaseFilter(overdue=True),
                "text": CaseFilter(text="围墙"),
                "number": CaseFilter(text="TJ2026"),
                "open_town_type": CaseFilter(statuses=disputes.OPEN_STATUSES, town_id=town,
                                             type_code="neighbour"),
            }
            timed = {k: _median_ms(page(f), args.runs) for k, f in filters.items()}

            def figures() -> None:
                disputes.figures(s)
                s.rollback()

            def board() -> None:
                disputes.board(s)
                s.rollback()

            figures_ms = _median_ms(figures, args.runs)
            board_ms = _median_ms(board, args.runs)
    finally:
        engine.dispose()
    slowest = max(timed, key=lambda k: timed[k])
    print(json.dumps({
        "cases": n,
        "open_ms": open_ms,
        "filter_ms": round(statistics.median(timed.values()), 1),
        "filter_max_ms": timed[slowest],
        "filter_slowest": slowest,
        "figures_ms": figures_ms,
        "board_ms": board_ms,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
