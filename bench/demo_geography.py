"""Time the demo geography build; prints one JSON line.

Run: .venv/bin/python bench/demo_geography.py [seed]
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import shapely

from command_center.demo import geography as geo


def _worst_overlap(geoms: list[shapely.Geometry]) -> float:
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    if not keep.any():
        return 0.0
    a, b = np.take(geoms, left[keep]), np.take(geoms, right[keep])
    shared = shapely.area(shapely.intersection(a, b))
    return float((shared / np.minimum(shapely.area(a), shapely.area(b))).max())


def main() -> None:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else geo.DEFAULT_SEED
    geo.load_source_outline()  # file reading is not what we time
    start = time.perf_counter()
    county = geo.build_county(seed)
    seconds = time.perf_counter() - start
    grids = [g.geometry for _t, _v, g in geo.iter_grids(county)]
    micros = [m.geometry for *_rest, m in geo.iter_micro_grids(county)]
    outline_km2 = geo.area_km2(county.outline)
    grids_km2 = sum(geo.area_km2(g) for g in grids)
    result = {
        "bench": "demo_geography.build_county",
        "seed": seed,
        "seconds": round(seconds, 3),
        "towns": len(county.towns),
        "villages": sum(len(t.villages) for t in county.towns),
        "grids": len(grids),
        "micro_grids": len(micros),
        "outline_km2": round(outline_km2, 3),
        "grids_km2": round(grids_km2, 3),
        "grids_vs_outline": round(grids_km2 / outline_km2 - 1, 9),
        "worst_overlap_grids": _worst_overlap(grids),
        "worst_overlap_micro_grids": _worst_overlap(micros),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
