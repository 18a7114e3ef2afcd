/* Command Center map page: data arrives as JSON over QWebChannel, drawing is on a canvas.
 * Python calls ccMap.setBoundaries / setIncidents / updateIncidents / highlight;
 * the page calls bridge.pageReady() and bridge.incidentClicked(id). */
"use strict";

var ccMap = (function () {
  var STATUS_COLORS = ["#e67e22", "#f1c40f", "#2980b9", "#8e44ad", "#27ae60", "#16a085",
                       "#95a5a6", "#bdc3c7", "#7f8c8d"];  // new … rejected
  var POINT_ZOOM = 12;          // below: clusters; from here on: individual markers
  var CELL_PX = 56;             // cluster cell size on screen
  var map = null, bridge = null, renderer = null;
  var data = {id: [], lon: [], lat: [], status: [], priority: [], overdue: []};
  var index = new Map();        // id -> row
  var boundaryLayers = {}, labelLayers = {}, incidentLayer = null, highlightLayer = null;
  var markers = new Map();      // id -> circle marker (point mode only)
  var visible = {incidents: true, town: true, village: true, grid: true};
  var stats = {lastDrawMs: 0, lastUpdateMs: 0, draws: 0};
  var clusters = null;          // {zoom, cellOf: row -> cell, cells: [...], byKey: Map}

  function attach(leafletMap) {
    map = leafletMap;
    renderer = L.canvas({padding: 0.3});
    map.createPane("boundaries").style.zIndex = 350;
    map.createPane("labels").style.zIndex = 450;
    incidentLayer = L.layerGroup().addTo(map);
    highlightLayer = L.layerGroup().addTo(map);
    map.on("zoomend", function () { updateLabels(); draw(); });
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

  function style(level) {
    if (level === "town") { return {color: "#1f3550", weight: 2.5, fill: false, pane: "boundaries"}; }
    if (level === "village") { return {color: "#5d7590", weight: 1.2, fill: false, pane: "boundaries"}; }
    return {color: "#9aabbd", weight: 0.6, dashArray: "3 3", fill: false, pane: "boundaries"};
  }

  function setBoundaries(payload) {
    ["grid", "village", "town"].forEach(function (level) {
      if (boundaryLayers[level]) { map.removeLayer(boundaryLayers[level]); }
      if (labelLayers[level]) { map.removeLayer(labelLayers[level]); }
      var fc = payload.layers[level];
      boundaryLayers[level] = L.geoJSON(fc, {style: style(level), interactive: false});
      labelLayers[level] = L.layerGroup(fc.features.map(function (f) {
        return L.marker(f.properties.label, {
          pane: "labels", interactive: false,
          icon: L.divIcon({className: "cc-label " + level, html: f.properties.name,
                           iconSize: null, iconAnchor: [0, 0]})
        });
      }));
      if (visible[level]) { boundaryLayers[level].addTo(map); }
    });
    var b = payload.bounds;
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    updateLabels();
  }

  function updateLabels() {
    var z = map.getZoom();
    var show = {town: z < 11, village: z >= 11 && z < 13, grid: z >= 13};
    Object.keys(labelLayers).forEach(function (level) {
      var on = show[level] && visible[level];
      if (on && !map.hasLayer(labelLayers[level])) { labelLayers[level].addTo(map); }
      if (!on && map.hasLayer(labelLayers[level])) { map.removeLayer(labelLayers[level]); }
    });
  }

  function setIncidents(cols) {
    var t0 = performance.now();
    data = cols;
    index = new Map();
    for (var i = 0; i < data.id.length; i++) { index.set(data.id[i], i); }
    draw();
    stats.lastDrawMs = performance.now() - t0;
    return stats.lastDrawMs;
  }

  function updateIncidents(cols, pulse) {
    var t0 = performance.now();
    var fresh = [], moved = false, touched = new Set();
    var clustered = clusters !== null && map.getZoom() < POINT_ZOOM && visible.incidents;
    for (var k = 0; k < cols.id.length; k++) {
      var id = cols.id[k], row = index.get(id);
      if (row === undefined) {
        row = data.id.length;
        index.set(id, row);
        fresh.push(id);
        ["id", "lon", "lat", "status", "priority", "overdue"].forEach(function (f) { data[f].push(cols[f][k]); });
        if (clustered) { touched.add(addToCluster(row)); }
      } else {
        if (data.lon[row] !== cols.lon[k] || data.lat[row] !== cols.lat[k]) { moved = true; }
        if (clustered) {
          var cell = clusters.cells[clusters.cellOf[row]];
          cell.overdue += cols.overdue[k] - data.overdue[row];
          touched.add(cell);
        }
        ["lon", "lat", "status", "priority", "overdue"].forEach(function (f) { data[f][row] = cols[f][k]; });
      }
      var m = markers.get(id);
      if (m) { m.setStyle(pointStyle(row)); m.setRadius(radius(row)); }
    }
    if (clustered && !moved) {
      touched.forEach(renderCell);  // only the cells that changed
    } else if (moved || (fresh.length && !clustered)) {
      draw();
    }
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
            weight: overdue ? 3 : 1, fillColor: STATUS_COLORS[data.status[row]] || "#7f8c8d",
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

  function clusterClass(c) {
    // red when most of the cell is overdue; a red rim when some of it is
    return "cc-cluster" + (c.overdue * 2 >= c.n ? " overdue" : (c.overdue ? " some-overdue" : ""));
  }

  function clusterText(c) { return c.n >= 10000 ? Math.round(c.n / 1000) + "k" : String(c.n); }

  function renderCell(c) {
    var zoom = clusters.zoom;
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

  function info() {
    return {
      incidents: data.id.length, markers: incidentLayer ? incidentLayer.getLayers().length : 0,
      zoom: map ? map.getZoom() : null, selected: selected ? selected.getLatLng() : null,
      lastDrawMs: stats.lastDrawMs, lastUpdateMs: stats.lastUpdateMs, draws: stats.draws,
      heap: (performance.memory || {}).usedJSHeapSize || null
    };
  }

  var api = {attach: attach, setBoundaries: setBoundaries, setIncidents: setIncidents,
             updateIncidents: updateIncidents, removeIncidents: removeIncidents,
             highlight: highlight, setVisible: setVisible,
             info: info, clickIncident: clickIncident};
  return api;
})();
