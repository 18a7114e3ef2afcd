"""Grid workers (网格员): the active ratio by town and by day against the target line, one
worker's calendar of check-ins, reports per worker and the towns' ranking, the inactive list
with a one-click reminder, the points ledger, and the data-quality findings (exported as CSV).
Everything is computed by services/worker_metrics.py and services/data_quality.py; a live
change of check-ins or reminders reloads.

Run alone: ``python -m command_center.views.workers.workers_view``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from command_center.services import data_quality, worker_metrics
from command_center.services.audit import Actor
from command_center.views.table_export import install_export

WATCHED = {"check_ins", "worker_reminders", "grid_assignments", "grid_workers"}


def _fill(table: QTableWidget, rows: list[list[Any]]) -> None:
    table.setSortingEnabled(False)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem()
            if isinstance(value, int | float) and not isinstance(value, bool):
                item.setData(Qt.ItemDataRole.DisplayRole, value)
            else:
                item.setText("" if value is None else str(value))  # plain text, never markup
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    table.setSortingEnabled(True)


def _table(parent: QWidget) -> QTableWidget:
    t = QTableWidget(parent)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().setVisible(False)
    t.setWordWrap(False)
    return t


class WorkersView(QWidget):
    sig_message = Signal(str)

    def __init__(self, runner: Any, live: Any, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.actor = runner, actor
        self.data: dict[str, Any] = {}
        self.findings: list[data_quality.Finding] = []
        self.tabs = QTabWidget(self)
        self.inactive_days = QSpinBox(self)
        self.inactive_days.setRange(1, 365)
        self.inactive_days.setValue(worker_metrics.DEFAULT_INACTIVE_DAYS)
        self.days_label = QLabel(self)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.reload_button = QPushButton(self)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.days_label)
        bar.addWidget(self.inactive_days)
        bar.addWidget(self.reload_button)

        # active ratio: by town (bars) with the target line, and by day
        ratio = QWidget(self)
        self.town_plot = pg.PlotWidget(ratio)
        self.day_plot = pg.PlotWidget(ratio)
        for plot in (self.town_plot, self.day_plot):
            plot.setBackground("w")
            plot.setYRange(0, 100)
            plot.showGrid(y=True, alpha=0.3)
        rl = QVBoxLayout(ratio)
        rl.addWidget(self.town_plot, 3)
        rl.addWidget(self.day_plot, 2)

        # one worker's calendar
        cal = QWidget(self)
        self.worker_combo = QComboBox(cal)
        self.calendar_plot = pg.PlotWidget(cal)
        self.calendar_plot.setBackground("w")
        self.calendar_image = pg.ImageItem()
        self.calendar_plot.addItem(self.calendar_image)
        self.calendar_plot.invertY(True)
        self.calendar_label = QLabel(cal)
        cl = QVBoxLayout(cal)
        cl.addWidget(self.worker_combo)
        cl.addWidget(self.calendar_plot, 1)
        cl.addWidget(self.calendar_label)

        self.reports_table = _table(self)
        self.ranking_table = _table(self)
        rep = QWidget(self)
        rpl = QHBoxLayout(rep)
        rpl.addWidget(self.reports_table, 3)
        rpl.addWidget(self.ranking_table, 2)

        ina = QWidget(self)
        self.inactive_table = _table(ina)
        self.remind_button = QPushButton(ina)
        il = QVBoxLayout(ina)
        il.addWidget(self.inactive_table, 1)
        il.addWidget(self.remind_button, 0, Qt.AlignmentFlag.AlignRight)

        self.points_table = _table(self)
        qua = QWidget(self)
        self.quality_table = _table(qua)
        self.export_button = QPushButton(qua)
        self.exporters = [
            install_export(t, runner, name) for t, name in (
                (self.reports_table, "网格员上报"), (self.ranking_table, "网格员排名"),
                (self.inactive_table, "未报平安网格员"), (self.points_table, "积分"),
                (self.quality_table, "上报质量"))
        ]
        ql = QVBoxLayout(qua)
        ql.addWidget(self.quality_table, 1)
        ql.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignRight)

        for w in (ratio, cal, rep, ina, self.points_table, qua):
            self.tabs.addTab(w, "")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)

        self.reload_button.clicked.connect(self.reload)
        self.remind_button.clicked.connect(self._on_remind_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.worker_combo.currentIndexChanged.connect(self._on_worker_changed)
        self._retranslate()
        if live is not None:
            live.sig_changes.connect(self._on_live_changes)
        self.reload()

    # --- language ---

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        tabs = (
            self.tr("Active ratio"),
            self.tr("Calendar"),
            self.tr("Reports"),
            self.tr("Inactive"),
            self.tr("Points"),
            self.tr("Data quality"),
        )
        for i, title in enumerate(tabs):
            self.tabs.setTabText(i, title)
        self.days_label.setText(self.tr("Inactive for (days):"))
        self.reload_button.setText(self.tr("Refresh"))
        self.remind_button.setText(self.tr("Remind selected workers"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.town_plot.setTitle(self.tr("Active ratio by town (%) and the target"))
        self.day_plot.setTitle(self.tr("Active ratio by day, last 90 days (%)"))
        self.calendar_plot.setTitle(self.tr("Check-ins by week (columns) and weekday (rows)"))
        self.reports_table.setColumnCount(4)
        self.reports_table.setHorizontalHeaderLabels(
            [self.tr("Code"), self.tr("Worker"), self.tr("Town"), self.tr("Reports")]
        )
        self.ranking_table.setColumnCount(4)
        self.ranking_table.setHorizontalHeaderLabels(
            [self.tr("Town"), self.tr("Workers"), self.tr("Reports"), self.tr("Per worker")]
        )
        self.inactive_table.setColumnCount(7)
        self.inactive_table.setHorizontalHeaderLabels(
            [
                self.tr("Code"),
                self.tr("Worker"),
                self.tr("Town"),
                self.tr("Village"),
                self.tr("Last check-in"),
                self.tr("Days"),
                self.tr("Reminded"),
            ]
        )
        self.points_table.setColumnCount(6)
        self.points_table.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Code"),
                self.tr("Worker"),
                self.tr("Points"),
                self.tr("Reason"),
                self.tr("Cause"),
            ]
        )
        self.quality_table.setColumnCount(3)
        self.quality_table.setHorizontalHeaderLabels(
            [self.tr("Check"), self.tr("Code and name"), self.tr("Detail")]
        )
        self._show_summary()

    # --- loading ---

    @Slot()
    def reload(self) -> None:
        days = self.inactive_days.value()
        self.runner.submit(
            lambda s: self._load(s, days), success=self._show, owner=self, key="workers"
        )

    @staticmethod
    def _load(session: Session, days: int) -> dict[str, Any]:
        county, towns = worker_metrics.active_ratio(session, "town")
        per_worker = worker_metrics.reports_per_worker(session, 30)
        return {
            "target": worker_metrics.target(session),
            "county": county,
            "towns": towns,
            "series": worker_metrics.ratio_by_day(session, 90),
            "per_worker": per_worker,
            "ranking": worker_metrics.town_ranking(per_worker),
            "inactive": worker_metrics.inactive(session, days),
            "points": worker_metrics.points_ledger(session, limit=500),
            "roster": worker_metrics.roster(session),
            "quality": data_quality.run_all(session, days),
            "days": days,
        }

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        target = data["target"] * 100
        towns = data["towns"]
        self.town_plot.clear()
        xs = np.arange(len(towns))
        heights = [t.ratio * 100 for t in towns]
        brushes = [pg.mkBrush("#2e7d32" if h >= target else "#c62828") for h in heights]
        self.town_plot.addItem(pg.BarGraphItem(x=xs, height=heights, width=0.7, brushes=brushes))
        self.town_plot.addItem(
            pg.InfiniteLine(
                target, angle=0, pen=pg.mkPen("#1565c0", width=2, style=Qt.PenStyle.DashLine)
            )
        )
        self.town_plot.getAxis("bottom").setTicks([[(i, t.name) for i, t in enumerate(towns)]])
        self.day_plot.clear()
        series = data["series"]
        self.day_plot.plot(
            np.arange(len(series)), [v * 100 for _, v in series], pen=pg.mkPen("#2e7d32", width=2)
        )
        self.day_plot.addItem(
            pg.InfiniteLine(
                target, angle=0, pen=pg.mkPen("#1565c0", width=2, style=Qt.PenStyle.DashLine)
            )
        )
        step = max(1, len(series) // 6)
        self.day_plot.getAxis("bottom").setTicks(
            [[(i, d.strftime("%m-%d")) for i, (d, _) in enumerate(series) if i % step == 0]]
        )
        _fill(
            self.reports_table,
            [[r.code, r.name, r.town, r.reports] for r in data["per_worker"]],
        )
        _fill(
            self.ranking_table,
            [[t, n, r, round(p, 2)] for t, n, r, p in data["ranking"]],
        )
        _fill(
            self.inactive_table,
            [
                [
                    r.code,
                    r.name,
                    r.town,
                    r.village,
                    r.last_check_in.isoformat() if r.last_check_in else "—",
                    r.days_since if r.days_since is not None else "—",
                    r.reminded_at.strftime("%Y-%m-%d %H:%M") if r.reminded_at else "",
                ]
                for r in data["inactive"]
            ],
        )
        lines, _balance = data["points"]
        _fill(
            self.points_table,
            [
                [
                    line.at.strftime("%Y-%m-%d %H:%M"),
                    line.code,
                    line.name,
                    line.points,
                    line.reason,
                    line.cause,
                ]
                for line in lines
            ],
        )
        self.findings = data["quality"]
        _fill(self.quality_table, [[f.title, f.label, f.detail] for f in self.findings])
        current = self.worker_combo.currentData()
        self.worker_combo.blockSignals(True)
        self.worker_combo.clear()
        for p in data["roster"]:
            if self.worker_combo.findData(p.id) < 0:
                self.worker_combo.addItem(f"{p.code} {p.name}（{p.town}）", p.id)
        index = self.worker_combo.findData(current) if current is not None else 0
        self.worker_combo.setCurrentIndex(max(0, index))
        self.worker_combo.blockSignals(False)
        self._show_summary()
        self._on_worker_changed()

    def _show_summary(self) -> None:
        county = self.data.get("county")
        if county is None:
            self.summary.setText(self.tr("Loading…"))
            return
        self.summary.setText(
            self.tr(
                "Active {active} of {workers} full-time workers ({ratio:.1f}%), target {target:.1f}%; {n} inactive, {q} data-quality findings"  # noqa: E501
            ).format(
                active=county.active,
                workers=county.workers,
                ratio=county.ratio * 100,
                target=self.data["target"] * 100,
                n=len(self.data["inactive"]),
                q=len(self.data["quality"]),
            )
        )

    @Slot()
    def _on_worker_changed(self) -> None:
        wid = self.worker_combo.currentData()
        if wid is None:
            return
        self.runner.submit(
            lambda s: worker_metrics.calendar(s, wid, 364),
            success=self._show_calendar,
            owner=self,
            key="workers-calendar",
        )

    def _show_calendar(self, days: list[worker_metrics.CalendarDay]) -> None:
        if not days:
            return
        first = days[0].day
        offset = first.weekday()
        weeks = (len(days) + offset + 6) // 7
        grid = np.zeros((weeks, 7))
        for i, d in enumerate(days):
            grid[(i + offset) // 7, (i + offset) % 7] = d.check_ins
        self.calendar_image.setImage(grid, levels=(0, 1))
        self.calendar_image.setLookupTable(
            np.array([[235, 235, 235], [46, 125, 50]], dtype=np.ubyte)
        )
        checked = sum(1 for d in days if d.check_ins)
        km = sum(d.patrol_km for d in days)
        reports = sum(d.reports for d in days)
        self.calendar_label.setText(
            self.tr(
                "From {first}: {checked} days with a check-in, {km:.1f} km patrolled, {reports} reports"  # noqa: E501
            ).format(first=first.isoformat(), checked=checked, km=km, reports=reports)
        )

    # --- actions ---

    @Slot()
    def _on_remind_clicked(self) -> None:
        rows = sorted({i.row() for i in self.inactive_table.selectedIndexes()})
        if not rows:
            self.sig_message.emit(self.tr("Select the workers to remind first."))
            return
        codes = {self.inactive_table.item(r, 0).text() for r in rows}
        ids = [r.worker_id for r in self.data.get("inactive", []) if r.code in codes]
        days = self.data.get("days", self.inactive_days.value())
        self.runner.submit(
            lambda s: worker_metrics.remind(s, self.actor, ids, days),
            success=self._on_reminded,
            owner=self,
        )

    def _on_reminded(self, n: int) -> None:
        self.sig_message.emit(self.tr("Reminded %n worker(s).", "", n))
        self.reload()

    @Slot()
    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export data-quality findings"), "data-quality.csv", "CSV (*.csv)"
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        with open(path, "wb") as f:
            f.write(data_quality.write_csv(self.findings))
        self.sig_message.emit(self.tr("Exported %n finding(s).", "", len(self.findings)))

    def _on_live_changes(self, changes: Any) -> None:
        if changes.reload or WATCHED & set(changes.tables):
            self.reload()
