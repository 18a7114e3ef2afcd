"""The boundary dialogs: the import's preview draws the file's areas over their parent, lists
the findings and highlights the one selected; the draft submitted reaches the review list,
where the county's administrator approves it and a town's user cannot.

The made-up county 示范县 of tests/fixtures/boundaries is imported first, as a new deployment
would (the command line, approved at once)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from shapely.geometry import shape
from sqlalchemy import text

from command_center.cli import main
from command_center.views.admin.boundaries_dialog import (
    BoundaryImportDialog,
    BoundaryReviewDialog,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "boundaries"
ADMIN = SimpleNamespace(id=None, display_name="县中心管理员", role_code="admin")


def _county(url: str) -> None:
    for name, level in (("示范县.geojson", "county"), ("towns_array.json", "town")):
        args = ["import", "boundaries", str(FIXTURES / name), "--level", level, "--crs", "gcj02"]
        assert main([*args, "--approve", "--database-url", url]) == 0


def test_the_preview_lists_findings_and_highlights_the_selected_area(
    qtbot, db, runner, database_url
) -> None:  # type: ignore[no-untyped-def]
    _county(database_url)
    dialog = BoundaryImportDialog(runner, ADMIN)
    qtbot.addWidget(dialog)
    dialog.resize(1100, 640)
    dialog.show()
    dialog.level.setCurrentIndex(dialog.level.findData("village"))
    dialog.crs.setCurrentIndex(dialog.crs.findData("gcj02"))
    dialog.parent_name.setText("西镇")
    dialog.set_file(str(FIXTURES / "findings_villages.geojson"))
    findings = dialog.panel.findings
    qtbot.waitUntil(lambda: findings.count() == 9, timeout=15_000)
    assert dialog.submit_button.isEnabled()
    assert "3" in dialog.summary.text() and "9" in dialog.summary.text()
    # the preview holds the three villages imported, 西镇 as their parent
    names = {s.name: s.role for s in dialog.panel.preview.shapes}
    assert names == {"西一村": "new", "西二村": "new", "西四村": "new", "西镇": "parent"}
    # excluded findings are marked apart from the reviewer's
    texts = [findings.item(i).text() for i in range(findings.count())]
    assert sum(t.startswith("✖") for t in texts) == 6
    assert sum(t.startswith("⚠") for t in texts) == 3
    # selecting the gap highlights the exclave nobody covers, and brings it into view
    gap_row = next(i for i, t in enumerate(texts) if "空隙" in t or "gap" in t)
    findings.setCurrentRow(gap_row)
    highlight = dialog.panel.preview._highlight
    assert len(highlight) == 1
    box = highlight[0].path().boundingRect()
    k = dialog.panel.preview._k
    assert (box.left() / k, -box.bottom(), box.right() / k, -box.top()) == (
        pytest.approx((102.15, 39.06, 102.16, 39.07), abs=1e-6)
    )
    visible = dialog.panel.preview.mapToScene(dialog.panel.preview.viewport().rect())
    assert visible.boundingRect().contains(box)
    gap = shape(findings.item(gap_row).data(0x0100))
    assert gap.area > 0

    # submitted for review: a draft, nothing on the map yet
    with qtbot.waitSignal(dialog.sig_submitted, timeout=10_000) as sent:
        dialog.submit_button.click()
    draft = sent.args[0]
    with db.sessions() as s:
        assert s.execute(
            text("SELECT status, areas FROM boundary_imports WHERE id = :d"), {"d": draft}
        ).one() == ("draft", 3)
        assert (
            s.execute(text("SELECT count(*) FROM admin_areas WHERE level = 'village'")).scalar()
            == 0
        )

    # the review list: the administrator approves it
    review = BoundaryReviewDialog(runner, ADMIN)
    qtbot.addWidget(review)
    review.show()
    qtbot.waitUntil(lambda: review.table.rowCount() == 3, timeout=10_000)
    qtbot.waitUntil(lambda: review.approve_button.isEnabled(), timeout=10_000)
    assert review.table.item(0, 0).text() == f"#{draft}"
    qtbot.waitUntil(lambda: review.panel.findings.count() == 9, timeout=10_000)
    with qtbot.waitSignal(review.sig_reviewed, timeout=10_000):
        review.approve_button.click()
    with db.sessions() as s:
        assert (
            s.execute(text("SELECT count(*) FROM admin_areas WHERE level = 'village'")).scalar()
            == 3
        )


def test_a_town_user_sees_the_review_but_cannot_approve(
    qtbot, db, runner, database_url, other_engine
) -> None:  # type: ignore[no-untyped-def]
    _county(database_url)
    villages = [
        "import",
        "boundaries",
        str(FIXTURES / "villages_gb18030.geojson"),
        "--level",
        "village",
        "--crs",
        "gcj02",
        "--parent",
        "东镇",
        "--database-url",
        database_url,
    ]
    assert main(villages) == 0  # a draft
    with other_engine.begin() as c:
        town = c.execute(text("SELECT id FROM admin_areas WHERE name = '西镇'")).scalar()
        c.execute(
            text(
                "INSERT INTO roles (code, name, name_en, db_role) SELECT 'duty_operator', "
                "'值班员', 'Duty operator', 'cc_duty_operator' WHERE NOT EXISTS "
                "(SELECT 1 FROM roles WHERE code = 'duty_operator')"
            )
        )
        uid = c.execute(
            text(
                "INSERT INTO app_users (username, display_name, role_code, scope_area_id) "
                "VALUES ('xizhen', '西镇综治中心', 'duty_operator', :t) RETURNING id"
            ),
            {"t": town},
        ).scalar()
    review = BoundaryReviewDialog(
        runner, SimpleNamespace(id=uid, display_name="西镇综治中心", role_code="duty_operator")
    )
    qtbot.addWidget(review)
    review.show()
    qtbot.waitUntil(lambda: review.table.rowCount() == 3, timeout=10_000)
    qtbot.waitUntil(lambda: bool(review.note.text()), timeout=10_000)
    assert review.selected() is not None and review.selected().status == "draft"
    assert not review.approve_button.isEnabled() and not review.reject_button.isEnabled()
