"""From an incident's details to the other uses of the program: a supervisor issues 督办 on
its order (the ledger's dialog, the order's number filled in); the duty desk takes it in as a
dispute case (the disputes area's intake, linked to the incident); the details then show the
supervision and the case."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QPushButton
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.services import orders
from command_center.services.audit import Actor
from command_center.views.main_window import DatabaseInfo, MainWindow
from command_center.views.supervision import ledger_view
from tests.conftest import make_new_incidents as _make_new
from tests.gui.test_queue_trial import WAIT, _user


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def _window(qtbot, cc_app, runner, live, db, username: str) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(
        runner, _user(db, username), DatabaseInfo(db.url, embedded=False), live,
        translations=cc_app, restore_layout=False,
    )  # fmt: skip
    qtbot.addWidget(window)
    window.show()
    window.build_deferred_views()
    return window


def _button(queue: Any, name: str) -> QPushButton | None:
    """The details panel's button of that name now shown (the previous incident's buttons
    may still wait for deletion)."""
    shown = [
        b for b in queue.details.findChildren(QPushButton, name) if b.isVisibleTo(queue.details)
    ]
    return shown[0] if shown else None


def _select(qtbot, window: MainWindow, incident_id: int) -> Any:  # type: ignore[no-untyped-def]
    window.show_view("incidents")
    queue = window.incidents_view
    assert queue is not None
    qtbot.waitUntil(lambda: not queue.model.loading, timeout=WAIT)
    queue.select_incident(incident_id)
    qtbot.waitUntil(
        lambda: (
            queue.details.details is not None and queue.details.details.incident.id == incident_id
        ),
        timeout=WAIT,
    )
    return queue


def test_a_supervisor_supervises_an_incidents_order_from_its_details(
    qtbot, cc_app, db, runner, live, other_engine, monkeypatch
) -> None:
    (inc_id,) = _make_new(other_engine, 1)
    police = _user(db, "bm_police")
    with Session(other_engine) as s:
        (order,) = orders.dispatch(s, Actor(None, "李强"), inc_id, police.department_id)
    window = _window(qtbot, cc_app, runner, live, db, "duban1")
    queue = _select(qtbot, window, inc_id)
    qtbot.waitUntil(lambda: _button(queue, "detailsSupervise") is not None, timeout=WAIT)
    button = _button(queue, "detailsSupervise")
    assert button is not None
    seen: dict[str, str] = {}

    def fill(dialog: QDialog) -> int:
        seen["target"] = dialog.target.text()  # type: ignore[attr-defined]
        dialog.instructions.setPlainText("今日内到场处置并反馈")  # type: ignore[attr-defined]
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ledger_view.IssueDialog, "exec", fill)
    button.click()
    assert seen["target"] == order.number  # the order's number filled in
    assert window.docks["supervision"].isVisible()
    with other_engine.connect() as c:
        qtbot.waitUntil(
            lambda: (
                c.execute(
                    text("SELECT count(*) FROM supervision_orders WHERE work_order_id = :o"),
                    {"o": order.id},
                ).scalar_one()
                == 1
            ),
            timeout=WAIT,
        )
    queue = _select(qtbot, window, inc_id)
    queue.load_details(*queue._details_for)
    qtbot.waitUntil(
        lambda: "督办" in queue.details.facts.text() and bool(queue.details.details.supervision),
        timeout=WAIT,
    )
    window.close()


def test_the_duty_desk_takes_an_incident_in_as_a_dispute(
    qtbot, cc_app, db, runner, live, other_engine
) -> None:
    (inc_id,) = _make_new(other_engine, 1)
    with other_engine.connect() as c:
        number = c.execute(
            text("SELECT number FROM incidents WHERE id = :i"), {"i": inc_id}
        ).scalar_one()
    window = _window(qtbot, cc_app, runner, live, db, "zhiban1")
    queue = _select(qtbot, window, inc_id)
    qtbot.waitUntil(lambda: _button(queue, "detailsDispute") is not None, timeout=WAIT)
    assert _button(queue, "detailsSupervise") is None  # not the desk's
    button = _button(queue, "detailsDispute")
    assert button is not None
    button.click()
    disputes_view: Any = window.views["disputes"]
    qtbot.waitUntil(
        lambda: any(
            w.objectName() == "disputeIntakeDialog" and w.isVisible()
            for w in disputes_view.findChildren(QDialog)
        ),
        timeout=WAIT,
    )
    dialog = next(
        w for w in disputes_view.findChildren(QDialog) if w.objectName() == "disputeIntakeDialog"
    )
    assert dialog._incident == (inc_id, number)  # linked to the incident
    dialog.close()
    window.close()


def test_a_dispute_alert_opens_its_case_file(qtbot, cc_app, db, runner, live, other_engine) -> None:
    with other_engine.connect() as c:
        case_id, number = c.execute(
            text("SELECT id, number FROM dispute_cases ORDER BY id DESC LIMIT 1")
        ).one()
    window = _window(qtbot, cc_app, runner, live, db, "zhiban1")
    window.open_dispute_case(case_id)
    view: Any = window.views["disputes"]
    assert window.docks["disputes"].isVisible()
    qtbot.waitUntil(
        lambda: view.file_panel.file is not None and view.file_panel.file.case.id == case_id,
        timeout=WAIT,
    )
    assert view.file_panel.file.case.number == number
    window.close()
