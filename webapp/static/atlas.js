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

  function inForce(p, year) {
    var start = yearOf(p.start), end = yearOf(p.end);
    return (start === null || start <= year) && (end === null || end >= year);
  }

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

  function bindZonePopup(feature, layer) {
    layer.bindPopup(function () { return zonePopup(feature.properties); }, { maxWidth: 460, maxHeight: 420 });
  }

  function bindBorderPopup(feature, layer) {
    layer.bindPopup(function () { return borderPopup(feature.properties); }, { maxWidth: 460, maxHeight: 420 });
  }

  /* Time filter: keep each group's sub-layers and show those in force in the year. */
  function TimeFilter(groups) {
    this.entries = [];
    var self = this;
    groups.forEach(function (group) {
      group.getLayers().forEach(function (layer) { self.entries.push({ group: group, layer: layer }); });
    });
  }
  TimeFilter.prototype.apply = function (year) {
    this.entries.forEach(function (e) {
      var show = inForce(e.layer.feature.properties, year);
      if (show && !e.group.hasLayer(e.layer)) e.group.addLayer(e.layer);
      if (!show && e.group.hasLayer(e.layer)) e.group.removeLayer(e.layer);
    });
  };

  function yearControl(config, onChange) {
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var box = el("div", null, "leaflet-bar atlas-year");
      var label = el("label", "Year ");
      var output = el("output", String(config.year), "atlas-year-value");
      var range = el("input");
      range.type = "range"; range.min = config.years[0]; range.max = config.years[1]; range.step = 1;
      range.value = config.year; range.setAttribute("aria-label", "Year");
      var prev = el("button", "◀"), next = el("button", "▶");
      prev.type = next.type = "button";
      prev.title = "Previous year"; next.title = "Next year";
      function set(y) {
        y = Math.max(config.years[0], Math.min(config.years[1], y));
        range.value = y; output.textContent = String(y); onChange(y);
      }
      range.addEventListener("input", function () { set(parseInt(range.value, 10)); });
      prev.addEventListener("click", function () { set(parseInt(range.value, 10) - 1); });
      next.addEventListener("click", function () { set(parseInt(range.value, 10) + 1); });
      append(box, [append(label, [output]), prev, range, next]);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      control.set = set;
      return box;
    };
    return control;
  }

  function legendControl(zoneGroups) {
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
      box.appendChild(el("p", "Greyed: not in force in the chosen year. Click a zone for its acts and sources.", "note"));
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.update = function (year) {
      rows.forEach(function (r) { r.row.classList.toggle("off", !inForce(r.props, year)); });
    };
    return control;
  }

  function yearFromHash(config) {
    var match = /(?:^|[#&])year=(\d{4})/.exec(window.location.hash);
    var year = match ? parseInt(match[1], 10) : config.year;
    return year >= config.years[0] && year <= config.years[1] ? year : config.year;
  }

  function init(map, opts) {
    var config = opts.config;
    var filter = new TimeFilter(opts.zones.concat([opts.border]));
    var legend = legendControl(opts.zones);
    var control = yearControl(config, function (year) {
      filter.apply(year);
      legend.update(year);
      history.replaceState(null, "", "#year=" + year);
      map.getContainer().setAttribute("data-year", String(year));
    });
    control.addTo(map);
    legend.addTo(map);
    control.set(yearFromHash(config));
    window.addEventListener("hashchange", function () { control.set(yearFromHash(config)); });
    window.BorderAtlas.map = map;
  }

  window.BorderAtlas = {
    init: init,
    bindZonePopup: bindZonePopup,
    bindBorderPopup: bindBorderPopup,
    inForce: inForce
  };
})();
