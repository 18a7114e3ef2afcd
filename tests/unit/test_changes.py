"""Change notices, typed once: what the trigger sends, the reload notice, a burst gathered."""

from __future__ import annotations

import json

import pytest

from command_center.db.changes import Change, Changes, parse_change
from command_center.db.listener import RELOAD_NOTICE
from command_center.services.jobs import Cancelled, Job


def test_the_triggers_payload_becomes_a_change() -> None:
    change = parse_change({"t": "incidents", "op": "update", "id": 5, "v": 3})
    assert change == Change("incidents", "update", 5, 3)
    assert not change.reload


def test_a_row_without_id_or_version_still_tells_its_table() -> None:
    # app_settings is keyed by name: the trigger sends id and version as null
    change = parse_change({"t": "app_settings", "op": "update", "id": None, "v": None})
    assert change == Change("app_settings", "update", None, None)


def test_the_reload_notice_is_a_reload() -> None:
    change = parse_change(json.loads(RELOAD_NOTICE))
    assert change is not None and change.reload


def test_something_else_on_the_channel_is_not_a_change() -> None:
    assert parse_change({"raw": "你好"}) is None
    assert parse_change({"t": 5, "op": "insert"}) is None


def test_a_burst_tells_tables_ids_and_insertions() -> None:
    changes = Changes.of(
        [
            Change("incidents", "insert", 7, 1),
            Change("incidents", "update", 5, 4),
            Change("incidents", "update", 7, 2),  # inserted, then updated: still new
            Change("work_orders", "insert", 3, 1),
            Change("app_settings", "update"),
        ]
    )
    assert not changes.reload
    assert changes.tables == {"incidents", "work_orders", "app_settings"}
    assert changes.ids_of("incidents") == {5, 7}
    assert changes.inserted_into("work_orders") == {3}
    assert changes.inserted_into("incidents") == set()  # the last word on 7 was an update
    assert changes.ids_of("audit_log") == set()
    assert changes.touched("audit_log", "work_orders")
    assert not changes.touched("duty_log")


def test_a_reload_in_a_burst_touches_everything() -> None:
    changes = Changes.of(
        [Change("incidents", "update", 5, 4), parse_change(json.loads(RELOAD_NOTICE))]
    )
    assert changes.reload
    assert changes.touched("admin_areas")


def test_a_job_reports_and_is_cancelled_without_any_thread() -> None:
    seen: list[tuple[int, int, str]] = []
    job = Job(lambda done, total, text: seen.append((done, total, text)))
    job.report(1, 2, "读取事件")
    assert not job.cancelled
    job.check()
    job.cancel()
    assert job.cancelled
    assert seen == [(1, 2, "读取事件")]
    with pytest.raises(Cancelled):
        job.check()
