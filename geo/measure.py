"""Geodesic measurements on the WGS84 ellipsoid (pyproj.Geod)."""

from __future__ import annotations

import math

import numpy as np
import shapely
from pyproj import Geod, Proj
from shapely.geometry import Point

_GEOD = Geod(ellps="WGS84")
DENSIFY_DEG = 0.001


def geodesic_length(line: shapely.Geometry) -> float:
    """Length of a (multi)line in metres along the ellipsoid."""
    return float(_GEOD.geometry_length(line))


def _near(lon: float, lat: float, line: shapely.Geometry) -> shapely.Geometry:
    """The part of the line that can hold the nearest point: within a box around the point
    sized by the geodesic distance to the planar-nearest vertex (an upper bound)."""
    guess = shapely.shortest_line(Point(lon, lat), line).coords[1]
    bound = _GEOD.inv(lon, lat, *guess)[2] * 1.05 + 100.0
    dlat = bound / 110_000.0
    dlon = bound / (111_320.0 * max(math.cos(math.radians(abs(lat) + dlat)), 1e-6))
    return shapely.clip_by_rect(line, lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def geodesic_distance_to_line(lon: float, lat: float, line: shapely.Geometry) -> float:
    """Shortest geodesic distance in metres from a point to a lon/lat line.

    The line is taken as straight in longitude/latitude between its vertices (as GeoJSON
    has it) and densified so; the nearest point is found in an azimuthal equidistant
    projection centred on the point (where distances from the centre are true), then
    measured with pyproj.Geod.
    """
    line = shapely.segmentize(_near(lon, lat, line), DENSIFY_DEG)
    aeqd = Proj(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m")
    local = shapely.transform(line, lambda xy: np.column_stack(aeqd(xy[:, 0], xy[:, 1])))
    nearest = shapely.shortest_line(Point(0, 0), local).coords[1]
    nlon, nlat = aeqd(*nearest, inverse=True)
    return float(_GEOD.inv(lon, lat, nlon, nlat)[2])


def geodesic_distance(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """The geodesic distance in metres between two lon/lat points."""
    return float(_GEOD.inv(a.x, a.y, b.x, b.y)[2])
