"""The county overview (总览): headline figures and the area tree with per-area counts.

Loaded in the background; reloaded (debounced) when incidents, work orders, workers or areas
change, after a reconnection, and every few minutes for what is not announced (check-ins).

Run alone: ``python -m command_center.views.overview.overview_view [--database-url URL]``.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from command_center.services import overview
from command_center.services.overview import CountyOverview, Kpis
from command_center.views.overview.area_tree_model import (
    COL_GRIDS,
    COL_KIND,
    COL_NAME,
    COL_OPEN,
    COL_WORKERS,
    AreaTreeModel,
    SortRole,
)
from command_center.views.overview.live_reload import LiveReload
from command_center.workers.live import LiveChannel
from command_center.workers.ops import OpsRunner

log = logging.getLogger(__name__)

RELEVANT_TABLES = frozenset({"incidents", "work_orders", "grid_workers", "admin_areas"})
DEBOUNCE_MS = 2_000
PERIODIC_MS = 5 * 60_000

_CONTEXT = "OverviewView"
# (key, title, hint): the KPI cards in the order shown
KPI_CARDS: tuple[tuple[str, str, str], ...] = (
    (
        "towns",
        QT_TRANSLATE_NOOP("OverviewView", "Towns"),
        QT_TRANSLATE_NOOP("OverviewView", "towns and sub-districts"),
    ),
    (
        "villages",
        QT_TRANSLATE_NOOP("OverviewView", "Villages"),
        QT_TRANSLATE_NOOP("OverviewView", "villages and communities"),
    ),
    ("grids", QT_TRANSLATE_NOOP("OverviewView", "Grids"), ""),
    ("micro_grids", QT_TRANSLATE_NOOP("OverviewView", "Micro-grids"), ""),
    (
        "workers",
        QT_TRANSLATE_NOOP("OverviewView", "Grid workers"),
        QT_TRANSLATE_NOOP("OverviewView", "full-time"),
    ),
    (
        "active",
        QT_TRANSLATE_NOOP("OverviewView", "Active workers"),
        QT_TRANSLATE_NOOP("OverviewView", "checked in within %1 days"),
    ),
    ("open_orders", QT_TRANSLATE_NOOP("OverviewView", "Open work orders"), ""),
    ("incidents_today", QT_TRANSLATE_NOOP("OverviewView", "Incidents today"), ""),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


class KpiCard(QFrame):
    """A big number with its title and a small line under it."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("kpiCard")
        self.title = QLabel(self)
        self.title.setObjectName("kpiTitle")
        self.value = QLabel("—", self)
        self.value.setObjectName("kpiValue")
        self.hint = QLabel(self)
        self.hint.setObjectName("kpiHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.hint)
        self.hint.setWordWrap(True)
        # equal columns whatever the text: the grid's stretch decides the width
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(150)


class OverviewView(QWidget):
    """See the module docstring."""

    sig_refreshed = Signal()
    """New figures are shown."""

    def __init__(
        self, runner: OpsRunner, live: LiveChannel | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("overviewView")
        self._runner = runner
        self._live = live
        self._first_load = True
        self.overview: CountyOverview | None = None

        self.model = AreaTreeModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)
        self.proxy.setFilterKeyColumn(COL_NAME)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self._build()
        self._retranslate()
        self._reload = LiveReload(
            self,
            live,
            RELEVANT_TABLES,
            self._load,
            debounce_ms=DEBOUNCE_MS,
            periodic_ms=PERIODIC_MS,
        )
        self.refresh()

    def _build(self) -> None:
        self.cards: dict[str, KpiCard] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        per_row = 4
        for i, (key, _title, _hint) in enumerate(KPI_CARDS):
            card = KpiCard(key, self)
            self.cards[key] = card
            grid.addWidget(card, i // per_row, i % per_row)
        for c in range(per_row):
            grid.setColumnStretch(c, 1)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.updated_label = QLabel(self)
        self.updated_label.setObjectName("mutedLabel")
        self.refresh_button = QPushButton(self)
        self.refresh_button.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.updated_label)
        bar.addWidget(self.refresh_button)

        self.tree = QTreeView(self)
        self.tree.setObjectName("areaTree")
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the model's order: by code
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col in (COL_KIND, COL_GRIDS, COL_WORKERS, COL_OPEN):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSortIndicatorShown(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addLayout(grid)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        for key, title, hint in KPI_CARDS:
            card = self.cards[key]
            card.title.setText(_tr(title))
            days = (
                self.overview.activity_window_days
                if self.overview
                else (overview.ACTIVITY_WINDOW_DAYS)
            )
            card.hint.setText(_tr(hint).replace("%1", str(days)) if hint else "")
        self.filter_edit.setPlaceholderText(self.tr("Find a town, village or grid…"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.model.retranslate()
        if self.overview is not None:
            self._show_kpis(self.overview.kpis)
        self._show_updated()

    # --- loading ---

    @Slot()
    def refresh(self) -> None:
        """Reload in the background; a request while loading runs once more afterwards."""
        self._reload.refresh()

    def _load(self) -> None:
        self._runner.submit(
            overview.county_overview,
            success=self._on_overview_loaded,
            failure=self._on_overview_failed,
            owner=self,
            name="overview.county_overview",
        )

    def _on_overview_loaded(self, result: CountyOverview) -> None:
        self._done_loading()
        self.overview = result
        self._show_kpis(result.kpis)
        self.model.set_areas(result.areas)
        if self._first_load and result.areas:
            self._first_load = False
            root = self.proxy.index(0, 0)
            self.tree.expand(root)
        self._show_updated()
        self.sig_refreshed.emit()

    def _on_overview_failed(self, exc: BaseException) -> None:
        self._done_loading()
        log.warning("could not load the overview: %s", exc)
        self.updated_label.setText(self.tr("Not updated: the database cannot be reached"))

    def _done_loading(self) -> None:
        self._reload.done()

    def _show_kpis(self, k: Kpis) -> None:
        def number(n: int) -> str:
            return f"{n:,}"

        values = {
            "towns": number(k.towns),
            "villages": number(k.villages_communities),
            "grids": number(k.grids),
            "micro_grids": number(k.micro_grids),
            "workers": number(k.full_time_workers),
            "open_orders": number(k.open_work_orders),
            "incidents_today": number(k.incidents_today),
        }
        share = k.active_share
        values["active"] = "—" if share is None else f"{share * 100:.1f}%"
        for key, text in values.items():
            self.cards[key].value.setText(text)
        days = self.overview.activity_window_days if self.overview else 30
        self.cards["active"].hint.setText(
            self.tr("%1 / %2 checked in, %3 days")
            .replace("%1", number(k.active_workers))
            .replace("%2", number(k.full_time_workers))
            .replace("%3", str(days))
        )

    def _show_updated(self) -> None:
        if self.overview is None:
            self.updated_label.setText(self.tr("Loading…"))
            return
        when = self.overview.as_of.strftime("%H:%M:%S")
        self.updated_label.setText(self.tr("Updated %1").replace("%1", when))

    @Slot(str)
    def _on_filter_edit_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()

    def selected_area_id(self) -> int | None:
        index: QModelIndex = self.tree.currentIndex()
        if not index.isValid():
            return None
        area = self.model.area(self.proxy.mapToSource(index))
        return area.id if area else None

    def shutdown(self) -> None:
        self._reload.stop()


def main(argv: list[str] | None = None) -> int:
    from command_center.views.standalone import run_view

    return run_view(
        lambda ctx: OverviewView(ctx.runner, ctx.live), title="总览 Overview", argv=argv
    )


if __name__ == "__main__":
    sys.exit(main())
