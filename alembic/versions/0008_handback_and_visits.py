"""a department's objection names the department it thinks the matter belongs to; a return
visit says how it was made

- ``work_orders.suggested_department_id``: on an objection (异议), the department the objecting
  one suggests; the center sees it at the top of the incident and the dispatch dialog offers it.
- ``return_visits.method`` takes only the methods of ``services/orders.VISIT_METHODS``
  (phone, on-site, SMS, WeChat).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 06:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the same list as command_center.services.orders.VISIT_METHODS (checked by a test)
VISIT_METHODS = ("phone", "visit", "sms", "wechat")


def upgrade() -> None:
    op.add_column(
        "work_orders",
        sa.Column(
            "suggested_department_id",
            sa.BigInteger(),
            sa.ForeignKey("departments.id", name="fk_work_orders_suggested_department"),
            nullable=True,
        ),
    )
    op.execute(
        "UPDATE return_visits SET method = 'phone' WHERE method NOT IN "
        + "("
        + ",".join(f"'{m}'" for m in VISIT_METHODS)
        + ")"
    )
    op.create_check_constraint(
        "ck_return_visits_method",
        "return_visits",
        "method IN (" + ",".join(f"'{m}'" for m in VISIT_METHODS) + ")",
    )


def downgrade() -> None:
    op.drop_constraint("ck_return_visits_method", "return_visits", type_="check")
    op.drop_column("work_orders", "suggested_department_id")
