"""Reading boundary files (services/boundaries.py, no database): the shapes, encodings and
property names real files come in, the coordinate system, and the sibling checks' tolerance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from command_center.services import boundaries, geo_transform
from command_center.services.boundaries import Neighbour, NotGeoJSON

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "boundaries"
SQUARE = [[102.0, 39.0], [102.1, 39.0], [102.1, 39.1], [102.0, 39.1], [102.0, 39.0]]
POLY = {"type": "Polygon", "coordinates": [SQUARE]}


def _doc(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize(
    "doc",
    [
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {"name": "甲"}, "geometry": POLY}],
        },
        {"type": "Feature", "properties": {"name": "甲"}, "geometry": POLY},
        [{"type": "Feature", "properties": {"name": "甲"}, "geometry": POLY}],
    ],
    ids=["collection", "feature", "array"],
)
def test_each_shape_gives_the_one_area(doc: object) -> None:
    read = boundaries.read(_doc(doc), "gcj02")
    assert [(a.name, a.geometry.geom_type) for a in read.areas] == [("甲", "Polygon")]
    assert read.findings == [] and read.source_crs == geo_transform.GCJ02


def test_a_bare_geometry_takes_the_files_name() -> None:
    read = boundaries.read(_doc(POLY), "gcj02", default_name="示范县")
    assert [a.name for a in read.areas] == ["示范县"] and read.findings == []
    assert [f.kind for f in boundaries.read(_doc(POLY), "gcj02").findings] == ["name_missing"]


def test_encodings_bom_and_gb18030() -> None:
    doc = {"type": "Feature", "properties": {"名称": "东一村"}, "geometry": POLY}
    text = json.dumps(doc, ensure_ascii=False)
    for data in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("gb18030")):
        assert boundaries.read(data, "gcj02").areas[0].name == "东一村"
    assert [
        a.name
        for a in boundaries.read(
            (FIXTURES / "villages_gb18030.geojson").read_bytes(), "gcj02"
        ).areas
    ] == ["东一村", "东二村"]
    with pytest.raises(NotGeoJSON, match="UTF-16"):
        boundaries.read(text.encode("utf-16"), "gcj02")


def test_datav_properties_adcode_and_parent_object() -> None:
    # DataV (阿里云) writes numbers and a parent object, and 3-D coordinates now and then
    ring3d = [[x, y, 1520.0] for x, y in SQUARE]
    doc = {
        "type": "Feature",
        "properties": {"adcode": 620722, "name": "民乐县", "parent": {"adcode": 620700}},
        "geometry": {"type": "MultiPolygon", "coordinates": [[ring3d]]},
    }
    (area,) = boundaries.read(_doc(doc), "gcj02").areas
    assert (area.name, area.code, area.parent) == ("民乐县", "620722", "620700")
    # a MultiPolygon of one part is kept as the Polygon it is; the heights are dropped
    assert area.geometry.geom_type == "Polygon" and not area.geometry.has_z


def test_the_coordinate_system_is_declared_asked_or_refused() -> None:
    declared = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:4490"}},
        "features": [{"type": "Feature", "properties": {"name": "甲"}, "geometry": POLY}],
    }
    read = boundaries.read(_doc(declared))
    assert read.source_crs == geo_transform.WGS84
    x, y = read.areas[0].geometry.exterior.coords[0]
    assert (x, y) == pytest.approx(geo_transform.wgs_to_gcj(102.0, 39.0))
    # the option wins over the declaration
    assert boundaries.read(_doc(declared), "gcj02").areas[0].geometry.exterior.coords[0] == (
        102.0,
        39.0,
    )
    with pytest.raises(NotGeoJSON, match="--crs"):
        boundaries.read(_doc(POLY))
    projected = dict(declared, crs={"type": "name", "properties": {"name": "EPSG:3857"}})
    with pytest.raises(NotGeoJSON, match="EPSG:3857"):
        boundaries.read(_doc(projected))


def test_metres_are_not_longitude_and_latitude() -> None:
    metres = [[3.5e7, 4.3e6], [3.51e7, 4.3e6], [3.51e7, 4.31e6], [3.5e7, 4.31e6], [3.5e7, 4.3e6]]
    doc = {
        "type": "Feature",
        "properties": {"name": "甲"},
        "geometry": {"type": "Polygon", "coordinates": [metres]},
    }
    read = boundaries.read(_doc(doc), "wgs84")
    assert [f.kind for f in read.findings] == ["bad_coordinates"] and read.usable == []
    assert "projected" in read.findings[0].en
    swapped = [[y, x] for x, y in SQUARE]
    doc["geometry"] = {"type": "Polygon", "coordinates": [swapped]}
    (f,) = boundaries.read(_doc(doc), "gcj02").findings
    assert f.kind == "bad_coordinates" and "纬度在前" in f.zh


def _area(name: str, x0: float, x1: float) -> boundaries.Area:
    from shapely.geometry import box

    return boundaries.Area(0, name, None, None, None, box(x0, 39.0, x1, 39.1))


def test_shared_edges_and_slivers_are_no_overlap_but_ten_metres_are() -> None:
    from shapely.geometry import box

    parent = Neighbour("镇", box(102.0, 39.0, 102.2, 39.1))
    # exactly adjacent: nothing to say
    assert (
        boundaries.check_group([_area("甲", 102.0, 102.1), _area("乙", 102.1, 102.2)], parent) == []
    )
    # 0.2 m of overlap along a 11 km edge (a border digitised twice): under the tolerance
    sliver = 0.2 / 111_320 / 0.777
    assert (
        boundaries.check_group(
            [_area("甲", 102.0, 102.1 + sliver), _area("乙", 102.1, 102.2)], parent
        )
        == []
    )
    # 10 m: an overlap, with its area
    ten = 10 / 111_320 / 0.777
    (f,) = boundaries.check_group(
        [_area("甲", 102.0, 102.1 + ten), _area("乙", 102.1, 102.2)], parent
    )
    assert f.kind == "overlap" and f.area == "甲" and "乙" in f.zh
    from shapely.geometry import shape

    assert boundaries.area_m2(shape(f.geometry)) == pytest.approx(111_000, rel=0.02)
