"""The activity feed and the duty log: the model, live changes, the outbox, the reconnect."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center.models import DutyLogEntry
from command_center.services.activity import ActivityItem
from command_center.services.audit import Actor
from command_center.views.activity.activity_table_model import (
    COL_ACTOR,
    COL_REASON,
    COL_SUMMARY,
    ActivityTableModel,
    IdRole,
)
from command_center.views.activity.activity_view import ActivityView
from command_center.views.main_window import DatabaseInfo, MainWindow
from command_center.workers.live import CONNECTED, DISCONNECTED

T0 = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _item(i: int, summary: str = "", reason: str | None = None) -> ActivityItem:
    return ActivityItem(
        id=i,
        at=T0 + dt.timedelta(minutes=i),
        actor="张敏" if i % 2 else "系统",
        action="incident.update",
        entity_type="incident",
        entity_id=i,
        summary=summary or f"将事件 MLX{i:06d}（洪水镇利民村占道经营）派给县城管局",
        reason=reason,
    )


# --- the model ----------------------------------------------------------------------------


def test_model_passes_qtmodeltester(qtmodeltester) -> None:
    model = ActivityTableModel(capacity=50)
    model.merge([_item(i, reason="超过办理时限" if i % 3 == 0 else None) for i in range(1, 20)])
    qtmodeltester.check(model, force_py=True)
    model.merge([_item(i) for i in (25, 22, 21)])
    model.merge([_item(i) for i in range(40, 80)])  # beyond the capacity
    qtmodeltester.check(model, force_py=True)


def test_merge_inserts_in_place_dedups_and_keeps_capacity(qtbot) -> None:
    model = ActivityTableModel(capacity=5)
    resets: list[bool] = []
    inserted: list[tuple[int, int]] = []
    model.modelAboutToBeReset.connect(lambda: resets.append(True))
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))

    assert model.merge([_item(2), _item(4)]) == 2
    assert model.merge([_item(9), _item(4), _item(8)]) == 2  # 4 is held already
    ids = [model.index(r, 0).data(IdRole) for r in range(model.rowCount())]
    assert ids == [9, 8, 4, 2]  # newest on top
    assert inserted == [(0, 1), (0, 1)]

    # a late commit with a smaller id goes where it belongs, not on top
    assert model.merge([_item(3)]) == 1
    assert [model.index(r, 0).data(IdRole) for r in range(5)] == [9, 8, 4, 3, 2]

    # full: the oldest rows leave, entries older than all held do not come in
    assert model.merge([_item(10), _item(1)]) == 1
    assert [model.index(r, 0).data(IdRole) for r in range(model.rowCount())] == [10, 9, 8, 4, 3]
    assert not resets

    row = model.index(0, COL_SUMMARY)
    assert "洪水镇利民村" in row.data()
    assert model.index(0, COL_ACTOR).data() == "系统"
    assert model.index(0, COL_REASON).data() == ""
    assert model.newest_time() == _item(10).at


# --- the view against the database ---------------------------------------------------------


@pytest.fixture
def activity_view(qtbot, cc_app, people, runner, live):
    view = ActivityView(runner, Actor(people.operator.id, people.operator.display_name), live)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    yield view
    view.shutdown()


def test_change_from_another_workstation_appears(qtbot, activity_view, add_audit) -> None:
    ids = add_audit(["王芳 对工单 GD000123 发起督办"], actor="王芳", reason="超过办理时限")
    qtbot.waitUntil(lambda: ids[0] in activity_view.model, timeout=10_000)
    top = activity_view.model.item(0)
    assert top.id == ids[0]
    assert top.summary == "王芳 对工单 GD000123 发起督办"
    assert top.reason == "超过办理时限"


def test_initial_load_and_filter(qtbot, cc_app, people, runner, add_audit) -> None:
    add_audit(["受理 12345 热线来电：南古镇噪音扰民", "将事件派给县住建局", "办结工单 GD000007"])
    view = ActivityView(runner, Actor(people.operator.id, people.operator.display_name))
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=10_000)
    view.filter_edit.setText("住建")
    assert view.proxy.rowCount() == 1
    assert view.count_label.text() == "1 / 3 条"
    view.filter_edit.clear()
    assert view.proxy.rowCount() == 3
    view.shutdown()


def _duty_rows(engine: Engine) -> list[DutyLogEntry]:
    with Session(engine) as s:
        return list(s.scalars(select(DutyLogEntry).order_by(DutyLogEntry.id)))


def test_duty_log_entry_is_written_and_the_edit_cleared(
    qtbot, activity_view, other_engine, type_text
) -> None:
    type_text(activity_view.duty_edit, "08:30 交接班，夜间无重大事件。")
    with qtbot.waitSignal(activity_view.sig_duty_log_written, timeout=10_000):
        qtbot.mouseClick(activity_view.record_button, Qt.MouseButton.LeftButton)
    rows = _duty_rows(other_engine)
    assert [r.text for r in rows] == ["08:30 交接班，夜间无重大事件。"]
    assert rows[0].author == "张敏"
    assert activity_view.duty_edit.toPlainText() == ""
    assert not activity_view.outbox
    # its audit entry reaches the feed like any other change
    qtbot.waitUntil(
        lambda: any("交接班" in i.summary for i in activity_view.model.items()), timeout=10_000
    )


def test_refused_duty_log_entry_keeps_the_text(qtbot, activity_view, other_engine) -> None:
    too_long = "长" * 2001
    activity_view.duty_edit.setPlainText(too_long)
    qtbot.mouseClick(activity_view.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2000" in activity_view.duty_status.text(), timeout=10_000)
    assert activity_view.duty_edit.toPlainText() == too_long
    assert not activity_view.outbox
    assert not activity_view.pending_list.isVisible()
    assert _duty_rows(other_engine) == []


# --- the reconnect ------------------------------------------------------------------------


@pytest.fixture
def main_window(qtbot, cc_app, people, runner, live, db):
    window = MainWindow(
        runner, people.operator, DatabaseInfo(db.url, embedded=False), live,
        translations=cc_app, restore_layout=False,
    )
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.mark.parametrize("outage", ["refused", "cut"], ids=["server-refuses", "connections-cut"])
def test_reconnect_loses_nothing(
    qtbot, main_window, live, other_engine, add_audit, terminate_connections, allow_connections,
    type_text, outage,
) -> None:
    """The connection drops under the operator's hands: the status bar says so and recovers,
    the feed catches up with what was written meanwhile, the operator's text survives, and the
    entry sent during the outage is written exactly once.

    "cut": the program's connections are terminated (the server is still there, so the entry
    sent right afterwards may well go through on a fresh connection). "refused": besides, the
    database refuses new connections for a while, so the entry must wait in the outbox.
    """
    view = main_window.activity_view
    states: list[str] = []
    live.sig_connection_changed.connect(states.append)
    qtbot.waitUntil(lambda: main_window.connection_state == CONNECTED, timeout=10_000)
    qtbot.waitUntil(lambda: view.model.newest_time() is not None or view._loaded, timeout=10_000)
    before = add_audit(["停电前：值班员核对夜间工单"])
    qtbot.waitUntil(lambda: before[0] in view.model, timeout=10_000)

    entry = "09:12 接县应急局通知：南丰乡暴雨预警，已转告各网格员。"
    type_text(view.duty_edit, entry)

    # the outage
    if outage == "refused":
        allow_connections(False)
    assert terminate_connections(other_engine) >= 1
    # the operator presses 记录 right after the connection went
    qtbot.mouseClick(view.record_button, Qt.MouseButton.LeftButton)
    during = add_audit([f"停电期间：李强 受理 12345 热线来电 {i}" for i in range(3)])

    if outage == "refused":
        qtbot.waitUntil(lambda: main_window.connection_state == DISCONNECTED, timeout=10_000)
        qtbot.waitUntil(lambda: view.pending_list.count() == 1, timeout=15_000)
        label = main_window.connection_label
        assert label.property("state") == DISCONNECTED
        assert label.text() == "● 连接中断，正在重连…"
        assert main_window.outbox_label.isVisible()
        # not lost, not cleared: the text is in the edit and in the outbox
        assert view.duty_edit.toPlainText() == entry
        assert [e.text for e in view.outbox] == [entry]
        # an impatient second press reuses the entry's token
        qtbot.mouseClick(view.record_button, Qt.MouseButton.LeftButton)
        assert len(view.outbox) == 1
        during += add_audit(["停电期间：王芳 发起督办"], actor="王芳")

    # the operator goes on writing the next entry while waiting
    type_text(view.duty_edit, "\n补充：")
    draft = entry + "\n补充："

    if outage == "refused":
        allow_connections(True)
    qtbot.waitUntil(lambda: DISCONNECTED in states and states[-1] == CONNECTED, timeout=20_000)
    assert main_window.connection_state == CONNECTED
    assert main_window.connection_label.text() == "● 已连接"
    qtbot.waitUntil(lambda: all(i in view.model for i in during), timeout=15_000)
    qtbot.waitUntil(lambda: not view.outbox, timeout=15_000)

    rows = [r for r in _duty_rows(other_engine) if r.text == entry]
    assert len(rows) == 1, "the entry sent during the outage must be written exactly once"
    assert view.duty_edit.toPlainText() == draft
    assert not view.pending_list.isVisible()
    assert not main_window.outbox_label.isVisible()
    # the feed is still in order, newest on top, without duplicates
    ids = [i.id for i in view.model.items()]
    assert ids == sorted(set(ids), reverse=True)


def test_outbox_survives_a_restart(qtbot, cc_app, people, runner, other_engine) -> None:
    """An entry that could not be sent before the program closed goes out at the next start."""
    from PySide6.QtCore import QSettings

    from command_center.views.activity.activity_view import OUTBOX_KEY

    QSettings().setValue(
        OUTBOX_KEY,
        '[{"token": "5b0e2f7e-2f55-4d0e-9a8f-3f1f0c1d2e3a", "text": "夜班记录：三堡镇停电", '
        '"typed_at": "2026-11-22T02:10:00+08:00", "actor_id": null, "actor_name": "张敏", '
        '"failed": true}]',
    )
    view = ActivityView(runner, Actor(people.operator.id, people.operator.display_name))
    qtbot.addWidget(view)
    assert view.pending_list.count() == 1
    qtbot.waitUntil(lambda: not view.outbox, timeout=10_000)
    assert [r.text for r in _duty_rows(other_engine)] == ["夜班记录：三堡镇停电"]
    assert QSettings().value(OUTBOX_KEY) is None
    view.shutdown()
