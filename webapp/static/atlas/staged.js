/* The "staged" layer: a submission's records before review, drawn over the map from /contribute/<name>/staged.geojson
   when the page was opened with ?staged=<name> (only a signed-in contributor or reviewer gets them). */
import { bind } from "./popups.js";

const NAME = /^[a-z0-9][a-z0-9._-]{0,79}$/;

export function stagedLayer(map, layerControl) {
  const name = new URLSearchParams(window.location.search).get("staged");
  if (!name || !NAME.test(name)) return;
  fetch("/contribute/" + name + "/staged.geojson", { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (data) {
      const layer = L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 8, color: "#c0392b", weight: 3, fillColor: "#f39c12", fillOpacity: 0.8 });
        },
        onEachFeature: function (f, l) { bind(f.collection, f, l); }
      }).addTo(map);
      if (layerControl) layerControl.addOverlay(layer, "staged");
      if (data.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 9 });
      map.getContainer().setAttribute("data-staged", String(data.features.length));
    })
    .catch(function () { map.getContainer().setAttribute("data-staged", "refused"); });
}
