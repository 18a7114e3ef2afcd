"""smart dispatch (智能派单): stored models are pruned, never the active one

``command-center classify prune`` (and ``classify learn``, the schedule's hook) delete old
versions (services/learned_routing.prunable: all but the active one, the newest
``dispatch.keep_model_versions`` others and those younger than ``dispatch.keep_model_days``).
The database refuses the deletion of the active version: the administrators' delete policy on
``classifier_models`` gains ``NOT active``.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
ADMIN = "(SELECT cc_my_role()) = 'admin'"
NOT_ACTIVE = f"{ADMIN} AND NOT active"
TABLE = "classifier_models"


def upgrade() -> None:
    op.execute(f"DROP POLICY cc_delete ON {TABLE}")
    op.execute(f"CREATE POLICY cc_delete ON {TABLE} FOR DELETE TO {APP_ROLE} USING ({NOT_ACTIVE})")


def downgrade() -> None:
    op.execute(f"DROP POLICY cc_delete ON {TABLE}")
    op.execute(f"CREATE POLICY cc_delete ON {TABLE} FOR DELETE TO {APP_ROLE} USING ({ADMIN})")
