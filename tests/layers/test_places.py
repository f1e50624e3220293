"""layers/places.py: the gazetteer's validation, GeoNames check, frame, name look-up, relative
locations on the real gazetteer; layers/quality.py: the findings report."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import yaml
from pyproj import Geod
from shapely.geometry import LineString, Point, box

from layers import border, placenames, places, quality, schema
from layers.build import REFERENCE, SOURCES, build_areas
from layers.documents import by_seed, normalized
from layers.errors import DataError
from layers.sources import LINE
from store import GeoPackageStore, write_store

GEOD = Geod(ellps="WGS84")
SEED_003 = "003_8b2a7f5298569eee.txt"
SEED_001 = "001_18c5ebe104e7b172.txt"

# The 1927 list of USSR border settlements in the 7.5 km zone (seed 003, footnote 31): all 21.
LIST_1927 = {
    "Narynkol": "narynkol",
    "Dararty": "dararty-tract",
    "Sumbe": "sumbe",
    "Buduty-Khassan": "buduty-khassan",
    "Buduty": "buduty",
    "Koldzhat": "koldzhat",
    "Khorgos": "khorgos",
    "Baskunchi": "baskunchi",
    "Arsaly": "arsaly-mountains",
    "Chekert": "chekert-mountains",
    "Aity": "aity-mountains",
    "Bakhty": "bakhty",
    "Murza-Artyk": "murza-artyk",
    "Mai-Kapchagay": "mai-kapchagay",
    "Tyuyu-Kuyryuk": "tyuyu-kuyryuk",
    "Nizhny Ashala": "nizhny-ashala",
    "Dandybaeva": "dandybaeva-aul",
    "Alekseyevka": "alekseyevka",
    "Nikolaevka": "nikolaevka",
    "Aleksandrovka": "aleksandrovka",
    "Matveyevka": "matveyevka",
}
# Every other place name of seed 003 (English) and of seed 001's English abstract (000), as the text spells it.
OTHER_003 = {
    "Altai": "altai",
    "Zaysan": "zaysan",
    "Zaisan": "zaysan",
    "Zaysan district": "zaysan-district",
    "Jetisu": "jetisu-province",
    "Jetisu province": "jetisu-province",
    "Semirechye": "jetisu-province",
    "Semerichensk": "jetisu-province",
    "Semipalatinsk province": "semipalatinsk-province",
    "Alma-Ata": "alma-ata",
    "Alma-Ata uezd": "alma-ata-uezd",
    "Alma-Ata region": "alma-ata-region",
    "Semipalatinsk region": "semipalatinsk-region",
    "East Kazakhstan region": "east-kazakhstan-region",
    "Kyzylorda": "kyzylorda",
    "Khantegri": "khan-tengri",
    "Jarkent": "jarkent",
    "Panfilovsky": "jarkent",
    "Chingistai": "chingistai",
    "Lepsinsk": "lepsinsk",
    "Lepsinsk district": "lepsinsk-district",
    "Saryzhak": "saryzhak",
    "Xinjiang": "xinjiang",
    "Altay District": "altay-district",
    "Ili District": "ili-district",
    "Tarbagatai District": "tarbagatai-district",
    "Barkul": "barkul",
    "Barkol": "barkul",
    "Zhengxi uezd": "zhengxi-uezd",
    "Chinese Altai": "chinese-altai",
    "Ush-Bulak": "ush-bulak-tract",
    "Sarkono": "sarkand",
    "Sarkand": "sarkand",
    "Santos": "santos",
    "Chagan-Abo": "chagan-abo",
    "Uryl": "uryl",
    "Kyzyl-Aul": "kyzyl-aul",
    "Khabarasu": "khabarasu",
    "Ayaguz": "ayaguz-district",
    "Ayaguz district": "ayaguz-district",
    "Tarbagai Mountains": "tarbagatai-mountains",
    "Dzhimanchi": "dzhimanchi",
    "Chiganak": "chiganak",
    "Urjar": "urjar",
    "Urjar district": "urjar-district",
    "Kokpekty": "kokpekty-district",
    "Alkabek": "alkabek",
    "Kuzeun": "kuzeun-tract",
    "Chuguchak": "chuguchak",
    "Emilsk": "emilsk",
    "Makanchinsk volost": "makanchinsk-volost",
    "Chulak": "chulak",
    "Selke": "selke-pass",
    "Lonkol": "lonkol-valley",
    "Tokhty": "tokhty-tract",
    "Gmenovka": "gmenovka",
    # seed 000, the English abstract of 001
    "Urumqi": "urumqi",
    "Western China": "xinjiang",
    "Moscow": "moscow",
}
# Seed 001 (Russian), each name in a form the text has (declined: the look-up goes by stem).
FORMS_001 = {
    "Урумчи": "urumqi",
    "Синьцзян": "xinjiang",
    "Синьцзяном": "xinjiang",
    "Западным Китаем": "xinjiang",
    "Восточным Туркестаном": "xinjiang",
    "Северо-Западным Китаем": "xinjiang",
    "Кульджинским округом": "ili-district",
    "Кульдже": "kuldja",
    "Ташкенте": "tashkent",
    "Чугучаке": "chuguchak",
    "Москве": "moscow",
    "Ферганской области": "fergana-oblast",
    "Фергану": "fergana-oblast",
    "Алма-Ате": "alma-ata",
    "Верный": "alma-ata",
    "Тянь-Шаня": "tian-shan",
    "Семиречье": "jetisu-province",
    "Кашгарского округа": "kashgar-district",
    "Кашгаре": "kashgar",
}
ALL_NAMES = {**LIST_1927, **OTHER_003, **FORMS_001}


@pytest.fixture(scope="module")
def gazetteer() -> list[dict]:
    return places.read_places(SOURCES)


@pytest.fixture(scope="module")
def frame(gazetteer):
    return places.build(gazetteer, build_areas(gazetteer))


def _seed(name: str) -> str:
    return normalized(by_seed()[name].text())


# --- the place-name list: every name of the seeds leads to its place ---------------------------


@pytest.mark.parametrize(("name", "place_id"), sorted(ALL_NAMES.items()))
def test_every_place_name_of_the_seeds_is_in_the_gazetteer(gazetteer, name, place_id):
    found = placenames.find_place(name, gazetteer)
    assert found is not None, f"{name!r} is not a name or variant of any place"
    assert found["id"] == place_id


def test_the_1927_list_is_complete_and_flagged(gazetteer):
    assert len(LIST_1927) == 21
    flagged = {r["id"] for r in gazetteer if r["in_1927_list"]}
    assert flagged == set(LIST_1927.values())


@pytest.mark.parametrize("name", sorted(LIST_1927))
def test_the_1927_names_are_spelled_as_in_seed_003(name):
    assert name in _seed(SEED_003)


@pytest.mark.parametrize("form", sorted(FORMS_001))
def test_the_russian_forms_are_the_texts_own(form):
    assert form in _seed(SEED_001)


def test_the_name_check_can_fail(gazetteer):
    assert placenames.find_place("Atlantis", gazetteer) is None


# --- pins --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "place_id", "modern_name", "geonames_id"),
    [
        ("Jarkent", "jarkent", "Zharkent", 1520253),
        ("Zharkent", "jarkent", "Zharkent", 1520253),
        ("Chuguchak", "chuguchak", "Tacheng", 1529167),
        ("Tacheng", "chuguchak", "Tacheng", 1529167),
        ("Kuldja", "kuldja", "Yining", 1529435),
        ("Ghulja", "kuldja", "Yining", 1529435),
        ("Yining", "kuldja", "Yining", 1529435),
    ],
)
def test_pinned_identifications(gazetteer, name, place_id, modern_name, geonames_id):
    record = placenames.find_place(name, gazetteer)
    assert (record["id"], record["modern_name"], record["geonames_id"]) == (place_id, modern_name, geonames_id)


def test_lepsinsk_is_the_village_in_the_alatau_foothills_not_lepsy_station(gazetteer):
    lepsinsk = placenames.find_place("Lepsinsk", gazetteer)
    assert lepsinsk["lat"] == pytest.approx(45.5, abs=0.15)
    assert lepsinsk["lon"] == pytest.approx(80.6, abs=0.15)
    assert lepsinsk["geonames_id"] != 1521333  # GeoNames 'Lepsi', the station
    lepsy_station = (78.94, 46.23)
    assert GEOD.inv(lepsinsk["lon"], lepsinsk["lat"], *lepsy_station)[2] > 100_000


# --- validation: each bad input is a DataError with file, line and reason ----------------------


def _record(ident: str, name: str, **changes) -> dict:
    record = {
        "id": ident,
        "name": name,
        "name_ru": None,
        "variants": [],
        "feature_type": "village",
        "side": "USSR",
        "in_1927_list": False,
        "lat": 44.0,
        "lon": 80.0,
        "precision_m": 1000,
        "precision_class": "near",
        "location_basis": "hand-made test record (https://example.org/test-record)",
        "population": None,
        "sources": [{"document": "ablazhey-zhanbossinova-2026", "note": None, "quote": f"the village of {name} here"}],
    }
    record.update(changes)
    return {k: v for k, v in record.items() if v != "<drop>"}


def _write(tmp_path: Path, records) -> Path:
    text = yaml.safe_dump(records, allow_unicode=True, sort_keys=False)
    (tmp_path / places.FILE).write_text(text, encoding="utf-8")
    return tmp_path / places.FILE


def _line_of(path: Path, ident: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() in (f"- id: {ident}", f"id: {ident}"))


def test_a_good_file_reads(tmp_path):
    _write(
        tmp_path,
        [
            _record("alpha", "Alpha"),
            _record("beta", "Beta", lat=None, lon=None, precision_m=None, precision_class="unlocated"),
        ],
    )
    assert [r["id"] for r in places.read_places(tmp_path)] == ["alpha", "beta"]


BAD = [
    ({"lat": 91.0}, r"lat 91.0 must be a number from -90 to 90"),
    ({"lat": -90.5}, r"lat -90.5 must be a number from -90 to 90"),
    ({"lon": 180.5}, r"lon 180.5 must be a number from -180 to 180"),
    ({"lon": "80E"}, r"`lon` was '80E' but must be a number or null"),
    ({"feature_type": "city"}, r"feature_type 'city' is not one of \['town', 'village'"),
    ({"side": "Mongolia"}, r"side 'Mongolia' is not one of \['USSR', 'China'\]"),
    ({"precision_class": "approximate"}, r"precision_class 'approximate' is not one of \['exact', 'near'"),
    ({"lon": None}, r"lat without lon"),
    ({"lat": None}, r"lon without lat"),
    ({"sources": "<drop>"}, r"missing field\(s\) \['sources'\]"),
    ({"population_1926": 5}, r"unknown field\(s\) \['population_1926'\]"),
    ({"variants": ["Alpha"]}, r"name 'Alpha' is also a name of 'alpha'"),
    ({"variants": ["  ALPHA "]}, r"name 'ALPHA' is also a name of 'alpha'"),
    ({"name_ru": "alpha"}, r"name 'alpha' is also a name of 'alpha'"),
    ({"precision_m": -5}, r"precision_m -5 must be a number >= 0"),
    ({"precision_m": None}, r"a located place needs precision_m"),
    ({"population": [{"year": 1926, "count": 0}]}, r"population count 0 must be a positive whole number"),
    ({"population": [{"year": 1926, "count": -3}]}, r"population count -3 must be a positive whole number"),
    ({"population": [{"year": 1926, "count": 11.5}]}, r"`count` was 11.5 but must be a whole number"),
    ({"population": [{"year": 1926, "count": "many"}]}, r"`count` was 'many' but must be a whole number"),
    ({"population": [{"year": 1926, "count": True}]}, r"`count` was True but must be a whole number"),
    ({"population": [{"year": 1926}]}, r"missing field\(s\) \['count'\]"),
    ({"variants": ["Bеta"]}, r"name 'Bеta' mixes Latin and Cyrillic letters"),  # Cyrillic е
    ({"precision_class": "unlocated"}, r"precision_class is 'unlocated' but the place has lat/lon"),
    ({"lat": None, "lon": None, "precision_m": None}, r"precision_class is 'near' but the place has no lat/lon"),
    ({"geonames_id": "1520747"}, r"`geonames_id` was '1520747' but must be a whole number or null"),
    ({"in_1927_list": "yes"}, r"`in_1927_list` was 'yes' but must be true or false"),
    ({"id": "Beta Village"}, r"id 'Beta Village' must be a lowercase ASCII slug"),
    ({"sources": []}, r"`sources` must be a non-empty list"),
    ({"sources": [{"document": "ablazhey-zhanbossinova-2026", "quote": " "}]}, r"a quote must be 5–30 words, not 0"),
    ({"location_basis": "well known"}, r"precision_class 'near' needs a relative_location or a page's address"),
    (
        {"precision_class": "exact", "location_basis": "well known"},
        r"precision_class 'exact' needs a geonames_id or a page's address",
    ),
    ({"area": "jetisu-7-5km"}, r"`area` is given exactly when precision_class is 'area'"),
    (
        {"precision_class": "area", "lat": None, "lon": None, "precision_m": None},
        r"`area` is given exactly when precision_class is 'area'",
    ),
]


@pytest.mark.parametrize(("changes", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_is_a_data_error_with_file_line_and_reason(tmp_path, changes, message):
    bad = _record("beta", "Beta", **changes)
    path = _write(tmp_path, [_record("alpha", "Alpha"), bad])
    with pytest.raises(DataError, match=message) as caught:
        places.read_places(tmp_path)
    error = caught.value
    assert error.path == str(path)
    assert error.line is not None and error.line >= _line_of(path, bad["id"])
    assert error.entry == bad["id"]
    assert str(error).startswith(f"{path}:{error.line}: entry {bad['id']!r}:")


def test_duplicate_id(tmp_path):
    path = _write(tmp_path, [_record("alpha", "Alpha"), _record("alpha", "Beta")])
    with pytest.raises(DataError, match=r"entry 'alpha': duplicate id \(first at line 1\)") as caught:
        places.read_places(tmp_path)
    assert caught.value.line == path.read_text().splitlines().index("- id: alpha", 1) + 1


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("id: alpha\nname: Alpha\n", r"expected a list of places at the top level", 1),
        ("- id: alpha\n  name: [Alpha\n", r"not valid YAML", 3),
        ("- id: alpha\n- just a string\n", r"every entry must be a mapping", 2),
    ],
)
def test_unreadable_files(tmp_path, text, message, line):
    (tmp_path / places.FILE).write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message) as caught:
        places.read_places(tmp_path)
    assert caught.value.line == line


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
    azimuth, _, distance = GEOD.inv(82.73, 46.67, *location.point)
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
        _record("inside", "Inside", in_1927_list=True, lon=79.95),
        _record("deep", "Deep", in_1927_list=True, lon=79.0, precision_m=1000),
        _record("across", "Across", lon=80.5, precision_m=1000),
        _record("chinese", "Chinese", side="China", lon=79.5),
        _record("far", "Far", lon=70.0),
        _record("lost", "Lost", in_1927_list=True, lat=None, lon=None, precision_m=None, precision_class="unlocated"),
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
