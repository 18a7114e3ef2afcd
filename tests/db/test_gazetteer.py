"""The gazetteer of the demo county: partial names, addresses to the most specific place."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from command_center.services import gazetteer


def names(places: list[gazetteer.Place]) -> list[str]:
    return [p.full_name for p in places]


def test_partial_names_find_places(session: Session) -> None:
    found = gazetteer.search(session, "益民", 5)
    assert found[0].full_name == "民乐县·洪水镇·益民村"
    assert found[0].level == "village"
    assert found[0].lon is not None and found[0].lat is not None
    # a prefix of a town, then its places
    assert gazetteer.search(session, "洪水", 3)[0].full_name == "民乐县·洪水镇"
    # inside a name
    assert "民乐县·三堡镇·易家新庄村" in names(gazetteer.search(session, "新庄", 20))
    # town and village typed together, with or without a space
    for q in ("洪水镇益民", "洪水 益民", "  益民村 "):
        assert gazetteer.search(session, q, 1)[0].name == "益民村", q
    assert gazetteer.search(session, "", 5) == []
    assert gazetteer.search(session, "不存在的地方", 5) == []


def test_same_village_name_in_two_towns_is_listed_twice(session: Session) -> None:
    full = names(gazetteer.search(session, "王庄村", 10))
    assert "民乐县·南古镇·王庄村" in full and "民乐县·新天镇·王庄村" in full


def test_derived_places_are_found(session: Session) -> None:
    found = gazetteer.search(session, "益民村委会", 3)
    assert found[0].name == "益民村委会"
    assert found[0].level == "place"
    assert found[0].village_id == gazetteer.search(session, "益民村", 1)[0].area_id


@pytest.mark.parametrize(
    ("address", "full_name"),
    [
        ("洪水镇益民村三社东头", "民乐县·洪水镇·益民村"),
        ("甘肃省张掖市民乐县南古镇王庄村村东头", "民乐县·南古镇·王庄村"),
        ("新天镇王庄村第二网格", "民乐县·新天镇·王庄村·王庄村第二网格"),
        ("易家新庄村小学门口", "民乐县·三堡镇·易家新庄村"),  # not 新庄村 of 丰乐镇
        ("南丰乡何庄村", "民乐县·南丰乡·何庄村"),
        ("六坝镇街道", "民乐县·六坝镇"),
        ("洪水镇政府对面", "民乐县·洪水镇·洪水镇政府"),
    ],
)
def test_addresses_resolve_to_the_most_specific_place(
    session: Session, address: str, full_name: str
) -> None:
    place = gazetteer.resolve_address(session, address)
    assert place is not None
    assert place.full_name == full_name


@pytest.mark.parametrize("address", ["王庄村东头", "何庄村", "北京市朝阳区建国路", ""])
def test_ambiguous_or_unknown_addresses_are_not_guessed(session: Session, address: str) -> None:
    assert gazetteer.resolve_address(session, address) is None


def test_cached_until_invalidated(session: Session) -> None:
    first = gazetteer.get(session)
    assert gazetteer.get(session) is first
    gazetteer.invalidate()
    assert gazetteer.get(session) is not first


def test_chinese_ordinals_sort_naturally() -> None:
    grids = ["第十一网格", "第三网格", "第十网格", "第一网格", "第二网格"]
    assert sorted(grids, key=gazetteer.natural_key) == [
        "第一网格",
        "第二网格",
        "第三网格",
        "第十网格",
        "第十一网格",
    ]
    assert sorted(["第10组", "第2组"], key=gazetteer.natural_key) == ["第2组", "第10组"]
    assert gazetteer.chinese_number("二十三") == 23 and gazetteer.chinese_number("一百零五") == 105


def test_grids_of_a_village_are_listed_in_their_order(session: Session) -> None:
    grids = [p.name for p in gazetteer.search(session, "南街社区第", 20) if p.level == "grid"]
    assert len(grids) >= 6, grids
    assert grids == sorted(grids, key=gazetteer.natural_key), grids
    assert grids[0].endswith("第一网格") and grids[1].endswith("第二网格"), grids
