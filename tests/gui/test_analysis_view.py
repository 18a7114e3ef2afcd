"""The analysis area on the demo county: the trend and its range, the panels, a click on a
count opening exactly the records it counts, the category drill-down, the warnings."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from command_center.services import analysis as a
from command_center.services.audit import Actor
from command_center.services.queue import Query, QueueFilter, count
from command_center.views.analysis.analysis_view import AnalysisView


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


@pytest.fixture
def view(db, runner, qtbot):  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        uid, name = s.execute(text(
            "SELECT id, display_name FROM app_users WHERE role_code = 'analyst' LIMIT 1")).one()
    v = AnalysisView(runner, None, Actor(uid, name), "analyst")
    qtbot.addWidget(v)
    v.resize(1300, 700)
    v.show()
    qtbot.waitUntil(lambda: v._panels is not None and bool(v._trend), timeout=15_000)
    return v


def _queue_count(db, f: QueueFilter, kind: str = "incidents") -> int:  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        return count(s, Query(kind, f), limit=10**9).value  # type: ignore[arg-type]


def test_a_count_opens_exactly_its_records_and_categories_drill_down(db, view, qtbot) -> None:
    assert view.range_label.text()
    assert view.category_table.rowCount() > 0
    shown = int(view.category_table.item(0, 1).text())
    opened: list[tuple[str, object]] = []
    view.sig_open_records.connect(lambda kind, f: opened.append((kind, f)))
    view.category_table.cellClicked.emit(0, 1)
    kind, f = opened[-1]
    assert kind == "incidents" and isinstance(f, QueueFilter)
    assert _queue_count(db, f) == shown
    # the name drills to the second level, whose counts add up to the first's at most
    top = view.category_table.item(0, 0).text().rstrip(" ▸")
    view.category_table.cellClicked.emit(0, 0)
    qtbot.waitUntil(lambda: top in view.category_path.text(), timeout=10_000)
    second = [int(view.category_table.item(r, 1).text())
              for r in range(view.category_table.rowCount())]
    assert second and sum(second) <= shown
    view.category_up.click()
    qtbot.waitUntil(lambda: top not in view.category_path.text(), timeout=10_000)
    # a department's overdue cell opens its overdue orders
    view.tabs.setCurrentIndex(view.tabs.indexOf(view.dept_table))
    col = 3  # overdue
    row = next(r for r in range(view.dept_table.rowCount())
               if view.dept_table.item(r, col).text() != "0")
    n = int(view.dept_table.item(row, col).text())
    view.dept_table.cellClicked.emit(row, col)
    qtbot.waitUntil(lambda: opened[-1][0] == "orders", timeout=10_000)
    assert _queue_count(db, opened[-1][1], "orders") == n  # type: ignore[arg-type]


def test_a_source_of_disputes_opens_its_cases(db, view, qtbot) -> None:
    from command_center.services import disputes
    from command_center.services.disputes import CaseFilter

    view.tabs.setCurrentIndex(view.tabs.indexOf(view.source_table))
    assert view.source_table.rowCount() > 0
    opened: list[tuple[str, object]] = []
    view.sig_open_records.connect(lambda kind, f: opened.append((kind, f)))
    view.source_table.cellClicked.emit(0, 1)
    kind, f = opened[-1]
    assert kind == "disputes" and isinstance(f, CaseFilter)
    with db.sessions() as s:
        n = len(disputes.case_page(s, f, limit=10**6).rows)
    assert n == int(view.source_table.item(0, 1).text())


def test_moving_the_range_reads_the_panels_again(db, view, qtbot) -> None:
    before = view._panels
    lo, hi = view.region.getRegion()
    view.region.setRegion((lo - 14, hi - 14))
    qtbot.waitUntil(lambda: view._panels is not before, timeout=10_000)
    p = view._panels.period
    with db.sessions() as s:
        assert view._panels.headline.incidents == a.count(s, p)
    assert str(view._panels.headline.incidents) in view.headline_label.text()


def test_the_analyst_reads_warnings_but_may_not_dismiss(view, qtbot) -> None:
    qtbot.waitUntil(lambda: view.warning_list.count() == len(view._warnings), timeout=10_000)
    if view._warnings:
        view.warning_list.setCurrentRow(0)
        assert view.open_warning_button.isEnabled()
        assert not view.dismiss_button.isEnabled()


def test_the_analyst_and_the_center_have_the_area_a_handler_not() -> None:
    from command_center.views.areas import views_for

    assert "analysis" in views_for("analyst") and "analysis" in views_for("duty_operator")
    assert "analysis" not in views_for("dept_handler")


def test_meeting_mode_steps_with_the_remote_and_keeps_minutes_and_decisions(
    db, runner, qtbot, type_text,
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    with db.sessions() as s:
        uid, name = s.execute(text(
            "SELECT id, display_name FROM app_users WHERE role_code = 'supervisor' LIMIT 1")).one()
    v = AnalysisView(runner, None, Actor(uid, name), "supervisor")
    qtbot.addWidget(v)
    v.show()
    qtbot.waitUntil(lambda: v._panels is not None and bool(v._trend), timeout=15_000)
    w = v.open_meeting()
    assert w is not None
    qtbot.addWidget(w)
    qtbot.waitExposed(w)
    assert w.page_label.text() == f"1 / {w.stack.count()}"
    assert str(v._panels.headline.incidents) in w.stack.widget(0).text()
    for _ in range(w.stack.count() - 3):
        QTest.keyClick(w, Qt.Key.Key_PageDown)
    assert w.stack.currentIndex() == w.stack.count() - 3 + 0  # the warnings page
    QTest.keyClick(w, Qt.Key.Key_PageDown)  # the minutes
    type_text(w.attendees_edit, "县综治中心、县公安局")
    type_text(w.minutes_edit, "供暖投诉集中，责成住建局排查。")
    # the remote steps on from inside the minutes as well, and back
    QTest.keyClick(w.minutes_edit, Qt.Key.Key_PageDown)
    assert w.stack.currentIndex() == w.stack.count() - 1
    QTest.keyClick(w.past, Qt.Key.Key_PageUp)
    w.save_button.click()
    qtbot.waitUntil(lambda: w.meeting_id is not None, timeout=10_000)
    type_text(w.decision_edit, "下周会办时复核")
    w.decision_kind.setCurrentIndex(list(
        w.decision_kind.itemData(i) for i in range(w.decision_kind.count())).index("note"))
    w.issue_button.click()
    qtbot.waitUntil(lambda: w.decisions.count() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: w.past.rowCount() >= 1 and w.past.item(0, 1) is not None,
                    timeout=10_000)
    with db.sessions() as s:
        row = s.execute(text("SELECT attendees, minutes FROM meetings WHERE id = :i"),
                        {"i": w.meeting_id}).one()
        n = s.execute(text("SELECT count(*) FROM meeting_decisions WHERE meeting_id = :i"),
                      {"i": w.meeting_id}).scalar()
    assert row == ("县综治中心、县公安局", "供暖投诉集中，责成住建局排查。") and n == 1
    w.close()


def test_with_a_replica_the_view_reads_there_and_writes_on_the_main_database(
    db, runner, qtbot, monkeypatch,
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from command_center import clock
    from command_center.db.engine import make_engine, make_session_factory
    from command_center.workers.ops import OpsRunner

    replica = make_engine(db.url, application_name="analysis-replica", read_only=True)
    reader = OpsRunner(make_session_factory(replica))
    try:
        with db.sessions() as s:
            uid, name = s.execute(text(
                "SELECT id, display_name FROM app_users WHERE role_code = 'supervisor' "
                "LIMIT 1")).one()
        v = AnalysisView(runner, None, Actor(uid, name), "supervisor", reader=reader)
        qtbot.addWidget(v)
        v.show()
        qtbot.waitUntil(lambda: v._panels is not None and bool(v._trend), timeout=15_000)
        now = clock.now()
        w = a.Warning(f"spike_grid:1:{now.date()}", "spike_grid", "test grid", 9,
                      "测试 / test", QueueFilter(), 1e-5, now)
        v._show_warnings([w])
        v.warning_list.setCurrentRow(0)
        assert v.dismiss_button.isEnabled()
        monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("已核实 / checked", True))
        messages: list[str] = []
        v.sig_message.connect(lambda text_, _level: messages.append(text_))
        v.dismiss_button.click()  # written through the main runner: the replica refuses writes
        with db.sessions() as s:
            qtbot.waitUntil(lambda: "spike_grid:1" in a.dismissals(s, now), timeout=10_000)
        assert not messages
    finally:
        assert reader.shutdown()
        replica.dispose()
