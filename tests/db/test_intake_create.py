"""An operator's call saved as an incident: placement, deadlines, number, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.models import Incident
from command_center.services import intake
from command_center.services.audit import Actor
from command_center.services.intake import IncidentDraft, IntakeError, create_incident

ACTOR = Actor(None, "王丽娟")
CST = dt.timezone(dt.timedelta(hours=8))
YIMIN = (100.850033, 38.471608)  # in 洪水镇 (village polygons depend on the demo seed)


def _audit(session: Session, incident_id: int) -> list[tuple[str, str, dict]]:
    return [
        tuple(r)  # type: ignore[misc]
        for r in session.execute(
            text(
                "SELECT action, summary, after FROM audit_log "
                "WHERE entity_type = 'incident' AND entity_id = :i"
            ),
            {"i": incident_id},
        )
    ]


def _label(session: Session, grid_name: str) -> tuple[float, float]:
    row = session.execute(
        text("SELECT label_lon, label_lat FROM admin_areas WHERE level = 'grid' AND name = :n"),
        {"n": grid_name},
    ).one()
    return (row[0], row[1])


def test_a_point_inside_is_placed_in_its_grid(session: Session) -> None:
    here = _label(session, "益民村第一网格")
    before = session.scalar(text("SELECT count(*) FROM incidents"))
    at = dt.datetime(2026, 11, 20, 15, 0, tzinfo=CST)  # a Friday
    made = create_incident(
        session,
        ACTOR,
        IncidentDraft(
            channel_code="hotline_12345",
            category_code="030202",
            title="广场舞噪音扰民",
            description="益民村文化广场每晚音响声音过大",
            address="洪水镇益民村文化广场",
            lon=here[0],
            lat=here[1],
            reporter_name="张桂兰",
            reporter_phone="13993601234",
            priority=2,
            reported_at=at,
        ),
    )
    assert session.scalar(text("SELECT count(*) FROM incidents")) == before + 1
    inc = session.get(Incident, made.id)
    assert inc is not None
    assert (inc.title, inc.reporter_name, inc.reporter_phone, inc.priority) == (
        "广场舞噪音扰民",
        "张桂兰",
        "13993601234",
        2,
    )
    assert inc.location_flag == "ok" and (inc.lon, inc.lat) == here
    names = (
        session.execute(
            text("SELECT name FROM admin_areas WHERE id IN (:g, :v, :t) ORDER BY level"),
            {"g": inc.grid_id, "v": inc.village_id, "t": inc.town_id},
        )
        .scalars()
        .all()
    )
    assert sorted(names) == sorted(["益民村第一网格", "益民村", "洪水镇"])
    assert made.placement.path == "洪水镇·益民村·益民村第一网格"
    assert made.number == inc.number
    assert made.number.startswith("SJ20261120") and len(made.number) == 14
    # answered within 5 working days: Friday 15:00 → the next Friday 15:00
    assert inc.answer_due_at == dt.datetime(2026, 11, 27, 15, 0, tzinfo=CST)
    assert inc.due_at is not None and inc.due_at > inc.reported_at
    assert inc.status == "new"
    ((action, summary, after),) = _audit(session, made.id)
    assert action == "incident.create"
    assert "王丽娟" in summary and made.number in summary and "益民村" in summary
    assert after["location_flag"] == "ok" and after["located_by"] == "point"
    assert made.suggestion is not None and made.suggestion.department_name
    assert made.suggestion.reason


def test_numbers_continue_the_days_sequence(session: Session) -> None:
    at = dt.datetime(2026, 11, 20, 10, 0, tzinfo=CST)
    last = session.scalar(text("SELECT max(number) FROM incidents WHERE number LIKE 'SJ20261120%'"))
    draft = IncidentDraft(channel_code="hotline_12345", title="路灯不亮", reported_at=at)
    a = create_incident(session, ACTOR, draft).number
    b = create_incident(session, ACTOR, draft).number
    expected = int(last[10:]) + 1 if last else 1
    assert a == f"SJ20261120{expected:04d}"
    assert b == f"SJ20261120{expected + 1:04d}"


def test_outside_the_county_is_flagged_not_placed(session: Session) -> None:
    made = create_incident(
        session,
        ACTOR,
        IncidentDraft(channel_code="hotline_12345", title="小广告", lon=103.834, lat=36.061),
    )
    inc = session.get(Incident, made.id)
    assert inc is not None
    assert inc.location_flag == "outside"
    assert (inc.grid_id, inc.village_id, inc.town_id) == (None, None, None)
    assert (inc.lon, inc.lat) == (103.834, 36.061)  # kept for the operator to check
    ((_, summary, after),) = _audit(session, made.id)
    assert "辖区外" in summary and after["location_flag"] == "outside"


def test_an_address_alone_places_by_the_gazetteer_and_says_so(session: Session) -> None:
    made = create_incident(
        session,
        ACTOR,
        IncidentDraft(
            channel_code="hotline_12345", title="夜间陌生车辆", address="南丰乡何庄村二社"
        ),
    )
    inc = session.get(Incident, made.id)
    assert inc is not None
    assert inc.location_flag == "missing" and inc.lon is None
    assert inc.village_id is not None and inc.grid_id is None
    assert made.placement.source == "address"
    assert made.placement.path == "南丰乡·何庄村"
    ((_, summary, after),) = _audit(session, made.id)
    assert "仅按地址" in summary and after["address_only"] is True


@pytest.mark.parametrize("address", [None, "何庄村", "不知道在哪"])
def test_no_usable_location_is_flagged_never_guessed(session: Session, address: str | None) -> None:
    made = create_incident(
        session, ACTOR, IncidentDraft(channel_code="online", title="咨询", address=address)
    )
    inc = session.get(Incident, made.id)
    assert inc is not None
    assert inc.location_flag == "missing"
    assert (inc.grid_id, inc.village_id, inc.town_id) == (None, None, None)
    ((_, summary, after),) = _audit(session, made.id)
    assert "无可用位置" in summary and after["located_by"] == "none"


@pytest.mark.parametrize(
    ("draft", "words"),
    [
        (IncidentDraft(channel_code="hotline_12345", title="  "), "title"),
        (IncidentDraft(channel_code="nope", title="x"), "channel"),
        (IncidentDraft(channel_code="online", title="x", category_code="999999"), "category"),
        (IncidentDraft(channel_code="online", title="x", lon=100.8), "longitude"),
        (IncidentDraft(channel_code="online", title="x", priority=7), "priority"),
        (IncidentDraft(channel_code="online", title="x", reporter_phone="1" * 40), "phone"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(
    session: Session, draft: IncidentDraft, words: str
) -> None:
    before = session.scalar(text("SELECT count(*) FROM incidents"))
    with pytest.raises(IntakeError) as err:
        create_incident(session, ACTOR, draft)
    assert words in str(err.value) and " / " in str(err.value)
    assert session.scalar(text("SELECT count(*) FROM incidents")) == before


def test_preview_shows_placement_routing_and_a_duplicate(session: Session) -> None:
    at = dt.datetime(2026, 11, 20, 9, 0, tzinfo=CST)
    first = create_incident(
        session,
        ACTOR,
        IncidentDraft(
            channel_code="qr_code",
            category_code="030202",
            title="广场舞音响太吵",
            description="益民村文化广场晚上跳广场舞音响太吵",
            lon=YIMIN[0],
            lat=YIMIN[1],
            reported_at=at,
        ),
    )
    pv = intake.preview(
        session,
        IncidentDraft(
            channel_code="hotline_12345",
            category_code="030202",
            title="广场舞噪音扰民",
            description="益民村文化广场每晚广场舞音响声音过大",
            lon=YIMIN[0] + 0.0005,
            lat=YIMIN[1],
            reported_at=at + dt.timedelta(hours=2),
        ),
    )
    assert pv.placement.town_name == "洪水镇" and pv.placement.grid_id is not None
    assert pv.suggestion is not None
    assert first.id in [c.incident_id for c in pv.duplicates]


def test_a_swapped_point_is_recognised(session: Session) -> None:
    lon, lat = _label(session, "益民村第一网格")
    assert intake.check_point(session, lon, lat) == ("ok", False)
    assert intake.check_point(session, lat, lon) == ("invalid", True)  # latitude 100: no place
    assert intake.check_point(session, 103.834, 36.061) == ("outside", False)
    assert intake.check_point(session, None, None) == ("none", False)
    with pytest.raises(IntakeError, match=r"填反|swapped"):
        create_incident(
            session, ACTOR, IncidentDraft(channel_code="online", title="x", lon=lat, lat=lon)
        )


def _audit_count(session: Session) -> int:
    return int(session.scalar(text("SELECT count(*) FROM audit_log")))


@pytest.mark.parametrize(
    ("draft", "missing"),
    [
        (IncidentDraft(channel_code="hotline_12345", title="路灯不亮"), "category"),
        (
            IncidentDraft(
                channel_code="hotline_12345",
                title="路灯不亮",
                category_code="0302",  # a second-level category
                description="村口路灯三天不亮",
                address="洪水镇益民村",
            ),
            "category",
        ),
        (
            IncidentDraft(
                channel_code="hotline_12345",
                title="路灯不亮",
                category_code="030202",
                address="洪水镇益民村",
            ),
            "description",
        ),
        (
            IncidentDraft(
                channel_code="hotline_12345",
                title="路灯不亮",
                category_code="030202",
                description="村口路灯三天不亮",
            ),
            "place",
        ),
    ],
)
def test_a_call_is_refused_until_it_has_what_the_workflow_needs(
    session: Session, draft: IncidentDraft, missing: str
) -> None:
    before = session.scalar(text("SELECT count(*) FROM incidents"))
    audits = _audit_count(session)
    with pytest.raises(IntakeError) as refused:
        intake.take_call(session, ACTOR, draft)
    assert missing in refused.value.missing
    assert " / " in str(refused.value) and "还须填写" in str(refused.value)
    session.rollback()
    assert session.scalar(text("SELECT count(*) FROM incidents")) == before
    assert _audit_count(session) == audits


def test_a_call_without_a_place_says_why(session: Session) -> None:
    made = intake.take_call(
        session,
        ACTOR,
        IncidentDraft(
            channel_code="hotline_12345",
            title="咨询低保政策",
            category_code="030202",
            description="来电人询问低保申请条件",
            no_location_reason="咨询类，无具体地点",
        ),
    )
    ((_, _summary, after),) = _audit(session, made.id)
    assert after["no_location_reason"] == "咨询类，无具体地点"
    assert made.placement.flag == "missing"
