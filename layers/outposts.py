"""The `outposts` layer: border-guard districts, detachments, commandant's offices and outposts, by year."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import yaml
from shapely.geometry import Point

from layers import areas as areas_layer
from layers import schema, when
from layers.dates import overlaps, parse_partial
from layers.errors import DataError
from layers.sources import (
    LINE,
    PLACES_FILE,
    check_citations,
    check_date,
    check_facts,
    check_fields,
    check_period,
    check_place,
    check_unique,
    entries,
    load_yaml,
    read_entries,
    strip_lines,
)
from layers.words import clause

TITLE = "Border-guard units"
DESCRIPTION = (
    "Border-guard districts, detachments, commandant's offices, outposts, squads, mobile groups and air units "
    "of the Kazakh–Xinjiang section, each at its seat where the source names one, with its names by period, dated "
    "counts (outposts, km of border, personnel) and the events that attest it (Ablazhey and Zhanbossinova 2026)."
)
FILE = "outposts.yaml"
AREAS_FILE = "areas.yaml"
UNIT_TYPES = {
    "directorate": "Directorate",
    "district": "Border district",
    "division": "Border division",
    "detachment": "Border detachment",
    "commandant_office": "Commandant's office",
    "section": "Section",
    "outpost": "Outpost",
    "squadron": "Squadron",
    "squad": "Squad",
    "mobile_group": "Mobile group",
    "air_detachment": "Air detachment",
    "tribunal": "Military tribunal",
}
FACT_KINDS = {
    "outposts": "outposts",
    "border_km": "km of border",
    "personnel": "people",
    "air_detachments": "air detachments",
    "households_detained": "households detained",
    "violators_deported": "border violators deported",
}
UNIT_FIELDS = (
    {"id", "name", "unit_type", "parent", "seat", "start", "end", "date_precision", "sources"},
    {
        "name_ru", "name_kk", "name_zh", "variants", "formed_from", "seat_note", "seat_moves", "start_note",
        "end_note", "names_by_period", "facts", "events", "note", "area",
    },
)  # fmt: skip
NAME_FIELDS = ({"name", "start", "end", "date_precision", "sources"}, {"unit_type", "note", "when"})
MOVE_FIELDS = ({"seat", "date", "date_precision", "sources"}, {"when"})
EVENT_FIELDS = ({"date", "date_precision", "text", "sources"}, {"date_text", "place", "when"})
EXTRA_COLUMNS = [
    "unit_id", "unit_type", "unit_type_label", "parent", "formed_from", "seat", "seat_note", "located",
    "start_note", "end_note", "first_attested", "last_attested", "names_by_period", "seat_moves", "facts",
    "events", "note", "area_id",
]  # fmt: skip
# Columns holding lists or mappings (stored as JSON text).
JSON_COLUMNS = {"names_by_period", "seat_moves", "facts", "events"}


def read_outposts(sources: Path) -> list[dict]:
    """Read and validate data/sources/outposts.yaml against the gazetteer; raise DataError on the first fault."""
    path = sources / FILE
    data = load_yaml(path)
    check_fields(path, data, {"units"}, set())
    places = read_place_ids(sources)
    units = entries(path, data, "units")
    check_unique(path, units)
    ids = {u["id"] for u in units}
    areas = (
        {a["id"] for a in read_entries(sources / AREAS_FILE, "areas")} if any(u.get("area") for u in units) else set()
    )
    for unit in units:
        _check_unit(path, unit, ids, places, areas)
    _check_no_loops(path, units)
    return [strip_lines(u) for u in units]


def check_record(path: Path, unit: dict, ids: set[str], places: set[str], areas: set[str] | None = None) -> None:
    """One unit against the other units' ids, the gazetteer and (when given) the areas of possibility (contributed
    records are checked with it)."""
    _check_unit(path, unit, ids, places, areas)


def build(
    records: list[dict],
    places_lonlat: dict[str, tuple[float, float, float] | None],
    names: dict[str, str] | None = None,
    areas: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """The units as a GeoDataFrame in the common schema: one feature per unit and seat period.

    Parameters
    ----------
    records : units from `read_outposts`
    places_lonlat : gazetteer id -> (lon, lat, precision_m), or None for an unlocated place
    areas : the built areas of possibility, for the units placed in one (`area`)

    Returns
    -------
    Point features at the seat (None where the seat is unknown or unlocated), or at the marker of the unit's
    area of possibility; a unit whose seat moved has one feature per seat, the later ones with id
    "<unit id>@<date of the move>".
    """
    rows, geometries = [], []
    for unit in records:
        for period in _seat_periods(unit):
            if unit.get("area"):
                geometry, precision_m, basis = area_point(unit, areas)
            else:
                geometry, precision_m, basis = place_point(
                    unit["id"], period["seat"], unit.get("seat_note"), places_lonlat, names=names
                )
            rows.append(_row(unit, period, precision_m, basis, geometry is not None))
            geometries.append(geometry)
    return schema.frame(rows, geometries, EXTRA_COLUMNS)


def area_point(unit: dict, areas: gpd.GeoDataFrame | None):
    """(the marker of the unit's area of possibility, the radius covering the area, the location basis)."""
    if areas is None or unit["area"] not in set(areas["id"]):
        raise DataError(FILE, None, unit["id"], f"area {unit['area']!r} is not in {AREAS_FILE}")
    point, radius = areas_layer.marker(areas, unit["area"])
    name = areas.loc[areas["id"] == unit["area"], "name"].iloc[0]
    basis = f"in the area of possibility {name}: the marker stands inside it and is not the unit's position"
    return point, radius, basis + (f"; {clause(unit['seat_note'])}" if unit.get("seat_note") else "")


def name_in_year(record: dict, year: int) -> str:
    """The name a unit bore in `year`: the latest-starting of its names in force that year, else its name."""
    names = [n for n in record.get("names_by_period") or [] if overlaps(n["start"], n["end"], *_year(year))]
    return max(names, key=lambda n: _earliest(n["start"]))["name"] if names else record["name"]


def seat_in_year(record: dict, year: int) -> str | None:
    """The gazetteer id of a unit's seat in `year` (its last move up to that year wins)."""
    moves = [m for m in record.get("seat_moves") or [] if parse_partial(m["date"])[0] <= _year(year)[1]]
    return max(moves, key=lambda m: _earliest(m["date"]))["seat"] if moves else record["seat"]


def facts_in_year(record: dict, year: int, what: str | None = None) -> list[dict]:
    """The dated counts of a record that cover `year`, optionally of one kind."""
    return [
        f
        for f in record.get("facts") or []
        if f["year"] <= year <= (f.get("year_end") or f["year"]) and what in (None, f["what"])
    ]


# --- the gazetteer -----------------------------------------------------------------------------


def _places(sources: Path) -> list[dict]:
    path = sources / PLACES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(path, None, None, f"cannot read the gazetteer: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise DataError(path, 1, None, f"the gazetteer is not UTF-8 text: {exc.reason}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise DataError(path, line, None, f"the gazetteer is not valid YAML: {str(exc).splitlines()[0]}") from None
    places = data.get("places") if isinstance(data, dict) else data
    if not isinstance(places, list):
        raise DataError(path, 1, None, "the gazetteer must be a list of places with an `id`")
    return [p for p in places if isinstance(p, dict) and isinstance(p.get("id"), str)]


def read_place_ids(sources: Path) -> set[str]:
    """The ids of data/sources/places.yaml."""
    return {p["id"] for p in _places(sources)}


def read_places_lonlat(sources: Path) -> dict[str, tuple[float, float, float] | None]:
    """Gazetteer id -> (lon, lat, precision_m) straight from places.yaml (None when unlocated).

    A stand-in for tests and scripts; the build passes the places layer's own points.
    """
    return {
        p["id"]: (p["lon"], p["lat"], p.get("precision_m"))
        if p.get("lon") is not None and p.get("lat") is not None
        else None
        for p in _places(sources)
    }


def place_point(
    ident: str,
    place: str | None,
    note: str | None,
    places_lonlat: dict,
    *,
    source: str = FILE,
    names: dict | None = None,
):
    """(geometry or None, precision_m, location_basis) for a record of `source` placed at a gazetteer place.

    The basis names the place by its name (`names`: gazetteer id -> name), never by its id.
    """
    if place is None:
        return None, None, f"not placed: {note or 'the source gives no place'}"
    if place not in places_lonlat:
        raise DataError(source, None, ident, f"place {place!r} has no entry in the places layer")
    located = places_lonlat[place]
    name = (names or {}).get(place, place)
    if located is None:
        return None, None, f"not placed: {name} has no point of its own (unlocated, or only an area of possibility)"
    lon, lat, precision_m = located
    basis = f"at the gazetteer point of {name}" + (f"; {clause(note)}" if note else "")
    return Point(lon, lat), precision_m, basis


# --- attestation ---------------------------------------------------------------------------------


def attested(record: dict) -> tuple[str | None, str | None]:
    """The earliest and latest dates a record is attested by: its period, names, seat moves, events and facts."""
    dates = [record.get("start"), record.get("end")]
    dates += [n[k] for n in record.get("names_by_period") or [] for k in ("start", "end")]
    dates += [m["date"] for m in record.get("seat_moves") or []]
    dates += [e["date"] for e in record.get("events") or []]
    dates += [f.get("date") or str(f["year"]) for f in record.get("facts") or []]
    dates += [str(f["year_end"]) for f in record.get("facts") or [] if f.get("year_end")]
    dates = [str(d) for d in dates if d is not None]
    if not dates:
        return None, None
    return min(dates, key=lambda d: parse_partial(d)[0]), max(dates, key=lambda d: parse_partial(d)[1])


# --- private -------------------------------------------------------------------------------------


def _check_unit(path: Path, unit: dict, ids: set[str], places: set[str], areas: set[str] | None = None) -> None:
    check_fields(path, unit, *UNIT_FIELDS)
    line, ident = unit[LINE], unit["id"]
    if unit.get("area") is not None and (unit["seat"] is not None or (areas is not None and unit["area"] not in areas)):
        raise DataError(path, line, ident, f"area {unit['area']!r}: a unit in an area of possibility has a null seat "
                        f"and the area is an id of {AREAS_FILE}")  # fmt: skip
    if unit["unit_type"] not in UNIT_TYPES:
        raise DataError(path, line, ident, f"unit_type {unit['unit_type']!r} is not one of {list(UNIT_TYPES)}")
    for key in ("parent", "formed_from"):
        if unit.get(key) is not None and (unit[key] not in ids or unit[key] == ident):
            raise DataError(path, line, ident, f"{key} {unit[key]!r} is not another unit's id in {FILE}")
    check_place(path, line, ident, unit["seat"], places, what="seat")
    _require_note(path, unit, "seat", "seat_note", "the seat is unknown")
    _require_note(path, unit, "start", "start_note", "the unit is undated")
    check_period(path, line, ident, unit)
    check_citations(path, ident, unit)
    for name in _list(path, unit, "names_by_period"):
        _check_name(path, ident, name)
    for move in _list(path, unit, "seat_moves"):
        check_fields(path, {**move, "id": ident}, MOVE_FIELDS[0] | {"id"}, MOVE_FIELDS[1])
        check_place(path, move[LINE], ident, move["seat"], places, what="seat")
        check_date(path, move[LINE], ident, move["date"], move["date_precision"])
        check_citations(path, ident, move)
        when.check_nested(path, move[LINE], ident, move, "day")
    check_facts(path, line, ident, unit.get("facts") or [], FACT_KINDS)
    for event in _list(path, unit, "events"):
        check_fields(path, {**event, "id": ident}, EVENT_FIELDS[0] | {"id"}, EVENT_FIELDS[1])
        check_date(path, event[LINE], ident, event["date"], event["date_precision"])
        check_place(path, event[LINE], ident, event.get("place"), places, what="event place")
        check_citations(path, ident, event)
        when.check_nested(path, event[LINE], ident, event, "day")


def _check_name(path: Path, ident: str, name: dict) -> None:
    check_fields(path, {**name, "id": ident}, NAME_FIELDS[0] | {"id"}, NAME_FIELDS[1])
    if name.get("unit_type") is not None and name["unit_type"] not in UNIT_TYPES:
        raise DataError(path, name[LINE], ident, f"unit_type {name['unit_type']!r} is not one of {list(UNIT_TYPES)}")
    check_period(path, name[LINE], ident, name, what=f"name {name['name']!r}:")
    when.check_nested(path, name[LINE], ident, name, "interval")
    check_citations(path, ident, name)


def _check_no_loops(path: Path, units: list[dict]) -> None:
    parents = {u["id"]: u.get("parent") for u in units}
    for unit in units:
        seen, current = {unit["id"]}, parents[unit["id"]]
        while current is not None:
            if current in seen:
                raise DataError(path, unit[LINE], unit["id"], f"its chain of parents loops back at {current!r}")
            seen.add(current)
            current = parents[current]


def _require_note(path: Path, unit: dict, key: str, note: str, why: str) -> None:
    if unit.get(key) is None and not unit.get(note):
        raise DataError(path, unit[LINE], unit["id"], f"{key} is null ({why}): say so in `{note}`")


def _list(path: Path, unit: dict, key: str) -> list[dict]:
    items = unit.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise DataError(path, unit[LINE], unit["id"], f"`{key}` must be a list of mappings")
    return items


def _seat_periods(unit: dict) -> list[dict]:
    moves = sorted(unit.get("seat_moves") or [], key=lambda m: _earliest(m["date"]))
    starts = [(unit["seat"], unit["start"], unit["date_precision"])]
    starts += [(m["seat"], m["date"], m["date_precision"]) for m in moves]
    periods = []
    for i, (seat, start, precision) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else unit["end"]
        ident = unit["id"] if i == 0 else f"{unit['id']}@{start}"
        periods.append({"id": ident, "seat": seat, "start": start, "end": end, "date_precision": precision})
    return periods


def _row(unit: dict, period: dict, precision_m, basis: str, located: bool) -> dict:
    first, last = attested(unit)
    return {
        **{k: unit.get(k) for k in ("name", "name_ru", "name_kk", "name_zh", "parent", "formed_from", "note")},
        **{k: unit.get(k) for k in ("seat_note", "start_note", "end_note")},
        **period,
        "variants": unit.get("variants") or [],
        "precision_m": precision_m,
        "location_basis": basis,
        "sources": unit["sources"],
        "unit_id": unit["id"],
        "unit_type": unit["unit_type"],
        "unit_type_label": UNIT_TYPES[unit["unit_type"]],
        "located": located,
        "area_id": unit.get("area"),
        "first_attested": first,
        "last_attested": last,
        "names_by_period": unit.get("names_by_period") or [],
        "seat_moves": unit.get("seat_moves") or [],
        "facts": unit.get("facts") or [],
        "events": unit.get("events") or [],
    }


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _earliest(value) -> date:
    return parse_partial(str(value))[0] if value is not None else date.min
