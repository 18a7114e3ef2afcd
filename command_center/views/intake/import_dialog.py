"""Import of 12345 request tables (CSV or XLSX): file → preview of the first rows → column
mapping (suggested from the headers, or a saved one; can be saved by name) → import, with the
skipped rows and why. Reading and importing run through the OpsRunner.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from command_center.interop import tabular
from command_center.interop.tabular import FIELDS, Table
from command_center.services import imports
from command_center.services.audit import Actor
from command_center.workers.ops import LONG, OpsRunner

log = logging.getLogger(__name__)

PREVIEW_ROWS = 20
COLOURS = {"ok": "#1b7f3b", "warning": "#b26a00", "error": "#c62828", "muted": "#5f6b7a"}


class ImportTableDialog(QDialog):
    """See the module docstring. Another table import (the grid workers' roster) reuses it
    with its own :attr:`FIELDS` and :meth:`_import`, :meth:`_list_mappings`, :meth:`_preview`."""

    FIELDS: dict[str, tuple[str, str, tuple[str, ...]]] = FIELDS
    REQUIRED: tuple[str, ...] = tabular.REQUIRED

    def __init__(self, runner: OpsRunner, user: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importTableDialog")
        self.setWindowTitle(self.tr("Import 12345 requests from a table"))
        self._runner = runner
        self._actor = Actor(user.id, user.display_name)
        self._table: Table | None = None
        self._saved: dict[str, dict[str, str]] = {}
        self._busy = False
        self.last_result: imports.ImportResult | None = None

        self.path = QLineEdit(self)
        self.path.setObjectName("importPath")
        self.path.setPlaceholderText(self.tr("A CSV (UTF-8 or GB18030) or XLSX file"))
        self.browse = QPushButton(self.tr("Choose file…"), self)
        self.read_button = QPushButton(self.tr("Read"), self)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        file_row.addWidget(self.read_button)

        self.preview = QTableWidget(0, 0, self)
        self.preview.setObjectName("importPreview")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.setMinimumHeight(160)
        preview_box = QGroupBox(self.tr("First rows of the file"), self)
        QVBoxLayout(preview_box).addWidget(self.preview)

        self.field_boxes: dict[str, QComboBox] = {}
        grid = QGridLayout()
        for i, (field, (zh, en, _)) in enumerate(self.FIELDS.items()):
            box = QComboBox(self)
            box.setObjectName(f"importField_{field}")
            self.field_boxes[field] = box
            label = QLabel(f"{zh} / {en}" + (" *" if field in self.REQUIRED else ""), self)
            grid.addWidget(label, i // 2, (i % 2) * 2)
            grid.addWidget(box, i // 2, (i % 2) * 2 + 1)
        self.saved_box = QComboBox(self)
        self.saved_box.setObjectName("importSavedMappings")
        self.mapping_name = QLineEdit(self)
        self.mapping_name.setPlaceholderText(self.tr("Name for this mapping"))
        self.save_mapping_button = QPushButton(self.tr("Save mapping"), self)
        self.saved_row = saved_row = QHBoxLayout()
        self.saved_label = QLabel(self.tr("Saved mappings"), self)
        saved_row.addWidget(self.saved_label)
        saved_row.addWidget(self.saved_box, 1)
        saved_row.addWidget(self.mapping_name, 1)
        saved_row.addWidget(self.save_mapping_button)
        mapping_box = QGroupBox(self.tr("Columns (our field ← their column)"), self)
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.addLayout(grid)
        mapping_layout.addLayout(saved_row)

        self.source = QLineEdit("12345", self)
        self.source.setObjectName("importSource")
        self.source.setMaxLength(imports.EXTERNAL_MAX)
        self.import_button = QPushButton(self.tr("Import"), self)
        self.import_button.setObjectName("importRun")
        self.import_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.source_form = source_form = QFormLayout()
        source_form.addRow(
            self.tr("Source (requests already imported from it are skipped)"), self.source
        )
        self.status = QLabel(self)
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        self.skipped = QListWidget(self)
        self.skipped.setObjectName("importSkipped")
        self.skipped.setMaximumHeight(140)
        self.bottom_row = bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(preview_box, 1)
        layout.addWidget(mapping_box)
        layout.addLayout(source_form)
        layout.addLayout(bottom)
        layout.addWidget(self.skipped)
        self.resize(1100, 760)

        self.browse.clicked.connect(self._on_browse_clicked)
        self.read_button.clicked.connect(self._on_read_button_clicked)
        self.path.returnPressed.connect(self._on_read_button_clicked)
        self.saved_box.activated.connect(self._on_saved_box_activated)
        self.save_mapping_button.clicked.connect(self._on_save_mapping_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self._set_status(self.tr("Choose a file exported from the hotline."), "muted")

    # --- reading ------------------------------------------------------------------------

    @Slot()
    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("12345 request table"),
            str(Path.home()),
            self.tr("Tables (*.csv *.xlsx *.txt);;All files (*)"),
        )
        if path:
            self.open_file(path)

    @Slot()
    def _on_read_button_clicked(self) -> None:
        if self.path.text().strip():
            self.open_file(self.path.text().strip())

    def open_file(self, path: str) -> None:
        self.path.setText(path)
        self._table = None
        self.import_button.setEnabled(False)
        self._set_status(self.tr("Reading…"), "muted")

        def read(session: Session) -> tuple[Table, dict[str, dict[str, str]]]:
            return tabular.read_table(path), self._list_mappings(session)

        self._runner.submit(
            read,
            success=self._on_read,
            failure=self._on_read_failed,
            owner=self,
            name="import.read",
            lane=LONG,  # a big file must not hold up the quick reads of the other views
        )

    def _on_read(self, result: tuple[Table, dict[str, dict[str, str]]]) -> None:
        table, saved = result
        self._table = table
        self._saved = saved
        self.preview.clear()
        self.preview.setColumnCount(len(table.headers))
        self.preview.setHorizontalHeaderLabels(table.headers)
        rows = table.rows[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        self.preview.setVerticalHeaderLabels([str(table.first_row + i) for i in range(len(rows))])
        for r, row in enumerate(rows):
            for c in range(len(table.headers)):
                value = self._preview(table.headers[c], row[c] if c < len(row) else None)
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.preview.setItem(r, c, item)
        self.preview.resizeColumnsToContents()
        for c in range(self.preview.columnCount()):
            self.preview.setColumnWidth(c, min(self.preview.columnWidth(c), 260))
        for box in self.field_boxes.values():
            box.clear()
            box.addItem(self.tr("(not in the file)"), "")
            for h in table.headers:
                if h:
                    box.addItem(h, h)
        self.saved_box.clear()
        self.saved_box.addItem(self.tr("(suggested from the headers)"), "")
        for name in saved:
            self.saved_box.addItem(name, name)
        # a saved mapping that fits the file wins over the suggestion
        fitting = [n for n, m in saved.items() if all(h in table.headers for h in m.values())]
        if fitting:
            self.saved_box.setCurrentIndex(self.saved_box.findData(fitting[0]))
            self.set_mapping(saved[fitting[0]])
        else:
            self.set_mapping(tabular.suggest_mapping(table.headers, self.FIELDS))
        self.import_button.setEnabled(True)
        self._set_status(
            self.tr("%1 rows, %2. Check the columns, then import.")
            .replace("%1", str(len(table.rows)))
            .replace("%2", table.encoding.upper()),
            "ok",
        )

    def _on_read_failed(self, exc: BaseException) -> None:
        self._table = None
        self.preview.clear()
        self.preview.setRowCount(0)
        self.preview.setColumnCount(0)
        self._set_status(str(exc), "error")

    def _list_mappings(self, session: Session) -> dict[str, dict[str, str]]:
        return imports.list_mappings(session)

    def _preview(self, header: str, value: Any) -> str:
        """A cell as the preview shows it."""
        return tabular.cell_text(value)

    def _import(
        self, session: Session, actor: Actor, table: Table, mapping: dict[str, str], source: str
    ) -> Any:
        return imports.import_rows(session, actor, table, mapping, source)

    # --- mapping ------------------------------------------------------------------------

    def set_mapping(self, mapping: dict[str, str]) -> None:
        for field, box in self.field_boxes.items():
            index = box.findData(mapping.get(field, ""))
            box.setCurrentIndex(max(0, index))

    def mapping(self) -> dict[str, str]:
        return {f: box.currentData() for f, box in self.field_boxes.items() if box.currentData()}

    @Slot(int)
    def _on_saved_box_activated(self, _index: int) -> None:
        name = self.saved_box.currentData()
        if name and name in self._saved:
            self.set_mapping(self._saved[name])
            self.mapping_name.setText(name)
        elif self._table is not None:
            self.set_mapping(tabular.suggest_mapping(self._table.headers, self.FIELDS))

    @Slot()
    def _on_save_mapping_button_clicked(self) -> None:
        name = self.mapping_name.text().strip()
        mapping = self.mapping()
        actor = self._actor

        def save(session: Session) -> dict[str, dict[str, str]]:
            imports.save_mapping(session, actor, name, mapping)
            return imports.list_mappings(session)

        self._runner.submit(
            save,
            success=lambda saved: self._on_mapping_saved(name, saved),
            failure=lambda exc: self._set_status(str(exc), "error"),
            owner=self,
            name="import.save_mapping",
        )

    def _on_mapping_saved(self, name: str, saved: dict[str, dict[str, str]]) -> None:
        self._saved = saved
        self.saved_box.clear()
        self.saved_box.addItem(self.tr("(suggested from the headers)"), "")
        for n in saved:
            self.saved_box.addItem(n, n)
        self.saved_box.setCurrentIndex(self.saved_box.findData(name))
        self._set_status(self.tr("Mapping “%1” saved.").replace("%1", name), "ok")

    # --- import -------------------------------------------------------------------------

    @Slot()
    def _on_import_button_clicked(self) -> None:
        if self._table is None or self._busy:
            return
        table, mapping, source, actor = self._table, self.mapping(), self.source.text(), self._actor
        self._busy = True
        self.import_button.setEnabled(False)
        self._set_status(self.tr("Importing…"), "muted")
        self._runner.submit(
            lambda s: self._import(s, actor, table, mapping, source),
            success=self._on_imported,
            failure=self._on_import_failed,
            owner=self,
            name="import.rows",
            lane=LONG,  # a big file must not hold up the quick reads of the other views
        )

    def _on_imported(self, result: imports.ImportResult) -> None:
        self._busy = False
        self.import_button.setEnabled(True)
        self.last_result = result
        self.skipped.clear()
        for row, reason in result.skipped:
            self.skipped.addItem(
                self.tr("Row %1: %2").replace("%1", str(row)).replace("%2", reason)
            )
        text_ = (
            self.tr("Imported %1, skipped %2.")
            .replace("%1", str(result.imported))
            .replace("%2", str(len(result.skipped)))
        )
        flagged = []
        if result.flagged_outside:
            flagged.append(
                self.tr("%1 outside the county").replace("%1", str(result.flagged_outside))
            )
        if result.flagged_missing:
            flagged.append(
                self.tr("%1 without coordinates").replace("%1", str(result.flagged_missing))
            )
        if flagged:
            text_ += " " + self.tr("Flagged for checking: %1.").replace("%1", ", ".join(flagged))
        self._set_status(text_, "warning" if result.skipped else "ok")

    def _on_import_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.import_button.setEnabled(True)
        if isinstance(exc, ValueError):
            self._set_status(self.tr("Nothing imported: %1").replace("%1", str(exc)), "error")
        else:
            log.error("table import failed", exc_info=exc)
            self._set_status(self.tr("Nothing imported: %1").replace("%1", str(exc)), "error")

    def _set_status(self, text_: str, kind: str) -> None:
        self.status.setText(text_)
        self.status.setProperty("kind", kind)
        self.status.setStyleSheet(f"color: {COLOURS.get(kind, COLOURS['muted'])};")
