"""Guided tours (layers/tours.py): the two tours of data/tours check against the build, and a malformed tour stops
the build with its file, line, step and what is allowed, leaving the store and the releases already built as they
were."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from layers import tours
from layers.errors import DataError
from pipeline import build as builder
from store import releases

TOURS = Path(tours.__file__).resolve().parent.parent / "data" / "tours"
BUILT = {"zones": pd.DataFrame({"id": ["zone-22-km", "strip-500-m"]}), "incidents": pd.DataFrame({"id": ["sarkand"]})}
GOOD_CITE = """  - document: ablazhey-zhanbossinova-2026
    note: 50
    quote: the border crossing was planned for the night of February 11–12, 1931
"""
HEAD = """---
title: A test tour
authors: [A. Tester]
summary: Two steps.
licence: CC BY 4.0
release: 2026.12.7-1
---

An introduction.
"""


def tour_text(second: str, cite: str = GOOD_CITE) -> str:
    """A two-step tour whose second step's block is `second` (its cite: `cite`)."""
    first = "```step\nyears: 1931\ncentre: [47.4, 84.9]\nzoom: 8\nlayers: [border]\ncite:\n" + GOOD_CITE + "```\n"
    return HEAD + "\n" + first + "\nThe first step.\n\n```step\n" + second + "cite:\n" + cite + "```\n\nThe second.\n"


def compile_text(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "a-test.md"
    path.write_text(text, encoding="utf-8")
    return tours.compile_tour(path, tours.Known(BUILT))


def line_of(text: str, needle: str, start: int = 0) -> int:
    return text[: text.index(needle, start)].count("\n") + 1


def test_the_two_tours_check_against_the_build(layers):
    compiled = {t["slug"]: t for t in tours.compile_all(TOURS, layers)}
    assert set(compiled) == {"closing-the-border", "flight-to-xinjiang"}
    assert compiled["closing-the-border"]["title"] == "Closing the border, 1918–1935"
    assert compiled["flight-to-xinjiang"]["title"] == "Flight to Xinjiang, 1927–1933"
    ids = {i for frame in layers.values() if "id" in frame for i in frame["id"]}
    for tour in compiled.values():
        assert tour["release"] and tour["authors"] and len(tour["steps"]) >= 5
        for step in tour["steps"]:
            assert step["select"] and set(step["select"]) <= ids and step["text"]
            assert 1918 <= step["years"][0] <= step["years"][1] <= 1940
            for cite in step["cite"]:  # each resolved like a record's: the full reference and the passage
                assert cite["passage"].startswith("/texts/ablazhey-zhanbossinova-2026#q-")
                assert "Ablazhey" in cite["reference"] and len(cite["quote"].split()) >= 5


def test_a_well_formed_tour_compiles(tmp_path):
    text = tour_text("years: [1931, 1933]\nbbox: [80.0, 44.0, 86.0, 48.0]\nselect: sarkand\nlayers: [zone-22-km]\n")
    tour = compile_text(tmp_path, text)
    assert tour["slug"] == "a-test" and tour["intro"] == "An introduction."
    assert [s["text"] for s in tour["steps"]] == ["The first step.", "The second."]
    second = tour["steps"][1]
    assert second["years"] == [1931, 1933] and second["centre"] == [46.0, 83.0] and 5 <= second["zoom"] <= 7
    assert second["line"] == line_of(text, "years: [1931, 1933]")
    assert second["cite"][0]["cited_as"] == "Ablazhey and Zhanbossinova 2026, n. 50"
    assert second["select"] == ["sarkand"] and tour["steps"][0]["select"] == []


def test_a_step_selects_several_features_the_first_opened(tmp_path):
    text = tour_text("years: 1931\ncentre: [47, 84]\nzoom: 8\nselect: [zone-22-km, sarkand, strip-500-m]\n")
    assert compile_text(tmp_path, text)["steps"][1]["select"] == ["zone-22-km", "sarkand", "strip-500-m"]


MISSING_NOTE = GOOD_CITE.replace("note: 50", "note: 999")
AT = "years: 1931\ncentre: [47, 84]\nzoom: 8\n"
BAD = [  # (second step's block, its cite, what the error names, what it says is allowed)
    ("years: 1931\ncentre: [47, 84]\nzoom: 8\nselect: nowhere\n", GOOD_CITE, "no feature 'nowhere'", "after sel="),
    (AT + "select: [sarkand, nowhere]\n", GOOD_CITE, "no feature 'nowhere'", "the id of a feature"),
    (AT + "select: [sarkand, sarkand]\n", GOOD_CITE, "names a feature twice", "sarkand"),
    (AT + "select: [sarkand, 3]\n", GOOD_CITE, "`select` was", "a list of texts"),
    ("years: 1931\ncentre: [47, 84]\nzoom: 8\n", MISSING_NOTE, "note '999' is not a note", "allowed: a footnote"),
    ("years: 1950\ncentre: [47, 84]\nzoom: 8\n", GOOD_CITE, "years 1950", "within 1918–1940"),
    ("years: 1931\ncentre: [47, 84]\nzoom: 8\nlayers: [roads]\n", GOOD_CITE, "layer 'roads'", "allowed: border"),
    ("years: 1931\nzoom: 8\n", GOOD_CITE, "gives its view", "`bbox`"),
]


@pytest.mark.parametrize(("block", "cite", "what", "allowed"), BAD)
def test_a_malformed_step_names_file_line_step_and_what_is_allowed(tmp_path, block, cite, what, allowed):
    text = tour_text(block, cite)
    with pytest.raises(DataError) as caught:
        compile_text(tmp_path, text)
    error = caught.value
    assert error.path.endswith("a-test.md") and error.entry == "step 2"
    second = text.rindex("```step\n") + len("```step\n")  # the second step's block starts on the next line
    where = text.index("  - document", second) if "999" in cite else second  # a citation: its own line
    assert error.line == line_of(text, text[where : where + 12], where)
    assert what in error.reason and allowed in error.reason


def test_a_quote_not_in_the_text_stops_the_tour(tmp_path):
    wrong = GOOD_CITE.replace("planned for the night", "planned for the morning")
    with pytest.raises(DataError, match="the quote is not in the text"):
        compile_text(tmp_path, tour_text("years: 1931\ncentre: [47, 84]\nzoom: 8\n", wrong))


def test_a_malformed_tour_stops_the_build_and_the_release_already_built_stays(tmp_path, built, monkeypatch, capsys):
    out, layers = built
    store, kept = tmp_path / "build" / "atlas.gpkg", tmp_path / "build" / "releases"
    store.parent.mkdir()
    shutil.copy(out, store)
    release = releases.publish(store, kept, progress=lambda *_: None)
    before = {p: p.read_bytes() for p in [store, *kept.rglob("*")] if p.is_file()}
    (tmp_path / "tours").mkdir()
    bad = tmp_path / "tours" / "broken.md"
    bad.write_text(tour_text("years: 1931\ncentre: [47, 84]\nzoom: 8\nselect: nowhere\n"), encoding="utf-8")
    (tmp_path / "sources").mkdir()
    monkeypatch.setattr(builder, "build_layers", lambda *args, **kwargs: layers)  # the layers are not what is tested
    code = builder.main(["--sources", str(tmp_path / "sources"), "--out", str(store), "--no-contributions"])
    error = capsys.readouterr().err
    assert code == 1
    assert re.search(r"broken\.md:\d+: entry 'step 2': no feature 'nowhere' in the build", error), error
    assert "left as it was" in error
    after = {p: p.read_bytes() for p in [store, *kept.rglob("*")] if p.is_file()}
    assert after == before
    assert releases.Directory(kept).latest().number == release.number
