"""The `border` layer: the Kazakh-Xinjiang border line, with the acts for the border zone as a whole."""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from shapely.geometry import shape

from layers import schema
from layers.errors import DataError

TITLE = "Border line"
DESCRIPTION = (
    "The Kazakh–Xinjiang section of the Soviet–Chinese border, Khan Tengri tripoint to the Altai "
    "tripoint, drawn on the modern Kazakhstan–China boundary as OpenStreetMap draws it (© OpenStreetMap "
    "contributors, Open Database License 1.0)."
)
JSON_COLUMNS = {"general_acts"}  # columns holding lists or mappings (stored as JSON text)
CITATION = {
    "document": "ablazhey-zhanbossinova-2026",
    "note": None,
    "quote": "The border district of the Kazakh ASSR was given control over 1,636 km of the border from the "
    "town of Khantegri to Altai",
}


def read_geojson_geometry(path: Path) -> shapely.Geometry:
    """The geometry of the single feature of a reference GeoJSON file."""
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(path, None, None, f"not a readable GeoJSON FeatureCollection: {exc}") from None
    if len(features) != 1:
        raise DataError(path, None, None, f"expected exactly one feature, found {len(features)}")
    return shape(features[0]["geometry"])


def border_line(reference: Path) -> shapely.Geometry:
    """The border line in longitude/latitude, Khan Tengri to Altai."""
    return read_geojson_geometry(reference / "border.geojson")


def soviet_land(reference: Path) -> shapely.Geometry:
    """The Soviet-side (Kazakhstan) land polygon near the border, used to clip the zones."""
    return read_geojson_geometry(reference / "soviet_side.geojson")


def build(sources: Path, reference: Path, general_acts: list[dict] | None = None):
    """The border as a one-feature GeoDataFrame."""
    record = {
        "id": "kazakh-xinjiang-border",
        "name": "Kazakh–Xinjiang border",
        "name_ru": "Казахстанско-синьцзянский участок советско-китайской границы",
        "variants": ["Kazakhstan–China border", "Soviet–Chinese border (western section)"],
        "start": None,
        "end": None,
        "date_precision": None,
        "precision_m": None,
        "location_basis": "modern Kazakhstan–China boundary (OpenStreetMap)",
        "sources": [CITATION],
        "general_acts": general_acts or [],
    }
    return schema.frame([record], [border_line(reference)], ["general_acts"])
