"""最新动态 for a department: its own work, never the center's internal traffic (the duty log,
other departments' replies) — issue 10, bug 14. The database's policies decide (alembic 0005);
this reads the feed as the program does, as the handler's own login."""

from __future__ import annotations

import psycopg

from command_center.db.engine import libpq_url, make_engine, make_session_factory
from command_center.services import activity
from tests.conftest import login_url
from tests.db.test_security import POLICE, admin_one


def test_a_departments_feed_holds_only_its_own_work(seeded_copy: str) -> None:
    police = admin_one(seeded_copy, "SELECT department_id FROM app_users WHERE username = %s",
                       POLICE)
    with psycopg.connect(libpq_url(seeded_copy), autocommit=True) as conn:
        # the center's internal traffic, newest of all
        conn.execute("INSERT INTO audit_log (actor_name, action, entity_type, summary) "
                     "VALUES ('王丽娟', 'duty_log.add', 'duty_log', '值班日志：交接班正常')")
        other_order = conn.execute(
            "SELECT id FROM work_orders WHERE department_id <> %s AND lead_order_id IS NULL "
            "ORDER BY id DESC LIMIT 1", (police,)
        ).fetchone()
        assert other_order is not None
        conn.execute(
            "INSERT INTO audit_log (actor_name, action, entity_type, entity_id, summary) "
            "VALUES ('李强', 'order.resolve', 'work_order', %s, '住建局办结回复')",
            (other_order[0],),
        )
    engine = make_engine(login_url(seeded_copy, POLICE))
    try:
        with make_session_factory(engine)() as s:
            items = activity.recent(s, limit=500)
    finally:
        engine.dispose()
    assert items, "the police see their own orders' work"
    summaries = {i.summary for i in items}
    assert "值班日志：交接班正常" not in summaries and "住建局办结回复" not in summaries
    # (its own requests for more time are its own work: the demo county's year has some)
    own = {"incident", "work_order", "user", "deadline_extension"}
    assert {i.entity_type for i in items} <= own
    with psycopg.connect(libpq_url(seeded_copy)) as conn:
        handler = conn.execute(
            "SELECT id FROM app_users WHERE username = %s", (POLICE,)
        ).fetchone()[0]
        for item in items:
            if item.entity_type == "deadline_extension":
                actor = conn.execute(
                    "SELECT actor_id FROM audit_log WHERE id = %s", (item.id,)
                ).fetchone()[0]
                assert actor == handler, item
    with psycopg.connect(libpq_url(seeded_copy)) as conn:
        for item in items:
            if item.entity_type == "work_order":
                dept, lead = conn.execute(
                    "SELECT department_id, cc_order_department(lead_order_id) FROM work_orders "
                    "WHERE id = %s", (item.entity_id,)
                ).fetchone()
                assert police in (dept, lead), item
