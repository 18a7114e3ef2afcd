"""Boundary imports against the database: where a file's areas belong, drafts, the county's
review, and the history of each area's geometry. No Qt.

A file is read and checked by :mod:`command_center.services.boundaries`; :func:`plan` places
its areas in the hierarchy (the parent asked for, else each feature's own ``parent``/``上级``,
else the county for towns), matches them with today's areas (by code, else by name under the
same parent) and checks each group of siblings together with the siblings the file leaves as
they are. :func:`submit` stores the plan as a draft; :func:`approve` makes it current, keeping
the geometry each area had before as a filed row with its period (``valid_from``/``valid_to``);
:func:`reject` keeps everything as it was and says why. Areas keep their ids: an incident keeps
the grid it was placed in when it was reported (nothing re-places incidents on approval).

Who may (THE rule; alembic 0015's ``cc_may_draft_boundary`` and ``cc_may_review_boundaries``
are the same in SQL, and the database refuses what these refuse):

* review (approve, reject): the county center's administrator — an administrator who is not
  scoped to a town;
* draft: the reviewer, or a user working for a town (``app_users.scope_area_id``, or a
  department that is a town's) for areas under that town — its villages, grids and micro-grids
  — except the analyst, who only reads.

The command line runs as the database's owner (the program itself, actor without a user):
it drafts, and with ``--approve`` approves at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from command_center import clock
from command_center.models import AdminArea, AppUser, AreaBoundary, BoundaryImport, Department
from command_center.services import audit, boundaries
from command_center.services.audit import Actor
from command_center.services.boundaries import (
    PARENT_LEVEL,
    STORED_LEVEL,
    Area,
    Finding,
    Neighbour,
)
from command_center.services.lifecycle import ADMIN, ANALYST
from command_center.services.permissions import PermissionDenied


class BoundaryError(ValueError):
    """The import cannot go on as asked; ``str()`` is "中文 / English"."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


# --- who may ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The acting user's role and the area they work for (None: the county); role None is the
    program itself, "" a user who may do nothing (unknown or disabled)."""

    role: str | None
    area_id: int | None


def scope_of(session: Session, actor: Actor) -> Scope:
    if actor.user_id is None:
        return Scope(None, None)
    row = session.execute(
        select(AppUser.role_code, AppUser.scope_area_id, Department.kind, Department.town_id)
        .outerjoin(Department, Department.id == AppUser.department_id)
        .where(AppUser.id == actor.user_id, AppUser.active)
    ).one_or_none()
    if row is None:
        return Scope("", None)
    town = row.town_id if row.kind == "town" else None
    return Scope(row.role_code, row.scope_area_id if row.scope_area_id is not None else town)


def may_review(s: Scope) -> bool:
    """The county's administrator (or the program itself) approves and rejects."""
    return s.role is None or (s.role == ADMIN and s.area_id is None)


def may_draft(s: Scope, parent_chain: Sequence[int]) -> bool:
    """``parent_chain``: the ids of the new areas' parent and of every area above it."""
    if may_review(s):
        return True
    return (
        bool(s.role) and s.role != ANALYST and s.area_id is not None and (s.area_id in parent_chain)
    )


def may_draft_somewhere(s: Scope) -> bool:
    """Whether the user drafts boundaries at all (what the import dialog asks first)."""
    return may_review(s) or (bool(s.role) and s.role != ANALYST and s.area_id is not None)


NOT_A_DRAFTER = (
    "边界由县综治中心的系统管理员或乡镇的用户起草",
    "boundaries are drafted by the county center's administrator or a town's users",
)


def _chain(session: Session, area_id: int | None) -> list[int]:
    if area_id is None:
        return []
    rows = session.execute(
        text(
            "WITH RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM admin_areas "
            "WHERE id = :a UNION ALL SELECT a.id, a.parent_id FROM admin_areas a "
            "JOIN up ON a.id = up.parent_id) SELECT id FROM up"
        ),
        {"a": area_id},
    ).scalars()
    return [int(r) for r in rows]


def require_review(session: Session, actor: Actor) -> None:
    if not may_review(scope_of(session, actor)):
        raise PermissionDenied(
            "边界变更由县综治中心的系统管理员审核",
            "boundary changes are reviewed by the county center's administrator",
        )


# --- planning -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """An area of today's map."""

    id: int
    name: str
    code: str
    level: str
    kind: str
    parent_id: int | None
    geometry: dict[str, Any] | None


@dataclass
class Planned:
    """One area of the file, placed."""

    area: Area
    parent: Place | None
    existing: Place | None  # the area it replaces the geometry of, or None for a new one
    kind: str

    @property
    def name(self) -> str:
        return self.area.name


@dataclass
class Plan:
    level: str  # the command's level (county … micro)
    parent: Place | None  # the parent asked for (--parent), or None
    source_crs: str
    file_name: str
    planned: list[Planned]
    findings: list[Finding]
    parents: dict[int, Place] = field(default_factory=dict)  # every parent of the planned areas
    siblings: list[Place] = field(default_factory=list)  # today's areas the file leaves as they are

    @property
    def imported(self) -> int:
        return len(self.planned)

    @property
    def stored_level(self) -> str:
        return STORED_LEVEL[self.level]

    def report(self) -> list[str]:
        """``imported=N findings=M`` and one line per finding (the command's output)."""
        return [f"imported={self.imported} findings={len(self.findings)}"] + [
            f.line() for f in self.findings
        ]


_COLUMNS = (
    AdminArea.id,
    AdminArea.name,
    AdminArea.code,
    AdminArea.level,
    AdminArea.kind,
    AdminArea.parent_id,
    AdminArea.geometry,
)


def _places(session: Session, *where: Any) -> list[Place]:
    rows = session.execute(select(*_COLUMNS).where(AdminArea.valid_to.is_(None), *where)).all()
    return [Place(*r) for r in rows]


class AreaIndex:
    """Today's areas in memory (without their geometries, read on demand), and every code in
    use: placing a file of hundreds of areas asks the database a handful of times, not per
    feature."""

    def __init__(self, session: Session) -> None:
        self._session = session
        rows = session.execute(
            select(
                AdminArea.id,
                AdminArea.name,
                AdminArea.code,
                AdminArea.level,
                AdminArea.kind,
                AdminArea.parent_id,
                AdminArea.valid_to.is_(None),
            )
        ).all()
        self.codes: dict[str, str] = {r[2]: r[1] for r in rows}
        self.by_id: dict[int, Place] = {
            r[0]: Place(r[0], r[1], r[2], r[3], r[4], r[5], None) for r in rows if r[6]
        }
        self._children: dict[tuple[int | None, str], list[Place]] = {}
        self._by_level: dict[str, list[Place]] = {}
        for place in self.by_id.values():
            self._children.setdefault((place.parent_id, place.level), []).append(place)
            self._by_level.setdefault(place.level, []).append(place)
        self._geometries: dict[int, dict[str, Any] | None] = {}

    def children(self, parent_id: int | None, level: str) -> list[Place]:
        return list(self._children.get((parent_id, level), []))

    def ancestors(self, place: Place) -> list[Place]:
        out: list[Place] = []
        cur = self.by_id.get(place.parent_id) if place.parent_id is not None else None
        while cur is not None and len(out) < 10:
            out.append(cur)
            cur = self.by_id.get(cur.parent_id) if cur.parent_id is not None else None
        return out

    def find(self, name: str, level: str) -> Place:
        """Today's area of ``level`` called ``name`` (or with that code); a path such as
        ``洪水镇/益民村`` tells apart two villages of one name."""
        parts = [p.strip() for p in name.replace("·", "/").split("/") if p.strip()]
        if not parts:
            raise BoundaryError("上级区域名称为空", "the parent's name is empty")
        codes = _codes(parts[-1])
        found = [
            p for p in self._by_level.get(level, []) if p.name == parts[-1] or p.code in codes
        ]
        if len(parts) > 1:
            found = [
                p
                for p in found
                if all(
                    any(n in (a.name, a.code) for a in self.ancestors(p)) for n in parts[:-1]
                )
            ]
        if not found:
            zh, en = boundaries.LEVEL_WORDS[_command_level(level)]
            raise BoundaryError(f"没有名为「{name}」的{zh}", f"no {en} named {name!r}")
        if len(found) > 1:
            raise BoundaryError(
                f"有{len(found)}个「{name}」，请写出上级（如 洪水镇/{parts[-1]}）或代码",
                f"{len(found)} areas are named {name!r}: give the path (town/village) or the code",
            )
        return found[0]

    def with_geometries(self, places: Sequence[Place]) -> list[Place]:
        """The same places with their geometries (one query for those not read yet)."""
        from dataclasses import replace

        missing = [p.id for p in places if p.id not in self._geometries]
        if missing:
            for area_id, geometry in self._session.execute(
                select(AdminArea.id, AdminArea.geometry).where(AdminArea.id.in_(missing))
            ):
                self._geometries[area_id] = geometry
        return [replace(p, geometry=self._geometries.get(p.id)) for p in places]


def find_parent(session: Session, name: str, level: str) -> Place:
    """Today's area of ``level`` called ``name`` (see :meth:`AreaIndex.find`)."""
    index = AreaIndex(session)
    return index.with_geometries([index.find(name, level)])[0]


def _codes(given: str) -> tuple[str, ...]:
    """A code as files give it: DataV's 6-digit adcode is the 12-digit statistics code's head."""
    if given.isdigit() and len(given) in (6, 9):
        return (given, given.ljust(12, "0"))
    return (given,)


def _command_level(stored: str) -> str:
    return next(k for k, v in STORED_LEVEL.items() if v == stored)


def guess_kind(level: str, name: str, given: str | None = None) -> str:
    """The kind of a new area at ``level`` (command level), from the file or its name."""
    allowed = {
        "county": ("county",),
        "town": ("town", "township", "subdistrict", "park"),
        "village": ("village", "community"),
        "grid": ("comprehensive", "dedicated"),
        "micro": ("micro",),
    }[level]
    if given in allowed:
        return given
    if level == "town":
        if name.endswith("街道") or "社区管理委员会" in name:
            return "subdistrict"
        if "园区" in name or "开发区" in name:
            return "park"
        return "township" if name.endswith("乡") else "town"
    if level == "village":
        return "community" if name.endswith("社区") else "village"
    if level == "grid":
        return "dedicated" if "专属" in name else "comprehensive"
    return allowed[0]


def plan(
    session: Session,
    data: bytes,
    *,
    level: str,
    crs: str | None = None,
    parent: str | None = None,
    file_name: str = "",
    tolerance_m: float = boundaries.DEFAULT_TOLERANCE_M,
) -> Plan:
    """Read, place and check a file; nothing is written.

    Raises :class:`boundaries.NotGeoJSON` for a file that is not GeoJSON (or declares no
    coordinate system and none is given) and :class:`BoundaryError` for a parent that does
    not exist."""
    if level not in boundaries.LEVELS:
        raise BoundaryError(f"未知层级{level}", f"unknown level {level!r}")
    stem = file_name.rsplit("/", 1)[-1].split(".", 1)[0].strip()
    read = boundaries.read(data, crs, default_name=stem)
    stored = STORED_LEVEL[level]
    parent_level = PARENT_LEVEL.get(level)
    index = AreaIndex(session)
    asked: Place | None = None
    if parent:
        if parent_level is None:
            raise BoundaryError("县级区域没有上级", "a county has no parent in this map")
        asked = index.find(parent, STORED_LEVEL[parent_level])
    findings = list(read.findings)
    excluded = {f.feature for f in findings if f.excluded and f.feature is not None}

    # each usable area's parent
    counties = index.children(None, "county") if level == "town" else []
    by_parent: dict[int | None, list[Area]] = {}
    parents: dict[int, Place] = {}
    for a in read.usable:
        if a.index in excluded:
            continue
        p: Place | None
        if level == "county":
            p = None
        elif asked is not None:
            p = asked
        elif a.parent:
            try:
                p = index.find(a.parent, STORED_LEVEL[str(parent_level)])
            except BoundaryError as exc:
                findings.append(
                    boundaries._finding(
                        a.label,
                        "parent_unknown",
                        exc.zh,
                        exc.en,
                        feature=a.index,
                        geometry=a.geojson(),
                    )
                )
                continue
        elif level == "town" and len(counties) == 1:
            p = counties[0]
        else:
            findings.append(
                boundaries._finding(
                    a.label,
                    "parent_unknown",
                    "请用 --parent 指定上级",
                    "give the parent with --parent",
                    feature=a.index,
                    geometry=a.geojson(),
                )
            )
            continue
        if p is not None:
            parents[p.id] = p
        by_parent.setdefault(p.id if p else None, []).append(a)

    planned: list[Planned] = []
    kept_siblings: list[Place] = []
    codes_seen: set[str] = set()
    for parent_id, group in by_parent.items():
        p = parents.get(parent_id) if parent_id is not None else None
        dup = boundaries.duplicate_names(group)
        findings.extend(dup)
        dup_ix = {f.feature for f in dup}
        group = [a for a in group if a.index not in dup_ix]
        today = index.children(parent_id, stored)
        by_code = {t.code: t for t in today}
        by_name = {t.name: t for t in today}
        matched: set[int] = set()
        ok: list[Planned] = []
        for a in group:
            existing = by_code.get(a.code) if a.code else None
            if existing is None and a.code:
                owner = index.codes.get(a.code)
                elsewhere = (owner,) if owner is not None else None
                if elsewhere is not None or a.code in codes_seen or len(a.code) > 20:
                    findings.append(
                        boundaries._finding(
                            a.label,
                            "code_in_use",
                            f"代码{a.code}已属于{elsewhere[0] if elsewhere else '文件中另一区域'}"
                            if len(a.code) <= 20
                            else f"代码{a.code}超过20位",
                            f"code {a.code} belongs to "
                            f"{elsewhere[0] if elsewhere else 'another area of the file'}"
                            if len(a.code) <= 20
                            else f"code {a.code} is longer than 20",
                            feature=a.index,
                            geometry=a.geojson(),
                        )
                    )
                    continue
            if existing is None:
                existing = by_name.get(a.name)
            if a.code:
                codes_seen.add(a.code)
            if existing is not None:
                if existing.id in matched:  # two features, one area (a code and a name)
                    findings.append(
                        boundaries._finding(
                            a.name,
                            "duplicate_name",
                            "与文件中另一区域指向同一区域",
                            "names the same area as another feature",
                            feature=a.index,
                            geometry=a.geojson(),
                        )
                    )
                    continue
                matched.add(existing.id)
            kind = (
                existing.kind
                if existing is not None and not a.kind
                else guess_kind(level, a.name, a.kind)
            )
            ok.append(Planned(a, p, existing, kind))
        others = index.with_geometries([t for t in today if t.id not in matched])
        kept_siblings.extend(others)
        if p is not None:
            p = parents[p.id] = index.with_geometries([p])[0]
        findings.extend(
            boundaries.check_group(
                [x.area for x in ok],
                _neighbour(p),
                [_neighbour_of(t) for t in others],
                tolerance_m=tolerance_m,
            )
        )
        olds = {
            e.id: e
            for e in index.with_geometries([x.existing for x in ok if x.existing is not None])
        }
        for x in ok:
            x.parent = p
            if x.existing is not None:
                x.existing = olds[x.existing.id]
        planned.extend(ok)
    planned.sort(key=lambda x: x.area.index)
    if asked is not None:
        asked = index.with_geometries([asked])[0]
    return Plan(level, asked, read.source_crs, file_name, planned, findings, parents, kept_siblings)


def _shape(geometry: dict[str, Any] | None) -> Any:
    from shapely.geometry import shape

    if not geometry:
        return None
    try:
        g = shape(geometry)
    except Exception:  # a broken stored geometry is no neighbour
        return None
    return g if g.is_valid and not g.is_empty else g.buffer(0)


def _neighbour(p: Place | None) -> Neighbour | None:
    return Neighbour(p.name, _shape(p.geometry)) if p is not None else None


def _neighbour_of(p: Place) -> Neighbour:
    return Neighbour(p.name, _shape(p.geometry))


# --- drafts and review ---------------------------------------------------------------------------


def submit(session: Session, actor: Actor, p: Plan) -> int:
    """Store the plan as a draft for the county's review; returns the import's id. Commits."""
    if not p.planned:
        raise BoundaryError("没有可导入的区域", "nothing to import")
    me = scope_of(session, actor)
    if not may_draft_somewhere(me):
        session.rollback()
        raise PermissionDenied(*NOT_A_DRAFTER)
    for parent_id in {x.parent.id if x.parent else None for x in p.planned}:
        if not may_draft(me, _chain(session, parent_id)):
            session.rollback()
            raise PermissionDenied(
                "只能起草本乡镇范围内的边界", "you may draft boundaries only within your town"
            )
    now = clock.now()
    imp = BoundaryImport(
        level=p.stored_level,
        parent_id=p.parent.id if p.parent else None,
        file_name=(p.file_name or "")[:255],
        source_crs=p.source_crs,
        status="draft",
        areas=len(p.planned),
        findings=[f.to_json() for f in p.findings],
        drafted_by_id=actor.user_id,
        drafted_by=actor.name[:64],
        drafted_at=now,
    )
    session.add(imp)
    session.flush()
    for x in p.planned:
        geom = x.area.geometry
        label = boundaries.label_point(geom)
        session.add(
            AreaBoundary(
                import_id=imp.id,
                area_id=x.existing.id if x.existing else None,
                geometry=boundaries.to_geojson(geom),
                crs="GCJ-02",
                valid_from=clock.today(),
                status="draft",
                drafted_by_id=actor.user_id,
                name=x.area.name[:100],
                code=x.area.code,
                level=p.stored_level,
                kind=x.kind,
                parent_id=x.parent.id if x.parent else None,
                label_lon=round(label.x, 6),
                label_lat=round(label.y, 6),
                area_km2=round(boundaries.area_km2(geom), 4),
            )
        )
    new = sum(1 for x in p.planned if x.existing is None)
    audit.record(
        session,
        actor,
        "boundary_draft",
        "boundary_import",
        imp.id,
        f"{actor.name} 提交边界草稿 #{imp.id}（{p.file_name}）：{len(p.planned)}个区域，"
        f"新增{new}个，问题{len(p.findings)}条",
        after={
            "level": p.stored_level,
            "areas": [x.area.name for x in p.planned],
            "new": new,
            "findings": len(p.findings),
        },
    )
    session.commit()
    return int(imp.id)


@dataclass(frozen=True)
class Reviewed:
    import_id: int
    status: str
    changed: int  # existing areas given a new geometry
    added: int  # new areas


def _lock_draft(session: Session, import_id: int, version: int | None) -> BoundaryImport:
    imp = session.execute(
        select(BoundaryImport).where(BoundaryImport.id == import_id).with_for_update()
    ).scalar_one_or_none()
    if imp is None:
        raise BoundaryError(f"没有边界草稿 #{import_id}", f"no boundary draft #{import_id}")
    if imp.status != "draft":
        raise BoundaryError(
            f"草稿 #{import_id} 已审核（{imp.status}）", f"draft #{import_id} was already reviewed"
        )
    if version is not None and imp.version != version:
        raise BoundaryError(
            f"草稿 #{import_id} 已被他人改动，请刷新", f"draft #{import_id} changed meanwhile"
        )
    return imp


_CLOSE_FILED = text(
    "UPDATE area_boundaries SET valid_to = :today WHERE area_id = ANY(:ids) "
    "AND status = 'filed' AND valid_to IS NULL RETURNING area_id"
)
# the geometry an area had before its first import (the seed's, or the first outline) becomes
# its first filed period
_FILE_FIRST = text(
    "INSERT INTO area_boundaries (area_id, geometry, crs, valid_from, valid_to, status, name, "
    "code, level, kind, parent_id, label_lon, label_lat, area_km2) "
    "SELECT a.id, a.geometry, a.crs, least(a.valid_from, :today), :today, 'filed', a.name, "
    "a.code, a.level, a.kind, a.parent_id, a.label_lon, a.label_lat, a.area_km2 "
    "FROM admin_areas a WHERE a.id = ANY(:ids) AND NOT (a.id = ANY(:closed)) "
    "AND a.geometry IS NOT NULL"
)
_APPLY = text(
    "UPDATE admin_areas a SET geometry = b.geometry, crs = b.crs, label_lon = b.label_lon, "
    "label_lat = b.label_lat, area_km2 = b.area_km2, name = coalesce(b.name, a.name), "
    "updated_at = :now FROM area_boundaries b "
    "WHERE b.import_id = :imp AND b.status = 'draft' AND b.area_id = a.id"
)
_FILE_DRAFT = text(
    "UPDATE area_boundaries SET status = 'filed', valid_from = :today, valid_to = NULL, "
    "reviewed_by_id = :by WHERE import_id = :imp AND status = 'draft'"
)


def approve(
    session: Session, actor: Actor, import_id: int, *, version: int | None = None
) -> Reviewed:
    """Make a draft current. Each existing area keeps its id (and so its incidents, workers
    and children); its previous geometry stays as a filed row valid until today. Set-based:
    a county's hundreds of grids take a few statements; 50 or more areas are announced as one
    reload instead of a notice each. Commits."""
    from command_center.db.bulk import announce_reload, quiet_bulk

    require_review(session, actor)
    imp = _lock_draft(session, import_id, version)
    today = clock.today()
    now = clock.now()
    rows = session.execute(
        select(
            AreaBoundary.id,
            AreaBoundary.area_id,
            AreaBoundary.code,
            AreaBoundary.name,
            AreaBoundary.level,
            AreaBoundary.kind,
            AreaBoundary.parent_id,
        )
        .where(AreaBoundary.import_id == import_id, AreaBoundary.status == "draft")
        .order_by(AreaBoundary.id)
    ).all()
    quiet = quiet_bulk(session, len(rows))
    existing = [r.area_id for r in rows if r.area_id is not None]
    if existing:
        closed = list(session.execute(_CLOSE_FILED, {"today": today, "ids": existing}).scalars())
        session.execute(_FILE_FIRST, {"today": today, "ids": existing, "closed": closed})
        session.execute(_APPLY, {"now": now, "imp": import_id})
    new_rows = [r for r in rows if r.area_id is None]
    if new_rows:
        taken = set(session.execute(select(AdminArea.code)).scalars())
        parent_codes = dict(
            session.execute(
                select(AdminArea.id, AdminArea.code).where(
                    AdminArea.id.in_({r.parent_id for r in new_rows if r.parent_id})
                )
            ).all()
        )
        for r in new_rows:
            code = r.code or _new_code(parent_codes.get(r.parent_id, ""), taken, imp.id)
            taken.add(code)
            area_id = session.execute(
                text(
                    "INSERT INTO admin_areas (code, name, level, kind, parent_id, geometry, crs, "
                    "label_lon, label_lat, area_km2, valid_from) "
                    "SELECT :code, coalesce(b.name, :code), coalesce(b.level, :level), "
                    "coalesce(b.kind, 'comprehensive'), b.parent_id, b.geometry, b.crs, "
                    "b.label_lon, b.label_lat, b.area_km2, :today FROM area_boundaries b "
                    "WHERE b.id = :b RETURNING id"
                ),
                {"code": code, "level": imp.level, "today": today, "b": r.id},
            ).scalar_one()
            session.execute(
                update(AreaBoundary)
                .where(AreaBoundary.id == r.id)
                .values(area_id=area_id, code=code)
            )
    session.execute(_FILE_DRAFT, {"today": today, "by": actor.user_id, "imp": import_id})
    changed, added = len(existing), len(new_rows)
    codes = list(
        session.execute(
            select(AdminArea.code)
            .join(AreaBoundary, AreaBoundary.area_id == AdminArea.id)
            .where(AreaBoundary.import_id == import_id)
            .order_by(AdminArea.code)
        ).scalars()
    )
    imp.status = "approved"
    imp.reviewed_by_id = actor.user_id
    imp.reviewed_by = actor.name[:64]
    imp.reviewed_at = now
    imp.version += 1
    audit.record(
        session,
        actor,
        "boundary_approve",
        "boundary_import",
        imp.id,
        f"{actor.name} 批准边界草稿 #{imp.id}：{changed}个区域边界更新，新增{added}个",
        before={"status": "draft"},
        after={"status": "approved", "changed": changed, "added": added, "codes": codes[:1000]},
    )
    if quiet:
        session.flush()
        announce_reload(session)
    session.commit()
    # this process places new incidents in the new grids at once (the others: the live
    # channel, or incident_writer's periodic check)
    from command_center.services import incident_writer

    incident_writer.invalidate()
    return Reviewed(imp.id, "approved", changed, added)


def _new_code(base: str, taken: set[str], import_id: int) -> str:
    """A code for an area the file gave none: its parent's code and the next free number."""
    for n in range(1, 10_000):
        code = f"{base}{n:02d}" if base and len(base) <= 16 else f"B{import_id}-{n}"
        if code not in taken:
            return code[:20]
    raise BoundaryError("无法生成区域代码", "no free code for a new area")


def reject(
    session: Session, actor: Actor, import_id: int, reason: str, *, version: int | None = None
) -> Reviewed:
    """Refuse a draft with a reason; today's boundaries stay. Commits."""
    reason = (reason or "").strip()
    if not reason:
        raise BoundaryError("退回须写明理由", "a rejection needs a reason")
    require_review(session, actor)
    imp = _lock_draft(session, import_id, version)
    session.execute(
        update(AreaBoundary)
        .where(AreaBoundary.import_id == import_id, AreaBoundary.status == "draft")
        .values(status="rejected", reason=reason, reviewed_by_id=actor.user_id)
    )
    imp.status = "rejected"
    imp.reason = reason
    imp.reviewed_by_id = actor.user_id
    imp.reviewed_by = actor.name[:64]
    imp.reviewed_at = clock.now()
    imp.version += 1
    audit.record(
        session,
        actor,
        "boundary_reject",
        "boundary_import",
        imp.id,
        f"{actor.name} 退回边界草稿 #{imp.id}：{reason}",
        before={"status": "draft"},
        after={"status": "rejected"},
        reason=reason,
    )
    session.commit()
    return Reviewed(imp.id, "rejected", 0, 0)


# --- reading drafts back (the review list) ------------------------------------------------------


@dataclass(frozen=True)
class ImportRow:
    id: int
    level: str
    file_name: str
    status: str
    areas: int
    findings: int
    drafted_by: str
    drafted_at: dt.datetime
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    reason: str | None
    version: int


def list_imports(session: Session, statuses: Sequence[str] | None = None) -> list[ImportRow]:
    stmt = select(BoundaryImport).order_by(BoundaryImport.id.desc())
    if statuses:
        stmt = stmt.where(BoundaryImport.status.in_(list(statuses)))
    return [
        ImportRow(
            i.id,
            i.level,
            i.file_name,
            i.status,
            i.areas,
            len(i.findings or []),
            i.drafted_by,
            i.drafted_at,
            i.reviewed_by,
            i.reviewed_at,
            i.reason,
            i.version,
        )
        for i in session.execute(stmt).scalars()
    ]


@dataclass(frozen=True)
class Shape:
    """An area to draw: its name, GeoJSON (GCJ-02) and role in the picture."""

    name: str
    geometry: dict[str, Any] | None
    role: str  # "new" (from the file), "changed", "parent", "sibling", "old"


@dataclass(frozen=True)
class Preview:
    """What the dialogs draw: the file's areas over their parents and the siblings that stay,
    and the findings."""

    shapes: tuple[Shape, ...]
    findings: tuple[Finding, ...]


def preview_of_plan(p: Plan) -> Preview:
    shapes = [
        Shape(x.name, x.area.geojson(), "changed" if x.existing else "new") for x in p.planned
    ]
    shapes += [Shape(x.name, x.existing.geometry, "old") for x in p.planned if x.existing]
    shapes += [Shape(s.name, s.geometry, "sibling") for s in p.siblings]
    shapes += [Shape(pp.name, pp.geometry, "parent") for pp in p.parents.values()]
    return Preview(tuple(shapes), tuple(p.findings))


def preview_of_import(session: Session, import_id: int) -> Preview:
    imp = session.get(BoundaryImport, import_id)
    if imp is None:
        raise BoundaryError(f"没有边界草稿 #{import_id}", f"no boundary draft #{import_id}")
    rows = (
        session.execute(
            select(AreaBoundary)
            .where(AreaBoundary.import_id == import_id)
            .order_by(AreaBoundary.id)
        )
        .scalars()
        .all()
    )
    shapes = [Shape(r.name or "", r.geometry, "changed" if r.area_id else "new") for r in rows]
    parent_ids = {r.parent_id for r in rows if r.parent_id is not None}
    replaced = {r.area_id for r in rows if r.area_id is not None}
    if imp.status == "draft":
        for a in _places(session, AdminArea.id.in_(list(replaced))):
            shapes.append(Shape(a.name, a.geometry, "old"))
    if parent_ids:
        for a in _places(
            session, AdminArea.parent_id.in_(list(parent_ids)), AdminArea.level == imp.level
        ):
            if a.id not in replaced:
                shapes.append(Shape(a.name, a.geometry, "sibling"))
        for a in _places(session, AdminArea.id.in_(list(parent_ids))):
            shapes.append(Shape(a.name, a.geometry, "parent"))
    return Preview(tuple(shapes), tuple(Finding.from_json(f) for f in imp.findings or []))


@dataclass(frozen=True)
class Period:
    valid_from: dt.date
    valid_to: dt.date | None
    import_id: int | None
    geometry: dict[str, Any]


def history(session: Session, area_id: int) -> list[Period]:
    """The filed geometries of an area, oldest first (valid_to None: today's)."""
    rows = session.execute(
        select(AreaBoundary)
        .where(AreaBoundary.area_id == area_id, AreaBoundary.status == "filed")
        .order_by(AreaBoundary.valid_from, AreaBoundary.id)
    ).scalars()
    return [Period(r.valid_from, r.valid_to, r.import_id, r.geometry) for r in rows]
