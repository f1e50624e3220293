"""A feature's page for any layer reads as a record for a historian: fields in words, codes by their labels, other
features by their names and linked, dates in words, the sources cited; never a dump of the API's JSON."""

from __future__ import annotations

import re

import pytest

UNIT = "/collections/outposts/items/outpost-49-9?f=html"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_unit_reads_as_a_record_with_its_parent_named_and_linked(client):
    page = client.get(UNIT).get_data(as_text=True)
    parent = "/collections/outposts/items/detachment-49-jarkent?f=html"
    assert f'<a href="{parent}">49th Jarkent border detachment</a>' in page
    text = text_of(page)
    assert "Parent unit" in text and "Type Outpost" in text and "18 August 1927" in text
    assert "Not on the map" in text, "a unit with no seat says why it is not drawn"
    assert "border violators deported" in text, "a dated fact's kind in words"
    for raw in ("violators_deported", "unit_type", "detachment-49-jarkent ", "<pre>", "{&#39;", "[&#39;", "1927-08-18"):
        assert raw not in page.replace(UNIT, ""), raw
    assert "Ablazhey and Zhanbossinova 2026, n. 46" in text and "Export these sources" in text


@pytest.mark.parametrize(
    ("path", "period"),
    [
        ("/collections/zones/items/zone-22-km?f=html", "From 28 March 1923 (no end given in the sources)"),
        ("/collections/incidents/items/sarkand-1927-08-18?f=html", "On 18 August 1927"),
    ],
)
def test_a_page_says_when_in_words_and_links_the_map(client, path, period):
    page = client.get(path).get_data(as_text=True)
    assert period in text_of(page)
    assert re.search(r'<a href="/map#year=\d{4}&amp;sel=[^"]+">Show on the map</a>', page)


def test_the_map_links_a_unit_to_its_page(client):
    page = client.get("/map").get_data(as_text=True)
    assert '"url": "/collections/outposts/items/outpost-49-9?f=html"' in page


def test_an_area_page_says_its_outline_in_words_not_as_data(client):
    """'Extent: Areas: ['ili-district', ...]' and 'Marker radius m 521000.0' (new-user walk of issue 27)."""
    text = text_of(client.get("/collections/areas/items/xinjiang-border-districts?f=html").get_data(as_text=True))
    assert "Its outline" in text and "the union of Ili District, Tarbagatai District, Altay District" in text
    assert "Farthest edge from its marker" in text and re.search(r"\b\d{2,4} km\b", text)
    assert "['" not in text and "Marker radius m" not in text and "Extent:" not in text
