"""An idle workstation locks itself: after some minutes without a key or a click the window is
covered and asks for the operator's password again (checked by the database, counted towards
the lockout like a sign-in). A window showing the wall (a display for the room) never locks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from command_center.services import auth
from command_center.services.auth import UserInfo
from command_center.workers.ops import OpsRunner

IDLE_MINUTES_KEY = "security/idleLockMinutes"
DEFAULT_IDLE_MINUTES = 15
_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
})


def idle_minutes() -> int:
    """This workstation's setting (0: never lock)."""
    try:
        return max(0, int(QSettings().value(IDLE_MINUTES_KEY, DEFAULT_IDLE_MINUTES)))
    except (TypeError, ValueError):
        return DEFAULT_IDLE_MINUTES


class LockDialog(QDialog):
    """Covers the window until the operator's password is given again."""

    def __init__(self, runner: OpsRunner, user: UserInfo, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lockDialog")
        self.setModal(True)
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint)
        self._runner = runner
        self._user = user
        self._busy = False
        self.title = QLabel(self)
        self.title.setObjectName("loginHeading")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("loginPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setMaximumWidth(360)
        self.password_edit.returnPressed.connect(self.unlock)
        self.message = QLabel(self)
        self.message.setObjectName("loginMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unlock_button = QPushButton(self)
        self.unlock_button.setObjectName("primaryButton")
        self.unlock_button.clicked.connect(self.unlock)
        self.quit_button = QPushButton(self)
        self.quit_button.clicked.connect(self._quit)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.password_edit, 2)
        row.addWidget(self.unlock_button)
        row.addWidget(self.quit_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(3)
        self.setStyleSheet(
            "#lockDialog { background: #1f3550; } #lockDialog QLabel { color: white; }"
        )
        self._retranslate()

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Locked"))
        self.title.setText(
            self.tr("Locked — %1, enter your password to go on").replace(
                "%1", self._user.display_name
            )
        )
        self.unlock_button.setText(self.tr("Unlock"))
        self.quit_button.setText(self.tr("Quit"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def cover(self, window: QWidget) -> None:
        self.setGeometry(window.geometry())
        self.password_edit.clear()
        self.message.clear()
        self.show()
        self.raise_()
        self.password_edit.setFocus()

    def keyPressEvent(self, event: object) -> None:
        # Escape does not unlock
        if getattr(event, "key", lambda: None)() == Qt.Key.Key_Escape:
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]

    @Slot()
    def unlock(self) -> None:
        password = self.password_edit.text()
        if self._busy or not password:
            return
        self._busy = True
        self.unlock_button.setEnabled(False)
        username = self._user.username
        self._runner.submit(
            lambda s: auth.check_own_password(s, username, password),
            success=lambda _: self._on_unlocked(),
            failure=self._on_failed,
            owner=self,
            name="auth.unlock",
        )

    def _on_unlocked(self) -> None:
        self._busy = False
        self.unlock_button.setEnabled(True)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.unlock_button.setEnabled(True)
        self.message.setText(str(exc) if isinstance(exc, auth.AuthError) else
                             self.tr("Cannot reach the database. Try again in a moment."))
        self.password_edit.selectAll()
        self.password_edit.setFocus()

    def _quit(self) -> None:
        parent = self.parentWidget()
        self.reject()
        if parent is not None:
            parent.close()


class IdleLock(QObject):
    """Watches the window's input; after ``timeout_ms`` without any, locks ``window``
    (unless ``exempt()`` says it is showing the wall)."""

    def __init__(
        self,
        window: QWidget,
        runner: OpsRunner,
        user: UserInfo,
        timeout_ms: int,
        exempt: Callable[[], bool] = lambda: False,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._exempt = exempt
        self.dialog = LockDialog(runner, user, window)
        self.dialog.finished.connect(self._restart)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self._on_idle)
        self._handle: QObject | None = None
        if timeout_ms > 0:
            # The window's own QWindow sees every key and click of the window before any widget
            # does; it exists once the window is shown. (An event filter on the whole
            # application receives QtWebEngine's internal events too, and PySide6 crashes on
            # some of them.)
            window.installEventFilter(self)
            self._timer.start()

    @property
    def locked(self) -> bool:
        return self.dialog.isVisible()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and not self.locked:
            self._timer.start()
        return False

    @Slot()
    def _restart(self) -> None:
        self._timer.start()

    @Slot()
    def _on_idle(self) -> None:
        if self.locked:
            return
        if self._exempt() or not self._window.isVisible():
            self._timer.start()
            return
        self.dialog.cover(self._window)

    def stop(self) -> None:
        self._timer.stop()
        self._window.removeEventFilter(self)
        if self._handle is not None:
            self._handle.removeEventFilter(self)
            self._handle = None
