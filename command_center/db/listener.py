"""LISTEN/NOTIFY on a thread of its own: committed changes in, callbacks out. No Qt here.

The Qt side (workers/live.py) turns the callbacks into signals. When the connection drops the
listener reports it, reconnects with back-off, LISTENs again and only then reports
``reconnected``, so a catch-up query run on that report cannot miss a change.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import psycopg

from command_center.db.engine import libpq_url

log = logging.getLogger(__name__)

CHANNEL = "cc_changes"
# What a bulk write (the demo seed, a big import) sends once instead of a notice per row:
# listeners read everything anew.
RELOAD_NOTICE = '{"t": "*", "op": "reload"}'


class ConnectionState(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"


class ChangeListener:
    """Calls ``on_change(payload)`` for every notification on :data:`CHANNEL`.

    ``on_state(state)`` reports :class:`ConnectionState` changes; ``on_reconnected()`` is called
    after a reconnection, once LISTEN is active again. All callbacks run on the listener thread.
    """

    def __init__(
        self,
        url: str,
        on_change: Callable[[dict[str, Any]], None],
        *,
        on_state: Callable[[ConnectionState], None] | None = None,
        on_reconnected: Callable[[], None] | None = None,
        heartbeat_s: float = 2.0,
        max_backoff_s: float = 3.0,
    ) -> None:
        self._url = libpq_url(url)
        self._on_change = on_change
        self._on_state = on_state or (lambda s: None)
        self._on_reconnected = on_reconnected or (lambda: None)
        self._heartbeat_s = heartbeat_s
        self._max_backoff_s = max_backoff_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.backend_pid: int | None = None
        self.state = ConnectionState.CONNECTING

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="cc-listener", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _set_state(self, state: ConnectionState) -> None:
        if state != self.state:
            self.state = state
            self._on_state(state)

    def _run(self) -> None:
        backoff = 0.2
        ever_connected = False
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._url,
                    autocommit=True,
                    connect_timeout=3,
                    application_name="command-center-listener",
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.backend_pid = conn.info.backend_pid
                    self._set_state(ConnectionState.CONNECTED)
                    if ever_connected:
                        self._on_reconnected()
                    ever_connected = True
                    backoff = 0.2
                    self._listen(conn)
            except psycopg.Error as exc:
                if self._stop.is_set():
                    break
                log.warning("change listener lost its connection: %s", exc)
                self._set_state(ConnectionState.DISCONNECTED)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self._max_backoff_s)

    def _listen(self, conn: psycopg.Connection[Any]) -> None:
        last_beat = time.monotonic()
        while not self._stop.is_set():
            for note in conn.notifies(timeout=0.5):
                try:
                    payload = json.loads(note.payload)
                except ValueError:
                    payload = {"raw": note.payload}
                try:
                    self._on_change(payload)
                except Exception:  # a faulty receiver must not kill the listener
                    log.exception("change callback failed")
            now = time.monotonic()
            if now - last_beat >= self._heartbeat_s:
                # a silent network drop shows up only when we send something
                conn.execute("SELECT 1")
                last_beat = now
