"""The map page: a Folium map built from the store, as a list of small layer builders.

Popups, the year control and the legend are built in the browser by static/atlas.js with
textContent, so no text from the data is ever parsed as HTML.
"""

from __future__ import annotations

import html
import json

import folium
from flask import Blueprint, current_app, url_for
from folium.elements import JSCSSMixin, MacroElement
from jinja2 import Template

from layers import REGISTRY
from webapp.store import get_store

bp = Blueprint("mapview", __name__)

YEARS = (1918, 1940)
DEFAULT_YEAR = 1930
# Sequential reds for the zones, narrowest (darkest) to widest: a table, not an if-chain.
ZONE_COLOURS = ["#67000d", "#a50f15", "#cb181d", "#ef3b2c", "#fb6a4a", "#fc9272", "#fcae91", "#fcbba1", "#fee0d2"]
BORDER_STYLE = {"color": "#111111", "weight": 3, "opacity": 0.9, "className": "border-path"}
BASEMAP_FILL = {"KAZ": "#f7f4ea", "CHN": "#ece7f2"}
ONLINE_TILES = {"OpenStreetMap (online)": "OpenStreetMap", "OpenTopoMap (online)": "OpenTopoMap"}


@bp.get("/map")
def page():
    """The map page (built once per data build, then served from memory)."""
    store = get_store()
    cache = current_app.extensions
    if "atlas_map_html" not in cache:
        cache["atlas_map_html"] = build_map(store).get_root().render()
    return cache["atlas_map_html"], 200, {"Content-Type": "text/html; charset=utf-8"}


def build_map(store, display: bool = True) -> folium.Map:
    """The whole map: base layers, the border, the zones, the controls (display=False: full precision)."""
    border = store.frame("border", display=display)
    m = _base_map(border.total_bounds)
    _add_basemaps(m, store.basemap())
    zone_layers = _add_zones(m, store.frame("zones", display=display))
    border_layer = _add_border(m, border)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    AtlasControls(border_layer, zone_layers).add_to(m)
    return m


def _base_map(bounds) -> folium.Map:
    minx, miny, maxx, maxy = bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=6, tiles=None, control_scale=True)
    m.default_js = [("leaflet", url_for("assets.vendor", package="leaflet", filename="leaflet.js"))]
    m.default_css = [("leaflet_css", url_for("assets.vendor", package="leaflet", filename="leaflet.css"))]
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def _add_basemaps(m: folium.Map, basemap) -> None:
    outlines = json.loads(basemap.to_json())
    for f in outlines["features"]:
        f["id"] = f["properties"]["a3"]
    folium.GeoJson(
        outlines,
        name="Outline map (offline)",
        overlay=False,
        style_function=lambda f: {
            "color": "#8a8a8a",
            "weight": 1,
            "fillColor": BASEMAP_FILL.get(f["properties"]["a3"], "#f2f2f2"),
            "fillOpacity": 1,
            "interactive": False,
        },
    ).add_to(m)
    for name, provider in ONLINE_TILES.items():
        folium.TileLayer(provider, name=name, overlay=False, show=False).add_to(m)


def _geojson(frame) -> dict:
    data = json.loads(frame.to_json(na="null"))
    for f in data["features"]:
        f["id"] = f["properties"]["id"]
    return data


def _add_zones(m: folium.Map, zones) -> list[folium.GeoJson]:
    layers = []
    ordered = zones.sort_values("depth_m", ascending=False)  # widest at the bottom
    colours = dict(zip(zones.sort_values("depth_m")["id"], ZONE_COLOURS, strict=False))
    for _, zone in ordered.iterrows():
        colour = colours[zone["id"]]
        style = {
            "color": colour,
            "weight": 1.5,
            "fillColor": colour,
            "fillOpacity": 0.18,
            "className": f"zone-path {zone['id']}",
        }
        layer = folium.GeoJson(
            _geojson(ordered[ordered["id"] == zone["id"]]),
            name=html.escape(zone["name"]),  # Leaflet's layer control inserts names as HTML
            style_function=lambda f, s=style: s,
            on_each_feature=folium.JsCode("BorderAtlas.bindZonePopup"),
        )
        layer.add_to(m)
        layers.append(layer)
    return layers


def _add_border(m: folium.Map, border) -> folium.GeoJson:
    layer = folium.GeoJson(
        _geojson(border),
        name=html.escape(REGISTRY["border"].TITLE),
        style_function=lambda f: BORDER_STYLE,
        on_each_feature=folium.JsCode("BorderAtlas.bindBorderPopup"),
    )
    layer.add_to(m)
    return layer


class AtlasControls(JSCSSMixin, MacroElement):
    """The year control, the legend and the popups of static/atlas.js, wired to the layers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        BorderAtlas.init({{ this._parent.get_name() }}, {
            border: {{ this.border.get_name() }},
            zones: [{% for layer in this.zones %}{{ layer.get_name() }},{% endfor %}],
            config: {{ this.config|tojson }}
        });
        {% endmacro %}
        """
    )

    def __init__(self, border: folium.GeoJson, zones: list[folium.GeoJson]):
        super().__init__()
        self._name = "AtlasControls"
        self.border, self.zones = border, zones
        self.config = {"years": YEARS, "year": DEFAULT_YEAR, "colours": ZONE_COLOURS}
        self.default_js = [("atlas_js", url_for("static", filename="atlas.js"))]
        self.default_css = [("atlas_css", url_for("static", filename="atlas.css"))]
