"""Places by name: every name of a gazetteer record, and a place found by any of them (in any script or case).

Used by the gazetteer itself (no name may lead to two places), by the incidents (a place named in a relative
location, "4 km southeast of the village of Narynkol") and by the migration areas.
"""

from __future__ import annotations

import re

import shapely

from geo import relative

NAME_FIELDS = ("name", "modern_name", "name_ru", "name_kk", "name_zh")  # with `variants`: every name of a place
_KIND_SUFFIX = re.compile(
    r"\s+(?:pass|valley|tract|area|mountains?|village|settlement|outpost|district|uezd|volost|province|region)$", re.I
)
# Russian case and adjective endings, longest first: "Нарынкола" and "Нарынкол" share the stem "нарынкол".
_RU_ENDINGS = (
    "ого его ому ему ыми ими ами ями ой ей ом ем ою ею ью ый ий ая яя ое ее ую юю ым им ых их ам ям ах ях "
    "а я ы и у ю е о ь й"
).split()


def all_names(record: dict) -> list[str]:
    """Every name of a place, the source's `name` first, without repeats (case-insensitive)."""
    names = [record.get("name"), *(record.get("variants") or []), *(record.get(f) for f in NAME_FIELDS[1:])]
    seen, unique = set(), []
    for name in names:
        if isinstance(name, str) and name.strip() and name_key(name) not in seen:
            seen.add(name_key(name))
            unique.append(name.strip())
    return unique


def located(record: dict) -> bool:
    """Does the record have coordinates?"""
    return record.get("lat") is not None and record.get("lon") is not None


def find_place(name: str, records: list[dict]) -> dict | None:
    """The place with this name or variant; None if there is none.

    Tried in turn: the name as it is (case-insensitive); without a trailing kind word ("Selke pass"
    finds "Selke", "Kokpekty" finds "Kokpekty district"); Russian words by stem ("Нарынкола" finds
    "Нарынкол", "Кашгарского округа" finds "Кашгарский округ").

    Raises ValueError if the name fits more than one place.
    """
    for key_of in (name_key, lambda n: name_key(_KIND_SUFFIX.sub("", n)), _stem_key):
        matches = {r["id"]: r for r in records for n in all_names(r) if key_of(n) == key_of(name)}
        if len(matches) > 1:
            raise ValueError(f"the name {name!r} fits several places: {sorted(matches)}")
        if matches:
            return next(iter(matches.values()))
    return None


def resolve_in_gazetteer(
    phrase: str, records: list[dict], border_line: shapely.Geometry | None = None
) -> relative.Location:
    """Resolve a relative-location phrase with its anchor looked up in the gazetteer by any name.

    Raises ValueError naming the phrase and the place when the anchor is unknown or unlocated.
    """
    parsed = relative.parse(phrase)
    if parsed.anchor_is_border:
        return relative.resolve(parsed, None, 0.0, border_line)
    anchor = find_place(parsed.anchor, records)
    if anchor is None:
        raise ValueError(f"cannot resolve {phrase!r}: no place named {parsed.anchor!r} in the gazetteer")
    if not located(anchor):
        raise ValueError(
            f"cannot resolve {phrase!r}: its anchor {parsed.anchor!r} ({anchor['id']}) is unlocated in the gazetteer"
        )
    point = (float(anchor["lon"]), float(anchor["lat"]))
    return relative.resolve(parsed, point, float(anchor.get("precision_m") or 0.0), border_line)


def name_key(name: str) -> str:
    """A name as names are compared: spaces collapsed, case folded."""
    return " ".join(str(name).split()).casefold()


def _stem_key(name: str) -> str:
    """Each Cyrillic word of the name without its case ending; other words as they are."""
    return "-".join(" ".join(_stem(w) for w in part.split()) for part in name_key(name).replace("ё", "е").split("-"))


def _stem(word: str) -> str:
    if not re.fullmatch(r"[а-я]+", word):
        return word
    for ending in _RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            return word[: -len(ending)]
    return word
