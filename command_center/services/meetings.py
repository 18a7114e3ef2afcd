"""Joint meetings (联席会议): the minutes (纪要) with attendees, and decisions issued on the spot
as a work order (派单, ``orders.dispatch``) or a supervision order (督办, ``supervision.issue``)
to a department, the minutes linking to them; past meetings with whether each decision was
carried out (read from the order it issued). No Qt here.

The center's roles hold meetings (the duty desk, supervisors, administrators); the analyst
reads them. Every change is an audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center import clock
from command_center.models import (
    Department,
    Incident,
    Meeting,
    MeetingDecision,
    SupervisionOrder,
    WorkOrder,
)
from command_center.services import orders, permissions, supervision
from command_center.services.audit import Actor, record

KINDS = {
    "daily": ("日研判", "daily analysis"),
    "weekly": ("周会办", "weekly joint handling"),
    "monthly": ("月回看", "monthly review"),
    "joint": ("联席会议", "joint meeting"),
}
DECISION_KINDS = {
    "work_order": ("派单", "work order"),
    "supervision": ("督办", "supervision"),
    "note": ("记录", "note"),
}
DONE_ORDER = ("resolved", "verified", "closed")
DONE_SUPERVISION = ("responded", "closed")
TEXT_MAX = 20_000
SUPERVISION_DAYS = 5


class MeetingError(ValueError):
    """A request refused; the message is "中文 / English"."""


def _require_center(session: Session, actor: Actor) -> None:
    role = permissions.who(session, actor).role
    if role is not None and role not in permissions.CENTER_ROLES:
        raise MeetingError("会议由指挥中心人员记录 / meetings are recorded by the center's staff")


def _text(value: str | None, zh: str, en: str, *, required: bool, cap: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise MeetingError(f"请填写{zh} / {en} is required")
    if len(value) > cap:
        raise MeetingError(f"{zh}过长（最多 {cap} 字） / {en} is too long ({cap} at most)")
    return value


def start(
    session: Session, actor: Actor, title: str, kind: str = "joint", *,
    attendees: str = "", held_at: dt.datetime | None = None,
) -> int:
    """A meeting begins: its id. Commits."""
    _require_center(session, actor)
    if kind not in KINDS:
        raise MeetingError(f"没有这种会议（{kind}） / no such meeting kind ({kind})")
    m = Meeting(
        title=_text(title, "会议名称", "the title", required=True, cap=200),
        kind=kind,
        held_at=held_at or clock.now(),
        attendees=_text(attendees, "参会人员", "the attendees", required=False),
        created_by_id=actor.user_id,
    )
    session.add(m)
    session.flush()
    record(session, actor, "meeting.start", "meeting", m.id,
           f"{KINDS[kind][0]}：{m.title} / {KINDS[kind][1]}: {m.title}")
    session.commit()
    return m.id


def save_minutes(
    session: Session, actor: Actor, meeting_id: int, *, attendees: str, minutes: str,
) -> int:
    """The attendees and the minutes as they stand; the new version. Commits."""
    _require_center(session, actor)
    m = session.get(Meeting, meeting_id, with_for_update=True)
    if m is None:
        raise MeetingError(f"会议 {meeting_id} 不存在 / meeting {meeting_id} does not exist")
    before = {"attendees": m.attendees, "minutes": m.minutes}
    m.attendees = _text(attendees, "参会人员", "the attendees", required=False)
    m.minutes = _text(minutes, "会议纪要", "the minutes", required=False)
    session.flush()
    record(session, actor, "meeting.minutes", "meeting", m.id,
           f"会议纪要：{m.title} / minutes: {m.title}", before=before,
           after={"attendees": m.attendees, "minutes": m.minutes})
    session.commit()
    return m.version


def decide(
    session: Session, actor: Actor, meeting_id: int, text: str, kind: str, *,
    department_id: int | None = None, incident_number: str | None = None,
) -> int:
    """A decision of the meeting, issued at once: a work order sends the incident to the
    department; a supervision order supervises the incident (its orders' departments); a note
    is only recorded. Returns the decision's id. Commits."""
    _require_center(session, actor)
    if kind not in DECISION_KINDS:
        raise MeetingError(f"没有这种决定（{kind}） / no such decision kind ({kind})")
    text = _text(text, "决定内容", "the decision", required=True, cap=2000)
    if session.get(Meeting, meeting_id) is None:
        raise MeetingError(f"会议 {meeting_id} 不存在 / meeting {meeting_id} does not exist")
    if kind == "work_order" and department_id is None:
        raise MeetingError("派单须选择部门 / a work order needs a department")
    incident_id = None
    if kind != "note" or incident_number:
        number = (incident_number or "").strip().upper()
        if not number:
            raise MeetingError("请填写事件编号 / give the incident's number")
        incident_id = session.scalar(select(Incident.id).where(Incident.number == number))
        if incident_id is None:
            raise MeetingError(f"没有编号为 {number} 的事件 / no incident numbered {number}")
    if department_id is not None and session.get(Department, department_id) is None:
        raise MeetingError(
            f"部门 {department_id} 不存在 / department {department_id} does not exist"
        )
    order_id = supervision_id = None
    if kind == "work_order":
        assert incident_id is not None and department_id is not None
        made = orders.dispatch(session, actor, incident_id, department_id, note=text)
        order_id = made[0].id
    elif kind == "supervision":
        snap = supervision.issue(session, actor, level="supervise", instructions=text,
                                 working_days=SUPERVISION_DAYS, incident_id=incident_id)
        supervision_id = snap.id
    d = MeetingDecision(
        meeting_id=meeting_id, text=text, kind=kind, department_id=department_id,
        incident_id=incident_id, work_order_id=order_id, supervision_order_id=supervision_id,
        created_at=clock.now(),
    )
    session.add(d)
    session.flush()
    record(session, actor, "meeting.decision", "meeting", meeting_id,
           f"会议决定（{DECISION_KINDS[kind][0]}）：{text} / decision ({DECISION_KINDS[kind][1]}):"
           f" {text}", after={"decision_id": d.id, "work_order_id": order_id,
                              "supervision_order_id": supervision_id})
    session.commit()
    return d.id


@dataclass(frozen=True)
class DecisionRow:
    id: int
    text: str
    kind: str
    department: str | None
    incident_id: int | None
    order_number: str | None  # the work order's or the supervision order's number
    order_status: str | None
    carried_out: bool | None  # None: a note, nothing to carry out


@dataclass(frozen=True)
class MeetingRow:
    id: int
    title: str
    kind: str
    held_at: dt.datetime
    attendees: str
    minutes: str
    version: int
    decisions: list[DecisionRow]

    @property
    def carried_out(self) -> tuple[int, int]:
        """(decisions carried out, decisions to carry out)."""
        due = [d for d in self.decisions if d.carried_out is not None]
        return sum(1 for d in due if d.carried_out), len(due)


def meetings(session: Session, limit: int = 50) -> list[MeetingRow]:
    """The latest meetings, newest first, with their decisions and how they stand."""
    rows = session.scalars(select(Meeting).order_by(Meeting.held_at.desc(), Meeting.id.desc())
                           .limit(limit)).all()
    if not rows:
        return []
    decisions: dict[int, list[DecisionRow]] = {}
    for d, dept, wo_number, wo_status, so_number, so_status in session.execute(
        select(MeetingDecision, Department.name, WorkOrder.number, WorkOrder.status,
               SupervisionOrder.number, SupervisionOrder.status)
        .outerjoin(Department, Department.id == MeetingDecision.department_id)
        .outerjoin(WorkOrder, WorkOrder.id == MeetingDecision.work_order_id)
        .outerjoin(SupervisionOrder, SupervisionOrder.id == MeetingDecision.supervision_order_id)
        .where(MeetingDecision.meeting_id.in_([m.id for m in rows]))
        .order_by(MeetingDecision.id)
    ):
        if d.kind == "work_order":
            number, status, done = wo_number, wo_status, wo_status in DONE_ORDER
        elif d.kind == "supervision":
            number, status, done = so_number, so_status, so_status in DONE_SUPERVISION
        else:
            number, status, done = None, None, None
        decisions.setdefault(d.meeting_id, []).append(
            DecisionRow(d.id, d.text, d.kind, dept, d.incident_id, number, status, done))
    return [
        MeetingRow(m.id, m.title, m.kind, m.held_at, m.attendees, m.minutes, m.version,
                   decisions.get(m.id, []))
        for m in rows
    ]
