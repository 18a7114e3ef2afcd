"""What a long piece of work is told and tells back, in the manner of Orange's ``TaskState``.

A service that may run for a while takes a :class:`Job` and, between steps, calls
``job.report(done, total, text)`` and looks at ``job.cancelled`` (or calls ``job.check()``,
which raises :class:`Cancelled`). The job knows nothing of threads or Qt: the OpsRunner
(workers/ops.py) hands one in and turns the reports into a signal; a test or the CLI can pass a
plain ``Job()`` and cancel it by hand.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

ProgressCallback = Callable[[int, int, str], None]


class Cancelled(Exception):
    """The job was cancelled; raised by :meth:`Job.check`."""


class Job:
    """Progress out, cancellation in. Safe to use from any thread."""

    def __init__(self, on_progress: ProgressCallback | None = None) -> None:
        self._cancelled = threading.Event()
        self._on_progress = on_progress

    @property
    def cancelled(self) -> bool:
        """Whoever asked for the work no longer wants its result: stop at the next good place."""
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the job was cancelled."""
        if self._cancelled.is_set():
            raise Cancelled

    def report(self, done: int, total: int, text: str = "") -> None:
        """``done`` of ``total`` steps are done (``total`` 0: unknown); ``text`` says which."""
        if self._on_progress is not None:
            self._on_progress(done, total, text)
