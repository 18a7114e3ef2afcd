"""grid workers: field tokens, idempotent field records, reminders to inactive workers

- ``field_tokens``: a grid worker's bearer token for the field endpoints (``/field/v1``); only
  its SHA-256 is stored, with when it expires and when it was revoked (services/field.py).
- ``check_ins.client_id`` and ``patrols.client_id``: the id the phone gave the record, unique,
  so a retry never stores it twice; ``received_at``: when the center got it (a record may come
  days late, or out of order). A report's client id is the incident's ``external_id`` under
  ``external_source = 'field-app'`` (already unique, 0001).
- ``worker_reminders``: a reminder sent to an inactive worker (services/worker_metrics.py), who
  sent it and when, shown to the worker's supervisor; on the change channel.
- Row-level security and grants as in 0005/0011: tokens are the administrator's (like
  ``api_keys``); reminders are read and written by the center.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
CENTER_GROUP = "cc_center"
CENTER_WRITE = "(SELECT cc_my_role()) IN ('duty_operator', 'supervisor', 'admin')"
ADMIN = "(SELECT cc_my_role()) = 'admin'"

# table: (select group, select, insert, update, delete) as in 0005 and 0011
POLICIES = {
    "field_tokens": (APP_ROLE, ADMIN, ADMIN, ADMIN, ADMIN),
    "worker_reminders": (CENTER_GROUP, "true", CENTER_WRITE, CENTER_WRITE, ADMIN),
}


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


def _id() -> sa.Column:
    return sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False)


def _worker(table: str) -> sa.Column:
    return sa.Column(
        "worker_id",
        sa.BigInteger(),
        sa.ForeignKey(
            "grid_workers.id",
            name=op.f(f"fk_{table}_worker_id_grid_workers"),
            ondelete="CASCADE",
        ),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "field_tokens",
        _id(),
        _worker("field_tokens"),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_field_tokens_token_hash")),
    )
    op.create_index(op.f("ix_field_tokens_worker_id"), "field_tokens", ["worker_id"])

    for table in ("check_ins", "patrols"):
        op.add_column(table, sa.Column("client_id", sa.String(64), nullable=True))
        op.add_column(table, sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
        op.create_unique_constraint(op.f(f"uq_{table}_client_id"), table, ["client_id"])

    op.create_table(
        "worker_reminders",
        _id(),
        _worker("worker_reminders"),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.String(64), nullable=False),
        sa.Column("inactive_days", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_reminders")),
    )
    op.create_index(op.f("ix_worker_reminders_worker_id"), "worker_reminders", ["worker_id"])
    op.create_index(op.f("ix_patrols_started_worker"), "patrols", ["worker_id", "started_at"])
    for table in ("worker_reminders", "check_ins"):
        op.execute(
            f"CREATE TRIGGER cc_notify_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION cc_notify_change()"
        )

    # security, as 0005 does for every table
    for table, (group, read, insert, update, delete) in POLICIES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY cc_read ON {table} FOR SELECT TO {group} USING ({read})")
        op.execute(
            f"CREATE POLICY cc_insert ON {table} FOR INSERT TO {APP_ROLE} WITH CHECK ({insert})"
        )
        op.execute(
            f"CREATE POLICY cc_update ON {table} FOR UPDATE TO {APP_ROLE} "
            f"USING ({update}) WITH CHECK ({update})"
        )
        op.execute(f"CREATE POLICY cc_delete ON {table} FOR DELETE TO {APP_ROLE} USING ({delete})")
        op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {APP_ROLE}")
        op.execute(f"GRANT USAGE, SELECT ON SEQUENCE {table}_id_seq TO {APP_ROLE}")
    op.execute(_owner_policies(tuple(POLICIES)))


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS cc_notify_check_ins ON check_ins")
    op.drop_index(op.f("ix_patrols_started_worker"), "patrols")
    op.drop_table("worker_reminders")
    for table in ("patrols", "check_ins"):
        op.drop_constraint(op.f(f"uq_{table}_client_id"), table, type_="unique")
        op.drop_column(table, "received_at")
        op.drop_column(table, "client_id")
    op.drop_table("field_tokens")
