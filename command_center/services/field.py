"""The grid workers' field records without HTTP: tokens, checking and storing records.

A grid worker's phone sends three kinds of record (``api/field.py`` serves them at
``/field/v1``; ``command-center import field FILE`` reads the same records from a JSON Lines
file collected offline):

- ``check_in`` (报平安): ``at`` (ISO 8601 with a zone), ``lon``/``lat`` (GCJ-02), ``note``;
  one a day counts (a second one the same day is answered ``exists`` and not stored);
- ``patrol`` (巡查): ``started_at``, ``ended_at``, ``distance_km``, ``track`` (a list of
  ``[lon, lat]``), ``findings``;
- ``report`` (上报事件): ``at``, ``category_code``, ``title``, ``description``, ``lon``/``lat``
  or ``address``; it becomes an incident through the writer every channel uses
  (``intake.new_incident`` → ``incident_writer.write_incidents``), reported by the worker.

Every record has a ``client_id`` the phone chose (8–64 of ``A-Z a-z 0-9 _ . : -``, a UUID is
fine): a retry of a record already stored is answered ``duplicate`` and stores nothing. Records
may come late (up to :data:`MAX_AGE_DAYS`) and in any order. A request is all-or-nothing: one
bad record refuses the whole request (HTTP 400) with a "中文 / English" message naming it.

Tokens (``ccf_…``) are issued per worker (``command-center fieldtoken issue CODE``); only their
SHA-256 is stored, with an expiry, and they can be revoked. No Qt and no HTTP here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from command_center import clock
from command_center.clock import CST
from command_center.models import FieldToken, GridWorker, Patrol
from command_center.services import audit, intake
from command_center.services.audit import Actor

TOKEN_PREFIX = "ccf_"
DEFAULT_TOKEN_DAYS = 180
MAX_TOKEN_DAYS = 730
FIELD_SOURCE = "field-app"  # external_source of the incidents a worker reports
CHANNEL = ("grid_worker", "网格员上报", "Grid worker report")
KINDS = ("check_in", "patrol", "report")
MAX_RECORDS = 1000  # records in one request or one file line batch
MAX_AGE_DAYS = 365  # a record older than this is refused
MAX_AHEAD = dt.timedelta(hours=1)  # a phone's clock may run a little fast, not more
TRACK_MAX = 5000  # points of one patrol's track
NOTE_MAX = 500
CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{7,63}$")


class FieldError(Exception):
    """A refusal: ``status`` (HTTP) and a "中文 / English" message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- tokens --------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _worker_by_code(session: Session, code: str) -> GridWorker:
    worker = session.scalar(select(GridWorker).where(GridWorker.code == code.strip()))
    if worker is None:
        raise FieldError(404, f"没有编号为 {code} 的网格员 / no grid worker with code {code!r}")
    return worker


def issue_token(
    session: Session,
    actor: Actor,
    worker_code: str,
    *,
    days: int = DEFAULT_TOKEN_DAYS,
    label: str | None = None,
) -> tuple[str, FieldToken]:
    """A new token for a worker (shown once; only its hash is kept), audited; commits."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise FieldError(
            400, f"有效期须为1至{MAX_TOKEN_DAYS}天 / validity must be 1 to {MAX_TOKEN_DAYS} days"
        )
    worker = _worker_by_code(session, worker_code)
    if not worker.active:
        raise FieldError(
            400, f"网格员 {worker.code} 已停用 / grid worker {worker.code} is inactive"
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    row = FieldToken(
        worker_id=worker.id,
        token_hash=token_hash(token),
        label=(label or "")[:64] or None,
        created_at=now,
        created_by=actor.name[:64],
        expires_at=now + dt.timedelta(days=days),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "field_token.issue",
        "grid_worker",
        worker.id,
        f"{actor.name} 为网格员 {worker.name}（{worker.code}）签发移动端令牌 #{row.id}",
        after={"token_id": row.id, "expires_at": row.expires_at.isoformat(), "label": row.label},
    )
    session.commit()
    return token, row


def revoke_token(session: Session, actor: Actor, token_id: int) -> None:
    """Revoke one token (refused at once by the service), audited; commits."""
    row = session.get(FieldToken, token_id, with_for_update=True)
    if row is None:
        raise FieldError(404, f"没有令牌 #{token_id} / no token #{token_id}")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        audit.record(
            session,
            actor,
            "field_token.revoke",
            "grid_worker",
            row.worker_id,
            f"{actor.name} 吊销移动端令牌 #{row.id}",
            before={"token_id": row.id},
        )
    session.commit()


def list_tokens(session: Session) -> list[tuple[FieldToken, str, str]]:
    """Every token with its worker's code and name, newest first (never the token itself)."""
    rows = session.execute(
        select(FieldToken, GridWorker.code, GridWorker.name)
        .join(GridWorker, GridWorker.id == FieldToken.worker_id)
        .order_by(FieldToken.id.desc())
    ).all()
    return [(t, c, n) for t, c, n in rows]


@dataclass(frozen=True)
class FieldWorker:
    id: int
    code: str
    name: str
    token_id: int | None = None


def authenticate(
    session: Session,
    authorization: str | None,
    known: Mapping[str, tuple[FieldToken, GridWorker]] | None = None,
) -> FieldWorker:
    """The worker an ``Authorization: Bearer ccf_…`` header stands for; FieldError(401) when
    it is missing, unknown, revoked or expired (each says which). ``known``: the tokens of a
    group of requests, read at once (:func:`tokens_of`)."""
    token = bearer(authorization)
    digest = token_hash(token)
    if known is not None:
        row = known.get(digest)
    else:
        row = session.execute(
            select(FieldToken, GridWorker)
            .join(GridWorker, GridWorker.id == FieldToken.worker_id)
            .where(FieldToken.token_hash == digest)
        ).first()
    if row is None:
        raise FieldError(401, "令牌无效 / invalid token")
    tok, worker = row
    if tok.revoked_at is not None:
        raise FieldError(401, "令牌已被吊销 / the token has been revoked")
    if tok.expires_at <= clock.now():
        raise FieldError(401, "令牌已过期 / the token has expired")
    if not worker.active:
        raise FieldError(401, "网格员已停用 / the grid worker is inactive")
    return FieldWorker(worker.id, worker.code, worker.name, tok.id)


_INSERT_CHECK_INS = text(
    """
    INSERT INTO check_ins (worker_id, day, at, lon, lat, note, client_id, received_at)
    SELECT w, d, a, x, y, n, c, CAST(:now AS timestamptz)
    FROM unnest(CAST(:w AS bigint[]), CAST(:d AS date[]), CAST(:a AS timestamptz[]),
                CAST(:x AS float8[]), CAST(:y AS float8[]), CAST(:n AS text[]),
                CAST(:c AS text[])) AS r (w, d, a, x, y, n, c)
    ON CONFLICT DO NOTHING
    RETURNING client_id
    """
)


def _insert_check_ins(session: Session, checks: Sequence[Record], now: dt.datetime) -> set[str]:
    """A batch of check-ins in one statement whose plan is kept (arrays, not a VALUES list of
    as many rows as the batch: SQLAlchemy compiled that anew for every batch, 80 ms of 200
    check-ins); the client ids stored (a duplicate is not). One change notice for the batch
    (the statement trigger of alembic 0016)."""
    return set(
        session.scalars(
            _INSERT_CHECK_INS,
            {
                "now": now,
                "w": [r.worker_id for r in checks],
                "d": [r.at.astimezone(CST).date() for r in checks],
                "a": [r.at for r in checks],
                "x": [r.lon for r in checks],
                "y": [r.lat for r in checks],
                "n": [r.note for r in checks],
                "c": [r.client_id for r in checks],
            },
        )
    )


def _store_together(
    session: Session, checked: Sequence[tuple[FieldWorker, list[Record]] | FieldError]
) -> list[IngestResult | FieldError]:
    """A group's check-ins and patrols in one insert each, its audit entries (one per request,
    as :func:`ingest` writes them) in one COPY, its tokens stamped once. A client id given
    twice in the group is stored once: the first request to give it is told "stored"."""
    import json as json_

    from command_center.db.bulk import copy_rows, raw_connection
    from command_center.services.incident_writer import AUDIT_COLUMNS

    now = clock.now()
    records = [r for c in checked if not isinstance(c, FieldError) for r in c[1]]
    got: set[str] = set()
    checks = [r for r in records if r.kind == "check_in"]
    if checks:
        got |= _insert_check_ins(session, checks, now)
    patrols = [r for r in records if r.kind == "patrol"]
    if patrols:
        got |= set(
            session.scalars(
                insert(Patrol)
                .values(
                    [
                        {
                            "worker_id": r.worker_id,
                            "started_at": r.at,
                            "ended_at": r.ended_at,
                            "distance_km": r.distance_km,
                            "track": (
                                {"type": "LineString", "coordinates": r.track} if r.track else None
                            ),
                            "findings": r.findings,
                            "client_id": r.client_id,
                            "received_at": now,
                        }
                        for r in patrols
                    ]
                )
                .on_conflict_do_nothing()
                .returning(Patrol.client_id)
            )
        )
    out: list[IngestResult | FieldError] = []
    audit_rows: list[tuple[Any, ...]] = []
    used: set[int] = set()
    for c in checked:
        if isinstance(c, FieldError):
            out.append(c)
            continue
        worker, mine = c
        if worker.token_id is not None:
            used.add(worker.token_id)
        result = IngestResult()
        stored = []
        for r in mine:
            first = r.client_id in got
            got.discard(r.client_id)  # a second request giving it: a duplicate
            result.results.append(
                {
                    "client_id": r.client_id,
                    "type": r.kind,
                    "status": "stored" if first else "duplicate",
                }
            )
            if first:
                result.stored += 1
                stored.append(r)
            else:
                result.duplicates += 1
        out.append(result)
        if stored:
            counts = {k: sum(1 for r in stored if r.kind == k) for k in KINDS}
            name = f"网格员:{worker.name}（{worker.code}）"[:64]
            audit_rows.append(
                (
                    None,
                    name,
                    "field.ingest",
                    "grid_worker",
                    worker.id,
                    f"{name} 收到移动端记录：报平安{counts['check_in']}条，巡查"
                    f"{counts['patrol']}条，上报事件{counts['report']}条",
                    json_.dumps(
                        {"counts": counts, "client_ids": [r.client_id for r in stored][:50]},
                        ensure_ascii=False,
                    ),
                )
            )
    if audit_rows:
        copy_rows(raw_connection(session), "audit_log", AUDIT_COLUMNS, audit_rows)
    if used:
        session.execute(
            text("UPDATE field_tokens SET last_used_at = :t WHERE id = ANY(:ids)"),
            {"t": now, "ids": sorted(used)},
        )
    return out


def tokens_of(
    session: Session, authorizations: Sequence[str | None]
) -> dict[str, tuple[FieldToken, GridWorker]]:
    """The tokens (and their workers) of several requests' headers, in one query, by hash."""
    digests = set()
    for a in authorizations:
        try:
            digests.add(token_hash(bearer(a)))
        except FieldError:
            continue  # refused by its form; authenticate() says so for that request
    if not digests:
        return {}
    return {
        tok.token_hash: (tok, worker)
        for tok, worker in session.execute(
            select(FieldToken, GridWorker)
            .join(GridWorker, GridWorker.id == FieldToken.worker_id)
            .where(FieldToken.token_hash.in_(digests))
        ).all()
    }


def bearer(authorization: str | None) -> str:
    """The token of an Authorization header, by its form only (no database)."""
    if not authorization:
        raise FieldError(
            401,
            "缺少令牌：请以 Authorization: Bearer <令牌> 提交 / missing token: send "
            "Authorization: Bearer <token>",
        )
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise FieldError(401, "令牌无效 / invalid token")
    return token


# --- records -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    kind: str
    client_id: str
    worker_id: int
    at: dt.datetime
    lon: float | None = None
    lat: float | None = None
    note: str | None = None
    ended_at: dt.datetime | None = None
    distance_km: float | None = None
    track: list[list[float]] | None = None
    findings: int = 0
    category_code: str | None = None
    title: str | None = None
    description: str = ""
    address: str | None = None


@dataclass
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)

    def answer(self) -> dict[str, Any]:
        return {"stored": self.stored, "duplicates": self.duplicates, "results": self.results}


def records_of(payload: Any) -> list[Mapping[str, Any]]:
    """The records of a request's JSON: one record (an object with ``type``), an array of
    them, or ``{"records": [...]}``."""
    if isinstance(payload, Mapping) and "records" in payload:
        payload = payload["records"]
    if isinstance(payload, Mapping):
        payload = [payload]
    if not isinstance(payload, list) or not payload:
        raise FieldError(
            400,
            '须为一条记录、记录数组或 {"records": [...]} / expected a record, an array of '
            'records or {"records": [...]}',
        )
    if len(payload) > MAX_RECORDS:
        raise FieldError(
            413, f"一次最多{MAX_RECORDS}条记录 / at most {MAX_RECORDS} records at once"
        )
    for i, r in enumerate(payload, 1):
        if not isinstance(r, Mapping):
            raise FieldError(400, f"记录{i}不是对象 / record {i} is not an object")
    return payload


def _bad(i: int, zh: str, en: str) -> FieldError:
    return FieldError(400, f"记录{i}：{zh} / record {i}: {en}")


def _time(i: int, r: Mapping[str, Any], key: str, now: dt.datetime, *, need: bool) -> Any:
    raw = r.get(key)
    if raw is None:
        if need:
            raise _bad(i, f"缺少 {key}", f"{key} is missing")
        return None
    if not isinstance(raw, str) or len(raw) > 40:
        raise _bad(i, f"{key} 不是时间", f"{key} is not a time")
    try:
        at = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise _bad(i, f"{key} 不是 ISO 8601 时间", f"{key} is not an ISO 8601 time") from None
    if at.tzinfo is None:
        raise _bad(i, f"{key} 须带时区（如 +08:00）", f"{key} needs a zone (e.g. +08:00)")
    if at > now + MAX_AHEAD:
        raise _bad(i, f"{key} 在未来", f"{key} is in the future")
    if at < now - dt.timedelta(days=MAX_AGE_DAYS):
        raise _bad(i, f"{key} 早于{MAX_AGE_DAYS}天前", f"{key} is older than {MAX_AGE_DAYS} days")
    return at


def _number(i: int, r: Mapping[str, Any], key: str, lo: float, hi: float) -> float | None:
    raw = r.get(key)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise _bad(i, f"{key} 不是数字", f"{key} is not a number")
    if not lo <= raw <= hi:
        raise _bad(i, f"{key} 超出范围 {lo}–{hi}", f"{key} is outside {lo}–{hi}")
    return float(raw)


def _text(i: int, r: Mapping[str, Any], key: str, cap: int) -> str | None:
    raw = r.get(key)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise _bad(i, f"{key} 不是文字", f"{key} is not text")
    if len(raw) > cap:
        raise _bad(i, f"{key} 超过{cap}个字符", f"{key} is longer than {cap} characters")
    if any(ord(c) < 32 and c not in "\n\t" for c in raw):
        raise _bad(i, f"{key} 含控制字符", f"{key} has control characters")
    return raw.strip() or None


def check_record(i: int, r: Mapping[str, Any], worker_id: int, now: dt.datetime) -> Record:
    """One record, checked (FieldError naming record ``i`` otherwise)."""
    kind = r.get("type")
    if kind not in KINDS:
        raise _bad(
            i, "type 须为 check_in、patrol 或 report", "type must be check_in, patrol or report"
        )
    cid = r.get("client_id")
    if not isinstance(cid, str) or not CLIENT_ID.match(cid):
        raise _bad(
            i,
            "client_id 须为8–64个字母、数字或 _.:-",
            "client_id must be 8–64 letters, digits or _.:-",
        )
    lon = _number(i, r, "lon", -180, 180)
    lat = _number(i, r, "lat", -90, 90)
    if (lon is None) != (lat is None):
        raise _bad(i, "lon 与 lat 须同时给出", "give both lon and lat, or neither")
    if kind == "check_in":
        at = _time(i, r, "at", now, need=True)
        return Record(kind, cid, worker_id, at, lon, lat, note=_text(i, r, "note", NOTE_MAX))
    if kind == "patrol":
        start = _time(i, r, "started_at", now, need=True)
        end = _time(i, r, "ended_at", now, need=False)
        if end is not None and end < start:
            raise _bad(i, "ended_at 早于 started_at", "ended_at is before started_at")
        track = r.get("track")
        if track is not None:
            ok = isinstance(track, list) and len(track) <= TRACK_MAX
            ok = ok and all(
                isinstance(p, list)
                and len(p) == 2
                and all(isinstance(v, int | float) and not isinstance(v, bool) for v in p)
                and -180 <= p[0] <= 180
                and -90 <= p[1] <= 90
                for p in track
            )
            if not ok:
                raise _bad(
                    i,
                    f"track 须为至多{TRACK_MAX}个 [lon, lat]",
                    f"track must be at most {TRACK_MAX} [lon, lat] points",
                )
        findings = r.get("findings", 0)
        if isinstance(findings, bool) or not isinstance(findings, int) or not 0 <= findings <= 1000:
            raise _bad(i, "findings 须为0–1000的整数", "findings must be an integer 0–1000")
        return Record(
            kind,
            cid,
            worker_id,
            start,
            ended_at=end,
            distance_km=_number(i, r, "distance_km", 0, 500),
            track=track,
            findings=findings,
            note=_text(i, r, "note", NOTE_MAX),
        )
    at = _time(i, r, "at", now, need=True)
    description = _text(i, r, "description", 4000) or ""
    title = _text(i, r, "title", 200)
    address = _text(i, r, "address", 200)
    category = _text(i, r, "category_code", 32)
    if not (title or description):
        raise _bad(i, "事件须有标题或描述", "a report needs a title or a description")
    return Record(
        kind,
        cid,
        worker_id,
        at,
        lon,
        lat,
        category_code=category,
        title=title,
        description=description,
        address=address,
    )


def ingest(
    session: Session,
    actor: Actor,
    records: Sequence[Record],
) -> IngestResult:
    """Store checked records in the caller's transaction (all or nothing: the caller commits);
    a record whose client id is already stored, or a second check-in of the same day, is not
    stored again. One audit entry per worker and request."""
    now = clock.now()
    out = IngestResult()
    status: dict[str, dict[str, Any]] = {}

    checks = [r for r in records if r.kind == "check_in"]
    if checks:
        got = _insert_check_ins(session, checks, now)
        for r in checks:
            status[r.client_id] = {"status": "stored" if r.client_id in got else "duplicate"}

    patrols = [r for r in records if r.kind == "patrol"]
    if patrols:
        prows: list[dict[str, Any]] = [
            {
                "worker_id": r.worker_id,
                "started_at": r.at,
                "ended_at": r.ended_at,
                "distance_km": r.distance_km,
                "track": {"type": "LineString", "coordinates": r.track} if r.track else None,
                "findings": r.findings,
                "client_id": r.client_id,
                "received_at": now,
            }
            for r in patrols
        ]
        got = set(
            session.scalars(
                insert(Patrol).values(prows).on_conflict_do_nothing().returning(Patrol.client_id)
            )
        )
        for r in patrols:
            status[r.client_id] = {"status": "stored" if r.client_id in got else "duplicate"}

    reports = [r for r in records if r.kind == "report"]
    if reports:
        _reports(session, actor, reports, status)

    by_worker: dict[int, list[Record]] = {}
    for r in records:
        by_worker.setdefault(r.worker_id, []).append(r)
    for wid, mine in by_worker.items():
        stored = [r for r in mine if status[r.client_id]["status"] == "stored"]
        if not stored:
            continue
        counts = {k: sum(1 for r in stored if r.kind == k) for k in KINDS}
        audit.record(
            session,
            actor,
            "field.ingest",
            "grid_worker",
            wid,
            f"{actor.name} 收到移动端记录：报平安{counts['check_in']}条，巡查"
            f"{counts['patrol']}条，上报事件{counts['report']}条",
            after={"counts": counts, "client_ids": [r.client_id for r in stored][:50]},
        )
    for r in records:
        s = status[r.client_id]
        out.results.append({"client_id": r.client_id, "type": r.kind, **s})
        if s["status"] == "stored":
            out.stored += 1
        else:
            out.duplicates += 1
    return out


def _reports(
    session: Session, actor: Actor, reports: Sequence[Record], status: dict[str, dict[str, Any]]
) -> None:
    from command_center.services.incident_writer import write_incidents

    known: dict[str, str] = dict(
        session.execute(
            text(
                "SELECT external_id, number FROM incidents WHERE external_source = :s "
                "AND external_id = ANY(:ids)"
            ),
            {"s": FIELD_SOURCE, "ids": [r.client_id for r in reports]},
        ).all()
    )
    news = []
    fresh: list[Record] = []
    for r in reports:
        if r.client_id in known:
            status[r.client_id] = {"status": "duplicate", "number": known[r.client_id]}
            continue
        draft = intake.IncidentDraft(
            channel_code=CHANNEL[0],
            title=r.title or r.description.split("\n")[0][:60],
            category_code=r.category_code,
            description=r.description,
            address=r.address,
            lon=r.lon,
            lat=r.lat,
            reported_at=r.at,
        )
        try:
            new = intake.new_incident(session, draft)
        except intake.IntakeError as exc:
            raise FieldError(400, f"事件记录 {r.client_id}：{exc}") from None
        news.append(dataclasses.replace(new, external_source=FIELD_SOURCE, external_id=r.client_id))
        fresh.append(r)
        known[r.client_id] = ""  # the same id twice in one request: the second is a retry
    if not news:
        return
    try:
        with session.begin_nested():
            written = write_incidents(session, actor, news, intake.FORM_ORIGIN, channel=CHANNEL)
    except IntegrityError:  # a retry raced its original: answer it as a retry
        raise FieldError(
            409, "记录正在保存，请稍后重试 / the record is being stored, retry"
        ) from None
    for r, w in zip(fresh, written, strict=True):
        status[r.client_id] = {"status": "stored", "number": w.number}
    session.execute(
        text("UPDATE incidents SET reporter_worker_id = :w WHERE id = :i"),
        [{"w": r.worker_id, "i": w.id} for r, w in zip(fresh, written, strict=True)],
    )


def check_all(payload: Any, worker_id: int, *, now: dt.datetime | None = None) -> list[Record]:
    """The records of one request from one worker, checked (FieldError for the first bad one);
    the same client id twice in a request is refused."""
    now = now or clock.now()
    out = [check_record(i, r, worker_id, now) for i, r in enumerate(records_of(payload), 1)]
    seen: set[str] = set()
    for i, r in enumerate(out, 1):
        if r.client_id in seen:
            raise _bad(i, f"client_id {r.client_id} 重复", f"client_id {r.client_id} repeats")
        seen.add(r.client_id)
    return out


def stamp_token(session: Session, token_id: int | None) -> None:
    if token_id is not None:
        session.execute(
            text("UPDATE field_tokens SET last_used_at = :t WHERE id = :i"),
            {"t": clock.now(), "i": token_id},
        )


def receive(session: Session, worker: FieldWorker, payload: Any) -> IngestResult:
    """A request's records from an authenticated worker: checked, stored, committed."""
    records = check_all(payload, worker.id)
    actor = Actor(None, f"网格员:{worker.name}（{worker.code}）"[:64])
    try:
        result = ingest(session, actor, records)
        stamp_token(session, worker.token_id)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result


def receive_many(
    session: Session, requests: Sequence[tuple[str | None, Any]]
) -> list[IngestResult | FieldError]:
    """Several requests (their Authorization header and JSON payload), from several phones, in
    one transaction (the HTTP service's group commit): each checked and stored in a savepoint
    of its own — a refused one (its token, its records) gets its error and keeps nothing — and
    one commit for all."""
    out: list[IngestResult | FieldError] = []
    try:
        known = tokens_of(session, [a for a, _ in requests])
        checked: list[tuple[FieldWorker, list[Record]] | FieldError] = []
        for authorization, payload in requests:
            try:
                worker = authenticate(session, authorization, known)
                checked.append((worker, check_all(payload, worker.id)))
            except FieldError as exc:  # refused before anything is written
                checked.append(exc)
        if all(
            isinstance(c, FieldError) or all(r.kind in ("check_in", "patrol") for r in c[1])
            for c in checked
        ):
            # check-ins and patrols only: one insert each and one COPY of the audit entries
            # for the whole group (nothing in them can fail but the database itself)
            out = _store_together(session, checked)
            session.commit()
            return out
        used: set[int] = set()
        for authorization, payload in requests:
            try:
                worker = authenticate(session, authorization, known)
                records = check_all(payload, worker.id)
            except FieldError as exc:  # refused before anything is written
                out.append(exc)
                continue
            actor = Actor(None, f"网格员:{worker.name}（{worker.code}）"[:64])
            try:
                with session.begin_nested():
                    result = ingest(session, actor, records)
            except FieldError as exc:
                out.append(exc)
                continue
            if worker.token_id is not None:
                used.add(worker.token_id)
            out.append(result)
        if used:
            session.execute(
                text("UPDATE field_tokens SET last_used_at = :t WHERE id = ANY(:ids)"),
                {"t": clock.now(), "ids": sorted(used)},
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return out


# --- JSON Lines file import ---------------------------------------------------------------


def import_lines(session: Session, actor: Actor, lines: Sequence[str]) -> IngestResult:
    """A JSON Lines file collected offline: one record per line, each with ``worker`` (the
    worker's code) besides the fields above. All or nothing: any bad line refuses the file
    (FieldError naming the line) and nothing is stored; commits otherwise."""
    now = clock.now()
    codes = dict(session.execute(select(GridWorker.code, GridWorker.id)).all())
    records: list[Record] = []
    seen: set[str] = set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FieldError(400, f"第{n}行不是 JSON / line {n} is not JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise FieldError(400, f"第{n}行不是对象 / line {n} is not an object")
        wid = codes.get(str(obj.get("worker", "")))
        if wid is None:
            raise FieldError(
                400, f"第{n}行：未知的网格员 {obj.get('worker')!r} / line {n}: unknown worker"
            )
        try:
            rec = check_record(n, obj, wid, now)
        except FieldError as exc:
            raise FieldError(400, f"第{n}行 / line {n}: {exc.message}") from None
        if rec.client_id in seen:
            raise FieldError(400, f"第{n}行：client_id 重复 / line {n}: client_id repeats")
        seen.add(rec.client_id)
        records.append(rec)
    if not records:
        raise FieldError(400, "文件中没有记录 / the file has no records")
    try:
        result = ingest(session, actor, records)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result
