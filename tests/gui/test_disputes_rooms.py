"""The disputes area's administrator screen (rooms and mediators), its period filters, and its
dialogs switching language while open."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import text

from command_center import clock
from command_center.clock import CST
from command_center.services import disputes
from command_center.services.audit import Actor
from command_center.views.disputes.disputes_view import DisputesView
from command_center.views.disputes.rooms_dialog import RoomsDialog


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def _scalar(db, sql: str, **params: object):  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        return s.scalar(text(sql), params)


def _actor(db, username: str) -> Actor:  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        uid, name = s.execute(text("SELECT id, display_name FROM app_users WHERE username = :u"),
                              {"u": username}).one()
    return Actor(uid, name)


def _rooms(db, runner, qtbot, username: str = "admin") -> RoomsDialog:  # type: ignore[no-untyped-def]
    dialog = RoomsDialog(runner, _actor(db, username))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.reg is not None and dialog.tree.topLevelItemCount() > 0,
                    timeout=10_000)
    return dialog


def _ok(form) -> None:  # type: ignore[no-untyped-def]
    form.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_board_offers_the_rooms_screen_to_administrators_only(db, runner, qtbot) -> None:
    for role, shown in (("duty_operator", False), ("admin", True)):
        view = DisputesView(runner, None, _actor(db, "admin"), role)
        qtbot.addWidget(view)
        view.show()
        view.tabs.setCurrentIndex(1)
        assert view.board.rooms_button.isVisible() is shown
    view.board.rooms_button.click()
    dialog = view.rooms_dialog
    assert isinstance(dialog, RoomsDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1, timeout=5000)
    county = dialog.tree.topLevelItem(0)
    assert county.text(0) == "民乐县矛盾纠纷多元化解中心" and county.childCount() > 4
    assert view.open_rooms() is dialog  # one screen at a time
    dialog.close()


def test_closing_a_room_moves_its_open_cases_in_the_same_form(db, runner, qtbot,
                                                              type_text) -> None:
    room = _scalar(db, "SELECT o.id FROM mediation_orgs o JOIN dispute_cases c ON c.org_id = "
                       "o.id WHERE o.level = 'village' AND c.status IN ('received','mediating') "
                       "GROUP BY o.id ORDER BY count(*) DESC LIMIT 1")
    n_open = _scalar(db, "SELECT count(*) FROM dispute_cases WHERE org_id = :o AND status IN "
                         "('received','mediating')", o=room)
    parent = _scalar(db, "SELECT parent_id FROM mediation_orgs WHERE id = :o", o=room)
    dialog = _rooms(db, runner, qtbot)
    assert dialog.select_org(room)
    org = dialog.selected_org()
    assert org is not None and org.open_cases == n_open
    assert dialog.close_room_button.isEnabled()
    form = dialog.close_room()
    assert form.move_to.isEnabled() and form.move_to.currentData() == parent
    assert str(n_open) in form.cases.text()
    _ok(form)  # no reason: the service's refusal stays in the form, nothing written
    qtbot.waitUntil(lambda: "理由" in form.error.text() and "reason" in form.error.text(),
                    timeout=5000)
    assert form.isVisible()
    type_text(form.reason, "村委会合并")
    _ok(form)
    qtbot.waitUntil(lambda: dialog.form is None, timeout=5000)  # closed (and deleted)
    qtbot.waitUntil(lambda: str(n_open) in dialog.message.text(), timeout=5000)
    assert _scalar(db, "SELECT active FROM mediation_orgs WHERE id = :o", o=room) is False
    assert _scalar(db, "SELECT count(*) FROM dispute_cases WHERE org_id = :o AND status IN "
                       "('received','mediating')", o=parent) >= n_open
    # the closed room leaves the tree unless asked for
    qtbot.waitUntil(lambda: dialog.selected_org() is not None
                    and dialog.selected_org().id == parent, timeout=5000)
    assert dialog._find(room) is None
    dialog.show_closed.setChecked(True)
    assert dialog._find(room) is not None


def test_mediators_are_added_and_moved_and_a_non_administrator_is_refused(
    db, runner, qtbot, type_text
) -> None:
    dialog = _rooms(db, runner, qtbot)
    town = _scalar(db, "SELECT id FROM mediation_orgs WHERE level = 'town' ORDER BY id LIMIT 1")
    dialog.select_org(town)
    form = dialog.add_mediator()
    type_text(form.name, "Zhao")
    type_text(form.phone, "13909360001")
    form.specialty.setCurrentIndex(form.specialty.findData("land"))
    _ok(form)
    qtbot.waitUntil(lambda: dialog.form is None, timeout=5000)
    qtbot.waitUntil(lambda: any(dialog.mediators.item(r, 0).text() == "Zhao"
                                for r in range(dialog.mediators.rowCount())), timeout=5000)
    mid = _scalar(db, "SELECT id FROM mediators WHERE name = 'Zhao'")
    assert _scalar(db, "SELECT phone || specialty FROM mediators WHERE id = :m", m=mid) \
        == "13909360001land"
    row = next(r for r in range(dialog.mediators.rowCount())
               if dialog.mediators.item(r, 0).text() == "Zhao")
    dialog.mediators.selectRow(row)
    form = dialog.move_mediator()
    county = _scalar(db, "SELECT id FROM mediation_orgs WHERE level = 'county'")
    form.target.setCurrentIndex(form.target.findData(county))
    _ok(form)
    qtbot.waitUntil(lambda: dialog.form is None, timeout=5000)
    assert _scalar(db, "SELECT org_id FROM mediators WHERE id = :m", m=mid) == county
    assert _scalar(db, "SELECT count(*) FROM audit_log WHERE entity_type = 'mediator' AND "
                       "entity_id = :m", m=mid) == 2

    # a duty operator's screen (the board does not offer it): the service says no
    other = _rooms(db, runner, qtbot, "zhiban1")
    other.select_org(town)
    form = other.rename_room()
    form.name.clear()
    type_text(form.name, "Renamed")
    _ok(form)
    qtbot.waitUntil(lambda: "only an administrator" in form.error.text(), timeout=5000)
    assert "只有系统管理员" in form.error.text() and form.isVisible()
    assert _scalar(db, "SELECT count(*) FROM mediation_orgs WHERE name = 'Renamed'") == 0


def test_the_case_list_filters_by_received_days_and_the_figures_by_period(
    db, runner, qtbot
) -> None:
    view = DisputesView(runner, None, _actor(db, "zhiban1"), "duty_operator")
    qtbot.addWidget(view)
    view.resize(1300, 720)
    view.show()
    qtbot.waitUntil(lambda: view._choices is not None and bool(view.model.rows), timeout=10_000)
    view.status.setCurrentIndex(1)  # every status
    last = clock.today() - dt.timedelta(days=30)
    first = last - dt.timedelta(days=6)
    expected = _scalar(db, "SELECT count(*) FROM dispute_cases WHERE (received_at AT TIME ZONE "
                           "'Asia/Shanghai')::date BETWEEN :a AND :b", a=first, b=last)
    assert 0 < expected < 100
    view.period.set_period("custom", first, last)
    qtbot.waitUntil(lambda: len(view.model.rows) == expected, timeout=5000)
    assert all(first <= r.received_at.astimezone(CST).date() <= last for r in view.model.rows)
    assert view.count.text().startswith(str(expected))

    view.tabs.setCurrentIndex(2)
    tiles = view.figures.tiles
    qtbot.waitUntil(lambda: "%" in tiles["success"].text(), timeout=5000)
    view.figures.period.set_period("all")
    everything = disputes.figures
    with db.sessions() as s:
        every = everything(s)
        month_first, month_last = disputes.period_range("month", clock.today())
        month = everything(s, since=month_first, until=month_last)
    qtbot.waitUntil(lambda: f"{every.success_rate.value * 100:.1f}%" in tiles["success"].text(),
                    timeout=5000)
    view.figures.period.set_period("month")
    qtbot.waitUntil(lambda: view.figures._figures is not None
                    and view.figures._figures.base.received_from == month_first, timeout=5000)
    assert tiles["open"].text().endswith(str(month.open_cases.value))
    # a figure of the month opens the month's cases
    tiles["open"].click()
    qtbot.waitUntil(lambda: view.tabs.currentIndex() == 0, timeout=5000)
    qtbot.waitUntil(lambda: len(view.model.rows) == min(month.open_cases.value, 100),
                    timeout=5000)
    assert all(r.received_at.astimezone(CST).date() >= month_first for r in view.model.rows)


def test_the_dialogs_switch_language_while_open(db, runner, qtbot, cc_app, type_text) -> None:
    view = DisputesView(runner, None, _actor(db, "zhiban1"), "duty_operator")
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view._choices is not None and view.file_panel.file is not None,
                    timeout=10_000)
    intake = view.open_intake()
    type_text(intake.summary, "相邻排水纠纷")
    intake.risk.setCurrentIndex(intake.risk.findData("high"))
    session = view.action_dialog("session")
    rooms = _rooms(db, runner, qtbot)
    form = rooms.add_room()
    assert intake.windowTitle() == "受理矛盾纠纷" and intake.label("type").text() == "纠纷类型"
    zh_session = session.windowTitle()
    assert rooms.windowTitle() == "调解组织与调解员" and form.windowTitle() == "新设调解组织"
    try:
        assert cc_app.switch("en")
        qtbot.waitUntil(lambda: intake.windowTitle() == "New dispute case", timeout=5000)
        assert intake.label("type").text() == "Type"
        assert intake.label("facts").text() == "Facts and matters"
        assert intake.risk.currentText() == "High" and intake.risk.currentData() == "high"
        assert intake.summary.toPlainText() == "相邻排水纠纷"  # what was typed stays
        assert intake.parties.horizontalHeaderItem(1).text() == "Name"
        assert session.windowTitle() == "Record a mediation session"
        assert session.label("place").text() == "Place"
        assert rooms.windowTitle() == "Mediation rooms and mediators"
        assert rooms.add_mediator_button.text() == "Add mediator…"
        assert form.windowTitle() == "New mediation room" and form.label("level").text() \
            == "Level"
        assert form.level.currentText() == "town center"
    finally:
        cc_app.switch("zh_CN")
    qtbot.waitUntil(lambda: intake.windowTitle() == "受理矛盾纠纷", timeout=5000)
    assert intake.risk.currentText() == "高" and form.label("level").text() == "层级"
    assert session.windowTitle() == zh_session != "Record a mediation session"
    assert form.level.currentText() == "乡镇调解中心"
    for d in (intake, session, form):
        d.reject()
