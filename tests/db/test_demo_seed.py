"""The demo county as an operator would check it: the real figures, clean geometry, and
incident histories that agree with the audit log."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
import shapely
from shapely.geometry import shape

from command_center.db.engine import make_engine
from command_center.demo.geography import area_km2
from command_center.demo.seed import seed_demo
from tests.conftest import SEED_UNTIL, TEST_SCALE
from tests.db.conftest import q as _q


def test_status_json_reports_the_real_figures(seeded_db: str) -> None:
    env = {**os.environ, "COMMAND_CENTER_DATABASE_URL": ""}
    out = subprocess.run(
        [sys.executable, "-m", "command_center", "--database-url", seeded_db, "status", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,
    )
    status = json.loads(out.stdout)
    assert status["towns"] == 12
    assert status["villages_communities"] == 186
    assert status["grids"] == 448
    assert status["micro_grids"] == 896
    assert status["full_time_grid_workers"] == 404
    assert status["micro_grid_workers"] == 896
    assert status["departments"] == 10
    assert status["incidents"] >= 60_000 * TEST_SCALE * 0.95
    assert 0 < status["open_work_orders"] < status["incidents"]
    assert status["dispute_cases"] == round(1500 * TEST_SCALE)
    assert status["schema_revision"] == status["schema_head"]
    assert status["embedded"] is False
    assert "password" not in out.stdout


def test_grids_cover_the_county_without_overlap(seeded_db: str) -> None:
    county = _q(seeded_db, "SELECT geometry FROM admin_areas WHERE level = 'county'")
    grids = _q(seeded_db, "SELECT code, geometry FROM admin_areas WHERE level = 'grid'")
    outline = shape(county[0][0])
    polys = [shape(g) for _, g in grids]
    assert all(p.is_valid and not p.is_empty for p in polys)
    total = sum(area_km2(p) for p in polys)
    assert abs(total - area_km2(outline)) / area_km2(outline) < 0.005
    tree = shapely.STRtree(polys)
    left, right = tree.query(polys, predicate="intersects")
    worst = 0.0
    for i, j in zip(left, right, strict=True):
        if i < j:
            overlap = polys[i].intersection(polys[j]).area
            worst = max(worst, overlap / min(polys[i].area, polys[j].area))
    assert worst < 1e-6, f"two grids overlap by {worst:.2e} of the smaller one"


def test_every_incident_state_agrees_with_its_audit_history(seeded_db: str) -> None:
    mismatched = _q(
        seeded_db,
        """
        WITH last AS (
            SELECT DISTINCT ON (entity_id) entity_id, after->>'status' AS status
            FROM audit_log
            WHERE entity_type = 'incident' AND after ? 'status'
            ORDER BY entity_id, at DESC, id DESC
        )
        SELECT i.number, i.status, last.status
        FROM incidents i LEFT JOIN last ON last.entity_id = i.id
        WHERE last.status IS DISTINCT FROM i.status
        LIMIT 5
        """,
    )
    assert mismatched == []
    # nothing in the future, every closed incident has its return visit
    assert _q(seeded_db, "SELECT count(*) FROM audit_log WHERE at > %s", SEED_UNTIL)[0][0] == 0
    assert (
        _q(
            seeded_db,
            "SELECT count(*) FROM incidents i WHERE status = 'closed' AND NOT EXISTS "
            "(SELECT 1 FROM return_visits v WHERE v.incident_id = i.id)",
        )[0][0]
        == 0
    )


def test_the_year_has_every_channel_and_realistic_rhythms(seeded_db: str) -> None:
    channels = dict(_q(seeded_db, "SELECT channel_code, count(*) FROM incidents GROUP BY 1"))
    assert set(channels) == {c for (c,) in _q(seeded_db, "SELECT code FROM channels")}
    by_dow = dict(
        _q(
            seeded_db,
            "SELECT extract(isodow FROM reported_at AT TIME ZONE 'Asia/Shanghai')::int, count(*) "
            "FROM incidents GROUP BY 1",
        )
    )
    assert by_dow[7] < by_dow[2] * 0.8  # quieter Sundays
    by_hour = dict(
        _q(
            seeded_db,
            "SELECT extract(hour FROM reported_at AT TIME ZONE 'Asia/Shanghai')::int, count(*) "
            "FROM incidents GROUP BY 1",
        )
    )
    assert by_hour.get(3, 0) * 4 < by_hour[10]  # the small hours are quiet
    texts = _q(seeded_db, "SELECT count(DISTINCT description), count(*) FROM incidents")[0]
    assert texts[0] > 0.97 * texts[1]  # varied descriptions, not one template
    statuses = {s for (s,) in _q(seeded_db, "SELECT DISTINCT status FROM incidents")}
    assert {"dispatched", "in_progress", "resolved", "closed", "merged"} <= statuses


def test_about_81_percent_of_grid_workers_active_in_the_last_30_days(seeded_db: str) -> None:
    active, total = _q(
        seeded_db,
        """
        SELECT count(DISTINCT c.worker_id), (SELECT count(*) FROM grid_workers
                                            WHERE kind = 'full_time' AND active)
        FROM check_ins c JOIN grid_workers w ON w.id = c.worker_id
        WHERE w.kind = 'full_time' AND w.active AND c.day > %s::date - 30
        """,
        SEED_UNTIL.date(),
    )[0]
    assert total == 404
    assert 0.80 <= active / total <= 0.82


def test_grids_with_no_worker_and_workers_with_two_grids_exist(seeded_db: str) -> None:
    """The data-quality findings the centre checks must have something to find."""
    unstaffed = _q(
        seeded_db,
        """
        SELECT count(*) FROM admin_areas g WHERE g.level = 'grid' AND NOT EXISTS (
            SELECT 1 FROM grid_assignments a JOIN grid_workers w ON w.id = a.worker_id
            WHERE a.area_id = g.id AND a.valid_to IS NULL AND w.kind = 'full_time')
        """,
    )[0][0]
    doubles = _q(
        seeded_db,
        """
        SELECT count(*) FROM (SELECT a.worker_id FROM grid_assignments a
            JOIN grid_workers w ON w.id = a.worker_id
            WHERE w.kind = 'full_time' AND a.valid_to IS NULL GROUP BY 1 HAVING count(*) > 1) x
        """,
    )[0][0]
    assert 0 < unstaffed < 20
    assert doubles > 0


def test_seed_is_deterministic_and_refuses_a_second_county(db_url: str, seeded_db: str) -> None:
    engine = make_engine(db_url)
    try:
        seed_demo(engine, scale=TEST_SCALE, seed=7, until=SEED_UNTIL, progress=False)
        with pytest.raises(RuntimeError, match="already holds a county"):
            seed_demo(engine, scale=TEST_SCALE, seed=7, until=SEED_UNTIL, progress=False)
    finally:
        engine.dispose()
    digest = (
        "SELECT md5(string_agg(number || status || title || description || coalesce(lon::text,'')"
        " || reported_at::text, '|' ORDER BY id)) FROM incidents"
    )
    assert _q(db_url, digest) == _q(seeded_db, digest)
    geo = "SELECT md5(string_agg(code || geometry::text, '|' ORDER BY id)) FROM admin_areas"
    assert _q(db_url, geo) == _q(seeded_db, geo)


def test_a_different_seed_gives_a_different_county(db_url: str, seeded_db: str) -> None:
    engine = make_engine(db_url)
    try:
        seed_demo(engine, scale=0.01, seed=8, until=SEED_UNTIL, progress=False)
    finally:
        engine.dispose()
    q = (
        "SELECT md5(string_agg(geometry::text, '|' ORDER BY code)) FROM admin_areas "
        "WHERE level = 'grid'"
    )
    assert _q(db_url, q) != _q(seeded_db, q)
    assert _q(db_url, "SELECT count(*) FROM admin_areas WHERE level='grid'")[0][0] == 448


def test_deadlines_skip_the_national_day_holiday() -> None:
    from command_center.services.calendar import official_calendar

    cal = official_calendar()
    tz = dt.timezone(dt.timedelta(hours=8))
    # dispatched Tuesday 30 Sep 2025, 3 working days: Oct 1–8 are holidays, Sat 11 Oct works
    start = dt.datetime(2025, 9, 30, 15, 0, tzinfo=tz)
    assert cal.add_working_days(start, 3).date() == dt.date(2025, 10, 11)
    assert cal.is_working_day(dt.date(2026, 2, 14))  # Saturday make-up day before 春节
    assert not cal.is_working_day(dt.date(2026, 2, 16))


def test_live_notifications_are_on_again_after_the_seed(seeded_db: str) -> None:
    triggers = _q(
        seeded_db, "SELECT tgname, tgenabled FROM pg_trigger WHERE tgname LIKE 'cc_notify_%%'"
    )
    assert len(triggers) >= 8
    assert {enabled for _, enabled in triggers} == {"O"}  # enabled for ordinary sessions


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("incidents", "reported_at"),
        ("work_orders", "dispatched_at"),
        ("supervision_orders", "created_at"),
        ("check_ins", "at"),
        ("patrols", "ended_at"),
        ("points_ledger", "at"),
        ("score_points", "at"),
        ("dispute_cases", "received_at"),
    ],
)
def test_nothing_the_seed_writes_lies_after_its_now(
    seeded_db: str, table: str, column: str
) -> None:
    """The demo county ends "now": a record dated later would sort above what an operator does
    next (a redemption an hour after the seed's last moment had done so)."""
    ((n,),) = _q(seeded_db, f"SELECT count(*) FROM {table} WHERE {column} > %s", SEED_UNTIL)
    assert n == 0
