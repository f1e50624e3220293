"""Every paragraph accounted for (layers/coverage.py, data/texts/*.coverage.yaml): each paragraph and footnote of
each source is cited by a record (found by the build) or explained; a paragraph with neither stops the build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from evidence.documents import TEXTS, documents
from layers import coverage
from layers.build import REFERENCE, SOURCES
from layers.errors import DataError
from pipeline.build import build

CORE = "ablazhey-zhanbossinova-2026"


def _cites(sources: Path = SOURCES) -> list[dict]:
    """Every citation of data/sources, as the build gathers them (layer, id, name, document, quote, note)."""
    found = []
    for path in sorted(sources.glob("*.yaml")):
        found += coverage.citations_in(yaml.safe_load(path.read_text(encoding="utf-8")), path.stem)
    return found


CITES = _cites()


@pytest.fixture()
def texts(tmp_path):
    """A copy of data/texts to break (documents() is cached per root, so each test has its own)."""
    root = tmp_path / "texts"
    shutil.copytree(TEXTS, root)
    return root


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- the real tables -------------------------------------------------------------------------------


def test_every_source_that_ships_text_is_accounted_for():
    report = coverage.report(CITES)
    assert set(report) == {d.id for d in documents().values() if d.shipped != "record"}
    for doc, found in report.items():
        assert found["counts"]["neither"] == 0, doc
        assert found["counts"]["cited"] + found["counts"]["explained"] == found["counts"]["paragraphs"], doc


def test_the_figures_the_closing_note_gives():
    counts = {doc: found["counts"] for doc, found in coverage.report(CITES).items()}
    assert [counts[CORE][k] for k in ("paragraphs", "cited", "explained")] == [140, 84, 56]
    assert [counts["shemetova-2020"][k] for k in ("paragraphs", "cited", "explained")] == [50, 37, 13]
    assert counts["siegelbaum-trade-pacts"]["cited"] == 0 and counts["siegelbaum-trade-pacts"]["explained"] == 8


def _row(doc_id: str, key: str) -> dict:
    return next(r for r in coverage.report(CITES)[doc_id]["paragraphs"] if r["key"] == key)


@pytest.mark.parametrize(
    ("key", "record"),
    [
        ("line 248", "act-1921-smuggling-decrees"),  # the 1921 decrees on smuggling
        ("line 252", "act-1922-criminal-code-art-97"),  # Article 97 of the 1922 Criminal Code
        ("line 266", "act-1927-smuggling-cases-extrajudicial"),  # from the courts to the OGPU's Special Conference
        ("line 210", "political-banditry-wave-1928-1932"),
        ("line 268", "makulbayev-1929"),
        ("line 270", "kaldybaev-1935-12-13"),  # the Kaldybaev case's outcome
        ("line 250", "border-trade-goods-1920s"),  # the border economy of the crossings
        ("line 272", "opium-border-zone"),  # a paragraph no record cited before issue 27
        ("line 230", "detainees-testimonies-1931-1933"),  # another
        ("note 36", "land-for-russian-settlements-mid-1930s"),  # a footnote, cited by a record naming it
    ],
)
def test_the_gaps_of_the_second_reading_are_cited(key, record):
    assert record in {c["id"] for c in _row(CORE, key)["cited_by"]}


@pytest.mark.parametrize(
    ("key", "record"),
    [
        ("line 34", "xinjiang-neutrality-policy"),
        ("line 83", "xinjiang-cotton-exports"),  # shipped from line 84 on: the block begins inside the paragraph
        ("line 471", "transit-trade-siberia-turkestan"),
        ("line 433", "epshtein-memorandum-kashgar"),  # British influence in Kashgar
        ("line 426", "russian-chinese-jsc-draft-1923"),
    ],
)
def test_shemetova_is_read_whole(key, record):
    assert record in {c["id"] for c in _row("shemetova-2020", key)["cited_by"]}


def test_an_uncited_paragraph_keeps_its_reason_and_a_cited_one_has_none():
    assert _row(CORE, "line 3")["reason"] == "front matter: the article's DOI" and not _row(CORE, "line 3")["cited_by"]
    assert _row(CORE, "line 100")["reason"] is None and _row(CORE, "line 100")["cited_by"]
    assert _row("shemetova-2020", "line 516")["index"] is None  # a paragraph of the copy the atlas does not ship


# --- it fails, naming the file, the paragraph and its first words ------------------------------------


def test_a_paragraph_neither_cited_nor_explained_is_refused(texts):
    _edit(texts, f"{CORE}.coverage.yaml", ', reason: "method: the purpose of the study"', "")
    with pytest.raises(DataError) as caught:
        coverage.report(CITES, texts)
    message = str(caught.value)
    assert f"{CORE}.coverage.yaml:" in message and "paragraph 43 (line 92 of the copy" in message
    assert "“*The purpose of the study*…”) is neither cited by a record nor explained" in message


def test_a_paragraph_whose_records_are_gone_is_refused(texts):
    """The records that cite a paragraph are found, not written: take the opium records away and it is uncited."""
    cites = [c for c in CITES if c["id"] != "opium-border-zone"]
    with pytest.raises(
        DataError, match=r"\(line 272 of the copy, “Another form of smuggling was…”\) is neither.*\(1 more after it\)"
    ):
        coverage.report(cites, TEXTS)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('- {line: 96, words: "The authors used archival materials", reason: "method: the archives and publications '
         'the study uses"}\n', "",
         r"the paragraph at line 96 of the copy \(“The authors used archival materials…”\) is not in the table"),
        ('- {note: "26", reason:', '- {note: "99", reason:',
         r"footnote 26 \(line 142 of the copy, .*\) is not in the table"),
        ("{line: 284, words: \"Here are some examples from\"", "{line: 285, words: \"Here are some examples from\"",
         r"is not in the table|line 285 matches no paragraph"),
        ('words: "Here are some examples from"', 'words: "Here are some reports from"',
         r"the paragraph at line 284 begins “Here are some examples from”, not “Here are some reports from”"),
        ('reason: "method: the purpose of the study"', 'reason: "boring: the purpose of the study"',
         r"reason 'boring: the purpose of the study' must be one line 'category: why', the category one of front"),
        ('- {line: 92,', '- {line: 92, note: "1",', r"an entry is \{line, words\} for a paragraph or \{note\}"),
    ],
)  # fmt: skip
def test_a_bad_table_is_refused_saying_what_is_wrong(texts, old, new, message):
    _edit(texts, f"{CORE}.coverage.yaml", old, new)
    with pytest.raises(DataError, match=message):
        coverage.report(CITES, texts)


def test_a_source_without_a_table_is_refused(texts):
    (texts / "siegelbaum-trade-pacts.coverage.yaml").unlink()
    with pytest.raises(DataError, match=r"Siegelbaum, \"Trade Pacts with the West\" ships text but has no coverage"):
        coverage.report(CITES, texts)


def test_the_build_fails_on_a_paragraph_with_neither(texts, tmp_path):
    """The data build itself stops, naming the file, the paragraph and its first words, and writes no store."""
    _edit(texts, f"{CORE}.coverage.yaml", ', reason: "not mappable: introduces the reports of August 1927 quoted '
          'next (the Chulak and Tokhty opium incidents)"', "")  # fmt: skip
    out = tmp_path / "atlas.gpkg"
    message = (
        rf"{CORE}.coverage.yaml:\d+: paragraph 129 \(line 284 of the copy, “Here are some examples from…”\) is "
        r"neither cited by a record nor explained: add the records it supports, or a reason 'category: why'"
    )
    with pytest.raises(DataError, match=message):
        build(SOURCES, REFERENCE, out, progress=lambda *_: None, texts=texts)
    assert not out.exists()
