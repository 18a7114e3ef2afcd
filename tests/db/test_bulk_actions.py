"""One action on many rows, cut off by a lost connection: the operator is told exactly what was
done and what was not, and the database agrees."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from command_center.db.engine import make_engine
from command_center.models import Incident
from command_center.services import actions
from command_center.services.audit import Actor
from tests.conftest import make_new_incidents


@pytest.fixture
def engine(seeded_copy: str) -> Iterator[Engine]:
    eng = make_engine(seeded_copy)
    yield eng
    eng.dispose()


def _new_incidents(engine: Engine, n: int) -> list[Incident]:
    ids = make_new_incidents(engine, n)
    with Session(engine) as s:
        return list(s.query(Incident).filter(Incident.id.in_(ids)).order_by(Incident.id))


def test_a_lost_connection_stops_a_bulk_accept_and_says_what_was_done(engine: Engine) -> None:
    rows = _new_incidents(engine, 6)
    targets = [actions.Target("incident", r.id, r.version, r.number) for r in rows]
    other = make_engine(engine.url)
    with Session(engine) as s:
        pid = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
        s.rollback()

        def inputs(t: actions.Target) -> actions.Inputs:
            if t is targets[3]:  # the server goes away before the fourth
                with other.begin() as c:
                    c.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            return actions.Inputs()

        out = actions.run_bulk(s, Actor(None, "断线测试员"), "accept", targets, inputs)
    other.dispose()
    numbers = [t.number for t in targets]
    assert out.interrupted is not None and " / " in out.interrupted
    assert "3/6" in out.interrupted
    assert out.done == numbers[:3]
    assert out.not_done == numbers[3:]
    assert not out.unknown and not out.failed
    with Session(engine) as s:
        status = dict(
            s.execute(
                text("SELECT number, status FROM incidents WHERE id = ANY(:ids)"),
                {"ids": [t.id for t in targets]},
            ).all()
        )
        audited = s.execute(
            text(
                "SELECT count(*) FROM audit_log WHERE action = 'incident.accept' "
                "AND actor_name = '断线测试员' AND entity_id = ANY(:ids)"
            ),
            {"ids": [t.id for t in targets]},
        ).scalar_one()
    assert [status[n] for n in numbers] == ["accepted"] * 3 + ["new"] * 3
    assert audited == 3
