/* The view in the URL (years, zoom, centre, overlays switched off, the selected feature, the label language):
 * read whole, applied whole (on load, on a paste, on back and forward), then written back; and opening a feature
 * by id, on the map, inside a cluster, or fetched alone. */
import { append, control, decoded, el, hashNumber, hashValue, periodText, rawHashValue, state } from "./util.js";
import { periodFromHash } from "./time.js";

/* `off`: overlays shown by default that the view switched off; `on`: overlays hidden by default it switched on. */
export const view = { off: [], on: [], sel: null, ready: false, hiddenFirst: null };
const DEFAULT_LANGUAGE = "name";

export function writeHash(map) {
  if (!view.ready) return;
  const c = map.getCenter();
  const parts = [
    "year=" + (state.from === state.to ? state.from : state.from + "-" + state.to),
    "z=" + map.getZoom(),
    "c=" + c.lat.toFixed(4) + "," + c.lng.toFixed(4)
  ];
  if (view.off.length) parts.push("off=" + view.off.map(encodeURIComponent).join(","));
  if (view.on.length) parts.push("on=" + view.on.map(encodeURIComponent).join(","));
  if (view.sel) parts.push("sel=" + encodeURIComponent(view.sel));
  if (state.language !== DEFAULT_LANGUAGE) parts.push("lang=" + encodeURIComponent(state.language));
  history.replaceState(null, "", "#" + parts.join("&"));
}

/* The label language the URL names, if the map offers it (a Map lookup: `__proto__` is no language). */
function languageFromHash(config) {
  const asked = hashValue("lang");
  return asked && new Map(Object.entries(config.languages)).has(asked) ? asked : DEFAULT_LANGUAGE;
}

/* Every part of the view the URL names, read at once, before anything (the time control) rewrites the hash. */
export function readView(config, map) {
  return {
    period: periodFromHash(config),
    at: viewFromHash(map),
    off: namesFromHash("off"),
    on: namesFromHash("on"),
    sel: hashValue("sel"),
    place: hashValue("place"),
    language: languageFromHash(config)
  };
}

function namesFromHash(key) { return (rawHashValue(key) || "").split(",").map(decoded).filter(Boolean); }

/* Each overlay as the view asks: shown unless `off` names it, or, for those hidden by default, if `on` names it. */
function setOverlays(map, layerControl, asked) {
  const byName = overlays(layerControl);
  if (view.hiddenFirst === null) {  // the map's own defaults, read once before any view is applied
    view.hiddenFirst = new Set(Array.from(byName.keys()).filter(function (name) { return !map.hasLayer(byName.get(name)); }));
  }
  byName.forEach(function (layer, name) {
    const shown = view.hiddenFirst.has(name) ? asked.on.indexOf(name) >= 0 : asked.off.indexOf(name) < 0;
    if (shown && !map.hasLayer(layer)) map.addLayer(layer);
    if (!shown && map.hasLayer(layer)) map.removeLayer(layer);
  });
  trackOverlays(map, layerControl);
}

/* `off` and `on` from the overlays as they are now. */
function trackOverlays(map, layerControl) {
  const byName = overlays(layerControl), names = Array.from(byName.keys());
  view.off = names.filter(function (n) { return !view.hiddenFirst.has(n) && !map.hasLayer(byName.get(n)); });
  view.on = names.filter(function (n) { return view.hiddenFirst.has(n) && map.hasLayer(byName.get(n)); });
}

/* Apply a view read by readView; the hash is written once, when all of it is applied. `ui`: the time control
 * (set, stop), the layer control, the language control (set), and open(asked), which opens the selection. */
export function applyView(map, ui, asked) {
  view.ready = false;
  ui.time.stop();
  ui.time.set(asked.period.from, asked.period.span);
  if (asked.at) map.setView(asked.at.c, asked.at.z, { animate: false });
  setOverlays(map, ui.layerControl, asked);
  ui.language.set(asked.language);
  map.closePopup();
  view.sel = asked.sel || null;  // kept in the URL while the feature is found and opened
  view.ready = true;
  writeHash(map);
  return ui.open(asked);
}

/* The overlays by name: a Map, never a plain object, so that a name from the URL (`__proto__`) finds nothing. */
export function overlays(layerControl) {
  const byName = new Map();
  (layerControl._layers || []).forEach(function (entry) { if (entry.overlay) byName.set(entry.name, entry.layer); });
  return byName;
}

function embeddedLayer(map, id) {
  let found = null;
  map.eachLayer(function (l) { if (!found && l.feature && l.feature.id === id && l.getPopup && l.getPopup()) found = l; });
  return found;
}

/* Several features at one point (incidents placed in one area of possibility) stay clustered at
 * every zoom: they are spread where they are, not zoomed into. */
function stacked(cluster, marker) {
  return cluster.getLayers().some(function (l) { return l !== marker && l.getLatLng().equals(marker.getLatLng()); });
}

function openInCluster(cluster, marker) {
  if (stacked(cluster, marker)) {
    const parent = cluster.getVisibleParent(marker);
    if (parent && parent !== marker && parent.spiderfy) parent.spiderfy();
    if (marker._map) marker.openPopup();
    else cluster.once("spiderfied", function () { marker.openPopup(); });
  } else {
    cluster.zoomToShowLayer(marker, function () { marker.openPopup(); });
  }
}

/* A feature's popup: an embedded one (zone, border, area), or a fetched one (asked for alone if it is not
 * drawn yet), inside its cluster if it is in one (which is opened to show it first). */
export function openFeature(map, layers, clusters, id) {
  const embedded = embeddedLayer(map, id);
  if (embedded && !embedded.getLatLng) { embedded.openPopup(); return Promise.resolve(embedded); }
  return layers.find(id).then(function (layer) {
    if (!layer) return null;
    layers.pin(id);
    if (!map.getBounds().contains(layer.getLatLng())) map.setView(layer.getLatLng(), Math.max(map.getZoom(), 9), { animate: false });
    return layers.whenLoaded().then(function () {  // its neighbours drawn (and clustered) first, then it is opened
      const cluster = clusters.filter(function (c) { return c.hasLayer(layer) && map.hasLayer(c); })[0];
      if (cluster) openInCluster(cluster, layer);
      else layer.openPopup();
      return layer;
    });
  });
}

/* The centre and zoom the URL gives, each checked (a latitude Web Mercator can draw, a longitude, a whole zoom the
 * map has), or null: a view that is not one is ignored and the map starts at its own. */
export function viewFromHash(map) {
  const c = (rawHashValue("c") || "").split(",");
  const z = hashNumber(rawHashValue("z"), map.getMinZoom(), map.getMaxZoom());
  const lat = hashNumber(c[0], -85, 85), lon = hashNumber(c[1], -180, 180);
  return c.length === 2 && lat !== null && lon !== null && z !== null && z % 1 === 0 ? { c: [lat, lon], z: z } : null;
}

export function trackView(map, layers, layerControl) {
  map.on("overlayadd overlayremove", function () { if (view.hiddenFirst) trackOverlays(map, layerControl); writeHash(map); });
  map.on("moveend", function () { writeHash(map); });
  map.on("popupopen", function (e) {
    const source = e.popup._source;
    view.sel = source && source.feature ? source.feature.id : null;
    layers.pin(view.sel);
    writeHash(map);
  });
  map.on("popupclose", function () { view.sel = null; layers.pin(null); writeHash(map); });
}

function viewCitation(config) {
  const today = new Date().toISOString().slice(0, 10);
  return config.citeTitle + ". Map view, " + (state.from === state.to ? "year " : "years ") + periodText(state.from, state.to) +
    ". " + config.dataVersion + ". " + citedUrl(config) + " (accessed " + today + ").";
}

// The view's URL at the page's release (config.citeUrl, absolute or a path on this origin), else this address.
function citedUrl(config) {
  if (!config.citeUrl) return window.location.href;
  return new URL(config.citeUrl, window.location.href).href + window.location.hash;
}

export function citeControl(config) {
  return control("bottomleft", function () {
    const box = el("div", null, "atlas-box atlas-cite");
    const button = el("button", "Cite this view");
    button.type = "button";
    const text = el("textarea", null, "atlas-cite-text");
    text.readOnly = true; text.rows = 4; text.hidden = true;
    button.addEventListener("click", function () {
      text.value = viewCitation(config);
      text.hidden = false;
      text.select();
    });
    return append(box, [button, text]);
  });
}
