"""The map's data layers as a table: one small strategy per kind instead of ``if layer == …``.

Each layer fetches its data off the GUI thread (``fetch`` takes only the session and plain
values, never a widget) and then shows it on the page (``show`` runs on the GUI thread and
pushes the data with the words the page needs). The words keep the "MapView" translation
context they always had, so the existing translations apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from sqlalchemy.orm import Session

from command_center.services import map_data

RISKS = (
    QT_TRANSLATE_NOOP("MapView", "low risk"),
    QT_TRANSLATE_NOOP("MapView", "medium risk"),
    QT_TRANSLATE_NOOP("MapView", "high risk"),
    QT_TRANSLATE_NOOP("MapView", "major risk"),
)


# the layers' words (translated when shown, in the map's translation context)
CHOROPLETH_TITLE = QT_TRANSLATE_NOOP("MapView", "Incidents per grid")
CHECKED_IN_MIN = QT_TRANSLATE_NOOP("MapView", "checked in %1 min ago")
CHECKED_IN_H = QT_TRANSLATE_NOOP("MapView", "checked in %1 h ago")
CHECKED_IN_DAYS = QT_TRANSLATE_NOOP("MapView", "checked in %1 days ago")
OFFLINE = QT_TRANSLATE_NOOP("MapView", "offline")


def _tr(text: str) -> str:
    return QCoreApplication.translate("MapView", text)


class Page(Protocol):
    """What a layer needs of the map view: a way to call the page."""

    def push(self, method: str, *args: Any) -> None: ...


@dataclass(frozen=True)
class DataLayer:
    """A layer whose data comes from the database when it is switched on.

    ``key`` is the page's layer name; the fetch runs as "map.<key>" on the long lane, a newer
    fetch of the same layer replacing one not yet delivered. ``live_tables``: a change to one
    of these tables fetches the layer again while it is on.
    """

    key: str
    live_tables: frozenset[str] = frozenset()

    @property
    def op_name(self) -> str:
        return f"map.{self.key}"

    def fetch(self, session: Session, f: map_data.IncidentFilter, crs: str) -> Any:
        raise NotImplementedError

    def show(self, view: Page, data: Any) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class ChoroplethLayer(DataLayer):
    """Incidents per grid, following the incident filter."""

    def fetch(self, session: Session, f: map_data.IncidentFilter, crs: str) -> dict[int, int]:
        return map_data.grid_counts(session, f)

    def show(self, view: Page, data: dict[int, int]) -> None:
        view.push("setChoropleth", {"counts": data, "title": _tr(CHOROPLETH_TITLE)})


@dataclass(frozen=True)
class WorkersLayer(DataLayer):
    """Grid workers where they last checked in, with how long ago that was."""

    def fetch(self, session: Session, f: map_data.IncidentFilter, crs: str) -> dict[str, Any]:
        return map_data.worker_positions(session, out_crs=crs)

    def show(self, view: Page, data: dict[str, Any]) -> None:
        view.push("setWorkers", {**data, "ages": [self.age_text(h) for h in data["age_h"]]})

    @staticmethod
    def age_text(hours: float) -> str:
        if hours < 1:
            return _tr(CHECKED_IN_MIN).replace("%1", str(int(hours * 60)))
        if hours < 48:
            return _tr(CHECKED_IN_H).replace("%1", str(int(hours)))
        return _tr(CHECKED_IN_DAYS).replace("%1", str(int(hours // 24)))


@dataclass(frozen=True)
class CamerasLayer(DataLayer):
    """Cameras, the offline ones marked."""

    def fetch(self, session: Session, f: map_data.IncidentFilter, crs: str) -> dict[str, Any]:
        return map_data.camera_points(session, out_crs=crs)

    def show(self, view: Page, data: dict[str, Any]) -> None:
        view.push("setCameras", {**data, "offline_text": _tr(OFFLINE)})


@dataclass(frozen=True)
class DisputesLayer(DataLayer):
    """Open disputes, coloured by risk."""

    def fetch(self, session: Session, f: map_data.IncidentFilter, crs: str) -> dict[str, Any]:
        return map_data.dispute_points(session, out_crs=crs)

    def show(self, view: Page, data: dict[str, Any]) -> None:
        view.push("setDisputes", {**data, "risk_text": [_tr(r) for r in RISKS]})


DATA_LAYERS: dict[str, DataLayer] = {
    layer.key: layer
    for layer in (
        ChoroplethLayer("choropleth"),
        WorkersLayer("workers", live_tables=frozenset({"grid_workers"})),
        CamerasLayer("cameras"),
        DisputesLayer("disputes", live_tables=frozenset({"dispute_cases"})),
    )
}
"""The data layers by page layer name."""
