"""Duplicate candidates: nearby, similar text, close in time; not far away or long ago."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.services import duplicates
from command_center.services.audit import Actor
from command_center.services.intake import IncidentDraft, create_incident

ACTOR = Actor(None, "测试值班员")
# a grid label point of 益民村 (洪水镇) and one 20 km away in 三寨村 (新天镇)
YIMIN = (100.850033, 38.471608)
SANZHAI = (100.595601, 38.640677)
AT = dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TEXT = "益民村文化广场每晚广场舞音响声音过大，持续到晚上十点以后，影响休息"


def _add(session: Session, title: str, where: tuple[float, float], at: dt.datetime) -> int:
    made = create_incident(
        session,
        ACTOR,
        IncidentDraft(
            channel_code="qr_code",
            title=title,
            description=TEXT if "广场舞" in title else "",
            category_code="030202",
            lon=where[0],
            lat=where[1],
            reported_at=at,
        ),
    )
    return made.id


def test_near_similar_recent_is_found_far_or_old_is_not(session: Session) -> None:
    near = _add(session, "广场舞噪音扰民", (YIMIN[0] + 0.0008, YIMIN[1]), AT)  # ~70 m
    far = _add(session, "广场舞噪音扰民", SANZHAI, AT)
    old = _add(session, "广场舞噪音扰民", YIMIN, AT - dt.timedelta(days=10))
    other = _add(session, "井盖丢失", (YIMIN[0] + 0.0003, YIMIN[1]), AT)  # near, unlike
    found = duplicates.candidates(
        session,
        lon=YIMIN[0],
        lat=YIMIN[1],
        text="广场舞音响太吵 益民村文化广场晚上十点以后还在跳，影响休息",
        at=AT + dt.timedelta(hours=5),
    )
    ids = [c.incident_id for c in found]
    assert near in ids
    assert far not in ids and old not in ids and other not in ids
    best = found[0]
    assert best.incident_id == near
    assert 40 < (best.distance_m or 0) < 100
    assert best.hours_apart == pytest.approx(5.0)
    assert best.similarity > 0.2
    assert best.number.startswith("SJ")


def test_same_category_very_close_counts_even_with_other_words(session: Session) -> None:
    mine = _add(session, "井盖丢失", YIMIN, AT)
    found = duplicates.candidates(
        session, lon=YIMIN[0], lat=YIMIN[1], text="路面有个洞", at=AT, category_code="030202"
    )
    assert mine in [c.incident_id for c in found]
    assert (
        duplicates.candidates(session, lon=YIMIN[0], lat=YIMIN[1], text="路面有个洞", at=AT) == []
    )


def test_merged_and_the_incident_itself_are_left_out(session: Session) -> None:
    first = _add(session, "广场舞噪音扰民", YIMIN, AT)
    args = {"lon": YIMIN[0], "lat": YIMIN[1], "text": TEXT, "at": AT}
    assert first in [c.incident_id for c in duplicates.candidates(session, **args)]
    assert first not in [
        c.incident_id for c in duplicates.candidates(session, **args, exclude_id=first)
    ]
    session.execute(text("UPDATE incidents SET status = 'merged' WHERE id = :i"), {"i": first})
    session.commit()
    assert first not in [c.incident_id for c in duplicates.candidates(session, **args)]


def test_bigram_similarity() -> None:
    assert duplicates.similarity("路灯不亮", "路灯不亮") == 1.0
    assert duplicates.similarity("路灯不亮", "井盖丢失") == 0.0
    assert duplicates.similarity("", "路灯") == 0.0
    # filler every report has does not make two reports alike
    assert duplicates.similarity("来电人反映路灯不亮", "来电人反映井盖丢失") == 0.0
