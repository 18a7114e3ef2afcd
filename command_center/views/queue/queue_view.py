"""The incident queue (事件队列) and the work-order queue (工单队列).

A filter bar (status, channel, category, town, priority, overdue, waiting for an answer, text,
sort; saved filters per user), the lazily loaded table (multi-select, bulk accept / dispatch /
answer with a template), and the details panel of the selected row with its allowed actions.
Everything that reads or writes the database goes through the OpsRunner; live changes re-read
only the rows they name.

Run alone: ``python -m command_center.views.queue.queue_view [--database-url URL] [--orders]``.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeySequence, QPixmap, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from command_center.db.changes import Changes
from command_center.models.incident import OrderStatus
from command_center.services import actions as lifecycle_actions
from command_center.services import lifecycle, personal, record_details
from command_center.services import queue as svc
from command_center.services.actions import BulkOutcome, Inputs, Prepared, Target
from command_center.services.attachments import attachment_data
from command_center.services.audit import Actor
from command_center.services.auth import UserInfo
from command_center.services.choices import Choices, choices
from command_center.services.saved_filters import (
    SavedFilterInfo,
    delete_filter,
    list_filters,
    save_filter,
)
from command_center.views import words
from command_center.views.fit import FlowLayout
from command_center.views.queue import actions
from command_center.views.queue.details_panel import ACTION_SHORTCUTS, DetailsPanel
from command_center.views.queue.queue_model import (
    INCIDENT_STATUS_CODES,
    ORDER_STATUS_CODES,
    PRIORITY_TEXT,
    QueueTableModel,
    priority_text,
    remaining_text,
    status_text,
)
from command_center.views.table_export import ExportSource, install_export
from command_center.workers.live import LiveChannel
from command_center.workers.ops import OpsRunner

log = logging.getLogger(__name__)

CENTER_ORDER_ACTIONS = lifecycle.actions_for_role("order", lifecycle.DUTY_OPERATOR)
TICK_MS = 30_000  # countdowns move


RETURNED_OR_OBJECTED = (str(OrderStatus.RETURNED), str(OrderStatus.OBJECTED))
"""被退回/有异议: the work-order queue's filter for what needs dispatching again."""


class QueueView(QWidget):
    """The shared queue view; :class:`IncidentQueueView` and :class:`WorkOrderQueueView` pick
    the kind."""

    kind: str = "incidents"
    view_name: str = "incidents"

    sig_incident_selected = Signal(int)
    """The operator selected a row. Arguments: the incident's id (for the map)."""

    sig_action_done = Signal(str, str)
    """An action went through. Arguments: the action, the number(s) it was applied to."""

    sig_message = Signal(str, str)
    """A message was shown to the operator. Arguments: the text, "error"/"ok"/"info"."""

    def __init__(
        self,
        runner: OpsRunner,
        live: LiveChannel | None,
        user: UserInfo,
        parent: QWidget | None = None,
        *,
        page_size: int = svc.PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"{self.view_name}QueueView")
        self._runner = runner
        self._live = live
        self.user = user
        self.actor = Actor(user.id, user.display_name)
        self._filter = self.default_filter()
        self._sort = "deadline"
        self._polygon: dict[str, Any] | None = None
        self._saved: list[SavedFilterInfo] = []
        self._choices: Choices | None = None
        self._details_for: tuple[int, int | None] | None = None  # incident id, order id
        self._pending_select: int | None = None
        self._closed = False

        self.model = QueueTableModel(runner, self._query(), page_size=page_size, parent=self)
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(TICK_MS)
        self._tick_timer.timeout.connect(self._on_tick_timer_timeout)

        self._build()
        self.retranslate()
        self.model.sig_count_changed.connect(self._on_model_sig_count_changed)
        self.model.sig_jumped.connect(self._on_model_sig_jumped)
        self.model.sig_new_rows.connect(self._on_model_sig_new_rows)
        self.model.sig_failed.connect(self._on_model_sig_failed)
        self.model.sig_loading_changed.connect(self._on_model_sig_loading_changed)
        self.model.modelReset.connect(self._update_earlier_button)
        # a reset (another filter, a reload, a jump) clears the selection without saying so
        self.model.modelReset.connect(self._update_selection_actions)
        self.model.rowsRemoved.connect(self._update_selection_actions)
        self.model.rowsInserted.connect(self._update_earlier_button)
        if live is not None:
            live.sig_changes.connect(self._on_live_sig_changes)
            live.sig_reconnected.connect(self._on_live_sig_reconnected)
        runner.submit(choices, success=self._on_choices, owner=self, name="queue.choices")
        self._load_saved_filters()

    # --- what this queue is ---

    def default_filter(self) -> svc.QueueFilter:
        return svc.QueueFilter(
            statuses=svc.OPEN_INCIDENTS if self.kind == "incidents" else svc.OPEN_ORDERS
        )

    def _query(self) -> svc.Query:
        return svc.Query(
            self.kind,
            self._filter.replace(polygon=self._polygon),  # type: ignore[arg-type]
            self._sort,
        )

    def status_choices(self) -> list[tuple[str, tuple[str, ...]]]:
        codes = INCIDENT_STATUS_CODES if self.kind == "incidents" else ORDER_STATUS_CODES
        open_ = svc.OPEN_INCIDENTS if self.kind == "incidents" else svc.OPEN_ORDERS
        out = [(self.tr("Open"), open_)]
        if self.kind == "orders":
            # what the center must deal with next: a department sent it back or objected
            out.append((self.tr("Returned or objected"), RETURNED_OR_OBJECTED))
        out.append((self.tr("All statuses"), ()))
        out += [(status_text(self.kind, code), (code,)) for code in codes]
        return out

    # --- building ---

    def _build(self) -> None:
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("statusFilter")
        self.channel_combo = QComboBox(self)
        self.channel_combo.setObjectName("channelFilter")
        self.category_combo = QComboBox(self)
        self.category_combo.setObjectName("categoryFilter")
        self.category_combo.setMaxVisibleItems(25)
        self.category_combo.setMinimumContentsLength(8)
        self.town_combo = QComboBox(self)
        self.town_combo.setObjectName("townFilter")
        self.priority_combo = QComboBox(self)
        self.priority_combo.setObjectName("priorityFilter")
        self.dept_combo = QComboBox(self)
        self.dept_combo.setObjectName("departmentFilter")
        self.dept_combo.setVisible(self.kind == "orders" and self.view_name != "inbox")
        self.overdue_check = QCheckBox(self)
        self.overdue_check.setObjectName("overdueFilter")
        self.waiting_check = QCheckBox(self)
        self.waiting_check.setObjectName("waitingFilter")
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(220)
        self.sort_combo = QComboBox(self)
        self.sort_combo.setObjectName("sortCombo")
        self.saved_button = QToolButton(self)
        self.saved_button.setObjectName("savedFiltersButton")
        self.saved_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.saved_menu = QMenu(self)
        self.saved_button.setMenu(self.saved_menu)
        self.area_chip = QPushButton(self)
        self.area_chip.setObjectName("areaChip")
        self.area_chip.setStyleSheet(
            "QPushButton { background:#dbe6f3; border-radius:10px; padding:2px 10px; }"
        )
        self.area_chip.hide()
        self.area_chip.clicked.connect(lambda: self.set_area_filter(None))

        for combo in (
            self.status_combo,
            self.channel_combo,
            self.category_combo,
            self.town_combo,
            self.priority_combo,
            self.dept_combo,
            self.sort_combo,
        ):
            combo.activated.connect(self._on_filter_changed)
            # as wide as its longest item in the current language (re-measured on a switch)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.overdue_check.toggled.connect(self._on_filter_changed)
        self.waiting_check.toggled.connect(self._on_filter_changed)
        self.search_edit.returnPressed.connect(self._on_filter_changed)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)

        self.jump_edit = QLineEdit(self)
        self.jump_edit.setObjectName("jumpEdit")
        self.jump_edit.setClearButtonEnabled(True)
        self.jump_edit.setMaximumWidth(200)
        self.jump_edit.returnPressed.connect(self._on_jump_edit_return_pressed)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        # what a jump found, said where it was typed (not in the panel of another incident)
        self.jump_notice = QFrame(self)
        self.jump_notice.setObjectName("jumpNotice")
        self.jump_notice.setStyleSheet(
            "QFrame#jumpNotice { background:#e8f0fa; border:1px solid #9bb5d6; }"
        )
        self.jump_message = QLabel(self.jump_notice)
        self.jump_message.setObjectName("jumpMessage")
        self.jump_message.setTextFormat(Qt.TextFormat.PlainText)
        self.jump_message.setWordWrap(True)
        self.jump_clear = QPushButton(self.jump_notice)
        self.jump_clear.setObjectName("jumpClearFilters")
        self.jump_clear.clicked.connect(self.clear_filters_and_show)
        self.jump_close = QToolButton(self.jump_notice)
        self.jump_close.setObjectName("jumpNoticeClose")
        self.jump_close.setText("×")
        self.jump_close.setAutoRaise(True)
        self.jump_close.clicked.connect(self.jump_notice.hide)
        notice = QHBoxLayout(self.jump_notice)
        notice.setContentsMargins(8, 4, 4, 4)
        notice.addWidget(self.jump_message, 1)
        notice.addWidget(self.jump_clear)
        notice.addWidget(self.jump_close)
        self.jump_notice.hide()

        # the filter bars and the bulk row wrap rather than widen the window (1366×768)
        bar1 = FlowLayout()
        for w in (
            self.status_combo,
            self.channel_combo,
            self.category_combo,
            self.town_combo,
            self.priority_combo,
            self.dept_combo,
        ):
            bar1.addWidget(w)
        bar1.addWidget(self.overdue_check)
        bar1.addWidget(self.waiting_check)
        bar2 = FlowLayout()
        bar2.addWidget(self.search_edit)
        bar2.addWidget(self.sort_combo)
        bar2.addWidget(self.saved_button)
        bar2.addWidget(self.area_chip)
        bar2.addWidget(self.jump_edit)
        bar2.addWidget(self.count_label)

        # bulk actions
        self.selection_label = QLabel(self)
        self.selection_label.setObjectName("mutedLabel")
        self.bulk_accept = QPushButton(self)
        self.bulk_accept.setObjectName("bulkAccept")
        self.bulk_dispatch = QPushButton(self)
        self.bulk_dispatch.setObjectName("bulkDispatch")
        self.bulk_dispatch.setVisible(self.kind == "incidents")
        self.bulk_template = QPushButton(self)
        self.bulk_template.setObjectName("bulkTemplate")
        self.refresh_button = QPushButton(self)
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.clicked.connect(self.reload)
        self.reset_button = QPushButton(self)
        self.reset_button.setObjectName("resetFiltersButton")
        self.reset_button.clicked.connect(self.reset_filters)
        self.bulk_accept.clicked.connect(lambda: self.bulk_action("accept"))
        self.bulk_dispatch.clicked.connect(lambda: self.bulk_action("dispatch"))
        self.bulk_template.clicked.connect(lambda: self.bulk_action("answer"))
        bulk = FlowLayout()
        bulk.addWidget(self.selection_label)
        bulk.addWidget(self.bulk_accept)
        bulk.addWidget(self.bulk_dispatch)
        bulk.addWidget(self.bulk_template)
        bulk.addWidget(self.refresh_button)
        bulk.addWidget(self.reset_button)

        self.new_banner = QPushButton(self)
        self.new_banner.setObjectName("newRowsBanner")
        self.new_banner.setStyleSheet(
            "QPushButton { background:#fff1c9; border:1px solid #e0c36a; padding:4px; }"
        )
        self.new_banner.hide()
        self.new_banner.clicked.connect(self.reload)
        self.earlier_button = QPushButton(self)
        self.earlier_button.setObjectName("earlierButton")
        self.earlier_button.hide()
        self.earlier_button.clicked.connect(self.model.fetch_earlier)

        self.table = QTableView(self)
        self.table.setObjectName("queueTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.exporter = install_export(
            self.table,
            self._runner,
            "工单" if self.model.kind == "orders" else "事件",
            self._export_source,
        )
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.fit_columns()
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

        self.details = DetailsPanel(self, big=self.view_name == "inbox")
        # the center acts on an order by verifying it or sending it again; signing for it,
        # objecting, progress and the result are the department's (its inbox)
        self.details.order_action_names = CENTER_ORDER_ACTIONS
        self.details.role = self.user.role_code  # offer only what the services will accept
        self.details.sig_action_requested.connect(self._on_details_sig_action_requested)
        self.details.sig_photo_requested.connect(self.open_photo)
        self.details.sig_reveal_requested.connect(self.reveal_reporter)
        self.details.sig_edit_requested.connect(self.edit_incident)
        self.details.sig_publish_requested.connect(self.edit_public_summary)
        for keys, wanted in ACTION_SHORTCUTS.items():
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda w=wanted: self.press_action(w))

        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.setSpacing(4)
        ll.addLayout(bar1)
        ll.addLayout(bar2)
        ll.addWidget(self.jump_notice)
        ll.addLayout(bulk)
        ll.addWidget(self.new_banner)
        ll.addWidget(self.earlier_button)
        ll.addWidget(self.table, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([1150, 650])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)
        self._update_selection_actions()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.overdue_check.setText(self.tr("Overdue only"))
        self.waiting_check.setText(self.tr("Reporter waiting"))
        self.search_edit.setPlaceholderText(self.tr("Search number, title, address…"))
        self.jump_edit.setPlaceholderText(self.tr("Go to number (SJ…/GD…)"))
        self.saved_button.setText(self.tr("Saved filters"))
        self.bulk_accept.setText(
            self.tr("Accept selected") if self.kind == "incidents" else self.tr("Sign for selected")
        )
        self.bulk_dispatch.setText(self.tr("Dispatch selected…"))
        self.bulk_template.setText(self.tr("Answer with a template…"))
        self.jump_clear.setText(self.tr("Clear the filters and show it"))
        self.jump_close.setToolTip(self.tr("Close"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.reset_button.setText(self.tr("Clear all filters"))
        self.reset_button.setToolTip(
            self.tr("Back to what the queue shows when it opens: everything still open")
        )
        self.earlier_button.setText(self.tr("↑ Show earlier rows"))
        self.area_chip.setText(self.tr("Area on the map ✕"))
        self.area_chip.setToolTip(
            self.tr("Only incidents inside the area drawn on the map. Click to remove.")
        )
        self._fill_static_combos()
        if self._choices is not None:
            self._fill_choice_combos(self._choices)
        self.model.retranslate()
        self.fit_columns()
        self.details.retranslate()
        self._rebuild_saved_menu()
        self._update_selection_actions()
        if self.model.count is not None:  # said again in the new language
            self._on_model_sig_count_changed(self.model.count.value, self.model.count.exact)

    def column_widths(self) -> dict[str, int]:
        """Widths that fit each column's header and its longest word in the interface language
        (statuses, priorities, a countdown of months overdue): nothing of them is cut."""
        fm = self.table.fontMetrics()
        header_fm = self.table.horizontalHeader().fontMetrics()

        def widest(*texts: str) -> int:
            return max(fm.horizontalAdvance(t) for t in texts) + 16

        widths = {
            "number": widest("GD20261201010993"),
            "title": widest("马营墩村散养畜禽粪便污染严重"),
            "category": widest("企业改制职工诉求"),
            "place": widest("南丰乡 · 永丰村第一"),
            "channel": widest("12345热线"),
            "department": widest("县住房和城乡建设局"),
            "priority": widest(*(priority_text(p) for p in PRIORITY_TEXT)),
            "status": widest(
                *(words.status_text(self.kind, code) for code in words.status_codes(self.kind))
            ),
            "reported": widest("11-30 10:36"),
            "dispatched": widest("11-30 10:36"),
            "deadline": widest(
                remaining_text(-dt.timedelta(days=125, hours=23)),
                remaining_text(dt.timedelta(days=14, hours=23)),
                remaining_text(-dt.timedelta(hours=23, minutes=59)),
            ),
            "waiting": widest(
                QCoreApplication.translate("QueueTableModel", "Answer overdue"),
                QCoreApplication.translate("QueueTableModel", "Awaiting answer"),
            ),
        }
        for column, (key, _) in enumerate(self.model.columns):
            header = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            # room for the header's margins and its sort arrow
            widths[key] = max(widths.get(key, 0), header_fm.horizontalAdvance(header) + 28)
        return widths

    def fit_columns(self) -> None:
        """Size the columns for the interface language (at the start and on a switch)."""
        for key, width in self.column_widths().items():
            try:
                self.table.setColumnWidth(self.model.column_of(key), width)
            except StopIteration:
                pass

    def _fill_static_combos(self) -> None:
        def fill(combo: QComboBox, items: list[tuple[str, Any]], current: Any) -> None:
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            i = max(0, _find_data(combo, current))
            combo.setCurrentIndex(i)
            combo.blockSignals(False)

        fill(self.status_combo, self.status_choices(), self._filter.statuses)
        prios = [(self.tr("All priorities"), ())] + [
            (_status_label(label), (p,)) for p, label in PRIORITY_TEXT.items()
        ]
        fill(self.priority_combo, prios, self._filter.priorities)
        sorts = [
            (self.tr("By time limit"), "deadline"),
            (
                self.tr("Newest first")
                if self.kind == "incidents"
                else self.tr("Newest dispatch first"),
                "reported",
            ),
            (self.tr("By priority"), "priority"),
        ]
        fill(self.sort_combo, sorts, self._sort)

    def _fill_choice_combos(self, c: Choices) -> None:
        def fill(combo: QComboBox, items: list[tuple[str, Any]], current: Any) -> None:
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, _find_data(combo, current)))
            combo.blockSignals(False)

        fill(
            self.channel_combo,
            [(self.tr("All channels"), None)]
            + [(words.name_text(name, en), code) for code, name, en in c.channels],
            self._filter.channels[0] if self._filter.channels else None,
        )
        cats: list[tuple[str, Any]] = [(self.tr("All categories"), None)]
        for code, name, level, _parent, en in c.categories:
            cats.append(("　" * (level - 1) + words.name_text(name, en), code))
        fill(self.category_combo, cats, self._filter.category_code)
        fill(
            self.town_combo,
            [(self.tr("All towns"), None)] + [(words.place_text(n), i) for i, n in c.towns],
            self._filter.area_id,
        )
        fill(
            self.dept_combo,
            [(self.tr("All departments"), None)]
            + [(words.name_text(n, en), i) for i, n, en in c.departments],
            self._filter.department_id,
        )

    def _on_choices(self, c: Choices) -> None:
        self._choices = c
        self._fill_choice_combos(c)

    # --- the filter ---

    def current_filter(self) -> svc.QueueFilter:
        return self._filter

    @property
    def sort(self) -> str:
        return self._sort

    def _filter_from_widgets(self) -> svc.QueueFilter:
        channel = self.channel_combo.currentData()
        return svc.QueueFilter(
            statuses=tuple(self.status_combo.currentData() or ()),
            channels=(channel,) if channel else (),
            category_code=self.category_combo.currentData(),
            area_id=self.town_combo.currentData(),
            priorities=tuple(self.priority_combo.currentData() or ()),
            overdue_only=self.overdue_check.isChecked(),
            waiting_answer=self.waiting_check.isChecked(),
            text=self.search_edit.text().strip(),
            department_id=self.dept_combo.currentData() if self.dept_combo.isVisible() else None,
        )

    @Slot()
    def _on_filter_changed(self, *_args: Any) -> None:
        self.apply_filter(self._filter_from_widgets(), self.sort_combo.currentData() or "deadline")

    @Slot(str)
    def _on_search_edit_text_changed(self, text: str) -> None:
        if not text and self._filter.text:
            self._on_filter_changed()

    def apply_filter(self, f: svc.QueueFilter, sort: str | None = None) -> None:
        """Show the queue filtered by ``f`` (and sorted by ``sort``), from its start."""
        self._filter = f.replace(polygon=None)
        if sort is not None:
            self._sort = sort
        self._sync_widgets()
        self.details.clear_message()
        self.jump_notice.hide()
        self.model.set_query(self._query())

    def _sync_widgets(self) -> None:
        f = self._filter
        for combo, value in (
            (self.status_combo, f.statuses),
            (self.priority_combo, f.priorities),
            (self.sort_combo, self._sort),
            (self.channel_combo, f.channels[0] if f.channels else None),
            (self.category_combo, f.category_code),
            (self.town_combo, f.area_id),
            (self.dept_combo, f.department_id),
        ):
            combo.blockSignals(True)
            i = _find_data(combo, value)
            combo.setCurrentIndex(i if i >= 0 else 0)
            combo.blockSignals(False)
        for check, value in (
            (self.overdue_check, f.overdue_only),
            (self.waiting_check, f.waiting_answer),
        ):
            check.blockSignals(True)
            check.setChecked(value)
            check.blockSignals(False)
        if self.search_edit.text() != f.text:
            self.search_edit.blockSignals(True)
            self.search_edit.setText(f.text)
            self.search_edit.blockSignals(False)

    def set_area_filter(self, polygon: dict[str, Any] | None) -> None:
        """Only rows inside this GeoJSON polygon (drawn on the map); None removes it."""
        self._polygon = polygon
        self.area_chip.setVisible(polygon is not None)
        self.model.set_query(self._query())

    def _export_source(self) -> ExportSource:
        """The export of the queue: every row its filter finds, not only those loaded."""
        model = self.model
        cols = list(range(model.columnCount()))
        headers = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in cols]
        keys = [model._columns[c][0] for c in cols]
        display = model._display  # plain Python: the row's fields, the clock, the translator

        return ExportSource(
            headers, _all_rows(model.query, lambda row: [display(row, k) for k in keys])
        )

    def reload(self) -> None:
        self.new_banner.hide()
        self.model.reload()

    # --- saved filters ---

    def _load_saved_filters(self) -> None:
        uid, view = self.user.id, self.view_name
        self._runner.submit(
            lambda s: list_filters(s, uid, view),
            success=self._on_saved_filters,
            owner=self,
            name="queue.filters",
        )

    def _on_saved_filters(self, saved: list[SavedFilterInfo]) -> None:
        self._saved = saved
        self._rebuild_saved_menu()

    def _rebuild_saved_menu(self) -> None:
        m = self.saved_menu
        m.clear()
        for info in self._saved:
            act = m.addAction(info.name)
            act.setObjectName(f"savedFilter_{info.id}")
            act.triggered.connect(lambda _=False, i=info: self.apply_filter(i.filter, i.sort))
        if self._saved:
            m.addSeparator()
        save = m.addAction(self.tr("Save current filter as…"))
        save.triggered.connect(self._on_save_filter_triggered)
        if self._saved:
            sub = m.addMenu(self.tr("Delete"))
            for info in self._saved:
                act = sub.addAction(info.name)
                act.triggered.connect(lambda _=False, i=info: self.delete_saved_filter(i.id))
        reset = m.addAction(self.tr("Default filter"))
        reset.triggered.connect(lambda: self.apply_filter(self.default_filter(), "deadline"))

    @Slot()
    def _on_save_filter_triggered(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Save filter"), self.tr("Name:"))
        if ok and name.strip():
            self.save_filter_as(name.strip())

    def save_filter_as(self, name: str) -> None:
        uid, view, f, sort = self.user.id, self.view_name, self._filter, self._sort
        self._runner.submit(
            lambda s: save_filter(s, uid, view, name, f, sort),
            success=lambda _info: self._load_saved_filters(),
            failure=lambda exc: self.show_message(actions.error_message(exc), "error"),
            owner=self,
            name="queue.save_filter",
        )

    def delete_saved_filter(self, filter_id: int) -> None:
        uid = self.user.id
        self._runner.submit(
            lambda s: delete_filter(s, uid, filter_id),
            success=lambda _ok: self._load_saved_filters(),
            failure=lambda exc: self.show_message(actions.error_message(exc), "error"),
            owner=self,
            name="queue.delete_filter",
        )

    @property
    def saved_filters(self) -> list[SavedFilterInfo]:
        return list(self._saved)

    # --- selection, details ---

    def selected_rows(self) -> list[Any]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.item(r) for r in rows if r < self.model.rowCount()]

    def _incident_id(self, row: Any) -> int:
        return row.id if self.kind == "incidents" else row.incident_id

    @Slot()
    def _on_selection_changed(self, *_args: Any) -> None:
        self._update_selection_actions()

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.model.item(current.row())
        inc_id = self._incident_id(row)
        order_id = row.id if self.kind == "orders" else None
        self.details.clear_message()
        self.load_details(inc_id, order_id)
        self.sig_incident_selected.emit(inc_id)

    def _update_selection_actions(self) -> None:
        n = len(self.table.selectionModel().selectedRows()) if self.table.model() else 0
        self.selection_label.setText(self.tr("%1 selected").replace("%1", str(n)))
        for b in (self.bulk_accept, self.bulk_dispatch, self.bulk_template):
            b.setEnabled(n > 0)

    def load_details(self, incident_id: int, order_id: int | None = None) -> None:
        self._details_for = (incident_id, order_id)
        self._runner.submit(
            lambda s: record_details.details(
                s, incident_id, focus_order_id=order_id, actor=self.actor
            ),
            success=lambda d: self._on_details(incident_id, order_id, d),
            failure=lambda exc: self.show_message(actions.error_message(exc), "error"),
            owner=self,
            name="queue.details",
        )

    def _on_details(
        self, incident_id: int, order_id: int | None, d: record_details.Details | None
    ) -> None:
        if self._details_for != (incident_id, order_id):
            return
        self.details.show_details(
            d, order_actions_only=self.view_name == "inbox", order_first=self.kind == "orders"
        )

    def select_incident(self, incident_id: int) -> None:
        """Select the incident's row (for the map); loads it when it is not held."""
        self.details.clear_message()
        if self.kind == "incidents":
            row = self.model.row_of(incident_id)
            if row >= 0:
                self._select_row(row)
                return
            self._pending_select = incident_id
            self.model.jump_to_id(incident_id)
        else:
            for r in range(self.model.rowCount()):
                if self.model.item(r).incident_id == incident_id:
                    self._select_row(r)
                    return
            self.load_details(incident_id)

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    # --- jumping ---

    def jump_to(self, number: str) -> None:
        number = number.strip().upper()
        if number:
            self._jump_number = number
            self.jump_notice.hide()
            self.model.jump(number)

    def reset_filters(self) -> None:
        """Every filter back to how the queue opens (status, channel, category, town, priority,
        overdue, waiting, search, the map's area); the sort stays."""
        self._polygon = None
        self.area_chip.hide()
        self.apply_filter(self.default_filter())

    def clear_filters_and_show(self) -> None:
        """After a jump to a number outside the filter: show the whole queue (every status, no
        area) and go to that number."""
        number = getattr(self, "_jump_number", "")
        self._polygon = None
        self.area_chip.hide()
        self.apply_filter(svc.QueueFilter())
        if number:
            self.jump_to(number)

    def _show_jump_notice(self, text: str, offer_clear: bool) -> None:
        self.jump_message.setText(text)
        self.jump_clear.setVisible(offer_clear)
        self.jump_notice.show()
        self.sig_message.emit(text, "info" if offer_clear else "error")

    @Slot()
    def _on_jump_edit_return_pressed(self) -> None:
        self.jump_to(self.jump_edit.text())

    @Slot(int, bool)
    def _on_model_sig_jumped(self, row: int, exists: bool) -> None:
        number = getattr(self, "_jump_number", "")
        pending, self._pending_select = self._pending_select, None
        if row >= 0:
            self._select_row(row)
            return
        if pending is not None:
            self.load_details(pending)  # not in this filter: show it anyway
            self.show_message(
                self.tr(
                    "This incident is not in the current list (check the "
                    "filter); its details are shown."
                ),
                "info",
            )
            return
        if not exists:
            self._show_jump_notice(
                self.tr("No incident or order has the number %1.").replace("%1", number), False
            )
        else:
            self._show_jump_notice(
                self.tr("%1 exists but is not in the current list (the filter hides it).").replace(
                    "%1", number
                ),
                True,
            )

    @Slot()
    def _update_earlier_button(self, *_args: Any) -> None:
        self.earlier_button.setVisible(not self.model.at_start and self.model.rowCount() > 0)

    # --- counts, messages ---

    @Slot(int, bool)
    def _on_model_sig_count_changed(self, n: int, exact: bool) -> None:
        if exact:
            self.count_label.setText(self.tr("%1 in all").replace("%1", f"{n:,}"))
            self.count_label.setToolTip("")
        else:
            self.count_label.setText(self.tr("about %1").replace("%1", f"{n:,}"))
            self.count_label.setToolTip(
                self.tr(
                    "An estimate: more than %1 rows match, which are not counted one by one."
                ).replace("%1", f"{svc.EXACT_COUNT_LIMIT:,}")
            )

    @Slot(int)
    def _on_model_sig_new_rows(self, n: int) -> None:
        self.new_banner.setText(
            self.tr("%1 new or changed rows match the filter — click to refresh").replace(
                "%1", str(n)
            )
        )
        self.new_banner.setVisible(n > 0)

    @Slot(bool)
    def _on_model_sig_loading_changed(self, loading: bool) -> None:
        self.refresh_button.setEnabled(not loading)

    @Slot(str)
    def _on_model_sig_failed(self, message: str) -> None:
        self.show_message(self.tr("Could not read the queue: %1").replace("%1", message), "error")

    def show_message(self, text: str, kind: str = "error") -> None:
        self.details.show_message(text, kind)
        self.sig_message.emit(text, kind)

    # --- actions ---

    def _target(self, row: Any, kind: str) -> Target:
        return Target(
            kind, row.id, row.version, row.number, row.category_code, row.town_id, row.status, row
        )

    @Slot(str, str, object)
    def _on_details_sig_action_requested(self, kind: str, name: str, target: Target) -> None:
        self.start_action(kind, name, [target])

    def open_photo(self, progress_id: int, index: int) -> None:
        """Show a photo attached to a progress report (read off the GUI thread)."""

        def shown(found: tuple[str, bytes] | None) -> None:
            if found is None:
                self.show_message(self.tr("The photo is no longer there."), "error")
                return
            dialog = PhotoDialog(*found, parent=self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
            self.photo_dialog = dialog

        self._runner.submit(
            lambda s: attachment_data(s, progress_id, index, actor=self.actor),
            success=shown,
            failure=lambda exc: self.show_message(actions.error_message(exc), "error"),
            owner=self,
            name="queue.photo",
        )

    def press_action(self, wanted: tuple[tuple[str, str], ...]) -> bool:
        """The first of ``wanted`` the details panel offers now, as if its button was pressed
        (a keyboard shortcut); False when none is offered."""
        buttons = self.details.action_buttons()
        for key in wanted:
            button = buttons.get(key)
            # a button just made for the details shown is not visible until the event loop
            # shows it (Qt queues that): only one hidden on purpose is not offered
            hidden = button is not None and (
                button.isHidden()
                and button.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
            )
            if button is not None and button.isEnabled() and not hidden:
                button.click()
                return True
        return False

    @Slot(int)
    def edit_incident(self, incident_id: int) -> None:
        """编辑/补充 the incident shown in the details panel (the center's roles)."""
        from command_center.views.intake.edit_dialog import EditIncidentDialog

        d = self.details.details
        if d is None or d.incident.id != incident_id:
            return
        dialog = EditIncidentDialog(self._runner, self.actor, d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_saved.connect(self._on_incident_edited)
        self.edit_dialog = dialog
        dialog.open()

    def ask_public_summary(self, current: str) -> str | None:
        """The public summary as the operator approves it (None: cancelled; "" withdraws)."""
        text, ok = QInputDialog.getMultiLineText(
            self,
            self.tr("Public summary"),
            self.tr(
                "What the public Open311 list shows of this incident. Leave out names, phone "
                "numbers and flat numbers; empty: the public sees only the category."
            ),
            current,
        )
        return text if ok else None

    def edit_public_summary(self, incident_id: int) -> None:
        """公开摘要: approve what the public sees of the incident shown (the center's roles)."""
        from command_center.services import open311_api

        d = self.details.details
        if d is None or d.incident.id != incident_id:
            return
        inc = d.incident
        suggestion = d.public_summary or " · ".join(
            x for x in (inc.category_name, inc.town_name) if x
        )
        text = self.ask_public_summary(suggestion)
        if text is None:
            return
        actor = self.actor
        self._runner.submit(
            lambda s: open311_api.set_public_summary(s, actor, incident_id, text),
            success=lambda _=None: self._on_incident_edited(incident_id),
            failure=lambda exc: self.show_message(str(exc), "error"),
            owner=self,
            name="queue.public_summary",
        )

    def _on_incident_edited(self, incident_id: int) -> None:
        self.show_message(self.tr("Saved; the change is in the incident's history."), "ok")
        if self._details_for and self._details_for[0] == incident_id:
            self.load_details(*self._details_for)

    def ask_reveal_reason(self) -> str | None:
        """Why the operator wants the reporter unmasked (None: cancelled)."""
        zh = words.language() == "zh"
        items = [r[0] if zh else r[1] for r in personal.REASONS]
        reason, ok = QInputDialog.getItem(
            self,
            self.tr("Show the reporter in full"),
            self.tr("Why? (recorded in the audit log)"),
            items,
            0,
            True,
        )
        return reason.strip() if ok and reason.strip() else None

    @Slot(int)
    def reveal_reporter(self, incident_id: int) -> None:
        """Unmask the reporter of ``incident_id`` for the operator, with a reason the database
        records; shown until another incident is selected."""
        reason = self.ask_reveal_reason()
        if reason is None:
            return
        actor = self.actor

        def reveal(s: Any) -> personal.Reporter:
            got = personal.reveal_reporter(s, actor, incident_id, reason)
            s.commit()
            return got

        self._runner.submit(
            reveal,
            success=lambda r: self.details.show_reporter(incident_id, r.name, r.phone),
            failure=lambda exc: self.show_message(actions.error_message(exc), "error"),
            owner=self,
            name="queue.reveal",
        )

    def bulk_action(self, name: str) -> None:
        rows = self.selected_rows()
        self._update_selection_actions()
        if not rows:
            self.show_message(
                self.tr(
                    "Nothing is selected: select the rows first (the selection is cleared when "
                    "the list is read again)."
                ),
                "info",
            )
            return
        kind = "incident" if self.kind == "incidents" else "order"
        if name == "answer" and kind == "order":
            targets = [
                Target(
                    "incident",
                    r.incident_id,
                    None,
                    r.incident_number,
                    r.category_code,
                    r.town_id,
                    r.incident_status,
                    r,
                )
                for r in rows
            ]
            self.start_action("incident", "answer", targets)
            return
        self.start_action(kind, name, [self._target(r, kind) for r in rows])

    def start_action(
        self,
        kind: str,
        name: str,
        targets: list[Target],
        inputs: Inputs | None = None,
    ) -> None:
        """Read what the dialog needs, ask the operator, run the action (for each target)."""
        if inputs is not None:
            self._run_action(kind, name, targets, inputs)
            return
        self._runner.submit(
            lambda s: lifecycle_actions.prepare(s, kind, name, targets),
            success=lambda prep: self._ask_and_run(kind, name, targets, prep),
            failure=lambda exc: self.show_message(actions.error_message(exc), "error"),
            owner=self,
            name="queue.prepare",
        )

    def _ask_and_run(self, kind: str, name: str, targets: list[Target], prep: Prepared) -> None:
        if self._closed:
            return
        inputs = actions.ask(self, kind, name, targets, prep)
        if inputs is not None:
            self._run_action(kind, name, targets, inputs)

    def _run_action(self, kind: str, name: str, targets: list[Target], inputs: Inputs) -> None:
        actor = self.actor
        self.details.show_message(self.tr("Working…"), "info")
        self._runner.submit(
            lambda s: lifecycle_actions.run_bulk(s, actor, name, targets, lambda _t: inputs),
            success=lambda out: self._on_action_done(kind, name, targets, out, inputs),
            failure=lambda exc: self._on_action_failed(targets, exc),
            owner=self,
            name=f"queue.{kind}.{name}",
        )

    def _on_action_done(
        self,
        kind: str,
        name: str,
        targets: list[Target],
        out: BulkOutcome,
        inputs: Inputs | None = None,
    ) -> None:
        label = actions.action_label(kind, name).rstrip("…")
        unreached = name == "close" and inputs is not None and not inputs.reached
        if out.interrupted:
            text = out.interrupted
            if out.unknown:
                text += "\n" + self.tr("Not known whether it went through: %1").replace(
                    "%1", ", ".join(out.unknown)
                )
            if out.not_done:
                shown = ", ".join(out.not_done[:8]) + ("…" if len(out.not_done) > 8 else "")
                text += "\n" + self.tr("Not done (%1): %2").replace(
                    "%1", str(len(out.not_done))
                ).replace("%2", shown)
            if out.failed:
                text += "\n" + "\n".join(f"{num}: {msg}" for num, msg in out.failed[:8])
            self.show_message(text, "error")
        elif len(targets) == 1:
            if out.failed:
                self.show_message(
                    actions.error_message_text(out.failed[0][1], out.conflicts > 0), "error"
                )
            elif unreached:
                self.show_message(
                    self.tr(
                        "%1: the reporter could not be reached. The attempt is recorded; the "
                        "incident stays open for another visit."
                    ).replace("%1", targets[0].number),
                    "info",
                )
            else:
                self.show_message(
                    self.tr("%1: done for %2.")
                    .replace("%1", label)
                    .replace("%2", targets[0].number),
                    "ok",
                )
        else:
            text = (
                self.tr("%1: done for %2 of %3.")
                .replace("%1", label)
                .replace("%2", str(len(out.done)))
                .replace("%3", str(len(targets)))
            )
            if out.failed:
                text += "\n" + "\n".join(f"{num}: {msg}" for num, msg in out.failed[:8])
                if len(out.failed) > 8:
                    text += "\n" + self.tr("… and %1 more").replace("%1", str(len(out.failed) - 8))
            self.show_message(text, "error" if out.failed else "ok")
        if out.done:
            self.sig_action_done.emit(name, ", ".join(out.done))
        self._reread(targets)

    def _on_action_failed(self, targets: list[Target], exc: BaseException) -> None:
        self.show_message(actions.error_message(exc), "error")
        self._reread(targets)

    def _reread(self, targets: list[Target]) -> None:
        """After an action (or its refusal) the rows and the details read again."""
        inc_ids = {t.id for t in targets if t.kind == "incident"}
        order_ids = {t.id for t in targets if t.kind == "order"}
        if self.kind == "incidents":
            self.model.refresh_ids(inc_ids, incident_ids=())
            if order_ids:
                self.model.refresh_ids(
                    {getattr(t.row, "incident_id", 0) for t in targets if t.kind == "order"}
                )
        else:
            self.model.refresh_ids(order_ids, incident_ids=inc_ids)
        if self._details_for is not None:
            self.load_details(*self._details_for)

    # --- live changes ---

    @Slot(object)
    def _on_live_sig_changes(self, changes: Changes) -> None:
        if self._closed:
            return
        if changes.reload:  # a bulk write: read anew
            self.reload()
            return
        orders_ids = set(changes.ids_of("work_orders"))
        inc_ids = set(changes.ids_of("incidents"))
        if not orders_ids and not inc_ids:
            return
        if self.kind == "incidents":
            self.model.refresh_ids(inc_ids)
            if orders_ids:
                self._runner.submit(
                    lambda s: {
                        r.incident_id
                        for r in svc.rows_by_ids(s, svc.Query("orders"), orders_ids)[0]
                    },
                    success=lambda ids: self.model.refresh_ids(ids),
                    owner=self,
                    name="queue.orders_to_incidents",
                )
        else:
            self.model.refresh_ids(orders_ids, incident_ids=inc_ids)
        if self._details_for is not None:
            inc_id, _ = self._details_for
            if inc_id in inc_ids or orders_ids:
                self.load_details(*self._details_for)

    @Slot()
    def _on_live_sig_reconnected(self) -> None:
        if self._closed:
            return
        # what changed while we were away is unknown: read the rows held again
        ids = self.model.ids()
        if ids:
            self.model.refresh_ids(ids)

    # --- the clock and the end ---

    @Slot()
    def _on_tick_timer_timeout(self) -> None:
        self.model.tick()
        self.details.tick()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._closed and not self._tick_timer.isActive():
            self._tick_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._tick_timer.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the timers; live changes are ignored from now on."""
        self._closed = True
        self._tick_timer.stop()


def _find_data(combo: QComboBox, value: Any) -> int:
    """``findData`` that compares Python values (tuples do not survive QVariant comparison)."""
    for i in range(combo.count()):
        data = combo.itemData(i)
        if isinstance(value, tuple) and isinstance(data, (list, tuple)):
            if tuple(data) == value:
                return i
        elif data == value:
            return i
    return -1


def _status_label(source: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("QueueStatus", source)


class PhotoDialog(QDialog):
    """One photo of a progress report, fitted to the screen."""

    def __init__(self, name: str, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(name)
        self.image = QLabel(self)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pixmap = QPixmap()
        self.loaded = pixmap.loadFromData(data)
        if self.loaded:
            screen = self.screen().availableGeometry() if self.screen() else None
            limit = (screen.width() * 3 // 4, screen.height() * 3 // 4) if screen else (1200, 800)
            if pixmap.width() > limit[0] or pixmap.height() > limit[1]:
                pixmap = pixmap.scaled(
                    limit[0],
                    limit[1],
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            self.image.setPixmap(pixmap)
        else:
            self.image.setText(self.tr("This file cannot be shown as a picture."))
        layout = QVBoxLayout(self)
        layout.addWidget(self.image)


def _all_rows(query: svc.Query, display: Any) -> Any:
    """Every row of ``query``, a page at a time, as the table shows them (read on a worker)."""

    def rows(session: Any, job: Any) -> Any:
        after = None
        while True:
            job.check()
            page = svc.page(session, query, after, limit=1000)
            for row in page.rows:
                yield display(row)
            if page.exhausted or not page.rows:
                return
            after = page.cursor

    return rows


class IncidentQueueView(QueueView):
    """事件队列: incidents, open ones by time limit first."""

    kind = "incidents"
    view_name = "incidents"


class WorkOrderQueueView(QueueView):
    """工单队列: work orders of every department."""

    kind = "orders"
    view_name = "orders"

    def __init__(
        self,
        runner: OpsRunner,
        live: LiveChannel | None,
        user: UserInfo,
        parent: QWidget | None = None,
        *,
        page_size: int = svc.PAGE_SIZE,
    ) -> None:
        super().__init__(runner, live, user, parent, page_size=page_size)
        self.bulk_accept.hide()  # signing for orders is the departments' own


def main(argv: list[str] | None = None) -> int:
    from command_center.views.standalone import run_view

    argv = list(sys.argv[1:] if argv is None else argv)
    orders = "--orders" in argv
    if orders:
        argv.remove("--orders")
    cls = WorkOrderQueueView if orders else IncidentQueueView
    return run_view(
        lambda ctx: cls(ctx.runner, ctx.live, ctx.user),
        title="工单队列 Work orders" if orders else "事件队列 Incidents",
        argv=argv,
    )


if __name__ == "__main__":
    sys.exit(main())
