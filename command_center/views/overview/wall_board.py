"""The wall's second screen (态势): today's flow, overdue work by department and by town, the
newest urgent calls, alerts and what the grid workers did today — read from across the room.

The figures come from :func:`command_center.services.wall_board.wall_board` on a worker thread;
the board reloads (debounced) when incidents, work orders, supervision, disputes or workers
change, after a reconnection, and every minute ("today" moves on; check-ins are not announced).
Dark and large: made for the wall (its type follows the wall's scale, see views/wall.py).

Run alone: ``python -m command_center.views.overview.wall_board [--database-url URL]``.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QEvent, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from command_center.services import wall_board
from command_center.services.wall_board import WallBoard
from command_center.views import words
from command_center.views.overview.live_reload import LiveReload
from command_center.workers.live import LiveChannel
from command_center.workers.ops import OpsRunner

log = logging.getLogger(__name__)

RELEVANT_TABLES = frozenset(
    {"incidents", "work_orders", "supervision_orders", "dispute_cases", "grid_workers"}
)
DEBOUNCE_MS = 1_000
PERIODIC_MS = 60_000

NEW_COLOR = QColor("#4a90d9")
RESOLVED_COLOR = QColor("#2ecc71")
OVERDUE_COLOR = QColor("#e5533f")
TEXT_COLOR = QColor("#e6eef7")
MUTED_COLOR = QColor("#9fb4cc")
GRID_COLOR = QColor("#22374d")


class ElidedLabel(QLabel):
    """One line of plain text, cut with "…" when the room is short (never widens the board)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boardRow")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.setFont(self.font())
        rect = self.contentsRect()
        text = QFontMetrics(self.font()).elidedText(
            self.text(), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), text
        )
        painter.end()


class BarList(QWidget):
    """Names with a bar and a count each, the largest first (overdue by department or town)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boardBars")
        self.rows: tuple[tuple[str, int], ...] = ()
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)

    def set_rows(self, rows: tuple[tuple[str, int], ...]) -> None:
        self.rows = rows
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font())
        fm = QFontMetrics(self.font())
        w, h = self.width(), self.height()
        if not self.rows:
            painter.setPen(MUTED_COLOR)
            painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), self.empty_text)
            painter.end()
            return
        line = max(fm.height() * 1.5, min(h / max(len(self.rows), 1), fm.height() * 2.2))
        # the names as wide as the longest needs, up to 62 % (English departments' names are
        # long: "County Public Security Bureau"); never less than 46 %
        widest = max(fm.horizontalAdvance(name) for name, _ in self.rows) + 12
        name_w = max(w * 0.46, min(widest, w * 0.62))
        count_w = fm.horizontalAdvance("0000") + 8
        bar_w = max(w - name_w - count_w - 16, 10)
        top = max(self.rows[0][1], 1)
        for i, (name, n) in enumerate(self.rows):
            y = i * line
            if y + line > h + 1:
                break
            painter.setPen(TEXT_COLOR)
            painter.drawText(
                QRectF(0, y, name_w - 8, line),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                fm.elidedText(name, Qt.TextElideMode.ElideRight, int(name_w - 8)),
            )
            bar_h = line * 0.5
            painter.fillRect(
                QRectF(name_w, y + (line - bar_h) / 2, max(bar_w * n / top, 3), bar_h),
                OVERDUE_COLOR,
            )
            painter.setPen(TEXT_COLOR)
            painter.drawText(
                QRectF(w - count_w, y, count_w, line),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight),
                f"{n:,}",
            )
        painter.end()


class FlowChart(QWidget):
    """Today hour by hour: new incidents and resolved ones, side by side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boardFlow")
        self.reported: tuple[int, ...] = ()
        self.resolved: tuple[int, ...] = ()
        self.labels = ("", "")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)

    def set_flow(self, reported: tuple[int, ...], resolved: tuple[int, ...]) -> None:
        self.reported, self.resolved = reported, resolved
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font())
        fm = QFontMetrics(self.font())
        w, h = self.width(), self.height()
        legend_h = fm.height() + 8
        axis_h = fm.height() + 6
        # the key: two swatches with their words
        x = 0.0
        for color, text in ((NEW_COLOR, self.labels[0]), (RESOLVED_COLOR, self.labels[1])):
            painter.fillRect(QRectF(x, (fm.height() - 12) / 2 + 2, 14, 14), color)
            painter.setPen(TEXT_COLOR)
            painter.drawText(QRectF(x + 20, 0, w, fm.height() + 4), 0, text)
            x += 20 + fm.horizontalAdvance(text) + 32
        hours = 24
        plot = QRectF(0, legend_h, w, max(h - legend_h - axis_h, 10))
        top = max([1, *self.reported, *self.resolved])
        slot = plot.width() / hours
        bar = slot * 0.36
        painter.setPen(GRID_COLOR)
        painter.drawLine(
            int(plot.left()), int(plot.bottom()), int(plot.right()), int(plot.bottom())
        )
        for i in range(hours):
            left = plot.left() + i * slot + slot * 0.12
            for j, (series, color) in enumerate(
                ((self.reported, NEW_COLOR), (self.resolved, RESOLVED_COLOR))
            ):
                n = series[i] if i < len(series) else 0
                if n:
                    bh = plot.height() * 0.88 * n / top
                    painter.fillRect(QRectF(left + j * bar, plot.bottom() - bh, bar - 1, bh), color)
            if i % 3 == 0:
                painter.setPen(MUTED_COLOR)
                painter.drawText(
                    QRectF(plot.left() + i * slot, plot.bottom() + 2, slot * 3, axis_h),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                    f"{i:02d}:00",
                )
        # the figure over the highest bar of each series
        painter.setPen(TEXT_COLOR)
        for j, series in enumerate((self.reported, self.resolved)):
            if series and max(series) > 0:
                i = max(range(len(series)), key=lambda k: series[k])
                bh = plot.height() * 0.88 * series[i] / top
                left = plot.left() + i * slot + slot * 0.12 + j * bar
                painter.drawText(
                    QRectF(
                        left - slot,
                        plot.bottom() - bh - fm.height() - 2,
                        bar + 2 * slot,
                        fm.height(),
                    ),
                    int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                    str(series[i]),
                )
        painter.end()


class Tile(QFrame):
    """A headline figure: its title over a big number."""

    def __init__(self, key: str, tone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("boardTile")
        self.setProperty("tone", tone)
        self.title = QLabel(self)
        self.title.setObjectName("boardTileTitle")
        self.value = QLabel("—", self)
        self.value.setObjectName("boardTileValue")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 10, 20, 12)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)


class Section(QFrame):
    """A titled panel of the board."""

    def __init__(self, body: QWidget | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boardSection")
        self.title = QLabel(self)
        self.title.setObjectName("boardSectionTitle")
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(18, 12, 18, 12)
        self.box.setSpacing(6)
        self.box.addWidget(self.title)
        if body is not None:
            self.box.addWidget(body, 1)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)


class RowList(QWidget):
    """Lines of plain text (calls, alerts), cut to the width; a word when there are none."""

    def __init__(self, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels = [ElidedLabel(self) for _ in range(lines)]
        self.empty = QLabel(self)
        self.empty.setObjectName("boardEmpty")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for label in self.labels:
            layout.addWidget(label)
        layout.addWidget(self.empty)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)

    def set_lines(self, lines: list[str]) -> None:
        for i, label in enumerate(self.labels):
            label.setText(lines[i] if i < len(lines) else "")
            label.setVisible(i < len(lines))
        self.empty.setVisible(not lines)

    def texts(self) -> list[str]:
        return [label.text() for label in self.labels if not label.isHidden()]


class WallBoardView(QWidget):
    """See the module docstring."""

    sig_refreshed = Signal()
    """New figures are shown."""

    def __init__(
        self, runner: OpsRunner, live: LiveChannel | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("wallBoard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._runner = runner
        self.board: WallBoard | None = None

        self._build()
        self._retranslate()
        self._reload = LiveReload(
            self,
            live,
            RELEVANT_TABLES,
            self._load,
            debounce_ms=DEBOUNCE_MS,
            periodic_ms=PERIODIC_MS,
        )
        self.refresh()

    def _build(self) -> None:
        self.tiles: dict[str, Tile] = {}
        tiles = QHBoxLayout()
        tiles.setSpacing(14)
        for key, tone in (
            ("new_today", "plain"),
            ("resolved_today", "good"),
            ("open", "plain"),
            ("overdue", "alarm"),
            ("overdue_orders", "alarm"),
            ("checked_in", "good"),
        ):
            tile = Tile(key, tone, self)
            self.tiles[key] = tile
            tiles.addWidget(tile, 1)

        self.flow = FlowChart(self)
        self.flow_section = Section(self.flow, self)
        self.urgent = RowList(wall_board.URGENT_LIMIT, self)
        self.urgent_section = Section(self.urgent, self)
        self.by_department = BarList(self)
        self.department_section = Section(self.by_department, self)
        self.by_town = BarList(self)
        self.town_section = Section(self.by_town, self)
        self.alerts = RowList(wall_board.ALERT_LIMIT, self)
        self.alerts_section = Section(self.alerts, self)
        self.worker_lines = RowList(5, self)
        self.workers_section = Section(self.worker_lines, self)

        grid = QGridLayout()
        grid.setSpacing(14)
        grid.addWidget(self.flow_section, 0, 0, 1, 2)
        grid.addWidget(self.urgent_section, 0, 2, 1, 2)
        grid.addWidget(self.department_section, 1, 0)
        grid.addWidget(self.town_section, 1, 1)
        grid.addWidget(self.alerts_section, 1, 2)
        grid.addWidget(self.workers_section, 1, 3)
        for c in range(4):
            grid.setColumnStretch(c, 1)
        grid.setRowStretch(0, 5)
        grid.setRowStretch(1, 6)

        self.updated_label = QLabel(self)
        self.updated_label.setObjectName("boardUpdated")
        self.updated_label.setAlignment(Qt.AlignmentFlag.AlignRight)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 10)
        layout.setSpacing(14)
        layout.addLayout(tiles)
        layout.addLayout(grid, 1)
        layout.addWidget(self.updated_label)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        titles = {
            "new_today": self.tr("New today"),
            "resolved_today": self.tr("Resolved today"),
            "open": self.tr("Open"),
            "overdue": self.tr("Overdue incidents"),
            "overdue_orders": self.tr("Overdue work orders"),
            "checked_in": self.tr("Checked in today"),
        }
        for key, tile in self.tiles.items():
            tile.title.setText(titles[key])
        self.flow_section.title.setText(self.tr("Today, hour by hour"))
        self.flow.labels = (self.tr("new"), self.tr("resolved"))
        self.urgent_section.title.setText(self.tr("Newest urgent calls"))
        self.urgent.empty.setText(self.tr("No urgent calls"))
        self.department_section.title.setText(self.tr("Overdue work orders by department"))
        self.by_department.empty_text = self.tr("Nothing overdue")
        self.town_section.title.setText(self.tr("Overdue incidents by town"))
        self.by_town.empty_text = self.tr("Nothing overdue")
        self.alerts_section.title.setText(self.tr("Alerts"))
        self.alerts.empty.setText(self.tr("No alerts"))
        self.workers_section.title.setText(self.tr("Grid workers today"))
        self.worker_lines.empty.setText("")
        if self.board is not None:
            self._show(self.board)
        else:
            self.updated_label.setText(self.tr("Loading…"))
        self.flow.update()

    # --- loading ---

    @Slot()
    def refresh(self) -> None:
        """Reload in the background; a request while loading runs once more afterwards."""
        self._reload.refresh()

    def _load(self) -> None:
        self._runner.submit(
            wall_board.wall_board,
            success=self._on_loaded,
            failure=self._on_failed,
            owner=self,
            name="wall_board",
        )

    def _on_loaded(self, board: WallBoard) -> None:
        self._done_loading()
        self.board = board
        self._show(board)
        self.sig_refreshed.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self._done_loading()
        log.warning("could not load the wall board: %s", exc)
        self.updated_label.setText(self.tr("Not updated: the database cannot be reached"))

    def _done_loading(self) -> None:
        self._reload.done()

    def _show(self, b: WallBoard) -> None:
        k, w = b.kpis, b.workers
        values = {
            "new_today": f"{k.new_today:,}",
            "resolved_today": f"{k.resolved_today:,}",
            "open": f"{k.open:,}",
            "overdue": f"{k.overdue:,}",
            "overdue_orders": f"{b.overdue_orders:,}",
            "checked_in": f"{w.checked_in_today:,}",
        }
        for key, text in values.items():
            self.tiles[key].value.setText(text)
        self.tiles["checked_in"].title.setText(
            self.tr("Checked in today (of %1)").replace("%1", f"{w.full_time:,}")
        )
        self.flow.set_flow(b.reported_by_hour, b.resolved_by_hour)
        tz = b.as_of.tzinfo
        self.urgent.set_lines(
            [
                f"{c.reported_at.astimezone(tz):%m-%d %H:%M}  {c.title}"
                f"{'  · ' + words.place_text(c.town) if c.town else ''}"
                f"  [{words.status_text('incidents', c.status)}]"
                for c in b.urgent
            ]
        )
        self.by_department.set_rows(
            tuple(
                (words.name_text(n, b.department_names_en.get(n)), k)
                for n, k in b.overdue_by_department
            )
        )
        self.by_town.set_rows(
            tuple(
                (self.tr("(not placed)") if n == wall_board.NO_TOWN else words.place_text(n), k)
                for n, k in b.overdue_by_town
            )
        )
        kinds = {
            "supervision": self.tr("Supervision"),
            "returned": self.tr("Returned"),
            "objected": self.tr("Objection"),
            "dispute": self.tr("High-risk dispute"),
        }

        def mark(kind: str) -> str:
            return f"【{kind}】" if words.language() == "zh" else f"[{kind}] "

        self.alerts.set_lines(
            [
                (f"{a.at.astimezone(tz):%m-%d} " if a.at else "")
                + mark(kinds.get(a.kind, a.kind))
                + " ".join(words.pick(a.words()).split())
                for a in b.alerts
            ]
        )
        self.worker_lines.set_lines(
            [
                self.tr("Checked in: %1 of %2")
                .replace("%1", f"{w.checked_in_today:,}")
                .replace("%2", f"{w.full_time:,}"),
                self.tr("Patrols: %1").replace("%1", f"{w.patrols_today:,}"),
                self.tr("Findings on patrol: %1").replace("%1", f"{w.findings_today:,}"),
                self.tr("Reported by grid workers: %1").replace("%1", f"{w.reported_today:,}"),
                self.tr("Active in 30 days: %1").replace(
                    "%1", "—" if k.active_share is None else f"{100 * k.active_share:.0f}%"
                ),
            ]
        )
        self.updated_label.setText(
            self.tr("Updated %1").replace("%1", b.as_of.strftime("%H:%M:%S"))
        )

    def shutdown(self) -> None:
        self._reload.stop()


def main(argv: list[str] | None = None) -> int:
    from command_center.views.standalone import run_view

    return run_view(lambda ctx: WallBoardView(ctx.runner, ctx.live), title="态势 Board", argv=argv)


if __name__ == "__main__":
    sys.exit(main())
