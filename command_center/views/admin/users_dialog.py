"""Accounts (账号管理), for administrators: every account, active or disabled, with its role and
department; a new account, another role or department, a new password, disabling and enabling.

The services decide: ``auth.add_user``, ``set_role``, ``set_active`` and ``reset_password``
refuse anyone but an administrator, and the database's policies on ``app_users`` and
``cc_set_password`` say the same. The main window offers this dialog to administrators only,
and the dialog leaves out what the services would refuse (disabling or demoting oneself).

Failed attempts and lockouts live in ``cc_credentials``, which no operator's login may read, so
the list does not show them (``command-center user list`` does, as the server's owner); a new
password unlocks an account.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
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
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from command_center.models import Role
from command_center.services import auth, permissions
from command_center.services.audit import Actor
from command_center.services.auth import UserInfo
from command_center.services.choices import choices
from command_center.services.lifecycle import DEPARTMENT_ROLES
from command_center.views.login_dialog import ROLE_ORDER, role_label
from command_center.views.words import name_text
from command_center.workers.ops import OpsRunner

log = logging.getLogger(__name__)

COLUMNS = ("username", "name", "role", "department", "state", "last_sign_in")
DISABLED_COLOR = "#8a94a0"
"""A disabled account's row (the style sheet's text colour is every palette group's)."""


@dataclass(frozen=True)
class AccountsData:
    users: list[UserInfo]
    roles: list[tuple[str, str]]  # code, name (the database's)
    departments: list[tuple[int, str, str | None]]  # the active ones: id, name, name_en


def _role_rank(code: str) -> int:
    return ROLE_ORDER.index(code) if code in ROLE_ORDER else len(ROLE_ORDER)


def load(session: Session) -> AccountsData:
    users = auth.list_users(session, include_disabled=True)
    users.sort(key=lambda u: (_role_rank(u.role_code), u.username))
    roles = [(r.code, r.name) for r in session.scalars(select(Role))]
    roles.sort(key=lambda r: (_role_rank(r[0]), r[0]))
    return AccountsData(users, roles, choices(session).departments)


def error_text(exc: BaseException) -> str:
    """A refusal as the administrator reads it: the services' and the database's own words
    ("中文 / English"), never a traceback."""
    if isinstance(exc, (auth.AccountError, auth.AuthError, permissions.PermissionDenied)):
        return str(exc)
    log.warning("account change failed: %s", exc)
    if isinstance(exc, DBAPIError):
        diag = getattr(exc.orig, "diag", None)
        detail = getattr(diag, "message_primary", None) or str(exc.orig)
    else:
        detail = str(exc) or type(exc).__name__
    return "未能完成 / not done: " + detail.strip().splitlines()[0]


# --- the forms ------------------------------------------------------------------------------


class _Form(QDialog):
    """A small form whose OK sends the change off; it stays open, saying why, until the change
    is made."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._busy = False
        self.form = QFormLayout()
        self.note = QLabel(self)
        self.note.setObjectName("mutedLabel")
        self.note.setWordWrap(True)
        self.note.hide()
        self.message = QLabel(self)
        self.message.setObjectName("formMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.submitted: Callable[[_Form], None] | None = None
        self.setMinimumWidth(440)

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    @Slot()
    def submit(self) -> None:
        if self._busy:
            return
        self.message.clear()
        try:
            self.check()
        except auth.AccountError as exc:
            self.fail(str(exc))
            return
        if self.submitted is not None:
            self.set_busy(True)
            self.submitted(self)

    def check(self) -> None:
        """What the form itself can tell is wrong; raises :class:`auth.AccountError`."""

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.buttons.setEnabled(not busy)

    def fail(self, text: str) -> None:
        self.set_busy(False)
        self.message.setText(text)

    def reject(self) -> None:
        if not self._busy:  # a change on its way cannot be called back
            super().reject()


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class _RoleFields:
    """A role and, for a department handler only, a department."""

    def __init__(self, form: QFormLayout, data: AccountsData) -> None:
        self.role = QComboBox()
        for code, name in data.roles:
            self.role.addItem(role_label(code, name), code)
        self.department = QComboBox()
        self.department.addItem(QCoreApplication.translate("UsersDialog", "— none —"), None)
        for dept_id, name, en in data.departments:
            self.department.addItem(name_text(name, en), dept_id)
        self.department.setMaxVisibleItems(20)
        self.role.currentIndexChanged.connect(self._on_role_changed)
        form.addRow(QCoreApplication.translate("UsersDialog", "&Role"), self.role)
        form.addRow(QCoreApplication.translate("UsersDialog", "&Department"), self.department)
        self._on_role_changed()

    def set(self, role_code: str, department_id: int | None) -> None:
        self.role.setCurrentIndex(max(0, self.role.findData(role_code)))
        self.department.setCurrentIndex(max(0, self.department.findData(department_id)))
        self._on_role_changed()

    def _on_role_changed(self, _index: int = 0) -> None:
        handler = self.role.currentData() in DEPARTMENT_ROLES
        self.department.setEnabled(handler)
        if not handler:
            self.department.setCurrentIndex(0)

    def values(self) -> tuple[str, int | None]:
        return self.role.currentData(), self.department.currentData()


class NewAccountForm(_Form):
    def __init__(self, data: AccountsData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New account"))
        self.username = QLineEdit()
        self.username.setMaxLength(32)
        self.username.setPlaceholderText(self.tr("a–z, 0–9 and _, starting with a letter"))
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(64)
        self.form.addRow(self.tr("&Login name"), self.username)
        self.form.addRow(self.tr("&Name"), self.display_name)
        self.role_fields = _RoleFields(self.form, data)
        self.password = _password_edit()
        self.again = _password_edit()
        self.form.addRow(self.tr("Initial &password"), self.password)
        self.form.addRow(self.tr("&Again"), self.again)
        self.set_note(
            self.tr(
                "At least %1 characters. The user chooses a new password at the first sign-in."
            ).replace("%1", str(auth.MIN_PASSWORD_LENGTH))
        )

    def check(self) -> None:
        auth.check_typed_twice(self.password.text(), self.again.text())

    def values(self) -> dict[str, Any]:
        role_code, department_id = self.role_fields.values()
        return {
            "username": self.username.text(),
            "display_name": self.display_name.text(),
            "role_code": role_code,
            "department_id": department_id,
            "password": self.password.text(),
        }


def _account_label(user: UserInfo) -> QLabel:
    label = QLabel(f"{user.display_name}（{user.username}）")
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class RoleForm(_Form):
    def __init__(self, data: AccountsData, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("Role and department"))
        self.form.addRow(self.tr("Account"), _account_label(user))
        self.role_fields = _RoleFields(self.form, data)
        self.role_fields.set(user.role_code, user.department_id)

    def values(self) -> tuple[str, int | None]:
        return self.role_fields.values()


class PasswordForm(_Form):
    def __init__(self, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("Reset password"))
        self.form.addRow(self.tr("Account"), _account_label(user))
        self.password = _password_edit()
        self.again = _password_edit()
        self.form.addRow(self.tr("New &password"), self.password)
        self.form.addRow(self.tr("&Again"), self.again)
        self.set_note(
            self.tr(
                "At least %1 characters. The user chooses a new password at the next "
                "sign-in; a locked account is unlocked."
            ).replace("%1", str(auth.MIN_PASSWORD_LENGTH))
        )

    def check(self) -> None:
        auth.check_typed_twice(self.password.text(), self.again.text())


# --- the list -------------------------------------------------------------------------------


class UsersDialog(QDialog):
    """Every account, and what an administrator does to them."""

    sig_changed = Signal()
    """An account was made or changed."""

    def __init__(self, runner: OpsRunner, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usersDialog")
        self._runner = runner
        self._me = user
        self._actor = Actor(user.id, user.display_name)
        self._data: AccountsData | None = None
        self._select_after: str | None = None
        self.form: _Form | None = None
        """The form open now (tests fill it in)."""
        self.confirm_box: QMessageBox | None = None
        """The question before disabling an account, while it is open."""
        self.setWindowTitle(self.tr("Accounts"))
        self.resize(860, 560)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("usersTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Login name"),
                self.tr("Name"),
                self.tr("Role"),
                self.tr("Department"),
                self.tr("State"),
                self.tr("Last sign-in"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(72)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # department names are the longest ("县市场监督管理局"): they get the room left over
        header.setSectionResizeMode(COLUMNS.index("department"), QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.edit_role())

        self.add_button = QPushButton(self.tr("New account…"))
        self.add_button.clicked.connect(self.add_account)
        self.role_button = QPushButton(self.tr("Role and department…"))
        self.role_button.clicked.connect(self.edit_role)
        self.password_button = QPushButton(self.tr("Reset password…"))
        self.password_button.clicked.connect(self.reset_password)
        self.active_button = QPushButton(self.tr("Disable"))
        self.active_button.clicked.connect(self.toggle_active)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.role_button, self.password_button, self.active_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.hint = QLabel(
            self.tr(
                "Failed sign-ins and lockouts are not shown here: only the server's owner "
                "reads them (command-center user list). A new password unlocks an account."
            )
        )
        self.hint.setObjectName("mutedLabel")
        self.hint.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName("usersMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        layout.addWidget(close)
        self._update_buttons()
        self.refresh()

    # --- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._runner.submit(
            load,
            success=self._show,
            failure=self._failed,
            owner=self,
            name="users.load",
            key="users.load",
        )

    def _show(self, data: AccountsData) -> None:
        current = self.selected()
        select = self._select_after or (current.username if current else None)
        self._select_after = None
        self._data = data
        muted = QBrush(QColor(DISABLED_COLOR))
        self.table.setRowCount(len(data.users))
        for i, u in enumerate(data.users):
            values = (
                u.username,
                u.display_name,
                role_label(u.role_code, u.role_name),
                name_text(u.department_name, u.department_name_en),
                self.tr("Active") if u.active else self.tr("Disabled"),
                u.last_login_at.astimezone().strftime("%Y-%m-%d %H:%M") if u.last_login_at else "",
            )
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                if not u.active:
                    item.setForeground(muted)
                self.table.setItem(i, j, item)
            if u.username == select:
                self.table.selectRow(i)
        self._update_buttons()

    def selected(self) -> UserInfo | None:
        if self._data is None:
            return None
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        return self._data.users[row] if 0 <= row < len(self._data.users) else None

    def select(self, username: str) -> bool:
        """Select ``username``'s row (tests, and after a change)."""
        for i in range(self.table.rowCount()):
            item = self.table.item(i, 0)
            if item is not None and item.text() == username:
                self.table.selectRow(i)
                return True
        return False

    @Slot()
    def _update_buttons(self) -> None:
        user = self.selected()
        mine = user is not None and user.id == self._me.id
        self.add_button.setEnabled(self._data is not None)
        self.role_button.setEnabled(user is not None)
        self.password_button.setEnabled(user is not None)
        self.active_button.setText(
            self.tr("Enable") if user is not None and not user.active else self.tr("Disable")
        )
        # the services refuse to disable or demote oneself
        self.active_button.setEnabled(user is not None and not mine)
        self.active_button.setToolTip(
            self.tr("You cannot disable your own account.") if mine else ""
        )

    # --- messages ------------------------------------------------------------------------------

    def _message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if error else "")

    def _failed(self, exc: BaseException) -> None:
        self._message(error_text(exc), error=True)

    def _run(
        self,
        fn: Callable[[Session], object],
        done: str,
        username: str,
        form: _Form | None = None,
    ) -> None:
        """Send a change off; on success say ``done``, close the form, show the list again
        with ``username`` selected; on failure say why (in the form when there is one)."""

        def succeeded(_result: object) -> None:
            if form is not None:
                form.set_busy(False)
                form.accept()
            self.form = None
            self._message(done)
            self._select_after = username
            self.sig_changed.emit()
            self.refresh()

        def failed(exc: BaseException) -> None:
            if form is not None:
                form.fail(error_text(exc))
            else:
                self._failed(exc)
            self.refresh()

        self._message("")
        self._runner.submit(fn, success=succeeded, failure=failed, owner=self, name="users.change")

    def _open(self, form: _Form, submitted: Callable[[_Form], None]) -> None:
        form.submitted = submitted
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.form = form
        form.finished.connect(lambda _r, f=form: self._form_closed(f))
        form.open()

    def _form_closed(self, form: _Form) -> None:
        if self.form is form:
            self.form = None

    # --- the actions ---------------------------------------------------------------------------

    @Slot()
    def add_account(self) -> None:
        if self._data is None:
            return
        actor = self._actor

        def submitted(form: _Form) -> None:
            assert isinstance(form, NewAccountForm)
            v = form.values()
            name = v["username"].strip().lower()
            self._run(
                lambda s: auth.add_user(
                    s,
                    actor,
                    v["username"],
                    v["display_name"],
                    v["role_code"],
                    v["password"],
                    department_id=v["department_id"],
                    must_change=True,
                ),
                self.tr(
                    "Account %1 created. The password is to be changed at the first sign-in."
                ).replace("%1", name),
                name,
                form,
            )

        self._open(NewAccountForm(self._data, self), submitted)

    @Slot()
    def edit_role(self) -> None:
        user = self.selected()
        if self._data is None or user is None:
            return
        actor, username = self._actor, user.username
        form = RoleForm(self._data, user, self)
        if user.id == self._me.id:
            form.role_fields.role.setEnabled(False)
            form.set_note(self.tr("You cannot change your own role."))

        def submitted(form: _Form) -> None:
            assert isinstance(form, RoleForm)
            role_code, department_id = form.values()
            self._run(
                lambda s: auth.set_role(s, actor, username, role_code, department_id=department_id),
                self.tr("The role of %1 was changed.").replace("%1", username),
                username,
                form,
            )

        self._open(form, submitted)

    @Slot()
    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        actor, username = self._actor, user.username

        def submitted(form: _Form) -> None:
            assert isinstance(form, PasswordForm)
            password = form.password.text()
            self._run(
                lambda s: auth.reset_password(s, actor, username, password),
                self.tr(
                    "The password of %1 was reset; it is to be changed at the next sign-in."
                ).replace("%1", username),
                username,
                form,
            )

        self._open(PasswordForm(user, self), submitted)

    @Slot()
    def toggle_active(self) -> None:
        user = self.selected()
        if user is None or user.id == self._me.id:
            return
        if user.active:  # disabling ends someone's work: asked first
            box = QMessageBox(
                QMessageBox.Icon.Question,
                self.tr("Disable account"),
                self.tr(
                    "Disable the account of %1 (%2)? They can no longer sign in, and their "
                    "open sessions end."
                )
                .replace("%1", user.display_name)
                .replace("%2", user.username),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                self,
            )
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.finished.connect(
                lambda result, u=user: (
                    self._set_active(u, False) if result == QMessageBox.StandardButton.Yes else None
                )
            )
            self.confirm_box = box
            box.open()
        else:
            self._set_active(user, True)

    def _set_active(self, user: UserInfo, enable: bool) -> None:
        self.confirm_box = None
        actor, username = self._actor, user.username
        self._run(
            lambda s: auth.set_active(s, actor, username, enable),
            (self.tr("%1 was enabled.") if enable else self.tr("%1 was disabled.")).replace(
                "%1", username
            ),
            username,
        )
