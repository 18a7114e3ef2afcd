"""Exporting a table from its context menu: in the background with a progress bar, every row
of the queue's filter, and Cancel leaves no file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QModelIndex, Qt

from command_center.services import auth
from command_center.services.queue import Query, count
from command_center.views.queue.queue_view import IncidentQueueView
from command_center.views.table_export import ExportSource, install_export

WAIT = 20_000


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def test_the_queue_exports_every_row_of_its_filter(db, runner, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        user = auth.authenticate(s, "zhiban1", "demo")
    view = IncidentQueueView(runner, None, user, page_size=20)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=WAIT)
    assert view.model.canFetchMore(QModelIndex())  # only a page is loaded
    # the entry is in the table's context menu
    assert view.exporter.action in view.table.actions()
    with db.sessions() as s:
        expected = count(s, Query("incidents", view.model.query.filter), limit=10**9).value
    out = tmp_path / "queue.xlsx"
    op = view.exporter.export_to(str(out))
    seen: list[int] = []
    op.sig_progress.connect(lambda done, _t, _s: seen.append(done))
    qtbot.waitUntil(lambda: op.done, timeout=120_000)
    assert op.error is None and op.result == expected
    rows = list(load_workbook(out, read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == expected + 1
    assert rows[0][0] == view.model.headerData(0, Qt.Orientation.Horizontal)  # as shown
    first = view.model.index(0, 0).data()
    assert first in {r[0] for r in rows[1:]}
    assert seen, "the progress was reported"
    assert not view.exporter.progress.isVisible()


def test_cancel_stops_the_export_and_leaves_no_file(db, runner, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPushButton, QTableWidget, QTableWidgetItem

    table = QTableWidget(3, 2)
    for r in range(3):
        for c in range(2):
            table.setItem(r, c, QTableWidgetItem(f"{r}/{c}"))
    qtbot.addWidget(table)
    table.show()
    started = threading.Event()

    def slow_rows(_session, job):  # type: ignore[no-untyped-def]
        for i in range(1_000_000):  # a big table: rows until the operator cancels
            if i == 300:
                started.set()
            if i % 200 == 0:
                job.report(i, 1_000_000, "")
            yield [i, f"row {i}"]
            if started.is_set():
                job.cancelled or threading.Event().wait(0.001)

    exporter = install_export(table, runner, "test",
                              lambda: ExportSource(["n", "text"], slow_rows, 1_000_000))
    out = tmp_path / "big.csv"
    op = exporter.export_to(str(out))
    qtbot.waitUntil(started.is_set, timeout=WAIT)
    qtbot.waitUntil(lambda: exporter.progress.value() > 0, timeout=WAIT)  # the bar moves
    assert exporter.progress.maximum() == 1_000_000
    table.setCurrentCell(1, 1)  # the window answers meanwhile
    assert table.currentRow() == 1
    qtbot.waitUntil(exporter.progress.isVisible, timeout=WAIT)  # the bar is shown
    button = exporter.progress.findChild(QPushButton)
    assert button is not None
    qtbot.waitUntil(button.isVisible, timeout=WAIT)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # Cancel
    qtbot.waitUntil(lambda: op.done, timeout=WAIT)
    assert op.cancelled and op.result is None
    assert list(Path(tmp_path).iterdir()) == []  # neither the file nor a partial one
    # and the same table exports in full when not cancelled
    exporter2 = install_export(table, runner, "test2")
    op2 = exporter2.export_to(str(tmp_path / "small.csv"))
    qtbot.waitUntil(lambda: op2.done, timeout=WAIT)
    text_ = (tmp_path / "small.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text_ == ["1,2", "0/0,0/1", "1/0,1/1", "2/0,2/1"]
