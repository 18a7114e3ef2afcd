"""supervision: a repeat proposal on a later order covers the earlier orders of its problem

``cc_reporter_repeats`` (0021) answered nothing for a reporter's recurring problem when another
order of the same phone and category reported within the 30 days *before* the newest given order
had a repeat proposal; one reported *after* it did not count. The incremental sweep only asks
about orders newer than all before, so it never mattered there; a full sweep (new rules, or the
first after a demo seed, which now asks about every open order) asked again about the older open
orders of a problem whose newest order had just been proposed, and proposed them too. A
proposal on any order of the problem reported after ``reported_at - days`` now covers it — as
the sweep's grid rule does (services/supervision.py, ``_GRID_REPEATS_SQL``). Same signature,
same guard, still never the phone.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

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


def upgrade() -> None:
    op.execute(_function(""))


def downgrade() -> None:
    op.execute(_function("\n          AND j.reported_at <= n.reported_at"))
