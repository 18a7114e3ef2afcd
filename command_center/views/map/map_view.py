"""The map wall (一屏观全貌): the county's boundaries and incidents, live.

The page is loaded once; afterwards data goes in as JSON through ``runJavaScript`` and clicks
come back over QWebChannel. Calls made before the page says it is ready are queued (as Anki's
webview does), so nothing is lost during the first load.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from command_center.services import map_data
from command_center.views.map import scheme
from command_center.views.map.page import build_page
from command_center.workers.live import LiveChannel
from command_center.workers.ops import OpsRunner

log = logging.getLogger(__name__)

PAGE_URL = "app://cc/map.html"
LIVE_DELAY_MS = 150  # gather a burst of changes into one update


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
        self._changed: dict[int, str] = {}
        self.geometry_problems: tuple[map_data.GeometryProblem, ...] = ()
        self.no_location: tuple[tuple[int, str, str], ...] = ()

        self.view = QWebEngineView(self)
        profile = _map_profile()
        self._handler = scheme.install(profile)
        self._handler.set_page("/map.html", build_page((38.43, 100.81)))
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
        layout.addWidget(self.problems_label)
        layout.addWidget(self.view, 1)

        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_DELAY_MS)
        self._live_timer.timeout.connect(self._on_live_timer_timeout)
        if live is not None:
            live.sig_change_received.connect(self._on_live_sig_change_received)
            live.sig_reconnected.connect(self.reload_incidents)

        self.view.load(QUrl(PAGE_URL))
        self._load_boundaries()
        self.reload_incidents()

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
            map_data.boundaries, success=self._on_boundaries_loaded, owner=self,
            name="map.boundaries",
        )

    def _on_boundaries_loaded(self, result: map_data.Boundaries) -> None:
        self.geometry_problems = result.problems
        if result.problems:
            lines = [f"{p.name}（{p.code}）：{p.problem}" for p in result.problems[:5]]
            more = len(result.problems) - len(lines)
            self.problems_label.setText(
                self.tr("Boundaries left off the map:") + " " + "；".join(lines)
                + (f" … +{more}" if more > 0 else "")
            )
            self.problems_label.show()
        self.push("setBoundaries", {"layers": result.layers, "bounds": result.bounds})

    @Slot()
    def reload_incidents(self) -> None:
        self._runner.submit(
            lambda s: map_data.incident_points(s, map_data.IncidentFilter(open_only=True)),
            success=self._on_incidents_loaded, owner=self, name="map.incidents",
        )

    def _on_incidents_loaded(self, points: map_data.IncidentPoints) -> None:
        self.no_location = points.no_location
        self.push("setIncidents", points.columns)

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

    @Slot()
    def _on_live_timer_timeout(self) -> None:
        changed, self._changed = self._changed, {}
        ids = list(changed)
        inserted = {i for i, op in changed.items() if op == "insert"}

        def push(points: map_data.IncidentPoints) -> None:
            cols = points.columns
            fresh = [i for i in cols["id"] if i in inserted]
            self.push("updateIncidents", cols, bool(fresh))

        self._runner.submit(
            lambda s: map_data.incident_points_by_id(s, ids), success=push, owner=self,
            name="map.update",
        )
