"""A department's supervision at the top of its inbox: how many wait for it, the most urgent
ones by number and reason, and a button to acknowledge (签收) the first one waiting.

The list comes from services/supervision.py (row-level security shows a handler only its own
department's), read again on every live change of supervision.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from command_center.services import supervision as sv
from command_center.services.audit import Actor
from command_center.services.auth import UserInfo
from command_center.views.words import language
from command_center.workers.live import LiveChannel
from command_center.workers.ops import OpsRunner


class SupervisionBanner(QFrame):
    """See the module docstring. Hidden while nothing waits."""

    sig_message = Signal(str, str)

    def __init__(
        self,
        runner: OpsRunner,
        live: LiveChannel | None,
        user: UserInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("supervisionBanner")
        self.setStyleSheet(
            "#supervisionBanner { background:#fff4e5; border:1px solid #e0a040; "
            "border-radius:4px; }"
        )
        self.runner = runner
        self.user = user
        self.actor = Actor(user.id, user.display_name)
        self.rows: list[sv.LedgerRow] = []
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # reasons come from outside
        self.label.setWordWrap(True)
        self.ack_button = QPushButton(self)
        self.ack_button.setObjectName("bannerAcknowledge")
        self.ack_button.clicked.connect(self.acknowledge_first)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.ack_button)
        self.hide()
        if live is not None:
            live.sig_changes.connect(self._on_live_changes)
        self._retranslate()
        self.reload()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.ack_button.setText(self.tr("Acknowledge"))
        self._show()

    def reload(self) -> None:
        department = self.user.department_id
        if department is None:
            return
        self.runner.submit(
            lambda s: sv.waiting_for_department(s, department, limit=20),
            success=self._on_loaded,
            owner=self,
            key="supervision.banner",
        )

    def _on_loaded(self, rows: list[sv.LedgerRow]) -> None:
        self.rows = [r for r in rows if r.status in sv.OPEN_STATES]
        self._show()

    def _show(self) -> None:
        if not self.rows:
            self.hide()
            return
        zh = language() == "zh"
        head = self.tr("Supervision waiting for your department: %1").replace(
            "%1", str(len(self.rows))
        )
        lines = [head]
        for r in self.rows[:3]:
            stage = sv.STAGE_TEXT[r.stage][0 if zh else 1]
            lines.append(
                f"{r.number} {stage} {r.order_number or ''} — {r.reason_words[0 if zh else 1]}"
            )
        self.label.setText("\n".join(lines))
        self.ack_button.setVisible(any(r.status == "open" for r in self.rows))
        self.show()

    @Slot()
    def acknowledge_first(self) -> None:
        first = next((r for r in self.rows if r.status == "open"), None)
        if first is None:
            return
        actor, sid, version = self.actor, first.id, first.version
        self.runner.submit(
            lambda s: sv.acknowledge(s, actor, sid, version),
            success=lambda _r: self.reload(),
            failure=lambda e: self.sig_message.emit(str(e), "error"),
            owner=self,
        )

    @Slot(object)
    def _on_live_changes(self, changes: Any) -> None:
        if changes.reload or "supervision_orders" in changes.tables:
            self.reload()
