/* The legend: the border and the zones (greyed when not in force), the markers and flows drawn in the view by
 * type (kept up to date as the layers are redrawn), and how to read and click the map. Text with textContent. */
import { append, control as boxControl, el, inForce, smallScreen, state, yearOf } from "./util.js";
import { LEGEND as POSSIBLE } from "./certainty.js";

const NOTES = [
  "Greyed: not in force in the chosen period. Click the map inside a zone for the zones in force there, their acts and sources.",
  "A red ring: a place of the 1927 list of border settlements of the 7.5 km zone. A faint dashed circle: how far from its marker a place or an incident may be (from zoom 8, and around the selected one).",
  "A flow's width: its best figure; a pale band around it: how high its figure may be (striped: 'at least'); households dashed, people solid.",
  "A dotted ring: an incident known only to the year or season. Numbered circles: incidents grouped where they are dense (click to spread them, or for a list when other markers lie under them)."
];
const FLOWS = "Migration (a line from area to area: schematic, the route unknown unless the text gives it)";

function zoneRow(layer, rows) {
  const p = layer.feature.properties, row = el("div", null, "row"), swatch = el("span", null, "swatch");
  swatch.style.background = layer.options.fillColor || layer.options.color;
  swatch.style.borderColor = layer.options.color;
  append(row, [swatch, el("span", p.name + " (" + (yearOf(p.start) || "?") + "–" + (yearOf(p.end) || "") + ")")]);
  rows.push({ row: row, props: p });
  return row;
}

/* One layer's types drawn now: [{label, colour}], by the vocabulary's colour for each type. */
function typesOf(cid, features) {
  const look = state.config.points[cid], seen = new Map();
  features.forEach(function (p) {
    const value = p[look.type], label = look.words && p[look.words] ? p[look.words] : String(value || "other").replace(/_/g, " ");
    if (!seen.has(label)) seen.set(label, (look.styles[value] || look.other)[1]);
  });
  return Array.from(seen, function (entry) { return { label: entry[0], colour: entry[1] }; });
}

/* A flow drawn with a band for its range (as layers.js flowWidths: not a stock, not a total whose split is not given). */
function banded(p) { return !p.split && p.kind !== "presence"; }

/* How the flows drawn are read: their kinds by colour, then the line of households, a total not split, a stop. */
const FLOW_KEYS = [
  [function (p) { return p.count_unit === "households"; }, { label: "a count of households (dashed; people solid)", dashed: true }],
  [function (p) { return banded(p) && !p.count_open && p.count_high > (p.count || 0); }, { label: "the range of its figure (a pale band, as wide as its highest figure)", band: "solid" }],
  [function (p) { return banded(p) && p.count_open; }, { label: "a figure given as 'at least' (a striped band beyond the line)", band: "dashed" }],
  [function (p) { return p.split; }, { label: "a total whose split by destination is not given (thin, its figure at its origin)" }],
  [function (p) { return p.outcome === "stopped"; }, { label: "a crossing stopped at the border (a bar at its end)", band: "stopped" }]
];

function flowTypes(features) {
  const seen = new Map();
  features.forEach(function (p) { if (!seen.has(p.kind_label || p.kind)) seen.set(p.kind_label || p.kind, state.config.migrationColours[p.kind] || "#54278f"); });
  const keys = Array.from(seen, function (entry) { return { label: entry[0], colour: entry[1], line: true }; });
  FLOW_KEYS.forEach(function (key) { if (features.some(key[0])) keys.push(Object.assign({ colour: "#333333", line: true }, key[1])); });
  return keys;
}

/* A band's swatch as the map draws it: a pale bar, or striped for "at least"; a stopped line with its end bar. */
const BAND_FILLS = {
  solid: "#333333",
  dashed: "repeating-linear-gradient(90deg, #333333 0 3px, transparent 3px 8px)",
  stopped: "linear-gradient(#333333, #333333) left center / 100% 2px no-repeat, linear-gradient(#333333, #333333) right center / 3px 100% no-repeat"
};

function keyItem(item) {
  const swatch = el("span", null, item.line ? "swatch line" : "dot");
  if (item.line) swatch.style.borderColor = item.colour; else swatch.style.background = item.colour;
  if (item.dashed) swatch.style.borderTopStyle = "dashed";
  if (item.band) Object.assign(swatch.style, { height: "9px", borderTopWidth: "0", opacity: item.band === "stopped" ? "1" : "0.45", background: BAND_FILLS[item.band] });
  return append(el("span", null, item.line ? "key wide" : "key"), [swatch, el("span", item.label)]);
}

export function legendControl(zoneGroups, undated, levelLegend) {
  const rows = [], markers = el("div", null, "markers"), drawn = {};
  const c = boxControl("bottomright", function () {
    const box = el("details", null, "atlas-legend");
    box.open = !smallScreen();  // on a small screen it starts folded: a tap on "Legend" opens it
    box.appendChild(el("summary", "Legend"));
    box.appendChild(append(el("div", null, "row"), [el("span", null, "swatch line"), el("span", "Border line (click for the acts on the border zone)")]));
    zoneGroups.forEach(function (group) { group.getLayers().forEach(function (layer) { box.appendChild(zoneRow(layer, rows)); }); });
    box.appendChild(markers);
    box.appendChild(append(el("p", null, "note possible-note"), [el("span", null, "swatch possible"), el("span", POSSIBLE)]));
    NOTES.forEach(function (text) { box.appendChild(el("p", text, "note")); });
    if (undated) box.appendChild(el("p", undated + " units and posts have no known date: shown in every year, lighter (possible), with a dashed ring.", "note undated-count"));
    box.appendChild(el("p", "Hatched: an area of possibility, where the text puts an incident or a place that has no point of its own; its marker stands inside it. Each marker's popup names the level it is located to:", "note"));
    const levels = el("ul", null, "note levels");
    Object.keys(levelLegend || {}).forEach(function (k) { levels.appendChild(el("li", levelLegend[k])); });
    box.appendChild(levels);
    box.appendChild(el("p", "Click a marker for what it is; where markers share a point, a list offers each. Click anywhere else for what applied there in the chosen year.", "note"));
    return box;
  });
  c.update = function (from, to) {
    rows.forEach(function (r) { r.row.classList.toggle("off", !inForce(r.props, from, to)); });
  };
  /* The markers (or flows) of one layer drawn now: the legend lists their types. */
  c.showDrawn = function (cid, features) {
    drawn[cid] = cid === "migration" ? flowTypes(features) : typesOf(cid, features);
    markers.textContent = "";
    Object.keys(drawn).forEach(function (key) {
      if (!drawn[key].length) return;
      const title = key === "migration" ? FLOWS : state.config.points[key].title;
      markers.appendChild(append(el("div", null, "key-row"), [el("strong", title + ": ")].concat(drawn[key].map(keyItem))));
    });
  };
  /* The staged records of a preview: their marker and what they are (staged.js). */
  const staged = el("div", null, "key-row staged-key");
  c.showStaged = function (look, words) {
    const swatch = el("span", null, "dot");
    Object.assign(swatch.style, { background: look.fillColor, boxShadow: "0 0 0 2px " + look.color, flexShrink: "0" });
    staged.textContent = "";
    append(staged, [el("strong", look.name + ": "), append(el("span", null, "key wide"), [swatch, el("span", words)])]);
    if (!staged.parentNode) markers.before(staged);
  };
  return c;
}
