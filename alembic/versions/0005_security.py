"""security: one login per operator, row-level security, a gatekeeper, a hash-chained audit log

- Roles (cluster-wide, created once): ``cc_app``, the group every operator's login belongs to
  and the only one granted anything on the tables; ``cc_gatekeeper``, a login allowed only to
  call the sign-in functions. Each user of ``app_users`` gets a login ``cc_u_<username>``
  (``app_users.db_login``, generated), created, disabled and re-enabled by a trigger.
- Passwords: ``cc_credentials`` holds sha256 of the argon2id digest the client derives with the
  user's salt and parameters (services/auth.py); ``cc_auth_sign_in`` checks it, counts failures,
  locks the account after too many, and hands the user's login a random database password for
  one working session (``cc_login_secrets``). No application login can read either table.
- Row-level security with FORCE on every table. Policies key on the role and department that
  ``app_users`` records for ``session_user`` (``cc_my_role()``, ``cc_my_department()``), never
  on a setting the session could change. A department handler sees and changes its
  department's work orders (and the co-orders of the orders it leads) and the incidents, visits,
  supervision and audit entries of those; center roles see everything; the analyst only reads.
- The audit log: a SECURITY DEFINER trigger stamps every entry written by an operator's login
  with that operator, the login and the server's time, and links each entry to the previous one
  (sha256 chain; one transaction at a time holds the chain until it commits); ``cc_audit_verify()`` walks it.
  Application logins hold no UPDATE, DELETE or TRUNCATE on it and own none of its triggers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 21:30:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "cc_app"
CENTER_GROUP = "cc_center"
HANDLER_GROUP = "cc_handler"
GATEKEEPER = "cc_gatekeeper"
LOGIN_PREFIX = "cc_u_"
# argon2id as OWASP's cheat sheet recommends at least: 19 MiB, 2 passes, 1 lane
DEFAULT_PARAMS = "argon2id$v=19$m=19456,t=2,p=1$"

# the previous hash of the chain's first entry
ZERO_HASH = "'\\x" + "00" * 32 + "'::bytea"
# the advisory lock that orders the audit chain's writers ("cc_audit" as a number)
AUDIT_LOCK_KEY = "7161672704635201908"

ROLE = "(SELECT cc_my_role())"
DEPT = "(SELECT cc_my_department())"
# the center's logins read everything: their group (cc_center, kept by cc_sync_login from the
# role app_users records) is the key, so the commonest query carries no condition at all
CENTER_READ = "true"
CENTER_WRITE = f"{ROLE} IN ('duty_operator', 'supervisor', 'admin')"
ADMIN = f"{ROLE} = 'admin'"
ANYONE = "true"
HANDLER = f"{ROLE} = 'dept_handler'"
# a department handler's orders: its department's, and the co-orders of the orders it leads
ORDER_MINE = (
    f"{HANDLER} AND (department_id = {DEPT} OR (lead_order_id IS NOT NULL AND "
    f"cc_order_department(lead_order_id) = {DEPT}))"
)
# Correlated EXISTS, probed row by row through an index (an IN over the whole table would read
# every visible row of it for each query); the rows of work_orders a handler may see are
# filtered by work_orders' own policy.
INCIDENT_SEEN = HANDLER + " AND EXISTS (SELECT 1 FROM work_orders w WHERE w.incident_id = {col})"
ORDER_SEEN = HANDLER + " AND EXISTS (SELECT 1 FROM work_orders w WHERE w.id = {col})"


def _or(*parts: str) -> str:
    return "(" + " OR ".join(f"({p})" for p in parts) + ")"


class Split(NamedTuple):
    """One policy for the center's logins (``cc_center``) and one for the departments'
    (``cc_handler``): the planner then sees only the rule of the role at hand, so a duty
    operator's query carries no department subqueries at all. Writes and the handlers' rows
    still check the role and department that ``app_users`` records for ``session_user``."""

    center: str | None
    handler: str | None


Rule = str | Split | None
# table: (select, insert, update, delete); a string applies to every application login,
# None to nobody (only the owner)
POLICIES: dict[str, tuple[Rule, Rule, Rule, Rule]] = {
    "incidents": (
        Split(CENTER_READ, INCIDENT_SEEN.format(col="incidents.id")),
        CENTER_WRITE,
        Split(CENTER_WRITE, INCIDENT_SEEN.format(col="incidents.id")),
        ADMIN,
    ),
    "work_orders": (
        Split(CENTER_READ, ORDER_MINE),
        CENTER_WRITE,
        Split(CENTER_WRITE, ORDER_MINE),
        ADMIN,
    ),
    "order_progress": (
        Split(CENTER_READ, ORDER_SEEN.format(col="order_progress.order_id")),
        Split(CENTER_WRITE, ORDER_SEEN.format(col="order_progress.order_id")),
        ADMIN,
        ADMIN,
    ),
    "return_visits": (
        Split(CENTER_READ, INCIDENT_SEEN.format(col="return_visits.incident_id")),
        CENTER_WRITE,
        CENTER_WRITE,
        ADMIN,
    ),
    "supervision_orders": (
        Split(CENTER_READ, ORDER_SEEN.format(col="supervision_orders.work_order_id")),
        CENTER_WRITE,
        CENTER_WRITE,
        ADMIN,
    ),
    "audit_log": (
        Split(
            CENTER_READ,
            _or(
                "actor_id = (SELECT cc_current_user_id())",
                "entity_type = 'incident' AND "
                + INCIDENT_SEEN.format(col="audit_log.entity_id"),
                "entity_type = 'work_order' AND " + ORDER_SEEN.format(col="audit_log.entity_id"),
            ),
        ),
        ANYONE,  # the stamping trigger decides who and when
        None,
        None,
    ),
    "app_users": (ANYONE, ADMIN, ADMIN, ADMIN),
    "app_settings": (
        ANYONE,
        _or(ADMIN, "NOT cc_admin_setting(key)"),
        _or(ADMIN, "NOT cc_admin_setting(key)"),
        _or(ADMIN, "NOT cc_admin_setting(key)"),
    ),
    "saved_filters": (
        "user_id = (SELECT cc_current_user_id())",
        "user_id = (SELECT cc_current_user_id())",
        "user_id = (SELECT cc_current_user_id())",
        "user_id = (SELECT cc_current_user_id())",
    ),
    "duty_log": (Split(CENTER_READ, None), CENTER_WRITE, None, None),
    "api_keys": (ADMIN, ADMIN, ADMIN, ADMIN),
    "import_mappings": (ANYONE, CENTER_WRITE, CENTER_WRITE, CENTER_WRITE),
}
PERSONAL = (
    "grid_workers",
    "grid_assignments",
    "check_ins",
    "patrols",
    "points_ledger",
    "dispute_cases",
    "dispute_parties",
    "mediation_sessions",
    "follow_up_visits",
)
for _t in PERSONAL:
    POLICIES[_t] = (Split(CENTER_READ, None), CENTER_WRITE, CENTER_WRITE, ADMIN)
REFERENCE = (
    "admin_areas",
    "area_boundaries",
    "cameras",
    "calendar_days",
    "channels",
    "categories",
    "departments",
    "roles",
    "routing_rules",
    "deadline_rules",
    "response_templates",
    "dispute_types",
)
for _t in REFERENCE:
    POLICIES[_t] = (ANYONE, ADMIN, ADMIN, ADMIN)
PRIVATE = ("cc_credentials", "cc_login_secrets", "cc_installation")

ROLES_SQL = f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
        CREATE ROLE {APP_ROLE} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{CENTER_GROUP}') THEN
        CREATE ROLE {CENTER_GROUP} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{HANDLER_GROUP}') THEN
        CREATE ROLE {HANDLER_GROUP} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{GATEKEEPER}') THEN
        CREATE ROLE {GATEKEEPER} LOGIN;
    END IF;
END $$;
"""

FUNCTIONS_SQL = r"""
CREATE OR REPLACE FUNCTION cc_current_user_id() RETURNS bigint LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT id FROM app_users WHERE db_login = session_user AND active
$$;

CREATE FUNCTION cc_my_role() RETURNS text LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT role_code::text FROM app_users WHERE db_login = session_user AND active
$$;

CREATE FUNCTION cc_my_department() RETURNS bigint LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT department_id FROM app_users WHERE db_login = session_user AND active
$$;

CREATE FUNCTION cc_order_department(p_order bigint) RETURNS bigint LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT department_id FROM work_orders WHERE id = p_order
$$;

-- services/permissions.ADMIN_SETTINGS_PREFIXES (tests/db/test_security.py keeps them equal)
CREATE FUNCTION cc_admin_setting(p_key text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT p_key LIKE 'orders.%' OR p_key LIKE 'map.tiles%' OR p_key LIKE 'open311.%'
$$;

-- the login of a user: created on first need, LOGIN while the user is active
CREATE FUNCTION cc_sync_login(p_user bigint) RETURNS text LANGUAGE plpgsql VOLATILE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    u app_users%ROWTYPE;
BEGIN
    SELECT * INTO u FROM app_users WHERE id = p_user;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = u.db_login) THEN
        EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS '
                       'IN ROLE cc_app', u.db_login);
    END IF;
    -- the policies' subqueries make the planner's estimates high enough to start the JIT
    -- compiler, which costs tens of milliseconds on every query an operator makes
    EXECUTE format('ALTER ROLE %I SET jit = off', u.db_login);
    -- the group whose policies apply: the center's or the departments'
    IF u.role_code = 'dept_handler' THEN
        EXECUTE format('GRANT cc_handler TO %I', u.db_login);
        IF pg_has_role(u.db_login, 'cc_center', 'MEMBER') THEN
            EXECUTE format('REVOKE cc_center FROM %I', u.db_login);
        END IF;
    ELSE
        EXECUTE format('GRANT cc_center TO %I', u.db_login);
        IF pg_has_role(u.db_login, 'cc_handler', 'MEMBER') THEN
            EXECUTE format('REVOKE cc_handler FROM %I', u.db_login);
        END IF;
    END IF;
    IF u.active THEN
        EXECUTE format('ALTER ROLE %I LOGIN', u.db_login);
    ELSE
        EXECUTE format('ALTER ROLE %I NOLOGIN PASSWORD NULL', u.db_login);
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

CREATE FUNCTION cc_app_users_login() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM cc_sync_login(NEW.id);
    RETURN NULL;
END $$;

-- the row's own hash, chained to the one before it; the text is the same whatever the
-- session's time zone or date style
CREATE FUNCTION cc_audit_hash(r audit_log) RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT sha256(coalesce(r.prev_hash, '\x'::bytea) || convert_to(concat_ws(chr(31),
        r.seq::text, r.id::text,
        to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        coalesce(r.actor_id::text, '\N'), r.actor_name, r.db_user, r.action, r.entity_type,
        coalesce(r.entity_id::text, '\N'), r.summary, coalesce(r.before::text, '\N'),
        coalesce(r.after::text, '\N'), coalesce(r.reason, '\N')), 'UTF8'))
$$;

CREATE FUNCTION cc_audit_stamp() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me app_users%ROWTYPE;
    last audit_log%ROWTYPE;
BEGIN
    NEW.db_user := session_user;
    SELECT * INTO me FROM app_users WHERE db_login = session_user;
    IF FOUND THEN
        -- an operator's login: the operator and the time are the database's, not the caller's
        NEW.at := clock_timestamp();
        NEW.actor_id := me.id;
        NEW.actor_name := me.display_name;
    ELSIF NEW.at IS NULL THEN
        NEW.at := clock_timestamp();
    END IF;
    -- one writer at a time until commit: the chain's order is the order of commits
    PERFORM pg_advisory_xact_lock({lock_key});
    SELECT * INTO last FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
    NEW.seq := coalesce(last.seq, 0) + 1;
    NEW.prev_hash := coalesce(last.hash, {zero});
    NEW.hash := cc_audit_hash(NEW);
    RETURN NEW;
END $$;

-- walks the chain; the first row where it breaks, or none
CREATE FUNCTION cc_audit_verify()
RETURNS TABLE(checked bigint, broken_seq bigint, broken_id bigint, problem text,
              head_seq bigint, head_hash text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r audit_log%ROWTYPE;
    prev bytea := {zero};
    n bigint := 0;
BEGIN
    FOR r IN SELECT * FROM audit_log ORDER BY seq NULLS FIRST LOOP
        n := n + 1;
        IF r.seq IS NULL OR r.seq <> n THEN
            RETURN QUERY SELECT n - 1, n, r.id, 'missing'::text, n - 1, encode(prev, 'hex');
            RETURN;
        END IF;
        IF r.prev_hash IS DISTINCT FROM prev THEN
            RETURN QUERY SELECT n - 1, r.seq, r.id, 'unlinked'::text, n - 1, encode(prev, 'hex');
            RETURN;
        END IF;
        IF r.hash IS DISTINCT FROM cc_audit_hash(r) THEN
            RETURN QUERY SELECT n - 1, r.seq, r.id, 'changed'::text, n - 1, encode(prev, 'hex');
            RETURN;
        END IF;
        prev := r.hash;
    END LOOP;
    RETURN QUERY SELECT n, NULL::bigint, NULL::bigint, NULL::text, n, encode(prev, 'hex');
END $$;

-- the gatekeeper's functions ------------------------------------------------------------

-- the salt and argon2 parameters of a user; an unknown name gets believable ones, always the
-- same, so that the answer does not tell which names exist
CREATE FUNCTION cc_auth_params(p_username text) RETURNS text LANGUAGE plpgsql STABLE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    p text;
BEGIN
    SELECT c.params INTO p FROM app_users u JOIN cc_credentials c ON c.user_id = u.id
        WHERE u.username = lower(btrim(p_username));
    IF p IS NULL THEN
        p := '{default_params}' || rtrim(encode(substring(sha256(convert_to(
            (SELECT secret FROM cc_installation WHERE id = 1) || ':' || lower(btrim(p_username)),
            'UTF8')) FROM 1 FOR 16), 'base64'), '=');
    END IF;
    RETURN p;
END $$;

CREATE FUNCTION cc_auth_sign_in(p_username text, p_proof bytea)
RETURNS TABLE(ok boolean, message text, db_login text, secret text, user_id bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    inst cc_installation%ROWTYPE;
    u app_users%ROWTYPE;
    c cc_credentials%ROWTYPE;
    t timestamptz := clock_timestamp();
    s text;
    until_ timestamptz;
    wrong constant text := '用户名或密码错误 / wrong user name or password';
BEGIN
    SELECT * INTO inst FROM cc_installation WHERE id = 1;
    SELECT * INTO u FROM app_users WHERE username = lower(btrim(p_username));
    IF FOUND THEN
        SELECT * INTO c FROM cc_credentials WHERE cc_credentials.user_id = u.id FOR UPDATE;
    END IF;
    IF u.id IS NULL OR c.user_id IS NULL THEN
        RETURN QUERY SELECT false, wrong, NULL::text, NULL::text, NULL::bigint;
        RETURN;
    END IF;
    IF c.locked_until IS NOT NULL AND c.locked_until > t THEN
        RETURN QUERY SELECT false, format(
            '账户因多次密码错误已锁定，请于 %s 后再试 / too many wrong passwords: the account '
            'is locked until %s', to_char(c.locked_until AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'),
            to_char(c.locked_until AT TIME ZONE 'Asia/Shanghai', 'HH24:MI')),
            NULL::text, NULL::text, NULL::bigint;
        RETURN;
    END IF;
    IF p_proof IS NULL OR sha256(p_proof) <> c.verifier THEN
        UPDATE cc_credentials SET
            failed_attempts = CASE WHEN c.failed_attempts + 1 >= inst.max_failed_attempts
                                   THEN 0 ELSE c.failed_attempts + 1 END,
            locked_until = CASE WHEN c.failed_attempts + 1 >= inst.max_failed_attempts
                                THEN t + make_interval(mins => inst.lockout_minutes) END
            WHERE cc_credentials.user_id = u.id;
        INSERT INTO audit_log (actor_id, actor_name, action, entity_type, entity_id, summary)
            VALUES (u.id, u.display_name,
                    CASE WHEN c.failed_attempts + 1 >= inst.max_failed_attempts
                         THEN 'user.locked' ELSE 'user.sign_in_failed' END,
                    'user', u.id, '登录失败：密码错误 / sign-in failed: wrong password');
        RETURN QUERY SELECT false, wrong, NULL::text, NULL::text, NULL::bigint;
        RETURN;
    END IF;
    IF NOT u.active THEN
        RETURN QUERY SELECT false, '该账户已停用 / this account is disabled', NULL::text,
            NULL::text, NULL::bigint;
        RETURN;
    END IF;
    UPDATE cc_credentials SET failed_attempts = 0, locked_until = NULL
        WHERE cc_credentials.user_id = u.id;
    UPDATE app_users SET last_login_at = t WHERE id = u.id;
    PERFORM cc_sync_login(u.id);
    SELECT ls.secret INTO s FROM cc_login_secrets ls
        WHERE ls.db_login = u.db_login AND ls.valid_until > t + interval '1 hour';
    IF s IS NULL THEN
        s := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
        until_ := t + make_interval(hours => inst.session_hours);
        INSERT INTO cc_login_secrets (db_login, secret, valid_until) VALUES (u.db_login, s, until_)
            ON CONFLICT ON CONSTRAINT pk_cc_login_secrets
            DO UPDATE SET secret = EXCLUDED.secret, valid_until = EXCLUDED.valid_until;
    ELSE
        SELECT ls.valid_until INTO until_ FROM cc_login_secrets ls WHERE ls.db_login = u.db_login;
    END IF;
    -- set again even when reused: the login belongs to the server, the secret to this database
    EXECUTE format('ALTER ROLE %I PASSWORD %L VALID UNTIL %L', u.db_login, s, until_);
    INSERT INTO audit_log (actor_id, actor_name, action, entity_type, entity_id, summary)
        VALUES (u.id, u.display_name, 'user.sign_in', 'user', u.id, '登录 / signed in');
    RETURN QUERY SELECT true, NULL::text, u.db_login::text, s, u.id;
END $$;

-- the signed-in operator proves the password again (unlocking an idle workstation): the same
-- counting and lockout as signing in
CREATE FUNCTION cc_auth_check(p_proof bytea)
RETURNS TABLE(ok boolean, message text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    inst cc_installation%ROWTYPE;
    u app_users%ROWTYPE;
    c cc_credentials%ROWTYPE;
    t timestamptz := clock_timestamp();
BEGIN
    SELECT * INTO inst FROM cc_installation WHERE id = 1;
    SELECT * INTO u FROM app_users WHERE db_login = session_user AND active;
    IF NOT FOUND THEN
        RETURN QUERY SELECT false, '该账户已停用 / this account is disabled';
        RETURN;
    END IF;
    SELECT * INTO c FROM cc_credentials WHERE cc_credentials.user_id = u.id FOR UPDATE;
    IF c.locked_until IS NOT NULL AND c.locked_until > t THEN
        RETURN QUERY SELECT false, format(
            '账户因多次密码错误已锁定，请于 %s 后再试 / too many wrong passwords: the account '
            'is locked until %s', to_char(c.locked_until AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'),
            to_char(c.locked_until AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'));
        RETURN;
    END IF;
    IF p_proof IS NULL OR c.verifier IS NULL OR sha256(p_proof) <> c.verifier THEN
        UPDATE cc_credentials SET
            failed_attempts = CASE WHEN c.failed_attempts + 1 >= inst.max_failed_attempts
                                   THEN 0 ELSE c.failed_attempts + 1 END,
            locked_until = CASE WHEN c.failed_attempts + 1 >= inst.max_failed_attempts
                                THEN t + make_interval(mins => inst.lockout_minutes) END
            WHERE cc_credentials.user_id = u.id;
        INSERT INTO audit_log (actor_id, actor_name, action, entity_type, entity_id, summary)
            VALUES (u.id, u.display_name,
                    CASE WHEN c.failed_attempts + 1 >= inst.max_failed_attempts
                         THEN 'user.locked' ELSE 'user.unlock_failed' END,
                    'user', u.id, '解锁失败：密码错误 / unlocking failed: wrong password');
        RETURN QUERY SELECT false, '密码错误 / wrong password';
        RETURN;
    END IF;
    UPDATE cc_credentials SET failed_attempts = 0, locked_until = NULL
        WHERE cc_credentials.user_id = u.id;
    RETURN QUERY SELECT true, NULL::text;
END $$;

CREATE FUNCTION cc_auth_is_demo() RETURNS boolean LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce((SELECT demo FROM cc_installation WHERE id = 1), false)
$$;

-- the accounts offered in the sign-in dialog: only on a demo database
CREATE FUNCTION cc_auth_demo_accounts()
RETURNS TABLE(id bigint, username text, display_name text, role_code text, role_name text,
              department_id bigint, department_name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.id, u.username::text, u.display_name::text, u.role_code::text, r.name::text,
           u.department_id, d.name::text
    FROM app_users u JOIN roles r ON r.code = u.role_code
    LEFT JOIN departments d ON d.id = u.department_id
    WHERE u.active AND cc_auth_is_demo()
    ORDER BY u.role_code, u.username
$$;

-- an administrator (or the user, for their own) sets a password
CREATE FUNCTION cc_set_password(p_user bigint, p_params text, p_verifier bytea,
                                p_must_change boolean)
RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    caller bigint := cc_current_user_id();
    is_app boolean := EXISTS (SELECT FROM app_users WHERE db_login = session_user);
BEGIN
    IF is_app AND cc_my_role() IS DISTINCT FROM 'admin' AND caller IS DISTINCT FROM p_user THEN
        RAISE EXCEPTION '只有系统管理员可以重设他人的密码 / only an administrator can reset '
            'another user''s password' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_params NOT LIKE 'argon2id$%' OR length(p_verifier) <> 32 THEN
        RAISE EXCEPTION '密码参数无效 / invalid password parameters'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO cc_credentials (user_id, params, verifier, failed_attempts, locked_until,
                                changed_at, must_change)
        VALUES (p_user, p_params, p_verifier, 0, NULL, clock_timestamp(), p_must_change)
        ON CONFLICT ON CONSTRAINT pk_cc_credentials DO UPDATE SET
            params = EXCLUDED.params, verifier = EXCLUDED.verifier, failed_attempts = 0,
            locked_until = NULL, changed_at = EXCLUDED.changed_at,
            must_change = EXCLUDED.must_change;
    -- a new password ends the sessions the old one opened
    DELETE FROM cc_login_secrets WHERE db_login = (SELECT db_login FROM app_users WHERE id = p_user);
    INSERT INTO audit_log (actor_id, actor_name, action, entity_type, entity_id, summary)
        SELECT caller, coalesce((SELECT display_name FROM app_users WHERE id = caller), session_user),
               'user.password', 'user', p_user,
               '设置密码：' || display_name || ' / password set: ' || username
        FROM app_users WHERE id = p_user;
END $$;

-- whether the signed-in user must choose a new password (an administrator reset it)
CREATE FUNCTION cc_must_change_password() RETURNS boolean LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce((SELECT must_change FROM cc_credentials
                     WHERE user_id = cc_current_user_id()), false)
$$;
""".replace("{default_params}", DEFAULT_PARAMS).replace("{lock_key}", AUDIT_LOCK_KEY).replace(
    "{zero}", ZERO_HASH
)

# entries written before this revision join the chain in the order they were written
CHAIN_EXISTING_SQL = """
DO $$
DECLARE r audit_log%ROWTYPE; n bigint := 0;
    prev bytea := {zero};
BEGIN
    ALTER TABLE audit_log DISABLE TRIGGER cc_audit_append_only;
    FOR r IN SELECT * FROM audit_log ORDER BY at, id LOOP
        n := n + 1;
        r.seq := n;
        r.prev_hash := prev;
        r.hash := cc_audit_hash(r);
        UPDATE audit_log SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
        prev := r.hash;
    END LOOP;
    ALTER TABLE audit_log ENABLE TRIGGER cc_audit_append_only;
END $$;
""".replace("{zero}", ZERO_HASH)


DROP_FUNCTIONS = (
    "cc_must_change_password()",
    "cc_set_password(bigint, text, bytea, boolean)",
    "cc_auth_demo_accounts()",
    "cc_auth_is_demo()",
    "cc_auth_check(bytea)",
    "cc_auth_sign_in(text, bytea)",
    "cc_auth_params(text)",
    "cc_audit_verify()",
    "cc_audit_stamp()",
    "cc_audit_hash(audit_log)",
    "cc_app_users_login()",
    "cc_sync_login(bigint)",
    "cc_admin_setting(text)",
    "cc_order_department(bigint)",
    "cc_my_department()",
    "cc_my_role()",
)


def _policy(table: str, command: str, name: str, group: str, expr: str) -> str:
    clause = {
        "SELECT": f"USING ({expr})",
        "INSERT": f"WITH CHECK ({expr})",
        "UPDATE": f"USING ({expr}) WITH CHECK ({expr})",
        "DELETE": f"USING ({expr})",
    }[command]
    return f"CREATE POLICY {name} ON {table} FOR {command} TO {group} {clause}"


def _policies() -> list[str]:
    out = []
    for table, rules in POLICIES.items():
        out += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        ]
        for command, name, rule in zip(
            ("SELECT", "INSERT", "UPDATE", "DELETE"),
            ("cc_read", "cc_insert", "cc_update", "cc_delete"),
            rules,
            strict=True,
        ):
            if isinstance(rule, Split):
                if rule.center:
                    out.append(_policy(table, command, f"{name}_center", CENTER_GROUP, rule.center))
                if rule.handler:
                    out.append(
                        _policy(table, command, f"{name}_handler", HANDLER_GROUP, rule.handler)
                    )
            elif rule:
                out.append(_policy(table, command, name, APP_ROLE, rule))
    for table in PRIVATE:
        out += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        ]
    return out


def _owner_policies() -> str:
    """The schema's owner keeps seeing everything under FORCE (a superuser does anyway)."""
    tables = ", ".join(f"'{t}'" for t in (*POLICIES, *PRIVATE))
    return f"""
DO $$
DECLARE t text;
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        FOREACH t IN ARRAY ARRAY[{tables}] LOOP
            EXECUTE format('CREATE POLICY cc_owner ON %I TO %I USING (true) WITH CHECK (true)',
                           t, current_user);
        END LOOP;
    END IF;
END $$;
"""


GRANTS_SQL = f"""
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO {APP_ROLE}, {GATEKEEPER};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE};
REVOKE ALL ON {", ".join(PRIVATE)} FROM {APP_ROLE};
REVOKE UPDATE, DELETE ON audit_log FROM {APP_ROLE};
REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {APP_ROLE};
GRANT SELECT ON alembic_version TO {GATEKEEPER};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE};
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cc_current_user_id(), cc_my_role(), cc_my_department(),
    cc_order_department(bigint), cc_admin_setting(text), cc_notify_change(),
    cc_audit_append_only(), cc_audit_verify(), cc_set_password(bigint, text, bytea, boolean),
    cc_must_change_password(), cc_auth_is_demo(), cc_auth_check(bytea), cc_auth_params(text)
    TO {APP_ROLE};
GRANT EXECUTE ON FUNCTION cc_auth_params(text), cc_auth_sign_in(text, bytea), cc_auth_is_demo(),
    cc_auth_demo_accounts() TO {GATEKEEPER};
DO $$ BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO {APP_ROLE}', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO {GATEKEEPER}', current_database());
END $$;
"""


def upgrade() -> None:
    op.execute(ROLES_SQL)
    op.create_table(
        "cc_credentials",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("params", sa.String(length=200), nullable=False),
        sa.Column("verifier", sa.LargeBinary(), nullable=False),
        sa.Column("failed_attempts", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("must_change", sa.Boolean(), server_default="false", nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_users.id"],
            name=op.f("fk_cc_credentials_user_id_app_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_cc_credentials")),
    )
    op.create_table(
        "cc_login_secrets",
        sa.Column("db_login", sa.String(length=63), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("db_login", name=op.f("pk_cc_login_secrets")),
    )
    op.create_table(
        "cc_installation",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("demo", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("max_failed_attempts", sa.SmallInteger(), server_default="5", nullable=False),
        sa.Column("lockout_minutes", sa.SmallInteger(), server_default="15", nullable=False),
        sa.Column("session_hours", sa.SmallInteger(), server_default="14", nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_cc_installation_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cc_installation")),
    )
    op.execute(
        "INSERT INTO cc_installation (id, secret) "
        "VALUES (1, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))"
    )

    # users: the login follows from the user name; the old shared scrypt hashes go (every user
    # gets a new password from an administrator: `command-center user reset NAME`)
    op.drop_column("app_users", "password_hash")
    op.drop_constraint("uq_app_users_db_login", "app_users", type_="unique")
    op.drop_column("app_users", "db_login")
    op.add_column(
        "app_users",
        sa.Column(
            "db_login",
            sa.String(length=63),
            sa.Computed(f"'{LOGIN_PREFIX}' || username", persisted=True),
            nullable=False,
        ),
    )
    op.create_unique_constraint("uq_app_users_db_login", "app_users", ["db_login"])
    op.create_check_constraint(
        "username_valid", "app_users", "username ~ '^[a-z][a-z0-9_]{1,31}$'"
    )

    # the audit chain
    op.add_column("audit_log", sa.Column("seq", sa.BigInteger(), nullable=True))
    op.add_column("audit_log", sa.Column("prev_hash", sa.LargeBinary(), nullable=True))
    op.add_column("audit_log", sa.Column("hash", sa.LargeBinary(), nullable=True))
    op.create_unique_constraint("uq_audit_log_seq", "audit_log", ["seq"])

    op.execute(FUNCTIONS_SQL)
    op.execute(CHAIN_EXISTING_SQL)
    op.execute(
        "CREATE TRIGGER cc_audit_stamp BEFORE INSERT ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION cc_audit_stamp()"
    )
    op.execute(
        "CREATE TRIGGER cc_app_users_login AFTER INSERT OR UPDATE OF active, username, role_code "
        "ON app_users FOR EACH ROW EXECUTE FUNCTION cc_app_users_login()"
    )
    op.execute("SELECT cc_sync_login(id) FROM app_users")
    for stmt in _policies():
        op.execute(stmt)
    op.execute(_owner_policies())
    op.execute(GRANTS_SQL)


def downgrade() -> None:
    op.execute(f"""
DO $$ BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM {APP_ROLE}, {GATEKEEPER}', current_database());
END $$;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}, {GATEKEEPER};
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {APP_ROLE};
REVOKE ALL ON SCHEMA public FROM {APP_ROLE}, {GATEKEEPER};
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO PUBLIC;
""")
    op.execute("""
DO $$
DECLARE p record;
BEGIN
    FOR p IN SELECT schemaname, tablename, policyname FROM pg_policies
             WHERE schemaname = 'public' LOOP
        EXECUTE format('DROP POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename);
    END LOOP;
END $$;
""")
    for table in POLICIES:
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP TRIGGER IF EXISTS cc_app_users_login ON app_users")
    op.execute("DROP TRIGGER IF EXISTS cc_audit_stamp ON audit_log")
    for fn in DROP_FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    op.execute("""
CREATE OR REPLACE FUNCTION cc_current_user_id() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT id FROM app_users WHERE db_login = session_user AND active
$$;
""")
    op.drop_constraint("uq_audit_log_seq", "audit_log", type_="unique")
    op.drop_column("audit_log", "hash")
    op.drop_column("audit_log", "prev_hash")
    op.drop_column("audit_log", "seq")
    op.drop_constraint("username_valid", "app_users", type_="check")
    op.execute("ALTER TABLE app_users ALTER COLUMN db_login DROP EXPRESSION")
    op.add_column(
        "app_users", sa.Column("password_hash", sa.String(length=200), nullable=True)
    )
    op.drop_table("cc_installation")
    op.drop_table("cc_login_secrets")
    op.drop_table("cc_credentials")
    # the roles stay: they belong to the server, and other databases on it may use them
