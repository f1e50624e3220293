/* The parts of a record that popups and the "what applied here?" answer both show: the sources, the acts and
 * the rules, built with textContent. */
import { append, dateWords, el, link } from "./util.js";

const CATEGORY = {
  regime: "Regime", entry: "Entry", residence: "Residence", movement: "Movement",
  economic_activity: "Economic activity", trade: "Trade", currency: "Currency", gold: "Gold",
  search: "Search and seizure", expulsion: "Expulsion", passport: "Passports"
};

/* One reference and each passage quoted from it (a popup citing one note three times names the note once); a
 * citation with no quote (an archival file cited with a comment) says its comment, never an empty “”. */
function citation(group) {
  const c = group[0], parts = [el("span", c.reference, "ref")];
  if (c.note_basis) parts.push(el("span", " (" + c.note_basis + ") ", "note"));
  group.forEach(function (q) {
    const words = q.quote_shown || q.quote;  // a word the copy cut, joined
    const said = words ? el("q", words) : q.comment ? el("span", " " + q.comment, "comment") : null;
    const quote = append(el("div", null, "quote"), [said]);
    if (q.passage) append(quote, [document.createTextNode(" "), link("read the passage in " + q.cited_as, q.passage)]);
    parts.push(quote);
  });
  return append(el("li"), parts);
}

export function sourcesList(sources) {
  const seen = {}, byReference = new Map(), ol = el("ol", null, "sources");
  (sources || []).forEach(function (c) {
    const key = c.document + "|" + c.note + "|" + c.quote, ref = c.reference + "|" + (c.note_basis || "");
    if (seen[key]) return;
    seen[key] = true;
    if (!byReference.has(ref)) byReference.set(ref, []);
    byReference.get(ref).push(c);
  });
  byReference.forEach(function (group) { ol.appendChild(citation(group)); });
  return ol;
}

function tokens(text) { return String(text).toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).sort().join(" "); }

/* An act's date in words; the source's wording where it says more than the date ("As early as 1921"), with the date
 * in words only where the wording lacks its year. */
function actDate(a) {
  if (!a.date_text || tokens(a.date_text) === tokens(dateWords(a.date))) return dateWords(a.date);
  return a.date_text.indexOf(String(a.date).slice(0, 4)) >= 0 ? a.date_text : a.date_text + " (" + dateWords(a.date) + ")";
}

export function actItem(a) {
  return append(el("li"), [
    el("strong", actDate(a)),
    el("span", " — " + a.body + ": "),
    el("em", a.title),
    el("div", a.did, "did"),
    a.date_note ? el("div", a.date_note, "note") : null
  ]);
}

export function rulesList(rules) {
  const ul = el("ul", null, "rules");
  (rules || []).forEach(function (r) {
    ul.appendChild(append(el("li", null, r.effect), [
      el("strong", (CATEGORY[r.category] || r.category) + (r.effect === "permits" ? " (permitted)" : "") + ": "),
      el("span", r.text),
      el("span", " [" + dateWords(r.date) + "]", "date")
    ]));
  });
  return ul;
}
