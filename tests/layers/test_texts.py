"""evidence/documents.py: the source documents the atlas ships (data/texts) and their records."""

from __future__ import annotations

import shutil

import pytest

from evidence.documents import TEXTS, documents
from layers.errors import DataError

DOCS = documents()


def test_every_document_has_a_record_a_licence_and_its_text():
    assert "ablazhey-zhanbossinova-2026" in DOCS
    for doc in DOCS.values():
        assert doc.csl["type"] and doc.csl["title"], doc.id
        assert doc.licence and doc.licence_basis, doc.id
        if doc.shipped == "record":
            assert doc.text() is None
        else:
            assert len(doc.text()) > 500, doc.id


def test_the_core_source_is_shipped_whole():
    core = DOCS["ablazhey-zhanbossinova-2026"]
    assert core.shipped == "full" and core.licence == "CC BY 4.0"
    assert "<sup>63</sup>" in core.text()


def test_excerpts_are_blocks_of_lines_in_order():
    doc = DOCS["shemetova-2020"]
    blocks = doc.blocks()
    assert len(blocks) > 5
    ends = [start + len(lines) - 1 for start, lines in blocks]
    starts = [start for start, _ in blocks]
    assert all(e < s for e, s in zip(ends, starts[1:], strict=False)), "blocks overlap or are out of order"
    assert "ПОСТАНОВЛЕНИЕ СОВЕТА НАРОДНЫХ КОМИССАРОВ" in doc.text(), "the 1923 tariff (an official act) is shipped"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("shipped: full\n", "shipped: partly\n", r"`shipped` was 'partly'; allowed: full, excerpts, record"),
        ("notes: sup\n", "notes: endnotes\n", r"`notes` was 'endnotes'; allowed: sup, paged, none"),
        ("file: ablazhey-zhanbossinova-2026.txt\n", "file: missing.txt\n", r"its text missing.txt is not in"),
    ],
)
def test_a_bad_record_is_refused_naming_what_is_allowed(tmp_path, old, new, message):
    root = tmp_path / "texts"
    shutil.copytree(TEXTS, root)
    records = root / "documents.yaml"
    records.write_text(records.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError, match=message):
        documents(root)


@pytest.mark.parametrize(
    ("verbatim", "shown"),
    [
        ("Агзумхан Габидович Мак- сумханов", "Агзумхан Габидович Максумханов"),  # a word cut at a line's end
        ("ветский Союз был настолько перего- воров", "ветский Союз был настолько переговоров"),
        ("«Русско- Китайское Акционерное Общество»", "«Русско-Китайское Акционерное Общество»"),  # a capital: a hyphen
        (
            "по- прежнему оказывали англичане",
            "по-прежнему оказывали англичане",
        ),  # a compound the copy cut at its hyphen
        ("the 49<sup>th</sup> border detachment<sup>46</sup>.", "the 49th border detachment."),  # markup: never text
        ("Kazakh-Xinjiang section – the first half", "Kazakh-Xinjiang section – the first half"),  # nothing to join
    ],
)
def test_a_quote_is_shown_as_a_reader_reads_it(verbatim, shown):
    """Issue 27: quotes stay verbatim in the data; for display, line-break hyphens are joined and markup dropped."""
    from evidence.passages import readable

    assert readable(verbatim) == shown


def test_a_resolved_citation_carries_how_its_quote_is_shown_only_where_that_differs():
    from evidence.citations import resolve

    cut = {"document": "shemetova-2020", "note": "7.3", "quote": "С советской стороны договор должен был подписать "
           "Агзумхан Габидович Мак- сумханов"}  # fmt: skip
    assert resolve(cut)["quote_shown"].endswith("Агзумхан Габидович Максумханов")
    assert resolve(cut)["quote"].endswith("Мак- сумханов"), "the data keeps the quote verbatim"
    whole = {"document": "ablazhey-zhanbossinova-2026", "note": 46, "quote": "exchanged fire with six armed smugglers"}
    assert "quote_shown" not in resolve(whole)
