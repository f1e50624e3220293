"""Hostile requests through the Flask test client: a 4xx with the reason or a correct page; never a 500 or a trace."""

from __future__ import annotations

import re

import pytest

ITEMS = "/collections/places/items"
# (request, statuses allowed)
REQUESTS = {
    "long query string": (ITEMS + "?feature_type=" + "a" * 100_000, {400, 414}),
    "many parameters": (ITEMS + "?" + "&".join(f"p{i}=1" for i in range(2000)), {400}),
    "limit 10**18": (ITEMS + f"?limit={10**18}", {200}),
    "limit huge": (ITEMS + "?limit=" + "9" * 5000, {400}),
    "offset past the end": (ITEMS + "?offset=100000", {200}),
    "offset 10**18": (ITEMS + f"?offset={10**18}", {200, 400}),
    "bbox around the world": (ITEMS + "?bbox=-180,-90,180,90", {200}),
    "repeated limit": (ITEMS + "?limit=1&limit=5", {200, 400}),
    "repeated bbox": (ITEMS + "?bbox=80,42,82,45&bbox=1,2,3,4", {200, 400}),
    "repeated datetime": ("/collections/zones/items?datetime=1930&datetime=abc", {200, 400}),
    "path with ..": ("/collections/../../etc/passwd", {404}),
    "encoded ..": ("/collections/%2e%2e/%2e%2e/items", {404}),
    "vendor ..": ("/vendor/leaflet/../../package.json", {404}),
    "vendor encoded ..": ("/vendor/leaflet/%2e%2e%2f%2e%2e%2fpackage.json", {404}),
    "unknown f": ("/collections?f=exe", {400}),
    "unknown f on items": (ITEMS + "?f=%3Cscript%3E", {400}),
    "NUL in the path": ("/collections/places%00/items", {404}),
    "NUL in an item id": (ITEMS + "/jarkent%00", {404}),
    "NUL in a place page": ("/places/jarkent%00", {404}),
    "regime with a long date": ("/regime?lat=44&lon=80&date=" + "1" * 10_000, {400}),
    "regime huge lat": ("/regime?lat=" + "9" * 400 + "&lon=80&date=1930", {400}),
}
NUL_PARAMETERS = {
    ITEMS: ["limit", "offset", "bbox", "datetime", "f", "feature_type", "name"],
    "/collections/places/download": ["format", "datetime", "bbox", "feature_type"],
    "/regime": ["lat", "lon", "date", "place"],
    "/download": ["format", "datetime", "bbox"],
    "/charts": ["f"],
    "/places/jarkent": ["f"],
}
GOOD = {"limit": "5", "offset": "0", "bbox": "80,42,82,45", "datetime": "1930", "f": "json", "format": "geojson"}
GOOD |= {"feature_type": "town", "name": "Jarkent", "lat": "44.2", "lon": "80.4", "date": "1930", "place": "jarkent"}
TRACE = re.compile(r"Traceback|File \"|line [0-9]+, in ", re.I)


def check(response, allowed) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:500]
    assert not TRACE.search(body), body[:500]
    assert response.status_code in allowed, (response.status_code, body[:300])
    if 400 <= response.status_code < 500 and response.mimetype == "application/json":
        assert response.get_json()["description"], "a 4xx says why"


@pytest.mark.parametrize("name", REQUESTS)
def test_hostile_request(client, name):
    url, allowed = REQUESTS[name]
    check(client.get(url), allowed)


def test_limit_beyond_the_maximum_is_cut_and_offset_past_the_end_is_empty(client):
    assert len(client.get(ITEMS + f"?limit={10**18}").get_json()["features"]) <= 10_000
    assert client.get(ITEMS + "?offset=100000").get_json()["features"] == []


@pytest.mark.parametrize(("path", "name"), [(p, n) for p, names in NUL_PARAMETERS.items() for n in names])
def test_nul_byte_in_a_parameter(client, path, name):
    check(client.get(f"{path}?{name}=%00"), {200, 400, 404})
    check(client.get(f"{path}?{name}={GOOD[name]}%00"), {200, 400, 404})


def routes(app):
    """Every route of the app, its variables filled with a real or a hostile value."""
    values = {"cid": "places", "fid": "jarkent", "pid": "jarkent", "filename": "atlas.js", "path": "leaflet/leaflet.js"}
    urls = set()
    for rule in app.url_map.iter_rules():
        url = rule.rule
        for var in rule.arguments:
            url = re.sub(rf"<(?:[^:<>]+:)?{var}>", values.get(var, "x"), url)
        urls.add(url)
    return sorted(urls)


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS"])
def test_head_and_options_on_every_route(app, client, method):
    for url in routes(app):
        response = client.open(url, method=method)
        assert response.status_code < 500, (method, url, response.status_code)
        assert not TRACE.search(response.get_data(as_text=True)), (method, url)
        if method == "OPTIONS":
            assert "Allow" in response.headers, url
