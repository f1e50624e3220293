"""Hostile requests through the Flask test client: a 4xx with the reason or a correct page; never a 500 or a trace."""

from __future__ import annotations

import re
import time

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
    "incident NUL": ("/incidents/santos-1927-08-24%00", {404}),
    "incident unknown": ("/incidents/" + "x" * 10_000, {404}),
    "incident unknown f": ("/incidents/santos-1927-08-24?f=%3Cscript%3E", {400}),
}
# /figure: what a figure may not be asked for gets a 400 naming the parameter, before any drawing
FIGURE_REFUSED = [
    ("width", "width=100000"),
    ("height", "height=100000"),
    ("dpi", "dpi=100000&format=png"),
    ("bbox", "bbox=82,45,80,43"),  # inverted
    ("bbox", "bbox=1e308,1e308,1e308,1e308"),
    ("bbox", "bbox=nan,0,1,1"),
    ("bbox", "bbox=80,43,80,43,80"),
    ("year", "year=1900-2000"),  # more years than the map has
    ("year", "year=1940-1918"),
    ("year", "year=" + "1930-" * 1000 + "1931"),
    ("z", "c=44,80&z=100000"),
    ("c", "c=1e308,80&z=3"),
    ("z", "c=44,80"),  # without z
    ("off", "off=" + ",".join(f"layer {i}" for i in range(1000))),
    ("lang", "lang=%3Cscript%3E"),
    ("format", "format=exe"),
]
# Views at the edges: the whole world is clipped to what the projection draws (a figure, not a 400)
FIGURE_BOUNDED = [
    "bbox=-180,-90,180,90&year=1918-1940",
    "c=44,80&z=0&year=1918-1940",
    "bbox=80,43,80.0000001,43.0000001",
]
FIGURE_SECONDS = 15  # on a loaded 2-core machine; about 2 s alone
NUL_PARAMETERS = {
    ITEMS: ["limit", "offset", "bbox", "bbox-crs", "datetime", "f", "feature_type", "name"],
    "/collections/places/queryables": ["f"],
    "/collections/places/download": ["format", "datetime", "bbox", "feature_type"],
    "/regime": ["lat", "lon", "date", "place"],
    "/download": ["format", "datetime", "bbox", "bbox-crs"],
    "/charts": ["f"],
    "/places/jarkent": ["f"],
    "/incidents/santos-1927-08-24": ["f"],
    "/figure": ["year", "bbox", "c", "z", "off", "lang", "format", "width", "part"],
}
GOOD = {"limit": "5", "offset": "0", "bbox": "80,42,82,45", "datetime": "1930", "f": "json", "format": "geojson"}
GOOD |= {"feature_type": "town", "name": "Jarkent", "lat": "44.2", "lon": "80.4", "date": "1930", "place": "jarkent"}
GOOD |= {"year": "1930", "c": "44,80", "z": "8", "off": "Places", "lang": "name", "width": "single", "part": "sources"}
GOOD |= {"bbox-crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}
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


@pytest.mark.parametrize(("parameter", "query"), FIGURE_REFUSED)
def test_figure_refuses_what_it_cannot_draw_with_the_reason(client, parameter, query):
    response = client.get("/figure?" + query)
    check(response, {400})
    assert response.get_json()["parameter"] == parameter and "allowed" in response.get_json()["description"]


@pytest.mark.parametrize("query", FIGURE_BOUNDED)
def test_figure_of_an_extreme_view_is_drawn_in_bounded_time(client, query):
    started = time.perf_counter()
    response = client.get("/figure?" + query)
    check(response, {200})
    assert time.perf_counter() - started < FIGURE_SECONDS
    assert response.data.startswith(b"<?xml") and b"<svg" in response.data[:2000]


def routes(app):
    """Every route of the app, its variables filled with a real or a hostile value."""
    values = {"cid": "places", "fid": "jarkent", "pid": "jarkent", "filename": "atlas.js", "path": "leaflet/leaflet.js"}
    values["iid"] = "santos-1927-08-24"
    urls = set()
    for rule in app.url_map.iter_rules():
        url = rule.rule
        for var in rule.arguments:
            url = re.sub(rf"<(?:[^:<>]+:)?{var}>", values.get(var, "x"), url)
        urls.add(url)
    return sorted(urls)


def test_every_route_is_tried(app):
    """The new surfaces are among the routes HEAD and OPTIONS are tried on."""
    assert {"/figure", "/incidents/santos-1927-08-24", "/places/jarkent", "/download"} <= set(routes(app))


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS"])
def test_head_and_options_on_every_route(app, client, method):
    for url in routes(app):
        response = client.open(url, method=method)
        assert response.status_code < 500, (method, url, response.status_code)
        assert not TRACE.search(response.get_data(as_text=True)), (method, url)
        if method == "OPTIONS":
            assert "Allow" in response.headers, url
