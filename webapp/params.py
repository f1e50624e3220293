"""Query parameters, one parser each for every endpoint: parsed and checked, or a QueryError saying what is allowed.

A period is one filter in two forms (`datetime=A/B` or `year=A-B`, parse_period); a choice among named values is
parse_choice."""

from __future__ import annotations

import re
from datetime import date

from flask import request

from layers.dates import parse_partial
from layers.schema import PERIOD, YEARS, YEARS_TEXT  # what the atlas covers; the sources may reach further back
from store.errors import QueryError

DEFAULT_LIMIT, MAX_LIMIT = 100, 10_000
MAX_DIGITS = 30
INT64 = (-(2**63), 2**63 - 1)  # the whole numbers both engines hold (SQLite's INTEGER, PostgreSQL's bigint)
_INSTANT = re.compile(r"^([0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?)(?:T[0-9:.]+(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?$")
# Numbers as JSON writes them, in ASCII digits (Python's int() and float() would also take " 5", "1_0", "٥").
_INTEGER = re.compile(r"^-?[0-9]+$")
_NUMBER = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$")
DATETIME_HELP = (
    "allowed: a date or year (1930, 1930-05, 1930-05-01, 1930-05-01T00:00:00Z) or an interval "
    f"start/end with '..' for an open end (1927/1932, ../1932, 1930/..), within the atlas's period ({YEARS_TEXT}, "
    "or from the earliest date in the data)"
)


# A period is asked for in either of two forms, the same filter everywhere (the map, the figure, the API, downloads,
# citations): `datetime=A/B` (OGC API - Features) or `year=A-B` (the map's URL).
PERIOD_HELP = (
    f"allowed: `datetime=A/B` (a date or an interval: 1930, 1930-05-01, 1927/1932, ../1932) or `year=A-B` (a year or "
    f"a range of years: 1930, 1927-1932), one of the two, within the atlas's period ({YEARS_TEXT})"
)
_YEARS = re.compile(r"^([0-9]{4})(?:-([0-9]{4}))?$")


def parse_period(args, first: date | None = None) -> tuple[date | None, date | None] | None:
    """The period a request asks for, as `datetime` or as `year` (None when neither is given)."""
    if "datetime" in args and "year" in args:
        raise QueryError("year", f"the period is given twice, as datetime and as year; {PERIOD_HELP}")
    if "year" in args:
        return parse_years(args["year"])
    return parse_datetime(args["datetime"], first) if "datetime" in args else None


def parse_years(text: str, name: str = "year") -> tuple[date, date]:
    """`year=1930` or `year=1927-1932`, as in the map's URL, within the map's years: the period from the first
    year's first day to the last year's last day (`name`: the parameter, `year` or `compare`)."""
    allowed = f"allowed: a year (1930) or a range of years (1927-1932) within {YEARS_TEXT}"
    allowed += ", or `datetime=A/B`" if name == "year" else ""
    match = _YEARS.match(text)
    if not match:
        raise QueryError(name, f"{text!r} is not a year or a range of years; {allowed}")
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if not (YEARS[0] <= first <= last <= YEARS[1]):
        raise QueryError(name, f"{text!r} is outside the map's years or ends before it starts; {allowed}")
    return date(first, 1, 1), date(last, 12, 31)


def parse_choice(name: str, value: str, allowed, what: str = "one of the choices") -> str:
    """A value that must be one of `allowed` (a mapping's keys or a collection)."""
    if value not in allowed:
        raise QueryError(name, f"{value!r} is not {what}; allowed: {sorted(allowed)}")
    return value


def parse_datetime(text: str, first: date | None = None) -> tuple[date | None, date | None]:
    """An OGC `datetime` value as the period [lo, hi] it covers (None = open).

    It must touch the atlas's period, which starts at `first` (the earliest date in the data) if that is earlier.
    """
    parts = text.split("/")
    if len(parts) == 1:
        lo, hi = _instant(parts[0])
    elif len(parts) == 2:
        lo = None if parts[0] in ("..", "") else _instant(parts[0])[0]
        hi = None if parts[1] in ("..", "") else _instant(parts[1])[1]
        if lo is None and hi is None:
            return None, None
        if lo and hi and lo > hi:
            raise QueryError("datetime", f"the interval {text!r} ends before it starts; {DATETIME_HELP}")
    else:
        raise QueryError("datetime", f"{text!r} is not a date or an interval; {DATETIME_HELP}")
    start = min(PERIOD[0], first or PERIOD[0])
    if (hi is not None and hi < start) or (lo is not None and lo > PERIOD[1]):
        raise QueryError(
            "datetime", f"{text!r} lies outside the atlas's period {start.year}–{PERIOD[1].year}; {DATETIME_HELP}"
        )
    return lo, hi


def _instant(text: str) -> tuple[date, date]:
    match = _INSTANT.match(text)
    if not match:
        raise QueryError("datetime", f"{text!r} is not a date; {DATETIME_HELP}")
    try:
        return parse_partial(match.group(1))
    except ValueError as exc:
        raise QueryError("datetime", f"{exc}; {DATETIME_HELP}") from None


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """`bbox=minlon,minlat,maxlon,maxlat` in WGS84."""
    allowed = "allowed: four numbers minlon,minlat,maxlon,maxlat (WGS84 degrees)"
    parts = text.split(",")
    if not all(_NUMBER.match(v) for v in parts):
        raise QueryError("bbox", f"{text!r} is not a list of numbers; {allowed}")
    values = [float(v) for v in parts]  # checked above: plain decimal numbers
    if len(values) != 4:
        raise QueryError("bbox", f"{text!r} has {len(values)} numbers; {allowed} (6-number 3D boxes are not supported)")
    minx, miny, maxx, maxy = values
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise QueryError("bbox", f"{text!r} is out of range; {allowed}, longitudes in -180..180, latitudes in -90..90")
    if minx > maxx or miny > maxy:
        raise QueryError("bbox", f"{text!r} has a minimum above its maximum; {allowed}")
    return minx, miny, maxx, maxy


# bbox-crs (OGC API - Features - Part 2): CRS84 (WGS 84 longitude/latitude), the default and the CRS the features are
# stored and served in, is the one offered, as each collection's `crs` lists it. REFUSED_CRS: others a client may send
# -> why they are refused.
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
BBOX_CRS = [CRS84]
REFUSED_CRS = {
    "http://www.opengis.net/def/crs/OGC/0/CRS84h": "a 3D box of 6 numbers is not supported",
    "http://www.opengis.net/def/crs/EPSG/0/4326": "latitude first: send the box in CRS84, longitude first",
}


def parse_bbox_crs(text: str | None) -> str:
    """`bbox-crs`: the CRS of `bbox`, CRS84 when not given; any other is refused, saying what is offered."""
    if text is None or text in BBOX_CRS:
        return CRS84
    why = REFUSED_CRS.get(text, "the features are in WGS 84 longitude/latitude")
    raise QueryError("bbox-crs", f"{text!r} is not offered ({why}); allowed: {BBOX_CRS} (the default)")


def parse_filters(args, first: date | None) -> dict:
    """The period (`datetime` or `year`) and `bbox` (in its `bbox-crs`) of a request as a query's period and bbox
    (None: not given)."""
    parse_bbox_crs(args.get("bbox-crs"))
    return {
        "period": parse_period(args, first),
        "bbox": parse_bbox(args["bbox"]) if "bbox" in args else None,
    }


def parse_number(name: str, text: str) -> float:
    """A plain decimal number (as JSON writes it)."""
    if not _NUMBER.match(text):
        raise QueryError(name, f"{text!r} is not a number; allowed: a decimal number such as 43.25 or -1")
    return float(text)


def parse_int(name: str, text: str, minimum: int) -> int:
    """A whole number >= minimum."""
    if not _INTEGER.match(text):
        raise QueryError(name, f"{text!r} is not a whole number; allowed: an integer >= {minimum}")
    if len(text) > MAX_DIGITS:  # int() refuses over 4,300 digits, and no count here needs more than a few
        raise QueryError(
            name, f"{text[:20]}… has {len(text)} digits; allowed: an integer >= {minimum}, at most {MAX_DIGITS} digits"
        )
    value = int(text)
    if value < minimum:
        raise QueryError(name, f"{value} is below {minimum}; allowed: an integer >= {minimum}")
    if value > INT64[1]:
        raise QueryError(name, f"{value} is beyond the store's range; allowed: an integer from {minimum} to {INT64[1]}")
    return value


def parse_limit(text: str | None) -> int:
    """`limit`: default 100; values above the maximum are cut to it."""
    return DEFAULT_LIMIT if text is None else min(parse_int("limit", text, 1), MAX_LIMIT)


DEFAULT_CELLS, MAX_CELLS = 8, 64


def parse_cells(text: str | None) -> int:
    """`cells`: how many cells along each side of a count grid, 1..MAX_CELLS (default DEFAULT_CELLS)."""
    if text is None:
        return DEFAULT_CELLS
    value = parse_int("cells", text, 1)
    if value > MAX_CELLS:
        raise QueryError("cells", f"{value} is above {MAX_CELLS}; allowed: an integer from 1 to {MAX_CELLS}")
    return value


_PLAIN_VALUE = re.compile(r"^[\w .,:()/+\-–’]{1,200}$")


def parse_equals(name: str, text: str) -> str:
    """A property filter's value: plain text only (no quotes, operators or query syntax)."""
    if not _PLAIN_VALUE.match(text):
        raise QueryError(
            name,
            f"{text!r} is not a plain value; allowed: up to 200 letters, digits, spaces and . , : ( ) / + - "
            "(filters compare for equality; query languages such as SQL or CQL are not accepted)",
        )
    if _INTEGER.match(text) and not INT64[0] <= int(text) <= INT64[1]:
        allowed = f"a whole number from {INT64[0]} to {INT64[1]}"
        raise QueryError(name, f"{text} is beyond the store's range; allowed: {allowed}")
    return text


FORMATS = {"json": False, "geojson": False, "html": True}  # f value -> is HTML
_VARIANTS = ["application/json", "application/geo+json", "text/html"]  # on a tie (*/*) or no Accept: JSON


def wants_html() -> bool:
    """`f=html|json|geojson`, or else the Accept header: HTML only when the client prefers it."""
    f = request.args.get("f")
    if f is not None:
        parse_choice("f", f, FORMATS, "served here")
    return prefers_html()


def prefers_html() -> bool:
    """wants_html without refusing anything: an `f` this server does not serve leaves the Accept header to say."""
    f = request.args.get("f")
    if f in FORMATS:
        return FORMATS[f]
    return request.accept_mimetypes.best_match(_VARIANTS) == "text/html"


def error_in_html() -> bool:
    """Whether an error is answered as a page: the client prefers HTML and the URL asks for no data format
    (`format=` other than html: a download, a figure, a citation file). API clients get the JSON."""
    return request.args.get("format", "html") == "html" and prefers_html()


def check_known(args, allowed: set[str]) -> None:
    """Refuse parameters the endpoint does not have."""
    unknown = sorted(set(args) - allowed)
    if unknown:
        raise QueryError(unknown[0], f"unknown parameter(s) {unknown}; allowed: {sorted(allowed)}")
