"""geo/relative.py: parsing relative-location phrases (English, Russian) and resolving them."""

from __future__ import annotations

import math

import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point

from evidence.documents import by_seed, normalized
from geo.relative import BEARINGS, Relative, parse, resolve

GEOD = Geod(ellps="WGS84")
NARYNKOL = (80.17495, 42.72636)

# The relative locations of seed 003, verbatim.
SEED_003_PHRASES = {
    "4 km southeast of the village of Narynkol": (4000, 135.0, "Narynkol", False),
    "4 km north of the Selke pass": (4000, 0.0, "Selke pass", False),
    "10 km west of the Lonkol valley": (10000, 270.0, "Lonkol valley", False),
    "120 km from the village of Gmenovka": (120000, None, "Gmenovka", False),
    "25 versts south of Bakhty": (26670, 180.0, "Bakhty", False),
    "500 meters from the border": (500, None, "border", True),
    "4 kilometers from the state border": (4000, None, "state border", True),
}
RUSSIAN = {
    "в 4 км к юго-востоку от Нарынкола": (4000, 135.0, "Нарынкола", False),
    "в 25 верстах к югу от Бахты": (26670, 180.0, "Бахты", False),
    "в 500 метрах от границы": (500, None, "границы", True),
    "в 10 километрах к западу от долины Лонкол": (10000, 270.0, "Лонкол", False),
    "в 3 верстах к северо-северо-востоку от Бахты": (3200.4, 22.5, "Бахты", False),
    "в 200 саженях от государственной границы": (426.72, None, "государственной границы", True),
}


def _seed_text(name: str) -> str:
    return normalized(by_seed()[name].text())


@pytest.mark.parametrize("phrase", sorted(SEED_003_PHRASES))
def test_the_phrases_are_the_seeds_own(phrase):
    assert phrase in _seed_text("003_8b2a7f5298569eee.txt")


@pytest.mark.parametrize(("phrase", "expected"), sorted({**SEED_003_PHRASES, **RUSSIAN}.items()))
def test_parse(phrase, expected):
    distance, bearing, anchor, is_border = expected
    parsed = parse(phrase)
    assert parsed.distance_m == pytest.approx(distance)
    assert parsed.bearing_deg == bearing
    assert parsed.anchor == anchor
    assert parsed.anchor_is_border is is_border
    assert parsed.phrase == phrase


@pytest.mark.parametrize(
    ("phrase", "metres"),
    [
        ("1 verst north of X", 1066.8),
        ("1 верста к северу от X", 1066.8),
        ("1 sazhen north of X", 2.1336),
        ("500 sazhens north of X", 1066.8),
        ("1 сажень от X", 2.1336),
        ("7.5 km north of X", 7500),
        ("7,5 км к северу от X", 7500),
        ("4 metres from X", 4),
        ("4 m from X", 4),
        ("4km from X", 4000),
        ("2 kilometres from X", 2000),
    ],
)
def test_units(phrase, metres):
    assert parse(phrase).distance_m == pytest.approx(metres)


@pytest.mark.parametrize(
    ("word", "bearing"),
    [
        ("north", 0),
        ("north-east", 45),
        ("northeast", 45),
        ("North East", 45),
        ("NE", 45),
        ("east-northeast", 67.5),
        ("south‑southwest", 202.5),  # non-breaking hyphen, as word processors write it
        ("nnw", 337.5),
        ("к северу", 0),
        ("к северо-востоку", 45),
        ("к востоку", 90),
        ("к юго-востоку", 135),
        ("к югу", 180),
        ("к юго-западу", 225),
        ("к западу", 270),
        ("к северо-западу", 315),
        ("к северо-северо-западу", 337.5),
        ("на юго-восток", 135),
    ],
)
def test_compass_words(word, bearing):
    connector = "от" if word.startswith(("к ", "на ")) else "of"
    assert parse(f"4 km {word} {connector} X").bearing_deg == bearing


def test_the_compass_has_sixteen_winds():
    assert len(BEARINGS) == 16
    assert sorted(BEARINGS.values()) == [i * 22.5 for i in range(16)]


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("north of Bakhty", r"'north of Bakhty': no distance"),
        ("five km north of Bakhty", r"no distance"),
        ("5 leagues north of Bakhty", r"unknown unit 'leagues'"),
        ("5 km upwards of Bakhty", r"unknown direction 'upwards'"),
        ("5 km north by east of Bakhty", r"unknown direction 'north by east'"),
        ("5 km southsouth of Bakhty", r"unknown direction 'southsouth'"),
        ("5 km north", r"'5 km north': no place it is measured from"),
        ("5 km north of the", r"no place after 'of', 'from' or 'от'"),
        ("5 north of Bakhty", r"unknown unit 'north'"),
    ],
)
def test_unreadable_phrases_name_the_phrase_and_the_problem(phrase, message):
    with pytest.raises(ValueError, match=message):
        parse(phrase)


def test_offset_is_the_geodesic_offset():
    location = resolve(parse("4 km southeast of the village of Narynkol"), NARYNKOL, 2000)
    azimuth, _, distance = GEOD.inv(*NARYNKOL, *location.point)
    assert distance == pytest.approx(4000, abs=0.01)
    assert azimuth == pytest.approx(135, abs=1e-6)
    assert location.method == "offset"
    assert location.geometry.contains(Point(location.point))


def test_offset_radius_covers_the_compass_sector_and_the_anchor():
    location = resolve(parse("4 km southeast of X"), NARYNKOL, 2000)
    # farthest corner of the sector (1.1 d, 22.5 degrees off) from the nominal point, plus the anchor radius
    corner = 4000 * math.sqrt(1.1**2 + 1 - 2 * 1.1 * math.cos(math.radians(22.5)))
    assert location.radius_m == pytest.approx(2000 + corner)
    assert 2000 + 0.4 * 4000 < location.radius_m < 2000 + 0.45 * 4000
    # no part of the area lies farther from the point than the radius
    for lon, lat in location.geometry.exterior.coords:
        assert GEOD.inv(*location.point, lon, lat)[2] <= location.radius_m * 1.01


def test_a_sixteen_wind_word_is_narrower_than_an_eight_wind_word():
    eight = resolve(parse("10 km north of X"), NARYNKOL, 0)
    sixteen = resolve(parse("10 km north-northeast of X"), NARYNKOL, 0)
    assert sixteen.radius_m < eight.radius_m
    assert sixteen.radius_m == pytest.approx(10000 * math.sqrt(1.1**2 + 1 - 2 * 1.1 * math.cos(math.radians(11.25))))


def test_english_and_russian_give_the_same_location():
    english = resolve(parse("4 km southeast of the village of Narynkol"), NARYNKOL, 2000)
    russian = resolve(parse("в 4 км к юго-востоку от Нарынкола"), NARYNKOL, 2000)
    assert english.point == pytest.approx(russian.point)
    assert english.radius_m == russian.radius_m


def test_without_a_bearing_the_place_is_on_a_ring_round_the_anchor():
    location = resolve(parse("120 km from the village of Gmenovka"), NARYNKOL, 2000)
    assert location.point == NARYNKOL
    assert location.radius_m == 122000
    assert not location.geometry.contains(Point(NARYNKOL))
    for azimuth in (0, 90, 200, 300):
        for distance, inside in ((120000, True), (107000, True), (105000, False), (133000, True), (135000, False)):
            lon, lat, _ = GEOD.fwd(*NARYNKOL, azimuth, distance)
            assert location.geometry.contains(Point(lon, lat)) is inside, (azimuth, distance)


def test_a_short_ring_with_a_large_anchor_is_a_disc():
    location = resolve(parse("1 km from X"), NARYNKOL, 5000)
    assert location.geometry.contains(Point(NARYNKOL))


BORDER = LineString([(80.0, 44.0), (80.0, 45.0)])


def _east_of_line(metres: float) -> Point:
    lon, lat, _ = GEOD.fwd(80.0, 44.5, 90, metres)
    return Point(lon, lat)


@pytest.mark.parametrize(("metres", "inside"), [(500, True), (460, True), (540, True), (400, False), (600, False)])
def test_distance_from_the_border_is_a_band(metres, inside):
    location = resolve(parse("500 meters from the border"), None, 0, border_line=BORDER)
    assert location.point is None
    assert location.radius_m is None
    assert location.geometry.contains(_east_of_line(metres)) is inside


def test_distance_from_the_border_near_an_anchor():
    anchor = _east_of_line(2000)
    location = resolve(parse("в 500 метрах от границы"), (anchor.x, anchor.y), 3000, border_line=BORDER)
    point = Point(location.point)
    assert location.geometry.buffer(1e-9).contains(point)
    assert GEOD.inv(80.0, point.y, point.x, point.y)[2] == pytest.approx(550, abs=5)  # the band's edge nearest it
    assert location.radius_m < 3000 + 2000 + 500


@pytest.mark.parametrize(
    ("phrase", "anchor", "border", "message"),
    [
        ("500 meters from the border", None, None, r"'500 meters from the border'.*`border_line` is needed"),
        ("4 km north of Bakhty", None, None, r"'4 km north of Bakhty'.*the anchor 'Bakhty' has no point"),
        ("120 km from Gmenovka", None, None, r"the anchor 'Gmenovka' has no point"),
    ],
)
def test_resolve_errors(phrase, anchor, border, message):
    with pytest.raises(ValueError, match=message):
        resolve(parse(phrase), anchor, 0, border_line=border)


def test_negative_anchor_radius_is_refused():
    with pytest.raises(ValueError, match=r"`anchor_radius_m` was -1"):
        resolve(parse("4 km north of X"), NARYNKOL, -1)


def test_the_result_is_a_plain_dataclass():
    parsed = parse("4 km north of X")
    assert isinstance(parsed, Relative)
    assert (parsed.value, parsed.unit, parsed.direction) == (4.0, "km", "n")
