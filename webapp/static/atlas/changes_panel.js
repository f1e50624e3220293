/* "What changed": a side panel on the map listing the changes between two years (GET /changes?f=json), each line
 * with its reference, a link to the passage in the reader and a link that selects the feature on the map (`sel=`);
 * and, at a point the reader clicks, the regime in force at both moments side by side. Built with textContent only.
 * openChanges(map, from, to) is the way in (the time control's button, the compare view). */
import { append, el, hashValue, link, markUndo, periodText, state } from "./util.js";
import { rulesList } from "./records.js";

let panel = null;
/* The compare years the page was opened with (or pasted with), read before anything rewrites the hash. */
let askedCompare = hashValue("compare");
window.addEventListener("hashchange", function () { askedCompare = hashValue("compare"); });

function years() { return state.config.years; }

function clampYear(value) {
  const y = parseInt(value, 10);
  return Number.isFinite(y) ? Math.max(years()[0], Math.min(years()[1], y)) : null;
}

/* The two moments to open with: the years shown, and the `compare` years of the URL (the compare view's) or the
 * last year of the atlas. */
export function defaultMoments() {
  const compare = /^(\d{4})(?:-(\d{4}))?$/.exec(hashValue("compare") || askedCompare || "");
  const other = compare ? clampYear(compare[2] || compare[1]) : state.to > state.from ? state.to : years()[1];
  const here = compare ? state.to : state.from;
  return here === other ? [here, other] : [Math.min(here, other), Math.max(here, other)];
}

/* The URL hash of this view with other years and a feature selected (the other view settings kept). */
function selectHash(year, id) {
  const kept = window.location.hash.replace(/^#/, "").split("&").filter(function (part) {
    return part && !/^(year|datetime|sel|place)=/.test(part);
  });
  return "#" + ["year=" + year].concat(kept, ["sel=" + encodeURIComponent(id)]).join("&");
}

/* The year to show a change in: the year of its day, within the two moments' span. */
function changeYear(line, from, to) {
  const y = parseInt(String(line.sort).slice(0, 4), 10);
  return Number.isFinite(y) ? Math.max(from + 1, Math.min(to, y)) : to;
}

/* Comparing, "Show on the map" opens the feature in the map whose years hold the change (the second map if its
 * years hold the change's year, else the first), or in the other if it is not drawn there; neither map's years
 * change unless it is drawn in neither, and then the panel says which map moved to the change's year. */
function showCompared(id, year, li) {
  const compare = window.BorderAtlas.compare, both = state.compare;
  const second = function () { const w = compare.frameWindow(); return w ? w.BorderAtlas.select(id) : Promise.resolve(null); };
  const first = function () { return window.BorderAtlas.select(id); };
  const inSecond = year >= both.from && year <= both.to;
  const order = inSecond ? [second, first] : [first, second];
  const old = li.querySelector(".change-note");
  if (old) old.remove();
  return order[0]().then(function (layer) { return layer || order[1](); }).then(function (layer) {
    if (layer) return;
    const moveSecond = year > state.to;
    li.appendChild(el("p", "Not drawn in " + periodText(state.from, state.to) + " nor in " + periodText(both.from, both.to) +
      ": the " + (moveSecond ? "second" : "first") + " map now shows " + year + ".", "change-note note"));
    if (moveSecond) { compare.set({ from: year, to: year }); second(); }
    else { state.setPeriod(year, year); first(); }
  });
}

function reference(r) {
  const cited = r.passage ? link(r.cited_as || "the passage", r.passage) : el("span", r.cited_as || "");
  if (r.passage) cited.title = "Read the passage in the reader";
  const full = append(el("details", null, "changes-ref-full"), [el("summary", "Full reference"), el("p", r.reference || "")]);
  return append(el("div", null, "changes-ref"), [el("span", "Source: "), cited, full]);
}

function changeItem(line, from, to) {
  const li = el("li", null, "change " + line.certainty);
  li.dataset.id = line.id;
  const head = append(el("div", null, "change-when"), [
    el("span", line.date, "change-date"), el("span", " · " + line.kind, "change-kind"),
    line.certainty === "possible" ? el("em", " (possibly within these years)") : null
  ]);
  const show = link("Show on the map", selectHash(changeYear(line, from, to), line.id));
  show.className = "change-select";
  show.addEventListener("click", function (e) {  // comparing: both moments kept, the feature opened where it is drawn
    if (!state.compare) return;
    e.preventDefault();
    markUndo();  // Back returns to the comparison as it was
    showCompared(line.id, changeYear(line, from, to), li);
  });
  const links = append(el("div", null, "change-links"), [show, el("span", " · "), link("Record", line.feature)]);
  return append(li, [head, el("p", line.text, "change-text"), links].concat((line.references || []).map(reference)));
}

function countsWords(counts) {
  const parts = Object.keys(counts).map(function (k) { return counts[k] + " × " + k.toLowerCase(); });
  return parts.length ? parts.join(", ") : "nothing the sources date";
}

function fetchJson(url) {
  return fetch(url).then(function (r) {
    return r.json().then(function (body) { return { ok: r.ok, body: body }; });
  });
}

function changesUrl(from, to, point) {
  let url = state.config.changesUrl + "?from=" + from + "&to=" + to + "&f=json";
  if (point) url += "&lon=" + point.lng.toFixed(5) + "&lat=" + point.lat.toFixed(5);
  return url;
}

/* The zones in force at one moment, as the answer of /regime gives them: those the sources date, and those in force
 * at a time they do not give (`in_force` null: the 100 km gold zone), as the map's click list shows them. */
function shownZones(answer) { return (answer.zones || []).filter(function (z) { return z.in_force !== false; }); }
function inForceIds(answer) { return shownZones(answer).map(function (z) { return z.id; }); }

/* The zones in force at one moment; those not in force at the other moment marked. */
function momentColumn(year, answer, other, mark) {
  const zones = shownZones(answer), elsewhen = inForceIds(other);
  const ul = append(el("ul"), zones.map(function (z) {
    const rules = z.rules && z.rules.length ? append(el("details"), [el("summary", "What it restricted"), rulesList(z.rules)]) : null;
    const differs = elsewhen.indexOf(z.id) < 0;
    return append(el("li", null, differs ? "differs" : null), [el("span", z.name + (z.status ? " — " + z.status : "")),
      differs ? el("strong", " (" + mark + ")") : null, rules]);
  }));
  const none = el("p", "No zone in force here.", "note");
  return append(el("div", null, "moment"), [el("h4", "In " + year), zones.length ? ul : none]);
}

function showPoint(into, body) {
  const p = body.at_point;
  into.textContent = "";
  const where = p.lat.toFixed(4) + "° N, " + p.lon.toFixed(4) + "° E", m = p.moments;
  append(into, [
    el("h3", "At this point (" + where + ")"),
    append(el("div", null, "moments"), [
      momentColumn(body.from, m[0], m[1], "not by " + body.to), momentColumn(body.to, m[1], m[0], "new since " + body.from)
    ])
  ]);
}

/* The point asked about, marked on the map (one at a time; gone with the panel). */
function mark(latlng) {
  if (panel.point) panel.point.remove();
  panel.point = latlng ? L.circleMarker(latlng, { radius: 7, color: "#b35806", weight: 3, fill: false, interactive: false, className: "changes-point-mark" }).addTo(state.map) : null;
}

/* The "click the map" affordance: the next click on the ground asks for the regime there at both moments. */
function pointPicker(box, moments) {
  const result = el("div", null, "changes-point");
  const button = el("button", "Click the map to see the regime here at both moments", "changes-pick");
  button.type = "button";
  button.addEventListener("click", function () {
    button.setAttribute("aria-pressed", "true");
    result.textContent = "Now click a point on the map.";
    panel.box.classList.add("changes-armed");  // on a narrow screen, folded to a bar until the click
    state.pickPoint = function (latlng) {
      panel.box.classList.remove("changes-armed");
      button.setAttribute("aria-pressed", "false");
      mark(latlng);
      result.textContent = "Looking up the regime…";
      fetchJson(changesUrl(moments.from, moments.to, latlng)).then(function (res) {
        if (res.ok) showPoint(result, res.body);
        else result.textContent = res.body.description || "No answer";
      }).catch(function () { result.textContent = "The regime could not be looked up."; });
    };
  });
  return append(box, [button, result]);
}

function yearInput(label, value) {
  const input = el("input");
  input.type = "number"; input.min = years()[0]; input.max = years()[1]; input.value = value;
  input.setAttribute("aria-label", label);
  return input;
}

function build(map) {
  const box = el("aside", null, "atlas-changes");
  box.setAttribute("aria-label", "What changed");
  const close = el("button", "×", "atlas-changes-close");
  close.type = "button";
  close.setAttribute("aria-label", "Close the list of changes");
  close.addEventListener("click", function () { box.hidden = true; state.pickPoint = null; mark(null); });
  const armed = el("div", null, "changes-armed-bar");
  const cancel = el("button", "×", "changes-armed-cancel");
  cancel.type = "button";
  cancel.setAttribute("aria-label", "Stop waiting for a click");
  cancel.addEventListener("click", function () {
    state.pickPoint = null;
    box.classList.remove("changes-armed");
    box.querySelector(".changes-pick").setAttribute("aria-pressed", "false");
  });
  append(armed, [el("span", "Click the map…"), cancel]);
  const from = yearInput("From the year", ""), to = yearInput("To the year", "");
  const form = append(el("form", null, "changes-years"), [
    append(el("label", "From "), [from]), append(el("label", " to "), [to]), el("button", "Show", "changes-show")
  ]);
  form.addEventListener("submit", function (e) { e.preventDefault(); openChanges(map, from.value, to.value); });
  append(box, [armed, close, el("h2", "What changed"), form, el("p", null, "changes-summary"), el("div", null, "changes-point-box"),
    el("ol", null, "changes-list")]);
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);
  map.getContainer().appendChild(box);
  return { box: box, from: from, to: to };
}

/* Open the panel on the changes after `from` up to the end of `to` (years; swapped if given the other way). */
export function openChanges(map, from, to) {
  if (!panel || !panel.box.isConnected) panel = build(map);
  let a = clampYear(from), b = clampYear(to);
  if (a !== null && b !== null && a > b) { const t = a; a = b; b = t; }
  panel.box.hidden = false;
  panel.from.value = a; panel.to.value = b;
  const summary = panel.box.querySelector(".changes-summary"), list = panel.box.querySelector(".changes-list");
  const pointBox = panel.box.querySelector(".changes-point-box");
  list.textContent = ""; pointBox.textContent = ""; state.pickPoint = null; mark(null);
  if (a === null || b === null || a === b) {
    summary.textContent = "Choose two different years from " + years()[0] + " to " + years()[1] + ".";
    return Promise.resolve(null);
  }
  summary.textContent = "Looking up the changes…";
  return fetchJson(changesUrl(a, b)).then(function (res) {
    if (!res.ok) { summary.textContent = res.body.description || "No answer"; return null; }
    summary.textContent = "After " + a + ", up to the end of " + b + ": " + countsWords(res.body.counts) + ".";
    append(list, res.body.changes.map(function (line) { return changeItem(line, a, b); }));
    pointPicker(pointBox, { from: a, to: b });
    return res.body;
  }).catch(function () { summary.textContent = "The changes could not be looked up."; return null; });
}

/* The time control's button that opens the panel on the years shown and the other moment. */
export function changesButton(map) {
  const button = el("button", "What changed…", "atlas-changes-open");
  button.type = "button";
  button.title = "List what changed between two years, with the sources";
  button.addEventListener("click", function () {
    const moments = defaultMoments();
    openChanges(map, moments[0], moments[1]);
  });
  return button;
}
