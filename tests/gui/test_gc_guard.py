"""Python collects garbage only on the GUI thread (views/gc_guard.py): a collection started by a
database worker once froze the program (a Qt object's destructor waiting for the GIL on the
worker, the GUI thread holding the GIL and waiting for Qt's lock)."""

from __future__ import annotations

import gc
import threading

from command_center.views import gc_guard


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_collections_happen_on_the_gui_thread_only(qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    gc_guard.install(qapp)
    assert not gc.isenabled()
    threads: list[str] = []

    def seen(phase: str, _info: dict) -> None:
        if phase == "start":
            threads.append(threading.current_thread().name)

    gc.callbacks.append(seen)
    try:
        def worker() -> None:  # allocates as much as a busy database worker does
            for _ in range(200_000):
                _Cycle()

        t = threading.Thread(target=worker, name="cc-db-ops-quick")
        t.start()
        t.join()
        assert threads == []  # nothing was collected on the worker
        assert gc.get_count()[0] > gc.get_threshold()[0]
        qtbot.waitUntil(lambda: bool(threads), timeout=5_000)
        assert set(threads) == {threading.main_thread().name}
        qtbot.waitUntil(lambda: gc.get_count()[0] <= gc.get_threshold()[0], timeout=5_000)
    finally:
        gc.callbacks.remove(seen)
