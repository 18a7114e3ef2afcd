"""supervision: one repeat proposal per recurring problem of one reporter

``cc_reporter_repeats(orders, days, count)`` (0017) answered for each given order whose reporter
(by phone) reported the same category ``count`` times in ``days`` days, so a reporter's tenth
call about one problem made a tenth proposal. It now answers once per recurring problem (phone
and category) among the given orders, for the newest of them, and not at all when another order
of the same reporter and problem within that order's window already has a repeat proposal
(pending, accepted or declined) — as the sweep's grid rule does (services/supervision.py,
``_GRID_REPEATS_SQL``). Same signature, same guard, still never the phone.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 10:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUARD = """
    IF coalesce(cc_my_role(), '') NOT IN ('duty_operator', 'supervisor', 'admin')
       AND session_user IN (SELECT db_login FROM app_users) THEN
        RAISE EXCEPTION 'cc: 无权查询重复来电 / not allowed to look up repeated reporters'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
"""

GROUPED = f"""
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
          AND j.reported_at > n.reported_at - make_interval(days => p_days)
          AND j.reported_at <= n.reported_at AND wj.id <> n.id
          AND s.level = 'listed' AND s.stage = 'repeat');
END $$;
"""

PER_ORDER = f"""
CREATE OR REPLACE FUNCTION cc_reporter_repeats(p_orders bigint[], p_days int, p_count int)
RETURNS TABLE(work_order_id bigint, reports int)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
{GUARD}
    RETURN QUERY
    SELECT w.id, n.reports::int
    FROM work_orders w JOIN incidents i ON i.id = w.incident_id
    CROSS JOIN LATERAL (
        SELECT count(*) AS reports FROM incidents j
        WHERE j.reporter_phone = i.reporter_phone AND j.category_code = i.category_code
          AND j.reported_at > i.reported_at - make_interval(days => p_days)
          AND j.reported_at <= i.reported_at) n
    WHERE w.id = ANY(p_orders) AND i.reporter_phone IS NOT NULL AND i.reporter_phone <> ''
      AND i.category_code IS NOT NULL AND n.reports >= p_count;
END $$;
"""


def upgrade() -> None:
    op.execute(GROUPED)


def downgrade() -> None:
    op.execute(PER_ORDER)
