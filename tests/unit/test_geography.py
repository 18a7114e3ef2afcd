"""The generated demo geography of Minle County: counts, names, codes and exact partitions."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon, box, shape

from command_center.demo import geography as geo

OVERLAP_TOLERANCE = 1e-9  # of the smaller area
GAP_TOLERANCE = 1e-3  # union of the children vs the parent


@pytest.fixture(scope="module")
def county() -> geo.County:
    return geo.build_county()


def _towns(county: geo.County) -> list[geo.Town]:
    return list(county.towns)


def _villages(county: geo.County) -> list[geo.Village]:
    return [v for _t, v in geo.iter_villages(county)]


def _grids(county: geo.County) -> list[geo.Grid]:
    return [g for _t, _v, g in geo.iter_grids(county)]


def _micro_grids(county: geo.County) -> list[geo.MicroGrid]:
    return [m for *_rest, m in geo.iter_micro_grids(county)]


def _all_geometries(county: geo.County) -> list[shapely.Geometry]:
    units = _towns(county) + _villages(county) + _grids(county) + _micro_grids(county)
    return [county.outline] + [u.geometry for u in units]


def _worst_overlap(geoms: Sequence[shapely.Geometry]) -> float:
    """Largest pairwise intersection area, as a fraction of the smaller of the two."""
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    if len(left) == 0:
        return 0.0
    a, b = np.take(geoms, left), np.take(geoms, right)
    shared = shapely.area(shapely.intersection(a, b))
    return float((shared / np.minimum(shapely.area(a), shapely.area(b))).max())


def _assert_partition(parent: shapely.Geometry, children: Sequence[shapely.Geometry]) -> None:
    union = shapely.union_all(list(children))
    assert abs(union.area - parent.area) <= GAP_TOLERANCE * parent.area
    assert _worst_overlap(children) < OVERLAP_TOLERANCE
    for child in children:
        assert shapely.difference(child, parent).area <= 1e-9 * child.area


# --- counts, names, codes, kinds --------------------------------------------------------------


def test_exact_counts(county: geo.County) -> None:
    assert len(county.towns) == 12
    assert len(_villages(county)) == 186
    assert len(_grids(county)) == 448
    assert len(_micro_grids(county)) == 896
    assert geo.EXPECTED_COUNTS == {"towns": 12, "villages": 186, "grids": 448, "micro_grids": 896}


def test_county_identity(county: geo.County) -> None:
    assert county.code == "620722000000"
    assert county.name == "民乐县"
    assert geo.COORDINATE_SYSTEM == "GCJ-02"


def test_codes_unique_and_nested(county: geo.County) -> None:
    codes = [county.code]
    for town in county.towns:
        assert len(town.code) == 12
        codes.append(town.code)
        for village in town.villages:
            assert len(village.code) == 12
            assert village.code[:9] == town.code[:9]
            codes.append(village.code)
            for n, grid in enumerate(village.grids, 1):
                assert grid.code == f"{village.code}{n:02d}"
                codes.append(grid.code)
                for m, micro in enumerate(grid.micro_grids, 1):
                    assert micro.code == f"{grid.code}{m}"
                    codes.append(micro.code)
    assert len(codes) == len(set(codes)) == 1 + 12 + 186 + 448 + 896


def test_names_chinese_and_unique_within_parent(county: geo.County) -> None:
    def check(names: list[str]) -> None:
        assert all(geo.is_chinese_name(n) for n in names), names
        assert len(names) == len(set(names)), names

    check([t.name for t in county.towns])
    for town in county.towns:
        check([v.name for v in town.villages])
        for village in town.villages:
            check([g.name for g in village.grids])
            for grid in village.grids:
                check([m.name for m in grid.micro_grids])
                assert [m.name for m in grid.micro_grids] == [
                    f"第{geo.chinese_numeral(i)}微网格" for i in range(1, len(grid.micro_grids) + 1)
                ]
    assert not any(v.name.endswith(("村委会", "居委会")) for v in _villages(county))


def test_towns_renamed_and_kinds(county: geo.County) -> None:
    kinds = {t.name: t.kind for t in county.towns}
    assert kinds == {
        "城区社区管理委员会": "subdistrict",
        "洪水镇": "town",
        "六坝镇": "town",
        "新天镇": "town",
        "南古镇": "town",
        "永固镇": "town",
        "三堡镇": "town",
        "南丰乡": "township",
        "民联乡": "township",
        "顺化镇": "town",
        "丰乐镇": "town",
        "民乐生态工业园区": "park",
    }
    by_name = {t.name: t for t in county.towns}
    assert by_name["顺化镇"].code == "620722203000"
    assert by_name["丰乐镇"].code == "620722204000"
    assert by_name["城区社区管理委员会"].code == "620722001000"
    assert by_name["顺化镇"].note and by_name["城区社区管理委员会"].note


def test_village_kinds_follow_names(county: geo.County) -> None:
    kinds = Counter(v.kind for v in _villages(county))
    assert kinds == {"village": 172, "community": 14}
    for village in _villages(county):
        assert village.kind == ("community" if village.name.endswith("社区") else "village")
        assert village.name.endswith(("村", "社区"))
    hongshui = next(t for t in county.towns if t.name == "洪水镇")
    names = {v.name for v in hongshui.villages}
    assert {"县府街社区", "团结巷社区", "城关村", "刘总旗村"} <= names
    assert len(hongshui.villages) == 33


def test_new_communities_in_urban_committee(county: geo.County) -> None:
    urban = next(t for t in county.towns if t.kind == "subdistrict")
    assert urban.name == "城区社区管理委员会"
    assert [v.code for v in urban.villages] == [f"620722001{i:03d}" for i in range(1, 8)]
    assert {v.name for v in urban.villages} == set(geo.NEW_COMMUNITIES)
    assert all(v.kind == "community" and v.note for v in urban.villages)
    csv_villages = [v for v in _villages(county) if v not in urban.villages]
    assert not any(v.note for v in csv_villages)
    assert len(csv_villages) == 179


def test_park_keeps_its_community_and_dedicated_grids(county: geo.County) -> None:
    park = next(t for t in county.towns if t.kind == "park")
    assert [v.code for v in park.villages] == ["620722400498"]
    assert all(g.kind == "dedicated" for g in park.villages[0].grids)


def test_grid_kinds_and_counts(county: geo.County) -> None:
    dedicated = []
    for town, village, grid in geo.iter_grids(county):
        assert grid.kind in ("comprehensive", "dedicated")
        if grid.kind == "dedicated":
            assert grid.name.endswith("专属网格")
            dedicated.append(grid.name)
        else:
            assert grid.name.startswith(village.name + "第") and grid.name.endswith("网格")
        if town.kind == "park":
            assert grid.kind == "dedicated"
    assert {"民乐一中校园专属网格", "农贸市场专属网格"} <= set(dedicated)
    assert 6 < len(dedicated) < 20
    for town, village in geo.iter_villages(county):
        if town.kind == "park":
            continue
        low, high = (4, 8) if village.kind == "community" else (1, 3)
        assert low <= len(village.grids) <= high, village.name
    per_grid = [len(g.micro_grids) for g in _grids(county)]
    assert min(per_grid) >= 1 and max(per_grid) <= 4


def test_iter_grids_links_parents(county: geo.County) -> None:
    for town, village, grid in geo.iter_grids(county):
        assert village in town.villages and grid in village.grids


# --- geometry ---------------------------------------------------------------------------------


def test_geometries_valid_and_polygonal(county: geo.County) -> None:
    geoms = _all_geometries(county)
    assert len(geoms) == 1 + 12 + 186 + 448 + 896
    for geom in geoms:
        assert geom.geom_type in ("Polygon", "MultiPolygon")
        assert geom.is_valid and not geom.is_empty and geom.area > 0


def test_towns_partition_county(county: geo.County) -> None:
    _assert_partition(county.outline, [t.geometry for t in county.towns])


def test_villages_partition_towns(county: geo.County) -> None:
    for town in county.towns:
        _assert_partition(town.geometry, [v.geometry for v in town.villages])


def test_grids_partition_villages(county: geo.County) -> None:
    for village in _villages(county):
        _assert_partition(village.geometry, [g.geometry for g in village.grids])


def test_micro_grids_partition_grids(county: geo.County) -> None:
    for grid in _grids(county):
        _assert_partition(grid.geometry, [m.geometry for m in grid.micro_grids])


def test_no_overlaps_across_the_whole_level(county: geo.County) -> None:
    for level in (_towns, _villages, _grids, _micro_grids):
        assert _worst_overlap([u.geometry for u in level(county)]) < OVERLAP_TOLERANCE


def test_grid_areas_add_up_to_the_county(county: geo.County) -> None:
    """The acceptance criterion: the 448 grids cover the outline to within 0.5%."""
    outline = geo.area_km2(county.outline)
    grids = sum(geo.area_km2(g.geometry) for g in _grids(county))
    assert 1000 < outline < 5000
    assert abs(grids - outline) <= 0.005 * outline


def test_urban_committee_round_the_county_seat(county: geo.County) -> None:
    by_name = {t.name: t for t in county.towns}
    urban, hongshui = by_name["城区社区管理委员会"], by_name["洪水镇"]
    seat = Point(geo.COUNTY_SEAT)
    assert urban.geometry.contains(seat)
    assert math.pi * 2.5**2 * 0.9 < geo.area_km2(urban.geometry) < math.pi * 4.0**2
    # every boundary vertex 2.4-4.1 km from the seat
    lon, lat = np.asarray(urban.geometry.exterior.coords).T
    dx = (lon - seat.x) * 111.32 * math.cos(math.radians(seat.y))
    dy = (lat - seat.y) * 110.95
    dist = np.hypot(dx, dy)
    assert dist.min() > 2.4 and dist.max() < 4.1
    assert urban.geometry.touches(hongshui.geometry)
    assert geo.area_km2(hongshui.geometry) > 2 * geo.area_km2(urban.geometry)


def test_town_seats_inside_their_towns(county: geo.County) -> None:
    for town in county.towns:
        if town.name == "洪水镇":  # its seat is in the county town, now the urban committee
            continue
        assert town.geometry.contains(Point(town.center)), town.name


def test_sizes_plausible(county: geo.County) -> None:
    by_name = {t.name: t for t in county.towns}

    def mean_village_km2(name: str) -> float:
        town = by_name[name]
        return geo.area_km2(town.geometry) / len(town.villages)

    assert mean_village_km2("南丰乡") > 2 * mean_village_km2("洪水镇")  # mountains are sparse

    def mean_grid_km2(name: str) -> float:
        town = by_name[name]
        return geo.area_km2(town.geometry) / sum(len(v.grids) for v in town.villages)

    assert mean_grid_km2("城区社区管理委员会") < mean_grid_km2("洪水镇") < mean_grid_km2("南丰乡")
    assert 10 < geo.area_km2(by_name["民乐生态工业园区"].geometry) < 60


def test_label_points_inside(county: geo.County) -> None:
    for unit in _towns(county) + _villages(county) + _grids(county)[::7]:
        point = unit.label_point
        assert unit.geometry.contains(point), unit.name
    assert county.outline.contains(county.label_point)


# --- helpers ----------------------------------------------------------------------------------


def test_area_km2_matches_ellipsoid() -> None:
    lat = 38.43
    cell = box(100.80, lat, 100.81, lat + 0.01)
    a, e2 = 6378137.0, 0.00669437999014
    phi = math.radians(lat + 0.005)
    s2 = 1 - e2 * math.sin(phi) ** 2
    m_radius = a * (1 - e2) / s2**1.5  # meridional radius of curvature
    n_radius = a / math.sqrt(s2)  # prime vertical radius of curvature
    expected = math.radians(0.01) * m_radius * math.radians(0.01) * n_radius * math.cos(phi) / 1e6
    assert geo.area_km2(cell) == pytest.approx(expected, rel=1e-4)


def test_to_geojson_is_lossless_for_the_demo(county: geo.County) -> None:
    """Every generated vertex lies on the 1e-6 grid, so 6-decimal GeoJSON keeps the partitions."""
    units = _towns(county) + _villages(county) + _grids(county) + _micro_grids(county)
    for unit in units:
        gj = geo.to_geojson(unit.geometry)
        json.dumps(gj)
        assert gj["type"] == unit.geometry.geom_type
        assert shapely.equals_exact(shape(gj), unit.geometry, tolerance=0)
        ring = gj["coordinates"][0] if gj["type"] == "Polygon" else gj["coordinates"][0][0]
        assert all(round(c, 6) == c for xy in ring for c in xy)
    micro = [shape(geo.to_geojson(m.geometry)) for m in _micro_grids(county)]
    assert _worst_overlap(micro) < OVERLAP_TOLERANCE


def test_to_geojson_never_returns_invalid_geometry() -> None:
    # a sliver that plain rounding to 6 decimals would flatten
    sliver = Polygon([(100.0, 38.0), (100.01, 38.0000002), (100.02, 38.0), (100.01, 38.0000004)])
    assert sliver.is_valid
    assert shape(geo.to_geojson(sliver)).is_valid


def test_outline_is_the_source_fence(county: geo.County) -> None:
    source = geo.load_source_outline()
    assert len(source.exterior.coords) == 2808
    assert shapely.hausdorff_distance(county.outline, source) < 1e-6
    assert abs(county.outline.area - source.area) < 1e-7 * source.area


def test_chinese_numerals() -> None:
    assert [geo.chinese_numeral(n) for n in (1, 8, 10, 11, 20, 23)] == [
        "一",
        "八",
        "十",
        "十一",
        "二十",
        "二十三",
    ]


# --- determinism ------------------------------------------------------------------------------


def _wkbs(county: geo.County) -> list[bytes]:
    return [shapely.to_wkb(g) for g in _all_geometries(county)]


def test_same_seed_same_geometry(county: geo.County) -> None:
    again = geo.build_county(geo.DEFAULT_SEED)
    assert _wkbs(again) == _wkbs(county)
    assert [g.code for g in _grids(again)] == [g.code for g in _grids(county)]


def test_other_seed_other_grids(county: geo.County) -> None:
    other = geo.build_county(7)
    assert len(_grids(other)) == 448 and len(_micro_grids(other)) == 896
    assert len(_villages(other)) == 186
    mine = {g.code: shapely.to_wkb(g.geometry) for g in _grids(county)}
    theirs = {g.code: shapely.to_wkb(g.geometry) for g in _grids(other)}
    assert sum(mine.get(code) != wkb for code, wkb in theirs.items()) > 300
    outline = geo.area_km2(other.outline)
    assert abs(sum(geo.area_km2(g.geometry) for g in _grids(other)) - outline) <= 0.005 * outline
