"""The `incidents` layer: dated clashes, crossings, detentions, smuggling cases, opium fields and raids (seed 003).

A location is a gazetteer place or a relative phrase ("4 km southeast of the village of Narynkol") that
`layers.placenames.resolve_in_gazetteer` turns into a point and a radius. Yearly totals are not incidents:
they live in the `statistics` table.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import Point

from geo import relative
from layers import schema, when
from layers.errors import DataError
from layers.outposts import read_place_ids
from layers.placenames import find_place, located, resolve_in_gazetteer
from layers.places import area_marker, where_prec
from layers.sources import (
    LINE,
    check_citations,
    check_counts,
    check_fields,
    check_number,
    check_period,
    check_place,
    entries,
    load_yaml,
    read_entries,
    strip_lines,
)

TITLE = "Incidents"
DESCRIPTION = (
    "Dated incidents on the Kazakh–Xinjiang border, 1927–1935: crossings and attempted crossings, armed "
    "clashes, detentions and arrests, smuggling cases, opium fields and the seizure of an outpost, each "
    "with its actors, counts (ranges kept as ranges), goods and the passage it comes from (Ablazhey and "
    "Zhanbossinova 2026)."
)
FILE = "incidents.yaml"
OUTPOSTS_FILE = "outposts.yaml"
AREAS_FILE = "areas.yaml"
EVENT_TYPES = {
    "crossing": "Border crossing",
    "attempted_crossing": "Attempted crossing",
    "armed_clash": "Armed clash",
    "detention": "Detention",
    "smuggling": "Smuggling",
    "opium_cultivation": "Opium cultivation",
    "raid_on_post": "Raid on a border post",
    "arrest": "Arrest",
    "deportation": "Deportation",
}
SUBTYPES = {
    "detention_and_deportation": "violators detained and sent back across the border",
    "exchange_of_fire": "shots exchanged, no stated result",
    "field_destroyed": "an opium field found and destroyed",
    "plantation_raid": "a squad sent against opium growers",
    "collective_crossing_armed_cover": "a village or households crossing with an armed escort",
    "smuggling_case": "a person or group charged with smuggling",
    "smuggling_trip": "a crossing to buy or sell goods",
    "post_seized": "a border post overrun",
    "gang_incursion": "an armed gang crossing into Soviet territory",
    "political_case": "arrests in a political case",
}
COUNT_KINDS = ("people", "armed", "detained", "killed", "escaped", "households", "deported")
SIDES = ("USSR", "China", "unknown")
DIRECTIONS = {"into_china": "into China", "into_ussr": "into the USSR", None: None}  # code: in words
FIELDS = (
    {
        "id", "name", "event_type", "subtype", "start", "end", "date_precision", "date_text", "actors", "unit",
        "counts", "direction", "goods", "location_text", "location", "precision_m", "sources", "quote",
    },
    {"counts_note", "note", "outcome", "when"},
)  # fmt: skip
EXTRA_COLUMNS = [
    "event_type", "event_type_label", "subtype", "date_text", "actors", "unit", "counts", "counts_note",
    "direction", "direction_label", "goods", "location_text", "location_place", "location_phrase", "located",
    "where_prec", "area_id", "quote", "note", "outcome", "when",
]  # fmt: skip
# Columns holding lists or mappings (stored as JSON text).
JSON_COLUMNS = {"actors", "counts", "goods"}


def read_incidents(sources: Path) -> list[dict]:
    """Read and validate data/sources/incidents.yaml; raise DataError (file, line, id, reason) on the first fault."""
    path = sources / FILE
    records = read_entries(path, "incidents")
    places = read_place_ids(sources)
    units = {u["id"] for u in entries(sources / OUTPOSTS_FILE, load_yaml(sources / OUTPOSTS_FILE), "units")}
    areas = {a["id"] for a in read_entries(sources / AREAS_FILE, "areas")}
    for record in records:
        check_record(path, record, places, units, areas)
    return [strip_lines(r) for r in records]


def check_record(path: Path, record: dict, places: set[str], units: set[str], areas: set[str]) -> None:
    """One incident against the gazetteer, the units and the areas (contributed records are checked with it)."""
    _check(path, record, places, units)
    area = record["location"].get("area")
    if area is not None and area not in areas:
        raise DataError(path, record[LINE], record["id"], f"location area {area!r} is not an id in {AREAS_FILE}")


def build(
    records: list[dict], places_records: list[dict], border_line: shapely.Geometry | None, areas=None
) -> gpd.GeoDataFrame:
    """The incidents as Point features in the common schema (None geometry when unlocated).

    Each is placed at the best level the text allows (`where_prec`), tried in turn: a `location.phrase`
    resolved with `resolve_in_gazetteer` (near: its point and radius); the `location.place` when it has
    a point (its own level); the area of possibility of `location.area`, or else of the place (area:
    a marker inside it and the radius covering it); otherwise unlocated, with the reason.
    """
    by_id = {p["id"]: p for p in places_records}
    rows, geometries = [], []
    for record in records:
        geometry, precision_m, basis, level, area_id = _locate(record, by_id, places_records, border_line, areas)
        if record.get("precision_m") is not None:
            precision_m = record["precision_m"]
        rows.append(_row(record, precision_m, basis, level, area_id))
        geometries.append(geometry)
    return schema.frame(rows, geometries, EXTRA_COLUMNS)


# --- private -------------------------------------------------------------------------------------


def _check(path: Path, record: dict, places: set[str], units: set[str]) -> None:
    check_fields(path, record, *FIELDS)
    line, ident = record[LINE], record["id"]
    when.check_record(path, line, ident, record)
    if record["event_type"] not in EVENT_TYPES:
        raise DataError(path, line, ident, f"event_type {record['event_type']!r} is not one of {list(EVENT_TYPES)}")
    if record["subtype"] is not None and record["subtype"] not in SUBTYPES:
        raise DataError(path, line, ident, f"subtype {record['subtype']!r} is not one of {list(SUBTYPES)}")
    check_period(path, line, ident, record)
    if record["unit"] is not None and record["unit"] not in units:
        raise DataError(path, line, ident, f"unit {record['unit']!r} is not a unit id in {OUTPOSTS_FILE}")
    if record["direction"] not in DIRECTIONS:
        raise DataError(path, line, ident, f"direction {record['direction']!r} is not one of {list(DIRECTIONS)}")
    for actor in record["actors"] or []:
        check_fields(path, {**actor, "id": ident}, {"id", "who", "side"}, set())
        if actor["side"] not in SIDES:
            raise DataError(path, line, ident, f"actor side {actor['side']!r} is not one of {list(SIDES)}")
    check_counts(path, line, ident, record["counts"], COUNT_KINDS)
    for good in record["goods"] or []:
        check_fields(path, {**good, "id": ident}, {"id", "what", "value", "unit"}, set())
        check_number(path, line, ident, good["value"], f"goods {good['what']!r} value")
    location = record["location"]
    if not isinstance(location, dict):
        raise DataError(path, line, ident, "`location` must be {place, phrase}")
    check_fields(path, {**location, "id": ident}, {"id", "place", "phrase"}, {"area"})
    check_place(path, line, ident, location["place"], places, what="location place")
    if location["phrase"] is not None:
        try:
            relative.parse(location["phrase"])
        except ValueError as exc:
            raise DataError(path, line, ident, str(exc)) from None
    check_number(path, line, ident, record["precision_m"], "precision_m")
    check_citations(path, ident, record)


def _locate(record: dict, by_id: dict, places_records: list[dict], border_line, areas):
    """(point, precision_m, location_basis, where_prec, area_id) at the best level the record allows."""
    phrase, place = record["location"]["phrase"], record["location"]["place"]
    notes = []
    if phrase is not None:
        found, note = _from_phrase(record, phrase, places_records, border_line)
        if found is not None:
            return (*found, "near", None)
        notes.append(note)
    target = by_id.get(place) if place is not None else None
    if place is not None and target is None:
        raise DataError(FILE, None, record["id"], f"location place {place!r} has no entry in the places layer")
    if target is not None and located(target):
        point = Point(float(target["lon"]), float(target["lat"]))
        return (
            point,
            target.get("precision_m"),
            f"at {target['name']}: {target['location_basis']}",
            where_prec(target),
            None,
        )
    area_id = record["location"].get("area") or (target or {}).get("area")
    if area_id:
        point, radius = area_marker(FILE, record, area_id, areas)
        name = areas.loc[areas["id"] == area_id, "name"].iloc[0]
        whose = "" if record["location"].get("area") else f", where the gazetteer puts {target['name']}"
        notes.append(f"placed in the area of possibility “{name}”{whose}")
        return point, radius, "; ".join(notes), "area", area_id
    why = "the source gives no place"
    if target:
        why = f"{target['name']} is unlocated ({target['location_basis'].removeprefix('unlocated: ')})"
    notes.append("not placed: " + why)
    return None, None, "; ".join(notes), "unlocated", None


def _from_phrase(record: dict, phrase: str, places_records: list[dict], border_line):
    """((point, radius, basis), None) for a phrase that resolves to a point, else (None, why not)."""
    parsed = relative.parse(phrase)
    if parsed.anchor_is_border:
        return None, f"“{phrase}” is a line {parsed.distance_m:g} m (+-10%) from the border, not a point"
    anchor = find_place(parsed.anchor, places_records)
    if anchor is None:
        raise DataError(FILE, None, record["id"], f"location phrase {phrase!r}: no place {parsed.anchor!r}")
    if not located(anchor):
        return None, f"“{phrase}” cannot be measured: {anchor['name']} has no point"
    loc = resolve_in_gazetteer(phrase, places_records, border_line)
    return (Point(*loc.point), loc.radius_m, f"“{phrase}”, measured from {anchor['name']} ({loc.method})"), None


def _row(record: dict, precision_m, basis: str, level: str, area_id: str | None) -> dict:
    return {
        **{k: record.get(k) for k in ("id", "name", "start", "end", "date_precision", "sources", "quote")},
        **{k: record.get(k) for k in ("event_type", "subtype", "date_text", "unit", "direction", "note", "outcome")},
        **{k: record.get(k) for k in ("counts_note", "location_text", "when")},
        "variants": [],
        "precision_m": precision_m,
        "location_basis": basis,
        "event_type_label": EVENT_TYPES[record["event_type"]],
        "direction_label": DIRECTIONS[record.get("direction")],
        "actors": record.get("actors") or [],
        "counts": record.get("counts") or {},
        "goods": record.get("goods") or [],
        "location_place": record["location"]["place"],
        "location_phrase": record["location"]["phrase"],
        "located": level != "unlocated",
        "where_prec": level,
        "area_id": area_id,
    }
