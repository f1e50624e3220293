"""What the map page's modules (static/atlas/) are given: the layers Folium made and the page's configuration.

Folium's inline script queues the map and its layers with this configuration; the ES modules, run once the page
is parsed, take them from the queue. Every text from the data reaches the page as JSON, never as HTML.
"""

from __future__ import annotations

from flask import current_app, url_for
from folium.elements import Element, JSCSSMixin, MacroElement
from jinja2 import Template

from layers import schema
from layers.registry import REGISTRY
from webapp import migration_chart, params, pinned, vocabulary
from webapp.store import get_store

COUNT_THRESHOLD = 1_000  # more features than this in a layer's view and years: count bubbles, not the features
GRID_CELLS = 8  # the count grid over the view: GRID_CELLS x GRID_CELLS cells
MAX_PAGES = 10  # pages of items the browser follows for one layer and view (at most MAX_PAGES x MAX_LIMIT)
# The point layers the browser fetches, and whether the period filters them.
POINT_LAYERS = {"places": False, "outposts": True, "customs": True, "diplomacy": True, "incidents": True}


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
            "years": schema.YEARS,
            "year": schema.DEFAULT_YEAR,
            "languages": vocabulary.LANGUAGES,
            "levels": vocabulary.LEVEL_WORDS,
            "levelLegend": schema.LEVELS,
            "summary": summary,
            "points": _point_layers(),
            "rings": vocabulary.RINGS,
            "staged": vocabulary.STAGED_STYLE,
            "suggestUrls": current_app.extensions.get("suggest_urls", dict)(),  # with accounts (webapp/contribute/)
            "labels": _labels(),
            "itemsUrl": url_for("api.items", cid="CID"),
            "itemUrl": url_for("api.item", cid="CID", fid="FID"),
            "indexUrl": url_for("mapview.index"),
            "migrationColours": {kind: look.colour for kind, look in vocabulary.LAYERS["migration"].types.items()},
            "flowWidth": vocabulary.FLOW_WIDTH,
            "flowDashes": {unit: vocabulary.LINES[line].dashes for unit, line in vocabulary.FLOW_UNIT_LINES.items()},
            "migrationChartUrl": url_for("charts.charts_page", _anchor=migration_chart.ID),
            "hatch": {"colour": vocabulary.AREA.colour, "opacity": vocabulary.AREA_HATCH_OPACITY},
            "pageSize": params.MAX_LIMIT,
            "maxPages": MAX_PAGES,
            "gridUrl": url_for("api.grid", cid="CID"),
            "countThreshold": COUNT_THRESHOLD,
            "totals": wiring["totals"],  # a layer with no more features than the threshold in all skips its grid
            "gridCells": GRID_CELLS,
            "placeUrl": url_for("places.place_page", pid="PLACE_ID"),
            "incidentUrl": url_for("incidents.incident_page", iid="INCIDENT_ID"),
            "regimeUrl": url_for("regime.regime"),
            "changesUrl": url_for("changes.changes_page"),
            "tariffUrl": url_for("customs.tariff_1923"),
            "statisticsUrl": url_for("statistics.statistics_page"),
            "figureUrl": url_for("figure.figure"),
            "dataVersion": pinned.data_words(get_store()),
            "citeUrl": pinned.map_cite_url(get_store()),
            "citeTitle": schema.TITLE,
            "links": {
                "Collections (HTML)": url_for("api.collections", f="html"),
                "API (OpenAPI)": url_for("ogc.api_document"),
                "Data quality": url_for("places.quality_page"),
                "Yearly figures": url_for("statistics.statistics_page"),
                "Charts": url_for("charts.charts_page"),
                "Guided tours": url_for("tours.tours_page"),
                "Download everything (GeoPackage)": url_for("downloads.dataset_download", format="gpkg"),
                "QGIS project": url_for("downloads.dataset_download", format="qgis"),
                **current_app.extensions.get("account_links", dict)(),  # with accounts (webapp/contribute/)
            },
        }
        self.default_css = [("atlas_css", url_for("static", filename="atlas.css"))]

    def render(self, **kwargs):
        """Also load the modules (type="module": run once the page is parsed, after Folium's scripts)."""
        module = url_for("static", filename="atlas/main.js")
        self.get_root().header.add_child(Element(f'<script type="module" src="{module}"></script>'), name="atlas_js")
        super().render(**kwargs)


def _point_layers() -> dict:
    """The point layers the browser fetches: [radius, colour] by type, the type property, whether the period
    filters them, and their title."""
    layers = {}
    for cid, dated in POINT_LAYERS.items():
        style = vocabulary.LAYERS[cid]
        layers[cid] = {
            "styles": {kind: [look.size, look.colour] for kind, look in style.types.items()},
            "other": [style.other.size, style.other.colour],
            "type": style.column,
            "words": style.words,
            "dated": dated,
            "title": REGISTRY[cid].TITLE,
        }
    return layers


def _labels() -> dict:
    """Which place labels the map shows from which zoom (static/atlas/search.js)."""
    places = vocabulary.LAYERS["places"]
    return {
        "priority": {kind: look.label for kind, look in places.types.items()},
        "other": places.other.label,
        "zooms": vocabulary.LABEL_ZOOMS,
        "listed": vocabulary.LISTED_LABEL,
        "area": vocabulary.AREA_LABEL_ZOOM,
    }
