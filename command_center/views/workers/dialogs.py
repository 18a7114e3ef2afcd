"""The grid workers area's dialogs: the records behind a figure, a redemption at a 平安超市, a
grid's population and households, and the roster's edits (a new worker, another grid, another
kind, leaving). Each edit runs through services (roster, worker_metrics) on the OpsRunner; a
refusal is shown in the dialog in both languages and nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from command_center.services import roster, worker_metrics
from command_center.services.audit import Actor
from command_center.views import words


def fill(table: QTableWidget, rows: list[list[Any]], data: list[Any] | None = None) -> None:
    """Rows of plain text (never markup) and numbers; ``data[i]`` kept on the row's first cell."""
    table.setSortingEnabled(False)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem()
            if isinstance(value, int | float) and not isinstance(value, bool):
                item.setData(Qt.ItemDataRole.DisplayRole, value)
            else:
                item.setText("" if value is None else str(value))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if c == 0 and data is not None:
                item.setData(Qt.ItemDataRole.UserRole, data[r])
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    for c in range(table.columnCount()):
        table.setColumnWidth(c, min(table.columnWidth(c), 320))
    table.setSortingEnabled(True)


def table(parent: QWidget) -> QTableWidget:
    t = QTableWidget(parent)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    t.setWordWrap(False)
    return t


def row_data(t: QTableWidget, row: int) -> Any:
    item = t.item(row, 0)
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class RecordsDialog(QDialog):
    """The records behind a figure: a table, and for incidents a button to the queue."""

    sig_open_incidents = Signal(object)
    """The incident queue's QueueFilter of the reports behind the figure."""

    def __init__(
        self,
        title: str,
        headers: list[str],
        rows: list[list[Any]],
        parent: QWidget | None = None,
        *,
        summary: str = "",
        incidents: Any = None,
        incident_count: int = 0,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("workersRecordsDialog")
        self.setWindowTitle(title)
        self.summary = QLabel(summary, self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.table = table(self)
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        fill(self.table, rows)
        self.open_button = QPushButton(
            self.tr("Open the %n report(s) in the incident queue", "", incident_count), self
        )
        self.open_button.setObjectName("workersOpenReports")
        self.open_button.setVisible(incidents is not None and incident_count > 0)
        self._incidents = incidents
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(buttons)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.resize(760, 480)

    @Slot()
    def _on_open_clicked(self) -> None:
        self.sig_open_incidents.emit(self._incidents)
        self.accept()


class _RunDialog(QDialog):
    """A form whose OK runs a service call; a refusal stays in the dialog."""

    def __init__(self, runner: Any, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = QLabel(self)
        self.error.setObjectName("workersDialogError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#c62828;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.result_value: Any = None

    def call(self) -> Callable[[Session], Any]:  # pragma: no cover - each dialog's own
        raise NotImplementedError

    @Slot()
    def _on_ok(self) -> None:
        try:
            fn = self.call()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.buttons.setEnabled(False)
        self.runner.submit(fn, success=self._done, failure=self._failed, owner=self)

    def _done(self, value: Any) -> None:
        self.result_value = value
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


class RedeemDialog(_RunDialog):
    """Redeem points at a 平安超市 for one worker: item, quantity, points each."""

    def __init__(
        self,
        runner: Any,
        actor: Actor,
        workers: list[tuple[int, str]],
        stores: list[str],
        parent: QWidget | None = None,
        *,
        worker_id: int | None = None,
    ) -> None:
        super().__init__(runner, self.tr("Redeem points at a 平安超市"), parent)
        self.setObjectName("workersRedeemDialog")
        self.actor = actor
        self.worker = QComboBox(self)
        self.worker.setEditable(True)
        self.worker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.worker.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.worker.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        for wid, label in workers:
            self.worker.addItem(label, wid)
        if worker_id is not None:
            self.worker.setCurrentIndex(max(0, self.worker.findData(worker_id)))
        self.balance = QLabel(self)
        self.balance.setObjectName("workersRedeemBalance")
        self.store = QComboBox(self)
        self.store.setEditable(True)
        self.store.addItems(stores)
        self.item = QLineEdit(self)
        self.item.setMaxLength(64)
        self.item.setPlaceholderText(self.tr("e.g. 食用油"))
        self.quantity = QSpinBox(self)
        self.quantity.setRange(1, 99)
        self.points_each = QSpinBox(self)
        self.points_each.setRange(1, 10_000)
        self.points_each.setValue(50)
        self.cost = QLabel(self)
        self.form.addRow(self.tr("Worker"), self.worker)
        self.form.addRow(self.tr("Balance"), self.balance)
        self.form.addRow(self.tr("Store"), self.store)
        self.form.addRow(self.tr("Item"), self.item)
        self.form.addRow(self.tr("Quantity"), self.quantity)
        self.form.addRow(self.tr("Points each"), self.points_each)
        self.form.addRow(self.tr("Points taken"), self.cost)
        self.quantity.valueChanged.connect(self._update_cost)
        self.points_each.valueChanged.connect(self._update_cost)
        self.worker.currentIndexChanged.connect(self._read_balance)
        self._update_cost()
        self._read_balance()

    @Slot()
    def _update_cost(self) -> None:
        self.cost.setText(str(self.quantity.value() * self.points_each.value()))

    @Slot()
    def _read_balance(self) -> None:
        wid = self.worker.currentData()
        if wid is None:
            return
        self.runner.submit(
            lambda s: worker_metrics.balance(s, wid),
            success=lambda b: self.balance.setText(str(b)),
            owner=self,
            key="redeem-balance",
        )

    def call(self) -> Callable[[Session], Any]:
        wid = self.worker.currentData()
        if wid is None:
            raise ValueError("请选择网格员 / choose a worker")
        store, item = self.store.currentText(), self.item.text()
        quantity, each, actor = self.quantity.value(), self.points_each.value(), self.actor
        return lambda s: worker_metrics.redeem(
            s, actor, wid, store=store, item=item, quantity=quantity, points_each=each
        )


class GridFiguresDialog(_RunDialog):
    """A grid's population and households (the administrator's)."""

    def __init__(
        self,
        runner: Any,
        actor: Actor,
        grid_id: int,
        figures: tuple[str, str, int | None, int | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, self.tr("Population and households of a grid"), parent)
        self.setObjectName("workersGridDialog")
        self.actor, self.grid_id = actor, grid_id
        code, name, population, households = figures
        self.population = QSpinBox(self)
        self.population.setRange(0, 1_000_000)
        self.population.setValue(population or 0)
        self.households = QSpinBox(self)
        self.households.setRange(0, 1_000_000)
        self.households.setValue(households or 0)
        grid = QLabel(f"{code} {name}", self)
        grid.setTextFormat(Qt.TextFormat.PlainText)
        self.form.addRow(self.tr("Grid"), grid)
        self.form.addRow(self.tr("Population"), self.population)
        self.form.addRow(self.tr("Households"), self.households)

    def call(self) -> Callable[[Session], Any]:
        p, h, actor, gid = (
            self.population.value(),
            self.households.value(),
            self.actor,
            self.grid_id,
        )
        return lambda s: roster.set_grid_figures(s, actor, gid, p, h)


def kind_text(kind: str) -> str:
    return words.word_of(roster.KINDS, kind)


class WorkerEditDialog(_RunDialog):
    """One of the roster's edits: ``mode`` "add", "assign", "kind" or "leave"."""

    def __init__(
        self,
        runner: Any,
        actor: Actor,
        mode: str,
        areas: list[roster.Area],
        parent: QWidget | None = None,
        *,
        worker: roster.WorkerRow | None = None,
        workers: list[roster.WorkerRow] | None = None,
        area_id: int | None = None,
    ) -> None:
        titles = {
            "add": self.tr("New grid worker"),
            "assign": self.tr("Assign to a grid"),
            "kind": self.tr("Change the kind of worker"),
            "leave": self.tr("The worker leaves"),
        }
        super().__init__(runner, titles[mode], parent)
        self.setObjectName(f"workersEdit_{mode}")
        self.actor, self.mode, self.worker = actor, mode, worker
        today = worker_metrics.today()
        self.who = QComboBox(self)  # assigning a grid from a finding: choose the worker
        self.who.setObjectName("workersEditWho")
        self.who.setEditable(True)
        self.who.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.who.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.who.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        for w in workers or []:
            self.who.addItem(f"{w.code} {w.name}（{kind_text(w.kind)}；{w.serving or '—'}）", w)
        self.code = QLineEdit(self)
        self.code.setMaxLength(32)
        self.name = QLineEdit(self)
        self.name.setMaxLength(32)
        self.phone = QLineEdit(self)
        self.phone.setMaxLength(20)
        self.id_number = QLineEdit(self)
        self.id_number.setMaxLength(18)
        self.id_number.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.kind = QComboBox(self)
        self.kind.setObjectName("workersEditKind")
        for code in roster.KINDS:
            self.kind.addItem(kind_text(code), code)
        self.area = QComboBox(self)
        self.area.setObjectName("workersEditArea")
        self.area.setEditable(True)
        self.area.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.area.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.area.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        for a in areas:
            self.area.addItem(a.label, a.id)
        if area_id is not None:
            self.area.setCurrentIndex(max(0, self.area.findData(area_id)))
        self.keep_others = QComboBox(self)
        self.keep_others.addItem(self.tr("ends the current grid"), False)
        self.keep_others.addItem(self.tr("in addition to the current grid"), True)
        self.date = QDateEdit(_qdate(today), self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.reason = QLineEdit(self)
        self.reason.setMaxLength(200)
        if worker is not None:
            label = QLabel(f"{worker.code} {worker.name}（{kind_text(worker.kind)}）", self)
            label.setTextFormat(Qt.TextFormat.PlainText)
            self.form.addRow(self.tr("Worker"), label)
        if mode == "add":
            self.form.addRow(self.tr("Code"), self.code)
            self.form.addRow(self.tr("Name"), self.name)
            self.form.addRow(self.tr("Kind"), self.kind)
            self.form.addRow(self.tr("Phone"), self.phone)
            self.form.addRow(self.tr("Identity number"), self.id_number)
            self.form.addRow(self.tr("Grid"), self.area)
            self.form.addRow(self.tr("From"), self.date)
        elif mode == "assign":
            if worker is None:
                self.form.addRow(self.tr("Worker"), self.who)
            self.form.addRow(self.tr("Grid"), self.area)
            self.form.addRow(self.tr("The new grid"), self.keep_others)
            self.form.addRow(self.tr("From"), self.date)
        elif mode == "kind":
            if worker is not None:
                self.kind.setCurrentIndex(max(0, self.kind.findData(worker.kind)))
            self.form.addRow(self.tr("Kind"), self.kind)
        else:
            self.form.addRow(self.tr("Leaves on"), self.date)
            self.form.addRow(self.tr("Reason"), self.reason)
        self.resize(560, self.sizeHint().height())

    def call(self) -> Callable[[Session], Any]:
        actor, day = self.actor, _pydate(self.date.date())
        if self.mode == "add":
            code, name, kind = self.code.text(), self.name.text(), self.kind.currentData()
            phone, number = self.phone.text().strip() or None, self.id_number.text().strip() or None
            area_id = self.area.currentData()
            return lambda s: roster.add(
                s,
                actor,
                code=code,
                name=name,
                kind=kind,
                phone=phone,
                id_number=number,
                area_id=area_id,
                valid_from=day,
                duty="team" if kind in ("judge", "prosecutor", "police", "lawyer") else "primary",
            )
        w = self.worker or self.who.currentData()
        if w is None:
            raise ValueError("请选择网格员 / choose a worker")
        if self.mode == "assign":
            area_id, keep = self.area.currentData(), bool(self.keep_others.currentData())
            if area_id is None:
                raise ValueError("请选择网格 / choose a grid")
            duty = "team" if w.kind in ("judge", "prosecutor", "police", "lawyer") else "primary"
            if w.kind in ("auxiliary",):
                duty = "helper"
            return lambda s: roster.assign(
                s, actor, w.id, w.version, area_id, valid_from=day, duty=duty, keep_others=keep
            )
        if self.mode == "kind":
            kind = self.kind.currentData()
            return lambda s: roster.change_kind(s, actor, w.id, w.version, kind)
        reason = self.reason.text()
        return lambda s: roster.leave(s, actor, w.id, w.version, on=day, reason=reason)
