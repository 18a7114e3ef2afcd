"""Meeting mode (联席会议): the analyses of the chosen range on the wall in large type, a page at
a time, stepped with PageDown / PageUp (a presenter remote sends those), then the minutes (纪要)
with attendees, decisions issued on the spot as a work order or a supervision order
(services/meetings.py), and the past meetings with whether their decisions were carried out.

The pages show what the analysis view already read (no query of their own); the minutes and
the decisions are written on the worker lane.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center.models import Department
from command_center.services import analysis as a
from command_center.services import meetings
from command_center.services.audit import Actor
from command_center.views.analysis.analysis_view import share_name
from command_center.views.words import name_text
from command_center.workers.ops import OpsRunner

BIG = 26  # points: read from the back of the room
STYLE = f"""
#meetingWindow, #meetingWindow QTableWidget, #meetingWindow QHeaderView::section,
#meetingWindow QListWidget {{ font-size: {BIG}pt; }}
#meetingWindow QLabel#meetingTitle {{ font-size: {BIG + 12}pt; }}
#meetingWindow QLabel#meetingHeading {{ font-size: {BIG + 6}pt; font-weight: bold; }}
#meetingWindow QLabel#meetingFoot {{ font-size: 14pt; }}
#meetingWindow #meetingMinutes, #meetingWindow #meetingMinutes * {{ font-size: 16pt; }}
"""
ROWS = 10  # the longest table on a page


def _big_table(header: list[str], rows: list[list[str]]) -> QTableWidget:
    t = QTableWidget(len(rows), len(header))
    t.setHorizontalHeaderLabels(header)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            item = QTableWidgetItem(value)  # plain text
            if j:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            t.setItem(i, j, item)
    return t


class MeetingWindow(QWidget):
    """The meeting's pages; ``sig_message(text, level)`` for the status bar."""

    sig_message = Signal(str, str)

    def __init__(
        self,
        runner: OpsRunner,
        actor: Actor,
        role_code: str,
        period: a.Period,
        panels: Any,
        trend: list[a.TrendPoint],
        warnings: list[a.Warning],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("meetingWindow")
        self._runner = runner
        self._actor = actor
        self._may_write = role_code in ("duty_operator", "supervisor", "admin")
        self.meeting_id: int | None = None
        # the application's style sheet sets the type size: the meeting's sizes are its own
        self.setStyleSheet(STYLE)
        font = self.font()
        font.setPointSize(BIG)
        first = period.start.date().isoformat()
        last = (period.end - dt.timedelta(days=1)).date().isoformat()
        self.setWindowTitle(self.tr("Meeting %1 – %2").replace("%1", first).replace("%2", last))

        self.stack = QStackedWidget()
        h = panels.headline
        title = QLabel(
            self.tr("Analysis %1 – %2").replace("%1", first).replace("%2", last)
            + "\n\n"
            + self.tr("%1 incidents").replace("%1", str(h.incidents))
            + "\n"
            + self.tr("same period last year %1 (%2)")
            .replace("%1", str(h.last_year))
            .replace("%2", a.change(h.incidents, h.last_year))
            + "\n"
            + self.tr("the period before %1 (%2)")
            .replace("%1", str(h.previous))
            .replace("%2", a.change(h.incidents, h.previous))
            + "\n"
            + self.tr("resolved %1").replace("%1", str(h.resolved))
        )
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setObjectName("meetingTitle")
        self.stack.addWidget(title)

        plot = pg.PlotWidget()
        plot.setBackground("w")
        xs = list(range(len(trend)))
        plot.addItem(
            pg.BarGraphItem(x=xs, height=[p.count for p in trend], width=0.8, brush="#c0392b")
        )
        plot.plot(xs, [p.last_year for p in trend], pen=pg.mkPen("#1a5fb4", width=3))
        axis = plot.getAxis("bottom")
        step = max(1, len(trend) // 8)
        axis.setTicks(
            [[(i, trend[i].period.start.strftime("%m-%d")) for i in range(0, len(trend), step)]]
        )
        tick_font = QFont(font)
        tick_font.setPointSize(14)
        axis.setStyle(tickFont=tick_font)
        plot.getAxis("left").setStyle(tickFont=tick_font)
        self.stack.addWidget(self._page(self.tr("Trend (bars: incidents, line: last year)"), plot))

        share = [self.tr("Name"), self.tr("Count"), self.tr("Last year"), self.tr("Change")]
        for heading, rows in (
            (self.tr("Categories"), panels.categories),
            (self.tr("Towns"), panels.regions),
        ):
            self.stack.addWidget(
                self._page(
                    heading,
                    _big_table(
                        share,
                        [
                            [
                                share_name(s),
                                str(s.count),
                                str(s.last_year),
                                a.change(s.count, s.last_year),
                            ]
                            for s in rows[:ROWS]
                        ],
                    ),
                )
            )
        self.stack.addWidget(
            self._page(
                self.tr("Departments"),
                _big_table(
                    [
                        self.tr("Department"),
                        self.tr("Received"),
                        self.tr("On time"),
                        self.tr("Satisfaction"),
                        self.tr("Score"),
                    ],
                    [
                        [
                            name_text(d.name, d.name_en),
                            str(d.counts["received"]),
                            str(d.counts["on_time"]),
                            "—"
                            if d.rate("satisfied", "rated") is None
                            else f"{d.rate('satisfied', 'rated'):.1%}",
                            "—" if d.score is None else f"{d.score:.1f}",
                        ]
                        for d in panels.departments[:ROWS]
                    ],
                ),
            )
        )
        warn_list = QListWidget()
        warn_list.setWordWrap(True)
        warn_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for w in warnings[:8]:
            warn_list.addItem(w.why.split(" / ")[0])
        if not warnings:
            warn_list.addItem(self.tr("No warnings"))
        self.stack.addWidget(self._page(self.tr("Warnings"), warn_list))
        self.stack.addWidget(self._minutes_page(font))
        self.past = QTableWidget(0, 4)
        self.past.setHorizontalHeaderLabels(
            [
                self.tr("Held"),
                self.tr("Meeting"),
                self.tr("Decisions carried out"),
                self.tr("Decisions"),
            ]
        )
        self.past.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.past.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.past.verticalHeader().hide()
        self.stack.addWidget(self._page(self.tr("Past meetings"), self.past))

        self.page_label = QLabel()
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.page_label.setObjectName("meetingFoot")
        hint = QLabel(self.tr("PageDown: next · PageUp: back · Esc: close"))
        hint.setObjectName("meetingFoot")
        foot = QHBoxLayout()
        foot.addWidget(hint, 1)
        foot.addWidget(self.page_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(foot)
        self.stack.currentChanged.connect(self._on_page)
        self._on_page(0)
        # the remote's keys step the pages wherever the focus is (the minutes' fields too)
        for child in self.findChildren(QWidget):
            child.installEventFilter(self)
        self._runner.submit(
            self._choices, success=self._show_choices, owner=self, name="meeting.choices"
        )
        self._load_past()

    def _page(self, heading: str, body: QWidget) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        label = QLabel(heading)
        label.setObjectName("meetingHeading")
        v.addWidget(label)
        v.addWidget(body, 1)
        return page

    def _minutes_page(self, font: QFont) -> QWidget:
        page = QWidget()
        page.setObjectName("meetingMinutes")
        self.title_edit = QLineEdit(self.windowTitle())
        self.kind_combo = QComboBox()
        for key, (zh, en) in meetings.KINDS.items():
            self.kind_combo.addItem(en if self.tr("Minutes") == "Minutes" else zh, key)
        self.kind_combo.setCurrentIndex(list(meetings.KINDS).index("joint"))
        self.attendees_edit = QLineEdit()
        self.attendees_edit.setPlaceholderText(self.tr("who attended, separated by 、"))
        self.minutes_edit = QPlainTextEdit()
        self.save_button = QPushButton(self.tr("Save the minutes"))
        self.decision_edit = QLineEdit()
        self.decision_edit.setPlaceholderText(self.tr("the decision"))
        self.incident_edit = QLineEdit()
        self.incident_edit.setPlaceholderText(self.tr("incident number (SJ…)"))
        self.department_combo = QComboBox()
        self.decision_kind = QComboBox()
        for key, (zh, en) in meetings.DECISION_KINDS.items():
            self.decision_kind.addItem(en if self.tr("Minutes") == "Minutes" else zh, key)
        self.issue_button = QPushButton(self.tr("Issue the decision"))
        self.decisions = QListWidget()
        for w in (
            self.save_button,
            self.issue_button,
            self.title_edit,
            self.attendees_edit,
            self.minutes_edit,
            self.decision_edit,
            self.incident_edit,
        ):
            w.setEnabled(self._may_write)
        form = QFormLayout()
        form.addRow(self.tr("Meeting"), self.title_edit)
        form.addRow(self.tr("Kind"), self.kind_combo)
        form.addRow(self.tr("Attendees"), self.attendees_edit)
        form.addRow(self.tr("Minutes"), self.minutes_edit)
        decide = QHBoxLayout()
        decide.addWidget(self.decision_edit, 3)
        decide.addWidget(self.decision_kind)
        decide.addWidget(self.incident_edit, 1)
        decide.addWidget(self.department_combo, 1)
        decide.addWidget(self.issue_button)
        v = QVBoxLayout(page)
        v.addLayout(form, 3)
        v.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        v.addLayout(decide)
        v.addWidget(self.decisions, 1)
        self.save_button.clicked.connect(self.save_minutes)
        self.issue_button.clicked.connect(self.issue_decision)
        return self._page(self.tr("Minutes and decisions"), page)

    # --- stepping ---

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp)
        ):
            self.step(1 if event.key() == Qt.Key.Key_PageDown else -1)
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Space):
            self.step(1)
        elif event.key() in (Qt.Key.Key_PageUp, Qt.Key.Key_Left):
            self.step(-1)
        elif event.key() == Qt.Key.Key_Escape:
            self.close()
        else:
            super().keyPressEvent(event)

    def step(self, by: int) -> None:
        i = max(0, min(self.stack.count() - 1, self.stack.currentIndex() + by))
        self.stack.setCurrentIndex(i)

    @Slot(int)
    def _on_page(self, i: int) -> None:
        self.page_label.setText(f"{i + 1} / {self.stack.count()}")

    # --- the minutes and the decisions ---

    @staticmethod
    def _choices(session: Session) -> list[tuple[int, str, str | None]]:
        return [
            (r[0], r[1], r[2])
            for r in session.execute(
                select(Department.id, Department.name, Department.name_en)
                .where(Department.active)
                .order_by(Department.id)
            )
        ]

    def _show_choices(self, departments: list[tuple[int, str, str | None]]) -> None:
        self.department_combo.clear()
        self.department_combo.addItem(self.tr("(department)"), None)
        for did, name, name_en in departments:
            self.department_combo.addItem(name_text(name, name_en), did)

    def _ensure_meeting(self, session: Session) -> int:
        if self.meeting_id is None:
            self.meeting_id = meetings.start(
                session,
                self._actor,
                self.title_edit.text(),
                str(self.kind_combo.currentData()),
                attendees=self.attendees_edit.text(),
            )
        return self.meeting_id

    @Slot()
    def save_minutes(self) -> None:
        attendees, minutes = self.attendees_edit.text(), self.minutes_edit.toPlainText()

        def run(session: Session) -> int:
            mid = self._ensure_meeting(session)
            meetings.save_minutes(session, self._actor, mid, attendees=attendees, minutes=minutes)
            return mid

        self._runner.submit(
            run,
            success=lambda _m: self._saved(),
            failure=self._failed,
            owner=self,
            name="meeting.minutes",
        )

    def _saved(self) -> None:
        self.sig_message.emit(self.tr("Minutes saved"), "info")
        self._load_past()

    @Slot()
    def issue_decision(self) -> None:
        text, kind = self.decision_edit.text(), str(self.decision_kind.currentData())
        number = self.incident_edit.text().strip() or None
        dept = self.department_combo.currentData()

        def run(session: Session) -> str:
            mid = self._ensure_meeting(session)
            meetings.decide(
                session, self._actor, mid, text, kind, department_id=dept, incident_number=number
            )
            row = next(m for m in meetings.meetings(session) if m.id == mid)
            d = row.decisions[-1]
            return f"{d.text}" + (f" → {d.order_number}" if d.order_number else "")

        def done(line: str) -> None:
            self.decisions.addItem(line)
            self.decision_edit.clear()
            self.incident_edit.clear()
            self._load_past()

        self._runner.submit(
            run, success=done, failure=self._failed, owner=self, name="meeting.decide"
        )

    def _failed(self, exc: BaseException) -> None:
        self.sig_message.emit(str(exc), "error")
        self.decisions.addItem(str(exc))

    def _load_past(self) -> None:
        self._runner.submit(
            meetings.meetings, success=self._show_past, owner=self, name="meeting.past", key="past"
        )

    def _show_past(self, rows: list[meetings.MeetingRow]) -> None:
        self.past.setRowCount(len(rows))
        for i, m in enumerate(rows):
            done, due = m.carried_out
            lines = "；".join(
                f"{d.text}" + (f"（{d.order_number} {d.order_status}）" if d.order_number else "")
                for d in m.decisions
            )
            for j, value in enumerate(
                (m.held_at.strftime("%Y-%m-%d %H:%M"), m.title, f"{done} / {due}", lines)
            ):
                self.past.setItem(i, j, QTableWidgetItem(value))
