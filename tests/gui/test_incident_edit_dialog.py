"""编辑/补充 from the details panel: an operator completes a call taken with too little, the
panel shows the result and the history the entry (issue 10, bug 3: nothing could complete or
correct an incident afterwards)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton
from sqlalchemy import text

from command_center.services import queue as svc
from command_center.views.queue.queue_view import IncidentQueueView
from tests.conftest import make_new_incidents
from tests.gui.test_reporter_reveal import (  # noqa: F401 (fixtures)
    database_url,
    operator,
    operator_runner,
)

WAIT = 10_000


def test_an_operator_completes_an_incident_from_the_details(  # type: ignore[no-untyped-def]
    qtbot, cc_app, db, operator, operator_runner, type_text  # noqa: F811 (fixtures)
) -> None:
    incident = make_new_incidents(db.engine, 1)[0]
    view = IncidentQueueView(operator_runner, None, operator)
    qtbot.addWidget(view)
    view.show()
    try:
        view.apply_filter(svc.QueueFilter(statuses=("new",)))
        qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading,
                        timeout=WAIT)
        view.select_incident(incident)
        details = view.details
        qtbot.waitUntil(lambda: details.details is not None
                        and details.details.incident.id == incident, timeout=WAIT)
        edit = details.findChild(QPushButton, "detailsEdit")
        assert edit is not None and edit.text() == "编辑/补充…"
        edit.click()
        qtbot.waitUntil(lambda: getattr(view, "edit_dialog", None) is not None
                        and view.edit_dialog.isVisible(), timeout=WAIT)
        dialog = view.edit_dialog
        # saving without a reason is refused in the dialog
        dialog.description.setPlainText("")
        type_text(dialog.description, "来电人补充：北街12号门口井盖丢失，已有人受伤")
        dialog.save()
        assert "原因" in dialog.message.text() and dialog.isVisible()
        type_text(dialog.reason, "来电人回拨补充")
        with qtbot.waitSignal(dialog.sig_saved, timeout=WAIT):  # and it closes (deleted)
            dialog.save()
        qtbot.waitUntil(
            lambda: details.details is not None
            and "北街12号门口井盖丢失" in details.details.description,
            timeout=WAIT,
        )
        assert "北街12号门口井盖丢失" in details.facts.text()
        qtbot.waitUntil(lambda: any(
            "编辑了" in details.history.topLevelItem(i).text(2)
            for i in range(details.history.topLevelItemCount())
        ), timeout=WAIT)
    finally:
        view.shutdown()
    with db.sessions() as s:
        row = s.execute(text(
            "SELECT db_user, reason FROM audit_log WHERE action = 'incident.edit' "
            "AND entity_id = :i"), {"i": incident}).one()
    assert tuple(row) == ("cc_u_zhiban1", "来电人回拨补充")
