"""layers/documents.py: the source documents the atlas ships (data/texts) and their records."""

from __future__ import annotations

import shutil

import pytest

from layers.documents import TEXTS, documents
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
