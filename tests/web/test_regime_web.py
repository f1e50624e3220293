"""`GET /regime`: what applied at a point or a place on a date; clear errors for bad requests."""

from __future__ import annotations

import pytest


def test_a_point_by_khorgos_in_1920_and_1933(client):
    """Khorgos lies about 1.3 km from the border: in 1920 only the 1918 zones applied."""
    early = client.get("/regime?place=khorgos&date=1920-06-01").get_json()
    assert early["side"] == "USSR" and early["in_force"] == ["zone-4-km", "zone-7-5-km"]
    late = client.get("/regime?place=khorgos&date=1933-06-01").get_json()
    assert {"zone-4-km", "zone-7-5-km", "zone-22-km", "zone-50-km"} <= set(late["in_force"])
    undated = next(z for z in late["zones"] if z["id"] == "zone-100-km")  # years not given: neither in force nor not
    assert "zone-100-km" not in late["in_force"] and undated["in_force"] is None
    rules = {r["category"] for z in late["zones"] if z["id"] == "zone-22-km" for r in z["rules"]}
    assert "entry" in rules and "passport" not in rules  # the passport rule dates from October 1933


def test_a_point_in_xinjiang(client):
    answer = client.get("/regime?lat=43.91&lon=81.32&date=1930").get_json()
    assert answer["zones"] == [] and "Xinjiang" in answer["note"]


def test_places_and_posts_carry_their_distance_and_zones(layers):
    places = layers["places"].set_index("id")
    assert 0 < places.loc["khorgos", "border_distance_m"] < 4000
    assert "zone-4-km" in places.loc["khorgos", "zones_containing"]
    posts = layers["customs"].set_index("id")
    assert (
        posts.loc["customs-post-khabarasu", "border_distance_m"]
        != posts.loc["customs-post-khabarasu", "border_distance_m"]
    )  # NaN: unlocated, not measured


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("lat=200&lon=80&date=1930", "lat"),
        ("lat=44&lon=500&date=1930", "lon"),
        ("lat=abc&lon=80&date=1930", "lat"),
        ("lat=44&lon=80&date=30-06-1933", "date"),
        ("lat=44&lon=80&date=1950", "date"),
        ("lat=44&lon=80", "date"),
        ("lon=80&date=1930", "lat"),
        ("place=sumbe&date=1930", "place"),
        ("place=khorgos&lat=44&date=1930", "place"),
        ("lat=44&lon=80&date=1930&zoom=3", "zoom"),
    ],
)
def test_bad_regime_requests(client, query, parameter):
    response = client.get(f"/regime?{query}")
    assert response.status_code == 400
    assert response.get_json()["parameter"] == parameter


def test_unknown_place_is_404(client):
    assert client.get("/regime?place=atlantis&date=1930").status_code == 404
