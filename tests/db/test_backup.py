"""Backup and restore: the whole database in one file, back exactly as it was; a broken file
changes nothing."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from command_center import cli
from command_center.db import backup
from command_center.db.engine import libpq_url
from tests.conftest import drop_database, login_url
from tests.db.test_security import security_problems


def _count(url: str, sql: str) -> int:
    with psycopg.connect(libpq_url(url)) as conn:
        row = conn.execute(sql).fetchone()
        assert row is not None
        return int(row[0])


def test_a_backup_restores_the_database_as_it_was(
    seeded_copy: str, pg_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "county.ccbackup"
    assert cli.main(["--database-url", seeded_copy, "backup", str(file)]) == 0
    assert file.stat().st_size > 100_000
    incidents = _count(seeded_copy, "SELECT count(*) FROM incidents")
    entries = _count(seeded_copy, "SELECT count(*) FROM audit_log")
    # after the backup, work goes on
    with psycopg.connect(libpq_url(seeded_copy), autocommit=True) as conn:
        conn.execute("DELETE FROM return_visits")
        conn.execute(
            "INSERT INTO audit_log (actor_name, action, entity_type, summary) "
            "VALUES ('王丽娟', 'incident.update', 'incident', '备份之后的工作')"
        )
    capsys.readouterr()
    assert cli.main(["--database-url", seeded_copy, "restore", str(file)]) == 0
    out = capsys.readouterr().out
    kept = out.split("the previous database is kept as ")[-1].strip()
    try:
        assert kept.startswith(make_url(seeded_copy).database + "_before_restore_")
        assert _count(seeded_copy, "SELECT count(*) FROM incidents") == incidents
        assert _count(seeded_copy, "SELECT count(*) FROM audit_log") == entries
        assert _count(seeded_copy, "SELECT count(*) FROM return_visits") > 0
        # the chain, the policies and the logins came back with it
        assert cli.main(["--database-url", seeded_copy, "audit", "verify"]) == 0
        assert security_problems(seeded_copy) == []
        with psycopg.connect(libpq_url(login_url(seeded_copy, "bm_police"))) as conn:
            row = conn.execute("SELECT count(*), count(DISTINCT department_id) FROM work_orders "
                               "WHERE lead_order_id IS NULL").fetchone()
        assert row is not None and row[0] > 0 and row[1] == 1
        # the database as it was before the restore is still there
        kept_url = make_url(seeded_copy).set(database=kept).render_as_string(hide_password=False)
        assert _count(kept_url, "SELECT count(*) FROM return_visits") == 0
    finally:
        drop_database(pg_server, kept)


def test_a_broken_backup_changes_nothing(seeded_copy: str, tmp_path: Path) -> None:
    file = tmp_path / "county.ccbackup"
    backup.backup(seeded_copy, file)
    data = file.read_bytes()
    broken = tmp_path / "broken.ccbackup"
    broken.write_bytes(data[: len(data) // 2])
    before = _count(seeded_copy, "SELECT count(*) FROM audit_log")
    with pytest.raises(backup.BackupError):
        backup.restore(seeded_copy, broken)
    not_ours = tmp_path / "other.ccbackup"
    not_ours.write_bytes(b"not a backup at all")
    with pytest.raises(backup.BackupError, match="backup"):
        backup.restore(seeded_copy, not_ours)
    assert _count(seeded_copy, "SELECT count(*) FROM audit_log") == before
    with psycopg.connect(libpq_url(seeded_copy)) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            (make_url(seeded_copy).database + "%",),
        )]
    assert names == [make_url(seeded_copy).database]  # no half-restored database left behind


def test_a_backup_cannot_slip_in_a_superuser(
    seeded_copy: str, pg_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A restore runs as the server's owner: what the file's roles.sql says is not run as it is,
    only the program's role names and memberships are taken from it."""
    import io
    import tarfile

    file = tmp_path / "county.ccbackup"
    backup.backup(seeded_copy, file)
    forged = tmp_path / "forged.ccbackup"
    with tarfile.open(file) as src, tarfile.open(forged, "w") as dst:
        roles = src.extractfile(backup.ROLES_MEMBER)
        assert roles is not None
        text = roles.read().decode() + (
            "ALTER ROLE cc_u_zhiban1 WITH SUPERUSER;\n"
            "CREATE ROLE cc_evil SUPERUSER LOGIN PASSWORD 'x';\n"
            "GRANT pg_read_server_files TO cc_u_zhiban1;\n"
            "CREATE ROLE cc_u_x; DROP TABLE incidents;\n"
        )
        info = tarfile.TarInfo(backup.ROLES_MEMBER)
        info.size = len(text.encode())
        dst.addfile(info, io.BytesIO(text.encode()))
        member = src.getmember(backup.DATABASE_MEMBER)
        dst.addfile(member, src.extractfile(member))
    capsys.readouterr()
    assert cli.main(["--database-url", seeded_copy, "restore", str(forged)]) == 0
    kept = capsys.readouterr().out.split("the previous database is kept as ")[-1].strip()
    try:
        assert security_problems(seeded_copy) == []
        assert _count(seeded_copy, "SELECT count(*) FROM pg_roles WHERE rolname IN "
                      "('cc_evil', 'cc_u_x') OR (rolname LIKE 'cc\\_%' AND rolsuper)") == 0
        assert _count(seeded_copy, "SELECT count(*) FROM incidents") > 0
    finally:
        drop_database(pg_server, kept)
