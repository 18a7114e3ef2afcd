"""Names in the English interface: where a department, a category, a channel, a dispute type
or a place has an English form (the database's ``name_en``, ``services.place_names`` for the
towns, villages and grids), every window shows it in English — and in Chinese again after
switching back. The queues' columns did already (tests/gui/test_queue_views.py); these are the
details panel, the dialogs, the intake form, the filter bars, the inbox, the disputes, the grid
workers, the map, the wall board and the analysis."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QLabel
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from command_center.db.connection import Database
from command_center.services import actions as lifecycle_actions
from command_center.services import auth, map_data, orders, place_names
from command_center.services import queue as svc
from command_center.services.actions import Target
from command_center.services.audit import Actor
from command_center.views.queue import action_dialogs
from command_center.views.queue.inbox_view import DepartmentInboxView
from command_center.views.queue.queue_view import IncidentQueueView
from tests.conftest import make_new_incidents as _make_new

WAIT = 10_000


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


@contextmanager
def english(cc_app: Any) -> Iterator[None]:
    """The interface in English for the block, in Chinese again afterwards."""
    cc_app.switch("en")
    try:
        yield
    finally:
        cc_app.switch("zh_CN")


def _user(db: Database, username: str) -> auth.UserInfo:
    with db.sessions() as s:
        return auth.authenticate(s, username, "demo")


def _rows(db: Database, sql: str, **params: Any) -> list[Any]:
    with db.sessions() as s:
        return list(s.execute(text(sql), params).all())


def _spelled(name: str) -> bool:
    """Whether place_names writes ``name`` in English (some villages stay in Chinese)."""
    return place_names.english(name) != name


def _department(db: Database, username: str) -> tuple[str, str]:
    (row,) = _rows(
        db,
        "SELECT d.name, d.name_en FROM departments d JOIN app_users u "
        "ON u.department_id = d.id WHERE u.username = :u",
        u=username,
    )
    assert row.name_en and row.name_en != row.name
    return row.name, row.name_en


def _texts(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


# --- the incident queue's details panel ---------------------------------------------------


def _dispatched_in_a_spelled_grid(db: Database, other_engine: Engine) -> Any:
    """A new incident placed in a grid whose name (and town's) has an English form, dispatched
    to the police: (incident id, category, channel, town, grid) names, Chinese and English."""
    grids = [
        g
        for g in _rows(
            db,
            "SELECT g.id AS grid_id, g.name AS grid, v.id AS village_id, t.id AS town_id, "
            "t.name AS town FROM admin_areas g JOIN admin_areas v ON v.id = g.parent_id "
            "JOIN admin_areas t ON t.id = v.parent_id WHERE g.level = 'grid' ORDER BY g.code",
        )
        if _spelled(g.grid) and _spelled(g.town)
    ]
    assert grids, "the demo county has grids spelled in English"
    g = grids[0]
    (inc_id,) = _make_new(other_engine, 1)
    with other_engine.begin() as c:
        c.execute(
            text(
                "UPDATE incidents SET grid_id = :g, village_id = :v, town_id = :t, "
                "channel_code = 'hotline_12345', version = version + 1 WHERE id = :i"
            ),
            {"g": g.grid_id, "v": g.village_id, "t": g.town_id, "i": inc_id},
        )
    police = _user(db, "bm_police")
    with Session(other_engine) as s:
        orders.dispatch(s, Actor(None, "李强"), inc_id, police.department_id)
    (names,) = _rows(
        db,
        "SELECT c.name AS category, c.name_en AS category_en, ch.name AS channel, "
        "ch.name_en AS channel_en FROM incidents i JOIN categories c ON c.code = i.category_code "
        "JOIN channels ch ON ch.code = i.channel_code WHERE i.id = :i",
        i=inc_id,
    )
    return inc_id, names, g


def _center_view(qtbot, db, runner, live, incident_id: int) -> IncidentQueueView:  # type: ignore[no-untyped-def]
    view = IncidentQueueView(runner, live, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.resize(1500, 800)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=WAIT)
    view.select_incident(incident_id)
    qtbot.waitUntil(
        lambda: (
            view.details.details is not None and view.details.details.incident.id == incident_id
        ),
        timeout=WAIT,
    )
    return view


def test_the_details_panel_names_category_channel_places_and_departments_in_english(
    qtbot, cc_app, db, runner, live, other_engine
) -> None:  # type: ignore[no-untyped-def]
    inc_id, n, g = _dispatched_in_a_spelled_grid(db, other_engine)
    police_zh, police_en = _department(db, "bm_police")
    view = _center_view(qtbot, db, runner, live, inc_id)
    facts = view.details.facts
    row = view.model.row_of(inc_id)
    place = view.model.index(row, view.model.column_of("place"))

    def department() -> str:
        return view.details.orders.topLevelItem(0).text(1)

    try:
        zh_place = f"{g.town} · {g.grid}"
        en_place = f"{place_names.english(g.town)} · {place_names.english(g.grid)}"
        with english(cc_app):
            qtbot.waitUntil(lambda: html.escape(n.category_en) in facts.text(), timeout=WAIT)
            assert html.escape(n.channel_en) in facts.text()
            assert en_place in facts.text() and g.town not in facts.text()
            assert department() == police_en
            assert place.data() == en_place  # the queue's own column, too
        qtbot.waitUntil(lambda: html.escape(n.category) in facts.text(), timeout=WAIT)
        assert n.category_en not in facts.text() and n.channel in facts.text()
        assert zh_place in facts.text()
        assert department() == police_zh
        assert place.data() == zh_place
    finally:
        view.shutdown()


def test_the_handback_and_the_dispatch_dialog_name_the_departments_in_english(
    qtbot, cc_app, db, runner, live, other_engine
) -> None:  # type: ignore[no-untyped-def]
    """A department objects naming another: the banner on the incident, the dispatch dialog's
    suggestion and its reason, the department list and the co-departments speak English."""
    (inc_id,) = _make_new(other_engine, 1)
    police = _user(db, "bm_police")
    police_zh, police_en = _department(db, "bm_police")
    (other,) = _rows(
        db,
        "SELECT id, name, name_en FROM departments WHERE id <> :d AND active ORDER BY id LIMIT 1",
        d=police.department_id,
    )
    with Session(other_engine) as s:
        (lead, *_) = orders.dispatch(s, Actor(None, "李强"), inc_id, police.department_id)
    with Session(other_engine) as s:
        order_id = s.scalar(
            text("SELECT id FROM work_orders WHERE incident_id = :i"), {"i": inc_id}
        )
        orders.object_order(
            s,
            Actor(police.id, police.display_name),
            order_id,
            "路灯属供电公司产权",
            suggested_department_id=other.id,
        )
    view = _center_view(qtbot, db, runner, live, inc_id)
    banner = view.details.findChild(QLabel, "detailsHandback")
    try:
        with english(cc_app):
            qtbot.waitUntil(lambda: other.name_en in banner.text(), timeout=WAIT)
            assert police_en in banner.text() and police_zh not in banner.text()
            assert "路灯属供电公司产权" in banner.text()  # the department's words, as written
            with db.sessions() as s:
                row = s.execute(
                    text(
                        "SELECT version, number, category_code, town_id, status FROM incidents "
                        "WHERE id = :i"
                    ),
                    {"i": inc_id},
                ).one()
                target = Target(
                    "incident",
                    inc_id,
                    row.version,
                    row.number,
                    row.category_code,
                    row.town_id,
                    row.status,
                    None,
                )
                prep = lifecycle_actions.prepare(s, "incident", "dispatch", [target])
            d = action_dialogs.DispatchDialog(prep.departments, prep.suggestion)
            qtbot.addWidget(d)
            assert d.dept.currentData() == other.id
            assert d.dept.currentText() == other.name_en
            assert police_en in _texts(d.dept) and police_zh not in _texts(d.dept)
            assert other.name_en in d.reason.text() and police_en in d.reason.text()
            assert "异议" not in d.reason.text()
            co = [d.co_list.item(i).text() for i in range(d.co_list.count())]
            assert police_en in co and police_zh not in co
        qtbot.waitUntil(lambda: other.name in banner.text(), timeout=WAIT)
        assert police_zh in banner.text() and other.name_en not in banner.text()
        d = action_dialogs.DispatchDialog(prep.departments, prep.suggestion)
        qtbot.addWidget(d)
        assert d.dept.currentText() == other.name and "异议" in d.reason.text()
    finally:
        view.shutdown()
    assert lead is not None


def test_the_rule_suggestion_and_the_objection_list_are_in_english(qtbot, cc_app, db) -> None:  # type: ignore[no-untyped-def]
    """The routing rule's suggestion (department and reason) and the departments an objection
    may suggest."""
    with db.sessions() as s:
        row = next(
            r
            for r in svc.page(s, svc.Query("incidents"), None, 50).rows
            if r.category_code and r.town_id
        )
        target = Target(
            "incident",
            row.id,
            row.version,
            row.number,
            row.category_code,
            row.town_id,
            row.status,
            row,
        )
        prep = lifecycle_actions.prepare(s, "incident", "dispatch", [target])
        (order,) = s.execute(
            text(
                "SELECT id, version, number, NULL AS category_code, status, department_id "
                "FROM work_orders ORDER BY id LIMIT 1"
            )
        ).all()
        otarget = Target(
            "order",
            order.id,
            order.version,
            order.number,
            order.category_code,
            None,
            order.status,
            None,
        )
        oprep = lifecycle_actions.prepare(s, "order", "object", [otarget])
    s_ = prep.suggestion
    assert s_ is not None and s_.department_name_en and s_.reason_en
    (cat,) = _rows(db, "SELECT name, name_en FROM categories WHERE code = :c", c=row.category_code)
    with english(cc_app):
        d = action_dialogs.DispatchDialog(prep.departments, prep.suggestion)
        qtbot.addWidget(d)
        assert d.dept.currentText() == s_.department_name_en
        assert s_.department_name_en in d.reason.text()
        assert s_.department_name not in d.reason.text()
        # the reason names a category of the chain: in English, never in Chinese
        assert "派单规则" not in d.reason.text() and "默认承办部门" not in d.reason.text()
        t = action_dialogs.TextDialog(
            "Object",
            "Why?",
            suggest_departments=oprep.departments,
            own_department_id=oprep.own_department_id,
        )
        qtbot.addWidget(t)
        offered = _texts(t.suggest)[1:]
        english_names = [en for i, _n, en in oprep.departments if i != order.department_id]
        assert offered == english_names
    d = action_dialogs.DispatchDialog(prep.departments, prep.suggestion)
    qtbot.addWidget(d)
    assert d.dept.currentText() == s_.department_name and s_.reason in d.reason.text()
    assert cat.name_en not in d.reason.text()


# --- the filter bar and the inbox ------------------------------------------------------------


def test_the_queue_filter_bar_lists_channels_categories_towns_and_departments_in_english(
    qtbot, cc_app, db, runner, live
) -> None:  # type: ignore[no-untyped-def]
    view = IncidentQueueView(runner, live, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.dept_combo.count() > 1, timeout=WAIT)
    chan = _rows(db, "SELECT name, name_en FROM channels WHERE code = 'hotline_12345'")[0]
    top = _rows(db, "SELECT name, name_en FROM categories WHERE code = '03'")[0]
    town = next(
        n for (n,) in _rows(db, "SELECT name FROM admin_areas WHERE level = 'town'") if _spelled(n)
    )
    police_zh, police_en = _department(db, "bm_police")
    try:
        with english(cc_app):
            qtbot.waitUntil(lambda: chan.name_en in _texts(view.channel_combo), timeout=WAIT)
            assert chan.name not in _texts(view.channel_combo)
            assert top.name_en in _texts(view.category_combo)
            assert place_names.english(town) in _texts(view.town_combo)
            assert police_en in _texts(view.dept_combo)
            assert police_zh not in _texts(view.dept_combo)
        qtbot.waitUntil(lambda: chan.name in _texts(view.channel_combo), timeout=WAIT)
        assert top.name in _texts(view.category_combo) and town in _texts(view.town_combo)
        assert police_zh in _texts(view.dept_combo)
    finally:
        view.shutdown()


def test_the_department_inbox_is_headed_by_the_departments_english_name(
    qtbot, cc_app, db, runner, live
) -> None:  # type: ignore[no-untyped-def]
    police_zh, police_en = _department(db, "bm_police")
    view = DepartmentInboxView(runner, live, _user(db, "bm_police"))
    qtbot.addWidget(view)
    view.show()
    try:
        with english(cc_app):
            qtbot.waitUntil(lambda: police_en in view.heading.text(), timeout=WAIT)
            assert police_zh not in view.windowTitle()
        qtbot.waitUntil(lambda: police_zh in view.heading.text(), timeout=WAIT)
    finally:
        view.shutdown()


# --- the intake form -----------------------------------------------------------------------


def test_the_intake_form_offers_and_suggests_in_english(
    qtbot, cc_app, db, runner, type_text
) -> None:  # type: ignore[no-untyped-def]
    from command_center.views.intake import IntakeFormView

    view = IntakeFormView(runner, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    qtbot.waitUntil(lambda: view.channel.count() > 0, timeout=WAIT)
    chan = _rows(db, "SELECT name, name_en FROM channels WHERE code = 'hotline_12345'")[0]
    (leaf,) = _rows(db, "SELECT name, name_en FROM categories WHERE code = '030202'")
    (top,) = _rows(db, "SELECT name, name_en FROM categories WHERE code = '03'")
    g = next(
        r
        for r in _rows(
            db,
            "SELECT g.label_lon, g.label_lat, g.name AS grid, t.name AS town FROM admin_areas g "
            "JOIN admin_areas v ON v.id = g.parent_id JOIN admin_areas t ON t.id = v.parent_id "
            "WHERE g.level = 'grid' ORDER BY g.code",
        )
        if _spelled(r.grid) and _spelled(r.town)
    )
    view.channel.setCurrentIndex(view.channel.findData("hotline_12345"))
    view.category.set_code("030202")
    view.set_location(float(g.label_lon), float(g.label_lat))
    qtbot.waitUntil(lambda: "局" in view.routing_label.text(), timeout=WAIT)
    with english(cc_app):
        qtbot.waitUntil(lambda: view.channel.currentText() == chan.name_en, timeout=WAIT)
        item = view.category.tree.currentItem()
        assert item.text(0) == leaf.name_en
        assert view.category.chosen.text().startswith(top.name_en)
        assert view.category.chosen.text().endswith(leaf.name_en)
        qtbot.waitUntil(
            lambda: html.escape(place_names.english(g.town)) in view.placement_label.text(),
            timeout=WAIT,
        )
        assert html.escape(place_names.english(g.grid)) in view.placement_label.text()
        qtbot.waitUntil(lambda: "County" in view.routing_label.text(), timeout=WAIT)
        assert "局" not in view.routing_label.text()
        # the search finds a category by either name
        type_text(view.category.search, "广场舞")
        assert not item.isHidden()
        view.category.search.clear()
        type_text(view.category.search, leaf.name_en.split()[0].lower())
        assert not item.isHidden()
        view.category.search.clear()
    qtbot.waitUntil(lambda: view.channel.currentText() == chan.name, timeout=WAIT)
    assert view.category.tree.currentItem().text(0) == leaf.name
    assert view.category.chosen.text() == f"{top.name} / 商铺噪音 / {leaf.name}" or (
        view.category.chosen.text().endswith(leaf.name)
    )
    qtbot.waitUntil(lambda: "局" in view.routing_label.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: g.town in view.placement_label.text(), timeout=WAIT)


def test_the_learned_suggestion_shows_the_english_path_and_department(
    qtbot, cc_app, db, runner
) -> None:  # type: ignore[no-untyped-def]
    from command_center.services.classifier import Guess
    from command_center.services.learned_routing import LearnedSuggestion
    from command_center.views.intake import IntakeFormView

    view = IntakeFormView(runner, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.show()
    police_zh, police_en = _department(db, "bm_police")
    learned = LearnedSuggestion(
        3,
        [Guess("03", "城市管理", 0.9), Guess("0302", "噪音扰民", 0.8)],
        ["广场舞"],
        1,
        police_zh,
        0.7,
        ["音响"],
        police_en,
        ("Urban management", "Noise"),
    )
    with english(cc_app):
        view._show_learned(learned)
        shown = view.learned_label.text()
        assert "Urban management › Noise" in shown and police_en in shown
        assert police_zh not in shown and "城市管理" not in shown
    view._show_learned(learned)
    assert "城市管理 › 噪音扰民" in view.learned_label.text()
    assert police_zh in view.learned_label.text()


# --- disputes --------------------------------------------------------------------------------


def test_the_disputes_name_types_and_towns_in_english(qtbot, cc_app, db, runner) -> None:  # type: ignore[no-untyped-def]
    from command_center.views.disputes.disputes_view import DisputesView

    (uid,) = _rows(db, "SELECT id FROM app_users WHERE username = 'zhiban1'")[0]
    view = DisputesView(runner, None, Actor(uid, "王丽娟"), "duty_operator")
    qtbot.addWidget(view)
    view.resize(1300, 720)
    view.show()
    qtbot.waitUntil(lambda: view._choices is not None and bool(view.model.rows), timeout=WAIT)
    qtbot.waitUntil(lambda: view.file_panel.file is not None, timeout=WAIT)
    r = next(
        i for i, row in enumerate(view.model.rows) if row.town_name and _spelled(row.town_name)
    )
    row = view.model.rows[r]
    (kind,) = _rows(
        db,
        "SELECT d.name, d.name_en FROM dispute_types d JOIN dispute_cases c "
        "ON c.type_code = d.code WHERE c.id = :i",
        i=row.id,
    )
    cols = view.model.COLUMNS

    def cell(col: str) -> str:
        return view.model.index(r, cols.index(col)).data()

    try:
        with english(cc_app):
            qtbot.waitUntil(lambda: cell("type") == kind.name_en, timeout=WAIT)
            assert cell("town") == place_names.english(row.town_name)
            qtbot.waitUntil(
                lambda: place_names.english(row.town_name) in _texts(view.town), timeout=WAIT
            )
            file = view.file_panel.file
            en_type = file.type_name_en or ""
            qtbot.waitUntil(lambda: en_type in view.file_panel.title.text(), timeout=WAIT)
            assert file.type_name not in view.file_panel.title.text()
        assert cell("type") == kind.name and cell("town") == row.town_name
        qtbot.waitUntil(lambda: file.type_name in view.file_panel.title.text(), timeout=WAIT)
        qtbot.waitUntil(lambda: row.town_name in _texts(view.town), timeout=WAIT)
    finally:
        view.close()


def test_the_dispute_figures_name_towns_and_types_in_english(qtbot, cc_app, db) -> None:  # type: ignore[no-untyped-def]
    from command_center.services import disputes
    from command_center.views.disputes.disputes_view import FiguresTab

    with db.sessions() as s:
        f = disputes.figures(s)
    assert f.backlog_by_town and f.backlog_by_type
    panel = FiguresTab()
    qtbot.addWidget(panel)
    panel.show_figures(f)

    def column(table: Any) -> list[str]:
        return [table.item(i, 0).text() for i in range(table.rowCount())]

    towns = [name for tid, name, _n in f.backlog_by_town if tid is not None]
    types = {code: name for code, name, _n in f.backlog_by_type}
    english_types = dict(_rows(db, "SELECT code, name_en FROM dispute_types"))
    with english(cc_app):
        qtbot.waitUntil(
            lambda: column(panel.type) == [english_types[c] for c in types], timeout=WAIT
        )
        assert [t for t in column(panel.town) if t in towns] == [
            t for t in towns if not _spelled(t)
        ]
        assert {place_names.english(t) for t in towns} <= set(column(panel.town))
    qtbot.waitUntil(lambda: column(panel.type) == list(types.values()), timeout=WAIT)
    assert set(towns) <= set(column(panel.town))


# --- grid workers ----------------------------------------------------------------------------


def test_the_grid_workers_views_name_towns_and_villages_in_english(
    qtbot, cc_app, db, runner
) -> None:  # type: ignore[no-untyped-def]
    from command_center.views.workers.workers_view import WorkersView

    user = _user(db, "zhiban1")
    view = WorkersView(
        runner, None, Actor(user.id, user.display_name), role_code=user.role_code, user=user
    )
    qtbot.addWidget(view)
    view.resize(1340, 700)
    view.show()
    qtbot.waitUntil(lambda: "county" in view.data and bool(view.roster_panel.rows), timeout=WAIT)

    def column(table: Any, col: int) -> list[str]:
        return [table.item(i, col).text() for i in range(table.rowCount())]

    towns = [r.town for r in view.data["per_worker"]]
    spelled = next(t for t in towns if _spelled(t))
    inactive = view.data["inactive"]
    roster = [r.town for r in view.roster_panel.rows]
    try:
        with english(cc_app):
            qtbot.waitUntil(
                lambda: place_names.english(spelled) in column(view.reports_table, 2),
                timeout=WAIT,
            )
            assert spelled not in column(view.reports_table, 2)
            assert column(view.reports_table, 2) == [place_names.english(t) for t in towns]
            assert column(view.ranking_table, 0) == [
                place_names.english(t) for t, *_ in view.data["ranking"]
            ]
            if inactive:
                assert column(view.inactive_table, 2) == [
                    place_names.english(r.town) for r in inactive
                ]
                assert column(view.inactive_table, 3) == [
                    place_names.english(r.village) for r in inactive
                ]
            assert column(view.roster_panel.table, 4) == [place_names.english(t) for t in roster]
            assert f"（{place_names.english(view.data['roster'][0].town)}）" in (
                view.worker_combo.itemText(0)
            )
        qtbot.waitUntil(lambda: column(view.reports_table, 2) == towns, timeout=WAIT)
        assert column(view.roster_panel.table, 4) == roster
    finally:
        view.close()


# --- the map, the wall board, the analysis ------------------------------------------------


def test_the_map_card_town_list_and_boundary_labels_are_in_english(
    qtbot, cc_app, db, runner, live, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from command_center.views.map.map_view import MapView
    from command_center.views.map.widgets import IncidentCardPanel

    town = next(
        n for (n,) in _rows(db, "SELECT name FROM admin_areas WHERE level = 'town'") if _spelled(n)
    )
    grid = next(
        n for (n,) in _rows(db, "SELECT name FROM admin_areas WHERE level = 'grid'") if _spelled(n)
    )
    with db.sessions() as s:
        inc_id = s.scalar(
            text("SELECT id FROM incidents WHERE category_code IS NOT NULL ORDER BY id LIMIT 1")
        )
        card = map_data.incident_card(s, inc_id)
        bounds = map_data.boundaries(s)
    card = map_data.IncidentCard(**{**card.__dict__, "town": town, "grid": grid})
    en_place = f"{place_names.english(town)} · {place_names.english(grid)}"

    view = MapView(runner, live)
    qtbot.addWidget(view)
    pushed: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(view, "push", lambda method, *args: pushed.append((method, args)))
    panel = view.card  # the card a click on the map opens
    assert isinstance(panel, IncidentCardPanel)
    panel.show_loading(card.id)
    panel.show_card(card)
    view._on_boundaries_loaded(bounds, fit=False)

    def labels() -> set[str]:
        payload = [a for m, a in pushed if m == "setBoundaries"][-1][0]
        return {f["properties"]["name"] for f in payload["layers"]["town"]["features"]}

    assert town in labels()
    try:
        with english(cc_app):
            qtbot.waitUntil(lambda: panel.fields["grid"].text() == en_place, timeout=WAIT)
            qtbot.waitUntil(lambda: place_names.english(town) in labels(), timeout=WAIT)
            assert town not in labels()
            assert place_names.english(town) in _texts(view.town_box)
        qtbot.waitUntil(lambda: panel.fields["grid"].text() == f"{town} · {grid}", timeout=WAIT)
        qtbot.waitUntil(lambda: town in labels(), timeout=WAIT)
        assert town in _texts(view.town_box)
    finally:
        view.shutdown()


def test_the_wall_board_lists_overdue_departments_and_towns_in_english(
    qtbot, cc_app, db, runner, live
) -> None:  # type: ignore[no-untyped-def]
    from command_center.views.overview.wall_board import WallBoardView

    view = WallBoardView(runner, live)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.board is not None, timeout=15_000)
    b = view.board
    assert b.overdue_by_department and b.overdue_by_town
    depts = [n for n, _ in b.overdue_by_department]
    towns = [n for n, _ in b.overdue_by_town]
    try:
        with english(cc_app):
            qtbot.waitUntil(
                lambda: (
                    [n for n, _ in view.by_department.rows]
                    == [b.department_names_en[n] for n in depts]
                ),
                timeout=WAIT,
            )
            shown = [n for n, _ in view.by_town.rows]
            assert shown == [
                "(not placed)" if t == "（未落位）" else place_names.english(t) for t in towns
            ]
            assert any(_spelled(t) for t in towns)
        qtbot.waitUntil(lambda: [n for n, _ in view.by_department.rows] == depts, timeout=WAIT)
        assert [n for n, _ in view.by_town.rows] == towns
    finally:
        view.shutdown()


def test_the_analysis_names_categories_channels_towns_and_departments_in_english(
    qtbot, cc_app, db, runner
) -> None:  # type: ignore[no-untyped-def]
    from command_center.views.analysis.analysis_view import AnalysisView

    (uid, name) = _rows(
        db, "SELECT id, display_name FROM app_users WHERE role_code = 'analyst' LIMIT 1"
    )[0]
    view = AnalysisView(runner, None, Actor(uid, name), "analyst")
    qtbot.addWidget(view)
    view.resize(1300, 700)
    view.show()
    qtbot.waitUntil(lambda: view._panels is not None and bool(view._trend), timeout=15_000)
    p = view._panels
    cats = dict(_rows(db, "SELECT code, name_en FROM categories"))
    chans = dict(_rows(db, "SELECT code, name_en FROM channels"))
    depts = dict(_rows(db, "SELECT id, name_en FROM departments"))

    def column(table: Any) -> list[str]:
        return [table.item(i, 0).text().removesuffix(" ▸") for i in range(table.rowCount())]

    try:
        with english(cc_app):
            qtbot.waitUntil(
                lambda: column(view.category_table) == [cats[s.key] for s in p.categories],
                timeout=WAIT,
            )
            assert column(view.channel_table) == [chans[s.key] for s in p.channels]
            assert column(view.region_table) == [place_names.english(s.name) for s in p.regions]
            assert any(_spelled(s.name) for s in p.regions)
            assert column(view.dept_table) == [depts[d.department_id] for d in p.departments]
        qtbot.waitUntil(
            lambda: column(view.category_table) == [s.name for s in p.categories], timeout=WAIT
        )
        assert column(view.dept_table) == [d.name for d in p.departments]
        assert column(view.region_table) == [s.name for s in p.regions]
    finally:
        view.close()


def test_the_routing_rule_form_offers_departments_towns_and_categories_in_english(
    qtbot, cc_app, db
) -> None:  # type: ignore[no-untyped-def]
    from command_center.services.choices import choices
    from command_center.views.admin.rules_dialog import RoutingRuleForm

    with db.sessions() as s:
        ref = choices(s)
    police_zh, police_en = _department(db, "bm_police")
    with english(cc_app):
        form = RoutingRuleForm(ref, None)
        qtbot.addWidget(form)
        assert police_en in _texts(form.department) and police_zh not in _texts(form.department)
        town = next(n for _i, n in ref.towns if _spelled(n))
        assert place_names.english(town) in _texts(form.town)
    form = RoutingRuleForm(ref, None)
    qtbot.addWidget(form)
    assert police_zh in _texts(form.department)


def test_place_names_spell_a_villages_numbered_grids() -> None:
    assert place_names.english("东寨村第二网格") == "Dongzhai Village Grid 2"
    assert place_names.english("金山社区第五网格") == "Jinshan Community Grid 5"
    assert place_names.english("薛寨村第二网格") == "Xuezhai Village Grid 2"
    # a grid of another kind (not a proper name) stays as it is
    assert place_names.english("汽车站专属网格") == "汽车站专属网格"


# --- generated text: the disputes' time limit and timeline, the wall board's alerts --------


def test_the_case_files_time_limit_and_generated_timeline_are_in_english(
    qtbot, cc_app, db, runner, other_engine
) -> None:  # type: ignore[no-untyped-def]
    from command_center.views.disputes.disputes_view import DisputesView

    (case,) = _rows(
        db,
        "SELECT id, number FROM dispute_cases WHERE status IN ('received','mediating') "
        "AND deadline_at IS NOT NULL ORDER BY id LIMIT 1",
    )
    # sent by a court, with a session that did not end it
    with other_engine.begin() as c:
        c.execute(
            text(
                "UPDATE dispute_cases SET source = 'court', source_org = '县人民法院', "
                "source_reference = '（2026）民诉前调1号' WHERE id = :i"
            ),
            {"i": case.id},
        )
        c.execute(
            text(
                "INSERT INTO mediation_sessions (case_id, held_at, mediators, location, outcome, "
                "note, next_step) VALUES (:i, now(), '李调解', '村委会', 'continued', "
                "'双方各退一步', '三日后再谈')"
            ),
            {"i": case.id},
        )
    (uid,) = _rows(db, "SELECT id FROM app_users WHERE username = 'zhiban1'")[0]
    view = DisputesView(runner, None, Actor(uid, "王丽娟"), "duty_operator")
    qtbot.addWidget(view)
    view.resize(1300, 720)
    view.show()
    qtbot.waitUntil(lambda: view._choices is not None and bool(view.model.rows), timeout=WAIT)
    view.search.setText(case.number)
    qtbot.waitUntil(lambda: [r.number for r in view.model.rows] == [case.number], timeout=WAIT)
    panel = view.file_panel
    qtbot.waitUntil(
        lambda: panel.file is not None and panel.file.case.number == case.number, timeout=WAIT
    )
    limit_col = view.model.COLUMNS.index("time_limit")

    def limit_cell() -> str:
        return view.model.index(0, limit_col).data()

    def timeline() -> str:
        return "\n".join(panel.timeline.item(i).text() for i in range(panel.timeline.count()))

    try:
        with english(cc_app):
            qtbot.waitUntil(lambda: "Transferred in: " in timeline(), timeout=WAIT)
            lines = timeline()
            assert "转入" not in lines and "调解（" not in lines and "【" not in lines
            assert "[Transfer] Transferred in: Court (诉调对接), sent by 县人民法院" in lines
            assert "[Session] Session (村委会): 双方各退一步; Next step: 三日后再谈" in lines
            assert limit_cell().endswith((" left", " overdue")), limit_cell()
            assert not any(w in limit_cell() for w in ("剩", "超期", "天", "小时"))
            countdown = panel.countdown.text()
            assert countdown.startswith("Time limit ") and "剩" not in countdown
            assert countdown.endswith((" left)", " overdue)")), countdown
        qtbot.waitUntil(
            lambda: "【移交】转入：诉调对接（法院），县人民法院移送" in timeline(), timeout=WAIT
        )
        assert "Transferred in" not in timeline()
        assert "【调解】调解（村委会）：双方各退一步；下一步：三日后再谈" in timeline()
        assert limit_cell().startswith(("剩", "超期"))
        assert "（剩" in panel.countdown.text() or "（超期" in panel.countdown.text()
    finally:
        view.close()


def test_the_case_files_alert_and_follow_up_lines_are_written_in_both_languages(db) -> None:  # type: ignore[no-untyped-def]
    from command_center.services import disputes

    zh, en = disputes.alert_words("TJ1", 60, "major", "county")
    assert zh == "重大紧急矛盾纠纷 TJ1：涉及60人，风险重大，须报县级"
    assert en == (
        "Major urgent dispute TJ1: 60 people involved, risk major, to be reported at county level"
    )
    assert disputes.DUE_VISIT_TEXT == ("待回访", "Follow-up visit due")


def test_the_wall_boards_alerts_are_in_english(qtbot, cc_app, db, runner, live) -> None:  # type: ignore[no-untyped-def]
    from command_center.views.overview.wall_board import WallBoardView

    view = WallBoardView(runner, live)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.board is not None, timeout=15_000)
    b = view.board
    translated = [a for a in b.alerts if a.text_en and a.text_en != a.text]
    assert translated, "the demo's alerts include supervision reasons the sweep wrote in English"

    def lines() -> list[str]:
        return view.alerts.texts()

    try:
        with english(cc_app):
            qtbot.waitUntil(lambda: any("[Supervision] " in n for n in lines()), timeout=WAIT)
            shown = "\n".join(lines())
            assert "【" not in shown
            for a in translated:
                assert " ".join(a.text_en.split()) in shown
                assert " ".join(a.text.split()) not in shown
        qtbot.waitUntil(lambda: any("【督办】" in n for n in lines()), timeout=WAIT)
        shown = "\n".join(lines())
        for a in translated:
            assert " ".join(a.text.split()) in shown
    finally:
        view.shutdown()


# --- the administrator's tables: routing and deadline rules, accounts ------------------------


def test_the_rules_tables_name_categories_towns_and_departments_in_english(
    qtbot, cc_app, db, runner
) -> None:  # type: ignore[no-untyped-def]
    from command_center.views.admin.rules_dialog import RulesDialog

    rules = _rows(
        db,
        "SELECT r.category_code, c.name AS cat, c.name_en AS cat_en, t.name AS town, "
        "d.name AS dept, d.name_en AS dept_en FROM routing_rules r "
        "JOIN categories c ON c.code = r.category_code "
        "JOIN departments d ON d.id = r.department_id "
        "LEFT JOIN admin_areas t ON t.id = r.town_id ORDER BY r.category_code, r.town_id "
        "NULLS FIRST",
    )
    assert any(r.town and _spelled(r.town) for r in rules)
    admin = _user(db, "admin")

    def opened() -> Any:
        dialog = RulesDialog(runner, admin)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.routing_table.rowCount() == len(rules), timeout=WAIT)
        qtbot.waitUntil(lambda: dialog.deadline_table.rowCount() > 0, timeout=WAIT)
        return dialog

    def table(t: Any, cols: int) -> list[tuple[str, ...]]:
        return [tuple(t.item(i, j).text() for j in range(cols)) for i in range(t.rowCount())]

    with english(cc_app):
        dialog = opened()
        assert table(dialog.routing_table, 3) == [
            (
                f"{r.category_code} {r.cat_en}",
                place_names.english(r.town) if r.town else "Whole county",
                r.dept_en,
            )
            for r in rules
        ]
        deadline_cats = [c for c, *_ in table(dialog.deadline_table, 1) if c != "All"]
        assert deadline_cats and not any(
            "\u4e00" <= ch <= "\u9fff" for c in deadline_cats for ch in c
        )
        dialog.close()
    dialog = opened()
    assert table(dialog.routing_table, 3) == [
        (f"{r.category_code} {r.cat}", r.town or "全县", r.dept) for r in rules
    ]
    dialog.close()


def test_the_accounts_table_names_the_departments_in_english(qtbot, cc_app, db, runner) -> None:  # type: ignore[no-untyped-def]
    from command_center.views.admin.users_dialog import UsersDialog

    police_zh, police_en = _department(db, "bm_police")
    admin = _user(db, "admin")

    def police_row() -> list[str]:
        dialog = UsersDialog(runner, admin)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=WAIT)
        t = dialog.table
        (i,) = [i for i in range(t.rowCount()) if t.item(i, 0).text() == "bm_police"]
        row = [t.item(i, j).text() for j in range(t.columnCount())]
        dialog.close()
        return row

    with english(cc_app):
        row = police_row()
        assert police_en in row and police_zh not in row
    row = police_row()
    assert police_zh in row and police_en not in row


def test_the_demo_sign_in_list_names_the_departments_in_english(qtbot, cc_app, db, runner) -> None:  # type: ignore[no-untyped-def]
    from command_center.views.login_dialog import LoginDialog, UsernameRole

    police_zh, police_en = _department(db, "bm_police")
    with db.sessions() as s:
        accounts = auth.demo_accounts(s)
    assert accounts, "the seeded county is a demo database"
    dialog = LoginDialog(accounts, runner)
    qtbot.addWidget(dialog)
    dialog.show()

    def police_line() -> str:
        tree = dialog.user_tree
        for i in range(tree.topLevelItemCount()):
            group = tree.topLevelItem(i)
            for j in range(group.childCount()):
                if group.child(j).data(0, UsernameRole) == "bm_police":
                    return group.child(j).text(0)
        raise AssertionError("bm_police is offered")

    assert police_line().endswith(f" · {police_zh}")
    with english(cc_app):
        qtbot.waitUntil(lambda: police_line().endswith(f" · {police_en}"), timeout=WAIT)
    qtbot.waitUntil(lambda: police_line().endswith(f" · {police_zh}"), timeout=WAIT)
    dialog.close()
