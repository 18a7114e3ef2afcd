"""Database work off the GUI thread, in the manner of Anki's ``QueryOp``/``CollectionOp``.

A piece of work is a plain function ``fn(session) -> result``: it knows nothing of Qt, so it can
be tested without a QApplication. :class:`OpsRunner` runs such functions one at a time on a
single worker thread, opens one session per op from a sessionmaker, and delivers the result or
the exception on the thread that submitted the op (the GUI thread) through signals::

    runner.submit(lambda s: activity.recent(s, 500), success=model.merge, owner=self)

One worker, not a pool: ops run in the order they were submitted, so a write and the read that
follows it never race, and the database sees at most one extra connection per workstation.
Nothing here calls ``processEvents()``; callers never wait, they are called back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

T = TypeVar("T")


class DbOp(QObject):
    """One submitted op. Its signals arrive on the thread that submitted it."""

    sig_succeeded = Signal(object)
    """The function returned. Arguments: its result."""

    sig_failed = Signal(object)
    """The function raised. Arguments: the exception."""

    sig_finished = Signal()
    """Emitted after ``sig_succeeded`` or ``sig_failed``, whichever came."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None


class _Delivery(QObject):
    """Lives on the submitting thread; the worker emits into it, Qt queues the call across."""

    sig_outcome = Signal(object, bool, object)  # op, succeeded, result or exception


class _Task(QRunnable):
    def __init__(
        self,
        op: DbOp,
        fn: Callable[[Session], Any],
        sessions: sessionmaker[Session],
        delivery: _Delivery,
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._op = op
        self._fn = fn
        self._sessions = sessions
        self._delivery = delivery

    def run(self) -> None:  # on the worker thread: no widgets, no Qt objects but the emit
        try:
            with self._sessions() as session:
                result = self._fn(session)
        except Exception as exc:
            self._delivery.sig_outcome.emit(self._op, False, exc)
        else:
            self._delivery.sig_outcome.emit(self._op, True, result)


class OpsRunner(QObject):
    """Runs ``fn(session)`` functions on one background thread; see the module docstring.

    Call :meth:`shutdown` before the sessionmaker's engine is disposed.
    """

    sig_busy_changed = Signal(bool)
    """Work started (True) or the queue ran empty (False). Arguments: busy."""

    def __init__(self, sessions: sessionmaker[Session], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._pool = QThreadPool(self)
        self._pool.setObjectName("cc-db-ops")
        self._pool.setMaxThreadCount(1)
        self._delivery = _Delivery(self)
        self._delivery.sig_outcome.connect(self._on_delivery_sig_outcome)
        # An op is referenced here until its outcome has been delivered, so Python cannot
        # collect it while the worker still holds it.
        self._pending: dict[
            DbOp,
            tuple[
                Callable[[Any], None] | None, Callable[[BaseException], None] | None, QObject | None
            ],
        ] = {}
        self._closed = False

    @property
    def pending(self) -> int:
        """Ops submitted and not yet delivered."""
        return len(self._pending)

    @property
    def is_closed(self) -> bool:
        return self._closed

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The session factory the ops use (for workers that need a thread of their own)."""
        return self._sessions

    def submit(
        self,
        fn: Callable[[Session], T],
        *,
        success: Callable[[T], None] | None = None,
        failure: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
        name: str = "",
    ) -> DbOp:
        """Queue ``fn``; call ``success(result)`` or ``failure(exc)`` on this thread afterwards.

        When ``owner`` has been deleted by then, neither is called (the op's signals still are).
        Without ``failure`` the error is logged.
        """
        op = DbOp(name or getattr(fn, "__name__", "op"), self)
        if self._closed:
            log.warning("op %s submitted after shutdown; dropped", op.name)
            return op
        was_idle = not self._pending
        self._pending[op] = (success, failure, owner)
        self._pool.start(_Task(op, fn, self._sessions, self._delivery))
        if was_idle:
            self.sig_busy_changed.emit(True)
        return op

    @Slot(object, bool, object)
    def _on_delivery_sig_outcome(self, op: DbOp, ok: bool, value: Any) -> None:
        callbacks = self._pending.pop(op, None)
        if callbacks is None or self._closed:
            return
        success, failure, owner = callbacks
        owner_alive = owner is None or shiboken6.isValid(owner)
        op.done = True
        try:
            if ok:
                op.result = value
                if success is not None and owner_alive:
                    success(value)
                op.sig_succeeded.emit(value)
            else:
                op.error = value
                if failure is not None and owner_alive:
                    failure(value)
                elif failure is None:
                    log.error("database op %s failed", op.name, exc_info=value)
                op.sig_failed.emit(value)
        finally:
            op.sig_finished.emit()
            op.deleteLater()
            if not self._pending:
                self.sig_busy_changed.emit(False)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Drop queued ops, wait for the running one, deliver nothing more. True if it ended."""
        self._closed = True
        self._pool.clear()
        done = self._pool.waitForDone(timeout_ms)
        self._pending.clear()
        return done
