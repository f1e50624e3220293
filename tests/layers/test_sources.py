"""Provenance: every citation in data/sources quotes its seed verbatim and names the right footnote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from layers.documents import by_seed

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"
_SPACE = re.compile(r"\s+")
_FOOTNOTE = re.compile(r"^<sup>(\d+)</sup>\s*(.+?)(?=\n\s*\n|\Z)", re.M | re.S)
_NUMBERED = re.compile(r"^(\d+)\.\s+(.+)$", re.M)  # 001's footnotes: "1. РГАЭ. Ф. 635 ..."


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _seed(name: str) -> str:
    """The text the atlas ships of the document made from seed `name` (data/texts)."""
    doc = by_seed().get(name)
    assert doc is not None, f"seed {name} is not a document of data/texts/documents.yaml"
    if doc.text() is None:
        pytest.skip(f"{doc.label}: the atlas ships only its record (licence: {doc.licence})")
    return doc.text()


def footnotes(text: str) -> dict[int, list[str]]:
    """Footnote number -> the texts of footnotes with that number (001 numbers per page)."""
    notes: dict[int, list[str]] = {}
    for number, body in _FOOTNOTE.findall(text) + _NUMBERED.findall(text):
        notes.setdefault(int(number), []).append(_norm(body))
    return notes


def citations(node, seed=None):
    """Every mapping with a `quote`, with the seed it belongs to (its own or the file's)."""
    if isinstance(node, dict):
        seed = node.get("seed", seed)
        if "quote" in node:
            yield seed, node
        for value in node.values():
            yield from citations(value, seed)
    elif isinstance(node, list):
        for value in node:
            yield from citations(value, seed)


def _all_citations():
    for path in sorted(SOURCES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for seed, cite in citations(data):
            yield pytest.param(path.name, seed, cite, id=f"{path.stem}:{cite['quote'][:40]}")


ALL = list(_all_citations())


def test_there_are_citations_to_check():
    assert len(ALL) > 30


@pytest.mark.parametrize(("file", "seed", "cite"), ALL)
def test_quote_is_in_the_seed(file, seed, cite):
    assert seed, f"{file}: a citation without a seed"
    assert _norm(cite["quote"]) in _norm(_seed(seed)), f"{file}: quote not found in {seed}: {cite['quote']!r}"


@pytest.mark.parametrize(("file", "seed", "cite"), ALL)
def test_reference_is_the_footnote_text(file, seed, cite):
    if cite.get("footnote") is None or cite.get("reference") is None:
        return
    texts = footnotes(_seed(seed)).get(int(cite["footnote"]), [])
    assert any(_norm(cite["reference"]) in t for t in texts), (
        f"{file}: footnote {cite['footnote']} of {seed} does not contain {cite['reference']!r}; it reads {texts}"
    )


def test_the_footnote_check_can_fail():
    """A reference checked against the wrong footnote number is caught."""
    notes = footnotes(_seed("003_8b2a7f5298569eee.txt"))
    assert any("f. 13, op. 1, d. 2, l. 3" in t for t in notes[21])
    assert not any("f. 13, op. 1, d. 2, l. 3" in t for t in notes[22])
