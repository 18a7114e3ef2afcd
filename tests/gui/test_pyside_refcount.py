"""A duty shift emits hundreds of thousands of signals: the Qt binding must not leak on them.

PySide6 6.12.0 dropped a reference to ``True`` on every ``emit()``; on Python 3.11 the process
aborted ("bool_dealloc") after a few thousand emits. pyproject.toml keeps us below 6.12.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    sig_tick = Signal(int)


def test_emitting_signals_does_not_leak_references(qapp) -> None:  # type: ignore[no-untyped-def]
    emitter = _Emitter()
    received: list[int] = []
    emitter.sig_tick.connect(received.append)
    true_before, false_before = sys.getrefcount(True), sys.getrefcount(False)
    for i in range(2000):
        emitter.sig_tick.emit(i)
    assert len(received) == 2000
    assert abs(sys.getrefcount(True) - true_before) < 50
    assert abs(sys.getrefcount(False) - false_before) < 50
