"""The working-rules dialog on the demo county: what it lists is what the database holds, an
administrator's change is written (and audited), and others cannot change anything."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from command_center.models import AppSetting, AuditEntry, RoutingRule
from command_center.services import auth
from command_center.views.admin import rules_dialog
from command_center.views.admin.rules_dialog import RulesDialog


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def _user(db, username: str):  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        return next(u for u in auth.list_users(s) if u.username == username)


def test_lists_the_rules_and_saves_an_administrators_change(qtbot, db, runner) -> None:
    dialog = RulesDialog(runner, _user(db, "admin"))
    qtbot.addWidget(dialog)
    with db.sessions() as s:
        n_rules = s.scalar(select(func.count()).select_from(RoutingRule))
    qtbot.waitUntil(lambda: dialog.routing_table.rowCount() == n_rules, timeout=10_000)
    texts = [dialog.routing_table.item(i, 3).text() for i in range(n_rules)]
    assert "县城建成区的人居环境由城管局负责" in texts
    assert dialog.spins["orders.objection_hours"].value() == 8
    dialog.spins["orders.objection_hours"].setValue(12)
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.save_settings_button.click()
    with db.sessions() as s:
        assert s.get(AppSetting, "orders.objection_hours").value == 12
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "setting.change")).one()
        assert entry.before["value"] == 8 and entry.after["value"] == 12
        assert entry.actor_name == "马德胜"


def test_adding_a_routing_rule_through_the_form(qtbot, db, runner, monkeypatch) -> None:
    dialog = RulesDialog(runner, _user(db, "admin"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.routing_table.rowCount() > 0, timeout=10_000)
    before = dialog.routing_table.rowCount()

    def fill(form: QDialog) -> int:
        form.category.setCurrentIndex(form.category.findData("0801"))
        form.town.setCurrentIndex(2)
        form.department.setCurrentIndex(0)
        form.note.setText("试点镇食品安全由公安牵头")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(rules_dialog.RoutingRuleForm, "exec", fill)
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog._edit_routing(None)
    qtbot.waitUntil(lambda: dialog.routing_table.rowCount() == before + 1, timeout=10_000)
    with db.sessions() as s:
        rule = s.scalars(select(RoutingRule).where(RoutingRule.category_code == "0801")).one()
        assert rule.note == "试点镇食品安全由公安牵头" and rule.town_id is not None


def test_only_an_administrator_may_change_the_rules(qtbot, db, runner) -> None:
    dialog = RulesDialog(runner, _user(db, "zhiban1"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.routing_table.rowCount() > 0, timeout=10_000)
    assert not dialog.save_settings_button.isEnabled()
    assert not dialog.spins["orders.objection_hours"].isEnabled()
    assert dialog.note.text()


def test_smart_dispatch_tab_compares_versions_rolls_back_and_shows_rates(
    qtbot, db, runner, cc_app
) -> None:  # type: ignore[no-untyped-def]
    """An administrator sees each model version's figures, uses an older one, sets automatic
    dispatch's confidence and sees how often suggestions were taken, per category."""
    import os

    from sqlalchemy import text

    from command_center import clock
    from command_center.models import ClassifierFeedback, ClassifierModel

    with db.sessions() as s:
        for version, f1, active in ((1, 0.812, False), (2, 0.774, True)):
            s.add(
                ClassifierModel(
                    version=version,
                    created_at=clock.now(),
                    trained_on=5000 + version,
                    train_s=20,
                    macro_f1=f1,
                    accuracy=0.9,
                    department_macro_f1=0.85,
                    metrics={},
                    active=active,
                    sha256="0" * 64,
                    library="test",
                    model=b"\0",
                )
            )
        incident = s.execute(
            text("SELECT id, category_code FROM incidents WHERE category_code = '030202' LIMIT 1")
        ).one()
        for accepted in (True, True, True, False):
            s.add(
                ClassifierFeedback(
                    at=clock.now(),
                    model_version=2,
                    incident_id=incident.id,
                    category_code=incident.category_code,
                    kind="category",
                    suggested="030202",
                    chosen="030202" if accepted else "030201",
                    accepted=accepted,
                )
            )
        s.commit()
    dialog = RulesDialog(runner, _user(db, "admin"))
    qtbot.addWidget(dialog)
    dialog.resize(1000, 620)
    dialog.show()
    dialog.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: dialog.models_table.rowCount() == 2, timeout=10_000)
    cells = [[dialog.models_table.item(r, c).text() for c in range(8)] for r in range(2)]
    assert cells[0][0] == "v2" and cells[0][4] == "0.774" and cells[0][7] == "✓"
    assert cells[1][0] == "v1" and cells[1][4] == "0.812" and cells[1][7] == ""
    rates = [dialog.rates_table.item(0, c).text() for c in range(6)]
    assert "商铺广场舞噪音" in rates[0] and rates[2:] == ["4", "3", "1", "75%"]
    if os.environ.get("COMMAND_CENTER_SHOTS"):
        dialog.grab().save(os.path.join(os.environ["COMMAND_CENTER_SHOTS"], "smart_dispatch.png"))

    dialog.models_table.selectRow(1)
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.activate_button.click()
    with db.sessions() as s:
        assert s.scalar(select(ClassifierModel.version).where(ClassifierModel.active)) == 1
        assert s.scalar(select(func.count()).where(AuditEntry.action == "classifier.activate")) == 1
    qtbot.waitUntil(lambda: dialog.models_table.item(1, 7).text() == "✓", timeout=10_000)

    dialog.auto_spin.setValue(85)
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.auto_button.click()
    with db.sessions() as s:
        assert s.get(AppSetting, "dispatch.auto_confidence").value == 0.85


def test_supervision_tab_edits_card_limits_and_points_and_refuses_red_not_above_yellow(
    qtbot, db, runner
) -> None:
    dialog = RulesDialog(runner, _user(db, "admin"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.limits_table.rowCount() >= 2, timeout=10_000)
    # the defaults: towns 1 / 2, functional departments 5 / 10 working days
    assert dialog.supervision_values()["orders.card_limits"]["town"] == [1, 2]
    assert dialog.supervision_values()["orders.card_limits"]["functional"] == [5, 10]
    assert dialog.point_spins["yellow"].value() == -5
    # a category's own limits, and more credit for a closure on time
    dialog._add_limit_row(None, "functional", 2, 4)
    dialog.limits_table.cellWidget(2, 0).setCurrentIndex(
        dialog.limits_table.cellWidget(2, 0).findData("0801")
    )
    dialog.point_spins["on_time"].setValue(2)
    # the score's scale: per hundred orders due, credit up to 10; made per 50 and up to 5
    assert (dialog.per_orders_spin.value(), dialog.credit_cap_spin.value()) == (100, 10)
    dialog.per_orders_spin.setValue(50)
    dialog.credit_cap_spin.setValue(5)
    with qtbot.waitSignal(dialog.sig_saved, timeout=10_000):
        dialog.save_supervision_button.click()
    with db.sessions() as s:
        limits = s.get(AppSetting, "orders.card_limits").value
        assert limits["categories"] == {"0801": {"functional": [2, 4]}}
        assert s.get(AppSetting, "orders.score_points").value["on_time"] == 2
        assert s.get(AppSetting, "orders.score_scale").value == {
            "per_orders": 50,
            "credit_cap": 5,
        }
    # red not above yellow: refused with the reason, nothing written
    qtbot.waitUntil(lambda: dialog.limits_table.rowCount() == 3, timeout=10_000)
    dialog.limits_table.cellWidget(0, 3).setValue(1)  # towns: yellow 1, red 1
    dialog.save_supervision_button.click()
    qtbot.waitUntil(lambda: "红牌时限须大于黄牌时限" in dialog.note.text(), timeout=10_000)
    with db.sessions() as s:
        assert s.get(AppSetting, "orders.card_limits").value["town"] == [1, 2]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_rules_dialog_fits_a_1366_wide_screen(qtbot, cc_app, db, runner, language) -> None:
    """Every tab's words wrap: the score's note once made the dialog 1,965 px wide in English."""
    try:
        cc_app.switch(language)
        dialog = RulesDialog(runner, _user(db, "admin"))
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.limits_table.rowCount() >= 2, timeout=10_000)
        assert dialog.minimumSizeHint().width() <= 1366
    finally:
        cc_app.switch("zh_CN")
