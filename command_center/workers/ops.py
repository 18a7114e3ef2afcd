"""Database work off the GUI thread, in the manner of Anki's ``QueryOp``/``CollectionOp``.

A piece of work is a plain function ``fn(session) -> result`` (or ``fn(session, job)``, see
below): it knows nothing of Qt, so it can be tested without a QApplication. :class:`OpsRunner`
runs such functions on background threads, opens one session per op from a sessionmaker, and
delivers the result or the exception on the thread that submitted the op (the GUI thread)
through signals::

    runner.submit(lambda s: activity.recent(s, 500), success=model.merge, owner=self)

Two lanes, one worker each. ``lane=QUICK`` (the default) is for the reads and writes a person
waits for; ``lane=LONG`` for imports, exports and big fetches, so a long job never holds up a
quick read. Within a lane ops run in the order they were submitted, so a write and the read that
follows it on the same lane never race; the database sees at most two extra connections per
workstation.

``key="map.incidents"``: a newer op with the same key (and owner) replaces an older one. If the
older one has not started it never runs; if it has, its job is cancelled; either way its result
is never delivered. So ten quick clicks on a filter give one delivered fetch, the last.

``with_job=True``: the function is called as ``fn(session, job)`` with a Qt-free
:class:`~command_center.services.jobs.Job`; it reports ``job.report(done, total, text)``
(delivered as :attr:`DbOp.sig_progress` and to ``progress=``) and stops when ``job.cancelled``.

Nothing here calls ``processEvents()``; callers never wait, they are called back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from sqlalchemy.orm import Session, sessionmaker

from command_center.services.jobs import Cancelled, Job

log = logging.getLogger(__name__)

T = TypeVar("T")

QUICK = "quick"
LONG = "long"
LANES = (QUICK, LONG)


class DbOp(QObject):
    """One submitted op. Its signals arrive on the thread that submitted it."""

    sig_succeeded = Signal(object)
    """The function returned. Arguments: its result."""

    sig_failed = Signal(object)
    """The function raised. Arguments: the exception."""

    sig_progress = Signal(int, int, str)
    """The function reported progress. Arguments: done, total (0: unknown), text."""

    sig_finished = Signal()
    """Emitted after ``sig_succeeded`` or ``sig_failed``, whichever came, or alone when the op
    was cancelled or replaced (then ``cancelled`` is True and neither came)."""

    def __init__(
        self, name: str, parent: QObject | None = None, *, lane: str = QUICK, key: str = ""
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.lane = lane
        self.key = key
        self.job = Job()
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None

    @property
    def cancelled(self) -> bool:
        return self.job.cancelled

    def cancel(self) -> None:
        """Deliver nothing; tell the function to stop if it is running (it may not listen)."""
        self.job.cancel()


_Callbacks = tuple[
    Callable[[Any], None] | None,  # success
    Callable[[BaseException], None] | None,  # failure
    Callable[[int, int, str], None] | None,  # progress
    QObject | None,  # owner
]


class _Delivery(QObject):
    """Lives on the submitting thread; the worker emits into it, Qt queues the call across."""

    sig_outcome = Signal(object, bool, object)  # op, succeeded, result or exception
    sig_progress = Signal(object, int, int, str)  # op, done, total, text


class _Task(QRunnable):
    def __init__(
        self,
        op: DbOp,
        fn: Callable[..., Any],
        with_job: bool,
        sessions: sessionmaker[Session],
        delivery: _Delivery,
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._op = op
        self._job = op.job  # read on the worker thread: a plain Python object, not the QObject
        self._fn = fn
        self._with_job = with_job
        self._sessions = sessions
        self._delivery = delivery

    def run(self) -> None:  # on the worker thread: no widgets, no Qt objects but the emit
        if self._job.cancelled:  # replaced or cancelled before it started: skip it
            self._delivery.sig_outcome.emit(self._op, False, Cancelled())
            return
        try:
            with self._sessions() as session:
                result = self._fn(session, self._job) if self._with_job else self._fn(session)
        except Exception as exc:
            self._delivery.sig_outcome.emit(self._op, False, exc)
        else:
            self._delivery.sig_outcome.emit(self._op, True, result)


class OpsRunner(QObject):
    """Runs ``fn(session)`` functions on two background lanes; see the module docstring.

    Call :meth:`shutdown` before the sessionmaker's engine is disposed.
    """

    sig_busy_changed = Signal(bool)
    """Work started (True) or every lane ran empty (False). Arguments: busy."""

    def __init__(self, sessions: sessionmaker[Session], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._pools: dict[str, QThreadPool] = {}
        for lane in LANES:
            pool = QThreadPool(self)
            pool.setObjectName(f"cc-db-ops-{lane}")
            pool.setMaxThreadCount(1)
            self._pools[lane] = pool
        self._delivery = _Delivery(self)
        self._delivery.sig_outcome.connect(self._on_delivery_sig_outcome)
        self._delivery.sig_progress.connect(self._on_delivery_sig_progress)
        # An op is referenced here until its outcome has been delivered, so Python cannot
        # collect it while the worker still holds it.
        self._pending: dict[DbOp, _Callbacks] = {}
        self._keyed: dict[tuple[QObject | None, str], DbOp] = {}
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
        fn: Callable[..., T],
        *,
        success: Callable[[T], None] | None = None,
        failure: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
        name: str = "",
        lane: str = QUICK,
        key: str = "",
        with_job: bool = False,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> DbOp:
        """Queue ``fn`` on ``lane``; call ``success(result)`` or ``failure(exc)`` on this thread
        afterwards, ``progress(done, total, text)`` as the function reports it.

        When ``owner`` has been deleted by then, none is called (the op's signals still are).
        Without ``failure`` the error is logged. ``key``: replaces an older op with the same key
        and owner. ``with_job``: ``fn`` is called as ``fn(session, job)``.
        """
        if lane not in self._pools:
            raise ValueError(f"no lane {lane!r}; there are {LANES}")
        op = DbOp(name or getattr(fn, "__name__", "op"), self, lane=lane, key=key)
        if self._closed:
            log.warning("op %s submitted after shutdown; dropped", op.name)
            return op
        if key:
            older = self._keyed.get((owner, key))
            if older is not None:
                older.cancel()
            self._keyed[(owner, key)] = op
        delivery = self._delivery
        op.job = Job(lambda done, total, text: delivery.sig_progress.emit(op, done, total, text))
        was_idle = not self._pending
        self._pending[op] = (success, failure, progress, owner)
        self._pools[lane].start(_Task(op, fn, with_job, self._sessions, delivery))
        if was_idle:
            self.sig_busy_changed.emit(True)
        return op

    @Slot(object, int, int, str)
    def _on_delivery_sig_progress(self, op: DbOp, done: int, total: int, text: str) -> None:
        callbacks = self._pending.get(op)
        if callbacks is None or self._closed or op.cancelled:
            return
        progress, owner = callbacks[2], callbacks[3]
        if progress is not None and (owner is None or shiboken6.isValid(owner)):
            progress(done, total, text)
        op.sig_progress.emit(done, total, text)

    @Slot(object, bool, object)
    def _on_delivery_sig_outcome(self, op: DbOp, ok: bool, value: Any) -> None:
        callbacks = self._pending.pop(op, None)
        if callbacks is None or self._closed:
            return
        success, failure, _progress, owner = callbacks
        if op.key and self._keyed.get((owner, op.key)) is op:
            del self._keyed[(owner, op.key)]
        owner_alive = owner is None or shiboken6.isValid(owner)
        op.done = True
        try:
            if op.cancelled:
                log.debug("op %s cancelled; its outcome is dropped", op.name)
            elif ok:
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
        """Drop queued ops, cancel and wait for the running ones (every lane), deliver nothing
        more. True if they ended."""
        self._closed = True
        for op in self._pending:
            op.cancel()
        for pool in self._pools.values():
            pool.clear()
        done = all([pool.waitForDone(timeout_ms) for pool in self._pools.values()])
        self._pending.clear()
        self._keyed.clear()
        return done
