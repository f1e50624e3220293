"""The common schema every layer's features share (see DESIGN.md)."""

from __future__ import annotations

import json

import geopandas as gpd

CRS = "EPSG:4326"
COMMON = [
    "id",
    "name",
    "name_ru",
    "name_kk",
    "name_zh",
    "variants",
    "start",
    "end",
    "date_precision",
    "precision_m",
    "location_basis",
    "sources",
]
# The levels a feature is located to (`where_prec`), best first, and what each means in words.
LEVELS = {
    "exact": "exact: a gazetteer point of the place itself",
    "near": "near: a stated offset from a located place, or a cited point with some doubt",
    "feature": "feature: a named tract, pass, valley or range, its point and a radius covering it",
    "area": "area of possibility: the polygon the text constrains it to, the marker inside it",
    "district": "district or region: the unit the source names, its centre and a covering radius",
    "unlocated": "unlocated: the text gives no spatial clue that can be drawn",
}
# Columns that hold lists or mappings; the store keeps them as JSON text.
JSON_COLUMNS = {
    "variants",
    "sources",
    "acts",
    "rules",
    "general_acts",
    "population",
    "names_by_period",
    "seat_moves",
    "facts",
    "events",
    "zones_containing",
    "actors",
    "counts",
    "goods",
    "to_areas",
    "people",
    "households",
    "ratio_of_emigration",
    "rule",
    "used_by",
    "parties",
    "related",
}


def frame(records: list[dict], geometries: list, extra: list[str]) -> gpd.GeoDataFrame:
    """A GeoDataFrame with the common columns first, then the layer's own."""
    columns = COMMON + [c for c in extra if c not in COMMON]
    rows = [{c: record.get(c) for c in columns} for record in records]
    return gpd.GeoDataFrame(rows, columns=columns, geometry=geometries, crs=CRS)


def encode(value):
    """A value as stored: lists and mappings as JSON text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value


def decode(column: str, value):
    """A stored value back as the layer built it."""
    if column in JSON_COLUMNS and isinstance(value, str):
        return json.loads(value)
    return value
