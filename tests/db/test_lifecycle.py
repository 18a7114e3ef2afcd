"""The lifecycle's table against the state machine, and who may do what, on real PostgreSQL:
what the queue offers is exactly what the services accept; a department's handler cannot act on
another department's order; only an administrator changes the working rules and the tiles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.db.engine import make_engine
from command_center.models import AuditEntry, Incident, RoutingRule, WorkOrder
from command_center.services import actions, lifecycle, orders, routing, settings
from command_center.services.audit import Actor
from command_center.services.permissions import PermissionDenied
from command_center.services.queue import QueueError
from command_center.services.routing import RoutingError


@pytest.fixture
def engine(seeded_copy: str) -> Iterator[Engine]:
    eng = make_engine(seeded_copy)
    yield eng
    eng.dispose()


def _audit_count(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(AuditEntry)))


def _user(s: Session, where: str, **params: Any) -> Actor:
    row = s.execute(
        text(f"SELECT id, display_name FROM app_users WHERE {where} ORDER BY id LIMIT 1"), params
    ).one()
    return Actor(row.id, row.display_name)


def test_the_queue_can_run_every_action_of_the_lifecycle() -> None:
    assert set(actions.RUN) == {
        (kind, code) for kind in ("incident", "order") for code in lifecycle.ACTIONS[kind]
    }


def test_one_word_per_state() -> None:
    assert lifecycle.status_text("incident", "closed") == "已归档"
    assert lifecycle.status_text("order", "closed") == "已归档"
    assert lifecycle.status_text("incident", "accepted") == "已受理"
    assert lifecycle.status_text("order", "accepted") == "已签收"
    assert lifecycle.status_text("order", "accepted", "en") == "Signed for"
    assert lifecycle.action_label("order", "accept", "zh") == "签收"


# --- the allowed actions are exactly what the state machine accepts ----------------------------

_INCIDENT_ROW = {
    # new and accepted without orders, so dispatching is not limited by earlier rounds
    "new": "status = 'new' AND NOT EXISTS (SELECT 1 FROM work_orders o WHERE o.incident_id = i.id)",
    "accepted": (
        "status = 'accepted' AND NOT EXISTS (SELECT 1 FROM work_orders o "
        "WHERE o.incident_id = i.id)"
    ),
}
_ORDER_ROW = (
    "lead_order_id IS NULL AND dispatch_round = 1 AND status = :status AND NOT EXISTS "
    "(SELECT 1 FROM work_orders c WHERE c.lead_order_id = o.id)"
)


def _attempt(engine: Engine, kind: str, row_id: int, name: str, keep_id: int, dept: int) -> bool:
    """Run one action on the row inside a transaction that is rolled back: True if accepted."""
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            s = Session(bind=conn, join_transaction_mode="create_savepoint")
            model = Incident if kind == "incident" else WorkOrder
            row = s.get(model, row_id)
            assert row is not None
            target = actions.Target(kind, row.id, row.version, row.number)
            inputs = actions.Inputs(
                text="测试说明", department_id=dept, satisfaction=5, ok=True, keep_id=keep_id
            )
            try:
                actions.call(s, Actor(None, "测试"), target, name, inputs)
            except (orders.TransitionError, QueueError, RoutingError):
                return False
            return True
        finally:
            outer.rollback()


def test_allowed_actions_are_what_the_state_machine_accepts(engine: Engine) -> None:
    now = clock.now()
    checked = 0
    with Session(engine) as s:
        reopen_days = int(settings.get(s, "orders.reopen_days"))
        dept = s.scalar(text("SELECT id FROM departments WHERE active ORDER BY id LIMIT 1"))
        keep_id = s.scalar(text("SELECT id FROM incidents WHERE status = 'dispatched' LIMIT 1"))
        rows: list[tuple[str, Any, list[str]]] = []
        for status in lifecycle.status_codes("incident"):
            where = _INCIDENT_ROW.get(status, "status = :status")
            iid = s.scalar(
                text(f"SELECT id FROM incidents i WHERE {where} ORDER BY id LIMIT 1"),
                {"status": status},
            )
            if iid is None:
                continue
            inc = s.get(Incident, iid)
            allowed = lifecycle.allowed_actions("incident", inc, now, reopen_days=reopen_days)
            rows.append(("incident", inc, allowed))
        for status in lifecycle.status_codes("order"):
            oid = s.scalar(
                text(f"SELECT id FROM work_orders o WHERE {_ORDER_ROW} ORDER BY id LIMIT 1"),
                {"status": status},
            )
            if oid is None:
                continue
            order = s.get(WorkOrder, oid)
            rows.append(("order", order, lifecycle.allowed_actions("order", order, now)))
        found = {(k, r.status) for k, r, _ in rows}
    assert len(found) >= 12  # most states of both kinds are in the demo county
    for kind, row, allowed in rows:
        for name in lifecycle.ACTIONS[kind]:  # type: ignore[index]
            if kind == "incident" and name == "merge" and row.id == keep_id:
                continue
            done = _attempt(engine, kind, row.id, name, keep_id, dept)
            assert done == (name in allowed), (kind, row.status, name, allowed)
            checked += 1
    assert checked >= 80


# --- who may do what ---------------------------------------------------------------------------


def test_a_handler_of_another_department_cannot_sign_for_or_resolve_an_order(
    engine: Engine,
) -> None:
    with Session(engine) as s:
        waiting = s.scalars(select(WorkOrder).where(WorkOrder.status == "dispatched")).first()
        working = s.scalars(select(WorkOrder).where(WorkOrder.status == "in_progress")).first()
        assert waiting is not None and working is not None
        stranger = _user(
            s,
            "role_code = 'dept_handler' AND active AND department_id <> :a "
            "AND department_id <> :b",
            a=waiting.department_id,
            b=working.department_id,
        )
        own = _user(
            s, "role_code = 'dept_handler' AND active AND department_id = :d",
            d=waiting.department_id,
        )  # fmt: skip
        before = _audit_count(s)
        versions = (waiting.version, working.version)
    for act in (
        lambda s: orders.accept_order(s, stranger, waiting.id),
        lambda s: orders.resolve_order(s, stranger, working.id, "已处理完毕"),
        lambda s: orders.report_progress(s, stranger, working.id, "正在处理"),
    ):
        with Session(engine) as s, pytest.raises(PermissionDenied, match="不属于本部门"):
            act(s)
    with Session(engine) as s:
        assert s.get(WorkOrder, waiting.id).status == "dispatched"
        assert s.get(WorkOrder, working.id).status == "in_progress"
        assert (s.get(WorkOrder, waiting.id).version, s.get(WorkOrder, working.id).version) == (
            versions
        )
        assert _audit_count(s) == before  # nothing audited
        # a handler of the order's own department signs for it
        assert orders.accept_order(s, own, waiting.id).status == "accepted"


def test_the_center_cannot_do_a_departments_part_nor_a_department_the_centers(
    engine: Engine,
) -> None:
    with Session(engine) as s:
        operator = _user(s, "username = 'zhiban1'")
        order = s.scalars(select(WorkOrder).where(WorkOrder.status == "dispatched")).first()
        inc = s.scalars(select(Incident).where(Incident.status == "in_progress")).first()
        handler = _user(s, "role_code = 'dept_handler' AND active")
        before = _audit_count(s)
    with Session(engine) as s, pytest.raises(PermissionDenied):
        orders.accept_order(s, operator, order.id)
    with Session(engine) as s, pytest.raises(PermissionDenied):
        orders.answer_reporter(s, handler, inc.id, "已转交有关部门")
    with Session(engine) as s:
        assert _audit_count(s) == before
        assert lifecycle.allowed_actions("incident", inc, role="dept_handler") == []
        assert "accept" not in lifecycle.allowed_actions("order", order, role="duty_operator")


def test_only_an_administrator_changes_the_rules_and_the_tiles(engine: Engine) -> None:
    with Session(engine) as s:
        operator = _user(s, "username = 'zhiban1'")
        admin = _user(s, "role_code = 'admin' AND active")
        leaf = s.scalar(text("SELECT code FROM categories WHERE level = 3 ORDER BY code LIMIT 1"))
        dept = s.scalar(text("SELECT id FROM departments WHERE active ORDER BY id LIMIT 1"))
        rules = s.scalar(select(func.count()).select_from(RoutingRule))
        before = _audit_count(s)
    with Session(engine) as s, pytest.raises(PermissionDenied, match="administrator"):
        routing.save_rule(s, operator, category_code=leaf, department_id=dept, note="值班员改")
    with Session(engine) as s, pytest.raises(PermissionDenied):
        settings.set_value(s, operator, "map.tiles", {"url": "http://x/{z}/{x}/{y}.png"})
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(RoutingRule)) == rules
        assert settings.get(s, "map.tiles") is None
        assert _audit_count(s) == before
        routing.save_rule(s, admin, category_code=leaf, department_id=dept, note="管理员改")
        assert _audit_count(s) == before + 1
