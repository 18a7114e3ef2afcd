"""The grid workers area's new screens on a copy of the demo county: the roster (another grid
through its dialog, the import refused whole with its reasons and identity numbers masked in
the preview), the data-quality findings' links to the screens that fix them, the records
behind a figure, a redemption refused past the balance and then made, and the reminder that
reaches the supervisor's workstation and is acknowledged there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.db.connection import Database
from command_center.services import queue, roster, worker_metrics
from command_center.services.audit import Actor
from command_center.views.attention import AttentionButton, AttentionWatcher
from command_center.views.workers.dialogs import (
    GridFiguresDialog,
    RecordsDialog,
    RedeemDialog,
    WorkerEditDialog,
)
from command_center.views.workers.workers_view import WorkersView
from tests.gui.test_queue_trial import _user

WAIT = 30_000
SHOTS = Path(os.environ.get("CC_SCREENSHOTS", "/work/wt-work-tmp/shots"))


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def _view(qtbot, runner, db: Database, username: str) -> WorkersView:  # type: ignore[no-untyped-def]
    user = _user(db, username)
    view = WorkersView(
        runner, None, Actor(user.id, user.display_name), role_code=user.role_code, user=user
    )
    qtbot.addWidget(view)
    view.resize(1340, 700)
    view.show()
    qtbot.waitUntil(lambda: "county" in view.data and bool(view.roster_panel.rows), timeout=WAIT)
    return view


def _row_of(table, index: int) -> int:  # type: ignore[no-untyped-def]
    """The table row (as sorted on screen) of the finding ``index``."""
    return next(r for r in range(table.rowCount()) if table.item(r, 0).data(256) == index)


def _ok(dialog: QWidget) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # type: ignore[attr-defined]


def test_the_roster_edits_imports_all_or_nothing_and_findings_open_their_fix(
    qtbot, cc_app, db: Database, runner, other_engine: Engine, tmp_path: Path
) -> None:
    with other_engine.begin() as c:  # a grid without its population: a finding to fix
        grid_id = c.execute(
            text(
                "UPDATE admin_areas SET population = NULL WHERE id = (SELECT id FROM admin_areas"
                " WHERE level = 'grid' ORDER BY code LIMIT 1 OFFSET 5) RETURNING id"
            )
        ).scalar_one()
    view = _view(qtbot, runner, db, "admin")
    panel = view.roster_panel
    view.tabs.setCurrentWidget(panel)
    # a full-time worker serving one grid: moved to another through the dialog
    target = next(r for r in panel.rows if r.kind == "full_time" and "、" not in r.serving)
    assert panel.select_worker(target.id)
    qtbot.waitUntil(lambda: panel.history.rowCount() >= 1, timeout=WAIT)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(SHOTS / "workers_roster.png"))
    panel.assign_button.click()
    qtbot.waitUntil(lambda: panel.findChild(WorkerEditDialog) is not None)
    dialog = panel.findChild(WorkerEditDialog)
    assert dialog.mode == "assign" and dialog.worker.id == target.id
    new_area = next(a for a in panel.areas if a.level == "grid" and a.name not in target.serving)
    dialog.area.setCurrentIndex(dialog.area.findData(new_area.id))
    _ok(dialog)
    qtbot.waitUntil(
        lambda: any(r.id == target.id and new_area.name in r.serving for r in panel.rows),
        timeout=WAIT,
    )
    with other_engine.connect() as c:
        open_areas = (
            c.execute(
                text(
                    "SELECT area_id FROM grid_assignments WHERE worker_id = :w AND valid_to IS NULL"
                ),
                {"w": target.id},
            )
            .scalars()
            .all()
        )
    assert open_areas == [new_area.id]
    qtbot.waitUntil(lambda: panel.history.rowCount() >= 2, timeout=WAIT)

    # the import: one bad row refuses the file, listed with its reason; nothing stored
    body = "62072219880315001"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    number = body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    path = tmp_path / "roster.csv"
    path.write_text(
        "人员编号,姓名,人员类别,负责网格,身份证号\n"
        f"WGYG0001,新人甲,专职网格员,{new_area.code},{number}\n"
        f"WGYG0002,新人乙,保安,{new_area.code},\n",
        encoding="utf-8-sig",
    )
    imp = panel.open_import()
    imp.open_file(str(path))
    qtbot.waitUntil(lambda: imp.import_button.isEnabled(), timeout=WAIT)
    cells = [imp.preview.item(r, 4).text() for r in range(imp.preview.rowCount())]
    assert number not in cells and roster.mask_id(number) in cells
    assert imp.mapping()["kind"] == "人员类别" and imp.mapping()["area"] == "负责网格"
    imp.import_button.click()
    qtbot.waitUntil(lambda: imp.status.property("kind") == "error", timeout=WAIT)
    assert imp.skipped.count() == 1, imp.status.text()
    assert "第" in imp.skipped.item(0).text() or "Row" in imp.skipped.item(0).text()
    assert "保安" in imp.skipped.item(0).text() and "unknown kind" in imp.skipped.item(0).text()
    assert imp.status.property("kind") == "error"
    with other_engine.connect() as c:
        assert (
            c.execute(
                text("SELECT count(*) FROM grid_workers WHERE code LIKE 'WGYG%'")
            ).scalar_one()
            == 0
        )
    imp.close()

    # the findings' links: an unstaffed grid opens the assignment with that grid chosen
    view.tabs.setCurrentWidget(view.tab_of["quality"])
    rows = {f.check: i for i, f in reversed(list(enumerate(view.findings)))}
    view.fix_finding(_row_of(view.quality_table, rows["unstaffed"]))
    assert isinstance(view.dialog, WorkerEditDialog)
    assert view.dialog.area.currentData() == view.findings[rows["unstaffed"]].subject_id
    view.dialog.reject()
    # a worker in two grids: their roster entry
    view.fix_finding(_row_of(view.quality_table, rows["multi_grid"]))
    two = view.findings[rows["multi_grid"]].subject_id
    qtbot.waitUntil(lambda: panel.selected() is not None and panel.selected().id == two)
    assert view.tabs.currentWidget() is panel
    # a grid without population: the grid's figures, fixed by the administrator
    mine = next(
        i
        for i, f in enumerate(view.findings)
        if f.check == "no_population" and f.subject_id == grid_id
    )
    view.fix_finding(_row_of(view.quality_table, mine))
    qtbot.waitUntil(lambda: isinstance(view.dialog, GridFiguresDialog), timeout=WAIT)
    view.dialog.population.setValue(640)
    view.dialog.households.setValue(210)
    _ok(view.dialog)
    qtbot.waitUntil(
        lambda: (
            not any(f.check == "no_population" and f.subject_id == grid_id for f in view.findings)
        ),
        timeout=WAIT,
    )
    with other_engine.connect() as c:
        assert c.execute(
            text("SELECT population, households FROM admin_areas WHERE id = :g"), {"g": grid_id}
        ).one() == (640, 210)


def test_figures_open_their_records_points_are_redeemed_and_the_supervisor_acknowledges(
    qtbot, cc_app, db: Database, runner, live, other_engine: Engine
) -> None:
    view = _view(qtbot, runner, db, "duban1")
    # a town's bar: exactly the workers it counts
    town = view.data["towns"][0]
    view.open_town(town.area_id)
    qtbot.waitUntil(lambda: isinstance(view.dialog, RecordsDialog), timeout=WAIT)
    assert view.dialog.table.rowCount() == town.workers
    assert f"{town.active} " in view.dialog.summary.text()
    view.dialog.reject()
    # a worker's reports: the incident queue with exactly those incidents
    row = next(i for i, r in enumerate(view.data["per_worker"]) if r.reports > 0)
    wid = view.data["per_worker"][row].worker_id
    table_row = next(
        r for r in range(view.reports_table.rowCount())
        if view.reports_table.item(r, 0).data(256) == wid
    )  # fmt: skip
    with qtbot.waitSignal(view.sig_open_records, timeout=WAIT) as opened:
        view._on_reports_row(table_row, 0)
    kind, f = opened.args
    assert kind == "incidents" and f.reporter_worker_ids == (wid,)
    with db.sessions() as s:
        found = queue.count(s, queue.Query("incidents", f), now=clock.now())
    assert found.value == view.data["per_worker"][row].reports

    # a redemption past the balance is refused in the dialog; a smaller one is made
    with Session(other_engine) as s:
        rich, have = s.execute(
            text(
                "SELECT worker_id, sum(points) FROM points_ledger GROUP BY worker_id "
                "HAVING sum(points) > 60 ORDER BY worker_id LIMIT 1"
            )
        ).one()
    view.tabs.setCurrentWidget(view.tab_of["points"])
    view._on_redeem_clicked()
    d = view.dialog
    assert isinstance(d, RedeemDialog)
    d.worker.setCurrentIndex(d.worker.findData(rich))
    qtbot.waitUntil(lambda: d.balance.text() == str(have), timeout=WAIT)
    d.item.setText("食用油")
    d.points_each.setValue(have + 1)
    _ok(d)
    qtbot.waitUntil(lambda: "not enough points" in d.error.text(), timeout=WAIT)
    assert d.isVisible()
    d.points_each.setValue(30)
    d.quantity.setValue(2)
    _ok(d)
    qtbot.waitUntil(lambda: not d.isVisible(), timeout=WAIT)
    with other_engine.connect() as c:
        assert (
            c.execute(
                text("SELECT sum(points) FROM points_ledger WHERE worker_id = :w"), {"w": rich}
            ).scalar_one()
            == have - 60
        )
    qtbot.waitUntil(
        lambda: any(
            "食用油 ×2" in view.points_table.item(r, 5).text()
            for r in range(view.points_table.rowCount())
        ),
        timeout=WAIT,
    )

    # a reminder sent at the duty desk reaches the supervisor's workstation
    window = QWidget()
    qtbot.addWidget(window)
    watcher = AttentionWatcher(runner, live, _user(db, "duban1"), window)
    button = AttentionButton(watcher, window)
    lazy = view.data["inactive"][0]
    with Session(other_engine) as s:
        worker_metrics.remind(s, Actor(None, "王丽娟"), [lazy.worker_id], 7)
        rid = s.scalar(text("SELECT max(id) FROM worker_reminders"))
    qtbot.waitUntil(lambda: any(n.reminder_id == rid for n in watcher.notices), timeout=WAIT)
    assert "1" in button.text()
    opened_ids: list[int] = []
    button.sig_open_reminder.connect(opened_ids.append)
    button.menu_.aboutToShow.emit()
    next(a for a in button.menu_.actions() if lazy.name in a.text()).trigger()
    assert opened_ids == [rid]
    view.reload()
    qtbot.waitUntil(lambda: any(r.id == rid for r in view.data.get("reminders", [])), timeout=WAIT)
    view.show_reminder(rid)
    assert view.tabs.currentWidget() is view.tab_of["reminders"]
    assert view.ack_button.isVisible()
    with qtbot.waitSignal(view.sig_message, timeout=WAIT):
        view.ack_button.click()
    with other_engine.connect() as c:
        assert (
            c.execute(
                text("SELECT acknowledged_by FROM worker_reminders WHERE id = :r"), {"r": rid}
            ).scalar_one()
            == "张振华"
        )
    watcher.stop()
