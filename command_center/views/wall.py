"""Wall mode (墙面模式): the chosen working areas full-screen, one per screen, with a clock;
more areas than screens take turns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QDateTime,
    QEvent,
    QLocale,
    QSettings,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QScreen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from command_center import clock
from command_center.views.areas import view_title

if TYPE_CHECKING:
    from collections.abc import Sequence

WALL_ROTATE_MS = 30_000
WALL_FONT_SCALE_KEY = "wall/font_scale"
"""QSettings: the wall's type size, 1.0 for a 1920×1080 screen read from about five metres;
larger for a bigger room (0.75 … 3)."""
WALL_FONT_SCALE_RANGE = (0.75, 3.0)

# The wall's type at scale 1 (points), by the selector it applies to: the dark colours are in
# resources/qss/command_center.qss (#wallWindow); the sizes are made here from the scale.
WALL_TYPE_PT: tuple[tuple[str, float], ...] = (
    ("QWidget#wallWindow", 16),
    ("QLabel#wallTitle", 26),
    ("QLabel#wallClock", 30),
    ("QLabel#wallHint", 13),
    ("QWidget#wallWindow QTableView, QWidget#wallWindow QTreeView, "
     "QWidget#wallWindow QHeaderView", 17),
    ("QWidget#wallWindow QLabel#kpiTitle", 16),
    ("QWidget#wallWindow QLabel#kpiValue", 38),
    ("QWidget#wallWindow QLabel#kpiHint", 13),
    ("QWidget#wallWindow #mapKpiStrip QLabel", 15),
    ("QLabel#boardTileTitle", 18),
    ("QLabel#boardTileValue", 48),
    ("QLabel#boardSectionTitle", 20),
    ("QLabel#boardRow", 17),
    ("QWidget#boardBars", 17),
    ("QWidget#boardFlow", 14),
    ("QLabel#boardEmpty", 16),
    ("QLabel#boardUpdated", 13),
)


def wall_font_scale() -> float:
    """The configured type scale of the wall (QSettings ``wall/font_scale``)."""
    try:
        value = float(QSettings().value(WALL_FONT_SCALE_KEY, 1.0))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = 1.0
    low, high = WALL_FONT_SCALE_RANGE
    return min(max(value, low), high)


def wall_pt(base: float, scale: float | None = None) -> float:
    """A type size of the wall at ``scale`` (the configured one when None)."""
    return round(base * (wall_font_scale() if scale is None else scale), 1)


def wall_type_sheet(scale: float | None = None) -> str:
    """The style sheet with the wall's type sizes at ``scale``."""
    scale = wall_font_scale() if scale is None else scale
    return "\n".join(
        f"{selector} {{ font-size: {wall_pt(pt, scale)}pt; }}" for selector, pt in WALL_TYPE_PT
    )


def clock_time() -> QDateTime:
    """The program's clock in the workstation's time zone (as every other time on screen), for
    the wall and the status bar."""
    return QDateTime(clock.now().astimezone().replace(tzinfo=None))


def wall_assignment(keys: Sequence[str], screen_count: int) -> list[list[str]]:
    """Views per screen: one each, in order, cycling over the screens when there are more
    views than screens (such a screen then rotates through its views)."""
    per_screen: list[list[str]] = [[] for _ in range(max(screen_count, 1))]
    for i, key in enumerate(keys):
        per_screen[i % len(per_screen)].append(key)
    return [keys_ for keys_ in per_screen if keys_]


# --- wall mode ----------------------------------------------------------------------------


class WallModeDialog(QDialog):
    """Choose the views to put on the wall."""

    def __init__(
        self, keys: Sequence[str], chosen: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("wallModeDialog")
        self.setWindowTitle(self.tr("Wall mode"))
        screens = len(QGuiApplication.screens())
        intro = QLabel(
            self.tr(
                "Each chosen view fills one screen. Screens found: %1. With more views than "
                "screens, a screen shows its views in turn. Esc leaves wall mode."
            ).replace("%1", str(screens)),
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        for key in keys:
            item = QListWidgetItem(view_title(key))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Start wall mode"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(460, 320)

    def chosen(self) -> list[str]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out


class WallWindow(QWidget):
    """One screen of the wall: a title line and the view (or views, in turn) full-screen."""

    sig_leave_requested = Signal()
    """The operator pressed Esc (or F11) on this screen."""

    def __init__(
        self, screen: QScreen, pages: list[tuple[str, QWidget]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("wallWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.setStyleSheet(wall_type_sheet())  # the colours: command_center.qss, #wallWindow
        self.target_screen = screen
        self._keys = [key for key, _ in pages]
        self.title = QLabel(self)
        self.title.setObjectName("wallTitle")
        self.clock = QLabel(self)
        self.clock.setObjectName("wallClock")
        self.hint = QLabel(self)
        self.hint.setObjectName("wallHint")
        self.stack = QStackedWidget(self)
        for _, widget in pages:
            self.stack.addWidget(widget)
            widget.show()
        header = QHBoxLayout()
        header.setContentsMargins(16, 8, 16, 8)
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.hint)
        header.addSpacing(24)
        header.addWidget(self.clock)
        bar = QWidget(self)
        bar.setObjectName("wallHeader")
        bar.setLayout(header)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(self.stack, 1)

        for key in (QKeySequence(Qt.Key.Key_Escape), QKeySequence(Qt.Key.Key_F11)):
            shortcut = QShortcut(key, self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.sig_leave_requested)
        self._rotate = QTimer(self)
        self._rotate.setInterval(WALL_ROTATE_MS)
        self._rotate.timeout.connect(self._on_rotate_timeout)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_clock)
        self.stack.currentChanged.connect(self._retranslate)
        self._retranslate()
        self._update_clock()

    @property
    def keys(self) -> list[str]:
        return list(self._keys)

    def place(self) -> None:
        """Show full-screen on the target screen."""
        self.setScreen(self.target_screen)
        self.setGeometry(self.target_screen.geometry())
        self.showFullScreen()
        self.activateWindow()
        if len(self._keys) > 1:
            self._rotate.start()
        self._tick.start()

    def take_pages(self) -> list[tuple[str, QWidget]]:
        """Give the views back (they leave this window); the window is empty afterwards."""
        self.stop()
        pages = []
        for key in self._keys:
            widget = self.stack.widget(0)
            self.stack.removeWidget(widget)
            pages.append((key, widget))
        self._keys = []
        return pages

    def stop(self) -> None:
        self._rotate.stop()
        self._tick.stop()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # the shortcuts above need this window to be the active one; a key that reaches it
        # unused (from a view inside) must leave all the same
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F11):
            self.sig_leave_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    @Slot()
    def _retranslate(self) -> None:
        i = self.stack.currentIndex()
        if 0 <= i < len(self._keys):
            title = view_title(self._keys[i])
            if len(self._keys) > 1:
                title += f"  ({i + 1}/{len(self._keys)})"
            self.title.setText(title)
        self.hint.setText(self.tr("Esc: leave wall mode"))

    @Slot()
    def _on_rotate_timeout(self) -> None:
        self.stack.setCurrentIndex((self.stack.currentIndex() + 1) % max(self.stack.count(), 1))

    @Slot()
    def _update_clock(self) -> None:
        self.clock.setText(QLocale().toString(clock_time(), "HH:mm:ss"))


# --- the main window ----------------------------------------------------------------------
