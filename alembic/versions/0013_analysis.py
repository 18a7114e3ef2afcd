"""analysis: joint meetings (联席会议) with their minutes, attendees and decisions

- ``meetings``: a daily analysis, weekly joint handling, monthly review or joint meeting, when
  it was held, who attended, the minutes (纪要).
- ``meeting_decisions``: a decision, issued on the spot as a work order or a supervision order
  to a department (linked), or only recorded; whether it was carried out is read from the order.
- Row-level security and grants as in 0005 and 0011: the center's logins (the analyst among
  them) read; the duty desk, supervisors and administrators write; administrators delete. A
  department's handler sees neither table. Both are announced on the change channel.
- ``incident_daily``: counted incidents (not merged) per day of report (Beijing time) and
  resolved or not, in total and per town, village, grid, category and channel (one dimension a
  row: 40,000 rows a year at a million incidents, where every combination would be as many
  rows as incidents), kept by statement-level triggers on
  ``incidents`` (transition tables: a COPY or an import of thousands is one upsert) in the
  transaction of the change, so it always equals the GROUP BY it replaces
  (services/analysis.py reads it for whole days); ``cc_incident_daily_rebuild()`` makes it anew
  and is run here for the incidents already there. The center's logins read it.
- ``ix_work_orders_dispatched_at``: the analysis counts a department's orders by when they were
  dispatched.

(The early warnings' dismissals need no table: each is an audit entry,
services/analysis.DISMISS_ACTION.)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
CENTER_GROUP = "cc_center"
CENTER_WRITE = "(SELECT cc_my_role()) IN ('duty_operator', 'supervisor', 'admin')"
ADMIN = "(SELECT cc_my_role()) = 'admin'"

# table: (select group, select, insert, update, delete) as in 0005
POLICIES = {
    "incident_daily": (CENTER_GROUP, "true", "false", "false", "false"),
    "meetings": (CENTER_GROUP, "true", CENTER_WRITE, CENTER_WRITE, ADMIN),
    "meeting_decisions": (CENTER_GROUP, "true", CENTER_WRITE, CENTER_WRITE, ADMIN),
}


DAILY_ROWS = """SELECT (r.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
    r.status IN ('resolved', 'verified', 'closed') AS resolved, {sign} AS delta,
    coalesce(r.town_id::text, '') AS town, coalesce(r.village_id::text, '') AS village,
    coalesce(r.grid_id::text, '') AS grid, coalesce(r.category_code, '') AS category,
    r.channel_code AS channel
    FROM {source} r WHERE r.status <> 'merged'"""


def _daily_upsert(rows: str) -> str:
    return f"""
        INSERT INTO incident_daily AS d (day, dim, key, resolved, n)
        SELECT x.day, v.dim, v.key, x.resolved, sum(x.delta) FROM ({rows}) x
        CROSS JOIN LATERAL (VALUES ('all', ''), ('town', x.town), ('village', x.village),
            ('grid', x.grid), ('category', x.category), ('channel', x.channel)) v (dim, key)
        GROUP BY 1, 2, 3, 4 HAVING sum(x.delta) <> 0
        ON CONFLICT (dim, day, key, resolved) DO UPDATE SET n = d.n + EXCLUDED.n;"""


DAILY_SQL = f"""
CREATE FUNCTION cc_incident_daily() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_daily_upsert(DAILY_ROWS.format(sign=1, source="new_rows"))}
    ELSIF TG_OP = 'DELETE' THEN
        {_daily_upsert(DAILY_ROWS.format(sign=-1, source="old_rows"))}
    ELSE
        {_daily_upsert(DAILY_ROWS.format(sign=1, source="new_rows") + " UNION ALL "
                       + DAILY_ROWS.format(sign=-1, source="old_rows"))}
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION cc_incident_daily_rebuild() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE k bigint;
BEGIN
    DELETE FROM incident_daily;
    {_daily_upsert(DAILY_ROWS.format(sign=1, source="incidents"))}
    GET DIAGNOSTICS k = ROW_COUNT;
    RETURN k;
END $$;

CREATE TRIGGER cc_incident_daily_insert AFTER INSERT ON incidents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cc_incident_daily();
CREATE TRIGGER cc_incident_daily_update AFTER UPDATE ON incidents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_incident_daily();
CREATE TRIGGER cc_incident_daily_delete AFTER DELETE ON incidents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cc_incident_daily();
"""


def _owner_policies(tables: Sequence[str]) -> str:
    names = ", ".join(f"'{t}'" for t in tables)
    return f"""
DO $$
DECLARE t text;
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        FOREACH t IN ARRAY ARRAY[{names}] LOOP
            EXECUTE format('CREATE POLICY cc_owner ON %I TO %I USING (true) WITH CHECK (true)',
                           t, current_user);
        END LOOP;
    END IF;
END $$;
"""


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=12), server_default="joint", nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attendees", sa.Text(), server_default="", nullable=False),
        sa.Column("minutes", sa.Text(), server_default="", nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.CheckConstraint("kind IN ('daily','weekly','monthly','joint')",
                           name=op.f("ck_meetings_kind_valid")),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_users.id"],
                                name=op.f("fk_meetings_created_by_id_app_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    op.create_index(op.f("ix_meetings_held_at"), "meetings", ["held_at"])
    op.create_table(
        "meeting_decisions",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("meeting_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("department_id", sa.BigInteger(), nullable=True),
        sa.Column("incident_id", sa.BigInteger(), nullable=True),
        sa.Column("work_order_id", sa.BigInteger(), nullable=True),
        sa.Column("supervision_order_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('work_order','supervision','note')",
                           name=op.f("ck_meeting_decisions_kind_valid")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="CASCADE",
                                name=op.f("fk_meeting_decisions_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name=op.f("fk_meeting_decisions_department_id_departments")),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"],
                                name=op.f("fk_meeting_decisions_incident_id_incidents")),
        sa.ForeignKeyConstraint(["work_order_id"], ["work_orders.id"],
                                name=op.f("fk_meeting_decisions_work_order_id_work_orders")),
        sa.ForeignKeyConstraint(
            ["supervision_order_id"], ["supervision_orders.id"],
            name=op.f("fk_meeting_decisions_supervision_order_id_supervision_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_decisions")),
    )
    op.create_index(op.f("ix_meeting_decisions_meeting_id"), "meeting_decisions", ["meeting_id"])
    op.create_table(
        "incident_daily",
        sa.Column("dim", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dim", "day", "key", "resolved", name=op.f("pk_incident_daily")),
    )
    op.execute(DAILY_SQL)
    op.execute("SELECT cc_incident_daily_rebuild()")
    for fn in ("cc_incident_daily()", "cc_incident_daily_rebuild()"):
        op.execute(f"REVOKE EXECUTE ON FUNCTION {fn} FROM PUBLIC")
    # the analysis counts a department's orders by when they were dispatched
    op.create_index(op.f("ix_work_orders_dispatched_at"), "work_orders", ["dispatched_at"])
    for table in ("meetings", "meeting_decisions"):
        op.execute(
            f"CREATE TRIGGER cc_notify_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION cc_notify_change()"
        )
    for table, (group, read, insert, update, delete) in POLICIES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY cc_read ON {table} FOR SELECT TO {group} USING ({read})")
        op.execute(f"CREATE POLICY cc_insert ON {table} FOR INSERT TO {APP_ROLE} "
                   f"WITH CHECK ({insert})")
        op.execute(f"CREATE POLICY cc_update ON {table} FOR UPDATE TO {APP_ROLE} "
                   f"USING ({update}) WITH CHECK ({update})")
        op.execute(f"CREATE POLICY cc_delete ON {table} FOR DELETE TO {APP_ROLE} USING ({delete})")
        op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
        if table == "incident_daily":  # written only by its triggers
            op.execute(f"GRANT SELECT ON {table} TO {APP_ROLE}")
            continue
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {APP_ROLE}")
        op.execute(f"GRANT USAGE, SELECT ON SEQUENCE {table}_id_seq TO {APP_ROLE}")
    op.execute(_owner_policies(tuple(POLICIES)))


def downgrade() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER cc_incident_daily_{event} ON incidents")
    op.execute("DROP FUNCTION cc_incident_daily()")
    op.execute("DROP FUNCTION cc_incident_daily_rebuild()")
    op.drop_table("incident_daily")
    op.drop_index(op.f("ix_work_orders_dispatched_at"), "work_orders")
    op.drop_table("meeting_decisions")
    op.drop_table("meetings")
