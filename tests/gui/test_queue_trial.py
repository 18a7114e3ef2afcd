"""What the operator trial (issue 10) found in the queues and the department's dialogs: the
templates each dialog offers, the inbox row after an objection or a return, a bulk action after
the filter changed, the return visit, a jump to a number outside the filter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QDialog, QPushButton, QRadioButton
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from command_center.db.connection import Database
from command_center.models import ResponseTemplate
from command_center.services import auth, orders
from command_center.services import queue as svc
from command_center.services.actions import Inputs, Target
from command_center.services.audit import Actor
from command_center.views.queue import action_dialogs
from command_center.views.queue.inbox_view import DepartmentInboxView
from command_center.views.queue.queue_model import QueueTableModel
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


def _wait_loaded(qtbot, model: QueueTableModel) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: model.rowCount() > 0 and not model.loading, timeout=WAIT)


class Opened(list[Any]):
    """The action dialogs the views opened; ``answer`` plays the operator (a function of the
    dialog returning whether OK was pressed; default: cancel)."""

    answer: Callable[[Any], bool] = staticmethod(lambda d: False)  # type: ignore[assignment]


@pytest.fixture
def dialogs(monkeypatch) -> Opened:  # type: ignore[no-untyped-def]
    opened = Opened()

    def exec_(self: Any) -> QDialog.DialogCode:
        opened.append(self)
        if opened.answer(self) and self.validate():
            return QDialog.DialogCode.Accepted
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(action_dialogs._Dialog, "exec", exec_)
    return opened


def _inbox_on(qtbot, db, runner, live, order_id: int, username: str) -> DepartmentInboxView:  # type: ignore[no-untyped-def]
    view = DepartmentInboxView(runner, live, _user(db, username))
    qtbot.addWidget(view)
    view.resize(1500, 800)
    view.show()
    _wait_loaded(qtbot, view.model)
    view.model.jump_to_id(order_id)
    qtbot.waitUntil(lambda: view.model.row_of(order_id) >= 0, timeout=WAIT)
    view._select_row(view.model.row_of(order_id))
    qtbot.waitUntil(lambda: view.details.details is not None, timeout=WAIT)
    return view


def _order_of_status(engine: Engine, status: str, extra: str = "") -> Any:
    with engine.begin() as c:
        return c.execute(
            text(
                "SELECT o.id, o.version, o.number, u.username, u.id AS user_id, "
                "u.display_name FROM work_orders o JOIN app_users u ON "
                "u.department_id = o.department_id AND u.role_code = 'dept_handler' "
                f"WHERE o.status = :s {extra} ORDER BY o.id LIMIT 1"
            ),
            {"s": status},
        ).one()


def _combo_items(d: Any) -> list[str]:
    combo = d.template_combo
    return [] if combo is None else [combo.itemText(i) for i in range(1, combo.count())]


# --- bug 7: templates per action ---------------------------------------------------------------


def test_department_dialogs_offer_only_the_templates_for_their_action(
    qtbot, cc_app, db, runner, other_engine, dialogs
) -> None:
    with Session(other_engine) as s:
        s.add_all(
            [
                ResponseTemplate(status="returned", title="非本部门职责", body="不属本部门"),
                ResponseTemplate(status="in_progress", title="已到现场", body="已派人到现场"),
                ResponseTemplate(status=None, title="通用答复", body="您好，已收到"),
            ]
        )
        s.commit()
    row = _order_of_status(other_engine, "accepted")
    view = _inbox_on(qtbot, db, runner, None, row.id, row.username)
    buttons = view.details.action_buttons()
    buttons[("order", "return")].click()
    qtbot.waitUntil(lambda: len(dialogs) == 1, timeout=WAIT)
    returned = _combo_items(dialogs[0])
    assert "非本部门职责" in returned
    # no reply to the citizen among the reasons for a return
    assert not {"受理告知", "民生诉求受理", "通用答复", "已到现场"} & set(returned)
    buttons[("order", "progress")].click()
    qtbot.waitUntil(lambda: len(dialogs) == 2, timeout=WAIT)
    progress = _combo_items(dialogs[1])
    assert "已到现场" in progress
    assert not {"受理告知", "民生诉求受理", "通用答复", "非本部门职责"} & set(progress)
    dialogs[1].grab().save("/tmp/trial_progress_dialog.png")
    view.shutdown()


# --- bug 8: the inbox row after an objection or a return ---------------------------------------


def test_inbox_row_shows_objected_and_returned_at_once(
    qtbot, cc_app, db, runner, live, other_engine
) -> None:
    inc_id, inc2_id = _make_new(other_engine, 2)
    handler = _user(db, "bm_police")
    assert handler.department_id is not None
    me = Actor(handler.id, handler.display_name)
    with Session(other_engine) as s:
        orders.dispatch(s, Actor(None, "李强"), inc_id, handler.department_id)
        orders.dispatch(s, Actor(None, "李强"), inc2_id, handler.department_id)
    other = _order_of_status(other_engine, "dispatched", f"AND o.incident_id = {inc2_id}")
    with Session(other_engine) as s:
        orders.accept_order(s, me, other.id)
    row = _order_of_status(other_engine, "dispatched", f"AND o.incident_id = {inc_id}")
    view = _inbox_on(qtbot, db, runner, live, row.id, row.username)
    status_col = view.model.column_of("status")

    def status_of(order_id: int) -> str:
        return view.model.index(view.model.row_of(order_id), status_col).data()

    item = view.model.item(view.model.row_of(row.id))
    view.start_action(
        "order",
        "object",
        [Target("order", row.id, item.version, row.number, row=item)],
        Inputs(text="不属于本部门职责"),
    )
    qtbot.waitUntil(lambda: status_of(row.id) == "已异议", timeout=WAIT)
    # returned at another workstation of the same department: the row follows live
    other = _order_of_status(other_engine, "accepted", f"AND o.incident_id = {inc2_id}")
    view.model.jump_to_id(other.id)
    qtbot.waitUntil(lambda: view.model.row_of(other.id) >= 0, timeout=WAIT)
    assert status_of(other.id) == "已签收"
    with Session(other_engine) as s:
        orders.return_order(
            s, me, other.id, "需上级部门协调",
            expected_version=other.version,
        )
    qtbot.waitUntil(lambda: status_of(other.id) == "已退单", timeout=WAIT)
    view.shutdown()


# --- bug 9: a bulk action after the filter changed ---------------------------------------------


def test_selection_follows_the_filter_and_an_empty_bulk_action_says_so(
    qtbot, cc_app, db, runner
) -> None:
    view = IncidentQueueView(runner, None, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.show()
    _wait_loaded(qtbot, view.model)
    view.table.selectionModel().select(
        view.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert view.selection_label.text() == "已选 1 条" and view.bulk_accept.isEnabled()
    view.apply_filter(svc.QueueFilter(priorities=(1,)))
    _wait_loaded(qtbot, view.model)
    # the rows read again: nothing is selected any more, and the label and buttons say so
    assert view.selected_rows() == []
    assert view.selection_label.text() == "已选 0 条"
    assert not view.bulk_accept.isEnabled()
    messages: list[str] = []
    view.sig_message.connect(lambda t, _k: messages.append(t))
    view.bulk_action("accept")
    assert messages and view.details.message.text() == messages[-1]  # said, not ignored
    view.shutdown()


# --- bug 12: the return visit ------------------------------------------------------------------


def test_return_visit_has_no_preset_rating_and_records_could_not_reach(
    qtbot, cc_app, db, runner, other_engine, dialogs
) -> None:
    with other_engine.begin() as c:
        inc = c.execute(
            text("SELECT id, number, version FROM incidents WHERE status = 'verified' LIMIT 1")
        ).one()
    view = IncidentQueueView(runner, None, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.show()
    view.apply_filter(svc.QueueFilter(statuses=("verified",)))
    _wait_loaded(qtbot, view.model)
    view.select_incident(inc.id)
    qtbot.waitUntil(
        lambda: view.details.details is not None and view.details.details.incident.id == inc.id,
        timeout=WAIT,
    )
    seen: dict[str, Any] = {}

    def first_try(d: Any) -> bool:
        # nothing chosen for the operator; OK without a choice is refused
        seen["checked"] = [b.text() for b in d.findChildren(QRadioButton) if b.isChecked()]
        seen["names"] = [b.objectName() for b in d.findChildren(QRadioButton)]
        seen["valid"] = d.validate()
        seen["error"] = d.error.text()
        d.grab().save("/tmp/trial_visit_dialog.png")
        return False

    dialogs.answer = first_try
    view.details.action_buttons()[("incident", "close")].click()
    qtbot.waitUntil(lambda: len(dialogs) == 1, timeout=WAIT)
    assert seen["checked"] == []
    assert "visitUnreached" in seen["names"]
    assert not seen["valid"] and seen["error"]

    def unreached(d: Any) -> bool:
        d.findChild(QRadioButton, "visitUnreached").setChecked(True)
        d.edit.setPlainText("两次拨打均无人接听")
        return True

    dialogs.answer = unreached
    view.details.action_buttons()[("incident", "close")].click()
    said = view.tr(
        "%1: the reporter could not be reached. The attempt is recorded; the "
        "incident stays open for another visit."
    ).replace("%1", inc.number)
    qtbot.waitUntil(lambda: view.details.message.text() == said, timeout=WAIT)
    with other_engine.begin() as c:
        assert c.execute(
            text("SELECT status FROM incidents WHERE id = :i"), {"i": inc.id}
        ).scalar_one() == "verified"
        visit = c.execute(
            text("SELECT satisfaction, comment, by_user_id FROM return_visits "
                 "WHERE incident_id = :i ORDER BY id DESC LIMIT 1"),
            {"i": inc.id},
        ).one()
        audit = c.execute(
            text("SELECT actor_name, reason FROM audit_log WHERE entity_type = 'incident' "
                 "AND entity_id = :i AND action = 'incident.visit_unreached'"),
            {"i": inc.id},
        ).one()
    assert visit.satisfaction is None and visit.comment == "两次拨打均无人接听"
    assert visit.by_user_id == view.user.id
    assert audit.actor_name == view.user.display_name and audit.reason == "两次拨打均无人接听"
    # the incident can still be visited and closed
    qtbot.waitUntil(
        lambda: ("incident", "close") in view.details.action_buttons(), timeout=WAIT
    )
    view.shutdown()


# --- bug 13: a jump to a number outside the filter ---------------------------------------------


def test_a_jump_outside_the_filter_says_so_at_the_jump_and_offers_to_clear(
    qtbot, cc_app, db, runner, other_engine, type_text
) -> None:
    with other_engine.begin() as c:
        closed = c.execute(
            text("SELECT id, number FROM incidents WHERE status = 'closed' LIMIT 1")
        ).one()
    view = IncidentQueueView(runner, None, _user(db, "zhiban1"))
    qtbot.addWidget(view)
    view.resize(1500, 800)
    view.show()
    _wait_loaded(qtbot, view.model)
    view._select_row(2)
    qtbot.waitUntil(lambda: view.details.details is not None, timeout=WAIT)
    shown_before = view.details.details.incident.id
    type_text(view.jump_edit, closed.number + "\n")
    notice = view.jump_notice
    qtbot.waitUntil(lambda: notice.isVisible(), timeout=WAIT)
    assert closed.number in view.jump_message.text()
    # not in the panel of the incident shown before
    assert closed.number not in view.details.message.text()
    assert view.details.details.incident.id == shown_before
    view.grab().save("/tmp/trial_jump_notice.png")
    button = notice.findChild(QPushButton, "jumpClearFilters")
    assert button is not None and button.isVisible()
    button.click()
    qtbot.waitUntil(
        lambda: view.table.currentIndex().isValid()
        and view.model.item(view.table.currentIndex().row()).id == closed.id,
        timeout=WAIT,
    )
    assert view.current_filter().statuses == ()
    assert not notice.isVisible()
    qtbot.waitUntil(lambda: view.details.details.incident.id == closed.id, timeout=WAIT)
    # a number nobody has: said at the jump, no button
    type_text(view.jump_edit, "SJ19990101000001\n")
    qtbot.waitUntil(lambda: notice.isVisible(), timeout=WAIT)
    assert "SJ19990101000001" in view.jump_message.text() and not button.isVisible()
    view.shutdown()
