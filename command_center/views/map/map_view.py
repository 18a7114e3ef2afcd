"""The map wall (一屏观全貌): the county's boundaries and incidents, live.

The page is loaded once; afterwards data goes in as JSON through ``runJavaScript`` and clicks
come back over QWebChannel. Calls made before the page says it is ready are queued (as Anki's
webview does), so nothing is lost during the first load.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QDate,
    QEvent,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from command_center import clock
from command_center.db.changes import Changes
from command_center.services import geo_transform, map_data, permissions
from command_center.services import settings as center_settings
from command_center.services.audit import Actor
from command_center.views import words
from command_center.views.map import scheme
from command_center.views.map.bridge import MapBridge, map_profile
from command_center.views.map.layers import DATA_LAYERS
from command_center.views.map.page import build_page
from command_center.views.map.wall_cycle import WallCycle
from command_center.views.map.widgets import (
    FilterPopup,
    IncidentCardPanel,
    TileSettingsDialog,
)
from command_center.views.wall import wall_font_scale
from command_center.workers.live import LiveChannel
from command_center.workers.ops import LONG, OpsRunner

log = logging.getLogger(__name__)

PAGE_URL = "app://cc/map.html"
PAGE_DELAY_MS = 100  # let the window paint before the map page is built
KPI_DELAY_MS = 2000  # the strip's counts need not follow every single change
KPI_PERIOD_MS = 60_000  # and "today" moves on by itself
WALL_PAGE_ZOOM = 1.25  # the map page on the wall, at a type scale of 1 (wall/font_scale)
WINDOWS = (  # (key, label, hours back or None for "all open")
    ("open", QT_TRANSLATE_NOOP("MapView", "All open"), None),
    ("24h", QT_TRANSLATE_NOOP("MapView", "Last 24 hours"), 24),
    ("7d", QT_TRANSLATE_NOOP("MapView", "Last 7 days"), 24 * 7),
    ("30d", QT_TRANSLATE_NOOP("MapView", "Last 30 days"), 24 * 30),
    ("custom", QT_TRANSLATE_NOOP("MapView", "From … to …"), None),
)
LAYERS = (  # (page layer, label, on at start)
    ("town", QT_TRANSLATE_NOOP("MapView", "Towns"), True),
    ("village", QT_TRANSLATE_NOOP("MapView", "Villages"), True),
    ("grid", QT_TRANSLATE_NOOP("MapView", "Grids"), True),
    ("incidents", QT_TRANSLATE_NOOP("MapView", "Incidents"), True),
    ("heat", QT_TRANSLATE_NOOP("MapView", "Density (heat)"), False),
    ("choropleth", QT_TRANSLATE_NOOP("MapView", "Incidents per grid"), False),
    ("workers", QT_TRANSLATE_NOOP("MapView", "Grid workers (last check-in)"), False),
    ("cameras", QT_TRANSLATE_NOOP("MapView", "Cameras"), False),
    ("disputes", QT_TRANSLATE_NOOP("MapView", "Open disputes by risk"), False),
)


class MapView(QWidget):
    """See the module docstring."""

    sig_incident_selected = Signal(int)
    """The operator picked an incident on the map. Arguments: its id."""

    sig_open_incident = Signal(int)
    """The operator asked for an incident's full details (from the card). Arguments: its id."""

    sig_data_drawn = Signal(float)
    """The incidents were drawn. Arguments: milliseconds the page took."""

    sig_area_filter_changed = Signal(object)
    """"This area only": a GeoJSON Polygon dict in GCJ-02 (the stored datum), or None."""

    sig_point_picked = Signal(float, float)
    """After :meth:`start_pick`: the point clicked. Arguments: lon, lat in GCJ-02."""

    sig_pick_cancelled = Signal()
    """After :meth:`start_pick`: Esc was pressed instead."""

    sig_wall_view_changed = Signal(str)
    """Wall-mode cycling moved to a saved view. Arguments: its name."""

    def __init__(
        self, runner: OpsRunner, live: LiveChannel | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mapView")
        self._runner = runner
        self._ready = False
        self._queue: list[tuple[str, str]] = []
        self._filter = map_data.IncidentFilter(open_only=True)
        # the exact range behind the custom dates the analysis set: ((from, to), (since, until))
        self._exact_range: tuple[tuple[dt.date, dt.date], tuple[dt.datetime, dt.datetime]] | None
        self._exact_range = None
        self._wall = False
        self._channels: tuple[str, ...] = ()
        self._categories: tuple[str, ...] = ()
        self._statuses: tuple[str, ...] = ()
        self._area: dict[str, Any] | None = None  # GCJ-02
        self._overdue_only = False
        self._tiles: dict[str, Any] | None = None
        self._crs = geo_transform.GCJ02  # of the page's coordinates
        self._settings_loaded = False
        self._loaded_layers: set[str] = set()
        self._user: Any = None
        self._picking = False
        self.geometry_problems: tuple[map_data.GeometryProblem, ...] = ()
        self.no_location: tuple[tuple[int, str, str], ...] = ()

        self.view = QWebEngineView(self)
        profile = map_profile()
        self._handler = scheme.install(profile)
        self._page_started = False
        self.page = QWebEnginePage(profile, self.view)
        self.view.setPage(self.page)
        self.bridge = MapBridge(self)
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("bridge", self.bridge)
        self.page.setWebChannel(self.channel)
        self.bridge.sig_page_ready.connect(self._on_bridge_sig_page_ready)
        self.bridge.sig_incident_clicked.connect(self._on_bridge_sig_incident_clicked)
        self.bridge.sig_area_drawn.connect(self._on_bridge_sig_area_drawn)
        self.bridge.sig_point_picked.connect(self._on_bridge_sig_point_picked)
        self.bridge.sig_mode_cancelled.connect(self._on_bridge_sig_mode_cancelled)

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
        self.card = IncidentCardPanel(self)
        self.card.sig_open.connect(self.sig_open_incident)
        self.filter_popup = FilterPopup(self)
        self.filter_popup.sig_applied.connect(self._on_filter_popup_sig_applied)
        self._esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self._esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._esc.activated.connect(self.cancel_pick)
        self._esc.setEnabled(False)  # only while picking or drawing: Esc also leaves the wall

        self._kpi_timer = QTimer(self)
        self._kpi_timer.setSingleShot(True)
        self._kpi_timer.setInterval(KPI_DELAY_MS)
        self._kpi_timer.timeout.connect(self.refresh_kpis)
        self._kpi_period = QTimer(self)
        self._kpi_period.setInterval(KPI_PERIOD_MS)
        self._kpi_period.timeout.connect(self._on_kpi_period_timeout)
        self._kpi_period.start()
        self._wall_cycle = WallCycle(self.apply_view, self._state, self._restore, self)
        if live is not None:
            live.sig_changes.connect(self._on_live_sig_changes)
            live.sig_reconnected.connect(self.reload_incidents)

        self._push_texts()
        self.push("setRules", map_data.overdue_rule())
        self._load_settings()
        self.refresh_kpis()

    def _push_texts(self) -> None:
        """Words the page shows by itself (legends)."""
        rule = map_data.overdue_rule()
        share = f"{round(100 * rule['ring_share'])}%"
        self.push(
            "setTexts",
            {
                "heat": self.tr("Incident density"),
                "low": self.tr("low"),
                "high": self.tr("high"),
                "legend": {
                    "title": self.tr("Legend"),
                    "statuses": {
                        code: words.status_text("incidents", code)
                        for code in ("new", "accepted", "dispatched", "in_progress", "resolved")
                    },
                    "size": self.tr("larger: more urgent"),
                    "overdue_point": self.tr("red rim: overdue incident"),
                    "cluster": self.tr("incidents in this spot"),
                    "ring": self.tr("≥%1 overdue and ≥%2 of them")
                    .replace("%1", str(int(rule["min"])))
                    .replace("%2", share),
                    "fill": self.tr("half or more overdue"),
                },
            },
        )

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
        self.wall_view_label = QLabel(strip)
        self.wall_view_label.setObjectName("mapWallViewName")
        self.wall_view_label.hide()
        row.addWidget(self.wall_view_label)
        return strip

    def _build_layer_bar(self) -> QFrame:
        bar = QFrame(self)
        bar.setObjectName("mapLayerBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(12, 2, 12, 2)
        self.layers_button = QToolButton(bar)
        self.layers_button.setObjectName("mapLayers")
        self.layers_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        layers_menu = QMenu(self.layers_button)
        self.layers_button.setMenu(layers_menu)
        self.layer_boxes: dict[str, QAction] = {}
        for key, _title, on in LAYERS:
            if key == "heat":
                layers_menu.addSeparator()
            action = layers_menu.addAction("")
            action.setCheckable(True)
            action.setChecked(on)
            action.toggled.connect(lambda visible, k=key: self.set_layer_visible(k, visible))
            self.layer_boxes[key] = action
        row.addWidget(self.layers_button)
        row.addSpacing(8)
        self.window_box = QComboBox(bar)
        self.window_box.setObjectName("mapWindow")
        self.window_box.currentIndexChanged.connect(self._on_filter_changed)
        row.addWidget(self.window_box)
        today = QDate(clock.now().astimezone().date())  # the workstation's day, as before
        self.date_from = QDateEdit(today.addDays(-7), bar)
        self.date_to = QDateEdit(today, bar)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._on_filter_changed)
            edit.hide()
            row.addWidget(edit)
        self.town_box = QComboBox(bar)
        self.town_box.setObjectName("mapTown")
        self.town_box.addItem("", None)
        self.town_box.currentIndexChanged.connect(self._on_filter_changed)
        row.addWidget(self.town_box)
        self.filter_button = QToolButton(bar)
        self.filter_button.setObjectName("mapFilterButton")
        self.filter_button.clicked.connect(self._show_filter_popup)
        row.addWidget(self.filter_button)
        self.lasso_button = QToolButton(bar)
        self.lasso_button.setObjectName("mapLasso")
        self.lasso_button.clicked.connect(self.start_lasso)
        row.addWidget(self.lasso_button)
        self.area_chip = QToolButton(bar)
        self.area_chip.setObjectName("mapAreaChip")
        self.area_chip.setStyleSheet(
            "QToolButton { background: #fdecea; color: #a93226; border: 1px solid #e6b0aa;"
            " border-radius: 10px; padding: 2px 10px; font-weight: 600; }"
        )
        self.area_chip.clicked.connect(self.clear_area)
        self.area_chip.hide()
        row.addWidget(self.area_chip)
        row.addStretch(1)
        self.county_button = QToolButton(bar)
        self.county_button.setObjectName("wholeCounty")
        self.county_button.clicked.connect(lambda: self.push("fitCounty"))
        row.addWidget(self.county_button)
        self.tray_button = QToolButton(bar)
        self.tray_button.setObjectName("noLocationTray")
        self.tray_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.tray_button.setMenu(QMenu(self.tray_button))
        row.addWidget(self.tray_button)
        self.more_button = QToolButton(bar)
        self.more_button.setObjectName("mapMore")
        self.more_button.setText("⋯")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        more = QMenu(self.more_button)
        self.save_view_action = more.addAction("")
        self.save_view_action.triggered.connect(self._on_save_view_action_triggered)
        self.tiles_action = more.addAction("")
        self.tiles_action.triggered.connect(self._on_tiles_action_triggered)
        self.tiles_action.setEnabled(False)  # administrators only (see set_user)
        self.more_button.setMenu(more)
        row.addWidget(self.more_button)
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
            self.county_button.setText(self.tr("⌂ County"))
            self.county_button.setToolTip(self.tr("Show the whole county again"))
            self.layers_button.setText(self.tr("Layers"))
            self.lasso_button.setText(self.tr("Draw area"))
            self.lasso_button.setToolTip(
                self.tr("Draw a lasso around an area; Shift+drag draws a rectangle")
            )
            self.area_chip.setText(self.tr("This area only") + "  ✕")
            self.area_chip.setToolTip(self.tr("Show the whole map again"))
            self.save_view_action.setText(self.tr("Save this view for the wall…"))
            self.tiles_action.setText(self.tr("Base layer (tiles)…"))
            self.date_from.setToolTip(self.tr("From (reported on or after)"))
            self.date_to.setToolTip(self.tr("To (reported on or before)"))
            self._update_filter_button()
        for key, title, _on in LAYERS:
            if hasattr(self, "layer_boxes"):
                self.layer_boxes[key].setText(QCoreApplication.translate("MapView", title))
        if hasattr(self, "tray_button"):
            self.tray_button.setText(
                self.tr("No location: %1").replace("%1", str(len(self.no_location)))
            )
        if hasattr(self, "card"):
            self.card.retranslate()
            self.filter_popup.retranslate()

    def _update_filter_button(self) -> None:
        """The button names what is filtered, so the bar reads at a glance."""
        popup = getattr(self, "filter_popup", None)
        parts: list[str] = []
        tips: list[str] = []
        if popup is not None:
            for key, title in (
                ("channels", self.tr("Channels")),
                ("categories", self.tr("Categories")),
                ("statuses", self.tr("Statuses")),
            ):
                texts = [t for t in popup.checked_texts(key)]
                if texts:
                    parts.append(texts[0] if len(texts) == 1 else f"{texts[0]} +{len(texts) - 1}")
                    tips.append(f"{title}: {', '.join(texts)}")
        if self._overdue_only:
            parts.append(self.tr("overdue only"))
        if parts:
            text = self.tr("Filter: %1").replace("%1", " · ".join(parts))
            if len(text) > 42:
                text = text[:40] + "…"
            self.filter_button.setText(text)
            self.filter_button.setStyleSheet("QToolButton { font-weight: 700; color: #a93226; }")
        else:
            self.filter_button.setText(self.tr("Filter…"))
            self.filter_button.setStyleSheet("")
        self.filter_button.setToolTip("\n".join(tips) or self.tr("Channels, categories, statuses"))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._page_started:
            # once the window has painted: building the page imports folium (0.5 s here)
            self._page_started = True
            QTimer.singleShot(PAGE_DELAY_MS, self, self._start_page)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_card()

    def _place_card(self) -> None:
        if hasattr(self, "card"):
            g = self.view.geometry()
            self.card.adjustSize()
            self.card.move(g.right() - self.card.width() - 12, g.top() + 12)

    def _start_page(self) -> None:
        self._handler.set_page("/map.html", build_page((38.43, 100.81)))
        self.view.load(QUrl(PAGE_URL))

    def set_user(self, user: Any) -> None:
        """The signed-in user (auth.UserInfo): who saves views; administrators edit the tiles."""
        self._user = user
        role = getattr(user, "role_code", None)
        self.tiles_action.setEnabled(role is not None and permissions.may_set_tiles(role))

    def _actor(self) -> Actor:
        if self._user is None:
            return Actor(None, "地图 / map")
        return Actor(self._user.id, self._user.display_name)

    def set_wall_mode(self, on: bool) -> None:
        """On the wall: larger figures to read from across the room, no layer bar, and
        cycling among the saved views ("map.wall_views") when there are two or more."""
        was = self._wall
        self._wall = on
        self.layer_bar.setVisible(not on)
        self.view.setZoomFactor(round(WALL_PAGE_ZOOM * wall_font_scale(), 2) if on else 1.0)
        self.push("setWall", on)  # dark page, large labels and legend, the county fills it
        self.refresh_kpis()
        if on and not was:
            self._runner.submit(
                lambda s: (
                    center_settings.get(s, "map.wall_views"),
                    center_settings.get(s, "map.wall_cycle_seconds"),
                ),
                success=self._on_wall_settings_loaded,
                owner=self,
                name="map.wall_views",
            )
        elif not on:
            self._stop_cycling()

    def _on_wall_settings_loaded(self, result: tuple[Any, Any]) -> None:
        views, seconds = result
        if self._wall:
            self._wall_cycle.start(views, seconds)

    def _stop_cycling(self) -> None:
        self._wall_cycle.stop()
        self.wall_view_label.hide()

    @property
    def is_cycling(self) -> bool:
        return self._wall_cycle.is_active

    @property
    def _wall_views(self) -> list[dict[str, Any]]:
        """The saved views as last read or written (the wall cycles through them)."""
        return self._wall_cycle.views

    def apply_view(self, view: dict[str, Any]) -> None:
        """Show a saved view: {name, center: [lat, lon] (GCJ-02), zoom, town_id, window,
        overdue_only}; a town without a centre fills the screen."""
        self._overdue_only = bool(view.get("overdue_only"))
        self.set_filter(str(view.get("window") or "open"), view.get("town_id"))
        center = view.get("center")
        if center and len(center) == 2:
            lat, lon = float(center[0]), float(center[1])
            if self._crs == geo_transform.WGS84:
                lon, lat = geo_transform.gcj_to_wgs(lon, lat)
            self.push("setView", lat, lon, float(view.get("zoom") or 10))
        elif view.get("town_id") is not None:
            self.push("fitFeature", "town", int(view["town_id"]))
        name = str(view.get("name") or "")
        size = round(28 * wall_font_scale()) if self._wall else 16
        self.wall_view_label.setText(  # the name is typed by a user: shown as it was typed
            f"<span style='font-size:{size}px; font-weight:700'>{html.escape(name)}</span>"
        )
        self.wall_view_label.setVisible(bool(name))
        self.sig_wall_view_changed.emit(name)

    def _state(self) -> tuple[Any, ...]:
        return (self.window_box.currentData(), self.town_box.currentData(), self._overdue_only)

    def _restore(self, state: tuple[Any, ...]) -> None:
        window, town, overdue = state
        self._overdue_only = overdue
        self.set_filter(window, town)

    def shutdown(self) -> None:
        """Stop the timers (the window is closing)."""
        for timer in (self._kpi_timer, self._kpi_period):
            timer.stop()
        self._wall_cycle.shutdown()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self._push_texts()
            self._rename_places()
            self.refresh_kpis()

    @Slot()
    def _on_kpi_period_timeout(self) -> None:
        self.refresh_kpis()
        if self.layer_boxes["workers"].isChecked():
            self._load_layer("workers")  # check-ins are not announced; their age moves on

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
            size = round(44 * wall_font_scale()) if self._wall else 22
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

    # --- settings: the base layer decides the datum of everything pushed ---

    def _load_settings(self) -> None:
        self._runner.submit(
            lambda s: center_settings.get(s, "map.tiles"),
            success=self._on_tiles_loaded,
            failure=self._on_tiles_failed,
            owner=self,
            name="map.settings",
        )

    def _on_tiles_failed(self, exc: BaseException) -> None:
        log.warning("map settings unreadable, drawing without tiles: %s", exc)
        self._on_tiles_loaded(None)

    def _on_tiles_loaded(self, tiles: Any) -> None:
        tiles = tiles if isinstance(tiles, dict) and tiles.get("url") else None
        crs = geo_transform.WGS84 if tiles and tiles.get("crs") == "WGS-84" else geo_transform.GCJ02
        first = not self._settings_loaded
        changed = tiles != self._tiles or crs != self._crs
        self._settings_loaded = True
        self._tiles, self._crs = tiles, crs
        if first or changed:
            self.push("setTiles", tiles)
            self._load_boundaries(fit=first)
            self.reload_incidents()
            for layer in list(self._loaded_layers):
                self._load_layer(layer)
            if self._area is not None:
                self.push("setArea", self._area_on_page())
        if first:
            self._runner.submit(
                map_data.filter_options,
                success=self.filter_popup.set_options,
                owner=self,
                name="map.filter_options",
            )

    def set_tiles(self, tiles: dict[str, Any] | None) -> None:
        """Use this base layer now (the setting is stored elsewhere; see the dialog)."""
        self._on_tiles_loaded(tiles)

    @property
    def page_crs(self) -> str:
        return self._crs

    @Slot()
    def _on_tiles_action_triggered(self) -> None:
        dialog = TileSettingsDialog(self._tiles, self)
        if dialog.exec() != TileSettingsDialog.DialogCode.Accepted:
            return
        value = dialog.value()
        actor = self._actor()

        self._runner.submit(
            lambda s: center_settings.change(s, actor, {"map.tiles": value}),
            success=lambda _r: self.set_tiles(value),
            owner=self,
            name="map.tiles.save",
        )

    # --- data ---

    def _load_boundaries(self, fit: bool = True) -> None:
        crs = self._crs
        self._runner.submit(
            lambda s: map_data.boundaries(s, out_crs=crs),
            success=lambda r: self._on_boundaries_loaded(r, fit),
            owner=self,
            name="map.boundaries",
            lane=LONG,  # before the incidents, as the page expects
        )

    @Slot()
    def _on_filter_changed(self) -> None:
        window = self.window_box.currentData()
        custom = window == "custom"
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)
        hours = dict((k, h) for k, _t, h in WINDOWS).get(window)
        since = until = None
        if custom:
            start = self.date_from.date().toPython()
            end = self.date_to.date().toPython()
            if end < start:
                start, end = end, start
            tz = clock.now().astimezone().tzinfo  # days as the workstation counts them
            since = dt.datetime.combine(start, dt.time(), tz)
            until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz)
            exact = self._exact_range
            if exact is not None and exact[0] == (start, end):
                since, until = exact[1]  # the analysis's range, to the minute (show_selection)
        elif hours is not None:
            since = clock.now() - dt.timedelta(hours=hours)
        self._filter = map_data.IncidentFilter(
            since=since,
            until=until,
            open_only=window == "open",
            town_id=self.town_box.currentData(),
            channels=self._channels or None,
            categories=self._categories or None,
            statuses=self._statuses or None,
            overdue_only=self._overdue_only,
            area=self._area,
        )
        self._update_filter_button()
        self.reload_incidents()
        if self.layer_boxes["choropleth"].isChecked():
            self._load_layer("choropleth")

    @property
    def incident_filter(self) -> map_data.IncidentFilter:
        return self._filter

    def set_filter(
        self,
        window: str,
        town_id: int | None = None,
        *,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> None:
        """Choose the time window ("open", "24h", "7d", "30d", "custom" with ``date_from``
        and ``date_to``) and the town (None: county)."""
        for box, value in ((self.town_box, town_id), (self.window_box, window)):
            box.blockSignals(True)  # one reload for all choices
            box.setCurrentIndex(max(box.findData(value), 0))
            box.blockSignals(False)
        for edit, day in ((self.date_from, date_from), (self.date_to, date_to)):
            if day is not None:
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self._on_filter_changed()

    def show_selection(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        category: str | None = None,
        town_id: int | None = None,
    ) -> None:
        """The analysis's selection on the choropleth of incidents per grid: reported in
        ``[start, end)`` (exactly: the analysis counts Beijing days, whatever the workstation's
        zone), in ``category``'s subtree, in ``town_id`` (None: the county), every status but
        merged; the layer is switched on."""
        tz = clock.now().astimezone().tzinfo
        days = (
            start.astimezone(tz).date(),
            (end - dt.timedelta(microseconds=1)).astimezone(tz).date(),
        )
        self._exact_range = (days, (start, end))
        self._channels, self._categories, self._statuses = (), (category,) if category else (), ()
        for key, codes in (("channels", ()), ("categories", self._categories), ("statuses", ())):
            self.filter_popup.set_checked(key, codes)
        self._overdue_only = False
        self.set_filter("custom", town_id, date_from=days[0], date_to=days[1])
        self.set_layer_visible("choropleth", True)  # (set_filter reloaded it if it was on)

    def set_detail_filter(
        self,
        *,
        channels: tuple[str, ...] = (),
        categories: tuple[str, ...] = (),
        statuses: tuple[str, ...] = (),
    ) -> None:
        """Channels, top-level category codes (their subtrees count) and statuses; empty: all."""
        for key, codes in (
            ("channels", channels),
            ("categories", categories),
            ("statuses", statuses),
        ):
            self.filter_popup.set_checked(key, codes)
        self._on_filter_popup_sig_applied(channels, categories, statuses)

    @Slot(object, object, object)
    def _on_filter_popup_sig_applied(
        self, channels: tuple[str, ...], categories: tuple[str, ...], statuses: tuple[str, ...]
    ) -> None:
        self._channels, self._categories, self._statuses = (
            tuple(channels),
            tuple(categories),
            tuple(statuses),
        )
        self._on_filter_changed()

    def _show_filter_popup(self) -> None:
        self.filter_popup.adjustSize()
        at = self.filter_button.mapToGlobal(self.filter_button.rect().bottomLeft())
        self.filter_popup.move(at)
        self.filter_popup.show()

    def _on_boundaries_loaded(self, result: map_data.Boundaries, fit: bool = True) -> None:
        self.geometry_problems = result.problems
        current = self.town_box.currentData()
        self.town_box.blockSignals(True)
        while self.town_box.count() > 1:
            self.town_box.removeItem(1)
        self._boundaries: map_data.Boundaries | None = result
        for feature in result.layers["town"]["features"]:
            self.town_box.addItem(
                words.place_text(feature["properties"]["name"]), feature["properties"]["id"]
            )
        self.town_box.setCurrentIndex(max(self.town_box.findData(current), 0))
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
        self._push_boundaries(result, fit)

    def _push_boundaries(self, result: map_data.Boundaries, fit: bool) -> None:
        """The boundaries to the page, labelled in the interface language."""
        layers = {
            level: {
                **layer,
                "features": [
                    {
                        **f,
                        "properties": {
                            **f["properties"],
                            "name": words.place_text(f["properties"]["name"]),
                        },
                    }
                    for f in layer["features"]
                ],
            }
            for level, layer in result.layers.items()
        }
        self.push("setBoundaries", {"layers": layers, "bounds": result.bounds, "fit": fit})

    def _rename_places(self) -> None:
        """The towns, villages and grids by their names in the new language (the map keeps
        its view)."""
        result = getattr(self, "_boundaries", None)
        if result is None:
            return
        names = {
            f["properties"]["id"]: f["properties"]["name"]
            for f in result.layers["town"]["features"]
        }
        for i in range(1, self.town_box.count()):
            name = names.get(self.town_box.itemData(i))
            if name is not None:
                self.town_box.setItemText(i, words.place_text(name))
        self._push_boundaries(result, False)

    @Slot()
    def reload_incidents(self) -> None:
        if not self._settings_loaded:
            return  # the settings decide the datum; they load first
        f, crs = self._filter, self._crs
        self._runner.submit(
            lambda s: map_data.incident_points(s, f, out_crs=crs),
            success=self._on_incidents_loaded,
            owner=self,
            name="map.incidents",
            lane=LONG,
            key="map.incidents",  # a newer filter replaces a fetch not yet delivered
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
        action = self.layer_boxes.get(layer)
        if action is not None and action.isChecked() != visible:
            action.setChecked(visible)  # comes back here through toggled
            return
        self.push("setVisible", layer, visible)
        if visible and layer in DATA_LAYERS:
            self._load_layer(layer)

    def _load_layer(self, key: str) -> None:
        """Fetch a layer's data off the GUI thread and push it (the page shows it if on)."""
        layer = DATA_LAYERS.get(key)
        if layer is None or not self._settings_loaded:
            return
        self._loaded_layers.add(key)
        crs, f = self._crs, self._filter
        self._runner.submit(
            lambda s: layer.fetch(s, f, crs),
            success=lambda data: layer.show(self, data),
            owner=self,
            name=layer.op_name,
            lane=LONG,
            key=layer.op_name,  # a newer fetch replaces one not yet delivered
        )

    # --- clicks, areas, picking ---

    @Slot(int)
    def _on_bridge_sig_incident_clicked(self, incident_id: int) -> None:
        self.sig_incident_selected.emit(incident_id)
        self.show_card(incident_id)

    def show_card(self, incident_id: int) -> None:
        """The small card over the map, filled off the GUI thread."""
        self.card.show_loading(incident_id)
        self._place_card()
        self._runner.submit(
            lambda s: map_data.incident_card(s, incident_id),
            success=self._on_card_loaded,
            owner=self,
            name="map.card",
        )

    def _on_card_loaded(self, card: map_data.IncidentCard | None) -> None:
        self.card.show_card(card)
        self._place_card()

    def _to_stored(self, lon: float, lat: float) -> tuple[float, float]:
        if self._crs == geo_transform.WGS84:
            return geo_transform.wgs_to_gcj(lon, lat)
        return lon, lat

    def _area_on_page(self) -> dict[str, Any] | None:
        if self._area is None or self._crs != geo_transform.WGS84:
            return self._area
        return geo_transform.geojson_gcj_to_wgs(self._area)

    @Slot()
    def start_lasso(self) -> None:
        """The next drag on the map draws a free-hand area (Esc cancels)."""
        self._esc.setEnabled(True)
        self.push("startLasso")

    @Slot(str)
    def _on_bridge_sig_area_drawn(self, geojson: str) -> None:
        self._esc.setEnabled(False)
        polygon = json.loads(geojson)
        if self._crs == geo_transform.WGS84:
            polygon = geo_transform.geojson_wgs_to_gcj(polygon)
        self.set_area(polygon, draw=False)

    def set_area(self, polygon: dict[str, Any] | None, *, draw: bool = True) -> None:
        """ "This area only": show only incidents inside ``polygon`` (GeoJSON, GCJ-02)."""
        self._area = polygon
        self.area_chip.setVisible(polygon is not None)
        if draw or polygon is None:
            self.push("setArea", self._area_on_page())
        self._on_filter_changed()
        self.sig_area_filter_changed.emit(polygon)

    @property
    def area(self) -> dict[str, Any] | None:
        return self._area

    @Slot()
    def clear_area(self) -> None:
        self.set_area(None)

    def start_pick(self) -> None:
        """The next click on the map emits :attr:`sig_point_picked` (lon, lat in GCJ-02);
        Esc cancels (:attr:`sig_pick_cancelled`)."""
        self._picking = True
        self._esc.setEnabled(True)
        self.push("startPick")
        self.view.setFocus()

    @Slot()
    def cancel_pick(self) -> None:
        """Esc: stop picking a point (or drawing a lasso)."""
        self._esc.setEnabled(False)
        if self._picking:
            self._picking = False
            self.push("cancelMode")
            self.sig_pick_cancelled.emit()
        else:
            self.push("cancelMode")

    @Slot(float, float)
    def _on_bridge_sig_point_picked(self, lon: float, lat: float) -> None:
        self._picking = False
        self._esc.setEnabled(False)
        lon, lat = self._to_stored(lon, lat)
        self.sig_point_picked.emit(round(lon, 6), round(lat, 6))

    @Slot(str)
    def _on_bridge_sig_mode_cancelled(self, mode: str) -> None:
        self._esc.setEnabled(False)
        if mode == "pick" and self._picking:
            self._picking = False
            self.sig_pick_cancelled.emit()

    # --- saved views ---

    @Slot()
    def _on_save_view_action_triggered(self) -> None:
        name, ok = QInputDialog.getText(
            self, self.tr("Save this view"), self.tr("Name of the view (shown on the wall):")
        )
        if ok and name.strip():
            self.save_current_view(name.strip())

    def save_current_view(self, name: str) -> None:
        """Append the map's centre, zoom and filter to "map.wall_views" as ``name``."""
        state = self._state()

        def got_view(raw: Any) -> None:
            view = json.loads(raw) if isinstance(raw, str) else None
            if not isinstance(view, dict):
                return
            lat, lon = view["center"]
            lon, lat = self._to_stored(lon, lat)
            entry = {
                "name": name,
                "center": [round(lat, 6), round(lon, 6)],
                "zoom": view["zoom"],
                "window": state[0],
                "town_id": state[1],
                "overdue_only": state[2],
            }
            actor = self._actor()

            self._runner.submit(
                lambda s: center_settings.save_wall_view(s, actor, entry),
                success=self._on_views_saved,
                owner=self,
                name="map.save_view",
            )

        self.evaluate("JSON.stringify(ccMap.getView())", got_view)

    def _on_views_saved(self, views: list[dict[str, Any]]) -> None:
        self._wall_cycle.views = views

    # --- live ---

    @Slot(object)
    def _on_live_sig_changes(self, changes: Changes) -> None:
        if "app_settings" in changes.tables:
            self._load_settings()
        if "admin_areas" in changes.tables or changes.reload:
            # an approved boundary import (services/boundary_review): the new lines, at once
            self._load_boundaries(fit=False)
        if changes.reload:
            self.reload_incidents()
            return
        for key, layer in DATA_LAYERS.items():
            if layer.live_tables & changes.tables and self.layer_boxes[key].isChecked():
                self._load_layer(key)
        ids = list(changes.ids_of("incidents"))
        if not ids:
            return
        if not self._kpi_timer.isActive():
            self._kpi_timer.start()
        inserted = changes.inserted_into("incidents")

        f, crs = self._filter, self._crs

        def push(result: tuple[map_data.IncidentPoints, list[int]]) -> None:
            points, gone = result
            # the tray of incidents without a location follows the same changes: the changed
            # ones leave it, and come back if they still have no usable location
            changed = set(ids)
            tray = points.no_location + tuple(x for x in self.no_location if x[0] not in changed)
            if tray != self.no_location:
                self.no_location = tray
                self._fill_tray()
            cols = points.columns
            fresh = [i for i in cols["id"] if i in inserted]
            if cols["id"]:
                self.push("updateIncidents", cols, bool(fresh))
            if gone:
                self.push("removeIncidents", gone)

        self._runner.submit(
            lambda s: map_data.incident_points_by_id(s, ids, f, out_crs=crs),
            success=push,
            owner=self,
            name="map.update",
            lane=LONG,  # after the full fetch it follows, never before
        )
        if self.layer_boxes["choropleth"].isChecked():
            self._load_layer("choropleth")
