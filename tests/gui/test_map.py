"""The map wall: served locally, talking both ways with Python, updated live without reloads."""

from __future__ import annotations

import datetime as dt
import json

import psycopg
import pytest
from sqlalchemy.orm import Session

from command_center import clock
from command_center.db.engine import libpq_url
from command_center.services import map_data
from command_center.views.map.page import build_page
from command_center.views.map.scheme import AppSchemeHandler


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def test_the_page_loads_nothing_from_the_internet() -> None:
    html = build_page((38.43, 100.81))
    assert "https://" not in html
    assert "app://cc/vendor/leaflet/leaflet.js" in html
    assert "maxZoom" in html  # markercluster and canvas need one without tiles


def test_scheme_serves_local_files_and_nothing_outside(qapp) -> None:  # type: ignore[no-untyped-def]
    handler = AppSchemeHandler()
    body, mime = handler._resolve("/vendor/leaflet/leaflet.js")  # type: ignore[misc]
    assert mime == "text/javascript" and b"Leaflet" in body[:2000]
    assert handler._resolve("/map/map.js") is not None
    assert handler._resolve("/map/../../pyproject.toml") is None
    assert handler._resolve("/vendor/leaflet/../../../../etc/passwd") is None


@pytest.fixture
def map_view(qtbot, db, runner, live):  # type: ignore[no-untyped-def]
    from command_center.views.map.map_view import MapView

    view = MapView(runner, live)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    loads: list[bool] = []
    view.page.loadStarted.connect(lambda: loads.append(True))
    view.loads = loads  # type: ignore[attr-defined]
    with qtbot.waitSignal(
        view.bridge.sig_push_done,
        timeout=30_000,
        check_params_cb=lambda m, _ms: m == "setIncidents",
    ):
        view.show()
    yield view
    view.shutdown()


def _info(qtbot, view) -> dict:  # type: ignore[no-untyped-def]
    box: list[str] = []
    view.evaluate("JSON.stringify(ccMap.info())", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return json.loads(box[0])


def _an_open_incident(db) -> tuple[int, float, float]:  # type: ignore[no-untyped-def]
    with Session(db.engine) as s:
        points = map_data.incident_points(s, map_data.IncidentFilter(open_only=True))
    return points.columns["id"][0], points.columns["lon"][0], points.columns["lat"][0]


def test_a_selection_in_python_highlights_it_in_the_page(qtbot, map_view, db) -> None:  # type: ignore[no-untyped-def]
    incident_id, lon, lat = _an_open_incident(db)
    map_view.select_incident(incident_id)
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["selected"] is not None, timeout=10_000)
    info = _info(qtbot, map_view)
    assert info["selected"] == {"lat": lat, "lng": lon}
    assert info["zoom"] >= 15


def test_a_click_in_the_page_selects_the_incident_in_python(qtbot, map_view, db) -> None:  # type: ignore[no-untyped-def]
    incident_id, _lon, _lat = _an_open_incident(db)
    map_view.select_incident(incident_id)  # zoomed in: individual markers
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["zoom"] >= 15, timeout=10_000)
    with qtbot.waitSignal(map_view.sig_incident_selected, timeout=10_000) as blocker:
        map_view.evaluate(f"ccMap.clickIncident({incident_id})", lambda _r: None)
    assert blocker.args == [incident_id]


def test_a_notified_change_reaches_the_page_without_a_reload(qtbot, map_view, other_engine) -> None:  # type: ignore[no-untyped-def]
    before = _info(qtbot, map_view)["incidents"]
    with psycopg.connect(libpq_url(str(other_engine.url.render_as_string(False)))) as conn:
        conn.execute(
            "INSERT INTO incidents (number, channel_code, title, lon, lat, status, reported_at) "
            "VALUES ('SJ20261122T001', 'hotline_12345', '地图实时测试：井盖缺失', 100.82, 38.44, "
            "'new', %s)",
            (clock.now(),),
        )
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["incidents"] == before + 1, timeout=15_000)
    assert map_view.loads == [True]  # loaded once, never again


def test_broken_boundaries_are_reported_and_the_rest_draws(db, other_engine) -> None:  # type: ignore[no-untyped-def]
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[100.8, 38.4], [100.9, 38.5], [100.9, 38.4], [100.8, 38.5], [100.8, 38.4]]
        ],
    }
    far = {
        "type": "Polygon",
        "coordinates": [[[116.3, 39.9], [116.4, 39.9], [116.4, 40.0], [116.3, 39.9]]],
    }
    with psycopg.connect(libpq_url(str(other_engine.url.render_as_string(False)))) as conn:
        codes = [
            r[0]
            for r in conn.execute(
                "SELECT code FROM admin_areas WHERE level = 'grid' ORDER BY code LIMIT 3"
            )
        ]
        conn.execute(
            "UPDATE admin_areas SET geometry = %s WHERE code = %s", (json.dumps(bowtie), codes[0])
        )
        conn.execute(
            "UPDATE admin_areas SET geometry = %s WHERE code = %s", (json.dumps(far), codes[1])
        )
        conn.execute("UPDATE admin_areas SET geometry = NULL WHERE code = %s", (codes[2],))
    with Session(db.engine) as s:
        result = map_data.boundaries(s)
    problems = {p.code: p.problem for p in result.problems}
    assert "self-intersect" in problems[codes[0]].lower() or "invalid" in problems[codes[0]]
    assert "outside the county" in problems[codes[1]]
    assert "no geometry" in problems[codes[2]]
    assert len(result.layers["grid"]["features"]) == 448 - 3


def test_incidents_without_coordinates_go_to_the_tray(db, other_engine) -> None:  # type: ignore[no-untyped-def]
    with Session(db.engine) as s:
        points = map_data.incident_points(s, map_data.IncidentFilter())
    assert points.no_location, "the demo county has hotline calls with an address only"
    assert all(
        0 not in (lon, lat)
        for lon, lat in zip(points.columns["lon"], points.columns["lat"], strict=True)
    )
    tray_ids = {i for i, _n, _t in points.no_location}
    assert not tray_ids & set(points.columns["id"])


def test_kpi_strip_shows_the_open_and_overdue_counts(qtbot, map_view, db) -> None:  # type: ignore[no-untyped-def]
    with Session(db.engine) as s:
        k = map_data.map_kpis(s)
    assert k.open > 0 and k.active_share is not None
    label = map_view.kpi_labels["open"]
    qtbot.waitUntil(lambda: f"{k.open:,}" in label.text(), timeout=10_000)
    assert f"{k.overdue:,}" in map_view.kpi_labels["overdue"].text()
    assert f"{100 * k.active_share:.1f}%" in map_view.kpi_labels["active_share"].text()


def test_switching_the_incident_layer_off_and_on(qtbot, map_view) -> None:  # type: ignore[no-untyped-def]
    assert _info(qtbot, map_view)["markers"] > 0
    map_view.layer_boxes["incidents"].setChecked(False)
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["markers"] == 0, timeout=10_000)
    map_view.layer_boxes["incidents"].setChecked(True)
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["markers"] > 0, timeout=10_000)


def _count_open_with_location(db, town_id=None) -> int:  # type: ignore[no-untyped-def]
    with Session(db.engine) as s:
        f = map_data.IncidentFilter(open_only=True, town_id=town_id)
        return len(map_data.incident_points(s, f))


def test_filtering_by_town_and_time_window(qtbot, map_view, db) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: map_view.town_box.count() == 13, timeout=10_000)  # county + 12
    town_id = map_view.town_box.itemData(3)
    expected = _count_open_with_location(db, town_id)
    with qtbot.waitSignal(
        map_view.bridge.sig_push_done,
        timeout=10_000,
        check_params_cb=lambda m, _ms: m == "setIncidents",
    ):
        map_view.set_filter("open", town_id)
    assert _info(qtbot, map_view)["incidents"] == expected < _count_open_with_location(db)
    with qtbot.waitSignal(
        map_view.bridge.sig_push_done,
        timeout=10_000,
        check_params_cb=lambda m, _ms: m == "setIncidents",
    ):
        map_view.set_filter("30d", None)
    with Session(db.engine) as s:
        since = clock.now() - dt.timedelta(days=30)
        month = len(map_data.incident_points(s, map_data.IncidentFilter(since=since)))
    assert _info(qtbot, map_view)["incidents"] == month


def test_quick_filter_clicks_show_only_the_last_choice(qtbot, map_view, runner, db) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: map_view.town_box.count() == 13, timeout=10_000)
    town_id = map_view.town_box.itemData(3)
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=10_000)
    delivered: list[int] = []
    shown = map_view._on_incidents_loaded

    def on_loaded(points: map_data.IncidentPoints) -> None:
        delivered.append(len(points))
        shown(points)

    map_view._on_incidents_loaded = on_loaded
    for window in ("24h", "7d", "30d", "open"):  # an operator clicking through the windows
        map_view.set_filter(window, None)
    with qtbot.waitSignal(
        map_view.bridge.sig_push_done,
        timeout=10_000,
        check_params_cb=lambda m, _ms: m == "setIncidents",
    ):
        map_view.set_filter("open", town_id)
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=10_000)
    expected = _count_open_with_location(db, town_id)
    assert delivered == [expected]
    assert _info(qtbot, map_view)["incidents"] == expected


def test_an_incident_closed_elsewhere_leaves_the_open_map(
    qtbot, map_view, db, other_engine
) -> None:  # type: ignore[no-untyped-def]
    incident_id, _lon, _lat = _an_open_incident(db)
    before = _info(qtbot, map_view)["incidents"]
    with psycopg.connect(libpq_url(str(other_engine.url.render_as_string(False)))) as conn:
        conn.execute(
            "UPDATE incidents SET status = 'closed', version = version + 1 WHERE id = %s",
            (incident_id,),
        )
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["incidents"] == before - 1, timeout=15_000)
    assert map_view.loads == [True]


def test_the_tray_of_incidents_without_a_location_follows_live_changes(
    qtbot, map_view, other_engine
) -> None:  # type: ignore[no-untyped-def]
    """A call with an address only, taken at another workstation, shows in 无位置事件 at once;
    once it is closed there it leaves the tray (issue 10, bug 5)."""
    before = len(map_view.no_location)
    label = map_view.tray_button.text()
    assert str(before) in label
    with psycopg.connect(libpq_url(str(other_engine.url.render_as_string(False)))) as conn:
        row = conn.execute(
            "INSERT INTO incidents (number, channel_code, title, address, location_flag, status, "
            "reported_at) VALUES ('SJ20261122T002', 'hotline_12345', '无坐标来电：噪音扰民', "
            "'城关镇某小区', 'missing', 'new', %s) RETURNING id",
            (clock.now(),),
        ).fetchone()
    assert row is not None
    qtbot.waitUntil(lambda: len(map_view.no_location) == before + 1, timeout=15_000)
    assert map_view.no_location[0][0] == row[0]
    assert str(before + 1) in map_view.tray_button.text()
    with psycopg.connect(libpq_url(str(other_engine.url.render_as_string(False)))) as conn:
        conn.execute(
            "UPDATE incidents SET status = 'closed', version = version + 1 WHERE id = %s",
            (row[0],),
        )
    qtbot.waitUntil(lambda: len(map_view.no_location) == before, timeout=15_000)
    assert map_view.loads == [True]


def test_whole_county_brings_the_county_back(qtbot, map_view) -> None:  # type: ignore[no-untyped-def]
    """After a selection far outside the county (Beijing, at street level), one click shows the
    whole county again (issue 10, bug 4)."""
    county = _info(qtbot, map_view)["center"]
    map_view.evaluate("ccMap.setView(39.90, 116.40, 17)", lambda _r: None)
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["zoom"] == 17, timeout=10_000)
    assert map_view.county_button.isVisible()
    assert map_view.county_button.text() in ("⌂ 全县", "⌂ County")
    map_view.county_button.click()
    qtbot.waitUntil(lambda: _info(qtbot, map_view)["zoom"] < 17, timeout=10_000)
    back = _info(qtbot, map_view)["center"]
    assert abs(back["lat"] - county["lat"]) < 0.05 and abs(back["lng"] - county["lng"]) < 0.05
