"""The map view's parts on their own: the data layers' words and the wall's cycling."""

from __future__ import annotations

from typing import Any

from command_center.views.map.layers import DATA_LAYERS
from command_center.views.map.wall_cycle import WallCycle


class _Page:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def push(self, method: str, *args: Any) -> None:
        self.calls.append((method, args))


def test_the_data_layers_show_their_words_in_chinese(cc_app) -> None:  # type: ignore[no-untyped-def]
    page = _Page()
    DATA_LAYERS["choropleth"].show(page, {7: 3})
    DATA_LAYERS["workers"].show(page, {"id": [1, 2, 3], "age_h": [0.5, 5.0, 72.0]})
    DATA_LAYERS["cameras"].show(page, {"id": [1], "online": [0]})
    DATA_LAYERS["disputes"].show(page, {"id": [1], "risk": [2]})
    pushed = dict(page.calls)
    assert pushed["setChoropleth"] == ({"counts": {7: 3}, "title": "各网格事件数"},)
    assert pushed["setWorkers"][0]["ages"] == ["30 分钟前签到", "5 小时前签到", "3 天前签到"]
    assert pushed["setCameras"][0]["offline_text"] == "离线"
    assert pushed["setDisputes"][0]["risk_text"] == ["低风险", "中风险", "高风险", "重大风险"]


def test_the_wall_cycles_through_the_views_and_gives_the_filter_back(qtbot) -> None:  # type: ignore[no-untyped-def]
    shown: list[str] = []
    state = {"filter": "mine"}

    def apply_view(view: dict[str, Any]) -> None:
        shown.append(view["name"])
        state["filter"] = view["name"]

    cycle = WallCycle(apply_view, lambda: state["filter"], lambda s: state.update(filter=s))
    cycle.start([{"name": "全县"}, "not a view", {"name": "超期件"}], 1)
    try:
        assert cycle.is_active and shown == ["全县"]
        qtbot.waitUntil(lambda: len(shown) >= 3, timeout=5_000)
        assert shown[:3] == ["全县", "超期件", "全县"]
    finally:
        cycle.stop()
    assert not cycle.is_active
    assert state["filter"] == "mine"


def test_one_saved_view_does_not_cycle(qtbot) -> None:  # type: ignore[no-untyped-def]
    shown: list[dict[str, Any]] = []
    cycle = WallCycle(shown.append, lambda: "mine", lambda _s: None)
    cycle.start([{"name": "全县"}], 1)
    assert not cycle.is_active and shown == []
    cycle.stop()


def test_markup_from_outside_shows_literally_in_the_card(qtbot, cc_app) -> None:  # type: ignore[no-untyped-def]
    """A POSTed request's title or address with HTML is shown as the characters it is made of,
    never as a red headline, a link or an image on the duty desk."""
    import datetime as dt

    from PySide6.QtCore import Qt

    from command_center import clock
    from command_center.services.map_data import IncidentCard
    from command_center.views.map.widgets import IncidentCardPanel

    title = '<h1 style="color:red">紧急通知：全员撤离</h1>'
    address = '<a href="http://x">点此</a><img src="http://x/a.png">'
    panel = IncidentCardPanel()
    qtbot.addWidget(panel)
    panel.show_loading(1)  # as a click on the map does
    panel.show_card(
        IncidentCard(
            1, "SJ<b>1</b>", title, "<i>类</i>", None, "new", clock.now(),
            clock.now() - dt.timedelta(hours=1), True, address, "<u>网格</u>", None,
        )
    )
    shown = {
        "number": panel.number, "title": panel.title, "address": panel.fields["address"],
        "category": panel.fields["category"], "grid": panel.fields["grid"],
    }
    for name, label in shown.items():
        assert label.textFormat() == Qt.TextFormat.PlainText, name
    assert panel.title.text() == title
    assert panel.fields["address"].text() == address
    assert panel.number.text() == "SJ<b>1</b>"
    assert "超期" in panel.fields["deadline"].text()  # the program's own mark-up still works
