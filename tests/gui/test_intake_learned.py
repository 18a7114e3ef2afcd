"""The intake form shows the learned suggestion (智能派单) beside the rules', with its reasons,
and one key takes its category."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, text

from command_center import clock
from command_center.db.connection import Database
from command_center.models import ClassifierModel
from command_center.services import auth, classifier
from command_center.services import learned_routing as lr
from command_center.views.intake import IntakeFormView

# COMMAND_CENTER_SHOTS=docs/screenshots keeps the picture for the README
SHOTS = os.environ.get("COMMAND_CENTER_SHOTS")


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def _store_model(db: Database) -> None:
    """A model of the county's closed incidents stored as an administrator's training would
    (without the cross-validation, which the service's own test covers)."""
    with db.sessions() as s:
        samples = lr.training_samples(s)
        parents, names = lr._tree(s)
        model = classifier.train(samples, parents=parents, names=names)
        data = model.dumps()
        s.add(
            ClassifierModel(
                version=1,
                created_at=clock.now(),
                trained_on=model.trained_on,
                train_s=0,
                macro_f1=0.9,
                accuracy=0.9,
                department_macro_f1=0.9,
                metrics={},
                active=True,
                sha256=hashlib.sha256(data).hexdigest(),
                library="test",
                model=data,
            )
        )
        s.commit()


def test_intake_form_shows_the_learned_suggestion_and_one_key_takes_it(
    qtbot,
    runner,
    db: Database,
    cc_app,
    type_text,  # type: ignore[no-untyped-def]
) -> None:
    _store_model(db)
    with db.sessions() as s:
        operator = next(u for u in auth.list_users(s) if u.username == "zhiban1")
        leaf = s.execute(
            text("SELECT c.code, c.name FROM categories c WHERE c.name = '商铺广场舞噪音'")
        ).one()
        assert s.scalar(select(ClassifierModel.active)) is True
    view = IntakeFormView(runner, operator)
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    qtbot.waitUntil(lambda: view.channel.count() > 0, timeout=10_000)
    type_text(view.title_edit, "广场舞音响太吵")
    type_text(view.description, "每天晚上广场舞音响声音特别大，吵得孩子没法写作业，老人睡不着")
    qtbot.waitUntil(lambda: view.learned_label.isVisible(), timeout=20_000)
    shown = view.learned_label.text()
    assert "v1" in shown and leaf.name in shown and "%" in shown
    assert "广场舞" in shown  # a reason: the words that drove it
    assert "局" in shown  # a department
    assert view.category.code() is None
    assert view.learned_button.isVisible()
    if SHOTS:
        view.grab().save(str(Path(SHOTS) / "intake_learned.png"))

    qtbot.keyClick(
        view.title_edit,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert view.category.code() == leaf.code
    # the rules' suggestion follows the category now chosen
    qtbot.waitUntil(lambda: "局" in view.routing_label.text(), timeout=10_000)
    assert not view.learned_button.isVisible()


def test_dispatch_dialog_keeps_the_rule_first_and_one_key_takes_the_learned_department(
    qtbot,
    cc_app,  # type: ignore[no-untyped-def]
) -> None:
    from types import SimpleNamespace

    from command_center.services.routing import Suggestion
    from command_center.views.queue.action_dialogs import DispatchDialog

    learned = SimpleNamespace(
        department_id=2,
        department_name="县司法局",
        department_confidence=0.87,
        department_reasons=["<b>调解</b>", "纠纷"],
    )
    rule = Suggestion(1, "县公安局", "派单规则：「电信诈骗」由县公安局办理", 5)
    d = DispatchDialog(
        [(1, "县公安局", "County Public Security Bureau"), (2, "县司法局", None)],
        rule,
        learned=learned,
    )
    qtbot.addWidget(d)
    d.show()
    assert d.dept.currentData() == 1  # the rule's department stays preselected
    assert "县司法局" in d.learned.text() and "87%" in d.learned.text()
    assert "<b>调解</b>" in d.learned.text()  # shown as typed, not as markup
    from PySide6.QtGui import QShortcut

    # offscreen, a dialog's key does not reach its shortcut (as tests/gui/test_queue_views)
    bound = {k.key().toString(): k for k in d.findChildren(QShortcut)}
    bound["Ctrl+Shift+L"].activated.emit()
    assert d.dept.currentData() == 2
