"""Grid-worker metrics and data-quality checks on a copy of the demo county, each recomputed
independently in SQL or provoked by a change a user would make."""

from __future__ import annotations

import datetime as dt

from command_center.db.engine import make_engine, make_session_factory
from command_center.services import data_quality, overview, worker_metrics
from command_center.services.audit import Actor
from tests.db.conftest import q as _q

ACTOR = Actor(None, "测试值班员")


def _session(db: str):  # type: ignore[no-untyped-def]
    return make_session_factory(make_engine(db))()


def test_the_county_active_ratio_matches_sql_and_the_overview(seeded_copy: str) -> None:
    db = seeded_copy
    with _session(db) as session:
        day = worker_metrics.today()
        county, towns = worker_metrics.active_ratio(session, "town", day)
        kpis = overview.county_kpis(session)
    # independently: full-time workers in service with an open assignment, and those of them
    # with a check-in in the 30 days ending today
    ((workers, active),) = _q(
        db,
        "SELECT count(DISTINCT w.id), count(DISTINCT w.id) FILTER (WHERE EXISTS ("
        "  SELECT 1 FROM check_ins c WHERE c.worker_id = w.id AND c.day BETWEEN %s AND %s)) "
        "FROM grid_workers w JOIN grid_assignments ga ON ga.worker_id = w.id "
        "AND ga.valid_from <= %s AND (ga.valid_to IS NULL OR ga.valid_to > %s) "
        "WHERE w.kind = 'full_time' AND w.active",
        day - dt.timedelta(days=29),
        day,
        day,
        day,
    )
    assert (county.workers, county.active) == (workers, active)
    assert 0.75 < county.ratio < 0.87  # the demo's 81% (Minle: 81.1%)
    assert county.active == kpis.active_workers
    assert sum(t.workers for t in towns) >= county.workers and len(towns) == 12
    series = worker_metrics.ratio_by_day(session, 30, day)
    assert series[-1] == (day, county.ratio)


def test_inactive_workers_are_listed_and_a_reminder_is_recorded_and_audited(
    seeded_copy: str,
) -> None:
    db = seeded_copy
    with _session(db) as session:
        listed = worker_metrics.inactive(session, 7)
        assert listed and all((r.days_since or 999) >= 7 for r in listed)
        first = listed[0]
        worker_metrics.remind(session, ACTOR, [first.worker_id], 7)
        again = {r.worker_id: r for r in worker_metrics.inactive(session, 7)}
        assert again[first.worker_id].reminded_at is not None
    assert _q(
        db,
        "SELECT count(*) FROM audit_log WHERE action = 'worker.remind' AND entity_id = %s",
        first.worker_id,
    ) == [(1,)]


def test_each_quality_check_finds_what_was_broken(seeded_copy: str) -> None:
    db = seeded_copy
    ((grid_id, grid_code),) = _q(
        db,
        "SELECT g.id, g.code FROM admin_areas g WHERE g.level = 'grid' ORDER BY g.code LIMIT 1",
    )
    ((worker_id, lat, lon),) = _q(
        db,
        "SELECT w.id, g.label_lat, g.label_lon FROM grid_workers w "
        "JOIN grid_assignments ga ON ga.worker_id = w.id AND ga.valid_to IS NULL "
        "JOIN admin_areas g ON g.id = ga.area_id AND g.level = 'grid' "
        "WHERE w.kind = 'full_time' AND w.active AND g.id <> %s ORDER BY w.code LIMIT 1",
        grid_id,
    )
    with _session(db) as session:
        before = {c: 0 for c in data_quality.CHECKS}
        for f in data_quality.run_all(session, 7):
            before[f.check] += 1
    # the demo leaves 8 grids unstaffed and has workers serving two grids
    assert before["unstaffed"] == 8 and before["multi_grid"] > 0
    _q(
        db,
        "WITH u AS (UPDATE admin_areas SET population = NULL WHERE id = %s RETURNING 1) "
        "SELECT count(*) FROM u",
        grid_id,
    )
    _q(
        db,
        "WITH u AS (UPDATE grid_assignments SET valid_to = valid_from WHERE area_id = %s "
        "RETURNING 1) SELECT count(*) FROM u",
        grid_id,
    )
    _q(
        db,
        "WITH d AS (DELETE FROM check_ins WHERE worker_id = %s RETURNING 1) SELECT count(*) FROM d",
        worker_id,
    )
    day = worker_metrics.today()
    _q(
        db,
        "WITH i AS (INSERT INTO check_ins (worker_id, day, at, lon, lat) VALUES "
        "(%s, %s, now(), %s, %s) RETURNING 1) SELECT count(*) FROM i",
        worker_id,
        day - dt.timedelta(days=10),
        lon + 0.5,
        lat,
    )
    with _session(db) as session:
        found = data_quality.run_all(session, 7)
        far = data_quality.far_check_ins(session, 30)  # the check-in was 10 days ago
        csv = data_quality.write_csv(found).decode("utf-8-sig")
    mine = {(f.check, f.subject_id) for f in found}
    assert ("no_population", grid_id) in mine
    assert ("far_check_in", worker_id) not in mine
    assert any(f.subject_id == worker_id and "公里" in f.detail for f in far)
    assert ("no_check_in", worker_id) in mine
    assert any(f.check == "unstaffed" and f.label.startswith(grid_code) for f in found) or (
        ("unstaffed", grid_id) in mine
    )
    assert "网格缺人口或户数 / grid without population or households" in csv
    assert len(csv.splitlines()) == len(found) + 1


def test_a_workers_calendar_and_the_points_ledger(seeded_copy: str) -> None:
    db = seeded_copy
    ((wid, days),) = _q(
        db,
        "SELECT worker_id, count(*) FROM check_ins WHERE day > %s GROUP BY worker_id "
        "ORDER BY worker_id LIMIT 1",
        worker_metrics.today() - dt.timedelta(days=90),
    )
    with _session(db) as session:
        cal = worker_metrics.calendar(session, wid, 90)
        lines, balance = worker_metrics.points_ledger(session, wid)
        ranking = worker_metrics.town_ranking(worker_metrics.reports_per_worker(session, 365))
    assert len(cal) == 90 and sum(d.check_ins for d in cal) == days
    ((total,),) = _q(
        db, "SELECT COALESCE(sum(points), 0) FROM points_ledger WHERE worker_id = %s", wid
    )
    assert balance == total and all(line.reason for line in lines)
    assert len(ranking) == 12 and ranking[0][3] >= ranking[-1][3]
