"""The boundary import dialog for the README (docs/screenshots/boundaries_import.png), offscreen:
the findings file of the tests (tests/fixtures/boundaries) checked under 西镇 of the made-up
示范县, the gap finding selected and highlighted.

    QT_QPA_PLATFORM=offscreen python scripts/boundary_screenshots.py postgresql://…/scratch

The database must be migrated and hold no 示范县 yet, or hold it from an earlier run: the script
imports the county and its towns (approved) when they are missing. Do not point it at a
database you care about.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
FIXTURES = ROOT / "tests" / "fixtures" / "boundaries"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--select", default="gap", help="the kind of finding to select")
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QTimer
    from sqlalchemy import text

    from command_center.cli import main as cli
    from command_center.db.connection import open_database
    from command_center.views.admin.boundaries_dialog import BoundaryImportDialog
    from command_center.views.application import make_application
    from command_center.workers.ops import OpsRunner

    app, _translations = make_application([sys.argv[0]], language="zh_CN")
    db = open_database(args.database_url, upgrade_schema=False)
    with db.sessions() as s:
        have = s.execute(text("SELECT count(*) FROM admin_areas WHERE name = '西镇'")).scalar()
    if not have:
        for name, level in (("示范县.geojson", "county"), ("towns_array.json", "town")):
            assert cli(["import", "boundaries", str(FIXTURES / name), "--level", level,
                        "--crs", "gcj02", "--approve", "--database-url", args.database_url]) == 0
    runner = OpsRunner(db.sessions)

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    user = SimpleNamespace(id=None, display_name="马德胜", role_code="admin")
    dialog = BoundaryImportDialog(runner, user)
    dialog.resize(1100, 660)
    dialog.show()
    dialog.level.setCurrentIndex(dialog.level.findData("village"))
    dialog.crs.setCurrentIndex(dialog.crs.findData("gcj02"))
    dialog.parent_name.setText("西镇")
    dialog.set_file(str(FIXTURES / "findings_villages.geojson"))
    for _ in range(40):
        wait(250)
        if dialog.panel.findings.count():
            break
    findings = dialog.panel.findings
    for i in range(findings.count()):
        if args.select in findings.item(i).toolTip() or (
            args.select == "gap" and "空隙" in findings.item(i).text()
        ):
            findings.setCurrentRow(i)
            break
    wait(800)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "boundaries_import.png"
    dialog.grab().save(str(path))
    print(path, dialog.width(), dialog.height())
    dialog.close()
    runner.shutdown()
    db.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
