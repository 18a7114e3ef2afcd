"""Test databases: the server named by COMMAND_CENTER_TEST_DATABASE_URL, else an embedded one.

Every test that writes gets a database of its own (created from a migrated template, which is
fast); read-only tests share one seeded demo county.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from command_center.db import migrate
from command_center.db.engine import libpq_url

ENV_TEST_URL = "COMMAND_CENTER_TEST_DATABASE_URL"
# Out of root's home: the embedded server opens its data directory's parents for traversal.
# One directory per test run: the embedded server, on a new data directory, stops any postgres
# process whose command line names the same directory — another run's on this machine too.
EMBEDDED_TEST_DIR = Path(
    os.environ.get("COMMAND_CENTER_TEST_PGDATA", f"/tmp/command-center-tests-{os.getpid()}")
)
SEED_UNTIL = dt.datetime(2026, 11, 20, 16, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
# The program's clock during the tests: the demo county was seeded "now", and a test runs a few
# minutes later, whatever the date on the machine (command_center/clock.py).
TEST_NOW = SEED_UNTIL + dt.timedelta(minutes=10)
TEST_SCALE = 0.05  # 3,000 incidents: the full geography, a twentieth of the year's incidents


def pytest_configure(config: pytest.Config) -> None:
    """The app:// scheme and QtWebEngine must be set up before pytest-qt makes the QApplication."""
    import main

    main._prepare_webengine()


@pytest.fixture(autouse=True)
def test_clock() -> Iterator[None]:
    """Every test starts at ``TEST_NOW`` on the program's clock, which then flows as usual."""
    from command_center import clock

    clock.travel_to(TEST_NOW)
    yield
    clock.reset()


def _with_db(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The admin URL of the PostgreSQL server the tests use."""
    url = os.environ.get(ENV_TEST_URL)
    if url:
        yield url
        return
    from command_center.db.embedded import EmbeddedPostgres

    server = EmbeddedPostgres(EMBEDDED_TEST_DIR / "pgdata")
    db_url = server.start()
    yield _with_db(db_url, "postgres")
    server.stop()
    if "COMMAND_CENTER_TEST_PGDATA" not in os.environ:
        import shutil

        shutil.rmtree(EMBEDDED_TEST_DIR, ignore_errors=True)


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(libpq_url(url), autocommit=True)


def create_database(server_url: str, name: str, template: str | None = None) -> str:
    with _admin(server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return _with_db(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    """Drop a test's scratch database. A drop that cannot finish within a minute (seen once
    on a loaded server) is left to the next run's clean-up instead of hanging the run: the
    database is a scratch copy no assertion looks at."""
    import warnings

    with _admin(server_url) as conn:
        conn.execute("SET statement_timeout = '60s'")
        try:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.errors.QueryCanceled:
            warnings.warn(f"test database {name} not dropped within 60 s", stacklevel=2)


@pytest.fixture(scope="session")
def migrated_template(pg_server: str) -> Iterator[str]:
    name = f"cc_tpl_{uuid.uuid4().hex[:8]}"
    url = create_database(pg_server, name)
    migrate.upgrade(url)
    yield name
    drop_database(pg_server, name)


@pytest.fixture
def empty_db(pg_server: str) -> Iterator[str]:
    """A new database with no schema at all."""
    name = f"cc_t_{uuid.uuid4().hex[:10]}"
    url = create_database(pg_server, name)
    yield url
    drop_database(pg_server, name)


@pytest.fixture
def db_url(pg_server: str, migrated_template: str) -> Iterator[str]:
    """A new, migrated, empty database for one test."""
    name = f"cc_t_{uuid.uuid4().hex[:10]}"
    url = create_database(pg_server, name, template=migrated_template)
    yield url
    drop_database(pg_server, name)


@pytest.fixture(scope="session")
def seeded_db(pg_server: str, migrated_template: str) -> Iterator[str]:
    """One demo county for read-only tests (do not write to it)."""
    from command_center.db.engine import make_engine
    from command_center.demo.seed import seed_demo

    name = f"cc_seed_{uuid.uuid4().hex[:8]}"
    url = create_database(pg_server, name, template=migrated_template)
    engine = make_engine(url)
    seed_demo(engine, scale=TEST_SCALE, seed=7, until=SEED_UNTIL, progress=False)
    engine.dispose()
    yield url
    drop_database(pg_server, name)


@pytest.fixture
def seeded_copy(pg_server: str, seeded_db: str) -> Iterator[str]:
    """A writable copy of the demo county, for one test."""
    name = f"cc_t_{uuid.uuid4().hex[:10]}"
    url = create_database(pg_server, name, template=make_url(seeded_db).database)
    yield url
    drop_database(pg_server, name)


LOGIN_TEST_PASSWORD = "a-test-session-password"


def login_url(url: str, username: str) -> str:
    """``url`` as the user's own login. Its password is set as the server's owner would (an
    embedded server asks for one, the shared test server trusts), so that no sign-in writes to
    the database the test reads."""
    from command_center.db.connection import with_login

    login = f"cc_u_{username}"
    with _admin(url) as conn:
        # VALID UNTIL again: a sign-in earlier on this server (this cluster outlives a test
        # run) may have left its session's end on the login, which a later clock has passed
        conn.execute(
            f'ALTER ROLE "{login}" PASSWORD \'{LOGIN_TEST_PASSWORD}\' VALID UNTIL \'infinity\''
        )
    return with_login(url, login, LOGIN_TEST_PASSWORD)


def make_new_incidents(engine: Engine, n: int) -> list[int]:
    """n incidents without orders, made new again (the small county may have none waiting)."""
    with engine.begin() as c:
        ids = list(
            c.execute(
                text(
                    "SELECT id FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM work_orders o "
                    "WHERE o.incident_id = i.id) AND duplicate_of_id IS NULL "
                    "ORDER BY id DESC LIMIT :n"
                ),
                {"n": n},
            ).scalars()
        )
        c.execute(
            text(
                "UPDATE incidents SET status = 'new', accepted_at = NULL, "
                "resolved_at = NULL, closed_at = NULL, version = version + 1 "
                "WHERE id = ANY(:ids)"
            ),
            {"ids": ids},
        )
    assert len(ids) == n
    return ids
