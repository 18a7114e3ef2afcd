"""Opening the database the program uses: a shared server by URL, or the embedded default."""

from __future__ import annotations

import logging
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


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    embedded: EmbeddedPostgres | None

    @property
    def is_embedded(self) -> bool:
        return self.embedded is not None

    def close(self) -> None:
        self.engine.dispose()
        if self.embedded is not None:
            self.embedded.stop()


def open_database(url: str | None, *, upgrade_schema: bool = True) -> Database:
    """Connect to ``url``, or start the embedded server when it is None; migrate if asked."""
    embedded = None
    if url is None:
        # first, before the heavy imports below: the server boots while they run
        embedded = EmbeddedPostgres(config.embedded_pgdata())
        url = embedded.start()
    from command_center.db import migrate
    from command_center.db.engine import make_engine, make_session_factory

    try:
        engine = make_engine(url)
        if upgrade_schema and migrate.needs_upgrade(engine):
            log.info("migrating the schema to %s", migrate.SCHEMA_HEAD)
            migrate.upgrade(url)
    except Exception:
        if embedded is not None:
            embedded.stop()
        raise
    return Database(url, engine, make_session_factory(engine), embedded)


@contextmanager
def database(url: str | None, *, upgrade_schema: bool = True) -> Iterator[Database]:
    db = open_database(url, upgrade_schema=upgrade_schema)
    try:
        yield db
    finally:
        db.close()
