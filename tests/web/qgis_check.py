"""What QGIS itself makes of a downloaded GeoPackage and project: run with Debian's Python, which has PyQGIS.

    /usr/bin/python3 tests/web/qgis_check.py GPKG LAYER[,LAYER...] [PROJECT] [WIDTH_EXPRESSION]

Opens each layer as QGIS does when a user adds it (offscreen; its default style from `layer_styles`), and the
project if given, and prints what they hold as JSON: each layer's renderer, categories and symbols, the
data-defined properties of its first symbol, whether it is labelled, and for migration the width of each flow as
QGIS computes it. Needs only the standard library and PyQGIS (python3-qgis); the test decides what is right.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsProject,
    QgsSymbolLayer,
    QgsVectorLayer,
)

KEEP = []  # PyQGIS frees C++ objects whose Python wrappers go: keep every renderer, category list and symbol


def symbol_info(symbol) -> dict:
    layers = symbol.symbolLayers()
    KEEP.extend([symbol, layers])
    first = layers[0]
    names = QgsSymbolLayer.propertyDefinitions()
    defined = first.dataDefinedProperties()
    return {
        "colour": symbol.color().name(),
        "layers": [layer.layerType() for layer in layers],
        "shape": first.properties().get("name"),
        "angle": float(first.properties().get("angle") or 0),
        "defined": {names[key].name(): defined.property(key).expressionString() for key in defined.propertyKeys()},
    }


def layer_info(path: str, cid: str, width: str | None) -> dict:
    layer = QgsVectorLayer(f"{path}|layername={cid}", cid, "ogr")
    KEEP.append(layer)
    renderer = layer.renderer()
    KEEP.append(renderer)
    info = {"valid": layer.isValid(), "renderer": renderer.type(), "labelled": layer.labelsEnabled()}
    if renderer.type() == "categorizedSymbol":
        categories = renderer.categories()
        KEEP.append(categories)
        info["column"] = renderer.classAttribute()
        info["categories"] = {c.value(): {"label": c.label(), **symbol_info(c.symbol())} for c in categories}
    else:
        info["symbol"] = symbol_info(renderer.symbol())
    if width:
        expression = QgsExpression(width)
        context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
        info["widths"] = {}
        for feature in layer.getFeatures():
            context.setFeature(feature)
            info["widths"][feature["id"]] = expression.evaluate(context)
    return info


def project_info(path: str) -> dict:
    project = QgsProject.instance()
    ok = project.read(path)
    layers = list(project.mapLayers().values())
    KEEP.append(layers)
    return {
        "read": ok,
        "layers": {
            layer.name(): {"valid": layer.isValid(), "renderer": layer.renderer().type(), "count": layer.featureCount()}
            for layer in layers
        },
        "order": [node.name() for node in project.layerTreeRoot().findLayers()],
    }


def main() -> None:
    path, cids = sys.argv[1], sys.argv[2].split(",")
    project = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
    width = sys.argv[4] if len(sys.argv) > 4 else None
    app = QgsApplication([], False)
    app.initQgis()
    out = {"layers": {cid: layer_info(path, cid, width if cid == "migration" else None) for cid in cids}}
    if project:
        out["project"] = project_info(project)
    print(json.dumps(out, ensure_ascii=False))
    sys.stdout.flush()
    os._exit(0)  # QGIS's exit crashes on objects Python still holds: the answer is out, leave at once


if __name__ == "__main__":
    main()
