"""Pure geometry for Border Atlas: the metric CRS, units, geodesic lengths, one-sided zone bands."""

from geo.bands import band, densify, prepare
from geo.crs import METRIC_CRS, to_lonlat, to_metric
from geo.measure import geodesic_distance_to_line, geodesic_length
from geo.units import UNITS, to_metres

__all__ = [
    "METRIC_CRS",
    "UNITS",
    "band",
    "densify",
    "geodesic_distance_to_line",
    "geodesic_length",
    "prepare",
    "to_lonlat",
    "to_metres",
    "to_metric",
]
