/* Command Center map page: data arrives as JSON over QWebChannel, drawing is on a canvas.
 * Python calls ccMap.setBoundaries / setIncidents / updateIncidents / highlight / setTiles /
 * setChoropleth / setWorkers / setCameras / setDisputes / setArea / startLasso / startPick /
 * setRules / setWall;
 * the page calls bridge.pageReady(), bridge.incidentClicked(id), bridge.areaDrawn(geojson),
 * bridge.pointPicked(lon, lat) and bridge.pickCancelled(). */
"use strict";

var ccMap = (function () {
  // by status code (services/lifecycle.py names the statuses). map_data sends each point's
  // status as an index into the status_names that come with the data: small numbers to parse
  // and keep, and no order for this page to know.
  var STATUS_COLORS = {new: "#e67e22", accepted: "#f1c40f", dispatched: "#2980b9",
                       in_progress: "#8e44ad", resolved: "#27ae60", verified: "#16a085",
                       closed: "#95a5a6", merged: "#bdc3c7", rejected: "#7f8c8d"};
  var POINT_ZOOM = 12;          // below: clusters; from here on: individual markers
  var CELL_PX = 56;             // cluster cell size on screen
  var map = null, bridge = null, renderer = null;
  var data = {id: [], lon: [], lat: [], status: [], priority: [], overdue: []};
  var fillOf = [];              // status index -> colour, from the status_names sent
  var index = new Map();        // id -> row
  var boundaryLayers = {}, labelLayers = {}, incidentLayer = null, highlightLayer = null;
  var markers = new Map();      // id -> circle marker (point mode only)
  var visible = {incidents: true, town: true, village: true, grid: true, heat: false,
                 choropleth: false, workers: false, cameras: false, disputes: false};
  var gridFeatures = null, choro = null, choroLayer = null, legend = null, heatLayer = null;
  var heatDirty = true, tileLayer = null, areaLayer = null, drawing = null, mode = null;
  var extra = {workers: null, cameras: null, disputes: null};  // layer groups
  var extraCounts = {workers: 0, cameras: 0, disputes: 0};
  var heatLegend = null, texts = {};  // texts: translated words from Python (setTexts)
  var stats = {lastDrawMs: 0, lastUpdateMs: 0, draws: 0};
  var clusters = null;          // {zoom, cellOf: row -> cell, cells: [...], byKey: Map}
  // which clusters are marked overdue: services/map_data.py overdue_mark() is the rule, its
  // thresholds come from Python (setRules); these are only what the page starts with
  var rules = {min: 3, ring_share: 0.3, fill_share: 0.5};
  var wall = false, keyControl = null;  // wall mode (a dark page, large type); the legend control

  // Every string this page puts into HTML (a divIcon, a tooltip, a legend) goes through esc():
  // names, summaries and words come from the database, and text from outside is text.
  var ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"};
  function esc(value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/[&<>"']/g, function (ch) { return ESCAPES[ch]; });
  }

  function attach(leafletMap) {
    map = leafletMap;
    renderer = L.canvas({padding: 0.3});
    map.createPane("boundaries").style.zIndex = 350;
    map.createPane("labels").style.zIndex = 450;
    map.createPane("townLabels").style.zIndex = 650;  // town names above the clusters
    map.createPane("choropleth").style.zIndex = 300;
    map.createPane("cameras").style.zIndex = 560;  // under the clusters' counts
    map.boxZoom.disable();  // shift-drag draws an area instead
    incidentLayer = L.layerGroup().addTo(map);
    areaLayer = L.layerGroup().addTo(map);
    installDrawing();
    highlightLayer = L.layerGroup().addTo(map);
    map.on("zoomend", function () { updateLabels(); draw(); });
    map.on("resize", function () { if (wall) { fitCounty(); } updateLabels(); });
    map.on("moveend", function () { if (map.getZoom() >= POINT_ZOOM) { draw(); } });
    if (typeof QWebChannel !== "undefined" && typeof qt !== "undefined") {
      new QWebChannel(qt.webChannelTransport, function (channel) {
        bridge = channel.objects.bridge;
        bridge.dataPushed.connect(function (method, payload) {
          var t0 = performance.now();
          api[method].apply(null, JSON.parse(payload));
          bridge.pushDone(method, performance.now() - t0);
        });
        bridge.pageReady();
      });
    }
  }

  var WALL_STYLES = {
    town: {color: "#9cc3ea", weight: 3, fill: false, pane: "boundaries"},
    village: {color: "#4d6a88", weight: 1.2, fill: false, pane: "boundaries"},
    grid: {color: "#2e4358", weight: 0.6, dashArray: "3 3", fill: false, pane: "boundaries"}
  };

  function style(level) {
    if (wall) { return WALL_STYLES[level]; }
    if (level === "town") { return {color: "#1f3550", weight: 2.5, fill: false, pane: "boundaries"}; }
    if (level === "village") { return {color: "#5d7590", weight: 1.2, fill: false, pane: "boundaries"}; }
    return {color: "#9aabbd", weight: 0.6, dashArray: "3 3", fill: false, pane: "boundaries"};
  }

  var countyBounds = null;
  // the whole county on the screen again (after a selection far outside it, a zoom, a pan)
  function fitCounty() {
    if (!countyBounds) { return false; }
    map.fitBounds(countyBounds, {animate: false, padding: wall ? [12, 12] : [0, 0]});
    return true;
  }

  function setBoundaries(payload) {
    ["grid", "village", "town"].forEach(function (level) {
      if (boundaryLayers[level]) { map.removeLayer(boundaryLayers[level]); }
      if (labelLayers[level]) { map.removeLayer(labelLayers[level]); }
      var fc = payload.layers[level];
      if (level === "grid") { gridFeatures = fc; }
      boundaryLayers[level] = L.geoJSON(fc, {style: style(level), interactive: false});
      labelLayers[level] = L.layerGroup(fc.features.map(function (f) {
        return L.marker(f.properties.label, {
          pane: level === "town" ? "townLabels" : "labels", interactive: false,
          icon: L.divIcon({className: "cc-label " + level, html: esc(f.properties.name),
                           iconSize: null, iconAnchor: [0, 0]})
        });
      }));
      if (visible[level]) { boundaryLayers[level].addTo(map); }
    });
    var b = payload.bounds;
    countyBounds = [[b[1], b[0]], [b[3], b[2]]];
    if (payload.fit !== false || wall) { fitCounty(); }
    updateLabels();
    drawChoropleth();
  }

  function updateLabels() {
    var z = map.getZoom();
    var show = {town: z < 11, village: z >= 11 && z < 13, grid: z >= 13};
    Object.keys(labelLayers).forEach(function (level) {
      var on = show[level] && visible[level];
      if (on && !map.hasLayer(labelLayers[level])) { labelLayers[level].addTo(map); }
      if (!on && map.hasLayer(labelLayers[level])) { map.removeLayer(labelLayers[level]); }
      if (on && level === "town") { centre(labelLayers[level]); }
      if (on) { declutter(labelLayers[level]); }
    });
  }

  function centre(group) {
    // a town's name centred over its label point, just above it: the town's cluster, often
    // at that point, stays readable under the name
    group.eachLayer(function (m) {
      var el = m._icon;
      if (!el) { return; }
      el.style.marginLeft = -Math.round(el.offsetWidth / 2) + "px";
      el.style.marginTop = -Math.round(el.offsetHeight + (wall ? 22 : 12)) + "px";
    });
  }

  function declutter(group) {
    // a label that would overprint one already shown waits for a closer zoom
    var kept = [];
    group.eachLayer(function (m) {
      var el = m._icon;
      if (!el) { return; }
      el.style.visibility = "";
      var r = el.getBoundingClientRect();
      var clash = kept.some(function (k) {
        return r.left < k.right + 4 && r.right + 4 > k.left && r.top < k.bottom && r.bottom > k.top;
      });
      if (clash) { el.style.visibility = "hidden"; } else { kept.push(r); }
    });
  }

  function takeStatusNames(cols) {
    if (!cols.status_names) { return; }
    fillOf = cols.status_names.map(function (s) { return STATUS_COLORS[s] || "#7f8c8d"; });
    delete cols.status_names;
  }

  function setIncidents(cols) {
    var t0 = performance.now();
    takeStatusNames(cols);
    data = cols;
    index = new Map();
    for (var i = 0; i < data.id.length; i++) { index.set(data.id[i], i); }
    heatDirty = true;
    draw();
    refreshHeat();
    stats.lastDrawMs = performance.now() - t0;
    return stats.lastDrawMs;
  }

  function updateIncidents(cols, pulse) {
    var t0 = performance.now();
    takeStatusNames(cols);
    var fresh = [], moved = false, touched = new Set();
    var clustered = clusters !== null && map.getZoom() < POINT_ZOOM && visible.incidents;
    for (var k = 0; k < cols.id.length; k++) {
      var id = cols.id[k], row = index.get(id);
      if (row === undefined) {
        row = data.id.length;
        index.set(id, row);
        fresh.push(id);
        data.id.push(id); data.lon.push(cols.lon[k]); data.lat.push(cols.lat[k]);
        data.status.push(cols.status[k]); data.priority.push(cols.priority[k]);
        data.overdue.push(cols.overdue[k]);
        if (clustered) { touched.add(addToCluster(row)); }
      } else {
        if (data.lon[row] !== cols.lon[k] || data.lat[row] !== cols.lat[k]) { moved = true; }
        if (clustered) {
          var cell = clusters.cells[clusters.cellOf[row]];
          cell.overdue += cols.overdue[k] - data.overdue[row];
          touched.add(cell);
        }
        data.lon[row] = cols.lon[k]; data.lat[row] = cols.lat[k]; data.status[row] = cols.status[k];
        data.priority[row] = cols.priority[k]; data.overdue[row] = cols.overdue[k];
      }
      var m = markers.get(id);
      if (m) { m.setStyle(pointStyle(row)); m.setRadius(radius(row)); }
    }
    if (clustered && !moved) {
      touched.forEach(renderCell);  // only the cells that changed
    } else if (moved || (fresh.length && !clustered)) {
      draw();
    }
    if (moved || fresh.length) { heatDirty = true; refreshHeat(); }
    if (pulse) { fresh.forEach(pulseAt); }
    stats.lastUpdateMs = performance.now() - t0;
    return stats.lastUpdateMs;
  }

  function removeIncidents(ids) {
    var gone = new Set(ids.filter(function (id) { return index.has(id); }));
    if (!gone.size) { return; }
    var keep = {id: [], lon: [], lat: [], status: [], priority: [], overdue: []};
    for (var i = 0; i < data.id.length; i++) {
      if (gone.has(data.id[i])) { continue; }
      Object.keys(keep).forEach(function (f) { keep[f].push(data[f][i]); });
    }
    setIncidents(keep);
  }

  function radius(row) { return 9 - 1.5 * data.priority[row]; }

  function pointStyle(row) {
    var overdue = data.overdue[row] === 1;
    return {renderer: renderer, radius: radius(row), color: overdue ? "#c0392b" : "#ffffff",
            weight: overdue ? 3 : 1, fillColor: fillOf[data.status[row]] || "#7f8c8d",
            fillOpacity: 0.9};
  }

  function draw() {
    if (!map) { return; }
    stats.draws++;
    incidentLayer.clearLayers();
    markers.clear();
    clusters = null;
    if (!visible.incidents) { return; }
    if (map.getZoom() >= POINT_ZOOM) { drawPoints(); } else { drawClusters(); }
  }

  function drawPoints() {
    var bounds = map.getBounds().pad(0.3);
    for (var i = 0; i < data.id.length; i++) {
      var lat = data.lat[i], lon = data.lon[i];
      if (!bounds.contains([lat, lon])) { continue; }
      var m = L.circleMarker([lat, lon], pointStyle(i));
      m.ccId = data.id[i];
      m.on("click", onMarkerClick);
      markers.set(data.id[i], m);
      incidentLayer.addLayer(m);
    }
  }

  function onMarkerClick(e) {
    if (bridge) { bridge.incidentClicked(e.target.ccId); }
  }

  function cellKey(p) { return Math.floor(p.x / CELL_PX) + ":" + Math.floor(p.y / CELL_PX); }

  function addToCluster(row) {
    var p = map.project([data.lat[row], data.lon[row]], clusters.zoom), key = cellKey(p);
    var cell = clusters.byKey.get(key);
    if (!cell) {
      cell = {n: 0, x: 0, y: 0, overdue: 0, first: row, marker: null,
              index: clusters.cells.length};
      clusters.byKey.set(key, cell);
      clusters.cells.push(cell);
    }
    clusters.cellOf[row] = cell.index;
    cell.n++; cell.x += p.x; cell.y += p.y; cell.overdue += data.overdue[row];
    return cell;
  }

  function drawClusters() {
    clusters = {zoom: map.getZoom(), cellOf: [], cells: [], byKey: new Map()};
    for (var i = 0; i < data.id.length; i++) { addToCluster(i); }
    clusters.cells.forEach(renderCell);
  }

  // the rule of services/map_data.py overdue_mark(), with its thresholds
  function overdueMark(n, overdue) {
    if (n <= 0 || overdue < rules.min) { return ""; }
    var share = overdue / n;
    if (share >= rules.fill_share) { return "fill"; }
    if (share >= rules.ring_share) { return "ring"; }
    return "";
  }

  function clusterClass(c) {
    // red when much of the cell is overdue, a red rim when a good part of it is; a cell with
    // the county's usual few overdue among many gets neither
    var mark = overdueMark(c.n, c.overdue);
    return "cc-cluster" + (mark === "fill" ? " overdue" : (mark === "ring" ? " some-overdue" : ""));
  }

  function setRules(r) {
    rules = r;
    if (clusters) { draw(); }
  }

  // --- the legend: what the colours, sizes and rings mean (words from Python, setTexts) ---

  var LEGEND_STATUSES = ["new", "accepted", "dispatched", "in_progress", "resolved"];

  function buildKey() {
    if (!map || !texts.legend) { return; }
    if (keyControl) { keyControl.remove(); }
    var t = texts.legend;
    keyControl = L.control({position: "bottomleft"});
    keyControl.onAdd = function () {
      var div = L.DomUtil.create("div", "cc-legend cc-key");
      var rows = ["<b>" + esc(t.title) + "</b>"];
      LEGEND_STATUSES.forEach(function (code) {
        rows.push("<div><span class='cc-dot' style='background:" + STATUS_COLORS[code] +
                  "'></span>" + esc((t.statuses || {})[code] || code) + "</div>");
      });
      rows.push("<div><span class='cc-dot small'></span><span class='cc-dot'></span>" +
                esc(t.size) + "</div>");
      rows.push("<div><span class='cc-dot late'></span>" + esc(t.overdue_point) + "</div>");
      rows.push("<div><span class='cc-swatch cc-cluster'>12</span>" + esc(t.cluster) + "</div>");
      rows.push("<div><span class='cc-swatch cc-cluster some-overdue'>12</span>" + esc(t.ring) +
                "</div>");
      rows.push("<div><span class='cc-swatch cc-cluster overdue'>12</span>" + esc(t.fill) +
                "</div>");
      div.innerHTML = rows.join("");
      return div;
    };
    keyControl.addTo(map);
  }

  // --- wall mode: a dark page with large type; the county fills the screen ---

  function setWall(on) {
    wall = !!on;
    document.body.classList.toggle("cc-wall", wall);
    Object.keys(boundaryLayers).forEach(function (level) {
      boundaryLayers[level].setStyle(style(level));
    });
    if (map) {
      map.options.zoomSnap = wall ? 0.05 : 0.25;  // the county as large as the screen allows
      map.invalidateSize({animate: false});
      if (wall) { fitCounty(); }
      updateLabels();
    }
    return wall;
  }

  function clusterText(c) { return c.n >= 10000 ? Math.round(c.n / 1000) + "k" : String(c.n); }

  function renderCell(c) {
    var zoom = clusters.zoom;
    if (c.n === 1 && c.marker && c.marker.ccId === data.id[c.first] && c.marker.setStyle) {
      // a lone incident whose status changed: restyle the canvas marker, do not rebuild it
      c.marker.setStyle(pointStyle(c.first));
      c.marker.setRadius(radius(c.first));
      return;
    }
    if (c.marker && c.marker.ccCount === c.n && c.n > 1 && c.marker._icon) {
      // only the colour can have changed: restyle the element in place
      c.marker._icon.className = c.marker._icon.className.replace(/cc-cluster[\w\s-]*?(?= leaflet|$)/, clusterClass(c));
      return;
    }
    var at = map.unproject([c.x / c.n, c.y / c.n], zoom);
    if (c.marker) { incidentLayer.removeLayer(c.marker); }
    if (c.n === 1) {
      c.marker = L.circleMarker(at, pointStyle(c.first));
      c.marker.ccId = data.id[c.first];
      c.marker.on("click", onMarkerClick);
    } else {
      var size = Math.min(64, 22 + 7 * Math.log10(c.n) * 3);
      var icon = L.divIcon({className: clusterClass(c), html: clusterText(c),
                            iconSize: [size, size]});
      c.marker = L.marker(at, {icon: icon, keyboard: false});
      c.marker.ccCount = c.n;
      c.marker.on("click", function () { map.setView(at, Math.min(zoom + 2, 18)); });
    }
    incidentLayer.addLayer(c.marker);
  }

  function pulseAt(id) {
    var row = index.get(id);
    if (row === undefined) { return; }
    var ring = L.circleMarker([data.lat[row], data.lon[row]],
      {renderer: renderer, radius: 8, color: "#e74c3c", weight: 3, fill: false, interactive: false});
    highlightLayer.addLayer(ring);
    var step = 0;
    var timer = setInterval(function () {
      step++;
      ring.setRadius(8 + (step % 10) * 2.5);
      ring.setStyle({opacity: 1 - (step % 10) / 10});
      if (step >= 40) { clearInterval(timer); highlightLayer.removeLayer(ring); }
    }, 100);
  }

  function incidentPosition(id) {
    var row = index.get(id);
    return row === undefined ? null : {lat: data.lat[row], lon: data.lon[row]};
  }

  var selected = null;
  function highlight(id) {
    var row = index.get(id);
    if (row === undefined) { return false; }
    var at = [data.lat[row], data.lon[row]];
    if (selected) { highlightLayer.removeLayer(selected); }
    map.setView(at, Math.max(map.getZoom(), 15), {animate: false});
    selected = L.circleMarker(at, {renderer: renderer, radius: 16, color: "#e74c3c", weight: 4,
                                   fill: false, interactive: false});
    highlightLayer.addLayer(selected);
    return true;
  }

  function setVisible(layer, on) {
    visible[layer] = on;
    if (layer === "incidents") { draw(); return; }
    if (layer === "heat") { refreshHeat(); return; }
    if (layer === "choropleth") { drawChoropleth(); return; }
    if (extra[layer] !== undefined) {
      if (extra[layer]) {
        if (on && !map.hasLayer(extra[layer])) { extra[layer].addTo(map); }
        if (!on && map.hasLayer(extra[layer])) { map.removeLayer(extra[layer]); }
      }
      return;
    }
    if (boundaryLayers[layer]) {
      if (on) { boundaryLayers[layer].addTo(map); } else { map.removeLayer(boundaryLayers[layer]); }
    }
    updateLabels();
  }

  // the same click as the operator's, fired on the incident's marker (for tests)
  function clickIncident(id) {
    var m = markers.get(id);
    if (!m) { return false; }
    m.fire("click");
    return true;
  }

  // --- base layer: intranet XYZ tiles (the address arrives at run time) ---

  function setTiles(cfg) {
    if (tileLayer) { map.removeLayer(tileLayer); tileLayer = null; }
    if (!cfg || !cfg.url) { return; }
    var maxZoom = cfg.max_zoom || 18;
    tileLayer = L.tileLayer(cfg.url, {maxZoom: maxZoom, attribution: cfg.attribution || "",
                                      subdomains: cfg.subdomains || "abc"});
    tileLayer.addTo(map);
    map.setMaxZoom(maxZoom);
  }

  // --- density (heat) of the incidents on the map ---

  function refreshHeat() {
    if (!map || typeof L.heatLayer === "undefined") { return; }
    if (!visible.heat) {
      if (heatLayer && map.hasLayer(heatLayer)) { map.removeLayer(heatLayer); }
      if (heatLegend) { heatLegend.remove(); heatLegend = null; }
      return;
    }
    if (!heatLegend) {
      heatLegend = L.control({position: "bottomright"});
      heatLegend.onAdd = function () {
        var div = L.DomUtil.create("div", "cc-legend");
        div.innerHTML = "<b>" + esc(texts.heat) + "</b><div class='cc-heat-scale'></div>" +
          "<div class='cc-heat-ends'><span>" + esc(texts.low) + "</span><span>" +
          esc(texts.high) + "</span></div>";
        return div;
      };
      heatLegend.addTo(map);
    }
    if (!heatLayer) {
      heatLayer = L.heatLayer([], {radius: 16, blur: 18, maxZoom: 14, minOpacity: 0.25,
        gradient: {0.3: "#2c7bb6", 0.5: "#abd9e9", 0.7: "#ffffbf", 0.85: "#fdae61", 1: "#d7191c"}});
    }
    if (heatDirty) {
      var pts = new Array(data.id.length);
      for (var i = 0; i < data.id.length; i++) { pts[i] = [data.lat[i], data.lon[i]]; }
      heatLayer.setLatLngs(pts);
      heatDirty = false;
    }
    if (!map.hasLayer(heatLayer)) { heatLayer.addTo(map); }
  }

  // --- incidents per grid ---

  var CHORO_COLORS = ["#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"];

  function niceBreaks(max) {
    // five classes of equal width (a round width), the last one ending at the maximum
    if (max <= 5) { return [1, 2, 3, 4, 5].filter(function (v) { return v <= Math.max(max, 1); }); }
    var step = Math.ceil(max / 5);
    if (step > 10) { step = Math.ceil(step / 5) * 5; }
    var out = [];
    for (var k = 1; k <= 4 && k * step < max; k++) { out.push(k * step); }
    out.push(max);
    return out;
  }

  function setTexts(t) { texts = t; buildKey(); }

  function setChoropleth(payload) {
    choro = payload;
    drawChoropleth();
  }

  function drawChoropleth() {
    if (!map) { return; }
    if (choroLayer) { map.removeLayer(choroLayer); choroLayer = null; }
    if (legend) { legend.remove(); legend = null; }
    if (!visible.choropleth || !choro || !gridFeatures) { return; }
    var counts = choro.counts, max = 0;
    Object.keys(counts).forEach(function (k) { max = Math.max(max, counts[k]); });
    var breaks = niceBreaks(max);
    function colorOf(n) {
      if (!n) { return CHORO_COLORS[0]; }
      for (var i = 0; i < breaks.length; i++) { if (n <= breaks[i]) { return CHORO_COLORS[i + 1]; } }
      return CHORO_COLORS[CHORO_COLORS.length - 1];
    }
    choroLayer = L.geoJSON(gridFeatures, {
      pane: "choropleth", interactive: true,
      style: function (f) {
        var n = counts[f.properties.id] || 0;
        return {fillColor: colorOf(n), fillOpacity: n ? 0.72 : 0.25, color: "#ffffff",
                weight: 0.5, pane: "choropleth"};
      },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(esc(f.properties.name) + "：" + (counts[f.properties.id] || 0),
                          {sticky: true});
      }
    }).addTo(map);
    legend = L.control({position: "bottomright"});
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "cc-legend");
      var rows = ["<b>" + esc(choro.title) + "</b>"], lo = 1;
      rows.push("<div><i style='background:" + CHORO_COLORS[0] + "'></i>0</div>");
      breaks.forEach(function (hi, i) {
        rows.push("<div><i style='background:" + CHORO_COLORS[i + 1] + "'></i>" +
                  (lo === hi ? hi : lo + "–" + hi) + "</div>");
        lo = hi + 1;
      });
      div.innerHTML = rows.join("");
      return div;
    };
    legend.addTo(map);
  }

  // --- grid workers, cameras, dispute cases ---

  function workerOpacity(ageH) {
    return ageH <= 2 ? 1 : ageH <= 8 ? 0.75 : ageH <= 24 ? 0.5 : ageH <= 72 ? 0.3 : 0.15;
  }

  function replaceExtra(layer, group, n) {
    if (extra[layer] && map.hasLayer(extra[layer])) { map.removeLayer(extra[layer]); }
    extra[layer] = group;
    extraCounts[layer] = n;
    if (visible[layer]) { group.addTo(map); }
  }

  function setWorkers(cols) {
    var group = L.layerGroup();
    for (var i = 0; i < cols.id.length; i++) {
      var op = workerOpacity(cols.age_h[i]);
      var m = L.circleMarker([cols.lat[i], cols.lon[i]], {renderer: renderer, radius: 6,
        color: "#0b5394", weight: 2, opacity: op, fillColor: "#6fa8dc", fillOpacity: op});
      m.bindTooltip(esc(cols.name[i]) + " · " + esc(cols.ages[i]));
      group.addLayer(m);
    }
    replaceExtra("workers", group, cols.id.length);
  }

  function setCameras(cols) {
    // small squares: told apart from the round incidents and workers at a glance
    var group = L.layerGroup();
    for (var i = 0; i < cols.id.length; i++) {
      var on = cols.online[i] === 1;
      var m = L.marker([cols.lat[i], cols.lon[i]], {keyboard: false, pane: "cameras",
        icon: L.divIcon({className: "cc-camera" + (on ? "" : " offline"), iconSize: [9, 9]})});
      m.bindTooltip(esc(cols.name[i]) + (on ? "" : " · " + esc(cols.offline_text)));
      group.addLayer(m);
    }
    replaceExtra("cameras", group, cols.id.length);
  }

  function setDisputes(cols) {
    // diamonds, larger and redder with the risk
    var group = L.layerGroup();
    for (var i = 0; i < cols.id.length; i++) {
      var r = cols.risk[i], size = 12 + 3 * r;
      var m = L.marker([cols.lat[i], cols.lon[i]], {keyboard: false,
        icon: L.divIcon({className: "cc-dispute risk-" + r, html: "<i></i>",
                          iconSize: [size, size]})});
      m.bindTooltip(esc(cols.number[i]) + " · " + esc(cols.risk_text ? cols.risk_text[r] : r) +
                    "<br>" + esc(cols.summary[i]));
      group.addLayer(m);
    }
    replaceExtra("disputes", group, cols.id.length);
  }

  // --- "this area only": shift-drag a rectangle, or a lasso; and picking a point ---

  function installDrawing() {
    var box = map.getContainer();
    box.addEventListener("mousedown", function (e) {
      if (e.button !== 0) { return; }
      if (mode === "pick") { return; }
      if (!(e.shiftKey || mode === "lasso")) { return; }
      e.preventDefault(); e.stopPropagation();
      map.dragging.disable();
      var start = map.mouseEventToLatLng(e);
      drawing = {kind: mode === "lasso" ? "lasso" : "rect", start: start, points: [start],
                 shape: null};
      document.addEventListener("mousemove", onDrawMove, true);
      document.addEventListener("mouseup", onDrawUp, true);
    }, true);
    box.addEventListener("click", function (e) {
      if (mode !== "pick") { return; }
      e.preventDefault(); e.stopPropagation();
      var at = map.mouseEventToLatLng(e);
      endMode();
      if (bridge) { bridge.pointPicked(at.lng, at.lat); }
    }, true);
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape" || !mode) { return; }
      var was = mode;
      endMode();
      if (bridge) { (was === "pick" ? bridge.pickCancelled : bridge.lassoCancelled)(); }
    });
  }

  var DRAW_STYLE = {color: "#c0392b", weight: 2, dashArray: "6 4", fillColor: "#c0392b",
                    fillOpacity: 0.06, interactive: false};

  function onDrawMove(e) {
    if (!drawing) { return; }
    var at = map.mouseEventToLatLng(e);
    if (drawing.shape) { areaLayer.removeLayer(drawing.shape); }
    if (drawing.kind === "rect") {
      drawing.points = [drawing.start, at];
      drawing.shape = L.rectangle(L.latLngBounds(drawing.start, at), DRAW_STYLE);
    } else {
      drawing.points.push(at);
      drawing.shape = L.polygon(drawing.points, DRAW_STYLE);
    }
    areaLayer.addLayer(drawing.shape);
  }

  function onDrawUp(e) {
    document.removeEventListener("mousemove", onDrawMove, true);
    document.removeEventListener("mouseup", onDrawUp, true);
    map.dragging.enable();
    var d = drawing;
    drawing = null;
    if (mode === "lasso") { endMode(); }
    if (!d) { return; }
    onDrawMove(e);  // the last point
    var ring;
    if (d.kind === "rect") {
      var b = L.latLngBounds(d.points[0], d.points[1]);
      ring = [[b.getWest(), b.getSouth()], [b.getEast(), b.getSouth()],
              [b.getEast(), b.getNorth()], [b.getWest(), b.getNorth()]];
    } else {
      ring = d.points.map(function (p) { return [p.lng, p.lat]; });
    }
    var px = map.latLngToContainerPoint([ring[0][1], ring[0][0]]);
    var tooSmall = ring.length < 3 || d.points.every(function (p) {
      return map.latLngToContainerPoint(p).distanceTo(px) < 6;
    });
    if (tooSmall) { areaLayer.clearLayers(); return; }
    ring = ring.map(function (c) { return [+c[0].toFixed(6), +c[1].toFixed(6)]; });
    ring.push(ring[0].slice());
    var polygon = {type: "Polygon", coordinates: [ring]};
    showArea(polygon);
    if (bridge) { bridge.areaDrawn(JSON.stringify(polygon)); }
  }

  function showArea(polygon) {
    areaLayer.clearLayers();
    if (!polygon) { return; }
    areaLayer.addLayer(L.geoJSON(polygon, {style: function () { return DRAW_STYLE; },
                                           interactive: false}));
  }

  function setArea(polygon) { showArea(polygon); }

  function startLasso() { endMode(); mode = "lasso"; map.getContainer().style.cursor = "crosshair"; }
  function startPick() { endMode(); mode = "pick"; map.getContainer().style.cursor = "crosshair"; }
  function endMode() { mode = null; map.getContainer().style.cursor = ""; }
  function cancelMode() { endMode(); }

  // for tests: the operator's own gestures, as mouse events on the map
  function mouseAt(type, latlng, shift) {
    var p = map.latLngToContainerPoint(latlng), r = map.getContainer().getBoundingClientRect();
    var ev = new MouseEvent(type, {bubbles: true, cancelable: true, button: 0, shiftKey: !!shift,
                                   clientX: r.left + p.x, clientY: r.top + p.y});
    (type === "mousedown" || type === "click" ? map.getContainer() : document).dispatchEvent(ev);
  }

  function dragArea(latlngs, shift) {
    mouseAt("mousedown", latlngs[0], shift);
    for (var i = 1; i < latlngs.length; i++) { mouseAt("mousemove", latlngs[i], shift); }
    mouseAt("mouseup", latlngs[latlngs.length - 1], shift);
    return true;
  }

  function clickAt(lat, lng) { mouseAt("click", [lat, lng], false); return true; }

  function getView() {
    var c = map.getCenter();
    return {center: [c.lat, c.lng], zoom: map.getZoom()};
  }

  function setView(lat, lng, zoom) { map.setView([lat, lng], zoom, {animate: false}); return true; }

  // a saved view of one town without a centre of its own: the town fills the screen
  function fitFeature(level, id) {
    var found = null;
    if (boundaryLayers[level]) {
      boundaryLayers[level].eachLayer(function (l) {
        if (l.feature && l.feature.properties.id === id) { found = l; }
      });
    }
    if (found) { map.fitBounds(found.getBounds(), {animate: false, padding: [20, 20]}); }
    return !!found;
  }

  function info() {
    return {
      incidents: data.id.length, markers: incidentLayer ? incidentLayer.getLayers().length : 0,
      heatPoints: heatLayer && map.hasLayer(heatLayer) ? heatLayer._latlngs.length : 0,
      choroplethTotal: choroLayer && choro ? Object.keys(choro.counts).reduce(function (a, k) {
        return a + choro.counts[k]; }, 0) : 0,
      choroplethGrids: choroLayer ? choroLayer.getLayers().length : 0,
      workers: extra.workers && map.hasLayer(extra.workers) ? extraCounts.workers : 0,
      cameras: extra.cameras && map.hasLayer(extra.cameras) ? extraCounts.cameras : 0,
      disputes: extra.disputes && map.hasLayer(extra.disputes) ? extraCounts.disputes : 0,
      tiles: tileLayer ? tileLayer._url : null, mode: mode,
      area: areaLayer ? areaLayer.getLayers().length : 0,
      wall: wall && document.body.classList.contains("cc-wall"),
      legend: keyControl && keyControl.getContainer() ? keyControl.getContainer().textContent : null,
      countyBounds: countyBounds, bounds: map ? [[map.getBounds().getSouth(),
        map.getBounds().getWest()], [map.getBounds().getNorth(), map.getBounds().getEast()]] : null,
      townLabels: labelLayers.town && map.hasLayer(labelLayers.town) ?
        labelLayers.town.getLayers().filter(function (m) {
          return m._icon && m._icon.style.visibility !== "hidden"; }).length : 0,
      clusterMarks: clusters ? clusters.cells.filter(function (c) { return c.n > 1; }).map(
        function (c) { return [c.n, c.overdue, overdueMark(c.n, c.overdue)]; }) : [],
      first: data.id.length ? {id: data.id[0], lat: data.lat[0], lon: data.lon[0]} : null,
      center: map ? map.getCenter() : null,
      zoom: map ? map.getZoom() : null, selected: selected ? selected.getLatLng() : null,
      lastDrawMs: stats.lastDrawMs, lastUpdateMs: stats.lastUpdateMs, draws: stats.draws,
      heap: (performance.memory || {}).usedJSHeapSize || null
    };
  }

  var api = {attach: attach, setBoundaries: setBoundaries, setIncidents: setIncidents,
             updateIncidents: updateIncidents, removeIncidents: removeIncidents,
             highlight: highlight, setVisible: setVisible, setTiles: setTiles,
             setChoropleth: setChoropleth, setTexts: setTexts, setWorkers: setWorkers, setCameras: setCameras,
             setDisputes: setDisputes, setArea: setArea, startLasso: startLasso,
             startPick: startPick, cancelMode: cancelMode, getView: getView, setView: setView, fitFeature: fitFeature, fitCounty: fitCounty,
             dragArea: dragArea, clickAt: clickAt, incidentPosition: incidentPosition,
             info: info, clickIncident: clickIncident, setRules: setRules, setWall: setWall,
             overdueMark: overdueMark};
  return api;
})();
