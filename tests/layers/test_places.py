"""layers/places.py: the gazetteer's validation, GeoNames check, frame, name look-up, relative
locations on the real gazetteer; layers/quality.py: the findings report."""

from __future__ import annotations

import pytest
from pyproj import Geod

from evidence.documents import by_seed, normalized
from layers import placenames

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


def _place(gazetteer, pid):
    return next(p for p in gazetteer if p["id"] == pid)


@pytest.mark.parametrize(
    ("pid", "unsourced", "sourced"),
    [
        ("jarkent", ("1942", "1991", "wikipedia"), "the 49th Jarkent/Panfilovsky detachment"),
        ("alma-ata", ("until 1921", "e-history"), '"Alma-Ata (formerly Verny)"'),
    ],
)
def test_a_former_name_says_only_what_a_source_gives(gazetteer, pid, unsourced, sourced):
    """Issue 27: "Named Panfilov 1942–1991" and "Verny until 1921" were said with no source; the years are dropped
    (the pages found disagree on Panfilov's), the former names kept as the cited texts give them."""
    note = normalized(_place(gazetteer, pid)["note"])
    assert not [claim for claim in unsourced if claim in note] and sourced in note


def test_bakhty_stands_by_its_only_sourced_coordinate(gazetteer, layers):
    """Issue 27: the point was 5.5 km from the one coordinate its basis cites (the crossing's Chinese checkpoint,
    46°41′N 82°48′E, the Kazakh one 800 m away); now 800 m inside the Soviet side opposite it."""
    bakhty = _place(gazetteer, "bakhty")
    distance = Geod(ellps="WGS84").inv(bakhty["lon"], bakhty["lat"], 82.8, 46 + 41 / 60)[2]
    assert distance < 2_000
    built = layers["places"].set_index("id").loc["bakhty"]
    assert 700 < built["border_distance_m"] < 900 and "zone-7-5-km" in built["zones_containing"]
    assert "46°41′N 82°48′E" in bakhty["location_basis"] and "russian.china.org.cn" in bakhty["location_basis"]


def test_the_docs_make_no_claim_no_source_makes():
    """Issue 27: docs/provenance.md gave the border's published length (1,765 km) and made the article's Chagan-Abo
    the Chagan-Obo of the 1990s agreements, citing nothing for either."""
    from pathlib import Path

    text = normalized((Path(__file__).resolve().parents[2] / "docs" / "provenance.md").read_text(encoding="utf-8"))
    assert "1,765" not in text and "Chagan-Obo" not in text and "Chagan-Abo of" not in text
    assert "1,796 km" in text, "the line's own length stays"
