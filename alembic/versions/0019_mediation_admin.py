"""mediation organisations kept by administrators: mediators' phone and speciality, versions,
and the rules of the tree enforced by the database

- ``mediators`` gain ``phone`` and ``specialty``; ``mediation_orgs`` and ``mediators`` gain a
  ``version`` (optimistic locking, as for cases).
- Only administrators add, rename, close, reopen or move rooms and mediators (row-level security:
  insert and update were the center's in 0011; delete stays the administrator's).
- ``cc_mediation_org_guard``: the tree's shape (the county center has no parent; a town center
  hangs under the county center; a village room under a town center; a specialised room under
  the county or a town center; the parent is open), and a room is closed only when it has no open
  case (services/disputes.OPEN_STATUSES), no open room under it and no active mediator.
- ``cc_mediator_guard``: an active mediator belongs to an open room; a mediator leaves a room
  (moved or made inactive) only when no open case of that room is still theirs.
- ``cc_dispute_case_room_guard``: a case given to a room (or taken in there) needs an open room,
  and its mediator must belong to that room. The room's row is read FOR SHARE, so a room being
  closed and a case being given to it do not pass each other.
- Changes to rooms and mediators are announced on the change channel (other workstations read
  their lists again).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
CENTER_WRITE = "(SELECT cc_my_role()) IN ('duty_operator', 'supervisor', 'admin')"
ADMIN = "(SELECT cc_my_role()) = 'admin'"
TABLES = ("mediation_orgs", "mediators")
OPEN = "('received', 'mediating')"  # services/disputes.OPEN_STATUSES

GUARDS_SQL = rf"""
CREATE FUNCTION cc_mediation_org_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_level text;
    parent_active boolean;
    fits boolean;
    n integer;
BEGIN
    IF TG_OP = 'INSERT' OR NEW.parent_id IS DISTINCT FROM OLD.parent_id
       OR NEW.level IS DISTINCT FROM OLD.level OR (NEW.active AND NOT OLD.active) THEN
        IF NEW.parent_id IS NOT NULL THEN
            SELECT level, active INTO parent_level, parent_active
            FROM mediation_orgs WHERE id = NEW.parent_id;
        END IF;
        fits := CASE NEW.level
                WHEN 'county' THEN NEW.parent_id IS NULL
                WHEN 'town' THEN parent_level = 'county'
                WHEN 'village' THEN parent_level = 'town'
                WHEN 'special' THEN parent_level IN ('county', 'town')
                ELSE false END;
        IF NOT coalesce(fits, false) THEN
            RAISE EXCEPTION 'cc: 调解组织层级不符（县中心→乡镇中心→村调解室，专业调解室在县或乡镇中心之下） / '
                'the room does not fit the tree (county center → town centers → village rooms, '
                'specialised rooms under the county or a town center)'
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.active AND parent_active IS FALSE THEN
            RAISE EXCEPTION 'cc: 上级调解组织已撤销 / the room above is closed'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.active AND NOT NEW.active THEN
        SELECT count(*) INTO n FROM dispute_cases
        WHERE org_id = NEW.id AND status IN {OPEN};
        IF n > 0 THEN
            RAISE EXCEPTION 'cc: 「%」还有 % 件未结案件，须先移交其他调解组织才能撤销 / '
                '% still has % open cases: move them to another room before closing it',
                NEW.name, n, NEW.name, n USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM mediation_orgs WHERE parent_id = NEW.id AND active) THEN
            RAISE EXCEPTION 'cc: 「%」下还有未撤销的调解组织 / % still has open rooms under it',
                NEW.name, NEW.name USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM mediators WHERE org_id = NEW.id AND active) THEN
            RAISE EXCEPTION 'cc: 「%」还有在岗调解员 / % still has active mediators',
                NEW.name, NEW.name USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION cc_mediator_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    IF NEW.active AND (TG_OP = 'INSERT' OR NEW.org_id IS DISTINCT FROM OLD.org_id
                       OR NOT OLD.active) THEN
        IF NOT EXISTS (SELECT 1 FROM mediation_orgs WHERE id = NEW.org_id AND active) THEN
            RAISE EXCEPTION 'cc: 调解组织已撤销，不能安排调解员 / the room is closed: no mediator '
                'can be placed there' USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.active
       AND (NEW.org_id IS DISTINCT FROM OLD.org_id OR NOT NEW.active) THEN
        SELECT count(*) INTO n FROM dispute_cases
        WHERE mediator_id = OLD.id AND org_id = OLD.org_id AND status IN {OPEN};
        IF n > 0 THEN
            RAISE EXCEPTION 'cc: 调解员「%」还有 % 件未结案件 / mediator % still has % open cases',
                OLD.name, n, OLD.name, n USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION cc_dispute_case_room_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.org_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.org_id IS DISTINCT FROM OLD.org_id) THEN
        PERFORM 1 FROM mediation_orgs WHERE id = NEW.org_id AND active FOR SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'cc: 调解组织已撤销 / the mediation room is closed'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF NEW.mediator_id IS NOT NULL AND (TG_OP = 'INSERT'
            OR NEW.mediator_id IS DISTINCT FROM OLD.mediator_id
            OR NEW.org_id IS DISTINCT FROM OLD.org_id) THEN
        PERFORM 1 FROM mediators WHERE id = NEW.mediator_id AND org_id = NEW.org_id FOR SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'cc: 调解员不属于该调解组织 / the mediator does not belong to the room'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER cc_mediation_org_guard BEFORE INSERT OR UPDATE ON mediation_orgs
    FOR EACH ROW EXECUTE FUNCTION cc_mediation_org_guard();
CREATE TRIGGER cc_mediator_guard BEFORE INSERT OR UPDATE ON mediators
    FOR EACH ROW EXECUTE FUNCTION cc_mediator_guard();
CREATE TRIGGER cc_dispute_case_room_guard BEFORE INSERT OR UPDATE OF org_id, mediator_id
    ON dispute_cases FOR EACH ROW EXECUTE FUNCTION cc_dispute_case_room_guard();
CREATE TRIGGER cc_notify_mediation_orgs AFTER INSERT OR UPDATE OR DELETE ON mediation_orgs
    FOR EACH ROW EXECUTE FUNCTION cc_notify_change();
CREATE TRIGGER cc_notify_mediators AFTER INSERT OR UPDATE OR DELETE ON mediators
    FOR EACH ROW EXECUTE FUNCTION cc_notify_change();
"""


def _policies(write: str) -> None:
    for table in TABLES:
        op.execute(f"DROP POLICY cc_insert ON {table}")
        op.execute(f"DROP POLICY cc_update ON {table}")
        op.execute(f"CREATE POLICY cc_insert ON {table} FOR INSERT TO {APP_ROLE} "
                   f"WITH CHECK ({write})")
        op.execute(f"CREATE POLICY cc_update ON {table} FOR UPDATE TO {APP_ROLE} "
                   f"USING ({write}) WITH CHECK ({write})")


def upgrade() -> None:
    op.add_column("mediators", sa.Column("phone", sa.String(length=32), nullable=True))
    op.add_column("mediators", sa.Column("specialty", sa.String(length=32), nullable=True))
    for table in TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), server_default="1",
                                       nullable=False))
    _policies(ADMIN)
    op.execute(GUARDS_SQL)


def downgrade() -> None:
    for trigger, table in (
        ("cc_notify_mediators", "mediators"),
        ("cc_notify_mediation_orgs", "mediation_orgs"),
        ("cc_dispute_case_room_guard", "dispute_cases"),
        ("cc_mediator_guard", "mediators"),
        ("cc_mediation_org_guard", "mediation_orgs"),
    ):
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    for fn in ("cc_dispute_case_room_guard", "cc_mediator_guard", "cc_mediation_org_guard"):
        op.execute(f"DROP FUNCTION {fn}()")
    _policies(CENTER_WRITE)
    for table in TABLES:
        op.drop_column(table, "version")
    op.drop_column("mediators", "specialty")
    op.drop_column("mediators", "phone")
