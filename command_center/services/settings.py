"""Center-wide settings stored in the database (``app_settings``), with defaults in code.

Every workstation reads the same values; a change is recorded in the audit log and announced on
the live channel (table ``app_settings``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from command_center.models import AppSetting
from command_center.services import audit, permissions
from command_center.services.audit import Actor

# key -> (default, description)
DEFAULTS: dict[str, tuple[Any, str]] = {
    "orders.objection_hours": (8, "八小时异议: hours a department has to object to an order"),
    "orders.reopen_days": (15, "days after closure within which an incident may be reopened"),
    "orders.answer_working_days": (5, "working days within which the reporter is answered"),
    "orders.max_dispatch_rounds": (3, "dispatches of one incident before it needs a supervisor"),
    # supervision (services/supervision.py): administrators edit them
    "orders.card_limits": (
        {"town": [1, 2], "functional": [5, 10], "categories": {}},
        "黄牌/红牌: working days past the deadline, per unit kind [yellow, red]; "
        "categories: {code: {kind: [yellow, red]}} (the most specific category wins)",
    ),
    "orders.supervision_renotify_minutes": (
        60,
        "supervision not yet acknowledged is shown to its department again after this long",
    ),
    "orders.score_points": (
        {"overdue": -2, "yellow": -5, "red": -10, "returned": -1, "on_time": 1, "satisfied": 1},
        "the monthly score's points per rule (every unit starts the month at 100): a step of "
        "the sweep, a returned order, an order closed on time, a satisfied reporter",
    ),
    "orders.score_scale": (
        {"per_orders": 100, "credit_cap": 10},
        "the monthly score on the 100 scale: the rules' points count per this many orders due "
        "in the month (每百件折算; 0: whole), credit adds at most credit_cap, never below 0",
    ),
    "orders.supervision_days": (3, "working days a department has to answer a supervision"),
    "orders.repeat_reports": (
        {"count": 3, "days": 30},
        "挂牌督办 proposal: this many reports of one problem at one grid within these days",
    ),
    "orders.focus_keywords": ([], "words in a title that make an incident a focus problem"),
    "map.tiles": (
        None,
        "intranet XYZ tiles: {url, crs: 'GCJ-02'|'WGS-84', attribution, max_zoom} or null",
    ),
    "map.wall_views": ([], "saved map views cycled in wall mode"),
    "disputes.time_limit_days": (30, "days a mediation may take (调解期限)"),
    "disputes.extension_days": (30, "days the one extension of a mediation adds"),
    "disputes.follow_up_days": (15, "days after an agreement when the follow-up visit is due"),
    "disputes.alert_bands": (
        {"town": 50, "county": 100, "city": 500},
        "people involved from which a major, urgent dispute alerts the town, county, city",
    ),
    "workers.active_target": (
        0.811,
        "the active ratio of grid workers aimed at (0–1; Minle 81.1%)",
    ),
    "workers.far_check_in_km": (
        1.0,
        "a check-in farther than this (km) outside its grid's boundary is a finding",
    ),
    "dispatch.auto_confidence": (
        0,
        "智能派单: dispatch automatically when the learned model agrees with the routing rules "
        "with at least this confidence (a calibrated probability, 0 to 1; 0 = never)",
    ),
    "dispatch.keep_model_versions": (
        5,
        "智能派单: stored models kept besides the active one (the newest others); older ones "
        "are pruned unless younger than dispatch.keep_model_days",
    ),
    "dispatch.keep_model_days": (
        30,
        "智能派单: a stored model younger than this many days is never pruned",
    ),
    "map.wall_cycle_seconds": (60, "seconds each saved view stays on the wall"),
    "open311.poll": (
        {"enabled": False, "url": "", "interval_s": 300, "source": "12345"},
        "polling of an Open311 GeoReport v2 endpoint (off by default)",
    ),
}


def get(session: Session, key: str) -> Any:
    value = session.scalar(select(AppSetting.value).where(AppSetting.key == key))
    if value is None:
        if key not in DEFAULTS:
            raise KeyError(key)
        return DEFAULTS[key][0]
    return value


def get_all(session: Session) -> dict[str, Any]:
    values = {key: default for key, (default, _) in DEFAULTS.items()}
    values.update(dict(session.execute(select(AppSetting.key, AppSetting.value)).all()))
    return values


def set_value(
    session: Session, actor: Actor, key: str, value: Any, reason: str | None = None
) -> None:
    """Store a setting in the caller's transaction, with an audit entry. Refuses
    (:class:`~command_center.services.permissions.PermissionDenied`) a user who may not change
    it."""
    if key not in DEFAULTS:
        raise KeyError(key)
    permissions.require_setting(session, actor, key)
    value = _checked(session, key, value)
    before = get(session, key)
    stmt = insert(AppSetting).values(key=key, value=value, updated_by_id=actor.user_id)
    stmt = stmt.on_conflict_do_update(
        index_elements=[AppSetting.key],
        set_={
            "value": stmt.excluded.value,
            "updated_by_id": actor.user_id,
            "updated_at": stmt.excluded.updated_at,
        },
    )
    session.execute(stmt)
    audit.record(
        session,
        actor,
        "setting.change",
        "app_settings",
        None,
        f"{actor.name} 修改设置 {key}",
        before={"key": key, "value": before},
        after={"key": key, "value": value},
        reason=reason,
    )


def _checked(session: Session, key: str, value: Any) -> Any:
    """A setting whose rule lives in its service is checked there (a refusal says why)."""
    if key == "orders.card_limits":
        from command_center.services import supervision

        codes = session.scalars(text("SELECT code FROM categories")).all()
        return supervision.validate_card_limits(value, codes)
    if key == "orders.score_points":
        from command_center.services import supervision

        return supervision.validate_score_points(value)
    if key == "orders.score_scale":
        from command_center.services import scores

        return scores.validate_score_scale(value)
    return value


def change(
    session: Session, actor: Actor, values: dict[str, Any], reason: str | None = None
) -> None:
    """Store several settings in one transaction and commit: all of them, or none when one is
    refused."""
    try:
        for key, value in values.items():
            set_value(session, actor, key, value, reason)
        session.commit()
    except BaseException:
        session.rollback()
        raise


def save_wall_view(session: Session, actor: Actor, view: dict[str, Any]) -> list[dict[str, Any]]:
    """Add a saved map view to "map.wall_views" (replacing one of the same name) and commit;
    returns the views now saved. Two workstations saving at once both keep their view: the
    list is read and written under a lock held to the end of the transaction."""
    key = "map.wall_views"
    try:
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"app_settings:{key}"}
        )
        name = view.get("name")
        views = [v for v in get(session, key) or [] if v.get("name") != name]
        views.append(view)
        set_value(session, actor, key, views)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return views
