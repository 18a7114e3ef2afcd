"""What needs action finds the person (待办提醒): a badge on the menu bar with the notices not yet
looked at, a toast in the window's corner for each new one, the system tray's icon with the
count and the newest notice as a tray message (where the desktop has a tray), and, if the
operator turned it on (the badge's menu, off by default), a sound. Which changes are news
for whom is decided in :mod:`command_center.services.attention` (Qt-free); this module only
watches the live channel and shows the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QMouseEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QMenu,
    QSystemTrayIcon,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from command_center import clock
from command_center.db.changes import Changes
from command_center.services import attention as svc
from command_center.services.auth import UserInfo
from command_center.views import words
from command_center.workers.ops import OpsRunner

SOUND_KEY = "attention/sound"
TOAST_MS = 8_000
RECHECK_MS = 60_000  # how often unacknowledged supervision is looked for
KEEP = 50  # notices kept in the badge's list


def sound_enabled() -> bool:
    return bool(QSettings().value(SOUND_KEY, False, type=bool))


def set_sound_enabled(on: bool) -> None:
    QSettings().setValue(SOUND_KEY, on)


def kind_text(kind: str) -> str:
    return words.word_of(svc.KINDS, kind)


def notice_text(n: svc.Notice) -> str:
    """One line: what, which, and the department's reason where there is one."""
    parts = [f"{kind_text(n.kind)}  {n.number.split('#')[0]}  {n.title}"]
    if n.kind == "dispute_alert" and n.reason:
        parts.append(n.reason)
    elif n.kind == "worker_reminder":
        parts.append(n.department or "")
    elif n.department and n.kind in (
        "returned",
        "objected",
        "supervision",
        "proposal",
        "unacknowledged",
    ):
        parts.append(
            f"{n.department}：{n.reason or ''}"
            if words.language() == "zh"
            else f"{words.pick(n.department_words)}: {words.pick(n.reason_words)}"
        )
    return "\n".join(parts)


class AttentionWatcher(QObject):
    """Reads, for each burst of live changes, the notices it holds for this user."""

    sig_notices = Signal(list)
    """New notices (list of services.attention.Notice), oldest first."""

    sig_unread_changed = Signal(int)

    def __init__(
        self, runner: OpsRunner, live: Any, user: UserInfo, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._role = user.role_code
        self._seen = svc.Seen()
        self.notices: list[svc.Notice] = []  # newest first
        self.unread = 0
        if live is not None:
            live.sig_changes.connect(self.on_changes)
        # supervision a department has not acknowledged comes back (services/attention)
        self._recheck = QTimer(self)
        self._recheck.setInterval(RECHECK_MS)
        self._recheck.timeout.connect(self.recheck)
        if "unacknowledged" in svc.kinds_for(self._role):
            self._recheck.start()
        if "worker_reminder" in svc.kinds_for(self._role):
            # the reminders to inactive grid workers still waiting for this supervisor
            self._runner.submit(
                lambda s: svc.reminder_notices(s),
                success=self._on_read,
                owner=self,
                name="attention.reminders",
            )

    def stop(self) -> None:
        """The window closes: no more rechecks."""
        self._recheck.stop()

    @Slot()
    def recheck(self) -> None:
        role = self._role
        self._runner.submit(
            lambda s: svc.unacknowledged(s, role_code=role, now=clock.now()),
            success=self._on_read,
            owner=self,
            name="attention.unacknowledged",
        )

    @Slot(object)
    def on_changes(self, changes: Changes) -> None:
        if changes.reload:
            return  # a bulk write or a reconnection: no one's news
        new_incidents = changes.inserted_into("incidents")
        changed_orders = changes.ids_of("work_orders")
        new_orders = changes.inserted_into("work_orders")
        new_supervision = changes.inserted_into("supervision_orders")
        new_alerts = changes.inserted_into("dispute_alerts")
        new_reminders = changes.inserted_into("worker_reminders")
        if not (new_incidents or changed_orders or new_supervision or new_alerts or new_reminders):
            return
        role = self._role
        self._runner.submit(
            lambda s: svc.notices(
                s,
                new_incident_ids=new_incidents,
                changed_order_ids=changed_orders,
                new_order_ids=new_orders,
                new_supervision_ids=new_supervision,
                new_dispute_alert_ids=new_alerts,
                new_reminder_ids=new_reminders,
                role_code=role,
            ),
            success=self._on_read,
            owner=self,
            name="attention.notices",
        )

    def _on_read(self, found: Sequence[svc.Notice]) -> None:
        fresh = self._seen.fresh(found)
        if not fresh:
            return
        self.notices = (list(reversed(fresh)) + self.notices)[:KEEP]
        self.unread += len(fresh)
        self.sig_notices.emit(fresh)
        self.sig_unread_changed.emit(self.unread)

    def mark_read(self) -> None:
        if self.unread:
            self.unread = 0
            self.sig_unread_changed.emit(0)


class AttentionButton(QToolButton):
    """The badge: the number of notices not yet looked at; its menu lists the latest ones, and
    choosing one opens that incident."""

    sig_open = Signal(int)
    """Open this incident (its id)."""

    sig_open_case = Signal(int)
    """Open this dispute case (its id)."""

    sig_open_reminder = Signal(int)
    """Open this reminder to an inactive grid worker (its id), to acknowledge it."""

    def __init__(self, watcher: AttentionWatcher, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attentionButton")
        self.watcher = watcher
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.menu_ = QMenu(self)
        self.menu_.setObjectName("attentionMenu")
        self.menu_.aboutToShow.connect(self._fill)
        self.setMenu(self.menu_)
        watcher.sig_unread_changed.connect(self._update)
        self._update(0)

    @Slot(int)
    def _update(self, unread: int) -> None:
        label = QCoreApplication.translate("Attention", "To do")
        self.setText(f"{label} {unread}" if unread else label)
        self.setProperty("unread", unread > 0)
        self.setStyleSheet(
            "QToolButton#attentionButton { background:#c62828; color:white; font-weight:bold;"
            " border-radius:3px; padding:1px 8px; }"
            if unread
            else "QToolButton#attentionButton { padding:1px 8px; }"
        )
        self.setToolTip(
            QCoreApplication.translate("Attention", "Not yet looked at: %1").replace(
                "%1", str(unread)
            )
            if unread
            else QCoreApplication.translate(
                "Attention", "Returned and objected orders, urgent calls, calls without a location"
            )
        )

    @Slot()
    def _fill(self) -> None:
        self.menu_.clear()
        if not self.watcher.notices:
            a = self.menu_.addAction(QCoreApplication.translate("Attention", "Nothing new"))
            a.setEnabled(False)
        for n in self.watcher.notices[:20]:
            action = QAction(notice_text(n).replace("\n", " — "), self.menu_)
            if n.reminder_id is not None:
                action.triggered.connect(
                    lambda _=False, r=n.reminder_id: self.sig_open_reminder.emit(r)
                )
            elif n.case_id is not None:
                action.triggered.connect(lambda _=False, c=n.case_id: self.sig_open_case.emit(c))
            else:
                action.triggered.connect(lambda _=False, i=n.incident_id: self.sig_open.emit(i))
            self.menu_.addAction(action)
        self.menu_.addSeparator()
        sound = self.menu_.addAction(QCoreApplication.translate("Attention", "Play a sound"))
        sound.setObjectName("attentionSound")
        sound.setCheckable(True)
        sound.setChecked(sound_enabled())
        sound.toggled.connect(set_sound_enabled)
        self.watcher.mark_read()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._update(self.watcher.unread)
        super().changeEvent(event)


class Toast(QFrame):
    """A notice in the bottom-right corner of its window for a few seconds; a click opens it."""

    sig_open = Signal(int)
    sig_open_case = Signal(int)
    sig_open_reminder = Signal(int)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("attentionToast")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "QFrame#attentionToast { background:#22313f; border-radius:6px; }"
            " QLabel { color:white; }"
        )
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.heading = QLabel(self)
        self.heading.setObjectName("toastHeading")
        self.heading.setStyleSheet("font-weight:bold; font-size:12pt; color:#ffcdd2;")
        self.body = QLabel(self)
        self.body.setObjectName("toastBody")
        self.body.setTextFormat(Qt.TextFormat.PlainText)  # the callers' and departments' words
        self.body.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.addWidget(self.heading)
        layout.addWidget(self.body)
        self.setFixedWidth(360)
        self._incident_id: int | None = None
        self._case_id: int | None = None
        self._reminder_id: int | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TOAST_MS)
        self._timer.timeout.connect(self.hide)
        self.hide()
        parent.installEventFilter(self)

    def show_notices(self, notices: Sequence[svc.Notice]) -> None:
        if not notices:
            return
        latest = notices[-1]
        self._incident_id = latest.incident_id
        self._case_id = latest.case_id
        self._reminder_id = latest.reminder_id
        heading = kind_text(latest.kind)
        if len(notices) > 1:
            heading += "  " + QCoreApplication.translate("Attention", "(+%1 more)").replace(
                "%1", str(len(notices) - 1)
            )
        self.heading.setText(heading)
        body = notice_text(latest).split("\n", 1)
        self.body.setText(
            latest.number.split("#")[0]
            + "  "
            + latest.title
            + ("\n" + body[1] if len(body) > 1 else "")
        )
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()
        self._timer.start()
        if sound_enabled():
            QApplication.beep()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        margin = 16
        bottom = parent.height() - margin - 28  # above the status bar
        self.move(parent.width() - self.width() - margin, max(0, bottom - self.height()))

    def stop(self) -> None:
        self._timer.stop()
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._reminder_id is not None:
            self.sig_open_reminder.emit(self._reminder_id)
        elif self._case_id is not None:
            self.sig_open_case.emit(self._case_id)
        elif self._incident_id is not None:
            self.sig_open.emit(self._incident_id)
        self.hide()
        event.accept()


def tray_icon(count: int) -> QIcon:
    """The tray's icon: the number not yet looked at on red, or a grey dot when none."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#c62828") if count else QColor("#607d8b"))
    painter.drawEllipse(1, 1, 30, 30)
    if count:
        painter.setPen(QColor("white"))
        font = QFont()
        font.setBold(True)
        font.setPixelSize(18 if count < 10 else 14 if count < 100 else 11)
        painter.setFont(font)
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, str(min(count, 999)))
    painter.end()
    return QIcon(pixmap)


class AttentionTray(QObject):
    """The system tray's icon: the 待办 count in the icon and its tooltip, and each new notice
    as a tray message (clicking it opens the incident or case). Where the desktop has no tray
    (offscreen, some window managers) it does nothing."""

    sig_open = Signal(int)
    sig_open_case = Signal(int)
    sig_open_reminder = Signal(int)

    def __init__(
        self,
        watcher: AttentionWatcher,
        parent: QObject | None = None,
        *,
        available: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.watcher = watcher
        if available is None:
            available = QSystemTrayIcon.isSystemTrayAvailable()
        self.icon: QSystemTrayIcon | None = None
        self._latest: svc.Notice | None = None
        if not available:
            return
        self.icon = QSystemTrayIcon(tray_icon(0), self)
        self.icon.messageClicked.connect(self._open_latest)
        self.icon.activated.connect(lambda _reason: self._open_latest())
        watcher.sig_unread_changed.connect(self._update)
        watcher.sig_notices.connect(self.show_notices)
        self._update(0)
        self.icon.show()

    @Slot(int)
    def _update(self, unread: int) -> None:
        if self.icon is None:
            return
        label = QCoreApplication.translate("Attention", "To do")
        self.icon.setIcon(tray_icon(unread))
        self.icon.setToolTip(f"{label} {unread}" if unread else label)

    @Slot(list)
    def show_notices(self, notices: Sequence[svc.Notice]) -> None:
        if self.icon is None or not notices:
            return
        latest = self._latest = notices[-1]
        heading = kind_text(latest.kind)
        if len(notices) > 1:
            heading += "  " + QCoreApplication.translate("Attention", "(+%1 more)").replace(
                "%1", str(len(notices) - 1)
            )
        self.icon.showMessage(
            heading, notice_text(latest), QSystemTrayIcon.MessageIcon.Information, TOAST_MS
        )

    def _open_latest(self) -> None:
        n = self._latest
        if n is None:
            return
        if n.reminder_id is not None:
            self.sig_open_reminder.emit(n.reminder_id)
        elif n.case_id is not None:
            self.sig_open_case.emit(n.case_id)
        else:
            self.sig_open.emit(n.incident_id)

    def stop(self) -> None:
        if self.icon is not None:
            self.icon.hide()
