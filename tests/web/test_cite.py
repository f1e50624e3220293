"""Citations for reference managers (CSL-JSON, RIS, BibTeX) of a feature, a view and the atlas: they read back."""

from __future__ import annotations

import json

import bibtexparser
import pytest
import rispy

from evidence import citation_formats
from evidence.citations import render

SANTOS = "/collections/incidents/items/santos-1927-08-24/cite"
FILE = "sga-knb-rk-f-9-op-1-d-438-l-75-n-46"  # SGA KNB RK f. 9, op. 1, d. 438, l. 75, seen through note 46


def test_a_features_sources_read_back_in_every_format(client):
    csl = json.loads(client.get(f"{SANTOS}?format=csl-json").data)
    assert [item["id"] for item in csl] == ["ablazhey-zhanbossinova-2026", FILE]
    archive = csl[1]
    assert archive["type"] == "manuscript" and archive["archive_location"] == "f. 9, op. 1, d. 438, l. 75"
    assert archive["genre"] == "Cited in Ablazhey and Zhanbossinova 2026, n. 46"
    ris = rispy.loads(client.get(f"{SANTOS}?format=ris").data.decode())
    assert [r["type_of_reference"] for r in ris] == ["JOUR", "MANSCPT"]
    assert ris[0]["doi"] == "10.22363/2312-8674-2026-25-2-268-283" and ris[0]["authors"][0] == "Ablazhey, Natalia N."
    assert ris[1]["name_of_database"] == ris[1]["publisher"] == archive["archive"]  # Zotero's DB, citation-js's PB
    assert ris[1]["accession_number"] == archive["archive_location"] and ris[1]["type_of_work"] == archive["genre"]
    bib = bibtexparser.parse_string(client.get(f"{SANTOS}?format=bibtex").data.decode())
    assert not bib.failed_blocks
    entries = {e.key: e for e in bib.entries}
    assert entries["ablazhey-zhanbossinova-2026"]["journaltitle"] == "RUDN Journal of Russian History"
    assert entries[FILE].entry_type == "unpublished" and entries[FILE]["note"].endswith(
        "(SGA KNB RK), f. 9, op. 1, d. 438, l. 75, cited in Ablazhey and Zhanbossinova 2026, n. 46"
    )


def test_a_work_cited_in_several_notes_is_one_item_naming_them_all(client):
    items = {i["id"]: i for i in json.loads(client.get("/cite").data)}
    files = [i for i in items if i.startswith("sga-dp-vko-f-19-op-1-d-905-l-110-")]
    assert files == [
        "sga-dp-vko-f-19-op-1-d-905-l-110-n-43",
        "sga-dp-vko-f-19-op-1-d-905-l-110-n-50",
    ]  # one list, two notes
    two = citation_formats.items(
        [{"document": "x", "quote": "q", "csl": {"id": "a", "note": f"Cited in X, n. {n}"}} for n in (3, 36)], {}
    )
    assert two == [{"id": "a", "note": "Cited in X, n. 3; Cited in X, n. 36"}]


def test_every_item_of_the_atlas_renders_with_citeproc(client):
    items = json.loads(client.get("/cite?format=csl-json").data)
    assert len(items) > 30
    for item in items:
        assert render(item).strip(), item["id"]


def test_a_view_cites_only_what_it_shows(client):
    atlas = {i["id"] for i in json.loads(client.get("/cite").data)}
    view = {i["id"] for i in json.loads(client.get("/cite?collections=incidents&datetime=1927").data)}
    assert FILE in view and view < atlas
    assert "sga-dp-g-almaty-f-20-op-3-d-11185-l-5-8-9-n-60" not in view  # Kaldybaev, 1935
    assert "sga-dp-g-almaty-f-20-op-3-d-11185-l-5-8-9-n-60" in atlas


def test_the_files_are_named_and_typed_for_reference_managers(client):
    response = client.get("/cite?format=ris")
    assert response.mimetype == "application/x-research-info-systems"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"border-atlas-atlas.ris\"; filename*=UTF-8''border-atlas-atlas.ris"
    )
    response = client.get(f"{SANTOS}?format=bibtex")
    assert 'filename="border-atlas-incidents-santos-1927-08-24.bib"' in response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("path", "status", "parameter"),
    [
        ("/cite?format=endnote", 400, "format"),
        ("/cite?collections=nothing", 404, None),
        ("/cite?datetime=yesterday", 400, "datetime"),
        ("/cite?colour=red", 400, "colour"),
        (f"{SANTOS}?format=xml", 400, "format"),
        ("/collections/incidents/items/no-such-incident/cite", 404, None),
    ],
)
def test_bad_requests_are_refused_naming_what_is_wrong(client, path, status, parameter):
    response = client.get(path)
    assert response.status_code == status
    if parameter:
        assert response.get_json()["parameter"] == parameter


def test_bibtex_keeps_braces_of_the_data_as_text():
    text = citation_formats.to_bibtex([{"id": "x", "type": "book", "title": "A {closed} brace} and \\relax"}])
    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks and parsed.entries[0].key == "x"
