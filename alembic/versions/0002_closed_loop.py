"""closed loop: routing and deadline rules, settings, saved filters, templates, import mappings,
Open311 API keys; incidents get answered_at and reopen_count

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 22:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("incidents", sa.Column("answered_at", TZ, nullable=True))
    op.add_column(
        "incidents",
        sa.Column("reopen_count", sa.SmallInteger(), server_default="0", nullable=False),
    )
    op.create_index(
        "ix_incidents_waiting_answer",
        "incidents",
        ["answer_due_at"],
        postgresql_where=sa.text("answered_at IS NULL AND answer_due_at IS NOT NULL"),
    )

    op.create_table(
        "routing_rules",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("category_code", sa.String(16), nullable=False),
        sa.Column("town_id", sa.BigInteger(), nullable=True),
        sa.Column("department_id", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("updated_by_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_code"],
            ["categories.code"],
            name=op.f("fk_routing_rules_category_code_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["admin_areas.id"], name=op.f("fk_routing_rules_town_id_admin_areas")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_routing_rules_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["app_users.id"],
            name=op.f("fk_routing_rules_updated_by_id_app_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rules")),
    )
    op.create_index(
        "uq_routing_rules_category_town",
        "routing_rules",
        ["category_code", "town_id"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )

    op.create_table(
        "deadline_rules",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("category_code", sa.String(16), nullable=True),
        sa.Column("priority", sa.SmallInteger(), nullable=True),
        sa.Column("working_days", sa.SmallInteger(), nullable=True),
        sa.Column("working_hours", sa.SmallInteger(), nullable=True),
        sa.CheckConstraint(
            "num_nonnulls(working_days, working_hours) = 1",
            name=op.f("ck_deadline_rules_days_or_hours"),
        ),
        sa.CheckConstraint(
            "priority IS NULL OR priority BETWEEN 1 AND 4",
            name=op.f("ck_deadline_rules_priority_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["category_code"],
            ["categories.code"],
            name=op.f("fk_deadline_rules_category_code_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_rules")),
    )
    op.create_index(
        "uq_deadline_rules_category_priority",
        "deadline_rules",
        ["category_code", "priority"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )

    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", postgresql.JSONB(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_by_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["app_users.id"],
            name=op.f("fk_app_settings_updated_by_id_app_users"),
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_settings")),
    )

    op.create_table(
        "saved_filters",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("view", sa.String(32), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("definition", postgresql.JSONB(), nullable=False),
        sa.Column("created_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_users.id"],
            ondelete="CASCADE",
            name=op.f("fk_saved_filters_user_id_app_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_filters")),
    )
    op.create_index(
        "uq_saved_filters_user_view_name",
        "saved_filters",
        ["user_id", "view", "name"],
        unique=True,
    )

    op.create_table(
        "response_templates",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("category_code", sa.String(16), nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("title", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.ForeignKeyConstraint(
            ["category_code"],
            ["categories.code"],
            name=op.f("fk_response_templates_category_code_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_templates")),
    )

    op.create_table(
        "import_mappings",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("mapping", postgresql.JSONB(), nullable=False),
        sa.Column("created_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mappings")),
        sa.UniqueConstraint("name", name=op.f("uq_import_mappings_name")),
    )

    op.create_table(
        "api_keys",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("key_sha256", sa.String(64), nullable=False),
        sa.Column("channel_code", sa.String(32), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("created_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.Column("last_used_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_code"], ["channels.code"], name=op.f("fk_api_keys_channel_code_channels")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
        sa.UniqueConstraint("key_sha256", name=op.f("uq_api_keys_key_sha256")),
    )

    # Settings and rules change rarely but every workstation should see the change.
    for table in ("app_settings", "routing_rules"):
        op.execute(
            f"CREATE TRIGGER cc_notify_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION cc_notify_change()"
        )


def downgrade() -> None:
    for table in ("app_settings", "routing_rules"):
        op.execute(f"DROP TRIGGER IF EXISTS cc_notify_{table} ON {table}")
    op.drop_table("api_keys")
    op.drop_table("import_mappings")
    op.drop_table("response_templates")
    op.drop_index("uq_saved_filters_user_view_name", table_name="saved_filters")
    op.drop_table("saved_filters")
    op.drop_table("app_settings")
    op.drop_index("uq_deadline_rules_category_priority", table_name="deadline_rules")
    op.drop_table("deadline_rules")
    op.drop_index("uq_routing_rules_category_town", table_name="routing_rules")
    op.drop_table("routing_rules")
    op.drop_index("ix_incidents_waiting_answer", table_name="incidents")
    op.drop_column("incidents", "reopen_count")
    op.drop_column("incidents", "answered_at")
