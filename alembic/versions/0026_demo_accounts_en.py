"""The sign-in dialog's demo accounts with their department's English name as well
(``cc_auth_demo_accounts()`` gains ``department_name_en``), for the English interface.

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GATEKEEPER = "cc_gatekeeper"

FUNCTION = """
CREATE FUNCTION cc_auth_demo_accounts()
RETURNS TABLE(id bigint, username text, display_name text, role_code text, role_name text,
              department_id bigint, department_name text{extra_column})
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.id, u.username::text, u.display_name::text, u.role_code::text, r.name::text,
           u.department_id, d.name::text{extra_value}
    FROM app_users u JOIN roles r ON r.code = u.role_code
    LEFT JOIN departments d ON d.id = u.department_id
    WHERE u.active AND cc_auth_is_demo()
    ORDER BY u.role_code, u.username
$$
"""


def _replace(extra_column: str, extra_value: str) -> None:
    # the columns it returns change: dropped and made again, for the gatekeeper only
    op.execute("DROP FUNCTION cc_auth_demo_accounts()")
    op.execute(FUNCTION.format(extra_column=extra_column, extra_value=extra_value))
    op.execute("REVOKE EXECUTE ON FUNCTION cc_auth_demo_accounts() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION cc_auth_demo_accounts() TO {GATEKEEPER}")


def upgrade() -> None:
    _replace(", department_name_en text", ", d.name_en::text")


def downgrade() -> None:
    _replace("", "")
