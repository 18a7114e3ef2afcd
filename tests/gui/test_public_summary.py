"""公开摘要: the center approves what the public Open311 list shows of an incident, from the
details panel; a department cannot."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.services import open311_api
from command_center.services.audit import Actor
from command_center.services.permissions import PermissionDenied
from tests.conftest import make_new_incidents as _make_new
from tests.gui.test_handback_verify import _center_view
from tests.gui.test_incident_links import _button
from tests.gui.test_queue_trial import WAIT, _user


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def test_the_center_approves_the_public_summary_and_a_department_cannot(
    qtbot, cc_app, db, runner, live, other_engine
) -> None:
    (inc_id,) = _make_new(other_engine, 1)
    view = _center_view(qtbot, db, runner, live, inc_id)
    assert "公众只看到分类名称" in view.details.facts.text()  # not approved yet
    asked: list[str] = []

    def answer(current: str) -> str:
        asked.append(current)
        return "东街路口路灯不亮，已安排维修"

    view.ask_public_summary = answer  # type: ignore[method-assign]
    # the button of the details shown (Qt shows a new button from the event loop)
    qtbot.waitUntil(lambda: _button(view, "detailsPublicSummary") is not None, timeout=WAIT)
    button = _button(view, "detailsPublicSummary")
    assert button is not None
    button.click()
    with other_engine.begin() as c:
        qtbot.waitUntil(
            lambda: (
                c.execute(
                    text("SELECT public_summary FROM incidents WHERE id = :i"), {"i": inc_id}
                ).scalar_one()
                == "东街路口路灯不亮，已安排维修"
            ),
            timeout=WAIT,
        )
        entry = c.execute(
            text(
                "SELECT actor_name FROM audit_log WHERE entity_type = 'incident' "
                "AND entity_id = :i AND action = 'incident.public_summary'"
            ),
            {"i": inc_id},
        ).scalar_one()
    assert entry == view.user.display_name
    # offered from the category and town, never the caller's words
    inc = view.details.details.incident
    assert asked and inc.category_name in asked[0] and inc.title not in asked[0]
    qtbot.waitUntil(lambda: "已安排维修" in view.details.facts.text(), timeout=WAIT)
    view.shutdown()
    police = _user(db, "bm_police")
    with Session(other_engine) as s, pytest.raises(PermissionDenied):
        open311_api.set_public_summary(
            s, Actor(police.id, police.display_name), inc_id, "部门自己写的"
        )
