"""The roster of grid workers (网格员花名册), no Qt: full-time, auxiliary and micro-grid workers
and the 三官一师 volunteers, their grid assignments and the history of those (from/to dates).

Edits (:func:`add`, :func:`assign`, :func:`end_assignment`, :func:`change_kind`,
:func:`leave`) name the worker's ``version`` they read and are refused as stale when someone
changed the worker since (optimistic locking, alembic 0016); each is audited and commits.

An assignment holds on the days ``valid_from <= day < valid_to`` (open while ``valid_to`` is
null), as services/worker_metrics reads it: moving a worker to another grid on day D ends the
old assignment on D and starts the new one on D.

:func:`import_rows` imports a CSV/XLSX roster read by interop/tabular (the program's table
importer) with a column mapping (:data:`FIELDS`), all or nothing: any refused row (listed with
its reason in Chinese and English) stores nothing. Identity numbers are never read back: the
roster shows ``id_number_masked`` (``cc_mask_id``), and :func:`mask_id` masks the import's
preview the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from command_center import clock
from command_center.clock import CST
from command_center.services import audit, permissions
from command_center.services.audit import Actor

KINDS: dict[str, tuple[str, str]] = {
    "full_time": ("专职网格员", "full-time grid worker"),
    "auxiliary": ("网格辅助人员", "auxiliary worker"),
    "micro_grid": ("微网格员", "micro-grid worker"),
    "judge": ("法官（三官一师）", "judge (三官一师)"),
    "prosecutor": ("检察官（三官一师）", "prosecutor (三官一师)"),
    "police": ("警官（三官一师）", "police officer (三官一师)"),
    "lawyer": ("律师（三官一师）", "lawyer (三官一师)"),
}
"""The kinds of worker (models/people.WorkerKind and the table's CHECK), in both languages."""

DUTIES: dict[str, tuple[str, str]] = {
    "primary": ("主责", "primary"),
    "helper": ("辅助", "helper"),
    "team": ("团队", "team"),
}

# words a roster file may use for a kind (besides the codes and the names above)
_KIND_WORDS = {
    "专职": "full_time",
    "专职网格员": "full_time",
    "网格员": "full_time",
    "辅助": "auxiliary",
    "辅助网格员": "auxiliary",
    "网格辅助人员": "auxiliary",
    "网格辅助员": "auxiliary",
    "兼职网格员": "auxiliary",
    "微网格员": "micro_grid",
    "微网格": "micro_grid",
    "法官": "judge",
    "检察官": "prosecutor",
    "警官": "police",
    "民警": "police",
    "律师": "lawyer",
}

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{2,32}$")
PHONE_PATTERN = re.compile(r"^[0-9+\-]{7,20}$")


class RosterError(ValueError):
    """A refused edit; str is "中文 / English"."""


class StaleEdit(RosterError):
    """Someone changed the worker since it was read."""


def kind_code(value: str) -> str:
    """The kind a word names (a code, 专职网格员, 微网格员, 法官 …); RosterError otherwise."""
    v = " ".join(str(value).split())
    if v in KINDS:
        return v
    for code, (zh, en) in KINDS.items():
        if v in (zh, en) or v.lower() == en.lower():
            return code
    if v in _KIND_WORDS:
        return _KIND_WORDS[v]
    raise RosterError(f"类别「{v}」无法识别 / unknown kind {v!r}")


def check_id_number(value: str) -> str:
    """An 18-character resident identity number (GB 11643: length, birth date, check digit, as
    services/disputes.validate_id_number checks it); RosterError otherwise."""
    from command_center.services.disputes import validate_id_number
    from command_center.services.orders import TransitionError

    try:
        return validate_id_number(value)
    except TransitionError as exc:
        raise RosterError(str(exc)) from None


def mask_id(value: str | None) -> str:
    """As the database's ``cc_mask_id`` (services/disputes.mask_id, the one copy in Python)."""
    from command_center.services.disputes import mask_id as mask

    return mask(value) or ""


@dataclass(frozen=True)
class WorkerRow:
    id: int
    code: str
    name: str
    kind: str
    phone: str | None
    id_number_masked: str | None
    active: bool
    hired_on: dt.date | None
    left_on: dt.date | None
    version: int
    serving: str  # the areas of the assignments open today, "、"-joined
    town: str


def workers(
    session: Session,
    *,
    kind: str | None = None,
    search: str = "",
    include_left: bool = False,
    worker_ids: list[int] | None = None,
    day: dt.date | None = None,
) -> list[WorkerRow]:
    """The roster, by code: each worker with the areas they serve on ``day`` (today)."""
    day = day or clock.now().astimezone(CST).date()
    where = ["TRUE"]
    params: dict[str, Any] = {"day": day}
    if kind:
        where.append("w.kind = :kind")
        params["kind"] = kind
    if not include_left:
        where.append("w.active")
    if search.strip():
        where.append("(w.code ILIKE :q OR w.name ILIKE :q OR s.serving ILIKE :q)")
        params["q"] = f"%{search.strip()}%"
    if worker_ids is not None:
        where.append("w.id = ANY(:ids)")
        params["ids"] = list(worker_ids)
    rows = session.execute(
        text(
            f"""
            SELECT w.id, w.code, w.name, w.kind, w.phone, w.id_number_masked, w.active,
                   w.hired_on, w.left_on, w.version, COALESCE(s.serving, ''),
                   COALESCE(s.town, '')
            FROM grid_workers w
            LEFT JOIN LATERAL (
                SELECT string_agg(a.name, '、' ORDER BY a.code) AS serving,
                       min(t.name) AS town
                FROM grid_assignments ga
                JOIN admin_areas a ON a.id = ga.area_id
                LEFT JOIN admin_areas t ON t.level = 'town' AND t.id = CASE a.level
                    WHEN 'town' THEN a.id
                    WHEN 'village' THEN a.parent_id
                    WHEN 'grid' THEN (SELECT v.parent_id FROM admin_areas v
                                      WHERE v.id = a.parent_id)
                    ELSE (SELECT v.parent_id FROM admin_areas v WHERE v.id = (
                          SELECT g.parent_id FROM admin_areas g WHERE g.id = a.parent_id)) END
                WHERE ga.worker_id = w.id AND ga.valid_from <= :day
                  AND (ga.valid_to IS NULL OR ga.valid_to > :day)) s ON TRUE
            WHERE {" AND ".join(where)}
            ORDER BY w.code
            """
        ),
        params,
    ).all()
    return [WorkerRow(*r) for r in rows]


@dataclass(frozen=True)
class AssignmentRow:
    id: int
    area_id: int
    area: str  # town / village / grid names
    level: str
    duty: str
    valid_from: dt.date
    valid_to: dt.date | None

    def open_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to > day)


def history(session: Session, worker_id: int) -> list[AssignmentRow]:
    """Every assignment the worker had, newest first."""
    rows = session.execute(
        text(
            """
            SELECT ga.id, a.id, concat_ws(' / ', p3.name, p2.name, p1.name, a.name), a.level,
                   ga.duty, ga.valid_from, ga.valid_to
            FROM grid_assignments ga
            JOIN admin_areas a ON a.id = ga.area_id
            LEFT JOIN admin_areas p1 ON p1.id = a.parent_id AND p1.level <> 'county'
            LEFT JOIN admin_areas p2 ON p2.id = p1.parent_id AND p2.level <> 'county'
            LEFT JOIN admin_areas p3 ON p3.id = p2.parent_id AND p3.level <> 'county'
            WHERE ga.worker_id = :w
            ORDER BY ga.valid_from DESC, ga.id DESC
            """
        ),
        {"w": worker_id},
    ).all()
    return [AssignmentRow(*r) for r in rows]


@dataclass(frozen=True)
class Area:
    id: int
    code: str
    name: str
    level: str
    label: str  # "code town/village/grid"


def areas(session: Session, levels: tuple[str, ...] = ("grid", "micro_grid")) -> list[Area]:
    """The areas a worker may be assigned to, by code, with their path for a picker."""
    rows = session.execute(
        text(
            """
            SELECT a.id, a.code, a.name, a.level,
                   a.code || ' ' || concat_ws('/', p2.name, p1.name, a.name)
            FROM admin_areas a
            LEFT JOIN admin_areas p1 ON p1.id = a.parent_id AND p1.level <> 'county'
            LEFT JOIN admin_areas p2 ON p2.id = p1.parent_id AND p2.level <> 'county'
            WHERE a.level = ANY(:levels) AND a.valid_to IS NULL
            ORDER BY a.code
            """
        ),
        {"levels": list(levels)},
    ).all()
    return [Area(*r) for r in rows]


# --- edits ------------------------------------------------------------------------------


def _today() -> dt.date:
    return clock.now().astimezone(CST).date()


def _require(session: Session, actor: Actor) -> None:
    if not permissions.may_edit_roster(permissions.who(session, actor).role):
        raise RosterError(
            "只有指挥中心值班员、督办员和管理员可以修改花名册 / only the center's duty operators, "
            "supervisors and administrators edit the roster"
        )


def _bump(session: Session, worker_id: int, version: int) -> tuple[str, str]:
    """Take the worker's next version, or StaleEdit; (code, name)."""
    row = session.execute(
        text(
            "UPDATE grid_workers SET version = version + 1, updated_at = :now "
            "WHERE id = :id AND version = :v RETURNING code, name"
        ),
        {"id": worker_id, "v": version, "now": clock.now()},
    ).first()
    if row is None:
        if not session.scalar(text("SELECT 1 FROM grid_workers WHERE id = :i"), {"i": worker_id}):
            raise RosterError(f"没有这个网格员 / no grid worker {worker_id}")
        raise StaleEdit(
            "该网格员刚被他人修改，请刷新后再改 / someone else changed this worker: refresh and "
            "edit again"
        )
    return row[0], row[1]


def _area(session: Session, area_id: int) -> tuple[str, str]:
    row = session.execute(
        text("SELECT name, level FROM admin_areas WHERE id = :a AND valid_to IS NULL"),
        {"a": area_id},
    ).first()
    if row is None:
        raise RosterError(f"没有这个网格 / no such area {area_id}")
    return row[0], row[1]


def _open(session: Session, worker_id: int, area_id: int, duty: str, valid_from: dt.date) -> int:
    return int(
        session.scalar(
            text(
                "INSERT INTO grid_assignments (worker_id, area_id, duty, valid_from) "
                "VALUES (:w, :a, :d, :f) RETURNING id"
            ),
            {"w": worker_id, "a": area_id, "d": duty, "f": valid_from},
        )
    )


def _commit(session: Session) -> None:
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise


def add(
    session: Session,
    actor: Actor,
    *,
    code: str,
    name: str,
    kind: str,
    phone: str | None = None,
    id_number: str | None = None,
    area_id: int | None = None,
    duty: str = "primary",
    valid_from: dt.date | None = None,
    hired_on: dt.date | None = None,
    commit: bool = True,
) -> int:
    """A new worker (and their first assignment); audited. Returns the worker's id."""
    _require(session, actor)
    code, name = code.strip(), " ".join(name.split())
    if not CODE_PATTERN.match(code):
        raise RosterError(
            "编号应为2至32位字母、数字、-或_ / the code must be 2 to 32 letters, digits, - or _"
        )
    if not name or len(name) > 32:
        raise RosterError("姓名应为1至32个字 / the name must be 1 to 32 characters")
    kind = kind_code(kind)
    if phone and not PHONE_PATTERN.match(phone.strip()):
        raise RosterError(f"电话「{phone}」无效 / not a phone number: {phone!r}")
    number = check_id_number(id_number) if id_number else None
    if duty not in DUTIES:
        raise RosterError(f"职责「{duty}」无法识别 / unknown duty {duty!r}")
    if session.scalar(text("SELECT 1 FROM grid_workers WHERE code = :c"), {"c": code}):
        raise RosterError(f"编号 {code} 已存在 / the code {code} is taken")
    start = valid_from or _today()
    wid = int(
        session.scalar(
            text(
                "INSERT INTO grid_workers (code, name, kind, phone, id_number, hired_on, active) "
                "VALUES (:c, :n, :k, :p, :i, :h, true) RETURNING id"
            ),
            {
                "c": code,
                "n": name,
                "k": kind,
                "p": phone.strip() if phone else None,
                "i": number,
                "h": hired_on or start,
            },
        )
    )
    where = None
    if area_id is not None:
        where, _level = _area(session, area_id)
        _open(session, wid, area_id, duty, start)
    audit.record(
        session,
        actor,
        "worker.add",
        "grid_worker",
        wid,
        f"{actor.name} 新增{KINDS[kind][0]} {code} {name}" + (f"，负责{where}" if where else ""),
        after={
            "code": code,
            "name": name,
            "kind": kind,
            "area_id": area_id,
            "valid_from": start.isoformat(),
            "id_number": mask_id(number) if number else None,
        },
    )
    if commit:
        _commit(session)
    return wid


def assign(
    session: Session,
    actor: Actor,
    worker_id: int,
    version: int,
    area_id: int,
    *,
    valid_from: dt.date | None = None,
    duty: str = "primary",
    keep_others: bool = False,
    commit: bool = True,
) -> None:
    """Assign the worker to ``area_id`` from ``valid_from`` (today); the worker's other open
    assignments of the same duty end that day unless ``keep_others`` (a second grid)."""
    _require(session, actor)
    start = valid_from or _today()
    if duty not in DUTIES:
        raise RosterError(f"职责「{duty}」无法识别 / unknown duty {duty!r}")
    code, name = _bump(session, worker_id, version)
    where, _level = _area(session, area_id)
    open_rows = [a for a in history(session, worker_id) if a.valid_to is None]
    if any(a.area_id == area_id and a.duty == duty for a in open_rows):
        raise RosterError(f"{name} 已负责{where} / {name} already serves {where}")
    ended = []
    if not keep_others:
        for a in open_rows:
            if a.duty != duty:
                continue
            if a.valid_from > start:
                raise RosterError(
                    f"现有分配始于{a.valid_from}，晚于{start} / the current assignment starts "
                    f"{a.valid_from}, after {start}"
                )
            session.execute(
                text("UPDATE grid_assignments SET valid_to = :d WHERE id = :id"),
                {"d": start, "id": a.id},
            )
            ended.append({"id": a.id, "area": a.area, "valid_to": start.isoformat()})
    new_id = _open(session, worker_id, area_id, duty, start)
    audit.record(
        session,
        actor,
        "worker.assign",
        "grid_worker",
        worker_id,
        f"{actor.name} 调整网格员 {code} {name} 的网格：自{start}负责{where}",
        before={"ended": ended} if ended else None,
        after={"assignment_id": new_id, "area_id": area_id, "duty": duty, "from": str(start)},
    )
    if commit:
        _commit(session)


def end_assignment(
    session: Session,
    actor: Actor,
    worker_id: int,
    version: int,
    assignment_id: int,
    *,
    valid_to: dt.date | None = None,
) -> None:
    """End one open assignment on ``valid_to`` (today): a worker in two grids keeps one."""
    _require(session, actor)
    end = valid_to or _today()
    code, name = _bump(session, worker_id, version)
    row = session.execute(
        text(
            "SELECT ga.valid_from, ga.valid_to, a.name FROM grid_assignments ga "
            "JOIN admin_areas a ON a.id = ga.area_id WHERE ga.id = :id AND ga.worker_id = :w"
        ),
        {"id": assignment_id, "w": worker_id},
    ).first()
    if row is None:
        raise RosterError("没有这条分配记录 / no such assignment")
    start, old_end, where = row
    if old_end is not None:
        raise RosterError(f"该分配已于{old_end}结束 / the assignment ended on {old_end}")
    if end < start:
        raise RosterError(f"结束日期早于开始日期{start} / the end is before the start {start}")
    session.execute(
        text("UPDATE grid_assignments SET valid_to = :d WHERE id = :id"),
        {"d": end, "id": assignment_id},
    )
    audit.record(
        session,
        actor,
        "worker.unassign",
        "grid_worker",
        worker_id,
        f"{actor.name} 结束网格员 {code} {name} 对{where}的分配（{end}）",
        after={"assignment_id": assignment_id, "valid_to": end.isoformat()},
    )
    _commit(session)


def change_kind(
    session: Session,
    actor: Actor,
    worker_id: int,
    version: int,
    kind: str,
    *,
    commit: bool = True,
) -> None:
    _require(session, actor)
    kind = kind_code(kind)
    old = session.scalar(text("SELECT kind FROM grid_workers WHERE id = :id"), {"id": worker_id})
    code, name = _bump(session, worker_id, version)
    if old == kind:
        raise RosterError(f"{name} 已是{KINDS[kind][0]} / {name} is already {KINDS[kind][1]}")
    session.execute(
        text("UPDATE grid_workers SET kind = :k WHERE id = :id"), {"k": kind, "id": worker_id}
    )
    audit.record(
        session,
        actor,
        "worker.kind",
        "grid_worker",
        worker_id,
        f"{actor.name} 将 {code} {name} 由{KINDS[str(old)][0]}改为{KINDS[kind][0]}",
        before={"kind": old},
        after={"kind": kind},
    )
    if commit:
        _commit(session)


def leave(
    session: Session,
    actor: Actor,
    worker_id: int,
    version: int,
    *,
    on: dt.date | None = None,
    reason: str = "",
) -> None:
    """The worker leaves on ``on`` (today): no longer in service, every open assignment ends."""
    _require(session, actor)
    day = on or _today()
    code, name = _bump(session, worker_id, version)
    was = session.execute(
        text("SELECT active, hired_on FROM grid_workers WHERE id = :id"), {"id": worker_id}
    ).one()
    if not was[0]:
        raise RosterError(f"{name} 已离岗 / {name} has already left")
    if was[1] is not None and day < was[1]:
        raise RosterError(f"离岗日期早于入职日期{was[1]} / leaving before being hired {was[1]}")
    session.execute(
        text("UPDATE grid_workers SET active = false, left_on = :d WHERE id = :id"),
        {"d": day, "id": worker_id},
    )
    ended = session.execute(
        text(
            "UPDATE grid_assignments SET valid_to = GREATEST(valid_from, CAST(:d AS date)) "
            "WHERE worker_id = :w AND valid_to IS NULL RETURNING id"
        ),
        {"d": day, "w": worker_id},
    ).all()
    audit.record(
        session,
        actor,
        "worker.leave",
        "grid_worker",
        worker_id,
        f"{actor.name} 登记网格员 {code} {name} 离岗（{day}）",
        after={"left_on": day.isoformat(), "ended_assignments": [r[0] for r in ended]},
        reason=reason.strip() or None,
    )
    _commit(session)


# --- import -----------------------------------------------------------------------------

FIELDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "code": ("编号", "code", ("网格员编号", "人员编号", "编号", "工号", "code")),
    "name": ("姓名", "name", ("姓名", "网格员姓名", "名字", "name")),
    "kind": ("类别", "kind", ("类别", "人员类别", "人员类型", "类型", "身份", "kind")),
    "area": (
        "所在网格",
        "grid",
        ("所在网格", "负责网格", "网格编码", "网格编号", "网格名称", "网格", "grid"),
    ),
    "phone": ("联系电话", "phone", ("联系电话", "手机号码", "手机号", "电话", "phone")),
    "id_number": ("身份证号", "identity number", ("身份证号码", "身份证号", "公民身份号码")),
    "valid_from": ("上岗日期", "from", ("上岗日期", "任职日期", "起始日期", "开始日期", "from")),
    "duty": ("职责", "duty", ("职责", "duty")),
}
"""The roster file's fields (for interop.tabular.suggest_mapping and the import dialog)."""
REQUIRED = ("code", "name", "kind")


class RosterImportRefused(RosterError):
    """Some rows were refused: nothing was stored. ``rows``: (row number, reason)."""

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        self.rows = rows
        super().__init__(
            f"{len(rows)}行有误，未导入任何记录 / {len(rows)} row(s) refused: nothing imported"
        )


@dataclass
class RosterImportResult:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    planned: list[tuple[int, str]] = field(default_factory=list)  # (row, what will be done)
    dry_run: bool = False
    encoding: str = ""

    @property
    def imported(self) -> int:
        return self.added + self.changed


def _parse_date(value: Any) -> dt.date | None:
    from command_center.interop.tabular import parse_datetime

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        parsed = parse_datetime(value)
    except ValueError as exc:
        raise RosterError(str(exc)) from None
    return parsed.astimezone(CST).date() if parsed else None


def import_rows(
    session: Session,
    actor: Actor,
    table: Any,
    mapping: dict[str, str],
    *,
    dry_run: bool = False,
) -> RosterImportResult:
    """Import a roster table (interop.tabular.Table) with ``mapping`` {field: header}.

    A new code adds the worker (and assigns them to the row's grid from its date, today if
    none); a known code changes what differs (name, phone, kind, grid: the old assignment ends
    on the row's date). All or nothing: any refused row raises :class:`RosterImportRefused`
    with every refused row and stores nothing. ``dry_run`` checks and plans without storing."""
    from command_center.interop.tabular import cell_text

    _require(session, actor)
    for f in REQUIRED:
        if not mapping.get(f):
            zh, en, _ = FIELDS[f]
            raise RosterError(f"请指定「{zh}」对应的列 / map a column to {en}")
    missing = sorted(h for h in mapping.values() if h and h not in table.headers)
    if missing:
        raise RosterError(
            f"文件中没有列：{'、'.join(missing)} / the file has no column {', '.join(missing)}"
        )
    records = table.records({k: v for k, v in mapping.items() if k in FIELDS and v})
    if not records:
        raise RosterError("文件中没有数据行 / the file has no rows")
    area_by: dict[str, int] = {}
    names: dict[str, list[int]] = {}
    for a in areas(session, ("grid", "micro_grid", "village", "town")):
        area_by[a.code] = a.id
        names.setdefault(a.name, []).append(a.id)
        names.setdefault(a.label.split(" ", 1)[1], []).append(a.id)
    known = {
        r[0]: r
        for r in session.execute(
            text(
                "SELECT code, id, name, kind, phone, version, active FROM grid_workers "
                "WHERE code = ANY(:c)"
            ),
            {"c": [cell_text(rec.get("code")) for _, rec in records]},
        ).all()
    }
    today = _today()
    refused: list[tuple[int, str]] = []
    plans: list[tuple[int, dict[str, Any]]] = []
    seen: set[str] = set()
    for row_no, rec in records:
        try:
            code = cell_text(rec.get("code"))
            name = cell_text(rec.get("name"))
            if not code:
                raise RosterError("缺少编号 / no code")
            if not CODE_PATTERN.match(code):
                raise RosterError(f"编号「{code}」无效 / not a valid code: {code!r}")
            if code in seen:
                raise RosterError(f"文件中编号重复（{code}） / the code {code} repeats in the file")
            seen.add(code)
            if not name or len(name) > 32:
                raise RosterError("缺少姓名或姓名过长 / no name, or the name is too long")
            kind = kind_code(cell_text(rec.get("kind")))
            phone = cell_text(rec.get("phone")) or None
            if phone and not PHONE_PATTERN.match(phone):
                raise RosterError(f"电话「{phone}」无效 / not a phone number: {phone!r}")
            raw_id = cell_text(rec.get("id_number"))
            id_number = check_id_number(raw_id) if raw_id else None
            area_text = cell_text(rec.get("area"))
            area_id = None
            if area_text:
                if area_text in area_by:
                    area_id = area_by[area_text]
                else:
                    hits = names.get(area_text, [])
                    if len(hits) > 1:
                        raise RosterError(
                            f"网格「{area_text}」重名，请写网格编码 / the grid name {area_text} is "
                            "not unique: give its code"
                        )
                    if not hits:
                        raise RosterError(f"没有网格「{area_text}」 / no grid {area_text!r}")
                    area_id = hits[0]
            start = _parse_date(rec.get("valid_from")) or today
            if start > today + dt.timedelta(days=366):
                raise RosterError(f"上岗日期{start}太远 / the date {start} is too far ahead")
            duty_text = cell_text(rec.get("duty")) or (
                "team" if kind in ("judge", "prosecutor", "police", "lawyer") else "primary"
            )
            duty = next((k for k, (zh, en) in DUTIES.items() if duty_text in (k, zh, en)), None)
            if duty is None:
                raise RosterError(f"职责「{duty_text}」无法识别 / unknown duty {duty_text!r}")
            if code not in known and area_id is None:
                raise RosterError("新网格员须指定所在网格 / a new worker needs a grid")
            plans.append(
                (
                    row_no,
                    {
                        "code": code,
                        "name": name,
                        "kind": kind,
                        "phone": phone,
                        "id_number": id_number,
                        "area_id": area_id,
                        "area": area_text,
                        "start": start,
                        "duty": duty,
                    },
                )
            )
        except RosterError as exc:
            refused.append((row_no, str(exc)))
    if refused:
        raise RosterImportRefused(refused)
    result = RosterImportResult(dry_run=dry_run, encoding=getattr(table, "encoding", ""))
    try:
        for row_no, p in plans:
            k = known.get(p["code"])
            if k is None:
                result.added += 1
                result.planned.append((row_no, f"新增 / add {p['code']} {p['name']}"))
                if not dry_run:
                    add(
                        session,
                        actor,
                        code=p["code"],
                        name=p["name"],
                        kind=p["kind"],
                        phone=p["phone"],
                        id_number=p["id_number"],
                        area_id=p["area_id"],
                        duty=p["duty"],
                        valid_from=p["start"],
                        commit=False,
                    )
                continue
            _code, wid, old_name, old_kind, old_phone, version, active = k
            what = []
            if not active:
                refused.append((row_no, f"{p['code']} 已离岗 / {p['code']} has left"))
                continue
            if not dry_run and (p["name"] != old_name or (p["phone"] and p["phone"] != old_phone)):
                session.execute(
                    text(
                        "UPDATE grid_workers SET name = :n, phone = COALESCE(:p, phone) "
                        "WHERE id = :id"
                    ),
                    {"n": p["name"], "p": p["phone"], "id": wid},
                )
            if p["name"] != old_name:
                what.append("姓名 / name")
            if p["phone"] and p["phone"] != old_phone:
                what.append("电话 / phone")
            if p["kind"] != old_kind:
                what.append("类别 / kind")
                if not dry_run:
                    change_kind(session, actor, wid, version, p["kind"], commit=False)
                    version += 1
            if p["area_id"] is not None:
                open_areas = {a.area_id for a in history(session, wid) if a.open_on(p["start"])}
                if p["area_id"] not in open_areas:
                    what.append("网格 / grid")
                    if not dry_run:
                        assign(
                            session,
                            actor,
                            wid,
                            version,
                            p["area_id"],
                            valid_from=p["start"],
                            duty=p["duty"],
                            commit=False,
                        )
            if what:
                result.changed += 1
                result.planned.append((row_no, f"修改 / change {p['code']}：{'、'.join(what)}"))
                edited = [w for w in what if w in ("姓名 / name", "电话 / phone")]
                if edited and not dry_run:
                    if len(edited) == len(what):  # nothing else took the next version
                        _bump(session, wid, version)
                    audit.record(
                        session,
                        actor,
                        "worker.edit",
                        "grid_worker",
                        wid,
                        f"{actor.name} 导入花名册更新 {p['code']} {p['name']}",
                        before={"name": old_name},
                        after={"name": p["name"], "phone_changed": "电话 / phone" in edited},
                    )
            else:
                result.unchanged += 1
        if refused:
            raise RosterImportRefused(refused)
    except RosterError as exc:
        session.rollback()
        if isinstance(exc, RosterImportRefused):
            raise
        raise RosterImportRefused([(0, str(exc))]) from exc
    except BaseException:
        session.rollback()
        raise
    if dry_run:
        session.rollback()
        return result
    audit.record(
        session,
        actor,
        "worker.import",
        "grid_worker",
        None,
        f"{actor.name} 导入网格员花名册：新增{result.added}人，修改{result.changed}人",
        after={"added": result.added, "changed": result.changed},
    )
    _commit(session)
    return result


# --- a grid's figures ---------------------------------------------------------------------


def grid_figures(session: Session, grid_id: int) -> tuple[str, str, int | None, int | None]:
    """(code, name, population, households) of a grid."""
    row = session.execute(
        text("SELECT code, name, population, households FROM admin_areas WHERE id = :g"),
        {"g": grid_id},
    ).first()
    if row is None:
        raise RosterError(f"没有这个网格 / no such grid {grid_id}")
    return row[0], row[1], row[2], row[3]


def set_grid_figures(
    session: Session, actor: Actor, grid_id: int, population: int, households: int
) -> None:
    """A grid's population and households (the data-quality finding "grid without
    population"); the administrator's (permissions.may_edit_grid_figures); audited; commits."""
    if not permissions.may_edit_grid_figures(permissions.who(session, actor).role):
        raise RosterError(
            "只有系统管理员可以修改网格的人口和户数 / only an administrator changes a grid's "
            "population and households"
        )
    if population <= 0 or households <= 0 or households > population:
        raise RosterError(
            "人口和户数须为正数，户数不多于人口 / population and households must be positive, "
            "and households no more than the population"
        )
    code, name, before_p, before_h = grid_figures(session, grid_id)
    session.execute(
        text("UPDATE admin_areas SET population = :p, households = :h WHERE id = :g"),
        {"p": population, "h": households, "g": grid_id},
    )
    audit.record(
        session,
        actor,
        "area.figures",
        "admin_area",
        grid_id,
        f"{actor.name} 修改网格 {code} {name} 的人口{population}、户数{households}",
        before={"population": before_p, "households": before_h},
        after={"population": population, "households": households},
    )
    _commit(session)
