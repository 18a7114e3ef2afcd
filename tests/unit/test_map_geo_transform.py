"""GCJ-02 ↔ WGS-84 against published reference pairs."""

from __future__ import annotations

import math

import pytest

from command_center.services import geo_transform as gt

# wgs84 → gcj02 of Tiananmen (116.404, 39.915): the reference pair of the widely used
# coordtransform / eviltransform implementations
WGS_BEIJING = (116.404, 39.915)
GCJ_BEIJING = (116.41024449916938, 39.91640428150164)


def test_wgs_to_gcj_matches_the_reference_pair() -> None:
    lon, lat = gt.wgs_to_gcj(*WGS_BEIJING)
    assert lon == pytest.approx(GCJ_BEIJING[0], abs=1e-9)
    assert lat == pytest.approx(GCJ_BEIJING[1], abs=1e-9)


def test_gcj_to_wgs_undoes_it_to_a_millimetre() -> None:
    lon, lat = gt.gcj_to_wgs(*GCJ_BEIJING)
    assert lon == pytest.approx(WGS_BEIJING[0], abs=1e-8)  # about a millimetre
    assert lat == pytest.approx(WGS_BEIJING[1], abs=1e-8)


def test_the_offset_in_minle_county_is_a_few_hundred_metres() -> None:
    lon, lat = 100.81, 38.43  # the county seat, GCJ-02
    wlon, wlat = gt.gcj_to_wgs(lon, lat)
    metres = math.hypot(
        (lon - wlon) * 111_320 * math.cos(math.radians(lat)), (lat - wlat) * 110_540
    )
    assert 100 < metres < 700
    back = gt.wgs_to_gcj(wlon, wlat)
    assert back == pytest.approx((lon, lat), abs=1e-8)


def test_columns_give_the_same_answer_as_single_points() -> None:
    lons = [100.81, 116.41024449916938, 139.7]  # the last: Tokyo, outside China
    lats = [38.43, 39.91640428150164, 35.6]
    wlon, wlat = gt.gcj_to_wgs_arrays(lons, lats)
    for i in range(3):
        assert (wlon[i], wlat[i]) == pytest.approx(gt.gcj_to_wgs(lons[i], lats[i]), abs=1e-9)
    assert (wlon[2], wlat[2]) == (139.7, 35.6)


def test_outside_china_nothing_moves() -> None:
    assert gt.wgs_to_gcj(139.7, 35.6) == (139.7, 35.6)
    assert gt.gcj_to_wgs(2.35, 48.85) == (2.35, 48.85)


def test_polygons_convert_every_vertex_and_back() -> None:
    poly = {
        "type": "Polygon",
        "coordinates": [[[100.8, 38.4], [100.9, 38.4], [100.9, 38.5], [100.8, 38.4]]],
    }
    wgs = gt.geojson_gcj_to_wgs(poly)
    assert wgs["type"] == "Polygon"
    assert wgs["coordinates"][0][1] == pytest.approx(list(gt.gcj_to_wgs(100.9, 38.4)), abs=1e-6)
    back = gt.geojson_wgs_to_gcj(wgs)
    for got, want in zip(back["coordinates"][0], poly["coordinates"][0], strict=True):
        assert got == pytest.approx(want, abs=1e-6)
    multi = {"type": "MultiPolygon", "coordinates": [poly["coordinates"]]}
    assert gt.geojson_gcj_to_wgs(multi)["coordinates"][0] == wgs["coordinates"]
