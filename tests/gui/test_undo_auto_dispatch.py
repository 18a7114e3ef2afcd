"""Smart dispatch's automatic dispatch is undone from the queue's details: the button shows for
an incident the model dispatched (and no department accepted yet), asks why, and the incident
waits for a person again (on a copy of the demo county)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.services import auth, orders
from command_center.services import learned_routing as lr
from command_center.services import queue as svc
from command_center.services.actions import Inputs
from command_center.views.queue import actions as view_actions
from command_center.views.queue.queue_view import IncidentQueueView
from tests.conftest import make_new_incidents

WAIT = 10_000


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def test_the_details_offer_the_undo_of_an_automatic_dispatch(
    qtbot, cc_app, db, runner, other_engine, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    auto_id, manual_id = make_new_incidents(other_engine, 2)
    with other_engine.connect() as c:
        dept = c.execute(text("SELECT min(id) FROM departments")).scalar_one()
    with Session(other_engine) as s:
        orders.dispatch(s, lr.AUTO, auto_id, dept, note="自动派单：测试")  # as smart dispatch does
        operator = lr.actor_named(s, "zhiban1")
        orders.dispatch(s, operator, manual_id, dept)
    with db.sessions() as s:
        user = auth.authenticate(s, "zhiban1", "demo")
    view = IncidentQueueView(runner, None, user)
    qtbot.addWidget(view)
    view.show()
    view.apply_filter(svc.QueueFilter(statuses=("dispatched",)))
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=WAIT)

    view.select_incident(manual_id)  # a person's dispatch: no undo here
    qtbot.waitUntil(
        lambda: view.details.details is not None and view.details.details.incident.id == manual_id,
        timeout=WAIT,
    )
    assert ("incident", "undo_auto") not in view.details.action_buttons()

    view.select_incident(auto_id)
    qtbot.waitUntil(
        lambda: (
            view.details.details is not None
            and view.details.details.incident.id == auto_id
            and ("incident", "undo_auto") in view.details.action_buttons()
        ),
        timeout=WAIT,
    )
    button = view.details.action_buttons()[("incident", "undo_auto")]
    qtbot.waitUntil(button.isVisible, timeout=WAIT)
    assert button.text() == "撤销自动派单…"
    asked: list[str] = []

    def answer(parent, kind, name, targets, prep):  # type: ignore[no-untyped-def]
        asked.append(name)
        return Inputs(text="应由镇上先处理")

    monkeypatch.setattr(view_actions, "ask", answer)
    button.click()
    qtbot.waitUntil(lambda: view.details.details.incident.status == "accepted", timeout=WAIT)
    assert asked == ["undo_auto"]
    with other_engine.connect() as c:
        reason = c.execute(
            text(
                "SELECT reason FROM audit_log WHERE entity_type = 'incident' "
                "AND entity_id = :i AND action = 'incident.recall'"
            ),
            {"i": auto_id},
        ).scalar_one()
    assert "应由镇上先处理" in reason
    view.shutdown()
