/* The parts of a record that popups and the "what applied here?" answer both show: the sources, the acts and
 * the rules, built with textContent. */
import { append, el } from "./util.js";

const CATEGORY = {
  regime: "Regime", entry: "Entry", residence: "Residence", movement: "Movement",
  economic_activity: "Economic activity", trade: "Trade", currency: "Currency", gold: "Gold",
  search: "Search and seizure", expulsion: "Expulsion", passport: "Passports"
};

function citation(c) {
  const li = el("li");
  const ref = c.seed + (c.footnote ? ", note " + c.footnote + ": " + (c.reference || "") : " (no footnote)");
  return append(li, [el("span", ref, "ref"), el("q", c.quote)]);
}

export function sourcesList(sources) {
  const seen = {}, ol = el("ol", null, "sources");
  (sources || []).forEach(function (c) {
    const key = c.seed + "|" + c.footnote + "|" + c.quote;
    if (!seen[key]) { seen[key] = true; ol.appendChild(citation(c)); }
  });
  return ol;
}

export function actItem(a) {
  return append(el("li"), [
    el("strong", a.date_text ? a.date_text + " (" + a.date + ")" : a.date),
    el("span", " — " + a.body + ": "),
    el("em", a.title),
    el("div", a.did, "did")
  ]);
}

export function rulesList(rules) {
  const ul = el("ul", null, "rules");
  (rules || []).forEach(function (r) {
    ul.appendChild(append(el("li", null, r.effect), [
      el("strong", (CATEGORY[r.category] || r.category) + (r.effect === "permits" ? " (permitted)" : "") + ": "),
      el("span", r.text),
      el("span", " [" + r.date + "]", "date")
    ]));
  });
  return ul;
}
