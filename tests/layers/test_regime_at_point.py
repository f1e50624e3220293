"""layers.regime: which zones held at a point on a date, what they restricted, and where a point without zones lies."""

from __future__ import annotations

from datetime import date

import pytest
from pyproj import Geod
from shapely.geometry import Point

import geo
from layers import border as border_layer
from layers.build import REFERENCE
from layers.errors import BadValue
from layers.regime import NOTES, STATUS, distance_and_zones, regime_at

KHORGOS = (80.38522, 44.22335)  # the village on the border (places.yaml)
GHULJA = (81.32, 43.91)  # Kuldja, in Xinjiang
ALMATY = (76.91, 43.25)  # Alma-Ata, 270 km from this section of the border
ALL_BUT_STRIPS = ["zone-4-km", "zone-7-5-km", "zone-16-km", "zone-22-km", "zone-50-km"]  # the 100 km zone: undated


@pytest.fixture(scope="module")
def lines():
    return border_layer.border_line(REFERENCE), border_layer.soviet_land(REFERENCE)


@pytest.fixture(scope="module")
def near_khorgos(lines):
    """A point 3 km inland from the border, on the line from the nearest border point through Khorgos."""
    line, _ = lines
    nearest = line.interpolate(line.project(Point(KHORGOS)))
    geod = Geod(ellps="WGS84")
    azimuth = geod.inv(nearest.x, nearest.y, *KHORGOS)[0]
    lon, lat, _ = geod.fwd(nearest.x, nearest.y, azimuth, 3000.0)
    assert geo.geodesic_distance_to_line(lon, lat, line) == pytest.approx(3000.0, abs=100.0)
    return lon, lat


def _ask(layers, lines, point, on):
    return regime_at(*point, on, layers["zones"], *lines)


def test_in_1933_every_zone_around_khorgos_is_in_force(layers, lines, near_khorgos):
    answer = _ask(layers, lines, near_khorgos, date(1933, 6, 1))
    assert answer["side"] == "USSR"
    assert answer["distance_m"] == pytest.approx(3000.0, abs=100.0)
    assert answer["in_force"] == ALL_BUT_STRIPS
    assert answer["note"] is None
    # the 21-verst trade zone also covers the point, but ended in 1924
    status = {z["id"]: z["status"] for z in answer["zones"]}
    assert status["zone-21-verst"] == "no longer in force"


@pytest.mark.parametrize("on", [date(1918, 6, 1), date(1929, 6, 1), date(1940, 6, 1)])
def test_the_undated_gold_zone_is_neither_in_force_nor_not(layers, lines, near_khorgos, on):
    """Issue 27: the 100 km gold rule, which the source does not date, was drawn from 1929. Now, in any year, its
    zone is in force at a time the sources do not give: no rules of its own that year, its act apart, cited."""
    (gold,) = [z for z in _ask(layers, lines, near_khorgos, on)["zones"] if z["id"] == "zone-100-km"]
    assert (gold["in_force"], gold["status"], gold["start"], gold["rules"], gold["acts"]) == (
        None, STATUS["undated"], None, [], [])  # fmt: skip
    assert [a["id"] for a in gold["undated_acts"]] == ["act-gold-100-km"]
    assert gold["undated_acts"][0]["rules"][0]["category"] == "gold"
    assert gold["sources"] == [gold["undated_acts"][0]["citation"]]


def test_a_point_in_the_gold_zone_alone_says_it_may_have_been_in_force(layers, lines):
    """75 km inland (only the 100 km zone there): not 'none of which was in force', but undated."""
    line, _ = lines
    nearest = line.interpolate(line.project(Point(KHORGOS)))
    geod = Geod(ellps="WGS84")
    lon, lat, _ = geod.fwd(nearest.x, nearest.y, geod.inv(nearest.x, nearest.y, *KHORGOS)[0], 75_000.0)
    answer = _ask(layers, lines, (lon, lat), date(1930, 6, 1))
    assert [z["id"] for z in answer["zones"]] == ["zone-100-km"]
    assert (answer["in_force"], answer["note"]) == ([], NOTES["undated_only"])


def test_in_1920_only_the_first_two_zones_are_in_force(layers, lines, near_khorgos):
    answer = _ask(layers, lines, near_khorgos, date(1920, 6, 1))
    assert answer["in_force"] == ["zone-4-km", "zone-7-5-km"]
    status = {z["id"]: z["status"] for z in answer["zones"]}
    assert status["zone-22-km"] == "not yet in force"
    later = [r for z in answer["zones"] for r in z["rules"] if r["date"] > "1920-06-01"]
    assert later == []  # nothing decided after the date


def test_what_the_zones_restricted_then(layers, lines, near_khorgos):
    zones = {z["id"]: z for z in _ask(layers, lines, near_khorgos, "1933-06-01")["zones"]}
    entry_22 = [r for r in zones["zone-22-km"]["rules"] if r["category"] == "entry"]
    assert entry_22 and all(r["effect"] == "restricts" and r["date"] <= "1933-06-01" for r in entry_22)
    assert entry_22[0]["citation"]["quote"]
    trade_50 = [r for r in zones["zone-50-km"]["rules"] if r["category"] == "trade"]
    assert trade_50 and trade_50[0]["effect"] == "permits"
    assert all(a["date"] <= "1933-06-01" for z in zones.values() for a in z["acts"])
    assert zones["zone-21-verst"]["rules"] == []  # not in force: nothing it restricted then


def test_a_point_in_xinjiang_has_no_zones(layers, lines):
    answer = _ask(layers, lines, GHULJA, date(1933, 6, 1))
    assert (answer["side"], answer["zones"], answer["note"]) == ("China", [], NOTES["china"])
    assert answer["distance_m"] > 30_000


@pytest.mark.parametrize(
    ("point", "note"),
    [
        (ALMATY, "in the USSR but farther than 100 km from this section of the border"),
        ((2.35, 48.85), "outside the area the atlas covers"),  # Paris
        ((89.0, 48.5), "outside the area the atlas covers"),  # Mongolia, past the Altai tripoint
    ],
)
def test_points_without_zones_say_where_they_lie(layers, lines, point, note):
    answer = _ask(layers, lines, point, date(1933, 6, 1))
    assert (answer["zones"], answer["note"]) == ([], note)


def test_a_year_means_its_last_day(layers, lines, near_khorgos):
    assert _ask(layers, lines, near_khorgos, "1929")["in_force"] == ALL_BUT_STRIPS


@pytest.mark.parametrize(
    ("lon", "lat", "on", "parameter", "message"),
    [
        (80.0, 200, date(1933, 6, 1), "lat", r"`lat`: was 200 but must be a number from -90 to 90"),
        (80.0, "north", date(1933, 6, 1), "lat", r"`lat`: was 'north'"),
        (181, 44.0, date(1933, 6, 1), "lon", r"`lon`: was 181 but must be a number from -180 to 180"),
        (80.0, float("nan"), date(1933, 6, 1), "lat", r"`lat`: was nan"),
        (80.0, 44.0, "1933-13-01", "on", r"`on`: was '1933-13-01' but must be an ISO 8601 date"),
        (80.0, 44.0, "June 1933", "on", r"`on`: was 'June 1933'"),
        (80.0, 44.0, date(1950, 1, 1), "on", r"from 1918-01-01 to 1940-12-31"),
    ],
)
def test_bad_queries_name_the_parameter(layers, lines, lon, lat, on, parameter, message):
    with pytest.raises(BadValue, match=message) as caught:
        regime_at(lon, lat, on, layers["zones"], *lines)
    assert caught.value.parameter == parameter


def test_distance_and_zones_for_the_build(layers, lines):
    distance, zone_ids = distance_and_zones(*KHORGOS, layers["zones"], lines[0])
    assert 0 < distance < 4000
    assert set(ALL_BUT_STRIPS) | {"zone-21-verst", "zone-100-km"} == set(zone_ids)  # any date, the undated too
    assert distance_and_zones(*GHULJA, layers["zones"], lines[0])[1] == []
