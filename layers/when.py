"""Dates as the sources give them: four bounds (earliest and latest start, earliest and latest end) and their EDTF.

A dated thing is either a *window* (something that happened once, on some day between its bounds: an incident
"in August 1927", a protocol "by 12 November 1923") or an *interval* (something in force or in being from a start
to an end: a zone, a unit, a flow). Its bounds are days; None is no limit (an earliest None: it may be as early as
any day; a latest None: as late as any). An interval whose `end` is open (`end` null) goes on past the atlas's
period: its end has no bounds at all (`end` None). A thing the sources do not date has no limits at all: it is
*possible* in every year and *certain* in none.

For a chosen period [lo, hi] a thing is **certain** when every reading of its dates overlaps the period (its latest
start is not after hi and its earliest end not before lo), **possible** when some reading does.

EDTF (Library of Congress Extended Date/Time Format, the `edtf` package) reads and writes them: `1930/1933`,
`1935~`, `../1935`, `1927-08?`, `[1930..1933]` (once, within 1930-1933), `[..1921-09]` (once, by September 1921),
`1927-22` (in the summer of 1927).
"""

from __future__ import annotations

import calendar
import functools
import re
import time
from datetime import date
from typing import NamedTuple

from edtf import parse_edtf

from layers.dates import parse_partial

# A season's months (EDTF's codes 21-23: spring, summer, autumn), for a year "in the summer of" (date_text).
SEASONS = {"spring": (21, 3), "summer": (22, 6), "autumn": (23, 9), "fall": (23, 9)}
_SET = re.compile(r"^\[([^\[\],]*)\.\.([^\[\],]*)\]$")


class Bounds(NamedTuple):
    """(earliest start, latest start), and the same of the end or None (an open end); None within: no limit."""

    start: tuple[date | None, date | None]
    end: tuple[date | None, date | None] | None


UNDATED = Bounds((None, None), (None, None))
OPEN_START = (date.min, date.min)  # '../1935': in being since before any day the atlas knows


# --- from the records as they are ------------------------------------------------------------------


def _season(value: str, text: str | None) -> tuple[date, date] | None:
    """The months of a season the date's words name, for a date that is a whole year ("the autumn of 1932")."""
    words = (text or "").lower()
    hit = next((months for season, months in SEASONS.items() if season in words), None)
    if hit is None or not re.fullmatch(r"[0-9]{4}", str(value)):
        return None
    year, first = int(value), hit[1]
    return date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1])


def span(value, precision: str | None = None, text: str | None = None) -> tuple[date, date]:
    """The days one partial date can mean, narrowed to the season its words name where it is a season's year."""
    if precision == "season":
        season = _season(value, text)
        if season:
            return season
    return parse_partial(value)


def is_window(collection: str, record: dict) -> bool:
    """Whether a record's start and end bound one day (an event) rather than a time in force."""
    start, end = record.get("start"), record.get("end")
    return WINDOW_RULES.get(collection, lambda s, e: False)(start, end)


# Which collections' start and end bound an event's day: incidents always (their start and end are the earliest
# and latest day the event can have), diplomacy's events (start = end) and "by <end>" records (no start).
WINDOW_RULES = {
    "incidents": lambda start, end: True,
    "diplomacy": lambda start, end: start is None or str(start) == str(end),
}
# The collections whose features are not dated things (a place, the border line, an area of possibility): drawn
# in every year, neither certain nor possible, without `when` or `bounds`.
TIMELESS = frozenset({"places", "border", "areas"})


def derive(record: dict, window: bool = False) -> Bounds:
    """A record's bounds from its start, end, date_precision and date_text (an explicit `when` wins: from_edtf)."""
    if record.get("when"):
        return from_edtf(record["when"])
    start, end = record.get("start"), record.get("end")
    precision, text = record.get("date_precision"), record.get("date_text")
    if start is None and end is None:
        return UNDATED
    if window:
        by = (text or "").strip().lower().startswith("by ")  # "by 1935": on any day up to the end of 1935
        lo = span(start, precision, text)[0] if start and not by else None
        hi = span(end or start, precision, text)[1]
        return Bounds((lo, hi), (lo, hi))
    if start is None:  # an interval with no start but an end: it began at a time not given, before its end
        last = span(end, precision, text)
        return Bounds((None, last[1]), last)
    return Bounds(span(start, precision, text), span(end, precision, text) if end else None)


# --- EDTF ------------------------------------------------------------------------------------------


def _day(parts: time.struct_time) -> date:
    return date(parts.tm_year, parts.tm_mon, parts.tm_mday)


def _side(text: str) -> tuple[date | None, date | None]:
    """The days one EDTF date (not an interval) can mean: '' and '..' have no limits."""
    if text in ("", ".."):
        return None, None
    match = _SET.match(text)
    if match:
        first, last = (_side(part) for part in match.groups())
        return first[0], last[1]
    value = parse_edtf(text)
    return _day(value.lower_strict()), _day(value.upper_strict())


@functools.lru_cache(maxsize=4096)  # the edtf package's parser takes ~20 ms a string; the atlas has few of them
def from_edtf(text: str) -> Bounds:
    """The bounds an EDTF string says; ValueError (saying what is allowed) if it is not EDTF or not ordered."""
    text = str(text).strip()
    try:
        parse_edtf(text)
        if "/" in text:
            first, last = text.split("/")
            start, end = _side(first), _side(last)
            if first == "..":  # an open start: in being since before any day
                start = OPEN_START
            if first == "":  # an unknown start: some day before the end's latest
                start = (None, end[1])
            bounds = Bounds(start, None if last == ".." else end if last else (start[0], None))
        else:
            bounds = Bounds(_side(text), _side(text))
    except Exception as exc:  # the edtf package raises its own errors, and TypeError on some shapes
        raise ValueError(f"{text!r} is not an EDTF date or interval ({exc}); {EDTF_HELP}") from None
    problem = disorder(bounds)
    if problem:
        raise ValueError(f"{text!r}: {problem}")
    return bounds


EDTF_HELP = (
    "allowed: EDTF (Library of Congress), e.g. 1927-08-18, 1927-08, 1927, 1927-22 (summer), 1930/1933, "
    "1935/.. (no end), [1930..1933] (once within those years), [..1935] (by 1935), 1935~ (about), 1927-08? (perhaps)"
)


def _form(first: date | None, last: date | None) -> str | None:
    """The one EDTF date meaning exactly the days first..last, or None (a set or an interval is needed)."""
    if first is None or last is None or first.year != last.year:
        return None
    if first == last:
        return first.isoformat()
    month_end = calendar.monthrange(last.year, last.month)[1]
    if first.day != 1 or last.day != month_end:
        return None
    if (first.month, last.month) == (1, 12):
        return str(first.year)
    if first.month == last.month:
        return first.isoformat()[:7]
    code = next((c for c, m in SEASONS.values() if m == first.month and last.month == m + 2), None)
    return f"{first.year}-{code}" if code else None


def _edge(day: date | None, first: bool) -> str:
    """One end of an EDTF set: the coarsest date starting (first) or ending on that day."""
    if day is None:
        return ""
    month_end = calendar.monthrange(day.year, day.month)[1]
    if (day.month, day.day) == ((1, 1) if first else (12, 31)):
        return str(day.year)
    return day.isoformat()[:7] if day.day == (1 if first else month_end) else day.isoformat()


def to_edtf(bounds: Bounds) -> str | None:
    """The EDTF string of the bounds (None: undated). Where EDTF cannot say a start's or an end's own bounds
    ('not before December 1936, by 1939'), that side is written unknown: the bounds say it."""
    if bounds == UNDATED:
        return None
    if bounds.start == bounds.end:
        one = _form(*bounds.start)
        return one or f"[{_edge(bounds.start[0], True)}..{_edge(bounds.start[1], False)}]"
    first = ".." if bounds.start == OPEN_START else _form(*bounds.start) or ""
    last = ".." if bounds.end is None else _form(*bounds.end) or ""
    return f"{first}/{last}"


# --- checking and reading them ---------------------------------------------------------------------


def disorder(bounds: Bounds) -> str | None:
    """What contradicts in the bounds (a latest before an earliest, an end before the start), or None."""
    pairs = [("earliest start", "latest start", *bounds.start)]
    if bounds.end is not None:
        pairs += [("earliest end", "latest end", *bounds.end), ("earliest start", "latest end", bounds.start[0],
                                                                bounds.end[1])]  # fmt: skip
    for first_name, last_name, first, last in pairs:
        if first and last and last < first:
            return f"its {last_name} {last} is before its {first_name} {first}"
    return None


def against(bounds: Bounds, record: dict) -> str | None:
    """What an explicit `when` contradicts in the record's start and end (it must meet the days each can mean)."""
    for key, side in (("start", bounds.start), ("end", bounds.end or (None, None))):
        if record.get(key) is None:
            continue
        first, last = parse_partial(record[key])
        if (side[0] and last < side[0]) or (side[1] and first > side[1]):
            limits = f"between {iso(side[0]) or 'any day'} and {iso(side[1]) or 'any day'}"
            return f"{key} {record[key]} (it puts the {key} {limits})"
    return None


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def as_json(bounds: Bounds) -> dict:
    """{"start": {"earliest", "latest"}, "end": {"earliest", "latest"} or null (open)}: ISO days, null no limit."""

    def side(pair):
        return {"earliest": iso(pair[0]), "latest": iso(pair[1])}

    return {"start": side(bounds.start), "end": None if bounds.end is None else side(bounds.end)}


def from_json(value: dict | None) -> Bounds:
    """The bounds as_json wrote (None, as a store without them has: undated)."""
    if not value:
        return UNDATED

    def side(pair):
        return tuple(date.fromisoformat(pair[k]) if pair.get(k) else None for k in ("earliest", "latest"))

    return Bounds(side(value["start"]), None if value.get("end") is None else side(value["end"]))


def certainty(bounds: Bounds, lo: date | None, hi: date | None) -> str | None:
    """ "certain" (every reading overlaps [lo, hi]), "possible" (some does) or None (none does)."""
    (earliest_start, latest_start), end = bounds.start, bounds.end or (date.max, date.max)
    earliest_end, latest_end = end
    if (hi and earliest_start and earliest_start > hi) or (lo and latest_end and latest_end < lo):
        return None
    sure_start = latest_start is not None and (hi is None or latest_start <= hi)
    sure_end = earliest_end is not None and (lo is None or earliest_end >= lo)
    return "certain" if sure_start and sure_end else "possible"


def check_record(path, line: int | None, ident: str, record: dict) -> None:
    """An explicit `when` is EDTF, ordered, and meets the record's start and end (DataError naming the field)."""
    from layers.errors import DataError

    if record.get("when") is None:
        return
    try:
        bounds = from_edtf(record["when"])
    except ValueError as exc:
        raise DataError(path, line, ident, f"when: {exc}") from None
    problem = against(bounds, record)
    if problem:
        raise DataError(path, line, ident, f"when {record['when']!r} contradicts {problem}")


# The records inside a feature that have dates of their own, by the column holding them: a day (an act, a seat
# move, a unit's event: `date` bounds it) or an interval (a name period: `start` to `end`).
NESTED = {"acts": "day", "general_acts": "day", "undated_acts": "day", "seat_moves": "day", "events": "day",
          "names_by_period": "interval"}  # fmt: skip


def _nested_dates(record: dict, kind: str) -> dict:
    """A nested record's dates as `derive` reads a feature's."""
    if kind == "interval":
        return record
    day = record.get("date")
    return {"start": day, "end": day, **{k: record.get(k) for k in ("date_precision", "date_text", "when")}}


def nested_bounds(record: dict, kind: str) -> Bounds:
    """A nested record's bounds: from its `when`, else from its dates."""
    return derive(_nested_dates(record, kind), window=kind == "day")


def nested(records, kind: str) -> list:
    """Each record with its own `when` (EDTF: the one it gives, else its dates' own), as a feature has."""
    if not isinstance(records, list):
        return records
    return [{**r, "when": r.get("when") or to_edtf(nested_bounds(r, kind))} for r in records]


def without_derived(records, kind: str):
    """Nested records with a `when` that only repeats their dates left out of them (a download imported back)."""
    if not isinstance(records, list):
        return records
    derived = [
        isinstance(r, dict) and r.get("when") == to_edtf(nested_bounds({**r, "when": None}, kind)) for r in records
    ]
    return [{k: v for k, v in r.items() if k != "when"} if d else r for r, d in zip(records, derived, strict=True)]


def check_nested(path, line: int | None, ident: str, record: dict, kind: str) -> None:
    """A nested record's explicit `when`, checked as a feature's (check_record)."""
    check_record(path, line, ident, _nested_dates(record, kind))


def columns(frame, collection: str) -> dict:
    """The `when` (EDTF, the record's own where it gives one) and `bounds` columns of a built layer."""
    keys = [k for k in ("start", "end", "date_precision", "date_text", "when") if k in frame.columns]
    records = [{k: v if isinstance(v, str) else None for k, v in zip(keys, row, strict=True)} for row in
               zip(*(frame[k] for k in keys), strict=True)] if keys else [{} for _ in range(len(frame))]  # fmt: skip
    given = [r.get("when") for r in records]
    bounds = [derive({**r, "when": w}, is_window(collection, r)) for r, w in zip(records, given, strict=True)]
    return {
        "when": [w or to_edtf(b) for w, b in zip(given, bounds, strict=True)],
        "bounds": [as_json(b) for b in bounds],
    }


def nested_columns(frame) -> dict:
    """The frame's columns of dated records (NESTED), each record with its `when`."""
    return {c: [nested(v, kind) for v in frame[c]] for c, kind in NESTED.items() if c in frame.columns}
