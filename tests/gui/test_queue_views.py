"""The queues and the department inbox on a copy of the demo county: the lazy models, jumps,
live changes in place, actions (and a colleague acting first), saved filters, the inbox."""

from __future__ import annotations

import html
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.db.connection import Database
from command_center.models import ResponseTemplate
from command_center.services import actions as lifecycle_actions
from command_center.services import attachments, auth, orders
from command_center.services import queue as svc
from command_center.services.actions import Inputs, Target
from command_center.services.audit import Actor
from command_center.views.queue import action_dialogs
from command_center.views.queue.inbox_view import DepartmentInboxView
from command_center.views.queue.queue_model import IdRole, QueueTableModel
from command_center.views.queue.queue_view import IncidentQueueView
from tests.conftest import make_new_incidents as _make_new

WAIT = 10_000


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    """These tests run on a writable copy of the demo county."""
    return seeded_copy


def _user(db: Database, username: str) -> auth.UserInfo:
    with db.sessions() as s:
        return auth.authenticate(s, username, "demo")


def _scalar(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as c:
        return c.execute(text(sql), params).scalar_one()


def _wait_loaded(qtbot, model: QueueTableModel) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: model.rowCount() > 0 and not model.loading, timeout=WAIT)


def _fence(qtbot, model: QueueTableModel, other_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    """Commit a harmless title change from the other workstation and wait until the queue shows
    it. Notifications arrive in commit order, so whatever was committed before has been seen too:
    what has not happened by then is not going to happen."""
    target = model.item(0)
    title = f"{target.title}（核对）"
    with other_engine.begin() as c:
        c.execute(
            text("UPDATE incidents SET title = :t, version = version + 1 WHERE id = :id"),
            {"t": title, "id": target.id},
        )
    title_col = model.column_of("title")
    qtbot.waitUntil(
        lambda: any(model.index(r, title_col).data() == title for r in range(model.rowCount())),
        timeout=WAIT,
    )


def _load_all(qtbot, model: QueueTableModel) -> None:  # type: ignore[no-untyped-def]
    _wait_loaded(qtbot, model)
    while not model.exhausted:
        if model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: not model.loading, timeout=WAIT)


@pytest.mark.parametrize("kind", ["incidents", "orders"])
def test_models_pass_qtmodeltester_with_real_rows(qtbot, qtmodeltester, runner, kind) -> None:
    model = QueueTableModel(runner, svc.Query(kind, svc.QueueFilter()), page_size=60)
    _wait_loaded(qtbot, model)
    assert model.canFetchMore(QModelIndex())
    qtmodeltester.check(model, force_py=True)  # fetchMore runs while the tester watches
    qtbot.waitUntil(lambda: not model.loading, timeout=WAIT)
    for _ in range(3):
        model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: not model.loading, timeout=WAIT)
    assert model.rowCount() >= 240 and model.rowCount() % 60 == 0  # whole pages only
    ids = [model.index(r, 0).data(IdRole) for r in range(model.rowCount())]
    assert len(set(ids)) == len(ids)
    # the tester still watches: a reload (another filter) resets and pages in again
    model.set_query(svc.Query(kind, svc.QueueFilter(priorities=(1,))))
    _wait_loaded(qtbot, model)
    assert {model.item(r).priority for r in range(model.rowCount())} == {1}


def test_pages_load_every_open_incident_once(qtbot, runner, other_engine) -> None:
    model = QueueTableModel(
        runner, svc.Query("incidents", svc.QueueFilter(statuses=svc.OPEN_INCIDENTS)), page_size=25
    )
    _load_all(qtbot, model)
    expected = _scalar(
        other_engine,
        "SELECT count(*) FROM incidents WHERE status IN "
        "('new','accepted','dispatched','in_progress')",
    )
    assert model.rowCount() == expected > 25
    assert len(set(model.ids())) == expected
    qtbot.waitUntil(lambda: model.count is not None, timeout=WAIT)
    assert model.count == svc.Count(expected, True)


def test_queue_shows_countdown_and_jumps_to_a_number(
    qtbot, cc_app, db, runner, other_engine
) -> None:
    view = IncidentQueueView(runner, None, _user(db, "zhiban1"), page_size=20)
    qtbot.addWidget(view)
    view.resize(1600, 900)
    view.show()
    _wait_loaded(qtbot, view.model)
    qtbot.waitUntil(
        lambda: "共" in view.count_label.text() or "in all" in view.count_label.text(), timeout=WAIT
    )
    # the first rows are the most urgent: overdue ones say so in the time-limit column
    col = view.model.column_of("deadline")
    first = view.model.item(0)
    assert first.due_at is not None and first.due_at < clock.now()  # the county has overdue work
    assert view.model.index(0, col).data().startswith("超期")
    # a number far down the queue (not loaded yet)
    numbers = [
        r[0]
        for r in Session(other_engine)
        .execute(
            text(
                "SELECT number FROM incidents WHERE status IN ('new','accepted','dispatched',"
                "'in_progress') ORDER BY coalesce(due_at, 'infinity'), id"
            )
        )
        .all()
    ]
    target = numbers[len(numbers) * 3 // 4]
    assert target not in [r.number for r in view.model.items()]
    view.jump_edit.setText(target.lower())
    qtbot.keyClick(view.jump_edit, "\r")
    qtbot.waitUntil(
        lambda: (
            view.table.currentIndex().isValid()
            and view.model.item(view.table.currentIndex().row()).number == target
        ),
        timeout=WAIT,
    )
    qtbot.waitUntil(
        lambda: view.details.details is not None and view.details.details.incident.number == target,
        timeout=WAIT,
    )
    assert target in view.details.title.text()
    assert view.earlier_button.isVisible()  # rows above the window can be loaded
    # a number that does not exist: said where it was typed
    view.jump_to("SJ209901010001")
    qtbot.waitUntil(lambda: "SJ209901010001" in view.jump_message.text(), timeout=WAIT)
    assert view.jump_notice.isVisible() and not view.jump_clear.isVisible()
    view.shutdown()


def test_live_change_updates_the_row_in_place(
    qtbot, cc_app, db, runner, live, other_engine
) -> None:
    view = IncidentQueueView(runner, live, _user(db, "zhiban1"), page_size=50)
    qtbot.addWidget(view)
    view.show()
    _wait_loaded(qtbot, view.model)
    row = 5
    target = view.model.item(row)
    view.table.selectionModel().setCurrentIndex(
        view.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    resets: list[bool] = []
    view.model.modelAboutToBeReset.connect(lambda: resets.append(True))
    with other_engine.begin() as c:
        c.execute(
            text(
                "UPDATE incidents SET title = '村口垃圾堆积（已更新）', priority = 1, "
                "version = version + 1 WHERE id = :id"
            ),
            {"id": target.id},
        )
    title_col = view.model.column_of("title")
    qtbot.waitUntil(
        lambda: view.model.index(row, title_col).data() == "村口垃圾堆积（已更新）", timeout=WAIT
    )
    assert view.model.item(row).priority == 1
    assert not resets
    assert view.table.currentIndex().row() == row  # the selection stayed
    # closed by someone else: it leaves the open queue, but stays greyed until refreshed
    with other_engine.begin() as c:
        c.execute(
            text("UPDATE incidents SET status = 'closed', version = version + 1 WHERE id = :id"),
            {"id": target.id},
        )
    qtbot.waitUntil(lambda: view.model.is_stale(target.id), timeout=WAIT)
    assert view.model.row_of(target.id) == row
    # a closed incident reopened elsewhere now matches: announced, not pushed into the list
    with other_engine.begin() as c:
        reopened = c.execute(
            text(
                "UPDATE incidents SET status = 'accepted', version = version + 1 WHERE id = "
                "(SELECT id FROM incidents WHERE status = 'closed' ORDER BY id LIMIT 1) "
                "RETURNING id"
            )
        ).scalar_one()
    qtbot.waitUntil(lambda: view.new_banner.isVisible(), timeout=WAIT)
    assert "1" in view.new_banner.text() and view.model.row_of(reopened) == -1
    assert not resets
    view.new_banner.click()  # refresh: read again from the start
    qtbot.waitUntil(
        lambda: not view.new_banner.isVisible() and view.model.rowCount() > 0, timeout=WAIT
    )
    view.shutdown()


def _new_incident_in_details(qtbot, db, runner, new_id: int) -> IncidentQueueView:  # type: ignore[no-untyped-def]
    """The queue of new incidents, with ``new_id`` selected and its details shown."""
    view = IncidentQueueView(runner, None, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.show()
    view.apply_filter(svc.QueueFilter(statuses=("new",)))
    _wait_loaded(qtbot, view.model)
    view.select_incident(new_id)
    qtbot.waitUntil(
        lambda: view.details.details is not None and view.details.details.incident.id == new_id,
        timeout=WAIT,
    )
    return view


def test_conflict_says_who_acted_and_rereads_the_row(
    qtbot, cc_app, db, runner, other_engine
) -> None:
    (new_id,) = _make_new(other_engine, 1)
    view = _new_incident_in_details(qtbot, db, runner, new_id)
    button = view.details.action_buttons()[("incident", "accept")]
    seen = view.model.item(view.model.row_of(new_id))
    # a colleague accepts it first
    with Session(other_engine) as s:
        orders.accept_incident(s, Actor(None, "张三"), new_id, expected_version=seen.version)
    button.click()
    qtbot.waitUntil(lambda: "张三" in view.details.message.text(), timeout=WAIT)
    message = view.details.message.text()
    assert "当前状态" in message and "已受理" in message
    status_col = view.model.column_of("status")
    qtbot.waitUntil(
        lambda: (
            view.model.is_stale(new_id)
            or view.model.index(view.model.row_of(new_id), status_col).data() == "已受理"
        ),
        timeout=WAIT,
    )
    qtbot.waitUntil(lambda: view.details.details.incident.status == "accepted", timeout=WAIT)
    view.shutdown()


def test_bulk_accept_and_saved_filters(qtbot, cc_app, db, runner, other_engine) -> None:
    user = _user(db, "zhiban2")
    _make_new(other_engine, 3)
    view = IncidentQueueView(runner, None, user)
    qtbot.addWidget(view)
    view.show()
    view.apply_filter(svc.QueueFilter(statuses=("new",)), "reported")
    _wait_loaded(qtbot, view.model)
    picked = [view.model.item(r) for r in (0, 1)]
    sel = view.table.selectionModel()
    for r in (0, 1):
        sel.select(
            view.model.index(r, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    assert view.bulk_accept.isEnabled()
    targets = [Target("incident", r.id, r.version, r.number) for r in picked]
    view.start_action("incident", "accept", targets, Inputs())
    qtbot.waitUntil(lambda: "2" in view.details.message.text(), timeout=WAIT)
    for r in picked:
        assert (
            _scalar(other_engine, "SELECT status FROM incidents WHERE id = :i", i=r.id)
            == "accepted"
        )
        qtbot.waitUntil(lambda r=r: view.model.is_stale(r.id), timeout=WAIT)
    # save the filter, see it in the menu, apply another, come back through the menu
    view.save_filter_as("新事件·最新")
    qtbot.waitUntil(lambda: [f.name for f in view.saved_filters] == ["新事件·最新"], timeout=WAIT)
    view.apply_filter(view.default_filter(), "deadline")
    act = next(a for a in view.saved_menu.actions() if a.text() == "新事件·最新")
    act.trigger()
    assert view.current_filter().statuses == ("new",) and view.sort == "reported"
    assert view.status_combo.currentData() == ("new",)
    view.delete_saved_filter(view.saved_filters[0].id)
    qtbot.waitUntil(lambda: view.saved_filters == [], timeout=WAIT)
    view.shutdown()


def test_inbox_shows_only_the_handlers_department(qtbot, cc_app, db, runner, other_engine) -> None:
    user = _user(db, "bm_police")
    view = DepartmentInboxView(runner, None, user)
    qtbot.addWidget(view)
    view.show()
    view.apply_filter(svc.QueueFilter())  # every status
    _load_all(qtbot, view.model)
    expected = _scalar(
        other_engine,
        "SELECT count(*) FROM work_orders WHERE department_id = :d",
        d=user.department_id,
    )
    assert view.model.rowCount() == expected > 0
    assert {r.department_id for r in view.model.items()} == {user.department_id}
    assert not view.dept_combo.isVisible()


def test_inbox_signs_for_an_order_with_big_buttons(qtbot, cc_app, db, runner, other_engine) -> None:
    with other_engine.begin() as c:
        row = c.execute(
            text(
                "SELECT o.id, u.username FROM work_orders o JOIN app_users u ON "
                "u.department_id = o.department_id WHERE o.status = 'in_progress' LIMIT 1"
            )
        ).one()
    view = DepartmentInboxView(runner, None, _user(db, row.username))
    qtbot.addWidget(view)
    view.show()
    _wait_loaded(qtbot, view.model)
    view.model.jump_to_id(row.id)
    qtbot.waitUntil(
        lambda: view.table.currentIndex().isValid() or view.model.row_of(row.id) >= 0, timeout=WAIT
    )
    view._select_row(view.model.row_of(row.id))
    qtbot.waitUntil(lambda: view.details.details is not None, timeout=WAIT)
    buttons = view.details.action_buttons()
    assert ("order", "resolve") in buttons and ("order", "progress") in buttons
    assert ("incident", "answer") not in buttons  # the center's, not the department's
    resolve = buttons[("order", "resolve")]
    qtbot.waitUntil(lambda: resolve.height() >= 40, timeout=WAIT)  # big targets
    assert view.details.countdown.text()
    view.start_action(
        "order",
        "progress",
        [Target("order", row.id, view.model.item(view.model.row_of(row.id)).version, "x")],
        Inputs(
            text="已到现场核实",
            attachments=[attachments.photo_attachment("现场.jpg", b"\xff\xd8jpeg")],
        ),
    )
    qtbot.waitUntil(
        lambda: (
            view.details.details is not None
            and any(p.note == "已到现场核实" for p in view.details.details.progress)
        ),
        timeout=WAIT,
    )
    p = next(p for p in view.details.details.progress if p.note == "已到现场核实")
    assert p.attachments[0]["name"] == "现场.jpg" and "data" not in p.attachments[0]
    view.shutdown()


def test_center_queue_offers_only_the_centers_order_actions(
    qtbot, cc_app, db, runner, other_engine
) -> None:
    with other_engine.begin() as c:
        inc_id = c.execute(
            text(
                "SELECT incident_id FROM work_orders WHERE status = 'in_progress' "
                "AND lead_order_id IS NULL LIMIT 1"
            )
        ).scalar_one()
    view = IncidentQueueView(runner, None, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.show()
    _wait_loaded(qtbot, view.model)
    view.select_incident(inc_id)
    qtbot.waitUntil(
        lambda: view.details.details is not None and view.details.details.incident.id == inc_id,
        timeout=WAIT,
    )
    buttons = view.details.action_buttons()
    assert ("order", "second_dispatch") in buttons
    assert ("incident", "answer") in buttons
    # resolving or returning is the department's, in its inbox
    assert not {("order", "resolve"), ("order", "return"), ("order", "progress")} & set(buttons)
    view.shutdown()


def test_area_filter_and_the_map_link(qtbot, cc_app, db, runner, other_engine) -> None:
    view = IncidentQueueView(runner, None, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.show()
    view.apply_filter(svc.QueueFilter())  # every status
    _wait_loaded(qtbot, view.model)
    with other_engine.connect() as c:
        x0, x1, y0, y1 = c.execute(
            text(
                "SELECT percentile_cont(0.2) WITHIN GROUP (ORDER BY lon), "
                "percentile_cont(0.6) WITHIN GROUP (ORDER BY lon), "
                "percentile_cont(0.2) WITHIN GROUP (ORDER BY lat), "
                "percentile_cont(0.6) WITHIN GROUP (ORDER BY lat) FROM incidents"
            )
        ).one()
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    view.set_area_filter({"type": "Polygon", "coordinates": [ring]})
    assert view.area_chip.isVisible()
    qtbot.waitUntil(lambda: view.model.query.filter.polygon is not None, timeout=WAIT)
    _load_all(qtbot, view.model)
    expected = _scalar(
        other_engine,
        "SELECT count(*) FROM incidents WHERE lon BETWEEN :x0 AND :x1 AND lat BETWEEN :y0 AND :y1",
        x0=x0,
        x1=x1,
        y0=y0,
        y1=y1,
    )
    assert view.model.rowCount() == expected > 0
    # a click in the list tells the map which incident; the map selects one in the list
    with qtbot.waitSignal(view.sig_incident_selected, timeout=WAIT) as blocker:
        view._select_row(3)
    assert blocker.args == [view.model.item(3).id]
    view.set_area_filter(None)
    assert not view.area_chip.isVisible()
    _wait_loaded(qtbot, view.model)
    view.shutdown()


def test_dialogs_suggest_the_department_fill_templates_and_refuse_big_photos(
    qtbot, cc_app, db, tmp_path
) -> None:
    with db.sessions() as s:
        row = svc.page(s, svc.Query("incidents"), None, 1).rows[0]
        s.add(
            ResponseTemplate(
                category_code=row.category_code,
                title="已受理答复",
                body="您反映的{number}「{title}」已受理。",
            )
        )
        s.commit()
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
        templates = lifecycle_actions.prepare(s, "incident", "answer", [target]).templates
    assert prep.suggestion is not None
    d = action_dialogs.DispatchDialog(prep.departments, prep.suggestion)
    qtbot.addWidget(d)
    assert d.dept.currentData() == prep.suggestion.department_id
    assert prep.suggestion.reason in d.reason.text()
    t = action_dialogs.TextDialog("答复", "内容", templates=templates, row=row)
    qtbot.addWidget(t)
    index = next(
        i for i in range(t.template_combo.count()) if t.template_combo.itemText(i) == "已受理答复"
    )
    t.template_combo.setCurrentIndex(index)
    t.template_combo.activated.emit(index)
    assert t.edit.toPlainText() == f"您反映的{row.number}「{row.title}」已受理。"
    p = action_dialogs.ProgressDialog()
    qtbot.addWidget(p)
    small, big = tmp_path / "现场.jpg", tmp_path / "大图.jpg"
    small.write_bytes(b"\xff\xd8" + b"1" * 2000)
    big.write_bytes(b"0" * (attachments.MAX_PHOTO_BYTES + 1))
    problems = p.add_files([str(small), str(big)])
    assert len(problems) == 1 and "大图.jpg" in problems[0] and "5 MB" in problems[0]
    assert [a["name"] for a in p.attachments] == ["现场.jpg"]
    assert p.error.isVisibleTo(p)
    assert not p.validate()  # no note yet
    p.edit.setPlainText("已到现场")
    assert p.validate() and p.inputs().attachments[0]["sha256"]


def test_a_bulk_import_elsewhere_reloads_the_queue_once(
    qtbot, cc_app, db, runner, live, other_engine, monkeypatch
) -> None:
    from pathlib import Path

    from sqlalchemy.orm import Session

    from command_center.db import bulk
    from command_center.services import imports
    from command_center.services.audit import Actor

    view = IncidentQueueView(runner, live, _user(db, "zhiban1"), page_size=50)
    qtbot.addWidget(view)
    view.show()
    _wait_loaded(qtbot, view.model)
    resets: list[bool] = []
    view.model.modelReset.connect(lambda: resets.append(True))
    monkeypatch.setattr(bulk, "BULK_NOTIFY_THRESHOLD", 1)
    data = (Path(__file__).resolve().parents[1] / "fixtures/open311/cn_requests.json").read_bytes()
    with Session(other_engine) as s:
        report = imports.import_open311(s, data, actor=Actor(None, "李强"), source="bulk-test")
    assert report.imported > 1
    qtbot.waitUntil(lambda: bool(resets), timeout=WAIT)
    _wait_loaded(qtbot, view.model)
    _fence(qtbot, view.model, other_engine)
    assert len(resets) == 1  # one reload for the whole import, not one burst per row
    view.shutdown()


def test_a_duplicate_report_is_merged_from_the_queue(
    qtbot, cc_app, db, runner, other_engine, monkeypatch
) -> None:
    keep_id, dup_id = _make_new(other_engine, 2)
    with other_engine.begin() as c:  # the same problem, reported twice within the hour
        c.execute(
            text(
                "UPDATE incidents d SET lon = k.lon + 0.0003, lat = k.lat, title = k.title, "
                "description = k.description, category_code = k.category_code, "
                "reported_at = k.reported_at + interval '40 minutes', village_id = k.village_id, "
                "version = d.version + 1 FROM incidents k WHERE k.id = :keep AND d.id = :dup"
            ),
            {"keep": keep_id, "dup": dup_id},
        )
    view = IncidentQueueView(runner, None, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.show()
    view.apply_filter(svc.QueueFilter(statuses=("new",)))
    _wait_loaded(qtbot, view.model)
    view.select_incident(dup_id)
    qtbot.waitUntil(
        lambda: view.details.details is not None and view.details.details.incident.id == dup_id,
        timeout=WAIT,
    )
    offered: list[list[int]] = []

    def choose(dialog) -> int:  # type: ignore[no-untyped-def]
        offered.append([c.incident_id for c in dialog._candidates])
        row = [c.incident_id for c in dialog._candidates].index(keep_id)
        dialog.table.selectRow(row)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(action_dialogs.MergeDialog, "exec", choose)
    view.details.action_buttons()[("incident", "merge")].click()
    qtbot.waitUntil(
        lambda: (
            _scalar(other_engine, "SELECT status FROM incidents WHERE id = :i", i=dup_id)
            == "merged"
        ),
        timeout=WAIT,
    )
    assert keep_id in offered[0]
    assert (
        _scalar(other_engine, "SELECT duplicate_of_id FROM incidents WHERE id = :i", i=dup_id)
        == keep_id
    )
    view.shutdown()


def test_a_photo_of_a_progress_report_opens(qtbot, cc_app, db, runner, other_engine) -> None:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a7bd5"))
    raw = QByteArray()
    buffer = QBuffer(raw)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    (inc_id,) = _make_new(other_engine, 1)
    dept = _scalar(other_engine, "SELECT min(id) FROM departments")
    with Session(other_engine) as s:
        (order,) = orders.dispatch(s, Actor(None, "王丽娟"), inc_id, dept)
        orders.accept_order(s, Actor(None, "郝世"), order.id)
        orders.report_progress(
            s,
            Actor(None, "郝世"),
            order.id,
            "已到现场清理",
            [attachments.photo_attachment("现场.png", bytes(raw.data()))],
        )
    view = IncidentQueueView(runner, None, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.show()
    _wait_loaded(qtbot, view.model)
    view.select_incident(inc_id)
    qtbot.waitUntil(
        lambda: (
            view.details.details is not None
            and view.details.details.incident.id == inc_id
            and view.details.progress.topLevelItemCount() == 1
        ),
        timeout=WAIT,
    )
    photo = view.details.progress.topLevelItem(0).child(0)
    assert photo is not None and "现场.png" in photo.text(4)
    view.details.progress.itemDoubleClicked.emit(photo, 4)
    qtbot.waitUntil(lambda: getattr(view, "photo_dialog", None) is not None, timeout=WAIT)
    dialog = view.photo_dialog
    assert dialog.loaded and dialog.windowTitle() == "现场.png"
    assert dialog.image.pixmap().width() == 320
    dialog.close()
    view.shutdown()


def test_markup_in_a_report_shows_literally_in_the_queue_and_the_details(
    qtbot, cc_app, db, runner, other_engine
) -> None:
    """Text from outside (a POSTed title, description or address) is text on every screen."""
    (new_id,) = _make_new(other_engine, 1)
    title = '<h1 style="color:red">紧急通知</h1>'
    description = '<img src="http://x/a.png">请点<a href="http://x">这里</a>'
    with other_engine.begin() as c:
        c.execute(
            text("UPDATE incidents SET title = :t, description = :d, address = :a WHERE id = :i"),
            {"t": title, "d": description, "a": "<b>东大街</b>", "i": new_id},
        )
    view = _new_incident_in_details(qtbot, db, runner, new_id)
    # the queue's cell: the characters as typed (item views draw plain text)
    row = view.model.row_of(new_id)
    assert view.model.index(row, view.model.column_of("title")).data() == title
    # the details: the title as plain text; the description and address escaped in the facts
    assert view.details.title.textFormat() == Qt.TextFormat.PlainText
    assert title in view.details.title.text()
    facts = view.details.facts.text()
    assert html.escape(description) in facts and "<img" not in facts
    assert html.escape("<b>东大街</b>") in facts and "<b>东大街" not in facts


def test_a_point_outside_the_county_is_flagged_in_the_queue_and_the_details(
    qtbot, cc_app, db, runner, other_engine
) -> None:
    """Issue 10, bug 4: the `outside` flag was shown nowhere."""
    (new_id,) = _make_new(other_engine, 1)
    with other_engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE incidents SET location_flag = 'outside', lon = 116.40, lat = 39.90, "
                "grid_id = NULL, village_id = NULL, town_id = NULL, version = version + 1 "
                "WHERE id = :i"
            ),
            {"i": new_id},
        )
    view = _new_incident_in_details(qtbot, db, runner, new_id)
    try:
        row = view.model.row_of(new_id)
        place = view.model.index(row, view.model.column_of("place"))
        assert "辖区外" in place.data(Qt.ItemDataRole.DisplayRole)
        assert "辖区外，待核实" in view.details.facts.text()
    finally:
        view.shutdown()


def test_the_commonest_steps_have_keys(qtbot, cc_app, db, runner, other_engine) -> None:
    """Ctrl+Shift+A accepts the incident in the details (its button says so), as a click on
    the button would (issue 10: shortcuts for accept, dispatch and verify)."""
    (new_id,) = _make_new(other_engine, 1)
    view = _new_incident_in_details(qtbot, db, runner, new_id)
    try:
        button = view.details.action_buttons()[("incident", "accept")]
        assert "Shift+A" in button.toolTip()
        # the key as bound in the view (a real key press needs the window to be the active one,
        # which the offscreen platform does not promise in a long run)
        from PySide6.QtGui import QShortcut

        bound = {s.key().toString(): s for s in view.findChildren(QShortcut)}
        assert {"Ctrl+Shift+A", "Ctrl+Shift+D", "Ctrl+Shift+V"} <= set(bound)
        bound["Ctrl+Shift+A"].activated.emit()

        def status() -> str:
            with other_engine.connect() as conn:
                return conn.execute(
                    text("SELECT status FROM incidents WHERE id = :i"), {"i": new_id}
                ).scalar_one()

        qtbot.waitUntil(lambda: status() == "accepted", timeout=WAIT)
        # nothing to verify on an accepted incident: the key does nothing
        assert not view.press_action((("incident", "verify"),))
    finally:
        view.shutdown()


def test_one_button_clears_every_filter(qtbot, cc_app, db, runner) -> None:  # type: ignore[no-untyped-def]
    """清除筛选: back to how the queue opens, whatever was narrowed (issue 10: one "clear all
    filters")."""
    view = IncidentQueueView(runner, None, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.show()
    try:
        _wait_loaded(qtbot, view.model)
        qtbot.waitUntil(lambda: view.model.count is not None, timeout=WAIT)
        opened = view.model.count.value
        view.apply_filter(
            svc.QueueFilter(
                statuses=("closed",),
                priorities=(1,),
                overdue_only=True,
                text="井盖",
            )
        )
        view.set_area_filter(
            {
                "type": "Polygon",
                "coordinates": [[[100.8, 38.4], [100.9, 38.4], [100.9, 38.5], [100.8, 38.4]]],
            }
        )
        _wait_loaded(qtbot, view.model)
        assert view.reset_button.text() == "清除筛选"
        view.reset_button.click()
        _wait_loaded(qtbot, view.model)
        qtbot.waitUntil(
            lambda: view.model.count is not None and view.model.count.value == opened, timeout=WAIT
        )
        assert not view.overdue_check.isChecked() and view.search_edit.text() == ""
        assert not view.area_chip.isVisible()
        assert view.status_combo.currentData() == view.default_filter().statuses
    finally:
        view.shutdown()


def test_the_order_queue_shows_what_was_returned_or_objected(qtbot, cc_app, db, runner) -> None:  # type: ignore[no-untyped-def]
    """被退回/有异议: the orders the center must dispatch again, in one choice of the status
    filter (issue 10: "a queue filter 被退回/有异议")."""
    from command_center.views.queue.queue_view import WorkOrderQueueView

    view = WorkOrderQueueView(runner, None, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.show()
    try:
        _wait_loaded(qtbot, view.model)
        index = view.status_combo.findText("被退回/有异议")
        assert index > 0
        view.status_combo.setCurrentIndex(index)
        view.status_combo.activated.emit(index)  # as the operator's choice does
        _wait_loaded(qtbot, view.model)
        statuses = {view.model.item(r).status for r in range(view.model.rowCount())}
        assert statuses and statuses <= {"returned", "objected"}
        with db.sessions() as s:
            expected = s.execute(
                text("SELECT count(*) FROM work_orders WHERE status IN ('returned', 'objected')")
            ).scalar_one()
        qtbot.waitUntil(
            lambda: view.model.count is not None and view.model.count.value == expected,
            timeout=WAIT,
        )
        assert f"{expected:,}" in view.count_label.text()
    finally:
        view.shutdown()


def test_the_english_queue_names_departments_categories_and_channels_in_english(
    qtbot, cc_app, db, runner
) -> None:  # type: ignore[no-untyped-def]
    """The ledger said "County Civil Affairs Bureau" while the order queue said 县民政局 in
    the English interface: the queues take the names' English words too (and Chinese again)."""
    orders = QueueTableModel(runner, svc.Query("orders", svc.QueueFilter()), page_size=60)
    incidents = QueueTableModel(runner, svc.Query("incidents", svc.QueueFilter()), page_size=60)
    _wait_loaded(qtbot, orders)
    _wait_loaded(qtbot, incidents)
    order, incident = orders.item(0), incidents.item(0)
    with db.sessions() as s:
        dept = s.execute(
            text("SELECT name, name_en FROM departments WHERE id = :d"),
            {"d": order.department_id},
        ).one()
        cat = s.execute(
            text("SELECT name, name_en FROM categories WHERE code = :c"),
            {"c": order.category_code},
        ).one()
        chan = s.execute(
            text("SELECT name, name_en FROM channels WHERE code = :c"),
            {"c": incident.channel_code},
        ).one()
    assert dept[1] and cat[1] and chan[1] and dept[1] != dept[0]

    def shown() -> tuple[str, str, str]:
        return (
            orders.index(0, orders.column_of("department")).data(),
            orders.index(0, orders.column_of("category")).data(),
            incidents.index(0, incidents.column_of("channel")).data(),
        )

    try:
        cc_app.switch("en")
        assert shown() == (dept[1], cat[1], chan[1])
    finally:
        cc_app.switch("zh_CN")
    assert shown() == (dept[0], cat[0], chan[0])
