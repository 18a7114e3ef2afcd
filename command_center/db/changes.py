"""Committed changes, typed: what a notification on the change channel says, parsed once.

The trigger ``cc_notify_change`` (alembic 0001/0004) sends ``{"t": table, "op": "insert" |
"update" | "delete", "id": id, "v": version}``; a bulk write sends :data:`RELOAD_NOTICE`
instead of one notice per row. :func:`parse_change` turns either into a :class:`Change`; the GUI
side (workers/live.py) gathers a burst of them into one :class:`Changes`, which is all a view
ever sees. No Qt here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

RELOAD = "reload"
ALL_TABLES = "*"
INSERT = "insert"


@dataclass(frozen=True, slots=True)
class Change:
    """One committed change. ``id`` and ``version`` are None where the table has no such column
    (``app_settings`` is keyed by name); ``reload`` means "read everything anew"."""

    table: str
    op: str
    id: int | None = None
    version: int | None = None

    @property
    def reload(self) -> bool:
        return self.op == RELOAD or self.table == ALL_TABLES


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_change(payload: Mapping[str, Any]) -> Change | None:
    """The :class:`Change` a notification payload describes; None when it is not one of ours."""
    table, op = payload.get("t"), payload.get("op")
    if not isinstance(table, str) or not isinstance(op, str):
        return None
    return Change(table, op, _int_or_none(payload.get("id")), _int_or_none(payload.get("v")))


def _frozen_ids() -> Mapping[str, frozenset[int]]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Changes:
    """A burst of changes, delivered together. ``reload``: a bulk write happened (or the changes
    are unknown), so whatever a view shows should be read anew and the ids are not enough."""

    reload: bool = False
    tables: frozenset[str] = frozenset()
    ids: Mapping[str, frozenset[int]] = field(default_factory=_frozen_ids)
    inserted: Mapping[str, frozenset[int]] = field(default_factory=_frozen_ids)

    @classmethod
    def of(cls, changes: Iterable[Change]) -> Changes:
        reload = False
        tables: set[str] = set()
        ids: dict[str, set[int]] = {}
        last_op: dict[tuple[str, int], str] = {}
        for c in changes:
            if c.reload:
                reload = True
                continue
            tables.add(c.table)
            if c.id is not None:
                ids.setdefault(c.table, set()).add(c.id)
                last_op[(c.table, c.id)] = c.op
        inserted: dict[str, set[int]] = {}
        for (table, row_id), op in last_op.items():
            if op == INSERT:
                inserted.setdefault(table, set()).add(row_id)
        return cls(
            reload,
            frozenset(tables),
            MappingProxyType({t: frozenset(v) for t, v in ids.items()}),
            MappingProxyType({t: frozenset(v) for t, v in inserted.items()}),
        )

    def touched(self, *tables: str) -> bool:
        """Whether any of these tables changed (a reload touches every table)."""
        return self.reload or not self.tables.isdisjoint(tables)

    def ids_of(self, table: str) -> frozenset[int]:
        """The rows of ``table`` that changed (inserted, updated or deleted)."""
        return self.ids.get(table, frozenset())

    def inserted_into(self, table: str) -> frozenset[int]:
        """The rows of ``table`` whose last change in the burst was their insertion."""
        return self.inserted.get(table, frozenset())

    def __bool__(self) -> bool:
        return self.reload or bool(self.tables)
