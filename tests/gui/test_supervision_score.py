"""月度考核 from the ledger: the month's scores of departments as the service computes them from
the points, best first; a supervisor deducts with a reason (audited), then locks the month and
a further adjustment is refused with the reason; the duty desk only reads."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton
from sqlalchemy import text

from command_center import clock
from command_center.clock import CST
from command_center.services import scores as sc
from tests.gui.test_supervision_view import WAIT, _user, _view


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def test_the_monthly_score_adjusted_and_locked(qtbot, cc_app, db, runner, other_engine) -> None:
    view = _view(qtbot, runner, _user(db, "duban1"))
    dialog = view.open_scores()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=WAIT)
    month = clock.now().astimezone(CST).date().replace(day=1)
    with db.sessions() as s:
        expected = sc.monthly_scores(s, month, "department")
    shown = [
        (dialog.table.item(i, 1).text(), float(dialog.table.item(i, 2).text()))
        for i in range(dialog.table.rowCount())
    ]
    assert shown == [(u.name, u.score) for u in expected]
    assert [score for _, score in shown] == sorted((sc for _, sc in shown), reverse=True)
    assert all(0 <= score <= 100 + sc.ScoreScale().credit_cap for _, score in shown)
    assert "per hundred orders" in dialog.rule.text() or "每百件" in dialog.rule.text()
    # deduct 5 from the first one, with a reason
    unit = dialog.scores[0]
    assert unit.score >= 5
    dialog.table.selectRow(0)
    dialog.ask_adjustment = lambda u: (-5, "群众投诉处理不及时")  # type: ignore[method-assign]
    dialog.findChild(QPushButton, "scoreAdjust").click()
    qtbot.waitUntil(
        lambda: any(
            u.unit_id == unit.unit_id and round(u.score - (unit.score - 5), 1) == 0
            for u in dialog.scores
        ),
        timeout=WAIT,
    )
    with other_engine.connect() as c:
        reason = c.execute(
            text(
                "SELECT reason FROM audit_log WHERE action = 'score.adjust' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).scalar_one()
    assert reason == "群众投诉处理不及时"
    # locked: no more adjustments, and the dialog says why
    dialog.ask_lock = lambda: True  # type: ignore[method-assign]
    dialog.findChild(QPushButton, "scoreLock").click()
    qtbot.waitUntil(lambda: dialog.message.text() == "完成", timeout=WAIT)
    dialog.message.setText("")
    dialog.table.selectRow(0)
    dialog.findChild(QPushButton, "scoreAdjust").click()
    qtbot.waitUntil(lambda: "locked" in dialog.message.text(), timeout=WAIT)
    assert "已锁定" in dialog.message.text()
    dialog.close()
    view.shutdown()


def test_the_duty_desk_reads_the_scores_only(qtbot, cc_app, db, runner) -> None:
    view = _view(qtbot, runner, _user(db, "zhiban1"))
    dialog = view.open_scores()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=WAIT)
    assert not dialog.findChild(QPushButton, "scoreAdjust").isVisibleTo(dialog)
    assert not dialog.findChild(QPushButton, "scoreLock").isVisibleTo(dialog)
    dialog.close()
    view.shutdown()


def test_the_ranking_follows_the_language(qtbot, cc_app, db, runner) -> None:
    """Switched to English while open, the ranking's headings, units and rule are English;
    and Chinese again."""
    view = _view(qtbot, runner, _user(db, "duban1"))
    dialog = view.open_scores()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=WAIT)

    def heads() -> list[str]:
        t = dialog.table
        return [t.horizontalHeaderItem(i).text() for i in range(t.columnCount())]

    assert "得分" in heads() and "每百件" in dialog.rule.text()
    translations = cc_app  # the application's translations
    try:
        translations.switch("en")
        qtbot.waitUntil(lambda: "Score" in heads(), timeout=WAIT)
        assert "Orders due" in heads() and "per hundred orders" in dialog.rule.text()
        assert dialog.unit.itemText(0) == "Departments"
        names = {dialog.table.item(i, 1).text() for i in range(dialog.table.rowCount())}
        assert "County Public Security Bureau" in names
    finally:
        translations.switch("zh_CN")
    qtbot.waitUntil(lambda: "得分" in heads(), timeout=WAIT)
    assert "县公安局" in {dialog.table.item(i, 1).text() for i in range(dialog.table.rowCount())}
    dialog.close()
    view.shutdown()
