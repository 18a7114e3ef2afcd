"""The department inbox (部门收件箱): a department handler's own orders.

Only the signed-in handler's department's orders are shown — the service reads the department
from the user's record, whatever the view asks — with the time limit prominent and big buttons
for what a handler does: sign for an order, object (within the objection window), report
progress with photos, resolve with the result, or return it.

Run alone: ``python -m command_center.views.queue.inbox_view --user bm_police``.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from command_center.services import lifecycle
from command_center.services import queue as svc
from command_center.services.auth import UserInfo
from command_center.views import words
from command_center.views.queue.queue_view import QueueView
from command_center.workers.live import LiveChannel
from command_center.workers.ops import OpsRunner

HANDLER_ACTIONS = lifecycle.actions_for_role("order", lifecycle.DEPT_HANDLER)


class DepartmentInboxView(QueueView):
    """See the module docstring."""

    kind = "orders"
    view_name = "inbox"

    def __init__(
        self,
        runner: OpsRunner,
        live: LiveChannel | None,
        user: UserInfo,
        parent: QWidget | None = None,
        *,
        page_size: int = svc.PAGE_SIZE,
    ) -> None:
        super().__init__(runner, live, user, parent, page_size=page_size)
        self.setObjectName("departmentInboxView")
        self.details.order_action_names = HANDLER_ACTIONS
        self.heading = QLabel(self)
        self.heading.setObjectName("inboxHeading")
        self.heading.setStyleSheet("font-size:15pt; font-weight:bold; color:#1f3550;")
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, self.heading, 0)
        # the department's supervision (督办) waiting for it, when there is any
        from command_center.views.supervision.banner import SupervisionBanner

        self.supervision_banner = SupervisionBanner(runner, live, user, self)
        self.supervision_banner.sig_message.connect(self.sig_message)
        layout.insertWidget(1, self.supervision_banner, 0)
        layout.setStretch(2, 1)  # the splitter takes the height
        self._set_heading()
        for w in (
            self.channel_combo,
            self.dept_combo,
            self.bulk_dispatch,
            self.priority_combo,
            self.waiting_check,
        ):
            w.hide()
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        for key in ("channel", "department", "category", "waiting"):
            try:
                self.table.setColumnHidden(self.model.column_of(key), True)
            except StopIteration:
                pass

    def _query(self) -> svc.Query:
        return svc.Query(
            "orders",
            self._filter.replace(polygon=self._polygon, department_id=None),
            self._sort,
            inbox_user_id=self.user.id,
        )

    def _set_heading(self) -> None:
        dept = words.name_text(
            self.user.department_name, getattr(self.user, "department_name_en", None)
        )
        title = self.tr("Department inbox — %1").replace("%1", dept)
        self.setWindowTitle(title)
        if hasattr(self, "heading"):
            self.heading.setText(title + "　" + self.user.display_name)

    def retranslate(self) -> None:
        super().retranslate()
        self._set_heading()
        self.bulk_template.hide()


def main(argv: list[str] | None = None) -> int:
    from command_center.views.standalone import run_view

    return run_view(
        lambda ctx: DepartmentInboxView(ctx.runner, ctx.live, ctx.user),
        title="部门收件箱 Department inbox",
        argv=argv,
    )


if __name__ == "__main__":
    sys.exit(main())
