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
