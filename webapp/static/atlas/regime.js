/* "What applied here?": the answer of GET /regime for a point and the chosen year, built with textContent. */
import { append, dateWords, el, state } from "./util.js";
import { actItem, rulesList, sourcesList } from "./records.js";

const STATUS = { true: "in force", false: "not in force" };

/* One zone of the answer: its name and status, expanded for its rules (in force), acts and sources. */
function zoneDetails(z) {
  const box = el("details", null, "regime-zone " + (z.in_force ? "in-force" : "not-in-force"));
  box.appendChild(el("summary", z.name + " — " + (z.status || STATUS[z.in_force])));
  if (z.in_force && z.rules && z.rules.length) box.appendChild(rulesList(z.rules));
  if (z.acts && z.acts.length) box.appendChild(append(el("ul", null, "acts"), z.acts.map(actItem)));
  if (z.sources && z.sources.length) box.appendChild(sourcesList(z.sources));
  return box;
}

/* Something else the ground holds here (an area of possibility): its title, expanded for its content. */
function otherDetails(other) {
  const title = other.content.querySelector("h3");
  if (title) title.remove();  // the summary names it
  return append(el("details", null, "regime-other"), [el("summary", other.title), other.content]);
}

function regimeAnswer(a, others) {
  const div = el("div", null, "atlas-regime");
  const where = a.lat.toFixed(4) + "° N, " + a.lon.toFixed(4) + "° E";
  const side = a.side ? " — " + (a.side === "USSR" ? "Soviet side" : "Chinese side") : "";
  const distance = a.distance_m !== null && a.distance_m !== undefined ? ", " + (a.distance_m / 1000).toFixed(1) + " km from the border" : "";
  const zones = (a.zones || []).slice().sort(function (x, y) { return Number(y.in_force) - Number(x.in_force); });
  const asOf = /-12-31$/.test(a.date) ? "What applied here in " + a.date.slice(0, 4) + " (as of 31 December)" : "What applied here on " + dateWords(a.date);
  append(div, [el("h3", asOf), el("p", where + side + distance), a.note ? el("p", a.note, "note") : null]);
  if (zones.length) div.appendChild(el("p", "The zones around this point (open one for what it restricted, its acts and sources):", "note"));
  zones.forEach(function (z) { div.appendChild(zoneDetails(z)); });
  if (others.length) div.appendChild(el("h4", "Areas here (open one for what it is and its sources)"));
  others.forEach(function (o) { div.appendChild(otherDetails(o)); });
  return div;
}

export function askRegime(latlng, into, others) {
  into.textContent = "";
  into.appendChild(el("p", "Looking up the regime…", "note"));
  const url = state.config.regimeUrl + "?lat=" + latlng.lat.toFixed(6) + "&lon=" + latlng.lng.toFixed(6) + "&date=" + state.year;
  return fetch(url).then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
    .then(function (res) {
      into.textContent = "";
      into.appendChild(res.ok ? regimeAnswer(res.body, others || []) : el("p", res.body.description || "No answer", "note"));
      into.dispatchEvent(new Event("atlas-resized", { bubbles: true }));  // the popup holding it fits itself again
    })
    .catch(function () { into.textContent = "The regime could not be looked up."; });
}

export function regimeButton(layer) {
  const holder = el("div", null, "atlas-regime-holder");
  const button = el("button", "What applied here in " + state.year + "?", "atlas-regime-button");
  button.type = "button";
  button.addEventListener("click", function (e) {
    e.stopPropagation();  // not a click on the map: the button is gone before the event would bubble there
    const popup = layer.getPopup();
    askRegime(popup && popup.getLatLng ? popup.getLatLng() : layer.getLatLng(), holder);
  });
  holder.appendChild(button);
  return holder;
}

/* Is `p` inside a polygon's rings (the first the outer one, the others holes)? Ray casting on latitude/longitude. */
function ringHas(ring, p) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i], b = ring[j];
    if ((a.lat > p.lat) !== (b.lat > p.lat) && p.lng < (b.lng - a.lng) * (p.lat - a.lat) / (b.lat - a.lat) + a.lng) inside = !inside;
  }
  return inside;
}

export function polygonHas(layer, p) {
  if (!layer.getBounds || !layer.getBounds().contains(p)) return false;
  const rings = layer.getLatLngs(), polygons = L.LineUtil.isFlat(rings[0]) ? [rings] : rings;
  return polygons.some(function (poly) { return ringHas(poly[0], p) && !poly.slice(1).some(function (hole) { return ringHas(hole, p); }); });
}

/* The features of the (shown) polygon groups whose area holds `latlng`. */
export function polygonsAt(map, groups, latlng) {
  const found = [];
  groups.forEach(function (g) {
    if (map.hasLayer(g)) g.eachLayer(function (l) { if (l.feature && polygonHas(l, latlng)) found.push(l.feature); });
  });
  return found;
}

function isBackground(target) {
  /* a click on the map itself, the base map, a zone or an area (they take no clicks): not on a marker or a line */
  return Boolean(target && target.closest) && !target.closest(".leaflet-popup, .leaflet-control, .leaflet-interactive");
}

/* A click on the ground (anywhere but a marker or a line) answers with what applied there: the zones, each
 * expandable, and what else `othersAt(latlng)` finds there ([{title, content}]). */
/* The point the "What changed" panel waits for, taken once. */
export function takePick() {
  const pick = state.pickPoint;
  state.pickPoint = null;
  return pick || null;
}

/* In the compared map's frame: the first map's panel waiting for a point takes this map's click too. */
function parentPick() {
  const up = window.parent !== window ? window.parent.BorderAtlas : null;
  return up && up.takePick ? up.takePick() : null;
}

export function regimeOnClick(map, othersAt) {
  map.on("click", function (e) {
    if (!isBackground(e.originalEvent && e.originalEvent.target)) return;
    const pick = takePick() || parentPick();  // the "What changed" panel asked for a point: this click is its answer
    if (pick) return pick(e.latlng);
    const holder = el("div", null, "atlas-popup");
    L.popup({ minWidth: 320, maxWidth: 460, maxHeight: 420 }).setLatLng(e.latlng).setContent(holder).openOn(map);
    askRegime(e.latlng, holder, othersAt ? othersAt(e.latlng) : []);
  });
}
