"""The disputes working area (矛盾纠纷调解): the case list with the case file beside it, the
mediation-room board, and the figures — each number opening the cases behind it.

The list reads pages by keyset (services/disputes.case_page) as the operator scrolls; the
filters are the case's status, type, risk, room, town and source, the days it was received
(:class:`PeriodPicker`: all, this month, quarter or year, or custom days) and free text (a
number prefix, words of the facts, a sender's reference). The case file shows the parties
masked (1101**********1234) unless revealed through the audited ``cc_reveal``, the countdown of
the time limit (amber past 75 %, red once overdue, as for work orders), and the timeline: every
session, visit, alert, transfer (in from a court, the police or the petitions office, between
rooms, the referral at a failure) and audit entry. The figures are over a period of their own.
An administrator opens the rooms and mediators (rooms_dialog.py) from the board. Every action
runs services/disputes.py on the worker lane; changes by other workstations arrive on the live
channel and are read again.

Run alone: ``python -m command_center.views.disputes.disputes_view [--database-url URL]``.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from command_center import clock
from command_center.db.changes import Changes
from command_center.services import agreement_pdf, disputes, permissions, personal
from command_center.services.audit import Actor
from command_center.services.disputes import CaseFilter, CaseRow
from command_center.views.disputes.dialogs import (
    AgreementDialog,
    FailureDialog,
    FollowUpDialog,
    IntakeDialog,
    ReasonDialog,
    SessionDialog,
    fmt_time,
    pick,
    plain_item,
)
from command_center.views.queue.queue_model import remaining_text
from command_center.views.table_export import install_export
from command_center.views.words import language, name_text, place_text
from command_center.workers.live import LiveChannel
from command_center.workers.ops import OpsRunner

PAGE = 100
LEVEL_COLOURS = {"amber": QColor("#b26a00"), "red": QColor("#c62828")}
RISK_COLOURS = {"high": QColor("#e65100"), "major": QColor("#c62828")}
WRITERS = ("duty_operator", "supervisor", "admin")


class PeriodPicker(QWidget):
    """The days of a period: every date, this month, this quarter, this year (so far), or
    custom days (from, to; both included). The days themselves come from the Qt-free
    ``disputes.period_range`` on the program's clock."""

    sig_changed = Signal()

    PERIODS = (
        ("all", QT_TRANSLATE_NOOP("PeriodPicker", "All dates")),
        ("month", QT_TRANSLATE_NOOP("PeriodPicker", "This month")),
        ("quarter", QT_TRANSLATE_NOOP("PeriodPicker", "This quarter")),
        ("year", QT_TRANSLATE_NOOP("PeriodPicker", "This year")),
        ("custom", QT_TRANSLATE_NOOP("PeriodPicker", "Custom days")),
    )

    def __init__(self, default: str = "all", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.setObjectName("disputePeriod")
        for key, _label in self.PERIODS:
            self.kind.addItem("", key)
        self.kind.setCurrentIndex(self.kind.findData(default))
        today = QDate(clock.today())
        self.first = QDateEdit(today.addMonths(-1))
        self.first.setObjectName("disputePeriodFrom")
        self.last = QDateEdit(today)
        self.last.setObjectName("disputePeriodTo")
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._on_date_changed)
        self.dash = QLabel("–")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind)
        layout.addWidget(self.first)
        layout.addWidget(self.dash)
        layout.addWidget(self.last)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self._show_days()
        self.retranslate()

    def retranslate(self) -> None:
        for i, (_key, label) in enumerate(self.PERIODS):
            self.kind.setItemText(i, QCoreApplication.translate("PeriodPicker", label))
        self.first.setToolTip(self.tr("From (included)"))
        self.last.setToolTip(self.tr("To (included)"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_period(self, kind: str, first: Any = None, last: Any = None) -> None:
        """Choose a period (and, for ``custom``, its days)."""
        for edit, day in ((self.first, first), (self.last, last)):
            if day is not None:
                edit.blockSignals(True)
                edit.setDate(QDate(day))
                edit.blockSignals(False)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self._show_days()
        self.sig_changed.emit()

    def days(self) -> tuple[Any, Any]:
        """(first, last) dates of the period, None for an open end."""
        kind = self.kind.currentData()
        if kind == "custom":
            return self.first.date().toPython(), self.last.date().toPython()
        return disputes.period_range(kind, clock.today())

    def _show_days(self) -> None:
        kind = self.kind.currentData()
        custom = kind == "custom"
        for w in (self.first, self.dash, self.last):
            w.setVisible(kind != "all")
            w.setEnabled(custom)
        if not custom and kind != "all":
            first, last = disputes.period_range(kind, clock.today())
            for edit, day in ((self.first, first), (self.last, last)):
                edit.blockSignals(True)
                edit.setDate(QDate(day))
                edit.blockSignals(False)

    @Slot(int)
    def _on_kind_changed(self, _index: int) -> None:
        self._show_days()
        self.sig_changed.emit()

    @Slot()
    def _on_date_changed(self) -> None:
        if self.kind.currentData() == "custom":
            self.sig_changed.emit()


class CaseTableModel(QAbstractTableModel):
    """The cases under a filter, newest first, read a page at a time as the view scrolls."""

    sig_loaded = Signal(int)  # rows held

    COLUMNS = (
        "number",
        "received",
        "type",
        "status",
        "risk",
        "room",
        "mediator",
        "town",
        "time_limit",
        "summary",
    )

    def __init__(self, runner: OpsRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.rows: list[CaseRow] = []
        self.filter = CaseFilter()
        self._cursor: tuple[Any, ...] | None = None
        self._exhausted = True
        self._loading = False
        self._generation = 0

    def headers(self) -> list[str]:
        return [
            self.tr("Number"),
            self.tr("Received"),
            self.tr("Type"),
            self.tr("Status"),
            self.tr("Risk"),
            self.tr("Room"),
            self.tr("Mediator"),
            self.tr("Town"),
            self.tr("Time limit"),
            self.tr("Facts"),
        ]

    def reload(self, f: CaseFilter | None = None) -> None:
        if f is not None:
            self.filter = f
        self._generation += 1
        generation, flt = self._generation, self.filter
        self._loading = True
        self._runner.submit(
            lambda s: disputes.case_page(s, flt, limit=PAGE),
            success=lambda page: self._on_page(page, generation, replace=True),
            owner=self,
            key="disputes.page",
        )

    def _on_page(self, page: disputes.Page, generation: int, *, replace: bool) -> None:
        if generation != self._generation:
            return
        self._loading = False
        if replace:
            self.beginResetModel()
            self.rows = list(page.rows)
            self.endResetModel()
        elif page.rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        self._cursor, self._exhausted = page.cursor, page.exhausted
        self.sig_loaded.emit(len(self.rows))

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        self._loading = True
        generation, flt, after = self._generation, self.filter, self._cursor
        self._runner.submit(
            lambda s: disputes.case_page(s, flt, after=after, limit=PAGE),
            success=lambda page: self._on_page(page, generation, replace=False),
            owner=self,
            key="disputes.more",
        )

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "number":
                return row.number + (" ↺" if row.repeat else "")
            if col == "received":
                return fmt_time(row.received_at)
            if col == "type":
                return name_text(row.type_name, row.type_name_en)
            if col == "status":
                return pick(disputes.STATUS_TEXT.get(row.status, (row.status, row.status)))
            if col == "risk":
                return pick(disputes.RISK_TEXT[row.risk_level])
            if col == "room":
                return row.org_name or ""
            if col == "mediator":
                return row.mediator_name or ""
            if col == "town":
                return place_text(row.town_name)
            if col == "time_limit":
                cd = row.countdown(clock.now())
                return remaining_text(cd.remaining) if cd else ""
            if col == "summary":
                return row.summary.replace("\n", " ")[:80]
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == "time_limit":
                cd = row.countdown(clock.now())
                return LEVEL_COLOURS.get(cd.level) if cd else None
            if col == "risk":
                return RISK_COLOURS.get(row.risk_level)
        if role == Qt.ItemDataRole.ToolTipRole and col == "number" and row.repeat:
            return self.tr("The parties had a dispute before")
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


class CaseFilePanel(QWidget):
    """One case: its particulars, parties, timeline and the actions its status allows."""

    sig_action = Signal(str)  # the action chosen: session, extend, agreement, …

    ACTIONS = (
        ("assign", QT_TRANSLATE_NOOP("CaseFilePanel", "Assign…")),
        ("session", QT_TRANSLATE_NOOP("CaseFilePanel", "Add session…")),
        ("extend", QT_TRANSLATE_NOOP("CaseFilePanel", "Extend…")),
        ("agreement", QT_TRANSLATE_NOOP("CaseFilePanel", "Agreement…")),
        ("failure", QT_TRANSLATE_NOOP("CaseFilePanel", "Failed…")),
        ("withdraw", QT_TRANSLATE_NOOP("CaseFilePanel", "Withdraw…")),
        ("follow_up", QT_TRANSLATE_NOOP("CaseFilePanel", "Follow-up…")),
        ("reveal", QT_TRANSLATE_NOOP("CaseFilePanel", "Show identity…")),
        ("pdf", QT_TRANSLATE_NOOP("CaseFilePanel", "Agreement PDF…")),
    )

    def __init__(self, may_write: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("disputeCaseFile")
        self.file: disputes.CaseFile | None = None
        self._may_write = may_write
        self.title = QLabel()
        self.title.setObjectName("disputeCaseTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.facts = QLabel()
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.facts.setWordWrap(True)
        self.countdown = QLabel()
        self.countdown.setObjectName("disputeCountdown")
        self.countdown.setTextFormat(Qt.TextFormat.PlainText)
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        self.parties = QTableWidget(0, 5)
        self.parties.setObjectName("disputePartiesTable")
        self.parties.verticalHeader().hide()
        self.parties.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for col in (0, 3):
            self.parties.horizontalHeader().setSectionResizeMode(
                col, QHeaderView.ResizeMode.ResizeToContents
            )
        self.parties.setMaximumHeight(130)
        self.timeline = QListWidget()
        self.timeline.setObjectName("disputeTimeline")
        self.timeline.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for i, (key, _label) in enumerate(self.ACTIONS):
            button = QPushButton()
            button.setObjectName(f"dispute_{key}")
            button.clicked.connect(lambda _=False, k=key: self.sig_action.emit(k))
            grid.addWidget(button, i // 5, i % 5)
            self.buttons[key] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.countdown)
        layout.addWidget(self.details)
        layout.addWidget(self.facts)
        layout.addWidget(self.parties)
        layout.addLayout(grid)
        self.timeline_label = QLabel()
        layout.addWidget(self.timeline_label)
        layout.addWidget(self.timeline, 1)
        self._revealed: list[dict[str, Any]] | None = None
        self.retranslate()

    def retranslate(self) -> None:
        for key, label in self.ACTIONS:
            self.buttons[key].setText(QCoreApplication.translate("CaseFilePanel", label))
        self.timeline_label.setText(self.tr("Timeline"))
        self.show_file(self.file, self._revealed)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_file(
        self, file: disputes.CaseFile | None, revealed: list[dict[str, Any]] | None = None
    ) -> None:
        self.file = file
        self._revealed = revealed
        self.parties.setHorizontalHeaderLabels(
            [
                self.tr("Side"),
                self.tr("Name"),
                self.tr("Phone"),
                self.tr("Identity number"),
                self.tr("Address"),
            ]
        )
        self.timeline.clear()
        if file is None:
            self.title.setText(self.tr("Choose a case in the list"))
            for w in (self.countdown, self.details, self.facts):
                w.setText("")
            self.parties.setRowCount(0)
            for b in self.buttons.values():
                b.setEnabled(False)
            return
        c = file.case
        status = pick(disputes.STATUS_TEXT.get(c.status, (c.status, c.status)))
        self.title.setText(f"{c.number}　{name_text(file.type_name, file.type_name_en)}　{status}")
        cd = file.countdown(clock.now())
        if cd is not None:
            text = (
                self.tr("Time limit %1 (%2)")
                .replace("%1", fmt_time(c.deadline_at))
                .replace("%2", remaining_text(cd.remaining))
            )
            if c.extensions:
                text += self.tr(", extended: %1").replace("%1", c.extension_reason or "")
            self.countdown.setText(text)
            colour = LEVEL_COLOURS.get(cd.level)
            self.countdown.setStyleSheet(f"color: {colour.name()};" if colour else "")
        else:
            self.countdown.setText("")
        lines = [
            self.tr("Room: %1　Mediator: %2")
            .replace("%1", file.org_name or "")
            .replace("%2", c.mediator_name or "—"),
            self.tr("Source: %1").replace("%1", pick(disputes.SOURCE_TEXT[c.source]))
            + (f"　{c.source_org or ''}{c.source_reference}" if c.source_reference else ""),
            self.tr("Risk: %1　People involved: %2")
            .replace("%1", pick(disputes.RISK_TEXT[c.risk_level]))
            .replace("%2", str(c.people_involved))
            + (f"　{c.risk_reasons}" if c.risk_reasons else ""),
        ]
        if c.amount_involved is not None:
            lines.append(
                self.tr("Amount at stake: %1 yuan").replace("%1", f"{c.amount_involved:,.2f}")
            )
        if file.incident_number:
            lines.append(self.tr("From incident %1").replace("%1", file.incident_number))
        if file.repeat_of_number:
            lines.append(
                self.tr("Repeat: the parties were in case %1").replace("%1", file.repeat_of_number)
            )
        if c.agreement_text:
            lines.append(self.tr("Agreement: %1").replace("%1", c.agreement_text))
            if c.fulfil_by:
                lines.append(self.tr("Fulfil by %1").replace("%1", f"{c.fulfil_by:%Y-%m-%d}"))
        if c.referral:
            lines.append(
                self.tr("Referred to: %1").replace("%1", pick(disputes.REFERRAL_TEXT[c.referral]))
            )
        if c.outcome_note:
            lines.append(c.outcome_note)
        self.details.setText("\n".join(lines))
        self.facts.setText(c.summary)
        rows: list[dict[str, Any]] = revealed or [dataclasses.asdict(p) for p in file.parties]
        self.parties.setRowCount(len(rows))
        for r, p in enumerate(rows):
            values = (
                pick(disputes.PARTY_ROLE_TEXT.get(p["role"], (p["role"], p["role"]))),
                p.get("name") or "",
                p.get("phone") or "",
                p.get("id_number") or "",
                p.get("address") or "",
            )
            for col, value in enumerate(values):
                self.parties.setItem(r, col, plain_item(value))
        kinds = {
            "transfer": self.tr("Transfer"),
            "session": self.tr("Session"),
            "visit": self.tr("Follow-up"),
            "alert": self.tr("Alert"),
        }
        for e in reversed(file.timeline):
            zh = language() == "zh"
            who = (f"　{e.actor}" if zh else f" · {e.actor}") if e.actor else ""
            mark = ""
            if e.kind in kinds:
                mark = f"【{kinds[e.kind]}】" if zh else f"[{kinds[e.kind]}] "
            item = QListWidgetItem(f"{fmt_time(e.at)}{who}\n{mark}{pick(e.words())}")
            item.setData(Qt.ItemDataRole.UserRole, e.kind)
            if e.kind == "alert":
                item.setForeground(QColor("#c62828"))
            elif e.kind == "transfer":
                item.setForeground(QColor("#1565c0"))
            self.timeline.addItem(item)
        open_ = c.status in disputes.OPEN_STATUSES
        allowed = {
            "assign": open_,
            "session": open_,
            "extend": open_ and c.extensions == 0,
            "agreement": open_,
            "failure": open_,
            "withdraw": open_,
            "follow_up": c.status == "agreement",
            "reveal": True,
            "pdf": bool(c.agreement_text),
        }
        for key, button in self.buttons.items():
            button.setEnabled(allowed[key] and (self._may_write or key == "reveal"))


class BoardTab(QWidget):
    """Open cases per room and mediator, the overdue and the high-risk ones."""

    sig_open = Signal(object)  # a CaseFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setObjectName("disputeBoard")
        self.tree.setColumnCount(4)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.itemDoubleClicked.connect(self._on_tree_item_double_clicked)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.rooms_button = QPushButton()
        self.rooms_button.setObjectName("disputeRoomsAdmin")
        top = QHBoxLayout()
        top.addWidget(self.hint, 1)
        top.addWidget(self.rooms_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree)
        self.retranslate()

    def retranslate(self) -> None:
        self.rooms_button.setText(self.tr("Rooms and mediators…"))
        self.tree.setHeaderLabels(
            [self.tr("Room / mediator"), self.tr("Open"), self.tr("Overdue"), self.tr("High risk")]
        )
        self.hint.setText(
            self.tr(
                "Double-click a room or a mediator for its open cases; a number for those cases."
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_rows(self, rows: list[disputes.BoardRow]) -> None:
        self.tree.clear()
        room: QTreeWidgetItem | None = None
        for r in rows:
            item = QTreeWidgetItem(
                [r.mediator_name or r.org_name, str(r.open), str(r.overdue), str(r.high_risk)]
            )
            item.setData(
                0, Qt.ItemDataRole.UserRole, (r.org_id, r.mediator_id, r.mediator_name is None)
            )
            for col in (1, 2, 3):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight)
            if r.overdue:
                item.setForeground(2, QColor("#c62828"))
            if r.high_risk:
                item.setForeground(3, QColor("#e65100"))
            if r.mediator_name is None:
                self.tree.addTopLevelItem(item)
                room = item
            elif room is not None:
                room.addChild(item)
        self.tree.expandAll()
        for col in (1, 2, 3):
            self.tree.resizeColumnToContents(col)

    @Slot(QTreeWidgetItem, int)
    def _on_tree_item_double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        org_id, mediator_id, is_room = item.data(0, Qt.ItemDataRole.UserRole)
        f = CaseFilter(
            statuses=disputes.OPEN_STATUSES,
            org_id=org_id,
            mediator_id=None if is_room else mediator_id,
        )
        if column == 2:
            f = dataclasses.replace(f, overdue=True)
        elif column == 3:
            f = dataclasses.replace(f, risks=disputes.URGENT_RISKS)
        self.sig_open.emit(f)


class FiguresTab(QWidget):
    """Success rate, satisfaction, average duration, the open and overdue cases, the backlog
    by town and type and the sources; every number opens the cases behind it."""

    sig_open = Signal(object)  # a CaseFilter
    sig_period = Signal()  # another period was chosen: read the figures again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: dict[str, QPushButton] = {}
        self.period = PeriodPicker("year")
        self.period.sig_changed.connect(self.sig_period)
        self.period_label = QLabel()
        self.period_note = QLabel()
        self.period_note.setObjectName("mutedLabel")
        top = QHBoxLayout()
        top.addWidget(self.period_label)
        top.addWidget(self.period)
        top.addWidget(self.period_note, 1)
        row = QHBoxLayout()
        for key in ("success", "satisfaction", "duration", "open", "overdue"):
            b = QPushButton()
            b.setObjectName(f"disputeFigure_{key}")
            b.setMinimumHeight(64)
            b.setStyleSheet("font-size: 14px;")
            row.addWidget(b)
            self.tiles[key] = b
        self.town = QTableWidget(0, 2)
        self.type = QTableWidget(0, 2)
        self.sources = QTableWidget(0, 2)
        boxes = QHBoxLayout()
        self.boxes: list[QGroupBox] = []
        for table in (self.town, self.type, self.sources):
            table.verticalHeader().hide()
            table.horizontalHeader().hide()
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.cellDoubleClicked.connect(
                lambda r, _c, t=table: self._on_table_double_clicked(t, r)
            )
            box = QGroupBox()
            QVBoxLayout(box).addWidget(table)
            boxes.addWidget(box)
            self.boxes.append(box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(row)
        layout.addLayout(boxes, 1)
        self._filters: dict[str, CaseFilter] = {}
        self._figures: disputes.Figures | None = None
        for key, b in self.tiles.items():
            b.clicked.connect(lambda _=False, k=key: self._open(k))
        self.retranslate()

    def retranslate(self) -> None:
        self.period_label.setText(self.tr("Period"))
        self.period_note.setText(
            self.tr("Cases received in the period; click a number for its cases")
        )
        for box, title in zip(
            self.boxes,
            (self.tr("Open cases by town"), self.tr("Open cases by type"), self.tr("Sources")),
            strict=True,
        ):
            box.setTitle(title)
        if self._figures is not None:
            self.show_figures(self._figures)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _open(self, key: str) -> None:
        if key in self._filters:
            self.sig_open.emit(self._filters[key])

    def _on_table_double_clicked(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None:
            self.sig_open.emit(item.data(Qt.ItemDataRole.UserRole))

    def show_figures(self, f: disputes.Figures) -> None:
        self._figures = f

        def pct(v: float | None) -> str:
            return "—" if v is None else f"{v * 100:.1f}%"

        texts = {
            "success": (self.tr("Success rate"), pct(f.success_rate.value), f.success_rate),
            "satisfaction": (self.tr("Satisfaction"), pct(f.satisfaction.value), f.satisfaction),
            "duration": (
                self.tr("Average duration"),
                "—"
                if f.average_days.value is None
                else self.tr("%1 days").replace("%1", f"{f.average_days.value:.1f}"),
                f.average_days,
            ),
            "open": (self.tr("Open cases"), str(f.open_cases.value), f.open_cases),
            "overdue": (self.tr("Overdue"), str(f.overdue.value), f.overdue),
        }
        for key, (label, value, fig) in texts.items():
            self.tiles[key].setText(f"{label}\n{value}")
            tip = (
                self.tr("Of %1 follow-up visits: click to see their cases")
                if key == "satisfaction"
                else self.tr("Of %1 cases: click to see them")
            )
            self.tiles[key].setToolTip(tip.replace("%1", str(fig.count)))
            self._filters[key] = fig.behind
        self._fill(
            self.town,
            [
                (
                    place_text(name) if tid is not None else self.tr("Not recorded"),
                    n,
                    f.town_filter(tid),
                )
                for tid, name, n in f.backlog_by_town
            ],
        )
        self._fill(
            self.type,
            [
                (name_text(name, f.type_names_en.get(code)), n, f.type_filter(code))
                for code, name, n in f.backlog_by_type
            ],
        )
        self._fill(
            self.sources,
            [(pick(disputes.SOURCE_TEXT[s]), n, f.source_filter(s)) for s, n in f.sources],
        )

    @staticmethod
    def _fill(table: QTableWidget, rows: list[tuple[str, int, CaseFilter]]) -> None:
        table.setRowCount(len(rows))
        for r, (name, n, flt) in enumerate(rows):
            item = plain_item(name)
            item.setData(Qt.ItemDataRole.UserRole, flt)
            table.setItem(r, 0, item)
            count = plain_item(str(n))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, 1, count)


class DisputesView(QWidget):
    """See the module docstring."""

    sig_message = Signal(str)

    def __init__(
        self,
        runner: OpsRunner,
        live: LiveChannel | None,
        actor: Actor,
        role_code: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("disputesView")
        self._runner = runner
        self._actor = actor
        self._may_write = role_code in WRITERS
        self._choices: dict[str, Any] | None = None
        self._pending_intake: tuple[int, str] | None = None
        self._revealed: dict[int, list[dict[str, Any]]] = {}
        self._current: int | None = None
        self._loaded = False

        self.model = CaseTableModel(runner, self)
        self.table = QTableView()
        self.table.setObjectName("disputeCases")
        self.table.setModel(self.model)
        self.exporter = install_export(self.table, runner, "纠纷案件")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.model.sig_loaded.connect(self._on_model_sig_loaded)

        self.status = QComboBox()
        self.status.setObjectName("disputeStatusFilter")
        self.type = QComboBox()
        self.risk = QComboBox()
        self.room = QComboBox()
        self.town = QComboBox()
        self.source = QComboBox()
        self.search = QLineEdit()
        self.search.setObjectName("disputeSearch")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.new_button = QPushButton()
        self.new_button.setObjectName("disputeNew")
        self.new_button.setEnabled(self._may_write)
        self.new_button.clicked.connect(lambda: self.open_intake())
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filter)
        for combo in (self.status, self.type, self.risk, self.room, self.town, self.source):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.search.textChanged.connect(self._on_filter_changed)

        self.period = PeriodPicker("all")
        self.period.sig_changed.connect(self._on_filter_changed)
        self.received_label = QLabel()
        bar = QHBoxLayout()
        for w in (self.status, self.type, self.risk, self.room, self.town, self.source):
            w.setMinimumContentsLength(7)
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            bar.addWidget(w, 1)
        bar2 = QHBoxLayout()
        bar2.addWidget(self.received_label)
        bar2.addWidget(self.period)
        bar2.addWidget(self.search, 1)
        bar2.addWidget(self.count)
        bar2.addWidget(self.new_button)

        self.file_panel = CaseFilePanel(self._may_write)
        self.file_panel.sig_action.connect(self._on_file_panel_sig_action)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.file_panel)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([640, 640])
        cases = QWidget()
        cl = QVBoxLayout(cases)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addLayout(bar)
        cl.addLayout(bar2)
        cl.addWidget(split, 1)

        self.board = BoardTab()
        self.board.sig_open.connect(self.open_cases)
        self.board.rooms_button.setVisible(permissions.may_manage_mediation(role_code))
        self.board.rooms_button.clicked.connect(self.open_rooms)
        self.rooms_dialog: Any = None
        self.figures = FiguresTab()
        self.figures.sig_open.connect(self.open_cases)
        self.figures.sig_period.connect(lambda: self._on_tabs_current_changed(2))
        self.tabs = QTabWidget()
        self.tabs.addTab(cases, "")
        self.tabs.addTab(self.board, "")
        self.tabs.addTab(self.figures, "")
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        self.setMinimumSize(200, 150)

        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(400)
        self._live_timer.timeout.connect(self.refresh)
        if live is not None:
            live.sig_changes.connect(self._on_live_sig_changes)
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Number, words, reference"))
        self.received_label.setText(self.tr("Received"))
        self.new_button.setText(self.tr("New case…"))
        for i, title in enumerate(
            (self.tr("Cases"), self.tr("Mediation rooms"), self.tr("Figures"))
        ):
            self.tabs.setTabText(i, title)
        choices = self._choices or {}
        fills: list[tuple[QComboBox, list[tuple[str, Any]]]] = [
            (
                self.status,
                [(self.tr("Open"), disputes.OPEN_STATUSES), (self.tr("All statuses"), ())]
                + [(pick(p), (c,)) for c, p in disputes.STATUS_TEXT.items()],
            ),
            (
                self.risk,
                [(self.tr("All risks"), ()), (self.tr("High and major"), disputes.URGENT_RISKS)]
                + [(pick(p), (c,)) for c, p in disputes.RISK_TEXT.items()],
            ),
            (
                self.source,
                [(self.tr("All sources"), None)]
                + [(pick(p), c) for c, p in disputes.SOURCE_TEXT.items()],
            ),
            (
                self.type,
                [(self.tr("All types"), None)]
                + [(pick((zh, en)), c) for c, zh, en in choices.get("types", [])],
            ),
            (
                self.room,
                [(self.tr("All rooms"), None)] + [(o.name, o.id) for o in choices.get("orgs", [])],
            ),
            (
                self.town,
                [(self.tr("All towns"), None)]
                + [(place_text(name), tid) for tid, name in choices.get("towns", [])],
            ),
        ]
        for combo, items in fills:
            index = max(combo.currentIndex(), 0)
            combo.blockSignals(True)
            combo.clear()
            for label, data in items:
                combo.addItem(label, data)
            combo.setCurrentIndex(min(index, combo.count() - 1))
            combo.blockSignals(False)
        self.model.headerDataChanged.emit(
            Qt.Orientation.Horizontal, 0, len(CaseTableModel.COLUMNS) - 1
        )
        if self.model.rows:
            self.model.dataChanged.emit(
                self.model.index(0, 0),
                self.model.index(len(self.model.rows) - 1, len(CaseTableModel.COLUMNS) - 1),
            )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- loading ------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.load()

    def load(self) -> None:
        self._loaded = True
        self._runner.submit(
            self._read_choices, success=self._on_choices, owner=self, key="disputes.choices"
        )
        self.apply_filter()

    @staticmethod
    def _read_choices(s: Any) -> dict[str, Any]:
        from command_center.models import AdminArea, Mediator

        orgs = disputes.orgs(s)
        mediators: dict[int, list[tuple[int, str]]] = {}
        for m in s.query(Mediator).filter(Mediator.active).order_by(Mediator.id):
            mediators.setdefault(m.org_id, []).append((m.id, m.name))
        towns = [
            (a.id, a.name)
            for a in s.query(AdminArea).filter(AdminArea.level == "town").order_by(AdminArea.code)
        ]
        return {
            "orgs": orgs,
            "mediators": mediators,
            "types": disputes.dispute_types(s),
            "towns": towns,
        }

    def _on_choices(self, choices: dict[str, Any]) -> None:
        self._choices = choices
        self.retranslate()
        pending, self._pending_intake = self._pending_intake, None
        if pending is not None:  # asked for before the choices were read
            self.open_intake(pending)

    def current_filter(self) -> CaseFilter:
        first, last = self.period.days()
        return CaseFilter(
            received_from=first,
            received_to=last,
            statuses=tuple(self.status.currentData() or ()),
            type_code=self.type.currentData(),
            risks=tuple(self.risk.currentData() or ()),
            org_id=self.room.currentData(),
            town_id=self.town.currentData(),
            source=self.source.currentData(),
            text=self.search.text(),
        )

    def _on_filter_changed(self, *_args: object) -> None:
        self._debounce.start()

    @Slot()
    def apply_filter(self) -> None:
        f = self.current_filter()
        try:
            disputes.check_range(f.received_from, f.received_to)
        except disputes.TransitionError as exc:
            self.count.setText(str(exc))
            return
        self.model.reload(f)

    @Slot(object)
    def open_cases(self, f: CaseFilter) -> None:
        """Show the cases of a filter (a figure's, a board row's) in the list."""
        self.tabs.setCurrentIndex(0)
        self._debounce.stop()
        self.model.reload(f)
        self.count.setText(self.tr("(from the figures)"))

    @Slot(int)
    def _on_model_sig_loaded(self, n: int) -> None:
        for col in range(3):  # number, received, type
            self.table.resizeColumnToContents(col)
        more = "+" if self.model.canFetchMore() else ""
        self.count.setText(self.tr("%1 cases").replace("%1", f"{n}{more}"))
        if self._current is not None:
            for r, row in enumerate(self.model.rows):
                if row.id == self._current:
                    self.table.selectRow(r)
                    return
        if self.model.rows:
            self.table.selectRow(0)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        case_id = self.model.rows[current.row()].id
        if case_id != self._current or self.file_panel.file is None:
            self._current = case_id
            self.load_file(case_id)

    def load_file(self, case_id: int) -> None:
        self._runner.submit(
            lambda s: disputes.case_file(s, case_id),
            success=self._on_file,
            owner=self,
            key="disputes.file",
        )

    def _on_file(self, file: disputes.CaseFile) -> None:
        if file.case.id == self._current:
            self.file_panel.show_file(file, self._revealed.get(file.case.id))

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        if index == 1:
            self._runner.submit(
                disputes.board, success=self.board.show_rows, owner=self, key="disputes.board"
            )
        elif index == 2:
            first, last = self.figures.period.days()
            try:
                disputes.check_range(first, last)
            except disputes.TransitionError as exc:
                self.sig_message.emit(str(exc))
                return
            self._runner.submit(
                lambda s: disputes.figures(s, since=first, until=last),
                success=self.figures.show_figures,
                owner=self,
                key="disputes.figures",
            )

    @Slot(object)
    def _on_live_sig_changes(self, changes: Changes) -> None:
        if self._loaded and changes.touched("dispute_cases", "dispute_alerts"):
            self._live_timer.start()
        if self._loaded and changes.touched("mediation_orgs", "mediators"):
            self._runner.submit(
                self._read_choices, success=self._on_choices, owner=self, key="disputes.choices"
            )

    @Slot()
    def refresh(self) -> None:
        self.model.reload()
        if self._current is not None:
            self.load_file(self._current)
        self._on_tabs_current_changed(self.tabs.currentIndex())

    # --- actions ------------------------------------------------------------------------

    def _run(self, fn: Any, done: Any, message: str) -> None:
        """Run a service action; on success re-read the list and the file."""

        def ok(snap: Any) -> None:
            done(None)
            if getattr(snap, "id", None) is not None:
                self._current = snap.id
            self.sig_message.emit(message)
            self.refresh()

        def failed(exc: BaseException) -> None:
            done(
                str(exc)
                if isinstance(exc, ValueError | PermissionError) or hasattr(exc, "zh")
                else self.tr("The change failed: %1").replace("%1", str(exc))
            )

        self._runner.submit(fn, success=ok, failure=failed, owner=self)

    def open_rooms(self) -> Any:
        """The administrator's screen of the mediation rooms and their mediators."""
        from command_center.views.disputes.rooms_dialog import RoomsDialog

        if self.rooms_dialog is not None and self.rooms_dialog.isVisible():
            self.rooms_dialog.raise_()
            return self.rooms_dialog
        dialog = RoomsDialog(self._runner, self._actor, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda: setattr(self, "rooms_dialog", None))
        dialog.sig_changed.connect(self._on_rooms_changed)
        self.rooms_dialog = dialog
        dialog.show()
        return dialog

    @Slot()
    def _on_rooms_changed(self) -> None:
        self._runner.submit(
            self._read_choices, success=self._on_choices, owner=self, key="disputes.choices"
        )
        self.refresh()

    def open_intake(self, incident: tuple[int, str] | None = None) -> IntakeDialog | None:
        if self._choices is None:
            self._pending_intake = incident  # opened when the choices are in
            return None

        def submit(values: dict[str, Any], done: Any) -> None:
            data = values["input"]
            self._run(
                lambda s: disputes.intake(s, self._actor, data), done, self.tr("Case taken in")
            )

        dialog = IntakeDialog(submit, self._choices, self, incident=incident)
        dialog.setModal(True)
        dialog.show()
        return dialog

    @Slot(str)
    def _on_file_panel_sig_action(self, action: str) -> None:
        self.action_dialog(action)

    def action_dialog(self, action: str) -> Any:
        file = self.file_panel.file
        if file is None:
            return None
        c = file.case
        cid, version, actor = c.id, c.version, self._actor

        def go(call: Any, message: str) -> Any:
            def submit(values: dict[str, Any], done: Any) -> None:
                self._run(lambda s: call(s, values), done, message)

            return submit

        dialog: Any = None
        if action == "session":
            dialog = SessionDialog(
                go(
                    lambda s, v: disputes.add_session(s, actor, cid, version, **v),
                    self.tr("Session recorded"),
                ),
                self,
            )
        elif action == "agreement":
            dialog = AgreementDialog(
                go(
                    lambda s, v: disputes.conclude_agreement(s, actor, cid, version, **v),
                    self.tr("Agreement recorded"),
                ),
                self,
            )
        elif action == "failure":
            dialog = FailureDialog(
                go(
                    lambda s, v: disputes.conclude_failure(s, actor, cid, version, **v),
                    self.tr("Failure recorded"),
                ),
                self,
            )
        elif action == "withdraw":
            dialog = ReasonDialog(
                "withdraw",
                go(
                    lambda s, v: disputes.withdraw(s, actor, cid, version, **v),
                    self.tr("Case withdrawn"),
                ),
                self,
            )
        elif action == "extend":
            dialog = ReasonDialog(
                "extend",
                go(
                    lambda s, v: disputes.extend(s, actor, cid, version, **v),
                    self.tr("Time limit extended"),
                ),
                self,
            )
        elif action == "follow_up":
            dialog = FollowUpDialog(
                go(
                    lambda s, v: disputes.record_follow_up(s, actor, cid, version, **v),
                    self.tr("Follow-up recorded"),
                ),
                self,
            )
        elif action == "assign":
            self._assign(file)
        elif action == "reveal":
            self._reveal(cid)
        elif action == "pdf":
            self._pdf(file)
        if dialog is not None:
            dialog.setModal(True)
            dialog.show()
        return dialog

    def _assign(self, file: disputes.CaseFile) -> None:
        if self._choices is None:
            return
        options = [
            (o.id, m_id, f"{o.name}　{m_name}")
            for o in self._choices["orgs"]
            for m_id, m_name in self._choices["mediators"].get(o.id, [])
        ]
        label, ok = QInputDialog.getItem(
            self,
            self.tr("Assign"),
            self.tr("Room and mediator"),
            [t for _, _, t in options],
            0,
            False,
        )
        if not ok:
            return
        org_id, mediator_id, _ = next(o for o in options if o[2] == label)
        cid, version, actor = file.case.id, file.case.version, self._actor
        self._run(
            lambda s: disputes.assign(s, actor, cid, version, org_id, mediator_id),
            lambda err: err and self.sig_message.emit(err),
            self.tr("Case assigned"),
        )

    def _reveal(self, case_id: int) -> None:
        reason, ok = QInputDialog.getText(
            self, self.tr("Show identity"), self.tr("Why do you need the full personal data?")
        )
        if not ok:
            return
        actor = self._actor

        def run(s: Any) -> Any:
            raw = personal.reveal(s, actor, "dispute_case", case_id, reason)
            s.commit()
            return raw

        def shown(raw: list[dict[str, Any]]) -> None:
            self._revealed[case_id] = raw
            if self.file_panel.file is not None and self.file_panel.file.case.id == case_id:
                self.file_panel.show_file(self.file_panel.file, raw)

        self._runner.submit(
            run, success=shown, failure=lambda e: self.sig_message.emit(str(e)), owner=self
        )

    def _pdf(self, file: disputes.CaseFile) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the agreement"),
            f"人民调解协议书_{file.case.number}.pdf",
            "PDF (*.pdf)",
        )
        if path:
            self.save_pdf(file, Path(path))

    def save_pdf(self, file: disputes.CaseFile, path: Path) -> None:
        """The agreement, with the parties as revealed (or masked)."""
        data = agreement_pdf.case_agreement_pdf(file, self._revealed.get(file.case.id))
        path.write_bytes(data)
        self.sig_message.emit(self.tr("Agreement saved: %1").replace("%1", str(path)))


def main(argv: list[str] | None = None) -> int:
    from command_center.views.standalone import run_view

    return run_view(
        lambda ctx: DisputesView(ctx.runner, ctx.live, ctx.actor, ctx.user.role_code),
        title="矛盾纠纷调解",
        argv=argv if argv is not None else sys.argv[1:],
    )


if __name__ == "__main__":
    sys.exit(main())
