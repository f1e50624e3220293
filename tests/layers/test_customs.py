"""data/sources/customs.yaml and tariff_1923.yaml: the posts of seed 003, the 1923 tariff of seed 001, errors."""

from __future__ import annotations

import copy

import pytest
import yaml

from layers import DataError
from layers.build import SOURCES
from layers.customs import POST_TYPES, build, read_customs, read_tariff, tariff_rows
from layers.outposts import read_places_lonlat

EXPECTED_POSTS = {
    "customs-office-bakhty": ("customs_office", "bakhty"),
    "customs-office-zaysan": ("customs_office", "zaysan"),
    "customs-post-khorgos": ("customs_post", "khorgos"),
    "customs-post-khabarasu": ("customs_post", "khabarasu"),
    "customs-post-alkabek": ("customs_post", "alkabek"),
    "customs-post-kuzeun": ("customs_post", "kuzeun-tract"),
    "customs-post-mai-kapchagay": ("customs_post", "mai-kapchagay"),
}


@pytest.fixture(scope="module")
def customs():
    return read_customs(SOURCES)


@pytest.fixture(scope="module")
def tariff():
    return read_tariff(SOURCES)


def test_every_post_of_the_source(customs):
    assert {p["id"]: (p["post_type"], p["place"]) for p in customs.posts} == EXPECTED_POSTS


def test_undated_posts_say_so(customs):
    assert all(p["start"] is None and p["date_note"] for p in customs.posts)


def test_the_crossing_points_are_a_count_not_points(customs):
    [fact] = [f for f in customs.facts if f["what"] == "legal_crossing_points"]
    assert fact["value"] == 3
    assert not [p for p in customs.posts if p["post_type"] == "crossing_point"]


def test_build_places_posts_at_their_places(customs):
    frame = build(customs.posts, read_places_lonlat(SOURCES)).set_index("id")
    khorgos = frame.loc["customs-post-khorgos"]
    assert (round(khorgos.geometry.x, 3), round(khorgos.geometry.y, 3)) == (80.385, 44.223)
    assert frame.loc["customs-post-khabarasu"].geometry is None  # unlocated in the gazetteer
    assert frame.loc["customs-office-zaysan"]["post_type_label"] == POST_TYPES["customs_office"]


def test_the_tariff_has_eight_articles(tariff):
    assert [a["article"] for a in tariff["articles"]] == list(range(1, 9))
    assert tariff["date"] == "1923-04-19"
    assert all(a["goods_ru"] and a["goods_en"] for a in tariff["articles"])


@pytest.mark.parametrize(
    ("article", "point", "kopecks", "unit_ru"),
    [
        (1, "1", 100, "с пуда брутто"),  # dried fruit: 1 rouble a pood
        (1, "2", 25, "с пуда брутто"),  # kishmish
        (2, None, 0, None),  # furs, duty-free
        (5, "1", 60, "с фунта"),  # cotton fabrics
        (5, "2", 25, "с фунта"),  # mata
        (6, "1b", 40, "с пуда"),  # wet-salted hides without hair
        (6, "2b", 75, "с пуда"),  # dry hides without hair
        (8, None, 0, None),  # livestock, duty-free
    ],
)
def test_tariff_rates(tariff, article, point, kopecks, unit_ru):
    [row] = [r for r in tariff_rows(tariff) if (r["article"], r["point"]) == (article, point)]
    assert (row["duty_kopecks"], row["unit_ru"], row["duty_free"]) == (kopecks, unit_ru, kopecks == 0)
    assert row["sources"][0]["document"] == "shemetova-2020"


# --- malformed files -----------------------------------------------------------------------------

CITE = {"document": "ablazhey-zhanbossinova-2026", "note": None, "quote": "one two three four five"}
FACT = {
    "what": "legal_crossing_points",
    "value": 3,
    "year": 1927,
    "date_precision": "year",
    "text": "t",
    "sources": [CITE],
}


def _post(ident="p1", **changes) -> dict:
    post = {
        "id": ident, "name": "Post", "post_type": "customs_post", "place": "here", "start": "1925", "end": None,
        "date_precision": "year", "sources": [CITE],
    }  # fmt: skip
    return post | changes


def _read(tmp_path, posts, facts=()):
    (tmp_path / "places.yaml").write_text(yaml.safe_dump([{"id": "here"}]), encoding="utf-8")
    data = {"posts": list(posts), "facts": list(facts)}
    (tmp_path / "customs.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return read_customs(tmp_path)


def test_a_valid_file_reads(tmp_path):
    assert [p["id"] for p in _read(tmp_path, [_post()], [FACT]).posts] == ["p1"]


@pytest.mark.parametrize(
    ("posts", "facts", "message"),
    [
        ([_post(post_type="bridge")], [], r"customs.yaml:\d+: entry 'p1': post_type 'bridge' is not one of"),
        ([_post(place="atlantis")], [], r"entry 'p1': place 'atlantis' is not in the gazetteer"),
        ([_post(), _post()], [], r"entry 'p1': duplicate id"),
        ([_post(colour="red")], [], r"unknown field\(s\) \['colour'\]"),
        ([_post(end="1920")], [], r"end 1920 is before start 1925"),
        ([_post(start=None, date_precision=None)], [], r"start is null \(the post is undated\): say so in `date_note`"),
        ([_post()], [{**FACT, "year": None}], r"a count \(legal_crossing_points\) without a year"),
        ([_post()], [{**FACT, "what": "bridges"}], r"fact kind 'bridges' is not one of"),
    ],
)
def test_malformed_posts_are_rejected(tmp_path, posts, facts, message):
    with pytest.raises(DataError, match=message):
        _read(tmp_path, posts, facts)


@pytest.fixture(scope="module")
def tariff_data():
    return yaml.safe_load((SOURCES / "tariff_1923.yaml").read_text(encoding="utf-8"))


def _break_tariff(data, change):
    broken = copy.deepcopy(data)
    change(broken["tariff"])
    return broken


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t["articles"][1]["rates"][0].update(duty_kopecks=10), r"duty_free is True but duty_kopecks is 10"),
        (lambda t: t["articles"][0]["rates"][0].update(unit_ru=None), r"a duty needs the unit it is charged per"),
        (lambda t: t["articles"].pop(3), r"articles must be numbered 1..7 in order"),
        (lambda t: t["articles"][0]["rates"][0].update(duty="1"), r"unknown field\(s\) \['duty'\]"),
        (lambda t: t.update(date="1923-04-31"), r"'1923-04-31' is not a valid date"),
    ],
)
def test_malformed_tariff_is_rejected(tmp_path, tariff_data, change, message):
    text = yaml.safe_dump(_break_tariff(tariff_data, change), allow_unicode=True, sort_keys=False)
    (tmp_path / "tariff_1923.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_tariff(tmp_path)
