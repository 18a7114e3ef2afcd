"""Fixtures for the GUI tests: a fresh PostgreSQL database per test, isolated QSettings, the
workers, and a check (after napari's) that no test leaves a thread, pool task or timer running.

The databases come from tests/conftest.py: each test gets one of its own, created (migrated)
on the server named by ``COMMAND_CENTER_TEST_DATABASE_URL`` or on an embedded server, and
dropped again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import traceback
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from PySide6.QtCore import QSettings, Qt, QThread, QThreadPool, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from command_center import clock
from command_center.db.connection import Database, open_database
from command_center.db.engine import libpq_url, make_engine
from command_center.models import AppUser, Department, Role
from command_center.services import audit, auth
from command_center.services.auth import UserInfo

# before any signal is emitted: PySide6 6.12.0 loses a reference to True on every emit

DEMO_PASSWORD = "demo"

# Two screens side by side for the offscreen platform, so wall mode and the screen checks have
# something to work with (https://doc.qt.io/qt-6/qpa.html: offscreen "configfile").
OFFSCREEN_SCREENS = {
    "screens": [
        {"name": "left", "x": 0, "y": 0, "width": 1920, "height": 1080,
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
        {"name": "right", "x": 1920, "y": 0, "width": 1600, "height": 900,
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
    ]
}


# --- the application ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def qapp_args(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    args = [sys.argv[0]]
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        config = tmp_path_factory.mktemp("qpa") / "screens.json"
        config.write_text(json.dumps(OFFSCREEN_SCREENS), encoding="utf-8")
        args += ["-platform", f"offscreen:configfile={config}"]
    return args


@pytest.fixture(scope="session")
def cc_app(qapp: QApplication):  # type: ignore[no-untyped-def]
    """The QApplication set up as the program does (names, style, Chinese), and its
    translations."""
    from command_center.views.application import make_application

    _app, translations = make_application(language="zh_CN")
    qapp.setOrganizationName("CommandCenterTests")
    return translations


@pytest.fixture(autouse=True)
def isolated_settings(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test reads and writes QSettings in a directory of its own. (And, as the program
    does, Python collects garbage only on the GUI thread: views/gc_guard.py.)"""
    from command_center.views import gc_guard

    gc_guard.install(qapp)
    where = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(where / "user"))
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.SystemScope, str(where / "system")
    )


# --- nothing left running (napari's conftest does the same) ------------------------------


def _caller() -> str:
    return "".join(traceback.format_stack(limit=6)[:-2])


@pytest.fixture(autouse=True)
def no_dangling_workers(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Fail a test that leaves a QThread, a busy QThreadPool, an active QTimer or the change
    listener's thread running. Does not request qtbot, so it is checked after pytest-qt has
    closed the test's widgets."""
    threads: weakref.WeakKeyDictionary[QThread, str] = weakref.WeakKeyDictionary()
    pools: weakref.WeakKeyDictionary[QThreadPool, str] = weakref.WeakKeyDictionary()
    timers: weakref.WeakKeyDictionary[QTimer, str] = weakref.WeakKeyDictionary()
    thread_start, pool_start, timer_start = QThread.start, QThreadPool.start, QTimer.start

    def start_thread(self: QThread, *args: object) -> None:
        threads[self] = _caller()
        thread_start(self, *args)  # type: ignore[arg-type]

    def start_pool(self: QThreadPool, *args: object) -> None:
        pools[self] = _caller()
        pool_start(self, *args)  # type: ignore[arg-type]

    def start_timer(self: QTimer, *args: object) -> None:
        timers[self] = _caller()
        timer_start(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(QThread, "start", start_thread)
    monkeypatch.setattr(QThreadPool, "start", start_pool)
    monkeypatch.setattr(QTimer, "start", start_timer)
    listeners_before = {t for t in threading.enumerate() if t.name == "cc-listener"}
    yield

    problems: list[str] = []
    for thread, where in list(threads.items()):
        try:
            if thread.isRunning():
                problems.append(f"QThread still running, started at\n{where}")
        except RuntimeError:
            pass  # already deleted on the C++ side
    for pool, where in list(pools.items()):
        try:
            if pool.activeThreadCount():
                problems.append(f"QThreadPool still busy, started at\n{where}")
        except RuntimeError:
            pass
    for timer, where in list(timers.items()):
        try:
            if timer.isActive():
                problems.append(f"QTimer still active, started at\n{where}")
        except RuntimeError:
            pass
    listeners = {t for t in threading.enumerate() if t.name == "cc-listener" and t.is_alive()}
    if listeners - listeners_before:
        problems.append("the change listener's thread is still running")
    if problems:
        pytest.fail("left running:\n" + "\n".join(problems), pytrace=False)


# --- the database -------------------------------------------------------------------------


@pytest.fixture
def database_url(db_url: str) -> str:
    """A new, migrated, empty database for one test, dropped afterwards (``db_url`` of
    tests/conftest.py: on the server named by COMMAND_CENTER_TEST_DATABASE_URL, else on an
    embedded one)."""
    return db_url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The program's view of the test database, as ``open_database`` gives it."""
    database = open_database(database_url, upgrade_schema=False)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def other_engine(database_url: str) -> Iterator[Engine]:
    """Another client of the same database: "someone else" committing changes."""
    engine = make_engine(database_url, application_name="another-workstation")
    try:
        yield engine
    finally:
        engine.dispose()


ROLES = (
    ("duty_operator", "值班员", "Duty operator"),
    ("supervisor", "督办员", "Supervisor"),
    ("dept_handler", "部门承办人", "Department handler"),
    ("analyst", "研判分析员", "Analyst"),
    ("admin", "系统管理员", "Administrator"),
)
USERS = (
    ("zhangmin", "张敏", "duty_operator"),
    ("liqiang", "李强", "duty_operator"),
    ("wangfang", "王芳", "supervisor"),
    ("zhaolei", "赵磊", "dept_handler"),
    ("zhouyang", "周洋", "analyst"),
    ("admin", "管理员", "admin"),
)


@dataclass(frozen=True)
class People:
    operator: UserInfo
    users: tuple[UserInfo, ...]


@pytest.fixture
def people(db: Database) -> People:
    """One user or two of every role, all with the password "demo"."""
    with db.sessions() as s:
        for code, name, name_en in ROLES:
            s.add(Role(code=code, name=name, name_en=name_en, db_role=f"cc_{code}"))
        dept = Department(code="public_security", name="县公安局", name_en="Public security")
        s.add(dept)
        s.flush()
        for username, display, role in USERS:
            s.add(
                AppUser(
                    username=username,
                    display_name=display,
                    role_code=role,
                    department_id=dept.id if role == "dept_handler" else None,
                )
            )
        s.flush()
        # as the seed does: the owner writes the credentials (no audit entry to fill the feed)
        for (uid,) in s.execute(select(AppUser.id)).all():
            params = auth.new_params()
            s.execute(
                text(
                    "INSERT INTO cc_credentials (user_id, params, verifier, changed_at) "
                    "VALUES (:u, :p, :v, clock_timestamp())"
                ),
                {"u": uid, "p": params, "v": auth.verifier_of(DEMO_PASSWORD, params)},
            )
        s.commit()
        users = tuple(auth.list_users(s))
    operator = next(u for u in users if u.username == "zhangmin")
    return People(operator, users)


AddAudit = Callable[..., list[int]]


@pytest.fixture
def add_audit(other_engine: Engine) -> AddAudit:
    """``add_audit(["summary", ...], actor=..., reason=...)``: commit audit entries from the
    other workstation (one transaction) and return their ids."""

    def add(summaries: list[str], *, actor: str = "李强", reason: str | None = None) -> list[int]:
        with Session(other_engine) as s:
            entries = [
                audit.record(
                    s, audit.Actor(None, actor), "incident.update", "incident", None, summary,
                    reason=reason,
                )
                for summary in summaries
            ]
            s.commit()
            return [e.id for e in entries]

    return add


@pytest.fixture
def insert_row(other_engine: Engine) -> Callable[..., Any]:
    """``insert_row(Model, **values)`` from the other workstation; returns the id.

    Through Core: the versioned models (incidents, work orders) cannot be flushed by the ORM
    while their ``version_id_col`` is given as a string, which SQLAlchemy 2.1 refuses."""

    def insert_one(model: type, **values: object) -> Any:
        table = model.__table__  # type: ignore[attr-defined]
        with other_engine.begin() as conn:
            row = conn.execute(insert(table).values(**values).returning(*table.primary_key))
            return row.scalar_one()

    return insert_one


# --- the workers --------------------------------------------------------------------------


@pytest.fixture
def runner(db: Database, qapp: QApplication) -> Iterator[object]:
    from command_center.workers.ops import OpsRunner

    ops = OpsRunner(db.sessions)
    try:
        yield ops
    finally:
        assert ops.shutdown(), "a database op did not finish"


@pytest.fixture
def live(db: Database, qtbot) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A started change listener (quick to notice and to recover), stopped afterwards."""
    from command_center.workers.live import CONNECTED, LiveChannel

    channel = LiveChannel(db.url, heartbeat_s=0.5, max_backoff_s=0.5)
    channel.start()
    try:
        qtbot.waitUntil(lambda: channel.state == CONNECTED, timeout=10_000)
        yield channel
    finally:
        channel.stop()


@pytest.fixture
def now() -> dt.datetime:
    return clock.now()


@pytest.fixture
def terminate_connections() -> Callable[[Engine], int]:
    """Cut every other connection to the engine's database, as a server restart would."""

    def terminate(engine: Engine) -> int:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
            conn.commit()
        return len(rows)

    return terminate


# --- typing -------------------------------------------------------------------------------


@pytest.fixture
def type_text(qtbot) -> Callable[[QWidget, str], None]:  # type: ignore[no-untyped-def]
    """Type like an operator: ASCII as key presses, Chinese as an input method commits it
    (QTest's keyClicks cannot send characters outside ASCII)."""

    def type_into(widget: QWidget, text: str) -> None:
        widget.setFocus()
        for ch in text:
            if ch == "\n":
                qtbot.keyClick(widget, Qt.Key.Key_Return)
            elif ch.isascii():
                qtbot.keyClicks(widget, ch)
            else:
                event = QInputMethodEvent()
                event.setCommitString(ch)
                QApplication.sendEvent(widget, event)

    return type_into


@pytest.fixture
def allow_connections(pg_server: str, database_url: str) -> Iterator[Callable[[bool], None]]:
    """``allow_connections(False)`` makes the test database refuse new connections (a server
    that is down, as far as a client can tell); ``allow_connections(True)`` lets them in."""
    name = make_url(database_url).database

    def allow(allowed: bool) -> None:
        with psycopg.connect(libpq_url(pg_server), autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')

    yield allow
    allow(True)  # whatever the test did, the database can be dropped and inspected


@pytest.fixture(scope="session", autouse=True)
def _delete_widgets_before_the_application(qapp: QApplication) -> Iterator[None]:
    """Widgets closed by the tests are deleted later; do it before the application goes, so a
    web page never outlives the web profile it belongs to."""
    yield
    import gc

    from PySide6.QtCore import QEvent

    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    gc.collect()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
