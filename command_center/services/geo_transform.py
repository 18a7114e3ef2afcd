"""GCJ-02 (the Chinese "Mars" datum every stored coordinate is in) and WGS-84 (GPS, Tianditu).

The forward transform (WGS-84 → GCJ-02) is the published one; the inverse has no closed form
and is found by fixed-point iteration (a few steps reach well under a millimetre). Outside
mainland China the two datums are the same and coordinates pass unchanged.

Scalar functions for single points, ``*_arrays`` for columns of many (numpy), and
:func:`geojson_gcj_to_wgs` for boundaries.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

A = 6378245.0  # Krasovsky 1940 semi-major axis
EE = 0.00669342162296594323  # its eccentricity squared
GCJ02 = "GCJ-02"
WGS84 = "WGS-84"


def out_of_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _delta(lon: Any, lat: Any, xp: Any = math) -> tuple[Any, Any]:
    """(dlon, dlat) in degrees that GCJ-02 adds to a WGS-84 point; works on floats or arrays."""
    x, y = lon - 105.0, lat - 35.0
    sqrt_abs_x = xp.sqrt(abs(x)) if xp is math else np.sqrt(np.abs(x))
    pi = math.pi
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * sqrt_abs_x
        + (20.0 * xp.sin(6.0 * x * pi) + 20.0 * xp.sin(2.0 * x * pi)) * 2.0 / 3.0
        + (20.0 * xp.sin(y * pi) + 40.0 * xp.sin(y / 3.0 * pi)) * 2.0 / 3.0
        + (160.0 * xp.sin(y / 12.0 * pi) + 320 * xp.sin(y * pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * sqrt_abs_x
        + (20.0 * xp.sin(6.0 * x * pi) + 20.0 * xp.sin(2.0 * x * pi)) * 2.0 / 3.0
        + (20.0 * xp.sin(x * pi) + 40.0 * xp.sin(x / 3.0 * pi)) * 2.0 / 3.0
        + (150.0 * xp.sin(x / 12.0 * pi) + 300.0 * xp.sin(x / 30.0 * pi)) * 2.0 / 3.0
    )
    rad_lat = lat / 180.0 * pi
    magic = 1 - EE * xp.sin(rad_lat) ** 2
    sqrt_magic = xp.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sqrt_magic) * pi)
    dlon = (dlon * 180.0) / (A / sqrt_magic * xp.cos(rad_lat) * pi)
    return dlon, dlat


def wgs_to_gcj(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    dlon, dlat = _delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj_to_wgs(lon: float, lat: float) -> tuple[float, float]:
    """The WGS-84 point whose GCJ-02 image is (lon, lat), to well under a millimetre."""
    if out_of_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(10):
        glon, glat = wgs_to_gcj(wlon, wlat)
        ex, ey = glon - lon, glat - lat
        wlon, wlat = wlon - ex, wlat - ey
        if abs(ex) < 1e-10 and abs(ey) < 1e-10:
            break
    return wlon, wlat


def gcj_to_wgs_arrays(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """:func:`gcj_to_wgs` on columns (anything numpy takes); points outside China unchanged."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    inside = (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)
    wlon, wlat = lon.copy(), lat.copy()
    for _ in range(6):
        dlon, dlat = _delta(wlon, wlat, np)
        ex, ey = wlon + dlon - lon, wlat + dlat - lat
        wlon = np.where(inside, wlon - ex, lon)
        wlat = np.where(inside, wlat - ey, lat)
    return wlon, wlat


def geojson_gcj_to_wgs(geometry: dict[str, Any]) -> dict[str, Any]:
    """A copy of a GeoJSON geometry (Polygon/MultiPolygon/LineString/Point …) in WGS-84."""

    def convert(coords: Any) -> Any:
        if not coords:
            return coords
        if isinstance(coords[0], (int, float)):
            lon, lat = gcj_to_wgs(coords[0], coords[1])
            return [round(lon, 7), round(lat, 7)]
        if (
            isinstance(coords[0], (list, tuple))
            and coords[0]
            and isinstance(coords[0][0], (int, float))
        ):
            arr = np.asarray(coords, dtype=float)
            lons, lats = gcj_to_wgs_arrays(arr[:, 0], arr[:, 1])
            return np.round(np.column_stack([lons, lats]), 7).tolist()
        return [convert(c) for c in coords]

    if geometry.get("type") == "GeometryCollection":
        return {**geometry, "geometries": [geojson_gcj_to_wgs(g) for g in geometry["geometries"]]}
    return {**geometry, "coordinates": convert(geometry.get("coordinates"))}


def geojson_wgs_to_gcj(geometry: dict[str, Any]) -> dict[str, Any]:
    """The other way (a polygon drawn on WGS-84 tiles, back to the stored datum)."""

    def convert(coords: Any) -> Any:
        if coords and isinstance(coords[0], (int, float)):
            lon, lat = wgs_to_gcj(coords[0], coords[1])
            return [round(lon, 7), round(lat, 7)]
        return [convert(c) for c in coords]

    return {**geometry, "coordinates": convert(geometry.get("coordinates"))}
