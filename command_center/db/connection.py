"""Opening the database the program uses: a shared server by URL, or the embedded default.

Who connects: an administrator's command (``db upgrade``, ``demo seed``, ``user``, imports from
the command line) connects as the URL says, or as the embedded server's superuser. The window
connects first as the gatekeeper (``GATEKEEPER``: it may only call the sign-in functions), then,
once the operator has signed in, as the operator's own login (:meth:`Database.as_login`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from command_center import config
from command_center.db.embedded import EmbeddedPostgres

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

GATEKEEPER = "cc_gatekeeper"
"""The login that may only call the sign-in functions (alembic 0005)."""
ENV_GATEKEEPER_PASSWORD = "COMMAND_CENTER_GATEKEEPER_PASSWORD"
"""Its password, where a server asks for one (the embedded server does not)."""


class SchemaOutOfDate(RuntimeError):
    """The database's schema is not the one this program was built for."""


def with_login(url: str, login: str, password: str | None) -> str:
    """``url`` with another user name and password (host, port, database, options kept)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=login, password=password or None).render_as_string(
        hide_password=False
    )


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    embedded: EmbeddedPostgres | None
    analytics_url: str | None = None
    """A read replica for the analysis's reads (``--analytics-database-url``); None: the
    analysis reads here too."""
    analytics_engine: Engine | None = None

    @property
    def is_embedded(self) -> bool:
        return self.embedded is not None

    @property
    def analytics_sessions(self) -> sessionmaker[Session] | None:
        """Sessions on the replica, every transaction read-only; None without one."""
        from command_center.db.engine import make_session_factory

        if self.analytics_engine is None:
            return None
        return make_session_factory(self.analytics_engine)

    def with_analytics(self, url: str | None, *, as_login: str | None = None,
                       password: str | None = None) -> Database:
        """Send the analysis's reads to ``url`` (a read replica), through a read-only engine:
        as ``as_login`` when given (the operator's login, so the replica applies the same
        row-level security), else as the URL says."""
        from command_center.db.engine import ANALYTICS_APPLICATION_NAME, make_engine

        if self.analytics_engine is not None:
            self.analytics_engine.dispose()
            self.analytics_engine = None
        self.analytics_url = url
        if url:
            target = with_login(url, as_login, password) if as_login else url
            self.analytics_engine = make_engine(
                target, application_name=ANALYTICS_APPLICATION_NAME, read_only=True)
        return self

    def close(self) -> None:
        self.engine.dispose()
        if self.analytics_engine is not None:
            self.analytics_engine.dispose()
        if self.embedded is not None:
            self.embedded.stop()

    def as_login(self, login: str, password: str | None) -> Database:
        """The same database as another login (the operator's, after signing in), and the
        same replica for the analysis, as that login too. The new one owns the embedded server
        from now on: close this one with :meth:`release`."""
        from command_center.db.engine import make_engine, make_session_factory

        url = with_login(self.url, login, password)
        engine = make_engine(url)
        db = Database(url, engine, make_session_factory(engine), self.embedded)
        return db.with_analytics(self.analytics_url, as_login=login, password=password)

    def release(self) -> None:
        """Close the connections, leave the embedded server running (another owns it)."""
        self.engine.dispose()
        if self.analytics_engine is not None:
            self.analytics_engine.dispose()
            self.analytics_engine = None
        self.embedded = None


def open_database(
    url: str | None, *, upgrade_schema: bool = False, as_gatekeeper: bool = False
) -> Database:
    """Connect to ``url``, or start the embedded server when it is None.

    ``upgrade_schema``: migrate to the newest revision (``db upgrade``, ``demo seed``).
    ``as_gatekeeper``: connect as the gatekeeper, for the sign-in; refuse a schema that is not
    the newest (only an administrator's ``command-center db upgrade`` migrates).
    """
    embedded = None
    if url is None:
        # first, before the heavy imports below: the server boots while they run
        embedded = EmbeddedPostgres(config.embedded_pgdata())
        url = embedded.start()
    if as_gatekeeper:
        url = with_login(url, GATEKEEPER, os.environ.get(ENV_GATEKEEPER_PASSWORD))
    from command_center.db import migrate
    from command_center.db.engine import make_engine, make_session_factory

    try:
        engine = make_engine(url)
        if upgrade_schema and migrate.needs_upgrade(engine):
            log.info("migrating the schema to %s", migrate.SCHEMA_HEAD)
            migrate.upgrade(url)
        elif as_gatekeeper and migrate.needs_upgrade(engine):
            raise SchemaOutOfDate(
                f"数据库结构版本为 {migrate.current_revision(engine)}，本程序需要 "
                f"{migrate.SCHEMA_HEAD}：请系统管理员运行 command-center db upgrade / the "
                f"database's schema is at {migrate.current_revision(engine)} and this program "
                f"needs {migrate.SCHEMA_HEAD}: an administrator runs command-center db upgrade"
            )
    except Exception:
        if embedded is not None:
            embedded.stop()
        raise
    return Database(url, engine, make_session_factory(engine), embedded)


@contextmanager
def database(url: str | None, *, upgrade_schema: bool = False) -> Iterator[Database]:
    db = open_database(url, upgrade_schema=upgrade_schema)
    try:
        yield db
    finally:
        db.close()
