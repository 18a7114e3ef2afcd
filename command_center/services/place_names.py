"""Place names in English: the towns' names in pinyin (洪水镇 → Hongshui Town), for the English
interface. No Qt.

The county's towns, townships, villages and communities are proper names; English readers see
them in pinyin with the kind of unit translated (南街社区第一网格 → Nanjie Community Grid 1).
The spelling is pypinyin's (its phrase dictionary reads most polyphonic characters as names
say them), except where :data:`PINYIN` gives the county's own reading (堡 is "bao" in 三堡).
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
    "洪": "hong",
    "水": "shui",
    "六": "liu",
    "坝": "ba",
    "新": "xin",
    "天": "tian",
    "南": "nan",
    "古": "gu",
    "永": "yong",
    "固": "gu",
    "三": "san",
    "堡": "bao",
    "丰": "feng",
    "民": "min",
    "联": "lian",
    "顺": "shun",
    "化": "hua",
    "乐": "le",
    "城": "cheng",
    "关": "guan",
    "东": "dong",
    "西": "xi",
    "北": "bei",
    "中": "zhong",
    "山": "shan",
    "河": "he",
    "湖": "hu",
    "石": "shi",
    "家": "jia",
    "庄": "zhuang",
    "营": "ying",
    "口": "kou",
    "桥": "qiao",
    "林": "lin",
    "安": "an",
    "平": "ping",
    "和": "he",
    "兴": "xing",
    "宁": "ning",
    "康": "kang",
    "泉": "quan",
    "沟": "gou",
    "花": "hua",
    "寨": "zhai",
    "马": "ma",
    "王": "wang",
    "李": "li",
    "张": "zhang",
    "大": "da",
    "小": "xiao",
    "上": "shang",
    "下": "xia",
    "前": "qian",
    "后": "hou",
    "一": "yi",
    "二": "er",
    "四": "si",
    "五": "wu",
    "七": "qi",
    "八": "ba",
    "九": "jiu",
    "十": "shi",
    "红": "hong",
    "金": "jin",
    "杨": "yang",
    "柳": "liu",
    "海": "hai",
    "朝": "chao",
    "阳": "yang",
    "明": "ming",
    "光": "guang",
    "华": "hua",
    "春": "chun",
    # polyphonic characters as place names read them
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

    read = lazy_pinyin(stem, style=Style.NORMAL, errors="default")
    if len(read) != len(stem):  # one syllable a character, or the table alone
        return [PINYIN.get(ch, ch) for ch in stem]
    return [PINYIN.get(ch, syllable) for ch, syllable in zip(stem, read, strict=True)]


def words(name: str | None) -> tuple[str, str]:
    """(中文, English) of a place's name, for views.words.pick."""
    return (name or "", english(name or ""))
