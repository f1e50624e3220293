"""One period filter in two forms, `datetime=A/B` (the API's) and `year=A-B` (the map's), on every page that asks
for a period; one choice parser; the store chosen once per request (webapp/params.py, webapp/store.py)."""

from __future__ import annotations

import json

import pytest

import webapp.store as app_store


def ids(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    return [f["id"] for f in response.get_json()["features"]]


@pytest.mark.parametrize(("year", "datetime"), [("1927-1932", "1927/1932"), ("1927", "1927")])
def test_items_take_the_map_s_years_as_the_api_s_datetime(client, year, datetime):
    by_year = ids(client, f"/collections/incidents/items?year={year}&limit=1000")
    assert by_year == ids(client, f"/collections/incidents/items?datetime={datetime}&limit=1000")
    assert by_year and by_year != ids(client, "/collections/incidents/items?limit=1000")


def test_downloads_grids_and_citations_take_either_form(client):
    download = "/collections/incidents/download?format=geojson"
    features = [
        client.get(f"{download}&{period}").get_json()["features"] for period in ("year=1927-1929", "datetime=1927/1929")
    ]
    assert features[0] == features[1] and len(features[0]) < len(client.get(download).get_json()["features"])
    cite = "/cite?format=ris&collections=incidents"
    cited = [client.get(f"{cite}&{period}").data.decode() for period in ("year=1927-1929", "datetime=1927/1929")]
    assert [set(c.splitlines()) - {line for line in c.splitlines() if "1929" in line} for c in cited] == [
        set(cited[1].splitlines()) - {line for line in cited[1].splitlines() if "1929" in line}
    ] * 2
    grid = "/collections/incidents/grid?bbox=70,40,90,50"
    assert client.get(f"{grid}&year=1927").get_json() == client.get(f"{grid}&datetime=1927").get_json()


def test_the_figure_takes_the_api_s_datetime_as_its_years(client):
    def sources(query: str) -> dict:
        response = client.get(f"/figure?{query}&part=sources&format=json")
        assert response.status_code == 200, response.data[:300]
        return json.loads(response.data)

    assert sources("datetime=1927/1932") == sources("year=1927-1932")
    assert sources("datetime=1927-08-18") == sources("year=1927") != sources("year=1935")


@pytest.mark.parametrize(
    ("url", "parameter", "words"),
    [
        ("/collections/incidents/items?year=1927-1932&datetime=1927/1932", "year", "given twice"),
        ("/collections/incidents/items?year=1950", "year", "outside the map's years"),
        ("/collections/incidents/items?year=twenties", "year", "not a year or a range of years"),
        ("/figure?year=1932-1927", "year", "ends before it starts"),
        ("/cite?year=1927/1932", "year", "not a year or a range of years"),
        ("/collections/zones/download?format=xls", "format", "'xls' is not offered; allowed: ["),
        ("/cite?format=endnote", "format", "'endnote' is not offered; allowed: ["),
        ("/figure?lang=klingon", "lang", "'klingon' is not one of the choices; allowed: ["),
        ("/collections?f=xml", "f", "'xml' is not served here; allowed: ["),
    ],
)
def test_a_bad_period_or_choice_is_a_400_naming_it(client, url, parameter, words):
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 400, response.data[:300]
    assert f"`{parameter}`" in response.get_json()["description"] and words in response.get_json()["description"]


def test_the_store_is_chosen_once_per_request(client, monkeypatch):
    chosen = []
    real = app_store.store.selected
    monkeypatch.setattr(app_store.store, "selected", lambda *a: chosen.append(1) or real(*a))
    assert client.get("/collections/incidents/items?year=1930").status_code == 200
    assert client.get("/collections/incidents/download?format=csv&year=1930").status_code == 200
    assert len(chosen) == 2, "one choice of the store for each request"
