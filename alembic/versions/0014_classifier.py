"""smart dispatch (智能派单): the learned models, versioned with their evaluation figures

- ``classifier_models``: one row per training (``version``), its figures (the category's
  cross-validated macro-F1 and accuracy, the department's macro-F1, per class in ``metrics``),
  who trained it and when, and the pickled scikit-learn pipeline (``model``, bytea) with its
  SHA-256. At most one row is ``active`` (a partial unique index): rolling back is activating an
  older version.
- Trust boundary: unpickling runs code, so only administrators may insert, update or delete
  (row-level security as in 0005); the center's logins read (intake and dispatch show the
  suggestions); departments see nothing.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-06 07:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
CENTER_GROUP = "cc_center"
ADMIN = "(SELECT cc_my_role()) = 'admin'"
TABLE = "classifier_models"

OWNER_POLICY = f"""
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('CREATE POLICY cc_owner ON {TABLE} TO %I USING (true) WITH CHECK (true)',
                       current_user);
    END IF;
END $$;
"""


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
    op.execute(f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {TABLE} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY cc_read ON {TABLE} FOR SELECT TO {CENTER_GROUP} USING (true)")
    op.execute(f"CREATE POLICY cc_insert ON {TABLE} FOR INSERT TO {APP_ROLE} WITH CHECK ({ADMIN})")
    op.execute(f"CREATE POLICY cc_update ON {TABLE} FOR UPDATE TO {APP_ROLE} "
               f"USING ({ADMIN}) WITH CHECK ({ADMIN})")
    op.execute(f"CREATE POLICY cc_delete ON {TABLE} FOR DELETE TO {APP_ROLE} USING ({ADMIN})")
    op.execute(f"REVOKE ALL ON {TABLE} FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {TABLE} TO {APP_ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON SEQUENCE {TABLE}_id_seq TO {APP_ROLE}")
    op.execute(OWNER_POLICY)


def downgrade() -> None:
    op.drop_table(TABLE)
