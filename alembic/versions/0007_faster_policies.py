"""faster policies: the departments' policies no longer ask the role again, and the functions
the policies call keep their plans

- A department handler's policies apply only to ``cc_handler``, whose members
  ``cc_sync_login`` keeps equal to the users ``app_users`` records as handlers; asking
  ``cc_my_role()`` again in each of them cost an extra function call per table in every
  statement. The department (``cc_my_department()``, NULL for a disabled user) still decides.
- ``cc_current_user_id``, ``cc_my_role``, ``cc_my_department`` and ``cc_order_department`` are
  PL/pgSQL: a SECURITY DEFINER SQL function is never inlined and re-planned its query for each
  statement that called it; PL/pgSQL keeps the plan for the session.

- Every operator's login gives up a lock after 20 s and a transaction left idle after 60 s (a
  frozen workstation must not hold the audit chain, and so everyone's writes); a sign-in waits
  10 s at most for another one's change to the same login.
- ``cc_sync_login`` changes a login only where it differs from what ``app_users`` says: a
  role is a catalogue row PostgreSQL does not lock, so two databases of one server (or two
  sign-ins) altering the same login at once made one fail with "tuple concurrently updated".

Measured with bench/load.py (README, "Measured").

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 04:30:00
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _security() -> ModuleType:
    """Revision 0005, where the policies are written down."""
    path = Path(__file__).with_name("0005_security.py")
    spec = importlib.util.spec_from_file_location("cc_alembic_0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


COMMANDS = (("SELECT", "cc_read"), ("INSERT", "cc_insert"), ("UPDATE", "cc_update"),
            ("DELETE", "cc_delete"))


def _handler_policies(*, faster: bool) -> list[str]:
    m = _security()
    out = []
    for table, rules in m.POLICIES.items():
        for (command, name), rule in zip(COMMANDS, rules, strict=True):
            if not isinstance(rule, m.Split) or not rule.handler:
                continue
            expr = rule.handler.replace(m.HANDLER + " AND ", "") if faster else rule.handler
            policy = f"{name}_handler"
            out.append(f"DROP POLICY {policy} ON {table}")
            out.append(m._policy(table, command, policy, m.HANDLER_GROUP, expr))
    return out


def _functions(language: str) -> str:
    bodies = {
        "cc_current_user_id()": ("bigint", "SELECT id FROM app_users WHERE db_login = "
                                 "session_user AND active"),
        "cc_my_role()": ("text", "SELECT role_code::text FROM app_users WHERE db_login = "
                         "session_user AND active"),
        "cc_my_department()": ("bigint", "SELECT department_id FROM app_users WHERE db_login "
                               "= session_user AND active"),
        "cc_order_department(p_order bigint)": ("bigint", "SELECT department_id FROM "
                                                "work_orders WHERE id = p_order"),
    }
    out = []
    for signature, (returns, query) in bodies.items():
        body = f"BEGIN RETURN ({query}); END" if language == "plpgsql" else query
        out.append(
            f"CREATE OR REPLACE FUNCTION {signature} RETURNS {returns} LANGUAGE {language} "
            f"STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$ {body} $$;"
        )
    return "\n".join(out)


SYNC_LOGIN = r"""
CREATE OR REPLACE FUNCTION cc_sync_login(p_user bigint) RETURNS text LANGUAGE plpgsql VOLATILE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    u app_users%ROWTYPE;
    r pg_roles%ROWTYPE;
    want text;
    other text;
BEGIN
    SELECT * INTO u FROM app_users WHERE id = p_user;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = u.db_login) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS '
                       'IN ROLE cc_app', u.db_login);
    END IF;
    SELECT * INTO r FROM pg_roles WHERE rolname = u.db_login;
    -- the policies' subqueries make the planner's estimates high enough to start the JIT
    -- compiler, which costs tens of milliseconds on every query an operator makes
    IF NOT coalesce('jit=off' = ANY(r.rolconfig), false) THEN
        EXECUTE format('ALTER ROLE %I SET jit = off', u.db_login);
    END IF;
    -- a workstation that froze (or lost its network) inside a transaction must not hold the
    -- audit chain, and with it every other workstation's writes, until TCP gives up; and no
    -- action waits on a lock for ever: it is refused with a message and can be tried again
    IF NOT coalesce('idle_in_transaction_session_timeout=60s' = ANY(r.rolconfig), false) THEN
        EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L',
                       u.db_login, '60s');
    END IF;
    IF NOT coalesce('lock_timeout=20s' = ANY(r.rolconfig), false) THEN
        EXECUTE format('ALTER ROLE %I SET lock_timeout = %L', u.db_login, '20s');
    END IF;
    -- the group whose policies apply: the center's or the departments'
    IF u.role_code = 'dept_handler' THEN
        want := 'cc_handler'; other := 'cc_center';
    ELSE
        want := 'cc_center'; other := 'cc_handler';
    END IF;
    IF NOT pg_has_role(u.db_login, want, 'MEMBER') THEN
        EXECUTE format('GRANT %I TO %I', want, u.db_login);
    END IF;
    IF pg_has_role(u.db_login, other, 'MEMBER') THEN
        EXECUTE format('REVOKE %I FROM %I', other, u.db_login);
    END IF;
    IF u.active THEN
        IF NOT r.rolcanlogin THEN
            EXECUTE format('ALTER ROLE %I LOGIN', u.db_login);
        END IF;
    ELSE
        IF r.rolcanlogin OR EXISTS (SELECT FROM cc_login_secrets WHERE db_login = u.db_login)
        THEN
            EXECUTE format('ALTER ROLE %I NOLOGIN PASSWORD NULL', u.db_login);
        END IF;
        DELETE FROM cc_login_secrets WHERE db_login = u.db_login;
        BEGIN
            PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE usename = u.db_login AND pid <> pg_backend_pid();
        EXCEPTION WHEN insufficient_privilege THEN
            NULL;  -- the login can no longer connect; its open sessions end with the day
        END;
    END IF;
    RETURN u.db_login;
END $$;
"""


def _old_sync_login() -> str:
    sql = _security().FUNCTIONS_SQL
    start = sql.index("CREATE FUNCTION cc_sync_login")
    end = sql.index("END $$;", start) + len("END $$;")
    return sql[start:end].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


def upgrade() -> None:
    op.execute(SYNC_LOGIN)
    op.execute("SELECT cc_sync_login(id) FROM app_users")
    # signing in alters the person's login: it waits for another sign-in's change at most this
    # long, then the workstation is told and asks again (services/auth.sign_in)
    op.execute("ALTER FUNCTION cc_auth_sign_in(text, bytea) SET lock_timeout = '10s'")
    # a function's language cannot be changed in place once the policies depend on it: the
    # body is replaced, the signature and the grants stay
    op.execute(_functions("plpgsql"))
    for statement in _handler_policies(faster=True):
        op.execute(statement)


def downgrade() -> None:
    for statement in _handler_policies(faster=False):
        op.execute(statement)
    op.execute(_functions("sql"))
    op.execute(_old_sync_login())
    op.execute("ALTER FUNCTION cc_auth_sign_in(text, bytea) RESET lock_timeout")
