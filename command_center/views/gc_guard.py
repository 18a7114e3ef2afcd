"""Python's garbage collector runs only on the GUI thread.

Left automatic, a collection starts on whichever thread happens to allocate — often a database
worker (workers/ops.py). When it frees a Qt object caught in a reference cycle there, the
object's C++ destructor takes Qt's connection lock and then waits for the GIL, while the GUI
thread holds the GIL and waits for that lock (making any widget connects): the whole program
freezes, with no error. (Seen: a queue view being built while a worker built a query; every
thread waiting on a futex.) So automatic collection is off and this object collects on the GUI
thread, with Python's own thresholds, a few times a second. Objects without cycles are still
freed at once by reference counting.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimerEvent

INTERVAL_MS = 250


class GarbageCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("ccGarbageCollector")
        self.threshold = gc.get_threshold()
        gc.disable()
        # a QObject timer, not a QTimer: it lives as long as the application
        self._timer_id = self.startTimer(INTERVAL_MS)

    def timerEvent(self, event: QTimerEvent) -> None:
        if event.timerId() != self._timer_id:
            return
        self.check()

    def check(self) -> None:
        l0, l1, l2 = gc.get_count()
        if l0 > self.threshold[0]:
            gc.collect(0)
            if l1 > self.threshold[1]:
                gc.collect(1)
                if l2 > self.threshold[2]:
                    gc.collect(2)


def install(app: QCoreApplication) -> GarbageCollector:
    """Once per application (the same collector again on later calls)."""
    found = app.findChild(GarbageCollector, "ccGarbageCollector")
    if isinstance(found, GarbageCollector):
        return found
    return GarbageCollector(app)
