"""`command-center import table`: the hotline's CSV/XLSX exports from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from command_center.cli import main
from command_center.db.engine import normalize_url
from command_center.models import Incident

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tabular"


def _count(url: str) -> int:
    engine = create_engine(normalize_url(url))
    with engine.connect() as conn:
        n = conn.scalar(
            select(func.count()).select_from(Incident).where(Incident.external_source == "12345")
        )
    engine.dispose()
    return int(n or 0)


def test_a_gb18030_export_imports_with_the_suggested_mapping(
    capsys: pytest.CaptureFixture[str], seeded_copy: str
) -> None:
    path = str(FIXTURES / "hotline_gb18030.csv")
    assert main(["import", "table", path, "--database-url", seeded_copy]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "imported=5 skipped=4"
    assert out.count("  row ") == 4  # three bad rows and one repeated
    assert _count(seeded_copy) == 5
    # a second import of the same file brings nothing new
    assert main(["import", "table", path, "--database-url", seeded_copy]) == 0
    assert capsys.readouterr().out.startswith("imported=0 skipped=9")
    assert _count(seeded_copy) == 5


def test_a_broken_file_or_an_unknown_mapping_imports_nothing(
    capsys: pytest.CaptureFixture[str], seeded_copy: str
) -> None:
    assert (
        main(
            [
                "import",
                "table",
                str(FIXTURES / "broken_truncated.xlsx"),
                "--database-url",
                seeded_copy,
            ]
        )
        == 1
    )
    assert "错误 / error:" in capsys.readouterr().err
    assert (
        main(
            [
                "import",
                "table",
                str(FIXTURES / "hotline.xlsx"),
                "--mapping",
                "无此方案",
                "--database-url",
                seeded_copy,
            ]
        )
        == 1
    )
    assert "无此方案" in capsys.readouterr().err
    assert _count(seeded_copy) == 0
