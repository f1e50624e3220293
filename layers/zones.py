"""The `zones` layer: the legal border strips, each a band of Soviet territory along the border."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geo
from layers import border, schema, when
from layers.dates import PRECISIONS, parse_partial
from layers.errors import DataError
from layers.sources import (
    LINE,
    check_citation,
    check_fields,
    check_types,
    check_unique,
    entries,
    load_yaml,
    strip_lines,
)

TITLE = "Border zones"
DESCRIPTION = (
    "The legal strips inland from the border (4 m to 100 km), each with the years it was in force, "
    "the acts that created and changed it and what it restricted (Ablazhey and Zhanbossinova 2026)."
)
FILE = "zones.yaml"
CATEGORIES = {
    "regime": "Regime",
    "entry": "Entry",
    "residence": "Residence",
    "movement": "Movement",
    "economic_activity": "Economic activity",
    "trade": "Trade",
    "currency": "Currency",
    "gold": "Gold",
    "search": "Search and seizure",
    "expulsion": "Expulsion",
    "passport": "Passports",
}
EFFECTS = ("restricts", "permits")
ZONE_FIELDS = (
    {"id", "name", "depth", "start", "end", "date_precision"},
    {"name_ru", "name_kk", "name_zh", "variants", "start_note", "end_note"},
)
ACT_FIELDS = (
    {"id", "date", "date_precision", "body", "title", "did", "zones", "rules", "citation"},
    {"date_text", "date_note", "when"},
)
RULE_FIELDS = ({"zones", "category", "effect", "text"}, set())
EXTRA_COLUMNS = ["depth_value", "depth_unit", "depth_m", "start_note", "end_note", "acts", "rules", "undated_acts"]
JSON_COLUMNS = {"acts", "rules", "undated_acts"}  # columns holding lists or mappings (stored as JSON text)


@dataclass
class Regime:
    """The validated content of zones.yaml."""

    zones: list[dict]
    acts: list[dict]

    @property
    def general_acts(self) -> list[dict]:
        """Dated acts for the border zone as a whole (no depth stated)."""
        return [_act_summary(a) for a in self.acts if not a["zones"] and a["date"] is not None]


def read_regime(sources: Path) -> Regime:
    """Read and validate data/sources/zones.yaml; raise DataError naming file, line and reason."""
    path = sources / FILE
    data = load_yaml(path)
    check_fields(path, data, {"zones", "acts"}, set(), {"zones": ("mappings",)})
    zones = [_check_zone(path, z) for z in entries(path, data, "zones")]
    check_unique(path, zones)
    ids = {z["id"] for z in zones}
    acts = [_check_act(path, a, ids) for a in entries(path, data, "acts")]
    check_unique(path, acts)
    return Regime(zones=zones, acts=sorted(acts, key=act_order))


# The month a season named in an act's date_text begins ("the autumn of 1932": from September). Winter is not here:
# "the winter of 1932" may begin in the December before, so the earliest day it can mean is its year's first.
SEASON_MONTHS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9}


def act_order(act: dict) -> tuple:
    """Acts in order of the earliest day each can mean (a dated day before "the autumn" of its year, after "In"
    that year), then by how the source words the date and by title; an act the source does not date comes last."""
    if act["date"] is None:
        return date.max, act.get("date_text") or "", act["title"]
    first = parse_partial(act["date"])[0]
    if act["date_precision"] == "season":
        words = (act.get("date_text") or "").lower()
        month = next((m for season, m in SEASON_MONTHS.items() if season in words), first.month)
        first = max(first, first.replace(month=month, day=1))
    return first, act.get("date_text") or "", act["title"]


def build(regime: Regime, reference: Path, progress=print):
    """The zones as a GeoDataFrame in the common schema, full precision."""
    border_m = geo.prepare(border.border_line(reference))
    land_m = geo.prepare(border.soviet_land(reference))
    records, geometries = [], []
    for zone in regime.zones:
        depth_m = geo.to_metres(zone["depth"]["value"], zone["depth"]["unit"])
        progress(f"  zone {zone['id']}: band of {depth_m:g} m")
        geometries.append(geo.band(border_m, depth_m, land_m))
        records.append(_record(zone, depth_m, regime))
    return schema.frame(records, geometries, EXTRA_COLUMNS)


def _record(zone: dict, depth_m: float, regime: Regime) -> dict:
    """A zone's row: its dated acts and their rules; the acts the source does not date (and their rules) apart,
    in `undated_acts`, since a rule's date is what says when it applied."""
    acts = [a for a in regime.acts if zone["id"] in a["zones"]]
    dated = [a for a in acts if a["date"] is not None]
    rules = [
        {"category": r["category"], "effect": r["effect"], "text": r["text"], "act": a["id"], "date": a["date"]}
        for a in dated
        for r in a["rules"]
        if zone["id"] in r["zones"]
    ]
    depth = zone["depth"]
    return {
        **{
            k: zone.get(k)
            for k in (
                "id",
                "name",
                "name_ru",
                "name_kk",
                "name_zh",
                "start",
                "end",
                "date_precision",
                "start_note",
                "end_note",
            )
        },
        "variants": zone.get("variants") or [],
        "precision_m": None,
        "location_basis": f"Kazakhstan's territory within {depth['value']:g} {depth['unit']} of the border line",
        "sources": [a["citation"] for a in acts],
        "depth_value": depth["value"],
        "depth_unit": depth["unit"],
        "depth_m": depth_m,
        "acts": [_act_summary(a) for a in dated],
        "rules": rules,
        "undated_acts": [_act_summary(a) | {"rules": _rules_of(a, zone["id"])} for a in acts if a["date"] is None],
    }


def _rules_of(act: dict, zone_id: str) -> list[dict]:
    keys = ("category", "effect", "text")
    return [{k: r[k] for k in keys} | {"act": act["id"]} for r in act["rules"] if zone_id in r["zones"]]


def _act_summary(act: dict) -> dict:
    keys = ("id", "date", "date_precision", "date_text", "date_note", "body", "title", "did")
    return {**{k: act.get(k) for k in keys}, "citation": act["citation"]}


def _check_zone(path: Path, zone: dict) -> dict:
    check_fields(path, zone, *ZONE_FIELDS)
    line, ident = zone[LINE], zone["id"]
    depth = zone["depth"]
    if not isinstance(depth, dict) or set(depth) - {LINE} != {"value", "unit"}:
        raise DataError(path, line, ident, "`depth` must be {value: <number>, unit: <unit>}")
    check_types(path, {**depth, "id": ident})
    if depth["unit"] not in geo.UNITS:
        raise DataError(path, line, ident, f"depth unit {depth['unit']!r} is not one of {sorted(geo.UNITS)}")
    if not isinstance(depth["value"], (int, float)) or not depth["value"] > 0:
        raise DataError(path, line, ident, f"depth value {depth['value']!r} must be a number > 0")
    _check_period(path, zone)
    return zone


def _check_period(path: Path, entry: dict, start_key: str = "start", note_key: str = "start_note") -> None:
    """A known precision and a start no later than the end; or, where the source gives no date, no start and no
    precision, with a note (`note_key`) saying so."""
    line, ident = entry[LINE], entry["id"]
    if entry[start_key] is None:
        if entry["date_precision"] is not None or not entry.get(note_key):
            raise DataError(path, line, ident, f"{start_key} is null (undated): date_precision must be null too, "
                            f"and `{note_key}` must say why")  # fmt: skip
        return
    if entry["date_precision"] not in PRECISIONS:
        raise DataError(
            path, line, ident, f"date_precision {entry['date_precision']!r} is not one of {list(PRECISIONS)}"
        )
    try:
        first = parse_partial(str(entry[start_key]))[0]
        last = parse_partial(str(entry["end"]))[1] if entry.get("end") is not None else None
    except ValueError as exc:
        raise DataError(path, line, ident, str(exc)) from None
    if last is not None and last < first:
        raise DataError(path, line, ident, f"end {entry['end']} is before start {entry[start_key]}")


def _check_act(path: Path, act: dict, zone_ids: set[str]) -> dict:
    check_fields(path, act, *ACT_FIELDS)
    line, ident = act[LINE], act["id"]
    _check_period(path, {**act, "end": None}, start_key="date", note_key="date_note")
    when.check_nested(path, line, ident, act, "day")
    _check_zone_refs(path, line, ident, act["zones"], zone_ids)
    if not isinstance(act["rules"], list):
        raise DataError(path, line, ident, "`rules` must be a list")
    for rule in act["rules"]:
        check_fields(path, {**rule, "id": ident}, RULE_FIELDS[0] | {"id"}, set())
        _check_zone_refs(path, rule[LINE], ident, rule["zones"], set(act["zones"]))
        if rule["category"] not in CATEGORIES:
            raise DataError(
                path, rule[LINE], ident, f"rule category {rule['category']!r} is not one of {list(CATEGORIES)}"
            )
        if rule["effect"] not in EFFECTS:
            raise DataError(path, rule[LINE], ident, f"rule effect {rule['effect']!r} is not one of {list(EFFECTS)}")
    check_citation(path, line, ident, act["citation"])
    return strip_lines(act)


def _check_zone_refs(path: Path, line: int, ident: str, refs, allowed: set[str]) -> None:
    if not isinstance(refs, list):
        raise DataError(path, line, ident, "`zones` must be a list of zone ids")
    unknown = sorted(set(refs) - allowed)
    if unknown:
        raise DataError(path, line, ident, f"unknown zone id(s) {unknown}; allowed: {sorted(allowed)}")
