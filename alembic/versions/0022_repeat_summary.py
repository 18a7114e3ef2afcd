"""analysis: a daily summary of the repeat keys of the early warnings (incident_repeat_daily)

- ``incident_repeat_daily``: counted incidents (not merged) per day of report (Beijing time)
  and repeat key, the key hashed to a bigint ``h``: the *masked* number
  (``reporter_phone_masked``, what the warning shows and groups by), and the address with the
  leaf category (the hashes' text is PHONE_HASH / ADDRESS_HASH below, the same in
  services/analysis.py). Neither the raw number nor even the masked one is stored here. The
  early warnings (services/analysis._repeats) sum it over the whole days covering their 30-day
  window, grouped by ``h``, to find the keys that can reach ``repeat_min`` (a hash collision
  only adds a candidate), then count exactly those keys, by their real text, in ``incidents``
  through the two expression indexes below — instead of grouping the window's ~80,000
  incidents by their text on every refresh. (A summary keyed by the text itself was tried
  first and measured slower than the plain query: most keys occur once, so it has as many rows
  as the incidents and sorting Chinese text is the cost.)
- Kept like ``incident_daily`` (0013): statement-level triggers with transition tables on
  ``incidents`` add the new rows and subtract the old ones in the transaction of the change
  (inserts, merges, updates of the phone, the address or the category, deletes);
  ``cc_incident_repeat_daily_rebuild()`` makes it anew (in order of day, so that a window's
  rows lie together, as the triggers' new rows do) and is run here.
- ``ix_incidents_repeat_phone`` and ``ix_incidents_repeat_address`` (on the hashes): the
  exact count and the records behind a warning, read by key.
- Row-level security and grants as ``incident_daily``: the center's logins read it; nobody
  writes it but its triggers.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 10:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
CENTER_GROUP = "cc_center"

# the repeat keys, hashed (services/analysis.REPEAT_PHONE_HASH / REPEAT_ADDRESS_HASH: the same
# text, so that the incidents' expression indexes below serve the service's look-up)
PHONE_HASH = "hashtextextended('phone:' || {r}reporter_phone_masked, 0)"
ADDRESS_HASH = (
    "hashtextextended('address:' || {r}address::text || chr(31) || {r}category_code::text, 0)"
)
PHONE_WHERE = "{r}reporter_phone_masked <> ''"
ADDRESS_WHERE = "{r}address <> '' AND {r}category_code IS NOT NULL"

# one incident's contribution: one row per repeat key it has
REPEAT_ROWS = f"""SELECT (r.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
    {PHONE_HASH.format(r="r.")} AS h, {{sign}} AS delta
    FROM {{source}} r WHERE r.status <> 'merged' AND {PHONE_WHERE.format(r="r.")}
    UNION ALL SELECT (r.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
    {ADDRESS_HASH.format(r="r.")} AS h, {{sign}} AS delta
    FROM {{source}} r WHERE r.status <> 'merged' AND {ADDRESS_WHERE.format(r="r.")}"""


def _upsert(rows: str, order: str = "") -> str:
    return f"""
        INSERT INTO incident_repeat_daily AS d (day, h, n)
        SELECT x.day, x.h, sum(x.delta) FROM ({rows}) x
        GROUP BY 1, 2 HAVING sum(x.delta) <> 0 {order}
        ON CONFLICT (day, h) DO UPDATE SET n = d.n + EXCLUDED.n;"""


SQL = f"""
CREATE FUNCTION cc_incident_repeat_daily() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_upsert(REPEAT_ROWS.format(sign=1, source="new_rows"))}
    ELSIF TG_OP = 'DELETE' THEN
        {_upsert(REPEAT_ROWS.format(sign=-1, source="old_rows"))}
    ELSE
        {_upsert(REPEAT_ROWS.format(sign=1, source="new_rows") + " UNION ALL "
                 + REPEAT_ROWS.format(sign=-1, source="old_rows"))}
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION cc_incident_repeat_daily_rebuild() RETURNS bigint LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE k bigint;
BEGIN
    DELETE FROM incident_repeat_daily;
    {_upsert(REPEAT_ROWS.format(sign=1, source="incidents"), "ORDER BY 1, 2")}
    GET DIAGNOSTICS k = ROW_COUNT;
    RETURN k;
END $$;

CREATE TRIGGER cc_incident_repeat_daily_insert AFTER INSERT ON incidents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_incident_repeat_daily();
CREATE TRIGGER cc_incident_repeat_daily_update AFTER UPDATE ON incidents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cc_incident_repeat_daily();
CREATE TRIGGER cc_incident_repeat_daily_delete AFTER DELETE ON incidents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cc_incident_repeat_daily();
"""

FUNCTIONS = ("cc_incident_repeat_daily()", "cc_incident_repeat_daily_rebuild()")


def upgrade() -> None:
    op.create_table(
        "incident_repeat_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("h", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "h", name=op.f("pk_incident_repeat_daily")),
    )
    op.execute(SQL)
    op.execute("SELECT cc_incident_repeat_daily_rebuild()")
    for fn in FUNCTIONS:
        op.execute(f"REVOKE EXECUTE ON FUNCTION {fn} FROM PUBLIC")
    op.execute(
        f"CREATE INDEX ix_incidents_repeat_phone ON incidents ({PHONE_HASH.format(r='')}, "
        f"reported_at) WHERE {PHONE_WHERE.format(r='')}"
    )
    op.execute(
        f"CREATE INDEX ix_incidents_repeat_address ON incidents ({ADDRESS_HASH.format(r='')}, "
        f"reported_at) WHERE {ADDRESS_WHERE.format(r='')}"
    )
    op.execute("ALTER TABLE incident_repeat_daily ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE incident_repeat_daily FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY cc_read ON incident_repeat_daily FOR SELECT TO {CENTER_GROUP} "
               "USING (true)")
    for action in ("INSERT", "UPDATE", "DELETE"):
        check = "WITH CHECK (false)" if action == "INSERT" else "USING (false)"
        op.execute(f"CREATE POLICY cc_{action.lower()} ON incident_repeat_daily FOR {action} "
                   f"TO {APP_ROLE} {check}")
    op.execute("REVOKE ALL ON incident_repeat_daily FROM PUBLIC")
    op.execute(f"GRANT SELECT ON incident_repeat_daily TO {APP_ROLE}")
    op.execute("""
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('CREATE POLICY cc_owner ON incident_repeat_daily TO %I USING (true) '
                       'WITH CHECK (true)', current_user);
    END IF;
END $$;
""")
    op.execute("ANALYZE incident_repeat_daily")


def downgrade() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER cc_incident_repeat_daily_{event} ON incidents")
    for fn in FUNCTIONS:
        op.execute(f"DROP FUNCTION {fn}")
    op.execute("DROP INDEX ix_incidents_repeat_phone")
    op.execute("DROP INDEX ix_incidents_repeat_address")
    op.drop_table("incident_repeat_daily")
