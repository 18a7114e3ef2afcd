"""Committed database changes as Qt signals: the GUI side of :mod:`command_center.db.listener`.

The listener calls back on its own thread. Those callbacks parse the payload once into a typed
:class:`~command_center.db.changes.Change` and emit it; Qt queues it to the GUI thread, where one
:class:`ChangeBatcher` gathers a burst into one :class:`~command_center.db.changes.Changes`.
Every view subscribes to :attr:`LiveChannel.sig_changes`; none parses a notification or keeps a
timer of its own to gather them (Anki's ``operation_did_execute(changes, handler)``).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from command_center.db.changes import Change, Changes, parse_change
from command_center.db.listener import ChangeListener, ConnectionState

log = logging.getLogger(__name__)

CONNECTED = ConnectionState.CONNECTED.value
DISCONNECTED = ConnectionState.DISCONNECTED.value
CONNECTING = ConnectionState.CONNECTING.value

BATCH_MS = 100  # long enough to gather a burst, short enough to look instant


class ChangeBatcher(QObject):
    """Gathers changes for :data:`BATCH_MS` after the first one and delivers them as one batch.

    One timer, started by the first change of a batch and not restarted by the next ones, so a
    steady stream still comes out every ``BATCH_MS``.
    """

    sig_changes = Signal(object)
    """A batch of committed changes. Arguments: :class:`~command_center.db.changes.Changes`."""

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = BATCH_MS) -> None:
        super().__init__(parent)
        self._batch: list[Change] = []
        self._open = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)

    @property
    def waiting(self) -> int:
        """Changes gathered and not yet delivered."""
        return len(self._batch)

    @Slot(object)
    def add(self, change: Change) -> None:
        if not self._open:
            return
        self._batch.append(change)
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def flush(self) -> None:
        """Deliver what has been gathered now."""
        self._timer.stop()
        batch, self._batch = self._batch, []
        if batch and self._open:
            self.sig_changes.emit(Changes.of(batch))

    def open(self) -> None:
        self._open = True

    def close(self) -> None:
        """Drop what is gathered and take nothing more until :meth:`open`."""
        self._open = False
        self._timer.stop()
        self._batch = []


class LiveChannel(QObject):
    """Listens on the change channel while started; see the module docstring."""

    sig_changes = Signal(object)
    """Committed changes, a burst at a time. Arguments:
    :class:`~command_center.db.changes.Changes`."""

    _sig_change = Signal(object)  # listener thread → GUI thread, one Change

    sig_connection_changed = Signal(str)
    """The listener's connection changed. Arguments: "connected", "disconnected" or
    "connecting"."""

    sig_reconnected = Signal()
    """The connection is back and LISTEN is active again: time to catch up on what was missed."""

    def __init__(
        self,
        url: str,
        parent: QObject | None = None,
        *,
        heartbeat_s: float = 2.0,
        max_backoff_s: float = 3.0,
    ) -> None:
        super().__init__(parent)
        self._url = url
        self._heartbeat_s = heartbeat_s
        self._max_backoff_s = max_backoff_s
        self._listener: ChangeListener | None = None
        self._state = CONNECTING
        self.batcher = ChangeBatcher(self)
        self.batcher.sig_changes.connect(self.sig_changes)
        self._sig_change.connect(self.batcher.add)
        self.sig_connection_changed.connect(self._on_self_sig_connection_changed)

    @property
    def state(self) -> str:
        """The last connection state delivered to the GUI thread."""
        return self._state

    @property
    def is_running(self) -> bool:
        return self._listener is not None

    @property
    def backend_pid(self) -> int | None:
        """The server process of the listening connection (for diagnostics and tests)."""
        return self._listener.backend_pid if self._listener is not None else None

    def start(self) -> None:
        if self._listener is not None:
            return
        self.batcher.open()
        self._set_state_from_listener(ConnectionState.CONNECTING)
        self._listener = ChangeListener(
            self._url,
            self._emit_change,
            on_state=self._set_state_from_listener,
            on_reconnected=self.sig_reconnected.emit,
            heartbeat_s=self._heartbeat_s,
            max_backoff_s=self._max_backoff_s,
        )
        self._listener.start()

    def stop(self) -> None:
        """Stop listening, join the listener thread, drop changes not yet delivered."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()
        self.batcher.close()

    # --- called on the listener thread: emit only ---

    def _emit_change(self, payload: dict[str, Any]) -> None:
        change = parse_change(payload)
        if change is None:
            log.warning("not a change notice: %r", payload)
            return
        self._sig_change.emit(change)

    def _set_state_from_listener(self, state: ConnectionState) -> None:
        self.sig_connection_changed.emit(state.value)

    # --- GUI thread ---

    @Slot(str)
    def _on_self_sig_connection_changed(self, state: str) -> None:
        self._state = state
