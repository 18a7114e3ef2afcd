"""The activity feed (最新动态) with the duty log (值班日志) under it.

The feed shows the newest audit entries and grows as changes are announced on the live channel;
after a reconnection it catches up by time. The duty log sends what the operator writes with a
client token, so a retry after a lost connection writes it exactly once; entries that could not
be sent wait in a visible outbox (also kept in QSettings, so a restart loses nothing) and go out
again when the connection is back. The text edit is cleared only once its entry is written.

Run alone: ``python -m command_center.views.activity.activity_view [--database-url URL]``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QObject,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from command_center import clock
from command_center.db.changes import Changes
from command_center.services import activity, duty_log
from command_center.services.audit import Actor
from command_center.views.activity.activity_table_model import (
    COL_ACTOR,
    COL_REASON,
    COL_SUMMARY,
    COL_TIME,
    DEFAULT_CAPACITY,
    ActivityTableModel,
)
from command_center.workers.live import CONNECTED, DISCONNECTED, LiveChannel
from command_center.workers.ops import OpsRunner

log = logging.getLogger(__name__)

CATCH_UP_MARGIN = dt.timedelta(minutes=5)
"""After a reconnect, re-read from this long before the newest entry held: a transaction that
was slow to commit may have written an entry that is older than ones already seen."""
RETRY_INTERVAL_MS = 10_000
OUTBOX_KEY = "activity/dutyLogOutbox"
DRAFT_KEY = "activity/dutyLogDraft"


@dataclass
class OutboxEntry:
    """A duty-log entry not yet confirmed written. The token makes every retry idempotent."""

    token: str
    text: str
    typed_at: str  # ISO time, for the operator's orientation in the pending list
    actor_id: int | None
    actor_name: str
    failed: bool = False
    in_flight: bool = False

    def stored(self) -> dict[str, Any]:
        d = asdict(self)
        del d["in_flight"]
        return d


class ActivityView(QWidget):
    """The feed and the duty log; see the module docstring."""

    sig_feed_updated = Signal(int)
    """Entries were added to the feed. Arguments: how many."""

    sig_duty_log_written = Signal(str, int)
    """A duty-log entry is in the database. Arguments: its client token, its id."""

    sig_outbox_changed = Signal(int)
    """The number of duty-log entries waiting to be sent changed. Arguments: the number."""

    def __init__(
        self,
        runner: OpsRunner,
        actor: Actor,
        live: LiveChannel | None = None,
        *,
        capacity: int = DEFAULT_CAPACITY,
        duty_log: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("activityView")
        self._duty_log_allowed = duty_log
        self._runner = runner
        self._actor = actor
        self._live = live
        self._loaded = False
        self._shown_once = False
        self._ever_connected = False
        self._outbox: dict[str, OutboxEntry] = {}

        self.model = ActivityTableModel(capacity, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)

        self._retry_timer = QTimer(self)
        self._retry_timer.setInterval(RETRY_INTERVAL_MS)
        self._retry_timer.timeout.connect(self._on_retry_timer_timeout)

        self._build()
        self._retranslate()
        self._restore_local_state()

        if live is not None:
            live.sig_changes.connect(self._on_live_sig_changes)
            live.sig_reconnected.connect(self._on_live_sig_reconnected)
            live.sig_connection_changed.connect(self._on_live_sig_connection_changed)
        self.reload()

    # --- building ---

    def _build(self) -> None:
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("activityFilter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("mutedLabel")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)

        self.table = QTableView(self)
        self.table.setObjectName("activityTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._fit_rows()
        self.table.installEventFilter(self)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(COL_TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ACTOR, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_SUMMARY, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.Interactive)

        feed = QWidget(self)
        feed_layout = QVBoxLayout(feed)
        feed_layout.setContentsMargins(0, 0, 0, 0)
        feed_layout.setSpacing(6)
        feed_layout.addLayout(top)
        feed_layout.addWidget(self.table, 1)

        self.duty_box = QGroupBox(self)
        self.duty_box.setObjectName("dutyLogBox")
        self.duty_edit = QPlainTextEdit(self.duty_box)
        self.duty_edit.setObjectName("dutyLogEdit")
        self.duty_edit.setTabChangesFocus(True)
        line = self.fontMetrics().lineSpacing()
        self.duty_edit.setMinimumHeight(line * 3 + 16)
        self.duty_edit.setMaximumHeight(line * 8 + 16)
        self.duty_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.record_button = QPushButton(self.duty_box)
        self.record_button.setObjectName("primaryButton")
        self.record_button.setDefault(False)
        self.record_button.setAutoDefault(False)
        self.record_button.clicked.connect(self._on_record_button_clicked)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self.duty_edit)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self._on_record_button_clicked)
        self.duty_status = QLabel(self.duty_box)
        self.duty_status.setObjectName("dutyLogStatus")
        self.duty_status.setWordWrap(True)
        self.pending_label = QLabel(self.duty_box)
        self.pending_label.setObjectName("pendingLabel")
        self.pending_list = QListWidget(self.duty_box)
        self.pending_list.setObjectName("pendingList")
        self.pending_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.pending_list.setWordWrap(False)

        edit_row = QHBoxLayout()
        edit_row.addWidget(self.duty_edit, 1)
        button_column = QVBoxLayout()
        button_column.addWidget(self.record_button)
        button_column.addStretch(1)
        edit_row.addLayout(button_column)
        box_layout = QVBoxLayout(self.duty_box)
        box_layout.setSpacing(6)
        box_layout.addLayout(edit_row)
        box_layout.addWidget(self.duty_status)
        box_layout.addWidget(self.pending_label)
        box_layout.addWidget(self.pending_list)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(feed)
        self.splitter.addWidget(self.duty_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.splitter)

        self.model.rowsInserted.connect(self._update_count)
        self.model.rowsRemoved.connect(self._update_count)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self._refresh_pending_list()
        self.duty_box.setVisible(self._duty_log_allowed)  # the center's duty staff write it

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.FontChange:
            self._fit_rows()  # a wall screen shows the table in a larger font
        return super().eventFilter(watched, event)

    def _fit_rows(self) -> None:
        metrics = self.table.fontMetrics()
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 14)
        header = self.table.horizontalHeader()
        header.resizeSection(COL_ACTOR, metrics.horizontalAdvance("网格员王某某") + 24)
        header.resizeSection(COL_REASON, metrics.horizontalAdvance("重复来电，已合并") + 24)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            # the duty log starts at its smallest useful height; the feed gets the rest
            total = sum(self.splitter.sizes())
            low = self.duty_box.minimumSizeHint().height()
            self.splitter.setSizes([max(total - low, 1), low])

    def set_wall_mode(self, on: bool) -> None:
        """On a wall screen the feed is for watching: the duty log stays at the desk."""
        self.duty_box.setVisible(not on and self._duty_log_allowed)

    def _retranslate(self) -> None:
        self.filter_edit.setPlaceholderText(self.tr("Filter: person, action, reason…"))
        self.duty_box.setTitle(self.tr("Duty log"))
        self.duty_edit.setPlaceholderText(
            self.tr("Write down what happened on shift. Ctrl+Enter records it.")
        )
        self.record_button.setText(self.tr("Record"))
        self.record_button.setToolTip(self.tr("Record the entry in the duty log (Ctrl+Enter)"))
        self.pending_label.setText(
            self.tr("Waiting to be sent (sent automatically when the connection is back):")
        )
        self.model.retranslate()
        self._update_count()
        self._refresh_pending_list()

    @Slot()
    def _update_count(self) -> None:
        shown, held = self.proxy.rowCount(), self.model.rowCount()
        if shown == held:
            self.count_label.setText(self.tr("%n entries", "", held))
        else:
            self.count_label.setText(self.tr("%1 of %2 entries").replace("%1", str(shown))
                                     .replace("%2", str(held)))

    @Slot(str)
    def _on_filter_edit_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())

    # --- the feed ---

    def reload(self) -> None:
        """Load the newest entries (again); what is held already is kept."""
        capacity = self.model.capacity
        self._runner.submit(
            lambda s: activity.recent(s, capacity),
            success=self._on_recent_loaded,
            failure=self._on_feed_failed,
            owner=self,
            name="activity.recent",
        )

    def _on_recent_loaded(self, items: list[activity.ActivityItem]) -> None:
        self._loaded = True
        self._merge(items)

    def _on_feed_failed(self, exc: BaseException) -> None:
        log.warning("could not read the activity feed: %s", exc)

    def _merge(self, items: list[activity.ActivityItem]) -> None:
        n = self.model.merge(items)
        if n:
            self.sig_feed_updated.emit(n)

    @Slot(object)
    def _on_live_sig_changes(self, changes: Changes) -> None:
        if changes.reload:  # a bulk write announced once: catch up by time
            self.catch_up()
            return
        ids = sorted(i for i in changes.inserted_into("audit_log") if i not in self.model)
        if not ids:
            return
        self._runner.submit(
            lambda s: activity.by_ids(s, ids),
            success=self._merge,
            failure=self._on_feed_failed,  # the catch-up after the reconnect brings them
            owner=self,
            name="activity.by_ids",
        )

    @Slot()
    def _on_live_sig_reconnected(self) -> None:
        self.catch_up()
        self.flush_outbox()

    def catch_up(self) -> None:
        """Read what was written while we were not listening."""
        newest = self.model.newest_time()
        if newest is None or not self._loaded:
            self.reload()
            return
        after = newest - CATCH_UP_MARGIN
        self._runner.submit(
            lambda s: activity.since(s, after),
            success=self._merge,
            failure=self._on_feed_failed,
            owner=self,
            name="activity.since",
        )

    @Slot(str)
    def _on_live_sig_connection_changed(self, state: str) -> None:
        if state != CONNECTED:
            return
        if not self._ever_connected:
            # the first load may have run before LISTEN was active: close that gap
            self._ever_connected = True
            self.catch_up()
        self.flush_outbox()

    # --- the duty log ---

    @property
    def outbox(self) -> tuple[OutboxEntry, ...]:
        return tuple(self._outbox.values())

    @Slot()
    def _on_record_button_clicked(self) -> None:
        text = self.duty_edit.toPlainText().strip()
        if not text:
            self._set_duty_status(self.tr("Type the entry first."), "warning")
            return
        entry = next((e for e in self._outbox.values() if e.text == text), None)
        if entry is None:
            entry = OutboxEntry(
                token=str(uuid.uuid4()),
                text=text,
                typed_at=clock.now().isoformat(timespec="seconds"),
                actor_id=self._actor.user_id,
                actor_name=self._actor.name,
            )
            self._outbox[entry.token] = entry
            self._save_outbox()
        self._send(entry)

    def _send(self, entry: OutboxEntry) -> None:
        if entry.in_flight:
            return
        entry.in_flight = True
        self._set_duty_status(self.tr("Recording…"), "info")
        actor = Actor(entry.actor_id, entry.actor_name)
        token, text = entry.token, entry.text
        self._runner.submit(
            lambda s: duty_log.add_entry(s, actor, text, token),
            success=lambda result: self._on_duty_log_written(token, result),
            failure=lambda exc: self._on_duty_log_failed(token, exc),
            owner=self,
            name="duty_log.add_entry",
        )

    def _on_duty_log_written(self, token: str, result: duty_log.DutyLogResult) -> None:
        entry = self._outbox.pop(token, None)
        self._save_outbox()
        self._refresh_pending_list()
        if entry is not None and self.duty_edit.toPlainText().strip() == entry.text:
            self.duty_edit.clear()
        now = clock.now().strftime("%H:%M:%S")
        self._set_duty_status(self.tr("Recorded at %1.").replace("%1", now), "ok")
        if not self._has_failed_entries():
            self._retry_timer.stop()
        self.sig_duty_log_written.emit(token, result.entry_id)

    def _on_duty_log_failed(self, token: str, exc: BaseException) -> None:
        entry = self._outbox.get(token)
        if entry is None:
            return
        entry.in_flight = False
        if isinstance(exc, duty_log.DutyLogError):
            # refused for what it says: the operator fixes the text, which stays in the edit
            del self._outbox[token]
            self._save_outbox()
            self._refresh_pending_list()
            self._set_duty_status(str(exc), "error")
            return
        log.warning("duty-log entry not sent, kept for retry: %s", exc)
        entry.failed = True
        self._save_outbox()
        self._refresh_pending_list()
        self._set_duty_status(
            self.tr("Not sent: the connection is down. The entry is kept below and will be "
                    "sent automatically when the connection is back."),
            "error",
        )
        if not self._retry_timer.isActive():
            self._retry_timer.start()

    def flush_outbox(self) -> None:
        """Send every entry still waiting (each with its own token, so never twice)."""
        for entry in list(self._outbox.values()):
            if not entry.in_flight:
                self._send(entry)

    @Slot()
    def _on_retry_timer_timeout(self) -> None:
        if not self._outbox:
            self._retry_timer.stop()
            return
        if self._live is not None and self._live.state == DISCONNECTED:
            return  # the reconnection will flush; trying now would only wait for a timeout
        self.flush_outbox()

    def _has_failed_entries(self) -> bool:
        return any(e.failed for e in self._outbox.values())

    def _refresh_pending_list(self) -> None:
        self.pending_list.clear()
        waiting = [e for e in self._outbox.values() if e.failed]
        for e in waiting:
            when = e.typed_at[11:16] if len(e.typed_at) >= 16 else e.typed_at
            first_line = e.text.splitlines()[0] if e.text else ""
            item = QListWidgetItem(f"{when}  {first_line}")
            item.setToolTip(e.text)
            item.setData(Qt.ItemDataRole.UserRole, e.token)
            self.pending_list.addItem(item)
        self.pending_label.setVisible(bool(waiting))
        self.pending_list.setVisible(bool(waiting))
        self.sig_outbox_changed.emit(len(waiting))

    def _set_duty_status(self, text: str, kind: str) -> None:
        self.duty_status.setText(text)
        self.duty_status.setProperty("kind", kind)
        self.duty_status.style().unpolish(self.duty_status)
        self.duty_status.style().polish(self.duty_status)

    # --- local state: the outbox and the draft survive a restart ---

    def _save_outbox(self) -> None:
        settings = QSettings()
        if self._outbox:
            settings.setValue(
                OUTBOX_KEY,
                json.dumps([e.stored() for e in self._outbox.values()], ensure_ascii=False),
            )
        else:
            settings.remove(OUTBOX_KEY)

    def _restore_local_state(self) -> None:
        settings = QSettings()
        raw = settings.value(OUTBOX_KEY, "")
        if raw:
            try:
                for d in json.loads(str(raw)):
                    entry = OutboxEntry(**d)
                    entry.failed = True
                    self._outbox[entry.token] = entry
            except (ValueError, TypeError):
                log.exception("unreadable duty-log outbox in the settings; ignored")
        draft = settings.value(DRAFT_KEY, "")
        if draft and not self.duty_edit.toPlainText():
            self.duty_edit.setPlainText(str(draft))
        self._refresh_pending_list()
        if self._outbox:
            self._retry_timer.start()
            QTimer.singleShot(0, self, self.flush_outbox)

    def shutdown(self) -> None:
        """Stop the timers and keep the unsent draft for next time."""
        self._retry_timer.stop()
        settings = QSettings()
        draft = self.duty_edit.toPlainText()
        if draft.strip():
            settings.setValue(DRAFT_KEY, draft)
        else:
            settings.remove(DRAFT_KEY)
        self._save_outbox()


def main(argv: list[str] | None = None) -> int:
    from command_center.views.standalone import run_view

    return run_view(
        lambda ctx: ActivityView(ctx.runner, ctx.actor, ctx.live),
        title="最新动态 Activity",
        argv=argv,
    )


if __name__ == "__main__":
    sys.exit(main())
