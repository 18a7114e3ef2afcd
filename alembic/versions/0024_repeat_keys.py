"""analysis: the repeat keys' days in one row a key (incident_repeat_keys), replacing 0022's
daily rows (incident_repeat_daily); the daily summary without its row of all incidents

The early warnings' repeat reporters and addresses (services/analysis._repeats) summed 0022's
``incident_repeat_daily`` over the 30 days covering their window to find the keys that can
reach ``repeat_min``: ~120,000 rows at scale 16, most of them keys seen once, summed on every
refresh. Now:

- ``incident_repeat_keys``: one row per repeat key (the same hashed keys as 0022: the masked
  number, or the address with the leaf category; ``kind`` 0 for the number, 1 for the
  address, so that each is looked up in its own index) with ``days``, the days of report
  (Beijing time) of its counted incidents (not merged), sorted, one element per incident; and
  ``prev_day``, the second latest of them (generated). A key with two or more reports in whole
  days ``[d0, d1]`` has ``prev_day >= d0`` whatever comes after ``d1``, so the panel reads only
  the keys ``ix_incident_repeat_keys_prev_day`` gives for ``prev_day >= d0`` (~12,000 at scale
  16, not 120,000 rows) and counts their days in the window from the array; then, as before,
  counts exactly those keys by their text, with their records, in ``incidents`` through 0022's
  two expression indexes (a hash collision still only adds a candidate).
- Kept like 0022's rows: statement-level triggers with transition tables on ``incidents``, in
  the transaction of the change: the net change per key and day (an update that moves no key,
  such as a change of status, changes nothing), applied to the key's row by an UPDATE that
  reads the row as it is (a concurrent change of the same key is waited for and kept), or an
  INSERT for a new key. A key whose incidents are all gone keeps an empty row (counted as
  nothing); ``cc_incident_repeat_keys_rebuild()`` makes the table anew, in order of
  ``prev_day`` (the panel's keys lie together), and is run here.
- ``incident_repeat_daily``, its triggers and functions (0022) are dropped; its indexes on
  ``incidents`` stay (the exact count reads them).
- Row-level security and grants as 0022: the center's logins read it; only its triggers write.
- ``score_point_monthly``: the supervision score's points (``score_points``, 0010) summed per
  month and unit (``n`` the points' rows), kept by statement triggers with transition tables
  like the others (``cc_score_point_monthly_rebuild()``); the departments table of the
  analysis read 1.7 million points for a year at scale 16 to show ten scores. Read by the
  center; a department's handler reads its own department's rows, as in ``score_points``.
- ``incident_daily`` (0013) keeps no dimension ``all`` any more: every new incident of a day
  updated that one row, and in a transaction of many single inserts (an import row by row, the
  analysis benchmark's 1,000) each upsert walked the chain of its versions made earlier in the
  transaction. The totals are the channels' rows summed (every incident has one channel).
  Its rebuild now writes in the order of its key, and it is made anew here (TRUNCATE, then
  the rebuild): a dimension's range of days lies together on disk, as the triggers leave the
  rows of each new day; the scale-16 seed's COPY left every range across the whole table.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 12:40:00
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
CENTER_GROUP = "cc_center"
HANDLER_GROUP = "cc_handler"

# the keys hashed exactly as 0022 (and services/analysis.REPEAT_PHONE_HASH / _ADDRESS_HASH)
PHONE_HASH = "hashtextextended('phone:' || {r}reporter_phone_masked, 0)"
ADDRESS_HASH = (
    "hashtextextended('address:' || {r}address::text || chr(31) || {r}category_code::text, 0)"
)
PHONE_WHERE = "{r}reporter_phone_masked <> ''"
ADDRESS_WHERE = "{r}address <> '' AND {r}category_code IS NOT NULL"

# one incident's keys: (kind, hash, day, sign)
KEY_ROWS = f"""SELECT 0::smallint AS kind, {PHONE_HASH.format(r="r.")} AS h,
    (r.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, {{sign}} AS delta
    FROM {{source}} r WHERE r.status <> 'merged' AND {PHONE_WHERE.format(r="r.")}
    UNION ALL SELECT 1::smallint, {ADDRESS_HASH.format(r="r.")},
    (r.reported_at AT TIME ZONE 'Asia/Shanghai')::date, {{sign}}
    FROM {{source}} r WHERE r.status <> 'merged' AND {ADDRESS_WHERE.format(r="r.")}"""


def _days(days: str, plus: str, minus: str) -> str:
    """``days`` with the days of ``plus`` added and those of ``minus`` taken away (multisets,
    sorted): inline, so that the trigger's statement keeps one cached plan."""
    return f"""CASE WHEN cardinality({minus}) = 0
        THEN ARRAY(SELECT a.d FROM unnest({days} || {plus}) a (d) ORDER BY a.d)
        ELSE ARRAY(SELECT x.d FROM (SELECT a.d, row_number() OVER (PARTITION BY a.d) AS rn
                   FROM unnest({days} || {plus}) a (d)) x
                   WHERE x.rn > (SELECT count(*) FROM unnest({minus}) m (d) WHERE m.d = x.d)
                   ORDER BY x.d) END"""


def _apply(rows: str) -> str:
    """The net change per key and day of ``rows``, applied to the keys' rows: an UPDATE of
    the keys there (it reads the row as it is, also after waiting for a concurrent change of
    the same key), an INSERT of the others."""
    return f"""
        WITH c AS (
            SELECT x.kind, x.h, x.day, sum(x.delta)::int AS delta FROM ({rows}) x
            GROUP BY 1, 2, 3 HAVING sum(x.delta) <> 0
        ), g AS (
            SELECT c.kind, c.h, coalesce(array_agg(c.day) FILTER (WHERE c.delta > 0),
                                         '{{}}') AS plus,
                coalesce(array_agg(c.day) FILTER (WHERE c.delta < 0), '{{}}') AS minus
            FROM c CROSS JOIN LATERAL generate_series(1, abs(c.delta)) GROUP BY 1, 2
        ), u AS (
            UPDATE incident_repeat_keys t SET days = {_days("t.days", "g.plus", "g.minus")}
            FROM g WHERE t.h = g.h AND t.kind = g.kind RETURNING t.kind, t.h
        )
        INSERT INTO incident_repeat_keys AS t (h, kind, days)
        SELECT g.h, g.kind, {_days("'{}'::date[]", "g.plus", "g.minus")} FROM g
        WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.h = g.h AND u.kind = g.kind)
        ON CONFLICT (h, kind) DO UPDATE
        SET days = ARRAY(SELECT a.d FROM unnest(t.days || EXCLUDED.days) a (d) ORDER BY a.d);"""


def _add(rows: str) -> str:
    """New incidents (the commonest change, one statement): their days added to their keys
    (the update adds to the row as it is when it waits for a concurrent change of the key)."""
    return f"""
        INSERT INTO incident_repeat_keys AS t (h, kind, days)
        SELECT x.h, x.kind, array_agg(x.day ORDER BY x.day) FROM ({rows}) x GROUP BY 1, 2
        ON CONFLICT (h, kind) DO UPDATE
        SET days = ARRAY(SELECT a.d FROM unnest(t.days || EXCLUDED.days) a (d) ORDER BY a.d);"""


SQL = f"""
CREATE FUNCTION cc_incident_repeat_keys() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_add(KEY_ROWS.format(sign=1, source="new_rows"))}
    ELSIF TG_OP = 'DELETE' THEN
        {_apply(KEY_ROWS.format(sign=-1, source="old_rows"))}
    ELSE
        {_apply(KEY_ROWS.format(sign=1, source="new_rows") + " UNION ALL "
                + KEY_ROWS.format(sign=-1, source="old_rows"))}
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION cc_incident_repeat_keys_rebuild() RETURNS bigint LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE k bigint;
BEGIN
    DELETE FROM incident_repeat_keys;
    INSERT INTO incident_repeat_keys (h, kind, days)
    SELECT x.h, x.kind, array_agg(x.day ORDER BY x.day)
    FROM ({KEY_ROWS.format(sign=1, source="incidents")}) x
    GROUP BY 1, 2 ORDER BY (array_agg(x.day ORDER BY x.day DESC))[2] NULLS FIRST;
    GET DIAGNOSTICS k = ROW_COUNT;
    RETURN k;
END $$;

CREATE TRIGGER cc_incident_repeat_keys_insert AFTER INSERT ON incidents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_incident_repeat_keys();
CREATE TRIGGER cc_incident_repeat_keys_update AFTER UPDATE ON incidents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_incident_repeat_keys();
CREATE TRIGGER cc_incident_repeat_keys_delete AFTER DELETE ON incidents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_incident_repeat_keys();
"""

# incident_daily (0013) without its dimension 'all': the one row every new incident of a day
# updated (in a transaction of many inserts, a chain of versions each upsert walks); the
# totals are the channels' rows summed (services/analysis._daily)
DAILY_ROWS = """SELECT (r.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
    r.status IN ('resolved', 'verified', 'closed') AS resolved, {sign} AS delta,
    coalesce(r.town_id::text, '') AS town, coalesce(r.village_id::text, '') AS village,
    coalesce(r.grid_id::text, '') AS grid, coalesce(r.category_code, '') AS category,
    r.channel_code AS channel
    FROM {source} r WHERE r.status <> 'merged'"""


def _daily_upsert(rows: str, order: str = "") -> str:
    return f"""
        INSERT INTO incident_daily AS d (day, dim, key, resolved, n)
        SELECT x.day, v.dim, v.key, x.resolved, sum(x.delta) FROM ({rows}) x
        CROSS JOIN LATERAL (VALUES ('town', x.town), ('village', x.village),
            ('grid', x.grid), ('category', x.category), ('channel', x.channel)) v (dim, key)
        GROUP BY 1, 2, 3, 4 HAVING sum(x.delta) <> 0 {order}
        ON CONFLICT (dim, day, key, resolved) DO UPDATE SET n = d.n + EXCLUDED.n;"""


DAILY_SQL = f"""
CREATE OR REPLACE FUNCTION cc_incident_daily() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_daily_upsert(DAILY_ROWS.format(sign=1, source="new_rows"))}
    ELSIF TG_OP = 'DELETE' THEN
        {_daily_upsert(DAILY_ROWS.format(sign=-1, source="old_rows"))}
    ELSE
        {_daily_upsert(DAILY_ROWS.format(sign=1, source="new_rows") + " UNION ALL "
                       + DAILY_ROWS.format(sign=-1, source="old_rows"))}
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cc_incident_daily_rebuild() RETURNS bigint LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE k bigint;
BEGIN
    DELETE FROM incident_daily;
    {_daily_upsert(DAILY_ROWS.format(sign=1, source="incidents"), "ORDER BY 2, 1, 3, 4")}
    GET DIAGNOSTICS k = ROW_COUNT;
    RETURN k;
END $$;
"""


# score_points (0010) summed per month and unit: the analysis' departments table shows each
# department's supervision score over the months of its range (services/analysis.
# supervision_scores), which summed 1.7 million points for a year at scale 16
SCORE_ROWS = """SELECT p.month, p.unit_type, p.unit_id, {sign} * p.points AS points, {sign} AS n
    FROM {source} p"""


def _score_upsert(rows: str, order: str = "") -> str:
    return f"""
        INSERT INTO score_point_monthly AS d (month, unit_type, unit_id, points, n)
        SELECT x.month, x.unit_type, x.unit_id, sum(x.points), sum(x.n) FROM ({rows}) x
        GROUP BY 1, 2, 3 HAVING sum(x.n) <> 0 OR sum(x.points) <> 0 {order}
        ON CONFLICT (month, unit_type, unit_id)
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
    {_score_upsert(SCORE_ROWS.format(sign=1, source="score_points"), "ORDER BY 1, 2, 3")}
    GET DIAGNOSTICS k = ROW_COUNT;
    RETURN k;
END $$;

CREATE TRIGGER cc_score_point_monthly_insert AFTER INSERT ON score_points
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_score_point_monthly();
CREATE TRIGGER cc_score_point_monthly_update AFTER UPDATE ON score_points
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_score_point_monthly();
CREATE TRIGGER cc_score_point_monthly_delete AFTER DELETE ON score_points
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_score_point_monthly();
"""
SCORE_FUNCTIONS = ("cc_score_point_monthly()", "cc_score_point_monthly_rebuild()")


FUNCTIONS = ("cc_incident_repeat_keys()", "cc_incident_repeat_keys_rebuild()")


def _rls(table: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY cc_read ON {table} FOR SELECT TO {CENTER_GROUP} USING (true)")
    if table == "score_point_monthly":  # a department's handler: its own, as score_points
        op.execute(f"CREATE POLICY cc_read_handler ON {table} FOR SELECT TO {HANDLER_GROUP} "
                   "USING (unit_type = 'department' AND unit_id = (SELECT cc_my_department()))")
    for action in ("INSERT", "UPDATE", "DELETE"):
        check = "WITH CHECK (false)" if action == "INSERT" else "USING (false)"
        op.execute(f"CREATE POLICY cc_{action.lower()} ON {table} FOR {action} "
                   f"TO {APP_ROLE} {check}")
    op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
    op.execute(f"GRANT SELECT ON {table} TO {APP_ROLE}")
    op.execute(f"""
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('CREATE POLICY cc_owner ON {table} TO %I USING (true) '
                       'WITH CHECK (true)', current_user);
    END IF;
END $$;
""")


def _revision(name: str):  # type: ignore[no-untyped-def]
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"cc_alembic_{name[:4]}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER cc_incident_repeat_daily_{event} ON incidents")
    op.execute("DROP FUNCTION cc_incident_repeat_daily()")
    op.execute("DROP FUNCTION cc_incident_repeat_daily_rebuild()")
    op.drop_table("incident_repeat_daily")
    op.create_table(
        "incident_repeat_keys",
        sa.Column("h", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("days", postgresql.ARRAY(sa.Date()), nullable=False),
        sa.Column(
            "prev_day", sa.Date(),
            sa.Computed("days[cardinality(days) - 1]", persisted=True), nullable=True,
        ),
        sa.PrimaryKeyConstraint("h", "kind", name=op.f("pk_incident_repeat_keys")),
    )
    op.execute(SQL)
    op.execute("SELECT cc_incident_repeat_keys_rebuild()")
    op.execute(DAILY_SQL)
    # made anew in the order of its key: a dimension's range of days lies together (as the
    # triggers' rows of each new day do), which a seed's COPY in batches does not leave
    op.execute("TRUNCATE incident_daily")
    op.execute("SELECT cc_incident_daily_rebuild()")
    op.execute("ANALYZE incident_daily")
    op.create_table(
        "score_point_monthly",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("unit_type", sa.String(12), nullable=False),
        sa.Column("unit_id", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "unit_type", "unit_id", name=op.f("pk_score_point_monthly")
        ),
    )
    op.execute(SCORE_SQL)
    op.execute("SELECT cc_score_point_monthly_rebuild()")
    for fn in SCORE_FUNCTIONS:
        op.execute(f"REVOKE EXECUTE ON FUNCTION {fn} FROM PUBLIC")
    _rls("score_point_monthly")
    op.execute("ANALYZE score_point_monthly")
    for fn in FUNCTIONS:
        op.execute(f"REVOKE EXECUTE ON FUNCTION {fn} FROM PUBLIC")
    op.create_index(
        "ix_incident_repeat_keys_prev_day", "incident_repeat_keys", ["prev_day"],
        postgresql_where=sa.text("prev_day IS NOT NULL"),
    )
    _rls("incident_repeat_keys")
    op.execute("ANALYZE incident_repeat_keys")


def downgrade() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER cc_score_point_monthly_{event} ON score_points")
    for fn in SCORE_FUNCTIONS:
        op.execute(f"DROP FUNCTION {fn}")
    op.drop_table("score_point_monthly")
    daily = _revision("0013_analysis.py").DAILY_SQL.split("CREATE TRIGGER")[0]
    op.execute(daily.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    op.execute("SELECT cc_incident_daily_rebuild()")
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER cc_incident_repeat_keys_{event} ON incidents")
    for fn in FUNCTIONS:
        op.execute(f"DROP FUNCTION {fn}")
    op.drop_table("incident_repeat_keys")
    old = _revision("0022_repeat_summary.py")
    op.create_table(
        "incident_repeat_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("h", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "h", name=op.f("pk_incident_repeat_daily")),
    )
    op.execute(old.SQL)
    op.execute("SELECT cc_incident_repeat_daily_rebuild()")
    for fn in old.FUNCTIONS:
        op.execute(f"REVOKE EXECUTE ON FUNCTION {fn} FROM PUBLIC")
    _rls("incident_repeat_daily")
    op.execute("ANALYZE incident_repeat_daily")
