"""The monthly score (月度考核) of departments and towns on the 100 scale
(``scores.unit_score``: the rules' points per hundred orders due, credit capped), best first,
with the orders due, the credit and deductions as counted, and the points per rule as given
(overdue, yellow card, red card, returned orders, orders closed on time, satisfied reporters,
by hand); a supervisor adds or deducts points with a reason and locks the month
(``services/scores``: ``monthly_scores``, ``adjust_score``, ``lock_month``; every point is in
``score_points`` with its order and rule)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from command_center import clock
from command_center.clock import CST
from command_center.services import scores as sc
from command_center.services import supervision as sv
from command_center.services.audit import Actor
from command_center.views.table_export import install_export
from command_center.views.words import pick
from command_center.workers.ops import OpsRunner

RULES = ("overdue", "yellow", "red", "returned", "on_time", "satisfied", "manual")
RULE_TEXT = sv.RULE_TEXT


def recent_months(n: int = 12) -> list[dt.date]:
    """This month and the ``n - 1`` before it (the program's clock, Beijing time)."""
    first = clock.now().astimezone(CST).date().replace(day=1)
    out = [first]
    while len(out) < n:
        out.append((out[-1] - dt.timedelta(days=1)).replace(day=1))
    return out


def _signed(value: float) -> str:
    return f"{value:+.1f}" if value else "0"


class AdjustDialog(QDialog):
    """Points to add or deduct, and why."""

    def __init__(self, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scoreAdjustDialog")
        self.setWindowTitle(QCoreApplication.translate("ScoreDialog", "Adjust the score"))
        form = QFormLayout(self)
        form.addRow(QCoreApplication.translate("ScoreDialog", "Unit"), QLabel(unit, self))
        self.points = QSpinBox(self)
        self.points.setRange(-50, 50)
        self.points.setValue(0)
        form.addRow(QCoreApplication.translate("ScoreDialog", "Points"), self.points)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("scoreReason")
        form.addRow(QCoreApplication.translate("ScoreDialog", "Reason"), self.reason)
        row = QHBoxLayout()
        ok = QPushButton(QCoreApplication.translate("ScoreDialog", "OK"), self)
        cancel = QPushButton(QCoreApplication.translate("ScoreDialog", "Cancel"), self)
        ok.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        row.addStretch(1)
        row.addWidget(ok)
        row.addWidget(cancel)
        form.addRow(row)


class ScoreDialog(QDialog):
    """See the module docstring."""

    def __init__(self, runner: OpsRunner, actor: Actor, may_adjust: bool, parent: Any = None):
        super().__init__(parent)
        self.setObjectName("scoreDialog")
        self.runner = runner
        self.actor = actor
        self.may_adjust = may_adjust
        self.scores: list[sc.UnitScore] = []
        self.setWindowTitle(QCoreApplication.translate("ScoreDialog", "Monthly score"))
        self.month = QComboBox(self)
        self.month.setObjectName("scoreMonth")
        for m in recent_months():
            self.month.addItem(f"{m:%Y-%m}", m)
        self.unit = QComboBox(self)
        self.unit.setObjectName("scoreUnit")
        self.unit.addItem(QCoreApplication.translate("ScoreDialog", "Departments"), "department")
        self.unit.addItem(QCoreApplication.translate("ScoreDialog", "Towns"), "town")
        self.adjust_button = QPushButton(QCoreApplication.translate("ScoreDialog", "Adjust…"), self)
        self.adjust_button.setObjectName("scoreAdjust")
        self.lock_button = QPushButton(
            QCoreApplication.translate("ScoreDialog", "Lock the month…"), self
        )
        self.lock_button.setObjectName("scoreLock")
        for b in (self.adjust_button, self.lock_button):
            b.setVisible(may_adjust)
        self.adjust_button.clicked.connect(self.adjust)
        self.lock_button.clicked.connect(self.lock)
        bar = QHBoxLayout()
        bar.addWidget(self.month)
        bar.addWidget(self.unit)
        bar.addStretch(1)
        bar.addWidget(self.adjust_button)
        bar.addWidget(self.lock_button)
        self.table = QTableWidget(self)
        self.table.setObjectName("scoreTable")
        self.exporter = install_export(self.table, runner, "月度考核")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.per_orders, self.cap = 100, 10
        self.rule = QLabel(self)
        self.rule.setObjectName("scoreRule")
        self.rule.setWordWrap(True)
        self.rule.setTextFormat(Qt.TextFormat.PlainText)
        self.message = QLabel(self)
        self.message.setObjectName("scoreMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.rule)
        layout.addWidget(self.message)
        self.month.currentIndexChanged.connect(self.reload)
        self.unit.currentIndexChanged.connect(self.reload)
        self.resize(760, 520)
        self.reload()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """The words of the dialog and of the ranking in the language now chosen."""
        self.setWindowTitle(QCoreApplication.translate("ScoreDialog", "Monthly score"))
        self.unit.setItemText(0, QCoreApplication.translate("ScoreDialog", "Departments"))
        self.unit.setItemText(1, QCoreApplication.translate("ScoreDialog", "Towns"))
        self.adjust_button.setText(QCoreApplication.translate("ScoreDialog", "Adjust…"))
        self.lock_button.setText(QCoreApplication.translate("ScoreDialog", "Lock the month…"))
        self._show(self.scores)

    def _month(self) -> dt.date:
        return self.month.currentData()  # type: ignore[no-any-return]

    def reload(self) -> None:
        month, unit = self._month(), str(self.unit.currentData())

        def load(s: Any) -> tuple[sc.ScoreScale, list[sc.UnitScore]]:
            scale = sc.month_scales(s, [month])[month]
            return scale, sc.monthly_scores(s, month, unit, scale)

        self.runner.submit(
            load,
            success=self._loaded,
            failure=lambda exc: self.message.setText(str(exc)),
            owner=self,
            name="supervision.scores",
        )

    def _loaded(self, loaded: tuple[sc.ScoreScale, list[sc.UnitScore]]) -> None:
        scale, scores = loaded
        self.per_orders, self.cap = scale.per_orders, scale.credit_cap
        self._show(scores)

    def _show(self, scores: list[sc.UnitScore]) -> None:
        self.scores = scores
        heads = [
            QCoreApplication.translate("ScoreDialog", "Rank"),
            QCoreApplication.translate("ScoreDialog", "Unit"),
            QCoreApplication.translate("ScoreDialog", "Score"),
            QCoreApplication.translate("ScoreDialog", "Orders due"),
            QCoreApplication.translate("ScoreDialog", "Credit counted"),
            QCoreApplication.translate("ScoreDialog", "Deductions counted"),
            *[pick(RULE_TEXT[r]) for r in RULES],
        ]
        self.table.clear()
        self.table.setColumnCount(len(heads))
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setRowCount(len(scores))
        for i, u in enumerate(scores):
            parts = u.parts
            counted = (
                [str(parts.due), _signed(parts.credit), _signed(parts.debit)]
                if parts is not None
                else ["", "", ""]
            )
            cells = [str(i + 1), pick(u.name_words), f"{u.score:.1f}", *counted] + [
                f"{u.by_rule[r]:+d}" if u.by_rule.get(r) else "" for r in RULES
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if j == 2 and u.score < sc.BASE_SCORE:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self.rule.setText(
            QCoreApplication.translate(
                "ScoreDialog",
                "Score = 100 + credit + deductions + points by hand, not below 0. The points "
                "of the rules (right) count per hundred orders due in the month (closed on "
                "time or overdue; a unit with fewer counts them whole); credit adds at most "
                "{cap}.",
            ).format(cap=self.cap)
            if self.per_orders == 100
            else QCoreApplication.translate(
                "ScoreDialog",
                "Score = 100 + credit + deductions + points by hand, not below 0. The points "
                "of the rules (right) count whole; credit adds at most {cap}.",
            ).format(cap=self.cap)
            if self.per_orders == 0
            else QCoreApplication.translate(
                "ScoreDialog",
                "Score = 100 + credit + deductions + points by hand, not below 0. The points "
                "of the rules (right) count per {n} orders due in the month; credit adds at "
                "most {cap}.",
            ).format(n=self.per_orders, cap=self.cap)
        )

    def selected(self) -> sc.UnitScore | None:
        row = self.table.currentRow()
        return self.scores[row] if 0 <= row < len(self.scores) else None

    def ask_adjustment(self, unit: sc.UnitScore) -> tuple[int, str] | None:
        d = AdjustDialog(pick(unit.name_words), self)
        if d.exec() != QDialog.DialogCode.Accepted:
            return None
        return d.points.value(), d.reason.text()

    def adjust(self) -> None:
        unit = self.selected()
        if unit is None:
            self.message.setText(QCoreApplication.translate("ScoreDialog", "Choose a unit first."))
            return
        asked = self.ask_adjustment(unit)
        if asked is None:
            return
        points, reason = asked
        month, actor = self._month(), self.actor
        self.runner.submit(
            lambda s: sc.adjust_score(
                s,
                actor,
                unit_type=unit.unit_type,
                unit_id=unit.unit_id,
                month=month,
                points=points,
                reason=reason,
            ),
            success=lambda _id: self._done(),
            failure=lambda exc: self.message.setText(str(exc)),
            owner=self,
            name="supervision.adjust_score",
        )

    def ask_lock(self) -> bool:
        answer, ok = QInputDialog.getItem(
            self,
            QCoreApplication.translate("ScoreDialog", "Lock the month"),
            QCoreApplication.translate(
                "ScoreDialog", "After locking, no points can be added or deducted by hand."
            ),
            [QCoreApplication.translate("ScoreDialog", "Lock")],
            0,
            False,
        )
        return bool(ok and answer)

    def lock(self) -> None:
        if not self.ask_lock():
            return
        month, actor = self._month(), self.actor
        self.runner.submit(
            lambda s: sc.lock_month(s, actor, month),
            success=lambda _=None: self._done(),
            failure=lambda exc: self.message.setText(str(exc)),
            owner=self,
            name="supervision.lock_month",
        )

    def _done(self) -> None:
        self.message.setText(QCoreApplication.translate("ScoreDialog", "Done"))
        self.reload()
