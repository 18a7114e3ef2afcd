"""The main window: navigation, the working areas as dock widgets, wall mode, the status bar.

Every working area lives in a :class:`QDockWidget`, so an operator can float it into a window of
its own and move it to another screen. The layout (the window, the docks, each floating dock)
is saved per workstation in QSettings and restored only onto screens that still exist.
Wall mode (墙面模式) shows chosen areas full-screen, one per screen.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QLocale,
    QPoint,
    QRect,
    QSettings,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QToolButton,
    QWidget,
)

from command_center.db.changes import Changes
from command_center.services.audit import Actor
from command_center.services.auth import UserInfo
from command_center.services.lifecycle import CENTER_ROLES
from command_center.services.permissions import may_manage_accounts, may_write_duty_log
from command_center.services.queue import QueueFilter
from command_center.services.status import describe_url
from command_center.views.activity.activity_view import ActivityView
from command_center.views.areas import (
    WALL_DEFAULT,
    WALL_ONLY_VIEWS,
    view_title,
    views_for,
    wall_views_for,
)
from command_center.views.attention import (
    AttentionButton,
    AttentionTray,
    AttentionWatcher,
    Toast,
)
from command_center.views.fit import ElidedLabel
from command_center.views.idle_lock import IdleLock, idle_minutes
from command_center.views.login_dialog import ChangePasswordDialog, role_label
from command_center.views.map.map_view import MapView
from command_center.views.wall import WallModeDialog, WallWindow, clock_time, wall_assignment
from command_center.workers.live import CONNECTED, CONNECTING, DISCONNECTED, LiveChannel
from command_center.workers.open311_poll import Open311Poller
from command_center.workers.ops import OpsRunner

if TYPE_CHECKING:
    from collections.abc import Sequence

    from command_center.views.intake.intake_form import IntakeFormView
    from command_center.views.overview.overview_view import OverviewView
    from command_center.views.queue.inbox_view import DepartmentInboxView
    from command_center.views.queue.queue_view import IncidentQueueView, WorkOrderQueueView

log = logging.getLogger(__name__)

STATE_VERSION = 2  # 2: the queues, the intake form and the inbox joined the areas
SETTINGS_GROUP = "mainWindow"
WALL_VIEWS_KEY = "wall/views"
LANGUAGE_KEY = "ui/language"
DEFERRED_VIEWS_MS = 150

LANGUAGES: tuple[tuple[str, str], ...] = (("zh_CN", "中文"), ("en", "English"))


class LanguageSwitcher(Protocol):
    """What the main window needs from the translations (views.application.Translations)."""

    @property
    def language(self) -> str: ...

    def switch(self, language: str) -> bool: ...


# --- screens ------------------------------------------------------------------------------


def ensure_on_screen(window: QWidget) -> bool:
    """Move ``window`` onto the primary screen unless its title bar is on an existing screen.

    After a monitor is unplugged, a restored geometry can point at nothing; Qt would show the
    window there and the operator could not reach it (napari makes the same ``screenAt`` check).
    Returns True when the window was moved.
    """
    geo = window.frameGeometry() if window.isVisible() else window.geometry()
    title_bar = QPoint(geo.center().x(), geo.top() + 10)
    screen = QGuiApplication.screenAt(title_bar)
    if screen is not None:
        avail = screen.availableGeometry()
        if geo.width() <= avail.width() and geo.height() <= avail.height():
            return False
    else:
        screen = QGuiApplication.primaryScreen()
    if screen is None:
        return False
    avail = screen.availableGeometry()
    size = geo.size().boundedTo(avail.size())
    target = QRect(QPoint(0, 0), size)
    target.moveCenter(avail.center())
    target.moveTop(max(avail.top(), target.top()))
    window.setGeometry(target)
    return True


@dataclass(frozen=True)
class DatabaseInfo:
    url: str
    embedded: bool


class MainWindow(QMainWindow):
    """See the module docstring. The caller owns ``runner`` and ``live`` (starts and stops)."""

    sig_wall_mode_changed = Signal(bool)
    """Wall mode was entered (True) or left (False)."""

    def __init__(
        self,
        runner: OpsRunner,
        user: UserInfo,
        database: DatabaseInfo,
        live: LiveChannel | None = None,
        *,
        translations: LanguageSwitcher | None = None,
        restore_layout: bool = True,
        idle_lock_ms: int | None = None,
        analytics_runner: OpsRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self._runner = runner
        self._analytics_runner = analytics_runner  # the analysis's reads (a read replica)
        self._live = live
        self._user = user
        self._database = database
        self._translations = translations
        self._wall_windows: list[WallWindow] = []
        self._pre_wall_state: QByteArray | None = None
        self._wall_only_pages: dict[str, QWidget] = {}  # the board: built on the wall's demand
        self._shown_once = False
        self._closing = False
        self._connection_state = CONNECTING
        self._layout_restored = False

        self.setDockNestingEnabled(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )
        # Qt wants a central widget; an empty one lets the docks share all the room.
        placeholder = QWidget(self)
        placeholder.setObjectName("centralPlaceholder")
        placeholder.hide()
        self.setCentralWidget(placeholder)

        actor = Actor(user.id, user.display_name)
        self.idle_lock = IdleLock(
            self,
            runner,
            user,
            idle_minutes() * 60_000 if idle_lock_ms is None else idle_lock_ms,
            exempt=lambda: self.in_wall_mode,
        )
        self.keys = views_for(user.role_code)
        self.map_view = MapView(runner, live, self)
        self.map_view.set_user(user)
        self.map_view.sig_incident_selected.connect(self._on_map_view_sig_incident_selected)
        self.map_view.sig_open_incident.connect(self._on_map_view_sig_open_incident)
        self.map_view.sig_area_filter_changed.connect(self._on_map_view_sig_area_filter_changed)
        self.map_view.sig_point_picked.connect(self._on_map_view_sig_point_picked)
        self.map_view.sig_pick_cancelled.connect(self._on_map_view_sig_pick_cancelled)
        self._picking = False  # the intake form asked the map for a point
        self.activity_view = ActivityView(
            runner, actor, live, duty_log=may_write_duty_log(user.role_code), parent=self
        )
        self.views: dict[str, QWidget] = {"map": self.map_view, "activity": self.activity_view}
        # The other areas are built right after the window is first shown (or when asked for
        # earlier): their modules and first queries would otherwise delay the first paint.
        self.incidents_view: IncidentQueueView | None = None
        self.orders_view: WorkOrderQueueView | None = None
        self.intake_view: IntakeFormView | None = None
        self.inbox_view: DepartmentInboxView | None = None
        self.overview_view: OverviewView | None = None
        self.supervision_view: QWidget | None = None  # views/supervision (督办台账)
        self._deferred_built = False
        if live is not None:
            live.sig_changes.connect(self._on_live_sig_changes)
        # 12345 requests fetched from a remote Open311 endpoint, when the setting enables it
        self.poller: Open311Poller | None = None
        if "intake" in self.keys:
            self.poller = Open311Poller(runner, runner.sessions, live, parent=self)
            self.poller.sig_polled.connect(self._on_poller_sig_polled)
        self.docks: dict[str, QDockWidget] = {}
        for key in self.keys:
            dock = QDockWidget(self)
            dock.setObjectName(f"dock_{key}")
            dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetMovable
                | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                | QDockWidget.DockWidgetFeature.DockWidgetClosable
            )
            dock.setWidget(self.views.get(key) or self._placeholder(dock))
            self.docks[key] = dock
        self._default_layout()

        self._build_navigation()
        self._build_menus()
        self._build_status_bar()
        self._build_attention(runner, live, user)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._update_clock)
        self._clock.start()
        self._update_clock()

        if live is not None:
            live.sig_connection_changed.connect(self._on_live_sig_connection_changed)
            self._on_live_sig_connection_changed(live.state)
        else:
            self._on_live_sig_connection_changed(CONNECTING)
        self.activity_view.sig_outbox_changed.connect(self._on_activity_sig_outbox_changed)
        QApplication.instance().focusChanged.connect(self._on_app_focus_changed)  # type: ignore[union-attr]

        self._retranslate()
        self._default_size()
        if restore_layout:
            self.restore_layout()

    # --- building ---

    def _default_size(self) -> None:
        screen = QGuiApplication.primaryScreen()
        avail = screen.availableGeometry() if screen is not None else QRect(0, 0, 1600, 900)
        width = min(1600, int(avail.width() * 0.95))
        height = min(900, int(avail.height() * 0.92))
        self.setGeometry(
            avail.x() + (avail.width() - width) // 2,
            avail.y() + (avail.height() - height) // 2,
            width,
            height,
        )

    def _default_layout(self) -> None:
        # the big area on the left holds the map and the queues as tabs (or one click away);
        # the right one the intake form and the activity feed
        left = [
            k
            for k in (
                "inbox",
                "map",
                "incidents",
                "orders",
                "overview",
                "supervision",
                "disputes",
                "workers",
                "analysis",
            )
            if k in self.docks
        ]
        right = [k for k in ("intake", "activity") if k in self.docks]
        for key in self.keys:
            self.docks[key].setFloating(False)
            self.docks[key].show()
        for area, keys in (
            (Qt.DockWidgetArea.LeftDockWidgetArea, left),
            (Qt.DockWidgetArea.RightDockWidgetArea, right),
        ):
            self.addDockWidget(area, self.docks[keys[0]])
            for key in keys[1:]:
                self.tabifyDockWidget(self.docks[keys[0]], self.docks[key])
            self.docks[keys[0]].raise_()
        if "activity" in self.docks and "intake" in self.docks:
            self.docks["activity"].raise_()
        if self.isVisible():
            self._default_proportions()

    def _default_proportions(self) -> None:
        # the feed's long lines get a little more room than the overview's numbers
        room = max(self.width() - self.nav.width(), 2) if hasattr(self, "nav") else self.width()
        first = "inbox" if "inbox" in self.docks else "map"
        self.resizeDocks(
            [self.docks[first], self.docks["activity"]],
            [room * 62 // 100, room * 38 // 100],
            Qt.Orientation.Horizontal,
        )

    def _build_navigation(self) -> None:
        self.nav = QToolBar(self)
        self.nav.setObjectName("navBar")
        self.nav.setMovable(False)
        self.nav.setFloatable(False)
        self.nav.setOrientation(Qt.Orientation.Vertical)
        self.nav.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.nav.toggleViewAction().setVisible(False)
        self.nav_group = QActionGroup(self)
        self.nav_group.setExclusive(True)
        self.nav_actions: dict[str, QAction] = {}
        for i, key in enumerate(self.keys, start=1):
            action = QAction(self)
            action.setCheckable(True)
            if i <= 9:  # Ctrl+1 … Ctrl+9; the areas after the ninth have no shortcut
                action.setShortcut(QKeySequence(f"Ctrl+{i}"))
            action.triggered.connect(lambda _checked=False, k=key: self.show_view(k))
            self.nav_group.addAction(action)
            self.nav.addAction(action)
            self.nav_actions[key] = action
            button = self.nav.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setObjectName("navButton")
        self.addToolBar(Qt.ToolBarArea.LeftToolBarArea, self.nav)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.import_action = QAction(self)
        self.import_action.triggered.connect(self.open_import_dialog)
        self.import_action.setVisible("intake" in self.keys)
        self.file_menu.addAction(self.import_action)
        self.rules_action = QAction(self)
        self.rules_action.triggered.connect(self.open_rules_dialog)
        self.file_menu.addAction(self.rules_action)
        # grid boundaries: a town drafts its own areas, the county's administrator approves
        # (services/boundary_review says who may; the dialogs follow)
        self.boundaries_action = QAction(self)
        self.boundaries_action.setObjectName("boundariesAction")
        self.boundaries_action.triggered.connect(self.open_boundaries_dialog)
        self.boundaries_action.setVisible(self._user.role_code not in ("analyst",))
        self.file_menu.addAction(self.boundaries_action)
        self.boundary_review_action = QAction(self)
        self.boundary_review_action.setObjectName("boundaryReviewAction")
        self.boundary_review_action.triggered.connect(self.open_boundary_review)
        self.boundary_review_action.setVisible(self._user.role_code in CENTER_ROLES)
        self.file_menu.addAction(self.boundary_review_action)
        self.users_action = QAction(self)
        self.users_action.setObjectName("usersAction")
        self.users_action.triggered.connect(self.open_users_dialog)
        # an administrator's: the services refuse everyone else
        self.users_action.setVisible(may_manage_accounts(self._user.role_code))
        self.file_menu.addAction(self.users_action)
        self.file_menu.addSeparator()
        self.password_action = QAction(self)
        self.password_action.setObjectName("passwordAction")
        self.password_action.triggered.connect(self.open_password_dialog)
        self.file_menu.addAction(self.password_action)
        self.file_menu.addSeparator()
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self._on_quit_action_triggered)
        self.file_menu.addAction(self.quit_action)

        self.view_menu = bar.addMenu("")
        for key in self.keys:
            self.view_menu.addAction(self.docks[key].toggleViewAction())
        self.view_menu.addSeparator()
        self.wall_action = QAction(self)
        self.wall_action.setShortcuts([QKeySequence(Qt.Key.Key_F11), QKeySequence("Ctrl+Shift+W")])
        self.wall_action.triggered.connect(self._on_wall_action_triggered)
        self.view_menu.addAction(self.wall_action)
        self.reset_layout_action = QAction(self)
        self.reset_layout_action.triggered.connect(self.reset_layout)
        self.view_menu.addAction(self.reset_layout_action)
        # Esc leaves wall mode from the main window too (the wall windows have their own)
        self._leave_wall_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self._leave_wall_shortcut.setEnabled(False)
        self._leave_wall_shortcut.activated.connect(self.leave_wall_mode)

        self.language_menu = bar.addMenu("")
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        current = self._translations.language if self._translations else "zh_CN"
        for code, name in LANGUAGES:  # each language named in itself, never translated
            action = QAction(name, self)
            action.setCheckable(True)
            action.setChecked(code == current)
            action.setEnabled(self._translations is not None)
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            self.language_group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.connection_label = QLabel(self)
        self.connection_label.setObjectName("connectionState")
        self.outbox_label = QLabel(self)
        self.outbox_label.setObjectName("outboxState")
        self.outbox_label.hide()
        # the permanent widgets elide: a long address or name must not widen the window
        self.database_label = ElidedLabel(self, elide=Qt.TextElideMode.ElideMiddle)
        self.database_label.setObjectName("statusDatabase")
        self.user_label = ElidedLabel(self)
        self.user_label.setObjectName("statusUser")
        self.clock_label = QLabel(self)
        self.clock_label.setObjectName("statusClock")
        bar.addWidget(self.connection_label)
        bar.addWidget(self.outbox_label)
        bar.addPermanentWidget(self.database_label)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.clock_label)

    def _build_attention(self, runner: OpsRunner, live: LiveChannel | None, user: UserInfo) -> None:
        """待办提醒: the badge on the menu bar and the toast (views/attention.py)."""
        self.attention = AttentionWatcher(runner, live, user, self)
        self.attention_button = AttentionButton(self.attention, self)
        # in a holder with a margin: placed straight in the corner, its right edge (and the
        # menu's arrow) was cut off by the window's edge
        holder = QWidget(self)
        holder_layout = QHBoxLayout(holder)
        holder_layout.setContentsMargins(0, 2, 8, 2)
        holder_layout.addWidget(self.attention_button)
        self.menuBar().setCornerWidget(holder, Qt.Corner.TopRightCorner)
        self.toast = Toast(self)
        self.attention.sig_notices.connect(self.toast.show_notices)
        self.attention_button.sig_open.connect(self._on_map_view_sig_open_incident)
        self.toast.sig_open.connect(self._on_map_view_sig_open_incident)
        self.attention_button.sig_open_case.connect(self.open_dispute_case)
        self.toast.sig_open_case.connect(self.open_dispute_case)
        self.attention_button.sig_open_reminder.connect(self.open_worker_reminder)
        self.toast.sig_open_reminder.connect(self.open_worker_reminder)
        self.tray = AttentionTray(self.attention, self)  # nothing where there is no tray
        self.tray.sig_open.connect(self._on_map_view_sig_open_incident)
        self.tray.sig_open_case.connect(self.open_dispute_case)
        self.tray.sig_open_reminder.connect(self.open_worker_reminder)

    @Slot(int)
    def open_worker_reminder(self, reminder_id: int) -> None:
        """A reminder to an inactive grid worker: the grid workers area's reminders, to
        acknowledge it."""
        if "workers" not in self.keys:
            return
        self.show_view("workers")
        view = self.views.get("workers")
        if view is not None and hasattr(view, "show_reminder"):
            view.show_reminder(reminder_id)

    @Slot(int)
    def open_dispute_case(self, case_id: int) -> None:
        """A dispute alert's notice: the disputes area with that case's file."""
        if "disputes" not in self.keys:
            return
        self.show_view("disputes")
        view = self.views.get("disputes")
        if view is not None and hasattr(view, "load_file"):
            from command_center.services.disputes import CaseFilter

            view.open_cases(CaseFilter(ids=(case_id,)))
            view.load_file(case_id)

    # --- language ---

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Grid Governance Command Center"))
        for key in self.keys:
            title = view_title(key)
            self.docks[key].setWindowTitle(title)
            self.docks[key].toggleViewAction().setText(title)
            keys = self.nav_actions[key].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            # the key shown, not only hinted; an area after the ninth has none
            self.nav_actions[key].setText(f"{title}\n{keys}" if keys else title)
            self.nav_actions[key].setToolTip(
                self.tr("Show %1 (%2)").replace("%1", title).replace("%2", keys) if keys else title
            )
        self.nav.setWindowTitle(self.tr("Navigation"))
        self.file_menu.setTitle(self.tr("&File"))
        self.import_action.setText(self.tr("Import hotline requests (CSV/XLSX)…"))
        self.rules_action.setText(self.tr("Working rules…"))
        self.boundaries_action.setText(self.tr("Import boundaries (GeoJSON)…"))
        self.boundary_review_action.setText(self.tr("Boundary review…"))
        self.users_action.setText(self.tr("Accounts…"))
        self.password_action.setText(self.tr("Change password…"))
        self.quit_action.setText(self.tr("&Quit"))
        self.view_menu.setTitle(self.tr("&View"))
        self.wall_action.setText(self.tr("&Wall mode…"))
        self.reset_layout_action.setText(self.tr("&Reset layout"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.database_label.setText(self._database_text())
        self.database_label.setToolTip(describe_url(self._database.url))
        self.user_label.setText(
            self.tr("%1 · %2")
            .replace("%1", self._user.display_name)
            .replace("%2", role_label(self._user.role_code, self._user.role_name))
        )
        self._on_live_sig_connection_changed(
            self._live.state if self._live is not None else self._connection_state
        )
        waiting = sum(1 for e in self.activity_view.outbox if e.failed)
        self._on_activity_sig_outbox_changed(waiting)
        self._update_clock()

    def _database_text(self) -> str:
        if self._database.embedded:
            return self.tr("Database: embedded")
        return self.tr("Database: %1").replace("%1", describe_url(self._database.url))

    def set_language(self, language: str) -> None:
        """Switch the interface language now and remember it for the next start."""
        if self._translations is None:
            return
        if not self._translations.switch(language):
            QMessageBox.warning(
                self,
                self.tr("Language"),
                self.tr("The translation could not be loaded."),
            )
            return
        QSettings().setValue(LANGUAGE_KEY, language)
        action = self.language_actions.get(language)
        if action is not None:
            action.setChecked(True)

    # --- status bar ---

    @Slot(str)
    def _on_live_sig_connection_changed(self, state: str) -> None:
        self._connection_state = state
        text = {
            CONNECTED: self.tr("● Connected"),
            DISCONNECTED: self.tr("● Connection lost, reconnecting…"),
            CONNECTING: self.tr("● Connecting…"),
        }.get(state, state)
        self.connection_label.setText(text)
        self.connection_label.setProperty("state", state)
        self.connection_label.style().unpolish(self.connection_label)
        self.connection_label.style().polish(self.connection_label)

    @property
    def connection_state(self) -> str:
        """What the status bar shows: connected, disconnected or connecting."""
        return self._connection_state

    @Slot(int)
    def _on_activity_sig_outbox_changed(self, waiting: int) -> None:
        self.outbox_label.setVisible(waiting > 0)
        self.outbox_label.setText(self.tr("%n duty-log entries waiting to be sent", "", waiting))

    @Slot()
    def _update_clock(self) -> None:
        self.clock_label.setText(QLocale().toString(clock_time(), "yyyy-MM-dd ddd HH:mm:ss"))

    # --- navigation ---

    def show_view(self, key: str) -> None:
        """Bring the working area ``key`` to the front and give it the keyboard."""
        dock = self.docks.get(key)
        if dock is None or self._wall_windows:
            return
        self.build_deferred_views()
        dock.show()
        dock.raise_()
        if dock.isFloating():
            dock.activateWindow()
        widget = dock.widget()
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self.nav_actions[key].setChecked(True)

    @Slot(QWidget, QWidget)
    def _on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        # the navigation marks the area the operator is working in
        if new is None or self._closing:
            return
        for key, view in self.views.items():
            if view is new or view.isAncestorOf(new):
                self.nav_actions[key].setChecked(True)
                return

    # --- layout persistence ---

    def save_layout(self) -> None:
        """Keep the window, the docks and every floating dock's geometry in QSettings."""
        if self._wall_windows and self._pre_wall_state is not None:
            state = self._pre_wall_state
        else:
            state = self.saveState(STATE_VERSION)
        settings = QSettings()
        settings.beginGroup(SETTINGS_GROUP)
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", state)
        for key, dock in self.docks.items():
            if dock.isFloating():
                settings.setValue(f"docks/{key}/geometry", dock.saveGeometry())
            else:
                settings.remove(f"docks/{key}/geometry")
        settings.endGroup()

    @property
    def has_saved_layout(self) -> bool:
        """Whether this workstation's layout was restored (else the window opens maximised)."""
        return self._layout_restored

    # --- the areas built after the first paint ---

    def _placeholder(self, parent: QWidget) -> QWidget:
        label = QLabel(self.tr("Loading…"), parent)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setObjectName("hint")
        return label

    def build_deferred_views(self) -> None:
        """Build the queues, the intake form, the inbox and the overview (once)."""
        if self._deferred_built or self._closing:
            return
        self._deferred_built = True
        from command_center.views.intake.intake_form import IntakeFormView
        from command_center.views.overview.overview_view import OverviewView
        from command_center.views.queue.inbox_view import DepartmentInboxView
        from command_center.views.queue.queue_view import IncidentQueueView, WorkOrderQueueView

        runner, live, user = self._runner, self._live, self._user
        built: dict[str, QWidget] = {}
        if "incidents" in self.keys:
            self.incidents_view = IncidentQueueView(runner, live, user, self)
            self.orders_view = WorkOrderQueueView(runner, live, user, self)
            built.update(incidents=self.incidents_view, orders=self.orders_view)
            for queue in (self.incidents_view, self.orders_view):
                queue.sig_incident_selected.connect(self._on_queue_sig_incident_selected)
                queue.sig_message.connect(self._on_view_sig_message)
                queue.details.sig_supervise_requested.connect(self._on_details_supervise)
                queue.details.sig_dispute_requested.connect(self._on_details_dispute)
        if "intake" in self.keys:
            self.intake_view = IntakeFormView(runner, user, self)
            self.intake_view.sig_pick_on_map_requested.connect(self._on_intake_pick_requested)
            self.intake_view.sig_incident_created.connect(self._on_intake_sig_incident_created)
            built["intake"] = self.intake_view
        if "overview" in self.keys:
            self.overview_view = OverviewView(runner, live, self)
            built["overview"] = self.overview_view
        if "disputes" in self.keys:  # 矛盾纠纷调解 (views/disputes)
            from command_center.views.disputes.disputes_view import DisputesView

            disputes_view = DisputesView(
                runner, live, Actor(user.id, user.display_name), user.role_code, self
            )
            disputes_view.sig_message.connect(self._on_view_sig_message)
            built["disputes"] = disputes_view
        if "workers" in self.keys:  # 网格员 (views/workers)
            from command_center.views.workers.workers_view import WorkersView

            workers_view = WorkersView(
                runner,
                live,
                Actor(user.id, user.display_name),
                self,
                role_code=user.role_code,
                user=user,
            )
            workers_view.sig_message.connect(self._on_view_sig_message)
            workers_view.sig_open_records.connect(self._on_analysis_sig_open_records)
            built["workers"] = workers_view
        if "inbox" in self.keys:
            self.inbox_view = DepartmentInboxView(runner, live, user, self)
            self.inbox_view.sig_incident_selected.connect(self._on_queue_sig_incident_selected)
            self.inbox_view.sig_message.connect(self._on_view_sig_message)
            built["inbox"] = self.inbox_view
        if "supervision" in self.keys:
            from command_center.views.supervision.ledger_view import SupervisionView

            supervision = SupervisionView(runner, live, user, self)
            supervision.sig_open_incident.connect(self._on_map_view_sig_open_incident)
            supervision.sig_message.connect(self._on_view_sig_message)
            self.supervision_view = built["supervision"] = supervision
        if "analysis" in self.keys:  # 研判 (views/analysis)
            from command_center.views.analysis.analysis_view import AnalysisView

            analysis = AnalysisView(
                runner, live, Actor(user.id, user.display_name), user.role_code, self,
                reader=self._analytics_runner,
            )
            analysis.sig_open_records.connect(self._on_analysis_sig_open_records)
            analysis.sig_show_on_map.connect(self._on_analysis_sig_show_on_map)
            analysis.sig_message.connect(self._on_view_sig_message)
            built["analysis"] = analysis
        if self.poller is not None:
            self.poller.start()
        for key, view in built.items():
            placeholder = self.docks[key].widget()
            self.docks[key].setWidget(view)
            if placeholder is not None:
                placeholder.deleteLater()
            self.views[key] = view

    # --- linking the views ---

    @Slot(int)
    def _on_map_view_sig_incident_selected(self, incident_id: int) -> None:
        """A click on the map selects the incident in the queue too (without raising it)."""
        queue = self.incidents_view or self.inbox_view
        if queue is not None and self.sender() is self.map_view:
            queue.select_incident(incident_id)

    @Slot(int)
    def _on_map_view_sig_open_incident(self, incident_id: int) -> None:
        """The map card's "details": the queue with the incident and its details panel."""
        key = "incidents" if "incidents" in self.keys else "inbox"
        self.show_view(key)  # builds the queues if they are not yet
        queue = self.incidents_view or self.inbox_view
        if queue is not None:
            queue.select_incident(incident_id)

    @Slot(str)
    def _on_details_supervise(self, number: str) -> None:
        """督办… in an incident's details: the ledger's issue dialog for that order."""
        if "supervision" not in self.keys:
            return
        self.show_view("supervision")
        view = self.supervision_view
        if view is not None:
            view.open_issue_dialog(number)  # type: ignore[attr-defined]

    @Slot(int, str)
    def _on_details_dispute(self, incident_id: int, number: str) -> None:
        """转为纠纷案件… in an incident's details: the disputes area's intake, linked to it."""
        if "disputes" not in self.keys:
            return
        self.show_view("disputes")
        view = self.views.get("disputes")
        if view is not None:
            view.open_intake((incident_id, number))  # type: ignore[attr-defined]

    @Slot(int)
    def _on_queue_sig_incident_selected(self, incident_id: int) -> None:
        """Selecting an incident in a queue pans the map to it and rings it."""
        self.map_view.select_incident(incident_id)

    @Slot(object)
    def _on_map_view_sig_area_filter_changed(self, polygon: object) -> None:
        """ "This area only" on the map narrows the queues to the same area."""
        for queue in (self.incidents_view, self.orders_view):
            if queue is not None:
                queue.set_area_filter(polygon)
        if polygon is None:
            self.statusBar().showMessage(self.tr("Area filter cleared"), 5000)
        else:
            self.statusBar().showMessage(
                self.tr("The queues show only the area drawn on the map"), 8000
            )

    @Slot(str, object)
    def _on_analysis_sig_open_records(self, kind: str, f: object) -> None:
        """A figure of the analysis clicked: the queue (or the disputes area's case list) with
        the records behind it."""
        if kind == "disputes":
            if "disputes" not in self.keys:
                return
            self.show_view("disputes")
            view = self.views.get("disputes")
            if view is not None and hasattr(view, "open_cases"):
                view.open_cases(f)
            return
        key = "orders" if kind == "orders" else "incidents"
        self.show_view(key)
        queue = self.orders_view if key == "orders" else self.incidents_view
        if queue is not None and isinstance(f, QueueFilter):
            queue.apply_filter(f, "reported")
            self.statusBar().showMessage(
                self.tr("The queue shows the records behind the figure"), 8000
            )

    @Slot(object)
    def _on_analysis_sig_show_on_map(self, sel: object) -> None:
        """The analysis's range and selection on the map's choropleth of incidents per grid."""
        self.show_view("map")
        self.map_view.show_selection(
            sel.start, sel.end, category=sel.category, town_id=sel.town_id)  # type: ignore[attr-defined]
        self.statusBar().showMessage(
            self.tr("The map shows the analysis's range as incidents per grid"), 8000)

    @Slot()
    def _on_intake_pick_requested(self) -> None:
        self._picking = True
        self.show_view("map")
        self.map_view.start_pick()
        self.statusBar().showMessage(self.tr("Click the place on the map (Esc cancels)"), 15000)

    @Slot(float, float)
    def _on_map_view_sig_point_picked(self, lon: float, lat: float) -> None:
        if self.intake_view is None or not self._picking:
            return
        self._picking = False
        self.intake_view.set_location(lon, lat)
        self.show_view("intake")

    @Slot()
    def _on_map_view_sig_pick_cancelled(self) -> None:
        self._picking = False

    @Slot(int)
    def _on_intake_sig_incident_created(self, incident_id: int) -> None:
        self.map_view.select_incident(incident_id)

    @Slot(object)
    def _on_poller_sig_polled(self, result: object) -> None:
        ok, imported = getattr(result, "ok", False), getattr(result, "imported", 0)
        if not ok:
            self.statusBar().showMessage(
                self.tr("Open311 polling: %1").replace("%1", str(getattr(result, "error", ""))),
                30_000,
            )
        elif imported:
            self.statusBar().showMessage(
                self.tr("%n new request(s) fetched from the hotline", "", imported), 15_000
            )

    @Slot(str, str)
    def _on_view_sig_message(self, text: str, level: str) -> None:
        self.statusBar().showMessage(text, 15000 if level == "error" else 8000)

    @Slot(object)
    def _on_live_sig_changes(self, changes: Changes) -> None:
        # the places of the county changed: the gazetteer and the grid lookup are rebuilt
        if changes.touched("admin_areas"):
            from command_center.services import gazetteer, incident_writer

            gazetteer.invalidate()
            incident_writer.invalidate()

    def open_import_dialog(self) -> None:
        from command_center.views.intake.import_dialog import ImportTableDialog

        dialog = ImportTableDialog(self._runner, self._user, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_boundaries_dialog(self) -> None:
        from command_center.views.admin.boundaries_dialog import BoundaryImportDialog

        dialog = BoundaryImportDialog(self._runner, self._user, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_boundary_review(self) -> None:
        from command_center.views.admin.boundaries_dialog import BoundaryReviewDialog

        dialog = BoundaryReviewDialog(self._runner, self._user, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if self._live is not None:  # a draft submitted elsewhere appears in the list
            self._live.sig_changes.connect(dialog.on_changes)
        dialog.open()

    def open_rules_dialog(self) -> None:
        from command_center.views.admin.rules_dialog import RulesDialog

        dialog = RulesDialog(self._runner, self._user, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_users_dialog(self) -> None:
        from command_center.views.admin.users_dialog import UsersDialog

        dialog = UsersDialog(self._runner, self._user, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_password_dialog(self) -> None:
        dialog = ChangePasswordDialog(self._user, parent=self, runner=self._runner)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.statusBar().showMessage(self.tr("Your password was changed."), 10_000)
        )
        dialog.open()

    def restore_layout(self) -> bool:
        """Restore what :meth:`save_layout` kept; False when nothing was saved."""
        settings = QSettings()
        settings.beginGroup(SETTINGS_GROUP)
        try:
            geometry = settings.value("geometry")
            state = settings.value("state")
            docks = {key: settings.value(f"docks/{key}/geometry") for key in self.docks}
        finally:
            settings.endGroup()
        if not isinstance(geometry, QByteArray | bytes) or not geometry:
            return False
        self._layout_restored = True
        self.restoreGeometry(QByteArray(geometry))
        ensure_on_screen(self)
        if isinstance(state, QByteArray | bytes) and state:
            self.restoreState(QByteArray(state), STATE_VERSION)
        for key, dock in self.docks.items():
            dock_geometry = docks.get(key)
            if dock.isFloating() and isinstance(dock_geometry, QByteArray | bytes):
                dock.restoreGeometry(QByteArray(dock_geometry))
            if dock.isFloating():
                ensure_on_screen(dock)
        return True

    @Slot()
    def reset_layout(self) -> None:
        if self._wall_windows:
            self.leave_wall_mode()
        self._default_layout()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if not self._layout_restored:
                self._default_proportions()
            # the frame is known only now; check once more with it
            ensure_on_screen(self)
            for dock in self.docks.values():
                if dock.isFloating():
                    ensure_on_screen(dock)
            # after the first paint and after the map page has started (MapView: 100 ms)
            QTimer.singleShot(DEFERRED_VIEWS_MS, self.build_deferred_views)

    @Slot()
    def _on_quit_action_triggered(self) -> None:
        if self.confirm_quit():
            self.close()

    def confirm_quit(self) -> bool:
        """Ask before quitting while the intake form holds a call not yet saved; True to
        quit. The form's draft stays on this workstation and comes back at the next start."""
        intake = self.intake_view
        if intake is None or not intake.has_unsaved_input():
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Quit"),
            self.tr("The intake form holds a call that has not been saved."),
            parent=self,
        )
        box.setInformativeText(
            self.tr(
                "What was typed is kept on this workstation and will be back in the form at "
                "the next start."
            )
        )
        quit_button = box.addButton(self.tr("Quit"), QMessageBox.ButtonRole.DestructiveRole)
        keep_button = box.addButton(self.tr("Keep working"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep_button)
        box.setEscapeButton(keep_button)
        box.exec()
        if box.clickedButton() is quit_button:
            intake.flush_draft()
            return True
        self.show_view("intake")
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        # Ctrl+Q asks before it closes; the window's own close button asks here
        if event.spontaneous() and not self._closing and not self.confirm_quit():
            event.ignore()
            return
        if self._wall_windows:
            self.leave_wall_mode()
        self.save_layout()
        self._closing = True
        self.idle_lock.stop()
        self._clock.stop()
        self.attention.stop()
        self.toast.stop()
        self.tray.stop()
        if self.poller is not None:
            self.poller.shutdown()
        for view in [*self.views.values(), *self._wall_only_pages.values()]:
            shutdown = getattr(view, "shutdown", None)
            if callable(shutdown):
                shutdown()
        if self._live is not None:
            # changes still on their way must not restart the views' timers after the close
            # (the channel is the window's: nothing else listens to it)
            try:
                self._live.sig_changes.disconnect()
            except (RuntimeError, TypeError):
                pass
        app = QApplication.instance()
        if app is not None:
            try:
                app.focusChanged.disconnect(self._on_app_focus_changed)  # type: ignore[attr-defined]
            except (RuntimeError, TypeError):
                pass
        super().closeEvent(event)

    # --- wall mode ---

    @property
    def in_wall_mode(self) -> bool:
        return bool(self._wall_windows)

    @property
    def wall_windows(self) -> tuple[WallWindow, ...]:
        return tuple(self._wall_windows)

    @Slot()
    def _on_wall_action_triggered(self) -> None:
        if self._wall_windows:
            self.leave_wall_mode()
            return
        dialog = WallModeDialog(list(self.wall_keys), self.saved_wall_views(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen():
            QSettings().setValue(WALL_VIEWS_KEY, dialog.chosen())
            self.enter_wall_mode(dialog.chosen())

    def saved_wall_views(self) -> list[str]:
        saved = QSettings().value(WALL_VIEWS_KEY)
        if isinstance(saved, str):
            saved = [saved]
        keys = [k for k in (saved or []) if k in self.wall_keys]
        return keys or [k for k in WALL_DEFAULT if k in self.wall_keys]

    @property
    def wall_keys(self) -> tuple[str, ...]:
        """The views that can go on the wall: the working areas and, for the center, the
        board (态势), which lives only there."""
        return wall_views_for(self._user.role_code)

    def wall_page(self, key: str) -> QWidget:
        """The widget of view ``key`` on the wall (the board is built the first time)."""
        if key not in WALL_ONLY_VIEWS:
            return self.views[key]
        page = self._wall_only_pages.get(key)
        if page is None:
            from command_center.views.overview.wall_board import WallBoardView

            page = WallBoardView(self._runner, self._live, self)
            page.hide()
            self._wall_only_pages[key] = page
        return page

    def enter_wall_mode(self, keys: Sequence[str] | None = None) -> None:
        """Put the views ``keys`` full-screen, one per screen; Esc leaves."""
        if self._wall_windows:
            return
        keys = [k for k in (keys or self.saved_wall_views()) if k in self.wall_keys]
        if not keys:
            return
        self.build_deferred_views()
        screens = QGuiApplication.screens()
        if not screens:
            return
        self._pre_wall_state = self.saveState(STATE_VERSION)
        for screen_index, screen_keys in enumerate(wall_assignment(keys, len(screens))):
            pages: list[tuple[str, QWidget]] = []
            for key in screen_keys:
                view = self.wall_page(key)
                if key in self.docks:
                    self.docks[key].hide()
                self._set_view_wall_mode(view, True)
                pages.append((key, view))
            window = WallWindow(screens[screen_index], pages, self)
            window.sig_leave_requested.connect(self.leave_wall_mode)
            self._wall_windows.append(window)
            window.place()
        self._leave_wall_shortcut.setEnabled(True)
        self.sig_wall_mode_changed.emit(True)

    @Slot()
    def leave_wall_mode(self) -> None:
        if not self._wall_windows:
            return
        windows, self._wall_windows = self._wall_windows, []
        for window in windows:
            for key, view in window.take_pages():
                self._set_view_wall_mode(view, False)
                if key in self.docks:
                    self.docks[key].setWidget(view)
                    view.show()
                else:  # the board waits, hidden, for the next time on the wall
                    view.setParent(self)
                    view.hide()
            window.close()
            window.deleteLater()
        if self._pre_wall_state is not None:
            self.restoreState(self._pre_wall_state, STATE_VERSION)
            self._pre_wall_state = None
        self._leave_wall_shortcut.setEnabled(False)
        self.show()
        self.raise_()
        self.activateWindow()
        self.sig_wall_mode_changed.emit(False)

    @staticmethod
    def _set_view_wall_mode(view: QWidget, on: bool) -> None:
        set_wall_mode = getattr(view, "set_wall_mode", None)
        if callable(set_wall_mode):
            set_wall_mode(on)

    def wall_view_keys(self) -> list[list[str]]:
        return [w.keys for w in self._wall_windows]
