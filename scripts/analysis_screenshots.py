"""The analysis area at 1366×768, offscreen, for the README (docs/screenshots/analysis_*.png),
meeting mode (docs/screenshots/meeting_*.png), and the first page of a monthly bulletin rendered
by QtPdf (docs/screenshots/bulletin_p1.png).

    QT_QPA_PLATFORM=offscreen python scripts/analysis_screenshots.py postgresql://…/demo \\
        [--at 2026-12-06T14:00+08:00] [--bulletin FILE.pdf]

The database is a seeded demo county (``command-center demo seed``); ``--at`` puts the
program's clock where the county's "now" was when it was seeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def render_first_page(pdf: Path, png: Path, zoom: float = 1.4) -> None:
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    doc.load(str(pdf))
    size = doc.pagePointSize(0)
    page = doc.render(0, QSize(int(size.width() * zoom), int(size.height() * zoom)))
    out = QImage(page.size(), QImage.Format.Format_RGB32)
    out.fill(0xFFFFFF)
    painter = QPainter(out)
    painter.drawImage(0, 0, page)
    painter.end()
    out.save(str(png))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("--at", help="the program's clock (ISO 8601, with its offset)")
    parser.add_argument("--lang", default="zh_CN")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--bulletin", type=Path, help="a bulletin PDF to render page 1 of")
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QTimer
    from sqlalchemy import text

    from command_center import clock
    from command_center.db.connection import open_database
    from command_center.services.audit import Actor
    from command_center.views.analysis.analysis_view import AnalysisView
    from command_center.views.application import make_application
    from command_center.workers.ops import OpsRunner

    if args.at:
        clock.travel_to(dt.datetime.fromisoformat(args.at))
    app, _translations = make_application([sys.argv[0]], language=args.lang)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.bulletin:
        render_first_page(args.bulletin, args.out / "bulletin_p1.png")
    db = open_database(args.database_url, upgrade_schema=False)
    runner = OpsRunner(db.sessions)

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    with db.sessions() as s:
        uid, name = s.execute(text(
            "SELECT id, display_name FROM app_users WHERE username = 'zhiban1'")).one()
    view = AnalysisView(runner, None, Actor(uid, name), "duty_operator")
    view.resize(1366, 720)
    view.show()
    for _ in range(60):
        wait(250)
        if view._panels is not None and view.warning_list.count():
            break
    wait(500)
    for shot, tab in (("analysis", view.category_table.parentWidget()),
                      ("analysis_sources", view.source_table),
                      ("analysis_departments", view.dept_table),
                      ("analysis_warnings", view.warning_list.parentWidget())):
        view.tabs.setCurrentWidget(tab)
        wait(800)
        path = args.out / f"{shot}.png"
        view.grab().save(str(path))
        print(path)
    meeting = view.open_meeting()
    assert meeting is not None
    meeting.resize(1366, 768)
    for shot, page in (("meeting_title", 0), ("meeting_departments", 4)):
        meeting.stack.setCurrentIndex(page)
        wait(800)
        path = args.out / f"{shot}.png"
        meeting.grab().save(str(path))
        print(path)
    meeting.close()
    runner.shutdown()
    db.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
