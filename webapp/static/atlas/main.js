/* Border Atlas map behaviour, wired to the map and layers Folium made (queued in window.BorderAtlasQueue by
 * the page's inline script, which runs before this module). Every text from the data goes into the page with
 * textContent, never as HTML. */
import { markUndo, periodText, smallScreen, state } from "./util.js";
import { bind, popupContent } from "./popups.js";
import { polygonsAt, regimeOnClick, takePick } from "./regime.js";
import { clusterOnClick } from "./stack.js";
import { periodControl, timeFilter } from "./time.js";
import { legendControl } from "./legend.js";
import { FETCHED, fetchedLayers } from "./layers.js";
import { stagedLayer } from "./staged.js";
import { languageControl, loadIndex, placeLabels, relabel, searchControl } from "./search.js";
import { applyView, citeControl, openFeature, overlays, readView, trackView, view, writeHash } from "./urlstate.js";
import { compareView, embedded } from "./compare.js";
import { changesButton } from "./changes_panel.js";
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
function onDrawn(map, opts, getLayers, showKeys) {
  return function (cid) {
    if (cid === "incidents" && map.hasLayer(opts.heat)) opts.heat.setLatLngs(getLayers().layers("incidents").map(function (l) { return l.getLatLng(); }));
    if (cid === "places") placeLabels(map, opts.groups.places);
    markersOnTop(map);
    addHatch(map);
    showKeys();
  };
}

/* The legend's key of the markers and flows drawn now, in the layers switched on. */
function legendKeys(map, groups, legend, getLayers) {
  return function () {
    FETCHED.forEach(function (cid) {
      const shown = map.hasLayer(groups[cid]) ? getLayers().layers(cid) : [];
      legend.showDrawn(cid, shown.map(function (l) { return l.feature.properties; }));
    });
  };
}

function showPlace(map, layers, places, id) {
  if (!map.hasLayer(places)) map.addLayer(places);
  return layers.find(id).then(function (layer) {
    if (!layer) return null;
    layers.pin(id);
    map.setView(layer.getLatLng(), Math.max(map.getZoom(), 9));
    return layers.whenLoaded().then(function () { layer.openPopup(); return layer; });
  });
}

/* The place or feature a view names, opened once the view asked for is drawn and the places are known (a popup
 * links the places it names by the index). */
function opener(map, layers, groups, index) {
  return function (asked) {
    return Promise.all([layers.whenLoaded(), index]).then(function () {
      if (asked.place) return showPlace(map, layers, groups.places, asked.place);
      if (asked.sel) return openFeature(map, layers, [groups.incidents], asked.sel);
      return null;
    });
  };
}

/* What a click on the ground lists beside the zones: the areas of possibility shown there. */
function areasAt(map, areaGroups) {
  return function (latlng) {
    return polygonsAt(map, areaGroups, latlng).map(function (f) { return { title: f.properties.name, content: popupContent("areas", f) }; });
  };
}

function addControls(map, config, layers, groups, areaGroups) {
  const index = layers.whenLoaded().then(function () { return loadIndex(config.indexUrl); });  // after the first view
  searchControl(index, function (id) { showPlace(map, layers, groups.places, id); }).addTo(map);
  const language = languageControl(config.languages, function () {
    relabel(groups.places);
    placeLabels(map, groups.places);
    writeHash(map);
  });
  language.addTo(map);
  linksControl(config.links).addTo(map);
  if (!new URLSearchParams(window.location.search).has("staged")) citeControl(config).addTo(map);  // a private preview: not cited
  figureControl(config, map).addTo(map);
  const circles = circlesControl(map, layers.circles());
  circles.addTo(map);
  circles.apply();
  hoverCircles([groups.places, groups.incidents], layers.circles());
  fitPopups(map);
  regimeOnClick(map, areasAt(map, areaGroups));
  clusterOnClick(map, groups.incidents);
  return { language: language, index: index };
}

/* On a small screen the layer control and the legend start folded; opening one folds the other, and a tap on the
 * map folds them (and does nothing else: it answers no "what applied here?"). */
function foldOnSmallScreen(map, layerControl, legend) {
  if (!smallScreen()) return;
  const legendBox = legend.getContainer(), layersBox = layerControl.getContainer();
  const toggle = layersBox.querySelector(".leaflet-control-layers-toggle");
  layerControl.collapse();
  map.getContainer().addEventListener("click", function (e) {
    const unfolded = legendBox.open || layersBox.classList.contains("leaflet-control-layers-expanded");
    if (!unfolded || e.target.closest(".leaflet-control")) return;
    layerControl.collapse();
    legendBox.open = false;
    e.stopPropagation();  // before Leaflet sees it (this listens in the capture phase)
  }, true);
  legendBox.addEventListener("toggle", function () { if (legendBox.open) layerControl.collapse(); });
  if (toggle) toggle.addEventListener("click", function () { legendBox.open = false; });
}

/* "Compare" on the time control: a second map beside this one, of as many years right after these; again: back to
 * one map. Opened, it folds the layer list and the legend (`fold`), which would cover half of the first map. */
function comparison(map, config, control, fold) {
  let open = false;
  const compare = compareView(map, config, function () {
    if (state.compare && !open) fold();
    open = Boolean(state.compare);
    control.comparing(open);
    writeHash(map);
  });
  view.written.push(compare.sync);
  control.onCompare = function () {
    const span = state.to - state.from, from = Math.min(config.years[1] - span, state.to + 1);
    markUndo();
    compare.set(state.compare ? null : { from: from, to: from + span });
  };
  window.BorderAtlas.compare = compare;
  return compare;
}

function init(map, opts) {
  const config = opts.config, groups = opts.groups, container = map.getContainer();
  const asked = readView(config, map);  // first: the time control rewrites the hash when it is set
  Object.assign(state, { config: config, map: map, levels: config.levels, levelLegend: config.levelLegend, units: config.summary.units });
  bindEmbedded(opts);
  let layers = null, staged = null;
  const legend = legendControl(opts.zones, config.summary.undated, config.levelLegend);
  const showKeys = legendKeys(map, groups, legend, function () { return layers; });
  layers = fetchedLayers(map, Object.assign({ heat: opts.heat }, groups), config, onDrawn(map, opts, function () { return layers; }, showKeys));
  const filter = timeFilter(opts.zones.concat([opts.border], opts.dated));
  const control = periodControl(config, overlayOn(map, opts.layerControl), function (from, to) {
    Object.assign(state, { from: from, to: to, year: to });
    filter(from, to);
    markersOnTop(map);
    legend.update(from, to);
    layers.setPeriod(from, to);
    if (staged) staged.filter(from, to);
    writeHash(map);
    container.setAttribute("data-year", String(from));
    container.setAttribute("data-period", periodText(from, to));
  });
  control.addTo(map);
  control.getContainer().appendChild(changesButton(map));
  state.setPeriod = function (from, to) { control.stop(); markUndo(); control.set(from, to - from + 1); };  // "Show its years"
  addHatch(map);
  legend.addTo(map);
  const added = addControls(map, config, layers, groups, opts.areas);
  foldOnSmallScreen(map, opts.layerControl, legend);
  if (document.getElementById("tour")) opts.layerControl.collapse();  // a tour sets the layers; its list opens on a tap
  map.on("moveend", layers.schedule);
  map.on("overlayadd", function () { addHatch(map); layers.schedule(); });
  map.on("zoomend overlayadd", function () { placeLabels(map, groups.places); });
  map.on("overlayadd overlayremove", function () { control.redraw(); showKeys(); });
  trackView(map, layers, opts.layerControl);
  const home = function () {  // the whole border, framed in the map as wide as it is now (half width, comparing)
    map.invalidateSize({ animate: false });
    map.fitBounds(opts.border.getBounds(), { animate: false });
  };
  const ui = { home: home, time: control, layerControl: opts.layerControl, language: added.language, open: opener(map, layers, groups, added.index) };
  if (!embedded()) {
    ui.compare = comparison(map, config, control, function () { opts.layerControl.collapse(); legend.getContainer().open = false; });
  }
  applyView(map, ui, asked);
  staged = stagedLayer(map, opts.layerControl, config.staged, legend);
  window.addEventListener("hashchange", function () {  // a view pasted into the address bar, or back and forward
    applyView(map, ui, readView(config, map));
  });
  const select = function (id) { return ui.open({ sel: id }); };  // a feature opened by id (the changes panel, comparing)
  Object.assign(window.BorderAtlas, { map: map, heat: opts.heat, layers: layers, select: select, takePick: takePick, ready: true });
}

window.BorderAtlas = window.BorderAtlas || {};
if (embedded()) document.documentElement.classList.add("atlas-embed");  // the compared map, in its frame: no controls
(window.BorderAtlasQueue || []).forEach(function (args) { init(args[0], args[1]); });
window.BorderAtlasQueue = { push: function (args) { init(args[0], args[1]); } };
