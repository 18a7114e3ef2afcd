"""The sign-in dialog: users by role, right and wrong passwords, the last user remembered."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from command_center.views.login_dialog import LAST_USER_KEY, LoginDialog


def _dialog(qtbot, people, runner) -> LoginDialog:
    dialog = LoginDialog(people.users, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_users_are_grouped_by_role_in_order(qtbot, cc_app, people, runner) -> None:
    dialog = _dialog(qtbot, people, runner)
    tree = dialog.user_tree
    groups = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    roles = [g.text(0) for g in groups]
    assert roles == ["值班员", "督办员", "部门承办人", "研判分析员", "系统管理员"]
    operators = [groups[0].child(i).text(0) for i in range(groups[0].childCount())]
    assert operators == ["李强（liqiang）", "张敏（zhangmin）"]
    handler = groups[2].child(0).text(0)
    assert "县公安局" in handler
    # a role heading is not something to sign in as
    assert not groups[0].flags() & Qt.ItemFlag.ItemIsSelectable


def test_right_password_signs_in_and_is_remembered(qtbot, cc_app, people, runner) -> None:
    dialog = _dialog(qtbot, people, runner)
    assert dialog.select_user("zhangmin")
    qtbot.keyClicks(dialog.password_edit, "demo")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.user is not None
    assert dialog.user.username == "zhangmin"
    assert dialog.user.role_code == "duty_operator"
    assert QSettings().value(LAST_USER_KEY) == "zhangmin"

    again = _dialog(qtbot, people, runner)
    assert again.selected_username() == "zhangmin"


def test_wrong_password_says_so_and_stays_open(qtbot, cc_app, people, runner, type_text) -> None:
    dialog = _dialog(qtbot, people, runner)
    dialog.select_user("wangfang")
    type_text(dialog.password_edit, "wrong-密码")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "密码错误" in dialog.message.text(), timeout=10_000)
    assert dialog.isVisible()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.user is None
    assert dialog.password_edit.isEnabled()
    assert dialog.password_edit.selectedText() == "wrong-密码"  # ready to be typed over
    assert QSettings().value(LAST_USER_KEY) is None


def test_no_password_is_not_sent(qtbot, cc_app, people, runner) -> None:
    dialog = _dialog(qtbot, people, runner)
    dialog.select_user("zhangmin")
    dialog.sign_in()
    assert runner.pending == 0
    assert dialog.message.text() == "请输入密码。"
