"""supervision, incremental: each open order's next step due, reporters' repeats without phones

- ``supervision_due``: per work order, when the sweep next has something to do with it (its
  75 % reminder, its deadline, its yellow or red card). The sweep reads only the rows due, so a
  sweep with nothing new reads nothing old. Triggers mark an order as due at once
  (``-infinity``) when anything its steps depend on changes: a new open order, its status,
  deadline (an extension), dispatch time or department; its incident's category, title or
  satisfaction (return visit); its supervision. A change of the rules themselves (card
  limits, points, holidays in the calendar, focus categories or keywords) is seen by the sweep
  through ``supervision_sweeps.rules_key``, which then looks at every open order again.
- ``cc_reporter_repeats(orders, days, count)``: the orders whose reporter (by phone) reported
  the same category at least ``count`` times in ``days`` days — the match only, never the phone,
  for the center's working roles (the phone column is not granted to them); SECURITY DEFINER
  as ``cc_dispute_repeats`` (0011), with an index on (phone, category, reported).
- ``reason_en`` beside ``reason`` in ``supervision_orders`` and ``score_points``: the rules'
  reasons in English for the English interface.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
CENTER_GROUP = "cc_center"
CENTER_WRITE = "(SELECT cc_my_role()) IN ('duty_operator', 'supervisor', 'admin')"
ADMIN = "(SELECT cc_my_role()) = 'admin'"
OPEN = "('dispatched','accepted','in_progress')"

OWNER_POLICY = """
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('CREATE POLICY cc_owner ON supervision_due TO %I USING (true) '
                       'WITH CHECK (true)', current_user);
    END IF;
END $$;
"""

# SECURITY DEFINER: a department's login changes its orders and must be able to mark them due
MARK_SQL = f"""
CREATE FUNCTION cc_supervision_mark_order() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO supervision_due (work_order_id, due_at) VALUES (NEW.id, '-infinity')
    ON CONFLICT (work_order_id) DO UPDATE SET due_at = '-infinity';
    RETURN NULL;
END $$;

CREATE FUNCTION cc_supervision_mark_incident() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO supervision_due (work_order_id, due_at)
    SELECT w.id, '-infinity' FROM work_orders w WHERE w.incident_id = NEW.id
      AND (w.status IN {OPEN} OR NEW.satisfaction IS DISTINCT FROM OLD.satisfaction)
    ON CONFLICT (work_order_id) DO UPDATE SET due_at = '-infinity';
    RETURN NULL;
END $$;

CREATE FUNCTION cc_supervision_mark_supervision() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE o bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN o := OLD.work_order_id; ELSE o := NEW.work_order_id; END IF;
    IF o IS NOT NULL THEN
        INSERT INTO supervision_due (work_order_id, due_at) VALUES (o, '-infinity')
        ON CONFLICT (work_order_id) DO UPDATE SET due_at = '-infinity';
    END IF;
    RETURN NULL;
END $$;
"""

GUARD_SQL = """
CREATE OR REPLACE FUNCTION cc_supervision_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- a department acknowledges and answers its supervision; nothing else of it is theirs
    IF (SELECT cc_my_role()) = 'dept_handler' AND (
        (NEW.number, NEW.level, NEW.kind, NEW.stage, NEW.incident_id, NEW.work_order_id,
         NEW.dispute_case_id, NEW.department_id, NEW.town_id, NEW.responsible_leader,
         NEW.issued_by_id, NEW.issued_at, NEW.deadline_at, NEW.reason, NEW.reason_en,
         NEW.instructions, NEW.resolution, NEW.closed_at, NEW.closed_by_id)
        IS DISTINCT FROM
        (OLD.number, OLD.level, OLD.kind, OLD.stage, OLD.incident_id, OLD.work_order_id,
         OLD.dispute_case_id, OLD.department_id, OLD.town_id, OLD.responsible_leader,
         OLD.issued_by_id, OLD.issued_at, OLD.deadline_at, OLD.reason, OLD.reason_en,
         OLD.instructions, OLD.resolution, OLD.closed_at, OLD.closed_by_id)
        OR NEW.status NOT IN ('open', 'acknowledged', 'responded')
    ) THEN
        RAISE EXCEPTION '部门只能签收和反馈督办 / a department may only acknowledge and answer '
            'its supervision' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
"""

REPEATS_SQL = """
CREATE FUNCTION cc_reporter_repeats(p_orders bigint[], p_days int, p_count int)
RETURNS TABLE(work_order_id bigint, reports int)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF coalesce(cc_my_role(), '') NOT IN ('duty_operator', 'supervisor', 'admin')
       AND session_user IN (SELECT db_login FROM app_users) THEN
        RAISE EXCEPTION 'cc: 无权查询重复来电 / not allowed to look up repeated reporters'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
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
    ts = sa.DateTime(timezone=True)
    op.create_table(
        "supervision_due",
        sa.Column("work_order_id", sa.BigInteger(), nullable=False),
        sa.Column("due_at", ts, nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_supervision_due_work_order_id_work_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("work_order_id", name=op.f("pk_supervision_due")),
    )
    op.create_index("ix_supervision_due_due_at", "supervision_due", ["due_at"])
    op.add_column("supervision_sweeps", sa.Column("rules_key", sa.Text(), nullable=True))
    # the rules' reasons in English beside the Chinese ``reason``
    op.add_column("supervision_orders", sa.Column("reason_en", sa.Text(), nullable=True))
    op.add_column("score_points", sa.Column("reason_en", sa.Text(), nullable=True))
    op.create_index(
        "ix_incidents_reporter_phone_category",
        "incidents",
        ["reporter_phone", "category_code", "reported_at"],
        postgresql_where=sa.text("reporter_phone IS NOT NULL"),
    )
    # every open order is due once: the first sweep after the upgrade looks at all of them
    op.execute(
        "INSERT INTO supervision_due (work_order_id, due_at) SELECT id, '-infinity' "
        f"FROM work_orders WHERE status IN {OPEN}"
    )

    op.execute("ALTER TABLE supervision_due ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE supervision_due FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY cc_read ON supervision_due FOR SELECT TO {CENTER_GROUP} USING (true)"
    )
    for command in ("INSERT", "UPDATE", "DELETE"):
        check = "WITH CHECK" if command == "INSERT" else "USING"
        extra = f" WITH CHECK ({CENTER_WRITE})" if command == "UPDATE" else ""
        op.execute(
            f"CREATE POLICY cc_{command.lower()} ON supervision_due FOR {command} TO {APP_ROLE} "
            f"{check} ({CENTER_WRITE}){extra}"
        )
    op.execute("REVOKE ALL ON supervision_due FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON supervision_due TO {APP_ROLE}")
    op.execute(OWNER_POLICY)

    op.execute(GUARD_SQL)
    op.execute(MARK_SQL)
    op.execute(
        "CREATE TRIGGER cc_supervision_due_insert AFTER INSERT ON work_orders FOR EACH ROW "
        f"WHEN (NEW.status IN {OPEN}) EXECUTE FUNCTION cc_supervision_mark_order()"
    )
    op.execute(
        "CREATE TRIGGER cc_supervision_due_update AFTER UPDATE OF status, deadline_at, "
        "dispatched_at, department_id ON work_orders FOR EACH ROW WHEN ("
        "OLD.status IS DISTINCT FROM NEW.status OR OLD.deadline_at IS DISTINCT FROM "
        "NEW.deadline_at OR OLD.dispatched_at IS DISTINCT FROM NEW.dispatched_at OR "
        "OLD.department_id IS DISTINCT FROM NEW.department_id) "
        "EXECUTE FUNCTION cc_supervision_mark_order()"
    )
    op.execute(
        "CREATE TRIGGER cc_supervision_due_incident AFTER UPDATE OF category_code, title, "
        "satisfaction ON incidents FOR EACH ROW WHEN ("
        "OLD.category_code IS DISTINCT FROM NEW.category_code OR OLD.title IS DISTINCT FROM "
        "NEW.title OR OLD.satisfaction IS DISTINCT FROM NEW.satisfaction) "
        "EXECUTE FUNCTION cc_supervision_mark_incident()"
    )
    op.execute(
        "CREATE TRIGGER cc_supervision_due_supervision AFTER INSERT OR DELETE OR UPDATE OF "
        "status ON supervision_orders FOR EACH ROW "
        # the sweep's own rows (it sets cc.sweep) are rescheduled by the sweep itself
        "WHEN (current_setting('cc.sweep', true) IS DISTINCT FROM 'on') "
        "EXECUTE FUNCTION cc_supervision_mark_supervision()"
    )
    for fn in (
        "cc_supervision_mark_order()",
        "cc_supervision_mark_incident()",
        "cc_supervision_mark_supervision()",
    ):
        op.execute(f"REVOKE EXECUTE ON FUNCTION {fn} FROM PUBLIC")

    op.execute(REPEATS_SQL)
    op.execute("REVOKE EXECUTE ON FUNCTION cc_reporter_repeats(bigint[], int, int) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION cc_reporter_repeats(bigint[], int, int) TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS cc_reporter_repeats(bigint[], int, int)")
    op.execute("DROP TRIGGER IF EXISTS cc_supervision_due_supervision ON supervision_orders")
    op.execute("DROP TRIGGER IF EXISTS cc_supervision_due_incident ON incidents")
    op.execute("DROP TRIGGER IF EXISTS cc_supervision_due_update ON work_orders")
    op.execute("DROP TRIGGER IF EXISTS cc_supervision_due_insert ON work_orders")
    op.execute("DROP FUNCTION IF EXISTS cc_supervision_mark_supervision()")
    op.execute("DROP FUNCTION IF EXISTS cc_supervision_mark_incident()")
    op.execute("DROP FUNCTION IF EXISTS cc_supervision_mark_order()")
    op.drop_index("ix_incidents_reporter_phone_category", table_name="incidents")
    op.execute(GUARD_SQL.replace(" NEW.reason_en,", "").replace(" OLD.reason_en,", ""))
    op.drop_column("score_points", "reason_en")
    op.drop_column("supervision_orders", "reason_en")
    op.drop_column("supervision_sweeps", "rules_key")
    op.drop_index("ix_supervision_due_due_at", table_name="supervision_due")
    op.drop_table("supervision_due")
