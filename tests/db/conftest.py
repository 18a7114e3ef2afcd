"""What the database tests share: a query helper, and sessions on the demo county.

Creating a database, even from a template, costs far more than most of these tests do. So:

- ``county`` is a connection to the one shared demo county (``seeded_db``) inside a transaction
  that is rolled back when the test ends, and ``session`` a session joined to it. The services
  commit by themselves; a session joined to ``county`` (``session_on``) turns each of their
  commits into the release of a savepoint (SQLAlchemy's "joining a session into an external
  transaction"), so the test sees its own writes and nobody else ever does. Use them for a test
  whose every read and write goes through that one connection (``q(county, ...)`` reads on it).
- A test that writes through another connection (a second session, a thread, the CLI, an HTTP
  server, a listener for notifications) or needs a real commit takes ``seeded_copy``, a
  database of its own, as before.
- The shared county is the template of those copies, and PostgreSQL copies a template only
  while nobody is connected to it: a test that takes both asks for ``seeded_copy`` first, and
  nothing keeps a connection to the shared county open between tests (``NullPool``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from command_center.db.engine import libpq_url, make_engine, make_session_factory, normalize_url


def q(db: str | Connection, sql: str, *args: object) -> list[tuple[Any, ...]]:
    """Rows of one query (``%s`` parameters): on the database at a URL, in a connection of its
    own, or on a ``joined`` connection, inside its transaction."""
    if isinstance(db, Connection):
        return [tuple(r) for r in db.exec_driver_sql(sql, args).fetchall()]
    with psycopg.connect(libpq_url(db)) as conn:
        return conn.execute(sql, args).fetchall()


@contextmanager
def joined(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that is rolled back at the end, for sessions to join."""
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            yield conn
        finally:
            outer.rollback()


@pytest.fixture(scope="session")
def county_engine(seeded_db: str) -> Iterator[Engine]:
    """An engine on the shared demo county (read it, or write in a rolled-back ``session``).

    No pooled connection stays open: copies of the county are made from it as a template."""
    engine = create_engine(normalize_url(seeded_db), poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def county(county_engine: Engine) -> Iterator[Connection]:
    """A connection to the shared demo county whose transaction is rolled back after the test;
    pass it where a test passed a database URL (``q``, ``session_on``)."""
    with joined(county_engine) as conn:
        yield conn


@contextmanager
def session_on(db: str | Connection) -> Iterator[Session]:
    """A session on a ``joined`` connection, its commits turned into savepoints, or on the
    database at a URL."""
    if isinstance(db, Connection):
        with Session(
            bind=db, expire_on_commit=False, join_transaction_mode="create_savepoint"
        ) as s:
            yield s
        return
    engine = make_engine(db)
    try:
        with make_session_factory(engine)() as s:
            yield s
    finally:
        engine.dispose()


@pytest.fixture
def session(county: Connection) -> Iterator[Session]:
    """A session on the shared demo county whose writes, commits included, are undone after the
    test (see the module docstring)."""
    with session_on(county) as s:
        yield s
