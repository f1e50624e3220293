/* Border Atlas map behaviour: popups, the year control and the legend.
 * Every text from the data goes into the page with textContent, never as HTML. */
(function () {
  "use strict";

  var CATEGORY = {
    regime: "Regime", entry: "Entry", residence: "Residence", movement: "Movement",
    economic_activity: "Economic activity", trade: "Trade", currency: "Currency", gold: "Gold",
    search: "Search and seizure", expulsion: "Expulsion", passport: "Passports"
  };

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function append(parent, children) {
    children.forEach(function (c) { if (c) parent.appendChild(c); });
    return parent;
  }

  function yearOf(date) { return date ? parseInt(String(date).slice(0, 4), 10) : null; }

  /* Does a feature in force from p.start to p.end (null = open) overlap the years [from, to]?
   * An area of possibility carries the periods of the features placed in it: any of them counts. */
  function inForce(p, from, to) {
    if (to === undefined) to = from;
    if (p.periods && p.periods.length) {
      return p.periods.some(function (period) { return inForce({ start: period[0], end: period[1] }, from, to); });
    }
    var start = yearOf(p.start), end = yearOf(p.end);
    return (start === null || start <= to) && (end === null || end >= from);
  }

  function periodText(from, to) { return from === to ? String(from) : from + "–" + to; }

  function period(p) {
    var from = p.start || "?";
    var to = p.end ? p.end : "no end given in the sources";
    return from + " – " + to;
  }

  function citation(c) {
    var li = el("li");
    var ref = c.seed + (c.footnote ? ", note " + c.footnote + ": " + (c.reference || "") : " (no footnote)");
    append(li, [el("span", ref, "ref"), el("q", c.quote)]);
    return li;
  }

  function sourcesList(sources) {
    var seen = {}, ol = el("ol", null, "sources");
    (sources || []).forEach(function (c) {
      var key = c.seed + "|" + c.footnote + "|" + c.quote;
      if (!seen[key]) { seen[key] = true; ol.appendChild(citation(c)); }
    });
    return ol;
  }

  function actItem(a) {
    var li = el("li");
    append(li, [
      el("strong", a.date_text ? a.date_text + " (" + a.date + ")" : a.date),
      el("span", " — " + a.body + ": "),
      el("em", a.title),
      el("div", a.did, "did")
    ]);
    return li;
  }

  function rulesList(rules) {
    var ul = el("ul", null, "rules");
    (rules || []).forEach(function (r) {
      var li = el("li", null, r.effect);
      append(li, [
        el("strong", (CATEGORY[r.category] || r.category) + (r.effect === "permits" ? " (permitted)" : "") + ": "),
        el("span", r.text),
        el("span", " [" + r.date + "]", "date")
      ]);
      ul.appendChild(li);
    });
    return ul;
  }

  function depthText(p) {
    var text = p.depth_value + " " + p.depth_unit;
    if (p.depth_unit === "verst") text += " (" + Math.round(p.depth_m).toLocaleString("en") + " m)";
    return text;
  }

  function zonePopup(p) {
    var div = el("div", null, "atlas-popup");
    return append(div, [
      el("h3", p.name),
      p.name_ru ? el("div", p.name_ru, "alt-name") : null,
      el("p", "Depth: " + depthText(p)),
      el("p", "In force: " + period(p)),
      p.end_note ? el("p", p.end_note, "note") : null,
      el("h4", "What was restricted or permitted"),
      rulesList(p.rules),
      el("h4", "Acts"),
      append(el("ul", null, "acts"), (p.acts || []).map(actItem)),
      el("h4", "Sources"),
      sourcesList(p.sources)
    ]);
  }

  function borderPopup(p) {
    var div = el("div", null, "atlas-popup");
    return append(div, [
      el("h3", p.name),
      el("p", "Drawn on the " + p.location_basis + "."),
      el("h4", "Acts for the border zone as a whole (no depth stated in the sources)"),
      append(el("ul", null, "acts"), (p.general_acts || []).map(actItem)),
      el("h4", "Sources"),
      sourcesList((p.sources || []).concat((p.general_acts || []).map(function (a) { return a.citation; })))
    ]);
  }

  var FEATURE_TYPE = {
    town: "town", village: "village", settlement: "settlement", aul: "aul", farmstead: "farmstead",
    fortification: "fortification", tract: "tract", pass: "pass", valley: "valley", mountain: "mountain",
    district: "district", volost: "volost", province: "province"
  };
  /* The chosen period is [from, to]; `year` (its last year) is the one asked about in the regime and unit names. */
  var state = { language: "name", placeUrl: "", regimeUrl: "", from: null, to: null, year: null, map: null };

  function placeUrl(id) { return state.placeUrl.replace("PLACE_ID", encodeURIComponent(id)); }

  function link(text, href) {
    var a = el("a", text);
    a.href = href;
    return a;
  }

  function populationList(rows) {
    var ul = el("ul", null, "population");
    (rows || []).forEach(function (r) {
      var count = (r.approximate ? "about " : "") + Number(r.count).toLocaleString("en");
      ul.appendChild(el("li", r.year + ": " + count + (r.group ? " (" + r.group + ")" : "")));
    });
    return ul;
  }

  function placePopup(p) {
    var div = el("div", null, "atlas-popup");
    var names = [p.name_ru, p.name_kk, p.name_zh, p.modern_name].filter(Boolean);
    var others = (p.variants || []).filter(function (v) { return names.indexOf(v) < 0 && v !== p.name; });
    var geonames = null;
    if (p.geonames_id) {
      geonames = el("p", "GeoNames: ");
      geonames.appendChild(link(String(p.geonames_id), "https://www.geonames.org/" + encodeURIComponent(p.geonames_id)));
    }
    var page = el("p");
    page.appendChild(link("Page for this place", placeUrl(p.id)));
    return append(div, [
      el("h3", p.name),
      names.length ? el("div", names.join(" · "), "alt-name") : null,
      others.length ? el("div", "Also: " + others.join(" · "), "note") : null,
      el("p", (FEATURE_TYPE[p.feature_type] || p.feature_type) + ", " + p.side + (p.admin_1920s ? " — " + p.admin_1920s : "")),
      p.in_1927_list ? el("p", "In the 1927 list of border settlements of the 7.5 km zone", "listed") : null,
      el("p", whereSentence(p), "where-basis"),
      p.relative_location ? el("p", "As the source puts it: " + p.relative_location, "note") : null,
      p.population && p.population.length ? el("h4", "Population") : null,
      p.population && p.population.length ? populationList(p.population) : null,
      geonames,
      el("h4", "Sources"),
      sourcesList(p.sources),
      page
    ]);
  }

  function labelFor(p) { return p[state.language] || p.name; }

  function bindPlace(feature, layer) {
    layer.bindPopup(withRegime(function () { return placePopup(feature.properties); }, layer), { maxWidth: 420, maxHeight: 420 });
    layer.bindTooltip(el("span", labelFor(feature.properties)), {
      permanent: true, direction: "right", offset: [6, 0], className: "place-label"
    });
  }

  function setLanguage(placesLayer, language) {
    state.language = language;
    placesLayer.eachLayer(function (layer) {
      if (layer.getTooltip()) layer.setTooltipContent(el("span", labelFor(layer.feature.properties)));
    });
    if (state.map) placeLabels(state.map, placesLayer);
  }

  function languageControl(config, placesLayer) {
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var box = el("div", null, "leaflet-bar atlas-box");
      var label = el("label", "Labels ");
      var select = el("select");
      select.setAttribute("aria-label", "Label language");
      Object.keys(config.languages).forEach(function (key) {
        var option = el("option", config.languages[key]);
        option.value = key;
        select.appendChild(option);
      });
      select.addEventListener("change", function () { setLanguage(placesLayer, select.value); });
      append(box, [append(label, [select])]);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  function findPlaceLayer(placesLayer, id) {
    var found = null;
    placesLayer.eachLayer(function (layer) { if (layer.feature.properties.id === id) found = layer; });
    return found;
  }

  function showPlace(map, placesLayer, id) {
    var layer = findPlaceLayer(placesLayer, id);
    if (!layer) return false;
    if (!map.hasLayer(placesLayer)) map.addLayer(placesLayer);
    map.setView(layer.getLatLng(), Math.max(map.getZoom(), 9));
    layer.openPopup();
    return true;
  }

  function matches(entry, query) {
    var q = query.toLocaleLowerCase();
    return entry.names.some(function (n) { return String(n).toLocaleLowerCase().indexOf(q) >= 0; });
  }

  function searchControl(map, placesLayer, index) {
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var box = el("div", null, "leaflet-bar atlas-box atlas-search");
      var input = el("input");
      input.type = "search"; input.placeholder = "Find a place (any name)"; input.setAttribute("aria-label", "Find a place");
      var results = el("ul", null, "atlas-results");
      function render() {
        results.textContent = "";
        var query = input.value.trim();
        if (!query) return;
        var hits = index.filter(function (e) { return matches(e, query); }).slice(0, 12);
        if (!hits.length) results.appendChild(el("li", "No place of that name", "note"));
        hits.forEach(function (entry) {
          var item = el("li");
          var other = entry.names.filter(function (n) { return n !== entry.name; }).slice(0, 3).join(" · ");
          var button = el("button", entry.name + (other ? " — " + other : ""));
          button.type = "button";
          if (entry.located) {
            button.addEventListener("click", function () { showPlace(map, placesLayer, entry.id); });
            item.appendChild(button);
          } else {
            append(item, [link(entry.name + " (unlocated: see its page)", placeUrl(entry.id))]);
          }
          results.appendChild(item);
        });
      }
      input.addEventListener("input", render);
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { var first = results.querySelector("button, a"); if (first) first.click(); }
      });
      append(box, [input, results]);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return control;
  }

  function linksControl(links) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var box = el("div", null, "atlas-box atlas-links");
      Object.keys(links).forEach(function (label, i) {
        if (i) box.appendChild(document.createTextNode(" · "));
        box.appendChild(link(label, links[label]));
      });
      return box;
    };
    return control;
  }

  /* "What applied here?": the answer of GET /regime, rendered with textContent. */
  var STATUS = { true: "in force", false: "not in force" };

  function regimeAnswer(a) {
    var div = el("div", null, "atlas-regime");
    var where = a.lat.toFixed(4) + "° N, " + a.lon.toFixed(4) + "° E";
    append(div, [
      el("h3", "What applied here (as of " + a.date + ")"),
      el("p", where + (a.side ? " — " + (a.side === "USSR" ? "Soviet side" : "Chinese side") : "") +
        (a.distance_m !== null && a.distance_m !== undefined ? ", " + (a.distance_m / 1000).toFixed(1) + " km from the border" : "")),
      a.note ? el("p", a.note, "note") : null
    ]);
    (a.zones || []).forEach(function (z) {
      var box = el("div", null, "regime-zone " + (z.in_force ? "in-force" : "not-in-force"));
      append(box, [el("h4", z.name + " — " + (z.status || STATUS[z.in_force]))]);
      if (z.in_force && z.rules && z.rules.length) box.appendChild(rulesList(z.rules));
      if (z.acts && z.acts.length) box.appendChild(append(el("ul", null, "acts"), z.acts.map(actItem)));
      if (z.sources && z.sources.length) box.appendChild(sourcesList(z.sources));
      div.appendChild(box);
    });
    return div;
  }

  function askRegime(latlng, into) {
    into.textContent = "";
    into.appendChild(el("p", "Looking up the regime…", "note"));
    var url = state.regimeUrl + "?lat=" + latlng.lat.toFixed(6) + "&lon=" + latlng.lng.toFixed(6) + "&date=" + state.year;
    return fetch(url).then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        into.textContent = "";
        into.appendChild(res.ok ? regimeAnswer(res.body) : el("p", res.body.description || "No answer", "note"));
      })
      .catch(function () { into.textContent = "The regime could not be looked up."; });
  }

  function regimeButton(layer) {
    var holder = el("div", null, "atlas-regime-holder");
    var button = el("button", "What applied here in " + state.year + "?", "atlas-regime-button");
    button.type = "button";
    button.addEventListener("click", function (e) {
      e.stopPropagation();  // not a click on the map: the button is gone before the event would bubble there
      var popup = layer.getPopup();
      var latlng = popup && popup.getLatLng ? popup.getLatLng() : layer.getLatLng();
      askRegime(latlng, holder);
    });
    holder.appendChild(button);
    return holder;
  }

  function withRegime(build, layer) {
    return function () { return append(build(), [regimeButton(layer)]); };
  }

  function bindZonePopup(feature, layer) {
    layer.bindPopup(withRegime(function () { return zonePopup(feature.properties); }, layer), { maxWidth: 460, maxHeight: 420 });
  }

  function bindBorderPopup(feature, layer) {
    layer.bindPopup(withRegime(function () { return borderPopup(feature.properties); }, layer), { maxWidth: 460, maxHeight: 420 });
  }

  /* Border-guard units and customs posts */
  function nameInYear(p, year) {
    var named = (p.names_by_period || []).filter(function (n) { return inForce(n, year); });
    return named.length ? named[named.length - 1].name : p.name;
  }

  function factsList(facts) {
    var ul = el("ul", null, "facts");
    (facts || []).forEach(function (f) {
      var value = (f.approximate ? "about " : "") + (f.low !== undefined && f.low !== null && f.high !== null && f.high !== undefined ? f.low + "–" + f.high : f.value);
      ul.appendChild(el("li", (f.year || "") + ": " + (f.text || (f.what + " " + value))));
    });
    return ul;
  }

  function postPopup(p) {
    var div = el("div", null, "atlas-popup");
    var dates = p.start ? period(p) : "date unknown" + (p.first_attested ? " (first named for " + p.first_attested + ")" : "");
    return append(div, [
      el("h3", nameInYear(p, state.year)),
      nameInYear(p, state.year) !== p.name ? el("div", p.name, "alt-name") : null,
      el("p", p.unit_type_label || p.post_type_label || ""),
      refLine("Part of", unitRef(p.parent, state.year)),
      refLine(p.unit_type_label ? "Seat" : "Place", placeRef(p.seat || p.place)),
      el("p", "Dates: " + dates),
      p.start_note || p.date_note ? el("p", p.start_note || p.date_note, "note") : null,
      el("p", "Located: " + (p.location_basis || "") + (p.precision_m ? " (within " + Math.round(p.precision_m).toLocaleString("en") + " m)" : "")),
      p.border_distance_m !== null && p.border_distance_m !== undefined ? el("p", (p.border_distance_m / 1000).toFixed(1) + " km from the border") : null,
      p.facts && p.facts.length ? el("h4", "Figures") : null,
      p.facts && p.facts.length ? factsList(p.facts) : null,
      p.note ? el("p", p.note, "note") : null,
      p.tariff_1923 ? append(el("p"), [link("The 1923 customs tariff for goods from China on this stretch", state.tariffUrl)]) : null,
      el("h4", "Sources"),
      sourcesList(p.sources)
    ]);
  }

  function range(v) {
    if (!v) return null;
    var parts = [v.low, v.best, v.high].filter(function (x) { return x !== null && x !== undefined; });
    if (!parts.length) return null;
    var lo = Math.min.apply(null, parts), hi = Math.max.apply(null, parts);
    var text = lo === hi ? Number(lo).toLocaleString("en") : Number(lo).toLocaleString("en") + "–" + Number(hi).toLocaleString("en");
    if (v.high === null && v.low !== null && v.best === v.low) text = "at least " + text;
    return (v.approximate ? "about " : "") + text;
  }

  function countsList(counts) {
    var ul = el("ul", null, "counts");
    Object.keys(counts || {}).forEach(function (k) {
      var text = range(counts[k]);
      if (text) ul.appendChild(el("li", k + ": " + text));
    });
    return ul;
  }

  /* A reference to another feature, by its name (a unit by the name it had in the year), linked. */
  function unitRef(id, year) {
    var unit = ((state.refs || {}).units || {})[id];
    if (!unit) return null;
    return { name: nameInYear(unit, year), url: unit.url };
  }

  function placeRef(id) { return ((state.refs || {}).places || {})[id] || null; }

  function refLine(label, ref) {
    if (!ref) return null;
    return append(el("p", label + ": "), [ref.url ? link(ref.name, ref.url) : el("span", ref.name)]);
  }

  function incidentUrl(id) { return state.incidentUrl.replace("INCIDENT_ID", encodeURIComponent(id)); }

  /* Where a feature is, in one sentence: the level it is located to, then how it was found. */
  function whereSentence(p) {
    var level = (state.levels || {})[p.where_prec] || p.where_prec || p.precision_class || "";
    var radius = p.precision_m && p.where_prec !== "area" ? " (within " + Math.round(p.precision_m).toLocaleString("en") + " m)" : "";
    return level + ": " + (p.location_basis || "") + radius + ".";
  }

  function incidentPopup(p) {
    var div = el("div", null, "atlas-popup");
    var actors = (p.actors || []).map(function (a) { return a.who + (a.side && a.side !== "unknown" ? " (" + a.side + ")" : ""); });
    var goods = (p.goods || []).map(function (g) { return g.what + (g.value ? ": " + g.value + " " + (g.unit || "") : ""); });
    return append(div, [
      el("h3", p.name),
      el("p", (p.event_type_label || p.event_type) + " — " + (p.date_text || p.start) + " (between " + p.start + " and " + p.end + ", known to the " + p.date_precision + ")"),
      actors.length ? el("p", "Who: " + actors.join("; ")) : null,
      refLine("Unit", unitRef(p.unit, yearOf(p.start) || state.year)),
      refLine("Place", placeRef(p.location_place)),
      p.direction ? el("p", "Direction: " + String(p.direction).replace("_", " ")) : null,
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

  function areaPopup(p) {
    var div = el("div", null, "atlas-popup");
    var inside = el("ul");
    (p.features || []).forEach(function (name) { inside.appendChild(el("li", name)); });
    return append(div, [
      el("h3", p.name),
      el("p", "Area of possibility: where the text puts what has no point of its own. " + (p.location_basis || "")),
      el("p", "Rule: " + (p.rule || ""), "note"),
      el("h4", "Placed in it"),
      inside,
      el("h4", "Sources"),
      sourcesList(p.sources)
    ]);
  }

  function bindArea(feature, layer) {
    layer.bindPopup(function () { return areaPopup(feature.properties); }, { maxWidth: 440, maxHeight: 420 });
  }

  /* A diagonal hatch for the areas of possibility, defined once in the map's SVG (CSS fills with it). */
  function addHatch(map) {
    var svgRoot = map.getPanes().overlayPane.querySelector("svg");
    if (!svgRoot || svgRoot.querySelector("#atlas-hatch")) return;
    var defs = svg("defs"), pattern = svg("pattern", { id: "atlas-hatch", width: 8, height: 8, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
    pattern.appendChild(svg("line", { x1: 0, y1: 0, x2: 0, y2: 8, stroke: "#6a3d9a", "stroke-width": 2, "stroke-opacity": 0.55 }));
    defs.appendChild(pattern);
    svgRoot.insertBefore(defs, svgRoot.firstChild);
  }

  function bindIncident(feature, layer) {
    layer.bindPopup(withRegime(function () { return incidentPopup(feature.properties); }, layer), { maxWidth: 440, maxHeight: 420 });
  }

  function flowLabel(p) {
    var figure = range(p.households) ? range(p.households) + " households" : (range(p.people) ? range(p.people) + " people" : "no figure");
    return p.name + ": " + figure + " (" + (p.authority || "source") + ")";
  }

  function flowPopup(p) {
    var div = el("div", null, "atlas-popup");
    return append(div, [
      el("h3", p.name),
      el("p", (p.kind_label || p.kind) + ", " + p.start + (p.end && p.end !== p.start ? "–" + p.end : "")),
      range(p.people) ? el("p", "People: " + range(p.people)) : null,
      range(p.households) ? el("p", "Households: " + range(p.households)) : null,
      p.authority ? el("p", "Figure given by: " + p.authority) : null,
      p.text ? el("p", p.text) : null,
      el("p", "The ends of the arrow are approximate: " + (p.location_basis || "areas drawn at a representative point") + ".", "note"),
      el("h4", "Sources"),
      sourcesList(p.sources)
    ]);
  }

  function bindFlow(feature, layer) {
    layer.bindPopup(function () { return flowPopup(feature.properties); }, { maxWidth: 440, maxHeight: 420 });
    layer.bindTooltip(el("span", flowLabel(feature.properties)), { sticky: true });
  }

  function bindPost(feature, layer) {
    layer.bindPopup(withRegime(function () { return postPopup(feature.properties); }, layer), { maxWidth: 420, maxHeight: 420 });
  }

  /* Time filter: keep each group's sub-layers and show those in force in the year. */
  function TimeFilter(groups) {
    this.entries = [];
    var self = this;
    groups.forEach(function (group) {
      group.getLayers().forEach(function (layer) { self.entries.push({ group: group, layer: layer }); });
    });
  }
  TimeFilter.prototype.apply = function (from, to) {
    this.entries.forEach(function (e) {
      var show = inForce(e.layer.feature.properties, from, to);
      if (show && !e.group.hasLayer(e.layer)) e.group.addLayer(e.layer);
      if (!show && e.group.hasLayer(e.layer)) e.group.removeLayer(e.layer);
    });
  };

  /* The histogram: how many features each year has, stacked by layer, for the layers switched on.
   * The counts come from the build (every feature, located or not); bars are SVG built with DOM calls. */
  var SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function histogram(config, isOn, onPick) {
    var data = config.histogram, years = data.years, n = years[1] - years[0] + 1;
    var width = 230, height = 44, bar = width / n;
    var root = svg("svg", { width: width, height: height + 2, "class": "atlas-histogram", role: "img" });
    var title = svg("title");
    root.appendChild(title);
    function draw(from, to) {
      while (root.lastChild !== title) root.removeChild(root.lastChild);
      var shown = data.series.filter(isOn);
      var totals = [], max = 1;
      for (var i = 0; i < n; i++) {
        totals[i] = shown.reduce(function (sum, s) { return sum + s.counts[i]; }, 0);
        max = Math.max(max, totals[i]);
      }
      title.textContent = "Features per year in the layers switched on (" + shown.map(function (s) { return s.title; }).join(", ") + ")";
      for (var y = 0; y < n; y++) {
        var year = years[0] + y, g = svg("g", { "class": "year" + (year >= from && year <= to ? " in-period" : ""), "data-year": year, "data-count": totals[y] });
        var tip = svg("title");
        tip.textContent = year + ": " + (shown.map(function (s) { return s.counts[y] + " " + s.title.toLowerCase(); }).join(", ") || "no layer on");
        g.appendChild(tip);
        g.appendChild(svg("rect", { x: y * bar, y: 0, width: bar, height: height, "class": "hit" }));
        var top = height;
        shown.forEach(function (s) {
          var h = s.counts[y] / max * (height - 2);
          if (!h) return;
          top -= h;
          g.appendChild(svg("rect", { x: y * bar + 0.5, y: top, width: bar - 1, height: h, fill: s.colour }));
        });
        g.setAttribute("tabindex", "0");
        g.setAttribute("role", "button");
        g.setAttribute("aria-label", tip.textContent);
        g.addEventListener("click", onPick.bind(null, year));
        g.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onPick(parseInt(e.currentTarget.getAttribute("data-year"), 10)); }
        });
        root.appendChild(g);
      }
    }
    return { node: root, draw: draw };
  }

  /* The time control: a first year and how many years to show, play through the years, and the histogram. */
  var PLAY_MS = 1200;  // one year per step of play

  function periodControl(config, isOn, onChange) {
    var control = L.control({ position: "topleft" });
    var first = config.years[0], last = config.years[1];
    var current = { from: config.year, span: 1 }, timer = null;
    function set(from, span) {
      span = Math.max(1, Math.min(last - first + 1, span || current.span));
      from = Math.max(first, Math.min(last - span + 1, from));
      current = { from: from, span: span };
      var to = from + span - 1;
      control.sync(from, to, span);
      onChange(from, to);
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
      var box = el("div", null, "leaflet-bar atlas-year");
      var label = el("label", "Years ");
      var output = el("output", String(config.year), "atlas-year-value");
      var range = el("input");
      range.type = "range"; range.min = first; range.max = last; range.step = 1;
      range.value = config.year; range.setAttribute("aria-label", "Year");
      var span = el("input");
      span.type = "number"; span.min = 1; span.max = last - first + 1; span.value = 1; span.className = "atlas-span";
      span.setAttribute("aria-label", "Years shown");
      var spanLabel = append(el("label", "years shown: ", "atlas-span-label"), [span]);
      var prev = el("button", "◀"), next = el("button", "▶"), playButton = el("button", "▶ Play", "atlas-play");
      prev.type = next.type = playButton.type = "button";
      prev.title = "Previous year"; next.title = "Next year"; playButton.title = "Play through the years";
      var chart = histogram(config, isOn, function (year) { stop(); set(year); });
      range.addEventListener("input", function () { stop(); set(parseInt(range.value, 10)); });
      span.addEventListener("change", function () { set(current.from, parseInt(span.value, 10) || 1); });
      prev.addEventListener("click", function () { stop(); set(current.from - 1); });
      next.addEventListener("click", function () { stop(); set(current.from + 1); });
      playButton.addEventListener("click", play);
      var row = append(el("div", null, "atlas-year-row"), [append(label, [output]), prev, range, next]);
      var row2 = append(el("div", null, "atlas-year-row"), [playButton, spanLabel]);
      var caption = el("div", "Features per year in the layers switched on (hover a bar for the counts; click it to go there)", "atlas-histogram-caption");
      append(box, [row, chart.node, caption, row2]);
      control.sync = function (from, to, n) {
        range.value = from; span.value = n; output.textContent = periodText(from, to);
        chart.draw(from, to);
      };
      control.playing = function (on) {
        playButton.textContent = on ? "❚❚ Pause" : "▶ Play";
        playButton.setAttribute("aria-pressed", on ? "true" : "false");
      };
      control.redraw = function () { chart.draw(current.from, current.from + current.span - 1); };
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.set = set;
    control.stop = stop;
    return control;
  }

  function undatedCount(groups) {
    var n = 0;
    groups.forEach(function (g) { g.getLayers().forEach(function (l) { if (!l.feature.properties.start) n += 1; }); });
    return n;
  }

  function legendControl(zoneGroups, datedGroups) {
    var control = L.control({ position: "bottomright" });
    var rows = [];
    control.onAdd = function () {
      var box = el("div", null, "atlas-legend");
      box.appendChild(el("h4", "Legend"));
      var border = el("div", null, "row");
      append(border, [el("span", null, "swatch line"), el("span", "Border line (click for the acts on the border zone)")]);
      box.appendChild(border);
      zoneGroups.forEach(function (group) {
        group.getLayers().forEach(function (layer) {
          var p = layer.feature.properties, row = el("div", null, "row");
          var swatch = el("span", null, "swatch");
          swatch.style.background = layer.options.fillColor || layer.options.color;
          swatch.style.borderColor = layer.options.color;
          append(row, [swatch, el("span", p.name + " (" + (yearOf(p.start) || "?") + "–" + (yearOf(p.end) || "") + ")")]);
          rows.push({ row: row, props: p });
          box.appendChild(row);
        });
      });
      box.appendChild(el("p", "Greyed: not in force in the chosen period. Click a zone for its acts and sources.", "note"));
      box.appendChild(el("p", "A dotted ring: an incident known only to the year or season. Numbered circles: incidents grouped where they are dense (click to spread them).", "note"));
      var undated = undatedCount(datedGroups);
      if (undated) {
        box.appendChild(el("p", undated + " units and posts have no known date: shown in every year with a dashed ring.", "note undated-count"));
      }
      box.appendChild(el("p", "Hatched: an area of possibility, where the text puts an incident or a place that has no point of its own; its marker stands inside it. Each marker's popup names the level it is located to:", "note"));
      var levels = el("ul", null, "note levels");
      Object.keys(state.levelLegend || {}).forEach(function (k) { levels.appendChild(el("li", state.levelLegend[k])); });
      box.appendChild(levels);
      box.appendChild(el("p", "Click anywhere else for what applied there in the chosen year.", "note"));
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.update = function (from, to) {
      rows.forEach(function (r) { r.row.classList.toggle("off", !inForce(r.props, from, to)); });
    };
    return control;
  }

  function hashValue(key) {
    var match = new RegExp("(?:^|[#&])" + key + "=([^&]*)").exec(window.location.hash);
    return match ? decodeURIComponent(match[1]) : null;
  }

  /* `year=1930` or `year=1927-1932` in the URL: the first year and the number of years shown. */
  function periodFromHash(config) {
    var match = /(?:^|[#&])year=(\d{4})(?:-(\d{4}))?(?:&|$)/.exec(window.location.hash);
    var from = match ? parseInt(match[1], 10) : config.year;
    var to = match && match[2] ? parseInt(match[2], 10) : from;
    var ok = from >= config.years[0] && to <= config.years[1] && to >= from;
    return ok ? { from: from, span: to - from + 1 } : { from: config.year, span: 1 };
  }

  /* The view in the URL: year, zoom, centre, overlays switched off, the selected feature. */
  var view = { off: [], sel: null, ready: false };

  function rawHashValue(key) {
    var match = new RegExp("(?:^|[#&])" + key + "=([^&]*)").exec(window.location.hash);
    return match ? match[1] : null;
  }

  function writeHash(map) {
    if (!view.ready) return;
    var c = map.getCenter();
    var parts = ["year=" + (state.from === state.to ? state.from : state.from + "-" + state.to), "z=" + map.getZoom(), "c=" + c.lat.toFixed(4) + "," + c.lng.toFixed(4)];
    if (view.off.length) parts.push("off=" + view.off.map(encodeURIComponent).join(","));
    if (view.sel) parts.push("sel=" + encodeURIComponent(view.sel));
    history.replaceState(null, "", "#" + parts.join("&"));
  }

  function overlays(layerControl) {
    var byName = {};
    (layerControl._layers || []).forEach(function (entry) { if (entry.overlay) byName[entry.name] = entry.layer; });
    return byName;
  }

  function featureLayer(map, id) {
    var found = null;
    map.eachLayer(function (l) { if (!found && l.feature && l.feature.id === id && l.getPopup && l.getPopup()) found = l; });
    return found;
  }

  /* Several features at one point (incidents placed in one area of possibility) stay clustered at
   * every zoom: they are spread where they are, not zoomed into. */
  function stacked(cluster, marker) {
    return cluster.getLayers().some(function (l) { return l !== marker && l.getLatLng().equals(marker.getLatLng()); });
  }

  function spreadAndOpen(cluster, marker) {
    var parent = cluster.getVisibleParent(marker);
    if (parent && parent !== marker && parent.spiderfy) parent.spiderfy();
    if (marker._map) marker.openPopup();
    else cluster.once("spiderfied", function () { marker.openPopup(); });
  }

  /* A feature's popup, on the map or inside a cluster (which is opened to show it first). */
  function openFeature(map, clusters, id) {
    var clustered = clusters.some(function (cluster) {
      var inside = cluster.getLayers().filter(function (l) { return l.feature && l.feature.id === id; })[0];
      if (inside && map.hasLayer(cluster)) {
        if (stacked(cluster, inside)) spreadAndOpen(cluster, inside);
        else cluster.zoomToShowLayer(inside, function () { inside.openPopup(); });
      }
      return Boolean(inside);
    });
    var layer = clustered ? null : featureLayer(map, id);
    if (layer) layer.openPopup();
    return clustered || Boolean(layer);
  }

  function restoreView(map, layerControl, clusters) {
    var z = parseInt(rawHashValue("z"), 10);
    var c = (rawHashValue("c") || "").split(",").map(parseFloat);
    if (z >= 0 && c.length === 2 && isFinite(c[0]) && isFinite(c[1])) map.setView(c, z, { animate: false });
    var byName = overlays(layerControl);
    (rawHashValue("off") || "").split(",").filter(Boolean).map(decodeURIComponent).forEach(function (name) {
      if (byName[name] && map.hasLayer(byName[name])) map.removeLayer(byName[name]);
      if (byName[name] && view.off.indexOf(name) < 0) view.off.push(name);
    });
    var sel = rawHashValue("sel");
    if (sel) openFeature(map, clusters, decodeURIComponent(sel));
  }

  function trackView(map) {
    map.on("overlayadd", function (e) { view.off = view.off.filter(function (n) { return n !== e.name; }); writeHash(map); });
    map.on("overlayremove", function (e) { if (view.off.indexOf(e.name) < 0) view.off.push(e.name); writeHash(map); });
    map.on("moveend", function () { writeHash(map); });
    map.on("popupopen", function (e) {
      var source = e.popup._source;
      view.sel = source && source.feature ? source.feature.id : null;
      writeHash(map);
    });
    map.on("popupclose", function () { view.sel = null; writeHash(map); });
  }

  function viewCitation(config) {
    var today = new Date().toISOString().slice(0, 10);
    return config.citeTitle + ". Map view, " + (state.from === state.to ? "year " : "years ") + periodText(state.from, state.to) + ". Data version " + config.dataVersion + ". " +
      window.location.href + " (accessed " + today + ").";
  }

  function citeControl(config) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var box = el("div", null, "atlas-box atlas-cite");
      var button = el("button", "Cite this view");
      button.type = "button";
      var text = el("textarea", null, "atlas-cite-text");
      text.readOnly = true; text.rows = 4; text.hidden = true;
      button.addEventListener("click", function () {
        text.value = viewCitation(config);
        text.hidden = false;
        text.select();
      });
      append(box, [button, text]);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  /* "Figure": the view as it is now (years, bounds, layers off, label language) as a figure for publication,
   * drawn by the server in the chosen format, in a new tab. */
  function figureControl(config, map) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var box = el("div", null, "leaflet-bar atlas-figure");  // styled here, not as .atlas-box (kept for the label control)
      box.style.cssText = "background: #fff; padding: 6px 8px; font: 13px/1.3 system-ui, sans-serif;";
      var button = el("button", "Figure");
      button.type = "button";
      button.title = "A figure of this view for publication (opens in a new tab)";
      var format = el("select");
      format.setAttribute("aria-label", "Figure format");
      ["svg", "pdf", "png"].forEach(function (f) { var o = el("option", f.toUpperCase()); o.value = f; format.appendChild(o); });
      button.addEventListener("click", function () {
        var b = map.getBounds(), clamp = function (v, m) { return Math.max(-m, Math.min(m, v)).toFixed(4); };
        var query = new URLSearchParams({
          year: state.from === state.to ? String(state.from) : state.from + "-" + state.to,
          bbox: [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].join(","),
          lang: state.language,
          format: format.value
        });
        if (view.off.length) query.set("off", view.off.join(","));
        window.open(config.figureUrl + "?" + query.toString(), "_blank", "noopener");
      });
      append(box, [button, format]);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  function isBackground(target) {
    /* a click on the map itself, the base map or the empty SVG pane: not on a feature */
    if (!target || !target.closest || target.closest(".leaflet-popup, .leaflet-control")) return false;
    return !(target.classList && target.classList.contains("leaflet-interactive"));
  }

  /* The heat map follows the period: the located incidents now in their cluster group. */
  function heatPoints(clusters) {
    var points = [];
    clusters.forEach(function (c) { c.getLayers().forEach(function (l) { if (l.getLatLng) points.push(l.getLatLng()); }); });
    return points;
  }

  function overlayOn(map, layerControl) {
    return function (series) {
      var byName = overlays(layerControl);
      return series.layers.some(function (name) { return byName[name] && map.hasLayer(byName[name]); });
    };
  }

  /* Popups stay inside the window (panned into view, never taller than it) and close with Escape. */
  function fitPopups(map) {
    L.Popup.mergeOptions({ keepInView: true, autoPanPadding: L.point(16, 16) });
    map.on("popupopen", function (e) {
      var limit = Math.max(160, map.getSize().y - 120);
      if (e.popup.options.maxHeight > limit) { e.popup.options.maxHeight = limit; e.popup.update(); }
    });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") map.closePopup(); });
  }

  /* Uncertainty circles: faint, hidden at regional zooms unless "show all" is ticked; the circle of
   * the hovered or selected feature is drawn strongly. */
  var CIRCLES_FROM_ZOOM = 8;

  function circleOf(circleLayers, id) {
    var found = null;
    circleLayers.forEach(function (g) { g.eachLayer(function (l) { if (!found && l.feature && l.feature.id === id) found = l; }); });
    return found;
  }

  function highlight(circleLayers, id, on) {
    var circle = circleOf(circleLayers, id);
    if (!circle || !circle.getElement()) return;
    circle.getElement().classList.toggle("uncertainty-selected", on);
  }

  function circlesControl(map, circleLayers) {
    var control = L.control({ position: "topleft" });
    var box, toggle;
    function apply() {
      var hidden = !toggle.checked && map.getZoom() < CIRCLES_FROM_ZOOM;
      map.getContainer().classList.toggle("atlas-circles-hidden", hidden);
    }
    control.onAdd = function () {
      box = el("div", null, "leaflet-bar atlas-box atlas-circles");
      var label = el("label");
      toggle = el("input");
      toggle.type = "checkbox";
      append(label, [toggle, el("span", " Show every uncertainty circle")]);
      box.appendChild(label);
      box.appendChild(el("div", "(otherwise from zoom " + CIRCLES_FROM_ZOOM + ", and the selected one)", "note"));
      toggle.addEventListener("change", apply);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    map.on("zoomend", function () { if (toggle) apply(); });
    map.on("popupopen", function (e) { var s = e.popup._source; if (s && s.feature) highlight(circleLayers, s.feature.id, true); });
    map.on("popupclose", function (e) { var s = e.popup._source; if (s && s.feature) highlight(circleLayers, s.feature.id, false); });
    control.apply = function () { apply(); };
    return control;
  }

  function hoverCircles(groups, circleLayers) {
    groups.forEach(function (g) {
      g.on("mouseover", function (e) { if (e.layer.feature) highlight(circleLayers, e.layer.feature.id, true); });
      g.on("mouseout", function (e) {
        if (e.layer.feature && !(e.layer.isPopupOpen && e.layer.isPopupOpen())) highlight(circleLayers, e.layer.feature.id, false);
      });
    });
  }

  /* Place labels: towns first, then the 1927 list, then the rest, as the zoom allows; a label that
   * would overlap one already shown is hidden. */
  var LABEL_RANKS = { town: 0, fortification: 1 };
  var LABEL_ZOOM = [0, 6, 8, 10];  // the zoom from which ranks 0, 1, 2, 3 are labelled

  function labelRank(p) {
    if (p.where_prec === "area") return 3;  // a marker inside an area is not where the place is
    if (p.feature_type in LABEL_RANKS) return LABEL_RANKS[p.feature_type];
    return p.in_1927_list ? 1 : 2;
  }

  function overlapsAny(box, boxes) {
    return boxes.some(function (b) { return box.left < b.right && box.right > b.left && box.top < b.bottom && box.bottom > b.top; });
  }

  function placeLabels(map, placesLayer) {
    var zoom = map.getZoom(), shown = [], entries = [];
    placesLayer.eachLayer(function (layer) {
      var tip = layer.getTooltip && layer.getTooltip();
      if (tip && tip.getElement()) entries.push({ rank: labelRank(layer.feature.properties), node: tip.getElement() });
    });
    entries.sort(function (a, b) { return a.rank - b.rank; });
    entries.forEach(function (e) {
      e.node.classList.remove("label-hidden");
      var box = e.node.getBoundingClientRect();
      var hide = zoom < LABEL_ZOOM[e.rank] || overlapsAny(box, shown);
      e.node.classList.toggle("label-hidden", hide);
      if (!hide) shown.push(box);
    });
  }

  /* Layers the time filter adds back come on top: put the markers above every area again, so that
   * an area never takes a click meant for a marker. */
  function markersOnTop(map) {
    map.eachLayer(function (l) { if (l instanceof L.CircleMarker && !(l instanceof L.Circle)) l.bringToFront(); });
  }

  function init(map, opts) {
    var config = opts.config, clusters = opts.clusters || [];
    state.levels = config.levels;
    state.levelLegend = config.levelLegend;
    var filter = new TimeFilter(opts.zones.concat([opts.border], opts.dated));
    var legend = legendControl(opts.zones, opts.dated);
    var control = periodControl(config, overlayOn(map, opts.layerControl), function (from, to) {
      state.from = from; state.to = to; state.year = to;
      filter.apply(from, to);
      markersOnTop(map);
      legend.update(from, to);
      if (opts.heat) opts.heat.setLatLngs(heatPoints(clusters));
      writeHash(map);
      var container = map.getContainer();
      container.setAttribute("data-year", String(from));
      container.setAttribute("data-period", periodText(from, to));
    });
    state.placeUrl = config.placeUrl;
    state.incidentUrl = config.incidentUrl;
    state.refs = opts.refs || {};
    state.regimeUrl = config.regimeUrl;
    state.tariffUrl = config.tariffUrl;
    state.map = map;
    map.on("click", function (e) {
      var target = e.originalEvent && e.originalEvent.target;
      if (!isBackground(target)) return;
      var holder = el("div", null, "atlas-popup");
      L.popup({ minWidth: 320, maxWidth: 460, maxHeight: 420 }).setLatLng(e.latlng).setContent(holder).openOn(map);
      askRegime(e.latlng, holder);
    });
    control.addTo(map);
    addHatch(map);
    map.on("overlayadd", function () { addHatch(map); });
    searchControl(map, opts.places, opts.search).addTo(map);
    languageControl(config, opts.places).addTo(map);
    legend.addTo(map);
    linksControl(config.links).addTo(map);
    citeControl(config).addTo(map);
    figureControl(config, map).addTo(map);
    var period = periodFromHash(config);
    control.set(period.from, period.span);
    var labels = function () { placeLabels(map, opts.places); };
    map.on("zoomend moveend overlayadd", labels);
    labels();
    fitPopups(map);
    var circles = circlesControl(map, opts.circles || []);
    circles.addTo(map);
    circles.apply();
    hoverCircles([opts.places].concat(clusters), opts.circles || []);
    if (hashValue("place")) showPlace(map, opts.places, hashValue("place"));
    restoreView(map, opts.layerControl, clusters);
    trackView(map);
    map.on("overlayadd overlayremove", function () { control.redraw(); });
    view.ready = true;
    writeHash(map);
    window.addEventListener("hashchange", function () {  // a view pasted into the address bar
      var pasted = periodFromHash(config);
      control.stop();
      control.set(pasted.from, pasted.span);
      restoreView(map, opts.layerControl, clusters);
    });
    window.BorderAtlas.map = map;
    window.BorderAtlas.heat = opts.heat;
  }

  window.BorderAtlas = {
    init: init,
    bindZonePopup: bindZonePopup,
    bindBorderPopup: bindBorderPopup,
    bindPlace: bindPlace,
    bindPost: bindPost,
    bindIncident: bindIncident,
    bindFlow: bindFlow,
    bindArea: bindArea,
    askRegime: askRegime,
    inForce: inForce
  };
})();
