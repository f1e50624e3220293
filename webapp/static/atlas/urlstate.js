/* The view in the URL (years, zoom, centre, overlays switched off, the selected feature, the label language):
 * read whole, applied whole (on load, on a paste, on back and forward), then written back; and opening a feature
 * by id, on the map, inside a cluster, or fetched alone. */
import { append, control, dateWords, decoded, el, hashNumber, hashValue, periodText, rawHashValue, state } from "./util.js";
import { DATETIME_HASH, periodFromHash } from "./time.js";
import { openInCluster } from "./stack.js";
import { compareFromHash, compareText } from "./compare.js";
import { polygonHas } from "./regime.js";

/* `off`: overlays shown by default that the view switched off; `on`: overlays hidden by default it switched on. */
export const view = { off: [], on: [], sel: null, ready: false, hiddenFirst: null, written: [] };
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
  if (state.certainOnly) parts.push("certain=1");
  if (state.compare) parts.push("compare=" + compareText(state.compare));
  history.replaceState(null, "", "#" + parts.join("&"));
  view.written.forEach(function (listener) { listener(window.location.hash); });  // the compared map follows
}

/* The label language the URL names, if the map offers it (a Map lookup: `__proto__` is no language). */
function languageFromHash(config) {
  const asked = hashValue("lang");
  return asked && new Map(Object.entries(config.languages)).has(asked) ? asked : DEFAULT_LANGUAGE;
}

function shown(text) {
  const t = String(text);
  return "“" + (t.length > 40 ? t.slice(0, 40) + "…" : t) + "”";
}

/* What a link asks for that the map cannot show, in words (the rest of the view is applied). */
function ignoredParts(config, map, asked) {
  const ignored = [], year = hashValue("year"), z = hashValue("z"), c = hashValue("c"), lang = hashValue("lang");
  const period = asked.period.from + (asked.period.span > 1 ? "-" + (asked.period.from + asked.period.span - 1) : "");
  if (year !== null && year !== period) ignored.push("the years " + shown(year) + " (the atlas covers " + config.years[0] + "–" + config.years[1] + ")");
  const datetime = year === null ? hashValue("datetime") : null;
  const match = datetime === null ? null : DATETIME_HASH.exec("#datetime=" + datetime);
  const years = match ? match[1] + (match[2] && match[2] !== match[1] ? "-" + match[2] : "") : null;
  if (datetime !== null && years !== period) ignored.push("the period " + shown(datetime) + " (the atlas covers " + config.years[0] + "–" + config.years[1] + ")");
  if ((z !== null || c !== null) && !asked.at) ignored.push("the zoom and centre " + shown([z && "z=" + z, c && "c=" + c].filter(Boolean).join(" ")));
  if (lang !== null && lang !== asked.language) ignored.push("the label language " + shown(lang));
  const compare = hashValue("compare");
  if (compare !== null && !asked.compare) ignored.push("the years to compare " + shown(compare) + " (a year or years such as 1935 or 1934-1935 within " + config.years[0] + "–" + config.years[1] + ")");
  return ignored;
}

/* Every part of the view the URL names, read at once, before anything (the time control) rewrites the hash;
 * `ignored` says in words what of it cannot be shown. */
export function readView(config, map) {
  const asked = {
    period: periodFromHash(config),
    at: viewFromHash(map),
    off: namesFromHash("off"),
    on: namesFromHash("on"),
    sel: hashValue("sel"),
    place: hashValue("place"),
    language: languageFromHash(config),
    certainOnly: hashValue("certain") === "1",
    compare: compareFromHash(config)
  };
  asked.ignored = ignoredParts(config, map, asked);
  return asked;
}

/* A note at the top of the map saying what of a link was not shown; it goes when closed, or after a while. */
export function notice(map, ignored) {
  const old = map.getContainer().querySelector(".atlas-notice");
  if (old) old.remove();
  if (!ignored.length) return;
  const box = el("div", null, "atlas-notice");
  box.setAttribute("role", "status");
  const close = el("button", "×", "atlas-notice-close");
  close.type = "button";
  close.setAttribute("aria-label", "Close this note");
  close.addEventListener("click", function () { box.remove(); });
  append(box, [el("span", "This link asks for what the map cannot show, so it was left out: " + ignored.join("; ") + "."), close]);
  L.DomEvent.disableClickPropagation(box);
  map.getContainer().appendChild(box);
  setTimeout(function () { box.remove(); }, 15000);
}

function namesFromHash(key) { return (rawHashValue(key) || "").split(",").map(decoded).filter(Boolean); }

/* Each overlay as the view asks: shown unless `off` names it, or, for those hidden by default, if `on` names it. */
function setOverlays(map, layerControl, asked) {
  const byName = overlays(layerControl);
  if (view.hiddenFirst === null) {  // the map's own defaults, read once before any view is applied
    view.hiddenFirst = new Set(Array.from(byName.keys()).filter(function (name) { return !map.hasLayer(byName.get(name)); }));
  }
  byName.forEach(function (layer, name) {
    const wanted = view.hiddenFirst.has(name) ? asked.on.indexOf(name) >= 0 : asked.off.indexOf(name) < 0;
    if (wanted && !map.hasLayer(layer)) map.addLayer(layer);
    if (!wanted && map.hasLayer(layer)) map.removeLayer(layer);
  });
  asked.off.concat(asked.on).filter(function (name) { return !byName.has(name); }).forEach(function (name) {
    asked.ignored.push("the layer " + shown(name));
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
  state.certainOnly = asked.certainOnly;
  if (ui.time.syncCertain) ui.time.syncCertain();
  ui.time.set(asked.period.from, asked.period.span);
  if (asked.at) map.setView(asked.at.c, asked.at.z, { animate: false });
  setOverlays(map, ui.layerControl, asked);
  ui.language.set(asked.language);
  map.closePopup();
  view.sel = asked.sel || null;  // kept in the URL while the feature is found and opened
  if (ui.compare) ui.compare.set(asked.compare);
  if (ui.compare && asked.compare && !asked.at) ui.home();  // no centre asked: the border framed in the half map
  view.ready = true;
  writeHash(map);
  return ui.open(asked).then(function (opened) {
    const wanted = asked.place || asked.sel;
    if (wanted && !opened) {
      asked.ignored.push("the feature " + shown(wanted) + ", which has no point on the map in this release (unlocated, or not in it)");
      if (view.sel === asked.sel) { view.sel = null; writeHash(map); }
    }
    notice(map, asked.ignored);
  });
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

/* Where a zone's or an area's popup opens: at the view's centre if it lies inside, else at the nearest point of its
 * outline drawn in the view, else (nothing of it in view) where Leaflet puts it. */
function nearestPoint(map, polygon) {
  const centre = map.getCenter();
  if (polygonHas(polygon, centre)) return centre;
  const closest = polygon.closestLayerPoint ? polygon.closestLayerPoint(map.latLngToLayerPoint(centre)) : null;
  return closest ? map.layerPointToLatLng(closest) : undefined;
}

/* A feature's popup: an embedded one (zone, border, area), or a fetched one (asked for alone if it is not
 * drawn yet), inside its cluster if it is in one (which is opened to show it first). */
export function openFeature(map, layers, clusters, id) {
  const embedded = embeddedLayer(map, id);
  if (embedded && !embedded.getLatLng) {
    embedded.openPopup(nearestPoint(map, embedded));
    return Promise.resolve(embedded);
  }
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
  const today = dateWords(new Date().toISOString().slice(0, 10));
  const compared = state.compare ? ", compared with " + periodText(state.compare.from, state.compare.to) : "";
  return config.citeTitle + ". Map view, " + (state.from === state.to ? "year " : "years ") + periodText(state.from, state.to) +
    compared + ". " + config.dataVersion + ". " + citedUrl(config) + " (accessed " + today + ").";
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
