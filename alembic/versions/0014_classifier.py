"""smart dispatch (智能派单): the learned models, versioned with their evaluation figures

- ``classifier_models``: one row per training (``version``), its figures (the category's
  cross-validated macro-F1 and accuracy, the department's macro-F1, per class in ``metrics``),
  who trained it and when, and the pickled scikit-learn pipeline (``model``, bytea) with its
  SHA-256. At most one row is ``active`` (a partial unique index): rolling back is activating an
  older version.
- ``classifier_feedback``: whether a person took the learned category (intake) or department
  (dispatch), for the accept and override rates per category; the center's working roles write.
- ``cc_admin_setting``: ``dispatch.*`` settings (automatic dispatch's confidence) are the
  administrator's, as services/permissions.ADMIN_SETTINGS_PREFIXES says.
- Trust boundary: unpickling runs code, so only administrators may insert, update or delete
  (row-level security as in 0005); the center's logins read (intake and dispatch show the
  suggestions); departments see nothing.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 07:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
CENTER_GROUP = "cc_center"
ADMIN = "(SELECT cc_my_role()) = 'admin'"
TABLE = "classifier_models"

CENTER_WRITE = "(SELECT cc_my_role()) IN ('duty_operator', 'supervisor', 'admin')"

OWNER_POLICY = """
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('CREATE POLICY cc_owner ON {table} TO %I USING (true) WITH CHECK (true)',
                       current_user);
    END IF;
END $$;
"""


# services/permissions.ADMIN_SETTINGS_PREFIXES gains "dispatch." (automatic dispatch's confidence)
ADMIN_SETTING_SQL = """
CREATE OR REPLACE FUNCTION cc_admin_setting(p_key text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT p_key LIKE 'orders.%' OR p_key LIKE 'map.tiles%' OR p_key LIKE 'open311.%'{extra}
$$;
"""


def _secure(table: str, insert: str, update: str, delete: str) -> None:
    """Row-level security and grants as 0005 sets them: the center's logins read."""
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY cc_read ON {table} FOR SELECT TO {CENTER_GROUP} USING (true)")
    op.execute(f"CREATE POLICY cc_insert ON {table} FOR INSERT TO {APP_ROLE} WITH CHECK ({insert})")
    op.execute(f"CREATE POLICY cc_update ON {table} FOR UPDATE TO {APP_ROLE} "
               f"USING ({update}) WITH CHECK ({update})")
    op.execute(f"CREATE POLICY cc_delete ON {table} FOR DELETE TO {APP_ROLE} USING ({delete})")
    op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {APP_ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON SEQUENCE {table}_id_seq TO {APP_ROLE}")
    op.execute(OWNER_POLICY.replace("{table}", table))


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column("trained_on", sa.Integer(), nullable=False),
        sa.Column("train_s", sa.Float(), nullable=False),
        sa.Column("macro_f1", sa.Float(), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=False),
        sa.Column("department_macro_f1", sa.Float(), nullable=False),
        sa.Column("metrics", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("library", sa.String(length=64), nullable=False),
        sa.Column("model", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_users.id"],
            name=op.f("fk_classifier_models_created_by_id_app_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classifier_models")),
        sa.UniqueConstraint("version", name=op.f("uq_classifier_models_version")),
    )
    op.create_index(
        "uq_classifier_models_active", TABLE, ["active"], unique=True,
        postgresql_where=sa.text("active"),
    )
    _secure(TABLE, ADMIN, ADMIN, ADMIN)

    op.create_table(
        "classifier_feedback",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.BigInteger(), nullable=False),
        sa.Column("category_code", sa.String(length=16), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("suggested", sa.String(length=32), nullable=False),
        sa.Column("chosen", sa.String(length=32), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('category','department')", name=op.f("ck_classifier_feedback_kind_valid")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"],
            name=op.f("fk_classifier_feedback_incident_id_incidents"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_users.id"], name=op.f("fk_classifier_feedback_user_id_app_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classifier_feedback")),
    )
    op.create_index(
        op.f("ix_classifier_feedback_incident_id"), "classifier_feedback", ["incident_id"]
    )
    op.create_index(
        "ix_classifier_feedback_category", "classifier_feedback", ["category_code", "kind"]
    )
    _secure("classifier_feedback", CENTER_WRITE, CENTER_WRITE, ADMIN)
    op.execute(ADMIN_SETTING_SQL.format(extra=" OR p_key LIKE 'dispatch.%'"))


def downgrade() -> None:
    op.execute(ADMIN_SETTING_SQL.format(extra=""))
    op.drop_table("classifier_feedback")
    op.drop_table(TABLE)
