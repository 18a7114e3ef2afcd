"""The command line against a real database."""

from __future__ import annotations

import pytest

from command_center.cli import main


def test_a_scale_of_zero_is_refused(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    assert main(["demo", "seed", "--scale", "0", "--database-url", db_url, "--quiet"]) == 1
    assert "scale must be positive" in capsys.readouterr().err
