"""The supervisor's ledger (督办台账): every supervision by level, step, department, town and
state, with its countdown and cards, the exchange with the department, and the actions the
signed-in role may take (services/supervision.py decides; the buttons only offer).

Pages of 100 rows are read by keyset (issued_at, id) as the table is scrolled; a live change of
supervision, extensions or orders reloads the first page. On the center's workstations that may
write, the sweep runs every minute off the GUI thread (the database's advisory lock makes
twenty windows one sweep).

Run alone: ``python -m command_center.views.supervision.ledger_view --user duban1``.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center import clock
from command_center.clock import CST
from command_center.models import AdminArea, Department
from command_center.services import deadlines, place_names
from command_center.services import supervision as sv
from command_center.services.audit import Actor
from command_center.services.auth import UserInfo
from command_center.services.lifecycle import ADMIN, DEPT_HANDLER, DUTY_OPERATOR, SUPERVISOR
from command_center.views.queue.queue_model import remaining_text
from command_center.views.table_export import install_export
from command_center.views.words import language, pick, word_of
from command_center.workers.live import LiveChannel
from command_center.workers.ops import LONG, OpsRunner

PAGE = 100
SWEEP_MS = 60_000
WATCHED = {"supervision_orders", "deadline_extensions", "supervision_notes", "work_orders"}
CARD_COLOURS = {"yellow": ("#f6d743", "#3b3000"), "red": ("#c62828", "#ffffff")}
COUNTDOWN_COLOURS = {"red": "#c62828", "amber": "#b26a00"}


def _when(moment: dt.datetime | None) -> str:
    return moment.astimezone(CST).strftime("%m-%d %H:%M") if moment else ""


class LedgerModel(QAbstractTableModel):
    """The ledger's rows, a page at a time."""

    COLUMNS = (
        "number",
        "level",
        "stage",
        "status",
        "department",
        "town",
        "order",
        "title",
        "issued",
        "countdown",
        "acknowledged",
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[sv.LedgerRow] = []
        self.more = False
        self.headers: dict[str, str] = {}

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers.get(self.COLUMNS[section], "")
        return None

    def set_rows(self, rows: list[sv.LedgerRow], *, append: bool = False) -> None:
        self.more = len(rows) >= PAGE
        if append:
            if not rows:
                return
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        else:
            self.beginResetModel()
            self.rows = list(rows)
            self.endResetModel()

    def last_key(self) -> tuple[dt.datetime, int] | None:
        return (self.rows[-1].issued_at, self.rows[-1].id) if self.rows else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col)
        if role == Qt.ItemDataRole.BackgroundRole and col == "stage" and r.card:
            return QBrush(QColor(CARD_COLOURS[r.card][0]))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == "stage" and r.card:
                return QBrush(QColor(CARD_COLOURS[r.card][1]))
            if col == "countdown" and r.status in sv.OPEN_STATES:
                level = deadlines.countdown(clock.now(), r.issued_at, r.deadline_at).level
                colour = COUNTDOWN_COLOURS.get(level)
                return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole and col in ("title", "stage"):
            return pick(r.reason_words) if col == "stage" else r.title
        return None

    def _text(self, r: sv.LedgerRow, col: str) -> str:
        if col == "number":
            return r.number
        if col == "level":
            return word_of(sv.LEVEL_TEXT, r.level)
        if col == "stage":
            return word_of(sv.STAGE_TEXT, r.stage)
        if col == "status":
            return word_of(sv.STATUS_TEXT, r.status)
        if col == "department":
            return pick(r.department_words)
        if col == "town":
            return pick(r.town_words)
        if col == "order":
            return r.order_number or r.incident_number or ""
        if col == "title":
            return r.title or ""
        if col == "issued":
            return _when(r.issued_at)
        if col == "countdown":
            if r.status not in sv.OPEN_STATES:
                return ""
            if language() != "zh":  # the queues' words: "2 d 3 h left", "5 h overdue"
                return remaining_text(r.deadline_at - clock.now())
            return deadlines.format_remaining(r.deadline_at - clock.now())
        if col == "acknowledged":
            return _when(r.acknowledged_at)
        return ""


class _TextDialog(QDialog):
    """One text (a reason, a note, a reply) and, when asked, a number of working days."""

    def __init__(
        self, parent: QWidget, title: str, label: str, *, days: tuple[int, int, int] | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.days: QSpinBox | None = None
        if days is not None:
            self.days = QSpinBox(self)
            self.days.setRange(days[0], days[1])
            self.days.setValue(days[2])
            self.days.setSuffix(self.tr(" working days"))
            form.addRow(self.tr("Days"), self.days)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("dialogText")
        self.text.setFixedHeight(90)
        form.addRow(label, self.text)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def value(self) -> str:
        return self.text.toPlainText()


class IssueDialog(QDialog):
    """A supervisor's manual supervision of an order (or an incident), by its number."""

    def __init__(self, parent: QWidget, order_number: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("issueSupervisionDialog")
        self.setWindowTitle(self.tr("Issue supervision"))
        form = QFormLayout(self)
        self.target = QLineEdit(order_number, self)
        self.target.setPlaceholderText(self.tr("work order or incident number"))
        form.addRow(self.tr("Order / incident"), self.target)
        self.level = QComboBox(self)
        for code in sv.LEVELS:
            self.level.addItem(word_of(sv.LEVEL_TEXT, code), code)
        form.addRow(self.tr("Level"), self.level)
        self.leader = QLineEdit(self)
        self.leader.setPlaceholderText(self.tr("the leader who takes the case"))
        form.addRow(self.tr("Leader"), self.leader)
        self.days = QSpinBox(self)
        self.days.setRange(1, 60)
        self.days.setValue(3)
        self.days.setSuffix(self.tr(" working days"))
        form.addRow(self.tr("Answer within"), self.days)
        self.instructions = QPlainTextEdit(self)
        self.instructions.setObjectName("issueInstructions")
        self.instructions.setFixedHeight(90)
        form.addRow(self.tr("Instructions"), self.instructions)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def resolve_target(session: Session, number: str) -> tuple[int | None, int | None]:
    """(work order id, incident id) of a number typed by the supervisor."""
    from command_center.models import Incident, WorkOrder

    number = number.strip()
    order = session.scalar(select(WorkOrder.id).where(WorkOrder.number == number))
    if order is not None:
        return order, None
    incident = session.scalar(select(Incident.id).where(Incident.number == number))
    if incident is not None:
        return None, incident
    raise sv.TransitionError(f"没有编号为 {number} 的工单或事件", f"no order or incident {number}")


class SupervisionView(QWidget):
    """See the module docstring."""

    sig_open_incident = Signal(int)
    """Drill-through: show this incident in the queues. Arguments: incident id."""

    sig_message = Signal(str, str)
    """Something for the status bar. Arguments: the text."""

    def __init__(
        self,
        runner: OpsRunner,
        live: LiveChannel | None,
        user: UserInfo,
        parent: QWidget | None = None,
        *,
        sweep_ms: int = SWEEP_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("supervisionView")
        self.runner = runner
        self.user = user
        self.actor = Actor(user.id, user.display_name)
        self.role = user.role_code
        self._loading = False
        self._filter = sv.LedgerFilter(state="live")

        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size:15pt; font-weight:bold; color:#1f3550;")
        self.level_combo = QComboBox(self)
        self.stage_combo = QComboBox(self)
        self.state_combo = QComboBox(self)
        self.dept_combo = QComboBox(self)
        self.town_combo = QComboBox(self)
        for combo in (
            self.level_combo,
            self.stage_combo,
            self.state_combo,
            self.dept_combo,
            self.town_combo,
        ):
            # long department names must not widen the window past a small screen
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.issue_button = QPushButton(self)
        self.issue_button.clicked.connect(self.open_issue_dialog)
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self.export)
        self.score_button = QPushButton(self)
        self.score_button.setObjectName("supervisionScore")
        self.score_button.clicked.connect(self.open_scores)
        # two rows: the heading and the actions, then the filters (one row was wider than a
        # 1366-pixel screen in English)
        bar = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        for w in (self.issue_button, self.export_button, self.score_button):
            top.addWidget(w)
        filters = QHBoxLayout()
        for w in (
            self.level_combo,
            self.stage_combo,
            self.state_combo,
            self.dept_combo,
            self.town_combo,
        ):
            filters.addWidget(w)
        filters.addStretch(1)
        bar.addLayout(top)
        bar.addLayout(filters)

        self.model = LedgerModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("supervisionTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.exporter = install_export(self.table, runner, "督办台账")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.table.doubleClicked.connect(lambda _i: self.open_incident())

        self.details = QPlainTextEdit(self)
        self.details.setObjectName("supervisionDetails")
        self.details.setReadOnly(True)  # text from outside, as plain text
        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for key in (
            "incident",
            "acknowledge",
            "progress",
            "reply",
            "extension",
            "accept",
            "decline",
            "grant",
            "close",
            "withdraw",
        ):
            b = QPushButton(self)
            b.setObjectName(f"supervision_{key}")
            b.setMinimumHeight(34)
            b.clicked.connect(lambda _c=False, k=key: self.act(k))
            actions.addWidget(b)
            self.buttons[key] = b
        actions.addStretch(1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setObjectName("supervisionMessage")
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(actions)
        lower_layout.addWidget(self.message)
        lower_layout.addWidget(self.details, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.details.setMinimumHeight(80)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        self.issue_button.setVisible(self.role in (SUPERVISOR, ADMIN))
        self._fill_filters()
        self._retranslate()
        self._update_buttons()
        if live is not None:
            live.sig_changes.connect(self._on_live_changes)
        self._sweep_timer = QTimer(self)
        self._sweep_timer.setInterval(sweep_ms)
        self._sweep_timer.timeout.connect(self.sweep)
        if sweep_ms > 0 and self.role in (DUTY_OPERATOR, SUPERVISOR, ADMIN):
            self._sweep_timer.start()
        self.reload()
        self.runner.submit(self._load_choices, success=self._set_choices, owner=self)

    # --- language ---

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.heading.setText(self.tr("Supervision ledger"))
        self.setWindowTitle(self.tr("Supervision ledger"))
        self.issue_button.setText(self.tr("Issue supervision…"))
        self.export_button.setText(self.tr("Export XLSX…"))
        self.score_button.setText(self.tr("Monthly score…"))
        self.details.setPlaceholderText(
            self.tr("Choose a supervision above: its instructions, steps and replies show here.")
        )
        self.model.headers = {
            "number": self.tr("Number"),
            "level": self.tr("Level"),
            "stage": self.tr("Step"),
            "status": self.tr("State"),
            "department": self.tr("Department"),
            "town": self.tr("Town"),
            "order": self.tr("Order"),
            "title": self.tr("Incident"),
            "issued": self.tr("Issued"),
            "countdown": self.tr("Time left"),
            "acknowledged": self.tr("Acknowledged"),
        }
        self.model.headerDataChanged.emit(
            Qt.Orientation.Horizontal, 0, len(LedgerModel.COLUMNS) - 1
        )
        labels = {
            "incident": self.tr("Open incident"),
            "acknowledge": self.tr("Acknowledge"),
            "progress": self.tr("Report progress…"),
            "reply": self.tr("Reply…"),
            "extension": self.tr("Ask for more time…"),
            "accept": self.tr("List it…"),
            "decline": self.tr("Decline…"),
            "grant": self.tr("Decide extension…"),
            "close": self.tr("Review and close…"),
            "withdraw": self.tr("Withdraw…"),
        }
        for key, text in labels.items():
            self.buttons[key].setText(text)
        self._fill_filters()
        if self.model.rowCount():
            # the cells' words change with the language: the columns follow them
            self.model.dataChanged.emit(
                self.model.index(0, 0),
                self.model.index(self.model.rowCount() - 1, len(LedgerModel.COLUMNS) - 1),
            )
            self._fit_columns()

    def _fill_filters(self) -> None:
        def fill(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            i = combo.findData(current)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)

        fill(
            self.level_combo,
            [(self.tr("All levels"), None)] + [(word_of(sv.LEVEL_TEXT, c), c) for c in sv.LEVELS],
        )
        fill(
            self.stage_combo,
            [(self.tr("All steps"), None), (self.tr("Cards"), "card")]
            + [(word_of(sv.STAGE_TEXT, c), c) for c in sv.STAGE_TEXT],
        )
        fill(
            self.state_combo,
            [
                (self.tr("Open"), "live"),
                (self.tr("Finished"), "closed"),
                (self.tr("All"), "all"),
            ],
        )
        zh = language() == "zh"
        depts = [
            (name if zh or not name_en else name_en, id_)
            for name, name_en, id_ in getattr(self, "_departments", [])
        ]
        fill(self.dept_combo, [(self.tr("All departments"), None), *depts])
        towns = [(pick(place_names.words(n)), i) for n, i in getattr(self, "_towns", [])]
        fill(self.town_combo, [(self.tr("All towns"), None), *towns])
        self.dept_combo.setVisible(self.role != DEPT_HANDLER)

    @staticmethod
    def _load_choices(session: Session) -> tuple[list[Any], list[Any]]:
        depts = session.execute(
            select(Department.name, Department.name_en, Department.id)
            .where(Department.active)
            .order_by(Department.id)
        ).all()
        towns = session.execute(
            select(AdminArea.name, AdminArea.id)
            .where(AdminArea.level == "town")
            .order_by(AdminArea.name)
        ).all()
        return [tuple(d) for d in depts], [tuple(t) for t in towns]

    def _set_choices(self, choices: tuple[list[Any], list[Any]]) -> None:
        self._departments, self._towns = choices
        self._fill_filters()

    # --- loading ---

    def current_filter(self) -> sv.LedgerFilter:
        state = self.state_combo.currentData()
        return sv.LedgerFilter(
            level=self.level_combo.currentData(),
            stage=self.stage_combo.currentData(),
            department_id=self.dept_combo.currentData(),
            town_id=self.town_combo.currentData(),
            state=None if state == "all" else state,
        )

    @Slot()
    def _on_filter_changed(self) -> None:
        self.reload()

    def reload(self) -> None:
        filt, actor = self.current_filter(), self.actor
        self._loading = True
        self.runner.submit(
            lambda s: sv.ledger(s, filt, limit=PAGE, actor=actor),
            success=self._on_loaded,
            failure=self._on_failed,
            owner=self,
            key="supervision.ledger",
        )

    def _fit_columns(self) -> None:
        """Columns as wide as their words (in the language shown); the long ones capped."""
        self.table.resizeColumnsToContents()
        for col, widest in (("title", 260), ("department", 240)):
            i = LedgerModel.COLUMNS.index(col)
            self.table.setColumnWidth(i, min(self.table.columnWidth(i), widest))

    def _on_loaded(self, rows: list[sv.LedgerRow]) -> None:
        selected = self.selected()
        self._loading = False
        self.model.set_rows(rows)
        self._fit_columns()
        if selected is not None:
            for i, r in enumerate(self.model.rows):
                if r.id == selected.id:
                    self.table.selectRow(i)
                    break
        self._show_details()

    def _on_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.message.setText(str(exc))

    @Slot(int)
    def _on_scrolled(self, value: int) -> None:
        bar = self.table.verticalScrollBar()
        if value >= bar.maximum() - 5 and self.model.more and not self._loading:
            self.fetch_more()

    def fetch_more(self) -> None:
        filt, after, actor = self.current_filter(), self.model.last_key(), self.actor
        self._loading = True
        self.runner.submit(
            lambda s: sv.ledger(s, filt, after=after, limit=PAGE, actor=actor),
            success=self._on_more,
            failure=self._on_failed,
            owner=self,
            key="supervision.more",
        )

    def _on_more(self, rows: list[sv.LedgerRow]) -> None:
        self._loading = False
        self.model.set_rows(rows, append=True)

    @Slot(object)
    def _on_live_changes(self, changes: Any) -> None:
        if changes.reload or WATCHED & set(changes.tables):
            self.reload()

    # --- the sweep ---

    @Slot()
    def sweep(self) -> None:
        actor = self.actor
        self.runner.submit(
            lambda s: sv.sweep(s, actor),
            success=self._on_swept,
            owner=self,
            lane=LONG,
            key="supervision.sweep",
        )

    def _on_swept(self, result: sv.SweepResult) -> None:
        if result.ran and result.changed:
            self.sig_message.emit(result.describe(), "info")

    def shutdown(self) -> None:
        self._sweep_timer.stop()

    # --- selection and actions ---

    def selected(self) -> sv.LedgerRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.rows[index.row()]

    @Slot()
    def _on_current_changed(self) -> None:
        self._show_details()

    def _show_details(self) -> None:
        r = self.selected()
        self._update_buttons()
        if r is None:
            self.details.setPlainText("")
            return
        lines = [
            f"{r.number}  {word_of(sv.LEVEL_TEXT, r.level)} · {word_of(sv.STAGE_TEXT, r.stage)} · "
            f"{word_of(sv.STATUS_TEXT, r.status)}",
            self.tr("Reason: %1").replace("%1", pick(r.reason_words)),
        ]
        if r.instructions:
            lines.append(self.tr("Instructions: %1").replace("%1", r.instructions))
        if r.leader:
            lines.append(self.tr("Leader: %1").replace("%1", r.leader))
        if r.order_deadline_at:
            lines.append(self.tr("Order deadline: %1").replace("%1", _when(r.order_deadline_at)))
        if r.acknowledged_at:
            lines.append(self.tr("Acknowledged: %1").replace("%1", _when(r.acknowledged_at)))
        if r.pending_extension_days:
            lines.append(
                self.tr("Asks for %1 more working days").replace(
                    "%1", str(r.pending_extension_days)
                )
            )
        if r.reply:
            lines.append(self.tr("Reply: %1").replace("%1", r.reply))
        self.details.setPlainText("\n".join(lines))
        sid = r.id
        self.runner.submit(
            lambda s: sv.notes(s, sid),
            success=lambda notes, sid=sid: self._add_notes(sid, notes),
            owner=self,
            key="supervision.notes",
        )

    def _add_notes(self, sid: int, notes: list[tuple[dt.datetime, str, str]]) -> None:
        r = self.selected()
        if r is None or r.id != sid or not notes:
            return
        self.details.appendPlainText("")
        for at, _kind, note in notes:
            self.details.appendPlainText(f"{_when(at)}  {note}")

    def _update_buttons(self) -> None:
        r = self.selected()
        handler = self.role == DEPT_HANDLER
        boss = self.role in (SUPERVISOR, ADMIN)
        live = r is not None and r.status in sv.OPEN_STATES
        show = {
            "incident": r is not None and r.incident_id is not None,
            "acknowledge": handler and r is not None and r.status == "open",
            "progress": handler and live,
            "reply": handler and live,
            "extension": handler
            and live
            and r is not None
            and r.order_id is not None
            and r.pending_extension_id is None,
            "accept": boss and r is not None and r.status == "proposed",
            "decline": boss and r is not None and r.status == "proposed",
            "grant": boss and r is not None and r.pending_extension_id is not None,
            "close": boss and live,
            "withdraw": boss and r is not None and r.status in sv.LIVE_STATES,
        }
        for key, b in self.buttons.items():
            b.setVisible(bool(show[key]))

    def act(self, key: str) -> None:
        r = self.selected()
        if r is None:
            return
        if key == "incident":
            self.open_incident()
            return
        actor, sid, version = self.actor, r.id, r.version
        fn: Any = None
        if key == "acknowledge":
            fn = lambda s: sv.acknowledge(s, actor, sid, version)  # noqa: E731
        elif key in ("progress", "reply", "close", "withdraw", "accept", "decline"):
            titles = {
                "progress": (self.tr("Report progress"), self.tr("Progress")),
                "reply": (self.tr("Reply to the supervision"), self.tr("Reply")),
                "close": (self.tr("Review and close"), self.tr("Review")),
                "withdraw": (self.tr("Withdraw the supervision"), self.tr("Reason")),
                "accept": (self.tr("List for supervision"), self.tr("Instructions")),
                "decline": (self.tr("Decline the proposal"), self.tr("Reason")),
            }
            dialog = _TextDialog(self, *titles[key])
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            text = dialog.value()
            fn = {
                "progress": lambda s: sv.report_progress(s, actor, sid, text, version),
                "reply": lambda s: sv.reply(s, actor, sid, text, version),
                "close": lambda s: sv.close(s, actor, sid, text, version),
                "withdraw": lambda s: sv.withdraw(s, actor, sid, text, version),
                "accept": lambda s: sv.decide_proposal(s, actor, sid, True, text, version),
                "decline": lambda s: sv.decide_proposal(s, actor, sid, False, text, version),
            }[key]
        elif key == "extension" and r.order_id is not None:
            dialog = _TextDialog(
                self, self.tr("Ask for more time"), self.tr("Reason"), days=(1, 60, 3)
            )
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.days is None:
                return
            order_id, days, text = r.order_id, dialog.days.value(), dialog.value()
            fn = lambda s: sv.request_extension(s, actor, order_id, days, text)  # noqa: E731
        elif key == "grant" and r.pending_extension_id is not None:
            asked = r.pending_extension_days or 1
            dialog = _TextDialog(
                self, self.tr("Decide the extension"), self.tr("Note"), days=(0, asked, asked)
            )
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.days is None:
                return
            ext_id, days, text = r.pending_extension_id, dialog.days.value(), dialog.value()
            fn = lambda s: sv.decide_extension(s, actor, ext_id, days, text)  # noqa: E731
        if fn is not None:
            self.run_action(fn)

    def run_action(self, fn: Any) -> None:
        self.message.setText("")
        self.runner.submit(fn, success=self._on_done, failure=self._on_failed, owner=self)

    def _on_done(self, _result: object) -> None:
        self.message.setText(self.tr("Done"))
        self.reload()

    def open_incident(self) -> None:
        r = self.selected()
        if r is not None and r.incident_id is not None:
            self.sig_open_incident.emit(r.incident_id)

    @Slot()
    def open_scores(self) -> Any:
        """月度考核: the departments' and towns' scores of a month (score_view.py)."""
        from command_center.views.supervision.score_view import ScoreDialog

        dialog = ScoreDialog(self.runner, self.actor, sv.may_supervise(self.role), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    @Slot()
    def open_issue_dialog(self, order_number: str = "") -> IssueDialog | None:
        r = self.selected()
        dialog = IssueDialog(self, order_number or (r.order_number or "" if r else ""))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        number = dialog.target.text()
        level = dialog.level.currentData()
        days = dialog.days.value()
        text = dialog.instructions.toPlainText()
        leader = dialog.leader.text()
        actor = self.actor

        def issue(s: Session) -> sv.Snapshot:
            order_id, incident_id = resolve_target(s, number)
            return sv.issue(
                s,
                actor,
                level=level,
                instructions=text,
                working_days=days,
                work_order_id=order_id,
                incident_id=incident_id,
                leader=leader or None,
            )

        self.run_action(issue)
        return dialog

    @Slot()
    def export(self, path: str = "") -> None:
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export the ledger"), "督办台账.xlsx", "Excel (*.xlsx)"
            )
        if not path:
            return
        filt, actor = self.current_filter(), self.actor

        def write(s: Session) -> int:
            rows: list[sv.LedgerRow] = []
            after = None
            while True:
                page = sv.ledger(s, filt, after=after, limit=1000, actor=actor)
                rows += page
                if len(page) < 1000:
                    break
                after = (page[-1].issued_at, page[-1].id)
            return sv.export_xlsx(rows, path)

        self.runner.submit(
            write,
            success=lambda n: self.message.setText(
                self.tr("%1 rows exported").replace("%1", str(n))
            ),
            failure=self._on_failed,
            owner=self,
            lane=LONG,
        )


def main(argv: list[str] | None = None) -> int:
    from command_center.views.standalone import run_view

    return run_view(
        lambda ctx: SupervisionView(ctx.runner, ctx.live, ctx.user),
        title="督办台账 Supervision ledger",
        argv=argv,
    )


if __name__ == "__main__":
    sys.exit(main())
