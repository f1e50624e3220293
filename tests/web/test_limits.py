"""Costly answers bounded (issue 19): figures a few at a time per worker (503 + Retry-After beyond) and cached by
their ETag; HTML item pages paged like the JSON and made without parsing a feature; downloads streamed."""

from __future__ import annotations

import json

import pytest

from webapp import create_app, figure, limits


@pytest.fixture()
def app(built):
    """A new app per test: its own figure slots and cache."""
    return create_app({"STORE": built[0], "DATABASE": None, "TESTING": True})


@pytest.fixture()
def drawn(monkeypatch):
    """The views actually drawn (render is counted, then called)."""
    calls, render = [], figure.render
    monkeypatch.setattr(
        figure, "render", lambda store, view, **kw: calls.append(view.years) or render(store, view, **kw)
    )
    return calls


def test_a_figure_is_drawn_once_and_then_served_from_the_cache(app, drawn):
    client = app.test_client()
    first, second = (client.get("/figure?format=svg&year=1927") for _ in range(2))
    assert first.status_code == second.status_code == 200 and first.data == second.data
    assert drawn == [(1927, 1927)]
    assert client.get("/figure?format=svg&year=1928").status_code == 200 and len(drawn) == 2


def test_the_cache_is_keyed_by_the_etag_so_another_origin_gets_its_own_caption(built, drawn):
    app = create_app({"STORE": built[0], "DATABASE": None, "PROXIES": 1, "FORWARDED": ["proto"]})
    client = app.test_client()
    http = client.get("/figure?format=svg", headers={"X-Forwarded-Proto": "http"})
    https = client.get("/figure?format=svg", headers={"X-Forwarded-Proto": "https"})
    assert len(drawn) == 2 and http.headers["ETag"] != https.headers["ETag"]
    assert b"http://localhost/map#" in http.data and b"https://localhost/map#" in https.data


def test_beyond_the_figures_a_worker_draws_at_once_the_answer_is_503_with_retry_after(app, drawn):
    figures = app.extensions["atlas_figures"]
    assert figures.slots.acquire(blocking=False)  # the one slot is taken, as by a figure being drawn
    try:
        response = app.test_client().get("/figure?format=png&year=1930")
    finally:
        figures.slots.release()
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.get_json()["code"] == "ServiceUnavailable" and "try again" in response.get_json()["description"]
    assert drawn == []
    assert app.test_client().get("/figure?format=svg&year=1930").status_code == 200  # a free slot again


def test_the_figure_cache_holds_at_most_its_capacity():
    cache = limits.BytesCache(10)
    for key in "abcd":
        cache.put(key, b"xxxx")
    assert cache.size <= 10 and cache.get("a") is None and cache.get("d") == b"xxxx"
    cache.put("big", b"x" * 11)
    assert cache.get("big") is None and cache.size <= 10


@pytest.mark.parametrize(("limit", "offset"), [(3, 0), (3, 3), (2, 8), (100, 0)])
def test_html_items_are_the_json_page_with_the_same_links(client, limit, offset, monkeypatch):
    query = f"limit={limit}&offset={offset}"
    page = client.get(f"/collections/zones/items?{query}").get_json()
    client.get("/collections/zones/items?f=html")  # the layer decoded once per build, as the map page does too
    monkeypatch.setattr(json, "loads", lambda *a, **k: pytest.fail("the HTML page parsed a feature"))
    html = client.get(f"/collections/zones/items?{query}&f=html").get_data(as_text=True)
    ids = [f["id"] for f in page["features"]]
    assert [i for i in ids if f'items/{i}?f=html">{i}</a>' in html] == ids
    assert html.count("MultiPolygon") == len(ids)
    assert f"{len(ids)} of {page['numberMatched']} features" in html
    for rel in ("next", "prev"):
        assert (f">{rel}</a>" in html) == any(link["rel"] == rel for link in page["links"])


@pytest.mark.parametrize("cid", ["zones", "places", "incidents"])
def test_a_streamed_geojson_download_is_the_features_the_items_serve(client, cid):
    download = json.loads(client.get(f"/collections/{cid}/download?format=geojson").data)
    items = client.get(f"/collections/{cid}/items?limit=10000").get_json()
    assert download["features"] == items["features"]
    assert download["citation"].startswith("Border Atlas") and download["licence"].startswith("ODbL")
