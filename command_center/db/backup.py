"""``command-center backup FILE`` and ``restore FILE``: the whole database in one file.

A backup is a tar file holding the program's roles (``roles.sql``, from ``pg_dumpall
--roles-only``, the ``cc_`` roles only, without passwords: the gatekeeper sets a new one at every
sign-in) and the database (``database.dump``, ``pg_dump -Fc``: tables, policies, functions,
grants). It is written next to its final name and renamed when complete, so a failed backup
never leaves a file that looks whole.

A restore loads the file into a new database beside the current one, and only when that
succeeded swaps the two: the current database is kept as ``<name>_before_restore_<time>``
(drop it when the restored one is checked: ``audit verify``). Nothing is lost if the file is
broken or the restore stops half-way. The operators' logins are made again from the restored
accounts.

The embedded server's own pg_dump and pg_restore are used for it (the same version as the
server); for a shared server the ones on the PATH. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from command_center import clock
from command_center.db import embedded
from command_center.db.engine import libpq_url

ROLES_MEMBER = "roles.sql"
DATABASE_MEMBER = "database.dump"
_ROLE_LINE = re.compile(r"^(CREATE ROLE|ALTER ROLE|GRANT) .*\bcc_")


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message is "中文 / English"."""


def _server_major(url: str) -> int:
    try:
        with psycopg.connect(_conninfo(url), autocommit=True) as conn:
            row = conn.execute("SHOW server_version_num").fetchone()
    except psycopg.Error as exc:
        raise BackupError(f"无法连接数据库 / cannot reach the database: {exc}") from exc
    assert row is not None
    return int(row[0]) // 10_000


def _tool_major(path: str) -> int | None:
    try:
        done = subprocess.run([path, "--version"], capture_output=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(rb"(\d+)(?:\.\d+)?", done.stdout)
    return int(match.group(1)) if match else None


def _tool(name: str, bin_dir: Path | None, server_major: int) -> str:
    """The client program ``name`` of the server's version (pg_dump refuses a newer server;
    a machine may have the system's PostgreSQL beside the embedded one's programs)."""
    candidates: list[Path] = []
    if bin_dir is not None:
        candidates.append(bin_dir / name)
    candidates += [d / name for d in embedded.client_bin_dirs()]
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    found = shutil.which(name)
    if found is not None:
        candidates.append(Path(found))
    usable = [
        (major, str(c)) for c in candidates
        if c.exists() and (major := _tool_major(str(c))) is not None and major >= server_major
    ]
    if not usable:
        raise BackupError(
            f"找不到 PostgreSQL {server_major} 的 {name} / {name} of PostgreSQL {server_major} "
            "(or newer) is missing"
        )
    return min(usable)[1]  # the closest version


def _run(args: list[str], what: str) -> bytes:
    done = subprocess.run(args, capture_output=True, check=False)
    if done.returncode != 0:
        raise BackupError(
            f"{what}失败 / {what} failed: {done.stderr.decode(errors='replace').strip()[-500:]}"
        )
    return done.stdout


def _conninfo(url: str, database: str | None = None) -> str:
    u = make_url(libpq_url(url))
    if database is not None:
        u = u.set(database=database)
    return u.render_as_string(hide_password=False)


def backup(url: str, target: Path, *, bin_dir: Path | None = None) -> int:
    """Write the database at ``url`` (an administrator's) to ``target``; returns its size."""
    target = Path(target)
    major = _server_major(url)
    roles = _run(
        [_tool("pg_dumpall", bin_dir, major), "--roles-only", "--no-role-passwords",
         "-d", _conninfo(url)],
        "导出角色 / dumping the roles",
    ).decode()
    ours = "\n".join(line for line in roles.splitlines() if _ROLE_LINE.match(line)) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / DATABASE_MEMBER
        _run(
            [_tool("pg_dump", bin_dir, major), "-Fc", "-f", str(dump), "-d", _conninfo(url)],
            "导出数据库 / dumping the database",
        )
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            info = tarfile.TarInfo(ROLES_MEMBER)
            data = ours.encode()
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, DATABASE_MEMBER)
        os.replace(partial, target)
    return target.stat().st_size


def restore(url: str, source: Path, *, bin_dir: Path | None = None) -> str:
    """Replace the database at ``url`` by the backup ``source``; returns the name the previous
    database is kept under."""
    source = Path(source)
    database = make_url(url).database
    if not database:
        raise BackupError("地址中没有数据库名 / the URL names no database")
    try:
        with tarfile.open(source) as tar:
            names = tar.getnames()
            if ROLES_MEMBER not in names or DATABASE_MEMBER not in names:
                raise BackupError(
                    "这不是指挥中心的备份文件 / this is not a Command Center backup"
                )
            roles_file = tar.extractfile(ROLES_MEMBER)
            assert roles_file is not None
            roles_sql = roles_file.read().decode()
            dump_file = tar.extractfile(DATABASE_MEMBER)  # None unless a regular file
            if dump_file is None:
                raise BackupError(
                    "这不是指挥中心的备份文件 / this is not a Command Center backup"
                )
            with tempfile.TemporaryDirectory() as tmp:
                dump = Path(tmp) / DATABASE_MEMBER
                with dump_file, dump.open("wb") as out:
                    shutil.copyfileobj(dump_file, out)
                return _restore(url, database, roles_sql, dump, bin_dir)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"无法读取备份文件 / cannot read the backup: {exc}") from exc


_CREATE = re.compile(r"^CREATE ROLE (cc_[a-z0-9_]{1,60});$")
_GRANT = re.compile(r"^GRANT (cc_app|cc_center|cc_handler) TO (cc_[a-z0-9_]{1,60})\b")
GATEKEEPER_ROLE = "cc_gatekeeper"


def _role_statements(roles_sql: str) -> list[str]:
    creates, grants = [], []
    for line in roles_sql.splitlines():
        if m := _CREATE.match(line.strip()):
            creates.append(f'CREATE ROLE "{m.group(1)}" NOLOGIN')
        elif m := _GRANT.match(line.strip()):
            grants.append(f'GRANT "{m.group(1)}" TO "{m.group(2)}"')
    if f'CREATE ROLE "{GATEKEEPER_ROLE}" NOLOGIN' in creates:
        creates.append(f'ALTER ROLE "{GATEKEEPER_ROLE}" LOGIN')
    return creates + grants


def _restore(
    url: str, database: str, roles_sql: str, dump: Path, bin_dir: Path | None
) -> str:
    stamp = clock.now().strftime("%Y%m%d%H%M%S")
    staging = f"{database}_restoring"
    kept = f"{database}_before_restore_{stamp}"
    major = _server_major(url)
    with psycopg.connect(_conninfo(url, "postgres"), autocommit=True) as admin:
        # the file's roles.sql is not run as it is (a restore runs as the server's owner): only
        # the program's role names and group memberships are read from it, and the statements
        # are made here; each login's rights are then set by cc_sync_login
        for statement in _role_statements(roles_sql):
            try:
                admin.execute(statement)
            except psycopg.errors.DuplicateObject:
                pass  # the role is there already (the same server)
            except psycopg.Error as exc:
                raise BackupError(f"无法建立角色 / cannot create a role: {exc}") from exc
        admin.execute(f'DROP DATABASE IF EXISTS "{staging}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{staging}"')
    try:
        _run(
            [_tool("pg_restore", bin_dir, major), "--exit-on-error", "--single-transaction",
             "-d", _conninfo(url, staging), str(dump)],
            "恢复数据库 / restoring the database",
        )
    except BackupError:
        with psycopg.connect(_conninfo(url, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{staging}" WITH (FORCE)')
        raise
    with psycopg.connect(_conninfo(url, staging), autocommit=True) as conn:
        # the database's own grants are not in the dump (alembic 0005 sets them)
        conn.execute("""
DO $$ BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO cc_app', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO cc_gatekeeper', current_database());
END $$""")
        conn.execute("SELECT cc_sync_login(id) FROM app_users")
    with psycopg.connect(_conninfo(url, "postgres"), autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
        if exists:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                "AND pid <> pg_backend_pid()", (database,)
            )
            admin.execute(f'ALTER DATABASE "{database}" RENAME TO "{kept}"')
        admin.execute(f'ALTER DATABASE "{staging}" RENAME TO "{database}"')
    return kept if exists else ""


def default_name(now: dt.datetime | None = None) -> str:
    return f"command-center-{(now or clock.now()):%Y%m%d-%H%M}.ccbackup"
