/* The other controls: links, the Figure button, the uncertainty circles, popups kept in the window, the hatch
 * of the areas of possibility, and markers kept above the areas. */
import { append, control, el, link, state, svg } from "./util.js";
import { view } from "./urlstate.js";
import { compareText } from "./compare.js";

export function linksControl(links) {
  return control("bottomleft", function () {
    const box = el("div", null, "atlas-box atlas-links");
    Object.keys(links).forEach(function (label, i) {
      if (i) box.appendChild(document.createTextNode(" · "));
      box.appendChild(link(label, links[label]));
    });
    return box;
  });
}

function figureQuery(map, format) {
  const b = map.getBounds(), clamp = function (v, m) { return Math.max(-m, Math.min(m, v)).toFixed(4); };
  const query = new URLSearchParams({
    year: state.from === state.to ? String(state.from) : state.from + "-" + state.to,
    bbox: [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].join(","),
    lang: state.language,
    format: format
  });
  if (view.off.length) query.set("off", view.off.join(","));
  if (state.certainOnly) query.set("certain", "1");
  if (view.sel) query.set("sel", view.sel);  // the open feature, ringed  // only what is certain, as the map draws it
  if (state.compare) query.set("compare", compareText(state.compare));  // a figure of both moments
  return query.toString();
}

/* "Figure": the view as it is now (years, bounds, layers off, label language) as a figure for publication at a
 * journal's column width, drawn by the server in the chosen format, in a new tab; "Sources" opens its
 * bibliography; the zip holds the PDF and the bibliography. */
const FIGURE_WIDTHS = { double: "174 mm", single: "84 mm" };
const FIGURE_FORMATS = { svg: "SVG", pdf: "PDF", png: "PNG", zip: "ZIP" };

export function figureControl(config, map) {
  return control("bottomleft", function () {
    const box = el("div", null, "leaflet-bar atlas-figure");  // styled here, not as .atlas-box (kept for the label control)
    box.style.cssText = "background: #fff; padding: 6px 8px; font: 13px/1.3 system-ui, sans-serif;";
    const button = el("button", "Figure");
    button.type = "button";
    button.title = "A figure of this view for publication (opens in a new tab)";
    const format = el("select");
    format.setAttribute("aria-label", "Figure format");
    format.title = "SVG, PDF or PNG; ZIP: the PDF and its sources";
    Object.keys(FIGURE_FORMATS).forEach(function (f) { const o = el("option", FIGURE_FORMATS[f]); o.value = f; format.appendChild(o); });
    const widths = Object.keys(FIGURE_WIDTHS).map(function (w, i) {
      const radio = el("input");
      Object.assign(radio, { type: "radio", name: "atlas-figure-width", value: w, checked: i === 0 });
      const label = append(el("label"), [radio, document.createTextNode(FIGURE_WIDTHS[w])]);
      label.title = "The width of a " + w + " journal column";
      return label;
    });
    function url(part) {
      const query = new URLSearchParams(figureQuery(map, format.value === "zip" ? "pdf" : format.value));
      query.set("width", box.querySelector("input[name=atlas-figure-width]:checked").value);
      if (part === "sources") query.delete("format");
      if (part || format.value === "zip") query.set("part", part || "all");
      return config.figureUrl + "?" + query.toString();
    }
    button.addEventListener("click", function () { window.open(url(null), "_blank", "noopener"); });
    const sources = link("Sources", config.figureUrl);
    Object.assign(sources, { target: "_blank", rel: "noopener", title: "The full references of the figure's sources" });
    sources.style.cssText = "display: inline; width: auto; height: auto; line-height: inherit; border: 0; "
      + "color: #0645ad; text-decoration: underline;";  // a link, not a .leaflet-bar button
    ["click", "mouseenter", "focus", "contextmenu", "auxclick"].forEach(function (type) {  // copied or middle-clicked too
      sources.addEventListener(type, function () { sources.href = url("sources"); });
    });
    return append(box, [button, " ", format, " ", ...widths, " · ", sources].map(function (n) {
      return typeof n === "string" ? document.createTextNode(n) : n;
    }));
  });
}

const EDGE_PX = 16;  // a popup's least distance from the map's edge and from the controls
const SETTLE_MS = 800;  // how long after a popup opens a pan still counts as part of its opening

function boxOf(node, frame) {
  const r = node.getBoundingClientRect();
  return { left: r.left - frame.left, right: r.right - frame.left, top: r.top - frame.top, bottom: r.bottom - frame.top };
}

function moved(box, d) { return { left: box.left + d[0], right: box.right + d[0], top: box.top + d[1], bottom: box.bottom + d[1] }; }

/* How much of `box` lies under the control boxes (in square pixels). */
function hiddenUnder(box, controls) { return controls.reduce(function (sum, c) { return sum + overlap(box, c); }, 0); }

function overlap(a, b) {
  return Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
}

/* The move of `box` that leaves it inside the map and hides the least of it under the controls (none, where the map
 * has room), the smallest such move first; null when no move does better than staying. */
function clearMove(box, controls, size) {
  const across = [0], down = [0];
  controls.forEach(function (c) {
    across.push(c.right + EDGE_PX - box.left, c.left - EDGE_PX - box.right);
    down.push(c.bottom + EDGE_PX - box.top, c.top - EDGE_PX - box.bottom);
  });
  const hidden = function (b) { return hiddenUnder(b, controls); };
  let best = null, bestHidden = hidden(box), bestSize = 0;
  across.forEach(function (dx) {
    down.forEach(function (dy) {
      const b = moved(box, [dx, dy]), size2 = Math.abs(dx) + Math.abs(dy);
      if (b.left < 0 || b.top < 0 || b.right > size.x || b.bottom > size.y) return;
      const h = hidden(b);
      if (h < bestHidden || (h === bestHidden && best !== null && size2 < bestSize)) { best = [dx, dy]; bestHidden = h; bestSize = size2; }
    });
  });
  return best;
}

/* Pan the map so that an open popup stands clear of the controls, where the map has room for it (Leaflet has
 * already kept it in the window). */
function panClear(map, popup) {
  const frame = map.getContainer().getBoundingClientRect();
  const elements = Array.from(map.getContainer().querySelectorAll(".leaflet-control-container .leaflet-control"))
    .filter(function (c) { return c.offsetWidth && c.offsetHeight });  // one stepped aside keeps its box
  const controls = elements.map(function (c) { return boxOf(c, frame); });
  const box = boxOf(popup.getElement(), frame), move = clearMove(box, controls, map.getSize());
  if (move && (move[0] || move[1])) map.panBy([-move[0], -move[1]], { animate: false });
  // no room beside a control (a small window, a tall popup): that control, and only it, steps aside while the popup is open
  const placed = move ? moved(box, move) : box;
  elements.forEach(function (c, i) { c.classList.toggle("atlas-aside", overlap(placed, controls[i]) > 0); });
}

function unaside(map) {
  map.getContainer().querySelectorAll(".atlas-aside").forEach(function (c) { c.classList.remove("atlas-aside"); });
}

/* A popup whose content grew (a zone opened, an answer arrived): its top back in the window, clear of the controls. */
function refit(map, popup) {
  if (!popup.isOpen()) return;
  const top = popup.getElement().getBoundingClientRect().top - map.getContainer().getBoundingClientRect().top;
  if (top < EDGE_PX) map.panBy([0, top - EDGE_PX], { animate: false });
  panClear(map, popup);
}

/* Popups open clear of the controls and inside the window (never taller or wider than it: their content scrolls),
 * stay so when their content grows, and close with Escape. */
export function fitPopups(map) {
  // A guided tour (webapp/tours.py) holds each step's own view: its popups open where they are, never panning it.
  const held = Boolean(document.getElementById("tour"));
  L.Popup.mergeOptions(held ? { autoPan: false, keepInView: false } : { keepInView: true, autoPanPadding: L.point(EDGE_PX, EDGE_PX) });
  const limit = function () { map.getContainer().style.setProperty("--atlas-popup-max", Math.max(160, map.getSize().y - 120) + "px"); };
  limit();
  map.on("resize", limit);
  map.on("popupopen", function (e) {
    const again = function () { refit(map, e.popup); };
    e.popup.getElement().addEventListener("toggle", again, true);  // a <details> opened or closed inside
    e.popup.getElement().addEventListener("atlas-resized", again);
    const o = e.popup.options, size = map.getSize();
    const high = Math.max(160, size.y - 120), wide = Math.max(200, size.x - 90);  // of the content: the frame adds ~45 px
    if (o.maxHeight > high || o.maxWidth > wide) {
      Object.assign(o, { maxHeight: Math.min(o.maxHeight || high, high), maxWidth: Math.min(o.maxWidth, wide), minWidth: Math.min(o.minWidth, wide) });
      e.popup.update();
    }
    map.getContainer().classList.add("atlas-popup-open");
    if (held) return;
    panClear(map, e.popup);
    const opened = Date.now();  // Leaflet's own pan into the window may still be under way: once more after it
    map.once("moveend", function () { if (e.popup.isOpen() && Date.now() - opened < SETTLE_MS) panClear(map, e.popup); });
  });
  map.on("popupclose", function () { map.getContainer().classList.remove("atlas-popup-open"); unaside(map); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") map.closePopup(); });
}

/* Uncertainty circles: faint, hidden at regional zooms unless "show all" is ticked; the circle of
 * the hovered or selected feature is drawn strongly. */
const CIRCLES_FROM_ZOOM = 8;

function highlight(circleGroups, id, on) {
  let found = null;
  circleGroups.forEach(function (g) { g.eachLayer(function (l) { if (!found && l.feature && l.feature.id === id) found = l; }); });
  if (found && found.getElement()) found.getElement().classList.toggle("uncertainty-selected", on);
}

export function circlesControl(map, circleGroups) {
  let toggle = null;
  function apply() {
    const hidden = !(toggle && toggle.checked) && map.getZoom() < CIRCLES_FROM_ZOOM;
    map.getContainer().classList.toggle("atlas-circles-hidden", hidden);
  }
  const c = control("topleft", function () {
    const box = el("div", null, "leaflet-bar atlas-box atlas-circles");
    toggle = el("input");
    toggle.type = "checkbox";
    box.appendChild(append(el("label"), [toggle, el("span", " Show every uncertainty circle")]));
    box.appendChild(el("div", "(otherwise from zoom " + CIRCLES_FROM_ZOOM + ", and the selected one)", "note"));
    toggle.addEventListener("change", apply);
    return box;
  });
  map.on("zoomend", apply);
  map.on("popupopen", function (e) { const s = e.popup._source; if (s && s.feature) highlight(circleGroups, s.feature.id, true); });
  map.on("popupclose", function (e) { const s = e.popup._source; if (s && s.feature) highlight(circleGroups, s.feature.id, false); });
  c.apply = apply;
  return c;
}

export function hoverCircles(groups, circleGroups) {
  groups.forEach(function (g) {
    g.on("mouseover", function (e) { if (e.layer.feature) highlight(circleGroups, e.layer.feature.id, true); });
    g.on("mouseout", function (e) {
      if (e.layer.feature && !(e.layer.isPopupOpen && e.layer.isPopupOpen())) highlight(circleGroups, e.layer.feature.id, false);
    });
  });
}

/* A diagonal hatch for the areas of possibility, defined once in the map's SVG (CSS fills with it). */
export function addHatch(map) {
  const svgRoot = map.getPanes().overlayPane.querySelector("svg");
  if (!svgRoot || svgRoot.querySelector("#atlas-hatch")) return;
  const defs = svg("defs");
  const pattern = svg("pattern", { id: "atlas-hatch", width: 8, height: 8, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
  const hatch = state.config.hatch;  // the areas' colour, from the server's vocabulary
  pattern.appendChild(svg("line", { x1: 0, y1: 0, x2: 0, y2: 8, stroke: hatch.colour, "stroke-width": 2, "stroke-opacity": hatch.opacity }));
  defs.appendChild(pattern);
  svgRoot.insertBefore(defs, svgRoot.firstChild);
}

/* Layers the time filter adds back come on top: put the markers above every area again, so that
 * an area never takes a click meant for a marker. */
export function markersOnTop(map) {
  map.eachLayer(function (l) { if (l instanceof L.CircleMarker && !(l instanceof L.Circle)) l.bringToFront(); });
}
