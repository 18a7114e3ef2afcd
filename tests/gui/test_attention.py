"""What needs action finds the person: a department returns an order, an urgent call or a call
without a location comes in at another workstation — this one shows a badge and a toast with
the department's reason, once; a handler is told of a new order in the inbox; nothing else is
news (an ordinary call, a change read twice, a reconnection)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.services import intake, orders
from command_center.services.audit import Actor
from command_center.views.attention import AttentionButton, AttentionWatcher, Toast
from tests.conftest import make_new_incidents as _make_new
from tests.gui.test_queue_trial import WAIT, _user


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def _call(engine, *, priority: int, located: bool, title: str) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        draft = intake.IncidentDraft(
            channel_code="hotline_12345",
            category_code="030202",
            title=title,
            description="来电反映",
            lon=100.81 if located else None,
            lat=38.43 if located else None,
            priority=priority,
            no_location_reason=None if located else "来电人说不清位置",
        )
        return intake.create_incident(s, Actor(None, "王丽娟"), draft).id


def _watch(qtbot, runner, live, user):  # type: ignore[no-untyped-def]
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    watcher = AttentionWatcher(runner, live, user, window)
    button = AttentionButton(watcher, window)
    toast = Toast(window)
    watcher.sig_notices.connect(toast.show_notices)
    return window, watcher, button, toast


def test_the_center_is_told_of_a_return_an_urgent_call_and_a_call_without_a_place(
    qtbot, cc_app, db, runner, live, other_engine
) -> None:
    window, watcher, button, toast = _watch(qtbot, runner, live, _user(db, "zhiban1"))
    opened: list[int] = []
    toast.sig_open.connect(opened.append)
    # an ordinary call is no one's news
    _call(other_engine, priority=3, located=True, title="路灯不亮")
    # a department returns an order at its workstation
    (inc_id,) = _make_new(other_engine, 1)
    police = _user(db, "bm_police")
    me = Actor(police.id, police.display_name)
    with Session(other_engine) as s:
        (order,) = orders.dispatch(s, Actor(None, "李强"), inc_id, police.department_id)
        orders.accept_order(s, me, order.id)
        orders.return_order(s, me, order.id, "现场无此路灯，地址有误")
    qtbot.waitUntil(lambda: toast.isVisible(), timeout=WAIT)
    assert "部门退单" in toast.heading.text()
    assert (
        "现场无此路灯，地址有误" in toast.body.text()
        and police.department_name in toast.body.text()
    )
    assert watcher.unread == 1 and "1" in button.text()
    assert [n.kind for n in watcher.notices] == ["returned"]
    window.grab().save("/tmp/attention_toast.png")
    # an urgent call and a call without a place
    urgent = _call(other_engine, priority=1, located=True, title="化工厂附近有刺鼻气味")
    nowhere = _call(other_engine, priority=3, located=False, title="有人打架")
    qtbot.waitUntil(lambda: watcher.unread == 3, timeout=WAIT)
    kinds = {(n.kind, n.incident_id) for n in watcher.notices}
    assert kinds == {("returned", inc_id), ("urgent", urgent), ("no_location", nowhere)}
    # the same order touched again in the same state: not news twice
    with other_engine.begin() as c:
        c.execute(text("UPDATE work_orders SET result = result WHERE id = :i"), {"i": order.id})
    qtbot.wait(1500)
    assert watcher.unread == 3
    # a click on the toast opens the incident; looking at the list clears the badge
    toast.mousePressEvent(_press())
    assert opened and not toast.isVisible()
    button.menu_.aboutToShow.emit()
    assert watcher.unread == 0 and button.text().endswith("待办")
    assert len(button.menu_.actions()) >= 3


def test_a_handler_is_told_of_a_new_order_and_not_of_the_centers_news(
    qtbot, cc_app, db, runner, live, other_engine
) -> None:
    police = _user(db, "bm_police")
    _window, watcher, _button, toast = _watch(qtbot, runner, live, police)
    _call(other_engine, priority=1, located=True, title="紧急：燃气泄漏")  # the center's news
    (inc_id,) = _make_new(other_engine, 1)
    with Session(other_engine) as s:
        orders.dispatch(s, Actor(None, "李强"), inc_id, police.department_id)
    qtbot.waitUntil(lambda: watcher.unread >= 1, timeout=WAIT)
    qtbot.wait(500)
    assert [n.kind for n in watcher.notices] == ["new_order"]
    assert "新工单待签收" in toast.heading.text()


def _press():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent

    return QMouseEvent(
        QMouseEvent.Type.MouseButtonPress,
        QPointF(5, 5),
        QPointF(5, 5),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )


def test_a_department_is_told_of_new_supervision_of_its_order(
    qtbot, cc_app, db, runner, live, other_engine
) -> None:
    from command_center.services import supervision

    police = _user(db, "bm_police")
    duban = _user(db, "duban1")
    (inc_id,) = _make_new(other_engine, 1)
    _window, watcher, _button, toast = _watch(qtbot, runner, live, police)
    with Session(other_engine) as s:
        (order,) = orders.dispatch(s, Actor(None, "李强"), inc_id, police.department_id)
    qtbot.waitUntil(lambda: watcher.unread == 1, timeout=WAIT)  # the new order first
    with Session(other_engine) as s:
        supervision.issue(
            s,
            Actor(duban.id, duban.display_name),
            level="supervise",
            instructions="请三日内反馈处置情况",
            working_days=3,
            work_order_id=order.id,
        )
    qtbot.waitUntil(lambda: watcher.unread == 2, timeout=WAIT)
    qtbot.wait(300)
    assert [(n.kind, n.incident_id) for n in watcher.notices] == [
        ("supervision", inc_id),  # newest first
        ("new_order", inc_id),
    ]
    assert "新督办待签收" in toast.heading.text()


def test_supervision_not_acknowledged_comes_back_once_per_interval(
    qtbot, cc_app, db, runner, other_engine
) -> None:
    import datetime as dt

    from command_center import clock
    from command_center.services import supervision

    police = _user(db, "bm_police")
    duban = _user(db, "duban1")
    (inc_id,) = _make_new(other_engine, 1)
    with Session(other_engine) as s:
        (order,) = orders.dispatch(s, Actor(None, "李强"), inc_id, police.department_id)
        issued = supervision.issue(
            s,
            Actor(duban.id, duban.display_name),
            level="supervise",
            instructions="请尽快签收",
            working_days=3,
            work_order_id=order.id,
        )
    _window, watcher, _button, toast = _watch(qtbot, runner, None, police)

    def mine() -> list[str]:
        """The notices about this incident (the demo county has older supervision too)."""
        return [n.kind for n in watcher.notices if n.incident_id == inc_id]

    watcher.recheck()  # not yet an hour: nothing about this one
    qtbot.waitUntil(lambda: watcher.unread > 0, timeout=WAIT)  # the demo's older ones
    assert mine() == []
    clock.travel_to(clock.now() + dt.timedelta(minutes=61))
    watcher.recheck()
    qtbot.waitUntil(lambda: mine() == ["unacknowledged"], timeout=WAIT)
    assert "督办仍未签收" in toast.heading.text()
    watcher.recheck()  # the same hour again: not news twice
    qtbot.wait(800)
    assert mine() == ["unacknowledged"]
    clock.travel_to(clock.now() + dt.timedelta(minutes=60))
    watcher.recheck()
    qtbot.waitUntil(lambda: mine() == ["unacknowledged"] * 2, timeout=WAIT)
    # acknowledged: it stops coming back
    with Session(other_engine) as s:
        supervision.acknowledge(s, Actor(police.id, police.display_name), issued.id)
    clock.travel_to(clock.now() + dt.timedelta(minutes=60))
    watcher.recheck()
    qtbot.wait(800)
    assert mine() == ["unacknowledged"] * 2


def test_a_large_urgent_dispute_alerts_the_center_and_opens_its_case(
    qtbot, cc_app, db, runner, live, other_engine
) -> None:
    from command_center.services import disputes
    from tests.db.test_disputes import _input

    _window, watcher, _button, toast = _watch(qtbot, runner, live, _user(db, "zhiban1"))
    opened: list[int] = []
    toast.sig_open_case.connect(opened.append)
    with Session(other_engine) as s:
        snap = disputes.intake(
            s,
            Actor(None, "调解中心"),
            _input(s, people_involved=120, risk_level="major", risk_reasons="欠薪农民工聚集"),
        )
    qtbot.waitUntil(lambda: any(n.kind == "dispute_alert" for n in watcher.notices), timeout=WAIT)
    alert = next(n for n in watcher.notices if n.kind == "dispute_alert")
    assert alert.case_id == snap.id and "须报县级" in (alert.reason or "")
    assert "矛盾纠纷预警" in toast.heading.text()
    toast.mousePressEvent(_press())
    assert opened == [snap.id]


def test_the_tray_shows_the_count_and_the_newest_notice_and_is_skipped_without_a_tray(
    qtbot, cc_app
) -> None:
    import datetime as dt

    from PySide6.QtWidgets import QSystemTrayIcon

    from command_center.services import attention as svc
    from command_center.services.auth import UserInfo
    from command_center.views.attention import AttentionTray

    user = UserInfo(1, "zhiban1", "王丽娟", "duty_operator", "值班员", None, None)
    window = QWidget()
    qtbot.addWidget(window)
    watcher = AttentionWatcher(None, None, user, window)  # type: ignore[arg-type]
    # offscreen there is no tray: nothing is made and nothing fails
    assert not QSystemTrayIcon.isSystemTrayAvailable()
    assert AttentionTray(watcher, window).icon is None
    # where there is one: the count in the icon's tooltip, the newest notice as a message
    tray = AttentionTray(watcher, window, available=True)
    shown: list[tuple[str, str]] = []
    tray.icon.showMessage = lambda title, body, *a: shown.append((title, body))  # type: ignore[method-assign,union-attr]
    opened: list[int] = []
    tray.sig_open.connect(opened.append)
    at = dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC)
    watcher._on_read(
        [
            svc.Notice("urgent", 11, "SJ001", "燃气泄漏", at),
            svc.Notice("returned", 12, "GD002", "井盖缺失", at, "城管局", "非本单位职责"),
        ]
    )
    assert tray.icon.toolTip().endswith(" 2")  # type: ignore[union-attr]
    assert len(shown) == 1 and "井盖缺失" in shown[0][1] and "非本单位职责" in shown[0][1]
    tray.icon.messageClicked.emit()  # type: ignore[union-attr]
    assert opened == [12]
    watcher.mark_read()
    assert not tray.icon.toolTip().endswith(" 2")  # type: ignore[union-attr]
    tray.stop()
