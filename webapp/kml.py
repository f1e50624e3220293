"""KML written with an XML library, so text from the data is always escaped (never a CDATA that `]]>` can end).

GDAL's LIBKML driver puts text in CDATA sections without splitting `]]>` and leaves some `&` unescaped, so
a name could end the section and add markup of its own; this writer has no such path.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from layers import schema

NS = "http://www.opengis.net/kml/2.2"
# Characters XML 1.0 cannot hold at all, even escaped: shown as U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value) -> str:
    return _NOT_XML.sub("\ufffd", str(value))


def _sub(parent: ET.Element, tag: str, text=None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = _text(text)
    return element


def _coordinates(coords) -> str:
    return " ".join(",".join(f"{c:.7f}".rstrip("0").rstrip(".") for c in xy[:2]) for xy in coords)


def _point(parent, geom) -> None:
    _sub(_sub(parent, "Point"), "coordinates", _coordinates(geom.coords))


def _line(parent, geom) -> None:
    _sub(_sub(parent, "LineString"), "coordinates", _coordinates(geom.coords))


def _polygon(parent, geom) -> None:
    polygon = _sub(parent, "Polygon")
    rings = [("outerBoundaryIs", geom.exterior)] + [("innerBoundaryIs", r) for r in geom.interiors]
    for tag, ring in rings:
        _sub(_sub(_sub(polygon, tag), "LinearRing"), "coordinates", _coordinates(ring.coords))


def _multi(parent, geom) -> None:
    multi = _sub(parent, "MultiGeometry")
    for part in geom.geoms:
        _geometry(multi, part)


GEOMETRIES = {
    "Point": _point,
    "LineString": _line,
    "LinearRing": _line,
    "Polygon": _polygon,
    "MultiPoint": _multi,
    "MultiLineString": _multi,
    "MultiPolygon": _multi,
    "GeometryCollection": _multi,
}


def _geometry(parent: ET.Element, geom: BaseGeometry | None) -> None:
    if geom is not None and not geom.is_empty:
        GEOMETRIES[geom.geom_type](parent, geom)


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _placemark(parent: ET.Element, cid: str, row: dict, fields: list[str], geom) -> None:
    placemark = _sub(parent, "Placemark", id=str(row["id"]))
    _sub(placemark, "name", row.get("name") or row["id"])
    if _present(row.get("start")) or _present(row.get("end")):
        span = _sub(placemark, "TimeSpan")
        for tag, key in (("begin", "start"), ("end", "end")):
            if _present(row.get(key)):
                _sub(span, tag, row[key])
    data = _sub(_sub(placemark, "ExtendedData"), "SchemaData", schemaUrl=f"#{cid}.schema")
    for field in fields:
        if _present(row.get(field)):
            _sub(data, "SimpleData", schema.encode(row[field]), name=field)
    _geometry(placemark, geom)


def _bytes(element: ET.Element, **options) -> bytes:
    # a carriage return can come only from the data: as a reference, so that a reader keeps it (XML reads a raw
    # one as a newline)
    return ET.tostring(element, encoding="utf-8", **options).replace(b"\r", b"&#13;")


FOLDER_LEVEL = 2  # kml > Document > Folder: the placemarks are indented one level deeper
BETWEEN = b"\n" + b"  " * (FOLDER_LEVEL + 1)  # what comes before each placemark in an indented document


def parts(
    cid: str, frame: gpd.GeoDataFrame, slices: Iterable[gpd.GeoDataFrame], title: str, description: str
) -> Iterator[bytes]:
    """One collection as a KML document, the citation in its description, in parts: the document around the
    placemarks, then each placemark of each of `slices` (consecutive rows of `frame`) made as it is sent."""
    kml = ET.Element("kml", xmlns=NS)
    root = _sub(kml, "Document", id="root_doc")
    _sub(root, "name", title)
    _sub(root, "description", description)
    fields = [c for c in frame.columns if c not in (frame.geometry.name, "id", "name")]
    declared = _sub(root, "Schema", id=f"{cid}.schema", name=cid)
    for field in fields:
        _sub(declared, "SimpleField", name=field, type="string")
    folder = _sub(root, "Folder", id=cid)
    _sub(folder, "name", cid)
    ET.SubElement(folder, "placemarks")  # where they go, indented as the last child of the folder would be
    ET.indent(kml)
    head, _, tail = _bytes(kml, xml_declaration=True).partition(b"<placemarks />")
    yield head.removesuffix(BETWEEN)
    for part in slices:
        geometries = part.geometry
        for row, geom in zip(part.drop(columns=geometries.name).to_dict("records"), geometries, strict=True):
            holder = ET.Element("Folder")
            _placemark(holder, cid, row, fields, geom)
            ET.indent(holder[0], level=FOLDER_LEVEL + 1)
            yield BETWEEN + _bytes(holder[0])
    yield tail
