"""The wall read from across the room (issue 10): the board's figures are the database's and
follow live changes, the map marks overdue clusters by one rule, fills its screen with the
county, names the towns, explains itself in a legend, and the wall's type follows its scale."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.services import map_data, wall_board
from command_center.views import words
from command_center.views.areas import WALL_DEFAULT
from command_center.views.wall import WALL_FONT_SCALE_KEY, WallWindow

OPEN = "('new','accepted','dispatched','in_progress')"


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


@pytest.fixture
def board(qtbot, cc_app, db, runner, live):  # type: ignore[no-untyped-def]
    from command_center.views.overview.wall_board import WallBoardView

    view = WallBoardView(runner, live)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.board is not None, timeout=15_000)
    yield view
    view.shutdown()


def _rows(db, sql: str, **params: object) -> list[tuple]:  # type: ignore[no-untyped-def]
    with Session(db.engine) as s:
        return [tuple(r) for r in s.execute(text(sql), params).all()]


def _day() -> dt.datetime:
    return clock.now().replace(hour=0, minute=0, second=0, microsecond=0)


def test_the_boards_figures_are_the_databases(board, db) -> None:  # type: ignore[no-untyped-def]
    now = board.board.as_of
    day = _day()
    [(new_today,)] = _rows(
        db,
        "SELECT count(*) FROM incidents WHERE reported_at >= :d AND reported_at < :e "
        "AND status <> 'merged'",
        d=day,
        e=day + dt.timedelta(days=1),
    )
    [(overdue,)] = _rows(
        db, f"SELECT count(*) FROM incidents WHERE status IN {OPEN} AND due_at < :now", now=now
    )
    assert board.tiles["new_today"].value.text() == f"{new_today:,}"
    assert board.tiles["overdue"].value.text() == f"{overdue:,}"
    assert new_today > 0 and overdue > 0  # the demo county has both: the check means something
    assert sum(board.board.reported_by_hour) == new_today

    by_department = _rows(
        db,
        "SELECT d.name, count(*) FROM work_orders o JOIN departments d ON d.id = o.department_id "
        "WHERE o.status IN ('dispatched','accepted','in_progress') AND o.deadline_at < :now "
        "GROUP BY d.name ORDER BY count(*) DESC, d.name",
        now=now,
    )
    assert list(board.by_department.rows) == by_department[: wall_board.BAR_LIMIT]
    assert board.tiles["overdue_orders"].value.text() == f"{sum(n for _, n in by_department):,}"
    by_town = _rows(
        db,
        "SELECT coalesce(t.name, :none), count(*) FROM incidents i "
        "LEFT JOIN admin_areas t ON t.id = i.town_id "
        f"WHERE i.status IN {OPEN} AND i.due_at < :now GROUP BY t.name "
        "ORDER BY count(*) DESC, t.name",
        now=now,
        none=wall_board.NO_TOWN,
    )
    assert list(board.by_town.rows) == by_town[: wall_board.BAR_LIMIT]
    [(checked_in,)] = _rows(
        db,
        "SELECT count(DISTINCT worker_id) FROM check_ins WHERE at >= :d AND at <= :now",
        d=day,
        now=now,
    )
    assert board.tiles["checked_in"].value.text() == f"{checked_in:,}"
    # not the fixed counts of towns and villages of the overview
    assert "towns" not in board.tiles and "villages" not in board.tiles


def test_a_new_urgent_call_is_at_the_top_after_the_live_change(  # type: ignore[no-untyped-def]
    qtbot, board, other_engine
) -> None:
    before = int(board.tiles["new_today"].value.text().replace(",", ""))
    now = clock.now()
    with qtbot.waitSignal(board.sig_refreshed, timeout=15_000), other_engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO incidents (number, channel_code, title, reported_at, priority, "
                "status, town_id, village_id, grid_id, lon, lat, due_at) "
                "SELECT 'SJ20261120TEST', channel_code, '加油站附近有人持刀伤人', :now, 1, "
                "'new', town_id, village_id, grid_id, lon, lat, :due FROM incidents "
                "WHERE town_id IS NOT NULL ORDER BY id LIMIT 1"
            ),
            {"now": now, "due": now + dt.timedelta(hours=4)},
        )
    lines = board.urgent.texts()
    assert "加油站附近有人持刀伤人" in lines[0]
    assert words.status_text("incidents", "new") in lines[0]
    assert board.tiles["new_today"].value.text() == f"{before + 1:,}"


# --- the map --------------------------------------------------------------------------------


def _js(qtbot, view, script: str):  # type: ignore[no-untyped-def]
    box: list[object] = []
    view.evaluate(f"JSON.stringify({script})", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return json.loads(box[0])  # type: ignore[arg-type]


@pytest.fixture
def wall_map(qtbot, db, runner, live):  # type: ignore[no-untyped-def]
    from command_center.views.map.map_view import MapView

    view = MapView(runner, live)
    qtbot.addWidget(view)
    view.resize(1600, 900)
    with qtbot.waitSignal(
        view.bridge.sig_push_done,
        timeout=30_000,
        check_params_cb=lambda m, _ms: m == "setIncidents",
    ):
        view.show()
    with qtbot.waitSignal(
        view.bridge.sig_push_done, timeout=10_000, check_params_cb=lambda m, _ms: m == "setWall"
    ):
        view.set_wall_mode(True)
    yield view
    view.set_wall_mode(False)
    view.shutdown()


def test_the_page_marks_clusters_by_the_one_rule(qtbot, wall_map) -> None:  # type: ignore[no-untyped-def]
    pairs = [(n, o) for n in (1, 2, 3, 5, 9, 10, 40, 100) for o in range(0, n + 1, max(n // 8, 1))]
    page = _js(
        qtbot,
        wall_map,
        f"{json.dumps(pairs)}.map(function (p) {{ return ccMap.overdueMark(p[0], p[1]); }})",
    )
    assert page == [map_data.overdue_mark(n, o) for n, o in pairs]

    info = _js(qtbot, wall_map, "ccMap.info()")
    marks = info["clusterMarks"]
    assert marks, "the county is drawn in clusters"
    assert all(mark == map_data.overdue_mark(n, o) for n, o, mark in marks)
    with_some_overdue = [m for m in marks if m[1] > 0]
    marked = [m for m in marks if m[2]]
    # before: every cluster with one overdue incident had a ring; now only some do
    assert with_some_overdue and len(marked) < len(with_some_overdue)


def test_the_wall_map_is_dark_names_the_towns_fills_with_the_county_and_has_a_legend(  # type: ignore[no-untyped-def]
    qtbot, wall_map
) -> None:
    info = _js(qtbot, wall_map, "ccMap.info()")
    assert info["wall"] is True  # the page's dark style (body.cc-wall)
    assert info["townLabels"] >= 5
    legend = info["legend"] or ""
    for code in ("new", "dispatched", "in_progress"):
        assert words.status_text("incidents", code) in legend
    assert str(map_data.OVERDUE_RING_MIN) in legend and "30%" in legend
    (s, w), (n, e) = info["countyBounds"]
    (vs, vw), (vn, ve) = info["bounds"]
    assert vs <= s and vw <= w and vn >= n and ve >= e  # all of the county is on the screen
    # and it fills it: in one direction it takes (nearly) all the room
    assert max((n - s) / (vn - vs), (e - w) / (ve - vw)) > 0.85

    wall_map.resize(1000, 900)  # a narrower screen: the county is fitted again
    qtbot.waitUntil(
        lambda: (
            _js(qtbot, wall_map, "ccMap.info()")["bounds"][1][1]
            - _js(qtbot, wall_map, "ccMap.info()")["bounds"][0][1]
            < ve - vw - 1e-6
        ),
        timeout=5_000,
    )
    (vs, vw), (vn, ve) = _js(qtbot, wall_map, "ccMap.info()")["bounds"]
    assert vw <= w and ve >= e and max((n - s) / (vn - vs), (e - w) / (ve - vw)) > 0.85

    with qtbot.waitSignal(
        wall_map.bridge.sig_push_done, timeout=10_000, check_params_cb=lambda m, _ms: m == "setWall"
    ):
        wall_map.set_wall_mode(False)
    info = _js(qtbot, wall_map, "ccMap.info()")
    assert info["wall"] is False and info["legend"]  # the legend stays, small


# --- the type scale and the default wall ------------------------------------------------------


def test_the_walls_type_follows_its_scale(qtbot, board, wall_map) -> None:  # type: ignore[no-untyped-def]
    screen = QGuiApplication.primaryScreen()
    sizes = {}
    for scale in (1.0, 1.5):
        QSettings().setValue(WALL_FONT_SCALE_KEY, scale)
        window = WallWindow(screen, [("board", board)])
        qtbot.addWidget(window)
        window.resize(1920, 1080)
        window.show()
        qtbot.waitExposed(window)
        sizes[scale] = (
            board.tiles["open"].value.font().pointSizeF(),
            window.title.font().pointSizeF(),
            board.by_town.font().pointSizeF(),
        )
        wall_map.set_wall_mode(True)
        assert wall_map.view.zoomFactor() == pytest.approx(1.25 * scale, abs=0.01)
        for _key, page in window.take_pages():
            page.setParent(None)  # the board outlives this window
        window.close()
    big, small = sizes[1.5], sizes[1.0]
    assert small[0] >= 40  # a headline figure is read from five metres
    for a, b in zip(big, small, strict=True):
        assert a == pytest.approx(1.5 * b, abs=0.2)
    # a figure on the board fits its tile at the larger scale too
    assert board.tiles["open"].value.sizeHint().width() <= board.tiles["open"].width()


def test_the_board_is_the_second_screen_by_default(qtbot, cc_app, runner, live, db) -> None:  # type: ignore[no-untyped-def]
    from command_center.services import auth
    from command_center.views.main_window import DatabaseInfo, MainWindow
    from command_center.views.overview.wall_board import WallBoardView

    with Session(db.engine) as s:
        user = next(u for u in auth.demo_accounts(s) if u.role_code == "duty_operator")
    window = MainWindow(
        runner,
        user,
        DatabaseInfo(db.url, embedded=False),
        live,
        translations=cc_app,
        restore_layout=False,
    )
    qtbot.addWidget(window)
    window.show()
    window.build_deferred_views()
    assert WALL_DEFAULT == ("map", "board")
    assert "board" not in window.docks and "board" not in window.nav_actions
    with qtbot.waitSignal(window.sig_wall_mode_changed, timeout=5_000):
        window.enter_wall_mode()
    assert window.wall_view_keys() == [["map"], ["board"]]
    board = window.wall_windows[1].stack.currentWidget()
    assert isinstance(board, WallBoardView) and board.isVisible()
    with qtbot.waitSignal(window.sig_wall_mode_changed, timeout=5_000):
        window.leave_wall_mode()
    assert not board.isVisible() and window.docks["map"].widget() is window.map_view
    window.close()
