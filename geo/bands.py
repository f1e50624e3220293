"""One-sided zone bands: the part of a land polygon within a distance of a border line."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import LineString

from geo.crs import to_lonlat, to_metric

DENSIFY_DEG = 0.001  # about 100 m: input lines are straight in lon/lat between vertices
DENSIFY_M = 100.0  # segments no longer than this, so straight-in-lon/lat and straight-in-metres agree to < 1 mm
SIMPLIFY_FRACTION = 0.001
QUAD_SEGS = 32
CHUNK = (
    50  # vertices per piece in _chunked_buffer  # arc vertices per quarter circle: chord error under 0.05% of the depth
)


def densify(geom: shapely.Geometry, max_m: float = DENSIFY_M) -> shapely.Geometry:
    """Add vertices to a metric geometry so that no segment is longer than `max_m` metres."""
    return shapely.segmentize(geom, max_m)


def prepare(geom_lonlat: shapely.Geometry) -> shapely.Geometry:
    """A lon/lat geometry, densified where it is still straight, in the metric CRS.

    Border line and land polygon must both pass through here: they share vertices, and
    densifying both the same way keeps their shared edges identical in the metric CRS.
    """
    return to_metric(shapely.segmentize(geom_lonlat, DENSIFY_DEG))


def _chunked_buffer(line: shapely.Geometry, distance: float) -> shapely.Geometry:
    """Buffer of a long line as the union of buffers of short pieces (GEOS is much faster so)."""
    pieces = []
    for part in getattr(line, "geoms", [line]):
        coords = np.asarray(part.coords)
        pieces += [LineString(coords[i : i + CHUNK + 1]) for i in range(0, len(coords) - 1, CHUNK)]
    return shapely.union_all(shapely.buffer(pieces, distance, quad_segs=QUAD_SEGS))


def band(border_metric: shapely.Geometry, depth_m: float, land_metric: shapely.Geometry) -> shapely.Geometry:
    """The part of `land_metric` within `depth_m` of `border_metric`, all in the metric CRS.

    Parameters
    ----------
    border_metric : the border line, from `prepare`
    depth_m : the zone's depth in metres (> 0)
    land_metric : the land on the zone's side of the border, from `prepare`

    Returns
    -------
    The band as a (multi)polygon in longitude/latitude.
    """
    if not depth_m > 0:
        raise ValueError(f"`depth_m` was {depth_m!r} but a zone depth must be > 0")
    # Simplifying the line by depth/1000 moves the band's inland edge by at most 0.1% of the
    # depth and makes the buffer of the deep zones many times faster.
    line = shapely.simplify(border_metric, depth_m * SIMPLIFY_FRACTION)
    buffer = _chunked_buffer(line, depth_m)
    zone = shapely.intersection(buffer, land_metric)
    return to_lonlat(densify(zone))
