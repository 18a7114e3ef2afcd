"""The embedded default holds the same line as a server: the program signs in through the
gatekeeper and works as the operator's own login, which needs the password the gatekeeper
handed out (the embedded server trusts only its own superuser and the gatekeeper)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from command_center.db import migrate
from command_center.db.connection import Database, open_database, with_login
from command_center.db.engine import libpq_url
from command_center.models import Department, Role
from command_center.services import auth
from command_center.services.audit import SYSTEM
from tests.conftest import EMBEDDED_TEST_DIR
from tests.db.test_security import security_problems

PASSWORD = "值班-2026-correct"


@pytest.fixture(scope="module")
def embedded() -> Iterator[Database]:
    """The program's own embedded server (as ``open_database(None)`` starts it), migrated by
    its superuser, with one administrator and one department handler."""
    data = Path(EMBEDDED_TEST_DIR) / f"embedded-security-{uuid.uuid4().hex[:8]}"
    old = os.environ.get("COMMAND_CENTER_DATA_DIR")
    os.environ["COMMAND_CENTER_DATA_DIR"] = str(data)
    db = open_database(None, upgrade_schema=True)
    try:
        with db.sessions() as s:
            s.add_all([
                Role(code="admin", name="系统管理员", name_en="Administrator", db_role="cc_admin"),
                Role(code="dept_handler", name="部门承办人", name_en="Department handler",
                     db_role="cc_dept_handler"),
                Department(code="police", name="县公安局"),
            ])
            s.commit()
            dept = s.execute(text("SELECT id FROM departments")).scalar_one()
            auth.add_user(s, SYSTEM, "chief", "马德胜", "admin", PASSWORD, must_change=False)
            auth.add_user(s, SYSTEM, "clerk", "杨萍英", "dept_handler", PASSWORD,
                          department_id=dept, must_change=False)
        yield db
    finally:
        db.close()
        if old is None:
            os.environ.pop("COMMAND_CENTER_DATA_DIR", None)
        else:
            os.environ["COMMAND_CENTER_DATA_DIR"] = old


def test_the_embedded_catalogue_has_rls_everywhere_and_no_powerful_login(
    embedded: Database,
) -> None:
    assert embedded.is_embedded
    assert migrate.current_revision(embedded.engine) == migrate.SCHEMA_HEAD
    assert security_problems(embedded.url) == []


def test_an_operators_login_needs_the_gatekeepers_password(embedded: Database) -> None:
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(libpq_url(with_login(embedded.url, "cc_u_clerk", None))).close()
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(libpq_url(with_login(embedded.url, "cc_u_clerk", PASSWORD))).close()


def test_the_program_signs_in_through_the_gatekeeper(embedded: Database) -> None:
    # the path the window takes: the gatekeeper, then the operator's own login
    gate = open_database(None, as_gatekeeper=True)
    try:
        assert gate.url != embedded.url
        with gate.sessions() as s:
            assert not auth.is_demo(s)
            assert auth.demo_accounts(s) == []  # no list of accounts outside the demo
            with pytest.raises(auth.AuthError, match="密码错误"):
                auth.sign_in(s, "clerk", "guess")
            signed = auth.sign_in(s, "clerk", PASSWORD)
        db = gate.as_login(signed.db_login, signed.secret)
        try:
            with db.sessions() as s:
                user = auth.user_info(s, signed.user_id)
                role = s.execute(text("SELECT cc_my_role(), session_user")).one()
        finally:
            db.release()
    finally:
        gate.release()
    assert (user.username, user.department_name) == ("clerk", "县公安局")
    assert tuple(role) == ("dept_handler", "cc_u_clerk")


def test_a_disabled_account_can_no_longer_sign_in_or_connect(embedded: Database) -> None:
    gate = open_database(None, as_gatekeeper=True)
    try:
        with gate.sessions() as s:
            signed = auth.sign_in(s, "chief", PASSWORD)
        with embedded.sessions() as s:
            auth.set_active(s, SYSTEM, "chief", False)
        with gate.sessions() as s, pytest.raises(auth.AuthError, match="停用"):
            auth.sign_in(s, "chief", PASSWORD)
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(
                libpq_url(with_login(embedded.url, signed.db_login, signed.secret))
            ).close()
        with embedded.sessions() as s:
            auth.set_active(s, SYSTEM, "chief", True)
        with gate.sessions() as s:
            assert auth.sign_in(s, "chief", PASSWORD).db_login == "cc_u_chief"
    finally:
        gate.release()
