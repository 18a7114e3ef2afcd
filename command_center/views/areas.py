"""The working areas of the main window: their keys, their titles, which roles see which."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

_CONTEXT = "MainWindow"
# (key, title): the working areas that exist, in navigation order
VIEWS: tuple[tuple[str, str], ...] = (
    ("map", QT_TRANSLATE_NOOP("MainWindow", "Map")),
    ("incidents", QT_TRANSLATE_NOOP("MainWindow", "Incidents")),
    ("orders", QT_TRANSLATE_NOOP("MainWindow", "Work orders")),
    ("intake", QT_TRANSLATE_NOOP("MainWindow", "Intake")),
    ("inbox", QT_TRANSLATE_NOOP("MainWindow", "Inbox")),
    ("overview", QT_TRANSLATE_NOOP("MainWindow", "Overview")),
    ("activity", QT_TRANSLATE_NOOP("MainWindow", "Activity")),
)
# A department handler works from the inbox; the center's staff from the map and the queues.
HANDLER_VIEWS = ("inbox", "map", "activity")
CENTER_VIEWS = ("map", "incidents", "orders", "intake", "overview", "activity")
WALL_DEFAULT = ("map", "overview", "activity")


def views_for(role_code: str) -> tuple[str, ...]:
    return HANDLER_VIEWS if role_code == "dept_handler" else CENTER_VIEWS


def view_title(key: str) -> str:
    title = dict(VIEWS).get(key, key)
    return QCoreApplication.translate(_CONTEXT, title)
