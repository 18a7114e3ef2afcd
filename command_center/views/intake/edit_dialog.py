"""编辑/补充: the center completes or corrects an open incident (services/incident_edit.py).

The fields start as the incident is now, except the caller's name and phone: application logins
cannot read them back (alembic 0006), so those stay empty and mean "unchanged" unless typed.
The dialog stays open with the service's refusal until the save succeeds."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from command_center.services import incident_edit, intake
from command_center.services.audit import Actor
from command_center.views.intake.intake_form import (
    CategoryPicker,
    FormChoices,
    load_choices,
    priority_labels,
)
from command_center.workers.ops import OpsRunner


class EditIncidentDialog(QDialog):
    """See the module docstring. Emits :attr:`sig_saved` with the incident's id."""

    sig_saved = Signal(int)

    def __init__(
        self, runner: OpsRunner, actor: Actor, details: Any, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("editIncidentDialog")
        self._runner = runner
        self._actor = actor
        inc = details.incident
        self._incident_id = int(inc.id)
        self._version = int(inc.version)
        self._category = inc.category_code
        self.setWindowTitle(self.tr("Edit / complete %1").replace("%1", inc.number))
        self.title_edit = QLineEdit(inc.title or "", self)
        self.title_edit.setMaxLength(intake.TITLE_FORM_MAX)
        self.category = CategoryPicker(self)
        self.description = QPlainTextEdit(self)
        self.description.setPlainText(details.description or "")
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(80)
        self.address = QLineEdit(inc.address or "", self)
        self.address.setMaxLength(intake.ADDRESS_MAX)
        self.location = QLineEdit(self)
        self.location.setPlaceholderText(self.tr("longitude, latitude (GCJ-02)"))
        if inc.lon is not None and inc.lat is not None:
            self.location.setText(f"{inc.lon:.6f}, {inc.lat:.6f}")
        self.priority = QComboBox(self)
        for value, label in priority_labels():
            self.priority.addItem(label, value)
        self.priority.setCurrentIndex(max(0, self.priority.findData(int(inc.priority or 3))))
        unchanged = self.tr("unchanged (not shown)")
        self.reporter_name = QLineEdit(self)
        self.reporter_name.setMaxLength(intake.NAME_MAX)
        self.reporter_name.setPlaceholderText(unchanged)
        self.reporter_phone = QLineEdit(self)
        self.reporter_phone.setMaxLength(intake.PHONE_MAX)
        self.reporter_phone.setPlaceholderText(unchanged)
        reporter = QHBoxLayout()
        reporter.addWidget(self.reporter_name, 1)
        reporter.addWidget(QLabel(self.tr("Phone"), self))
        reporter.addWidget(self.reporter_phone, 1)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("editReason")
        self.reason.setMaxLength(incident_edit.REASON_MAX)
        self.reason.setPlaceholderText(self.tr("Why — e.g. 来电人补充了具体位置 (recorded)"))
        form = QFormLayout()
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Location"), self.location)
        form.addRow(self.tr("Priority"), self.priority)
        form.addRow(self.tr("Caller"), reporter)
        form.addRow(self.tr("Reason"), self.reason)
        self.message = QLabel(self)
        self.message.setObjectName("editMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(640, 620)
        self._runner.submit(
            load_choices, success=self._on_choices, failure=self._on_failed, owner=self,
            name="edit.choices",
        )

    def _on_choices(self, choices: FormChoices) -> None:
        self.category.set_categories(choices.categories)
        self.category.set_code(self._category)

    def edit(self) -> incident_edit.IncidentEdit | None:
        """What the fields say, or None (with the message) when the point cannot be read."""
        lon = lat = None
        raw = self.location.text().strip().replace("，", ",")
        if raw:
            try:
                lon_s, lat_s = (p.strip() for p in raw.split(","))
                lon, lat = float(lon_s), float(lat_s)
            except ValueError:
                self.message.setText(
                    self.tr("The location is two numbers: longitude, latitude.")
                )
                return None
        return incident_edit.IncidentEdit(
            title=self.title_edit.text(),
            category_code=self.category.code(),
            description=self.description.toPlainText(),
            address=self.address.text(),
            lon=lon,
            lat=lat,
            priority=int(self.priority.currentData() or 3),
            reporter_name=self.reporter_name.text() or None,
            reporter_phone=self.reporter_phone.text() or None,
        )

    def save(self) -> None:
        edit = self.edit()
        if edit is None:
            return
        if not self.reason.text().strip():
            self.message.setText(self.tr("Say why the incident is changed (it is recorded)."))
            self.reason.setFocus()
            return
        actor, iid, version, reason = (
            self._actor, self._incident_id, self._version, self.reason.text()
        )
        self.buttons.setEnabled(False)
        self.message.setText(self.tr("Saving…"))
        self._runner.submit(
            lambda s: incident_edit.edit_incident(
                s, actor, iid, edit, reason, expected_version=version
            ),
            success=self._on_saved,
            failure=self._on_failed,
            owner=self,
            name="edit.save",
        )

    def _on_saved(self, _version: int) -> None:
        self.sig_saved.emit(self._incident_id)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.message.setText(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
