/* Popups of every kind of feature, built with textContent; each names (and links) what it refers to. */
import { append, countWords, el, incidentUrl, inForce, link, period, placeUrl, state, when, yearOf } from "./util.js";
import { actItem, rulesList, sourcesList } from "./records.js";
import { regimeButton } from "./regime.js";
import { stackOnClick, stocksOnClick } from "./stack.js";

function depthText(p) {
  let text = p.depth_value + " " + p.depth_unit;
  if (p.depth_unit === "verst") text += " (" + Math.round(p.depth_m).toLocaleString("en") + " m)";
  return text;
}

function popup(children) { return append(el("div", null, "atlas-popup"), children); }

function zonePopup(p) {
  return popup([
    el("h3", p.name),
    p.name_ru ? el("div", p.name_ru, "alt-name") : null,
    el("p", "Depth: " + depthText(p)),
    el("p", "In force: " + period(p)),
    p.start_note ? el("p", p.start_note, "note") : null,
    p.end_note ? el("p", p.end_note, "note") : null,
    p.caveat ? el("p", p.caveat, "caveat") : null,
    el("h4", "What was restricted or permitted"),
    rulesList(p.rules),
    el("h4", "Acts"),
    append(el("ul", null, "acts"), (p.acts || []).map(actItem)),
    el("h4", "Sources"),
    sourcesList(p.sources)
  ]);
}

function borderPopup(p) {
  return popup([
    el("h3", p.name),
    el("p", "Drawn on the " + p.location_basis + "."),
    p.caveat ? el("p", p.caveat, "caveat") : null,
    el("h4", "Acts for the border zone as a whole (no depth stated in the sources)"),
    append(el("ul", null, "acts"), (p.general_acts || []).map(actItem)),
    el("h4", "Sources"),
    sourcesList((p.sources || []).concat((p.general_acts || []).map(function (a) { return a.citation; })))
  ]);
}

function populationList(rows) {
  const ul = el("ul", null, "population");
  (rows || []).forEach(function (r) {
    const count = countWords({ best: r.count, approximate: r.approximate });
    ul.appendChild(el("li", r.year + ": " + count + (r.group ? " (" + r.group + ")" : "")));
  });
  return ul;
}

/* Where a feature is, in one sentence: the level it is located to, then how it was found. */
export function whereSentence(p) {
  const level = state.levels[p.where_prec] || p.where_prec || p.precision_class || "";
  const radius = p.precision_m && p.where_prec !== "area" ? " (within " + Math.round(p.precision_m).toLocaleString("en") + " m)" : "";
  return level + ": " + basisText(p, level) + radius + ".";
}

/* How a feature was located, without the level its basis may open with ("area of possibility: …") when the
 * sentence already says it. */
function basisText(p, level) {
  const basis = p.location_basis || "", lead = /^([a-z ]+):\s*/i.exec(basis);
  const said = lead && [String(level).toLowerCase(), p.where_prec, p.precision_class].indexOf(lead[1].toLowerCase()) >= 0;
  return said ? basis.slice(lead[0].length) : basis;
}

function placePopup(p) {
  const names = [p.name_ru, p.name_kk, p.name_zh, p.modern_name].filter(Boolean);
  const others = (p.variants || []).filter(function (v) { return names.indexOf(v) < 0 && v !== p.name; });
  let geonames = null;
  if (p.geonames_id) {
    geonames = el("p", "GeoNames: ");
    geonames.appendChild(link(String(p.geonames_id), "https://www.geonames.org/" + encodeURIComponent(p.geonames_id)));
  }
  return popup([
    el("h3", p.name),
    names.length ? el("div", names.join(" · "), "alt-name") : null,
    others.length ? el("div", "Also: " + others.join(" · "), "note") : null,
    el("p", p.feature_type + ", " + p.side + (p.admin_1920s ? " — " + p.admin_1920s : "")),
    p.in_1927_list ? el("p", "In the 1927 list of border settlements of the 7.5 km zone", "listed") : null,
    p.zone_caveat ? el("p", p.zone_caveat, "caveat") : null,
    el("p", whereSentence(p), "where-basis"),
    p.relative_location ? el("p", "As the source puts it: " + p.relative_location, "note") : null,
    p.population && p.population.length ? el("h4", "Population") : null,
    p.population && p.population.length ? populationList(p.population) : null,
    geonames,
    el("h4", "Sources"),
    sourcesList(p.sources),
    append(el("p"), [link("Page for this place", placeUrl(p.id))])
  ]);
}

/* Border-guard units and customs posts */
export function nameInYear(p, year) {
  const named = (p.names_by_period || []).filter(function (n) { return inForce(n, year); });
  return named.length ? named[named.length - 1].name : p.name;
}

function factsList(facts) {
  const ul = el("ul", null, "facts");
  (facts || []).forEach(function (f) {
    const ranged = f.low !== undefined && f.low !== null && f.high !== null && f.high !== undefined;
    const value = ranged ? countWords(f) : (f.approximate ? "about " : "") + f.value;
    ul.appendChild(el("li", (f.year || "") + ": " + (f.text || (f.what + " " + value))));
  });
  return ul;
}

/* A reference to another feature, by its name (a unit by the name it had in the year), linked. */
function unitRef(id, year) {
  const unit = state.units[id];
  return unit ? { name: nameInYear(unit, year), url: unit.url } : null;
}

function placeRef(id) {
  const name = state.places[id];
  return name ? { name: name, url: placeUrl(id) } : null;
}

function refLine(label, ref) {
  if (!ref) return null;
  return append(el("p", label + ": "), [ref.url ? link(ref.name, ref.url) : el("span", ref.name)]);
}

function postPopup(p) {
  const dates = p.start ? period(p) : "date unknown" + (p.first_attested ? " (first named for " + p.first_attested + ")" : "");
  const name = nameInYear(p, state.year);
  return popup([
    el("h3", name),
    name !== p.name ? el("div", p.name, "alt-name") : null,
    el("p", p.unit_type_label || p.post_type_label || ""),
    refLine("Part of", unitRef(p.parent, state.year)),
    refLine(p.unit_type_label ? "Seat" : "Place", placeRef(p.seat || p.place)),
    el("p", "Dates: " + dates),
    p.start_note || p.date_note ? el("p", p.start_note || p.date_note, "note") : null,
    el("p", "Located: " + basisText(p, "") + (p.precision_m ? " (within " + Math.round(p.precision_m).toLocaleString("en") + " m)" : "")),
    p.border_distance_m !== null && p.border_distance_m !== undefined ? el("p", (p.border_distance_m / 1000).toFixed(1) + " km from the border") : null,
    p.facts && p.facts.length ? el("h4", "Figures") : null,
    p.facts && p.facts.length ? factsList(p.facts) : null,
    p.note ? el("p", p.note, "note") : null,
    p.tariff_1923 ? append(el("p"), [link("The 1923 customs tariff for goods from China on this stretch", state.config.tariffUrl)]) : null,
    el("h4", "Sources"),
    sourcesList(p.sources)
  ]);
}

/* Talks, agreements, representatives and trade measures of 1920–1923 */
/* A party to a talk, with its side unless its name says it already ("the USSR", not "the USSR (USSR)"). */
function party(x) {
  return x.side && x.side !== "other" && x.who.indexOf(x.side) < 0 ? x.who + " (" + x.side + ")" : x.who;
}

function diplomacyPopup(p) {
  return popup([
    el("h3", p.name),
    p.name_ru ? el("div", p.name_ru, "alt-name") : null,
    el("p", (p.kind_label || "") + (p.status_label ? " — " + p.status_label : "")),
    el("p", "When: " + period(p) + (p.date_text ? " (“" + p.date_text + "”)" : "")),
    p.date_note ? el("p", p.date_note, "note") : null,
    refLine("Place", placeRef(p.place)),
    p.parties && p.parties.length ? el("p", "Parties: " + p.parties.map(party).join("; ")) : null,
    p.summary ? el("p", p.summary) : null,
    p.note ? el("p", p.note, "note") : null,
    el("h4", "Sources"),
    sourcesList(p.sources)
  ]);
}

function countsList(counts) {
  const ul = el("ul", null, "counts");
  Object.keys(counts || {}).forEach(function (k) {
    const text = countWords(counts[k]);
    if (text) ul.appendChild(el("li", k + ": " + text));
  });
  return ul;
}

function incidentPopup(p) {
  const actors = (p.actors || []).map(function (a) { return a.who + (a.side && a.side !== "unknown" ? " (" + a.side + ")" : ""); });
  const goods = (p.goods || []).map(function (g) { return g.what + (g.value ? ": " + g.value + " " + (g.unit || "") : ""); });
  return popup([
    el("h3", p.name),
    el("p", (p.event_type_label || p.event_type) + " — " + when(p) + (p.date_text ? " (“" + p.date_text + "”)" : "")),
    actors.length ? el("p", "Who: " + actors.join("; ")) : null,
    refLine("Unit", unitRef(p.unit, yearOf(p.start) || state.year)),
    refLine("Place", placeRef(p.location_place)),
    p.direction_label ? el("p", "Direction: " + p.direction_label) : null,
    p.counts && Object.keys(p.counts).length ? countsList(p.counts) : null,
    goods.length ? el("p", "Goods: " + goods.join("; ")) : null,
    p.location_text ? el("p", "Where, as the source puts it: “" + p.location_text + "”") : null,
    el("p", whereSentence(p), "where-basis"),
    p.quote ? el("blockquote", p.quote) : null,
    el("h4", "Sources"),
    sourcesList(p.sources),
    append(el("p"), [link("Full record of this incident", incidentUrl(p.id))])
  ]);
}

/* What an area is for, by its role: {what it is, the heading of the features it holds}. */
const AREA_ROLES = {
  possibility: ["Area of possibility: where the text puts what has no point of its own. ", "Placed in it"],
  migration: ["An area migration flows go between (an outline for what the text names, not a boundary of the time). ", "Flows from or to it"]
};

function areaPopup(p) {
  const inside = el("ul"), role = AREA_ROLES[p.role] || AREA_ROLES.possibility;
  (p.features || []).forEach(function (name) { inside.appendChild(el("li", name)); });
  if (p.more) inside.appendChild(el("li", "and " + p.more.toLocaleString("en") + " more", "note"));
  return popup([
    el("h3", p.name),
    el("p", role[0] + (p.location_basis || "")),
    el("p", "Outline: " + (p.rule || ""), "note"),
    el("h4", role[1]),
    inside,
    el("h4", "Sources"),
    sourcesList(p.sources)
  ]);
}

export function flowLabel(p) {
  const figure = countWords(p.households) ? countWords(p.households) + " households" : (countWords(p.people) ? countWords(p.people) + " people" : "no figure");
  return p.name + ": " + figure + " (" + (p.authority || "source") + ")";
}

function flowPopup(p) {
  return popup([
    el("h3", p.name),
    el("p", (p.kind_label || p.kind) + ", " + (p.start ? when(p) : "no year given") + (p.date_text ? " (" + p.date_text + ")" : "")),
    countWords(p.people) ? el("p", "People: " + countWords(p.people)) : null,
    countWords(p.households) ? el("p", "Households: " + countWords(p.households)) : null,
    p.authority ? el("p", "Figure given by: " + p.authority) : null,
    p.text ? el("p", p.text) : null,
    p.ends ? el("p", "Where from and to: " + p.ends) : null,
    el("p", "Drawn as " + (p.location_basis || "a line between areas") + ".", "note"),
    append(el("p"), [link("Migration by year and direction (chart)", state.config.migrationChartUrl)]),
    el("h4", "Sources"),
    sourcesList(p.sources)
  ]);
}

export function labelFor(p) { return p[state.language] || p.name; }

/* Each kind of feature: its popup, its size, and whether it offers "what applied here?". */
const KINDS = {
  zones: { build: zonePopup, width: 460, regime: true },
  border: { build: borderPopup, width: 460, regime: true },
  places: { build: placePopup, width: 420, regime: true },
  outposts: { build: postPopup, width: 420, regime: true },
  customs: { build: postPopup, width: 420, regime: true },
  diplomacy: { build: diplomacyPopup, width: 440, regime: false },
  incidents: { build: incidentPopup, width: 440, regime: true },
  migration: { build: flowPopup, width: 440, regime: false },
  areas: { build: areaPopup, width: 440, regime: false }
};

/* A place's label: a marker of its own (no tooltip: Leaflet measures each tooltip, one layout per place). */
export function placeLabel(feature) {
  const c = feature.geometry.coordinates, p = feature.properties;
  const icon = L.divIcon({ className: "place-label", html: el("span", labelFor(p)), iconSize: null, iconAnchor: [-8, 8] });
  const label = L.marker([c[1], c[0]], { icon: icon, interactive: false, keyboard: false });
  label.place = p;
  return label;
}

/* Who gave a contributed feature, and in which submission (none for the atlas's own). */
function contributedBy(p) {
  if (!p.contributor) return null;
  return el("p", "Contributed by " + p.contributor + " (submission " + p.submission + ")", "contributed");
}

/* Where a signed-in reader suggests a correction of a published feature (only where accounts exist). */
function suggestLink(kind, feature) {
  const url = (state.config.suggestUrls || {})[kind];
  if (!url || !feature.id || feature.properties.staged) return null;
  return append(el("p", null, "suggest"), [link("Suggest a correction", url.replace("FID", encodeURIComponent(feature.id)))]);
}

/* What a feature's popup shows, without the parts that belong to its marker (the regime button). */
export function popupContent(kind, feature) {
  return append(KINDS[kind].build(feature.properties), [contributedBy(feature.properties), suggestLink(kind, feature)]);
}

/* The years of a feature's interval (an open end: the atlas's first or last year), or null if it has no dates. */
export function yearsOf(p) {
  const start = yearOf(p.start), end = yearOf(p.end), years = state.config.years;
  if (start === null && end === null) return null;
  return [start === null ? years[0] : start, end === null ? years[1] : end];
}

/* "Show its years": the time control set to the feature's interval (the slider moves, the URL follows). */
function showYearsButton(p) {
  const years = yearsOf(p);
  if (!years || !state.setPeriod) return null;
  const button = el("button", "Show its years (" + (years[0] === years[1] ? years[0] : years[0] + "–" + years[1]) + ")", "atlas-show-years");
  button.type = "button";
  button.addEventListener("click", function (e) {
    e.stopPropagation();
    state.setPeriod(years[0], years[1]);
  });
  return append(el("p", null, "show-years"), [button]);
}

/* Bind the popup of a feature of a kind (and the flow tooltip) to its layer. */
export function bind(kind, feature, layer) {
  const k = KINDS[kind];
  const content = function () {
    const node = popupContent(kind, feature), years = showYearsButton(feature.properties);
    if (years) node.insertBefore(years, node.querySelector(":scope > p"));  // under the title and its other names
    return k.regime ? append(node, [regimeButton(layer)]) : node;
  };
  layer.cid = kind;
  layer.bindPopup(content, { maxWidth: k.width, maxHeight: 420 });
  if (layer instanceof L.CircleMarker) stackOnClick(state.map, layer);
  if (kind === "migration" && feature.properties.kind === "presence") stocksOnClick(state.map, layer);
  if (kind === "migration") layer.bindTooltip(el("span", flowLabel(feature.properties)), { sticky: true });
}
