"""The disputes area at 1366×768, offscreen, for the README (docs/screenshots/disputes_*.png):
the case file of a case transferred in and mediated to an agreement, the mediation-room board,
the figures of this year, and the administrator's screen of the rooms and their mediators.

    QT_QPA_PLATFORM=offscreen python scripts/disputes_screenshots.py postgresql://…/demo \\
        [--at 2026-11-20T16:40+08:00]

The database is a seeded demo county (``command-center demo seed``); ``--at`` puts the
program's clock where the county's "now" was when it was seeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("--at", help="the program's clock (ISO 8601, with its offset)")
    parser.add_argument("--lang", default="zh_CN")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QTimer
    from sqlalchemy import text

    from command_center import clock
    from command_center.db.connection import open_database
    from command_center.services.audit import Actor
    from command_center.views.application import make_application
    from command_center.views.disputes.disputes_view import DisputesView
    from command_center.workers.ops import OpsRunner

    if args.at:
        clock.travel_to(dt.datetime.fromisoformat(args.at))
    app, _translations = make_application([sys.argv[0]], language=args.lang)
    db = open_database(args.database_url, upgrade_schema=False)
    runner = OpsRunner(db.sessions)

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    with db.sessions() as s:
        uid, name = s.execute(text(
            "SELECT id, display_name FROM app_users WHERE username = 'zhiban1'")).one()
        admin_id, admin_name = s.execute(text(
            "SELECT id, display_name FROM app_users WHERE username = 'admin'")).one()
        # a case transferred in by a court and mediated to an agreement not yet followed up,
        # short enough for its whole timeline to show (the transfer in at the bottom)
        number = s.scalar(text(
            "SELECT c.number FROM dispute_cases c JOIN mediation_sessions m ON m.case_id = c.id "
            "WHERE c.status = 'agreement' AND c.source = 'court' AND c.amount_involved IS NOT "
            "NULL GROUP BY c.id ORDER BY count(*), c.received_at DESC LIMIT 1"))
        # the town center with the most open cases, for the rooms screen
        town_center = s.scalar(text(
            "SELECT o.parent_id FROM mediation_orgs o JOIN dispute_cases c ON c.org_id = o.id "
            "WHERE o.level = 'village' AND c.status IN ('received','mediating') "
            "GROUP BY o.parent_id ORDER BY count(*) DESC LIMIT 1"))
    view = DisputesView(runner, None, Actor(uid, name), "duty_operator")
    view.resize(1366, 720)
    view.show()
    for _ in range(40):
        wait(250)
        if view._choices is not None and view.model.rows:
            break
    view.status.setCurrentIndex(1)  # every status
    view.search.setText(number)
    for _ in range(40):
        wait(250)
        f = view.file_panel.file
        if f is not None and f.case.number == number:
            break
    view.search.clear()
    wait(1500)
    args.out.mkdir(parents=True, exist_ok=True)
    shots = [("disputes_case_file", 0), ("disputes_board", 1), ("disputes_figures", 2)]
    for shot, tab in shots:
        view.tabs.setCurrentIndex(tab)
        wait(1500)
        if tab == 0:  # the oldest entries: the transfer in by the court, the intake
            view.file_panel.timeline.scrollToBottom()
            wait(300)
        path = args.out / f"{shot}.png"
        view.grab().save(str(path))
        print(path)
    view.figures.period.set_period("year")
    wait(1500)
    view.grab().save(str(args.out / "disputes_figures.png"))

    from command_center.views.disputes.rooms_dialog import RoomsDialog

    rooms = RoomsDialog(runner, Actor(admin_id, admin_name))
    rooms.resize(1200, 660)
    rooms.show()
    for _ in range(40):
        wait(250)
        if rooms.reg is not None:
            break
    rooms.select_org(int(town_center))
    item = rooms.tree.currentItem()
    if item is not None:
        item.setExpanded(True)
        if item.childCount():
            rooms.tree.setCurrentItem(item.child(0))
    wait(800)
    path = args.out / "disputes_rooms.png"
    rooms.grab().save(str(path))
    print(path)
    rooms.close()
    runner.shutdown()
    db.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
