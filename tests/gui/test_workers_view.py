"""The grid workers' area on a copy of the demo county: the figures against the services (which
tests/db/test_worker_metrics.py checks against SQL), a reminder from the inactive list, the
data-quality export, and screenshots to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from command_center.db.connection import Database
from command_center.services import data_quality, worker_metrics
from command_center.services.audit import Actor
from command_center.views.workers.workers_view import WorkersView

WAIT = 20_000
SHOTS = Path(os.environ.get("CC_SCREENSHOTS", "/work/wt-work-tmp/shots"))


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def test_the_metrics_view_shows_the_ratio_reminds_and_exports(
    qtbot, cc_app, db: Database, runner, other_engine: Engine, tmp_path: Path
) -> None:
    view = WorkersView(runner, None, Actor(None, "测试值班员"))
    qtbot.addWidget(view)
    view.resize(1340, 660)
    view.show()
    qtbot.waitUntil(lambda: "county" in view.data, timeout=WAIT)
    with db.sessions() as s:
        county, towns = worker_metrics.active_ratio(s, "town")
        findings = data_quality.run_all(s, worker_metrics.DEFAULT_INACTIVE_DAYS)
    # the summary a user reads: active of workers, the ratio and the 81.1% target
    summary = view.summary.text()
    assert f"{county.active}" in summary and f"{county.workers}" in summary
    assert f"{county.ratio * 100:.1f}%" in summary and "81.1%" in summary
    assert view.reports_table.rowCount() == len({r.worker_id for r in view.data["per_worker"]})
    assert view.ranking_table.rowCount() == len(towns) == 12
    assert view.quality_table.rowCount() == len(findings)
    qtbot.waitUntil(lambda: view.calendar_label.text() != "", timeout=WAIT)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(SHOTS / "workers_ratio.png"))
    view.tabs.setCurrentIndex(1)
    assert view.grab().save(str(SHOTS / "workers_calendar.png"))
    # one click reminds the selected inactive worker: recorded and audited
    view.tabs.setCurrentIndex(3)
    assert view.inactive_table.rowCount() == len(view.data["inactive"]) > 0
    code = view.inactive_table.item(0, 0).text()
    view.inactive_table.selectRow(0)
    with qtbot.waitSignal(view.sig_message, timeout=WAIT) as sent:
        view.remind_button.click()
    assert "1" in sent.args[0]
    with other_engine.connect() as c:
        n = c.execute(
            text(
                "SELECT count(*) FROM worker_reminders r JOIN grid_workers w ON w.id = r.worker_id"
                " WHERE w.code = :c"
            ),
            {"c": code},
        ).scalar_one()
        audited = c.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'worker.remind'")
        ).scalar_one()
    assert n == 1 and audited == 1
    assert view.grab().save(str(SHOTS / "workers_inactive.png"))
    # the findings are exported as a CSV a spreadsheet opens
    out = tmp_path / "quality.csv"
    view.export_to(str(out))
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert len(lines) == len(findings) + 1
    view.tabs.setCurrentWidget(view.tab_of["quality"])
    assert view.grab().save(str(SHOTS / "workers_quality.png"))
