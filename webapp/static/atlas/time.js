/* The time control (a first year, how many years, play) with its histogram, and the filter of the embedded
 * layers (zones, border, areas) by period. The counts come from the page's summary. */
import { append, countWords, el, inForce, markUndo, periodText, state, svg } from "./util.js";
import { certaintyOf, hidden, markCertainty } from "./certainty.js";

const PLAY_MS = 1200;  // one year per step of play

/* Embedded groups: keep each group's sub-layers and show those in force in the period. */
export function timeFilter(groups) {
  const entries = [];
  groups.forEach(function (group) { group.getLayers().forEach(function (layer) { entries.push({ group: group, layer: layer }); }); });
  return function (from, to) {
    entries.forEach(function (e) {
      const p = e.layer.feature.properties, certainty = inForce(p, from, to) ? certaintyOf(p, from, to) : null;
      const show = certainty !== null && !hidden(certainty);
      if (certainty) markCertainty(e.layer, certainty);
      if (show && !e.group.hasLayer(e.layer)) e.group.addLayer(e.layer);
      if (!show && e.group.hasLayer(e.layer)) e.group.removeLayer(e.layer);
    });
  };
}

/* A series' count in a year, in words: a range from those certainly there to those possibly there too, as every
 * count is said ("12–15 incidents (3 only possibly)"). */
const ONE = { incidents: "incident", customs: "customs office or post", outposts: "border-guard unit", zones: "border zone" };

function seriesWords(s, y) {
  const certain = s.certain[y], possible = s.possible[y];
  const title = certain + possible === 1 && ONE[s.id] ? ONE[s.id] : s.title.toLowerCase();  // "1 incident"
  const range = countWords({ low: certain, high: certain + possible });
  return range + " " + title + (possible ? " (" + possible + " only possibly)" : "");
}

function yearBar(year, y, shown, totals, geometry, onPick, inPeriod) {
  const g = svg("g", { "class": "year" + (inPeriod ? " in-period" : ""), "data-year": year, "data-count": totals[y] });
  const tip = svg("title");
  tip.textContent = year + ": " + (shown.map(function (s) { return seriesWords(s, y); }).join(", ") || "no layer on");
  g.appendChild(tip);
  g.appendChild(svg("rect", { x: y * geometry.bar, y: 0, width: geometry.bar, height: geometry.height, "class": "hit" }));
  let top = geometry.height;
  shown.forEach(function (s) {
    [[s.certain[y], ""], [s.possible[y], " possible"]].forEach(function (part) {
      const h = part[0] / geometry.max * (geometry.height - 2);
      if (!h) return;
      top -= h;
      g.appendChild(svg("rect", { x: y * geometry.bar + 0.5, y: top, width: geometry.bar - 1, height: h, fill: s.colour, "class": "bar" + part[1] }));
    });
  });
  g.setAttribute("tabindex", "0");
  g.setAttribute("role", "button");
  g.setAttribute("aria-label", tip.textContent);
  g.addEventListener("click", function () { onPick(year); });
  g.addEventListener("keydown", function (e) {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onPick(year); }
  });
  return g;
}

/* How many features each year has, stacked by layer, for the layers switched on; SVG built with DOM calls. */
function histogram(data, isOn, onPick) {
  const years = data.years, n = years[1] - years[0] + 1;
  const root = svg("svg", { width: 230, height: 46, "class": "atlas-histogram", role: "img" });
  const title = svg("title");
  root.appendChild(title);
  function draw(from, to) {
    while (root.lastChild !== title) root.removeChild(root.lastChild);
    const shown = data.series.filter(isOn), totals = [];
    const heights = [];
    for (let i = 0; i < n; i++) {
      totals[i] = shown.reduce(function (sum, s) { return sum + s.counts[i]; }, 0);
      heights[i] = shown.reduce(function (sum, s) { return sum + s.certain[i] + s.possible[i]; }, 0);
    }
    const geometry = { bar: 230 / n, height: 44, max: Math.max.apply(null, [1].concat(heights)) };
    title.textContent = "Features per year in the layers switched on (" + shown.map(function (s) { return s.title; }).join(", ") + ")";
    for (let y = 0; y < n; y++) {
      const year = years[0] + y;
      root.appendChild(yearBar(year, y, shown, totals, geometry, onPick, year >= from && year <= to));
    }
  }
  return { node: root, draw: draw };
}

function button(text, title, className) {
  const b = el("button", text, className);
  b.type = "button";
  b.title = title;
  return b;
}

/* The time control: a first year and how many years to show, play through the years, and the histogram. */
export function periodControl(config, isOn, onChange) {
  const control = L.control({ position: "topleft" });
  const first = config.years[0], last = config.years[1];
  let current = { from: config.year, span: 1 }, timer = null;
  function set(from, span) {
    span = Math.max(1, Math.min(last - first + 1, span || current.span));
    from = Math.max(first, Math.min(last - span + 1, from));
    current = { from: from, span: span };
    const to = from + span - 1;
    control.sync(from, to, span);
    onChange(from, to);
  }
  /* "Only what is certain": hide the features only possibly there in the years, or show them again. */
  function setCertain(on) {
    state.certainOnly = Boolean(on);
    if (control.syncCertain) control.syncCertain();
    set(current.from, current.span);
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } control.playing(false); }
  function play() {
    if (timer) return stop();
    if (current.from + current.span - 1 >= last) set(first);
    control.playing(true);
    timer = setInterval(function () {
      if (current.from + current.span - 1 >= last) return stop();
      set(current.from + 1);
    }, PLAY_MS);
  }
  control.onAdd = function () {
    const box = el("div", null, "leaflet-bar atlas-year");
    const output = el("output", String(config.year), "atlas-year-value");
    const range = el("input");
    range.type = "range"; range.min = first; range.max = last; range.step = 1;
    range.value = config.year; range.setAttribute("aria-label", "Year");
    const span = el("input");
    span.type = "number"; span.min = 1; span.max = last - first + 1; span.value = 1; span.className = "atlas-span";
    span.setAttribute("aria-label", "Years shown");
    const prev = button("◀", "Previous year"), next = button("▶", "Next year");
    const playButton = button("▶ Play", "Play through the years", "atlas-play");
    const compare = button("Compare", "Compare these years with others, on two maps", "atlas-compare-button");
    compare.setAttribute("aria-pressed", "false");
    compare.addEventListener("click", function () { if (control.onCompare) control.onCompare(); });
    const certain = el("input");
    certain.type = "checkbox"; certain.className = "atlas-certain-only";
    certain.addEventListener("change", function () { setCertain(certain.checked); });
    const chart = histogram(config.summary.histogram, isOn, function (year) { stop(); markUndo(); set(year); });
    let dragging = false;  // one history entry for a whole drag of the slider
    range.addEventListener("input", function () {
      stop();
      if (!dragging) markUndo();
      dragging = true;
      set(parseInt(range.value, 10));
    });
    range.addEventListener("change", function () { dragging = false; });
    span.addEventListener("change", function () { markUndo(); set(current.from, parseInt(span.value, 10) || 1); });
    prev.addEventListener("click", function () { stop(); markUndo(); set(current.from - 1); });
    next.addEventListener("click", function () { stop(); markUndo(); set(current.from + 1); });
    playButton.addEventListener("click", play);
    const caption = "Features per year in the layers switched on (hover a bar for the counts; click it to go there)";
    append(box, [
      append(el("div", null, "atlas-year-row"), [append(el("label", "Years "), [output]), prev, range, next]),
      chart.node,
      el("div", caption, "atlas-histogram-caption"),
      append(el("div", null, "atlas-year-row"), [playButton, append(el("label", "years shown: ", "atlas-span-label"), [span]), compare]),
      append(el("label", null, "atlas-certain-label"), [certain, el("span", " Only what is certain")])
    ]);
    control.syncCertain = function () { certain.checked = Boolean(state.certainOnly); };
    control.sync = function (from, to, count) {
      range.value = from; span.value = count; output.textContent = periodText(from, to);
      chart.draw(from, to);
    };
    control.playing = function (on) {
      playButton.textContent = on ? "❚❚ Pause" : "▶ Play";
      playButton.setAttribute("aria-pressed", on ? "true" : "false");
    };
    control.comparing = function (on) { compare.setAttribute("aria-pressed", on ? "true" : "false"); };
    control.redraw = function () { chart.draw(current.from, current.from + current.span - 1); };
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    L.DomEvent.on(box, "click", L.DomEvent.stopPropagation);  // a bar redrawn by its own click escapes Leaflet's check
    return box;
  };
  control.set = set;
  control.stop = stop;
  control.setCertain = setCertain;
  return control;
}

/* `year=1930` or `year=1927-1932` in the URL: the first year and the number of years shown. */
/* The years the URL asks for, in the map's form (`year=1927-1932`) or the API's (`datetime=1927/1932`, dates too:
 * the years of its ends), as the server takes either (webapp/params.py). */
export const YEAR_HASH = /(?:^|[#&])year=(\d{4})(?:-(\d{4}))?(?:&|$)/;
export const DATETIME_HASH = /(?:^|[#&])datetime=(\d{4})[-0-9]*(?:(?:\/|%2F)(\d{4})[-0-9]*)?(?:&|$)/i;

export function periodFromHash(config) {
  const hash = window.location.hash;
  const match = YEAR_HASH.exec(hash) || (/(?:^|[#&])year=/.test(hash) ? null : DATETIME_HASH.exec(hash));
  const from = match ? parseInt(match[1], 10) : config.year;
  const to = match && match[2] ? parseInt(match[2], 10) : from;
  const ok = from >= config.years[0] && to <= config.years[1] && to >= from;
  return ok ? { from: from, span: to - from + 1 } : { from: config.year, span: 1 };
}
