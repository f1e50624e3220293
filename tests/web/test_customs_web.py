"""Customs on the web: the 1923 tariff page, and which posts it is shown with."""

from __future__ import annotations


def test_tariff_has_eight_articles_with_duties(client):
    tariff = client.get("/customs/tariff-1923?f=json").get_json()
    assert tariff["date"] == "1923-04-19"
    assert len({row["article"] for row in tariff["rows"]}) == 8
    assert all(row["duty_free"] or row["duty_ru"] for row in tariff["rows"])
    page = client.get("/customs/tariff-1923?f=html").data.decode()
    assert "Кишмиш" in page or "кишмиш" in page


def test_the_tariff_goes_with_the_turkestan_stretch_only(client):
    posts = {f["id"]: f["properties"] for f in client.get("/collections/customs/items").get_json()["features"]}
    assert posts["customs-post-khorgos"]["tariff_1923"] is True
    assert posts["customs-office-zaysan"]["tariff_1923"] is False


def test_units_by_year_through_the_api(client):
    ids = {f["id"] for f in client.get("/collections/outposts/items?datetime=1920&limit=1000").get_json()["features"]}
    assert "jetisu-border-detachment" not in ids and "turkestan-border-division" in ids
    facts = client.get("/collections/outposts/items/bakhty-commandant-office").get_json()["properties"]["facts"]
    counts = {f["year"]: f["value"] for f in facts if f["what"] == "outposts"}
    assert counts == {1927: 4, 1930: 8, 1932: 14}


def test_the_tariff_page_does_not_say_where_the_tariff_was_charged(client):
    """Issue 27: the code said the posts of Jetisu were "where the 1923 tariff applied"; the source says only that
    the rates could be put in force on the section with Western China, not where or from when they were charged."""
    page = client.get("/customs/tariff-1923?f=html").data.decode()
    assert "does not say at which posts, or from when, they were charged" in page
    assert "the stretch the tariff was adopted for" in page and "applied" not in page
    assert client.get("/customs/tariff-1923?f=json").get_json()["note"].startswith("Shemetova (2020) reads the list")
