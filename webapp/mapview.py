"""The map page: a Folium map built from the store, as a list of small layer builders.

Popups, the year control and the legend are built in the browser by static/atlas/ with textContent, so no text
from the data is ever parsed as HTML. How everything looks comes from webapp/vocabulary.py.
"""

from __future__ import annotations

import html
import json
import re

import folium
from flask import Blueprint, current_app, jsonify, request, url_for
from folium.plugins import HeatMap, MarkerCluster

from layers import schema
from webapp import params, pinned, security, vocabulary
from webapp.mapcontrols import AtlasControls
from webapp.store import per_build
from webapp.summary import search_index, summary
from webapp.vocabulary import OVERLAYS

bp = Blueprint("mapview", __name__)

MAX_ZOOM = 18
# A click on a group is handled by static/atlas/stack.js (spread, zoom in, or a list with the markers under it).
CLUSTER_OPTIONS = {
    "maxClusterRadius": 40,
    "spiderfyOnMaxZoom": False,
    "zoomToBoundsOnClick": False,
    "showCoverageOnHover": False,
    "animate": False,
}
AREA_NAMES = 30  # names listed in an area's popup; the others are counted
HEAT_OPTIONS = {"radius": 30, "blur": 20, "min_opacity": 0.35, "max_zoom": 9}
BORDER_STYLE = {
    "color": vocabulary.BORDER.colour,
    "weight": vocabulary.BORDER.size,
    "opacity": 0.9,
    "className": "border-path",
}
AREA_STYLE = {
    "color": vocabulary.AREA.colour,
    "weight": vocabulary.AREA.size,
    "dashArray": "4 4",
    "fillColor": vocabulary.AREA.colour,
    "fillOpacity": vocabulary.AREA_FILL_OPACITY,
}

FLOW_AREA_STYLE = {"color": vocabulary.LAYERS["migration"].types["emigration"].colour, "weight": 1.5, "opacity": 0.6}
FLOW_AREA_STYLE |= {"dashArray": "2 5", "fill": False}
FLOW_AREA_TOLERANCE = 0.01  # of an area's size: its outline on the page (a schematic area), 2 km for a district


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)")  # a <script> tag without src: this response's nonce goes in


@bp.get("/map")
def page():
    """The map page (built once per data build, then served from memory); on an older release's pinned URL,
    with a banner naming the latest (webapp/releases.py)."""
    from webapp.releases import with_banner

    tag = f'<script nonce="{security.nonce()}"'
    return with_banner(tag.join(per_build("map_html", _page_parts))), 200, {"Content-Type": "text/html; charset=utf-8"}


PAGE_TITLE = f"Map — {schema.TITLE}"
# What Folium's page lacks or forbids: the page's language, and zooming it with two fingers (user-scalable=no).
HEAD_FIXES = (
    ("<html>", '<html lang="en">'),
    (
        re.compile(r'<meta name="viewport"[^>]*>'),
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ),
)


def _page_parts(store) -> list[str]:
    """The page, made for every client alike (under the configured origin, with nothing of the request that
    asked first), cut at each inline script's tag, where a response puts its CSP nonce."""
    app = current_app._get_current_object()
    with app.test_request_context("/map", **pinned.page_context(app)):
        root = build_map(store).get_root()
        root.title = html.escape(PAGE_TITLE)
        page = root.render()
    for old, new in HEAD_FIXES:
        page = old.sub(new, page, count=1) if isinstance(old, re.Pattern) else page.replace(old, new, 1)
    return INLINE_SCRIPT.split(page)


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
    incident_areas = _add_areas(m, areas, store.frame("incidents"), OVERLAYS["incidentAreas"], show=True)
    place_areas = _add_areas(m, areas, store.frame("places"), OVERLAYS["placeAreas"], show=False)
    flow_areas = _add_flow_areas(m, areas, store.frame("migration"))
    groups = {
        key: _group(m, OVERLAYS[key])
        for key in ("placeCircles", "places", "outposts", "customs", "diplomacy", "incidentCircles")
    }
    groups["incidents"] = _cluster(m, OVERLAYS["incidents"])
    groups["migration"] = _group(m, OVERLAYS["migration"])
    dated = [incident_areas, flow_areas]
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
        area_layers=[place_areas, incident_areas, flow_areas],
        totals={cid: store.query(cid, limit=0)[1] for cid in groups if cid in store.collections()},
    )
    controls.add_to(m)
    return m


def _group(m: folium.Map, name: str) -> folium.FeatureGroup:
    """An empty overlay (named in the layer control) that the browser fills with fetched features."""
    group = folium.FeatureGroup(name=html.escape(name))
    group.add_to(m)
    return group


BASEMAP_PANE = "basemap"


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
    # Its own pane under the overlays, so what lies under the flows (their range bands) shows through the land.
    folium.map.CustomPane(BASEMAP_PANE, z_index=250, pointer_events=False).add_to(m)
    folium.GeoJson(
        outlines,
        name=vocabulary.OUTLINE_MAP,
        pane=BASEMAP_PANE,
        overlay=False,
        style_function=lambda f: {
            "color": vocabulary.BASEMAP_EDGE,
            "weight": 1,
            "fillColor": vocabulary.BASEMAP_FILL.get(f["properties"]["a3"], vocabulary.BASEMAP_OTHER),
            "fillOpacity": 1,
            "interactive": False,
        },
    ).add_to(m)
    for name, (provider, _) in vocabulary.TILES.items():
        folium.TileLayer(provider, name=name, overlay=False, show=False).add_to(m)


def _geojson(frame) -> dict:
    data = json.loads(frame.to_json(na="null"))
    for f in data["features"]:
        f["id"] = f["properties"]["id"]
    return data


def _add_zones(m: folium.Map, zones) -> list[folium.GeoJson]:
    layers = []
    ordered = zones.sort_values("depth_m", ascending=False)  # widest at the bottom
    ranks = vocabulary.zone_ranks(zip(zones["id"], zones["depth_m"], strict=True))
    for _, zone in ordered.iterrows():
        look = vocabulary.zone_look(ranks[zone["id"]])
        style = {
            "color": look.colour,
            "weight": look.size,
            "fillColor": look.colour,
            "fillOpacity": vocabulary.ZONE_FILL_OPACITY,
            "className": f"zone-path {zone['id']}",
        }
        layer = folium.GeoJson(
            _geojson(ordered[ordered["id"] == zone["id"]]),
            name=html.escape(zone["name"]),  # Leaflet's layer control inserts names as HTML
            style_function=lambda f, s=style: s,
            interactive=False,  # the ground: a click there answers with the regime (static/atlas/regime.js)
        )
        layer.add_to(m)
        layers.append(layer)
    return layers


def _add_border(m: folium.Map, border) -> folium.GeoJson:
    layer = folium.GeoJson(
        _geojson(border),
        name=html.escape(OVERLAYS["border"]),
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
    heat = HeatMap([], name=OVERLAYS["heat"], show=False, **HEAT_OPTIONS)
    heat.default_js = _vendor(("leaflet_heat_js", "heat", "leaflet-heat.js"))
    heat.add_to(m)
    return heat


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
        interactive=False,  # listed in the answer of a click on the ground (static/atlas/regime.js)
    )
    layer.add_to(m)
    return layer


def flow_area_features(areas, flows) -> dict:
    """The areas the migration flows go between, each with the periods of its flows (a stock is drawn as its area by
    the migration layer itself)."""
    periods: dict[str, set] = {}
    names: dict[str, set] = {}
    for row in flows[flows["kind"] != "presence"].to_dict("records"):
        for aid in [row["from_area"], *(row["to_areas"] or [])]:
            if row["start"]:
                periods.setdefault(aid, set()).add((row["start"], row["end"]))
                names.setdefault(aid, set()).add(row["name"])
    features = []
    used = areas[areas["id"].isin(set(periods))]
    light = [g.simplify(FLOW_AREA_TOLERANCE * g.area**0.5) for g in used.geometry]  # coarser the larger
    for area in _geojson(used.set_geometry(light))["features"]:
        props = {k: area["properties"][k] for k in ("id", "name", "location_basis", "sources")}
        props |= {"role": "migration", "rule": area["properties"]["rule"]["text"], "more": 0}
        props["features"] = sorted(names[props["id"]])  # the flows from or to it (listed in its popup)
        props["periods"] = [[s, e] for s, e in sorted(periods[props["id"]], key=str)]
        features.append({**area, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _add_flow_areas(m: folium.Map, areas, flows) -> folium.GeoJson:
    """The areas the flows of the chosen years go between: an outline, under the flows."""
    layer = folium.GeoJson(
        flow_area_features(areas, flows),
        name=html.escape(OVERLAYS["migrationAreas"]),
        style_function=lambda f: {**FLOW_AREA_STYLE, "className": f"migration-area {f['properties']['id']}"},
        interactive=False,  # listed in the answer of a click on the ground, like the areas of possibility
    )
    layer.add_to(m)
    return layer


@bp.get("/map/places.json")
def index():
    """Every place under every name (search box, popups' place links), fetched once by the map page."""
    params.check_known(request.args, set())
    return jsonify(per_build("places_index", lambda store: search_index(store.frame("places"))))
