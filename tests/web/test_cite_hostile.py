"""Citation exports that text from the data cannot forge: a line break never starts a RIS record, a brace never ends a
BibTeX entry; read back by other projects' parsers (rispy, bibtexparser, citation-js through tests/web/readback.js),
for hand-made items and for a contributed record published into a build. And download names that no id can turn
into another file."""

from __future__ import annotations

import json
from urllib.parse import quote

import bibtexparser
import pytest
import rispy
from werkzeug.http import parse_options_header

from contrib import workflow
from contrib.context import Context
from contrib.reconcile import Gazetteer
from contrib.store import ContributionStore
from evidence import citation_formats
from layers.build import SOURCES
from pipeline import publish
from pipeline.build import build
from store import GeoPackageStore
from tests.contrib.quick import incident_csv, simplified_reference
from tests.web.test_cite_readback import read_back
from webapp import create_app
from webapp.attachment import disposition

HOSTILE = {
    "ris-record": "f. 9\nER  - \n\nTY  - JOUR\nTI  - Forged record\nER  - ",
    "ris-crlf": "l. 3\r\nTY  - BOOK\r\nTI  - Forged record two",
    "unicode-breaks": "d. 1\u2028ER  - \u2029TY  - GEN\x85TI  - Forged record three\x0bAU  - X",
    "close-brace": "SGA } KNB RK",
    "open-braces": "{{ SGA KNB RK",
    "backslashes": "a \\} b \\{ c \\",
    "new-entry": "x},\n@misc{forged, title = {Forged record four}",
    "latex": "100% } @ # \\textbf{x",
}
FORMATS = ("csl-json", "ris", "bibtex")


def hostile_items() -> list[dict]:
    """One manuscript per hostile string, every text field holding it; and a plain one."""
    items = [{"id": f"h-{key}", "type": "manuscript", "title": text, "archive": text, "archive_location": text,
              "genre": text, "note": text, "language": "ru"} for key, text in HOSTILE.items()]  # fmt: skip
    return [*items, {"id": "plain", "type": "book", "title": "A plain book", "issued": {"date-parts": [[1930]]}}]


def bibtex_entries(text: str) -> list[str]:
    """The entries of a .bib as BibTeX reads them: "@type{" then up to the brace that closes it, braces counted
    whatever precedes them (a backslash hides no brace from BibTeX)."""
    entries, at = [], text.find("@")
    while at != -1:
        start = text.index("{", at)
        depth, end = 0, start
        for end in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                break
        assert depth == 0, f"an entry never closes: {text[at : at + 200]!r}"
        entries.append(text[at : end + 1])
        at = text.find("@", end + 1)
    return entries


def keys(entries: list[str]) -> list[str]:
    return [entry.split("{", 1)[1].split(",", 1)[0] for entry in entries]


def test_no_hostile_text_adds_a_ris_record(tmp_path):
    items = hostile_items()
    text = citation_formats.to_ris(items)
    records = rispy.loads(text)
    assert [r["id"] for r in records] == [i["id"] for i in items]
    titles = [citation_formats.one_line(text).strip() for text in HOSTILE.values()]
    assert [r["title"].strip() for r in records[:-1]] == titles
    read = read_back(tmp_path, text.encode(), "ris")
    assert sorted(i["id"] for i in read["items"]) == sorted(i["id"] for i in items)


def test_no_hostile_text_ends_or_adds_a_bibtex_entry(tmp_path):
    items = hostile_items()
    text = citation_formats.to_bibtex(items)
    assert keys(bibtex_entries(text)) == [i["id"] for i in items]
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks and [e.key for e in library.entries] == [i["id"] for i in items]
    read = {i["id"]: i for i in read_back(tmp_path, text.encode(), "bibtex")["items"]}
    assert sorted(read) == sorted(i["id"] for i in items)
    for key, original in HOSTILE.items():  # as LaTeX reads it: a run of spaces is one
        assert read[f"h-{key}"]["title"].split() == original.split(), key


def test_hostile_text_reads_back_from_csl_json(tmp_path):
    items = hostile_items()
    text = citation_formats.to_csl_json(items)
    assert json.loads(text) == items
    read = {i["id"]: i for i in read_back(tmp_path, text.encode(), "csl-json")["items"]}
    assert {k: read[f"h-{k}"]["title"] for k in HOSTILE} == HOSTILE


# A contributed citation: an archive with braces, a fond and a locator with line breaks that would start RIS records
ARCHIVE = "SGA KNB RK } {, f. 9\r\nER  - \r\n\r\nTY  - JOUR\r\nTI  - Forged record, op. 1, d. 438"
LOCATOR = "l. 3\nTY  - BOOK\nTI  - Forged record two\n}"


@pytest.fixture(scope="module")
def contributed(tmp_path_factory):
    """The app on a quick build holding a contributed incident whose archival citation is hostile."""
    root = tmp_path_factory.mktemp("hostile-cite")
    reference = simplified_reference(root / "reference")
    out = root / "atlas.gpkg"
    build(SOURCES, reference, out, progress=lambda *_: None, releases=None)
    store = ContributionStore(root / "c.sqlite")
    context = Context(GeoPackageStore(out))
    data = incident_csv("forging-1930", archive=ARCHIVE, locator=LOCATOR).encode()
    name, report = workflow.import_file(store, data, "forging.csv", layer="incidents", contributor="historian",
                                        name="forging", context=context, gazetteer=Gazetteer.of(context))  # fmt: skip
    assert report.ok, report.lines()
    workflow.submit(store, name, "historian")
    workflow.review(store, name, {"name": "editor", "role": "reviewer"}, "accept", "checked")
    publish.publish(store, "editor", sources=SOURCES, reference=reference, out=out, progress=lambda *_: None)
    return create_app({"STORE": out, "CONTRIBUTIONS": str(root / "c.sqlite"), "TESTING": True})


def test_a_contributed_citation_forges_nothing_in_any_export(contributed, tmp_path):
    client = contributed.test_client()
    csl = json.loads(client.get("/cite?format=csl-json").data)
    ids = [item["id"] for item in csl]
    (mine,) = [item for item in csl if item.get("archive", "").startswith("SGA KNB RK } {")]
    assert "\n" in mine["archive_location"]  # the text as contributed: the exports must cope with it
    ris = client.get("/cite?format=ris").data.decode()
    assert sorted(r["id"] for r in rispy.loads(ris)) == sorted(ids)
    assert sorted(i["id"] for i in read_back(tmp_path, ris.encode(), "ris")["items"]) == sorted(ids)
    bib = client.get("/cite?format=bibtex").data.decode()
    assert len(bibtex_entries(bib)) == len(ids)
    library = bibtexparser.parse_string(bib)
    assert not library.failed_blocks and len(library.entries) == len(ids)
    read = read_back(tmp_path, bib.encode(), "bibtex")["items"]
    assert len(read) == len(ids) and not [i for i in read if (i.get("title") or "").startswith("Forged")]
    feature = client.get("/collections/incidents/items/forging-1930/cite?format=ris").data.decode()
    assert [r["type_of_reference"] for r in rispy.loads(feature)] == ["MANSCPT"]


# Ids that try to name the file: another extension, another parameter, a path, a line break
HOSTILE_IDS = ["x\"; filename*=UTF-8''evil.html; y=\"", "evil.html", "x.ris\"; filename=\"evil.html",
               "../../evil.html", "x\r\nContent-Type: text/html", "кеген\"; x=\"", "x" * 400]  # fmt: skip


@pytest.mark.parametrize("fid", HOSTILE_IDS)
def test_a_download_name_cannot_choose_its_extension_or_add_a_parameter(fid):
    header = disposition(f"border-atlas-incidents-{fid}.ris")["Content-Disposition"]
    kind, params = parse_options_header(header)  # werkzeug prefers filename*, as browsers do
    assert kind == "attachment" and list(params) == ["filename"], header
    assert params["filename"].endswith(".ris") and not params["filename"].startswith(".")
    for character in "\"';/\\\r\n":
        assert character not in params["filename"], header
    assert "\r" not in header and "\n" not in header and header.count(";") == 2


def test_the_citation_files_say_their_names_both_ways(client):
    response = client.get("/collections/incidents/items/santos-1927-08-24/cite?format=bibtex")
    assert parse_options_header(response.headers["Content-Disposition"]) == (
        "attachment", {"filename": "border-atlas-incidents-santos-1927-08-24.bib"})  # fmt: skip


class AnyId:
    """The app's store, answering every id of a feature with Santos's incident (as if its id were hostile)."""

    def __init__(self, store):
        self.store = store

    def get(self, cid, fid):
        return self.store.get(cid, "santos-1927-08-24")

    def __getattr__(self, name):
        return getattr(self.store, name)


def test_a_feature_whose_id_tries_evil_html_downloads_as_its_citation_file(app, monkeypatch):
    from webapp import cite, store

    real = store.get_store
    monkeypatch.setattr(cite, "get_store", lambda: AnyId(real()))
    fid = "x\"; filename*=UTF-8''evil.html; y=\""
    response = app.test_client().get(f"/collections/incidents/items/{quote(fid, safe='')}/cite?format=ris")
    assert response.status_code == 200
    _, params = parse_options_header(response.headers["Content-Disposition"])
    assert list(params) == ["filename"] and params["filename"].startswith("border-atlas-incidents-x_")
    assert params["filename"].endswith("evil.html__y__.ris") and '"' not in params["filename"]
