"""Place names of any script, spelling and Russian case reconcile to the right gazetteer place."""

from __future__ import annotations

import pytest

from contrib import choices
from contrib.reconcile import Gazetteer


@pytest.fixture(scope="module")
def gazetteer(context):
    return Gazetteer.of(context)


@pytest.mark.parametrize(
    ("text", "place", "how"),
    [
        ("Jarkent", "jarkent", "name"),
        ("Zharkent", "jarkent", "name"),
        ("Джаркент", "jarkent", "name"),
        ("Жаркент", "jarkent", "name"),
        ("Jarkend", "jarkent", "fuzzy"),
        ("в Джаркенте", "jarkent", "inflected form"),
        ("у Нарынкола", "narynkol", "inflected form"),
        ("Нарынкола", "narynkol", "inflected form"),
        ("в Бахтах", "bakhty", "inflected form"),
        ("Bakhty", "bakhty", "name"),
        ("Bakhti", "bakhty", "transliteration"),
        ("Narynkul", "narynkol", "fuzzy"),
    ],
)
def test_a_name_reconciles_to_its_place_best_first(gazetteer, text, place, how):
    best = gazetteer.candidates(text)[0]
    assert (best.place, best.how) == (place, how)
    assert best.side == "USSR" and best.border_distance_m is not None


def test_only_a_sure_match_is_taken_without_asking(gazetteer):
    assert gazetteer.sure("у Нарынкола").place == "narynkol"
    assert gazetteer.sure("Narynkul") is None  # fuzzy: the contributor chooses


def test_a_name_the_gazetteer_lacks_gets_geonames_candidates_in_the_region(gazetteer):
    best = gazetteer.candidates("Kegen")[0]
    assert (best.geonames_id, best.how, best.side) == (1522818, "GeoNames", "USSR")
    assert best.choice == "geonames:1522818" and 80_000 < best.border_distance_m < 95_000


def test_candidates_say_their_distance_to_the_border_and_side(gazetteer):
    shown = str(gazetteer.candidates("Bakhty")[0])
    assert shown == "place:bakhty Bakhty (name, 100; 0.8 km from the border, USSR)"


@pytest.mark.parametrize(
    ("text", "basis", "message"),
    [
        ("somewhere", None, r"'somewhere' is not a choice; allowed: place:ID, geonames:ID, lonlat:LON,LAT"),
        ("lonlat:80,44", None, "lonlat needs a basis"),
        ("lonlat:200,44", "a map", r"lonlat:200,44 is not LON,LAT\[,RADIUS_M\] in WGS84 degrees"),
        ("unlocated", " ", "unlocated needs a basis"),
        ("geonames:abc", None, "a GeoNames id is a whole number"),
    ],
)
def test_a_choice_that_cannot_be_taken_says_what_is_allowed(text, basis, message):
    with pytest.raises(ValueError, match=message):
        choices.parse(text, basis)


@pytest.mark.parametrize(
    ("text", "basis", "level"),
    [("geonames:1522818", None, "exact"), ("lonlat:80.1,43.2", "a 1930 map", "near"),
     ("area:jetisu-7-5km", None, "area"), ("unlocated", "the register names no district", "unlocated")],
)  # fmt: skip
def test_every_choice_ends_at_a_stated_level(text, basis, level):
    place = choices.new_place(choices.parse(text, basis), "Kegen", [], set(), lambda lon, lat: "USSR")
    assert (place["id"], place["precision_class"]) == ("kegen", level)
    assert place["location_basis"]


def test_a_new_place_named_in_cyrillic_gets_the_gazetteers_latin_spelling():
    place = choices.new_place(choices.parse("geonames:1522818", None), "у Кок-Терека", [], set(), lambda *_: "USSR")
    assert (place["name"], place["name_ru"], place["variants"]) == ("Kok-Tereka", "Кок-Терека", ["у Кок-Терека"])
    assert "name_ru" not in choices.new_place(choices.parse("geonames:1522818", None), "Kegen", [], set(), lambda *_: 0)
