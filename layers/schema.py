"""The atlas's identity and the common schema every layer's features share (see DESIGN.md)."""

from __future__ import annotations

import json
from datetime import date

import geopandas as gpd

# The atlas itself: its name, what it covers, the years it covers and the year the map opens on.
NAME = "Border Atlas"
SUBJECT = "the Kazakh–Xinjiang section of the Soviet–Chinese border"
YEARS = (1918, 1940)
YEARS_TEXT = f"{YEARS[0]}–{YEARS[1]}"
PERIOD = (date(YEARS[0], 1, 1), date(YEARS[1], 12, 31))
DEFAULT_YEAR = 1930
TITLE = f"{NAME}: {SUBJECT}, {YEARS_TEXT}"  # as every citation of the atlas gives it

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
# The levels whose marker is not the feature's own position: it is not measured against the border, nor drawn
# with a radius, nor a seat for the units and posts placed at it.
POINTLESS = ("area", "unlocated")
# The common columns that hold lists or mappings (the store keeps them as JSON text), and the one the build adds
# to the point layers; each layer module names its own in JSON_COLUMNS (all of them: layers.registry.JSON_COLUMNS).
COMMON_JSON = {"variants", "sources", "zones_containing", "bounds"}


def frame(records: list[dict], geometries: list, extra: list[str]) -> gpd.GeoDataFrame:
    """A GeoDataFrame with the common columns first, then the layer's own."""
    columns = COMMON + [c for c in extra if c not in COMMON]
    rows = [{c: record.get(c) for c in columns} for record in records]
    return gpd.GeoDataFrame(rows, columns=columns, geometry=geometries, crs=CRS)


def encode(value):
    """A value as stored: lists and mappings as JSON text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value
