/* The view in the URL (year, zoom, centre, overlays switched off, the selected feature), and opening a
 * feature by id, on the map, inside a cluster, or fetched alone. */
import { append, control, decoded, el, hashNumber, periodText, rawHashValue, state } from "./util.js";

export const view = { off: [], sel: null, ready: false };

export function writeHash(map) {
  if (!view.ready) return;
  const c = map.getCenter();
  const parts = [
    "year=" + (state.from === state.to ? state.from : state.from + "-" + state.to),
    "z=" + map.getZoom(),
    "c=" + c.lat.toFixed(4) + "," + c.lng.toFixed(4)
  ];
  if (view.off.length) parts.push("off=" + view.off.map(encodeURIComponent).join(","));
  if (view.sel) parts.push("sel=" + encodeURIComponent(view.sel));
  history.replaceState(null, "", "#" + parts.join("&"));
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

export function restoreView(map, layerControl) {
  const asked = viewFromHash(map);
  if (asked) map.setView(asked.c, asked.z, { animate: false });
  const byName = overlays(layerControl);
  (rawHashValue("off") || "").split(",").map(decoded).forEach(function (name) {
    const layer = name ? byName.get(name) : undefined;
    if (!layer) return;
    if (map.hasLayer(layer)) map.removeLayer(layer);
    if (view.off.indexOf(name) < 0) view.off.push(name);
  });
}

export function trackView(map, layers) {
  map.on("overlayadd", function (e) { view.off = view.off.filter(function (n) { return n !== e.name; }); writeHash(map); });
  map.on("overlayremove", function (e) { if (view.off.indexOf(e.name) < 0) view.off.push(e.name); writeHash(map); });
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
    ". Data version " + config.dataVersion + ". " + window.location.href + " (accessed " + today + ").";
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
