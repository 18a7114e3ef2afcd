"""The map's small widgets: the filter popup, the incident card and the tile settings dialog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from command_center.services import lifecycle, map_data
from command_center.views import words

STATUSES = tuple(c for c in lifecycle.status_codes("incident") if c != "merged")
"""The statuses the map's filter offers (a merged report is its original's point), with their
words from the lifecycle."""


def status_text(code: str) -> str:
    return words.status_text("incident", code)


def chinese() -> bool:
    return words.language() == "zh"


class FilterPopup(QFrame):
    """Channels, top-level categories and statuses, each a checklist (none ticked: all)."""

    sig_applied = Signal(object, object, object)
    """Arguments: channel codes, category codes, status codes (tuples, empty: all)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("mapFilterPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        self.titles: list[QLabel] = []
        self.lists: dict[str, QListWidget] = {}
        for col, key in enumerate(("channels", "categories", "statuses")):
            title = QLabel(self)
            title.setStyleSheet("font-weight: 700")
            self.titles.append(title)
            grid.addWidget(title, 0, col)
            lw = QListWidget(self)
            lw.setObjectName(f"mapFilter_{key}")
            lw.setMinimumWidth(190)
            lw.setMinimumHeight(300)
            self.lists[key] = lw
            grid.addWidget(lw, 1, col)
        row = QHBoxLayout()
        self.clear_button = QPushButton(self)
        self.clear_button.clicked.connect(self.clear)
        self.apply_button = QPushButton(self)
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        row.addStretch(1)
        row.addWidget(self.clear_button)
        row.addWidget(self.apply_button)
        grid.addLayout(row, 2, 0, 1, 3)
        self.retranslate()
        self.set_statuses()

    def retranslate(self) -> None:
        for label, text in zip(
            self.titles,
            (self.tr("Channels"), self.tr("Categories"), self.tr("Statuses")),
            strict=True,
        ):
            label.setText(text)
        self.clear_button.setText(self.tr("Clear"))
        self.apply_button.setText(self.tr("Apply"))
        lw = self.lists["statuses"]
        for i in range(lw.count()):
            lw.item(i).setText(status_text(lw.item(i).data(Qt.ItemDataRole.UserRole)))

    def _fill(self, key: str, items: Sequence[tuple[str, str]]) -> None:
        lw = self.lists[key]
        ticked = set(self.checked(key))
        lw.clear()
        for code, text in items:
            item = QListWidgetItem(text, lw)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in ticked else Qt.CheckState.Unchecked)

    def set_options(self, options: map_data.FilterOptions) -> None:
        zh = chinese()
        self._fill("channels", [(c, n if zh else en) for c, n, en in options.channels])
        self._fill("categories", [(c, n if zh else en) for c, n, en in options.categories])

    def set_statuses(self) -> None:
        self._fill("statuses", [(c, status_text(c)) for c in STATUSES])

    def checked(self, key: str) -> tuple[str, ...]:
        lw = self.lists[key]
        return tuple(
            lw.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(lw.count())
            if lw.item(i).checkState() == Qt.CheckState.Checked
        )

    def checked_texts(self, key: str) -> list[str]:
        lw = self.lists[key]
        return [
            lw.item(i).text()
            for i in range(lw.count())
            if lw.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, key: str, codes: Sequence[str]) -> None:
        lw = self.lists[key]
        for i in range(lw.count()):
            item = lw.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in set(codes)
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def clear(self) -> None:
        for key in self.lists:
            self.set_checked(key, ())

    def apply(self) -> None:
        self.sig_applied.emit(
            self.checked("channels"), self.checked("categories"), self.checked("statuses")
        )
        self.hide()


class IncidentCardPanel(QFrame):
    """A small card over the map: the clicked incident at a glance."""

    sig_open = Signal(int)
    """The operator wants the full details. Arguments: the incident's id."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapIncidentCard")
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "#mapIncidentCard { background: #ffffff; border: 1px solid #9aabbd;"
            " border-radius: 6px; } #mapIncidentCard QLabel { color: #1f3550; }"
        )
        self.setFixedWidth(340)
        self.incident_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 10)
        top = QHBoxLayout()
        self.number = QLabel(self)
        self.number.setObjectName("cardNumber")
        self.number.setTextFormat(Qt.TextFormat.PlainText)
        self.number.setStyleSheet("font-weight: 700")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        top.addWidget(self.number, 1)
        top.addWidget(self.close_button)
        layout.addLayout(top)
        self.title = QLabel(self)
        self.title.setObjectName("cardTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # the caller's words, never markup
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 15px; font-weight: 600")
        layout.addWidget(self.title)
        self.form = QFormLayout()
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(3)
        self.fields: dict[str, QLabel] = {}
        self.field_titles: dict[str, QLabel] = {}
        for key in ("category", "status", "reported", "deadline", "address", "grid"):
            title, value = QLabel(self), QLabel(self)
            value.setObjectName(f"card_{key}")
            # text from outside (an address, a category name) is shown as text; only the
            # deadline, which the program writes, is marked up
            value.setTextFormat(
                Qt.TextFormat.RichText if key == "deadline" else Qt.TextFormat.PlainText
            )
            value.setWordWrap(True)
            self.fields[key], self.field_titles[key] = value, title
            self.form.addRow(title, value)
        layout.addLayout(self.form)
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(self._open)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        titles = {
            "category": self.tr("Category"),
            "status": self.tr("Status"),
            "reported": self.tr("Reported"),
            "deadline": self.tr("Deadline"),
            "address": self.tr("Address"),
            "grid": self.tr("Grid"),
        }
        for key, text in titles.items():
            self.field_titles[key].setText(text)
        self.open_button.setText(self.tr("Open details…"))
        card = getattr(self, "card", None)
        if card is not None and card.id == self.incident_id:
            self.show_card(card)  # the names in the new language

    def _open(self) -> None:
        if self.incident_id is not None:
            self.sig_open.emit(self.incident_id)

    def show_loading(self, incident_id: int) -> None:
        self.incident_id = incident_id
        self.number.setText("…")
        self.title.setText(self.tr("Loading…"))
        for value in self.fields.values():
            value.setText("")
        self.show()
        self.raise_()

    def show_card(self, card: map_data.IncidentCard | None) -> None:
        if card is None:
            self.title.setText(self.tr("This incident no longer exists."))
            return
        if card.id != self.incident_id:
            return  # another click came in since
        self.card: map_data.IncidentCard | None = card
        zh = chinese()

        def when(t: dt.datetime | None) -> str:
            return t.astimezone().strftime("%Y-%m-%d %H:%M") if t else "—"

        self.number.setText(card.number)
        self.title.setText(card.title)
        self.fields["category"].setText((card.category if zh else card.category_en) or "—")
        self.fields["status"].setText(status_text(card.status))
        self.fields["reported"].setText(when(card.reported_at))
        deadline = when(card.due_at)
        if card.overdue:
            deadline = (
                f"<span style='color:#c0392b; font-weight:700'>{deadline} · "
                + self.tr("overdue")
                + "</span>"
            )
        self.fields["deadline"].setText(deadline)
        self.fields["address"].setText(card.address or "—")
        self.fields["grid"].setText(words.places_text(card.town, card.grid) or "—")
        self.adjustSize()


CRS_CHOICES = ("GCJ-02", "WGS-84")


def validate_tiles(url: str, crs: str, max_zoom: int) -> str | None:
    """The problem with a tile setting ("中文 / English"), or None."""
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        return "瓦片地址须以 http:// 或 https:// 开头 / the tile URL must start with http:// or https://"
    if not all(p in url for p in ("{z}", "{x}", "{y}")):
        return "瓦片地址须包含 {z}、{x}、{y} / the tile URL must contain {z}, {x} and {y}"
    if crs not in CRS_CHOICES:
        return "坐标系须为 GCJ-02 或 WGS-84 / the datum must be GCJ-02 or WGS-84"
    if not 1 <= max_zoom <= 22:
        return "最大缩放级别须在 1–22 之间 / the maximum zoom must be between 1 and 22"
    return None


class TileSettingsDialog(QDialog):
    """The center's base layer ("map.tiles"): an intranet XYZ tile address, or none."""

    def __init__(self, value: dict[str, Any] | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapTileSettings")
        self.setWindowTitle(self.tr("Map base layer"))
        self.setMinimumWidth(560)
        form = QFormLayout(self)
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("http://tiles.intranet/{z}/{x}/{y}.png")
        self.crs = QComboBox(self)
        self.crs.addItems(CRS_CHOICES)
        self.attribution = QLineEdit(self)
        self.max_zoom = QSpinBox(self)
        self.max_zoom.setRange(1, 22)
        self.max_zoom.setValue(18)
        hint = QLabel(
            self.tr(
                "Leave the address empty for no tiles (the county's boundaries on a plain "
                "background). Tianditu tiles are WGS-84; stored coordinates are GCJ-02 and are "
                "converted."
            ),
            self,
        )
        hint.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName("tileSettingsError")
        self.error.setStyleSheet("color: #c0392b")
        self.error.setWordWrap(True)
        self.error.hide()
        form.addRow(self.tr("Tile URL"), self.url)
        form.addRow(self.tr("Datum of the tiles"), self.crs)
        form.addRow(self.tr("Attribution"), self.attribution)
        form.addRow(self.tr("Maximum zoom"), self.max_zoom)
        form.addRow(hint)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        if value:
            self.url.setText(str(value.get("url", "")))
            self.crs.setCurrentIndex(max(self.crs.findText(str(value.get("crs"))), 0))
            self.attribution.setText(str(value.get("attribution") or ""))
            self.max_zoom.setValue(int(value.get("max_zoom") or 18))

    def value(self) -> dict[str, Any] | None:
        if not self.url.text().strip():
            return None
        return {
            "url": self.url.text().strip(),
            "crs": self.crs.currentText(),
            "attribution": self.attribution.text().strip(),
            "max_zoom": self.max_zoom.value(),
        }

    def accept(self) -> None:
        v = self.value()
        problem = None if v is None else validate_tiles(v["url"], v["crs"], v["max_zoom"])
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        super().accept()
