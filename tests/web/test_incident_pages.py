"""A page per incident, and popups that name what they refer to instead of showing ids."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape


def test_an_incident_page_reads_as_a_record(client, layers):
    page = client.get("/incidents/sarkand-1927-08-18?f=html").data.decode()
    assert "On 18 August 1927 (as the source words it: “On August 18 this year”)." in page  # a day, not a range
    assert "exact: a gazetteer point of the place itself" in page  # the level in words
    assert '<a href="/places/sarkand">Sarkand</a>' in page
    assert ">Outpost No. 9 of the 49th border detachment</a>" in page and "outpost-49-9<" not in page
    assert "Ibid" not in page and "detained: " not in page  # counts are a table
    assert "f. 9, op. 1, d. 438, l. 75, Spetsial’nyi gosudarstvennyi arkhiv Komiteta natsional’noi bezopasnosti" in page
    assert 'href="/texts/ablazhey-zhanbossinova-2026#q-' in page  # the passage in the reader
    assert re.search(r"<th>detained</th><td>12</td>", page)


def test_an_area_level_incident_page_names_its_area_and_rule(client):
    page = client.get("/incidents/ush-bulak-1927-summer?f=html").data.decode()
    assert "area of possibility: the polygon the text constrains it to" in page
    assert ">Zone of responsibility of the 49th (Jarkent) or of the 50th (Zaysan) border detachment</a>" in page
    assert "both readings are kept" in page  # the note on the record says why
    assert "Rule: Soviet-side land 0–22 km from the border line" in page
    assert "about 400" in page  # an approximate count stays approximate
    assert "<p>Direction: into China</p>" in page  # the code into_china through its label
    assert "<p>Placed in the area of possibility" in page  # the basis opens its sentence


def test_a_unit_is_named_as_it_was_in_the_incident_year(client):
    page = client.get("/incidents/kaldybaev-1935-12-13?f=html").data.decode()
    units = client.get("/collections/outposts/items?unit_id=detachment-30-bakhty").get_json()["features"]
    names = [
        n["name"] for f in units for n in f["properties"]["names_by_period"] if n["start"] and n["start"] <= "1935"
    ]
    expected = names[-1] if names else units[0]["properties"]["name"]
    assert f">{expected}</a>" in page


def test_incident_page_json_and_errors(client):
    feature = client.get("/incidents/santos-1927-08-24?f=json").get_json()
    assert feature["id"] == "santos-1927-08-24" and feature["properties"]["where_prec"] == "near"
    missing = client.get("/incidents/atlantis")
    assert missing.status_code == 404 and "atlantis" in missing.get_json()["description"]
    assert client.get("/incidents/santos-1927-08-24?f=xml").status_code == 400


def test_texts_shown_to_readers_carry_no_ids(layers):
    """Location sentences name places and areas; ids stay in the data fields."""
    ids = set(layers["places"]["id"]) | set(layers["areas"]["id"])
    for cid in ("incidents", "outposts", "customs"):
        for basis in layers[cid]["location_basis"]:
            quoted = set(re.findall(r"`([a-z0-9-]+)`", basis or ""))
            assert not quoted & ids, f"{cid}: an id in {basis!r}"


@pytest.mark.parametrize(
    ("iid", "outcome"),
    [
        ("makulbayev-1929", "by decision of the Special Council of the NKVD of the USSR he was released"),
        ("kaldybaev-1935-12-13", "deemed contraband and confiscated"),
        ("six-kazakhs-1935-07-18", "sentenced them to three years' imprisonment"),
        ("masanov-1928", "reconsidered in May 1928"),
    ],
)
def test_a_case_page_gives_its_outcome(client, iid, outcome):
    """Issue 27: the outcomes of the Makulbayev and Kaldybaev cases (and the others the text gives) were missing."""
    page = client.get(f"/incidents/{iid}", headers={"Accept": "text/html"}).data.decode()
    assert "<h3>Outcome</h3>" in page and str(escape(outcome)) in page
