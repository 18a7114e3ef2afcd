"""The hand-back and the verification as the people at both ends use them: a department objects
and names where the matter belongs, the center sees why at the top of the incident and is
offered that department; the department resolves with a photo; the center verifies against the
result and the photo (nothing preselected) and records how the return visit was made."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QRadioButton
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.services import orders
from command_center.services.attachments import photo_attachment
from command_center.services.audit import Actor
from command_center.views.queue.queue_view import IncidentQueueView
from tests.conftest import make_new_incidents as _make_new
from tests.gui.test_queue_trial import (
    WAIT,
    _inbox_on,
    _order_of_status,
    _user,
)
from tests.gui.test_queue_trial import dialogs as dialogs_fixture

dialogs = dialogs_fixture  # the action dialogs, answered by the test


def _png() -> bytes:
    """A real photo's bytes (a 64×48 PNG)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#4a7"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


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


def test_an_objection_names_a_department_the_center_sees_and_is_offered(
    qtbot, cc_app, db, runner, live, other_engine, dialogs
) -> None:
    (inc_id,) = _make_new(other_engine, 1)
    police = _user(db, "bm_police")
    with Session(other_engine) as s:
        orders.dispatch(s, Actor(None, "李强"), inc_id, police.department_id)
        other = s.execute(
            text("SELECT id, name FROM departments WHERE id <> :d AND active ORDER BY id LIMIT 1"),
            {"d": police.department_id},
        ).one()
    row = _order_of_status(other_engine, "dispatched", f"AND o.incident_id = {inc_id}")
    inbox = _inbox_on(qtbot, db, runner, live, row.id, "bm_police")
    # what waits to be signed for comes first, with the time left to object
    inbox.model.reload()
    qtbot.waitUntil(lambda: inbox.model.rowCount() > 0 and not inbox.model.loading, timeout=WAIT)
    assert inbox.model.item(0).id == row.id
    status = inbox.model.index(0, inbox.model.column_of("status")).data()
    assert status.startswith("待签收") and "异议期剩" in status
    assert all(
        inbox.model.item(i).status != "dispatched" for i in range(1, inbox.model.rowCount())
    )
    seen: dict[str, Any] = {}

    def object_(d: Any) -> bool:
        combo = d.findChild(QComboBox, "suggestedDepartment")
        seen["items"] = [combo.itemData(i) for i in range(combo.count())]
        combo.setCurrentIndex(combo.findData(other.id))
        d.edit.setPlainText("路灯属供电公司产权")
        return True

    dialogs.answer = object_
    inbox.details.action_buttons()[("order", "object")].click()
    qtbot.waitUntil(lambda: len(dialogs) == 1, timeout=WAIT)
    assert seen["items"][0] is None  # "not sure" is the default: a suggestion is optional
    assert police.department_id not in seen["items"] and other.id in seen["items"]
    with other_engine.begin() as c:
        qtbot.waitUntil(
            lambda: (
                c.execute(
                    text("SELECT status FROM work_orders WHERE id = :i"), {"i": row.id}
                ).scalar_one()
                == "objected"
            ),
            timeout=WAIT,
        )
    inbox.shutdown()

    view = _center_view(qtbot, db, runner, live, inc_id)
    banner = view.details.findChild(QLabel, "detailsHandback")
    assert banner.isVisible()
    assert "路灯属供电公司产权" in banner.text() and other.name in banner.text()
    assert police.department_name in banner.text()
    view.grab().save("/tmp/handback_banner.png")

    def dispatch(d: Any) -> bool:
        seen["preselected"] = d.dept.currentData()
        seen["why"] = d.reason.text()
        return False

    dialogs.answer = dispatch
    view.details.action_buttons()[("incident", "dispatch")].click()
    qtbot.waitUntil(lambda: len(dialogs) == 2, timeout=WAIT)
    assert seen["preselected"] == other.id and "异议" in seen["why"]
    view.shutdown()


def test_the_verification_shows_the_result_and_photo_and_presets_nothing(
    qtbot, cc_app, db, runner, live, other_engine, dialogs
) -> None:
    (inc_id,) = _make_new(other_engine, 1)
    police = _user(db, "bm_police")
    me = Actor(police.id, police.display_name)
    with Session(other_engine) as s:
        (order,) = orders.dispatch(s, Actor(None, "李强"), inc_id, police.department_id)
        orders.accept_order(s, me, order.id)
    row = _order_of_status(other_engine, "accepted", f"AND o.incident_id = {inc_id}")
    inbox = _inbox_on(qtbot, db, runner, live, row.id, "bm_police")

    def resolve(d: Any) -> bool:
        assert d.objectName() == "resolveDialog"
        d.attachments.append(photo_attachment("修好后.png", _png()))
        d.edit.setPlainText("已更换灯泡，恢复照明")
        return True

    dialogs.answer = resolve
    inbox.details.action_buttons()[("order", "resolve")].click()
    with other_engine.begin() as c:
        qtbot.waitUntil(
            lambda: (
                c.execute(
                    text("SELECT status FROM incidents WHERE id = :i"), {"i": inc_id}
                ).scalar_one()
                == "resolved"
            ),
            timeout=WAIT,
        )
    inbox.shutdown()

    view = _center_view(qtbot, db, runner, live, inc_id)
    buttons = view.details.action_buttons()
    # one verify button: the incident's (it verifies its order)
    assert ("incident", "verify") in buttons and ("order", "verify") not in buttons
    assert buttons[("incident", "verify")].text().startswith("核查办理结果")
    seen: dict[str, Any] = {}

    def look(d: Any) -> bool:
        try:
            return _look(d)
        except Exception as exc:
            seen["error"] = repr(exc)
            raise

    def _look(d: Any) -> bool:
        seen["results"] = d.findChild(QLabel, "verifyResults").text()
        strip = d.findChild(QListWidget, "verifyPhotos")
        seen["photos"] = [strip.item(i).text() for i in range(strip.count())]
        seen["icon"] = not strip.item(0).icon().isNull()
        seen["checked"] = [b.objectName() for b in d.findChildren(QRadioButton) if b.isChecked()]
        seen["valid"] = d.validate()
        d.grab().save("/tmp/verify_dialog.png")
        d.findChild(QRadioButton, "verdictConfirmed").setChecked(True)
        return True

    dialogs.answer = look
    buttons[("incident", "verify")].click()
    qtbot.waitUntil(lambda: len(dialogs) == 2, timeout=WAIT)
    assert "error" not in seen, seen.get("error")
    assert "已更换灯泡，恢复照明" in seen["results"] and police.department_name in seen["results"]
    assert seen["photos"] == ["修好后.png"] and seen["icon"]
    assert seen["checked"] == [] and not seen["valid"]  # nothing chosen for the operator
    qtbot.waitUntil(lambda: ("incident", "close") in view.details.action_buttons(), timeout=WAIT)

    def visit(d: Any) -> bool:
        d.findChild(QRadioButton, "rating4").setChecked(True)
        combo = d.findChild(QComboBox, "visitMethod")
        combo.setCurrentIndex(combo.findData("visit"))
        return True

    dialogs.answer = visit
    view.details.action_buttons()[("incident", "close")].click()
    with other_engine.begin() as c:
        qtbot.waitUntil(
            lambda: (
                c.execute(
                    text("SELECT status FROM incidents WHERE id = :i"), {"i": inc_id}
                ).scalar_one()
                == "closed"
            ),
            timeout=WAIT,
        )
        visit_row = c.execute(
            text(
                "SELECT method, satisfaction, by_user_id FROM return_visits "
                "WHERE incident_id = :i ORDER BY id DESC LIMIT 1"
            ),
            {"i": inc_id},
        ).one()
    assert tuple(visit_row) == ("visit", 4, view.user.id)
    view.shutdown()
