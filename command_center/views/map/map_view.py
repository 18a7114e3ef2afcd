"""The map wall (一屏观全貌): the county's boundaries and incidents, live.

The page is loaded once; afterwards data goes in as JSON through ``runJavaScript`` and clicks
come back over QWebChannel. Calls made before the page says it is ready are queued (as Anki's
webview does), so nothing is lost during the first load.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QObject,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from command_center.services import map_data
from command_center.views.map import scheme
from command_center.views.map.page import build_page
from command_center.workers.live import LiveChannel
from command_center.workers.ops import OpsRunner

log = logging.getLogger(__name__)

PAGE_URL = "app://cc/map.html"
LIVE_DELAY_MS = 150  # gather a burst of changes into one update
PAGE_DELAY_MS = 100  # let the window paint before the map page is built
KPI_DELAY_MS = 2000  # the strip's counts need not follow every single change
KPI_PERIOD_MS = 60_000  # and "today" moves on by itself
WINDOWS = (  # (key, label, hours back or None for "all open")
    ("open", QT_TRANSLATE_NOOP("MapView", "All open"), None),
    ("24h", QT_TRANSLATE_NOOP("MapView", "Last 24 hours"), 24),
    ("7d", QT_TRANSLATE_NOOP("MapView", "Last 7 days"), 24 * 7),
    ("30d", QT_TRANSLATE_NOOP("MapView", "Last 30 days"), 24 * 30),
)
LAYERS = (  # (page layer, label)
    ("town", QT_TRANSLATE_NOOP("MapView", "Towns")),
    ("village", QT_TRANSLATE_NOOP("MapView", "Villages")),
    ("grid", QT_TRANSLATE_NOOP("MapView", "Grids")),
    ("incidents", QT_TRANSLATE_NOOP("MapView", "Incidents")),
)


def _map_profile() -> QWebEngineProfile:
    """One off-the-record profile for the map: nothing cached on disk, so a new version of the
    program never runs yesterday's scripts."""
    app = QApplication.instance()
    profile = app.property("cc_map_profile") if app is not None else None
    if not isinstance(profile, QWebEngineProfile):
        profile = QWebEngineProfile(app)  # no storage name: off the record
        if app is not None:
            app.setProperty("cc_map_profile", profile)
    return profile


class MapBridge(QObject):
    """The object the page sees as ``bridge``."""

    dataPushed = Signal(str, str)  # camelCase: the page connects to it by this name
    """Python → page: call ``ccMap[method](...args)``. Arguments: method, JSON list of args."""

    sig_page_ready = Signal()
    """The page has loaded and can take calls."""

    sig_push_done = Signal(str, float)
    """The page finished a pushed call. Arguments: method, milliseconds it took."""

    sig_incident_clicked = Signal(int)
    """An incident was clicked on the map. Arguments: its id."""

    @Slot()
    def pageReady(self) -> None:
        self.sig_page_ready.emit()

    @Slot(int)
    def incidentClicked(self, incident_id: int) -> None:
        self.sig_incident_clicked.emit(incident_id)

    @Slot(str, float)
    def pushDone(self, method: str, ms: float) -> None:
        self.sig_push_done.emit(method, ms)


class MapView(QWidget):
    """See the module docstring."""

    sig_incident_selected = Signal(int)
    """The operator picked an incident on the map. Arguments: its id."""

    sig_data_drawn = Signal(float)
    """The incidents were drawn. Arguments: milliseconds the page took."""

    def __init__(
        self, runner: OpsRunner, live: LiveChannel | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mapView")
        self._runner = runner
        self._ready = False
        self._queue: list[tuple[str, str]] = []
        self._filter = map_data.IncidentFilter(open_only=True)
        self._wall = False
        self._changed: dict[int, str] = {}
        self.geometry_problems: tuple[map_data.GeometryProblem, ...] = ()
        self.no_location: tuple[tuple[int, str, str], ...] = ()

        self.view = QWebEngineView(self)
        profile = _map_profile()
        self._handler = scheme.install(profile)
        self._page_started = False
        self.page = QWebEnginePage(profile, self.view)
        self.view.setPage(self.page)
        self.bridge = MapBridge(self)
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("bridge", self.bridge)
        self.page.setWebChannel(self.channel)
        self.bridge.sig_page_ready.connect(self._on_bridge_sig_page_ready)
        self.bridge.sig_incident_clicked.connect(self.sig_incident_selected)

        self.problems_label = QLabel(self)
        self.problems_label.setObjectName("mapProblems")
        self.problems_label.setWordWrap(True)
        self.problems_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._build_kpi_strip())
        self.layer_bar = self._build_layer_bar()
        layout.addWidget(self.layer_bar)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.view, 1)

        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_DELAY_MS)
        self._live_timer.timeout.connect(self._on_live_timer_timeout)
        self._kpi_timer = QTimer(self)
        self._kpi_timer.setSingleShot(True)
        self._kpi_timer.setInterval(KPI_DELAY_MS)
        self._kpi_timer.timeout.connect(self.refresh_kpis)
        self._kpi_period = QTimer(self)
        self._kpi_period.setInterval(KPI_PERIOD_MS)
        self._kpi_period.timeout.connect(self.refresh_kpis)
        self._kpi_period.start()
        if live is not None:
            live.sig_change_received.connect(self._on_live_sig_change_received)
            live.sig_reconnected.connect(self.reload_incidents)

        self._load_boundaries()
        self.reload_incidents()
        self.refresh_kpis()

    # --- the strip over the map ---

    def _build_kpi_strip(self) -> QFrame:
        strip = QFrame(self)
        strip.setObjectName("mapKpiStrip")
        row = QHBoxLayout(strip)
        row.setContentsMargins(12, 6, 12, 6)
        self.kpi_labels: dict[str, QLabel] = {}
        for key in ("new_today", "open", "overdue", "resolved_today", "active_share"):
            label = QLabel(strip)
            label.setObjectName(f"kpi_{key}")
            label.setProperty("kpi", key)
            self.kpi_labels[key] = label
            row.addWidget(label, 1)
        return strip

    def _build_layer_bar(self) -> QFrame:
        bar = QFrame(self)
        bar.setObjectName("mapLayerBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(12, 2, 12, 2)
        self.layer_boxes: dict[str, QCheckBox] = {}
        for key, _title in LAYERS:
            box = QCheckBox(bar)
            box.setChecked(True)
            box.toggled.connect(lambda on, k=key: self.set_layer_visible(k, on))
            self.layer_boxes[key] = box
            row.addWidget(box)
        row.addSpacing(16)
        self.window_box = QComboBox(bar)
        self.window_box.setObjectName("mapWindow")
        self.window_box.currentIndexChanged.connect(self._on_filter_changed)
        row.addWidget(self.window_box)
        self.town_box = QComboBox(bar)
        self.town_box.setObjectName("mapTown")
        self.town_box.addItem("", None)
        self.town_box.currentIndexChanged.connect(self._on_filter_changed)
        row.addWidget(self.town_box)
        row.addStretch(1)
        self.tray_button = QToolButton(bar)
        self.tray_button.setObjectName("noLocationTray")
        self.tray_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.tray_button.setMenu(QMenu(self.tray_button))
        row.addWidget(self.tray_button)
        self._retranslate()
        return bar

    def _retranslate(self) -> None:
        if hasattr(self, "window_box"):
            current = max(self.window_box.currentIndex(), 0)
            self.window_box.blockSignals(True)
            self.window_box.clear()
            for key, title, _hours in WINDOWS:
                self.window_box.addItem(QCoreApplication.translate("MapView", title), key)
            self.window_box.setCurrentIndex(current)
            self.window_box.blockSignals(False)
            self.town_box.setItemText(0, self.tr("Whole county"))
        for key, title in LAYERS:
            if hasattr(self, "layer_boxes"):
                self.layer_boxes[key].setText(QCoreApplication.translate("MapView", title))
        if hasattr(self, "tray_button"):
            self.tray_button.setText(
                self.tr("No location: %1").replace("%1", str(len(self.no_location)))
            )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._page_started:
            # once the window has painted: building the page imports folium (0.5 s here)
            self._page_started = True
            QTimer.singleShot(PAGE_DELAY_MS, self, self._start_page)

    def _start_page(self) -> None:
        self._handler.set_page("/map.html", build_page((38.43, 100.81)))
        self.view.load(QUrl(PAGE_URL))

    def set_wall_mode(self, on: bool) -> None:
        """On the wall: larger figures to read from across the room, and no layer bar."""
        self._wall = on
        self.layer_bar.setVisible(not on)
        self.view.setZoomFactor(1.4 if on else 1.0)
        self.refresh_kpis()

    def shutdown(self) -> None:
        """Stop the timers (the window is closing)."""
        for timer in (self._live_timer, self._kpi_timer, self._kpi_period):
            timer.stop()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.refresh_kpis()

    @Slot()
    def refresh_kpis(self) -> None:
        self._runner.submit(
            map_data.map_kpis, success=self._on_kpis_loaded, owner=self, name="map.kpis"
        )

    def _on_kpis_loaded(self, k: map_data.MapKpis) -> None:
        share = "—" if k.active_share is None else f"{100 * k.active_share:.1f}%"
        texts = {
            "new_today": (self.tr("New today"), f"{k.new_today:,}"),
            "open": (self.tr("Open"), f"{k.open:,}"),
            "overdue": (self.tr("Overdue"), f"{k.overdue:,}"),
            "resolved_today": (self.tr("Resolved today"), f"{k.resolved_today:,}"),
            "active_share": (self.tr("Grid workers active (30 days)"), share),
        }
        for key, (title, value) in texts.items():
            size = 40 if self._wall else 22
            self.kpi_labels[key].setText(
                f"{title}<br><span style='font-size:{size}px; font-weight:700'>{value}</span>"
            )

    # --- talking to the page ---

    @property
    def is_ready(self) -> bool:
        return self._ready

    def push(self, method: str, *args: Any) -> None:
        """Call ``ccMap.<method>(*args)`` in the page now, or as soon as it is ready.

        Data goes over the web channel as a JSON string: running it as script source would
        leave every payload's compiled script behind in the page's heap.
        """
        payload = json.dumps(args, ensure_ascii=False)
        if self._ready:
            self.bridge.dataPushed.emit(method, payload)
        else:
            self._queue.append((method, payload))

    def evaluate(self, script: str, callback: Any) -> None:
        """Run ``script`` and give its result to ``callback`` (for tests and benchmarks)."""
        self.page.runJavaScript(script, 0, callback)

    @Slot()
    def _on_bridge_sig_page_ready(self) -> None:
        self._ready = True
        queued, self._queue = self._queue, []
        for method, payload in queued:
            self.bridge.dataPushed.emit(method, payload)

    # --- data ---

    def _load_boundaries(self) -> None:
        self._runner.submit(
            map_data.boundaries,
            success=self._on_boundaries_loaded,
            owner=self,
            name="map.boundaries",
        )

    @Slot()
    def _on_filter_changed(self) -> None:
        hours = dict((k, h) for k, _t, h in WINDOWS).get(self.window_box.currentData())
        since = None
        if hours is not None:
            since = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)
        self._filter = map_data.IncidentFilter(
            since=since, open_only=hours is None, town_id=self.town_box.currentData()
        )
        self.reload_incidents()

    def set_filter(self, window: str, town_id: int | None = None) -> None:
        """Choose the time window ("open", "24h", "7d", "30d") and the town (None: county)."""
        for box, value in ((self.town_box, town_id), (self.window_box, window)):
            box.blockSignals(True)  # one reload for both choices
            box.setCurrentIndex(max(box.findData(value), 0))
            box.blockSignals(False)
        self._on_filter_changed()

    def _on_boundaries_loaded(self, result: map_data.Boundaries) -> None:
        self.geometry_problems = result.problems
        self.town_box.blockSignals(True)
        while self.town_box.count() > 1:
            self.town_box.removeItem(1)
        for feature in result.layers["town"]["features"]:
            self.town_box.addItem(feature["properties"]["name"], feature["properties"]["id"])
        self.town_box.blockSignals(False)
        if result.problems:
            lines = [f"{p.name}（{p.code}）：{p.problem}" for p in result.problems[:5]]
            more = len(result.problems) - len(lines)
            self.problems_label.setText(
                self.tr("Boundaries left off the map:")
                + " "
                + "；".join(lines)
                + (f" … +{more}" if more > 0 else "")
            )
            self.problems_label.show()
        self.push("setBoundaries", {"layers": result.layers, "bounds": result.bounds})

    @Slot()
    def reload_incidents(self) -> None:
        f = self._filter
        self._runner.submit(
            lambda s: map_data.incident_points(s, f),
            success=self._on_incidents_loaded,
            owner=self,
            name="map.incidents",
        )

    def _on_incidents_loaded(self, points: map_data.IncidentPoints) -> None:
        self.no_location = points.no_location
        self._fill_tray()
        self.push("setIncidents", points.columns)

    def _fill_tray(self) -> None:
        """Incidents with no usable location: listed here, never dropped, never put at 0,0."""
        menu = self.tray_button.menu()
        menu.clear()
        for incident_id, number, title in self.no_location[:200]:
            action = menu.addAction(f"{number}  {title}")
            action.triggered.connect(
                lambda _=False, i=incident_id: self.sig_incident_selected.emit(i)
            )
        if len(self.no_location) > 200:
            menu.addAction(f"… +{len(self.no_location) - 200}").setEnabled(False)
        self.tray_button.setEnabled(bool(self.no_location))
        self._retranslate()

    def select_incident(self, incident_id: int) -> None:
        """Pan to ``incident_id`` and ring it (a selection made elsewhere)."""
        self.push("highlight", int(incident_id))

    def set_layer_visible(self, layer: str, visible: bool) -> None:
        self.push("setVisible", layer, visible)

    @Slot(dict)
    def _on_live_sig_change_received(self, payload: dict[str, Any]) -> None:
        if payload.get("t") == "*":
            self.reload_incidents()
            return
        if payload.get("t") != "incidents" or not isinstance(payload.get("id"), int):
            return
        self._changed[payload["id"]] = str(payload.get("op"))
        if not self._live_timer.isActive():
            self._live_timer.start()
        if not self._kpi_timer.isActive():
            self._kpi_timer.start()

    @Slot()
    def _on_live_timer_timeout(self) -> None:
        changed, self._changed = self._changed, {}
        ids = list(changed)
        inserted = {i for i, op in changed.items() if op == "insert"}

        f = self._filter

        def push(result: tuple[map_data.IncidentPoints, list[int]]) -> None:
            points, gone = result
            cols = points.columns
            fresh = [i for i in cols["id"] if i in inserted]
            if cols["id"]:
                self.push("updateIncidents", cols, bool(fresh))
            if gone:
                self.push("removeIncidents", gone)

        self._runner.submit(
            lambda s: map_data.incident_points_by_id(s, ids, f),
            success=push,
            owner=self,
            name="map.update",
        )
