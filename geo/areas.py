"""Areas of possibility: the polygon a text constrains a place to ("in the 7.5 km zone of Jetisu province").

An area is a stretch of the border line between two positions measured along it, grown inland
to a depth (optionally less an inner depth, for "500 metres from the border"), optionally cut to
a disc around a place. Pure geometry in the metric CRS (geo.crs); the rules come from
data/sources/areas.yaml through layers/areas.py.

The stretch's ends are rounded (a buffer's caps): the area reaches up to `depth_m` past each end,
which errs on the side of admitting a place rather than excluding it.
"""

from __future__ import annotations

import shapely
from shapely.geometry import Point
from shapely.ops import nearest_points, substring

from geo.bands import band_metric
from geo.crs import to_lonlat, to_metric


def along(line_metric: shapely.Geometry, lon: float, lat: float) -> float:
    """Distance in metres along the (metric) border line to the point of it nearest (lon, lat)."""
    return float(line_metric.project(to_metric(Point(lon, lat))))


def strip(
    line_metric: shapely.Geometry,
    land_metric: shapely.Geometry,
    stretch: tuple[float, float],
    depth_m: float,
    *,
    inner_m: float = 0.0,
    disc: tuple[float, float, float] | None = None,
) -> shapely.Geometry:
    """The land within `depth_m` (and beyond `inner_m`) of the line between `from_m` and `to_m` along it.

    Parameters
    ----------
    line_metric, land_metric : the border line and the land on its Soviet side, from geo.prepare
    stretch : (from_m, to_m), positions along the line in metres; clamped to the line, from_m < to_m
    depth_m : how far inland the area reaches (> inner_m)
    inner_m : how far inland it begins (0: at the line)
    disc : (lon, lat, radius_m) to cut the area to, or None

    Returns
    -------
    The area as a (multi)polygon in longitude/latitude.
    """
    start, stop = max(0.0, stretch[0]), min(line_metric.length, stretch[1])
    if not stop > start:
        raise ValueError(f"the stretch from {stretch[0]:.0f} m to {stretch[1]:.0f} m along the line is empty")
    if not depth_m > inner_m >= 0:
        raise ValueError(f"`depth_m` ({depth_m}) must be greater than `inner_m` ({inner_m}), which must be >= 0")
    part = substring(line_metric, start, stop)
    area = band_metric(part, depth_m, land_metric)
    if inner_m > 0:
        area = shapely.difference(area, band_metric(part, inner_m, land_metric))
    if disc is not None:
        lon, lat, radius_m = disc
        area = shapely.intersection(area, to_metric(Point(lon, lat)).buffer(radius_m, quad_segs=32))
    if area.is_empty:
        raise ValueError("the rule gives an empty area")
    return to_lonlat(area)


def marker_point(
    area_lonlat: shapely.Geometry, line_metric: shapely.Geometry, from_m: float, to_m: float
) -> tuple[shapely.Geometry, float]:
    """Where an area's marker goes, and the radius in metres around it that covers the whole area.

    The marker is the point of the area nearest the middle of its stretch of border (for a unit's
    sector centred on its seat, next to the seat), so that it stands where the area is, not at an
    arbitrary point of a long strip.
    """
    area = to_metric(area_lonlat)
    middle = line_metric.interpolate((from_m + to_m) / 2)
    point = nearest_points(area, middle)[0]
    return to_lonlat(point), float(shapely.hausdorff_distance(point, area))
