"""After the county approves a boundary import elsewhere, the map wall draws the new lines
(the live channel: admin_areas notices), without reloading its page."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import mapping, shape
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.services import boundary_review
from command_center.services.audit import Actor


@pytest.fixture
def database_url(seeded_copy: str) -> str:
    return seeded_copy


def test_an_approved_import_redraws_the_boundaries(qtbot, db, runner, live, other_engine) -> None:  # type: ignore[no-untyped-def]
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
    loads: list[bool] = []
    view.page.loadStarted.connect(lambda: loads.append(True))
    pushed: list[dict] = []
    push = view.push

    def recording(method: str, *args):  # type: ignore[no-untyped-def]
        if method == "setBoundaries":
            pushed.append(args[0])
        return push(method, *args)

    view.push = recording  # type: ignore[method-assign]

    with Session(other_engine) as s:
        grid_id, name, village, town, geometry = s.execute(
            text(
                "SELECT g.id, g.name, v.name, t.name, g.geometry FROM admin_areas g "
                "JOIN admin_areas v ON v.id = g.parent_id JOIN admin_areas t ON t.id = v.parent_id "
                "WHERE g.level = 'grid' ORDER BY g.id LIMIT 1"
            )
        ).one()
        smaller = mapping(shape(geometry).buffer(-20 / 111_320, join_style="mitre"))
        data = json.dumps(
            {"type": "Feature", "properties": {"name": name}, "geometry": smaller}
        ).encode("utf-8")
        plan = boundary_review.plan(
            s, data, level="grid", crs="gcj02", parent=f"{town}/{village}", file_name="g.json"
        )
        draft = boundary_review.submit(s, Actor(None, "测试"), plan)
        with qtbot.waitSignal(
            view.bridge.sig_push_done,
            timeout=20_000,
            check_params_cb=lambda m, _ms: m == "setBoundaries",
        ):
            boundary_review.approve(s, Actor(None, "测试"), draft)
    (sent,) = pushed
    (feature,) = [f for f in sent["layers"]["grid"]["features"] if f["properties"]["id"] == grid_id]
    drawn = shape(feature["geometry"])
    assert drawn.area < shape(geometry).area
    assert drawn.symmetric_difference(shape(smaller)).area < 1e-9
    assert loads == []  # the page was not reloaded
    view.shutdown()
