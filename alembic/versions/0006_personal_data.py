"""personal data: masked for every application login, revealed one record at a time, recorded

- Masking functions (``cc_mask_name``, ``cc_mask_phone``, ``cc_mask_id``, ``cc_mask_address``)
  and a generated ``…_masked`` column beside each personal field: reporters' names and phones,
  dispute parties' names, phones, identity numbers and addresses, grid workers' identity
  numbers (services/personal.PERSONAL_FIELDS; tests/db/test_personal_data.py keeps the two
  equal).
- No application login may read a raw personal column (column privileges: the tables' other
  columns are granted one by one). Writing them stays allowed (intake, imports).
- ``cc_reveal(entity, id, reason)``: the raw values of one record, for a role that may see them
  (services/permissions.may_reveal), with a reason; every reveal is an audit entry stamped
  with the operator and the server's time.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"

# table: ((raw column, masking function), ...) — the same as services/personal.PERSONAL_FIELDS
# at the time of this revision
PERSONAL: dict[str, tuple[tuple[str, str], ...]] = {
    "incidents": (("reporter_name", "cc_mask_name"), ("reporter_phone", "cc_mask_phone")),
    "dispute_parties": (
        ("name", "cc_mask_name"),
        ("phone", "cc_mask_phone"),
        ("id_number", "cc_mask_id"),
        ("address", "cc_mask_address"),
    ),
    "grid_workers": (("id_number", "cc_mask_id"),),
}

MASK_SQL = r"""
-- 张伟 → 张*, 欧阳娜娜 → 欧***
CREATE FUNCTION cc_mask_name(p text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p IS NULL OR p = '' THEN p
                WHEN char_length(p) = 1 THEN '*'
                ELSE left(p, 1) || repeat('*', least(char_length(p) - 1, 3)) END
$$;

-- 13812345678 → 138****5678, 0936-4412345 → 093*****2345
CREATE FUNCTION cc_mask_phone(p text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p IS NULL OR p = '' THEN p
                WHEN char_length(p) >= 8
                    THEN left(p, 3) || repeat('*', char_length(p) - 7) || right(p, 4)
                ELSE repeat('*', char_length(p)) END
$$;

-- 620722198803150012 → 6****************2
CREATE FUNCTION cc_mask_id(p text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p IS NULL OR p = '' THEN p
                WHEN char_length(p) >= 6
                    THEN left(p, 1) || repeat('*', char_length(p) - 2) || right(p, 1)
                ELSE repeat('*', char_length(p)) END
$$;

-- 洪水镇益民村三社12号 → 洪水镇益民村***: the place down to the village or community, no house
CREATE FUNCTION cc_mask_address(p text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p IS NULL OR p = '' THEN p
                WHEN p ~ '^.*(村|社区|小区|镇|乡|街道)'
                    THEN substring(p FROM '^(.*(村|社区|小区|镇|乡|街道))') || '***'
                ELSE left(p, 2) || '***' END
$$;
"""

REVEAL_SQL = r"""
-- services/permissions.may_reveal (tests/db/test_personal_data.py keeps them equal)
CREATE FUNCTION cc_reveal(p_entity text, p_id bigint, p_reason text) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me app_users%ROWTYPE;
    why text := left(btrim(coalesce(p_reason, '')), 200);
    allowed boolean;
    result jsonb;
    what text;
BEGIN
    SELECT * INTO me FROM app_users WHERE db_login = session_user AND active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'cc: 只有操作员本人的登录可以查看个人信息 / only an operator''s own '
                        'login may see personal data' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF why = '' THEN
        RAISE EXCEPTION 'cc: 查看个人信息须说明原因 / give the reason for seeing personal data'
            USING ERRCODE = 'check_violation';
    END IF;
    IF p_entity = 'incident' THEN
        what := '来电人';
        allowed := me.role_code IN ('duty_operator', 'supervisor', 'admin')
            OR (me.role_code = 'dept_handler' AND EXISTS (
                SELECT 1 FROM work_orders w WHERE w.incident_id = p_id
                AND (w.department_id = me.department_id OR (w.lead_order_id IS NOT NULL
                     AND cc_order_department(w.lead_order_id) = me.department_id))));
        SELECT jsonb_build_object('name', reporter_name, 'phone', reporter_phone)
            INTO result FROM incidents WHERE id = p_id;
    ELSIF p_entity = 'dispute_case' THEN
        what := '当事人';
        allowed := me.role_code IN ('duty_operator', 'supervisor', 'admin');
        IF EXISTS (SELECT 1 FROM dispute_cases WHERE id = p_id) THEN
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'id', id, 'role', role, 'name', name, 'phone', phone,
                       'id_number', id_number, 'address', address) ORDER BY id), '[]'::jsonb)
                INTO result FROM dispute_parties WHERE case_id = p_id;
        END IF;
    ELSIF p_entity = 'grid_worker' THEN
        what := '网格员';
        allowed := me.role_code IN ('supervisor', 'admin');
        SELECT jsonb_build_object('id_number', id_number) INTO result
            FROM grid_workers WHERE id = p_id;
    ELSE
        RAISE EXCEPTION 'cc: 没有这类个人信息 / no personal data of this kind: %', p_entity
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT allowed THEN
        RAISE EXCEPTION 'cc: 无权查看这条记录的个人信息 / not allowed to see the personal data '
                        'of this record' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF result IS NULL THEN
        RAISE EXCEPTION 'cc: 记录不存在 / no such record' USING ERRCODE = 'no_data_found';
    END IF;
    INSERT INTO audit_log (actor_name, action, entity_type, entity_id, summary, reason)
    VALUES (me.display_name, 'personal.reveal', p_entity, p_id,
            format('%s 查看了%s的完整个人信息', me.display_name, what), why);
    RETURN result;
END $$;
"""


def _grant_columns(table: str, raw: Sequence[str]) -> str:
    """SELECT on every column of ``table`` but ``raw``, to the application's group."""
    hidden = ", ".join(f"'{c}'" for c in raw)
    return f"""
DO $$
DECLARE cols text;
BEGIN
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
    FROM pg_attribute WHERE attrelid = '{table}'::regclass AND attnum > 0
    AND NOT attisdropped AND attname NOT IN ({hidden});
    EXECUTE 'REVOKE SELECT ON {table} FROM {APP_ROLE}';
    EXECUTE format('GRANT SELECT (%s) ON {table} TO {APP_ROLE}', cols);
END $$;
"""


def upgrade() -> None:
    op.execute(MASK_SQL)
    for table, fields in PERSONAL.items():
        for column, fn in fields:
            op.add_column(
                table,
                sa.Column(
                    f"{column}_masked",
                    sa.Text(),
                    sa.Computed(f"{fn}({column})", persisted=True),
                    nullable=True,
                ),
            )
        op.execute(_grant_columns(table, [c for c, _ in fields]))
    op.execute(REVEAL_SQL)
    op.execute("REVOKE EXECUTE ON FUNCTION cc_reveal(text, bigint, text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION cc_reveal(text, bigint, text) TO {APP_ROLE}")
    op.execute(
        "GRANT EXECUTE ON FUNCTION cc_mask_name(text), cc_mask_phone(text), cc_mask_id(text), "
        f"cc_mask_address(text) TO {APP_ROLE}"
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS cc_reveal(text, bigint, text)")
    for table, fields in PERSONAL.items():
        for column, _fn in fields:
            op.drop_column(table, f"{column}_masked")
        op.execute(f"REVOKE SELECT ON {table} FROM {APP_ROLE}")
        op.execute(f"GRANT SELECT ON {table} TO {APP_ROLE}")
    for fn in ("cc_mask_name", "cc_mask_phone", "cc_mask_id", "cc_mask_address"):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}(text)")
