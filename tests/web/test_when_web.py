"""Dates as the sources give them, in the API and the downloads: `when` (EDTF) and `bounds` beside start and end,
and `certainty` (certain or possible) on a datetime query."""

from __future__ import annotations

import io
import zipfile

import pandas as pd


def _features(client, url: str) -> dict[str, dict]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return {f["id"]: f["properties"] for f in response.get_json()["features"]}


def test_every_dated_feature_has_its_edtf_and_four_bounds_beside_start_and_end(client):
    flows = _features(client, "/collections/migration/items?limit=1000")
    zaysan = flows["zaysan-households-1931-02"]
    assert zaysan["when"] == "[1931-02-11..1931-03-13]"  # once, between the night planned and the report
    assert zaysan["bounds"]["start"] == {"earliest": "1931-02-11", "latest": "1931-03-13"}
    assert (zaysan["start"], zaysan["end"]) == ("1931-02-11", "1931-03-13")  # as before, for older clients
    keys = list(zaysan)
    assert keys.index("when") == keys.index("end") + 1
    incidents = _features(client, "/collections/incidents/items?limit=1000")
    assert incidents["ush-bulak-1927-summer"]["when"] == "1927-22"  # the summer of 1927
    zones = _features(client, "/collections/zones/items?limit=1000")
    assert zones["zone-100-km"]["when"] is None
    assert zones["zone-21-verst"]["when"] == "1922/1924"
    assert zones["strip-500-m"]["bounds"]["end"] is None  # in force to the end of the atlas's years


def test_a_datetime_query_marks_each_feature_certain_or_possible(client):
    zones = _features(client, "/collections/zones/items?datetime=1932&limit=1000")
    assert zones["zone-100-km"]["certainty"] == "possible"  # in force at a time the sources do not give
    assert zones["zone-50-km"]["certainty"] == "certain"
    flows = _features(client, "/collections/migration/items?datetime=1931&limit=1000")
    assert flows["emigration-1930-1933"]["certainty"] == "certain"
    assert "certainty" not in _features(client, "/collections/migration/items?limit=1000")["emigration-1930-1933"]
    places = _features(client, "/collections/places/items?datetime=1931&limit=5")
    assert all("certainty" not in p for p in places.values())  # a place is not a dated thing


def test_the_downloads_carry_the_certainty(client):
    csv = client.get("/collections/zones/download?format=csv&datetime=1932")
    frame = pd.read_csv(io.BytesIO(zipfile.ZipFile(io.BytesIO(csv.data)).read("zones.csv")))
    assert dict(zip(frame["id"], frame["certainty"], strict=True))["zone-100-km"] == "possible"
    geojson = client.get("/collections/zones/download?format=geojson&datetime=1932").get_json()
    marks = {f["id"]: f["properties"]["certainty"] for f in geojson["features"]}
    assert marks["zone-50-km"] == "certain" and marks["zone-100-km"] == "possible"


def test_the_histogram_counts_the_certain_and_the_possible_apart(layers):
    from webapp.certainty import year_counts

    certain, possible = year_counts(layers["customs"], (1918, 1940))
    undated = int(layers["customs"]["start"].isna().sum())
    assert undated and possible == [undated] * 23  # an undated post: possible in every year, certain in none
    zones_certain, zones_possible = year_counts(layers["zones"], (1932, 1932))
    assert zones_possible == [1]  # the 100 km gold zone
    zones = layers["zones"]
    in_force = zones["start"].notna() & (zones["start"].astype(str) <= "1932") & zones["end"].isna()
    assert zones_certain == [int(in_force.sum())]
