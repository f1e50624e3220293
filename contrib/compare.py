"""Records compared as the atlas means them: an empty value is no value, a whole float is a whole number,
a place's variant that repeats another of its names is no variant (the build lists it once either way)."""

from __future__ import annotations

from datetime import date

from layers.sources import LINE

OTHER_NAMES = ("name", "modern_name", "name_ru", "name_kk", "name_zh")


def canonical(value, layer: str | None = None):
    """A copy of a record (or any value) in a form where equal meaning is equal value."""
    if layer == "places" and isinstance(value, dict):
        value = _without_repeated_names(value)
    if isinstance(value, dict):
        out = {k: canonical(v) for k, v in value.items() if k != LINE}
        return {k: v for k, v in out.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _without_repeated_names(record: dict) -> dict:
    names = {_key(record[k]) for k in OTHER_NAMES if isinstance(record.get(k), str)}
    variants = [v for v in record.get("variants") or [] if _key(v) not in names]
    return record | {"variants": variants}


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def differences(old: dict, new: dict, layer: str | None = None) -> list[str]:
    """The fields whose values differ between two records (sorted)."""
    a, b = canonical(old, layer), canonical(new, layer)
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
