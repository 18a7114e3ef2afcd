"""The details of the selected incident (or order): what it is, its countdown, the actions
allowed now as buttons, its orders, their progress and its history from the audit log."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from command_center import clock
from command_center.services import lifecycle
from command_center.services import queue as svc
from command_center.services import supervision as sv
from command_center.services.actions import Target
from command_center.services.disputes import STATUS_TEXT as CASE_STATUS
from command_center.services.record_details import Details
from command_center.views.queue import actions
from command_center.views.queue.queue_model import (
    countdown_of,
    priority_text,
    remaining_text,
    status_text,
)
from command_center.views.words import (
    language,
    location_flag_text,
    name_text,
    places_text,
    plain_tip,
    word_of,
)

LEVEL_STYLE = {
    "ok": "background:#e6f4ea; color:#1e6b34;",
    "amber": "background:#fff1c9; color:#8a5a00;",
    "red": "background:#c62828; color:#ffffff;",
    "": "background:#eef1f4; color:#4a5561;",
}


PRIMARY_ACTIONS = {
    ("incident", "accept"),
    ("incident", "dispatch"),
    ("order", "accept"),
    ("order", "resolve"),
}


def _t(at: dt.datetime | None) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if at else ""


ACTION_SHORTCUTS: dict[str, tuple[tuple[str, str], ...]] = {
    "Ctrl+Shift+A": (("incident", "accept"), ("order", "accept")),
    "Ctrl+Shift+D": (("incident", "dispatch"),),
    "Ctrl+Shift+V": (("incident", "verify"), ("order", "verify")),
}
"""The day's commonest steps from the keyboard (the queue view binds them); the button shows
its key in its tooltip."""


def shortcut_of(kind: str, name: str) -> str | None:
    for keys, actions_ in ACTION_SHORTCUTS.items():
        if (kind, name) in actions_:
            return keys
    return None


class DetailsPanel(QWidget):
    """See the module docstring. Emits :attr:`sig_action_requested` for a button; the view runs
    the action."""

    sig_action_requested = Signal(str, str, object)
    """An action button was pressed. Arguments: "incident" or "order", the action, the
    :class:`Target`."""

    sig_edit_requested = Signal(int)
    """编辑/补充 was pressed. Arguments: the incident's id."""

    sig_supervise_requested = Signal(str)
    """A supervisor wants to issue supervision (督办) on this order or incident (its number)."""

    sig_dispute_requested = Signal(int, str)
    """Take this incident in as a dispute case (its id and number)."""

    sig_publish_requested = Signal(int)
    """The operator wants to approve what the public sees of this incident (its id)."""

    sig_reveal_requested = Signal(int)
    """The masked reporter's "show" link was pressed. Arguments: the incident's id."""

    sig_photo_requested = Signal(int, int)
    """A photo of a progress report was opened. Arguments: the report's id, the photo's index."""

    def __init__(self, parent: QWidget | None = None, *, big: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("queueDetails")
        self._big = big
        self.details: Details | None = None
        self._orders_only = False
        self._order_first = False
        self.order_action_names: tuple[str, ...] | None = None
        """Only these order actions are offered (the inbox: the department's own)."""
        self.role: str | None = None
        """The signed-in user's role: actions it may not do are not offered."""
        self.title = QLabel(self)
        self.title.setObjectName("detailsTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # the caller's words, never markup
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * (1.5 if big else 1.25))
        f.setBold(True)
        self.title.setFont(f)
        self.countdown = QLabel(self)
        self.countdown.setObjectName("detailsCountdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        cf = self.countdown.font()
        cf.setPointSizeF(cf.pointSizeF() * (2.0 if big else 1.2))
        cf.setBold(True)
        self.countdown.setFont(cf)
        self.countdown.setMinimumWidth(160 if big else 120)
        self.countdown.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.countdown, 0, Qt.AlignmentFlag.AlignTop)

        self.facts = QLabel(self)
        self.facts.setObjectName("detailsFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.facts.setOpenExternalLinks(False)
        self.facts.linkActivated.connect(self._on_facts_link)
        self._revealed: tuple[int, str | None, str | None] | None = None
        """(incident id, name, phone) of a reporter shown unmasked; gone with the incident."""
        self.facts.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.action_box = QFrame(self)
        self.action_box.setObjectName("detailsActions")
        self.action_layout = QGridLayout(self.action_box)
        self.action_layout.setContentsMargins(0, 4, 0, 4)
        self.action_layout.setHorizontalSpacing(8)
        self.action_layout.setVerticalSpacing(6)
        self.message = QLabel(self)
        self.message.setObjectName("detailsMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # may quote a title: never markup
        self.message.setWordWrap(True)
        self.message.hide()

        self.tabs = QTabWidget(self)
        self.orders = self._tree(("Order", "Department", "Status", "Dispatched", "Time limit"))
        self.progress = self._tree(("Time", "Order", "Who", "Progress", "Photos"))
        self.history = self._tree(("Time", "Who", "What", "Why"))
        self.tabs.addTab(self.orders, "")
        self.tabs.addTab(self.progress, "")
        self.tabs.addTab(self.history, "")
        self.progress.itemDoubleClicked.connect(self._on_progress_item_double_clicked)

        # a department gave the order back: who, when, why (and where it suggests) at the top
        self.handback = QLabel(self)
        self.handback.setObjectName("detailsHandback")
        self.handback.setTextFormat(Qt.TextFormat.PlainText)  # the department's words
        self.handback.setWordWrap(True)
        self.handback.setStyleSheet(
            "QLabel { background:#fdecea; color:#8e1b1b; border-left:4px solid #c62828;"
            " padding:6px 8px; font-weight:bold; }"
        )
        self.handback.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addLayout(head)
        layout.addWidget(self.handback)
        # a long description scrolls inside the panel instead of being cut at a small screen's
        # bottom edge; a short one takes only the room it needs
        self.facts_scroll = QScrollArea(self)
        self.facts_scroll.setObjectName("detailsFactsScroll")
        self.facts_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.facts_scroll.setWidgetResizable(True)
        self.facts_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.facts_scroll.setWidget(self.facts)
        self.facts_scroll.viewport().setAutoFillBackground(False)
        self.facts_scroll.setStyleSheet("QScrollArea { background: transparent; }")
        layout.addWidget(self.facts_scroll, 2)  # no taller than the facts (_fit_facts)
        layout.addWidget(self.action_box)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        self.placeholder = QLabel(self)
        self.placeholder.setObjectName("mutedLabel")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.placeholder)
        self.retranslate()
        self.show_details(None)

    def _tree(self, headers: tuple[str, ...]) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setRootIsDecorated(False)
        tree.setAlternatingRowColors(True)
        tree.setWordWrap(True)
        tree.setUniformRowHeights(False)
        tree.setProperty("headerKeys", headers)
        tree.header().setStretchLastSection(True)
        tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return tree

    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("Work orders"))
        self.tabs.setTabText(1, self.tr("Progress"))
        self.tabs.setTabText(2, self.tr("History"))
        self.orders.setHeaderLabels(
            [
                self.tr("Order"),
                self.tr("Department"),
                self.tr("Status"),
                self.tr("Dispatched"),
                self.tr("Time limit"),
            ]
        )
        self.progress.setHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Order"),
                self.tr("Who"),
                self.tr("Progress"),
                self.tr("Photos"),
            ]
        )
        self.history.setHeaderLabels(
            [self.tr("Time"), self.tr("Who"), self.tr("What"), self.tr("Why")]
        )
        self.placeholder.setText(self.tr("Select a row to see its details."))
        if self.details is not None:
            self.show_details(self.details)

    # --- showing ---

    def show_message(self, text: str, kind: str = "error") -> None:
        colours = {
            "error": "#fdecea; color:#8e1c1c",
            "ok": "#e6f4ea; color:#1e6b34",
            "info": "#eef3f9; color:#10233a",
        }
        self.message.setStyleSheet(
            f"background:{colours.get(kind, colours['info'])}; padding:6px; border-radius:3px;"
        )
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def clear_message(self) -> None:
        self.message.clear()
        self.message.hide()

    def focus_order(self) -> svc.OrderRow | None:
        d = self.details
        if d is None or not d.orders:
            return None
        if d.focus_order_id is not None:
            for o in d.orders:
                if o.id == d.focus_order_id:
                    return o
        live = [o for o in d.orders if o.status in svc.OPEN_ORDERS]
        return (live or d.orders)[-1]

    def show_details(
        self, d: Details | None, *, order_actions_only: bool = False, order_first: bool = False
    ) -> None:
        """Show ``d``; ``order_first``: the title, countdown and facts are the focused order's
        (the work-order queue); ``order_actions_only``: and no incident actions (the inbox)."""
        if d is None or self._revealed is None or self._revealed[0] != d.incident.id:
            self._revealed = None
        self.details = d
        self._orders_only = order_actions_only
        self._order_first = order_first or order_actions_only
        for w in (self.title, self.countdown, self.facts_scroll, self.action_box, self.tabs):
            w.setVisible(d is not None)
        self.placeholder.setVisible(d is None)
        self._clear_actions()
        self._show_handback(d)
        if d is None:
            return
        inc = d.incident
        focus = self.focus_order()
        now = clock.now()
        if self._order_first and focus is not None:
            self.title.setText(f"{focus.number}　{inc.title}")
        else:
            self.title.setText(f"{inc.number}　{inc.title}")
        self._show_countdown(now)
        self.facts.setText(self._facts_html(d, focus if self._order_first else None))
        self._fit_facts()
        self._fill_actions(d, focus, order_actions_only)
        self._fill_orders(d, now)
        self._fill_progress(d)
        self._fill_history(d)

    def _show_handback(self, d: Details | None) -> None:
        back = d.handback if d is not None else None
        if back is None:
            self.handback.hide()
            self.handback.clear()
            return
        what = self.tr("objected") if back.status == "objected" else self.tr("returned the order")
        text = (
            self.tr("%1 %2 (%3): %4")
            .replace("%1", name_text(back.department_name, back.department_name_en))
            .replace("%2", what)
            .replace("%3", _t(back.at))
            .replace("%4", back.reason)
        )
        if back.suggested_department_name:
            suggested = name_text(back.suggested_department_name, back.suggested_department_name_en)
            text += "\n" + self.tr("Suggests: %1").replace("%1", suggested)
        self.handback.setText("⚠ " + text)
        self.handback.show()

    def _show_countdown(self, now: dt.datetime) -> None:
        d = self.details
        if d is None:
            return
        inc = d.incident
        focus = self.focus_order()
        order_actions_only = self._order_first
        if order_actions_only and focus is not None:
            cd = countdown_of("orders", focus, now)
        else:
            cd = countdown_of("incidents", inc, now)
            if cd is None and focus is not None:
                cd = countdown_of("orders", focus, now)
        if cd is not None:
            self.countdown.setText(remaining_text(cd.remaining))
            level = cd.level
        else:
            self.countdown.setText(
                status_text("orders", focus.status)
                if order_actions_only and focus
                else status_text("incidents", inc.status)
            )
            level = ""
        size = "font-size:22pt;" if self._big else "font-size:13pt;"
        self.countdown.setStyleSheet(
            LEVEL_STYLE[level] + size + "font-weight:bold; padding:6px 14px; border-radius:4px;"
        )
        # as wide as its words in the style just set (the style sheet's larger bold font is
        # applied at polish time, after Qt measured the label with the plain one)
        self.countdown.ensurePolished()
        words = self.countdown.fontMetrics().horizontalAdvance(self.countdown.text())
        self.countdown.setMinimumWidth(max(160 if self._big else 120, words + 2 * 14 + 8))

    def _facts_html(self, d: Details, order: svc.OrderRow | None) -> str:
        inc = d.incident
        e = html.escape
        colon = "：" if language() == "zh" else ": "  # no full-width colon in English
        # between two facts on a line: a full-width space reads as a gap in Chinese, not in
        # English ("12345 government hotline Priority: Normal")
        gap = "　" if language() == "zh" else " · "
        order_word = self.tr("Work order")
        priority_word = self.tr("Priority")
        rows: list[tuple[str, str]] = [
            (
                self.tr("Status"),
                e(status_text("incidents", inc.status))
                + (
                    f"{gap}{order_word}{colon}{e(status_text('orders', order.status))}"
                    if order
                    else ""
                ),
            ),
            (self.tr("Category"), e(name_text(inc.category_name, inc.category_name_en))),
            (
                self.tr("Place"),
                e(places_text(inc.town_name, inc.grid_name))
                + (
                    f"　<span style='color:#c62828'>⚠ {e(location_flag_text(inc.location_flag))}"
                    "</span>"
                    if location_flag_text(inc.location_flag)
                    else ""
                ),
            ),
            (self.tr("Address"), e(inc.address or "")),
            (
                self.tr("Channel"),
                e(name_text(inc.channel_name or inc.channel_code, inc.channel_name_en))
                + f"{gap}{priority_word}{colon}{e(priority_text(inc.priority))}",
            ),
            (self.tr("Reported"), _t(inc.reported_at)),
        ]
        if order is not None:
            rows.append((self.tr("Due"), _t(order.deadline_at)))
            if order.objection_deadline_at:
                rows.append((self.tr("Objection until"), _t(order.objection_deadline_at)))
        elif inc.due_at:
            rows.append((self.tr("Due"), _t(inc.due_at)))
        if self._revealed is not None and self._revealed[0] == inc.id:
            reporter = " ".join(x for x in self._revealed[1:] if x)
            if reporter:
                rows.append((self.tr("Reporter"), e(reporter)))
        else:
            reporter = " ".join(x for x in (d.reporter_name, d.reporter_phone) if x)
            if reporter:
                show = self.tr("Show in full")
                link = f"　<a href='reveal:{inc.id}'>{e(show)}</a>" if d.may_reveal_reporter else ""
                rows.append((self.tr("Reporter"), e(reporter) + link))
        if inc.waiting_answer and inc.answer_due_at is not None:
            late = inc.answer_due_at < clock.now()
            colour = "#c62828" if late else "#8a5a00"
            text = self.tr("waiting for an answer, due %1").replace("%1", _t(inc.answer_due_at))
            rows.append((self.tr("Answer"), f"<span style='color:{colour}'>{e(text)}</span>"))
        if d.description:
            rows.append((self.tr("Description"), e(d.description)))
        if d.dispute_cases:
            rows.append(
                (
                    self.tr("Dispute case"),
                    e(
                        "、".join(
                            f"{number}（{word_of(CASE_STATUS, status)}）"
                            for _, number, status in d.dispute_cases
                        )
                    ),
                )
            )
        if d.supervision:
            rows.append(
                (
                    self.tr("Supervision"),
                    "<span style='color:#c62828'>"
                    + e(
                        "、".join(
                            f"{word_of(sv.LEVEL_TEXT, level)} {number}"
                            f"（{word_of(sv.STATUS_TEXT, status)}）"
                            for number, level, status in d.supervision
                        )
                    )
                    + "</span>",
                )
            )
        if d.may_publish:
            shown = (
                e(d.public_summary)
                if d.public_summary
                else "<span style='color:#5b6673'>"
                + e(self.tr("not approved: the public sees only the category"))
                + "</span>"
            )
            rows.append((self.tr("Public"), shown))
        cells = "".join(
            f"<tr><td style='color:#5b6673; padding-right:10px; white-space:nowrap'>{k}</td>"
            f"<td>{v}</td></tr>"
            for k, v in rows
            if v
        )
        return f"<table cellspacing='2'>{cells}</table>"

    def show_reporter(self, incident_id: int, name: str | None, phone: str | None) -> None:
        """Show the reporter of ``incident_id`` unmasked (a reveal the database recorded),
        until another incident is shown."""
        d = self.details
        if d is None or d.incident.id != incident_id:
            return
        self._revealed = (incident_id, name, phone)
        self.facts.setText(self._facts_html(d, self.focus_order() if self._order_first else None))

    @property
    def reporter_revealed(self) -> bool:
        return self._revealed is not None

    @Slot(str)
    def _on_facts_link(self, link: str) -> None:
        kind, _, value = link.partition(":")
        if kind == "reveal" and value.isdigit():
            self.sig_reveal_requested.emit(int(value))

    def _fit_facts(self) -> None:
        """The facts take the room they need, at most two thirds of what the tabs leave."""
        width = self.facts_scroll.viewport().width()
        if width > 0:
            self.facts_scroll.setMaximumHeight(self.facts.heightForWidth(width) + 4)

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit_facts()

    def _clear_actions(self) -> None:
        while self.action_layout.count():
            item = self.action_layout.takeAt(0)
            w = item.widget()
            if w is not None:
                w.deleteLater()

    def _button(self, text: str, kind: str, name: str, target: Target) -> QPushButton:
        b = QPushButton(text, self.action_box)
        b.setObjectName(f"action_{kind}_{name}")
        b.setProperty("action", (kind, name))
        b.setAutoDefault(False)
        keys = shortcut_of(kind, name)
        if keys:
            b.setToolTip(QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText))
        if (kind, name) in PRIMARY_ACTIONS:
            b.setObjectName("primaryButton")  # the application's style for the main action
        if self._big:
            # the inbox: big targets, as on a counter terminal
            b.setStyleSheet(
                "QPushButton { min-height: 40px; font-size: 13pt; "
                "font-weight: bold; padding: 6px 18px; }"
            )
        b.clicked.connect(lambda: self.sig_action_requested.emit(kind, name, target))
        return b

    def _may(self, kind: str, name: str) -> bool:
        return self.role is None or lifecycle.role_may(self.role, kind, name)  # type: ignore[arg-type]

    def _fill_actions(self, d: Details, focus: svc.OrderRow | None, orders_only: bool) -> None:
        buttons: list[QPushButton] = []
        shown: set[str] = set()  # the incident's actions offered
        inc = d.incident
        if not orders_only:
            t = Target(
                "incident",
                inc.id,
                inc.version,
                inc.number,
                inc.category_code,
                inc.town_id,
                inc.status,
                inc,
            )
            for name in d.incident_actions:
                if name in actions.HIDDEN_ACTIONS or not self._may("incident", name):
                    continue
                shown.add(name)
                buttons.append(
                    self._button(actions.action_label("incident", name), "incident", name, t)
                )
            if d.may_edit:
                edit = QPushButton(self.tr("Edit / complete…"), self.action_box)
                edit.setAutoDefault(False)
                edit.setObjectName("detailsEdit")
                edit.clicked.connect(lambda _=False, i=inc.id: self.sig_edit_requested.emit(i))
                buttons.append(edit)
            if d.may_supervise:
                supervise = QPushButton(self.tr("Supervise…"), self.action_box)
                supervise.setAutoDefault(False)
                supervise.setObjectName("detailsSupervise")
                target = focus.number if focus is not None else inc.number
                supervise.clicked.connect(
                    lambda _=False, n=target: self.sig_supervise_requested.emit(n)
                )
                buttons.append(supervise)
            if d.may_take_dispute and not d.dispute_cases:
                dispute = QPushButton(self.tr("Take in as a dispute…"), self.action_box)
                dispute.setAutoDefault(False)
                dispute.setObjectName("detailsDispute")
                dispute.clicked.connect(
                    lambda _=False, i=inc.id, n=inc.number: self.sig_dispute_requested.emit(i, n)
                )
                buttons.append(dispute)
            if d.may_publish:
                publish = QPushButton(self.tr("Public summary…"), self.action_box)
                publish.setAutoDefault(False)
                publish.setObjectName("detailsPublicSummary")
                publish.setToolTip(
                    self.tr(
                        "What the public Open311 list shows of this incident (never the "
                        "caller's own words unless approved here)"
                    )
                )
                publish.clicked.connect(
                    lambda _=False, i=inc.id: self.sig_publish_requested.emit(i)
                )
                buttons.append(publish)
        order_buttons: list[QPushButton] = []
        if focus is not None:
            t2 = Target(
                "order",
                focus.id,
                focus.version,
                focus.number,
                focus.category_code,
                focus.town_id,
                focus.status,
                focus,
            )
            incident_verify = "verify" in shown
            for name in d.order_actions.get(focus.id, []):
                if self.order_action_names is not None and name not in self.order_action_names:
                    continue
                if name == "verify" and incident_verify:
                    continue  # one verify button: the incident's verifies its order
                if not self._may("order", name):
                    continue
                order_buttons.append(
                    self._button(actions.action_label("order", name), "order", name, t2)
                )
        per_row = 2  # two to a row: the panel fits beside the queue on a 1366 px screen
        row = 0
        if buttons:
            if not orders_only:
                self.action_layout.addWidget(self._caption(self.tr("Incident")), row, 0, 1, per_row)
                row += 1
            for i, b in enumerate(buttons):
                self.action_layout.addWidget(b, row + i // per_row, i % per_row)
            row += (len(buttons) + per_row - 1) // per_row
        if order_buttons and focus is not None:
            if not orders_only:
                caption = (
                    self.tr("Work order %1 (%2)")
                    .replace("%1", focus.number)
                    .replace("%2", name_text(focus.department_name, focus.department_name_en))
                )
                self.action_layout.addWidget(self._caption(caption), row, 0, 1, per_row)
                row += 1
            for i, b in enumerate(order_buttons):
                self.action_layout.addWidget(b, row + i // per_row, i % per_row)
        if not buttons and not order_buttons:
            none = QLabel(self.tr("No action is open for this one now."), self.action_box)
            none.setObjectName("mutedLabel")
            none.setWordWrap(True)
            self.action_layout.addWidget(none, 0, 0)

    def _caption(self, text: str) -> QLabel:
        label = QLabel(text, self.action_box)
        label.setWordWrap(True)  # a department's long name must not widen the panel
        label.setStyleSheet("color:#5b6673; font-weight:bold;")
        return label

    def action_buttons(self) -> dict[tuple[str, str], QPushButton]:
        out = {}
        for i in range(self.action_layout.count()):
            w = self.action_layout.itemAt(i).widget()
            if isinstance(w, QPushButton) and w.property("action"):  # 编辑/补充 is no action
                out[tuple(w.property("action"))] = w
        return out  # type: ignore[return-value]

    def _fill_orders(self, d: Details, now: dt.datetime) -> None:
        self.orders.clear()
        for o in d.orders:
            cd = countdown_of("orders", o, now)
            department = name_text(o.department_name, o.department_name_en)
            item = QTreeWidgetItem(
                [
                    o.number,
                    department,
                    status_text("orders", o.status),
                    _t(o.dispatched_at),
                    remaining_text(cd.remaining) if cd else _t(o.deadline_at),
                ]
            )
            item.setToolTip(1, plain_tip(department) or "")  # a long English name runs past
            if cd and cd.level == "red":
                item.setForeground(4, Qt.GlobalColor.red)
            self.orders.addTopLevelItem(item)
        self.tabs.setTabText(0, self.tr("Work orders") + f" ({len(d.orders)})")

    def _fill_progress(self, d: Details) -> None:
        self.progress.clear()
        for p in d.progress:
            photos = ", ".join(str(a.get("name", "")) for a in p.attachments)
            item = QTreeWidgetItem([_t(p.at), p.order_number, p.user_name or "", p.note, photos])
            item.setToolTip(3, plain_tip(p.note) or "")
            self.progress.addTopLevelItem(item)
            for index, a in enumerate(p.attachments):
                if not a.get("stored"):
                    continue  # only a name was kept (the demo county's photos)
                child = QTreeWidgetItem(["", "", "", "", "🖼 " + str(a.get("name", ""))])
                child.setData(4, Qt.ItemDataRole.UserRole, (p.id, index))
                child.setToolTip(4, self.tr("Double-click to open the photo"))
                item.addChild(child)
            item.setExpanded(True)
        self.tabs.setTabText(1, self.tr("Progress") + f" ({len(d.progress)})")

    def _on_progress_item_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        ref = item.data(4, Qt.ItemDataRole.UserRole)
        if isinstance(ref, (tuple, list)) and len(ref) == 2:
            self.sig_photo_requested.emit(int(ref[0]), int(ref[1]))

    def _fill_history(self, d: Details) -> None:
        self.history.clear()
        for h in reversed(d.history):  # newest on top
            item = QTreeWidgetItem([_t(h.at), h.actor, h.summary, h.reason or ""])
            item.setToolTip(2, plain_tip(h.summary) or "")
            self.history.addTopLevelItem(item)
        self.tabs.setTabText(2, self.tr("History") + f" ({len(d.history)})")

    def tick(self) -> None:
        """The clock moved: the countdown reads again (nothing else is rebuilt)."""
        self._show_countdown(clock.now())

    def current(self) -> Any:
        return self.details
