"""analysis: a daily summary of work orders per department (order_daily)

- ``order_daily``: per department and day of dispatch (Beijing time), the orders that are not
  cancelled, with the measures of services/analysis.ORDER_MEASURES that do not depend on the
  moment they are read: received, resolved, resolved on time, resolved late, returned (or
  objected), second dispatch, rated at the return visit and satisfied (4 or 5). What depends on
  the moment — an open order past its deadline — is counted live from the open orders (the
  partial index ``ix_work_orders_open_deadline``), so ``overdue = late + open past deadline``.
- Kept like ``incident_daily`` (0013): statement-level triggers with transition tables on
  ``work_orders`` (insert, update, delete) add the new rows and subtract the old ones in the
  transaction of the change. The satisfaction is the incident's: a statement-level trigger on
  ``incidents`` moves the rated/satisfied counts of an incident's orders when its rating changes,
  and a row-level BEFORE DELETE trigger takes them out before a deleted incident's orders go
  with it (the orders' own delete trigger no longer finds the incident, so counts no rating).
  ``cc_order_daily_rebuild()`` makes it anew and is run here for the orders already there.
- Row-level security and grants as ``incident_daily``: the center's logins read it; nobody
  writes it but its triggers.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
CENTER_GROUP = "cc_center"
MEASURES = ("received", "resolved", "on_time", "late", "returned", "second_dispatch", "rated",
            "satisfied")

# one order's contribution (o: the order, i: its incident, LEFT JOINed: NULL once deleted)
ORDER_ROWS = """SELECT o.department_id,
    (o.dispatched_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
    {sign} AS received,
    {sign} * (o.resolved_at IS NOT NULL)::int AS resolved,
    {sign} * (o.resolved_at IS NOT NULL AND o.resolved_at <= o.deadline_at)::int AS on_time,
    {sign} * (o.resolved_at IS NOT NULL AND o.resolved_at > o.deadline_at)::int AS late,
    {sign} * (o.status IN ('returned', 'objected'))::int AS returned,
    {sign} * (o.dispatch_round >= 2)::int AS second_dispatch,
    {sign} * (i.satisfaction IS NOT NULL)::int AS rated,
    {sign} * (coalesce(i.satisfaction, 0) >= 4)::int AS satisfied
    FROM {source} o LEFT JOIN incidents i ON i.id = o.incident_id
    WHERE o.status <> 'cancelled'"""

# an incident's rating changed (or it is deleted): its orders' rated/satisfied move
RATING_ROWS = """SELECT o.department_id,
    (o.dispatched_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
    0 AS received, 0 AS resolved, 0 AS on_time, 0 AS late, 0 AS returned, 0 AS second_dispatch,
    (n.satisfaction IS NOT NULL)::int - (d.satisfaction IS NOT NULL)::int AS rated,
    (coalesce(n.satisfaction, 0) >= 4)::int - (coalesce(d.satisfaction, 0) >= 4)::int
        AS satisfied
    FROM {pairs} JOIN work_orders o ON o.incident_id = d.id
    WHERE o.status <> 'cancelled'"""


def _upsert(rows: str) -> str:
    sums = ", ".join(f"sum(x.{m})" for m in MEASURES)
    nonzero = " OR ".join(f"sum(x.{m}) <> 0" for m in MEASURES)
    adds = ", ".join(f"{m} = d.{m} + EXCLUDED.{m}" for m in MEASURES)
    return f"""
        INSERT INTO order_daily AS d (department_id, day, {", ".join(MEASURES)})
        SELECT x.department_id, x.day, {sums} FROM ({rows}) x
        GROUP BY 1, 2 HAVING {nonzero}
        ON CONFLICT (day, department_id) DO UPDATE SET {adds};"""


SQL = f"""
CREATE FUNCTION cc_order_daily() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_upsert(ORDER_ROWS.format(sign=1, source="new_rows"))}
    ELSIF TG_OP = 'DELETE' THEN
        {_upsert(ORDER_ROWS.format(sign=-1, source="old_rows"))}
    ELSE
        {_upsert(ORDER_ROWS.format(sign=1, source="new_rows") + " UNION ALL "
                 + ORDER_ROWS.format(sign=-1, source="old_rows"))}
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION cc_order_daily_rating() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
    {_upsert(RATING_ROWS.format(
        pairs="old_rows d JOIN new_rows n ON n.id = d.id "
              "AND n.satisfaction IS DISTINCT FROM d.satisfaction"))}
    RETURN NULL;
END $$;

CREATE FUNCTION cc_order_daily_incident_gone() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF OLD.satisfaction IS NOT NULL THEN
        {_upsert(RATING_ROWS.format(
            pairs="(SELECT OLD.id, OLD.satisfaction) d (id, satisfaction) "
                  "CROSS JOIN (SELECT NULL::smallint AS satisfaction) n"))}
    END IF;
    RETURN OLD;
END $$;

CREATE FUNCTION cc_order_daily_rebuild() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE k bigint;
BEGIN
    DELETE FROM order_daily;
    {_upsert(ORDER_ROWS.format(sign=1, source="work_orders"))}
    GET DIAGNOSTICS k = ROW_COUNT;
    RETURN k;
END $$;

CREATE TRIGGER cc_order_daily_insert AFTER INSERT ON work_orders
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cc_order_daily();
CREATE TRIGGER cc_order_daily_update AFTER UPDATE ON work_orders
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_order_daily();
CREATE TRIGGER cc_order_daily_delete AFTER DELETE ON work_orders
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cc_order_daily();
CREATE TRIGGER cc_order_daily_rating AFTER UPDATE ON incidents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_order_daily_rating();
CREATE TRIGGER cc_order_daily_incident_gone BEFORE DELETE ON incidents
    FOR EACH ROW EXECUTE FUNCTION cc_order_daily_incident_gone();
"""

FUNCTIONS = ("cc_order_daily()", "cc_order_daily_rating()", "cc_order_daily_incident_gone()",
             "cc_order_daily_rebuild()")


def upgrade() -> None:
    op.create_table(
        "order_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("department_id", sa.BigInteger(), nullable=False),
        *(sa.Column(m, sa.Integer(), nullable=False, server_default="0") for m in MEASURES),
        sa.PrimaryKeyConstraint("day", "department_id", name=op.f("pk_order_daily")),
    )
    op.execute(SQL)
    op.execute("SELECT cc_order_daily_rebuild()")
    for fn in FUNCTIONS:
        op.execute(f"REVOKE EXECUTE ON FUNCTION {fn} FROM PUBLIC")
    op.execute("ALTER TABLE order_daily ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE order_daily FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY cc_read ON order_daily FOR SELECT TO {CENTER_GROUP} USING (true)")
    for action in ("INSERT", "UPDATE", "DELETE"):
        check = "WITH CHECK (false)" if action == "INSERT" else "USING (false)"
        op.execute(f"CREATE POLICY cc_{action.lower()} ON order_daily FOR {action} "
                   f"TO {APP_ROLE} {check}")
    op.execute("REVOKE ALL ON order_daily FROM PUBLIC")
    op.execute(f"GRANT SELECT ON order_daily TO {APP_ROLE}")
    op.execute("""
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('CREATE POLICY cc_owner ON order_daily TO %I USING (true) '
                       'WITH CHECK (true)', current_user);
    END IF;
END $$;
""")


def downgrade() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER cc_order_daily_{event} ON work_orders")
    op.execute("DROP TRIGGER cc_order_daily_rating ON incidents")
    op.execute("DROP TRIGGER cc_order_daily_incident_gone ON incidents")
    for fn in FUNCTIONS:
        op.execute(f"DROP FUNCTION {fn}")
    op.drop_table("order_daily")
