/* The fetched layers: places, units, customs posts, incidents (with their uncertainty circles) and migration
 * flows, asked of the items API for the chosen years and the view (bbox), redrawn on pan, zoom and period
 * change (debounced; a newer request aborts the older one, and a stale answer is never drawn). Each layer's
 * count grid for the view comes first: above config.countThreshold features the layer is drawn as count
 * bubbles (static/atlas/counts.js) and its features are not fetched. */
import { bind, placeLabel } from "./popups.js";
import { el, state } from "./util.js";
import { countLayers } from "./counts.js";
import { openInCluster } from "./stack.js";
import { certaintyOf, hidden, markCertainty } from "./certainty.js";

const DEBOUNCE_MS = 150;
const DRAWN = "atlas-drawn";
const PAD = 0.1;  // the view plus a tenth on every side: a small pan needs no new request
const CLASS = {
  places: "place-marker", outposts: "outposts-marker", customs: "customs-marker", diplomacy: "diplomacy-marker",
  incidents: "incidents-marker"
};
const CIRCLES = { places: "placeCircles", incidents: "incidentCircles" };  // the group of each layer's uncertainty circles
/* The groups whose being on the map makes a layer worth fetching (the heat map is fed by the incidents). */
const WANTED_BY = {
  places: ["places", "placeCircles"], outposts: ["outposts"], customs: ["customs"], diplomacy: ["diplomacy"],
  incidents: ["incidents", "incidentCircles", "heat"], migration: ["migration"]
};
export const FETCHED = Object.keys(WANTED_BY);

function placeRing(p, rings) { return p.in_1927_list ? rings.listed : rings.unlisted; }

function datedRing(p, rings) {
  if (rings.coarseDates.indexOf(p.date_precision) >= 0) return rings.coarse;
  return p.start ? rings.dated : rings.undated;
}

const RING = { places: placeRing, outposts: datedRing, customs: datedRing, diplomacy: datedRing, incidents: datedRing };

function markerStyle(config, cid, p) {
  const layer = config.points[cid], look = layer.styles[p[layer.type]] || layer.other;
  const style = { radius: look[0], fill: true, fillColor: look[1], fillOpacity: 0.9, className: CLASS[cid] + " " + p.id };
  return Object.assign(style, RING[cid](p, config.rings));
}

/* A faint outline: hidden at regional zooms, the selected one drawn strongly (static/atlas/controls.js). */
function circleStyle(p) {
  return {
    radius: p.precision_m || 0, color: "#2171b5", weight: 1, opacity: 0.35, dashArray: "3 4", fill: false,
    interactive: false, className: "uncertainty-path " + p.id
  };
}

function latLng(feature) { return L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]); }

/* A flow as the server drew it (curves between the areas' middles: layers/migration.py), each part ending in an
 * arrowhead, or in a bar across it where the crossing was stopped at the border. A stock: its area's outline. */
function parts(geometry) {
  return geometry.type === "MultiLineString" ? geometry.coordinates : [geometry.coordinates];
}

function arrowHead(path, stopped) {
  const a = path[path.length - 2], b = path[path.length - 1], start = path[0];
  const angle = Math.atan2(b[1] - a[1], b[0] - a[0]);
  const length = 0.12 * Math.sqrt(Math.hypot(b[0] - start[0], b[1] - start[1]));
  const turns = stopped ? [Math.PI / 2, -Math.PI / 2] : [0.45, -0.45];
  const ends = turns.map(function (turn) { return [b[0] - length * Math.cos(angle + turn), b[1] - length * Math.sin(angle + turn)]; });
  return stopped ? [ends] : ends.map(function (end) { return [end, b]; });
}

function latLngs(line) { return line.map(function (c) { return [c[1], c[0]]; }); }

function flowLines(geometry) {
  return parts(geometry).map(latLngs);
}

/* Each part's arrowhead (or a stopped crossing's bar), drawn solid over the line: a dashed line's dashes broke them. */
function flowHeads(config, feature) {
  const p = feature.properties;
  if (p.kind === "presence") return null;
  const heads = [];
  parts(feature.geometry).forEach(function (path) { arrowHead(path, p.outcome === "stopped").forEach(function (h) { heads.push(h); }); });
  const style = flowStyle(config, p);
  return L.polyline(heads.map(latLngs), {
    color: style.color, weight: Math.max(style.weight, p.outcome === "stopped" ? 3 : 0), opacity: style.opacity,
    interactive: false, className: "migration-head " + p.id
  });
}

/* A flow's widths with the parameters of the server's vocabulary (webapp/vocabulary.py flow_widths): by its
 * figure (`min`, plus `per_tenfold` for each factor of ten above `from`); a total whose split is not given thin. */
function flowWidth(w, count) {
  return count ? Math.max(w.min, w.min + w.per_tenfold * Math.log10(Math.max(count, w.from) / w.from)) : w.min;
}

function flowWidths(w, p) {
  if (p.split || p.kind === "presence") return { line: w.min, band: null };
  const line = flowWidth(w, p.count);
  if (p.count_open) return { line: line, band: line + w.open, open: true };
  return { line: line, band: p.count_high && p.count_high > (p.count || 0) ? flowWidth(w, p.count_high) : null };
}

/* A dash pattern grown with the line's width and cut square, so a wide line's gaps stay open (round caps close them). */
function scaledDashes(dashes, weight) {
  if (!dashes) return null;
  return dashes.split(" ").map(function (n) { return Number(n) * Math.max(1, weight / 2); }).join(" ");
}

function flowStyle(config, p) {
  const weight = flowWidths(config.flowWidth, p).line;
  const dashes = scaledDashes(p.kind === "presence" ? "2 4" : config.flowDashes[p.count_unit], weight);
  return {
    color: config.migrationColours[p.kind] || "#54278f",
    weight: weight,
    opacity: 0.8,
    dashArray: dashes,
    lineCap: dashes ? "butt" : "round",
    fill: p.kind === "presence",
    className: (p.kind === "presence" ? "migration-stock " : "migration-path ") + p.id
  };
}

/* The range behind a flow, in a pane under the flows: as wide as its highest figure, or dashed past its lowest. */
function flowBand(config, feature) {
  const p = feature.properties, widths = flowWidths(config.flowWidth, p), map = state.map;
  if (!widths.band) return null;
  if (!map.getPane("flow-bands")) map.createPane("flow-bands").style.zIndex = 390;
  return L.polyline(parts(feature.geometry).map(latLngs), {
    pane: "flow-bands", color: config.migrationColours[p.kind] || "#54278f", weight: widths.band,
    opacity: config.flowWidth.band, dashArray: widths.open ? "3 5" : null, interactive: false, lineCap: "butt",
    className: "migration-band " + p.id
  });
}

/* The figure of a stock, or of a total whose split is not given, written at its area (one under another). */
function figureLabel(p) {
  if (p.label_lat === null || p.label_lat === undefined) return null;
  const text = (p.kind === "presence" ? p.who + ": " : "") + p.figure_text + (p.split ? " (split not given)" : "");
  const icon = L.divIcon({ className: "flow-label", html: el("span", text), iconSize: null, iconAnchor: [-6, 6 - 15 * (p.label_row || 0)] });
  return L.marker([p.label_lat, p.label_lon], { icon: icon, interactive: false, keyboard: false });
}

function flowLayer(config, feature) {
  const p = feature.properties, line = flowLines(feature.geometry);
  if (p.kind !== "presence") return L.polyline(line, flowStyle(config, p));
  return L.polygon(line.map(function (ring) { return [ring]; }), flowStyle(config, p));  // each ring its own shape
}

function flowExtras(config, feature) {
  const extras = [flowBand(config, feature), flowHeads(config, feature), figureLabel(feature.properties)].filter(Boolean);
  return extras.length ? L.layerGroup(extras) : null;
}

/* The map layers of one feature: {layer, circle}. */
function make(config, cid, feature) {
  const p = feature.properties;
  const layer = cid === "migration" ? flowLayer(config, feature) : L.circleMarker(latLng(feature), markerStyle(config, cid, p));
  layer.feature = feature;
  bind(cid, feature, layer);
  const circle = CIRCLES[cid] && p.where_prec !== "area" ? L.circle(latLng(feature), circleStyle(p)) : null;
  if (circle) circle.feature = feature;
  const label = cid === "places" ? placeLabel(feature) : (cid === "migration" ? flowExtras(config, feature) : null);
  return { layer: layer, circle: circle, label: label };
}

function addAll(group, layers) {
  if (!layers.length) return;
  if (group.addLayers) group.addLayers(layers); else layers.forEach(function (l) { group.addLayer(l); });
}

function removeAll(group, layers) {
  if (!layers.length) return;
  if (group.removeLayers) group.removeLayers(layers); else layers.forEach(function (l) { group.removeLayer(l); });
}

function bboxOf(map) {
  const b = map.getBounds().pad(PAD);
  const clamp = function (v, m) { return Math.max(-m, Math.min(m, v)).toFixed(4); };
  return [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].join(",");
}

/* Every page of an items request, following `next` links, at most config.maxPages of them. */
async function fetchAll(url, config, signal) {
  let features = [], next = url;
  for (let page = 0; next && page < config.maxPages; page++) {
    const response = await fetch(next, { signal: signal, headers: { Accept: "application/geo+json" } });
    if (!response.ok) throw new Error("items request failed: " + response.status + " " + next);
    const body = await response.json();
    features = features.concat(body.features);
    const more = (body.links || []).filter(function (l) { return l.rel === "next"; })[0];
    next = more ? more.href : null;
  }
  return features;
}

async function fetchJson(url, signal) {
  const response = await fetch(url, { signal: signal, headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error("request failed: " + response.status + " " + url);
  return response.json();
}

/* The fetched layers of a map. `groups` are the (empty) overlays Folium made; onDrawn(cid) after each redraw. */
export function fetchedLayers(map, groups, config, onDrawn) {
  const drawn = {}, container = map.getContainer(), counts = countLayers(map, FETCHED);
  let generation = 0, timer = null, controller = null, period = null, pinned = null, opened = null, waiting = [];
  FETCHED.forEach(function (cid) { drawn[cid] = new Map(); });
  map.on("popupopen", function (e) { opened = e.popup._source || null; });

  function wanted(cid) {
    return WANTED_BY[cid].some(function (key) { return groups[key] && map.hasLayer(groups[key]); });
  }

  function url(template, cid, query) {
    const dated = config.points[cid] ? config.points[cid].dated : true;
    if (dated) query.set("datetime", period[0] === period[1] ? String(period[0]) : period[0] + "/" + period[1]);
    return template.replace("CID", encodeURIComponent(cid)) + "?" + query.toString();
  }

  function itemsUrl(cid, bbox) { return url(config.itemsUrl, cid, new URLSearchParams({ bbox: bbox, limit: String(config.pageSize) })); }

  function gridUrl(cid, bbox) { return url(config.gridUrl, cid, new URLSearchParams({ bbox: bbox, cells: String(config.gridCells) })); }

  /* One layer for the view: {grid} when it has more features than the threshold, else {features}. */
  async function fetchLayer(cid, bbox, signal) {
    const few = config.totals[cid] <= config.countThreshold;  // never over the threshold: no grid needed
    if (few) return { features: await fetchAll(itemsUrl(cid, bbox), config, signal) };
    const grid = await fetchJson(gridUrl(cid, bbox), signal);
    if (grid.numberMatched > config.countThreshold) return { grid: grid };
    return { features: await fetchAll(itemsUrl(cid, bbox), config, signal) };
  }

  /* Draw one layer's answer: count bubbles (and none of its features), or its features (and no bubbles). */
  function show(cid, answer) {
    if (answer.grid) counts.show(cid, answer.grid); else counts.clear(cid);
    draw(cid, answer.features || []);
  }

  /* Show exactly `features` in the layer's group (keeping the markers already drawn, and the pinned one). */
  function draw(cid, features) {
    const have = drawn[cid], seen = new Set(), adds = [], circleAdds = [], removes = [], circleRemoves = [];
    features.forEach(function (f) {
      const certainty = f.properties.certainty || certaintyOf(f.properties, state.from, state.to);
      if (!f.geometry || hidden(certainty)) return;
      seen.add(f.id);
      if (have.has(f.id)) return markCertainty(have.get(f.id).layer, certainty);
      const entry = make(config, cid, f);
      markCertainty(entry.layer, certainty);
      have.set(f.id, entry);
      adds.push(entry.layer);
      if (entry.label) adds.push(entry.label);
      if (entry.circle) circleAdds.push(entry.circle);
    });
    have.forEach(function (entry, id) {
      if (seen.has(id) || id === pinned) return;
      have.delete(id);
      removes.push(entry.layer);
      if (entry.label) removes.push(entry.label);
      if (entry.circle) circleRemoves.push(entry.circle);
    });
    const open = opened && groups[cid].hasLayer(opened) && opened.isPopupOpen() ? opened : null;
    removeAll(groups[cid], removes);
    addAll(groups[cid], adds);
    if (open && !open.isPopupOpen() && groups[cid].zoomToShowLayer) openInCluster(groups[cid], open);  // a group redrawn closes it
    if (CIRCLES[cid]) { removeAll(groups[CIRCLES[cid]], circleRemoves); addAll(groups[CIRCLES[cid]], circleAdds); }
    onDrawn(cid);
  }

  function load() {
    const mine = ++generation;
    if (controller) controller.abort();
    controller = new AbortController();
    const bbox = bboxOf(map), signal = controller.signal;
    const asked = FETCHED.filter(wanted);
    const requests = asked.map(function (cid) { return fetchLayer(cid, bbox, signal); });
    return Promise.all(requests).then(function (answers) {
      if (mine !== generation) return;  // a newer view or period was asked for meanwhile
      FETCHED.forEach(function (cid) { if (asked.indexOf(cid) < 0) counts.clear(cid); });
      answers.forEach(function (answer, i) { show(asked[i], answer); });
      container.setAttribute("data-loaded", "true");
      if (!performance.getEntriesByName(DRAWN).length) performance.mark(DRAWN);  // the first view drawn (make bench)
      waiting.splice(0).forEach(function (resolve) { resolve(); });
    }).catch(function (error) {
      if (mine !== generation || error.name === "AbortError") return;
      container.setAttribute("data-loaded", "error");
      console.error(error);  // eslint-disable-line no-console
    });
  }

  /* Ask for a redraw soon: several changes in a row make one request per layer. */
  function schedule() {
    container.setAttribute("data-loaded", "false");
    generation++;  // an answer already on its way is stale from now on
    clearTimeout(timer);
    timer = setTimeout(load, DEBOUNCE_MS);
  }

  /* A feature by id, drawn or else fetched alone (and then kept drawn while it is selected). */
  async function find(id) {
    for (const cid of FETCHED) if (drawn[cid].has(id)) return drawn[cid].get(id).layer;
    const urls = FETCHED.map(function (cid) {
      return config.itemUrl.replace("CID", encodeURIComponent(cid)).replace("FID", encodeURIComponent(id));
    });
    const answers = await Promise.all(urls.map(function (u) {
      return fetch(u, { headers: { Accept: "application/geo+json" } }).then(function (r) { return r.ok ? r.json() : null; });
    }));
    const i = answers.findIndex(function (f) { return f && f.geometry; });
    if (i < 0) return null;
    pin(id);
    const cid = FETCHED[i];
    draw(cid, Array.from(drawn[cid].values()).map(function (e) { return e.layer.feature; }).concat([answers[i]]));
    return drawn[cid].get(id).layer;
  }

  function pin(id) { pinned = id; }

  map.on("overlayremove", function () { FETCHED.forEach(function (cid) { if (!wanted(cid)) counts.clear(cid); }); });

  return {
    setPeriod: function (from, to) { period = [from, to]; schedule(); },
    schedule: schedule,
    /* A promise resolved once the view and period asked for last are drawn. */
    whenLoaded: function () {
      if (container.getAttribute("data-loaded") === "true") return Promise.resolve();
      return new Promise(function (resolve) { waiting.push(resolve); });
    },
    find: find,
    pin: pin,
    layers: function (cid) { return Array.from(drawn[cid].values()).map(function (e) { return e.layer; }); },
    counts: counts,
    circles: function () { return [groups.placeCircles, groups.incidentCircles]; }
  };
}
