"""Export of any table of the program to XLSX or CSV, in the background (one helper for all).

``install_export(table, runner, name)`` gives a table view (a QTableView or QTableWidget) the
context-menu entry 导出为 Excel/CSV… (right click). The file is written on the runner's long
lane by services/table_export.py (no Qt) while a progress dialog shows how far it is and offers
Cancel; the window stays responsive; a cancelled or failed export leaves no file.

What is exported: what the table shows (its header and every row's text), or — for a table
that loads its rows a page at a time (the incident and order queues) — every row its filter
finds, read on the worker by the ``source`` the view gives (:class:`ExportSource`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QProgressDialog, QWidget
from sqlalchemy.orm import Session

from command_center.services.jobs import Cancelled, Job
from command_center.services.table_export import export_table
from command_center.workers.ops import LONG, DbOp, OpsRunner

EXPORT = QT_TRANSLATE_NOOP("TableExport", "Export to Excel/CSV…")
EXPORT_TITLE = QT_TRANSLATE_NOOP("TableExport", "Export the table")
EXPORTING = QT_TRANSLATE_NOOP("TableExport", "Exporting %1…")
CANCEL = QT_TRANSLATE_NOOP("TableExport", "Cancel")
EXPORTED = QT_TRANSLATE_NOOP("TableExport", "Exported %1 rows to %2")
FAILED = QT_TRANSLATE_NOOP("TableExport", "The export failed: %1")
EXPORTING_ROWS = QT_TRANSLATE_NOOP("TableExport", "Exporting %1… %2 rows")
CANCELLED = QT_TRANSLATE_NOOP("TableExport", "Export cancelled")


def _tr(text: str) -> str:
    return QCoreApplication.translate("TableExport", text)


@dataclass(frozen=True)
class ExportSource:
    """Rows read on the worker: ``rows(session, job)`` yields each row's values (Qt-free),
    ``total`` how many to expect (0: unknown)."""

    headers: Sequence[str]
    rows: Callable[[Session, Job], Iterable[Sequence[Any]]]
    total: int = 0


def snapshot(table: QAbstractItemView) -> ExportSource:
    """What the table shows: its visible columns' headers and every row's display text."""
    model = table.model()
    header = getattr(table, "horizontalHeader", lambda: None)()
    cols = [c for c in range(model.columnCount())
            if header is None or not header.isSectionHidden(c)]
    if header is not None:
        cols.sort(key=header.visualIndex)
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in cols]
    rows = [
        [_text(model.data(model.index(r, c))) for c in cols] for r in range(model.rowCount())
    ]
    return ExportSource(headers, lambda _s, _j: rows, len(rows))


def _text(value: Any) -> Any:
    return "" if value is None else value


class TableExporter(QObject):
    """One table's export entry; ``export_to(path)`` runs it without the file dialog."""

    def __init__(
        self, table: QAbstractItemView, runner: OpsRunner, name: str,
        source: Callable[[], ExportSource] | None = None,
    ) -> None:
        super().__init__(table)
        self.table = table
        self._runner = runner
        self._name = name
        self._source = source
        self.op: DbOp | None = None
        self.progress: QProgressDialog | None = None
        self.action = QAction(self)
        self.action.triggered.connect(self.ask_and_export)
        self.retranslate()
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        table.addAction(self.action)

    def retranslate(self) -> None:
        self.action.setText(_tr(EXPORT))

    def ask_and_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.table, _tr(EXPORT_TITLE), f"{self._name}.xlsx",
            "Excel (*.xlsx);;CSV (*.csv)")
        if path:
            if not Path(path).suffix:
                path += ".xlsx"
            self.export_to(path)

    def export_to(self, path: str) -> DbOp:
        """Write the table to ``path`` (.xlsx or .csv) in the background."""
        src = self._source() if self._source is not None else snapshot(self.table)
        window = self.table.window()
        progress = QProgressDialog(_tr(EXPORTING).replace("%1", Path(path).name),
                                   _tr(CANCEL), 0, max(src.total, 0), window)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        self.progress = progress

        def run(session: Session, job: Job) -> int:
            return export_table(path, src.headers, src.rows(session, job), total=src.total,
                                job=job, sheet=self._name)

        def done(n: int) -> None:
            progress.close()
            self._message(_tr(EXPORTED).replace("%1", str(n))
                          .replace("%2", path), "info")

        def failed(exc: BaseException) -> None:
            progress.close()
            if not isinstance(exc, Cancelled):
                self._message(_tr(FAILED).replace("%1", str(exc)), "error")

        def step(done_rows: int, total: int, _text: str) -> None:
            if total and progress.maximum() != total:
                progress.setMaximum(total)
            progress.setValue(min(done_rows, total) if total else 0)
            progress.setLabelText(_tr(EXPORTING_ROWS).replace(
                "%1", Path(path).name).replace("%2", str(done_rows)))

        op = self._runner.submit(run, success=done, failure=failed, owner=self, lane=LONG,
                                 with_job=True, name="table.export", progress=step)

        def cancel() -> None:
            op.cancel()  # the writer stops at the next row and removes its file
            progress.close()
            self._message(_tr(CANCELLED), "info")

        progress.canceled.connect(cancel)
        self.op = op
        return op

    def _message(self, text: str, level: str) -> None:
        widget: QWidget | None = self.table
        while widget is not None:  # the nearest view that reports messages
            sig = getattr(widget, "sig_message", None)
            if sig is not None:
                sig.emit(text, level)
                return
            widget = widget.parentWidget()


def install_export(
    table: QAbstractItemView, runner: OpsRunner, name: str,
    source: Callable[[], ExportSource] | None = None,
) -> TableExporter:
    """Give ``table`` the context-menu entry that exports it (see the module docstring)."""
    return TableExporter(table, runner, name, source)
