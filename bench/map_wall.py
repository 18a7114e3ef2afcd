"""The map wall with 50,000 incidents: first draw, live updates, memory, and folium markers.

Prints one JSON line:
  first_draw_s               boundaries + 50,000 incidents pushed as JSON and drawn, after fetch
  folium_markers_s           the same incidents as folium Markers in a MarkerCluster: building
                             the page in Python and loading it until the cluster layer is on
  speedup_vs_folium_markers  folium_markers_s / first_draw_s
  update_100_ms              100 changed incidents pushed and redrawn (median of 20)
  heap_growth_pct            JS heap after 1,000 updates against after the first 100
Targets: first_draw_s ≤ 1.0, speedup ≥ 10, update_100_ms ≤ 50, heap_growth_pct ≤ 10.
    python bench/map_wall.py --database-url URL   (a demo county with ≥ 50,000 incidents)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# not bench/ itself: a benchmark named like a standard module (bench/queue.py) would shadow it
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
N = 50_000
HEAP = "(window.gc && gc(), (performance.memory || {}).usedJSHeapSize || 0)"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default=os.environ.get("COMMAND_CENTER_DATABASE_URL"))
    ap.add_argument("--updates", type=int, default=1000)
    ap.add_argument("--no-folium", action="store_true", help="skip the folium comparison")
    args = ap.parse_args()
    if not args.database_url:
        ap.error("--database-url (a seeded demo county) is required")
    # exact heap figures (Chromium rounds them otherwise) and a way to collect before measuring
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (
        os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        + " --enable-precise-memory-info --js-flags=--expose-gc"
    )
    import main as entry

    entry._prepare_webengine()
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtWidgets import QApplication

    app = QApplication([])  # noqa: F841  (kept alive for the run)
    from sqlalchemy.orm import Session

    from command_center.db.engine import make_engine, make_session_factory
    from command_center.services import map_data
    from command_center.views.map.map_view import MapView
    from command_center.workers.ops import OpsRunner

    engine = make_engine(args.database_url)
    with Session(engine) as s:
        bounds = map_data.boundaries(s)
        points = map_data.incident_points(s, map_data.IncidentFilter())
    cols = {k: v[:N] for k, v in points.columns.items()}
    n = len(cols["id"])

    runner = OpsRunner(make_session_factory(engine))
    view = MapView(runner)  # loads its own (small) data too; we replace it below
    view.resize(1600, 1000)
    view.show()

    def wait(predicate, timeout=60.0) -> None:  # type: ignore[no-untyped-def]
        loop = QEventLoop()
        deadline = time.time() + timeout
        while not predicate():
            if time.time() > deadline:
                raise TimeoutError
            QTimer.singleShot(10, loop.quit)
            loop.exec()

    def js(script: str):  # type: ignore[no-untyped-def]
        box: list[object] = []
        loop = QEventLoop()

        def done(result: object) -> None:
            box.append(result)
            loop.quit()

        view.page.runJavaScript(script, 0, done)
        if not box:
            loop.exec()
        return box[0]

    wait(lambda: view.is_ready)
    wait(lambda: runner.pending == 0)
    js("ccMap.info().incidents")

    done: list[str] = []
    view.bridge.sig_push_done.connect(lambda method, _ms: done.append(method))

    def push(method: str, *args: object) -> None:
        """Push over the web channel as the map view does; wait for the page's answer."""
        done.clear()
        loop = QEventLoop()
        view.bridge.sig_push_done.connect(loop.quit)
        view.push(method, *args)
        if not done:
            loop.exec()
        view.bridge.sig_push_done.disconnect(loop.quit)

    # first complete draw: boundaries and incidents, from Python data to pixels
    started = time.perf_counter()
    push("setBoundaries", {"layers": bounds.layers, "bounds": bounds.bounds})
    push("setIncidents", cols)
    js("new Promise(r => requestAnimationFrame(() => r(1)))")  # painted
    first_draw = time.perf_counter() - started

    # live updates: 100 incidents change status
    rng = random.Random(1)
    times = []
    heap_100 = heap_1000 = None
    for i in range(args.updates):
        rows = rng.sample(range(n), 100)
        upd: dict[str, Any] = {f: [cols[f][r] for r in rows] for f in map_data.POINT_FIELDS}
        upd["status"] = [rng.randrange(7) for _ in rows]  # indexes into status_names
        upd["status_names"] = cols["status_names"]
        upd["overdue"] = [rng.random() < 0.1 for _ in rows]
        upd["overdue"] = [int(x) for x in upd["overdue"]]
        t0 = time.perf_counter()
        push("updateIncidents", upd, False)
        times.append((time.perf_counter() - t0) * 1000)
        if i == 99:
            heap_100 = js(HEAP)
        if i == args.updates - 1:
            heap_1000 = js(HEAP)

    if args.no_folium:
        runner.shutdown()
        engine.dispose()
        print(
            json.dumps(
                {
                    "incidents": n,
                    "first_draw_s": round(first_draw, 3),
                    "update_100_ms": round(statistics.median(times), 1),
                    "update_100_p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))], 1),
                    "update_100_max_ms": round(max(times), 1),
                    "slowest_updates": [
                        i for i, _t in sorted(enumerate(times), key=lambda x: -x[1])[:8]
                    ],
                    "heap_growth_pct": round(100 * (heap_1000 - heap_100) / heap_100, 1)
                    if heap_100
                    else None,
                }
            )
        )
        return 0

    # the same incidents as folium markers
    import folium
    from folium.plugins import MarkerCluster

    started = time.perf_counter()
    fm = folium.Map(location=[38.43, 100.81], zoom_start=9, tiles=None)
    fm.options["maxZoom"] = 18  # markercluster needs it on the map itself
    cluster = MarkerCluster().add_to(fm)
    for lat, lon in zip(cols["lat"], cols["lon"], strict=True):
        folium.Marker([lat, lon]).add_to(cluster)
    html = fm.get_root().render()
    built = time.perf_counter() - started
    # served locally like our page (the CDN addresses point at our copies)
    html = html.replace(
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/", "app://cc/vendor/leaflet/"
    ).replace(
        "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/",
        "app://cc/vendor/markercluster/",
    )
    view._handler.set_page("/folium.html", html)
    loaded: list[bool] = []
    view.page.loadFinished.connect(loaded.append)
    t0 = time.perf_counter()
    view.view.load(QUrl("app://cc/folium.html"))
    wait(lambda: bool(loaded), timeout=300)
    folium_s = built + time.perf_counter() - t0

    runner.shutdown()
    engine.dispose()
    print(
        json.dumps(
            {
                "incidents": n,
                "first_draw_s": round(first_draw, 3),
                "folium_markers_s": round(folium_s, 2),
                "folium_build_s": round(built, 2),
                "speedup_vs_folium_markers": round(folium_s / first_draw, 1),
                "update_100_ms": round(statistics.median(times), 1),
                "update_100_p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))], 1),
                "heap_growth_pct": round(100 * (heap_1000 - heap_100) / heap_100, 1)
                if heap_100
                else None,
                "heap_mb": round((heap_1000 or 0) / 1e6, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
