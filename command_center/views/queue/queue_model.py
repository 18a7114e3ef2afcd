"""The queue as a lazily loaded table: pages come by keyset through the OpsRunner.

:class:`QueueTableModel` holds the rows read so far, in queue order. ``canFetchMore`` /
``fetchMore`` ask the worker for the next page after the last key held; a jump to a number far
ahead replaces the rows with a window around that row (``earlier`` rows can then be loaded on
top). Live changes re-read only the affected rows by id and update them in place
(``dataChanged``), so the selection and the scroll position stay; a row that no longer matches
the filter stays greyed until the next reload, showing what it is now (its new status), and new
rows are counted, not inserted, so the list does not move under the operator's hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from command_center import clock
from command_center.services import deadlines, lifecycle
from command_center.services import queue as svc
from command_center.views import words
from command_center.workers.ops import OpsRunner

Index = QModelIndex | QPersistentModelIndex
RowRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2
LevelRole = Qt.ItemDataRole.UserRole + 3
"""The deadline level of the row: "ok", "amber", "red" or "" (no running deadline)."""

_CTX = "QueueTableModel"
_ST = "QueueStatus"

INCIDENT_STATUS_CODES = lifecycle.status_codes("incident")
ORDER_STATUS_CODES = lifecycle.status_codes("order")
PRIORITY_TEXT = {
    1: QT_TRANSLATE_NOOP("QueueStatus", "Urgent"),
    2: QT_TRANSLATE_NOOP("QueueStatus", "High"),
    3: QT_TRANSLATE_NOOP("QueueStatus", "Normal"),
    4: QT_TRANSLATE_NOOP("QueueStatus", "Low"),
}
LEVEL_COLOURS = {"amber": ("#8a5a00", "#fff1c9"), "red": ("#ffffff", "#c62828")}


def status_text(kind: str, status: str) -> str:
    """The status's word ("incidents" or "orders"), in the interface language."""
    return words.status_text(kind, status)


def priority_text(p: int) -> str:
    return QCoreApplication.translate(_ST, PRIORITY_TEXT.get(p, str(p)))


def remaining_text(remaining: dt.timedelta) -> str:
    """ "2 d 3 h left" / "5 h 10 min overdue", translated."""
    late = remaining.total_seconds() < 0
    amount = amount_text(remaining)
    return (
        QCoreApplication.translate("QueueTableModel", "%1 overdue")
        if late
        else QCoreApplication.translate("QueueTableModel", "%1 left")
    ).replace("%1", amount)


def objection_text(row: Any, now: dt.datetime) -> str | None:
    """For an order waiting to be signed for while its objection window runs: how long the
    department may still object ("objection: 5 h 10 min left"); else None."""
    until = getattr(row, "objection_deadline_at", None)
    if row.status != "dispatched" or until is None or until <= now:
        return None
    return QCoreApplication.translate("QueueTableModel", "objection: %1 left").replace(
        "%1", amount_text(until - now)
    )


def amount_text(remaining: dt.timedelta) -> str:
    """ "2 d 3 h", "5 h 10 min", "7 min" (of the absolute time), translated."""
    seconds = abs(int(remaining.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        amount = (
            QCoreApplication.translate("QueueTableModel", "%1 d %2 h")
            .replace("%1", str(days))
            .replace("%2", str(hours))
        )
    elif hours:
        amount = (
            QCoreApplication.translate("QueueTableModel", "%1 h %2 min")
            .replace("%1", str(hours))
            .replace("%2", str(minutes))
        )
    else:
        amount = QCoreApplication.translate("QueueTableModel", "%1 min").replace("%1", str(minutes))
    return amount


OPEN = {"incidents": set(svc.OPEN_INCIDENTS), "orders": set(svc.OPEN_ORDERS)}


def countdown_of(kind: str, row: Any, now: dt.datetime) -> deadlines.Countdown | None:
    """The running countdown of an open row; None for a row without one (done, no deadline)."""
    if row.status not in OPEN[kind] or row.deadline is None:
        return None
    return deadlines.countdown(now, row.started_at, row.deadline)


# (key, header) per kind
INCIDENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", QT_TRANSLATE_NOOP("QueueTableModel", "Number")),
    ("deadline", QT_TRANSLATE_NOOP("QueueTableModel", "Time limit")),
    ("priority", QT_TRANSLATE_NOOP("QueueTableModel", "Priority")),
    ("status", QT_TRANSLATE_NOOP("QueueTableModel", "Status")),
    ("title", QT_TRANSLATE_NOOP("QueueTableModel", "Title")),
    ("category", QT_TRANSLATE_NOOP("QueueTableModel", "Category")),
    ("place", QT_TRANSLATE_NOOP("QueueTableModel", "Town / grid")),
    ("channel", QT_TRANSLATE_NOOP("QueueTableModel", "Channel")),
    ("reported", QT_TRANSLATE_NOOP("QueueTableModel", "Reported")),
    ("waiting", QT_TRANSLATE_NOOP("QueueTableModel", "Reporter")),
)
ORDER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", QT_TRANSLATE_NOOP("QueueTableModel", "Order")),
    ("deadline", QT_TRANSLATE_NOOP("QueueTableModel", "Time limit")),
    ("department", QT_TRANSLATE_NOOP("QueueTableModel", "Department")),
    ("priority", QT_TRANSLATE_NOOP("QueueTableModel", "Priority")),
    ("status", QT_TRANSLATE_NOOP("QueueTableModel", "Status")),
    ("title", QT_TRANSLATE_NOOP("QueueTableModel", "Title")),
    ("category", QT_TRANSLATE_NOOP("QueueTableModel", "Category")),
    ("place", QT_TRANSLATE_NOOP("QueueTableModel", "Town / grid")),
    ("dispatched", QT_TRANSLATE_NOOP("QueueTableModel", "Dispatched")),
    ("waiting", QT_TRANSLATE_NOOP("QueueTableModel", "Reporter")),
)


def _fmt_time(t: dt.datetime | None, now: dt.datetime) -> str:
    if t is None:
        return ""
    local = t.astimezone()
    if local.date() == now.astimezone().date():
        return local.strftime("%H:%M")
    if local.year == now.astimezone().year:
        return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d")


class QueueTableModel(QAbstractTableModel):
    """Rows of one queue (incidents or work orders); see the module docstring."""

    sig_first_rows = Signal(float)
    """The first rows of a (re)load are in. Arguments: milliseconds since the load began."""

    sig_loading_changed = Signal(bool)
    """A page is being read (True) or not (False)."""

    sig_count_changed = Signal(int, bool)
    """The number of matching rows. Arguments: the number, whether it is exact."""

    sig_jumped = Signal(int, bool)
    """A jump ended. Arguments: the row (-1 if not found), whether the number exists at all."""

    sig_new_rows = Signal(int)
    """Rows were added or changed into the filter since the last load and are not shown yet.
    Arguments: how many."""

    sig_failed = Signal(str)
    """Reading failed. Arguments: the message."""

    def __init__(
        self,
        runner: OpsRunner,
        query: svc.Query,
        *,
        page_size: int = svc.PAGE_SIZE,
        autoload: bool = True,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._query = query
        self._page_size = page_size
        self._columns = INCIDENT_COLUMNS if query.kind == "incidents" else ORDER_COLUMNS
        self._rows: list[Any] = []
        self._pos: dict[int, int] = {}
        self._stale: set[int] = set()
        self._cursor: tuple[Any, ...] | None = None
        self._head: tuple[Any, ...] | None = None
        self._exhausted = True
        self._at_start = True
        self._fetching = False
        self._generation = 0
        self._load_started = 0.0
        self._new_ids: set[int] = set()
        self._now = clock.now()
        self.count: svc.Count | None = None
        if autoload:
            self.reload()

    # --- what is held ---

    @property
    def query(self) -> svc.Query:
        return self._query

    @property
    def kind(self) -> str:
        return self._query.kind

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        return self._columns

    def column_of(self, key: str) -> int:
        return next(i for i, (k, _) in enumerate(self._columns) if k == key)

    @property
    def loading(self) -> bool:
        return self._fetching

    @property
    def at_start(self) -> bool:
        """The first row held is the queue's first (False after a jump far ahead)."""
        return self._at_start

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    def row_of(self, row_id: int) -> int:
        """The row holding ``row_id``; -1 if not held."""
        return self._pos.get(row_id, -1)

    def item(self, row: int) -> Any:
        return self._rows[row]

    def items(self) -> list[Any]:
        return list(self._rows)

    def ids(self) -> list[int]:
        return [r.id for r in self._rows]

    def is_stale(self, row_id: int) -> bool:
        return row_id in self._stale

    # --- Qt model interface ---

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._columns)
        ):
            return QCoreApplication.translate(_CTX, self._columns[section][1])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self._columns):
            return None
        row = self._rows[index.row()]
        key = self._columns[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == RowRole:
            return row
        if role == IdRole:
            return row.id
        if role == LevelRole:
            cd = countdown_of(self.kind, row, self._now)
            return cd.level if cd else ""
        stale = row.id in self._stale
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, key, stale)
        if role == Qt.ItemDataRole.ForegroundRole:
            if stale:
                return QBrush(QColor("#8a94a0"))
            if key == "deadline":
                cd = countdown_of(self.kind, row, self._now)
                if cd and cd.level in LEVEL_COLOURS:
                    return QBrush(QColor(LEVEL_COLOURS[cd.level][0]))
            if key == "priority" and row.priority == 1:
                return QBrush(QColor("#c62828"))
            if (
                key == "waiting"
                and row.waiting_answer
                and row.answer_due_at is not None
                and (row.answer_due_at < self._now)
            ):
                return QBrush(QColor("#c62828"))
            return None
        if role == Qt.ItemDataRole.BackgroundRole and key == "deadline" and not stale:
            cd = countdown_of(self.kind, row, self._now)
            if cd and cd.level in LEVEL_COLOURS:
                return QBrush(QColor(LEVEL_COLOURS[cd.level][1]))
            return None
        if role == Qt.ItemDataRole.FontRole:
            if stale:
                f = QFont()
                f.setItalic(True)
                return f
            if key == "deadline" and countdown_of(self.kind, row, self._now):
                f = QFont()
                f.setBold(True)
                return f
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and key in (
            "priority",
            "reported",
            "dispatched",
            "deadline",
        ):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, row: Any, key: str) -> str:
        if key == "number":
            return row.number
        if key == "title":
            return row.title
        if key == "category":
            return words.pick(
                (row.category_name or "", row.category_name_en or row.category_name or "")
            )
        if key == "place":
            parts = [words.place_text(p) for p in (row.town_name, row.grid_name) if p]
            flag = words.location_flag_text(getattr(row, "location_flag", None))
            return " · ".join(parts + ([f"⚠ {flag}"] if flag else []))
        if key == "channel":
            zh = row.channel_name or row.channel_code
            return words.pick((zh, row.channel_name_en or zh))
        if key == "department":
            zh = row.department_name or ""
            return words.pick((zh, row.department_name_en or zh))
        if key == "priority":
            return priority_text(row.priority)
        if key == "status":
            text = status_text(self.kind, row.status)
            objection = objection_text(row, self._now) if self.kind == "orders" else None
            return f"{text} · {objection}" if objection else text
        if key == "reported":
            return _fmt_time(row.reported_at, self._now)
        if key == "dispatched":
            return _fmt_time(row.dispatched_at, self._now)
        if key == "deadline":
            cd = countdown_of(self.kind, row, self._now)
            if cd is None:
                return "—" if row.deadline is None else ""
            return remaining_text(cd.remaining)
        if key == "waiting":
            if not row.waiting_answer:
                return ""
            if row.answer_due_at < self._now:
                return QCoreApplication.translate("QueueTableModel", "Answer overdue")
            return QCoreApplication.translate("QueueTableModel", "Awaiting answer")
        return ""

    def _tooltip(self, row: Any, key: str, stale: bool) -> str | None:
        if stale:
            return QCoreApplication.translate(
                "QueueTableModel", "Changed: no longer matches the filter. Refresh to remove it."
            )
        if key == "title":  # the caller's words, never markup
            return words.plain_tip(row.title + (f"\n{row.address}" if row.address else ""))
        if key == "deadline" and row.deadline is not None:
            cd = countdown_of(self.kind, row, self._now)
            text = QCoreApplication.translate("QueueTableModel", "Due %1").replace(
                "%1", row.deadline.astimezone().strftime("%Y-%m-%d %H:%M")
            )
            if cd:
                used = QCoreApplication.translate(
                    "QueueTableModel", "%1% of the allowed time used"
                ).replace("%1", str(round(cd.fraction_used * 100)))
                text += "\n" + used
            return text
        if key == "waiting" and row.waiting_answer:
            return QCoreApplication.translate(
                "QueueTableModel", "The reporter is waiting for an answer, due %1"
            ).replace("%1", row.answer_due_at.astimezone().strftime("%Y-%m-%d %H:%M"))
        if key == "place":
            return words.plain_tip(self._display(row, key))
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._exhausted or self._fetching:
            return
        query, after, size, gen = self._query, self._cursor, self._page_size, self._generation
        self._submit(
            lambda s: svc.page(s, query, after, size),
            lambda page: self._on_page(gen, page),
            "queue.page",
        )

    # --- loading ---

    def _submit(
        self, fn: Callable[[Any], Any], done: Callable[[Any], None], name: str, *, busy: bool = True
    ) -> None:
        if busy:
            self._set_fetching(True)

        def failed(exc: BaseException) -> None:
            if busy:
                self._set_fetching(False)
            self.sig_failed.emit(str(exc))

        def ok(result: Any) -> None:
            if busy:
                self._set_fetching(False)
            done(result)

        self._runner.submit(fn, success=ok, failure=failed, owner=self, name=name)

    def _set_fetching(self, on: bool) -> None:
        if self._fetching != on:
            self._fetching = on
            self.sig_loading_changed.emit(on)

    def set_query(self, query: svc.Query) -> None:
        """Another filter or sort: read the queue again from its start."""
        self._query = query
        self.reload()

    def reload(self) -> None:
        """Drop what is held and read the first page (and then the count)."""
        self._generation += 1
        gen = self._generation
        self._load_started = time.perf_counter()
        self._now = clock.now()
        self.beginResetModel()
        self._rows, self._pos, self._stale = [], {}, set()
        self._cursor, self._head, self._exhausted, self._at_start = None, None, True, True
        self._new_ids.clear()
        self.endResetModel()
        self._fetching = False
        query, size = self._query, self._page_size
        self._submit(
            lambda s: svc.page(s, query, None, size),
            lambda page: self._on_page(gen, page, first=True),
            "queue.first_page",
        )
        self.refresh_count()
        self.sig_new_rows.emit(0)

    def refresh_count(self) -> None:
        query, gen = self._query, self._generation
        self._submit(
            lambda s: svc.count(s, query),
            lambda c: self._on_count(gen, c),
            "queue.count",
            busy=False,
        )

    def _on_count(self, gen: int, c: svc.Count) -> None:
        if gen != self._generation:
            return
        self.count = c
        self.sig_count_changed.emit(c.value, c.exact)

    def _on_page(self, gen: int, page: svc.Page, *, first: bool = False) -> None:
        if gen != self._generation:
            return
        fresh = [r for r in page.rows if r.id not in self._pos]
        if fresh:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
            for r in fresh:
                self._pos[r.id] = len(self._rows)
                self._rows.append(r)
            self.endInsertRows()
        if self._head is None and self._rows:
            self._head = self._rows[0].key
        self._cursor = page.cursor
        self._exhausted = page.exhausted
        if first:
            self.sig_first_rows.emit((time.perf_counter() - self._load_started) * 1000)

    def fetch_earlier(self) -> None:
        """After a jump: read the page before the first row held and put it on top."""
        if self._at_start or self._fetching or not self._rows:
            return
        query, first, size, gen = self._query, self._rows[0].key, self._page_size, self._generation
        self._submit(
            lambda s: svc.page_before(s, query, first, size),
            lambda page: self._on_earlier(gen, page),
            "queue.page_before",
        )

    def _on_earlier(self, gen: int, page: svc.Page) -> None:
        if gen != self._generation:
            return
        fresh = [r for r in page.rows if r.id not in self._pos]
        if fresh:
            self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
            self._rows[0:0] = fresh
            self._pos = {r.id: i for i, r in enumerate(self._rows)}
            self.endInsertRows()
        self._at_start = page.exhausted

    # --- jumping ---

    def jump(self, number: str) -> None:
        """Go to the row of this number (an incident's SJ… or an order's GD…): select it where
        it is held, else load a window around it. Ends with :attr:`sig_jumped`."""
        query, gen = self._query, self._generation
        held = dict(self._pos)

        def work(s: Any) -> tuple[svc.Located | None, svc.Window | None]:
            found = svc.locate(s, query.kind, number)  # type: ignore[arg-type]
            if found is None or not found.id or found.id in held:
                return found, None
            return found, svc.window(s, query, found.id, before=20, limit=self._page_size)

        self._submit(work, lambda res: self._on_jump(gen, *res), "queue.jump")

    def jump_to_id(self, row_id: int) -> None:
        """Like :meth:`jump`, by the row's id."""
        if row_id in self._pos:
            self.sig_jumped.emit(self._pos[row_id], True)
            return
        query, gen = self._query, self._generation

        def work(s: Any) -> tuple[svc.Located | None, svc.Window | None]:
            w = svc.window(s, query, row_id, before=20, limit=self._page_size)
            return svc.Located(row_id, row_id, ""), w

        self._submit(work, lambda res: self._on_jump(gen, *res), "queue.jump")

    def _on_jump(self, gen: int, found: svc.Located | None, win: svc.Window | None) -> None:
        if gen != self._generation:
            self.sig_jumped.emit(-1, found is not None)
            return
        if found is None or not found.id:
            self.sig_jumped.emit(-1, found is not None)
            return
        if found.id in self._pos:
            self.sig_jumped.emit(self._pos[found.id], True)
            return
        if win is None:
            self.sig_jumped.emit(-1, True)  # exists, but not in this filter
            return
        self._generation += 1
        self.beginResetModel()
        self._rows = win.before + win.rows
        self._pos = {r.id: i for i, r in enumerate(self._rows)}
        self._stale = set()
        self._at_start = win.at_start
        self._exhausted = win.exhausted
        self._cursor = win.cursor
        self._head = self._rows[0].key if self._rows else None
        self.endResetModel()
        self.sig_jumped.emit(self._pos.get(found.id, -1), True)

    # --- live changes ---

    def refresh_ids(self, ids: Iterable[int], *, incident_ids: Iterable[int] = ()) -> None:
        """Re-read these rows (and, for orders, the orders of these incidents) and update them
        where they are; rows not held that now match are counted as new."""
        ids = set(ids)
        inc_ids = set(incident_ids)
        if not ids and not inc_ids:
            return
        query, gen, kind = self._query, self._generation, self.kind

        def work(s: Any) -> tuple[list[Any], set[int], list[Any]]:
            wanted = set(ids)
            if kind == "orders" and inc_ids:
                wanted.update(svc.orders_of_incidents(s, inc_ids))
            elif kind == "incidents":
                wanted.update(inc_ids)
            rows, gone = svc.rows_by_ids(s, query, wanted)
            # those that left the filter: as they are now, to be shown greyed with it
            return rows, gone, svc.present_rows(s, query, gone)

        self._submit(work, lambda res: self._on_refreshed(gen, *res), "queue.refresh", busy=False)

    def _on_refreshed(
        self, gen: int, rows: list[Any], gone: set[int], present: Iterable[Any] = ()
    ) -> None:
        if gen != self._generation:
            return
        self._now = clock.now()
        last = len(self._columns) - 1
        new = 0
        for r in rows:
            i = self._pos.get(r.id)
            if i is None:
                if r.id not in self._new_ids:
                    self._new_ids.add(r.id)
                    new += 1
                continue
            self._rows[i] = r
            self._stale.discard(r.id)
            self.dataChanged.emit(self.index(i, 0), self.index(i, last))
        now_as = {r.id: r for r in present}
        for row_id in gone:
            i = self._pos.get(row_id)
            if i is None:
                continue
            fresh = now_as.get(row_id)
            if fresh is not None:  # its new status shows at once; it keeps its place
                self._rows[i] = dataclasses.replace(fresh, key=self._rows[i].key)
            elif row_id in self._stale:
                continue
            self._stale.add(row_id)
            self.dataChanged.emit(self.index(i, 0), self.index(i, last))
        if new:
            self.sig_new_rows.emit(len(self._new_ids))
        if rows or gone:
            self.refresh_count()

    def tick(self) -> None:
        """The clock moved: countdowns read again."""
        self._now = clock.now()
        if self._rows:
            last = len(self._columns) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, last))

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1)
            )
