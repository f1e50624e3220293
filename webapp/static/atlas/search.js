/* Places: the search box (any name, in any script), the label language, and which labels are shown. */
import { append, control, el, link, placeUrl, state } from "./util.js";
import { labelFor } from "./popups.js";

/* The index of every place: [id, located (0/1), name, other names...] rows, fetched once. */
export function loadIndex(url) {
  return fetch(url).then(function (r) { return r.json(); }).then(function (rows) {
    const index = rows.map(function (row) { return { id: row[0], located: Boolean(row[1]), name: row[2], names: row.slice(2) }; });
    index.forEach(function (entry) { state.places[entry.id] = entry.name; });
    return index;
  });
}

function matches(entry, query) {
  const q = query.toLocaleLowerCase();
  return entry.names.some(function (n) { return String(n).toLocaleLowerCase().indexOf(q) >= 0; });
}

function resultItem(entry, show) {
  const item = el("li");
  if (!entry.located) return append(item, [link(entry.name + " (unlocated: see its page)", placeUrl(entry.id))]);
  const other = entry.names.filter(function (n) { return n !== entry.name; }).slice(0, 3).join(" · ");
  const button = el("button", entry.name + (other ? " — " + other : ""));
  button.type = "button";
  button.addEventListener("click", function () { show(entry.id); });
  return append(item, [button]);
}

/* `index` is a promise of the index; `show(id)` flies to a place and opens it. */
export function searchControl(index, show) {
  return control("topleft", function () {
    const box = el("div", null, "leaflet-bar atlas-box atlas-search");
    const input = el("input");
    input.type = "search"; input.placeholder = "Find a place (any name)"; input.setAttribute("aria-label", "Find a place");
    const results = el("ul", null, "atlas-results");
    function render(entries) {
      results.textContent = "";
      const query = input.value.trim();
      if (!query) return;
      const hits = entries.filter(function (e) { return matches(e, query); }).slice(0, 12);
      if (!hits.length) results.appendChild(el("li", "No place of that name", "note"));
      hits.forEach(function (entry) { results.appendChild(resultItem(entry, show)); });
    }
    input.addEventListener("input", function () { index.then(render); });
    input.addEventListener("keydown", function (e) {
      if (e.key !== "Enter") return;
      const first = results.querySelector("button, a");
      if (first) first.click();
    });
    return append(box, [input, results]);
  });
}

/* The label language: chosen here, or set from the URL (`set`); `onChange` relabels the map. */
export function languageControl(languages, onChange) {
  const select = el("select");
  select.setAttribute("aria-label", "Label language");
  Object.keys(languages).forEach(function (key) {
    const option = el("option", languages[key]);
    option.value = key;
    select.appendChild(option);
  });
  select.addEventListener("change", function () { state.language = select.value; onChange(); });
  const c = control("topleft", function () {
    return append(el("div", null, "leaflet-bar atlas-box"), [append(el("label", "Labels "), [select])]);
  });
  c.set = function (key) {
    select.value = key;
    if (state.language !== key) { state.language = key; onChange(); }
  };
  return c;
}

export function relabel(placesLayer) {
  placesLayer.eachLayer(function (layer) {
    if (layer.place) layer.getElement().firstChild.textContent = labelFor(layer.place);
  });
}

/* Place labels: towns first, then the 1927 list, then the rest, as the zoom allows (the label priorities and
 * their zooms come from the server's vocabulary, config.labels); a label that would overlap one already shown is
 * hidden. */
function labelZoom(p) {
  const labels = state.config.labels;
  if (p.where_prec === "area") return labels.area;  // a marker inside an area is not where the place is
  const priority = p.feature_type in labels.priority ? labels.priority[p.feature_type] : labels.other;
  return labels.zooms[p.in_1927_list ? Math.min(priority, labels.listed) : priority];
}

function overlapsAny(box, boxes) {
  return boxes.some(function (b) { return box.left < b.right && box.right > b.left && box.top < b.bottom && box.bottom > b.top; });
}

export function placeLabels(map, placesLayer) {
  const zoom = map.getZoom(), view = map.getContainer().getBoundingClientRect(), entries = [];
  placesLayer.eachLayer(function (layer) {
    if (layer.place && layer.getElement()) entries.push({ from: labelZoom(layer.place), node: layer.getElement() });
  });
  /* Writes, then every read in one layout, then writes again: never a layout per label. */
  entries.forEach(function (e) { e.node.classList.toggle("label-hidden", zoom < e.from); });
  const candidates = entries.filter(function (e) { return zoom >= e.from; });
  candidates.sort(function (a, b) { return a.from - b.from; });
  const boxes = candidates.map(function (e) { return e.node.getBoundingClientRect(); });
  const shown = [];
  const hidden = boxes.map(function (box) {
    if (!overlapsAny(box, [view])) return false;  // off the map: nothing to overlap there
    const hide = overlapsAny(box, shown);
    if (!hide) shown.push(box);
    return hide;
  });
  candidates.forEach(function (e, i) { e.node.classList.toggle("label-hidden", hidden[i]); });
}
