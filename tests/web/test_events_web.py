"""Incidents, migration flows and yearly figures through the API and pages."""

from __future__ import annotations

from tests.web.api.test_api import check_rfc7946


def test_incidents_by_year(client):
    body = client.get("/collections/incidents/items?datetime=1927&limit=100").get_json()
    ids = {f["id"] for f in body["features"]}
    assert {"sarkand-1927-08-18", "santos-1927-08-24", "chulak-1927-08-15"} <= ids
    assert not any(i.startswith("kaldybaev") for i in ids)
    check_rfc7946({**body, "features": [f for f in body["features"] if f["geometry"]]})


def test_santos_is_4_km_southeast_of_narynkol_with_its_radius(client):
    santos = client.get("/collections/incidents/items/santos-1927-08-24").get_json()
    narynkol = client.get("/places/narynkol?f=json").get_json()
    (lon, lat), (nlon, nlat) = santos["geometry"]["coordinates"], narynkol["geometry"]["coordinates"]
    assert lat < nlat and lon > nlon  # south-east
    assert santos["properties"]["precision_m"] > 0
    assert santos["properties"]["zones_containing"], "a clash at the border lies in the zones"


def test_a_marker_in_an_area_is_not_measured_as_a_position(client):
    props = client.get("/collections/incidents/items/six-kazakhs-1935-07-18").get_json()["properties"]
    assert (props["where_prec"], props["area_id"]) == ("area", "bakhty-500m")
    assert props["border_distance_m"] is None and props["zones_containing"] == []
    santos = client.get("/collections/incidents/items/santos-1927-08-24").get_json()["properties"]
    assert santos["border_distance_m"] > 0  # a point of its own is measured


def test_unlocated_incidents_are_kept_without_a_point(client):
    uryl = client.get("/collections/incidents/items/uryl-1933").get_json()
    assert uryl["geometry"] is None and uryl["properties"]["where_prec"] == "unlocated"
    assert "Uryl" in uryl["properties"]["location_text"]


def test_migration_keeps_both_estimates_with_their_authorities(client):
    flows = {
        f["id"]: f["properties"] for f in client.get("/collections/migration/items?limit=100").get_json()["features"]
    }
    assert flows["households-to-western-china-ogpu"]["households"]["low"] == 40000
    assert flows["households-to-china-mongolia-republic"]["households"]["best"] == 83000
    assert (
        flows["households-to-western-china-ogpu"]["authority"]
        != flows["households-to-china-mongolia-republic"]["authority"]
    )


def test_aggregates_are_a_table_not_points(client):
    rows = client.get("/statistics?f=json").get_json()
    figures = {r["id"]: r for r in rows}
    assert any(r["best"] == 2538 or r["low"] == 2538 for r in rows)
    assert any(r["best"] == 1027 or r["low"] == 1027 for r in rows)
    incident_ids = {f["id"] for f in client.get("/collections/incidents/items?limit=100").get_json()["features"]}
    assert not set(figures) & incident_ids
    assert "2,538" in client.get("/statistics?f=html").data.decode()
