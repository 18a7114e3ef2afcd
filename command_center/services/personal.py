"""Personal data (reporters, dispute parties, grid workers' identity numbers): everyone reads it
masked; the raw values of one record are revealed to a user whose role may see them
(:func:`permissions.may_reveal`), for a reason, and every reveal is an audit entry written by
the database itself (``cc_reveal``, alembic 0006) with the operator and the server's time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from command_center.models.personal import MASKED_SUFFIX, PERSONAL_FIELDS
from command_center.services import permissions
from command_center.services.audit import Actor

__all__ = [
    "MASKED_SUFFIX", "PERSONAL_FIELDS", "REASON_MAX", "Reporter", "reveal", "reveal_reporter",
]

REASON_MAX = 200
REASONS = (
    ("回访来电人", "calling the reporter back"),
    ("联系来电人核实情况", "asking the reporter about the facts"),
    ("告知办理结果", "telling the outcome"),
)
"""Reasons offered for a reveal (any other may be typed)."""

_KIND_WORDS = {
    "incident": ("事件", "incident"),
    "dispute_case": ("纠纷案件", "dispute case"),
    "grid_worker": ("网格员", "grid worker"),
}


@dataclass(frozen=True)
class Reporter:
    name: str | None
    phone: str | None


def reveal(session: Session, actor: Actor, kind: str, record_id: int, reason: str) -> Any:
    """The raw personal data of one record (a dict; a list of parties for a dispute case), in
    the caller's transaction, which must be committed for the reveal to be recorded and kept.
    Refused with :class:`permissions.PermissionDenied` when ``actor`` may not see it, with
    ``ValueError`` without a reason."""
    reason = reason.strip()
    if not reason:
        raise ValueError("查看个人信息须说明原因 / give the reason for seeing personal data")
    if len(reason) > REASON_MAX:
        reason = reason[: REASON_MAX - 1] + "…"
    me = permissions.who(session, actor)
    reaches = True
    if kind == "incident" and me.role is not None:
        reaches = permissions.may_reach_incident(session, me, record_id)
    if kind not in _KIND_WORDS or not permissions.may_reveal(me, kind, reaches_record=reaches):
        zh, en = _KIND_WORDS.get(kind, (kind, kind))
        raise permissions.PermissionDenied(
            f"您的角色不能查看这条{zh}记录的完整个人信息",
            f"your role may not see the personal data of this {en}",
        )
    if me.role is None:
        # the program itself (the command line, as the server's owner): no login to stamp
        return _read_raw(session, kind, record_id)
    try:
        return session.execute(
            text("SELECT cc_reveal(:kind, :id, :reason)"),
            {"kind": kind, "id": record_id, "reason": reason},
        ).scalar_one()
    except DBAPIError as exc:
        diag = getattr(exc.orig, "diag", None)
        message = str(getattr(diag, "message_primary", None) or exc)
        if "cc: " in message:
            raise permissions.PermissionDenied(*_split(message.split("cc: ", 1)[1])) from exc
        raise


def reveal_reporter(session: Session, actor: Actor, incident_id: int, reason: str) -> Reporter:
    got = reveal(session, actor, "incident", incident_id, reason)
    return Reporter(got.get("name"), got.get("phone"))


def _split(message: str) -> tuple[str, str]:
    zh, _, en = message.partition(" / ")
    return zh, en or zh


def _read_raw(session: Session, kind: str, record_id: int) -> Any:
    if kind == "incident":
        row = session.execute(
            text("SELECT reporter_name, reporter_phone FROM incidents WHERE id = :id"),
            {"id": record_id},
        ).one_or_none()
        return None if row is None else {"name": row[0], "phone": row[1]}
    if kind == "dispute_case":
        rows = session.execute(
            text("SELECT id, role, name, phone, id_number, address FROM dispute_parties "
                 "WHERE case_id = :id ORDER BY id"),
            {"id": record_id},
        ).mappings().all()
        return [dict(r) for r in rows]
    row = session.execute(
        text("SELECT id_number FROM grid_workers WHERE id = :id"), {"id": record_id}
    ).one_or_none()
    return None if row is None else {"id_number": row[0]}
