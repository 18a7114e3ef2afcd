"""Grid workers (网格员): the active ratio by town and by day against the target line, one
worker's calendar of check-ins, reports per worker and the towns' ranking, the inactive list
with a one-click reminder, the reminders and their acknowledgement by the supervisor, the
points ledger with redemption at a 平安超市, the roster (roster_panel.py), and the
data-quality findings (exported as CSV), each linked to the screen that fixes it.

Every figure opens the records behind it: a town's bar or a day's point the workers it counts
(active or not), a worker's or a town's reports the incident queue with exactly those
incidents (``sig_open_records``, the queue's QueueFilter), an inactive worker their
check-ins, a calendar cell that day's check-ins, patrols and reports.
Everything is computed by services/worker_metrics.py and services/data_quality.py; a live
change of check-ins, reminders, the roster or the ledger reloads.

Run alone: ``python -m command_center.views.workers.workers_view``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from command_center.services import data_quality, permissions, roster, worker_metrics
from command_center.services.audit import Actor
from command_center.services.incident_writer import cut
from command_center.views.table_export import install_export
from command_center.views.words import pick, place_text, places_text
from command_center.views.workers.dialogs import (
    GridFiguresDialog,
    RecordsDialog,
    RedeemDialog,
    fill,
    row_data,
    table,
)
from command_center.views.workers.roster_panel import RosterPanel

WATCHED = {"check_ins", "worker_reminders", "grid_assignments", "grid_workers", "points_ledger"}
REPORT_DAYS = 30  # the reports panel's period
SERIES_DAYS = 90  # the ratio by day


def _table(parent: QWidget) -> QTableWidget:
    return table(parent)


class WorkersView(QWidget):
    sig_message = Signal(str)
    sig_open_records = Signal(str, object)
    """Open the incident queue ("incidents") with the QueueFilter of a figure's records."""

    def __init__(
        self,
        runner: Any,
        live: Any,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        role_code: str = "",
        user: Any = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.actor, self.role_code = runner, actor, role_code
        self.dialog: QDialog | None = None  # the last dialog opened (tests look at it)
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

        rem = QWidget(self)
        self.reminders_table = _table(rem)
        self.reminders_table.setObjectName("workersReminders")
        self.ack_button = QPushButton(rem)
        self.ack_button.setObjectName("workersAcknowledge")
        self.ack_button.setVisible(permissions.may_acknowledge_reminder(role_code or "none"))
        rml = QVBoxLayout(rem)
        rml.addWidget(self.reminders_table, 1)
        rml.addWidget(self.ack_button, 0, Qt.AlignmentFlag.AlignRight)

        pts = QWidget(self)
        self.points_table = _table(pts)
        self.points_table.setObjectName("workersPoints")
        self.balance_label = QLabel(pts)
        self.balance_label.setTextFormat(Qt.TextFormat.PlainText)
        self.redeem_button = QPushButton(pts)
        self.redeem_button.setObjectName("workersRedeem")
        pbar = QHBoxLayout()
        pbar.addWidget(self.balance_label, 1)
        pbar.addWidget(self.redeem_button)
        pl = QVBoxLayout(pts)
        pl.addLayout(pbar)
        pl.addWidget(self.points_table, 1)

        self.roster_panel = RosterPanel(runner, actor, user, self)
        self.roster_panel.sig_message.connect(self.sig_message)

        qua = QWidget(self)
        self.quality_table = _table(qua)
        self.quality_table.setObjectName("workersQuality")
        self.fix_button = QPushButton(qua)
        self.fix_button.setObjectName("workersFix")
        self.export_button = QPushButton(qua)
        self.exporters = [
            install_export(t, runner, name)
            for t, name in (
                (self.reports_table, "网格员上报"),
                (self.ranking_table, "网格员排名"),
                (self.inactive_table, "未报平安网格员"),
                (self.points_table, "积分"),
                (self.quality_table, "数据质量问题"),
            )
        ]
        qbar = QHBoxLayout()
        qbar.addStretch(1)
        qbar.addWidget(self.fix_button)
        qbar.addWidget(self.export_button)
        ql = QVBoxLayout(qua)
        ql.addWidget(self.quality_table, 1)
        ql.addLayout(qbar)

        self.tab_of: dict[str, QWidget] = {
            "ratio": ratio,
            "calendar": cal,
            "reports": rep,
            "inactive": ina,
            "reminders": rem,
            "points": pts,
            "roster": self.roster_panel,
            "quality": qua,
        }
        for w in self.tab_of.values():
            self.tabs.addTab(w, "")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)

        self.reload_button.clicked.connect(self.reload)
        self.remind_button.clicked.connect(self._on_remind_clicked)
        self.ack_button.clicked.connect(self._on_ack_clicked)
        self.redeem_button.clicked.connect(self._on_redeem_clicked)
        self.fix_button.clicked.connect(self._on_fix_clicked)
        self.quality_table.cellDoubleClicked.connect(lambda r, _c: self.fix_finding(r))
        self.reports_table.cellDoubleClicked.connect(self._on_reports_row)
        self.ranking_table.cellDoubleClicked.connect(self._on_ranking_row)
        self.inactive_table.cellDoubleClicked.connect(self._on_inactive_row)
        self.town_plot.scene().sigMouseClicked.connect(self._on_town_plot_clicked)
        self.day_plot.scene().sigMouseClicked.connect(self._on_day_plot_clicked)
        self.calendar_plot.scene().sigMouseClicked.connect(self._on_calendar_clicked)
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
            self.tr("Reminders"),
            self.tr("Points"),
            self.tr("Roster"),
            self.tr("Data quality"),
        )
        for i, title in enumerate(tabs):
            self.tabs.setTabText(i, title)
        self.days_label.setText(self.tr("Inactive for (days):"))
        self.reload_button.setText(self.tr("Refresh"))
        self.remind_button.setText(self.tr("Remind selected workers"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.fix_button.setText(self.tr("Fix…"))
        self.fix_button.setToolTip(self.tr("Open the screen that fixes the selected finding"))
        self.ack_button.setText(self.tr("Acknowledge the selected reminder"))
        self.redeem_button.setText(self.tr("Redeem at a 平安超市…"))
        self.reminders_table.setColumnCount(7)
        self.reminders_table.setHorizontalHeaderLabels(
            [
                self.tr("Sent"),
                self.tr("Code"),
                self.tr("Worker"),
                self.tr("Town and village"),
                self.tr("Sent by"),
                self.tr("Message"),
                self.tr("Acknowledged"),
            ]
        )
        self.roster_panel.retranslate()
        hint = self.tr("Double-click a row to open the records behind it")
        for t in (self.reports_table, self.ranking_table, self.inactive_table):
            t.setToolTip(hint)
        self.town_plot.setToolTip(self.tr("Click a bar to list the workers it counts"))
        self.day_plot.setToolTip(self.tr("Click a day to list the workers it counts"))
        self.calendar_plot.setToolTip(self.tr("Click a day for its check-ins, patrols and reports"))
        self.quality_table.setToolTip(self.tr("Double-click a finding to fix it"))
        self.town_plot.setTitle(self.tr("Active ratio by town (%) and the target"))
        self.day_plot.setTitle(self.tr("Active ratio by day, last 90 days (%)"))
        self.reports_label = self.tr("Reports in the last 30 days")
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
        if self.data:
            self._show(self.data)  # the towns' and villages' names in the new language
        else:
            self._show_summary()

    # --- loading ---

    @Slot()
    def reload(self) -> None:
        self.roster_panel.reload()
        days = self.inactive_days.value()
        self.runner.submit(
            lambda s: self._load(s, days), success=self._show, owner=self, key="workers"
        )

    @staticmethod
    def _load(session: Session, days: int) -> dict[str, Any]:
        county, towns = worker_metrics.active_ratio(session, "town")
        per_worker = worker_metrics.reports_per_worker(session, REPORT_DAYS)
        return {
            "today": worker_metrics.today(),
            "reminders": worker_metrics.reminders(session, limit=300),
            "stores": worker_metrics.stores(session),
            "target": worker_metrics.target(session),
            "county": county,
            "towns": towns,
            "series": worker_metrics.ratio_by_day(session, SERIES_DAYS),
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
        # the longest names (城区社区管理委员会, 民乐生态工业园区) ran into their neighbours:
        # four characters and an ellipsis (in English the name without its kind, cut likewise)
        self.town_plot.getAxis("bottom").setTicks(
            [[(i, self._axis_name(t.name)) for i, t in enumerate(towns)]]
        )
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
        fill(
            self.reports_table,
            [[r.code, r.name, place_text(r.town), r.reports] for r in data["per_worker"]],
            [r.worker_id for r in data["per_worker"]],
        )
        fill(
            self.ranking_table,
            [[place_text(t), n, r, round(p, 2)] for t, n, r, p in data["ranking"]],
            [t for t, *_ in data["ranking"]],
        )
        fill(
            self.inactive_table,
            [
                [
                    r.code,
                    r.name,
                    place_text(r.town),
                    place_text(r.village),
                    r.last_check_in.isoformat() if r.last_check_in else "—",
                    r.days_since if r.days_since is not None else "—",
                    r.reminded_at.strftime("%Y-%m-%d %H:%M") if r.reminded_at else "",
                ]
                for r in data["inactive"]
            ],
            [r.worker_id for r in data["inactive"]],
        )
        lines, balance = data["points"]
        self.balance_label.setText(
            self.tr("Balance of every worker: %1 points; the newest %2 entries with their causes")
            .replace("%1", str(balance))
            .replace("%2", str(len(lines)))
        )
        reminders = data["reminders"]
        fill(
            self.reminders_table,
            [
                [
                    r.at.strftime("%Y-%m-%d %H:%M"),
                    r.code,
                    r.name,
                    places_text(r.town, r.village, sep=pick(("", " · "))),
                    r.sent_by,
                    r.message,
                    f"{r.acknowledged_by} {r.acknowledged_at:%m-%d %H:%M}"
                    if r.acknowledged_at
                    else "",
                ]
                for r in reminders
            ],
            [r.id for r in reminders],
        )
        pending = getattr(self, "_pending_reminder", None)
        if pending is not None:
            self._pending_reminder = None
            self.show_reminder(pending)
        fill(
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
        fill(
            self.quality_table,
            [[f.title, f.label, f.detail] for f in self.findings],
            list(range(len(self.findings))),
        )
        current = self.worker_combo.currentData()
        self.worker_combo.blockSignals(True)
        self.worker_combo.clear()
        for p in data["roster"]:
            if self.worker_combo.findData(p.id) < 0:
                self.worker_combo.addItem(f"{p.code} {p.name}（{place_text(p.town)}）", p.id)
        index = self.worker_combo.findData(current) if current is not None else 0
        self.worker_combo.setCurrentIndex(max(0, index))
        self.worker_combo.blockSignals(False)
        self._show_summary()
        self._on_worker_changed()

    @staticmethod
    def _axis_name(name: str) -> str:
        """A town under its bar: Chinese in five characters at most, English without its
        kind (Town, Township, …) in nine."""
        en = place_text(name)
        if en == name:
            return cut(name, 5)
        return cut(en.rsplit(" ", 1)[0] if " " in en else en, 9)

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
        self._calendar_days = days
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
        ids = [row_data(self.inactive_table, r) for r in rows]
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

    # --- the records behind the figures ---

    def _show_dialog(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        if isinstance(dialog, RecordsDialog):
            dialog.sig_open_incidents.connect(lambda f: self.sig_open_records.emit("incidents", f))
        dialog.open()
        return dialog

    def _plot_index(self, plot: Any, event: Any, n: int) -> int | None:
        if event.double() or n == 0:
            return None
        vb = plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return None
        x = vb.mapSceneToView(event.scenePos()).x()
        i = round(x)
        return i if 0 <= i < n else None

    @Slot(object)
    def _on_town_plot_clicked(self, event: Any) -> None:
        towns = self.data.get("towns", [])
        i = self._plot_index(self.town_plot, event, len(towns))
        if i is not None:
            self.open_town(towns[i].area_id)

    @Slot(object)
    def _on_day_plot_clicked(self, event: Any) -> None:
        series = self.data.get("series", [])
        i = self._plot_index(self.day_plot, event, len(series))
        if i is not None:
            self.open_day(series[i][0])

    def open_town(self, town_id: int) -> None:
        """A town's bar: the workers it counts, active first."""
        day = self.data.get("today")
        self.runner.submit(
            lambda s: worker_metrics.workers_behind(s, day=day, town_id=town_id),
            success=lambda rows: self._show_workers(rows, day, town_id),
            owner=self,
        )

    def open_day(self, day: Any) -> None:
        """A day of the series: the workers it counts (the roster of its last day)."""
        until = self.data.get("today")
        self.runner.submit(
            lambda s: worker_metrics.workers_behind(s, day=day, roster_day=until),
            success=lambda rows: self._show_workers(rows, day, None),
            owner=self,
        )

    def _show_workers(self, rows: list[Any], day: Any, town_id: int | None) -> None:
        town = next(
            (place_text(t.name) for t in self.data.get("towns", []) if t.area_id == town_id), ""
        )
        active = sum(1 for r in rows if r.active)
        title = self.tr("Workers counted on %1").replace("%1", str(day)) + (
            f" · {town}" if town else ""
        )
        self._show_dialog(
            RecordsDialog(
                title,
                [
                    self.tr("Code"),
                    self.tr("Worker"),
                    self.tr("Town"),
                    self.tr("Village"),
                    self.tr("Last check-in"),
                    self.tr("Active"),
                ],
                [
                    [
                        r.code,
                        r.name,
                        place_text(r.town),
                        place_text(r.village),
                        r.last_check_in.isoformat() if r.last_check_in else "—",
                        self.tr("yes") if r.active else self.tr("no"),
                    ]
                    for r in rows
                ],
                self,
                summary=self.tr("%1 of %2 workers active (%3%)")
                .replace("%1", str(active))
                .replace("%2", str(len(rows)))
                .replace("%3", f"{active / len(rows) * 100:.1f}" if rows else "0"),
            )
        )

    @Slot(int, int)
    def _on_reports_row(self, row: int, _col: int) -> None:
        wid = row_data(self.reports_table, row)
        if wid is not None:
            self.open_reports([wid])

    @Slot(int, int)
    def _on_ranking_row(self, row: int, _col: int) -> None:
        town = row_data(self.ranking_table, row)
        ids = [r.worker_id for r in self.data.get("per_worker", []) if r.town == town]
        if ids:
            self.open_reports(ids)

    def open_reports(self, worker_ids: list[int]) -> None:
        """A worker's or a town's reports: the incident queue with exactly those incidents."""
        until = self.data.get("today")
        self.runner.submit(
            lambda s: worker_metrics.reports_behind(s, worker_ids, REPORT_DAYS, until),
            success=lambda f: self.sig_open_records.emit("incidents", f),
            owner=self,
        )

    @Slot(int, int)
    def _on_inactive_row(self, row: int, _col: int) -> None:
        wid = row_data(self.inactive_table, row)
        if wid is not None:
            self.open_check_ins(wid)

    def open_check_ins(self, worker_id: int) -> None:
        """An inactive worker: their check-ins of the last 90 days (none in the window)."""
        import datetime as dt

        until = self.data.get("today") or worker_metrics.today()
        first = until - dt.timedelta(days=89)
        label = next(
            (
                f"{r.code} {r.name}"
                for r in self.data.get("inactive", [])
                if r.worker_id == worker_id
            ),
            str(worker_id),
        )
        self.runner.submit(
            lambda s: worker_metrics.check_ins_of(s, worker_id, first, until),
            success=lambda rows: self._show_dialog(
                RecordsDialog(
                    self.tr("Check-ins of %1 since %2")
                    .replace("%1", label)
                    .replace("%2", first.isoformat()),
                    [self.tr("Day"), self.tr("Time"), self.tr("Position"), self.tr("Note")],
                    [_check_in_row(c) for c in rows],
                    self,
                    summary=self.tr("%n check-in(s)", "", len(rows)),
                )
            ),
            owner=self,
        )

    @Slot(object)
    def _on_calendar_clicked(self, event: Any) -> None:
        days = getattr(self, "_calendar_days", [])
        if event.double() or not days:
            return
        vb = self.calendar_plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        week, weekday = int(p.x()), int(p.y())
        i = week * 7 + weekday - days[0].day.weekday()
        if 0 <= weekday < 7 and 0 <= i < len(days):
            self.open_calendar_day(days[i].day)

    def open_calendar_day(self, day: Any) -> None:
        """A calendar cell: the worker's check-ins, patrols and reports of that day."""
        wid = self.worker_combo.currentData()
        if wid is None:
            return
        self.runner.submit(
            lambda s: worker_metrics.day_records(s, wid, day),
            success=self._show_day_records,
            owner=self,
        )

    def _show_day_records(self, rec: worker_metrics.DayRecords) -> None:
        rows = [[self.tr("Check-in"), *_check_in_row(c)[1:]] for c in rec.check_ins]
        rows += [
            [
                self.tr("Patrol"),
                f"{start:%H:%M}–{end:%H:%M}" if end else f"{start:%H:%M}",
                f"{km:.2f} km",
                "",
            ]
            for _i, start, end, km in rec.patrols
        ]
        self._show_dialog(
            RecordsDialog(
                self.tr("%1 on %2")
                .replace("%1", self.worker_combo.currentText())
                .replace("%2", rec.day.isoformat()),
                [
                    self.tr("Record"),
                    self.tr("Time"),
                    self.tr("Position or distance"),
                    self.tr("Note"),
                ],
                rows,
                self,
                summary=self.tr("%1 check-in(s), %2 patrol(s), %3 report(s)")
                .replace("%1", str(len(rec.check_ins)))
                .replace("%2", str(len(rec.patrols)))
                .replace("%3", str(rec.report_count)),
                incidents=rec.reports,
                incident_count=rec.report_count,
            )
        )

    # --- reminders, points ---

    @Slot()
    def _on_ack_clicked(self) -> None:
        rows = {i.row() for i in self.reminders_table.selectedIndexes()}
        if len(rows) != 1:
            self.sig_message.emit(self.tr("Select the reminder to acknowledge first."))
            return
        rid = row_data(self.reminders_table, rows.pop())
        actor = self.actor
        self.runner.submit(
            lambda s: worker_metrics.acknowledge(s, actor, rid),
            success=lambda _r: (
                self.sig_message.emit(self.tr("Reminder acknowledged.")),
                self.reload(),
            ),
            failure=lambda exc: self.sig_message.emit(str(exc)),
            owner=self,
        )

    def show_reminder(self, reminder_id: int) -> None:
        """The supervisor's notice opened: the reminders tab with that reminder selected."""
        self.tabs.setCurrentWidget(self.tab_of["reminders"])
        for r in range(self.reminders_table.rowCount()):
            if row_data(self.reminders_table, r) == reminder_id:
                self.reminders_table.selectRow(r)
                return
        self._pending_reminder = reminder_id

    @Slot()
    def _on_redeem_clicked(self) -> None:
        people = [(p.id, f"{p.code} {p.name}（{p.town}）") for p in self.data.get("roster", [])]
        selected = {i.row() for i in self.points_table.selectedIndexes()}
        code = self.points_table.item(selected.pop(), 1).text() if len(selected) == 1 else None
        wid = next((p.id for p in self.data.get("roster", []) if p.code == code), None)
        d = RedeemDialog(
            self.runner, self.actor, people, self.data.get("stores", []), self, worker_id=wid
        )
        d.accepted.connect(
            lambda: (
                self.sig_message.emit(
                    self.tr("Redeemed; the balance is now %1.").replace("%1", str(d.result_value))
                ),
                self.reload(),
            )
        )
        self._show_dialog(d)

    # --- data-quality links ---

    @Slot()
    def _on_fix_clicked(self) -> None:
        rows = {i.row() for i in self.quality_table.selectedIndexes()}
        if len(rows) != 1:
            self.sig_message.emit(self.tr("Select the finding to fix first."))
            return
        self.fix_finding(rows.pop())

    def fix_finding(self, row: int) -> None:
        """Open the screen that fixes the finding on ``row`` (data_quality.FIXES)."""
        index = row_data(self.quality_table, row)
        if index is None or not 0 <= index < len(self.findings):
            return
        f = self.findings[index]
        if f.fix == "assign":
            self.tabs.setCurrentWidget(self.roster_panel)
            self.dialog = self.roster_panel.assign_grid(f.subject_id)
        elif f.fix == "roster":
            self.tabs.setCurrentWidget(self.roster_panel)
            self.roster_panel.show_worker(f.subject_id)
        elif f.fix == "calendar":
            self.tabs.setCurrentWidget(self.tab_of["calendar"])
            i = self.worker_combo.findData(f.subject_id)
            if i >= 0:
                self.worker_combo.setCurrentIndex(i)
            if f.day is not None:
                self.open_calendar_day(f.day)
        elif f.fix == "grid":
            actor = self.actor
            self.runner.submit(
                lambda s: roster.grid_figures(s, f.subject_id),
                success=lambda figs: self._open_grid_dialog(actor, f.subject_id, figs),
                owner=self,
            )

    def _open_grid_dialog(self, actor: Actor, grid_id: int, figures: Any) -> None:
        d = GridFiguresDialog(self.runner, actor, grid_id, figures, self)
        d.accepted.connect(self.reload)
        self._show_dialog(d)


def _check_in_row(c: worker_metrics.CheckInRow) -> list[Any]:
    from command_center.clock import CST

    return [
        c.day.isoformat(),
        c.at.astimezone(CST).strftime("%H:%M"),
        f"{c.lon:.5f}, {c.lat:.5f}" if c.lon is not None and c.lat is not None else "—",
        c.note or "",
    ]
