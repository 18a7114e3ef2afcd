"""supervision (督办): the sweep's steps, acknowledgement and replies, extensions, the score

- ``supervision_orders`` gains ``kind`` (auto / manual / proposal), ``stage`` (remind,
  overdue, yellow, red, focus, repeat, manual), the department and town it concerns, the
  supervisor's instructions, acknowledgement (签收) and reply; a unique index on (work order,
  level, stage) for every step but "manual", so two sweeps at once cannot raise one step twice.
- ``supervision_notes``: acknowledgement, progress, reply and review of a supervision.
- ``deadline_extensions``: a department's request for N working days and the decision; one
  pending request per order.
- ``score_points`` (the monthly score's ledger, each point traced to its order and rule) and
  ``score_months`` (locked months); ``supervision_sweeps``, the sweep's watermark.
- ``incidents``: an index on (grid, category, reported) for repeated reports at one place.
- ``departments.kind`` (functional department or town) and ``town_id``: card limits differ.
- Row-level security as in 0005–0007: the center reads everything and the duty operators,
  supervisors and administrators write; a department handler sees its own department's
  supervision, notes, extensions and points, may acknowledge and answer its supervision (a
  trigger refuses any other change) and ask for an extension; the analyst only reads.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 07:00:00
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _security() -> ModuleType:
    """Revision 0005, where the roles and the policies' vocabulary are written down."""
    path = Path(__file__).with_name("0005_security.py")
    spec = importlib.util.spec_from_file_location("cc_alembic_0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


STATUSES = (
    "proposed",
    "open",
    "acknowledged",
    "responded",
    "closed",
    "withdrawn",
    "escalated",
    "declined",
)
OLD_STATUSES = ("open", "responded", "closed")

DEPT = "(SELECT cc_my_department())"
SUPERVISOR = "(SELECT cc_my_role()) IN ('supervisor', 'admin')"
MY_SUPERVISION = "EXISTS (SELECT 1 FROM supervision_orders s WHERE s.id = {col})"

NEW_TABLES = (
    "supervision_notes",
    "deadline_extensions",
    "score_points",
    "score_months",
    "supervision_sweeps",
)

GUARD_SQL = """
CREATE FUNCTION cc_supervision_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- a department acknowledges and answers its supervision; nothing else of it is theirs
    IF (SELECT cc_my_role()) = 'dept_handler' AND (
        (NEW.number, NEW.level, NEW.kind, NEW.stage, NEW.incident_id, NEW.work_order_id,
         NEW.dispute_case_id, NEW.department_id, NEW.town_id, NEW.responsible_leader,
         NEW.issued_by_id, NEW.issued_at, NEW.deadline_at, NEW.reason, NEW.instructions,
         NEW.resolution, NEW.closed_at, NEW.closed_by_id)
        IS DISTINCT FROM
        (OLD.number, OLD.level, OLD.kind, OLD.stage, OLD.incident_id, OLD.work_order_id,
         OLD.dispute_case_id, OLD.department_id, OLD.town_id, OLD.responsible_leader,
         OLD.issued_by_id, OLD.issued_at, OLD.deadline_at, OLD.reason, OLD.instructions,
         OLD.resolution, OLD.closed_at, OLD.closed_by_id)
        OR NEW.status NOT IN ('open', 'acknowledged', 'responded')
    ) THEN
        RAISE EXCEPTION '部门只能签收和反馈督办 / a department may only acknowledge and answer '
            'its supervision' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
"""


def _policies(m: ModuleType) -> list[str]:
    """(table, command, name, group, expression) of the new policies."""
    center_write = m.CENTER_WRITE
    rules: list[tuple[str, str, str, str, str]] = [
        # supervision itself: the handler's rows by department, no longer through the order
        (
            "supervision_orders",
            "SELECT",
            "cc_read_handler",
            m.HANDLER_GROUP,
            f"department_id = {DEPT}",
        ),
        (
            "supervision_orders",
            "UPDATE",
            "cc_update_handler",
            m.HANDLER_GROUP,
            f"department_id = {DEPT}",
        ),
        ("supervision_notes", "SELECT", "cc_read_center", m.CENTER_GROUP, "true"),
        (
            "supervision_notes",
            "SELECT",
            "cc_read_handler",
            m.HANDLER_GROUP,
            MY_SUPERVISION.format(col="supervision_notes.supervision_id"),
        ),
        ("supervision_notes", "INSERT", "cc_insert", m.APP_ROLE, center_write),
        (
            "supervision_notes",
            "INSERT",
            "cc_insert_handler",
            m.HANDLER_GROUP,
            "user_id = (SELECT cc_current_user_id()) AND "
            + MY_SUPERVISION.format(col="supervision_notes.supervision_id"),
        ),
        ("supervision_notes", "DELETE", "cc_delete", m.APP_ROLE, m.ADMIN),
        ("deadline_extensions", "SELECT", "cc_read_center", m.CENTER_GROUP, "true"),
        (
            "deadline_extensions",
            "SELECT",
            "cc_read_handler",
            m.HANDLER_GROUP,
            f"department_id = {DEPT}",
        ),
        (
            "deadline_extensions",
            "INSERT",
            "cc_insert_handler",
            m.HANDLER_GROUP,
            f"department_id = {DEPT} AND status = 'pending'",
        ),
        ("deadline_extensions", "INSERT", "cc_insert", m.APP_ROLE, center_write),
        ("deadline_extensions", "UPDATE", "cc_update", m.APP_ROLE, center_write),
        ("deadline_extensions", "DELETE", "cc_delete", m.APP_ROLE, m.ADMIN),
        ("score_points", "SELECT", "cc_read_center", m.CENTER_GROUP, "true"),
        (
            "score_points",
            "SELECT",
            "cc_read_handler",
            m.HANDLER_GROUP,
            f"unit_type = 'department' AND unit_id = {DEPT}",
        ),
        ("score_points", "INSERT", "cc_insert", m.APP_ROLE, center_write),
        ("score_months", "SELECT", "cc_read", m.APP_ROLE, "true"),
        ("score_months", "INSERT", "cc_insert", m.APP_ROLE, SUPERVISOR),
        ("score_months", "DELETE", "cc_delete", m.APP_ROLE, m.ADMIN),
        ("supervision_sweeps", "SELECT", "cc_read_center", m.CENTER_GROUP, "true"),
        ("supervision_sweeps", "INSERT", "cc_insert", m.APP_ROLE, center_write),
        ("supervision_sweeps", "UPDATE", "cc_update", m.APP_ROLE, center_write),
    ]
    out = []
    for table in NEW_TABLES:
        out += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        ]
    out.append("DROP POLICY cc_read_handler ON supervision_orders")
    for table, command, name, group, expr in rules:
        out.append(m._policy(table, command, name, group, expr))
    return out


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.Column:
    return sa.Column(
        column,
        sa.BigInteger(),
        sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}", ondelete=ondelete),
        nullable=True,
    )


def upgrade() -> None:
    m = _security()
    ts = sa.DateTime(timezone=True)

    # departments: functional department or town
    op.add_column(
        "departments",
        sa.Column("kind", sa.String(12), server_default="functional", nullable=False),
    )
    op.add_column("departments", _fk("departments", "town_id", "admin_areas"))
    op.create_check_constraint(
        op.f("ck_departments_kind_valid"), "departments", "kind IN ('functional','town')"
    )

    # supervision
    t = "supervision_orders"
    op.add_column(t, sa.Column("kind", sa.String(12), server_default="manual", nullable=False))
    op.add_column(t, sa.Column("stage", sa.String(12), server_default="manual", nullable=False))
    op.add_column(t, _fk(t, "department_id", "departments"))
    op.add_column(t, _fk(t, "town_id", "admin_areas"))
    op.add_column(t, sa.Column("instructions", sa.Text(), nullable=True))
    op.add_column(t, sa.Column("acknowledged_at", ts, nullable=True))
    op.add_column(t, _fk(t, "acknowledged_by_id", "app_users"))
    op.add_column(t, sa.Column("reply", sa.Text(), nullable=True))
    op.add_column(t, sa.Column("replied_at", ts, nullable=True))
    op.add_column(t, _fk(t, "closed_by_id", "app_users"))
    op.execute(
        "UPDATE supervision_orders s SET department_id = w.department_id, town_id = i.town_id "
        "FROM work_orders w JOIN incidents i ON i.id = w.incident_id "
        "WHERE w.id = s.work_order_id"
    )
    op.drop_constraint(op.f("ck_supervision_orders_status_valid"), t, type_="check")
    op.create_check_constraint(
        op.f("ck_supervision_orders_status_valid"),
        t,
        "status IN (" + ",".join(f"'{s}'" for s in STATUSES) + ")",
    )
    op.create_check_constraint(
        op.f("ck_supervision_orders_kind_valid"), t, "kind IN ('auto','manual','proposal')"
    )
    op.create_check_constraint(
        op.f("ck_supervision_orders_stage_valid"),
        t,
        "stage IN ('remind','overdue','yellow','red','focus','repeat','manual')",
    )
    op.create_index(
        "uq_supervision_orders_order_level_stage",
        t,
        ["work_order_id", "level", "stage"],
        unique=True,
        postgresql_where=sa.text("stage <> 'manual'"),
    )
    op.create_index("ix_supervision_orders_issued", t, ["issued_at", "id"])
    op.create_index("ix_supervision_orders_dept_status", t, ["department_id", "status"])
    op.create_index("ix_supervision_orders_work_order_id", t, ["work_order_id"])
    op.create_index(
        "ix_incidents_grid_category_reported",
        "incidents",
        ["grid_id", "category_code", "reported_at"],
    )

    op.create_table(
        "supervision_notes",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("supervision_id", sa.BigInteger(), nullable=False),
        sa.Column("at", ts, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('acknowledge','progress','reply','review','withdraw','escalate')",
            name=op.f("ck_supervision_notes_kind_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["supervision_id"],
            ["supervision_orders.id"],
            name=op.f("fk_supervision_notes_supervision_id_supervision_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_users.id"], name=op.f("fk_supervision_notes_user_id_app_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_notes")),
    )
    op.create_index(
        op.f("ix_supervision_notes_supervision_id"), "supervision_notes", ["supervision_id"]
    )

    op.create_table(
        "deadline_extensions",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("work_order_id", sa.BigInteger(), nullable=False),
        sa.Column("department_id", sa.BigInteger(), nullable=False),
        sa.Column("requested_days", sa.SmallInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_at", ts, nullable=False),
        sa.Column("requested_by_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(12), server_default="pending", nullable=False),
        sa.Column("granted_days", sa.SmallInteger(), nullable=True),
        sa.Column("decided_at", ts, nullable=True),
        sa.Column("decided_by_id", sa.BigInteger(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("deadline_before", ts, nullable=False),
        sa.Column("deadline_after", ts, nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "requested_days BETWEEN 1 AND 60",
            name=op.f("ck_deadline_extensions_requested_days_valid"),
        ),
        sa.CheckConstraint(
            "granted_days IS NULL OR granted_days BETWEEN 0 AND requested_days",
            name=op.f("ck_deadline_extensions_granted_days_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('pending','granted','partial','refused','lapsed')",
            name=op.f("ck_deadline_extensions_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_deadline_extensions_work_order_id_work_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_deadline_extensions_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["app_users.id"],
            name=op.f("fk_deadline_extensions_requested_by_id_app_users"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["app_users.id"],
            name=op.f("fk_deadline_extensions_decided_by_id_app_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_extensions")),
    )
    op.create_index(
        op.f("ix_deadline_extensions_work_order_id"), "deadline_extensions", ["work_order_id"]
    )
    op.create_index(
        op.f("ix_deadline_extensions_department_id"), "deadline_extensions", ["department_id"]
    )
    op.create_index(
        "uq_deadline_extensions_pending",
        "deadline_extensions",
        ["work_order_id"],
        unique=True,
        postgresql_where=sa.text("status = 'pending'"),
    )

    op.create_table(
        "score_points",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("unit_type", sa.String(12), nullable=False),
        sa.Column("unit_id", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.SmallInteger(), nullable=False),
        sa.Column("rule", sa.String(24), nullable=False),
        sa.Column("supervision_id", sa.BigInteger(), nullable=True),
        sa.Column("work_order_id", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", ts, nullable=False),
        sa.Column("by_user_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "unit_type IN ('department','town')", name=op.f("ck_score_points_unit_type_valid")
        ),
        sa.ForeignKeyConstraint(
            ["supervision_id"],
            ["supervision_orders.id"],
            name=op.f("fk_score_points_supervision_id_supervision_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_score_points_work_order_id_work_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["app_users.id"], name=op.f("fk_score_points_by_user_id_app_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_points")),
    )
    op.create_index(
        "uq_score_points_rule_order",
        "score_points",
        ["unit_type", "unit_id", "rule", "work_order_id"],
        unique=True,
        postgresql_where=sa.text("rule <> 'manual'"),
    )
    op.create_index("ix_score_points_month_unit", "score_points", ["month", "unit_type", "unit_id"])

    op.create_table(
        "score_months",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("locked_at", ts, nullable=False),
        sa.Column("locked_by_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["locked_by_id"], ["app_users.id"], name=op.f("fk_score_months_locked_by_id_app_users")
        ),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_score_months")),
    )
    op.create_table(
        "supervision_sweeps",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("last_run_at", ts, nullable=True),
        sa.Column("last_order_id", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("last_created", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_supervision_sweeps_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_sweeps")),
    )

    op.execute(GUARD_SQL)
    op.execute(
        "CREATE TRIGGER cc_supervision_guard BEFORE UPDATE ON supervision_orders "
        "FOR EACH ROW EXECUTE FUNCTION cc_supervision_guard()"
    )
    for table in ("supervision_notes", "deadline_extensions", "score_points"):
        op.execute(
            f"CREATE TRIGGER cc_notify_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION cc_notify_change()"
        )
    for stmt in _policies(m):
        op.execute(stmt)
    tables = ", ".join(NEW_TABLES)
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {tables} TO {m.APP_ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {m.APP_ROLE}")


def downgrade() -> None:
    m = _security()
    for table in ("supervision_notes", "deadline_extensions", "score_points"):
        op.execute(f"DROP TRIGGER IF EXISTS cc_notify_{table} ON {table}")
    op.execute("DROP TRIGGER IF EXISTS cc_supervision_guard ON supervision_orders")
    op.execute("DROP FUNCTION IF EXISTS cc_supervision_guard()")
    op.execute("DROP POLICY IF EXISTS cc_update_handler ON supervision_orders")
    op.execute("DROP POLICY IF EXISTS cc_read_handler ON supervision_orders")
    op.execute(
        m._policy(
            "supervision_orders",
            "SELECT",
            "cc_read_handler",
            m.HANDLER_GROUP,
            m.ORDER_SEEN.format(col="supervision_orders.work_order_id").replace(
                m.HANDLER + " AND ", ""
            ),
        )
    )
    op.drop_table("supervision_sweeps")
    op.drop_table("score_months")
    op.drop_table("score_points")
    op.drop_table("deadline_extensions")
    op.drop_table("supervision_notes")
    t = "supervision_orders"
    op.execute(
        "DELETE FROM supervision_orders WHERE kind = 'auto' AND stage = 'remind' "
        "OR status IN ('proposed', 'declined')"
    )
    op.execute(
        "UPDATE supervision_orders SET status = CASE WHEN status IN ('withdrawn', 'escalated') "
        "THEN 'closed' WHEN status = 'acknowledged' THEN 'open' ELSE status END"
    )
    op.drop_index("ix_incidents_grid_category_reported", table_name="incidents")
    op.drop_index("ix_supervision_orders_work_order_id", table_name=t)
    op.drop_index("ix_supervision_orders_dept_status", table_name=t)
    op.drop_index("ix_supervision_orders_issued", table_name=t)
    op.drop_index("uq_supervision_orders_order_level_stage", table_name=t)
    op.drop_constraint(op.f("ck_supervision_orders_stage_valid"), t, type_="check")
    op.drop_constraint(op.f("ck_supervision_orders_kind_valid"), t, type_="check")
    op.drop_constraint(op.f("ck_supervision_orders_status_valid"), t, type_="check")
    op.create_check_constraint(
        op.f("ck_supervision_orders_status_valid"),
        t,
        "status IN (" + ",".join(f"'{s}'" for s in OLD_STATUSES) + ")",
    )
    for column in (
        "closed_by_id",
        "replied_at",
        "reply",
        "acknowledged_by_id",
        "acknowledged_at",
        "instructions",
        "town_id",
        "department_id",
        "stage",
        "kind",
    ):
        op.drop_column(t, column)
    op.drop_constraint(op.f("ck_departments_kind_valid"), "departments", type_="check")
    op.drop_column("departments", "town_id")
    op.drop_column("departments", "kind")
