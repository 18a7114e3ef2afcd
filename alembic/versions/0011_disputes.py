"""disputes: mediation organisations and mediators, a case's workflow (time limit and one
extension, outcome, referral, withdrawal, transfer-in reference), scheduled follow-up visits,
alerts by size, repeat detection

- ``mediation_orgs`` (county center → town centers → village rooms, and specialised rooms) and
  their ``mediators``; a case names its organisation and mediator.
- ``dispute_cases``: people involved, risk reasons, the sender and its reference for a case
  transferred in (诉调/公调/访调对接), the time limit (``deadline_at``) and one extension with its
  reason, the agreement's fulfilment deadline and whether it was kept, the referral of a failed
  case, the note of a failure or withdrawal, the earlier case it repeats, how often reopened; a
  new status ``withdrawn``.
- ``dispute_parties.kind`` (a person or an organisation), readable like the party's other
  non-personal columns (the raw personal ones stay hidden, alembic 0006).
- ``mediation_sessions``: participants and the next step. ``follow_up_visits``: a visit is
  scheduled (``due_at``) before it is made (``visited_at``), and records satisfaction.
- ``dispute_alerts``: the alerts a major, urgent case raised (services/disputes.ALERT_BANDS),
  announced on the change channel.
- ``cc_mask_id`` keeps the first four and the last four characters of an identity number
  (1101**********1234), as the issue asks; the stored masks are recomputed.
- ``cc_dispute_repeats(case)``: the earlier cases between the same parties (identity number,
  or name and phone), for the center's roles — the raw columns stay unreadable to every login.
- Row-level security and grants as in 0005: the mediation organisations are read by everyone
  and kept by the center; alerts are the center's, like the other dispute tables.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
CENTER_GROUP = "cc_center"
CENTER_WRITE = "(SELECT cc_my_role()) IN ('duty_operator', 'supervisor', 'admin')"
ADMIN = "(SELECT cc_my_role()) = 'admin'"

# table: (select group, select, insert, update, delete) as in 0005
POLICIES = {
    "mediation_orgs": (APP_ROLE, "true", CENTER_WRITE, CENTER_WRITE, ADMIN),
    "mediators": (APP_ROLE, "true", CENTER_WRITE, CENTER_WRITE, ADMIN),
    "dispute_alerts": (CENTER_GROUP, "true", CENTER_WRITE, CENTER_WRITE, ADMIN),
}

MASK_ID_SQL = r"""
-- 110105199001011234 → 1101**********1234; shorter numbers as before (6*****2)
CREATE OR REPLACE FUNCTION cc_mask_id(p text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN p IS NULL OR p = '' THEN p
                WHEN char_length(p) >= 15
                    THEN left(p, 4) || repeat('*', char_length(p) - 8) || right(p, 4)
                WHEN char_length(p) >= 6
                    THEN left(p, 1) || repeat('*', char_length(p) - 2) || right(p, 1)
                ELSE repeat('*', char_length(p)) END
$$;
"""

MASK_ID_OLD_SQL = r"""
CREATE OR REPLACE FUNCTION cc_mask_id(p text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN p IS NULL OR p = '' THEN p
                WHEN char_length(p) >= 6
                    THEN left(p, 1) || repeat('*', char_length(p) - 2) || right(p, 1)
                ELSE repeat('*', char_length(p)) END
$$;
"""

# stored generated columns are recomputed by writing the column they come from
RECOMPUTE_SQL = """
UPDATE dispute_parties SET id_number = id_number WHERE id_number IS NOT NULL;
UPDATE grid_workers SET id_number = id_number WHERE id_number IS NOT NULL;
"""

REPEATS_SQL = r"""
-- the other cases sharing a party with p_case: the same identity number, or the same name and
-- phone; only for the center's roles (the raw columns stay unreadable to every login)
CREATE FUNCTION cc_dispute_repeats(p_case bigint)
RETURNS TABLE(case_id bigint, number text, received_at timestamptz, matched text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF coalesce(cc_my_role(), '') NOT IN ('duty_operator', 'supervisor', 'admin', 'analyst')
       AND session_user IN (SELECT db_login FROM app_users) THEN
        RAISE EXCEPTION 'cc: 无权查询当事人 / not allowed to look up parties'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
    SELECT c.id, c.number::text, c.received_at,
           CASE WHEN bool_or(o.id_number IS NOT NULL AND o.id_number = p.id_number)
                THEN 'id_number' ELSE 'name_phone' END
    FROM dispute_parties p
    JOIN dispute_parties o ON o.case_id <> p.case_id AND (
            (p.id_number IS NOT NULL AND o.id_number = p.id_number)
         OR (p.phone IS NOT NULL AND o.name = p.name AND o.phone = p.phone))
    JOIN dispute_cases c ON c.id = o.case_id
    WHERE p.case_id = p_case
    GROUP BY c.id, c.number, c.received_at
    ORDER BY c.received_at DESC
    LIMIT 20;
END $$;
"""


def _owner_policies(tables: Sequence[str]) -> str:
    names = ", ".join(f"'{t}'" for t in tables)
    return f"""
DO $$
DECLARE t text;
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        FOREACH t IN ARRAY ARRAY[{names}] LOOP
            EXECUTE format('CREATE POLICY cc_owner ON %I TO %I USING (true) WITH CHECK (true)',
                           t, current_user);
        END LOOP;
    END IF;
END $$;
"""


def upgrade() -> None:
    op.create_table(
        "mediation_orgs",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("area_id", sa.BigInteger(), nullable=True),
        sa.Column("town_id", sa.BigInteger(), nullable=True),
        sa.Column("specialty", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.CheckConstraint(
            "level IN ('county','town','village','special')",
            name=op.f("ck_mediation_orgs_level_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["mediation_orgs.id"],
            name=op.f("fk_mediation_orgs_parent_id_mediation_orgs"),
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["admin_areas.id"], name=op.f("fk_mediation_orgs_area_id_admin_areas")
        ),
        sa.ForeignKeyConstraint(
            ["town_id"], ["admin_areas.id"], name=op.f("fk_mediation_orgs_town_id_admin_areas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_orgs")),
        sa.UniqueConstraint("name", name=op.f("uq_mediation_orgs_name")),
    )
    op.create_index(op.f("ix_mediation_orgs_parent_id"), "mediation_orgs", ["parent_id"])
    op.create_table(
        "mediators",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("org_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["mediation_orgs.id"], name=op.f("fk_mediators_org_id_mediation_orgs")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_users.id"], name=op.f("fk_mediators_user_id_app_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediators")),
    )
    op.create_index(op.f("ix_mediators_org_id"), "mediators", ["org_id"])

    cases = (
        sa.Column("org_id", sa.BigInteger(), nullable=True),
        sa.Column("mediator_id", sa.BigInteger(), nullable=True),
        sa.Column("people_involved", sa.Integer(), server_default="2", nullable=False),
        sa.Column("risk_reasons", sa.Text(), nullable=True),
        sa.Column("source_org", sa.String(length=100), nullable=True),
        sa.Column("source_reference", sa.String(length=64), nullable=True),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("extensions", sa.Integer(), server_default="0", nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("fulfil_by", sa.Date(), nullable=True),
        sa.Column("fulfilled", sa.Boolean(), nullable=True),
        sa.Column("referral", sa.String(length=16), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("repeat_of_id", sa.BigInteger(), nullable=True),
        sa.Column("reopened", sa.Integer(), server_default="0", nullable=False),
    )
    for column in cases:
        op.add_column("dispute_cases", column)
    op.create_foreign_key(
        op.f("fk_dispute_cases_org_id_mediation_orgs"), "dispute_cases", "mediation_orgs",
        ["org_id"], ["id"],
    )
    op.create_foreign_key(
        op.f("fk_dispute_cases_mediator_id_mediators"), "dispute_cases", "mediators",
        ["mediator_id"], ["id"],
    )
    op.create_foreign_key(
        op.f("fk_dispute_cases_repeat_of_id_dispute_cases"), "dispute_cases", "dispute_cases",
        ["repeat_of_id"], ["id"],
    )
    op.drop_constraint(op.f("ck_dispute_cases_status_valid"), "dispute_cases", type_="check")
    op.create_check_constraint(
        op.f("ck_dispute_cases_status_valid"), "dispute_cases",
        "status IN ('received','mediating','agreement','failed','referred_court','withdrawn',"
        "'closed')",
    )
    op.create_check_constraint(
        op.f("ck_dispute_cases_referral_valid"), "dispute_cases",
        "referral IS NULL OR referral IN ('court','arbitration','petition')",
    )
    op.create_check_constraint(
        op.f("ck_dispute_cases_people_positive"), "dispute_cases", "people_involved >= 1"
    )
    op.create_check_constraint(
        op.f("ck_dispute_cases_one_extension"), "dispute_cases", "extensions BETWEEN 0 AND 1"
    )
    op.create_index("ix_dispute_cases_received_id", "dispute_cases", ["received_at", "id"])
    op.create_index("ix_dispute_cases_org_status", "dispute_cases", ["org_id", "status"])

    op.add_column(
        "dispute_parties",
        sa.Column("kind", sa.String(length=8), server_default="person", nullable=False),
    )
    op.execute(f"GRANT SELECT (kind) ON dispute_parties TO {APP_ROLE}")
    op.create_index("ix_dispute_parties_id_number", "dispute_parties", ["id_number"])
    op.create_index("ix_dispute_parties_name_phone", "dispute_parties", ["name", "phone"])

    op.add_column("mediation_sessions", sa.Column("participants", sa.Text(), nullable=True))
    op.add_column("mediation_sessions", sa.Column("next_step", sa.Text(), nullable=True))

    op.alter_column("follow_up_visits", "visited_at", nullable=True)
    op.alter_column("follow_up_visits", "visitor", nullable=True)
    op.add_column(
        "follow_up_visits", sa.Column("due_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "follow_up_visits", sa.Column("satisfaction", sa.String(length=12), nullable=True)
    )
    op.create_check_constraint(
        op.f("ck_follow_up_visits_satisfaction_valid"), "follow_up_visits",
        "satisfaction IS NULL OR satisfaction IN ('satisfied','basic','unsatisfied')",
    )

    op.create_table(
        "dispute_alerts",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "level IN ('town','county','city')", name=op.f("ck_dispute_alerts_level_valid")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["dispute_cases.id"],
            name=op.f("fk_dispute_alerts_case_id_dispute_cases"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_alerts")),
    )
    op.create_index(op.f("ix_dispute_alerts_case_id"), "dispute_alerts", ["case_id"])
    op.execute(
        "CREATE TRIGGER cc_notify_dispute_alerts AFTER INSERT OR UPDATE OR DELETE ON "
        "dispute_alerts FOR EACH ROW EXECUTE FUNCTION cc_notify_change()"
    )

    # security, as 0005 does for every table
    for table, (group, read, insert, update, delete) in POLICIES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY cc_read ON {table} FOR SELECT TO {group} USING ({read})")
        op.execute(f"CREATE POLICY cc_insert ON {table} FOR INSERT TO {APP_ROLE} "
                   f"WITH CHECK ({insert})")
        op.execute(f"CREATE POLICY cc_update ON {table} FOR UPDATE TO {APP_ROLE} "
                   f"USING ({update}) WITH CHECK ({update})")
        op.execute(f"CREATE POLICY cc_delete ON {table} FOR DELETE TO {APP_ROLE} USING ({delete})")
        op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {APP_ROLE}")
        op.execute(f"GRANT USAGE, SELECT ON SEQUENCE {table}_id_seq TO {APP_ROLE}")
    op.execute(_owner_policies(tuple(POLICIES)))

    op.execute(MASK_ID_SQL)
    op.execute(RECOMPUTE_SQL)
    op.execute(REPEATS_SQL)
    op.execute("REVOKE EXECUTE ON FUNCTION cc_dispute_repeats(bigint) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION cc_dispute_repeats(bigint) TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS cc_dispute_repeats(bigint)")
    op.execute(MASK_ID_OLD_SQL)
    op.execute(RECOMPUTE_SQL)
    op.drop_table("dispute_alerts")
    op.drop_constraint(
        op.f("ck_follow_up_visits_satisfaction_valid"), "follow_up_visits", type_="check"
    )
    op.drop_column("follow_up_visits", "satisfaction")
    op.drop_column("follow_up_visits", "due_at")
    op.execute("DELETE FROM follow_up_visits WHERE visited_at IS NULL")
    op.execute("UPDATE follow_up_visits SET visitor = '' WHERE visitor IS NULL")
    op.alter_column("follow_up_visits", "visitor", nullable=False)
    op.alter_column("follow_up_visits", "visited_at", nullable=False)
    op.drop_column("mediation_sessions", "next_step")
    op.drop_column("mediation_sessions", "participants")
    op.drop_index("ix_dispute_parties_name_phone", "dispute_parties")
    op.drop_index("ix_dispute_parties_id_number", "dispute_parties")
    op.drop_column("dispute_parties", "kind")
    op.drop_index("ix_dispute_cases_org_status", "dispute_cases")
    op.drop_index("ix_dispute_cases_received_id", "dispute_cases")
    for name in ("one_extension", "people_positive", "referral_valid", "status_valid"):
        op.drop_constraint(op.f(f"ck_dispute_cases_{name}"), "dispute_cases", type_="check")
    op.execute("UPDATE dispute_cases SET status = 'closed' WHERE status = 'withdrawn'")
    op.create_check_constraint(
        op.f("ck_dispute_cases_status_valid"), "dispute_cases",
        "status IN ('received','mediating','agreement','failed','referred_court','closed')",
    )
    for fk in ("repeat_of_id_dispute_cases", "mediator_id_mediators", "org_id_mediation_orgs"):
        op.drop_constraint(op.f(f"fk_dispute_cases_{fk}"), "dispute_cases", type_="foreignkey")
    for column in (
        "reopened", "repeat_of_id", "outcome_note", "referral", "fulfilled", "fulfil_by",
        "extension_reason", "extensions", "deadline_at", "source_reference", "source_org",
        "risk_reasons", "people_involved", "mediator_id", "org_id",
    ):
        op.drop_column("dispute_cases", column)
    op.drop_table("mediators")
    op.drop_table("mediation_orgs")
