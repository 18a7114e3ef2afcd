"""The map page, built once with folium and served through ``app://`` from local files.

folium's own templates point at CDNs; every script and style sheet is pointed at a local copy
(Leaflet from the ``xstatic-leaflet`` package; leaflet.heat vendored under
resources/map/vendor, see its PROVENANCE.md; our bridge from resources/map), the ones the page
does not use are dropped, and :func:`build_page` refuses to return a page that still names an
``https://`` address: command centres run on closed networks.
"""

from __future__ import annotations

import re
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[3] / "resources" / "map"
BASE = "app://cc"
LOCAL_JS = [
    ("leaflet", f"{BASE}/vendor/leaflet/leaflet.js"),
    ("leaflet_heat", f"{BASE}/map/vendor/leaflet-heat/leaflet-heat.js"),
    ("qwebchannel", "qrc:///qtwebchannel/qwebchannel.js"),
    ("cc_map", f"{BASE}/map/map.js"),
]
LOCAL_CSS = [
    ("leaflet_css", f"{BASE}/vendor/leaflet/leaflet.css"),
    ("cc_map_css", f"{BASE}/map/map.css"),
]
MAX_ZOOM = 18  # without tiles Leaflet has no max zoom of its own


class OnlineResourceError(RuntimeError):
    pass


def build_page(center: tuple[float, float], zoom: int = 9) -> str:
    """The HTML of the map page; ``center`` is (lat, lon)."""
    import folium  # here, not at the top: it costs half a second of the program's start

    m = folium.Map(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        max_zoom=MAX_ZOOM,
        min_zoom=6,
        prefer_canvas=True,
        control_scale=True,
        zoom_control=True,
        zoom_snap=0.25,
    )
    for element in [m.get_root(), *m.get_root()._children.values(), m]:
        if hasattr(element, "default_js"):
            element.default_js = []
        if hasattr(element, "default_css"):
            element.default_css = []
    m.options["maxZoom"] = MAX_ZOOM  # folium gives it to the tile layer, and there is none
    # no zoom animations: a view the wall is not looking at gets no animation frames, and a
    # zoom that waits for one swallows every zoom after it
    m.options.update(zoomAnimation=False, fadeAnimation=False, markerZoomAnimation=False)
    m.default_js = LOCAL_JS
    m.default_css = LOCAL_CSS
    html = m.get_root().render()
    # folium names its map object map_<hash>; the bridge needs a stable handle
    attach = f"<script>ccMap.attach({m.get_name()});</script>\n"
    html = html.replace("</html>", attach + "</html>") if "</html>" in html else html + attach
    online = sorted(set(re.findall(r"https?://[^\"' )]+", html)))
    online = [u for u in online if not u.startswith(("http://www.w3.org",))]
    if online:
        raise OnlineResourceError(f"map page would load from the internet: {online}")
    return html
