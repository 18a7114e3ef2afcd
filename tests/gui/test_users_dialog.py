"""Accounts in the program: an administrator, working as their own database login, makes,
disables, enables and resets accounts and changes roles; what they do is what signing in then
finds. Everyone changes their own password from the File menu.

The accounts these tests make, disable or move to another role have names of their own (``ud_``):
a user's login (``cc_u_<name>``) belongs to the whole server, which other tests share, and
disabling a login, or moving it to another group, would reach their databases too.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select, text

from command_center.db.connection import Database
from command_center.db.engine import make_engine, make_session_factory
from command_center.models import AppUser, AuditEntry
from command_center.services import auth
from command_center.services.audit import SYSTEM, Actor
from command_center.services.permissions import PermissionDenied
from command_center.views.admin.users_dialog import (
    NewAccountForm,
    PasswordForm,
    RoleForm,
    UsersDialog,
)
from command_center.views.login_dialog import ChangePasswordDialog
from command_center.views.main_window import DatabaseInfo, MainWindow
from command_center.workers.ops import OpsRunner
from tests.conftest import login_url

DISABLED = "已停用"
LEFT = Qt.MouseButton.LeftButton


def _own_runner(db: Database, username: str) -> Iterator[OpsRunner]:
    engine = make_engine(login_url(db.url, username))
    runner = OpsRunner(make_session_factory(engine))
    yield runner
    runner.shutdown()
    engine.dispose()


@pytest.fixture
def admin(people) -> auth.UserInfo:
    return next(u for u in people.users if u.role_code == "admin")


@pytest.fixture
def admin_runner(db: Database, admin) -> Iterator[OpsRunner]:
    """A runner working as the administrator's own login, as the program does."""
    yield from _own_runner(db, admin.username)


@pytest.fixture
def operator_runner(db: Database, people) -> Iterator[OpsRunner]:
    yield from _own_runner(db, people.operator.username)


@pytest.fixture
def clerk(db: Database) -> auth.UserInfo:
    """An account of this test's own, signing in with "clerk-pass-1"."""
    with db.sessions() as s:
        return auth.add_user(
            s, SYSTEM, "ud_clerk", "钱文", "duty_operator", "clerk-pass-1", must_change=False
        )


@pytest.fixture
def dialog(qtbot, cc_app, admin_runner, admin) -> UsersDialog:
    dialog = UsersDialog(admin_runner, admin)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=10_000)
    return dialog


def _row(dialog: UsersDialog, username: str) -> list[str]:
    for i in range(dialog.table.rowCount()):
        if dialog.table.item(i, 0).text() == username:
            return [dialog.table.item(i, j).text() for j in range(dialog.table.columnCount())]
    raise AssertionError(f"{username} is not listed")


def _closed(widget) -> bool:  # type: ignore[no-untyped-def]
    """Closed (and so, deleted on close, maybe gone already)."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


def _count_users(db: Database) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(AppUser))


def _open_new_account(qtbot, dialog: UsersDialog) -> NewAccountForm:
    qtbot.mouseClick(dialog.add_button, LEFT)
    form = dialog.form
    assert isinstance(form, NewAccountForm) and form.isVisible()
    return form


def _choose(combo, data) -> None:  # type: ignore[no-untyped-def]
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


# --- the list -------------------------------------------------------------------------------


def test_every_account_is_listed_with_its_role_department_and_state(
    qtbot, db, dialog, clerk
) -> None:
    with db.sessions() as s:
        auth.set_active(s, SYSTEM, clerk.username, False)
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 7, timeout=10_000)
    assert _row(dialog, "zhaolei")[:5] == ["zhaolei", "赵磊", "部门承办人", "县公安局", "启用"]
    assert _row(dialog, "admin")[:5] == ["admin", "管理员", "系统管理员", "", "启用"]
    assert _row(dialog, "ud_clerk")[:5] == ["ud_clerk", "钱文", "值班员", "", DISABLED]
    # the center's roles first, the administrators last
    roles = [dialog.table.item(i, 2).text() for i in range(dialog.table.rowCount())]
    assert roles[0] == "值班员" and roles[-1] == "系统管理员"


# --- adding ---------------------------------------------------------------------------------


def test_an_added_department_handler_signs_in_and_must_choose_a_password(
    qtbot, db, dialog, type_text
) -> None:
    form = _open_new_account(qtbot, dialog)
    qtbot.keyClicks(form.username, "ud_handler")
    type_text(form.display_name, "孙悦")
    _choose(form.role_fields.role, "dept_handler")
    assert form.role_fields.department.isEnabled()
    form.role_fields.department.setCurrentIndex(form.role_fields.department.findText("县公安局"))
    qtbot.keyClicks(form.password, "first-pass-1")
    qtbot.keyClicks(form.again, "first-pass-1")
    qtbot.mouseClick(form.ok_button, LEFT)
    qtbot.waitUntil(lambda: _closed(form), timeout=10_000)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 7, timeout=10_000)
    assert _row(dialog, "ud_handler")[:5] == [
        "ud_handler", "孙悦", "部门承办人", "县公安局", "启用"
    ]
    assert dialog.selected() is not None and dialog.selected().username == "ud_handler"
    assert "ud_handler" in dialog.message.text()

    with db.sessions() as s:
        user = auth.authenticate(s, "ud_handler", "first-pass-1")
        assert (user.role_code, user.department_name) == ("dept_handler", "县公安局")
        signed = auth.sign_in(s, "ud_handler", "first-pass-1")
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "user.create")).one()
        # written by the administrator's own login, not by the program's owner
        assert (entry.actor_name, entry.db_user) == ("管理员", "cc_u_admin")
    handler = db.as_login(signed.db_login, signed.secret)
    try:
        with handler.sessions() as s:
            assert auth.must_change_password(s)
            assert auth.current_user(s).username == "ud_handler"
            assert s.scalar(text("SELECT pg_has_role(session_user, 'cc_handler', 'MEMBER')"))
    finally:
        handler.release()


@pytest.mark.parametrize(
    ("username", "role", "password", "again", "says"),
    [
        ("ud_new", "duty_operator", "first-pass-1", "first-pass-2", "两次输入的密码不一致"),
        ("ud_new", "dept_handler", "first-pass-1", "first-pass-1", "部门承办人须属于一个部门"),
        ("9 bad-name", "analyst", "first-pass-1", "first-pass-1", "用户名须以小写字母开头"),
        ("zhangmin", "analyst", "first-pass-1", "first-pass-1", "已存在"),
        ("ud_new", "analyst", "short", "short", "密码至少 8 个字符"),
    ],
)
def test_a_wrong_new_account_says_why_and_changes_nothing(
    qtbot, db, dialog, type_text, username, role, password, again, says
) -> None:
    before = _count_users(db)
    form = _open_new_account(qtbot, dialog)
    qtbot.keyClicks(form.username, username)
    type_text(form.display_name, "新同事")
    _choose(form.role_fields.role, role)
    qtbot.keyClicks(form.password, password)
    qtbot.keyClicks(form.again, again)
    qtbot.mouseClick(form.ok_button, LEFT)
    qtbot.waitUntil(lambda: says in form.message.text(), timeout=10_000)
    assert form.isVisible() and form.buttons.isEnabled()  # to be corrected, not retyped
    assert " / " in form.message.text()  # Chinese and English
    assert _count_users(db) == before
    assert dialog.table.rowCount() == before


def test_the_department_is_offered_to_a_department_handler_only(qtbot, dialog) -> None:
    form = _open_new_account(qtbot, dialog)
    fields = form.role_fields
    _choose(fields.role, "dept_handler")
    fields.department.setCurrentIndex(1)
    _choose(fields.role, "supervisor")
    assert not fields.department.isEnabled() and fields.department.currentData() is None


# --- disabling, enabling, resetting ---------------------------------------------------------


def test_a_disabled_account_cannot_sign_in_until_enabled_again(
    qtbot, db, dialog, clerk, admin
) -> None:
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.select("ud_clerk"), timeout=10_000)
    assert dialog.active_button.text() == "停用"
    qtbot.mouseClick(dialog.active_button, LEFT)
    box = dialog.confirm_box
    assert box is not None and "钱文" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: _row(dialog, "ud_clerk")[4] == DISABLED, timeout=10_000)
    with db.sessions() as s:
        with pytest.raises(auth.AuthError, match="停用"):
            auth.sign_in(s, "ud_clerk", "clerk-pass-1")
        can_login = "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'cc_u_ud_clerk'"
        assert s.scalar(text(can_login)) is False

    assert dialog.select("ud_clerk") and dialog.active_button.text() == "启用"
    qtbot.mouseClick(dialog.active_button, LEFT)  # enabling asks nothing
    qtbot.waitUntil(lambda: _row(dialog, "ud_clerk")[4] == "启用", timeout=10_000)
    with db.sessions() as s:
        assert auth.sign_in(s, "ud_clerk", "clerk-pass-1").user_id == clerk.id
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_id == clerk.id,
                                            AuditEntry.action.like("user.%able"))
            .order_by(AuditEntry.seq)
        ).all()
    assert actions == ["user.disable", "user.enable"]

    # one's own account is not offered for disabling (the service would refuse)
    assert dialog.select(admin.username)
    assert not dialog.active_button.isEnabled()


def test_cancelling_the_question_disables_nothing(qtbot, db, dialog, clerk) -> None:
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.select("ud_clerk"), timeout=10_000)
    qtbot.mouseClick(dialog.active_button, LEFT)
    dialog.confirm_box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.wait(300)
    with db.sessions() as s:
        assert s.get(AppUser, clerk.id).active


def test_a_reset_password_unlocks_and_must_be_changed(qtbot, db, dialog, clerk) -> None:
    with db.sessions() as s:  # five wrong passwords lock the account
        for _ in range(5):
            with pytest.raises(auth.AuthError):
                auth.sign_in(s, "ud_clerk", "guess-guess")
        with pytest.raises(auth.AuthError, match="锁定"):
            auth.sign_in(s, "ud_clerk", "clerk-pass-1")
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.select("ud_clerk"), timeout=10_000)
    qtbot.mouseClick(dialog.password_button, LEFT)
    form = dialog.form
    assert isinstance(form, PasswordForm) and form.user.username == "ud_clerk"
    qtbot.keyClicks(form.password, "reset-pass-9")
    qtbot.keyClicks(form.again, "reset-pass-8")
    qtbot.mouseClick(form.ok_button, LEFT)
    assert "两次输入的密码不一致" in form.message.text() and form.isVisible()
    form.again.clear()
    qtbot.keyClicks(form.again, "reset-pass-9")
    qtbot.mouseClick(form.ok_button, LEFT)
    qtbot.waitUntil(lambda: _closed(form), timeout=10_000)
    with db.sessions() as s:
        with pytest.raises(auth.AuthError):
            auth.sign_in(s, "ud_clerk", "clerk-pass-1")
        signed = auth.sign_in(s, "ud_clerk", "reset-pass-9")
    clerk_db = db.as_login(signed.db_login, signed.secret)
    try:
        with clerk_db.sessions() as s:
            assert auth.must_change_password(s)
    finally:
        clerk_db.release()


# --- roles ----------------------------------------------------------------------------------


def test_a_new_role_and_department_move_the_login_to_its_group(
    qtbot, db, dialog, clerk
) -> None:
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.select("ud_clerk"), timeout=10_000)
    qtbot.mouseClick(dialog.role_button, LEFT)
    form = dialog.form
    assert isinstance(form, RoleForm)
    fields = form.role_fields
    assert fields.role.currentData() == "duty_operator" and not fields.department.isEnabled()
    _choose(fields.role, "dept_handler")
    qtbot.mouseClick(form.ok_button, LEFT)  # no department yet
    qtbot.waitUntil(lambda: "部门承办人须属于一个部门" in form.message.text(), timeout=10_000)
    with db.sessions() as s:
        assert s.get(AppUser, clerk.id).role_code == "duty_operator"
    fields.department.setCurrentIndex(fields.department.findText("县公安局"))
    qtbot.mouseClick(form.ok_button, LEFT)
    qtbot.waitUntil(lambda: _closed(form), timeout=10_000)
    qtbot.waitUntil(lambda: _row(dialog, "ud_clerk")[2:4] == ["部门承办人", "县公安局"],
                    timeout=10_000)
    with db.sessions() as s:
        user = auth.authenticate(s, "ud_clerk", "clerk-pass-1")
        assert (user.role_code, user.department_name) == ("dept_handler", "县公安局")
        groups = s.execute(text(
            "SELECT pg_has_role('cc_u_ud_clerk', 'cc_handler', 'MEMBER'), "
            "pg_has_role('cc_u_ud_clerk', 'cc_center', 'MEMBER')"
        )).one()
        assert tuple(groups) == (True, False)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "user.role")).one()
        assert entry.before["role"] == "duty_operator" and entry.after["role"] == "dept_handler"
        assert entry.db_user == "cc_u_admin"


def test_an_administrator_cannot_demote_themself(qtbot, dialog, admin) -> None:
    assert dialog.select(admin.username)
    qtbot.mouseClick(dialog.role_button, LEFT)
    form = dialog.form
    assert isinstance(form, RoleForm)
    assert not form.role_fields.role.isEnabled()
    assert form.note.text()


def test_the_services_refuse_everyone_but_an_administrator(db, people, clerk) -> None:
    operator = Actor(people.operator.id, people.operator.display_name)
    with db.sessions() as s:
        with pytest.raises(PermissionDenied):
            auth.set_role(s, operator, "ud_clerk", "analyst")
        with pytest.raises(PermissionDenied):
            auth.set_active(s, operator, "ud_clerk", False)
        with pytest.raises(PermissionDenied):
            auth.add_user(s, operator, "ud_x", "某人", "analyst", "first-pass-1")
        assert s.get(AppUser, clerk.id).role_code == "duty_operator"


# --- the main window ------------------------------------------------------------------------


def _window(qtbot, runner, user, db) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(runner, user, DatabaseInfo(db.url, embedded=False), None,
                        restore_layout=False)
    qtbot.addWidget(window)
    return window


def test_only_an_administrator_is_offered_the_accounts(
    qtbot, cc_app, db, people, runner, admin
) -> None:
    for user in people.users:
        window = _window(qtbot, runner, user, db)
        file_actions = window.file_menu.actions()
        assert window.password_action in file_actions and window.password_action.isVisible()
        assert window.users_action.isVisible() == (user.role_code == "admin"), user.username
    window = _window(qtbot, runner, admin, db)
    assert window.users_action.text() == "账号管理…"
    window.users_action.trigger()
    dialog = window.findChild(UsersDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == len(people.users), timeout=10_000)
    dialog.close()


def test_an_operator_changes_their_own_password_from_the_menu(
    qtbot, cc_app, db, people, operator_runner
) -> None:
    window = _window(qtbot, operator_runner, people.operator, db)
    window.password_action.trigger()
    dialog = window.findChild(ChangePasswordDialog)
    assert dialog is not None and dialog.current_edit.isVisible()
    qtbot.keyClicks(dialog.current_edit, "wrong-one")
    qtbot.keyClicks(dialog.new_edit, "my-own-pass-1")
    qtbot.keyClicks(dialog.again_edit, "my-own-pass-1")
    dialog.submit()
    qtbot.waitUntil(lambda: "密码错误" in dialog.message.text(), timeout=10_000)
    assert dialog.isVisible()
    dialog.current_edit.clear()
    qtbot.keyClicks(dialog.current_edit, "demo")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.submit()
    qtbot.waitUntil(lambda: _closed(dialog), timeout=10_000)
    assert window.statusBar().currentMessage() == "密码已修改。"
    with db.sessions() as s:
        with pytest.raises(auth.AuthError):
            auth.sign_in(s, people.operator.username, "demo")
        signed = auth.sign_in(s, people.operator.username, "my-own-pass-1")
    assert signed.user_id == people.operator.id
