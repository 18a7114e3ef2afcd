"""The details panel shows a reporter masked; "show in full" asks why, and the database hands
over the name and phone and records who looked (services/personal.py, alembic 0006; the rules
themselves are tested in tests/db/test_personal_data.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from command_center.db.connection import Database
from command_center.db.engine import make_engine, make_session_factory
from command_center.services import auth, intake
from command_center.services import queue as svc
from command_center.services.audit import Actor
from command_center.services.auth import UserInfo
from command_center.views.queue.queue_view import IncidentQueueView
from command_center.workers.ops import OpsRunner
from tests.conftest import login_url

WAIT = 10_000


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


@pytest.fixture
def operator(db: Database) -> UserInfo:
    with db.sessions() as s:
        uid = s.execute(text("SELECT id FROM app_users WHERE username = 'zhiban1'")).scalar_one()
        return auth.user_info(s, uid)


@pytest.fixture
def operator_runner(db: Database, operator: UserInfo) -> Iterator[OpsRunner]:
    engine = make_engine(login_url(db.url, operator.username))
    runner = OpsRunner(make_session_factory(engine))
    yield runner
    runner.shutdown()
    engine.dispose()


def _call(db: Database, title: str, name: str, phone: str) -> int:
    with db.sessions() as s:
        return intake.create_incident(
            s,
            Actor(None, "系统"),
            intake.IncidentDraft(
                channel_code="hotline_12345", title=title, reporter_name=name,
                reporter_phone=phone, lon=100.81, lat=38.43,
            ),
        ).id


def test_a_reporter_is_masked_until_shown_for_a_reason(  # type: ignore[no-untyped-def]
    qtbot, cc_app, db, operator, operator_runner, monkeypatch
) -> None:
    first = _call(db, "路灯不亮", "王小明", "13912345678")
    second = _call(db, "井盖缺失", "李四", "13700001111")
    view = IncidentQueueView(operator_runner, None, operator)
    qtbot.addWidget(view)
    view.show()
    try:
        view.apply_filter(svc.QueueFilter(statuses=("new",)))
        qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading,
                        timeout=WAIT)
        details = view.details

        def showing(incident: int) -> bool:
            return details.details is not None and details.details.incident.id == incident

        view.select_incident(first)
        qtbot.waitUntil(lambda: showing(first), timeout=WAIT)
        facts = details.facts.text()
        assert "王*" in facts and "139****5678" in facts
        assert "13912345678" not in facts and "王小明" not in facts
        assert f"reveal:{first}" in facts
        # cancelled: nothing asked of the database
        monkeypatch.setattr(view, "ask_reveal_reason", lambda: None)
        details.facts.linkActivated.emit(f"reveal:{first}")
        qtbot.wait(300)
        assert "13912345678" not in details.facts.text()
        monkeypatch.setattr(view, "ask_reveal_reason", lambda: "回访来电人")
        details.facts.linkActivated.emit(f"reveal:{first}")
        qtbot.waitUntil(lambda: "13912345678" in details.facts.text(), timeout=WAIT)
        assert "王小明" in details.facts.text() and f"reveal:{first}" not in details.facts.text()
        # another incident: masked again, and so is the first when it comes back
        view.select_incident(second)
        qtbot.waitUntil(lambda: showing(second), timeout=WAIT)
        assert "137****1111" in details.facts.text() and "李*" in details.facts.text()
        view.select_incident(first)
        qtbot.waitUntil(lambda: showing(first), timeout=WAIT)
        assert "13912345678" not in details.facts.text()
    finally:
        view.shutdown()
    with db.sessions() as s:
        rows = s.execute(text(
            "SELECT actor_name, db_user, entity_id, reason FROM audit_log "
            "WHERE action = 'personal.reveal'"
        )).all()
    assert [tuple(r) for r in rows] == [
        (operator.display_name, "cc_u_zhiban1", first, "回访来电人")
    ]
