"""The `diplomacy` layer: Soviet–Xinjiang talks, agreements, representatives, policies, trade and trade measures,
1918–1923, and the Soviet protests of 1927.

Every record of data/sources/diplomacy.yaml is a dated, cited fact of Shemetova 2020 (or, for 1927, of Ablazhey and
Zhanbossinova 2026): a point at its place in the gazetteer, like the customs posts, or no point when the text names
no place or the record applies to a whole stretch of border (`area`).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from layers import schema
from layers.customs import TARIFF_FILE
from layers.errors import DataError
from layers.outposts import place_point, read_place_ids
from layers.sources import (
    LINE,
    check_citations,
    check_fields,
    check_period,
    check_place,
    load_yaml,
    read_entries,
    strip_lines,
)

TITLE = "Diplomacy and trade policy"
DESCRIPTION = (
    "Soviet–Xinjiang talks, agreements, diplomatic and trade representatives, policies, trade, notes and trade "
    "measures of 1918–1923 (Shemetova 2020), and the Soviet protests of 1927 (Ablazhey and Zhanbossinova 2026), "
    "each dated only as precisely as the text dates it: a point at the "
    "town where it happened or where a representative sat; a measure over a whole stretch of border has no "
    "point and names the stretch (`area`)."
)
FILE = "diplomacy.yaml"
KINDS = {
    "talks": "Talks",
    "agreement": "Agreement",
    "protocol": "Protocol",
    "representation": "Representative",
    "trade_measure": "Trade measure",
    "note_of_protest": "Note of protest",
    "concession_project": "Concession or joint company project",
    "correspondence": "Telegram, letter or report",
    "expedition": "Expedition",
    "policy": "Policy or aim of a side",
    "trade": "Trade between the sides (goods, routes)",
}
STATUSES = {
    "proposed": "proposed; the text does not say it was taken up",
    "held": "took place",
    "concluded": "concluded",
    "draft": "a draft; the text does not say it was signed or adopted in full",
    "adopted": "decided, issued or applied",
    "not_realised": "sought or attempted; the text says it failed",
    "attested": "attested by the text (a representative in a town, a letter or a note)",
    "unclear": "the text allows more than one reading (see `note`)",
}
SIDES = ("USSR", "China", "other")
# Stretches of border a measure applied to, as the text names them (English, the text's Russian words).
AREAS = {
    "west-china-border": (
        "The border of the USSR with Western China (Xinjiang province) as a whole",
        "по всей границе Западного Китая с СССР",
    ),
    "west-china-section": ("The section of the border with Western China", "на участке границы с Западным Китаем"),
    "eastern-borders": ("The borders of the USSR with the Eastern countries", "по границам СССР с восточными странами"),
    "west-china-afghan-borders": ("The West Chinese and Afghan borders", "на западно-китайской и афганской границе"),
    "afghan-persian-west-china-borders": (
        "The Afghan, Persian and West Chinese borders",
        "по афганской, персидской и западно-китайской границам",
    ),
    "uriankhai-border": ("The border with the Uriankhai krai (Tuva)", "с Урянхайским краем"),
}
# (required, optional, this layer's own kinds: fields not in layers.sources.FIELD_TYPES, or required texts there)
RECORD_FIELDS = (
    {
        "id", "name", "name_ru", "kind", "status", "start", "end", "date_precision", "date_text", "parties",
        "place", "summary", "sources",
    },
    {"date_note", "place_note", "area", "note", "related"},
    {
        "status": ("text",), "summary": ("text",), "parties": ("mappings",), "related": ("texts", "null"),
        **dict.fromkeys(("name_ru", "kind", "date_text"), ("text",)),
    },
)  # fmt: skip
PARTY_FIELDS = ({"who", "side"}, set(), {"who": ("text",), "side": ("text",)})
EXTRA_COLUMNS = [
    "kind", "kind_label", "status", "status_label", "date_text", "date_note", "parties", "place", "place_note",
    "area", "area_label", "located", "summary", "note", "related",
]  # fmt: skip
# Columns holding lists or mappings: the build must add these to layers.schema.JSON_COLUMNS.
JSON_COLUMNS = {"parties", "related"}


def read_diplomacy(sources: Path) -> list[dict]:
    """Read and validate data/sources/diplomacy.yaml against the gazetteer and the 1923 tariff.

    Raises DataError (`file:line: entry 'id': reason`) on the first fault.
    """
    path = sources / FILE
    records = read_entries(path, "records")
    places = read_place_ids(sources)
    known = {r["id"] for r in records} | _tariff_ids(sources)
    for record in records:
        _check_record(path, record, places, known)
    return [strip_lines(r) for r in records]


def build(
    records: list[dict],
    places_lonlat: dict[str, tuple[float, float, float] | None],
    names: dict[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """The records as a GeoDataFrame in the common schema, a point at each record's place.

    Parameters
    ----------
    records : `read_diplomacy(...)`
    places_lonlat : gazetteer id -> (lon, lat, precision_m), or None for a place without a point of its own
    names : gazetteer id -> name, for the location basis

    Returns
    -------
    Point features; None where the place has no point, or the record has no place (an area, or none named).
    """
    rows, geometries = [], []
    for record in records:
        geometry, precision_m, basis = place_point(
            record["id"], record["place"], _unplaced_note(record), places_lonlat, source=FILE, names=names
        )
        rows.append(_row(record, precision_m, basis, geometry is not None))
        geometries.append(geometry)
    return schema.frame(rows, geometries, EXTRA_COLUMNS)


# --- checks --------------------------------------------------------------------------------------


def _check_record(path: Path, record: dict, places: set[str], known: set[str]) -> None:
    check_fields(path, record, *RECORD_FIELDS)
    line, ident = record[LINE], record["id"]
    for field, table in (("kind", KINDS), ("status", STATUSES)):
        if record[field] not in table:
            raise DataError(path, line, ident, f"{field} {record[field]!r} is not one of {list(table)}")
    _check_dates(path, line, ident, record)
    _check_parties(path, line, ident, record["parties"])
    _check_where(path, line, ident, record, places)
    for other in record.get("related") or []:
        if other not in known:
            raise DataError(path, line, ident, f"related {other!r} is not a record of {FILE} or {TARIFF_FILE}")
    check_citations(path, ident, record)


def _check_dates(path: Path, line: int, ident: str, record: dict) -> None:
    """Dated (a start, or an end for "by <end>"), a precision, and a date_note wherever a bound is not stated."""
    start, end = record["start"], record["end"]
    if start is None and end is None:
        raise DataError(path, line, ident, "no date: every record is dated (start, or end alone for 'by <end>')")
    if record["date_precision"] is None:
        raise DataError(path, line, ident, "date_precision is required (of start; of end in a 'by' record)")
    check_period(path, line, ident, record)
    unstated = [what for what, holds in _UNSTATED.items() if holds(start, end)]
    if unstated and not record.get("date_note"):
        raise DataError(path, line, ident, f"{unstated[0]}: say where the dates come from in `date_note`")


_UNSTATED = {
    "a 'by' date (start is null)": lambda start, end: start is None,
    "an open end (end is null)": lambda start, end: end is None,
    "a period (start and end differ)": lambda start, end: None not in (start, end) and str(start) != str(end),
}


def _check_parties(path: Path, line: int, ident: str, parties: list[dict]) -> None:
    if not parties:
        raise DataError(path, line, ident, "`parties` must name at least one party {who, side}")
    for party in parties:
        check_fields(path, {**party, "id": ident}, PARTY_FIELDS[0] | {"id"}, PARTY_FIELDS[1], PARTY_FIELDS[2])
        if party["side"] not in SIDES:
            raise DataError(path, party[LINE], ident, f"party side {party['side']!r} is not one of {list(SIDES)}")


def _check_where(path: Path, line: int, ident: str, record: dict, places: set[str]) -> None:
    """A gazetteer place, or an area of border, or neither with a place_note saying why; never both."""
    place, area = record["place"], record.get("area")
    check_place(path, line, ident, place, places, what="place")
    if area is not None and area not in AREAS:
        raise DataError(path, line, ident, f"area {area!r} is not one of {list(AREAS)}")
    if place is not None and area is not None:
        raise DataError(path, line, ident, "a record has a place or an area of border, not both")
    if place is None and area is None and not record.get("place_note"):
        raise DataError(path, line, ident, "no place and no area: say why in `place_note`")


def _tariff_ids(sources: Path) -> set[str]:
    """The id of the 1923 tariff record (tariff_1923.yaml), which records may name as related."""
    data = load_yaml(sources / TARIFF_FILE)
    tariff = data.get("tariff")
    return {tariff["id"]} if isinstance(tariff, dict) and isinstance(tariff.get("id"), str) else set()


# --- rows ----------------------------------------------------------------------------------------


def _unplaced_note(record: dict) -> str | None:
    """What the location basis says of a record without a place: the stretch of border, or its place_note."""
    if record.get("area"):
        return f"applies to a stretch of border: {AREAS[record['area']][0]}"
    return record.get("place_note")


def _row(record: dict, precision_m, basis: str, located: bool) -> dict:
    keys = ("id", "name", "name_ru", "date_precision", "kind", "status", "date_text", "place")
    area = record.get("area")
    return {
        **{k: record.get(k) for k in keys},
        **{k: None if record[k] is None else str(record[k]) for k in ("start", "end")},
        **{k: record.get(k) for k in ("date_note", "place_note", "area", "summary", "note")},
        "variants": [],
        "parties": record["parties"],
        "related": record.get("related") or [],
        "precision_m": precision_m,
        "location_basis": basis,
        "sources": record["sources"],
        "kind_label": KINDS[record["kind"]],
        "status_label": STATUSES[record["status"]],
        "area_label": AREAS[area][0] if area else None,
        "located": located,
    }
