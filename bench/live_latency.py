"""Milliseconds from a commit on one workstation to the change showing in another's activity
feed model: two processes on one database, 100 committed changes.

The watcher process runs the real pipeline (LiveChannel → ActivityView → background fetch →
ActivityTableModel) offscreen and reports when each audit entry arrives in the model; this
process commits duty-log entries (each writes an audit entry) and notes each commit's time.
Prints one JSON line: {"p50_ms", "p95_ms", "max_ms", "n"}. Target: p95 ≤ 250 ms.
    python bench/live_latency.py [--database-url URL] [--changes 100] [--interval-ms 50]
Without a URL it starts an embedded server under /tmp/command-center-bench-live.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def watcher(url: str) -> int:
    """The other workstation: print "READY", then "<audit id> <time>" as entries arrive."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QModelIndex, QTimer
    from PySide6.QtWidgets import QApplication

    from command_center.db.engine import make_engine, make_session_factory
    from command_center.services.audit import Actor
    from command_center.views.activity.activity_view import ActivityView
    from command_center.workers.live import CONNECTED, LiveChannel
    from command_center.workers.ops import OpsRunner

    app = QApplication([])
    engine = make_engine(url)
    runner = OpsRunner(make_session_factory(engine))
    live = LiveChannel(url)
    view = ActivityView(runner, Actor(None, "bench"), live)
    model = view.model

    def on_rows(_parent: QModelIndex, first: int, last: int) -> None:
        now = time.time()
        for row in range(first, last + 1):
            print(f"{model.item(row).id} {now:.6f}", flush=True)

    model.rowsInserted.connect(on_rows)

    def on_state(state: str) -> None:
        if state == CONNECTED:
            QTimer.singleShot(300, lambda: print("READY", flush=True))

    live.sig_connection_changed.connect(on_state)
    live.start()
    # stop when told to (a line on stdin would need a thread; a deadline is simpler)
    QTimer.singleShot(int(os.environ.get("BENCH_WATCH_S", "60")) * 1000, app.quit)
    app.exec()
    view.shutdown()
    live.stop()
    runner.shutdown()
    engine.dispose()
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--changes", type=int, default=100)
    ap.add_argument("--interval-ms", type=int, default=50)
    ap.add_argument("--watch", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.watch:
        return watcher(args.watch)

    from command_center.db import migrate
    from command_center.db.engine import make_engine, make_session_factory
    from command_center.services import duty_log
    from command_center.services.audit import Actor

    embedded = None
    url = args.database_url
    if url is None:
        from command_center.db.embedded import EmbeddedPostgres

        embedded = EmbeddedPostgres(Path("/tmp/command-center-bench-live/pgdata"))
        url = embedded.start()
    try:
        migrate.upgrade(url)
        env = {**os.environ, "BENCH_WATCH_S": str(30 + args.changes * args.interval_ms // 1000)}
        proc = subprocess.Popen(
            [sys.executable, __file__, "--watch", url],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "READY":
                break
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        committed: dict[int, float] = {}
        actor = Actor(None, "基准测试")
        for i in range(args.changes):
            with sessions() as s:
                result = duty_log.add_entry(s, actor, f"基准测试第{i + 1}条", uuid.uuid4().hex)
                t = time.time()
            audit_id = _audit_id_of(engine, result.entry_id)
            committed[audit_id] = t
            time.sleep(args.interval_ms / 1000)
        seen: dict[int, float] = {}
        deadline = time.time() + 10
        for line in proc.stdout:
            entry_id, at = line.split()
            seen[int(entry_id)] = float(at)
            if all(k in seen for k in committed) or time.time() > deadline:
                break
        proc.terminate()
        proc.wait(10)
        engine.dispose()
    finally:
        if embedded is not None:
            embedded.stop()
    latencies = sorted((seen[k] - t) * 1000 for k, t in committed.items() if k in seen)
    missing = len(committed) - len(latencies)
    print(
        json.dumps(
            {
                "p50_ms": round(statistics.median(latencies), 1),
                "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
                "max_ms": round(latencies[-1], 1),
                "n": len(latencies),
                "missing": missing,
            }
        )
    )
    return 0 if missing == 0 else 1


def _audit_id_of(engine, entry_id: int) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from command_center.models import AuditEntry

    with Session(engine) as s:
        return int(
            s.scalar(
                select(AuditEntry.id).where(
                    AuditEntry.entity_type == "duty_log", AuditEntry.entity_id == entry_id
                )
            )
        )


if __name__ == "__main__":
    sys.exit(main())
