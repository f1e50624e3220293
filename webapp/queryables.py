"""The queryables of a collection (OGC API - Features - Part 3): what its items can be filtered on, as a JSON Schema.

Each property the items endpoint compares for equality (`?feature_type=town`), with the JSON type its values have;
`datetime`, the period a feature must touch; and the geometry, which `bbox` filters. Nothing else is accepted, so
`additionalProperties` is false: an unknown parameter gets a 400.
"""

from __future__ import annotations

from contrib.columns import LAYERS

REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
MEDIA_TYPE = "application/schema+json"
JSON_TYPES = {"text": "string", "real": "number", "integer": "integer", "boolean": "boolean"}
# The GeoPackage's declared geometry type -> the Part 3 format of the geometry queryable.
GEOMETRY_FORMATS = {
    "POINT": "geometry-point",
    "LINESTRING": "geometry-linestring",
    "MULTILINESTRING": "geometry-linestring-or-multilinestring",
    "POLYGON": "geometry-polygon",
    "MULTIPOLYGON": "geometry-polygon-or-multipolygon",
}
GEOMETRY = {
    "title": "Location",
    "description": "filtered with bbox=minlon,minlat,maxlon,maxlat (WGS 84); an unlocated feature has none",
}
DATETIME = {
    "title": "When",
    "description": "the period a feature must touch: a date or year (1930, 1930-05, 1930-05-01) or an interval "
    "(1927/1932, ../1932, 1930/..); a feature dated to a month or a year spans all of it",
    "type": "string",
    "format": "date",
}

# The common properties of every collection (layers.schema.COMMON): a title, and what a filter on a date compares.
TITLES = {"id": "Identifier", "name_ru": "Name in Russian", "name_kk": "Name in Kazakh", "name_zh": "Name in Chinese"}
TITLES |= {"precision_m": "Uncertainty radius (metres)"}
PARTIAL_DATE = "as precise as the source (1927, 1927-08 or 1927-08-18), compared as written; datetime for a period"
COMMON_WORDS = {"start": f"the earliest date, {PARTIAL_DATE}", "end": f"the latest date, {PARTIAL_DATE}"}


def _descriptions(cid: str) -> dict[str, str]:
    """What each column holds, in the words of the contribution templates (contrib/columns.py) where they name it."""
    return COMMON_WORDS | {
        c.name: c.help for layer in LAYERS.values() if layer.collection == cid for c in layer.columns
    }


def _property(name: str, kind: str, description: str | None) -> dict:
    words = {"description": description} if description else {}
    return {"title": TITLES.get(name, name.replace("_", " ").capitalize()), **words, "type": JSON_TYPES[kind]}


def schema(cid: str, title: str, store, href: str) -> dict:
    """The queryables of collection `cid` (titled `title`) as a JSON Schema whose `$id` is `href`."""
    described = _descriptions(cid)
    geometry = GEOMETRY | {"format": GEOMETRY_FORMATS.get(store.geometry_type(cid), "geometry-any")}
    properties = {"geometry": geometry, "datetime": DATETIME}
    properties |= {name: _property(name, kind, described.get(name)) for name, kind in store.filterable(cid).items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": href,
        "type": "object",
        "title": f"{title}: queryables",
        "properties": properties,
        "additionalProperties": False,
    }
