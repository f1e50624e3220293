"""layers/lpf.py: the gazetteer as Linked Places Format, validated with the LPF JSON schema."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
from jsonschema import Draft7Validator

from layers import lpf
from layers.build import REFERENCE
from store import GeoPackageStore, write_store

SCHEMA_PATH = Path(lpf.__file__).parent / "schemas" / "lpf-schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = Draft7Validator(SCHEMA)
BASE = "https://atlas.example/collections/places/items/"


def _messages(feature: dict) -> list[str]:
    """What the World Historical Gazetteer's schema finds wrong with one feature, validated as WHG does it: alone in
    a FeatureCollection (layers/schemas/README.md); the reasons inside a failed anyOf/oneOf too."""
    found, errors = [], list(VALIDATOR.iter_errors({"type": "FeatureCollection", "features": [feature]}))
    while errors:
        error = errors.pop()
        found.append(error.message)
        errors.extend(error.context)
    return found


@pytest.fixture(scope="module")
def frame(layers):
    """The places as the build makes them, citations resolved."""
    return layers["places"]


@pytest.fixture(scope="module")
def basemap():
    return gpd.read_file(REFERENCE / "basemap.geojson")


@pytest.fixture(scope="module")
def collection(frame, basemap):
    return lpf.feature_collection(frame, BASE, basemap)


def _feature(collection: dict, place_id: str) -> dict:
    return next(f for f in collection["features"] if f["@id"].endswith("/" + place_id))


def test_the_schema_is_a_valid_draft_7_schema():
    Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"] == "https://whgazetteer.org/schema/lpf_v2.0.jsonld"


def test_envelope(collection, frame):
    assert collection["type"] == "FeatureCollection"
    assert collection["@context"] == lpf.CONTEXT
    assert len(collection["features"]) == len(frame) == 77
    assert json.loads(json.dumps(collection, ensure_ascii=False)) == collection  # plain JSON all through


def test_every_feature_validates(collection):
    errors = {f["@id"]: _messages(f) for f in collection["features"]}
    assert {k: v for k, v in errors.items() if v} == {}
    assert list(VALIDATOR.iter_errors(collection)) == []  # and the collection as a whole


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda f: f.pop("names"), r"'names' is a required property"),
        (lambda f: f.pop("geometry"), r"'geometry' is a required property"),
        (lambda f: f.__setitem__("type", "Place"), r"'Place' is not one of \['Feature'\]"),
        (lambda f: f["properties"].__setitem__("ccodes", ["KAZ"]), r"'KAZ' is not one of"),
        (lambda f: f["links"].append({"type": "sameAs", "identifier": "gn:1"}), r"'sameAs' is not one of"),
        (lambda f: f["names"][0]["citations"][0].__setitem__("year", 2026), r"2026 is not of type 'string'"),
        (lambda f: f["names"][0]["citations"][0].__setitem__("@id", None), r"None is not of type 'string'"),
        (lambda f: f["names"][1].__setitem__("lang", None), r"None is not of type 'string'"),
        (lambda f: f.__setitem__("@id", "collections/places/items/jarkent"), r"does not match"),
    ],
)
def test_the_validation_can_fail(collection, mutate, message):
    feature = copy.deepcopy(_feature(collection, "jarkent"))
    assert _messages(feature) == []
    mutate(feature)
    assert any(re.search(message, m) for m in _messages(feature)), _messages(feature)


def test_unlocated_places_have_null_geometry(collection, frame):
    """The LPF specification: "In the event the location for a place is unknown, the geometry element's value
    should be null"; the member is there (WHG's schema requires it), null."""
    unlocated = [f for f in collection["features"] if f["geometry"] is None]
    assert len(unlocated) == int((~frame["located"]).sum()) == 9
    assert all("geometry" in f and not _messages(f) for f in unlocated)


def test_no_member_is_null_but_an_unknown_geometry(collection):
    def nulls(value, path=""):
        if isinstance(value, dict):
            return [n for k, v in value.items() for n in nulls(v, f"{path}/{k}")]
        if isinstance(value, list):
            return [n for i, v in enumerate(value) for n in nulls(v, f"{path}/{i}")]
        return [path] if value is None else []

    found = {p.split("/", 3)[3] for p in nulls(collection) if not p.endswith("/geometry")}
    assert found == set()


@pytest.mark.parametrize(
    ("place_id", "certainty"),
    [
        ("narynkol", "certain"),
        ("bakhty", "less-certain"),
        ("lepsinsk-district", "uncertain"),
        ("xinjiang", "uncertain"),
    ],
)
def test_geometry_certainty(collection, place_id, certainty):
    assert _feature(collection, place_id)["geometry"]["certainty"] == certainty


def test_jarkent(collection):
    jarkent = _feature(collection, "jarkent")
    assert jarkent["@id"] == BASE + "jarkent"
    assert jarkent["properties"] == {"title": "Jarkent", "ccodes": ["KZ"]}
    assert jarkent["links"] == [{"type": "closeMatch", "identifier": "gn:1520253"}]
    assert jarkent["geometry"]["coordinates"] == [80.00736, 44.16619]
    assert jarkent["types"][0]["identifier"] == "aat:300008375"
    toponyms = {n["toponym"]: n["lang"] for n in jarkent["names"]}
    assert toponyms["Jarkent"] == "en"
    assert toponyms["Джаркент"] == "ru"
    assert {"Zharkent", "Panfilov", "Panfilovsky", "Жаркент"} <= set(toponyms)
    assert jarkent["when"]["timespans"] == [{"start": {"in": "1918"}, "end": {"in": "1940"}}]


def test_every_place_has_a_cited_first_name(collection):
    for feature in collection["features"]:
        citations = feature["names"][0]["citations"]
        assert citations, feature["@id"]
        assert all(c["label"] for c in citations)


def test_citations_carry_the_archival_reference(collection):
    dararty = _feature(collection, "dararty-tract")
    [citation] = dararty["names"][0]["citations"]
    label = citation["label"]
    assert label.startswith("f. 13, op. 1, d. 2, l. 11–12, Spetsial'nyi gosudarstvennyi arkhiv Ministerstva")
    assert "cited in Natalia N. Ablazhey and Albina S. Zhanbossinova" in label and ": n. 31" in label
    assert citation["@id"] == "https://doi.org/10.22363/2312-8674-2026-25-2-268-283"
    assert citation["year"] == "2026"  # a string of digits, as WHG's schema has it


def test_a_variant_is_cited_only_by_the_passages_that_spell_it(collection):
    sarkand = _feature(collection, "sarkand")
    sarkono = next(n for n in sarkand["names"] if n["toponym"] == "Sarkono")
    assert len(sarkono["citations"]) == 1
    assert "Sarkono" in json.dumps(sarkono)  # the name itself; the quote is the passage of note 46


@pytest.mark.parametrize(
    ("place_id", "units"),
    [
        ("dararty-tract", ["jetisu-province"]),
        ("emilsk", ["lepsinsk-district", "makanchinsk-volost"]),
        ("ili-district", ["xinjiang"]),
        ("narynkol", ["jetisu-province"]),
        ("alma-ata", ["jetisu-province"]),
        ("ayaguz-district", []),  # "Kazakh ASSR" is not a place of the gazetteer
    ],
)
def test_relations_to_the_1920s_units(collection, place_id, units):
    relations = _feature(collection, place_id).get("relations", [])
    assert [r["relationTo"].rsplit("/", 1)[1] for r in relations] == units
    assert all(r["relationType"] == "gvp:broaderPartitive" for r in relations)


@pytest.mark.parametrize(
    ("place_id", "ccode"),
    [
        ("tashkent", "UZ"),  # GeoNames
        ("moscow", "RU"),  # GeoNames, outside the basemap
        ("kuldja", "CN"),
        ("fergana-oblast", "UZ"),  # the basemap outline holding its point
        ("mai-kapchagay", "KZ"),  # its proxy point is in China, but a Soviet-side place: the side's default
        ("dararty-tract", "KZ"),  # unlocated: the side's default
        ("tian-shan", "CN"),
    ],
)
def test_ccodes(collection, place_id, ccode):
    assert _feature(collection, place_id)["properties"]["ccodes"] == [ccode]


def test_without_outlines_the_side_decides(frame):
    collection = lpf.feature_collection(frame[frame["id"] == "fergana-oblast"], BASE)
    assert collection["features"][0]["properties"]["ccodes"] == ["KZ"]


def test_base_uri(frame):
    collection = lpf.feature_collection(frame.head(1), base_uri="https://example.org/atlas/places/")
    assert collection["features"][0]["@id"] == "https://example.org/atlas/places/narynkol"


def test_lpf_from_the_store_matches_lpf_from_the_build(frame, basemap, collection, tmp_path):
    out = tmp_path / "atlas.gpkg"
    write_store({"places": (frame, frame)}, basemap, out)
    stored = GeoPackageStore(out).frame("places")
    from_store = lpf.feature_collection(stored, BASE, basemap)
    assert _feature(from_store, "jarkent")["links"] == [{"type": "closeMatch", "identifier": "gn:1520253"}]
    assert from_store == collection


def test_a_dated_feature_has_timespans_with_earliest_and_latest_where_its_bounds_differ(frame, basemap):
    from layers import when

    dated = frame.head(1).assign(bounds=[when.as_json(when.from_edtf("[1930..1933]"))])
    feature = lpf.feature_collection(dated, BASE, basemap)["features"][0]
    span = {"earliest": "1930-01-01", "latest": "1933-12-31"}
    assert feature["when"] == {"timespans": [{"start": span, "end": span}]}
    assert not _messages(feature)
    exact = lpf.timespan(when.as_json(when.from_edtf("1927-08-18/..")))
    assert exact == {"start": {"in": "1927-08-18"}}
    assert lpf.timespan(when.as_json(when.from_edtf("[..1935]")))["start"] == {"latest": "1935-12-31"}
