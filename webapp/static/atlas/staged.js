/* The "staged" layer: a submission's records before review, drawn over the map from /contribute/<name>/staged.geojson
   when the page was opened with ?staged=<name> (only its contributor or a reviewer gets them). The look comes from
   webapp/vocabulary.py (STAGED) through the page's config; popups are made with textContent by popups.js. */
import { bind } from "./popups.js";

const NAME = /^[a-z0-9][a-z0-9._-]{0,79}$/;

export function stagedLayer(map, layerControl, look) {
  const name = new URLSearchParams(window.location.search).get("staged");
  if (!name || !NAME.test(name)) return;
  const style = { radius: look.radius, color: look.color, weight: look.weight, fillColor: look.fillColor, fillOpacity: look.fillOpacity };
  fetch("/contribute/" + encodeURIComponent(name) + "/staged.geojson", { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
    .then(function (data) {
      const layer = L.geoJSON(data, {
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, style); },
        onEachFeature: function (f, l) { bind(f.collection, f, l); }
      }).addTo(map);
      if (layerControl) layerControl.addOverlay(layer, look.name);
      if (data.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 9 });
      map.getContainer().setAttribute("data-staged", String(data.features.length));
    })
    .catch(function () { map.getContainer().setAttribute("data-staged", "refused"); });
}
