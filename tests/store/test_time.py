"""Zones in force by year: partial dates and the store's time filter."""

from __future__ import annotations

from datetime import date

import pytest

from layers.dates import overlaps, parse_partial, year_counts


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("1927", date(1927, 1, 1), date(1927, 12, 31)),
        ("1928-02", date(1928, 2, 1), date(1928, 2, 29)),
        ("1927-08-18", date(1927, 8, 18), date(1927, 8, 18)),
    ],
)
def test_partial_dates(text, first, last):
    assert parse_partial(text) == (first, last)


@pytest.mark.parametrize("text", ["27", "1927-13", "1927-02-30", "summer 1925", ""])
def test_bad_dates_are_refused(text):
    with pytest.raises(ValueError, match="ISO 8601|not a valid date"):
        parse_partial(text)


@pytest.mark.parametrize(
    ("start", "end", "lo", "hi", "expected"),
    [
        ("1923-03-28", None, date(1930, 1, 1), date(1930, 12, 31), True),
        ("1923-03-28", None, date(1920, 1, 1), date(1920, 12, 31), False),
        ("1922", "1924", date(1924, 12, 31), date(1924, 12, 31), True),
        ("1922", "1924", date(1925, 1, 1), None, False),
        (None, None, date(1918, 1, 1), date(1918, 1, 1), True),
    ],
)
def test_overlaps(start, end, lo, hi, expected):
    assert overlaps(start, end, lo, hi) is expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # the 100 km gold zone is undated (the sources give its rule no date): it is in every year's answer
        (1918, {"zone-4-km", "zone-7-5-km", "zone-100-km"}),
        (1920, {"zone-4-km", "zone-7-5-km", "zone-100-km"}),
        (1923, {"zone-4-km", "zone-7-5-km", "zone-16-km", "zone-21-verst", "zone-22-km", "zone-100-km"}),
        (
            1930,
            {
                "strip-4-m",
                "strip-500-m",
                "zone-4-km",
                "zone-7-5-km",
                "zone-16-km",
                "zone-22-km",
                "zone-50-km",
                "zone-100-km",
            },
        ),
    ],
)
def test_zones_in_force_by_year(store, year, expected):
    page, matched = store.query("zones", period=(date(year, 1, 1), date(year, 12, 31)))
    assert set(page["id"]) == expected and matched == len(expected)


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        ([("1927-08-18", "1927-08-18")], ([0, 1, 0], 0)),  # a day counts in its year
        ([("1926-12", "1928-01")], ([1, 1, 1], 0)),  # a period counts in every year it touches
        ([("1920", "1921")], ([0, 0, 0], 0)),  # before the years counted
        ([("1927", None)], ([0, 1, 1], 0)),  # no end: in force to the last year
        ([(None, None), (None, "1927")], ([0, 0, 0], 2)),  # undated: counted apart, not in every year
    ],
)
def test_year_counts(periods, expected):
    assert year_counts(periods, (1926, 1928)) == expected
