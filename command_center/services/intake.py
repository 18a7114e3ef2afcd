"""The intake form's use cases: an operator taking a call (a citizen's report by phone, a
grid worker's, ...) and saving it as an incident.

A draft is previewed (placement, suggested department, duplicate candidates) and checked
before it is saved; saving may merge the new incident into an earlier one as a repeated report.
Every incident is written by ``services.incident_writer`` (placement, number, deadlines, the
audit entry); the 12345 hotline's files and tables are imported by ``services.imports``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.models.incident import LocationFlag
from command_center.services.audit import Actor
from command_center.services.incident_writer import (
    FIELD_MAX,
    NewIncident,
    Origin,
    Placement,
    TextTooLong,
    fit_text,
    place,
    usable,
    write_incident,
)

FORM_NUMBER_PREFIX = "SJ"  # like the incidents of the demo county: SJ + Beijing date + sequence
# Field lengths are the writer's (incident_writer.FIELD_MAX, from the columns); every path that
# writes an incident (this form, the imports, the HTTP service) caps or refuses by them.
TITLE_FORM_MAX = FIELD_MAX["title"]
DESCRIPTION_MAX = FIELD_MAX["description"]
ADDRESS_MAX = FIELD_MAX["address"]
NAME_MAX = FIELD_MAX["reporter_name"]
PHONE_MAX = FIELD_MAX["reporter_phone"]
EXTERNAL_MAX = FIELD_MAX["external_id"]


class IntakeError(ValueError):
    """Input the form cannot save; str is "中文 / English". ``missing``: the fields a call
    still needs (:data:`CALL_NEEDS`), in the form's order."""

    def __init__(self, message: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing = missing


# --- what a call needs before it is saved (the one rule; the form asks it too) -------------
# An operator taking a call saves an incident the workflow can route and answer: a title, a
# third-level (leaf) category, a description, and a place — an address or a point — or the
# reason there is none. Imported records (the 12345 files, Open311, the poller, the demo
# county) keep their own rules: they are written by create_incident, not take_call.
CALL_NEEDS: dict[str, tuple[str, str]] = {
    "title": ("标题", "a title"),
    "category": ("三级事件分类", "a third-level category"),
    "description": ("事件描述", "a description"),
    "place": ("地址或坐标（或无位置的原因）", "an address or a point (or why there is none)"),
}


def call_missing(draft: IncidentDraft, *, category_is_leaf: bool | None = None) -> tuple[str, ...]:
    """What ``draft`` still lacks to be saved as a call (keys of :data:`CALL_NEEDS`, in the
    form's order). ``category_is_leaf``: whether its category is a leaf, when known."""
    missing = []
    if not (draft.title or "").strip():
        missing.append("title")
    if not draft.category_code or category_is_leaf is False:
        missing.append("category")
    if not (draft.description or "").strip():
        missing.append("description")
    has_place = bool((draft.address or "").strip()) or draft.lon is not None
    if not has_place and not (draft.no_location_reason or "").strip():
        missing.append("place")
    return tuple(missing)


def missing_text(missing: tuple[str, ...]) -> str:
    """ "还须填写：… / still needed: …" for :func:`call_missing`'s answer."""
    zh = "、".join(CALL_NEEDS[k][0] for k in missing)
    en = ", ".join(CALL_NEEDS[k][1] for k in missing)
    return f"还须填写：{zh} / still needed: {en}"


@dataclass(frozen=True)
class IncidentDraft:
    """What the operator typed. ``lon``/``lat`` are GCJ-02, like the map."""

    channel_code: str
    title: str
    category_code: str | None = None
    description: str = ""
    address: str | None = None
    lon: float | None = None
    lat: float | None = None
    reporter_name: str | None = None
    reporter_phone: str | None = None
    priority: int = 3
    reported_at: dt.datetime | None = None  # default: now
    no_location_reason: str | None = None  # a call without a place says why (audited)


@dataclass(frozen=True)
class CreatedIncident:
    id: int
    number: str
    placement: Placement
    reported_at: dt.datetime
    due_at: dt.datetime | None
    answer_due_at: dt.datetime | None
    suggestion: Any  # routing.Suggestion | None
    duplicates: list[Any]  # duplicates.Candidate
    auto: Any = None  # learned_routing.AutoDispatch: dispatched automatically (undoable)


@dataclass(frozen=True)
class IntakePreview:
    """What the form shows before saving.

    ``point`` says what is wrong with the coordinates the operator typed, if anything: "none"
    (none given), "ok" (placed), "invalid" (not a longitude and a latitude: out of range; the
    placement is then the address's), "outside" (a point outside the county); ``swapped``:
    the two numbers the other way round lie in the county (latitude and longitude swapped)."""

    placement: Placement
    suggestion: Any  # routing.Suggestion | None
    duplicates: list[Any]
    point: str = "none"
    swapped: bool = False
    learned: Any = None  # learned_routing.LearnedSuggestion | None: what the words point to


def county_name(session: Session) -> str:
    """The county's name (民乐县), as the current areas give it."""
    name = session.scalar(
        text(
            "SELECT name FROM admin_areas WHERE level = 'county' AND valid_to IS NULL "
            "ORDER BY id LIMIT 1"
        )
    )
    return str(name) if name else "本县"


def check_point(
    session: Session, lon: float | None, lat: float | None, where: Placement | None = None
) -> tuple[str, bool]:
    """What is wrong with a typed point ("none", "ok", "invalid", "outside"; see
    :class:`IntakePreview`) and whether swapping its two numbers puts it in the county."""
    if lon is None or lat is None:
        return "none", False
    if not usable(lon, lat):
        point = "invalid"
    else:
        flag = (where or place(session, lon, lat, None)).flag
        point = "outside" if flag == LocationFlag.OUTSIDE else "ok"
    swapped = (
        point != "ok"
        and usable(lat, lon)
        and place(session, lat, lon, None).flag == LocationFlag.OK.value
    )
    return point, swapped


def suggest_department(session: Session, category_code: str | None, town_id: int | None) -> Any:
    """routing.suggest, or the category's default department where routing is not there."""
    try:
        from command_center.services import routing
    except ImportError:  # pragma: no cover - routing arrives with the closed loop
        routing = None  # type: ignore[assignment]
    if routing is not None:
        return routing.suggest(session, category_code, town_id)
    if category_code is None:
        return None
    row = session.execute(
        text(
            "SELECT d.id, d.name, c.name FROM categories c JOIN departments d "
            "ON d.id = c.default_department_id WHERE c.code = :c"
        ),
        {"c": category_code},
    ).one_or_none()
    if row is None:
        return None
    from types import SimpleNamespace

    return SimpleNamespace(
        department_id=row[0],
        department_name=row[1],
        reason=f"分类「{row[2]}」的默认承办部门",
        department_name_en=None,
        reason_en=None,
    )


def preview(
    session: Session, draft: IncidentDraft, *, exclude_id: int | None = None
) -> IntakePreview:
    """Placement, routing suggestion and duplicate candidates for a draft, without saving."""
    from command_center.services import duplicates

    where = place(session, draft.lon, draft.lat, draft.address)
    suggestion = suggest_department(session, draft.category_code, where.town_id)
    at = draft.reported_at or clock.now()
    located = usable(draft.lon, draft.lat) and where.flag == LocationFlag.OK
    dups = duplicates.candidates(
        session,
        lon=draft.lon if located else None,
        lat=draft.lat if located else None,
        text=f"{draft.title} {draft.description}",
        at=at,
        category_code=draft.category_code,
        exclude_id=exclude_id,
        village_id=where.village_id,
    )
    point, swapped = check_point(
        session, draft.lon, draft.lat, where if usable(draft.lon, draft.lat) else None
    )
    return IntakePreview(
        where, suggestion, dups, point, swapped, learned_suggestion(session, draft)
    )


def learned_suggestion(session: Session, draft: IncidentDraft) -> Any:
    """The active learned model's suggestion for the draft's words, or None (no model, no
    words, or a model that cannot be loaded: logged, the form goes on without it)."""
    from command_center.services import learned_routing

    try:
        return learned_routing.suggest(session, draft.title, draft.description)
    except learned_routing.classifier.ClassifierError as exc:
        import logging

        logging.getLogger(__name__).warning("learned suggestion: %s", exc)
        return None


def _clean(value: str | None, field_name: str) -> str | None:
    """One line of the form, refused (IntakeError) when longer than its field takes."""
    return _fits(" ".join((value or "").split()) or None, field_name)


def _fits(value: str | None, field_name: str) -> str | None:
    try:
        return fit_text(field_name, value, refuse=True)
    except TextTooLong as exc:
        raise IntakeError(str(exc)) from None


@dataclass(frozen=True)
class Known:
    """The channels and categories there are, read once for many drafts (a group of POSTs)."""

    channels: frozenset[str]
    categories: frozenset[str]

    @classmethod
    def of_session(cls, session: Session) -> Known:
        return cls(
            frozenset(session.scalars(text("SELECT code FROM channels"))),
            frozenset(session.scalars(text("SELECT code FROM categories"))),
        )


def _validate(session: Session, draft: IncidentDraft, known: Known | None = None) -> None:
    if not (draft.title or "").strip():
        raise IntakeError("请填写标题 / a title is required")
    if draft.priority not in (1, 2, 3, 4):
        raise IntakeError("优先级应为1至4 / priority must be 1 to 4")
    if (draft.lon is None) != (draft.lat is None):
        raise IntakeError("经度和纬度须同时填写 / give both longitude and latitude, or neither")
    if draft.lon is not None and not usable(draft.lon, draft.lat):
        raise IntakeError(
            "坐标无效：经度须在−180至180之间，纬度须在−90至90之间（经纬度是否填反？） / the "
            "coordinates are not valid: longitude is −180 to 180, latitude −90 to 90 (are "
            "they swapped?)"
        )
    if (
        draft.channel_code not in known.channels
        if known is not None
        else session.scalar(
            text("SELECT 1 FROM channels WHERE code = :c"), {"c": draft.channel_code}
        )
        is None
    ):
        raise IntakeError(f"没有来源渠道 {draft.channel_code} / no channel {draft.channel_code}")
    if draft.category_code and (
        draft.category_code not in known.categories
        if known is not None
        else session.scalar(
            text("SELECT 1 FROM categories WHERE code = :c"), {"c": draft.category_code}
        )
        is None
    ):
        raise IntakeError(f"没有事件分类 {draft.category_code} / no category {draft.category_code}")


def next_number(session: Session, at: dt.datetime, prefix: str = FORM_NUMBER_PREFIX) -> str:
    """The next SJ number of ``at``'s Beijing date (locks numbering until the commit)."""
    from command_center.services import incident_writer

    incident_writer.lock_numbers(session, prefix)
    return incident_writer.numbers(session, [at], prefix, 4)[0]


_FORM = Origin("incident.create", "登记事件", FORM_NUMBER_PREFIX, 4)
FORM_ORIGIN = _FORM
"""How an incident taken as a call is numbered and audited (also a POSTed request's)."""


def create_incident(
    session: Session, actor: Actor, draft: IncidentDraft, *, advice: bool = True
) -> CreatedIncident:
    """Save an incident an operator took (one audit entry); commits.

    Placed by point-in-polygon, or by the gazetteer when only an address was given (then
    flagged 'missing': no coordinates, responsibility from the address); outside the county or
    nowhere known is flagged, never guessed. Sets the deadline for the work (deadline rules,
    working days) and for answering the reporter ("orders.answer_working_days"). Returns the
    routing suggestion and duplicate candidates along with the number (``advice=False``:
    neither is looked for, for a caller that shows neither).
    """
    return create_and_merge(session, actor, draft, None, advice=advice)


def take_call(
    session: Session, actor: Actor, draft: IncidentDraft, merge_into: int | None = None
) -> CreatedIncident:
    """Save a call an operator took (the intake form): refused (:class:`IntakeError`, naming
    what is missing) unless it has what the workflow needs (:func:`call_missing`: a title, a
    leaf category, a description, a place or the reason there is none); then
    :func:`create_and_merge`. Commits."""
    leaf = None
    if draft.category_code:
        leaf = not session.scalar(
            text("SELECT EXISTS (SELECT 1 FROM categories WHERE parent_code = :c)"),
            {"c": draft.category_code},
        )
    missing = call_missing(draft, category_is_leaf=leaf)
    if missing:
        raise IntakeError(missing_text(missing), missing)
    made = create_and_merge(session, actor, draft, merge_into)
    if merge_into is None:
        _note_category_choice(session, actor, made.id, draft.category_code)
        made = _auto_dispatch(session, made)
    return made


def _note_category_choice(
    session: Session, actor: Actor, incident_id: int, category_code: str | None
) -> None:
    """Whether the operator took the learned category (the administrator's accept rate)."""
    import logging

    from command_center.services import learned_routing

    try:
        learned_routing.record_choice(session, actor, incident_id, "category", category_code)
    except learned_routing.classifier.ClassifierError as exc:
        session.rollback()
        logging.getLogger(__name__).warning("learned suggestion at intake: %s", exc)


def _auto_dispatch(session: Session, made: CreatedIncident) -> CreatedIncident:
    """Smart dispatch's automatic dispatch, where it is on and everything agrees
    (learned_routing.auto_dispatch). The incident is saved already: a refusal or a model that
    cannot be loaded leaves it for a person to dispatch, logged."""
    import dataclasses
    import logging

    from command_center.services import learned_routing, orders

    try:
        auto = learned_routing.auto_dispatch(session, made.id)
    except (orders.TransitionError, learned_routing.classifier.ClassifierError) as exc:
        session.rollback()
        logging.getLogger(__name__).warning("automatic dispatch of %s: %s", made.number, exc)
        return made
    return dataclasses.replace(made, auto=auto) if auto is not None else made


def new_incident(
    session: Session, draft: IncidentDraft, *, known: Known | None = None
) -> NewIncident:
    """The incident a draft stands for, checked (IntakeError) and with its texts cleaned and
    capped, ready for the writer (``incident_writer.write_incident(s)``); ``known``: the
    channels and categories, read once for many drafts."""
    _validate(session, draft, known)
    title = _clean(draft.title, "title") or ""
    at = (draft.reported_at or clock.now()).astimezone(dt.UTC)
    return NewIncident(
        channel_code=draft.channel_code,
        title=title,
        reported_at=at,
        description=_fits((draft.description or "").strip(), "description") or "",
        category_code=draft.category_code or None,
        address=_clean(draft.address, "address"),
        lon=draft.lon,
        lat=draft.lat,
        reporter_name=_clean(draft.reporter_name, "reporter_name"),
        reporter_phone=_clean(draft.reporter_phone, "reporter_phone"),
        priority=draft.priority,
        note=(
            {"no_location_reason": _clean(draft.no_location_reason, "note")}
            if (draft.no_location_reason or "").strip()
            else {}
        ),
    )


def create_and_merge(
    session: Session,
    actor: Actor,
    draft: IncidentDraft,
    merge_into: int | None,
    *,
    advice: bool = True,
) -> CreatedIncident:
    """:func:`create_incident`, and when ``merge_into`` is given merge the new incident into
    that one as a repeated report — in one transaction: when the merge is refused (someone
    changed that incident meanwhile) nothing is saved and the refusal is raised
    (orders.TransitionError). Commits."""
    from command_center.services import duplicates as dup_search

    new = new_incident(session, draft)
    title, at = new.title, new.reported_at
    try:
        made = write_incident(session, actor, new, _FORM)
        if merge_into is None:
            session.commit()
        else:
            from command_center.services import orders

            orders.merge_incidents(session, actor, merge_into, [made.id], "重复反映")  # commits
    except BaseException:
        session.rollback()
        raise
    where = made.placement
    suggestion = suggest_department(session, draft.category_code, where.town_id) if advice else None
    dups = (
        []
        if not advice
        else dup_search.candidates(
            session,
            lon=draft.lon if where.flag == LocationFlag.OK.value else None,
            lat=draft.lat if where.flag == LocationFlag.OK.value else None,
            text=f"{title} {draft.description}",
            at=at,
            category_code=draft.category_code,
            exclude_id=made.id,
            village_id=where.village_id,
        )
    )
    return CreatedIncident(
        made.id, made.number, where, at, made.due_at, made.answer_due_at, suggestion, dups
    )
