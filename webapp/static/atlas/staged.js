/* The "staged" layer: a submission's records before review, drawn over the map from /contribute/<name>/staged.geojson
   when the page was opened with ?staged=<name> (only its contributor or a reviewer gets them). The look comes from
   webapp/vocabulary.py (STAGED) through the page's config; popups are made with textContent by popups.js. The map
   zooms to them once, shows those of the chosen years (the submission's link opens on theirs), and the legend says
   what they are and why there are more of them than the file's rows (new places of the gazetteer that choices make). */
import { bind } from "./popups.js";
import { inForce, periodText, state } from "./util.js";

const NAME = /^[a-z0-9][a-z0-9._-]{0,79}$/;

/* What the legend says of the staged records: how many are drawn in the years, and what they are. */
function stagedWords(data, shown, from, to) {
  const total = data.features.length;
  let text = shown + " of " + total + " drawn in " + periodText(from, to);
  if (data.new_places && data.new_places.length) {
    const n = data.new_places.length;
    text += ". " + data.rows + " are the file's rows; " + n + (n === 1 ? " is a new place" : " are new places") +
      " of the gazetteer made by place choices: " + data.new_places.join(", ");
  }
  return text;
}

export function stagedLayer(map, layerControl, look, legend) {
  const name = new URLSearchParams(window.location.search).get("staged");
  const shown = { filter: function () {} };
  if (!name || !NAME.test(name)) return shown;
  if (!map.getPane("staged")) map.createPane("staged").style.zIndex = 640;  // over every published marker, under popups
  const style = { radius: look.radius, color: look.color, weight: look.weight, fillColor: look.fillColor, fillOpacity: look.fillOpacity, pane: "staged" };
  fetch("/contribute/" + encodeURIComponent(name) + "/staged.geojson", { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
    .then(function (data) {
      const all = [];
      const layer = L.geoJSON(data, {
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, style); },
        onEachFeature: function (f, l) { bind(f.collection, f, l); all.push(l); }
      }).addTo(map);
      if (layerControl) layerControl.addOverlay(layer, look.name);
      if (all.length) map.fitBounds(layer.getBounds(), { maxZoom: 9, padding: [40, 40] });
      shown.filter = function (from, to) {
        let n = 0;
        all.forEach(function (l) {
          const on = inForce(l.feature.properties, from, to);
          n += on ? 1 : 0;
          if (on && !layer.hasLayer(l)) layer.addLayer(l);
          if (!on && layer.hasLayer(l)) layer.removeLayer(l);
        });
        map.getContainer().setAttribute("data-staged-shown", String(n));
        legend.showStaged(look, stagedWords(data, n, from, to));
      };
      shown.filter(state.from, state.to);
      map.getContainer().setAttribute("data-staged", String(data.features.length));
    })
    .catch(function () { map.getContainer().setAttribute("data-staged", "refused"); });
  return shown;
}
