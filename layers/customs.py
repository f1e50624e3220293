"""The `customs` layer: customs offices and posts on the border, the count of legal crossings, the 1923 tariff."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from layers import schema, when
from layers.errors import DataError
from layers.outposts import place_point, read_place_ids
from layers.sources import (
    LINE,
    check_citations,
    check_facts,
    check_fields,
    check_period,
    check_place,
    check_unique,
    entries,
    load_yaml,
    strip_lines,
)

TITLE = "Customs offices and posts"
DESCRIPTION = (
    "Customs offices (Bakhty, Zaysan) and the customs posts directly on the border (Khorgos, Khabarasu, "
    "Alkabek, the Kuzeun tract, Mai-Kapchagay), each at its place in the gazetteer (Ablazhey and "
    "Zhanbossinova 2026). The three legal crossing points are a count, not points; the 1923 import tariff "
    "for the Turkestan–China border (Shemetova 2020) is a table."
)
FILE = "customs.yaml"
TARIFF_FILE = "tariff_1923.yaml"
POST_TYPES = {
    "customs_office": "Customs office",
    "customs_post": "Customs post",
    "crossing_point": "Legal crossing point",
}
FACT_KINDS = {"legal_crossing_points": "legal crossing points"}
POST_FIELDS = (
    {"id", "name", "post_type", "place", "start", "end", "date_precision", "sources"},
    {"name_ru", "name_kk", "name_zh", "variants", "place_note", "date_note", "note", "when"},
)
TARIFF_FIELDS = (
    {"id", "title_ru", "title_en", "date", "date_precision", "direction", "sources", "articles"},
    {"date_note", "general_note_ru", "general_note_en", "note"},
)
ARTICLE_FIELDS = ({"article", "asian_tariff_ref", "goods_ru", "goods_en", "rates"}, set())
RATE_FIELDS = (
    {"point", "goods_ru", "goods_en", "duty_free", "duty_kopecks", "duty_ru", "unit_ru", "unit_en", "sources"},
    set(),
)
EXTRA_COLUMNS = ["post_type", "post_type_label", "place", "place_note", "located", "date_note", "note", "when"]
JSON_COLUMNS: set[str] = set()  # columns holding lists or mappings: none


@dataclass
class Customs:
    """The validated content of customs.yaml."""

    posts: list[dict]
    facts: list[dict]


def read_customs(sources: Path) -> Customs:
    """Read and validate data/sources/customs.yaml against the gazetteer; raise DataError on the first fault."""
    path = sources / FILE
    data = load_yaml(path)
    check_fields(path, data, {"posts"}, {"facts"})
    places = read_place_ids(sources)
    posts = entries(path, data, "posts")
    check_unique(path, posts)
    for post in posts:
        _check_post(path, post, places)
    facts = data.get("facts") or []
    check_facts(path, data[LINE], None, facts, FACT_KINDS)
    return Customs(posts=[strip_lines(p) for p in posts], facts=strip_lines(facts))


def build(
    records: list[dict],
    places_lonlat: dict[str, tuple[float, float, float] | None],
    names: dict[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """The posts as a GeoDataFrame in the common schema, a point at each post's place.

    Parameters
    ----------
    records : `read_customs(...).posts`
    places_lonlat : gazetteer id -> (lon, lat, precision_m), or None for an unlocated place

    Returns
    -------
    Point features (None where the place is unlocated or unknown).
    """
    rows, geometries = [], []
    for post in records:
        geometry, precision_m, basis = place_point(
            post["id"], post["place"], post.get("place_note"), places_lonlat, source=FILE, names=names
        )
        rows.append(_row(post, precision_m, basis, geometry is not None))
        geometries.append(geometry)
    return schema.frame(rows, geometries, EXTRA_COLUMNS)


def check_record(path: Path, post: dict, places: set[str]) -> None:
    """One post against the gazetteer (contributed records are checked with it)."""
    _check_post(path, post, places)


def read_tariff(sources: Path) -> dict:
    """Read and validate data/sources/tariff_1923.yaml: the 1923 import tariff, article by article."""
    path = sources / TARIFF_FILE
    data = load_yaml(path)
    check_fields(path, data, {"tariff"}, set())
    tariff = data["tariff"]
    if not isinstance(tariff, dict):
        raise DataError(path, data.get(LINE), None, "`tariff` must be a mapping")
    _check_tariff(path, tariff)
    return strip_lines(tariff)


def tariff_rows(tariff: dict) -> list[dict]:
    """The tariff as a flat table: one row per rate, with its article's number and reference."""
    return [
        {"article": a["article"], "asian_tariff_ref": a["asian_tariff_ref"], **rate}
        for a in tariff["articles"]
        for rate in a["rates"]
    ]


# --- private -------------------------------------------------------------------------------------


def _check_post(path: Path, post: dict, places: set[str]) -> None:
    check_fields(path, post, *POST_FIELDS)
    line, ident = post[LINE], post["id"]
    if post["post_type"] not in POST_TYPES:
        raise DataError(path, line, ident, f"post_type {post['post_type']!r} is not one of {list(POST_TYPES)}")
    check_place(path, line, ident, post["place"], places, what="place")
    if post["start"] is None and not post.get("date_note"):
        raise DataError(path, line, ident, "start is null (the post is undated): say so in `date_note`")
    check_period(path, line, ident, post)
    when.check_record(path, line, ident, post)
    check_citations(path, ident, post)


def _check_tariff(path: Path, tariff: dict) -> None:
    check_fields(path, tariff, *TARIFF_FIELDS)
    ident = tariff["id"]
    check_period(path, tariff[LINE], ident, {"start": tariff["date"], "date_precision": tariff["date_precision"]})
    check_citations(path, ident, tariff)
    articles = tariff["articles"]
    if not isinstance(articles, list) or not articles:
        raise DataError(path, tariff[LINE], ident, "`articles` must be a non-empty list")
    numbers = [a.get("article") for a in articles]
    if numbers != list(range(1, len(articles) + 1)):
        raise DataError(
            path, tariff[LINE], ident, f"articles must be numbered 1..{len(articles)} in order, not {numbers}"
        )
    for article in articles:
        _check_article(path, ident, article)


def _check_article(path: Path, ident: str, article: dict) -> None:
    check_fields(path, {**article, "id": ident}, ARTICLE_FIELDS[0] | {"id"}, ARTICLE_FIELDS[1])
    if not isinstance(article["rates"], list) or not article["rates"]:
        raise DataError(path, article[LINE], ident, f"article {article['article']}: `rates` must be a non-empty list")
    for rate in article["rates"]:
        check_fields(path, {**rate, "id": ident}, RATE_FIELDS[0] | {"id"}, RATE_FIELDS[1])
        _check_duty(path, rate[LINE], f"{ident} art. {article['article']}", rate)
        check_citations(path, ident, rate)


def _check_duty(path: Path, line: int, where: str, rate: dict) -> None:
    kopecks = rate["duty_kopecks"]
    if not isinstance(kopecks, int) or isinstance(kopecks, bool) or kopecks < 0:
        raise DataError(path, line, where, f"duty_kopecks must be a whole number >= 0, not {kopecks!r}")
    if rate["duty_free"] is not (kopecks == 0):
        raise DataError(path, line, where, f"duty_free is {rate['duty_free']} but duty_kopecks is {kopecks}")
    if kopecks and not rate["unit_ru"]:
        raise DataError(path, line, where, "a duty needs the unit it is charged per (`unit_ru`)")


def _row(post: dict, precision_m, basis: str, located: bool) -> dict:
    keys = ("id", "name", "name_ru", "name_kk", "name_zh", "start", "end", "date_precision", "post_type", "place")
    return {
        **{k: post.get(k) for k in keys},
        **{k: post.get(k) for k in ("place_note", "date_note", "note", "when")},
        "variants": post.get("variants") or [],
        "precision_m": precision_m,
        "location_basis": basis,
        "sources": post["sources"],
        "post_type_label": POST_TYPES[post["post_type"]],
        "located": located,
    }


# 1920s units on the Turkestan Republic's border with China, the stretch the 1923 tariff was adopted for (Shemetova
# 2020: "для товаров, ввозимых через границу Туркреспублики с Китаем", to be put in force "на участке границы с
# Западным Китаем" when the talks required it; she does not say at which posts, or from when, it was charged):
# Jetisu (Semirechye) province, which Ablazhey and Zhanbossinova 2026 place in the Turkestan ASSR in April 1924
# ("the Jetisu (Alma-Ata) border detachment of the Turkestan ASSR").
TURKESTAN_UNITS = {"Jetisu province"}


def on_tariff_stretch(posts: gpd.GeoDataFrame, places_frame: gpd.GeoDataFrame) -> list[bool]:
    """For each post: is its place in a unit on the Turkestan–China border, the stretch the 1923 tariff was adopted
    for (not a statement that the tariff was charged there: the source does not say)?"""
    units = dict(zip(places_frame["id"], places_frame["admin_1920s"], strict=True))
    return [units.get(place) in TURKESTAN_UNITS for place in posts["place"]]
