"""编辑/补充: the center completes or corrects an open incident; every change is one audit entry
with before, after and why; the caller's new number goes in but never into the audit log; a
stale version, a closed incident, a department or an analyst is refused and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from command_center.db.engine import make_engine
from command_center.models import AppUser, AuditEntry, Incident
from command_center.services import incident_edit
from command_center.services.audit import Actor
from command_center.services.incident_edit import IncidentEdit
from command_center.services.orders import ConflictError, TransitionError
from command_center.services.permissions import PermissionDenied
from tests.conftest import make_new_incidents


def _actor(s: Session, username: str) -> Actor:
    user = s.scalars(select(AppUser).where(AppUser.username == username)).one()
    return Actor(user.id, user.display_name)


def _as_is(inc: Incident, **changes: object) -> IncidentEdit:
    values = dict(
        title=inc.title, category_code=inc.category_code, description=inc.description,
        address=inc.address, lon=inc.lon, lat=inc.lat, priority=inc.priority,
    )
    values.update(changes)
    return IncidentEdit(**values)  # type: ignore[arg-type]


def _leaf(s: Session) -> str:
    return s.execute(text(
        "SELECT code FROM categories c WHERE NOT EXISTS (SELECT 1 FROM categories k WHERE "
        "k.parent_code = c.code) ORDER BY code DESC LIMIT 1"
    )).scalar_one()


def test_an_operator_completes_a_call_and_the_history_says_what_changed(
    seeded_copy: str,
) -> None:
    engine = make_engine(seeded_copy)
    try:
        with Session(engine) as s:
            inc = s.get(Incident, make_new_incidents(engine, 1)[0])
            assert inc is not None
            iid, version, old_title = inc.id, inc.version, inc.title
            leaf = _leaf(s)
            operator = _actor(s, "zhiban1")
            new_version = incident_edit.edit_incident(
                s, operator, iid,
                _as_is(inc, category_code=leaf, description="来电人补充：每晚十点后施工噪音",
                       reporter_phone="13911112222"),
                "来电人回拨补充情况", expected_version=version,
            )
        assert new_version == version + 1
        with Session(engine) as s:
            inc = s.get(Incident, iid)
            assert inc is not None
            assert (inc.category_code, inc.description, inc.title) == (
                leaf, "来电人补充：每晚十点后施工噪音", old_title
            )
            phone = s.execute(text("SELECT reporter_phone FROM incidents WHERE id = :i"),
                              {"i": iid}).scalar_one()
            assert phone == "13911112222"
            entry = s.scalars(select(AuditEntry).where(
                AuditEntry.action == "incident.edit", AuditEntry.entity_id == iid)).one()
            assert entry.reason == "来电人回拨补充情况"
            assert entry.after is not None and entry.before is not None
            assert entry.after["category_code"] == leaf
            assert entry.after["description"] == "来电人补充：每晚十点后施工噪音"
            assert "13911112222" not in str(entry.after) + str(entry.before) + entry.summary
            assert "reporter_phone" in entry.after and "title" not in entry.after
            assert "分类" in entry.summary and "描述" in entry.summary
    finally:
        engine.dispose()


def test_refusals_change_nothing(seeded_copy: str) -> None:
    engine = make_engine(seeded_copy)
    try:
        with Session(engine) as s:
            inc = s.get(Incident, make_new_incidents(engine, 1)[0])
            closed = s.scalars(select(Incident).where(Incident.status == "closed")).first()
            assert inc is not None and closed is not None
            iid, version = inc.id, inc.version
            parent = s.execute(text(
                "SELECT parent_code FROM categories WHERE parent_code IS NOT NULL LIMIT 1"
            )).scalar_one()
            operator = _actor(s, "zhiban1")
            cases = [
                (operator, _as_is(inc, description="改"), "原因", version - 1, ConflictError),
                (operator, _as_is(inc), "原因", version, TransitionError),  # nothing changed
                (operator, _as_is(inc, description="改"), "  ", version, TransitionError),
                (operator, _as_is(inc, category_code=parent), "原因", version, TransitionError),
                (operator, _as_is(inc, title=" "), "原因", version, TransitionError),
                (_actor(s, "bm_police"), _as_is(inc, description="改"), "原因", version,
                 PermissionDenied),
                (_actor(s, "yanpan1"), _as_is(inc, description="改"), "原因", version,
                 PermissionDenied),
            ]
            edits = [(closed.id, _as_is(closed, description="改"), closed.version)]
            for who, edit, reason, v, error in cases:
                with pytest.raises(error):
                    incident_edit.edit_incident(s, who, iid, edit, reason, expected_version=v)
                s.rollback()
            for cid, edit, v in edits:
                with pytest.raises(TransitionError, match=r"办结|closed"):
                    incident_edit.edit_incident(s, operator, cid, edit, "原因", expected_version=v)
                s.rollback()
        with Session(engine) as s:
            inc = s.get(Incident, iid)
            assert inc is not None and inc.version == version
            assert s.scalar(select(AuditEntry.id).where(
                AuditEntry.action == "incident.edit")) is None
    finally:
        engine.dispose()
