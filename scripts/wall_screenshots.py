"""Both wall screens at 1920×1080, offscreen, for the README (docs/screenshots/wall_*.png).

    QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 \\
        python scripts/wall_screenshots.py postgresql://…/demo [--at 2026-11-20T16:40+08:00]

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

    from command_center.views.webengine import prepare_webengine

    prepare_webengine()
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication

    from command_center import clock
    from command_center.db.connection import open_database
    from command_center.views.application import make_application
    from command_center.views.map.map_view import MapView
    from command_center.views.overview.wall_board import WallBoardView
    from command_center.views.wall import WallWindow
    from command_center.workers.live import LiveChannel
    from command_center.workers.ops import OpsRunner

    if args.at:
        clock.travel_to(dt.datetime.fromisoformat(args.at))
    app, _translations = make_application([sys.argv[0]], language=args.lang)
    db = open_database(args.database_url, upgrade_schema=False)
    runner = OpsRunner(db.sessions)
    live = LiveChannel(db.url)
    live.start()

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    screen = QGuiApplication.primaryScreen()
    map_view = MapView(runner, live)
    board = WallBoardView(runner, live)
    windows = []
    for key, view in (("map", map_view), ("board", board)):
        view.set_wall_mode(True) if hasattr(view, "set_wall_mode") else None
        window = WallWindow(screen, [(key, view)])
        window.setGeometry(0, 0, 1920, 1080)
        window.show()
        windows.append(window)
    for _ in range(60):  # the page loads, draws, fits the county
        wait(500)
        if map_view.is_ready and board.board is not None:
            break
    wait(4000)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, window in zip(("wall_map", "wall_board"), windows, strict=True):
        window._update_clock()
        path = args.out / f"{name}.png"
        window.grab().save(str(path))
        print(path)
    for window in windows:
        window.stop()
    map_view.shutdown()
    board.shutdown()
    live.stop()
    runner.shutdown()
    db.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
