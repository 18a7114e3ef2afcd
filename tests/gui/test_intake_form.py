"""The intake form and the table import dialog on a copy of the demo county."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from sqlalchemy import Engine, text

from command_center.db.connection import Database
from command_center.services import auth, intake
from command_center.services.audit import Actor
from command_center.views.intake import ImportTableDialog, IntakeFormView
from command_center.views.intake.intake_form import DRAFT_DELAY_MS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tabular"


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


@pytest.fixture
def operator(db: Database) -> auth.UserInfo:
    with db.sessions() as s:
        return next(u for u in auth.list_users(s) if u.username == "zhiban1")


def _count(db: Database, where: str = "true", **params: Any) -> int:
    with db.sessions() as s:
        return int(s.scalar(text(f"SELECT count(*) FROM incidents WHERE {where}"), params))


def _label(db: Database, grid: str) -> tuple[float, float, str]:
    with db.sessions() as s:
        row = s.execute(
            text(
                "SELECT g.label_lon, g.label_lat, t.name FROM admin_areas g "
                "JOIN admin_areas v ON v.id = g.parent_id JOIN admin_areas t ON t.id = v.parent_id "
                "WHERE g.level = 'grid' AND g.name = :n"
            ),
            {"n": grid},
        ).one()
        return float(row[0]), float(row[1]), str(row[2])


def _open_form(qtbot, runner, user: auth.UserInfo) -> IntakeFormView:  # type: ignore[no-untyped-def]
    view = IntakeFormView(runner, user)
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    qtbot.waitUntil(lambda: view.channel.count() > 0, timeout=10_000)
    return view


@pytest.fixture
def form(qtbot, runner, operator, cc_app) -> IntakeFormView:  # type: ignore[no-untyped-def]
    return _open_form(qtbot, runner, operator)


def test_filling_the_form_and_saving_creates_one_incident(
    qtbot,
    form: IntakeFormView,
    db: Database,
    type_text,  # type: ignore[no-untyped-def]
) -> None:
    before = _count(db)
    form.channel.setCurrentIndex(form.channel.findData("hotline_12345"))
    type_text(form.category.search, "广场舞")
    leaf = form.category.tree.findItems("商铺广场舞噪音", Qt.MatchFlag.MatchRecursive)[0]
    form.category.tree.setCurrentItem(leaf)
    assert form.category.code() == "030202"
    type_text(form.title_edit, "广场舞音响扰民")
    type_text(form.description, "每晚十点后还在放音乐")
    type_text(form.address, "洪水镇益民村文化广场")
    type_text(form.reporter_name, "张桂兰")
    type_text(form.reporter_phone, "13993601234")
    form.priority.setCurrentIndex(form.priority.findData(2))
    # the address alone already places it, flagged as "by the address only"
    qtbot.waitUntil(lambda: "益民村" in form.placement_label.text(), timeout=10_000)
    assert form.placement_label.property("kind") == "warning"
    qtbot.waitUntil(lambda: "局" in form.routing_label.text(), timeout=10_000)

    with qtbot.waitSignal(form.sig_incident_created, timeout=10_000) as created:
        qtbot.keyClick(form.title_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    new_id = created.args[0]
    assert _count(db) == before + 1
    with db.sessions() as s:
        row = (
            s.execute(
                text(
                    "SELECT i.*, v.name AS village FROM incidents i "
                    "LEFT JOIN admin_areas v ON v.id = i.village_id WHERE i.id = :i"
                ),
                {"i": new_id},
            )
            .mappings()
            .one()
        )
    assert row["title"] == "广场舞音响扰民"
    assert row["description"] == "每晚十点后还在放音乐"
    assert row["address"] == "洪水镇益民村文化广场"
    assert (row["reporter_name"], row["reporter_phone"]) == ("张桂兰", "13993601234")
    assert (row["channel_code"], row["category_code"], row["priority"]) == (
        "hotline_12345",
        "030202",
        2,
    )
    assert row["village"] == "益民村" and row["location_flag"] == "missing"
    # the form is clear for the next call and shows the new number
    assert form.title_edit.text() == "" and form.address.text() == ""
    assert row["number"] in form.message.text()


def test_the_map_pick_fills_the_location_and_shows_the_placement(
    qtbot,
    form: IntakeFormView,
    db: Database,  # type: ignore[no-untyped-def]
) -> None:
    lon, lat, town = _label(db, "益民村第一网格")
    with qtbot.waitSignal(form.sig_pick_on_map_requested, timeout=1_000):
        form.pick_button.click()
    form.set_location(lon, lat)
    assert form.location.text() == f"{lon:.6f}, {lat:.6f}"
    assert form.location_value() == (lon, lat)
    qtbot.waitUntil(lambda: town in form.placement_label.text(), timeout=10_000)
    assert form.placement_label.property("kind") == "ok"
    # outside the county: said so, in red
    form.set_location(103.834, 36.061)
    qtbot.waitUntil(lambda: form.placement_label.property("kind") == "error", timeout=10_000)


def test_a_duplicate_is_offered_and_merged(
    qtbot,
    form: IntakeFormView,
    db: Database,  # type: ignore[no-untyped-def]
) -> None:
    lon, lat, _town = _label(db, "三寨村第一网格")
    with db.sessions() as s:
        made = intake.create_incident(
            s,
            Actor(None, "陈建国"),
            intake.IncidentDraft(
                channel_code="qr_code",
                title="暖气不热室温低",
                description="三寨村集中供热后顶层住户暖气一直不热，室温不到十一度",
                category_code="060101",
                lon=lon,
                lat=lat,
            ),
        )
    orig = SimpleNamespace(
        id=made.id,
        title="暖气片不热",
        description="三寨村顶层暖气一直不热，室温只有十度",
        lon=lon + 0.0004,
        lat=lat,
    )
    form.category.set_code("060101")  # a call is saved with its category (issue 10, bug 3)
    form.title_edit.setText(orig.title)
    form.description.setPlainText(orig.description)
    form.set_location(orig.lon, orig.lat)
    qtbot.waitUntil(lambda: form.duplicates.rowCount() > 0, timeout=10_000)
    ids = [
        form.duplicates.item(r, 0).data(Qt.ItemDataRole.UserRole)
        for r in range(form.duplicates.rowCount())
    ]
    assert orig.id in ids
    form.duplicates.selectRow(ids.index(orig.id))
    with qtbot.waitSignal(form.sig_incident_created, timeout=10_000) as created:
        form.merge_button.click()
    with db.sessions() as s:
        status, dup_of = s.execute(
            text("SELECT status, duplicate_of_id FROM incidents WHERE id = :i"),
            {"i": created.args[0]},
        ).one()
    assert (status, dup_of) == ("merged", orig.id)


def test_saving_without_a_title_says_so_and_saves_nothing(
    qtbot,
    form: IntakeFormView,
    db: Database,  # type: ignore[no-untyped-def]
) -> None:
    before = _count(db)
    form.address.setText("洪水镇")
    form.save()
    assert form.message.property("kind") == "error"
    assert _count(db) == before


def test_import_dialog_imports_a_file_and_lists_skipped_rows(
    qtbot,
    runner,
    operator,
    db: Database,
    cc_app,  # type: ignore[no-untyped-def]
) -> None:
    dialog = ImportTableDialog(runner, operator)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.open_file(str(FIXTURES / "hotline_gb18030.csv"))
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=10_000)
    assert dialog.preview.rowCount() == 9
    assert dialog.mapping()["description"] == "诉求内容"
    dialog.source.setText("12345-test")
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=20_000)
    assert dialog.last_result.imported == 5
    assert dialog.skipped.count() == 4
    assert dialog.skipped.item(0).text().startswith(("第7行", "Row 7"))
    assert _count(db, "external_source = :s", s="12345-test") == 5
    # a broken file: a clear message, nothing to import
    dialog.open_file(str(FIXTURES / "broken_utf16.csv"))
    qtbot.waitUntil(lambda: "UTF-16" in dialog.status.text(), timeout=10_000)
    assert not dialog.import_button.isEnabled()


# --- the unsaved call survives a restart and a lost connection -----------------------------

CALL = {
    "title": "楼道堆放杂物堵塞消防通道",
    "description": "三单元一楼到三楼楼道堆满纸箱和旧家具，老人上下楼不方便，担心着火",
    "address": "洪水镇益民村三社",
    "reporter_name": "李秀英",
    "reporter_phone": "13909361234",
}


def _fields(form: IntakeFormView) -> dict[str, Any]:
    return {
        "channel": form.channel.currentData(),
        "category": form.category.code(),
        "title": form.title_edit.text(),
        "description": form.description.toPlainText(),
        "address": form.address.text(),
        "location": form.location.text(),
        "reporter_name": form.reporter_name.text(),
        "reporter_phone": form.reporter_phone.text(),
        "priority": form.priority.currentData(),
    }


def _type_call(form: IntakeFormView, type_text, db: Database) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Type CALL as an operator does, on another channel than the default, with a category, a
    location picked on the map and the urgent priority; return the form's fields."""
    other = next(
        i for i in range(form.channel.count()) if form.channel.itemData(i) != "hotline_12345"
    )
    form.channel.setCurrentIndex(other)
    type_text(form.category.search, "消防")
    leaf = next(
        item
        for item in form.category.tree.findItems(
            "消防", Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive
        )
        if item.childCount() == 0
    )
    form.category.tree.setCurrentItem(leaf)
    assert form.category.code() is not None
    for name in ("title", "description", "address", "reporter_name", "reporter_phone"):
        widget = form.title_edit if name == "title" else getattr(form, name)
        type_text(widget, CALL[name])
    lon, lat, _town = _label(db, "益民村第一网格")
    form.set_location(lon, lat)
    form.priority.setCurrentIndex(form.priority.findData(1))
    fields = _fields(form)
    assert fields["title"] == CALL["title"] and fields["reporter_phone"] == CALL["reporter_phone"]
    return fields


def _empty(form: IntakeFormView) -> bool:
    f = _fields(form)
    return not any(f[k] for k in ("category", *CALL, "location")) and f["priority"] == 3


def _restored_message(form: IntakeFormView) -> bool:
    text_ = form.message.text()
    return "已恢复" in text_ or "Restored the call" in text_


@pytest.mark.parametrize("end", ["closed", "crashed"])
def test_an_unsaved_call_comes_back_after_a_restart_and_goes_once_saved(
    qtbot,
    runner,
    operator,
    db: Database,
    cc_app,
    type_text,
    end: str,  # type: ignore[no-untyped-def]
) -> None:
    """ "closed": the program is closed (or restarted) right after the last key press.
    "crashed": it is never closed; the power goes a moment after the operator stopped typing."""
    before = _count(db)
    first = _open_form(qtbot, runner, operator)
    typed = _type_call(first, type_text, db)
    if end == "closed":
        first.close()
    else:
        # on disk, not just in memory, within a moment of the last key press
        ini = Path(QSettings().fileName())
        qtbot.waitUntil(
            lambda: ini.exists() and CALL["reporter_phone"] in ini.read_text("utf-8", "replace"),
            timeout=DRAFT_DELAY_MS + 2_000,
        )

    # another login on the same workstation does not get it
    with db.sessions() as s:
        colleague = next(u for u in auth.list_users(s) if u.username == "zhiban2")
    theirs = _open_form(qtbot, runner, colleague)
    assert _empty(theirs) and not _restored_message(theirs)
    theirs.close()

    second = _open_form(qtbot, runner, operator)
    qtbot.waitUntil(lambda: second.category.code() is not None, timeout=5_000)
    assert _fields(second) == typed
    assert _restored_message(second), second.message.text()
    assert second.location_value() == first.location_value()
    # nothing went to the database by itself
    assert _count(db) == before

    with qtbot.waitSignal(second.sig_incident_created, timeout=10_000) as created:
        second.save_button.click()
    assert _count(db) == before + 1
    with db.sessions() as s:
        row = s.execute(
            text(
                "SELECT title, description, reporter_name, reporter_phone, channel_code, "
                "category_code, priority FROM incidents WHERE id = :i"
            ),
            {"i": created.args[0]},
        ).one()
    assert tuple(row) == (
        CALL["title"],
        CALL["description"],
        CALL["reporter_name"],
        CALL["reporter_phone"],
        typed["channel"],
        typed["category"],
        1,
    )
    second.close()
    if end == "crashed":
        first.close()  # the old window from before the "power cut" must not bring it back

    third = _open_form(qtbot, runner, operator)
    qtbot.wait(100)
    assert _empty(third) and not _restored_message(third)
    assert CALL["reporter_phone"] not in Path(QSettings().fileName()).read_text("utf-8")


def test_clearing_the_form_forgets_the_draft(
    qtbot,
    form: IntakeFormView,
    runner,
    operator,
    type_text,  # type: ignore[no-untyped-def]
) -> None:
    type_text(form.title_edit, CALL["title"])
    type_text(form.reporter_phone, CALL["reporter_phone"])
    ini = Path(QSettings().fileName())
    qtbot.waitUntil(
        lambda: ini.exists() and CALL["reporter_phone"] in ini.read_text("utf-8", "replace"),
        timeout=DRAFT_DELAY_MS + 2_000,
    )
    form.clear_button.click()
    assert form.title_edit.text() == "" and form.reporter_phone.text() == ""
    assert CALL["reporter_phone"] not in ini.read_text("utf-8")
    form.close()

    again = _open_form(qtbot, runner, operator)
    qtbot.wait(100)
    assert _empty(again) and not _restored_message(again)


def test_a_save_on_a_lost_connection_keeps_the_input_and_succeeds_once_it_is_back(
    qtbot,
    form: IntakeFormView,
    db: Database,
    other_engine: Engine,
    terminate_connections,
    allow_connections,
    type_text,  # type: ignore[no-untyped-def]
) -> None:
    before = _count(db)
    typed = _type_call(form, type_text, db)
    qtbot.waitUntil(lambda: form.placement_label.property("kind") == "ok", timeout=10_000)
    # the server goes away under the operator's hands: it refuses new connections and cuts
    # the program's (from another client, connected beforehand)
    other_engine.connect().close()
    allow_connections(False)
    assert terminate_connections(other_engine) >= 1
    form.save_button.click()
    qtbot.waitUntil(lambda: form.save_button.isEnabled(), timeout=15_000)
    message = form.message.text()
    assert form.message.property("kind") == "error"
    assert ("未登记" in message and "连接" in message and "保留" in message) or (
        "Not saved" in message and "connection" in message and "kept" in message
    ), message
    assert form.message.toolTip()  # the server's own words, for whoever looks after it
    assert _fields(form) == typed

    allow_connections(True)
    assert _count(db) == before
    with qtbot.waitSignal(form.sig_incident_created, timeout=10_000):
        form.save_button.click()
    assert _count(db) == before + 1
    assert _empty(form)


def test_a_save_failing_otherwise_shows_the_error_and_keeps_the_input(
    qtbot,
    form: IntakeFormView,
    db: Database,
    type_text,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("编号生成失败 / could not make a number")

    monkeypatch.setattr(intake, "create_and_merge", broken)
    before = _count(db)
    _type_call(form, type_text, db)  # a complete call (a title alone is not saved: bug 3)
    form.save_button.click()
    qtbot.waitUntil(lambda: "编号生成失败" in form.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: form.save_button.isEnabled(), timeout=10_000)
    message = form.message.text()
    assert "编号生成失败 / could not make a number" in message
    assert "保留" in message or "kept" in message, message
    # not blamed on the connection
    assert not any(w in message for w in ("连接", "connection", "reach")), message
    assert form.title_edit.text() == CALL["title"]
    assert form.reporter_name.text() == CALL["reporter_name"]
    assert _count(db) == before


# --- the keyboard and the lists (issue 10, bug 15) -------------------------------------------


def test_bringing_the_form_forward_puts_the_cursor_in_its_first_field(
    qtbot,
    runner,
    operator,
    cc_app,  # type: ignore[no-untyped-def]
) -> None:
    """Ctrl+4: the main window shows the form's dock and gives the dock's widget the focus
    (MainWindow.show_view); the operator can type at once."""
    from PySide6.QtWidgets import QApplication, QDockWidget, QLineEdit, QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    elsewhere = QLineEdit(window)
    window.setCentralWidget(elsewhere)
    dock = QDockWidget("事件登记", window)
    form = IntakeFormView(runner, operator, dock)
    dock.setWidget(form)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: form.channel.count() > 0, timeout=10_000)
    window.activateWindow()
    qtbot.waitActive(window)
    elsewhere.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is elsewhere, timeout=2_000)

    dock.widget().setFocus(Qt.FocusReason.OtherFocusReason)  # what show_view does
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.channel, timeout=2_000)
    elsewhere.setFocus()
    form.focus_first_field()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.channel, timeout=2_000)


def test_enter_in_the_category_search_takes_the_only_match(
    qtbot,
    form: IntakeFormView,
    type_text,  # type: ignore[no-untyped-def]
) -> None:
    type_text(form.category.search, "广场舞")
    qtbot.keyClick(form.category.search, Qt.Key.Key_Return)
    assert form.category.code() == "030202"
    assert "商铺广场舞噪音" in form.category.chosen.text()
    # several matches: Enter chooses none of them
    form.category.clear()
    type_text(form.category.search, "噪音")
    qtbot.keyClick(form.category.search, Qt.Key.Key_Return)
    assert form.category.code() is None


def test_the_address_completer_lists_grids_in_their_order(
    qtbot,
    form: IntakeFormView,
    type_text,  # type: ignore[no-untyped-def]
) -> None:
    type_text(form.address, "南街社区第")
    model = form._completion_model
    qtbot.waitUntil(lambda: model.rowCount() >= 6, timeout=10_000)
    listed = [n for n in model.stringList() if n.endswith("网格")]
    ordinals = [n[n.index("第") : n.index("网格")] for n in listed]
    order = ["第一", "第二", "第三", "第四", "第五", "第六", "第七", "第八", "第九", "第十"]
    assert len(ordinals) >= 6, listed
    assert ordinals == sorted(ordinals, key=order.index), listed


# --- a bad coordinate is blamed on the coordinate (issue 10, bug 6) --------------------------


def _placement(form: IntakeFormView) -> str:
    return form.placement_label.text()


def test_a_coordinate_that_is_no_number_is_named_not_the_address(
    qtbot,
    form: IntakeFormView,
    type_text,  # type: ignore[no-untyped-def]
) -> None:
    form.address.setText("洪水镇益民村")
    qtbot.waitUntil(lambda: "益民村" in _placement(form), timeout=10_000)
    type_text(form.location, "abc")
    form.location.editingFinished.emit()
    form.refresh_preview()
    qtbot.waitUntil(lambda: "abc" in _placement(form), timeout=10_000)
    text_ = _placement(form)
    assert form.placement_label.property("kind") == "error"
    assert "坐标" in text_ or "coordinate" in text_, text_
    assert "地址" not in text_ and "address" not in text_, text_
    assert form.swap_button.isHidden()


def test_latitude_and_longitude_swapped_are_detected_and_swapped_on_request(
    qtbot,
    form: IntakeFormView,
    db: Database,
    type_text,  # type: ignore[no-untyped-def]
) -> None:
    lon, lat, town = _label(db, "益民村第一网格")
    type_text(form.location, f"{lat:.6f}, {lon:.6f}")
    form.location.editingFinished.emit()
    qtbot.waitUntil(form.swap_button.isVisible, timeout=10_000)
    text_ = _placement(form)
    assert form.placement_label.property("kind") == "error"
    assert "填反" in text_ or "swapped" in text_, text_
    assert "地址" not in text_ and "address" not in text_, text_
    form.swap_button.click()
    assert form.location_value() == (pytest.approx(lon), pytest.approx(lat))
    qtbot.waitUntil(lambda: form.placement_label.property("kind") == "ok", timeout=10_000)
    assert town in _placement(form)
    assert form.swap_button.isHidden()


# --- a point outside the county is saved only when the operator says so (issue 10, bug 4) ----


def _fill_complete_call(form: IntakeFormView, type_text) -> None:  # type: ignore[no-untyped-def]
    type_text(form.category.search, "广场舞")
    leaf = form.category.tree.findItems("商铺广场舞噪音", Qt.MatchFlag.MatchRecursive)[0]
    form.category.tree.setCurrentItem(leaf)
    form.title_edit.setText("广场舞音响扰民")
    form.description.setPlainText("每晚十点后还在放音乐")
    form.address.setText("洪水镇益民村文化广场")


@pytest.mark.parametrize("answer", ["no", "yes"])
def test_a_point_outside_the_county_asks_before_saving(
    qtbot,
    form: IntakeFormView,
    db: Database,
    type_text,
    answer: str,  # type: ignore[no-untyped-def]
) -> None:
    from PySide6.QtWidgets import QMessageBox

    before = _count(db)
    _fill_complete_call(form, type_text)
    form.set_location(103.834, 36.061)  # Lanzhou
    form.save_button.click()
    qtbot.waitUntil(
        lambda: form.outside_question is not None and form.outside_question.isVisible(),
        timeout=10_000,
    )
    box = form.outside_question
    assert "民乐县" in box.text() and ("外" in box.text() or "outside" in box.text()), box.text()
    assert _count(db) == before  # nothing saved while the question is open
    if answer == "no":
        box.button(QMessageBox.StandardButton.No).click()
        qtbot.wait(300)
        assert _count(db) == before
        assert form.title_edit.text() == "广场舞音响扰民"  # kept, to correct the point
        assert form.window().focusWidget() is form.location
    else:
        with qtbot.waitSignal(form.sig_incident_created, timeout=10_000) as created:
            box.button(QMessageBox.StandardButton.Yes).click()
        with db.sessions() as s:
            flag = s.scalar(
                text("SELECT location_flag FROM incidents WHERE id = :i"), {"i": created.args[0]}
            )
        assert flag == "outside"


def test_a_point_inside_saves_without_a_question(
    qtbot,
    form: IntakeFormView,
    db: Database,
    type_text,  # type: ignore[no-untyped-def]
) -> None:
    _fill_complete_call(form, type_text)
    lon, lat, _town = _label(db, "益民村第一网格")
    form.set_location(lon, lat)
    with qtbot.waitSignal(form.sig_incident_created, timeout=10_000):
        form.save_button.click()
    assert form.outside_question is None or not form.outside_question.isVisible()


# --- a call is saved with what the workflow needs (issue 10, bug 3) --------------------------


def test_a_title_alone_is_not_saved_and_the_form_says_what_is_missing(
    qtbot,
    form: IntakeFormView,
    db: Database,
    type_text,  # type: ignore[no-untyped-def]
) -> None:
    before = _count(db)
    type_text(form.title_edit, "路灯不亮")
    qtbot.keyClick(form.title_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(300)
    assert _count(db) == before
    message = form.message.text()
    assert form.message.property("kind") == "error"
    for zh, en in (("分类", "category"), ("描述", "description"), ("地址", "address")):
        assert zh in message or en in message, message
    assert form.window().focusWidget() is form.category.search  # the first missing field
    assert form.category.search.property("missing") is True
    assert form.title_edit.property("missing") is False

    _fill_complete_call(form, type_text)
    form.address.clear()
    form.save_button.click()
    assert form.window().focusWidget() is form.address
    assert ("分类" not in form.message.text()) and ("category" not in form.message.text())
    # no place, but the reason why: saved, the reason in the audit entry
    type_text(form.no_location, "来电人不清楚具体位置")
    with qtbot.waitSignal(form.sig_incident_created, timeout=10_000) as created:
        form.save_button.click()
    with db.sessions() as s:
        row = s.execute(
            text(
                "SELECT i.category_code, i.description, i.location_flag, a.after "
                "FROM incidents i JOIN audit_log a ON a.entity_type = 'incident' "
                "AND a.entity_id = i.id WHERE i.id = :i"
            ),
            {"i": created.args[0]},
        ).one()
    assert row[0] == "030202" and row[1] == "每晚十点后还在放音乐"
    assert row[2] == "missing"
    assert row[3]["no_location_reason"] == "来电人不清楚具体位置"
