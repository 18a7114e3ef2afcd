"""The background lanes (replacement, cancellation, progress) and the one batcher of live changes.

The ops here ignore their session: a sessionmaker without an engine opens nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThread
from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import sessionmaker

from command_center.db.changes import Change, Changes, parse_change
from command_center.db.listener import RELOAD_NOTICE
from command_center.models import DutyLogEntry
from command_center.services.jobs import Job
from command_center.workers.live import ChangeBatcher
from command_center.workers.ops import LONG, OpsRunner

WAIT_S = 10  # an Event that is never set fails the test instead of hanging it


@pytest.fixture
def bare_runner(qapp) -> Iterator[OpsRunner]:  # type: ignore[no-untyped-def]
    ops = OpsRunner(sessionmaker())
    try:
        yield ops
    finally:
        assert ops.shutdown(), "an op did not finish"


# --- the batcher --------------------------------------------------------------------------


def test_changes_within_the_window_come_as_one_batch(qtbot) -> None:  # type: ignore[no-untyped-def]
    batcher = ChangeBatcher()
    batches: list[Changes] = []
    batcher.sig_changes.connect(batches.append)
    with qtbot.waitSignal(batcher.sig_changes, timeout=2_000):
        batcher.add(Change("incidents", "insert", 7, 1))
        batcher.add(Change("incidents", "update", 5, 4))
        batcher.add(Change("work_orders", "update", 3, 2))
    assert len(batches) == 1
    assert batches[0].ids_of("incidents") == {5, 7}
    assert batches[0].ids_of("work_orders") == {3}
    assert batches[0].inserted_into("incidents") == {7}
    assert not batches[0].reload
    assert batcher.waiting == 0
    batcher.close()


def test_a_reload_notice_sets_the_flag(qtbot) -> None:  # type: ignore[no-untyped-def]
    batcher = ChangeBatcher()
    with qtbot.waitSignal(batcher.sig_changes, timeout=2_000) as blocker:
        batcher.add(Change("incidents", "update", 5, 4))
        reload = parse_change({"t": "*", "op": "reload"})
        assert reload is not None
        batcher.add(reload)
    assert blocker.args[0].reload
    batcher.close()


def test_a_closed_batcher_delivers_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    batcher = ChangeBatcher()
    batches: list[Changes] = []
    batcher.sig_changes.connect(batches.append)
    batcher.add(Change("incidents", "update", 5, 4))
    batcher.close()
    batcher.add(Change("incidents", "update", 6, 4))
    batcher.flush()
    assert batches == []


def test_rows_committed_together_reach_the_views_as_one_batch(
    qtbot,
    live,
    other_engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    batches: list[Changes] = []
    live.sig_changes.connect(batches.append)
    table = DutyLogEntry.__table__
    with qtbot.waitSignal(live.sig_changes, timeout=5_000), other_engine.begin() as conn:
        ids = [
            conn.execute(
                insert(table).values(author="王芳", text=t).returning(table.c.id)
            ).scalar_one()
            for t in ("交班：城关镇积水已排除", "夜班：洪水镇信号灯故障")
        ]
    assert len(batches) == 1
    assert batches[0].inserted_into("duty_log") == set(ids)


def test_the_reload_notice_reaches_the_views(qtbot, live, other_engine) -> None:  # type: ignore[no-untyped-def]
    notify = text("SELECT pg_notify('cc_changes', :p)")
    with qtbot.waitSignal(live.sig_changes, timeout=5_000) as blocker, other_engine.begin() as c:
        c.execute(notify, {"p": RELOAD_NOTICE})
    assert blocker.args[0].reload


# --- the lanes ----------------------------------------------------------------------------


def test_a_replaced_op_is_never_delivered_and_a_running_one_is_told_to_stop(
    qtbot,
    bare_runner: OpsRunner,  # type: ignore[no-untyped-def]
) -> None:
    started, release = threading.Event(), threading.Event()
    called: list[str] = []
    saw_cancelled: list[bool] = []
    delivered: list[str] = []

    def first(_s: object, job: Job) -> str:
        called.append("first")
        started.set()
        assert release.wait(WAIT_S)
        saw_cancelled.append(job.cancelled)
        return "first"

    def later(name: str):  # type: ignore[no-untyped-def]
        def fn(_s: object) -> str:
            called.append(name)
            return name

        return fn

    bare_runner.submit(first, success=delivered.append, key="map.incidents", with_job=True)
    assert started.wait(WAIT_S)
    bare_runner.submit(later("second"), success=delivered.append, key="map.incidents")
    bare_runner.submit(later("third"), success=delivered.append, key="map.incidents")
    release.set()
    qtbot.waitUntil(lambda: bare_runner.pending == 0, timeout=5_000)
    assert delivered == ["third"]
    assert saw_cancelled == [True]  # the running one saw it had been replaced
    assert called == ["first", "third"]  # the one that had not started never ran


def test_keys_of_different_owners_do_not_replace_each_other(
    qtbot,
    bare_runner: OpsRunner,  # type: ignore[no-untyped-def]
) -> None:
    from PySide6.QtCore import QObject

    a, b = QObject(), QObject()
    delivered: list[str] = []
    bare_runner.submit(lambda _s: "a", success=delivered.append, owner=a, key="map.incidents")
    bare_runner.submit(lambda _s: "b", success=delivered.append, owner=b, key="map.incidents")
    qtbot.waitUntil(lambda: bare_runner.pending == 0, timeout=5_000)
    assert sorted(delivered) == ["a", "b"]


def test_a_long_job_does_not_hold_up_a_quick_read(
    qtbot,
    bare_runner: OpsRunner,  # type: ignore[no-untyped-def]
) -> None:
    release = threading.Event()
    delivered: list[str] = []

    def long_import(_s: object) -> str:
        assert release.wait(WAIT_S)
        return "import"

    bare_runner.submit(long_import, success=delivered.append, lane=LONG)
    bare_runner.submit(lambda _s: "card", success=delivered.append)
    try:
        qtbot.waitUntil(lambda: delivered == ["card"], timeout=5_000)
    finally:
        release.set()
    qtbot.waitUntil(lambda: bare_runner.pending == 0, timeout=5_000)
    assert delivered == ["card", "import"]


def test_a_cancelled_op_stops_and_delivers_nothing(
    qtbot,
    bare_runner: OpsRunner,  # type: ignore[no-untyped-def]
) -> None:
    started = threading.Event()
    steps: list[int] = []
    delivered: list[object] = []

    def export(_s: object, job: Job) -> str:
        started.set()
        for i in range(1_000_000):
            if job.cancelled:
                return "stopped"
            steps.append(i)
            if i == 0:
                assert cancel_asked.wait(WAIT_S)
        return "finished"

    cancel_asked = threading.Event()
    op = bare_runner.submit(
        export, success=delivered.append, failure=delivered.append, lane=LONG, with_job=True
    )
    assert started.wait(WAIT_S)
    op.cancel()
    cancel_asked.set()
    with qtbot.waitSignal(op.sig_finished, timeout=5_000):
        pass
    assert steps == [0]
    assert delivered == []
    assert op.cancelled


def test_progress_arrives_on_the_gui_thread(qtbot, bare_runner: OpsRunner) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[int, int, str, bool]] = []
    gui = QThread.currentThread()

    def on_progress(done: int, total: int, text: str) -> None:
        seen.append((done, total, text, QThread.currentThread() is gui))

    def work(_s: object, job: Job) -> int:
        for i in range(1, 4):
            job.report(i, 3, f"第{i}批")
        return 3

    op = bare_runner.submit(work, progress=on_progress, lane=LONG, with_job=True)
    with qtbot.waitSignal(op.sig_succeeded, timeout=5_000):
        pass
    assert seen == [(1, 3, "第1批", True), (2, 3, "第2批", True), (3, 3, "第3批", True)]
