"""grid workers' roster, points redemption, reminders acknowledged, one notice per batch

- ``grid_workers.version``: optimistic locking for the roster's edits (services/roster.py):
  an edit names the version it read and is refused when someone changed the worker since.
- ``grid_assignments``: a period ends on or after it starts (CHECK).
- ``points_ledger``: a redemption at a 平安超市 (``reason = 'redeem'``) names its item, quantity
  and the operator who entered it (CHECK; the demo's older redemptions are filled in as "生活用品
  ×1"), and a negative entry that would take the worker's balance below zero is refused by a
  trigger (``cc_points_balance``, serialised per worker by an advisory lock), whatever program
  writes it. The ledger is append-only for the application's logins: a correction is a new
  entry (UPDATE and DELETE revoked).
- ``worker_reminders.acknowledged_at`` / ``acknowledged_by``: the supervisor acknowledges a
  reminder to an inactive worker (services/attention.py shows it on the supervisor's
  workstation); only a supervisor or an administrator may (``cc_reminder_ack``, the same rule
  as services/worker_metrics.may_acknowledge).
- Change notices: ``check_ins``, ``grid_assignments`` and ``points_ledger``
  notify once per statement (``cc_notify_statement``, the payload names the table only; a
  transaction's identical notices are delivered once), so a batch of 1,000 check-ins is one
  notice instead of 1,000. ``worker_reminders`` keeps its row notices (the supervisor's notice
  needs the reminder's id).
- Indexes for the metrics at scale 16: incidents reported by a worker, by time.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
STATEMENT_TABLES = ("check_ins", "grid_assignments", "points_ledger")

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION cc_notify_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('cc.bulk', true) = 'on' THEN RETURN NULL; END IF;
    PERFORM pg_notify('cc_changes', json_build_object('t', TG_TABLE_NAME,
                                                      'op', lower(TG_OP))::text);
    RETURN NULL;
END $$;

-- services/worker_metrics.redeem: the balance never goes below zero
CREATE OR REPLACE FUNCTION cc_points_balance() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    balance bigint;
BEGIN
    IF NEW.points >= 0 THEN RETURN NEW; END IF;
    PERFORM pg_advisory_xact_lock(7316, NEW.worker_id::int);
    SELECT COALESCE(sum(points), 0) INTO balance FROM points_ledger
        WHERE worker_id = NEW.worker_id;
    IF balance + NEW.points < 0 THEN
        RAISE EXCEPTION 'cc: 积分余额不足（余额%，需%） / not enough points (balance %, needs %)',
            balance, -NEW.points, balance, -NEW.points USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

-- services/worker_metrics.may_acknowledge: a supervisor or an administrator acknowledges
CREATE OR REPLACE FUNCTION cc_reminder_ack() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r text := cc_my_role();
BEGIN
    IF NEW.acknowledged_at IS DISTINCT FROM OLD.acknowledged_at
       OR NEW.acknowledged_by IS DISTINCT FROM OLD.acknowledged_by THEN
        IF EXISTS (SELECT 1 FROM app_users WHERE db_login = session_user)
           AND r IS DISTINCT FROM 'supervisor' AND r IS DISTINCT FROM 'admin' THEN
            RAISE EXCEPTION 'cc: 只有督办员或管理员可以签收网格员提醒 / only a supervisor or an '
                            'administrator acknowledges a reminder'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.acknowledged_at IS NOT NULL THEN
            RAISE EXCEPTION 'cc: 该提醒已签收 / the reminder is already acknowledged'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
"""


def upgrade() -> None:
    op.add_column(
        "grid_workers", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )
    op.execute(f"GRANT SELECT (version) ON grid_workers TO {APP_ROLE}")
    op.create_check_constraint(
        op.f("ck_grid_assignments_period_valid"),
        "grid_assignments",
        "valid_to IS NULL OR valid_to >= valid_from",
    )

    op.add_column("points_ledger", sa.Column("item", sa.String(64), nullable=True))
    op.add_column("points_ledger", sa.Column("quantity", sa.Integer(), nullable=True))
    op.add_column("points_ledger", sa.Column("operator", sa.String(64), nullable=True))
    op.execute(
        "UPDATE points_ledger SET item = COALESCE(NULLIF(btrim(note), ''), '生活用品'), "
        "quantity = 1 WHERE reason = 'redeem' AND item IS NULL"
    )
    op.create_check_constraint(
        op.f("ck_points_ledger_redemption_traced"),
        "points_ledger",
        "reason <> 'redeem' OR (points < 0 AND item IS NOT NULL AND quantity > 0 "
        "AND store IS NOT NULL)",
    )
    op.create_index("ix_points_ledger_worker_at", "points_ledger", ["worker_id", "at"])
    op.execute(FUNCTIONS)
    op.execute(
        "CREATE TRIGGER cc_points_balance BEFORE INSERT ON points_ledger "
        "FOR EACH ROW EXECUTE FUNCTION cc_points_balance()"
    )
    op.execute(f"REVOKE UPDATE, DELETE ON points_ledger FROM {APP_ROLE}")

    op.add_column(
        "worker_reminders",
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column("worker_reminders", sa.Column("acknowledged_by", sa.String(64), nullable=True))
    op.execute(
        "CREATE TRIGGER cc_reminder_ack BEFORE UPDATE ON worker_reminders "
        "FOR EACH ROW EXECUTE FUNCTION cc_reminder_ack()"
    )
    op.create_index(
        "ix_worker_reminders_open",
        "worker_reminders",
        ["at"],
        postgresql_where=sa.text("acknowledged_at IS NULL"),
    )

    op.execute("DROP TRIGGER IF EXISTS cc_notify_check_ins ON check_ins")
    for table in STATEMENT_TABLES:
        op.execute(
            f"CREATE TRIGGER cc_notify_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION cc_notify_statement()"
        )
    op.create_index(
        "ix_incidents_reporter_worker_reported",
        "incidents",
        ["reporter_worker_id", "reported_at"],
        postgresql_where=sa.text("reporter_worker_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_incidents_reporter_worker_reported", "incidents")
    for table in STATEMENT_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS cc_notify_{table} ON {table}")
    op.execute(
        "CREATE TRIGGER cc_notify_check_ins AFTER INSERT OR UPDATE OR DELETE ON check_ins "
        "FOR EACH ROW EXECUTE FUNCTION cc_notify_change()"
    )
    op.drop_index("ix_worker_reminders_open", "worker_reminders")
    op.execute("DROP TRIGGER IF EXISTS cc_reminder_ack ON worker_reminders")
    op.drop_column("worker_reminders", "acknowledged_by")
    op.drop_column("worker_reminders", "acknowledged_at")
    op.execute(f"GRANT UPDATE, DELETE ON points_ledger TO {APP_ROLE}")
    op.execute("DROP TRIGGER IF EXISTS cc_points_balance ON points_ledger")
    op.drop_index("ix_points_ledger_worker_at", "points_ledger")
    op.drop_constraint(op.f("ck_points_ledger_redemption_traced"), "points_ledger", type_="check")
    for column in ("operator", "quantity", "item"):
        op.drop_column("points_ledger", column)
    op.drop_constraint(op.f("ck_grid_assignments_period_valid"), "grid_assignments", type_="check")
    op.drop_column("grid_workers", "version")
    for fn in ("cc_notify_statement", "cc_points_balance", "cc_reminder_ack"):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}()")
