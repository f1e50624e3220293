/* Shared by every module: the page's state, DOM helpers that put text in with textContent only,
 * the period arithmetic, and the URL hash. No text from the data is ever parsed as HTML. */

/* The chosen period is [from, to]; `year` (its last year) is the one asked about in the regime and unit names. */
export const state = {
  language: "name", from: null, to: null, year: null, map: null, config: null,
  units: {}, places: {}, levels: {}, levelLegend: {}
};

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

export function append(parent, children) {
  children.forEach(function (c) { if (c) parent.appendChild(c); });
  return parent;
}

export function link(text, href) {
  const a = el("a", text);
  a.href = href;
  return a;
}

const SVG = "http://www.w3.org/2000/svg";

export function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
  return node;
}

export function yearOf(date) { return date ? parseInt(String(date).slice(0, 4), 10) : null; }

/* Does a feature in force from p.start to p.end (null = open) overlap the years [from, to]?
 * An area of possibility carries the periods of the features placed in it: any of them counts. */
export function inForce(p, from, to) {
  if (to === undefined) to = from;
  if (p.periods && p.periods.length) {
    return p.periods.some(function (period) { return inForce({ start: period[0], end: period[1] }, from, to); });
  }
  const start = yearOf(p.start), end = yearOf(p.end);
  return (start === null || start <= to) && (end === null || end >= from);
}

export function periodText(from, to) { return from === to ? String(from) : from + "–" + to; }

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
  "November", "December"];

/* A partial ISO date as written: "18 August 1927", "August 1927", "1927" (as layers/words.py says it). */
export function dateWords(iso) {
  const parts = String(iso).split("-");
  return [parts[2] ? String(Number(parts[2])) : null, parts[1] ? MONTHS[Number(parts[1]) - 1] : null, parts[0]]
    .filter(Boolean).join(" ");
}

/* A period as a historian writes it: "on 18 August 1927", "in 1929", "between June 1927 and August 1927, known
 * to the season" (as layers/words.py says it). */
export function when(p) {
  if (!p.start) return "date unknown";
  if (!p.end || p.end === p.start) return (p.start.length === 10 ? "on " : "in ") + dateWords(p.start);
  return "between " + dateWords(p.start) + " and " + dateWords(p.end) + (p.date_precision ? ", known to the " + p.date_precision : "");
}

const NUMBER = new Intl.NumberFormat("en");
function given(x) { return x !== null && x !== undefined; }

/* A count as the source gives it ({low, best, high, approximate}), said one way everywhere (as layers/words.py
 * count_words): "about 500 (400–600)", "150,000–160,000", "about 83,000", "at least 400,000", "at most 600";
 * null if it has no number. */
export function countWords(v) {
  const low = v ? v.low : null, best = v ? v.best : null, high = v ? v.high : null;
  const numbers = [low, best, high].filter(given);
  if (!numbers.length) return null;
  const lo = Math.min.apply(null, numbers), hi = Math.max.apply(null, numbers), about = v.approximate ? "about " : "";
  if (!given(high) && given(low) && (!given(best) || best === lo)) return "at least " + about + NUMBER.format(lo);
  if (!given(low) && !given(best)) return "at most " + about + NUMBER.format(hi);
  if (lo === hi) return about + NUMBER.format(lo);
  if (given(best) && lo < best && best < hi) return "about " + NUMBER.format(best) + " (" + NUMBER.format(lo) + "–" + NUMBER.format(hi) + ")";
  return about + NUMBER.format(lo) + "–" + NUMBER.format(hi);
}

export function period(p) {
  if (p.start && p.end === p.start) return dateWords(p.start);
  if (!p.start && p.end) return "by " + dateWords(p.end);
  return (p.start ? dateWords(p.start) : "?") + " – " + (p.end ? dateWords(p.end) : "no end given in the sources");
}

/* The URL hash is anyone's to write (a link can carry any text): every value read from it is checked. */
export function rawHashValue(key) {
  const match = new RegExp("(?:^|[#&])" + key + "=([^&]*)").exec(window.location.hash);
  return match ? match[1] : null;
}

/* decodeURIComponent, or null for a malformed escape (`%`, `%zz`, half a UTF-8 sequence). */
export function decoded(text) {
  try {
    return decodeURIComponent(text);
  } catch (error) {
    return null;
  }
}

export function hashValue(key) {
  const raw = rawHashValue(key);
  return raw === null ? null : decoded(raw);
}

/* A plain decimal number from the hash within [lo, hi], or null (no exponent, no NaN, no Infinity). */
export function hashNumber(text, lo, hi) {
  if (!/^-?[0-9]{1,12}(\.[0-9]{1,12})?$/.test(text || "")) return null;
  const value = parseFloat(text);
  return value >= lo && value <= hi ? value : null;
}

/* A phone or a small window: the legend and the layer control start folded. */
export function smallScreen() { return window.matchMedia("(max-width: 700px), (max-height: 560px)").matches; }

/* A control box that keeps its clicks and wheel to itself. */
export function control(position, build) {
  const c = L.control({ position: position });
  c.onAdd = function () {
    const box = build();
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    L.DomEvent.on(box, "click", L.DomEvent.stopPropagation);  // a redrawn target (a histogram bar) escapes Leaflet's check
    return box;
  };
  return c;
}

export function placeUrl(id) { return state.config.placeUrl.replace("PLACE_ID", encodeURIComponent(id)); }

export function incidentUrl(id) { return state.config.incidentUrl.replace("INCIDENT_ID", encodeURIComponent(id)); }

/* Before a deliberate change of the view (a year chosen, the comparison opened or closed): the view as it is kept as
 * a history entry of its own, so the browser's Back returns to it (the change itself then replaces the new entry, as
 * continuous changes such as panning and play steps do). Not in the compared map's frame: it adds no entries. */
export function markUndo() {
  if (new URLSearchParams(window.location.search).get("embed") === "1") return;
  history.pushState(null, "", window.location.href);
}
