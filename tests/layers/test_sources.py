"""Provenance over every record: each citation quotes its document verbatim, names the note that covers
the quote (or says why another), and renders to a whole reference; and each check can fail."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evidence import citations
from evidence.citations import resolve
from evidence.provenance import citation_problems, reference_problems

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"
CORE = "ablazhey-zhanbossinova-2026"


def walk(node):
    """Every citation ({document, quote, ...}) in a loaded source file."""
    if isinstance(node, dict):
        if citations.is_citation(node):
            yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def _all_citations():
    for path in sorted(SOURCES.glob("*.yaml")):
        for cite in walk(yaml.safe_load(path.read_text(encoding="utf-8"))):
            yield pytest.param(cite, id=f"{path.stem}:{cite['quote'][:40]}")


ALL = list(_all_citations())


def test_there_are_citations_to_check():
    assert len(ALL) > 250


def test_no_record_keeps_the_old_fields():
    text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES.glob("*.yaml"))
    for old in ("seed:", "footnote:", "reference:", "reference_resolved:"):
        assert f"\n{old}" not in text and f" {old} " not in text, old


@pytest.mark.parametrize("cite", ALL)
def test_the_quote_is_the_texts_and_the_note_covers_it(cite):
    assert citation_problems(cite) == []


@pytest.mark.parametrize("cite", ALL)
def test_the_reference_is_whole(cite):
    assert reference_problems(resolve(cite)) == []


# --- each check can fail -------------------------------------------------------------------------

SIX_KAZAKHS = "a group of six Kazakhs was detained 500 meters from the border"
KALDYBAEV = "the officers of the Bakhty border detachment detained Kaldybaev"
REGULATIONS = (
    'The border regime rules were codified in the "Regulations on the Protection of the USSR Borders," approved by '
    "the Central"
)


@pytest.mark.parametrize(
    ("cite", "problem"),
    [
        ({"document": CORE, "note": 60, "quote": "detained Kaldybaev at the Bakhty market"}, "is not in the text"),
        (
            {"document": CORE, "note": 58, "quote": "a group of six Kazakhs was detained 500 meters from the border"},
            "cites note 58 but",
        ),
        ({"document": CORE, "note": 46, "quote": KALDYBAEV}, "no note covers the quote, and no note_basis"),
        ({"document": CORE, "note": None, "quote": "exchanged fire with six armed smugglers"}, "note 46 covers"),
        ({"document": "unknown-2030", "quote": "anything at all here"}, "is not in data/texts"),
        ({"document": CORE, "note": 19, "quote": REGULATIONS}, "the quote stops mid-phrase, at 'central'"),
        ({"document": "shemetova-2020", "quote": "Кожи и шкуры невыделанные, хотя бы в"}, "stops mid-phrase, at 'в'"),
    ],
)
def test_the_citation_check_fails_on_a_bad_citation(cite, problem):
    problems = citation_problems(cite)
    assert len(problems) == 1 and problem in problems[0], problems


def test_a_stated_basis_lets_another_note_stand():
    cite = {"document": CORE, "note": 60, "quote": KALDYBAEV}
    assert citation_problems(cite)
    assert citation_problems(cite | {"note_basis": "note 60 closes the Kaldybaev case, told over two paragraphs"}) == []


GOOD = resolve({"document": CORE, "note": 46, "quote": "exchanged fire with six armed smugglers"})


@pytest.mark.parametrize(
    ("reference", "problem"),
    [
        ("Ibid., l. 75, cited in " + GOOD["reference"], "“Ibid.”"),
        (GOOD["reference"].replace("RUDN Journal", "*RUDN Journal*"), "asterisks"),
        (GOOD["reference"] + " (SU RSFSR", "unbalanced ()"),
        ("f. 9, op. 1, d. 438, l. 75.", "names no archive or publication"),
    ],
)
def test_the_reference_check_fails_on_a_broken_reference(reference, problem):
    problems = reference_problems(GOOD | {"reference": reference})
    assert any(problem in p for p in problems), problems


def test_an_ibid_is_resolved_to_the_archive_in_full():
    assert GOOD["reference"].startswith(
        "f. 9, op. 1, d. 438, l. 75, Spetsial’nyi gosudarstvennyi arkhiv Komiteta natsional’noi bezopasnosti "
        "Respubliki Kazakhstan (SGA KNB RK), cited in Natalia N. Ablazhey and Albina S. Zhanbossinova"
    )
    assert GOOD["cited_as"] == "Ablazhey and Zhanbossinova 2026, n. 46"
    assert GOOD["locator"] == "l. 75"
    assert GOOD["csl"]["archive_location"] == "f. 9, op. 1, d. 438, l. 75" and GOOD["csl"]["type"] == "manuscript"
