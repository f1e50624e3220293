/* The tour player (webapp/tours.py): each step's text in the panel, its map state written into the URL, which the
 * map applies (static/atlas/urlstate.js reads the hash on load and on hashchange). Loaded as a classic script right
 * after the panel, before the map's own scripts: the first step's state is in the URL when the map reads it.
 * Nothing here parses HTML; the panel was made by the server. */
(function () {
  "use strict";
  const panel = document.getElementById("tour");
  if (!panel) return;
  const steps = Array.prototype.slice.call(panel.querySelectorAll(".tour-step"));
  const bar = panel.querySelector(".tour-progress-bar"), progress = panel.querySelector(".tour-progress");
  const prev = panel.querySelector(".tour-prev"), next = panel.querySelector(".tour-next");
  const play = panel.querySelector(".tour-play"), count = panel.querySelector(".tour-n");
  const PAUSE_MS = 12000;  // how long "Play" stays on each step
  let current = Math.min(Math.max(Number(panel.dataset.current) || 1, 1), steps.length), timer = null;

  function stepUrl(n) {
    const step = steps[n - 1];
    return step.dataset.url + window.location.search + "#" + step.dataset.hash;
  }

  function show(n) {
    steps.forEach(function (s) { s.hidden = Number(s.dataset.n) !== n; });
    bar.style.width = (100 * n / steps.length).toFixed(1) + "%";
    progress.setAttribute("aria-valuenow", String(n));
    count.textContent = String(n);
    prev.disabled = n === 1;
    next.disabled = n === steps.length;
    panel.dataset.current = String(n);
  }

  /* Go to step n: its text, its URL (the step's permalink and map state, a new entry in the history, so that the
   * browser's Back returns to the step before), and the map told to apply it. */
  function go(n) {
    if (n < 1 || n > steps.length || n === current) return;
    history.pushState(null, "", stepUrl(n));
    apply(n);
  }

  function apply(n) {
    current = n;
    show(n);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    outlineAll();
    panel.scrollTop = 0;
  }

  /* The step of this address: the one whose permalink it is (the tour's own address is its first step). */
  function fromPath() {
    const path = window.location.pathname.replace(/\/+$/, "");
    const found = steps.filter(function (s) { return s.dataset.url.replace(/\/+$/, "") === path; })[0];
    return found ? Number(found.dataset.n) : 1;
  }

  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    play.textContent = "▶ Play";
    play.setAttribute("aria-pressed", "false");
  }

  function start() {
    play.textContent = "❚❚ Pause";
    play.setAttribute("aria-pressed", "true");
    if (current === steps.length) go(1);
    timer = setInterval(function () { if (current < steps.length) go(current + 1); else stop(); }, PAUSE_MS);
  }

  /* The features a step selects besides the one whose popup it opens (data-also): outlined wherever they are drawn,
   * now and whenever the map draws them again (a new period, a new view). */
  function also() { return new Set((steps[current - 1].dataset.also || "").split(" ").filter(Boolean)); }

  function outline(layer, ids) {
    const element = layer.feature && layer.getElement ? layer.getElement() : null;
    if (element) element.classList.toggle("tour-also", ids.has(String(layer.feature.id)));
  }

  function outlineAll() {
    const map = window.BorderAtlas && window.BorderAtlas.map, ids = also();
    if (map) map.eachLayer(function (layer) { outline(layer, ids); });
  }

  function whenMap() {
    const map = window.BorderAtlas && window.BorderAtlas.map;
    if (!map) { setTimeout(whenMap, 100); return; }
    map.on("layeradd", function (e) { outline(e.layer, also()); });
    map.on("popupopen", function (e) { place(map, e.popup); });
    outlineAll();
  }

  /* The points of the step's subject a popup must leave in sight: the other selected features, and the ends of a
   * line (a flow) selected, its own too. */
  function subject(map, own) {
    const ids = also(), points = [];
    map.eachLayer(function (l) {
      if (!l.feature || l instanceof L.Circle || (l !== own && !ids.has(String(l.feature.id)))) return;
      if (l.getLatLng) { if (l !== own) points.push(l.getLatLng()); }
      else if (l.getLatLngs && !(l instanceof L.Polygon)) {
        const line = l.getLatLngs().flat(3);
        points.push(line[0], line[line.length - 1]);
      }
    });
    return points;
  }

  /* A step's popup: no taller than the room above its feature (its top in the map) and no wider than POPUP_WIDTH
   * or the map (a phone's), then moved sideways (its tip still on its feature) off the step's other features, so
   * that the map's subject stays in sight without moving the step's view; where no such place keeps it inside the
   * map (a feature near a small map's edge), it is moved just enough to lie inside. */
  const POPUP_WIDTH = 320, EDGE = 12, TIP = 40, FRAME = 50;  // FRAME: the popup's padding around its content
  function place(map, popup) {
    const anchor = map.latLngToContainerPoint(popup.getLatLng()), size = map.getSize();
    const widest = Math.max(120, Math.min(POPUP_WIDTH, size.x - 2 * EDGE - FRAME));
    Object.assign(popup.options, { maxWidth: Math.min(popup.options.maxWidth, widest), minWidth: Math.min(popup.options.minWidth, widest),
      maxHeight: Math.max(120, Math.min(popup.options.maxHeight || size.y, anchor.y - TIP - 3 * EDGE)), offset: [0, 7] });
    popup.update();
    const box = popup.getElement(), width = box.offsetWidth, height = box.offsetHeight;
    const others = subject(map, popup._source).map(function (at) { return map.latLngToContainerPoint(at); });
    const shifts = [0, -(width / 2 - TIP), width / 2 - TIP].filter(function (dx) {  // those that keep it in the map
      return anchor.x + dx - width / 2 >= EDGE && anchor.x + dx + width / 2 <= size.x - EDGE;
    });
    const covers = function (dx) {
      return others.filter(function (p) {
        return Math.abs(p.x - anchor.x - dx) < width / 2 + EDGE && p.y > anchor.y - height - TIP - EDGE && p.y < anchor.y;
      }).length;
    };
    const frame = map.getContainer().getBoundingClientRect();
    const controls = Array.from(map.getContainer().querySelectorAll(".leaflet-control-container .leaflet-control"))
      .filter(function (c) { return c.offsetWidth && c.offsetHeight; });
    const under = function (dx) {  // the controls it would lie under, in square pixels
      const left = anchor.x + dx - width / 2, top = anchor.y - height - TIP / 2;
      return controls.reduce(function (sum, c) {
        const r = c.getBoundingClientRect(), x0 = r.left - frame.left, y0 = r.top - frame.top;
        return sum + Math.max(0, Math.min(left + width, x0 + r.width) - Math.max(left, x0)) * Math.max(0, Math.min(top + height, y0 + r.height) - Math.max(top, y0));
      }, 0);
    };
    const inside = Math.min(Math.max(0, EDGE + width / 2 - anchor.x), size.x - EDGE - width / 2 - anchor.x);
    const dx = shifts.length ? shifts.sort(function (a, b) { return covers(a) - covers(b) || under(a) - under(b); })[0] : inside;
    popup.options.offset = [dx, 7];
    popup.update();
    const tip = box.querySelector(".leaflet-popup-tip-container");
    if (tip) tip.style.marginLeft = (-20 - dx) + "px";  // the tip stays on the feature
    const placed = box.getBoundingClientRect();  // a control it still lies under steps aside while it is open
    controls.forEach(function (c) {
      const r = c.getBoundingClientRect();
      c.classList.toggle("atlas-aside", r.left < placed.right && placed.left < r.right && r.top < placed.bottom && placed.top < r.bottom);
    });
  }

  prev.addEventListener("click", function () { stop(); go(current - 1); });
  next.addEventListener("click", function () { stop(); go(current + 1); });
  play.addEventListener("click", function () { if (timer) stop(); else start(); });
  document.addEventListener("keydown", function (e) {
    const t = e.target;
    if (e.altKey || e.ctrlKey || e.metaKey || (t.closest && t.closest("input, textarea, select, .leaflet-container"))) return;
    if (e.key === "ArrowRight") { stop(); go(current + 1); }
    else if (e.key === "ArrowLeft") { stop(); go(current - 1); }
  });
  window.addEventListener("popstate", function () {  // Back or Forward: the step of the address, its map state
    const n = fromPath();
    stop();
    if (n !== current) apply(n);
  });
  show(current);
  whenMap();
  // A permalink opens without a view in its hash: the step's is put there before the map reads it. A hash already
  // there (the view as the reader left it, on a reload) is kept.
  if (!window.location.hash) history.replaceState(null, "", stepUrl(current));
}());
