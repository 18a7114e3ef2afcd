"""The supervision ledger (督办台账) on a copy of the demo county: the rows and cards against the
database, a filter, drill-through, a supervisor's manual issue, a handler's acknowledgement from
the ledger and from the inbox's banner, the XLSX export, and a screenshot to look at."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import Engine, text

from command_center.db.connection import Database
from command_center.services import auth
from command_center.services import supervision as sv
from command_center.services.audit import Actor
from command_center.views.supervision import ledger_view
from command_center.views.supervision.ledger_view import LedgerModel, SupervisionView

WAIT = 10_000
SHOTS = Path(os.environ.get("CC_SCREENSHOTS", "/tmp/cc-screenshots"))


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def _user(db: Database, username: str) -> auth.UserInfo:
    with db.sessions() as s:
        return auth.authenticate(s, username, "demo")


def _scalar(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as c:
        return c.execute(text(sql), params).scalar_one()


@pytest.fixture
def swept(db: Database) -> Database:
    """The demo county after one sweep at the tests' moment."""
    with db.sessions() as s:
        assert sv.sweep(s, Actor(None, "督办巡检")).ran
    return db


def _view(qtbot, runner, user: auth.UserInfo) -> SupervisionView:  # type: ignore[no-untyped-def]
    view = SupervisionView(runner, None, user, sweep_ms=0)
    qtbot.addWidget(view)
    view.resize(1340, 660)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=WAIT)
    return view


def test_the_ledger_shows_open_supervision_with_cards_and_drills_through(
    qtbot, cc_app, swept, runner, other_engine
) -> None:
    view = _view(qtbot, runner, _user(swept, "duban1"))
    live = _scalar(
        other_engine,
        "SELECT count(*) FROM supervision_orders WHERE status IN "
        "('proposed', 'open', 'acknowledged', 'responded')",
    )
    assert view.model.rowCount() == min(live, ledger_view.PAGE)
    newest = _scalar(
        other_engine,
        "SELECT number FROM supervision_orders WHERE status IN "
        "('proposed', 'open', 'acknowledged', 'responded') ORDER BY issued_at DESC, id DESC "
        "LIMIT 1",
    )
    assert view.model.rows[0].number == newest
    # cards only: every row a yellow or red card, shown in its colour
    view.stage_combo.setCurrentIndex(view.stage_combo.findData("card"))
    qtbot.waitUntil(
        lambda: (
            view.model.rowCount() > 0 and {r.stage for r in view.model.rows} <= {"yellow", "red"}
        ),
        timeout=WAIT,
    )
    col = LedgerModel.COLUMNS.index("stage")
    first = view.model.rows[0]
    brush = view.model.index(0, col).data(0x0008)  # BackgroundRole
    assert brush.color().name() == ledger_view.CARD_COLOURS[first.stage][0]
    assert view.model.index(0, col).data() in ("黄牌", "红牌")
    # the countdown in the queues' words, in either language
    cd = LedgerModel.COLUMNS.index("countdown")
    assert any(w in view.model.index(0, cd).data() for w in ("超期", "剩"))
    cc_app.switch("en")
    try:
        english = view.model.index(0, cd).data()
        assert english.endswith((" overdue", " left")) and english.isascii(), english
    finally:
        cc_app.switch("zh_CN")
    # the screenshot an operator looks at
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.details.toPlainText().startswith(first.number), timeout=WAIT)
    qtbot.wait(200)
    assert view.grab().save(str(SHOTS / "supervision_ledger.png"))
    # the department's notice of that card, as its toast shows it (over the ledger here)
    from sqlalchemy.orm import Session

    from command_center.services import attention
    from command_center.views.attention import Toast

    with Session(other_engine) as s:
        notices = attention.notices(s, new_supervision_ids=[first.id], role_code="dept_handler")
    assert [n.number for n in notices] == [first.number]
    toast = Toast(view)
    toast.show_notices(notices)
    qtbot.waitUntil(toast.isVisible, timeout=WAIT)
    assert first.reason in toast.body.text()
    qtbot.wait(200)
    assert view.grab().save(str(SHOTS / "supervision_toast.png"))
    toast.stop()
    # drill-through to the incident
    with qtbot.waitSignal(view.sig_open_incident, timeout=WAIT) as got:
        view.buttons["incident"].click()
    assert got.args == [first.incident_id]


def test_a_supervisor_issues_listed_supervision_from_the_ledger(
    qtbot, cc_app, swept, runner, other_engine, monkeypatch
) -> None:
    order = _scalar(
        other_engine,
        "SELECT number FROM work_orders w WHERE status = 'in_progress' AND NOT EXISTS "
        "(SELECT 1 FROM supervision_orders s WHERE s.work_order_id = w.id "
        "AND s.level <> 'supervise') ORDER BY id LIMIT 1",
    )
    view = _view(qtbot, runner, _user(swept, "duban1"))
    assert view.issue_button.isVisible()

    def fill(dialog: QDialog) -> int:
        dialog.target.setText(order)  # type: ignore[attr-defined]
        dialog.level.setCurrentIndex(dialog.level.findData("listed"))  # type: ignore[attr-defined]
        dialog.instructions.setPlainText("三个工作日内反馈整改方案")  # type: ignore[attr-defined]
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ledger_view.IssueDialog, "exec", fill)
    view.open_issue_dialog()
    qtbot.waitUntil(lambda: view.message.text() != "", timeout=WAIT)
    assert view.message.text() == "完成"
    qtbot.waitUntil(
        lambda: any(r.order_number == order and r.level == "listed" for r in view.model.rows),
        timeout=WAIT,
    )
    assert (
        _scalar(
            other_engine,
            "SELECT instructions FROM supervision_orders s JOIN work_orders w ON "
            "w.id = s.work_order_id WHERE w.number = :n AND s.level = 'listed'",
            n=order,
        )
        == "三个工作日内反馈整改方案"
    )

    # a lower level again is refused with the reason, in the view
    def lower(dialog: QDialog) -> int:
        dialog.target.setText(order)  # type: ignore[attr-defined]
        dialog.instructions.setPlainText("再催")  # type: ignore[attr-defined]
        return QDialog.DialogCode.Accepted  # the first level: 督办

    monkeypatch.setattr(ledger_view.IssueDialog, "exec", lower)
    view.open_issue_dialog()
    qtbot.waitUntil(lambda: "督办只能升级" in view.message.text(), timeout=WAIT)


def test_a_handler_acknowledges_from_the_ledger_and_exports_it(
    qtbot, cc_app, swept, runner, other_engine, tmp_path
) -> None:
    user = _user(swept, "bm_police")
    view = _view(qtbot, runner, user)
    assert {r.department_id for r in view.model.rows} == {user.department_id}
    assert not view.issue_button.isVisible() and not view.dept_combo.isVisible()
    row = next(i for i, r in enumerate(view.model.rows) if r.status == "open")
    target = view.model.rows[row]
    view.table.selectRow(row)
    qtbot.waitUntil(lambda: view.buttons["acknowledge"].isVisible(), timeout=WAIT)
    assert not view.buttons["close"].isVisible()  # the supervisor's
    view.buttons["acknowledge"].click()
    qtbot.waitUntil(
        lambda: (
            _scalar(
                other_engine, "SELECT status FROM supervision_orders WHERE id = :i", i=target.id
            )
            == "acknowledged"
        ),
        timeout=WAIT,
    )
    out = tmp_path / "ledger.xlsx"
    view.export(str(out))
    qtbot.waitUntil(lambda: "导出" in view.message.text(), timeout=WAIT)
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "督办编号"
    assert len(rows) - 1 == _scalar(
        other_engine,
        "SELECT count(*) FROM supervision_orders WHERE department_id = :d AND status IN "
        "('proposed', 'open', 'acknowledged', 'responded')",
        d=user.department_id,
    )


def test_the_inbox_banner_shows_the_departments_supervision(
    qtbot, cc_app, swept, runner, other_engine
) -> None:
    from command_center.views.queue.inbox_view import DepartmentInboxView

    user = _user(swept, "bm_police")
    waiting = _scalar(
        other_engine,
        "SELECT count(*) FROM supervision_orders WHERE department_id = :d AND status IN "
        "('open', 'acknowledged', 'responded')",
        d=user.department_id,
    )
    assert waiting > 0
    inbox = DepartmentInboxView(runner, None, user)
    qtbot.addWidget(inbox)
    inbox.show()
    banner = inbox.supervision_banner
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=WAIT)
    assert banner.label.text().startswith(f"本部门待办督办：{min(waiting, 20)}")
    before = _scalar(
        other_engine,
        "SELECT count(*) FROM supervision_orders WHERE department_id = :d AND status = 'open'",
        d=user.department_id,
    )
    banner.ack_button.click()
    qtbot.waitUntil(
        lambda: (
            _scalar(
                other_engine,
                "SELECT count(*) FROM supervision_orders WHERE department_id = :d "
                "AND status = 'open'",
                d=user.department_id,
            )
            == before - 1
        ),
        timeout=WAIT,
    )
