/* Certain or possible in the chosen years (layers/when.py says the same in Python): a feature's four bounds
 * (`bounds`: earliest and latest start and end) against the period. Certain: every reading of its dates overlaps
 * the years; possible: only some does (an undated zone or unit is possible in every year). A possible feature is
 * drawn lighter and dashed; "Only what is certain" hides it. */
import { state } from "./util.js";

const LIGHTER = 0.4;  // a possible feature's opacity, as a share of its own
const DASH = "5 4";

/* "certain", "possible", or null (not in the years at all); a feature with no bounds (a place) is certain. */
export function certaintyOf(p, from, to) {
  const b = p.bounds;
  if (!b || !b.start) return "certain";
  const lo = from + "-01-01", hi = to + "-12-31", end = b.end;
  if ((b.start.earliest && b.start.earliest > hi) || (end && end.latest && end.latest < lo)) return null;
  const sureStart = Boolean(b.start.latest) && b.start.latest <= hi;
  const sureEnd = end === null || (Boolean(end.earliest) && end.earliest >= lo);
  return sureStart && sureEnd ? "certain" : "possible";
}

/* Whether a feature is drawn in the chosen years under the "only what is certain" setting. */
export function hidden(certainty) { return state.certainOnly && certainty === "possible"; }

/* A path drawn as its certainty asks: its own style, or lighter and dashed (its own dash kept, if it has one). */
export function markCertainty(layer, certainty) {
  layer.certainty = certainty;
  if (!layer.setStyle) return;
  if (!layer.certainBase) {
    const o = layer.options;
    layer.certainBase = { opacity: o.opacity === undefined ? 1 : o.opacity, fillOpacity: o.fillOpacity === undefined ? 0.2 : o.fillOpacity, dashArray: o.dashArray || null };
  }
  const base = layer.certainBase, possible = certainty === "possible";
  layer.setStyle(possible ? { opacity: base.opacity * LIGHTER, fillOpacity: base.fillOpacity * LIGHTER, dashArray: base.dashArray || DASH } : base);
  const node = layer.getElement && layer.getElement();
  if (node) node.classList.toggle("atlas-possible", possible);
}

export const LEGEND = "Lighter and dashed: only possibly there in the chosen years (its sources date it to a span that reaches beyond them, or not at all); full colour: certainly there. In the histogram the lighter top of each bar counts the possible ones.";
