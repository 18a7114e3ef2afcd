"""The dialogs of a dispute case: intake, a mediation session, the outcomes, the follow-up
visit, a reason (extension, withdrawal).

A dialog gathers the input and hands it to ``submit(values, done)``; the view runs the service
on the worker lane and calls ``done(error)``: None closes the dialog, a message (the service's
"中文 / English") stays on it, and nothing was written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from command_center import clock
from command_center.clock import CST
from command_center.services import disputes
from command_center.services.disputes import CaseInput, PartyInput
from command_center.views import words

Submit = Callable[[dict[str, Any], Callable[[str | None], None]], None]


pick = words.pick


def fill_combo(combo: QComboBox, table: dict[str, tuple[str, str]],
               any_text: str | None = None) -> None:
    combo.clear()
    if any_text is not None:
        combo.addItem(any_text, None)
    for code, pair in table.items():
        combo.addItem(pick(pair), code)


class FormDialog(QDialog):
    """A form of labelled fields, an error line, OK and Cancel."""

    def __init__(self, title: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._submit = submit
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("disputeDialogError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    @Slot()
    def _on_buttons_accepted(self) -> None:
        try:
            values = self.values()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.buttons.setEnabled(False)
        self.error.setText(self.tr("Saving…"))
        self._submit(values, self._done)

    def _done(self, error: str | None) -> None:
        self.buttons.setEnabled(True)
        if error is None:
            self.accept()
        else:
            self.error.setText(error)


def _text_edit(height: int = 70) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


class IntakeDialog(FormDialog):
    """Take in a case: its type, facts, source (and the sender's reference), room, mediator,
    people involved, risk and its reasons, amount, and the parties (several per side)."""

    def __init__(self, submit: Submit, choices: dict[str, Any], parent: QWidget | None = None,
                 *, incident: tuple[int, str] | None = None) -> None:
        super().__init__("", submit, parent)
        self.setWindowTitle(self.tr("New dispute case"))
        self.setObjectName("disputeIntakeDialog")
        self._mediators: dict[int, list[tuple[int, str]]] = choices["mediators"]
        self._incident = incident
        self.type_combo = QComboBox()
        for code, zh, en in choices["types"]:
            self.type_combo.addItem(zh if words.language() == "zh" else en, code)
        self.summary = _text_edit()
        self.summary.setObjectName("disputeSummary")
        self.source = QComboBox()
        fill_combo(self.source, disputes.SOURCE_TEXT)
        self.source_org = QLineEdit()
        self.reference = QLineEdit()
        self.reference.setObjectName("disputeReference")
        self.org = QComboBox()
        self.org.setObjectName("disputeOrg")
        for org in choices["orgs"]:
            self.org.addItem(org.name, org.id)
        self.mediator = QComboBox()
        self.people = QSpinBox()
        self.people.setRange(1, disputes.MAX_PEOPLE)
        self.people.setValue(2)
        self.risk = QComboBox()
        fill_combo(self.risk, disputes.RISK_TEXT)
        self.risk_reasons = QLineEdit()
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("yuan, optional"))
        self.parties = QTableWidget(0, 5)
        self.parties.setObjectName("disputeParties")
        self.parties.setHorizontalHeaderLabels([
            self.tr("Side"), self.tr("Name"), self.tr("Phone"), self.tr("Identity number"),
            self.tr("Address"),
        ])
        self.parties.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.parties.setMinimumHeight(120)
        self.parties.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        add = QPushButton(self.tr("Add party"))
        add.clicked.connect(lambda: self.add_party("third_party"))
        remove = QPushButton(self.tr("Remove party"))
        remove.clicked.connect(self._on_remove_clicked)
        party_buttons = QHBoxLayout()
        party_buttons.addWidget(add)
        party_buttons.addWidget(remove)
        party_buttons.addStretch(1)
        self.add_party("applicant")
        self.add_party("respondent")

        f = self.form
        if incident is not None:
            link = QLabel(self.tr("From incident %1").replace("%1", incident[1]))
            link.setTextFormat(Qt.TextFormat.PlainText)
            f.addRow(self.tr("Incident"), link)
        f.addRow(self.tr("Type"), self.type_combo)
        f.addRow(self.tr("Facts and matters"), self.summary)
        f.addRow(self.tr("Source"), self.source)
        f.addRow(self.tr("Sent by"), self.source_org)
        f.addRow(self.tr("Sender's reference"), self.reference)
        f.addRow(self.tr("Mediation room"), self.org)
        f.addRow(self.tr("Mediator"), self.mediator)
        f.addRow(self.tr("People involved"), self.people)
        f.addRow(self.tr("Risk"), self.risk)
        f.addRow(self.tr("Reasons for the risk"), self.risk_reasons)
        f.addRow(self.tr("Amount at stake"), self.amount)
        f.addRow(self.tr("Parties"), self.parties)
        f.addRow("", party_buttons)
        self.org.currentIndexChanged.connect(self._on_org_current_index_changed)
        self.source.currentIndexChanged.connect(self._on_source_current_index_changed)
        self._on_org_current_index_changed()
        self._on_source_current_index_changed()
        self.resize(760, 640)

    def add_party(self, role: str) -> None:
        row = self.parties.rowCount()
        self.parties.insertRow(row)
        combo = QComboBox()
        fill_combo(combo, disputes.PARTY_ROLE_TEXT)
        combo.setCurrentIndex(combo.findData(role))
        self.parties.setCellWidget(row, 0, combo)
        for col in range(1, 5):
            self.parties.setItem(row, col, QTableWidgetItem(""))

    def set_party(self, row: int, name: str, phone: str = "", id_number: str = "",
                  address: str = "") -> None:
        for col, value in enumerate((name, phone, id_number, address), start=1):
            item = self.parties.item(row, col)
            assert item is not None
            item.setText(value)

    @Slot()
    def _on_remove_clicked(self) -> None:
        row = self.parties.currentRow()
        if row >= 0:
            self.parties.removeRow(row)

    @Slot()
    def _on_org_current_index_changed(self) -> None:
        self.mediator.clear()
        self.mediator.addItem(self.tr("(not yet)"), None)
        for mid, name in self._mediators.get(self.org.currentData(), []):
            self.mediator.addItem(name, mid)
        if self.mediator.count() > 1:
            self.mediator.setCurrentIndex(1)

    @Slot()
    def _on_source_current_index_changed(self) -> None:
        transfer = self.source.currentData() in disputes.TRANSFER_SOURCES
        self.source_org.setEnabled(transfer)
        self.reference.setEnabled(transfer)

    def values(self) -> dict[str, Any]:
        parties = []
        for row in range(self.parties.rowCount()):
            cells = [(self.parties.item(row, c) or QTableWidgetItem()).text().strip()
                     for c in range(1, 5)]
            combo = self.parties.cellWidget(row, 0)
            role = combo.currentData() if isinstance(combo, QComboBox) else "applicant"
            if not any(cells):
                continue
            name, phone, idn, address = cells
            kind = "org" if any(k in name for k in ("公司", "委员会", "合作社", "厂")) else "person"
            parties.append(PartyInput(role, name, kind=kind, phone=phone or None,
                                      id_number=idn or None, address=address or None))
        data = CaseInput(
            type_code=self.type_combo.currentData(),
            summary=self.summary.toPlainText(),
            parties=parties,
            org_id=self.org.currentData(),
            source=self.source.currentData(),
            mediator_id=self.mediator.currentData(),
            people_involved=self.people.value(),
            risk_level=self.risk.currentData(),
            risk_reasons=self.risk_reasons.text(),
            amount=self.amount.text() or None,
            source_org=self.source_org.text(),
            source_reference=self.reference.text(),
            incident_id=self._incident[0] if self._incident else None,
        )
        return {"input": data}


class SessionDialog(FormDialog):
    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("", submit, parent)
        self.setWindowTitle(self.tr("Record a mediation session"))
        self.held_at = QDateTimeEdit(QDateTime(clock.now().astimezone(CST).replace(
            tzinfo=None, second=0, microsecond=0)))
        self.held_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.place = QLineEdit()
        self.participants = QLineEdit()
        self.note = _text_edit(90)
        self.note.setObjectName("sessionNote")
        self.next_step = QLineEdit()
        f = self.form
        f.addRow(self.tr("Date and time"), self.held_at)
        f.addRow(self.tr("Place"), self.place)
        f.addRow(self.tr("Participants"), self.participants)
        f.addRow(self.tr("Notes"), self.note)
        f.addRow(self.tr("Next step"), self.next_step)
        self.resize(520, 360)

    def values(self) -> dict[str, Any]:
        at = self.held_at.dateTime().toPython()
        return {
            "held_at": at.replace(tzinfo=CST), "place": self.place.text(),
            "participants": self.participants.text(), "note": self.note.toPlainText(),
            "next_step": self.next_step.text(),
        }


class AgreementDialog(FormDialog):
    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("", submit, parent)
        self.setWindowTitle(self.tr("Agreement reached"))
        self.terms = _text_edit(140)
        self.has_deadline = QCheckBox(self.tr("Fulfil by"))
        self.has_deadline.setChecked(True)
        self.fulfil_by = QDateEdit(QDate(clock.today() + dt.timedelta(days=15)))
        self.fulfil_by.setCalendarPopup(True)
        self.fulfil_by.setDisplayFormat("yyyy-MM-dd")
        self.form.addRow(self.tr("Terms agreed"), self.terms)
        self.form.addRow(self.has_deadline, self.fulfil_by)
        self.resize(560, 320)

    def values(self) -> dict[str, Any]:
        return {
            "terms": self.terms.toPlainText(),
            "fulfil_by": self.fulfil_by.date().toPython() if self.has_deadline.isChecked()
            else None,
        }


class FailureDialog(FormDialog):
    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("", submit, parent)
        self.setWindowTitle(self.tr("Mediation failed"))
        self.reason = _text_edit()
        self.referral = QComboBox()
        fill_combo(self.referral, disputes.REFERRAL_TEXT)
        self.form.addRow(self.tr("Why it failed"), self.reason)
        self.form.addRow(self.tr("Referred to"), self.referral)
        self.resize(480, 240)

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.toPlainText(), "referral": self.referral.currentData()}


class ReasonDialog(FormDialog):
    def __init__(self, title: str, label: str, submit: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, submit, parent)
        self.reason = _text_edit()
        self.form.addRow(label, self.reason)
        self.resize(440, 200)

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.toPlainText()}


class FollowUpDialog(FormDialog):
    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("", submit, parent)
        self.setWindowTitle(self.tr("Follow-up visit"))
        self.kept = QComboBox()
        self.kept.addItem(self.tr("The agreement is kept"), True)
        self.kept.addItem(self.tr("The agreement is broken"), False)
        self.satisfaction = QComboBox()
        fill_combo(self.satisfaction, disputes.SATISFACTION_TEXT)
        self.then = QComboBox()
        self.then.addItem(self.tr("Mediate again"), "reopen")
        for code, pair in disputes.REFERRAL_TEXT.items():
            self.then.addItem(pick(pair), code)
        self.note = _text_edit()
        self.form.addRow(self.tr("Agreement"), self.kept)
        self.form.addRow(self.tr("Satisfaction"), self.satisfaction)
        self.form.addRow(self.tr("If broken"), self.then)
        self.form.addRow(self.tr("Notes"), self.note)
        self.kept.currentIndexChanged.connect(
            lambda: self.then.setEnabled(not self.kept.currentData()))
        self.then.setEnabled(False)
        self.resize(480, 300)

    def values(self) -> dict[str, Any]:
        then = self.then.currentData()
        return {
            "kept": bool(self.kept.currentData()),
            "satisfaction": self.satisfaction.currentData(),
            "note": self.note.toPlainText(),
            "then": "reopen" if then == "reopen" else "refer",
            "referral": None if then == "reopen" else then,
        }


def plain_item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def fmt_time(at: dt.datetime | None) -> str:
    return at.astimezone(CST).strftime("%Y-%m-%d %H:%M") if at else ""


def join(parts: Sequence[str | None]) -> str:
    return "　".join(p for p in parts if p)
