"""publication policy of the Open311 endpoint: non-public categories, operator-approved public
summaries, API key scopes

- ``categories.public``: false for categories whose requests are never published by the public
  ``GET requests`` (community corrections, family conflicts, subsistence allowance and the like,
  as FixMyStreet keeps "non-public" categories off its public reports). A request is published
  only when its category is a public one.
- ``incidents.public_summary``: the text an operator approved for the public (at most
  ``models.incident.PUBLIC_SUMMARY_MAX`` characters); until then the public sees the category's
  name, never the caller's own words. ``cc_app`` reads it like the other non-personal columns
  (0006 grants ``incidents``' columns one by one).
- ``api_keys.scopes``: what a key may do besides POSTing; ``internal`` sees full records.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 06:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
PUBLIC_SUMMARY_MAX = 500  # models.incident.PUBLIC_SUMMARY_MAX at the time of this revision

# code prefixes of the categories kept off the public list at the time of this revision (the
# same as "public": false in resources/taxonomy/categories.json)
NON_PUBLIC = (
    "0102",  # 婚姻家庭纠纷 marriage and family disputes
    "0203",  # 特殊人群服务管理 special groups: mental illness, community corrections, drugs
    "0602",  # 社会救助 social assistance: subsistence allowance, hardship relief
    "060403",  # 残疾人补贴 disability allowances
)


def upgrade() -> None:
    op.add_column(
        "categories", sa.Column("public", sa.Boolean(), server_default="true", nullable=False)
    )
    for prefix in NON_PUBLIC:
        op.execute(
            sa.text(
                "UPDATE categories SET public = false WHERE code LIKE :p AND level = 3"
            ).bindparams(p=prefix + "%")
        )
    op.add_column("incidents", sa.Column("public_summary", sa.Text(), nullable=True))
    op.execute(
        "ALTER TABLE incidents ADD CONSTRAINT ck_incidents_public_summary_length "
        f"CHECK (char_length(public_summary) <= {PUBLIC_SUMMARY_MAX})"
    )
    op.execute(
        f"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN "
        f"GRANT SELECT (public_summary) ON incidents TO {APP_ROLE}; END IF; END $$"
    )
    op.add_column(
        "api_keys",
        sa.Column(
            "scopes",
            postgresql.ARRAY(sa.String(32)),
            server_default=sa.text("'{}'::varchar[]"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("api_keys", "scopes")
    op.execute("ALTER TABLE incidents DROP CONSTRAINT ck_incidents_public_summary_length")
    op.drop_column("incidents", "public_summary")
    op.drop_column("categories", "public")
