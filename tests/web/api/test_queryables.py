"""Queryables (OGC API - Features - Part 3) and bbox-crs (Part 2), on both engines."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator

from layers.registry import REGISTRY
from store.sql import as_text

COLLECTIONS = list(REGISTRY)
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
SPATIAL_AND_TEMPORAL = {"geometry", "datetime"}
PYTHON_TYPES = {"string": str, "number": (int, float), "integer": int, "boolean": bool}


@pytest.fixture(scope="module")
def served(app) -> dict:
    """{collection: (its queryables document, its features)}."""
    client = app.test_client()
    return {
        cid: (
            client.get(f"/collections/{cid}/queryables").get_json(),
            client.get(f"/collections/{cid}/items?limit=10000").get_json()["features"],
        )
        for cid in COLLECTIONS
    }


@pytest.mark.parametrize("cid", COLLECTIONS)
def test_queryables_is_a_json_schema_linked_from_its_collection(client, cid):
    response = client.get(f"/collections/{cid}/queryables")
    assert response.status_code == 200 and response.mimetype == "application/schema+json"
    doc = response.get_json()
    Draft202012Validator.check_schema(doc)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"] == f"http://localhost/collections/{cid}/queryables"
    assert doc["type"] == "object" and doc["additionalProperties"] is False
    geometry = doc["properties"]["geometry"]
    assert geometry["format"].startswith("geometry-") and "type" not in geometry and "$ref" not in geometry
    assert doc["properties"]["datetime"]["type"] == "string"
    assert all(p.get("title") for p in doc["properties"].values())
    links = client.get(f"/collections/{cid}").get_json()["links"]
    [link] = [link for link in links if link["rel"] == REL]
    assert link["href"] == doc["$id"] and link["type"] == "application/schema+json"


@pytest.mark.parametrize(("cid", "form"), [("places", "geometry-point"), ("zones", "geometry-polygon-or-multipolygon")])
def test_the_geometry_format_is_the_layers(served, cid, form):
    assert served[cid][0]["properties"]["geometry"]["format"] == form


@pytest.mark.parametrize("cid", COLLECTIONS)
def test_every_feature_holds_the_types_the_queryables_declare(served, cid):
    doc, features = served[cid]
    validator = Draft202012Validator(doc)
    for feature in features:
        values = {k: v for k, v in feature["properties"].items() if k in doc["properties"] and v is not None}
        assert [e.message for e in validator.iter_errors(values)] == [], feature["id"]


@pytest.mark.parametrize("cid", COLLECTIONS)
def test_each_queryable_filters_the_items_by_equality(client, served, cid):
    doc, features = served[cid]
    simple = [name for name in doc["properties"] if name not in SPATIAL_AND_TEMPORAL]
    assert "id" in simple and "name" in simple
    compared = set()
    for name in simple:
        values = [f["properties"].get(name) for f in features]
        for value in dict.fromkeys(v for v in values if v is not None):  # the first the API takes as a plain value
            assert isinstance(value, PYTHON_TYPES[doc["properties"][name]["type"]]), name
            response = client.get(f"/collections/{cid}/items", query_string={name: as_text(value), "limit": 1})
            if response.status_code == 400 and "not a plain value" in response.get_json()["description"]:
                continue  # quotes and the like: refused as a filter by design (webapp.params.parse_equals)
            body = response.get_json()
            assert body["numberMatched"] == sum(v == value for v in values) > 0, name
            assert body["features"][0]["properties"][name] == value, name
            compared.add(name)
            break
    assert {"id", "name"} <= compared


def test_what_the_queryables_leave_out_is_refused(client, served):
    doc, features = served["places"]
    listed = set(doc["properties"])
    assert not {"sources", "variants"} & listed  # lists, not values a filter compares
    response = client.get("/collections/places/items?sources=x")
    assert response.status_code == 400 and response.get_json()["parameter"] == "sources"


def test_queryables_html_and_errors(client):
    page = client.get("/collections/places/queryables?f=html")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert b"<code>feature_type</code>" in page.data and b"<code>bbox</code>" in page.data
    assert b"/collections/places/queryables?f=html" in client.get("/collections/places?f=html").data
    missing = client.get("/collections/rivers/queryables")
    assert missing.status_code == 404 and "rivers" in missing.get_json()["description"]
    assert client.get("/collections/places/queryables?limit=3").get_json()["parameter"] == "limit"


def test_the_conformance_classes_name_queryables(client):
    classes = client.get("/conformance").get_json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters" in classes


def test_the_api_document_has_queryables_and_bbox_crs(client):
    paths = client.get("/api").get_json()["paths"]
    queryables = paths["/collections/{collectionId}/queryables"]["get"]["responses"]["200"]["content"]
    assert "application/schema+json" in queryables
    for path in ("/collections/{collectionId}/items", "/collections/{collectionId}/download", "/download"):
        [crs] = [p for p in paths[path]["get"]["parameters"] if p["name"] == "bbox-crs"]
        assert crs["schema"]["enum"] == [CRS84]


# ---------------------------------------------------------------- bbox-crs

BBOX = "78,42,88,50"
WITH_BBOX = [
    f"/collections/places/items?bbox={BBOX}&limit=1",
    f"/collections/incidents/grid?bbox={BBOX}",
    f"/collections/border/download?format=geojson&bbox={BBOX}",
    f"/download?format=geojson&bbox={BBOX}",
]


def test_every_collection_lists_crs84(client):
    assert all(c["crs"] == [CRS84] for c in client.get("/collections").get_json()["collections"])


@pytest.mark.parametrize("url", WITH_BBOX)
def test_bbox_crs_crs84_is_the_default_made_explicit(client, url):
    plain, explicit = client.get(url), client.get(f"{url}&bbox-crs={quote(CRS84, safe='')}")
    assert plain.status_code == explicit.status_code == 200
    if url.startswith("/collections/places/items") or "/grid" in url:
        assert plain.get_json()["numberMatched"] == explicit.get_json()["numberMatched"] > 0


@pytest.mark.parametrize("url", WITH_BBOX)
@pytest.mark.parametrize(
    ("crs", "why"),
    [
        ("http://www.opengis.net/def/crs/EPSG/0/4326", "latitude first"),
        ("http://www.opengis.net/def/crs/OGC/0/CRS84h", "3D"),
        ("EPSG:3857", "longitude/latitude"),
        ("http://www.opengis.net/def/crs/OGC/1.3/CRS84 ", "longitude/latitude"),
    ],
)
def test_an_unknown_bbox_crs_is_a_400_naming_what_is_allowed(client, url, crs, why):
    response = client.get(f"{url}&bbox-crs={quote(crs, safe='')}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "bbox-crs" and why in body["description"]
    assert "allowed" in body["description"] and CRS84 in body["description"]
