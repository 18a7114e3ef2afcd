"""The county's gazetteer (地名库): towns, villages and communities, grids, and a few named places
derived from them (村委会, 居委会, 镇政府), searchable by partial names and able to find the most
specific place named in a free-text address ("洪水镇益民村三社东头" → 益民村).

Built once per process and database from ``admin_areas`` (current areas only) and kept in
memory; :func:`invalidate` drops it (call it when the areas change: the main window does on an
``admin_areas`` notification). No Qt here.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center.db.engine import database_key

# Where an address names the province, city and county before the place itself.
_PREFIXES = ("甘肃省", "甘肃", "张掖市", "张掖", "民乐县", "民乐")
_SEPARATORS = re.compile(r"[\s·,，、/\\\-—_()（）]+")

LEVEL_RANK = {"county": 0, "town": 1, "village": 2, "grid": 3}
"""How specific a level is."""


@dataclass(frozen=True)
class Place:
    name: str  # 益民村
    full_name: str  # 民乐县·洪水镇·益民村
    level: str  # county, town, village, grid, or place (a derived named place)
    area_id: int  # the area it belongs to (for a derived place: its village or town)
    lon: float | None  # label point, GCJ-02
    lat: float | None
    town_id: int | None = None
    village_id: int | None = None
    grid_id: int | None = None

    @property
    def responsibility_level(self) -> str:
        """The level of area the place fixes responsibility to (a derived place: its area's)."""
        if self.grid_id is not None:
            return "grid"
        if self.village_id is not None:
            return "village"
        if self.town_id is not None:
            return "town"
        return "county"


@dataclass
class _Entry:
    place: Place
    key: str  # the name, normalised
    path: str  # the full name without separators or the county prefix: 洪水镇益民村
    rank: int
    parents: frozenset[int]  # the areas above it


class Gazetteer:
    """The places of one database, in memory."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(
            text(
                "SELECT id, name, level, kind, parent_id, label_lon, label_lat FROM admin_areas "
                "WHERE valid_to IS NULL AND level IN ('county','town','village','grid') "
                "ORDER BY id"
            )
        ).all()
        areas = {r[0]: r for r in rows}
        self.entries: list[_Entry] = []
        self._by_area: dict[int, Place] = {}

        def chain(area_id: int) -> list[tuple[int, str, str]]:
            out = []
            cur: int | None = area_id
            while cur is not None and cur in areas:
                r = areas[cur]
                out.append((r[0], r[1], r[2]))
                cur = r[4]
            return out[::-1]  # county first

        for r in rows:
            area_id, name, level = r[0], r[1], r[2]
            up = chain(area_id)
            ids = {lvl: aid for aid, _, lvl in up}
            place = Place(
                name=name,
                full_name="·".join(n for _, n, _ in up),
                level=level,
                area_id=area_id,
                lon=r[5],
                lat=r[6],
                town_id=ids.get("town"),
                village_id=ids.get("village"),
                grid_id=ids.get("grid"),
            )
            self._by_area[area_id] = place
            parents = frozenset(aid for aid, _, _ in up[:-1])
            self._add(place, parents)
            for alias in _derived_names(name, level, r[3]):
                derived = Place(
                    name=alias,
                    full_name=f"{place.full_name}·{alias}",
                    level="place",
                    area_id=area_id,
                    lon=place.lon,
                    lat=place.lat,
                    town_id=place.town_id,
                    village_id=place.village_id,
                    grid_id=None,
                )
                self._add(derived, parents | {area_id})

    def _add(self, place: Place, parents: frozenset[int]) -> None:
        parts = place.full_name.split("·")
        if parts and parts[0].endswith("县"):
            parts = parts[1:]
        self.entries.append(
            _Entry(place, normalise(place.name), "".join(parts), _rank(place), parents)
        )

    def place_of_area(self, area_id: int) -> Place | None:
        return self._by_area.get(area_id)

    # --- search -------------------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[Place]:
        """Places matching a partial name: exact name first, then names starting with it, then
        names containing it, then full names (洪水镇益民 or "洪水 益民") containing it; within
        each, towns before villages before grids, shorter names first, numbers in their order
        (第一 < 第二 < … < 第十 < 第十一: :func:`natural_key`)."""
        q = normalise(query)
        if not q:
            return []
        tokens = [t for t in _SEPARATORS.split(strip_prefixes(query.strip())) if t]
        scored: list[tuple[tuple[Any, ...], Place]] = []
        for e in self.entries:
            if e.key == q:
                tier = 0
            elif e.key.startswith(q):
                tier = 1
            elif q in e.key:
                tier = 2
            elif q in e.path:
                tier = 3
            elif len(tokens) > 1 and all(t in e.path for t in tokens):
                tier = 4
            else:
                continue
            derived = e.place.level == "place"
            scored.append(
                (
                    (tier, derived, e.rank, len(e.place.name), natural_key(e.place.full_name)),
                    e.place,
                )
            )
        scored.sort(key=lambda x: x[0])
        return [p for _, p in scored[:limit]]

    # --- addresses ----------------------------------------------------------------------

    def resolve_address(self, address: str) -> Place | None:
        """The most specific place named in ``address``, or None when none is, or when the
        most specific names are ambiguous (two villages 王庄村 in different towns, and the
        address names neither town): then the place they have in common, if any below the
        county. Never a guess between places."""
        a = normalise(strip_prefixes(address))
        if not a:
            return None
        hits = [e for e in self.entries if e.rank >= 2 and e.key and e.key in a]
        if not hits:
            return None
        # a name inside a longer matched name (新庄村 in 易家新庄村) is not a mention of its own
        spans: list[tuple[int, int]] = []
        for e in hits:
            spans.extend(_spans(a, e.key))
        mentioned = [e for e in hits if any(not _inside(s, spans) for s in _spans(a, e.key))]
        if not mentioned:
            return None
        mentioned_ids = {e.place.area_id for e in mentioned if e.place.level != "place"}

        candidates = [e for e in mentioned if _consistent(e, mentioned)]
        if not candidates:
            return None
        best_rank = max(e.rank for e in candidates)
        best = [e for e in candidates if e.rank == best_rank]
        # prefer those whose ancestors the address also names
        best.sort(key=lambda e: -len(e.parents & mentioned_ids))
        top = len(best[0].parents & mentioned_ids)
        best = [e for e in best if len(e.parents & mentioned_ids) == top]
        areas = {(e.place.area_id, e.place.level == "place") for e in best}
        if len(areas) == 1:
            return best[0].place
        # several places fit equally: their deepest common area, if below the county
        common = frozenset.intersection(*(e.parents | {e.place.area_id} for e in best))
        deepest = None
        for aid in common:
            p = self._by_area.get(aid)
            if p and p.level != "county" and (deepest is None or _rank(p) > _rank(deepest)):
                deepest = p
        return deepest


def _rank(place: Place) -> int:
    """Areas rank by level; a derived place (村委会 …) just above the area it belongs to."""
    if place.level == "place":
        return 2 * LEVEL_RANK[place.responsibility_level] + 1
    return 2 * LEVEL_RANK[place.level]


def _consistent(e: _Entry, mentioned: list[_Entry]) -> bool:
    """For each coarser level the address names, ``e`` lies in one of the areas named there."""
    own = e.parents | {e.place.area_id}
    by_rank: dict[int, set[int]] = {}
    for o in mentioned:
        if o.place.level == "place" or o.rank >= e.rank:
            continue
        by_rank.setdefault(o.rank, set()).add(o.place.area_id)
    return all(ids & own for ids in by_rank.values())


def _spans(haystack: str, needle: str) -> list[tuple[int, int]]:
    out = []
    start = haystack.find(needle)
    while start >= 0:
        out.append((start, start + len(needle)))
        start = haystack.find(needle, start + 1)
    return out


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    s, e = span
    return any(o[0] <= s and e <= o[1] and (o[1] - o[0]) > (e - s) for o in spans)


def _derived_names(name: str, level: str, kind: str) -> list[str]:
    """Named places every village, community and town has."""
    if level == "village":
        if name.endswith("社区"):
            return [f"{name}居委会", f"{name}服务中心"]
        return [f"{name}委会", f"{name}民委员会"] if name.endswith("村") else []
    if level == "town" and name.endswith(("镇", "乡")):
        return [f"{name}政府", f"{name}人民政府", f"{name}综治中心"]
    return []


def strip_prefixes(s: str) -> str:
    s = s.strip()
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if s.startswith(p):
                rest = s[len(p) :]
                # "民乐" alone is a prefix only before a place, not in 民乐生态工业园区
                if p in ("民乐", "甘肃", "张掖") and rest.startswith(("生态", "县", "省", "市")):
                    continue
                s = rest.lstrip()
                changed = True
    return s


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_DIGITS.update({"七": 7, "八": 8, "九": 9})
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = re.compile(r"[0-9]+|[零〇一二两三四五六七八九十百千]+")


def chinese_number(word: str) -> int:
    """一 → 1, 十 → 10, 十一 → 11, 二十三 → 23, 一百零五 → 105 (up to the thousands)."""
    total = digit = 0
    for ch in word:
        if ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            digit = _DIGITS[ch]
    return total + digit


def natural_key(s: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that orders the numbers in a name by value, in Arabic or Chinese numerals:
    第一网格 < 第二网格 < 第三网格 < … < 第十网格 < 第十一网格, 第2组 < 第10组."""
    parts: list[tuple[int, int | str]] = []
    pos = 0
    for m in _NUMBER.finditer(s):
        if m.start() > pos:
            parts.append((1, s[pos : m.start()]))
        word = m.group()
        parts.append((0, int(word) if word.isdigit() else chinese_number(word)))
        pos = m.end()
    if pos < len(s):
        parts.append((1, s[pos:]))
    return tuple(parts)


def normalise(s: str) -> str:
    return _SEPARATORS.sub("", s).strip()


# --- the per-process cache ------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, Gazetteer] = {}


def get(session: Session) -> Gazetteer:
    """The gazetteer of the session's database, built on first use."""
    key = database_key(session)
    with _lock:
        gaz = _cache.get(key)
    if gaz is None:
        gaz = Gazetteer(session)
        with _lock:
            _cache[key] = gaz
    return gaz


def invalidate() -> None:
    """Forget every gazetteer: the next search rebuilds it from ``admin_areas``."""
    with _lock:
        _cache.clear()


def search(session: Session, text: str, limit: int = 20) -> list[Place]:
    """Places whose name matches ``text`` (prefix, then contains; see Gazetteer.search)."""
    return get(session).search(text, limit)


def resolve_address(session: Session, text: str) -> Place | None:
    """The most specific place named in a free-text address (see Gazetteer.resolve_address)."""
    return get(session).resolve_address(text)


def place_of_area(session: Session, area_id: int) -> Place | None:
    return get(session).place_of_area(area_id)
