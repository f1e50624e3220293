"""The map page: a Folium map built from the store, as a list of small layer builders.

Popups, the year control and the legend are built in the browser by static/atlas.js with
textContent, so no text from the data is ever parsed as HTML.
"""

from __future__ import annotations

import html
import json
import math

import folium
from flask import Blueprint, current_app, url_for
from folium.elements import JSCSSMixin, MacroElement
from folium.plugins import HeatMap, MarkerCluster
from jinja2 import Template
from shapely.geometry import MultiLineString

from layers import REGISTRY
from layers.dates import year_counts
from layers.schema import LEVELS
from webapp import security
from webapp.store import get_store

bp = Blueprint("mapview", __name__)

YEARS = (1918, 1940)
DEFAULT_YEAR = 1930
MAX_ZOOM = 18
# Sequential reds for the zones, narrowest (darkest) to widest: a table, not an if-chain.
ZONE_COLOURS = ["#67000d", "#a50f15", "#cb181d", "#ef3b2c", "#fb6a4a", "#fc9272", "#fcae91", "#fcbba1", "#fee0d2"]
BORDER_STYLE = {"color": "#111111", "weight": 3, "opacity": 0.9, "className": "border-path"}
BASEMAP_FILL = {"KAZ": "#f7f4ea", "CHN": "#ece7f2"}
ONLINE_TILES = {"OpenStreetMap (online)": "OpenStreetMap", "OpenTopoMap (online)": "OpenTopoMap"}
# Places: marker size and fill by feature type; the 1927 list of border settlements gets a red ring.
PLACE_STYLES = {
    "town": (7, "#08306b"),
    "fortification": (6, "#3f007d"),
    "village": (5, "#2171b5"),
    "settlement": (5, "#2171b5"),
    "aul": (5, "#6baed6"),
    "farmstead": (4, "#6baed6"),
    "tract": (5, "#238b45"),
    "pass": (5, "#8c510a"),
    "valley": (5, "#41ab5d"),
    "mountain": (5, "#8c510a"),
    "volost": (6, "#969696"),
    "district": (7, "#737373"),
    "province": (8, "#525252"),
}
IN_1927_LIST = {"color": "#b2182b", "weight": 3}
NOT_IN_LIST = {"color": "#ffffff", "weight": 1.5}
# Border-guard units and customs posts: marker size and fill by type; undated ones get a dashed ring.
UNIT_STYLES = {
    "district": (9, "#00441b"),
    "directorate": (9, "#00441b"),
    "division": (9, "#00441b"),
    "detachment": (8, "#006d2c"),
    "commandant_office": (7, "#238b45"),
    "section": (6, "#41ab5d"),
    "outpost": (6, "#74c476"),
    "squad": (6, "#74c476"),
    "squadron": (6, "#74c476"),
    "mobile_group": (6, "#a1d99b"),
    "air_detachment": (6, "#a1d99b"),
    "tribunal": (5, "#bdbdbd"),
}
POST_STYLES = {"customs_office": (8, "#d94801"), "customs_post": (6, "#fd8d3c"), "crossing_point": (6, "#fdae6b")}
INCIDENT_STYLES = {
    "crossing": (7, "#6a3d9a"),
    "attempted_crossing": (7, "#cab2d6"),
    "armed_clash": (8, "#e31a1c"),
    "detention": (7, "#1f78b4"),
    "smuggling": (7, "#ff7f00"),
    "opium_cultivation": (7, "#b15928"),
    "raid_on_post": (8, "#67001f"),
    "arrest": (6, "#a6cee3"),
    "deportation": (6, "#fb9a99"),
}
MIGRATION_COLOURS = {"emigration": "#54278f", "repatriation": "#1b7837", "return": "#1b7837", "presence": "#777777"}
# An area of possibility: a hatched fill (pattern defined by atlas.js) behind a thin dashed outline.
AREA_STYLE = {"color": "#6a3d9a", "weight": 1, "dashArray": "4 4", "fillColor": "#6a3d9a", "fillOpacity": 0.35}
COARSE_DATES = {"year", "season", "decade"}  # incidents known only to the year or season get a dotted ring
DATED = {"color": "#ffffff", "weight": 1.5}
UNDATED = {"color": "#000000", "weight": 2, "dashArray": "2 2"}
CLUSTER_OPTIONS = {"maxClusterRadius": 40, "spiderfyOnMaxZoom": True, "showCoverageOnHover": False, "animate": False}
HEAT_OPTIONS = {"radius": 30, "blur": 20, "min_opacity": 0.35, "max_zoom": 9}
# The layers counted in the time control's histogram, bottom to top, and their colours.
HISTOGRAM_SERIES = {
    "incidents": "#1f78b4",
    "migration": "#54278f",
    "customs": "#fd8d3c",
    "outposts": "#238b45",
    "zones": "#fcbba1",
}
# The level of a location, as the popups name it before the basis sentence.
LEVEL_WORDS = {
    "exact": "Exact",
    "near": "Near",
    "feature": "Feature",
    "area": "Area of possibility",
    "district": "District or region",
    "unlocated": "Unlocated",
}
LANGUAGES = {"name": "Source spelling", "name_ru": "Русский", "name_kk": "Қазақша", "name_zh": "中文"}


@bp.get("/map")
def page():
    """The map page (built once per data build, then served from memory)."""
    store = get_store()
    cache = current_app.extensions
    if "atlas_map_html" not in cache:  # kept cut at each <script, to put in this response's CSP nonce
        cache["atlas_map_html"] = build_map(store).get_root().render().split("<script")
    tag = f'<script nonce="{security.nonce()}"'
    return tag.join(cache["atlas_map_html"]), 200, {"Content-Type": "text/html; charset=utf-8"}


@bp.get("/favicon.ico")
def favicon():
    """No icon: an empty answer rather than a 404 in every browser console."""
    return "", 204


def build_map(store, display: bool = True) -> folium.Map:
    """The whole map: base layers, the border, the zones, the controls (display=False: full precision)."""
    border = store.frame("border", display=display)
    m = _base_map(border.total_bounds)
    _add_basemaps(m, store.basemap())
    zone_layers = _add_zones(m, store.frame("zones", display=display))
    border_layer = _add_border(m, border)
    places = store.frame("places", display=display)
    incident_frame = store.frame("incidents", display=display)
    # Areas first: drawn under every marker, so that they never take a click meant for one.
    areas = store.frame("areas", display=display)
    incident_areas = _add_areas(m, areas, incident_frame, "Incidents: areas of possibility", show=True)
    place_areas = _add_areas(m, areas, places, "Places: areas of possibility", show=False)
    place_layers = _add_places(m, places)
    dated = [
        _add_points(m, store.frame(cid, display=display), cid, styles, "BorderAtlas.bindPost")
        for cid, styles in (("outposts", UNIT_STYLES), ("customs", POST_STYLES))
    ]
    incident_circles = _add_uncertainty(m, incident_frame, "Incidents: uncertainty (radius)")
    dated += [incident_areas, incident_circles]
    clusters = _cluster(m, REGISTRY["incidents"].TITLE)
    _add_points(clusters, incident_frame, "incidents", INCIDENT_STYLES, "BorderAtlas.bindIncident")
    dated += [clusters, _add_migration(m, store.frame("migration", display=display))]
    heat = _add_heat(m, incident_frame)
    layer_control = folium.LayerControl(collapsed=False, position="topright")
    layer_control.add_to(m)
    controls = AtlasControls(
        border_layer,
        zone_layers,
        dated,
        place_layers,
        search=_search_index(places),
        refs=_refs(store),
        layer_control=layer_control,
        clusters=[clusters],
        heat=heat,
        histogram=histogram(store, zone_layers),
        area_layers=[place_areas, incident_areas],
        circle_layers=[place_layers["circles"], incident_circles],
    )
    controls.add_to(m)
    return m


def _base_map(bounds) -> folium.Map:
    minx, miny, maxx, maxy = bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=6, tiles=None, control_scale=True)
    m.options["maxZoom"] = MAX_ZOOM  # Leaflet.markercluster needs the map's maximum zoom
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


def _with_point(frame):
    """The rows that have a geometry (unlocated features are kept in the data but not drawn)."""
    return frame[frame.geometry.notna() & ~frame.geometry.is_empty]


def _with_radius(frame):
    """The rows whose uncertainty is a radius around their point (an area of possibility is drawn itself)."""
    located = _with_point(frame)
    return located[located["where_prec"] != "area"] if "where_prec" in located else located


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


def _place_style(feature: dict) -> dict:
    props = feature["properties"]
    radius, fill = PLACE_STYLES[props["feature_type"]]
    ring = IN_1927_LIST if props["in_1927_list"] else NOT_IN_LIST
    return {
        "radius": radius,
        "fill": True,
        "fillColor": fill,
        "fillOpacity": 0.9,
        **ring,
        "className": f"place-marker {props['id']}",
    }


def _uncertainty_style(feature: dict) -> dict:
    """A faint outline: the browser hides it at regional zooms and draws the selected one strongly."""
    props = feature["properties"]
    return {
        "radius": props["precision_m"] or 0,
        "color": "#2171b5",
        "weight": 1,
        "opacity": 0.35,
        "dashArray": "3 4",
        "fill": False,
        "interactive": False,
        "className": f"uncertainty-path {props['id']}",
    }


def _add_places(m: folium.Map, places) -> dict[str, folium.GeoJson]:
    """The located places as points, and their uncertainty radii as faint circles."""
    located = _with_point(places)
    data = _geojson(located)
    circles = folium.GeoJson(
        _geojson(_with_radius(places)),
        name="Places: uncertainty (radius)",
        marker=folium.Circle(),
        style_function=_uncertainty_style,
    )
    points = folium.GeoJson(
        data,
        name=html.escape(REGISTRY["places"].TITLE),
        marker=folium.CircleMarker(),
        style_function=_place_style,
        on_each_feature=folium.JsCode("BorderAtlas.bindPlace"),
    )
    circles.add_to(m)
    points.add_to(m)
    return {"points": points, "circles": circles}


def _add_points(m, frame, cid: str, styles: dict, binder: str) -> folium.GeoJson:
    """A layer of dated points (units, posts), styled by type; undated ones with a dashed ring."""
    type_column = {"outposts": "unit_type", "customs": "post_type", "incidents": "event_type"}[cid]

    def style(feature: dict) -> dict:
        props = feature["properties"]
        radius, fill = styles[props[type_column]]
        ring = DATED if props["start"] else UNDATED
        if props.get("date_precision") in COARSE_DATES:
            ring = {"color": "#000000", "weight": 2, "dashArray": "1 3"}
        return {
            "radius": radius,
            "fillColor": fill,
            "fill": True,
            "fillOpacity": 0.9,
            **ring,
            "className": f"{cid}-marker {props['id']}",
        }

    located = _with_point(frame)
    layer = folium.GeoJson(
        _geojson(located),
        name=html.escape(REGISTRY[cid].TITLE),
        marker=folium.CircleMarker(),
        style_function=style,
        on_each_feature=folium.JsCode(binder),
        control=not isinstance(m, MarkerCluster),  # inside a cluster group, the group is the layer to switch
    )
    layer.add_to(m)
    return layer


def _vendor(*files: tuple[str, str, str]) -> list[tuple[str, str]]:
    """(name, URL) pairs of front-end files served by the app from node_modules (never a CDN)."""
    return [(name, url_for("assets.vendor", package=package, filename=path)) for name, package, path in files]


def _cluster(m: folium.Map, title: str) -> MarkerCluster:
    """A marker-cluster group (Leaflet.markercluster, served locally) that stands for a layer in the control."""
    cluster = MarkerCluster(name=html.escape(title), options=CLUSTER_OPTIONS)
    cluster.default_js = _vendor(("markercluster_js", "markercluster", "leaflet.markercluster.js"))
    cluster.default_css = _vendor(
        ("markercluster_css", "markercluster", "MarkerCluster.css"),
        ("markercluster_default_css", "markercluster", "MarkerCluster.Default.css"),
    )
    cluster.add_to(m)
    return cluster


def _add_heat(m: folium.Map, frame) -> HeatMap:
    """A heat map of the located incidents (Leaflet.heat, served locally), off until switched on.

    The browser replaces its points with those of the chosen period.
    """
    located = _with_point(frame)
    points = [[g.y, g.x] for g in located.geometry]
    heat = HeatMap(points, name="Incidents: heat map", show=False, **HEAT_OPTIONS)
    heat.default_js = _vendor(("leaflet_heat_js", "heat", "leaflet-heat.js"))
    heat.add_to(m)
    return heat


def histogram_series(store) -> list[dict]:
    """Features per year of each dated layer in HISTOGRAM_SERIES, located or not (undated ones are not counted)."""
    series = []
    for cid, colour in HISTOGRAM_SERIES.items():
        frame = store.frame(cid)
        counts, _ = year_counts(zip(frame["start"], frame["end"], strict=True), YEARS)
        series.append({"id": cid, "title": REGISTRY[cid].TITLE, "colour": colour, "counts": counts})
    return series


def histogram(store, zone_layers: list) -> dict:
    """The histogram of the time control: the series, each with the overlays (by name) it counts."""
    series = histogram_series(store)
    for item in series:
        zones = item["id"] == "zones"
        item["layers"] = [layer.layer_name for layer in zone_layers] if zones else [html.escape(item["title"])]
    return {"years": YEARS, "series": series}


def _add_uncertainty(m: folium.Map, frame, name: str) -> folium.GeoJson:
    """Faint circles of each located feature's uncertainty radius."""
    located = _with_radius(frame)
    layer = folium.GeoJson(_geojson(located), name=name, marker=folium.Circle(), style_function=_uncertainty_style)
    layer.add_to(m)
    return layer


def _area_features(areas, users) -> dict:
    """The areas of possibility that features of `users` are placed in, each with the periods and names of them."""
    placed = users[users["area_id"].notna()] if "area_id" in users else users.iloc[0:0]
    features = []
    for area in _geojson(areas[areas["id"].isin(set(placed["area_id"]))])["features"]:
        inside = placed[placed["area_id"] == area["id"]]
        props = {k: area["properties"][k] for k in ("id", "name", "location_basis", "sources")}
        props["rule"] = area["properties"]["rule"]["text"]
        props["features"] = sorted(inside["name"])
        props["periods"] = [[s, e] for s, e in zip(inside["start"], inside["end"], strict=True) if s]
        features.append({**area, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _add_areas(m: folium.Map, areas, users, name: str, show: bool) -> folium.GeoJson:
    """The areas of possibility of a layer's features, hatched; each shown in the years of its features."""
    layer = folium.GeoJson(
        _area_features(areas, users),
        name=html.escape(name),
        show=show,
        style_function=lambda f: {**AREA_STYLE, "className": f"area-path {f['properties']['id']}"},
        on_each_feature=folium.JsCode("BorderAtlas.bindArea"),
    )
    layer.add_to(m)
    return layer


def _figure(props: dict) -> tuple[float | None, float | None]:
    """(lowest, highest) count of a flow: households if given, else people."""
    for key in ("households", "people"):
        value = props.get(key) or {}
        numbers = [value.get(k) for k in ("low", "best", "high") if value.get(k) is not None]
        if numbers:
            return min(numbers), max(numbers)
    return None, None


def _width(count: float | None) -> float:
    """Line width by count: 2 px, plus 2 px for each factor of ten above 100."""
    return 2.0 if not count else max(2.0, 2.0 + 2.0 * math.log10(max(count, 100) / 100))


def _arc(a, b, bend: float = 0.18, steps: int = 24) -> list[tuple[float, float]]:
    """A curved path from a to b (a quadratic Bézier bent to the left), plus an arrowhead at b."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2 - dy * bend, (y0 + y1) / 2 + dx * bend
    return [
        ((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t**2 * x1, (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t**2 * y1)
        for t in (i / steps for i in range(steps + 1))
    ]


def _arrow(path: list, size: float = 0.12) -> list[list[tuple[float, float]]]:
    (xa, ya), (xb, yb) = path[-2], path[-1]
    angle = math.atan2(yb - ya, xb - xa)
    length = size * math.dist(path[0], path[-1]) ** 0.5
    return [
        [(xb - length * math.cos(angle + turn), yb - length * math.sin(angle + turn)), (xb, yb)]
        for turn in (0.45, -0.45)
    ]


def _curved(geom):
    """Each straight part of a flow line as a curved arrow (display only; the API keeps the straight line)."""
    parts = []
    for part in getattr(geom, "geoms", [geom]):
        path = _arc(part.coords[0], part.coords[-1])
        parts += [path, *_arrow(path)]
    return MultiLineString(parts)


def _add_migration(m: folium.Map, frame) -> folium.GeoJson:
    """Flows as curved arrows whose width follows the count; a range gets a dashed outer line."""
    drawn = _with_point(frame).copy()
    drawn = drawn.set_geometry([_curved(g) for g in drawn.geometry])

    def style(feature: dict) -> dict:
        props = feature["properties"]
        low, high = _figure(props)
        dash = "8 6" if low is not None and high is not None and high > low else None
        return {
            "color": MIGRATION_COLOURS.get(props["kind"], "#54278f"),
            "weight": _width(high),
            "opacity": 0.75,
            "dashArray": dash,
            "className": f"migration-path {props['id']}",
        }

    layer = folium.GeoJson(
        _geojson(drawn),
        name=html.escape(REGISTRY["migration"].TITLE),
        style_function=style,
        on_each_feature=folium.JsCode("BorderAtlas.bindFlow"),
    )
    layer.add_to(m)
    return layer


def _refs(store) -> dict:
    """What popups need to name and link the features they refer to (units, places) instead of their ids."""
    units = {}
    for row in store.frame("outposts").to_dict("records"):
        periods = [{k: n.get(k) for k in ("name", "start", "end")} for n in row["names_by_period"] or []]
        url = url_for("api.items", cid="outposts", unit_id=row["unit_id"], f="html")
        units.setdefault(row["unit_id"], {"name": row["name"], "names_by_period": periods, "url": url})
    places = {
        pid: {"name": name, "url": url_for("places.place_page", pid=pid)}
        for pid, name in zip(store.frame("places")["id"], store.frame("places")["name"], strict=True)
    }
    return {"units": units, "places": places}


def _search_index(places) -> list[dict]:
    """Every place (located or not) under every name, for the search box."""
    index = []
    for row in places.to_dict("records"):
        names = [row[k] for k in ("name", "modern_name", "name_ru", "name_kk", "name_zh") if row.get(k)]
        names += [v for v in row.get("variants") or [] if v not in names]
        index.append({"id": row["id"], "name": row["name"], "names": names, "located": bool(row["located"])})
    return index


class AtlasControls(JSCSSMixin, MacroElement):
    """The year control, the legend and the popups of static/atlas.js, wired to the layers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        BorderAtlas.init({{ this._parent.get_name() }}, {
            border: {{ this.border.get_name() }},
            zones: [{% for layer in this.zones %}{{ layer.get_name() }},{% endfor %}],
            dated: [{% for layer in this.dated %}{{ layer.get_name() }},{% endfor %}],
            layerControl: {{ this.layer_control.get_name() }},
            clusters: [{% for layer in this.clusters %}{{ layer.get_name() }},{% endfor %}],
            heat: {{ this.heat.get_name() }},
            places: {{ this.places["points"].get_name() }},
            placeCircles: {{ this.places["circles"].get_name() }},
            areas: [{% for layer in this.area_layers %}{{ layer.get_name() }},{% endfor %}],
            circles: [{% for layer in this.circle_layers %}{{ layer.get_name() }},{% endfor %}],
            search: {{ this.search|tojson }},
            refs: {{ this.refs|tojson }},
            config: {{ this.config|tojson }}
        });
        {% endmacro %}
        """
    )

    def __init__(self, border, zones: list, dated: list, places: dict, *, search: list[dict], **wiring):
        super().__init__()
        self._name = "AtlasControls"
        self.border, self.zones, self.dated, self.places, self.search = border, zones, dated, places, search
        self.refs = wiring["refs"]
        self.layer_control, self.clusters, self.heat = wiring["layer_control"], wiring["clusters"], wiring["heat"]
        self.area_layers, self.circle_layers = wiring["area_layers"], wiring["circle_layers"]
        self.config = {
            "years": YEARS,
            "year": DEFAULT_YEAR,
            "languages": LANGUAGES,
            "levels": LEVEL_WORDS,
            "levelLegend": LEVELS,
            "histogram": wiring["histogram"],
            "placeUrl": url_for("places.place_page", pid="PLACE_ID"),
            "incidentUrl": url_for("incidents.incident_page", iid="INCIDENT_ID"),
            "regimeUrl": url_for("regime.regime"),
            "tariffUrl": url_for("customs.tariff_1923"),
            "statisticsUrl": url_for("statistics.statistics_page"),
            "figureUrl": url_for("figure.figure"),
            "dataVersion": get_store().version,
            "citeTitle": "Border Atlas: the Kazakh–Xinjiang section of the Soviet–Chinese border, 1918–1940",
            "links": {
                "Collections (HTML)": url_for("api.collections", f="html"),
                "API (OpenAPI)": url_for("ogc.api_document"),
                "Data quality": url_for("places.quality_page"),
                "Yearly figures": url_for("statistics.statistics_page"),
                "Charts": url_for("charts.charts_page"),
                "Download everything (GeoPackage)": url_for("downloads.dataset_download", format="gpkg"),
            },
        }
        self.default_js = [("atlas_js", url_for("static", filename="atlas.js"))]
        self.default_css = [("atlas_css", url_for("static", filename="atlas.css"))]
