"""The queue service on the demo county: keyset pages, filters against plain SQL, jumps, counts,
saved filters, the department inbox and response templates."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import shapely
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from command_center.db.engine import normalize_url
from command_center.models import ResponseTemplate
from command_center.services import (
    attachments,
    record_details,
    response_templates,
    saved_filters,
)
from command_center.services import queue as svc
from command_center.services.queue import Query, QueueFilter
from tests.conftest import TEST_NOW

NOW = TEST_NOW


def _engine(url: str) -> Engine:
    # no pooled connection stays open on the shared county, so copies of it can be made
    return create_engine(normalize_url(url), poolclass=NullPool)


def _all_pages(s: Session, q: Query, size: int) -> list[Any]:
    rows, cursor, pages = [], None, 0
    while True:
        page = svc.page(s, q, cursor, size, now=NOW)
        rows += page.rows
        cursor = page.cursor
        pages += 1
        assert pages < 10_000
        if page.exhausted:
            return rows


def _ids(s: Session, sql: str, **params: Any) -> list[int]:
    return list(s.execute(text(sql), params).scalars())


def _is_sorted(keys: list[tuple[Any, ...]], descending: bool) -> bool:
    return all((a >= b) if descending else (a <= b) for a, b in itertools.pairwise(keys))


@pytest.mark.parametrize("kind", ["incidents", "orders"])
@pytest.mark.parametrize("sort", ["deadline", "reported", "priority"])
def test_keyset_pages_give_every_row_once_in_order(session: Session, kind: str, sort: str) -> None:
    q = Query(kind, QueueFilter(), sort)  # type: ignore[arg-type]
    rows = _all_pages(session, q, 97)
    table = "incidents" if kind == "incidents" else "work_orders"
    expected = _ids(session, f"SELECT id FROM {table}")
    assert len(rows) == len(expected)
    assert sorted(r.id for r in rows) == sorted(expected)
    assert _is_sorted([r.key for r in rows], descending=sort == "reported")


def test_deadline_sort_puts_the_most_urgent_first_and_missing_deadlines_last(
    session: Session,
) -> None:
    rows = _all_pages(session, Query("incidents", QueueFilter(statuses=svc.OPEN_INCIDENTS)), 50)
    dues = [r.due_at for r in rows]
    known = [d for d in dues if d is not None]
    assert known == sorted(known)
    assert dues[: len(known)] == known  # no deadline: at the end


OPEN_INC = "status IN ('new','accepted','dispatched','in_progress')"
OPEN_ORD = "o.status IN ('dispatched','accepted','in_progress')"


def _sample(s: Session, sql: str) -> Any:
    return s.execute(text(sql)).scalar_one()


def test_filters_count_like_plain_sql(session: Session) -> None:
    s = session
    town = _sample(
        s,
        "SELECT town_id FROM incidents WHERE town_id IS NOT NULL "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )
    grid = _sample(
        s,
        "SELECT grid_id FROM incidents WHERE grid_id IS NOT NULL "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )
    word = _sample(
        s, "SELECT substr(title, 1, 2) FROM incidents GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )
    cases: list[tuple[QueueFilter, str]] = [
        (QueueFilter(statuses=svc.OPEN_INCIDENTS), OPEN_INC),
        (
            QueueFilter(statuses=("closed",), channels=("hotline_12345",)),
            "status = 'closed' AND channel_code = 'hotline_12345'",
        ),
        (QueueFilter(category_code="01"), "category_code LIKE '01%'"),
        (QueueFilter(category_code="0103"), "category_code LIKE '0103%'"),
        (QueueFilter(area_id=town), f"town_id = {town}"),
        (QueueFilter(area_id=grid, statuses=("closed",)), f"grid_id = {grid} AND status='closed'"),
        (QueueFilter(priorities=(1, 2)), "priority IN (1, 2)"),
        (QueueFilter(overdue_only=True), f"{OPEN_INC} AND due_at < :now"),
        (
            QueueFilter(waiting_answer=True, statuses=svc.OPEN_INCIDENTS),
            f"{OPEN_INC} AND answer_due_at IS NOT NULL AND answered_at IS NULL",
        ),
        (
            QueueFilter(text=word),
            f"(title ILIKE '%{word}%' OR address ILIKE '%{word}%' OR number ILIKE '%{word}%')",
        ),
        (QueueFilter(text="sj2026"), "number LIKE 'SJ2026%'"),
        (
            QueueFilter(text="GD202611"),
            "id IN (SELECT incident_id FROM work_orders WHERE number LIKE 'GD202611%')",
        ),
    ]
    for f, where in cases:
        expected = _ids(s, f"SELECT id FROM incidents WHERE {where}", now=NOW)
        assert expected, f"the sample finds nothing for {where}"
        q = Query("incidents", f)
        c = svc.count(s, q, now=NOW)
        assert (c.value, c.exact) == (len(expected), True), where
        assert sorted(r.id for r in _all_pages(s, q, 200)) == sorted(expected), where


def test_order_filters_count_like_plain_sql(session: Session) -> None:
    s = session
    dept = _sample(
        s, "SELECT department_id FROM work_orders GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )
    top = _sample(
        s,
        "SELECT substr(i.category_code, 1, 2) FROM work_orders o JOIN incidents i "
        f"ON i.id = o.incident_id WHERE o.department_id = {dept} "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )
    cases: list[tuple[QueueFilter, str]] = [
        (QueueFilter(statuses=svc.OPEN_ORDERS), OPEN_ORD),
        (QueueFilter(department_id=dept), f"o.department_id = {dept}"),
        (
            QueueFilter(department_id=dept, category_code=top),
            f"o.department_id = {dept} AND i.category_code LIKE '{top}%'",
        ),
        (QueueFilter(overdue_only=True), f"{OPEN_ORD} AND o.deadline_at < :now"),
        (QueueFilter(statuses=("returned", "objected")), "o.status IN ('returned','objected')"),
        (QueueFilter(text="GD2026"), "o.number LIKE 'GD2026%'"),
    ]
    for f, where in cases:
        expected = _ids(
            s,
            "SELECT o.id FROM work_orders o JOIN incidents i ON "
            f"i.id = o.incident_id WHERE {where}",
            now=NOW,
        )
        assert expected, where
        q = Query("orders", f)
        assert svc.count(s, q, now=NOW) == svc.Count(len(expected), True), where
        assert sorted(r.id for r in _all_pages(s, q, 150)) == sorted(expected), where


def test_area_polygon_filter_matches_point_in_polygon(session: Session) -> None:
    s = session
    pts = s.execute(text("SELECT id, lon, lat FROM incidents WHERE lon IS NOT NULL")).all()
    lons = sorted(p.lon for p in pts)
    lats = sorted(p.lat for p in pts)
    x0, x1 = lons[len(lons) // 5], lons[len(lons) * 3 // 5]
    y0, y1 = lats[len(lats) // 5], lats[len(lats) * 4 // 5]
    # a triangle, so the bounding box alone would be wrong
    ring = [[x0, y0], [x1, y0], [x0, y1], [x0, y0]]
    polygon = {"type": "Polygon", "coordinates": [ring]}
    shape = shapely.Polygon(ring)
    expected = sorted(p.id for p in pts if shape.contains(shapely.Point(p.lon, p.lat)))
    in_box = [p for p in pts if x0 <= p.lon <= x1 and y0 <= p.lat <= y1]
    assert 0 < len(expected) < len(in_box)
    q = Query("incidents", QueueFilter(polygon=polygon))
    assert svc.count(s, q) == svc.Count(len(expected), True)
    assert sorted(r.id for r in _all_pages(s, q, 40)) == expected
    with pytest.raises(svc.QueueError):
        svc.count(
            s, Query("incidents", QueueFilter(polygon={"type": "Point", "coordinates": [1, 2]}))
        )


def test_count_is_an_estimate_above_the_limit(session: Session) -> None:
    total = _sample(session, "SELECT count(*) FROM incidents")
    c = svc.count(session, Query("incidents"), limit=100)
    assert not c.exact
    assert c.value > 100
    assert 0.5 * total < c.value < 2 * total  # the planner's estimate, roughly right


def test_jump_window_starts_at_the_row_with_the_rows_before_it(session: Session) -> None:
    q = Query("incidents", QueueFilter(statuses=svc.OPEN_INCIDENTS))
    everything = _all_pages(session, q, 500)
    target = everything[len(everything) // 2]
    found = svc.locate(session, "incidents", target.number.lower())
    assert found is not None and found.id == target.id
    w = svc.window(session, q, target.id, before=5, limit=10)
    assert w is not None
    i = len(everything) // 2
    assert [r.id for r in w.before] == [r.id for r in everything[i - 5 : i]]
    assert [r.id for r in w.rows] == [r.id for r in everything[i : i + 10]]
    assert not w.at_start
    earlier = svc.page_before(session, q, w.before[0].key, 3)
    assert [r.id for r in earlier.rows] == [r.id for r in everything[i - 8 : i - 5]]
    # a number outside the filter: found, but no window
    closed = _sample(session, "SELECT id FROM incidents WHERE status = 'closed' LIMIT 1")
    assert svc.window(session, q, closed) is None
    assert svc.locate(session, "incidents", "SJ000000000000") is None
    # an order number in the incident queue leads to its incident
    order = session.execute(text("SELECT number, incident_id FROM work_orders LIMIT 1")).one()
    assert svc.locate(session, "incidents", order.number).id == order.incident_id


def test_rows_by_ids_tells_which_rows_left_the_filter(session: Session) -> None:
    open_id = _sample(session, f"SELECT id FROM incidents WHERE {OPEN_INC} LIMIT 1")
    closed_id = _sample(session, "SELECT id FROM incidents WHERE status='closed' LIMIT 1")
    rows, gone = svc.rows_by_ids(
        session, Query("incidents", QueueFilter(statuses=svc.OPEN_INCIDENTS)), [open_id, closed_id]
    )
    assert [r.id for r in rows] == [open_id]
    assert gone == {closed_id}


def _user(s: Session, username: str) -> Any:
    return s.execute(
        text("SELECT id, department_id FROM app_users WHERE username = :u"), {"u": username}
    ).one()


def test_inbox_shows_only_the_users_department(session: Session) -> None:
    s = session
    police = _user(s, "bm_police")
    other = _sample(s, f"SELECT id FROM departments WHERE id <> {police.department_id} LIMIT 1")
    expected = _ids(
        s, "SELECT id FROM work_orders WHERE department_id = :d", d=police.department_id
    )
    assert expected
    # whatever department the view asks for, the inbox is the user's own
    for asked in (None, other):
        q = Query("orders", QueueFilter(department_id=asked), inbox_user_id=police.id)
        rows = _all_pages(s, q, 300)
        assert sorted(r.id for r in rows) == sorted(expected)
        assert {r.department_id for r in rows} == {police.department_id}
    operator = _user(s, "zhiban1")
    with pytest.raises(svc.QueueError, match="部门"):
        svc.page(s, Query("orders", inbox_user_id=operator.id))


def test_the_inbox_puts_what_waits_to_be_signed_for_first(session: Session) -> None:
    s = session
    police = _user(s, "bm_police")
    # some of the department's open orders newly dispatched, with later time limits than
    # others (the writes are undone after the test)
    s.execute(
        text(
            "UPDATE work_orders SET status = 'dispatched' WHERE id IN (SELECT id FROM "
            "work_orders WHERE department_id = :d AND status IN ('accepted', 'in_progress') "
            "ORDER BY deadline_at DESC LIMIT 5)"
        ),
        {"d": police.department_id},
    )
    q = Query("orders", QueueFilter(), "deadline", inbox_user_id=police.id)
    rows = _all_pages(s, q, 7)  # small pages: the keyset crosses the two groups
    expected = _ids(
        s,
        "SELECT id FROM work_orders w WHERE department_id = :d "
        "ORDER BY (status <> 'dispatched'), deadline_at, id",
        d=police.department_id,
    )
    assert [r.id for r in rows] == expected
    waiting = [r.status == "dispatched" for r in rows]
    assert any(waiting) and not all(waiting)
    assert waiting == sorted(waiting, reverse=True)  # every one waiting comes first
    # the center's order queue keeps the plain time-limit order
    center = _all_pages(s, Query("orders", QueueFilter(department_id=police.department_id)), 50)
    deadlines = [r.deadline_at for r in center]
    assert deadlines == sorted(deadlines)


def test_saved_filters_round_trip_per_user(seeded_copy: str) -> None:
    engine = _engine(seeded_copy)
    try:
        with Session(engine) as s:
            a, b = _user(s, "zhiban1").id, _user(s, "zhiban2").id
            f = QueueFilter(
                statuses=("new",),
                category_code="01",
                priorities=(1,),
                overdue_only=True,
                text="噪音",
                area_id=None,
            )
            saved_filters.save_filter(s, a, "incidents", "我的急件", f, "priority")
            saved_filters.save_filter(s, a, "orders", "我的急件", QueueFilter(department_id=3))
            saved_filters.save_filter(s, b, "incidents", "别人的", QueueFilter())
        with Session(engine) as s:
            mine = saved_filters.list_filters(s, a, "incidents")
            assert [(x.name, x.filter, x.sort) for x in mine] == [("我的急件", f, "priority")]
            assert [x.name for x in saved_filters.list_filters(s, b, "incidents")] == ["别人的"]
            assert saved_filters.list_filters(s, a, "orders")[0].filter.department_id == 3
            # the same name again overwrites
            saved_filters.save_filter(
                s, a, "incidents", "我的急件", QueueFilter(waiting_answer=True)
            )
            again = saved_filters.list_filters(s, a, "incidents")
            assert len(again) == 1 and again[0].filter == QueueFilter(waiting_answer=True)
            # one cannot delete another's filter
            theirs = saved_filters.list_filters(s, b, "incidents")[0].id
            assert not saved_filters.delete_filter(s, a, theirs)
            assert saved_filters.delete_filter(s, a, again[0].id)
            assert saved_filters.list_filters(s, a, "incidents") == []
            assert len(saved_filters.list_filters(s, b, "incidents")) == 1
            with pytest.raises(svc.QueueError):
                saved_filters.save_filter(s, a, "incidents", "  ", QueueFilter())
            with pytest.raises(svc.QueueError):
                saved_filters.list_filters(s, a, "nonsense")
    finally:
        engine.dispose()


def test_templates_walk_up_the_category_tree(session: Session) -> None:
    s = session
    leaf = _sample(s, "SELECT code FROM categories WHERE level = 3 ORDER BY code LIMIT 1")
    mid, top = leaf[:4], leaf[:2]
    other = _sample(s, f"SELECT code FROM categories WHERE level = 1 AND code <> '{top}' LIMIT 1")
    s.execute(text("DELETE FROM response_templates"))  # the demo's own
    s.add_all(
        [
            ResponseTemplate(category_code=None, status=None, title="通用", body="已收到"),
            ResponseTemplate(category_code=top, status=None, title="大类", body="大类答复"),
            ResponseTemplate(
                category_code=mid,
                status="resolved",
                title="中类办结",
                body="{number} 已办结",
            ),
            ResponseTemplate(category_code=leaf, status=None, title="小类", body="小类答复"),
            ResponseTemplate(category_code=other, status=None, title="别的大类", body="x"),
            ResponseTemplate(category_code=leaf, status=None, title="停用", body="x", active=False),
        ]
    )
    s.commit()
    titles = [t.title for t in response_templates.templates_for(s, leaf, "resolved")]
    assert titles == ["小类", "中类办结", "大类", "通用"]
    assert [t.title for t in response_templates.templates_for(s, leaf, "new")] == [
        "小类",
        "大类",
        "通用",
    ]
    assert [t.title for t in response_templates.templates_for(s, None)] == ["通用"]
    row = svc.page(s, Query("incidents"), None, 1).rows[0]
    assert response_templates.fill_template("{number} 已办结", row) == f"{row.number} 已办结"


def test_details_show_orders_progress_history_and_allowed_actions(session: Session) -> None:
    inc_id = _sample(
        session,
        "SELECT i.id FROM incidents i JOIN work_orders o ON "
        "o.incident_id = i.id JOIN order_progress p ON p.order_id = o.id "
        "WHERE i.status = 'in_progress' LIMIT 1",
    )
    d = record_details.details(session, inc_id)
    assert d is not None
    assert d.orders and d.progress and d.history
    assert any(h.action == "incident.create" for h in d.history)
    assert [h.at for h in d.history] == sorted(h.at for h in d.history)
    assert "answer" in d.incident_actions
    live = [o for o in d.orders if o.status in svc.OPEN_ORDERS]
    assert live and "resolve" in d.order_actions[live[0].id]


def test_a_photo_over_5_mb_is_refused_with_a_clear_message() -> None:
    ok = attachments.photo_attachment("现场.jpg", b"\xff\xd8" + b"0" * 1000)
    assert ok["size"] == 1002 and len(ok["sha256"]) == 64 and ok["mime"] == "image/jpeg"
    with pytest.raises(svc.QueueError, match="5 MB"):
        attachments.photo_attachment("big.jpg", b"0" * (attachments.MAX_PHOTO_BYTES + 1))
