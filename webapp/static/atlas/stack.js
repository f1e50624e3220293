/* Features that share a point: a click offers every marker under the pointer (a list to choose from), so that
 * none hides another, at every zoom; a group of incidents with places or units under it is listed the same way.
 * Text enters the list with textContent only. */
import { append, el, state } from "./util.js";

const SLOP_PX = 3;  // how far beyond a marker's edge a click still counts as on it
const ORDER = ["places", "outposts", "customs", "diplomacy", "incidents", "staged"];

/* Every point marker drawn on the map whose disc is under the container point `at` (or within `around` px of it). */
export function markersUnder(map, at, around) {
  const found = [];
  map.eachLayer(function (l) {
    if (!(l instanceof L.CircleMarker) || l instanceof L.Circle || !l.feature || !l.getPopup()) return;
    const reach = l.getRadius() + (l.options.weight || 0) / 2 + SLOP_PX + (around || 0);
    if (map.latLngToContainerPoint(l.getLatLng()).distanceTo(at) <= reach) found.push(l);
  });
  return found;
}

function rank(layer) {
  const i = ORDER.indexOf(layer.cid);
  return i < 0 ? ORDER.length : i;
}

function years(p) {
  const start = p.start ? String(p.start).slice(0, 4) : "", end = p.end ? String(p.end).slice(0, 4) : "";
  if (!start) return end ? "by " + end : "";
  return start === end ? start : start + "–" + end;
}

/* Open a marker's popup, spreading the group it is hidden in first (an incident chosen from the list). */
function openChosen(map, layer, group) {
  if (layer._map || !group) layer.openPopup();
  else openInCluster(group, layer);
}

function entry(map, layer, group) {
  const p = layer.feature.properties, points = state.config.points[layer.cid];
  const what = [points ? points.title : "", years(p)].filter(Boolean).join(", ");
  const button = el("button", null, "atlas-stack-choice");
  button.type = "button";
  append(button, [el("span", p[state.language] || p.name, "name"), what ? el("span", " — " + what, "note") : null]);
  button.addEventListener("click", function (e) {
    e.stopPropagation();
    map.closePopup();
    openChosen(map, layer, group && group.hasLayer(layer) ? group : null);
  });
  return append(el("li"), [button]);
}

/* The list of `layers` at `latlng`, each opening its own popup when chosen (`group`: the group of incidents some of
 * them are hidden in). */
export function offerAll(map, layers, latlng, group) {
  const sorted = layers.slice().sort(function (a, b) { return rank(a) - rank(b); });
  const box = append(el("div", null, "atlas-popup atlas-stack"), [
    el("h3", sorted.length + " features here"),
    el("p", "They are drawn at or near this point. Choose one:", "note"),
    append(el("ul", null, "atlas-stack-list"), sorted.map(function (l) { return entry(map, l, group); }))
  ]);
  L.popup({ minWidth: 260, maxWidth: 420 }).setLatLng(latlng).setContent(box).openOn(map);
}

/* A click on a marker: its popup, or the list when other markers are under the pointer too. */
export function stackOnClick(map, layer) {
  layer.off("click", layer._openPopup, layer);  // Leaflet's own handler of bindPopup, replaced by this one
  layer.on("click", function (e) {
    const under = markersUnder(map, e.containerPoint);
    if (under.length > 1) offerAll(map, under, layer.getLatLng());
    else layer.openPopup();
  });
}

/* A click on a stock (people counted in an area, drawn as its outline): its popup, or the list of every stock of
 * that area drawn now (two stocks of one area share their outline, and the one drawn last took every click). */
export function stocksOnClick(map, layer) {
  layer.off("click", layer._openPopup, layer);
  layer.on("click", function (e) {
    const area = layer.feature.properties.area_id, same = [];
    map.eachLayer(function (l) {
      const p = l.feature && l.cid === "migration" ? l.feature.properties : null;
      if (p && p.kind === "presence" && p.area_id === area && l.getPopup()) same.push(l);
    });
    if (same.length > 1) offerAll(map, same, e.latlng);
    else layer.openPopup(e.latlng);
  });
}

/* A click on a group of incidents: spread them (or zoom in to them) as the group does, unless other markers lie
 * under it, in which case every feature there, the group's and the others, is offered in one list. */
export function clusterOnClick(map, group) {
  group.on("clusterclick clusterkeypress", function (e) {
    if (e.type === "clusterkeypress" && e.originalEvent && e.originalEvent.key !== "Enter") return;
    const cluster = e.layer, children = cluster.getAllChildMarkers(), icon = cluster.getElement();
    const under = markersUnder(map, map.latLngToContainerPoint(cluster.getLatLng()), icon ? icon.offsetWidth / 2 : 0);
    if (under.length) return offerAll(map, children.concat(under), cluster.getLatLng(), group);
    const first = children[0].getLatLng();
    const onePoint = children.every(function (m) { return m.getLatLng().equals(first); });
    if (onePoint || map.getZoom() >= map.getMaxZoom()) cluster.spiderfy();
    else cluster.zoomToBounds({ padding: [24, 24] });
  });
}

/* Open the popup of a marker inside a group where it stands: the group it is hidden in is spread out (never zoomed
 * into, so that a link's view stays as it was asked for). */
export function openInCluster(cluster, marker) {
  const parent = cluster.getVisibleParent(marker);
  if (parent && parent !== marker && parent.spiderfy) parent.spiderfy();
  if (marker._map) marker.openPopup();
  else cluster.once("spiderfied", function () { marker.openPopup(); });
}
