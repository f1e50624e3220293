"""The atlas's presentation as data: how each layer and each type of feature looks, and what the map's parts are called.

One table for every renderer: the map page (webapp/mapview.py, and static/atlas/ through the page's config), the
figure (webapp/figure/), the charts, the Content-Security-Policy (webapp/security.py) and the QGIS styles of the
downloads (webapp/qgis.py). Nothing here imports Flask, Folium or Matplotlib. A new type in a layer is one entry in
that layer's `types` below (tests/web/test_vocabulary.py checks that every type of every layer has one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from layers.registry import REGISTRY

LABEL_LAST = 3  # the label priority of a place type that has none of its own


@dataclass(frozen=True)
class Look:
    """One type of feature: colour, size (a marker's radius or a line's width, in screen pixels), shape (a marker
    of SHAPES or a line of LINES) and, for places, label priority (0 first)."""

    colour: str
    size: float
    shape: str
    label: int = LABEL_LAST


@dataclass(frozen=True)
class Layer:
    """A layer styled by type: the property that holds the type, each type's look, and the look of any other."""

    column: str
    types: dict[str, Look]
    other: Look
    words: str | None = None  # the property naming the type in words (None: the type itself, as words)

    def look(self, value) -> Look:
        """The look of a feature whose type is `value`."""
        return self.types.get(value, self.other)


class Shape(NamedTuple):
    """A marker shape as each renderer names it: Matplotlib's marker; QGIS's simple marker and its rotation; SLD's
    WellKnownName and its rotation (the six every SLD client knows, turned where needed)."""

    figure: str
    qgis: str
    qgis_angle: float
    sld: str
    sld_angle: float


SHAPES = {
    "circle": Shape("o", "circle", 0, "circle", 0),
    "triangle": Shape("^", "triangle", 0, "triangle", 0),
    "triangle_down": Shape("v", "triangle", 180, "triangle", 180),
    "triangle_left": Shape("<", "triangle", 270, "triangle", 270),
    "triangle_right": Shape(">", "triangle", 90, "triangle", 90),
    "square": Shape("s", "square", 0, "square", 0),
    "diamond": Shape("D", "diamond", 0, "square", 45),
    "pentagon": Shape("p", "pentagon", 0, "circle", 0),
    "hexagon": Shape("h", "hexagon", 0, "circle", 0),
    "star": Shape("*", "star", 0, "star", 0),
    "plus": Shape("P", "cross_fill", 0, "cross", 0),
    "x": Shape("X", "cross_fill", 45, "x", 0),
}


class Line(NamedTuple):
    """A line style as each renderer names it: Matplotlib's, QGIS's pen style, and a dash array (SLD, SVG)."""

    figure: str
    qgis: str
    dashes: str | None


LINES = {
    "solid": Line("-", "solid", None),
    "dash": Line("--", "dash", "6 3"),
    "dash_dot": Line("-.", "dash dot", "6 3 1 3"),
    "dot": Line(":", "dot", "1 3"),
}

# ---------------------------------------------------------------- the layers styled by type

LAYERS = {
    # Places: marker size and fill by feature type; towns are labelled first, then fortifications, then districts.
    "places": Layer(
        "feature_type",
        {
            "town": Look("#08306b", 7, "circle", label=0),
            "fortification": Look("#3f007d", 6, "circle", label=1),
            "village": Look("#2171b5", 5, "circle"),
            "settlement": Look("#2171b5", 5, "circle"),
            "aul": Look("#6baed6", 5, "circle"),
            "farmstead": Look("#6baed6", 4, "circle"),
            "tract": Look("#238b45", 5, "circle"),
            "pass": Look("#8c510a", 5, "circle"),
            "valley": Look("#41ab5d", 5, "circle"),
            "mountain": Look("#8c510a", 5, "circle"),
            "volost": Look("#969696", 6, "circle"),
            "district": Look("#737373", 7, "circle", label=2),
            "province": Look("#525252", 8, "circle"),
        },
        Look("#969696", 6, "circle"),
    ),
    # Border-guard units: triangles, darker and larger the higher the unit.
    "outposts": Layer(
        "unit_type",
        {
            "district": Look("#00441b", 9, "triangle"),
            "directorate": Look("#00441b", 9, "triangle"),
            "division": Look("#00441b", 9, "triangle"),
            "detachment": Look("#006d2c", 8, "triangle"),
            "commandant_office": Look("#238b45", 7, "triangle"),
            "section": Look("#41ab5d", 6, "triangle"),
            "outpost": Look("#74c476", 6, "triangle"),
            "squad": Look("#74c476", 6, "triangle"),
            "squadron": Look("#74c476", 6, "triangle"),
            "mobile_group": Look("#a1d99b", 6, "triangle"),
            "air_detachment": Look("#a1d99b", 6, "triangle"),
            "tribunal": Look("#bdbdbd", 5, "triangle"),
        },
        Look("#969696", 6, "triangle"),
        words="unit_type_label",
    ),
    # Customs offices and posts: squares.
    "customs": Layer(
        "post_type",
        {
            "customs_office": Look("#d94801", 8, "square"),
            "customs_post": Look("#fd8d3c", 6, "square"),
            "crossing_point": Look("#fdae6b", 6, "square"),
        },
        Look("#969696", 6, "square"),
        words="post_type_label",
    ),
    # Incidents: a colour and a shape per type, so that a greyscale print tells them apart.
    "incidents": Layer(
        "event_type",
        {
            "crossing": Look("#6a3d9a", 7, "triangle_right"),
            "attempted_crossing": Look("#cab2d6", 7, "triangle_left"),
            "armed_clash": Look("#e31a1c", 8, "x"),
            "detention": Look("#1f78b4", 7, "diamond"),
            "smuggling": Look("#ff7f00", 7, "plus"),
            "opium_cultivation": Look("#b15928", 7, "star"),
            "raid_on_post": Look("#67001f", 8, "triangle_down"),
            "arrest": Look("#a6cee3", 6, "pentagon"),
            "deportation": Look("#fb9a99", 6, "hexagon"),
        },
        Look("#969696", 6, "circle"),
        words="event_type_label",
    ),
    # Diplomacy and trade policy, 1920–1923: browns, a shape per kind (points at the towns the text names).
    "diplomacy": Layer(
        "kind",
        {
            "talks": Look("#8c2d04", 8, "hexagon"),
            "agreement": Look("#662506", 8, "pentagon"),
            "protocol": Look("#662506", 7, "pentagon"),
            "representation": Look("#cc4c02", 7, "diamond"),
            "trade_measure": Look("#ec7014", 7, "square"),
            "note_of_protest": Look("#fe9929", 7, "triangle_down"),
            "concession_project": Look("#993404", 7, "star"),
            "correspondence": Look("#fec44f", 6, "circle"),
            "expedition": Look("#d95f0e", 6, "triangle"),
        },
        Look("#969696", 6, "circle"),
        words="kind_label",
    ),
    # Migration: a colour per kind; the width follows the count (flow_width), the line style whom it counts
    # (FLOW_UNIT_LINES); a stock is its area's outline, dotted, hatched on the map.
    "migration": Layer(
        "kind",
        {
            "emigration": Look("#54278f", 2, "solid"),
            "repatriation": Look("#1b7837", 2, "solid"),
            "return": Look("#01665e", 2, "solid"),
            "presence": Look("#777777", 1, "dot"),
        },
        Look("#54278f", 2, "solid"),
        words="kind_label",
    ),
}

# ---------------------------------------------------------------- the layers styled as a whole

BORDER = Look("#111111", 3, "solid")
# Zones: sequential reds by depth, narrowest (darkest) first; in a figure also a hatch (densest first) and an edge.
ZONE_COLOURS = ["#67000d", "#a50f15", "#cb181d", "#ef3b2c", "#fb6a4a", "#fc9272", "#fcae91", "#fcbba1", "#fee0d2"]
ZONE_HATCHES = ["xxxx", "xxx", "////", "///", "//", "/", "\\\\", "\\", ".."]
ZONE_EDGES = ["solid", "dash", "dash_dot", "dot"]
ZONE_FILL_OPACITY = 0.18
ZONE_EDGE_WIDTH = 1.5
# An area of possibility: a hatched fill behind a thin dashed outline.
AREA = Look("#6a3d9a", 1, "dash")
AREA_FILL_OPACITY = 0.35
AREA_HATCH_OPACITY = 0.55  # the map's diagonal hatch lines (static/atlas/controls.js)
AREA_HATCH = "...."  # a figure's hatch (the map's is a diagonal pattern)
# A submission's records before review, drawn over the map from ?staged=<name> (static/atlas/staged.js): one look
# for every layer, unlike any published type: its colour fills the marker, a red ring outlines it (Leaflet style).
STAGED = Look("#f39c12", 8, "circle")
STAGED_OVERLAY = "Staged (not yet published)"
STAGED_STYLE = {"name": STAGED_OVERLAY, "radius": STAGED.size, "fillColor": STAGED.colour, "fillOpacity": 0.8}
STAGED_STYLE |= {"color": "#c0392b", "weight": 3}
# The rings around markers: a place of the 1927 list, and a feature by how well its date is known (Leaflet styles).
RINGS = {
    "listed": {"color": "#b2182b", "weight": 3},
    "unlisted": {"color": "#ffffff", "weight": 1.5},
    "dated": {"color": "#ffffff", "weight": 1.5},
    "undated": {"color": "#000000", "weight": 2, "dashArray": "2 2"},
    "coarse": {"color": "#000000", "weight": 2, "dashArray": "1 3"},
    "coarseDates": ["decade", "season", "year"],  # date precisions drawn with the `coarse` ring
}


def zone_ranks(zones) -> dict[str, int]:
    """{zone id: rank by depth, narrowest 0} of (id, depth_m) pairs: the zones' colour, hatch and edge go by rank."""
    return {zid: rank for rank, (zid, _) in enumerate(sorted(zones, key=lambda z: z[1]))}


def zone_look(rank: int) -> Look:
    """A zone's colour and (in a figure) edge by its depth rank."""
    return Look(ZONE_COLOURS[rank % len(ZONE_COLOURS)], ZONE_EDGE_WIDTH, ZONE_EDGES[rank % len(ZONE_EDGES)])


# ---------------------------------------------------------------- flows

# A flow's width in pixels by its figure (flow_width): `min`, plus `per_tenfold` for each factor of ten above `from`;
# its range a band behind it, as wide as the highest figure, or `open` pixels wider than the line for a lower bound
# ("at least"); `band` the band's opacity. The page's JS, the figure and the QGIS style read the same parameters.
FLOW_WIDTH = {"min": 2.0, "per_tenfold": 2.0, "from": 100, "open": 10.0, "band": 0.4}
# A flow's line by whom its figure counts: people solid, households dashed (a flow with no figure: solid, thin).
FLOW_UNIT_LINES = {"people": "solid", "households": "dash"}
# The colours of the directions a flow crosses in (layers/migration.py DIRECTIONS, in its order): the migration chart.
DIRECTION_COLOURS = dict(
    zip(
        REGISTRY["migration"].DIRECTIONS.values(),
        ["#54278f", "#9e9ac8", "#bcbddc", "#1b7837", "#969696", "#bdbdbd", "#636363"],
        strict=True,
    )
)


def flow_width(count: float | None) -> float:
    """A flow's line width in pixels by its figure: 2, plus 2 for each factor of ten above 100."""
    low, per_tenfold, start = FLOW_WIDTH["min"], FLOW_WIDTH["per_tenfold"], FLOW_WIDTH["from"]
    return low if not count else max(low, low + per_tenfold * math.log10(max(count, start) / start))


def flow_widths(props: dict) -> tuple[float, float | None, bool]:
    """(the line's width, the band's width or None, whether the band is open: a lower bound) of a flow's
    properties (layers/migration.py: `count`, `count_high`, `count_open`, `split`). A total whose split by
    destination is not given is drawn thin to each destination, its figure written at its origin."""
    if props.get("split") or props.get("kind") == "presence":
        return FLOW_WIDTH["min"], None, False
    line = flow_width(props.get("count"))
    if props.get("count_open"):
        return line, line + FLOW_WIDTH["open"], True
    high = props.get("count_high")
    return line, (flow_width(high) if high and high > (props.get("count") or 0) else None), False


# ---------------------------------------------------------------- the map's parts and their names

# The overlays of the map's layer control by key, named as the control names them: the public vocabulary of
# `off=` in map URLs and figure requests (each zone is an overlay too, under its own name).
OVERLAYS = {
    cid: REGISTRY[cid].TITLE
    for cid in ("border", "places", "outposts", "customs", "diplomacy", "incidents", "migration")
}
OVERLAYS |= {
    "placeCircles": "Places: uncertainty (radius)",
    "placeAreas": "Places: areas of possibility",
    "incidentCircles": "Incidents: uncertainty (radius)",
    "incidentAreas": "Incidents: areas of possibility",
    "migrationAreas": "Migration: the areas flows go between",
    "heat": "Incidents: heat map",
}
# Base maps: the offline outline map (country fills), and the online tiles with the host the CSP lets images from.
OUTLINE_MAP = "Outline map (offline)"
BASEMAP_FILL = {"KAZ": "#f7f4ea", "CHN": "#ece7f2"}
BASEMAP_OTHER, BASEMAP_EDGE = "#f2f2f2", "#8a8a8a"
TILES = {
    "OpenStreetMap (online)": ("OpenStreetMap", "https://tile.openstreetmap.org"),
    "OpenTopoMap (online)": ("OpenTopoMap", "https://*.tile.opentopomap.org"),
}
# The layers counted in the time control's histogram and the charts, bottom to top, and their colours.
HISTOGRAM_SERIES = {
    "incidents": "#1f78b4",
    "migration": "#54278f",
    "customs": "#fd8d3c",
    "diplomacy": "#cc4c02",
    "outposts": "#238b45",
    "zones": "#fcbba1",
}
# Reported totals (statistics.yaml measures) and single incidents' counts in the charts: label, colour.
CHART_TOTALS = {
    "detained_crossing_into_ussr": ("Detained crossing into the USSR", "#1f78b4"),
    "detained_crossing_out_of_ussr": ("Detained crossing out of the USSR", "#a6cee3"),
    "border_violators_killed": ("Border violators killed", "#e31a1c"),
    "border_guards_killed": ("Border guards killed", "#67001f"),
}
CHART_INCIDENT_COUNTS = {"detained": ("Detained", "#1f78b4"), "killed": ("Killed", "#e31a1c")}
# Place labels on the map: a place of priority p from zoom LABEL_ZOOMS[p]; a settlement of the 1927 list as priority
# LISTED_LABEL; a marker inside an area of possibility only from AREA_LABEL_ZOOM. A figure of a wide view labels the
# places of priority up to FIGURE_LABELS.
LABEL_ZOOMS = [0, 6, 8, 8]
LISTED_LABEL = 1
AREA_LABEL_ZOOM = 10
FIGURE_LABELS = 2
# The label languages, and the level of a location as popups name it before the basis sentence.
LANGUAGES = {"name": "Source spelling", "name_ru": "Русский", "name_kk": "Қазақша", "name_zh": "中文"}
LEVEL_WORDS = {
    "exact": "Exact",
    "near": "Near",
    "feature": "Feature",
    "area": "Area of possibility",
    "district": "District or region",
    "unlocated": "Unlocated",
}
