"""grid boundaries: imports as drafts, the county's review, boundary history

- ``boundary_imports``: one imported file at one level, a draft until the county center
  approves it or rejects it with a reason; its findings (JSON) travel with it to the reviewer.
  On the change channel, so the review list follows.
- ``area_boundaries`` (0001) gains what a draft needs: the import it belongs to, and for an
  area that does not exist yet its name, code, level, kind and parent (``area_id`` is NULL
  until approval makes the area); filed rows are the history, each geometry with the period
  it was valid (valid_from/valid_to).
- Who may do what, once in SQL (``services/boundary_review`` says the same in Python, and a
  test holds the two equal):
  ``cc_my_scope()`` is the area a user works for: ``app_users.scope_area_id``, or the town of
  the user's department when the department is a town's (``departments.kind = 'town'``).
  ``cc_may_draft_boundary(parent)``: the county's administrator (no scope), or a user scoped
  to a town for areas under that town (not the analyst, who only reads).
  ``cc_may_review_boundaries()``: the county's administrator only.
  Approval writes ``admin_areas``, so its INSERT and UPDATE now need the reviewer's rule too
  (an administrator scoped to a town can no longer change the county's areas).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
CENTER_GROUP = "cc_center"
ADMIN = "(SELECT cc_my_role()) = 'admin'"
REVIEWER = "(SELECT cc_may_review_boundaries())"

FUNCTIONS_SQL = """
CREATE FUNCTION cc_my_scope() RETURNS bigint LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce(u.scope_area_id, CASE WHEN d.kind = 'town' THEN d.town_id END)
    FROM app_users u LEFT JOIN departments d ON d.id = u.department_id
    WHERE u.db_login = session_user AND u.active
$$;

CREATE FUNCTION cc_area_within(p_area bigint, p_scope bigint) RETURNS boolean LANGUAGE sql
STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH RECURSIVE up(id, parent_id) AS (
        SELECT id, parent_id FROM admin_areas WHERE id = p_area
        UNION ALL
        SELECT a.id, a.parent_id FROM admin_areas a JOIN up ON a.id = up.parent_id
    )
    SELECT p_area IS NOT NULL AND p_scope IS NOT NULL
           AND EXISTS (SELECT 1 FROM up WHERE id = p_scope)
$$;

-- services/boundary_review.may_review (the same rule)
CREATE FUNCTION cc_may_review_boundaries() RETURNS boolean LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce(cc_my_role() = 'admin' AND cc_my_scope() IS NULL, false)
$$;

-- services/boundary_review.may_draft (the same rule)
CREATE FUNCTION cc_may_draft_boundary(p_parent bigint) RETURNS boolean LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce(
        cc_may_review_boundaries()
        OR (cc_my_role() IS NOT NULL AND cc_my_role() <> 'analyst'
            AND cc_area_within(p_parent, cc_my_scope())),
        false)
$$;
"""
FUNCTIONS = (
    "cc_my_scope()",
    "cc_area_within(bigint, bigint)",
    "cc_may_review_boundaries()",
    "cc_may_draft_boundary(bigint)",
)

OWN_DRAFT = (
    "status = 'draft' AND import_id IS NOT NULL AND cc_may_draft_boundary(parent_id) AND "
    "EXISTS (SELECT 1 FROM boundary_imports b WHERE b.id = import_id AND b.status = 'draft' "
    "AND b.drafted_by_id = (SELECT cc_current_user_id()))"
)


def upgrade() -> None:
    op.create_table(
        "boundary_imports",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("source_crs", sa.String(16), nullable=False),
        sa.Column("status", sa.String(12), server_default="draft", nullable=False),
        sa.Column("areas", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "findings",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("drafted_by_id", sa.BigInteger(), nullable=True),
        sa.Column("drafted_by", sa.String(64), nullable=False),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by_id", sa.BigInteger(), nullable=True),
        sa.Column("reviewed_by", sa.String(64), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "status IN ('draft','approved','rejected')",
            name=op.f("ck_boundary_imports_status_valid"),
        ),
        sa.CheckConstraint(
            "level IN ('county','town','village','grid','micro_grid')",
            name=op.f("ck_boundary_imports_level_valid"),
        ),
        sa.CheckConstraint(
            "status <> 'rejected' OR coalesce(reason, '') <> ''",
            name=op.f("ck_boundary_imports_rejection_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["admin_areas.id"],
            name=op.f("fk_boundary_imports_parent_id_admin_areas"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"],
            ["app_users.id"],
            name=op.f("fk_boundary_imports_drafted_by_id_app_users"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["app_users.id"],
            name=op.f("fk_boundary_imports_reviewed_by_id_app_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_imports")),
    )
    op.create_index(op.f("ix_boundary_imports_status"), "boundary_imports", ["status"])

    op.alter_column("area_boundaries", "area_id", nullable=True)
    op.add_column("area_boundaries", sa.Column("import_id", sa.BigInteger(), nullable=True))
    op.add_column("area_boundaries", sa.Column("name", sa.String(100), nullable=True))
    op.add_column("area_boundaries", sa.Column("code", sa.String(20), nullable=True))
    op.add_column("area_boundaries", sa.Column("level", sa.String(16), nullable=True))
    op.add_column("area_boundaries", sa.Column("kind", sa.String(16), nullable=True))
    op.add_column("area_boundaries", sa.Column("parent_id", sa.BigInteger(), nullable=True))
    op.add_column("area_boundaries", sa.Column("label_lon", sa.Float(), nullable=True))
    op.add_column("area_boundaries", sa.Column("label_lat", sa.Float(), nullable=True))
    op.add_column("area_boundaries", sa.Column("area_km2", sa.Float(), nullable=True))
    op.create_foreign_key(
        op.f("fk_area_boundaries_import_id_boundary_imports"),
        "area_boundaries",
        "boundary_imports",
        ["import_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("fk_area_boundaries_parent_id_admin_areas"),
        "area_boundaries",
        "admin_areas",
        ["parent_id"],
        ["id"],
        ondelete="RESTRICT",
    )
    op.create_index(op.f("ix_area_boundaries_import_id"), "area_boundaries", ["import_id"])
    op.create_check_constraint(
        op.f("ck_area_boundaries_filed_has_area"),
        "area_boundaries",
        "area_id IS NOT NULL OR status IN ('draft','rejected')",
    )

    op.execute(FUNCTIONS_SQL)
    for fn in FUNCTIONS:
        op.execute(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {fn} TO {APP_ROLE}")

    # boundary_imports: the center reads every import, anyone their own; drafting and review
    # as the functions say (an import without one parent, each area naming its own, is a town
    # user's too: each of its rows in area_boundaries is checked); nobody deletes (the history
    # stays)
    t = "boundary_imports"
    op.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY cc_read_center ON {t} FOR SELECT TO {CENTER_GROUP} USING (true)")
    op.execute(
        f"CREATE POLICY cc_read_own ON {t} FOR SELECT TO {APP_ROLE} "
        "USING (drafted_by_id = (SELECT cc_current_user_id()))"
    )
    op.execute(
        f"CREATE POLICY cc_insert ON {t} FOR INSERT TO {APP_ROLE} WITH CHECK ("
        "status = 'draft' AND drafted_by_id = (SELECT cc_current_user_id()) AND "
        f"({REVIEWER} OR cc_may_draft_boundary(parent_id) OR (parent_id IS NULL AND "
        "(SELECT cc_my_scope()) IS NOT NULL AND (SELECT cc_my_role()) <> 'analyst')))"
    )
    op.execute(
        f"CREATE POLICY cc_update ON {t} FOR UPDATE TO {APP_ROLE} "
        f"USING ({REVIEWER}) WITH CHECK ({REVIEWER})"
    )
    op.execute(f"REVOKE ALL ON {t} FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON {t} TO {APP_ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON SEQUENCE {t}_id_seq TO {APP_ROLE}")
    op.execute(
        f"CREATE TRIGGER cc_notify_{t} AFTER INSERT OR UPDATE OR DELETE ON {t} "
        "FOR EACH ROW EXECUTE FUNCTION cc_notify_change()"
    )

    # area_boundaries: a drafter adds the rows of their own draft; the reviewer files them
    op.execute("DROP POLICY cc_insert ON area_boundaries")
    op.execute("DROP POLICY cc_update ON area_boundaries")
    op.execute("DROP POLICY cc_delete ON area_boundaries")
    op.execute(
        f"CREATE POLICY cc_insert ON area_boundaries FOR INSERT TO {APP_ROLE} "
        f"WITH CHECK ({REVIEWER} OR ({OWN_DRAFT}))"
    )
    op.execute(
        f"CREATE POLICY cc_update ON area_boundaries FOR UPDATE TO {APP_ROLE} "
        f"USING ({REVIEWER}) WITH CHECK ({REVIEWER})"
    )
    op.execute(
        f"CREATE POLICY cc_delete ON area_boundaries FOR DELETE TO {APP_ROLE} USING ({REVIEWER})"
    )
    # admin_areas: approval is what changes them
    op.execute("DROP POLICY cc_insert ON admin_areas")
    op.execute("DROP POLICY cc_update ON admin_areas")
    op.execute(
        f"CREATE POLICY cc_insert ON admin_areas FOR INSERT TO {APP_ROLE} WITH CHECK ({REVIEWER})"
    )
    op.execute(
        f"CREATE POLICY cc_update ON admin_areas FOR UPDATE TO {APP_ROLE} "
        f"USING ({REVIEWER}) WITH CHECK ({REVIEWER})"
    )
    op.execute(
        f"""
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('CREATE POLICY cc_owner ON {t} TO %I USING (true) WITH CHECK (true)',
                       current_user);
    END IF;
END $$;
"""
    )


def downgrade() -> None:
    for table in ("admin_areas", "area_boundaries"):
        op.execute(f"DROP POLICY cc_insert ON {table}")
        op.execute(f"DROP POLICY cc_update ON {table}")
        op.execute(
            f"CREATE POLICY cc_insert ON {table} FOR INSERT TO {APP_ROLE} WITH CHECK ({ADMIN})"
        )
        op.execute(
            f"CREATE POLICY cc_update ON {table} FOR UPDATE TO {APP_ROLE} "
            f"USING ({ADMIN}) WITH CHECK ({ADMIN})"
        )
    op.execute("DROP POLICY cc_delete ON area_boundaries")
    op.execute(
        f"CREATE POLICY cc_delete ON area_boundaries FOR DELETE TO {APP_ROLE} USING ({ADMIN})"
    )
    op.execute("DELETE FROM area_boundaries WHERE area_id IS NULL OR import_id IS NOT NULL")
    op.drop_constraint(op.f("ck_area_boundaries_filed_has_area"), "area_boundaries")
    op.drop_index(op.f("ix_area_boundaries_import_id"), "area_boundaries")
    op.drop_constraint(op.f("fk_area_boundaries_parent_id_admin_areas"), "area_boundaries")
    op.drop_constraint(op.f("fk_area_boundaries_import_id_boundary_imports"), "area_boundaries")
    for col in (
        "area_km2",
        "label_lat",
        "label_lon",
        "parent_id",
        "kind",
        "level",
        "code",
        "name",
        "import_id",
    ):
        op.drop_column("area_boundaries", col)
    op.alter_column("area_boundaries", "area_id", nullable=False)
    op.drop_table("boundary_imports")
    for fn in reversed(FUNCTIONS):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
