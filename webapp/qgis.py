"""QGIS styles made from the vocabulary, so that a downloaded layer looks in QGIS as it does on the map.

Per layer a QML style (QGIS's own: categories by type, the map's colours, sizes and rings, marker shapes, flow
widths by count, place labels by priority) and an SLD style (for other clients: the same categories, colours and
shapes, fixed widths), written into the GeoPackage's `layer_styles` table, which QGIS reads when it opens a layer;
and a QGIS project (.qgs) of the whole atlas that opens the GeoPackage beside it, its layers in the map's order.
Written with ElementTree: every text is escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyogrio

from layers import customs, diplomacy, incidents, migration, outposts, places, schema
from store.tables import add_columns, gpkg_connect
from webapp import vocabulary
from webapp.vocabulary import AREA, BORDER, FLOW_WIDTH, LAYERS, LINES, OVERLAYS, RINGS, SHAPES, Look

QGIS_VERSION = "3.22.16-Białowieża"  # the oldest QGIS these styles are written for (Debian 12's)
DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
GEOMETRY_COLUMN = "geom"  # the geometry column GDAL writes in a GeoPackage
# Each layer's geometry, as QGIS names it (and the number QML gives it), drawn from the bottom up.
GEOMETRY = {
    "zones": "Polygon",
    "areas": "Polygon",
    "border": "Line",
    "migration": "Line",
    "places": "Point",
    "outposts": "Point",
    "customs": "Point",
    "diplomacy": "Point",
    "incidents": "Point",
}
GEOMETRY_TYPE = {"Point": "0", "Line": "1", "Polygon": "2"}
# The words of each layer's types, as the layer modules give them (the legend's labels).
TYPE_WORDS = {
    "places": {kind: kind.replace("_", " ") for kind in places.FEATURE_TYPES},
    "outposts": outposts.UNIT_TYPES,
    "customs": customs.POST_TYPES,
    "diplomacy": diplomacy.KINDS,
    "incidents": incidents.EVENT_TYPES,
    "migration": {k: v if k == "presence" else f"{v} ({migration.SCHEMATIC})" for k, v in migration.KINDS.items()},
}
TITLES = {"zones": "Border zones", "areas": "Areas of possibility"} | OVERLAYS
EXPRESSION = 3  # QgsProperty::ExpressionBasedProperty
MARKER_OUTLINE = 1.0  # px
FLOW_OPACITY, BORDER_OPACITY = 0.75, 0.9
SLD_NS = {
    "xmlns": "http://www.opengis.net/sld",
    "xmlns:ogc": "http://www.opengis.net/ogc",
    "xmlns:xlink": "http://www.w3.org/1999/xlink",
    "version": "1.0.0",
}


def rgba(colour: str, alpha: float = 1.0) -> str:
    """'#6a3d9a' as QGIS writes a colour: '106,61,154,255'."""
    return ",".join(str(int(colour[i : i + 2], 16)) for i in (1, 3, 5)) + f",{round(alpha * 255)}"


def _quoted(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


# ---------------------------------------------------------------- QML: the symbols


def _options(layer: ET.Element, props: dict) -> None:
    """A symbol layer's properties, as QGIS 3.22 writes them (Option map) and as older versions read them (prop)."""
    options = ET.SubElement(layer, "Option", type="Map")
    for key, value in props.items():
        ET.SubElement(options, "Option", name=key, value=str(value), type="QString")
    for key, value in props.items():
        ET.SubElement(layer, "prop", k=key, v=str(value))


def _data_defined(parent: ET.Element, expressions: dict[str, str], tag: str = "data_defined_properties") -> None:
    """Properties computed per feature by a QGIS expression (QgsPropertyCollection)."""
    collection = ET.SubElement(ET.SubElement(parent, tag), "Option", type="Map")
    ET.SubElement(collection, "Option", name="name", value="", type="QString")
    properties = ET.SubElement(collection, "Option", name="properties", type="Map")
    for key, expression in expressions.items():
        prop = ET.SubElement(properties, "Option", name=key, type="Map")
        ET.SubElement(prop, "Option", name="active", value="true", type="bool")
        ET.SubElement(prop, "Option", name="expression", value=expression, type="QString")
        ET.SubElement(prop, "Option", name="type", value=str(EXPRESSION), type="int")
    ET.SubElement(collection, "Option", name="type", value="collection", type="QString")


def _layer(symbol: ET.Element, kind: str, props: dict, expressions: dict | None = None) -> ET.Element:
    layer = ET.SubElement(symbol, "layer", attrib={"class": kind, "enabled": "1", "locked": "0", "pass": "0"})
    _options(layer, props)
    _data_defined(layer, expressions or {})
    return layer


def _symbol(parent: ET.Element, kind: str, name: str) -> ET.Element:
    attrib = {"type": kind, "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"}
    return ET.SubElement(parent, "symbol", attrib)


def _ring_expressions(cid: str) -> dict[str, str]:
    """The map's rings as QGIS expressions: the 1927 list's red ring; a dashed or dotted ring by date."""
    if cid == "places":
        listed, unlisted = RINGS["listed"], RINGS["unlisted"]
        return {
            "outlineColor": f"if(\"in_1927_list\", '{listed['color']}', '{unlisted['color']}')",
            "outlineWidth": f'if("in_1927_list", {listed["weight"]}, {unlisted["weight"]})',
        }
    coarse = ", ".join(_quoted(p) for p in RINGS["coarseDates"])
    dated, other = RINGS["dated"], RINGS["coarse"]
    return {
        "outlineColor": f'if("date_precision" IN ({coarse}) OR "start" IS NULL, \'{other["color"]}\', '
        f"'{dated['color']}')",
        "outlineStyle": f"CASE WHEN \"date_precision\" IN ({coarse}) THEN 'dot' WHEN \"start\" IS NULL THEN 'dash' "
        "ELSE 'solid' END",
    }


def _marker(parent: ET.Element, name: str, look: Look, cid: str) -> None:
    shape = SHAPES[look.shape]
    symbol = _symbol(parent, "marker", name)
    props = {
        "name": shape.qgis,
        "angle": shape.qgis_angle,
        "color": rgba(look.colour, 0.9),
        "size": 2 * look.size,
        "size_unit": "Pixel",
        "outline_color": rgba("#ffffff"),
        "outline_style": "solid",
        "outline_width": MARKER_OUTLINE,
        "outline_width_unit": "Pixel",
    }
    _layer(symbol, "SimpleMarker", props, _ring_expressions(cid))


def _width_of(count: str) -> str:
    """vocabulary.flow_width of a column's count, as a QGIS expression."""
    low, per_tenfold, start = FLOW_WIDTH["min"], FLOW_WIDTH["per_tenfold"], FLOW_WIDTH["from"]
    return f"max({low:g}, {low:g} + {per_tenfold:g} * log10(max(coalesce({count}, 0), {start:g}) / {start:g}))"


THIN = '"split" OR "kind" = \'presence\''  # drawn thin: a total whose split is not given, a stock's outline


def flow_width_expression() -> str:
    """vocabulary.flow_widths' line width as a QGIS expression over a flow's `count` (layers/migration.py)."""
    return f"CASE WHEN {THIN} THEN {FLOW_WIDTH['min']:g} ELSE {_width_of(chr(34) + 'count' + chr(34))} END"


def flow_band_expression() -> str:
    """vocabulary.flow_widths' band width (0: no band) as a QGIS expression."""
    line, open_extra = flow_width_expression(), FLOW_WIDTH["open"]
    return (
        f'CASE WHEN {THIN} THEN 0 WHEN "count_open" THEN ({line}) + {open_extra:g} '
        f'WHEN "count_high" > coalesce("count", 0) THEN {_width_of(chr(34) + "count_high" + chr(34))} ELSE 0 END'
    )


def _flow(parent: ET.Element, name: str, look: Look) -> None:
    """A flow: its band behind (the figure's range), the line by kind, as wide as its count and dashed where it
    counts households, with an arrowhead at each end, or a bar where the crossing was stopped; a stock's outline."""
    symbol = _symbol(parent, "line", name)
    line = {"line_color": rgba(look.colour, FLOW_OPACITY), "line_width": FLOW_WIDTH["min"], "line_width_unit": "Pixel"}
    if look.shape == "dot":  # a stock: its area's outline, never an arrow
        _layer(symbol, "SimpleLine", line | {"line_style": LINES[look.shape].qgis})
        return
    band = f"if(({flow_band_expression()}) > 0, '{rgba(look.colour, FLOW_WIDTH['band'])}', '0,0,0,0')"
    band_style = "if(\"count_open\", 'dot', 'solid')"
    _layer(symbol, "SimpleLine", line | {"capstyle": "flat"},
           {"outlineWidth": flow_band_expression(), "outlineColor": band, "outlineStyle": band_style})  # fmt: skip
    households = LINES[vocabulary.FLOW_UNIT_LINES["households"]].qgis
    unit = f"if(\"count_unit\" = 'households', '{households}', 'solid')"
    _layer(symbol, "SimpleLine", line | {"capstyle": "round"},
           {"outlineWidth": flow_width_expression(), "outlineStyle": unit})  # fmt: skip
    head = _layer(symbol, "MarkerLine", {"placement": "lastvertex", "placements": "LastVertex", "rotate": "1"})
    marker = _symbol(head, "marker", f"@{name}@2")
    arrow = {"name": "filled_arrowhead", "color": rgba(look.colour, FLOW_OPACITY), "size": 8, "size_unit": "Pixel"}
    stop = "if(\"outcome\" = 'stopped', 'line', 'filled_arrowhead')"
    _layer(marker, "SimpleMarker", arrow | {"outline_style": "no"}, {"name": stop})


def _fill(parent: ET.Element, name: str, colour: str, fill: dict, outline: dict) -> None:
    symbol = _symbol(parent, "fill", name)
    props = {"color": colour, "outline_width_unit": "Pixel"} | fill | outline
    _layer(symbol, "SimpleFill", props)


def _zone(parent: ET.Element, name: str, rank: int) -> None:
    look = vocabulary.zone_look(rank)
    outline = {"outline_color": rgba(look.colour), "outline_width": look.size, "outline_style": "solid"}
    _fill(parent, name, rgba(look.colour, vocabulary.ZONE_FILL_OPACITY), {"style": "solid"}, outline)


def _area(parent: ET.Element, name: str) -> None:
    outline = {"outline_color": rgba(AREA.colour), "outline_width": AREA.size, "outline_style": LINES[AREA.shape].qgis}
    _fill(parent, name, rgba(AREA.colour, vocabulary.AREA_FILL_OPACITY), {"style": "b_diagonal"}, outline)


def _border(parent: ET.Element, name: str) -> None:
    symbol = _symbol(parent, "line", name)
    props = {"line_color": rgba(BORDER.colour, BORDER_OPACITY), "line_width": BORDER.size, "line_width_unit": "Pixel"}
    _layer(symbol, "SimpleLine", props | {"line_style": LINES[BORDER.shape].qgis})


def categories(cid: str, zones: list[tuple[str, str, float]]) -> list[tuple[str, str, object]]:
    """(value, label, what draws it) for each category of a layer styled by a column; zones by their id."""
    if cid == "zones":
        ranks = vocabulary.zone_ranks((zid, depth) for zid, _, depth in zones)
        return [(zid, name, ranks[zid]) for zid, name, _ in zones]
    return [(kind, TYPE_WORDS[cid][kind], look) for kind, look in LAYERS[cid].types.items()]


def renderer(cid: str, zones: list[tuple[str, str, float]]) -> ET.Element:
    """The <renderer-v2> of a layer: categories by type (or zone), or one symbol (the border, the areas)."""
    if cid in ("border", "areas"):
        element = ET.Element("renderer-v2", type="singleSymbol", symbollevels="0", forceraster="0")
        {"border": _border, "areas": _area}[cid](ET.SubElement(element, "symbols"), "0")
        return element
    column = "id" if cid == "zones" else LAYERS[cid].column
    element = ET.Element("renderer-v2", type="categorizedSymbol", attr=column, symbollevels="0", forceraster="0")
    listed, symbols = ET.SubElement(element, "categories"), ET.SubElement(element, "symbols")
    draw = {"zones": _zone, "migration": _flow}.get(cid, lambda p, n, look: _marker(p, n, look, cid))
    for i, (value, label, style) in enumerate(categories(cid, zones)):
        ET.SubElement(listed, "category", value=value, label=label, symbol=str(i), render="true")
        draw(symbols, str(i), style)
    return element


def labeling(cid: str) -> ET.Element | None:
    """The places' labels: their source names, the most important placed first (the vocabulary's priority)."""
    if cid != "places":
        return None
    layer = LAYERS["places"]
    cases = " ".join(f'WHEN "{layer.column}" = {_quoted(k)} THEN {look.label}' for k, look in layer.types.items())
    priority = f"CASE {cases} ELSE {layer.other.label} END"
    listed = f'if("in_1927_list", min({priority}, {vocabulary.LISTED_LABEL}), {priority})'
    element = ET.Element("labeling", type="simple")
    settings = ET.SubElement(element, "settings", calloutType="simple")
    ET.SubElement(settings, "text-style", fieldName="name", isExpression="0", fontSize="8", textColor="0,0,0,255")
    ET.SubElement(settings, "text-buffer", bufferDraw="1", bufferSize="1", bufferColor="255,255,255,255")
    ET.SubElement(settings, "placement", placement="6", dist="1", priority="5")
    ET.SubElement(settings, "rendering", obstacle="1", drawLabels="1")
    _data_defined(settings, {"Priority": f"10 - 3 * {listed}"}, tag="dd_properties")
    return element


def qml(cid: str, zones: list[tuple[str, str, float]]) -> str:
    """A layer's QML style document."""
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology|Labeling")
    root.append(renderer(cid, zones))
    labels = labeling(cid)
    if labels is not None:
        root.append(labels)
    ET.SubElement(root, "layerGeometryType").text = GEOMETRY_TYPE[GEOMETRY[cid]]
    return DOCTYPE + ET.tostring(root, encoding="unicode")


# ---------------------------------------------------------------- SLD


def _css(parent: ET.Element, tag: str, values: dict) -> None:
    element = ET.SubElement(parent, tag)
    for name, value in values.items():
        if value is not None:
            ET.SubElement(element, "CssParameter", name=name).text = str(value)


def _sld_symbolizer(rule: ET.Element, geometry: str, look: Look, width: float | None = None) -> None:
    if geometry == "Point":
        shape = SHAPES[look.shape]
        graphic = ET.SubElement(ET.SubElement(rule, "PointSymbolizer"), "Graphic")
        mark = ET.SubElement(graphic, "Mark")
        ET.SubElement(mark, "WellKnownName").text = shape.sld
        _css(mark, "Fill", {"fill": look.colour})
        _css(mark, "Stroke", {"stroke": "#ffffff", "stroke-width": MARKER_OUTLINE})
        ET.SubElement(graphic, "Size").text = f"{2 * look.size:g}"
        ET.SubElement(graphic, "Rotation").text = f"{shape.sld_angle:g}"
    elif geometry == "Line":
        stroke = {"stroke": look.colour, "stroke-width": f"{width or look.size:g}"}
        _css(ET.SubElement(rule, "LineSymbolizer"), "Stroke", stroke | {"stroke-dasharray": LINES[look.shape].dashes})
    else:
        polygon = ET.SubElement(rule, "PolygonSymbolizer")
        _css(polygon, "Fill", {"fill": look.colour, "fill-opacity": f"{vocabulary.ZONE_FILL_OPACITY:g}"})
        stroke = {"stroke": look.colour, "stroke-width": f"{look.size:g}", "stroke-dasharray": LINES[look.shape].dashes}
        _css(polygon, "Stroke", stroke)


def _rule(style: ET.Element, name: str, title: str, column: str | None, value: str | None) -> ET.Element:
    rule = ET.SubElement(style, "Rule")
    ET.SubElement(rule, "Name").text = name
    ET.SubElement(rule, "Title").text = title
    if column is not None:
        equal = ET.SubElement(ET.SubElement(rule, "ogc:Filter"), "ogc:PropertyIsEqualTo")
        ET.SubElement(equal, "ogc:PropertyName").text = column
        ET.SubElement(equal, "ogc:Literal").text = value
    return rule


def sld(cid: str, zones: list[tuple[str, str, float]]) -> str:
    """A layer's SLD 1.0 style: one rule per category (fixed widths: SLD has no flow width by count)."""
    root = ET.Element("StyledLayerDescriptor", SLD_NS)
    layer = ET.SubElement(root, "NamedLayer")
    ET.SubElement(layer, "Name").text = cid
    user = ET.SubElement(layer, "UserStyle")
    ET.SubElement(user, "Name").text = cid
    ET.SubElement(user, "Title").text = TITLES[cid]
    style = ET.SubElement(user, "FeatureTypeStyle")
    geometry = GEOMETRY[cid]
    if cid in ("border", "areas"):
        look = BORDER if cid == "border" else AREA
        _sld_symbolizer(_rule(style, cid, TITLES[cid], None, None), geometry, look)
    else:
        column = "id" if cid == "zones" else LAYERS[cid].column
        for value, label, drawn in categories(cid, zones):
            look = vocabulary.zone_look(drawn) if cid == "zones" else drawn
            _sld_symbolizer(_rule(style, value, label, column, value), geometry, look)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


# ---------------------------------------------------------------- the GeoPackage and the project


def zone_list(zones) -> list[tuple[str, str, float]]:
    """(id, name, depth) of every zone of the store, which the zones' colours rank."""
    return list(zip(zones["id"], zones["name"], zones["depth_m"], strict=True))


def write_layer_styles(path: Path, cids: list[str], zones: list[tuple[str, str, float]]) -> None:
    """Add QGIS's `layer_styles` table to a GeoPackage: each layer's QML and SLD, its default style; its update time
    in UTC as the GeoPackage standard writes a DATETIME (YYYY-MM-DDTHH:MM:SS.SSSZ), which every GDAL reads without a
    warning (GDAL's writer leaves out the milliseconds when they are 0, and older GDALs warn on that)."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    rows = pd.DataFrame(
        {
            "f_table_catalog": "",
            "f_table_schema": "",
            "f_table_name": cids,
            "f_geometry_column": GEOMETRY_COLUMN,
            "styleName": cids,
            "styleQML": [qml(cid, zones) for cid in cids],
            "styleSLD": [sld(cid, zones) for cid in cids],
            "useAsDefault": True,
            "description": [f"{TITLES[cid]}: the style of the atlas's map ({schema.NAME})" for cid in cids],
            "owner": "",
            "ui": "",
        }
    )
    pyogrio.write_dataframe(rows, path, layer="layer_styles", driver="GPKG", layer_options={"FID": "id"})
    with closing(gpkg_connect(path)) as db, db:
        add_columns(db, "layer_styles", {"update_time": "DATETIME"}, [(now, i) for i in range(1, len(cids) + 1)], "id")


def _crs(parent: ET.Element) -> None:
    ET.SubElement(ET.SubElement(parent, "spatialrefsys"), "authid").text = schema.CRS


def project(gpkg_name: str, cids: list[str], zones: list[tuple[str, str, float]]) -> str:
    """A QGIS project of the layers `cids` of the GeoPackage `gpkg_name` beside it, in the map's order and styles."""
    root = ET.Element("qgis", projectname=schema.TITLE, version=QGIS_VERSION)
    ET.SubElement(root, "title").text = schema.TITLE
    _crs(ET.SubElement(root, "projectCrs"))
    tree = ET.SubElement(root, "layer-tree-group")
    layers = ET.SubElement(root, "projectlayers")
    order = [cid for cid in reversed(GEOMETRY) if cid in cids]  # the layer tree lists the top layer first
    for cid in order:
        source = f"./{gpkg_name}|layername={cid}"
        attrib = {"id": cid, "name": TITLES[cid], "source": source, "providerKey": "ogr", "checked": "Qt::Checked"}
        ET.SubElement(tree, "layer-tree-layer", attrib | {"expanded": "0"})
        layer = ET.SubElement(layers, "maplayer", type="vector", geometry=GEOMETRY[cid])
        for tag, text in (("id", cid), ("datasource", source), ("layername", TITLES[cid])):
            ET.SubElement(layer, tag).text = text
        _crs(ET.SubElement(layer, "srs"))
        ET.SubElement(layer, "provider", encoding="UTF-8").text = "ogr"
        layer.append(renderer(cid, zones))
        labels = labeling(cid)
        if labels is not None:
            layer.append(labels)
    paths = ET.SubElement(ET.SubElement(ET.SubElement(root, "properties"), "Paths"), "Absolute", type="bool")
    paths.text = "false"
    return DOCTYPE + ET.tostring(root, encoding="unicode")
