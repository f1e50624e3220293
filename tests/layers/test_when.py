"""Dates as the sources give them (layers.when): four bounds, EDTF both ways, certain and possible, the build's
check of a `when` a record gives."""

from __future__ import annotations

from datetime import date

import pytest

from layers import incidents, when
from layers.errors import DataError
from tests.layers.test_incidents import GOOD, _write

YEAR_1931 = (date(1931, 1, 1), date(1931, 12, 31))


@pytest.mark.parametrize(
    ("record", "window", "edtf"),
    [
        ({"start": "1927-08-18", "end": "1927-08-18", "date_precision": "day"}, True, "1927-08-18"),
        ({"start": "1927-06", "end": "1927-08", "date_precision": "season"}, True, "1927-22"),
        ({"start": "1930", "end": "1933", "date_precision": "year"}, True, "[1930..1933]"),
        ({"start": "1930", "end": "1933", "date_precision": "year"}, False, "1930/1933"),
        ({"start": None, "end": "1921-09", "date_precision": "month"}, True, "[..1921-09]"),
        ({"start": "1925", "end": None, "date_precision": "season", "date_text": "In the summer of 1925"}, False,
         "1925-22/.."),
        ({"start": None, "end": None, "date_precision": None}, False, None),
    ],
)  # fmt: skip
def test_bounds_from_start_end_precision_and_words_as_edtf(record, window, edtf):
    bounds = when.derive(record, window)
    assert when.to_edtf(bounds) == edtf
    if edtf:
        assert when.from_edtf(edtf) == bounds


@pytest.mark.parametrize(
    ("edtf", "start", "end"),
    [
        ("1930/1933", ("1930-01-01", "1930-12-31"), ("1933-01-01", "1933-12-31")),
        ("[1930..1933]", ("1930-01-01", "1933-12-31"), ("1930-01-01", "1933-12-31")),
        ("[..1935]", (None, "1935-12-31"), (None, "1935-12-31")),
        ("1927-08?", ("1927-08-01", "1927-08-31"), ("1927-08-01", "1927-08-31")),
        ("/1939", (None, "1939-12-31"), ("1939-01-01", "1939-12-31")),
        ("1925/..", ("1925-01-01", "1925-12-31"), None),
    ],
)
def test_edtf_read_as_four_bounds(edtf, start, end):
    got = when.as_json(when.from_edtf(edtf))
    assert (tuple(got["start"].values()), got["end"] and tuple(got["end"].values())) == (start, end)


@pytest.mark.parametrize(
    ("edtf", "certainty"),
    [
        ("[1930..1933]", "possible"),  # once, within several years: possible in each, certain in none
        ("1930/1933", "certain"),  # in force from 1930 to 1933: certainly in force in 1931
        ("1931-22", "certain"),
        ("[..1931]", "possible"),
        ("1932/1935", None),
        ("1931-12/..", "certain"),
    ],
)
def test_certain_and_possible_in_a_year(edtf, certainty):
    assert when.certainty(when.from_edtf(edtf), *YEAR_1931) == certainty


def test_an_undated_thing_is_possible_in_every_year_and_certain_in_none():
    for year in (1918, 1931, 1940):
        assert when.certainty(when.UNDATED, date(year, 1, 1), date(year, 12, 31)) == "possible"


def test_a_window_is_certain_over_the_whole_of_it():
    bounds = when.from_edtf("[1930..1933]")
    assert when.certainty(bounds, date(1930, 1, 1), date(1933, 12, 31)) == "certain"
    assert when.from_json(when.as_json(bounds)) == bounds


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ('"1929"', r"incidents.yaml:3: entry 'one': when '1929' contradicts start 1927-08-18"),
        ('"1930/1927"', r"incidents.yaml:3: entry 'one': when: '1930/1927': its latest end 1927-12-31 is before"),
        ("in summer", r"incidents.yaml:3: entry 'one': when: 'in summer' is not an EDTF date"),
    ],
)
def test_a_when_that_contradicts_is_refused_naming_file_line_and_field(tmp_path, given, message):
    text = GOOD.replace("    date_text: On August 18\n", f"    date_text: On August 18\n    when: {given}\n")
    with pytest.raises(DataError, match=message):
        incidents.read_incidents(_write(tmp_path, text))


def test_a_when_that_agrees_is_kept(tmp_path):
    text = GOOD.replace("    date_text: On August 18\n", '    date_text: On August 18\n    when: "1927-08-18~"\n')
    assert incidents.read_incidents(_write(tmp_path, text))[0]["when"] == "1927-08-18~"


def _nested(frame, column: str, key: str, value: str) -> dict:
    return next(r for records in frame[column] for r in records or [] if r.get(key) == value)


def test_acts_name_periods_seat_moves_and_events_carry_their_when(layers):
    zones, border, units = layers["zones"], layers["border"], layers["outposts"]
    assert _nested(zones, "acts", "id", "act-1918-05-28-border-protection")["when"] == "1918-05-28"
    assert _nested(border, "general_acts", "id", "act-1921-illegal-crossing")["when"] == "1921"
    assert _nested(units, "names_by_period", "name", "Zaysan squadron")["when"] == "/1927"  # its start not given
    assert _nested(units, "names_by_period", "name", "Zaysan border detachment")["when"] == "1927/.."
    assert _nested(units, "seat_moves", "seat", "alma-ata")["when"] == "1929"
    assert _nested(units, "events", "date", "1930-02-28")["when"] == "1930-02-28"
    seat = units.set_index("id").loc["kazakh-border-district@1929"]
    assert seat["when"] == "1929/.."  # a seat period is a feature of its own


def test_a_name_period_whose_when_contradicts_its_dates_is_refused_naming_the_field(tmp_path):
    name = {"name": "Zaysan border detachment", "start": "1927", "end": None, "when": "1930/.."}
    with pytest.raises(DataError) as error:
        when.check_nested(tmp_path / "outposts.yaml", 12, "zaysan", name, "interval")
    assert "outposts.yaml" in str(error.value) and "12" in str(error.value) and "when '1930/..'" in str(error.value)
