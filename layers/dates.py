"""Partial ISO 8601 dates ("1927", "1927-08", "1927-08-18") and the time filter over them."""

from __future__ import annotations

import calendar
import re
from datetime import date

_PARTIAL = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")  # ASCII digits only
PRECISIONS = ("day", "month", "season", "year", "decade")


def parse_partial(text: str) -> tuple[date, date]:
    """The earliest and the latest day a partial ISO date can mean.

    >>> parse_partial("1927-02")
    (datetime.date(1927, 2, 1), datetime.date(1927, 2, 28))
    """
    match = _PARTIAL.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not an ISO 8601 date; allowed: YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day:
            return date(year, month, day), date(year, month, day)
        if month:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date: {exc}") from None
    return date(year, 1, 1), date(year, 12, 31)


def overlaps(start: str | None, end: str | None, lo: date | None, hi: date | None) -> bool:
    """Does a feature in force from `start` to `end` (None = open) overlap the period [lo, hi]?"""
    first = parse_partial(start)[0] if start else date.min
    last = parse_partial(end)[1] if end else date.max
    return (hi is None or first <= hi) and (lo is None or last >= lo)


def year_counts(periods, years: tuple[int, int]) -> tuple[list[int], int]:
    """How many of the (start, end) periods overlap each year of `years` (inclusive), and how many are undated.

    A period with no start is undated: it is counted apart, not in every year.

    >>> year_counts([("1927-08", "1927-08"), ("1926", "1928"), (None, None)], (1926, 1928))
    ([1, 2, 1], 1)
    """
    first, last = years
    counts = [0] * (last - first + 1)
    undated = 0
    for start, end in periods:
        if not start:
            undated += 1
            continue
        lo = parse_partial(start)[0].year
        hi = parse_partial(end)[1].year if end else last
        for year in range(max(lo, first), min(hi, last) + 1):
            counts[year - first] += 1
    return counts, undated
