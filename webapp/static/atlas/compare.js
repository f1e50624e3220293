/* Two moments compared: the map of the first years beside a second map of the compare years (side by side on a wide
 * screen; on a narrow one, over it, cut by a divider the reader drags). The second map is this page again in a frame
 * (`?embed=1`, same origin, its controls hidden): it takes the years, layers and "only what is certain" from this
 * page's URL, and the two maps follow each other's pan and zoom. */
import { append, el, markUndo, periodText, state } from "./util.js";

export const COMPARE_HASH = /(?:^|[#&])compare=(\d{4})(?:-(\d{4}))?(?:&|$)/;
const NARROW_PX = 700;  // narrower than this: one map over the other, with a divider
const KEY_STEP_PX = 20;  // the divider's move on an arrow key

export function embedded() { return new URLSearchParams(window.location.search).get("embed") === "1"; }

/* The compare years the URL asks for ({from, to}), within the atlas's years; null when absent or not such years. */
export function compareFromHash(config) {
  const match = COMPARE_HASH.exec(window.location.hash);
  if (!match) return null;
  const from = parseInt(match[1], 10), to = match[2] ? parseInt(match[2], 10) : from;
  return from >= config.years[0] && to <= config.years[1] && to >= from ? { from: from, to: to } : null;
}

export function compareText(years) { return years.from === years.to ? String(years.from) : years.from + "-" + years.to; }

/* The second map's hash: this page's, at the compare years, without the comparison and the selection. */
function frameHash(hash, years) {
  return "#" + hash.replace(/^#/, "").split("&").filter(function (part) {
    return part && !/^(compare|sel|place)=/.test(part);
  }).map(function (part) { return /^year=/.test(part) ? "year=" + compareText(years) : part; }).join("&");
}

function withoutView(hash) { return hash.split("&").filter(function (p) { return !/^#?(z|c)=/.test(p); }).join("&"); }

function button(text, title, className) {
  const b = el("button", text, className);
  b.type = "button";
  b.title = title;
  return b;
}

/* The bar over the second map: its years, a slider and steps to change them, and the way back to one map. */
function compareBar(config, onYears, onClose) {
  const bar = el("div", null, "atlas-compare-label atlas-compare-second");
  const output = el("output", "", "atlas-compare-years");
  const range = el("input");
  Object.assign(range, { type: "range", min: config.years[0], max: config.years[1], step: 1 });
  range.setAttribute("aria-label", "Compared with the year");
  const prev = button("◀", "A year earlier"), next = button("▶", "A year later");
  const close = button("× One map", "Back to one map, of the first years", "atlas-compare-close");
  let dragging = false;  // one history entry for a whole drag
  range.addEventListener("input", function () { if (!dragging) markUndo(); dragging = true; onYears(parseInt(range.value, 10), 0); });
  range.addEventListener("change", function () { dragging = false; });
  prev.addEventListener("click", function () { markUndo(); onYears(null, -1); });
  next.addEventListener("click", function () { markUndo(); onYears(null, 1); });
  close.addEventListener("click", onClose);
  append(bar, [append(el("span", "Compared with "), [output]), prev, range, next, close]);
  bar.show = function (years) { output.textContent = periodText(years.from, years.to); range.value = years.from; };
  return bar;
}

/* The divider of the swipe: dragged (or moved with the arrow keys), it moves the edge of the second map (a clip of the whole frame: its vector
 * layers too, not only its tiles). */
function divider(onMove) {
  const line = el("div", null, "atlas-compare-divider");
  line.setAttribute("role", "separator");
  line.setAttribute("aria-label", "Drag to show more of one map or the other");
  line.appendChild(el("span", "⇔", "atlas-compare-handle"));
  line.tabIndex = 0;  // the arrow keys move it too
  line.addEventListener("keydown", function (e) {
    const step = { ArrowLeft: -KEY_STEP_PX, ArrowRight: KEY_STEP_PX }[e.key];
    if (step) { e.preventDefault(); onMove(Number(line.dataset.x) + step); }
  });
  line.addEventListener("pointerdown", function (e) {
    e.preventDefault();
    line.setPointerCapture(e.pointerId);
    const move = function (m) { onMove(m.clientX); };
    const up = function () { line.removeEventListener("pointermove", move); line.removeEventListener("pointerup", up); };
    line.addEventListener("pointermove", move);
    line.addEventListener("pointerup", up);
  });
  return line;
}

/* Each map follows the other's centre and zoom (a lock keeps the echo from coming back); returns the undoing. */
function follow(a, b) {
  let busy = false;
  function copy(from, to) {
    return function () {
      if (busy) return;
      busy = true;
      try { to.setView(from.getCenter(), from.getZoom(), { animate: false }); } finally { busy = false; }
    };
  }
  const ab = copy(a, b), ba = copy(b, a);
  a.on("move moveend", ab);
  b.on("move moveend", ba);
  return function () { a.off("move moveend", ab); b.off("move moveend", ba); };
}

/* The comparison of a map page: set(years) opens it (or changes its years), set(null) closes it; sync(hash) passes
 * this page's view (written to its URL) to the second map. */
export function compareView(map, config, onChange) {
  const root = document.documentElement, body = document.body;
  let frame = null, bar = null, first = null, line = null, split = null, pushed = null, unfollow = null;
  function frameMap() {
    const w = frame && frame.contentWindow;
    return w && w.BorderAtlas && w.BorderAtlas.ready ? w.BorderAtlas.map : null;
  }
  function clip(x) {
    split = Math.max(0, Math.min(window.innerWidth, x));
    frame.style.clipPath = "inset(0px 0px 0px " + split + "px)";
    line.style.left = split + "px";
    line.dataset.x = String(Math.round(split));
  }
  function layout() {
    if (!frame) return;
    const narrow = window.innerWidth < NARROW_PX;
    root.classList.toggle("atlas-swipe", narrow);
    if (narrow) clip(split === null ? window.innerWidth / 2 : split);
    else frame.style.clipPath = "";
    map.invalidateSize({ animate: false });
    if (frameMap()) frameMap().invalidateSize({ animate: false });
  }
  function labels() {
    if (!frame) return;
    first.textContent = periodText(state.from, state.to);
    bar.show(state.compare);
  }
  function open() {
    frame = el("iframe", null, "atlas-compare-frame");
    frame.title = "The map of the compared years";
    pushed = frameHash(window.location.hash, state.compare);
    frame.src = window.location.pathname + "?embed=1" + pushed;
    frame.addEventListener("load", function () {
      const other = frameMap();
      if (!other) return;
      if (unfollow) unfollow();
      unfollow = follow(map, other);
      layout();
      other.setView(map.getCenter(), map.getZoom(), { animate: false });
      sync(window.location.hash);  // years changed while it loaded
    });
    first = el("div", "", "atlas-compare-label atlas-compare-first");
    first.title = "The years of this map (set them with the time control)";
    bar = compareBar(config, function (year, step) {
      const span = state.compare.to - state.compare.from;
      let from = year === null ? state.compare.from + step : year;
      from = Math.max(config.years[0], Math.min(config.years[1] - span, from));
      set({ from: from, to: from + span });
    }, function () { markUndo(); set(null); });
    line = divider(clip);
    [bar, first, line].forEach(function (node) { L.DomEvent.disableClickPropagation(node); });
    append(body, [frame, first, bar, line]);
    root.classList.add("atlas-comparing");
    layout();
  }
  function close() {
    if (unfollow) unfollow();
    [frame, first, bar, line].forEach(function (node) { node.remove(); });
    frame = bar = first = line = pushed = unfollow = null;
    root.classList.remove("atlas-comparing", "atlas-swipe");
    map.invalidateSize({ animate: false });
  }
  function set(years) {
    state.compare = years;
    if (years && !frame) open();
    if (!years && frame) close();
    labels();
    onChange();
  }
  function sync(hash) {
    if (!frame) return;
    labels();
    const wanted = frameHash(hash, state.compare), w = frame.contentWindow;
    if (withoutView(wanted) === withoutView(pushed || "") || !frameMap()) return;
    pushed = wanted;
    w.location.replace(w.location.pathname + w.location.search + wanted);  // applied whole, as a pasted link; no history entry
  }
  window.addEventListener("resize", layout);
  function frameWindow() { return frameMap() ? frame.contentWindow : null; }
  return { set: set, sync: sync, frameMap: frameMap, frameWindow: frameWindow };
}
