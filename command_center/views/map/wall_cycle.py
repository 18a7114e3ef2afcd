"""Wall-mode cycling through the saved views ("map.wall_views"), one every few seconds.

The cycle holds the views, where it is among them, the operator's own filter to give back
afterwards and the timer; the map view shows each view and restores its state when asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot


class WallCycle(QObject):
    """Cycles through saved views while on the wall (two or more views; one just stays)."""

    def __init__(
        self,
        apply_view: Callable[[dict[str, Any]], None],
        save_state: Callable[[], Any],
        restore_state: Callable[[Any], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._apply_view = apply_view
        self._save_state = save_state
        self._restore_state = restore_state
        self.views: list[dict[str, Any]] = []
        self._index = -1
        self._saved_state: Any = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self, views: Any, seconds: Any) -> None:
        """Show each of ``views`` (the stored setting) for ``seconds`` in turn, starting now;
        the operator's filter is kept for :meth:`stop`. Fewer than two views: nothing moves."""
        self.views = [v for v in (views or []) if isinstance(v, dict)]
        if len(self.views) < 2:
            return
        self._saved_state = self._save_state()
        self._index = -1
        self._timer.setInterval(max(int(seconds or 60), 1) * 1000)
        self._timer.start()
        self._on_timer_timeout()

    def stop(self) -> None:
        """Stop cycling and give the operator's own filter back."""
        self._timer.stop()
        if self._saved_state is not None:
            state, self._saved_state = self._saved_state, None
            self._restore_state(state)

    def shutdown(self) -> None:
        """Stop the timer only (the window is closing)."""
        self._timer.stop()

    @property
    def is_active(self) -> bool:
        return self._timer.isActive()

    @Slot()
    def _on_timer_timeout(self) -> None:
        if not self.views:
            return
        self._index = (self._index + 1) % len(self.views)
        self._apply_view(self.views[self._index])
