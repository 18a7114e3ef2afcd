"""Polling a remote Open311 GeoReport v2 endpoint from inside the program (off by default).

When the center setting ``open311.poll`` is enabled with a URL, the workstation fetches new
requests every ``interval_s`` seconds and imports them (``services/open311_poll.poll_once``: one
transaction, nothing partial). The fetch runs on a thread of its own, not on the database ops
thread, so a slow remote never holds up the operator's work. Several workstations may poll: the
import takes an advisory lock and skips what is already there. A change of the setting on any
workstation takes effect on every one (the live channel announces ``app_settings``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from sqlalchemy.orm import Session

from command_center.db.changes import Changes
from command_center.services import open311_poll, settings
from command_center.services.open311_poll import PollResult
from command_center.workers.live import LiveChannel
from command_center.workers.ops import OpsRunner

log = logging.getLogger(__name__)

FIRST_POLL_MS = 5_000  # give the window its start first
MIN_INTERVAL_S = 30
POLL_TIMEOUT_S = 20.0


class _Delivery(QObject):
    sig_done = Signal(object)


class _PollTask(QRunnable):
    def __init__(self, fn: Callable[[], PollResult], delivery: _Delivery) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._delivery = delivery

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # poll_once reports the remote's faults; this is a bug
            log.exception("Open311 poll failed")
            result = PollResult("", False, error=str(exc))
        self._delivery.sig_done.emit(result)


class Open311Poller(QObject):
    """See the module docstring. ``fetcher`` replaces HTTP in tests."""

    sig_polled = Signal(object)
    """A poll ended. Arguments: the PollResult."""

    sig_state_changed = Signal(bool)
    """Polling was switched on (True) or off (False) by the setting."""

    def __init__(
        self,
        runner: OpsRunner,
        sessions: Callable[[], Session],
        live: LiveChannel | None = None,
        *,
        fetcher: Callable[[str], bytes] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._sessions = sessions
        self._fetcher = fetcher
        self._config: dict[str, Any] | None = None
        self._watermark: dt.datetime | None = None
        self._busy = False
        self._closed = False
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._delivery = _Delivery(self)
        self._delivery.sig_done.connect(self._on_delivery_sig_done)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.poll_now)
        if live is not None:
            live.sig_changes.connect(self._on_live_sig_changes)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    @property
    def busy(self) -> bool:
        return self._busy

    def start(self) -> None:
        """Read the setting; polling begins only when it is enabled."""
        if self._closed:
            return
        self._runner.submit(
            lambda s: settings.get(s, "open311.poll"),
            success=self._apply,
            owner=self,
            name="open311.poll setting",
        )

    @Slot(object)
    def _apply(self, value: Any) -> None:
        if self._closed:
            return
        config = dict(value or {})
        enabled = bool(config.get("enabled")) and bool(str(config.get("url") or "").strip())
        was = self._timer.isActive()
        if config != self._config:
            self._watermark = None  # another remote or source: start from the database
        self._config = config
        if enabled:
            interval = max(MIN_INTERVAL_S, int(config.get("interval_s") or 300))
            self._timer.setInterval(interval * 1000)
            if not was:
                self._timer.start()
                QTimer.singleShot(FIRST_POLL_MS, self, self.poll_now)
        else:
            self._timer.stop()
        if was != enabled:
            self.sig_state_changed.emit(enabled)

    @Slot()
    def poll_now(self) -> None:
        """Poll once now (unless a poll is still running or polling is off)."""
        if self._closed or self._busy or not self._config or not self._config.get("enabled"):
            return
        self._busy = True
        config, since, fetcher = dict(self._config), self._watermark, self._fetcher
        sessions = self._sessions

        def work() -> PollResult:
            return open311_poll.poll_once(
                sessions, config, since=since, timeout=POLL_TIMEOUT_S, fetcher=fetcher
            )

        self._pool.start(_PollTask(work, self._delivery))

    @Slot(object)
    def _on_delivery_sig_done(self, result: PollResult) -> None:
        self._busy = False
        if self._closed:
            return
        if result.ok:
            self._watermark = result.watermark
        self.sig_polled.emit(result)

    @Slot(object)
    def _on_live_sig_changes(self, changes: Changes) -> None:
        if "app_settings" in changes.tables:
            self.start()

    def shutdown(self) -> None:
        """Stop polling; waits for a poll in flight (at most its timeout)."""
        self._closed = True
        self._timer.stop()
        self._pool.waitForDone(int(POLL_TIMEOUT_S * 1000) + 2000)
