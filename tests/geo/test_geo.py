"""geo/: units, geodesic measures, zone bands on tiny geometries and on the real border."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Polygon, box

import geo
from layers import border
from layers.build import REFERENCE

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(
    ("value", "unit", "metres"),
    [(21, "verst", 22402.8), (1, "verst", 1066.8), (500, "sazhen", 1066.8), (7.5, "km", 7500), (4, "m", 4)],
)
def test_units(value, unit, metres):
    assert geo.to_metres(value, unit) == pytest.approx(metres)


def test_unknown_unit_names_the_allowed_ones():
    with pytest.raises(
        ValueError, match=r"`unit` was 'mile' but is expected to be one of \['km', 'm', 'sazhen', 'verst'\]"
    ):
        geo.to_metres(1, "mile")


def test_negative_length_is_refused():
    with pytest.raises(ValueError, match="must be a number >= 0"):
        geo.to_metres(-1, "km")


def test_geodesic_distance_to_line_matches_geod():
    line = LineString([(80.0, 45.0), (81.0, 45.0)])
    # 0.1 degree of latitude north of the middle of an east-west segment
    expected = GEOD.inv(80.5, 45.1, 80.5, 45.0)[2]
    assert geo.geodesic_distance_to_line(80.5, 45.1, line) == pytest.approx(expected, rel=1e-4)


def test_band_on_a_tiny_square_keeps_one_side():
    """A 1 km band along the south edge of a 10 km land square is a 10 km x 1 km strip."""
    land = geo.prepare(box(83.0, 45.0, 83.13, 45.09))
    edge = geo.prepare(LineString([(82.9, 45.0), (83.2, 45.0)]))
    zone = geo.band(edge, 1000, land)
    metric = geo.to_metric(zone)
    width_m = geo.to_metric(box(83.0, 45.0, 83.13, 45.0001)).bounds
    assert metric.bounds[1] == pytest.approx(geo.to_metric(LineString([(83.0, 45.0), (83.13, 45.0)])).bounds[1], abs=50)
    assert zone.bounds[1] >= 45.0 - 1e-9, "the band must not leave the land polygon"
    assert metric.area == pytest.approx((width_m[2] - width_m[0]) * 1000, rel=0.01)


def test_band_refuses_a_zero_depth():
    with pytest.raises(ValueError, match="`depth_m` was 0"):
        geo.band(LineString([(0, 0), (1, 0)]), 0, Polygon([(0, 0), (1, 0), (1, 1)]))


def test_border_is_one_line_of_the_published_length():
    line = border.border_line(REFERENCE)
    assert line.geom_type == "LineString"
    length_km = geo.geodesic_length(line) / 1000
    assert abs(length_km - 1765) / 1765 < 0.03, length_km
    south, north = line.coords[0], line.coords[-1]
    assert south[1] < 42.5 and north[1] > 49.0  # Khan Tengri tripoint -> Altai tripoint


@pytest.fixture(scope="module")
def reference_metric():
    """The border line and the land's boundary in the metric CRS, prepared for fast distance tests."""
    line_m = geo.prepare(border.border_line(REFERENCE))
    land_edge = geo.prepare(border.soviet_land(REFERENCE)).boundary
    shapely.prepare(line_m)
    shapely.prepare(land_edge)
    return line_m, land_edge


def _inland_samples(zone, reference_metric, depth_m: float, count: int = 240) -> list[tuple[float, float]]:
    """Points on the zone's edge that lie neither on the border nor on the land polygon's other edges.

    A point of the zone's edge at about the depth from the border that is near the land's
    boundary is near one of its other edges (lakes, the Kyrgyz and Russian borders, the clip box).
    """
    line_m, land_edge = reference_metric
    edge = geo.prepare(zone).boundary
    parts = list(getattr(edge, "geoms", [edge]))
    points = np.concatenate(
        [
            shapely.line_interpolate_point(
                p, np.linspace(0, p.length, max(2, int(20 * count * p.length / edge.length)))
            )
            for p in parts
        ]
    )
    near_border = shapely.dwithin(points, line_m, depth_m / 2)
    near_other_edge = shapely.dwithin(points, land_edge, max(0.5, depth_m * 0.01))
    chosen = points[~near_border & ~near_other_edge]
    step = max(1, len(chosen) // count)
    lonlat = geo.to_lonlat(shapely.multipoints(chosen[::step]))
    return [(p.x, p.y) for p in lonlat.geoms]


@pytest.mark.parametrize(
    "zone_id",
    [
        "strip-4-m",
        "strip-500-m",
        "zone-4-km",
        "zone-7-5-km",
        "zone-16-km",
        "zone-21-verst",
        "zone-22-km",
        "zone-50-km",
        "zone-100-km",
    ],
)
def test_inland_edge_is_at_the_depth(layers, reference_metric, zone_id):
    """>= 200 points of each zone's inland edge lie at the depth from the border (pyproj.Geod)."""
    zones = layers["zones"].set_index("id")
    depth = zones.loc[zone_id, "depth_m"]
    line = border.border_line(REFERENCE)
    samples = _inland_samples(zones.loc[zone_id, "geometry"], reference_metric, depth)
    assert len(samples) >= 200
    errors = np.array([geo.geodesic_distance_to_line(lon, lat, line) - depth for lon, lat in samples])
    tolerance = 1.0 if depth < 10 else 0.005 * depth
    worst = float(np.abs(errors).max())
    assert worst <= tolerance, (
        f"{zone_id}: worst error {worst:.3f} m over {len(samples)} points (allowed {tolerance} m)"
    )
