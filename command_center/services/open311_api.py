"""The center's own Open311 GeoReport v2 endpoint, without HTTP: what each call answers.

https://wiki.open311.org/GeoReport_v2 . ``api/open311.py`` puts this on the network
(``command-center serve``).

- **Services** are our incident categories that take reports (the leaves of the taxonomy):
  ``service_code`` is the category code, ``service_name`` its Chinese name, ``group`` the
  top-level category's name, ``type`` "realtime", ``metadata`` false.
- **Requests** are our incidents; ``service_request_id`` is the incident number (RX…, SJ…).
  GeoReport v2 knows only ``open`` and ``closed``: our finer status travels in ``status_notes``
  ("中文 / English") and in the extension field :data:`STATUS_EXTENSION` (``cc_status``: one of
  new, accepted, dispatched, in_progress, resolved, verified, closed, merged, rejected), a
  top-level key in JSON and an element ``<cc_status>`` in XML. ``closed`` means closed, merged
  into another incident, or rejected; everything else is ``open``.
- **GET requests** takes the standard filters (``service_request_id`` list, which overrides the
  others; ``service_code`` list; ``start_date``/``end_date`` at most 90 days apart, the last 90
  days by default; ``status`` open|closed), plus ``cc_status`` (a list of our statuses). At most
  :data:`MAX_REQUESTS` requests, newest first.
- **POST requests** needs an ``api_key`` (only its SHA-256 is stored, in ``api_keys``; the key
  names the channel the incident arrives on, 12345 hotline when it names none), a
  ``service_code`` and a location (``lat`` and ``long``, or ``address_string``, or
  ``address_id``). The incident is created by ``intake.create_incident`` like one an operator
  took (point-in-polygon, or the gazetteer for an address; outside the county or without
  coordinates it is flagged for the operator; deadlines set) and the answer carries
  ``service_request_id`` (the SJ… number), ``token`` and ``service_notice``.

Errors are :class:`Open311Error` (an HTTP status and a "中文 / English" description), written
by the server in the specification's error format. No Qt and no HTTP here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import re
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.clock import CST
from command_center.interop.open311 import Service, ServiceRequest
from command_center.models import ApiKey, Channel, Incident, IncidentStatus
from command_center.models.incident import PUBLIC_SUMMARY_MAX
from command_center.services import audit, imports, intake, lifecycle
from command_center.services.audit import Actor
from command_center.services.incident_writer import FIELD_MAX, TextTooLong, cut, fit_text

STATUS_EXTENSION = "cc_status"
MAX_REQUESTS = 1000  # a page of GET requests at most (page_size); also the default
MAX_PAGE = 1000  # page=… at most: a million requests, far more than a county has in 90 days
DEFAULT_DAYS = 90
DESCRIPTION_MAX = FIELD_MAX["description"]
POST_SOURCE = "open311-api"  # external_source of incidents POSTed to the endpoint
KEY_PREFIX = "cc311_"
INTERNAL_SCOPE = "internal"  # a key with it sees full records in GET requests
SCOPES = (INTERNAL_SCOPE,)
# the public sees coordinates rounded to this many decimals: 3 is about 110 m north-south and
# 90 m east-west at the county's latitude (38.4°N); the server may be told another
PUBLIC_DECIMALS = 3
ID_MAX = 64  # a request id or token longer than this is malformed (ours are 15 and 32)
# the oldest and newest dates a query may name: outside, 400 (no date arithmetic overflows)
FIRST_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LAST_DATE = dt.datetime(2999, 12, 31, tzinfo=dt.UTC)
PARAMS_MAX = 60  # distinct parameters in one call (GeoReport needs about 20)
VALUES_MAX = 1000  # values of one parameter (comma lists count each)

# POST parameter -> the incident field whose cap (incident_writer.FIELD_MAX) it must fit; any
# other parameter is held to the audit note's cap. Checked before anything is read from or
# written to the database.
POST_FIELDS: dict[str, str] = {
    "description": "description",
    "address_string": "address",
    "address_id": "address_id",
    "first_name": "reporter_name",
    "last_name": "reporter_name",
    "phone": "reporter_phone",
    "media_url": "media_url",
    "email": "email",
    "device_id": "device_id",
}

CLOSED_STATUSES = (
    IncidentStatus.CLOSED.value,
    IncidentStatus.MERGED.value,
    IncidentStatus.REJECTED.value,
)
OPEN_STATUSES = tuple(s.value for s in IncidentStatus if s.value not in CLOSED_STATUSES)

# our status -> (中文, English) for status_notes, from the lifecycle's words
STATUS_NOTES: dict[str, tuple[str, str]] = {
    code: lifecycle.public_words(code) for code in lifecycle.status_codes("incident")
}


class Open311Error(Exception):
    """An answer in the specification's error format: HTTP ``code`` and a description."""

    def __init__(self, code: int, description: str, *more: tuple[int, str]) -> None:
        self.code = code
        self.description = description
        self.errors: list[tuple[int, str]] = [(code, description), *more]
        super().__init__(f"{code} {description}")


# --- services ------------------------------------------------------------------------------


def services(session: Session) -> list[Service]:
    """Our leaf categories as GeoReport services, in code order."""
    rows = session.execute(
        text(
            "WITH RECURSIVE tree AS ("
            "  SELECT code, code AS top FROM categories WHERE parent_code IS NULL"
            "  UNION ALL SELECT c.code, t.top FROM categories c"
            "  JOIN tree t ON c.parent_code = t.code"
            ") "
            "SELECT c.code, c.name, c.name_en, top.name FROM categories c "
            "JOIN tree ON tree.code = c.code JOIN categories top ON top.code = tree.top "
            "WHERE NOT EXISTS (SELECT 1 FROM categories k WHERE k.parent_code = c.code) "
            "ORDER BY c.code"
        )
    ).all()
    return [
        Service(
            service_code=code,
            service_name=name,
            description=name_en,
            metadata=False,
            type="realtime",
            keywords=(),
            group=group,
        )
        for code, name, name_en, group in rows
    ]


def service_definition(session: Session, service_code: str) -> str:
    """``GET services/<code>``: the code of a listed service (none of ours has attributes, so
    its definition is ``attributes: []``); Open311Error(404) for a code not listed."""
    code = check_id("service_code", service_code)
    if not any(s.service_code == code for s in services(session)):
        raise Open311Error(
            404, f"未知的 service_code {code} / unknown service_code {code!r} (see services.json)"
        )
    return code


def set_public_summary(
    session: Session, actor: Actor, incident_id: int, summary: str | None
) -> None:
    """Approve the text the public Open311 GET shows for an incident (None withdraws it, and
    the public sees the category's name again); audited, commits. ValueError when too long;
    PermissionDenied for a role other than the center's."""
    from command_center.services import permissions

    if not permissions.may_publish(permissions.who(session, actor).role):
        raise permissions.PermissionDenied(
            "公开摘要由指挥中心审定", "the public summary is approved by the center"
        )
    text_ = " ".join((summary or "").split()) or None
    if text_ is not None and len(text_) > PUBLIC_SUMMARY_MAX:
        raise ValueError(
            f"公开摘要不能超过{PUBLIC_SUMMARY_MAX}个字符 / the public summary must be at most "
            f"{PUBLIC_SUMMARY_MAX} characters"
        )
    row = session.get(Incident, incident_id, with_for_update=True)
    if row is None:
        raise ValueError(f"没有这个事件 / no incident {incident_id}")
    before = row.public_summary
    if before != text_:
        row.public_summary = text_
        audit.record(
            session,
            actor,
            "incident.public_summary",
            "incident",
            row.id,
            f"{actor.name} 审定 {row.number} 的公开摘要",
            before={"public_summary": before},
            after={"public_summary": text_},
        )
    session.commit()


# --- GET requests --------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # our statuses (from status= and cc_status=)
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    limit: int = MAX_REQUESTS
    offset: int = 0


def _values(params: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """All values of a parameter, given repeatedly and/or comma-separated, stripped."""
    out: list[str] = []
    for raw in params.get(name, ()):
        out.extend(v.strip() for v in raw.split(",") if v.strip())
    return out


_OFFSET_LOST = re.compile(r"^(.*T[\d:.]+) (\d\d(:?\d\d)?)$")


def _parse_date(name: str, raw: str, *, end: bool) -> dt.datetime:
    s = raw.strip()
    # an unencoded "+08:00" in a query string arrives as " 08:00"
    m = _OFFSET_LOST.match(s)
    if m:
        s = f"{m.group(1)}+{m.group(2)}"
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            day = dt.date.fromisoformat(s)
            value = dt.datetime.combine(day, dt.time(), CST)
            if end and day < dt.date.max:
                value += dt.timedelta(days=1, microseconds=-1)
        else:
            value = dt.datetime.fromisoformat(s)
    except (ValueError, OverflowError):
        raise Open311Error(
            400,
            f"{name} 不是有效的日期时间 / {name} is not a W3C date-time: {raw!r}",
        ) from None
    value = value if value.tzinfo else value.replace(tzinfo=CST)
    if not FIRST_DATE <= value <= LAST_DATE:
        raise Open311Error(
            400,
            f"{name} 超出可查询的日期范围（1970至2999年）/ {name} is out of range "
            f"(1970 to 2999): {raw!r}",
        )
    return value


def parse_query(
    params: Mapping[str, Sequence[str]], *, now: dt.datetime | None = None
) -> RequestQuery:
    """The filters of a GET requests call; raises Open311Error(400) for unusable ones."""
    limit, offset = _page(params)
    ids = tuple(_values(params, "service_request_id"))
    for one in ids:
        check_id("service_request_id", one)
    if ids:
        # the specification: the ids override all other arguments
        return RequestQuery(ids=ids, limit=limit, offset=offset)
    statuses: list[str] = []
    for value in _values(params, "status"):
        lowered = value.lower()
        if lowered == "open":
            statuses.extend(OPEN_STATUSES)
        elif lowered == "closed":
            statuses.extend(CLOSED_STATUSES)
        else:
            raise Open311Error(
                400, f"status 只能是 open 或 closed / status must be open or closed: {value!r}"
            )
    fine = [v.lower() for v in _values(params, STATUS_EXTENSION)]
    unknown = [v for v in fine if v not in STATUS_NOTES]
    if unknown:
        raise Open311Error(
            400,
            f"未知的 {STATUS_EXTENSION} / unknown {STATUS_EXTENSION}: {', '.join(unknown)}",
        )
    if fine:
        statuses = [s for s in fine if not statuses or s in statuses] or ["-"]
    start_raw = (params.get("start_date") or [""])[0]
    end_raw = (params.get("end_date") or [""])[0]
    start = _parse_date("start_date", start_raw, end=False) if start_raw.strip() else None
    end = _parse_date("end_date", end_raw, end=True) if end_raw.strip() else None
    window = dt.timedelta(days=DEFAULT_DAYS)
    if start is None and end is None:
        end = now or clock.now()
        start = end - window
    elif start is None:
        assert end is not None
        start = end - window
    elif end is None:
        end = start + window
    if start > end:
        raise Open311Error(400, "start_date 晚于 end_date / start_date is after end_date")
    if end - start > window + dt.timedelta(days=1):
        raise Open311Error(
            400,
            f"start_date 与 end_date 相隔不得超过{DEFAULT_DAYS}天 / start_date and end_date may "
            f"not span more than {DEFAULT_DAYS} days",
        )
    return RequestQuery(
        service_codes=tuple(_values(params, "service_code")),
        statuses=tuple(dict.fromkeys(statuses)),
        start=start,
        end=end,
        limit=limit,
        offset=offset,
    )


def _page(params: Mapping[str, Sequence[str]]) -> tuple[int, int]:
    """(limit, offset) from the extension parameters ``page_size`` (1 to :data:`MAX_REQUESTS`,
    default the most) and ``page`` (1 to :data:`MAX_PAGE`, default 1)."""
    out = []
    for name, high, default in (("page_size", MAX_REQUESTS, MAX_REQUESTS), ("page", MAX_PAGE, 1)):
        raw = (params.get(name) or [""])[0].strip()
        if not raw:
            out.append(default)
            continue
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= high:
            raise Open311Error(
                400, f"{name} 应为1至{high}的整数 / {name} must be a whole number 1 to {high}"
            )
        out.append(int(raw))
    size, page = out
    return size, (page - 1) * size


def check_id(name: str, value: str) -> str:
    """A request id or token as given: 400 when it cannot be one (too long, control
    characters); stripped otherwise. Whether it exists is the caller's question (404)."""
    value = value.strip()
    if not value or len(value) > ID_MAX or not value.isprintable():
        raise Open311Error(400, f"{name} 格式无效 / {name} is malformed: {value[:ID_MAX]!r}")
    return value


def check_params(params: Mapping[str, Sequence[str]]) -> None:
    """Every parameter of a call, before anything else looks at it: no NUL or other control
    characters (a NUL cannot be stored in PostgreSQL text), at most :data:`PARAMS_MAX`
    parameters of at most :data:`VALUES_MAX` values, each value within its field's cap
    (:data:`POST_FIELDS`; any other within the audit note's). Open311Error(400) otherwise."""
    if len(params) > PARAMS_MAX:
        raise Open311Error(
            400, f"参数过多（最多{PARAMS_MAX}个）/ too many parameters (at most {PARAMS_MAX})"
        )
    for name, values in params.items():
        shown = name if name.isprintable() and len(name) <= 40 else repr(name[:40])
        if _CONTROL.search(name) or any(_CONTROL.search(v) for v in values):
            raise Open311Error(
                400,
                f"{shown} 含有控制字符（如 NUL）/ {shown} contains a control character "
                "(such as NUL)",
            )
        if len(values) > VALUES_MAX:
            raise Open311Error(400, f"{shown} 的值过多 / {shown} is given too many times")
        cap_name = POST_FIELDS.get(name, "note")
        limit = FIELD_MAX[cap_name]
        if any(len(v) > limit for v in values):
            raise Open311Error(
                400, f"{shown} 超过{limit}个字符 / {shown} is longer than {limit} characters"
            )


# C0 controls but tab, newline and carriage return (which a description may hold), and DEL
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_REQUEST_SQL = """
SELECT i.number, i.status, i.category_code, c.name, i.title, i.description, i.address,
       i.lat, i.lon, i.reported_at, i.updated_at, i.due_at, i.location_flag, dup.number,
       (SELECT d.name FROM work_orders w JOIN departments d ON d.id = w.department_id
         WHERE w.incident_id = i.id AND w.status <> 'cancelled' AND w.lead_order_id IS NULL
         ORDER BY w.dispatch_round DESC, w.id DESC LIMIT 1),
       i.public_summary, concat_ws(' ', town.name, village.name)
FROM incidents i
LEFT JOIN categories c ON c.code = i.category_code
LEFT JOIN incidents dup ON dup.id = i.duplicate_of_id
LEFT JOIN admin_areas town ON town.id = i.town_id
LEFT JOIN admin_areas village ON village.id = i.village_id
"""


@dataclass(frozen=True)
class Audience:
    """Who asks: the public (no key, or a key without the internal scope) gets what the
    publication policy allows; ``internal`` the full records."""

    internal: bool = False
    decimals: int = PUBLIC_DECIMALS


PUBLIC = Audience()
INTERNAL = Audience(internal=True)


def find_requests(
    session: Session, query: RequestQuery, audience: Audience = INTERNAL
) -> list[ServiceRequest]:
    """The incidents matching ``query`` as GeoReport requests, newest first.

    For the public (the publication policy, as FixMyStreet's for its public reports): only
    requests in a category marked public (``categories.public``; none without a category);
    ``description`` the summary an operator approved (``incidents.public_summary``) or else the
    category's name, never the caller's words; the address the town and village, not the
    caller's; coordinates rounded to ``audience.decimals``."""
    where: list[str] = []
    args: dict[str, Any] = {"limit": query.limit, "offset": query.offset}
    if not audience.internal:
        where.append("c.public")
    if query.ids:
        where.append("i.number = ANY(:ids)")
        args["ids"] = list(query.ids)
    else:
        if query.service_codes:
            where.append("i.category_code = ANY(:codes)")
            args["codes"] = list(query.service_codes)
        if query.statuses:
            where.append("i.status = ANY(:statuses)")
            args["statuses"] = list(query.statuses)
        if query.start is not None:
            where.append("i.reported_at >= :start")
            args["start"] = query.start
        if query.end is not None:
            where.append("i.reported_at <= :end")
            args["end"] = query.end
    sql = _REQUEST_SQL + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY i.reported_at DESC, i.id DESC LIMIT :limit OFFSET :offset"
    return [_as_request(row, audience) for row in session.execute(text(sql), args).all()]


def get_request(
    session: Session, service_request_id: str, audience: Audience = INTERNAL
) -> ServiceRequest:
    """One request by its id (our incident number); Open311Error(404) when there is none (or
    none the audience may see)."""
    number = check_id("service_request_id", service_request_id)
    found = find_requests(session, RequestQuery(ids=(number,), limit=1), audience)
    if not found:
        raise Open311Error(
            404,
            f"没有编号为 {service_request_id} 的事件 / no request {service_request_id!r}",
        )
    return found[0]


def status_notes(status: str, merged_into: str | None = None, agency: str | None = None) -> str:
    zh, en = STATUS_NOTES.get(status, (status, status))
    if status == "merged" and merged_into:
        zh, en = f"已合并至 {merged_into}", f"merged into {merged_into}"
    elif status in ("dispatched", "in_progress") and agency:
        zh = f"已派遣至{agency}" if status == "dispatched" else f"{agency}处置中"
    return f"{zh} / {en}"


def _as_request(row: Any, audience: Audience = INTERNAL) -> ServiceRequest:
    (number, status, code, cat_name, title, description, address, lat, lon, reported, updated,
     due, flag, merged_into, agency, summary, area) = row  # fmt: skip
    located = flag == "ok" and lat is not None and lon is not None
    if audience.internal:
        shown = description or title or None
    else:
        shown = summary or cat_name
        address = area or None
        if located:
            lat, lon = round(lat, audience.decimals), round(lon, audience.decimals)
    return ServiceRequest(
        service_request_id=number,
        service_code=code,
        service_name=cat_name,
        description=shown,
        status="closed" if status in CLOSED_STATUSES else "open",
        status_notes=status_notes(status, merged_into, agency),
        agency_responsible=agency,
        requested_datetime=reported.astimezone(CST) if reported else None,
        updated_datetime=updated.astimezone(CST) if updated else None,
        expected_datetime=due.astimezone(CST) if due else None,
        address=address,
        lat=lat if located else None,
        long=lon if located else None,
        extensions={STATUS_EXTENSION: status},
    )


# --- API keys ------------------------------------------------------------------------------


def key_hash(key: str) -> str:
    return hashlib.sha256(key.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApiKeyInfo:
    name: str
    channel_code: str | None
    active: bool
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    scopes: tuple[str, ...] = ()


def create_api_key(
    session: Session,
    actor: Actor,
    name: str,
    channel_code: str | None = None,
    scopes: Sequence[str] = (),
) -> str:
    """A new key for ``name`` (commits). Returns the key itself: it is never stored, only its
    SHA-256, so this is the only time anyone sees it."""
    name = name.strip()
    if not name or len(name) > 64:
        raise ValueError("名称应为1至64个字符 / the name must be 1 to 64 characters")
    if session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise ValueError(f"已有名为 {name} 的密钥 / a key named {name!r} already exists")
    if channel_code is not None and session.get(Channel, channel_code) is None:
        codes = ", ".join(session.scalars(select(Channel.code).order_by(Channel.code)))
        raise ValueError(
            f"未知的渠道 {channel_code} / unknown channel {channel_code!r} (known: {codes})"
        )
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ValueError(
            f"未知的权限范围 {', '.join(unknown)} / unknown scope {', '.join(unknown)} "
            f"(known: {', '.join(SCOPES)})"
        )
    scopes = sorted(set(scopes))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        name=name, key_sha256=key_hash(key), channel_code=channel_code, scopes=list(scopes)
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "apikey.create",
        "api_keys",
        row.id,
        f"{actor.name} 创建 Open311 接口密钥「{name}」",
        after={"name": name, "channel_code": channel_code, "scopes": scopes},
    )
    session.commit()
    return key


def revoke_api_key(session: Session, actor: Actor, name: str) -> None:
    """Deactivate the key named ``name`` (commits); ValueError when there is no such key."""
    row = session.scalar(select(ApiKey).where(ApiKey.name == name.strip()))
    if row is None:
        raise ValueError(f"没有名为 {name} 的密钥 / no key named {name!r}")
    if row.active:
        row.active = False
        audit.record(
            session,
            actor,
            "apikey.revoke",
            "api_keys",
            row.id,
            f"{actor.name} 吊销 Open311 接口密钥「{row.name}」",
            before={"active": True},
            after={"active": False},
        )
    session.commit()


def list_api_keys(session: Session) -> list[ApiKeyInfo]:
    rows = session.scalars(select(ApiKey).order_by(ApiKey.name)).all()
    return [
        ApiKeyInfo(r.name, r.channel_code, r.active, r.created_at, r.last_used_at, tuple(r.scopes))
        for r in rows
    ]


def _check_key(session: Session, key: str | None) -> ApiKey:
    if not key or not key.strip():
        raise Open311Error(403, "缺少 api_key / an api_key is required")
    row = session.scalar(
        select(ApiKey).where(ApiKey.key_sha256 == key_hash(key), ApiKey.active.is_(True))
    )
    if row is None:
        raise Open311Error(403, "api_key 无效或已吊销 / the api_key is invalid or revoked")
    return row


def audience(session: Session, key: str | None, decimals: int = PUBLIC_DECIMALS) -> Audience:
    """Who a GET's ``api_key`` (optional) makes the caller: internal with a valid key that has
    the internal scope, the public otherwise; Open311Error(403) for a wrong or revoked key."""
    if key is None or not key.strip():
        return Audience(internal=False, decimals=decimals)
    row = _check_key(session, key)
    return Audience(internal=INTERNAL_SCOPE in (row.scopes or ()), decimals=decimals)


# --- POST requests -------------------------------------------------------------------------


@dataclass(frozen=True)
class PostResult:
    service_request_id: str
    token: str
    service_notice: str
    incident_id: int

    def record(self) -> dict[str, Any]:
        return {
            "service_request_id": self.service_request_id,
            "token": self.token,
            "service_notice": self.service_notice,
            "account_id": None,
        }


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name) or ()
    value = values[0].strip() if values else ""
    return value or None


def _coordinate(name: str, raw: str, low: float, high: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        raise Open311Error(
            400, f"{name} 不是有效的坐标 / {name} is not a usable coordinate: {raw!r}"
        )
    return value


def validate_post(
    session: Session,
    params: Mapping[str, Sequence[str]],
    catalog: Sequence[Service] | None = None,
) -> dict[str, Any]:
    """The request to create, as a GeoReport record; Open311Error(400) lists every problem.
    ``catalog``: the services, when the caller has read them already (a group of POSTs)."""
    problems: list[str] = []
    code = _one(params, "service_code")
    service: Service | None = None
    if code is None:
        problems.append("缺少 service_code / service_code is required")
    else:
        listed = catalog if catalog is not None else services(session)
        service = next((s for s in listed if s.service_code == code), None)
        if service is None:
            problems.append(
                f"未知的 service_code {code} / unknown service_code {code!r} (see services.json)"
            )
    lat_raw, long_raw = _one(params, "lat"), _one(params, "long")
    lat = lon = None
    if (lat_raw is None) != (long_raw is None):
        problems.append("lat 和 long 须同时给出 / lat and long must be given together")
    elif lat_raw is not None and long_raw is not None:
        try:
            lat = _coordinate("lat", lat_raw, -90, 90)
            lon = _coordinate("long", long_raw, -180, 180)
        except Open311Error as exc:
            problems.append(exc.description)
        if lat == 0 and lon == 0:
            lat = lon = None  # "no location" in many field apps
    address = _one(params, "address_string")
    address_id = _one(params, "address_id")
    if lat is None and address is None and address_id is None and not problems:
        problems.append(
            "缺少位置：须给出 lat 和 long、address_string 或 address_id / a location is "
            "required: lat and long, or address_string, or address_id"
        )
    description = _one(params, "description")
    first, last = _one(params, "first_name"), _one(params, "last_name")
    name = "".join(p for p in (last, first) if p) or None
    # every text of the request within its field's cap (the writer's rule), or refused
    texts = {
        "description": ("description", description),
        "address": ("address_string", address),
        "address_id": ("address_id", address_id),
        "reporter_name": ("first_name/last_name", name),
        "reporter_phone": ("phone", _one(params, "phone")),
        "media_url": ("media_url", _one(params, "media_url")),
        "email": ("email", _one(params, "email")),
        "device_id": ("device_id", _one(params, "device_id")),
    }
    for field_name, (param, value) in texts.items():
        try:
            fit_text(field_name, value, refuse=True)
        except TextTooLong:
            limit = FIELD_MAX[field_name]
            problems.append(
                f"{param} 超过{limit}个字符 / {param} is longer than {limit} characters"
            )
    media = texts["media_url"][1]
    if media and not problems:
        description = f"{description or ''}\n照片 / photo: {media}".strip()
        if len(description) > DESCRIPTION_MAX:
            problems.append(
                f"description 与 media_url 合计超过{DESCRIPTION_MAX}个字符 / description and "
                f"media_url together are longer than {DESCRIPTION_MAX} characters"
            )
    if problems:
        raise Open311Error(400, problems[0], *((400, p) for p in problems[1:]))
    if address_id and not address:
        address = f"地址编号 / address id {address_id}"
    return {
        "service_code": code,
        "service_name": service.service_name if service else None,
        "description": description,
        "address": address,
        "address_id": address_id,
        "lat": lat,
        "long": lon,
        "status": "open",
        "reporter_name": name,
        "reporter_phone": texts["reporter_phone"][1],
        "media_url": media,
        "email": texts["email"][1],
        "device_id": texts["device_id"][1],
    }


def post_request(
    engine: Engine, params: Mapping[str, Sequence[str]], *, actor_name: str | None = None
) -> PostResult:
    """Create an incident from one POSTed request (:func:`post_requests` with one)."""
    (result,) = post_requests(engine, [params], actor_name=actor_name)
    if isinstance(result, Open311Error):
        raise result
    return result


def post_requests(
    engine: Engine,
    forms: Sequence[Mapping[str, Sequence[str]]],
    *,
    actor_name: str | None = None,
) -> list[PostResult | Open311Error]:
    """Create the incidents of several POSTed requests in one transaction (the HTTP service
    gathers the POSTs that arrive together: one numbering lock and one commit for all of them,
    instead of one each); a request that is refused gets its error and keeps nothing, the
    others go in.

    Each incident is made as if an operator had taken it (``intake.new_incident``: the same
    checks; placement by point-in-polygon or by the gazetteer from ``address_string``;
    deadlines; the date by which the reporter is answered) with the ``incident.create`` audit
    entry, and a second entry, ``incident.open311_post``, naming the key and the request's
    contact fields (capped). The keys' last use is stamped once per key."""
    from command_center.db.bulk import copy_rows, raw_connection
    from command_center.services.incident_writer import AUDIT_COLUMNS, write_incidents

    results: list[PostResult | Open311Error | None] = [None] * len(forms)
    with engine.connect() as conn, conn.begin():
        session = Session(bind=conn)
        try:
            keys: dict[str, ApiKey] = {}
            ready: list[tuple[int, ApiKey, dict[str, Any], Any, str]] = []
            catalog = services(session)  # read once for the group
            known = intake.Known.of_session(session)
            for i, params in enumerate(forms):
                try:
                    check_params(params)  # caps and control characters first
                    raw = _one(params, "api_key") or ""
                    key = keys.get(raw) or _check_key(session, raw)
                    keys[raw] = key
                    record = validate_post(session, params, catalog)
                    description = record["description"] or ""
                    head = cut(" ".join(description.split()), 60)
                    draft = intake.IncidentDraft(
                        channel_code=key.channel_code or imports.CHANNEL_CODE,
                        title=f"{record['service_name']}：{head}"
                        if head
                        else record["service_name"],
                        category_code=record["service_code"],
                        description=description,
                        address=record["address"],
                        lon=record["long"],
                        lat=record["lat"],
                        reporter_name=record["reporter_name"],
                        reporter_phone=record["reporter_phone"],
                    )
                    try:
                        new = intake.new_incident(session, draft, known=known)
                    except intake.IntakeError as exc:
                        raise Open311Error(400, str(exc)) from None
                    token = uuid.uuid4().hex
                    new = dataclasses.replace(new, external_source=POST_SOURCE, external_id=token)
                    ready.append((i, key, record, new, token))
                except Open311Error as exc:
                    results[i] = exc
            now = clock.now()
            post_audit: list[tuple[Any, ...]] = []
            for key in {id(k): k for _, k, _, _, _ in ready}.values():
                mine = [r for r in ready if r[1] is key]
                actor = Actor(None, (actor_name or f"Open311接口:{key.name}")[:64])
                written = write_incidents(session, actor, [r[3] for r in mine], intake.FORM_ORIGIN)
                for (i, _key, record, _new, token), w in zip(mine, written, strict=True):
                    results[i] = PostResult(w.number, token, _notice(w.placement), w.id)
                    post_audit.append(
                        (
                            actor.user_id,
                            actor.name,
                            "incident.open311_post",
                            "incident",
                            w.id,
                            f"{actor.name} 经 Open311 接口上报 {w.number}"
                            f"（{record['service_name']}）",
                            json.dumps(
                                {
                                    "external_source": POST_SOURCE,
                                    "external_id": token,
                                    "api_key": key.name,
                                    # checked against their caps by validate_post
                                    "email": fit_text("email", record["email"]),
                                    "device_id": fit_text("device_id", record["device_id"]),
                                    "media_url": fit_text("media_url", record["media_url"]),
                                },
                                ensure_ascii=False,
                            ),
                        )
                    )
                key.last_used_at = now
            if post_audit:
                copy_rows(raw_connection(session), "audit_log", AUDIT_COLUMNS, post_audit)
            session.commit()
        finally:
            session.close()
    out: list[PostResult | Open311Error] = []
    for r in results:
        assert r is not None
        out.append(r)
    return out


def _notice(placement: Any) -> str:
    """What a POST's answer says of where the request was placed."""
    if placement.flag == "ok":
        return f"已受理，由{placement.path}负责 / received; {placement.path} is responsible"
    if placement.flag == "outside":
        return (
            "已受理；位置不在本县辖区内，待人工核实 / received; the location is outside the "
            "county and will be checked by an operator"
        )
    return "已受理；无坐标，待人工定位 / received; without coordinates, an operator will locate it"


def find_token(session: Session, token: str) -> dict[str, Any]:
    """``GET tokens/<token>``: the request id a POST's token stands for (404 if unknown)."""
    token = check_id("token", token)
    number = session.scalar(
        text("SELECT number FROM incidents WHERE external_source = :s AND external_id = :t"),
        {"s": POST_SOURCE, "t": token},
    )
    if number is None:
        raise Open311Error(404, f"未知的 token / unknown token {token!r}")
    return {"service_request_id": number, "token": token.strip()}
