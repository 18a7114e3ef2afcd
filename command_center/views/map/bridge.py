"""The page's side of the conversation: the object the map page sees as ``bridge`` over
QWebChannel, and the web profile the page runs in."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import QApplication


def map_profile() -> QWebEngineProfile:
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

    sig_area_drawn = Signal(str)
    """The operator drew an area. Arguments: a GeoJSON Polygon (page coordinates) as JSON."""

    sig_point_picked = Signal(float, float)
    """A point was picked. Arguments: lon, lat (page coordinates)."""

    sig_mode_cancelled = Signal(str)
    """Esc ended picking ("pick") or drawing a lasso ("lasso")."""

    @Slot(str)
    def areaDrawn(self, geojson: str) -> None:
        self.sig_area_drawn.emit(geojson)

    @Slot(float, float)
    def pointPicked(self, lon: float, lat: float) -> None:
        self.sig_point_picked.emit(lon, lat)

    @Slot()
    def pickCancelled(self) -> None:
        self.sig_mode_cancelled.emit("pick")

    @Slot()
    def lassoCancelled(self) -> None:
        self.sig_mode_cancelled.emit("lasso")

    @Slot()
    def pageReady(self) -> None:
        self.sig_page_ready.emit()

    @Slot(int)
    def incidentClicked(self, incident_id: int) -> None:
        self.sig_incident_clicked.emit(incident_id)

    @Slot(str, float)
    def pushDone(self, method: str, ms: float) -> None:
        self.sig_push_done.emit(method, ms)
