"""Place names in English (services/place_names.py): every town, village and community of the
demo county in pinyin with its kind, grids numbered; names that are not a proper name stay."""

from __future__ import annotations

import pytest

from command_center.services import place_names


@pytest.mark.parametrize(
    "name, english",
    [
        ("洪水镇", "Hongshui Town"),
        ("三堡镇", "Sanbao Town"),  # the county's reading of 堡, not pypinyin's
        ("长丰村", "Changfeng Village"),
        ("南街社区第一网格", "Nanjie Community Grid 1"),
        ("东寨村第十网格", "Dongzhai Village Grid 10"),
        ("第三微网格", "Micro-grid 3"),
        ("民乐县", "Minle County"),
        ("城区社区管理委员会", "Urban Community Committee"),
        ("下翟寨村", "Xiazhaizhai Village"),
        ("县人民医院专属网格", "县人民医院专属网格"),  # a dedicated grid: not spelled as sounds
        ("A村", "A村"),
        ("", ""),
    ],
)
def test_a_place_s_english_name(name: str, english: str) -> None:
    assert place_names.english(name) == english


def test_every_town_village_and_grid_of_the_demo_county_has_an_english_name() -> None:
    from command_center.demo import geography

    county = geography.build_county()
    towns = {t.name for t, _v in geography.iter_villages(county)}
    villages = {v.name for _t, v in geography.iter_villages(county)}
    grids = {g.name for _t, _v, g in geography.iter_grids(county) if "专属" not in g.name}
    assert len(towns) == 12 and len(villages) > 180 and len(grids) > 400
    for name in sorted(towns | villages | grids):
        spelled = place_names.english(name)
        assert spelled != name, name
        assert (spelled.isascii() or "ü" in spelled) and spelled[0].isupper(), (name, spelled)
