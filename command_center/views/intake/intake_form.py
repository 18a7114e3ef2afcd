"""The intake form (事件登记): an operator taking a call.

Channel, category (three levels, searchable), title, description, the address with completion
from the county's gazetteer, the location (typed, or picked on the main map: the window connects
``sig_pick_on_map_requested`` to the map and calls :meth:`IntakeFormView.set_location`), the
reporter and the priority. While the operator types, the form shows where the incident will be
placed (or that it lies outside the county / has no location), the department routing suggests
with its reason, and reports that may be the same problem, each with "save and merge into this
one". Ctrl+Enter saves; the form then clears and shows the new number.

What the operator types is kept on the workstation half a second after each edit (QSettings,
see :data:`DRAFT_KEY`), so a restart, a crash or a power cut loses nothing: the next form of the
same login puts it back and says so; nothing is saved to the database until the operator
presses save. A save that fails because the connection is lost keeps the input and says so.

All database work goes through the OpsRunner; nothing blocks the GUI thread.

Run alone: ``python -m command_center.views.intake.intake_form [--database-url URL]``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import sys
from dataclasses import dataclass
from typing import Any

import psycopg
import psycopg.errors
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QSettings,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from command_center.services import gazetteer, intake, learned_routing
from command_center.services.audit import Actor
from command_center.services.intake import CreatedIncident, IncidentDraft, IntakePreview
from command_center.views.words import name_text, places_text
from command_center.workers.ops import OpsRunner

log = logging.getLogger(__name__)

PREVIEW_DELAY_MS = 400
COMPLETE_DELAY_MS = 150
DRAFT_DELAY_MS = 500
DRAFT_KEY = "intake/draft"
"""The unsaved call, as JSON, under ``intake/draft/<user name>`` in QSettings.

The reporter's name and phone are personal data. The draft holding them lives only on this
workstation, in the settings of the operating-system account the program runs under, under
the key of the login that typed it (another login on the same workstation never sees it), and
it is removed as soon as the call is saved or the form is cleared (清空) or emptied."""
DRAFT_VERSION = 1
DRAFT_FIELDS = (
    "channel",
    "title",
    "category",
    "description",
    "address",
    "location",
    "reporter_name",
    "reporter_phone",
    "priority",
    "no_location_reason",
)
COLOURS = {"ok": "#1b7f3b", "warning": "#b26a00", "error": "#c62828", "muted": "#5f6b7a"}


LEARNED_KEY = "Ctrl+Shift+L"  # takes the learned suggestion (intake and the dispatch dialog)


@dataclass(frozen=True)
class FormChoices:
    channels: list[tuple[str, str, str]]  # code, name, name_en
    categories: list[tuple[str, str | None, int, str, str]]  # code, parent, level, name, name_en


def load_choices(session: Session) -> FormChoices:
    from command_center.services.choices import choices as read_choices

    choices = read_choices(session)
    gazetteer.get(session)  # built now, so the first completion is quick
    return FormChoices(
        choices.channels,
        [
            (code, parent, level, name, name_en)
            for code, name, level, parent, name_en in choices.categories
        ],
    )


# OperationalErrors that do not mean the connection is gone: the statement was cancelled or
# timed out, waited for a lock, lost a deadlock or a serialization check, or the server is out
# of disk or memory. Everything else of that class (a connection refused, broken, terminated,
# a server shutting down or not accepting connections) is a lost connection.
_NOT_A_LOST_CONNECTION = (
    psycopg.errors.QueryCanceled,
    psycopg.errors.LockNotAvailable,
    psycopg.errors.TransactionRollback,
    psycopg.errors.DiskFull,
    psycopg.errors.OutOfMemory,
)


def connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` says the database could not be reached or the connection broke."""
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated or isinstance(exc, InterfaceError):
            return True
        if not isinstance(exc, OperationalError):
            return False
        exc = exc.orig if exc.orig is not None else exc
        if not isinstance(exc, psycopg.Error):  # an OperationalError without a driver error
            return True
    if isinstance(exc, psycopg.InterfaceError):
        return True
    return isinstance(exc, psycopg.OperationalError) and not isinstance(exc, _NOT_A_LOST_CONNECTION)


def lon_lat_text(lon: float | None, lat: float | None) -> str:
    """ "100.850033, 38.471608" (what the operator typed, as numbers)."""
    return "" if lon is None or lat is None else f"{lon:g}, {lat:g}"


def error_text(exc: BaseException) -> str:
    """What went wrong, as the driver or server said it: for a database error its message
    without the statement and its parameters (which hold what the operator typed)."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return str(exc.orig).strip() or type(exc.orig).__name__
    return str(exc).strip() or type(exc).__name__


def priority_labels() -> tuple[tuple[int, str], ...]:
    """The priorities as the intake form and the edit dialog offer them, in the interface's
    language."""
    return (
        (1, QCoreApplication.translate("IntakeFormView", "1 · Urgent")),
        (2, QCoreApplication.translate("IntakeFormView", "2 · High")),
        (3, QCoreApplication.translate("IntakeFormView", "3 · Normal")),
        (4, QCoreApplication.translate("IntakeFormView", "4 · Low")),
    )


class CategoryPicker(QWidget):
    """The three-level taxonomy as a tree with a search field; only leaves can be chosen."""

    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setObjectName("intakeCategorySearch")
        self.search.setPlaceholderText(self.tr("Search categories, e.g. 噪音"))
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("intakeCategoryTree")
        self.tree.setHeaderHidden(True)
        self.tree.setMinimumHeight(120)
        self.tree.setMaximumHeight(200)
        self.chosen = QLabel(self)
        self.chosen.setWordWrap(True)  # a long English path
        self.chosen.setObjectName("intakeCategoryChosen")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.chosen)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._code: str | None = None
        self._names: dict[str, tuple[str, str]] = {}  # code: (name, name_en)
        self._parents: dict[str, str | None] = {}
        self.search.textChanged.connect(self._on_search_textChanged)
        self.search.returnPressed.connect(self._on_search_returnPressed)
        self.tree.currentItemChanged.connect(self._on_tree_currentItemChanged)
        self._show_chosen()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search categories, e.g. 噪音"))
        self._name_items()
        self._on_search_textChanged(self.search.text())
        self._show_chosen()

    def set_categories(self, rows: list[tuple[str, str | None, int, str, str]]) -> None:
        self.tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        self._names = {code: (name, name_en) for code, _p, _l, name, name_en in rows}
        self._parents = {code: parent for code, parent, *_ in rows}
        for code, parent, *_ in rows:
            above = items.get(parent) if parent else None
            item = QTreeWidgetItem([""])
            item.setData(0, Qt.ItemDataRole.UserRole, code)
            if above is None:
                self.tree.addTopLevelItem(item)
            else:
                above.addChild(item)
            items[code] = item
        self._leaves = {c for c, *_ in rows} - {p for _, p, *_ in rows if p}
        self._name_items()

    def _name_items(self) -> None:
        """Each category by its name in the interface language (both names are searched)."""
        it = QTreeWidgetItemIterator(self.tree)
        while it.value():
            item = it.value()
            item.setText(
                0, name_text(*self._names.get(item.data(0, Qt.ItemDataRole.UserRole), ("", "")))
            )
            it += 1

    def path_of(self, code: str) -> str:
        """The category and its parents, top first, in the interface language."""
        names: list[str] = []
        at: str | None = code
        while at is not None and at in self._names and len(names) < 10:
            names.insert(0, name_text(*self._names[at]))
            at = self._parents.get(at)
        return " / ".join(names) or code

    def code(self) -> str | None:
        return self._code

    def set_code(self, code: str | None) -> None:
        it = QTreeWidgetItemIterator(self.tree)
        while it.value():
            item = it.value()
            if item.data(0, Qt.ItemDataRole.UserRole) == code:
                self.tree.setCurrentItem(item)
                return
            it += 1
        self._code = None
        self.tree.setCurrentItem(None)  # type: ignore[arg-type]
        self._show_chosen()

    def clear(self) -> None:
        self.search.clear()
        self.tree.collapseAll()
        self.set_code(None)

    @Slot(str)
    def _on_search_textChanged(self, query: str) -> None:
        q = query.strip()
        for i in range(self.tree.topLevelItemCount()):
            self._filter(self.tree.topLevelItem(i), q)
        if q:
            self.tree.expandAll()
        else:
            self.tree.collapseAll()

    @Slot()
    def _on_search_returnPressed(self) -> None:
        """Enter takes the only category the search leaves; with several, none is chosen."""
        if not self.search.text().strip():
            return
        shown = []
        it = QTreeWidgetItemIterator(self.tree)
        while it.value():
            item = it.value()
            leaf = item.data(0, Qt.ItemDataRole.UserRole) in getattr(self, "_leaves", set())
            if leaf and not item.isHidden():  # a shown leaf's parents are shown too
                shown.append(item)
            it += 1
        if len(shown) == 1:
            self.tree.setCurrentItem(shown[0])
            self.tree.scrollToItem(shown[0])

    def _filter(self, item: QTreeWidgetItem, q: str) -> bool:
        name, name_en = self._names.get(item.data(0, Qt.ItemDataRole.UserRole), ("", ""))
        own = not q or q in name or q.casefold() in (name_en or "").casefold()
        child_hit = False
        for i in range(item.childCount()):
            # children of a matching parent are all shown
            child_hit |= self._filter(item.child(i), "" if own and q else q)
        visible = own or child_hit
        item.setHidden(not visible)
        return visible

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_tree_currentItemChanged(self, item: QTreeWidgetItem | None, _prev: object) -> None:
        code = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        self._code = code if code in getattr(self, "_leaves", set()) else None
        self._show_chosen()
        self.sig_changed.emit()

    def _show_chosen(self) -> None:
        if self._code:
            self.chosen.setText(self.path_of(self._code))
            self.chosen.setStyleSheet(f"color: {COLOURS['ok']};")
        else:
            self.chosen.setText(self.tr("No category chosen (choose a leaf)"))
            self.chosen.setStyleSheet(f"color: {COLOURS['muted']};")


class IntakeFormView(QWidget):
    """See the module docstring."""

    sig_pick_on_map_requested = Signal()
    """The operator wants to pick the location on the main map; answer with set_location."""

    sig_incident_created = Signal(int)
    """An incident was saved. Arguments: its id."""

    def __init__(self, runner: OpsRunner, user: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("intakeForm")
        self._runner = runner
        self._user = user
        self._actor = Actor(user.id, user.display_name)
        self._generation = 0  # the newest preview asked for; older answers are dropped
        self._complete_generation = 0
        self._lon: float | None = None
        self._lat: float | None = None
        self._saving = False
        self._shut_down = False
        self.outside_question: QMessageBox | None = None
        """The question asked before saving a point outside the county (while it is open)."""
        self._last_created: CreatedIncident | None = None
        self._preview: IntakePreview | None = None
        # the draft kept on this workstation (see DRAFT_KEY)
        self._draft_key = f"{DRAFT_KEY}/{user.username}"
        self._draft_dirty = False  # edited since the draft was last written
        self._draft_quiet = False  # filling the form ourselves: not an edit
        self._choices_loaded = False
        self._channel_names: dict[str, tuple[str, str]] = {}  # code: (name, name_en)
        self._pending_channel: str | None = None  # restored, waiting for the choices
        self._pending_category: str | None = None
        self._build()
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.flush_draft)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self._complete_timer = QTimer(self)
        self._complete_timer.setSingleShot(True)
        self._complete_timer.setInterval(COMPLETE_DELAY_MS)
        self._complete_timer.timeout.connect(self._complete)
        self._runner.submit(
            load_choices,
            success=self._on_choices,
            failure=self._on_failure,
            owner=self,
            name="intake.choices",
        )
        # at once, not when the choices arrive: if the database is still down after the
        # restart, the operator has the call in front of them all the same
        self._restore_draft()

    # --- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.channel = QComboBox(self)
        self.channel.setObjectName("intakeChannel")
        self.category = CategoryPicker(self)
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("intakeTitle")
        self.title_edit.setMaxLength(intake.TITLE_FORM_MAX)
        self.title_edit.setPlaceholderText(self.tr("What is the problem, in a few words"))
        self.description = QPlainTextEdit(self)
        self.description.setObjectName("intakeDescription")
        self.description.setPlaceholderText(
            self.tr("What the caller says: what, where, since when")
        )
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(90)
        self.description.setMaximumHeight(160)
        self.address = QLineEdit(self)
        self.address.setObjectName("intakeAddress")
        self.address.setMaxLength(intake.ADDRESS_MAX)
        self.address.setPlaceholderText(self.tr("Town, village, landmark — e.g. 洪水镇益民村三社"))
        self._completion_model = QStringListModel(self)
        self._completer = QCompleter(self._completion_model, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self._completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.address.setCompleter(self._completer)
        self.location = QLineEdit(self)
        self.location.setObjectName("intakeLocation")
        self.location.setPlaceholderText(self.tr("longitude, latitude (GCJ-02)"))
        self.pick_button = QPushButton(self.tr("Pick on map"), self)
        self.pick_button.setObjectName("intakePickOnMap")
        self.clear_location_button = QPushButton(self.tr("Clear"), self)
        self.swap_button = QPushButton(self.tr("Swap longitude and latitude"), self)
        self.swap_button.setObjectName("intakeSwapLocation")
        self.swap_button.hide()  # offered when the numbers look swapped
        loc_row = QHBoxLayout()
        loc_row.setContentsMargins(0, 0, 0, 0)
        loc_row.addWidget(self.location, 1)
        loc_row.addWidget(self.swap_button)
        loc_row.addWidget(self.pick_button)
        loc_row.addWidget(self.clear_location_button)
        self.no_location = QLineEdit(self)
        self.no_location.setObjectName("intakeNoLocationReason")
        self.no_location.setMaxLength(200)
        self.no_location.setPlaceholderText(
            self.tr("Only if there is no place: why — e.g. 来电人不清楚具体位置")
        )
        self.reporter_name = QLineEdit(self)
        self.reporter_name.setObjectName("intakeReporterName")
        self.reporter_name.setMaxLength(intake.NAME_MAX)
        self.reporter_phone = QLineEdit(self)
        self.reporter_phone.setObjectName("intakeReporterPhone")
        self.reporter_phone.setMaxLength(intake.PHONE_MAX)
        reporter_row = QHBoxLayout()
        reporter_row.setContentsMargins(0, 0, 0, 0)
        reporter_row.addWidget(self.reporter_name, 1)
        self._phone_label = QLabel(self.tr("Phone"), self)
        reporter_row.addWidget(self._phone_label)
        reporter_row.addWidget(self.reporter_phone, 1)
        self.priority = QComboBox(self)
        self.priority.setObjectName("intakePriority")
        for value, label in priority_labels():
            self.priority.addItem(label, value)
        self.priority.setCurrentIndex(2)

        form = self._form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Channel"), self.channel)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Location"), loc_row)
        form.addRow(self.tr("No location"), self.no_location)
        form.addRow(self.tr("Caller"), reporter_row)
        form.addRow(self.tr("Priority"), self.priority)

        self.message = QLabel(self)
        self.message.setObjectName("intakeMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.message.linkActivated.connect(self._on_message_linkActivated)
        self.save_button = QPushButton(self.tr("Save (Ctrl+Enter)"), self)
        self.save_button.setObjectName("intakeSave")
        self.save_button.setDefault(True)
        self.clear_button = QPushButton(self.tr("Clear form"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addStretch(1)
        left_layout.addLayout(buttons)

        # --- live feedback ---
        self.placement_label = QLabel(self)
        self.placement_label.setObjectName("intakePlacement")
        self.placement_label.setWordWrap(True)
        placement_box = self._placement_box = QGroupBox(
            self.tr("Responsibility (where it will be placed)"), self
        )
        QVBoxLayout(placement_box).addWidget(self.placement_label)
        self.routing_label = QLabel(self)
        self.routing_label.setObjectName("intakeRouting")
        self.routing_label.setWordWrap(True)
        routing_box = self._routing_box = QGroupBox(self.tr("Routing suggestion"), self)
        routing_layout = QVBoxLayout(routing_box)
        routing_layout.addWidget(self.routing_label)
        # the learned suggestion (智能派单), beside the rules': what the words point to
        self.learned_label = QLabel(self)
        self.learned_label.setObjectName("intakeLearned")
        self.learned_label.setWordWrap(True)
        self.learned_button = QPushButton(self)
        self.learned_button.setObjectName("intakeLearnedAccept")
        self.learned_button.hide()
        routing_layout.addWidget(self.learned_label)
        routing_layout.addWidget(self.learned_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.duplicates = QTableWidget(0, 5, self)
        self.duplicates.setObjectName("intakeDuplicates")
        self.duplicates.setHorizontalHeaderLabels(
            [
                self.tr("Number"),
                self.tr("Title"),
                self.tr("Distance"),
                self.tr("Apart"),
                self.tr("Match"),
            ]
        )
        self.duplicates.verticalHeader().hide()
        self.duplicates.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.duplicates.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.duplicates.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.duplicates.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.duplicates_hint = QLabel(self)
        self.duplicates_hint.setWordWrap(True)
        self.duplicates_hint.setStyleSheet(f"color: {COLOURS['muted']};")
        self.merge_button = QPushButton(self.tr("Save and merge into the selected report"), self)
        self.merge_button.setObjectName("intakeMerge")
        self.merge_button.setEnabled(False)
        dup_box = self._dup_box = QGroupBox(self.tr("Possibly the same problem"), self)
        dup_layout = QVBoxLayout(dup_box)
        dup_layout.addWidget(self.duplicates_hint)
        dup_layout.addWidget(self.duplicates, 1)
        dup_layout.addWidget(self.merge_button)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(placement_box)
        right_layout.addWidget(routing_box)
        right_layout.addWidget(dup_box, 1)

        # Each side scrolls, and the sides stand one above the other when the form is too
        # narrow for both: the form never widens the window (a 1366×768 screen, English).
        self._panes = (left, right)
        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        for pane in self._panes:
            scroll = QScrollArea(splitter)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(pane)
            splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # brought forward (Ctrl+4: the main window focuses the dock's widget), the cursor is
        # in the first field, ready for the call
        self.setFocusProxy(self.channel)

        for edit in (self.title_edit, self.address, self.location):
            edit.textChanged.connect(self._schedule_preview)
        self.description.textChanged.connect(self._schedule_preview)
        self.category.sig_changed.connect(self._schedule_preview)
        self.address.textEdited.connect(self._on_address_textEdited)
        self.location.editingFinished.connect(self._on_location_editingFinished)
        self.pick_button.clicked.connect(self.sig_pick_on_map_requested)
        self.clear_location_button.clicked.connect(self._on_clear_location_clicked)
        self.swap_button.clicked.connect(self._on_swap_button_clicked)
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.clear_form)
        self.merge_button.clicked.connect(self._on_merge_button_clicked)
        self.learned_button.clicked.connect(self.accept_learned)
        learned_key = QShortcut(QKeySequence(LEARNED_KEY), self)
        learned_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        learned_key.activated.connect(self.accept_learned)
        self.duplicates.itemSelectionChanged.connect(self._on_duplicates_itemSelectionChanged)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save)
        for edit in (
            self.title_edit,
            self.address,
            self.location,
            self.reporter_name,
            self.reporter_phone,
            self.no_location,
        ):
            edit.textChanged.connect(self._schedule_draft)
        self.description.textChanged.connect(self._schedule_draft)
        self.category.sig_changed.connect(self._schedule_draft)
        self.channel.currentIndexChanged.connect(self._schedule_draft)
        self.priority.currentIndexChanged.connect(self._schedule_draft)
        self._show_preview(None)

    def focus_first_field(self) -> None:
        """Put the cursor in the form's first field (the window calls it, or focuses the form:
        the same)."""
        self.channel.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- choices ------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Every word of the form in the interface's language again (the fields keep what was
        typed; the panels on the right are asked again)."""
        self.title_edit.setPlaceholderText(self.tr("What is the problem, in a few words"))
        self.description.setPlaceholderText(
            self.tr("What the caller says: what, where, since when")
        )
        self.address.setPlaceholderText(self.tr("Town, village, landmark — e.g. 洪水镇益民村三社"))
        self.location.setPlaceholderText(self.tr("longitude, latitude (GCJ-02)"))
        self.pick_button.setText(self.tr("Pick on map"))
        self.clear_location_button.setText(self.tr("Clear"))
        self.swap_button.setText(self.tr("Swap longitude and latitude"))
        self.no_location.setPlaceholderText(
            self.tr("Only if there is no place: why — e.g. 来电人不清楚具体位置")
        )
        self._phone_label.setText(self.tr("Phone"))
        for i, (_value, text_) in enumerate(priority_labels()):
            self.priority.setItemText(i, text_)
        rows = (
            (self.channel, self.tr("Channel")),
            (self.category, self.tr("Category")),
            (self.title_edit, self.tr("Title")),
            (self.description, self.tr("Description")),
            (self.address, self.tr("Address")),
            (self.no_location, self.tr("No location")),
            (self.priority, self.tr("Priority")),
        )
        for field, text_ in rows:
            label = self._form.labelForField(field)
            if isinstance(label, QLabel):
                label.setText(text_)
        for row, text_ in ((5, self.tr("Location")), (7, self.tr("Caller"))):
            item = self._form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel):
                label.setText(text_)
        self.save_button.setText(self.tr("Save (Ctrl+Enter)"))
        self.clear_button.setText(self.tr("Clear form"))
        self._placement_box.setTitle(self.tr("Responsibility (where it will be placed)"))
        self._routing_box.setTitle(self.tr("Routing suggestion"))
        self._show_learned(self._preview.learned if self._preview is not None else None)
        self._dup_box.setTitle(self.tr("Possibly the same problem"))
        self.merge_button.setText(self.tr("Save and merge into the selected report"))
        self.duplicates.setHorizontalHeaderLabels(
            [
                self.tr("Number"),
                self.tr("Title"),
                self.tr("Distance"),
                self.tr("Apart"),
                self.tr("Match"),
            ]
        )
        self.category.retranslate()
        self._name_channels()
        self._show_preview(self._preview)
        self.refresh_preview()

    def _on_choices(self, choices: FormChoices) -> None:
        self._draft_quiet = True
        try:
            current = self._pending_channel or self.channel.currentData()
            self.channel.clear()
            for code, name, name_en in choices.channels:
                self.channel.addItem(name_text(name, name_en), code)
            index = self.channel.findData(current) if current else -1
            if index < 0:
                index = self.channel.findData("hotline_12345")
            self.channel.setCurrentIndex(max(0, index))
            self._channel_names = {code: (name, en) for code, name, en in choices.channels}
            self.category.set_categories(choices.categories)
            self._choices_loaded = True
            if self._pending_category and self.category.code() is None:
                self.category.set_code(self._pending_category)
            self._pending_channel = self._pending_category = None
        finally:
            self._draft_quiet = False

    def _name_channels(self) -> None:
        """The channels by their names in the interface language."""
        for i in range(self.channel.count()):
            names = self._channel_names.get(self.channel.itemData(i))
            if names is not None:
                self.channel.setItemText(i, name_text(*names))

    # --- location -----------------------------------------------------------------------

    @Slot(float, float)
    def set_location(self, lon: float, lat: float) -> None:
        """The point picked on the map (GCJ-02)."""
        self._lon, self._lat = float(lon), float(lat)
        self.location.setText(f"{self._lon:.6f}, {self._lat:.6f}")
        self.refresh_preview()

    def location_value(self) -> tuple[float | None, float | None]:
        return self._lon, self._lat

    def _parse_location(self, *, quiet: bool = False) -> bool:
        raw = self.location.text().strip().replace("，", ",")
        if not raw:
            self._lon = self._lat = None
            return True
        parts = [p for p in raw.replace(" ", ",").split(",") if p]
        try:
            lon, lat = (float(p) for p in parts)
        except ValueError:
            if quiet:
                return False
            self._show_message(self.tr("Type the location as: longitude, latitude"), "error")
            return False
        self._lon, self._lat = lon, lat
        return True

    @Slot()
    def _on_location_editingFinished(self) -> None:
        self._parse_location()
        self._schedule_preview()  # says what is wrong with a location that is no coordinate

    @Slot()
    def _on_swap_button_clicked(self) -> None:
        """Latitude and longitude were typed the other way round: put them right."""
        if self._lon is None or self._lat is None:
            return
        self.swap_button.hide()
        self.set_location(self._lat, self._lon)

    def _bad_location_text(self) -> str:
        return self.tr(
            "The location “%1” is not a coordinate: type longitude, latitude — e.g. "
            "100.850, 38.472 — or pick it on the map."
        ).replace("%1", self.location.text().strip())

    @Slot()
    def _on_clear_location_clicked(self) -> None:
        self._lon = self._lat = None
        self.swap_button.hide()
        self.location.clear()

    # --- completion ---------------------------------------------------------------------

    @Slot(str)
    def _on_address_textEdited(self, _text: str) -> None:
        self._complete_timer.start()

    @Slot()
    def _complete(self) -> None:
        query = self.address.text().strip()
        if not query:
            return
        self._complete_generation += 1
        generation = self._complete_generation
        self._runner.submit(
            lambda s: gazetteer.search(s, query, 15),
            success=lambda places: self._on_completions(generation, places),
            failure=self._on_failure,
            owner=self,
            name="intake.complete",
        )

    def _on_completions(self, generation: int, places: list[gazetteer.Place]) -> None:
        if generation != self._complete_generation:
            return
        # what the operator picks is the place's path, a valid address in itself
        self._completion_model.setStringList(
            [p.full_name.removeprefix("民乐县·").replace("·", "") for p in places]
        )
        if self.address.hasFocus() and places:
            self._completer.setCompletionPrefix(self.address.text())
            self._completer.complete()

    # --- preview ------------------------------------------------------------------------

    def draft(self) -> IncidentDraft:
        return IncidentDraft(
            channel_code=self.channel.currentData() or "",
            title=self.title_edit.text(),
            category_code=self.category.code(),
            description=self.description.toPlainText(),
            address=self.address.text() or None,
            lon=self._lon,
            lat=self._lat,
            reporter_name=self.reporter_name.text() or None,
            reporter_phone=self.reporter_phone.text() or None,
            priority=int(self.priority.currentData() or 3),
            no_location_reason=self.no_location.text().strip() or None,
        )

    @Slot()
    def _schedule_preview(self) -> None:
        if not self._shut_down:  # closing moves the focus: a field's editingFinished comes late
            self._preview_timer.start()

    @Slot()
    def refresh_preview(self) -> None:
        self._preview_timer.stop()
        if not self._parse_location(quiet=True):
            self._generation += 1  # an answer on its way is for the old text
            self.swap_button.hide()
            self._set_label(self.placement_label, self._bad_location_text(), "error")
            return
        draft = self.draft()
        if draft.lon is None and not draft.address and not draft.title.strip():
            self._show_preview(None)
            return
        self._generation += 1
        generation = self._generation
        self._runner.submit(
            lambda s: intake.preview(s, draft),
            success=lambda pv: self._on_preview(generation, pv),
            failure=self._on_failure,
            owner=self,
            name="intake.preview",
        )

    def _on_preview(self, generation: int, pv: IntakePreview) -> None:
        if generation == self._generation:
            self._show_preview(pv)

    def _show_preview(self, pv: IntakePreview | None) -> None:
        self._preview = pv
        if pv is None:
            self.swap_button.hide()
            self._set_label(
                self.placement_label,
                self.tr("Type an address or pick the place on the map."),
                "muted",
            )
            self._set_label(self.routing_label, self.tr("Choose a category."), "muted")
            self._show_learned(None)
            self._fill_duplicates([])
            return
        p = pv.placement
        rich = False
        where = places_text(p.town_name, p.village_name, p.grid_name, sep=" › ")
        path = f"<b>{html.escape(where)}</b><br>"
        self.swap_button.setVisible(pv.swapped)
        swapped = (
            " "
            + self.tr(
                "Latitude and longitude look swapped: the other way round the point is in "
                "the county. Press “Swap longitude and latitude”."
            )
            if pv.swapped
            else ""
        )
        if pv.point == "invalid":
            text_ = (
                self.tr(
                    "The coordinate %1 is not a place on Earth: the longitude comes first "
                    "(−180 to 180), then the latitude (−90 to 90)."
                ).replace("%1", f"{lon_lat_text(self._lon, self._lat)}")
                + swapped
            )
            kind = "error"
        elif p.flag == "ok":
            text_ = path + self.tr("Placed by the point (town › village › grid).")
            kind, rich = "ok", True
        elif p.flag == "outside":
            text_ = (
                self.tr(
                    "Outside the county — the point is in no grid. Check the location; "
                    "it will be saved flagged."
                )
                + swapped
            )
            kind = "error"
        elif p.source == "address":
            text_ = path + self.tr("By the address only, no point: pick it on the map if you can.")
            kind, rich = "warning", True
        else:
            text_ = self.tr(
                "No usable location — the address names no known place. It will be "
                "saved flagged for checking."
            )
            kind = "error"
        self._set_label(self.placement_label, text_, kind, rich=rich)
        s = pv.suggestion
        if s is None:
            self._set_label(
                self.routing_label,
                self.tr("No suggestion: choose a category.")
                if self.category.code() is None
                else self.tr("No rule or default department for this category."),
                "muted",
            )
        else:
            dept = name_text(s.department_name, getattr(s, "department_name_en", None))
            reason = name_text(s.reason, getattr(s, "reason_en", None))
            self._set_label(
                self.routing_label,
                f"<b>{html.escape(dept)}</b><br>{html.escape(reason)}",
                "ok",
                rich=True,
            )
        self._show_learned(pv.learned)
        self._fill_duplicates(pv.duplicates)

    def _show_learned(self, learned: Any) -> None:
        """The learned model's category path and department with their confidences and the
        words behind them (the caller's words: escaped, never markup)."""
        if learned is None or not learned.categories:
            self.learned_label.clear()
            self.learned_label.hide()
            self.learned_button.hide()
            return
        esc = html.escape
        lines = [
            self.tr("Learned from past incidents (model v%1):").replace("%1", str(learned.version)),
            self.tr("Category: %1 (%2)")
            .replace("%1", f"<b>{esc(name_text(learned.path, learned.path_en))}</b>")
            .replace("%2", f"{learned.category_confidence:.0%}"),
        ]
        if learned.category_reasons:
            lines.append(
                self.tr("because of: %1").replace("%1", esc("、".join(learned.category_reasons)))
            )
        if learned.department_name:
            lines.append(
                self.tr("Department: %1 (%2)")
                .replace(
                    "%1",
                    f"<b>{esc(name_text(learned.department_name, learned.department_name_en))}</b>",
                )
                .replace("%2", f"{learned.department_confidence:.0%}")
            )
            if learned.department_reasons:
                lines.append(
                    self.tr("because of: %1").replace(
                        "%1", esc("、".join(learned.department_reasons))
                    )
                )
        self._set_label(self.learned_label, "<br>".join(lines), "muted", rich=True)
        self.learned_label.show()
        same = learned.category_code == self.category.code()
        self.learned_button.setText(
            self.tr("Use the learned category (%1)").replace(
                "%1", QKeySequence(LEARNED_KEY).toString(QKeySequence.SequenceFormat.NativeText)
            )
        )
        self.learned_button.setVisible(not same)

    @Slot()
    def accept_learned(self) -> None:
        """One key takes the learned category (the operator can still change it)."""
        learned = self._preview.learned if self._preview is not None else None
        if learned is None or learned.category_code is None:
            return
        self.category.set_code(learned.category_code)
        self.learned_button.hide()

    def _fill_duplicates(self, dups: list[Any]) -> None:
        self.duplicates.setRowCount(0)
        for c in dups:
            row = self.duplicates.rowCount()
            self.duplicates.insertRow(row)
            local = c.reported_at.astimezone() if c.reported_at else None
            number = QTableWidgetItem(c.number)
            number.setData(Qt.ItemDataRole.UserRole, c.incident_id)
            if local is not None:
                number.setToolTip(local.strftime("%Y-%m-%d %H:%M"))
            title = QTableWidgetItem(c.title)
            title.setToolTip(c.title)
            dist = QTableWidgetItem(
                self.tr("%1 m").replace("%1", f"{c.distance_m:.0f}")
                if c.distance_m is not None
                else self.tr("same village")
            )
            hours = QTableWidgetItem(self.tr("%1 h").replace("%1", f"{c.hours_apart:.0f}"))
            sim = QTableWidgetItem(f"{c.score:.0%}")
            sim.setToolTip(self.tr("Words in common: %1").replace("%1", f"{c.similarity:.0%}"))
            for col, item in enumerate((number, title, dist, hours, sim)):
                if col != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.duplicates.setItem(row, col, item)
        if dups:
            self.duplicates_hint.setText(
                self.tr(
                    "%n report(s) nearby with similar words in the last days. If it is the "
                    "same problem, select it and merge: the caller gets its outcome.",
                    "",
                    len(dups),
                )
            )
            self.duplicates.selectRow(0)
        else:
            self.duplicates_hint.setText(self.tr("None found nearby in the last three days."))
        self._on_duplicates_itemSelectionChanged()

    @Slot()
    def _on_duplicates_itemSelectionChanged(self) -> None:
        self.merge_button.setEnabled(self._selected_duplicate() is not None and not self._saving)

    def _selected_duplicate(self) -> int | None:
        rows = self.duplicates.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.duplicates.item(rows[0].row(), 0)
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None

    # --- saving -------------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        self._submit_save(None)

    @Slot()
    def _on_merge_button_clicked(self) -> None:
        target = self._selected_duplicate()
        if target is not None:
            self._submit_save(target)

    def _submit_save(self, merge_into: int | None) -> None:
        if self._saving:
            return
        if not self._parse_location():
            return
        draft = self.draft()
        missing = intake.call_missing(draft)  # the service's rule (intake.take_call)
        self._mark_missing(missing)
        if missing:
            self._say_missing(missing)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.merge_button.setEnabled(False)
        if draft.lon is not None and draft.lat is not None:
            # a point outside the county is saved only when the operator says so
            lon, lat = draft.lon, draft.lat
            self._runner.submit(
                lambda s: (intake.check_point(s, lon, lat), intake.county_name(s)),
                success=lambda got: self._on_point_checked(draft, merge_into, *got),
                failure=self._on_save_failed,
                owner=self,
                name="intake.check_point",
            )
            return
        self._really_save(draft, merge_into)

    def _needed_widgets(self) -> dict[str, QWidget]:
        return {
            "title": self.title_edit,
            "category": self.category.search,
            "description": self.description,
            "place": self.address,
        }

    def _needed_words(self) -> dict[str, str]:
        return {
            "title": self.tr("a title"),
            "category": self.tr("a category of the third level"),
            "description": self.tr("a description"),
            "place": self.tr("an address or a point — or, if there is none, why"),
        }

    def _mark_missing(self, missing: tuple[str, ...]) -> None:
        """Red frames on the fields a call still needs (none: all cleared)."""
        for key, widget in self._needed_widgets().items():
            widget.setProperty("missing", key in missing)
            widget.setStyleSheet("border: 2px solid #c62828;" if key in missing else "")
        self.no_location.setStyleSheet("border: 2px solid #c62828;" if "place" in missing else "")

    def _say_missing(self, missing: tuple[str, ...]) -> None:
        words = self._needed_words()
        self._show_message(
            self.tr("Not saved yet — still needed: %1.").replace(
                "%1", self.tr(", ").join(words[k] for k in missing)
            ),
            "error",
        )
        self._needed_widgets()[missing[0]].setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_point_checked(
        self,
        draft: IncidentDraft,
        merge_into: int | None,
        checked: tuple[str, bool],
        county: str,
    ) -> None:
        point, swapped = checked
        if point != "outside":
            self._really_save(draft, merge_into)
            return
        text_ = self.tr(
            "The point %1 lies outside %2: it is in none of its grids, and the incident "
            "would be saved flagged “outside the county”.\n\nSave it all the same?"
        )
        text_ = text_.replace("%1", lon_lat_text(draft.lon, draft.lat)).replace("%2", county)
        if swapped:
            text_ += "\n\n" + self.tr(
                "Latitude and longitude look swapped: the other way round the point is in "
                "the county. Press “Swap longitude and latitude”."
            )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Outside %1?").replace("%1", county),
            text_,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Save outside the county"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Correct the location"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.outside_question = box

        def answered(result: int) -> None:
            self.outside_question = None
            if result == QMessageBox.StandardButton.Yes:
                self._really_save(draft, merge_into)
                return
            self._saving = False
            self.save_button.setEnabled(True)
            self._on_duplicates_itemSelectionChanged()
            self._show_message(self.tr("Not saved: correct the location, or clear it."), "warning")
            self.location.setFocus()

        box.finished.connect(answered)
        box.open()

    def _really_save(self, draft: IncidentDraft, merge_into: int | None) -> None:
        self._show_message(self.tr("Saving…"), "muted")
        actor = self._actor
        self._runner.submit(
            lambda s: intake.take_call(s, actor, draft, merge_into),
            success=lambda made: self._on_saved(made, merge_into is not None),
            failure=self._on_save_failed,
            owner=self,
            name="intake.save",
        )

    def _on_saved(self, made: CreatedIncident, merged: bool) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self._last_created = made
        self.clear_form()
        link = f'<a href="incident:{made.id}">{made.number}</a>'
        if merged:
            self._show_message(
                self.tr("Saved as %1 and merged as a repeated report.").replace("%1", link),
                "ok",
                rich=True,
            )
        elif made.auto is not None:
            undo = self.tr("Undo")
            self._show_message(
                self.tr(
                    "Saved as %1 and dispatched automatically to %2 (the learned model agrees "
                    "with the routing rules, %3). %4"
                )
                .replace("%1", link)
                .replace("%2", html.escape(made.auto.department_name))
                .replace("%3", f"{made.auto.confidence:.0%}")
                .replace("%4", f'<a href="undo-auto:{made.id}">{undo}</a>'),
                "ok",
                rich=True,
            )
        else:
            self._show_message(self.tr("Saved as %1.").replace("%1", link), "ok", rich=True)
        self.sig_incident_created.emit(made.id)

    def undo_auto_dispatch(self, incident_id: int) -> None:
        """Take back an automatic dispatch: the incident waits for a person to dispatch it."""
        actor = self._actor
        self._runner.submit(
            lambda s: learned_routing.undo_auto_dispatch(s, actor, incident_id),
            success=lambda _: self._show_message(
                self.tr("Automatic dispatch undone: the incident waits to be dispatched."), "ok"
            ),
            failure=self._on_failure,
            owner=self,
            name="intake.undo_auto",
        )

    def _on_save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self._on_duplicates_itemSelectionChanged()
        # whatever went wrong, the form keeps what was typed (and so does the draft)
        if isinstance(exc, intake.IntakeError) and exc.missing:
            self._mark_missing(exc.missing)
            self._say_missing(exc.missing)
        elif isinstance(exc, (ValueError, PermissionError)):  # a refusal: "中文 / English"
            self._show_message(str(exc), "error")
        elif connection_lost(exc):
            detail = error_text(exc)
            log.warning("saving an incident failed, the connection is lost: %s", detail)
            self._show_message(
                self.tr(
                    "Not saved: the connection to the database is lost. What you typed is "
                    "kept — press save again once the connection is back."
                ),
                "error",
                detail=detail,  # for whoever looks after the server; the operator needs less
            )
        else:
            log.error("saving an incident failed", exc_info=exc)
            self._show_message(
                self.tr("Not saved, because of an error (what you typed is kept): %1").replace(
                    "%1", error_text(exc)
                ),
                "error",
            )

    @Slot(str)
    def _on_message_linkActivated(self, href: str) -> None:
        if href.startswith("incident:"):
            self.sig_incident_created.emit(int(href.split(":", 1)[1]))
        elif href.startswith("undo-auto:"):
            self.undo_auto_dispatch(int(href.split(":", 1)[1]))

    @Slot()
    def clear_form(self) -> None:
        """Empty the form for the next call (the channel stays)."""
        self._preview_timer.stop()
        self._complete_timer.stop()
        for edit in (
            self.title_edit,
            self.address,
            self.location,
            self.reporter_name,
            self.reporter_phone,
            self.no_location,
        ):
            edit.clear()
        self._mark_missing(())
        self.description.clear()
        self.category.clear()
        self.priority.setCurrentIndex(2)
        self._pending_category = None
        self._lon = self._lat = None
        self._generation += 1  # drop a preview still on its way
        self._preview_timer.stop()
        self._show_preview(None)
        self.message.clear()
        self.message.setToolTip("")
        self.title_edit.setFocus()
        self.discard_draft()

    # --- the draft kept on this workstation (see DRAFT_KEY) ---------------------------------

    def draft_values(self) -> dict[str, Any]:
        """What the operator has typed, as the draft keeps it."""
        if self._choices_loaded:
            channel, category = self.channel.currentData(), self.category.code()
        else:  # a restored draft's codes wait for the lists to arrive
            channel = self._pending_channel or self.channel.currentData()
            category = self._pending_category
        return {
            "channel": channel or None,
            "title": self.title_edit.text(),
            "category": category,
            "description": self.description.toPlainText(),
            "address": self.address.text(),
            "location": self.location.text(),
            "reporter_name": self.reporter_name.text(),
            "reporter_phone": self.reporter_phone.text(),
            "priority": int(self.priority.currentData() or 3),
            "no_location_reason": self.no_location.text(),
        }

    @staticmethod
    def _is_empty(values: dict[str, Any]) -> bool:
        # the channel and the priority always have a value: alone they are no call
        return not values["category"] and not any(
            str(values.get(k) or "").strip()
            for k in (
                "title",
                "description",
                "address",
                "location",
                "reporter_name",
                "reporter_phone",
                "no_location_reason",
            )
        )

    @Slot()
    def _schedule_draft(self) -> None:
        if self._draft_quiet:
            return
        self._draft_dirty = True
        self._draft_timer.start()

    @Slot()
    def flush_draft(self) -> None:
        """Write the draft now if it changed (an empty form removes it)."""
        self._draft_timer.stop()
        if not self._draft_dirty:
            return
        self._draft_dirty = False
        values = self.draft_values()
        settings = QSettings()
        if self._is_empty(values):
            settings.remove(self._draft_key)
        else:
            stored = {
                "version": DRAFT_VERSION,
                "typed_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                **values,
            }
            settings.setValue(self._draft_key, json.dumps(stored, ensure_ascii=False))
        settings.sync()  # on disk now: the power may go next

    def discard_draft(self) -> None:
        """The call was saved or cleared: forget the draft."""
        self._draft_timer.stop()
        self._draft_dirty = False
        settings = QSettings()
        settings.remove(self._draft_key)
        settings.sync()

    def _read_draft(self) -> dict[str, Any] | None:
        raw = QSettings().value(self._draft_key, "")
        if not raw:
            return None
        try:
            stored = json.loads(str(raw))
            if not isinstance(stored, dict) or stored.get("version") != DRAFT_VERSION:
                raise ValueError("not a draft of this version")
        except ValueError:
            log.warning("unreadable intake draft in the settings; ignored")
            return None
        values = {k: stored.get(k) for k in DRAFT_FIELDS}
        values["typed_at"] = stored.get("typed_at")
        return values

    def _restore_draft(self) -> None:
        """Put an unsaved call back into the (new, empty) form and say so."""
        values = self._read_draft()
        if values is None or self._is_empty(values) or not self._is_empty(self.draft_values()):
            return

        def text_of(key: str) -> str:
            value = values.get(key)
            return value if isinstance(value, str) else ""

        self._draft_quiet = True  # the same call as stored: nothing to write back
        try:
            self.title_edit.setText(text_of("title"))
            self.description.setPlainText(text_of("description"))
            self.address.setText(text_of("address"))
            self.location.setText(text_of("location"))
            self.reporter_name.setText(text_of("reporter_name"))
            self.reporter_phone.setText(text_of("reporter_phone"))
            self.no_location.setText(text_of("no_location_reason"))
            priority = values.get("priority")
            index = self.priority.findData(priority) if isinstance(priority, int) else -1
            if index >= 0:
                self.priority.setCurrentIndex(index)
            # the lists are not there yet (_on_choices puts these in)
            self._pending_channel = text_of("channel") or None
            self._pending_category = text_of("category") or None
        finally:
            self._draft_quiet = False
        self._parse_location(quiet=True)
        typed_at = ""
        try:
            typed_at = (
                dt.datetime.fromisoformat(str(values["typed_at"]))
                .astimezone()
                .strftime("%Y-%m-%d %H:%M")
            )
        except (TypeError, ValueError):
            pass
        message = self.tr(
            "Restored the call you had not saved when the program closed (last typed %1). "
            "Check it and save it; nothing has been saved yet."
        ).replace("%1", typed_at or "?")
        self._show_message(message, "warning")
        self._schedule_preview()

    # --- messages -----------------------------------------------------------------------

    def _show_message(self, text_: str, kind: str, *, rich: bool = False, detail: str = "") -> None:
        self._set_label(self.message, text_, kind, rich=rich)
        self.message.setToolTip(detail)

    def _set_label(self, label: QLabel, text_: str, kind: str, *, rich: bool = False) -> None:
        label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        label.setText(text_)
        label.setProperty("kind", kind)
        label.setStyleSheet(f"color: {COLOURS.get(kind, COLOURS['muted'])};")

    def _on_failure(self, exc: BaseException) -> None:
        text_ = error_text(exc)
        log.warning("intake form: %s", text_)
        if connection_lost(exc):
            self._show_message(
                self.tr(
                    "The database cannot be reached: no placement, suggestions or address "
                    "completion for now. Go on typing — what you type is kept."
                ),
                "error",
                detail=text_,
            )
        else:
            self._show_message(text_, "error")

    def has_unsaved_input(self) -> bool:
        """Whether the form holds a call that was typed and not yet saved (or cleared)."""
        return not self._is_empty(self.draft_values())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_orientation()

    def _fit_orientation(self) -> None:
        """Side by side when both sides fit, else the feedback below the form."""
        needed = sum(p.minimumSizeHint().width() for p in self._panes) + 40
        wanted = Qt.Orientation.Horizontal if self.width() >= needed else Qt.Orientation.Vertical
        if self.splitter.orientation() != wanted:
            self.splitter.setOrientation(wanted)

    def shutdown(self) -> None:
        self._shut_down = True
        self._preview_timer.stop()
        self._complete_timer.stop()
        self.flush_draft()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)


def main(argv: list[str] | None = None) -> int:
    from command_center.views.standalone import run_view

    return run_view(
        lambda ctx: IntakeFormView(ctx.runner, ctx.user),
        title="事件登记 Intake",
        argv=argv,
    )


if __name__ == "__main__":
    sys.exit(main())
