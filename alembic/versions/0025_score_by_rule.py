"""The monthly score's points summed per rule as well (score_point_monthly gains ``rule``).

The score is on the 100 scale (services/supervision.unit_score): the rules' points count per
hundred orders that fell due in the month, credit is capped, and points given by hand count
whole. So a month's sums are needed per rule (credit, debit, by hand) with their counts (the
orders closed on time and the overdue ones are the orders that fell due), not as one sum. A
locked month keeps the scale it was scored on (``score_months.scale``).

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _revision(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name[:-3], Path(__file__).with_name(name))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


OLD = _revision("0024_repeat_keys.py")

SCORE_ROWS = """SELECT p.month, p.unit_type, p.unit_id, p.rule, {sign} * p.points AS points,
    {sign} AS n FROM {source} p"""


def _score_upsert(rows: str, order: str = "") -> str:
    return f"""
        INSERT INTO score_point_monthly AS d (month, unit_type, unit_id, rule, points, n)
        SELECT x.month, x.unit_type, x.unit_id, x.rule, sum(x.points), sum(x.n) FROM ({rows}) x
        GROUP BY 1, 2, 3, 4 HAVING sum(x.n) <> 0 OR sum(x.points) <> 0 {order}
        ON CONFLICT (month, unit_type, unit_id, rule)
        DO UPDATE SET points = d.points + EXCLUDED.points, n = d.n + EXCLUDED.n;"""


SCORE_SQL = f"""
CREATE FUNCTION cc_score_point_monthly() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_score_upsert(SCORE_ROWS.format(sign=1, source="new_rows"))}
    ELSIF TG_OP = 'DELETE' THEN
        {_score_upsert(SCORE_ROWS.format(sign=-1, source="old_rows"))}
    ELSE
        {_score_upsert(SCORE_ROWS.format(sign=1, source="new_rows") + " UNION ALL "
                       + SCORE_ROWS.format(sign=-1, source="old_rows"))}
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION cc_score_point_monthly_rebuild() RETURNS bigint LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE k bigint;
BEGIN
    DELETE FROM score_point_monthly;
    {_score_upsert(SCORE_ROWS.format(sign=1, source="score_points"), "ORDER BY 1, 2, 3, 4")}
    GET DIAGNOSTICS k = ROW_COUNT;
    RETURN k;
END $$;
""" + OLD.SCORE_SQL[OLD.SCORE_SQL.index("CREATE TRIGGER"):]


def _drop() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER cc_score_point_monthly_{event} ON score_points")
    for fn in OLD.SCORE_FUNCTIONS:
        op.execute(f"DROP FUNCTION {fn}")
    op.drop_table("score_point_monthly")


def _create(by_rule: bool) -> None:
    op.create_table(
        "score_point_monthly",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("unit_type", sa.String(12), nullable=False),
        sa.Column("unit_id", sa.BigInteger(), nullable=False),
        *([sa.Column("rule", sa.String(24), nullable=False)] if by_rule else []),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "unit_type", "unit_id", *(["rule"] if by_rule else []),
            name=op.f("pk_score_point_monthly"),
        ),
    )
    op.execute(SCORE_SQL if by_rule else OLD.SCORE_SQL)
    op.execute("SELECT cc_score_point_monthly_rebuild()")
    for fn in OLD.SCORE_FUNCTIONS:
        op.execute(f"REVOKE EXECUTE ON FUNCTION {fn} FROM PUBLIC")
    OLD._rls("score_point_monthly")
    op.execute("ANALYZE score_point_monthly")


def upgrade() -> None:
    _drop()
    _create(by_rule=True)
    # a locked month keeps the scale it was scored on (months locked before: today's)
    op.add_column("score_months", sa.Column("scale", postgresql.JSONB(), nullable=True))


def downgrade() -> None:
    op.drop_column("score_months", "scale")
    _drop()
    _create(by_rule=False)
