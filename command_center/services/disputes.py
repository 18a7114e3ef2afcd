"""Dispute cases (矛盾纠纷调解) from intake through mediation to agreement and follow-up.

received → mediating → agreement → closed (the follow-up visit finds it kept)
                     ↘ failed / referred_court (with a referral: court, arbitration, petition)
received, mediating → withdrawn
agreement → mediating again (reopened: the follow-up visit finds it broken), or referred

A case is taken in at a mediation room (``mediation_orgs``), from an incident (keeping the link)
or transferred from a court, the police or the petitions office with the sender's reference.
Identity numbers are checked (GB 11643 check digit). A major, urgent case alerts the level that
must know by the number of people involved (``disputes.alert_bands``). Repeat disputes between
the same parties are flagged at intake (``cc_dispute_repeats``: the raw personal columns stay
unreadable to every login). A mediation has a time limit (``disputes.time_limit_days``)
extensible once with a reason; an agreement schedules a follow-up visit
(``disputes.follow_up_days``).

Every action locks the case (``SELECT … FOR UPDATE``), refuses a stale version with
:class:`ConflictError`, writes the change and its audit entry, and commits: all or nothing.
No Qt here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, text, tuple_
from sqlalchemy.orm import Session

from command_center import clock
from command_center.clock import CST
from command_center.models import (
    AdminArea,
    AuditEntry,
    DisputeAlert,
    DisputeCase,
    DisputeParty,
    DisputeType,
    FollowUpVisit,
    Incident,
    MediationOrg,
    MediationSession,
    Mediator,
)
from command_center.services import audit, deadlines, permissions, settings
from command_center.services.audit import Actor
from command_center.services.lifecycle import CENTER_ROLES
from command_center.services.orders import ConflictError, TransitionError
from command_center.services.permissions import PermissionDenied

__all__ = ["ConflictError", "PermissionDenied", "TransitionError"]

STATUS_TEXT: dict[str, tuple[str, str]] = {
    "received": ("已受理", "Received"),
    "mediating": ("调解中", "Mediating"),
    "agreement": ("达成协议", "Agreement reached"),
    "failed": ("调解不成", "Failed"),
    "referred_court": ("转诉讼", "Referred to court"),
    "withdrawn": ("已撤回", "Withdrawn"),
    "closed": ("已结案", "Closed"),
}
OPEN_STATUSES = ("received", "mediating")
FAILED_STATUSES = ("failed", "referred_court")
SOURCE_TEXT: dict[str, tuple[str, str]] = {
    "walk_in": ("当事人来访", "Walk-in"),
    "grid_worker": ("网格员排查", "Grid worker"),
    "hotline": ("12345转办", "12345 hotline"),
    "court": ("诉调对接（法院）", "Court (诉调对接)"),
    "police": ("公调对接（公安）", "Police (公调对接)"),
    "petition": ("访调对接（信访）", "Petitions office (访调对接)"),
}
TRANSFER_SOURCES = ("court", "police", "petition")
RISK_TEXT: dict[str, tuple[str, str]] = {
    "low": ("低", "Low"),
    "medium": ("中", "Medium"),
    "high": ("高", "High"),
    "major": ("重大", "Major"),
}
URGENT_RISKS = ("high", "major")
REFERRAL_TEXT: dict[str, tuple[str, str]] = {
    "court": ("引导诉讼", "court"),
    "arbitration": ("申请仲裁", "arbitration"),
    "petition": ("转信访", "petitions office"),
}
SATISFACTION_TEXT: dict[str, tuple[str, str]] = {
    "satisfied": ("满意", "Satisfied"),
    "basic": ("基本满意", "Fairly satisfied"),
    "unsatisfied": ("不满意", "Unsatisfied"),
}
PARTY_ROLE_TEXT: dict[str, tuple[str, str]] = {
    "applicant": ("申请人", "Applicant"),
    "respondent": ("被申请人", "Respondent"),
    "third_party": ("第三人", "Third party"),
}
ALERT_TEXT: dict[str, tuple[str, str]] = {
    "town": ("乡镇", "town"),
    "county": ("县级", "county"),
    "city": ("市级", "city"),
}
ORG_LEVEL_ROOM = {"county": "county", "town": "town", "village": "village", "special": "county"}
MAX_TEXT = 4000
MAX_PEOPLE = 100_000

# --- identity numbers (GB 11643-1999) ---------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """The check character of the first 17 digits of a citizen identity number."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_id_number(value: str) -> str:
    """An 18-character citizen identity number, upper-cased, or :class:`TransitionError`
    saying what is wrong with it (length, digits, date of birth, check digit)."""
    v = value.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", v):
        raise TransitionError(
            f"身份证号码「{v}」应为18位（前17位为数字，末位为数字或X）",
            f"the identity number '{v}' must be 18 characters: 17 digits, then a digit or X",
        )
    try:
        dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        raise TransitionError(
            f"身份证号码「{v}」中的出生日期无效",
            f"the identity number '{v}' has no valid birth date",
        ) from None
    if id_check_digit(v[:17]) != v[17]:
        raise TransitionError(
            f"身份证号码「{v}」校验位不符，请核对",
            f"the identity number '{v}' fails its check digit: please check it",
        )
    return v


def mask_id(value: str | None) -> str | None:
    """The display mask of an identity number, as ``cc_mask_id`` (alembic 0011) stores it."""
    if not value:
        return value
    if len(value) >= 15:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if len(value) >= 6:
        return value[0] + "*" * (len(value) - 2) + value[-1]
    return "*" * len(value)


# --- input ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyInput:
    role: str  # applicant / respondent / third_party
    name: str
    kind: str = "person"  # person / org
    phone: str | None = None
    id_number: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class CaseInput:
    type_code: str
    summary: str
    parties: Sequence[PartyInput]
    org_id: int
    source: str = "walk_in"
    mediator_id: int | None = None
    people_involved: int = 2
    risk_level: str = "low"
    risk_reasons: str | None = None
    amount: Decimal | str | None = None
    source_org: str | None = None
    source_reference: str | None = None
    incident_id: int | None = None
    village_id: int | None = None


@dataclass(frozen=True)
class Snapshot:
    """What an action leaves behind."""

    id: int
    version: int
    status: str
    number: str
    repeats: tuple[str, ...] = ()  # numbers of earlier cases between the same parties
    alert: str | None = None  # the level alerted (town / county / city)


def _snap(case: DisputeCase, **extra: Any) -> Snapshot:
    return Snapshot(case.id, case.version, case.status, case.number, **extra)


def _text(
    value: str | None, zh: str, en: str, *, required: bool = True, cap: int = MAX_TEXT
) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise TransitionError(f"请填写{zh}", f"the {en} is required")
        return None
    if len(value) > cap:
        raise TransitionError(f"{zh}不能超过{cap}字", f"the {en} is at most {cap} characters")
    return value


def _choice(value: str, table: dict[str, tuple[str, str]], zh: str, en: str) -> str:
    if value not in table:
        raise TransitionError(f"{zh}「{value}」无效", f"'{value}' is not a valid {en}")
    return value


def may_write(role: str | None) -> bool:
    """The center's roles take in and handle dispute cases."""
    return role is None or role in CENTER_ROLES


def _require_writer(session: Session, actor: Actor) -> None:
    me = permissions.who(session, actor)
    if not may_write(me.role):
        raise PermissionDenied(
            f"{actor.name} 无权办理矛盾纠纷案件", f"{actor.name} may not handle dispute cases"
        )


def _setting_int(session: Session, key: str) -> int:
    return int(settings.get(session, key))


def alert_bands(session: Session) -> dict[str, int]:
    bands = settings.get(session, "disputes.alert_bands") or {}
    return {k: int(v) for k, v in bands.items() if k in ALERT_TEXT}


def alert_level(people: int, risk: str, bands: dict[str, int]) -> str | None:
    """The highest level a case must alert: only a major, urgent case (risk high or major)
    alerts, by the number of people involved."""
    if risk not in URGENT_RISKS:
        return None
    level = None
    for name in ("town", "county", "city"):
        threshold = bands.get(name)
        if threshold is not None and people >= threshold:
            level = name
    return level


def _amount(value: Decimal | str | None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise TransitionError(
            f"涉及金额「{value}」不是数字", f"the amount '{value}' is not a number"
        ) from None
    if amount < 0 or amount >= Decimal("1e12"):
        raise TransitionError("涉及金额超出范围", "the amount is out of range")
    return amount.quantize(Decimal("0.01"))


def _check_parties(parties: Sequence[PartyInput]) -> list[PartyInput]:
    out = []
    for p in parties:
        _choice(p.role, PARTY_ROLE_TEXT, "当事人身份", "party role")
        if p.kind not in ("person", "org"):
            raise TransitionError("当事人类别无效", "a party is a person or an organisation")
        name = _text(p.name, "当事人姓名或名称", "party's name", cap=100)
        phone = _text(p.phone, "联系电话", "phone", required=False, cap=32)
        if phone and not re.fullmatch(r"[\d\-+ ]{3,32}", phone):
            raise TransitionError(f"联系电话「{phone}」无效", f"the phone '{phone}' is not valid")
        idn = p.id_number.strip() if p.id_number else None
        if idn and p.kind == "person":
            idn = validate_id_number(idn)
        elif idn and len(idn) > 18:
            raise TransitionError("证件号码不能超过18位", "the registration number is at most 18")
        address = _text(p.address, "住址", "address", required=False, cap=200)
        out.append(
            dataclasses.replace(
                p, name=name or "", phone=phone, id_number=idn or None, address=address
            )
        )
    roles = {p.role for p in out}
    if "applicant" not in roles or "respondent" not in roles:
        raise TransitionError(
            "至少需要一名申请人和一名被申请人", "at least one applicant and one respondent"
        )
    return out


def _org(session: Session, org_id: int | None) -> MediationOrg:
    org = session.get(MediationOrg, org_id) if org_id is not None else None
    if org is None or not org.active:
        raise TransitionError("请选择调解组织", "choose a mediation room")
    return org


def _mediator(session: Session, mediator_id: int | None, org: MediationOrg) -> Mediator | None:
    if mediator_id is None:
        return None
    m = session.get(Mediator, mediator_id)
    if m is None or not m.active or m.org_id != org.id:
        raise TransitionError(
            f"调解员不属于「{org.name}」", f"the mediator does not belong to {org.name}"
        )
    return m


def _label(case: DisputeCase) -> str:
    return case.number


# --- intake ---------------------------------------------------------------------------------


def intake(session: Session, actor: Actor, data: CaseInput) -> Snapshot:
    """Take in a case; commits. Refuses bad input with :class:`TransitionError` (nothing
    written)."""
    try:
        return _intake(session, actor, data)
    except (TransitionError, PermissionDenied):
        session.rollback()
        raise


def _intake(session: Session, actor: Actor, data: CaseInput) -> Snapshot:
    _require_writer(session, actor)
    summary = _text(data.summary, "纠纷简要情况", "summary of the dispute")
    dtype = session.get(DisputeType, data.type_code) if data.type_code else None
    if dtype is None:
        raise TransitionError("请选择纠纷类型", "choose the type of dispute")
    source = _choice(data.source, SOURCE_TEXT, "案件来源", "source")
    risk = _choice(data.risk_level, RISK_TEXT, "风险等级", "risk level")
    risk_reasons = _text(
        data.risk_reasons,
        "风险研判理由",
        "reasons for the risk level",
        required=risk in URGENT_RISKS,
    )
    if not 1 <= int(data.people_involved) <= MAX_PEOPLE:
        raise TransitionError("涉及人数应在1人以上", "at least one person is involved")
    source_org = _text(data.source_org, "移送单位", "sending body", required=False, cap=100)
    reference = _text(
        data.source_reference,
        "移送文号",
        "sender's reference",
        required=source in TRANSFER_SOURCES,
        cap=64,
    )
    if source not in TRANSFER_SOURCES:
        source_org = reference = None
    amount = _amount(data.amount)
    parties = _check_parties(data.parties)
    org = _org(session, data.org_id)
    mediator = _mediator(session, data.mediator_id, org)
    now = clock.now()

    village_id, town_id, lon, lat = data.village_id, org.town_id, None, None
    incident = None
    if data.incident_id is not None:
        incident = session.get(Incident, data.incident_id)
        if incident is None:
            raise TransitionError(
                f"事件 {data.incident_id} 不存在", f"incident {data.incident_id} does not exist"
            )
        village_id = incident.village_id or village_id
        town_id = incident.town_id or town_id
        lon, lat = incident.lon, incident.lat
    if village_id is None and org.level == "village":
        village_id = org.area_id
    if town_id is None and village_id is not None:
        town_id = session.scalar(select(AdminArea.parent_id).where(AdminArea.id == village_id))
    if lon is None and village_id is not None:
        row = session.execute(
            select(AdminArea.label_lon, AdminArea.label_lat).where(AdminArea.id == village_id)
        ).one_or_none()
        if row:
            lon, lat = row

    case_id = int(
        session.scalar(text("SELECT nextval(pg_get_serial_sequence('dispute_cases', 'id'))"))
    )
    case = DisputeCase(
        id=case_id,
        number=f"TJ{now.astimezone(CST):%Y%m%d}{case_id:05d}",
        type_code=dtype.code,
        summary=summary,
        source=source,
        room_level=ORG_LEVEL_ROOM[org.level],
        village_id=village_id,
        town_id=town_id,
        lon=lon,
        lat=lat,
        incident_id=incident.id if incident else None,
        risk_level=risk,
        risk_reasons=risk_reasons,
        status="received",
        amount_involved=amount,
        org_id=org.id,
        mediator_id=mediator.id if mediator else None,
        mediator_name=mediator.name if mediator else None,
        people_involved=int(data.people_involved),
        source_org=source_org,
        source_reference=reference,
        received_at=now,
        deadline_at=now + dt.timedelta(days=_setting_int(session, "disputes.time_limit_days")),
    )
    session.add(case)
    session.flush()
    for p in parties:
        session.add(
            DisputeParty(
                case_id=case.id,
                role=p.role,
                kind=p.kind,
                name=p.name,
                phone=p.phone,
                id_number=p.id_number,
                address=p.address,
            )
        )
    session.flush()
    src = SOURCE_TEXT[source][0]
    ref = f"（{source_org or ''}{reference}）" if reference else ""
    link = f"，由事件 {incident.number} 转入" if incident else ""
    audit.record(
        session,
        actor,
        "dispute.receive",
        "dispute_case",
        case.id,
        f"{org.name}受理矛盾纠纷 {case.number}（{dtype.name}），来源：{src}{ref}{link}",
        after={
            "status": "received",
            "risk": risk,
            "people": case.people_involved,
            "org": org.name,
            "source": source,
            "reference": reference,
        },
    )
    if incident is not None:
        audit.record(
            session,
            actor,
            "incident.dispute",
            "incident",
            incident.id,
            f"事件 {incident.number} 转为矛盾纠纷案件 {case.number}",
            after={"dispute_case_id": case.id},
        )
    repeats = _repeats(session, case.id)
    if repeats:
        case.repeat_of_id = repeats[0][0]
        numbers = tuple(r[1] for r in repeats)
        audit.record(
            session,
            actor,
            "dispute.repeat",
            "dispute_case",
            case.id,
            f"{case.number} 的当事人此前有纠纷：{'、'.join(numbers[:5])}",
            after={"earlier": list(numbers)},
        )
    level = alert_level(case.people_involved, risk, alert_bands(session))
    if level is not None:
        message = alert_words(case.number, case.people_involved, risk, level)[0]
        session.add(
            DisputeAlert(
                case_id=case.id,
                level=level,
                people=case.people_involved,
                raised_at=now,
                message=message,
            )
        )
        audit.record(
            session,
            actor,
            "dispute.alert",
            "dispute_case",
            case.id,
            message,
            after={"level": level, "people": case.people_involved},
        )
    session.flush()
    snap = _snap(case, repeats=tuple(r[1] for r in repeats), alert=level)
    session.commit()
    return snap


def _repeats(session: Session, case_id: int) -> list[tuple[int, str]]:
    rows = session.execute(
        text("SELECT case_id, number FROM cc_dispute_repeats(:id)"), {"id": case_id}
    ).all()
    return [(int(r[0]), str(r[1])) for r in rows]


# --- actions on a case ----------------------------------------------------------------------


def _last_actor(session: Session, case_id: int) -> tuple[str | None, Any]:
    row = session.execute(
        select(AuditEntry.actor_name, AuditEntry.at)
        .where(AuditEntry.entity_type == "dispute_case", AuditEntry.entity_id == case_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).one_or_none()
    return (row.actor_name, row.at) if row else (None, None)


def _lock_case(session: Session, case_id: int, expected_version: int | None) -> DisputeCase:
    case = session.scalars(
        select(DisputeCase)
        .where(DisputeCase.id == case_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if case is None:
        session.rollback()
        raise TransitionError(f"案件 {case_id} 不存在", f"case {case_id} does not exist")
    if expected_version is not None and case.version != expected_version:
        who, at = _last_actor(session, case.id)
        session.rollback()
        raise ConflictError(f"案件 {case.number}", who, at, case.status, STATUS_TEXT)
    return case


def _require_status(
    session: Session, case: DisputeCase, allowed: Sequence[str], zh_action: str, en_action: str
) -> None:
    if case.status in allowed:
        return
    zh_s, en_s = STATUS_TEXT.get(case.status, (case.status, case.status))
    session.rollback()
    raise TransitionError(
        f"案件 {case.number} 当前状态为「{zh_s}」，不能{zh_action}",
        f"case {case.number} is {en_s.lower()}: it cannot {en_action}",
    )


def _act(session: Session, actor: Actor, case_id: int, version: int | None) -> DisputeCase:
    try:
        _require_writer(session, actor)
    except PermissionDenied:
        session.rollback()
        raise
    return _lock_case(session, case_id, version)


def _finish(session: Session, case: DisputeCase) -> Snapshot:
    session.flush()
    snap = _snap(case)
    session.commit()
    return snap


def _guard(session: Session, fn: Callable[[], Snapshot]) -> Snapshot:
    try:
        return fn()
    except (TransitionError, PermissionDenied):
        session.rollback()
        raise


def assign(
    session: Session,
    actor: Actor,
    case_id: int,
    version: int | None,
    org_id: int,
    mediator_id: int | None,
) -> Snapshot:
    """Give the case to a room and a mediator (an open case only)."""
    case = _act(session, actor, case_id, version)

    def run() -> Snapshot:
        _require_status(session, case, OPEN_STATUSES, "指派调解", "be assigned")
        org = _org(session, org_id)
        mediator = _mediator(session, mediator_id, org)
        before = {"org_id": case.org_id, "mediator": case.mediator_name}
        case.org_id = org.id
        case.room_level = ORG_LEVEL_ROOM[org.level]
        case.mediator_id = mediator.id if mediator else None
        case.mediator_name = mediator.name if mediator else None
        who = f"，调解员 {mediator.name}" if mediator else ""
        moved = before["org_id"] is not None and before["org_id"] != org.id
        old_name = (
            session.scalar(select(MediationOrg.name).where(MediationOrg.id == before["org_id"]))
            if moved
            else None
        )
        what = (
            f"{case.number} 由「{old_name}」移交「{org.name}」{who}"
            if moved
            else f"{case.number} 指派至 {org.name}{who}"
        )
        audit.record(
            session,
            actor,
            "dispute.assign",
            "dispute_case",
            case.id,
            what,
            before=before,
            after={"org_id": org.id, "mediator": case.mediator_name},
        )
        return _finish(session, case)

    return _guard(session, run)


def add_session(
    session: Session,
    actor: Actor,
    case_id: int,
    version: int | None,
    *,
    held_at: dt.datetime,
    place: str,
    participants: str,
    note: str,
    next_step: str | None = None,
    mediators: str | None = None,
) -> Snapshot:
    """Record a mediation session; a received case is then being mediated."""
    case = _act(session, actor, case_id, version)

    def run() -> Snapshot:
        _require_status(session, case, OPEN_STATUSES, "记录调解", "record a session")
        if held_at > clock.now() + dt.timedelta(minutes=5):
            raise TransitionError("调解时间不能晚于现在", "a session cannot be in the future")
        if held_at < case.received_at - dt.timedelta(days=1):
            raise TransitionError("调解时间早于受理时间", "the session is before the intake")
        where = _text(place, "调解地点", "place", cap=100)
        who = _text(participants, "参加人员", "participants")
        what = _text(note, "调解情况", "notes")
        step = _text(next_step, "下一步安排", "next step", required=False)
        by = _text(mediators, "调解员", "mediators", required=False, cap=200) or (
            case.mediator_name or actor.name
        )
        session.add(
            MediationSession(
                case_id=case.id,
                held_at=held_at,
                mediators=by,
                location=where,
                outcome="continued",
                note=what,
                participants=who,
                next_step=step,
            )
        )
        before = case.status
        case.status = "mediating"
        n = session.scalar(
            select(func.count())
            .select_from(MediationSession)
            .where(MediationSession.case_id == case.id)
        )
        audit.record(
            session,
            actor,
            "dispute.mediate",
            "dispute_case",
            case.id,
            f"第{n}次调解 {case.number}：{(what or '')[:40]}",
            before={"status": before},
            after={"status": "mediating"},
        )
        return _finish(session, case)

    return _guard(session, run)


def extend(
    session: Session, actor: Actor, case_id: int, version: int | None, reason: str
) -> Snapshot:
    """Extend the time limit, once, with a reason."""
    case = _act(session, actor, case_id, version)

    def run() -> Snapshot:
        _require_status(session, case, OPEN_STATUSES, "延期", "be extended")
        why = _text(reason, "延期理由", "reason for the extension")
        if case.extensions >= 1:
            raise TransitionError(
                f"案件 {case.number} 已延期一次，不能再延期",
                f"case {case.number} was extended once already: no second extension",
            )
        days = _setting_int(session, "disputes.extension_days")
        before = case.deadline_at
        start = case.deadline_at or case.received_at
        case.deadline_at = start + dt.timedelta(days=days)
        case.extensions = 1
        case.extension_reason = why
        audit.record(
            session,
            actor,
            "dispute.extend",
            "dispute_case",
            case.id,
            f"{case.number} 调解期限延长{days}天",
            reason=why,
            before={"deadline": before.isoformat() if before else None},
            after={"deadline": case.deadline_at.isoformat()},
        )
        return _finish(session, case)

    return _guard(session, run)


def _schedule_follow_up(session: Session, case: DisputeCase) -> dt.datetime:
    due = clock.now() + dt.timedelta(days=_setting_int(session, "disputes.follow_up_days"))
    session.add(FollowUpVisit(case_id=case.id, due_at=due))
    return due


def conclude_agreement(
    session: Session,
    actor: Actor,
    case_id: int,
    version: int | None,
    *,
    terms: str,
    fulfil_by: dt.date | None,
) -> Snapshot:
    """The parties agree: the terms and their fulfilment deadline; a follow-up visit is
    scheduled."""
    case = _act(session, actor, case_id, version)

    def run() -> Snapshot:
        _require_status(session, case, OPEN_STATUSES, "达成协议", "conclude")
        body = _text(terms, "协议内容", "terms of the agreement")
        if fulfil_by is not None and fulfil_by < clock.today():
            raise TransitionError("履行期限不能早于今天", "the fulfilment deadline is past")
        before = case.status
        now = clock.now()
        case.status = "agreement"
        case.agreement_text = body
        case.fulfil_by = fulfil_by
        case.fulfilled = None
        case.concluded_at = now
        case.outcome_note = None
        case.referral = None
        due = _schedule_follow_up(session, case)
        session.add(
            MediationSession(
                case_id=case.id,
                held_at=now,
                mediators=case.mediator_name or actor.name,
                location=None,
                outcome="agreement",
                note=(body or "")[:200],
            )
        )
        audit.record(
            session,
            actor,
            "dispute.agreement",
            "dispute_case",
            case.id,
            f"{case.number} 达成调解协议，{due.astimezone(CST):%m月%d日}回访",
            before={"status": before},
            after={
                "status": "agreement",
                "fulfil_by": fulfil_by.isoformat() if fulfil_by else None,
            },
        )
        return _finish(session, case)

    return _guard(session, run)


def _fail(
    session: Session, actor: Actor, case: DisputeCase, reason: str, referral: str, action: str
) -> None:
    why = _text(reason, "调解不成的原因", "reason the mediation failed")
    _choice(referral, REFERRAL_TEXT, "引导方式", "referral")
    before = case.status
    case.status = "referred_court" if referral == "court" else "failed"
    case.referral = referral
    case.outcome_note = why
    case.concluded_at = clock.now()
    audit.record(
        session,
        actor,
        action,
        "dispute_case",
        case.id,
        f"{case.number} 调解不成，{REFERRAL_TEXT[referral][0]}",
        reason=why,
        before={"status": before},
        after={"status": case.status, "referral": referral},
    )


def conclude_failure(
    session: Session, actor: Actor, case_id: int, version: int | None, *, reason: str, referral: str
) -> Snapshot:
    """The mediation failed: the parties are referred to a court, arbitration or the
    petitions office."""
    case = _act(session, actor, case_id, version)

    def run() -> Snapshot:
        _require_status(session, case, OPEN_STATUSES, "终结调解", "end in failure")
        _fail(session, actor, case, reason, referral, "dispute.fail")
        return _finish(session, case)

    return _guard(session, run)


def withdraw(
    session: Session, actor: Actor, case_id: int, version: int | None, *, reason: str
) -> Snapshot:
    """The applicant withdraws the case."""
    case = _act(session, actor, case_id, version)

    def run() -> Snapshot:
        _require_status(session, case, OPEN_STATUSES, "撤回", "be withdrawn")
        why = _text(reason, "撤回理由", "reason for the withdrawal")
        before = case.status
        case.status = "withdrawn"
        case.outcome_note = why
        case.concluded_at = clock.now()
        audit.record(
            session,
            actor,
            "dispute.withdraw",
            "dispute_case",
            case.id,
            f"{case.number} 当事人撤回申请",
            reason=why,
            before={"status": before},
            after={"status": "withdrawn"},
        )
        return _finish(session, case)

    return _guard(session, run)


def record_follow_up(
    session: Session,
    actor: Actor,
    case_id: int,
    version: int | None,
    *,
    kept: bool,
    satisfaction: str,
    note: str,
    then: str = "reopen",
    referral: str | None = None,
) -> Snapshot:
    """The follow-up visit (回访) of an agreement: kept closes the case; broken reopens it
    (``then="reopen"``, a new time limit) or refers it (``then="refer"`` with ``referral``)."""
    case = _act(session, actor, case_id, version)

    def run() -> Snapshot:
        _require_status(session, case, ("agreement",), "回访", "be followed up")
        _choice(satisfaction, SATISFACTION_TEXT, "满意度", "satisfaction")
        what = _text(note, "回访情况", "notes of the visit")
        now = clock.now()
        visit = session.scalars(
            select(FollowUpVisit)
            .where(FollowUpVisit.case_id == case.id, FollowUpVisit.visited_at.is_(None))
            .order_by(FollowUpVisit.due_at)
            .limit(1)
        ).first()
        if visit is None:
            visit = FollowUpVisit(case_id=case.id, due_at=now)
            session.add(visit)
        visit.visited_at = now
        visit.visitor = actor.name[:64]
        visit.agreement_kept = kept
        visit.satisfaction = satisfaction
        visit.note = what
        before = case.status
        case.fulfilled = kept
        label = (
            f"回访 {case.number}：{'协议已履行' if kept else '协议未履行'}，"
            f"{SATISFACTION_TEXT[satisfaction][0]}"
        )
        audit.record(
            session,
            actor,
            "dispute.follow_up",
            "dispute_case",
            case.id,
            label,
            after={"agreement_kept": kept, "satisfaction": satisfaction},
        )
        if kept:
            case.status = "closed"
            audit.record(
                session,
                actor,
                "dispute.close",
                "dispute_case",
                case.id,
                f"{case.number} 结案归档",
                before={"status": before},
                after={"status": "closed"},
            )
        elif then == "reopen":
            case.status = "mediating"
            case.reopened += 1
            case.concluded_at = None
            case.deadline_at = now + dt.timedelta(
                days=_setting_int(session, "disputes.time_limit_days")
            )
            audit.record(
                session,
                actor,
                "dispute.reopen",
                "dispute_case",
                case.id,
                f"{case.number} 协议未履行，重新调解",
                reason=what,
                before={"status": before},
                after={"status": "mediating"},
            )
        elif then == "refer":
            _fail(session, actor, case, what or "", referral or "", "dispute.refer")
        else:
            raise TransitionError("请选择：重新调解或引导其他途径", "choose: reopen or refer")
        return _finish(session, case)

    return _guard(session, run)


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilter:
    statuses: tuple[str, ...] = ()
    type_code: str | None = None
    risks: tuple[str, ...] = ()
    org_id: int | None = None
    mediator_id: int | None = None
    town_id: int | None = None
    source: str | None = None
    text: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    overdue: bool = False
    outcome: str | None = None  # "success" / "failure": concluded cases
    satisfaction: str | None = None
    visited: bool = False  # a follow-up visit recorded the parties' satisfaction
    no_town: bool = False  # cases without a town (the backlog's "not recorded" row)
    ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class CaseRow:
    id: int
    version: int
    number: str
    type_name: str
    summary: str
    status: str
    risk_level: str
    source: str
    org_name: str | None
    mediator_name: str | None
    town_name: str | None
    people_involved: int
    received_at: dt.datetime
    deadline_at: dt.datetime | None
    repeat: bool
    type_name_en: str | None = None  # the English interface's (None: the Chinese one)

    def countdown(self, now: dt.datetime) -> deadlines.Countdown | None:
        if self.status not in OPEN_STATUSES or self.deadline_at is None:
            return None
        return deadlines.countdown(now, self.received_at, self.deadline_at)


@dataclass(frozen=True)
class Page:
    rows: list[CaseRow]
    cursor: tuple[Any, ...] | None
    exhausted: bool


def _conditions(f: CaseFilter, now: dt.datetime) -> list[ColumnElement[bool]]:
    c = DisputeCase
    out: list[ColumnElement[bool]] = []
    if f.ids is not None:
        out.append(c.id.in_(f.ids or (-1,)))
    if f.statuses:
        out.append(c.status.in_(f.statuses))
    if f.type_code:
        out.append(c.type_code == f.type_code)
    if f.risks:
        out.append(c.risk_level.in_(f.risks))
    if f.org_id is not None:
        out.append(c.org_id == f.org_id)
    if f.mediator_id is not None:
        out.append(c.mediator_id == f.mediator_id)
    if f.town_id is not None:
        out.append(c.town_id == f.town_id)
    elif f.no_town:
        out.append(c.town_id.is_(None))
    if f.source:
        out.append(c.source == f.source)
    if f.received_from:
        out.append(c.received_at >= dt.datetime.combine(f.received_from, dt.time(), CST))
    if f.received_to:
        out.append(
            c.received_at
            < dt.datetime.combine(f.received_to + dt.timedelta(days=1), dt.time(), CST)
        )
    if f.overdue:
        out.append(and_(c.status.in_(OPEN_STATUSES), c.deadline_at < now))
    if f.outcome == "success":
        out.append(c.agreement_text.is_not(None) & c.status.in_(("agreement", "closed")))
    elif f.outcome == "failure":
        out.append(c.status.in_(FAILED_STATUSES))
    if f.satisfaction:
        out.append(
            c.id.in_(
                select(FollowUpVisit.case_id).where(FollowUpVisit.satisfaction == f.satisfaction)
            )
        )
    if f.visited:
        out.append(
            c.id.in_(select(FollowUpVisit.case_id).where(FollowUpVisit.satisfaction.is_not(None)))
        )
    words = f.text.strip()
    if words:
        if re.fullmatch(r"TJ\d{1,13}", words.upper()):
            out.append(c.number.startswith(words.upper()))
        else:
            like = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            out.append(
                or_(c.summary.ilike(like), c.number.ilike(like), c.source_reference.ilike(like))
            )
    return out


def case_page(
    session: Session, f: CaseFilter, *, after: tuple[Any, ...] | None = None, limit: int = 100
) -> Page:
    """The next ``limit`` cases, newest first, after the key ``after`` (received_at, id)."""
    now = clock.now()
    c = DisputeCase
    ids = select(c.id, c.received_at).where(*_conditions(f, now))
    if after is not None:
        ids = ids.where(tuple_(c.received_at, c.id) < tuple_(*after))
    ids_sq = ids.order_by(c.received_at.desc(), c.id.desc()).limit(limit + 1).subquery()
    town = AdminArea
    stmt = (
        select(c, DisputeType.name, MediationOrg.name, town.name, DisputeType.name_en)
        .join(ids_sq, ids_sq.c.id == c.id)
        .join(DisputeType, DisputeType.code == c.type_code)
        .outerjoin(MediationOrg, MediationOrg.id == c.org_id)
        .outerjoin(town, town.id == c.town_id)
        .order_by(c.received_at.desc(), c.id.desc())
    )
    rows = []
    for case, type_name, org_name, town_name, type_name_en in session.execute(stmt):
        rows.append(
            CaseRow(
                case.id,
                case.version,
                case.number,
                type_name,
                case.summary,
                case.status,
                case.risk_level,
                case.source,
                org_name,
                case.mediator_name,
                town_name,
                case.people_involved,
                case.received_at,
                case.deadline_at,
                case.repeat_of_id is not None,
                type_name_en,
            )
        )
    exhausted = len(rows) <= limit
    rows = rows[:limit]
    cursor = (rows[-1].received_at, rows[-1].id) if rows else after
    return Page(rows, cursor, exhausted)


@dataclass(frozen=True)
class Party:
    id: int
    role: str
    kind: str
    name: str | None
    phone: str | None
    id_number: str | None
    address: str | None


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # audit / transfer / session / visit / alert
    text: str
    actor: str | None = None
    text_en: str | None = None
    """The English interface's text where the service writes one (the generated lines: the
    transfer in, sessions, visits, alerts); None for an audit entry, shown as recorded."""

    def words(self) -> tuple[str, str]:
        """(中文, English) of the line; an audit entry's summary in both."""
        return self.text, self.text_en or self.text


REFERRAL_ACTIONS = ("dispute.fail", "dispute.refer")


def is_transfer(action: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> bool:
    """Whether an audit entry of a case is a transfer: to another room (``dispute.transfer``,
    or an assignment that changed the room), or out, by a referral at failure."""
    if action == "dispute.transfer" or action in REFERRAL_ACTIONS:
        return True
    if action == "dispute.assign":
        old = (before or {}).get("org_id")
        return old is not None and old != (after or {}).get("org_id")
    return False


def transfer_in_text(case: DisputeCase) -> str:
    """The transfer in of a case sent by a court, the police or the petitions office."""
    return transfer_in_words(case)[0]


def transfer_in_words(case: DisputeCase) -> tuple[str, str]:
    """(中文, English) of the transfer in of a case sent by a court, the police or the
    petitions office; the sender and its reference as written."""
    zh_src, en_src = SOURCE_TEXT[case.source]
    who = f"，{case.source_org}移送" if case.source_org else ""
    ref = f"，文号 {case.source_reference}" if case.source_reference else ""
    en_who = f", sent by {case.source_org}" if case.source_org else ""
    en_ref = f", reference {case.source_reference}" if case.source_reference else ""
    return f"转入：{zh_src}{who}{ref}", f"Transferred in: {en_src}{en_who}{en_ref}"


def session_words(s: MediationSession) -> tuple[str, str]:
    """(中文, English) of a session that did not end the case, for the timeline: where, the
    note, who took part and the next step as written."""
    zh = [f"调解（{s.location or ''}）：{s.note or ''}"]
    where = f" ({s.location})" if s.location else ""
    en = [f"Session{where}: {s.note or ''}"]
    if s.participants:
        zh.append(f"参加：{s.participants}")
        en.append(f"Present: {s.participants}")
    if s.next_step:
        zh.append(f"下一步：{s.next_step}")
        en.append(f"Next step: {s.next_step}")
    return "；".join(zh), "; ".join(en)


KEPT_TEXT: dict[bool, tuple[str, str]] = {
    True: ("协议已履行", "agreement kept"),
    False: ("协议未履行", "agreement not kept"),
}
DUE_VISIT_TEXT = ("待回访", "Follow-up visit due")


def visit_words(v: FollowUpVisit) -> tuple[str, str]:
    """(中文, English) of a follow-up visit made: whether the agreement was kept, the
    satisfaction, the note as written."""
    sat = SATISFACTION_TEXT.get(v.satisfaction or "", ("", ""))
    kept = KEPT_TEXT.get(v.agreement_kept, ("", "")) if v.agreement_kept is not None else ("", "")
    zh = f"回访：{kept[0]} {sat[0]} {v.note or ''}".strip()
    en_bits = [b for b in (kept[1], sat[1].lower(), v.note or "") if b]
    return zh, ("Follow-up visit: " + "; ".join(en_bits)) if en_bits else "Follow-up visit"


def alert_words(number: str, people: int, risk: str, level: str) -> tuple[str, str]:
    """(中文, English) of a major dispute's alert: the case, the people involved, its risk and
    whom it is reported to."""
    zh_to, en_to = ALERT_TEXT[level]
    zh_risk, en_risk = RISK_TEXT[risk]
    return (
        f"重大紧急矛盾纠纷 {number}：涉及{people}人，风险{zh_risk}，须报{zh_to}",
        f"Major urgent dispute {number}: {people} people involved, risk {en_risk.lower()}, "
        f"to be reported at {en_to} level",
    )


@dataclass
class CaseFile:
    case: DisputeCase
    type_name: str
    org_name: str | None
    town_name: str | None
    incident_number: str | None
    repeat_of_number: str | None
    parties: list[Party]
    sessions: list[MediationSession]
    visits: list[FollowUpVisit]
    alerts: list[DisputeAlert]
    timeline: list[TimelineEntry] = field(default_factory=list)
    type_name_en: str | None = None  # the English interface's (None: the Chinese one)

    def countdown(self, now: dt.datetime) -> deadlines.Countdown | None:
        c = self.case
        if c.status not in OPEN_STATUSES or c.deadline_at is None:
            return None
        return deadlines.countdown(now, c.received_at, c.deadline_at)


def case_file(session: Session, case_id: int) -> CaseFile:
    """Everything about one case, personal data masked, and its timeline (audit entries,
    sessions, visits, alerts) oldest first."""
    case = session.get(DisputeCase, case_id, populate_existing=True)
    if case is None:
        raise TransitionError(f"案件 {case_id} 不存在", f"case {case_id} does not exist")
    type_name, type_name_en = session.execute(
        select(DisputeType.name, DisputeType.name_en).where(DisputeType.code == case.type_code)
    ).one_or_none() or (None, None)
    org_name = (
        session.scalar(select(MediationOrg.name).where(MediationOrg.id == case.org_id))
        if case.org_id
        else None
    )
    town_name = (
        session.scalar(select(AdminArea.name).where(AdminArea.id == case.town_id))
        if case.town_id
        else None
    )
    incident_number = (
        session.scalar(select(Incident.number).where(Incident.id == case.incident_id))
        if case.incident_id
        else None
    )
    repeat_number = (
        session.scalar(select(DisputeCase.number).where(DisputeCase.id == case.repeat_of_id))
        if case.repeat_of_id
        else None
    )
    p = DisputeParty
    parties = [
        Party(
            r.id,
            r.role,
            r.kind,
            r.name_masked,
            r.phone_masked,
            r.id_number_masked,
            r.address_masked,
        )
        for r in session.execute(
            select(
                p.id,
                p.role,
                p.kind,
                p.name_masked,
                p.phone_masked,
                p.id_number_masked,
                p.address_masked,
            )
            .where(p.case_id == case.id)
            .order_by(p.id)
        )
    ]
    sessions = list(
        session.scalars(
            select(MediationSession)
            .where(MediationSession.case_id == case.id)
            .order_by(MediationSession.held_at)
        )
    )
    visits = list(
        session.scalars(
            select(FollowUpVisit).where(FollowUpVisit.case_id == case.id).order_by(FollowUpVisit.id)
        )
    )
    alerts = list(session.scalars(select(DisputeAlert).where(DisputeAlert.case_id == case.id)))
    timeline: list[TimelineEntry] = []
    if case.source in TRANSFER_SOURCES:
        zh, en = transfer_in_words(case)
        timeline.append(TimelineEntry(case.received_at, "transfer", zh, None, en))
    for a in session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "dispute_case", AuditEntry.entity_id == case.id)
        .order_by(AuditEntry.id)
    ):
        if a.action == "dispute.mediate":
            continue  # the session's own line below says it, with its place and mediators
        kind = "transfer" if is_transfer(a.action, a.before, a.after) else "audit"
        timeline.append(
            TimelineEntry(
                a.at, kind, a.summary + (f"（{a.reason}）" if a.reason else ""), a.actor_name
            )
        )
    for s in sessions:
        if s.outcome == "continued":
            zh, en = session_words(s)
            timeline.append(TimelineEntry(s.held_at, "session", zh, s.mediators, en))
    for v in visits:
        if v.visited_at is None:
            if v.due_at is not None:
                zh, en = DUE_VISIT_TEXT
                timeline.append(TimelineEntry(v.due_at, "visit", zh, None, en))
        else:
            zh, en = visit_words(v)
            timeline.append(TimelineEntry(v.visited_at, "visit", zh, v.visitor, en))
    for al in alerts:
        # the message as recorded; the English one written again from the alert's figures
        # (a case's risk is set when it is received and does not change)
        en = alert_words(case.number, al.people, case.risk_level, al.level)[1]
        timeline.append(TimelineEntry(al.raised_at, "alert", al.message, None, en))
    timeline.sort(key=lambda e: e.at)  # stable: the transfer in first, audit entries by id
    return CaseFile(
        case,
        type_name or case.type_code,
        org_name,
        town_name,
        incident_number,
        repeat_number,
        parties,
        sessions,
        visits,
        alerts,
        timeline,
        type_name_en,
    )


def cases_of_incident(session: Session, incident_id: int) -> list[tuple[int, str, str]]:
    """The dispute cases taken in from an incident: (id, number, status)."""
    return [
        (r.id, r.number, r.status)
        for r in session.execute(
            select(DisputeCase.id, DisputeCase.number, DisputeCase.status)
            .where(DisputeCase.incident_id == incident_id)
            .order_by(DisputeCase.id)
        )
    ]


# --- organisations, the board, the figures -------------------------------------------------


@dataclass(frozen=True)
class Org:
    id: int
    name: str
    level: str
    parent_id: int | None
    town_id: int | None


def orgs(session: Session) -> list[Org]:
    order = {"county": 0, "special": 1, "town": 2, "village": 3}
    rows = [
        Org(o.id, o.name, o.level, o.parent_id, o.town_id)
        for o in session.scalars(select(MediationOrg).where(MediationOrg.active))
    ]
    return sorted(rows, key=lambda o: (order[o.level], o.name))


def mediators_of(session: Session, org_id: int) -> list[tuple[int, str]]:
    return [
        (m.id, m.name)
        for m in session.scalars(
            select(Mediator).where(Mediator.org_id == org_id, Mediator.active).order_by(Mediator.id)
        )
    ]


def dispute_types(session: Session) -> list[tuple[str, str, str]]:
    return [
        (t.code, t.name, t.name_en)
        for t in session.scalars(select(DisputeType).order_by(DisputeType.code))
    ]


@dataclass(frozen=True)
class BoardRow:
    org_id: int
    org_name: str
    level: str
    mediator_id: int | None
    mediator_name: str | None  # None: the room's total
    open: int
    overdue: int
    high_risk: int


def board(session: Session) -> list[BoardRow]:
    """Open cases per room and per mediator, the overdue ones and the high-risk ones; rooms
    with open cases first, busiest first."""
    now = clock.now()
    c = DisputeCase
    open_ = c.status.in_(OPEN_STATUSES)
    counts = (
        func.count(),
        func.count().filter(c.deadline_at < now),
        func.count().filter(c.risk_level.in_(URGENT_RISKS)),
    )
    per_org = {
        r[0]: r[1:]
        for r in session.execute(select(c.org_id, *counts).where(open_).group_by(c.org_id))
    }
    per_med = session.execute(
        select(c.org_id, c.mediator_id, c.mediator_name, *counts)
        .where(open_, c.org_id.is_not(None))
        .group_by(c.org_id, c.mediator_id, c.mediator_name)
    ).all()
    rows: list[BoardRow] = []
    for o in orgs(session):
        n, late, high = per_org.get(o.id, (0, 0, 0))
        if not n:
            continue
        rows.append(BoardRow(o.id, o.name, o.level, None, None, n, late, high))
        for r in sorted((r for r in per_med if r[0] == o.id), key=lambda r: -r[3]):
            rows.append(
                BoardRow(o.id, o.name, o.level, r[1], r[2] or "（未指派）", r[3], r[4], r[5])
            )
    # busiest rooms first, each followed by its mediators
    groups: dict[int, list[BoardRow]] = {}
    for row in rows:
        groups.setdefault(row.org_id, []).append(row)
    ordered = sorted(groups.values(), key=lambda g: (-g[0].overdue, -g[0].open))
    return [r for g in ordered for r in g]


@dataclass(frozen=True)
class Figure:
    """One number of the figures panel and the cases behind it."""

    key: str
    value: float | int | None
    count: int  # the cases the number is computed from
    behind: CaseFilter


@dataclass(frozen=True)
class Figures:
    success_rate: Figure  # agreements / concluded (withdrawals not counted)
    satisfaction: Figure  # satisfied or fairly satisfied / visits that asked
    average_days: Figure  # intake to conclusion, concluded cases
    open_cases: Figure
    overdue: Figure
    backlog_by_town: list[tuple[int | None, str, int]]
    backlog_by_type: list[tuple[str, str, int]]
    sources: list[tuple[str, int]]
    base: CaseFilter = CaseFilter()  # the period: every row's cases are within it
    type_names_en: dict[str, str] = field(default_factory=dict)  # backlog_by_type's, in English

    def town_filter(self, town_id: int | None) -> CaseFilter:
        """The open cases of a town in the backlog (None: no town recorded)."""
        return dataclasses.replace(
            self.base, statuses=OPEN_STATUSES, town_id=town_id, no_town=town_id is None
        )

    def type_filter(self, type_code: str) -> CaseFilter:
        return dataclasses.replace(self.base, statuses=OPEN_STATUSES, type_code=type_code)

    def source_filter(self, source: str) -> CaseFilter:
        return dataclasses.replace(self.base, source=source)


def figures(
    session: Session, *, since: dt.date | None = None, until: dt.date | None = None
) -> Figures:
    """The figures panel, over the cases received from ``since`` to ``until`` (both days
    included, Beijing dates; None: no bound). Every figure's ``behind`` is the filter of the
    cases it counts, in that period."""
    now = clock.now()
    c = DisputeCase
    base = CaseFilter(received_from=since, received_to=until)
    where = _conditions(base, now)
    success = c.agreement_text.is_not(None) & c.status.in_(("agreement", "closed"))
    concluded = c.status.in_(("agreement", "closed", *FAILED_STATUSES))
    row = session.execute(
        select(
            func.count().filter(concluded),
            func.count().filter(success),
            func.avg(func.extract("epoch", c.concluded_at - c.received_at)).filter(
                concluded & c.concluded_at.is_not(None)
            ),
            func.count().filter(c.status.in_(OPEN_STATUSES)),
            func.count().filter(c.status.in_(OPEN_STATUSES) & (c.deadline_at < now)),
        ).where(*where)
    ).one()
    n_concluded, n_success, avg_seconds, n_open, n_overdue = row
    v = FollowUpVisit
    sat = session.execute(
        select(func.count(), func.count().filter(v.satisfaction.in_(("satisfied", "basic"))))
        .join(c, c.id == v.case_id)
        .where(v.satisfaction.is_not(None), *where)
    ).one()
    # a seeded visit records only whether the agreement is kept: kept counts as satisfied
    if not sat[0]:
        sat = session.execute(
            select(func.count(), func.count().filter(v.agreement_kept.is_(True)))
            .join(c, c.id == v.case_id)
            .where(v.agreement_kept.is_not(None), *where)
        ).one()
    open_where = [*where, c.status.in_(OPEN_STATUSES)]
    by_town = [
        (r[0], r[1] or "（未定）", r[2])
        for r in session.execute(
            select(c.town_id, AdminArea.name, func.count())
            .outerjoin(AdminArea, AdminArea.id == c.town_id)
            .where(*open_where)
            .group_by(c.town_id, AdminArea.name)
            .order_by(func.count().desc())
        )
    ]
    by_type, type_names_en = [], {}
    for r in session.execute(
        select(c.type_code, DisputeType.name, func.count(), DisputeType.name_en)
        .join(DisputeType, DisputeType.code == c.type_code)
        .where(*open_where)
        .group_by(c.type_code, DisputeType.name, DisputeType.name_en)
        .order_by(func.count().desc())
    ):
        by_type.append((r[0], r[1], r[2]))
        type_names_en[r[0]] = r[3] or r[1]
    sources = [
        (r[0], r[1])
        for r in session.execute(
            select(c.source, func.count())
            .where(*where)
            .group_by(c.source)
            .order_by(func.count().desc())
        )
    ]
    return Figures(
        success_rate=Figure(
            "success",
            n_success / n_concluded if n_concluded else None,
            n_concluded,
            dataclasses.replace(base, outcome="success"),
        ),
        satisfaction=Figure(
            "satisfaction",
            sat[1] / sat[0] if sat[0] else None,
            sat[0],
            dataclasses.replace(base, visited=True),
        ),
        average_days=Figure(
            "duration",
            float(avg_seconds) / 86400 if avg_seconds is not None else None,
            n_concluded,
            dataclasses.replace(base, statuses=("agreement", "closed", *FAILED_STATUSES)),
        ),
        open_cases=Figure(
            "open", n_open, n_open, dataclasses.replace(base, statuses=OPEN_STATUSES)
        ),
        overdue=Figure("overdue", n_overdue, n_overdue, dataclasses.replace(base, overdue=True)),
        backlog_by_town=by_town,
        backlog_by_type=by_type,
        sources=sources,
        base=base,
        type_names_en=type_names_en,
    )


PERIODS = ("all", "month", "quarter", "year", "custom")


def period_range(kind: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The days (first, last) of the period ``kind`` that contains ``today``: the calendar
    month, quarter or year so far; ``all`` (and ``custom``, whose days the user picks) is
    unbounded."""
    if kind == "month":
        return today.replace(day=1), today
    if kind == "quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if kind == "year":
        return today.replace(month=1, day=1), today
    if kind in ("all", "custom"):
        return None, None
    raise ValueError(f"unknown period {kind!r}")


def check_range(first: dt.date | None, last: dt.date | None) -> None:
    """A custom period whose end is before its start is refused (bilingual)."""
    if first is not None and last is not None and last < first:
        raise TransitionError(
            f"结束日期 {last:%Y-%m-%d} 早于开始日期 {first:%Y-%m-%d}",
            f"the end, {last:%Y-%m-%d}, is before the start, {first:%Y-%m-%d}",
        )


def due_follow_ups(
    session: Session, *, until: dt.datetime | None = None
) -> list[tuple[int, str, dt.datetime | None]]:
    """Scheduled visits not yet made, due by ``until`` (now): (case id, number, due)."""
    until = until or clock.now()
    return [
        (r[0], r[1], r[2])
        for r in session.execute(
            select(DisputeCase.id, DisputeCase.number, FollowUpVisit.due_at)
            .join(FollowUpVisit, FollowUpVisit.case_id == DisputeCase.id)
            .where(FollowUpVisit.visited_at.is_(None), FollowUpVisit.due_at <= until)
            .order_by(FollowUpVisit.due_at)
        )
    ]
