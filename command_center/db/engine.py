"""Engine and session factory. The caller owns each session's lifetime (one per user action)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

APPLICATION_NAME = "command-center"


def normalize_url(url: str) -> str:
    """Use the psycopg 3 driver whatever form of PostgreSQL URL we were given."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        u = u.set(drivername="postgresql+psycopg")
    if u.drivername != "postgresql+psycopg":
        raise ValueError(
            f"只支持 PostgreSQL 数据库 / only PostgreSQL is supported, not {u.drivername!r}"
        )
    return u.render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The same URL as psycopg.connect() wants it (no SQLAlchemy driver suffix)."""
    u = make_url(normalize_url(url)).set(drivername="postgresql")
    return u.render_as_string(hide_password=False)


ANALYTICS_APPLICATION_NAME = "command-center-analytics"


def make_engine(
    url: str, *, application_name: str = APPLICATION_NAME, read_only: bool = False,
    **kwargs: object,
) -> Engine:
    """``read_only``: every transaction of every connection is read-only
    (``default_transaction_read_only``), so nothing can write through this engine even where
    it points at the primary (the analytics engine, see db/connection.py)."""
    connect_args: dict[str, object] = {"application_name": application_name,
                                       "connect_timeout": 5}
    if read_only:
        connect_args["options"] = "-c default_transaction_read_only=on"
    # pool_pre_ping: after the server drops us (restart, pg_terminate_backend) the next checkout
    # gets a fresh connection instead of an error in the operator's face.
    return create_engine(
        normalize_url(url),
        pool_pre_ping=True,
        pool_size=kwargs.pop("pool_size", 4),
        max_overflow=kwargs.pop("max_overflow", 4),
        connect_args=connect_args,
        # an error's text (logged, shown) never carries a statement's values: they hold
        # callers' names and phones
        hide_parameters=kwargs.pop("hide_parameters", True),
        **kwargs,
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def database_key(session: Session) -> str:
    """The URL (without password) of the database ``session`` works in: the key of the
    per-database caches. Works whether the session is bound to an Engine or a Connection."""
    return session.get_bind().engine.url.render_as_string(hide_password=True)
