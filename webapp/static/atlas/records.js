/* The parts of a record that popups and the "what applied here?" answer both show: the sources, the acts and
 * the rules, built with textContent. */
import { append, dateWords, el, link } from "./util.js";

const CATEGORY = {
  regime: "Regime", entry: "Entry", residence: "Residence", movement: "Movement",
  economic_activity: "Economic activity", trade: "Trade", currency: "Currency", gold: "Gold",
  search: "Search and seizure", expulsion: "Expulsion", passport: "Passports"
};

function citation(c) {
  const quote = c.quote_shown || c.quote;  // a word the copy cut, joined
  // no quote (an archival file cited with a comment): the comment, never an empty “”
  const said = quote ? el("q", quote) : c.comment ? el("span", " " + c.comment, "comment") : null;
  const parts = [el("span", c.reference, "ref"), said];
  if (c.note_basis) parts.splice(1, 0, el("span", " (" + c.note_basis + ") ", "note"));
  if (c.passage) parts.push(document.createTextNode(" "), link("read the passage in " + c.cited_as, c.passage));
  return append(el("li"), parts);
}

export function sourcesList(sources) {
  const seen = {}, ol = el("ol", null, "sources");
  (sources || []).forEach(function (c) {
    const key = c.document + "|" + c.note + "|" + c.quote;
    if (!seen[key]) { seen[key] = true; ol.appendChild(citation(c)); }
  });
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
