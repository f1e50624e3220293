"""Geodesic measurements on the WGS84 ellipsoid (pyproj.Geod)."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Point

_GEOD = Geod(ellps="WGS84")


def geodesic_length(line: shapely.Geometry) -> float:
    """Length of a (multi)line in metres along the ellipsoid."""
    return float(_GEOD.geometry_length(line))


def geodesic_distance_to_line(lon: float, lat: float, line: shapely.Geometry) -> float:
    """Shortest geodesic distance in metres from a point to a lon/lat line.

    The nearest point is found in an azimuthal equidistant projection centred on the point
    (where distances from the centre are true), then measured with pyproj.Geod.
    """
    aeqd = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m"
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inv = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    local = shapely.transform(line, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    nearest = shapely.shortest_line(Point(0, 0), local).coords[1]
    nlon, nlat = inv.transform(*nearest)
    return float(_GEOD.inv(lon, lat, nlon, nlat)[2])
