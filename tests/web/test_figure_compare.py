"""/figure?year=1927&compare=1935: a two-panel figure of both moments, one legend and one caption naming both, and
the changes between them (as /changes lists them) under it with their references; bad compare values get a 400."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from tests.web.test_figure import SVG, flat, pdf_text, rendered, svg_text

COMPARE = "year=1927&compare=1935"
figure_of = rendered  # figures by query string, each fetched once


def _changes(client, first: int, last: int) -> list[dict]:
    return client.get(f"/changes?from={first}&to={last}&f=json").get_json()["changes"]


def test_two_panels_with_their_years_one_legend_and_a_caption_naming_both(figure_of, client):
    data = figure_of(COMPARE)
    root = ET.fromstring(data)
    groups = {g.get("id") for g in root.iter(f"{SVG}g")}
    assert {"map-1", "map-2"} <= groups and "map" not in groups
    text = flat(svg_text(data))
    assert "The Kazakh–Xinjiang border, 1927 (left) and 1935 (right)" in text
    assert text.count("22 km border zone") == 1, "one legend for both panels"
    assert "map#year=1927" in text and "compare=1935" in text, "the caption cites the comparison's map URL"
    disposition = client.get(f"/figure?{COMPARE}&format=png").headers["Content-Disposition"]
    assert 'filename="border-atlas-1927-and-1935.png"' in disposition


def test_the_changes_are_listed_with_their_references(figure_of, client):
    text = flat(svg_text(figure_of(COMPARE)))
    assert "What changed after 1927, up to the end of 1935" in text
    listed = _changes(client, 1927, 1935)
    passports = next(line for line in listed if "Partial passportization" in line["text"])
    assert "Partial passportization" in text
    assert passports["references"][0]["cited_as"] in text  # "Ablazhey and Zhanbossinova 2026, n. 25"
    assert "References of the changes: Natalia N. Ablazhey and Albina S. Zhanbossinova, “Kazakh-Xinjiang" in text
    assert "RUDN Journal of Russian History 25, no. 2 (May 2026)" in text, "the document's full reference"
    assert "ban on staying in the 500 m zone" in text


def test_ranges_and_an_earlier_compare_list_the_changes_between_the_ends(figure_of):
    text = flat(svg_text(figure_of("year=1934-1935&compare=1927-1928")))
    assert "1934–1935 (left) and 1927–1928 (right)" in text
    assert "What changed after 1928, up to the end of 1935" in text


@pytest.mark.parametrize("fmt", ["pdf", "png"])
def test_pdf_and_png(figure_of, fmt):
    data = figure_of(f"{COMPARE}&format={fmt}")
    if fmt == "pdf":
        assert "1927 (left) and 1935 (right)" in flat(pdf_text(data))
    else:
        image = Image.open(io.BytesIO(data))
        single = Image.open(io.BytesIO(figure_of("year=1927&format=png")))
        assert image.width == single.width and image.height > single.height * 0.8


def test_the_sources_part_cites_both_moments(client):
    body = client.get(f"/figure?{COMPARE}&part=sources&format=json").get_json()
    assert "1927 (left) and 1935 (right)" in body["figure"]["shows"]
    assert "compare=1935" in body["figure"]["url"]


@pytest.mark.parametrize("value", ["abc", "1800", "1935-1930", "1935-", "19350"])
def test_bad_compare_values_get_400_naming_the_parameter(client, value):
    response = client.get(f"/figure?year=1927&compare={value}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "compare"
    assert "allowed: a year (1930) or a range of years (1927-1932) within 1918–1940" in body["description"]


def test_the_figure_keeps_within_a_page_and_links_the_changes_it_leaves_out(figure_of, client):
    data = figure_of(COMPARE)
    height_pt = float(ET.fromstring(data).get("height").removesuffix("pt"))
    assert height_pt * 25.4 / 72 <= 260, "within an A4 page at double width"
    text = flat(svg_text(data))
    left_out = len(_changes(client, 1927, 1935)) - 16
    assert left_out > 0
    assert f"… and {left_out} more" in text and "/changes?from=1927&to=1935" in text
