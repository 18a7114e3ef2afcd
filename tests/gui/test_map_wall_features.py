"""The map wall's filters, layers, area selection, picking, tiles and wall cycling, as an
operator would check them: the counts on the map are the database's."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from PySide6.QtCore import QTimer
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.services import geo_transform, map_data
from command_center.services import settings as center_settings
from command_center.services.audit import Actor


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def _open_view(qtbot, runner, live):  # type: ignore[no-untyped-def]
    from command_center.views.map.map_view import MapView

    view = MapView(runner, live)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    with qtbot.waitSignal(
        view.bridge.sig_push_done,
        timeout=30_000,
        check_params_cb=lambda m, _ms: m == "setIncidents",
    ):
        view.show()
    return view


@pytest.fixture
def map_view(qtbot, db, runner, live):  # type: ignore[no-untyped-def]
    view = _open_view(qtbot, runner, live)
    yield view
    view.shutdown()


def _js(qtbot, view, script: str):  # type: ignore[no-untyped-def]
    box: list[object] = []
    view.evaluate(f"JSON.stringify({script})", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return json.loads(box[0])  # type: ignore[arg-type]


def _info(qtbot, view) -> dict:  # type: ignore[no-untyped-def]
    return _js(qtbot, view, "ccMap.info()")


def _count(db, sql: str, **params: object) -> int:  # type: ignore[no-untyped-def]
    with Session(db.engine) as s:
        return int(s.execute(text(sql), params).scalar_one())


OPEN = "('new','accepted','dispatched','in_progress')"


def _wait_incidents(qtbot, view):  # type: ignore[no-untyped-def]
    return qtbot.waitSignal(
        view.bridge.sig_push_done,
        timeout=10_000,
        check_params_cb=lambda m, _ms: m == "setIncidents",
    )


def test_channel_category_and_status_filters_show_the_databases_count(qtbot, map_view, db) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: map_view.filter_popup.lists["channels"].count() > 5, timeout=10_000)
    with _wait_incidents(qtbot, map_view):
        map_view.set_filter("30d")
    with _wait_incidents(qtbot, map_view):
        map_view.set_detail_filter(
            channels=("hotline_12345", "grid_worker"),
            categories=("01", "03"),
            statuses=("new", "closed"),
        )
    expected = _count(
        db,
        "SELECT count(*) FROM incidents WHERE channel_code IN ('hotline_12345','grid_worker') "
        "AND (category_code LIKE '01%' OR category_code LIKE '03%') "
        "AND status IN ('new','closed') AND lon IS NOT NULL AND lat IS NOT NULL "
        "AND reported_at >= :now - interval '30 days'",
        now=clock.now(),
    )
    assert expected > 0
    assert _info(qtbot, map_view)["incidents"] == expected
    # the bar says what is filtered
    assert map_view.filter_button.text().startswith(map_view.tr("Filter: %1")[:-2])
    tip = map_view.filter_button.toolTip()
    # in the language the interface speaks at the time (tests before may have switched it)
    assert "12345" in tip
    assert "Grid worker" in tip or "网格员上报" in tip
    assert "Closed" in tip or "已归档" in tip  # the queue's word for it (was 已结案 on the map)
    with _wait_incidents(qtbot, map_view):
        map_view.set_detail_filter()
    assert _info(qtbot, map_view)["incidents"] > expected


def test_a_custom_date_range_keeps_the_days_chosen(qtbot, map_view, db) -> None:  # type: ignore[no-untyped-def]
    today = clock.today()
    start, end = today - dt.timedelta(days=20), today - dt.timedelta(days=10)
    with _wait_incidents(qtbot, map_view):
        map_view.set_filter("custom", date_from=start, date_to=end)
    assert map_view.date_from.isVisible() and map_view.date_to.isVisible()
    tz = clock.now().astimezone().tzinfo
    expected = _count(
        db,
        "SELECT count(*) FROM incidents WHERE status <> 'merged' AND lon IS NOT NULL "
        "AND lat IS NOT NULL AND reported_at >= :a AND reported_at < :b",
        a=dt.datetime.combine(start, dt.time(), tz),
        b=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz),
    )
    assert expected > 0
    assert _info(qtbot, map_view)["incidents"] == expected


def test_a_live_change_outside_the_filter_stays_off_the_map(
    qtbot, map_view, db, other_engine
) -> None:  # type: ignore[no-untyped-def]
    with _wait_incidents(qtbot, map_view):
        map_view.set_detail_filter(channels=("petition",))
    before = _info(qtbot, map_view)["incidents"]
    with other_engine.begin() as conn:
        for channel in ("hotline_12345", "petition"):
            shown = conn.execute(
                text(
                    "INSERT INTO incidents (number, channel_code, title, lon, lat, status, "
                    "reported_at) VALUES (:n, :c, '地图筛选测试', 100.82, 38.44, 'new', :now) "
                    "RETURNING id"
                ),
                {"n": f"SJ-T-{channel}", "c": channel, "now": clock.now()},
            ).scalar_one()
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["incidents"] == before + 1, timeout=15_000)
    # A fence: move the petition a little in a later commit and wait until its marker has moved;
    # notifications arrive in commit order, so the hotline call has been dealt with by then.
    with other_engine.begin() as conn:
        conn.execute(
            text("UPDATE incidents SET lon = 100.83, version = version + 1 WHERE id = :i"),
            {"i": shown},
        )
    qtbot.waitUntil(
        lambda: (
            (_js(qtbot, map_view, f"ccMap.incidentPosition({shown})") or {}).get("lon")
            == pytest.approx(100.83)
        ),
        timeout=15_000,
    )
    assert _info(qtbot, map_view)["incidents"] == before + 1  # the hotline call stays off


def test_a_shift_dragged_rectangle_keeps_exactly_the_incidents_inside(qtbot, map_view, db) -> None:  # type: ignore[no-untyped-def]
    south, west, north, east = 38.35, 100.70, 38.50, 100.90
    with qtbot.waitSignal(map_view.sig_area_filter_changed, timeout=10_000) as blocker:
        _js(qtbot, map_view, f"ccMap.dragArea([[{south}, {west}], [{north}, {east}]], true)")
    polygon = blocker.args[0]
    assert polygon["type"] == "Polygon"
    ring = polygon["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 5
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    # the rectangle drawn on the screen, to a pixel
    assert min(lons) == pytest.approx(west, abs=0.003) and max(lats) == pytest.approx(
        north, abs=0.003
    )
    qtbot.waitUntil(lambda: map_view.area_chip.isVisible(), timeout=5_000)
    expected = _count(
        db,
        f"SELECT count(*) FROM incidents WHERE status IN {OPEN} AND lon BETWEEN :w AND :e "
        "AND lat BETWEEN :s AND :n",
        w=min(lons),
        e=max(lons),
        s=min(lats),
        n=max(lats),
    )
    assert expected > 0
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["incidents"] == expected, timeout=10_000)
    assert _info(qtbot, map_view)["area"] == 1  # the outline stays drawn

    everything = _count(
        db, f"SELECT count(*) FROM incidents WHERE status IN {OPEN} AND lon IS NOT NULL"
    )
    with qtbot.waitSignal(map_view.sig_area_filter_changed, timeout=10_000) as cleared:
        map_view.area_chip.click()
    assert cleared.args == [None]
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["incidents"] == everything, timeout=10_000)
    assert not map_view.area_chip.isVisible()
    assert _info(qtbot, map_view)["area"] == 0


def test_a_lasso_draws_a_free_shape(qtbot, map_view, db) -> None:  # type: ignore[no-untyped-def]
    map_view.lasso_button.click()
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["mode"] == "lasso", timeout=5_000)
    tri = [[38.30, 100.70], [38.32, 100.75], [38.40, 100.95], [38.55, 100.80], [38.45, 100.72]]
    with qtbot.waitSignal(map_view.sig_area_filter_changed, timeout=10_000) as blocker:
        _js(qtbot, map_view, f"ccMap.dragArea({json.dumps(tri)}, false)")
    ring = blocker.args[0]["coordinates"][0]
    assert len(ring) == len(tri) + 1
    with Session(db.engine) as s:
        inside = map_data.incident_points(
            s, map_data.IncidentFilter(open_only=True, area=blocker.args[0])
        )
    assert len(inside) > 0
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["incidents"] == len(inside), timeout=10_000)
    assert _info(qtbot, map_view)["mode"] is None


def test_pick_mode_emits_the_clicked_point_and_esc_cancels(qtbot, map_view) -> None:  # type: ignore[no-untyped-def]
    map_view.start_pick()
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["mode"] == "pick", timeout=5_000)
    with qtbot.waitSignal(map_view.sig_point_picked, timeout=10_000) as blocker:
        _js(qtbot, map_view, "ccMap.clickAt(38.43, 100.81)")
    lon, lat = blocker.args
    assert lon == pytest.approx(100.81, abs=0.003) and lat == pytest.approx(38.43, abs=0.003)
    assert _info(qtbot, map_view)["mode"] is None

    # Esc in the page
    map_view.start_pick()
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["mode"] == "pick", timeout=5_000)
    with qtbot.waitSignal(map_view.sig_pick_cancelled, timeout=5_000):
        _js(
            qtbot, map_view, "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}))"
        )
    assert _info(qtbot, map_view)["mode"] is None
    # Esc on the widget (the shortcut) — only armed while picking, the wall has its own Esc
    assert not map_view._esc.isEnabled()
    map_view.start_pick()
    assert map_view._esc.isEnabled()
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["mode"] == "pick", timeout=5_000)
    with qtbot.waitSignal(map_view.sig_pick_cancelled, timeout=5_000):
        map_view._esc.activated.emit()
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["mode"] is None, timeout=5_000)
    assert not map_view._esc.isEnabled()


def test_clicking_an_incident_shows_its_card_and_keeps_the_signal(qtbot, map_view, db) -> None:  # type: ignore[no-untyped-def]
    with Session(db.engine) as s:
        points = map_data.incident_points(s, map_data.IncidentFilter(open_only=True))
        incident_id = points.columns["id"][0]
        number, title = s.execute(
            text("SELECT number, title FROM incidents WHERE id = :i"), {"i": incident_id}
        ).one()
    map_view.select_incident(incident_id)
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["zoom"] >= 15, timeout=10_000)
    with qtbot.waitSignal(map_view.sig_incident_selected, timeout=10_000) as blocker:
        _js(qtbot, map_view, f"ccMap.clickIncident({incident_id})")
    assert blocker.args == [incident_id]
    qtbot.waitUntil(lambda: map_view.card.number.text() == number, timeout=10_000)
    assert map_view.card.isVisible()
    assert map_view.card.title.text() == title
    assert map_view.card.fields["grid"].text() not in ("", "—")
    with qtbot.waitSignal(map_view.sig_open_incident, timeout=5_000) as opened:
        map_view.card.open_button.click()
    assert opened.args == [incident_id]


def test_data_layers_receive_the_databases_counts(qtbot, map_view, db) -> None:  # type: ignore[no-untyped-def]
    info = _info(qtbot, map_view)
    assert info["heatPoints"] == info["choroplethGrids"] == info["workers"] == 0  # off at start
    map_view.layer_boxes["heat"].setChecked(True)
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["heatPoints"] > 0, timeout=10_000)
    assert _info(qtbot, map_view)["heatPoints"] == info["incidents"]

    for layer in ("choropleth", "workers", "cameras", "disputes"):
        map_view.layer_boxes[layer].setChecked(True)
    per_grid = _count(
        db, f"SELECT count(*) FROM incidents WHERE status IN {OPEN} AND grid_id IS NOT NULL"
    )
    workers = _count(
        db,
        "SELECT count(DISTINCT c.worker_id) FROM check_ins c JOIN grid_workers w "
        "ON w.id = c.worker_id WHERE w.active AND c.lon IS NOT NULL AND c.lat IS NOT NULL",
    )
    cameras = _count(db, "SELECT count(*) FROM cameras")
    disputes = _count(
        db,
        "SELECT count(*) FROM dispute_cases WHERE status IN ('received','mediating') "
        "AND lon IS NOT NULL AND lat IS NOT NULL",
    )
    assert min(per_grid, workers, cameras, disputes) > 0
    qtbot.waitUntil(
        lambda: (
            (lambda i: (i["choroplethTotal"], i["workers"], i["cameras"], i["disputes"]))(
                _info(qtbot, map_view)
            )
            == (per_grid, workers, cameras, disputes)
        ),
        timeout=15_000,
    )
    assert _info(qtbot, map_view)["choroplethGrids"] == 448

    # the choropleth follows the filter
    with _wait_incidents(qtbot, map_view):
        map_view.set_detail_filter(categories=("01",))
    in_01 = _count(
        db,
        f"SELECT count(*) FROM incidents WHERE status IN {OPEN} AND grid_id IS NOT NULL "
        "AND category_code LIKE '01%'",
    )
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["choroplethTotal"] == in_01, timeout=10_000)
    for layer in ("heat", "choropleth", "workers", "cameras", "disputes"):
        map_view.layer_boxes[layer].setChecked(False)
    qtbot.waitUntil(
        lambda: (
            (lambda i: i["heatPoints"] + i["workers"] + i["cameras"] + i["disputes"])(
                _info(qtbot, map_view)
            )
            == 0
        ),
        timeout=10_000,
    )


def test_wgs84_tiles_move_every_marker_by_the_datum_offset(
    qtbot, db, runner, live, other_engine
) -> None:  # type: ignore[no-untyped-def]
    tiles = {
        "url": "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png",  # nothing listens: no tiles, fast
        "crs": "WGS-84",
        "attribution": "天地图（内网）",
        "max_zoom": 17,
    }
    with Session(other_engine) as s:
        center_settings.set_value(s, Actor(None, "测试"), "map.tiles", tiles)
        s.commit()
    view = _open_view(qtbot, runner, live)
    try:
        info = _info(qtbot, view)
        assert info["tiles"] == tiles["url"]
        first = info["first"]
        lon, lat = _count_row(db, first["id"])
        want = geo_transform.gcj_to_wgs(lon, lat)
        assert first["lon"] == pytest.approx(want[0], abs=2e-6)
        assert first["lat"] == pytest.approx(want[1], abs=2e-6)
        metres = math.hypot(
            (first["lon"] - lon) * 111_320 * math.cos(math.radians(lat)),
            (first["lat"] - lat) * 110_540,
        )
        assert 100 < metres < 700  # moved by the datum offset, a few hundred metres
        # a click on the tiles picks the stored (GCJ-02) point again
        view.start_pick()
        qtbot.waitUntil(lambda: _info(qtbot, view)["mode"] == "pick", timeout=5_000)
        view.push("setView", first["lat"], first["lon"], 17)
        qtbot.waitUntil(lambda: _info(qtbot, view)["zoom"] == 17, timeout=5_000)
        with qtbot.waitSignal(view.sig_point_picked, timeout=10_000) as blocker:
            _js(qtbot, view, f"ccMap.clickAt({first['lat']}, {first['lon']})")
        assert blocker.args[0] == pytest.approx(lon, abs=2e-5)
        assert blocker.args[1] == pytest.approx(lat, abs=2e-5)
    finally:
        view.shutdown()


def _count_row(db, incident_id: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    with Session(db.engine) as s:
        row = s.execute(
            text("SELECT lon, lat FROM incidents WHERE id = :i"), {"i": incident_id}
        ).one()
    return float(row[0]), float(row[1])


def test_tile_settings_refuse_a_bad_address(qtbot) -> None:  # type: ignore[no-untyped-def]
    from command_center.views.map.widgets import TileSettingsDialog

    dialog = TileSettingsDialog(None)
    qtbot.addWidget(dialog)
    dialog.url.setText("ftp://tiles/{z}/{x}/{y}.png")
    dialog.accept()
    assert dialog.result() != TileSettingsDialog.DialogCode.Accepted
    assert "http://" in dialog.error.text() and "瓦片地址" in dialog.error.text()
    dialog.url.setText("http://10.1.2.3/vec_w/{z}/{x}/{y}")
    dialog.crs.setCurrentText("WGS-84")
    dialog.accept()
    assert dialog.result() == TileSettingsDialog.DialogCode.Accepted
    assert dialog.value() == {
        "url": "http://10.1.2.3/vec_w/{z}/{x}/{y}",
        "crs": "WGS-84",
        "attribution": "",
        "max_zoom": 18,
    }


def test_wall_mode_cycles_saved_views_and_stops(qtbot, db, runner, live, other_engine) -> None:  # type: ignore[no-untyped-def]
    with Session(other_engine) as s:
        town_id = s.execute(
            text("SELECT id FROM admin_areas WHERE level = 'town' ORDER BY code LIMIT 1")
        ).scalar_one()
        views = [
            {"name": "全县", "center": [38.43, 100.81], "zoom": 9, "window": "open"},
            {
                "name": "超期件",
                "center": [38.43, 100.81],
                "zoom": 10,
                "window": "open",
                "overdue_only": True,
                "town_id": town_id,
            },
        ]
        center_settings.set_value(s, Actor(None, "测试"), "map.wall_views", views)
        center_settings.set_value(s, Actor(None, "测试"), "map.wall_cycle_seconds", 1)
        s.commit()
    view = _open_view(qtbot, runner, live)
    try:
        names: list[str] = []
        view.sig_wall_view_changed.connect(names.append)
        view.set_wall_mode(True)
        qtbot.waitUntil(lambda: len(names) >= 3, timeout=10_000)
        assert names[:3] == ["全县", "超期件", "全县"]
        assert view.is_cycling
        # the "overdue" view shows the town's overdue incidents only
        view.apply_view(views[1])
        overdue = _count(
            db,
            f"SELECT count(*) FROM incidents WHERE status IN {OPEN} AND due_at < :now "
            "AND town_id = :t AND lon IS NOT NULL",
            t=town_id,
            now=clock.now(),
        )
        qtbot.waitUntil(lambda: _info(qtbot, view)["incidents"] == overdue, timeout=10_000)
        view.set_wall_mode(False)
        assert not view.is_cycling
        count = len(names)
        # Qt fires due timers in the order they fall due: had the one-second cycle kept running,
        # it would have turned the wall before a fence set a little later than one cycle goes off.
        fence = QTimer(view)
        fence.setSingleShot(True)
        fence.setInterval(1_000 + 200)
        with qtbot.waitSignal(fence.timeout, timeout=10_000):
            fence.start()
        assert len(names) == count  # stopped
        assert not view.incident_filter.overdue_only  # the operator's own filter is back
    finally:
        view.shutdown()


def test_save_this_view_stores_it_for_the_wall(qtbot, map_view, db) -> None:  # type: ignore[no-untyped-def]
    map_view.push("setView", 38.5, 100.7, 11)
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["zoom"] == 11, timeout=5_000)
    map_view.save_current_view("北部乡镇")
    qtbot.waitUntil(lambda: bool(map_view._wall_views), timeout=10_000)
    with Session(db.engine) as s:
        stored = center_settings.get(s, "map.wall_views")
    assert stored[-1]["name"] == "北部乡镇"
    assert stored[-1]["zoom"] == 11
    assert stored[-1]["center"] == pytest.approx([38.5, 100.7], abs=1e-4)


def test_a_saved_town_view_without_a_centre_fills_the_screen_with_the_town(
    qtbot, map_view, db
) -> None:  # type: ignore[no-untyped-def]
    with Session(db.engine) as s:
        town_id, lon, lat = s.execute(
            text(
                "SELECT id, label_lon, label_lat FROM admin_areas WHERE level = 'town' "
                "ORDER BY code LIMIT 1"
            )
        ).one()
    zoom_before = _info(qtbot, map_view)["zoom"]
    map_view.apply_view({"name": "一个乡镇", "town_id": town_id, "window": "open"})
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["zoom"] > zoom_before, timeout=10_000)
    center = _info(qtbot, map_view)["center"]
    assert center["lat"] == pytest.approx(lat, abs=0.1)
    assert center["lng"] == pytest.approx(lon, abs=0.1)
    assert map_view.wall_view_label.text().count("一个乡镇") == 1


def test_a_view_name_with_markup_is_shown_as_typed(qtbot, map_view) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QTextDocument

    map_view.apply_view({"name": "<b>x</b>", "window": "open"})
    shown = QTextDocument()
    shown.setHtml(map_view.wall_view_label.text())
    assert shown.toPlainText() == "<b>x</b>"
    assert map_view.wall_view_label.isVisibleTo(map_view)


def test_a_new_dispute_reaches_the_dispute_layer_live(qtbot, map_view, other_engine, db) -> None:  # type: ignore[no-untyped-def]
    map_view.layer_boxes["disputes"].setChecked(True)
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["disputes"] > 0, timeout=10_000)
    before = _info(qtbot, map_view)["disputes"]
    with other_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO dispute_cases (number, type_code, summary, source, room_level, "
                "lon, lat, risk_level, status, received_at) VALUES ('TJ-MAP-T1', "
                "(SELECT code FROM dispute_types ORDER BY code LIMIT 1), '地图测试：邻里纠纷', "
                "'walk_in', 'village', 100.83, 38.45, 'high', 'received', :now)"
            ),
            {"now": clock.now()},
        )
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["disputes"] == before + 1, timeout=15_000)


def test_the_analysis_selection_shows_on_the_choropleth(qtbot, map_view, db, runner) -> None:  # type: ignore[no-untyped-def]
    from command_center.services import analysis as a
    from command_center.services.audit import Actor
    from command_center.views.analysis.analysis_view import AnalysisView

    with Session(db.engine) as s:
        uid, name = s.execute(text(
            "SELECT id, display_name FROM app_users WHERE role_code = 'analyst' LIMIT 1")).one()
    view = AnalysisView(runner, None, Actor(uid, name), "analyst")
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view._panels is not None and bool(view._trend), timeout=15_000)
    # drill into the first category, as the analyst would, then hand the selection to the map
    top = view._panels.categories[0]
    view.category_table.cellClicked.emit(0, 0)
    qtbot.waitUntil(lambda: view._panels.category_path[-1:] == [(top.key, top.name)],
                    timeout=10_000)
    view.sig_show_on_map.connect(lambda sel: map_view.show_selection(
        sel.start, sel.end, category=sel.category, town_id=sel.town_id))
    period = view._range
    view.map_button.click()
    f = map_view.incident_filter
    assert (f.since, f.until, tuple(f.categories or ())) == (period.start, period.end, (top.key,))
    assert map_view.layer_boxes["choropleth"].isChecked()
    # the page's choropleth holds the analysis's count of those incidents (those with a grid)
    expected = _count(
        db, "SELECT count(*) FROM incidents WHERE reported_at >= :s AND reported_at < :e AND "
        "status <> 'merged' AND grid_id IS NOT NULL AND category_code LIKE :c",
        s=period.start, e=period.end, c=f"{top.key}%")
    with Session(db.engine) as s:
        assert a.count(s, period, a.Scope(category_code=top.key)) == top.count >= expected > 0
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["choroplethTotal"] == expected,
                    timeout=15_000)
    assert _info(qtbot, map_view)["choroplethGrids"] > 0
