"""Bulk writing with COPY, and the live-change etiquette of a bulk write.

The demo county and the 12345 imports are written this way, never row by row through the ORM.

Rows are encoded to COPY's text format here rather than value by value in the driver: for the
million-row demo (``--scale 16``) that is several times faster.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.db.listener import CHANNEL, RELOAD_NOTICE

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
CHUNK = 1 << 20


def _text(v: str) -> str:
    if "\\" in v or "\t" in v or "\n" in v or "\r" in v:
        return v.translate(_ESCAPES)
    return v


_json_memo: dict[tuple[Any, ...], str] = {}


def _json(v: Any) -> str:
    # audit before/after values repeat endlessly ({"status": "accepted"}): encode each once
    try:
        key = (type(v), *v.items()) if isinstance(v, dict) else (type(v), *v)
        cached = _json_memo.get(key)
    except TypeError:  # unhashable contents
        return json.dumps(v, ensure_ascii=False).translate(_ESCAPES)
    if cached is None:
        cached = json.dumps(v, ensure_ascii=False).translate(_ESCAPES)
        if len(_json_memo) < 100_000:
            _json_memo[key] = cached
    return cached


_ENCODERS: dict[type, Callable[[Any], str]] = {
    str: _text,
    int: str,
    float: repr,
    bool: lambda v: "t" if v else "f",
    dt.datetime: dt.datetime.isoformat,
    dt.date: dt.date.isoformat,
    Decimal: str,
    dict: _json,
    list: _json,
    tuple: _json,
}


def encode_row(row: Sequence[Any]) -> str:
    """One line of COPY text format; None is NULL, dicts and lists are JSON."""
    return "\t".join("\\N" if v is None else _ENCODERS[type(v)](v) for v in row) + "\n"


def copy_rows(
    conn: psycopg.Connection[Any], table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """COPY ``rows`` into ``table``. Returns the row count."""
    n = 0
    cols = ", ".join(columns)
    buf: list[str] = []
    size = 0
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
        for row in rows:
            line = encode_row(row)
            buf.append(line)
            size += len(line)
            n += 1
            if size >= CHUNK:
                cp.write("".join(buf).encode())
                buf.clear()
                size = 0
        if buf:
            cp.write("".join(buf).encode())
    return n


@contextmanager
def bulk_load(conn: psycopg.Connection[Any], tables: Sequence[str]) -> Iterator[None]:
    """Drop the foreign keys and secondary indexes of ``tables`` and recreate them afterwards.

    Checking a foreign key row by row costs far more than validating it in one pass at the
    end, and so does maintaining indexes. Names and definitions are read from the catalogue,
    so they come back exactly as the migration made them. Use inside one transaction.
    """
    fks = conn.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
        (list(tables),),
    ).fetchall()
    indexes = conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        (list(tables),),
    ).fetchall()
    for table, name, _ in fks:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    yield
    for _, definition in indexes:
        conn.execute(definition)
    for table, name, definition in fks:
        conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def reset_identity(conn: psycopg.Connection[Any], table: str) -> None:
    """Move the identity sequence past the ids COPY wrote explicitly."""
    conn.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"GREATEST((SELECT max(id) FROM {table}), 1))"
    )


# A write of at least this many rows sends one "reload" notice instead of one per row
# (alembic 0004: the notify trigger stays quiet while the transaction sets cc.bulk).
BULK_NOTIFY_THRESHOLD = 50


def quiet_bulk(session: Session, rows: int, threshold: int | None = None) -> bool:
    """For a big write: no notification per row in this transaction; call
    :func:`announce_reload` before committing. Returns whether it applies."""
    if rows < (BULK_NOTIFY_THRESHOLD if threshold is None else threshold):
        return False
    session.execute(text("SET LOCAL cc.bulk = 'on'"))
    return True


def announce_reload(session: Session) -> None:
    """One notice for the whole transaction, delivered at commit (never on rollback)."""
    session.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": RELOAD_NOTICE})


def raw_connection(session: Session) -> psycopg.Connection[Any]:
    """The session's psycopg connection, in the session's transaction (for COPY)."""
    return session.connection().connection.driver_connection  # type: ignore[return-value]
