"""Linked Places Format (LPF, the World Historical Gazetteer's) read into the places layer's columns.

The inverse of layers/lpf.py where LPF carries the field: the id (the last part of `@id`), the title, the
names by language (ru, kk, zh; the rest as variants), the type (its source label, else the Getty AAT
concept), the point and its certainty, the GeoNames link, the side (from `ccodes`), and the descriptions the
atlas writes (location basis and radius, position in the source, the 1927 list, the 1920s unit, a note).
LPF cites a name by a label, not by a quote: the citations must be given again (the cite_* columns).
"""

from __future__ import annotations

import re

from layers import lpf as atlas_lpf
from layers import places

LANG_FIELDS = {"ru": "name_ru", "kk": "name_kk", "zh": "name_zh"}
CERTAINTY = {"certain": "exact", "less-certain": "near", "uncertain": "district"}
AAT_TO_TYPE = {identifier: kind for kind, (identifier, _) in reversed(atlas_lpf.AAT_TYPES.items())}
DESCRIPTIONS = {  # the descriptions layers/lpf.py writes: prefix -> column
    "Location: ": "location_basis",
    "Position in the source: ": "relative_location",
    "1920s unit: ": "admin_1920s",
}
RADIUS = re.compile(r" \(uncertainty radius (?P<km>[\d.]+) km\)$")
IN_1927 = "In the 1927 list of USSR border settlements"


def is_lpf(data: dict) -> bool:
    """Is a FeatureCollection LPF (a JSON-LD context, or features with `names`)?"""
    context = str(data.get("@context") or "")
    return (
        "linked-places" in context
        or "linkedplaces" in context
        or any(isinstance(f, dict) and "names" in f for f in data.get("features", [])[:1])
    )


def table(data: dict, name: str):
    """An LPF FeatureCollection as a Table in the places layer's columns."""
    from contrib.limits import LIMITS, ReadError
    from contrib.table import Row, Table

    features = data["features"]
    if len(features) > LIMITS["rows"]:
        raise ReadError(name, f"{len(features):,} features; allowed: at most {LIMITS['rows']:,}")
    rows = []
    for number, feature in enumerate(features, 1):
        if not isinstance(feature, dict):
            raise ReadError(name, f"feature {number} is not an LPF Feature")
        cells, geometry = cells_of(feature)
        rows.append(Row(number, cells, geometry))
    columns = list(dict.fromkeys(c for r in rows for c in r.cells))
    return Table(name, "lpf", columns, rows)


def cells_of(feature: dict) -> tuple[dict, object]:
    """(cells in the places layer's columns, point or None) of one LPF feature."""
    from shapely.geometry import shape

    properties = feature.get("properties") or {}
    cells = {"id": str(feature.get("@id") or "").rstrip("/").rsplit("/", 1)[-1] or None}
    cells["name"] = properties.get("title")
    cells |= _names(feature.get("names") or [], cells["name"])
    cells["feature_type"] = _type(feature.get("types") or [])
    cells["side"] = _side(properties.get("ccodes") or [])
    geometry = feature.get("geometry")
    point = shape(geometry) if isinstance(geometry, dict) and geometry.get("coordinates") else None
    certainty = (geometry or {}).get("certainty")
    cells["precision_class"] = CERTAINTY.get(certainty, "unlocated") if point is not None else "unlocated"
    cells["geonames_id"] = _geonames(feature.get("links") or [])
    cells |= _descriptions(feature.get("descriptions") or [])
    return cells, point


def _names(names: list, title) -> dict:
    out, variants = {}, []
    for entry in names:
        toponym, lang = entry.get("toponym"), entry.get("lang")
        if not toponym or toponym == title:
            continue
        if LANG_FIELDS.get(lang) and LANG_FIELDS[lang] not in out:
            out[LANG_FIELDS[lang]] = toponym
        else:
            variants.append(toponym)
    return out | {"variants": variants}


def _type(types: list) -> str | None:
    for entry in types:
        labels = [s.get("label") for s in entry.get("sourceLabels") or []]
        known = [label for label in labels if label in places.FEATURE_TYPES]
        if known:
            return known[0]
        if entry.get("identifier") in AAT_TO_TYPE:
            return AAT_TO_TYPE[entry["identifier"]]
    return None


def _side(ccodes: list) -> str | None:
    sides = [side for side, codes in places.SIDE_COUNTRIES.items() for code in ccodes if code in codes]
    return sides[0] if sides else None


def _geonames(links: list) -> int | None:
    for link in links:
        identifier = str(link.get("identifier") or "")
        if identifier.startswith("gn:") and identifier[3:].isdigit():
            return int(identifier[3:])
    return None


def _descriptions(descriptions: list) -> dict:
    out: dict = {"in_1927_list": False}
    notes = []
    for entry in descriptions:
        text = entry.get("value") or ""
        prefix = next((p for p in DESCRIPTIONS if text.startswith(p)), None)
        if prefix == "Location: ":
            radius = RADIUS.search(text)
            out["precision_m"] = float(radius["km"]) * 1000 if radius else None
            out["location_basis"] = RADIUS.sub("", text[len(prefix) :])
        elif prefix:
            out[DESCRIPTIONS[prefix]] = text[len(prefix) :]
        elif text.startswith(IN_1927):
            out["in_1927_list"] = True
        elif text:
            notes.append(text)
    return out | {"note": "\n".join(notes) or None}
