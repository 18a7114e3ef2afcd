"""Intake of 12345-hotline requests (Open311 GeoReport v2) as incidents.

One import is one transaction: the file is read first (a file that is not GeoReport v2 imports
nothing), then every usable request becomes an incident on the channel ``hotline_12345``, with
one audit entry each. Responsibility is fixed by point-in-polygon against the current grids
(GCJ-02, like the hotline's coordinates: nothing is transformed); a point outside every grid is
flagged 'outside' and one without usable coordinates 'missing' — never guessed. Category and
routing come later.

Rows are written with COPY (10,000 requests in a few seconds), never flushed one by one.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.interop.open311 import ServiceRequest, parse_requests
from command_center.models import IncidentStatus
from command_center.models.incident import LocationFlag
from command_center.services.audit import Actor
from command_center.services.demo.copy import copy_rows

CHANNEL_CODE = "hotline_12345"
CHANNEL_NAME = "12345热线"
CHANNEL_NAME_EN = "12345 government hotline"
NUMBER_PREFIX = "RX"
PRIORITY = 3
TITLE_MAX = 200
ADDRESS_MAX = 300
EXTERNAL_MAX = 64
CST = dt.timezone(dt.timedelta(hours=8), "CST")  # incident numbers carry the date in Beijing
# imports take turns, so two of them never hand out the same number
_IMPORT_LOCK = 0x0CC0_311


@dataclass(frozen=True)
class ImportReport:
    imported: int
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (request id or "#n", reason)
    flagged_outside: int = 0  # imported, but outside every grid
    flagged_missing: int = 0  # imported, without usable coordinates


@dataclass(frozen=True)
class _Grid:
    id: int
    village_id: int | None
    town_id: int | None


class GridLocator:
    """Point-in-polygon against the current grids (one STRtree, vectorised queries)."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(
            text(
                "SELECT g.id, g.geometry::text, v.id, v.parent_id FROM admin_areas g "
                "LEFT JOIN admin_areas v ON v.id = g.parent_id "
                "WHERE g.level = 'grid' AND g.valid_to IS NULL AND g.geometry IS NOT NULL "
                "ORDER BY g.id"
            )
        ).all()
        self.grids = [_Grid(r[0], r[2], r[3]) for r in rows]
        geoms = shapely.from_geojson([r[1] for r in rows]) if rows else np.array([], dtype=object)
        self._tree = shapely.STRtree(geoms)

    def locate(self, lons: np.ndarray, lats: np.ndarray) -> list[_Grid | None]:
        """The grid holding each point, or None when it lies outside every grid.

        A point exactly on a boundary shared by several grids (or inside overlapping grids, a
        data error) goes to the one with the lowest id, so the answer is always the same.
        """
        n = len(lons)
        found: list[_Grid | None] = [None] * n
        if n == 0 or not self.grids:
            return found
        points = shapely.points(lons, lats)
        for predicate in ("within", "intersects"):  # interiors first, then boundaries
            todo = np.array([i for i in range(n) if found[i] is None], dtype=np.intp)
            if not len(todo):
                break
            inputs, hits = self._tree.query(points[todo], predicate=predicate)
            for i, hit in sorted(zip(todo[inputs].tolist(), hits.tolist(), strict=True)):
                if found[i] is None:  # sorted by tree index = by grid id: the lowest wins
                    found[i] = self.grids[hit]
        return found


def import_open311(session: Session, data: bytes, *, actor: Actor, source: str) -> ImportReport:
    """Import a GeoReport v2 request list from ``source`` (a feed name, e.g. "12345-gansu").

    ``source`` and the request's service_request_id identify it: importing the same requests
    again skips them as already imported. Raises Open311FormatError, importing nothing, when
    the data is not GeoReport v2. Commits.
    """
    source = source.strip()
    if not source or len(source) > EXTERNAL_MAX:
        raise ValueError(
            f"来源名称应为1至{EXTERNAL_MAX}个字符 / the source name must be 1 to "
            f"{EXTERNAL_MAX} characters"
        )
    parsed = parse_requests(data)  # raises before anything is written
    skipped = list(parsed.skipped)
    try:
        report = _import(session, parsed.requests, skipped, actor=actor, source=source)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return report


def _import(
    session: Session,
    requests: list[ServiceRequest],
    skipped: list[tuple[str, str]],
    *,
    actor: Actor,
    source: str,
) -> ImportReport:
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _IMPORT_LOCK})
    existing = set(
        session.scalars(
            text(
                "SELECT external_id FROM incidents "
                "WHERE external_source = :s AND external_id = ANY(:ids)"
            ),
            {"s": source, "ids": [r.service_request_id for r in requests if r.service_request_id]},
        )
    )
    todo: list[ServiceRequest] = []
    seen: set[str] = set()
    for req in requests:
        rid = req.service_request_id
        if rid is None:
            skipped.append(
                (
                    req.service_code or "?",
                    "缺少 service_request_id，无法防止重复导入 / no service_request_id: a "
                    "second import could not be recognised",
                )
            )
        elif len(rid) > EXTERNAL_MAX:
            skipped.append(
                (rid[:EXTERNAL_MAX] + "…", f"编号超过{EXTERNAL_MAX}个字符 / id too long")
            )
        elif rid in existing:
            skipped.append((rid, "已导入 / already imported"))
        elif rid in seen:
            skipped.append((rid, "文件中重复 / repeated in the file"))
        else:
            seen.add(rid)
            todo.append(req)
    if not todo:
        return ImportReport(0, skipped)

    session.execute(
        text(
            "INSERT INTO channels (code, name, name_en) VALUES (:c, :n, :e) "
            "ON CONFLICT (code) DO NOTHING"
        ),
        {"c": CHANNEL_CODE, "n": CHANNEL_NAME, "e": CHANNEL_NAME_EN},
    )

    # where: one vectorised point-in-polygon query for the whole file
    located = [i for i, r in enumerate(todo) if r.lat is not None and r.long is not None]
    grids: list[_Grid | None] = [None] * len(todo)
    if located:
        lons = np.array([todo[i].long for i in located], dtype=float)
        lats = np.array([todo[i].lat for i in located], dtype=float)
        for i, grid in zip(located, GridLocator(session).locate(lons, lats), strict=True):
            grids[i] = grid

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    reported = [r.requested_datetime or now for r in todo]
    numbers = _numbers(session, reported)
    ids = session.scalars(
        text(
            "SELECT nextval(pg_get_serial_sequence('incidents', 'id')) FROM generate_series(1, :n)"
        ),
        {"n": len(todo)},
    ).all()

    rows: list[tuple[Any, ...]] = []
    audit_rows: list[tuple[Any, ...]] = []
    outside = missing = 0
    has_point = set(located)
    for i, req in enumerate(todo):
        grid = grids[i]
        if i not in has_point:
            flag = LocationFlag.MISSING.value
            missing += 1
        elif grid is None:
            flag = LocationFlag.OUTSIDE.value
            outside += 1
        else:
            flag = LocationFlag.OK.value
        closed = req.status == "closed"
        status = IncidentStatus.CLOSED.value if closed else IncidentStatus.NEW.value
        closed_at = (req.updated_datetime or reported[i]) if closed else None
        title = _title(req)
        rows.append(
            (
                ids[i],
                numbers[i],
                CHANNEL_CODE,
                title,
                req.description or "",
                _cut(req.address, ADDRESS_MAX),
                req.long if flag != LocationFlag.MISSING else None,
                req.lat if flag != LocationFlag.MISSING else None,
                flag,
                grid.id if grid else None,
                grid.village_id if grid else None,
                grid.town_id if grid else None,
                source,
                req.service_request_id,
                PRIORITY,
                status,
                reported[i],
                closed_at,
            )
        )
        where = {
            LocationFlag.OK.value: "",
            LocationFlag.OUTSIDE.value: "，位置在辖区外待核",
            LocationFlag.MISSING.value: "，无坐标待核",
        }[flag]
        audit_rows.append(
            (
                actor.user_id,
                actor.name,
                "incident.import",
                "incident",
                ids[i],
                f"{actor.name} 从 {source} 导入12345热线来件 {numbers[i]}「{title}」{where}",
                json.dumps(
                    {
                        "number": numbers[i],
                        "channel_code": CHANNEL_CODE,
                        "external_source": source,
                        "external_id": req.service_request_id,
                        "status": status,
                        "location_flag": flag,
                        "grid_id": grid.id if grid else None,
                        "reported_at": reported[i].isoformat(),
                    },
                    ensure_ascii=False,
                ),
            )
        )

    raw = session.connection().connection.driver_connection
    copy_rows(
        raw,  # type: ignore[arg-type]
        "incidents",
        (
            "id",
            "number",
            "channel_code",
            "title",
            "description",
            "address",
            "lon",
            "lat",
            "location_flag",
            "grid_id",
            "village_id",
            "town_id",
            "external_source",
            "external_id",
            "priority",
            "status",
            "reported_at",
            "closed_at",
        ),
        rows,
    )
    # the same entry services.audit.record() writes, for every incident in one COPY
    copy_rows(
        raw,  # type: ignore[arg-type]
        "audit_log",
        ("actor_id", "actor_name", "action", "entity_type", "entity_id", "summary", "after"),
        audit_rows,
    )
    return ImportReport(len(rows), skipped, outside, missing)


def _numbers(session: Session, reported: list[dt.datetime]) -> list[str]:
    """RX + the Beijing date + a five-digit sequence, continuing each day's highest number."""
    prefixes = [f"{NUMBER_PREFIX}{at.astimezone(CST):%Y%m%d}" for at in reported]
    width = len(NUMBER_PREFIX) + 8
    rows = session.execute(
        text(
            f"SELECT left(number, {width}), max(substr(number, {width + 1})::bigint) "
            "FROM incidents WHERE number ~ :pattern AND left(number, "
            f"{width}) = ANY(:prefixes) GROUP BY 1"
        ),
        {"pattern": f"^{NUMBER_PREFIX}[0-9]{{8}}[0-9]+$", "prefixes": sorted(set(prefixes))},
    ).all()
    last = {str(prefix): int(seq) for prefix, seq in rows}
    out = []
    for prefix in prefixes:
        seq = last.get(prefix, 0) + 1
        last[prefix] = seq
        out.append(f"{prefix}{seq:05d}")
    return out


def _cut(value: str | None, limit: int) -> str | None:
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


def _title(req: ServiceRequest) -> str:
    """The service name and the start of the description, at most 200 characters."""
    name = _cut(" ".join((req.service_name or req.service_code or "").split()), 100) or ""
    desc = _cut(" ".join((req.description or "").split()), 60) or ""
    title = f"{name}：{desc}" if name and desc else name or desc or "12345热线来件"
    return _cut(title, TITLE_MAX) or ""
