"""The project's metric CRS and transforms between it and WGS84 longitude/latitude.

A Lambert conformal conic on WGS84 with standard parallels 43.5N and 48.5N, centred on the
Kazakh-Xinjiang border. Between 41N and 51N its scale error is under 0.12%, so planar buffers
in it are geodesic distances to within that (tests/test_geo.py measures it with pyproj.Geod).
"""

from __future__ import annotations

import shapely
from pyproj import CRS, Transformer

METRIC_CRS = CRS.from_proj4(
    "+proj=lcc +lat_1=43.5 +lat_2=48.5 +lat_0=45.5 +lon_0=83.5 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
)
_FORWARD = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
_INVERSE = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def to_metric(geom: shapely.Geometry) -> shapely.Geometry:
    """Longitude/latitude geometry -> the metric CRS."""
    return shapely.transform(geom, lambda xy: _stack(_FORWARD.transform(xy[:, 0], xy[:, 1])))


def to_lonlat(geom: shapely.Geometry) -> shapely.Geometry:
    """Metric-CRS geometry -> longitude/latitude."""
    return shapely.transform(geom, lambda xy: _stack(_INVERSE.transform(xy[:, 0], xy[:, 1])))


def _stack(xy):
    import numpy as np

    return np.column_stack(xy)
