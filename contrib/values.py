"""A cell's text (or a spreadsheet's number, or a GeoJSON value) read as a value of the kinds its field allows.

The kinds and their tests are layers.sources.KINDS, the one table data/sources is checked with; this module
only says how a cell spells each kind (a number in a CSV is text, a list is JSON or texts separated by `;`).
"""

from __future__ import annotations

import json
import re

from contrib.limits import too_deep
from layers.dates import parse_partial
from layers.sources import KINDS, shown

STRUCTURED = ("mapping", "mappings", "texts", "numbers")
TRUE, FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class CellError(ValueError):
    """A cell whose value is none of its field's kinds: what it was, and what is allowed."""

    def __init__(self, what: str, allowed: str):
        self.what, self.allowed = what, allowed
        super().__init__(f"{what}; allowed: {allowed}")


def empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse(value, kinds: tuple):
    """The value as the first of `kinds` it can be read as; CellError otherwise."""
    if empty(value):
        if "null" in kinds:
            return None
        for kind, nothing in (("mapping", {}), ("mappings", []), ("texts", []), ("numbers", [])):
            if kind in kinds:
                return nothing
        raise CellError("the cell is empty", _allowed(kinds))
    ordered = sorted(kinds, key=lambda k: k not in STRUCTURED) if _looks_json(value) else kinds
    for kind in ordered:
        read = READ.get(kind)
        try:
            candidate = read(value) if read else value
        except (ValueError, TypeError):
            continue
        if kind != "null" and KINDS[kind][0](candidate):
            return candidate
    raise CellError(f"{shown(value)} is not " + " or ".join(KINDS[k][1] for k in kinds if k != "null"), _allowed(kinds))


def _looks_json(value) -> bool:
    return isinstance(value, str) and value.lstrip()[:1] in ("[", "{")


def _allowed(kinds: tuple) -> str:
    return " or ".join(KINDS[k][1] for k in kinds if k != "null") + (" or empty" if "null" in kinds else "")


def _text(value):
    if isinstance(value, bool):
        raise ValueError("a flag is not a text")
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, str):
        raise ValueError("a list or a mapping is not a text")
    return value


def _number(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value).strip().replace(",", ".") if isinstance(value, str) else None
    if text is None or not _NUMBER.match(text):
        raise ValueError(value)
    number = float(text)
    return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number


def _whole(value):
    number = _number(value)
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


def _flag(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in TRUE | FALSE:
        return text in TRUE
    raise ValueError(value)


def _date(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = str(value).strip()
    if not _DATE.match(text):
        raise ValueError(value)
    parse_partial(text)  # a real day of a real month
    return text


def _json(value):
    """JSON text read (a value from a GeoJSON is already read); nested beyond LIMITS["depth"]: not a value."""
    if not isinstance(value, str):
        return value
    try:
        found = json.loads(value)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if too_deep(found):
        raise ValueError("nested too deeply")
    return found


def _texts(value):
    if isinstance(value, list):
        return value
    if _looks_json(value):
        return _json(value)
    return [part.strip() for part in str(value).split(";") if part.strip()]


READ = {
    "text": _text,
    "number": _number,
    "whole": _whole,
    "flag": _flag,
    "date": _date,
    "mapping": _json,
    "mappings": _json,
    "numbers": _json,
    "texts": _texts,
}
