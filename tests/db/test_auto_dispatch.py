"""Automatic dispatch (智能派单): only where the learned model agrees with the routing rules above
the configured confidence; audited as automatic; an operator undoes it (real PostgreSQL)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.models import AuditEntry, ClassifierModel, Incident, WorkOrder
from command_center.services import classifier, intake, orders, routing, settings
from command_center.services import learned_routing as lr
from command_center.services.intake import IncidentDraft


def _store_model(session: Session) -> None:
    """The county's closed incidents learned and stored as the active version (without the
    cross-validation, which test_learned_routing covers)."""
    parents, names = lr._tree(session)
    model = classifier.train(lr.training_samples(session), parents=parents, names=names)
    data = model.dumps()
    session.add(
        ClassifierModel(
            version=1,
            created_at=clock.now(),
            trained_on=model.trained_on,
            train_s=0,
            macro_f1=1,
            accuracy=1,
            department_macro_f1=1,
            metrics={},
            active=True,
            sha256=hashlib.sha256(data).hexdigest(),
            library="test",
            model=data,
        )
    )
    session.commit()


def _call(session: Session) -> IncidentDraft:
    """A call in the words of a closed incident whose category the rules route."""
    for row in session.execute(
        text(
            "SELECT title, description, category_code FROM incidents WHERE status = 'closed' "
            "AND category_code IS NOT NULL ORDER BY id LIMIT 50"
        )
    ):
        if routing.suggest(session, row.category_code, None) is not None:
            return IncidentDraft(
                channel_code="hotline_12345",
                title=row.title,
                category_code=row.category_code,
                description=row.description,
                no_location_reason="来电人说不清位置",
            )
    raise AssertionError("no routed category among the closed incidents")


@pytest.fixture
def with_model(session: Session) -> Session:
    _store_model(session)
    return session


def test_off_by_default_nothing_is_dispatched(with_model: Session) -> None:
    session = with_model
    operator = lr.actor_named(session, "zhiban1")
    made = intake.take_call(session, operator, _call(session))
    assert made.auto is None
    assert session.get(Incident, made.id).status == "new"  # type: ignore[union-attr]


def test_agreeing_model_dispatches_automatically_and_an_operator_undoes_it(
    with_model: Session,
) -> None:
    session = with_model
    admin = lr.actor_named(session, "admin")
    operator = lr.actor_named(session, "zhiban1")
    settings.set_value(session, admin, lr.AUTO_SETTING, 0.3)
    session.commit()
    draft = _call(session)
    rule = routing.suggest(session, draft.category_code, None)
    assert rule is not None

    made = intake.take_call(session, operator, draft)
    assert made.auto is not None
    assert made.auto.department_id == rule.department_id and made.auto.confidence >= 0.3
    inc = session.get(Incident, made.id, populate_existing=True)
    assert inc is not None and inc.status == "dispatched"
    order = session.scalars(select(WorkOrder).where(WorkOrder.incident_id == made.id)).one()
    assert order.department_id == rule.department_id and order.dispatched_by_id is None
    entry = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "incident",
            AuditEntry.entity_id == made.id,
            AuditEntry.action == "incident.dispatch",
        )
    ).one()
    assert entry.actor_id is None and entry.actor_name == lr.AUTO.name  # audited as automatic
    assert "自动派单" in (entry.reason or "")

    lr.undo_auto_dispatch(session, operator, made.id)
    session.expire_all()
    assert session.get(Incident, made.id).status == "accepted"  # type: ignore[union-attr]
    assert session.get(WorkOrder, order.id).status == "cancelled"  # type: ignore[union-attr]
    recall = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_id == made.id, AuditEntry.action == "incident.recall"
        )
    ).one()
    assert recall.actor_id == operator.user_id

    # the administrator's rates: the category taken at intake, the automatic department undone
    rates = {(r.category_code, r.kind): r for r in lr.rates(session)}
    assert rates[(draft.category_code, "category")].accepted == 1
    undone = rates[(draft.category_code, "department")]
    assert (undone.suggestions, undone.accepted, undone.rate) == (1, 0, 0.0)

    # a person's dispatch is not undone this way
    inc = session.get(Incident, made.id)
    assert inc is not None
    orders.dispatch(session, operator, made.id, rule.department_id, expected_version=inc.version)
    with pytest.raises(orders.TransitionError):
        lr.undo_auto_dispatch(session, operator, made.id)


def test_disagreement_or_low_confidence_leaves_it_to_a_person(with_model: Session) -> None:
    session = with_model
    admin = lr.actor_named(session, "admin")
    operator = lr.actor_named(session, "zhiban1")
    settings.set_value(session, admin, lr.AUTO_SETTING, 1.01)  # no confidence reaches it
    session.commit()
    made = intake.take_call(session, operator, _call(session))
    assert made.auto is None
    settings.set_value(session, admin, lr.AUTO_SETTING, 0.3)
    session.commit()
    draft = _call(session)
    other = session.scalar(
        text("SELECT code FROM categories WHERE level = 3 AND code <> :c ORDER BY code LIMIT 1"),
        {"c": draft.category_code},
    )
    import dataclasses

    made = intake.take_call(session, operator, dataclasses.replace(draft, category_code=other))
    assert made.auto is None  # the operator's category is not the model's


def test_an_imported_batch_is_dispatched_automatically_where_the_rules_allow_and_undone(
    with_model: Session,
) -> None:
    """Open311 requests in the words of closed incidents, naming routed categories: imported,
    the agreeing ones dispatched automatically (audited as automatic); the urgent-free rule is
    the same as at intake; an operator undoes one from the queue's incident."""
    import json

    from command_center.services import imports

    session = with_model
    admin = lr.actor_named(session, "admin")
    operator = lr.actor_named(session, "zhiban1")
    requests = []
    for k, row in enumerate(
        session.execute(
            text(
                "SELECT title, description, category_code FROM incidents WHERE status = 'closed' "
                "AND category_code IS NOT NULL ORDER BY id LIMIT 40"
            )
        )
    ):
        if routing.suggest(session, row.category_code, None) is None:
            continue
        requests.append(
            {
                "service_request_id": f"AUTO-{k}",
                "status": "open",
                "service_code": row.category_code,
                "description": f"{row.title}。{row.description}",
                "requested_datetime": "2026-11-18T09:12:00+08:00",
            }
        )
    assert len(requests) >= 5
    data = json.dumps(requests, ensure_ascii=False).encode()

    settings.set_value(session, admin, lr.AUTO_SETTING, 0.3)
    session.commit()
    report = imports.import_open311(session, data, actor=operator, source="t-auto")
    assert report.imported == len(requests)
    assert 0 < report.auto_dispatched <= len(requests)
    dispatched = (
        session.execute(
            text(
                "SELECT id FROM incidents WHERE external_source = 't-auto' "
                "AND status = 'dispatched' ORDER BY id"
            )
        )
        .scalars()
        .all()
    )
    assert len(dispatched) == report.auto_dispatched >= 2
    for incident_id in dispatched:
        assert lr.auto_dispatched(session, incident_id)
    waiting = session.scalar(
        text("SELECT count(*) FROM incidents WHERE external_source = 't-auto' AND status = 'new'")
    )
    assert waiting == len(requests) - report.auto_dispatched  # the rest wait for a person

    # the queue's details offer the operator the undo; it runs as the queue runs an action
    from command_center.services import actions, record_details

    shown = record_details.details(session, dispatched[0], actor=operator)
    assert shown is not None and "undo_auto" in shown.incident_actions
    inc = session.get(Incident, dispatched[0])
    assert inc is not None
    target = actions.Target(
        "incident", inc.id, inc.version, inc.number, inc.category_code, inc.town_id, inc.status
    )
    actions.call(session, operator, target, "undo_auto", actions.Inputs(text="分错了部门"))
    session.expire_all()
    assert session.get(Incident, dispatched[0]).status == "accepted"  # type: ignore[union-attr]
    recall = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_id == dispatched[0], AuditEntry.action == "incident.recall"
        )
    ).one()
    assert recall.actor_id == operator.user_id and "分错了部门" in (recall.reason or "")
    # dispatched again by a person: no undo offered
    inc = session.get(Incident, dispatched[0])
    assert inc is not None
    orders.dispatch(
        session,
        operator,
        inc.id,
        order_department(session, dispatched[1]),
        expected_version=inc.version,
    )
    shown = record_details.details(session, dispatched[0], actor=operator)
    assert shown is not None and "undo_auto" not in shown.incident_actions


def order_department(session: Session, incident_id: int) -> int:
    dept = session.scalar(
        select(WorkOrder.department_id).where(WorkOrder.incident_id == incident_id).limit(1)
    )
    assert dept is not None
    return int(dept)


def test_a_polled_batch_is_dispatched_automatically(with_model: Session, county: Any) -> None:
    import json

    from command_center.services import open311_poll

    session = with_model
    admin = lr.actor_named(session, "admin")
    settings.set_value(session, admin, lr.AUTO_SETTING, 0.3)
    session.commit()
    draft = _call(session)
    body = json.dumps(
        [
            {
                "service_request_id": "POLL-1",
                "status": "open",
                "service_code": draft.category_code,
                "description": f"{draft.title}。{draft.description}",
                "requested_datetime": "2026-11-18T09:12:00+08:00",
            }
        ],
        ensure_ascii=False,
    ).encode()
    calls: list[str] = []

    def fetcher(url: str) -> bytes:  # the remote: the request once, then nothing more
        calls.append(url)
        return body if len(calls) == 1 else b"[]"

    result = open311_poll.poll_once(
        lambda: Session(
            bind=county, expire_on_commit=False, join_transaction_mode="create_savepoint"
        ),
        {"url": "http://127.0.0.1:9/requests.json", "source": "poll-auto"},
        fetcher=fetcher,
    )
    assert result.ok, result.error
    assert (result.imported, result.auto_dispatched) == (1, 1)
    assert "auto_dispatched=1" in result.summary()
