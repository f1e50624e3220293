"""GeoDataFrames as RFC 7946 GeoJSON: lon/lat, no `crs`, counter-clockwise exterior rings, 7 decimals.

Used by the build (each feature is stored pre-encoded) and by the web app (webapp.geojson)."""

from __future__ import annotations

import json
import math

import numpy as np
import shapely
from shapely.geometry import mapping

DECIMALS = 7


def rfc7946_geometry(geom: shapely.Geometry) -> dict | None:
    """A geometry as an RFC 7946 geometry object."""
    if geom is None or geom.is_empty:
        return None
    geom = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    return mapping(geom)


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return _clean(value.item())
    return value


def feature(row, geometry_column: str = "geometry") -> dict:
    """One row as a GeoJSON Feature with `id` and properties."""
    properties = {k: _clean(v) for k, v in row.items() if k != geometry_column}
    return {
        "type": "Feature",
        "id": properties["id"],
        "geometry": rfc7946_geometry(row[geometry_column]),
        "properties": properties,
    }


def features(frame) -> list[dict]:
    """Every row of a GeoDataFrame as a Feature."""
    column = frame.geometry.name
    return [feature(row, column) for row in frame.to_dict("records")]


def feature_text(row, geometry_column: str = "geometry") -> str:
    """One row as the compact JSON text of its Feature, as the API serves it."""
    return json.dumps(feature(row, geometry_column), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
