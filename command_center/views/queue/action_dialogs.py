"""The dialogs that ask for what a lifecycle action needs: a note or a reason (with response
templates), a department (with the routing suggestion), the report to merge into, progress with
photos."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from command_center.services import queue as svc
from command_center.services import routing
from command_center.services.actions import Inputs, Photo, Result
from command_center.services.attachments import MAX_PHOTO_BYTES, MAX_PHOTOS, photo_attachment
from command_center.services.orders import VISIT_METHODS
from command_center.services.response_templates import TemplateInfo, fill_template
from command_center.views import words


def visit_method_text(code: str) -> str:
    """How a return visit was made, in the interface language."""
    return words.word_of(VISIT_METHODS, code)


UNREACHED = 0
"""The return visit's choice "could not reach the reporter" (the ratings are 1 to 5)."""


class _Dialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            QCoreApplication.translate("QueueActions", "OK")
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            QCoreApplication.translate("QueueActions", "Cancel")
        )
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        self.error = QLabel(self)
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()

    def _add_template_combo(self) -> None:
        """ "Start from a template…": a chosen response template (of ``self._templates``),
        filled in for ``self._row``, replaces the text in ``self.edit``."""
        self.template_combo: QComboBox | None = None
        if not self._templates:
            return
        self.template_combo = QComboBox(self)
        self.template_combo.setObjectName("templateCombo")
        self.template_combo.addItem(
            QCoreApplication.translate("QueueActions", "Start from a template…"), None
        )
        for t in self._templates:
            self.template_combo.addItem(t.title, t.id)
        self.template_combo.activated.connect(self._on_template_combo_activated)
        self.layout_.addWidget(self.template_combo)

    def _on_template_combo_activated(self, index: int) -> None:
        if self.template_combo is None or index <= 0:
            return
        t = self._templates[index - 1]
        self.edit.setPlainText(fill_template(t.body, self._row) if self._row else t.body)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)

    def fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _on_ok(self) -> None:
        if self.validate():
            self.accept()

    def validate(self) -> bool:
        return True


class MergeDialog(_Dialog):
    """Reports of the same problem nearby and close in time: choose the one this report joins.
    Its reporter will receive that report's outcome."""

    def __init__(self, candidates: Sequence[Any], parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("queueMergeDialog")
        self._candidates = list(candidates)
        if self._candidates:
            text = QCoreApplication.translate(
                "QueueActions",
                "Reports nearby and close in time that may be the same problem. This report "
                "joins the one chosen; its reporter will receive that report's outcome.",
            )
        else:
            text = QCoreApplication.translate(
                "QueueActions",
                "No report nearby and close in time looks like the same problem.",
            )
        label = QLabel(text, self)
        label.setWordWrap(True)
        self.layout_.addWidget(label)
        self.table = QTableWidget(len(self._candidates), 5, self)
        self.table.setHorizontalHeaderLabels(
            [
                QCoreApplication.translate("QueueActions", "Number"),
                QCoreApplication.translate("QueueActions", "Title"),
                QCoreApplication.translate("QueueActions", "Distance"),
                QCoreApplication.translate("QueueActions", "Apart"),
                QCoreApplication.translate("QueueActions", "Match"),
            ]
        )
        for r, c in enumerate(self._candidates):
            distance = "—" if c.distance_m is None else f"{c.distance_m:.0f} 米"
            values = (
                c.number,
                c.title,
                distance,
                f"{c.hours_apart:.0f} 小时",
                f"{c.score:.0%}",
            )
            for col, v in enumerate(values):
                self.table.setItem(r, col, QTableWidgetItem(v))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        if self._candidates:
            self.table.selectRow(0)
        self.table.setVisible(bool(self._candidates))
        self.layout_.addWidget(self.table)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(
            QCoreApplication.translate("QueueActions", "Reason (default: the same problem)")
        )
        self.reason.setVisible(bool(self._candidates))
        self.layout_.addWidget(self.reason)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self._candidates))
        self.resize(640, 360)
        self.finish_layout()

    def validate(self) -> bool:
        if self.table.currentRow() < 0:
            self.fail(QCoreApplication.translate("QueueActions", "Choose a report."))
            return False
        return True

    def inputs(self) -> Inputs:
        chosen = self._candidates[self.table.currentRow()]
        return Inputs(text=self.reason.text().strip(), keep_id=chosen.incident_id)


class TextDialog(_Dialog):
    """A reason, a result or an answer; optionally with response templates to start from."""

    def __init__(
        self,
        title: str,
        prompt: str,
        parent: QWidget | None = None,
        *,
        templates: Sequence[TemplateInfo] = (),
        row: Any = None,
        required: bool = True,
        with_verdict: bool = False,
        with_rating: bool = False,
        suggest_departments: Sequence[tuple[int, str, str | None]] = (),
        own_department_id: int | None = None,
        results: Sequence[Result] = (),
        photos: Sequence[Photo] = (),
    ) -> None:
        super().__init__(title, parent)
        self.setObjectName("queueTextDialog")
        if results or photos or with_verdict:
            self._add_material(results, photos)
        self._required = required
        self._templates = list(templates)
        self._row = row
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        self.layout_.addWidget(label)
        self.verdict: QButtonGroup | None = None
        if with_verdict:
            row_ = QHBoxLayout()
            self.verdict = QButtonGroup(self)
            # nothing chosen for the operator: the verdict is read off the result and photos
            for i, (name, text) in enumerate(
                (
                    ("verdictConfirmed", QCoreApplication.translate("QueueActions", "Confirmed")),
                    (
                        "verdictSendBack",
                        QCoreApplication.translate("QueueActions", "Not done: send back"),
                    ),
                )
            ):
                b = QRadioButton(text, self)
                b.setObjectName(name)
                self.verdict.addButton(b, i)
                row_.addWidget(b)
            row_.addStretch(1)
            self.layout_.addLayout(row_)
        self.rating: QButtonGroup | None = None
        if with_rating:
            # the return visit: the reporter's rating, or that they could not be reached;
            # nothing is chosen for the operator
            row_ = QHBoxLayout()
            row_.addWidget(
                QLabel(QCoreApplication.translate("QueueActions", "Satisfaction:"), self)
            )
            self.rating = QButtonGroup(self)
            names = (
                QCoreApplication.translate("QueueActions", "Very dissatisfied"),
                QCoreApplication.translate("QueueActions", "Dissatisfied"),
                QCoreApplication.translate("QueueActions", "Neutral"),
                QCoreApplication.translate("QueueActions", "Satisfied"),
                QCoreApplication.translate("QueueActions", "Very satisfied"),
            )
            for score, text in enumerate(names, start=1):
                b = QRadioButton(f"{score} {text}", self)
                b.setObjectName(f"rating{score}")
                self.rating.addButton(b, score)
                row_.addWidget(b)
            row_.addStretch(1)
            self.layout_.addLayout(row_)
            row2 = QHBoxLayout()
            self.unreached = QRadioButton(
                QCoreApplication.translate(
                    "QueueActions", "Could not reach the reporter (recorded; not closed)"
                ),
                self,
            )
            self.unreached.setObjectName("visitUnreached")
            self.rating.addButton(self.unreached, UNREACHED)
            row2.addWidget(self.unreached)
            row2.addStretch(1)
            self.layout_.addLayout(row2)
            row3 = QHBoxLayout()
            row3.addWidget(QLabel(QCoreApplication.translate("QueueActions", "Visit made:"), self))
            self.method = QComboBox(self)
            self.method.setObjectName("visitMethod")
            for code in VISIT_METHODS:
                self.method.addItem(visit_method_text(code), code)
            row3.addWidget(self.method)
            row3.addStretch(1)
            self.layout_.addLayout(row3)
        self.suggest: QComboBox | None = None
        if suggest_departments:
            row4 = QHBoxLayout()
            row4.addWidget(
                QLabel(
                    QCoreApplication.translate("QueueActions", "It belongs to (optional):"), self
                )
            )
            self.suggest = QComboBox(self)
            self.suggest.setObjectName("suggestedDepartment")
            self.suggest.addItem(QCoreApplication.translate("QueueActions", "Not sure"), None)
            for dept_id, name, name_en in suggest_departments:
                if dept_id != own_department_id:
                    self.suggest.addItem(words.name_text(name, name_en), dept_id)
            row4.addWidget(self.suggest, 1)
            self.layout_.addLayout(row4)
        self._add_template_combo()
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("actionText")
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(110)
        self.layout_.addWidget(self.edit, 1)
        self.finish_layout()
        self.resize(520, 320)

    def _add_material(self, results: Sequence[Result], photos: Sequence[Photo]) -> None:
        """What the departments reported, and their photos, to verify against."""
        box = QLabel(self)
        box.setObjectName("verifyResults")
        box.setTextFormat(Qt.TextFormat.PlainText)  # the departments' words
        box.setWordWrap(True)
        box.setStyleSheet("QLabel { background:#f3f6fa; padding:6px 8px; }")
        if results:
            box.setText(
                "\n".join(
                    f"{words.name_text(r.department_name, r.department_name_en)}（{r.order_number}"
                    + (f"，{r.resolved_at.astimezone():%m-%d %H:%M}" if r.resolved_at else "")
                    + f"）：{r.result}"
                    for r in results
                )
            )
        else:
            box.setText(
                QCoreApplication.translate("QueueActions", "No result was reported in writing.")
            )
        self.layout_.addWidget(box)
        self.photo_strip: QListWidget | None = None
        if photos:
            strip = QListWidget(self)
            strip.setObjectName("verifyPhotos")
            strip.setViewMode(QListWidget.ViewMode.IconMode)
            strip.setIconSize(QSize(120, 90))
            strip.setFlow(QListWidget.Flow.LeftToRight)
            strip.setWrapping(False)
            strip.setFixedHeight(130)
            strip.setMovement(QListWidget.Movement.Static)
            for p in photos:
                image = QPixmap()
                image.loadFromData(p.data)
                item = QListWidgetItem(p.name)
                if not image.isNull():
                    item.setIcon(
                        QIcon(
                            image.scaled(
                                240,
                                180,
                                Qt.AspectRatioMode.KeepAspectRatio,
                                Qt.TransformationMode.SmoothTransformation,
                            )
                        )
                    )
                item.setToolTip(f"{p.order_number} {p.at.astimezone():%m-%d %H:%M}")
                strip.addItem(item)
            self.photo_strip = strip
            self.layout_.addWidget(strip)
        else:
            none = QLabel(QCoreApplication.translate("QueueActions", "No photos."), self)
            none.setObjectName("verifyNoPhotos")
            self.layout_.addWidget(none)

    def validate(self) -> bool:
        if self.verdict is not None and self.verdict.checkedId() < 0:
            self.fail(
                QCoreApplication.translate(
                    "QueueActions", "Choose whether the result is confirmed or sent back."
                )
            )
            return False
        if self.rating is not None and self.rating.checkedId() < 0:
            self.fail(
                QCoreApplication.translate(
                    "QueueActions",
                    "Choose the reporter's rating, or that the reporter could not be reached.",
                )
            )
            return False
        if self._required and not self.edit.toPlainText().strip():
            self.fail(QCoreApplication.translate("QueueActions", "Please write it first."))
            return False
        return True

    def inputs(self) -> Inputs:
        i = Inputs(text=self.edit.toPlainText().strip())
        if self.verdict is not None:
            i.ok = self.verdict.checkedId() == 0
        if self.rating is not None:
            chosen = self.rating.checkedId()
            i.reached = chosen != UNREACHED
            i.satisfaction = chosen if 1 <= chosen <= 5 else 0
            i.visit_method = str(self.method.currentData())
        if self.suggest is not None and self.suggest.currentData() is not None:
            i.suggested_department_id = int(self.suggest.currentData())
        return i


class DispatchDialog(_Dialog):
    """派单: the department (the routing suggestion preselected, with its reason), optional
    co-departments for joint handling, a note."""

    def __init__(
        self,
        departments: Sequence[tuple[int, str, str | None]],
        suggestion: routing.Suggestion | None,
        parent: QWidget | None = None,
        *,
        count: int = 1,
        mixed_categories: bool = False,
        second: bool = False,
        learned: Any = None,
    ) -> None:
        title = (
            QCoreApplication.translate("QueueActions", "Dispatch again")
            if second
            else QCoreApplication.translate("QueueActions", "Dispatch")
        )
        super().__init__(title, parent)
        self.setObjectName("dispatchDialog")
        self._second = second
        if count > 1:
            self.layout_.addWidget(
                QLabel(
                    QCoreApplication.translate("QueueActions", "Dispatch %1 incidents to:").replace(
                        "%1", str(count)
                    ),
                    self,
                )
            )
        self.dept = QComboBox(self)
        self.dept.setObjectName("departmentCombo")
        if second:
            self.dept.addItem(
                QCoreApplication.translate("QueueActions", "The same department"), None
            )
        for dept_id, name, name_en in departments:
            self.dept.addItem(words.name_text(name, name_en), dept_id)
        self.layout_.addWidget(self.dept)
        self.reason = QLabel(self)
        self.reason.setObjectName("routingReason")
        self.reason.setWordWrap(True)
        if suggestion is not None:
            i = self.dept.findData(suggestion.department_id)
            if i >= 0:
                self.dept.setCurrentIndex(i)
            self.reason.setText(
                QCoreApplication.translate("QueueActions", "Suggested: %1 — %2")
                .replace(
                    "%1", words.name_text(suggestion.department_name, suggestion.department_name_en)
                )
                .replace("%2", words.name_text(suggestion.reason, suggestion.reason_en))
            )
        elif mixed_categories:
            self.reason.setText(
                QCoreApplication.translate(
                    "QueueActions",
                    "No suggestion: the selected incidents are of different categories.",
                )
            )
        else:
            self.reason.setText(
                QCoreApplication.translate(
                    "QueueActions", "No routing rule matches; choose the department."
                )
            )
        self.layout_.addWidget(self.reason)
        # the learned suggestion (智能派单) beside the rules': never preselected over a rule
        self._learned = learned
        self.learned = QLabel(self)
        self.learned.setObjectName("learnedSuggestion")
        self.learned.setWordWrap(True)
        self.learned.setTextFormat(Qt.TextFormat.PlainText)  # the caller's words
        self.learned.hide()
        if learned is not None and learned.department_id is not None:
            self.learned.setText(
                QCoreApplication.translate(
                    "QueueActions",
                    "Learned from past incidents: %1 (%2), because of: %3. %4 takes it.",
                )
                .replace(
                    "%1",
                    words.name_text(
                        learned.department_name, getattr(learned, "department_name_en", None)
                    ),
                )
                .replace("%2", f"{learned.department_confidence:.0%}")
                .replace("%3", "、".join(learned.department_reasons) or "—")
                .replace("%4", "Ctrl+Shift+L")
            )
            self.learned.show()
            if suggestion is None and self.dept.findData(learned.department_id) >= 0:
                self.dept.setCurrentIndex(self.dept.findData(learned.department_id))
            key = QShortcut(QKeySequence("Ctrl+Shift+L"), self)
            key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            key.activated.connect(self.accept_learned)
        self.layout_.addWidget(self.learned)
        self.co_list: QListWidget | None = None
        if not second:
            self.layout_.addWidget(
                QLabel(
                    QCoreApplication.translate("QueueActions", "Joint handling with (optional):"),
                    self,
                )
            )
            self.co_list = QListWidget(self)
            self.co_list.setObjectName("coDepartments")
            for dept_id, name, name_en in departments:
                item = QListWidgetItem(words.name_text(name, name_en))
                item.setData(Qt.ItemDataRole.UserRole, dept_id)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.co_list.addItem(item)
            self.co_list.setMaximumHeight(130)
            self.layout_.addWidget(self.co_list)
        self.layout_.addWidget(
            QLabel(
                QCoreApplication.translate("QueueActions", "Reason")
                if second
                else QCoreApplication.translate("QueueActions", "Note (optional)"),
                self,
            )
        )
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("dispatchNote")
        self.note.setMaximumHeight(90)
        self.layout_.addWidget(self.note)
        self.finish_layout()
        self.resize(480, 460 if not second else 280)

    def validate(self) -> bool:
        if self._second and not self.note.toPlainText().strip():
            self.fail(QCoreApplication.translate("QueueActions", "Please give the reason."))
            return False
        if not self._second and self.dept.currentData() is None:
            self.fail(QCoreApplication.translate("QueueActions", "Choose a department."))
            return False
        return True

    def accept_learned(self) -> None:
        """One key: the learned department."""
        if self._learned is not None and self._learned.department_id is not None:
            i = self.dept.findData(self._learned.department_id)
            if i >= 0:
                self.dept.setCurrentIndex(i)

    def inputs(self) -> Inputs:
        co: list[int] = []
        if self.co_list is not None:
            lead = self.dept.currentData()
            for r in range(self.co_list.count()):
                item = self.co_list.item(r)
                dept_id = item.data(Qt.ItemDataRole.UserRole)
                if item.checkState() == Qt.CheckState.Checked and dept_id != lead:
                    co.append(int(dept_id))
        return Inputs(
            text=self.note.toPlainText().strip(),
            department_id=self.dept.currentData(),
            co_department_ids=co,
        )


class ProgressDialog(_Dialog):
    """进展: a note and photos (each at most 5 MB)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        templates: Sequence[TemplateInfo] = (),
        row: Any = None,
        result: bool = False,
    ) -> None:
        """``result``: the resolution (办结) — the result and photos of the work done."""
        super().__init__(
            QCoreApplication.translate("QueueActions", "Resolve")
            if result
            else QCoreApplication.translate("QueueActions", "Report progress"),
            parent,
        )
        self.setObjectName("resolveDialog" if result else "progressDialog")
        self._result = result
        self._templates = list(templates)
        self._row = row
        self.layout_.addWidget(
            QLabel(
                QCoreApplication.translate(
                    "QueueActions", "The result (photos of the work done help the verification):"
                )
                if result
                else QCoreApplication.translate("QueueActions", "What has been done so far:"),
                self,
            )
        )
        self._add_template_combo()
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("progressNote")
        self.edit.setMinimumHeight(100)
        self.layout_.addWidget(self.edit, 1)
        photo_row = QHBoxLayout()
        self.add_photo = QPushButton(
            QCoreApplication.translate("QueueActions", "Add photos…"), self
        )
        self.add_photo.setObjectName("addPhotoButton")
        self.add_photo.clicked.connect(self._on_add_photo_clicked)
        self.remove_photo = QPushButton(QCoreApplication.translate("QueueActions", "Remove"), self)
        self.remove_photo.clicked.connect(self._on_remove_photo_clicked)
        photo_row.addWidget(self.add_photo)
        photo_row.addWidget(self.remove_photo)
        photo_row.addStretch(1)
        self.layout_.addLayout(photo_row)
        self.photos = QListWidget(self)
        self.photos.setObjectName("photoList")
        self.photos.setMaximumHeight(110)
        self.layout_.addWidget(self.photos)
        self.attachments: list[dict[str, Any]] = []
        self.finish_layout()
        self.resize(520, 420)

    def _on_add_photo_clicked(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            QCoreApplication.translate("QueueActions", "Choose photos"),
            "",
            QCoreApplication.translate(
                "QueueActions", "Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp)"
            ),
        )
        self.add_files(paths)

    def add_files(self, paths: Sequence[str]) -> list[str]:
        """Attach these files; returns the messages for those refused (too big, unreadable)."""
        problems = []
        for p in paths:
            path = Path(p)
            if len(self.attachments) >= MAX_PHOTOS:
                problems.append(
                    QCoreApplication.translate(
                        "QueueActions", "At most %1 photos per report."
                    ).replace("%1", str(MAX_PHOTOS))
                )
                break
            try:
                if path.stat().st_size > MAX_PHOTO_BYTES:
                    raise svc.QueueError(
                        f"照片「{path.name}」有 {path.stat().st_size / 1048576:.1f} MB，超过 5 MB "
                        f"上限，请压缩后再传 / the photo '{path.name}' is over the 5 MB limit; "
                        "reduce it and try again"
                    )
                att = photo_attachment(path.name, path.read_bytes())
            except (OSError, svc.QueueError) as exc:
                problems.append(str(exc))
                continue
            self.attachments.append(att)
            kb = att["size"] / 1024
            self.photos.addItem(f"{path.name}  ({kb:,.0f} KB)")
        if problems:
            self.fail("\n".join(problems))
        else:
            self.error.hide()
        return problems

    def _on_remove_photo_clicked(self) -> None:
        row = self.photos.currentRow()
        if 0 <= row < len(self.attachments):
            del self.attachments[row]
            self.photos.takeItem(row)

    def validate(self) -> bool:
        if not self.edit.toPlainText().strip():
            self.fail(
                QCoreApplication.translate("QueueActions", "Please write the result.")
                if self._result
                else QCoreApplication.translate("QueueActions", "Please describe the progress.")
            )
            return False
        return True

    def inputs(self) -> Inputs:
        return Inputs(text=self.edit.toPlainText().strip(), attachments=list(self.attachments))
