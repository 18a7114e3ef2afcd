"""Incident category taxonomy, stationed departments, report channels and dispute types.

The data lives in ``resources/taxonomy/categories.json``; this module loads it into frozen
dataclasses and validates it. Category codes are ASCII digits, two per level: ``"03"`` (level 1),
``"0302"`` (level 2), ``"030203"`` (level 3, a leaf). Only leaves carry the routing and
generation fields (default department, priority weights, frequency, seasonality, deadline, focus).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = [
    "DEFAULT_PATH",
    "PRIORITIES",
    "RISK_LEVELS",
    "Category",
    "Channel",
    "Department",
    "DisputeType",
    "Taxonomy",
    "load_taxonomy",
]

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "resources" / "taxonomy" / "categories.json"

#: Priorities a leaf's ``priority_weights`` refer to, in order.
PRIORITIES: tuple[int, ...] = (1, 2, 3, 4)  # 1 = urgent … 4 = low
#: Risk levels of a dispute type's ``risk_weights``, in order.
RISK_LEVELS: tuple[str, ...] = ("low", "medium", "high")

_LEVELS = 3
_SHARE_TOLERANCE = 0.001
_CATEGORY_CODE = re.compile(r"^(?:\d\d){1,3}$")
_NAME_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Channel:
    code: str
    name_zh: str
    name_en: str
    share: float  # share of all incidents arriving through this channel; shares sum to 1


@dataclass(frozen=True, slots=True)
class DisputeType:
    code: str
    name_zh: str
    name_en: str
    relative_frequency: float
    risk_weights: tuple[float, float, float]  # low, medium, high; sums to 1


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name_zh: str
    name_en: str
    level: int  # 1, 2 or 3
    parent_code: str | None
    # Leaf-only fields (None for levels 1 and 2).
    default_department: str | None = None
    priority_weights: tuple[float, float, float, float] | None = None
    relative_frequency: float | None = None
    seasonal: tuple[float, ...] | None = None  # 12 multipliers, January first
    deadline_working_days: int | None = None
    focus: bool | None = None
    # false: never published by the public Open311 GET (optional in the file, default true)
    public: bool = True

    @property
    def is_leaf(self) -> bool:
        return self.level == _LEVELS


def _index(items: tuple[Any, ...]) -> Mapping[str, Any]:
    return MappingProxyType({item.code: item for item in items})


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]  # all levels, in file order (parents before children)
    departments: tuple[Department, ...]
    channels: tuple[Channel, ...]
    dispute_types: tuple[DisputeType, ...]
    _categories: Mapping[str, Category] = field(init=False, repr=False, compare=False)
    _departments: Mapping[str, Department] = field(init=False, repr=False, compare=False)
    _channels: Mapping[str, Channel] = field(init=False, repr=False, compare=False)
    _dispute_types: Mapping[str, DisputeType] = field(init=False, repr=False, compare=False)
    _children: Mapping[str, tuple[Category, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        children: dict[str, list[Category]] = {}
        for cat in self.categories:
            if cat.parent_code is not None:
                children.setdefault(cat.parent_code, []).append(cat)
        setattr_ = object.__setattr__
        setattr_(self, "_categories", _index(self.categories))
        setattr_(self, "_departments", _index(self.departments))
        setattr_(self, "_channels", _index(self.channels))
        setattr_(self, "_dispute_types", _index(self.dispute_types))
        setattr_(
            self, "_children", MappingProxyType({k: tuple(v) for k, v in children.items()})
        )

    # --- collections ---------------------------------------------------------------------
    @property
    def leaves(self) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if c.is_leaf)

    def level(self, level: int) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if c.level == level)

    def children(self, code: str | None) -> tuple[Category, ...]:
        """Direct children of ``code``; ``None`` gives the level-1 categories."""
        if code is None:
            return self.level(1)
        return self._children.get(code, ())

    def ancestors(self, code: str) -> tuple[Category, ...]:
        """The category and its parents, level 1 first."""
        chain: list[Category] = []
        cat: Category | None = self.category(code)
        while cat is not None:
            chain.append(cat)
            cat = self.category(cat.parent_code) if cat.parent_code else None
        return tuple(reversed(chain))

    # --- lookups (KeyError on an unknown code) -------------------------------------------
    def category(self, code: str) -> Category:
        return self._categories[code]

    def leaf(self, code: str) -> Category:
        cat = self._categories[code]
        if not cat.is_leaf:
            raise KeyError(f"category {code!r} is not a leaf (level {cat.level})")
        return cat

    def department(self, code: str) -> Department:
        return self._departments[code]

    def channel(self, code: str) -> Channel:
        return self._channels[code]

    def dispute_type(self, code: str) -> DisputeType:
        return self._dispute_types[code]

    def department_of(self, leaf_code: str) -> Department:
        dept = self.leaf(leaf_code).default_department
        assert dept is not None
        return self._departments[dept]

    def has_category(self, code: str) -> bool:
        return code in self._categories


# --- loading and validation ----------------------------------------------------------------


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Load and validate the taxonomy JSON (cached per file and modification time).

    Raises ``ValueError`` with a message naming the file and the offending entry when the data
    is inconsistent, and ``FileNotFoundError`` when the file does not exist.
    """
    resolved = (path if path is not None else DEFAULT_PATH).resolve()
    stat = resolved.stat()
    return _load_cached(str(resolved), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _load_cached(path: str, _mtime_ns: int, _size: int) -> Taxonomy:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON: {exc}") from exc
    try:
        return _parse(raw)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


def _parse(raw: Any) -> Taxonomy:
    if not isinstance(raw, dict):
        raise ValueError("top level must be a JSON object")
    departments = tuple(_parse_department(d) for d in _list(raw, "departments"))
    channels = tuple(_parse_channel(c) for c in _list(raw, "channels"))
    disputes = tuple(_parse_dispute(d) for d in _list(raw, "dispute_types"))
    categories = tuple(_parse_category(c) for c in _list(raw, "categories"))

    for kind, items in (
        ("department", departments),
        ("channel", channels),
        ("dispute type", disputes),
        ("category", categories),
    ):
        _check_unique(kind, items)

    total = math.fsum(c.share for c in channels)
    if abs(total - 1.0) > _SHARE_TOLERANCE:
        raise ValueError(f"channel shares sum to {total:.4f}, not 1 (±{_SHARE_TOLERANCE})")

    dept_codes = {d.code for d in departments}
    by_code = {c.code: c for c in categories}
    has_children = {c.parent_code for c in categories if c.parent_code}
    for cat in categories:
        if cat.parent_code is not None:
            parent = by_code.get(cat.parent_code)
            if parent is None:
                raise ValueError(
                    f"category {cat.code!r}: parent {cat.parent_code!r} does not exist"
                )
            if parent.level != cat.level - 1 or not cat.code.startswith(parent.code):
                raise ValueError(
                    f"category {cat.code!r}: code does not extend its parent {parent.code!r}"
                )
        if cat.is_leaf:
            if cat.default_department not in dept_codes:
                raise ValueError(
                    f"category {cat.code!r}: unknown default_department "
                    f"{cat.default_department!r} (known: {', '.join(sorted(dept_codes))})"
                )
        elif cat.code not in has_children:
            raise ValueError(f"category {cat.code!r} (level {cat.level}) has no children")
    if not categories:
        raise ValueError("no categories")
    return Taxonomy(categories, departments, channels, disputes)


def _list(raw: dict[str, Any], key: str) -> list[Any]:
    value = raw.get(key)
    if not isinstance(value, list):
        raise ValueError(f"{key!r} must be a list")
    return value


def _check_unique(kind: str, items: tuple[Any, ...]) -> None:
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            raise ValueError(f"duplicate {kind} code {item.code!r}")
        seen.add(item.code)


def _str(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {key!r} must be a non-empty string")
    return value


def _number(obj: dict[str, Any], key: str, where: str, *, positive: bool = False) -> float:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{where}: {key!r} must be a number, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{where}: {key!r} must be {'> 0' if positive else '>= 0'}")
    return float(value)


def _numbers(value: Any, n: int, what: str, where: str) -> tuple[float, ...]:
    if (
        not isinstance(value, list)
        or len(value) != n
        or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value)
    ):
        raise ValueError(f"{where}: {what} must be a list of {n} numbers, got {value!r}")
    if any(not math.isfinite(v) or v < 0 for v in value) or not any(v > 0 for v in value):
        raise ValueError(f"{where}: {what} must be non-negative and not all zero")
    return tuple(float(v) for v in value)


def _code(obj: Any, kind: str, pattern: re.Pattern[str]) -> str:
    if not isinstance(obj, dict):
        raise ValueError(f"each {kind} must be an object, got {obj!r}")
    code = obj.get("code")
    if not isinstance(code, str) or not pattern.match(code):
        raise ValueError(f"{kind} code {code!r} is not a valid ASCII code")
    return code


def _parse_department(obj: Any) -> Department:
    code = _code(obj, "department", _NAME_CODE)
    where = f"department {code!r}"
    return Department(code, _str(obj, "name_zh", where), _str(obj, "name_en", where))


def _parse_channel(obj: Any) -> Channel:
    code = _code(obj, "channel", _NAME_CODE)
    where = f"channel {code!r}"
    return Channel(
        code,
        _str(obj, "name_zh", where),
        _str(obj, "name_en", where),
        _number(obj, "share", where),
    )


def _parse_dispute(obj: Any) -> DisputeType:
    code = _code(obj, "dispute type", _NAME_CODE)
    where = f"dispute type {code!r}"
    risk = obj.get("risk_weights")
    if not isinstance(risk, dict) or set(risk) != set(RISK_LEVELS):
        raise ValueError(f"{where}: risk_weights must have exactly the keys {RISK_LEVELS}")
    weights = _numbers([risk[k] for k in RISK_LEVELS], 3, "risk_weights", where)
    if abs(math.fsum(weights) - 1.0) > _SHARE_TOLERANCE:
        raise ValueError(f"{where}: risk_weights sum to {math.fsum(weights):.4f}, not 1")
    return DisputeType(
        code,
        _str(obj, "name_zh", where),
        _str(obj, "name_en", where),
        _number(obj, "relative_frequency", where, positive=True),
        (weights[0], weights[1], weights[2]),
    )


_LEAF_KEYS = (
    "default_department",
    "priority_weights",
    "relative_frequency",
    "seasonal",
    "deadline_working_days",
    "focus",
)


def _parse_category(obj: Any) -> Category:
    code = _code(obj, "category", _CATEGORY_CODE)
    where = f"category {code!r}"
    level = len(code) // 2
    parent = obj.get("parent_code")
    if level == 1:
        if parent is not None:
            raise ValueError(f"{where}: a level-1 category must have parent_code null")
    elif not isinstance(parent, str):
        raise ValueError(f"{where}: parent_code must be a string for a level-{level} category")
    name_zh = _str(obj, "name_zh", where)
    name_en = _str(obj, "name_en", where)
    if level < _LEVELS:
        extra = [k for k in _LEAF_KEYS if obj.get(k) is not None]
        if extra:
            raise ValueError(f"{where}: only leaves (level 3) may have {', '.join(extra)}")
        return Category(code, name_zh, name_en, level, parent)

    missing = [k for k in _LEAF_KEYS if k not in obj]
    if missing:
        raise ValueError(f"{where}: leaf is missing {', '.join(missing)}")
    dept = _str(obj, "default_department", where)
    prio = _numbers(obj["priority_weights"], len(PRIORITIES), "priority_weights", where)
    seasonal = _numbers(obj["seasonal"], 12, "seasonal", where)
    days = obj["deadline_working_days"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 15:
        raise ValueError(f"{where}: deadline_working_days must be an integer 1..15, got {days!r}")
    focus = obj["focus"]
    if not isinstance(focus, bool):
        raise ValueError(f"{where}: focus must be true or false, got {focus!r}")
    public = obj.get("public", True)
    if not isinstance(public, bool):
        raise ValueError(f"{where}: public must be true or false, got {public!r}")
    return Category(
        code,
        name_zh,
        name_en,
        level,
        parent,
        default_department=dept,
        priority_weights=(prio[0], prio[1], prio[2], prio[3]),
        relative_frequency=_number(obj, "relative_frequency", where, positive=True),
        seasonal=seasonal,
        deadline_working_days=days,
        focus=focus,
        public=public,
    )
