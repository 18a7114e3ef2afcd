"""One working area in a window of its own (``python -m command_center.views.…``), against the
demo database or the one named on the command line: how a person looks at one view alone."""


from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from command_center import config
from command_center.db.connection import Database
from command_center.services.audit import Actor
from command_center.services.auth import UserInfo
from command_center.views.application import (
    LANGUAGES,
    close_on_sigint,
    make_application,
    open_database_interactively,
    sign_in,
)
from command_center.workers.live import LiveChannel
from command_center.workers.ops import OpsRunner


@dataclass(frozen=True)
class ViewContext:
    """What a working area needs when it runs alone."""

    database: Database
    runner: OpsRunner
    live: LiveChannel
    user: UserInfo
    actor: Actor


def run_view(
    make: Callable[[ViewContext], QWidget], *, title: str, argv: Sequence[str] | None = None
) -> int:
    """Run one working area in a window of its own (``python -m command_center.views.…``)."""
    parser = argparse.ArgumentParser(description=title)
    parser.add_argument("--database-url", metavar="URL",
                        help=f"default: ${config.ENV_DATABASE_URL}, else the embedded database")
    parser.add_argument("--lang", choices=LANGUAGES)
    parser.add_argument("--user", help="sign in as this user with the demo password")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    app, _translations = make_application([sys.argv[0]], args.lang)
    gate = open_database_interactively(
        config.database_url_from(args.database_url), as_gatekeeper=True
    )
    if gate is None:
        return 1
    gate_runner = OpsRunner(gate.sessions)
    try:
        outcome = sign_in(gate, gate_runner, args.user)
    finally:
        gate_runner.shutdown()
        gate.close()  # stops the embedded server only if nobody signed in
    if outcome is None:
        return 0
    user, db = outcome
    runner = OpsRunner(db.sessions)
    live = LiveChannel(db.url)
    widget: QWidget | None = None
    try:
        widget = make(ViewContext(db, runner, live, user, Actor(user.id, user.display_name)))
        widget.setWindowTitle(title)
        widget.resize(1280, 800)
        widget.show()
        live.start()
        wakeup = close_on_sigint(widget)
        try:
            return app.exec()
        finally:
            wakeup.stop()
    finally:
        shutdown = getattr(widget, "shutdown", None)
        if callable(shutdown):
            shutdown()
        live.stop()
        runner.shutdown()
        db.close()
