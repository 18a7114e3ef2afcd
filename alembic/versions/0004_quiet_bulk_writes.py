"""quiet bulk writes: a transaction that sets ``cc.bulk = on`` sends no notification per row

A bulk import (thousands of hotline requests) used to send one notification per incident and
per audit entry — 20,000 for 10,000 requests — and every open window re-read rows one burst at a
time. Such an import now sets ``SET LOCAL cc.bulk = 'on'`` and sends one
``{"t": "*", "op": "reload"}`` at the end, delivered at commit (and never if it rolls back).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 23:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BODY = """
CREATE OR REPLACE FUNCTION cc_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rec jsonb;
BEGIN
    {guard}
    IF TG_OP = 'DELETE' THEN rec := to_jsonb(OLD); ELSE rec := to_jsonb(NEW); END IF;
    PERFORM pg_notify('cc_changes', json_build_object(
        't', TG_TABLE_NAME, 'op', lower(TG_OP), 'id', rec->'id', 'v', rec->'version')::text);
    RETURN NULL;
END $$;
"""
GUARD = "IF current_setting('cc.bulk', true) = 'on' THEN RETURN NULL; END IF;"


def upgrade() -> None:
    op.execute(BODY.replace("{guard}", GUARD))


def downgrade() -> None:
    op.execute(BODY.replace("{guard}", ""))
