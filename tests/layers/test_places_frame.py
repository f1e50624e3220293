"""layers/places.py: GeoNames check, frame, relative locations on the real gazetteer; layers/quality.py: the
findings report."""

from __future__ import annotations

import geopandas as gpd
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, box

from layers import border, placenames, places, quality, schema
from layers.build import REFERENCE, SOURCES, build_areas
from layers.errors import DataError
from layers.sources import LINE
from store import GeoPackageStore, write_store
from tests.layers.test_places import LIST_1927
from tests.layers.test_places_input import place_record

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def frame(gazetteer):
    return places.build(gazetteer, build_areas(gazetteer))


def test_every_relative_location_of_the_gazetteer_parses(gazetteer):
    from geo.relative import parse

    phrases = [p for r in gazetteer if r.get("relative_location") for p in r["relative_location"].split("; ")]
    assert len(phrases) == 4
    for phrase in phrases:
        parse(phrase)


# --- GeoNames ----------------------------------------------------------------------------------

NARYNKOL = {
    "id": "narynkol",
    "geonames_id": 1520747,
    "side": "USSR",
    "lat": 42.72636,
    "lon": 80.17495,
    "precision_m": 2000,
    "precision_class": "exact",
    LINE: 7,
}


def test_geonames_check_of_the_real_gazetteer(gazetteer):
    checked = places.check_geonames(gazetteer, SOURCES / places.FILE)
    assert len(checked) == sum(1 for r in gazetteer if r.get("geonames_id"))
    assert any(line.startswith("jarkent: GeoNames 1520253 Zharkent (KZ)") for line in checked)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"side": "China"},
            r"places.yaml:7: entry 'narynkol': geonames_id 1520747 \(Narynkol\) is in KZ, but a "
            r"China-side place must be in one of \['CN'\]",
        ),
        ({"geonames_id": 999999999}, r"geonames_id 999999999 does not exist"),
        ({"lat": 42.82}, r"the point is 10\.4 km from geonames_id 1520747 \(Narynkol, .*\); allowed: 5 km"),
        ({"lat": 42.75, "precision_class": "near"}, r"the point is 2\.6 km from .*; allowed: 2 km"),
    ],
)
def test_geonames_mismatches_are_data_errors(changes, message):
    with pytest.raises(DataError, match=message):
        places.check_geonames([NARYNKOL | changes], "places.yaml")


@pytest.mark.parametrize(
    "changes",
    [{}, {"lat": 42.74}, {"lat": 42.75, "precision_class": "near", "precision_m": 3000}],
)
def test_geonames_matches_pass(changes):
    [line] = places.check_geonames([NARYNKOL | changes], "places.yaml")
    assert line.startswith("narynkol: GeoNames 1520747 Narynkol (KZ)")


def test_a_soviet_side_place_may_be_in_kyrgyzstan_today():
    bishkek = {**NARYNKOL, "id": "frunze", "geonames_id": 1528675, "lat": 42.87, "lon": 74.59}
    assert places.check_geonames([bishkek], "places.yaml")[0].startswith("frunze: GeoNames 1528675 Bishkek (KG)")


# --- the frame ---------------------------------------------------------------------------------


def test_frame_has_the_common_schema_first(frame):
    assert list(frame.columns[: len(schema.COMMON)]) == schema.COMMON
    assert set(places.EXTRA_COLUMNS) <= set(frame.columns)
    assert frame.crs == "EPSG:4326"
    assert len(frame) == 77


def test_unlocated_places_are_kept_without_a_geometry(frame):
    unlocated = frame[~frame["located"]]
    assert len(unlocated) == 9
    assert unlocated.geometry.isna().all()
    assert (unlocated["precision_class"] == "unlocated").all()
    assert frame[frame["located"]].geometry.notna().all()


def test_variants_hold_every_other_name(frame):
    jarkent = frame.set_index("id").loc["jarkent"]
    assert {"Zharkent", "Джаркент", "Panfilov", "Panfilovsky"} <= set(jarkent["variants"])
    assert "Jarkent" not in jarkent["variants"]


def test_frame_keeps_counts_and_ids(frame):
    jarkent = frame.set_index("id").loc["jarkent"]
    assert jarkent["geonames_id"] == 1520253
    assert [p["count"] for p in jarkent["population"]] == [11100, 11300]
    assert LINE not in jarkent["sources"][0]


def test_unlocated_places_survive_the_store(frame, tmp_path):
    out = tmp_path / "atlas.gpkg"
    write_store({"places": (frame, frame)}, gpd.read_file(REFERENCE / "basemap.geojson"), out)
    stored = GeoPackageStore(out).frame("places")
    assert stored.geometry.isna().sum() == 9
    assert stored.set_index("id").loc["uryl", "geometry"] is None
    assert stored.set_index("id").loc["dararty-tract", "area_id"] == "jetisu-7-5km"
    assert stored.set_index("id").loc["narynkol", "geometry"].equals(Point(80.17495, 42.72636))


def test_population_survives_the_store(frame, tmp_path):
    out = tmp_path / "atlas.gpkg"
    write_store({"places": (frame, frame)}, gpd.read_file(REFERENCE / "basemap.geojson"), out)
    assert GeoPackageStore(out).frame("places").set_index("id").loc["jarkent", "population"][0]["count"] == 11100


def test_geonames_id_survives_the_store_as_an_integer(frame, tmp_path):
    out = tmp_path / "atlas.gpkg"
    write_store({"places": (frame, frame)}, gpd.read_file(REFERENCE / "basemap.geojson"), out)
    value = GeoPackageStore(out).frame("places").set_index("id").loc["jarkent", "geonames_id"]
    assert isinstance(value, int) and value == 1520253


# --- relative locations on the gazetteer -------------------------------------------------------


def test_santos_resolves_to_its_recorded_point(gazetteer):
    santos = placenames.find_place("Santos", gazetteer)
    location = placenames.resolve_in_gazetteer(santos["relative_location"], gazetteer)
    assert GEOD.inv(*location.point, santos["lon"], santos["lat"])[2] < 50
    assert location.radius_m > santos["precision_m"]  # 2 km for Narynkol + the 8-wind sector


def test_russian_phrase_finds_its_anchor_by_stem(gazetteer):
    english = placenames.resolve_in_gazetteer("4 km southeast of the village of Narynkol", gazetteer)
    russian = placenames.resolve_in_gazetteer("в 4 км к юго-востоку от Нарынкола", gazetteer)
    assert russian.point == pytest.approx(english.point)


def test_versts_south_of_bakhty(gazetteer):
    location = placenames.resolve_in_gazetteer("25 versts south of Bakhty", gazetteer)
    azimuth, _, distance = GEOD.inv(82.7763, 46.6845, *location.point)
    assert distance == pytest.approx(25 * 1066.8, abs=0.01)
    assert abs(azimuth) == pytest.approx(180)


def test_border_phrase_on_the_real_border(gazetteer):
    line = border.border_line(REFERENCE)
    location = placenames.resolve_in_gazetteer("500 meters from the border", gazetteer, border_line=line)
    assert location.point is None
    assert location.geometry.area > 0


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        (
            "4 km north of the Selke pass",
            r"'4 km north of the Selke pass': its anchor 'Selke pass' \(selke-pass\) is "
            r"unlocated",
        ),
        ("120 km from the village of Gmenovka", r"'120 km from the village of Gmenovka': its anchor 'Gmenovka'"),
        ("4 km north of Atlantis", r"cannot resolve '4 km north of Atlantis': no place named 'Atlantis'"),
        ("10 km from Semipalatinsk", r"'Semipalatinsk' fits several places: \['semipalatinsk-province'"),
        ("4 km upwards of Bakhty", r"unknown direction 'upwards'"),
    ],
)
def test_resolve_in_gazetteer_errors(gazetteer, phrase, message):
    with pytest.raises(ValueError, match=message):
        placenames.resolve_in_gazetteer(phrase, gazetteer)


# --- quality report ----------------------------------------------------------------------------


def _tiny_layers():
    """A border along 80E, the Soviet side west of it, a 7.5 km zone of 0.1 degree."""
    border_frame = gpd.GeoDataFrame({"id": ["b"]}, geometry=[LineString([(80, 40), (80, 50)])], crs="EPSG:4326")
    zones = gpd.GeoDataFrame({"id": [quality.ZONE_1927]}, geometry=[box(79.9, 40, 80, 50)], crs="EPSG:4326")
    land = box(77, 40, 80, 50)
    rows = [
        place_record("inside", "Inside", in_1927_list=True, lon=79.95),
        place_record("deep", "Deep", in_1927_list=True, lon=79.0, precision_m=1000),
        place_record("across", "Across", lon=80.5, precision_m=1000),
        place_record("chinese", "Chinese", side="China", lon=79.5),
        place_record("far", "Far", lon=70.0),
        place_record(
            "lost", "Lost", in_1927_list=True, lat=None, lon=None, precision_m=None, precision_class="unlocated"
        ),
    ]
    return places.build(rows), zones, border_frame, land


def test_quality_report_findings():
    frame, zones, border_frame, land = _tiny_layers()
    findings = quality.report(frame, zones, border_frame, land)
    assert [f["id"] for f in findings["outside_1927_zone"]] == ["deep"]
    assert [f["id"] for f in findings["wrong_side"]] == ["across", "chinese"]
    assert [f["id"] for f in findings["unlocated"]] == ["lost"]
    assert findings["counts"] == {
        "places": 6,
        "located": 5,
        "unlocated": 1,
        "in_1927_list": 3,
        "in_1927_list_checked": 2,
        "in_area": 0,
    }
    across = findings["wrong_side"][0]
    assert across["distance_to_border_m"] == pytest.approx(GEOD.inv(80, 44, 80.5, 44)[2], rel=1e-3)
    assert across["within_precision"] is False


def test_quality_report_softens_findings_within_the_points_radius():
    frame, zones, border_frame, land = _tiny_layers()
    frame.loc[frame["id"] == "across", "precision_m"] = 50_000.0
    findings = quality.report(frame, zones, border_frame, land)
    assert findings["wrong_side"][0]["within_precision"] is True


def test_format_report_lists_every_finding():
    frame, zones, border_frame, land = _tiny_layers()
    text = quality.format_report(quality.report(frame, zones, border_frame, land))
    assert "1927 list outside the 7.5 km zone as drawn (2 of 3 listed places have a point to check): 1" in text
    assert "  deep (Deep): " in text
    assert "on the wrong side of the border: 2" in text
    assert "  lost (Lost) [1927 list]" in text


def test_quality_report_needs_the_1927_zone():
    frame, zones, border_frame, land = _tiny_layers()
    with pytest.raises(ValueError, match=r"zone 'zone-7-5-km' is not in the zones layer; it has \['other'\]"):
        quality.report(frame, zones.assign(id=["other"]), border_frame, land)


def test_quality_report_on_the_real_layers(layers, frame):
    findings = quality.report(frame, layers["zones"], layers["border"], border.soviet_land(REFERENCE))
    outside = {f["id"] for f in findings["outside_1927_zone"]}
    assert not outside & {"narynkol", "khorgos", "bakhty"}
    assert outside <= set(LIST_1927.values())
    assert len(findings["unlocated"]) == 9
    assert "without coordinates: 9" in quality.format_report(findings)
