"""Generated Chinese text for the demo county: incident titles and descriptions, work-order notes,
people's names and phone numbers, dispute summaries, mediation notes and agreements.

Everything is deterministic given the ``random.Random`` passed in. Descriptions are composed from
parts rather than filled into one template: a leaf-specific "what happened" phrase (with concrete
detail slots: building numbers, times, amounts, counts, durations), an optional impact/duration
clause from the level-2 category or a generic bank, what the reporter asks for, and a framing
that depends on the report channel (hotline, grid worker, petition, QR code …). Leaves without a
specific phrase bank fall back to one built from the leaf's Chinese name.

Templates use ``{slot}`` placeholders. They are parsed once, at import, into tuples of literal
strings, slot functions and context indices, so the hot path is a few ``rng`` calls and a join.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from string import Formatter
from typing import Any

__all__ = [
    "COMPOUND_SURNAMES",
    "OUTCOMES",
    "PROGRESS_STEPS",
    "SPOKEN_CHANNELS",
    "SPOKEN_SHARE",
    "SURNAMES",
    "agreement_text",
    "checkin_note",
    "dispute_summary",
    "incident_description",
    "incident_title",
    "landmark",
    "mediation_note",
    "person_name",
    "phone",
    "progress_note",
    "satisfaction_comment",
    "spoken",
]

PROGRESS_STEPS: tuple[str, ...] = (
    "accept", "dispatch", "progress", "resolve", "verify", "return", "objection", "close",
)
OUTCOMES: tuple[str, ...] = ("agreement", "partial", "failed", "referred_court")

#: The phrase banks (what happened, by category; notes; names; dispute terms …) are data, kept in
#: resources/demo/phrases.json; this module holds the rules that compose them.
PHRASES_FILE = Path(__file__).resolve().parents[2] / "resources" / "demo" / "phrases.json"


def _tuples(value: Any) -> Any:
    """JSON lists back into the tuples the banks are made of (dictionaries stay dictionaries)."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _load_phrases() -> dict[str, Any]:
    banks = {k: _tuples(v) for k, v in json.loads(PHRASES_FILE.read_text("utf-8")).items()}
    banks["_SATISFACTION"] = {int(k): v for k, v in banks["_SATISFACTION"].items()}  # by rating
    return banks


_PHRASES = _load_phrases()

MIN_DESCRIPTION = 40
MAX_DESCRIPTION = 200
MAX_TITLE = 24

# ---------------------------------------------------------------------------------------------
# Slots: small generators of concrete detail
# ---------------------------------------------------------------------------------------------

_CN = "零一二三四五六七八九十"
_CN_SMALL = ("两", "三", "四", "五", "六", "七", "八")


def _cn_num(n: int) -> str:
    """Chinese numeral for 1..99 (十二, 二十, 三十五)."""
    if n < 11:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def _pick(*items: str) -> Callable[[random.Random], str]:
    seq = tuple(items)
    return lambda rng: rng.choice(seq)


def _money(lo: int, hi: int, step: int) -> Callable[[random.Random], str]:
    return lambda rng: f"{rng.randrange(lo, hi, step)}元"


def _wan(rng: random.Random) -> str:
    whole = rng.randint(1, 12)
    tenth = rng.randint(0, 9)
    return f"{whole}.{tenth}万元" if tenth else f"{whole}万元"


def _building(rng: random.Random) -> str:
    return f"{rng.randint(1, 18)}号楼{rng.randint(1, 6)}单元"


def _room(rng: random.Random) -> str:
    return f"{rng.randint(1, 6)}0{rng.randint(1, 4)}室"


def _households(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return rng.choice(("十几户", "二十余户", "三十多户", "十余户", "四十多户", "近百户"))
    if r < 0.75:
        return f"{rng.randint(3, 40)}户"
    return f"{_cn_num(rng.randint(3, 9))}户"


def _people(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(("七八个人", "十余人", "五六个人", "二十多人", "三四个人", "十几个人"))
    return f"{rng.randint(3, 30)}人"


def _people_count(rng: random.Random) -> str:
    """A head count followed by a noun: 十余名(农民工)."""
    if rng.random() < 0.5:
        return rng.choice(("七八名", "十余名", "五六名", "二十多名", "三十余名", "十几名"))
    return f"{rng.randint(3, 40)}名"


def _mu(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return rng.choice(("一亩多", "两亩多", "十余亩", "半亩多", "三亩左右"))
    return f"{rng.randint(2, 60)}亩"


def _metres(rng: random.Random) -> str:
    return f"{rng.randint(3, 40) if rng.random() < 0.75 else rng.randint(40, 200)}米"


_SURNAME_WEIGHTS: tuple[tuple[str, float], ...] = _PHRASES["_SURNAME_WEIGHTS"]
SURNAMES: tuple[str, ...] = tuple(s for s, _ in _SURNAME_WEIGHTS)
COMPOUND_SURNAMES: tuple[str, ...] = ("欧阳", "司马", "上官", "诸葛", "慕容")
_SURNAME_CUM: list[float] = []
_acc = 0.0
for _s, _w in _SURNAME_WEIGHTS:
    _acc += _w
    _SURNAME_CUM.append(_acc)
del _acc


def _surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]


def _mou(rng: random.Random) -> str:
    """王某 / 李某某: how a party is named in a case description."""
    return _surname(rng) + ("某" if rng.random() < 0.6 else "某某")


def _sir(rng: random.Random) -> str:
    return _surname(rng) + rng.choice(("先生", "女士", "大爷", "阿姨", "师傅"))


_SLOTS: dict[str, Callable[[random.Random], str]] = {
    "b": _building,
    "lou": lambda rng: f"{rng.randint(1, 24)}号楼",
    "shi": _room,
    "hh": _households,
    "ppl": _people,
    "pn": _people_count,
    "mu": _mu,
    "m": _metres,
    "mou": _mou,
    "mou2": _mou,
    "sir": _sir,
    "n": lambda rng: str(rng.randint(2, 9)),
    "nn": lambda rng: str(rng.randint(10, 60)),
    "cn": lambda rng: rng.choice(_CN_SMALL),
    "she": lambda rng: _cn_num(rng.randint(1, 12)) + "社",
    "deg": lambda rng: str(rng.randint(11, 16)),
    "age": lambda rng: str(rng.randint(68, 92)),
    "wan": _wan,
    "money": _money(800, 20000, 100),
    "small": _money(30, 600, 10),
    "big": _money(20000, 300000, 1000),
    "night": _pick(
        "每晚十点后", "每天晚上十一点多", "凌晨一两点", "晚上十点到凌晨", "夜里十二点以后",
        "每晚九点多开始", "半夜", "晚上十点半以后",
    ),
    "morning": _pick("每天早上六点多", "清晨五六点", "早上七点前", "每天一大早"),
    "dur": _pick(
        "一周", "半个多月", "三四天", "两个多月", "一个多月", "十来天", "大半年", "好几天",
        "近两周", "二十多天",
    ),
    "when": _pick(
        "今天上午", "今天早上", "昨天晚上", "前天下午", "今天下午", "昨天傍晚", "今天凌晨",
        "前天晚上", "昨天上午", "今天中午",
    ),
    "times": _pick("两次", "三次", "多次", "好几次", "三四次"),
    "road": _pick(
        "312国道", "G312", "G227", "民乐大道", "新民路", "县府街", "顺化路", "洪水大街",
        "东环路", "西环路", "滨河路", "S213", "兴民路", "丰源路", "城南大道",
    ),
    "shop": _pick(
        "一家烧烤店", "一家火锅店", "一家小饭馆", "一家麻辣烫店", "一家牛肉面馆", "一家超市",
        "一家洗车店", "一家五金店",
    ),
    "car": _pick("电动车", "电动三轮车", "摩托车", "电瓶车"),
    "farm": _pick("三轮车", "农用车", "拖拉机", "旋耕机", "播种机", "四轮车", "小麦收割机"),
    "crop": _pick("大麦", "小麦", "马铃薯", "玉米", "油菜", "中药材", "制种玉米", "娃娃菜"),
    "canal": _pick("一号渠", "二号渠", "三号渠", "支渠", "斗渠", "干渠", "农渠", "毛渠"),
    "co": _pick(
        "某建筑公司", "某劳务公司", "某建筑工程有限公司", "某装饰公司", "某农业开发公司",
        "某食品加工厂", "某物流公司", "某种植专业合作社", "某建材厂",
    ),
    "month": lambda rng: _cn_num(rng.randint(1, 12)) + "月",
    "hour": lambda rng: f"{rng.randint(1, 5)}个多小时" if rng.random() < 0.5 else "大半天",
}

_FORMATTER = Formatter()
Part = str | int | Callable[[random.Random], str]
Compiled = str | tuple[Part, ...]


def _compile(template: str, ctx: Sequence[str] = ()) -> Compiled:
    """Parse ``template`` once: literals stay strings, ``{slot}`` becomes a slot function and a
    context name becomes its index into the tuple passed to :func:`_render`."""
    parts: list[Part] = []
    for literal, name, _spec, _conv in _FORMATTER.parse(template):
        if literal:
            parts.append(literal)
        if name is None:
            continue
        if name in ctx:
            parts.append(ctx.index(name))
        elif name in _SLOTS:
            parts.append(_SLOTS[name])
        else:
            raise ValueError(f"unknown slot {{{name}}} in template {template!r}")
    if all(isinstance(p, str) for p in parts):
        return "".join(parts)  # type: ignore[arg-type]
    return tuple(parts)


def _compile_all(templates: Sequence[str], ctx: Sequence[str] = ()) -> tuple[Compiled, ...]:
    return tuple(_compile(t, ctx) for t in templates)


def _render(rng: random.Random, compiled: Compiled, ctx: Sequence[str] = ()) -> str:
    if compiled.__class__ is str:
        return compiled
    out = []
    for p in compiled:
        cls = p.__class__
        if cls is str:
            out.append(p)
        elif cls is int:
            out.append(ctx[p])  # type: ignore[index]
        else:
            out.append(p(rng))  # type: ignore[operator]
    return "".join(out)  # type: ignore[arg-type]


def _choose(rng: random.Random, bank: Sequence[Compiled], ctx: Sequence[str] = ()) -> str:
    return _render(rng, bank[int(rng.random() * len(bank))], ctx)


# ---------------------------------------------------------------------------------------------
# Category-independent parts of an incident description
# ---------------------------------------------------------------------------------------------

#: Context names a "what happened" phrase may use: the building/unit, computed per description
#: so that a landmark that already names a building ("幸福小区5号楼") is not given a second one.
_WHAT_CTX = ("unit",)
#: Context names a channel frame uses.
_FRAME_CTX = ("loc", "what", "tail", "ask", "act")
#: Context names a work-order note uses.
_NOTE_CTX = ("dept", "days")

#: Impact / duration / history clauses usable for any leaf (a comma is put in front).
_TAIL_GENERIC = _PHRASES["_TAIL_GENERIC"]

#: What a reporter asks for, for any leaf.
_ASK_GENERIC = _PHRASES["_ASK_GENERIC"]

#: What a grid worker did on the spot before reporting, for any leaf.
_ACT_GENERIC = _PHRASES["_ACT_GENERIC"]
#: The same, for matters a worker learns about rather than sees.
_ACT_TOLD = ("已做好登记并安抚群众", "已向村（社区）报告", "已做好解释工作")

#: Channel framings. Each puts the location, what happened, an optional tail, the reporter's
#: request and the grid worker's on-the-spot action together. "seen" framings are for things
#: one can see on the street; "told" ones for matters a worker or camera only learns about.
_FRAMES: dict[str, dict[str, tuple[str, ...]]] = _PHRASES["_FRAMES"]

#: Landmarks: rural ones for 村, urban ones for 社区; ``{v}`` is the village name without 村.
_LANDMARKS_RURAL = _PHRASES["_LANDMARKS_RURAL"]
_LANDMARKS_URBAN = _PHRASES["_LANDMARKS_URBAN"]
_CANAL_SEG = ("上游", "下游", "东侧", "节制闸处", "渡槽旁", "桥下")
_LANES = ("东巷", "西巷", "南巷", "北巷", "后巷", "主巷道")
_ROADS2 = ("新华街", "长城路", "南关街", "北关街", "永丰路", "富民路", "育才路")
_SLOTS.update(
    canal_seg=_pick(*_CANAL_SEG),
    lane=_pick(*_LANES),
    road2=_pick(*_ROADS2),
)

# ---------------------------------------------------------------------------------------------
# Level-2 categories: impact clauses, requests, on-the-spot actions and work-order notes
# ---------------------------------------------------------------------------------------------
# Keys: tail (impact clause), ask (reporter's request), act (grid worker's action on the spot),
# progress / resolve / verify (work-order notes). Any key may be missing; generic banks fill in.
# ``told`` marks categories one learns about rather than sees (framed "了解到" for grid workers,
# patrols, cameras and couriers).

_TOLD_GROUPS = frozenset({
    "0101", "0102", "0103", "0104", "0202", "0203", "0602", "0603", "0604", "0702", "0802",
    "0903", "1001", "1002", "1003", "1004",
})
#: Leaves whose framing differs from their group's.
_TOLD_LEAVES = frozenset({"010102", "010104", "020102", "020104", "020303"})
_SEEN_LEAVES = frozenset({"010401", "060402", "060401", "070202", "080202"})

_GROUPS: dict[str, dict[str, tuple[str, ...]]] = _PHRASES["_GROUPS"]

# ---------------------------------------------------------------------------------------------
# Leaves: titles, "what happened" phrases and, where the category's notes do not fit, their own
# progress / resolve notes. ``{unit}`` is a building and unit (or just a unit when the landmark
# already names the building).
# ---------------------------------------------------------------------------------------------

_LEAVES: dict[str, dict[str, tuple[str, ...]]] = _PHRASES["_LEAVES"]

# ---------------------------------------------------------------------------------------------
# Work-order notes that do not depend on the category
# ---------------------------------------------------------------------------------------------

_NOTES_GENERIC: dict[str, tuple[str, ...]] = _PHRASES["_NOTES_GENERIC"]
_NOTE_PREFIX = _PHRASES["_NOTE_PREFIX"]

# ---------------------------------------------------------------------------------------------
# Satisfaction comments, by rating
# ---------------------------------------------------------------------------------------------

_SATISFACTION: dict[int, tuple[str, ...]] = _PHRASES["_SATISFACTION"]

# ---------------------------------------------------------------------------------------------
# Grid workers' daily check-in notes (报平安)
# ---------------------------------------------------------------------------------------------

_CHECKIN_FIXED = _PHRASES["_CHECKIN_FIXED"]
_CHECKIN_PARTS = _PHRASES["_CHECKIN_PARTS"]
_CHECKIN_TAILS = ("", "", "。网格内一切正常", "，无异常", "，平安")

# ---------------------------------------------------------------------------------------------
# Disputes: case summaries, what the parties disagree about, agreement terms
# ---------------------------------------------------------------------------------------------
# summary: uses {village}; issue: the point at issue, put into mediation notes; terms: the
# agreement's type-specific clauses (甲方 = applicant, 乙方 = respondent).

_SLOTS.update(
    deadline=_pick(
        "本协议签订之日起十日内", "本协议签订之日起十五日内", "本协议签订之日起三十日内",
        "本月底前", "今年年底前", "春节前", "秋收后十日内", "本协议签订当日",
        "下月十五日前",
    ),
    instal=lambda rng: "分" + ("两", "三", "四", "五", "六")[rng.randint(0, 4)] + "期",
    support=_money(300, 1500, 50),
)

_DISPUTES: dict[str, dict[str, tuple[str, ...]]] = _PHRASES["_DISPUTES"]

#: Per dispute type: (points at issue, coherent sets of agreement terms). A mediation note names a
#: point at issue; an agreement takes one to three terms from one set, so that its terms belong to
#: the same kind of case.
_DISPUTE_TERMS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = _PHRASES[
    "_DISPUTE_TERMS"
]

_MEDIATION: dict[str, tuple[str, ...]] = _PHRASES["_MEDIATION"]
_AGREEMENT_CLOSING = _PHRASES["_AGREEMENT_CLOSING"]

# ---------------------------------------------------------------------------------------------
# Compiled banks
# ---------------------------------------------------------------------------------------------

_GENERIC_TITLE = ("{name}", "反映{name}问题", "{name}问题", "群众反映{name}")
_GENERIC_WHAT = _PHRASES["_GENERIC_WHAT"]


class _LeafBank:
    """Everything :func:`incident_title`, :func:`incident_description` and
    :func:`progress_note` need for one leaf, compiled."""

    __slots__ = ("acts", "asks", "frames", "note_ctx", "notes", "tails", "titles", "unit", "whats")

    def __init__(self, leaf: Any, dept_name: str) -> None:
        spec = _LEAVES.get(leaf.code)
        group = _GROUPS.get(leaf.parent_code or "", {})
        if spec is None:
            name = leaf.name_zh
            spec = {
                "title": tuple(t.replace("{name}", name) for t in _GENERIC_TITLE),
                "what": tuple(t.replace("{name}", name) for t in _GENERIC_WHAT),
            }
        self.titles = _compile_all(spec["title"])
        self.whats = _compile_all(spec["what"], _WHAT_CTX)
        self.unit = tuple("{unit}" in w for w in spec["what"])
        self.tails = _compile_all(["，" + t for t in (*group.get("tail", ()), *_TAIL_GENERIC)])
        self.asks = _compile_all((*group.get("ask", ()), *group.get("ask", ()), *_ASK_GENERIC))
        told = (
            leaf.code in _TOLD_LEAVES
            or (leaf.parent_code in _TOLD_GROUPS and leaf.code not in _SEEN_LEAVES)
        )
        generic_acts = _ACT_TOLD if told else _ACT_GENERIC
        self.acts = _compile_all((*group.get("act", ()), *group.get("act", ()), *generic_acts))
        self.frames = {
            channel: _COMPILED_FRAMES[channel]["told" if told else "seen"]
            for channel in _COMPILED_FRAMES
        }
        self.notes: dict[str, tuple[tuple[Compiled, ...], tuple[Compiled, ...]]] = {}
        for step in PROGRESS_STEPS:
            specific = spec.get(step) or group.get(step) or ()
            self.notes[step] = (
                _compile_all(specific, _NOTE_CTX), _COMPILED_NOTES[step],
            )
        self.note_ctx = (dept_name, str(leaf.deadline_working_days or 5))


_COMPILED_FRAMES: dict[str, dict[str, tuple[Compiled, ...]]] = {
    channel: {
        "seen": _compile_all(f["seen"], _FRAME_CTX),
        "told": _compile_all(f.get("told", f["seen"]), _FRAME_CTX),
    }
    for channel, f in _FRAMES.items()
}
_COMPILED_NOTES = {step: _compile_all(bank, _NOTE_CTX) for step, bank in _NOTES_GENERIC.items()}
_COMPILED_PREFIX = {step: _NOTE_PREFIX.get(step, ("",)) for step in PROGRESS_STEPS}
_COMPILED_TAIL_GENERIC = _compile_all(["，" + t for t in _TAIL_GENERIC])
_COMPILED_LANDMARKS = {
    "rural": _compile_all(_LANDMARKS_RURAL, ("v",)),
    "urban": _compile_all(_LANDMARKS_URBAN, ("v",)),
}
_COMPILED_SATISFACTION = {k: _compile_all(v) for k, v in _SATISFACTION.items()}
_COMPILED_CHECKIN = _compile_all(_CHECKIN_PARTS)
_COMPILED_DISPUTES = {
    code: {
        "summary": _compile_all(d["summary"], ("village",)),
        "issue": _compile_all(_DISPUTE_TERMS[code][0]),
    }
    for code, d in _DISPUTES.items()
}
_COMPILED_TERMS = {
    code: tuple(_compile_all(group) for group in groups)
    for code, (_issues, groups) in _DISPUTE_TERMS.items()
}
_COMPILED_MEDIATION = {k: _compile_all(v, ("issue",)) for k, v in _MEDIATION.items()}

#: Rural wording replaced in descriptions of urban communities (社区).
_URBAN_WORDS = _PHRASES["_URBAN_WORDS"]

_BANKS: dict[str, _LeafBank] = {}


def _bank(leaf_code: str) -> _LeafBank:
    bank = _BANKS.get(leaf_code)
    if bank is not None:
        return bank
    if not _BANKS:
        _build_banks()
        bank = _BANKS.get(leaf_code)
        if bank is not None:
            return bank
    raise KeyError(f"unknown incident category leaf {leaf_code!r} (expected a level-3 code)")


def _build_banks() -> None:
    from command_center.demo.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    for leaf in taxonomy.leaves:
        dept = taxonomy.department_of(leaf.code).name_zh
        _BANKS[leaf.code] = _LeafBank(leaf, dept)


def _dispute(code: str) -> dict[str, tuple[Compiled, ...]]:
    try:
        return _COMPILED_DISPUTES[code]
    except KeyError:
        raise KeyError(
            f"unknown dispute type {code!r} (known: {', '.join(sorted(_COMPILED_DISPUTES))})"
        ) from None


# ---------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------


def incident_title(rng: random.Random, leaf_code: str) -> str:
    """A short title (at most 24 characters) as a duty operator would type it."""
    return _choose(rng, _bank(leaf_code).titles)


def _location(rng: random.Random, town: str, village: str, landmark: str | None) -> str:
    r = rng.random()
    head = town + village if r < 0.3 and town and not village.startswith(town) else village
    if landmark:
        if landmark[-1] in "旁边" or r > 0.6:
            return head + landmark
        return head + landmark + ("附近", "一带", "附近", "")[int(r * 13) % 4]
    if village.endswith("村") and r > 0.55:
        return head + _cn_num(rng.randint(1, 12)) + "社"
    return head


def incident_description(
    rng: random.Random,
    leaf_code: str,
    *,
    town: str,
    village: str,
    landmark: str | None,
    channel: str,
) -> str:
    """A 40–200 character description of an incident in ``village``, framed by ``channel``."""
    bank = _bank(leaf_code)
    frames = bank.frames.get(channel)
    if frames is None:
        raise ValueError(f"unknown channel {channel!r} (known: {', '.join(_COMPILED_FRAMES)})")
    loc = _location(rng, town, village, landmark)
    k = int(rng.random() * len(bank.whats))
    if bank.unit[k]:
        has_building = landmark is not None and "号楼" in landmark
        unit = f"{rng.randint(1, 6)}单元" if has_building else _building(rng)
        what = _render(rng, bank.whats[k], (unit,))
    else:
        what = _render(rng, bank.whats[k])
    if landmark and (what[:2] == loc[-2:] or (what[:2] == "附近" and loc[-1] in "带旁")):
        what = what[2:]  # not "金色阳光小区小区…", "村卫生室旁附近工地…"
    r = rng.random()
    if r < 0.22:
        tail = ""
    else:
        tails = bank.tails
        k1 = int(rng.random() * len(tails))
        tail = _render(rng, tails[k1])
        if r > 0.85:
            k2 = int(rng.random() * len(tails))
            if k2 != k1:
                tail += _render(rng, tails[k2])
    ask = _choose(rng, bank.asks)
    act = _choose(rng, bank.acts)
    ctx = (loc, what, tail, ask, act)
    text = _choose(rng, frames, ctx)
    if len(text) > MAX_DESCRIPTION and tail:
        text = _choose(rng, frames, (loc, what, "", ask, act))
    if len(text) > MAX_DESCRIPTION:
        text = _choose(rng, frames, (village, what, "", ask, act))
    if village.endswith("社区"):
        for rural, urban in _URBAN_WORDS:
            if rural in text:
                text = text.replace(rural, urban)
    elif "村（社区）" in text:
        text = text.replace("村（社区）", "村委会")
    while len(text) < MIN_DESCRIPTION:
        text = text[:-1] + _choose(rng, _COMPILED_TAIL_GENERIC) + "。"
    return text


def landmark(rng: random.Random, village: str) -> str:
    """A place in or by ``village`` an incident can be located at."""
    if village.endswith("社区"):
        return _choose(rng, _COMPILED_LANDMARKS["urban"], (village[:-2],))
    stem = village[:-1] if village.endswith("村") else village
    return _choose(rng, _COMPILED_LANDMARKS["rural"], (stem,))


_GIVEN_MALE = _PHRASES["_GIVEN_MALE"]
_GIVEN_FEMALE = _PHRASES["_GIVEN_FEMALE"]
_PHONE_PREFIXES = _PHRASES["_PHONE_PREFIXES"]
#: Gansu: China Mobile dominant, then Telecom and Unicom.
_PHONE_WEIGHTS = _PHRASES["_PHONE_WEIGHTS"]
_PHONE_CUM: list[int] = []
for _w2 in _PHONE_WEIGHTS:
    _PHONE_CUM.append((_PHONE_CUM[-1] if _PHONE_CUM else 0) + _w2)


def person_name(rng: random.Random) -> str:
    """A Chinese full name: surname (by realistic frequency, rarely a compound one) and a one- or
    two-character given name."""
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.003 else _surname(rng)
    pool = _GIVEN_MALE if rng.random() < 0.52 else _GIVEN_FEMALE
    if len(surname) == 2 or rng.random() < 0.3:
        return surname + rng.choice(pool)
    first = rng.choice(pool)
    second = rng.choice(pool)
    while second == first and rng.random() < 0.8:
        second = rng.choice(pool)
    return surname + first + second


def phone(rng: random.Random) -> str:
    """An 11-digit mainland mobile number with a plausible prefix."""
    prefix = rng.choices(_PHONE_PREFIXES, cum_weights=_PHONE_CUM)[0]
    return f"{prefix}{rng.randrange(100_000_000):08d}"


def progress_note(rng: random.Random, leaf_code: str, step: str) -> str:
    """What the operator or the department writes at a work-order step (see PROGRESS_STEPS)."""
    bank = _bank(leaf_code)
    notes = bank.notes.get(step)
    if notes is None:
        raise ValueError(f"unknown progress step {step!r} (known: {', '.join(PROGRESS_STEPS)})")
    specific, generic = notes
    pool = specific if specific and rng.random() < 0.8 else generic
    text = _choose(rng, pool, bank.note_ctx)
    prefixes = _COMPILED_PREFIX[step]
    if len(prefixes) > 1:
        prefix = rng.choice(prefixes)
        if prefix and (prefix.endswith("：") or not text.startswith(("经", "已"))):
            text = prefix + text
    return text


def satisfaction_comment(rng: random.Random, rating: int) -> str:
    """The reporter's comment on a follow-up call, for a 1..5 star rating."""
    bank = _COMPILED_SATISFACTION.get(rating)
    if bank is None:
        raise ValueError(f"rating must be 1..5, got {rating!r}")
    return _choose(rng, bank)


def dispute_summary(rng: random.Random, dispute_type_code: str, *, village: str) -> str:
    """A one-sentence case summary of a dispute in ``village``."""
    d = _dispute(dispute_type_code)
    return _choose(rng, d["summary"], (village,)) + "。"


def mediation_note(rng: random.Random, dispute_type_code: str, outcome: str) -> str:
    """The mediator's note on a session ending in ``outcome`` (see OUTCOMES)."""
    d = _dispute(dispute_type_code)
    bank = _COMPILED_MEDIATION.get(outcome)
    if bank is None:
        raise ValueError(f"unknown mediation outcome {outcome!r} (known: {', '.join(OUTCOMES)})")
    issue = _choose(rng, d["issue"])
    return _choose(rng, bank, (issue,)) + "。"


_ORDINALS = "一二三四五"


def agreement_text(rng: random.Random, dispute_type_code: str) -> str:
    """Numbered terms of a mediation agreement (甲方 = applicant, 乙方 = respondent)."""
    _dispute(dispute_type_code)
    groups = _COMPILED_TERMS[dispute_type_code]
    terms = groups[int(rng.random() * len(groups))]
    extra = min(len(terms) - 1, rng.choice((0, 1, 1, 2)))
    picked = (0, *sorted(rng.sample(range(1, len(terms)), extra)))
    chosen = [_render(rng, terms[i]) for i in picked]
    chosen.append(rng.choice(_AGREEMENT_CLOSING))
    return "".join(f"{_ORDINALS[i]}、{t}；" for i, t in enumerate(chosen))[:-1] + "。"


def checkin_note(rng: random.Random) -> str:
    """A grid worker's daily check-in note (报平安)."""
    r = rng.random()
    if r < 0.35:
        return rng.choice(_CHECKIN_FIXED)
    text = _choose(rng, _COMPILED_CHECKIN)
    if r > 0.8:
        other = _choose(rng, _COMPILED_CHECKIN)
        if other != text:
            text += "；" + other
    return text + rng.choice(_CHECKIN_TAILS)


# --- harder texts (for measuring the classifier; the seed does not use them yet) ------------

_OPENERS = (
    "喂，你好，",
    "那个……我想反映个事，",
    "你好我跟你说啊，",
    "麻烦问一下，",
    "我是附近住的，",
    "",
    "",
)
_CLOSERS = (
    "你们到底管不管啊！",
    "烦死了。",
    "赶紧来个人看看吧。",
    "都说了好几次了。",
    "谢谢啊。",
    "",
    "",
)
# what people mistype (homophones an input method offers first, and dropped characters)
_TYPOS = (
    ("垃圾", "拉圾"),
    ("噪音", "燥音"),
    ("已经", "以经"),
    ("反映", "反应"),
    ("工资", "工姿"),
    ("物业", "务业"),
    ("马路", "马鲁"),
    ("派出所", "派处所"),
    ("再", "在"),
    ("的", "得"),
    ("做", "作"),
    ("那里", "哪里"),
    ("希望", "希往"),
    ("处理", "处里"),
    ("情况", "情况况"),
)
_FRAME_HEADS = re.compile(r"^[^：:]{0,20}[：:]")


def harder(rng: random.Random, text: str, other: str) -> str:
    """``text`` as a caller might really say it: the channel's framing dropped, colloquial
    openers and closers, a typo or two, sometimes a clause about something else (``other``, a
    text of another category) and sometimes only its first half."""
    out = _FRAME_HEADS.sub("", text, count=1) if rng.random() < 0.7 else text
    if rng.random() < 0.25:
        out = out[: max(12, len(out) // 2)]
    for right, wrong in _TYPOS:
        if right in out and rng.random() < 0.3:
            out = out.replace(right, wrong, 1)
    if rng.random() < 0.3:
        parts = _FRAME_HEADS.sub("", other, count=1).rstrip("。").split("，")
        clause = max(parts[:3], key=len)  # the matter itself, not the framing
        out = out + "另外，" + clause + "。" if rng.random() < 0.5 else clause + "，还有，" + out
    return rng.choice(_OPENERS) + out + rng.choice(_CLOSERS)


SPOKEN_CHANNELS = ("hotline_12345", "mayor_mailbox", "petition", "qr_code")
"""The channels where the reporter's own words are written down (not a grid worker's report)."""
SPOKEN_SHARE = 0.4  # of their descriptions, this share as a caller really says it


def spoken(
    rng: random.Random, text: str, leaf_code: str, *, town: str, village: str, channel: str
) -> str:
    """``text`` (a description of ``leaf_code`` on ``channel``) as a caller says it
    (:func:`harder`: colloquial, misspelt, sometimes cut short or mixed with another matter, the
    other matter a description of a category of another first level)."""
    if not _BANKS:
        _build_banks()
    others = [c for c in sorted(_BANKS) if c[:2] != leaf_code[:2]]
    other = incident_description(
        rng, rng.choice(others), town=town, village=village, landmark=None, channel=channel
    )
    return harder(rng, text, other)
