"""The main window: its working areas, docks and their layout across screens, wall mode,
the language, the status bar; and the overview with the figures it shows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QTabBar,
    QWidget,
)

from command_center.models import (
    AdminArea,
    CheckIn,
    GridAssignment,
    GridWorker,
    Incident,
    WorkOrder,
)
from command_center.services import overview
from command_center.views.main_window import DatabaseInfo, MainWindow, ensure_on_screen
from command_center.views.overview.area_tree_model import (
    COL_GRIDS,
    COL_NAME,
    COL_OPEN,
    COL_WORKERS,
    AreaTreeModel,
)
from command_center.views.overview.overview_view import OverviewView
from command_center.views.wall import wall_assignment
from command_center.workers.live import CONNECTED


@pytest.fixture
def make_window(qtbot, cc_app, people, runner, live, db):
    def make(
        *, restore: bool = True, show: bool = True, embedded: bool = False, user: str = ""
    ) -> MainWindow:
        window = MainWindow(
            runner,
            next(u for u in people.users if u.username == user) if user else people.operator,
            DatabaseInfo(db.url, embedded=embedded),
            live,
            translations=cc_app,
            restore_layout=restore,
        )
        qtbot.addWidget(window)
        if show:
            window.show()
            qtbot.waitExposed(window)
        window.build_deferred_views()
        return window

    return make


def _on_a_screen(widget: QWidget) -> bool:
    geo = widget.frameGeometry()
    return QGuiApplication.screenAt(QPoint(geo.center().x(), geo.top() + 10)) is not None


# --- what is there ------------------------------------------------------------------------


def test_the_center_works_from_the_map_the_queues_and_the_intake_form(make_window) -> None:
    window = make_window()
    assert list(window.docks) == [
        "map",
        "incidents",
        "orders",
        "intake",
        "overview",
        "activity",
        "supervision",
        "disputes",
        "workers",
        "analysis",
    ]
    # each button names its area and shows its key (Ctrl+1…9)
    assert [a.text() for a in window.nav.actions()] == [
        f"{title}\nCtrl+{i}"
        for i, title in enumerate(
            [
                "地图",
                "事件队列",
                "工单队列",
                "事件登记",
                "总览",
                "最新动态",
                "督办台账",
                "矛盾纠纷",
                "网格员",
            ],
            start=1,
        )
    ] + ["研判分析"]  # the tenth: no key
    docks = window.findChildren(QDockWidget)
    assert len(docks) == 10
    assert not any(d.isFloating() for d in docks)
    # the map and the feed are on screen; the queues and the overview are the map's tabs,
    # the intake form the feed's
    assert window.docks["map"].isVisible() and window.docks["activity"].isVisible()
    assert set(window.tabifiedDockWidgets(window.docks["map"])) == {
        window.docks[k]
        for k in (
            "incidents",
            "orders",
            "overview",
            "supervision",
            "disputes",
            "workers",
            "analysis",
        )
    }
    assert window.docks["supervision"].widget() is window.supervision_view
    assert window.tabifiedDockWidgets(window.docks["activity"]) == [window.docks["intake"]]
    assert window.docks["map"].widget() is window.map_view
    assert window.docks["incidents"].widget() is window.incidents_view
    assert window.docks["overview"].widget() is window.overview_view
    assert window.docks["activity"].widget() is window.activity_view
    # every dock can leave the window
    for dock in docks:
        assert dock.features() & QDockWidget.DockWidgetFeature.DockWidgetFloatable


def test_a_department_handler_works_from_the_inbox(qtbot, cc_app, people, runner, live, db) -> None:
    handler = next(u for u in people.users if u.role_code == "dept_handler")
    window = MainWindow(runner, handler, DatabaseInfo(db.url, embedded=False), live)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    # the inbox is built right after the first paint
    qtbot.waitUntil(lambda: window.inbox_view is not None, timeout=5_000)
    assert window.docks["inbox"].widget() is window.inbox_view
    assert list(window.docks) == ["inbox", "map", "activity"]
    assert window.docks["inbox"].isVisible()
    assert window.incidents_view is None and window.intake_view is None
    assert not window.import_action.isVisible()
    # the duty log is the center's: not offered at a department's desk
    assert window.activity_view.duty_box.isHidden()


def test_the_map_and_the_queues_follow_each_other(qtbot, make_window, monkeypatch) -> None:
    window = make_window()
    area = {"type": "Polygon", "coordinates": [[[100, 38], [101, 38], [101, 39], [100, 38]]]}
    seen: dict[str, object] = {}
    monkeypatch.setattr(window.incidents_view, "set_area_filter", lambda p: seen.update(i=p))
    monkeypatch.setattr(window.orders_view, "set_area_filter", lambda p: seen.update(o=p))
    monkeypatch.setattr(window.map_view, "select_incident", lambda i: seen.update(m=i))
    monkeypatch.setattr(window.incidents_view, "select_incident", lambda i: seen.update(q=i))
    window.map_view.sig_area_filter_changed.emit(area)
    assert seen["i"] == area and seen["o"] == area
    window.map_view.sig_area_filter_changed.emit(None)
    assert seen["i"] is None and seen["o"] is None
    window.incidents_view.sig_incident_selected.emit(42)
    assert seen["m"] == 42
    window.map_view.sig_open_incident.emit(7)
    assert seen["q"] == 7 and window.nav_actions["incidents"].isChecked()


def test_a_place_picked_on_the_map_goes_into_the_intake_form(
    qtbot, make_window, monkeypatch
) -> None:
    window = make_window()
    started: list[bool] = []
    monkeypatch.setattr(window.map_view, "start_pick", lambda: started.append(True))
    got: list[tuple[float, float]] = []
    monkeypatch.setattr(window.intake_view, "set_location", lambda lon, lat: got.append((lon, lat)))
    window.intake_view.sig_pick_on_map_requested.emit()
    assert started and window.nav_actions["map"].isChecked()
    window.map_view.sig_point_picked.emit(100.81, 38.43)
    assert got == [(100.81, 38.43)] and window.nav_actions["intake"].isChecked()
    window.map_view.sig_point_picked.emit(100.9, 38.5)  # not picking any more: ignored
    assert got == [(100.81, 38.43)]


def test_status_bar(qtbot, make_window, people) -> None:
    window = make_window()
    qtbot.waitUntil(lambda: window.connection_state == CONNECTED, timeout=10_000)
    assert window.connection_label.text() == "● 已连接"
    assert window.connection_label.property("state") == "connected"
    assert window.user_label.text() == "张敏 · 值班员"
    assert window.database_label.text().startswith("数据库：postgresql")
    assert "@" in window.database_label.text()
    assert window.clock_label.text()[:4].isdigit()


def test_embedded_database_is_named_so(make_window, db) -> None:
    window = make_window(show=False, embedded=True)
    assert window.database_label.text() == "数据库：内置数据库"


def test_navigation_brings_the_area_forward(qtbot, make_window) -> None:
    window = make_window()
    window.docks["activity"].close()
    assert not window.docks["activity"].isVisible()
    window.nav_actions["activity"].trigger()
    assert window.docks["activity"].isVisible()
    assert window.nav_actions["activity"].isChecked()


# --- layout across screens ----------------------------------------------------------------


def test_floating_dock_geometry_is_saved_and_restored(qtbot, make_window) -> None:
    window = make_window(restore=False)
    dock = window.docks["activity"]
    dock.setFloating(True)
    screens = QGuiApplication.screens()
    target = screens[-1].availableGeometry()  # the second screen when there is one
    wanted = QRect(target.x() + 60, target.y() + 80, 720, 520)
    # a window manager tells Qt which screen a moved window is on; offscreen does not
    dock.windowHandle().setScreen(QGuiApplication.screenAt(wanted.center()))
    dock.setGeometry(wanted)
    qtbot.waitUntil(lambda: dock.geometry().topLeft() == wanted.topLeft(), timeout=5_000)
    window.close()

    again = make_window()
    restored = again.docks["activity"]
    assert restored.isFloating()
    assert not again.docks["overview"].isFloating()
    got = restored.geometry()
    assert abs(got.x() - wanted.x()) <= 12 and abs(got.y() - wanted.y()) <= 40
    assert abs(got.width() - wanted.width()) <= 12
    assert abs(got.height() - wanted.height()) <= 40
    assert restored.screen() is QGuiApplication.screenAt(wanted.center())


def test_geometry_on_a_screen_that_is_gone_comes_back(qtbot, make_window) -> None:
    window = make_window(restore=False)
    dock = window.docks["overview"]
    dock.setFloating(True)
    # as if saved on a third monitor that has since been unplugged
    far_away = QRect(9000, 200, 800, 600)
    window.setGeometry(QRect(8000, 100, 1200, 800))
    dock.setGeometry(far_away)
    assert QGuiApplication.screenAt(far_away.center()) is None
    window.save_layout()
    window.close()

    again = make_window()
    assert again.docks["overview"].isFloating()
    assert _on_a_screen(again)
    assert _on_a_screen(again.docks["overview"])


def test_ensure_on_screen_moves_only_what_is_off_screen(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    primary = QGuiApplication.primaryScreen().availableGeometry()
    widget.setGeometry(QRect(primary.x() + 40, primary.y() + 40, 400, 300))
    assert not ensure_on_screen(widget)
    assert widget.geometry().topLeft() == QPoint(primary.x() + 40, primary.y() + 40)

    widget.setGeometry(QRect(-5000, -5000, 400, 300))
    assert ensure_on_screen(widget)
    assert primary.contains(widget.geometry().center())

    widget.setGeometry(QRect(20_000, 0, 40_000, 30_000))  # too big for any screen
    assert ensure_on_screen(widget)
    assert primary.contains(widget.geometry())


# --- wall mode ----------------------------------------------------------------------------


def test_wall_assignment_cycles_over_screens() -> None:
    assert wall_assignment(["overview", "activity"], 2) == [["overview"], ["activity"]]
    assert wall_assignment(["overview", "activity"], 3) == [["overview"], ["activity"]]
    assert wall_assignment(["a", "b", "c"], 2) == [["a", "c"], ["b"]]
    assert wall_assignment(["a", "b"], 1) == [["a", "b"]]


def test_wall_mode_one_view_per_screen_and_esc_leaves(qtbot, make_window) -> None:
    window = make_window(restore=False)
    screens = QGuiApplication.screens()
    with qtbot.waitSignal(window.sig_wall_mode_changed, timeout=5_000):
        window.enter_wall_mode(["overview", "activity"])
    walls = window.wall_windows
    assert window.in_wall_mode
    assert [w.keys for w in walls] == wall_assignment(["overview", "activity"], len(screens))
    for wall, screen in zip(walls, screens, strict=False):
        assert wall.isFullScreen()
        assert wall.geometry() == screen.geometry()
        assert wall.stack.currentWidget().isVisible()
    assert window.overview_view.window() is walls[0]
    assert not window.docks["overview"].isVisible()

    with qtbot.waitSignal(window.sig_wall_mode_changed, timeout=5_000):
        qtbot.keyClick(walls[-1].stack.currentWidget(), Qt.Key.Key_Escape)
    assert not window.in_wall_mode
    assert window.docks["overview"].widget() is window.overview_view
    assert window.docks["activity"].widget() is window.activity_view
    assert window.docks["overview"].isVisible() and window.docks["activity"].isVisible()


# --- language -----------------------------------------------------------------------------


def test_language_switches_live(qtbot, make_window, cc_app) -> None:
    window = make_window()
    try:
        window.language_actions["en"].trigger()
        assert cc_app.language == "en"
        # Qt posts LanguageChange to every window; each retranslates when it gets it
        qtbot.waitUntil(lambda: window.nav_actions["overview"].text().split("\n")[0] == "Overview")
        assert window.docks["activity"].windowTitle() == "Activity"
        assert window.activity_view.record_button.text() == "Record"
        assert window.overview_view.cards["grids"].title.text() == "Grids"
        model = window.activity_view.model
        assert model.headerData(0, Qt.Orientation.Horizontal) == "Time"
    finally:
        window.language_actions["zh_CN"].trigger()
    qtbot.waitUntil(lambda: window.nav_actions["overview"].text().split("\n")[0] == "总览")
    assert window.activity_view.record_button.text() == "记录"
    assert window.language_actions["zh_CN"].isChecked()


# --- the overview -------------------------------------------------------------------------


@pytest.fixture
def small_county(insert_row, now):
    """County → 2 towns → 2 villages → 3 grids (+1 micro-grid), workers, check-ins, incidents."""

    def area(code: str, name: str, level: str, kind: str, parent: int | None) -> int:
        return insert_row(AdminArea, code=code, name=name, level=level, kind=kind, parent_id=parent)

    county = area("620722000000", "民乐县", "county", "county", None)
    t1 = area("620722101000", "洪水镇", "town", "town", county)
    t2 = area("620722200000", "南丰乡", "town", "township", county)
    v1 = area("620722101201", "利民村", "village", "village", t1)
    v2 = area("620722200201", "马营墩村", "village", "village", t2)
    g1 = area("620722101201001", "利民村第一网格", "grid", "comprehensive", v1)
    g2 = area("620722101201002", "利民村第二网格", "grid", "comprehensive", v1)
    g3 = area("620722200201001", "马营墩村网格", "grid", "dedicated", v2)
    m1 = area("620722200201001001", "马营墩村一组", "micro_grid", "micro", g3)
    area("620722200202", "无网格村", "village", "village", t2)  # a village without grids

    def worker(code: str, name: str, kind: str = "full_time", active: bool = True) -> int:
        return insert_row(GridWorker, code=code, name=name, kind=kind, active=active)

    w1, w2, w3 = worker("W1", "王伟"), worker("W2", "李娜"), worker("W3", "张强")
    w4 = worker("W4", "刘芳", kind="micro_grid")
    w5 = worker("W5", "陈静", active=False)
    since = dt.date(2025, 1, 1)
    for w, a in ((w1, g1), (w2, g2), (w2, g3), (w3, m1), (w4, m1), (w5, g1)):
        insert_row(GridAssignment, worker_id=w, area_id=a, valid_from=since)
    insert_row(CheckIn, worker_id=w1, day=now.date(), at=now)
    insert_row(
        CheckIn,
        worker_id=w2,
        day=now.date() - dt.timedelta(days=40),
        at=now - dt.timedelta(days=40),
    )
    insert_row(CheckIn, worker_id=w5, day=now.date(), at=now)  # inactive: not counted

    def incident(n: int, status: str, at: dt.datetime, **where: int) -> int:
        return insert_row(
            Incident,
            number=f"MLX{n:06d}",
            channel_code="grid_worker",
            title="占道经营",
            status=status,
            reported_at=at,
            **where,
        )

    insert_row_channel = insert_row  # channels are reference data the incidents point at
    from command_center.models import Channel

    insert_row_channel(Channel, code="grid_worker", name="网格员上报", name_en="Grid worker")
    i1 = incident(1, "new", now, grid_id=g1, village_id=v1, town_id=t1)
    incident(2, "in_progress", now - dt.timedelta(days=3), grid_id=g1, village_id=v1, town_id=t1)
    incident(3, "closed", now, grid_id=g1, village_id=v1, town_id=t1)
    incident(4, "dispatched", now - dt.timedelta(days=2), town_id=t2)
    incident(5, "accepted", now - dt.timedelta(days=1))  # no location at all
    from command_center.models import Department

    dept = insert_row(Department, code="urban", name="县城管局")
    for n, status in ((1, "dispatched"), (2, "closed")):
        insert_row(
            WorkOrder,
            number=f"GD{n:06d}",
            incident_id=i1,
            department_id=dept,
            status=status,
            dispatched_at=now,
            deadline_at=now + dt.timedelta(days=5),
        )
    return {"county": county, "t1": t1, "t2": t2, "v1": v1, "v2": v2, "g1": g1, "g2": g2, "g3": g3}


def test_overview_figures(db, small_county, now) -> None:
    with db.sessions() as s:
        result = overview.county_overview(s, now=now)
    k = result.kpis
    assert (k.towns, k.villages_communities, k.grids, k.micro_grids) == (2, 3, 3, 1)
    assert k.full_time_workers == 3  # the micro-grid worker and the inactive one do not count
    assert k.active_workers == 1
    assert k.active_share == pytest.approx(1 / 3)
    assert k.open_work_orders == 1
    assert k.incidents_today == 2
    by_id = {a.id: a for a in result.areas}
    assert [a.level for a in result.areas][:2] == ["county", "town"]
    c, g3 = by_id[small_county["county"]], by_id[small_county["g3"]]
    assert (c.grids, c.workers, c.open_incidents) == (3, 3, 4)
    assert (g3.grids, g3.workers, g3.open_incidents) == (1, 2, 0)  # W2, and W3 via its micro-grid
    v1 = by_id[small_county["v1"]]
    assert (v1.grids, v1.workers, v1.open_incidents) == (2, 2, 2)
    t2 = by_id[small_county["t2"]]
    assert (t2.grids, t2.workers, t2.open_incidents) == (1, 2, 1)
    # parents come before their children
    seen: set[int] = set()
    for a in result.areas:
        assert a.parent_id is None or a.parent_id in seen
        seen.add(a.id)


def test_area_tree_model_passes_qtmodeltester(qtmodeltester, db, small_county) -> None:
    with db.sessions() as s:
        areas = overview.area_tree(s)
    model = AreaTreeModel()
    model.set_areas(areas)
    qtmodeltester.check(model, force_py=True)

    resets: list[bool] = []
    changed: list[bool] = []
    model.modelAboutToBeReset.connect(lambda: resets.append(True))
    model.dataChanged.connect(lambda *_: changed.append(True))
    import dataclasses

    model.set_areas([dataclasses.replace(a, open_incidents=a.open_incidents + 1) for a in areas])
    assert not resets and changed  # same hierarchy: counts updated in place
    county = model.index(0, COL_OPEN)
    assert county.data() == areas[0].open_incidents + 1
    qtmodeltester.check(model, force_py=True)


def test_overview_view_shows_and_follows_changes(
    qtbot, cc_app, runner, live, small_county, insert_row, now
) -> None:
    view = OverviewView(runner, live)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitUntil(lambda: view.overview is not None, timeout=10_000)
    assert view.cards["grids"].value.text() == "3"
    assert view.cards["active"].value.text() == "33.3%"
    assert view.cards["active"].hint.text() == "1/3人，近30天"
    assert view.cards["incidents_today"].value.text() == "2"
    county = view.proxy.index(0, 0)
    assert county.data() == "民乐县"
    assert view.tree.isExpanded(county)
    assert view.proxy.index(0, COL_GRIDS).data() == 3
    assert view.proxy.index(0, COL_WORKERS).data() == 3
    towns = [
        view.proxy.index(r, COL_NAME, county).data() for r in range(view.proxy.rowCount(county))
    ]
    assert towns == ["洪水镇", "南丰乡"]

    # someone reports an incident: the figures follow without a click
    with qtbot.waitSignal(view.sig_refreshed, timeout=10_000):
        insert_row(
            Incident,
            number="MLX000099",
            channel_code="grid_worker",
            title="噪音扰民",
            status="new",
            reported_at=now,
            grid_id=small_county["g3"],
            village_id=small_county["v2"],
            town_id=small_county["t2"],
        )
    assert view.cards["incidents_today"].value.text() == "3"
    assert view.proxy.index(0, COL_OPEN).data() == 5

    view.filter_edit.setText("马营墩")
    assert view.proxy.rowCount(view.proxy.index(0, 0)) == 1
    view.shutdown()


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _interface_texts(window: QWidget) -> set[tuple[str, str]]:
    """What the interface itself says (labels, buttons, titles, placeholders, headers, tabs,
    menus) — the window is on an empty county, so no incident's words are among them."""
    out: set[tuple[str, str]] = set()
    for w in window.findChildren(QWidget):
        name = f"{type(w).__name__}#{w.objectName()}"
        texts: list[str] = []
        if isinstance(w, QLabel | QAbstractButton):
            texts.append(w.text())
        if isinstance(w, QGroupBox):
            texts.append(w.title())
        if isinstance(w, QLineEdit | QPlainTextEdit):
            texts.append(w.placeholderText())
        if isinstance(w, QComboBox) and w.objectName() != "departmentFilter":  # names: data
            texts += [w.itemText(i) for i in range(w.count())]
        if isinstance(w, QDockWidget):
            texts.append(w.windowTitle())
        if isinstance(w, QTabBar):
            texts += [w.tabText(i) for i in range(w.count())]
        if isinstance(w, QMenu):  # a language is named in its own words (中文, English)
            texts += [a.text() for a in w.actions() if a.text() != "中文"]
        if isinstance(w, QHeaderView) and w.model() is not None:
            m = w.model()
            texts += [str(m.headerData(i, w.orientation()) or "") for i in range(w.count())]
        out |= {(name, t) for t in texts if t}
    return out


def test_english_leaves_no_chinese_in_the_interface(qtbot, make_window, cc_app) -> None:
    """Switching to English reaches every area, the intake form and the lock too; Chinese is
    left only as an example of what to type ("e.g. 洪水镇…") or a person's name beside its role,
    and English text has no full-width punctuation (issue 10, bug 2)."""
    window = make_window()
    try:
        window.language_actions["en"].trigger()
        qtbot.waitUntil(lambda: window.nav_actions["overview"].text().split("\n")[0] == "Overview")
        qtbot.wait(300)
        wrong = sorted(
            (where, text)
            for where, text in _interface_texts(window)
            if (_CJK.search(text) and not re.search(r"[A-Za-z]", text))
            or (re.search(r"[A-Za-z]", text) and re.search(r"[：，（）。]", text))
        )
        assert wrong == []
    finally:
        window.language_actions["zh_CN"].trigger()
    qtbot.waitUntil(lambda: window.nav_actions["overview"].text().split("\n")[0] == "总览")
    # and back: the intake form speaks Chinese again
    assert window.views["intake"].save_button.text().startswith("登记")


# --- a small screen (issue 10, bug 1) -----------------------------------------------------


SMALL_SCREEN = QSize(1366, 768)


def _switch_language(qtbot, window: MainWindow, language: str) -> None:  # type: ignore[no-untyped-def]
    window.language_actions[language].trigger()
    # every role has the map
    map_ = "Map" if language == "en" else "地图"
    qtbot.waitUntil(lambda: window.nav_actions["map"].text().split("\n")[0] == map_)
    qtbot.wait(100)


def _fits(window: MainWindow) -> bool:
    hint = window.minimumSizeHint()
    return hint.width() <= SMALL_SCREEN.width() and hint.height() <= SMALL_SCREEN.height()


@pytest.mark.parametrize("username", ["wangfang", "zhouyang", "admin", "zhaolei"])
def test_every_role_s_window_fits_a_1366_by_768_screen_in_english(
    qtbot, make_window, username
) -> None:
    """The areas and buttons only some roles have (the supervisor's 签发督办 beside the ledger's
    filters had made the window 1522 px wide in English) fit a small screen too."""
    window = make_window(restore=False, user=username)
    try:
        _switch_language(qtbot, window, "en")
        window.resize(SMALL_SCREEN)
        qtbot.wait(50)
        for key in window.docks:
            window.show_view(key)
            qtbot.wait(20)
            assert _fits(window), (key, window.minimumSizeHint())
    finally:
        _switch_language(qtbot, window, "zh_CN")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_window_fits_a_1366_by_768_screen(
    qtbot, make_window, insert_row, now, language
) -> None:
    """No area, filter bar, button row, status bar text or long incident widens the window
    beyond a 1366×768 screen, in Chinese and in English."""
    window = make_window(restore=False)
    try:
        if language == "en":
            _switch_language(qtbot, window, "en")
        window.resize(SMALL_SCREEN)
        qtbot.wait(50)
        # every area brought forward in turn
        for key in window.docks:
            window.show_view(key)
            qtbot.wait(20)
            assert _fits(window), (key, window.minimumSizeHint())
        status_bar = window.statusBar().minimumSizeHint().width()
        assert status_bar <= SMALL_SCREEN.width() // 2

        # an incident with the longest title, address and description there can be
        from command_center.models import Channel

        insert_row(Channel, code="hotline", name="12345热线", name_en="12345 hotline")
        incident_id = insert_row(
            Incident,
            number="SJ20261120000001",
            channel_code="hotline",
            title="Unauthorised-construction-blocking-the-fire-lane" * 4 + "长" * 8,
            description="Neighbours-complain-of-noise-every-night " * 40,
            address="洪水镇利民村第一网格" * 30,
            status="new",
            reported_at=now,
        )
        window.show_view("incidents")
        queue = window.incidents_view
        assert queue is not None
        queue.reload()
        qtbot.waitUntil(lambda: queue.model.row_of(incident_id) >= 0, timeout=10_000)
        width = window.width()
        queue.select_incident(incident_id)
        qtbot.waitUntil(
            lambda: (
                queue.details.details is not None
                and queue.details.details.incident.id == incident_id
            ),
            timeout=10_000,
        )
        qtbot.wait(50)
        assert window.width() == width
        assert _fits(window), window.minimumSizeHint()
    finally:
        if language == "en":
            _switch_language(qtbot, window, "zh_CN")


def test_long_status_bar_texts_elide(make_window) -> None:
    window = make_window()
    label = window.database_label
    label.setText("Database: postgresql://" + "very-long-host-name." * 20 + "example:5432/cc")
    assert label.minimumSizeHint().width() < 200
    label.resize(150, label.height())
    assert label.is_elided() and "…" in label.elided_text()


# --- the queue's columns in English (issue 10, bug 2) --------------------------------------


def test_queue_columns_fit_their_words_in_english(qtbot, make_window) -> None:
    """Headers, statuses, priorities and countdowns are not cut ("riority", "In prog…",
    "125 d 5 h over…")."""
    from command_center.views import words
    from command_center.views.queue.queue_model import (
        PRIORITY_TEXT,
        priority_text,
        remaining_text,
    )

    window = make_window()
    try:
        _switch_language(qtbot, window, "en")
        for queue in (window.incidents_view, window.orders_view):
            assert queue is not None
            table, model = queue.table, queue.model
            header_fm = table.horizontalHeader().fontMetrics()
            fm = table.fontMetrics()

            def room(key: str, table=table, model=model) -> int:  # type: ignore[no-untyped-def]
                return table.columnWidth(model.column_of(key)) - 8

            for column in range(model.columnCount()):
                header = model.headerData(column, Qt.Orientation.Horizontal)
                if column < model.columnCount() - 1:  # the last one stretches
                    assert header_fm.horizontalAdvance(header) + 16 <= table.columnWidth(column), (
                        header
                    )
            for code in words.status_codes(queue.kind):
                text = words.status_text(queue.kind, code)
                assert fm.horizontalAdvance(text) <= room("status"), text
            for p in PRIORITY_TEXT:
                assert fm.horizontalAdvance(priority_text(p)) <= room("priority")
            late = remaining_text(-dt.timedelta(days=125, hours=5))
            assert late == "125 d 5 h overdue"
            assert fm.horizontalAdvance(late) <= room("deadline")
    finally:
        _switch_language(qtbot, window, "zh_CN")


# --- quitting with a call half typed (issue 10, bug 15) -------------------------------------


def test_ctrl_q_asks_while_the_intake_form_holds_text(qtbot, make_window, monkeypatch) -> None:
    window = make_window()
    intake = window.intake_view
    assert intake is not None and not intake.has_unsaved_input()
    asked: list[str] = []
    answer = {"button": "继续工作"}

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text() + "\n" + box.informativeText())
        for button in box.buttons():
            if button.text() == answer["button"]:
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    intake.title_edit.setText("噪音扰民")
    assert intake.has_unsaved_input()
    window.quit_action.trigger()
    assert len(asked) == 1 and "下次启动" in asked[0]
    assert window.isVisible() and window.nav_actions["intake"].isChecked()

    answer["button"] = "退出"
    window.quit_action.trigger()
    assert len(asked) == 2
    assert not window.isVisible()


def test_ctrl_q_quits_at_once_with_an_empty_intake_form(qtbot, make_window, monkeypatch) -> None:
    window = make_window()
    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail("asked"))
    window.quit_action.trigger()
    assert not window.isVisible()


def test_the_countdown_shows_all_its_words_in_english(  # type: ignore[no-untyped-def]
    qtbot, make_window, db, insert_row, runner
) -> None:
    """At 1366×768 in English the details' countdown read "4 d 3 h overdu"."""
    from command_center import clock
    from command_center.models import Channel, Incident

    insert_row(Channel, code="hotline_12345", name="12345热线", name_en="12345 hotline")
    window = make_window()
    try:
        window.resize(1366, 768)
        window.language_actions["en"].trigger()
        qtbot.waitUntil(lambda: window.nav_actions["overview"].text().split("\n")[0] == "Overview")
        iid = insert_row(
            Incident,
            number="SJ20261101T001",
            channel_code="hotline_12345",
            title="路灯不亮" * 10,
            status="accepted",
            reported_at=clock.now() - dt.timedelta(days=130),
            due_at=clock.now() - dt.timedelta(days=125, hours=23),
        )
        view = window.views["incidents"]
        view.select_incident(iid)
        details = view.details
        qtbot.waitUntil(
            lambda: details.details is not None and details.details.incident.id == iid,
            timeout=10_000,
        )
        label = details.countdown
        assert "overdue" in label.text()
        assert "Priority: Normal" in details.facts.text() and "：" not in details.facts.text()
        assert label.width() >= label.fontMetrics().horizontalAdvance(label.text()) + 2 * 14
    finally:
        window.language_actions["zh_CN"].trigger()
        # the switch reloads what the views show: let it land before the window closes
        qtbot.waitUntil(lambda: window.nav_actions["overview"].text().split("\n")[0] == "总览")
        qtbot.waitUntil(lambda: runner.pending == 0, timeout=10_000)


def test_a_figure_of_the_analysis_opens_the_queue_with_its_records(make_window, qtbot) -> None:
    from command_center.services.queue import QueueFilter

    window = make_window()
    analysis = window.views["analysis"]
    f = QueueFilter(
        statuses=("new",),
        reported_from="2026-11-01T00:00:00+08:00",
        reported_to="2026-11-02T00:00:00+08:00",
    )
    analysis.sig_open_records.emit("incidents", f)
    qtbot.waitUntil(lambda: window.docks["incidents"].isVisible(), timeout=5_000)
    assert window.incidents_view.current_filter() == f
    assert window.incidents_view.sort == "reported"
    g = QueueFilter(department_id=1, ids=(1, 2, 3))
    analysis.sig_open_records.emit("orders", g)
    qtbot.waitUntil(lambda: window.docks["orders"].isVisible(), timeout=5_000)
    assert window.orders_view.current_filter() == g


def test_the_analysis_hands_its_selection_to_the_maps_choropleth(make_window, qtbot) -> None:
    import datetime as dt

    from command_center.clock import CST
    from command_center.views.analysis.analysis_view import MapSelection

    window = make_window()
    analysis = window.views["analysis"]
    start = dt.datetime(2026, 10, 1, tzinfo=CST)
    end = dt.datetime(2026, 11, 1, tzinfo=CST)
    analysis.sig_show_on_map.emit(MapSelection(start, end, "01", None))
    qtbot.waitUntil(lambda: window.docks["map"].isVisible(), timeout=5_000)
    f = window.map_view.incident_filter
    assert (f.since, f.until, tuple(f.categories or ()), f.town_id) == (start, end, ("01",), None)
    assert not f.open_only and not f.statuses
    assert window.map_view.layer_boxes["choropleth"].isChecked()


def test_areas_past_the_ninth_have_no_ctrl_key(make_window, monkeypatch) -> None:
    from command_center.views import main_window as mw

    keys = (*mw.views_for("duty_operator"), "tenth")
    monkeypatch.setattr(mw, "views_for", lambda _role: keys)
    window = make_window()
    shortcuts = [window.nav_actions[k].shortcut().toString() for k in keys]
    assert shortcuts[:9] == [f"Ctrl+{i}" for i in range(1, 10)]
    assert shortcuts[9] == "" and "\n" not in window.nav_actions["tenth"].text()
