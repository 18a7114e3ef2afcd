"""The lifecycle actions as the queue offers them: labels, the dialogs that ask for what an
action needs, and the function that runs it through the OpsRunner.

Every action names the version of the row the operator saw, so when someone else acted first
the service refuses with a ConflictError, which the caller shows (who acted, the current state)
before re-reading the row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
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
from sqlalchemy.orm import Session

from command_center.services import orders, routing
from command_center.services import queue as svc
from command_center.services.attachments import MAX_PHOTO_BYTES, MAX_PHOTOS, photo_attachment
from command_center.services.audit import Actor
from command_center.services.choices import choices
from command_center.services.permissions import PermissionDenied
from command_center.services.response_templates import TemplateInfo, fill_template, templates_for
from command_center.views import words

_CTX = "QueueActions"

# actions not offered here
HIDDEN_ACTIONS: set[str] = set()


REFUSALS = (orders.TransitionError, PermissionDenied, svc.QueueError, routing.RoutingError)
"""What a service refuses with a message for the operator ("中文 / English")."""


def tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


def action_label(kind: str, name: str) -> str:
    """An action's button, from the lifecycle's table in the interface language."""
    return words.action_label(kind, name)


@dataclass(frozen=True)
class Target:
    """The row an action is for: "incident" or "order", its id and the version seen."""

    kind: str
    id: int
    version: int | None
    number: str
    category_code: str | None = None
    town_id: int | None = None
    status: str = ""
    row: Any = None


@dataclass
class Inputs:
    text: str = ""
    department_id: int | None = None
    co_department_ids: list[int] = field(default_factory=list)
    ok: bool = True
    satisfaction: int = 5
    attachments: list[dict[str, Any]] = field(default_factory=list)
    keep_id: int | None = None  # merge: the report this one joins


def _merge(session: Session, actor: Actor, t: Target, i: Inputs) -> Any:
    if i.keep_id is None:
        raise orders.TransitionError("请选择要合并到的事件", "choose the report to keep")
    return orders.merge_incidents(session, actor, i.keep_id, [t.id], i.text or None)


def _dispatch(session: Session, actor: Actor, t: Target, i: Inputs) -> Any:
    assert i.department_id is not None
    return orders.dispatch(
        session,
        actor,
        t.id,
        i.department_id,
        co_department_ids=i.co_department_ids,
        note=i.text or None,
        expected_version=t.version,
    )


Runner = Callable[[Session, Actor, Target, Inputs], Any]
RUN: dict[tuple[str, str], Runner] = {
    ("incident", "accept"): lambda s, a, t, i: orders.accept_incident(
        s, a, t.id, expected_version=t.version
    ),
    ("incident", "dispatch"): _dispatch,
    ("incident", "resolve"): lambda s, a, t, i: orders.resolve_incident(
        s, a, t.id, i.text, expected_version=t.version
    ),
    ("incident", "reject"): lambda s, a, t, i: orders.reject_incident(
        s, a, t.id, i.text, expected_version=t.version
    ),
    ("incident", "merge"): _merge,
    ("incident", "verify"): lambda s, a, t, i: orders.verify_incident(
        s, a, t.id, i.ok, i.text or None, expected_version=t.version
    ),
    ("incident", "close"): lambda s, a, t, i: orders.close_incident(
        s, a, t.id, i.satisfaction, i.text or None, expected_version=t.version
    ),
    ("incident", "reopen"): lambda s, a, t, i: orders.reopen_incident(
        s, a, t.id, i.text, expected_version=t.version
    ),
    ("incident", "answer"): lambda s, a, t, i: orders.answer_reporter(
        s, a, t.id, i.text, expected_version=t.version
    ),
    ("order", "accept"): lambda s, a, t, i: orders.accept_order(
        s, a, t.id, expected_version=t.version
    ),
    ("order", "object"): lambda s, a, t, i: orders.object_order(
        s, a, t.id, i.text, expected_version=t.version
    ),
    ("order", "progress"): lambda s, a, t, i: orders.report_progress(
        s, a, t.id, i.text, i.attachments, expected_version=t.version
    ),
    ("order", "resolve"): lambda s, a, t, i: orders.resolve_order(
        s, a, t.id, i.text, expected_version=t.version
    ),
    ("order", "return"): lambda s, a, t, i: orders.return_order(
        s, a, t.id, i.text, expected_version=t.version
    ),
    ("order", "verify"): lambda s, a, t, i: orders.verify_order(
        s, a, t.id, i.ok, i.text or None, expected_version=t.version
    ),
    ("order", "second_dispatch"): lambda s, a, t, i: orders.second_dispatch(
        s, a, t.id, i.department_id, i.text, expected_version=t.version
    ),
}
"""The service each lifecycle action runs (one per action of the lifecycle's table)."""


def call(session: Session, actor: Actor, t: Target, name: str, i: Inputs) -> Any:
    """Run one action (on the worker thread)."""
    run = RUN.get((t.kind, name))
    if run is None:
        raise orders.TransitionError(f"未知操作「{name}」", f"unknown action '{name}'")
    return run(session, actor, t, i)


def conflict_text(exc: orders.ConflictError, kind: str) -> str:
    """Who acted first, when, and the state now, for an incident or an order ("中文 / English").

    Composed here from the error's fields, with the status named as the row's kind names it
    (an accepted incident is 已受理, an accepted order 已签收)."""
    zh_status, en_status = words.status_words(kind, exc.current_status)
    what_zh, what_en = (
        ("此事件", "this incident") if kind == "incident" else ("此工单", "this order")
    )
    who_zh = exc.actor_name or "其他用户"
    who_en = exc.actor_name or "another user"
    if exc.at is not None:
        hm = exc.at.astimezone(orders.CST).strftime("%H:%M")
        zh = f"{who_zh} 已于 {hm} 处理了{what_zh}，当前状态：{zh_status}"
        en = f"{who_en} acted on {what_en} first, at {hm}; it is now {en_status}"
    else:
        zh = f"{who_zh} 已先处理了{what_zh}，当前状态：{zh_status}"
        en = f"{who_en} acted on {what_en} first; it is now {en_status}"
    return f"{zh} / {en}"


def error_message_text(message: str, conflict: bool) -> str:
    """A refusal's message as the operator reads it; after a conflict, that the row was read
    again."""
    if conflict:
        return (
            message
            + "\n"
            + QCoreApplication.translate(
                "QueueActions", "The row has been read again and shows the current state."
            )
        )
    return message


def error_message(exc: BaseException) -> str:
    """What the operator reads when an action failed."""
    if isinstance(exc, orders.ConflictError):
        return (
            str(exc)
            + "\n"
            + QCoreApplication.translate(
                "QueueActions", "The row has been read again and shows the current state."
            )
        )
    if isinstance(exc, REFUSALS):
        return str(exc)
    return QCoreApplication.translate("QueueActions", "The action failed: %1").replace(
        "%1", str(exc) or type(exc).__name__
    )


# --- the dialogs ----------------------------------------------------------------------------


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
    ) -> None:
        super().__init__(title, parent)
        self.setObjectName("queueTextDialog")
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
            for i, text in enumerate(
                (
                    QCoreApplication.translate("QueueActions", "Confirmed"),
                    QCoreApplication.translate("QueueActions", "Not done: send back"),
                )
            ):
                b = QRadioButton(text, self)
                b.setChecked(i == 0)
                self.verdict.addButton(b, i)
                row_.addWidget(b)
            row_.addStretch(1)
            self.layout_.addLayout(row_)
        self.rating: QButtonGroup | None = None
        if with_rating:
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
                b.setChecked(score == 5)
                self.rating.addButton(b, score)
                row_.addWidget(b)
            row_.addStretch(1)
            self.layout_.addLayout(row_)
        self.template_combo: QComboBox | None = None
        if self._templates:
            self.template_combo = QComboBox(self)
            self.template_combo.setObjectName("templateCombo")
            self.template_combo.addItem(
                QCoreApplication.translate("QueueActions", "Start from a template…"), None
            )
            for t in self._templates:
                self.template_combo.addItem(t.title, t.id)
            self.template_combo.activated.connect(self._on_template_combo_activated)
            self.layout_.addWidget(self.template_combo)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("actionText")
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(110)
        self.layout_.addWidget(self.edit, 1)
        self.finish_layout()
        self.resize(520, 320)

    def _on_template_combo_activated(self, index: int) -> None:
        if self.template_combo is None or index <= 0:
            return
        t = self._templates[index - 1]
        self.edit.setPlainText(fill_template(t.body, self._row) if self._row else t.body)

    def validate(self) -> bool:
        if self._required and not self.edit.toPlainText().strip():
            self.fail(QCoreApplication.translate("QueueActions", "Please write it first."))
            return False
        return True

    def inputs(self) -> Inputs:
        i = Inputs(text=self.edit.toPlainText().strip())
        if self.verdict is not None:
            i.ok = self.verdict.checkedId() == 0
        if self.rating is not None:
            i.satisfaction = max(1, self.rating.checkedId())
        return i


class DispatchDialog(_Dialog):
    """派单: the department (the routing suggestion preselected, with its reason), optional
    co-departments for joint handling, a note."""

    def __init__(
        self,
        departments: Sequence[tuple[int, str]],
        suggestion: routing.Suggestion | None,
        parent: QWidget | None = None,
        *,
        count: int = 1,
        mixed_categories: bool = False,
        second: bool = False,
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
        for dept_id, name in departments:
            self.dept.addItem(name, dept_id)
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
                .replace("%1", suggestion.department_name)
                .replace("%2", suggestion.reason)
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
            for dept_id, name in departments:
                item = QListWidgetItem(name)
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
    ) -> None:
        super().__init__(QCoreApplication.translate("QueueActions", "Report progress"), parent)
        self.setObjectName("progressDialog")
        self._templates = list(templates)
        self._row = row
        self.layout_.addWidget(
            QLabel(QCoreApplication.translate("QueueActions", "What has been done so far:"), self)
        )
        if self._templates:
            self.template_combo = QComboBox(self)
            self.template_combo.addItem(
                QCoreApplication.translate("QueueActions", "Start from a template…"), None
            )
            for t in self._templates:
                self.template_combo.addItem(t.title, t.id)
            self.template_combo.activated.connect(self._on_template_combo_activated)
            self.layout_.addWidget(self.template_combo)
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

    def _on_template_combo_activated(self, index: int) -> None:
        if index > 0:
            t = self._templates[index - 1]
            self.edit.setPlainText(fill_template(t.body, self._row) if self._row else t.body)

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
            self.fail(QCoreApplication.translate("QueueActions", "Please describe the progress."))
            return False
        return True

    def inputs(self) -> Inputs:
        return Inputs(text=self.edit.toPlainText().strip(), attachments=list(self.attachments))


# --- asking for the inputs of one action ----------------------------------------------------

PROMPTS = {
    ("incident", "resolve"): QT_TRANSLATE_NOOP("QueueActions", "How was it resolved?"),
    ("incident", "reject"): QT_TRANSLATE_NOOP(
        "QueueActions", "Why is it not a matter for the center? (the reporter is told)"
    ),
    ("incident", "verify"): QT_TRANSLATE_NOOP("QueueActions", "Verification note:"),
    ("incident", "close"): QT_TRANSLATE_NOOP("QueueActions", "What the reporter said:"),
    ("incident", "reopen"): QT_TRANSLATE_NOOP("QueueActions", "Why is it reopened?"),
    ("incident", "answer"): QT_TRANSLATE_NOOP("QueueActions", "The answer to the reporter:"),
    ("order", "object"): QT_TRANSLATE_NOOP(
        "QueueActions", "Why is this not your department's matter?"
    ),
    ("order", "return"): QT_TRANSLATE_NOOP("QueueActions", "Why is the order returned?"),
    ("order", "resolve"): QT_TRANSLATE_NOOP("QueueActions", "The result:"),
    ("order", "verify"): QT_TRANSLATE_NOOP("QueueActions", "Verification note:"),
}


@dataclass(frozen=True)
class Prepared:
    """What a dialog needs, read on the worker thread before it opens."""

    templates: list[TemplateInfo]
    departments: list[tuple[int, str]]
    suggestion: routing.Suggestion | None
    duplicates: list[Any] = field(default_factory=list)  # duplicates.Candidate


def prepare(session: Session, kind: str, name: str, targets: Sequence[Target]) -> Prepared:
    t = targets[0]
    templates: list[TemplateInfo] = []
    if name in ("answer", "resolve", "progress", "reject", "object", "return", "close"):
        cats = {x.category_code for x in targets}
        templates = templates_for(
            session, t.category_code if len(cats) == 1 else None, t.status or None
        )
    departments: list[tuple[int, str]] = []
    suggestion = None
    if name in ("dispatch", "second_dispatch"):
        departments = choices(session).departments
        cats = {x.category_code for x in targets}
        towns = {x.town_id for x in targets}
        if len(cats) == 1:
            suggestion = routing.suggest(
                session, t.category_code, t.town_id if len(towns) == 1 else None
            )
    found: list[Any] = []
    if name == "merge":
        from command_center.models import Incident
        from command_center.services import duplicates

        inc = session.get(Incident, t.id)
        if inc is not None:
            found = duplicates.candidates(
                session,
                lon=inc.lon,
                lat=inc.lat,
                text=f"{inc.title} {inc.description}",
                at=inc.reported_at,
                category_code=inc.category_code,
                exclude_id=inc.id,
                village_id=inc.village_id,
            )
    return Prepared(templates, departments, suggestion, found)


def ask(
    parent: QWidget, kind: str, name: str, targets: Sequence[Target], prep: Prepared
) -> Inputs | None:
    """Open the dialog for this action; None when the operator cancelled."""
    t = targets[0]
    if name == "accept":
        return Inputs()
    title = action_label(kind, name).rstrip("…")
    if len(targets) > 1:
        title += f"（{len(targets)}）"
    else:
        title += f" — {t.number}"
    if name in ("dispatch", "second_dispatch"):
        cats = {x.category_code for x in targets}
        d = DispatchDialog(
            prep.departments,
            prep.suggestion,
            parent,
            count=len(targets),
            mixed_categories=len(cats) > 1,
            second=name == "second_dispatch",
        )
        d.setWindowTitle(title)
        return d.inputs() if d.exec() == QDialog.DialogCode.Accepted else None
    if name == "merge":
        dm = MergeDialog(prep.duplicates, parent)
        dm.setWindowTitle(title)
        return dm.inputs() if dm.exec() == QDialog.DialogCode.Accepted else None
    if name == "progress":
        d2 = ProgressDialog(parent, templates=prep.templates, row=t.row)
        d2.setWindowTitle(title)
        return d2.inputs() if d2.exec() == QDialog.DialogCode.Accepted else None
    prompt = tr(PROMPTS.get((kind, name), QT_TRANSLATE_NOOP("QueueActions", "Note:")))
    d3 = TextDialog(
        title,
        prompt,
        parent,
        templates=prep.templates,
        row=t.row,
        required=name not in ("verify", "close"),
        with_verdict=name == "verify",
        with_rating=name == "close",
    )
    return d3.inputs() if d3.exec() == QDialog.DialogCode.Accepted else None


@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # number, message
    conflicts: int = 0


def run_bulk(
    session: Session,
    actor: Actor,
    name: str,
    targets: Sequence[Target],
    make_inputs: Callable[[Target], Inputs],
) -> BulkOutcome:
    """One action on many rows, each in its own transaction: what went through and what did
    not (and why)."""
    out = BulkOutcome()
    for t in targets:
        try:
            call(session, actor, t, name, make_inputs(t))
        except REFUSALS as exc:
            session.rollback()
            if isinstance(exc, orders.ConflictError):
                out.conflicts += 1
                out.failed.append((t.number, conflict_text(exc, t.kind)))
            else:
                out.failed.append((t.number, str(exc)))
        else:
            out.done.append(t.number)
    return out
