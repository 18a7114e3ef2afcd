"""Where the database is. UI preferences live in QSettings (see views/), not here."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATABASE_URL = "COMMAND_CENTER_DATABASE_URL"
ENV_DATA_DIR = "COMMAND_CENTER_DATA_DIR"
ENV_ANALYTICS_DATABASE_URL = "COMMAND_CENTER_ANALYTICS_DATABASE_URL"
APP_NAME = "command-center"
ORGANIZATION = "CommandCenter"


def database_url_from(cli_value: str | None) -> str | None:
    """The shared server's URL from the command line, else the environment; None = embedded."""
    return cli_value or os.environ.get(ENV_DATABASE_URL) or None


def analytics_url_from(cli_value: str | None) -> str | None:
    """A read replica for the analysis's reads (panels, warnings, the bulletin), from the command
    line, else the environment; None = the analysis reads the main database."""
    return cli_value or os.environ.get(ENV_ANALYTICS_DATABASE_URL) or None


def data_dir() -> Path:
    """The user's data directory; the embedded database keeps its files under it."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def embedded_pgdata() -> Path:
    return data_dir() / "pgdata"
