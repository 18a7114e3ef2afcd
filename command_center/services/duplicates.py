"""Finding the same problem reported twice (重复反映): nearby, similar text, close in time.

The database narrows the field with plain indexes (time window, bounding box); the few rows left
are compared in Python: distance on the sphere, character-bigram Jaccard similarity of title and
description (Chinese has no spaces, and bigrams are what pg_trgm would use for it), hours apart.
The merge itself is ``orders.merge_incidents``. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from sqlalchemy import text as sql
from sqlalchemy.orm import Session

RADIUS_M = 300.0
WINDOW_HOURS = 72.0
MIN_SIMILARITY = 0.12  # below this the texts share little more than filler words
CLOSE_M = 50.0  # this close and the same category: a candidate whatever the words
LIMIT = 8

# what almost every report says, which makes unrelated reports look alike
_FILLER = (
    "来电人反映",
    "来电反映",
    "群众反映",
    "网格员上报",
    "网格员巡查发现",
    "请尽快处理",
    "请相关部门",
    "尽快处理",
    "希望",
    "要求",
    "反映",
    "民乐县",
    "甘肃省",
    "张掖市",
)
_NOT_TEXT = re.compile(r"[^\w]|_|\d", re.UNICODE)
_EARTH_M = 6_371_008.8


@dataclass(frozen=True)
class Candidate:
    incident_id: int
    number: str
    title: str
    distance_m: float | None  # None when one of the two has no coordinates
    similarity: float  # 0..1
    hours_apart: float
    score: float  # 0..1, higher is more likely the same problem
    status: str = ""
    reported_at: dt.datetime | None = None
    same_category: bool = False


def bigrams(s: str) -> set[str]:
    s = s or ""
    for f in _FILLER:
        s = s.replace(f, "")
    s = _NOT_TEXT.sub("", s.lower())
    if len(s) < 2:
        return {s} if s else set()
    return {s[i : i + 2] for i in range(len(s) - 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character bigrams of two texts (0 when either is empty)."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_M * math.asin(min(1.0, math.sqrt(h)))


def candidates(
    session: Session,
    *,
    lon: float | None,
    lat: float | None,
    text: str,
    at: dt.datetime,
    category_code: str | None = None,
    exclude_id: int | None = None,
    village_id: int | None = None,
    radius_m: float = RADIUS_M,
    window_hours: float = WINDOW_HOURS,
    limit: int = LIMIT,
) -> list[Candidate]:
    """Incidents that may report the same problem, best first.

    Within ``window_hours`` of ``at``, open or closed within that window, not merged or
    rejected; within ``radius_m`` of the point (or, without a point, or for reports without
    one, in the same village); with similar text — or very close and of the same category.
    """
    has_point = lon is not None and lat is not None
    if not has_point and village_id is None:
        return []
    window = dt.timedelta(hours=window_hours)
    params: dict[str, object] = {
        "t0": at - window,
        "t1": at + window,
        "exclude": exclude_id or 0,
        "village": village_id,
    }
    where_place = []
    if has_point:
        assert lon is not None and lat is not None
        dlat = radius_m / 111_000.0
        dlon = radius_m / (111_000.0 * max(0.1, math.cos(math.radians(lat))))
        params.update(lon0=lon - dlon, lon1=lon + dlon, lat0=lat - dlat, lat1=lat + dlat)
        where_place.append("(lon BETWEEN :lon0 AND :lon1 AND lat BETWEEN :lat0 AND :lat1)")
    if village_id is not None:
        cond = "village_id = :village"
        if has_point:
            cond += " AND lon IS NULL"  # a report placed by its address only
        where_place.append(f"({cond})")
    rows = session.execute(
        sql(
            "SELECT id, number, title, description, lon, lat, reported_at, status, "
            "category_code FROM incidents "
            "WHERE reported_at BETWEEN :t0 AND :t1 AND id <> :exclude "
            "AND status NOT IN ('merged', 'rejected') "
            "AND (status IN ('new','accepted','dispatched','in_progress') "
            "     OR coalesce(closed_at, resolved_at, reported_at) >= :t0) "
            f"AND ({' OR '.join(where_place)}) "
            "ORDER BY reported_at DESC LIMIT 500"
        ),
        params,
    ).all()
    mine = bigrams(text)
    out: list[Candidate] = []
    for r in rows:
        dist = None
        if has_point and r.lon is not None and r.lat is not None:
            assert lon is not None and lat is not None
            dist = distance_m(lon, lat, r.lon, r.lat)
            if dist > radius_m:
                continue
        theirs = bigrams(f"{r.title} {r.description}")
        sim = len(mine & theirs) / len(mine | theirs) if mine and theirs else 0.0
        same_cat = category_code is not None and r.category_code == category_code
        if sim < MIN_SIMILARITY and not (same_cat and dist is not None and dist <= CLOSE_M):
            continue
        hours = abs((r.reported_at - at).total_seconds()) / 3600
        near = 1 - dist / radius_m if dist is not None else 0.5
        score = (
            0.5 * min(1.0, sim * 2)
            + 0.25 * near
            + 0.15 * (1 - hours / window_hours)
            + (0.1 if same_cat else 0.0)
        )
        out.append(
            Candidate(
                r.id,
                r.number,
                r.title,
                None if dist is None else round(dist, 1),
                round(sim, 3),
                round(hours, 1),
                round(score, 3),
                r.status,
                r.reported_at,
                same_cat,
            )
        )
    out.sort(key=lambda c: (-c.score, c.incident_id))
    return out[:limit]
