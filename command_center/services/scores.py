"""The monthly score (月度考核) of departments and towns, which supervision moves.

Every point is a row of ``score_points`` naming its rule, order and supervision (written by the
sweep, services/supervision.py, and by a supervisor's hand here, until the month is locked).
A month's score is on the 100 scale (:func:`unit_score`, setting ``orders.score_scale``): the
rules' points count per hundred orders that fell due, credit is capped, points by hand count
whole, and no score falls below 0. The ranking (:func:`monthly_scores`) is what the supervision
ledger, the analysis' departments table and the monthly bulletin show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.models import AdminArea, Department, ScoreMonth, ScorePoint
from command_center.services import audit, place_names, settings
from command_center.services.audit import Actor
from command_center.services.orders import TransitionError
from command_center.services.supervision import (
    CREDIT_RULES,
    DEBIT_RULES,
    DUE_RULES,
    clean_text,
    require_supervisor,
)

BASE_SCORE = 100


@dataclass(frozen=True)
class ScoreScale:
    """How a month's points become a score on the 100 scale (setting ``orders.score_scale``).

    The points of the rules count per ``per_orders`` orders that fell due in the month (每百件
    折算: a unit with 1,000 such orders counts a tenth of each point; one with fewer counts
    them whole), so a busy department and a small one are scored on their rates, not on their
    volume. Credit adds at most ``credit_cap`` (加分上限). Points given by hand count whole. A
    score never falls below 0 (扣完为止)."""

    per_orders: int = 100
    credit_cap: int = 10

    @classmethod
    def of(cls, value: Any) -> ScoreScale:
        clean = validate_score_scale(value or {})
        return cls(clean["per_orders"], clean["credit_cap"])


MAX_PER_ORDERS = 10_000
MAX_CREDIT_CAP = 50


def validate_score_scale(value: Any) -> dict[str, int]:
    """The score's scale, checked: ``per_orders`` 0 (points count whole) or 10 to 10,000;
    ``credit_cap`` 0 to 50. Missing keys take the defaults."""
    if not isinstance(value, Mapping):
        raise TransitionError("考核折算设置格式错误", "the score's scale is not in its form")
    unknown = set(value) - {"per_orders", "credit_cap"}
    if unknown:
        raise TransitionError(
            f"考核折算设置「{sorted(unknown)[0]}」无效", f"no scale setting {sorted(unknown)[0]!r}"
        )
    default = settings.DEFAULTS["orders.score_scale"][0]
    try:
        per_orders = int(value.get("per_orders", default["per_orders"]))
        cap = int(value.get("credit_cap", default["credit_cap"]))
    except (TypeError, ValueError):
        raise TransitionError(
            "考核折算设置须为整数", "the score's scale is given in whole numbers"
        ) from None
    if per_orders != 0 and not 10 <= per_orders <= MAX_PER_ORDERS:
        raise TransitionError(
            f"折算工单数须为0（不折算）或10到{MAX_PER_ORDERS}",
            f"count points per 0 (not at all) or 10 to {MAX_PER_ORDERS} orders",
        )
    if not 0 <= cap <= MAX_CREDIT_CAP:
        raise TransitionError(
            f"加分上限须在0到{MAX_CREDIT_CAP}之间",
            f"the credit cap is 0 to {MAX_CREDIT_CAP} points",
        )
    return {"per_orders": per_orders, "credit_cap": cap}


def round1(x: float) -> float:
    """``x`` to one decimal, halves away from zero (as a score sheet rounds: 64.25 → 64.3)."""
    return float(Decimal(repr(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class ScoreParts:
    """A unit's month on the 100 scale: ``exact`` = 100 + ``credit`` + ``debit`` + ``manual``,
    not below 0; ``score`` is it to one decimal (rounded once; ``credit`` and ``debit`` are
    shown to one decimal as well). ``due``: its orders that fell due (closed on time or
    overdue); ``factor``: what one point of a rule counted."""

    score: float
    credit: float
    debit: float
    manual: int
    due: int
    factor: float
    exact: float = 0.0


def unit_score(
    points: Mapping[str, int],
    counts: Mapping[str, int],
    scale: ScoreScale,
    due: int | None = None,
) -> ScoreParts:
    """The score of one unit's month from its points per rule (``points``, summed) and how many
    points rows each rule has (``counts``): see :class:`ScoreScale`. ``due``: the unit's
    orders that fell due, where its own points do not count them (a town: :func:`town_due`)."""
    if due is None:
        due = sum(int(counts.get(r, 0)) for r in DUE_RULES)
    factor = scale.per_orders / max(due, scale.per_orders) if scale.per_orders else 1.0
    credit = min(float(scale.credit_cap), sum(points.get(r, 0) for r in CREDIT_RULES) * factor)
    debit = sum(points.get(r, 0) for r in DEBIT_RULES) * factor
    manual = int(points.get("manual", 0))
    exact = max(0.0, BASE_SCORE + credit + debit + manual)
    return ScoreParts(round1(exact), round1(credit), round1(debit), manual, due, factor, exact)


@dataclass(frozen=True)
class UnitScore:
    unit_type: str
    unit_id: int
    name: str
    score: float  # on the 100 scale (:func:`unit_score`)
    by_rule: dict[str, int]  # the points per rule, as given (each traced to its order)
    name_en: str = ""
    parts: ScoreParts | None = None

    @property
    def name_words(self) -> tuple[str, str]:
        return (self.name, self.name_en or self.name)


def score_scale(session: Session) -> ScoreScale:
    """The county's :class:`ScoreScale` (setting ``orders.score_scale``)."""
    return ScoreScale.of(settings.get(session, "orders.score_scale"))


def month_scales(session: Session, months: Sequence[dt.date]) -> dict[dt.date, ScoreScale]:
    """The scale each of ``months`` is scored on: a locked month's, kept when it was locked (a
    later change of the setting does not move a final score), else the county's today."""
    current = score_scale(session)
    locked: dict[dt.date, Any] = dict(
        session.execute(
            select(ScoreMonth.month, ScoreMonth.scale).where(ScoreMonth.month.in_(list(months)))
        ).all()
    )
    return {
        m: ScoreScale.of(locked[m]) if locked.get(m) is not None else current for m in months
    }


def month_points(
    session: Session, months: Sequence[dt.date], unit_type: str
) -> dict[tuple[dt.date, int], tuple[dict[str, int], dict[str, int]]]:
    """Per (month, unit) of ``unit_type``: its points per rule and how many points rows each
    rule has (``score_point_monthly``, kept by triggers on ``score_points``)."""
    out: dict[tuple[dt.date, int], tuple[dict[str, int], dict[str, int]]] = {}
    for month, unit_id, rule, points, n in session.execute(
        text(
            "SELECT month, unit_id, rule, points, n FROM score_point_monthly "
            "WHERE month = ANY(:m) AND unit_type = :t AND n <> 0"
        ),
        {"m": list(months), "t": unit_type},
    ):
        sums, counts = out.setdefault((month, int(unit_id)), ({}, {}))
        sums[rule] = int(points)
        counts[rule] = int(n)
    return out


def town_due(session: Session, month: dt.date) -> dict[int, int]:
    """Per town, the orders of every department on its incidents that fell due in ``month``
    (closed on time or overdue, as their departments' points say). A town is carded for every
    order in it, but credited only for its own government's: its own points do not count
    the orders it answers for."""
    return {
        int(town): int(n)
        for town, n in session.execute(
            text(
                # the orders looked up by their keys (a hash join would read every order)
                "SELECT i.town_id, count(*) FROM work_orders w "
                "JOIN incidents i ON i.id = w.incident_id "
                "WHERE w.id = ANY(ARRAY(SELECT p.work_order_id FROM score_points p "
                "WHERE p.month = :m AND p.unit_type = 'department' "
                "AND p.rule = ANY(:due))) AND i.town_id IS NOT NULL GROUP BY 1"
            ),
            {"m": month.replace(day=1), "due": list(DUE_RULES)},
        )
    }


def monthly_scores(
    session: Session, month: dt.date, unit_type: str, scale: ScoreScale | None = None
) -> list[UnitScore]:
    """Every department (or town) with its score for ``month`` on the 100 scale
    (:func:`unit_score`), best first, with the points per rule."""
    month = month.replace(day=1)
    if unit_type == "department":
        units = [
            (i, n, e or n)
            for i, n, e in session.execute(
                select(Department.id, Department.name, Department.name_en).where(Department.active)
            )
        ]
    else:
        units = [
            (i, n, place_names.english(n))
            for i, n in session.execute(
                select(AdminArea.id, AdminArea.name).where(AdminArea.level == "town")
            )
        ]
    if scale is None:  # the caller may have read it (month_scales) to show it
        scale = month_scales(session, [month])[month]
    sums = month_points(session, [month], unit_type)
    dues = town_due(session, month) if unit_type == "town" else {}
    out = []
    for uid, name, name_en in units:
        points, counts = sums.get((month, uid), ({}, {}))
        parts = unit_score(points, counts, scale, dues.get(uid, 0) if unit_type == "town" else None)
        out.append(UnitScore(unit_type, uid, name, parts.score, points, name_en, parts))
    return sorted(out, key=lambda u: (-u.score, u.name))


def adjust_score(
    session: Session,
    actor: Actor,
    *,
    unit_type: str,
    unit_id: int,
    month: dt.date,
    points: int,
    reason: str,
) -> int:
    """A supervisor adds or deducts points by hand, with a reason, until the month is locked.
    Commits; returns the point's id."""
    require_supervisor(session, actor, ("调整考核分", "adjust a score"))
    reason = clean_text(reason, "调整理由", "a reason")
    if unit_type not in ("department", "town") or not -50 <= int(points) <= 50 or not points:
        raise TransitionError("调整分值须在-50到50之间且不为0", "adjust by -50 to 50 points, not 0")
    month = month.replace(day=1)
    try:
        if session.get(ScoreMonth, month) is not None:
            raise TransitionError(
                f"{month:%Y年%m月}的考核已锁定", f"the score of {month:%Y-%m} is locked"
            )
        p = ScorePoint(
            month=month,
            unit_type=unit_type,
            unit_id=unit_id,
            points=int(points),
            rule="manual",
            reason=reason,
            at=clock.now(),
            by_user_id=actor.user_id,
        )
        session.add(p)
        session.flush()
        audit.record(
            session,
            actor,
            "score.adjust",
            "score_point",
            p.id,
            f"{actor.name} 调整{month:%Y年%m月}考核分 {int(points):+d}",
            after={"unit_type": unit_type, "unit_id": unit_id, "points": int(points)},
            reason=reason,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return p.id


def lock_month(session: Session, actor: Actor, month: dt.date) -> None:
    """Lock a month's score: no more adjustments by hand. Commits."""
    require_supervisor(session, actor, ("锁定考核月份", "lock a month"))
    month = month.replace(day=1)
    try:
        if session.get(ScoreMonth, month) is None:
            scale = score_scale(session)  # the month stays scored as it is now
            session.add(
                ScoreMonth(
                    month=month,
                    locked_at=clock.now(),
                    locked_by_id=actor.user_id,
                    scale={"per_orders": scale.per_orders, "credit_cap": scale.credit_cap},
                )
            )
            audit.record(
                session,
                actor,
                "score.lock",
                "score_month",
                None,
                f"{actor.name} 锁定{month:%Y年%m月}考核",
                after={"month": month.isoformat()},
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
