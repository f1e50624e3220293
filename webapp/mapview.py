"""The map page: a Folium map built from the store, as a list of small layer builders.

Popups, the year control and the legend are built in the browser by static/atlas.js with
textContent, so no text from the data is ever parsed as HTML.
"""

from __future__ import annotations

import html
import json
import math
import re

import folium
from flask import Blueprint, current_app, jsonify, request, url_for
from folium.elements import Element, JSCSSMixin, MacroElement
from folium.plugins import HeatMap, MarkerCluster
from jinja2 import Template

from layers import REGISTRY
from layers.dates import year_counts
from layers.schema import LEVELS
from webapp import origin, params, security
from webapp.store import get_store, per_build

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
COARSE = {"color": "#000000", "weight": 2, "dashArray": "1 3"}
# The rings of the fetched markers (static/atlas/layers.js picks one by a table of the same names).
RINGS = {
    "listed": IN_1927_LIST,
    "unlisted": NOT_IN_LIST,
    "dated": DATED,
    "undated": UNDATED,
    "coarse": COARSE,
    "coarseDates": sorted(COARSE_DATES),
}
COUNT_THRESHOLD = 1_000  # more features than this in a layer's view and years: count bubbles, not the features
GRID_CELLS = 8  # the count grid over the view: GRID_CELLS x GRID_CELLS cells
MAX_PAGES = 10  # pages of items the browser follows for one layer and view (at most MAX_PAGES x MAX_LIMIT)
CLUSTER_OPTIONS = {"maxClusterRadius": 40, "spiderfyOnMaxZoom": True, "showCoverageOnHover": False, "animate": False}
AREA_NAMES = 30  # names listed in an area's popup; the others are counted
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


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)")  # a <script> tag without src: this response's nonce goes in


@bp.get("/map")
def page():
    """The map page (built once per data build, then served from memory)."""
    tag = f'<script nonce="{security.nonce()}"'
    return tag.join(per_build("map_html", _page_parts)), 200, {"Content-Type": "text/html; charset=utf-8"}


def _page_parts(store) -> list[str]:
    """The page, made for every client alike (under the configured origin, with nothing of the request that
    asked first), cut at each inline script's tag, where a response puts its CSP nonce."""
    app = current_app._get_current_object()
    with app.test_request_context("/map", base_url=origin.base_url(app)):
        return INLINE_SCRIPT.split(build_map(store).get_root().render())


@bp.get("/favicon.ico")
def favicon():
    """No icon: an empty answer rather than a 404 in every browser console."""
    return "", 204


def build_map(store, display: bool = True) -> folium.Map:
    """The whole map: base layers, the border, the zones, the controls (display=False: full precision).

    The point layers (places, units, customs posts, incidents) and the migration flows are empty groups here:
    the browser fills them from the items API for the years and the view it shows (static/atlas/layers.js).
    """
    border = store.frame("border", display=display)
    m = _base_map(border.total_bounds)
    _add_basemaps(m, store.basemap())
    zone_layers = _add_zones(m, store.frame("zones", display=display))
    border_layer = _add_border(m, border)
    # Areas first: drawn under every marker, so that they never take a click meant for one.
    areas = store.frame("areas", display=display)
    incident_areas = _add_areas(m, areas, store.frame("incidents"), "Incidents: areas of possibility", show=True)
    place_areas = _add_areas(m, areas, store.frame("places"), "Places: areas of possibility", show=False)
    groups = {
        "placeCircles": _group(m, "Places: uncertainty (radius)"),
        "places": _group(m, REGISTRY["places"].TITLE),
        "outposts": _group(m, REGISTRY["outposts"].TITLE),
        "customs": _group(m, REGISTRY["customs"].TITLE),
        "incidentCircles": _group(m, "Incidents: uncertainty (radius)"),
        "incidents": _cluster(m, REGISTRY["incidents"].TITLE),
    }
    groups["migration"] = _group(m, REGISTRY["migration"].TITLE)
    dated = [incident_areas]
    heat = _add_heat(m)
    layer_control = folium.LayerControl(collapsed=False, position="topright")
    layer_control.add_to(m)
    controls = AtlasControls(
        border_layer,
        zone_layers,
        dated,
        groups,
        summary=summary(store, [layer.layer_name for layer in zone_layers]),
        layer_control=layer_control,
        heat=heat,
        area_layers=[place_areas, incident_areas],
        totals={cid: store.query(cid, limit=0)[1] for cid in groups if cid in store.collections()},
    )
    controls.add_to(m)
    return m


def _group(m: folium.Map, name: str) -> folium.FeatureGroup:
    """An empty overlay (named in the layer control) that the browser fills with fetched features."""
    group = folium.FeatureGroup(name=html.escape(name))
    group.add_to(m)
    return group


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
        )
        layer.add_to(m)
        layers.append(layer)
    return layers


def _add_border(m: folium.Map, border) -> folium.GeoJson:
    layer = folium.GeoJson(
        _geojson(border),
        name=html.escape(REGISTRY["border"].TITLE),
        style_function=lambda f: BORDER_STYLE,
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


def _add_heat(m: folium.Map) -> HeatMap:
    """A heat map of the located incidents (Leaflet.heat, served locally), off until switched on.

    It starts empty: the browser gives it the incidents it fetched for the period and the view.
    """
    heat = HeatMap([], name="Incidents: heat map", show=False, **HEAT_OPTIONS)
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


def histogram(store, zone_names: list[str]) -> dict:
    """The histogram of the time control: the series, each with the overlays (by name) it counts."""
    series = histogram_series(store)
    for item in series:
        item["layers"] = zone_names if item["id"] == "zones" else [html.escape(item["title"])]
    return {"years": YEARS, "series": series}


def _area_features(areas, users) -> dict:
    """The areas of possibility that features of `users` are placed in, each with the periods and names of them.

    Bounded whatever the number of features placed in an area: the distinct periods, and the first
    AREA_NAMES names with the number of the others.
    """
    placed = users[users["area_id"].notna()] if "area_id" in users else users.iloc[0:0]
    features = []
    for area in _geojson(areas[areas["id"].isin(set(placed["area_id"]))])["features"]:
        inside = placed[placed["area_id"] == area["id"]]
        props = {k: area["properties"][k] for k in ("id", "name", "location_basis", "sources")}
        props["rule"] = area["properties"]["rule"]["text"]
        names = sorted(inside["name"])
        props["features"], props["more"] = names[:AREA_NAMES], max(0, len(names) - AREA_NAMES)
        periods = {(s, e) for s, e in zip(inside["start"], inside["end"], strict=True) if s}
        props["periods"] = [[s, e] for s, e in sorted(periods, key=str)]
        features.append({**area, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _add_areas(m: folium.Map, areas, users, name: str, show: bool) -> folium.GeoJson:
    """The areas of possibility of a layer's features, hatched; each shown in the years of its features."""
    layer = folium.GeoJson(
        _area_features(areas, users),
        name=html.escape(name),
        show=show,
        style_function=lambda f: {**AREA_STYLE, "className": f"area-path {f['properties']['id']}"},
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


def _unit_refs(store) -> dict:
    """What popups need to name and link the units they refer to, by the name each had in a year."""
    units = {}
    for row in store.frame("outposts").to_dict("records"):
        periods = [{k: n.get(k) for k in ("name", "start", "end")} for n in row["names_by_period"] or []]
        url = url_for("api.items", cid="outposts", unit_id=row["unit_id"], f="html")
        units.setdefault(row["unit_id"], {"name": row["name"], "names_by_period": periods, "url": url})
    return units


@bp.get("/map/places.json")
def index():
    """Every place under every name (search box, popups' place links), fetched once by the map page."""
    params.check_known(request.args, set())
    return jsonify(per_build("places_index", lambda store: _search_index(store.frame("places"))))


def _search_index(places) -> list[list]:
    """Every place (located or not) under every name, for the search box and the popups' place links.

    One compact row per place: [id, located (0/1), name, other names...]; the name comes first.
    """
    index = []
    for row in places.to_dict("records"):
        names = [row[k] for k in ("name", "modern_name", "name_ru", "name_kk", "name_zh") if row.get(k)]
        names += [v for v in row.get("variants") or [] if v not in names]
        index.append([row["id"], int(bool(row["located"])), *names])
    return index


def _undated(store) -> int:
    """Units and posts with a point and no known date (drawn in every year, with a dashed ring)."""
    return sum(int((f["start"].isna() & f.geometry.notna()).sum()) for f in map(store.frame, ("outposts", "customs")))


def summary(store, zone_names: list[str]) -> dict:
    """What the page needs about every feature, small whatever the size of the layers: the histogram's counts,
    the legend's count of undated units, and the units popups name (the places' index is fetched: `index`)."""
    return {
        "histogram": histogram(store, zone_names),
        "undated": _undated(store),
        "units": _unit_refs(store),
    }


class AtlasControls(JSCSSMixin, MacroElement):
    """The year control, the legend, the popups and the fetched layers of static/atlas/, wired to the layers.

    Folium's inline script queues the map and its layers; the ES modules (run once the page is parsed) take
    them from the queue.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (window.BorderAtlasQueue = window.BorderAtlasQueue || []).push([{{ this._parent.get_name() }}, {
            border: {{ this.border.get_name() }},
            zones: [{% for layer in this.zones %}{{ layer.get_name() }},{% endfor %}],
            dated: [{% for layer in this.dated %}{{ layer.get_name() }},{% endfor %}],
            layerControl: {{ this.layer_control.get_name() }},
            heat: {{ this.heat.get_name() }},
            groups: {
                {% for key, layer in this.groups.items() %}{{ key|tojson }}: {{ layer.get_name() }},{% endfor %}
            },
            areas: [{% for layer in this.area_layers %}{{ layer.get_name() }},{% endfor %}],
            config: {{ this.config|tojson }}
        }]);
        {% endmacro %}
        """
    )

    def __init__(self, border, zones: list, dated: list, groups: dict, *, summary: dict, **wiring):
        super().__init__()
        self._name = "AtlasControls"
        self.border, self.zones, self.dated, self.groups = border, zones, dated, groups
        self.layer_control, self.heat = wiring["layer_control"], wiring["heat"]
        self.area_layers = wiring["area_layers"]
        self.config = {
            "years": YEARS,
            "year": DEFAULT_YEAR,
            "languages": LANGUAGES,
            "levels": LEVEL_WORDS,
            "levelLegend": LEVELS,
            "summary": summary,
            "points": _point_layers(),
            "rings": RINGS,
            "itemsUrl": url_for("api.items", cid="CID"),
            "itemUrl": url_for("api.item", cid="CID", fid="FID"),
            "indexUrl": url_for("mapview.index"),
            "migrationColours": MIGRATION_COLOURS,
            "pageSize": params.MAX_LIMIT,
            "maxPages": MAX_PAGES,
            "gridUrl": url_for("api.grid", cid="CID"),
            "countThreshold": COUNT_THRESHOLD,
            "totals": wiring["totals"],  # a layer with no more features than the threshold in all skips its grid
            "gridCells": GRID_CELLS,
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
        self.default_css = [("atlas_css", url_for("static", filename="atlas.css"))]

    def render(self, **kwargs):
        """Also load the modules (type="module": run once the page is parsed, after Folium's scripts)."""
        module = url_for("static", filename="atlas/main.js")
        self.get_root().header.add_child(Element(f'<script type="module" src="{module}"></script>'), name="atlas_js")
        super().render(**kwargs)


def _point_layers() -> dict:
    """The point layers the browser fetches: style table, type property, whether the period filters them."""
    return {
        cid: {"styles": styles, "type": column, "dated": dated, "title": REGISTRY[cid].TITLE}
        for cid, styles, column, dated in (
            ("places", PLACE_STYLES, "feature_type", False),
            ("outposts", UNIT_STYLES, "unit_type", True),
            ("customs", POST_STYLES, "post_type", True),
            ("incidents", INCIDENT_STYLES, "event_type", True),
        )
    }
