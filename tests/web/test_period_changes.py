"""GET /changes?from=&to=: what changed between two years, each line cited and linked, the possible said so."""

from __future__ import annotations

import pytest


def _changes(client, query: str) -> dict:
    response = client.get(f"/changes?{query}&f=json")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def _line(body: dict, words: str) -> dict:
    return next(line for line in body["changes"] if words in line["text"])


def test_1927_to_1935_names_the_passportization_and_the_500_m_ban_with_their_references(client):
    body = _changes(client, "from=1927&to=1935")
    passports = _line(body, "Partial passportization")
    assert (passports["kind"], passports["date"]) == ("Act", "In 1932")
    assert passports["references"][0]["cited_as"] == "Ablazhey and Zhanbossinova 2026, n. 25"
    assert passports["references"][0]["passage"].startswith("/texts/ablazhey-zhanbossinova-2026#")
    ban = _line(body, "ban on staying in the 500 m zone")
    assert ban["date"] == "In 1935" and ban["references"][0]["reference"]
    assert ban["feature"].startswith("/collections/")
    assert {"Act", "Formed", "Incident", "Migration"} <= set(body["counts"])
    assert all(line["references"] for line in body["changes"])


def test_a_change_dated_only_by_the_end_of_the_span_is_possible_and_says_so(client):
    body = _changes(client, "from=1927&to=1935")
    sanctions = _line(body, "Sanctions of the passport regime")
    assert (sanctions["date"], sanctions["certainty"]) == ("by 1935", "possible")
    page = client.get("/changes?from=1927&to=1935&f=html").get_data(as_text=True)
    assert "Partial passportization" in page and "(possibly within these years)" in page
    assert "read the passage in Ablazhey and Zhanbossinova 2026, n. 25" in page


def test_earlier_years_are_not_changes_of_the_span(client):
    body = _changes(client, "from=1933&to=1935")
    assert not [line for line in body["changes"] if "Partial passportization" in line["text"]]


@pytest.mark.parametrize(
    ("query", "parameter"), [("from=abc", "from"), ("from=1935&to=1927", "to"), ("to=1999", "to"), ("x=1", "x")]
)
def test_bad_values_get_a_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"/changes?{query}&f=json")
    assert response.status_code == 400
    assert response.get_json()["parameter"] == parameter
