"""The dialogs of a dispute case: intake, a mediation session, the outcomes, the follow-up
visit, a reason (extension, withdrawal).

A dialog gathers the input and hands it to ``submit(values, done)``; the view runs the service
on the worker lane and calls ``done(error)``: None closes the dialog, a message (the service's
"中文 / English") stays on it, and nothing was written.

Every dialog switches language while open: its texts are set in ``retranslate()``, which the
language change event calls again (as the views do), keeping what was typed and chosen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QEvent, Qt, Slot
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


def refill(combo: QComboBox, items: Sequence[tuple[str, Any]]) -> None:
    """Put (text, data) items in a combo box, keeping the item chosen (by its data) and
    without signalling a change."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for label, data in items:
        combo.addItem(label, data)
    index = combo.findData(current)
    combo.setCurrentIndex(index if index >= 0 else (0 if combo.count() else -1))
    combo.blockSignals(False)


def pairs(table: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """A Qt-free table of (中文, English) words as (text, code) items in the language now."""
    return [(pick(pair), code) for code, pair in table.items()]


class FormDialog(QDialog):
    """A form of labelled fields, an error line, OK and Cancel. A subclass adds its fields with
    :meth:`row` and sets every text in :meth:`retranslate`."""

    def __init__(self, title: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._submit = submit
        self._labels: dict[str, QLabel] = {}
        self._saving = False
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

    def row(self, key: str, field: QWidget | QHBoxLayout) -> QLabel:
        """Add a field under a label whose text :meth:`retranslate` sets (``label(key)``)."""
        label = QLabel()
        self._labels[key] = label
        self.form.addRow(label, field)
        return label

    def label(self, key: str) -> QLabel:
        return self._labels[key]

    def set_labels(self, texts: dict[str, str]) -> None:
        for key, text in texts.items():
            self._labels[key].setText(text)

    def retranslate(self) -> None:
        """Set every text in the interface language; called again when it changes."""
        if self._title:
            self.setWindowTitle(self._title)
        if self._saving:
            self.error.setText(self.tr("Saving…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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
        self._saving = True
        self.error.setText(self.tr("Saving…"))
        self._submit(values, self._done)

    def _done(self, error: str | None) -> None:
        self.buttons.setEnabled(True)
        self._saving = False
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
        self.setObjectName("disputeIntakeDialog")
        self._mediators: dict[int, list[tuple[int, str]]] = choices["mediators"]
        self._types: list[tuple[str, str, str]] = list(choices["types"])
        self._incident = incident
        self.type_combo = QComboBox()
        self.summary = _text_edit()
        self.summary.setObjectName("disputeSummary")
        self.source = QComboBox()
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
        self.risk_reasons = QLineEdit()
        self.amount = QLineEdit()
        self.parties = QTableWidget(0, 5)
        self.parties.setObjectName("disputeParties")
        self.parties.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.parties.setMinimumHeight(120)
        self.parties.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(lambda: self.add_party("third_party"))
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self._on_remove_clicked)
        party_buttons = QHBoxLayout()
        party_buttons.addWidget(self.add_button)
        party_buttons.addWidget(self.remove_button)
        party_buttons.addStretch(1)
        self.add_party("applicant")
        self.add_party("respondent")

        self.link: QLabel | None = None
        if incident is not None:
            self.link = QLabel()
            self.link.setTextFormat(Qt.TextFormat.PlainText)
            self.row("incident", self.link)
        for key, field in (
            ("type", self.type_combo), ("facts", self.summary), ("source", self.source),
            ("sent_by", self.source_org), ("reference", self.reference),
            ("room", self.org), ("mediator", self.mediator), ("people", self.people),
            ("risk", self.risk), ("risk_reasons", self.risk_reasons),
            ("amount", self.amount), ("parties", self.parties),
        ):
            self.row(key, field)
        self.form.addRow("", party_buttons)
        self.retranslate()
        self.org.currentIndexChanged.connect(self._on_org_current_index_changed)
        self.source.currentIndexChanged.connect(self._on_source_current_index_changed)
        self._on_org_current_index_changed()
        self._on_source_current_index_changed()
        self.resize(760, 640)

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("New dispute case"))
        refill(self.type_combo, [(pick((zh, en)), code) for code, zh, en in self._types])
        refill(self.source, pairs(disputes.SOURCE_TEXT))
        refill(self.risk, pairs(disputes.RISK_TEXT))
        if self.mediator.count():
            self.mediator.setItemText(0, self.tr("(not yet)"))
        self.amount.setPlaceholderText(self.tr("yuan, optional"))
        self.parties.setHorizontalHeaderLabels([
            self.tr("Side"), self.tr("Name"), self.tr("Phone"), self.tr("Identity number"),
            self.tr("Address"),
        ])
        for r in range(self.parties.rowCount()):
            combo = self.parties.cellWidget(r, 0)
            if isinstance(combo, QComboBox):
                refill(combo, pairs(disputes.PARTY_ROLE_TEXT))
        self.add_button.setText(self.tr("Add party"))
        self.remove_button.setText(self.tr("Remove party"))
        if self.link is not None and self._incident is not None:
            self.link.setText(self.tr("From incident %1").replace("%1", self._incident[1]))
            self.label("incident").setText(self.tr("Incident"))
        self.set_labels({
            "type": self.tr("Type"), "facts": self.tr("Facts and matters"),
            "source": self.tr("Source"), "sent_by": self.tr("Sent by"),
            "reference": self.tr("Sender's reference"), "room": self.tr("Mediation room"),
            "mediator": self.tr("Mediator"), "people": self.tr("People involved"),
            "risk": self.tr("Risk"), "risk_reasons": self.tr("Reasons for the risk"),
            "amount": self.tr("Amount at stake"), "parties": self.tr("Parties"),
        })

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
        self.held_at = QDateTimeEdit(QDateTime(clock.now().astimezone(CST).replace(
            tzinfo=None, second=0, microsecond=0)))
        self.held_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.place = QLineEdit()
        self.participants = QLineEdit()
        self.note = _text_edit(90)
        self.note.setObjectName("sessionNote")
        self.next_step = QLineEdit()
        for key, field in (("when", self.held_at), ("place", self.place),
                           ("participants", self.participants), ("notes", self.note),
                           ("next", self.next_step)):
            self.row(key, field)
        self.retranslate()
        self.resize(520, 360)

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("Record a mediation session"))
        self.set_labels({"when": self.tr("Date and time"), "place": self.tr("Place"),
                         "participants": self.tr("Participants"), "notes": self.tr("Notes"),
                         "next": self.tr("Next step")})

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
        self.terms = _text_edit(140)
        self.has_deadline = QCheckBox()
        self.has_deadline.setChecked(True)
        self.fulfil_by = QDateEdit(QDate(clock.today() + dt.timedelta(days=15)))
        self.fulfil_by.setCalendarPopup(True)
        self.fulfil_by.setDisplayFormat("yyyy-MM-dd")
        self.row("terms", self.terms)
        self.form.addRow(self.has_deadline, self.fulfil_by)
        self.retranslate()
        self.resize(560, 320)

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("Agreement reached"))
        self.has_deadline.setText(self.tr("Fulfil by"))
        self.set_labels({"terms": self.tr("Terms agreed")})

    def values(self) -> dict[str, Any]:
        return {
            "terms": self.terms.toPlainText(),
            "fulfil_by": self.fulfil_by.date().toPython() if self.has_deadline.isChecked()
            else None,
        }


class FailureDialog(FormDialog):
    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("", submit, parent)
        self.reason = _text_edit()
        self.referral = QComboBox()
        self.row("why", self.reason)
        self.row("referral", self.referral)
        self.retranslate()
        self.resize(480, 240)

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("Mediation failed"))
        refill(self.referral, pairs(disputes.REFERRAL_TEXT))
        self.set_labels({"why": self.tr("Why it failed"), "referral": self.tr("Referred to")})

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.toPlainText(), "referral": self.referral.currentData()}


class ReasonDialog(FormDialog):
    """One reason: ``kind`` says which (``withdraw``, ``extend``) and so the title."""

    def __init__(self, kind: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("", submit, parent)
        self.kind = kind
        self.reason = _text_edit()
        self.row("reason", self.reason)
        self.retranslate()
        self.resize(440, 200)

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("Withdrawal") if self.kind == "withdraw"
                            else self.tr("Extend the time limit (once)"))
        self.set_labels({"reason": self.tr("Reason")})

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.toPlainText()}


class FollowUpDialog(FormDialog):
    def __init__(self, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("", submit, parent)
        self.kept = QComboBox()
        self.kept.addItem("", True)
        self.kept.addItem("", False)
        self.satisfaction = QComboBox()
        self.then = QComboBox()
        self.note = _text_edit()
        for key, field in (("agreement", self.kept), ("satisfaction", self.satisfaction),
                           ("then", self.then), ("notes", self.note)):
            self.row(key, field)
        self.retranslate()
        self.kept.currentIndexChanged.connect(
            lambda: self.then.setEnabled(not self.kept.currentData()))
        self.then.setEnabled(False)
        self.resize(480, 300)

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("Follow-up visit"))
        self.kept.setItemText(0, self.tr("The agreement is kept"))
        self.kept.setItemText(1, self.tr("The agreement is broken"))
        refill(self.satisfaction, pairs(disputes.SATISFACTION_TEXT))
        refill(self.then, [(self.tr("Mediate again"), "reopen"),
                           *pairs(disputes.REFERRAL_TEXT)])
        self.set_labels({"agreement": self.tr("Agreement"),
                         "satisfaction": self.tr("Satisfaction"), "then": self.tr("If broken"),
                         "notes": self.tr("Notes")})

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
