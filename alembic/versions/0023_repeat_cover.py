"""supervision: a later repeat proposal covers the earlier orders; the live automatic steps indexed

``cc_reporter_repeats`` (0021) answered nothing for a reporter's recurring problem when another
order of the same phone and category reported within the 30 days *before* the newest given order
had a repeat proposal; one reported *after* it did not count. The incremental sweep only asks
about orders newer than all before, so it never mattered there; a full sweep (new rules, or the
first after a demo seed, which now asks about every open order) asked again about the older open
orders of a problem whose newest order had just been proposed, and proposed them too. A
proposal on any order of the problem reported after ``reported_at - days`` now covers it — as
the sweep's grid rule does (services/supervision.py, ``_GRID_REPEATS_SQL``). Same signature,
same guard, still never the phone.

``ix_supervision_orders_live_auto``: the automatic supervision and proposals still waiting,
by order. A full sweep closes those of orders no longer open; it read all of the year's
supervision for them (370,000 rows at scale 16, 0.1-0.6 s), and now reads the few thousand.

``ix_incidents_grid_category_reported`` (0010) only for the reports that are no duplicate, as
the sweep's grid rule counts them: the count of each order's reports in its grid reads the
index alone (an index-only scan where the table is vacuumed) instead of each report's row to
see whether it is a duplicate — half the time of the repeat rule over the scale-16 county's
18,088 open orders.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUARD = """
    IF coalesce(cc_my_role(), '') NOT IN ('duty_operator', 'supervisor', 'admin')
       AND session_user IN (SELECT db_login FROM app_users) THEN
        RAISE EXCEPTION 'cc: 无权查询重复来电 / not allowed to look up repeated reporters'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
"""


def _function(covered_until: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION cc_reporter_repeats(p_orders bigint[], p_days int, p_count int)
RETURNS TABLE(work_order_id bigint, reports int)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
{GUARD}
    RETURN QUERY
    WITH hit AS (
        SELECT w.id, i.reporter_phone, i.category_code, i.reported_at, n.reports
        FROM work_orders w JOIN incidents i ON i.id = w.incident_id
        CROSS JOIN LATERAL (
            SELECT count(*) AS reports FROM incidents j
            WHERE j.reporter_phone = i.reporter_phone AND j.category_code = i.category_code
              AND j.reported_at > i.reported_at - make_interval(days => p_days)
              AND j.reported_at <= i.reported_at) n
        WHERE w.id = ANY(p_orders) AND i.reporter_phone IS NOT NULL AND i.reporter_phone <> ''
          AND i.category_code IS NOT NULL AND n.reports >= p_count
    ), newest AS (
        SELECT DISTINCT ON (h.reporter_phone, h.category_code) h.* FROM hit h
        ORDER BY h.reporter_phone, h.category_code, h.reported_at DESC, h.id DESC
    )
    SELECT n.id, n.reports::int FROM newest n
    WHERE NOT EXISTS (
        SELECT 1 FROM incidents j JOIN work_orders wj ON wj.incident_id = j.id
        JOIN supervision_orders s ON s.work_order_id = wj.id
        WHERE j.reporter_phone = n.reporter_phone AND j.category_code = n.category_code
          AND j.reported_at > n.reported_at - make_interval(days => p_days){covered_until}
          AND wj.id <> n.id AND s.level = 'listed' AND s.stage = 'repeat');
END $$;
"""


def _grid_index(where: str | None) -> None:
    op.drop_index("ix_incidents_grid_category_reported", table_name="incidents")
    op.create_index(
        "ix_incidents_grid_category_reported",
        "incidents",
        ["grid_id", "category_code", "reported_at"],
        postgresql_where=sa.text(where) if where else None,
    )


def upgrade() -> None:
    op.execute(_function(""))
    _grid_index("duplicate_of_id IS NULL")
    op.create_index(
        "ix_supervision_orders_live_auto",
        "supervision_orders",
        ["work_order_id"],
        postgresql_where=sa.text(
            "kind IN ('auto', 'proposal') "
            "AND status IN ('proposed', 'open', 'acknowledged', 'responded')"
        ),
    )


def downgrade() -> None:
    _grid_index(None)
    op.drop_index("ix_supervision_orders_live_auto", table_name="supervision_orders")
    op.execute(_function("\n          AND j.reported_at <= n.reported_at"))
