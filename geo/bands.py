"""One-sided zone bands: the part of a land polygon within a distance of a border line."""

from __future__ import annotations

import math

import numpy as np
import shapely

from geo.crs import to_lonlat, to_metric

DENSIFY_DEG = 0.001  # about 100 m: input lines are straight in lon/lat between vertices
DENSIFY_M = 100.0  # segments no longer than this, so straight-in-lon/lat and straight-in-metres agree to < 1 mm
SIMPLIFY_FRACTION = 0.001  # the line is simplified by 0.1% of the depth before buffering
MIN_SIMPLIFY_M = 0.1  # ... but by at least 10 cm
CHORD_FRACTION = 0.0013  # arcs are drawn with chords at most 0.13% of the depth inside the true circle
MIN_CHORD_M = 0.05  # ... or 5 cm, whichever is larger


def quad_segs(depth_m: float) -> int:
    """Arc vertices per quarter circle so that the chord error stays within the budget."""
    allowed = max(CHORD_FRACTION * depth_m, MIN_CHORD_M) / depth_m
    return max(2, math.ceil(math.pi / (4 * math.acos(1 - allowed))))


def densify(geom: shapely.Geometry, max_m: float = DENSIFY_M) -> shapely.Geometry:
    """Add vertices to a metric geometry so that no segment is longer than `max_m` metres."""
    return shapely.segmentize(geom, max_m)


def prepare(geom_lonlat: shapely.Geometry) -> shapely.Geometry:
    """A lon/lat geometry, densified where it is still straight, in the metric CRS.

    Border line and land polygon must both pass through here: they share vertices, and
    densifying both the same way keeps their shared edges identical in the metric CRS.
    """
    return to_metric(shapely.segmentize(geom_lonlat, DENSIFY_DEG))


def _exact_buffer(line: shapely.Geometry, distance: float) -> shapely.Geometry:
    """Buffer of a line as the union of the buffers of its single segments.

    GEOS simplifies a multi-vertex input by up to 1% of the distance before buffering, which
    would put a zone's edge up to 1% too far or too near; a two-point segment it cannot
    simplify, so the union of segment capsules is the buffer to within the arc chords.
    """
    segments = []
    for part in getattr(line, "geoms", [line]):
        coords = np.asarray(part.coords)
        segments.append(shapely.linestrings(np.stack([coords[:-1], coords[1:]], axis=1)))
    return shapely.union_all(shapely.buffer(np.concatenate(segments), distance, quad_segs=quad_segs(distance)))


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
    return to_lonlat(densify(band_metric(border_metric, depth_m, land_metric)))


def band_metric(border_metric: shapely.Geometry, depth_m: float, land_metric: shapely.Geometry) -> shapely.Geometry:
    """`band`, left in the metric CRS (for areas built from parts of the line)."""
    if not depth_m > 0:
        raise ValueError(f"`depth_m` was {depth_m!r} but a zone depth must be > 0")
    # Simplifying the line by depth/1000 moves the band's inland edge by at most 0.1% of the
    # depth and makes the buffer of the deep zones many times faster.
    line = shapely.simplify(border_metric, max(depth_m * SIMPLIFY_FRACTION, MIN_SIMPLIFY_M))
    buffer = _exact_buffer(line, depth_m)
    return shapely.intersection(buffer, land_metric)
