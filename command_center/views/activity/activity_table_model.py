"""The newest audit entries, newest on top, for the activity feed (最新动态).

Entries only ever arrive (the audit log is append-only): :meth:`ActivityTableModel.merge`
inserts them where they belong with ``beginInsertRows`` — never a model reset, so the operator's
selection and scroll position survive — ignores ids it already holds, and drops the oldest
rows beyond the capacity.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from command_center import clock
from command_center.services.activity import ActivityItem

DEFAULT_CAPACITY = 500

_CONTEXT = "ActivityTableModel"
COLUMNS: tuple[tuple[str, str], ...] = (
    ("at", QT_TRANSLATE_NOOP("ActivityTableModel", "Time")),
    ("actor", QT_TRANSLATE_NOOP("ActivityTableModel", "Who")),
    ("summary", QT_TRANSLATE_NOOP("ActivityTableModel", "What")),
    ("reason", QT_TRANSLATE_NOOP("ActivityTableModel", "Why")),
)
COL_TIME, COL_ACTOR, COL_SUMMARY, COL_REASON = range(len(COLUMNS))

ItemRole = Qt.ItemDataRole.UserRole + 1
"""The row's :class:`ActivityItem`."""
IdRole = Qt.ItemDataRole.UserRole + 2
"""The audit entry id."""

Index = QModelIndex | QPersistentModelIndex


def _neg_id(item: ActivityItem) -> int:
    return -item.id


class ActivityTableModel(QAbstractTableModel):
    """Rows are :class:`ActivityItem`, ordered by id, newest (largest) first."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, parent: Any = None) -> None:
        super().__init__(parent)
        self._capacity = capacity
        self._items: list[ActivityItem] = []
        self._ids: set[int] = set()

    # --- reading ---

    @property
    def capacity(self) -> int:
        return self._capacity

    def item(self, row: int) -> ActivityItem:
        return self._items[row]

    def items(self) -> tuple[ActivityItem, ...]:
        return tuple(self._items)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._ids

    def newest_time(self) -> dt.datetime | None:
        """The latest ``at`` held; the catch-up after a reconnect starts a margin before it."""
        return max((i.at for i in self._items), default=None)

    # --- Qt model interface ---

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_TIME:
                local = item.at.astimezone()
                # the date only when it is not today: the feed is mostly read for today
                if local.date() == clock.now().date():
                    return local.strftime("%H:%M:%S")
                return local.strftime("%m-%d %H:%M")
            if col == COL_ACTOR:
                return item.actor
            if col == COL_SUMMARY:
                return item.summary
            if col == COL_REASON:
                return item.reason or ""
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_TIME:
                return item.at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
            if col == COL_SUMMARY:
                return item.summary
            if col == COL_REASON:
                return item.reason or None
            return None
        if role == ItemRole:
            return item
        if role == IdRole:
            return item.id
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_TIME:
            return int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return QCoreApplication.translate(_CONTEXT, COLUMNS[section][1])
        return None

    def retranslate(self) -> None:
        """The language changed: the headers read again."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    # --- changing ---

    def merge(self, items: Iterable[ActivityItem]) -> int:
        """Insert the entries not held yet, each at its place; return how many went in."""
        fresh: dict[int, ActivityItem] = {}
        for item in items:
            if item.id not in self._ids:
                fresh[item.id] = item
        if not fresh:
            return 0
        new = sorted(fresh.values(), key=_neg_id)
        if len(self._items) >= self._capacity:
            # full: entries older than everything held would fall off again at once
            oldest = self._items[-1].id
            new = [i for i in new if i.id > oldest]
        inserted = 0
        i = 0
        while i < len(new):
            pos = bisect.bisect_left(self._items, -new[i].id, key=_neg_id)
            # a run of consecutive new entries that all go in before the same held row
            j = i + 1
            while j < len(new) and (pos == len(self._items) or self._items[pos].id < new[j].id):
                j += 1
            run = new[i:j]
            self.beginInsertRows(QModelIndex(), pos, pos + len(run) - 1)
            self._items[pos:pos] = run
            self._ids.update(x.id for x in run)
            self.endInsertRows()
            inserted += len(run)
            i = j
        self._trim()
        return inserted

    def clear(self) -> None:
        if not self._items:
            return
        self.beginRemoveRows(QModelIndex(), 0, len(self._items) - 1)
        self._items.clear()
        self._ids.clear()
        self.endRemoveRows()

    def _trim(self) -> None:
        extra = len(self._items) - self._capacity
        if extra <= 0:
            return
        first = self._capacity
        self.beginRemoveRows(QModelIndex(), first, len(self._items) - 1)
        for item in self._items[first:]:
            self._ids.discard(item.id)
        del self._items[first:]
        self.endRemoveRows()
