"""The area hierarchy (county → town → village/community → grid) with per-area counts.

A refresh that brings the same areas only updates the counts (``dataChanged``), so the
operator's expanded branches and selection stay as they were; a changed hierarchy resets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from command_center.services.overview import AreaSummary

_CONTEXT = "AreaTreeModel"
COLUMNS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("AreaTreeModel", "Area"),
    QT_TRANSLATE_NOOP("AreaTreeModel", "Type"),
    QT_TRANSLATE_NOOP("AreaTreeModel", "Grids"),
    QT_TRANSLATE_NOOP("AreaTreeModel", "Grid workers"),
    QT_TRANSLATE_NOOP("AreaTreeModel", "Open incidents"),
)
COL_NAME, COL_KIND, COL_GRIDS, COL_WORKERS, COL_OPEN = range(len(COLUMNS))

KIND_LABELS: dict[str, str] = {
    "county": QT_TRANSLATE_NOOP("AreaTreeModel", "County"),
    "town": QT_TRANSLATE_NOOP("AreaTreeModel", "Town"),
    "township": QT_TRANSLATE_NOOP("AreaTreeModel", "Township"),
    "subdistrict": QT_TRANSLATE_NOOP("AreaTreeModel", "Sub-district"),
    "park": QT_TRANSLATE_NOOP("AreaTreeModel", "Industrial park"),
    "village": QT_TRANSLATE_NOOP("AreaTreeModel", "Village"),
    "community": QT_TRANSLATE_NOOP("AreaTreeModel", "Community"),
    "comprehensive": QT_TRANSLATE_NOOP("AreaTreeModel", "Comprehensive grid"),
    "dedicated": QT_TRANSLATE_NOOP("AreaTreeModel", "Dedicated grid"),
}

AreaIdRole = Qt.ItemDataRole.UserRole + 1
LevelRole = Qt.ItemDataRole.UserRole + 2
SortRole = Qt.ItemDataRole.UserRole + 3
"""Numbers as numbers and names by code, for a proxy that sorts."""

_NO_WORKER_BACKGROUND = QColor("#fff1d6")
_NO_WORKER_FOREGROUND = QColor("#8a5300")

Index = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class _Node:
    area: AreaSummary | None  # None for the invisible root
    parent: _Node | None
    row: int = 0
    children: list[_Node] = field(default_factory=list)


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


class AreaTreeModel(QAbstractItemModel):
    """Holds a tuple of :class:`AreaSummary` (parents before children) as a tree."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = _Node(None, None)
        self._by_id: dict[int, _Node] = {}
        self._shape: tuple[tuple[int, int | None], ...] = ()

    # --- reading ---

    def index_of(self, area_id: int, column: int = 0) -> QModelIndex:
        node = self._by_id.get(area_id)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, column, node)

    def area(self, index: Index) -> AreaSummary | None:
        node = self._node(index)
        return node.area if node is not self._root else None

    def _node(self, index: Index) -> _Node:
        if index.isValid():
            node = index.internalPointer()
            if isinstance(node, _Node):
                return node
        return self._root

    # --- Qt model interface ---

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if column < 0 or column >= len(COLUMNS):
            return QModelIndex()
        parent_node = self._node(parent)
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        if not 0 <= row < len(parent_node.children):
            return QModelIndex()
        return self.createIndex(row, column, parent_node.children[row])

    def parent(self, index: Index | None = None) -> Any:  # type: ignore[override]
        if index is None:  # QObject.parent(), not the item's
            return super().parent()
        if not index.isValid():
            return QModelIndex()
        node = self._node(index)
        parent = node.parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return len(COLUMNS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:
        return self.rowCount(parent) > 0

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        area = self._node(index).area
        if area is None:
            return None
        col = index.column()
        no_worker = area.level == "grid" and area.workers == 0
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                return area.name
            if col == COL_KIND:
                label = KIND_LABELS.get(area.kind)
                return _tr(label) if label else area.kind
            if col == COL_GRIDS:
                return area.grids
            if col == COL_WORKERS:
                return area.workers
            if col == COL_OPEN:
                return area.open_incidents
            return None
        if role == SortRole:
            return (area.code, area.kind, area.grids, area.workers, area.open_incidents)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= COL_GRIDS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if no_worker:
                return QCoreApplication.translate(
                    "AreaTreeModel", "No full-time grid worker is assigned to this grid"
                )
            if col == COL_NAME:
                return f"{area.name} ({area.code})"
            return None
        if role == Qt.ItemDataRole.BackgroundRole and no_worker:
            return QBrush(_NO_WORKER_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and no_worker and col == COL_WORKERS:
            return QBrush(_NO_WORKER_FOREGROUND)
        is_upper = area.level in ("county", "town")
        if role == Qt.ItemDataRole.FontRole and col == COL_NAME and is_upper:
            font = QFont()
            font.setBold(True)
            return font
        if role == AreaIdRole:
            return area.id
        if role == LevelRole:
            return area.level
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _tr(COLUMNS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole and section >= COL_GRIDS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        self._emit_changed(self._root, COL_KIND, COL_KIND)

    # --- changing ---

    def set_areas(self, areas: Sequence[AreaSummary]) -> None:
        """Show ``areas``; only counts change when the hierarchy is the same as before."""
        shape = tuple((a.id, a.parent_id) for a in areas)
        if shape == self._shape:
            for a in areas:
                self._by_id[a.id].area = a
            self._emit_changed(self._root, COL_NAME, len(COLUMNS) - 1)
            return
        self.beginResetModel()
        self._root = _Node(None, None)
        self._by_id = {}
        for a in areas:
            parent = self._by_id.get(a.parent_id) if a.parent_id is not None else None
            parent = parent or self._root
            node = _Node(a, parent, row=len(parent.children))
            parent.children.append(node)
            self._by_id[a.id] = node
        self._shape = shape
        self.endResetModel()

    def _emit_changed(self, node: _Node, first: int, last: int) -> None:
        # one dataChanged per block of siblings, not per cell
        if node.children:
            parent = (
                QModelIndex() if node is self._root else self.createIndex(node.row, 0, node)
            )
            self.dataChanged.emit(
                self.index(0, first, parent), self.index(len(node.children) - 1, last, parent)
            )
            for child in node.children:
                self._emit_changed(child, first, last)
