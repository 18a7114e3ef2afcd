"""The main window at 1366×768 in Chinese and in English, offscreen, for the README
(docs/screenshots/main_window_1366_{zh,en}.png): the duty operator's default layout with an
incident selected, as on a small screen.

    QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 \\
        python scripts/window_screenshots.py postgresql://…/demo [--user zhiban1]

The database is a seeded demo county (``command-center demo seed``); the window is built as the
program builds it (the user's record from the database; the server's login is the URL's).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("--user", default="zhiban1")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    from command_center.views.webengine import prepare_webengine

    prepare_webengine()
    import tempfile

    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from command_center.db.connection import open_database
    from command_center.services import auth
    from command_center.views.application import make_application
    from command_center.views.main_window import DatabaseInfo, MainWindow
    from command_center.workers.live import LiveChannel
    from command_center.workers.ops import OpsRunner

    # no saved layout of this workstation's: the default one
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp(prefix="cc-shot-")
    )
    app, translations = make_application([sys.argv[0]], language="zh_CN")
    db = open_database(args.database_url, upgrade_schema=False)
    with db.sessions() as s:
        user = auth.authenticate(s, args.user, args.password)
    runner = OpsRunner(db.sessions)
    live = LiveChannel(db.url)
    live.start()

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    window = MainWindow(
        runner,
        user,
        DatabaseInfo(db.url, db.is_embedded),
        live,
        translations=translations,
        restore_layout=False,
    )
    window.resize(1366, 768)
    window.show()
    for _ in range(60):
        wait(500)
        if window.map_view.is_ready:
            break
    window.show_view("incidents")
    wait(1500)
    queue = window.incidents_view
    if queue is not None and queue.model.rowCount() > 3:
        queue._select_row(3)
    wait(2500)
    args.out.mkdir(parents=True, exist_ok=True)
    for lang, code in (("zh", "zh_CN"), ("en", "en")):
        window.set_language(code)
        wait(2500)
        window.resize(1366, 768)
        wait(500)
        path = args.out / f"main_window_1366_{lang}.png"
        window.grab().save(str(path))
        print(path, window.width(), window.height())
    window.close()
    live.stop()
    runner.shutdown()
    db.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
