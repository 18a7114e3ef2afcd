"""Working rules of the center (办理规则), edited by administrators: routing rules (category and
town → department, with the note operators see as the reason), deadline rules (category and
priority → working days or office hours), the order settings (objection window, reopening
window, days to answer the reporter, dispatch rounds), supervision (督办: the yellow and red
card limits per unit kind and category, the monthly score's points per rule) and smart
dispatch (智能派单: the learned models' versions and figures, rolling back, automatic
dispatch's confidence, the accept and override rates per category).

Others may look but not change: the buttons are disabled and say why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from command_center.services import (
    deadlines,
    learned_routing,
    permissions,
    routing,
    scores,
    settings,
)
from command_center.services import supervision as sv
from command_center.services.audit import Actor
from command_center.services.choices import Choices, choices
from command_center.views.words import name_text, pick, place_text
from command_center.workers.ops import LONG, OpsRunner

ORDER_SETTINGS = (  # (key, label, unit, minimum, maximum)
    (
        "orders.objection_hours",
        QT_TRANSLATE_NOOP("RulesDialog", "Objection window"),
        QT_TRANSLATE_NOOP("RulesDialog", "hours"),
        1,
        72,
    ),
    (
        "orders.reopen_days",
        QT_TRANSLATE_NOOP("RulesDialog", "Reopening allowed for"),
        QT_TRANSLATE_NOOP("RulesDialog", "days after closure"),
        1,
        365,
    ),
    (
        "orders.answer_working_days",
        QT_TRANSLATE_NOOP("RulesDialog", "Answer the reporter within"),
        QT_TRANSLATE_NOOP("RulesDialog", "working days"),
        1,
        30,
    ),
    (
        "orders.max_dispatch_rounds",
        QT_TRANSLATE_NOOP("RulesDialog", "Dispatches before escalation"),
        QT_TRANSLATE_NOOP("RulesDialog", "rounds"),
        1,
        10,
    ),
)


@dataclass(frozen=True)
class RulesData:
    ref: Choices
    routing_rules: list[routing.RuleRow]
    deadline_rules: list[deadlines.RuleRow]
    order_settings: dict[str, Any]
    models: list[learned_routing.VersionRow]
    rates: list[learned_routing.RateRow]
    auto_confidence: float
    card_limits: dict[str, Any]
    score_points: dict[str, int]
    score_scale: scores.ScoreScale


def load(session: Session) -> RulesData:
    values = settings.get_all(session)
    return RulesData(
        choices(session),
        routing.list_rules(session),
        deadlines.list_rules(session),
        {key: values[key] for key, *_ in ORDER_SETTINGS},
        learned_routing.versions(session),
        learned_routing.rates(session),
        float(values[learned_routing.AUTO_SETTING] or 0),
        {**settings.DEFAULTS["orders.card_limits"][0], **(values["orders.card_limits"] or {})},
        {**settings.DEFAULTS["orders.score_points"][0], **(values["orders.score_points"] or {})},
        scores.ScoreScale.of(values["orders.score_scale"]),
    )


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _category_combo(ref: Choices, *, any_label: str | None = None) -> QComboBox:
    combo = QComboBox()
    if any_label is not None:
        combo.addItem(any_label, None)
    for code, name, level, _parent, en in ref.categories:
        combo.addItem("　" * (level - 1) + f"{code} {name_text(name, en)}", code)
    combo.setMaxVisibleItems(20)
    return combo


class RoutingRuleForm(QDialog):
    def __init__(self, ref: Choices, row: routing.RuleRow | None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Routing rule"))
        self.category = _category_combo(ref)
        self.town = QComboBox()
        self.town.addItem(self.tr("Whole county"), None)
        for town_id, name in ref.towns:
            self.town.addItem(place_text(name), town_id)
        self.department = QComboBox()
        for dept_id, name, en in ref.departments:
            self.department.addItem(name_text(name, en), dept_id)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("Why (shown to the operator with the suggestion)"))
        if row is not None:
            self.category.setCurrentIndex(self.category.findData(row.category_code))
            self.category.setEnabled(False)
            self.town.setCurrentIndex(max(0, self.town.findData(row.town_id)))
            self.town.setEnabled(False)
            self.department.setCurrentIndex(max(0, self.department.findData(row.department_id)))
            self.note.setText(row.note or "")
        form = QFormLayout(self)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Town"), self.town)
        form.addRow(self.tr("Department"), self.department)
        form.addRow(self.tr("Note"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        return {
            "category_code": self.category.currentData(),
            "town_id": self.town.currentData(),
            "department_id": self.department.currentData(),
            "note": self.note.text().strip() or None,
        }


class DeadlineRuleForm(QDialog):
    def __init__(self, ref: Choices, row: deadlines.RuleRow | None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Deadline rule"))
        self.category = _category_combo(ref, any_label=self.tr("All categories"))
        self.priority = QComboBox()
        self.priority.addItem(self.tr("Any priority"), None)
        for p, label in ((1, self.tr("1 urgent")), (2, "2"), (3, "3"), (4, "4")):
            self.priority.addItem(label, p)
        self.amount = QSpinBox()
        self.amount.setRange(1, 365)
        self.unit = QComboBox()
        self.unit.addItem(self.tr("working days"), "days")
        self.unit.addItem(self.tr("office hours"), "hours")
        if row is not None:
            self.category.setCurrentIndex(max(0, self.category.findData(row.category_code)))
            self.category.setEnabled(False)
            self.priority.setCurrentIndex(max(0, self.priority.findData(row.priority)))
            self.priority.setEnabled(False)
            hours = row.working_hours is not None
            self.amount.setValue(row.working_hours if hours else (row.working_days or 1))
            self.unit.setCurrentIndex(1 if hours else 0)
        else:
            self.amount.setValue(5)
        amount = QHBoxLayout()
        amount.addWidget(self.amount)
        amount.addWidget(self.unit)
        form = QFormLayout(self)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Priority"), self.priority)
        form.addRow(self.tr("Time allowed"), amount)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        days = self.unit.currentData() == "days"
        return {
            "category_code": self.category.currentData(),
            "priority": self.priority.currentData(),
            "working_days": self.amount.value() if days else None,
            "working_hours": None if days else self.amount.value(),
        }


class RulesDialog(QDialog):
    """Routing rules, deadline rules and order settings in three tabs."""

    sig_saved = Signal()
    """A rule or setting was written."""

    def __init__(self, runner: OpsRunner, user: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._actor = Actor(user.id, user.display_name)
        self._editable = permissions.may_edit_rules(user.role_code)
        self._data: RulesData | None = None
        self.setWindowTitle(self.tr("Working rules"))
        self.resize(900, 560)

        self.tabs = QTabWidget(self)
        self.routing_table = _table(
            [self.tr("Category"), self.tr("Town"), self.tr("Department"), self.tr("Note")]
        )
        self.deadline_table = _table(
            [self.tr("Category"), self.tr("Priority"), self.tr("Time allowed")]
        )
        self.tabs.addTab(
            self._with_buttons(self.routing_table, self._edit_routing, self._delete_routing),
            self.tr("Routing"),
        )
        self.tabs.addTab(
            self._with_buttons(self.deadline_table, self._edit_deadline, self._delete_deadline),
            self.tr("Deadlines"),
        )
        self.spins: dict[str, QSpinBox] = {}
        settings_page = QWidget()
        form = QFormLayout(settings_page)
        for key, label, unit, lo, hi in ORDER_SETTINGS:
            spin = QSpinBox()
            spin.setRange(lo, hi)
            spin.setSuffix(" " + self.tr(unit))
            spin.setEnabled(self._editable)
            self.spins[key] = spin
            form.addRow(self.tr(label), spin)
        self.save_settings_button = QPushButton(self.tr("Save settings"))
        self.save_settings_button.setEnabled(self._editable)
        self.save_settings_button.clicked.connect(self._save_settings)
        form.addRow(self.save_settings_button)
        self.tabs.addTab(settings_page, self.tr("Orders"))
        self.tabs.addTab(self._smart_page(), self.tr("Smart dispatch"))
        self.tabs.addTab(self._supervision_page(), self.tr("Supervision"))

        self.note = QLabel(
            "" if self._editable else self.tr("Only an administrator can change the working rules.")
        )
        self.note.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.note)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.refresh()

    def _smart_page(self) -> QWidget:
        """智能派单: the learned models' versions with their figures (train, use one: roll
        back), automatic dispatch's confidence, the accept and override rates per category."""
        page = QWidget()
        layout = QVBoxLayout(page)
        self.models_table = _table(
            [
                self.tr("Version"),
                self.tr("Trained"),
                self.tr("By"),
                self.tr("Incidents"),
                self.tr("Category macro-F1"),
                self.tr("Accuracy"),
                self.tr("Department macro-F1"),
                self.tr("In use"),
            ]
        )
        self.models_table.setObjectName("classifierVersions")
        layout.addWidget(self.models_table, 2)
        row = QHBoxLayout()
        self.train_button = QPushButton(self.tr("Learn from closed incidents now"))
        self.activate_button = QPushButton(self.tr("Use the selected version"))
        for button, slot in (
            (self.train_button, self._train),
            (self.activate_button, self._activate_model),
        ):
            button.setEnabled(self._editable)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(QLabel(self.tr("Dispatch automatically from")))
        self.auto_spin = QSpinBox()
        self.auto_spin.setObjectName("autoConfidence")
        self.auto_spin.setRange(0, 100)
        self.auto_spin.setSuffix(" %")
        self.auto_spin.setSpecialValueText(self.tr("never"))
        self.auto_spin.setEnabled(self._editable)
        row.addWidget(self.auto_spin)
        self.auto_button = QPushButton(self.tr("Save"))
        self.auto_button.setEnabled(self._editable)
        self.auto_button.clicked.connect(self._save_auto)
        row.addWidget(self.auto_button)
        layout.addLayout(row)
        layout.addWidget(QLabel(self.tr("Suggestions taken and overridden, per category")))
        self.rates_table = _table(
            [
                self.tr("Category"),
                self.tr("Suggested"),
                self.tr("Suggestions"),
                self.tr("Taken"),
                self.tr("Overridden"),
                self.tr("Taken %"),
            ]
        )
        self.rates_table.setObjectName("classifierRates")
        layout.addWidget(self.rates_table, 3)
        return page

    def _supervision_page(self) -> QWidget:
        """督办: the yellow and red card limits (working days past the deadline) per unit kind
        and per category, and the monthly score's points per rule."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Yellow and red cards: working days past the order's deadline "
                    "(red more than yellow, yellow more than 0). A category's own limits "
                    "come before its unit kind's."
                )
            )
        )
        self.limits_table = QTableWidget(0, 4)
        self.limits_table.setObjectName("cardLimits")
        self.limits_table.setHorizontalHeaderLabels(
            [self.tr("Category"), self.tr("Unit kind"), self.tr("Yellow card"), self.tr("Red card")]
        )
        self.limits_table.verticalHeader().setVisible(False)
        self.limits_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.limits_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.limits_table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.limits_table, 3)
        row = QHBoxLayout()
        self.add_limit_button = QPushButton(self.tr("Add a category's limits"))
        self.remove_limit_button = QPushButton(self.tr("Remove"))
        self.add_limit_button.clicked.connect(lambda: self._add_limit_row(None, "town", 1, 2))
        self.remove_limit_button.clicked.connect(self._remove_limit_row)
        for b in (self.add_limit_button, self.remove_limit_button):
            b.setEnabled(self._editable)
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        points = QWidget()
        form = QFormLayout(points)
        self.point_spins: dict[str, QSpinBox] = {}
        for rule in sv.SCORE_RULES:
            spin = QSpinBox()
            spin.setObjectName(f"points_{rule}")
            credit = rule in ("on_time", "satisfied")
            spin.setRange(0 if credit else -sv.MAX_RULE_POINTS, sv.MAX_RULE_POINTS if credit else 0)
            spin.setEnabled(self._editable)
            self.point_spins[rule] = spin
            form.addRow(pick(sv.RULE_TEXT[rule]), spin)
        self.per_orders_spin = QSpinBox()
        self.per_orders_spin.setObjectName("scorePerOrders")
        self.per_orders_spin.setRange(0, scores.MAX_PER_ORDERS)
        self.per_orders_spin.setSpecialValueText(self.tr("not counted per orders"))
        self.per_orders_spin.setEnabled(self._editable)
        form.addRow(self.tr("Count points per this many orders due"), self.per_orders_spin)
        self.credit_cap_spin = QSpinBox()
        self.credit_cap_spin.setObjectName("scoreCreditCap")
        self.credit_cap_spin.setRange(0, scores.MAX_CREDIT_CAP)
        self.credit_cap_spin.setEnabled(self._editable)
        form.addRow(self.tr("Credit adds at most"), self.credit_cap_spin)
        scale_note = QLabel(
            self.tr(
                "Monthly score: every unit starts at 100. The points per order count per "
                "the number of orders due set below (a unit with fewer counts them whole; "
                "0: whole), credit is capped, points given by hand count whole, and no score "
                "falls below 0. A locked month keeps the scale it was locked with."
            )
        )
        scale_note.setWordWrap(True)
        layout.addWidget(scale_note)
        layout.addWidget(points, 2)
        self.save_supervision_button = QPushButton(self.tr("Save supervision rules"))
        self.save_supervision_button.setObjectName("saveSupervisionRules")
        self.save_supervision_button.setEnabled(self._editable)
        self.save_supervision_button.clicked.connect(self._save_supervision)
        layout.addWidget(self.save_supervision_button)
        return page

    def _add_limit_row(self, code: str | None, kind: str, yellow: int, red: int) -> None:
        """A row of the limits table: a category (None: the unit kind's default), the kind,
        yellow and red working days."""
        t = self.limits_table
        i = t.rowCount()
        t.insertRow(i)
        if code is None and self._data is not None and t.rowCount() > len(sv.UNIT_KINDS):
            category = _category_combo(self._data.ref)
            category.setEnabled(self._editable)
            t.setCellWidget(i, 0, category)
        elif code is not None and self._data is not None:
            category = _category_combo(self._data.ref)
            category.setCurrentIndex(max(0, category.findData(code)))
            category.setEnabled(self._editable)
            t.setCellWidget(i, 0, category)
        else:
            t.setItem(i, 0, QTableWidgetItem(self.tr("Default")))
        kinds = QComboBox()
        for k in sv.UNIT_KINDS:
            kinds.addItem(pick(sv.UNIT_KIND_TEXT[k]), k)
        kinds.setCurrentIndex(max(0, kinds.findData(kind)))
        kinds.setEnabled(self._editable and t.cellWidget(i, 0) is not None)
        t.setCellWidget(i, 1, kinds)
        for col, value in ((2, yellow), (3, red)):
            spin = QSpinBox()
            spin.setRange(0, sv.MAX_CARD_DAYS)
            spin.setValue(int(value))
            spin.setSuffix(" " + self.tr("working days"))
            spin.setEnabled(self._editable)
            t.setCellWidget(i, col, spin)

    def _remove_limit_row(self) -> None:
        row = self.limits_table.currentRow()
        if row >= len(sv.UNIT_KINDS):  # the unit kinds' defaults stay
            self.limits_table.removeRow(row)

    def _show_supervision(self, data: RulesData) -> None:
        self.limits_table.setRowCount(0)
        limits = data.card_limits
        for kind in sv.UNIT_KINDS:
            self._add_limit_row(None, kind, *limits[kind])
        for code, rules in sorted((limits.get("categories") or {}).items()):
            for kind, (yellow, red) in sorted(rules.items()):
                self._add_limit_row(code, kind, yellow, red)
        for rule, spin in self.point_spins.items():
            spin.setValue(int(data.score_points.get(rule, 0)))
        self.per_orders_spin.setValue(data.score_scale.per_orders)
        self.credit_cap_spin.setValue(data.score_scale.credit_cap)

    def supervision_values(self) -> dict[str, Any]:
        """The tab's card limits and points, as the settings store them."""
        t = self.limits_table
        limits: dict[str, Any] = {"categories": {}}
        for i in range(t.rowCount()):
            kinds = t.cellWidget(i, 1)
            yellow, red = t.cellWidget(i, 2).value(), t.cellWidget(i, 3).value()
            category = t.cellWidget(i, 0)
            if category is None:
                limits[kinds.currentData()] = [yellow, red]
            else:
                limits["categories"].setdefault(category.currentData(), {})[kinds.currentData()] = [
                    yellow,
                    red,
                ]
        points = {rule: spin.value() for rule, spin in self.point_spins.items()}
        scale = {
            "per_orders": self.per_orders_spin.value(),
            "credit_cap": self.credit_cap_spin.value(),
        }
        return {
            "orders.card_limits": limits,
            "orders.score_points": points,
            "orders.score_scale": scale,
        }

    def _save_supervision(self) -> None:
        values, actor = self.supervision_values(), self._actor
        self._runner.submit(
            lambda s: settings.change(s, actor, values),
            success=self._done,
            failure=self._failed,
            owner=self,
        )

    def _show_smart(self, data: RulesData) -> None:
        self.models_table.setRowCount(len(data.models))
        for i, m in enumerate(data.models):
            values = (
                f"v{m.version}",
                m.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                m.created_by or "",
                str(m.trained_on),
                f"{m.macro_f1:.3f}",
                f"{m.accuracy:.3f}",
                f"{m.department_macro_f1:.3f}",
                "✓" if m.active else "",
            )
            for j, v in enumerate(values):
                self.models_table.setItem(i, j, QTableWidgetItem(v))
        self.rates_table.setRowCount(len(data.rates))
        kinds = {"category": self.tr("category"), "department": self.tr("department")}
        for i, r in enumerate(data.rates):
            values = (
                f"{r.category_code or ''} {name_text(r.category_name, r.category_name_en)}",
                kinds.get(r.kind, r.kind),
                str(r.suggestions),
                str(r.accepted),
                str(r.suggestions - r.accepted),
                f"{r.rate:.0%}",
            )
            for j, v in enumerate(values):
                self.rates_table.setItem(i, j, QTableWidgetItem(v))
        self.auto_spin.setValue(round(data.auto_confidence * 100))

    def _train(self) -> None:
        actor = self._actor
        self.train_button.setEnabled(False)
        self._message(self.tr("Learning from the closed incidents… (about half a minute)"))

        def done(_result: object = None) -> None:
            self.train_button.setEnabled(self._editable)
            self._done()

        def failed(exc: BaseException) -> None:
            self.train_button.setEnabled(self._editable)
            self._failed(exc)

        self._runner.submit(
            lambda s: learned_routing.learn(s, actor),
            success=done,
            failure=failed,
            owner=self,
            name="classifier.learn",
            lane=LONG,
        )

    def _activate_model(self) -> None:
        row = self.models_table.currentRow()
        if self._data is None or not 0 <= row < len(self._data.models):
            return
        version, actor = self._data.models[row].version, self._actor
        self._runner.submit(
            lambda s: learned_routing.activate(s, actor, version),
            success=self._done,
            failure=self._failed,
            owner=self,
        )

    def _save_auto(self) -> None:
        value, actor = self.auto_spin.value() / 100, self._actor
        self._runner.submit(
            lambda s: settings.change(s, actor, {learned_routing.AUTO_SETTING: value}),
            success=self._done,
            failure=self._failed,
            owner=self,
        )

    def _with_buttons(self, table: QTableWidget, edit, delete) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(table)
        row = QHBoxLayout()
        for label, slot in (
            (self.tr("Add…"), lambda: edit(None)),
            (self.tr("Edit…"), lambda: edit(table.currentRow())),
            (self.tr("Delete"), lambda: delete(table.currentRow())),
        ):
            button = QPushButton(label)
            button.setEnabled(self._editable)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        table.doubleClicked.connect(lambda index: edit(index.row()))
        return page

    # --- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._runner.submit(load, success=self._show, failure=self._load_failed, owner=self)

    def _load_failed(self, exc: BaseException) -> None:
        self._message(str(exc), error=True)

    def _message(self, text: str, *, error: bool = False) -> None:
        if not text and not self._editable:
            text = self.tr("Only an administrator can change the working rules.")
        self.note.setText(text)
        self.note.setProperty("error", error)
        self.note.setStyleSheet("color: #c62828;" if error else "")

    def _show(self, data: RulesData) -> None:
        self._data = data
        self.routing_table.setRowCount(len(data.routing_rules))
        for i, r in enumerate(data.routing_rules):
            values = (
                f"{r.category_code} {name_text(r.category_name, r.category_name_en)}",
                place_text(r.town_name) if r.town_name else self.tr("Whole county"),
                name_text(r.department_name, r.department_name_en),
                r.note or "",
            )
            for j, v in enumerate(values):
                self.routing_table.setItem(i, j, QTableWidgetItem(v))
        self.deadline_table.setRowCount(len(data.deadline_rules))
        for i, r in enumerate(data.deadline_rules):
            allowed = (
                self.tr("%1 office hours").replace("%1", str(r.working_hours))
                if r.working_hours is not None
                else self.tr("%1 working days").replace("%1", str(r.working_days))
            )
            values = (
                (
                    f"{r.category_code} {name_text(r.category_name, r.category_name_en)}"
                    if r.category_code
                    else self.tr("All")
                ),
                str(r.priority) if r.priority else self.tr("Any"),
                allowed,
            )
            for j, v in enumerate(values):
                self.deadline_table.setItem(i, j, QTableWidgetItem(v))
        for key, spin in self.spins.items():
            spin.setValue(int(data.order_settings[key]))
        self._show_smart(data)
        self._show_supervision(data)

    def _failed(self, exc: BaseException) -> None:
        """A refused change: say why in the dialog (nothing was written) and show what is."""
        self._message(str(exc), error=True)
        self.refresh()

    def _done(self, _result: object = None) -> None:
        self._message(self.tr("Saved."))
        self.sig_saved.emit()
        self.refresh()

    # --- editing -------------------------------------------------------------------------------

    def _edit_routing(self, row: int | None) -> None:
        if self._data is None or not self._editable:
            return
        current = self._data.routing_rules[row] if row is not None and row >= 0 else None
        if row is not None and current is None:
            return
        form = RoutingRuleForm(self._data.ref, current, self)
        if form.exec() != QDialog.DialogCode.Accepted:
            return
        values, actor = form.values(), self._actor
        self._runner.submit(
            lambda s: routing.save_rule(s, actor, **values),
            success=self._done,
            failure=self._failed,
            owner=self,
        )

    def _delete_routing(self, row: int) -> None:
        if self._data is None or not 0 <= row < len(self._data.routing_rules):
            return
        rule_id, actor = self._data.routing_rules[row].id, self._actor
        self._runner.submit(
            lambda s: routing.delete_rule(s, actor, rule_id),
            success=self._done,
            failure=self._failed,
            owner=self,
        )

    def _edit_deadline(self, row: int | None) -> None:
        if self._data is None or not self._editable:
            return
        current = self._data.deadline_rules[row] if row is not None and row >= 0 else None
        if row is not None and current is None:
            return
        form = DeadlineRuleForm(self._data.ref, current, self)
        if form.exec() != QDialog.DialogCode.Accepted:
            return
        values, actor = form.values(), self._actor
        self._runner.submit(
            lambda s: deadlines.save_rule(s, actor, **values),
            success=self._done,
            failure=self._failed,
            owner=self,
        )

    def _delete_deadline(self, row: int) -> None:
        if self._data is None or not 0 <= row < len(self._data.deadline_rules):
            return
        rule_id, actor = self._data.deadline_rules[row].id, self._actor
        self._runner.submit(
            lambda s: deadlines.delete_rule(s, actor, rule_id),
            success=self._done,
            failure=self._failed,
            owner=self,
        )

    def _save_settings(self) -> None:
        if self._data is None:
            return
        changed = {
            key: spin.value()
            for key, spin in self.spins.items()
            if spin.value() != int(self._data.order_settings[key])
        }
        if not changed:
            return
        actor = self._actor

        self._runner.submit(
            lambda s: settings.change(s, actor, changed),
            success=self._done,
            failure=self._failed,
            owner=self,
        )
