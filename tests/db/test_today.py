"""One "today": the map's 今日新增 and the overview's 今日事件 count the same incidents (issue 10,
bug 11: 37 on the map, 39 in the overview, on one wall)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.db.engine import make_engine
from command_center.services import intake, map_data, overview
from command_center.services.audit import Actor


def test_the_map_and_the_overview_count_the_same_incidents_today(seeded_copy: str) -> None:
    engine = make_engine(seeded_copy)
    operator = Actor(None, "张敏")
    try:
        with Session(engine) as s:
            leaf = s.execute(text(
                "SELECT code FROM categories c WHERE NOT EXISTS "
                "(SELECT 1 FROM categories k WHERE k.parent_code = c.code) ORDER BY code LIMIT 1"
            )).scalar_one()
            before = map_data.map_kpis(s).new_today
            assert overview.county_kpis(s).incidents_today == before
            draft = intake.IncidentDraft(
                channel_code="hotline_12345", title="东街路灯不亮", category_code=leaf,
                description="整条街都黑了",
                address="城关镇", lon=100.81, lat=38.43,
            )
            first = intake.create_incident(s, operator, draft)
            # the same lamp reported again, merged into the first as a repeat
            intake.create_and_merge(s, operator, draft, first.id)
        with Session(engine) as s:
            on_map = map_data.map_kpis(s).new_today
            in_overview = overview.county_kpis(s).incidents_today
    finally:
        engine.dispose()
    assert on_map == in_overview == before + 1
