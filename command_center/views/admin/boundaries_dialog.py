"""Grid boundaries (边界): importing a GeoJSON file as a draft, and the county's review.

The import dialog reads and checks the file on the long lane (services/boundary_review.plan),
draws its areas over their parent and the siblings that stay on a small map of its own
(:class:`BoundaryPreview`, QGraphicsView: no web page), lists the findings — a selected one
is highlighted on the map — and submits the areas for review. The review dialog lists the
imports; the county's administrator approves one or rejects it with a reason. The services
and the database decide who may (a town drafts its own areas, the county approves); the
buttons only follow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from command_center.services import boundaries, boundary_review
from command_center.services.audit import Actor
from command_center.services.boundary_review import Plan, Preview, Shape
from command_center.views import words
from command_center.workers.ops import LONG, OpsRunner

# how each role of a shape is drawn: pen colour, pen width (pixels), fill
STYLE = {
    "parent": ("#2c3e50", 2.5, None),
    "sibling": ("#95a5a6", 1.0, "#ecf0f1"),
    "old": ("#7f8c8d", 1.0, None),
    "changed": ("#2980b9", 1.5, "#aed6f1"),
    "new": ("#27ae60", 1.5, "#abebc6"),
}
HIGHLIGHT = "#e74c3c"


def _rings(geometry: dict[str, Any] | None) -> list[list[list[list[float]]]]:
    """The polygons (each a list of rings) of a GeoJSON geometry; points as tiny squares."""
    if not geometry:
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return [coords]
    if kind == "MultiPolygon":
        return list(coords)
    if kind == "Point":
        x, y = coords[:2]
        d = 0.0004
        return [[[[x - d, y - d], [x + d, y - d], [x + d, y + d], [x - d, y + d]]]]
    if kind == "GeometryCollection":
        return [p for g in geometry.get("geometries", []) for p in _rings(g)]
    return []


class BoundaryPreview(QGraphicsView):
    """A small map of lon/lat shapes (GCJ-02): x is longitude shrunk by cos(latitude) so that
    shapes keep their proportions, y latitude upwards."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setBackgroundBrush(QColor("#fbfcfc"))
        self.setMinimumSize(360, 300)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self._k = 1.0
        self._highlight: list[QGraphicsPathItem] = []
        self.shapes: tuple[Shape, ...] = ()

    def _path(self, geometry: dict[str, Any] | None) -> QPainterPath:
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.OddEvenFill)
        for poly in _rings(geometry):
            for ring in poly:
                if len(ring) < 2:
                    continue
                path.moveTo(QPointF(ring[0][0] * self._k, -ring[0][1]))
                for x, y, *_ in ring[1:]:
                    path.lineTo(QPointF(x * self._k, -y))
                path.closeSubpath()
        return path

    def set_shapes(self, shapes: tuple[Shape, ...]) -> None:
        import math

        self.scene().clear()
        self._highlight = []
        self.shapes = shapes
        ys = [pt[1] for s in shapes for poly in _rings(s.geometry) for ring in poly for pt in ring]
        self._k = math.cos(math.radians(sum(ys) / len(ys))) if ys else 1.0
        order = ("parent", "sibling", "old", "changed", "new")
        for role in order:
            colour, width, fill = STYLE[role]
            for s in shapes:
                if s.role != role or not s.geometry:
                    continue
                item = self.scene().addPath(self._path(s.geometry))
                pen = QPen(QColor(colour), width)
                pen.setCosmetic(True)
                if role == "old":
                    pen.setStyle(Qt.PenStyle.DashLine)
                item.setPen(pen)
                if fill:
                    c = QColor(fill)
                    c.setAlpha(150)
                    item.setBrush(QBrush(c))
                item.setToolTip(s.name)
                if role in ("new", "changed"):
                    label = QGraphicsSimpleTextItem(s.name)
                    label.setFlag(label.GraphicsItemFlag.ItemIgnoresTransformations)
                    label.setPos(item.boundingRect().center())
                    self.scene().addItem(label)
        self.fit()

    def _extent(self) -> QRectF:
        """The shapes' extent (item bounds would add the pens' widths, in degrees)."""
        rect = QRectF()
        for item in self.scene().items():
            if isinstance(item, QGraphicsPathItem):
                rect = rect.united(item.path().boundingRect())
        return rect

    def fit(self, rect: QRectF | None = None) -> None:
        rect = rect or self._extent()
        if rect.isValid() and not rect.isEmpty():
            m = max(rect.width(), rect.height()) * 0.05
            self.fitInView(rect.adjusted(-m, -m, m, m), Qt.AspectRatioMode.KeepAspectRatio)

    def highlight(self, geometry: dict[str, Any] | None) -> None:
        """Outline ``geometry`` in red over everything and bring it into view (None: clear)."""
        for item in self._highlight:
            self.scene().removeItem(item)
        self._highlight = []
        if not geometry:
            self.fit()
            return
        item = self.scene().addPath(self._path(geometry))
        pen = QPen(QColor(HIGHLIGHT), 3)
        pen.setCosmetic(True)
        item.setPen(pen)
        c = QColor(HIGHLIGHT)
        c.setAlpha(90)
        item.setBrush(QBrush(c))
        item.setZValue(10)
        self._highlight.append(item)
        rect = item.path().boundingRect()
        # a small thing is shown with its surroundings: its own size twice over, and at least
        # a third of the whole picture
        whole = self._extent()
        grow = max(2 * max(rect.width(), rect.height()), max(whole.width(), whole.height()) / 3)
        self.fit(rect.adjusted(-grow, -grow, grow, grow).intersected(whole.adjusted(-1, -1, 1, 1)))

    def wheelEvent(self, event: Any) -> None:  # zoom, the way maps do
        factor = 1.25 if event.angleDelta().y() > 0 else 0.8
        self.scale(factor, factor)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if not self._highlight:
            self.fit()


def _finding_item(f: boundaries.Finding, lang_zh: bool) -> QListWidgetItem:
    item = QListWidgetItem(("✖ " if f.excluded else "⚠ ") + (f.zh if lang_zh else f.en))
    item.setData(Qt.ItemDataRole.UserRole, f.geometry)
    item.setToolTip(f.message)
    item.setForeground(QColor("#c0392b" if f.excluded else "#b9770e"))
    return item


class FindingsPanel(QWidget):
    """The preview map beside the list of findings; selecting a finding highlights its area."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = BoundaryPreview(self)
        self.findings = QListWidget(self)
        self.findings.setWordWrap(True)
        self.findings.currentItemChanged.connect(self._on_finding)
        self.legend = QLabel(self)
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.PlainText)
        self.legend.setObjectName("hint")
        right = QWidget(self)
        lay = QVBoxLayout(right)
        lay.setContentsMargins(0, 0, 0, 0)
        self.findings_label = QLabel(self)
        lay.addWidget(self.findings_label)
        lay.addWidget(self.findings, 1)
        lay.addWidget(self.legend)
        split = QSplitter(self)
        split.addWidget(self.preview)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)
        self.retranslate()

    def retranslate(self) -> None:
        self.findings_label.setText(self.tr("Findings (select one to see it on the map)"))
        self.legend.setText(
            self.tr(
                "Green: new areas; blue: new lines of existing areas (dashed: today's); grey: "
                "neighbours that stay; dark outline: the parent. ✖ left out of the import, "
                "⚠ imported, for the reviewer to judge."
            )
        )

    def show_preview(self, preview: Preview | None) -> None:
        self.findings.clear()
        self.preview.set_shapes(preview.shapes if preview else ())
        if preview is None:
            return
        zh = words.language() == "zh"
        for f in preview.findings:
            self.findings.addItem(_finding_item(f, zh))

    def _on_finding(self, current: QListWidgetItem | None, _previous: Any = None) -> None:
        self.preview.highlight(current.data(Qt.ItemDataRole.UserRole) if current else None)


LEVEL_CHOICES = (
    ("county", QT_TRANSLATE_NOOP("BoundaryImportDialog", "County (a new deployment's outline)")),
    ("town", QT_TRANSLATE_NOOP("BoundaryImportDialog", "Towns and sub-districts")),
    ("village", QT_TRANSLATE_NOOP("BoundaryImportDialog", "Villages and communities")),
    ("grid", QT_TRANSLATE_NOOP("BoundaryImportDialog", "Grids")),
    ("micro", QT_TRANSLATE_NOOP("BoundaryImportDialog", "Micro-grids")),
)


class BoundaryImportDialog(QDialog):
    """Choose a file, its level, coordinate system and parent; check; submit for review."""

    sig_submitted = Signal(int)
    """The draft's id."""

    def __init__(self, runner: OpsRunner, user: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._actor = Actor(user.id, user.display_name)
        self._plan: Plan | None = None
        self.setWindowTitle(self.tr("Import boundaries"))
        self.resize(1000, 640)

        self.path = QLineEdit(self)
        self.path.setReadOnly(True)
        self.choose_button = QPushButton(self.tr("Choose file…"), self)
        self.choose_button.clicked.connect(self._choose)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.choose_button)
        self.level = QComboBox(self)
        for code, label in LEVEL_CHOICES:
            self.level.addItem(self.tr(label), code)
        self.level.setCurrentIndex(2)
        self.crs = QComboBox(self)
        self.crs.addItem(self.tr("As the file declares"), None)
        self.crs.addItem(self.tr("GCJ-02 (Amap, DataV)"), "gcj02")
        self.crs.addItem(self.tr("WGS-84 (GPS, Tianditu, CGCS2000)"), "wgs84")
        self.parent_name = QLineEdit(self)
        self.parent_name.setPlaceholderText(
            self.tr("e.g. 洪水镇 or 洪水镇/益民村; empty: each area's own parent/上级")
        )
        self.check_button = QPushButton(self.tr("Check"), self)
        self.check_button.clicked.connect(self.check)
        form = QFormLayout()
        form.addRow(self.tr("File"), file_row)
        options = QHBoxLayout()
        options.addWidget(self.level)
        options.addWidget(QLabel(self.tr("Coordinates"), self))
        options.addWidget(self.crs)
        options.addWidget(QLabel(self.tr("Under"), self))
        options.addWidget(self.parent_name, 1)
        options.addWidget(self.check_button)
        form.addRow(self.tr("Level"), options)

        self.panel = FindingsPanel(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.submit_button = QPushButton(self.tr("Submit for review"), self)
        self.submit_button.setEnabled(False)
        self.submit_button.clicked.connect(self.submit)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(close)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.panel, 1)
        lay.addLayout(buttons)
        self._may_draft = True
        actor = self._actor
        self._runner.submit(
            lambda s: boundary_review.may_draft_somewhere(boundary_review.scope_of(s, actor)),
            success=self._on_may_draft,
            owner=self,
            name="boundaries.may_draft",
        )

    def _on_may_draft(self, may: bool) -> None:
        """Anyone may check a file; only drafters submit (the service and the database say
        the same)."""
        self._may_draft = may
        if not may:
            zh, en = boundary_review.NOT_A_DRAFTER
            self.summary.setText(zh if words.language() == "zh" else en)
            self.submit_button.setEnabled(False)

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Boundary file"), "", self.tr("GeoJSON (*.geojson *.json);;All (*)")
        )
        if path:
            self.set_file(path)

    def set_file(self, path: str) -> None:
        self.path.setText(path)
        self.check()

    def check(self) -> None:
        """Read and check the file with the choices made (nothing is stored)."""
        path = self.path.text()
        if not path:
            return
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self._show_error(self.tr("The file cannot be read: %1").replace("%1", str(exc)))
            return
        level = self.level.currentData()
        crs = self.crs.currentData()
        parent = self.parent_name.text().strip() or None
        name = Path(path).name
        self.submit_button.setEnabled(False)
        self.summary.setText(self.tr("Checking…"))

        def work(session: Any) -> tuple[Plan, Preview]:
            plan = boundary_review.plan(
                session, data, level=level, crs=crs, parent=parent, file_name=name
            )
            session.rollback()
            return plan, boundary_review.preview_of_plan(plan)

        self._runner.submit(
            work,
            success=self._on_checked,
            failure=lambda exc: self._show_error(str(exc)),
            owner=self,
            name="boundaries.check",
            lane=LONG,
            key="check",
        )

    def _on_checked(self, result: tuple[Plan, Preview]) -> None:
        plan, preview = result
        self._plan = plan
        self.panel.show_preview(preview)
        excluded = sum(1 for f in plan.findings if f.excluded)
        self.summary.setText(
            self.tr("%1 area(s) to import, %2 finding(s), %3 area(s) left out")
            .replace("%1", str(plan.imported))
            .replace("%2", str(len(plan.findings)))
            .replace("%3", str(excluded))
        )
        self.submit_button.setEnabled(plan.imported > 0 and self._may_draft)

    def _show_error(self, text: str) -> None:
        self._plan = None
        self.panel.show_preview(None)
        self.summary.setText(text)
        self.submit_button.setEnabled(False)

    def submit(self) -> None:
        plan, actor = self._plan, self._actor
        if plan is None:
            return
        self.submit_button.setEnabled(False)
        self._runner.submit(
            lambda s: boundary_review.submit(s, actor, plan),
            success=self._on_submitted,
            failure=lambda exc: (
                self.summary.setText(str(exc)),
                self.submit_button.setEnabled(True),
            ),
            owner=self,
            name="boundaries.submit",
        )

    def _on_submitted(self, import_id: int) -> None:
        self.summary.setText(
            self.tr("Draft #%1 submitted: the county center reviews it.").replace(
                "%1", str(import_id)
            )
        )
        self.sig_submitted.emit(import_id)


STATUS_WORDS = {
    "draft": QT_TRANSLATE_NOOP("BoundaryReviewDialog", "Awaiting review"),
    "approved": QT_TRANSLATE_NOOP("BoundaryReviewDialog", "Approved"),
    "rejected": QT_TRANSLATE_NOOP("BoundaryReviewDialog", "Rejected"),
}


class BoundaryReviewDialog(QDialog):
    """The imports, newest first; the county's administrator approves or rejects a draft."""

    sig_reviewed = Signal(int, str)

    def __init__(self, runner: OpsRunner, user: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._actor = Actor(user.id, user.display_name)
        self._may_review = False
        self._rows: list[boundary_review.ImportRow] = []
        self.setWindowTitle(self.tr("Boundary review"))
        self.resize(1000, 640)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("No."),
                self.tr("File"),
                self.tr("Areas"),
                self.tr("Findings"),
                self.tr("Drafted by"),
                self.tr("Status"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._on_selected)
        self.panel = FindingsPanel(self)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.panel)
        split.setStretchFactor(1, 3)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.approve_button = QPushButton(self.tr("Approve"), self)
        self.reject_button = QPushButton(self.tr("Reject…"), self)
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self._ask_reject)
        refresh = QPushButton(self.tr("Refresh"), self)
        refresh.clicked.connect(self.reload)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        for b in (self.approve_button, self.reject_button, refresh, close):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        lay.addLayout(buttons)
        self._update_buttons()
        self.reload()

    def reload(self) -> None:
        actor = self._actor

        def work(s: Any) -> tuple[bool, list[boundary_review.ImportRow]]:
            may = boundary_review.may_review(boundary_review.scope_of(s, actor))
            return may, boundary_review.list_imports(s)

        self._runner.submit(work, success=self._on_loaded, owner=self, name="boundaries.list")

    def on_changes(self, changes: Any) -> None:
        """The live channel: another workstation drafted or reviewed an import."""
        if changes.touched("boundary_imports"):
            self.reload()

    def _on_loaded(self, result: tuple[bool, list[boundary_review.ImportRow]]) -> None:
        self._may_review, self._rows = result
        selected = self.selected()
        self.table.setRowCount(len(self._rows))
        for i, r in enumerate(self._rows):
            status = self.tr(STATUS_WORDS.get(r.status, r.status))
            if r.status == "rejected" and r.reason:
                status += f"：{r.reason}"
            for j, value in enumerate(
                (f"#{r.id}", r.file_name, str(r.areas), str(r.findings), r.drafted_by, status)
            ):
                self.table.setItem(i, j, QTableWidgetItem(value))
        if selected is not None:
            for i, r in enumerate(self._rows):
                if r.id == selected.id:
                    self.table.selectRow(i)
        elif self._rows:
            self.table.selectRow(0)
        self.note.setText(
            ""
            if self._may_review
            else self.tr("Only the county center's administrator approves boundary changes.")
        )
        self._update_buttons()

    def selected(self) -> boundary_review.ImportRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self._rows):
            return None
        return self._rows[rows[0].row()]

    def _update_buttons(self) -> None:
        row = self.selected()
        ok = self._may_review and row is not None and row.status == "draft"
        self.approve_button.setEnabled(ok)
        self.reject_button.setEnabled(ok)

    def _on_selected(self) -> None:
        self._update_buttons()
        row = self.selected()
        if row is None:
            self.panel.show_preview(None)
            return
        self._runner.submit(
            lambda s: boundary_review.preview_of_import(s, row.id),
            success=self.panel.show_preview,
            owner=self,
            name="boundaries.preview",
            lane=LONG,
            key="preview",
        )

    def approve(self) -> None:
        row, actor = self.selected(), self._actor
        if row is None:
            return
        self._act(lambda s: boundary_review.approve(s, actor, row.id, version=row.version), row.id)

    def _ask_reject(self) -> None:
        row = self.selected()
        if row is None:
            return
        reason, ok = QInputDialog.getMultiLineText(
            self, self.tr("Reject draft"), self.tr("Why is it rejected? The drafter reads this.")
        )
        if ok:
            self.reject_draft(reason)

    def reject_draft(self, reason: str) -> None:
        row, actor = self.selected(), self._actor
        if row is None:
            return
        self._act(
            lambda s: boundary_review.reject(s, actor, row.id, reason, version=row.version), row.id
        )

    def _act(self, fn: Any, import_id: int) -> None:
        self.approve_button.setEnabled(False)
        self.reject_button.setEnabled(False)

        def done(result: boundary_review.Reviewed) -> None:
            self.sig_reviewed.emit(import_id, result.status)
            self.reload()

        def failed(exc: BaseException) -> None:
            self.note.setText(str(exc))
            self.reload()

        self._runner.submit(fn, success=done, failure=failed, owner=self, name="boundaries.review")
