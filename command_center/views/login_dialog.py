"""Signing in: a login name and a password, the last login name remembered; on a demo database
the accounts too, grouped by role (the gatekeeper lists them nowhere else)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QSettings,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from command_center.models.org import RoleCode
from command_center.services import auth
from command_center.services.auth import SignIn, UserInfo
from command_center.views.words import name_text
from command_center.workers.ops import OpsRunner

log = logging.getLogger(__name__)

LAST_USER_KEY = "login/lastUser"

ROLE_LABELS: dict[str, str] = {
    RoleCode.DUTY_OPERATOR.value: QT_TRANSLATE_NOOP("Role", "Duty operator"),
    RoleCode.SUPERVISOR.value: QT_TRANSLATE_NOOP("Role", "Supervisor"),
    RoleCode.DEPT_HANDLER.value: QT_TRANSLATE_NOOP("Role", "Department handler"),
    RoleCode.ANALYST.value: QT_TRANSLATE_NOOP("Role", "Analyst"),
    RoleCode.ADMIN.value: QT_TRANSLATE_NOOP("Role", "Administrator"),
}
ROLE_ORDER = tuple(ROLE_LABELS)


def role_label(code: str, fallback: str = "") -> str:
    """The role's name in the interface language."""
    source = ROLE_LABELS.get(code)
    return QCoreApplication.translate("Role", source) if source else (fallback or code)


UsernameRole = Qt.ItemDataRole.UserRole + 1


class LoginDialog(QDialog):
    """Type (or, on a demo database, choose) a login name and the password. After
    ``accept()``, ``signed_in`` holds what the gatekeeper handed out and ``user`` the account
    when it was in the list."""

    sig_signed_in = Signal(object)
    """Sign-in succeeded. Arguments: the :class:`SignIn`."""

    def __init__(
        self, users: Sequence[UserInfo], runner: OpsRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self._users = list(users)
        self._runner = runner
        self._busy = False
        self.user: UserInfo | None = None
        self.signed_in: SignIn | None = None

        self.heading = QLabel(self)
        self.heading.setObjectName("loginHeading")
        self.subheading = QLabel(self)
        self.subheading.setObjectName("mutedLabel")
        self.user_tree = QTreeWidget(self)
        self.user_tree.setObjectName("loginUsers")
        self.user_tree.setHeaderHidden(True)
        self.user_tree.setColumnCount(1)
        self.user_tree.setRootIsDecorated(False)
        self.user_tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.user_tree.itemSelectionChanged.connect(self._on_user_tree_item_selection_changed)
        self.user_tree.itemDoubleClicked.connect(self._on_user_tree_item_double_clicked)
        self.user_tree.setVisible(bool(self._users))
        self.user_label = QLabel(self)
        self.login_label = QLabel(self)
        self.login_edit = QLineEdit(self)
        self.login_edit.setObjectName("loginName")
        self.login_edit.setMaxLength(32)
        self.login_edit.textEdited.connect(self._on_login_edit_text_edited)
        self.login_edit.returnPressed.connect(self._on_login_edit_return_pressed)
        self.login_label.setBuddy(self.login_edit)
        self.password_label = QLabel(self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("loginPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.returnPressed.connect(self.sign_in)
        self.password_label.setBuddy(self.password_edit)
        self.message = QLabel(self)
        self.message.setObjectName("loginMessage")
        self.message.setWordWrap(True)
        self.sign_in_button = QPushButton(self)
        self.sign_in_button.setObjectName("primaryButton")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.sign_in_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(self.user_tree, 1)
        layout.addWidget(self.user_label)
        layout.addWidget(self.login_label)
        layout.addWidget(self.login_edit)
        layout.addWidget(self.password_label)
        layout.addWidget(self.password_edit)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        if self._users:
            self.resize(540, 760)
        else:
            layout.insertStretch(2, 1)
            self.resize(440, 360)

        self._fill_users()
        self._retranslate()
        self._select_last_user()

    def _fill_users(self) -> None:
        self.user_tree.clear()
        by_role: dict[str, list[UserInfo]] = {}
        for u in self._users:
            by_role.setdefault(u.role_code, []).append(u)
        codes = [c for c in ROLE_ORDER if c in by_role] + sorted(
            c for c in by_role if c not in ROLE_ORDER
        )
        bold = QFont(self.font())
        bold.setBold(True)
        for code in codes:
            members = by_role[code]
            group = QTreeWidgetItem(self.user_tree)
            group.setData(0, Qt.ItemDataRole.UserRole, code)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setFont(0, bold)
            group.setFirstColumnSpanned(True)
            for u in members:
                item = QTreeWidgetItem(group)
                item.setData(0, UsernameRole, u.username)
            group.setExpanded(True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Sign in — Command Center"))
        self.heading.setText(self.tr("Grid Governance Command Center"))
        self.subheading.setText(
            self.tr("Choose your name and enter your password.")
            if self._users
            else self.tr("Enter your login name and your password.")
        )
        self.login_label.setText(self.tr("&Login name"))
        self.password_label.setText(self.tr("&Password"))
        self.sign_in_button.setText(self.tr("Sign in"))
        self.cancel_button.setText(self.tr("Cancel"))
        for i in range(self.user_tree.topLevelItemCount()):
            group = self.user_tree.topLevelItem(i)
            code = str(group.data(0, Qt.ItemDataRole.UserRole))
            name = next((u.role_name for u in self._users if u.role_code == code), code)
            group.setText(0, role_label(code, name))
            for j in range(group.childCount()):
                item = group.child(j)
                username = item.data(0, UsernameRole)
                u = next(u for u in self._users if u.username == username)
                text = f"{u.display_name}（{u.username}）"
                if u.department_name:
                    text += f" · {name_text(u.department_name, u.department_name_en)}"
                item.setText(0, text)
        self._show_selected_user()

    # --- choosing ---

    def selected_username(self) -> str | None:
        name = self.login_edit.text().strip().lower()
        return name or None

    def select_user(self, username: str) -> bool:
        """Choose ``username``: in the list where there is one, else typed in."""
        if not self._users:
            self.login_edit.setText(username)
            self._show_selected_user()
            return True
        for i in range(self.user_tree.topLevelItemCount()):
            group = self.user_tree.topLevelItem(i)
            for j in range(group.childCount()):
                item = group.child(j)
                if item.data(0, UsernameRole) == username:
                    self.user_tree.setCurrentItem(item)
                    # the role heading in view too, when the list has room for it
                    self.user_tree.scrollToItem(group, QAbstractItemView.ScrollHint.PositionAtTop)
                    self.user_tree.scrollToItem(item)
                    return True
        return False

    def _select_last_user(self) -> None:
        last = QSettings().value(LAST_USER_KEY, "")
        if last and self.select_user(str(last)):
            self.password_edit.setFocus()
        elif self._users:
            self.user_tree.setFocus()
        else:
            self.login_edit.setFocus()

    @Slot()
    def _on_user_tree_item_selection_changed(self) -> None:
        self.message.clear()
        items = self.user_tree.selectedItems()
        name = items[0].data(0, UsernameRole) if items else None
        if name:
            self.login_edit.setText(str(name))
        self._show_selected_user()

    @Slot(str)
    def _on_login_edit_text_edited(self, _text: str) -> None:
        self.message.clear()
        self.user_tree.clearSelection()
        self._show_selected_user()

    @Slot()
    def _on_login_edit_return_pressed(self) -> None:
        self.password_edit.setFocus()

    @Slot(QTreeWidgetItem, int)
    def _on_user_tree_item_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(0, UsernameRole):
            self.password_edit.setFocus()

    def _show_selected_user(self) -> None:
        username = self.selected_username()
        user = next((u for u in self._users if u.username == username), None)
        self.user_label.setVisible(bool(self._users))
        if user is None:
            self.user_label.setText(self.tr("No user chosen"))
        else:
            self.user_label.setText(
                self.tr("Signing in as %1 (%2)")
                .replace("%1", user.display_name)
                .replace("%2", role_label(user.role_code, user.role_name))
            )
        self.sign_in_button.setEnabled(username is not None and not self._busy)

    # --- signing in (the password check runs off the GUI thread) ---

    @Slot()
    def sign_in(self) -> None:
        username = self.selected_username()
        if self._busy:
            return
        if username is None:
            self._show_message(self.tr("Enter your login name first."))
            self.login_edit.setFocus()
            return
        password = self.password_edit.text()
        if not password:
            self._show_message(self.tr("Enter your password."))
            self.password_edit.setFocus()
            return
        self._set_busy(True)
        self.message.setProperty("kind", "info")
        self.message.setText(self.tr("Checking…"))
        self._runner.submit(
            lambda s: auth.sign_in(s, username, password),
            success=lambda signed: self._on_authenticated(username, signed),
            failure=self._on_authentication_failed,
            owner=self,
            name="auth.sign_in",
        )

    def _on_authenticated(self, username: str, signed: SignIn) -> None:
        self._set_busy(False)
        self.signed_in = signed
        self.user = next((u for u in self._users if u.id == signed.user_id), None)
        QSettings().setValue(LAST_USER_KEY, username)
        self.sig_signed_in.emit(signed)
        self.accept()

    def _on_authentication_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, auth.AuthError):
            # the database's own words: a wrong password, a locked or disabled account
            self._show_message(str(exc))
        else:
            log.warning("sign-in failed: %s", exc)
            self._show_message(
                self.tr("Cannot reach the database. Try again in a moment.") + f"\n{exc}"
            )
        self.password_edit.selectAll()
        self.password_edit.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.user_tree.setEnabled(not busy)
        self.login_edit.setEnabled(not busy)
        self.password_edit.setEnabled(not busy)
        self.sign_in_button.setEnabled(not busy and self.selected_username() is not None)

    def _show_message(self, text: str) -> None:
        self.message.setProperty("kind", "error")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)


class ChangePasswordDialog(QDialog):
    """A new password, typed twice.

    At the first sign-in after an administrator set or reset it, ``save(password)`` stores it
    and raises with a message to show. From the File menu (``runner`` given, ``save`` not), the
    user gives the current password too, and both go to ``auth.change_own_password`` off the
    GUI thread (the database checks the current one)."""

    def __init__(
        self,
        user: UserInfo,
        save: Callable[[str], None] | None = None,
        parent: QWidget | None = None,
        *,
        runner: OpsRunner | None = None,
    ) -> None:
        super().__init__(parent)
        if (save is None) == (runner is None):
            raise ValueError("either save or runner")
        self.setObjectName("changePasswordDialog")
        self._save = save
        self._runner = runner
        self._busy = False
        self.heading = QLabel(self)
        self.heading.setObjectName("loginHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.current_edit = QLineEdit(self)
        self.current_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_edit = QLineEdit(self)
        self.new_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_edit = QLineEdit(self)
        self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_edit.returnPressed.connect(self.submit)
        self.message = QLabel(self)
        self.message.setObjectName("loginMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.ok_button = QPushButton(self)
        self.ok_button.setObjectName("primaryButton")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        self.current_label = QLabel(self)
        self.new_label = QLabel(self)
        self.again_label = QLabel(self)
        fields = ((self.new_label, self.new_edit), (self.again_label, self.again_edit))
        if runner is not None:
            fields = ((self.current_label, self.current_edit), *fields)
        else:
            self.current_label.hide()
            self.current_edit.hide()
        for label, edit in fields:
            label.setBuddy(edit)
            layout.addWidget(label)
            layout.addWidget(edit)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.heading.setText(user.display_name)
        if runner is None:
            self.setWindowTitle(self.tr("Choose a new password"))
            self.explanation.setText(
                self.tr(
                    "An administrator set your password. Choose your own before you go on "
                    "(at least %1 characters)."
                ).replace("%1", str(auth.MIN_PASSWORD_LENGTH))
            )
        else:
            self.setWindowTitle(self.tr("Change password"))
            self.explanation.setText(
                self.tr(
                    "Enter your current password, then the new one twice (at least %1 characters)."
                ).replace("%1", str(auth.MIN_PASSWORD_LENGTH))
            )
        self.current_label.setText(self.tr("&Current password"))
        self.new_label.setText(self.tr("&New password"))
        self.again_label.setText(self.tr("&Again"))
        self.ok_button.setText(self.tr("Save"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.resize(440, 300 if runner is None else 360)

    @Slot()
    def submit(self) -> None:
        if self._busy:
            return
        first, second = self.new_edit.text(), self.again_edit.text()
        if first != second:
            self.message.setText(self.tr("The two passwords differ."))
            return
        if self._runner is not None:
            self._submit_change(first)
            return
        assert self._save is not None
        try:
            self._save(first)
        except (auth.AccountError, auth.AuthError) as exc:
            self.message.setText(str(exc))
            return
        except Exception as exc:  # a lost connection: say so, keep the dialog
            log.warning("cannot change the password: %s", exc)
            self.message.setText(self.tr("Cannot reach the database. Try again in a moment."))
            return
        self.accept()

    def _submit_change(self, password: str) -> None:
        assert self._runner is not None
        current = self.current_edit.text()
        if not current:
            self.message.setText(self.tr("Enter your current password."))
            self.current_edit.setFocus()
            return
        self._set_busy(True)
        self.message.setText(self.tr("Checking…"))
        self._runner.submit(
            lambda s: auth.change_own_password(s, current, password),
            success=self._on_changed,
            failure=self._on_change_failed,
            owner=self,
            name="auth.change_own_password",
        )

    def _on_changed(self, _result: object) -> None:
        self._set_busy(False)
        self.accept()

    def _on_change_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, (auth.AccountError, auth.AuthError)):
            self.message.setText(str(exc))  # a wrong current password, a short new one
        else:
            log.warning("cannot change the password: %s", exc)
            self.message.setText(self.tr("Cannot reach the database. Try again in a moment."))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (
            self.current_edit,
            self.new_edit,
            self.again_edit,
            self.ok_button,
            self.cancel_button,
        ):
            widget.setEnabled(not busy)

    def reject(self) -> None:
        if not self._busy:  # the change is on its way: its answer is awaited
            super().reject()
