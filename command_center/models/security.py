"""What only the database's own functions touch: credentials, one-session logins and the
installation's settings (alembic 0005).

No application login has any privilege on these tables. The gatekeeper's SECURITY DEFINER
functions read and write them; the program never maps them for queries, they are here so
that the models and the migrations describe the same schema.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base


class Credential(Base):
    """A user's password verifier: sha256 of the argon2id digest the client derives with this
    salt and these parameters (the digest itself is never stored)."""

    __tablename__ = "cc_credentials"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("app_users.id", ondelete="CASCADE"), primary_key=True
    )
    params: Mapped[str] = mapped_column(String(200))
    verifier: Mapped[bytes] = mapped_column(LargeBinary)
    failed_attempts: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    changed_at: Mapped[dt.datetime] = mapped_column()
    must_change: Mapped[bool] = mapped_column(server_default="false")


class LoginSecret(Base):
    """The database password of a login for one working session, handed out at sign-in."""

    __tablename__ = "cc_login_secrets"

    db_login: Mapped[str] = mapped_column(String(63), primary_key=True)
    secret: Mapped[str] = mapped_column(String(100))
    valid_until: Mapped[dt.datetime] = mapped_column()


class Installation(Base):
    """This database's own settings (one row): whether it holds the demo county, and the secret
    that makes the salts of unknown user names look like real ones."""

    __tablename__ = "cc_installation"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    demo: Mapped[bool] = mapped_column(server_default="false")
    secret: Mapped[str] = mapped_column(String(100))
    # sign-in: wrong passwords before a lockout, its length, a working session's database login
    max_failed_attempts: Mapped[int] = mapped_column(SmallInteger, server_default="5")
    lockout_minutes: Mapped[int] = mapped_column(SmallInteger, server_default="15")
    session_hours: Mapped[int] = mapped_column(SmallInteger, server_default="14")
