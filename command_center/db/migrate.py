"""Schema migrations (Alembic), run on start and by `command-center db upgrade`.

Alembic itself is imported only when a migration runs: checking that the schema is current is
one query against ``alembic_version``, which keeps the program's start-up short.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import ProgrammingError

from command_center.db.engine import normalize_url

if TYPE_CHECKING:
    from alembic.config import Config

ALEMBIC_DIR = Path(__file__).resolve().parents[2] / "alembic"

# The newest revision in alembic/versions; tests/db/test_schema.py checks that they agree.
SCHEMA_HEAD = "0026"


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    """The newest revision as the migration scripts say (reads them)."""
    from alembic.script import ScriptDirectory

    cfg = alembic_config("postgresql://x@localhost/x")
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except ProgrammingError:  # no alembic_version table: an empty database
            return None


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != SCHEMA_HEAD
