"""The roster (花名册) tab of the grid workers area: full-time, auxiliary and micro-grid
workers and the 三官一师 volunteers, filtered by kind and text, each with the grids they serve
today and the history of their assignments; the edits (a new worker, another grid, another
kind, leaving, ending one of two grids) and the import of a CSV/XLSX roster through the
program's table import dialog (intake/import_dialog.py) with the roster's fields, a check
that lists what will be done, and all-or-nothing storing. Identity numbers are shown masked
(``cc_mask_id``), in the import's preview too.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from command_center.interop import tabular
from command_center.interop.tabular import Table
from command_center.services import roster
from command_center.services.audit import Actor
from command_center.views.intake.import_dialog import ImportTableDialog
from command_center.views.words import pick, place_text
from command_center.views.workers.dialogs import (
    WorkerEditDialog,
    fill,
    kind_text,
    row_data,
    table,
)
from command_center.workers.ops import LONG

_ID_LIKE = re.compile(r"^\d{15}$|^\d{17}[\dXx]$")


class RosterImportDialog(ImportTableDialog):
    """The table import dialog with the roster's fields: no source, no saved mappings; "Check"
    lists what the import will do (or every refused row), "Import" stores all or nothing."""

    FIELDS = roster.FIELDS
    REQUIRED = roster.REQUIRED

    def __init__(self, runner: Any, user: Any, parent: QWidget | None = None) -> None:
        super().__init__(runner, user, parent)
        self.setObjectName("rosterImportDialog")
        self.setWindowTitle(self.tr("Import the grid workers' roster"))
        self.path.setPlaceholderText(self.tr("A roster as CSV (UTF-8 or GB18030) or XLSX"))
        self.source_form.setRowVisible(0, False)
        for w in (self.saved_label, self.saved_box, self.mapping_name, self.save_mapping_button):
            w.setVisible(False)
        self.check_button = QPushButton(self.tr("Check"), self)
        self.check_button.setObjectName("rosterImportCheck")
        self.bottom_row.insertWidget(1, self.check_button)
        self.check_button.clicked.connect(self._on_check_clicked)
        self.setMinimumSize(0, 0)
        self.resize(1000, 700)
        self._set_status(self.tr("Choose a roster file."), "muted")

    def _list_mappings(self, session: Session) -> dict[str, dict[str, str]]:
        return {}

    def _preview(self, header: str, value: Any) -> str:
        text = tabular.cell_text(value)
        return roster.mask_id(text) if _ID_LIKE.match(text) else text

    def _import(
        self, session: Session, actor: Actor, table: Table, mapping: dict[str, str], source: str
    ) -> Any:
        return roster.import_rows(session, actor, table, mapping)

    @Slot()
    def _on_check_clicked(self) -> None:
        if self._table is None or self._busy:
            return
        table_, mapping, actor = self._table, self.mapping(), self._actor
        self._set_status(self.tr("Checking…"), "muted")
        self._runner.submit(
            lambda s: roster.import_rows(s, actor, table_, mapping, dry_run=True),
            success=self._on_checked,
            failure=self._on_import_failed,
            owner=self,
            name="roster.check",
            lane=LONG,
        )

    def _on_checked(self, result: roster.RosterImportResult) -> None:
        self.skipped.clear()
        for row, what in result.planned:
            self.skipped.addItem(self.tr("Row %1: %2").replace("%1", str(row)).replace("%2", what))
        self._set_status(
            self.tr("Check passed: %1 to add, %2 to change, %3 unchanged. Nothing stored yet.")
            .replace("%1", str(result.added))
            .replace("%2", str(result.changed))
            .replace("%3", str(result.unchanged)),
            "ok",
        )

    def _on_imported(self, result: Any) -> None:
        self._busy = False
        self.import_button.setEnabled(True)
        self.last_result = result
        self.skipped.clear()
        self._set_status(
            self.tr("Imported: %1 added, %2 changed, %3 unchanged.")
            .replace("%1", str(result.added))
            .replace("%2", str(result.changed))
            .replace("%3", str(result.unchanged)),
            "ok",
        )

    def _on_import_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.import_button.setEnabled(True)
        self.skipped.clear()
        if isinstance(exc, roster.RosterImportRefused):
            for row, reason in exc.rows:
                self.skipped.addItem(
                    self.tr("Row %1: %2").replace("%1", str(row)).replace("%2", reason)
                )
        self._set_status(self.tr("Nothing imported: %1").replace("%1", str(exc)), "error")


class RosterPanel(QWidget):
    """See the module docstring."""

    sig_message = Signal(str)

    def __init__(
        self, runner: Any, actor: Actor, user: Any = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner, self.actor, self.user = runner, actor, user
        self.rows: list[roster.WorkerRow] = []
        self.areas: list[roster.Area] = []
        self._select_after: int | None = None
        self.kind = QComboBox(self)
        self.kind.setObjectName("rosterKind")
        self.search = QLineEdit(self)
        self.search.setObjectName("rosterSearch")
        self.search.setClearButtonEnabled(True)
        self.include_left = QCheckBox(self)
        self.count = QLabel(self)
        bar = QHBoxLayout()
        bar.addWidget(self.kind)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.include_left)
        bar.addWidget(self.count)
        self.table = table(self)
        self.table.setObjectName("rosterTable")
        self.history = table(self)
        self.history.setObjectName("rosterHistory")
        self.history_label = QLabel(self)
        self.history_label.setTextFormat(Qt.TextFormat.PlainText)
        lower = QWidget(self)
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.history_label)
        ll.addWidget(self.history, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("rosterAdd")
        self.assign_button = QPushButton(self)
        self.assign_button.setObjectName("rosterAssign")
        self.kind_button = QPushButton(self)
        self.kind_button.setObjectName("rosterKindButton")
        self.leave_button = QPushButton(self)
        self.leave_button.setObjectName("rosterLeave")
        self.end_button = QPushButton(self)
        self.end_button.setObjectName("rosterEndAssignment")
        self.import_button = QPushButton(self)
        self.import_button.setObjectName("rosterImport")
        buttons = QHBoxLayout()
        for b in (
            self.add_button,
            self.assign_button,
            self.kind_button,
            self.leave_button,
            self.end_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.kind.addItem("", None)
        for code in roster.KINDS:
            self.kind.addItem(kind_text(code), code)
        self.kind.currentIndexChanged.connect(self.reload)
        self.search.returnPressed.connect(self.reload)
        self.include_left.toggled.connect(self.reload)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.history.itemSelectionChanged.connect(self._on_history_selection)
        self.add_button.clicked.connect(lambda: self._edit("add"))
        self.assign_button.clicked.connect(lambda: self._edit("assign"))
        self.kind_button.clicked.connect(lambda: self._edit("kind"))
        self.leave_button.clicked.connect(lambda: self._edit("leave"))
        self.end_button.clicked.connect(self._on_end_clicked)
        self.import_button.clicked.connect(self.open_import)
        self.retranslate()
        self._on_selection()

    def retranslate(self) -> None:
        self.kind.setItemText(0, self.tr("All kinds"))
        for i in range(1, self.kind.count()):
            self.kind.setItemText(i, kind_text(self.kind.itemData(i)))
        self.search.setPlaceholderText(self.tr("Code, name or grid (Enter)"))
        self.include_left.setText(self.tr("Include those who left"))
        self.add_button.setText(self.tr("New worker…"))
        self.assign_button.setText(self.tr("Change grid…"))
        self.kind_button.setText(self.tr("Change kind…"))
        self.leave_button.setText(self.tr("Leaves…"))
        self.end_button.setText(self.tr("End the selected assignment"))
        self.import_button.setText(self.tr("Import roster…"))
        self.table.setColumnCount(8)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Code"),
                self.tr("Name"),
                self.tr("Kind"),
                self.tr("Serving"),
                self.tr("Town"),
                self.tr("Phone"),
                self.tr("Identity number"),
                self.tr("Status"),
            ]
        )
        self.history.setColumnCount(4)
        self.history.setHorizontalHeaderLabels(
            [self.tr("Area"), self.tr("Duty"), self.tr("From"), self.tr("To")]
        )
        self._show_count()
        if self.rows:  # the places' names in the new language
            self._show((self.rows, None))
            if getattr(self, "_history", None):
                self._show_history(self._history)

    # --- reading ---

    @Slot()
    def reload(self) -> None:
        kind, text_, left = (
            self.kind.currentData(),
            self.search.text(),
            self.include_left.isChecked(),
        )
        need_areas = not self.areas

        def load(s: Session) -> tuple[list[roster.WorkerRow], list[roster.Area] | None]:
            rows = roster.workers(s, kind=kind, search=text_, include_left=left)
            return rows, (roster.areas(s) if need_areas else None)

        self.runner.submit(load, success=self._show, owner=self, key="roster")

    def _show(self, result: tuple[list[roster.WorkerRow], list[roster.Area] | None]) -> None:
        rows, areas = result
        if areas is not None:
            self.areas = areas
        current = self.selected()
        keep = self._select_after or (current.id if current else None)
        self._select_after = None
        self.rows = rows
        fill(
            self.table,
            [
                [
                    r.code,
                    r.name,
                    kind_text(r.kind),
                    pick(("、", ", ")).join(place_text(a) for a in r.serving.split("、"))
                    if r.serving
                    else "—",
                    place_text(r.town),
                    r.phone or "",
                    r.id_number_masked or "",
                    self.tr("In service")
                    if r.active
                    else self.tr("Left %1").replace(
                        "%1", r.left_on.isoformat() if r.left_on else ""
                    ),
                ]
                for r in rows
            ],
            [r.id for r in rows],
        )
        if keep is not None:
            self.table.blockSignals(True)
            self.select_worker(keep)
            self.table.blockSignals(False)
        self._on_selection()  # the history again: it may have changed with the row
        self._show_count()

    def _show_count(self) -> None:
        self.count.setText(self.tr("%n worker(s)", "", len(self.rows)))

    def selected(self) -> roster.WorkerRow | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        wid = row_data(self.table, rows.pop())
        return next((r for r in self.rows if r.id == wid), None)

    def select_worker(self, worker_id: int) -> bool:
        for r in range(self.table.rowCount()):
            if row_data(self.table, r) == worker_id:
                self.table.selectRow(r)
                self.table.scrollToItem(self.table.item(r, 0))
                return True
        return False

    def show_worker(self, worker_id: int) -> None:
        """Find a worker whatever the filter (a data-quality finding's link)."""
        if self.select_worker(worker_id):
            return
        self._select_after = worker_id
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(0)
        self.kind.blockSignals(False)
        self.search.clear()
        self.include_left.blockSignals(True)
        self.include_left.setChecked(True)
        self.include_left.blockSignals(False)
        self.reload()

    @Slot()
    def _on_selection(self) -> None:
        w = self.selected()
        for b in (self.assign_button, self.kind_button, self.leave_button):
            b.setEnabled(w is not None and w.active)
        self.end_button.setEnabled(False)
        if w is None:
            self.history.setRowCount(0)
            self.history_label.setText(self.tr("Select a worker to see their grids over time."))
            return
        self.history_label.setText(self.tr("Assignments of %1").replace("%1", f"{w.code} {w.name}"))
        self.runner.submit(
            lambda s: roster.history(s, w.id),
            success=self._show_history,
            owner=self,
            key="roster-history",
        )

    def _show_history(self, rows: list[roster.AssignmentRow]) -> None:
        from command_center.views import words

        self._history = rows
        fill(
            self.history,
            [
                [
                    place_text(h.area),
                    words.word_of(roster.DUTIES, h.duty) if h.duty in roster.DUTIES else h.duty,
                    h.valid_from.isoformat(),
                    h.valid_to.isoformat() if h.valid_to else self.tr("(open)"),
                ]
                for h in rows
            ],
            [h.id for h in rows],
        )
        w = self.selected()
        open_rows = [h for h in rows if h.valid_to is None]
        self.end_button.setEnabled(w is not None and len(open_rows) > 1)

    @Slot()
    def _on_history_selection(self) -> None:
        rows = {i.row() for i in self.history.selectedIndexes()}
        aid = row_data(self.history, rows.pop()) if len(rows) == 1 else None
        h = next((x for x in getattr(self, "_history", []) if x.id == aid), None)
        self.end_button.setEnabled(h is not None and h.valid_to is None)

    # --- edits ---

    def _edit(self, mode: str, *, area_id: int | None = None) -> WorkerEditDialog:
        w = None if mode == "add" else self.selected()
        d = WorkerEditDialog(
            self.runner,
            self.actor,
            mode,
            self.areas,
            self,
            worker=w,
            workers=self.rows if (mode == "assign" and w is None) else None,
            area_id=area_id,
        )
        d.accepted.connect(lambda: self._after_edit(d))
        d.open()
        return d

    def assign_grid(self, grid_id: int) -> WorkerEditDialog:
        """The data-quality link for a grid without a worker: assign one to it."""
        self.table.clearSelection()
        return self._edit("assign", area_id=grid_id)

    def _after_edit(self, dialog: WorkerEditDialog) -> None:
        if isinstance(dialog.result_value, int):
            self._select_after = dialog.result_value
        self.sig_message.emit(self.tr("The roster is changed."))
        self.reload()

    @Slot()
    def _on_end_clicked(self) -> None:
        w = self.selected()
        rows = {i.row() for i in self.history.selectedIndexes()}
        if w is None or len(rows) != 1:
            self.sig_message.emit(self.tr("Select the assignment to end first."))
            return
        aid = row_data(self.history, rows.pop())
        actor = self.actor
        self.runner.submit(
            lambda s: roster.end_assignment(s, actor, w.id, w.version, aid),
            success=lambda _r: self._after_end(),
            failure=lambda exc: self.sig_message.emit(str(exc)),
            owner=self,
        )

    def _after_end(self) -> None:
        self.sig_message.emit(self.tr("The assignment is ended."))
        self.reload()

    @Slot()
    def open_import(self) -> RosterImportDialog:
        user = self.user or SimpleNamespace(id=self.actor.user_id, display_name=self.actor.name)
        d = RosterImportDialog(self.runner, user, self)
        d.finished.connect(lambda _r: self.reload())
        d.open()
        return d
