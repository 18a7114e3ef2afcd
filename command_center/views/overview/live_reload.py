"""How a figures view keeps up with the database: it reads again a moment after relevant live
changes stop arriving (a burst gives one read), when the listener connects or reconnects (what
changed meanwhile), every so often anyway, and — asked while a read is under way — once more
afterwards. The overview and the wall's situation board use it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, Slot

from command_center.db.changes import Changes
from command_center.workers.live import CONNECTED


class LiveReload(QObject):
    """Calls ``load()`` (which starts a background read and calls :meth:`done` when it ends)
    as the module docstring says."""

    def __init__(
        self,
        parent: QObject,
        live: object | None,
        tables: Iterable[str],
        load: Callable[[], None],
        *,
        debounce_ms: int,
        periodic_ms: int,
    ) -> None:
        super().__init__(parent)
        self._tables = tuple(tables)
        self._load = load
        self._loading = False
        self._again = False
        self._ever_connected = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.refresh)
        self._periodic = QTimer(self)
        self._periodic.setInterval(periodic_ms)
        self._periodic.timeout.connect(self.refresh)
        if live is not None:
            live.sig_changes.connect(self._on_changes)  # type: ignore[attr-defined]
            live.sig_reconnected.connect(self.refresh)  # type: ignore[attr-defined]
            live.sig_connection_changed.connect(self._on_connection)  # type: ignore[attr-defined]
        self._periodic.start()

    @Slot()
    def refresh(self) -> None:
        """Read now (or once more after the read under way)."""
        self._debounce.stop()
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._load()

    def done(self) -> None:
        """The read ended (well or not)."""
        self._loading = False
        if self._again:
            self._again = False
            self._debounce.start()

    def stop(self) -> None:
        self._debounce.stop()
        self._periodic.stop()

    @Slot(object)
    def _on_changes(self, changes: Changes) -> None:
        if changes.touched(*self._tables):
            self._debounce.start()  # restarts: a stream of changes gives one read

    @Slot(str)
    def _on_connection(self, state: str) -> None:
        if state == CONNECTED and not self._ever_connected:
            # what changed between the first read and LISTEN becoming active
            self._ever_connected = True
            self._debounce.start()
