"""Partial ISO 8601 dates ("1927", "1927-08", "1927-08-18") and the time filter over them (a date is read by
evidence/dates.py, on the floor below, whose texts date their citations too)."""

from __future__ import annotations

from datetime import date

from evidence.dates import parse_partial

__all__ = ["PRECISIONS", "overlaps", "parse_partial", "year_counts"]

PRECISIONS = ("day", "month", "season", "year", "decade")


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
