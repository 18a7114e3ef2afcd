"""What the database tests share: a query helper, and sessions on the demo county.

Creating a database, even from a template, costs far more than most of these tests do. So:

- ``session`` is a session on the one shared demo county (``seeded_db``) inside a transaction
  that is rolled back when the test ends. The services commit by themselves; the session turns
  each of their commits into the release of a savepoint (SQLAlchemy's "joining a session into an
  external transaction"), so the test sees its own writes and nobody else ever does.
  Use it for a test whose every read and write goes through that one session.
- A test that writes through another connection (a second session, a thread, the CLI, an HTTP
  server, a listener for notifications) or needs a real commit takes ``seeded_copy``, a
  database of its own, as before.
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

from command_center.db.engine import libpq_url, normalize_url


def q(url: str, sql: str, *args: object) -> list[tuple[Any, ...]]:
    """Rows of one query on the database at ``url``, in a connection of its own."""
    with psycopg.connect(libpq_url(url)) as conn:
        return conn.execute(sql, args).fetchall()


@contextmanager
def joined(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that is rolled back at the end, for sessions to join."""
    with engine.connect() as conn:
        # intake's and the gazetteer's caches are keyed by session.get_bind().url, which an
        # Engine has and a Connection has not: lend it the engine's, as open311_api.post_request
        # does for the same reason
        conn.url = engine.url  # type: ignore[attr-defined]
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
def session(county_engine: Engine) -> Iterator[Session]:
    """A session on the shared demo county whose writes, commits included, are undone after the
    test (see the module docstring)."""
    with joined(county_engine) as conn:
        s = Session(bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint")
        try:
            yield s
        finally:
            s.close()
