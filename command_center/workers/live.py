"""Committed database changes as Qt signals: the GUI side of :mod:`command_center.db.listener`.

The listener calls back on its own thread. Those callbacks do nothing but emit signals; Qt
queues them to the receivers' thread (the GUI), so no widget is ever touched from the listener.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from command_center.db.listener import ChangeListener, ConnectionState

log = logging.getLogger(__name__)

CONNECTED = ConnectionState.CONNECTED.value
DISCONNECTED = ConnectionState.DISCONNECTED.value
CONNECTING = ConnectionState.CONNECTING.value


class LiveChannel(QObject):
    """Listens on the change channel while started; see the module docstring."""

    sig_change_received = Signal(dict)
    """A change was committed. Arguments: the payload ``{"t", "op", "id", "v"}``."""

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
        """Stop listening and join the listener thread."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()

    # --- called on the listener thread: emit only ---

    def _emit_change(self, payload: dict[str, Any]) -> None:
        self.sig_change_received.emit(payload)

    def _set_state_from_listener(self, state: ConnectionState) -> None:
        self.sig_connection_changed.emit(state.value)

    # --- GUI thread ---

    @Slot(str)
    def _on_self_sig_connection_changed(self, state: str) -> None:
        self._state = state
