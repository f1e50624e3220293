"""The gazetteer on the web: place pages, the quality report, items and Linked Places Format."""

from __future__ import annotations

import pytest

from tests.conftest import PLACE_PAYLOAD
from tests.web.api.test_api import check_rfc7946
from webapp import create_app


def test_place_page_shows_every_name_and_the_sources(client):
    page = client.get("/places/jarkent", headers={"Accept": "text/html"}).data.decode()
    for expected in ("Jarkent", "Джаркент", "Zharkent", "Panfilov", "1520253", "11,100", "note 32", "#place=jarkent"):
        assert expected in page, expected


def test_place_page_as_json(client):
    feature = client.get("/places/chuguchak?f=json").get_json()
    assert feature["properties"]["modern_name"] == "Tacheng" and feature["geometry"]["type"] == "Point"


def test_unlocated_place_has_a_page_that_says_so(client):
    page = client.get("/places/selke-pass?f=html").data.decode()
    assert "unlocated" in page


def test_unknown_place_is_a_json_404(client):
    response = client.get("/places/atlantis")
    assert response.status_code == 404 and "atlantis" in response.get_json()["description"]


def test_quality_report_page_and_json(client):
    findings = client.get("/quality?f=json").get_json()
    counts = findings["counts"]
    assert counts["places"] == len(findings["unlocated"]) + counts["located"] + counts["in_area"]
    assert any(f["id"] == "uryl" for f in findings["unlocated"])
    page = client.get("/quality?f=html").data.decode()
    assert "1927 list" in page and "Uryl" in page


def test_every_document_is_in_the_coverage_report_or_said_to_hold_no_text(client):
    """A document held only as a record ("Soviet-Mongolian Friendship Talks") was missing without a word (walk)."""
    from tests.web.readable import html_text

    documents = client.get("/texts?f=json").get_json()["documents"]
    text = html_text(client.get("/quality?f=html").data.decode())
    covered = client.get("/quality?f=json").get_json()["coverage"]
    for doc in documents:
        assert doc["id"] in covered or doc["shipped"] == "record", doc["id"]
        assert doc["label"] in text, doc["label"]
    assert "holds no text of them to account for" in text
    assert "a paragraph may hold several" in html_text(client.get("/texts?f=html").data.decode())


def test_the_quality_report_names_layers_by_their_titles(client):
    """The JSON keeps the layers' ids; the page names each by its title ("Border-guard units", not "outposts")."""
    from layers.registry import REGISTRY
    from tests.web.readable import html_text

    findings = client.get("/quality?f=json").get_json()
    layers = {row["layer"] for row in findings["levels"]["rows"]} | {f["layer"] for f in findings["unlocated_features"]}
    assert "outposts" in layers
    text = html_text(client.get("/quality?f=html").data.decode())
    shown = set(text.split("\n")) | {line.split(":")[0] for line in text.split("\n")}
    assert {REGISTRY[cid].TITLE for cid in layers} <= shown and not layers & shown


def test_places_items_are_geojson_with_unlocated_places_kept(client, layers):
    body = client.get("/collections/places/items?limit=1000").get_json()
    assert body["numberMatched"] == len(layers["places"])
    located = {"type": "FeatureCollection", "features": [f for f in body["features"] if f["geometry"]]}
    check_rfc7946({**located, "features": [f for f in located["features"] if f["id"] != "moscow"]})
    unlocated = [f for f in body["features"] if f["geometry"] is None]
    assert unlocated and all(f["properties"]["precision_class"] == "unlocated" for f in unlocated)


def test_places_filter_by_property(client):
    body = client.get("/collections/places/items?in_1927_list=true&limit=100").get_json()
    assert body["numberMatched"] == 21


def test_linked_places_endpoint_validates(client):
    from tests.layers.test_lpf import VALIDATOR  # the LPF schema of the gazetteer's own test

    collection = client.get("/collections/places/lpf").get_json()
    assert len(collection["features"]) == 77
    assert [e.message for e in VALIDATOR.iter_errors(collection)] == []
    ids = {f["@id"] for f in collection["features"]}
    assert any(i.endswith("/collections/places/items/jarkent") for i in ids)


@pytest.mark.parametrize("url", ["/places/narynkol?f=html", "/collections/places/items?f=html&limit=200"])
def test_place_text_is_escaped(hostile_store, url):
    page = create_app({"STORE": hostile_store}).test_client().get(url).data.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert PLACE_PAYLOAD.split("<")[0] in page


def test_the_quality_report_gives_the_coverage_of_every_source(client):
    """Issue 27: /quality reports, per document, the share of its paragraphs cited and explained."""
    from tests.web.readable import html_text

    coverage = client.get("/quality?f=json").get_json()["coverage"]
    core = coverage["ablazhey-zhanbossinova-2026"]["counts"]
    assert core["cited"] + core["explained"] == core["paragraphs"] and core["neither"] == 0
    assert core["by_reason"]["front matter"] > 20 and 0.5 < core["cited_share"] < 1
    assert set(coverage) == {"ablazhey-zhanbossinova-2026", "shemetova-2020", "shemetova-2020-abstract",
                             "siegelbaum-trade-pacts"}  # fmt: skip
    text = html_text(client.get("/quality?f=html").data.decode())
    assert "Paragraphs of the sources accounted for" in text
    row = f"Ablazhey and Zhanbossinova 2026\n\n{core['paragraphs']}\n\n{core['cited']} ({core['cited_share']:.0%})"
    assert row in text
    body, notes = core["body"], core["footnotes"]  # paragraphs and footnotes apart, each with its share
    assert body["paragraphs"] + notes["paragraphs"] == core["paragraphs"] and body["cited"] + notes["cited"] == core[
        "cited"]  # fmt: skip
    assert notes["paragraphs"] > 50 and body["paragraphs"] > 50
    parts = f"{body['cited']} of {body['paragraphs']} ({body['cited_share']:.0%})\n\n"
    parts += f"{notes['cited']} of {notes['paragraphs']}"
    assert row + "\n\n" + parts in text
    assert "Footnotes cited" in text and "Paragraphs cited" in text


def test_the_quality_report_gives_the_coverage_before_any_sign_in(app):
    """No session, no cookie: the coverage is for every reader of /quality."""
    fresh = app.test_client(use_cookies=False)
    page = fresh.get("/quality", headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'id="coverage"' in page.data.decode()
    assert "Shemetova" in page.data.decode().split('id="coverage"')[1]
