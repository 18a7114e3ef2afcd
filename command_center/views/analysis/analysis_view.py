"""The analysis working area (研判): the trend with last year's beside it and a draggable time
range, and for that range the categories (drilled through their three levels), the towns and
their villages, the channels, the departments' assessment and the early warnings.

Every figure is services/analysis.py's; a click on a bar of the chart or on a count opens the
incident (or order) queue with the records behind it (``sig_open_records``). The panels are read
on the worker lane, a quarter of a second after the range stops moving. The monthly bulletin is
made from here too, with a progress bar.

Run alone: ``python -m command_center.views.analysis.analysis_view [--database-url URL]``.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from command_center import clock
from command_center.clock import CST
from command_center.services import analysis as a
from command_center.services.audit import Actor
from command_center.services.disputes import CaseFilter
from command_center.services.queue import QueueFilter
from command_center.views.table_export import install_export
from command_center.views.words import name_text, place_text
from command_center.workers.live import LiveChannel
from command_center.workers.ops import LONG, OpsRunner

RANGES = ("90d", "180d", "365d")
DEPT_COLUMNS = ("received", "on_time", "overdue", "returned", "second_dispatch", "satisfied")
LINK = QColor("#1a5fb4")


@dataclass(frozen=True)
class Panels:
    """What the panels show for one range."""

    period: a.Period
    headline: a.Headline
    categories: list[a.Share]
    category_path: list[tuple[str, str]]  # (code, name) from the top
    category_path_en: list[str]  # the same names in English
    regions: list[a.Share]
    town: tuple[int, str] | None
    channels: list[a.Share]
    departments: list[a.DepartmentRow]
    dispute_sources: list[a.DisputeSource]


@dataclass(frozen=True)
class MapSelection:
    """What the map's choropleth shows for the analysis: incidents reported in ``[start, end)``
    in ``category``'s subtree (None: all) and ``town_id`` (None: the county)."""

    start: dt.datetime
    end: dt.datetime
    category: str | None
    town_id: int | None


def read_panels(
    session: Session,
    period: a.Period,
    category: str | None,
    town: tuple[int, str] | None,
) -> Panels:
    _, info = a._subtrees(session)
    names_en = a.category_names_en(session)
    path: list[tuple[str, str]] = []
    code = category
    while code:
        name, parent, _level = info[code]
        path.insert(0, (code, name))
        code = parent or None
    return Panels(
        period,
        a.headline(session, period),
        a.categories(session, period, category),
        path,
        [names_en.get(c) or n for c, n in path],
        a.regions(session, period, "village", within=town[0])
        if town
        else a.regions(session, period),
        town,
        a.channels(session, period),
        a.departments(session, period),
        a.dispute_sources(session, period),
    )


def share_name(s: a.Share) -> str:
    """A category's or channel's name (its name_en), or a town's or village's (place_names),
    in the interface language."""
    return name_text(s.name, s.name_en) if s.name_en else place_text(s.name)


def _day(moment: dt.datetime) -> float:
    """A moment as the chart's x (days since the epoch, Beijing time)."""
    return moment.timestamp() / 86400


def _from_day(x: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(x * 86400, CST)


class _DateAxis(pg.AxisItem):
    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [_from_day(v).strftime("%m-%d") for v in values]


def _item(
    text: str, data: Any = None, *, link: bool = False, number: bool = False
) -> QTableWidgetItem:
    item = QTableWidgetItem(text)  # plain text: names come from the database
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    if link:
        item.setForeground(LINK)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(columns: int) -> QTableWidget:
    t = QTableWidget(0, columns)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    t.setAlternatingRowColors(True)
    return t


class AnalysisView(QWidget):
    """The analysis area. ``sig_open_records(kind, filter)``: "incidents" or "orders" and the
    queue filter of the records behind the figure clicked, or "disputes" and the disputes
    area's CaseFilter."""

    sig_open_records = Signal(str, object)
    sig_message = Signal(str, str)
    sig_show_on_map = Signal(object)
    """The range and the selection (category, town) for the map's choropleth: a MapSelection."""

    def __init__(
        self,
        runner: OpsRunner,
        live: LiveChannel | None,
        actor: Actor,
        role_code: str,
        parent: QWidget | None = None,
        *,
        reader: OpsRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("analysisView")
        self._runner = runner  # writes (a dismissal, the meeting's minutes and decisions)
        # reads (panels, warnings, the bulletin): on the read replica when there is one
        self._reader = reader or runner
        self._actor = actor
        self._may_dismiss = role_code in ("duty_operator", "supervisor", "admin")
        self._role = role_code
        self._category: str | None = None
        self._town: tuple[int, str] | None = None
        self._trend: list[a.TrendPoint] = []
        self._warnings: list[a.Warning] = []
        self._panels: Panels | None = None
        self._range: a.Period | None = None
        self._stale = False  # the range moved while hidden: read the panels when shown

        # the bar: the span of the chart, its buckets, the bulletin
        self.span_combo = QComboBox()
        for key in RANGES:
            self.span_combo.addItem("", key)
        self.bucket_combo = QComboBox()
        for key in a.BUCKETS:
            self.bucket_combo.addItem("", key)
        for combo in (self.span_combo, self.bucket_combo):
            # their words are set (and change) after the first sizing: follow them
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.range_label = QLabel()
        self.range_label.setObjectName("analysisRange")
        self.bulletin_button = QPushButton()
        self.refresh_button = QPushButton()
        self.meeting_button = QPushButton()
        self.map_button = QPushButton()
        self.map_button.setObjectName("analysisOnMap")
        self.meeting_window: QWidget | None = None
        bar = QHBoxLayout()
        bar.addWidget(self.span_combo)
        bar.addWidget(self.bucket_combo)
        bar.addWidget(self.range_label, 1)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.map_button)
        bar.addWidget(self.meeting_button)
        bar.addWidget(self.bulletin_button)

        # the trend: bars this year, a line last year, the range to analyse
        self.plot = pg.PlotWidget(axisItems={"bottom": _DateAxis(orientation="bottom")})
        self.plot.setBackground("w")
        self.plot.setMinimumHeight(150)
        self.plot.showGrid(y=True, alpha=0.2)
        self.plot.setMouseEnabled(x=True, y=False)
        # on a light ground: it sits over the bars
        self.legend = self.plot.addLegend(
            offset=(10, 5), brush=pg.mkBrush(255, 255, 255, 220), pen=pg.mkPen("#bbbbbb")
        )
        self.bars = pg.BarGraphItem(
            x=[], height=[], width=0.8, brush="#c0392b", name=self.tr("Incidents")
        )
        self.plot.addItem(self.bars)
        self.last_year = self.plot.plot(
            [], [], pen=pg.mkPen("#1a5fb4", width=2), name=self.tr("Same period last year")
        )
        self.region = pg.LinearRegionItem(brush=(26, 95, 180, 40))
        self.region.setZValue(10)
        self.plot.addItem(self.region)
        self.plot.scene().sigMouseClicked.connect(self._on_plot_clicked)
        self.region.sigRegionChanged.connect(self._on_region_moving)
        self.region.sigRegionChangeFinished.connect(self._on_region_changed)
        self.headline_label = QLabel()
        self.headline_label.setObjectName("analysisHeadline")
        self.headline_label.setWordWrap(True)
        self.headline_label.setTextFormat(Qt.TextFormat.PlainText)

        # the panels
        self.tabs = QTabWidget()
        self.category_table = _table(4)
        self.category_up = QPushButton()
        self.category_path = QLabel()
        self.category_path.setTextFormat(Qt.TextFormat.PlainText)
        cat_page = QWidget()
        cl = QVBoxLayout(cat_page)
        cl.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.category_up)
        row.addWidget(self.category_path, 1)
        cl.addLayout(row)
        cl.addWidget(self.category_table)
        self.region_table = _table(4)
        self.region_up = QPushButton()
        self.region_path = QLabel()
        self.region_path.setTextFormat(Qt.TextFormat.PlainText)
        reg_page = QWidget()
        rl = QVBoxLayout(reg_page)
        rl.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.region_up)
        row.addWidget(self.region_path, 1)
        rl.addLayout(row)
        rl.addWidget(self.region_table)
        self.channel_table = _table(4)
        self.source_table = _table(4)
        self.dept_table = _table(len(DEPT_COLUMNS) + 4)
        self.exporters = [
            install_export(t, self._reader, name)
            for t, name in (
                (self.category_table, "事件类别"),
                (self.region_table, "区域"),
                (self.channel_table, "来源渠道"),
                (self.source_table, "纠纷来源"),
                (self.dept_table, "部门考核"),
            )
        ]
        self.warning_list = QListWidget()
        self.warning_list.setWordWrap(True)
        self.dismiss_button = QPushButton()
        self.dismiss_button.setEnabled(False)
        self.open_warning_button = QPushButton()
        self.open_warning_button.setEnabled(False)
        warn_page = QWidget()
        wl = QVBoxLayout(warn_page)
        wl.setContentsMargins(0, 0, 0, 0)
        wl.addWidget(self.warning_list)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_warning_button)
        row.addWidget(self.dismiss_button)
        wl.addLayout(row)
        for page in (
            cat_page,
            reg_page,
            self.channel_table,
            self.source_table,
            self.dept_table,
            warn_page,
        ):
            self.tabs.addTab(page, "")
        self._warn_tab = self.tabs.count() - 1

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.plot, 1)
        tl.addWidget(self.headline_label)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._load_panels)

        self.span_combo.currentIndexChanged.connect(self._load_trend)
        self.bucket_combo.currentIndexChanged.connect(self._load_trend)
        self.refresh_button.clicked.connect(self.refresh)
        self.bulletin_button.clicked.connect(self.make_bulletin)
        self.meeting_button.clicked.connect(self.open_meeting)
        self.map_button.clicked.connect(self.show_on_map)
        self.category_table.cellClicked.connect(self._on_category_clicked)
        self.category_up.clicked.connect(self._on_category_up)
        self.region_table.cellClicked.connect(self._on_region_clicked)
        self.region_up.clicked.connect(self._on_region_up)
        self.channel_table.cellClicked.connect(self._on_share_clicked)
        self.source_table.cellClicked.connect(self._on_source_clicked)
        self.dept_table.cellClicked.connect(self._on_dept_clicked)
        self.warning_list.currentRowChanged.connect(self._on_warning_selected)
        self.warning_list.itemDoubleClicked.connect(self._on_warning_open)
        self.open_warning_button.clicked.connect(self._on_warning_open)
        self.dismiss_button.clicked.connect(self._on_dismiss)
        self._retranslate()
        self.refresh()

    # --- loading ---

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        for i, label in enumerate(
            (self.tr("Last 90 days"), self.tr("Last 180 days"), self.tr("Last 12 months"))
        ):
            self.span_combo.setItemText(i, label)
        for i, label in enumerate((self.tr("By day"), self.tr("By week"), self.tr("By month"))):
            self.bucket_combo.setItemText(i, label)
        self.bulletin_button.setText(self.tr("Monthly bulletin…"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.meeting_button.setText(self.tr("Meeting mode"))
        self.map_button.setText(self.tr("On the map"))
        self.map_button.setToolTip(
            self.tr(
                "The range, the category and the town chosen here as incidents per grid on the map"
            )
        )
        self.meeting_button.setToolTip(
            self.tr(
                "The range's analyses in large type, a page at a time (PageDown / PageUp), then "
                "the minutes and the decisions"
            )
        )
        self.category_up.setText(self.tr("Up one level"))
        self.region_up.setText(self.tr("All towns"))
        self.dismiss_button.setText(self.tr("Dismiss with a reason…"))
        self.open_warning_button.setText(self.tr("Open the records"))
        for i, label in enumerate(
            (
                self.tr("Categories"),
                self.tr("Regions"),
                self.tr("Channels"),
                self.tr("Sources of disputes"),
                self.tr("Departments"),
            )
        ):
            self.tabs.setTabText(i, label)
        self.tabs.setTabText(
            self._warn_tab, self.tr("Warnings (%1)").replace("%1", str(len(self._warnings)))
        )
        for item, name in (
            (self.bars, self.tr("Incidents")),
            (self.last_year, self.tr("Same period last year")),
        ):
            label = self.legend.getLabel(item)
            if label is not None:
                label.setText(name)
        if self._range is not None:
            self.range_label.setText(self._range_text(self._range))
        if self._panels is not None:
            self._show_panels(self._panels)
        self._show_warnings(self._warnings)
        share = [
            self.tr("Name"),
            self.tr("Count"),
            self.tr("Same period last year"),
            self.tr("Change"),
        ]
        for t in (self.category_table, self.region_table, self.channel_table, self.source_table):
            t.setHorizontalHeaderLabels(share)
        self.dept_table.setHorizontalHeaderLabels(
            [
                self.tr("Department"),
                self.tr("Received"),
                self.tr("On time"),
                self.tr("Overdue"),
                self.tr("Returned"),
                self.tr("Second dispatch"),
                self.tr("Satisfied"),
                self.tr("Satisfaction"),
                self.tr("Score"),
                self.tr("Supervision score"),
            ]
        )
        self.dept_table.horizontalHeaderItem(len(DEPT_COLUMNS) + 3).setToolTip(
            self.tr(
                "The supervision assessment: the mean of the monthly scores (on the 100 scale: "
                "the points per hundred orders due, credit capped, not below 0) of the months "
                "the range touches, * while a month is not locked; — where the county keeps no "
                "score. Click: the orders the points were given for"
            )
        )

    @Slot()
    def refresh(self) -> None:
        self._load_trend()
        self._load_warnings()

    def chart_period(self) -> a.Period:
        now = clock.now()
        days = int(str(self.span_combo.currentData() or "90d")[:-1])
        end = a.day_start(now.astimezone(CST).date() + dt.timedelta(days=1))
        return a.Period(end - dt.timedelta(days=days), end)

    @Slot()
    def _load_trend(self, *_args: Any) -> None:
        period, bucket = self.chart_period(), str(self.bucket_combo.currentData() or "day")
        self._reader.submit(
            lambda s: a.trend(s, period, bucket),
            success=self._show_trend,
            failure=self._failed,
            owner=self,
            name="analysis.trend",
            key="trend",
        )

    def _show_trend(self, points: list[a.TrendPoint]) -> None:
        self._trend = points
        xs = [(_day(p.period.start) + _day(p.period.end)) / 2 for p in points]
        widths = [(_day(p.period.end) - _day(p.period.start)) * 0.8 for p in points]
        self.bars.setOpts(x=xs, height=[p.count for p in points], width=widths)
        self.last_year.setData(xs, [p.last_year for p in points])
        if points:
            x0, x1 = _day(points[0].period.start), _day(points[-1].period.end)
            self.plot.setXRange(x0, x1, padding=0.01)
            self.region.setBounds((x0, x1))
            if self._range is None or not (x0 <= _day(self._range.start) < x1):
                # the last 30 days to start with
                self.region.setRegion((max(x0, x1 - 30), x1))
            self._on_region_changed()

    def _snap(self) -> a.Period:
        lo, hi = self.region.getRegion()
        start = a.day_start(_from_day(float(lo) + 0.5).date())
        end = a.day_start(_from_day(float(hi) + 0.5).date())
        if end <= start:
            end = start + dt.timedelta(days=1)
        return a.Period(start, end)

    @Slot()
    def _on_region_moving(self) -> None:
        p = self._snap()
        self.range_label.setText(self._range_text(p))

    def _range_text(self, p: a.Period) -> str:
        last = (p.end - dt.timedelta(days=1)).date()
        return (
            self.tr("Range %1 – %2")
            .replace("%1", p.start.date().isoformat())
            .replace("%2", last.isoformat())
        )

    @Slot()
    def _on_region_changed(self) -> None:
        self._range = self._snap()
        self.range_label.setText(self._range_text(self._range))
        if self.isVisible():
            self._debounce.start()
        else:  # read when shown
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self._load_panels()

    def hideEvent(self, event: QHideEvent) -> None:
        if self._debounce.isActive():
            self._debounce.stop()
            self._stale = True
        super().hideEvent(event)

    def _load_panels(self) -> None:
        if self._range is None:
            return
        period, category, town = self._range, self._category, self._town
        self._reader.submit(
            lambda s: read_panels(s, period, category, town),
            success=self._show_panels,
            failure=self._failed,
            owner=self,
            name="analysis.panels",
            key="panels",
        )

    def _load_warnings(self) -> None:
        self._reader.submit(
            lambda s: a.warnings(s),
            success=self._show_warnings,
            failure=self._failed,
            owner=self,
            name="analysis.warnings",
            key="warnings",
        )

    def _failed(self, exc: BaseException) -> None:
        self.sig_message.emit(str(exc), "error")

    # --- showing ---

    def _fill_shares(self, table: QTableWidget, shares: list[a.Share], drill: bool) -> None:
        table.setRowCount(len(shares))
        for i, s in enumerate(shares):
            table.setItem(i, 0, _item(share_name(s) + (" ▸" if drill else ""), s, link=drill))
            table.setItem(i, 1, _item(str(s.count), s.behind, link=True, number=True))
            table.setItem(i, 2, _item(str(s.last_year), None, number=True))
            table.setItem(i, 3, _item(a.change(s.count, s.last_year), None, number=True))

    def _show_panels(self, p: Panels) -> None:
        self._panels = p
        h = p.headline
        self.headline_label.setText(
            self.tr(
                "%1 incidents in the range; same period last year %2 (%3); the period "
                "before %4 (%5); resolved %6"
            )
            .replace("%1", str(h.incidents))
            .replace("%2", str(h.last_year))
            .replace("%3", a.change(h.incidents, h.last_year))
            .replace("%4", str(h.previous))
            .replace("%5", a.change(h.incidents, h.previous))
            .replace("%6", str(h.resolved))
        )
        self._fill_shares(self.category_table, p.categories, drill=False)
        for i, s in enumerate(p.categories):
            if s.has_children:
                self.category_table.setItem(i, 0, _item(share_name(s) + " ▸", s, link=True))
        self.category_up.setEnabled(bool(p.category_path))
        path = [
            name_text(n, en)
            for (_c, n), en in zip(p.category_path, p.category_path_en, strict=True)
        ]
        self.category_path.setText(" › ".join([self.tr("All categories"), *path]))
        self._fill_shares(self.region_table, p.regions, drill=p.town is None)
        self.region_up.setEnabled(p.town is not None)
        self.region_path.setText(place_text(p.town[1]) if p.town else self.tr("Towns"))
        self._fill_shares(self.channel_table, p.channels, drill=False)
        t = self.dept_table
        t.setRowCount(len(p.departments))
        for i, d in enumerate(p.departments):
            t.setItem(i, 0, _item(name_text(d.name, d.name_en)))
            for j, m in enumerate(DEPT_COLUMNS, 1):
                t.setItem(
                    i, j, _item(str(d.counts[m]), (d.department_id, m), link=True, number=True)
                )
            rate = d.rate("satisfied", "rated")
            t.setItem(
                i, len(DEPT_COLUMNS) + 1, _item("—" if rate is None else f"{rate:.1%}", number=True)
            )
            t.setItem(
                i,
                len(DEPT_COLUMNS) + 2,
                _item("—" if d.score is None else f"{d.score:.1f}", number=True),
            )
            sup = d.supervision
            t.setItem(
                i,
                len(DEPT_COLUMNS) + 3,
                _item("—")
                if sup is None
                else _item(
                    f"{sup.score:.1f}" + ("" if sup.final else "*"),
                    (d.department_id, a.SUPERVISION),
                    link=True,
                    number=True,
                ),
            )
        s = self.source_table
        s.setRowCount(len(p.dispute_sources))
        for i, src in enumerate(p.dispute_sources):
            zh, en = [*src.name.split(" / ", 1), src.name][:2]
            s.setItem(i, 0, _item(en if self._english() else zh))
            s.setItem(i, 1, _item(str(src.count), src.behind, link=True, number=True))
            s.setItem(i, 2, _item(str(src.last_year), None, number=True))
            s.setItem(i, 3, _item(a.change(src.count, src.last_year), None, number=True))

    def _show_warnings(self, warnings: list[a.Warning]) -> None:
        self._warnings = warnings
        self.warning_list.clear()
        for w in warnings:
            zh, en = [*w.why.split(" / ", 1), ""][:2]
            item = QListWidgetItem(en if self._english() else zh)
            item.setToolTip(w.why)
            item.setForeground(
                QColor("#b71c1c") if w.kind.startswith(("spike", "dispute")) else QColor("#8a5a00")
            )
            self.warning_list.addItem(item)
        self.tabs.setTabText(
            self._warn_tab, self.tr("Warnings (%1)").replace("%1", str(len(warnings)))
        )

    def _english(self) -> bool:
        return self.tr("Warnings") == "Warnings"

    # --- clicks ---

    def _open(self, f: object, kind: str = "incidents") -> None:
        self.sig_open_records.emit(kind, f)

    @Slot(object, object)
    def _on_plot_clicked(self, event: Any) -> None:
        if not self._trend or event.double():
            return
        x = self.plot.getViewBox().mapSceneToView(event.scenePos()).x()
        for p in self._trend:
            if _day(p.period.start) <= x < _day(p.period.end):
                self._open(p.behind)
                return

    @Slot(int, int)
    def _on_category_clicked(self, row: int, column: int) -> None:
        item = self.category_table.item(row, column)
        data = item.data(Qt.ItemDataRole.UserRole) if item else None
        if isinstance(data, QueueFilter):
            self._open(data)
        elif isinstance(data, a.Share) and data.has_children:
            self._category = data.key
            self._load_panels()

    @Slot()
    def _on_category_up(self) -> None:
        if self._panels and self._panels.category_path:
            path = self._panels.category_path
            self._category = path[-2][0] if len(path) > 1 else None
            self._load_panels()

    @Slot(int, int)
    def _on_region_clicked(self, row: int, column: int) -> None:
        item = self.region_table.item(row, column)
        data = item.data(Qt.ItemDataRole.UserRole) if item else None
        if isinstance(data, QueueFilter):
            self._open(data)
        elif isinstance(data, a.Share) and self._town is None:
            self._town = (int(data.key), data.name)
            self._load_panels()

    @Slot()
    def _on_region_up(self) -> None:
        self._town = None
        self._load_panels()

    @Slot(int, int)
    def _on_share_clicked(self, row: int, column: int) -> None:
        item = self.channel_table.item(row, column)
        data = item.data(Qt.ItemDataRole.UserRole) if item else None
        if isinstance(data, QueueFilter):
            self._open(data)

    @Slot(int, int)
    def _on_source_clicked(self, row: int, column: int) -> None:
        item = self.source_table.item(row, column)
        data = item.data(Qt.ItemDataRole.UserRole) if item else None
        if isinstance(data, CaseFilter):
            self._open(data, "disputes")

    @Slot(int, int)
    def _on_dept_clicked(self, row: int, column: int) -> None:
        item = self.dept_table.item(row, column)
        data = item.data(Qt.ItemDataRole.UserRole) if item else None
        if not isinstance(data, tuple) or self._range is None:
            return
        dept, measure = data
        period = self._range
        self._reader.submit(
            lambda s: a.department_orders(s, period, dept, measure),
            success=lambda f: self._open(f, "orders"),
            failure=self._failed,
            owner=self,
            name="analysis.department_orders",
        )

    @Slot(int)
    def _on_warning_selected(self, row: int) -> None:
        ok = 0 <= row < len(self._warnings)
        self.open_warning_button.setEnabled(ok)
        self.dismiss_button.setEnabled(ok and self._may_dismiss)

    @Slot()
    def _on_warning_open(self, *_args: Any) -> None:
        row = self.warning_list.currentRow()
        if 0 <= row < len(self._warnings):
            w = self._warnings[row]
            self._open(w.behind, w.records)

    @Slot()
    def _on_dismiss(self) -> None:
        row = self.warning_list.currentRow()
        if not 0 <= row < len(self._warnings):
            return
        warning = self._warnings[row]
        reason, ok = QInputDialog.getText(
            self,
            self.tr("Dismiss the warning"),
            self.tr("Why is this warning not a concern? (kept in the audit log)"),
        )
        if not ok:
            return
        actor = self._actor
        self._runner.submit(
            lambda s: a.dismiss(s, actor, warning, reason),
            success=lambda _r: self._load_warnings(),
            failure=self._failed,
            owner=self,
            name="analysis.dismiss",
        )

    # --- the map ---

    def selection(self) -> MapSelection | None:
        """The range and what the panels are narrowed to (the category drilled into, the town
        opened in the regions)."""
        if self._range is None:
            return None
        return MapSelection(
            self._range.start,
            self._range.end,
            self._category,
            self._town[0] if self._town else None,
        )

    @Slot()
    def show_on_map(self) -> None:
        sel = self.selection()
        if sel is not None:
            self.sig_show_on_map.emit(sel)

    # --- meeting mode ---

    @Slot()
    def open_meeting(self) -> QWidget | None:
        """Meeting mode on the range shown (its pages show what this view read)."""
        if self._panels is None:
            return None
        from command_center.views.analysis.meeting_view import MeetingWindow

        if self.meeting_window is not None:
            self.meeting_window.close()
            self.meeting_window.deleteLater()
        p = self._panels
        trend = [
            t
            for t in self._trend
            if t.period.start < p.period.end and t.period.end > p.period.start
        ]
        window = MeetingWindow(
            self._runner, self._actor, self._role, p.period, p, trend, self._warnings, self
        )
        window.sig_message.connect(self.sig_message)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        window.resize(1280, 720)
        window.show()
        window.setFocus()
        self.meeting_window = window
        return window

    # --- the bulletin ---

    @Slot()
    def make_bulletin(self) -> None:
        last = clock.today().replace(day=1) - dt.timedelta(days=1)
        month, ok = QInputDialog.getText(
            self,
            self.tr("Monthly bulletin"),
            self.tr("Month (YYYY-MM)"),
            text=last.strftime("%Y-%m"),
        )
        if not ok:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the bulletin"), f"平安动态-{month}.pdf", "PDF (*.pdf)"
        )
        if not path:
            return
        progress = QProgressDialog(self.tr("Making the bulletin…"), "", 0, 100, self)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.show()

        def run(session: Session, job: Any) -> str:
            from command_center.services import bulletin

            data = bulletin.compute(
                session, month.strip(), lambda pct, what: job.report(pct, 100, what)
            )
            job.report(90, 100, "PDF")
            Path(path).write_bytes(bulletin.render_pdf(data))
            bulletin.write_xlsx(data, str(Path(path).with_suffix(".xlsx")))
            return path

        def done(result: str) -> None:
            progress.close()
            self.sig_message.emit(
                self.tr("Bulletin saved: %1 (tables beside it as .xlsx)").replace("%1", result),
                "info",
            )

        def failed(exc: BaseException) -> None:
            progress.close()
            self._failed(exc)

        self._reader.submit(
            run,
            success=done,
            failure=failed,
            owner=self,
            lane=LONG,
            with_job=True,
            name="analysis.bulletin",
            progress=lambda n, _t, _s: progress.setValue(n),
        )


def main(argv: list[str] | None = None) -> int:
    from command_center.views.standalone import run_view

    return run_view(
        lambda ctx: AnalysisView(ctx.runner, ctx.live, ctx.actor, ctx.user.role_code),
        title="研判",
        argv=argv if argv is not None else sys.argv[1:],
    )


if __name__ == "__main__":
    sys.exit(main())
