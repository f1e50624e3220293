/* Count bubbles: when a layer has more features in the view and years than config.countThreshold, the map
 * shows how many fall in each cell of a grid over the view (GET /collections/{id}/grid) instead of the
 * features. A bubble is a count of the features in its cell, never a located point: it is drawn with the
 * cell's outline, says "N <things> in this cell — zoom in", is sized by its count, and a click zooms to
 * the cell. Text goes in with textContent only. */
import { append, el } from "./util.js";

/* [one, many] of each fetched layer. */
const NOUNS = {
  places: ["place", "places"], outposts: ["border-guard unit", "border-guard units"],
  customs: ["customs post", "customs posts"], diplomacy: ["diplomatic or trade record", "diplomatic or trade records"],
  incidents: ["incident", "incidents"],
  migration: ["migration flow", "migration flows"]
};
const CELL_STYLE = { color: "#555555", weight: 1, opacity: 0.6, dashArray: "2 4", fill: false, interactive: false, className: "count-cell" };
const NUMBER = new Intl.NumberFormat("en");

export function countText(cid, count) {
  return NUMBER.format(count) + " " + NOUNS[cid][count === 1 ? 0 : 1];
}

/* Bubble diameter in pixels: grows with the logarithm of the count. */
function diameter(count) { return Math.round(22 + 12 * Math.log10(Math.max(count, 1))); }

function bounds(cell) { return L.latLngBounds([cell.bbox[1], cell.bbox[0]], [cell.bbox[3], cell.bbox[2]]); }

function bubble(map, cid, cell) {
  const size = diameter(cell.count), text = countText(cid, cell.count) + " in this cell — zoom in";
  const node = append(el("div", null, "count-bubble count-" + cid), [
    el("span", NUMBER.format(cell.count), "count-number"), el("span", NOUNS[cid][cell.count === 1 ? 0 : 1] + " — zoom in", "count-what")
  ]);
  node.firstChild.style.width = node.firstChild.style.height = node.firstChild.style.lineHeight = size + "px";
  node.setAttribute("title", text);
  node.setAttribute("aria-label", text);
  node.setAttribute("data-count", String(cell.count));
  const icon = L.divIcon({ className: "count-icon", html: node, iconSize: null, iconAnchor: [size / 2, size / 2] });
  const marker = L.marker(bounds(cell).getCenter(), { icon: icon, title: text, keyboard: true });
  marker.on("click", function () { map.fitBounds(bounds(cell)); });
  return marker;
}

/* The count layers of a map, one group per fetched layer: show(cid, grid) draws a grid answer, clear(cid). */
export function countLayers(map, cids) {
  const groups = {};
  cids.forEach(function (cid) { groups[cid] = L.layerGroup().addTo(map); });
  return {
    show: function (cid, grid) {
      groups[cid].clearLayers();
      grid.grid.forEach(function (cell) {
        groups[cid].addLayer(L.rectangle(bounds(cell), CELL_STYLE));
        groups[cid].addLayer(bubble(map, cid, cell));
      });
    },
    clear: function (cid) { groups[cid].clearLayers(); },
    count: function (cid) { return groups[cid].getLayers().length; }
  };
}
