"""Place names in English: the towns' names in pinyin (洪水镇 → Hongshui Town), for the English
interface. No Qt.

The county's towns, townships, villages and communities are proper names; English readers see
them in pinyin with the kind of unit translated (南街社区第一网格 → Nanjie Community Grid 1).
The spelling is pypinyin's (its phrase dictionary reads most polyphonic characters as names
say them), except where :data:`PINYIN` gives the county's own reading (长 is "chang" in 长丰).
A name that is not a proper name and a kind (县人民医院专属网格, a dedicated grid) stays in
Chinese rather than being spelled out as sounds.
"""

from __future__ import annotations

import re
from functools import lru_cache

# names that are not "<name> + 镇/乡/街道"
WHOLE = {
    "城区社区管理委员会": "Urban Community Committee",
    "民乐生态工业园区": "Minle Eco-Industrial Park",
    "开发区虚拟社区": "Development Zone Virtual Community",
}
SUFFIXES = (
    ("街道", "Subdistrict"),
    ("社区", "Community"),
    ("镇", "Town"),
    ("乡", "Township"),
    ("村", "Village"),
    ("县", "County"),
)
NUMBERS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
GRID = re.compile(f"(.+(?:村|社区))第([{''.join(NUMBERS)}])网格")
"""A village's or community's numbered grid (第一网格 … 第十网格)."""
MICRO_GRID = re.compile(f"第([{''.join(NUMBERS)}])微网格")
"""A grid's numbered micro-grid (第一微网格)."""
HAN = re.compile(r"[\u4e00-\u9fff]+")
PINYIN = {
    # the county's readings of polyphonic characters, where pypinyin reads them otherwise
    "乐": "le",  # 民乐
    "堡": "bao",
    "长": "chang",
    "重": "chong",
    "曲": "qu",
    "单": "shan",
    "什": "shi",
    "翟": "zhai",
    "吕": "lü",
}


@lru_cache(maxsize=1024)
def english(name: str) -> str:
    """The English form of a place's name: pinyin with its kind translated, or the name itself
    when a character is not known."""
    if not name:
        return name
    if name in WHOLE:
        return WHOLE[name]
    grid = GRID.fullmatch(name)
    if grid is not None:  # 东寨村第二网格 → Dongzhai Village Grid 2, when the village is spelled
        village = english(grid.group(1))
        number = NUMBERS.index(grid.group(2)) + 1
        return name if village == grid.group(1) else f"{village} Grid {number}"
    stem, kind = name, ""
    for zh, en in SUFFIXES:
        if name.endswith(zh) and len(name) > len(zh):
            stem, kind = name[: -len(zh)], en
            break
    micro = MICRO_GRID.fullmatch(name)
    if micro is not None:
        return f"Micro-grid {NUMBERS.index(micro.group(1)) + 1}"
    if not kind or not HAN.fullmatch(stem) or len(stem) > 6:
        return name  # not a proper name and its kind: left as written
    spelled = "".join(_spell(stem)).capitalize()
    return f"{spelled} {kind}"


def _spell(stem: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    read = lazy_pinyin(stem, style=Style.NORMAL)
    if len(read) != len(stem):  # a character it does not know comes back whole
        return [PINYIN.get(ch, ch) for ch in stem]
    return [PINYIN.get(ch, syllable) for ch, syllable in zip(stem, read, strict=True)]


def words(name: str | None) -> tuple[str, str]:
    """(中文, English) of a place's name, for views.words.pick."""
    return (name or "", english(name or ""))
