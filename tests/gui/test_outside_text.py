"""Text from outside is text: an incident whose title, description, address and reporter carry
HTML (as a POST, an import or a typed call can) shows the characters it is made of in the
queue (cells and tooltips), the details panel (labels and tooltips), the map's card and the
map page (tooltips and labels drawn by map.js), never a red headline, a link or an image."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGui_Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QTreeWidget, QWidget
from sqlalchemy.orm import Session

from command_center.services import intake, map_data
from command_center.services import queue as svc
from command_center.services.audit import Actor
from command_center.views.map.widgets import IncidentCardPanel
from command_center.views.queue.queue_view import IncidentQueueView

WAIT = 10_000
HEADLINE = '<h1 style="color:red">紧急通知</h1>'
LINK = '<a href="http://x">点我</a>'
IMAGE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def shown(text: str, fmt: Qt.TextFormat) -> str:
    """What a person reads in a label or tooltip holding ``text`` in format ``fmt``: rich text
    (or auto text that looks like it, as tooltips are) is rendered first."""
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and QtGui_Qt.mightBeRichText(text)
    )
    if not rich:
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText().replace("\xa0", " ")


def literal(text: str) -> bool:
    """Any of the markup shows as its characters; none of it was taken for markup."""
    return any(m in text for m in (HEADLINE, LINK, IMAGE, "<h1", "<a href", "<img"))


def _tree_tips(tree: QTreeWidget) -> list[str]:
    out = []
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        out += [item.toolTip(c) for c in range(tree.columnCount()) if item.toolTip(c)]
    return out


@pytest.fixture
def incident(db: Any) -> int:
    """An incident taken as a call, its every text from outside carrying HTML."""
    with db.sessions() as s:
        made = intake.create_incident(
            s,
            Actor(None, "张敏"),
            intake.IncidentDraft(
                channel_code="hotline_12345",
                title=f"{HEADLINE}{IMAGE}",
                description=f"{HEADLINE}\n请{LINK}\n{IMAGE}",
                address=f"{LINK}东大街",
                reporter_name=f"<b>王</b>{IMAGE}"[:64],
                reporter_phone="13800000000",
                lon=100.81,
                lat=38.43,
            ),
        )
    return made.id


def test_the_queue_and_the_details_show_markup_as_text(  # type: ignore[no-untyped-def]
    qtbot, cc_app, db, runner, incident
) -> None:
    from command_center.services import auth

    with db.sessions() as s:
        user = auth.authenticate(s, "zhiban1", "demo")
    view = IncidentQueueView(runner, None, user)
    qtbot.addWidget(view)
    view.show()
    try:
        _check_the_queue(qtbot, view, incident)
    finally:
        view.shutdown()


def _check_the_queue(qtbot, view, incident: int) -> None:  # type: ignore[no-untyped-def]
    view.apply_filter(svc.QueueFilter(statuses=("new",)))
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.model.loading, timeout=WAIT)
    view.select_incident(incident)
    qtbot.waitUntil(
        lambda: view.details.details is not None and view.details.details.incident.id == incident,
        timeout=WAIT,
    )
    # (a) the queue: the cells hold the characters; item views draw them as plain text, and no
    # delegate draws them otherwise; the tooltips, which Qt would take for rich text, are
    # escaped so they read as the same characters
    model, row = view.model, view.model.row_of(incident)
    assert view.table.itemDelegate().metaObject().className() == "QStyledItemDelegate"
    title = model.index(row, model.column_of("title"))
    assert title.data(Qt.ItemDataRole.DisplayRole) == f"{HEADLINE}{IMAGE}"
    for col in range(model.columnCount()):
        tip = model.index(row, col).data(Qt.ItemDataRole.ToolTipRole)
        if tip and literal(tip):
            assert literal(shown(tip, Qt.TextFormat.AutoText)), tip
    assert HEADLINE in shown(title.data(Qt.ItemDataRole.ToolTipRole), Qt.TextFormat.AutoText)
    # (b) the details: every label reads the characters as given (the reporter as an operator
    # reads it after "show in full": the reveal itself is tested in test_personal_data.py)
    details = view.details
    details.show_reporter(incident, f"<b>王</b>{IMAGE}"[:64], "13800000000")
    texts = [
        shown(label.text(), label.textFormat())
        for label in details.findChildren(QLabel)
        if literal(label.text()) or "&lt;" in label.text()
    ]
    read = "\n".join(texts)
    for piece in (HEADLINE, LINK, IMAGE, f"{LINK}东大街", "<b>王</b>"):
        assert piece in read, piece
    assert details.title.textFormat() == Qt.TextFormat.PlainText
    # the history quotes the title in its summary: its tooltip too reads as text
    tips = _tree_tips(details.history)
    assert tips and all(literal(shown(t, Qt.TextFormat.AutoText)) for t in tips if literal(t))
    assert any(HEADLINE in shown(t, Qt.TextFormat.AutoText) for t in tips)
    # a message quoting the incident is text as well
    details.show_message(f"「{HEADLINE}」")
    assert details.message.textFormat() == Qt.TextFormat.PlainText


def test_the_map_card_shows_markup_as_text(qtbot, cc_app, db, incident) -> None:  # type: ignore[no-untyped-def]
    with Session(db.engine) as s:
        card = map_data.incident_card(s, incident)
    assert card is not None
    panel = IncidentCardPanel()
    qtbot.addWidget(panel)
    panel.show_loading(incident)
    panel.show_card(card)
    labels: list[QWidget] = panel.findChildren(QLabel)
    read = "\n".join(shown(lb.text(), lb.textFormat()) for lb in labels)  # type: ignore[attr-defined]
    assert f"{HEADLINE}{IMAGE}" in read and f"{LINK}东大街" in read
    for lb in labels:
        if literal(lb.text()):  # type: ignore[attr-defined]
            assert lb.textFormat() == Qt.TextFormat.PlainText  # type: ignore[attr-defined]


def _js(qtbot, view, script: str) -> Any:  # type: ignore[no-untyped-def]
    box: list[object] = []
    view.evaluate(f"JSON.stringify({script})", box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT)
    return json.loads(box[0])  # type: ignore[arg-type]


def test_the_map_page_escapes_what_it_draws(qtbot, cc_app, db, runner, live) -> None:  # type: ignore[no-untyped-def]
    """map.js builds tooltips and labels as HTML: every name and summary in them is escaped."""
    from command_center.views.map.map_view import MapView

    view = MapView(runner, live)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    with qtbot.waitSignal(
        view.bridge.sig_push_done,
        timeout=30_000,
        check_params_cb=lambda m, _ms: m == "setIncidents",
    ):
        view.show()
    try:
        _check_the_page(qtbot, view)
    finally:
        view.shutdown()


def _check_the_page(qtbot, view) -> None:  # type: ignore[no-untyped-def]
    cols = {
        "id": [1], "number": [f"JF{IMAGE}"], "summary": [f"{HEADLINE}{LINK}"],
        "lon": [100.81], "lat": [38.43], "risk": [3], "risk_text": {"3": "高"},
    }  # fmt: skip
    workers = {"id": [1], "name": [f"{IMAGE}李四"], "ages": ["1小时"], "age_h": [1],
               "lon": [100.82], "lat": [38.44]}  # fmt: skip
    with qtbot.waitSignal(
        view.bridge.sig_push_done, timeout=WAIT, check_params_cb=lambda m, _: m == "setWorkers"
    ):
        view.push("setDisputes", cols)
        view.push("setWorkers", workers)
    got = _js(
        qtbot,
        view,
        """(function () {
          ccMap.setVisible("disputes", true); ccMap.setVisible("workers", true);
          var out = [];
          var maps = Object.keys(window).map(function (k) { return window[k]; })
            .filter(function (v) { return v instanceof L.Map; });
          maps[0].eachLayer(function (l) {
            if (l.getTooltip && l.getTooltip()) {
              l.openTooltip();
              var el = l.getTooltip().getElement();
              out.push({text: el.textContent, tags: el.querySelectorAll("h1, a, img").length});
            }
          });
          return out;
        })()""",
    )
    assert len(got) >= 2
    text = "\n".join(t["text"] for t in got)
    assert HEADLINE in text and LINK in text and IMAGE in text
    assert all(t["tags"] == 0 for t in got), got
