"""An idle workstation locks itself and opens again only with the operator's password; a
password an administrator set is replaced at the first sign-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from command_center.db.connection import Database
from command_center.db.engine import make_engine, make_session_factory
from command_center.services import auth
from command_center.services.audit import SYSTEM, Actor
from command_center.views.login_dialog import ChangePasswordDialog
from command_center.views.main_window import DatabaseInfo, MainWindow
from command_center.workers.ops import OpsRunner
from tests.conftest import login_url


@pytest.fixture
def operator_runner(db: Database, people) -> Iterator[OpsRunner]:
    """A runner working as the operator's own login (the shared test server trusts it; the
    policies and the password check see that login)."""
    engine = make_engine(login_url(db.url, people.operator.username))
    runner = OpsRunner(make_session_factory(engine))
    yield runner
    runner.shutdown()
    engine.dispose()


def test_an_idle_window_locks_and_only_the_password_opens_it(
    qtbot, cc_app, people, operator_runner, db
) -> None:
    window = MainWindow(
        operator_runner, people.operator, DatabaseInfo(db.url, embedded=False), None,
        restore_layout=False, idle_lock_ms=300,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    lock = window.idle_lock
    qtbot.waitUntil(lambda: lock.locked, timeout=5_000)
    dialog = lock.dialog
    assert "张敏" in dialog.title.text()
    # Escape does not open it, a wrong password does not either
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Escape)
    assert lock.locked
    qtbot.keyClicks(dialog.password_edit, "guess")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "密码错误" in dialog.message.text(), timeout=10_000)
    assert lock.locked
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, "demo")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not lock.locked, timeout=10_000)
    # the failed attempt was recorded
    with db.sessions() as s:
        actions = [a for (a,) in s.execute(
            text("SELECT action FROM audit_log WHERE entity_type = 'user' ORDER BY seq")
        )]
    assert actions[-1] == "user.unlock_failed"


def test_a_window_showing_the_wall_does_not_lock(
    qtbot, cc_app, people, operator_runner, db
) -> None:
    window = MainWindow(
        operator_runner, people.operator, DatabaseInfo(db.url, embedded=False), None,
        restore_layout=False, idle_lock_ms=200,
    )
    qtbot.addWidget(window)
    window.show()
    window.enter_wall_mode()
    qtbot.wait(800)
    assert not window.idle_lock.locked
    window.leave_wall_mode()


def test_a_password_set_by_an_administrator_is_changed_at_first_sign_in(
    qtbot, cc_app, people, db, type_text
) -> None:
    user = people.operator
    with db.sessions() as s:
        auth.reset_password(s, SYSTEM, user.username, "temporary-123")
        signed = auth.sign_in(s, user.username, "temporary-123")
    operator = db.as_login(signed.db_login, signed.secret)
    try:
        with operator.sessions() as s:
            assert auth.must_change_password(s)

        def save(password: str) -> None:
            with operator.sessions() as s:
                auth.set_password(s, Actor(user.id, user.display_name), user.id, password)

        dialog = ChangePasswordDialog(user, save)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.new_edit, "short")
        qtbot.keyClicks(dialog.again_edit, "short")
        dialog.submit()
        assert "8" in dialog.message.text() and dialog.isVisible()  # too short: says how long
        for edit in (dialog.new_edit, dialog.again_edit):
            edit.clear()
        type_text(dialog.new_edit, "我的新密码-2026")
        type_text(dialog.again_edit, "我的新密码-2026")
        dialog.submit()
        assert dialog.result() == dialog.DialogCode.Accepted
        with operator.sessions() as s:
            assert not auth.must_change_password(s)
    finally:
        operator.release()
    with db.sessions() as s:
        with pytest.raises(auth.AuthError):
            auth.sign_in(s, user.username, "temporary-123")
        assert auth.sign_in(s, user.username, "我的新密码-2026").user_id == user.id
