/* Border Atlas map behaviour, wired to the map and layers Folium made (queued in window.BorderAtlasQueue by
 * the page's inline script, which runs before this module). Every text from the data goes into the page with
 * textContent, never as HTML. */
import { hashValue, periodText, state } from "./util.js";
import { bind } from "./popups.js";
import { regimeOnClick } from "./regime.js";
import { legendControl, periodControl, periodFromHash, timeFilter } from "./time.js";
import { fetchedLayers } from "./layers.js";
import { stagedLayer } from "./staged.js";
import { languageControl, loadIndex, placeLabels, relabel, searchControl } from "./search.js";
import { citeControl, openFeature, overlays, restoreView, trackView, view, writeHash } from "./urlstate.js";
import { addHatch, circlesControl, figureControl, fitPopups, hoverCircles, linksControl, markersOnTop } from "./controls.js";

/* The embedded layers get their popups here (Folium's script made them before this module ran). */
function bindEmbedded(opts) {
  const each = function (kind, groups) { groups.forEach(function (g) { g.eachLayer(function (l) { bind(kind, l.feature, l); }); }); };
  each("zones", opts.zones);
  each("border", [opts.border]);
  each("areas", opts.areas);
}

function overlayOn(map, layerControl) {
  return function (series) {
    const byName = overlays(layerControl);
    return series.layers.some(function (name) { return byName.has(name) && map.hasLayer(byName.get(name)); });
  };
}

/* After each redraw of a fetched layer: the heat map follows the incidents, labels follow the places. */
function onDrawn(map, opts, getLayers) {
  return function (cid) {
    if (cid === "incidents") opts.heat.setLatLngs(getLayers().layers("incidents").map(function (l) { return l.getLatLng(); }));
    if (cid === "places") placeLabels(map, opts.groups.places);
    markersOnTop(map);
    addHatch(map);
  };
}

function showPlace(map, layers, places, id) {
  if (!map.hasLayer(places)) map.addLayer(places);
  return layers.find(id).then(function (layer) {
    if (!layer) return;
    layers.pin(id);
    map.setView(layer.getLatLng(), Math.max(map.getZoom(), 9));
    return layers.whenLoaded().then(function () { layer.openPopup(); });
  });
}

/* The place or feature the URL names (read now: the hash is rewritten), once the view asked for is drawn. */
function openFromHash(map, layers, groups) {
  const place = hashValue("place"), sel = hashValue("sel");
  return layers.whenLoaded().then(function () {
    if (place) return showPlace(map, layers, groups.places, place);
    if (sel) return openFeature(map, layers, [groups.incidents], sel);
  });
}

function addControls(map, config, layers, groups) {
  const index = layers.whenLoaded().then(function () { return loadIndex(config.indexUrl); });  // after the first view
  searchControl(index, function (id) { showPlace(map, layers, groups.places, id); }).addTo(map);
  languageControl(config.languages, function () { relabel(groups.places); placeLabels(map, groups.places); }).addTo(map);
  linksControl(config.links).addTo(map);
  citeControl(config).addTo(map);
  figureControl(config, map).addTo(map);
  const circles = circlesControl(map, layers.circles());
  circles.addTo(map);
  circles.apply();
  hoverCircles([groups.places, groups.incidents], layers.circles());
  fitPopups(map);
  regimeOnClick(map);
}

function init(map, opts) {
  const config = opts.config, groups = opts.groups, container = map.getContainer();
  Object.assign(state, { config: config, map: map, levels: config.levels, levelLegend: config.levelLegend, units: config.summary.units });
  bindEmbedded(opts);
  let layers = null;
  layers = fetchedLayers(map, Object.assign({ heat: opts.heat }, groups), config, onDrawn(map, opts, function () { return layers; }));
  const filter = timeFilter(opts.zones.concat([opts.border], opts.dated));
  const legend = legendControl(opts.zones, config.summary.undated, config.levelLegend);
  const control = periodControl(config, overlayOn(map, opts.layerControl), function (from, to) {
    Object.assign(state, { from: from, to: to, year: to });
    filter(from, to);
    markersOnTop(map);
    legend.update(from, to);
    layers.setPeriod(from, to);
    writeHash(map);
    container.setAttribute("data-year", String(from));
    container.setAttribute("data-period", periodText(from, to));
  });
  control.addTo(map);
  addHatch(map);
  legend.addTo(map);
  addControls(map, config, layers, groups);
  restoreView(map, opts.layerControl);
  const period = periodFromHash(config);
  control.set(period.from, period.span);
  map.on("moveend", layers.schedule);
  map.on("overlayadd", function () { addHatch(map); layers.schedule(); });
  map.on("zoomend overlayadd", function () { placeLabels(map, groups.places); });
  map.on("overlayadd overlayremove", function () { control.redraw(); });
  trackView(map, layers);
  openFromHash(map, layers, groups);
  stagedLayer(map, opts.layerControl, config.staged);
  view.ready = true;
  writeHash(map);
  window.addEventListener("hashchange", function () {  // a view pasted into the address bar
    const pasted = periodFromHash(config);
    control.stop();
    control.set(pasted.from, pasted.span);
    restoreView(map, opts.layerControl);
    openFromHash(map, layers, groups);
  });
  Object.assign(window.BorderAtlas, { map: map, heat: opts.heat, layers: layers, ready: true });
}

window.BorderAtlas = window.BorderAtlas || {};
(window.BorderAtlasQueue || []).forEach(function (args) { init(args[0], args[1]); });
window.BorderAtlasQueue = { push: function (args) { init(args[0], args[1]); } };
