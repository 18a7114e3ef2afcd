"""The ``app://`` scheme: the map page and every file it loads, from local files only."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestJob,
    QWebEngineUrlSchemeHandler,
)

from command_center.views.map.page import RESOURCES

SCHEME = b"app"


def _vendor_dirs() -> dict[str, Path]:
    import xstatic.pkg.leaflet
    import xstatic.pkg.leaflet_markercluster

    return {
        "leaflet": Path(xstatic.pkg.leaflet.BASE_DIR),
        "markercluster": Path(xstatic.pkg.leaflet_markercluster.BASE_DIR),
    }


class AppSchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves ``app://cc/<page>`` from memory, ``/vendor/<pkg>/…`` from the installed packages
    and ``/map/…`` from resources/map. Anything else is refused (404)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pages: dict[str, bytes] = {}
        self._vendor = _vendor_dirs()

    def set_page(self, path: str, html: str) -> None:
        self._pages[path] = html.encode("utf-8")

    def _resolve(self, path: str) -> tuple[bytes, str] | None:
        if path in self._pages:
            return self._pages[path], "text/html"
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 3 and parts[0] == "vendor" and parts[1] in self._vendor:
            base, rel = self._vendor[parts[1]], parts[2:]
        elif len(parts) >= 2 and parts[0] == "map":
            base, rel = RESOURCES, parts[1:]
        else:
            return None
        file = base.joinpath(*rel).resolve()
        if base.resolve() not in file.parents or not file.is_file():
            return None  # no escaping the directory with ../
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return file.read_bytes(), mime

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        found = self._resolve(url.path()) if url.host() == "cc" else None
        if found is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        body, mime = found
        buffer = QBuffer(job)  # lives as long as the job
        buffer.setData(QByteArray(body))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime.encode(), buffer)


def install(profile: QWebEngineProfile) -> AppSchemeHandler:
    """The profile's handler, installed on first use."""
    existing = profile.urlSchemeHandler(SCHEME)
    if isinstance(existing, AppSchemeHandler):
        return existing
    handler = AppSchemeHandler(profile)
    profile.installUrlSchemeHandler(SCHEME, handler)
    return handler
