"""The command line: clear bilingual messages for bad input, never a traceback."""

from __future__ import annotations

import pytest

from command_center.cli import main


def test_a_database_that_is_not_postgresql_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--database-url", "sqlite:///tmp/x.db"]) == 1
    err = capsys.readouterr().err
    assert "只支持 PostgreSQL" in err and "only PostgreSQL is supported" in err
    assert "Traceback" not in err


def test_an_unreachable_server_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    # port 9 on the loopback: nothing listens there
    assert main(["--database-url", "postgresql://nobody@127.0.0.1:9/none", "status"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误 / error:")
    assert "Traceback" not in err
