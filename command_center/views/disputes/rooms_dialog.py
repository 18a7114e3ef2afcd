"""The mediation rooms and their mediators (调解组织与调解员), for administrators.

The tree of rooms (county center → town centers → village rooms, and the specialised rooms) with
each room's open cases and active mediators; beside it the selected room's mediators (name,
phone, speciality, open cases, active). An administrator adds a room under the selected one,
renames it, closes it (its open cases moved to another room first, chosen in the same form) or
opens it again, and adds, edits or moves mediators.

The rules are services/mediation.py's and the database's (alembic 0019): this screen offers what
they allow and shows their refusal ("中文 / English") in the form, which stays open with what was
typed. Every form switches language while open.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from command_center.services import mediation
from command_center.services.audit import Actor
from command_center.services.mediation import MediatorRow, OrgNode, Registry
from command_center.views.disputes.dialogs import FormDialog, Submit, _text_edit, pairs, refill
from command_center.views.words import pick
from command_center.workers.ops import OpsRunner

log = logging.getLogger(__name__)

CLOSED_COLOR = "#8a94a0"


def error_text(exc: BaseException) -> str:
    """A refusal as the administrator reads it: the service's or the database's words."""
    if isinstance(exc, (ValueError, PermissionError)):
        return str(exc)
    log.warning("mediation change failed: %s", exc)
    if isinstance(exc, DBAPIError):
        diag = getattr(exc.orig, "diag", None)
        detail = getattr(diag, "message_primary", None) or str(exc.orig)
        return detail.strip().removeprefix("cc: ").splitlines()[0]
    return "未能完成 / not done: " + (str(exc) or type(exc).__name__)


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


# --- the forms ----------------------------------------------------------------------------------


class RoomForm(FormDialog):
    """A new room under ``parent`` (its level, name, the town or village it serves, its
    speciality)."""

    def __init__(self, reg: Registry, parent_org: OrgNode, submit: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__("", submit, parent)
        self.setObjectName("roomForm")
        self._reg = reg
        self._parent = parent_org
        self.under = _plain(parent_org.name)
        self.level = QComboBox()
        self.name = QLineEdit()
        self.name.setObjectName("roomName")
        self.name.setMaxLength(100)
        self.area = QComboBox()
        self.specialty = QComboBox()
        for key, field in (("under", self.under), ("level", self.level), ("name", self.name),
                           ("area", self.area), ("specialty", self.specialty)):
            self.row(key, field)
        self.retranslate()
        self.level.currentIndexChanged.connect(self._on_level_changed)
        self._on_level_changed()
        self.resize(480, 260)

    def levels(self) -> list[str]:
        return [lv for lv, parents in mediation.PARENT_LEVELS.items()
                if self._parent.level in parents]

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("New mediation room"))
        refill(self.level, [(pick(mediation.LEVEL_TEXT[lv]), lv) for lv in self.levels()])
        refill(self.specialty, pairs(mediation.SPECIALTY_TEXT))
        self.set_labels({"under": self.tr("Under"), "level": self.tr("Level"),
                         "name": self.tr("Name"), "area": self.tr("Serves"),
                         "specialty": self.tr("Speciality")})

    @Slot()
    def _on_level_changed(self, *_args: object) -> None:
        level = self.level.currentData()
        if level == "town":
            items = [(name, tid) for tid, name in self._reg.towns]
        elif level == "village":
            items = [(name, vid) for vid, name, town in self._reg.villages
                     if town == self._parent.town_id]
        else:
            items = []
        refill(self.area, items)
        self.area.setEnabled(bool(items))
        self.specialty.setEnabled(level == "special")

    def values(self) -> dict[str, Any]:
        level = self.level.currentData()
        return {
            "name": self.name.text(), "level": level, "parent_id": self._parent.id,
            "area_id": self.area.currentData() if level in ("town", "village") else None,
            "specialty": self.specialty.currentData() if level == "special" else None,
        }


class RenameForm(FormDialog):
    def __init__(self, org: OrgNode, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__("", submit, parent)
        self.setObjectName("renameForm")
        self.name = QLineEdit(org.name)
        self.name.setMaxLength(100)
        self.row("name", self.name)
        self.retranslate()
        self.resize(440, 120)

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("Rename the room"))
        self.set_labels({"name": self.tr("New name")})

    def values(self) -> dict[str, Any]:
        return {"name": self.name.text()}


class CloseForm(FormDialog):
    """Close a room: the reason, and where its open cases go (only when it has some)."""

    def __init__(self, reg: Registry, org: OrgNode, submit: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__("", submit, parent)
        self.setObjectName("closeRoomForm")
        self.org = org
        self.room = _plain(org.name)
        self.cases = _plain("")
        self.move_to = QComboBox()
        self.move_to.setObjectName("closeMoveTo")
        self._targets = [o for o in reg.orgs if o.active and o.id != org.id]
        # the room above first: where a village room's cases usually go
        self._targets.sort(key=lambda o: (o.id != org.parent_id, o.level != "town", o.name))
        self.reason = _text_edit()
        for key, field in (("room", self.room), ("cases", self.cases),
                           ("move_to", self.move_to), ("reason", self.reason)):
            self.row(key, field)
        self.move_to.setEnabled(org.open_cases > 0)
        self.retranslate()
        self.resize(520, 280)

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("Close the room"))
        none = [(self.tr("(no open case to move)"), None)] if not self.org.open_cases else []
        refill(self.move_to, none + [(o.name, o.id) for o in self._targets])
        self.cases.setText(
            self.tr("%1 open cases: they move to the room chosen below, unassigned; its "
                    "%2 mediators leave with it.").replace("%1", str(self.org.open_cases))
            .replace("%2", str(self.org.mediators)))
        self.set_labels({"room": self.tr("Room"), "cases": self.tr("Open cases"),
                         "move_to": self.tr("Move them to"), "reason": self.tr("Reason")})

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.toPlainText(),
                "move_to": self.move_to.currentData() if self.org.open_cases else None}


class MediatorForm(FormDialog):
    """A new mediator of a room, or one mediator's name, phone, speciality and whether
    active."""

    def __init__(self, room: OrgNode, mediator: MediatorRow | None, submit: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__("", submit, parent)
        self.setObjectName("mediatorForm")
        self.mediator = mediator
        self.room = _plain(room.name)
        self.name = QLineEdit(mediator.name if mediator else "")
        self.name.setObjectName("mediatorName")
        self.name.setMaxLength(64)
        self.phone = QLineEdit(mediator.phone or "" if mediator else "")
        self.phone.setObjectName("mediatorPhone")
        self.phone.setMaxLength(32)
        self.specialty = QComboBox()
        self.specialty.addItem("", None)
        for code in mediation.SPECIALTY_TEXT:
            self.specialty.addItem("", code)
        if mediator is not None:
            self.specialty.setCurrentIndex(max(0, self.specialty.findData(mediator.specialty)))
        self.active = QCheckBox()
        self.active.setChecked(mediator.active if mediator else True)
        for key, field in (("room", self.room), ("name", self.name), ("phone", self.phone),
                           ("specialty", self.specialty)):
            self.row(key, field)
        if mediator is not None:
            self.row("active", self.active)
        self.retranslate()
        self.resize(440, 220)

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("New mediator") if self.mediator is None
                            else self.tr("Mediator"))
        self.specialty.setItemText(0, self.tr("(general)"))
        for i, code in enumerate(mediation.SPECIALTY_TEXT, start=1):
            self.specialty.setItemText(i, pick(mediation.SPECIALTY_TEXT[code]))
        n = self.mediator.open_cases if self.mediator else 0
        self.active.setText(self.tr("Active") if not n else self.tr(
            "Active (made inactive, their %1 open cases stay in the room, unassigned)")
            .replace("%1", str(n)))
        texts = {"room": self.tr("Room"), "name": self.tr("Name"), "phone": self.tr("Phone"),
                 "specialty": self.tr("Speciality")}
        if self.mediator is not None:
            texts["active"] = self.tr("State")
        self.set_labels(texts)

    def values(self) -> dict[str, Any]:
        out = {"name": self.name.text(), "phone": self.phone.text(),
               "specialty": self.specialty.currentData()}
        if self.mediator is not None:
            out["active"] = self.active.isChecked()
        return out


class MoveForm(FormDialog):
    """Move a mediator to another room."""

    def __init__(self, reg: Registry, mediator: MediatorRow, submit: Submit,
                 parent: QWidget | None = None) -> None:
        super().__init__("", submit, parent)
        self.setObjectName("moveMediatorForm")
        self.mediator = mediator
        self.who = _plain(mediator.name)
        self.target = QComboBox()
        self.target.setObjectName("moveTarget")
        self._targets = sorted((o for o in reg.orgs if o.active and o.id != mediator.org_id),
                               key=lambda o: (o.level, o.name))
        self.note = _plain("")
        for key, field in (("who", self.who), ("target", self.target), ("note", self.note)):
            self.row(key, field)
        self.retranslate()
        self.resize(480, 180)

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(self.tr("Move the mediator"))
        refill(self.target, [(o.name, o.id) for o in self._targets])
        self.note.setText(
            self.tr("Their %1 open cases stay in the room they leave, to be assigned again.")
            .replace("%1", str(self.mediator.open_cases)) if self.mediator.open_cases else "")
        self.set_labels({"who": self.tr("Mediator"), "target": self.tr("To the room"),
                         "note": ""})

    def values(self) -> dict[str, Any]:
        return {"to_org_id": self.target.currentData()}


# --- the screen ---------------------------------------------------------------------------------

MEDIATOR_COLUMNS = 5


class RoomsDialog(QDialog):
    """See the module docstring."""

    sig_changed = Signal()
    """A room or a mediator was changed (the cases' lists read them again)."""

    def __init__(self, runner: OpsRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roomsDialog")
        self._runner = runner
        self._actor = actor
        self.reg: Registry | None = None
        self.form: FormDialog | None = None
        """The form open now (tests fill it in)."""
        self._select_org: int | None = None

        self.tree = QTreeWidget()
        self.tree.setObjectName("roomsTree")
        self.tree.setColumnCount(5)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)
        self.show_closed = QCheckBox()
        self.show_closed.setObjectName("roomsShowClosed")
        self.show_closed.toggled.connect(self._on_show_closed_toggled)
        self.add_room_button = QPushButton()
        self.rename_button = QPushButton()
        self.close_room_button = QPushButton()
        self.close_room_button.setObjectName("closeRoomButton")
        self.reopen_button = QPushButton()
        self.add_room_button.clicked.connect(self.add_room)
        self.rename_button.clicked.connect(self.rename_room)
        self.close_room_button.clicked.connect(self.close_room)
        self.reopen_button.clicked.connect(self.reopen_room)
        room_buttons = QHBoxLayout()
        for b in (self.add_room_button, self.rename_button, self.close_room_button,
                  self.reopen_button):
            room_buttons.addWidget(b)
        room_buttons.addStretch(1)
        room_buttons.addWidget(self.show_closed)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.tree, 1)
        ll.addLayout(room_buttons)

        self.room_title = QLabel()
        self.room_title.setTextFormat(Qt.TextFormat.PlainText)
        self.room_title.setStyleSheet("font-weight: bold;")
        self.mediators = QTableWidget(0, MEDIATOR_COLUMNS)
        self.mediators.setObjectName("roomsMediators")
        self.mediators.verticalHeader().hide()
        self.mediators.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mediators.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.mediators.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        mh = self.mediators.horizontalHeader()
        mh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        mh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.mediators.itemSelectionChanged.connect(self._update_buttons)
        self.mediators.doubleClicked.connect(lambda _i: self.edit_mediator())
        self.add_mediator_button = QPushButton()
        self.add_mediator_button.setObjectName("addMediatorButton")
        self.edit_mediator_button = QPushButton()
        self.move_mediator_button = QPushButton()
        self.move_mediator_button.setObjectName("moveMediatorButton")
        self.add_mediator_button.clicked.connect(self.add_mediator)
        self.edit_mediator_button.clicked.connect(self.edit_mediator)
        self.move_mediator_button.clicked.connect(self.move_mediator)
        med_buttons = QHBoxLayout()
        for b in (self.add_mediator_button, self.edit_mediator_button,
                  self.move_mediator_button):
            med_buttons.addWidget(b)
        med_buttons.addStretch(1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.room_title)
        rl.addWidget(self.mediators, 1)
        rl.addLayout(med_buttons)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([600, 480])
        self.message = QLabel()
        self.message.setObjectName("roomsMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setObjectName("mutedLabel")
        self.hint.setWordWrap(True)
        self.close_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        layout.addWidget(self.close_buttons)
        self.resize(1120, 640)
        self.retranslate()
        self._update_buttons()
        self.refresh()

    # --- language ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Mediation rooms and mediators"))
        self.tree.setHeaderLabels([self.tr("Room"), self.tr("Level"), self.tr("Open cases"),
                                   self.tr("Mediators"), self.tr("State")])
        self.mediators.setHorizontalHeaderLabels([
            self.tr("Name"), self.tr("Phone"), self.tr("Speciality"), self.tr("Open cases"),
            self.tr("State")])
        self.show_closed.setText(self.tr("Show closed rooms"))
        self.add_room_button.setText(self.tr("Add a room under it…"))
        self.rename_button.setText(self.tr("Rename…"))
        self.close_room_button.setText(self.tr("Close…"))
        self.reopen_button.setText(self.tr("Reopen"))
        self.add_mediator_button.setText(self.tr("Add mediator…"))
        self.edit_mediator_button.setText(self.tr("Edit…"))
        self.move_mediator_button.setText(self.tr("Move to another room…"))
        self.hint.setText(self.tr(
            "Only administrators change rooms and mediators. A room with open cases is closed "
            "only once they are moved to another room; every change is recorded in the audit "
            "log."))
        if self.reg is not None:
            self._show(self.reg)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- reading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        self._runner.submit(mediation.registry, success=self._show, failure=self._failed,
                            owner=self, key="rooms.load")

    def _show(self, reg: Registry) -> None:
        current = self.selected_org()
        select = self._select_org or (current.id if current else None)
        self._select_org = None
        self.reg = reg
        self.tree.blockSignals(True)
        self.tree.clear()
        muted = QBrush(QColor(CLOSED_COLOR))
        chosen: QTreeWidgetItem | None = None

        def add(parent_item: QTreeWidgetItem | None, org: OrgNode) -> None:
            nonlocal chosen
            if not org.active and not self.show_closed.isChecked():
                return
            item = QTreeWidgetItem([
                org.name, pick(mediation.LEVEL_TEXT[org.level]), str(org.open_cases),
                str(org.mediators), pick(mediation.CLOSED_STATES[org.active]),
            ])
            item.setData(0, Qt.ItemDataRole.UserRole, org.id)
            for col in (2, 3):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight)
            if not org.active:
                for col in range(5):
                    item.setForeground(col, muted)
            if parent_item is None:
                self.tree.addTopLevelItem(item)
            else:
                parent_item.addChild(item)
            if org.id == select:
                chosen = item
            for child in reg.children(org.id):
                add(item, child)

        for top in reg.children(None):
            add(None, top)
        for i in range(self.tree.topLevelItemCount()):
            top_item = self.tree.topLevelItem(i)
            top_item.setExpanded(True)
            for j in range(top_item.childCount()):  # the county center and the town centers
                top_item.child(j).setExpanded(chosen is not None and self._is_above(
                    top_item.child(j), chosen))
        if chosen is None and self.tree.topLevelItemCount():
            chosen = self.tree.topLevelItem(0)
        self.tree.blockSignals(False)
        if chosen is not None:
            parent_item = chosen.parent()
            while parent_item is not None:
                parent_item.setExpanded(True)
                parent_item = parent_item.parent()
            self.tree.setCurrentItem(chosen)
            self.tree.scrollToItem(chosen)
        self._show_mediators()

    @staticmethod
    def _is_above(item: QTreeWidgetItem, other: QTreeWidgetItem) -> bool:
        p: QTreeWidgetItem | None = other
        while p is not None:
            if p is item:
                return True
            p = p.parent()
        return False

    def selected_org(self) -> OrgNode | None:
        item = self.tree.currentItem()
        if item is None or self.reg is None:
            return None
        return self.reg.org(int(item.data(0, Qt.ItemDataRole.UserRole)))

    def select_org(self, org_id: int) -> bool:
        """Select a room in the tree (tests, and after a change)."""
        it = self._find(org_id)
        if it is None:
            return False
        p = it.parent()
        while p is not None:
            p.setExpanded(True)
            p = p.parent()
        self.tree.setCurrentItem(it)
        return True

    def _find(self, org_id: int) -> QTreeWidgetItem | None:
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            it = stack.pop()
            if it.data(0, Qt.ItemDataRole.UserRole) == org_id:
                return it
            stack.extend(it.child(j) for j in range(it.childCount()))
        return None

    def selected_mediator(self) -> MediatorRow | None:
        rows = self.mediators.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.mediators.item(rows[0].row(), 0)
        if item is None or self.reg is None:
            return None
        mid = item.data(Qt.ItemDataRole.UserRole)
        return next((m for m in self.reg.mediators if m.id == mid), None)

    def _show_mediators(self) -> None:
        org = self.selected_org()
        rows = self.reg.mediators_of(org.id) if org and self.reg else []
        rows.sort(key=lambda m: (not m.active, m.id))
        self.room_title.setText(org.name if org else "")
        muted = QBrush(QColor(CLOSED_COLOR))
        self.mediators.setRowCount(len(rows))
        for r, m in enumerate(rows):
            values = (m.name, m.phone or "",
                      pick(mediation.SPECIALTY_TEXT[m.specialty]) if m.specialty else "",
                      str(m.open_cases),
                      self.tr("Active") if m.active else self.tr("Inactive"))
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, m.id)
                if not m.active:
                    item.setForeground(muted)
                self.mediators.setItem(r, col, item)
        self._update_buttons()

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_tree_current_item_changed(self, _current: Any, _previous: Any) -> None:
        self._show_mediators()

    @Slot(bool)
    def _on_show_closed_toggled(self, _on: bool) -> None:
        if self.reg is not None:
            self._show(self.reg)

    @Slot()
    def _update_buttons(self) -> None:
        org = self.selected_org()
        m = self.selected_mediator()
        ready = self.reg is not None
        self.add_room_button.setEnabled(
            ready and org is not None and org.active
            and any(org.level in p for p in mediation.PARENT_LEVELS.values()))
        self.rename_button.setEnabled(org is not None)
        self.close_room_button.setEnabled(org is not None and org.active
                                          and org.level != "county")
        self.reopen_button.setEnabled(org is not None and not org.active)
        self.add_mediator_button.setEnabled(org is not None and org.active)
        self.edit_mediator_button.setEnabled(m is not None)
        self.move_mediator_button.setEnabled(m is not None)

    # --- changes ----------------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if error else "")

    def _failed(self, exc: BaseException) -> None:
        self._say(error_text(exc), error=True)

    def _run(self, fn: Callable[[Session], mediation.Done], done_text: Callable[
            [mediation.Done], str], done: Callable[[str | None], None] | None = None,
             select: Callable[[mediation.Done], int | None] | None = None) -> None:
        """Send a change off; on success close the form, say ``done_text``, read the rooms
        again; on failure say why in the form (which stays open) or below the tree."""

        def ok(result: mediation.Done) -> None:
            if done is not None:
                done(None)
            self.form = None
            self._say(done_text(result))
            self._select_org = select(result) if select else None
            self.sig_changed.emit()
            self.refresh()

        def failed(exc: BaseException) -> None:
            if done is not None:
                done(error_text(exc))
            else:
                self._failed(exc)
            self.refresh()

        self._say("")
        self._runner.submit(fn, success=ok, failure=failed, owner=self, name="rooms.change")

    def _open(self, form: FormDialog) -> FormDialog:
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.setModal(True)
        self.form = form
        form.finished.connect(lambda _r, f=form: self._form_closed(f))
        form.show()
        return form

    def _form_closed(self, form: FormDialog) -> None:
        if self.form is form:
            self.form = None

    @Slot()
    def add_room(self) -> Any:
        org = self.selected_org()
        if org is None or self.reg is None:
            return None
        actor = self._actor

        def submit(v: dict[str, Any], done: Callable[[str | None], None]) -> None:
            self._run(lambda s: mediation.add_org(s, actor, **v),
                      lambda r: self.tr("Room %1 added.").replace("%1", v["name"].strip()),
                      done, lambda r: r.id)

        return self._open(RoomForm(self.reg, org, submit, self))

    @Slot()
    def rename_room(self) -> Any:
        org = self.selected_org()
        if org is None:
            return None
        actor, oid, version = self._actor, org.id, org.version

        def submit(v: dict[str, Any], done: Callable[[str | None], None]) -> None:
            self._run(lambda s: mediation.rename_org(s, actor, oid, version, v["name"]),
                      lambda r: self.tr("Room renamed."), done, lambda r: oid)

        return self._open(RenameForm(org, submit, self))

    @Slot()
    def close_room(self) -> Any:
        org = self.selected_org()
        if org is None or self.reg is None:
            return None
        actor, oid, version = self._actor, org.id, org.version

        def submit(v: dict[str, Any], done: Callable[[str | None], None]) -> None:
            self._run(lambda s: mediation.close_org(s, actor, oid, version, **v),
                      lambda r: self.tr("Room %1 closed; %2 open cases moved.")
                      .replace("%1", org.name).replace("%2", str(r.cases)),
                      done, lambda r: v["move_to"] or org.parent_id)

        return self._open(CloseForm(self.reg, org, submit, self))

    @Slot()
    def reopen_room(self) -> None:
        org = self.selected_org()
        if org is None:
            return
        actor, oid, version = self._actor, org.id, org.version
        self._run(lambda s: mediation.reopen_org(s, actor, oid, version),
                  lambda r: self.tr("Room %1 reopened.").replace("%1", org.name),
                  select=lambda r: oid)

    @Slot()
    def add_mediator(self) -> Any:
        org = self.selected_org()
        if org is None:
            return None
        actor, oid = self._actor, org.id

        def submit(v: dict[str, Any], done: Callable[[str | None], None]) -> None:
            self._run(lambda s: mediation.add_mediator(s, actor, oid, **v),
                      lambda r: self.tr("Mediator %1 added.").replace("%1", v["name"].strip()),
                      done, lambda r: oid)

        return self._open(MediatorForm(org, None, submit, self))

    @Slot()
    def edit_mediator(self) -> Any:
        org, m = self.selected_org(), self.selected_mediator()
        if org is None or m is None:
            return None
        actor, mid, version = self._actor, m.id, m.version

        def submit(v: dict[str, Any], done: Callable[[str | None], None]) -> None:
            self._run(lambda s: mediation.edit_mediator(s, actor, mid, version, **v),
                      lambda r: self.tr("Mediator %1 saved.").replace("%1", v["name"].strip())
                      + (self.tr(" %1 open cases are to be assigned again.").replace(
                          "%1", str(r.cases)) if r.cases else ""),
                      done, lambda r: org.id)

        return self._open(MediatorForm(org, m, submit, self))

    @Slot()
    def move_mediator(self) -> Any:
        m = self.selected_mediator()
        if m is None or self.reg is None:
            return None
        actor, mid, version = self._actor, m.id, m.version

        def submit(v: dict[str, Any], done: Callable[[str | None], None]) -> None:
            self._run(lambda s: mediation.move_mediator(s, actor, mid, version, v["to_org_id"]),
                      lambda r: self.tr("Mediator %1 moved.").replace("%1", m.name)
                      + (self.tr(" %1 open cases are to be assigned again.").replace(
                          "%1", str(r.cases)) if r.cases else ""),
                      done, lambda r: v["to_org_id"])

        return self._open(MoveForm(self.reg, m, submit, self))
