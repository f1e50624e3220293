"""A contributor's choice for a name the gazetteer does not settle, and the place record it adds.

A choice is written as text (the command line, the web form and the store keep it so):
  place:ID                       an atlas place
  geonames:ID                    a GeoNames place: added to the gazetteer, exact, with the GeoNames id as basis
  lonlat:LON,LAT[,RADIUS_M]      coordinates with a basis (required): added as `near`, 5 km radius by default
  area:AREA_ID                   an area of possibility of the atlas: added as `area`
  unlocated                      no point: added as `unlocated`, with the reason (the basis, required)
Every added place carries the basis and the record's own citations, and ends at a stated level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contrib import names
from contrib.reconcile import geonames_point
from layers.places import SIDE_COUNTRIES

KINDS = ("place", "geonames", "lonlat", "area", "unlocated")
FORMS = "place:ID, geonames:ID, lonlat:LON,LAT[,RADIUS_M], area:AREA_ID or unlocated"
DEFAULT_RADIUS_M = 5000.0
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Choice:
    """What a contributor chose for one name: its kind, its value and the basis they give."""

    kind: str
    value: str = ""
    basis: str | None = None

    @property
    def text(self) -> str:
        return self.kind if self.kind == "unlocated" else f"{self.kind}:{self.value}"


WORDS = {"place": "the atlas's place {}", "geonames": "GeoNames {}", "lonlat": "the point {} (longitude, latitude)",
         "area": "the area of possibility {}", "unlocated": "left unlocated"}  # fmt: skip


def described(text: str) -> str:
    """A choice's text in words: geonames:1522818 -> GeoNames 1522818."""
    kind, _, value = str(text).partition(":")
    found = geonames_point(int(value)) if kind == "geonames" and value.isdigit() else None
    if found:
        return f"{found[0]}, GeoNames {value}"
    return WORDS[kind].format(value) if kind in WORDS else str(text)


def parse(text: str, basis: str | None = None) -> Choice:
    """A choice from its text; ValueError saying what is allowed."""
    kind, _, value = str(text).strip().partition(":")
    if kind not in KINDS or (kind != "unlocated" and not value.strip()):
        raise ValueError(f"{text!r} is not a choice; allowed: {FORMS}")
    basis = (basis or "").strip() or None
    if kind in ("lonlat", "unlocated") and basis is None:
        raise ValueError(f"{kind} needs a basis: how the point was found, or why the place cannot be located")
    if kind == "lonlat":
        _lonlat(value)
    if kind == "geonames" and not value.strip().isdigit():
        raise ValueError(f"{text!r}: a GeoNames id is a whole number")
    return Choice(kind, value.strip(), basis)


def _lonlat(value: str) -> tuple[float, float, float]:
    try:
        numbers = [float(v) for v in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (2, 3) or not (-180 <= numbers[0] <= 180 and -90 <= numbers[1] <= 90):
        raise ValueError(f"lonlat:{value} is not LON,LAT[,RADIUS_M] in WGS84 degrees (80.05,43.12)")
    radius = numbers[2] if len(numbers) == 3 else DEFAULT_RADIUS_M
    return numbers[0], numbers[1], radius


def new_place(choice: Choice, name: str, sources: list, taken: set[str], side_of) -> dict | None:
    """The place record a choice adds (None for place:ID, which names an atlas place)."""
    if choice.kind == "place":
        return None
    bare = names.bare(name)
    latin = _latin(bare)
    base = {"id": _free_id(bare, taken), "name": latin, "feature_type": "settlement", "in_1927_list": False}
    base |= {"sources": sources, "variants": [name] if bare != name else None}
    base |= {"name_ru": bare} if latin != bare else {}
    return base | PLACERS[choice.kind](choice, side_of)


def _latin(name: str) -> str:
    """A Cyrillic name in the gazetteer's Latin spelling (Кок-Терек -> Kok-Terek); any other as it is."""
    if not names.is_cyrillic(name):
        return name
    return re.sub(r"(^|[\s-])(\w)", lambda m: m[1] + m[2].upper(), names.to_latin(name))


def _geonames(choice: Choice, side_of) -> dict:
    found = geonames_point(int(choice.value))
    if found is None:
        raise ValueError(f"geonames:{choice.value} is not in the offline GeoNames copy")
    label, lon, lat, country = found
    side = next((s for s, codes in SIDE_COUNTRIES.items() if country in codes), side_of(lon, lat) or "USSR")
    basis = f"GeoNames {choice.value} ({label})" + (f"; {choice.basis}" if choice.basis else "")
    return {"modern_name": label, "geonames_id": int(choice.value), "lon": lon, "lat": lat, "side": side,
            "precision_class": "exact", "precision_m": 1000.0, "location_basis": basis}  # fmt: skip


def _coordinates(choice: Choice, side_of) -> dict:
    lon, lat, radius = _lonlat(choice.value)
    basis, side = f"given by the contributor: {choice.basis}", side_of(lon, lat) or "USSR"
    return {"lon": lon, "lat": lat, "precision_m": radius, "side": side, "precision_class": "near",
            "relative_location": choice.basis, "location_basis": basis}  # fmt: skip


def _area(choice: Choice, side_of) -> dict:
    basis = f"in the area of possibility {choice.value}" + (f": {choice.basis}" if choice.basis else "")
    return {"side": "USSR", "precision_class": "area", "area": choice.value, "location_basis": basis}


def _unlocated(choice: Choice, side_of) -> dict:
    return {"side": "USSR", "precision_class": "unlocated", "location_basis": f"unlocated: {choice.basis}"}


PLACERS = {"geonames": _geonames, "lonlat": _coordinates, "area": _area, "unlocated": _unlocated}


def _free_id(name: str, taken: set[str]) -> str:
    stem = _SLUG.sub("-", names.to_latin(name)).strip("-")[:40] or "place"
    ident, n = stem, 1
    while ident in taken:
        n += 1
        ident = f"{stem}-{n}"
    taken.add(ident)
    return ident
