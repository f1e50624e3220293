"""Texts code makes in a reader's words (layers/words.py), and quotes found in a text whose ordinals are raised."""

from __future__ import annotations

import pytest

from evidence import passages
from layers.words import clause, count_words, span, when


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        ("1927-08-18", "1927-08-18", "day", "on 18 August 1927"),
        ("1927-08", "1927-08", "month", "in August 1927"),
        ("1929", "1929", "year", "in 1929"),
        ("1927-06", "1927-08", "season", "between June 1927 and August 1927, known to the season"),
        ("1932-03-01", None, None, "on 1 March 1932"),
        (None, None, None, "date unknown"),
    ],
)
def test_a_period_is_said_as_a_historian_says_it(start, end, precision, expected):
    assert when(start, end, precision) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("1930", "1933", "1930–1933"),
        ("1914", "1914", "1914"),
        ("1914", None, "1914"),
        ("1931-02-11", "1931-02-12", "11–12 February 1931"),
        ("1927-06", "1927-08", "June–August 1927"),
        ("1927-06-30", "1927-07-02", "30 June – 2 July 1927"),
        ("1930-12", "1931-01", "December 1930 – January 1931"),
        ("1930", "1931-02", "1930 – February 1931"),
    ],
)
def test_a_period_is_labelled_with_what_both_ends_share_said_once(start, end, expected):
    assert span(start, end) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Inferred from the name; the source does not state the seat.", "inferred from the name; the source"),
        ("The OGPU department of the Urjar district.", "the OGPU department"),
        ("Jarkent is the seat.", "Jarkent is"),  # a name keeps its capital
    ],
)
def test_a_note_after_a_semicolon_goes_on_the_sentence(note, expected):
    assert clause(note).startswith(expected)


TEXT = "There were also the 30<sup>th</sup> Bakhty, 49<sup>th</sup> Jarkent/Panfilovsky and the 5th"


def test_a_quote_is_found_whether_its_ordinals_are_raised_or_not():
    plain = "the 30th Bakhty, 49th Jarkent/Panfilovsky"
    raised = "the 30<sup>th</sup> Bakhty, 49<sup>th</sup> Jarkent/Panfilovsky"
    assert passages.find(TEXT, plain) == passages.find(TEXT, raised) == (TEXT.index("the 30"), TEXT.index(" and"))
    assert passages.find(TEXT, "the  5th") == (TEXT.index("the 5th"), len(TEXT))
    assert passages.find(TEXT, "the 31st Bakhty") is None
    assert passages.plain(raised) == plain
    assert passages.anchor("doc", raised) == passages.anchor("doc", plain)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ({"low": 400, "best": 500, "high": 600, "approximate": False}, "about 500 (400–600)"),
        ({"low": 150000, "best": None, "high": 160000, "approximate": False}, "150,000–160,000"),
        ({"low": 500, "best": None, "high": 700, "approximate": True}, "about 500–700"),
        ({"low": None, "best": 83000, "high": None, "approximate": True}, "about 83,000"),
        ({"low": 400000, "best": None, "high": None, "approximate": False}, "at least 400,000"),
        ({"low": None, "best": None, "high": 600, "approximate": False}, "at most 600"),
        ({"low": 12, "best": 12, "high": 12, "approximate": False}, "12"),
        ({"low": None, "best": None, "high": None}, None),
        (None, None),
    ],
)
def test_a_count_is_said_one_way(value, said):
    assert count_words(value) == said
