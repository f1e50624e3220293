/* "What applied here?": the answer of GET /regime for a point and the chosen year, built with textContent. */
import { append, el, state } from "./util.js";
import { actItem, rulesList, sourcesList } from "./records.js";

const STATUS = { true: "in force", false: "not in force" };

function regimeAnswer(a) {
  const div = el("div", null, "atlas-regime");
  const where = a.lat.toFixed(4) + "° N, " + a.lon.toFixed(4) + "° E";
  const side = a.side ? " — " + (a.side === "USSR" ? "Soviet side" : "Chinese side") : "";
  const distance = a.distance_m !== null && a.distance_m !== undefined ? ", " + (a.distance_m / 1000).toFixed(1) + " km from the border" : "";
  append(div, [el("h3", "What applied here (as of " + a.date + ")"), el("p", where + side + distance), a.note ? el("p", a.note, "note") : null]);
  (a.zones || []).forEach(function (z) {
    const box = el("div", null, "regime-zone " + (z.in_force ? "in-force" : "not-in-force"));
    box.appendChild(el("h4", z.name + " — " + (z.status || STATUS[z.in_force])));
    if (z.in_force && z.rules && z.rules.length) box.appendChild(rulesList(z.rules));
    if (z.acts && z.acts.length) box.appendChild(append(el("ul", null, "acts"), z.acts.map(actItem)));
    if (z.sources && z.sources.length) box.appendChild(sourcesList(z.sources));
    div.appendChild(box);
  });
  return div;
}

export function askRegime(latlng, into) {
  into.textContent = "";
  into.appendChild(el("p", "Looking up the regime…", "note"));
  const url = state.config.regimeUrl + "?lat=" + latlng.lat.toFixed(6) + "&lon=" + latlng.lng.toFixed(6) + "&date=" + state.year;
  return fetch(url).then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
    .then(function (res) {
      into.textContent = "";
      into.appendChild(res.ok ? regimeAnswer(res.body) : el("p", res.body.description || "No answer", "note"));
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

function isBackground(target) {
  /* a click on the map itself, the base map or the empty SVG pane: not on a feature */
  if (!target || !target.closest || target.closest(".leaflet-popup, .leaflet-control")) return false;
  return !(target.classList && target.classList.contains("leaflet-interactive"));
}

/* A click anywhere outside a feature asks what applied there. */
export function regimeOnClick(map) {
  map.on("click", function (e) {
    if (!isBackground(e.originalEvent && e.originalEvent.target)) return;
    const holder = el("div", null, "atlas-popup");
    L.popup({ minWidth: 320, maxWidth: 460, maxHeight: 420 }).setLatLng(e.latlng).setContent(holder).openOn(map);
    askRegime(e.latlng, holder);
  });
}
