"""The OGC API paths: status codes, RFC 7946 GeoJSON, clear errors for bad requests."""

from __future__ import annotations

import json
import math
import re

import pytest
import shapely
from shapely.geometry import shape


def ring_is_ccw(ring) -> bool:
    """Shoelace sign of a closed ring: positive area = counter-clockwise."""
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False))
    return area > 0


def check_rfc7946(collection: dict) -> None:
    """Raise AssertionError where a FeatureCollection breaks RFC 7946 as this service promises it."""
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    for f in collection["features"]:
        assert f["type"] == "Feature" and "crs" not in f
        text = json.dumps(f["properties"])
        assert "NaN" not in text and "Infinity" not in text
        geom = f["geometry"]
        if geom is None:  # an unlocated feature (RFC 7946, 3.2)
            continue
        polygons = {"Polygon": [geom.get("coordinates")], "MultiPolygon": geom.get("coordinates")}.get(geom["type"], [])
        for polygon in polygons:
            assert ring_is_ccw(polygon[0]), f"{f['id']}: exterior ring is clockwise"
            for hole in polygon[1:]:
                assert not ring_is_ccw(hole), f"{f['id']}: a hole is counter-clockwise"
        xy = shapely.get_coordinates(shape(geom))
        assert ((-180 <= xy[:, 0]) & (xy[:, 0] <= 180) & (-90 <= xy[:, 1]) & (xy[:, 1] <= 90)).all()
        assert (xy[:, 0] > xy[:, 1]).all(), (
            "longitude first: on this border longitudes (78-88) exceed latitudes (42-50)"
        )
        decimals = max(len(repr(float(v)).split(".")[1]) for v in xy[:200].ravel())
        assert decimals <= 7


def test_the_rfc_check_can_fail():
    clockwise = {"type": "Polygon", "coordinates": [[[80, 45], [80, 46], [81, 46], [81, 45], [80, 45]]]}
    bad = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "id": "x", "geometry": clockwise, "properties": {}}],
    }
    with pytest.raises(AssertionError, match="clockwise"):
        check_rfc7946(bad)


def test_collections_lists_border_and_zones(client):
    body = client.get("/collections").get_json()
    ids = [c["id"] for c in body["collections"]]
    assert ids[:2] == ["border", "zones"]
    zones = body["collections"][1]
    minx, miny, maxx, maxy = zones["extent"]["spatial"]["bbox"][0]
    assert 78 < minx < maxx < 89 and 41 < miny < maxy < 51
    assert zones["extent"]["temporal"]["interval"][0][0] == "1918-05-28"


@pytest.mark.parametrize(
    ("year", "present", "absent"),
    [
        ("1930", "zone-22-km", "zone-21-verst"),
        ("1920", "zone-7-5-km", "zone-22-km"),
        ("1923", "zone-21-verst", "zone-50-km"),
    ],
)
def test_zone_items_by_year(client, year, present, absent):
    response = client.get(f"/collections/zones/items?datetime={year}")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = response.get_json()
    ids = {f["id"] for f in body["features"]}
    assert present in ids and absent not in ids
    assert body["numberReturned"] == len(ids) == body["numberMatched"]
    check_rfc7946(body)


def test_border_items_are_rfc7946_and_full_precision(client, layers):
    body = client.get("/collections/border/items").get_json()
    check_rfc7946(body)
    (feature,) = body["features"]
    served = shape(feature["geometry"])
    assert served.geom_type == "LineString"
    assert len(served.coords) == len(layers["border"].geometry.iloc[0].coords), "exports are not simplified"


def test_zone_carries_acts_rules_and_citations(client):
    zone = client.get("/collections/zones/items/zone-22-km").get_json()
    props = zone["properties"]
    assert props["depth_m"] == 22000
    assert any(a["date"] == "1927-06-15" for a in props["acts"])
    assert any(r["category"] == "entry" for r in props["rules"])
    assert any(
        s["note"] == "21" and "f. 13, op. 1, d. 2, l. 3, Spetsial'nyi" in s["reference"] for s in props["sources"]
    )
    assert all(
        s["csl"]["type"] and s["cited_as"].startswith("Ablazhey and Zhanbossinova 2026") for s in props["sources"]
    )


def test_paging_links(client):
    body = client.get("/collections/zones/items?limit=2&offset=2").get_json()
    assert body["numberReturned"] == 2 and body["numberMatched"] == 9
    rels = {link["rel"] for link in body["links"]}
    assert {"self", "next", "prev"} <= rels


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/collections/zones/items?datetime=abc", 400, "datetime"),
        ("/collections/zones/items?datetime=3000", 400, "datetime"),
        ("/collections/zones/items?datetime=1932/1930", 400, "datetime"),
        ("/collections/zones/items?colour=red", 400, "colour"),
        ("/collections/zones/items?bbox=1,2,3", 400, "bbox"),
        ("/collections/zones/items?bbox=10,50,5,40", 400, "bbox"),
        ("/collections/zones/items?limit=-1", 400, "limit"),
        ("/collections/zones/items?limit=abc", 400, "limit"),
        ("/collections/zones/items?offset=-5", 400, "offset"),
        # numbers and dates in ASCII digits only, as the API document says: no blanks, "_" or other scripts' digits
        ("/collections/zones/items?limit=1_0", 400, "limit"),
        ("/collections/zones/items?limit=%205", 400, "limit"),
        ("/collections/zones/items?limit=%D9%A5", 400, "limit"),
        ("/collections/zones/items?bbox=79,42,8_4,47", 400, "bbox"),
        ("/collections/zones/items?bbox=79,42,84,%2047", 400, "bbox"),
        ("/collections/zones/items?datetime=%D9%A1%D9%A9%D9%A3%D9%A0", 400, "datetime"),
        ("/collections/zones/items?datetime=%201930", 400, "datetime"),
        ("/regime?lat=%2045&lon=80&date=1930", 400, "lat"),
        ("/regime?lat=45&lon=8_0&date=1930", 400, "lon"),
        ("/collections/zones/items?f=xml", 400, "f"),
        # beyond the whole numbers both engines hold (2**63 and more): a 400 on both, not their overflow
        ("/collections/zones/items?offset=9223372036854775808", 400, "offset"),
        ("/collections/zones/items?limit=99999999999999999999", 400, "limit"),
        ("/collections/places/items?geonames_id=9223372036854775808", 400, "geonames_id"),
        ("/collections/migration/items?precision_m=-9223372036854775809", 400, "precision_m"),
        ("/collections/rivers/items", 404, None),
        ("/collections/rivers", 404, None),
        ("/collections/zones/items/zone-1000-km", 404, None),
        ("/no/such/page", 404, None),
    ],
)
def test_bad_requests_get_a_json_error(client, url, status, parameter):
    response = client.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert body["code"] and body["description"]
    if parameter:
        assert body["parameter"] == parameter and "allowed" in body["description"]


def test_the_largest_whole_numbers_both_engines_hold_are_answered(client):
    top = 2**63 - 1
    body = client.get(f"/collections/zones/items?offset={top}").get_json()
    assert body["features"] == [] and body["numberMatched"] == 9
    assert client.get(f"/collections/places/items?geonames_id={top}").get_json()["numberMatched"] == 0
    assert client.get(f"/collections/migration/items?precision_m={-(2**63)}").get_json()["numberMatched"] == 0


def test_limit_above_the_maximum_is_cut(client):
    body = client.get("/collections/zones/items?limit=1000000").get_json()
    assert body["numberReturned"] == 9


@pytest.mark.parametrize("value", ["1930-05-31", "1930-05-01T00:00:00Z", "/1932", "1927/..", "/"])
def test_the_api_document_describes_the_datetimes_the_server_takes(client, value):
    from webapp.openapi import DATETIME_PATTERN

    assert re.match(DATETIME_PATTERN, value), "the document allows it"
    assert client.get(f"/collections/zones/items?datetime={value}").status_code == 200, "and the server takes it"


def test_datetime_reaches_back_to_the_earliest_date_in_the_data(client, layers):
    first = min(f for frame in layers.values() for f in frame["start"] if isinstance(f, str) and f)
    year = int(first[:4])
    assert year < 1918, "the sources give a figure from before the atlas's period"
    body = client.get(f"/collections/migration/items?datetime={year}").get_json()
    dated = [f["properties"]["start"] for f in body["features"] if f["properties"]["start"]]  # undated: no year
    assert dated and all(start.startswith(str(year)) for start in dated)
    response = client.get(f"/collections/migration/items?datetime={year - 1}")
    assert response.status_code == 400 and f"{year}–1940" in response.get_json()["description"]


def test_datetime_open_interval(client):
    body = client.get("/collections/zones/items?datetime=../1921").get_json()
    # and the undated 100 km gold zone: its years unknown, it is in every period's answer
    assert {f["id"] for f in body["features"]} == {"zone-4-km", "zone-7-5-km", "zone-100-km"}


def test_unbuilt_store_is_a_clear_404(tmp_path):
    from webapp import create_app

    client = create_app({"STORE": tmp_path / "missing.gpkg"}).test_client()
    response = client.get("/collections")
    assert response.status_code == 404 and "make data" in response.get_json()["description"]


def test_no_nan_in_numbers(client):
    body = client.get("/collections/zones/items").get_json()
    for f in body["features"]:
        for v in f["properties"].values():
            assert not (isinstance(v, float) and math.isnan(v))


GRID_VIEWS = [
    ("places", "78,42,88,50", None, 8),
    ("incidents", "78,42,88,50", "1918/1940", 4),
    ("incidents", "79.5,43.2,81.7,45.9", "1930", 3),
    ("migration", "78,42,88,50", "1920/1935", 5),
    ("zones", "80,44,82,46", "1930", 2),
]


@pytest.mark.parametrize(("cid", "bbox", "when", "cells"), GRID_VIEWS)
def test_count_grid_sums_to_the_items_number_matched(client, cid, bbox, when, cells):
    dated = f"&datetime={when}" if when else ""
    grid = client.get(f"/collections/{cid}/grid?bbox={bbox}&cells={cells}{dated}").get_json()
    items = client.get(f"/collections/{cid}/items?bbox={bbox}&limit=1{dated}").get_json()
    assert grid["numberMatched"] == sum(c["count"] for c in grid["grid"]) == items["numberMatched"]
    assert all(0 <= c["column"] < cells and 0 <= c["row"] < cells and c["count"] > 0 for c in grid["grid"])


def test_count_grid_puts_each_point_in_its_cell(client):
    """Each cell's count is the number of points whose location lies in the cell's box."""
    grid = client.get("/collections/places/grid?bbox=78,42,88,50&cells=4").get_json()
    points = [
        f["geometry"]["coordinates"]
        for f in client.get("/collections/places/items?bbox=78,42,88,50&limit=10000").get_json()["features"]
    ]
    assert grid["grid"]
    for cell in grid["grid"]:
        x0, y0, x1, y1 = cell["bbox"]
        inside = [p for p in points if x0 <= p[0] < x1 and y0 <= p[1] < y1]
        assert len(inside) == cell["count"]


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/collections/places/grid", "bbox"),
        ("/collections/places/grid?bbox=78,42,88", "bbox"),
        ("/collections/places/grid?bbox=78,42,88,50&cells=0", "cells"),
        ("/collections/places/grid?bbox=78,42,88,50&cells=65", "cells"),
        ("/collections/places/grid?bbox=78,42,88,50&cells=x", "cells"),
        ("/collections/places/grid?bbox=78,42,88,50&datetime=1800", "datetime"),
        ("/collections/places/grid?bbox=78,42,88,50&limit=5", "limit"),
    ],
)
def test_bad_grid_requests_name_the_parameter(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter and "allowed" in body["description"]


def test_grid_of_an_unknown_collection_is_404(client):
    assert client.get("/collections/rivers/grid?bbox=78,42,88,50").status_code == 404


def test_the_diplomacy_collection_is_served_dated_and_filterable(client):
    """Seed 001's records (layers/diplomacy.py): listed, filtered by date and kind, each with its precision."""
    listed = {c["id"]: c for c in client.get("/collections").get_json()["collections"]}
    # from Xinjiang's neutrality, a policy from 1918 with no end given (Shemetova 2020)
    assert listed["diplomacy"]["extent"]["temporal"]["interval"] == [["1918-01-01", None]]
    october = client.get("/collections/diplomacy/items?datetime=1923-10-05").get_json()
    ids = {f["id"] for f in october["features"]}
    assert {"russian-chinese-jsc-draft-1923", "nkid-plenipotentiary-chuguchak-1923"} <= ids
    assert not ids & {"ili-protocol-1920", "snk-draft-licence-free-trade-1923", "kazansky-talks-urumqi-1921"}
    check_rfc7946(october)
    seated = client.get("/collections/diplomacy/items?kind=representation").get_json()
    assert {f["properties"]["place"] for f in seated["features"]} == {"chuguchak", "urumqi", "alma-ata", "kuldja"}
    ili = client.get("/collections/diplomacy/items/ili-protocol-1920").get_json()
    assert (ili["properties"]["start"], ili["properties"]["date_precision"]) == ("1920-05", "month")
    assert ili["properties"]["where_prec"] == "district" and ili["geometry"]["type"] == "Point"
    assert [p["side"] for p in ili["properties"]["parties"]] == ["USSR", "China"]
    order = client.get("/collections/diplomacy/items/nkvt-order-cattle-drives-1923").get_json()
    assert order["geometry"] is None and order["properties"]["area"] == "afghan-persian-west-china-borders"
