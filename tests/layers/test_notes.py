"""evidence/notes.py: the documents' footnotes parsed into typed references, and the checked-in tables."""

from __future__ import annotations

import collections

import pytest

from evidence import citations, notes
from evidence.documents import documents

DOCS = documents()
CORE = DOCS["ablazhey-zhanbossinova-2026"]
SHEMETOVA = DOCS["shemetova-2020"]


@pytest.fixture(scope="module")
def core():
    return {n.key: n for n in notes.parse(CORE)}


@pytest.mark.parametrize("doc", [CORE, SHEMETOVA], ids=lambda d: d.id)
def test_the_checked_in_table_is_what_the_parser_makes(doc):
    """data/texts/<document>.notes.yaml is regenerated and compared: `python -m evidence.notes` rewrites it."""
    assert notes.table_path(doc).read_text(encoding="utf-8") == notes.dump(notes.table(doc))


def test_every_note_of_the_core_source_is_parsed(core):
    assert list(core) == [str(n) for n in range(1, 64)]
    kinds = collections.Counter(r["type"] for n in core.values() for r in n.refs)
    # 63 notes, two of them (9, 38) with two references: gazettes 16, 18, 19, 27; the explanatory 29
    assert kinds == {"published": 37, "archival": 23, "gazette": 4, "explanatory": 1}, kinds


def test_ibid_takes_the_note_before_with_its_own_locator(core):
    (ref,) = core["46"].refs
    assert ref["archive"].startswith("Spetsial’nyi gosudarstvennyi arkhiv Komiteta natsional’noi bezopasnosti")
    assert (ref["archive_abbr"], ref["fond"], ref["opis"], ref["delo"], ref["list"]) == (
        "SGA KNB RK",
        "9",
        "1",
        "438",
        "75",
    )
    assert ref["ibid_of"] == "45"
    (deeper,) = core["26"].refs  # "Ibid., op. 166, d. 576, l. 11–14": the fond stays, the rest is its own
    assert (deeper["archive_abbr"], deeper["fond"], deeper["opis"], deeper["delo"]) == ("RGASPI", "17", "166", "576")


def test_a_short_form_takes_the_full_reference_it_shortens(core):
    (ref,) = core["39"].refs  # "V.A. Barmin, *Sovetskii Soiuz i Sin' tsiyan*, 42." (spelt otherwise than note 5)
    assert ref["short_of"] == "5" and ref["publisher"] == "Izdatel'stvo BGPU Publ." and ref["pages"] == "42"
    assert ref["year"] == 1998 and ref["place"] == "Barnaul"


def test_abbreviations_are_expanded_where_the_text_defines_them_and_used_later(core):
    (defined,) = core["16"].refs
    (later,) = core["19"].refs
    assert defined["abbr"] == later["abbr"] == "SU RSFSR"
    assert (
        later["title"]
        == defined["title"]
        == ("Sobraniye uzakoneniy i rasporyazheniy Rabochego i Krest'yanskogo pravitel'stva RSFSR")
    )
    assert (later["year"], later["issue"]) == (1922, "11")


def test_emphasis_becomes_fields(core):
    for note in core.values():
        for ref in note.refs:
            for value in ref.values():
                assert "*" not in str(value), (note.key, ref)
    (book,) = core["17"].refs
    assert book["title"] == "Pogranichnyye voiska SSSR, 1918–1928. Sbornik dokumentov i materialov"
    assert book["translated_title"] == "Border Troops of the USSR, 1918–1928. Collection of documents and materials"
    assert (book["place"], book["publisher"], book["year"], book["pages"]) == ("Moscow", "Nauka Publ.", 1978, "170–171")


def test_a_note_with_two_references_gives_both(core):
    assert [r["title"][:20] for r in core["38"].refs] == ["Kyrgyz refugees and ", "Materialy Gosudarstv"]


def test_an_explanatory_note_is_kept_as_text(core):
    (note,) = core["29"].refs
    assert note["type"] == "explanatory" and note["text"].startswith("Within the framework")


def test_notes_numbered_per_page_are_keyed_by_page_and_resolved():
    parsed = {n.key: n for n in notes.parse(SHEMETOVA)}
    assert list(parsed) == ["3.2", "4.1", "5.1", "6.1", "6.2", "6.3", "6.4"]
    assert parsed["6.3"].refs[0] | {} == parsed["6.2"].refs[0] | {"ibid_of": "6.2"}
    assert parsed["6.2"].refs[0]["list"] == "80" and parsed["6.1"].refs[0]["list"] == "81"
    assert parsed["6.1"].refs[0]["archive"] == "Российский государственный архив экономики"


def test_the_parser_can_tell_a_wrong_table():
    """The comparison fails when the table holds something the parser does not make."""
    table = notes.table(CORE)
    table["notes"][45]["refs"][0]["list"] = "76"
    assert notes.dump(table) != notes.table_path(CORE).read_text(encoding="utf-8")


def test_a_misprinted_title_is_marked_sic_and_the_note_kept_as_printed(core):
    """Note 35 prints the Historical Courier title with "Colonizationolonization": the reference marks it [sic]
    after the word, as printed; the note's text stays verbatim."""
    (ref,) = core["35"].refs
    assert "Results of Colonizationolonization [sic] of Russian-Chinese Borderland" in ref["title"]
    assert "Colonizationolonization of Russian-Chinese" in core["35"].text and "[sic]" not in core["35"].text
    resolved = citations.resolve({"document": CORE.id, "note": "35", "quote": "x"})
    assert "Colonizationolonization [sic] of" in resolved["reference"] and "[sic]" in resolved["csl"]["title"]
    parser = notes.Parser(CORE.sic)
    parser.note(None, 1, core["35"].text)
    (ibid,) = parser.note(None, 2, "*Ibid.*, 70.").refs  # an "Ibid." takes the marked title, marked once
    assert ibid["title"] == ref["title"] and ibid["pages"] == "70"
