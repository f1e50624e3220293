"""The checks of a contributed spreadsheet: one line per problem naming its cell, the same rules as data/sources."""

from __future__ import annotations

import pytest

from contrib import readers
from contrib.checks import check
from contrib.reconcile import Gazetteer
from tests.contrib.sheets import incident, workbook

ALLOWED_EVENTS = (
    "one of crossing, attempted_crossing, armed_clash, detention, smuggling, opium_cultivation, raid_on_post, "
    "arrest, deportation or empty"
)
# One row per kind of error, each with the line it must give (and no other line).
ONE_OF_EACH = [
    ({"id": "e-kind", "start": "1928-13"}, "E3 (start): '1928-13' is not a date (1927, 1927-05 or 1927-05-14); "
     "allowed: a date (1927, 1927-05 or 1927-05-14) or empty"),
    ({"id": "e-code", "event_type": "riot"}, f"C4 (event_type): 'riot' is not in the list; allowed: {ALLOWED_EVENTS}"),
    ({"id": "e-unit", "unit": "no-such-unit"},
     "J5 (unit): 'no-such-unit' is not known; allowed: an id of the atlas's units (35 of them)"),
    ({"id": "e-order", "start": "1929", "end": "1928", "date_precision": "year"},
     "F6 (end): end 1928 is before start 1929"),
    ({"id": "e-doc", "cite_archive": None, "cite_document": "no-such-doc"},
     "W7 (citation: cite_document, cite_locator, cite_quote): document 'no-such-doc' is not a document of the atlas; "
     "allowed: ablazhey-zhanbossinova-2026, shemetova-2020, "
     "shemetova-2020-abstract, mongolian-talks-1921, siegelbaum-trade-pacts"),
    ({"id": "e-quote", "cite_quote": "too short"},
     "AA8 (citation: cite_archive, cite_locator, cite_quote): a quote must be 5–30 words, not 2"),
    ({"id": "e-nocite", "cite_archive": None, "cite_locator": None, "cite_quote": None},
     "W9 (citation: cite_document, cite_note, cite_archive, cite_locator, cite_quote, cite_comment): no citation; "
     "allowed: a document of the atlas (cite_document, cite_note) or an archival file (cite_archive), with "
     "cite_locator, and cite_quote or cite_comment"),
    ({"id": "ok-1"}, "A10 (id): id 'ok-1' is also the id of row 2; allowed: an id used once"),
    ({"id": "e-long", "name": "x" * 10_001},
     "B11 (name): the cell is 10,001 characters long; allowed: at most 10,000 characters"),
    ({"id": "e-phrase", "location_place": None, "location_phrase": "somewhere near the river"},
     "Q12 (location.phrase): cannot read the relative location 'somewhere near the river': no distance (a number "
     "with a unit, such as '4 km' or '25 versts'); allowed: a distance, a direction and a place: 4 km SE of "
     "Narynkol, в 25 верстах к югу от Бахты"),
    ({"id": "e-archive", "cite_archive": "the big archive"},
     "Y13 (citation: cite_archive, cite_locator, cite_quote): 'the big archive' is not an archival file; "
     "allowed: ARCHIVE, f. FOND, op. OPIS, d. DELO "
     "(SGA KNB RK, f. 9, op. 1, d. 438)"),
    ({"id": "e-basis", "location_place": None, "area_id": "no-such-area"},
     "R14 (location.area): 'no-such-area' is not known; allowed: an id of the atlas's areas (23 of them)"),
]  # fmt: skip


@pytest.fixture(scope="module")
def gazetteer(context):
    return Gazetteer.of(context)


def checked(path, context, gazetteer, layer="incidents"):
    return check(readers.read(path, collection=layer), layer, context, gazetteer)


def test_one_line_for_each_error_naming_its_cell(tmp_path, context, gazetteer):
    path = tmp_path / "ogpu.xlsx"
    workbook(path, [incident(id="ok-1")] + [incident(**cells) for cells, _ in ONE_OF_EACH])
    report = checked(path, context, gazetteer)
    assert [str(p) for p in report.errors] == [f"ogpu.xlsx:incidents!{line}" for _, line in ONE_OF_EACH]
    assert [r["record"]["id"] for r in report.records] == ["ok-1"]
    assert not report.ok


def test_warnings_are_listed_and_do_not_block(tmp_path, context, gazetteer):
    path = tmp_path / "early.xlsx"
    workbook(path, [incident(id="w-1912", start="1912", end="1912", date_precision="year")])
    report = checked(path, context, gazetteer)
    assert report.ok and [r["record"]["id"] for r in report.records] == ["w-1912"]
    assert [str(p) for p in report.problems if p.severity == "warning"] == [
        "early.xlsx:incidents!E2 (start): 1912 is outside 1918–1940, the atlas's years; kept",
        "early.xlsx:incidents!F2 (end): 1912 is outside 1918–1940, the atlas's years; kept",
    ]


def test_a_soviet_unit_seated_in_china_is_a_warning(tmp_path, context, gazetteer):
    path = tmp_path / "units.csv"
    path.write_text(
        "id,name,unit_type,parent,seat,start,end,date_precision,cite_archive,cite_locator,cite_comment\r\n"
        'outpost-kuldja,Kuldja outpost,outpost,,kuldja,1928,1929,year,"RGVA, f. 1, op. 2, d. 3",l. 4,a report\r\n',
        encoding="utf-8",
    )
    report = checked(path, context, gazetteer, "units")
    assert report.ok
    assert [str(p) for p in report.problems if p.severity == "warning"] == [
        "units.csv:2:E (seat): the seat Kuldja lies on the Chinese side of the line: is this a Soviet unit?"
    ]


def test_the_atlas_own_records_are_unchanged_and_a_changed_one_is_a_correction(download, context, gazetteer):
    report = checked(download("incidents", "geojson"), context, gazetteer)
    assert report.ok and report.records == []
    assert sum("unchanged" in str(p) for p in report.problems) == 14


def test_a_formula_is_kept_as_its_text(tmp_path, context, gazetteer):
    path = tmp_path / "formula.xlsx"
    workbook(path, [incident(id="f-1", name='=HYPERLINK("http://example.org","click")', counts="=1+1")])
    report = checked(path, context, gazetteer)
    lines = [str(p) for p in report.problems if p.severity != "note"]
    assert lines == [
        'formula.xlsx:incidents!B2: a formula (=HYPERLINK("http://example.org","click")) is kept as its text, '
        "never computed",
        "formula.xlsx:incidents!K2: a formula (=1+1) is kept as its text, never computed",
        "formula.xlsx:incidents!K2 (counts): '=1+1' is not a mapping; allowed: a mapping",
    ]


def test_a_row_without_an_id_is_checked_and_staged_under_the_id_it_is_given(tmp_path, context, gazetteer):
    """The note naming the id given to a row without one used to stop the row there: never checked, never staged,
    and the submission left as "needs work" with nothing to say why."""
    path = tmp_path / "no-ids.xlsx"
    workbook(path, [incident(name="Entry one"), incident(name="Entry two", cite_quote="too short")])
    report = checked(path, context, gazetteer)
    assert [r["record"]["id"] for r in report.records] == ["entry-one-r2"]
    assert [str(p) for p in report.errors] == [
        "no-ids.xlsx:incidents!AA3 (citation: cite_archive, cite_locator, cite_quote): "
        "a quote must be 5–30 words, not 2"
    ]
    assert "no-ids.xlsx:incidents!A2 (id): no id: given entry-one-r2" in [str(p) for p in report.problems]


# Ids that try to be more than a name: a file name, a header's parameter, a path, capitals, another script, too long
HOSTILE_IDS = ["evil.html", "x\"; filename*=UTF-8''evil.html", "../evil", "Kegen-1929", "кеген-1929", "a--b", "-a",
               "x" * 81]  # fmt: skip


def test_an_id_is_a_slug_checked_on_import(tmp_path, context, gazetteer):
    """Each id names the file, the row and the rule; no record is staged."""
    from contrib.checks import ID_RULE

    path = tmp_path / "ids.xlsx"
    workbook(path, [incident(id=ident) for ident in HOSTILE_IDS])
    report = checked(path, context, gazetteer)
    assert [str(p) for p in report.errors] == [
        f"ids.xlsx:incidents!A{row} (id): id {ident!r} is not a slug; allowed: {ID_RULE}"
        for row, ident in enumerate(HOSTILE_IDS, 2)
    ]
    assert report.records == [] and not report.ok
    assert ID_RULE.startswith("a slug of at most 80 characters: lowercase letters a-z, digits and single hyphens")


def test_every_layer_of_checks_in_the_first_report(tmp_path, context, gazetteer):
    """A file needed one upload per layer of checks (a count's sub-fields, then the quote, then the document, then
    what was hidden until a place was chosen): each row here holds errors of two layers, all in the first report,
    each at its own cell, in words (the counts column naming counts.detained; the citation's columns; no None)."""
    path = tmp_path / "layers.xlsx"
    workbook(path, [
        incident(id="l-count", counts='{"detained": {"best": 2}}', cite_quote="too short"),
        incident(id="l-doc", event_type="riot", cite_archive=None, cite_document="no-such-doc", cite_note="4"),
        incident(id="l-place", location_place="Zzyzxville", location_text="near Zzyzxville", cite_quote=None),
    ])  # fmt: skip
    report = checked(path, context, gazetteer)
    cite = "citation: cite_archive, cite_locator"
    assert [str(p).removeprefix("layers.xlsx:").split(";")[0] for p in report.errors] == [
        "incidents!K2 (counts.detained): the count of detained: missing approximate, high and low",
        f"incidents!AA2 ({cite}, cite_quote): a quote must be 5–30 words, not 2",
        "incidents!C3 (event_type): 'riot' is not in the list",
        "incidents!W3 (citation: cite_document, cite_note, cite_locator, cite_quote): document 'no-such-doc' is not "
        "a document of the atlas",
        f"incidents!AA4 ({cite}): an archival citation needs a quote or a note",
    ]
    assert [(m.where, m.field) for m in report.pending] == [("layers.xlsx:incidents!P4", "location.place")]
    assert not any("None" in line or "[" in line for line in report.lines())


def test_a_file_of_another_layer_says_which_layer_its_columns_fit(tmp_path, context, gazetteer):
    path = tmp_path / "incidents.xlsx"
    workbook(path, [incident(id="a-1")])
    report = checked(path, context, gazetteer, layer="places")
    assert [str(p) for p in report.errors] == [
        "incidents.xlsx: its columns are those of the incidents layer, not of places; allowed: import it as incidents"
    ]
