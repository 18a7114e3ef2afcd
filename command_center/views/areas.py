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
    ("board", QT_TRANSLATE_NOOP("MainWindow", "Situation board")),
    ("supervision", QT_TRANSLATE_NOOP("MainWindow", "Supervision")),
    ("disputes", QT_TRANSLATE_NOOP("MainWindow", "Disputes")),
    ("workers", QT_TRANSLATE_NOOP("MainWindow", "Grid workers")),
    ("analysis", QT_TRANSLATE_NOOP("MainWindow", "Analysis")),
)
# A department handler works from the inbox; the center's staff from the map and the queues.
HANDLER_VIEWS = ("inbox", "map", "activity")
CENTER_VIEWS = (
    "map",
    "incidents",
    "orders",
    "intake",
    "overview",
    "activity",
    "supervision",
    "disputes",
    "workers",
    "analysis",  # 研判: the analyst's area too (an analyst gets the center's areas, read only)
)
# Only on the wall (no dock, not in the navigation): the second screen's board (态势), offered
# to the center's staff in the wall-mode dialog.
WALL_ONLY_VIEWS = ("board",)
# The map on the first screen and the board on the second (one screen: they take turns).
WALL_DEFAULT = ("map", "board")


def views_for(role_code: str) -> tuple[str, ...]:
    return HANDLER_VIEWS if role_code == "dept_handler" else CENTER_VIEWS


def wall_views_for(role_code: str) -> tuple[str, ...]:
    """What the wall-mode dialog offers: the role's areas and, for the center, the board."""
    keys = views_for(role_code)
    return keys + (WALL_ONLY_VIEWS if "overview" in keys else ())


def view_title(key: str) -> str:
    title = dict(VIEWS).get(key, key)
    return QCoreApplication.translate(_CONTEXT, title)
