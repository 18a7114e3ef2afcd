"""The application: QApplication, translations, style, the database, sign-in, the main window."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from concurrent.futures import Future

from PySide6.QtCore import (
    QTimer,
)
from PySide6.QtWidgets import QApplication

from command_center.db.connection import Database
from command_center.views.application import (
    close_on_sigint,
    make_application,
    open_database_interactively,
    sign_in,
)
from command_center.views.main_window import DatabaseInfo, MainWindow
from command_center.views.webengine import prepare_webengine
from command_center.workers.live import LiveChannel
from command_center.workers.ops import OpsRunner

log = logging.getLogger(__name__)

# --- the program -------------------------------------------------------------------------


BENCH_EXIT_ENV = "COMMAND_CENTER_BENCH_EXIT_AFTER_SHOW"


def _report_shown_and_quit(app: QApplication) -> None:
    print(json.dumps({"shown_at": time.time()}), flush=True)
    app.quit()


def run(
    url: str | None,
    *,
    lang: str | None,
    user: str | None,
    wall: bool,
    pending: Future[Database] | None = None,
    analytics_url: str | None = None,
) -> int:
    """The desktop program; returns the exit code."""
    prepare_webengine()  # before the QApplication, whichever command started the program
    app, translations = make_application(sys.argv, lang)
    gate = open_database_interactively(url, pending)
    if gate is None:
        return 1
    gate.analytics_url = analytics_url  # the operator's login reaches the replica too
    gate_runner = OpsRunner(gate.sessions)
    try:
        outcome = sign_in(gate, gate_runner, user)
    finally:
        gate_runner.shutdown()
        gate.close()  # stops the embedded server only if nobody signed in
    if outcome is None:
        return 0
    signed_in, db = outcome
    runner = OpsRunner(db.sessions)
    # the analysis's reads on the read replica (--analytics-database-url), its writes here
    analytics = db.analytics_sessions
    reader = OpsRunner(analytics) if analytics is not None else None
    live = LiveChannel(db.url)
    try:
        window = MainWindow(
            runner, signed_in, DatabaseInfo(db.url, db.is_embedded), live,
            translations=translations, analytics_runner=reader,
        )
        if window.has_saved_layout:
            window.show()
        else:
            # first start on this workstation: the whole screen (set the geometry as well, for
            # window managers that ignore the maximised state)
            window.setGeometry(window.screen().availableGeometry())
            window.showMaximized()
        live.start()
        if os.environ.get(BENCH_EXIT_ENV):
            # bench/startup.py: report the moment the window is up, then leave
            QTimer.singleShot(0, window, lambda: _report_shown_and_quit(app))
        if wall:
            QTimer.singleShot(0, window, window.enter_wall_mode)
        wakeup = close_on_sigint(window)
        try:
            return app.exec()
        finally:
            wakeup.stop()
    finally:
        live.stop()
        runner.shutdown()
        if reader is not None:
            reader.shutdown()
        db.close()  # stops the embedded server
