"""The curves a migration flow is drawn as: schematic arcs between the representative points of areas.

A flow's line says that people moved from one area to another, not by which route: it is a quadratic Bézier
curve bent to the left of its chord (so that a flow and its return are drawn apart), computed in the metric CRS
(geo.crs) and returned in longitude/latitude. Where the source names the sector people crossed in, the curve
passes through the point of that sector's stretch of border nearest its chord.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.ops import nearest_points

from geo.crs import to_lonlat, to_metric

BEND = 0.18  # the control point's offset from the chord's middle, as a share of the chord's length
BEND_STEP = 0.12  # how much more each further flow between the same two areas is bent
STEPS = 32  # vertices of a drawn arc


def representative_point(area: shapely.Geometry) -> Point:
    """The point an area's flows start or end at: its centroid (never a town of it), or where that lies outside
    it (several districts together), the point of the area nearest it."""
    metric = to_metric(area)
    centroid = metric.centroid
    return to_lonlat(centroid if metric.contains(centroid) else nearest_points(metric, centroid)[0])


def arc(start: Point, end: Point, *, via: Point | None = None, bend: float = BEND) -> LineString:
    """The curve from `start` to `end` (lon/lat), bent left of the chord by `bend` (flows between the same two areas
    are drawn apart by bending them more), or through `via` at its middle."""
    a, b = (np.array(to_metric(p).coords[0]) for p in (start, end))
    if via is None:
        (dx, dy), middle = b - a, (a + b) / 2
        control = middle + bend * np.array([-dy, dx])
    else:
        control = 2 * np.array(to_metric(via).coords[0]) - (a + b) / 2  # the curve meets `via` at t = 1/2
    t = np.linspace(0.0, 1.0, STEPS)[:, None]
    points = (1 - t) ** 2 * a + 2 * (1 - t) * t * control + t**2 * b
    return to_lonlat(LineString(points))


def crossing(border: shapely.Geometry, sector: shapely.Geometry, towards: Point) -> Point:
    """The point of the border line inside `sector` (lon/lat) nearest `towards`: where a flow is drawn crossing it."""
    stretch = shapely.intersection(to_metric(border), to_metric(sector).buffer(1.0))
    if stretch.is_empty:
        raise ValueError("the sector holds no part of the border line")
    return to_lonlat(nearest_points(stretch, to_metric(towards))[0])


def chord_middle(start: Point, end: Point) -> Point:
    """The middle of the straight line between two points (metric CRS), in lon/lat."""
    a, b = to_metric(start), to_metric(end)
    return to_lonlat(Point((a.x + b.x) / 2, (a.y + b.y) / 2))
