"""OGC API service documents and HTML views: landing, conformance, OpenAPI, escaped HTML."""

from __future__ import annotations

import pytest

from webapp import create_app


def test_landing_is_the_map_for_browsers_and_json_for_clients(client):
    html = client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.mimetype == "text/html" and b"BorderAtlasQueue" in html.data
    for response in (client.get("/?f=json"), client.get("/", headers={"Accept": "application/json"})):
        body = response.get_json()
        rels = {link["rel"]: link["href"] for link in body["links"]}
        assert {"self", "service-desc", "conformance", "data", "alternate"} <= set(rels)
        assert rels["alternate"].endswith("/map")


def test_conformance(client):
    classes = client.get("/conformance").get_json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in classes


def test_openapi_describes_every_route_the_server_has(app, client):
    doc = client.get("/api").get_json()
    assert doc["openapi"].startswith("3.0")
    served = {
        rule.rule.replace("<cid>", "{collectionId}")
        .replace("<fid>", "{featureId}")
        .replace("<pid>", "{placeId}")
        .replace("<iid>", "{incidentId}")
        .replace("<did>", "{documentId}")
        .replace("<span>", "{releases}")
        .replace("<number>", "{release}")
        .replace("<layer>", "{layer}")
        .replace("<fmt>", "{fmt}")
        .replace("<slug>", "{slug}")
        .replace("<n>", "{n}")
        .replace("<page>", "{page}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] not in ("assets", "static") and rule.rule != "/favicon.ico"
    }
    assert served == set(doc["paths"])
    items = {p["name"] for p in doc["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]}
    assert items == {"collectionId", "datetime", "year", "bbox", "bbox-crs", "limit", "offset", "f"}


@pytest.mark.parametrize(
    "url",
    [
        "/collections?f=html",
        "/collections/zones?f=html",
        "/collections/zones/items?f=html",
        "/collections/zones/items/zone-4-km?f=html",
    ],
)
def test_html_views(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert b'href="/map"' in response.data


def test_html_views_escape_text_from_data(hostile_store):
    client = create_app({"STORE": hostile_store}).test_client()
    for url in ("/collections/zones/items?f=html", "/collections/zones/items/zone-22-km?f=html"):
        page = client.get(url).data.decode()
        assert "<img src=x" not in page and "&lt;img src=x" in page
        assert "</script><script>" not in page


def test_unknown_format_is_refused(client):
    response = client.get("/conformance?f=pdf")
    assert response.status_code == 400 and response.get_json()["parameter"] == "f"
