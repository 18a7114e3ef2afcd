"""The grid workers' roster (edits with history, the CSV/XLSX import all or nothing), points
redemption (refused past the balance by the database too), the records behind each metric,
the supervisor's notice of a reminder, the data-quality fixes and one notice per batch of
check-ins — on real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import json

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.db.engine import libpq_url, make_engine, make_session_factory
from command_center.interop import tabular
from command_center.services import (
    attention,
    data_quality,
    field,
    queue,
    roster,
    worker_metrics,
)
from command_center.services.audit import Actor
from tests.conftest import login_url
from tests.db.conftest import q
from tests.db.test_bulk_notify import _notices

CLERK = Actor(None, "测试值班员")


def _actor(session: Session, username: str) -> Actor:
    uid, name = session.execute(
        text("SELECT id, display_name FROM app_users WHERE username = :u"), {"u": username}
    ).one()
    return Actor(uid, name)


def _grid(session: Session, n: int = 0) -> tuple[int, str, str]:
    return tuple(  # type: ignore[return-value]
        session.execute(
            text(
                "SELECT id, code, name FROM admin_areas WHERE level = 'grid' AND valid_to IS NULL "
                "ORDER BY code OFFSET :n LIMIT 1"
            ),
            {"n": n},
        ).one()
    )


def _id_number(body: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def _csv(rows: list[list[str]]) -> tabular.Table:
    out = io.StringIO()
    for r in rows:
        out.write(",".join(r) + "\n")
    return tabular.read_bytes(out.getvalue().encode("utf-8-sig"), "roster.csv")


# --- edits with history -----------------------------------------------------------------


def test_a_worker_moved_to_another_grid_keeps_the_history_and_a_stale_edit_is_refused(
    session: Session, county
) -> None:
    today = worker_metrics.today()
    (g1, _c1, n1), (g2, _c2, n2) = _grid(session, 0), _grid(session, 1)
    wid = roster.add(
        session,
        CLERK,
        code="WGYT0001",
        name="测试员",
        kind="专职网格员",
        id_number=_id_number("62072219900101001"),
        area_id=g1,
        valid_from=today - dt.timedelta(days=100),
    )
    (row,) = roster.workers(session, worker_ids=[wid])
    assert row.id_number_masked == roster.mask_id(_id_number("62072219900101001"))
    assert row.id_number_masked.count("*") == 10
    assert n1 in row.serving and row.version == 1
    moved = today - dt.timedelta(days=10)
    roster.assign(session, CLERK, wid, row.version, g2, valid_from=moved)
    with pytest.raises(roster.StaleEdit, match="refresh"):
        roster.change_kind(session, CLERK, wid, row.version, "auxiliary")  # read before the move
    hist = roster.history(session, wid)
    assert [(h.area.split(" / ")[-1], h.valid_from, h.valid_to) for h in hist] == [
        (n2, moved, None),
        (n1, today - dt.timedelta(days=100), moved),
    ]
    # the metrics read the same history: the worker counted in the first grid before the move
    before = {r.id for r in worker_metrics.roster(session, moved - dt.timedelta(days=1))}
    after = {r.id for r in worker_metrics.roster(session, today)}
    assert wid in before and wid in after
    (row,) = roster.workers(session, worker_ids=[wid])
    assert n2 in row.serving and n1 not in row.serving and row.version == 2
    roster.change_kind(session, CLERK, wid, row.version, "micro_grid")
    roster.leave(session, CLERK, wid, row.version + 1, on=today, reason="辞职")
    assert roster.workers(session, worker_ids=[wid]) == []
    (gone,) = roster.workers(session, worker_ids=[wid], include_left=True)
    assert gone.kind == "micro_grid" and not gone.active and gone.left_on == today
    assert all(h.valid_to is not None for h in roster.history(session, wid))
    actions = [
        a
        for (a,) in q(
            county,
            "SELECT action FROM audit_log WHERE entity_type = 'grid_worker' AND entity_id = %s "
            "ORDER BY id",
            wid,
        )
    ]
    assert actions == ["worker.add", "worker.assign", "worker.kind", "worker.leave"]


def test_the_analyst_may_not_edit_the_roster(session: Session) -> None:
    wid, version = session.execute(
        text("SELECT id, version FROM grid_workers WHERE kind = 'full_time' ORDER BY id LIMIT 1")
    ).one()
    with pytest.raises(roster.RosterError, match="only the center"):
        roster.change_kind(session, _actor(session, "yanpan1"), wid, version, "auxiliary")


# --- import -----------------------------------------------------------------------------


def test_a_roster_import_with_one_bad_row_stores_nothing_and_lists_every_reason(
    session: Session, county
) -> None:
    g1, c1, _ = _grid(session, 2)
    (known,) = session.execute(
        text("SELECT code FROM grid_workers WHERE kind = 'full_time' AND active ORDER BY code")
    ).first()
    before = q(county, "SELECT count(*), max(id) FROM grid_workers")
    before_assign = q(county, "SELECT count(*) FROM grid_assignments")
    good_id = _id_number("62072219850505002")
    table = _csv(
        [
            ["人员编号", "姓名", "人员类别", "负责网格", "联系电话", "身份证号"],
            ["WGYT1001", "李新", "专职网格员", c1, "13800001111", good_id],
            ["WGYT1002", "王二", "微网格员", "没有这个网格", "", ""],
            ["WGYT1003", "赵三", "厨师", c1, "", ""],
            ["WGYT1004", "钱四", "辅助", c1, "", "620722198505050020"],
            [known, "改名", "专职网格员", c1, "", ""],
        ]
    )
    mapping = tabular.suggest_mapping(table.headers, roster.FIELDS)
    assert mapping == {
        "code": "人员编号",
        "name": "姓名",
        "kind": "人员类别",
        "area": "负责网格",
        "phone": "联系电话",
        "id_number": "身份证号",
    }
    with pytest.raises(roster.RosterImportRefused) as refused:
        roster.import_rows(session, CLERK, table, mapping)
    reasons = dict(refused.value.rows)
    assert sorted(reasons) == [3, 4, 5]
    assert "没有网格" in reasons[3] and "no grid" in reasons[3]
    assert "类别「厨师」无法识别 / unknown kind" in reasons[4]
    assert "check digit" in reasons[5]
    assert q(county, "SELECT count(*), max(id) FROM grid_workers") == before
    assert q(county, "SELECT count(*) FROM grid_assignments") == before_assign

    # fixed: the dry run plans without storing, the import stores it all, audited
    fixed = _csv(
        [
            ["人员编号", "姓名", "人员类别", "负责网格", "联系电话", "身份证号", "上岗日期"],
            ["WGYT1001", "李新", "专职网格员", c1, "13800001111", good_id, "2026-11-01"],
            ["WGYT1003", "赵三", "律师", c1, "", "", "2026-11-01"],
            [known, "改名", "专职网格员", c1, "", "", "2026-11-01"],
        ]
    )
    plan = roster.import_rows(
        session, CLERK, fixed, mapping | {"valid_from": "上岗日期"}, dry_run=True
    )
    assert (plan.added, plan.changed) == (2, 1)
    assert q(county, "SELECT count(*), max(id) FROM grid_workers") == before
    done = roster.import_rows(session, CLERK, fixed, mapping | {"valid_from": "上岗日期"})
    assert (done.added, done.changed) == (2, 1)
    rows = {r.code: r for r in roster.workers(session, search="WGYT100")}
    assert rows["WGYT1001"].id_number_masked == roster.mask_id(good_id)
    assert rows["WGYT1003"].kind == "lawyer"
    (renamed,) = roster.workers(session, search=known)
    assert renamed.name == "改名" and g1 in {h.area_id for h in roster.history(session, renamed.id)}
    assert q(county, "SELECT count(*) FROM audit_log WHERE action = 'worker.import'") == [(1,)]


def test_the_preview_masks_identity_numbers_as_the_database_does(county) -> None:
    number = _id_number("62072219880315001")
    ((masked,),) = q(county, "SELECT cc_mask_id(%s)", number)
    assert roster.mask_id(number) == masked


# --- points -----------------------------------------------------------------------------


def test_a_redemption_is_traced_and_refused_past_the_balance_here_and_in_the_database(
    seeded_copy: str,
) -> None:
    engine = make_engine(seeded_copy)
    with make_session_factory(engine)() as s:
        wid = s.scalar(
            text(
                "SELECT worker_id FROM points_ledger GROUP BY worker_id "
                "HAVING sum(points) BETWEEN 100 AND 400 ORDER BY worker_id LIMIT 1"
            )
        )
        have = worker_metrics.balance(s, wid)
        clerk = _actor(s, "zhiban1")
        left = worker_metrics.redeem(
            s, clerk, wid, store="平安超市（洪水）", item="食用油", quantity=2, points_each=25
        )
        assert left == have - 50 == worker_metrics.balance(s, wid)
        lines, bal = worker_metrics.points_ledger(s, wid)
        assert bal == left
        assert lines[0].points == -50 and lines[0].cause == "平安超市（洪水） 食用油 ×2 经办 王丽娟"
        with pytest.raises(worker_metrics.RedemptionError, match="not enough points"):
            worker_metrics.redeem(
                s, clerk, wid, store="平安超市（洪水）", item="大米", quantity=1,
                points_each=left + 1,
            )  # fmt: skip
        assert worker_metrics.balance(s, wid) == left
    engine.dispose()
    # the database refuses it too, whatever program writes it, and an entry cannot be changed
    with psycopg.connect(libpq_url(login_url(seeded_copy, "zhiban1")), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.CheckViolation, match="积分余额不足"):
            conn.execute(
                "INSERT INTO points_ledger (worker_id, at, points, reason, store, item, quantity,"
                " operator) VALUES (%s, now(), %s, 'redeem', '平安超市', '大米', 1, 'x')",
                (wid, -(left + 1)),
            )
        with pytest.raises(psycopg.errors.CheckViolation):  # a redemption names its item
            conn.execute(
                "INSERT INTO points_ledger (worker_id, at, points, reason, store) "
                "VALUES (%s, now(), -1, 'redeem', '平安超市')",
                (wid,),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE points_ledger SET points = 1000 WHERE worker_id = %s", (wid,))
    assert q(seeded_copy, "SELECT sum(points) FROM points_ledger WHERE worker_id = %s", wid) == [
        (left,)
    ]
    assert q(
        seeded_copy,
        "SELECT count(*) FROM audit_log WHERE action = 'points.redeem' AND entity_id = %s",
        wid,
    ) == [(1,)]


# --- the records behind the figures -----------------------------------------------------


def test_every_figure_opens_exactly_the_records_it_counts(session: Session, county) -> None:
    day = worker_metrics.today()
    county_ratio, towns = worker_metrics.active_ratio(session, "town", day)
    for t in towns[:4]:
        behind = worker_metrics.workers_behind(session, day=day, town_id=t.area_id)
        assert len(behind) == t.workers and sum(w.active for w in behind) == t.active
    # independently in SQL: a town's workers and the active ones
    t = towns[0]
    ((n, active),) = q(
        county,
        "SELECT count(DISTINCT w.id), count(DISTINCT w.id) FILTER (WHERE EXISTS ("
        " SELECT 1 FROM check_ins c WHERE c.worker_id = w.id AND c.day BETWEEN %s AND %s)) "
        "FROM grid_workers w JOIN grid_assignments ga ON ga.worker_id = w.id "
        " AND ga.valid_from <= %s AND (ga.valid_to IS NULL OR ga.valid_to > %s) "
        "JOIN admin_areas a ON a.id = ga.area_id "
        "JOIN admin_areas g ON g.id = CASE WHEN a.level = 'micro_grid' THEN a.parent_id "
        " ELSE a.id END JOIN admin_areas v ON v.id = g.parent_id "
        "WHERE w.kind = 'full_time' AND w.active AND v.parent_id = %s",
        day - dt.timedelta(days=29),
        day,
        day,
        day,
        t.area_id,
    )
    assert (t.workers, t.active) == (n, active)
    # a point of the series: the active workers on that day
    series = worker_metrics.ratio_by_day(session, 60, day)
    d, ratio = series[20]
    on_day = worker_metrics.workers_behind(session, day=d, roster_day=day)
    assert len(on_day) == county_ratio.workers
    assert sum(w.active for w in on_day) / len(on_day) == pytest.approx(ratio)
    # a ranking row: the incidents its workers reported, as the queue finds them
    per_worker = worker_metrics.reports_per_worker(session, 365, day)
    town, workers, reports, _per = worker_metrics.town_ranking(per_worker)[0]
    ids = [r.worker_id for r in per_worker if r.town == town]
    assert len(ids) == workers
    f = worker_metrics.reports_behind(session, ids, 365, day)
    found = queue.count(session, queue.Query("incidents", f), now=worker_metrics.clock.now())
    assert found.exact and found.value == reports
    rows = queue.page(session, queue.Query("incidents", f), limit=reports + 10)
    assert {r.id for r in rows.rows} == {
        i
        for (i,) in q(
            county,
            "SELECT id FROM incidents WHERE reporter_worker_id = ANY(%s) "
            "AND reported_at >= %s AND reported_at < %s",
            ids,
            dt.datetime.fromisoformat(f.reported_from),
            dt.datetime.fromisoformat(f.reported_to),
        )
    }
    # a calendar cell: the day's check-ins, patrols and reports of one worker
    top = per_worker[0]
    cal = worker_metrics.calendar(session, top.worker_id, 365, day)
    cell = next(c for c in reversed(cal) if c.check_ins and c.reports)
    rec = worker_metrics.day_records(session, top.worker_id, cell.day)
    assert len(rec.check_ins) == cell.check_ins and rec.report_count == cell.reports
    assert sum(k for *_x, k in rec.patrols) == pytest.approx(cell.patrol_km)
    # an inactive row: the worker's check-ins (none in the window)
    lazy = worker_metrics.inactive(session, 7)[0]
    assert (
        worker_metrics.check_ins_of(session, lazy.worker_id, day - dt.timedelta(days=6), day) == []
    )


# --- the supervisor's notice --------------------------------------------------------------


def test_a_reminder_reaches_the_supervisor_who_acknowledges_it_once(seeded_copy: str) -> None:
    engine = make_engine(seeded_copy)
    with make_session_factory(engine)() as s:
        lazy = worker_metrics.inactive(s, 7)[0]
        worker_metrics.remind(s, _actor(s, "zhiban1"), [lazy.worker_id], 7)
        rid = s.scalar(text("SELECT max(id) FROM worker_reminders"))
        got = attention.notices(s, new_reminder_ids=[rid], role_code="supervisor")
        assert [(n.kind, n.reminder_id) for n in got] == [("worker_reminder", rid)]
        assert lazy.name in got[0].title and got[0].department == lazy.town + lazy.village
        # the duty desk is not the supervisor; a supervisor of another town is not either
        assert attention.notices(s, new_reminder_ids=[rid], role_code="duty_operator") == []
        other_town = s.scalar(
            text("SELECT id FROM admin_areas WHERE level = 'town' AND name <> :t LIMIT 1"),
            {"t": lazy.town},
        )
        assert attention.reminder_notices(s, scope_area_id=other_town) == []
        assert [n.reminder_id for n in attention.reminder_notices(s)] == [rid]  # at sign-in
        with pytest.raises(worker_metrics.AcknowledgeError, match="only a supervisor"):
            worker_metrics.acknowledge(s, _actor(s, "zhiban1"), rid)
    engine.dispose()
    clerk_url = libpq_url(login_url(seeded_copy, "zhiban1"))
    with (
        psycopg.connect(clerk_url, autocommit=True) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="督办员"),
    ):
        conn.execute("UPDATE worker_reminders SET acknowledged_at = now() WHERE id = %s", (rid,))
    engine = make_engine(login_url(seeded_copy, "duban1"))
    with make_session_factory(engine)() as s:
        boss = _actor(s, "duban1")
        worker_metrics.acknowledge(s, boss, rid)
        with pytest.raises(worker_metrics.AcknowledgeError, match="already acknowledged"):
            worker_metrics.acknowledge(s, boss, rid)
        assert attention.reminder_notices(s) == []
    engine.dispose()
    assert q(
        seeded_copy,
        "SELECT acknowledged_by FROM worker_reminders WHERE id = %s",
        rid,
    ) == [("张振华",)]
    assert q(seeded_copy, "SELECT count(*) FROM audit_log WHERE action = 'worker.remind_ack'") == [
        (1,)
    ]


# --- data quality ----------------------------------------------------------------------


def test_far_check_ins_are_measured_from_the_grid_boundary_and_each_finding_names_its_fix(
    session: Session, county
) -> None:
    # the demo's check-ins lie inside their workers' grids: none is far by the boundary
    assert data_quality.far_check_ins(session, 30) == []
    wid, gid, lon, lat, geometry = session.execute(
        text(
            "SELECT w.id, g.id, g.label_lon, g.label_lat, g.geometry FROM grid_workers w "
            "JOIN grid_assignments ga ON ga.worker_id = w.id AND ga.valid_to IS NULL "
            "JOIN admin_areas g ON g.id = ga.area_id AND g.level = 'grid' "
            "WHERE w.kind = 'full_time' AND w.active AND NOT EXISTS (SELECT 1 FROM "
            " grid_assignments o WHERE o.worker_id = w.id AND o.id <> ga.id "
            " AND o.valid_to IS NULL) ORDER BY w.code LIMIT 1"
        )
    ).one()
    east, north = max((x, y) for ring in _rings(geometry) for x, y in ring)
    day = worker_metrics.today() - dt.timedelta(days=3)
    session.execute(
        text("DELETE FROM check_ins WHERE worker_id = :w AND day = :d"), {"w": wid, "d": day}
    )
    # 0.01° east of the grid's easternmost vertex (at most 0.9 km outside): not far; 0.05° (at
    # least 4.4 km outside): far
    for offset, d in ((0.01, day), (0.05, day - dt.timedelta(days=1))):
        session.execute(
            text("DELETE FROM check_ins WHERE worker_id = :w AND day = :d"), {"w": wid, "d": d}
        )
        session.execute(
            text(
                "INSERT INTO check_ins (worker_id, day, at, lon, lat) "
                "VALUES (:w, :d, now(), :x, :y)"
            ),
            {"w": wid, "d": d, "x": east + offset, "y": north},
        )
    far = data_quality.far_check_ins(session, 30)
    assert [(f.subject_id, f.day) for f in far] == [(wid, day - dt.timedelta(days=1))]
    assert "边界外" in far[0].detail and far[0].fix == "calendar"
    found = data_quality.run_all(session, 7)
    fixes = {f.check: f.fix for f in found}
    assert fixes["unstaffed"] == "assign" and fixes["multi_grid"] == "roster"
    # the grid's figures are fixed by an administrator, audited
    with pytest.raises(roster.RosterError, match="only an administrator"):
        roster.set_grid_figures(session, _actor(session, "zhiban1"), gid, 500, 150)
    roster.set_grid_figures(session, _actor(session, "admin"), gid, 500, 150)
    assert roster.grid_figures(session, gid)[2:] == (500, 150)
    _ = (lon, lat)


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [r for poly in geometry["coordinates"] for r in poly]


# --- one notice per batch ---------------------------------------------------------------


def test_a_batch_of_check_ins_sends_one_change_notice(seeded_copy: str) -> None:
    engine = make_engine(seeded_copy)
    with make_session_factory(engine)() as s:
        wid, code, name = s.execute(
            text("SELECT id, code, name FROM grid_workers WHERE kind = 'full_time' LIMIT 1")
        ).one()
        s.execute(text("DELETE FROM check_ins WHERE worker_id = :w"), {"w": wid})
        s.commit()
    listener = psycopg.connect(libpq_url(seeded_copy), autocommit=True)
    listener.execute("LISTEN cc_changes")
    now = worker_metrics.clock.now()
    payload = [
        {
            "type": "check_in",
            "client_id": f"batch-{i:04d}",
            "at": (now - dt.timedelta(days=i)).isoformat(),
            "lon": 100.8,
            "lat": 38.4,
        }
        for i in range(60)
    ]
    try:
        with make_session_factory(engine)() as s:
            result = field.receive(s, field.FieldWorker(wid, code, name), payload)
        assert result.stored == 60
        got = _notices(listener, seeded_copy)
    finally:
        listener.close()
        engine.dispose()
    assert [n for n in got if n["t"] == "check_ins"] == [{"t": "check_ins", "op": "insert"}]
    assert q(seeded_copy, "SELECT count(*) FROM check_ins WHERE worker_id = %s", wid) == [(60,)]
    _ = json
