"""The disputes area: the case list and its filters, the case file with masked parties, a
session recorded through its dialog, an intake refused for a wrong identity number and then
taken in."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import text

from command_center.services import disputes
from command_center.services.audit import Actor
from command_center.views.disputes.dialogs import pick
from command_center.views.disputes.disputes_view import DisputesView
from tests.db.test_disputes import VALID_ID

COUNT_NEW = "SELECT count(*) FROM dispute_cases WHERE summary = '相邻宅基地排水纠纷'"


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def _scalar(db, sql: str, **params: object):  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        return s.scalar(text(sql), params)


@pytest.fixture
def view(db, runner, qtbot):  # type: ignore[no-untyped-def]
    uid = _scalar(db, "SELECT id FROM app_users WHERE username = 'zhiban1'")
    v = DisputesView(runner, None, Actor(uid, "王丽娟"), "duty_operator")
    qtbot.addWidget(v)
    v.resize(1300, 720)
    v.show()
    qtbot.waitUntil(lambda: v._choices is not None and bool(v.model.rows), timeout=10_000)
    qtbot.waitUntil(lambda: v.file_panel.file is not None, timeout=10_000)
    return v


def test_the_list_shows_open_cases_filters_and_opens_the_case_file(db, view, qtbot) -> None:
    n_open = _scalar(db, "SELECT count(*) FROM dispute_cases WHERE status IN "
                         "('received','mediating')")
    assert len(view.model.rows) == min(n_open, 100)
    assert all(r.status in disputes.OPEN_STATUSES for r in view.model.rows)
    assert view.count.text().startswith(str(min(n_open, 100)))
    # every status, then one number typed into the search
    view.status.setCurrentIndex(1)
    qtbot.waitUntil(lambda: len(view.model.rows) > n_open or len(view.model.rows) == 100,
                    timeout=5000)
    number = _scalar(db, "SELECT number FROM dispute_cases c WHERE EXISTS (SELECT 1 FROM "
                         "dispute_parties p WHERE p.case_id = c.id AND p.id_number IS NOT NULL) "
                         "ORDER BY id LIMIT 1")
    view.search.setText(number)
    qtbot.waitUntil(lambda: [r.number for r in view.model.rows] == [number], timeout=5000)
    qtbot.waitUntil(lambda: view.file_panel.file is not None
                    and view.file_panel.file.case.number == number, timeout=5000)
    assert view.file_panel.title.text().startswith(number)
    ids = [view.file_panel.parties.item(r, 3).text()
           for r in range(view.file_panel.parties.rowCount())]
    assert any(re.fullmatch(r"6207\*{10}[\dX]{4}", i) for i in ids), ids
    assert view.file_panel.timeline.count() >= 1


def test_a_session_recorded_in_the_dialog_reaches_the_case_file(db, view, qtbot,
                                                                 type_text) -> None:
    case = view.file_panel.file.case
    assert case.status in disputes.OPEN_STATUSES
    dialog = view.action_dialog("session")
    type_text(dialog.place, "村委会调解室")
    type_text(dialog.participants, "双方当事人")
    type_text(dialog.note, "双方同意各退一步")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: any("双方同意各退一步" in view.file_panel.timeline.item(i).text()
                                for i in range(view.file_panel.timeline.count())), timeout=5000)
    assert _scalar(db, "SELECT status FROM dispute_cases WHERE id = :i", i=case.id) \
        == "mediating"
    assert pick(disputes.STATUS_TEXT["mediating"]) in view.file_panel.title.text()


def test_the_intake_dialog_refuses_a_wrong_identity_number_then_takes_the_case_in(
    db, view, qtbot, type_text
) -> None:
    dialog = view.open_intake()
    type_text(dialog.summary, "相邻宅基地排水纠纷")
    dialog.set_party(0, "张建国", "13909361234", "110105194912310021")
    dialog.set_party(1, "李明", "13809365678")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    qtbot.waitUntil(lambda: "校验位" in dialog.error.text(), timeout=5000)
    assert "check digit" in dialog.error.text() and dialog.isVisible()
    assert _scalar(db, COUNT_NEW) == 0
    dialog.set_party(0, "张建国", "13909361234", VALID_ID)
    ok.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(
        lambda: bool(view.model.rows) and view.model.rows[0].summary == "相邻宅基地排水纠纷",
        timeout=5000,
    )
    assert _scalar(db, COUNT_NEW) == 1
