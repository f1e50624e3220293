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


def test_at_a_point_the_regime_at_both_moments_side_by_side(client):
    body = _changes(client, "from=1920&to=1935&lon=80.3&lat=45.1")
    point = body["at_point"]
    assert (point["lon"], point["lat"]) == (80.3, 45.1)
    assert [m["date"] for m in point["moments"]] == ["1920-12-31", "1935-12-31"]
    zones = {z["id"]: z["status"] for z in point["zones"]}
    assert zones["zone-16-km"] == ["not yet in force", "in force"]  # in force from 28 March 1923
    assert zones["zone-4-km"] == ["in force", "in force"]
    assert "at_point" not in _changes(client, "from=1920&to=1935")
    page = client.get("/changes?from=1920&to=1935&lon=80.3&lat=45.1&f=html").get_data(as_text=True)
    assert "At this point (45.1000° N, 80.3000° E)" in page
    assert '<th scope="row">16 km border zone</th><td>not yet in force</td><td>in force</td>' in page


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("lon=80.3", "lat"), ("lat=45.1", "lon"), ("lon=east&lat=45", "lon"), ("lon=80&lat=91", "lat")],
)
def test_a_bad_point_gets_a_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"/changes?from=1927&to=1935&{query}&f=json")
    assert response.status_code == 400
    assert response.get_json()["parameter"] == parameter


def _moves(app, offset_m: float) -> list[dict]:
    """The moves /changes reports for 1927-1935 once the district's 1929 seat lies `offset_m` east of its first."""
    from datetime import date

    from pyproj import Geod

    from webapp import changes as module
    from webapp.store import get_store

    with app.app_context():
        frame = get_store().frame("outposts").copy()
    first = frame.index[frame["id"] == "kazakh-border-district"][0]
    later = frame.index[frame["id"] == "kazakh-border-district@1929"][0]
    start = frame.geometry[first]
    lon, lat, _ = Geod(ellps="WGS84").fwd(start.x, start.y, 90, offset_m)
    frame.loc[later, "geometry"] = type(start)(lon, lat)
    with app.test_request_context():
        lines = module._units(frame, (date(1928, 1, 1), date(1935, 12, 31)))
    return [line for line in lines if line["kind"] == "Moved"]


def test_a_move_below_the_stated_tolerance_is_not_a_change(app, client):
    body = _changes(client, "from=1927&to=1935")
    tolerance = body["geometry_tolerance"]["metres"]
    assert tolerance == 1000 and "not reported" in body["geometry_tolerance"]["meaning"]
    assert [line["text"] for line in body["changes"] if line["kind"] == "Moved"]  # Kyzylorda to Alma-Ata
    assert _moves(app, tolerance * 0.3) == []  # the same seat digitised again
    assert len(_moves(app, tolerance * 5)) == 1
    page = client.get("/changes?from=1927&to=1935&f=html").get_data(as_text=True)
    assert "moved less than 1,000 m between two periods" in page


@pytest.mark.parametrize("query", ["to=1800", "from=1800&to=1935", "from=abc"])
def test_a_year_out_of_the_atlas_gets_both_limits(client, query):
    description = client.get(f"/changes?{query}&f=json").get_json()["description"]
    assert "1918" in description and "1940" in description, description


def test_the_page_links_the_comparison_on_the_map(client):
    page = client.get("/changes?from=1927&to=1935", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/map#year=1927&amp;compare=1935">Compare on the map</a>' in page
